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

#include "ks-enroll-page-private.h"
#include "ks-l10n.h"
#include "ks-record-validate.h"
#include "ks-records.h"

G_DEFINE_FINAL_TYPE (KsEnrollPage, ks_enroll_page, ADW_TYPE_BIN)

static const char *const step_names[KS_ENROLL_N_STEPS] = {
  "identity", "personal", "address", "services", "fingerprints", "review", "card",
};

const int _ks_enroll_step_fields[KS_ENROLL_N_STEPS][2] = {
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
      return _("Slip");
    case KS_ENROLL_N_STEPS:
    default:
      g_return_val_if_reached ("");
    }
}

void
_ks_enroll_page_today (GDate *date)
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
      return ks_enroll_photo_get_row (self->photo);

    case KS_FIELD_CONSENTS:
      return ks_enroll_services_get_pending (self->services_group);
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

void
_ks_enroll_page_show_step_message (KsEnrollPage *self,
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
          /* The arrow points to the next step: leftwards in Urdu and Pashto. A character in a
           * label pinned left to right, not a themed icon: GTK 4.8 looks right-to-left icons
           * up as "go-next-rtl-symbolic", which Adwaita does not have, so the go-next and
           * go-previous icons both came out wrong one way or the other (issue 15). */
          gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
          GtkWidget *arrow = gtk_label_new (rtl ? "‹" : "›");

          gtk_widget_set_direction (arrow, GTK_TEXT_DIR_LTR);
          gtk_widget_add_css_class (arrow, "dim-label");
          gtk_widget_add_css_class (arrow, "step-arrow");
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
      return _("Print the enrollment slip and hand it to the citizen with their CNIC. The signed "
               "card is printed once a supervisor approves the record.");
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

  if (self->record == NULL || self->station == NULL || _ks_enroll_step_fields[self->step][0] < 0)
    return;
  g_date_clear (&date, 1);
  g_date_set_time_t (&date, time (NULL));
  if (!ks_record_validate (self->record, _ks_enroll_step_fields[self->step][0],
                           _ks_enroll_step_fields[self->step][1],
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

/* The operator changed something: saved within a second (or once the draft exists, when the
 * keys came while it was being made). */
static void
save_draft_soon (KsEnrollPage *self)
{
  self->draft_touched = TRUE;
  if (self->saver != NULL && self->record != NULL)
    ks_draft_saver_update (self->saver, self->record, self->step);
}

static void
update_guardian_visibility (KsEnrollPage *self)
{
  GDate date;

  _ks_enroll_page_today (&date);
  gtk_widget_set_visible (GTK_WIDGET (self->guardian_group),
                          ks_record_field_applies (self->record, KS_FIELD_GUARDIAN_CNIC, &date));
}

/* The operator changed the services or a consent. */
static void
on_consents_changed (KsEnrollPage *self)
{
  g_autofree char *json = NULL;

  if (self->loading || self->record == NULL)
    return;
  json = ks_enroll_services_dup_consents (self->services_group);
  ks_record_set (self->record, KS_FIELD_CONSENTS, json);
  save_draft_soon (self);
}

/* The operator chose a photo or removed it. */
static void
on_photo_changed (KsEnrollPage *self)
{
  if (self->record == NULL)
    return;
  ks_record_set (self->record, KS_FIELD_PHOTO, ks_enroll_photo_get_sealed (self->photo));
  save_draft_soon (self);
}

static void
on_photo_failed (KsEnrollPage *self,
                 const char   *message)
{
  _ks_enroll_page_show_step_message (self, message, -1);
}

static void
on_field_changed (KsEnrollPage *self,
                  GtkEditable  *editable)
{
  gpointer field = g_object_get_data (G_OBJECT (editable), "ks-field");

  if (self->loading || self->record == NULL || field == NULL)
    return;
  ks_record_set_typed (self->record, GPOINTER_TO_INT (field) - 1,
                       gtk_editable_get_text (editable));
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

/* Shows the record's fields in the widgets, without treating that as typing. */
void
_ks_enroll_page_load_widgets (KsEnrollPage *self)
{
  KsRecord *r = self->record;

  self->loading = TRUE;
  set_choice (self->id_kind_cnic, self->id_kind_bform, NULL, ks_record_get (r, KS_FIELD_ID_KIND),
              "cnic", "bform", NULL);
  set_entry (self->cnic_row, ks_record_get (r, KS_FIELD_CNIC));
  set_choice (self->gender_male, self->gender_female, self->gender_transgender,
              ks_record_get (r, KS_FIELD_GENDER), "male", "female", "transgender");
  {
    /* The record keeps YYYY-MM-DD once checked; people read and type DD-MM-YYYY. */
    g_autofree char *dob = ks_format_iso_date (ks_record_get (r, KS_FIELD_DATE_OF_BIRTH));

    set_entry (self->dob_row, dob);
  }
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

  ks_enroll_services_set_consents (self->services_group, ks_record_get (r, KS_FIELD_CONSENTS));
  update_guardian_visibility (self);
  self->loading = FALSE;
  ks_enroll_photo_set_sealed (self->photo, ks_record_get (r, KS_FIELD_PHOTO));
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
      return ks_enroll_services_get_first (self->services_group)
               ? ks_enroll_services_get_first (self->services_group)
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

void
_ks_enroll_page_go_to_step (KsEnrollPage *self,
                            KsEnrollStep  step)
{
  GtkWidget *focus;

  self->step = step;
  gtk_stack_set_visible_child_name (self->step_stack, step_names[step]);
  _ks_enroll_page_show_step_message (self, NULL, -1);
  update_step_indicator (self);

  if (step == KS_ENROLL_STEP_REVIEW)
    {
      g_autofree char *fingers = ks_fingerprint_step_describe (self->fingerprint_step);

      ks_enroll_summary_show (self->summary, self->record,
                              ks_station_get_reference (self->station), fingers);
    }

  gtk_button_set_label (self->next_button,
                        step == KS_ENROLL_STEP_REVIEW ? _("S_ubmit") : _("_Next"));
  gtk_widget_set_visible (GTK_WIDGET (self->action_bar), step < KS_ENROLL_STEP_CARD);
  /* As wide as the step's own clamp (the fingerprint step's hands need more room). */
  adw_clamp_set_maximum_size (self->action_clamp, step == KS_ENROLL_STEP_FINGERPRINTS ? 960 : 720);
  adw_clamp_set_tightening_threshold (self->action_clamp,
                                      step == KS_ENROLL_STEP_FINGERPRINTS ? 960 : 720);
  _ks_enroll_page_actions_update (self);

  if ((focus = first_field_of_step (self, step)))
    gtk_widget_grab_focus (focus);
  /* The step is saved too: a resumed draft opens where the operator was. */
  if (self->saver != NULL && self->record != NULL)
    ks_draft_saver_update (self->saver, self->record, self->step);
  update_guide (self);
}

/* The last finger done: Enter goes on to the review. */
static void
on_fingerprints_changed (KsEnrollPage *self)
{
  if (self->step == KS_ENROLL_STEP_FINGERPRINTS &&
      ks_fingerprint_step_is_complete (self->fingerprint_step))
    {
      _ks_enroll_page_show_step_message (self, NULL, -1);
      gtk_widget_grab_focus (GTK_WIDGET (self->next_button));
    }
}

/* The operator took the last finger: on to the review, as Next would (it compares the fingers
 * first, and stays with a message if two are one). */
static void
on_fingerprints_all_done (KsEnrollPage *self)
{
  if (self->step == KS_ENROLL_STEP_FINGERPRINTS)
    gtk_widget_activate_action (GTK_WIDGET (self), "enroll.next", NULL);
}

static void
on_entry_activated (KsEnrollPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "enroll.next", NULL);
}

/* Enter on a choice (gender, relation, a service's switches) goes to the next step, as Enter
 * in a text field does; Space still flips the choice. Not on the fingerprint step, whose
 * fingertips are toggle buttons that Enter captures. */
static gboolean
on_step_key (GtkEventControllerKey *controller,
             guint                  keyval,
             guint                  keycode,
             GdkModifierType        state,
             KsEnrollPage          *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  if ((keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter) ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) || focus == NULL ||
      self->step == KS_ENROLL_STEP_FINGERPRINTS || self->step >= KS_ENROLL_STEP_REVIEW)
    return GDK_EVENT_PROPAGATE;
  if (!GTK_IS_SWITCH (focus) && !GTK_IS_TOGGLE_BUTTON (focus) && !GTK_IS_CHECK_BUTTON (focus))
    return GDK_EVENT_PROPAGATE;
  gtk_widget_activate_action (GTK_WIDGET (self), "enroll.next", NULL);
  return GDK_EVENT_STOP;
}

/* GObject *****************************************************************************/

static void
ks_enroll_page_dispose (GObject *object)
{
  KsEnrollPage *self = (KsEnrollPage *)object;

  g_cancellable_cancel (self->cancellable);
  _ks_enroll_page_stop_saver (self);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->record);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
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
  BIND (start_page);
  BIND (step_stack);
  BIND (steps_box);
  BIND (saved_label);
  BIND (identity_warning);
  BIND (identity_message);
  BIND (personal_message);
  BIND (address_message);
  BIND (services_message);
  BIND (review_message);
  BIND (guardian_group);
  BIND (services_group);
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
  BIND (summary);
  BIND (done_status);
  BIND (card_slot);
  BIND (next_button);
  BIND (photo);
  BIND (next_enrollment_button);
  BIND (action_bar);
  BIND (action_clamp);
  BIND (fingerprint_step);
  BIND (fingerprints_message);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_choice_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_consents_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_photo_failed);

  _ks_enroll_page_class_actions_init (widget_class);
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
  g_type_ensure (KS_TYPE_ENROLL_START);
  g_type_ensure (KS_TYPE_ENROLL_SERVICES);
  g_type_ensure (KS_TYPE_ENROLL_PHOTO);
  g_type_ensure (KS_TYPE_ENROLL_SUMMARY);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

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
  g_signal_connect_object (self->fingerprint_step, "changed", G_CALLBACK (on_fingerprints_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->fingerprint_step, "all-done",
                           G_CALLBACK (on_fingerprints_all_done), self, G_CONNECT_SWAPPED);
  {
    GtkEventController *key = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
    g_signal_connect_object (key, "key-pressed", G_CALLBACK (on_step_key), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->step_stack), key);
  }
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

  {
    g_auto(GStrv) enabled = ks_station_config_dup_strv (ks_station_get_config (station),
                                                        "enabled-services");

    ks_enroll_services_set_services (self->services_group, ks_station_get_reference (station),
                                     (const char *const *)enabled);
  }
  ks_enroll_photo_set_profile (self->photo, ks_station_get_profile (station));

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
      _ks_enroll_page_stop_saver (self);
      g_clear_object (&self->record);
      ks_fingerprint_step_set_draft (self->fingerprint_step, 0);
    }
  g_set_object (&self->session, session);
  /* Whatever the last operator's page was waiting for no longer matters. */
  self->serial++;
  self->busy = FALSE;
  self->creating = FALSE;
  self->next_after_create = FALSE;
  ks_enroll_start_set_drafts (self->start_page, NULL, NULL);
  _ks_enroll_page_refresh_start (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "start");
  if (session != NULL)
    ks_enroll_start_focus_new (self->start_page);
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

/**
 * ks_enroll_page_load_photo:
 * @file: a PNG or JPEG file
 *
 * Attaches the photo in @file to the open record, as choosing it does.
 */
void
ks_enroll_page_load_photo (KsEnrollPage *self,
                           GFile        *file)
{
  g_return_if_fail (KS_IS_ENROLL_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  ks_enroll_photo_load_file (self->photo, file);
}

gint64
ks_enroll_page_get_draft_id (KsEnrollPage *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PAGE (self), 0);
  return self->saver ? ks_draft_saver_get_draft_id (self->saver) : 0;
}
