/* ks-record-testing.h: what tests and benchmarks look at inside ks-record
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-record.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record.h"

G_BEGIN_DECLS

const char   *ks_field_get_name (KsField field);

G_END_DECLS
