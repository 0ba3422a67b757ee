/* ks-fpsynth-testing.h: what tests and benchmarks look at inside ks-fpsynth
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-fpsynth.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fpsynth.h"

G_BEGIN_DECLS

KsFpSynthClass ks_fpsynth_finger_get_class (KsFpSynthFinger *self);

G_END_DECLS
