/* ks-card-audit.c: every card that leaves the station, printed or exported, is in the audit log
 *
 * A printed card is a credential in someone's hand: a supervisor must be able to see who made
 * each copy. The UI and the command line call this one function instead of writing audit rows
 * themselves, so the action names stay the same everywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-audit"

#include "config.h"

#include <glib/gstdio.h>

#include "ks-audit.h"
#include "ks-card-audit.h"

/**
 * ks_card_audit_print:
 * @session: (nullable): the signed-in operator; %NULL for the command line, which has no
 *   sign-in: the entry then names the station and the computer account that ran it
 * @kp_id: the card's Khyber Pass ID
 * @what: one of the `KS_CARD_OUTPUT_*` strings
 *
 * Appends a "card-printed" entry (card printer, A4) or a "card-exported" one (PDF, PNG).
 */
gboolean
ks_card_audit_print (KsStore    *store,
                     KsSession  *session,
                     const char *kp_id,
                     const char *what,
                     GError    **error)
{
  gboolean exported;
  g_autofree char *detail = NULL;
  const char *actor;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (session == NULL || KS_IS_SESSION (session), FALSE);
  g_return_val_if_fail (kp_id != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (what, KS_CARD_OUTPUT_CARD_PRINTER) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_A4) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_PDF) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_PNG) == 0, FALSE);

  /* A locked station, or an account disabled or locked out since sign-in, prints nothing. */
  if (session != NULL && !ks_session_require_active (session, error))
    return FALSE;

  exported = g_str_equal (what, KS_CARD_OUTPUT_PDF) || g_str_equal (what, KS_CARD_OUTPUT_PNG);
  if (session != NULL)
    {
      actor = ks_session_get_username (session);
      detail = g_strdup (what);
    }
  else
    {
      actor = "station";
      detail = g_strdup_printf ("%s, command line, user %s", what, g_get_user_name ());
    }

  return ks_audit_append (store, actor, exported ? "card-exported" : "card-printed", kp_id,
                          detail, error);
}

/**
 * ks_card_export:
 * @session: (nullable): as for ks_card_audit_print()
 * @path: a `.pdf` or `.png` file
 *
 * Writes @card to @path (the format follows the name) and records the export in the audit
 * log. When the audit entry cannot be written, the file is deleted again and an error
 * returned: no copy leaves the station unrecorded. Blocking: the UI calls
 * ks_card_export_async().
 */
gboolean
ks_card_export (KsStore    *store,
                KsSession  *session,
                KsCard     *card,
                const char *path,
                GError    **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (card != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (!ks_card_write_file (card, path, error))
    return FALSE;
  if (!ks_card_audit_print (store, session, ks_card_get_kp_id (card),
                            g_str_has_suffix (lower, ".pdf") ? KS_CARD_OUTPUT_PDF
                                                             : KS_CARD_OUTPUT_PNG,
                            error))
    {
      g_unlink (path);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  KsSession *session;
  KsCard *card;         /* export only */
  char *kp_id;          /* print only */
  char *path_or_what;
} CardJob;

static void
card_job_free (CardJob *job)
{
  g_clear_object (&job->session);
  g_clear_pointer (&job->card, ks_card_free);
  g_free (job->kp_id);
  g_free (job->path_or_what);
  g_free (job);
}

static void
card_job_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CardJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (job->card != NULL)
    ok = ks_card_export (source_object, job->session, job->card, job->path_or_what, &error);
  else
    ok = ks_card_audit_print (source_object, job->session, job->kp_id, job->path_or_what,
                              &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_card_job (KsStore            *store,
              CardJob            *job,
              gpointer            source_tag,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify)card_job_free);
  g_task_run_in_thread (task, card_job_thread);
}

/**
 * ks_card_audit_print_async:
 *
 * ks_card_audit_print() in a worker thread; finish with ks_card_audit_print_finish().
 */
void
ks_card_audit_print_async (KsStore            *store,
                           KsSession          *session,
                           const char         *kp_id,
                           const char         *what,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  CardJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (session == NULL || KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL && what != NULL);

  job = g_new0 (CardJob, 1);
  job->session = session ? g_object_ref (session) : NULL;
  job->kp_id = g_strdup (kp_id);
  job->path_or_what = g_strdup (what);
  run_card_job (store, job, ks_card_audit_print_async, cancellable, callback, user_data);
}

gboolean
ks_card_audit_print_finish (KsStore      *store,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ks_card_export_async:
 *
 * ks_card_export() in a worker thread (rendering, the file, the audit entry); finish with
 * ks_card_export_finish(). The job keeps its own reference to @card.
 */
void
ks_card_export_async (KsStore            *store,
                      KsSession          *session,
                      KsCard             *card,
                      const char         *path,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  CardJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (session == NULL || KS_IS_SESSION (session));
  g_return_if_fail (card != NULL && path != NULL);

  job = g_new0 (CardJob, 1);
  job->session = session ? g_object_ref (session) : NULL;
  job->card = ks_card_ref (card);
  job->path_or_what = g_strdup (path);
  run_card_job (store, job, ks_card_export_async, cancellable, callback, user_data);
}

gboolean
ks_card_export_finish (KsStore      *store,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
