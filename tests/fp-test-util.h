/* fp-test-util.h: driving the fingerprint service through libfprint's virtual_image driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingerprint-service.h"
#include "ks-fpsynth.h"
#include "ks-virtual-scanner.h"

G_BEGIN_DECLS

typedef struct
{
  KsFingerprintService *service;
  KsVirtualScanner *scanner;
  char *dir;
} FptRig;

FptRig *fpt_rig_new_virtual_image (void);
void fpt_rig_free (FptRig *rig);
void fpt_finalize_service (KsFingerprintService *service);
GAsyncResult *fpt_wait (GAsyncResult **slot);
void fpt_store_result (GObject *source, GAsyncResult *result, gpointer user_data);
FpPrint *fpt_enroll (FptRig *rig, KsFpSynthFinger *finger, guint first_impression, GError **error);
gboolean fpt_verify (FptRig *rig, FpPrint *template_print, KsFpSynthFinger *finger,
                     guint impression, gboolean *matched, int *best_score, GError **error);
void fpt_capture_scores (void);
int fpt_take_best_score (void);
gboolean fpt_quick (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FptRig, fpt_rig_free)

G_END_DECLS
