/* ks-sync-testing.h: what tests and benchmarks look at inside ks-sync
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-sync.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-sync.h"

G_BEGIN_DECLS

void                ks_sync_engine_set_backoff (KsSyncEngine *self,
                                                guint         base_ms,
                                                guint         max_ms,
                                                guint         max_attempts);
void                ks_sync_engine_set_timeout (KsSyncEngine *self,
                                                guint         timeout_ms);
void                ks_sync_engine_set_lanes (KsSyncEngine *self,
                                              guint         lanes);

G_END_DECLS
