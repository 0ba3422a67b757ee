/* ks-records.h: drafts and submitted records in the store, and their life cycle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record.h"
#include "ks-reference.h"
#include "ks-session.h"
#include "ks-store.h"

G_BEGIN_DECLS

#define KS_RECORDS_ERROR (ks_records_error_quark ())

typedef enum
{
  KS_RECORDS_ERROR_NOT_FOUND = 1,
  KS_RECORDS_ERROR_DUPLICATE_CNIC,
  KS_RECORDS_ERROR_INVALID,
  KS_RECORDS_ERROR_WRONG_STATE,
  KS_RECORDS_ERROR_NOT_YOURS,
  KS_RECORDS_ERROR_NO_STATION_CODE,
  KS_RECORDS_ERROR_IDS_EXHAUSTED,
  KS_RECORDS_ERROR_NEEDS_CONFIRMATION,
  KS_RECORDS_ERROR_SELF_APPROVAL,
} KsRecordsError;

/* Decisions on a batch of records are refused beyond this many: a supervisor who selected
 * more has most likely selected everything by mistake. */
#define KS_RECORDS_MAX_BATCH 10000

typedef struct
{
  gint64 id;
  char *operator;
  char *cnic;
  char *full_name;
  int step;
  gint64 record_id;    /* > 0 when the draft edits a submitted record */
  gint64 created_at;
  gint64 updated_at;
} KsDraftInfo;

typedef struct
{
  gint64 id;
  char *kp_id;
  char *cnic;
  KsRecordState state;
  int version;
  char *full_name;
  char *full_name_ur;
  char *district;
  char *operator;
  gint64 submitted_at;
  gint64 updated_at;
  char *decided_by;
  char *reason;
  char *note;
  guint flags;                 /* KS_RECORD_FLAG_* */
  KsRecordState decision;      /* approved or rejected once decided (the state moves on to
                                * queued), 0 before */
  gint64 decided_at;
} KsRecordInfo;

/* The station's district, code and approval policy are not options: ks_records_submit() reads
 * them from the station's configuration in the store (ks-station-config.h). */
typedef struct
{
  const GDate *today;          /* NULL: today */
} KsSubmitOptions;

GQuark        ks_records_error_quark (void);

/* Drafts */
gint64        ks_drafts_create (KsStore   *store,
                                KsSession *session,
                                KsRecord  *record,
                                gint64     record_id,
                                GError   **error);
gboolean      ks_drafts_save (KsStore    *store,
                              gint64      draft_id,
                              const char *json,
                              int         step,
                              GError    **error);
KsRecord     *ks_drafts_load (KsStore      *store,
                              gint64        draft_id,
                              KsDraftInfo **info,
                              GError      **error);
GPtrArray    *ks_drafts_list_mine (KsStore   *store,
                                   KsSession *session,
                                   GError   **error);
GPtrArray    *ks_drafts_list_stale (KsStore   *store,
                                    KsSession *session,
                                    guint      older_than_days,
                                    GError   **error);
gboolean      ks_drafts_discard (KsStore   *store,
                                 KsSession *session,
                                 gint64     draft_id,
                                 GError   **error);
void          ks_draft_info_free (KsDraftInfo *info);

/* Records */
char         *ks_records_submit (KsStore               *store,
                                 KsSession             *session,
                                 gint64                 draft_id,
                                 KsRecord              *record,
                                 KsReference           *reference,
                                 const KsSubmitOptions *options,
                                 GError               **error);
KsRecord     *ks_records_load (KsStore    *store,
                               const char *kp_id,
                               GError    **error);
KsRecordInfo *ks_records_get_info (KsStore    *store,
                                   const char *kp_id,
                                   GError    **error);
KsRecordInfo *ks_records_find_by_cnic (KsStore    *store,
                                       const char *cnic,
                                       GError    **error);
gboolean      ks_records_is_editable (KsStore    *store,
                                      const char *kp_id,
                                      GError    **error);
gboolean      ks_records_set_state (KsStore      *store,
                                    KsSession    *session,
                                    const char   *kp_id,
                                    KsRecordState to,
                                    const char   *reason,
                                    const char   *note,
                                    GError      **error);
gboolean      ks_records_decide_batch (KsStore           *store,
                                       KsSession         *session,
                                       const char *const *kp_ids,
                                       KsRecordState      to,
                                       const char        *reason,
                                       const char        *note,
                                       gboolean           confirmed_exceptions,
                                       GError           **error);
void          ks_record_info_free (KsRecordInfo *info);
char         *ks_record_flags_to_string (guint flags);
char         *ks_record_flags_describe (guint flags);
const char   *ks_record_outcome_label (KsRecordState state,
                                       KsRecordState decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDraftInfo, ks_draft_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsRecordInfo, ks_record_info_free)

G_END_DECLS
