/* ks-duplicate-findings.c: what the station-wide duplicate search found for a record
 *
 * The findings are rows of record_duplicates, one per pair of matching fingers (this record's
 * finger, the other record's finger, score and estimated false-match rate), grouped here by
 * the other record. They hold no biometric data: the impressions stay sealed in
 * record_fingers and are opened only by ks_fingers_load_for_review().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-findings"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-duplicate-findings.h"
#include "ks-records.h"

/**
 * ks_duplicate_findings_load:
 * @kp_id: the record's Khyber Pass ID
 *
 * Returns: (transfer full) (element-type KsDuplicateFinding): the record's findings, strongest
 *   first (empty when the search found nothing), or %NULL with @error set
 */
GPtrArray *
ks_duplicate_findings_load (KsStore    *store,
                            KsSession  *session,
                            const char *kp_id,
                            GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  info = ks_records_get_info (store, kp_id, error);
  if (info == NULL)
    return NULL;
  /* As for the record's fingers: the operator who enrolled it, or a supervisor. */
  if (g_strcmp0 (info->operator, ks_session_get_username (session)) == 0
      ? !ks_session_require_active (session, error)
      : !ks_session_require (session, KS_PERMISSION_REVIEW, error))
    return NULL;
  return ks_duplicate_findings_load_by_id (store, info->id, error);
}

typedef struct
{
  KsStore *store;
  KsSession *session;
  char *kp_id;
} FindingsLoad;

static void
findings_load_free (FindingsLoad *load)
{
  g_object_unref (load->store);
  g_object_unref (load->session);
  g_free (load->kp_id);
  g_free (load);
}

static void
findings_load_thread (GTask        *task,
                      gpointer      source,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  FindingsLoad *load = task_data;
  GError *error = NULL;
  GPtrArray *findings;

  if (g_task_return_error_if_cancelled (task))
    return;
  findings = ks_duplicate_findings_load (load->store, load->session, load->kp_id, &error);
  if (findings == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, findings, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ks_duplicate_findings_load_async:
 *
 * ks_duplicate_findings_load() in a worker thread.
 */
void
ks_duplicate_findings_load_async (KsStore            *store,
                                  KsSession          *session,
                                  const char         *kp_id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  FindingsLoad *load;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL);

  load = g_new0 (FindingsLoad, 1);
  load->store = g_object_ref (store);
  load->session = g_object_ref (session);
  load->kp_id = g_strdup (kp_id);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_duplicate_findings_load_async);
  g_task_set_task_data (task, load, (GDestroyNotify)findings_load_free);
  g_task_run_in_thread (task, findings_load_thread);
}

/**
 * ks_duplicate_findings_load_finish:
 *
 * Returns: (transfer full) (element-type KsDuplicateFinding): the findings, or %NULL with
 *   @error
 */
GPtrArray *
ks_duplicate_findings_load_finish (GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_duplicate_finding_describe:
 *
 * Returns: (transfer full): one translated line naming the other record and how many fingers
 *   match
 */
char *
ks_duplicate_finding_describe (const KsDuplicateFinding *finding)
{
  g_autoptr(GHashTable) fingers = g_hash_table_new (NULL, NULL);

  g_return_val_if_fail (finding != NULL && finding->pairs != NULL, NULL);

  /* Fingers of this record, each counted once however many of the other's it matches. */
  for (guint i = 0; i < finding->pairs->len; i++)
    g_hash_table_add (fingers,
                      GINT_TO_POINTER (g_array_index (finding->pairs, KsDuplicatePair, i).finger));
  return g_strdup_printf (ngettext (
                            /* Translators: a Khyber Pass ID, then a count */
                            "Possible duplicate enrolment of %s (%u finger matches)",
                            "Possible duplicate enrolment of %s (%u fingers match)",
                            g_hash_table_size (fingers)),
                          finding->other_kp_id, g_hash_table_size (fingers));
}
