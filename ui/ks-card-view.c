/* ks-card-view.c: a card's front and back on screen, with print and save actions
 *
 * Shared by the enrollment wizard's last step and the review detail. The drawing is the same
 * cairo code that prints the card (ks_card_render_front/back), scaled to the widget, so what
 * the operator sees is what comes out of the printer, SPECIMEN band included on a training
 * station. Every print and every saved file is audited with ks_card_audit_print(); a file
 * whose audit entry cannot be written is deleted again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-card-audit.h"
#include "ks-card-view.h"
#include "ks-ui-util.h"

/* Between the two sides, in card millimetres, and around them. */
#define SIDE_GAP_MM 6.0
#define MARGIN_MM 3.0
#define CORNER_MM 3.18  /* ISO/IEC 7810 corner radius */

struct _KsCardView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkDrawingArea *area;

  /* Owned */
  KsStation *station;
  KsCard *card;
  GtkNativeDialog *save_dialog;
  GCancellable *cancellable;  /* the view's requests to core; cancelled on dispose */
};

G_DEFINE_FINAL_TYPE (KsCardView, ks_card_view, GTK_TYPE_WIDGET)

static void
rounded_rect (cairo_t *cr,
              double   w,
              double   h,
              double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, w - r, r, r, -G_PI / 2, 0);
  cairo_arc (cr, w - r, h - r, r, 0, G_PI / 2);
  cairo_arc (cr, r, h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, r, r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_side (KsCard  *card,
           cairo_t *cr,
           gboolean front)
{
  /* A soft edge, so a white card stands out on a light window. */
  cairo_save (cr);
  rounded_rect (cr, KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM, CORNER_MM);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_set_line_width (cr, 0.5);
  cairo_stroke_preserve (cr);
  cairo_clip (cr);
  if (front)
    ks_card_render_front (card, cr);
  else
    ks_card_render_back (card, cr);
  cairo_restore (cr);
}

static void
draw_func (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  KsCardView *self = user_data;
  double total_w, total_h, scale;
  gboolean stacked;

  if (self->card == NULL)
    return;

  /* Side by side when there is room, else one above the other: whichever is larger. */
  {
    double wide = MIN (width / (2 * KS_CARD_WIDTH_MM + SIDE_GAP_MM + 2 * MARGIN_MM),
                       height / (KS_CARD_HEIGHT_MM + 2 * MARGIN_MM));
    double tall = MIN (width / (KS_CARD_WIDTH_MM + 2 * MARGIN_MM),
                       height / (2 * KS_CARD_HEIGHT_MM + SIDE_GAP_MM + 2 * MARGIN_MM));
    stacked = tall > wide;
    scale = MAX (wide, tall);
  }
  total_w = stacked ? KS_CARD_WIDTH_MM : 2 * KS_CARD_WIDTH_MM + SIDE_GAP_MM;
  total_h = stacked ? 2 * KS_CARD_HEIGHT_MM + SIDE_GAP_MM : KS_CARD_HEIGHT_MM;

  cairo_translate (cr, (width - total_w * scale) / 2, (height - total_h * scale) / 2);
  cairo_scale (cr, scale, scale);
  draw_side (self->card, cr, TRUE);
  if (stacked)
    cairo_translate (cr, 0, KS_CARD_HEIGHT_MM + SIDE_GAP_MM);
  else
    cairo_translate (cr, KS_CARD_WIDTH_MM + SIDE_GAP_MM, 0);
  draw_side (self->card, cr, FALSE);
}

static void
exported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ks_card_export_finish (KS_STORE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_card_view_export_async:
 * @path: a `.pdf` or `.png` file
 *
 * Writes the card to @path (the format follows the name) and records the export in the audit
 * log, in a worker thread (ks_card_export_async()). When the audit entry cannot be written,
 * the file is deleted again and an error returned.
 */
void
ks_card_view_export_async (KsCardView         *self,
                           const char         *path,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_CARD_VIEW (self));
  g_return_if_fail (self->card != NULL);
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_card_view_export_async);
  if (self->station == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("This card view is not connected to a station, so the copy "
                                 "cannot be recorded. Open the card from the Enroll or Review "
                                 "section."));
      return;
    }
  ks_card_export_async (ks_station_get_store (self->station),
                        ks_station_get_session (self->station), self->card, path, cancellable,
                        exported, g_steal_pointer (&task));
}

gboolean
ks_card_view_export_finish (KsCardView   *self,
                            GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
saved (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  KsCardView *self = KS_CARD_VIEW (source);
  g_autofree char *base = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_card_view_export_finish (self, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ks_ui_show_error (GTK_WIDGET (self), _("Card Not Saved"), error->message);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("Card saved as %s"), base);

      ks_ui_toast (GTK_WIDGET (self), message);
    }
}

static void
on_save_response (KsCardView           *self,
                  int                   response,
                  GtkFileChooserNative *dialog)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->card != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
      if (path == NULL)
        ks_ui_show_error (GTK_WIDGET (self), _("Cannot Save Here"),
                          _("Choose a folder on this computer or on a USB drive."));
      else
        ks_card_view_export_async (self, path, self->cancellable, saved,
                                   g_file_get_basename (file));
    }
  g_clear_object (&self->save_dialog);
}

/**
 * ks_card_view_save:
 * @format: "pdf" or "png"
 *
 * Asks where to save the card, then writes and audits it (ks_card_view_export_async()).
 */
void
ks_card_view_save (KsCardView *self,
                   const char *format)
{
  GtkRoot *root;
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;
  g_autofree char *name = NULL;
  gboolean pdf;

  g_return_if_fail (KS_IS_CARD_VIEW (self));
  g_return_if_fail (g_strcmp0 (format, "pdf") == 0 || g_strcmp0 (format, "png") == 0);

  if (self->card == NULL || self->save_dialog != NULL)
    return;

  pdf = g_str_equal (format, "pdf");
  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = gtk_file_chooser_native_new (pdf ? _("Save Card as PDF") : _("Save Card as PNG"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s.%s", ks_card_get_kp_id (self->card), format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, pdf ? _("PDF documents") : _("PNG images"));
  gtk_file_filter_add_mime_type (filter, pdf ? "application/pdf" : "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  self->save_dialog = GTK_NATIVE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->save_dialog);
}

typedef struct
{
  KsCardView *self;
  KsCard *card;        /* the card when printing started: set_card() may replace the view's */
  KsCardPrintLayout layout;
  gboolean previewed;
} PrintState;

static gboolean
on_preview (GtkPrintOperation        *operation,
            GtkPrintOperationPreview *preview,
            GtkPrintContext          *context,
            GtkWindow                *parent,
            PrintState               *state)
{
  /* A preview puts nothing on card stock: not a copy to audit. GTK still shows it. */
  state->previewed = TRUE;
  return FALSE;
}

/* The copy is recorded even when the view closed meanwhile; only the message is skipped. */
static void
print_recorded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsCardView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_card_audit_print_finish (KS_STORE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ks_ui_show_error (GTK_WIDGET (self), _("Print Not Recorded"), error->message);
    }
  else
    ks_ui_toast (GTK_WIDGET (self), _("Card sent to the printer"));
}

static void
on_print_done (GtkPrintOperation      *operation,
               GtkPrintOperationResult result,
               PrintState             *state)
{
  KsCardView *self = state->self;
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      ks_ui_show_error (GTK_WIDGET (self), _("Card Not Printed"),
                        error ? error->message : _(
                          "The printer reported an error. Check it and print again."));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY && !state->previewed)
    ks_card_audit_print_async (ks_station_get_store (self->station),
                               ks_station_get_session (self->station),
                               ks_card_get_kp_id (state->card),
                               ks_card_print_layout_to_output (state->layout), self->cancellable,
                               print_recorded, g_object_ref (self));
  g_object_unref (operation);
}

static void
print_state_free (PrintState *state)
{
  g_clear_pointer (&state->card, ks_card_free);
  g_object_unref (state->self);
  g_free (state);
}

static void
run_print (KsCardView             *self,
           KsCardPrintLayout       layout,
           GtkPrintOperationAction action,
           GtkWindow              *parent)
{
  GtkPrintOperation *operation;
  PrintState *state;
  g_autoptr(GError) error = NULL;

  if (self->card == NULL || self->station == NULL)
    return;

  state = g_new0 (PrintState, 1);
  state->self = g_object_ref (self);
  /* Printing runs on after this returns: keep a reference the view cannot drop under it. */
  state->card = ks_card_ref (self->card);
  state->layout = layout;

  operation = ks_card_print_operation_new (state->card, layout);
  g_object_set_data_full (G_OBJECT (operation), "ks-print-state", state,
                          (GDestroyNotify)print_state_free);
  g_signal_connect (operation, "preview", G_CALLBACK (on_preview), state);
  g_signal_connect (operation, "done", G_CALLBACK (on_print_done), state);
  gtk_print_operation_set_allow_async (operation, TRUE);

  if (parent == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      parent = GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
    }
  /* "done" (and with it the audit and the unref) follows in every case but an immediate error. */
  if (gtk_print_operation_run (operation, action, parent, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL)
    {
      ks_ui_show_error (GTK_WIDGET (self), _("Card Not Printed"), error->message);
    }
}

/**
 * ks_card_view_print:
 * @parent: (nullable): the window for the print dialog; %NULL for the view's own
 *
 * Opens the print dialog for @layout (it has GTK's print preview). The print is audited when
 * the operator confirms it; a preview is not.
 */
void
ks_card_view_print (KsCardView       *self,
                    KsCardPrintLayout layout,
                    GtkWindow        *parent)
{
  g_return_if_fail (KS_IS_CARD_VIEW (self));
  run_print (self, layout, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent);
}

static KsCardPrintLayout
layout_from_param (GVariant *param)
{
  return g_str_equal (g_variant_get_string (param, NULL), "a4") ? KS_CARD_PRINT_A4
                                                                : KS_CARD_PRINT_CARD_PRINTER;
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  ks_card_view_print (KS_CARD_VIEW (widget), layout_from_param (param), NULL);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  run_print (KS_CARD_VIEW (widget), layout_from_param (param),
             GTK_PRINT_OPERATION_ACTION_PREVIEW, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ks_card_view_save (KS_CARD_VIEW (widget), g_variant_get_string (param, NULL));
}

static void
update_actions (KsCardView *self)
{
  gboolean ready = self->card != NULL && self->station != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.print", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.preview", self->card != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "card.save", ready);
}

static void
ks_card_view_dispose (GObject *object)
{
  KsCardView *self = (KsCardView *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->save_dialog != NULL)
    gtk_native_dialog_destroy (self->save_dialog);
  g_clear_object (&self->save_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_CARD_VIEW);
  /* GTK 4.8 clears only the bound template children: the action bar is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->station);

  G_OBJECT_CLASS (ks_card_view_parent_class)->dispose (object);
}

static void
ks_card_view_finalize (GObject *object)
{
  KsCardView *self = (KsCardView *)object;

  g_clear_pointer (&self->card, ks_card_free);

  G_OBJECT_CLASS (ks_card_view_parent_class)->finalize (object);
}

static void
ks_card_view_class_init (KsCardViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_card_view_dispose;
  object_class->finalize = ks_card_view_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-card-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsCardView, area);

  gtk_widget_class_install_action (widget_class, "card.print", "s", print_action);
  gtk_widget_class_install_action (widget_class, "card.preview", "s", preview_action);
  gtk_widget_class_install_action (widget_class, "card.save", "s", save_action);
}

static void
ks_card_view_init (KsCardView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (
                                                                                   self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_drawing_area_set_draw_func (self->area, draw_func, self, NULL);
  update_actions (self);
}

GtkWidget *
ks_card_view_new (void)
{
  return g_object_new (KS_TYPE_CARD_VIEW, NULL);
}

/**
 * ks_card_view_set_station:
 *
 * The station whose audit log records prints and exports, with its signed-in operator. Print
 * and save stay disabled until it is set.
 */
void
ks_card_view_set_station (KsCardView *self,
                          KsStation  *station)
{
  g_return_if_fail (KS_IS_CARD_VIEW (self));
  g_return_if_fail (!station || KS_IS_STATION (station));

  g_set_object (&self->station, station);
  update_actions (self);
}

/**
 * ks_card_view_set_card:
 * @card: (transfer full) (nullable): the card to show; the view owns it from now on
 */
void
ks_card_view_set_card (KsCardView *self,
                       KsCard     *card)
{
  g_return_if_fail (KS_IS_CARD_VIEW (self));

  if (card != self->card)
    {
      g_clear_pointer (&self->card, ks_card_free);
      self->card = card;
    }
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/**
 * ks_card_view_get_card:
 *
 * Returns: (transfer none) (nullable): the card shown
 */
KsCard *
ks_card_view_get_card (KsCardView *self)
{
  g_return_val_if_fail (KS_IS_CARD_VIEW (self), NULL);
  return self->card;
}
