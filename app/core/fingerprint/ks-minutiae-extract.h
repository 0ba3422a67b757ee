/* ks-minutiae-extract.h: minutiae and image quality from a grey fingerprint image
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-minutiae-image.h"
#include "ks-minutiae-template.h"

G_BEGIN_DECLS

/* Returns a template or NULL with KS_MINUTIAE_ERROR_NO_PRINT and a message for the operator
 * (blank, too small, noise, too few ridges). The image is taken as 500 dpi, dark ridges. */
KsMinutiaeTemplate *ks_minutiae_extract (const KsGreyImage *image, GError **error);

G_END_DECLS
