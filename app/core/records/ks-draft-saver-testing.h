/* ks-draft-saver-testing.h: what tests and benchmarks look at inside ks-draft-saver
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-draft-saver.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-draft-saver.h"

G_BEGIN_DECLS

guint         ks_draft_saver_get_writes (KsDraftSaver *self);

G_END_DECLS
