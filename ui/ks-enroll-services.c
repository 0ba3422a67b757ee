/* ks-enroll-services.c: the services a citizen signs up for, with their consent
 *
 * One expander row per service the station offers: a "sign up" switch, the consent text in
 * English and Urdu as it is read to the citizen, and a switch recording their consent. The
 * widget only shows the choices and says when they change ("changed"); the enroll page writes
 * them into the record as the consent list (ks-consent.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-services"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "ks-consent.h"
#include "ks-enroll-services.h"
#include "ks-language.h"

struct _KsEnrollServices
{
  AdwPreferencesGroup parent_instance;

  /* Owned */
  GPtrArray *rows;
  gboolean loading;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsEnrollServices, ks_enroll_services, ADW_TYPE_PREFERENCES_GROUP)

static const char *
consent_language (void)
{
  const char *lang = setlocale (LC_MESSAGES, NULL);

  /* The consent text read aloud is Urdu for Urdu and Pashto speakers, English otherwise. */
  return lang && (g_str_has_prefix (lang, "ur") || g_str_has_prefix (lang, "ps")) ? "ur" : "en";
}

static void
emit_changed (KsEnrollServices *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* Signing up for a service leads straight to its consent: the next thing to do. */
static void
on_sign_up_toggled (GtkSwitch        *sign_up,
                    GParamSpec       *pspec,
                    KsEnrollServices *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (sign_up), ADW_TYPE_EXPANDER_ROW);

  if (!self->loading && gtk_switch_get_active (sign_up) && row != NULL)
    gtk_widget_grab_focus (g_object_get_data (G_OBJECT (row), "consent-switch"));
}

/* Tab from "sign up" goes to the consent switch below it, and Shift+Tab back: GtkListBox
 * moves Tab from a row's header to the next row, past the expanded row's own content. */
static gboolean
on_switch_key (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               gpointer               user_data)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_EXPANDER_ROW);
  GtkWidget *sign_up;
  GtkWidget *consent;
  gboolean back = (state & GDK_SHIFT_MASK) != 0 || keyval == GDK_KEY_ISO_Left_Tab;

  if ((keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) || row == NULL ||
      !adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    return GDK_EVENT_PROPAGATE;
  sign_up = g_object_get_data (G_OBJECT (row), "sign-up-switch");
  consent = g_object_get_data (G_OBJECT (row), "consent-switch");
  if (widget == sign_up && !back)
    return gtk_widget_grab_focus (consent) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
  if (widget == consent && back)
    return gtk_widget_grab_focus (sign_up) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
  return GDK_EVENT_PROPAGATE;
}

static void
add_tab_keys (GtkWidget *widget)
{
  GtkEventController *key = gtk_event_controller_key_new ();

  g_signal_connect (key, "key-pressed", G_CALLBACK (on_switch_key), NULL);
  gtk_widget_add_controller (widget, key);
}

static GtkWidget *
consent_text (const char *text,
              gboolean    urdu)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (urdu)
    gtk_widget_set_direction (label, GTK_TEXT_DIR_RTL);
  gtk_label_set_xalign (GTK_LABEL (label), urdu ? 1 : 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  if (!urdu)
    gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, urdu ? 12 : 6);
  if (urdu)
    gtk_widget_add_css_class (label, "urdu");
  else
    gtk_widget_add_css_class (label, "latin-text");
  return label;
}

static GtkWidget *
service_row (KsEnrollServices *self,
             const KsService  *service)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *consent_row;
  GtkWidget *consent_switch;
  GtkWidget *sign_up;
  GtkWidget *text;
  g_autofree char *sign_up_label = NULL;
  g_autofree char *consent_label = NULL;

  /* Urdu and Pashto screens show the reference data's Urdu titles (there is no Pashto in it);
   * the consent text below is in both English and Urdu anyway. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ks_language_applied_is_rtl () ? service->title_ur
                                                               : service->title_en);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row),
                                 ks_language_applied_is_rtl () ? service->description_ur
                                                               : service->description_en);
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "service", (gpointer)service);

  /* Our own "sign up" switch rather than the row's built-in one: the wizard puts the keyboard
   * focus on it, and it has a name for screen readers. */
  sign_up = gtk_switch_new ();
  gtk_widget_set_valign (sign_up, GTK_ALIGN_CENTER);
  sign_up_label = g_strdup_printf (_("Sign up for %s"),
                                   adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (sign_up), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sign_up_label, -1);
  gtk_widget_set_tooltip_text (sign_up, sign_up_label);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), sign_up);
  g_object_bind_property (sign_up, "active", row, "enable-expansion", G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (sign_up, "active", row, "expanded", G_BINDING_DEFAULT);
  g_object_set_data (G_OBJECT (row), "sign-up-switch", sign_up);
  g_signal_connect_object (sign_up, "notify::active", G_CALLBACK (on_sign_up_toggled), self,
                           G_CONNECT_AFTER);

  /* The consent text in both languages, as it is read to the citizen: text to read aloud, not
   * tab stops. */
  text = consent_text (service->consent_en, FALSE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text);
  gtk_widget_set_focusable (gtk_widget_get_parent (text), FALSE);
  text = consent_text (service->consent_ur, TRUE);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text);
  gtk_widget_set_focusable (gtk_widget_get_parent (text), FALSE);

  consent_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (consent_row),
                                 _("The citizen heard this text and consents"));
  consent_switch = gtk_switch_new ();
  gtk_widget_set_valign (consent_switch, GTK_ALIGN_CENTER);
  consent_label = g_strdup_printf (_("Consent for %s"), service->title_en);
  gtk_accessible_update_property (GTK_ACCESSIBLE (consent_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, consent_label, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (consent_row), consent_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (consent_row), consent_switch);
  /* The row is no tab stop of its own: Tab from "sign up" lands on the consent switch. */
  gtk_widget_set_focusable (consent_row, FALSE);
  add_tab_keys (sign_up);
  add_tab_keys (consent_switch);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), consent_row);
  g_object_set_data (G_OBJECT (row), "consent-switch", consent_switch);

  g_signal_connect_object (row, "notify::enable-expansion", G_CALLBACK (emit_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (consent_switch, "notify::active", G_CALLBACK (emit_changed), self,
                           G_CONNECT_SWAPPED);
  return row;
}

static void
ks_enroll_services_dispose (GObject *object)
{
  KsEnrollServices *self = (KsEnrollServices *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (ks_enroll_services_parent_class)->dispose (object);
}

static void
ks_enroll_services_class_init (KsEnrollServicesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_enroll_services_dispose;

  /* The operator signed the citizen up for a service or out of one, or recorded consent. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-enroll-services.ui");
}

static void
ks_enroll_services_init (KsEnrollServices *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new ();
}

/**
 * ks_enroll_services_set_services:
 * @enabled: the ids of the services this station offers (its "enabled-services")
 *
 * Adds a row for each service of @reference the station offers, in the reference's order.
 */
void
ks_enroll_services_set_services (KsEnrollServices  *self,
                                 KsReference       *reference,
                                 const char *const *enabled)
{
  GPtrArray *services;

  g_return_if_fail (KS_IS_ENROLL_SERVICES (self));
  g_return_if_fail (self->rows->len == 0);

  services = ks_reference_get_services (reference);
  for (guint i = 0; i < services->len; i++)
    {
      const KsService *service = services->pdata[i];
      GtkWidget *row;

      if (enabled == NULL || !g_strv_contains (enabled, service->id))
        continue;
      row = service_row (self, service);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), row);
      g_ptr_array_add (self->rows, row);
    }
}

/**
 * ks_enroll_services_set_consents:
 * @json: (nullable): the record's consent list
 *
 * Shows the record's choices, without treating that as the operator's ("changed" is not
 * emitted, and the focus stays where it is).
 */
void
ks_enroll_services_set_consents (KsEnrollServices *self,
                                 const char       *json)
{
  g_autoptr(GPtrArray) consents = NULL;

  g_return_if_fail (KS_IS_ENROLL_SERVICES (self));

  consents = ks_consent_list_from_json (json, NULL);
  self->loading = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      AdwExpanderRow *row = self->rows->pdata[i];
      const KsService *service = g_object_get_data (G_OBJECT (row), "service");
      const KsConsent *consent = consents ? ks_consent_list_find (consents, service->id) : NULL;

      adw_expander_row_set_enable_expansion (row, consent != NULL);
      adw_expander_row_set_expanded (row, consent != NULL);
      gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "consent-switch"),
                             consent != NULL && consent->granted);
    }
  self->loading = FALSE;
}

/**
 * ks_enroll_services_dup_consents:
 *
 * Returns: (transfer full): the consent list as the operator set it, as the record keeps it
 */
char *
ks_enroll_services_dup_consents (KsEnrollServices *self)
{
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);

  g_return_val_if_fail (KS_IS_ENROLL_SERVICES (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      AdwExpanderRow *row = self->rows->pdata[i];
      GtkSwitch *consent = g_object_get_data (G_OBJECT (row), "consent-switch");
      const KsService *service = g_object_get_data (G_OBJECT (row), "service");

      if (adw_expander_row_get_enable_expansion (row))
        g_ptr_array_add (consents,
                         ks_consent_new_for_service (service, consent_language (),
                                                     gtk_switch_get_active (consent), NULL));
    }
  return ks_consent_list_to_json (consents);
}

/**
 * ks_enroll_services_get_first:
 *
 * Returns: (transfer none) (nullable): the first service's "sign up" switch, where the step
 *   starts; %NULL when the station offers no service
 */
GtkWidget *
ks_enroll_services_get_first (KsEnrollServices *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_SERVICES (self), NULL);

  return self->rows->len > 0 ? g_object_get_data (self->rows->pdata[0], "sign-up-switch") : NULL;
}

/**
 * ks_enroll_services_get_pending:
 *
 * Returns: (transfer none): what to fix when the consents are wrong: the consent switch of the
 *   first chosen service still without consent, else the first service, else the group
 */
GtkWidget *
ks_enroll_services_get_pending (KsEnrollServices *self)
{
  GtkWidget *first;

  g_return_val_if_fail (KS_IS_ENROLL_SERVICES (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GObject *row = self->rows->pdata[i];
      GtkSwitch *consent = g_object_get_data (row, "consent-switch");

      if (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (row)) &&
          !gtk_switch_get_active (consent))
        return GTK_WIDGET (consent);
    }
  first = ks_enroll_services_get_first (self);
  return first ? first : GTK_WIDGET (self);
}
