/* test-crash-soak.c: the store survives SIGKILL at any moment
 *
 * A child process enrolls as an operator does (a draft, saved as typed, then submitted; and a
 * second draft left unfinished) in a loop and reports each Khyber Pass ID once
 * ks_records_submit() has returned it. The parent kills it with SIGKILL at a random moment, then
 * opens the store as the next station start would: it must open, pass integrity_check, its
 * audit chain must verify, every reported record must be there exactly once with the citizen
 * it was given to, and no ID may ever be given twice.
 *
 * 50 kills by default; KS_SOAK_KILLS=500 for a longer soak.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-consent.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-test-util.h"

#define RUNS_PER_CHILD_BASE 10000

static KsRecord *
typed_record (guint n)
{
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;
  g_autofree char *cnic = g_strdup_printf ("17301-%07u-1", n);

  ks_record_set (r, KS_FIELD_CNIC, cnic);
  ks_record_set (r, KS_FIELD_GENDER, "male");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1990-05-10");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Imran Khan");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "عمران خان");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Ikram Ullah Khan");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "اکرام اللہ خان");
  ks_record_set (r, KS_FIELD_MOBILE, "0300-1234567");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "House 12, Street 4, Hayatabad");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  g_ptr_array_add (consents, ks_consent_new ("sehat-card", "sehat-card-1", "ur", TRUE, NULL));
  consents_json = ks_consent_list_to_json (consents);
  ks_record_set (r, KS_FIELD_CONSENTS, consents_json);
  return r;
}

/* The child: enrolls until it is killed, one line per ID on @fd ("KPID CNIC"). */
G_GNUC_NORETURN static void
child_enroll (const char *path,
              guint       first,
              int         fd)
{
  KsStore *store = ks_store_open (path, NULL);
  KsReference *reference = ks_reference_load_default (NULL);
  KsAccount *op = store ? ks_accounts_lookup (store, "omar.op", NULL) : NULL;
  KsSession *session = op ? ks_session_new (store, op, FALSE) : NULL;
  GDate *today = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  KsSubmitOptions options = { today };

  if (session == NULL || reference == NULL)
    _exit (3);
  for (guint n = first; ; n++)
    {
      KsRecord *r = typed_record (n);
      KsRecord *unfinished = typed_record (n + RUNS_PER_CHILD_BASE / 2);
      gint64 draft = ks_drafts_create (store, session, NULL, 0, NULL);
      gint64 other = ks_drafts_create (store, session, NULL, 0, NULL);
      char *json = ks_record_to_json (r);
      char *kp_id;

      /* Saved as typed, step by step, then submitted; another enrollment left half done. */
      for (int step = 1; step <= 5; step++)
        if (!ks_drafts_save (store, draft, json, step, NULL))
          _exit (4);
      g_free (json);
      json = ks_record_to_json (unfinished);
      if (!ks_drafts_save (store, other, json, 2, NULL))
        _exit (4);
      kp_id = ks_records_submit (store, session, draft, r, reference, &options, NULL);
      if (kp_id == NULL)
        _exit (5);
      {
        char *line = g_strdup_printf ("%s %s\n", kp_id, ks_record_get (r, KS_FIELD_CNIC));
        gsize len = strlen (line);

        /* A line is one write() well under PIPE_BUF: the parent gets it whole or not at all. */
        if (write (fd, line, len) != (gssize)len)
          _exit (6);
        g_free (line);
      }
      g_free (kp_id);
      g_free (json);
      g_object_unref (unfinished);
      g_object_unref (r);
    }
}

static char *
integrity (const char *path)
{
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

/* The citizen a Khyber Pass ID belongs to in the store, and in how many rows it appears. */
static char *
owner_of (const char *path,
          const char *kp_id,
          int        *rows)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *cnic = NULL;

  *rows = 0;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT cnic FROM records WHERE kp_id = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      (*rows)++;
      g_free (cnic);
      cnic = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return cnic;
}

static void
test_crash_soak (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-soak-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  const char *env = g_getenv ("KS_SOAK_KILLS");
  guint kills = env ? (guint)g_ascii_strtoull (env, NULL, 10) : 50;
  guint killed_mid_run = 0;
  g_autoptr(GRand) rand = g_rand_new ();

  /* Set up as on a station's first day: a supervisor who adds an operator. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsStore) store = ks_store_open (path, &error);
    g_autoptr(KsAccount) sup = NULL;
    g_autoptr(KsSession) session = NULL;
    g_autoptr(KsAccount) op = NULL;

    g_assert_no_error (error);
    sup = ks_accounts_create_first_supervisor (store, "sana.sup", "Sana Gul", "supervisor-pw",
                                               &error);
    g_assert_no_error (error);
    session = ks_session_new (store, sup, FALSE);
    op = ks_accounts_add (store, session, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                          "operator-pw", &error);
    g_assert_no_error (error);
    /* The station as set-up leaves it: district PEW, code A01. */
    {
      g_autoptr(KsStationConfig) config = ks_station_config_new (store, FALSE, &error);

      g_assert_no_error (error);
      ks_test_configure_station (config, session, "PEW", "A01");
      /* Thousands of records await review in the long soak. */
      g_assert_true (ks_station_config_set_uint (config, session, "max-awaiting-review", 0,
                                                 &error));
    }
  }

  g_test_message ("%u kills (KS_SOAK_KILLS)", kills);
  for (guint run = 0; run < kills; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStore) store = NULL;
      g_autoptr(GString) lines = g_string_new (NULL);
      g_auto(GStrv) split = NULL;
      g_autofree char *check = NULL;
      char buf[4096];
      gssize n;
      int pipefd[2];
      int status;
      pid_t pid;

      g_assert_cmpint (pipe (pipefd), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (pipefd[0]);
          child_enroll (path, (run + 1) * RUNS_PER_CHILD_BASE, pipefd[1]);
        }
      close (pipefd[1]);
      /* Anywhere from opening the store to the middle of the tenth submission. */
      g_usleep (g_rand_int_range (rand, 5, 400) * 1000);
      kill (pid, SIGKILL);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* Anything else than our SIGKILL is a failure of the child itself. */
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      while ((n = read (pipefd[0], buf, sizeof buf)) > 0)
        g_string_append_len (lines, buf, n);
      close (pipefd[0]);

      /* The next start. */
      check = integrity (path);
      g_assert_cmpstr (check, ==, "ok");
      store = ks_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (ks_audit_verify (store, NULL, &error));
      g_assert_no_error (error);

      split = g_strsplit (lines->str, "\n", -1);
      if (split[0] != NULL && *split[0] != '\0')
        killed_mid_run++;
      for (guint i = 0; split[i] && *split[i]; i++)
        {
          g_auto(GStrv) parts = g_strsplit (split[i], " ", 2);

          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          /* Never an ID given twice, in this run or any before it. */
          g_assert_false (g_hash_table_contains (reported, parts[0]));
          g_hash_table_insert (reported, g_strdup (parts[0]), g_strdup (parts[1]));
        }

      /* Every ID reported so far: there exactly once, still the same citizen's. */
      {
        GHashTableIter iter;
        const char *kp_id, *cnic;

        g_hash_table_iter_init (&iter, reported);
        while (g_hash_table_iter_next (&iter, (gpointer *)&kp_id, (gpointer *)&cnic))
          {
            int rows;
            g_autofree char *owner = owner_of (path, kp_id, &rows);
            GString *digits = g_string_new (NULL);

            g_assert_cmpint (rows, ==, 1);
            /* Stored normalised (digits only), reported as typed. */
            for (const char *p = cnic; *p; p++)
              if (g_ascii_isdigit (*p))
                g_string_append_c (digits, *p);
            g_assert_true (g_strcmp0 (owner, digits->str) == 0 || g_strcmp0 (owner, cnic) == 0);
            g_string_free (digits, TRUE);
          }
      }
    }
  g_test_message ("%u kills survived; %u of them after at least one submission; %u records "
                  "reported and found", kills, killed_mid_run, g_hash_table_size (reported));
  g_assert_cmpuint (g_hash_table_size (reported), >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash-soak/sigkill", test_crash_soak);
  return g_test_run ();
}
