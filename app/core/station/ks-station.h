/* ks-station.h: one running station: its profile, store, configuration and signed-in operator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-account-admin.h"
#include "ks-card.h"
#include "ks-fingerprint-service.h"
#include "ks-profile.h"
#include "ks-records.h"
#include "ks-reference.h"
#include "ks-session.h"
#include "ks-station-config.h"
#include "ks-store.h"
#include "ks-trust.h"
#include "ks-vault.h"
#include "ks-virtual-scanner.h"

G_BEGIN_DECLS

#define KS_TYPE_STATION (ks_station_get_type ())

G_DECLARE_FINAL_TYPE (KsStation, ks_station, KS, STATION, GObject)

KsStation  *ks_station_open (const char  *profile_name,
                             const char  *data_dir,
                             GError     **error);
KsProfile  *ks_station_get_profile (KsStation *self);
KsStore    *ks_station_get_store (KsStation *self);
KsStationConfig *ks_station_get_config (KsStation *self);
GSettings  *ks_station_get_preferences (KsStation *self);
KsReference *ks_station_get_reference (KsStation *self);
gboolean    ks_station_is_training (KsStation *self);
KsSession  *ks_station_get_session (KsStation *self);
void        ks_station_set_session (KsStation *self,
                                    KsSession *session);
void        ks_station_sign_in_async (KsStation          *self,
                                      const char         *username,
                                      const char         *password,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
KsSession  *ks_station_sign_in_finish (KsStation    *self,
                                       GAsyncResult *result,
                                       GError      **error);
void        ks_station_unlock_async (KsStation          *self,
                                     const char         *password,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean    ks_station_unlock_finish (KsStation    *self,
                                      GAsyncResult *result,
                                      GError      **error);
void        ks_station_create_first_supervisor_async (KsStation          *self,
                                                      const char         *username,
                                                      const char         *full_name,
                                                      const char         *password,
                                                      const char         *district,
                                                      const char         *station_code,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
KsSession  *ks_station_set_up (KsStation  *self,
                               const char *username,
                               const char *full_name,
                               const char *password,
                               const char *district,
                               const char *station_code,
                               GError    **error);
KsSession  *ks_station_create_first_supervisor_finish (KsStation    *self,
                                                       GAsyncResult *result,
                                                       GError      **error);
KsCard        *ks_station_issue_card (KsStation  *self,
                                      KsSession  *session,
                                      const char *kp_id,
                                      GError    **error);
KsStationKeys *ks_station_get_keys (KsStation *self,
                                    GError   **error);
KsTrustList   *ks_station_get_trust_list (KsStation *self,
                                          GError   **error);
gboolean       ks_station_import_trust_list (KsStation  *self,
                                             const char *path,
                                             GError    **error);
void           ks_station_decide_async (KsStation          *self,
                                        KsSession          *session,
                                        const char         *password,
                                        const char *const  *kp_ids,
                                        KsRecordState       to,
                                        const char         *reason,
                                        const char         *note,
                                        gboolean            confirmed_exceptions,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
gboolean       ks_station_decide_finish (KsStation    *self,
                                         GAsyncResult *result,
                                         GError      **error);
gboolean       ks_station_check_registry_url (KsStation    *self,
                                              const char   *url,
                                              GCancellable *cancellable,
                                              GError      **error);
gboolean       ks_station_reset_training (KsStation *self,
                                          KsSession *session,
                                          GError   **error);
KsFingerprintService *ks_station_get_fingerprint_service (KsStation *self);
KsVirtualScanner     *ks_station_get_virtual_scanner (KsStation *self);
KsVault              *ks_station_get_biometrics_vault (KsStation *self,
                                                       GError   **error);

G_END_DECLS
