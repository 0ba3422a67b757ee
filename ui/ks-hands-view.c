/* ks-hands-view.c: both hands seen from above, each fingertip a button
 *
 * A pictogram of both hands, palms down, with a round toggle button on every fingertip (so Tab
 * and Space pick a finger as well as the mouse does). The view only draws what it is told: the
 * fingerprint step says how each finger is filled, what its button shows and which is selected.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-hands-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "ks-fingers.h"
#include "ks-hands-view.h"

#define BUTTON_SIZE 30

struct _KsHandsView
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkFixed *fixed;
  GtkDrawingArea *area;

  /* Owned */
  GtkWidget *buttons[FP_FINGER_LAST + 1];
  KsHandsFill fills[FP_FINGER_LAST + 1];
  FpFinger selected;
};

G_DEFINE_FINAL_TYPE (KsHandsView, ks_hands_view, ADW_TYPE_BIN)

enum {
  FINGER_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
set_finger_fill (cairo_t     *cr,
                 KsHandsView *self,
                 FpFinger     finger)
{
  switch (self->fills[finger])
    {
    case KS_HANDS_FILL_NOT_REQUIRED:
      cairo_set_source_rgb (cr, 0.96, 0.96, 0.95);
      break;
    case KS_HANDS_FILL_PENDING:
      cairo_set_source_rgb (cr, 0.87, 0.87, 0.85);
      break;
    case KS_HANDS_FILL_MISSING:
      cairo_set_source_rgb (cr, 0.75, 0.75, 0.74);
      break;
    case KS_HANDS_FILL_FORCED:
      cairo_set_source_rgb (cr, 1.0, 0.75, 0.44);
      break;
    case KS_HANDS_FILL_FAIR:
      cairo_set_source_rgb (cr, 0.98, 0.94, 0.42);
      break;
    case KS_HANDS_FILL_GOOD:
    default:
      cairo_set_source_rgb (cr, 0.56, 0.94, 0.64);
      break;
    }
}

static void
draw_hands (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  KsHandsView *self = user_data;

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

static void
on_button_clicked (GtkButton   *button,
                   KsHandsView *self)
{
  FpFinger finger = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "finger"));

  g_signal_emit (self, signals[FINGER_CLICKED], 0, finger);
}

/**
 * ks_hands_view_set_finger:
 * @icon_name: what @finger's button shows
 * @text: the finger and its state, for the tooltip and screen readers
 *
 * Shows the state of one finger.
 */
void
ks_hands_view_set_finger (KsHandsView *self,
                          FpFinger     finger,
                          KsHandsFill  fill,
                          const char  *icon_name,
                          const char  *text,
                          gboolean     sensitive)
{
  GtkWidget *button;

  g_return_if_fail (KS_IS_HANDS_VIEW (self));
  g_return_if_fail (FP_FINGER_IS_VALID (finger));

  button = self->buttons[finger];
  self->fills[finger] = fill;
  gtk_button_set_icon_name (GTK_BUTTON (button), icon_name);
  gtk_widget_set_tooltip_text (button, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  gtk_widget_set_sensitive (button, sensitive);
  /* Toggle state shows the selection to screen readers as "pressed". */
  g_signal_handlers_block_matched (button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), finger == self->selected);
  g_signal_handlers_unblock_matched (button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/**
 * ks_hands_view_set_selected:
 * @finger: the finger outlined, or 0 for none
 *
 * Takes effect with the next ks_hands_view_set_finger() of each finger.
 */
void
ks_hands_view_set_selected (KsHandsView *self,
                            FpFinger     finger)
{
  g_return_if_fail (KS_IS_HANDS_VIEW (self));

  self->selected = finger;
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/**
 * ks_hands_view_get_button:
 *
 * Returns: (transfer none): the fingertip button of @finger
 */
GtkWidget *
ks_hands_view_get_button (KsHandsView *self,
                          FpFinger     finger)
{
  g_return_val_if_fail (KS_IS_HANDS_VIEW (self), NULL);
  g_return_val_if_fail (FP_FINGER_IS_VALID (finger), NULL);
  return self->buttons[finger];
}

static void
ks_hands_view_class_init (KsHandsViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * KsHandsView::finger-clicked:
   * @finger: the #FpFinger whose fingertip button was clicked
   */
  signals[FINGER_CLICKED] = g_signal_new ("finger-clicked", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-hands-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsHandsView, fixed);
  gtk_widget_class_bind_template_child (widget_class, KsHandsView, area);
}

static void
ks_hands_view_init (KsHandsView *self)
{
  guint n = 0;
  const FpFinger *order = ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->area, draw_hands, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Both hands, seen from above; each fingertip is a button"),
                                  -1);

  /* One button per fingertip, in the order Tab visits them: right hand thumb first. */
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      double x, y;

      finger_tip (order[i], &x, &y);
      gtk_widget_set_size_request (button, BUTTON_SIZE, BUTTON_SIZE);
      gtk_widget_add_css_class (button, "circular");
      gtk_widget_add_css_class (button, "finger-button");
      g_object_set_data (G_OBJECT (button), "finger", GINT_TO_POINTER (order[i]));
      g_signal_connect (button, "clicked", G_CALLBACK (on_button_clicked), self);
      gtk_fixed_put (self->fixed, button, x - BUTTON_SIZE / 2.0, y - BUTTON_SIZE / 2.0);
      self->buttons[order[i]] = button;
    }
}
