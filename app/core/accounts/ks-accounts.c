/* ks-accounts.c: creating, checking and managing operator accounts
 *
 * Passwords are stored only as Argon2id hashes (libsodium crypto_pwhash_str_alg). Hashing is
 * deliberately slow (about 0.1 s): callers on the UI thread run ks_accounts_authenticate() in a
 * GTask thread. Nothing here ever logs or audits a password.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-accounts"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-accounts-private.h"
#include "ks-store-private.h"

G_DEFINE_QUARK (ks-accounts-error-quark, ks_accounts_error)

#define ACCOUNT_COLUMNS "id, username, full_name, role, disabled, language, locked_until"

static KsAccount *
account_from_row (sqlite3_stmt *stmt)
{
  KsRole role = KS_ROLE_OPERATOR;

  ks_role_from_string ((const char *)sqlite3_column_text (stmt, 3), &role);
  return _ks_account_new (sqlite3_column_int64 (stmt, 0),
                          (const char *)sqlite3_column_text (stmt, 1),
                          (const char *)sqlite3_column_text (stmt, 2),
                          role,
                          sqlite3_column_int (stmt, 4) != 0,
                          (const char *)sqlite3_column_text (stmt, 5),
                          sqlite3_column_int64 (stmt, 6));
}

char *
_ks_accounts_hash_password (const char *password,
                            GError    **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (sodium_init () < 0 ||
      crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      /* The only realistic cause is the 64 MiB allocation failing. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("The station ran out of memory while protecting the password. Close other "
                     "programs and try again."));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
ks_accounts_check_password_strength (const char *password,
                                     GError    **error)
{
  if (password == NULL || g_utf8_strlen (password, -1) < KS_PASSWORD_MIN_LENGTH)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_WEAK_PASSWORD,
                   ngettext (
                     "The password must have at least %d character.",
                     "The password must have at least %d characters.",
                     KS_PASSWORD_MIN_LENGTH),
                   KS_PASSWORD_MIN_LENGTH);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_accounts_check_username (const char *username,
                            GError    **error)
{
  gsize len = username ? strlen (username) : 0;

  if (len < 3 || len > 32)
    goto bad;
  for (const char *p = username; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '_' && *p != '-')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_INVALID_USERNAME,
               _("A user name has 3 to 32 small letters, digits, “.”, “_” or “-”, for example "
                 "“ayesha.khan”."));
  return FALSE;
}

gboolean
_ks_accounts_check_full_name (const char *full_name,
                              GError    **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (full_name ? full_name : ""));

  if (*trimmed == '\0' || g_utf8_strlen (trimmed, -1) > 100)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_INVALID_NAME,
                   _("Enter the person’s full name (up to 100 characters)."));
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_accounts_needs_setup (KsStore *store)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean empty = TRUE;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "SELECT 1 FROM accounts LIMIT 1", NULL);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    empty = FALSE;
  _ks_store_unlock (store);
  return empty;
}

static KsAccount *
lookup_locked (KsStore    *store,
               const char *username,
               char      **password_hash,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = _ks_store_prepare (store,
                            "SELECT " ACCOUNT_COLUMNS ", password_hash FROM accounts "
                            "WHERE username = ?",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (password_hash != NULL)
        *password_hash = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
      return account_from_row (stmt);
    }
  if (rc == SQLITE_DONE)
    g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_FOUND,
                 _("There is no account “%s” at this station."), username);
  else
    _ks_store_set_error (store, rc, error);
  return NULL;
}

KsAccount *
ks_accounts_lookup (KsStore    *store,
                    const char *username,
                    GError    **error)
{
  KsAccount *account;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  account = lookup_locked (store, username, NULL, error);
  _ks_store_unlock (store);
  return account;
}

/* Inserts an account inside the caller's transaction and audits it. */
KsAccount *
_ks_accounts_insert (KsStore    *store,
                     const char *actor,
                     gint64      actor_id,
                     const char *username,
                     const char *full_name,
                     KsRole      role,
                     const char *password_hash,
                     GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *name = g_strstrip (g_strdup (full_name));
  gint64 id;
  int rc;

  stmt = _ks_store_prepare (store,
                            "INSERT INTO accounts (username, full_name, role, password_hash, "
                            "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ks_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, ks_store_now (store));
  if (actor_id > 0)
    sqlite3_bind_int64 (stmt, 6, actor_id);
  else
    sqlite3_bind_null (stmt, 6);

  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_EXISTS,
                   _("The user name “%s” is taken. Choose another one."), username);
      return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }
  /* Read now: the audit entry below is an insert too, and would be the "last" one. */
  id = sqlite3_last_insert_rowid (_ks_store_get_db (store));

  if (!ks_audit_append (store, actor, "account-created", username, ks_role_to_string (role),
                        error))
    return NULL;

  return _ks_account_new (id, username, name, role, FALSE, "", 0);
}

/**
 * ks_accounts_create_first_supervisor:
 *
 * The first-start set-up: creates the station's first supervisor. Refused once any account
 * exists, so the set-up screen cannot be used to slip in a second supervisor.
 */
KsAccount *
ks_accounts_create_first_supervisor (KsStore    *store,
                                     const char *username,
                                     const char *full_name,
                                     const char *password,
                                     GError    **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(KsAccount) account = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  if (!ks_accounts_check_username (username, error) ||
      !_ks_accounts_check_full_name (full_name, error) ||
      !ks_accounts_check_password_strength (password, error))
    return NULL;

  if (!(hash = _ks_accounts_hash_password (password, error)))
    return NULL;

  if (!ks_store_begin (store, error))
    return NULL;
  if (!ks_accounts_needs_setup (store))
    {
      ks_store_rollback (store);
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_SETUP_DONE,
                   _("This station is already set up. Sign in with a supervisor account."));
      return NULL;
    }
  account = _ks_accounts_insert (store, "station", 0, username, full_name, KS_ROLE_SUPERVISOR, hash,
                                 error);
  if (account == NULL)
    {
      ks_store_rollback (store);
      return NULL;
    }
  if (!ks_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&account);
}

/* A hash to check against when the user name does not exist, so that a wrong name takes as long
 * as a wrong password and the sign-in screen does not reveal which accounts exist. */
static const char *
dummy_hash (void)
{
  static char *hash;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      hash = _ks_accounts_hash_password ("not a password of anyone", NULL);
      g_once_init_leave (&done, 1);
    }
  return hash;
}

static gboolean
record_attempt (KsStore   *store,
                KsAccount *account,
                gboolean   success,
                GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = ks_store_now (store);
  int failed = 0;
  gint64 locked_until = 0;

  if (!ks_store_begin (store, error))
    return FALSE;

  if (!success)
    {
      g_autoptr(sqlite3_stmt) q = _ks_store_prepare (store,
                                                     "SELECT failed_attempts FROM accounts "
                                                     "WHERE id = ?",
                                                     error);
      if (q == NULL)
        goto fail;
      sqlite3_bind_int64 (q, 1, ks_account_get_id (account));
      if (sqlite3_step (q) == SQLITE_ROW)
        failed = sqlite3_column_int (q, 0);
      failed++;
      if (failed >= KS_LOCKOUT_ATTEMPTS)
        {
          locked_until = now + (gint64)KS_LOCKOUT_SECONDS * G_USEC_PER_SEC;
          failed = 0;
        }
    }

  stmt = _ks_store_prepare (store,
                            "UPDATE accounts SET failed_attempts = ?, locked_until = ? "
                            "WHERE id = ?",
                            error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int (stmt, 1, failed);
  sqlite3_bind_int64 (stmt, 2, locked_until);
  sqlite3_bind_int64 (stmt, 3, ks_account_get_id (account));
  if (!_ks_store_step_done (store, stmt, error))
    goto fail;

  if (!ks_audit_append (store, ks_account_get_username (account),
                        success ? "sign-in" : "sign-in-failed",
                        ks_account_get_username (account), NULL, error))
    goto fail;
  if (locked_until > 0 &&
      !ks_audit_append (store, "station", "account-locked-out",
                        ks_account_get_username (account),
                        "5 failed attempts", error))
    goto fail;

  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

static void
set_locked_out_error (GError **error,
                      gint64   locked_until,
                      gint64   now)
{
  int minutes = (int)((locked_until - now + 60 * G_USEC_PER_SEC - 1) / (60 * G_USEC_PER_SEC));

  g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT,
               ngettext (
                 "Too many wrong passwords. Try again in %d minute, or ask a "
                 "supervisor to reset your password.",
                 "Too many wrong passwords. Try again in %d minutes, or ask a "
                 "supervisor to reset your password.",
                 minutes),
               minutes);
}

/**
 * ks_accounts_authenticate:
 *
 * Checks a user name and password. Slow on purpose (Argon2id): never call it on the UI thread.
 * Five wrong passwords in a row lock the account for five minutes; every attempt is audited.
 * An unknown user name gets the same answer as a wrong password.
 */
KsAccount *
ks_accounts_authenticate (KsStore    *store,
                          const char *username,
                          const char *password,
                          GError    **error)
{
  g_autoptr(KsAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *folded = NULL;
  gboolean good;
  gint64 now;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  folded = g_ascii_strdown (g_strstrip (g_strdup (username)), -1);

  _ks_store_lock (store);
  account = lookup_locked (store, folded, &hash, &local_error);
  _ks_store_unlock (store);

  if (account == NULL)
    {
      if (!g_error_matches (local_error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (crypto_pwhash_str_verify (dummy_hash (), password, strlen (password)) == 0)
        g_debug ("A password matched the dummy hash");
      /* What was typed as a user name may be a password typed in the wrong field: audit the
       * attempt without it. */
      ks_audit_append (store, "station", "sign-in-failed", "(unknown account)", NULL, NULL);
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS,
                   _("The user name or password is wrong. Check them and try again."));
      return NULL;
    }

  now = ks_store_now (store);
  if (ks_account_get_locked_until (account) > now)
    {
      ks_audit_append (store, "station", "sign-in-refused", ks_account_get_username (account),
                       "locked out", NULL);
      set_locked_out_error (error, ks_account_get_locked_until (account), now);
      return NULL;
    }

  good = crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
  sodium_memzero (hash, strlen (hash));

  if (good && ks_account_get_disabled (account))
    {
      ks_audit_append (store, "station", "sign-in-refused", ks_account_get_username (account),
                       "disabled", NULL);
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_DISABLED,
                   _("This account is disabled. Ask a supervisor to enable it."));
      return NULL;
    }

  if (!record_attempt (store, account, good, error))
    return NULL;

  if (!good)
    {
      g_autoptr(KsAccount) after = ks_accounts_lookup (store, folded, NULL);

      if (after != NULL && ks_account_get_locked_until (after) > now)
        set_locked_out_error (error, ks_account_get_locked_until (after), now);
      else
        g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS,
                     _("The user name or password is wrong. Check them and try again."));
      return NULL;
    }

  return g_steal_pointer (&account);
}

/**
 * ks_accounts_list:
 *
 * Returns: (transfer full) (element-type KsAccount): every account, by user name
 */
GPtrArray *
ks_accounts_list (KsStore *store,
                  GError **error)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY username",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  _ks_store_unlock (store);

  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&accounts);
}

guint
ks_accounts_count_role (KsStore *store,
                        KsRole   role)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint n = 0;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT count(*) FROM accounts WHERE role = ? AND disabled = 0",
                            NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, ks_role_to_string (role), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int (stmt, 0);
    }
  _ks_store_unlock (store);
  return n;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *accounts = ks_accounts_list (source_object, &error);

  if (accounts == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, accounts, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ks_accounts_list_async:
 *
 * ks_accounts_list() in a worker thread; ks_accounts_list_finish() gives the array.
 */
void
ks_accounts_list_async (KsStore            *store,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_accounts_list_async);
  g_task_run_in_thread (task, list_thread);
}

/**
 * ks_accounts_list_finish:
 *
 * Returns: (transfer full) (element-type KsAccount): the accounts, or %NULL with @error set
 */
GPtrArray *
ks_accounts_list_finish (KsStore      *store,
                         GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
