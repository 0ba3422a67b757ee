/* test-ui-training.c: the training profile as a class sees it
 *
 * Guided mode in the wizard, the registry address refused unless it is on this computer, and the
 * trainer's classroom tools (sample citizens, reset with its confirmation dialog, which carries
 * the training banner like every window of the profile).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-enroll-page.h"
#include "ks-language.h"
#include "ks-records.h"
#include "ks-settings-page.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"
#include "ks-records-testing.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *trainer;
  KsSession *supervisor;
  KsWindow *window;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  const char *lang = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) trainer = NULL;
  g_autoptr(KsSession) sup_session = NULL;
  KsStore *store;

  ks_language_apply (lang ? lang : "en");
  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open ("training", f->dir, &error);
  g_assert_no_error (error);
  store = ks_station_get_store (f->station);
  sup_session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                   "PEW", "T01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (f->station), sup_session, "PEW", "T01");
  trainer = ks_accounts_add (store, sup_session, "tariq.trainer", "Tariq Jan", KS_ROLE_TRAINER,
                             "trainer-pw-1", &error);
  g_assert_no_error (error);
  f->trainer = ks_session_new (store, trainer, TRUE);
  f->supervisor = g_steal_pointer (&sup_session);

  f->window = ks_window_new (NULL, f->station);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  ks_test_iterate (200);
  ks_window_session_started (f->window, f->trainer);
  ks_test_iterate (100);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ks_test_iterate (50);
  g_clear_object (&f->trainer);
  g_clear_object (&f->supervisor);
  g_clear_object (&f->station);
  g_free (f->dir);
  ks_language_apply ("en");
}

static GtkWidget *
find_with_class (GtkWidget  *widget,
                 const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class) && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_with_class (c, css_class);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_guided_mode (Fixture      *f,
                  gconstpointer data)
{
  const char *lang = data;
  GtkWidget *enroll = ks_test_find_by_type (GTK_WIDGET (f->window), KS_TYPE_ENROLL_PAGE, 0);
  GtkWidget *cnic_row;
  GtkWidget *guide;
  GtkWidget *next;
  g_autofree char *name = g_strconcat (lang, "-training-enroll-guided", NULL);

  /* Trainees start guided on the training profile. */
  g_assert_true (ks_enroll_page_get_guided (KS_ENROLL_PAGE (enroll)));
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  ks_test_iterate (300);

  guide = find_with_class (enroll, "guide");
  g_assert_nonnull (guide);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (guide)), ==,
                   _("Type the CNIC or B-form number exactly as printed on the card, then the date "
                     "of birth and gender."));
  /* The first field to fill is the CNIC: highlighted. */
  cnic_row = ks_test_find_by_type (enroll, ADW_TYPE_ENTRY_ROW, 0);
  g_assert_true (gtk_widget_has_css_class (cnic_row, "guided-next"));
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), name));

  /* Once the CNIC is right, the highlight moves on. */
  gtk_editable_set_text (GTK_EDITABLE (cnic_row), "17301-1234567-1");
  ks_test_iterate (50);
  g_assert_false (gtk_widget_has_css_class (cnic_row, "guided-next"));
  next = find_with_class (enroll, "guided-next");
  g_assert_nonnull (next);
  g_assert_true (next != cnic_row);

  /* Off means off: no sentence, no highlight. */
  ks_enroll_page_set_guided (KS_ENROLL_PAGE (enroll), FALSE);
  ks_test_iterate (400);
  g_assert_null (find_with_class (enroll, "guided-next"));
}

static void
test_registry_address (Fixture      *f,
                       gconstpointer data)
{
  GtkWidget *settings;
  GtkWidget *row;
  g_autofree char *saved = NULL;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.section", "s", "settings");
  ks_test_iterate (100);
  settings = ks_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("KsSettingsPage"), 0);
  row = ks_test_find_by_type (settings, ADW_TYPE_ENTRY_ROW, 0);

  /* An address elsewhere is refused and not saved. */
  gtk_editable_set_text (GTK_EDITABLE (row), "https://203.0.113.9/");
  g_signal_emit_by_name (row, "apply");
  /* Core checks it off the UI thread, then the row shows the refusal. */
  KS_TEST_WAIT_UNTIL (gtk_widget_has_css_class (row, "error"), 10000);
  saved = ks_station_config_dup_string (ks_station_get_config (f->station), "registry-url");
  g_assert_cmpstr (saved, ==, "");
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), "training-settings-remote-registry"));
  g_clear_pointer (&saved, g_free);

  gtk_editable_set_text (GTK_EDITABLE (row), "https://localhost:8443");
  g_signal_emit_by_name (row, "apply");
  KS_TEST_WAIT_UNTIL (!gtk_widget_has_css_class (row, "error"), 10000);
  saved = ks_station_config_dup_string (ks_station_get_config (f->station), "registry-url");
  g_assert_cmpstr (saved, ==, "https://localhost:8443");
  /* Stored in the profile's database with its audit entry, old and new value. */
  {
    g_autofree char *stored = ks_station_config_read_string (ks_station_get_store (f->station),
                                                             "registry-url");
    g_autoptr(GPtrArray) entries = ks_audit_list (ks_station_get_store (f->station),
                                                  "registry-url", 1, NULL);
    KsAuditEntry *last = entries->pdata[0];

    g_assert_cmpstr (stored, ==, "https://localhost:8443");
    g_assert_cmpstr (last->action, ==, "setting-changed");
    g_assert_cmpstr (last->detail, ==, " → https://localhost:8443");
  }
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gint64
submitted (Fixture *f)
{
  gint64 n = -1;

  g_assert_true (ks_records_count_by_state (ks_station_get_store (f->station),
                                            KS_RECORD_STATE_SUBMITTED, &n));
  return n;
}

/* A Pashto class: the sample citizens' names in Arabic script are spelt the Pashto way in the
 * review list, as an Urdu class reads the Urdu spelling (saved as ps-training-samples). */
static void
test_samples_pashto (Fixture      *f,
                     gconstpointer data)
{
  static const gunichar pashto_only[] = { 0x067C, 0x0681, 0x0685, 0x0689, 0x0693, 0x0696,
                                          0x069A, 0x06AB, 0x06BC, 0x06CD, 0x06D0, 0x064A };
  GtkWidget *settings;
  g_autofree char *text = NULL;
  gboolean pashto = FALSE;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.section", "s", "settings");
  ks_test_iterate (100);
  settings = ks_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("KsSettingsPage"), 0);
  gtk_widget_activate_action (settings, "settings.add-samples", NULL);
  KS_TEST_WAIT_UNTIL (submitted (f) == 20, 30000);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.section", "s", "review");
  ks_test_iterate (1500);
  text = ks_test_collect_text (GTK_WIDGET (f->window));
  for (const char *p = text; *p && !pashto; p = g_utf8_next_char (p))
    for (guint i = 0; i < G_N_ELEMENTS (pashto_only); i++)
      pashto |= g_utf8_get_char (p) == pashto_only[i];
  g_assert_true (pashto);
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), "ps-training-samples"));
}

static void
test_classroom_tools (Fixture      *f,
                      gconstpointer data)
{
  GtkWidget *settings;
  AdwMessageDialog *dialog;

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.section", "s", "settings");
  ks_test_iterate (100);
  settings = ks_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("KsSettingsPage"), 0);

  gtk_widget_activate_action (settings, "settings.add-samples", NULL);
  KS_TEST_WAIT_UNTIL (submitted (f) == 20, 30000);
  ks_test_iterate (100);
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), "training-settings-classroom"));

  /* Reset asks first, in a dialog that carries the training banner. */
  gtk_widget_activate_action (settings, "settings.reset-training", NULL);
  KS_TEST_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, 5000);
  ks_test_iterate (200);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (dialog), "training"));
  g_assert_nonnull (find_with_class (GTK_WIDGET (dialog), "training-banner"));
  g_free (ks_test_screenshot (GTK_WIDGET (dialog), "training-reset-dialog"));
  g_assert_cmpint (submitted (f), ==, 20);

  adw_message_dialog_response (dialog, "reset");
  ks_test_iterate (100);
  /* The reset runs in a worker thread. */
  KS_TEST_WAIT_UNTIL (submitted (f) == 0, 30000);
  g_assert_cmpint (submitted (f), ==, 0);
  /* The trainer is still signed in and can carry on. */
  g_assert_cmpstr (ks_window_get_mode (f->window), ==, "main");
  g_assert_true (ks_station_get_session (f->station) == f->trainer);
}

/* Whether a label under @root showing exactly @text is visible with all its parents. */
static gboolean
shows_visible (GtkWidget  *root,
               const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_is_visible (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (shows_visible (c, text))
      return TRUE;
  return FALSE;
}

/* The first training account is a supervisor, and the classroom tools are a trainer's: set-up
 * says so, and Settings tells a supervisor where the tools are instead of hiding them silently. */
static void
test_classroom_wording (Fixture      *f,
                        gconstpointer data)
{
  const char *lang = data;
  GtkWidget *settings;
  g_autofree char *name = g_strdup_printf ("training-settings-supervisor-%s", lang);
  g_autofree char *setup_name = g_strdup_printf ("training-setup-%s", lang);

  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.section", "s", "settings");
  ks_test_iterate (100);
  settings = ks_test_find_by_type (GTK_WIDGET (f->window), g_type_from_name ("KsSettingsPage"), 0);
  g_assert_true (shows_visible (settings, _("Sample citizens")));

  ks_settings_page_set_session (KS_SETTINGS_PAGE (settings), f->supervisor);
  ks_test_iterate (100);
  g_assert_true (shows_visible (settings, _("Classroom")));
  g_assert_true (shows_visible (settings, _("Only a trainer account has the classroom tools "
                                            "(sample citizens, clearing the class’s work). "
                                            "Add one under Accounts with the role Trainer, "
                                            "then sign in with it.")));
  g_assert_false (shows_visible (settings, _("Sample citizens")));
  {
    /* Scrolled to the end, where the group is, so the screenshot shows it. */
    GtkWidget *scrolled = ks_test_find_by_type (settings, GTK_TYPE_SCROLLED_WINDOW, 0);
    GtkAdjustment *adj;

    g_assert_nonnull (scrolled);
    ks_test_iterate (100);
    adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  }
  ks_test_iterate (200);
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), name));

  /* Set-up of a new training station says the first account is a supervisor. */
  {
    g_autofree char *dir = ks_test_tmpdir ();
    g_autoptr(GError) error = NULL;
    g_autoptr(KsStation) station = ks_station_open ("training", dir, &error);
    KsWindow *window;

    g_assert_no_error (error);
    window = ks_window_new (NULL, station);
    gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
    gtk_window_present (GTK_WINDOW (window));
    ks_test_iterate (300);
    g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");
    g_assert_true (shows_visible (GTK_WIDGET (window),
                                  _("Training profile: this first account is a supervisor. The "
                                    "Classroom tools (sample citizens, clearing the class’s "
                                    "work) appear in Settings only for a trainer: once set up, "
                                    "add a trainer account in Settings and sign in with it.")));
    g_free (ks_test_screenshot (GTK_WIDGET (window), setup_name));
    gtk_window_destroy (GTK_WINDOW (window));
    ks_test_iterate (50);
    ks_test_rm_rf (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KS_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ks_test_ui_init (&argc, &argv);

  g_test_add ("/training/guided-mode/en", Fixture, "en", fixture_setup, test_guided_mode,
              fixture_teardown);
  g_test_add ("/training/guided-mode/ur", Fixture, "ur", fixture_setup, test_guided_mode,
              fixture_teardown);
  g_test_add ("/training/registry-address", Fixture, NULL, fixture_setup, test_registry_address,
              fixture_teardown);
  g_test_add ("/training/classroom-tools", Fixture, NULL, fixture_setup, test_classroom_tools,
              fixture_teardown);
  g_test_add ("/training/samples/ps", Fixture, "ps", fixture_setup, test_samples_pashto,
              fixture_teardown);
  g_test_add ("/training/classroom-wording/en", Fixture, "en", fixture_setup,
              test_classroom_wording, fixture_teardown);
  g_test_add ("/training/classroom-wording/ur", Fixture, "ur", fixture_setup,
              test_classroom_wording, fixture_teardown);
  g_test_add ("/training/classroom-wording/ps", Fixture, "ps", fixture_setup,
              test_classroom_wording, fixture_teardown);

  return g_test_run ();
}
