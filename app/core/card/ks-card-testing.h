/* ks-card-testing.h: what tests and benchmarks look at inside ks-card
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-card.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-card.h"

G_BEGIN_DECLS

gint64           ks_card_get_expires_at (KsCard *card);
char             ks_card_get_qr_level (KsCard *card);
double           ks_card_get_qr_module_mm (KsCard *card);
const char      *ks_card_get_qr_text (KsCard *card);
int              ks_card_get_qr_version (KsCard *card);
gsize            ks_card_get_face_size (KsCard *card);

G_END_DECLS
