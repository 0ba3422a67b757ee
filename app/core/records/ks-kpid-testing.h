/* ks-kpid-testing.h: what tests and benchmarks look at inside ks-kpid
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-kpid.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-kpid.h"

G_BEGIN_DECLS

gboolean  ks_kpid_is_valid (const char *text);

G_END_DECLS
