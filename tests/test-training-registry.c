/* test-training-registry.c: the training profile's own registry on loopback
 *
 * The real khyber-registry (KS_REGISTRY) is started by the station: the tests check what a
 * trainer would notice: the station is set up and provisioned by itself, approved records
 * reach the registry, nothing keeps running after the station stops, production never starts
 * one, and the certificate the station trusts stays the same from one start to the next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ks-station.h"
#include "ks-store.h"
#include "ks-sync.h"
#include "ks-test-enroll.h"
#include "ks-test-util.h"
#include "ks-training.h"
#include "ks-training-registry.h"
#include "ks-training-registry-testing.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *supervisor;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ks-treg-XXXXXX", NULL);
  f->station = ks_station_open (data, f->dir, &error);
  g_assert_no_error (error);
  f->supervisor = ks_station_set_up (f->station, "sana.sup", "Sana Gul", "supervisor-pw", "PEW",
                                     "A01", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->supervisor);
  g_assert_finalize_object (f->station);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
}

static gboolean
pid_alive (GPid pid)
{
  return kill (pid, 0) == 0 || errno != ESRCH;
}

/* An engine as the Sync section makes one: from the station's settings, not the registry's. */
static KsSyncEngine *
station_engine (KsStation *station)
{
  KsStationConfig *config = ks_station_get_config (station);
  g_autofree char *url = ks_station_config_dup_string (config, "registry-url");
  g_autofree char *ca = ks_station_config_dup_string (config, "registry-ca-file");
  KsSyncEngine *engine = ks_sync_engine_new (ks_station_get_store (station),
                                             ks_station_get_keys (station, NULL));

  ks_sync_engine_set_registry (engine, url, ca);
  return engine;
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gint64
registry_count (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "training", "registry", "registry.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM submissions", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_starts_provisions_and_syncs (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsTrainingRegistry) registry = NULL;
  g_autoptr(KsSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ca = NULL;
  KsStore *store = ks_station_get_store (f->station);
  KsSyncCounts counts;
  GPid pid;

  registry = ks_training_registry_start (f->station, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (registry);
  pid = ks_training_registry_get_pid (registry);
  g_assert_cmpint (pid, >, 0);
  g_assert_true (pid_alive (pid));

  /* The station's settings now point at it, and the training rule accepts them. */
  url = ks_station_config_dup_string (ks_station_get_config (f->station), "registry-url");
  ca = ks_station_config_dup_string (ks_station_get_config (f->station), "registry-ca-file");
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  g_assert_cmpstr (url, ==, ks_training_registry_get_url (registry));
  g_assert_cmpstr (ca, ==, ks_training_registry_get_ca_file (registry));
  g_assert_true (ks_station_check_registry_url (f->station, url, NULL, NULL));

  engine = station_engine (f->station);
  g_assert_true (ks_sync_engine_is_provisioned (engine));

  g_ptr_array_unref (ks_test_enroll_many (store, ks_station_get_reference (f->station), "A01", 1,
                                          3, KS_RECORD_STATE_APPROVED));

  ks_sync_engine_run_async (engine, NULL, got_result, &result);
  ks_sync_engine_run_finish (engine, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (ks_sync_engine_get_counts (engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 3);
  g_assert_cmpint (counts.pending + counts.in_flight + counts.failed, ==, 0);
  g_assert_cmpint (registry_count (f->dir), ==, 3);

  /* Stopped means gone: no registry left behind the station. */
  ks_training_registry_stop (registry);
  g_assert_cmpint (ks_training_registry_get_pid (registry), ==, 0);
  g_assert_false (pid_alive (pid));
}

static void
test_async_and_dispose (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(KsSyncEngine) engine = NULL;
  KsTrainingRegistry *registry;
  GPid pid;

  ks_training_registry_start_async (f->station, NULL, got_result, &result);
  registry = ks_training_registry_start_finish (f->station, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (registry);
  pid = ks_training_registry_get_pid (registry);
  g_assert_true (pid_alive (pid));
  engine = station_engine (f->station);
  g_assert_true (ks_sync_engine_is_provisioned (engine));

  /* The last reference going (the station closing) stops it too. */
  g_assert_finalize_object (registry);
  g_assert_false (pid_alive (pid));
}

/* Gone, or a zombie waiting for whoever inherited it: either way no longer serving. */
static gboolean
pid_gone_or_zombie (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int)pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X');
}

/* A station killed outright (SIGKILL, power button on a frozen session) takes its registry
 * with it: the kernel tells the registry (PR_SET_PDEATHSIG). */
static void
test_station_killed (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *pid_file = g_build_filename (f->dir, "registry.pid", NULL);
  g_autofree char *text = NULL;
  GPid pid;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      KsTrainingRegistry *registry = ks_training_registry_start (f->station, NULL, &error);
      g_autofree char *pid_text = NULL;

      g_assert_no_error (error);
      pid_text = g_strdup_printf ("%d", (int)ks_training_registry_get_pid (registry));
      g_assert_true (g_file_set_contents (g_getenv ("KS_TREG_PID_FILE"), pid_text, -1, NULL));
      raise (SIGKILL);
      return;
    }

  g_setenv ("KS_TREG_PID_FILE", pid_file, TRUE);
  g_test_trap_subprocess (NULL, 10 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_assert_true (g_file_get_contents (pid_file, &text, NULL, NULL));
  pid = (GPid)g_ascii_strtoll (text, NULL, 10);
  g_assert_cmpint (pid, >, 0);
  /* The registry ends within its SIGTERM handling; 10 s is only a bound for a loaded machine.
   * (A registry that survived would also hold the child's stderr open: the trap above would
   * then never return, and the test fail by its meson timeout.) */
  for (guint i = 0; i < 100 && !pid_gone_or_zombie (pid); i++)
    g_usleep (100 * 1000);
  if (!pid_gone_or_zombie (pid))
    {
      kill (pid, SIGKILL);
      g_assert_not_reached ();
    }
}

static void
test_certificate_reused (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsTrainingRegistry) first = NULL;
  g_autoptr(KsTrainingRegistry) second = NULL;
  g_autofree char *cert1 = NULL;
  g_autofree char *cert2 = NULL;
  g_autofree char *key_path = NULL;
  g_autoptr(KsSyncEngine) engine = NULL;
  struct stat st;

  first = ks_training_registry_start (f->station, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (ks_training_registry_get_ca_file (first), &cert1, NULL,
                                      NULL));
  g_assert_true (g_str_has_prefix (cert1, "-----BEGIN CERTIFICATE-----"));
  key_path = g_build_filename (f->dir, "training", "registry", "registry.key", NULL);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  ks_training_registry_stop (first);

  second = ks_training_registry_start (f->station, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (ks_training_registry_get_ca_file (second), &cert2, NULL,
                                      NULL));
  g_assert_cmpstr (cert1, ==, cert2);
  /* Still provisioned from the first start, and the registry still knows the station. */
  engine = station_engine (f->station);
  g_assert_true (ks_sync_engine_is_provisioned (engine));
  {
    g_autoptr(GAsyncResult) result = NULL;

    ks_sync_engine_run_async (engine, NULL, got_result, &result);
    ks_sync_engine_run_finish (engine, wait_result (&result), &error);
    g_assert_no_error (error);
  }
}

static void
test_refused_on_production (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *url = NULL;
  g_autofree char *registry_dir = g_build_filename (f->dir, "production", "registry", NULL);

  g_assert_null (ks_training_registry_start (f->station, NULL, &error));
  g_assert_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING);
  g_clear_error (&error);

  ks_training_registry_start_async (f->station, NULL, got_result, &result);
  g_assert_null (ks_training_registry_start_finish (f->station, wait_result (&result), &error));
  g_assert_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING);

  /* Nothing changed on the production station. */
  url = ks_station_config_dup_string (ks_station_get_config (f->station), "registry-url");
  g_assert_cmpstr (url, ==, "");
  g_assert_false (g_file_test (registry_dir, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/training-registry/starts-provisions-and-syncs", Fixture, "training",
              fixture_setup, test_starts_provisions_and_syncs, fixture_teardown);
  g_test_add ("/training-registry/async-and-dispose", Fixture, "training", fixture_setup,
              test_async_and_dispose, fixture_teardown);
  g_test_add ("/training-registry/station-killed", Fixture, "training", fixture_setup,
              test_station_killed, fixture_teardown);
  g_test_add ("/training-registry/certificate-reused", Fixture, "training", fixture_setup,
              test_certificate_reused, fixture_teardown);
  g_test_add ("/training-registry/refused-on-production", Fixture, "production", fixture_setup,
              test_refused_on_production, fixture_teardown);

  return g_test_run ();
}
