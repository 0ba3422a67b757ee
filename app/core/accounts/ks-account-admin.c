/* ks-account-admin.c: a supervisor's changes to accounts, and an operator's own settings
 *
 * Apart from ks-accounts.c because each change is checked against the session that asks for
 * it, and a session is made from an account: ks-session needs ks-accounts, and these need a
 * session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-accounts"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>

#include "ks-account-admin.h"
#include "ks-accounts-private.h"
#include "ks-audit.h"
#include "ks-store-private.h"

KsAccount *
ks_accounts_add (KsStore    *store,
                 KsSession  *actor,
                 const char *username,
                 const char *full_name,
                 KsRole      role,
                 const char *password,
                 GError    **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(KsAccount) account = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_SESSION (actor), NULL);

  if (!ks_session_require (actor, KS_PERMISSION_MANAGE_ACCOUNTS, error) ||
      !ks_accounts_check_username (username, error) ||
      !_ks_accounts_check_full_name (full_name, error) ||
      !ks_accounts_check_password_strength (password, error))
    return NULL;

  if (!(hash = _ks_accounts_hash_password (password, error)))
    return NULL;

  if (!ks_store_begin (store, error))
    return NULL;
  account = _ks_accounts_insert (store, ks_session_get_username (actor),
                                 ks_account_get_id (ks_session_get_account (actor)),
                                 username, full_name, role, hash, error);
  if (account == NULL)
    {
      ks_store_rollback (store);
      return NULL;
    }
  if (!ks_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&account);
}

/* Runs one UPDATE on an account and its audit entry in one transaction. */
static gboolean
update_account (KsStore    *store,
                KsSession  *actor,
                const char *username,
                const char *sql,
                const char *text_value,
                int         int_value,
                const char *action,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!ks_store_begin (store, error))
    return FALSE;

  stmt = _ks_store_prepare (store, sql, error);
  if (stmt == NULL)
    goto fail;
  if (text_value != NULL)
    sqlite3_bind_text (stmt, 1, text_value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int (stmt, 1, int_value);
  sqlite3_bind_text (stmt, 2, username, -1, SQLITE_STATIC);
  if (!_ks_store_step_done (store, stmt, error))
    goto fail;
  if (sqlite3_changes (_ks_store_get_db (store)) == 0)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_FOUND,
                   _("There is no account “%s” at this station."), username);
      goto fail;
    }
  if (!ks_audit_append (store, ks_session_get_username (actor), action, username, NULL, error))
    goto fail;
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

gboolean
ks_accounts_reset_password (KsStore    *store,
                            KsSession  *actor,
                            const char *username,
                            const char *new_password,
                            GError    **error)
{
  g_autofree char *hash = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (actor), FALSE);

  if (!ks_session_require (actor, KS_PERMISSION_MANAGE_ACCOUNTS, error) ||
      !ks_accounts_check_password_strength (new_password, error))
    return FALSE;
  if (!(hash = _ks_accounts_hash_password (new_password, error)))
    return FALSE;

  /* A reset also lifts a lockout: that is what the locked-out operator was told to ask for. */
  ok = update_account (store, actor, username,
                       "UPDATE accounts SET password_hash = ?1, failed_attempts = 0, "
                       "locked_until = 0 WHERE username = ?2",
                       hash, 0, "password-reset", error);
  sodium_memzero (hash, strlen (hash));
  return ok;
}

gboolean
ks_accounts_set_disabled (KsStore    *store,
                          KsSession  *actor,
                          const char *username,
                          gboolean    disabled,
                          GError    **error)
{
  g_autoptr(KsAccount) target = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (actor), FALSE);

  if (!ks_session_require (actor, KS_PERMISSION_MANAGE_ACCOUNTS, error))
    return FALSE;
  if (!(target = ks_accounts_lookup (store, username, error)))
    return FALSE;

  /* A station without an enabled supervisor could never add or enable anyone again. */
  if (disabled && ks_account_get_role (target) == KS_ROLE_SUPERVISOR &&
      !ks_account_get_disabled (target) &&
      ks_accounts_count_role (store, KS_ROLE_SUPERVISOR) <= 1)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LAST_SUPERVISOR,
                   _("“%s” is the only supervisor. Add another supervisor before disabling "
                     "this account."),
                   username);
      return FALSE;
    }

  return update_account (store, actor, ks_account_get_username (target),
                         "UPDATE accounts SET disabled = ?1 WHERE username = ?2",
                         NULL, disabled ? 1 : 0,
                         disabled ? "account-disabled" : "account-enabled", error);
}

gboolean
ks_accounts_set_language (KsStore    *store,
                          KsSession  *actor,
                          const char *language,
                          GError    **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (actor), FALSE);

  return update_account (store, actor, ks_session_get_username (actor),
                         "UPDATE accounts SET language = ?1 WHERE username = ?2",
                         language ? language : "", 0, "language-changed", error);
}

/* Asynchronous twins ********************************************************************/

typedef enum
{
  JOB_ADD,
  JOB_RESET_PASSWORD,
  JOB_SET_DISABLED,
  JOB_SET_LANGUAGE,
} JobKind;

typedef struct
{
  JobKind kind;
  KsSession *actor;
  char *username;
  char *full_name;
  char *password;       /* wiped when the job ends */
  char *language;
  KsRole role;
  gboolean disabled;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->actor);
  g_free (job->username);
  g_free (job->full_name);
  g_free (job->language);
  if (job->password != NULL)
    {
      sodium_memzero (job->password, strlen (job->password));
      g_free (job->password);
    }
  g_free (job);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  KsStore *store = source_object;
  Job *job = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  gboolean ok = FALSE;

  switch (job->kind)
    {
    case JOB_ADD:
      if ((result = ks_accounts_add (store, job->actor, job->username, job->full_name, job->role,
                                     job->password, &error)) != NULL)
        {
          g_task_return_pointer (task, result, g_object_unref);
          return;
        }
      break;

    case JOB_RESET_PASSWORD:
      ok = ks_accounts_reset_password (store, job->actor, job->username, job->password, &error);
      break;

    case JOB_SET_DISABLED:
      ok = ks_accounts_set_disabled (store, job->actor, job->username, job->disabled, &error);
      break;

    case JOB_SET_LANGUAGE:
      ok = ks_accounts_set_language (store, job->actor, job->language, &error);
      break;

    default:
      g_assert_not_reached ();
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_job (KsStore            *store,
         Job                *job,
         gpointer            source_tag,
         GCancellable       *cancellable,
         GAsyncReadyCallback callback,
         gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify)job_free);
  g_task_run_in_thread (task, job_thread);
}

static Job *
job_new (JobKind     kind,
         KsSession  *actor,
         const char *username)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->actor = actor ? g_object_ref (actor) : NULL;
  job->username = g_strdup (username);
  return job;
}

/**
 * ks_accounts_add_async:
 *
 * ks_accounts_add() in a worker thread (Argon2id takes about 0.1 s); the password is copied
 * and wiped when the job ends.
 */
void
ks_accounts_add_async (KsStore            *store,
                       KsSession          *actor,
                       const char         *username,
                       const char         *full_name,
                       KsRole              role,
                       const char         *password,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  Job *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (actor));
  g_return_if_fail (password != NULL);

  job = job_new (JOB_ADD, actor, username);
  job->full_name = g_strdup (full_name);
  job->role = role;
  job->password = g_strdup (password);
  run_job (store, job, ks_accounts_add_async, cancellable, callback, user_data);
}

/**
 * ks_accounts_add_finish:
 *
 * Returns: (transfer full): the new account, or %NULL with @error set
 */
KsAccount *
ks_accounts_add_finish (KsStore      *store,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_accounts_reset_password_async:
 *
 * ks_accounts_reset_password() in a worker thread; finish with ks_accounts_change_finish().
 */
void
ks_accounts_reset_password_async (KsStore            *store,
                                  KsSession          *actor,
                                  const char         *username,
                                  const char         *new_password,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  Job *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (actor));
  g_return_if_fail (new_password != NULL);

  job = job_new (JOB_RESET_PASSWORD, actor, username);
  job->password = g_strdup (new_password);
  run_job (store, job, ks_accounts_reset_password_async, cancellable, callback, user_data);
}

/**
 * ks_accounts_set_disabled_async:
 *
 * ks_accounts_set_disabled() in a worker thread; finish with ks_accounts_change_finish().
 */
void
ks_accounts_set_disabled_async (KsStore            *store,
                                KsSession          *actor,
                                const char         *username,
                                gboolean            disabled,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  Job *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (actor));

  job = job_new (JOB_SET_DISABLED, actor, username);
  job->disabled = disabled;
  run_job (store, job, ks_accounts_set_disabled_async, cancellable, callback, user_data);
}

/**
 * ks_accounts_set_language_async:
 *
 * ks_accounts_set_language() in a worker thread; finish with ks_accounts_change_finish().
 */
void
ks_accounts_set_language_async (KsStore            *store,
                                KsSession          *actor,
                                const char         *language,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  Job *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (actor));

  job = job_new (JOB_SET_LANGUAGE, actor, NULL);
  job->language = g_strdup (language);
  run_job (store, job, ks_accounts_set_language_async, cancellable, callback, user_data);
}

/**
 * ks_accounts_change_finish:
 *
 * Finishes ks_accounts_reset_password_async(), ks_accounts_set_disabled_async() and
 * ks_accounts_set_language_async().
 */
gboolean
ks_accounts_change_finish (KsStore      *store,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
