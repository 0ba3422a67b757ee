/* ks-records-private.h: the benchmarks' fast path for records (test-review.c proves it
 * stores what ks_records_submit() stores)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-records.h"

G_BEGIN_DECLS

gboolean _ks_records_insert_many (KsStore *store,
                                  guint    first,
                                  guint    count,
                                  const char  *operator,
                                  GError **error);

G_END_DECLS
