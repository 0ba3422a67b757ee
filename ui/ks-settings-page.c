/* ks-settings-page.c: station settings and operator accounts
 *
 * Everyone sees the settings; only those whose role may change them (checked in core through
 * the session) get editable rows. The rows show the station's configuration (KsStationConfig,
 * kept in its store) and send each change to core, which checks the role and the value, stores
 * it with its audit entry off the UI thread, and refuses with a message that appears as a toast
 * (the row then shows the stored value again). Account changes go through ks-accounts, which
 * checks the role again: hiding a button is a convenience, not the protection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-settings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-account-dialog.h"
#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-records.h"
#include "ks-settings-page.h"
#include "ks-training.h"
#include "ks-ui-util.h"

struct _KsSettingsPage
{
  AdwBin parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *station_group;
  AdwEntryRow *registry_url_row;
  AdwEntryRow *station_code_row;
  AdwActionRow *district_row;
  GtkDropDown *district_drop_down;
  GtkSpinButton *stale_spin;
  GtkSwitch *approval_switch;
  GtkSpinButton *idle_spin;
  GtkSwitch *self_approval_switch;
  GtkSpinButton *max_awaiting_spin;
  GtkSpinButton *max_unsynced_spin;
  GtkSpinButton *min_disk_spin;
  AdwComboRow *capture_set_row;
  AdwPreferencesGroup *accounts_group;
  GtkListBox *accounts_list;
  AdwPreferencesGroup *training_group;
  AdwActionRow *samples_row;
  AdwActionRow *reset_row;

  /* Owned */
  KsStation *station;
  KsSession *session;
  GCancellable *cancellable;       /* the page's requests to core; cancelled on dispose */
  GCancellable *list_cancellable;  /* the accounts read under way; a newer one replaces it */
};

G_DEFINE_FINAL_TYPE (KsSettingsPage, ks_settings_page, ADW_TYPE_BIN)

static void refresh_accounts (KsSettingsPage *self);
static void on_district_setting_changed (KsSettingsPage *self);
static void on_capture_set_setting_changed (KsSettingsPage *self);

static void
open_dialog (KsSettingsPage *self,
             KsAccount      *account)
{
  KsAccountDialog *dialog;

  if (self->station == NULL || self->session == NULL)
    return;
  dialog = ks_account_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                  self->station, self->session, account);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (refresh_accounts), self,
                           G_CONNECT_SWAPPED);
  ks_ui_mark_training (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  open_dialog (KS_SETTINGS_PAGE (widget), NULL);
}

static void
on_reset_clicked (GtkButton *button,
                  KsAccount *account)
{
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (button), KS_TYPE_SETTINGS_PAGE);

  open_dialog (KS_SETTINGS_PAGE (page), account);
}

static void
disabled_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_accounts_change_finish (KS_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      ks_ui_toast (GTK_WIDGET (self), error->message);
    }
  /* Rebuild from the store, so the rows show what is stored, also after a refusal. */
  refresh_accounts (self);
}

static void
on_enabled_toggled (GtkSwitch  *toggle,
                    GParamSpec *pspec,
                    KsAccount  *account)
{
  KsSettingsPage *self =
    KS_SETTINGS_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (toggle), KS_TYPE_SETTINGS_PAGE));
  gboolean disabled = !gtk_switch_get_active (toggle);

  if (disabled == ks_account_get_disabled (account) || self->session == NULL)
    return;

  ks_accounts_set_disabled_async (ks_station_get_store (self->station), self->session,
                                  ks_account_get_username (account), disabled, self->cancellable,
                                  disabled_set, g_object_ref (self));
}

/* Station configuration ******************************************************************/

/* A row and the setting it shows: the widget's property follows the setting, and a change the
 * person makes goes to core. */
typedef struct
{
  KsSettingsPage *self;       /* unowned: the row lives inside the page */
  GObject *widget;            /* unowned: the row is the widget's data */
  KsStationConfig *config;    /* owned: it outlives the page (a language change rebuilds it) */
  gulong changed_handler;
  const char *key;
  const char *property;
  gboolean applying;          /* the page itself is setting the widget */
} SettingRow;

static void
setting_row_free (SettingRow *row)
{
  g_clear_signal_handler (&row->changed_handler, row->config);
  g_object_unref (row->config);
  g_free (row);
}

static void
setting_row_show (SettingRow *row)
{
  g_autoptr(GVariant) value = ks_station_config_get_value (row->config, row->key);
  g_auto(GValue) from = G_VALUE_INIT;
  g_auto(GValue) to = G_VALUE_INIT;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (row->widget),
                                                    row->property);

  g_dbus_gvariant_to_gvalue (value, &from);
  g_value_init (&to, pspec->value_type);
  if (g_value_transform (&from, &to))
    {
      row->applying = TRUE;
      g_object_set_property (row->widget, row->property, &to);
      row->applying = FALSE;
    }
}

/* The widget's value in the setting's type, or %NULL when it already matches the setting. */
static GVariant *
setting_row_read (SettingRow *row)
{
  g_autoptr(GVariant) current = ks_station_config_get_value (row->config, row->key);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (row->widget),
                                                    row->property);
  g_auto(GValue) shown = G_VALUE_INIT;
  g_auto(GValue) typed = G_VALUE_INIT;
  g_autoptr(GVariant) value = NULL;

  g_value_init (&shown, pspec->value_type);
  g_object_get_property (row->widget, row->property, &shown);
  if (g_variant_is_of_type (current, G_VARIANT_TYPE_UINT32))
    {
      g_value_init (&typed, G_TYPE_DOUBLE);
      g_value_transform (&shown, &typed);
      value = g_variant_ref_sink (g_variant_new_uint32 ((guint32)(g_value_get_double (&typed) +
                                                                  0.5)));
    }
  else if (g_variant_is_of_type (current, G_VARIANT_TYPE_BOOLEAN))
    value = g_variant_ref_sink (g_variant_new_boolean (g_value_get_boolean (&shown)));
  else
    value = g_variant_ref_sink (g_variant_new_string (g_value_get_string (&shown)));

  if (g_variant_equal (value, current))
    return NULL;
  return g_steal_pointer (&value);
}

typedef struct
{
  KsSettingsPage *self;
  GObject *widget;            /* owned, keeps the row alive; NULL without a SettingRow */
  SettingRow *row;            /* NULL for rows without a SettingRow (district, capture set) */
  GtkWidget *feedback;        /* the widget that shows an error, or NULL */
  char *saved_message;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_object_unref (job->self);
  g_clear_object (&job->widget);
  g_free (job->saved_message);
  g_free (job);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SaveJob *job = user_data;
  KsSettingsPage *self = job->self;
  g_autoptr(GError) error = NULL;

  if (ks_station_config_set_value_finish (KS_STATION_CONFIG (object), result, &error))
    {
      if (job->feedback != NULL)
        {
          gtk_widget_remove_css_class (job->feedback, "error");
          gtk_accessible_reset_property (GTK_ACCESSIBLE (job->feedback),
                                         GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
        }
      if (job->saved_message != NULL)
        ks_ui_toast (GTK_WIDGET (self), job->saved_message);
    }
  else if (self->station != NULL)
    {
      ks_ui_toast (GTK_WIDGET (self), error->message);
      if (job->feedback != NULL)
        {
          gtk_widget_add_css_class (job->feedback, "error");
          gtk_accessible_update_property (GTK_ACCESSIBLE (job->feedback),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error->message, -1);
        }
      /* A refused change leaves the stored value: show it again (entries keep what was typed,
       * so it can be corrected). */
      else if (job->row != NULL)
        setting_row_show (job->row);
      else
        {
          on_district_setting_changed (self);
          on_capture_set_setting_changed (self);
        }
    }
  save_job_free (job);
}

static void
save_setting (KsSettingsPage *self,
              const char     *key,
              GVariant       *value,
              SettingRow     *row,
              GtkWidget      *feedback,
              const char     *saved_message)
{
  SaveJob *job;

  if (self->station == NULL || self->session == NULL)
    return;
  job = g_new0 (SaveJob, 1);
  job->self = g_object_ref (self);
  job->row = row;
  job->widget = row ? g_object_ref (row->widget) : NULL;
  job->feedback = feedback;
  job->saved_message = g_strdup (saved_message);
  ks_station_config_set_value_async (ks_station_get_config (self->station), self->session, key,
                                     value, NULL, save_done, job);
}

static void
on_setting_row_edited (GObject    *widget,
                       GParamSpec *pspec,
                       SettingRow *row)
{
  g_autoptr(GVariant) value = NULL;

  if (row->applying || row->self->station == NULL || row->self->session == NULL)
    return;
  value = setting_row_read (row);
  if (value != NULL)
    save_setting (row->self, row->key, value, row, NULL, NULL);
}

static void
on_setting_changed (KsStationConfig *config,
                    const char      *key,
                    SettingRow      *row)
{
  setting_row_show (row);
}

/* Shows @key in @property of @widget and saves the person's changes (@edited: FALSE for
 * entries, which save when applied). */
static SettingRow *
bind_setting (KsSettingsPage *self,
              const char     *key,
              gpointer        widget,
              const char     *property,
              gboolean        edited)
{
  SettingRow *row = g_new0 (SettingRow, 1);
  g_autofree char *changed = g_strconcat ("changed::", key, NULL);
  g_autofree char *notify = g_strconcat ("notify::", property, NULL);

  row->self = self;
  row->widget = widget;
  row->config = g_object_ref (ks_station_get_config (self->station));
  row->key = key;
  row->property = property;
  /* The row, and with it the handler below, ends with the widget. */
  g_object_set_data_full (G_OBJECT (widget), "ks-setting-row", row,
                          (GDestroyNotify)setting_row_free);
  setting_row_show (row);
  row->changed_handler = g_signal_connect (row->config, changed, G_CALLBACK (on_setting_changed),
                                           row);
  if (edited)
    g_signal_connect (widget, notify, G_CALLBACK (on_setting_row_edited), row);
  return row;
}

/* Saved only when it passes core's check: on the training profile, only a registry on this
 * computer. */
static void
on_registry_url_apply (KsSettingsPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->registry_url_row));

  save_setting (self, "registry-url", g_variant_new_string (url), NULL,
                GTK_WIDGET (self->registry_url_row), _("Registry address saved."));
}

static void
on_station_code_apply (KsSettingsPage *self)
{
  g_autofree char *code =
    g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->station_code_row)), -1);

  save_setting (self, "station-code", g_variant_new_string (code), NULL,
                GTK_WIDGET (self->station_code_row), _("Station code saved."));
}

/* Classroom tools ***********************************************************************/

#define N_SAMPLES 20

static void
samples_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  guint added = ks_training_generate_samples_finish (KS_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.add-samples", TRUE);
  if (error != NULL)
    ks_ui_toast (GTK_WIDGET (self), error->message);
  else
    {
      g_autofree char *text =
        g_strdup_printf (ngettext (
                           "%d sample citizen is waiting for review.",
                           "%d sample citizens are waiting for review.",
                           added),
                         (int)added);
      ks_ui_toast (GTK_WIDGET (self), text);
    }
}

static void
add_samples_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  KsSettingsPage *self = KS_SETTINGS_PAGE (widget);

  if (self->station == NULL || self->session == NULL)
    return;
  /* Twenty submissions take a moment (each is its own transaction): in a worker thread. */
  gtk_widget_action_set_enabled (widget, "settings.add-samples", FALSE);
  ks_training_generate_samples_async (ks_station_get_store (self->station), self->session,
                                      ks_station_get_reference (self->station), N_SAMPLES,
                                      self->cancellable, samples_done, g_object_ref (self));
}

static void
training_reset (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsSettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_station_reset_training_finish (KS_STATION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ks_ui_toast (GTK_WIDGET (self), error->message);
    }
  else
    ks_ui_toast (GTK_WIDGET (self), _("The training data is gone. The class can start afresh."));
}

static void
on_reset_response (AdwMessageDialog *dialog,
                   const char       *response,
                   KsSettingsPage   *self)
{
  if (!g_str_equal (response, "reset") || self->station == NULL || self->session == NULL)
    return;
  ks_station_reset_training_async (self->station, self->session, self->cancellable,
                                   training_reset, g_object_ref (self));
}

static void
reset_training_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  KsSettingsPage *self = KS_SETTINGS_PAGE (widget);
  GtkWidget *dialog;

  if (self->session == NULL || !ks_session_can (self->session, KS_PERMISSION_RESET_TRAINING))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Reset Training Data?"),
                                   _("Every record, draft and log entry made on the training "
                                     "profile will be deleted for good, and new training keys "
                                     "made. Accounts and settings stay."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "reset", _("_Reset"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "reset",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* The training banner is on every window of the profile, dialogs included. */
  ks_ui_mark_training (GTK_WINDOW (dialog));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_reset_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
create_account_row (KsSettingsPage *self,
                    KsAccount      *account)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *reset = gtk_button_new_with_mnemonic (_("Reset _Password…"));
  GtkWidget *toggle = gtk_switch_new ();
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ks_account_get_full_name (account));
  /* Translators: account row subtitle: "user name · role", e.g. "bilal · Operator" */
  subtitle = g_strdup_printf (_("%s · %s%s"), ks_account_get_username (account),
                              ks_role_get_label (ks_account_get_role (account)),
                              ks_account_get_disabled (account) ? _(" · Disabled") : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_set_valign (reset, GTK_ALIGN_CENTER);
  g_signal_connect_data (reset, "clicked", G_CALLBACK (on_reset_clicked),
                         g_object_ref (account), (GClosureNotify)(void (*)(void))g_object_unref, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), reset);

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), !ks_account_get_disabled (account));
  gtk_widget_set_tooltip_text (toggle, _("Account enabled"));
  {
    /* Translators: accessible name of the switch that enables an account */
    g_autofree char *label = g_strdup_printf (_("Enable %s"), ks_account_get_username (account));
    gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  }
  {
    g_autofree char *label = g_strdup_printf (_("Reset password of %s"),
                                              ks_account_get_username (account));
    gtk_accessible_update_property (GTK_ACCESSIBLE (reset), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                    -1);
  }
  g_signal_connect_data (toggle, "notify::active", G_CALLBACK (on_enabled_toggled),
                         g_object_ref (account), (GClosureNotify)(void (*)(void))g_object_unref, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);

  return row;
}

static void
accounts_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KsSettingsPage) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  accounts = ks_accounts_list_finish (KS_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (accounts == NULL)
    {
      ks_ui_toast (GTK_WIDGET (self), error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))))
    gtk_list_box_remove (self->accounts_list, child);
  for (guint i = 0; i < accounts->len; i++)
    gtk_list_box_append (self->accounts_list, create_account_row (self, accounts->pdata[i]));
}

/* The rows go at once; the accounts are read in a worker thread and shown when they come. */
static void
refresh_accounts (KsSettingsPage *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);

  if (self->station == NULL || self->session == NULL ||
      !ks_session_can (self->session, KS_PERMISSION_MANAGE_ACCOUNTS))
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list))))
        gtk_list_box_remove (self->accounts_list, child);
      return;
    }

  self->list_cancellable = g_cancellable_new ();
  ks_accounts_list_async (ks_station_get_store (self->station), self->list_cancellable,
                          accounts_listed, g_object_ref (self));
}

/* The district setting and its picker follow each other (a binding cannot map a code to a
 * drop-down position). */
static void
on_district_setting_changed (KsSettingsPage *self)
{
  g_autofree char *code = ks_station_config_dup_string (ks_station_get_config (self->station),
                                                        "district");

  if (g_strcmp0 (code, ks_district_drop_down_get_code (self->district_drop_down)) != 0)
    ks_district_drop_down_set_code (self->district_drop_down, code);
}

static void
on_district_selected (KsSettingsPage *self)
{
  const char *code = ks_district_drop_down_get_code (self->district_drop_down);
  g_autofree char *current = ks_station_config_dup_string (ks_station_get_config (self->station),
                                                           "district");

  /* "Choose…" is not a district: the station keeps the one it has. */
  if (*code != '\0' && g_strcmp0 (code, current) != 0)
    save_setting (self, "district", g_variant_new_string (code), NULL, NULL, NULL);
}

static void
on_capture_set_setting_changed (KsSettingsPage *self)
{
  g_autofree char *set = ks_station_config_dup_string (ks_station_get_config (self->station),
                                                       "capture-set");
  guint selected = g_str_equal (set, "all-ten") ? 1 : 0;

  if (adw_combo_row_get_selected (self->capture_set_row) != selected)
    adw_combo_row_set_selected (self->capture_set_row, selected);
}

static void
on_capture_set_selected (KsSettingsPage *self)
{
  const char *set = adw_combo_row_get_selected (self->capture_set_row) == 1
                    ? "all-ten" : "thumbs-and-index";
  g_autofree char *current = ks_station_config_dup_string (ks_station_get_config (self->station),
                                                           "capture-set");

  if (!g_str_equal (set, current))
    save_setting (self, "capture-set", g_variant_new_string (set), NULL, NULL, NULL);
}

static void
ks_settings_page_dispose (GObject *object)
{
  KsSettingsPage *self = (KsSettingsPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child, and AdwBin
   * unparents it itself; unparenting it here first leaves AdwBin a dangling pointer. */

  G_OBJECT_CLASS (ks_settings_page_parent_class)->dispose (object);
}

static void
ks_settings_page_class_init (KsSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_settings_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, station_group);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, registry_url_row);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, station_code_row);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, district_row);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, approval_switch);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, idle_spin);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, stale_spin);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, self_approval_switch);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, max_awaiting_spin);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, max_unsynced_spin);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, min_disk_spin);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, capture_set_row);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, accounts_group);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, training_group);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, samples_row);
  gtk_widget_class_bind_template_child (widget_class, KsSettingsPage, reset_row);
  gtk_widget_class_bind_template_callback (widget_class, on_registry_url_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_station_code_apply);
  gtk_widget_class_install_action (widget_class, "settings.add-samples", NULL, add_samples_action);
  gtk_widget_class_install_action (widget_class, "settings.reset-training", NULL,
                                   reset_training_action);

  gtk_widget_class_install_action (widget_class, "settings.add-account", NULL, add_account_action);
}

static void
ks_settings_page_init (KsSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

void
ks_settings_page_set_station (KsSettingsPage *self,
                              KsStation      *station)
{
  KsStationConfig *config;

  g_return_if_fail (KS_IS_SETTINGS_PAGE (self));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  config = ks_station_get_config (station);

  /* Entries save when applied (Enter or the apply button), once core accepts the value. */
  bind_setting (self, "registry-url", self->registry_url_row, "text", FALSE);
  bind_setting (self, "station-code", self->station_code_row, "text", FALSE);
  bind_setting (self, "stale-draft-days", self->stale_spin, "value", TRUE);
  self->district_drop_down = ks_district_drop_down_new (ks_station_get_reference (station));
  adw_action_row_add_suffix (self->district_row, GTK_WIDGET (self->district_drop_down));
  adw_action_row_set_activatable_widget (self->district_row, GTK_WIDGET (self->district_drop_down));
  gtk_widget_set_focusable (GTK_WIDGET (self->district_row), FALSE);
  on_district_setting_changed (self);
  g_signal_connect_object (config, "changed::district", G_CALLBACK (on_district_setting_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->district_drop_down, "notify::selected",
                           G_CALLBACK (on_district_selected), self, G_CONNECT_SWAPPED);
  bind_setting (self, "approval-required", self->approval_switch, "active", TRUE);
  bind_setting (self, "idle-lock-minutes", self->idle_spin, "value", TRUE);
  bind_setting (self, "no-self-approval", self->self_approval_switch, "active", TRUE);
  bind_setting (self, "max-awaiting-review", self->max_awaiting_spin, "value", TRUE);
  bind_setting (self, "max-unsynced-days", self->max_unsynced_spin, "value", TRUE);
  bind_setting (self, "min-free-disk-mb", self->min_disk_spin, "value", TRUE);
  on_capture_set_setting_changed (self);
  g_signal_connect_object (config, "changed::capture-set",
                           G_CALLBACK (on_capture_set_setting_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->capture_set_row, "notify::selected",
                           G_CALLBACK (on_capture_set_selected), self, G_CONNECT_SWAPPED);
  ks_settings_page_set_session (self, NULL);
}

void
ks_settings_page_set_session (KsSettingsPage *self,
                              KsSession      *session)
{
  gboolean can_change;
  gboolean can_manage;
  gboolean is_trainer;

  g_return_if_fail (KS_IS_SETTINGS_PAGE (self));

  g_set_object (&self->session, session);
  can_change = session != NULL && ks_session_can (session, KS_PERMISSION_CHANGE_SETTINGS);
  can_manage = session != NULL && ks_session_can (session, KS_PERMISSION_MANAGE_ACCOUNTS);

  gtk_widget_set_sensitive (GTK_WIDGET (self->station_group), can_change);
  adw_preferences_group_set_description (self->station_group,
                                         can_change ? NULL
                                                    : _("Only a supervisor can change these."));
  gtk_widget_set_visible (GTK_WIDGET (self->accounts_group), can_manage);
  /* On the training profile everyone sees the Classroom group, so a supervisor (the first
   * account is one) learns the tools exist and who may use them; only a trainer can. */
  is_trainer = session != NULL && ks_session_can (session, KS_PERMISSION_RESET_TRAINING);
  gtk_widget_set_visible (GTK_WIDGET (self->training_group),
                          session != NULL && self->station != NULL &&
                          ks_station_is_training (self->station));
  gtk_widget_set_visible (GTK_WIDGET (self->samples_row), is_trainer);
  gtk_widget_set_visible (GTK_WIDGET (self->reset_row), is_trainer);
  adw_preferences_group_set_description (self->training_group,
                                         is_trainer
                                           ? _("Tools for the trainer. They only work on the "
                                               "training profile.")
                                           : can_manage
                                           ? _("Only a trainer account has the classroom tools "
                                               "(sample citizens, clearing the class’s work). "
                                               "Add one under Accounts with the role Trainer, "
                                               "then sign in with it.")
                                           : _("Only a trainer account has the classroom tools "
                                               "(sample citizens, clearing the class’s work). "
                                               "Ask the trainer or a supervisor."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.add-account", can_manage);
  refresh_accounts (self);
}
