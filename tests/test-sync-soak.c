/* test-sync-soak.c: station and registry killed mid-sync, through a faulty link, then agree
 *
 * A child station process works as a station does: its operator enrolls citizens (typed as
 * the wizard leaves them, submitted), its supervisor approves five and rejects one, it tells
 * the test which IDs were decided, and it syncs, over and over. Between it and the real
 * registry sits a TCP proxy of the test's own (ks-test-proxy.c) that resets connections after
 * so many bytes of a request or an answer, cuts answers short, or slows them. The test kills
 * the station with SIGKILL at a random point of a transfer (counted in bytes through the
 * proxy, so the kill lands mid-sync, not between syncs), and in one round of four kills the
 * registry first and restarts it on another port behind the same proxy address.
 *
 * After each round the station's store must open, pass integrity_check, its audit chain must
 * verify and every decided record it reported must be there once. At the end one clean sync
 * through the proxy must complete, and both sides must agree: every decided record is on the
 * registry exactly once, with the content hash the station computed (recomputed here from the
 * record itself), the station shows each acknowledged, and nothing reached the registry that
 * the station did not decide.
 *
 * 20 kills by default (20-40 s); KS_SOAK_SYNC_KILLS=80 for a longer soak (about 3 minutes, the
 * store grows each round; add meson test's --timeout-multiplier beyond). test-sync-faults' kill
 * soak reads the same variable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-sync-soak"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "ks-audit.h"
#include "ks-sync-protocol.h"
#include "ks-sync-testing.h"
#include "ks-test-proxy.h"
#include "ks-test-sync.h"
#include "ks-test-util.h"

#define CITIZENS_PER_ROUND 1000  /* child n enrolls citizens from (n + 1) * this on */
#define APPROVED_PER_LOOP  5
#define REJECTED_PER_LOOP  1

/* The child: enrolls, decides, reports, syncs, until it is killed. One line per decided
 * record on stdout ("KP-ID A" or "KP-ID R"), written once the decision is committed. */
static int
station_child (const char *dir,
               const char *url,
               guint       first)
{
  g_autoptr(KsTestRegistry) via = g_new0 (KsTestRegistry, 1);
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(KsTestStaff) staff = NULL;

  via->url = g_strdup (url);
  st = ks_test_station_new (dir, via);
  ks_sync_engine_set_timeout (st->engine, 3000);
  staff = ks_test_staff_get (st->store);
  for (guint i = first;; i += APPROVED_PER_LOOP + REJECTED_PER_LOOP)
    {
      g_autoptr(GPtrArray) approve = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) reject = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GString) lines = g_string_new (NULL);

      for (guint j = 0; j < APPROVED_PER_LOOP + REJECTED_PER_LOOP; j++)
        g_ptr_array_add (j < APPROVED_PER_LOOP ? approve : reject,
                         ks_test_enroll (st->store, staff->operator, st->reference, NULL, NULL,
                                         st->code, i + j));
      ks_test_decide (st->store, staff->supervisor, approve, KS_RECORD_STATE_APPROVED);
      ks_test_decide (st->store, staff->supervisor, reject, KS_RECORD_STATE_REJECTED);
      for (guint j = 0; j < approve->len; j++)
        g_string_append_printf (lines, "%s A\n", (char *)approve->pdata[j]);
      for (guint j = 0; j < reject->len; j++)
        g_string_append_printf (lines, "%s R\n", (char *)reject->pdata[j]);
      /* One write, well under PIPE_BUF: the test gets the lines whole or not at all. */
      if (write (STDOUT_FILENO, lines->str, lines->len) != (gssize)lines->len)
        return 6;
      /* Faults make most runs fail; the next loop's run resumes. */
      ks_test_station_sync (st, NULL);
    }
}

static char *
integrity (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return result;
}

/* Rows of @sql (one text parameter, @arg, when not %NULL), each a NULL-terminated GStrv of
 * its columns. */
static GPtrArray *
query (const char *path,
       const char *sql,
       const char *arg)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);
      char **row = g_new0 (char *, n + 1);

      for (int c = 0; c < n; c++)
        row[c] = g_strdup ((const char *)sqlite3_column_text (stmt, c));
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return rows;
}

static char *
read_all (GInputStream *in)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buf[4096];
  gssize n;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (text, buf, n);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *const fault_names[] = {
  "pass", "drop-request", "drop-answer", "truncate-answer", "delay",
};

static void
test_sync_soak (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestProxy) proxy = ks_test_proxy_new (reg->port);
  g_autoptr(KsTestRegistry) via = g_new0 (KsTestRegistry, 1);
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *station_db = NULL;
  const char *env = g_getenv ("KS_SOAK_SYNC_KILLS");
  guint kills = env ? (guint)g_ascii_strtoull (env, NULL, 10) : 20;
  guint registry_kills = 0, mid_transfer = 0, in_flight = 0,
        faults_asked[G_N_ELEMENTS (fault_names)] = { 0 };
  gint64 started = g_get_monotonic_time ();

  /* The station is provisioned through the proxy: it only ever knows the proxy's address. */
  via->url = ks_test_proxy_dup_url (proxy);
  st = ks_test_station_new (NULL, via);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  dir = g_strdup (st->dir);
  station_db = g_build_filename (dir, "station.db", NULL);
  g_clear_pointer (&st, ks_test_station_free);

  g_test_message ("%u kills (KS_SOAK_SYNC_KILLS)", kills);
  for (guint round = 0; round < kills; round++)
    {
      g_autoptr(GSubprocess) child = NULL;
      g_autoptr(KsStore) store = NULL;
      g_autofree char *first = g_strdup_printf ("%u", (round + 1) * CITIZENS_PER_ROUND);
      g_autofree char *output = NULL;
      g_autofree char *check = NULL;
      g_auto(GStrv) lines = NULL;
      gboolean kill_registry = round % 4 == 3;
      KsTestProxyFault fault = g_rand_int_range (rand, 0, G_N_ELEMENTS (fault_names));
      KsTestProxyDirection direction = g_rand_boolean (rand) ? KS_TEST_PROXY_REQUEST
                                       : KS_TEST_PROXY_ANSWER;
      guint64 target;

      /* Byte counts from a TLS handshake's first bytes to well into a batch; on up to 8
       * connections, so that some runs give up (4 tries) with a batch marked sent that the
       * registry may or may not have. */
      faults_asked[fault]++;
      ks_test_proxy_set_fault (proxy, fault, g_rand_int_range (rand, 1, 12000),
                               g_rand_int_range (rand, 5, 60), g_rand_int_range (rand, 1, 9));
      target = ks_test_proxy_get_bytes (proxy, direction)
               + g_rand_int_range (rand, 1, direction == KS_TEST_PROXY_REQUEST ? 40000 : 8000);

      child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, "--station-child",
                                dir, via->url, first, NULL);
      g_assert_no_error (error);
      if (ks_test_proxy_wait_bytes (proxy, direction, target, 4000))
        mid_transfer++;
      if (kill_registry)
        {
          g_autofree char *registry_check = NULL;

          ks_test_registry_kill (reg);
          registry_kills++;
          registry_check = integrity (reg->db);
          g_assert_cmpstr (registry_check, ==, "ok");
          ks_test_registry_restart (reg);
          ks_test_proxy_set_upstream (proxy, reg->port);
          /* The station retries into the registry's new life, and dies somewhere in it. */
          g_usleep (g_rand_int_range (rand, 20, 600) * 1000);
        }
      g_subprocess_send_signal (child, SIGKILL);
      output = read_all (g_subprocess_get_stdout_pipe (child));
      g_subprocess_wait (child, NULL, NULL);
      /* Anything else than our SIGKILL is a failure of the child itself. */
      g_assert_true (g_subprocess_get_if_signaled (child));
      g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

      lines = g_strsplit (output, "\n", -1);
      for (guint i = 0; lines[i] && *lines[i]; i++)
        {
          g_auto(GStrv) parts = g_strsplit (lines[i], " ", 2);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          g_assert_false (g_hash_table_contains (reported, parts[0]));
          g_hash_table_insert (reported, g_strdup (parts[0]), g_strdup (parts[1]));
        }

      /* The next start of the station. */
      check = integrity (station_db);
      g_assert_cmpstr (check, ==, "ok");
      store = ks_store_open (station_db, &error);
      g_assert_no_error (error);
      g_assert_true (ks_audit_verify (store, NULL, &error));
      g_assert_no_error (error);
      /* Killed with a batch sent and its answer not yet applied: the next start asks. */
      {
        g_autoptr(GPtrArray) sent = query (station_db, "SELECT count(*) FROM sync_outbox WHERE "
                                           "state IN ('sent', 'processing')", NULL);

        if (g_ascii_strtoll (((char **)sent->pdata[0])[0], NULL, 10) > 0)
          in_flight++;
      }
      {
        GHashTableIter iter;
        const char *kp_id;

        g_hash_table_iter_init (&iter, reported);
        while (g_hash_table_iter_next (&iter, (gpointer *)&kp_id, NULL))
          {
            g_autoptr(GPtrArray) rows = query (station_db, "SELECT state FROM records WHERE "
                                               "kp_id = ?", kp_id);

            g_assert_cmpuint (rows->len, ==, 1);
            g_assert_cmpstr (((char **)rows->pdata[0])[0], !=, "submitted");
          }
      }
    }
  g_test_message ("%u rounds: station killed in each (%u mid-transfer, %u with a batch in "
                  "flight), registry in %u; "
                  "proxy: %u connections, %u faults injected (asked: pass %u, drop-request %u, "
                  "drop-answer %u, truncate-answer %u, delay %u); registry holds %"
                  G_GINT64_FORMAT " of %u decided records before the last run",
                  kills, mid_transfer, in_flight, registry_kills,
                  ks_test_proxy_get_connections (proxy),
                  ks_test_proxy_get_faults (proxy), faults_asked[0], faults_asked[1],
                  faults_asked[2], faults_asked[3], faults_asked[4],
                  ks_test_registry_count (reg, NULL), g_hash_table_size (reported));

  /* The link is mended: one run through the proxy settles everything. */
  ks_test_proxy_set_fault (proxy, KS_TEST_PROXY_PASS, 0, 0, 0);
  st = ks_test_station_new (dir, via);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GPtrArray) records = query (station_db, "SELECT r.kp_id, r.state, o.state, "
                                          "o.content_hash FROM records r LEFT JOIN sync_outbox "
                                          "o ON o.record_id = r.id ORDER BY r.id", NULL);
    g_autoptr(GPtrArray) twice = query (reg->db, "SELECT cnic FROM submissions GROUP BY cnic "
                                        "HAVING count(*) > 1", NULL);
    gint64 decided = 0;
    KsSyncCounts counts;

    for (guint i = 0; i < records->len; i++)
      {
        char **row = records->pdata[i];
        const char *kp_id = row[0];
        g_autoptr(GPtrArray) there = query (reg->db, "SELECT status, content_hash, decision, "
                                            "reason, payload FROM submissions WHERE kp_id = ?",
                                            kp_id);
        g_autoptr(KsRecord) record = NULL;
        g_autofree char *payload = NULL;
        g_autofree char *hash = NULL;
        const char *said = g_hash_table_lookup (reported, kp_id);
        char **reg_row;

        /* Enrolled, then killed before the supervisor's decision: it stays here. */
        if (g_strcmp0 (row[1], "submitted") == 0)
          {
            g_assert_null (said);
            g_assert_cmpuint (there->len, ==, 0);
            continue;
          }
        decided++;
        g_assert_cmpstr (row[1], ==, "synced");
        g_assert_cmpstr (row[2], ==, "acknowledged");
        g_assert_cmpuint (there->len, ==, 1);
        reg_row = there->pdata[0];
        g_assert_cmpstr (reg_row[0], ==, "accepted");
        if (said != NULL)
          g_assert_cmpstr (reg_row[2], ==, g_str_equal (said, "A") ? "approved" : "rejected");
        /* What the registry holds is what the station's record is, byte for byte. */
        record = ks_records_load (st->store, kp_id, &error);
        g_assert_no_error (error);
        payload = ks_sync_payload_new (record);
        g_assert_cmpstr (reg_row[4], ==, payload);
        hash = ks_sync_content_hash (KS_SYNC_PROTOCOL_CURRENT, reg_row[2], reg_row[3], payload,
                                     NULL);
        g_assert_cmpstr (reg_row[1], ==, hash);
        g_assert_cmpstr (row[3], ==, hash);
      }
    /* Every decision the station reported reached the registry, and nothing else did. */
    g_assert_cmpint (decided, >=, g_hash_table_size (reported));
    g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, decided);
    g_assert_cmpuint (twice->len, ==, 0);
    g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
    g_assert_cmpint (counts.acknowledged, ==, decided);
    g_assert_cmpint (counts.pending + counts.in_flight + counts.failed, ==, 0);
    g_test_message ("both sides agree on %" G_GINT64_FORMAT " decided records (%u reported "
                    "by the killed stations); most sends of one record: %" G_GINT64_FORMAT
                    "; %.1f s", decided, g_hash_table_size (reported),
                    ks_test_station_max_attempts (st),
                    (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC);
    g_assert_cmpint (decided, >, 0);
  }
  g_clear_pointer (&st, ks_test_station_free);
  ks_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  if (argc == 5 && g_str_equal (argv[1], "--station-child"))
    {
      g_assert_cmpint (sodium_init (), >=, 0);
      return station_child (argv[2], argv[3], (guint)g_ascii_strtoull (argv[4], NULL, 10));
    }

  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  g_test_add_func ("/sync-soak/killed-mid-sync", test_sync_soak);
  return g_test_run ();
}
