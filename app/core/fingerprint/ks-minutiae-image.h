/* ks-minutiae-image.h: 8-bit grey images of fingerprints (PNG or PGM) for the minutiae engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint width;
  guint height;
  guint8 *pixels; /* width * height bytes, row-major, 0 = black */
} KsGreyImage;

KsGreyImage *ks_grey_image_new (guint width, guint height);
KsGreyImage *ks_grey_image_new_from_data (const guint8 *pixels, guint width, guint height,
                                          guint stride);
KsGreyImage *ks_grey_image_load (const char *path, GError **error);
void         ks_grey_image_free (KsGreyImage *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsGreyImage, ks_grey_image_free)

G_END_DECLS
