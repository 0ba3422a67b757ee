/* ks-l10n-testing.h: what tests and benchmarks look at inside ks-l10n
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-l10n.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-l10n.h"

G_BEGIN_DECLS

gboolean          ks_language_is_rtl (const char *code);

G_END_DECLS
