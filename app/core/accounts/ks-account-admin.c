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
