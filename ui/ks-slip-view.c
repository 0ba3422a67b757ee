/* ks-slip-view.c: the enrollment slip on screen, with print and save actions
 *
 * The wizard's last step shows it: the citizen leaves with proof of enrollment and the Khyber
 * Pass ID, not with a signed card, which waits for a supervisor's approval. The drawing is the
 * cairo code that prints it (ks_slip_render), scaled to the widget. The slip is printed on A4
 * (top left, with its cutting line) because a station's office printer is what every centre
 * has. It vouches for nothing, so its copies are not audited like a card's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-slip-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-slip-view.h"
#include "ks-ui-util.h"

#define MARGIN_MM 2.0
/* Where the slip sits on an A4 sheet. */
#define A4_OFFSET_MM 15.0

struct _KsSlipView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkDrawingArea *area;

  /* Owned */
  KsSlip *slip;
  GtkNativeDialog *save_dialog;
  GCancellable *cancellable;  /* the view's requests to core; cancelled on dispose */
};

G_DEFINE_FINAL_TYPE (KsSlipView, ks_slip_view, GTK_TYPE_WIDGET)

static void
draw_func (GtkDrawingArea *area,
           cairo_t        *cr,
           int             width,
           int             height,
           gpointer        user_data)
{
  KsSlipView *self = user_data;
  double scale;

  if (self->slip == NULL)
    return;
  scale = MIN (width / (KS_SLIP_WIDTH_MM + 2 * MARGIN_MM),
               height / (KS_SLIP_HEIGHT_MM + 2 * MARGIN_MM));
  cairo_translate (cr, (width - KS_SLIP_WIDTH_MM * scale) / 2,
                   (height - KS_SLIP_HEIGHT_MM * scale) / 2);
  cairo_scale (cr, scale, scale);
  ks_slip_render (self->slip, cr);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              KsSlipView        *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  if (self->slip == NULL)
    return;
  cairo_translate (cr, A4_OFFSET_MM, A4_OFFSET_MM);
  ks_slip_render (self->slip, cr);
}

static void
on_print_done (GtkPrintOperation      *operation,
               GtkPrintOperationResult result,
               KsSlipView             *self)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      ks_ui_show_error (GTK_WIDGET (self), _("Slip Not Printed"),
                        error ? error->message
                              : _("The printer reported an error. Check it and print again."));
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    ks_ui_toast (GTK_WIDGET (self), _("Slip sent to the printer"));
  g_object_unref (operation);
  g_object_unref (self);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KsSlipView *self = KS_SLIP_VIEW (widget);
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_name = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->slip == NULL)
    return;

  operation = gtk_print_operation_new ();
  setup = gtk_page_setup_new ();
  paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_MM);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_n_pages (operation, 1);
  job_name = g_strdup_printf (_("Enrollment slip %s"), ks_slip_get_kp_id (self->slip));
  gtk_print_operation_set_job_name (operation, job_name);
  /* The operation holds the view until "done"; it draws the view's slip of the moment. */
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), self);
  g_signal_connect (operation, "done", G_CALLBACK (on_print_done), g_object_ref (self));
  gtk_print_operation_set_allow_async (operation, TRUE);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL)
    ks_ui_show_error (widget, _("Slip Not Printed"), error->message);
}

static void
slip_saved (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KsSlipView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (ks_slip_write_file_finish (result, &error))
    ks_ui_toast (GTK_WIDGET (self), _("Slip saved"));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ks_ui_show_error (GTK_WIDGET (self), _("Slip Not Saved"), error->message);
}

static void
on_save_response (KsSlipView           *self,
                  int                   response,
                  GtkFileChooserNative *dialog)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->slip != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
      if (path == NULL)
        ks_ui_show_error (GTK_WIDGET (self), _("Cannot Save Here"),
                          _("Choose a folder on this computer or on a USB drive."));
      else
        ks_slip_write_file_async (self->slip, path, self->cancellable, slip_saved,
                                  g_object_ref (self));
    }
  g_clear_object (&self->save_dialog);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  KsSlipView *self = KS_SLIP_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->slip == NULL || self->save_dialog != NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save Slip as PDF"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s-slip.pdf", ks_slip_get_kp_id (self->slip));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  self->save_dialog = GTK_NATIVE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->save_dialog);
}

static void
update_actions (KsSlipView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slip.print", self->slip != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "slip.save", self->slip != NULL);
}

static void
ks_slip_view_dispose (GObject *object)
{
  KsSlipView *self = (KsSlipView *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->save_dialog != NULL)
    gtk_native_dialog_destroy (self->save_dialog);
  g_clear_object (&self->save_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_SLIP_VIEW);
  /* GTK 4.8 clears only the bound template children: the action bar is unparented here. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ks_slip_view_parent_class)->dispose (object);
}

static void
ks_slip_view_finalize (GObject *object)
{
  KsSlipView *self = (KsSlipView *)object;

  g_clear_pointer (&self->slip, ks_slip_free);

  G_OBJECT_CLASS (ks_slip_view_parent_class)->finalize (object);
}

static void
ks_slip_view_class_init (KsSlipViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_slip_view_dispose;
  object_class->finalize = ks_slip_view_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-slip-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSlipView, area);

  gtk_widget_class_install_action (widget_class, "slip.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "slip.save", NULL, save_action);
}

static void
ks_slip_view_init (KsSlipView *self)
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
ks_slip_view_new (void)
{
  return g_object_new (KS_TYPE_SLIP_VIEW, NULL);
}

/**
 * ks_slip_view_set_slip:
 * @slip: (transfer full) (nullable): the slip to show; the view owns it from now on
 */
void
ks_slip_view_set_slip (KsSlipView *self,
                       KsSlip     *slip)
{
  g_return_if_fail (KS_IS_SLIP_VIEW (self));

  if (slip != self->slip)
    {
      g_clear_pointer (&self->slip, ks_slip_free);
      self->slip = slip;
    }
  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

/**
 * ks_slip_view_get_slip:
 *
 * Returns: (transfer none) (nullable): the slip shown
 */
KsSlip *
ks_slip_view_get_slip (KsSlipView *self)
{
  g_return_val_if_fail (KS_IS_SLIP_VIEW (self), NULL);
  return self->slip;
}
