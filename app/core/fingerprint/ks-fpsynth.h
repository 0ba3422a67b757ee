/* ks-fpsynth.h: synthetic fingerprints (SFinGe method) for the simulated scanner and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KS_FPSYNTH_NORMAL,
  KS_FPSYNTH_SMUDGED,
  KS_FPSYNTH_PARTIAL,
} KsFpSynthVariant;

typedef enum
{
  KS_FPSYNTH_CLASS_ARCH,
  KS_FPSYNTH_CLASS_TENTED_ARCH,
  KS_FPSYNTH_CLASS_LEFT_LOOP,
  KS_FPSYNTH_CLASS_RIGHT_LOOP,
  KS_FPSYNTH_CLASS_WHORL,
} KsFpSynthClass;

/* A generated finger: its master ridge pattern, from which every impression is rendered. */
typedef struct _KsFpSynthFinger KsFpSynthFinger;

KsFpSynthFinger *ks_fpsynth_finger_new (guint64 person, guint finger);
KsFpSynthFinger *ks_fpsynth_finger_ref (KsFpSynthFinger *self);
void ks_fpsynth_finger_unref (KsFpSynthFinger *self);
GBytes *ks_fpsynth_finger_render (KsFpSynthFinger *self, guint impression, KsFpSynthVariant variant,
                                  guint *width, guint *height);
GBytes *ks_fpsynth_generate (guint64 person, guint finger, guint impression,
                             KsFpSynthVariant variant, guint *width, guint *height);
gboolean ks_fpsynth_write_png (GBytes *grey, guint width, guint height, const char *path,
                               GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFpSynthFinger, ks_fpsynth_finger_unref)

G_END_DECLS
