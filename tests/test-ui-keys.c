/* test-ui-keys.c: the keyboard and pointer paths operators reported as broken, driven with real
 * X events (xdotool under Xvfb)
 *
 * - Review: Esc on the decision dialog, then a click on a row (crashed GTK);
 * - sign-out, then signing in with user name, Tab, password, Enter (opened the main menu);
 * - unlocking with the keyboard returns the focus where the operator left it (not the menu).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "ks-accounts.h"
#include "ks-enroll-page.h"
#include "ks-language.h"
#include "ks-test-fixture.h"
#include "ks-review-page-private.h"
#include "ks-test-ui.h"
#include "ks-verify-page.h"
#include "ks-window.h"
#include "ks-records-testing.h"

static KsWindow *
new_window (KsStation *station)
{
  KsWindow *window = ks_window_new (NULL, station);

  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 760);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (300);
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

/* A real click (XTEST) in the middle of @widget. */
static void
click (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (root));
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xid = g_strdup_printf ("%lu", gdk_x11_surface_get_xid (surface));
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  graphene_point_t middle;
  graphene_point_t point;

  graphene_point_init (&middle, gtk_widget_get_width (widget) / 2.f,
                       gtk_widget_get_height (widget) / 2.f);
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (root), &middle, &point));
  x = g_strdup_printf ("%d", (int)point.x);
  y = g_strdup_printf ("%d", (int)point.y);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "mousemove", "--window",
                              xid, x, y, "click", "1", NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  ks_test_iterate (300);
}

/* A key to whatever has the keyboard focus, the pointer left where it is. */
static void
run_xdotool (const char *command,
             const char *arg)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", command, arg, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  ks_test_iterate (300);
}

/* libadwaita 1.2's password row follows its text's has-focus without a reference: a text that
 * outlives the row with the focus notifies a freed row later (the crash on the next click, when
 * the memory was reused). When the row goes, its text must be gone or unfocused. */
static void
password_row_finalized (gpointer data,
                        GObject *row)
{
  GtkWidget **text = data;

  if (*text != NULL)
    g_assert_false (gtk_widget_has_focus (*text));
}

static GtkWidget *
button_with_action (GtkWidget  *root,
                    const char *action)
{
  for (guint nth = 0;; nth++)
    {
      GtkWidget *button = ks_test_find_by_type (root, GTK_TYPE_BUTTON, nth);

      g_assert_nonnull (button);
      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), action) == 0)
        return button;
    }
}

static KsStation *
new_station (const char *dir,
             KsSession **session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) supervisor = NULL;
  KsStation *station = ks_station_open ("production", dir, &error);

  g_assert_no_error (error);
  supervisor = ks_accounts_create_first_supervisor (ks_station_get_store (station), "amina.sup",
                                                    "Amina Yousafzai", "correct horse", &error);
  g_assert_no_error (error);
  *session = ks_session_new (ks_station_get_store (station), supervisor, FALSE);
  return station;
}

static gboolean
focus_is_in (GtkWidget *root,
             GtkWidget *area)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (root));

  return focus != NULL && (focus == area || gtk_widget_is_ancestor (focus, area));
}

/* Review and Verify in Urdu with the keyboard only: Alt+R (the English letter in brackets)
 * puts the keyboard in the search field, not on the section switcher five Tabs away; typing
 * filters, Tab and Down reach the list, Enter opens the record; Alt+V goes into Verify. */
static void
test_review_verify_urdu (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsStation) station = new_station (dir, &session);
  g_autoptr(GError) error = NULL;
  KsWindow *window;
  KsReviewPage *page;
  GtkWidget *root;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }
  g_assert_true (ks_test_records_insert_many (ks_station_get_store (station), 1, 30, NULL,
                                              &error));
  g_assert_no_error (error);
  ks_language_apply ("ur");
  window = new_window (station);
  root = GTK_WIDGET (window);
  ks_window_session_started (window, session);
  ks_test_iterate (500);

  ks_test_keys (root, "key", "alt+r", NULL);
  page = KS_REVIEW_PAGE (ks_test_find_by_type (root, KS_TYPE_REVIEW_PAGE, 0));
  KS_TEST_WAIT_UNTIL (!page->loading, 5000);
  g_assert_true (focus_is_in (root, GTK_WIDGET (page->search_entry)));
  ks_test_keys (root, "type", "PEW-A01-0000028", NULL);
  KS_TEST_WAIT_UNTIL (!page->loading &&
                      g_list_model_get_n_items (G_LIST_MODEL (ks_review_page_get_list (page))) ==
                      1, 5000);
  ks_test_keys (root, "key", "Tab", "key", "Down", "key", "Return", NULL);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_review_page_get_view (page), "detail") == 0 &&
                      !ks_record_detail_is_loading (page->detail), 5000);
  g_assert_cmpstr (ks_record_detail_get_info (page->detail)->kp_id, ==, "PEW-A01-0000028-J");
  g_free (ks_test_screenshot (root, "ur-keys-review-detail"));

  ks_test_keys (root, "key", "alt+v", NULL);
  g_assert_true (focus_is_in (root, ks_test_find_by_type (root, KS_TYPE_VERIFY_PAGE, 0)));
  g_free (ks_test_screenshot (root, "ur-keys-verify"));
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
  ks_language_apply ("en");
}

/* Esc on the approve (and reject) dialog, then a click on a row of the list: the dialog's
 * password row must not outlive the dialog. */
static void
test_review_escape (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsStation) station = new_station (dir, &session);
  const char *actions[] = { "review.approve-selected", "review.reject-selected" };
  KsWindow *window;
  KsReviewPage *page;
  GtkWidget *root;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool and an X display are needed for real key events");
      return;
    }
  g_assert_true (ks_test_records_insert_many (ks_station_get_store (station), 1, 20, NULL, &error));
  g_assert_no_error (error);

  window = new_window (station);
  root = GTK_WIDGET (window);
  ks_window_session_started (window, session);
  gtk_widget_activate_action (root, "win.section", "s", "review");
  ks_test_iterate (300);
  page = KS_REVIEW_PAGE (ks_test_find_by_type (root, KS_TYPE_REVIEW_PAGE, 0));
  g_assert_nonnull (page);

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *dialog;
      GtkWidget *cell;
      GtkWidget *text = NULL;

      gtk_selection_model_select_item (ks_review_page_get_selection (page), 1, TRUE);
      ks_test_iterate (100);
      click (button_with_action (GTK_WIDGET (page), actions[i]));
      KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
      ks_test_iterate (300);
      if (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "confirm"))
        g_error ("no exception confirmation expected for these records");
      /* The supervisor clicks into the password, then changes their mind: Esc. */
      click (ks_test_find_by_type (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, 0));
      text = gtk_root_get_focus (GTK_ROOT (dialog));
      g_assert_true (GTK_IS_TEXT (text));
      g_object_add_weak_pointer (G_OBJECT (text), (gpointer *)&text);
      g_object_weak_ref (G_OBJECT (ks_test_find_by_type (dialog, ADW_TYPE_PASSWORD_ENTRY_ROW, 0)),
                         password_row_finalized, &text);
      run_xdotool ("key", "Escape");
      KS_TEST_WAIT_UNTIL (find_dialog () == NULL, 5000);
      ks_test_iterate (300);
      /* Nothing was decided. */
      {
        gint64 n = -1;
        g_assert_true (ks_records_count_by_state (ks_station_get_store (station),
                                                  KS_RECORD_STATE_SUBMITTED, &n));
        g_assert_cmpint (n, ==, 20);
      }
      if (text != NULL)
        g_object_remove_weak_pointer (G_OBJECT (text), (gpointer *)&text);
      /* A click on another row, then a key press on the list. */
      cell = ks_test_find_by_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW, 0);
      g_assert_nonnull (cell);
      for (guint nth = 6; nth < 9; nth++)
        {
          GtkWidget *label = ks_test_find_by_type (cell, GTK_TYPE_LABEL, nth);
          if (label != NULL)
            click (label);
        }
      ks_test_keys (root, "key", "Down", "key", "Caps_Lock", "key", "Caps_Lock", NULL);
      ks_test_iterate (300);
    }

  /* Approving with the keyboard: the password, Tab passes the reveal button by, Shift+Tab
   * comes back, Enter confirms. */
  {
    GtkWidget *dialog;
    gint64 n = -1;

    gtk_selection_model_select_item (ks_review_page_get_selection (page), 2, TRUE);
    ks_test_iterate (100);
    click (button_with_action (GTK_WIDGET (page), "review.approve-selected"));
    KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
    ks_test_iterate (300);
    ks_test_keys (dialog, "type", "correct", NULL);
    run_xdotool ("key", "Tab");
    g_assert_null (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)),
                                            ADW_TYPE_PASSWORD_ENTRY_ROW));
    run_xdotool ("key", "shift+Tab");
    g_assert_nonnull (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)),
                                               ADW_TYPE_PASSWORD_ENTRY_ROW));
    /* Focus by Tab selects the text: End, then the rest of the password. */
    run_xdotool ("key", "End");
    run_xdotool ("type", " horse");
    run_xdotool ("key", "Return");
    KS_TEST_WAIT_UNTIL (find_dialog () == NULL, 5000);
    KS_TEST_WAIT_UNTIL ((ks_records_count_by_state (ks_station_get_store (station),
                                                    KS_RECORD_STATE_SUBMITTED, &n), n == 19),
                        10000);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

/* After Sign Out, the next operator signs in with the keyboard alone. */
static void
test_signin_after_sign_out (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsStation) station = new_station (dir, &session);
  KsWindow *window;
  GtkWidget *root;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool and an X display are needed for real key events");
      return;
    }
  window = new_window (station);
  root = GTK_WIDGET (window);
  ks_window_session_started (window, session);
  ks_test_iterate (300);

  /* Sign Out from the main menu, with the keyboard: F10 opens it. */
  ks_test_keys (root, "key", "F10", "key", "s", NULL);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "sign-in") == 0, 15000);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      GtkWidget *focus;
      GtkWidget *search;

      ks_test_keys (root, "type", "amina.sup", "key", "Tab", "type", "correct horse",
                    "key", "Return", NULL);
      KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "main") == 0, 15000);
      g_assert_nonnull (ks_station_get_session (station));
      ks_test_iterate (300);
      /* The keyboard is on the section, not on the header bar. */
      focus = gtk_root_get_focus (GTK_ROOT (root));
      g_assert_nonnull (focus);
      g_assert_nonnull (gtk_widget_get_ancestor (focus, ADW_TYPE_VIEW_STACK));

      /* The supervisor was searching in Review when they locked. */
      gtk_widget_activate_action (root, "win.section", "s", "review");
      ks_test_iterate (300);
      search = ks_test_find_by_type (root, GTK_TYPE_SEARCH_ENTRY, 0);
      g_assert_nonnull (search);
      gtk_widget_grab_focus (search);
      ks_test_iterate (100);

      /* Lock, and unlock with the keyboard alone: the focus comes back to the page, not to
       * the main menu button (Enter there would open the menu). */
      ks_test_keys (root, "key", "F10", "key", "l", NULL);
      KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "locked") == 0, 15000);
      ks_test_keys (root, "type", "correct horse", "key", "Return", NULL);
      KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "main") == 0, 15000);
      ks_test_iterate (300);
      focus = gtk_root_get_focus (GTK_ROOT (root));
      g_assert_nonnull (focus);
      g_assert_true (gtk_widget_is_ancestor (focus, search) || focus == search);

      /* Sign out again: the main menu's item, as an operator picks it. */
      ks_test_keys (root, "key", "F10", "key", "s", NULL);
      KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "sign-in") == 0, 15000);
      g_assert_null (ks_station_get_session (station));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

/* Alt+N (next step) and Alt+B (back) work in every language, whatever letter the translated
 * "_Next" underlines; Ctrl+N starts an enrollment. */
static void
test_next_in_every_language (void)
{
  static const char *const languages[] = { "en", "ur", "ps" };

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool and an X display are needed for real key events");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_autofree char *dir = ks_test_tmpdir ();
      g_autoptr(KsSession) session = NULL;
      g_autoptr(KsStation) station = new_station (dir, &session);
      KsWindow *window;
      GtkWidget *root;
      KsEnrollPage *enroll;
      GtkWidget *cnic;

      ks_language_apply (languages[i]);
      window = new_window (station);
      root = GTK_WIDGET (window);
      ks_window_session_started (window, session);
      ks_test_iterate (300);
      enroll = KS_ENROLL_PAGE (ks_test_find_by_type (root, KS_TYPE_ENROLL_PAGE, 0));
      ks_test_keys (root, "key", "ctrl+n", NULL);
      KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (enroll) == KS_ENROLL_STEP_IDENTITY, 5000);
      ks_test_iterate (300);
      cnic = ks_test_find_by_type (GTK_WIDGET (enroll), ADW_TYPE_ENTRY_ROW, 0);
      g_assert_nonnull (cnic);
      /* A CNIC that cannot be, then on to the date: Alt+N tries to go on, cannot, and puts
       * the keyboard back on the CNIC with the reason. */
      ks_test_keys (root, "type", "0000000000000", "key", "Tab", NULL);
      g_assert_false (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (root)), cnic));
      ks_test_keys (root, "key", "alt+n", NULL);
      KS_TEST_WAIT_UNTIL (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (root)), cnic),
                          5000);
      g_assert_cmpint (ks_enroll_page_get_step (enroll), ==, KS_ENROLL_STEP_IDENTITY);

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

  /* As main.c does, with the build's translations. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ks_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/keys/review-escape", test_review_escape);
  g_test_add_func ("/ui/keys/review-verify-urdu", test_review_verify_urdu);
  g_test_add_func ("/ui/keys/sign-in-after-sign-out", test_signin_after_sign_out);
  g_test_add_func ("/ui/keys/next-in-every-language", test_next_in_every_language);
  return g_test_run ();
}
