/* ks-station.h: one running station: its profile, store, configuration and signed-in operator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-account-admin.h"
#include "ks-card-scan.h"
#include "ks-card.h"
#include "ks-duplicate-search.h"
#include "ks-fingerprint-service.h"
#include "ks-holder-check.h"
#include "ks-profile.h"
#include "ks-record.h"
#include "ks-records.h"
#include "ks-reference.h"
#include "ks-session.h"
#include "ks-slip.h"
#include "ks-station-config.h"
#include "ks-store.h"
#include "ks-sync.h"
#include "ks-trust.h"
#include "ks-vault.h"
#include "ks-virtual-scanner.h"

G_BEGIN_DECLS

#define KS_TYPE_STATION (ks_station_get_type ())

G_DECLARE_FINAL_TYPE (KsStation, ks_station, KS, STATION, GObject)

/**
 * KsSubmission:
 * @kp_id: the record's Khyber Pass ID
 * @slip: (nullable): the enrollment slip, or %NULL with @slip_error
 * @approved: whether the record is approved already (approval off at this station)
 * @card: (nullable): the signed card when @approved, or %NULL with @card_error
 *
 * What submitting an enrollment gave: the record is stored in any case; the slip and card are
 * separate steps, which can be redone from Review when they fail.
 */
typedef struct
{
  char *kp_id;
  KsSlip *slip;
  GError *slip_error;
  gboolean approved;
  KsCard *card;
  GError *card_error;
} KsSubmission;

void ks_submission_free (KsSubmission *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSubmission, ks_submission_free)

/**
 * KsEnrollStatus:
 * @allowed: whether the station's rules let a new enrollment start
 * @refusal: (nullable): why not, for the operator, when not @allowed
 * @mine: (element-type KsDraftInfo): the operator's unfinished drafts
 * @stale: (nullable) (element-type KsDraftInfo): drafts nobody touched for days, for those who
 *   may see them
 */
typedef struct
{
  gboolean allowed;
  char *refusal;
  GPtrArray *mine;
  GPtrArray *stale;
} KsEnrollStatus;

void ks_enroll_status_free (KsEnrollStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsEnrollStatus, ks_enroll_status_free)

/**
 * KsEnrolled:
 * @info: the record of a citizen already enrolled at this station
 * @editable: whether it can be opened for a correction
 */
typedef struct
{
  KsRecordInfo *info;
  gboolean editable;
} KsEnrolled;

void ks_enrolled_free (KsEnrolled *enrolled);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsEnrolled, ks_enrolled_free)

KsStation  *ks_station_open (const char  *profile_name,
                             const char  *data_dir,
                             GError     **error);
void        ks_station_open_async (const char         *profile_name,
                                   const char         *data_dir,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
KsStation  *ks_station_open_finish (GAsyncResult *result,
                                    GError      **error);
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
void           ks_station_issue_card_async (KsStation          *self,
                                            KsSession          *session,
                                            const char         *kp_id,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
KsCard        *ks_station_issue_card_finish (KsStation    *self,
                                             GAsyncResult *result,
                                             KsSlip      **slip,
                                             GError      **error);
void           ks_station_submit_async (KsStation          *self,
                                        KsSession          *session,
                                        gint64              draft_id,
                                        KsRecord           *record,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
KsSubmission  *ks_station_submit_finish (KsStation    *self,
                                         GAsyncResult *result,
                                         GError      **error);
void            ks_station_enroll_status_async (KsStation          *self,
                                                KsSession          *session,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
KsEnrollStatus *ks_station_enroll_status_finish (KsStation    *self,
                                                 GAsyncResult *result,
                                                 GError      **error);
void            ks_station_create_draft_async (KsStation          *self,
                                               KsSession          *session,
                                               KsRecord           *record,
                                               gint64              record_id,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gint64          ks_station_create_draft_finish (KsStation    *self,
                                                GAsyncResult *result,
                                                GError      **error);
void            ks_station_load_draft_async (KsStation          *self,
                                             gint64              draft_id,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
KsRecord       *ks_station_load_draft_finish (KsStation    *self,
                                              GAsyncResult *result,
                                              KsDraftInfo **info,
                                              GError      **error);
void            ks_station_discard_draft_async (KsStation          *self,
                                                KsSession          *session,
                                                gint64              draft_id,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean        ks_station_discard_draft_finish (KsStation    *self,
                                                 GAsyncResult *result,
                                                 GError      **error);
void            ks_station_find_enrolled_async (KsStation          *self,
                                                const char         *cnic,
                                                gint64              draft_id,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
KsEnrolled     *ks_station_find_enrolled_finish (KsStation    *self,
                                                 GAsyncResult *result,
                                                 GError      **error);
void            ks_station_load_record_async (KsStation          *self,
                                              const char         *kp_id,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
KsRecord       *ks_station_load_record_finish (KsStation     *self,
                                               GAsyncResult  *result,
                                               KsRecordInfo **info,
                                               GError       **error);
KsStationKeys *ks_station_get_keys (KsStation *self,
                                    GError   **error);
KsTrustList   *ks_station_get_trust_list (KsStation *self,
                                          GError   **error);
KsTrustList   *ks_station_dup_trust_list (KsStation *self,
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
void           ks_station_import_trust_list_async (KsStation          *self,
                                                   KsSession          *session,
                                                   const char         *path,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean       ks_station_import_trust_list_finish (KsStation    *self,
                                                    GAsyncResult *result,
                                                    GError      **error);
void           ks_station_verify_card_async (KsStation          *self,
                                             const char         *path,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
KsVerifyResult *ks_station_verify_card_finish (KsStation    *self,
                                               GAsyncResult *result,
                                               gboolean     *issued_here,
                                               char        **trust_problem,
                                               GError      **error);
gboolean       ks_station_check_registry_url (KsStation    *self,
                                              const char   *url,
                                              GCancellable *cancellable,
                                              GError      **error);
gboolean       ks_station_reset_training (KsStation *self,
                                          KsSession *session,
                                          GError   **error);
void           ks_station_reset_training_async (KsStation          *self,
                                                KsSession          *session,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean       ks_station_reset_training_finish (KsStation    *self,
                                                 GAsyncResult *result,
                                                 GError      **error);
KsFingerprintService *ks_station_get_fingerprint_service (KsStation *self);
KsVirtualScanner     *ks_station_get_virtual_scanner (KsStation *self);
KsVault              *ks_station_get_biometrics_vault (KsStation *self,
                                                       GError   **error);
KsDuplicateSearch    *ks_station_get_duplicate_search (KsStation *self);

void                  ks_station_needs_setup_async (KsStation          *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean              ks_station_needs_setup_finish (KsStation    *self,
                                                     GAsyncResult *result,
                                                     GError      **error);

void                  ks_station_load_holder_check_async (KsStation          *self,
                                                          const char         *kp_id,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
KsHolderCheck        *ks_station_load_holder_check_finish (KsStation    *self,
                                                           GAsyncResult *result,
                                                           GError      **error);

KsSyncEngine         *ks_station_get_sync_engine (KsStation *self);
void                  ks_station_load_sync_engine_async (KsStation          *self,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
KsSyncEngine         *ks_station_load_sync_engine_finish (KsStation    *self,
                                                          GAsyncResult *result,
                                                          GError      **error);
gboolean              ks_station_get_online (KsStation *self);

G_END_DECLS
