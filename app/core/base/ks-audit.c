/* ks-audit.c: the station's hash-chained audit log
 *
 * Every entry carries the SHA-256 of its own fields and of the entry before it, so editing a
 * row, slipping one in or taking one out breaks the chain at that point. The newest (seq, hash)
 * is also kept in audit_head, written in the same transaction: without it, deleting the last
 * entries would leave a chain that still checks.
 *
 * Callers never pass passwords or biometric data: entries name what happened and to whom.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-audit"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-audit-testing.h"
#include "ks-store-private.h"

G_DEFINE_QUARK (ks-audit-error-quark, ks_audit_error)

/* The genesis link: the prev_hash of the first entry (as in ks-store.c). */
#define GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/**
 * ks_audit_append:
 * @actor: who did it: an account's username, or "station"
 * @action: a short verb such as "sign-in" or "record-approved"
 * @subject: what it was done to (a username, a Khyber Pass ID), or ""
 * @detail: (nullable): a short free text (a rejection reason); never a secret
 *
 * Adds an entry. Called inside the caller's transaction, so the change and its entry are
 * stored together or not at all; when called outside one, it makes its own.
 */
gboolean
ks_audit_append (KsStore    *store,
                 const char *actor,
                 const char *action,
                 const char *subject,
                 const char *detail,
                 GError    **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (actor != NULL && action != NULL, FALSE);

  return _ks_store_audit_append (store, actor, action, subject, detail, error);
}

static gboolean
chain_broken (GError    **error,
              gint64     *bad_seq,
              gint64      seq,
              const char *why)
{
  if (bad_seq != NULL)
    *bad_seq = seq;
  g_set_error (error, KS_AUDIT_ERROR, KS_AUDIT_ERROR_BROKEN_CHAIN,
               _("The audit log was altered at entry %lld (%s). Report this to "
                 "your supervisor and do not sync until it is investigated."),
               (long long)seq, why);
  return FALSE;
}

/**
 * ks_audit_verify:
 * @bad_seq: (out) (optional): the first entry where the chain breaks
 *
 * Walks the whole log and checks every link. Returns %FALSE with %KS_AUDIT_ERROR_BROKEN_CHAIN
 * when a row was edited, inserted or deleted.
 */
gboolean
ks_audit_verify (KsStore *store,
                 gint64  *bad_seq,
                 GError **error)
{
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) head = NULL;
  g_autofree char *running = g_strdup (GENESIS_HASH);
  gint64 expected_seq = 1;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  _ks_store_lock (store);

  rows = _ks_store_prepare (store,
                            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash "
                            "FROM audit ORDER BY seq",
                            error);
  if (rows == NULL)
    {
      ok = FALSE;
      goto out;
    }

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (rows, 0);
      const char *prev_hash = (const char *)sqlite3_column_text (rows, 6);
      const char *hash = (const char *)sqlite3_column_text (rows, 7);
      g_autofree char *computed = NULL;

      if (seq != expected_seq)
        {
          ok = chain_broken (error, bad_seq, expected_seq,
                             seq > expected_seq ? _("an entry is missing")
                                                : _("an entry was added"));
          goto out;
        }
      if (g_strcmp0 (prev_hash, running) != 0)
        {
          ok = chain_broken (error, bad_seq, seq, _("it does not follow the entry before it"));
          goto out;
        }
      computed = _ks_store_audit_entry_hash (prev_hash, seq, sqlite3_column_int64 (rows, 1),
                                             (const char *)sqlite3_column_text (rows, 2),
                                             (const char *)sqlite3_column_text (rows, 3),
                                             (const char *)sqlite3_column_text (rows, 4),
                                             (const char *)sqlite3_column_text (rows, 5));
      if (g_strcmp0 (computed, hash) != 0)
        {
          ok = chain_broken (error, bad_seq, seq, _("its contents were changed"));
          goto out;
        }
      g_free (running);
      running = g_steal_pointer (&computed);
      expected_seq++;
    }
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      ok = FALSE;
      goto out;
    }

  head = _ks_store_prepare (store, "SELECT seq, hash FROM audit_head WHERE id = 1", error);
  if (head == NULL)
    {
      ok = FALSE;
      goto out;
    }
  if (sqlite3_step (head) == SQLITE_ROW)
    {
      gint64 head_seq = sqlite3_column_int64 (head, 0);

      if (head_seq != expected_seq - 1 ||
          g_strcmp0 ((const char *)sqlite3_column_text (head, 1), running) != 0)
        ok = chain_broken (error, bad_seq, MIN (head_seq, expected_seq),
                           head_seq >= expected_seq ? _("the newest entries are missing")
                                                    : _("an entry was added"));
    }
  else if (expected_seq != 1)
    ok = chain_broken (error, bad_seq, 1, _("the chain head is missing"));

out:
  _ks_store_unlock (store);
  return ok;
}

void
ks_audit_entry_free (KsAuditEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->action);
  g_free (entry->subject);
  g_free (entry->detail);
  g_free (entry->hash);
  g_free (entry);
}

/**
 * ks_audit_list:
 * @subject: (nullable): only entries about this subject, or %NULL for all
 * @limit: at most this many, newest first; 0 for no limit
 *
 * Returns: (transfer full) (element-type KsAuditEntry): the entries, newest first
 */
GPtrArray *
ks_audit_list (KsStore    *store,
               const char *subject,
               guint       limit,
               GError    **error)
{
  g_autoptr(GPtrArray) entries =
    g_ptr_array_new_with_free_func ((GDestroyNotify)ks_audit_entry_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT seq, at, actor, action, subject, detail, hash FROM audit "
                            "WHERE ?1 IS NULL OR subject = ?1 ORDER BY seq DESC LIMIT ?2",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  if (subject != NULL)
    sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, limit ? (gint64)limit : -1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KsAuditEntry *e = g_new0 (KsAuditEntry, 1);

      e->seq = sqlite3_column_int64 (stmt, 0);
      e->at = sqlite3_column_int64 (stmt, 1);
      e->actor = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      e->action = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      e->subject = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      e->detail = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      e->hash = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      g_ptr_array_add (entries, e);
    }
  _ks_store_unlock (store);

  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

typedef struct
{
  char *subject;
  guint limit;
} AuditQuery;

static void
audit_query_free (AuditQuery *query)
{
  g_free (query->subject);
  g_free (query);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AuditQuery *query = task_data;
  GError *error = NULL;
  GPtrArray *entries = ks_audit_list (source_object, query->subject, query->limit, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ks_audit_list_async:
 * @subject: (nullable): as for ks_audit_list()
 *
 * ks_audit_list() in a worker thread: the log grows with every record, and a window reading
 * it must keep drawing.
 */
void
ks_audit_list_async (KsStore            *store,
                     const char         *subject,
                     guint               limit,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AuditQuery *query;

  g_return_if_fail (KS_IS_STORE (store));

  query = g_new0 (AuditQuery, 1);
  query->subject = g_strdup (subject);
  query->limit = limit;
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_audit_list_async);
  g_task_set_task_data (task, query, (GDestroyNotify)audit_query_free);
  g_task_run_in_thread (task, list_thread);
}

/**
 * ks_audit_list_finish:
 *
 * Returns: (transfer full) (element-type KsAuditEntry): the entries, newest first
 */
GPtrArray *
ks_audit_list_finish (GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_audit_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
ks_audit_count (KsStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n = 0;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "SELECT count(*) FROM audit", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  _ks_store_unlock (store);
  return n;
}

typedef struct
{
  char *actor;
  char *action;
  char *subject;
  char *detail;
} AppendJob;

static void
append_job_free (AppendJob *job)
{
  g_free (job->actor);
  g_free (job->action);
  g_free (job->subject);
  g_free (job->detail);
  g_free (job);
}

static void
append_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AppendJob *job = task_data;
  GError *error = NULL;

  if (!ks_audit_append (source_object, job->actor, job->action, job->subject, job->detail,
                        &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_audit_append_async:
 *
 * ks_audit_append() in a worker thread. The entry is written even when @cancellable is
 * cancelled meanwhile: only the answer is dropped.
 */
void
ks_audit_append_async (KsStore            *store,
                       const char         *actor,
                       const char         *action,
                       const char         *subject,
                       const char         *detail,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AppendJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (actor != NULL && action != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_audit_append_async);
  job = g_new0 (AppendJob, 1);
  job->actor = g_strdup (actor);
  job->action = g_strdup (action);
  job->subject = g_strdup (subject);
  job->detail = g_strdup (detail);
  g_task_set_task_data (task, job, (GDestroyNotify)append_job_free);
  g_task_run_in_thread (task, append_thread);
}

gboolean
ks_audit_append_finish (KsStore      *store,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
