/* ks-minutiae-index-testing.h: what tests and benchmarks look at inside ks-minutiae-index
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-minutiae-index.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-minutiae-index.h"

G_BEGIN_DECLS

gsize            ks_minutiae_index_get_memory (KsMinutiaeIndex *index);
guint            ks_minutiae_index_get_size (KsMinutiaeIndex *index);

G_END_DECLS
