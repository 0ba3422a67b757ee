/* ks-records-private.h: test-only helpers for records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-records.h"

G_BEGIN_DECLS

gboolean _ks_records_insert_fixture (KsStore      *store,
                                     const char   *kp_id,
                                     const char   *cnic,
                                     KsRecordState state);
gboolean _ks_records_insert_many (KsStore *store,
                                  guint    first,
                                  guint    count,
                                  const char  *operator,
                                  GError **error);

G_END_DECLS
