/* ks-slip-testing.h: what tests and benchmarks look at inside ks-slip
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-slip.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-slip.h"

G_BEGIN_DECLS

const char  *ks_slip_get_qr_text (KsSlip *slip);

G_END_DECLS
