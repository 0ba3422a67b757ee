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
} KsRecordsError;

/* Bits of records.flags: what a supervisor should look at before approving. Set by submit from
 * the record's fingers (ks-fingers.h). The values are shared with the review screen. */
#ifndef KS_RECORD_FLAG_FORCED_FINGER
#define KS_RECORD_FLAG_FORCED_FINGER 1       /* a finger kept after three poor tries */
#endif
#ifndef KS_RECORD_FLAG_MISSING_FINGER
#define KS_RECORD_FLAG_MISSING_FINGER 2      /* a required finger marked missing */
#endif
#ifndef KS_RECORD_FLAG_DUPLICATE_WARNING
#define KS_RECORD_FLAG_DUPLICATE_WARNING 4   /* a finger equals one already on record */
#endif

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
} KsRecordInfo;

typedef struct
{
  const char *district;        /* the station's district code: the first part of its IDs */
  const char *station_code;
  gboolean approval_required;
  const GDate *today;          /* NULL: today */
} KsSubmitOptions;

GQuark        ks_records_error_quark      (void);

/* Drafts */
gint64        ks_drafts_create            (KsStore       *store,
                                           KsSession     *session,
                                           KsRecord      *record,
                                           gint64         record_id,
                                           GError       **error);
gboolean      ks_drafts_save              (KsStore       *store,
                                           gint64         draft_id,
                                           const char    *json,
                                           int            step,
                                           GError       **error);
KsRecord     *ks_drafts_load              (KsStore       *store,
                                           gint64         draft_id,
                                           KsDraftInfo  **info,
                                           GError       **error);
GPtrArray    *ks_drafts_list_mine         (KsStore       *store,
                                           KsSession     *session,
                                           GError       **error);
GPtrArray    *ks_drafts_list_stale        (KsStore       *store,
                                           KsSession     *session,
                                           guint          older_than_days,
                                           GError       **error);
gboolean      ks_drafts_discard           (KsStore       *store,
                                           KsSession     *session,
                                           gint64         draft_id,
                                           GError       **error);
void          ks_draft_info_free          (KsDraftInfo   *info);

/* Records */
char         *ks_records_submit           (KsStore       *store,
                                           KsSession     *session,
                                           gint64         draft_id,
                                           KsRecord      *record,
                                           KsReference   *reference,
                                           const KsSubmitOptions *options,
                                           GError       **error);
KsRecord     *ks_records_load             (KsStore       *store,
                                           const char    *kp_id,
                                           GError       **error);
KsRecordInfo *ks_records_get_info         (KsStore       *store,
                                           const char    *kp_id,
                                           GError       **error);
KsRecordInfo *ks_records_find_by_cnic     (KsStore       *store,
                                           const char    *cnic,
                                           GError       **error);
gboolean      ks_records_set_state        (KsStore       *store,
                                           KsSession     *session,
                                           const char    *kp_id,
                                           KsRecordState  to,
                                           const char    *reason,
                                           const char    *note,
                                           GError       **error);
gboolean      ks_records_count_by_state   (KsStore       *store,
                                           KsRecordState  state,
                                           gint64        *count);
void          ks_record_info_free         (KsRecordInfo  *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDraftInfo, ks_draft_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsRecordInfo, ks_record_info_free)

G_END_DECLS
