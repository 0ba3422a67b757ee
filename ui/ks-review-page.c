/* ks-review-page.c: the Review section: records, their detail, decisions, the day report
 *
 * Supervisors decide here; operators see their own submissions, read-only. The list is a
 * GtkColumnView over KsRecordList, which pages rows from the store, so a station with a
 * million records scrolls as one with a hundred. Sorting happens in SQL: the column view's
 * sorter only says which column the supervisor clicked (GTK 4.8 has no public API for that,
 * so each column's sorter is a probe that notes when it is asked), and the model re-queries.
 *
 * Decisions ask for the supervisor's password once per batch; Argon2 and the batch's
 * transaction run in a worker thread so the window keeps drawing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-review-page"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <sodium.h>

#include "ks-audit.h"
#include "ks-card-view.h"
#include "ks-cards.h"
#include "ks-slip-view.h"
#include "ks-consent.h"
#include "ks-day-report.h"
#include "ks-fingers.h"
#include "ks-record-fingers.h"
#include "ks-l10n.h"
#include "ks-review-page-private.h"
#include "ks-station-rules.h"
#include "ks-ui-util.h"

/* Rows the day report shows on screen per list; the CSV always has them all. */
#define REPORT_MAX_ROWS 200

struct _KsReviewPage
{
  AdwBin parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkLabel *rules_banner;
  GtkLabel *scope_label;
  GtkStack *main_stack;
  GtkStack *records_stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *state_dropdown;
  GtkDropDown *date_dropdown;
  GtkEntry *date_from_entry;
  GtkEntry *date_until_entry;
  GtkDropDown *district_dropdown;
  GtkDropDown *operator_dropdown;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkLabel *count_label;
  GtkButton *approve_button;
  GtkButton *reject_button;
  GtkLabel *detail_title;
  GtkLabel *detail_subtitle;
  GtkButton *detail_approve_button;
  GtkButton *detail_reject_button;
  GtkBox *detail_fields_box;
  GtkBox *audit_box;
  AdwBin *card_slot;
  AdwBin *fingerprint_slot;
  GtkMenuButton *day_button;
  GtkCalendar *calendar;
  GtkBox *report_box;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsReference *reference;
  KsRecordList *list;
  GtkMultiSelection *selection;
  GPtrArray *district_codes;   /* parallel to district_dropdown; [0] = "" (all) */
  GPtrArray *operator_names;   /* parallel to operator_dropdown; [0] = "" (all) */
  KsRecordRow *probe_a;
  KsRecordRow *probe_b;
  int probed_sort;
  GtkColumnViewColumn *sort_columns[KS_RECORD_SORT_STATE + 1];   /* (unowned) */
  gboolean resorting;
  char *detail_kp_id;
  KsRecordInfo *detail_info;
  KsDayReport *report;
  char *rules_message;
  GCancellable *cancellable;
  gboolean deciding;
  gboolean filtered;           /* a search or filter narrows the list */
};

G_DEFINE_FINAL_TYPE (KsReviewPage, ks_review_page, ADW_TYPE_BIN)

static gboolean
can_review (KsReviewPage *self)
{
  return self->session != NULL && ks_session_can (self->session, KS_PERMISSION_REVIEW);
}

static void
toast (KsReviewPage *self,
       const char   *message)
{
  AdwToast *t = adw_toast_new (message);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;

  if (usec <= 0)
    return g_strdup ("");
  dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  /* Translators: date and time in the review list; see g_date_time_format() */
  return g_date_time_format (dt, _("%Y-%m-%d %H:%M"));
}

static void
remove_children (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static const char *
reason_label (KsReviewPage *self,
              const char   *id)
{
  const KsReason *reason;

  if (id == NULL || *id == '\0')
    return "";
  reason = self->reference ? ks_reference_lookup_rejection_reason (self->reference, id) : NULL;
  return reason ? reason->label_en : id;
}

static const char *
district_label (KsReviewPage *self,
                const char   *code)
{
  const KsDistrict *district;

  district = self->reference && code ? ks_reference_lookup_district (self->reference, code)
                                     : NULL;
  return district ? district->name_en : code;
}

/* Rules banner ***********************************************************************/

static void
update_rules (KsReviewPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  KsStationRules rules;
  KsStore *store;

  if (self->station == NULL)
    return;
  store = ks_station_get_store (self->station);
  ks_station_rules_from_config (&rules, ks_station_get_config (self->station));
  data_dir = g_path_get_dirname (ks_store_get_path (store));

  g_clear_pointer (&self->rules_message, g_free);
  if (!ks_station_rules_check (store, &rules, data_dir, &error))
    {
      /* Translators: the banner above the review list; %s says which rule and what to do */
      self->rules_message = g_strdup_printf (_("New enrollments are stopped. %s"),
                                             error->message);
      gtk_label_set_label (self->rules_banner, self->rules_message);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->rules_banner), self->rules_message != NULL);
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

  if (error != NULL)
    text = g_strdup (error->message);
  else if (n_selected > 0)
    /* Translators: below the review list: "1,204 records, 3 selected" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u record, %'llu selected",
                                         "%'u records, %'llu selected", n),
                            n, (unsigned long long)n_selected);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%'u record", "%'u records", n), n);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), n == 0);
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

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve-selected",
                                 can_review (self) && n_selected > 0 && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject-selected",
                                 can_review (self) && n_selected > 0 && !self->deciding);
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

static void
on_filter_applied (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(KsReviewPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The page went away meanwhile: dispose dropped the station. */
  if (!ks_record_list_set_filter_finish (KS_RECORD_LIST (object), result, &error) &&
      self->station != NULL)
    toast (self, error->message);
  if (self->station != NULL)
    update_count (self);
}

/* @now: read here and now; otherwise in a worker, as the supervisor types */
static void
apply_filter (KsReviewPage *self,
              gboolean      now)
{
  KsRecordFilter filter = { 0 };
  guint state = gtk_drop_down_get_selected (self->state_dropdown);
  guint date = gtk_drop_down_get_selected (self->date_dropdown);
  guint district = gtk_drop_down_get_selected (self->district_dropdown);
  guint operator = gtk_drop_down_get_selected (self->operator_dropdown);

  if (self->list == NULL)
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
  if (self->session != NULL && !can_review (self))
    filter.operator = ks_session_get_username (self->session);
  filter.search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  self->filtered = state > 0 || date > 0 ||
                   (district > 0 && district != GTK_INVALID_LIST_POSITION) ||
                   (can_review (self) && operator > 0 && operator != GTK_INVALID_LIST_POSITION) ||
                   *filter.search != '\0';

  if (now)
    {
      ks_record_list_set_filter (self->list, &filter);
      update_count (self);
    }
  else
    ks_record_list_set_filter_async (self->list, &filter, self->cancellable, on_filter_applied,
                                     g_object_ref (self));
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

/* The probe sorters: see the comment at the top of the file. */
typedef struct
{
  KsReviewPage *self;
  KsRecordSort sort;
} Probe;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Probe *probe = user_data;

  probe->self->probed_sort = probe->sort;
  return -1;
}

static void
on_sorter_changed (KsReviewPage *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering order;

  /* Also emitted while the view is torn down, after dispose dropped the probes. */
  if (self->resorting || self->probe_a == NULL)
    return;
  self->probed_sort = -1;
  order = gtk_sorter_compare (sorter, self->probe_a, self->probe_b);
  if (self->probed_sort < 0)
    {
      self->probed_sort = KS_RECORD_SORT_SUBMITTED_AT;
      order = GTK_ORDERING_LARGER;
    }

  /* The view keeps earlier clicks as secondary sorts and shows an arrow on each; SQL sorts
   * by one column, so the view shows that one only. */
  self->resorting = TRUE;
  gtk_column_view_sort_by_column (self->column_view, NULL, GTK_SORT_ASCENDING);
  gtk_column_view_sort_by_column (self->column_view, self->sort_columns[self->probed_sort],
                                  order == GTK_ORDERING_LARGER ? GTK_SORT_DESCENDING
                                                               : GTK_SORT_ASCENDING);
  self->resorting = FALSE;

  if (self->list == NULL)
    return;
  ks_record_list_set_sort (self->list, self->probed_sort, order == GTK_ORDERING_LARGER);
  update_count (self);
}

typedef void (*BindFunc) (KsReviewPage *self,
                          KsRecordRow  *row,
                          GtkWidget    *widget);

static void
setup_label (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_text (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           const char               *property)
{
  KsRecordRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = NULL;

  g_object_get (row, property, &text, NULL);
  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text ? text : "");
}

static void
bind_submitted (GtkSignalListItemFactory *factory,
                GtkListItem              *item)
{
  KsRecordRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = format_time (ks_record_row_get_submitted_at (row));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static void
bind_state (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  KsRecordRow *row = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       ks_record_row_get_state (row)
                         ? ks_record_outcome_label (ks_record_row_get_state (row),
                                                    ks_record_row_get_decision (row))
                         : "");
}

/* As printed on the card: 17301-1234567-1 */
static char *
format_cnic (const char *cnic)
{
  if (cnic != NULL && strlen (cnic) == 13)
    return g_strdup_printf ("%.5s-%.7s-%c", cnic, cnic + 5, cnic[12]);
  return g_strdup (cnic ? cnic : "");
}

static void
bind_cnic (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  KsRecordRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = format_cnic (ks_record_row_get_cnic (row));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static const char *
gender_label (const char *gender)
{
  if (g_strcmp0 (gender, "male") == 0)
    return _("Male");
  if (g_strcmp0 (gender, "female") == 0)
    return _("Female");
  if (g_strcmp0 (gender, "transgender") == 0)
    return _("Transgender");
  return gender;
}

static void
setup_flags (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Needs attention"), -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (box, "record-flag");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
bind_flags (GtkSignalListItemFactory *factory,
            GtkListItem              *item)
{
  KsRecordRow *row = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  guint flags = ks_record_row_get_flags (row);
  g_autofree char *text = ks_record_flags_to_string (flags);
  g_autofree char *tooltip = ks_record_flags_describe (flags);

  gtk_widget_set_visible (gtk_widget_get_first_child (box), flags != 0);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (box)), text);
  gtk_widget_set_tooltip_text (box, flags ? tooltip : NULL);
}

static void
free_closure_data (gpointer  data,
                   GClosure *closure)
{
  g_free (data);
}

static void
add_column (KsReviewPage *self,
            const char   *title,
            int           sort,
            gboolean      expand,
            int           fixed_width,
            GCallback     setup,
            GCallback     bind,
            const char   *property)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", setup, NULL);
  if (property != NULL)
    g_signal_connect_data (factory, "bind", bind, g_strdup (property), free_closure_data, 0);
  else
    g_signal_connect (factory, "bind", bind, NULL);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_column_set_expand (column, expand);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (column, fixed_width);
  if (sort >= 0)
    {
      Probe *probe = g_new0 (Probe, 1);
      g_autoptr(GtkSorter) sorter = NULL;

      probe->self = self;
      probe->sort = sort;
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, probe, g_free));
      gtk_column_view_column_set_sorter (column, sorter);
      self->sort_columns[sort] = column;
    }
  gtk_column_view_append_column (self->column_view, column);
}

static void
setup_columns (KsReviewPage *self)
{

  add_column (self, _("Khyber Pass ID"), KS_RECORD_SORT_KP_ID, FALSE, 170,
              G_CALLBACK (setup_label), G_CALLBACK (bind_text), "kp-id");
  add_column (self, _("Name"), KS_RECORD_SORT_NAME, TRUE, 0,
              G_CALLBACK (setup_label), G_CALLBACK (bind_text), "full-name");
  add_column (self, _("Name (Urdu)"), KS_RECORD_SORT_NAME_UR, TRUE, 0,
              G_CALLBACK (setup_label), G_CALLBACK (bind_text), "full-name-ur");
  add_column (self, _("CNIC"), KS_RECORD_SORT_CNIC, FALSE, 135,
              G_CALLBACK (setup_label), G_CALLBACK (bind_cnic), NULL);
  add_column (self, _("District"), KS_RECORD_SORT_DISTRICT, FALSE, 70,
              G_CALLBACK (setup_label), G_CALLBACK (bind_text), "district");
  add_column (self, _("Operator"), KS_RECORD_SORT_OPERATOR, FALSE, 100,
              G_CALLBACK (setup_label), G_CALLBACK (bind_text), "operator");
  add_column (self, _("Submitted"), KS_RECORD_SORT_SUBMITTED_AT, FALSE, 135,
              G_CALLBACK (setup_label), G_CALLBACK (bind_submitted), NULL);
  add_column (self, _("State"), KS_RECORD_SORT_STATE, FALSE, 200,
              G_CALLBACK (setup_label), G_CALLBACK (bind_state), NULL);
  add_column (self, _("Flags"), -1, TRUE, 170,
              G_CALLBACK (setup_flags), G_CALLBACK (bind_flags), NULL);

  /* Newest first, shown as such on the Submitted header. */
  gtk_column_view_sort_by_column (self->column_view,
                                  self->sort_columns[KS_RECORD_SORT_SUBMITTED_AT],
                                  GTK_SORT_DESCENDING);
  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);
}

/* Detail *****************************************************************************/

static void
add_field_row (AdwPreferencesGroup *group,
               const char          *title,
               const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value && *value ? value : "—");
  glong length = value ? g_utf8_strlen (value, -1) : 1;

  /* libadwaita 1.2 has no "property" row style: the value goes on the right, at full
   * contrast, selectable so a supervisor can copy a CNIC or an ID. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  /* A wrapping label asks for its narrowest width: only long values wrap, at a width that
   * still reads as a line. */
  if (length > 40 || (value && strchr (value, '\n')))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_width_chars (GTK_LABEL (label), (int)MIN (length, 56));
      gtk_label_set_max_width_chars (GTK_LABEL (label), 56);
    }
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
}

static AdwPreferencesGroup *
add_group (GtkBox     *box,
           const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return ADW_PREFERENCES_GROUP (group);
}

static char *
consents_text (KsReviewPage *self,
               const char   *json)
{
  g_autoptr(GPtrArray) consents = json ? ks_consent_list_from_json (json, NULL) : NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; consents && i < consents->len; i++)
    {
      KsConsent *consent = g_ptr_array_index (consents, i);
      const KsService *service = self->reference
        ? ks_reference_lookup_service (self->reference, consent->service_id) : NULL;

      if (text->len > 0)
        g_string_append (text, "\n");
      /* Translators: one service consent in the record detail: "Sehat Card: given" */
      g_string_append_printf (text, consent->granted ? _("%s: given") : _("%s: refused"),
                              service ? service->title_en : consent->service_id);
    }
  return g_string_free (text, FALSE);
}

static const char *
audit_action_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { "record-submitted", N_("Submitted") },
    { "record-edited", N_("Edited") },
    { "record-approved", N_("Approved") },
    { "record-rejected", N_("Rejected") },
    { "record-queued", N_("Queued for sync") },
    { "record-synced", N_("Synced") },
    { "record-sync-failed", N_("Sync failed") },
    { "card-issued", N_("Card issued") },
    { "card-revoked", N_("Card revoked") },
    { "card-printed", N_("Card printed") },
    { "card-exported", N_("Card saved to a file") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (action, labels[i].action) == 0)
      return _(labels[i].label);
  return action;
}

static void
fill_audit (KsReviewPage *self,
            const char   *kp_id)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  AdwPreferencesGroup *group;

  remove_children (self->audit_box);
  group = add_group (self->audit_box, _("History"));
  adw_preferences_group_set_description (group, _("From the station’s audit log"));
  entries = ks_audit_list (ks_station_get_store (self->station), kp_id, 0, &error);
  if (entries == NULL)
    {
      add_field_row (group, _("The history could not be read"), error->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KsAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *when = format_time (entry->at);
      g_autofree char *text = NULL;

      if (entry->detail && *entry->detail)
        text = g_strdup_printf ("%s · %s · %s", when, entry->actor, entry->detail);
      else
        text = g_strdup_printf ("%s · %s", when, entry->actor);
      add_field_row (group, audit_action_label (entry->action), text);
    }
  if (entries->len == 0)
    add_field_row (group, _("No entries"), NULL);
}

static void
update_detail_actions (KsReviewPage *self)
{
  gboolean open = self->detail_info != NULL &&
                  self->detail_info->state == KS_RECORD_STATE_SUBMITTED;

  gtk_widget_set_visible (GTK_WIDGET (self->detail_approve_button), can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->detail_reject_button), can_review (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve-record",
                                 can_review (self) && open && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject-record",
                                 can_review (self) && open && !self->deciding);
}

/* The card: signed off the UI thread, shown if the same record is still open. Core refuses it
 * for a record no supervisor approved; the slot then says why, and for a record still awaiting
 * review it offers the enrollment slip again (the citizen lost it, or left without it). */
static void
card_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  KsStation *station = g_object_get_data (G_OBJECT (task), "station");
  KsSession *session = g_object_get_data (G_OBJECT (task), "session");
  GError *error = NULL;
  KsCard *card = ks_station_issue_card (station, session, task_data, &error);

  if (card == NULL && g_error_matches (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED))
    {
      KsStore *store = ks_station_get_store (station);
      g_autoptr(KsRecordInfo) info = ks_records_get_info (store, task_data, NULL);

      if (info != NULL && info->decision != KS_RECORD_STATE_REJECTED)
        g_object_set_data_full (G_OBJECT (task), "slip",
                                ks_slip_new_for_record (store, task_data,
                                                        ks_station_is_training (station), NULL),
                                (GDestroyNotify)ks_slip_free);
    }
  if (card == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, card, (GDestroyNotify)ks_card_free);
}

static void
card_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KsReviewPage *self = KS_REVIEW_PAGE (object);
  g_autoptr(GError) error = NULL;
  KsCard *card = g_task_propagate_pointer (G_TASK (result), &error);
  const char *kp_id = g_task_get_task_data (G_TASK (result));
  GtkWidget *child;

  if (g_strcmp0 (kp_id, self->detail_kp_id) != 0)
    {
      g_clear_pointer (&card, ks_card_free);
      return;
    }
  if (card != NULL)
    {
      child = ks_card_view_new ();
      ks_card_view_set_station (KS_CARD_VIEW (child), self->station);
      ks_card_view_set_card (KS_CARD_VIEW (child), card);
    }
  else if (g_error_matches (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED))
    {
      GtkWidget *label = gtk_label_new (error->message);
      KsSlip *slip = g_object_steal_data (G_OBJECT (result), "slip");

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      gtk_box_append (GTK_BOX (child), label);
      if (slip != NULL)
        {
          GtkWidget *view = ks_slip_view_new ();

          ks_slip_view_set_slip (KS_SLIP_VIEW (view), slip);
          gtk_box_append (GTK_BOX (child), view);
        }
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("The card could not be made: %s"),
                                               error->message);
      child = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
    }
  adw_bin_set_child (self->card_slot, child);
}

static void
show_card (KsReviewPage *self,
           const char   *kp_id)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, card_done, NULL);

  g_task_set_source_tag (task, show_card);
  g_object_set_data_full (G_OBJECT (task), "station", g_object_ref (self->station),
                          g_object_unref);
  if (ks_station_get_session (self->station) != NULL)
    g_object_set_data_full (G_OBJECT (task), "session",
                            g_object_ref (ks_station_get_session (self->station)),
                            g_object_unref);
  g_task_set_task_data (task, g_strdup (kp_id), g_free);
  g_task_run_in_thread (task, card_thread);
}

/* The record's fingers, as the supervisor checks them before deciding: each finger's state,
 * missing reason, quality, tries and the impression kept. Opened off the UI thread by core,
 * shown if the same record is still open. */
static GtkWidget *
finger_picture (const KsFingerCapture *c)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) rgb = NULL;
  GtkWidget *picture = gtk_picture_new ();
  const guint8 *src;
  guint8 *dst;
  gsize n;

  gtk_widget_set_size_request (picture, 72, 72);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (picture, 6);
  gtk_widget_set_margin_bottom (picture, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fingerprint impression"), -1);
  n = (gsize)c->width * c->height;
  if (c->image == NULL || n == 0 || g_bytes_get_size (c->image) < n)
    return picture;
  /* GTK 4.8 has no 8-bit grey texture format: spread each grey byte over R, G and B. */
  src = g_bytes_get_data (c->image, NULL);
  dst = g_malloc (n * 3);
  for (gsize i = 0; i < n; i++)
    dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
  rgb = g_bytes_new_take (dst, n * 3);
  texture = gdk_memory_texture_new (c->width, c->height, GDK_MEMORY_R8G8B8, rgb, c->width * 3);
  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  return picture;
}

static char *
finger_summary (KsReviewPage          *self,
                const KsFingerCapture *c)
{
  const char *label = ks_finger_get_label (c->finger);
  g_autofree char *grade = g_utf8_strdown (ks_fp_grade_to_string (c->quality.grade), -1);
  g_autofree char *text = NULL;

  switch (c->status)
    {
    case KS_FINGER_MISSING:
      {
        const KsReason *reason = self->reference != NULL
                                   ? ks_reference_lookup_missing_finger_reason (self->reference,
                                                                                c->reason)
                                   : NULL;
        g_autofree char *why = reason ? g_strdup_printf (_("%s (%s)"), reason->label_en,
                                                         reason->label_ur)
                                      : g_strdup (c->reason ? c->reason : "");

        /* Translators: "Left thumb, missing (Amputated)" */
        text = g_strdup_printf (_("%s, missing (%s)"), label, why);
      }
      break;
    case KS_FINGER_FORCED:
      /* Translators: "Left thumb, kept after 3 poor tries (poor)" */
      text = g_strdup_printf (_("%s, kept after %u poor tries (%s)"), label, c->tries, grade);
      break;
    case KS_FINGER_CAPTURED:
    default:
      /* Translators: "Left thumb, captured (good)" */
      text = g_strdup_printf (_("%s, captured (%s)"), label, grade);
      break;
    }
  return g_steal_pointer (&text);
}

typedef struct
{
  KsReviewPage *self;
  char *kp_id;
} FingersLoad;

static void
fingers_load_free (FingersLoad *load)
{
  g_object_unref (load->self);
  g_free (load->kp_id);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FingersLoad, fingers_load_free)

static void
fingers_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FingersLoad) load = user_data;
  KsReviewPage *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = ks_fingers_load_for_review_finish (result, &error);
  const char *kp_id = load->kp_id;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (kp_id, self->detail_kp_id) != 0)
    return;
  if (fingers == NULL || fingers->len == 0)
    {
      g_autofree char *text = fingers == NULL
        ? g_strdup_printf (_("The fingerprints could not be opened: %s"), error->message)
        : g_strdup (_("No fingerprints were taken for this record."));

      child = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_widget_add_css_class (child, fingers == NULL ? "error" : "dim-label");
      adw_bin_set_child (self->fingerprint_slot, child);
      return;
    }

  child = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (child), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (child, "boxed-list");
  for (guint i = 0; i < fingers->len; i++)
    {
      const KsFingerCapture *c = fingers->pdata[i];
      g_autofree char *summary = finger_summary (self, c);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *tries = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
      if (c->status != KS_FINGER_MISSING)
        {
          /* Translators: how often the finger was placed, and what the reader counted */
          tries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u try, %u minutiae",
                                                "%u tries, %u minutiae", c->tries),
                                   c->tries, c->quality.n_minutiae);
          if (c->duplicate)
            {
              /* Translators: "1 try, 52 minutiae; the same as another finger on record" */
              g_autofree char *both = g_strdup_printf (_("%s; the same as another finger on "
                                                         "record"), tries);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), both);
            }
          else
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tries);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), finger_picture (c));
        }
      if (c->status != KS_FINGER_CAPTURED || c->duplicate)
        {
          GtkWidget *flag = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (flag, "warning");
          gtk_accessible_update_property (GTK_ACCESSIBLE (flag), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Needs the supervisor’s attention"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
        }
      gtk_list_box_append (GTK_LIST_BOX (child), row);
    }
  adw_bin_set_child (self->fingerprint_slot, child);
}

static void
show_fingers (KsReviewPage *self,
              const char   *kp_id)
{
  g_autoptr(GError) error = NULL;
  KsVault *vault = ks_station_get_biometrics_vault (self->station, &error);
  FingersLoad *load;

  if (vault == NULL || self->session == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The fingerprints could not be opened: %s"),
                                               error ? error->message : _("nobody is signed in"));
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      adw_bin_set_child (self->fingerprint_slot, label);
      return;
    }
  adw_bin_set_child (self->fingerprint_slot, gtk_spinner_new ());
  gtk_spinner_start (GTK_SPINNER (adw_bin_get_child (self->fingerprint_slot)));
  load = g_new0 (FingersLoad, 1);
  load->self = g_object_ref (self);
  load->kp_id = g_strdup (kp_id);
  ks_fingers_load_for_review_async (ks_station_get_store (self->station), vault, self->session,
                                    kp_id, self->cancellable, fingers_loaded, load);
}

/**
 * ks_review_page_show_record:
 *
 * Shows every field of the record, its card and fingerprint slots and its audit trail.
 */
void
ks_review_page_show_record (KsReviewPage *self,
                            const char   *id)
{
  /* A copy: @id may be self->detail_kp_id, replaced below. */
  g_autofree char *kp_id = g_strdup (id);
  KsStore *store;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *flags_text = NULL;
  g_autofree char *submitted = NULL;
  g_autofree char *decided = NULL;
  g_autofree char *consents = NULL;
  AdwPreferencesGroup *group;
  KsRecordInfo *info;

  g_return_if_fail (KS_IS_REVIEW_PAGE (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (self->station != NULL);

  store = ks_station_get_store (self->station);
  g_clear_pointer (&self->detail_info, ks_record_info_free);
  self->detail_info = ks_records_get_info (store, kp_id, &error);
  if (self->detail_info != NULL)
    record = ks_records_load (store, kp_id, &error);
  if (record == NULL)
    {
      toast (self, error->message);
      return;
    }
  info = self->detail_info;
  g_free (self->detail_kp_id);
  self->detail_kp_id = g_strdup (kp_id);

  /* An operator opens only their own records, as the list shows them. */
  if (!can_review (self) && self->session != NULL &&
      g_strcmp0 (info->operator, ks_session_get_username (self->session)) != 0)
    {
      toast (self, _("This record was enrolled by another operator."));
      return;
    }

  title = info->full_name_ur && *info->full_name_ur
    ? g_strdup_printf ("%s · %s", info->full_name, info->full_name_ur)
    : g_strdup (info->full_name);
  gtk_label_set_label (self->detail_title, title);
  flags = ks_record_flags_to_string (info->flags);
  subtitle = g_strdup_printf ("%s · %s%s%s", info->kp_id,
                              ks_record_outcome_label (info->state, info->decision),
                              *flags ? " · " : "", flags);
  gtk_label_set_label (self->detail_subtitle, subtitle);

  remove_children (self->detail_fields_box);

  group = add_group (self->detail_fields_box, _("Identity"));
  add_field_row (group, _("Document"),
                 g_strcmp0 (ks_record_get (record, KS_FIELD_ID_KIND), "bform") == 0
                   ? _("B-form") : _("CNIC"));
  {
    g_autofree char *cnic = format_cnic (ks_record_get (record, KS_FIELD_CNIC));
    add_field_row (group, _("CNIC or B-form number"), cnic);
  }
  add_field_row (group, _("Gender"), gender_label (ks_record_get (record, KS_FIELD_GENDER)));
  {
    g_autofree char *date = ks_format_iso_date (ks_record_get (record, KS_FIELD_DATE_OF_BIRTH));
    add_field_row (group, _("Date of birth"), date);
  }

  group = add_group (self->detail_fields_box, _("Personal Details"));
  add_field_row (group, _("Full name"), ks_record_get (record, KS_FIELD_FULL_NAME));
  add_field_row (group, _("Full name (Urdu)"), ks_record_get (record, KS_FIELD_FULL_NAME_UR));
  add_field_row (group,
                 g_strcmp0 (ks_record_get (record, KS_FIELD_RELATION), "husband") == 0
                   ? _("Husband’s name") : _("Father’s name"),
                 ks_record_get (record, KS_FIELD_FATHER_NAME));
  add_field_row (group, _("Father’s or husband’s name (Urdu)"),
                 ks_record_get (record, KS_FIELD_FATHER_NAME_UR));
  {
    g_autofree char *cnic = format_cnic (ks_record_get (record, KS_FIELD_GUARDIAN_CNIC));
    add_field_row (group, _("Guardian’s CNIC"), cnic);
  }
  add_field_row (group, _("Guardian’s name"), ks_record_get (record, KS_FIELD_GUARDIAN_NAME));

  group = add_group (self->detail_fields_box, _("Address and Contact"));
  add_field_row (group, _("Mobile"), ks_record_get (record, KS_FIELD_MOBILE));
  add_field_row (group, _("Email"), ks_record_get (record, KS_FIELD_EMAIL));
  add_field_row (group, _("Address"), ks_record_get (record, KS_FIELD_ADDRESS_LINE1));
  add_field_row (group, _("Address, second line"), ks_record_get (record, KS_FIELD_ADDRESS_LINE2));
  add_field_row (group, _("District"),
                 district_label (self, ks_record_get (record, KS_FIELD_DISTRICT)));
  add_field_row (group, _("Tehsil"), ks_record_get (record, KS_FIELD_TEHSIL));

  group = add_group (self->detail_fields_box, _("Services and Consent"));
  consents = consents_text (self, ks_record_get (record, KS_FIELD_CONSENTS));
  add_field_row (group, _("Consents"), *consents ? consents : _("None recorded"));

  group = add_group (self->detail_fields_box, _("Enrollment"));
  submitted = format_time (info->submitted_at);
  add_field_row (group, _("Enrolled by"), info->operator);
  add_field_row (group, _("Submitted"), submitted);
  {
    g_autofree char *version = g_strdup_printf ("%d", info->version);
    add_field_row (group, _("Version"), version);
  }
  flags_text = ks_record_flags_describe (info->flags);
  add_field_row (group, _("Exceptions"), *flags_text ? flags_text : _("None"));
  if (info->decision != 0)
    {
      decided = format_time (info->decided_at);
      add_field_row (group, _("Decision"), ks_record_outcome_label (info->state, info->decision));
      add_field_row (group, _("Decided by"), info->decided_by);
      add_field_row (group, _("Decided"), decided);
      if (info->decision == KS_RECORD_STATE_REJECTED)
        add_field_row (group, _("Reason"), reason_label (self, info->reason));
      add_field_row (group, _("Note"), info->note);
    }

  fill_audit (self, kp_id);
  update_detail_actions (self);
  show_card (self, kp_id);
  show_fingers (self, kp_id);
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

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ks_review_page_show_list (KS_REVIEW_PAGE (widget));
}

/* Decisions **************************************************************************/

typedef struct
{
  KsReviewPage *self;          /* (unowned): the task holds a reference */
  KsStore *store;
  KsSession *session;
  GStrv kp_ids;
  KsRecordState to;
  char *reason;
  char *note;
  char *password;
  guint n_exceptions;
  gboolean confirmed_exceptions;
} Decision;

static void
decision_free (Decision *d)
{
  if (d->password != NULL)
    {
      sodium_memzero (d->password, strlen (d->password));
      g_free (d->password);
    }
  g_clear_object (&d->store);
  g_clear_object (&d->session);
  g_strfreev (d->kp_ids);
  g_free (d->reason);
  g_free (d->note);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decision, decision_free)

static void
decide_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Decision *d = task_data;
  g_autoptr(KsAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  /* The password proves the supervisor is still the one at the keyboard. */
  account = ks_accounts_authenticate (d->store, ks_session_get_username (d->session),
                                      d->password, &error);
  sodium_memzero (d->password, strlen (d->password));
  if (account == NULL ||
      !ks_records_decide_batch (d->store, d->session, (const char *const *)d->kp_ids, d->to,
                                d->reason, d->note, d->confirmed_exceptions, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
on_decided (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KsReviewPage *self = KS_REVIEW_PAGE (object);
  Decision *d = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint n = g_strv_length (d->kp_ids);

  /* The page went away while the worker ran (dispose cancelled it): nothing to show. */
  if (self->station == NULL)
    return;
  self->deciding = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      update_count (self);
      update_detail_actions (self);
      return;
    }

  message = g_strdup_printf (d->to == KS_RECORD_STATE_APPROVED
                               ? g_dngettext (GETTEXT_PACKAGE, "%u record approved and queued "
                                              "for sync", "%u records approved and queued for "
                                              "sync", n)
                               : g_dngettext (GETTEXT_PACKAGE, "%u record rejected; the rejection "
                                              "syncs too", "%u records rejected; the rejections "
                                              "sync too", n),
                             n);
  toast (self, message);
  ks_review_page_refresh (self);
  if (self->detail_kp_id != NULL &&
      g_str_equal (gtk_stack_get_visible_child_name (self->records_stack), "detail"))
    ks_review_page_show_record (self, self->detail_kp_id);
}

static void
run_decision (KsReviewPage *self,
              Decision     *d)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, on_decided, NULL);

  g_task_set_source_tag (task, run_decision);
  g_task_set_task_data (task, d, (GDestroyNotify)decision_free);
  self->deciding = TRUE;
  update_count (self);
  update_detail_actions (self);
  g_task_run_in_thread (task, decide_thread);
}

/* The dialog owns the decision until the supervisor confirms it: a dialog closed any other
 * way frees it with itself. */
static void
on_password_response (AdwMessageDialog *dialog,
                      const char       *response)
{
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  AdwComboRow *reason_row = g_object_get_data (G_OBJECT (dialog), "reason");
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "note");
  g_autoptr(Decision) owned = NULL;
  Decision *d;
  KsReviewPage *self;

  if (!g_str_equal (response, "decide"))
    return;
  owned = d = g_object_steal_data (G_OBJECT (dialog), "decision");
  if (d == NULL)
    return;
  self = d->self;

  d->password = g_strdup (gtk_editable_get_text (password));
  /* The entry keeps its own copy of the text: clear it now, not when GC gets to it. */
  gtk_editable_set_text (password, "");
  if (note != NULL)
    d->note = g_strdup (gtk_editable_get_text (note));
  if (reason_row != NULL && self->reference != NULL)
    {
      GPtrArray *reasons = ks_reference_get_rejection_reasons (self->reference);
      guint index = adw_combo_row_get_selected (reason_row);

      if (index < reasons->len)
        d->reason = g_strdup (((KsReason *)g_ptr_array_index (reasons, index))->id);
    }
  run_decision (self, g_steal_pointer (&owned));
}

static void
on_password_activated (AdwMessageDialog *dialog)
{
  /* Emits "response" (deciding) like a click on the button, then closes the dialog. */
  adw_message_dialog_response (dialog, "decide");
  gtk_window_close (GTK_WINDOW (dialog));
}

static void
ask_password (KsReviewPage *self,
              Decision     *d)
{
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *password = adw_password_entry_row_new ();
  g_autofree char *heading = NULL;
  guint n = g_strv_length (d->kp_ids);
  gboolean reject = d->to == KS_RECORD_STATE_REJECTED;

  if (reject)
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reject %u Record?",
                                            "Reject %u Records?", n), n);
  else
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Approve %u Record?",
                                            "Approve %u Records?", n), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   reject ? _("Choose the reason the citizen will be told, then "
                                              "enter your password to confirm.")
                                          : _("Approved records are queued for sync to the "
                                              "registry. Enter your password to confirm."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  if (reject)
    {
      GtkWidget *reason = adw_combo_row_new ();
      GtkWidget *note = adw_entry_row_new ();
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
      GPtrArray *reasons = self->reference ? ks_reference_get_rejection_reasons (self->reference)
                                           : NULL;

      for (guint i = 0; reasons && i < reasons->len; i++)
        gtk_string_list_append (labels, ((KsReason *)g_ptr_array_index (reasons, i))->label_en);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason), _("Reason"));
      adw_combo_row_set_model (ADW_COMBO_ROW (reason), G_LIST_MODEL (labels));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note), _("Note (optional)"));
      gtk_list_box_append (GTK_LIST_BOX (list), reason);
      gtk_list_box_append (GTK_LIST_BOX (list), note);
      g_object_set_data (G_OBJECT (dialog), "reason", reason);
      g_object_set_data (G_OBJECT (dialog), "note", note);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Your password"));
  gtk_list_box_append (GTK_LIST_BOX (list), password);
  g_object_set_data (G_OBJECT (dialog), "password", password);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "decide", reject ? _("_Reject") : _("_Approve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decide",
                                              reject ? ADW_RESPONSE_DESTRUCTIVE
                                                     : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "decide");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "decision", d, (GDestroyNotify)decision_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_password_response), NULL);
  /* Enter in the password confirms, as the default button would. */
  g_signal_connect_swapped (password, "entry-activated", G_CALLBACK (on_password_activated),
                            dialog);
  ks_ui_drop_focus_on_close (GTK_WINDOW (dialog));
  ks_ui_skip_reveal_buttons (list);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (password);
}

static void
on_exceptions_response (AdwMessageDialog *dialog,
                        const char       *response)
{
  Decision *d;

  if (!g_str_equal (response, "confirm"))
    return;
  d = g_object_steal_data (G_OBJECT (dialog), "decision");
  if (d == NULL)
    return;
  d->confirmed_exceptions = TRUE;
  ask_password (d->self, d);
}

/* Takes @kp_ids. Approving records with forced or missing fingers takes an explicit second
 * step before the password. */
static void
start_decision (KsReviewPage *self,
                GStrv         kp_ids,
                KsRecordState to,
                guint         n_exceptions)
{
  Decision *d = g_new0 (Decision, 1);

  d->self = self;
  d->store = g_object_ref (ks_station_get_store (self->station));
  d->session = g_object_ref (self->session);
  d->kp_ids = kp_ids;
  d->to = to;
  d->n_exceptions = n_exceptions;

  if (to == KS_RECORD_STATE_APPROVED && n_exceptions > 0)
    {
      guint n = g_strv_length (kp_ids);
      g_autofree char *body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u of the %u records has forced "
                                                            "or missing fingerprints. Approve "
                                                            "only if you checked the reason "
                                                            "given for it.",
                                                            "%u of the %u records have forced "
                                                            "or missing fingerprints. Approve "
                                                            "only if you checked the reason "
                                                            "given for each.",
                                                            n_exceptions),
                                               n_exceptions, n);
      GtkWidget *dialog =
        adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                _("Approve Fingerprint Exceptions?"), body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "confirm", _("Approve _Exceptions"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "decision", d, (GDestroyNotify)decision_free);
      g_signal_connect (dialog, "response", G_CALLBACK (on_exceptions_response), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  ask_password (self, d);
}

static void
decide_selected (KsReviewPage *self,
                 KsRecordState to)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GtkBitsetIter iter;
  guint position;
  guint n_exceptions = 0;
  guint64 n;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = gtk_bitset_get_size (selected);
  if (n == 0)
    return;
  if (n > KS_RECORDS_MAX_BATCH)
    {
      g_autofree char *message = g_strdup_printf (_("%'llu records are selected; decide at most "
                                                    "%'u at a time. Narrow the list with the "
                                                    "filters first."),
                                                  (unsigned long long)n, KS_RECORDS_MAX_BATCH);
      toast (self, message);
      return;
    }
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(KsRecordRow) row = g_list_model_get_item (G_LIST_MODEL (self->list), position);

      if (row == NULL)
        continue;
      g_strv_builder_add (ids, ks_record_row_get_kp_id (row));
      n_exceptions += (ks_record_row_get_flags (row) & KS_RECORD_FLAGS_EXCEPTIONS) != 0;
    }
  start_decision (self, g_strv_builder_end (ids), to, n_exceptions);
}

static void
approve_selected_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  decide_selected (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_APPROVED);
}

static void
reject_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  decide_selected (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_REJECTED);
}

static void
decide_record (KsReviewPage *self,
               KsRecordState to)
{
  const char *ids[] = { self->detail_kp_id, NULL };

  if (self->detail_info == NULL)
    return;
  start_decision (self, g_strdupv ((char **)ids), to,
                  (self->detail_info->flags & KS_RECORD_FLAGS_EXCEPTIONS) != 0);
}

static void
approve_record_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  decide_record (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_APPROVED);
}

static void
reject_record_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  decide_record (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_REJECTED);
}

/* Day report *************************************************************************/

typedef struct
{
  char *text;
  gboolean heading;
} ReportLine;

static void
report_line_free (gpointer data)
{
  ReportLine *line = data;

  g_free (line->text);
  g_free (line);
}

static void add_line (GPtrArray  *lines,
                      gboolean    heading,
                      const char *format,
                      ...) G_GNUC_PRINTF (3, 4);

static void
add_line (GPtrArray  *lines,
          gboolean    heading,
          const char *format,
          ...)
{
  ReportLine *line = g_new0 (ReportLine, 1);
  va_list args;

  va_start (args, format);
  line->text = g_strdup_vprintf (format, args);
  va_end (args);
  line->heading = heading;
  g_ptr_array_add (lines, line);
}

static char *
group_counts (const KsReportGroup *group)
{
  /* Translators: one operator's or district's day in the report */
  return g_strdup_printf (_("%'lld enrolled · %'lld awaiting review · %'lld approved · %'lld "
                            "rejected"),
                          (long long)group->submitted, (long long)group->awaiting,
                          (long long)group->approved, (long long)group->rejected);
}

static char *
day_label (const GDate *day)
{
  char text[64];

  /* Translators: the report's day, see strftime() */
  g_date_strftime (text, sizeof text, _("%A %-d %B %Y"), day);
  return g_strdup (text);
}

/* The report as the lines a printed page shows; the screen shows the same in groups. */
static GPtrArray *
report_lines (KsReviewPage *self)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (report_line_free);
  KsDayReport *r = self->report;
  g_autofree char *day = day_label (&r->day);
  g_autofree char *code = ks_station_config_dup_string (ks_station_get_config (self->station),
                                                        "station-code");

  if (*code != '\0')
    add_line (lines, TRUE, _("Khyber Pass Station %s: day report for %s"), code, day);
  else
    add_line (lines, TRUE, _("Khyber Pass Station: day report for %s"), day);
  add_line (lines, FALSE, " ");
  add_line (lines, TRUE, _("Enrolled this day: %'lld"), (long long)r->submitted);
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    if (r->by_state[s] > 0)
      add_line (lines, FALSE, "    %s: %'" G_GINT64_FORMAT, ks_record_state_get_label (s),
                r->by_state[s]);
  add_line (lines, TRUE, _("Decided this day: %'lld approved, %'lld rejected"),
            (long long)r->approved, (long long)r->rejected);
  add_line (lines, FALSE, " ");
  add_line (lines, TRUE, _("By operator"));
  for (guint i = 0; i < r->by_operator->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->by_operator, i);
      g_autofree char *counts = group_counts (g);
      add_line (lines, FALSE, "    %s: %s", g->key, counts);
    }
  add_line (lines, TRUE, _("By district"));
  for (guint i = 0; i < r->by_district->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->by_district, i);
      g_autofree char *counts = group_counts (g);
      add_line (lines, FALSE, "    %s: %s", district_label (self, g->key), counts);
    }
  add_line (lines, FALSE, " ");
  add_line (lines, TRUE, _("Exceptions (%u)"), r->exceptions->len);
  if (r->exceptions->len == 0)
    add_line (lines, FALSE, "    %s", _("None"));
  for (guint i = 0; i < r->exceptions->len; i++)
    {
      KsReportItem *item = g_ptr_array_index (r->exceptions, i);
      g_autofree char *flags = ks_record_flags_to_string (item->flags);
      add_line (lines, FALSE, "    %s  %s  (%s, %s)", item->kp_id, item->full_name, flags,
                item->operator);
    }
  add_line (lines, TRUE, _("Rejections (%u)"), r->rejections->len);
  if (r->rejections->len == 0)
    add_line (lines, FALSE, "    %s", _("None"));
  for (guint i = 0; i < r->rejection_reasons->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (r->rejection_reasons, i);
      add_line (lines, FALSE, "    %s: %'" G_GINT64_FORMAT, reason_label (self, g->key),
                g->rejected);
    }
  for (guint i = 0; i < r->rejections->len; i++)
    {
      KsReportItem *item = g_ptr_array_index (r->rejections, i);
      add_line (lines, FALSE, "    %s  %s: %s%s%s", item->kp_id, item->full_name,
                reason_label (self, item->reason), *item->note ? " · " : "", item->note);
    }
  return lines;
}

#define PAGE_MARGIN 48.0
#define LINE_HEIGHT 15.0

static guint
lines_per_page (double height)
{
  return MAX (1, (guint)((height - 2 * PAGE_MARGIN) / LINE_HEIGHT));
}

static void
draw_report_page (cairo_t   *cr,
                  double     width,
                  double     height,
                  GPtrArray *lines,
                  guint      page)
{
  g_autoptr(PangoLayout) layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) body = pango_font_description_from_string ("Sans 9");
  g_autoptr(PangoFontDescription) heading = pango_font_description_from_string ("Sans Bold 10");
  guint per_page = lines_per_page (height);

  cairo_set_source_rgb (cr, 0, 0, 0);
  pango_layout_set_width (layout, (int)((width - 2 * PAGE_MARGIN) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  for (guint i = page * per_page; i < MIN (lines->len, (page + 1) * per_page); i++)
    {
      ReportLine *line = g_ptr_array_index (lines, i);

      pango_layout_set_font_description (layout, line->heading ? heading : body);
      pango_layout_set_text (layout, line->text, -1);
      cairo_move_to (cr, PAGE_MARGIN, PAGE_MARGIN + (i - page * per_page) * LINE_HEIGHT);
      pango_cairo_show_layout (cr, layout);
    }
}

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                GPtrArray         *lines)
{
  guint per_page = lines_per_page (gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, MAX (1, (lines->len + per_page - 1) / per_page));
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              GPtrArray         *lines)
{
  draw_report_page (gtk_print_context_get_cairo_context (context),
                    gtk_print_context_get_width (context),
                    gtk_print_context_get_height (context), lines, page);
}

static void
print_report_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KsReviewPage *self = KS_REVIEW_PAGE (widget);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *lines;

  if (self->report == NULL)
    return;
  lines = report_lines (self);
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
    toast (self, _("The report could not be printed. Check the printer, then try again."));
}

/**
 * _ks_review_page_write_pdf:
 *
 * Writes the report shown to @path as an A4 PDF. The Save as PDF action and the tests call it.
 */
gboolean
_ks_review_page_write_pdf (KsReviewPage *self,
                           const char   *path)
{
  /* A4 in points */
  const double width = 595.28, height = 841.89;
  g_autoptr(GPtrArray) lines = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint pages;

  g_return_val_if_fail (KS_IS_REVIEW_PAGE (self), FALSE);

  if (self->report == NULL)
    return FALSE;
  lines = report_lines (self);
  pages = MAX (1, (lines->len + lines_per_page (height) - 1) / lines_per_page (height));
  surface = cairo_pdf_surface_create (path, width, height);
  cr = cairo_create (surface);
  for (guint page = 0; page < pages; page++)
    {
      draw_report_page (cr, width, height, lines, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS;
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    KsReviewPage    *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean pdf = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "pdf"));

  if (response == GTK_RESPONSE_ACCEPT && self->report != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      path = g_file_get_path (file);
      if (pdf && !_ks_review_page_write_pdf (self, path))
        toast (self, _("The PDF could not be saved. Check that the disk or USB stick is "
                       "writable and not full, then save again."));
      else if (!pdf && !ks_day_report_write_csv (self->report, self->reference, path, &error))
        toast (self, error->message);
      else
        toast (self, _("Report saved"));
    }
  g_object_unref (chooser);
}

static void
export_report (KsReviewPage *self,
               gboolean      pdf)
{
  GtkFileChooserNative *chooser;
  char date[16];
  g_autofree char *name = NULL;

  if (self->report == NULL)
    return;
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &self->report->day);
  name = g_strdup_printf ("day-report-%s.%s", date, pdf ? "pdf" : "csv");
  chooser = gtk_file_chooser_native_new (pdf ? _("Save the Report as PDF")
                                             : _("Save the Report as CSV"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "pdf", GINT_TO_POINTER (pdf));
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_pdf_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_report (KS_REVIEW_PAGE (widget), TRUE);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  export_report (KS_REVIEW_PAGE (widget), FALSE);
}

static void
add_group_rows (KsReviewPage *self,
                GtkBox       *box,
                const char   *title,
                GPtrArray    *groups,
                gboolean      districts)
{
  AdwPreferencesGroup *group = add_group (box, title);

  for (guint i = 0; i < groups->len; i++)
    {
      KsReportGroup *g = g_ptr_array_index (groups, i);
      g_autofree char *counts = group_counts (g);

      add_field_row (group, districts ? district_label (self, g->key) : g->key, counts);
    }
  if (groups->len == 0)
    add_field_row (group, _("No enrollments"), NULL);
}

static void
add_item_rows (KsReviewPage *self,
               GtkBox       *box,
               const char   *title,
               GPtrArray    *items,
               gboolean      rejections)
{
  g_autofree char *heading = g_strdup_printf ("%s (%u)", title, items->len);
  AdwPreferencesGroup *group = add_group (box, heading);

  for (guint i = 0; i < MIN (items->len, REPORT_MAX_ROWS); i++)
    {
      KsReportItem *item = g_ptr_array_index (items, i);
      g_autofree char *row_title = g_strdup_printf ("%s · %s", item->kp_id, item->full_name);
      g_autofree char *flags = ks_record_flags_to_string (item->flags);
      g_autofree char *text = NULL;

      if (rejections)
        text = g_strdup_printf ("%s%s%s · %s", reason_label (self, item->reason),
                                *item->note ? " · " : "", item->note, item->decided_by);
      else
        text = g_strdup_printf ("%s · %s", flags, item->operator);
      add_field_row (group, row_title, text);
    }
  if (items->len > REPORT_MAX_ROWS)
    {
      g_autofree char *more = g_strdup_printf (_("%u more in the CSV and the printed report"),
                                               items->len - REPORT_MAX_ROWS);
      add_field_row (group, more, NULL);
    }
  if (items->len == 0)
    add_field_row (group, _("None"), NULL);
}

static void on_day_selected (KsReviewPage *self);

/**
 * ks_review_page_show_report:
 * @day: (nullable): the day; %NULL for the one chosen last (today at first)
 */
void
ks_review_page_show_report (KsReviewPage *self,
                            const GDate  *day)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) chosen = NULL;
  g_autofree char *label = NULL;
  AdwPreferencesGroup *group;
  KsDayReport *r;

  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

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

  g_clear_pointer (&self->report, ks_day_report_free);
  self->report = ks_day_report_compute (ks_station_get_store (self->station), day, &error);
  label = day_label (day);
  gtk_menu_button_set_label (self->day_button, label);
  gtk_stack_set_visible_child_name (self->main_stack, "report");
  remove_children (self->report_box);
  if (self->report == NULL)
    {
      group = add_group (self->report_box, _("The report could not be made"));
      add_field_row (group, error->message, NULL);
      return;
    }
  r = self->report;

  group = add_group (self->report_box, _("Enrolled This Day"));
  {
    g_autofree char *total = g_strdup_printf ("%'" G_GINT64_FORMAT, r->submitted);
    add_field_row (group, _("Records submitted"), total);
  }
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    if (r->by_state[s] > 0)
      {
        g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, r->by_state[s]);
        add_field_row (group, ks_record_state_get_label (s), count);
      }
  group = add_group (self->report_box, _("Decided This Day"));
  {
    g_autofree char *approved = g_strdup_printf ("%'" G_GINT64_FORMAT, r->approved);
    g_autofree char *rejected = g_strdup_printf ("%'" G_GINT64_FORMAT, r->rejected);

    add_field_row (group, _("Approved"), approved);
    add_field_row (group, _("Rejected"), rejected);
    for (guint i = 0; i < r->rejection_reasons->len; i++)
      {
        KsReportGroup *g = g_ptr_array_index (r->rejection_reasons, i);
        g_autofree char *title = g_strdup_printf (_("Rejected: %s"), reason_label (self, g->key));
        g_autofree char *count = g_strdup_printf ("%'" G_GINT64_FORMAT, g->rejected);
        add_field_row (group, title, count);
      }
  }
  add_group_rows (self, self->report_box, _("By Operator"), r->by_operator, FALSE);
  add_group_rows (self, self->report_box, _("By District"), r->by_district, TRUE);
  add_item_rows (self, self->report_box, _("Exceptions"), r->exceptions, FALSE);
  add_item_rows (self, self->report_box, _("Rejections"), r->rejections, TRUE);
}

static void
on_day_selected (KsReviewPage *self)
{
  gtk_popover_popdown (gtk_menu_button_get_popover (self->day_button));
  ks_review_page_show_report (self, NULL);
}

static void
on_main_stack_changed (KsReviewPage *self)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "report") == 0 &&
      self->report == NULL)
    ks_review_page_show_report (self, NULL);
}

/* Set-up *****************************************************************************/

static void
fill_filters (KsReviewPage *self)
{
  g_autoptr(GtkStringList) districts = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) operators = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) accounts = NULL;

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
          g_autofree char *label = g_strdup_printf ("%s (%s)", d->name_en, d->code);

          gtk_string_list_append (districts, label);
          g_ptr_array_add (self->district_codes, g_strdup (d->code));
        }
    }

  gtk_string_list_append (operators, _("All operators"));
  g_ptr_array_add (self->operator_names, g_strdup (""));
  accounts = ks_accounts_list (ks_station_get_store (self->station), NULL);
  for (guint i = 0; accounts && i < accounts->len; i++)
    {
      KsAccount *account = g_ptr_array_index (accounts, i);

      gtk_string_list_append (operators, ks_account_get_full_name (account));
      g_ptr_array_add (self->operator_names, g_strdup (ks_account_get_username (account)));
    }

  gtk_drop_down_set_model (self->district_dropdown, G_LIST_MODEL (districts));
  gtk_drop_down_set_model (self->operator_dropdown, G_LIST_MODEL (operators));
}

void
ks_review_page_set_station (KsReviewPage *self,
                            KsStation    *station)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KS_IS_REVIEW_PAGE (self));
  g_return_if_fail (KS_IS_STATION (station));
  g_return_if_fail (self->station == NULL);

  self->station = g_object_ref (station);
  self->reference = ks_reference_load_default (&error);
  if (self->reference == NULL)
    g_debug ("No reference data: %s", error->message);

  self->list = ks_record_list_new (ks_station_get_store (station));
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->list)));
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
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
  g_clear_pointer (&self->detail_info, ks_record_info_free);
  g_clear_pointer (&self->detail_kp_id, g_free);
  g_clear_pointer (&self->report, ks_day_report_free);
  if (self->station == NULL)
    return;

  fill_filters (self);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->operator_dropdown), can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->approve_button), can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->reject_button), can_review (self));
  gtk_label_set_label (self->scope_label,
                       session == NULL || can_review (self)
                         ? ""
                         : _("Your own submissions. A supervisor approves or rejects them."));
  ks_review_page_show_list (self);
  /* Here and now: the previous session's records must not stay on screen, not even while a
   * worker counts. */
  apply_filter (self, TRUE);
  update_rules (self);
}

void
ks_review_page_refresh (KsReviewPage *self)
{
  g_return_if_fail (KS_IS_REVIEW_PAGE (self));

  if (self->list == NULL)
    return;
  ks_record_list_refresh (self->list);
  update_count (self);
  update_rules (self);
  if (self->report != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "report") == 0)
    {
      GDate day = self->report->day;
      ks_review_page_show_report (self, &day);
    }
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
  return self->card_slot;
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
  return self->fingerprint_slot;
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
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  g_clear_object (&self->probe_a);
  g_clear_object (&self->probe_b);
  g_clear_object (&self->cancellable);
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
  g_clear_pointer (&self->detail_info, ks_record_info_free);
  g_clear_pointer (&self->report, ks_day_report_free);
  g_free (self->detail_kp_id);
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

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-review-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, toast_overlay);
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
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, approve_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, reject_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail_approve_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail_reject_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, detail_fields_box);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, audit_box);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, card_slot);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, fingerprint_slot);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, day_button);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, KsReviewPage, report_box);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);

  gtk_widget_class_install_action (widget_class, "review.approve-selected", NULL,
                                   approve_selected_action);
  gtk_widget_class_install_action (widget_class, "review.reject-selected", NULL,
                                   reject_selected_action);
  gtk_widget_class_install_action (widget_class, "review.approve-record", NULL,
                                   approve_record_action);
  gtk_widget_class_install_action (widget_class, "review.reject-record", NULL,
                                   reject_record_action);
  gtk_widget_class_install_action (widget_class, "review.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "review.print-report", NULL,
                                   print_report_action);
  gtk_widget_class_install_action (widget_class, "review.export-pdf", NULL, export_pdf_action);
  gtk_widget_class_install_action (widget_class, "review.export-csv", NULL, export_csv_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "review.back", NULL);
}

static void
ks_review_page_init (KsReviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->probe_a = g_object_new (KS_TYPE_RECORD_ROW, NULL);
  self->probe_b = g_object_new (KS_TYPE_RECORD_ROW, NULL);
  setup_columns (self);

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
  update_count (self);
  update_detail_actions (self);
}
