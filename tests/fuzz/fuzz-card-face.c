/* fuzz-card-face.c: the face image inside a Claim 169 credential (key 62)
 *
 * A credential's face is decoded only once its signature holds, but a trusted issuer may be
 * another Claim 169 station (MOSIP's), with its own encoder. The first byte picks the image
 * sub-format (0 PNG, 1 JPEG, 4 WebP, others unknown); the rest is the image.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-card-face.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  KsBiometric face = { 0 };
  GBytes *png;

  if (size < 1)
    return 0;
  face.format = KS_CLAIM169_FORMAT_IMAGE;
  face.sub_format = data[0] == 0xff ? -1 : data[0];
  face.data = g_bytes_new (data + 1, size - 1);
  png = ks_card_face_to_png (&face);
  if (png != NULL)
    g_bytes_unref (png);
  g_bytes_unref (face.data);
  return 0;
}
