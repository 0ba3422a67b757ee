/* ks-records-testing.h: what tests and benchmarks look at inside ks-records
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-records.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-records.h"

G_BEGIN_DECLS

gboolean      ks_records_count_by_state (KsStore      *store,
                                         KsRecordState state,
                                         gint64       *count);

G_END_DECLS
