/* ks-fingerprint-step-capture.c: taking one finger in the fingerprint step
 *
 * The reader takes the selected finger through libfprint's enrolment stages (in core, on the
 * fingerprint service's thread: ks_fingers_capture_async()) while the step says "Place your
 * finger" / "Lift your finger", shows each impression and grades it. A poor try is repeated on
 * its own; after three the operator keeps the best one (flagged "forced" for the supervisor) or
 * marks the finger missing with a reason. Every finished finger goes into the draft at once,
 * sealed with the station's biometrics key in a worker thread, so a crash or a sign-out loses no
 * finger.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingerprint-step"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-fingerprint-step-private.h"

static void start_try (KsFingerprintStep *self);

void
_ks_fingerprint_step_clear_tries (KsFingerprintStep *self)
{
  for (guint i = 0; i < MAX_TRIES; i++)
    g_clear_pointer (&self->tries[i], ks_finger_capture_free);
  self->n_tries = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->keep_best_button), FALSE);
}

static void
set_capturing (KsFingerprintStep *self,
               gboolean           capturing)
{
  self->capturing = capturing;
  ks_scanner_simulator_set_waiting (self->scanner_simulator, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->capture_button), !capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->stage_bar), capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  if (capturing)
    gtk_widget_set_visible (GTK_WIDGET (self->keep_best_button), FALSE);
  _ks_fingerprint_step_update_all (self);
}

static void
on_progress (KsFingerprintService        *service,
             const KsFingerprintProgress *progress,
             gpointer                     user_data)
{
  KsFingerprintStep *self = user_data;

  /* A late report of a capture already cancelled or finished. */
  if (!self->capturing)
    return;

  switch (progress->event)
    {
    case KS_FINGERPRINT_EVENT_PLACE_FINGER:
      ks_scanner_simulator_set_waiting (self->scanner_simulator, TRUE);
      /* Finger-status reports carry no stage: the impressions kept so far tell. */
      gtk_label_set_label (self->prompt_label, self->n_shots == 0 ? _("Place your finger")
                                                                  : _("Place your finger again"));
      break;

    case KS_FINGERPRINT_EVENT_FINGER_DOWN:
      ks_scanner_simulator_set_waiting (self->scanner_simulator, FALSE);
      gtk_label_set_label (self->prompt_label, _("Hold still…"));
      break;

    case KS_FINGERPRINT_EVENT_FINGER_UP:
      break;

    case KS_FINGERPRINT_EVENT_STAGE_DONE:
      {
        g_autofree char *text = g_strdup_printf (_("Stage %u of %u"), progress->stage,
                                                 progress->n_stages);

        ks_scanner_simulator_set_waiting (self->scanner_simulator, FALSE);
        gtk_progress_bar_set_fraction (self->stage_bar,
                                       (double)progress->stage / MAX (1, progress->n_stages));
        gtk_progress_bar_set_text (self->stage_bar, text);
        if (progress->stage < progress->n_stages)
          gtk_label_set_label (self->prompt_label, _("Lift your finger"));
        else
          gtk_label_set_label (self->prompt_label, _("Lift your finger: checking the capture…"));
        _ks_fingerprint_step_show_image (self, progress->image, progress->width,
                                         progress->height);
        _ks_fingerprint_step_show_quality (self, &progress->quality);
        self->n_shots++;
      }
      break;

    case KS_FINGERPRINT_EVENT_RETRY:
    default:
      _ks_fingerprint_step_show_attempt (self, progress->message);
      gtk_label_set_label (self->prompt_label, _("Place your finger again"));
      break;
    }
}

/* Dropped at low priority, after the progress reports the worker queued before its result. */
static gboolean
unref_later (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KsFingerprintStep) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The finger stays on screen; the operator can capture it again once the disk is back. */
  if (!ks_fingers_save_draft_finish (result, &error) && self->station != NULL)
    _ks_fingerprint_step_show_attempt (self, error->message);
}

/* Writes a finished finger into the draft, in a worker thread (SQLite syncs to disk). Not
 * cancelled when the step goes away: a finger taken is a finger kept. */
static void
save_finger (KsFingerprintStep     *self,
             const KsFingerCapture *capture)
{
  g_autoptr(GError) error = NULL;
  KsVault *vault = NULL;

  if (self->draft_id <= 0 || self->station == NULL)
    return;
  vault = ks_station_get_biometrics_vault (self->station, &error);
  if (vault == NULL)
    {
      _ks_fingerprint_step_show_attempt (self, error->message);
      return;
    }
  ks_fingers_save_draft_async (ks_station_get_store (self->station), vault, self->draft_id,
                               capture, NULL, on_saved, g_object_ref (self));
}

static void
finish_finger (KsFingerprintStep *self,
               KsFingerCapture   *capture)
{
  FpFinger finger = capture->finger;
  FpFinger next;

  g_clear_pointer (&self->fingers[finger], ks_finger_capture_free);
  self->fingers[finger] = capture;
  save_finger (self, capture);
  _ks_fingerprint_step_clear_tries (self);
  if (capture->status != KS_FINGER_FORCED)
    _ks_fingerprint_step_show_attempt (self, NULL);

  /* On to the next finger still needed, and the panel with it: its heading, state and buttons
   * describe the finger the hands highlight (one Space starts it). With none left, the panel
   * stays on the finger just done. */
  next = _ks_fingerprint_step_next_pending (self);
  if (next != 0)
    {
      _ks_fingerprint_step_select_finger (self, next);
      gtk_widget_grab_focus (ks_hands_view_get_button (self->hands_view, next));
    }
  else
    {
      _ks_fingerprint_step_update_all (self);
      _ks_fingerprint_step_show_selected (self);
    }
  _ks_fingerprint_step_emit_changed (self);
  if (next == 0 && ks_fingerprint_step_is_complete (self))
    _ks_fingerprint_step_emit_all_done (self);
}

static void
on_captured (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  KsFingerprintStep *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFingerCapture) attempt = NULL;

  g_idle_add_full (G_PRIORITY_LOW, unref_later, self, NULL);

  attempt = ks_fingers_capture_finish (result, &error);
  /* Cancelled, or finished just as it was cancelled: the operator has moved on. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->service == NULL ||
      !self->capturing)
    return;
  set_capturing (self, FALSE);
  if (attempt == NULL)
    {
      _ks_fingerprint_step_show_trouble (self, error);
      _ks_fingerprint_step_show_selected (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->retry_button));
      return;
    }

  attempt->tries = self->n_tries + 1;
  _ks_fingerprint_step_show_image (self, attempt->image, attempt->width, attempt->height);
  _ks_fingerprint_step_show_quality (self, &attempt->quality);

  if (attempt->quality.grade != KS_FP_GRADE_POOR)
    {
      finish_finger (self, g_steal_pointer (&attempt));
      return;
    }

  self->tries[self->n_tries++] = g_steal_pointer (&attempt);
  if (self->n_tries < MAX_TRIES)
    {
      g_autofree char *text = NULL;

      /* Translators: after a poor capture; %u is the next try's number */
      text = g_strdup_printf (_("The capture was poor. Capturing again by itself (try %u of %u): "
                                "ask the citizen to press the whole fingertip flat on the glass."),
                              self->n_tries + 1, MAX_TRIES);
      _ks_fingerprint_step_show_attempt (self, text);
      start_try (self);
      return;
    }

  _ks_fingerprint_step_show_attempt (self,
                                     _("Three captures were poor. Keep the best one (the "
                                       "supervisor will see it was forced) or mark the finger "
                                       "missing with a reason."));
  _ks_fingerprint_step_show_selected (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->keep_best_button));
}

static void
start_try (KsFingerprintStep *self)
{
  guint n_stages = ks_fingerprint_service_get_n_enroll_stages (self->service);
  g_autofree char *text = g_strdup_printf (_("Stage 0 of %u"), MAX (1, n_stages));

  g_return_if_fail (self->selected != 0 && !self->capturing);

  _ks_fingerprint_step_show_trouble (self, NULL);
  self->n_shots = 0;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_capturing (self, TRUE);
  gtk_label_set_label (self->finger_title, ks_finger_get_label (self->selected));
  gtk_label_set_label (self->prompt_label, _("Starting the reader…"));
  gtk_progress_bar_set_fraction (self->stage_bar, 0);
  gtk_progress_bar_set_text (self->stage_bar, text);
  ks_fingers_capture_async (self->service, self->selected, self->cancellable, on_progress, self,
                            on_captured, g_object_ref (self));
}

void
_ks_fingerprint_step_cancel_capture (KsFingerprintStep *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->capturing)
    set_capturing (self, FALSE);
}

void
_ks_fingerprint_step_select_finger (KsFingerprintStep *self,
                                    FpFinger           finger)
{
  if (self->selected != finger)
    {
      _ks_fingerprint_step_clear_tries (self);
      _ks_fingerprint_step_show_attempt (self, NULL);
    }
  self->selected = finger;
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  _ks_fingerprint_step_update_all (self);
  _ks_fingerprint_step_show_selected (self);
}

static void
begin_capture (KsFingerprintStep *self)
{
  if (self->capturing || self->selected == 0 || self->service == NULL)
    return;
  _ks_fingerprint_step_clear_tries (self);
  _ks_fingerprint_step_show_attempt (self, NULL);
  if (!ks_fingerprint_service_has_reader (self->service))
    {
      _ks_fingerprint_step_show_no_reader_if_needed (self);
      return;
    }
  start_try (self);
}

static void
on_finger_clicked (KsFingerprintStep *self,
                   FpFinger           finger)
{
  if (self->capturing)
    {
      _ks_fingerprint_step_update_finger (self, finger);
      return;
    }
  _ks_fingerprint_step_select_finger (self, finger);
  /* A finger still to do starts at once; a finished one is shown, Capture Again redoes it. */
  if (self->fingers[finger] == NULL)
    begin_capture (self);
}

static void
on_capture_clicked (KsFingerprintStep *self)
{
  begin_capture (self);
}

static void
on_cancel_clicked (KsFingerprintStep *self)
{
  _ks_fingerprint_step_cancel_capture (self);
  _ks_fingerprint_step_show_selected (self);
}

static void
on_retry_clicked (KsFingerprintStep *self)
{
  if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
    {
      _ks_fingerprint_step_show_no_reader_if_needed (self);
      if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
        return;
    }
  _ks_fingerprint_step_show_trouble (self, NULL);
  if (self->selected == 0)
    self->selected = _ks_fingerprint_step_next_pending (self);
  /* The tries so far still count: a reader fault is not the citizen's poor capture. */
  if (self->selected != 0 && !self->capturing)
    start_try (self);
}

static void
on_keep_best_clicked (KsFingerprintStep *self)
{
  KsFpQuality qualities[MAX_TRIES];
  KsFingerCapture *best;
  guint i;

  if (self->n_tries == 0)
    return;
  for (i = 0; i < self->n_tries; i++)
    qualities[i] = self->tries[i]->quality;
  i = ks_fp_quality_pick_best (qualities, self->n_tries);
  best = g_steal_pointer (&self->tries[i]);
  best->status = KS_FINGER_FORCED;
  best->tries = self->n_tries;
  _ks_fingerprint_step_show_attempt (self, NULL);
  finish_finger (self, best);
}

static void
on_missing_clicked (KsFingerprintStep *self)
{
  gboolean show = !gtk_widget_get_visible (GTK_WIDGET (self->missing_box));

  /* Nothing is chosen for the operator (not even the last citizen's reason): the first entry
   * asks for a choice, and Mark Missing waits for one. */
  gtk_drop_down_set_selected (self->reason_drop_down, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), show);
  if (show)
    gtk_widget_grab_focus (GTK_WIDGET (self->reason_drop_down));
}

static void
on_reason_selected (KsFingerprintStep *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->missing_confirm_button),
                            gtk_drop_down_get_selected (self->reason_drop_down) > 0);
}

static void
on_missing_confirm_clicked (KsFingerprintStep *self)
{
  GPtrArray *reasons;
  KsFingerCapture *capture;
  guint index = gtk_drop_down_get_selected (self->reason_drop_down);

  if (self->station == NULL || self->selected == 0)
    return;
  reasons = ks_reference_get_missing_finger_reasons (ks_station_get_reference (self->station));
  /* Entry 0 is "Choose why…", then the reasons in their file's order. */
  if (index == 0 || index == GTK_INVALID_LIST_POSITION || index - 1 >= reasons->len)
    return;
  index--;
  _ks_fingerprint_step_cancel_capture (self);
  capture = ks_finger_capture_new (self->selected);
  capture->status = KS_FINGER_MISSING;
  capture->reason = g_strdup (((const KsReason *)reasons->pdata[index])->id);
  capture->tries = self->n_tries;
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  _ks_fingerprint_step_show_attempt (self, NULL);
  finish_finger (self, capture);
}

/* The template's handlers for what this file does. */
void
_ks_fingerprint_step_capture_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_finger_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_capture_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_best_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_missing_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_missing_confirm_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_selected);
}
