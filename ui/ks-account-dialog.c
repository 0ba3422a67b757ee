/* ks-account-dialog.c: add an account, or reset an account's password
 *
 * The dialog stays open until the store accepts the change, so a taken user name or a short
 * password is fixed in place instead of typed again from the start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-account-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-account-dialog.h"
#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-ui-util.h"

struct _KsAccountDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *group;
  GtkButton *save_button;
  AdwEntryRow *full_name_row;
  AdwEntryRow *username_row;
  AdwComboRow *role_row;
  AdwEntryRow *password_row;
  AdwEntryRow *confirm_row;
  GtkLabel *message_label;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsAccount *account; /* NULL when adding */
  GCancellable *cancellable;
  gboolean busy;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsAccountDialog, ks_account_dialog, ADW_TYPE_WINDOW)

static void
show_message (KsAccountDialog *self,
              const char      *message,
              AdwEntryRow     *focus)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (focus != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (focus));
}

/* The store's answer, from a worker thread (Argon2id takes about 0.1 s). */
static void
save_done (KsAccountDialog *self,
           GError          *error)
{
  if (error != NULL)
    {
      AdwEntryRow *focus = self->full_name_row;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.save", TRUE);
      if (g_error_matches (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_EXISTS) ||
          g_error_matches (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_INVALID_USERNAME))
        focus = self->username_row;
      else if (g_error_matches (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_WEAK_PASSWORD))
        focus = self->password_row;
      show_message (self, error->message, focus);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
added (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(KsAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) account = ks_accounts_add_finish (KS_STORE (source), result, &error);

  save_done (self, error);
}

static void
password_reset (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsAccountDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  ks_accounts_change_finish (KS_STORE (source), result, &error);
  save_done (self, error);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsAccountDialog *self = KS_ACCOUNT_DIALOG (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  const KsRole roles[] = { KS_ROLE_OPERATOR, KS_ROLE_SUPERVISOR, KS_ROLE_TRAINER };
  g_autoptr(GError) error = NULL;
  KsStore *store;
  guint selected;

  if (self->busy)
    return;

  if (!ks_accounts_check_password_strength (password, &error))
    {
      show_message (self, error->message, self->password_row);
      return;
    }
  if (!g_str_equal (password, confirm))
    {
      show_message (self, _("The two passwords are not the same. Type the password again."),
                    self->confirm_row);
      return;
    }

  show_message (self, NULL, NULL);
  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.save", FALSE);

  store = ks_station_get_store (self->station);
  if (self->account != NULL)
    ks_accounts_reset_password_async (store, self->session,
                                      ks_account_get_username (self->account), password,
                                      self->cancellable, password_reset, g_object_ref (self));
  else
    {
      selected = adw_combo_row_get_selected (self->role_row);
      ks_accounts_add_async (store, self->session,
                             gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                             gtk_editable_get_text (GTK_EDITABLE (self->full_name_row)),
                             roles[MIN (selected, G_N_ELEMENTS (roles) - 1)], password,
                             self->cancellable, added, g_object_ref (self));
    }
}

static void
on_activated (KsAccountDialog *self,
              AdwEntryRow     *row)
{
  if (row == self->confirm_row)
    gtk_widget_activate_action (GTK_WIDGET (self), "account.save", NULL);
  else
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
ks_account_dialog_dispose (GObject *object)
{
  KsAccountDialog *self = (KsAccountDialog *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  g_clear_object (&self->session);
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (ks_account_dialog_parent_class)->dispose (object);
}

static void
ks_account_dialog_class_init (KsAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_account_dialog_dispose;

  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, group);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, save_button);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, full_name_row);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, username_row);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, role_row);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, KsAccountDialog, message_label);
  gtk_widget_class_bind_template_callback (widget_class, on_activated);

  gtk_widget_class_install_action (widget_class, "account.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ks_account_dialog_init (KsAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  ks_ui_drop_focus_on_close (GTK_WINDOW (self));
  ks_ui_skip_reveal_buttons (GTK_WIDGET (self));
}

/**
 * ks_account_dialog_new:
 * @account: (nullable): the account whose password to reset, or %NULL to add one
 */
KsAccountDialog *
ks_account_dialog_new (GtkWindow *parent,
                       KsStation *station,
                       KsSession *session,
                       KsAccount *account)
{
  KsAccountDialog *self = g_object_new (KS_TYPE_ACCOUNT_DIALOG,
                                        "transient-for", parent,
                                        NULL);

  self->station = g_object_ref (station);
  self->session = g_object_ref (session);
  self->account = account ? g_object_ref (account) : NULL;

  if (account != NULL)
    {
      g_autofree char *description = NULL;

      gtk_window_set_title (GTK_WINDOW (self), _("Reset Password"));
      gtk_button_set_label (self->save_button, _("_Reset Password"));
      /* Translators: %s is a person's full name */
      description = g_strdup_printf (_("Choose a new password for %s and tell it to them in "
                                       "person. Resetting also lifts a lock-out."),
                                     ks_account_get_full_name (account));
      adw_preferences_group_set_description (self->group, description);
      gtk_widget_set_visible (GTK_WIDGET (self->full_name_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->username_row), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->role_row), FALSE);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Add Account"));
      gtk_button_set_label (self->save_button, _("_Add"));
      gtk_widget_grab_focus (GTK_WIDGET (self->full_name_row));
    }
  return self;
}
