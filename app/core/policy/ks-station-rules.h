/* ks-station-rules.h: the rules that stop a station from enrolling more
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-station-config.h"
#include "ks-store.h"

G_BEGIN_DECLS

#define KS_STATION_RULES_ERROR (ks_station_rules_error_quark ())

typedef enum
{
  KS_STATION_RULES_ERROR_TOO_MANY_AWAITING = 1,
  KS_STATION_RULES_ERROR_UNSYNCED_TOO_LONG,
  KS_STATION_RULES_ERROR_DISK_LOW,
} KsStationRulesError;

/* The limits, from the station's configuration keys of the same names. 0 switches a rule off. */
typedef struct
{
  guint max_awaiting_review;   /* records submitted and not yet decided */
  guint max_unsynced_days;     /* age of the oldest record not yet in the registry */
  guint min_free_disk_mb;      /* free space left for the database and its backups */
} KsStationRules;

GQuark    ks_station_rules_error_quark (void);
void      ks_station_rules_from_config (KsStationRules  *rules,
                                        KsStationConfig *config);
void      ks_station_rules_from_store (KsStationRules *rules,
                                       KsStore        *store);
gboolean  ks_station_rules_check (KsStore              *store,
                                  const KsStationRules *rules,
                                  const char           *data_dir,
                                  GError              **error);
void      ks_station_rules_check_async (KsStore              *store,
                                        const KsStationRules *rules,
                                        const char           *data_dir,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean  ks_station_rules_check_finish (GAsyncResult *result,
                                         GError      **error);
gboolean  ks_station_rules_check_store (KsStore              *store,
                                        const KsStationRules *rules,
                                        GError              **error);

G_END_DECLS
