/* ks-card-face.h: the small grey face inside a card's signed credential (Claim 169 key 62)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "ks-claim169.h"

G_BEGIN_DECLS

/* Claim 169: face is key 62; a Biometrics entry of format 0 (image), sub-format 4 (WEBP). */
#define KS_CLAIM169_FACE 62
#define KS_CLAIM169_FORMAT_IMAGE 0
#define KS_CLAIM169_IMAGE_PNG 0
#define KS_CLAIM169_IMAGE_JPEG 1
#define KS_CLAIM169_IMAGE_WEBP 4

/* The face in the credential: 35 x 45 (the ID photo's ratio) scaled to 42 x 54 pixels, grey,
 * in at most KS_CARD_FACE_MAX_BYTES, fewer when the card's other fields are long, so that the
 * QR's modules stay KS_CARD_FACE_MODULE_MM wide (see ks-card-face.c for why these numbers). */
#define KS_CARD_FACE_WIDTH 42
#define KS_CARD_FACE_HEIGHT 54
#define KS_CARD_FACE_MAX_BYTES 360
#define KS_CARD_FACE_MIN_BYTES 120
#define KS_CARD_FACE_MODULE_MM 0.43
/* A face read from someone else's credential larger than this is not decoded. */
#define KS_CARD_FACE_MAX_PIXELS (1024 * 1024)

GBytes            *ks_card_face_encode (GBytes  *photo_png,
                                        gsize    max_bytes,
                                        GError **error);
const KsBiometric *ks_card_face_find (const KsClaim169 *claim);
const char        *ks_card_face_format_name (const KsBiometric *face);
cairo_surface_t   *ks_card_face_decode (const KsBiometric *face);
GBytes            *ks_card_face_to_png (const KsBiometric *face);

G_END_DECLS
