/* ks-reference-testing.h: what tests and benchmarks look at inside ks-reference
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-reference.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-reference.h"

G_BEGIN_DECLS

const char       *ks_reference_get_as_of (KsReference *self);
const char       *ks_reference_get_source (KsReference *self);

G_END_DECLS
