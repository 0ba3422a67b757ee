/* ks-record-review.c: one submitted record, opened for the person who reviews it
 *
 * The record detail of the Review section shows a record's fields and its summary (state,
 * decision, flags); both are read here, in a worker thread for the UI, and only for someone who
 * may see the record: a supervisor any record, an operator the records they enrolled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-records"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-record-review.h"

/**
 * ks_records_open_for_review:
 * @session: the person signed in
 * @kp_id: the record's Khyber Pass ID
 * @info: (out) (optional): the record's summary: state, decision, flags
 *
 * Reads a submitted record for review. A supervisor opens every record; an operator only the
 * records they enrolled (while their account is active).
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
KsRecord *
ks_records_open_for_review (KsStore       *store,
                            KsSession     *session,
                            const char    *kp_id,
                            KsRecordInfo **info,
                            GError       **error)
{
  g_autoptr(KsRecordInfo) summary = NULL;
  KsRecord *record;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  summary = ks_records_get_info (store, kp_id, error);
  if (summary == NULL)
    return NULL;
  if (g_strcmp0 (summary->operator, ks_session_get_username (session)) == 0)
    {
      if (!ks_session_require_active (session, error))
        return NULL;
    }
  else if (!ks_session_can (session, KS_PERMISSION_REVIEW))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("This record was enrolled by another operator."));
      return NULL;
    }
  else if (!ks_session_require (session, KS_PERMISSION_REVIEW, error))
    return NULL;
  record = ks_records_load (store, kp_id, error);
  if (record != NULL && info != NULL)
    *info = g_steal_pointer (&summary);
  return record;
}

typedef struct
{
  KsStore *store;
  KsSession *session;
  char *kp_id;
  KsRecordInfo *info;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_object_unref (job->store);
  g_object_unref (job->session);
  g_free (job->kp_id);
  g_clear_pointer (&job->info, ks_record_info_free);
  g_free (job);
}

static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;
  KsRecord *record;

  if (g_task_return_error_if_cancelled (task))
    return;
  record = ks_records_open_for_review (job->store, job->session, job->kp_id, &job->info,
                                       &error);
  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, record, g_object_unref);
}

/**
 * ks_records_open_for_review_async:
 *
 * ks_records_open_for_review() in a worker thread: opening a record never holds up the screen.
 */
void
ks_records_open_for_review_async (KsStore            *store,
                                  KsSession          *session,
                                  const char         *kp_id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL);

  job = g_new0 (OpenJob, 1);
  job->store = g_object_ref (store);
  job->session = g_object_ref (session);
  job->kp_id = g_strdup (kp_id);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_records_open_for_review_async);
  g_task_set_task_data (task, job, (GDestroyNotify)open_job_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * ks_records_open_for_review_finish:
 * @info: (out) (optional): the record's summary
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 */
KsRecord *
ks_records_open_for_review_finish (GAsyncResult  *result,
                                   KsRecordInfo **info,
                                   GError       **error)
{
  KsRecord *record;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  record = g_task_propagate_pointer (G_TASK (result), error);
  if (record != NULL && info != NULL)
    *info = g_steal_pointer (&((OpenJob *)g_task_get_task_data (G_TASK (result)))->info);
  return record;
}
