/* test-ui-sync.c: the Sync section against the loopback registry
 *
 * Provisioning with a code, Sync Now, the counts and the progress, a refused record with its
 * reason and Retry, and the online indicator; a screenshot of the page with a refused record. A
 * sync started from the window keeps running when a language switch rebuilds the window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-language.h"
#include "ks-station.h"
#include "ks-sync-page.h"
#include "ks-test-sync.h"
#include "ks-l10n.h"
#include "ks-test-ui.h"
#include "ks-window.h"

static gboolean
label_shows (GtkWidget  *root,
             const char *text)
{
  for (guint i = 0;; i++)
    {
      GtkWidget *label = ks_test_find_by_type (root, GTK_TYPE_LABEL, i);
      if (label == NULL)
        return FALSE;
      if (gtk_widget_get_mapped (label) && strstr (gtk_label_get_label (GTK_LABEL (label)), text))
        return TRUE;
    }
}

static void
test_sync_page (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autofree char *dir = ks_test_tmpdir ();
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(KsStation) station = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *code_row, *button, *retry;
  KsSyncPage *sync_page;
  KsSyncEngine *engine;
  KsStationConfig *config;
  g_autoptr(KsSession) supervisor = NULL;
  KsSyncCounts counts;
  g_autoptr(KsTestStation) other = NULL;
  g_autoptr(KsReference) reference = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *refused_id = NULL;

  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  supervisor = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse", "PEW",
                                  "A01", &error);
  g_assert_no_error (error);
  config = ks_station_get_config (station);
  g_assert_true (ks_station_config_set_string (config, supervisor, "registry-url", reg->url, NULL));
  g_assert_true (ks_station_config_set_string (config, supervisor, "registry-ca-file", ca, NULL));
  g_assert_true (ks_station_config_set_uint (config, supervisor, "sync-batch-size", 7, NULL));
  g_assert_true (ks_station_config_set_uint (config, supervisor, "sync-interval-minutes", 0, NULL));

  /* Citizen 20 was enrolled and synced at another station first: the registry refuses this
   * station's record of them, naming the other ID. */
  other = ks_test_station_new_with_code (NULL, reg, "B02");
  g_assert_true (ks_test_station_provision (other, KS_TEST_CODE_2, &error));
  g_assert_no_error (error);
  ks_test_station_add (other, 20, 1, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (other, &error));
  g_assert_no_error (error);
  other_id = ks_test_station_kp_id (other, 20);
  reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  g_ptr_array_unref (ks_test_enroll_many (ks_station_get_store (station), reference, "A01", 0,
                                          21, KS_RECORD_STATE_APPROVED));
  {
    g_autofree char *cnic = ks_test_bare_cnic (20);
    g_autoptr(KsRecordInfo) info = ks_records_find_by_cnic (ks_station_get_store (station),
                                                            cnic, &error);

    g_assert_no_error (error);
    refused_id = g_strdup (info->kp_id);
  }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 900);
  sync_page = g_object_new (KS_TYPE_SYNC_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (sync_page));
  ks_sync_page_set_station (sync_page, station);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (100);
  /* The station loads its keys and the page reads the counts off the UI thread. */
  KS_TEST_WAIT_UNTIL (ks_sync_page_get_engine (sync_page) != NULL && label_shows (window, "21"),
                      10000);

  engine = ks_sync_page_get_engine (sync_page);
  g_assert_nonnull (engine);
  /* Settings reach the engine. */
  {
    guint batch = 0;
    g_autofree char *url = NULL;
    g_object_get (engine, "batch-size", &batch, "registry-url", &url, NULL);
    g_assert_cmpuint (batch, ==, 7);
    g_assert_cmpstr (url, ==, reg->url);
  }
  g_assert_false (ks_sync_page_get_online (sync_page));
  g_assert_true (label_shows (window, "21"));

  /* Provisioning: the code row goes away once the registry certified the station. */
  code_row = ks_test_find_by_type (window, ADW_TYPE_ENTRY_ROW, 0);
  g_assert_nonnull (code_row);
  gtk_editable_set_text (GTK_EDITABLE (code_row), KS_TEST_CODE);
  g_signal_emit_by_name (code_row, "apply");
  KS_TEST_WAIT_UNTIL (!gtk_widget_get_visible (code_row), 20000);
  g_assert_true (ks_sync_page_get_online (sync_page));

  gtk_widget_activate_action (GTK_WIDGET (sync_page), "sync.run", NULL);
  g_assert_true (ks_sync_engine_get_running (engine));
  KS_TEST_WAIT_UNTIL (!ks_sync_engine_get_running (engine), 30000);
  ks_test_iterate (100);
  KS_TEST_WAIT_UNTIL (label_shows (window, refused_id), 10000);

  g_assert_true (ks_sync_engine_get_counts (engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 20);
  g_assert_cmpint (counts.failed, ==, 1);
  g_assert_true (label_shows (window, refused_id));
  g_assert_true (label_shows (window, other_id));
  g_assert_true (label_shows (window, "same CNIC"));
  {
    /* The last success reads day first with the time, DD-MM-YYYY HH:MM, no month names. */
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = ks_format_day (now);
    g_autofree char *text = ks_test_collect_text (window);
    g_autoptr(GRegex) day_time = g_regex_new ("[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}", 0, 0,
                                              NULL);
    g_autoptr(GDateTime) month = g_date_time_new_local (2026, g_date_time_get_month (now), 1, 0, 0,
                                                        0);
    g_autofree char *month_name = g_date_time_format (month, "%B");

    g_assert_nonnull (strstr (text, today));
    g_assert_true (g_regex_match (day_time, text, 0, NULL));
    g_assert_null (strstr (text, month_name));
  }
  g_free (ks_test_screenshot (window, "sync-refused-record"));

  /* Retry puts the refused record back in the queue. */
  retry = NULL;
  for (guint i = 0; retry == NULL && (button = ks_test_find_by_type (window, GTK_TYPE_BUTTON, i));
       i++)
    if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "Retr_y") == 0)
      retry = button;
  g_assert_nonnull (retry);
  g_signal_emit_by_name (retry, "clicked");
  ks_test_iterate (50);
  /* The record goes back to the queue in a worker thread; the list empties when it did. */
  KS_TEST_WAIT_UNTIL (!label_shows (window, refused_id), 10000);
  g_assert_true (ks_sync_engine_get_counts (engine, &counts, NULL));
  g_assert_cmpint (counts.failed, ==, 0);
  g_assert_cmpint (counts.pending, ==, 1);

  /* The registry is gone: the page says it cannot reach it, and shows offline. */
  ks_test_registry_kill (reg);
  gtk_widget_activate_action (GTK_WIDGET (sync_page), "sync.run", NULL);
  KS_TEST_WAIT_UNTIL (!ks_sync_engine_get_running (engine), 60000);
  ks_test_iterate (100);
  KS_TEST_WAIT_UNTIL (label_shows (window, "cannot reach the registry"), 10000);
  g_assert_false (ks_sync_page_get_online (sync_page));
  g_assert_true (label_shows (window, "cannot reach the registry"));
  g_free (ks_test_screenshot (window, "sync-offline"));

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

/* The station owns the sync engine: the operator presses Sync Now, then switches the language
 * (which rebuilds the window); the run goes on to the end in the new window. */
static void
test_sync_survives_language_switch (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autofree char *dir = ks_test_tmpdir ();
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsSession) supervisor = NULL;
  g_autoptr(KsReference) reference = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsStationConfig *config;
  KsSyncEngine *engine;
  KsWindow *window;
  GtkWidget *sync_page;
  KsSyncCounts counts;

  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  supervisor = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse", "PEW",
                                  "A01", &error);
  g_assert_no_error (error);
  config = ks_station_get_config (station);
  g_assert_true (ks_station_config_set_string (config, supervisor, "registry-url", reg->url, NULL));
  g_assert_true (ks_station_config_set_string (config, supervisor, "registry-ca-file", ca, NULL));
  g_assert_true (ks_station_config_set_uint (config, supervisor, "sync-batch-size", 5, NULL));
  g_assert_true (ks_station_config_set_uint (config, supervisor, "sync-interval-minutes", 0, NULL));
  reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  g_ptr_array_unref (ks_test_enroll_many (ks_station_get_store (station), reference, "A01", 0,
                                          30, KS_RECORD_STATE_APPROVED));

  window = ks_window_new (NULL, station);
  gtk_window_present (GTK_WINDOW (window));
  ks_window_session_started (window, supervisor);
  KS_TEST_WAIT_UNTIL (ks_station_get_sync_engine (station) != NULL, 10000);
  engine = ks_station_get_sync_engine (station);
  ks_sync_engine_provision_async (engine, KS_TEST_CODE, NULL, got_result, &result);
  KS_TEST_WAIT_UNTIL (result != NULL, 20000);
  g_assert_true (ks_sync_engine_provision_finish (engine, result, &error));
  g_assert_no_error (error);
  KS_TEST_WAIT_UNTIL (ks_station_get_online (station), 10000);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "sync");
  ks_test_iterate (50);
  sync_page = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_SYNC_PAGE, 0);
  g_assert_nonnull (sync_page);
  /* The registry answers the first batches slowly: the run is still sending when the old
   * window closes. */
  ks_test_registry_fault (reg, "slow", 3, 400);
  gtk_widget_activate_action (sync_page, "sync.run", NULL);
  g_assert_true (ks_sync_engine_get_running (engine));

  ks_language_apply ("ur");
  window = ks_window_recreate (window);
  g_assert_true (ks_station_get_sync_engine (station) == engine);
  g_assert_true (ks_sync_engine_get_running (engine));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "sync");
  ks_test_iterate (50);
  sync_page = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_SYNC_PAGE, 0);
  g_assert_true (ks_sync_page_get_engine (KS_SYNC_PAGE (sync_page)) == engine);

  KS_TEST_WAIT_UNTIL (!ks_sync_engine_get_running (engine), 60000);
  g_assert_null (ks_sync_engine_get_last_error (engine));
  g_assert_true (ks_sync_engine_get_counts (engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 30);
  g_assert_true (ks_station_get_online (station));

  gtk_window_destroy (GTK_WINDOW (window));
  ks_language_apply ("en");
  ks_test_iterate (50);
}

int
main (int argc, char *argv[])
{
  ks_test_ui_init (&argc, &argv);
  g_test_add_func ("/ui/sync/page", test_sync_page);
  g_test_add_func ("/ui/sync/language-switch", test_sync_survives_language_switch);
  return g_test_run ();
}
