/* ks-station-config-testing.h: what tests and benchmarks look at inside ks-station-config
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-station-config.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-station-config.h"

G_BEGIN_DECLS

gboolean         ks_station_config_get_boolean (KsStationConfig *self,
                                                const char      *key);

G_END_DECLS
