/* bench-review.c: how the review list behaves with a million records
 *
 *   build/bench/bench-review [RECORDS] [DATABASE]
 *
 * Fills a station database with RECORDS (default 1,000,000) fixture records (or reuses
 * DATABASE if it already holds them), then times what a supervisor waits for: opening the
 * list (model, count, first page), jumping to the middle and the end, sorting by name,
 * searching by name, CNIC and ID prefix as they type (wall and CPU time: on a busy machine the
 * CPU time says more), and approving 10,000 records in one batch
 * (with a new database only). Ends with the process's peak memory.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>
#include <time.h>

#include "ks-accounts.h"
#include "ks-record-list.h"
#include "ks-test-fixture.h"
#include "ks-record-list-testing.h"
#include "ks-records-testing.h"

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* CPU time of the process: on a busy machine, wall time says more about the neighbours. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
cpu_ms_since (gint64 start)
{
  return (cpu_now () - start) / 1000.0;
}

static void
touch (KsRecordList *list,
       guint         position)
{
  g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (list), position);
  g_assert (row != NULL);
}

/* What the view asks when the list appears: the count, then the first screenful. */
static void
first_screen (KsRecordList *list)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < MIN (n, 40); i++)
    touch (list, i);
}

static void
time_search (KsRecordList *list,
             const char   *label,
             const char   *typed)
{
  g_autofree char *prefix = NULL;

  /* One query per keystroke, as the search entry sends them (debounced). */
  for (gsize len = 1; len <= strlen (typed); len++)
    {
      KsRecordFilter filter = { 0 };
      gint64 start, cpu;

      g_free (prefix);
      prefix = g_strndup (typed, len);
      filter.search = prefix;
      start = g_get_monotonic_time ();
      cpu = cpu_now ();
      ks_record_list_set_filter (list, &filter);
      first_screen (list);
      g_print ("  search %-5s %-16s %8.1f ms  %6.1f ms CPU  (%u matches)\n", label, prefix,
               ms_since (start), cpu_ms_since (cpu),
               g_list_model_get_n_items (G_LIST_MODEL (list)));
    }
}

int
main (int   argc,
      char *argv[])
{
  guint count = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(KsStore) store = NULL;
  g_autoptr(KsRecordList) list = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  gint64 start;
  gint64 have = 0;

  if (argc > 2)
    path = g_strdup (argv[2]);
  else
    {
      dir = g_dir_make_tmp ("ks-bench-review-XXXXXX", NULL);
      path = g_build_filename (dir, "station.db", NULL);
    }
  store = ks_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  ks_records_count_by_state (store, KS_RECORD_STATE_SUBMITTED, &have);

  g_print ("Review list with %u records (%s)\n", count, path);
  if (have < count)
    {
      start = g_get_monotonic_time ();
      if (!ks_test_records_insert_many (store, (guint)have + 1, count - (guint)have, NULL, &error))
        g_error ("%s", error->message);
      g_print ("  fill database             %8.1f ms\n", ms_since (start));
    }

  start = g_get_monotonic_time ();
  list = ks_record_list_new (store);
  first_screen (list);
  g_print ("  open list (count + page)  %8.1f ms  (%u rows)\n", ms_since (start),
           g_list_model_get_n_items (G_LIST_MODEL (list)));

  start = g_get_monotonic_time ();
  touch (list, count / 2);
  g_print ("  jump to the middle        %8.1f ms\n", ms_since (start));
  start = g_get_monotonic_time ();
  touch (list, count - 1);
  g_print ("  jump to the end           %8.1f ms\n", ms_since (start));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 20000; i++)
    touch (list, count / 4 + i);
  g_print ("  scroll 20,000 rows        %8.1f ms\n", ms_since (start));

  start = g_get_monotonic_time ();
  ks_record_list_set_sort (list, KS_RECORD_SORT_NAME, FALSE);
  first_screen (list);
  g_print ("  sort by name              %8.1f ms\n", ms_since (start));
  start = g_get_monotonic_time ();
  touch (list, count / 2);
  g_print ("  by name, middle           %8.1f ms\n", ms_since (start));
  start = g_get_monotonic_time ();
  ks_record_list_set_sort (list, KS_RECORD_SORT_DISTRICT, TRUE);
  first_screen (list);
  g_print ("  sort by district (desc)   %8.1f ms\n", ms_since (start));

  ks_record_list_set_sort (list, KS_RECORD_SORT_SUBMITTED_AT, TRUE);
  time_search (list, "name", "Sana Kh");
  time_search (list, "CNIC", "1710300012");
  time_search (list, "ID", "PEW-A01-00123");

  {
    KsRecordFilter filter = { .state = KS_RECORD_STATE_SUBMITTED, .district = "SWT" };
    gint64 cpu;

    start = g_get_monotonic_time ();
    cpu = cpu_now ();
    ks_record_list_set_filter (list, &filter);
    first_screen (list);
    g_print ("  filter state + district   %8.1f ms  %6.1f ms CPU  (%u matches)\n",
             ms_since (start), cpu_ms_since (cpu),
             g_list_model_get_n_items (G_LIST_MODEL (list)));
  }

  getrusage (RUSAGE_SELF, &usage);
  g_print ("  peak memory, list only    %8.1f MB  (ru_maxrss)\n", usage.ru_maxrss / 1024.0);
  g_print ("  rows cached by the model  %8u\n", ks_record_list_get_n_cached (list));

  /* One batch of 10,000 decisions with their 20,000 audit entries, in one transaction. Only
   * on a fresh database: a reused one may have decided these already. */
  if (dir != NULL && count >= 10000)
    {
      g_autoptr(KsAccount) account = ks_accounts_create_first_supervisor (store, "bench.sup",
                                                                          "Bench Supervisor",
                                                                          "bench-password",
                                                                          &error);
      g_autoptr(KsSession) session = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) ids = NULL;

      if (account == NULL)
        g_error ("%s", error->message);
      session = ks_session_new (store, account, FALSE);
      for (guint x = 1; x <= 10000; x++)
        {
          g_autofree char *id = g_strdup_printf ("PEW-A01-%07u-%c", x, "ABCDEFGHJK"[x % 10]);
          g_strv_builder_add (builder, id);
        }
      ids = g_strv_builder_end (builder);
      start = g_get_monotonic_time ();
      if (!ks_records_decide_batch (store, session, (const char *const *)ids,
                                    KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE, &error))
        g_error ("%s", error->message);
      g_print ("  approve 10,000 (1 batch)  %8.1f ms\n", ms_since (start));
    }

  /* Argon2id for the supervisor's password alone takes 64 MiB. */
  getrusage (RUSAGE_SELF, &usage);
  g_print ("  peak memory, whole run    %8.1f MB  (ru_maxrss, with Argon2)\n",
           usage.ru_maxrss / 1024.0);

  if (dir != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_clear_object (&list);
      g_clear_object (&store);
      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (dir);
    }
  return 0;
}
