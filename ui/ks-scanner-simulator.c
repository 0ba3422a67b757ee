/* ks-scanner-simulator.c: the training profile's simulated citizen at the reader
 *
 * In the training profile the station's reader is libfprint's virtual_image driver, fed by
 * KsVirtualScanner. This panel plays the citizen: one of fifty made-up people puts a finger down
 * (the one asked for, or another), lifts the hand, or causes trouble to practise with (a smudged
 * or partial impression, the wrong finger, the reader pulled out mid-capture).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-scanner-simulator"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-fingers.h"
#include "ks-scanner-simulator.h"

#define N_PERSONAS 50

struct _KsScannerSimulator
{
  AdwBin parent_instance;

  /* Template widgets */
  AdwComboRow *persona_row;
  AdwComboRow *placed_finger_row;
  GtkButton *smudged_button;
  GtkButton *partial_button;
  GtkButton *wrong_finger_button;
  GtkButton *unplug_button;

  /* Owned */
  KsStation *station;
  GCancellable *cancellable;  /* the impressions being rendered */
  FpFinger finger_asked;
  gboolean waiting;           /* the reader waits for a finger */
  guint impression;           /* the simulated citizen's next impression */
};

G_DEFINE_FINAL_TYPE (KsScannerSimulator, ks_scanner_simulator, ADW_TYPE_BIN)

enum {
  PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

static void
report_problem (KsScannerSimulator *self,
                const GError       *error)
{
  g_signal_emit (self, signals[PROBLEM], 0, error->message);
}

static void
on_rendered (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KsScannerSimulator) self = user_data;
  g_autoptr(GPtrArray) images = NULL;
  KsVirtualScanner *scanner;
  guint width = 0, height = 0;

  images = ks_fpsynth_render_finish (result, &width, &height, NULL);
  if (images == NULL || self->station == NULL)
    return;
  scanner = ks_station_get_virtual_scanner (self->station);
  if (scanner == NULL)
    return;
  for (guint i = 0; i < images->len; i++)
    {
      GBytes *grey = images->pdata[i];
      g_autoptr(GError) error = NULL;

      /* The reader waits now: press the first at once; the rest wait for their prompts. */
      if (i == 0 && self->waiting)
        {
          self->waiting = FALSE;
          if (!ks_virtual_scanner_press (scanner, grey, width, height, &error))
            report_problem (self, error);
        }
      else
        ks_virtual_scanner_queue_image (scanner, grey, width, height);
    }
}

static void
place_impressions (KsScannerSimulator *self,
                   KsFpSynthVariant    variant,
                   gboolean            wrong_finger,
                   guint               count)
{
  guint placed = adw_combo_row_get_selected (self->placed_finger_row);
  FpFinger finger = placed == 0 ? (self->finger_asked ? self->finger_asked : FP_FINGER_RIGHT_THUMB)
                                : (FpFinger)placed;
  guint person = adw_combo_row_get_selected (self->persona_row) + 1;

  /* The neighbouring finger of the same hand: what a nervous citizen puts down. */
  if (wrong_finger)
    finger = finger % 5 == 0 ? finger - 1 : finger + 1;
  ks_fpsynth_render_async (person, finger, self->impression, count, variant, self->cancellable,
                           on_rendered, g_object_ref (self));
  self->impression += count;
}

static void
on_place_clicked (KsScannerSimulator *self)
{
  place_impressions (self, KS_FPSYNTH_NORMAL, FALSE, 1);
}

static void
on_place_all_clicked (KsScannerSimulator *self)
{
  KsFingerprintService *service = self->station
                                  ? ks_station_get_fingerprint_service (self->station)
                                  : NULL;
  guint stages = service ? ks_fingerprint_service_get_n_enroll_stages (service) : 0;

  place_impressions (self, KS_FPSYNTH_NORMAL, FALSE, MAX (1, stages));
}

static void
on_lift_clicked (KsScannerSimulator *self)
{
  KsVirtualScanner *scanner = self->station ? ks_station_get_virtual_scanner (self->station)
                                            : NULL;

  if (scanner != NULL)
    ks_virtual_scanner_clear_queue (scanner);
}

static void
on_trouble_clicked (KsScannerSimulator *self,
                    GtkButton          *button)
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
        report_problem (self, error);
    }
}

/**
 * ks_scanner_simulator_set_station:
 *
 * The citizens and fingers to choose from; the panel drives @station's virtual scanner.
 */
void
ks_scanner_simulator_set_station (KsScannerSimulator *self,
                                  KsStation          *station)
{
  g_autoptr(GtkStringList) personas = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) fingers = gtk_string_list_new (NULL);

  g_return_if_fail (KS_IS_SCANNER_SIMULATOR (self));
  g_return_if_fail (KS_IS_STATION (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
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
}

/**
 * ks_scanner_simulator_set_finger_asked:
 * @finger: the finger the step asks for, or 0 for none
 *
 * What "The finger asked for" places.
 */
void
ks_scanner_simulator_set_finger_asked (KsScannerSimulator *self,
                                       FpFinger            finger)
{
  g_return_if_fail (KS_IS_SCANNER_SIMULATOR (self));
  self->finger_asked = finger;
}

/**
 * ks_scanner_simulator_set_waiting:
 *
 * Whether the reader waits for a finger now: then the next impression rendered is pressed at
 * once instead of waiting for the reader's next prompt.
 */
void
ks_scanner_simulator_set_waiting (KsScannerSimulator *self,
                                  gboolean            waiting)
{
  g_return_if_fail (KS_IS_SCANNER_SIMULATOR (self));
  self->waiting = waiting;
}

static void
ks_scanner_simulator_dispose (GObject *object)
{
  KsScannerSimulator *self = KS_SCANNER_SIMULATOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (ks_scanner_simulator_parent_class)->dispose (object);
}

static void
ks_scanner_simulator_class_init (KsScannerSimulatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_scanner_simulator_dispose;

  /**
   * KsScannerSimulator::problem:
   * @message: what went wrong, for the operator
   *
   * The simulated reader could not take the finger or the trouble asked for.
   */
  signals[PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-scanner-simulator.ui");
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, persona_row);
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, placed_finger_row);
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, smudged_button);
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, partial_button);
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, wrong_finger_button);
  gtk_widget_class_bind_template_child (widget_class, KsScannerSimulator, unplug_button);
  gtk_widget_class_bind_template_callback (widget_class, on_place_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_place_all_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_lift_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_trouble_clicked);
}

static void
ks_scanner_simulator_init (KsScannerSimulator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
