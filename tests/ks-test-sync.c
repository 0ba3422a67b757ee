/* ks-test-sync.c: a loopback registry and a station for the sync tests
 *
 * The registry is the real khyber-registry program (KS_REGISTRY in the environment), started
 * as a subprocess on an ephemeral port with a fresh TLS PKI, so the tests can kill it, restart
 * it on the same database, and inject faults through its --test-faults endpoint.
 *
 * With KS_TEST_REGISTRY_STORAGE=postgresql the same tests run against the registry's
 * PostgreSQL storage: the test program starts its own PostgreSQL server (initdb and pg_ctl, in a
 * temporary folder, a unix socket there and no TCP), one database per registry, configured
 * through registry.conf as an operator configures one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-test-sync"

#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "ks-test-sync.h"
#include "ks-test-util.h"
#include "ks-sync-testing.h"

/* The folders this process made for registries, stations and its PKI: removed when it exits,
 * not when a station is freed, since tests open a station again on the same folder. */
static GPtrArray *made_dirs;
static pid_t made_dirs_owner;

static void
remove_made_dirs (void)
{
  if (made_dirs == NULL || getpid () != made_dirs_owner)
    return;
  for (guint i = 0; i < made_dirs->len; i++)
    ks_test_rm_rf (g_ptr_array_index (made_dirs, i));
}

static char *
make_dir (const char *tmpl)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  if (made_dirs == NULL)
    {
      made_dirs = g_ptr_array_new_with_free_func (g_free);
      made_dirs_owner = getpid ();
      atexit (remove_made_dirs);
    }
  g_ptr_array_add (made_dirs, g_strdup (dir));
  return dir;
}

const char *
ks_test_pki_dir (void)
{
  static char *dir = NULL;

  /* A child station process reuses its parent's PKI: the registry's certificate is from it. */
  if (dir == NULL && g_getenv ("KS_TEST_PKI_DIR") != NULL)
    dir = g_strdup (g_getenv ("KS_TEST_PKI_DIR"));
  if (dir == NULL)
    {
      g_autofree char *script = g_build_filename (g_getenv ("KS_SOURCE_ROOT"), "tests", "data",
                                                  "make-test-pki.sh", NULL);
      const char *argv[] = { "/bin/sh", script, NULL, NULL };
      g_autoptr(GError) error = NULL;
      int status = 0;

      dir = make_dir ("ks-pki-XXXXXX");
      argv[2] = dir;
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                    &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_setenv ("KS_TEST_PKI_DIR", dir, TRUE);
    }
  return dir;
}

/* PostgreSQL ****************************************************************************/

/* Debian's PostgreSQL 15; KS_PG_BINDIR names another installation. */
#define PG_BINDIR_DEFAULT "/usr/lib/postgresql/15/bin"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static char *pg_dir;            /* the server's folder: data/, its socket and its log */
static GSubprocess *pg_guardian;
static guint pg_databases;

gboolean
ks_test_registry_uses_postgresql (void)
{
  return g_strcmp0 (g_getenv ("KS_TEST_REGISTRY_STORAGE"), "postgresql") == 0;
}

static char *
pg_tool (const char *name)
{
  const char *bindir = g_getenv ("KS_PG_BINDIR");

  return g_build_filename (bindir ? bindir : PG_BINDIR_DEFAULT, name, NULL);
}

/* Before main: a PostgreSQL run on a machine without PostgreSQL's programs is skipped whole,
 * saying what to install (TAP's "1..0 # SKIP"), never passed. */
__attribute__((constructor)) static void
skip_without_postgresql (void)
{
  const char *const tools[] = { "initdb", "pg_ctl" };

  if (!ks_test_registry_uses_postgresql ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = pg_tool (tools[i]);

      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        {
          printf ("1..0 # SKIP %s is missing: install Debian's postgresql package (or set "
                  "KS_PG_BINDIR) to run the registry's tests on PostgreSQL\n", path);
          exit (0);
        }
    }
}

/* initdb refuses to run as root, and a server should not run as root anyway: as root (CI), the
 * PostgreSQL programs run as "nobody", in a folder nobody owns. */
static void
pg_drop_root (gpointer data)
{
  struct passwd *nobody;

  if (geteuid () != 0)
    return;
  nobody = data;
  if (setgroups (0, NULL) != 0 || setgid (nobody->pw_gid) != 0 || setuid (nobody->pw_uid) != 0)
    _exit (126);
}

static struct passwd *
pg_user (void)
{
  static struct passwd nobody;
  struct passwd *found;

  if (geteuid () != 0)
    return NULL;
  if (nobody.pw_name == NULL)
    {
      found = getpwnam ("nobody");
      g_assert_nonnull (found);
      nobody.pw_name = g_strdup (found->pw_name);
      nobody.pw_uid = found->pw_uid;
      nobody.pw_gid = found->pw_gid;
    }
  return &nobody;
}

static void
pg_run (const char *const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  g_subprocess_launcher_set_child_setup (launcher, pg_drop_root, pg_user (), NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed:\n%s", argv[0], output);
}

/* Stops the server when the test program ends, however it ends (an assertion's abort, a
 * SIGKILL, the runner's timeout included): its own session, waiting for the end of a pipe only
 * the test program holds. */
static void
pg_guardian_setup (gpointer data)
{
  setsid ();
  pg_drop_root (data);
}

static void
pg_start_guardian (const char *pg_ctl,
                   const char *data_dir)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
    | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  const char *argv[] = { "/bin/sh", "-c",
                         "cat >/dev/null; \"$0\" stop -D \"$1\" -m immediate -w; rm -rf \"$2\"",
                         pg_ctl, data_dir, pg_dir, NULL };
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, pg_guardian_setup, pg_user (), NULL);
  pg_guardian = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
}

static void
pg_server_start (void)
{
  g_autofree char *initdb = pg_tool ("initdb");
  g_autofree char *pg_ctl = pg_tool ("pg_ctl");
  g_autofree char *data_dir = NULL;
  g_autofree char *log = NULL;
  g_autofree char *options = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  pg_dir = g_dir_make_tmp ("ks-pg-XXXXXX", &error);
  g_assert_no_error (error);
  if (pg_user () != NULL)
    g_assert_cmpint (chown (pg_dir, pg_user ()->pw_uid, pg_user ()->pw_gid), ==, 0);
  data_dir = g_build_filename (pg_dir, "data", NULL);
  log = g_build_filename (pg_dir, "server.log", NULL);
  pg_start_guardian (pg_ctl, data_dir);

  /* -N: the cluster is thrown away with the test; the server itself keeps fsync on, as a
   * registry's must. */
  pg_run ((const char *const[]){ initdb, "-D", data_dir, "-U", "ks", "--auth=trust", "-E",
                                 "UTF8", "--locale=C", "-N", NULL });
  quoted = g_shell_quote (pg_dir);
  options = g_strdup_printf ("-k %s -c listen_addresses=", quoted);
  pg_run ((const char *const[]){ pg_ctl, "start", "-D", data_dir, "-l", log, "-w", "-t", "120",
                                 "-o", options, NULL });
  g_test_message ("PostgreSQL started in %s (%" G_GINT64_FORMAT " ms)", pg_dir,
                  (g_get_monotonic_time () - start) / 1000);
}

/* PostgreSQL restarted under a running registry, as in a failover or an upgrade. */
void
ks_test_registry_restart_storage (KsTestRegistry *reg)
{
  g_autofree char *pg_ctl = pg_tool ("pg_ctl");
  g_autofree char *data_dir = NULL;
  g_autofree char *log = NULL;

  g_assert_nonnull (reg->conninfo);
  data_dir = g_build_filename (pg_dir, "data", NULL);
  /* The log again: without it the new server would write to (and hold) pg_ctl's stdout. */
  log = g_build_filename (pg_dir, "server.log", NULL);
  pg_run ((const char *const[]){ pg_ctl, "restart", "-D", data_dir, "-l", log, "-m", "fast",
                                 "-w", "-t", "120", NULL });
}

static PGconn *
pg_connect (const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s user=ks dbname=%s", pg_dir, dbname);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test PostgreSQL: %s", PQerrorMessage (conn));
  return conn;
}

/* A fresh database for each registry the test starts. */
static char *
pg_new_database (void)
{
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;

  if (pg_dir == NULL)
    pg_server_start ();
  name = g_strdup_printf ("registry_%u", ++pg_databases);
  sql = g_strdup_printf ("CREATE DATABASE %s", name);
  conn = pg_connect ("postgres");
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  return g_strdup_printf ("host=%s user=ks dbname=%s", pg_dir, name);
}

/* Runs @sql on the registry's PostgreSQL database; the first row's first value in @format
 * (0 text, 1 bytes), or %NULL. */
static GBytes *
pg_query (KsTestRegistry *reg,
          const char     *sql,
          int             format)
{
  g_autoptr(PGconn) conn = PQconnectdb (reg->conninfo);
  g_autoptr(PGresult) result = NULL;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexecParams (conn, sql, 0, NULL, NULL, NULL, NULL, format);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  if (PQntuples (result) < 1 || PQgetisnull (result, 0, 0))
    return NULL;
  if (format == 0)
    return g_bytes_new (PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0) + 1);
  return g_bytes_new (PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0));
}

/* The registry's storage, as the tests see it ********************************************/

static GBytes *
sqlite_query (KsTestRegistry *reg,
              const char     *sql,
              gboolean        text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (reg->db, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
        break;
      if (text)
        value = g_bytes_new (sqlite3_column_text (stmt, 0), sqlite3_column_bytes (stmt, 0) + 1);
      else
        value = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      break;

    case SQLITE_DONE:
      break;

    default:
      g_error ("%s: %s", sql, sqlite3_errmsg (db));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

void
ks_test_registry_exec (KsTestRegistry *reg,
                       const char     *sql)
{
  g_autoptr(GBytes) ignored = NULL;

  if (reg->conninfo != NULL)
    ignored = pg_query (reg, sql, 0);
  else
    ignored = sqlite_query (reg, sql, TRUE);
}

char *
ks_test_registry_query (KsTestRegistry *reg,
                        const char     *sql)
{
  g_autoptr(GBytes) value = reg->conninfo ? pg_query (reg, sql, 0)
                                          : sqlite_query (reg, sql, TRUE);

  return value ? g_strdup (g_bytes_get_data (value, NULL)) : NULL;
}

GBytes *
ks_test_registry_query_bytes (KsTestRegistry *reg,
                              const char     *sql)
{
  return reg->conninfo ? pg_query (reg, sql, 1) : sqlite_query (reg, sql, FALSE);
}

/* The registry **************************************************************************/

/* A test that fails an assertion aborts: its registry must not outlive it (and keep the test
 * runner waiting on the pipe). */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
registry_spawn (KsTestRegistry *reg)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *cert = g_build_filename (ks_test_pki_dir (), "server.pem", NULL);
  g_autofree char *key = g_build_filename (ks_test_pki_dir (), "server.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  const char *exe = g_getenv ("KS_REGISTRY");
  const char *p;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *config = g_build_filename (reg->dir, "registry.conf", NULL);
  g_autofree char *key_file = g_strconcat (reg->db, ".keys", NULL);
  const char *fixed[] = { exe, "--port", "0", "--tls-cert", cert, "--tls-key", key,
                          "--provision-code", KS_TEST_CODE, "--provision-code", KS_TEST_CODE_2,
                          "--test-faults" };

  g_assert_nonnull (exe);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    g_ptr_array_add (argv, (gpointer)fixed[i]);
  /* PostgreSQL as an operator sets it up: in registry.conf. The key file beside where the
   * SQLite database would be, so tests find it in one place. */
  if (ks_test_registry_uses_postgresql ())
    {
      g_autoptr(GKeyFile) kf = g_key_file_new ();

      if (reg->conninfo == NULL)
        reg->conninfo = pg_new_database ();
      g_key_file_set_string (kf, "storage", "type", "postgresql");
      g_key_file_set_string (kf, "storage", "conninfo", reg->conninfo);
      g_key_file_set_string (kf, "storage", "key-file", key_file);
      g_assert_true (g_key_file_save_to_file (kf, config, &error));
      g_ptr_array_add (argv, (gpointer)"--config");
      g_ptr_array_add (argv, config);
    }
  else
    {
      g_ptr_array_add (argv, (gpointer)"--db");
      g_ptr_array_add (argv, reg->db);
    }
  for (guint i = 0; reg->extra_args && reg->extra_args[i]; i++)
    g_ptr_array_add (argv, reg->extra_args[i]);
  g_ptr_array_add (argv, NULL);
  reg->process = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata,
                                               &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (reg->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  p = strstr (line, "127.0.0.1:");
  g_assert_nonnull (p);
  reg->port = atoi (p + strlen ("127.0.0.1:"));
  g_assert_cmpint (reg->port, >, 0);
  g_free (reg->url);
  reg->url = g_strdup_printf ("https://127.0.0.1:%d/", reg->port);
}

KsTestRegistry *
ks_test_registry_start (void)
{
  KsTestRegistry *reg = g_new0 (KsTestRegistry, 1);

  reg->dir = make_dir ("ks-registry-XXXXXX");
  reg->db = g_build_filename (reg->dir, "registry.db", NULL);
  registry_spawn (reg);
  return reg;
}

gint64
ks_test_station_max_attempts (KsTestStation *st)
{
  g_autofree char *path = g_build_filename (st->dir, "station.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_prepare_v2 (db, "SELECT max (attempts) FROM sync_outbox", -1, &stmt, NULL);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

void
ks_test_registry_kill (KsTestRegistry *reg)
{
  if (reg->process == NULL)
    return;
  g_subprocess_send_signal (reg->process, SIGKILL);
  g_subprocess_wait (reg->process, NULL, NULL);
  g_clear_object (&reg->process);
}

/* Same database, new port: the station is told the new address, as after a move. */
void
ks_test_registry_restart (KsTestRegistry *reg)
{
  if (reg->process != NULL)
    {
      g_subprocess_wait (reg->process, NULL, NULL);
      g_clear_object (&reg->process);
    }
  registry_spawn (reg);
}

void
ks_test_registry_free (KsTestRegistry *reg)
{
  ks_test_registry_kill (reg);
  /* Its database holds every record's sealed biometrics (250 MB after a bench run): nothing
   * of it stays behind. A station's folder may be opened again after its KsTestStation is
   * freed (a restart), so it is its test's to remove. */
  if (reg->dir != NULL)
    ks_test_rm_rf (reg->dir);
  g_free (reg->dir);
  g_free (reg->db);
  g_free (reg->url);
  g_free (reg->conninfo);
  g_strfreev (reg->extra_args);
  g_free (reg);
}

static size_t
discard (char  *data,
         size_t size,
         size_t nmemb,
         void  *user_data)
{
  return size * nmemb;
}

void
ks_test_registry_fault (KsTestRegistry *reg,
                        const char     *mode,
                        guint           count,
                        guint           delay_ms)
{
  g_autofree char *url = g_strconcat (reg->url, "v1/test/faults", NULL);
  g_autofree char *body = g_strdup_printf ("{\"mode\":\"%s\",\"count\":%u,\"delay_ms\":%u}",
                                           mode, count, delay_ms);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  CURL *curl = curl_easy_init ();
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  long status = 0;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  g_assert_cmpint (status, ==, 200);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
}

/* Straight from the registry's database: what it holds, not what it says. */
gint64
ks_test_registry_count (KsTestRegistry *reg,
                        const char     *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM submissions%s%s",
                                          where ? " WHERE " : "", where ? where : "");
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  if (reg->conninfo != NULL)
    {
      g_autofree char *count = ks_test_registry_query (reg, sql);
      return g_ascii_strtoll (count, NULL, 10);
    }
  g_assert_cmpint (sqlite3_open_v2 (reg->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

char *
ks_test_registry_status (KsTestRegistry *reg,
                         const char     *kp_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *status = NULL;

  if (reg->conninfo != NULL)
    {
      g_autofree char *sql = NULL;

      /* IDs the station made: letters, digits and dashes only. */
      g_assert_true (kp_id[strspn (kp_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")] == '\0');
      sql = g_strdup_printf ("SELECT status FROM submissions WHERE kp_id = '%s'", kp_id);
      return ks_test_registry_query (reg, sql);
    }
  g_assert_cmpint (sqlite3_open_v2 (reg->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sqlite3_prepare_v2 (db, "SELECT status FROM submissions WHERE kp_id = ?", -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    status = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return status;
}

/* A station whose IDs read PEW-<code>-…: two stations of one test need two codes, as two
 * real stations have. */
KsTestStation *
ks_test_station_new_with_code (const char     *dir,
                               KsTestRegistry *reg,
                               const char     *code)
{
  KsTestStation *st = g_new0 (KsTestStation, 1);
  g_autofree char *db = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(GError) error = NULL;

  st->dir = dir ? g_strdup (dir) : make_dir ("ks-station-XXXXXX");
  st->code = g_strdup (code);
  db = g_build_filename (st->dir, "station.db", NULL);
  keys = g_build_filename (st->dir, "keys", NULL);
  st->store = ks_store_open (db, &error);
  g_assert_no_error (error);
  st->reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  st->keys = ks_station_keys_load_or_create (keys, code, &error);
  g_assert_no_error (error);
  st->engine = ks_sync_engine_new (st->store, st->keys);
  ks_sync_engine_set_registry (st->engine, reg ? reg->url : NULL, ca);
  /* Fast retries: the tests exercise the backoff path, not its real pace. */
  ks_sync_engine_set_backoff (st->engine, 20, 200, 4);
  ks_sync_engine_set_timeout (st->engine, 5000);
  ks_sync_engine_set_batch_size (st->engine, 20);
  return st;
}

KsTestStation *
ks_test_station_new (const char     *dir,
                     KsTestRegistry *reg)
{
  return ks_test_station_new_with_code (dir, reg, "A01");
}

void
ks_test_station_free (KsTestStation *st)
{
  g_assert_finalize_object (st->engine);
  g_clear_object (&st->keys);
  ks_reference_unref (st->reference);
  g_clear_object (&st->store);
  g_free (st->code);
  g_free (st->dir);
  g_free (st);
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

gboolean
ks_test_station_provision (KsTestStation *st,
                           const char    *code,
                           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ks_sync_engine_provision_async (st->engine, code, NULL, got_result, &result);
  return ks_sync_engine_provision_finish (st->engine, wait_result (&result), error);
}

gboolean
ks_test_station_sync (KsTestStation *st,
                      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ks_sync_engine_run_async (st->engine, NULL, got_result, &result);
  return ks_sync_engine_run_finish (st->engine, wait_result (&result), error);
}

/* The ID the station gave citizen @i (their CNIC is ks_test_bare_cnic (i)), or %NULL. */
char *
ks_test_station_kp_id (KsTestStation *st,
                       guint          i)
{
  g_autofree char *cnic = ks_test_bare_cnic (i);
  g_autoptr(KsRecordInfo) info = ks_records_find_by_cnic (st->store, cnic, NULL);

  return info ? g_strdup (info->kp_id) : NULL;
}

/* Citizens @first .. @first + @n - 1 enrolled by the station's operator, then approved or
 * rejected by its supervisor (or left awaiting review): what a working day leaves to sync. */
void
ks_test_station_add (KsTestStation *st,
                     guint          first,
                     guint          n,
                     KsRecordState  state)
{
  g_autoptr(GPtrArray) kp_ids = ks_test_enroll_many (st->store, st->reference, st->code, first,
                                                     n, state);

  g_assert_cmpuint (kp_ids->len, ==, n);
}

/* Both sides agree on every record: synced here means accepted there, failed here means
 * refused there, and the registry holds each reviewed record exactly once. */
void
ks_test_assert_agreement (KsTestStation  *st,
                          KsTestRegistry *reg,
                          gint64          expected_records)
{
  KsSyncCounts counts;
  gint64 checked = 0;

  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, expected_records);
  g_assert_cmpint (ks_test_registry_count (reg, "status = 'processing'"), ==, 0);
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.pending, ==, 0);
  g_assert_cmpint (counts.in_flight, ==, 0);

  for (guint i = 0; checked < counts.acknowledged + counts.failed && i < 100000; i++)
    {
      g_autofree char *kp_id = ks_test_station_kp_id (st, i);
      g_autoptr(KsRecordInfo) info = kp_id ? ks_records_get_info (st->store, kp_id, NULL) : NULL;
      g_autofree char *status = NULL;

      if (info == NULL || info->state == KS_RECORD_STATE_SUBMITTED)
        continue;
      checked++;
      status = ks_test_registry_status (reg, kp_id);
      if (info->state == KS_RECORD_STATE_SYNCED)
        g_assert_cmpstr (status, ==, "accepted");
      else
        {
          g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SYNC_FAILED);
          g_assert_true (g_strcmp0 (status, "duplicate") == 0
                         || g_strcmp0 (status, "rejected") == 0);
        }
    }
  g_assert_cmpint (checked, ==, counts.acknowledged + counts.failed);
}
