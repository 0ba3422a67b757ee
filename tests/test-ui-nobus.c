/* test-ui-nobus.c: a station started without a session bus keeps what set-up saved
 *
 * Started the way the README's `xvfb-run ./station run` is over SSH or in a kiosk session:
 * no D-Bus session bus, and GSETTINGS_BACKEND left to GIO (not forced to keyfile or dconf).
 * GSettings then cannot save anything (dconf has no bus to write through; without dconf GIO
 * keeps settings in memory). Set-up runs through the window as a supervisor does it; a second
 * process, a restart, must find the station code and district and sign in as that station.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-accounts.h"
#include "ks-station.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"

/* dconf says, from its own thread, that it could not save the window size (no bus): true, and
 * only a person's preference. Anything else is written, and fatal, as usual. */
static GLogWriterOutput
drop_dconf (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0 &&
        g_strcmp0 (fields[i].value, "dconf") == 0 && !(log_level & G_LOG_LEVEL_ERROR))
      return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
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
shows_text (GtkWidget  *root,
            const char *text)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *label = ks_test_find_by_type (root, GTK_TYPE_LABEL, i);

      if (label == NULL)
        return FALSE;
      if (gtk_widget_is_visible (label) &&
          strstr (gtk_label_get_label (GTK_LABEL (label)), text) != NULL)
        return TRUE;
    }
}

static void
type_into (GtkWidget  *root,
           guint       nth,
           const char *text)
{
  GtkWidget *row = ks_test_find_by_type (root, ADW_TYPE_ENTRY_ROW, nth);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
choose_district (GtkWidget  *root,
                 const char *name)
{
  GtkDropDown *districts = GTK_DROP_DOWN (ks_test_find_by_type (root, GTK_TYPE_DROP_DOWN, 0));
  GListModel *model = gtk_drop_down_get_model (districts);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), name))
        {
          gtk_drop_down_set_selected (districts, i);
          return;
        }
    }
  g_assert_not_reached ();
}

/* The restart: a new process, so nothing of the first run's memory is left. */
static void
test_restart_subprocess (void)
{
  const char *dir = g_getenv ("KS_TEST_NOBUS_DIR");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = NULL;
  g_autofree char *code = NULL;
  g_autofree char *district = NULL;
  KsWindow *window;

  g_assert_nonnull (dir);
  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  code = ks_station_config_dup_string (ks_station_get_config (station), "station-code");
  district = ks_station_config_dup_string (ks_station_get_config (station), "district");
  g_assert_cmpstr (code, ==, "A01");
  g_assert_cmpstr (district, ==, "PEW");
  g_assert_cmpstr (ks_station_keys_get_station_code (ks_station_get_keys (station, NULL)), ==,
                   "A01");

  /* The station is set up: it asks for a sign-in, naming itself. */
  window = new_window (station);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "sign-in") == 0, 10000);
  g_assert_true (shows_text (GTK_WIDGET (window), "Station A01."));
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

static void
test_setup_survives_restart (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;

  g_assert_null (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_assert_null (g_getenv ("GSETTINGS_BACKEND"));

  {
    g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
    KsWindow *window;
    GtkWidget *root;

    g_assert_no_error (error);
    window = new_window (station);
    root = GTK_WIDGET (window);
    g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");

    type_into (root, 0, "Amina Yousafzai");
    type_into (root, 1, "amina.sup");
    type_into (root, 2, "correct horse");
    type_into (root, 3, "correct horse");
    choose_district (root, "Peshawar");
    type_into (root, 4, "a01");
    gtk_widget_activate_action (ks_test_find_by_type (root, g_type_from_name ("KsSetupPage"), 0),
                                "setup.create", NULL);
    KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "main") == 0, 20000);
    g_free (ks_test_screenshot (root, "nobus-after-setup"));

    gtk_window_destroy (GTK_WINDOW (window));
    ks_test_iterate (100);
  }

  /* Started again (the first station closed, its profile lock released). */
  g_setenv ("KS_TEST_NOBUS_DIR", dir, TRUE);
  g_test_trap_subprocess ("/ui/nobus/setup-survives-restart/subprocess", 60 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  ks_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *runtime_dir = NULL;
  g_autofree char *config_dir = NULL;
  int status;

  /* No session bus anywhere: not in the environment, not at $XDG_RUNTIME_DIR/bus. The user's
   * own dconf database is kept out of reach too. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_unsetenv ("GSETTINGS_BACKEND");
  runtime_dir = g_dir_make_tmp ("ks-nobus-run-XXXXXX", NULL);
  config_dir = g_dir_make_tmp ("ks-nobus-config-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  g_log_set_writer_func (drop_dconf, NULL, NULL);
  ks_test_ui_init (&argc, &argv);

  g_test_add_func ("/ui/nobus/setup-survives-restart", test_setup_survives_restart);
  g_test_add_func ("/ui/nobus/setup-survives-restart/subprocess", test_restart_subprocess);

  status = g_test_run ();
  ks_test_rm_rf (runtime_dir);
  ks_test_rm_rf (config_dir);
  return status;
}
