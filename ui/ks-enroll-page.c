/* ks-enroll-page.c: the citizen enrollment wizard
 *
 * Operators enroll with a queue of people waiting, so the wizard is built for the keyboard:
 * focus starts on each step's first field, Enter moves on when the step is valid and otherwise
 * puts the focus on the first field to fix, with a message saying how. Every change goes into a
 * KsRecord whose draft the KsDraftSaver writes off the UI thread within a second; closing the
 * form, locking or signing out loses nothing, and the next sign-in offers to continue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-page"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "ks-card-view.h"
#include "ks-consent.h"
#include "ks-draft-saver.h"
#include "ks-enroll-page.h"
#include "ks-photo.h"
#include "ks-l10n.h"
#include "ks-language.h"
#include "ks-fingerprint-step.h"
#include "ks-record-validate.h"
#include "ks-records.h"
#include "ks-station-rules.h"
#include "ks-ui-util.h"

struct _KsEnrollPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *mode_stack;
  GtkStack *step_stack;
  GtkBox *steps_box;
  GtkLabel *rules_label;
  GtkLabel *saved_label;
  GtkLabel *identity_warning;
  GtkLabel *identity_message;
  GtkLabel *personal_message;
  GtkLabel *address_message;
  GtkLabel *services_message;
  GtkLabel *review_message;
  AdwPreferencesGroup *drafts_group;
  AdwPreferencesGroup *stale_group;
  AdwPreferencesGroup *guardian_group;
  AdwPreferencesGroup *services_group;
  GtkListBox *drafts_list;
  GtkListBox *stale_list;
  AdwEntryRow *cnic_row;
  AdwEntryRow *dob_row;
  AdwEntryRow *full_name_row;
  AdwEntryRow *full_name_ur_row;
  AdwEntryRow *father_name_row;
  AdwEntryRow *father_name_ur_row;
  AdwEntryRow *guardian_cnic_row;
  AdwEntryRow *guardian_name_row;
  AdwEntryRow *mobile_row;
  AdwEntryRow *email_row;
  AdwEntryRow *address1_row;
  AdwEntryRow *address2_row;
  AdwActionRow *id_kind_row;
  AdwActionRow *gender_row;
  AdwActionRow *relation_row;
  AdwActionRow *district_row;
  AdwActionRow *tehsil_row;
  GtkToggleButton *id_kind_cnic;
  GtkToggleButton *id_kind_bform;
  GtkToggleButton *gender_male;
  GtkToggleButton *gender_female;
  GtkToggleButton *gender_transgender;
  GtkToggleButton *relation_father;
  GtkToggleButton *relation_husband;
  GtkGrid *review_grid;
  AdwStatusPage *done_status;
  AdwBin *card_slot;
  GtkButton *next_button;
  AdwActionRow *photo_row;
  GtkPicture *photo_picture;
  GtkFileChooserNative *photo_chooser;
  GtkButton *new_button;
  GtkButton *next_enrollment_button;
  GtkActionBar *action_bar;
  KsFingerprintStep *fingerprint_step;
  GtkLabel *fingerprints_message;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsRecord *record;
  KsDraftSaver *saver;
  GtkDropDown *district_drop_down;
  GtkDropDown *tehsil_drop_down;
  GPtrArray *service_rows;
  GCancellable *cancellable;
  char *submitted_id;
  KsEnrollStep step;
  gboolean loading;
  gboolean busy;

  /* Guided mode (training): one sentence per step, the next field to fill highlighted. */
  GtkRevealer *guide_revealer;
  GtkLabel *guide_label;
  GtkCheckButton *guide_check;
  GtkWidget *guided_row;
  gboolean guided;
};

G_DEFINE_FINAL_TYPE (KsEnrollPage, ks_enroll_page, ADW_TYPE_BIN)

static const char *const step_names[KS_ENROLL_N_STEPS] = {
  "identity", "personal", "address", "services", "fingerprints", "review", "card",
};

/* The fields each step asks for, as a range of KsField (inclusive); -1 when none. */
static const int step_fields[KS_ENROLL_N_STEPS][2] = {
  { KS_FIELD_ID_KIND, KS_FIELD_GENDER },
  { KS_FIELD_FULL_NAME, KS_FIELD_GUARDIAN_NAME },
  { KS_FIELD_MOBILE, KS_FIELD_TEHSIL },
  { KS_FIELD_CONSENTS, KS_FIELD_CONSENTS },
  { -1, -1 },
  { -1, -1 },
  { -1, -1 },
};

static const char *
step_title (KsEnrollStep step)
{
  switch (step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      return _("Identity");
    case KS_ENROLL_STEP_PERSONAL:
      return _("Personal");
    case KS_ENROLL_STEP_ADDRESS:
      return _("Address");
    case KS_ENROLL_STEP_SERVICES:
      return _("Services");
    case KS_ENROLL_STEP_FINGERPRINTS:
      return _("Fingerprints");
    case KS_ENROLL_STEP_REVIEW:
      return _("Review");
    case KS_ENROLL_STEP_CARD:
      return _("Card");
    case KS_ENROLL_N_STEPS:
    default:
      g_return_val_if_reached ("");
    }
}

static void
today (GDate *date)
{
  g_date_clear (date, 1);
  g_date_set_time_t (date, time (NULL));
}

/* Which widget shows a field: the one to focus and mark when it is wrong. */
static GtkWidget *
field_widget (KsEnrollPage *self,
              KsField       field)
{
  switch (field)
    {
    case KS_FIELD_ID_KIND:
      return GTK_WIDGET (self->id_kind_cnic);
    case KS_FIELD_CNIC:
      return GTK_WIDGET (self->cnic_row);
    case KS_FIELD_GENDER:
      return GTK_WIDGET (self->gender_male);
    case KS_FIELD_DATE_OF_BIRTH:
      return GTK_WIDGET (self->dob_row);
    case KS_FIELD_FULL_NAME:
      return GTK_WIDGET (self->full_name_row);
    case KS_FIELD_FULL_NAME_UR:
      return GTK_WIDGET (self->full_name_ur_row);
    case KS_FIELD_RELATION:
      return GTK_WIDGET (self->relation_father);
    case KS_FIELD_FATHER_NAME:
      return GTK_WIDGET (self->father_name_row);
    case KS_FIELD_FATHER_NAME_UR:
      return GTK_WIDGET (self->father_name_ur_row);
    case KS_FIELD_GUARDIAN_CNIC:
      return GTK_WIDGET (self->guardian_cnic_row);
    case KS_FIELD_GUARDIAN_NAME:
      return GTK_WIDGET (self->guardian_name_row);
    case KS_FIELD_MOBILE:
      return GTK_WIDGET (self->mobile_row);
    case KS_FIELD_EMAIL:
      return GTK_WIDGET (self->email_row);
    case KS_FIELD_ADDRESS_LINE1:
      return GTK_WIDGET (self->address1_row);
    case KS_FIELD_ADDRESS_LINE2:
      return GTK_WIDGET (self->address2_row);
    case KS_FIELD_DISTRICT:
      return GTK_WIDGET (self->district_drop_down);
    case KS_FIELD_TEHSIL:
      return GTK_WIDGET (self->tehsil_drop_down);
    case KS_FIELD_PHOTO:
      return GTK_WIDGET (self->photo_row);

    case KS_FIELD_CONSENTS:
      /* The first chosen service still without consent, else the first service. */
      for (guint i = 0; i < self->service_rows->len; i++)
        {
          GObject *row = self->service_rows->pdata[i];
          GtkSwitch *consent = g_object_get_data (row, "consent-switch");

          if (adw_expander_row_get_enable_expansion (ADW_EXPANDER_ROW (row)) &&
              !gtk_switch_get_active (consent))
            return GTK_WIDGET (consent);
        }
      return self->service_rows->len > 0
               ? g_object_get_data (self->service_rows->pdata[0], "sign-up-switch")
               : GTK_WIDGET (self->services_group);
    case KS_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The row to mark with the error style: the widget itself, or the row holding it. */
static GtkWidget *
field_row (KsEnrollPage *self,
           KsField       field)
{
  GtkWidget *widget = field_widget (self, field);
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

  return row ? row : widget;
}

static GtkLabel *
step_message (KsEnrollPage *self,
              KsEnrollStep  step)
{
  switch (step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      return self->identity_message;
    case KS_ENROLL_STEP_PERSONAL:
      return self->personal_message;
    case KS_ENROLL_STEP_ADDRESS:
      return self->address_message;
    case KS_ENROLL_STEP_SERVICES:
      return self->services_message;
    case KS_ENROLL_STEP_REVIEW:
      return self->review_message;
    case KS_ENROLL_STEP_FINGERPRINTS:
      return self->fingerprints_message;
    case KS_ENROLL_STEP_CARD:
    case KS_ENROLL_N_STEPS:
    default:
      return NULL;
    }
}

static void
show_step_message (KsEnrollPage *self,
                   const char   *message,
                   int           bad_field)
{
  GtkLabel *label = step_message (self, self->step);

  for (KsField f = 0; f < KS_N_FIELDS; f++)
    gtk_widget_remove_css_class (field_row (self, f), "error");

  if (label != NULL)
    {
      gtk_label_set_label (label, message ? message : "");
      gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
    }
  if (bad_field >= 0)
    {
      GtkWidget *widget = field_widget (self, bad_field);

      gtk_widget_add_css_class (field_row (self, bad_field), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
      gtk_widget_grab_focus (widget);
    }
}

/* Step indicator ***********************************************************************/

static void
update_step_indicator (KsEnrollPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box))))
    gtk_box_remove (self->steps_box, child);

  for (KsEnrollStep s = 0; s < KS_ENROLL_N_STEPS; s++)
    {
      GtkWidget *item = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      /* Translators: a step of the enrollment wizard: "1. Identity" */
      g_autofree char *text = g_strdup_printf (_("%d. %s"), s + 1, step_title (s));
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (item, "step");
      if (s < self->step)
        {
          GtkWidget *done = gtk_image_new_from_icon_name ("object-select-symbolic");
          gtk_accessible_update_property (GTK_ACCESSIBLE (done), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("done"), -1);
          gtk_box_append (GTK_BOX (item), done);
          gtk_widget_add_css_class (item, "done");
        }
      gtk_box_append (GTK_BOX (item), label);
      if (s == self->step)
        {
          /* Said in words too: the current step is not shown by colour alone. */
          gtk_widget_add_css_class (item, "current");
          gtk_accessible_update_property (GTK_ACCESSIBLE (label),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("current step"),
                                          -1);
        }
      else
        gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->steps_box, item);

      if (s + 1 < KS_ENROLL_N_STEPS)
        {
          /* The arrow points to the next step: leftwards in Urdu and Pashto. The screenshots
           * showed go-next's -rtl variant is not reliably picked, so the image is pinned to
           * left-to-right and the icon chosen here. */
          gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
          GtkWidget *arrow = gtk_image_new_from_icon_name (rtl ? "go-previous-symbolic"
                                                               : "go-next-symbolic");

          gtk_widget_set_direction (arrow, GTK_TEXT_DIR_LTR);
          gtk_widget_add_css_class (arrow, "dim-label");
          gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("then"), -1);
          gtk_box_append (self->steps_box, arrow);
        }
    }
}

/* Guided mode *************************************************************************/

/* One sentence per step: what to do there, for a trainee's first enrollments. */
static const char *
step_guide (KsEnrollStep step)
{
  switch (step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      return _("Type the CNIC or B-form number exactly as printed on the card, then the date of "
               "birth and gender.");
    case KS_ENROLL_STEP_PERSONAL:
      return _("Type the citizen’s name and their father’s or husband’s name, in English and in "
               "Urdu, as on the CNIC.");
    case KS_ENROLL_STEP_ADDRESS:
      return _("Type a mobile number the citizen answers, then their address, district and "
               "tehsil.");
    case KS_ENROLL_STEP_SERVICES:
      return _("Read each service’s consent text aloud and tick only the services the citizen "
               "agrees to.");
    case KS_ENROLL_STEP_FINGERPRINTS:
      return _("Capture each finger the screen asks for; if a finger cannot be captured, choose "
               "the reason.");
    case KS_ENROLL_STEP_REVIEW:
      return _("Read everything back to the citizen and correct any mistake before you submit.");
    case KS_ENROLL_STEP_CARD:
      return _("Print the card, check it with the citizen and hand it over with their CNIC.");
    case KS_ENROLL_N_STEPS:
    default:
      g_return_val_if_reached ("");
    }
}

/* Highlights the first field of the step that still needs something (empty or wrong). */
static void
update_guide (KsEnrollPage *self)
{
  KsField bad = 0;
  GDate date;

  if (self->guided_row != NULL)
    gtk_widget_remove_css_class (self->guided_row, "guided-next");
  g_clear_weak_pointer (&self->guided_row);

  gtk_revealer_set_reveal_child (self->guide_revealer, self->guided);
  if (!self->guided)
    return;
  gtk_label_set_label (self->guide_label, step_guide (self->step));

  if (self->record == NULL || self->station == NULL || step_fields[self->step][0] < 0)
    return;
  g_date_clear (&date, 1);
  g_date_set_time_t (&date, time (NULL));
  if (!ks_record_validate (self->record, step_fields[self->step][0], step_fields[self->step][1],
                           ks_station_get_reference (self->station), &date, FALSE, &bad, NULL))
    {
      g_set_weak_pointer (&self->guided_row, field_row (self, bad));
      gtk_widget_add_css_class (self->guided_row, "guided-next");
    }
}

static void
on_guide_toggled (KsEnrollPage *self)
{
  ks_enroll_page_set_guided (self, gtk_check_button_get_active (self->guide_check));
}

/**
 * ks_enroll_page_set_guided:
 *
 * Turns guided mode on or off: a sentence above each step says what to do, and the next field
 * to fill is highlighted (with the `guided-next` style and, for screen readers, focus).
 */
void
ks_enroll_page_set_guided (KsEnrollPage *self,
                           gboolean      guided)
{
  g_return_if_fail (KS_IS_ENROLL_PAGE (self));

  guided = !!guided;
  if (gtk_check_button_get_active (self->guide_check) != guided)
    gtk_check_button_set_active (self->guide_check, guided);
  self->guided = guided;
  update_guide (self);
}

gboolean
ks_enroll_page_get_guided (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), FALSE);
  return self->guided;
}

/* Record <-> widgets *******************************************************************/

static void
save_draft_soon (KsEnrollPage *self)
{
  if (self->saver != NULL && self->record != NULL)
    ks_draft_saver_update (self->saver, self->record, self->step);
}

static void
update_guardian_visibility (KsEnrollPage *self)
{
  GDate date;

  today (&date);
  gtk_widget_set_visible (GTK_WIDGET (self->guardian_group),
                          ks_record_field_applies (self->record, KS_FIELD_GUARDIAN_CNIC, &date));
}

static const char *
consent_language (void)
{
  const char *lang = setlocale (LC_MESSAGES, NULL);

  /* The consent text read aloud is Urdu for Urdu and Pashto speakers, English otherwise. */
  return lang && (g_str_has_prefix (lang, "ur") || g_str_has_prefix (lang, "ps")) ? "ur" : "en";
}

static void
update_consents (KsEnrollPage *self)
{
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *json = NULL;

  if (self->loading || self->record == NULL)
    return;

  for (guint i = 0; i < self->service_rows->len; i++)
    {
      AdwExpanderRow *row = self->service_rows->pdata[i];
      GtkSwitch *consent = g_object_get_data (G_OBJECT (row), "consent-switch");
      const KsService *service = g_object_get_data (G_OBJECT (row), "service");

      if (adw_expander_row_get_enable_expansion (row))
        g_ptr_array_add (consents,
                         ks_consent_new_for_service (service, consent_language (),
                                                     gtk_switch_get_active (consent), NULL));
    }
  json = ks_consent_list_to_json (consents);
  ks_record_set (self->record, KS_FIELD_CONSENTS, json);
  save_draft_soon (self);
}

static void
on_field_changed (KsEnrollPage *self,
                  GtkEditable  *editable)
{
  gpointer field = g_object_get_data (G_OBJECT (editable), "ks-field");

  if (self->loading || self->record == NULL || field == NULL)
    return;
  ks_record_set (self->record, GPOINTER_TO_INT (field) - 1, gtk_editable_get_text (editable));
  if (GPOINTER_TO_INT (field) - 1 == KS_FIELD_DATE_OF_BIRTH)
    update_guardian_visibility (self);
  save_draft_soon (self);
  update_guide (self);
}

static void
on_choice_toggled (KsEnrollPage    *self,
                   GtkToggleButton *button)
{
  const struct { GtkToggleButton *button; KsField field; const char *value; } choices[] = {
    { self->id_kind_cnic, KS_FIELD_ID_KIND, "cnic" },
    { self->id_kind_bform, KS_FIELD_ID_KIND, "bform" },
    { self->gender_male, KS_FIELD_GENDER, "male" },
    { self->gender_female, KS_FIELD_GENDER, "female" },
    { self->gender_transgender, KS_FIELD_GENDER, "transgender" },
    { self->relation_father, KS_FIELD_RELATION, "father" },
    { self->relation_husband, KS_FIELD_RELATION, "husband" },
  };

  if (self->loading || self->record == NULL || !gtk_toggle_button_get_active (button))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    if (choices[i].button == button)
      ks_record_set (self->record, choices[i].field, choices[i].value);
  save_draft_soon (self);
}

static void
on_district_selected (KsEnrollPage *self)
{
  const char *code = ks_district_drop_down_get_code (self->district_drop_down);

  ks_tehsil_drop_down_set_district (self->tehsil_drop_down,
                                    ks_station_get_reference (self->station), code);
  if (self->loading || self->record == NULL)
    return;
  ks_record_set (self->record, KS_FIELD_DISTRICT, code);
  ks_record_set (self->record, KS_FIELD_TEHSIL,
                 ks_tehsil_drop_down_get_code (self->tehsil_drop_down));
  save_draft_soon (self);
}

static void
on_tehsil_selected (KsEnrollPage *self)
{
  if (self->loading || self->record == NULL)
    return;
  ks_record_set (self->record, KS_FIELD_TEHSIL,
                 ks_tehsil_drop_down_get_code (self->tehsil_drop_down));
  save_draft_soon (self);
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
set_choice (GtkToggleButton *first,
            GtkToggleButton *second,
            GtkToggleButton *third,
            const char      *value,
            const char      *first_value,
            const char      *second_value,
            const char      *third_value)
{
  if (g_strcmp0 (value, first_value) == 0)
    gtk_toggle_button_set_active (first, TRUE);
  else if (g_strcmp0 (value, second_value) == 0)
    gtk_toggle_button_set_active (second, TRUE);
  else if (third != NULL && g_strcmp0 (value, third_value) == 0)
    gtk_toggle_button_set_active (third, TRUE);
  else
    {
      /* Nothing chosen yet: a grouped toggle cannot be switched off directly. */
      gtk_toggle_button_set_group (first, NULL);
      gtk_toggle_button_set_active (first, FALSE);
      gtk_toggle_button_set_group (second, first);
      if (third != NULL)
        gtk_toggle_button_set_group (third, first);
      gtk_toggle_button_set_active (second, FALSE);
      if (third != NULL)
        gtk_toggle_button_set_active (third, FALSE);
    }
}

static void update_photo (KsEnrollPage *self);

/* Shows the record's fields in the widgets, without treating that as typing. */
static void
load_widgets (KsEnrollPage *self)
{
  KsRecord *r = self->record;
  g_autoptr(GPtrArray) consents = NULL;

  self->loading = TRUE;
  set_choice (self->id_kind_cnic, self->id_kind_bform, NULL, ks_record_get (r, KS_FIELD_ID_KIND),
              "cnic", "bform", NULL);
  set_entry (self->cnic_row, ks_record_get (r, KS_FIELD_CNIC));
  set_choice (self->gender_male, self->gender_female, self->gender_transgender,
              ks_record_get (r, KS_FIELD_GENDER), "male", "female", "transgender");
  set_entry (self->dob_row, ks_record_get (r, KS_FIELD_DATE_OF_BIRTH));
  set_entry (self->full_name_row, ks_record_get (r, KS_FIELD_FULL_NAME));
  set_entry (self->full_name_ur_row, ks_record_get (r, KS_FIELD_FULL_NAME_UR));
  set_choice (self->relation_father, self->relation_husband, NULL,
              ks_record_get (r, KS_FIELD_RELATION), "father", "husband", NULL);
  set_entry (self->father_name_row, ks_record_get (r, KS_FIELD_FATHER_NAME));
  set_entry (self->father_name_ur_row, ks_record_get (r, KS_FIELD_FATHER_NAME_UR));
  set_entry (self->guardian_cnic_row, ks_record_get (r, KS_FIELD_GUARDIAN_CNIC));
  set_entry (self->guardian_name_row, ks_record_get (r, KS_FIELD_GUARDIAN_NAME));
  set_entry (self->mobile_row, ks_record_get (r, KS_FIELD_MOBILE));
  set_entry (self->email_row, ks_record_get (r, KS_FIELD_EMAIL));
  set_entry (self->address1_row, ks_record_get (r, KS_FIELD_ADDRESS_LINE1));
  set_entry (self->address2_row, ks_record_get (r, KS_FIELD_ADDRESS_LINE2));
  ks_district_drop_down_set_code (self->district_drop_down, ks_record_get (r, KS_FIELD_DISTRICT));
  ks_tehsil_drop_down_set_district (self->tehsil_drop_down,
                                    ks_station_get_reference (self->station),
                                    ks_record_get (r, KS_FIELD_DISTRICT));
  ks_tehsil_drop_down_set_code (self->tehsil_drop_down, ks_record_get (r, KS_FIELD_TEHSIL));

  consents = ks_consent_list_from_json (ks_record_get (r, KS_FIELD_CONSENTS), NULL);
  for (guint i = 0; i < self->service_rows->len; i++)
    {
      AdwExpanderRow *row = self->service_rows->pdata[i];
      const KsService *service = g_object_get_data (G_OBJECT (row), "service");
      const KsConsent *consent = consents ? ks_consent_list_find (consents, service->id) : NULL;

      adw_expander_row_set_enable_expansion (row, consent != NULL);
      adw_expander_row_set_expanded (row, consent != NULL);
      gtk_switch_set_active (g_object_get_data (G_OBJECT (row), "consent-switch"),
                             consent != NULL && consent->granted);
    }
  update_guardian_visibility (self);
  self->loading = FALSE;
  update_photo (self);
}

/* Services ****************************************************************************/

/* Signing up for a service leads straight to its consent: the next thing to do. */
static void
on_sign_up_toggled (GtkSwitch    *sign_up,
                    GParamSpec   *pspec,
                    KsEnrollPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (sign_up), ADW_TYPE_EXPANDER_ROW);

  if (!self->loading && gtk_switch_get_active (sign_up) && row != NULL)
    gtk_widget_grab_focus (g_object_get_data (G_OBJECT (row), "consent-switch"));
}

static void
build_service_rows (KsEnrollPage *self)
{
  GPtrArray *services = ks_reference_get_services (ks_station_get_reference (self->station));
  g_auto(GStrv) enabled = g_settings_get_strv (ks_station_get_settings (self->station),
                                               "enabled-services");

  for (guint i = 0; i < services->len; i++)
    {
      const KsService *service = services->pdata[i];
      GtkWidget *row;
      GtkWidget *consent_row;
      GtkWidget *consent_switch;
      GtkWidget *sign_up;
      GtkWidget *text_en;
      GtkWidget *text_ur;

      if (!g_strv_contains ((const char *const *)enabled, service->id))
        continue;

      row = adw_expander_row_new ();
      /* Urdu and Pashto screens show the reference data's Urdu titles (there is no Pashto
       * in it); the consent text below is in both English and Urdu anyway. */
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     ks_language_applied_is_rtl () ? service->title_ur
                                                                   : service->title_en);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row),
                                     ks_language_applied_is_rtl () ? service->description_ur
                                                                   : service->description_en);
      adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);
      g_object_set_data (G_OBJECT (row), "service", (gpointer)service);

      /* Our own "sign up" switch rather than the row's built-in one: the wizard puts the
       * keyboard focus on it, and it has a name for screen readers. */
      sign_up = gtk_switch_new ();
      gtk_widget_set_valign (sign_up, GTK_ALIGN_CENTER);
      {
        g_autofree char *label =
          g_strdup_printf (_("Sign up for %s"),
                           adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
        gtk_accessible_update_property (GTK_ACCESSIBLE (sign_up), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
        gtk_widget_set_tooltip_text (sign_up, label);
      }
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), sign_up);
      g_object_bind_property (sign_up, "active", row, "enable-expansion", G_BINDING_BIDIRECTIONAL);
      g_object_bind_property (sign_up, "active", row, "expanded", G_BINDING_DEFAULT);
      g_object_set_data (G_OBJECT (row), "sign-up-switch", sign_up);
      g_signal_connect_object (sign_up, "notify::active", G_CALLBACK (on_sign_up_toggled), self,
                               G_CONNECT_AFTER);

      /* The consent text in both languages, as it is read to the citizen. */
      text_en = gtk_label_new (service->consent_en);
      gtk_label_set_wrap (GTK_LABEL (text_en), TRUE);
      gtk_label_set_xalign (GTK_LABEL (text_en), 0);
      gtk_widget_set_margin_start (text_en, 12);
      gtk_widget_set_margin_end (text_en, 12);
      gtk_widget_set_margin_top (text_en, 12);
      gtk_widget_set_margin_bottom (text_en, 6);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_en);
      /* Text to read aloud, not a tab stop. */
      gtk_widget_set_focusable (gtk_widget_get_parent (text_en), FALSE);

      text_ur = gtk_label_new (service->consent_ur);
      gtk_label_set_wrap (GTK_LABEL (text_ur), TRUE);
      gtk_widget_set_direction (text_ur, GTK_TEXT_DIR_RTL);
      gtk_label_set_xalign (GTK_LABEL (text_ur), 1);
      gtk_widget_set_margin_start (text_ur, 12);
      gtk_widget_set_margin_end (text_ur, 12);
      gtk_widget_set_margin_bottom (text_ur, 12);
      gtk_widget_add_css_class (text_ur, "urdu");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), text_ur);
      gtk_widget_set_focusable (gtk_widget_get_parent (text_ur), FALSE);

      consent_row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (consent_row),
                                     _("The citizen heard this text and consents"));
      consent_switch = gtk_switch_new ();
      gtk_widget_set_valign (consent_switch, GTK_ALIGN_CENTER);
      {
        g_autofree char *label = g_strdup_printf (_("Consent for %s"), service->title_en);
        gtk_accessible_update_property (GTK_ACCESSIBLE (consent_switch),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      }
      adw_action_row_add_suffix (ADW_ACTION_ROW (consent_row), consent_switch);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (consent_row), consent_switch);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), consent_row);
      g_object_set_data (G_OBJECT (row), "consent-switch", consent_switch);

      g_signal_connect_object (row, "notify::enable-expansion", G_CALLBACK (update_consents),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (consent_switch, "notify::active", G_CALLBACK (update_consents),
                               self, G_CONNECT_SWAPPED);
      adw_preferences_group_add (self->services_group, row);
      g_ptr_array_add (self->service_rows, row);
    }
}

/* Review ******************************************************************************/

/* The review shows each field's name in English and in Urdu whatever the operator's language,
 * because it is read with the citizen, who may read only one of them. */
static const struct { KsField field; const char *en; const char *ur; } review_fields[] = {
  { KS_FIELD_CNIC, N_("CNIC / B-form"), "شناختی کارڈ / ب فارم" },
  { KS_FIELD_FULL_NAME, N_("Full name"), "پورا نام" },
  { KS_FIELD_FULL_NAME_UR, N_("Full name (Urdu)"), "پورا نام (اردو)" },
  { KS_FIELD_FATHER_NAME, N_("Father or husband"), "والد یا شوہر" },
  { KS_FIELD_FATHER_NAME_UR, N_("Father or husband (Urdu)"), "والد یا شوہر (اردو)" },
  { KS_FIELD_DATE_OF_BIRTH, N_("Date of birth"), "تاریخ پیدائش" },
  { KS_FIELD_GENDER, N_("Gender"), "جنس" },
  { KS_FIELD_GUARDIAN_CNIC, N_("Guardian’s CNIC"), "سرپرست کا شناختی کارڈ" },
  { KS_FIELD_GUARDIAN_NAME, N_("Guardian"), "سرپرست" },
  { KS_FIELD_MOBILE, N_("Mobile"), "موبائل" },
  { KS_FIELD_EMAIL, N_("Email"), "ای میل" },
  { KS_FIELD_ADDRESS_LINE1, N_("Address"), "پتہ" },
  { KS_FIELD_ADDRESS_LINE2, N_("Address, line 2"), "پتہ، دوسری سطر" },
  { KS_FIELD_DISTRICT, N_("District"), "ضلع" },
  { KS_FIELD_TEHSIL, N_("Tehsil"), "تحصیل" },
  { KS_FIELD_CONSENTS, N_("Services"), "خدمات" },
  { KS_FIELD_PHOTO, N_("Photo"), "تصویر" },
};

static char *
review_value (KsEnrollPage *self,
              KsField       field)
{
  KsReference *reference = ks_station_get_reference (self->station);
  const char *value = ks_record_get (self->record, field);

  switch (field)
    {
    case KS_FIELD_GENDER:
      {
        KsGender gender = KS_GENDER_UNSPECIFIED;
        ks_gender_from_id (value, &gender);
        return g_strdup (ks_gender_get_label (gender));
      }

    case KS_FIELD_DISTRICT:
      {
        const KsDistrict *d = ks_reference_lookup_district (reference, value);
        return d ? g_strdup_printf ("%s · %s", d->name_en, d->name_ur) : g_strdup (value);
      }

    case KS_FIELD_TEHSIL:
      {
        const KsTehsil *t = ks_reference_lookup_tehsil (reference, value);
        return t ? g_strdup_printf ("%s · %s", t->name_en, t->name_ur) : g_strdup (value);
      }

    case KS_FIELD_CONSENTS:
      {
        g_autoptr(GPtrArray) consents = ks_consent_list_from_json (value, NULL);
        GString *text = g_string_new (NULL);

        for (guint i = 0; consents && i < consents->len; i++)
          {
            const KsConsent *c = consents->pdata[i];
            const KsService *s = ks_reference_lookup_service (reference, c->service_id);
            if (text->len > 0)
              g_string_append_c (text, '\n');
            g_string_append_printf (text, "%s · %s (%s)", s ? s->title_en : c->service_id,
                                    s ? s->title_ur : "",
                                    c->granted ? _("consent given") : _("no consent"));
          }
        if (text->len == 0)
          g_string_append (text, _("None"));
        return g_string_free (text, FALSE);
      }

    case KS_FIELD_DATE_OF_BIRTH:
      {
        /* Shown as on the CNIC, DD-MM-YYYY, and kept in order inside right-to-left screens. */
        g_autofree char *date = ks_format_iso_date (value);
        return ks_bidi_isolate_ltr (date);
      }

    case KS_FIELD_MOBILE:
      {
        g_autofree char *formatted = ks_mobile_format (value, KS_MOBILE_STYLE_NATIONAL);
        return ks_bidi_isolate_ltr (formatted ? formatted : value);
      }

    /* Numbers keep their digit groups in order inside right-to-left screens. */
    case KS_FIELD_CNIC:
    case KS_FIELD_GUARDIAN_CNIC:
      return ks_bidi_isolate_ltr (value);

    case KS_FIELD_PHOTO:
      return g_strdup (*value ? _("Attached") : _("None"));

    case KS_FIELD_ID_KIND:
    case KS_FIELD_FULL_NAME:
    case KS_FIELD_FULL_NAME_UR:
    case KS_FIELD_RELATION:
    case KS_FIELD_FATHER_NAME:
    case KS_FIELD_FATHER_NAME_UR:
    case KS_FIELD_GUARDIAN_NAME:
    case KS_FIELD_EMAIL:
    case KS_FIELD_ADDRESS_LINE1:
    case KS_FIELD_ADDRESS_LINE2:
    case KS_N_FIELDS:
    default:
      return g_strdup (value);
    }
}

static GtkWidget *
review_label (const char *text,
              gboolean    rtl,
              const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), rtl ? 1 : 0);
  gtk_widget_set_hexpand (label, TRUE);
  if (rtl)
    gtk_widget_set_direction (label, GTK_TEXT_DIR_RTL);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
build_review (KsEnrollPage *self)
{
  GtkWidget *child;
  GDate date;
  int row = 0;

  today (&date);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->review_grid))))
    gtk_grid_remove (self->review_grid, child);

  for (guint i = 0; i < G_N_ELEMENTS (review_fields); i++)
    {
      KsField field = review_fields[i].field;
      g_autofree char *value = NULL;

      if (!ks_record_field_applies (self->record, field, &date))
        continue;
      value = review_value (self, field);
      if (field == KS_FIELD_ADDRESS_LINE2 || field == KS_FIELD_EMAIL)
        if (value == NULL || *value == '\0')
          continue;

      gtk_grid_attach (self->review_grid, review_label (_(review_fields[i].en), FALSE, "dim-label"),
                       0, row, 1, 1);
      /* Urdu values read right to left; numbers and IDs stay left to right. */
      gtk_grid_attach (self->review_grid,
                       review_label (value,
                                     field == KS_FIELD_FULL_NAME_UR ||
                                     field == KS_FIELD_FATHER_NAME_UR,
                                     NULL),
                       1, row, 1, 1);
      gtk_grid_attach (self->review_grid, review_label (review_fields[i].ur, TRUE, "dim-label"),
                       2, row, 1, 1);
      row++;
    }

  /* The fingers, as the fingerprint step left them. */
  {
    g_autofree char *fingers = ks_fingerprint_step_describe (self->fingerprint_step);

    gtk_grid_attach (self->review_grid, review_label (_("Fingerprints"), FALSE, "dim-label"),
                     0, row, 1, 1);
    gtk_grid_attach (self->review_grid, review_label (fingers, FALSE, NULL), 1, row, 1, 1);
    gtk_grid_attach (self->review_grid, review_label ("انگلیوں کے نشانات", TRUE, "dim-label"),
                     2, row, 1, 1);
  }
}

/* Navigation **************************************************************************/

static GtkWidget *
first_field_of_step (KsEnrollPage *self,
                     KsEnrollStep  step)
{
  switch (step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      return GTK_WIDGET (self->cnic_row);
    case KS_ENROLL_STEP_PERSONAL:
      return GTK_WIDGET (self->full_name_row);
    case KS_ENROLL_STEP_ADDRESS:
      return GTK_WIDGET (self->mobile_row);
    case KS_ENROLL_STEP_SERVICES:
      return self->service_rows->len
               ? g_object_get_data (self->service_rows->pdata[0], "sign-up-switch")
               : GTK_WIDGET (self->next_button);
    case KS_ENROLL_STEP_FINGERPRINTS:
      return GTK_WIDGET (self->fingerprint_step);
    case KS_ENROLL_STEP_REVIEW:
      return GTK_WIDGET (self->next_button);
    case KS_ENROLL_STEP_CARD:
    case KS_ENROLL_N_STEPS:
    default:
      return NULL;
    }
}

static void
go_to_step (KsEnrollPage *self,
            KsEnrollStep  step)
{
  GtkWidget *focus;

  self->step = step;
  gtk_stack_set_visible_child_name (self->step_stack, step_names[step]);
  show_step_message (self, NULL, -1);
  update_step_indicator (self);

  if (step == KS_ENROLL_STEP_REVIEW)
    build_review (self);

  gtk_button_set_label (self->next_button,
                        step == KS_ENROLL_STEP_REVIEW ? _("S_ubmit") : _("_Next"));
  gtk_widget_set_visible (GTK_WIDGET (self->action_bar), step < KS_ENROLL_STEP_CARD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.back",
                                 step > KS_ENROLL_STEP_IDENTITY && step < KS_ENROLL_STEP_CARD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", step < KS_ENROLL_STEP_CARD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.close", step < KS_ENROLL_STEP_CARD);

  if ((focus = first_field_of_step (self, step)))
    gtk_widget_grab_focus (focus);
  save_draft_soon (self);
  update_guide (self);
}

/* Validates the step's fields, writing normalised values back (a CNIC gets its dashes). */
static gboolean
validate_step (KsEnrollPage *self,
               KsEnrollStep  step)
{
  g_autoptr(GError) error = NULL;
  GDate date;
  KsField bad = 0;

  if (step_fields[step][0] < 0)
    return TRUE;

  today (&date);
  if (!ks_record_validate (self->record, step_fields[step][0], step_fields[step][1],
                           ks_station_get_reference (self->station), &date, TRUE, &bad, &error))
    {
      if (step != self->step)
        go_to_step (self, step);
      show_step_message (self, error->message, bad);
      return FALSE;
    }
  load_widgets (self);
  return TRUE;
}

static void
show_identity_warning (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  today (&date);
  if (ks_record_check_field (self->record, KS_FIELD_CNIC, ks_station_get_reference (self->station),
                             &date, NULL, &error) == KS_VALIDATE_WARNING)
    {
      gtk_label_set_label (self->identity_warning, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->identity_warning), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->identity_warning), FALSE);
}

static void start_draft (KsEnrollPage *self, KsRecord *record, gint64 record_id,
                         KsEnrollStep step);

static void
on_existing_response (AdwMessageDialog *dialog,
                      const char       *response,
                      KsEnrollPage     *self)
{
  const char *kp_id = g_object_get_data (G_OBJECT (dialog), "kp-id");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsRecordInfo) info = NULL;

  if (!g_str_equal (response, "edit"))
    return;

  /* The citizen is already enrolled: continue with their record, not a second one. */
  if (!(record = ks_records_load (ks_station_get_store (self->station), kp_id, &error)) ||
      !(info = ks_records_get_info (ks_station_get_store (self->station), kp_id, &error)))
    {
      show_step_message (self, error->message, -1);
      return;
    }
  if (self->saver != NULL)
    {
      gint64 draft = ks_draft_saver_get_draft_id (self->saver);
      ks_draft_saver_stop (self->saver);
      g_clear_object (&self->saver);
      ks_drafts_discard (ks_station_get_store (self->station), self->session, draft, NULL);
    }
  start_draft (self, record, info->id, KS_ENROLL_STEP_PERSONAL);
}

/* A CNIC already at this station opens that record instead of a second enrollment. */
static gboolean
check_existing_cnic (KsEnrollPage *self)
{
  g_autoptr(KsRecordInfo) existing = NULL;
  g_autoptr(KsDraftInfo) draft = NULL;
  g_autoptr(KsRecord) ignored = NULL;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  existing = ks_records_find_by_cnic (ks_station_get_store (self->station),
                                      ks_record_get (self->record, KS_FIELD_CNIC), NULL);
  if (existing == NULL)
    return TRUE;
  if (self->saver != NULL)
    ignored = ks_drafts_load (ks_station_get_store (self->station),
                              ks_draft_saver_get_draft_id (self->saver), &draft, NULL);
  if (draft != NULL && draft->record_id == existing->id)
    return TRUE;

  /* Translators: %s are a name, a Khyber Pass ID and a record state */
  body = g_strdup_printf (_("%s is already enrolled at this station as %s (%s). A citizen is "
                            "enrolled only once."),
                          existing->full_name, existing->kp_id,
                          ks_record_state_get_label (existing->state));
  dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                _("Already Enrolled"), body));
  ks_ui_mark_training (GTK_WINDOW (dialog));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  if (existing->state == KS_RECORD_STATE_SUBMITTED)
    {
      adw_message_dialog_add_response (dialog, "edit", _("_Open Record"));
      adw_message_dialog_set_response_appearance (dialog, "edit", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "edit");
    }
  g_object_set_data_full (G_OBJECT (dialog), "kp-id", g_strdup (existing->kp_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_existing_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

static void submit (KsEnrollPage *self);

static void
on_submit_response (AdwMessageDialog *dialog,
                    const char       *response,
                    KsEnrollPage     *self)
{
  if (g_str_equal (response, "submit"))
    submit (self);
}

static void
confirm_submit (KsEnrollPage *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("Submit the record of %s for review? After a supervisor approves it, "
                            "it can no longer be changed."),
                          ks_record_get (self->record, KS_FIELD_FULL_NAME));
  dialog =
    ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                _("Submit Record?"), body));
  ks_ui_mark_training (GTK_WINDOW (dialog));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "submit", _("_Submit"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "submit", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "submit");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_submit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Fingerprints: the duplicate check runs on the reader's thread; the wizard moves on after. */
static void
on_fingers_checked (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KsEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_fingerprint_step_check_duplicates_finish (KS_FINGERPRINT_STEP (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->busy = FALSE;
      show_step_message (self, error->message, -1);
      return;
    }
  self->busy = FALSE;
  if (self->step == KS_ENROLL_STEP_FINGERPRINTS)
    go_to_step (self, KS_ENROLL_STEP_REVIEW);
}

/* The last finger done: Enter goes on to the review. */
static void
on_fingerprints_changed (KsEnrollPage *self)
{
  if (self->step == KS_ENROLL_STEP_FINGERPRINTS &&
      ks_fingerprint_step_is_complete (self->fingerprint_step))
    {
      show_step_message (self, NULL, -1);
      gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
    }
}

static gboolean
check_fingerprints (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;

  if (ks_fingerprint_step_check_complete (self->fingerprint_step, &error))
    return TRUE;
  if (self->step != KS_ENROLL_STEP_FINGERPRINTS)
    {
      go_to_step (self, KS_ENROLL_STEP_FINGERPRINTS);
      /* go_to_step() focused the first pending finger; check again to say which. */
      g_clear_error (&error);
      ks_fingerprint_step_check_complete (self->fingerprint_step, &error);
    }
  show_step_message (self, error ? error->message : NULL, -1);
  return FALSE;
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  if (self->record == NULL || self->busy)
    return;
  if (!validate_step (self, self->step))
    return;

  switch (self->step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      show_identity_warning (self);
      if (!check_existing_cnic (self))
        return;
      break;

    case KS_ENROLL_STEP_REVIEW:
      /* Everything once more, in order: the first wrong field is the one shown. */
      for (KsEnrollStep s = KS_ENROLL_STEP_IDENTITY; s < KS_ENROLL_STEP_REVIEW; s++)
        if (!validate_step (self, s))
          return;
      if (!check_fingerprints (self))
        return;
      confirm_submit (self);
      return;

    case KS_ENROLL_STEP_FINGERPRINTS:
      if (!check_fingerprints (self))
        return;
      self->busy = TRUE;
      show_step_message (self, NULL, -1);
      ks_fingerprint_step_check_duplicates_async (self->fingerprint_step, self->cancellable,
                                                  on_fingers_checked, g_object_ref (self));
      return;

    case KS_ENROLL_STEP_PERSONAL:
    case KS_ENROLL_STEP_ADDRESS:
    case KS_ENROLL_STEP_SERVICES:
    case KS_ENROLL_STEP_CARD:
    case KS_ENROLL_N_STEPS:
    default:
      break;
    }
  go_to_step (self, self->step + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  if (self->step > KS_ENROLL_STEP_IDENTITY && self->step < KS_ENROLL_STEP_CARD)
    go_to_step (self, self->step - 1);
}

static void
on_entry_activated (KsEnrollPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "enroll.next", NULL);
}

/* Photo ******************************************************************************/

/* Shows the record's photo (sealed in the record) as a thumbnail, or says there is none. */
static void
update_photo (KsEnrollPage *self)
{
  const char *sealed = self->record ? ks_record_get (self->record, KS_FIELD_PHOTO) : "";
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  if (*sealed != '\0')
    png = ks_photo_open (ks_station_get_profile (self->station), sealed, NULL);
  if (png != NULL)
    texture = gdk_texture_new_from_bytes (png, NULL);
  gtk_picture_set_paintable (self->photo_picture, GDK_PAINTABLE (texture));
  adw_action_row_set_subtitle (self->photo_row,
                               texture ? _("Photo attached. It is stored encrypted.")
                                       : _("No photo. A passport-style photo from a file (PNG or "
                                           "JPEG)."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.remove-photo", texture != NULL);
}

/* Loads, shrinks and seals the chosen photo: file reading and scaling stay off the UI thread. */
static void
photo_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsEnrollPage *self = source_object;
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size;
  GBytes *png;
  char *sealed;

  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, KS_PHOTO_MAX_WIDTH, KS_PHOTO_MAX_HEIGHT,
                                              TRUE, &error);
  if (pixbuf == NULL || !gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("This file is not a photo the station can read. Choose a PNG or "
                                 "JPEG file."));
      return;
    }
  png = g_bytes_new_take (g_steal_pointer (&buffer), size);
  sealed = ks_photo_seal (ks_station_get_profile (self->station), png, &error);
  g_bytes_unref (png);
  if (sealed == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, sealed, g_free);
}

static void
photo_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *sealed = g_task_propagate_pointer (G_TASK (result), &error);

  if (sealed == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_step_message (self, error->message, -1);
      return;
    }
  if (self->record == NULL)
    return;
  ks_record_set (self->record, KS_FIELD_PHOTO, sealed);
  update_photo (self);
  save_draft_soon (self);
}

void
ks_enroll_page_load_photo (KsEnrollPage *self,
                           GFile        *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_ENROLL_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, self->cancellable, photo_done, NULL);
  g_task_set_source_tag (task, ks_enroll_page_load_photo);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, photo_thread);
}

static void
on_photo_chosen (GtkNativeDialog *chooser,
                 int              response,
                 KsEnrollPage    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        ks_enroll_page_load_photo (self, file);
    }
  g_clear_object (&self->photo_chooser);
}

static void
choose_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->photo_chooser != NULL || self->record == NULL)
    return;
  gtk_file_filter_set_name (filter, _("Photos (PNG, JPEG)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  self->photo_chooser = gtk_file_chooser_native_new (_("Choose the Citizen’s Photo"),
                                                     GTK_WINDOW (gtk_widget_get_root (widget)),
                                                     GTK_FILE_CHOOSER_ACTION_OPEN,
                                                     _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->photo_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->photo_chooser), filter);
  g_signal_connect (self->photo_chooser, "response", G_CALLBACK (on_photo_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->photo_chooser));
}

static void
remove_photo_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  if (self->record == NULL)
    return;
  ks_record_set (self->record, KS_FIELD_PHOTO, "");
  update_photo (self);
  save_draft_soon (self);
}

/* Start page **************************************************************************/

static void refresh_start (KsEnrollPage *self);

static void
stop_saver (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->saver == NULL)
    return;
  if (!ks_draft_saver_flush (self->saver, &error))
    g_debug ("Draft not saved: %s", error->message);
  ks_draft_saver_stop (self->saver);
  g_clear_object (&self->saver);
}

static void
start_draft (KsEnrollPage *self,
             KsRecord     *record,
             gint64        record_id,
             KsEnrollStep  step)
{
  g_autoptr(GError) error = NULL;
  gint64 draft;

  stop_saver (self);
  draft = ks_drafts_create (ks_station_get_store (self->station), self->session, record,
                            record_id, &error);
  if (draft == 0)
    {
      gtk_label_set_label (self->rules_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->rules_label), TRUE);
      return;
    }
  g_set_object (&self->record, record);
  self->saver = ks_draft_saver_new (ks_station_get_store (self->station), draft);
  ks_fingerprint_step_set_draft (self->fingerprint_step, draft);
  load_widgets (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "wizard");
  go_to_step (self, step);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);
  g_autoptr(KsRecord) record = NULL;

  if (self->station == NULL || self->session == NULL)
    return;
  record = ks_record_new ();
  /* Start with no gender chosen: the operator picks it from the card. */
  ks_record_set (record, KS_FIELD_GENDER, "");
  g_clear_pointer (&self->submitted_id, g_free);
  adw_bin_set_child (self->card_slot, NULL);
  g_clear_weak_pointer (&self->guided_row);
  start_draft (self, record, 0, KS_ENROLL_STEP_IDENTITY);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  stop_saver (self);
  g_clear_object (&self->record);
  ks_fingerprint_step_set_draft (self->fingerprint_step, 0);
  refresh_start (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "start");
  gtk_widget_grab_focus (GTK_WIDGET (self->new_button));
}

static void
resume_draft (KsEnrollPage *self,
              gint64        draft_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = ks_drafts_load (ks_station_get_store (self->station), draft_id,
                                               &info, &error);

  if (record == NULL)
    {
      refresh_start (self);
      return;
    }
  stop_saver (self);
  g_set_object (&self->record, record);
  self->saver = ks_draft_saver_new (ks_station_get_store (self->station), draft_id);
  ks_fingerprint_step_set_draft (self->fingerprint_step, draft_id);
  load_widgets (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "wizard");
  go_to_step (self, CLAMP (info->step, KS_ENROLL_STEP_IDENTITY, KS_ENROLL_STEP_REVIEW));
}

static void
on_draft_activated (KsEnrollPage  *self,
                    GtkListBoxRow *row)
{
  resume_draft (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "draft-id")));
}

static void
on_discard_clicked (GtkButton *button,
                    gpointer   user_data)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (button),
                                                                KS_TYPE_ENROLL_PAGE));
  g_autoptr(GError) error = NULL;
  gint64 draft = GPOINTER_TO_SIZE (user_data);

  if (!ks_drafts_discard (ks_station_get_store (self->station), self->session, draft, &error))
    {
      gtk_label_set_label (self->rules_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->rules_label), TRUE);
    }
  refresh_start (self);
}

static GtkWidget *
draft_row (KsDraftInfo *info,
           gboolean     show_operator)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *discard = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (info->updated_at / G_USEC_PER_SEC);
  g_autofree char *time_text = g_date_time_format (when, "%d-%m-%Y %H:%M");
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 info->full_name && *info->full_name ? info->full_name
                                                                     : _("Name not entered yet"));
  /* Translators: a draft's subtitle: CNIC · saved <date> [· operator] */
  subtitle = g_strdup_printf (_("%s · saved %s%s%s"),
                              info->cnic && *info->cnic ? info->cnic : _("no CNIC yet"),
                              time_text, show_operator ? " · " : "",
                              show_operator ? info->operator : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data (G_OBJECT (row), "draft-id", GSIZE_TO_POINTER (info->id));

  gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (discard, "flat");
  gtk_widget_set_tooltip_text (discard, _("Discard this draft"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (discard), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Discard this draft"), -1);
  g_signal_connect (discard, "clicked", G_CALLBACK (on_discard_clicked),
                    GSIZE_TO_POINTER (info->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
  if (!show_operator)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }
  return row;
}

static void
refresh_start (KsEnrollPage *self)
{
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) stale = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->drafts_list))))
    gtk_list_box_remove (self->drafts_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stale_list))))
    gtk_list_box_remove (self->stale_list, child);
  gtk_widget_set_visible (GTK_WIDGET (self->rules_label), FALSE);

  if (self->station == NULL || self->session == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->drafts_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->stale_group), FALSE);
      return;
    }

  /* The station's rules (too many records awaiting review, no sync for too long, disk nearly
   * full) stop new enrollments, with a message saying what to do; drafts can still be opened. */
  {
    KsStationRules rules;
    g_autoptr(GError) error = NULL;
    g_autofree char *data_dir =
      g_path_get_dirname (ks_store_get_path (ks_station_get_store (self->station)));
    gboolean allowed;

    ks_station_rules_from_settings (&rules, ks_station_get_settings (self->station));
    allowed = ks_station_rules_check (ks_station_get_store (self->station), &rules, data_dir,
                                      &error);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.new", allowed);
    if (!allowed)
      {
        gtk_label_set_label (self->rules_label, error->message);
        gtk_widget_set_visible (GTK_WIDGET (self->rules_label), TRUE);
      }
  }

  mine = ks_drafts_list_mine (ks_station_get_store (self->station), self->session, NULL);
  for (guint i = 0; mine && i < mine->len; i++)
    gtk_list_box_append (self->drafts_list, draft_row (mine->pdata[i], FALSE));
  gtk_widget_set_visible (GTK_WIDGET (self->drafts_group), mine && mine->len > 0);

  if (ks_session_can (self->session, KS_PERMISSION_SEE_STALE_DRAFTS))
    stale = ks_drafts_list_stale (ks_station_get_store (self->station), self->session,
                                  g_settings_get_uint (ks_station_get_settings (self->station),
                                                       "stale-draft-days"),
                                  NULL);
  for (guint i = 0; stale && i < stale->len; i++)
    gtk_list_box_append (self->stale_list, draft_row (stale->pdata[i], TRUE));
  gtk_widget_set_visible (GTK_WIDGET (self->stale_group), stale && stale->len > 0);
}

/* Submit ******************************************************************************/

typedef struct
{
  KsStation *station;
  KsStore *store;
  KsSession *session;
  KsReference *reference;
  KsRecord *record;
  gint64 draft_id;
  char *district;
  char *station_code;
  gboolean approval_required;
  KsCard *card;
  GError *card_error;
} SubmitJob;

static void
submit_job_free (SubmitJob *job)
{
  g_clear_object (&job->station);
  g_clear_object (&job->store);
  g_clear_object (&job->session);
  g_clear_pointer (&job->card, ks_card_free);
  g_clear_error (&job->card_error);
  g_clear_pointer (&job->reference, ks_reference_unref);
  g_clear_object (&job->record);
  g_free (job->district);
  g_free (job->station_code);
  g_free (job);
}

static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SubmitJob *job = task_data;
  KsSubmitOptions options = { job->district, job->station_code, job->approval_required, NULL };
  GError *error = NULL;
  char *kp_id;

  kp_id = ks_records_submit (job->store, job->session, job->draft_id, job->record,
                             job->reference, &options, &error);
  if (kp_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The record is stored; its card is a second, separate step: if signing fails, the record
   * stays submitted and the card can be made later. */
  job->card = ks_station_issue_card (job->station, kp_id, &job->card_error);
  g_task_return_pointer (task, kp_id, g_free);
}

static void
submit_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KsEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *kp_id = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *description = NULL;
  SubmitJob *job = g_task_get_task_data (G_TASK (result));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", TRUE);

  if (kp_id == NULL)
    {
      /* Nothing is lost: the draft is still there; the saver takes up again. */
      self->saver = ks_draft_saver_new (ks_station_get_store (self->station), job->draft_id);
      show_step_message (self, error->message, -1);
      return;
    }

  g_clear_object (&self->saver);
  g_free (self->submitted_id);
  self->submitted_id = g_steal_pointer (&kp_id);
  /* Translators: %s is a Khyber Pass ID such as PEW-A01-0000123-N */
  description = g_strdup_printf (g_settings_get_boolean (ks_station_get_settings (self->station),
                                                         "approval-required")
                                   ? _("Khyber Pass ID %s. The record now waits for a "
                                       "supervisor’s review.")
                                   : _("Khyber Pass ID %s. The record is approved and queued "
                                       "for the registry."),
                                 self->submitted_id);
  adw_status_page_set_description (self->done_status, description);

  if (job->card != NULL)
    {
      GtkWidget *view = ks_card_view_new ();

      ks_card_view_set_station (KS_CARD_VIEW (view), self->station);
      ks_card_view_set_card (KS_CARD_VIEW (view), g_steal_pointer (&job->card));
      adw_bin_set_child (self->card_slot, view);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("The card could not be made: %s"),
                                               job->card_error ? job->card_error->message : "");
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "error");
      adw_bin_set_child (self->card_slot, label);
    }
  go_to_step (self, KS_ENROLL_STEP_CARD);
  gtk_widget_grab_focus (GTK_WIDGET (self->next_enrollment_button));
  g_clear_object (&self->record);
}

static void
submit (KsEnrollPage *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GSettings *settings = ks_station_get_settings (self->station);
  SubmitJob *job;

  if (self->busy || self->saver == NULL)
    return;

  /* Write the draft first: if the submit fails, the form is exactly as the operator left it. */
  if (!ks_draft_saver_flush (self->saver, &error))
    {
      show_step_message (self, error->message, -1);
      return;
    }

  job = g_new0 (SubmitJob, 1);
  job->station = g_object_ref (self->station);
  job->store = g_object_ref (ks_station_get_store (self->station));
  job->session = g_object_ref (self->session);
  job->reference = ks_reference_ref (ks_station_get_reference (self->station));
  job->record = ks_record_copy (self->record);
  job->draft_id = ks_draft_saver_get_draft_id (self->saver);
  job->district = g_settings_get_string (settings, "district");
  job->station_code = g_settings_get_string (settings, "station-code");
  job->approval_required = g_settings_get_boolean (settings, "approval-required");

  ks_draft_saver_stop (self->saver);
  g_clear_object (&self->saver);

  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", FALSE);
  task = g_task_new (self, self->cancellable, submit_done, g_object_ref (self));
  g_task_set_source_tag (task, submit);
  g_task_set_task_data (task, job, (GDestroyNotify)submit_job_free);
  g_task_run_in_thread (task, submit_thread);
}

/* GObject *****************************************************************************/

static void
ks_enroll_page_dispose (GObject *object)
{
  KsEnrollPage *self = (KsEnrollPage *)object;

  g_cancellable_cancel (self->cancellable);
  stop_saver (self);
  if (self->photo_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->photo_chooser));
  g_clear_object (&self->photo_chooser);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->record);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  g_clear_pointer (&self->service_rows, g_ptr_array_unref);
  g_clear_pointer (&self->submitted_id, g_free);
  /* No gtk_widget_dispose_template(): AdwBin unparents its child itself. */

  G_OBJECT_CLASS (ks_enroll_page_parent_class)->dispose (object);
}

static void
ks_enroll_page_class_init (KsEnrollPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_enroll_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-enroll-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, KsEnrollPage, name)
  BIND (mode_stack);
  BIND (step_stack);
  BIND (steps_box);
  BIND (rules_label);
  BIND (saved_label);
  BIND (identity_warning);
  BIND (identity_message);
  BIND (personal_message);
  BIND (address_message);
  BIND (services_message);
  BIND (review_message);
  BIND (drafts_group);
  BIND (stale_group);
  BIND (guardian_group);
  BIND (services_group);
  BIND (drafts_list);
  BIND (stale_list);
  BIND (cnic_row);
  BIND (dob_row);
  BIND (full_name_row);
  BIND (full_name_ur_row);
  BIND (father_name_row);
  BIND (father_name_ur_row);
  BIND (guardian_cnic_row);
  BIND (guardian_name_row);
  BIND (mobile_row);
  BIND (email_row);
  BIND (address1_row);
  BIND (address2_row);
  BIND (id_kind_row);
  BIND (gender_row);
  BIND (relation_row);
  BIND (district_row);
  BIND (tehsil_row);
  BIND (id_kind_cnic);
  BIND (id_kind_bform);
  BIND (gender_male);
  BIND (gender_female);
  BIND (gender_transgender);
  BIND (relation_father);
  BIND (relation_husband);
  BIND (review_grid);
  BIND (done_status);
  BIND (card_slot);
  BIND (next_button);
  BIND (photo_row);
  BIND (photo_picture);
  BIND (new_button);
  BIND (next_enrollment_button);
  BIND (action_bar);
  BIND (fingerprint_step);
  BIND (fingerprints_message);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_toggled);

  gtk_widget_class_install_action (widget_class, "enroll.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "enroll.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "enroll.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "enroll.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "enroll.choose-photo", NULL, choose_photo_action);
  gtk_widget_class_install_action (widget_class, "enroll.remove-photo", NULL, remove_photo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "enroll.new",
                                       NULL);
  /* Next and Back on the same keys in every language: a translated "_Next" puts its mnemonic
   * on a letter of its own script, which Alt+N does not reach. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_ALT_MASK, "enroll.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_ALT_MASK, "enroll.back", NULL);
}

/* Sets left-to-right on a widget and everything inside it. */
static void
force_ltr (GtkWidget *widget)
{
  gtk_widget_set_direction (widget, GTK_TEXT_DIR_LTR);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    force_ltr (child);
}

static void
ks_enroll_page_init (KsEnrollPage *self)
{
  g_type_ensure (KS_TYPE_FINGERPRINT_STEP);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->service_rows = g_ptr_array_new ();

  /* Which record field each entry edits. */
  {
    const struct { AdwEntryRow *row; KsField field; } bound[] = {
      { self->cnic_row, KS_FIELD_CNIC },
      { self->dob_row, KS_FIELD_DATE_OF_BIRTH },
      { self->full_name_row, KS_FIELD_FULL_NAME },
      { self->full_name_ur_row, KS_FIELD_FULL_NAME_UR },
      { self->father_name_row, KS_FIELD_FATHER_NAME },
      { self->father_name_ur_row, KS_FIELD_FATHER_NAME_UR },
      { self->guardian_cnic_row, KS_FIELD_GUARDIAN_CNIC },
      { self->guardian_name_row, KS_FIELD_GUARDIAN_NAME },
      { self->mobile_row, KS_FIELD_MOBILE },
      { self->email_row, KS_FIELD_EMAIL },
      { self->address1_row, KS_FIELD_ADDRESS_LINE1 },
      { self->address2_row, KS_FIELD_ADDRESS_LINE2 },
    };
    for (guint i = 0; i < G_N_ELEMENTS (bound); i++)
      g_object_set_data (G_OBJECT (bound[i].row), "ks-field", GINT_TO_POINTER (bound[i].field + 1));
  }

  /* Urdu is typed and read right to left. */
  gtk_widget_set_direction (GTK_WIDGET (self->full_name_ur_row), GTK_TEXT_DIR_RTL);
  gtk_widget_set_direction (GTK_WIDGET (self->father_name_ur_row), GTK_TEXT_DIR_RTL);
  /* Numbers stay left to right inside right-to-left screens, and also while the operator's
   * keyboard is on the Urdu layout (GtkText otherwise lays digits out in the keyboard's
   * direction). */
  force_ltr (GTK_WIDGET (self->cnic_row));
  force_ltr (GTK_WIDGET (self->dob_row));
  force_ltr (GTK_WIDGET (self->mobile_row));
  force_ltr (GTK_WIDGET (self->email_row));
  force_ltr (GTK_WIDGET (self->guardian_cnic_row));

  /* Rows that hold a picker or choice buttons are not tab stops themselves: Tab goes straight
   * to what they hold, one key press per field. */
  gtk_widget_set_focusable (GTK_WIDGET (self->id_kind_row), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self->gender_row), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self->relation_row), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self->district_row), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self->tehsil_row), FALSE);

  gtk_label_set_label (self->saved_label, _("Saved automatically as you type"));

  /* Guided mode: built here rather than in the template so the wizard's layout stays as it is;
   * the check box only shows on the training profile (ks_enroll_page_set_station()). */
  self->guide_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->guide_label, TRUE);
  gtk_label_set_xalign (self->guide_label, 0.0);
  gtk_widget_add_css_class (GTK_WIDGET (self->guide_label), "guide");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->guide_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("What to do on this step"), -1);
  self->guide_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->guide_revealer, GTK_WIDGET (self->guide_label));
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->steps_box))),
                              GTK_WIDGET (self->guide_revealer), GTK_WIDGET (self->steps_box));
  self->guide_check = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("Gu_ide me")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->guide_check),
                               _("Explain each step and highlight the next field to fill"));
  gtk_widget_set_visible (GTK_WIDGET (self->guide_check), FALSE);
  gtk_action_bar_pack_end (self->action_bar, GTK_WIDGET (self->guide_check));
  g_signal_connect_object (self->guide_check, "toggled", G_CALLBACK (on_guide_toggled), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->drafts_list, "row-activated", G_CALLBACK (on_draft_activated),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fingerprint_step, "changed", G_CALLBACK (on_fingerprints_changed),
                           self, G_CONNECT_SWAPPED);
  update_step_indicator (self);
}

void
ks_enroll_page_set_station (KsEnrollPage *self,
                            KsStation    *station)
{
  g_return_if_fail (KS_IS_ENROLL_PAGE (self));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);

  self->district_drop_down = ks_district_drop_down_new (ks_station_get_reference (station));
  adw_action_row_add_suffix (self->district_row, GTK_WIDGET (self->district_drop_down));
  adw_action_row_set_activatable_widget (self->district_row, GTK_WIDGET (self->district_drop_down));
  g_signal_connect_object (self->district_drop_down, "notify::selected",
                           G_CALLBACK (on_district_selected), self, G_CONNECT_SWAPPED);

  self->tehsil_drop_down = ks_tehsil_drop_down_new ();
  adw_action_row_add_suffix (self->tehsil_row, GTK_WIDGET (self->tehsil_drop_down));
  adw_action_row_set_activatable_widget (self->tehsil_row, GTK_WIDGET (self->tehsil_drop_down));
  g_signal_connect_object (self->tehsil_drop_down, "notify::selected",
                           G_CALLBACK (on_tehsil_selected), self, G_CONNECT_SWAPPED);

  build_service_rows (self);

  /* Trainees start guided; they can turn it off once they know the way. */
  gtk_widget_set_visible (GTK_WIDGET (self->guide_check), ks_station_is_training (station));
  ks_enroll_page_set_guided (self, ks_station_is_training (station));
  ks_fingerprint_step_set_station (self->fingerprint_step, station,
                                   ks_station_get_fingerprint_service (station));
}

/**
 * ks_enroll_page_set_session:
 *
 * A new operator signed in (their drafts are offered), or %NULL at sign-out: the open draft is
 * written to disk and the form closed.
 */
void
ks_enroll_page_set_session (KsEnrollPage *self,
                            KsSession    *session)
{
  g_return_if_fail (KS_IS_ENROLL_PAGE (self));

  if (session == NULL)
    {
      stop_saver (self);
      g_clear_object (&self->record);
      ks_fingerprint_step_set_draft (self->fingerprint_step, 0);
    }
  g_set_object (&self->session, session);
  refresh_start (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "start");
  if (session != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->new_button));
}

KsEnrollStep
ks_enroll_page_get_step (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), 0);
  return self->step;
}

const char *
ks_enroll_page_get_mode (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), NULL);
  return gtk_stack_get_visible_child_name (self->mode_stack);
}

const char *
ks_enroll_page_get_submitted_id (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), NULL);
  return self->submitted_id;
}

gint64
ks_enroll_page_get_draft_id (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), 0);
  return self->saver ? ks_draft_saver_get_draft_id (self->saver) : 0;
}

/**
 * ks_enroll_page_flush:
 *
 * Writes the open draft now (before a lock or a sign-out).
 */
gboolean
ks_enroll_page_flush (KsEnrollPage *self,
                      GError      **error)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), FALSE);
  return self->saver == NULL || ks_draft_saver_flush (self->saver, error);
}
