/* ks-fingerprint-step.c: the enrollment wizard's fingerprint step
 *
 * The operator picks a finger on a pictogram of both hands (each fingertip is a button, so Tab
 * and Space do it as well as the mouse), and the reader takes it through libfprint's enrolment
 * stages while the step says "Place your finger" / "Lift your finger", shows each impression and
 * grades it. A try is graded by its median stage, so one bad placement does not sink four good
 * ones and one lucky placement does not carry four bad ones. A poor try is repeated on its own;
 * after three the operator keeps the best one (flagged "forced" for the supervisor) or marks the
 * finger missing with a reason. Every finished finger goes into the draft at once, sealed with
 * the station's biometrics key, so a crash or a sign-out loses no finger.
 *
 * All reader work happens in KsFingerprintService's thread; this widget only reacts to its
 * progress and results. In the training profile a "Simulated Scanner" panel plays the citizen.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingerprint-step"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ks-fingerprint-step.h"
#include "ks-fingers.h"
#include "ks-records.h"

#define MAX_TRIES 3
#define N_PERSONAS 50
#define BUTTON_SIZE 30

struct _KsFingerprintStep
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkToggleButton *trainer_button;
  GtkRevealer *trainer_revealer;
  AdwComboRow *persona_row;
  AdwComboRow *placed_finger_row;
  GtkButton *smudged_button;
  GtkButton *partial_button;
  GtkButton *wrong_finger_button;
  GtkButton *unplug_button;
  GtkBox *trouble_box;
  GtkLabel *trouble_title;
  GtkLabel *trouble_label;
  GtkButton *retry_button;
  GtkFixed *hands_fixed;
  GtkDrawingArea *hands_area;
  GtkLabel *finger_title;
  GtkLabel *prompt_label;
  GtkProgressBar *stage_bar;
  GtkPicture *capture_picture;
  GtkBox *quality_box;
  GtkImage *quality_icon;
  GtkLabel *quality_label;
  GtkLabel *quality_detail;
  GtkLabel *attempt_label;
  GtkButton *capture_button;
  GtkButton *keep_best_button;
  GtkButton *missing_button;
  GtkButton *cancel_button;
  GtkBox *missing_box;
  GtkDropDown *reason_drop_down;
  GtkButton *missing_confirm_button;
  GtkSpinner *check_spinner;
  GtkLabel *summary_label;

  /* Owned */
  KsStation *station;
  KsFingerprintService *service;
  GCancellable *cancellable;        /* the capture running now */
  GtkWidget *finger_buttons[FP_FINGER_LAST + 1];
  KsFingerCapture *fingers[FP_FINGER_LAST + 1];
  gboolean required[FP_FINGER_LAST + 1];
  gint64 draft_id;
  FpFinger selected;

  /* The finger being captured: its tries so far, and the impressions of the running try. */
  KsFingerCapture *tries[MAX_TRIES];
  guint n_tries;
  GPtrArray *shots;
  gboolean capturing;
  gboolean waiting;                 /* the reader waits for a finger */
  gboolean checking;
  int trouble_code;                 /* the KS_FINGERPRINT_ERROR shown, or 0 */

  /* Training: the simulated citizen's next impression */
  guint impression;
};

G_DEFINE_FINAL_TYPE (KsFingerprintStep, ks_fingerprint_step, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One impression of a try: what the reader saw at one enrolment stage. */
typedef struct
{
  KsFpQuality quality;
  GBytes *image;
  guint width;
  guint height;
} Shot;

static void
shot_free (gpointer data)
{
  Shot *shot = data;

  g_clear_pointer (&shot->image, g_bytes_unref);
  g_free (shot);
}

/* Hands pictogram **********************************************************************/

/* The left hand seen from above, palm down, thumbs towards each other as the citizen holds
 * them over the reader; the right hand mirrors it around the middle. */
#define AREA_WIDTH 400.0
#define PALM_TOP 125.0

static const struct
{
  FpFinger finger;
  double base_x, base_y;   /* where the finger leaves the palm */
  double angle;            /* degrees from straight up, clockwise */
  double length;
  double width;
} left_hand[] = {
  { FP_FINGER_LEFT_LITTLE, 52, PALM_TOP + 10, 0, 58, 20 },
  { FP_FINGER_LEFT_RING, 79, PALM_TOP + 10, 0, 74, 22 },
  { FP_FINGER_LEFT_MIDDLE, 107, PALM_TOP + 10, 0, 82, 23 },
  { FP_FINGER_LEFT_INDEX, 135, PALM_TOP + 10, 0, 74, 22 },
  { FP_FINGER_LEFT_THUMB, 138, 182, 50, 62, 25 },
};

static FpFinger
mirror_finger (FpFinger left)
{
  return left + (FP_FINGER_RIGHT_THUMB - FP_FINGER_LEFT_THUMB);
}

/* The centre of @finger's tip, where its button sits. */
static void
finger_tip (FpFinger finger,
            double  *x,
            double  *y)
{
  gboolean right = finger >= FP_FINGER_RIGHT_THUMB;
  FpFinger left = right ? finger - (FP_FINGER_RIGHT_THUMB - FP_FINGER_LEFT_THUMB) : finger;

  for (guint i = 0; i < G_N_ELEMENTS (left_hand); i++)
    if (left_hand[i].finger == left)
      {
        double a = left_hand[i].angle * G_PI / 180.0;
        double reach = left_hand[i].length - left_hand[i].width / 2.0 - 2;

        *x = left_hand[i].base_x + sin (a) * reach;
        *y = left_hand[i].base_y - cos (a) * reach;
        if (right)
          *x = AREA_WIDTH - *x;
        return;
      }
  *x = *y = 0;
}

static void
set_finger_fill (cairo_t           *cr,
                 KsFingerprintStep *self,
                 FpFinger           finger)
{
  KsFingerCapture *c = self->fingers[finger];

  /* The colours only repeat what the button's icon and name say. */
  if (!self->required[finger] && c == NULL)
    cairo_set_source_rgb (cr, 0.96, 0.96, 0.95);
  else if (c == NULL)
    cairo_set_source_rgb (cr, 0.87, 0.87, 0.85);
  else if (c->status == KS_FINGER_MISSING)
    cairo_set_source_rgb (cr, 0.75, 0.75, 0.74);
  else if (c->status == KS_FINGER_FORCED)
    cairo_set_source_rgb (cr, 1.0, 0.75, 0.44);
  else if (c->quality.grade == KS_FP_GRADE_FAIR)
    cairo_set_source_rgb (cr, 0.98, 0.94, 0.42);
  else
    cairo_set_source_rgb (cr, 0.56, 0.94, 0.64);
}

static void
draw_hands (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  KsFingerprintStep *self = user_data;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (int hand = 0; hand < 2; hand++)
    {
      double palm_x = hand == 0 ? 38 : AREA_WIDTH - 38 - 112;

      for (guint i = 0; i < G_N_ELEMENTS (left_hand); i++)
        {
          FpFinger finger = hand == 0 ? left_hand[i].finger : mirror_finger (left_hand[i].finger);
          double a = left_hand[i].angle * G_PI / 180.0;
          double bx = left_hand[i].base_x, by = left_hand[i].base_y + 12;
          double tx = bx + sin (a) * (left_hand[i].length - left_hand[i].width / 2.0 + 12);
          double ty = by - cos (a) * (left_hand[i].length - left_hand[i].width / 2.0 + 12);

          if (hand == 1)
            {
              bx = AREA_WIDTH - bx;
              tx = AREA_WIDTH - tx;
            }
          /* Outline first, a little wider, then the fill: a capsule per finger. */
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_set_line_width (cr, left_hand[i].width + 3);
          if (finger == self->selected)
            cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
          else
            cairo_set_source_rgb (cr, 0.47, 0.46, 0.48);
          if (finger == self->selected)
            cairo_set_line_width (cr, left_hand[i].width + 7);
          cairo_move_to (cr, bx, by);
          cairo_line_to (cr, tx, ty);
          cairo_stroke (cr);
          cairo_set_line_width (cr, left_hand[i].width);
          set_finger_fill (cr, self, finger);
          cairo_move_to (cr, bx, by);
          cairo_line_to (cr, tx, ty);
          cairo_stroke (cr);
        }

      /* The palm over the finger roots. */
      cairo_new_sub_path (cr);
      cairo_arc (cr, palm_x + 112 - 24, PALM_TOP + 24, 24, -G_PI / 2, 0);
      cairo_arc (cr, palm_x + 112 - 30, PALM_TOP + 110 - 30, 30, 0, G_PI / 2);
      cairo_arc (cr, palm_x + 30, PALM_TOP + 110 - 30, 30, G_PI / 2, G_PI);
      cairo_arc (cr, palm_x + 24, PALM_TOP + 24, 24, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      cairo_set_source_rgb (cr, 0.92, 0.91, 0.90);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgb (cr, 0.47, 0.46, 0.48);
      cairo_stroke (cr);

      {
        PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (area),
                                                              hand == 0 ? _("Left hand")
                                                                        : _("Right hand"));
        int lw, lh;

        pango_layout_get_pixel_size (layout, &lw, &lh);
        cairo_set_source_rgb (cr, 0.24, 0.22, 0.27);
        cairo_move_to (cr, palm_x + (112 - lw) / 2.0, PALM_TOP + 60 - lh / 2.0);
        pango_cairo_show_layout (cr, layout);
        g_object_unref (layout);
      }
    }
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

  return reason ? reason->label_en : id;
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

static void
update_finger_button (KsFingerprintStep *self,
                      FpFinger           finger)
{
  GtkWidget *button = self->finger_buttons[finger];
  g_autofree char *text = finger_state_text (self, finger);

  gtk_button_set_icon_name (GTK_BUTTON (button), finger_icon (self, finger));
  gtk_widget_set_tooltip_text (button, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  gtk_widget_set_sensitive (button, (self->required[finger] || self->fingers[finger] != NULL) &&
                            !self->checking &&
                            (!self->capturing || finger == self->selected));
  /* Toggle state shows the selection to screen readers as "pressed". */
  g_signal_handlers_block_matched (button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), finger == self->selected);
  g_signal_handlers_unblock_matched (button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
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

static void
set_image (KsFingerprintStep *self,
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

static void
show_quality (KsFingerprintStep *self,
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

static void
show_attempt (KsFingerprintStep *self,
              const char        *message)
{
  gtk_label_set_label (self->attempt_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->attempt_label), message != NULL);
}

/* The right-hand panel for the selected finger, when no capture is running. */
static void
show_selected (KsFingerprintStep *self)
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
      set_image (self, NULL, 0, 0);
      show_quality (self, NULL);
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
          set_image (self, NULL, 0, 0);
          show_quality (self, NULL);
        }
      return;
    }

  gtk_button_set_label (self->capture_button, _("Capture _Again"));
  if (c->status == KS_FINGER_MISSING)
    {
      g_autofree char *text = g_strdup_printf (_("Missing: %s"), reason_label (self, c->reason));
      gtk_label_set_label (self->prompt_label, text);
      set_image (self, NULL, 0, 0);
      show_quality (self, NULL);
      return;
    }
  gtk_label_set_label (self->prompt_label, c->status == KS_FINGER_FORCED
                                             ? _("Kept after three poor tries")
                                             : _("Captured"));
  set_image (self, c->image, c->width, c->height);
  show_quality (self, &c->quality);
}

static void
update_all (KsFingerprintStep *self)
{
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    update_finger_button (self, f);
  gtk_widget_queue_draw (GTK_WIDGET (self->hands_area));
  update_summary (self);
}

/* Trouble with the reader ****************************************************************/

static void
show_trouble (KsFingerprintStep *self,
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

static void
show_no_reader_if_needed (KsFingerprintStep *self)
{
  if (self->service != NULL && !ks_fingerprint_service_has_reader (self->service))
    {
      g_autoptr(GError) error = g_error_new_literal (KS_FINGERPRINT_ERROR,
                                                     KS_FINGERPRINT_ERROR_NO_READER, "");
      show_trouble (self, error);
    }
  else if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
    show_trouble (self, NULL);
}

static void
on_reader_changed (KsFingerprintStep *self)
{
  show_no_reader_if_needed (self);
}

/* Capture ********************************************************************************/

static void start_try (KsFingerprintStep *self);
static void finish_finger (KsFingerprintStep *self, KsFingerCapture *capture);

static void
clear_tries (KsFingerprintStep *self)
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
  self->waiting = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->capture_button), !capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->stage_bar), capturing);
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  if (capturing)
    gtk_widget_set_visible (GTK_WIDGET (self->keep_best_button), FALSE);
  update_all (self);
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
      self->waiting = TRUE;
      /* Finger-status reports carry no stage: the impressions kept so far tell. */
      gtk_label_set_label (self->prompt_label, self->shots->len == 0 ? _("Place your finger")
                                                                     : _("Place your finger again"));
      break;

    case KS_FINGERPRINT_EVENT_FINGER_DOWN:
      self->waiting = FALSE;
      gtk_label_set_label (self->prompt_label, _("Hold still…"));
      break;

    case KS_FINGERPRINT_EVENT_FINGER_UP:
      break;

    case KS_FINGERPRINT_EVENT_STAGE_DONE:
      {
        g_autofree char *text = g_strdup_printf (_("Stage %u of %u"), progress->stage,
                                                 progress->n_stages);
        Shot *shot = g_new0 (Shot, 1);

        self->waiting = FALSE;
        gtk_progress_bar_set_fraction (self->stage_bar,
                                       (double)progress->stage / MAX (1, progress->n_stages));
        gtk_progress_bar_set_text (self->stage_bar, text);
        if (progress->stage < progress->n_stages)
          gtk_label_set_label (self->prompt_label, _("Lift your finger"));
        else
          gtk_label_set_label (self->prompt_label, _("Lift your finger: checking the capture…"));
        shot->quality = progress->quality;
        shot->image = progress->image ? g_bytes_ref (progress->image) : NULL;
        shot->width = progress->width;
        shot->height = progress->height;
        set_image (self, shot->image, shot->width, shot->height);
        show_quality (self, &shot->quality);
        g_ptr_array_add (self->shots, shot);
      }
      break;

    case KS_FINGERPRINT_EVENT_RETRY:
    default:
      show_attempt (self, progress->message);
      gtk_label_set_label (self->prompt_label, _("Place your finger again"));
      break;
    }
}

static int
compare_shots (gconstpointer a,
               gconstpointer b)
{
  const Shot *sa = *(Shot * const *)a, *sb = *(Shot * const *)b;

  return ks_fp_quality_compare (&sa->quality, &sb->quality);
}

/* Dropped at low priority, after the progress reports the worker queued before its result. */
static gboolean
unref_later (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
on_enroll_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  KsFingerprintStep *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(KsFingerCapture) attempt = NULL;
  g_autofree guchar *blob = NULL;
  gsize blob_len = 0;
  Shot *median;

  g_idle_add_full (G_PRIORITY_LOW, unref_later, self, NULL);

  print = ks_fingerprint_service_enroll_finish (KS_FINGERPRINT_SERVICE (object), result, &error);
  /* Cancelled, or finished just as it was cancelled: the operator has moved on. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->service == NULL ||
      !self->capturing)
    return;
  set_capturing (self, FALSE);
  if (print == NULL)
    {
      show_trouble (self, error);
      show_selected (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->retry_button));
      return;
    }
  if (!fp_print_serialize (print, &blob, &blob_len, &error) || self->shots->len == 0)
    {
      g_autoptr(GError) unexpected = g_error_new (KS_FINGERPRINT_ERROR,
                                                  KS_FINGERPRINT_ERROR_UNEXPECTED,
                                                  _("The reader’s capture could not be kept. "
                                                    "Press Retry."));
      show_trouble (self, unexpected);
      return;
    }

  /* The try is as good as its median impression, whose picture is the one kept. */
  g_ptr_array_sort (self->shots, compare_shots);
  median = self->shots->pdata[self->shots->len / 2];
  attempt = ks_finger_capture_new (self->selected);
  attempt->quality = median->quality;
  attempt->image = median->image ? g_bytes_ref (median->image) : NULL;
  attempt->width = median->width;
  attempt->height = median->height;
  attempt->template_blob = g_bytes_new_take (g_steal_pointer (&blob), blob_len);
  attempt->tries = self->n_tries + 1;
  attempt->status = KS_FINGER_CAPTURED;
  set_image (self, attempt->image, attempt->width, attempt->height);
  show_quality (self, &attempt->quality);

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
      show_attempt (self, text);
      start_try (self);
      return;
    }

  show_attempt (self, _("Three captures were poor. Keep the best one (the supervisor will see it "
                        "was forced) or mark the finger missing with a reason."));
  show_selected (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->keep_best_button));
}

static void
start_try (KsFingerprintStep *self)
{
  g_autofree char *text = g_strdup_printf (_("Stage 0 of %u"),
                                           MAX (1,
                                                ks_fingerprint_service_get_n_enroll_stages (self->
                                                                                            service)));

  g_return_if_fail (self->selected != 0 && !self->capturing);

  show_trouble (self, NULL);
  g_ptr_array_set_size (self->shots, 0);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_capturing (self, TRUE);
  gtk_label_set_label (self->finger_title, ks_finger_get_label (self->selected));
  gtk_label_set_label (self->prompt_label, _("Starting the reader…"));
  gtk_progress_bar_set_fraction (self->stage_bar, 0);
  gtk_progress_bar_set_text (self->stage_bar, text);
  ks_fingerprint_service_enroll_async (self->service, self->selected, NULL, self->cancellable,
                                       on_progress, self, on_enroll_done, g_object_ref (self));
}

static void
cancel_capture (KsFingerprintStep *self)
{
  g_cancellable_cancel (self->cancellable);
  if (self->capturing)
    set_capturing (self, FALSE);
}

static void
select_finger (KsFingerprintStep *self,
               FpFinger           finger)
{
  if (self->selected != finger)
    {
      clear_tries (self);
      show_attempt (self, NULL);
    }
  self->selected = finger;
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  update_all (self);
  show_selected (self);
}

static void
begin_capture (KsFingerprintStep *self)
{
  if (self->capturing || self->selected == 0 || self->service == NULL)
    return;
  clear_tries (self);
  show_attempt (self, NULL);
  if (!ks_fingerprint_service_has_reader (self->service))
    {
      show_no_reader_if_needed (self);
      return;
    }
  start_try (self);
}

static FpFinger
next_pending (KsFingerprintStep *self)
{
  guint n = 0;
  const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

  for (guint i = 0; i < n; i++)
    if (self->required[order[i]] && self->fingers[order[i]] == NULL)
      return order[i];
  return 0;
}

typedef struct
{
  KsStore *store;
  KsVault *vault;
  gint64 draft_id;
  KsFingerCapture *capture;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->vault);
  ks_finger_capture_free (job->capture);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;

  if (ks_fingers_save_draft (job->store, job->vault, job->draft_id, job->capture, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  KsFingerprintStep *self = KS_FINGERPRINT_STEP (object);
  g_autoptr(GError) error = NULL;

  /* The finger stays on screen; the operator can capture it again once the disk is back. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) && self->station != NULL)
    show_attempt (self, error->message);
}

static KsFingerCapture *
copy_capture (const KsFingerCapture *c)
{
  KsFingerCapture *copy = ks_finger_capture_new (c->finger);

  *copy = *c;
  copy->reason = g_strdup (c->reason);
  copy->capture_id = g_strdup (c->capture_id);
  copy->template_blob = c->template_blob ? g_bytes_ref (c->template_blob) : NULL;
  copy->image = c->image ? g_bytes_ref (c->image) : NULL;
  return copy;
}

/* Writes a finished finger into the draft in a worker thread (SQLite syncs to disk). */
static void
save_finger (KsFingerprintStep     *self,
             const KsFingerCapture *capture)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  KsVault *vault = NULL;
  SaveJob *job;

  if (self->draft_id <= 0 || self->station == NULL)
    return;
  vault = ks_station_get_biometrics_vault (self->station, &error);
  if (vault == NULL)
    {
      show_attempt (self, error->message);
      return;
    }
  job = g_new0 (SaveJob, 1);
  job->store = g_object_ref (ks_station_get_store (self->station));
  job->vault = g_object_ref (vault);
  job->draft_id = self->draft_id;
  job->capture = copy_capture (capture);
  task = g_task_new (self, NULL, on_saved, NULL);
  g_task_set_source_tag (task, save_finger);
  g_task_set_task_data (task, job, (GDestroyNotify)save_job_free);
  g_task_run_in_thread (task, save_thread);
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
  clear_tries (self);
  if (capture->status != KS_FINGER_FORCED)
    show_attempt (self, NULL);

  /* On to the next finger still needed, and the panel with it: its heading, state and buttons
   * describe the finger the hands highlight (one Space starts it). With none left, the panel
   * stays on the finger just done. */
  next = next_pending (self);
  if (next != 0)
    {
      select_finger (self, next);
      gtk_widget_grab_focus (self->finger_buttons[next]);
    }
  else
    {
      update_all (self);
      show_selected (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_finger_clicked (GtkButton         *button,
                   KsFingerprintStep *self)
{
  FpFinger finger = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "finger"));

  if (self->capturing)
    {
      update_finger_button (self, finger);
      return;
    }
  select_finger (self, finger);
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
  cancel_capture (self);
  show_selected (self);
}

static void
on_retry_clicked (KsFingerprintStep *self)
{
  if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
    {
      show_no_reader_if_needed (self);
      if (self->trouble_code == KS_FINGERPRINT_ERROR_NO_READER)
        return;
    }
  show_trouble (self, NULL);
  if (self->selected == 0)
    self->selected = next_pending (self);
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
  show_attempt (self, NULL);
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
  cancel_capture (self);
  capture = ks_finger_capture_new (self->selected);
  capture->status = KS_FINGER_MISSING;
  capture->reason = g_strdup (((const KsReason *)reasons->pdata[index])->id);
  capture->tries = self->n_tries;
  gtk_widget_set_visible (GTK_WIDGET (self->missing_box), FALSE);
  show_attempt (self, NULL);
  finish_finger (self, capture);
}

/* Training: the simulated citizen **********************************************************/

/* Fifty made-up citizens, one synthetic finger set each (person seed = their number). */
static char *
persona_name (guint person)
{
  static const char *const given[] = {
    "Ayesha", "Bilal", "Gul", "Hamid", "Iqra", "Jawad", "Khadija", "Laiba", "Mehwish", "Naveed",
    "Omar", "Palwasha", "Qasim", "Rukhsana", "Saad", "Tahira", "Usman", "Wajiha", "Yasir",
    "Zarmina",
    "Fawad", "Shazia", "Imran", "Noor", "Daud",
  };
  static const char *const family[] = {
    "Afridi", "Khattak", "Yousafzai", "Mohmand", "Shinwari", "Bangash", "Durrani", "Orakzai",
    "Marwat", "Kundi", "Tanoli", "Swati", "Jadoon",
  };

  return g_strdup_printf ("%u · %s %s", person, given[(person - 1) % G_N_ELEMENTS (given)],
                          family[(person * 7) % G_N_ELEMENTS (family)]);
}

typedef struct
{
  guint64 person;
  guint finger;
  guint impression;
  guint count;
  KsFpSynthVariant variant;
  GPtrArray *images;   /* GBytes */
  guint width;
  guint height;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_pointer (&job->images, g_ptr_array_unref);
  g_free (job);
}

/* Growing a synthetic finger takes about half a second: not on the UI thread. */
static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderJob *job = task_data;
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (job->person, job->finger);

  job->images = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < job->count; i++)
    g_ptr_array_add (job->images, ks_fpsynth_finger_render (finger, job->impression + i,
                                                            job->variant, &job->width,
                                                            &job->height));
  g_task_return_boolean (task, TRUE);
}

static void
on_rendered (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  KsFingerprintStep *self = KS_FINGERPRINT_STEP (object);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  KsVirtualScanner *scanner;

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || self->station == NULL)
    return;
  scanner = ks_station_get_virtual_scanner (self->station);
  if (scanner == NULL)
    return;
  for (guint i = 0; i < job->images->len; i++)
    {
      GBytes *grey = job->images->pdata[i];
      g_autoptr(GError) error = NULL;

      /* The reader waits now: press the first at once; the rest wait for their prompts. */
      if (i == 0 && self->waiting && self->capturing)
        {
          self->waiting = FALSE;
          if (!ks_virtual_scanner_press (scanner, grey, job->width, job->height, &error))
            show_attempt (self, error->message);
        }
      else
        ks_virtual_scanner_queue_image (scanner, grey, job->width, job->height);
    }
}

static void
place_impressions (KsFingerprintStep *self,
                   KsFpSynthVariant   variant,
                   gboolean           wrong_finger,
                   guint              count)
{
  g_autoptr(GTask) task = NULL;
  RenderJob *job = g_new0 (RenderJob, 1);
  guint placed = adw_combo_row_get_selected (self->placed_finger_row);
  FpFinger finger = placed == 0 ? (self->selected ? self->selected : FP_FINGER_RIGHT_THUMB)
                                : (FpFinger)placed;

  job->person = adw_combo_row_get_selected (self->persona_row) + 1;
  /* The neighbouring finger of the same hand: what a nervous citizen puts down. */
  job->finger = wrong_finger ? (finger % 5 == 0 ? finger - 1 : finger + 1) : finger;
  job->impression = self->impression;
  job->count = count;
  job->variant = variant;
  self->impression += count;

  task = g_task_new (self, NULL, on_rendered, NULL);
  g_task_set_source_tag (task, place_impressions);
  g_task_set_task_data (task, job, (GDestroyNotify)render_job_free);
  g_task_run_in_thread (task, render_thread);
}

static void
on_place_clicked (KsFingerprintStep *self)
{
  place_impressions (self, KS_FPSYNTH_NORMAL, FALSE, 1);
}

static void
on_place_all_clicked (KsFingerprintStep *self)
{
  guint stages = self->service ? ks_fingerprint_service_get_n_enroll_stages (self->service) : 0;

  place_impressions (self, KS_FPSYNTH_NORMAL, FALSE, MAX (1, stages));
}

static void
on_lift_clicked (KsFingerprintStep *self)
{
  KsVirtualScanner *scanner = self->station ? ks_station_get_virtual_scanner (self->station)
                                            : NULL;

  if (scanner != NULL)
    ks_virtual_scanner_clear_queue (scanner);
}

static void
on_trouble_clicked (KsFingerprintStep *self,
                    GtkButton         *button)
{
  KsVirtualScanner *scanner = self->station ? ks_station_get_virtual_scanner (self->station)
                                            : NULL;
  g_autoptr(GError) error = NULL;

  if (button == self->smudged_button)
    place_impressions (self, KS_FPSYNTH_SMUDGED, FALSE, 1);
  else if (button == self->partial_button)
    place_impressions (self, KS_FPSYNTH_PARTIAL, FALSE, 1);
  else if (button == self->wrong_finger_button)
    place_impressions (self, KS_FPSYNTH_NORMAL, TRUE, 1);
  else if (button == self->unplug_button && scanner != NULL)
    {
      /* Reported as a removed device, as a real unplug mid-capture is; unlike a real one the
       * simulated reader is back at once, so Retry works. */
      if (!ks_virtual_scanner_inject_error (scanner, FP_DEVICE_ERROR_REMOVED, &error))
        show_attempt (self, error->message);
    }
}

static void
setup_trainer (KsFingerprintStep *self)
{
  g_autoptr(GtkStringList) personas = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) fingers = gtk_string_list_new (NULL);

  for (guint i = 1; i <= N_PERSONAS; i++)
    {
      g_autofree char *name = persona_name (i);
      gtk_string_list_append (personas, name);
    }
  adw_combo_row_set_model (self->persona_row, G_LIST_MODEL (personas));

  gtk_string_list_append (fingers, _("The finger asked for"));
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    gtk_string_list_append (fingers, ks_finger_get_label (f));
  adw_combo_row_set_model (self->placed_finger_row, G_LIST_MODEL (fingers));

  gtk_widget_set_visible (GTK_WIDGET (self->trainer_button), TRUE);
  g_object_bind_property (self->trainer_button, "active", self->trainer_revealer, "reveal-child",
                          G_BINDING_SYNC_CREATE);
}

/* Duplicate check ***************************************************************************/

typedef struct
{
  GArray *new_fingers;        /* FpFinger per new print */
  GArray *existing_fingers;   /* FpFinger per print on record */
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_pointer (&data->new_fingers, g_array_unref);
  g_clear_pointer (&data->existing_fingers, g_array_unref);
  g_free (data);
}

static FpPrint *
print_from_capture (const KsFingerCapture *c)
{
  g_autoptr(GError) error = NULL;
  FpPrint *print;

  /* fp_print_deserialize() aborts on an empty blob. */
  if (c == NULL || c->template_blob == NULL || g_bytes_get_size (c->template_blob) == 0)
    return NULL;
  print = fp_print_deserialize (g_bytes_get_data (c->template_blob, NULL),
                                g_bytes_get_size (c->template_blob), &error);
  if (print == NULL)
    g_debug ("Template of finger %d unreadable: %s", c->finger, error->message);
  return print;
}

/* The prints already on record for the draft's CNIC (an edit, or a citizen enrolled before). */
static GPtrArray *
existing_prints (KsFingerprintStep *self,
                 GArray            *positions)
{
  KsStore *store = ks_station_get_store (self->station);
  GPtrArray *prints = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsRecordInfo) enrolled = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  KsVault *vault = ks_station_get_biometrics_vault (self->station, NULL);

  record = ks_drafts_load (store, self->draft_id, &info, NULL);
  if (record == NULL || vault == NULL || info->cnic == NULL || *info->cnic == '\0')
    return prints;
  enrolled = ks_records_find_by_cnic (store, info->cnic, NULL);
  if (enrolled == NULL)
    return prints;
  fingers = ks_fingers_load_record (store, vault, enrolled->id, NULL);
  for (guint i = 0; fingers && i < fingers->len; i++)
    {
      KsFingerCapture *c = fingers->pdata[i];
      FpPrint *print = print_from_capture (c);

      if (print != NULL)
        {
          g_ptr_array_add (prints, print);
          g_array_append_val (positions, c->finger);
        }
    }
  return prints;
}

static void
end_checking (KsFingerprintStep *self)
{
  self->checking = FALSE;
  gtk_spinner_stop (self->check_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), FALSE);
  update_all (self);
}

static void
on_duplicates_checked (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KsFingerprintStep *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GArray) on_record = g_array_new (FALSE, FALSE, sizeof (FpFinger));
  g_autofree char *name_a = NULL;
  g_autofree char *name_b = NULL;
  FpFinger same_a = 0, same_b = 0;
  FpFinger record_new = 0, record_old = 0;

  if (self->station == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "disposed");
      return;
    }

  found = ks_fingerprint_service_check_duplicates_finish (KS_FINGERPRINT_SERVICE (object), result,
                                                          &error);
  end_checking (self);
  if (found == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < found->len; i++)
    {
      const KsFpDuplicate *d = &g_array_index (found, KsFpDuplicate, i);
      FpFinger finger = g_array_index (data->new_fingers, FpFinger, d->new_index);

      if (d->kind == KS_FP_DUPLICATE_NEW && same_a == 0)
        {
          same_a = finger;
          same_b = g_array_index (data->new_fingers, FpFinger, d->other_index);
        }
      /* The record on file is this citizen's: its right thumb matching the new right thumb
       * confirms the edit. A new finger equal to ANOTHER finger on record means fingers were
       * swapped or one was placed twice: that is flagged for the supervisor. */
      else if (d->kind == KS_FP_DUPLICATE_EXISTING &&
               g_array_index (data->existing_fingers, FpFinger, d->other_index) != finger)
        {
          g_array_append_val (on_record, finger);
          record_new = finger;
          record_old = g_array_index (data->existing_fingers, FpFinger, d->other_index);
        }
    }

  if (self->draft_id > 0)
    ks_fingers_set_duplicates (ks_station_get_store (self->station), self->draft_id,
                               (const FpFinger *)(gpointer)on_record->data, on_record->len, NULL);
  for (guint i = 0; i < on_record->len; i++)
    {
      FpFinger f = g_array_index (on_record, FpFinger, i);
      if (self->fingers[f])
        self->fingers[f]->duplicate = TRUE;
    }

  if (same_a != 0)
    {
      /* Both are suspect: the citizen put one finger down for two. Neither is kept. */
      FpFinger pair[2] = { same_a, same_b };

      for (guint i = 0; i < 2; i++)
        {
          g_clear_pointer (&self->fingers[pair[i]], ks_finger_capture_free);
          if (self->draft_id > 0)
            ks_fingers_remove_draft_finger (ks_station_get_store (self->station), self->draft_id,
                                            pair[i], NULL);
        }
      self->selected = same_a;
      update_all (self);
      show_selected (self);
      show_attempt (self, NULL);
      g_signal_emit (self, signals[CHANGED], 0);
      gtk_widget_grab_focus (self->finger_buttons[same_a]);
      name_a = finger_name (same_a);
      name_b = finger_name (same_b);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               /* Translators: two finger names */
                               _("The %s and the %s are the same finger. Capture both again, and "
                                 "make sure the citizen places the finger asked for."),
                               name_a, name_b);
      return;
    }
  if (record_new != 0)
    {
      g_autofree char *new_name = finger_name (record_new);
      g_autofree char *old_name = finger_name (record_old);
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
 * already on record for the draft's CNIC, on the reader service's thread; a spinner runs
 * meanwhile. Two new fingers that are one finger are both dropped for recapture and the result
 * is an error; a match with the record is kept with the draft, for submit to flag.
 */
void
ks_fingerprint_step_check_duplicates_async (KsFingerprintStep  *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) new_prints = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) existing = NULL;
  CheckData *data;

  g_return_if_fail (KS_IS_FINGERPRINT_STEP (self));
  g_return_if_fail (self->service != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_fingerprint_step_check_duplicates_async);
  data = g_new0 (CheckData, 1);
  data->new_fingers = g_array_new (FALSE, FALSE, sizeof (FpFinger));
  data->existing_fingers = g_array_new (FALSE, FALSE, sizeof (FpFinger));
  g_task_set_task_data (task, data, (GDestroyNotify)check_data_free);

  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    {
      FpPrint *print = print_from_capture (self->fingers[f]);
      if (print != NULL)
        {
          g_ptr_array_add (new_prints, print);
          g_array_append_val (data->new_fingers, f);
        }
    }
  existing = existing_prints (self, data->existing_fingers);

  self->checking = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), TRUE);
  gtk_spinner_start (self->check_spinner);
  gtk_label_set_label (self->summary_label, _("Comparing the fingers with each other…"));
  update_all (self);
  ks_fingerprint_service_check_duplicates_async (self->service, new_prints, existing, cancellable,
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
  FpFinger target = next_pending (self);

  if (target == 0)
    target = self->selected;
  if (target != 0 && gtk_widget_get_sensitive (self->finger_buttons[target]))
    return gtk_widget_grab_focus (self->finger_buttons[target]);
  return GTK_WIDGET_CLASS (ks_fingerprint_step_parent_class)->grab_focus (widget);
}

static void
ks_fingerprint_step_dispose (GObject *object)
{
  KsFingerprintStep *self = (KsFingerprintStep *)object;

  g_cancellable_cancel (self->cancellable);
  self->capturing = FALSE;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->station);
  clear_tries (self);
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    g_clear_pointer (&self->fingers[f], ks_finger_capture_free);
  g_clear_pointer (&self->shots, g_ptr_array_unref);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-fingerprint-step.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, KsFingerprintStep, name)
  BIND (trainer_button);
  BIND (trainer_revealer);
  BIND (persona_row);
  BIND (placed_finger_row);
  BIND (smudged_button);
  BIND (partial_button);
  BIND (wrong_finger_button);
  BIND (unplug_button);
  BIND (trouble_box);
  BIND (trouble_title);
  BIND (trouble_label);
  BIND (retry_button);
  BIND (hands_fixed);
  BIND (hands_area);
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
  gtk_widget_class_bind_template_callback (widget_class, on_capture_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_keep_best_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_missing_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_missing_confirm_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_place_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_place_all_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_lift_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_trouble_clicked);
}

static void
ks_fingerprint_step_init (KsFingerprintStep *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->shots = g_ptr_array_new_with_free_func (shot_free);

  gtk_drawing_area_set_draw_func (self->hands_area, draw_hands, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->hands_area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Both hands, seen from above; each fingertip is a button"),
                                  -1);

  /* One button per fingertip, in the order Tab visits them: right hand thumb first. */
  {
    guint n = 0;
    const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

    for (guint i = 0; i < n; i++)
      {
        GtkWidget *button = gtk_toggle_button_new ();
        double x, y;

        finger_tip (order[i], &x, &y);
        gtk_widget_set_size_request (button, BUTTON_SIZE, BUTTON_SIZE);
        gtk_widget_add_css_class (button, "circular");
        gtk_widget_add_css_class (button, "finger-button");
        g_object_set_data (G_OBJECT (button), "finger", GINT_TO_POINTER (order[i]));
        g_signal_connect (button, "clicked", G_CALLBACK (on_finger_clicked), self);
        gtk_fixed_put (self->hands_fixed, button, x - BUTTON_SIZE / 2.0, y - BUTTON_SIZE / 2.0);
        self->finger_buttons[order[i]] = button;
      }
  }
  update_all (self);
  show_selected (self);
}

static void
update_required (KsFingerprintStep *self)
{
  guint n = 0;
  const FpFinger *set = ks_fingers_get_required (
    g_settings_get_enum (ks_station_get_settings (self->station), "capture-set"), &n);

  memset (self->required, 0, sizeof self->required);
  for (guint i = 0; i < n; i++)
    self->required[set[i]] = TRUE;
  update_all (self);
}

/**
 * ks_fingerprint_step_set_station:
 * @service: the station's reader service (ks_station_get_fingerprint_service())
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
  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (service));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  self->service = g_object_ref (service);

  reasons = ks_reference_get_missing_finger_reasons (ks_station_get_reference (station));
  gtk_string_list_append (reasons_model, _("Choose why…"));
  for (guint i = 0; i < reasons->len; i++)
    {
      const KsReason *reason = reasons->pdata[i];
      /* Translators: a missing-finger reason in English, then in Urdu */
      g_autofree char *text = g_strdup_printf (_("%s (%s)"), reason->label_en, reason->label_ur);
      gtk_string_list_append (reasons_model, text);
    }
  gtk_drop_down_set_model (self->reason_drop_down, G_LIST_MODEL (reasons_model));
  gtk_drop_down_set_selected (self->reason_drop_down, 0);
  on_reason_selected (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reason_drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Why the finger is missing"),
                                  -1);

  if (ks_station_is_training (station))
    setup_trainer (self);

  g_signal_connect_object (service, "reader-changed", G_CALLBACK (on_reader_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (ks_station_get_settings (station), "changed::capture-set",
                           G_CALLBACK (update_required), self, G_CONNECT_SWAPPED);
  update_required (self);
  show_no_reader_if_needed (self);
}

/**
 * ks_fingerprint_step_set_draft:
 * @draft_id: the draft being entered, or 0 for none
 *
 * Shows what was captured for that draft (after a resume, everything captured before).
 */
void
ks_fingerprint_step_set_draft (KsFingerprintStep *self,
                               gint64             draft_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  KsVault *vault = NULL;

  g_return_if_fail (KS_IS_FINGERPRINT_STEP (self));
  g_return_if_fail (self->station != NULL);

  cancel_capture (self);
  clear_tries (self);
  show_attempt (self, NULL);
  for (FpFinger f = FP_FINGER_FIRST; f <= FP_FINGER_LAST; f++)
    g_clear_pointer (&self->fingers[f], ks_finger_capture_free);
  self->draft_id = draft_id;
  self->selected = 0;

  if (draft_id > 0 &&
      (!(vault = ks_station_get_biometrics_vault (self->station, &error)) ||
       !(fingers = ks_fingers_load_draft (ks_station_get_store (self->station), vault, draft_id,
                                          &error))))
    show_attempt (self, error->message);
  /* An edit of a submitted record starts with the fingers on record. */
  if (fingers != NULL && fingers->len == 0)
    {
      KsStore *store = ks_station_get_store (self->station);
      g_autoptr(KsDraftInfo) info = NULL;
      g_autoptr(KsRecord) record = ks_drafts_load (store, draft_id, &info, NULL);

      if (record != NULL && info->record_id > 0 &&
          ks_fingers_copy_record_to_draft (store, info->record_id, draft_id, &error))
        {
          g_clear_pointer (&fingers, g_ptr_array_unref);
          fingers = ks_fingers_load_draft (store, vault, draft_id, &error);
          if (fingers == NULL)
            show_attempt (self, error->message);
        }
    }
  for (guint i = 0; fingers && i < fingers->len; i++)
    {
      KsFingerCapture *c = g_steal_pointer (&fingers->pdata[i]);
      self->fingers[c->finger] = c;
    }
  self->selected = next_pending (self);
  update_all (self);
  show_selected (self);
  show_no_reader_if_needed (self);
  g_signal_emit (self, signals[CHANGED], 0);
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

  if (self->capturing || self->checking)
    {
      name = finger_name (self->selected);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                   _("Wait until the %s is captured, or cancel the capture."), name);
      return FALSE;
    }
  pending = next_pending (self);
  if (pending != 0)
    {
      select_finger (self, pending);
      gtk_widget_grab_focus (self->finger_buttons[pending]);
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
  return !self->capturing && !self->checking && next_pending (self) == 0;
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
  return self->finger_buttons[finger];
}
