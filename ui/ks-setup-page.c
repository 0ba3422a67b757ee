/* ks-setup-page.c: first start: create the station's first supervisor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-setup-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-accounts.h"
#include "ks-setup-page.h"
#include "ks-ui-util.h"

struct _KsSetupPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkScrolledWindow *scroller;
  AdwEntryRow *full_name_row;
  AdwEntryRow *username_row;
  AdwEntryRow *password_row;
  AdwEntryRow *confirm_row;
  AdwActionRow *district_row;
  AdwEntryRow *station_code_row;
  GtkLabel *training_note;
  GtkLabel *message_label;
  GtkDropDown *district_drop_down;
  GtkSpinner *spinner;

  /* Owned */
  KsStation *station;
  GCancellable *cancellable;
  guint scroll_tick;            /* brings the message into view once it is laid out */
  gboolean busy;
};

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsSetupPage, ks_setup_page, ADW_TYPE_BIN)

/* Scrolls so that the message shows, below the field to fix: it is at the bottom of the form,
 * under the fold of a laptop screen. Waits for the frame that lays the message out. */
static gboolean
scroll_message_into_view (GtkWidget     *label,
                          GdkFrameClock *clock,
                          gpointer       user_data)
{
  KsSetupPage *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  GtkWidget *viewport = gtk_scrolled_window_get_child (self->scroller);
  double page = gtk_adjustment_get_page_size (adjustment);
  double value = gtk_adjustment_get_value (adjustment);
  graphene_rect_t bounds;

  if (!gtk_widget_get_visible (label))
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  if (gtk_widget_get_height (label) <= 0 ||
      !gtk_widget_compute_bounds (label, viewport, &bounds))
    return G_SOURCE_CONTINUE;
  /* In the viewport's coordinates: 0 is the top of what shows. */
  if (bounds.origin.y + bounds.size.height > page)
    gtk_adjustment_set_value (adjustment,
                              value + bounds.origin.y + bounds.size.height - page + 12);
  else if (bounds.origin.y < 0)
    gtk_adjustment_set_value (adjustment, value + bounds.origin.y - 12);
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
show_message (KsSetupPage *self,
              const char  *message,
              GtkWidget   *focus)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->full_name_row), GTK_WIDGET (self->username_row),
    GTK_WIDGET (self->password_row), GTK_WIDGET (self->confirm_row),
    GTK_WIDGET (self->district_row), GTK_WIDGET (self->station_code_row),
  };

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  /* The field to fix is marked too: the message itself may be below the fold. */
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (rows[i] == focus)
      gtk_widget_add_css_class (rows[i], "error");
    else
      gtk_widget_remove_css_class (rows[i], "error");
  if (focus != NULL)
    {
      gtk_widget_grab_focus (focus);
      gtk_accessible_update_property (GTK_ACCESSIBLE (focus),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
    }
  if (message != NULL && self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->message_label),
                                                      scroll_message_into_view, self, NULL);
}

static void
set_busy (KsSetupPage *self,
          gboolean     busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.create", !busy);
}

static gboolean
station_code_is_valid (const char *code)
{
  if (strlen (code) != 3)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

static void
create_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KsSetupPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSession) session = NULL;

  session = ks_station_create_first_supervisor_finish (KS_STATION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  if (session == NULL)
    {
      GtkWidget *focus = GTK_WIDGET (self->full_name_row);

      if (g_error_matches (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_INVALID_USERNAME))
        focus = GTK_WIDGET (self->username_row);
      else if (g_error_matches (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_WEAK_PASSWORD))
        focus = GTK_WIDGET (self->password_row);
      show_message (self, error->message, focus);
      return;
    }

  g_signal_emit (self, signals[DONE], 0, session);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KsSetupPage *self = KS_SETUP_PAGE (widget);
  const char *full_name = gtk_editable_get_text (GTK_EDITABLE (self->full_name_row));
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));
  g_autofree char *code =
    g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->station_code_row)), -1);
  g_autofree char *trimmed_name = g_strstrip (g_strdup (full_name));
  g_autoptr(GError) error = NULL;

  if (self->busy || self->station == NULL)
    return;

  /* Check in field order, so the focus lands on the first thing to fix. */
  if (trimmed_name[0] == '\0')
    {
      show_message (self, _("Enter the supervisor’s full name."), GTK_WIDGET (self->full_name_row));
      return;
    }
  if (!ks_accounts_check_username (username, &error))
    {
      show_message (self, error->message, GTK_WIDGET (self->username_row));
      return;
    }
  if (!ks_accounts_check_password_strength (password, &error))
    {
      show_message (self, error->message, GTK_WIDGET (self->password_row));
      return;
    }
  if (!g_str_equal (password, confirm))
    {
      show_message (self, _("The two passwords are not the same. Type the password again."),
                    GTK_WIDGET (self->confirm_row));
      return;
    }
  if (*ks_district_drop_down_get_code (self->district_drop_down) == '\0')
    {
      show_message (self, _("Choose the district where this station works."),
                    GTK_WIDGET (self->district_row));
      gtk_widget_grab_focus (GTK_WIDGET (self->district_drop_down));
      return;
    }
  if (!station_code_is_valid (code))
    {
      show_message (self, _("The station code has exactly 3 letters or digits, for example A01."),
                    GTK_WIDGET (self->station_code_row));
      return;
    }

  show_message (self, NULL, NULL);
  set_busy (self, TRUE);
  /* Core saves the district and code with the account, in one transaction, and refuses to
   * finish when they were not saved. */
  ks_station_create_first_supervisor_async (self->station, username, full_name, password,
                                            ks_district_drop_down_get_code (
                                              self->district_drop_down),
                                            code, self->cancellable, create_done,
                                            g_object_ref (self));
}

static void
on_changed (KsSetupPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    show_message (self, NULL, NULL);
}

/* Enter moves to the next field, and on the last one creates the account. */
static void
on_activated (KsSetupPage *self,
              AdwEntryRow *row)
{
  GtkWidget *order[] = {
    GTK_WIDGET (self->full_name_row), GTK_WIDGET (self->username_row),
    GTK_WIDGET (self->password_row), GTK_WIDGET (self->confirm_row),
    GTK_WIDGET (self->district_drop_down), GTK_WIDGET (self->station_code_row),
  };

  for (guint i = 0; i + 1 < G_N_ELEMENTS (order); i++)
    if (order[i] == GTK_WIDGET (row))
      {
        gtk_widget_grab_focus (order[i + 1]);
        return;
      }
  gtk_widget_activate_action (GTK_WIDGET (self), "setup.create", NULL);
}

static void
ks_setup_page_dispose (GObject *object)
{
  KsSetupPage *self = (KsSetupPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  if (self->scroll_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->message_label), self->scroll_tick);
      self->scroll_tick = 0;
    }
  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child, and AdwBin
   * unparents it itself; unparenting it here first leaves AdwBin a dangling pointer. */

  G_OBJECT_CLASS (ks_setup_page_parent_class)->dispose (object);
}

static void
ks_setup_page_class_init (KsSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_setup_page_dispose;

  /**
   * KsSetupPage::done:
   * @session: the new supervisor, signed in
   */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, KS_TYPE_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-setup-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, full_name_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, district_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, station_code_row);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, training_note);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, KsSetupPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activated);

  gtk_widget_class_install_action (widget_class, "setup.create", NULL, create_action);
}

static void
ks_setup_page_init (KsSetupPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/**
 * ks_setup_page_reset:
 *
 * Puts the keyboard focus on the first field: the set-up is typed, not clicked.
 */
void
ks_setup_page_reset (KsSetupPage *self)
{
  g_return_if_fail (KS_IS_SETUP_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->full_name_row));
}

void
ks_setup_page_set_station (KsSetupPage *self,
                           KsStation   *station)
{
  g_return_if_fail (KS_IS_SETUP_PAGE (self));

  g_set_object (&self->station, station);
  gtk_widget_set_visible (GTK_WIDGET (self->training_note),
                          station != NULL && ks_station_is_training (station));
  if (station != NULL && self->district_drop_down == NULL)
    {
      g_autofree char *district = ks_station_config_dup_string (ks_station_get_config (station),
                                                                "district");

      self->district_drop_down = ks_district_drop_down_new (ks_station_get_reference (station));
      adw_action_row_add_suffix (self->district_row, GTK_WIDGET (self->district_drop_down));
      adw_action_row_set_activatable_widget (self->district_row,
                                             GTK_WIDGET (self->district_drop_down));
      /* Tab goes straight to the picker, which takes "Pesh" at once; a focused row would
       * swallow the letters. */
      gtk_widget_set_focusable (GTK_WIDGET (self->district_row), FALSE);
      ks_district_drop_down_set_code (self->district_drop_down, district);
    }
  if (station != NULL)
    {
      g_autofree char *code = ks_station_config_dup_string (ks_station_get_config (station),
                                                            "station-code");
      gtk_editable_set_text (GTK_EDITABLE (self->station_code_row), code);
    }
}
