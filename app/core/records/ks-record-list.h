/* ks-record-list.h: submitted records as a GListModel that pages them from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-records.h"

G_BEGIN_DECLS

/* What the list is ordered by. Each has an index, so a million rows sort in SQL. */
typedef enum
{
  KS_RECORD_SORT_SUBMITTED_AT,
  KS_RECORD_SORT_KP_ID,
  KS_RECORD_SORT_NAME,
  KS_RECORD_SORT_NAME_UR,
  KS_RECORD_SORT_CNIC,
  KS_RECORD_SORT_DISTRICT,
  KS_RECORD_SORT_OPERATOR,
  KS_RECORD_SORT_STATE,
} KsRecordSort;

/* Which records the list shows. Fields left 0 or NULL do not filter. */
typedef struct
{
  KsRecordState state;         /* the record's state now */
  KsRecordState decision;      /* approved or rejected: decided so, whatever the state now */
  const char *district;
  const char *operator;
  gint64 submitted_from;       /* µs since the epoch, inclusive */
  gint64 submitted_until;      /* µs since the epoch, exclusive */
  const char *search;          /* a CNIC, Khyber Pass ID or name (English or Urdu) prefix */
} KsRecordFilter;

#define KS_TYPE_RECORD_ROW (ks_record_row_get_type ())

G_DECLARE_FINAL_TYPE (KsRecordRow, ks_record_row, KS, RECORD_ROW, GObject)

const char    *ks_record_row_get_kp_id (KsRecordRow *self);
const char    *ks_record_row_get_cnic (KsRecordRow *self);
const char    *ks_record_row_get_full_name_ur (KsRecordRow *self);
gint64         ks_record_row_get_submitted_at (KsRecordRow *self);
KsRecordState  ks_record_row_get_state (KsRecordRow *self);
KsRecordState  ks_record_row_get_decision (KsRecordRow *self);
guint          ks_record_row_get_flags (KsRecordRow *self);
const char    *ks_record_row_get_reason (KsRecordRow *self);

#define KS_TYPE_RECORD_LIST (ks_record_list_get_type ())

G_DECLARE_FINAL_TYPE (KsRecordList, ks_record_list, KS, RECORD_LIST, GObject)

KsRecordList  *ks_record_list_new (KsStore              *store);
void           ks_record_list_new_async (KsStore              *store,
                                         const KsRecordFilter *filter,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
KsRecordList  *ks_record_list_new_finish (GAsyncResult *result,
                                          GError      **error);
void           ks_record_list_set_sort (KsRecordList *self,
                                        KsRecordSort  sort,
                                        gboolean      descending);
void           ks_record_list_set_filter (KsRecordList         *self,
                                          const KsRecordFilter *filter);
void           ks_record_list_set_filter_async (KsRecordList         *self,
                                                const KsRecordFilter *filter,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean       ks_record_list_set_filter_finish (KsRecordList *self,
                                                 GAsyncResult *result,
                                                 GError      **error);
void           ks_record_list_refresh (KsRecordList *self);
const GError  *ks_record_list_get_error (KsRecordList *self);

G_END_DECLS
