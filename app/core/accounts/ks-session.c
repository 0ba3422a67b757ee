/* ks-session.c: the operator signed in at the station
 *
 * A session answers "may this person do that?" for every core call that changes something,
 * and records sign-out, lock and unlock in the audit log. Locking keeps the session (and the
 * screen the operator was on) alive; only the same operator's password unlocks it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-session"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-session.h"

struct _KsSession
{
  GObject parent_instance;

  KsStore *store;
  KsAccount *account;
  gboolean training;
  gboolean locked;
  gboolean signed_out;
};

enum {
  PROP_0,
  PROP_LOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (KsSession, ks_session, G_TYPE_OBJECT)

static void
ks_session_dispose (GObject *object)
{
  KsSession *self = (KsSession *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->account);

  G_OBJECT_CLASS (ks_session_parent_class)->dispose (object);
}

static void
ks_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KsSession *self = KS_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOCKED:
      g_value_set_boolean (value, self->locked);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_session_class_init (KsSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_session_dispose;
  object_class->get_property = ks_session_get_property;

  properties[PROP_LOCKED] =
    g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ks_session_init (KsSession *self)
{
}

/**
 * ks_session_new:
 *
 * Wraps an account that ks_accounts_authenticate() (or the first-run set-up) returned.
 */
KsSession *
ks_session_new (KsStore   *store,
                KsAccount *account,
                gboolean   training)
{
  KsSession *self;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_ACCOUNT (account), NULL);

  self = g_object_new (KS_TYPE_SESSION, NULL);
  self->store = g_object_ref (store);
  self->account = g_object_ref (account);
  self->training = training;
  return self;
}

/**
 * ks_session_sign_in:
 *
 * Authenticates (slow: Argon2id; run it off the UI thread) and opens a session.
 */
KsSession *
ks_session_sign_in (KsStore    *store,
                    const char *username,
                    const char *password,
                    gboolean    training,
                    GError    **error)
{
  g_autoptr(KsAccount) account = ks_accounts_authenticate (store, username, password, error);

  if (account == NULL)
    return NULL;
  return ks_session_new (store, account, training);
}

KsAccount *
ks_session_get_account (KsSession *self)
{
  g_return_val_if_fail (KS_IS_SESSION (self), NULL);
  return self->account;
}

const char *
ks_session_get_username (KsSession *self)
{
  g_return_val_if_fail (KS_IS_SESSION (self), NULL);
  return ks_account_get_username (self->account);
}

KsRole
ks_session_get_role (KsSession *self)
{
  g_return_val_if_fail (KS_IS_SESSION (self), KS_ROLE_OPERATOR);
  return ks_account_get_role (self->account);
}

gboolean
ks_session_is_training (KsSession *self)
{
  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);
  return self->training;
}

gboolean
ks_session_is_locked (KsSession *self)
{
  g_return_val_if_fail (KS_IS_SESSION (self), TRUE);
  return self->locked;
}

gboolean
ks_session_can (KsSession   *self,
                KsPermission permission)
{
  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  if (self->locked || self->signed_out)
    return FALSE;
  return ks_role_has_permission (ks_account_get_role (self->account), self->training, permission);
}

/* The account as the store holds it now, not as it was at sign-in: a supervisor may have
 * disabled it since, or five wrong passwords typed elsewhere (the sign-in screen of a locked
 * station, the unlock screen) may have locked it out. Returns it, or %NULL with the refusal. */
static KsAccount *
current_account (KsSession *self,
                 GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KsAccount) account = NULL;

  if (self->signed_out || self->locked)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED,
                   _("The station is locked. Sign in again to continue."));
      return NULL;
    }
  account = ks_accounts_lookup (self->store, ks_account_get_username (self->account),
                                &local_error);
  if (account == NULL)
    {
      if (g_error_matches (local_error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_FOUND))
        g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED,
                     _("Your account no longer exists at this station. Nothing was changed."));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (ks_account_get_disabled (account))
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_DISABLED,
                   _("Your account was disabled by a supervisor. Nothing was changed. Sign out, "
                     "and ask a supervisor to enable the account."));
      return NULL;
    }
  if (ks_account_get_locked_until (account) > ks_store_now (self->store))
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT,
                   _("Your account is locked after too many wrong passwords. Nothing was "
                     "changed. Wait five minutes, or ask a supervisor to reset the password."));
      return NULL;
    }
  return g_steal_pointer (&account);
}

/**
 * ks_session_require_active:
 *
 * For core calls that act in someone's name without needing a particular role (printing a
 * card): the session must be signed in, unlocked, and its account still enabled and not
 * locked out, as the store says now.
 */
gboolean
ks_session_require_active (KsSession *self,
                           GError   **error)
{
  g_autoptr(KsAccount) account = NULL;

  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  account = current_account (self, error);
  return account != NULL;
}

/**
 * ks_session_require:
 *
 * The check every core entry point makes before it changes anything on someone's behalf. The
 * account's state and role are read again from the store each time: a session opened before
 * the account was disabled or locked out does not keep its rights.
 */
gboolean
ks_session_require (KsSession   *self,
                    KsPermission permission,
                    GError     **error)
{
  g_autoptr(KsAccount) account = NULL;

  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  account = current_account (self, error);
  if (account == NULL)
    return FALSE;
  if (!ks_role_has_permission (ks_account_get_role (account), self->training, permission))
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED,
                   _("Your account (%s) is not allowed to do this. Ask a supervisor."),
                   ks_role_get_label (ks_account_get_role (account)));
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_session_lock (KsSession *self,
                 GError   **error)
{
  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  if (self->locked || self->signed_out)
    return TRUE;
  if (!ks_audit_append (self->store, ks_session_get_username (self), "lock",
                        ks_session_get_username (self), NULL, error))
    return FALSE;
  self->locked = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  return TRUE;
}

/**
 * ks_session_unlock:
 *
 * Only the signed-in operator's own password unlocks (slow: run it off the UI thread). Wrong
 * passwords count towards the account's lockout like any sign-in.
 */
gboolean
ks_session_unlock (KsSession  *self,
                   const char *password,
                   GError    **error)
{
  g_autoptr(KsAccount) account = NULL;

  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  if (!self->locked)
    return TRUE;

  account = ks_accounts_authenticate (self->store, ks_session_get_username (self), password,
                                      error);
  if (account == NULL)
    return FALSE;
  if (!ks_audit_append (self->store, ks_session_get_username (self), "unlock",
                        ks_session_get_username (self), NULL, error))
    return FALSE;
  g_set_object (&self->account, account);
  self->locked = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  return TRUE;
}

gboolean
ks_session_sign_out (KsSession *self,
                     GError   **error)
{
  g_return_val_if_fail (KS_IS_SESSION (self), FALSE);

  if (self->signed_out)
    return TRUE;
  if (!ks_audit_append (self->store, ks_session_get_username (self), "sign-out",
                        ks_session_get_username (self), NULL, error))
    return FALSE;
  self->signed_out = TRUE;
  return TRUE;
}

/* The audit entry of a lock or a sign-out, written in a worker thread: the session changed
 * state already, the screen does not wait for the disk. */
typedef struct
{
  char *username;
  const char *action;
} AuditEntry;

static void
audit_entry_free (AuditEntry *entry)
{
  g_free (entry->username);
  g_free (entry);
}

static void
audit_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsSession *self = source_object;
  AuditEntry *entry = task_data;
  GError *error = NULL;

  if (!ks_audit_append (self->store, entry->username, entry->action, entry->username, NULL,
                        &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_audit (KsSession          *self,
           const char         *action,
           gpointer            source_tag,
           GCancellable       *cancellable,
           GAsyncReadyCallback callback,
           gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  AuditEntry *entry = g_new0 (AuditEntry, 1);

  g_task_set_source_tag (task, source_tag);
  entry->username = g_strdup (ks_session_get_username (self));
  entry->action = action;
  g_task_set_task_data (task, entry, (GDestroyNotify)audit_entry_free);
  g_task_run_in_thread (task, audit_thread);
}

/**
 * ks_session_lock_async:
 *
 * Locks the session at once (ks_session_is_locked() holds when this returns) and writes the
 * audit entry in a worker thread; the result tells whether it was written. Even if it cannot
 * be (disk full), the session stays locked: only the password unlocks it.
 */
void
ks_session_lock_async (KsSession          *self,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_return_if_fail (KS_IS_SESSION (self));

  if (self->locked || self->signed_out)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, ks_session_lock_async);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->locked = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCKED]);
  run_audit (self, "lock", ks_session_lock_async, cancellable, callback, user_data);
}

gboolean
ks_session_lock_finish (KsSession    *self,
                        GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ks_session_sign_out_async:
 *
 * Ends the session at once and writes the audit entry in a worker thread.
 */
void
ks_session_sign_out_async (KsSession          *self,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_return_if_fail (KS_IS_SESSION (self));

  if (self->signed_out)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, ks_session_sign_out_async);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->signed_out = TRUE;
  run_audit (self, "sign-out", ks_session_sign_out_async, cancellable, callback, user_data);
}

gboolean
ks_session_sign_out_finish (KsSession    *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
