/* ks-records-private.h: what tests and benchmarks need from the records store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-records.h"

G_BEGIN_DECLS

gboolean _ks_records_insert_fixture (KsStore     *store,
                                     guint        first,
                                     guint        count,
                                     const char  *operator,
                                     GError     **error);

G_END_DECLS
