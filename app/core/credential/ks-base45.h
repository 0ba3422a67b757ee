/* ks-base45.h: Base45 (RFC 9285), the QR alphanumeric-safe text encoding of the card's QR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char   *ks_base45_encode (const guint8 *data,
                          gsize         len);
GBytes *ks_base45_decode (const char *text,
                          gssize      len,
                          GError    **error);

G_END_DECLS
