/* ks-audit-testing.h: what tests and benchmarks look at inside ks-audit
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-audit.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-audit.h"

G_BEGIN_DECLS

gint64        ks_audit_count (KsStore *store);

G_END_DECLS
