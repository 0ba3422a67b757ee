/* ks-store-testing.h: what tests and benchmarks look at inside ks-store
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-store.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-store.h"

G_BEGIN_DECLS

int         ks_store_get_version (KsStore *self);
void        ks_store_set_clock (KsStore    *self,
                                KsClockFunc func,
                                gpointer    user_data);

G_END_DECLS
