/* ks-lock-page.c: the locked station; the same operator unlocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-lock-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-lock-page.h"
#include "ks-password-form.h"

struct _KsLockPage
{
  AdwBin parent_instance;

  /* Template widgets */
  AdwStatusPage *status_page;
  KsPasswordForm *form;
  /* Owned */
  KsStation *station;
  GCancellable *cancellable;
  gboolean busy;
};

enum {
  UNLOCKED,
  SIGN_OUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsLockPage, ks_lock_page, ADW_TYPE_BIN)

static void
set_busy (KsLockPage *self,
          gboolean    busy)
{
  self->busy = busy;
  ks_password_form_set_busy (self->form, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lock.unlock", !busy);
}

static void
unlock_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KsLockPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_station_unlock_finish (KS_STATION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      ks_password_form_failed (self->form, error->message);
      return;
    }

  set_busy (self, FALSE);
  ks_password_form_clear_password (self->form);
  g_signal_emit (self, signals[UNLOCKED], 0);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KsLockPage *self = KS_LOCK_PAGE (widget);

  if (self->busy || self->station == NULL || !ks_password_form_check (self->form))
    return;
  ks_password_form_show_message (self->form, NULL);
  set_busy (self, TRUE);
  ks_station_unlock_async (self->station, ks_password_form_get_password (self->form),
                           self->cancellable, unlock_done, g_object_ref (self));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KsLockPage *self = KS_LOCK_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, FALSE);
  ks_password_form_clear_password (self->form);
  g_signal_emit (self, signals[SIGN_OUT], 0);
}

static void
ks_lock_page_dispose (GObject *object)
{
  KsLockPage *self = (KsLockPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child, and AdwBin
   * unparents it itself; unparenting it here first leaves AdwBin a dangling pointer. */

  G_OBJECT_CLASS (ks_lock_page_parent_class)->dispose (object);
}

static void
ks_lock_page_class_init (KsLockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_lock_page_dispose;

  signals[UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGN_OUT] = g_signal_new ("sign-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsLockPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, KsLockPage, form);
  gtk_widget_class_install_action (widget_class, "lock.unlock", NULL, unlock_action);
  gtk_widget_class_install_action (widget_class, "lock.sign-out", NULL, sign_out_action);
}

static void
ks_lock_page_init (KsLockPage *self)
{
  g_type_ensure (KS_TYPE_PASSWORD_FORM);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

void
ks_lock_page_set_station (KsLockPage *self,
                          KsStation  *station)
{
  g_return_if_fail (KS_IS_LOCK_PAGE (self));
  g_set_object (&self->station, station);
}

void
ks_lock_page_set_session (KsLockPage *self,
                          KsSession  *session)
{
  g_autofree char *description = NULL;

  g_return_if_fail (KS_IS_LOCK_PAGE (self));

  /* Translators: %s is the operator's full name */
  description = g_strdup_printf (_("%s locked this station. Enter your password to continue "
                                   "where you left off; nothing was lost."),
                                 ks_account_get_full_name (ks_session_get_account (session)));
  adw_status_page_set_description (self->status_page, description);
  ks_password_form_reset (self->form);
}
