/* ks-day-report.c: the end-of-day report: what was enrolled and decided on one day
 *
 * Supervisors hand this to the district office at closing time. Everything is counted by
 * SQLite on the indexes of submitted_at and decided_at, so a day stays quick however many
 * days the station holds. Two views of the day, kept apart on purpose: the records enrolled
 * that day (and what became of them so far), and the decisions taken that day (which may
 * concern records of earlier days).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-day-report"

#include "ks-l10n.h"
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "ks-day-report.h"
#include "ks-store-private.h"

static void
report_group_free (gpointer data)
{
  KsReportGroup *group = data;

  g_free (group->key);
  g_free (group);
}

static void
report_item_free (gpointer data)
{
  KsReportItem *item = data;

  g_free (item->kp_id);
  g_free (item->full_name);
  g_free (item->operator);
  g_free (item->district);
  g_free (item->decided_by);
  g_free (item->reason);
  g_free (item->note);
  g_free (item);
}

static void
day_report_clear (gpointer data)
{
  KsDayReport *report = data;

  g_clear_pointer (&report->by_operator, g_ptr_array_unref);
  g_clear_pointer (&report->by_district, g_ptr_array_unref);
  g_clear_pointer (&report->exceptions, g_ptr_array_unref);
  g_clear_pointer (&report->rejections, g_ptr_array_unref);
  g_clear_pointer (&report->rejection_reasons, g_ptr_array_unref);
}

/**
 * ks_day_report_ref:
 *
 * A report is shared read-only: the screen and a PDF or CSV written in a worker thread hold
 * the same one.
 *
 * Returns: (transfer full): @report
 */
KsDayReport *
ks_day_report_ref (KsDayReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);
  return g_atomic_rc_box_acquire (report);
}

/**
 * ks_day_report_free:
 *
 * Drops a reference to @report; the last one frees it.
 */
void
ks_day_report_free (KsDayReport *report)
{
  if (report == NULL)
    return;
  g_atomic_rc_box_release_full (report, day_report_clear);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  return g_strdup (text ? text : "");
}

/* Runs @sql with the day's bounds as ?1 and ?2 and hands each row to @row. */
static gboolean
each_row (KsStore     *store,
          KsDayReport *report,
          const char  *sql,
          void (      *row ) (KsDayReport  *report,
                              sqlite3_stmt *stmt),
          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, report->from);
  sqlite3_bind_int64 (stmt, 2, report->until);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    row (report, stmt);
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

static void
state_row (KsDayReport  *report,
           sqlite3_stmt *stmt)
{
  KsRecordState state = 0;

  if (ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 0), &state))
    report->by_state[state] = sqlite3_column_int64 (stmt, 1);
  report->submitted += sqlite3_column_int64 (stmt, 1);
}

static KsReportGroup *
group_from_row (sqlite3_stmt *stmt)
{
  KsReportGroup *group = g_new0 (KsReportGroup, 1);

  group->key = column_dup (stmt, 0);
  group->submitted = sqlite3_column_int64 (stmt, 1);
  group->awaiting = sqlite3_column_int64 (stmt, 2);
  group->approved = sqlite3_column_int64 (stmt, 3);
  group->rejected = sqlite3_column_int64 (stmt, 4);
  return group;
}

static void
operator_row (KsDayReport  *report,
              sqlite3_stmt *stmt)
{
  g_ptr_array_add (report->by_operator, group_from_row (stmt));
}

static void
district_row (KsDayReport  *report,
              sqlite3_stmt *stmt)
{
  g_ptr_array_add (report->by_district, group_from_row (stmt));
}

static void
decision_row (KsDayReport  *report,
              sqlite3_stmt *stmt)
{
  const char *decision = (const char *)sqlite3_column_text (stmt, 0);

  if (g_strcmp0 (decision, "approved") == 0)
    report->approved = sqlite3_column_int64 (stmt, 1);
  else if (g_strcmp0 (decision, "rejected") == 0)
    report->rejected = sqlite3_column_int64 (stmt, 1);
}

static KsReportItem *
item_from_row (sqlite3_stmt *stmt)
{
  KsReportItem *item = g_new0 (KsReportItem, 1);

  item->kp_id = column_dup (stmt, 0);
  item->full_name = column_dup (stmt, 1);
  item->operator = column_dup (stmt, 2);
  item->district = column_dup (stmt, 3);
  item->flags = (guint)sqlite3_column_int (stmt, 4);
  ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 5), &item->state);
  if (sqlite3_column_type (stmt, 6) != SQLITE_NULL)
    ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 6), &item->decision);
  item->decided_by = column_dup (stmt, 7);
  item->reason = column_dup (stmt, 8);
  item->note = column_dup (stmt, 9);
  return item;
}

static void
exception_row (KsDayReport  *report,
               sqlite3_stmt *stmt)
{
  g_ptr_array_add (report->exceptions, item_from_row (stmt));
}

static void
rejection_row (KsDayReport  *report,
               sqlite3_stmt *stmt)
{
  g_ptr_array_add (report->rejections, item_from_row (stmt));
}

static void
reason_row (KsDayReport  *report,
            sqlite3_stmt *stmt)
{
  KsReportGroup *group = g_new0 (KsReportGroup, 1);

  group->key = column_dup (stmt, 0);
  group->rejected = sqlite3_column_int64 (stmt, 1);
  g_ptr_array_add (report->rejection_reasons, group);
}

#define GROUP_COUNTS \
  "count(*), sum (state = 'submitted'), sum (decision IS 'approved'), " \
  "sum (decision IS 'rejected')"
#define ITEM_COLUMNS \
  "kp_id, full_name, operator, district, flags, state, decision, decided_by, reason, note"

/**
 * ks_day_report_compute:
 * @day: the day, in the station's local time zone
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
KsDayReport *
ks_day_report_compute (KsStore     *store,
                       const GDate *day,
                       GError     **error)
{
  g_autoptr(KsDayReport) report = g_atomic_rc_box_new0 (KsDayReport);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (day != NULL && g_date_valid (day), NULL);

  report->day = *day;
  start = g_date_time_new_local (g_date_get_year (day), g_date_get_month (day),
                                 g_date_get_day (day), 0, 0, 0);
  end = g_date_time_add_days (start, 1);
  report->from = g_date_time_to_unix (start) * G_USEC_PER_SEC;
  report->until = g_date_time_to_unix (end) * G_USEC_PER_SEC;
  report->by_operator = g_ptr_array_new_with_free_func (report_group_free);
  report->by_district = g_ptr_array_new_with_free_func (report_group_free);
  report->rejection_reasons = g_ptr_array_new_with_free_func (report_group_free);
  report->exceptions = g_ptr_array_new_with_free_func (report_item_free);
  report->rejections = g_ptr_array_new_with_free_func (report_item_free);

  /* One read transaction, so every figure comes from the same moment even while the station
   * keeps enrolling. */
  _ks_store_lock (store);
  ok = ks_store_exec (store, "BEGIN", error) &&
       each_row (store, report,
                 "SELECT state, count(*) FROM records "
                 "WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY state",
                 state_row, error) &&
       each_row (store, report,
                 "SELECT operator, " GROUP_COUNTS " FROM records "
                 "WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY operator ORDER BY operator",
                 operator_row, error) &&
       each_row (store, report,
                 "SELECT district, " GROUP_COUNTS " FROM records "
                 "WHERE submitted_at >= ?1 AND submitted_at < ?2 GROUP BY district ORDER BY district",
                 district_row, error) &&
       each_row (store, report,
                 "SELECT " ITEM_COLUMNS " FROM records "
                 "WHERE submitted_at >= ?1 AND submitted_at < ?2 AND flags <> 0 "
                 "ORDER BY submitted_at, id",
                 exception_row, error) &&
       each_row (store, report,
                 "SELECT decision, count(*) FROM records "
                 "WHERE decided_at >= ?1 AND decided_at < ?2 GROUP BY decision",
                 decision_row, error) &&
       each_row (store, report,
                 "SELECT " ITEM_COLUMNS " FROM records "
                 "WHERE decided_at >= ?1 AND decided_at < ?2 AND decision = 'rejected' "
                 "ORDER BY decided_at, id",
                 rejection_row, error) &&
       each_row (store, report,
                 "SELECT reason, count(*) FROM records "
                 "WHERE decided_at >= ?1 AND decided_at < ?2 AND decision = 'rejected' "
                 "GROUP BY reason ORDER BY count(*) DESC, reason",
                 reason_row, error);
  ks_store_exec (store, "COMMIT", NULL);
  _ks_store_unlock (store);

  return ok ? g_steal_pointer (&report) : NULL;
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KsStore *store = g_object_get_data (G_OBJECT (task), "store");
  GError *error = NULL;
  KsDayReport *report = ks_day_report_compute (store, task_data, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify)ks_day_report_free);
}

/**
 * ks_day_report_compute_async:
 * @day: the day, in the station's local time zone
 *
 * ks_day_report_compute() in a worker thread: a day of a busy station holds thousands of
 * records, and the window must keep drawing while SQLite counts them.
 */
void
ks_day_report_compute_async (KsStore            *store,
                             const GDate        *day,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (day != NULL && g_date_valid (day));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_day_report_compute_async);
  g_object_set_data_full (G_OBJECT (task), "store", g_object_ref (store), g_object_unref);
  g_task_set_task_data (task, g_date_copy (day), (GDestroyNotify)g_date_free);
  g_task_run_in_thread (task, compute_thread);
}

/**
 * ks_day_report_compute_finish:
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
KsDayReport *
ks_day_report_compute_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_day_report_compute_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
append_field (GString    *csv,
              const char *field)
{
  gboolean quote = strpbrk (field, ",\"\r\n") != NULL;

  if (quote)
    g_string_append_c (csv, '"');
  if (field[0] != '\0' && strchr ("=+-@\t", field[0]) != NULL)
    g_string_append_c (csv, '\'');
  for (const char *p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  if (quote)
    g_string_append_c (csv, '"');
}

/**
 * ks_csv_format_line:
 * @fields: (array zero-terminated=1): the fields; %NULL ends the list
 *
 * One CSV line (RFC 4180): a field is quoted when it holds a comma, quote or line break, with
 * its quotes doubled. A field that a spreadsheet would run as a formula (starting with =, +,
 * -, @ or a tab) gets a leading apostrophe: a name typed as "=HYPERLINK(...)" must not turn
 * into a link on the district office's computer.
 *
 * Returns: (transfer full): the line, ending in CRLF
 */
char *
ks_csv_format_line (const char *const *fields)
{
  GString *line = g_string_new (NULL);

  g_return_val_if_fail (fields != NULL, NULL);

  for (guint i = 0; fields[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (line, ',');
      append_field (line, fields[i]);
    }
  g_string_append (line, "\r\n");
  return g_string_free (line, FALSE);
}

/* Appends a line of up to 15 fields; NULL fields are written empty. */
static void
add_line (GString    *csv,
          guint       n,
          const char *f0,
          ...)
{
  const char *fields[16] = { NULL };
  g_autofree char *line = NULL;
  va_list args;

  g_assert (n <= 15);
  fields[0] = f0 ? f0 : "";
  va_start (args, f0);
  for (guint i = 1; i < n; i++)
    {
      const char *field = va_arg (args, const char *);
      fields[i] = field ? field : "";
    }
  va_end (args);
  line = ks_csv_format_line (fields);
  g_string_append (csv, line);
}

#define NUM(buf, n) (g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, (gint64)(n)), buf)

static const char *
reason_label (KsReference *reference,
              const char  *id)
{
  const KsReason *reason = reference ? ks_reference_lookup_rejection_reason (reference, id) : NULL;
  return reason ? reason->label_en : "";
}

/* The CSV's one header: every line has every column, each fills those that apply to it. */
#define CSV_COLUMNS 15

/* A line of counts: @key is the day, state, operator, district or rejection reason. */
static void
add_counts (GString    *csv,
            const char *section,
            const char *key,
            const char *submitted,
            const char *awaiting,
            const char *approved,
            const char *rejected)
{
  add_line (csv, CSV_COLUMNS, section, key, submitted, awaiting, approved, rejected,
            NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
append_groups (GString    *csv,
               const char *section,
               GPtrArray  *groups)
{
  for (guint i = 0; i < groups->len; i++)
    {
      KsReportGroup *group = g_ptr_array_index (groups, i);
      char a[24], b[24], c[24], d[24];

      add_counts (csv, section, group->key, NUM (a, group->submitted), NUM (b, group->awaiting),
                  NUM (c, group->approved), NUM (d, group->rejected));
    }
}

static void
append_items (GString     *csv,
              const char  *section,
              GPtrArray   *items,
              KsReference *reference)
{
  for (guint i = 0; i < items->len; i++)
    {
      KsReportItem *item = g_ptr_array_index (items, i);
      g_autofree char *flags = ks_record_flags_to_string (item->flags);

      add_line (csv, CSV_COLUMNS, section, item->kp_id, NULL, NULL, NULL, NULL, item->kp_id,
                item->full_name, item->operator, item->district, flags, item->decided_by,
                item->reason, reason_label (reference, item->reason), item->note);
    }
}

/**
 * ks_day_report_to_csv:
 * @reference: (nullable): to add each rejection reason's English label to its id
 *
 * The report as CSV, one table under one header line, so a spreadsheet or the district
 * office's tools read it as it is: each line's "section" says what it is. Counts (the day, by
 * state, by operator, by district, by rejection reason) fill the count columns; the named
 * records (exceptions and rejections) fill the record columns, their ID also as the key.
 * Column headers stay English: the district office's tools read them.
 *
 * Returns: (transfer full): the CSV text, lines ending in CRLF
 */
char *
ks_day_report_to_csv (KsDayReport *report,
                      KsReference *reference)
{
  GString *csv = g_string_new (NULL);
  char date[16], a[24], b[24], c[24], d[24];

  g_return_val_if_fail (report != NULL, NULL);

  /* ISO: a CSV is data for spreadsheets and scripts, which read year-first dates unambiguously. */
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &report->day);
  add_line (csv, CSV_COLUMNS, "section", "key", "submitted", "awaiting_review", "approved",
            "rejected", "kp_id", "name", "operator", "district", "flags", "decided_by", "reason",
            "reason_label", "note");
  add_counts (csv, "day", date, NUM (a, report->submitted),
              NUM (b, report->by_state[KS_RECORD_STATE_SUBMITTED]), NUM (c, report->approved),
              NUM (d, report->rejected));
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    add_counts (csv, "state", ks_record_state_to_string (s), NUM (a, report->by_state[s]), NULL,
                NULL, NULL);
  append_groups (csv, "operator", report->by_operator);
  append_groups (csv, "district", report->by_district);
  for (guint i = 0; i < report->rejection_reasons->len; i++)
    {
      KsReportGroup *group = g_ptr_array_index (report->rejection_reasons, i);
      add_counts (csv, "rejection_reason", group->key, NULL, NULL, NULL,
                  NUM (a, group->rejected));
    }
  append_items (csv, "exception", report->exceptions, reference);
  append_items (csv, "rejection", report->rejections, reference);
  return g_string_free (csv, FALSE);
}

/**
 * ks_day_report_write_csv:
 *
 * Writes the CSV atomically: a USB stick pulled half-way leaves the previous file, never half
 * of this one.
 */
gboolean
ks_day_report_write_csv (KsDayReport *report,
                         KsReference *reference,
                         const char  *path,
                         GError     **error)
{
  g_autofree char *csv = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = ks_day_report_to_csv (report, reference);
  if (!g_file_set_contents (path, csv, -1, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   _("The report could not be saved to %s. Check that the disk or USB stick is "
                     "writable and not full, then save again."),
                   path);
      return FALSE;
    }
  return TRUE;
}

/* What an export in a worker thread needs: its own reference to the report, so the screen may
 * show another day meanwhile. */
typedef struct
{
  KsDayReport *report;
  KsReference *reference;
  char *station_code;
  char *path;
} Export;

static void
export_free (Export *export)
{
  g_clear_pointer (&export->report, ks_day_report_free);
  g_clear_pointer (&export->reference, ks_reference_unref);
  g_free (export->station_code);
  g_free (export->path);
  g_free (export);
}

static GTask *
export_task_new (KsDayReport        *report,
                 KsReference        *reference,
                 const char         *station_code,
                 const char         *path,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer            user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Export *export = g_new0 (Export, 1);

  export->report = ks_day_report_ref (report);
  export->reference = reference ? ks_reference_ref (reference) : NULL;
  export->station_code = g_strdup (station_code);
  export->path = g_strdup (path);
  g_task_set_task_data (task, export, (GDestroyNotify)export_free);
  return task;
}

static void
write_csv_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  if (!ks_day_report_write_csv (export->report, export->reference, export->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_day_report_write_csv_async:
 * @reference: (nullable): as for ks_day_report_to_csv()
 *
 * ks_day_report_write_csv() in a worker thread: a USB stick can take seconds to write.
 */
void
ks_day_report_write_csv_async (KsDayReport        *report,
                               KsReference        *reference,
                               const char         *path,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (report != NULL);
  g_return_if_fail (path != NULL);

  task = export_task_new (report, reference, NULL, path, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_day_report_write_csv_async);
  g_task_run_in_thread (task, write_csv_thread);
}

gboolean
ks_day_report_write_csv_finish (GAsyncResult *result,
                                GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_day_report_write_csv_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The printed report ******************************************************************/

static void
report_line_free (gpointer data)
{
  KsReportLine *line = data;

  g_free (line->text);
  g_free (line);
}

static void add_text_line (GPtrArray  *lines,
                           gboolean    heading,
                           const char *format,
                           ...) G_GNUC_PRINTF (3, 4);

static void
add_text_line (GPtrArray  *lines,
               gboolean    heading,
               const char *format,
               ...)
{
  KsReportLine *line = g_new0 (KsReportLine, 1);
  va_list args;

  va_start (args, format);
  line->text = g_strdup_vprintf (format, args);
  va_end (args);
  line->heading = heading;
  g_ptr_array_add (lines, line);
}

/* As the screen names them: the reason's English label, or its id when the reference data does
 * not know it. */
static const char *
reason_name (KsReference *reference,
             const char  *id)
{
  const KsReason *reason;

  if (id == NULL || *id == '\0')
    return "";
  reason = reference ? ks_reference_lookup_rejection_reason (reference, id) : NULL;
  return reason ? reason->label_en : id;
}

static const char *
district_name (KsReference *reference,
               const char  *code)
{
  const KsDistrict *district = reference && code ? ks_reference_lookup_district (reference, code)
                                                 : NULL;

  return district ? district->name_en : code;
}

/**
 * ks_report_group_describe:
 *
 * Returns: (transfer full): the group's counts, as the report shows them
 */
char *
ks_report_group_describe (const KsReportGroup *group)
{
  /* Translators: one operator's or district's day in the report */
  return g_strdup_printf (_("%'lld enrolled · %'lld awaiting review · %'lld approved · %'lld "
                            "rejected"),
                          (long long)group->submitted, (long long)group->awaiting,
                          (long long)group->approved, (long long)group->rejected);
}

/**
 * ks_day_report_format_day:
 *
 * Returns: (transfer full): the report's day, as its title and the day button show it
 */
char *
ks_day_report_format_day (const GDate *day)
{
  return ks_format_date (day);
}

/**
 * ks_day_report_to_lines:
 * @reference: (nullable): for district names and rejection reasons
 * @station_code: (nullable): the station's code, for the title
 *
 * The report as the lines a printed page shows; the screen shows the same in groups.
 *
 * Returns: (transfer container) (element-type KsReportLine): the lines
 */
GPtrArray *
ks_day_report_to_lines (KsDayReport *report,
                        KsReference *reference,
                        const char  *station_code)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (report_line_free);
  KsDayReport *r = report;
  g_autofree char *day = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  day = ks_day_report_format_day (&r->day);
  if (station_code != NULL && *station_code != '\0')
    add_text_line (lines, TRUE, _("Khyber Pass Station %s: day report for %s"), station_code,
                   day);
  else
    add_text_line (lines, TRUE, _("Khyber Pass Station: day report for %s"), day);
  add_text_line (lines, FALSE, " ");
  add_text_line (lines, TRUE, _("Enrolled this day: %'lld"), (long long)r->submitted);
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    if (r->by_state[s] > 0)
      add_text_line (lines, FALSE, "    %s: %'" G_GINT64_FORMAT, ks_record_state_get_label (s),
                     r->by_state[s]);
  add_text_line (lines, TRUE, _("Decided this day: %'lld approved, %'lld rejected"),
                 (long long)r->approved, (long long)r->rejected);
  add_text_line (lines, FALSE, " ");
  add_text_line (lines, TRUE, _("By operator"));
  for (guint i = 0; i < r->by_operator->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->by_operator, i);
      g_autofree char *counts = ks_report_group_describe (g);
      add_text_line (lines, FALSE, "    %s: %s", g->key, counts);
    }
  add_text_line (lines, TRUE, _("By district"));
  for (guint i = 0; i < r->by_district->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->by_district, i);
      g_autofree char *counts = ks_report_group_describe (g);
      add_text_line (lines, FALSE, "    %s: %s", district_name (reference, g->key), counts);
    }
  add_text_line (lines, FALSE, " ");
  add_text_line (lines, TRUE, _("Exceptions (%u)"), r->exceptions->len);
  if (r->exceptions->len == 0)
    add_text_line (lines, FALSE, "    %s", _("None"));
  for (guint i = 0; i < r->exceptions->len; i++)
    {
      KsReportItem *item = g_ptr_array_index (r->exceptions, i);
      g_autofree char *flags = ks_record_flags_to_string (item->flags);
      add_text_line (lines, FALSE, "    %s  %s  (%s, %s)", item->kp_id, item->full_name, flags,
                     item->operator);
    }
  add_text_line (lines, TRUE, _("Rejections (%u)"), r->rejections->len);
  if (r->rejections->len == 0)
    add_text_line (lines, FALSE, "    %s", _("None"));
  for (guint i = 0; i < r->rejection_reasons->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->rejection_reasons, i);
      add_text_line (lines, FALSE, "    %s: %'" G_GINT64_FORMAT, reason_name (reference, g->key),
                     g->rejected);
    }
  for (guint i = 0; i < r->rejections->len; i++)
    {
      KsReportItem *item = g_ptr_array_index (r->rejections, i);
      add_text_line (lines, FALSE, "    %s  %s: %s%s%s", item->kp_id, item->full_name,
                     reason_name (reference, item->reason), *item->note ? " · " : "", item->note);
    }
  return lines;
}

#define PAGE_MARGIN 48.0
#define LINE_HEIGHT 15.0

/**
 * ks_day_report_lines_per_page:
 * @height: the page's height in points
 */
guint
ks_day_report_lines_per_page (double height)
{
  return MAX (1, (guint)((height - 2 * PAGE_MARGIN) / LINE_HEIGHT));
}

/**
 * ks_day_report_wrap_lines:
 * @lines: (element-type KsReportLine): from ks_day_report_to_lines(); rewritten
 * @width: the page's width in points
 *
 * Breaks each line too long for the page into as many lines as it takes (a supervisor's note
 * is read in full, never cut with "…"); the lines after the first are indented. Call before
 * counting the pages.
 */
void
ks_day_report_wrap_lines (GPtrArray *lines,
                          double     width)
{
  PangoContext *context;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoFontDescription) body = pango_font_description_from_string ("Sans 9");
  g_autoptr(PangoFontDescription) heading = pango_font_description_from_string ("Sans Bold 10");
  /* A little narrower than the page: the PDF's unhinted glyphs may run a bit wider. */
  double text_width = width - 2 * PAGE_MARGIN - 12;
  g_autofree gpointer *old = NULL;
  gsize n = 0;

  g_return_if_fail (lines != NULL);

  context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  layout = pango_layout_new (context);
  g_object_unref (context);   /* the layout keeps it */
  pango_layout_set_width (layout, (int)(text_width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  old = g_ptr_array_steal (lines, &n);
  for (gsize i = 0; i < n; i++)
    {
      KsReportLine *line = old[i];

      pango_layout_set_font_description (layout, line->heading ? heading : body);
      pango_layout_set_text (layout, line->text, -1);
      if (pango_layout_get_line_count (layout) <= 1)
        {
          g_ptr_array_add (lines, line);
          continue;
        }
      for (int l = 0; l < pango_layout_get_line_count (layout); l++)
        {
          PangoLayoutLine *visual = pango_layout_get_line_readonly (layout, l);
          KsReportLine *part = g_new0 (KsReportLine, 1);
          g_autofree char *text = g_strndup (line->text + visual->start_index, visual->length);

          part->heading = line->heading;
          /* Further lines go under the text, past the first line's indent. */
          part->text = l == 0 ? g_strchomp (g_steal_pointer (&text))
                              : g_strconcat ("        ", g_strstrip (text), NULL);
          g_ptr_array_add (lines, part);
        }
      report_line_free (line);
    }
}

/**
 * ks_day_report_draw_page:
 * @lines: (element-type KsReportLine): from ks_day_report_to_lines()
 * @page: which page, from 0
 *
 * Draws one page of the report in points: for a print job and for the PDF alike.
 */
void
ks_day_report_draw_page (cairo_t   *cr,
                         double     width,
                         double     height,
                         GPtrArray *lines,
                         guint      page)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) body = pango_font_description_from_string ("Sans 9");
  g_autoptr(PangoFontDescription) heading = pango_font_description_from_string ("Sans Bold 10");
  guint per_page = ks_day_report_lines_per_page (height);

  cairo_set_source_rgb (cr, 0, 0, 0);
  pango_layout_set_width (layout, (int)((width - 2 * PAGE_MARGIN) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  for (guint i = page * per_page; i < MIN (lines->len, (page + 1) * per_page); i++)
    {
      KsReportLine *line = g_ptr_array_index (lines, i);

      pango_layout_set_font_description (layout, line->heading ? heading : body);
      pango_layout_set_text (layout, line->text, -1);
      cairo_move_to (cr, PAGE_MARGIN, PAGE_MARGIN + (i - page * per_page) * LINE_HEIGHT);
      pango_cairo_show_layout (cr, layout);
    }
}

/**
 * ks_day_report_write_pdf:
 * @reference: (nullable): for district names and rejection reasons
 * @station_code: (nullable): the station's code, for the title
 *
 * Writes the report to @path as an A4 PDF, the pages a printer would print.
 */
gboolean
ks_day_report_write_pdf (KsDayReport *report,
                         KsReference *reference,
                         const char  *station_code,
                         const char  *path,
                         GError     **error)
{
  /* A4 in points */
  const double width = 595.28, height = 841.89;
  g_autoptr(GPtrArray) lines = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint pages, per_page = ks_day_report_lines_per_page (height);

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  lines = ks_day_report_to_lines (report, reference, station_code);
  ks_day_report_wrap_lines (lines, width);
  pages = MAX (1, (lines->len + per_page - 1) / per_page);
  surface = cairo_pdf_surface_create (path, width, height);
  cr = cairo_create (surface);
  for (guint page = 0; page < pages; page++)
    {
      ks_day_report_draw_page (cr, width, height, lines, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("The PDF could not be saved. Check that the disk or USB stick is "
                             "writable and not full, then save again."));
      return FALSE;
    }
  return TRUE;
}

static void
write_pdf_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Export *export = task_data;
  GError *error = NULL;

  if (!ks_day_report_write_pdf (export->report, export->reference, export->station_code,
                                export->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_day_report_write_pdf_async:
 *
 * ks_day_report_write_pdf() in a worker thread: laying out pages and writing them to a USB
 * stick takes long enough to freeze the window.
 */
void
ks_day_report_write_pdf_async (KsDayReport        *report,
                               KsReference        *reference,
                               const char         *station_code,
                               const char         *path,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (report != NULL);
  g_return_if_fail (path != NULL);

  task = export_task_new (report, reference, station_code, path, cancellable, callback,
                          user_data);
  g_task_set_source_tag (task, ks_day_report_write_pdf_async);
  g_task_run_in_thread (task, write_pdf_thread);
}

gboolean
ks_day_report_write_pdf_finish (GAsyncResult *result,
                                GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_day_report_write_pdf_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
