/* bench-submit.c: time to submit an enrollment, against a plain SQLite insert of the same bytes
 *
 * Both sides run in the same process on the same disk with the same durability settings (WAL,
 * synchronous=FULL, one transaction per record). The station's submit also validates every
 * field, allocates the Khyber Pass ID, writes the audit entry and deletes the draft; the ratio
 * says what that costs.
 *
 *   build/bench/bench-submit [N]      (default 1000)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <stdio.h>

#include "ks-accounts.h"
#include "ks-consent.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-station-config.h"

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *times,
            double  p)
{
  guint i = MIN (times->len - 1, (guint)(p * times->len));
  return g_array_index (times, gint64, i) / 1000.0;
}

/* A valid record whose CNIC (and so its gender digit) varies with n. */
static KsRecord *
make_record (guint n)
{
  KsRecord *r = ks_record_new ();
  g_autofree char *cnic = g_strdup_printf ("17301%07u%u", n, (n % 5) * 2 + 1);

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
  ks_record_set (r, KS_FIELD_CONSENTS,
                 "[{\"service\":\"sehat-card\",\"consent_version\":\"sehat-card-1\",\"language\":\"ur\","
                 "\"granted\":true,\"recorded_at\":\"2026-11-26T10:00:00Z\"}]");
  return r;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint)atoi (argv[1]) : 1000;
  g_autofree char *dir = g_dir_make_tmp ("ks-bench-submit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autofree char *plain_path = g_build_filename (dir, "plain.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStore) store = ks_store_open (path, &error);
  g_autoptr(KsReference) reference = ks_reference_load_default (&error);
  g_autoptr(KsAccount) account = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(GArray) submit_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) plain_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  KsSubmitOptions options = { NULL };
  g_autoptr(KsStationConfig) config = NULL;
  sqlite3 *plain = NULL;
  sqlite3_stmt *insert = NULL;

  if (store == NULL || reference == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  account = ks_accounts_create_first_supervisor (store, "bench.sup", "Bench", "bench-password",
                                                 &error);
  session = ks_session_new (store, account, FALSE);
  /* As the supervisor sets the station up; the awaiting-review rule would stop the run at 100. */
  config = ks_station_config_new (store, FALSE, &error);
  if (!ks_station_config_set_string (config, session, "district", "PEW", &error) ||
      !ks_station_config_set_string (config, session, "station-code", "A01", &error) ||
      !ks_station_config_set_uint (config, session, "max-awaiting-review", 0, &error) ||
      !ks_station_config_set_uint (config, session, "min-free-disk-mb", 0, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  sqlite3_open (plain_path, &plain);
  sqlite3_exec (plain, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                "CREATE TABLE records (id INTEGER PRIMARY KEY, data TEXT NOT NULL)",
                NULL, NULL, NULL);
  sqlite3_prepare_v2 (plain, "INSERT INTO records (data) VALUES (?)", -1, &insert, NULL);

  /* Interleaved, so both sides see the same disk and page cache conditions. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KsRecord) record = make_record (i);
      g_autofree char *json = ks_record_to_json (record);
      g_autofree char *kp_id = NULL;
      gint64 draft = ks_drafts_create (store, session, record, 0, NULL);
      gint64 t0, t1;

      t0 = g_get_monotonic_time ();
      kp_id = ks_records_submit (store, session, draft, record, reference, &options, &error);
      t1 = g_get_monotonic_time ();
      if (kp_id == NULL)
        {
          g_printerr ("submit %u: %s\n", i, error->message);
          return 1;
        }
      t1 -= t0;
      g_array_append_val (submit_times, t1);

      t0 = g_get_monotonic_time ();
      sqlite3_exec (plain, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      sqlite3_bind_text (insert, 1, json, -1, SQLITE_STATIC);
      sqlite3_step (insert);
      sqlite3_reset (insert);
      sqlite3_exec (plain, "COMMIT", NULL, NULL, NULL);
      t1 = g_get_monotonic_time () - t0;
      g_array_append_val (plain_times, t1);
    }
  sqlite3_finalize (insert);
  sqlite3_close (plain);

  g_array_sort (submit_times, compare_gint64);
  g_array_sort (plain_times, compare_gint64);
  printf ("records: %u\n", n);
  printf ("station submit   p50 %.3f ms   p99 %.3f ms\n", percentile (submit_times, 0.50),
          percentile (submit_times, 0.99));
  printf ("plain insert     p50 %.3f ms   p99 %.3f ms\n", percentile (plain_times, 0.50),
          percentile (plain_times, 0.99));
  printf ("ratio            p50 %.2fx      p99 %.2fx\n",
          percentile (submit_times, 0.50) / percentile (plain_times, 0.50),
          percentile (submit_times, 0.99) / percentile (plain_times, 0.99));
  return 0;
}
