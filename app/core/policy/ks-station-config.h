/* ks-station-config.h: the station's own configuration, kept in its store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-session.h"
#include "ks-store.h"

G_BEGIN_DECLS

#define KS_STATION_CONFIG_ERROR (ks_station_config_error_quark ())

typedef enum
{
  KS_STATION_CONFIG_ERROR_UNKNOWN_KEY = 1,
  KS_STATION_CONFIG_ERROR_INVALID,
  KS_STATION_CONFIG_ERROR_NOT_SAVED,
} KsStationConfigError;

#define KS_TYPE_STATION_CONFIG (ks_station_config_get_type ())

G_DECLARE_FINAL_TYPE (KsStationConfig, ks_station_config, KS, STATION_CONFIG, GObject)

GQuark           ks_station_config_error_quark (void);
gboolean         ks_station_config_has_key (const char *key);
GVariant        *ks_station_config_read (KsStore    *store,
                                         const char *key);
char            *ks_station_config_read_string (KsStore    *store,
                                                const char *key);
guint            ks_station_config_read_uint (KsStore    *store,
                                              const char *key);
gboolean         ks_station_config_read_boolean (KsStore    *store,
                                                 const char *key);
gboolean         ks_station_config_check_value (gboolean    training,
                                                const char *key,
                                                GVariant   *value,
                                                GError    **error);

KsStationConfig *ks_station_config_new (KsStore *store,
                                        gboolean training,
                                        GError **error);
KsStore         *ks_station_config_get_store (KsStationConfig *self);
GVariant        *ks_station_config_get_value (KsStationConfig *self,
                                              const char      *key);
char            *ks_station_config_dup_string (KsStationConfig *self,
                                               const char      *key);
char           **ks_station_config_dup_strv (KsStationConfig *self,
                                             const char      *key);
guint            ks_station_config_get_uint (KsStationConfig *self,
                                             const char      *key);
gboolean         ks_station_config_set_value (KsStationConfig *self,
                                              KsSession       *session,
                                              const char      *key,
                                              GVariant        *value,
                                              GError         **error);
gboolean         ks_station_config_set_string (KsStationConfig *self,
                                               KsSession       *session,
                                               const char      *key,
                                               const char      *value,
                                               GError         **error);
gboolean         ks_station_config_set_uint (KsStationConfig *self,
                                             KsSession       *session,
                                             const char      *key,
                                             guint            value,
                                             GError         **error);
gboolean         ks_station_config_set_boolean (KsStationConfig *self,
                                                KsSession       *session,
                                                const char      *key,
                                                gboolean         value,
                                                GError         **error);
void             ks_station_config_set_value_async (KsStationConfig    *self,
                                                    KsSession          *session,
                                                    const char         *key,
                                                    GVariant           *value,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean         ks_station_config_set_value_finish (KsStationConfig *self,
                                                     GAsyncResult    *result,
                                                     GError         **error);
void             ks_station_config_bind (KsStationConfig *self,
                                         const char      *key,
                                         gpointer         object,
                                         const char      *property);

G_END_DECLS
