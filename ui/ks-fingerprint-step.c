/* ks-fingerprint-step.c: the enrollment wizard's fingerprint step
 *
 * The operator picks a finger on a pictogram of both hands (KsHandsView: each fingertip is a
 * button, so Tab and Space do it as well as the mouse), and the reader takes it while the step
 * says what to do (ks-fingerprint-step-capture.c). Every finished finger goes into the draft at
 * once, so a crash or a sign-out loses no finger.
 *
 * The widget only shows state and forwards the operator's intent: reader work runs on the
 * station's KsFingerprintService thread, sealing and storing in core's worker threads
 * (ks-fingers). In the training profile a "Simulated Scanner" panel (KsScannerSimulator) plays
 * the citizen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingerprint-step"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-fingerprint-step-private.h"

G_DEFINE_FINAL_TYPE (KsFingerprintStep, ks_fingerprint_step, ADW_TYPE_BIN)

enum {
  CHANGED,
  ALL_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_ks_fingerprint_step_emit_changed (KsFingerprintStep *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

void
_ks_fingerprint_step_emit_all_done (KsFingerprintStep *self)
{
  g_signal_emit (self, signals[ALL_DONE], 0);
}

/* Finger state in words *****************************************************************/

/* "right thumb", for the middle of a sentence. */
static char *
finger_name (FpFinger finger)
{
  return g_utf8_strdown (ks_finger_get_label (finger), -1);
}

static char *
grade_word (KsFpGrade grade)
{
  return g_utf8_strdown (ks_fp_grade_to_string (grade), -1);
}

static const char *
grade_icon (KsFpGrade grade)
{
  switch (grade)
    {
    case KS_FP_GRADE_GOOD:
      return "emblem-ok-symbolic";
    case KS_FP_GRADE_FAIR:
      return "dialog-information-symbolic";
    case KS_FP_GRADE_POOR:
    default:
      return "dialog-warning-symbolic";
    }
}

static const char *
reason_label (KsFingerprintStep *self,
              const char        *id)
{
  const KsReason *reason = self->station
                             ? ks_reference_lookup_missing_finger_reason (ks_station_get_reference (
                                                                            self->station), id)
                             : NULL;

  return reason ? ks_reason_get_label (reason) : id;
}

/* What a finger's button says to a screen reader and in its tooltip. */
static char *
finger_state_text (KsFingerprintStep *self,
                   FpFinger           finger)
{
  KsFingerCapture *c = self->fingers[finger];
  const char *label = ks_finger_get_label (finger);
  g_autofree char *grade = c ? grade_word (c->quality.grade) : NULL;

  if (self->capturing && finger == self->selected)
    /* Translators: "Right thumb, capturing now" */
    return g_strdup_printf (_("%s, capturing now"), label);
  if (c == NULL)
    return g_strdup_printf (self->required[finger] ? _("%s, not captured yet")
                                                   : _("%s, not required"),
                            label);
  switch (c->status)
    {
    case KS_FINGER_MISSING:
      /* Translators: "Left thumb, missing (Amputated)" */
      return g_strdup_printf (_("%s, missing (%s)"), label, reason_label (self, c->reason));
    case KS_FINGER_FORCED:
      /* Translators: "Left thumb, kept after 3 poor tries (poor)" */
      return g_strdup_printf (_("%s, kept after %u poor tries (%s)"), label, c->tries, grade);
    case KS_FINGER_CAPTURED:
    default:
      /* Translators: "Right thumb, captured (good)" */
      return g_strdup_printf (_("%s, captured (%s)"), label, grade);
    }
}

static const char *
finger_icon (KsFingerprintStep *self,
             FpFinger           finger)
{
  KsFingerCapture *c = self->fingers[finger];

  if (self->capturing && finger == self->selected)
    return "auth-fingerprint-symbolic";
  if (c == NULL)
    return "radio-symbolic";
  if (c->status == KS_FINGER_MISSING)
    return "action-unavailable-symbolic";
  if (c->status == KS_FINGER_FORCED)
    return "dialog-warning-symbolic";
  return "emblem-ok-symbolic";
}

static KsHandsFill
finger_fill (KsFingerprintStep *self,
             FpFinger           finger)
{
  KsFingerCapture *c = self->fingers[finger];

  if (!self->required[finger] && c == NULL)
    return KS_HANDS_FILL_NOT_REQUIRED;
  if (c == NULL)
    return KS_HANDS_FILL_PENDING;
  if (c->status == KS_FINGER_MISSING)
    return KS_HANDS_FILL_MISSING;
  if (c->status == KS_FINGER_FORCED)
    return KS_HANDS_FILL_FORCED;
  if (c->quality.grade == KS_FP_GRADE_FAIR)
    return KS_HANDS_FILL_FAIR;
  return KS_HANDS_FILL_GOOD;
}

void
_ks_fingerprint_step_update_finger (KsFingerprintStep *self,
                                    FpFinger           finger)
{
  g_autofree char *text = finger_state_text (self, finger);

  ks_hands_view_set_finger (self->hands_view, finger, finger_fill (self, finger),
                            finger_icon (self, finger), text,
                            (self->required[finger] || self->fingers[finger] != NULL) &&
                            !self->checking &&
                            (!self->capturing || finger == self->selected));
}

static guint
count_done (KsFingerprintStep *self,
            guint             *n_required)
{
  guint done = 0, required = 0;

  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    if (self->required[f])
      {
        required++;
        done += self->fingers[f] != NULL;
      }
  if (n_required)
    *n_required = required;
  return done;
}

static void
update_summary (KsFingerprintStep *self)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint required, done = count_done (self, &required);
  guint n = 0;
  const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

  if (self->checking)
    return;
  for (guint i = 0; i < n; i++)
    if (self->required[order[i]] && self->fingers[order[i]] == NULL)
      g_string_append_printf (missing, "%s%s", missing->len ? ", " : "",
                              ks_finger_get_label (order[i]));

  if (done == required)
    text = g_strdup_printf (_("All %u fingers are done. Press Next to continue."), required);
  else
    /* Translators: "2 of 4 fingers done. Still to capture: Right index finger, Left index finger." */
    text = g_strdup_printf (_("%u of %u fingers done. Still to capture: %s."), done, required,
                            missing->str);
  gtk_label_set_label (self->summary_label, text);
}

void
_ks_fingerprint_step_show_image (KsFingerprintStep *self,
                                 GBytes            *grey,
                                 guint              width,
                                 guint              height)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) rgb = NULL;
  const guint8 *src;
  guint8 *dst;

  /* No empty white frame where no capture is to be shown. */
  gtk_widget_set_visible (GTK_WIDGET (self->capture_picture), grey != NULL);
  if (grey == NULL || width == 0 || height == 0)
    {
      gtk_picture_set_paintable (self->capture_picture, NULL);
      return;
    }
  /* GTK 4.8 has no 8-bit grey texture format: spread each grey byte over R, G and B. */
  src = g_bytes_get_data (grey, NULL);
  dst = g_malloc ((gsize)width * height * 3);
  for (gsize i = 0; i < (gsize)width * height; i++)
    dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
  rgb = g_bytes_new_take (dst, (gsize)width * height * 3);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, width * 3);
  gtk_picture_set_paintable (self->capture_picture, GDK_PAINTABLE (texture));
}

void
_ks_fingerprint_step_show_quality (KsFingerprintStep *self,
                                   const KsFpQuality *quality)
{
  g_autofree char *detail = NULL;

  if (quality == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->quality_box), FALSE);
      gtk_label_set_label (self->quality_detail, "");
      return;
    }
  gtk_image_set_from_icon_name (self->quality_icon, grade_icon (quality->grade));
  gtk_label_set_label (self->quality_label, ks_fp_grade_to_string (quality->grade));
  /* Translators: the figures behind a fingerprint's quality grade */
  detail = g_strdup_printf (_("%u minutiae, %.0f%% contact"), quality->n_minutiae,
                            quality->contact * 100.0);
  gtk_label_set_label (self->quality_detail, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_box), TRUE);
}

void
_ks_fingerprint_step_show_attempt (KsFingerprintStep *self,
                                   const char        *message)
{
  gtk_label_set_label (self->attempt_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->attempt_label), message != NULL);
}

/* The right-hand panel for the selected finger, when no capture is running. */
void
_ks_fingerprint_step_show_selected (KsFingerprintStep *self)
{
  KsFingerCapture *c = self->selected ? self->fingers[self->selected] : NULL;

  gtk_label_set_label (self->finger_title,
                       self->selected ? ks_finger_get_label (self->selected) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->stage_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->capture_button), self->selected != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_button), self->selected != 0);
  gtk_widget_set_visible (GTK_WIDGET (self->keep_best_button), self->n_tries >= MAX_TRIES);

  if (self->selected == 0)
    {
      gtk_label_set_label (self->prompt_label, _("Pick a finger"));
      _ks_fingerprint_step_show_image (self, NULL, 0, 0);
      _ks_fingerprint_step_show_quality (self, NULL);
      return;
    }
  if (c == NULL)
    {
      gtk_label_set_label (self->prompt_label, self->n_tries >= MAX_TRIES
                                                 ? _("Three poor captures")
                                                 : _("Not captured yet"));
      gtk_button_set_label (self->capture_button, self->n_tries >= MAX_TRIES ? _("Capture _Again")
                                                                             : _("_Capture"));
      if (self->n_tries == 0)
        {
          _ks_fingerprint_step_show_image (self, NULL, 0, 0);
          _ks_fingerprint_step_show_quality (self, NULL);
        }
      return;
    }

  gtk_button_set_label (self->capture_button, _("Capture _Again"));
  if (c->status == KS_FINGER_MISSING)
    {
      g_autofree char *text = g_strdup_printf (_("Missing: %s"), reason_label (self, c->reason));
      gtk_label_set_label (self->prompt_label, text);
      _ks_fingerprint_step_show_image (self, NULL, 0, 0);
      _ks_fingerprint_step_show_quality (self, NULL);
      return;
    }
  gtk_label_set_label (self->prompt_label, c->status == KS_FINGER_FORCED
                                             ? _("Kept after three poor tries")
                                             : _("Captured"));
  _ks_fingerprint_step_show_image (self, c->image, c->width, c->height);
  _ks_fingerprint_step_show_quality (self, &c->quality);
}

void
_ks_fingerprint_step_update_all (KsFingerprintStep *self)
{
  ks_hands_view_set_selected (self->hands_view, self->selected);
  ks_scanner_simulator_set_finger_asked (self->scanner_simulator, self->selected);
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    _ks_fingerprint_step_update_finger (self, f);
  update_summary (self);
}

/* Trouble with the reader ****************************************************************/

void
_ks_fingerprint_step_show_trouble (KsFingerprintStep *self,
                                   const GError      *error)
{
  const char *title;

  if (error == NULL)
    {
      self->trouble_code = 0;
      gtk_widget_set_visible (GTK_WIDGET (self->trouble_box), FALSE);
      return;
    }
  self->trouble_code = error->domain == KS_FINGERPRINT_ERROR ? error->code : -1;
  switch (self->trouble_code)
    {
    case KS_FINGERPRINT_ERROR_NO_READER:
      title = _("No Fingerprint Reader");
      break;
    case KS_FINGERPRINT_ERROR_UNPLUGGED:
      title = _("Reader Unplugged");
      break;
    case KS_FINGERPRINT_ERROR_BUSY:
      title = _("Reader Busy");
      break;
    case KS_FINGERPRINT_ERROR_TIMEOUT:
      title = _("No Finger Placed");
      break;
    case KS_FINGERPRINT_ERROR_OVERHEATED:
      title = _("Reader Too Hot");
      break;
    case KS_FINGERPRINT_ERROR_BAD_SCAN:
      title = _("Scan Not Usable");
      break;
    case KS_FINGERPRINT_ERROR_UNEXPECTED:
    default:
      title = _("Reader Problem");
      break;
    }
  gtk_label_set_label (self->trouble_title, title);
  /* The service's messages already say what happened and what to do; the one for a missing
   * reader is said here, since the station notices a reader plugged in by itself. */
  gtk_label_set_label (self->trouble_label,
                       self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER
                         ? _("No fingerprint reader is connected. Plug in the reader; the station "
                             "finds it by itself.")
                         : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->trouble_box), TRUE);
}

void
_ks_fingerprint_step_show_no_reader_if_needed (KsFingerprintStep *self)
{
  if (self->service != NULL && !ks_fingerprint_service_has_reader (self->service))
    {
      g_autoptr(GError) error = g_error_new_literal (KS_FINGERPRINT_ERROR,
                                                     KS_FINGERPRINT_ERROR_NO_READER, "");
      _ks_fingerprint_step_show_trouble (self, error);
    }
  else if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
    _ks_fingerprint_step_show_trouble (self, NULL);
}

static void
on_reader_changed (KsFingerprintStep *self)
{
  _ks_fingerprint_step_show_no_reader_if_needed (self);
}

/* Duplicate check ***************************************************************************/

typedef struct
{
  GCancellable *caller;       /* the caller's cancellable, linked to the step's own */
  gulong handler;
} CheckData;

static void
check_data_free (CheckData *data)
{
  if (data->caller != NULL)
    g_cancellable_disconnect (data->caller, data->handler);
  g_clear_object (&data->caller);
  g_free (data);
}

static void
cancel_check (GCancellable *caller,
              GCancellable *check)
{
  g_cancellable_cancel (check);
}

static void
end_checking (KsFingerprintStep *self)
{
  self->checking = FALSE;
  gtk_spinner_stop (self->check_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), FALSE);
  _ks_fingerprint_step_update_all (self);
}

static void
on_duplicates_checked (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KsFingerprintStep *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFingerCheck) check = NULL;

  check = ks_duplicate_search_check_draft_finish (KS_DUPLICATE_SEARCH (object), result, &error);
  if (self->station == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "disposed");
      return;
    }
  end_checking (self);
  if (check == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < check->on_record->len; i++)
    {
      FpFinger f = g_array_index (check->on_record, FpFinger, i);
      if (self->fingers[f])
        self->fingers[f]->duplicate = TRUE;
    }

  if (check->same_a != 0)
    {
      g_autofree char *name_a = finger_name (check->same_a);
      g_autofree char *name_b = finger_name (check->same_b);

      /* Both are suspect: the citizen put one finger down for two. Neither is kept (core
       * dropped both from the draft). */
      g_clear_pointer (&self->fingers[check->same_a], ks_finger_capture_free);
      g_clear_pointer (&self->fingers[check->same_b], ks_finger_capture_free);
      self->selected = check->same_a;
      _ks_fingerprint_step_update_all (self);
      _ks_fingerprint_step_show_selected (self);
      _ks_fingerprint_step_show_attempt (self, NULL);
      g_signal_emit (self, signals[CHANGED], 0);
      gtk_widget_grab_focus (ks_hands_view_get_button (self->hands_view, check->same_a));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               /* Translators: two finger names */
                               _("The %s and the %s are the same finger. Capture both again, and "
                                 "make sure the citizen places the finger asked for."),
                               name_a, name_b);
      return;
    }
  if (check->record_new != 0)
    {
      g_autofree char *new_name = finger_name (check->record_new);
      g_autofree char *old_name = finger_name (check->record_old);
      g_autofree char *text = NULL;

      /* Translators: "The left index finger matches the right index finger already on record…" */
      text = g_strdup_printf (_("The %s matches the %s already on record for this CNIC. The "
                                "record will be flagged for the supervisor; capture the finger "
                                "again if the citizen placed the wrong one."),
                              new_name, old_name);
      gtk_label_set_label (self->summary_label, text);
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ks_fingerprint_step_check_duplicates_async:
 *
 * Compares each new finger with the others (the same finger placed twice) and with the fingers
 * already on record for the draft's CNIC, with the station's duplicate search (off the UI
 * thread); a spinner runs meanwhile. Two new fingers that are one finger are both dropped for recapture and
 * the result is an error; a match with the record is kept with the draft, for submit to flag.
 */
void
ks_fingerprint_step_check_duplicates_async (KsFingerprintStep  *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) captures = g_ptr_array_new ();
  CheckData *data;

  g_return_if_fail (KS_IS_FINGERPRINT_STEP (self));
  g_return_if_fail (self->service != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_fingerprint_step_check_duplicates_async);
  /* Cancelled by the caller, or by dispose. */
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  self->check_cancellable = g_cancellable_new ();
  data = g_new0 (CheckData, 1);
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_check),
                                             g_object_ref (self->check_cancellable),
                                             g_object_unref);
    }
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);

  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    if (self->fingers[f] != NULL)
      g_ptr_array_add (captures, self->fingers[f]);

  self->checking = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), TRUE);
  gtk_spinner_start (self->check_spinner);
  gtk_label_set_label (self->summary_label, _("Comparing the fingers with each other…"));
  _ks_fingerprint_step_update_all (self);
  ks_duplicate_search_check_draft_async (ks_station_get_duplicate_search (self->station),
                                         self->draft_id, captures, self->check_cancellable,
                                         on_duplicates_checked, g_steal_pointer (&task));
}

gboolean
ks_fingerprint_step_check_duplicates_finish (KsFingerprintStep *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject *********************************************************************************/

static gboolean
ks_fingerprint_step_grab_focus (GtkWidget *widget)
{
  KsFingerprintStep *self = KS_FINGERPRINT_STEP (widget);
  FpFinger target = _ks_fingerprint_step_next_pending (self);
  GtkWidget *button;

  if (target == 0)
    target = self->selected;
  button = target != 0 ? ks_hands_view_get_button (self->hands_view, target) : NULL;
  if (button != NULL && gtk_widget_get_sensitive (button))
    return gtk_widget_grab_focus (button);
  return GTK_WIDGET_CLASS (ks_fingerprint_step_parent_class)->grab_focus (widget);
}

static void
on_simulator_problem (KsFingerprintStep *self,
                      const char        *message)
{
  _ks_fingerprint_step_show_attempt (self, message);
}

static void
ks_fingerprint_step_dispose (GObject *object)
{
  KsFingerprintStep *self = (KsFingerprintStep *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->check_cancellable);
  g_cancellable_cancel (self->open_cancellable);
  self->capturing = FALSE;
  self->opening = FALSE;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->check_cancellable);
  g_clear_object (&self->open_cancellable);
  self->service = NULL;
  g_clear_object (&self->station);
  for (guint i = 0; i < MAX_TRIES; i++)
    g_clear_pointer (&self->tries[i], ks_finger_capture_free);
  self->n_tries = 0;
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    g_clear_pointer (&self->fingers[f], ks_finger_capture_free);
  /* No gtk_widget_dispose_template(): AdwBin unparents its child itself. */

  G_OBJECT_CLASS (ks_fingerprint_step_parent_class)->dispose (object);
}

static void
ks_fingerprint_step_class_init (KsFingerprintStepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_fingerprint_step_dispose;
  widget_class->grab_focus = ks_fingerprint_step_grab_focus;

  /**
   * KsFingerprintStep::changed:
   *
   * A finger was captured, kept, marked missing or dropped.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KsFingerprintStep::all-done:
   *
   * The operator just finished the last finger still to do (captured, kept or marked
   * missing): the wizard moves on by itself. Not emitted when a draft opens complete.
   */
  signals[ALL_DONE] = g_signal_new ("all-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (KS_TYPE_HANDS_VIEW);
  g_type_ensure (KS_TYPE_SCANNER_SIMULATOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-fingerprint-step.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, KsFingerprintStep, name)
  BIND (trainer_button);
  BIND (trainer_revealer);
  BIND (scanner_simulator);
  BIND (trouble_box);
  BIND (trouble_title);
  BIND (trouble_label);
  BIND (retry_button);
  BIND (hands_view);
  BIND (finger_title);
  BIND (prompt_label);
  BIND (stage_bar);
  BIND (capture_picture);
  BIND (quality_box);
  BIND (quality_icon);
  BIND (quality_label);
  BIND (quality_detail);
  BIND (attempt_label);
  BIND (capture_button);
  BIND (keep_best_button);
  BIND (missing_button);
  BIND (cancel_button);
  BIND (missing_box);
  BIND (reason_drop_down);
  BIND (missing_confirm_button);
  BIND (check_spinner);
  BIND (summary_label);
#undef BIND
  _ks_fingerprint_step_capture_class_init (widget_class);
}

static void
ks_fingerprint_step_init (KsFingerprintStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->scanner_simulator, "problem", G_CALLBACK (on_simulator_problem),
                           self, G_CONNECT_SWAPPED);
  _ks_fingerprint_step_update_all (self);
  _ks_fingerprint_step_show_selected (self);
}

FpFinger
_ks_fingerprint_step_next_pending (KsFingerprintStep *self)
{
  guint n = 0;
  const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

  for (guint i = 0; i < n; i++)
    if (self->required[order[i]] && self->fingers[order[i]] == NULL)
      return order[i];
  return 0;
}

static void
update_required (KsFingerprintStep *self)
{
  guint n = 0;
  g_autofree char *capture_set = ks_station_config_dup_string (ks_station_get_config (
                                                                 self->station),
                                                               "capture-set");
  const FpFinger *set = ks_fingers_get_required (g_str_equal (capture_set, "all-ten")
                                                 ? KS_CAPTURE_SET_ALL_TEN
                                                 : KS_CAPTURE_SET_THUMBS_AND_INDEX, &n);

  memset (self->required, 0, sizeof self->required);
  for (guint i = 0; i < n; i++)
    self->required[set[i]] = TRUE;
  _ks_fingerprint_step_update_all (self);
}

/**
 * ks_fingerprint_step_set_station:
 * @service: the station's reader service: must be ks_station_get_fingerprint_service()
 *
 * The `capture-set` setting decides which fingers are required; the training profile gets the
 * simulated scanner's panel.
 */
void
ks_fingerprint_step_set_station (KsFingerprintStep    *self,
                                 KsStation            *station,
                                 KsFingerprintService *service)
{
  g_autoptr(GtkStringList) reasons_model = gtk_string_list_new (NULL);
  GPtrArray *reasons;

  g_return_if_fail (KS_IS_FINGERPRINT_STEP (self));
  g_return_if_fail (KS_IS_STATION (station));
  g_return_if_fail (service == ks_station_get_fingerprint_service (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  /* The station owns its reader service as long as it lives, and the step holds the station. */
  self->service = ks_station_get_fingerprint_service (station);

  reasons = ks_reference_get_missing_finger_reasons (ks_station_get_reference (station));
  gtk_string_list_append (reasons_model, _("Choose why…"));
  for (guint i = 0; i < reasons->len; i++)
    {
      const KsReason *reason = reasons->pdata[i];

      gtk_string_list_append (reasons_model, ks_reason_get_label (reason));
    }
  gtk_drop_down_set_model (self->reason_drop_down, G_LIST_MODEL (reasons_model));
  gtk_drop_down_set_selected (self->reason_drop_down, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->missing_confirm_button),
                            gtk_drop_down_get_selected (self->reason_drop_down) > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reason_drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Why the finger is missing"),
                                  -1);

  if (ks_station_is_training (station))
    {
      ks_scanner_simulator_set_station (self->scanner_simulator, station);
      gtk_widget_set_visible (GTK_WIDGET (self->trainer_button), TRUE);
      g_object_bind_property (self->trainer_button, "active", self->trainer_revealer,
                              "reveal-child", G_BINDING_SYNC_CREATE);
    }

  g_signal_connect_object (self->service, "reader-changed", G_CALLBACK (on_reader_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (ks_station_get_config (station), "changed::capture-set",
                           G_CALLBACK (update_required), self, G_CONNECT_SWAPPED);
  update_required (self);
  _ks_fingerprint_step_show_no_reader_if_needed (self);
}

/* Shows what the panel shows once the draft's fingers are known (or none). */
static void
show_draft_fingers (KsFingerprintStep *self)
{
  self->selected = _ks_fingerprint_step_next_pending (self);
  _ks_fingerprint_step_update_all (self);
  _ks_fingerprint_step_show_selected (self);
  _ks_fingerprint_step_show_no_reader_if_needed (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
draft_fingers_opened (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(KsFingerprintStep) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = ks_fingers_open_draft_finish (result, &error);

  /* Another draft was set meanwhile, or the step went. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    return;
  self->opening = FALSE;
  if (fingers == NULL)
    _ks_fingerprint_step_show_attempt (self, error->message);
  for (guint i = 0; fingers && i < fingers->len; i++)
    {
      KsFingerCapture *c = g_steal_pointer (&fingers->pdata[i]);

      /* A finger taken while the draft opened is newer than the one read: it stays. */
      if (self->fingers[c->finger] == NULL)
        self->fingers[c->finger] = c;
      else
        ks_finger_capture_free (c);
    }
  if (!self->capturing)
    show_draft_fingers (self);
  else
    {
      _ks_fingerprint_step_update_all (self);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

/**
 * ks_fingerprint_step_set_draft:
 * @draft_id: the draft being entered, or 0 for none
 *
 * Shows what was captured for that draft (after a resume, everything captured before; for an
 * edit of a submitted record, the fingers on record). They are read and unsealed in a worker
 * thread: until they are, the step is not complete, and "changed" is emitted once they are.
 */
void
ks_fingerprint_step_set_draft (KsFingerprintStep *self,
                               gint64             draft_id)
{
  g_autoptr(GError) error = NULL;
  KsVault *vault = NULL;

  g_return_if_fail (KS_IS_FINGERPRINT_STEP (self));
  g_return_if_fail (self->station != NULL);

  _ks_fingerprint_step_cancel_capture (self);
  _ks_fingerprint_step_clear_tries (self);
  _ks_fingerprint_step_show_attempt (self, NULL);
  g_cancellable_cancel (self->open_cancellable);
  g_clear_object (&self->open_cancellable);
  self->opening = FALSE;
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    g_clear_pointer (&self->fingers[f], ks_finger_capture_free);
  self->draft_id = draft_id;
  self->selected = 0;

  if (draft_id > 0)
    {
      vault = ks_station_get_biometrics_vault (self->station, &error);
      if (vault == NULL)
        _ks_fingerprint_step_show_attempt (self, error->message);
      else
        {
          self->opening = TRUE;
          self->open_cancellable = g_cancellable_new ();
          ks_fingers_open_draft_async (ks_station_get_store (self->station), vault, draft_id,
                                       self->open_cancellable, draft_fingers_opened,
                                       g_object_ref (self));
        }
    }
  show_draft_fingers (self);
}

/**
 * ks_fingerprint_step_check_complete:
 *
 * Every required finger is captured, kept after three poor tries, or missing with a reason.
 * Otherwise the error says which finger, and that finger is selected and focused.
 */
gboolean
ks_fingerprint_step_check_complete (KsFingerprintStep *self,
                                    GError           **error)
{
  g_autofree char *name = NULL;
  FpFinger pending;

  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), FALSE);

  if (self->opening)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The fingers captured before are still being opened. Press Next "
                             "again in a moment."));
      return FALSE;
    }
  if (self->capturing || self->checking)
    {
      name = finger_name (self->selected);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("Wait until the %s is captured, or cancel the capture."), name);
      return FALSE;
    }
  pending = _ks_fingerprint_step_next_pending (self);
  if (pending != 0)
    {
      _ks_fingerprint_step_select_finger (self, pending);
      gtk_widget_grab_focus (ks_hands_view_get_button (self->hands_view, pending));
      name = finger_name (pending);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The %s is not captured yet. Capture it, or mark it missing with a "
                     "reason."),
                   name);
      return FALSE;
    }
  return TRUE;
}

/**
 * ks_fingerprint_step_describe:
 *
 * Returns: (transfer full): the required fingers and their state, one per line, for the review
 */
char *
ks_fingerprint_step_describe (KsFingerprintStep *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = 0;
  const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), NULL);

  for (guint i = 0; i < n; i++)
    if (self->required[order[i]] || self->fingers[order[i]] != NULL)
      {
        g_autofree char *state = finger_state_text (self, order[i]);
        g_string_append_printf (text, "%s%s", text->len ? "\n" : "", state);
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Like ks_fingerprint_step_check_complete(), without selecting the finger still to do. */
gboolean
ks_fingerprint_step_is_complete (KsFingerprintStep *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), FALSE);
  return !self->opening && !self->capturing && !self->checking &&
         _ks_fingerprint_step_next_pending (self) == 0;
}

/* Whether the draft's fingers are still being read (ks_fingerprint_step_set_draft()). */
gboolean
ks_fingerprint_step_is_opening (KsFingerprintStep *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), FALSE);
  return self->opening;
}

gboolean
ks_fingerprint_step_is_capturing (KsFingerprintStep *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), FALSE);
  return self->capturing;
}

/* How many of the required fingers are done (captured, kept or missing). */
guint
ks_fingerprint_step_get_n_done (KsFingerprintStep *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), 0);
  return count_done (self, NULL);
}

/**
 * ks_fingerprint_step_get_finger:
 * @status: (out) (optional):
 * @grade: (out) (optional):
 * @tries: (out) (optional):
 *
 * Returns: whether @finger is done
 */
gboolean
ks_fingerprint_step_get_finger (KsFingerprintStep *self,
                                FpFinger           finger,
                                KsFingerStatus    *status,
                                KsFpGrade         *grade,
                                guint             *tries)
{
  KsFingerCapture *c;

  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), FALSE);
  g_return_val_if_fail (FP_FINGER_IS_VALID (finger), FALSE);

  c = self->fingers[finger];
  if (c == NULL)
    return FALSE;
  if (status)
    *status = c->status;
  if (grade)
    *grade = c->quality.grade;
  if (tries)
    *tries = c->tries;
  return TRUE;
}

/**
 * ks_fingerprint_step_get_finger_button:
 *
 * Returns: (transfer none): the fingertip button of @finger (for tests and focus)
 */
GtkWidget *
ks_fingerprint_step_get_finger_button (KsFingerprintStep *self,
                                       FpFinger           finger)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_STEP (self), NULL);
  g_return_val_if_fail (FP_FINGER_IS_VALID (finger), NULL);
  return ks_hands_view_get_button (self->hands_view, finger);
}
