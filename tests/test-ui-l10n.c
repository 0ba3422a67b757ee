/* test-ui-l10n.c: the station in English, Urdu and Pashto; language per operator; profiles
 *
 * Shows the main screens in each language, right to left for Urdu and Pashto, and saves
 * screenshots named after the language (ur-sign-in.png, ps-enroll-identity.png...) into the
 * build's screenshots/ folder. Then checks that the language chosen on the sign-in screen
 * follows the operator, and that the sign-in screen's training link opens the training profile
 * and back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-enroll-page.h"
#include "ks-enroll-summary.h"
#include "ks-language.h"
#include "ks-reference.h"
#include "ks-review-page.h"
#include "ks-signin-page.h"
#include "ks-test-enroll.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;

  ks_language_apply ("en");
  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  f->session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                  "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (f->station), f->session, "PEW", "A01");
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->station);
  g_free (f->dir);
  ks_language_apply ("en");
}

static KsWindow *
new_window (KsStation *station)
{
  KsWindow *window = ks_window_new (NULL, station);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (200);
  return window;
}

/* The one KsWindow still alive: after a language change or a profile switch the window is a
 * new one. */
static KsWindow *
the_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  KsWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (KS_IS_WINDOW (w) && !gtk_widget_in_destruction (GTK_WIDGET (w)))
        {
          g_assert_null (found);
          found = KS_WINDOW (w);
        }
    }
  g_assert_nonnull (found);
  return found;
}

static void
shot (KsWindow   *window,
      const char *lang,
      const char *screen)
{
  g_autofree char *name = g_strconcat (lang, "-", screen, NULL);

  g_free (ks_test_screenshot (GTK_WIDGET (window), name));
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_screens (Fixture      *f,
              gconstpointer data)
{
  const char *lang = data;
  gboolean rtl = !g_str_equal (lang, "en");
  KsWindow *window;
  GtkWidget *enroll;

  ks_language_apply (lang);
  window = new_window (f->station);

  /* Translations are loaded: the sign-in button speaks the language (the test fails if the
   * .mo files were not built or not found). */
  if (rtl)
    g_assert_cmpstr (_("_Sign In"), !=, "_Sign In");
  g_assert_true (shows_text (GTK_WIDGET (window), _("_Sign In")));
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==,
                   rtl ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
  g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (window), "rtl-ui"), ==, rtl);
  shot (window, lang, "sign-in");

  ks_window_session_started (window, f->session);
  ks_test_iterate (100);
  shot (window, lang, "enroll-start");
  enroll = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_ENROLL_PAGE, 0);
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  ks_test_iterate (100);
  shot (window, lang, "enroll-identity");
  {
    /* The step bar's arrows point to the next step: leftwards right to left (see the
     * screenshots ur-enroll-identity.png and ps-enroll-identity.png). */
    guint arrows = 0;
    GtkWidget *label;

    for (guint i = 0; (label = ks_test_find_by_type (enroll, GTK_TYPE_LABEL, i)) != NULL; i++)
      if (gtk_widget_has_css_class (label, "step-arrow"))
        {
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, rtl ? "‹" : "›");
          g_assert_cmpint (gtk_widget_get_direction (label), ==, GTK_TEXT_DIR_LTR);
          arrows++;
        }
    g_assert_cmpuint (arrows, ==, KS_ENROLL_N_STEPS - 1);
  }
  /* A wrong CNIC: the message embeds the number, which must stay in one piece. */
  {
    GtkWidget *cnic = ks_test_find_by_type (enroll, ADW_TYPE_ENTRY_ROW, 0);

    gtk_editable_set_text (GTK_EDITABLE (cnic), "0000000000000");
    gtk_widget_activate_action (enroll, "enroll.next", NULL);
    ks_test_iterate (100);
    g_assert_true (shows_text (enroll, "\xe2\x81\xa6" "0000000000000" "\xe2\x81\xa9"));
    shot (window, lang, "enroll-identity-error");
  }
  /* The later steps as they look (their fields empty). */
  {
    static const char *const steps[] = { "personal", "address", "services" };
    GtkStack *step_stack = NULL;

    for (guint i = 0; (step_stack = GTK_STACK (ks_test_find_by_type (enroll, GTK_TYPE_STACK, i)));
         i++)
      if (gtk_stack_get_child_by_name (step_stack, "personal") != NULL)
        break;
    g_assert_nonnull (step_stack);
    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        g_autofree char *screen = g_strconcat ("enroll-", steps[i], NULL);

        gtk_stack_set_visible_child_name (step_stack, steps[i]);
        ks_test_iterate (100);
        shot (window, lang, screen);
      }
  }
  /* The consent text read to the citizen: the English one in a Latin font even inside Urdu and
   * Pashto screens (their Naskh font drew its commas and full stops Arabic-style). */
  {
    GPtrArray *services = ks_reference_get_services (ks_station_get_reference (f->station));
    const KsService *service = services->pdata[0];
    GtkWidget *row = ks_test_find_by_type (enroll, ADW_TYPE_EXPANDER_ROW, 0);
    GtkWidget *consent = NULL;
    const char *family;

    g_assert_nonnull (row);
    gtk_switch_set_active (GTK_SWITCH (g_object_get_data (G_OBJECT (row), "sign-up-switch")),
                           TRUE);
    ks_test_iterate (200);
    for (guint i = 0; (consent = ks_test_find_by_type (row, GTK_TYPE_LABEL, i)) != NULL; i++)
      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (consent)), service->consent_en) == 0)
        break;
    g_assert_nonnull (consent);
    family = pango_font_description_get_family (
      pango_context_get_font_description (gtk_widget_get_pango_context (consent)));
    g_test_message ("%s: English consent text in %s", lang, family);
    g_assert_false (g_str_has_prefix (family, "Noto Naskh"));
    shot (window, lang, "enroll-services-consent");
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "verify");
  shot (window, lang, "verify");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "settings");
  shot (window, lang, "settings");

  /* The review list with records as operators make them: its count through ngettext, translated
   * even though the station started in English (g_dngettext() would not translate it). */
  {
    g_autoptr(GPtrArray) kp_ids = ks_test_enroll_many (ks_station_get_store (f->station),
                                                       ks_station_get_reference (f->station),
                                                       "A01", 0, 3, KS_RECORD_STATE_SUBMITTED);
    GtkWidget *review;
    GtkWidget *id_label = NULL;
    g_autofree char *count = g_strdup_printf (ngettext ("%'u record", "%'u records", 3), 3);

    gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "review");
    review = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_REVIEW_PAGE, 0);
    g_assert_nonnull (review);
    ks_review_page_refresh (KS_REVIEW_PAGE (review));
    KS_TEST_WAIT_UNTIL ((id_label = find_label (review, kp_ids->pdata[0])) != NULL, 20000);
    ks_test_iterate (200);
    if (rtl)
      g_assert_cmpstr (count, !=, "3 records");
    g_assert_true (shows_text (review, count));
    shot (window, lang, "review");
  }

  /* The citizen's review before submit: each field's name once per language, values in one
   * column starting at the same edge. */
  {
    g_autoptr(KsRecord) record = ks_test_wizard_record (0);
    GtkWidget *summary_window = gtk_window_new ();
    GtkWidget *summary = g_object_new (KS_TYPE_ENROLL_SUMMARY, NULL);
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    double value_edge = -1;
    int n = 0;

    ks_enroll_summary_show (KS_ENROLL_SUMMARY (summary), record,
                            ks_station_get_reference (f->station), "4 of 4");
    gtk_window_set_child (GTK_WINDOW (summary_window), summary);
    gtk_window_set_default_size (GTK_WINDOW (summary_window), 900, 700);
    gtk_window_present (GTK_WINDOW (summary_window));
    ks_test_iterate (300);
    for (GtkWidget *c = gtk_widget_get_first_child (summary); c;
         c = gtk_widget_get_next_sibling (c))
      {
        const char *text = gtk_label_get_text (GTK_LABEL (c));
        int column = 0;
        graphene_rect_t b;

        gtk_grid_query_child (GTK_GRID (summary), c, &column, NULL, NULL, NULL);
        if (column != 1)
          {
            g_assert_false (g_hash_table_contains (seen, text));
            g_hash_table_add (seen, (gpointer)text);
            continue;
          }
        /* Each value starts at the value column's start edge (the right one in RTL). */
        g_assert_true (gtk_widget_compute_bounds (c, summary, &b));
        {
          double edge = rtl ? b.origin.x + b.size.width : b.origin.x;
          if (value_edge < 0)
            value_edge = edge;
          g_test_message ("value “%s” starts at %.0f", text, edge);
          g_assert_cmpfloat (ABS (edge - value_edge), <=, 2.0);
        }
        n++;
      }
    g_assert_cmpint (n, >, 8);
    {
      g_autofree char *name = g_strconcat (lang, "-enroll-review", NULL);
      g_free (ks_test_screenshot (summary_window, name));
    }
    gtk_window_destroy (GTK_WINDOW (summary_window));
  }
  ks_window_lock (window);
  /* Locked once the open draft is written, in a worker. */
  KS_TEST_WAIT_UNTIL (g_str_equal (ks_window_get_mode (window), "locked"), 10000);
  shot (window, lang, "lock");

  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

static void
test_setup_screen (void)
{
  static const char *const langs[] = { "ur", "ps" };

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_autofree char *dir = ks_test_tmpdir ();
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
      KsWindow *window;

      g_assert_no_error (error);
      ks_language_apply (langs[i]);
      window = new_window (station);
      g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");
      shot (window, langs[i], "setup");
      gtk_window_destroy (GTK_WINDOW (window));
      ks_test_iterate (50);
    }
  ks_language_apply ("en");
}

/* An operator whose account says Urdu gets Urdu as they sign in, without signing in again. */
static void
test_account_language_applies_at_sign_in (Fixture      *f,
                                          gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KsWindow *window;
  GtkWidget *signin;

  g_assert_true (ks_accounts_set_language (ks_station_get_store (f->station), f->session, "ur",
                                           &error));
  g_assert_no_error (error);
  {
    /* The session's account is the one read at sign-in: read it again, as sign-in would. */
    g_autoptr(KsAccount) account = ks_accounts_lookup (ks_station_get_store (f->station),
                                                       "amina.sup", &error);
    g_clear_object (&f->session);
    f->session = ks_session_new (ks_station_get_store (f->station), account, FALSE);
  }

  window = new_window (f->station);
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_LTR);
  signin = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_SIGNIN_PAGE, 0);
  g_signal_emit_by_name (signin, "signed-in", f->session);
  ks_test_iterate (300);

  window = the_window ();
  g_assert_cmpstr (ks_language_get_applied (), ==, "ur");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  /* Still signed in, on the main screen: nothing was lost in the rebuild. */
  g_assert_cmpstr (ks_window_get_mode (window), ==, "main");
  g_assert_true (ks_station_get_session (f->station) == f->session);
  shot (window, "ur", "after-sign-in");
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

/* Picking Pashto on the sign-in screen rebuilds it in Pashto and saves Pashto to the account
 * of whoever signs in next, over the language their account had. */
static void
test_language_chosen_on_sign_in (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) account = NULL;
  g_autofree char *station_language = NULL;
  KsWindow *window = new_window (f->station);
  AdwComboRow *combo = ADW_COMBO_ROW (ks_test_find_by_type (GTK_WIDGET (window),
                                                            ADW_TYPE_COMBO_ROW, 0));

  g_assert_true (ks_accounts_set_language (ks_station_get_store (f->station), f->session, "ur",
                                           &error));
  adw_combo_row_set_selected (combo, 2);      /* English, اردو, پښتو */
  ks_test_iterate (300);

  window = the_window ();
  g_assert_cmpstr (ks_language_get_applied (), ==, "ps");
  g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (window)), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpstr (ks_window_get_mode (window), ==, "sign-in");
  station_language = g_settings_get_string (ks_station_get_preferences (f->station), "language");
  g_assert_cmpstr (station_language, ==, "ps");
  g_assert_true (shows_text (GTK_WIDGET (window), "پښتو"));

  g_signal_emit_by_name (ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_SIGNIN_PAGE, 0),
                         "signed-in", f->session);
  ks_test_iterate (300);
  window = the_window ();
  g_assert_cmpstr (ks_language_get_applied (), ==, "ps");
  account = ks_accounts_lookup (ks_station_get_store (f->station), "amina.sup", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_account_get_language (account), ==, "ps");
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* What the sign-in screen's switch does, waited for. */
static KsWindow *
switch_profile (KsWindow   *window,
                const char *profile,
                GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ks_window_switch_profile_async (window, profile, NULL, got_result, &result);
  KS_TEST_WAIT_UNTIL (result != NULL, 20000);
  return ks_window_switch_profile_finish (window, result, error);
}

/* "Practice in training mode" opens the training profile in place, and back again. */
static void
test_switch_to_training_and_back (Fixture      *f,
                                  gconstpointer data)
{
  KsWindow *window = new_window (f->station);
  KsStation *training;
  GtkWidget *signin;

  g_clear_object (&f->session);
  g_clear_object (&f->station);    /* the window holds the only reference now */

  signin = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_SIGNIN_PAGE, 0);
  gtk_widget_activate_action (signin, "signin.switch-profile", NULL);
  ks_test_iterate (200);
  /* The profile opens in a worker thread; then its window replaces this one. */
  KS_TEST_WAIT_UNTIL (the_window () != window, 20000);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (the_window ()), "opening") != 0, 20000);

  window = the_window ();
  training = ks_window_get_station (window);
  g_assert_true (ks_station_is_training (training));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (window), "training"));
  /* A fresh training profile starts with its own set-up. */
  g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");
  g_assert_true (shows_text (GTK_WIDGET (window), _("Training station: nothing entered here is "
                                                    "real, and nothing leaves this computer.")));
  shot (window, "en", "training-setup");

  /* Back to production: its profile lock was released when its window closed. */
  {
    g_autoptr(GError) error = NULL;
    KsWindow *back = switch_profile (window, "production", &error);

    g_assert_no_error (error);
    g_assert_nonnull (back);
    ks_test_iterate (100);
    g_assert_false (ks_station_is_training (ks_window_get_station (the_window ())));
    g_assert_cmpstr (ks_window_get_mode (the_window ()), ==, "sign-in");
    gtk_window_destroy (GTK_WINDOW (the_window ()));
    ks_test_iterate (50);
  }
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

  g_test_add ("/l10n/screens/en", Fixture, "en", fixture_setup, test_screens, fixture_teardown);
  g_test_add ("/l10n/screens/ur", Fixture, "ur", fixture_setup, test_screens, fixture_teardown);
  g_test_add ("/l10n/screens/ps", Fixture, "ps", fixture_setup, test_screens, fixture_teardown);
  g_test_add_func ("/l10n/setup-screen", test_setup_screen);
  g_test_add ("/l10n/account-language-at-sign-in", Fixture, NULL, fixture_setup,
              test_account_language_applies_at_sign_in, fixture_teardown);
  g_test_add ("/l10n/language-chosen-on-sign-in", Fixture, NULL, fixture_setup,
              test_language_chosen_on_sign_in, fixture_teardown);
  g_test_add ("/l10n/switch-to-training-and-back", Fixture, NULL, fixture_setup,
              test_switch_to_training_and_back, fixture_teardown);

  return g_test_run ();
}
