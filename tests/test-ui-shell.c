/* test-ui-shell.c: first-run set-up, sign-in, sections, lock, accounts, start-up errors
 *
 * Drives the real window under Xvfb and saves a screenshot of each main screen into the build
 * folder (screenshots/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-error-window.h"
#include "ks-test-ui.h"
#include "ks-window.h"
#include "ks-station-config-testing.h"

static void
type_into (GtkWidget  *root,
           GType       type,
           guint       nth,
           const char *text)
{
  GtkWidget *row = ks_test_find_by_type (root, type, nth);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Activates an action and lets the window redraw, as after a real key press. */
static void
activate (GtkWidget  *widget,
          const char *action,
          const char *string_param)
{
  gtk_widget_activate_action (widget, action, string_param ? "s" : NULL, string_param);
  ks_test_iterate (50);
}

static GtkWidget *
page (GtkWidget  *root,
      const char *type_name)
{
  GtkWidget *widget = ks_test_find_by_type (root, g_type_from_name (type_name), 0);

  g_assert_nonnull (widget);
  return widget;
}

static const char *
error_text (GtkWidget *root)
{
  /* The first visible label styled as an error. */
  for (guint i = 0;; i++)
    {
      GtkWidget *label = ks_test_find_by_type (root, GTK_TYPE_LABEL, i);
      if (label == NULL)
        return NULL;
      if (gtk_widget_has_css_class (label, "error"))
        return gtk_label_get_label (GTK_LABEL (label));
    }
}

static KsWindow *
new_window (KsStation *station)
{
  KsWindow *window = ks_window_new (NULL, station);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (100);
  return window;
}

static gboolean
window_mode_is (KsWindow   *window,
                const char *mode)
{
  return g_strcmp0 (ks_window_get_mode (window), mode) == 0;
}

static const char *
visible_section (KsWindow *window)
{
  AdwViewStack *stack = ADW_VIEW_STACK (ks_test_find_by_type (GTK_WIDGET (window),
                                                              ADW_TYPE_VIEW_STACK, 0));
  return adw_view_stack_get_visible_child_name (stack);
}

static void
test_first_run_to_main (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
  KsWindow *window;
  GtkWidget *root;
  const char *sections[] = { "enroll", "review", "sync", "verify", "settings" };

  g_assert_no_error (error);
  window = new_window (station);
  root = GTK_WIDGET (window);

  /* A new station starts with the set-up screen. */
  g_assert_true (window_mode_is (window, "setup"));
  g_free (ks_test_screenshot (root, "setup"));

  /* Mistakes are caught in field order, with a message saying how to fix them. */
  type_into (root, ADW_TYPE_ENTRY_ROW, 0, "Amina Yousafzai");
  type_into (root, ADW_TYPE_ENTRY_ROW, 1, "amina.sup");
  type_into (root, ADW_TYPE_ENTRY_ROW, 2, "short");
  activate (page (root, "KsSetupPage"), "setup.create", NULL);
  g_assert_nonnull (strstr (error_text (root), "at least 8"));
  g_assert_true (window_mode_is (window, "setup"));

  type_into (root, ADW_TYPE_ENTRY_ROW, 2, "correct horse");
  type_into (root, ADW_TYPE_ENTRY_ROW, 3, "correct hors");
  activate (page (root, "KsSetupPage"), "setup.create", NULL);
  g_assert_nonnull (strstr (error_text (root), "not the same"));

  type_into (root, ADW_TYPE_ENTRY_ROW, 3, "correct horse");
  activate (page (root, "KsSetupPage"), "setup.create", NULL);
  g_assert_nonnull (strstr (error_text (root), "district"));
  /* Peshawar, by its place in the district list. */
  {
    GtkDropDown *districts = GTK_DROP_DOWN (ks_test_find_by_type (root, GTK_TYPE_DROP_DOWN, 0));
    GListModel *model = gtk_drop_down_get_model (districts);
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
        if (g_str_equal (gtk_string_object_get_string (item), "Peshawar"))
          gtk_drop_down_set_selected (districts, i);
      }
  }
  type_into (root, ADW_TYPE_ENTRY_ROW, 4, "A0");
  activate (page (root, "KsSetupPage"), "setup.create", NULL);
  g_assert_nonnull (strstr (error_text (root), "exactly 3"));
  g_free (ks_test_screenshot (root, "setup-error"));

  type_into (root, ADW_TYPE_ENTRY_ROW, 4, "a01");

  activate (page (root, "KsSetupPage"), "setup.create", NULL);
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "main"), 10000);
  g_assert_true (ks_accounts_needs_setup (ks_station_get_store (station)) == FALSE);
  {
    g_autofree char *code = ks_station_config_read_string (ks_station_get_store (station),
                                                           "station-code");
    g_autofree char *district = ks_station_config_read_string (ks_station_get_store (station),
                                                               "district");
    g_assert_cmpstr (code, ==, "A01");
    g_assert_cmpstr (district, ==, "PEW");
  }
  /* Set-up made the station's signing keys, with its code, before the first card needs them. */
  {
    g_autofree char *key = g_build_filename (dir, "production", "keys", "station.key", NULL);

    g_assert_true (g_file_test (key, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpstr (ks_station_keys_get_station_code (ks_station_get_keys (station, NULL)), ==,
                     "A01");
  }

  /* Every section is reachable and each has a screenshot. */
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *name = g_strconcat ("main-", sections[i], NULL);
      activate (root, "win.section", sections[i]);
      g_assert_cmpstr (visible_section (window), ==, sections[i]);
      g_free (ks_test_screenshot (root, name));
    }

  /* Lock from Settings; unlocking returns to Settings. */
  activate (root, "win.lock", NULL);
  /* Locked once the open draft is written, in a worker. */
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "locked"), 10000);
  g_assert_true (ks_session_is_locked (ks_station_get_session (station)));
  g_free (ks_test_screenshot (root, "locked"));

  type_into (root, ADW_TYPE_PASSWORD_ENTRY_ROW, 0, "wrong password");
  activate (page (root, "KsLockPage"),
            "lock.unlock", NULL);
  KS_TEST_WAIT_UNTIL (error_text (root) != NULL, 10000);
  g_assert_true (window_mode_is (window, "locked"));

  type_into (root, ADW_TYPE_PASSWORD_ENTRY_ROW, 0, "correct horse");
  activate (page (root, "KsLockPage"),
            "lock.unlock", NULL);
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "main"), 10000);
  g_assert_cmpstr (visible_section (window), ==, "settings");

  /* Idle lock: with no input for the idle time, the station locks by itself. */
  _ks_window_set_idle_lock_seconds (window, 1);
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "locked"), 5000);
  _ks_window_set_idle_lock_seconds (window, 0);
  type_into (root, ADW_TYPE_PASSWORD_ENTRY_ROW, 0, "correct horse");
  activate (page (root, "KsLockPage"),
            "lock.unlock", NULL);
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "main"), 10000);

  /* Supervisors add operators from Settings. */
  activate (root, "win.section", "settings");
  activate (page (root, "KsSettingsPage"),
            "settings.add-account", NULL);
  ks_test_iterate (200);
  {
    GList *toplevels = gtk_window_list_toplevels ();
    GtkWidget *dialog = NULL;

    for (GList *l = toplevels; l; l = l->next)
      if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "KsAccountDialog"))
        dialog = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (dialog);

    type_into (dialog, ADW_TYPE_ENTRY_ROW, 0, "Bilal Khan");
    type_into (dialog, ADW_TYPE_ENTRY_ROW, 1, "bilal");
    type_into (dialog, ADW_TYPE_ENTRY_ROW, 2, "operator-pass");
    type_into (dialog, ADW_TYPE_ENTRY_ROW, 3, "operator-pass");
    g_free (ks_test_screenshot (dialog, "add-account"));
    activate (dialog, "account.save", NULL);
    KS_TEST_WAIT_UNTIL (ks_accounts_count_role (ks_station_get_store (station),
                                                KS_ROLE_OPERATOR) == 1, 10000);
    ks_test_iterate (100);
  }
  g_free (ks_test_screenshot (root, "main-settings-accounts"));

  /* The station group's rows change the station's configuration through core, off the UI
   * thread: stored in its database with an audit entry in the supervisor's name. */
  {
    GtkWidget *settings = page (root, "KsSettingsPage");
    KsStationConfig *config = ks_station_get_config (station);
    KsStore *store = ks_station_get_store (station);
    GtkWidget *code_row = ks_test_find_by_type (settings, ADW_TYPE_ENTRY_ROW, 1);
    g_autoptr(GPtrArray) entries = NULL;
    g_autofree char *code = NULL;

    gtk_switch_set_active (GTK_SWITCH (ks_test_find_by_type (settings, GTK_TYPE_SWITCH, 0)),
                           FALSE);
    KS_TEST_WAIT_UNTIL (!ks_station_config_get_boolean (config, "approval-required"), 10000);
    g_assert_false (ks_station_config_read_boolean (store, "approval-required"));
    entries = ks_audit_list (store, "approval-required", 1, NULL);
    g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->actor, ==, "amina.sup");
    g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->detail, ==, "true → false");
    g_clear_pointer (&entries, g_ptr_array_unref);

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (ks_test_find_by_type (settings,
                                                                      GTK_TYPE_SPIN_BUTTON, 0)),
                               40);
    KS_TEST_WAIT_UNTIL (ks_station_config_get_uint (config, "max-awaiting-review") == 40, 10000);
    entries = ks_audit_list (store, "max-awaiting-review", 1, NULL);
    g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->detail, ==, "100 → 40");

    /* A code core refuses is not saved; the row says so. */
    gtk_editable_set_text (GTK_EDITABLE (code_row), "B0");
    g_signal_emit_by_name (code_row, "apply");
    KS_TEST_WAIT_UNTIL (gtk_widget_has_css_class (code_row, "error"), 10000);
    code = ks_station_config_read_string (store, "station-code");
    g_assert_cmpstr (code, ==, "A01");
    gtk_editable_set_text (GTK_EDITABLE (code_row), "A01");
    g_signal_emit_by_name (code_row, "apply");
    KS_TEST_WAIT_UNTIL (!gtk_widget_has_css_class (code_row, "error"), 10000);
  }

  /* Sign out, then the operator signs in and sees settings read-only. */
  activate (root, "win.sign-out", NULL);
  /* Signed out once the open draft is written, in a worker. */
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "sign-in"), 10000);
  g_assert_null (ks_station_get_session (station));
  g_free (ks_test_screenshot (root, "sign-in"));

  type_into (root, ADW_TYPE_ENTRY_ROW, 0, "bilal");
  type_into (root, ADW_TYPE_ENTRY_ROW, 1, "not-the-password");
  activate (page (root, "KsSigninPage"),
            "signin.sign-in", NULL);
  KS_TEST_WAIT_UNTIL (error_text (root) != NULL, 10000);
  g_assert_nonnull (strstr (error_text (root), "wrong"));
  g_free (ks_test_screenshot (root, "sign-in-error"));

  type_into (root, ADW_TYPE_ENTRY_ROW, 1, "operator-pass");
  activate (page (root, "KsSigninPage"),
            "signin.sign-in", NULL);
  KS_TEST_WAIT_UNTIL (window_mode_is (window, "main"), 10000);
  g_assert_cmpint (ks_session_get_role (ks_station_get_session (station)), ==, KS_ROLE_OPERATOR);
  activate (root, "win.section", "settings");
  ks_test_iterate (100);
  /* No account management for an operator: only the station group's two switches (approval
   * required, no self-approval) are shown, none for accounts. */
  g_assert_nonnull (ks_test_find_by_type (root, GTK_TYPE_SWITCH, 1));
  g_assert_null (ks_test_find_by_type (root, GTK_TYPE_SWITCH, 2));
  g_free (ks_test_screenshot (root, "main-settings-operator"));

  /* Everything above is in the audit log, and the chain holds. */
  g_assert_true (ks_audit_verify (ks_station_get_store (station), NULL, &error));
  g_assert_no_error (error);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_shortcuts_and_about (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/pk/gov/kp/KhyberPassStation/gtk/help-overlay.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  GtkWidget *about;

  g_assert_nonnull (shortcuts);
  /* Ctrl+N, Alt+N and Alt+B are listed with what they do. */
  {
    g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
    const char *wanted[] = { "<Ctrl>N", "<Alt>N", "<Alt>B" };

    for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
      {
        gboolean found = FALSE;

        for (GSList *l = objects; l != NULL; l = l->next)
          if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
            {
              g_autofree char *accelerator = NULL;

              g_object_get (l->data, "accelerator", &accelerator, NULL);
              found = found || g_strcmp0 (accelerator, wanted[i]) == 0;
            }
        g_assert_true (found);
      }
  }
  gtk_window_present (shortcuts);
  ks_test_iterate (200);
  g_free (ks_test_screenshot (GTK_WIDGET (shortcuts), "shortcuts"));
  gtk_window_destroy (shortcuts);

  about = adw_about_window_new ();
  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), "Khyber Pass Station");
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  gtk_window_present (GTK_WINDOW (about));
  ks_test_iterate (200);
  gtk_window_destroy (GTK_WINDOW (about));
}

static void
test_training_banner (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("training", dir, &error);
  KsWindow *window;
  GtkWidget *banner = NULL;

  g_assert_no_error (error);
  window = new_window (station);
  for (guint i = 0; (banner = ks_test_find_by_type (GTK_WIDGET (window), GTK_TYPE_LABEL, i)); i++)
    if (gtk_widget_has_css_class (banner, "training-banner"))
      break;
  g_assert_nonnull (banner);
  g_assert_true (gtk_widget_get_mapped (banner));
  g_free (ks_test_screenshot (GTK_WIDGET (window), "setup-training"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_startup_errors (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) first = ks_station_open ("production", dir, &error);
  g_autoptr(KsStation) second = NULL;
  KsErrorWindow *window;

  g_assert_no_error (error);

  /* A second station on the same profile gets a window that says why, and nothing else. */
  second = ks_station_open ("production", dir, &error);
  g_assert_null (second);
  g_assert_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_IN_USE);

  window = ks_error_window_new (NULL, error);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 500);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (100);
  g_free (ks_test_screenshot (GTK_WIDGET (window), "error-profile-in-use"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A damaged database: refused with a message, and the file is left as it was. */
  {
    g_autofree char *bad_dir = ks_test_tmpdir ();
    g_autofree char *profile_dir = g_build_filename (bad_dir, "production", NULL);
    g_autofree char *db = g_build_filename (profile_dir, "station.db", NULL);
    g_autoptr(KsStation) bad = NULL;
    g_autoptr(GError) bad_error = NULL;
    g_autofree char *after = NULL;

    g_mkdir_with_parents (profile_dir, 0700);
    g_assert_true (g_file_set_contents (db, "not a database", -1, NULL));
    bad = ks_station_open ("production", bad_dir, &bad_error);
    g_assert_null (bad);
    g_assert_error (bad_error, KS_STORE_ERROR, KS_STORE_ERROR_CORRUPT);
    g_assert_true (g_file_get_contents (db, &after, NULL, NULL));
    g_assert_cmpstr (after, ==, "not a database");

    window = ks_error_window_new (NULL, bad_error);
    gtk_window_set_default_size (GTK_WINDOW (window), 800, 500);
    gtk_window_present (GTK_WINDOW (window));
    ks_test_iterate (100);
    g_free (ks_test_screenshot (GTK_WIDGET (window), "error-damaged-database"));
    gtk_window_destroy (GTK_WINDOW (window));
  }
}

int
main (int argc, char *argv[])
{
  ks_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/shell/first-run-to-main", test_first_run_to_main);
  g_test_add_func ("/ui/shell/shortcuts-and-about", test_shortcuts_and_about);
  g_test_add_func ("/ui/shell/training-banner", test_training_banner);
  g_test_add_func ("/ui/shell/startup-errors", test_startup_errors);
  return g_test_run ();
}
