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

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

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

void
ks_day_report_free (KsDayReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->by_operator, g_ptr_array_unref);
  g_clear_pointer (&report->by_district, g_ptr_array_unref);
  g_clear_pointer (&report->exceptions, g_ptr_array_unref);
  g_clear_pointer (&report->rejections, g_ptr_array_unref);
  g_clear_pointer (&report->rejection_reasons, g_ptr_array_unref);
  g_free (report);
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
  g_autoptr(KsDayReport) report = g_new0 (KsDayReport, 1);
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

/* Appends a line of up to 10 fields; NULL fields are written empty. */
static void
add_line (GString    *csv,
          guint       n,
          const char *f0,
          ...)
{
  const char *fields[11] = { NULL };
  g_autofree char *line = NULL;
  va_list args;

  g_assert (n <= 10);
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

static void
append_groups (GString    *csv,
               const char *section,
               GPtrArray  *groups)
{
  for (guint i = 0; i < groups->len; i++)
    {
      KsReportGroup *group = g_ptr_array_index (groups, i);
      char a[24], b[24], c[24], d[24];

      add_line (csv, 6, section, group->key, NUM (a, group->submitted), NUM (b, group->awaiting),
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

      add_line (csv, 10, section, item->kp_id, item->full_name, item->operator, item->district,
                flags, item->decided_by, item->reason, reason_label (reference, item->reason),
                item->note);
    }
}

/**
 * ks_day_report_to_csv:
 * @reference: (nullable): to add each rejection reason's English label to its id
 *
 * The report as CSV in three blocks, each with its own header line: the counts (total, by
 * state, by operator, by district), the decisions of the day, and the named records
 * (exceptions and rejections). Column headers stay English: the district office's tools
 * read them.
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

  g_date_strftime (date, sizeof date, "%Y-%m-%d", &report->day);
  add_line (csv, 6, "section", "key", "submitted", "awaiting_review", "approved", "rejected");
  add_line (csv, 6, "day", date, NUM (a, report->submitted),
            NUM (b, report->by_state[KS_RECORD_STATE_SUBMITTED]), NUM (c, report->approved),
            NUM (d, report->rejected));
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    add_line (csv, 6, "state", ks_record_state_to_string (s), NUM (a, report->by_state[s]), NULL,
              NULL, NULL);
  append_groups (csv, "operator", report->by_operator);
  append_groups (csv, "district", report->by_district);
  for (guint i = 0; i < report->rejection_reasons->len; i++)
    {
      KsReportGroup *group = g_ptr_array_index (report->rejection_reasons, i);
      add_line (csv, 6, "rejection_reason", group->key, "", "", "", NUM (a, group->rejected));
    }

  g_string_append (csv, "\r\n");
  add_line (csv, 10, "section", "kp_id", "name", "operator", "district", "flags", "decided_by",
            "reason", "reason_label", "note");
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
