/* ks-record-list-testing.h: what tests and benchmarks look at inside ks-record-list
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-record-list.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record-list.h"

G_BEGIN_DECLS

guint          ks_record_list_get_n_cached (KsRecordList *self);
KsRecordSort   ks_record_list_get_sort (KsRecordList *self,
                                        gboolean     *descending);
const char    *ks_record_row_get_district (KsRecordRow *self);
const char    *ks_record_row_get_full_name (KsRecordRow *self);
const char    *ks_record_row_get_operator (KsRecordRow *self);

G_END_DECLS
