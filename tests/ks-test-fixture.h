/* ks-test-fixture.h: a million review-list records in seconds, for tests and benchmarks only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-store.h"

G_BEGIN_DECLS

gboolean ks_test_records_insert_many (KsStore *store,
                                      guint    first,
                                      guint    count,
                                      const char *operator,
                                      GError **error);

G_END_DECLS
