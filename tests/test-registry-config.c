/* test-registry-config.c: the registry's configuration file, as an operator writes it
 *
 * The real khyber-registry program (KS_REGISTRY) with registry.conf files good, bad, truncated,
 * oversized and hostile: a bad one stops it at once (status 2) with a message naming the key
 * and what to write; a good one starts it where the file says; the command line overrides the
 * file; the example the package installs is valid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-test"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ks-test-sync.h"
#include "ks-test-util.h"

typedef struct
{
  char *dir;
  char *conf;
  char *cert;
  char *key;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->dir = g_dir_make_tmp ("ks-registry-conf-XXXXXX", NULL);
  f->conf = g_build_filename (f->dir, "registry.conf", NULL);
  f->cert = g_build_filename (ks_test_pki_dir (), "server.pem", NULL);
  f->key = g_build_filename (ks_test_pki_dir (), "server.key", NULL);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->conf);
  g_free (f->cert);
  g_free (f->key);
}

/* Runs the registry to its end (a bad configuration stops it before it listens); returns its
 * exit status and what it wrote to stderr. */
static int
run_registry (const char *const *args,
              char             **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer)g_getenv ("KS_REGISTRY"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
write_conf (Fixture    *f,
            const char *text,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->conf, text, len, &error));
  g_assert_no_error (error);
}

typedef struct
{
  const char *name;
  const char *conf;     /* %s: the test certificate, %s: its key */
  const char *message;  /* part of what the registry says */
} BadCase;

/* Each case a file an operator could write by mistake, or an attacker on purpose. */
static const BadCase bad_cases[] = {
  { "misspelt group", "[sever]\nport=8443\n", "[sever] is not a group the registry knows" },
  { "misspelt key", "[server]\nprot=8443\n", "[server] prot is not a setting the registry knows" },
  { "port not a number", "[server]\nport=eighty\n", "[server] port must be a whole number from 0 "
    "to 65535" },
  { "port out of range", "[server]\nport=65536\n", "from 0 to 65535" },
  { "port overflowing", "[server]\nport=99999999999999999999999\n", "from 0 to 65535" },
  { "port negative", "[server]\nport=-1\n", "from 0 to 65535" },
  { "port with trailing junk", "[server]\nport=8443abc\n", "from 0 to 65535" },
  { "no connections", "[limits]\nmax-connections=0\n", "[limits] max-connections must be a whole "
    "number from 1" },
  { "empty value", "[limits]\nbody-timeout=\n", "[limits] body-timeout is empty" },
  { "body limits the wrong way round", "[server]\ntls-certificate=%s\ntls-key=%s\n[limits]\n"
    "max-body-mb=64\nmax-bodies-mb=8\n", "max-bodies-mb at least max-body-mb" },
  { "unknown storage", "[storage]\ntype=mysql\n", "[storage] type must be sqlite or postgresql" },
  { "relative path", "[storage]\npath=registry.db\n", "[storage] path must be an absolute path" },
  { "postgresql without conninfo", "[server]\ntls-certificate=%s\ntls-key=%s\n[storage]\n"
    "type=postgresql\nkey-file=/nonexistent/keys\n", "type=postgresql needs conninfo" },
  { "postgresql without key file", "[server]\ntls-certificate=%s\ntls-key=%s\n[storage]\n"
    "type=postgresql\nconninfo=dbname=x\n", "type=postgresql needs key-file" },
  { "broken conninfo", "[server]\ntls-certificate=%s\ntls-key=%s\n[storage]\ntype=postgresql\n"
    "conninfo=host=/run/postgresql colour=blue\nkey-file=/nonexistent/keys\n",
    "the PostgreSQL connection string is not valid" },
  { "listen address a name", "[server]\nlisten-address=registry.example\ntls-certificate=%s\n"
    "tls-key=%s\n", "\"registry.example\" is not an IP address" },
  { "no TLS", "[server]\nport=8443\n", "a TLS certificate and key are required" },
  { "truncated group", "[server]\nport=8443\n[lim", "cannot be read as a key file" },
  { "truncated line", "[server]\nport", "cannot be read as a key file" },
  { "key outside a group", "port=8443\n", "cannot be read as a key file" },
  { "not UTF-8", "[server]\nlisten-address=127.0.0.\xff\n", "not valid UTF-8" },
  { "binary", "\x7f" "ELF\x02\x01\x01", "cannot be read as a key file" },
};

static void
test_bad (Fixture      *f,
          gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autofree char *conf = NULL;
      g_autofree char *err = NULL;
      const char *args[] = { "--config", f->conf, NULL };

      g_test_message ("case: %s", c->name);
      /* %s %s in a case: the test certificate and key. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      conf = g_strdup_printf (c->conf, f->cert, f->key);
#pragma GCC diagnostic pop
      write_conf (f, conf, -1);
      g_assert_cmpint (run_registry (args, &err), ==, 2);
      g_test_message ("said: %s", err);
      g_assert_nonnull (strstr (err, c->message));
      /* Names the file, so the operator knows which one (all but the settings checked
       * together). */
      g_assert_true (strstr (err, f->conf) != NULL || strstr (err, "required") != NULL
                     || strstr (err, "at least") != NULL || strstr (err, "needs") != NULL
                     || strstr (err, "IP address") != NULL
                     || strstr (err, "connection string") != NULL);
    }
}

/* A file with NUL bytes, one past the size bound, a device without end, a folder, a file that
 * is not there: refused unread or read no further than the bound. */
static void
test_hostile_files (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GString) big = g_string_new ("[server]\n");
  g_autofree char *err = NULL;
  const char *args[] = { "--config", f->conf, NULL };
  const char *dev_zero[] = { "--config", "/dev/zero", NULL };
  const char *folder[] = { "--config", f->dir, NULL };
  g_autofree char *missing_path = g_build_filename (f->dir, "missing.conf", NULL);
  const char *missing[] = { "--config", missing_path, NULL };

  write_conf (f, "[server]\nport=84\0" "43\n", 17);
  g_assert_cmpint (run_registry (args, &err), ==, 2);
  g_assert_nonnull (strstr (err, "holds NUL bytes"));
  g_clear_pointer (&err, g_free);

  while (big->len <= 64 * 1024)
    g_string_append (big, "# a comment that makes the file larger than any real one\n");
  write_conf (f, big->str, big->len);
  g_assert_cmpint (run_registry (args, &err), ==, 2);
  g_assert_nonnull (strstr (err, "larger than 64 KiB"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_registry (dev_zero, &err), ==, 2);
  g_assert_nonnull (strstr (err, "larger than 64 KiB"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_registry (folder, &err), ==, 2);
  g_assert_nonnull (strstr (err, "cannot read the configuration file"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_registry (missing, &err), ==, 2);
  g_assert_nonnull (strstr (err, "cannot read the configuration file"));
  g_assert_nonnull (strstr (err, "No such file"));
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts the registry with @args and returns the port it says it listens on. */
static GSubprocess *
start_registry (const char *const *args,
                int               *port)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (
    G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;
  const char *p;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_ptr_array_add (argv, (gpointer)g_getenv ("KS_REGISTRY"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *)argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  p = strstr (line, "https://127.0.0.1:");
  g_assert_nonnull (p);
  *port = atoi (p + strlen ("https://127.0.0.1:"));
  g_assert_cmpint (*port, >, 0);
  return process;
}

static void
stop_registry (GSubprocess *process)
{
  g_subprocess_send_signal (process, SIGTERM);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_object_unref (process);
}

/* Every key set, as an operator sets them: the registry listens where the file says, keeps its
 * database and key file where the file says, and a station provisions and syncs through it. */
static void
test_good (Fixture      *f,
           gconstpointer data)
{
  g_autofree char *db = g_build_filename (f->dir, "from-conf.db", NULL);
  g_autofree char *keys = g_build_filename (f->dir, "secret", "registry.keys", NULL);
  g_autofree char *keys_dir = g_path_get_dirname (keys);
  g_autofree char *conf = g_strdup_printf ("# written by hand\n[server]\nlisten-address = "
                                           "127.0.0.1\nport=0\ntls-certificate=%s\ntls-key=%s\n\n"
                                           "[storage]\ntype=sqlite\npath=%s\nkey-file=%s\n\n"
                                           "[limits]\nmax-connections=64\n"
                                           "max-connections-per-address=8\nheader-timeout=5\n"
                                           "body-timeout=5\nmax-body-mb=16\nmax-bodies-mb=32\n",
                                           f->cert, f->key, db, keys);
  const char *args[] = { "--config", f->conf, "--provision-code", KS_TEST_CODE, NULL };
  g_autoptr(KsTestRegistry) reg = g_new0 (KsTestRegistry, 1);
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  GStatBuf st_buf;

  g_assert_cmpint (g_mkdir (keys_dir, 0700), ==, 0);
  write_conf (f, conf, -1);
  process = start_registry (args, &reg->port);
  reg->db = g_strdup (db);
  reg->url = g_strdup_printf ("https://127.0.0.1:%d/", reg->port);
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (keys, &st_buf), ==, 0);
  g_assert_cmpint (st_buf.st_mode & 0777, ==, 0600);

  st = ks_test_station_new (NULL, reg);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  ks_test_station_add (st, 0, 3, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, 3);
  stop_registry (process);
}

/* The command line over the file: --db and --port win, the rest of the file stands. */
static void
test_command_line_wins (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *conf_db = g_build_filename (f->dir, "from-conf.db", NULL);
  g_autofree char *cli_db = g_build_filename (f->dir, "from-cli.db", NULL);
  g_autofree char *conf = g_strdup_printf ("[server]\nport=1\ntls-certificate=%s\ntls-key=%s\n"
                                           "[storage]\npath=%s\n", f->cert, f->key, conf_db);
  const char *args[] = { "--config", f->conf, "--db", cli_db, "--port", "0", NULL };
  const char *bad_cli[] = { "--config", f->conf, "--max-connections", "0", NULL };
  g_autofree char *err = NULL;
  GSubprocess *process;
  int port = 0;

  write_conf (f, conf, -1);
  process = start_registry (args, &port);
  g_assert_cmpint (port, !=, 1);
  g_assert_true (g_file_test (cli_db, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (conf_db, G_FILE_TEST_EXISTS));
  stop_registry (process);

  /* The command line's values are checked as the file's are. */
  g_assert_cmpint (run_registry (bad_cli, &err), ==, 2);
  g_assert_nonnull (strstr (err, "at least 1"));
}

/* The file the package installs as /etc/khyber-registry/registry.conf reads cleanly: with
 * --check it gets as far as the TLS files it names, which this machine does not have. */
static void
test_installed_example (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *example = g_build_filename (g_getenv ("KS_SOURCE_ROOT"), "server",
                                               "registry.conf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *with_test_tls = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) rewritten = g_string_new (NULL);
  const char *args[] = { "--config", example, "--check", NULL };
  const char *test_args[] = { "--config", f->conf, "--check", NULL };

  g_assert_cmpint (run_registry (args, &err), ==, 1);
  g_assert_nonnull (strstr (err, "cannot load the TLS certificate"));
  g_clear_pointer (&err, g_free);

  /* With a certificate that exists, the example is valid as it stands. */
  g_assert_true (g_file_get_contents (example, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "tls-certificate="))
        g_string_append_printf (rewritten, "tls-certificate=%s\n", f->cert);
      else if (g_str_has_prefix (lines[i], "tls-key="))
        g_string_append_printf (rewritten, "tls-key=%s\n", f->key);
      else
        g_string_append_printf (rewritten, "%s\n", lines[i]);
    }
  write_conf (f, rewritten->str, rewritten->len);
  g_assert_cmpint (run_registry (test_args, &err), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/registry-config/bad", Fixture, NULL, fixture_set_up, test_bad,
              fixture_tear_down);
  g_test_add ("/registry-config/hostile-files", Fixture, NULL, fixture_set_up,
              test_hostile_files, fixture_tear_down);
  g_test_add ("/registry-config/good", Fixture, NULL, fixture_set_up, test_good,
              fixture_tear_down);
  g_test_add ("/registry-config/command-line-wins", Fixture, NULL, fixture_set_up,
              test_command_line_wins, fixture_tear_down);
  g_test_add ("/registry-config/installed-example", Fixture, NULL, fixture_set_up,
              test_installed_example, fixture_tear_down);
  return g_test_run ();
}
