/* ks-enroll-page-actions.c: what the enrollment wizard's buttons and keys do
 *
 * Every action of the wizard in one place: Next (validate the step, check the CNIC is not
 * enrolled already, check the fingers for duplicates, submit), Back, New and Close, and the
 * drafts of the start page. _ks_enroll_page_actions_update() sets what is enabled on a step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-card-view.h"
#include "ks-cards.h"
#include "ks-enroll-page-private.h"
#include "ks-record-validate.h"
#include "ks-records.h"
#include "ks-slip-view.h"

/* Validates the step's fields, writing normalised values back (a CNIC gets its dashes). */
static gboolean
validate_step (KsEnrollPage *self,
               KsEnrollStep  step)
{
  g_autoptr(GError) error = NULL;
  GDate date;
  KsField bad = 0;

  if (_ks_enroll_step_fields[step][0] < 0)
    return TRUE;

  _ks_enroll_page_today (&date);
  if (!ks_record_validate (self->record, _ks_enroll_step_fields[step][0],
                           _ks_enroll_step_fields[step][1],
                           ks_station_get_reference (self->station), &date, TRUE, &bad, &error))
    {
      if (step != self->step)
        _ks_enroll_page_go_to_step (self, step);
      _ks_enroll_page_show_step_message (self, error->message, bad);
      return FALSE;
    }
  _ks_enroll_page_load_widgets (self);
  return TRUE;
}

static void
show_identity_warning (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;
  GDate date;

  _ks_enroll_page_today (&date);
  if (ks_record_check_field (self->record, KS_FIELD_CNIC, ks_station_get_reference (self->station),
                             &date, NULL, &error) == KS_VALIDATE_WARNING)
    {
      gtk_label_set_label (self->identity_warning, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->identity_warning), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->identity_warning), FALSE);
}

static void
record_loaded (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = ks_station_load_record_finish (KS_STATION (object), result, &info,
                                                              &error);

  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  self->busy = FALSE;
  if (record == NULL)
    {
      _ks_enroll_page_show_step_message (self, error->message, -1);
      return;
    }
  _ks_enroll_page_discard_saver (self);
  _ks_enroll_page_start_draft (self, record, info->id, KS_ENROLL_STEP_PERSONAL);
}

static void
on_existing_response (AdwMessageDialog *dialog,
                      const char       *response,
                      KsEnrollPage     *self)
{
  const char *kp_id = g_object_get_data (G_OBJECT (dialog), "kp-id");

  if (!g_str_equal (response, "edit") || self->busy)
    return;

  /* The citizen is already enrolled: continue with their record, not a second one. */
  self->busy = TRUE;
  ks_station_load_record_async (self->station, kp_id, self->cancellable, record_loaded,
                                _ks_enroll_pending_new (self, NULL, 0));
}

/* Tells the operator the citizen is enrolled here already, and offers to open that record. */
static void
show_enrolled (KsEnrollPage *self,
               KsEnrolled   *enrolled)
{
  KsRecordInfo *existing = enrolled->info;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

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
  if (existing->decision == KS_RECORD_STATE_APPROVED && enrolled->editable)
    {
      g_autofree char *more = g_strconcat (body, " ",
                                           _("A correction is a new version that goes back to "
                                             "review, and the card already issued is revoked."),
                                           NULL);

      adw_message_dialog_set_body (dialog, more);
    }
  if (enrolled->editable)
    {
      adw_message_dialog_add_response (dialog, "edit", _("_Open Record"));
      adw_message_dialog_set_response_appearance (dialog, "edit", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "edit");
    }
  g_object_set_data_full (G_OBJECT (dialog), "kp-id", g_strdup (existing->kp_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_existing_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A CNIC already at this station opens that record instead of a second enrollment. */
static void
enrolled_checked (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsEnrolled) enrolled = ks_station_find_enrolled_finish (KS_STATION (object), result,
                                                                    &error);

  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  self->busy = FALSE;
  if (enrolled != NULL)
    show_enrolled (self, enrolled);
  else if (self->step == KS_ENROLL_STEP_IDENTITY)
    _ks_enroll_page_go_to_step (self, KS_ENROLL_STEP_PERSONAL);
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

  body = g_strdup_printf (_("Submit the record of %s for review? The citizen gets the "
                            "enrollment slip now, and the signed card once a supervisor approves "
                            "the record."),
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
      _ks_enroll_page_show_step_message (self, error->message, -1);
      return;
    }
  self->busy = FALSE;
  if (self->step == KS_ENROLL_STEP_FINGERPRINTS)
    _ks_enroll_page_go_to_step (self, KS_ENROLL_STEP_REVIEW);
}

static gboolean
check_fingerprints (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;

  if (ks_fingerprint_step_check_complete (self->fingerprint_step, &error))
    return TRUE;
  if (self->step != KS_ENROLL_STEP_FINGERPRINTS)
    {
      _ks_enroll_page_go_to_step (self, KS_ENROLL_STEP_FINGERPRINTS);
      /* go_to_step() focused the first pending finger; check again to say which. */
      g_clear_error (&error);
      ks_fingerprint_step_check_complete (self->fingerprint_step, &error);
    }
  _ks_enroll_page_show_step_message (self, error ? error->message : NULL, -1);
  return FALSE;
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  /* Enter typed before the draft exists (a fast operator, right after Ctrl+N) is not lost. */
  if (self->creating)
    {
      self->next_after_create = TRUE;
      return;
    }
  if (self->record == NULL || self->busy)
    return;
  if (!validate_step (self, self->step))
    return;

  switch (self->step)
    {
    case KS_ENROLL_STEP_IDENTITY:
      show_identity_warning (self);
      self->busy = TRUE;
      ks_station_find_enrolled_async (self->station, ks_record_get (self->record, KS_FIELD_CNIC),
                                      self->saver ? ks_draft_saver_get_draft_id (self->saver) : 0,
                                      self->cancellable, enrolled_checked,
                                      _ks_enroll_pending_new (self, NULL, 0));
      return;

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
      _ks_enroll_page_show_step_message (self, NULL, -1);
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
  _ks_enroll_page_go_to_step (self, self->step + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  if (self->step > KS_ENROLL_STEP_IDENTITY && self->step < KS_ENROLL_STEP_CARD)
    _ks_enroll_page_go_to_step (self, self->step - 1);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);
  g_autoptr(KsRecord) record = NULL;

  if (self->station == NULL || self->session == NULL || self->busy)
    return;
  record = ks_record_new ();
  /* Start with no gender chosen: the operator picks it from the card. */
  ks_record_set (record, KS_FIELD_GENDER, "");
  g_clear_pointer (&self->submitted_id, g_free);
  adw_bin_set_child (self->card_slot, NULL);
  g_clear_weak_pointer (&self->guided_row);
  _ks_enroll_page_start_draft (self, record, 0, KS_ENROLL_STEP_IDENTITY);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);

  _ks_enroll_page_stop_saver (self);
  g_clear_object (&self->record);
  ks_fingerprint_step_set_draft (self->fingerprint_step, 0);
  _ks_enroll_page_refresh_start (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "start");
  ks_enroll_start_focus_new (self->start_page);
}

/* Start page: a draft picked to continue, or discarded. */
static void
on_resume_draft (KsEnrollPage *self,
                 gint64        draft_id)
{
  _ks_enroll_page_resume_draft (self, draft_id);
}

static void
draft_discarded (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;

  ks_station_discard_draft_finish (KS_STATION (object), result, &error);
  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  if (error != NULL)
    ks_enroll_start_show_message (self->start_page, error->message);
  else
    _ks_enroll_page_refresh_start (self);
}

static void
on_discard_draft (KsEnrollPage *self,
                  gint64        draft)
{
  ks_station_discard_draft_async (self->station, self->session, draft, self->cancellable,
                                  draft_discarded, _ks_enroll_pending_new (self, NULL, 0));
}

/* Submit ******************************************************************************/

static GtkWidget *
error_label (const char   *what,
             const GError *error)
{
  g_autofree char *text = g_strdup_printf ("%s %s", what, error ? error->message : "");
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "error");
  return label;
}

/* The page and the draft being submitted, until the submit is done. */
typedef struct
{
  KsEnrollPage *page;
  gint64 draft_id;
} Submitting;

static void
submitting_free (Submitting *submitting)
{
  g_object_unref (submitting->page);
  g_free (submitting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Submitting, submitting_free)

static void
submit_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Submitting) submitting = user_data;
  KsEnrollPage *self = submitting->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSubmission) job = ks_station_submit_finish (KS_STATION (object), result, &error);
  g_autofree char *description = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", TRUE);

  if (job == NULL)
    {
      /* Nothing is lost: the draft is still there; the saver takes up again. */
      self->saver = ks_draft_saver_new (ks_station_get_store (self->station),
                                        submitting->draft_id);
      _ks_enroll_page_show_step_message (self, error->message, -1);
      return;
    }

  g_clear_object (&self->saver);
  g_free (self->submitted_id);
  self->submitted_id = g_strdup (job->kp_id);
  /* Translators: %s is a Khyber Pass ID such as PEW-A01-0000123-N */
  description = g_strdup_printf (job->approved
                                   ? _("Khyber Pass ID %s. The record is approved and queued "
                                       "for the registry: give the citizen the slip and the "
                                       "signed card.")
                                   : _("Khyber Pass ID %s. Give the citizen the enrollment "
                                       "slip: the record now waits for a supervisor’s review, "
                                       "and the signed card is printed once it is approved."),
                                 self->submitted_id);
  adw_status_page_set_description (self->done_status, description);

  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

    if (job->slip != NULL)
      {
        GtkWidget *view = ks_slip_view_new ();

        ks_slip_view_set_slip (KS_SLIP_VIEW (view), g_steal_pointer (&job->slip));
        gtk_box_append (GTK_BOX (box), view);
      }
    else
      gtk_box_append (GTK_BOX (box), error_label (_("The slip could not be made:"),
                                                  job->slip_error));
    if (job->card != NULL)
      {
        GtkWidget *view = ks_card_view_new ();

        ks_card_view_set_station (KS_CARD_VIEW (view), self->station);
        ks_card_view_set_card (KS_CARD_VIEW (view), g_steal_pointer (&job->card));
        gtk_box_append (GTK_BOX (box), view);
      }
    else if (job->approved)
      gtk_box_append (GTK_BOX (box), error_label (_("The card could not be made:"),
                                                  job->card_error));
    adw_bin_set_child (self->card_slot, box);
  }
  _ks_enroll_page_go_to_step (self, KS_ENROLL_STEP_CARD);
  gtk_widget_grab_focus (GTK_WIDGET (self->next_enrollment_button));
  g_clear_object (&self->record);
}

/* The draft is written: now the record goes to the store. */
static void
draft_flushed (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  Submitting *submitting;

  if (!ks_draft_saver_flush_finish (KS_DRAFT_SAVER (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!_ks_enroll_pending_is_current (pending, error) || self->saver != KS_DRAFT_SAVER (object))
    return;
  if (error != NULL)
    {
      self->busy = FALSE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", TRUE);
      _ks_enroll_page_show_step_message (self, error->message, -1);
      return;
    }

  submitting = g_new0 (Submitting, 1);
  submitting->page = g_object_ref (self);
  submitting->draft_id = ks_draft_saver_get_draft_id (self->saver);
  /* Nothing is left to write; the saver's thread ends in a worker. */
  _ks_enroll_page_stop_saver (self);
  ks_station_submit_async (self->station, self->session, submitting->draft_id, self->record,
                           self->cancellable, submit_done, submitting);
}

/* The record goes to the store in a worker thread (KsStation): the form waits, responsive.
 * The draft is written first: if the submit fails, the form is exactly as the operator left
 * it. */
static void
submit (KsEnrollPage *self)
{
  if (self->busy || self->saver == NULL)
    return;

  self->busy = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", FALSE);
  ks_draft_saver_flush_async (self->saver, self->cancellable, draft_flushed,
                              _ks_enroll_pending_new (self, NULL, 0));
}

/* Enter on a picker that shows a choice (ks-ui-util.c): the district goes on to the tehsil,
 * the tehsil (the step's last field) to the next step. */
static void
picker_chosen_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KsEnrollPage *self = KS_ENROLL_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkWidget *district = GTK_WIDGET (self->district_drop_down);

  if (focus != NULL && district != NULL &&
      (focus == district || gtk_widget_is_ancestor (focus, district)))
    gtk_widget_grab_focus (GTK_WIDGET (self->tehsil_drop_down));
  else
    gtk_widget_activate_action (widget, "enroll.next", NULL);
}

/* Class ******************************************************************************/

/**
 * _ks_enroll_page_actions_update:
 *
 * Enables the actions that make sense on the current step.
 */
void
_ks_enroll_page_actions_update (KsEnrollPage *self)
{
  KsEnrollStep step = self->step;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.back",
                                 step > KS_ENROLL_STEP_IDENTITY && step < KS_ENROLL_STEP_CARD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.next", step < KS_ENROLL_STEP_CARD);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.close", step < KS_ENROLL_STEP_CARD);
}

void
_ks_enroll_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_resume_draft);
  gtk_widget_class_bind_template_callback (widget_class, on_discard_draft);

  gtk_widget_class_install_action (widget_class, "enroll.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "enroll.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "enroll.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "enroll.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "picker.chosen", NULL, picker_chosen_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "enroll.new",
                                       NULL);
  /* Next and Back on the same keys in every language: a translated "_Next" puts its mnemonic
   * on a letter of its own script, which Alt+N does not reach. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_ALT_MASK, "enroll.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_ALT_MASK, "enroll.back", NULL);
}
