/* test-sync-faults.c: sync under faults, all on loopback
 *
 * Each case breaks something between the station and the registry, checks what the operator
 * is told, clears the fault, syncs again, and then checks what matters: the registry holds
 * every reviewed record exactly once, and station and registry agree on each record's state.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ks-test-sync.h"
#include "ks-sync-testing.h"

#define N_RECORDS 45    /* three batches of 20 */

typedef struct
{
  const char *name;
  const char *mode;
  guint count;          /* how many registry answers the fault spoils */
  guint delay_ms;
  guint timeout_ms;
  KsSyncError error;    /* 0: retries get through within the run */
  const char *says;     /* in the error message */
  KsSyncConnectivity connectivity;
} FaultCase;

static const FaultCase cases[] = {
  { "http-500-transient", "http-500", 2, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "http-503-persistent", "http-503", 50, 0, 5000, KS_SYNC_ERROR_REGISTRY_ERROR,
    "answered with an error (HTTP 503, busy)", KS_SYNC_CONNECTIVITY_ONLINE },
  { "http-500-persistent", "http-500", 50, 0, 5000, KS_SYNC_ERROR_REGISTRY_ERROR,
    "HTTP 500", KS_SYNC_CONNECTIVITY_ONLINE },
  { "http-429-retry-after", "http-429", 1, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "reset-transient", "reset", 2, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "reset-persistent", "reset", 50, 0, 5000, KS_SYNC_ERROR_CONNECTION_LOST,
    "was cut before it answered", KS_SYNC_CONNECTIVITY_ONLINE },
  { "slow-transient", "slow", 1, 2500, 1000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "slow-persistent", "slow", 50, 2500, 1000, KS_SYNC_ERROR_TIMEOUT,
    "did not answer within 1 seconds", KS_SYNC_CONNECTIVITY_ONLINE },
  { "truncated-json", "truncate", 1, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "malformed-json-transient", "malformed", 2, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
  { "malformed-json-persistent", "malformed", 50, 0, 5000, KS_SYNC_ERROR_BAD_ANSWER,
    "cut short or damaged", KS_SYNC_CONNECTIVITY_ONLINE },
  { "processing-later", "defer", 50, 0, 5000, 0, NULL, KS_SYNC_CONNECTIVITY_ONLINE },
};

static KsTestStation *
provisioned_station (KsTestRegistry *reg,
                     const char     *dir)
{
  KsTestStation *st = ks_test_station_new (dir, reg);
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  ks_test_station_add (st, 0, N_RECORDS - 5, KS_RECORD_STATE_APPROVED);
  ks_test_station_add (st, N_RECORDS - 5, 5, KS_RECORD_STATE_REJECTED);
  return st;
}

static void
test_fault (gconstpointer data)
{
  const FaultCase *fc = data;
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = provisioned_station (reg, NULL);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ks_sync_engine_set_timeout (st->engine, fc->timeout_ms);
  ks_test_registry_fault (reg, fc->mode, fc->count, fc->delay_ms);

  ok = ks_test_station_sync (st, &error);
  if (fc->error == 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, KS_SYNC_ERROR, (int)fc->error);
      g_assert_nonnull (strstr (error->message, fc->says));
      /* The registry answered (or was connected): never "cannot reach", never "internet". */
      g_assert_null (strstr (error->message, "cannot reach"));
      g_assert_null (strstr (error->message, "internet"));
      g_assert_cmpstr (ks_sync_engine_get_last_error (st->engine), ==, error->message);
      g_clear_error (&error);

      ks_test_registry_fault (reg, "none", 0, 0);
      g_assert_true (ks_test_station_sync (st, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (ks_sync_engine_get_connectivity (st->engine), ==, fc->connectivity);
  ks_test_assert_agreement (st, reg, N_RECORDS);
  g_assert_cmpint (ks_test_registry_count (reg, "decision = 'rejected'"), ==, 5);
}

/* The registry's PostgreSQL restarts between two syncs, as in a failover: the registry opens
 * its connection again by itself, and the station's next run goes through, every record once. */
static void
test_storage_restart (void)
{
  g_autoptr(KsTestRegistry) reg = NULL;
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GError) error = NULL;

  if (!ks_test_registry_uses_postgresql ())
    {
      g_test_skip ("PostgreSQL only (sync-faults-pg): SQLite is a file inside the registry");
      return;
    }
  reg = ks_test_registry_start ();
  st = provisioned_station (reg, NULL);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);

  ks_test_registry_restart_storage (reg);
  ks_test_station_add (st, N_RECORDS, 10, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, N_RECORDS + 10);
}

/* The registry process dies with half a batch stored. The station says it cannot reach the
 * registry; once the registry is back (on another port), one run settles everything. */
static void
test_registry_killed_mid_batch (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = provisioned_station (reg, NULL);
  g_autoptr(GError) error = NULL;
  gint64 stored;

  ks_test_registry_fault (reg, "exit-mid-batch", 1, 0);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_true (g_error_matches (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CANNOT_REACH)
                 || g_error_matches (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CONNECTION_LOST));
  g_assert_cmpint (ks_sync_engine_get_connectivity (st->engine), ==,
                   KS_SYNC_CONNECTIVITY_OFFLINE);
  g_clear_error (&error);
  stored = ks_test_registry_count (reg, NULL);
  g_assert_cmpint (stored, ==, 10);

  ks_test_registry_restart (reg);
  ks_sync_engine_set_registry (st->engine, reg->url,
                               g_build_filename (ks_test_pki_dir (), "ca.pem", NULL));
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, N_RECORDS);
}

typedef struct
{
  KsTestRegistry *reg;
  gint64 kill_at;
  gboolean killed;
} KillWhen;

static gboolean
kill_when_stored (gpointer data)
{
  KillWhen *k = data;

  if (ks_test_registry_count (k->reg, NULL) < k->kill_at)
    return G_SOURCE_CONTINUE;
  ks_test_registry_kill (k->reg);
  k->killed = TRUE;
  return G_SOURCE_REMOVE;
}

/* Several batches in flight on the station's lanes, each answer held back a second after the
 * registry stored it, when the registry process dies (SIGKILL): the station says it lost the
 * registry; once it is back, one run settles everything. Every record is in the registry
 * exactly once, and what the registry had stored is asked about, not sent again. */
static void
test_registry_killed_lanes_in_flight (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = provisioned_station (reg, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  KillWhen k = { reg, 3 * 20, FALSE };
  KsSyncCounts counts;
  gint64 stored;

  /* 200 records: ten batches of 20 over four lanes. */
  ks_test_station_add (st, N_RECORDS, 200 - N_RECORDS, KS_RECORD_STATE_APPROVED);
  ks_sync_engine_set_lanes (st->engine, 4);
  ks_test_registry_fault (reg, "slow", 1000, 1000);
  g_timeout_add (10, kill_when_stored, &k);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_true (k.killed);
  g_assert_true (g_error_matches (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CANNOT_REACH)
                 || g_error_matches (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CONNECTION_LOST));
  g_clear_error (&error);

  stored = ks_test_registry_count (reg, NULL);
  g_assert_cmpint (stored, >=, 3 * 20);
  g_assert_cmpint (stored, <, 200);
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  /* More than one batch was on its way, and batches the registry had stored lost their
   * answers with it. */
  g_assert_cmpint (counts.in_flight, >, 20);
  g_assert_cmpint (counts.acknowledged, <=, stored - 2 * 20);
  g_assert_cmpint (counts.acknowledged + counts.in_flight + counts.pending, ==, 200);

  ks_test_registry_restart (reg);
  ks_sync_engine_set_registry (st->engine, reg->url, ca);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 200);
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 200);
  g_assert_cmpint (ks_test_station_max_attempts (st), <=, 2);
}

/* The station is SIGKILLed while waiting for a batch's answer (the registry stored the batch).
 * Restarted, it asks the registry about that batch instead of sending it again. */
static void
test_station_killed (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  KsSyncCounts counts;

  st = provisioned_station (reg, NULL);
  dir = g_strdup (st->dir);
  g_clear_pointer (&st, ks_test_station_free);

  /* Every answer takes 30 s: the child is surely mid-sync when it dies. */
  ks_test_registry_fault (reg, "slow", 1000, 30000);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, exe, "--station-child", dir,
                            reg->url, NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 500 && ks_test_registry_count (reg, NULL) == 0; i++)
    g_usleep (20000);
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 20);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));

  ks_test_registry_fault (reg, "none", 0, 0);
  st = ks_test_station_new (dir, reg);
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.in_flight, ==, 20);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, N_RECORDS);
  /* Settled by asking: no record went out twice. */
  g_assert_cmpint (ks_test_station_max_attempts (st), ==, 1);
}

static char *
station_integrity (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

/* Station and registry killed with SIGKILL at random moments of many syncs (the registry in one
 * round of four, and restarted on another port), answers slowed so kills land mid-batch. After
 * each kill the station's store is intact; at the end one clean run settles everything and
 * both sides agree, every record once. KS_SOAK_SYNC_KILLS sets the rounds (default 20). */
static void
test_kill_soak (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = provisioned_station (reg, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_strdup (st->dir);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(GRand) rand = g_rand_new ();
  const char *env = g_getenv ("KS_SOAK_SYNC_KILLS");
  guint rounds = env ? (guint)g_ascii_strtoull (env, NULL, 10) : 20;
  guint registry_kills = 0;
  guint extra = 200;

  ks_test_station_add (st, N_RECORDS, extra, KS_RECORD_STATE_APPROVED);
  g_clear_pointer (&st, ks_test_station_free);
  ks_test_registry_fault (reg, "slow", 100000, 80);

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autofree char *check = NULL;
      gboolean kill_registry = round % 4 == 3;

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, exe, "--station-child", dir,
                                reg->url, NULL);
      g_assert_no_error (error);
      g_usleep (g_rand_int_range (rand, 50, 700) * 1000);
      if (kill_registry)
        {
          ks_test_registry_kill (reg);
          registry_kills++;
        }
      g_subprocess_send_signal (child, SIGKILL);
      g_subprocess_wait (child, NULL, NULL);

      check = station_integrity (dir);
      g_assert_cmpstr (check, ==, "ok");
      if (kill_registry)
        {
          ks_test_registry_restart (reg);
          ks_test_registry_fault (reg, "slow", 100000, 80);
        }
    }
  g_test_message ("%u rounds, station killed in each, registry in %u; registry holds %"
                  G_GINT64_FORMAT " of %u records before the last run", rounds, registry_kills,
                  ks_test_registry_count (reg, NULL), N_RECORDS + extra);

  ks_test_registry_fault (reg, "none", 0, 0);
  st = ks_test_station_new (dir, reg);
  ks_sync_engine_set_registry (st->engine, reg->url, ca);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, N_RECORDS + extra);
}

static int
station_child (const char *dir,
               const char *url)
{
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(KsTestRegistry) reg = g_new0 (KsTestRegistry, 1);

  reg->url = g_strdup (url);
  st = ks_test_station_new (dir, reg);
  ks_sync_engine_set_timeout (st->engine, 60000);
  ks_test_station_sync (st, NULL);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  if (argc == 4 && g_str_equal (argv[1], "--station-child"))
    return station_child (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/sync-faults/", cases[i].name, NULL);
      g_test_add_data_func (path, &cases[i], test_fault);
    }
  g_test_add_func ("/sync-faults/registry-killed-mid-batch", test_registry_killed_mid_batch);
  g_test_add_func ("/sync-faults/storage-restart", test_storage_restart);
  g_test_add_func ("/sync-faults/registry-killed-lanes-in-flight",
                   test_registry_killed_lanes_in_flight);
  g_test_add_func ("/sync-faults/station-killed", test_station_killed);
  g_test_add_func ("/sync-faults/kill-soak", test_kill_soak);
  return g_test_run ();
}
