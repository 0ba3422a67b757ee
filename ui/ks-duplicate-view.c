/* ks-duplicate-view.c: a record and its possible duplicate side by side, for the supervisor
 *
 * Shown at the top of a record's detail when the station-wide search flagged it as a possible
 * duplicate enrolment: for each other record its fingers match, both people (Khyber Pass ID,
 * name, CNIC, district, photo) next to each other, then every matching pair of fingers with
 * both impressions, the score and the estimated false-match rate, so the supervisor sees what
 * the station saw before deciding. Core loads, decrypts and decodes it all in a worker thread
 * (ks-duplicate-comparison.c); this widget only lays it out. Everything is reachable from the
 * keyboard: each pair is a focusable row that reads out the pair, and "Open the Other Record"
 * opens the other record in the same detail.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ks-duplicate-comparison.h"
#include "ks-duplicate-view.h"
#include "ks-review-util.h"

#define IMPRESSION_SIZE 168

struct _KsDuplicateView
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkBox *items_box;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsReference *reference;
  char *kp_id;
  GCancellable *cancellable;
  gboolean loading;
  guint n_duplicates;
};

G_DEFINE_FINAL_TYPE (KsDuplicateView, ks_duplicate_view, ADW_TYPE_BIN)

enum {
  OPEN_RECORD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "1 in 120,000": the estimated false-match rate as people say odds, to two figures. */
static char *
format_fmr (double fmr)
{
  g_autofree char *digits = NULL;
  GString *grouped;
  double one_in, scale;
  gsize len;

  if (fmr >= 0.5)
    return g_strdup (_("1 in 2 or more"));
  if (fmr < 1e-9)
    return g_strdup (_("below 1 in a billion"));
  one_in = 1.0 / fmr;
  scale = pow (10, floor (log10 (one_in)) - 1);
  digits = g_strdup_printf ("%.0f", round (one_in / scale) * scale);
  len = strlen (digits);
  grouped = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (grouped, ',');
      g_string_append_c (grouped, digits[i]);
    }
  {
    g_autofree char *number = g_string_free (grouped, FALSE);
    /* Translators: odds, e.g. "1 in 120,000" */
    return g_strdup_printf (_("1 in %s"), number);
  }
}

/* One impression as a picture, with its finger named under it. */
static GtkWidget *
impression (const KsFingerCapture *capture,
            const char            *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *label = gtk_label_new (caption);
  g_autoptr(GdkTexture) texture = NULL;

  gtk_widget_set_size_request (picture, IMPRESSION_SIZE, IMPRESSION_SIZE);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  caption, -1);
  if (capture != NULL)
    texture = ks_review_finger_texture (capture->image, capture->width, capture->height);
  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  else
    {
      g_object_unref (g_object_ref_sink (picture));
      picture = gtk_label_new (_("No impression kept"));
      gtk_widget_set_size_request (picture, IMPRESSION_SIZE, IMPRESSION_SIZE);
      gtk_widget_add_css_class (picture, "dim-label");
    }
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 20);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* Who one side is: photo, Khyber Pass ID, name, CNIC, district. */
static GtkWidget *
person (KsDuplicateView        *self,
        const KsComparisonSide *side,
        const char             *heading)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *cnic = ks_review_format_cnic (side->cnic);
  g_autofree char *name = side->full_name_ur && *side->full_name_ur
                          ? g_strdup_printf ("%s · %s", side->full_name, side->full_name_ur)
                          : g_strdup (side->full_name);
  GtkWidget *title = gtk_label_new (heading);
  GtkWidget *photo;

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (box), title);
  /* The photo above the details, the same height on both sides so the rows line up. */
  if (side->photo_rgba != NULL)
    {
      g_autoptr(GdkTexture) texture
        = gdk_memory_texture_new (side->photo_width, side->photo_height, GDK_MEMORY_R8G8B8A8,
                                  side->photo_rgba, side->photo_stride);
      g_autofree char *label = g_strdup_printf (_("Photo of %s"), side->full_name);

      photo = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
      gtk_accessible_update_property (GTK_ACCESSIBLE (photo), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
    }
  else
    {
      photo = gtk_label_new (_("No photo"));
      gtk_widget_add_css_class (photo, "dim-label");
    }
  gtk_widget_set_size_request (photo, 96, 128);
  gtk_widget_set_halign (photo, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), photo);
  ks_review_add_field_row (group, _("Khyber Pass ID"), side->kp_id);
  ks_review_add_field_row (group, _("Name"), name);
  ks_review_add_field_row (group, _("CNIC"), cnic);
  ks_review_add_field_row (group, _("District"),
                           ks_review_district_label (self->reference, side->district));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (group));
  return box;
}

/* One pair of matching fingers: both impressions, the score and its false-match rate between. */
static GtkWidget *
pair_row (const KsComparisonItem *item,
          const KsComparisonSide *record,
          const KsDuplicatePair  *pair)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *middle = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *fmr = format_fmr (pair->fmr);
  /* Translators: "This record: Right thumb" under a fingerprint impression */
  g_autofree char *left = g_strdup_printf (_("This record: %s"),
                                           ks_finger_get_label (pair->finger));
  /* Translators: "Other record: Left thumb" under a fingerprint impression */
  g_autofree char *right = g_strdup_printf (_("Other record: %s"),
                                            ks_finger_get_label (pair->other_finger));
  /* Translators: how similar two impressions are, 0-100 */
  g_autofree char *score = g_strdup_printf (_("Score %.0f of 100"), pair->score);
  /* Translators: %s is odds, e.g. "1 in 120,000" */
  g_autofree char *rate = g_strdup_printf (_("Estimated false-match rate: %s"), fmr);
  g_autofree char *spoken = g_strdup_printf ("%s; %s; %s; %s", left, right, score, rate);
  GtkWidget *score_label = gtk_label_new (score);
  GtkWidget *rate_label = gtk_label_new (rate);

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_hexpand (middle, TRUE);
  gtk_widget_set_valign (middle, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (score_label, "title-3");
  gtk_label_set_wrap (GTK_LABEL (rate_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (rate_label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (rate_label), 24);
  gtk_box_append (GTK_BOX (middle), score_label);
  gtk_box_append (GTK_BOX (middle), rate_label);

  gtk_box_append (GTK_BOX (box),
                  impression (ks_comparison_side_get_finger (record, pair->finger), left));
  gtk_box_append (GTK_BOX (box), middle);
  gtk_box_append (GTK_BOX (box),
                  impression (ks_comparison_side_get_finger (item->other, pair->other_finger),
                              right));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* Focusable, so Tab reaches each pair and a screen reader reads all of it. */
  gtk_widget_set_focusable (row, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken,
                                  -1);
  return row;
}

static void
open_other_clicked (GtkButton       *button,
                    KsDuplicateView *self)
{
  const char *kp_id = g_object_get_data (G_OBJECT (button), "kp-id");

  g_signal_emit (self, signals[OPEN_RECORD], 0, kp_id);
}

static GtkWidget *
item_widget (KsDuplicateView             *self,
             const KsDuplicateComparison *comparison,
             const KsComparisonItem      *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *people = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *pairs = gtk_list_box_new ();
  g_autofree char *heading = ks_duplicate_finding_describe (item->finding);
  g_autofree char *button_label = g_strdup_printf (_("Open %s"), item->other->kp_id);
  GtkWidget *heading_label = gtk_label_new (heading);
  GtkWidget *button = gtk_button_new_with_label (button_label);

  gtk_label_set_xalign (GTK_LABEL (heading_label), 0);
  gtk_label_set_wrap (GTK_LABEL (heading_label), TRUE);
  gtk_widget_add_css_class (heading_label, "heading");
  gtk_box_append (GTK_BOX (box), heading_label);

  gtk_box_set_homogeneous (GTK_BOX (people), TRUE);
  gtk_box_append (GTK_BOX (people), person (self, comparison->record, _("This Record")));
  gtk_box_append (GTK_BOX (people), person (self, item->other, _("Possible Duplicate")));
  gtk_box_append (GTK_BOX (box), people);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (pairs), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (pairs, "boxed-list");
  for (guint i = 0; i < item->finding->pairs->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (pairs),
                         pair_row (item, comparison->record,
                                   &g_array_index (item->finding->pairs, KsDuplicatePair, i)));
  gtk_box_append (GTK_BOX (box), pairs);

  gtk_widget_set_tooltip_text (button, _("Open the other record here, to read all of it."));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  gtk_widget_add_css_class (button, "pill");
  g_object_set_data_full (G_OBJECT (button), "kp-id", g_strdup (item->other->kp_id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (open_other_clicked), self, 0);
  gtk_box_append (GTK_BOX (box), button);
  return box;
}

static void
clear_items (KsDuplicateView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->items_box))) != NULL)
    gtk_box_remove (self->items_box, child);
  self->n_duplicates = 0;
}

static void
comparison_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KsDuplicateView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDuplicateComparison) comparison = NULL;

  comparison = ks_duplicate_comparison_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  clear_items (self);
  if (comparison == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The possible duplicates could not be opened: "
                                                 "%s"), error->message);
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "error");
      gtk_box_append (self->items_box, label);
      gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
      return;
    }
  for (guint i = 0; i < comparison->items->len; i++)
    gtk_box_append (self->items_box, item_widget (self, comparison,
                                                  comparison->items->pdata[i]));
  self->n_duplicates = comparison->items->len;
  gtk_widget_set_visible (GTK_WIDGET (self), comparison->items->len > 0);
}

/**
 * ks_duplicate_view_show:
 * @kp_id: (nullable): the record shown in the detail
 *
 * Hidden until core has read the record's duplicate findings; shown only when there are some.
 */
void
ks_duplicate_view_show (KsDuplicateView *self,
                        const char      *kp_id)
{
  g_autoptr(GError) error = NULL;
  KsVault *vault;

  g_return_if_fail (KS_IS_DUPLICATE_VIEW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  clear_items (self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  self->loading = FALSE;
  g_free (self->kp_id);
  self->kp_id = g_strdup (kp_id);
  if (kp_id == NULL || self->station == NULL || self->session == NULL)
    return;
  vault = ks_station_get_biometrics_vault (self->station, &error);
  if (vault == NULL)
    {
      /* The fingerprints section says why nothing biometric opens. */
      g_debug ("No duplicate comparison: %s", error->message);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  ks_duplicate_comparison_load_async (ks_station_get_store (self->station), vault, self->session,
                                      kp_id, self->cancellable, comparison_loaded,
                                      g_object_ref (self));
}

gboolean
ks_duplicate_view_is_loading (KsDuplicateView *self)
{
  g_return_val_if_fail (KS_IS_DUPLICATE_VIEW (self), FALSE);
  return self->loading;
}

/**
 * ks_duplicate_view_get_n_duplicates:
 *
 * Returns: how many other records are shown side by side with this one
 */
guint
ks_duplicate_view_get_n_duplicates (KsDuplicateView *self)
{
  g_return_val_if_fail (KS_IS_DUPLICATE_VIEW (self), 0);
  return self->n_duplicates;
}

void
ks_duplicate_view_set_station (KsDuplicateView *self,
                               KsStation       *station,
                               KsReference     *reference)
{
  g_return_if_fail (KS_IS_DUPLICATE_VIEW (self));

  g_set_object (&self->station, station);
  g_clear_pointer (&self->reference, ks_reference_unref);
  if (reference != NULL)
    self->reference = ks_reference_ref (reference);
}

void
ks_duplicate_view_set_session (KsDuplicateView *self,
                               KsSession       *session)
{
  g_return_if_fail (KS_IS_DUPLICATE_VIEW (self));
  g_set_object (&self->session, session);
}

static void
ks_duplicate_view_dispose (GObject *object)
{
  KsDuplicateView *self = KS_DUPLICATE_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->station);
  g_clear_object (&self->session);
  /* AdwBin unparents its child itself: no gtk_widget_dispose_template() here. */

  G_OBJECT_CLASS (ks_duplicate_view_parent_class)->dispose (object);
}

static void
ks_duplicate_view_finalize (GObject *object)
{
  KsDuplicateView *self = KS_DUPLICATE_VIEW (object);

  g_clear_pointer (&self->reference, ks_reference_unref);
  g_free (self->kp_id);

  G_OBJECT_CLASS (ks_duplicate_view_parent_class)->finalize (object);
}

static void
ks_duplicate_view_class_init (KsDuplicateViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_duplicate_view_dispose;
  object_class->finalize = ks_duplicate_view_finalize;

  /**
   * KsDuplicateView::open-record:
   * @kp_id: the other record's Khyber Pass ID
   *
   * The supervisor asked to read the other record.
   */
  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-duplicate-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsDuplicateView, items_box);
}

static void
ks_duplicate_view_init (KsDuplicateView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
