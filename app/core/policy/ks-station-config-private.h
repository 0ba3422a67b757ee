/* ks-station-config-private.h: writes the station makes itself (set-up, import, training)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-station-config.h"

G_BEGIN_DECLS

gboolean _ks_station_config_write (KsStore    *store,
                                   const char *actor,
                                   const char *action,
                                   const char *key,
                                   GVariant   *value,
                                   gboolean   *changed,
                                   GError    **error);
gboolean _ks_station_config_set_by_station (KsStationConfig *self,
                                            const char      *key,
                                            GVariant        *value,
                                            GError         **error);
void     _ks_station_config_reload (KsStationConfig *self);
gboolean _ks_station_config_import_legacy (KsStationConfig *self,
                                           GSettings       *legacy,
                                           GError         **error);

G_END_DECLS
