/* ks-review-page.c: the Review section: records, their detail, decisions, the day report
 *
 * Supervisors decide here; operators see their own submissions, read-only. The list is a
 * GtkColumnView over KsRecordList, which pages rows from the store, so a station with a
 * million records scrolls as one with a hundred. Sorting happens in SQL: the column view's
 * sorter only says which column the supervisor clicked (GTK 4.8 has no public API for that,
 * so each column's sorter is a probe that notes when it is asked), and the model re-queries.
 *
 * The page is spread over files as Text Editor spreads its window: this one holds the list and
 * the life cycle, ks-review-page-columns.c the list's columns (their cells, the probe sorters,
 * Ctrl+click), ks-review-page-actions.c the decisions and every action, KsRecordDetail one
 * record, KsDayReportView the day report; the struct is in ks-review-page-private.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-review-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-l10n.h"
#include "ks-review-page-private.h"
#include "ks-review-util.h"
#include "ks-station-rules.h"
#include "ks-ui-util.h"

G_DEFINE_FINAL_TYPE (KsReviewPage, ks_review_page, ADW_TYPE_BIN)

gboolean
_ks_review_page_can_review (KsReviewPage *self)
{
  return self->session != NULL && ks_session_can (self->session, KS_PERMISSION_REVIEW);
}

/* Rules banner ***********************************************************************/

static void
on_rules_checked (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KsReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* A newer check replaced this one, or the page went away. */
  if (!ks_station_rules_check_finish (result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->rules_check);
  g_clear_object (&self->accounts_load);
  g_clear_pointer (&self->rules_message, g_free);
  if (error != NULL)
    {
      /* Translators: the banner above the review list; %s says which rule and what to do */
      self->rules_message = g_strdup_printf (_("New enrollments are stopped. %s"),
                                             error->message);
      gtk_label_set_label (self->rules_banner, self->rules_message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rules_banner), self->rules_message != NULL);
}

/* Core counts and asks the disk in a worker thread; the banner follows when it answers. */
static void
update_rules (KsReviewPage *self)
{
  g_autofree char *data_dir = NULL;
  KsStationRules rules;
  KsStore *store;

  if (self->station == NULL)
    return;
  store = ks_station_get_store (self->station);
  ks_station_rules_from_config (&rules, ks_station_get_config (self->station));
  data_dir = g_path_get_dirname (ks_store_get_path (store));

  g_cancellable_cancel (self->rules_check);
  g_clear_object (&self->rules_check);
  g_clear_object (&self->accounts_load);
  self->rules_check = g_cancellable_new ();
  ks_station_rules_check_async (store, &rules, data_dir, self->rules_check, on_rules_checked,
                                g_object_ref (self));
}

/* List *******************************************************************************/

static void
update_count (KsReviewPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  guint n = self->list ? g_list_model_get_n_items (G_LIST_MODEL (self->list)) : 0;
  guint64 n_selected = 0;
  g_autofree char *text = NULL;
  const GError *error = self->list ? ks_record_list_get_error (self->list) : NULL;

  if (self->selection != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      n_selected = gtk_bitset_get_size (selected);
    }

  if (self->loading)
    text = g_strdup (_("Reading the records…"));
  else if (error != NULL)
    text = g_strdup (error->message);
  else if (n_selected > 0)
    {
      /* Each count takes its own plural: "1 record" and "3 selected" in the same line. */
      g_autofree char *records = g_strdup_printf (ngettext ("%'u record", "%'u records", n), n);
      /* Translators: "3 selected", after the number of records below the review list */
      g_autofree char *chosen = g_strdup_printf (ngettext ("%'llu selected", "%'llu selected",
                                                           n_selected),
                                                 (unsigned long long)n_selected);

      /* Translators: below the review list: "1,204 records, 3 selected" */
      text = g_strdup_printf (_("%s, %s"), records, chosen);
    }
  else
    text = g_strdup_printf (ngettext ("%'u record", "%'u records", n), n);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), n == 0 && !self->loading);
  if (self->filtered)
    {
      adw_status_page_set_title (self->empty_page, _("No Records Found"));
      adw_status_page_set_description (self->empty_page,
                                       _("No record matches the search and filters. Clear the "
                                         "search or choose other filters."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No Records Yet"));
      adw_status_page_set_description (self->empty_page,
                                       _("Records appear here as soon as they are submitted "
                                         "in Enroll."));
    }

  _ks_review_page_actions_update (self);
}

static gint64
local_midnight (int days_from_today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now),
                                                         0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (midnight, days_from_today);

  return g_date_time_to_unix (day) * G_USEC_PER_SEC;
}

/* A typed day, DD-MM-YYYY (as the station shows dates) or YYYY-MM-DD, as µs at its local
 * midnight plus @days; 0 when the text is empty or not a real date. */
static gint64
typed_day (GtkEntry *entry,
           int       days)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autoptr(GDateTime) day = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  int a, b, c;

  if (sscanf (text, "%d-%d-%d", &a, &b, &c) != 3 && sscanf (text, "%d/%d/%d", &a, &b, &c) != 3 &&
      sscanf (text, "%d.%d.%d", &a, &b, &c) != 3)
    return 0;
  if (a > 31) /* YYYY-MM-DD */
    day = g_date_time_new_local (a, b, c, 0, 0, 0);
  else
    day = g_date_time_new_local (c, b, a, 0, 0, 0);
  if (day == NULL)
    return 0;
  shifted = g_date_time_add_days (day, days);
  return g_date_time_to_unix (shifted) * G_USEC_PER_SEC;
}

/* While the list is read for the person who just signed in, nothing of the previous one
 * shows: the rows are hidden behind a spinner until the new ones are in. */
static void
set_list_loading (KsReviewPage *self,
                  gboolean      loading)
{
  self->loading = loading;
  gtk_widget_set_visible (GTK_WIDGET (self->column_view), !loading);
  gtk_widget_set_visible (GTK_WIDGET (self->list_spinner), loading);
  gtk_spinner_set_spinning (self->list_spinner, loading);
}

typedef struct
{
  KsReviewPage *self;
  guint serial;
} FilterDone;

static void
on_filter_applied (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree FilterDone *done = user_data;
  g_autoptr(KsReviewPage) self = done->self;
  g_autoptr(GError) error = NULL;
  gboolean ok = ks_record_list_set_filter_finish (KS_RECORD_LIST (object), result, &error);

  /* The page went away meanwhile (dispose dropped the station), or a newer filter comes. */
  if (self->station == NULL || done->serial != self->filter_serial)
    return;
  self->filter_pending = FALSE;
  if (!ok)
    ks_ui_toast (GTK_WIDGET (self), error->message);
  set_list_loading (self, FALSE);
  update_count (self);
}

static void on_selection_changed (KsReviewPage *self);

static void
on_list_made (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordList) list = ks_record_list_new_finish (result, &error);

  /* A newer filter replaced this one (it makes its own list), or the page went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    return;
  g_clear_object (&self->list_load);
  self->filter_pending = FALSE;
  set_list_loading (self, FALSE);
  if (list == NULL)
    {
      ks_ui_toast (GTK_WIDGET (self), error->message);
      update_count (self);
      return;
    }

  self->list = g_steal_pointer (&list);
  /* A header clicked while the list was made. */
  if (self->probed_sort != KS_RECORD_SORT_SUBMITTED_AT || self->sort_ascending)
    ks_record_list_set_sort (self->list, self->probed_sort, !self->sort_ascending);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->list)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  update_count (self);
}

/* Core counts the records of the search and filters and reads their first page in a worker
 * thread; the list follows when it answers, and only the last filter asked for shows.
 * @new_session: the person signed in changed: the rows shown so far are hidden at once. */
static void
apply_filter (KsReviewPage *self,
              gboolean      new_session)
{
  KsRecordFilter filter = { 0 };
  guint state = gtk_drop_down_get_selected (self->state_dropdown);
  guint date = gtk_drop_down_get_selected (self->date_dropdown);
  guint district = gtk_drop_down_get_selected (self->district_dropdown);
  guint operator = gtk_drop_down_get_selected (self->operator_dropdown);

  if (self->station == NULL || self->session == NULL)
    return;

  /* The state list of the .ui, in order. */
  switch (state)
    {
    case 1: filter.state = KS_RECORD_STATE_SUBMITTED; break;
    case 2: filter.decision = KS_RECORD_STATE_APPROVED; break;
    case 3: filter.decision = KS_RECORD_STATE_REJECTED; break;
    case 4: filter.state = KS_RECORD_STATE_QUEUED; break;
    case 5: filter.state = KS_RECORD_STATE_SYNCED; break;
    case 6: filter.state = KS_RECORD_STATE_SYNC_FAILED; break;
    default: break;
    }
  switch (date)
    {
    case 1: filter.submitted_from = local_midnight (0); break;
    case 2:
      filter.submitted_from = local_midnight (-1);
      filter.submitted_until = local_midnight (0);
      break;
    case 3: filter.submitted_from = local_midnight (-6); break;
    case 4: filter.submitted_from = local_midnight (-29); break;
    case 5: filter.submitted_until = local_midnight (-29); break;
    case 6:
      /* Both days included; an empty or unreadable side leaves that side open. */
      filter.submitted_from = typed_day (self->date_from_entry, 0);
      filter.submitted_until = typed_day (self->date_until_entry, 1);
      break;
    default: break;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->date_from_entry), date == 6);
  gtk_widget_set_visible (GTK_WIDGET (self->date_until_entry), date == 6);
  if (self->district_codes && district != GTK_INVALID_LIST_POSITION &&
      district < self->district_codes->len)
    filter.district = g_ptr_array_index (self->district_codes, district);
  if (self->operator_names && operator != GTK_INVALID_LIST_POSITION &&
      operator < self->operator_names->len)
    filter.operator = g_ptr_array_index (self->operator_names, operator);
  /* Operators see their own submissions only. */
  if (self->session != NULL && !_ks_review_page_can_review (self))
    filter.operator = ks_session_get_username (self->session);
  filter.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  self->filtered = state > 0 || date > 0 ||
                   (district > 0 && district != GTK_INVALID_LIST_POSITION) ||
                   (_ks_review_page_can_review (self) && operator > 0 &&
                    operator != GTK_INVALID_LIST_POSITION) ||
                   *filter.search != '\0';

  if (new_session)
    {
      if (self->selection != NULL)
        gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      set_list_loading (self, TRUE);
    }
  self->filter_serial++;
  self->filter_pending = TRUE;
  if (self->list == NULL)
    {
      g_cancellable_cancel (self->list_load);
      g_clear_object (&self->list_load);
      self->list_load = g_cancellable_new ();
      set_list_loading (self, TRUE);
      ks_record_list_new_async (ks_station_get_store (self->station), &filter, self->list_load,
                                on_list_made, g_object_ref (self));
    }
  else
    {
      FilterDone *done = g_new0 (FilterDone, 1);

      done->self = g_object_ref (self);
      done->serial = self->filter_serial;
      ks_record_list_set_filter_async (self->list, &filter, self->cancellable,
                                       on_filter_applied, done);
    }
  update_count (self);
}

static void
on_filter_changed (KsReviewPage *self)
{
  apply_filter (self, FALSE);
}

static void
on_selection_changed (KsReviewPage *self)
{
  update_count (self);
}

void
_ks_review_page_update_count (KsReviewPage *self)
{
  update_count (self);
}

void
_ks_review_page_apply_filter (KsReviewPage *self,
                              gboolean      new_session)
{
  apply_filter (self, new_session);
}

static void
on_main_stack_changed (KsReviewPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "report") == 0 &&
      ks_day_report_view_is_empty (self->report_view))
    ks_day_report_view_show (self->report_view, NULL);
}

/**
 * ks_review_page_show_record:
 *
 * Shows the record's detail: at once that it is being opened, then (core reads it in a worker
 * thread) every field of the record, its card and fingerprint slots and its audit trail.
 */
void
ks_review_page_show_record (KsReviewPage *self,
                            const char   *id)
{
  /* A copy: @id may be the detail's own, replaced while it shows the record. */
  g_autofree char *kp_id = g_strdup (id);

  g_return_if_fail (KS_IS_REVIEW_PAGE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (self->station != NULL);

  if (self->session == NULL)
    return;
  ks_record_detail_show (self->detail, kp_id);
  _ks_review_page_actions_update (self);
  gtk_stack_set_visible_child_name (self->main_stack, "records");
  gtk_stack_set_visible_child_name (self->records_stack, "detail");
}

void
ks_review_page_show_list (KsReviewPage *self)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

  gtk_stack_set_visible_child_name (self->main_stack, "records");
  gtk_stack_set_visible_child_name (self->records_stack, "list");
}

static void
on_row_activated (KsReviewPage *self,
                  guint         position)
{
  g_autoptr(KsRecordRow) row = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (row != NULL && *ks_record_row_get_kp_id (row) != '\0')
    ks_review_page_show_record (self, ks_record_row_get_kp_id (row));
}

/**
 * ks_review_page_show_report:
 * @day: (nullable): the day; %NULL for the one chosen last (today at first)
 *
 * Shows the day report; core counts the day in a worker thread.
 */
void
ks_review_page_show_report (KsReviewPage *self,
                            const GDate  *day)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

  if (self->station == NULL)
    return;
  ks_day_report_view_show (self->report_view, day);
  gtk_stack_set_visible_child_name (self->main_stack, "report");
}

/**
 * _ks_review_page_write_pdf_async:
 *
 * Writes the report shown to @path as an A4 PDF, in a worker thread, as the Save as PDF action
 * does. For the UI tests.
 */
void
_ks_review_page_write_pdf_async (KsReviewPage       *self,
                                 const char         *path,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));
  ks_day_report_view_write_pdf_async (self->report_view, path, NULL, callback, user_data);
}

gboolean
_ks_review_page_write_pdf_finish (KsReviewPage *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), FALSE);
  return ks_day_report_view_write_pdf_finish (self->report_view, result, error);
}

/* Set-up *****************************************************************************/

static void
on_accounts_listed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(KsReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = ks_accounts_list_finish (KS_STORE (object), result, &error);
  GtkStringList *operators;

  /* Another person signed in meanwhile (a newer list comes), or the page went away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->accounts_load);
  if (accounts == NULL)
    {
      g_debug ("The operators could not be listed: %s", error->message);
      return;
    }
  /* Appended to the list shown, so the choice "All operators" stays as it is. */
  operators = GTK_STRING_LIST (gtk_drop_down_get_model (self->operator_dropdown));
  for (guint i = 0; i < accounts->len; i++)
    {
      KsAccount *account = g_ptr_array_index (accounts, i);

      gtk_string_list_append (operators, ks_account_get_full_name (account));
      g_ptr_array_add (self->operator_names, g_strdup (ks_account_get_username (account)));
    }
}

/* The districts from the reference data, here; the operators from the store, by core in a
 * worker thread. */
static void
fill_filters (KsReviewPage *self)
{
  g_autoptr(GtkStringList) districts = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) operators = gtk_string_list_new (NULL);

  g_cancellable_cancel (self->accounts_load);
  g_clear_object (&self->accounts_load);
  g_clear_pointer (&self->district_codes, g_ptr_array_unref);
  g_clear_pointer (&self->operator_names, g_ptr_array_unref);
  self->district_codes = g_ptr_array_new_with_free_func (g_free);
  self->operator_names = g_ptr_array_new_with_free_func (g_free);

  gtk_string_list_append (districts, _("All districts"));
  g_ptr_array_add (self->district_codes, g_strdup (""));
  if (self->reference != NULL)
    {
      GPtrArray *list = ks_reference_get_districts (self->reference);

      for (guint i = 0; i < list->len; i++)
        {
          const KsDistrict *d = g_ptr_array_index (list, i);
          g_autofree char *label = g_strdup_printf ("%s (%s)", ks_district_get_name (d), d->code);

          gtk_string_list_append (districts, label);
          g_ptr_array_add (self->district_codes, g_strdup (d->code));
        }
    }

  gtk_string_list_append (operators, _("All operators"));
  g_ptr_array_add (self->operator_names, g_strdup (""));

  gtk_drop_down_set_model (self->district_dropdown, G_LIST_MODEL (districts));
  gtk_drop_down_set_model (self->operator_dropdown, G_LIST_MODEL (operators));

  self->accounts_load = g_cancellable_new ();
  ks_accounts_list_async (ks_station_get_store (self->station), self->accounts_load,
                          on_accounts_listed, g_object_ref (self));
}

void
ks_review_page_set_station (KsReviewPage *self,
                            KsStation    *station)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));
  g_return_if_fail (KS_IS_STATION (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  /* The station read the reference data once, when it opened. */
  self->reference = ks_reference_ref (ks_station_get_reference (station));

  ks_record_detail_set_station (self->detail, station, self->reference);
  ks_day_report_view_set_station (self->report_view, station, self->reference);
  /* The list is made (in a worker) once someone signs in. */
  g_signal_connect_object (ks_station_get_config (station), "changed",
                           G_CALLBACK (update_rules), self, G_CONNECT_SWAPPED);
  ks_review_page_set_session (self, NULL);
}

void
ks_review_page_set_session (KsReviewPage *self,
                            KsSession    *session)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

  g_set_object (&self->session, session);
  ks_record_detail_set_session (self->detail, session);
  ks_day_report_view_clear (self->report_view);
  if (self->station == NULL)
    return;

  fill_filters (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->operator_dropdown), _ks_review_page_can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->approve_button), _ks_review_page_can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->reject_button), _ks_review_page_can_review (self));
  gtk_label_set_label (self->scope_label,
                       session == NULL || _ks_review_page_can_review (self)
                         ? ""
                         : _("Your own submissions. A supervisor approves or rejects them."));
  ks_review_page_show_list (self);
  /* The previous session's records must not stay on screen, not even while a worker counts:
   * they are hidden until the new person's list is in. Nobody signed in: nothing is read. */
  if (session == NULL)
    {
      g_cancellable_cancel (self->list_load);
      g_clear_object (&self->list_load);
      self->filter_serial++;
      if (self->selection != NULL)
        gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
      set_list_loading (self, TRUE);
      update_count (self);
    }
  else
    apply_filter (self, TRUE);
  update_rules (self);
}

void
ks_review_page_refresh (KsReviewPage *self)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

  if (self->session == NULL)
    return;
  apply_filter (self, FALSE);
  update_rules (self);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "report") == 0)
    ks_day_report_view_reload (self->report_view);
}

KsRecordList *
ks_review_page_get_list (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);
  return self->list;
}

GtkSelectionModel *
ks_review_page_get_selection (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);
  return GTK_SELECTION_MODEL (self->selection);
}

/**
 * ks_review_page_get_view:
 *
 * Returns: "list", "detail" or "report"
 */
const char *
ks_review_page_get_view (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "report") == 0)
    return "report";
  return gtk_stack_get_visible_child_name (self->records_stack);
}

/**
 * ks_review_page_get_rules_message:
 *
 * Returns: (nullable): why new enrollments are stopped, as the banner says it; %NULL if not
 */
const char *
ks_review_page_get_rules_message (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);
  return self->rules_message;
}

/**
 * ks_review_page_get_card_slot:
 *
 * Returns: (transfer none): the place for the record's card preview (a KsCardView)
 */
AdwBin *
ks_review_page_get_card_slot (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);
  return ks_record_detail_get_card_slot (self->detail);
}

/**
 * ks_review_page_get_fingerprint_slot:
 *
 * Returns: (transfer none): the place for the record's fingerprint images and quality
 */
AdwBin *
ks_review_page_get_fingerprint_slot (KsReviewPage *self)
{
  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), NULL);
  return ks_record_detail_get_fingerprint_slot (self->detail);
}

static void
ks_review_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ks_review_page_parent_class)->map (widget);
  /* Records may have been submitted, decided elsewhere or synced while another section was
   * shown: read the list again (a count and one page, a few ms even with a million records). */
  if (KS_REVIEW_PAGE (widget)->session != NULL)
    ks_review_page_refresh (KS_REVIEW_PAGE (widget));
  else
    update_rules (KS_REVIEW_PAGE (widget));
}

static void
ks_review_page_dispose (GObject *object)
{
  KsReviewPage *self = (KsReviewPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->rules_check);
  g_cancellable_cancel (self->accounts_load);
  g_cancellable_cancel (self->list_load);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->rules_check);
  g_clear_object (&self->accounts_load);
  g_clear_object (&self->list_load);
  g_clear_pointer (&self->reference, ks_reference_unref);
  /* No gtk_widget_dispose_template(): the template's root is AdwBin's child, and AdwBin
   * unparents it itself; unparenting it here first leaves AdwBin a dangling pointer. */

  G_OBJECT_CLASS (ks_review_page_parent_class)->dispose (object);
}

static void
ks_review_page_finalize (GObject *object)
{
  KsReviewPage *self = (KsReviewPage *)object;

  g_clear_pointer (&self->district_codes, g_ptr_array_unref);
  g_clear_pointer (&self->operator_names, g_ptr_array_unref);
  g_free (self->rules_message);

  G_OBJECT_CLASS (ks_review_page_parent_class)->finalize (object);
}

static void
ks_review_page_class_init (KsReviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_review_page_dispose;
  object_class->finalize = ks_review_page_finalize;
  widget_class->map = ks_review_page_map;

  g_type_ensure (KS_TYPE_RECORD_DETAIL);
  g_type_ensure (KS_TYPE_DAY_REPORT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, rules_banner);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, scope_label);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, records_stack);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, date_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, district_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, operator_dropdown);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, list_spinner);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, approve_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, reject_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, report_view);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  _ks_review_page_class_actions_init (widget_class);
}

static void
ks_review_page_init (KsReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->probe_a = g_object_new (KS_TYPE_RECORD_ROW, NULL);
  self->probe_b = g_object_new (KS_TYPE_RECORD_ROW, NULL);
  _ks_review_page_setup_columns (self);
  ks_ui_focus_on_show (GTK_WIDGET (self), GTK_WIDGET (self->search_entry));

  /* "Between dates…": two day fields beside the date filter, shown only for it. */
  {
    GtkWidget *after = GTK_WIDGET (self->date_dropdown);
    GtkEntry *entries[2];
    const char *hints[2] = { N_("From DD-MM-YYYY"), N_("To DD-MM-YYYY") };

    for (guint i = 0; i < 2; i++)
      {
        entries[i] = GTK_ENTRY (gtk_entry_new ());
        gtk_entry_set_placeholder_text (entries[i], _(hints[i]));
        gtk_editable_set_width_chars (GTK_EDITABLE (entries[i]), 14);
        gtk_widget_set_direction (GTK_WIDGET (entries[i]), GTK_TEXT_DIR_LTR);
        gtk_accessible_update_property (GTK_ACCESSIBLE (entries[i]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _(hints[i]), -1);
        gtk_widget_set_visible (GTK_WIDGET (entries[i]), FALSE);
        gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (after)),
                                    GTK_WIDGET (entries[i]), after);
        g_signal_connect_object (entries[i], "changed", G_CALLBACK (on_filter_changed), self,
                                 G_CONNECT_SWAPPED);
        after = GTK_WIDGET (entries[i]);
      }
    self->date_from_entry = entries[0];
    self->date_until_entry = entries[1];
  }

  g_signal_connect_object (self->main_stack, "notify::visible-child",
                           G_CALLBACK (on_main_stack_changed), self, G_CONNECT_SWAPPED);
  /* The decisions on the record shown wait until it is open. */
  g_signal_connect_object (self->detail, "notify::loading",
                           G_CALLBACK (_ks_review_page_actions_update), self, G_CONNECT_SWAPPED);
  update_count (self);
}
