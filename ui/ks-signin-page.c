/* ks-signin-page.c: operators sign in
 *
 * The password check runs in a worker thread (Argon2id takes about 0.1 s): the page shows a
 * spinner and stays responsive, and a second press of Enter does not start a second check.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-signin-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-l10n.h"
#include "ks-language.h"
#include "ks-password-form.h"
#include "ks-signin-page.h"

struct _KsSigninPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *station_label;
  KsPasswordForm *form;
  AdwComboRow *language_row;
  GtkButton *profile_button;

  /* Owned */
  KsStation *station;
  GCancellable *cancellable;
  gboolean busy;
  gboolean language_chosen;   /* picked on this screen since it was shown */
  gboolean loading_language;
};

enum {
  SIGNED_IN,
  LANGUAGE_CHOSEN,
  SWITCH_PROFILE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsSigninPage, ks_signin_page, ADW_TYPE_BIN)

static void
set_busy (KsSigninPage *self,
          gboolean      busy)
{
  self->busy = busy;
  ks_password_form_set_busy (self->form, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signin.sign-in", !busy);
}

static void
sign_in_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsSigninPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSession) session = NULL;

  session = ks_station_sign_in_finish (KS_STATION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  if (session == NULL)
    {
      ks_password_form_failed (self->form, error->message);
      return;
    }

  ks_password_form_clear_password (self->form);
  g_signal_emit (self, signals[SIGNED_IN], 0, session);
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KsSigninPage *self = KS_SIGNIN_PAGE (widget);

  if (self->busy || self->station == NULL || !ks_password_form_check (self->form))
    return;
  ks_password_form_show_message (self->form, NULL);
  set_busy (self, TRUE);
  ks_station_sign_in_async (self->station, ks_password_form_get_username (self->form),
                            ks_password_form_get_password (self->form), self->cancellable,
                            sign_in_done, g_object_ref (self));
}

/* The drop-down shows the language in use; picking another asks the window to rebuild itself
 * in that language (the "language-chosen" signal). */
static void
select_applied_language (KsSigninPage *self)
{
  guint n = 0;
  const KsLanguage *languages = ks_languages_get (&n);
  const KsLanguage *current = ks_language_lookup (ks_language_get_applied ());

  if (current == NULL)
    current = ks_language_lookup (g_get_language_names ()[0]);
  self->loading_language = TRUE;
  for (guint i = 0; i < n; i++)
    if (current == &languages[i])
      adw_combo_row_set_selected (self->language_row, i);
  if (current == NULL)
    adw_combo_row_set_selected (self->language_row, 0);
  self->loading_language = FALSE;
}

static void
on_language_selected (KsSigninPage *self)
{
  guint n = 0;
  const KsLanguage *languages = ks_languages_get (&n);
  guint i = adw_combo_row_get_selected (self->language_row);

  if (self->loading_language || i >= n)
    return;
  self->language_chosen = TRUE;
  g_signal_emit (self, signals[LANGUAGE_CHOSEN], 0, languages[i].code);
}

static void
switch_profile_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  KsSigninPage *self = KS_SIGNIN_PAGE (widget);

  if (self->station == NULL || self->busy)
    return;
  g_signal_emit (self, signals[SWITCH_PROFILE], 0,
                 ks_station_is_training (self->station) ? "production" : "training");
}

static void
ks_signin_page_dispose (GObject *object)
{
  KsSigninPage *self = (KsSigninPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child, and AdwBin
   * unparents it itself; unparenting it here first leaves AdwBin a dangling pointer. */

  G_OBJECT_CLASS (ks_signin_page_parent_class)->dispose (object);
}

static void
ks_signin_page_class_init (KsSigninPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_signin_page_dispose;

  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, KS_TYPE_SESSION);
  /* The operator picked a language ("en", "ur", "ps"); the window applies it. */
  signals[LANGUAGE_CHOSEN] = g_signal_new ("language-chosen", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, G_TYPE_STRING);
  /* Open the other profile ("training" or "production") in this window. */
  signals[SWITCH_PROFILE] = g_signal_new ("switch-profile", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-signin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSigninPage, station_label);
  gtk_widget_class_bind_template_child (widget_class, KsSigninPage, form);
  gtk_widget_class_bind_template_child (widget_class, KsSigninPage, language_row);
  gtk_widget_class_bind_template_child (widget_class, KsSigninPage, profile_button);
  gtk_widget_class_install_action (widget_class, "signin.sign-in", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "signin.switch-profile", NULL,
                                   switch_profile_action);
}

static void
ks_signin_page_init (KsSigninPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const KsLanguage *languages;
  guint n = 0;

  g_type_ensure (KS_TYPE_PASSWORD_FORM);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  /* Each language in its own script, so whoever needs it can find it. */
  languages = ks_languages_get (&n);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, languages[i].native_name);
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (names));
  select_applied_language (self);
  g_signal_connect_object (self->language_row, "notify::selected",
                           G_CALLBACK (on_language_selected), self, G_CONNECT_SWAPPED);
}

static void
update_station_label (KsSigninPage *self)
{
  g_autofree char *code = NULL;
  g_autofree char *text = NULL;

  if (self->station == NULL)
    return;
  code = ks_station_config_dup_string (ks_station_get_config (self->station), "station-code");
  if (ks_station_is_training (self->station))
    text = g_strdup (_("Training profile: practice freely, nothing here is real."));
  else if (*code != '\0')
    /* Translators: %s is the station code, such as A01 */
    text = g_strdup_printf (_("Station %s. Sign in to enroll citizens."), code);
  else
    text = g_strdup (_("Sign in to enroll citizens."));
  gtk_label_set_label (self->station_label, text);

  gtk_button_set_label (self->profile_button,
                        ks_station_is_training (self->station)
                          ? _("Leave Training and _Open the Real Station")
                          : _("_Practice in Training Mode"));
}

void
ks_signin_page_set_station (KsSigninPage *self,
                            KsStation    *station)
{
  g_return_if_fail (KS_IS_SIGNIN_PAGE (self));

  g_set_object (&self->station, station);
  update_station_label (self);
}

/**
 * ks_signin_page_reset:
 *
 * Called each time the page is shown: empty fields, no old message, focus on the user name.
 */
void
ks_signin_page_reset (KsSigninPage *self)
{
  g_return_if_fail (KS_IS_SIGNIN_PAGE (self));

  update_station_label (self);
  select_applied_language (self);
  self->language_chosen = FALSE;
  ks_password_form_reset (self->form);
}

/**
 * ks_signin_page_get_language_chosen:
 *
 * Whether the operator picked the language on this screen since it was last shown: then their
 * choice is saved to their account at sign-in, instead of their account's language applied.
 */
gboolean
ks_signin_page_get_language_chosen (KsSigninPage *self)
{
  g_return_val_if_fail (KS_IS_SIGNIN_PAGE (self), FALSE);
  return self->language_chosen;
}

void
ks_signin_page_set_language_chosen (KsSigninPage *self,
                                    gboolean      chosen)
{
  g_return_if_fail (KS_IS_SIGNIN_PAGE (self));
  self->language_chosen = chosen;
}
