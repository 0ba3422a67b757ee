/* test-ui-review.c: the Review section: list, search, sort, decisions, detail, day report
 *
 * Drives the real window under Xvfb over a station with a few hundred records and saves the
 * screenshots review-list, review-detail and review-report into the build folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-card-view.h"
#include "ks-card-audit.h"
#include "ks-cards.h"
#include "ks-language.h"
#include "ks-reference.h"
#include "ks-slip-view.h"
#include "ks-test-fixture.h"
#include "ks-review-page-private.h"
#include "ks-test-ui.h"
#include "ks-window.h"
#include "ks-record-list-testing.h"
#include "ks-records-testing.h"

#define N_RECORDS 300

static KsWindow *
new_window (KsStation *station)
{
  KsWindow *window = ks_window_new (NULL, station);

  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 760);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (100);
  return window;
}

static GtkWidget *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWidget *dialog = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  return dialog;
}

/* 0 while the list is still being made */
static guint
n_items (KsReviewPage *page)
{
  KsRecordList *list = ks_review_page_get_list (page);

  return list ? g_list_model_get_n_items (G_LIST_MODEL (list)) : 0;
}

/* The list shows the records read for the person signed in (core reads them in a worker). */
static gboolean
list_shows (KsReviewPage *page,
            guint         n)
{
  return !page->loading && gtk_widget_get_visible (GTK_WIDGET (page->column_view)) &&
         n_items (page) == n;
}

/* The button of @action under @root, shown or not, or NULL */
static GtkWidget *
button_for (GtkWidget  *root,
            const char *action)
{
  if (GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = button_for (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A mapped label under @root whose text holds @text, or NULL */
static GtkWidget *
label_with (GtkWidget  *root,
            const char *text)
{
  GtkWidget *label;

  for (guint i = 0; (label = ks_test_find_by_type (root, GTK_TYPE_LABEL, i)) != NULL; i++)
    if (strstr (gtk_label_get_label (GTK_LABEL (label)), text) != NULL)
      return label;
  return NULL;
}

/* A mapped label under @root whose text is exactly @text, or NULL */
static GtkWidget *
label_is (GtkWidget  *root,
          const char *text)
{
  GtkWidget *label;

  for (guint i = 0; (label = ks_test_find_by_type (root, GTK_TYPE_LABEL, i)) != NULL; i++)
    if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) == 0)
      return label;
  return NULL;
}

/* The detail shows @kp_id, opened by core in a worker thread. */
static gboolean
detail_shows (KsReviewPage *page,
              const char   *kp_id)
{
  const KsRecordInfo *info = ks_record_detail_get_info (page->detail);

  return g_strcmp0 (ks_review_page_get_view (page), "detail") == 0 &&
         !ks_record_detail_is_loading (page->detail) && info != NULL &&
         g_strcmp0 (info->kp_id, kp_id) == 0;
}

static gint64
count_state (KsStation    *station,
             KsRecordState state)
{
  gint64 n = -1;

  g_assert_true (ks_records_count_by_state (ks_station_get_store (station), state, &n));
  return n;
}

/* A button click: the response, then the dialog closes (adw_message_dialog_response() alone
 * leaves it open). */
static void
respond (GtkWidget  *dialog,
         const char *response)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ks_test_iterate (100);
}

/* Answers the decision dialogs as a supervisor would: confirms the fingerprint exceptions if
 * asked, then types the password. */
static void
answer_decision (const char *password)
{
  GtkWidget *dialog;

  KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
  if (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "confirm"))
    {
      respond (dialog, "confirm");
      KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
    }
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "decide"));
  /* Each rejection reason is read in full: a long one wraps instead of ending in "…". */
  if (ks_test_find_by_type (dialog, ADW_TYPE_COMBO_ROW, 0) != NULL)
    {
      AdwComboRow *reasons = ADW_COMBO_ROW (ks_test_find_by_type (dialog, ADW_TYPE_COMBO_ROW, 0));
      const char *longest = "Photo is unclear or does not follow the photo rules";
      GtkWidget *label;

      adw_combo_row_set_selected (reasons, 0);
      ks_test_iterate (100);
      label = label_is (dialog, longest);
      g_assert_nonnull (label);
      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
      g_free (ks_test_screenshot (dialog, "review-reject-reasons"));
    }
  gtk_editable_set_text (GTK_EDITABLE (ks_test_find_by_type (dialog,
                                                             ADW_TYPE_PASSWORD_ENTRY_ROW, 0)),
                         password);
  respond (dialog, "decide");
}

static GtkColumnViewColumn *
column_titled (GtkColumnView *view,
               const char    *title)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_assert_not_reached ();
}

/* What the record's card slot shows once its card task is done: a card view, or a message
 * (with the enrollment slip while the record awaits review). */
static gboolean
card_slot_is (KsReviewPage *page,
              GType         type,
              const char   *text)
{
  GtkWidget *slot = GTK_WIDGET (ks_review_page_get_card_slot (page));
  GtkWidget *found = ks_test_find_by_type (slot, type, 0);

  if (found == NULL)
    return FALSE;
  return text == NULL || (GTK_IS_LABEL (found)
                          && strstr (gtk_label_get_label (GTK_LABEL (found)), text) != NULL);
}

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Clicks @widget's middle with the mouse, as a person does, holding Ctrl if @ctrl. */
static void
click (GtkWidget *widget,
       gboolean   ctrl)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  gulong xid = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (root)));
  g_autofree char *window = g_strdup_printf ("%lu", xid);
  graphene_point_t inside = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                 gtk_widget_get_height (widget) / 2.0);
  graphene_point_t at;
  double dx = 0, dy = 0;
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (gtk_widget_compute_point (widget, root, &inside, &at));
  /* Window coordinates count from the surface, which may start before the window's widget. */
  gtk_native_get_surface_transform (GTK_NATIVE (root), &dx, &dy);
  x = g_strdup_printf ("%d", (int)(at.x + dx));
  y = g_strdup_printf ("%d", (int)(at.y + dy));
  if (ctrl)
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "mousemove",
                                "--window", window, x, y, "keydown", "ctrl", "click", "1",
                                "keyup", "ctrl", NULL);
  else
    process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "mousemove",
                                "--window", window, x, y, "click", "1", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  ks_test_iterate (300);
}

/* The window at @width, as gtk_window_set_default_size() counts it (with its frame). */
static void
resize (GtkWidget *root,
        int        width)
{
  int before = gtk_widget_get_width (root);

  gtk_window_set_default_size (GTK_WINDOW (root), width, 760);
  KS_TEST_WAIT_UNTIL (gtk_widget_get_width (root) != before, 5000);
  g_assert_cmpint (gtk_widget_get_width (root), <=, width);
}

/* The list at a narrower window: every column in sight (no sideways scrolling, so the flags
 * are not cut off), names whole; saved as review-list-WIDTH. */
static void
check_width (GtkWidget    *root,
             KsReviewPage *page,
             int           width)
{
  GtkAdjustment *sideways = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (page->column_view));
  g_autoptr(KsRecordRow) first = g_list_model_get_item (G_LIST_MODEL (ks_review_page_get_list (
                                                                        page)),
                                                        0);
  g_autofree char *name = g_strdup_printf ("review-list-%d", width);
  GtkWidget *label;

  resize (root, width);
  ks_test_iterate (300);
  g_assert_cmpfloat (gtk_adjustment_get_upper (sideways), <=,
                     gtk_adjustment_get_page_size (sideways) + 1);
  /* Every name and CNIC shown is whole. */
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(KsRecordRow) row =
        g_list_model_get_item (G_LIST_MODEL (ks_review_page_get_list (page)),
                               i);
      g_autofree char *cnic = g_strdup_printf ("%.5s-%.7s-%c", ks_record_row_get_cnic (row),
                                               ks_record_row_get_cnic (row) + 5,
                                               ks_record_row_get_cnic (row)[12]);

      label = label_is (GTK_WIDGET (page->column_view), ks_record_row_get_full_name (row));
      if (label != NULL)
        g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
      label = label_is (GTK_WIDGET (page->column_view), cnic);
      if (label != NULL)
        g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
    }
  label = label_is (GTK_WIDGET (page->column_view), ks_record_row_get_full_name (first));
  g_assert_nonnull (label);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  label = label_is (GTK_WIDGET (page->column_view), ks_record_row_get_full_name_ur (first));
  g_assert_nonnull (label);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  /* The Flags header, the last column, ends inside the window. */
  label = label_is (GTK_WIDGET (page->column_view), "Flags");
  g_assert_nonnull (label);
  {
    graphene_point_t end = GRAPHENE_POINT_INIT (gtk_widget_get_width (label), 0);
    graphene_point_t at;

    g_assert_true (gtk_widget_compute_point (label, root, &end, &at));
    g_assert_cmpfloat (at.x, <=, gtk_widget_get_width (root));
  }
  g_free (ks_test_screenshot (root, name));
}

/* The count below the list and the reasons offered to reject the selection speak the
 * screen's language (the reasons are reference data: label_ur, label_ps). */
static void
check_reject_reasons (KsReviewPage *page,
                      KsStation    *station,
                      const char   *lang)
{
  GPtrArray *reasons = ks_reference_get_rejection_reasons (ks_station_get_reference (station));
  g_autofree char *shot = g_strdup_printf ("%s-review-reject-reasons", lang);
  const char *count = gtk_label_get_label (page->count_label);
  GtkWidget *dialog;
  AdwComboRow *row;
  GListModel *model;

  /* "30 records, 2 selected", all in the language: no English word left. */
  g_test_message ("%s: %s", lang, count);
  g_assert_nonnull (strstr (count, "30"));
  g_assert_nonnull (strstr (count, "2"));
  for (const char *p = count; *p; p++)
    g_assert_false (g_ascii_isalpha (*p));
  gtk_widget_activate_action (GTK_WIDGET (page), "review.reject-selected", NULL);
  KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
  row = ADW_COMBO_ROW (ks_test_find_by_type (dialog, ADW_TYPE_COMBO_ROW, 0));
  g_assert_nonnull (row);
  model = adw_combo_row_get_model (row);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, reasons->len);
  for (guint i = 0; i < reasons->len; i++)
    {
      const KsReason *reason = reasons->pdata[i];
      const char *shown = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      g_assert_cmpstr (shown, ==, g_str_equal (lang, "ps") ? reason->label_ps : reason->label_ur);
    }
  adw_combo_row_set_selected (row, 0);
  ks_test_iterate (100);
  g_free (ks_test_screenshot (dialog, shot));
  respond (dialog, "cancel");
}

/* In right to left at @width: the first row's ID is whole, inside its cell and the window. */
static void
check_rtl_width (GtkWidget    *win,
                 KsReviewPage *page,
                 int           width,
                 const char   *lang)
{
  g_autoptr(KsRecordRow) first = g_list_model_get_item (G_LIST_MODEL (ks_review_page_get_list (
                                                                        page)),
                                                        0);
  g_autofree char *name = g_strdup_printf ("%s-review-list-%d", lang, width);
  GtkWidget *label;
  PangoRectangle ink, logical;
  graphene_rect_t bounds;

  resize (win, width);
  ks_test_iterate (300);
  label = label_is (GTK_WIDGET (page->column_view), ks_record_row_get_kp_id (first));
  g_assert_nonnull (label);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  /* The text fits the label, and the label the window. */
  pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (label)), &ink, &logical);
  g_assert_cmpint (logical.width, <=, gtk_widget_get_width (label));
  g_assert_true (gtk_widget_compute_bounds (label, win, &bounds));
  g_assert_cmpfloat (bounds.origin.x, >=, 0);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (win));
  g_assert_cmpuint (ks_test_assert_ltr_values (GTK_WIDGET (page)), >=, 30);
  g_free (ks_test_screenshot (win, name));
}

static void
test_review (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autofree char *pdf = NULL;
  g_autofree char *pdf_text = NULL;
  g_autoptr(GAsyncResult) pdf_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
  g_autoptr(KsAccount) supervisor = NULL;
  g_autoptr(KsAccount) operator = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsSession) operator_session = NULL;
  g_autoptr(GDate) day = g_date_new_dmy (24, G_DATE_NOVEMBER, 2025);
  KsStore *store;
  KsWindow *window;
  KsReviewPage *page;
  GtkColumnView *view;
  GtkWidget *root;
  gboolean descending = FALSE;
  gint64 queued;

  g_assert_no_error (error);
  store = ks_station_get_store (station);
  supervisor = ks_accounts_create_first_supervisor (store, "amina.sup", "Amina Yousafzai",
                                                    "correct horse", &error);
  g_assert_no_error (error);
  session = ks_session_new (store, supervisor, FALSE);
  operator = ks_accounts_add (store, session, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                              "operator-pass", &error);
  g_assert_no_error (error);
  g_assert_true (ks_test_records_insert_many (store, 1, N_RECORDS, NULL, &error));
  g_assert_no_error (error);
  /* Flags where the screenshot and the decisions below see them. */
  g_assert_true (ks_store_exec (store, "UPDATE records SET flags = 2 WHERE id IN (5, 299);"
                                "UPDATE records SET flags = 4 WHERE id = 297;"
                                "UPDATE records SET flags = 5 WHERE id = 294;", &error));
  {
    const char *approve[] = { "PEW-A01-0000001-B", "PEW-A01-0000298-J", NULL };
    const char *reject[] = { "PEW-A01-0000296-G", NULL };

    g_assert_true (ks_records_decide_batch (store, session, approve, KS_RECORD_STATE_APPROVED,
                                            NULL, NULL, FALSE, &error));
    g_assert_true (ks_records_decide_batch (store, session, reject, KS_RECORD_STATE_REJECTED,
                                            "photo-quality", "Photo too dark", FALSE,
                                            &error));
    g_assert_no_error (error);
  }

  window = new_window (station);
  root = GTK_WIDGET (window);
  ks_window_session_started (window, session);
  gtk_widget_activate_action (root, "win.section", "s", "review");
  ks_test_iterate (200);
  page = KS_REVIEW_PAGE (ks_test_find_by_type (root, KS_TYPE_REVIEW_PAGE, 0));
  g_assert_nonnull (page);
  view = GTK_COLUMN_VIEW (ks_test_find_by_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW, 0));

  /* Every record is listed, and the banner says why enrolling is stopped: more than the 100
   * records the default allows await review. */
  KS_TEST_WAIT_UNTIL (list_shows (page, N_RECORDS), 5000);
  g_assert_cmpstr (ks_review_page_get_view (page), ==, "list");
  g_assert_nonnull (ks_review_page_get_rules_message (page));
  g_assert_nonnull (strstr (ks_review_page_get_rules_message (page), "297 records await review"));
  /* A click selects a record; Ctrl+click adds one, as in any list. */
  if (ks_test_have_xdotool ())
    {
      g_autoptr(KsRecordRow) row5 =
        g_list_model_get_item (G_LIST_MODEL (ks_review_page_get_list (page)),
                               5);
      g_autoptr(KsRecordRow) row7 =
        g_list_model_get_item (G_LIST_MODEL (ks_review_page_get_list (page)),
                               7);
      GtkSelectionModel *selection = ks_review_page_get_selection (page);

      click (label_is (GTK_WIDGET (view), ks_record_row_get_kp_id (row5)), FALSE);
      g_assert_true (gtk_selection_model_is_selected (selection, 5));
      g_assert_cmpuint (gtk_bitset_get_size (gtk_selection_model_get_selection (selection)), ==, 1);
      click (label_is (GTK_WIDGET (view), ks_record_row_get_kp_id (row7)), TRUE);
      g_assert_true (gtk_selection_model_is_selected (selection, 5));
      g_assert_true (gtk_selection_model_is_selected (selection, 7));
      g_assert_cmpuint (gtk_bitset_get_size (gtk_selection_model_get_selection (selection)), ==, 2);
      gtk_selection_model_unselect_all (selection);
    }
  gtk_selection_model_select_range (ks_review_page_get_selection (page), 5, 2, TRUE);
  ks_test_iterate (50);
  g_free (ks_test_screenshot (root, "review-list"));
  check_width (root, page, 1100);
  check_width (root, page, 1024);
  resize (root, 1240);

  /* The detail of a record with a forced finger, with its history. */
  ks_review_page_show_record (page, "PEW-A01-0000050-A");
  /* At once the detail says the record is being opened, and offers no decision yet. */
  g_assert_cmpstr (ks_review_page_get_view (page), ==, "detail");
  g_assert_true (ks_record_detail_is_loading (page->detail));
  g_assert_false (gtk_widget_is_sensitive (button_for (GTK_WIDGET (page->detail),
                                                       "review.approve-record")));
  KS_TEST_WAIT_UNTIL (detail_shows (page, "PEW-A01-0000050-A"), 5000);
  g_assert_true (gtk_widget_is_sensitive (button_for (GTK_WIDGET (page->detail),
                                                      "review.approve-record")));
  g_assert_nonnull (ks_review_page_get_card_slot (page));
  /* Not approved yet: no signed card, and the slot says why. */
  KS_TEST_WAIT_UNTIL (card_slot_is (page, GTK_TYPE_LABEL, "awaits a supervisor"), 10000);
  /* The enrollment slip can be printed again, with the ID alone in its code. */
  g_assert_true (card_slot_is (page, KS_TYPE_SLIP_VIEW, NULL));
  g_assert_null (ks_test_find_by_type (GTK_WIDGET (ks_review_page_get_card_slot (page)),
                                       KS_TYPE_CARD_VIEW, 0));
  g_free (ks_test_screenshot (root, "review-detail"));

  /* An approved record's detail shows its signed card, recorded as issued. The supervisor
   * opens the rejected record, then this one at once: only the one asked for last shows, its
   * fields and its card, though the first one's answers come in too. */
  ks_review_page_show_record (page, "PEW-A01-0000296-G");
  ks_review_page_show_record (page, "PEW-A01-0000298-J");
  KS_TEST_WAIT_UNTIL (detail_shows (page, "PEW-A01-0000298-J"), 5000);
  KS_TEST_WAIT_UNTIL (card_slot_is (page, KS_TYPE_CARD_VIEW, NULL), 10000);
  ks_test_iterate (300);
  g_assert_true (detail_shows (page, "PEW-A01-0000298-J"));
  g_assert_true (card_slot_is (page, KS_TYPE_CARD_VIEW, NULL));
  g_assert_false (card_slot_is (page, GTK_TYPE_LABEL, "was rejected"));
  g_assert_nonnull (label_with (GTK_WIDGET (page->detail), "PEW-A01-0000298-J"));
  g_assert_null (label_with (GTK_WIDGET (page->detail), "PEW-A01-0000296-G"));
  {
    GtkWidget *card_view = adw_bin_get_child (ks_review_page_get_card_slot (page));
    KsCard *card = ks_card_view_get_card (KS_CARD_VIEW (card_view));

    g_assert_cmpstr (ks_card_get_kp_id (card), ==, "PEW-A01-0000298-J");
  }
  {
    g_autoptr(GPtrArray) cards = ks_cards_list_for_record (store, "PEW-A01-0000298-J", &error);
    g_assert_cmpuint (cards->len, ==, 1);
  }
  g_free (ks_test_screenshot (root, "review-detail-card"));

  /* The detail speaks to people: the tehsil by its name, not its code, and the history in
   * words, not the audit log's keys. The card goes to a PDF as Save as PDF records it. */
  g_assert_true (ks_card_audit_print (store, session, "PEW-A01-0000298-J", KS_CARD_OUTPUT_PDF,
                                      &error));
  g_assert_no_error (error);
  ks_review_page_show_record (page, "PEW-A01-0000298-J");
  KS_TEST_WAIT_UNTIL (detail_shows (page, "PEW-A01-0000298-J") &&
                      label_is (GTK_WIDGET (page->detail), "Card saved to a file") != NULL,
                      10000);
  {
    g_autoptr(KsRecord) record = ks_records_load (store, "PEW-A01-0000298-J", &error);
    const char *code = ks_record_get (record, KS_FIELD_TEHSIL);
    const KsTehsil *tehsil = ks_reference_lookup_tehsil (ks_station_get_reference (station),
                                                         code);

    g_assert_nonnull (tehsil);
    g_assert_nonnull (label_is (GTK_WIDGET (page->detail), tehsil->name_en));
    g_assert_null (label_is (GTK_WIDGET (page->detail), code));
  }
  g_assert_nonnull (label_is (GTK_WIDGET (page->detail), "Card issued"));
  g_assert_nonnull (label_with (GTK_WIDGET (page->detail), "as a PDF file"));
  g_assert_null (label_with (GTK_WIDGET (page->detail), "card-exported"));
  g_assert_null (label_with (GTK_WIDGET (page->detail), "card-issued"));
  g_assert_null (label_with (GTK_WIDGET (page->detail), "record-approved"));
  g_assert_null (label_is (GTK_WIDGET (page->detail), "pdf"));

  /* A rejected record's detail: no card. */
  ks_review_page_show_record (page, "PEW-A01-0000296-G");
  KS_TEST_WAIT_UNTIL (card_slot_is (page, GTK_TYPE_LABEL, "was rejected"), 10000);
  /* Its history says why, in words. */
  KS_TEST_WAIT_UNTIL (label_is (GTK_WIDGET (page->detail), "Rejected") != NULL, 10000);
  g_assert_null (label_with (GTK_WIDGET (page->detail), "photo-quality"));
  g_assert_nonnull (label_with (GTK_WIDGET (page->detail),
                                "Photo is unclear or does not follow the photo rules"));
  g_assert_false (card_slot_is (page, KS_TYPE_SLIP_VIEW, NULL));
  g_assert_false (card_slot_is (page, KS_TYPE_CARD_VIEW, NULL));

  /* The day report, on screen and as PDF. */
  ks_review_page_show_report (page, day);
  ks_test_iterate (100);
  g_assert_cmpstr (ks_review_page_get_view (page), ==, "report");
  g_free (ks_test_screenshot (root, "review-report"));
  /* Kept next to the screenshots, to look at. */
  pdf = g_build_filename (g_getenv ("KS_SHOT_DIR") ? g_getenv ("KS_SHOT_DIR") : dir,
                          "review-report.pdf", NULL);
  _ks_review_page_write_pdf_async (page, pdf, keep_result, &pdf_result);
  KS_TEST_WAIT_UNTIL (pdf_result != NULL, 10000);
  g_assert_true (_ks_review_page_write_pdf_finish (page, pdf_result, NULL));
  g_assert_true (g_file_get_contents (pdf, &pdf_text, NULL, &error));
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF"));
  ks_review_page_show_list (page);

  /* "Between dates…": a range in the future holds nothing; from long ago holds everything;
   * the day fields show only for this choice. */
  {
    GtkDropDown *dates = GTK_DROP_DOWN (ks_test_find_by_type (root, GTK_TYPE_DROP_DOWN, 1));
    GtkWidget *from = NULL, *until = NULL;
    guint all = n_items (page);

    g_assert_nonnull (dates);
    gtk_drop_down_set_selected (dates, 6);
    ks_test_iterate (200);
    from = ks_test_find_by_type (root, GTK_TYPE_ENTRY, 0);
    until = ks_test_find_by_type (root, GTK_TYPE_ENTRY, 1);
    g_assert_nonnull (from);
    g_assert_nonnull (until);
    gtk_editable_set_text (GTK_EDITABLE (from), "01-01-2090");
    gtk_editable_set_text (GTK_EDITABLE (until), "31-12-2090");
    KS_TEST_WAIT_UNTIL (n_items (page) == 0, 5000);
    gtk_editable_set_text (GTK_EDITABLE (from), "01-01-2000");
    gtk_editable_set_text (GTK_EDITABLE (until), "");
    KS_TEST_WAIT_UNTIL (n_items (page) == all, 5000);
    gtk_drop_down_set_selected (dates, 0);
    ks_test_iterate (200);
    g_assert_false (gtk_widget_get_mapped (from));
  }

  /* Clicking a header sorts in SQL; clicking again reverses. */
  gtk_column_view_sort_by_column (view, column_titled (view, "Name"), GTK_SORT_ASCENDING);
  g_assert_cmpint (ks_record_list_get_sort (ks_review_page_get_list (page), &descending), ==,
                   KS_RECORD_SORT_NAME);
  g_assert_false (descending);
  gtk_column_view_sort_by_column (view, column_titled (view, "Khyber Pass ID"),
                                  GTK_SORT_DESCENDING);
  g_assert_cmpint (ks_record_list_get_sort (ks_review_page_get_list (page), &descending), ==,
                   KS_RECORD_SORT_KP_ID);
  g_assert_true (descending);

  /* Search as typed, after the entry's 150 ms pause. */
  gtk_editable_set_text (GTK_EDITABLE (ks_test_find_by_type (GTK_WIDGET (page),
                                                             GTK_TYPE_SEARCH_ENTRY, 0)),
                         "PEW-A01-00002");
  KS_TEST_WAIT_UNTIL (n_items (page) == 100, 3000);
  gtk_editable_set_text (GTK_EDITABLE (ks_test_find_by_type (GTK_WIDGET (page),
                                                             GTK_TYPE_SEARCH_ENTRY, 0)),
                         "");
  KS_TEST_WAIT_UNTIL (n_items (page) == N_RECORDS, 3000);
  gtk_column_view_sort_by_column (view, column_titled (view, "Submitted"), GTK_SORT_ASCENDING);
  ks_test_iterate (100);

  /* Bulk approval of three selected records, with the supervisor's password. */
  gtk_selection_model_select_range (ks_review_page_get_selection (page), 3, 3, TRUE);
  ks_test_iterate (50);
  queued = count_state (station, KS_RECORD_STATE_QUEUED);
  gtk_widget_activate_action (GTK_WIDGET (page), "review.approve-selected", NULL);
  answer_decision ("correct horse");
  KS_TEST_WAIT_UNTIL (count_state (station, KS_RECORD_STATE_QUEUED) == queued + 3, 10000);
  KS_TEST_WAIT_UNTIL (gtk_bitset_is_empty (gtk_selection_model_get_selection (
                                             ks_review_page_get_selection (page))), 5000);

  /* A wrong password decides nothing. */
  gtk_selection_model_select_range (ks_review_page_get_selection (page), 10, 2, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (page), "review.approve-selected", NULL);
  answer_decision ("wrong password");
  ks_test_iterate (1500);
  g_assert_cmpint (count_state (station, KS_RECORD_STATE_QUEUED), ==, queued + 3);

  /* Rejecting a record from its detail, with a reason, once the detail is open. */
  ks_review_page_show_record (page, "PEW-A01-0000050-A");
  KS_TEST_WAIT_UNTIL (detail_shows (page, "PEW-A01-0000050-A"), 5000);
  gtk_widget_activate_action (GTK_WIDGET (page), "review.reject-record", NULL);
  answer_decision ("correct horse");
  KS_TEST_WAIT_UNTIL (count_state (station, KS_RECORD_STATE_QUEUED) == queued + 4, 10000);
  {
    g_autoptr(KsRecordInfo) info = ks_records_get_info (store, "PEW-A01-0000050-A", &error);

    g_assert_cmpint (info->decision, ==, KS_RECORD_STATE_REJECTED);
    g_assert_nonnull (info->reason);
  }
  /* The detail, shown again after the decision, has no card for it. */
  KS_TEST_WAIT_UNTIL (card_slot_is (page, GTK_TYPE_LABEL, "was rejected"), 10000);
  {
    g_autoptr(GPtrArray) cards = ks_cards_list_for_record (store, "PEW-A01-0000050-A", &error);
    g_assert_cmpuint (cards->len, ==, 0);
  }

  /* An operator sees their own submissions only, and cannot decide. */
  operator_session = ks_session_new (store, operator, FALSE);
  ks_window_session_started (window, operator_session);
  gtk_widget_activate_action (root, "win.section", "s", "review");
  KS_TEST_WAIT_UNTIL (list_shows (page, N_RECORDS / 3), 5000);
  gtk_selection_model_select_range (ks_review_page_get_selection (page), 0, 2, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (page), "review.approve-selected", NULL);
  ks_test_iterate (200);
  g_assert_null (find_dialog ());

  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

/* The list and a record's detail in Urdu and Pashto, right to left, saved as ur-review-list,
 * ur-review-detail, ps-review-list, ps-review-detail to look at. */
static void
test_languages (void)
{
  static const char *const langs[] = { "ur", "ps" };

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_autofree char *dir = ks_test_tmpdir ();
      g_autofree char *list_shot = g_strdup_printf ("%s-review-list", langs[i]);
      g_autofree char *detail_shot = g_strdup_printf ("%s-review-detail", langs[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
      g_autoptr(KsAccount) supervisor = NULL;
      g_autoptr(KsSession) session = NULL;
      KsStore *store;
      KsWindow *window;
      KsReviewPage *page;
      const char *reject[] = { "PEW-A01-0000028-J", NULL };

      g_assert_no_error (error);
      store = ks_station_get_store (station);
      supervisor = ks_accounts_create_first_supervisor (store, "amina.sup", "Amina Yousafzai",
                                                        "correct horse", &error);
      g_assert_no_error (error);
      session = ks_session_new (store, supervisor, FALSE);
      g_assert_true (ks_test_records_insert_many (store, 1, 30, NULL, &error));
      g_assert_true (ks_records_decide_batch (store, session, reject, KS_RECORD_STATE_REJECTED,
                                              "photo-quality", "Photo too dark", FALSE, &error));
      g_assert_no_error (error);

      ks_language_apply (langs[i]);
      window = new_window (station);
      ks_window_session_started (window, session);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "review");
      page = KS_REVIEW_PAGE (ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_REVIEW_PAGE, 0));
      KS_TEST_WAIT_UNTIL (list_shows (page, 30), 5000);
      g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (page)), ==, GTK_TEXT_DIR_RTL);
      /* The translations are loaded: the column titles speak the language. */
      g_assert_cmpstr (_("Flags"), !=, "Flags");
      g_assert_nonnull (label_is (GTK_WIDGET (page), _("Flags")));
      gtk_selection_model_select_range (ks_review_page_get_selection (page), 2, 2, TRUE);
      ks_test_iterate (100);
      /* IDs, CNICs and dates read left to right, in a Latin font (an Arabic font's hyphen
       * looks like a dot). */
      g_assert_cmpuint (ks_test_assert_ltr_values (GTK_WIDGET (page)), >=, 30);
      g_free (ks_test_screenshot (GTK_WIDGET (window), list_shot));
      check_rtl_width (GTK_WIDGET (window), page, 1100, langs[i]);
      check_reject_reasons (page, station, langs[i]);
      ks_review_page_show_record (page, "PEW-A01-0000028-J");
      KS_TEST_WAIT_UNTIL (detail_shows (page, "PEW-A01-0000028-J"), 5000);
      KS_TEST_WAIT_UNTIL (card_slot_is (page, GTK_TYPE_LABEL, NULL), 10000);
      ks_test_iterate (200);
      g_assert_cmpuint (ks_test_assert_ltr_values (GTK_WIDGET (page)), >=, 3);
      g_free (ks_test_screenshot (GTK_WIDGET (window), detail_shot));
      gtk_window_destroy (GTK_WINDOW (window));
      ks_test_iterate (50);
    }
  ks_language_apply ("en");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KS_LOCALEDIR");

  /* As main.c does, with the build's translations, for the Urdu and Pashto screenshots. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ks_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/review/list-detail-report", test_review);
  g_test_add_func ("/ui/review/languages", test_languages);

  return g_test_run ();
}
