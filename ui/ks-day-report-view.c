/* ks-day-report-view.c: the Review section's day report: one day's figures, printed or saved
 *
 * What was enrolled and decided on one day, as the supervisor hands it to the district office
 * at closing time. Core counts the day in a worker thread and writes the PDF and CSV in one;
 * this view only shows the figures and forwards the supervisor's choice of day and file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-day-report-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-day-report-view.h"
#include "ks-review-util.h"
#include "ks-ui-util.h"

/* Rows the day report shows on screen per list; the CSV always has them all. */
#define REPORT_MAX_ROWS 200

struct _KsDayReportView
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkMenuButton *day_button;
  GtkCalendar *calendar;
  GtkBox *report_box;

  /* Owned */
  KsStation *station;
  KsReference *reference;
  KsDayReport *report;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable;   /* everything this view started; cancelled by dispose */
  GCancellable *load;          /* the day being counted; cancelled when another is chosen */
  gboolean requested;          /* a day was asked for since the last clear */
};

G_DEFINE_FINAL_TYPE (KsDayReportView, ks_day_report_view, ADW_TYPE_BIN)

static char *
station_code (KsDayReportView *self)
{
  return ks_station_config_dup_string (ks_station_get_config (self->station), "station-code");
}

static void
add_group_rows (KsDayReportView *self,
                const char      *title,
                GPtrArray       *groups,
                gboolean         districts)
{
  AdwPreferencesGroup *group = ks_review_add_group (self->report_box, title);

  for (guint i = 0; i < groups->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (groups, i);
      g_autofree char *counts = ks_report_group_describe (g);

      ks_review_add_field_row (group,
                               districts ? ks_review_district_label (self->reference, g->key)
                                         : g->key,
                               counts);
    }
  if (groups->len == 0)
    ks_review_add_field_row (group, _("No enrollments"), NULL);
}

static void
add_item_rows (KsDayReportView *self,
               const char      *title,
               GPtrArray       *items,
               gboolean         rejections)
{
  g_autofree char *heading = g_strdup_printf ("%s (%u)", title, items->len);
  AdwPreferencesGroup *group = ks_review_add_group (self->report_box, heading);

  for (guint i = 0; i < MIN (items->len, REPORT_MAX_ROWS); i++)
    {
      KsReportItem *item = g_ptr_array_index (items, i);
      g_autofree char *row_title = g_strdup_printf ("%s · %s", item->kp_id, item->full_name);
      g_autofree char *flags = ks_record_flags_to_string (item->flags);
      g_autofree char *text = NULL;

      if (rejections)
        text = g_strdup_printf ("%s%s%s · %s",
                                ks_review_reason_label (self->reference, item->reason),
                                *item->note ? " · " : "", item->note, item->decided_by);
      else
        text = g_strdup_printf ("%s · %s", flags, item->operator);
      ks_review_add_field_row (group, row_title, text);
    }
  if (items->len > REPORT_MAX_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("%u more in the CSV and the printed report"),
                                               items->len - REPORT_MAX_ROWS);
      ks_review_add_field_row (group, more, NULL);
    }
  if (items->len == 0)
    ks_review_add_field_row (group, _("None"), NULL);
}

static void
fill_report (KsDayReportView *self)
{
  KsDayReport *r = self->report;
  AdwPreferencesGroup *group;

  ks_review_remove_children (self->report_box);

  group = ks_review_add_group (self->report_box, _("Enrolled This Day"));
  {
    g_autofree char *total = g_strdup_printf ("%'" G_GINT64_FORMAT, r->submitted);
    ks_review_add_field_row (group, _("Records submitted"), total);
  }
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    if (r->by_state[s] > 0)
      {
        g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, r->by_state[s]);
        ks_review_add_field_row (group, ks_record_state_get_label (s), count);
      }
  group = ks_review_add_group (self->report_box, _("Decided This Day"));
  {
    g_autofree char *approved = g_strdup_printf ("%'" G_GINT64_FORMAT, r->approved);
    g_autofree char *rejected = g_strdup_printf ("%'" G_GINT64_FORMAT, r->rejected);

    ks_review_add_field_row (group, _("Approved"), approved);
    ks_review_add_field_row (group, _("Rejected"), rejected);
    for (guint i = 0; i < r->rejection_reasons->len; i++)
      {
        KsReportGroup *g = g_ptr_array_index (r->rejection_reasons, i);
        g_autofree char *title = g_strdup_printf (_("Rejected: %s"),
                                                  ks_review_reason_label (self->reference,
                                                                          g->key));
        g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, g->rejected);
        ks_review_add_field_row (group, title, count);
      }
  }
  add_group_rows (self, _("By Operator"), r->by_operator, FALSE);
  add_group_rows (self, _("By District"), r->by_district, TRUE);
  add_item_rows (self, _("Exceptions"), r->exceptions, FALSE);
  add_item_rows (self, _("Rejections"), r->rejections, TRUE);
}

static void
on_report_computed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KsDayReportView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDayReport) report = ks_day_report_compute_finish (result, &error);

  /* Another day was chosen meanwhile, or the view went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    return;
  g_clear_object (&self->load);
  g_clear_pointer (&self->report, ks_day_report_free);
  if (report == NULL)
    {
      AdwPreferencesGroup *group;

      ks_review_remove_children (self->report_box);
      group = ks_review_add_group (self->report_box, _("The report could not be made"));
      ks_review_add_field_row (group, error->message, NULL);
      return;
    }
  self->report = g_steal_pointer (&report);
  fill_report (self);
}

static void on_day_selected (KsDayReportView *self);

/**
 * ks_day_report_view_show:
 * @day: (nullable): the day; %NULL for the one chosen last (today at first)
 *
 * Counts the day in a worker thread, and shows it when done.
 */
void
ks_day_report_view_show (KsDayReportView *self,
                         const GDate     *day)
{
  g_autoptr(GDate) chosen = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (KS_IS_DAY_REPORT_VIEW (self));

  if (self->station == NULL)
    return;
  if (day == NULL)
    {
      g_autoptr(GDateTime) dt = gtk_calendar_get_date (self->calendar);

      chosen = g_date_new_dmy (g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                               g_date_time_get_year (dt));
      day = chosen;
    }
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (day),
                                                       g_date_get_month (day),
                                                       g_date_get_day (day), 12, 0, 0);
      g_signal_handlers_block_by_func (self->calendar, on_day_selected, self);
      gtk_calendar_select_day (self->calendar, dt);
      g_signal_handlers_unblock_by_func (self->calendar, on_day_selected, self);
    }

  label = ks_day_report_format_day (day);
  gtk_menu_button_set_label (self->day_button, label);
  self->requested = TRUE;
  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  self->load = g_cancellable_new ();
  ks_day_report_compute_async (ks_station_get_store (self->station), day, self->load,
                               on_report_computed, g_object_ref (self));
}

/**
 * ks_day_report_view_reload:
 *
 * Counts the day shown again, if any: records were submitted or decided since.
 */
void
ks_day_report_view_reload (KsDayReportView *self)
{
  g_return_if_fail (KS_IS_DAY_REPORT_VIEW (self));

  if (self->report != NULL)
    {
      GDate day = self->report->day;
      ks_day_report_view_show (self, &day);
    }
}

/**
 * ks_day_report_view_clear:
 *
 * Forgets the report (another person signed in): the next look counts the day afresh.
 */
void
ks_day_report_view_clear (KsDayReportView *self)
{
  g_return_if_fail (KS_IS_DAY_REPORT_VIEW (self));

  g_cancellable_cancel (self->load);
  g_clear_object (&self->load);
  g_clear_pointer (&self->report, ks_day_report_free);
  self->requested = FALSE;
}

/**
 * ks_day_report_view_is_empty:
 *
 * Returns: whether no day was asked for since the view was made or cleared
 */
gboolean
ks_day_report_view_is_empty (KsDayReportView *self)
{
  g_return_val_if_fail (KS_IS_DAY_REPORT_VIEW (self), TRUE);
  return !self->requested;
}

/**
 * ks_day_report_view_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown, %NULL while the first is counted
 */
KsDayReport *
ks_day_report_view_get_report (KsDayReportView *self)
{
  g_return_val_if_fail (KS_IS_DAY_REPORT_VIEW (self), NULL);
  return self->report;
}

/**
 * ks_day_report_view_write_pdf_async:
 *
 * Writes the report shown to @path as an A4 PDF in a worker thread (ks_day_report_write_pdf_async()).
 * Reports %G_IO_ERROR_PENDING while the day is still being counted.
 */
void
ks_day_report_view_write_pdf_async (KsDayReportView    *self,
                                    const char         *path,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autofree char *code = NULL;

  g_return_if_fail (KS_IS_DAY_REPORT_VIEW (self));

  if (self->report == NULL)
    {
      g_task_report_new_error (self, callback, user_data, ks_day_report_view_write_pdf_async,
                               G_IO_ERROR, G_IO_ERROR_PENDING, "%s",
                               _("The report is not ready yet. Wait a moment, then save again."));
      return;
    }
  code = station_code (self);
  ks_day_report_write_pdf_async (self->report, self->reference, code, path, cancellable,
                                 callback, user_data);
}

gboolean
ks_day_report_view_write_pdf_finish (KsDayReportView *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  if (g_async_result_is_tagged (result, ks_day_report_view_write_pdf_async))
    return g_task_propagate_boolean (G_TASK (result), error);
  return ks_day_report_write_pdf_finish (result, error);
}

static void
on_day_selected (KsDayReportView *self)
{
  gtk_popover_popdown (gtk_menu_button_get_popover (self->day_button));
  ks_day_report_view_show (self, NULL);
}

/* Printing **************************************************************************/

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                GPtrArray         *lines)
{
  guint per_page = ks_day_report_lines_per_page (gtk_print_context_get_height (context));

  ks_day_report_wrap_lines (lines, gtk_print_context_get_width (context));
  gtk_print_operation_set_n_pages (operation, MAX (1, (lines->len + per_page - 1) / per_page));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              GPtrArray         *lines)
{
  ks_day_report_draw_page (gtk_print_context_get_cairo_context (context),
                           gtk_print_context_get_width (context),
                           gtk_print_context_get_height (context), lines, page);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KsDayReportView *self = KS_DAY_REPORT_VIEW (widget);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  GPtrArray *lines;

  if (self->report == NULL)
    return;
  code = station_code (self);
  lines = ks_day_report_to_lines (self->report, self->reference, code);
  operation = gtk_print_operation_new ();
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Day report"));
  g_signal_connect (operation, "begin-print", G_CALLBACK (on_begin_print), lines);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), lines);
  g_object_set_data_full (G_OBJECT (operation), "lines", lines,
                          (GDestroyNotify)g_ptr_array_unref);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_WINDOW (gtk_widget_get_root (widget)),
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    ks_ui_toast (widget, _("The report could not be printed. Check the printer, then try again."));
}

/* Saving ****************************************************************************/

static void
on_export_written (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KsDayReportView) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean csv = g_async_result_is_tagged (result, ks_day_report_write_csv_async);
  gboolean ok = csv ? ks_day_report_write_csv_finish (result, &error)
                    : ks_day_report_view_write_pdf_finish (self, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  ks_ui_toast (GTK_WIDGET (self), ok ? _("Report saved") : error->message);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    KsDayReportView *self)
{
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "pdf"));

  if (response == GTK_RESPONSE_ACCEPT && self->report != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (pdf)
        ks_day_report_view_write_pdf_async (self, path, self->cancellable, on_export_written,
                                            g_object_ref (self));
      else
        ks_day_report_write_csv_async (self->report, self->reference, path, self->cancellable,
                                       on_export_written, g_object_ref (self));
    }
  if (self->chooser == GTK_FILE_CHOOSER_NATIVE (chooser))
    g_clear_object (&self->chooser);
}

static void
export_report (KsDayReportView *self,
               gboolean         pdf)
{
  char date[16];
  g_autofree char *name = NULL;

  if (self->report == NULL)
    return;
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  /* ISO: a file name, so a folder of reports sorts by day. */
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &self->report->day);
  name = g_strdup_printf ("day-report-%s.%s", date, pdf ? "pdf" : "csv");
  self->chooser = gtk_file_chooser_native_new (pdf ? _("Save the Report as PDF")
                                                   : _("Save the Report as CSV"),
                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data (G_OBJECT (self->chooser), "pdf", GINT_TO_POINTER (pdf));
  /* Non-modal: the view may go away (the window rebuilt for another language) before the
   * supervisor answers; the handler goes with it. */
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_report (KS_DAY_REPORT_VIEW (widget), TRUE);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_report (KS_DAY_REPORT_VIEW (widget), FALSE);
}

/* Life cycle ************************************************************************/

/**
 * ks_day_report_view_set_station:
 * @reference: (nullable): for district names and rejection reasons
 */
void
ks_day_report_view_set_station (KsDayReportView *self,
                                KsStation       *station,
                                KsReference     *reference)
{
  g_return_if_fail (KS_IS_DAY_REPORT_VIEW (self));
  g_return_if_fail (KS_IS_STATION (station));

  g_set_object (&self->station, station);
  g_clear_pointer (&self->reference, ks_reference_unref);
  self->reference = reference ? ks_reference_ref (reference) : NULL;
}

static void
ks_day_report_view_dispose (GObject *object)
{
  KsDayReportView *self = (KsDayReportView *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load);
  if (self->chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_object (&self->station);
  g_clear_object (&self->load);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reference, ks_reference_unref);

  G_OBJECT_CLASS (ks_day_report_view_parent_class)->dispose (object);
}

static void
ks_day_report_view_finalize (GObject *object)
{
  KsDayReportView *self = (KsDayReportView *)object;

  g_clear_pointer (&self->report, ks_day_report_free);

  G_OBJECT_CLASS (ks_day_report_view_parent_class)->finalize (object);
}

static void
ks_day_report_view_class_init (KsDayReportViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_day_report_view_dispose;
  object_class->finalize = ks_day_report_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-day-report-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KsDayReportView, day_button);
  gtk_widget_class_bind_template_child (widget_class, KsDayReportView, calendar);
  gtk_widget_class_bind_template_child (widget_class, KsDayReportView, report_box);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);

  gtk_widget_class_install_action (widget_class, "report.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "report.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "report.export-csv", NULL, export_csv_action);
}

static void
ks_day_report_view_init (KsDayReportView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
