/* bench-sync.c: records per second synced to a loopback registry
 *
 *   build/bench/bench-sync [RECORDS [DELAY_MS]]    (default 10000 records, no delay)
 *
 * DELAY_MS holds each of the registry's answers back that long after the batch is stored, as
 * a slow link or a slow disk does: then the rate shows how well batches overlap.
 *
 * Each record carries four fake fingerprint templates of 6 KB (sealed to the registry's key on
 * the way). Only the sync is timed: the records are made (enrolled, approved) before. The same
 * run then POSTs bodies of the same shape and size with plain libcurl over
 * one reused TLS connection to a registry endpoint that reads and discards them: the transport
 * ceiling. The ratio says what the engine's own work (SQLite bookkeeping, sealing, hashing,
 * signing, the registry's checks and storage) costs on top of moving the bytes.
 *
 * It also prints the processor time each side spent per record: on a busy machine the rate
 * says how much processor the run got, the processor time what the work costs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "ks-sync-protocol.h"
#include "ks-test-sync.h"
#include "ks-sync-testing.h"
#include "ks-test-util.h"

#define TEMPLATES 4
#define TEMPLATE_BYTES 6144
#define BATCH 50

static GBytes *
fake_templates (const char *kp_id,
                gpointer    user_data)
{
  guint8 seed[randombytes_SEEDBYTES] = { 0 };
  guint8 *blob = g_malloc (TEMPLATES * TEMPLATE_BYTES);

  /* Near-random like real minutiae templates, so gzip cannot flatter the figures. */
  crypto_generichash (seed, sizeof seed, (const guint8 *)kp_id, strlen (kp_id), NULL, 0);
  randombytes_buf_deterministic (blob, TEMPLATES * TEMPLATE_BYTES, seed);
  return g_bytes_new_take (blob, TEMPLATES * TEMPLATE_BYTES);
}

/* Processor seconds (all threads) of this process, or of the registry's. */
static double
station_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
         + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double
registry_cpu (KsTestRegistry *reg)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat",
                                           g_subprocess_get_identifier (reg->process));
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3, utime and stime are fields 14 and 15. */
  fields = g_strsplit (end + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / sysconf (_SC_CLK_TCK);
}

static size_t
discard (char  *data,
         size_t size,
         size_t nmemb,
         void  *user_data)
{
  return size * nmemb;
}

/* The bodies the engine sends (protocol version 2: the records' JSON, then their sealed
 * biometrics as raw bytes, uncompressed), built the same way, without any station bookkeeping. */
static GPtrArray *
build_bodies (guint         n,
              const guint8 *box_pk)
{
  GPtrArray *bodies = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);

  for (guint start = 0; start < n; start += BATCH)
    {
      GString *json = g_string_new ("{\"batch_id\":\"x\",\"records\":[");
      g_autoptr(GByteArray) sealed = g_byte_array_new ();

      for (guint i = start; i < MIN (n, start + BATCH); i++)
        {
          g_autofree char *kp_id = g_strdup_printf ("PEW-A01-%07u-X", i);
          g_autofree char *cnic = ks_test_bare_cnic (i);
          g_autoptr(GBytes) bio = fake_templates (kp_id, NULL);
          gsize len = g_bytes_get_size (bio);
          guint at = sealed->len;
          g_autofree char *payload = g_strdup_printf ("{\\\"cnic\\\":\\\"%s\\\",\\\"full_name\\\":"
                                                      "\\\"Test Citizen %s\\\"}", cnic, cnic);
          g_autofree char *hash = ks_sync_content_hash (KS_SYNC_PROTOCOL_2, "approved", NULL,
                                                        payload, bio);

          g_byte_array_set_size (sealed, at + len + crypto_box_SEALBYTES);
          crypto_box_seal (sealed->data + at, g_bytes_get_data (bio, NULL), len, box_pk);
          g_string_append_printf (json, "%s{\"kp_id\":\"%s\",\"version\":1,\"decision\":"
                                  "\"approved\",\"reason\":null,\"decided_by\":\"x\","
                                  "\"decided_at\":0,\"payload\":\"%s\",\"biometrics_sealed_"
                                  "bytes\":%" G_GSIZE_FORMAT ",\"content_hash\":\"%s\"}",
                                  i > start ? "," : "", kp_id, payload,
                                  len + crypto_box_SEALBYTES, hash);
        }
      g_string_append (json, "]}");
      g_ptr_array_add (bodies, ks_sync_batch_frame (json->str, sealed));
      g_string_free (json, TRUE);
    }
  return bodies;
}

static double
plain_upload (KsTestRegistry *reg,
              GPtrArray      *bodies,
              guint64        *bytes)
{
  g_autofree char *url = g_strconcat (reg->url, "v1/time", NULL);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  gint64 start;

  /* The endpoint ignores the body; the guard lets a framed batch's media type through only to
   * the batch endpoint, so it is labelled JSON here. The same bytes move either way. */
  headers = curl_slist_append (headers, "Content-Type: application/json");
  headers = curl_slist_append (headers, "Expect:");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, discard);
  *bytes = 0;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < bodies->len; i++)
    {
      GBytes *body = g_ptr_array_index (bodies, i);
      long status = 0;
      curl_off_t uploaded = 0;

      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, NULL));
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)g_bytes_get_size (body));
      g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
      curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
      g_assert_cmpint (status, ==, 200);
      /* Every byte went: the registry read the whole body before answering. */
      curl_easy_getinfo (curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
      g_assert_cmpint (uploaded, ==, g_bytes_get_size (body));
      *bytes += g_bytes_get_size (body);
    }
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint delay_ms = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 0;
  g_autoptr(KsTestRegistry) reg = NULL;
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *box_hex = NULL;
  g_autofree char *station_dir = NULL;
  guint8 box_pk[crypto_box_PUBLICKEYBYTES];
  KsSyncCounts counts;
  guint64 plain_bytes;
  double sync_s, plain_s, st_cpu, reg_cpu, plain_st_cpu, plain_reg_cpu;
  gint64 start;

  setlocale (LC_ALL, "");
  if (sodium_init () < 0)
    return 1;
  if (g_getenv ("KS_REGISTRY") == NULL)
    g_setenv ("KS_REGISTRY", KS_REGISTRY_PATH, TRUE);
  if (g_getenv ("KS_SOURCE_ROOT") == NULL)
    g_setenv ("KS_SOURCE_ROOT", KS_SOURCE_ROOT_PATH, TRUE);

  reg = ks_test_registry_start ();
  st = ks_test_station_new (NULL, reg);
  ks_sync_engine_set_batch_size (st->engine, BATCH);
  ks_sync_engine_set_timeout (st->engine, 120000);
  ks_sync_engine_set_biometrics_func (st->engine, fake_templates, NULL, NULL);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  ks_test_station_add (st, 0, n, KS_RECORD_STATE_APPROVED);
  printf ("made %u approved records in %.2f s\n", n, (g_get_monotonic_time () - start) / 1e6);

  if (delay_ms > 0)
    ks_test_registry_fault (reg, "slow", G_MAXINT32, delay_ms);
  st_cpu = station_cpu ();
  reg_cpu = registry_cpu (reg);
  start = g_get_monotonic_time ();
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  sync_s = (g_get_monotonic_time () - start) / 1e6;
  st_cpu = station_cpu () - st_cpu;
  reg_cpu = registry_cpu (reg) - reg_cpu;
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, n);
  g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, n);

  box_hex = ks_store_get_meta (st->store, "registry-box-key");
  g_assert_cmpint (sodium_hex2bin (box_pk, sizeof box_pk, box_hex, strlen (box_hex), NULL, NULL,
                                   NULL), ==, 0);
  bodies = build_bodies (n, box_pk);
  plain_st_cpu = station_cpu ();
  plain_reg_cpu = registry_cpu (reg);
  plain_s = plain_upload (reg, bodies, &plain_bytes);
  plain_st_cpu = station_cpu () - plain_st_cpu;
  plain_reg_cpu = registry_cpu (reg) - plain_reg_cpu;

  printf ("records: %u, %d templates of %d bytes each, batches of %d, answers held %u ms\n", n,
          TEMPLATES, TEMPLATE_BYTES, BATCH, delay_ms);
  printf ("sync engine:  %.2f s, %.0f records/s (signed, sealed, stored, acknowledged)\n",
          sync_s, n / sync_s);
  printf ("plain libcurl: %.2f s, %.0f records/s, %.1f MB bodies, %.1f MB/s\n", plain_s,
          n / plain_s, plain_bytes / 1e6, plain_bytes / 1e6 / plain_s);
  printf ("processor time per record: engine %.0f us station + %.0f us registry, plain "
          "%.0f us + %.0f us\n", st_cpu / n * 1e6, reg_cpu / n * 1e6, plain_st_cpu / n * 1e6,
          plain_reg_cpu / n * 1e6);
  printf ("ratio engine/plain: %.2f\n", (n / sync_s) / (n / plain_s));

  /* The station's folder is the bench's to remove (the registry's goes with it). */
  station_dir = g_strdup (st->dir);
  g_clear_pointer (&st, ks_test_station_free);
  ks_test_rm_rf (station_dir);
  return 0;
}
