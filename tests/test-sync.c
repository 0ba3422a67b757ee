/* test-sync.c: the sync engine against the reference registry, on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-accounts.h"

#include <locale.h>
#include <string.h>

#include <curl/curl.h>
#include <sodium.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "ks-audit.h"
#include "ks-sync-protocol.h"
#include "ks-test-sync.h"
#include "ks-test-util.h"
#include "ks-store-testing.h"
#include "ks-record-testing.h"

static KsTestRegistry *registry;

/* Provisioning: a wrong code is refused in words that say so; the right one certifies the
 * station (its development root goes) and a second station cannot reuse it. */
static void
test_provision (void)
{
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, registry);
  g_autoptr(KsTestStation) other = ks_test_station_new (NULL, registry);
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_station_keys_is_development (st->keys));
  g_assert_false (ks_sync_engine_is_provisioned (st->engine));

  /* Not provisioned yet: the run says what to do, not "no internet". */
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_PROVISIONED);
  g_clear_error (&error);

  g_assert_false (ks_test_station_provision (st, "WRONG-CODE", &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "provision"));
  g_clear_error (&error);

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  g_assert_true (ks_sync_engine_is_provisioned (st->engine));
  g_assert_false (ks_station_keys_is_development (st->keys));
  g_assert_cmpint (ks_sync_engine_get_connectivity (st->engine), ==,
                   KS_SYNC_CONNECTIVITY_ONLINE);

  /* The same station may repeat it (its answer was lost); another station may not. */
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  g_assert_false (ks_test_station_provision (other, KS_TEST_CODE, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REFUSED);
}

/* The ordinary day: approved and rejected records all reach the registry once, in batches;
 * a second run sends nothing again. */
static void
test_sync_basic (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  KsSyncCounts counts;
  gint64 n_runs_before;

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  ks_test_station_add (st, 0, 45, KS_RECORD_STATE_APPROVED);
  ks_test_station_add (st, 45, 5, KS_RECORD_STATE_REJECTED);
  ks_test_station_add (st, 50, 3, KS_RECORD_STATE_SUBMITTED);

  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.pending, ==, 50);
  g_assert_cmpint (counts.acknowledged, ==, 0);

  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (ks_sync_engine_get_progress (st->engine), ==, 1.0);
  g_assert_cmpint (ks_sync_engine_get_last_success (st->engine), >, 0);
  g_assert_null (ks_sync_engine_get_last_error (st->engine));

  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 50);
  g_assert_cmpint (counts.failed, ==, 0);
  /* Records awaiting review stay home. */
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 50);
  g_assert_cmpint (ks_test_registry_count (reg, "decision = 'rejected' AND reason = "
                                           "'" KS_TEST_REJECT_REASON "'"), ==, 5);
  ks_test_assert_agreement (st, reg, 50);

  /* Nothing acknowledged is sent again. */
  n_runs_before = ks_test_registry_count (reg, NULL);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, n_runs_before);
  g_assert_cmpint (ks_test_station_max_attempts (st), ==, 1);
  {
    g_autofree char *kp_id = ks_test_station_kp_id (st, 0);
    g_autoptr(KsRecordInfo) info = ks_records_get_info (st->store, kp_id, NULL);
    g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SYNCED);
  }

  /* Records approved later go with the next run. */
  ks_test_station_add (st, 100, 7, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  ks_test_assert_agreement (st, reg, 57);
}

/* A citizen enrolled at two stations: the registry keeps the first; the second station is told
 * which ID already holds the CNIC, and the record stays visible with that reason. */
static void
test_duplicate_cnic (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) a = ks_test_station_new (NULL, reg);
  g_autoptr(KsTestStation) b = ks_test_station_new_with_code (NULL, reg, "B02");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autofree char *a_id = NULL;
  g_autofree char *b_id = NULL;
  KsSyncFailure *f;
  KsSyncCounts counts;

  g_assert_true (ks_test_station_provision (a, KS_TEST_CODE, &error));
  g_assert_true (ks_test_station_provision (b, KS_TEST_CODE_2, &error));
  ks_test_station_add (a, 1, 1, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (a, &error));
  a_id = ks_test_station_kp_id (a, 1);

  /* Station B: the same citizen (same CNIC, under B's own ID), plus an ordinary record. */
  ks_test_station_add (b, 1, 2, KS_RECORD_STATE_APPROVED);
  b_id = ks_test_station_kp_id (b, 1);
  g_assert_true (g_str_has_prefix (b_id, "PEW-B02-"));
  g_assert_true (ks_test_station_sync (b, &error));
  g_assert_no_error (error);

  g_assert_true (ks_sync_engine_get_counts (b->engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 1);
  g_assert_cmpint (counts.failed, ==, 1);
  failed = ks_sync_engine_list_failed (b->engine, &error);
  g_assert_cmpuint (failed->len, ==, 1);
  f = g_ptr_array_index (failed, 0);
  g_assert_cmpstr (f->kp_id, ==, b_id);
  g_assert_nonnull (strstr (f->message, a_id));
  g_assert_nonnull (strstr (f->message, "CNIC"));
  g_assert_cmpint (ks_test_registry_count (reg, "cnic = '1730100000001' AND status = "
                                           "'accepted'"), ==, 1);

  /* An operator may not send it again, also calling core directly. */
  {
    g_autoptr(KsTestStaff) staff = ks_test_staff_get (b->store);

    g_assert_false (ks_sync_engine_retry (b->engine, staff->operator, b_id, &error));
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
    g_clear_error (&error);

    /* Retry by a supervisor queues it again; the registry's verdict stands, and nothing is
     * stored twice. */
    g_assert_true (ks_sync_engine_retry (b->engine, staff->supervisor, b_id, &error));
    g_assert_no_error (error);
  }
  g_assert_true (ks_sync_engine_get_counts (b->engine, &counts, NULL));
  g_assert_cmpint (counts.failed, ==, 0);
  g_assert_cmpint (counts.pending, ==, 1);
  g_assert_true (ks_test_station_sync (b, &error));
  g_assert_true (ks_sync_engine_get_counts (b->engine, &counts, NULL));
  g_assert_cmpint (counts.failed, ==, 1);
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 3);
  ks_test_assert_agreement (a, reg, 3);
}

static GBytes *
fake_template (const char *kp_id,
               gpointer    user_data)
{
  g_autofree char *text = g_strdup_printf ("FAKE-TEMPLATE-%s", kp_id);
  GByteArray *blob = g_byte_array_new ();

  for (guint i = 0; i < 64; i++)
    g_byte_array_append (blob, (const guint8 *)text, strlen (text));
  return g_byte_array_free_to_bytes (blob);
}

/* Fingerprints leave sealed: the registry stores bytes only its key opens, and they open to
 * what the station had. */
static void
test_biometrics_sealed (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *sql = NULL;
  guint8 box_sk[crypto_box_SECRETKEYBYTES], box_pk[crypto_box_PUBLICKEYBYTES];
  g_autoptr(GBytes) sealed_bytes = NULL;
  g_autofree char *key_rows = NULL;
  const guint8 *sealed;
  gsize sealed_len, got = 0;
  g_autofree guint8 *plain = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *box_hex = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  GStatBuf st_buf;

  ks_sync_engine_set_biometrics_func (st->engine, fake_template, NULL, NULL);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  ks_test_station_add (st, 0, 5, KS_RECORD_STATE_APPROVED);
  kp_id = ks_test_station_kp_id (st, 3);
  expected = fake_template (kp_id, NULL);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 5);

  /* The box key lives in the registry's key file (0600), never in its database. */
  key_file = g_strconcat (reg->db, ".keys", NULL);
  g_assert_cmpint (g_stat (key_file, &st_buf), ==, 0);
  g_assert_cmpint (st_buf.st_mode & 0777, ==, 0600);
  g_assert_true (g_key_file_load_from_file (kf, key_file, G_KEY_FILE_NONE, &error));
  box_hex = g_key_file_get_string (kf, "registry", "box-secret-key", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sodium_hex2bin (box_sk, sizeof box_sk, box_hex, strlen (box_hex), NULL, &got,
                                   NULL), ==, 0);
  g_assert_cmpuint (got, ==, sizeof box_sk);
  key_rows = ks_test_registry_query (reg, "SELECT count(*) FROM secrets WHERE name LIKE "
                                     "'%secret-key'");
  g_assert_cmpstr (key_rows, ==, "0");
  crypto_scalarmult_base (box_pk, box_sk);

  sql = g_strdup_printf ("SELECT biometrics_sealed FROM submissions WHERE kp_id = '%s'", kp_id);
  sealed_bytes = ks_test_registry_query_bytes (reg, sql);
  g_assert_nonnull (sealed_bytes);
  sealed = g_bytes_get_data (sealed_bytes, &sealed_len);
  g_assert_cmpuint (sealed_len, ==, g_bytes_get_size (expected) + crypto_box_SEALBYTES);
  /* Not the plain template anywhere in what travelled. */
  for (gsize i = 0; i + 13 <= sealed_len; i++)
    g_assert_false (memcmp (sealed + i, "FAKE-TEMPLATE", 13) == 0);
  plain = g_malloc (g_bytes_get_size (expected));
  g_assert_cmpint (crypto_box_seal_open (plain, sealed, sealed_len, box_pk, box_sk), ==, 0);
  g_assert_cmpmem (plain, sealed_len - crypto_box_SEALBYTES, g_bytes_get_data (expected, NULL),
                   g_bytes_get_size (expected));
  sodium_memzero (box_sk, sizeof box_sk);
}

/* The content hash covers the plain template, so a re-sealed re-send hashes the same; in
 * each protocol version, and the two versions never agree. */
static void
test_content_hash (void)
{
  g_autoptr(GBytes) bio = fake_template ("X", NULL);
  const guint versions[] = { KS_SYNC_PROTOCOL_1, KS_SYNC_PROTOCOL_2 };
  char *first[G_N_ELEMENTS (versions)];

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      guint v = versions[i];
      g_autofree char *a = ks_sync_content_hash (v, "approved", NULL, "{\"cnic\":\"1\"}", bio);
      g_autofree char *b = ks_sync_content_hash (v, "approved", NULL, "{\"cnic\":\"1\"}", bio);
      g_autofree char *c = ks_sync_content_hash (v, "rejected", "poor-photo",
                                                 "{\"cnic\":\"1\"}", bio);
      g_autofree char *d = ks_sync_content_hash (v, "approved", NULL, "{\"cnic\":\"2\"}", bio);
      g_autofree char *e = ks_sync_content_hash (v, "approved", NULL, "{\"cnic\":\"1\"}", NULL);

      g_assert_cmpstr (a, ==, b);
      g_assert_cmpuint (strlen (a), ==, 64);
      g_assert_cmpstr (a, !=, c);
      g_assert_cmpstr (a, !=, d);
      g_assert_cmpstr (a, !=, e);
      first[i] = g_steal_pointer (&a);
    }
  g_assert_cmpstr (first[0], !=, first[1]);

  /* Byte for byte what docs/registry-protocol.md defines, from the text and the hash
   * functions themselves: SHA-256 for version 1 (unchanged for old stations), BLAKE2b-256 for
   * version 2. */
  {
    gsize len;
    const guint8 *data = g_bytes_get_data (bio, &len);
    g_autofree char *bio_sha = ks_sync_sha256_hex (data, len);
    g_autofree char *text1 = g_strdup_printf ("KP-RECORD-1\napproved\n\n{\"cnic\":\"1\"}\n%s",
                                              bio_sha);
    g_autofree char *want1 = ks_sync_sha256_hex ((const guint8 *)text1, strlen (text1));
    guint8 bio_b2[32], rec_b2[32];
    char bio_hex[65], want2[65];
    g_autofree char *text2 = NULL;

    crypto_generichash (bio_b2, sizeof bio_b2, data, len, NULL, 0);
    sodium_bin2hex (bio_hex, sizeof bio_hex, bio_b2, sizeof bio_b2);
    text2 = g_strdup_printf ("KP-RECORD-2\napproved\n\n{\"cnic\":\"1\"}\n%s", bio_hex);
    crypto_generichash (rec_b2, sizeof rec_b2, (const guint8 *)text2, strlen (text2), NULL, 0);
    sodium_bin2hex (want2, sizeof want2, rec_b2, sizeof rec_b2);
    g_assert_cmpstr (first[0], ==, want1);
    g_assert_cmpstr (first[1], ==, want2);
  }
  g_free (first[0]);
  g_free (first[1]);
}

static gint64
skewed_clock (gpointer data)
{
  return g_get_real_time () + (gint64)3600 * G_USEC_PER_SEC;
}

/* Each set-up mistake gets its own message: the address, the certificate, the clock. */
static void
test_setup_errors (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autofree char *other_ca = g_build_filename (ks_test_pki_dir (), "other-ca.pem", NULL);
  g_autofree char *closed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GInetSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  ks_test_station_add (st, 0, 3, KS_RECORD_STATE_APPROVED);

  /* No address. */
  ks_sync_engine_set_registry (st->engine, "", ca);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);

  /* A certificate from a CA the station does not trust: refused, and said so. */
  ks_sync_engine_set_registry (st->engine, reg->url, other_ca);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_TLS_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_assert_null (strstr (error->message, "internet"));
  g_clear_error (&error);
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 0);

  /* A port nobody listens on (bound, not listening: connection refused). */
  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  any = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new_from_string ("127.0.0.1", 0));
  g_assert_true (g_socket_bind (sock, G_SOCKET_ADDRESS (any), FALSE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  closed = g_strdup_printf ("https://127.0.0.1:%u/",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  ks_sync_engine_set_registry (st->engine, closed, ca);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CANNOT_REACH);
  g_assert_nonnull (strstr (error->message, "cannot reach"));
  g_assert_cmpint (ks_sync_engine_get_connectivity (st->engine), ==,
                   KS_SYNC_CONNECTIVITY_OFFLINE);
  g_assert_nonnull (strstr (ks_sync_engine_get_last_error (st->engine), "cannot reach"));
  g_clear_error (&error);

  /* The station's clock an hour ahead: the registry answered, the clock is the fault. */
  ks_sync_engine_set_registry (st->engine, reg->url, ca);
  ks_store_set_clock (st->store, skewed_clock, NULL);
  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CLOCK_SKEW);
  g_assert_nonnull (strstr (error->message, "60 minutes ahead"));
  g_assert_cmpint (ks_sync_engine_get_connectivity (st->engine), ==,
                   KS_SYNC_CONNECTIVITY_ONLINE);
  g_clear_error (&error);
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 0);

  /* Every fault cleared: everything goes, once. */
  ks_store_set_clock (st->store, NULL, NULL);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 3);
}

static size_t
collect (char  *data,
         size_t size,
         size_t nmemb,
         void  *user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

/* A request as an attacker (or a broken station) would make it, without the engine: any
 * Content-Type, any KP-Protocol header (%NULL: none, as version 1 stations send). */
static long
raw_post_full (KsTestRegistry *reg,
               const char     *path,
               const char     *token,
               const char     *kid,
               gint64          timestamp,
               const char     *signature,
               const char     *content_type,
               const char     *protocol,
               GBytes         *body,
               GString        *answer)
{
  g_autofree char *url = g_strconcat (reg->url, path + 1, NULL);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autofree char *h_auth = g_strdup_printf ("Authorization: Bearer %s", token ? token : "");
  g_autofree char *h_kid = g_strdup_printf ("KP-Key-Id: %s", kid);
  g_autofree char *h_ts = g_strdup_printf ("KP-Timestamp: %" G_GINT64_FORMAT, timestamp);
  g_autofree char *h_sig = g_strdup_printf ("KP-Signature: %s", signature);
  g_autofree char *h_type = g_strdup_printf ("Content-Type: %s", content_type);
  g_autofree char *h_protocol = g_strdup_printf (KS_SYNC_HEADER_PROTOCOL ": %s",
                                                 protocol ? protocol : "");
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  long status = 0;

  if (token != NULL)
    headers = curl_slist_append (headers, h_auth);
  headers = curl_slist_append (headers, h_kid);
  headers = curl_slist_append (headers, h_ts);
  headers = curl_slist_append (headers, h_sig);
  headers = curl_slist_append (headers, h_type);
  if (protocol != NULL)
    headers = curl_slist_append (headers, h_protocol);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (body, NULL));
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)g_bytes_get_size (body));
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

static long
raw_post (KsTestRegistry *reg,
          const char     *path,
          const char     *token,
          const char     *kid,
          gint64          timestamp,
          const char     *signature,
          const char     *body,
          GString        *answer)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

  return raw_post_full (reg, path, token, kid, timestamp, signature, "application/json", NULL,
                        bytes, answer);
}

static char *
sign (KsTestStation *st,
      const char    *path,
      gint64         timestamp,
      const char    *body)
{
  /* Without a KP-Protocol header: version 1, as stations before version 2 sign. */
  g_autofree char *message = ks_sync_signed_message (KS_SYNC_PROTOCOL_1, "POST", path, timestamp,
                                                     (const guint8 *)body, strlen (body));
  guint8 sig[crypto_sign_BYTES];

  g_assert_true (ks_station_keys_sign_detached (st->keys, (const guint8 *)message,
                                                strlen (message), sig, NULL));
  return g_base64_encode (sig, sizeof sig);
}

typedef struct
{
  const char *name;
  gboolean with_token;
  gint64 time_offset;
  gboolean tamper;        /* sign one body, send another */
  const char *error;
} AuthCase;

/* The registry stores nothing from a request it cannot attribute to a registered station:
 * no token, a signature over other bytes, a timestamp outside the skew window. */
static void
test_registry_auth (void)
{
  static const AuthCase cases[] = {
    { "no token", FALSE, 0, FALSE, "unauthorized" },
    { "tampered body", TRUE, 0, TRUE, "bad-signature" },
    { "replayed an hour later", TRUE, -3600, FALSE, "clock-skew" },
    { "signed and fresh", TRUE, 0, FALSE, NULL },
  };
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  const char *body = "{\"kp_ids\":[\"PEW-A01-0000001-X\"]}";
  const char *other = "{\"kp_ids\":[\"PEW-A01-0000002-X\"]}";

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  token = ks_store_get_meta (st->store, "registry-token");
  g_assert_nonnull (token);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const AuthCase *c = &cases[i];
      gint64 when = g_get_real_time () / G_USEC_PER_SEC + c->time_offset;
      g_autofree char *sig = sign (st, "/v1/records/status", when, body);
      g_autoptr(GString) answer = g_string_new (NULL);
      long status;

      g_test_message ("case: %s", c->name);
      status = raw_post (reg, "/v1/records/status", c->with_token ? token : NULL,
                         ks_station_keys_get_kid (st->keys), when, sig,
                         c->tamper ? other : body, answer);
      if (c->error == NULL)
        {
          g_assert_cmpint (status, ==, 200);
          g_assert_nonnull (strstr (answer->str, "\"unknown\""));
        }
      else
        {
          g_autofree char *code = g_strdup_printf ("\"error\":\"%s\"", c->error);
          g_assert_cmpint (status, ==, 401);
          g_assert_nonnull (strstr (answer->str, code));
        }
    }

  /* Signed, but the record's contents do not match its hash: kept as refused, never accepted. */
  {
    const char *batch = "{\"records\":[{\"kp_id\":\"PEW-A01-0000005-X\",\"decision\":"
                        "\"approved\",\"reason\":null,\"payload\":\"{\\\"cnic\\\":"
                        "\\\"1730100000005\\\"}\",\"content_hash\":\"00\"}]}";
    gint64 when = g_get_real_time () / G_USEC_PER_SEC;
    g_autofree char *sig = sign (st, "/v1/records/batch", when, batch);
    g_autoptr(GString) answer = g_string_new (NULL);

    g_assert_cmpint (raw_post (reg, "/v1/records/batch", token,
                               ks_station_keys_get_kid (st->keys), when, sig, batch, answer),
                     ==, 200);
    g_assert_nonnull (strstr (answer->str, "content-hash-mismatch"));
    g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, 0);
  }
}

/* One record of @st as a batch entry would carry it, with its biometrics (fake_template)
 * sealed to the registry's key: base64 inside the JSON (version 1) or counted for the frame
 * (version 2). */
static char *
record_entry (KsTestStation *st,
              guint          index,
              guint          version,
              GByteArray    *sealed_out)
{
  g_autofree char *kp_id = ks_test_station_kp_id (st, index);
  g_autoptr(KsRecord) record = ks_records_load (st->store, kp_id, NULL);
  g_autofree char *payload = ks_sync_payload_new (record);
  g_autoptr(GBytes) bio = fake_template (kp_id, NULL);
  g_autofree char *hash = ks_sync_content_hash (version, "approved", NULL, payload, bio);
  g_autofree char *box_hex = ks_store_get_meta (st->store, "registry-box-key");
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint8 box_pk[crypto_box_PUBLICKEYBYTES];
  gsize len = g_bytes_get_size (bio);
  g_autofree guint8 *sealed = g_malloc (len + crypto_box_SEALBYTES);

  g_assert_cmpint (sodium_hex2bin (box_pk, sizeof box_pk, box_hex, strlen (box_hex), NULL, NULL,
                                   NULL), ==, 0);
  crypto_box_seal (sealed, g_bytes_get_data (bio, NULL), len, box_pk);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kp_id");
  json_builder_add_string_value (b, kp_id);
  json_builder_set_member_name (b, "decision");
  json_builder_add_string_value (b, "approved");
  json_builder_set_member_name (b, "decided_by");
  json_builder_add_string_value (b, "supervisor");
  json_builder_set_member_name (b, "payload");
  json_builder_add_string_value (b, payload);
  json_builder_set_member_name (b, "content_hash");
  json_builder_add_string_value (b, hash);
  if (version == KS_SYNC_PROTOCOL_1)
    {
      g_autofree char *b64 = g_base64_encode (sealed, len + crypto_box_SEALBYTES);

      json_builder_set_member_name (b, "biometrics_sealed");
      json_builder_add_string_value (b, b64);
    }
  else
    {
      json_builder_set_member_name (b, "biometrics_sealed_bytes");
      json_builder_add_int_value (b, (gint64)(len + crypto_box_SEALBYTES));
      g_byte_array_append (sealed_out, sealed, len + crypto_box_SEALBYTES);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* Posts @body to the batch endpoint as @st, signed in @version (@sign_version to sign it
 * wrongly) with the KP-Protocol header @protocol. */
static long
post_batch (KsTestRegistry *reg,
            KsTestStation  *st,
            const char     *content_type,
            const char     *protocol,
            guint           sign_version,
            GBytes         *body,
            GString        *answer)
{
  g_autofree char *token = ks_store_get_meta (st->store, "registry-token");
  gint64 when = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *message = ks_sync_signed_message (sign_version, "POST", "/v1/records/batch",
                                                     when, g_bytes_get_data (body, NULL),
                                                     g_bytes_get_size (body));
  guint8 sig[crypto_sign_BYTES];
  g_autofree char *sig_b64 = NULL;

  g_assert_true (ks_station_keys_sign_detached (st->keys, (const guint8 *)message,
                                                strlen (message), sig, NULL));
  sig_b64 = g_base64_encode (sig, sizeof sig);
  g_string_truncate (answer, 0);
  return raw_post_full (reg, "/v1/records/batch", token, ks_station_keys_get_kid (st->keys), when,
                        sig_b64, content_type, protocol, body, answer);
}

static GBytes *
framed (const char *head,
        const char *json,
        GByteArray *sealed)
{
  GByteArray *body = g_byte_array_new ();

  g_byte_array_append (body, (const guint8 *)head, strlen (head));
  g_byte_array_append (body, (const guint8 *)json, strlen (json));
  if (sealed != NULL)
    g_byte_array_append (body, sealed->data, sealed->len);
  return g_byte_array_free_to_bytes (body);
}

/* A station of protocol version 1 (a JSON batch, base64 biometrics, SHA-256, no KP-Protocol
 * header) is still served beside stations of version 2, whose engine sends framed batches;
 * each record keeps the content hash of its version. And what a version 2 frame may not be. */
static void
test_protocol_versions (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(KsTestStation) old = ks_test_station_new_with_code (NULL, reg, "B02");
  g_autoptr(GString) answer = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) none = g_byte_array_new ();
  g_autofree char *old_id = NULL;
  g_autofree char *new_id = NULL;
  g_autofree char *where = NULL;
  char *entry;

  ks_sync_engine_set_biometrics_func (st->engine, fake_template, NULL, NULL);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_true (ks_test_station_provision (old, KS_TEST_CODE_2, &error));
  g_assert_no_error (error);
  ks_test_station_add (st, 0, 3, KS_RECORD_STATE_APPROVED);
  ks_test_station_add (old, 10, 4, KS_RECORD_STATE_APPROVED);

  /* Version 2 from the engine. */
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 3);
  /* Version 1 beside it, as a station not yet upgraded sends it: accepted. */
  entry = record_entry (old, 10, KS_SYNC_PROTOCOL_1, NULL);
  {
    g_autofree char *json = g_strdup_printf ("{\"records\":[%s]}", entry);
    g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

    g_assert_cmpint (post_batch (reg, old, "application/json", NULL, KS_SYNC_PROTOCOL_1, body,
                                 answer), ==, 200);
    g_assert_nonnull (strstr (answer->str, "\"accepted\""));
    g_free (entry);
  }
  old_id = ks_test_station_kp_id (old, 10);
  new_id = ks_test_station_kp_id (st, 0);
  {
    g_autoptr(KsRecord) record = ks_records_load (old->store, old_id, NULL);
    g_autofree char *payload = ks_sync_payload_new (record);
    g_autoptr(GBytes) bio = fake_template (old_id, NULL);
    g_autofree char *v1 = ks_sync_content_hash (KS_SYNC_PROTOCOL_1, "approved", NULL, payload,
                                                bio);
    g_autofree char *sql = g_strdup_printf ("SELECT content_hash FROM submissions WHERE kp_id "
                                            "= '%s'", old_id);
    g_autofree char *stored = ks_test_registry_query (reg, sql);

    g_assert_cmpstr (stored, ==, v1);
  }
  {
    g_autoptr(KsRecord) record = ks_records_load (st->store, new_id, NULL);
    g_autofree char *payload = ks_sync_payload_new (record);
    g_autoptr(GBytes) bio = fake_template (new_id, NULL);
    g_autofree char *v2 = ks_sync_content_hash (KS_SYNC_PROTOCOL_2, "approved", NULL, payload,
                                                bio);
    g_autofree char *sql = g_strdup_printf ("SELECT content_hash FROM submissions WHERE kp_id "
                                            "= '%s'", new_id);
    g_autofree char *stored = ks_test_registry_query (reg, sql);

    g_assert_cmpstr (stored, ==, v2);
  }

  /* Frames that do not hold together are refused as a whole (400), nothing stored. */
  {
    g_autoptr(GByteArray) sealed = g_byte_array_new ();
    g_autofree char *one = record_entry (old, 11, KS_SYNC_PROTOCOL_2, sealed);
    g_autofree char *json = g_strdup_printf ("{\"records\":[%s]}", one);
    g_autofree char *head = g_strdup_printf ("KP-BATCH-2 %zu\n", strlen (json));
    g_autofree char *long_head = g_strdup_printf ("KP-BATCH-2 %zu\n", strlen (json) + 1);
    g_autofree char *zero_head = g_strdup_printf ("KP-BATCH-2 0%zu\n", strlen (json));
    g_autoptr(GByteArray) short_sealed = g_byte_array_sized_new (sealed->len);
    g_autoptr(GByteArray) long_sealed = g_byte_array_sized_new (sealed->len + 1);
    g_autofree char *negative = g_strdup (json);
    struct
    {
      const char *what;
      GBytes *body;
    } cases[] = {
      { "another magic", framed ("KP-BATCH-3 2\n", "{}", NULL) },
      { "no length", framed ("KP-BATCH-2 \n", json, sealed) },
      { "a leading zero", framed (zero_head, json, sealed) },
      { "JSON longer than the body", framed (long_head, json, NULL) },
      { "sealed bytes missing", framed (head, json, short_sealed) },
      { "sealed bytes left over", framed (head, json, long_sealed) },
      { "no byte count", NULL },
      { "a negative byte count", NULL },
    };

    g_byte_array_append (short_sealed, sealed->data, sealed->len - 1);
    g_byte_array_append (long_sealed, sealed->data, sealed->len);
    g_byte_array_append (long_sealed, (const guint8 *)"x", 1);
    {
      char *count = strstr (negative, "\"biometrics_sealed_bytes\":");
      g_autofree char *no_count = NULL;
      g_autofree char *no_count_head = NULL;
      g_autofree char *neg = NULL;
      g_autofree char *neg_head = NULL;

      g_assert_nonnull (count);
      /* "biometrics_sealed_bytes" renamed: the record has no count. */
      no_count = g_strdup (json);
      memcpy (no_count + (count - negative) + 1, "X", 1);
      no_count_head = g_strdup_printf ("KP-BATCH-2 %zu\n", strlen (no_count));
      cases[6].body = framed (no_count_head, no_count, sealed);
      neg = g_strdup_printf ("%.*s\"biometrics_sealed_bytes\":-%s", (int)(count - negative),
                             negative, count + strlen ("\"biometrics_sealed_bytes\":"));
      neg_head = g_strdup_printf ("KP-BATCH-2 %zu\n", strlen (neg));
      cases[7].body = framed (neg_head, neg, sealed);
    }
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_test_message ("frame: %s", cases[i].what);
        g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, "2", KS_SYNC_PROTOCOL_2,
                                     cases[i].body, answer), ==, 400);
        g_bytes_unref (cases[i].body);
      }

    /* Signed as version 1 while saying 2 (or the reverse): the signature does not verify. */
    {
      g_autoptr(GBytes) body = framed (head, json, sealed);

      g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, "2", KS_SYNC_PROTOCOL_1,
                                   body, answer), ==, 401);
      g_assert_nonnull (strstr (answer->str, "bad-signature"));
      g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, NULL, KS_SYNC_PROTOCOL_2,
                                   body, answer), ==, 401);
      g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, "3", KS_SYNC_PROTOCOL_2,
                                   body, answer), ==, 400);
    }
    {
      g_autofree char *id = ks_test_station_kp_id (old, 11);

      where = g_strdup_printf ("kp_id = '%s'", id);
    }
    g_assert_cmpint (ks_test_registry_count (reg, where), ==, 0);

    /* The frame as docs/registry-protocol.md writes it, made without the engine: accepted. */
    {
      g_autoptr(GBytes) body = framed (head, json, sealed);

      g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, "2", KS_SYNC_PROTOCOL_2,
                                   body, answer), ==, 200);
      g_assert_nonnull (strstr (answer->str, "\"accepted\""));
    }
    /* Another record with one sealed byte flipped: the blob no longer opens to what the
     * content hash covers, the record is refused. */
    {
      g_autoptr(GByteArray) other = g_byte_array_new ();
      g_autofree char *two = record_entry (old, 12, KS_SYNC_PROTOCOL_2, other);
      g_autofree char *json2 = g_strdup_printf ("{\"records\":[%s]}", two);
      g_autofree char *head2 = g_strdup_printf ("KP-BATCH-2 %zu\n", strlen (json2));
      g_autoptr(GBytes) body = NULL;

      other->data[other->len / 2] ^= 1;
      body = framed (head2, json2, other);
      g_assert_cmpint (post_batch (reg, old, KS_SYNC_BATCH_MEDIA_TYPE, "2", KS_SYNC_PROTOCOL_2,
                                   body, answer), ==, 200);
      g_assert_nonnull (strstr (answer->str, "biometrics-unreadable"));
    }
    g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, 5);
  }

  /* Only the batch endpoint takes a frame. */
  {
    g_autoptr(GBytes) body = framed ("KP-BATCH-2 2\n", "{}", none);
    g_autofree char *token = ks_store_get_meta (old->store, "registry-token");

    g_assert_cmpint (raw_post_full (reg, "/v1/records/status", token,
                                    ks_station_keys_get_kid (old->keys), 0, "x",
                                    KS_SYNC_BATCH_MEDIA_TYPE, "2", body, answer), ==, 415);
  }
}

/* What a broken or hostile station may put in a signed record reaches the storage as data,
 * never as SQL, on SQLite and PostgreSQL alike: quotes, a NUL escape, a lone surrogate, Urdu,
 * 200 KB of text, extreme numbers, missing fields. Each is answered (refused), none is
 * accepted, and the registry goes on serving real records. */
static void
test_registry_hostile_records (void)
{
  g_autofree char *long_text = g_strnfill (200 * 1024, 'x');
  g_autofree char *long_record = g_strdup_printf ("{\"kp_id\":\"PEW-A01-9000007-X\",\"decision\":"
                                                  "\"approved\",\"reason\":\"%s\",\"payload\":"
                                                  "\"{}\",\"content_hash\":\"00\"}", long_text);
  const char *const records[] = {
    "{\"kp_id\":\"PEW-A01-'); DROP TABLE submissions; --\",\"decision\":\"approved\","
    "\"payload\":\"{}\",\"content_hash\":\"'\"}",
    "{\"kp_id\":\"PEW-A01-9000001-X\",\"decision\":\"rejected\",\"reason\":"
    "\"نامکمل ' \\\" \\\\ %s %n\",\"decided_by\":\"$1\","
    "\"payload\":\"{\\\"cnic\\\":\\\"1730100000001\\\"}\",\"content_hash\":\"00\"}",
    "{\"kp_id\":\"PEW-A01-9000002-X\",\"decision\":\"approved\",\"payload\":"
    "\"{\\\"cnic\\\":\\\"17301\\u0000\\\"}\",\"content_hash\":\"00\"}",
    "{\"kp_id\":\"PEW-A01-9000003-X\",\"decision\":\"approved\",\"reason\":\"\\ud800\","
    "\"payload\":\"{}\",\"content_hash\":\"00\"}",
    "{\"kp_id\":\"PEW-A01-9000004-X\",\"decision\":\"approved\",\"decided_at\":"
    "9223372036854775807,\"payload\":\"{}\",\"content_hash\":\"00\"}",
    "{\"kp_id\":\"PEW-A01-9000005-X\",\"decision\":\"approved\",\"decided_at\":"
    "-9223372036854775808,\"payload\":\"{}\",\"biometrics_sealed\":\"AAAA\","
    "\"content_hash\":\"00\"}",
    "{\"kp_id\":\"PEW-A01-9000006-X\"}",
    long_record,
  };
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  token = ks_store_get_meta (st->store, "registry-token");
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autofree char *batch = g_strdup_printf ("{\"records\":[%s]}", records[i]);
      gint64 when = g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *sig = sign (st, "/v1/records/batch", when, batch);
      g_autoptr(GString) answer = g_string_new (NULL);
      long status;

      g_test_message ("hostile record %u", i);
      status = raw_post (reg, "/v1/records/batch", token, ks_station_keys_get_kid (st->keys),
                         when, sig, batch, answer);
      /* Refused as a record (200, "rejected") or as a request (400): never a storage failure. */
      if (status == 200)
        g_assert_nonnull (strstr (answer->str, "\"rejected\""));
      else
        g_assert_cmpint (status, ==, 400);
    }
  g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, 0);

  /* The tables are whole and the station's real records go through. */
  ks_test_station_add (st, 0, 3, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ks_test_registry_count (reg, "status = 'accepted'"), ==, 3);
}

/* A revoked station is refused with words that say so, may not provision again, and the
 * trust list it fetched earlier names the registry root that certified it. */
static void
test_revoked_station (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsTrustList) trust = NULL;
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  const char *kid;

  /* Before the first sync there is no list to hand to the verifier. */
  g_assert_null (ks_sync_engine_load_trust_list (st->engine, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_PROVISIONED);
  g_clear_error (&error);

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  ks_test_station_add (st, 0, 2, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  kid = ks_station_keys_get_kid (st->keys);

  trust = ks_sync_engine_load_trust_list (st->engine, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ks_trust_list_lookup (trust, kid, NULL));
  g_assert_false (ks_trust_list_is_revoked (trust, kid));

  ks_test_registry_kill (reg);
  reg->extra_args = g_strdupv ((char *[]) { (char *)"--revoke", (char *)kid, NULL });
  ks_test_registry_restart (reg);
  ks_sync_engine_set_registry (st->engine, reg->url, ca);
  ks_test_station_add (st, 2, 1, KS_RECORD_STATE_APPROVED);

  g_assert_false (ks_test_station_sync (st, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "refused this station"));
  g_clear_error (&error);
  g_assert_false (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REFUSED);
  /* Nothing of the revoked station's new record was stored. */
  g_assert_cmpint (ks_test_registry_count (reg, NULL), ==, 2);
}

/* Runs SQL on a database directly: only to build the state an earlier station or registry
 * left, which today's code can no longer make. */
static void
exec_on (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static char *
registry_column (KsTestRegistry *reg,
                 const char     *column,
                 const char     *kp_id)
{
  /* IDs the station made: no quote to escape. */
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM submissions WHERE kp_id = '%s'",
                                          column, kp_id);

  g_assert_null (strchr (kp_id, '\''));
  return ks_test_registry_query (reg, sql);
}

/* What a station sends for a record typed with dashes: each identifier in its one form, and
 * the registry's check (the station's validators) passes it. */
static void
test_payload_canonical (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-payload-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStore) store = ks_store_open (path, &error);
  g_autoptr(KsReference) reference = ks_reference_load_default (&error);
  g_autoptr(GPtrArray) kp_ids = NULL;
  g_autoptr(KsRecord) stored = NULL;
  g_autoptr(KsRecord) wire = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *again = NULL;
  g_autofree char *cnic = NULL;

  g_assert_no_error (error);
  kp_ids = ks_test_enroll_many (store, reference, "A01", 71, 1, KS_RECORD_STATE_APPROVED);
  stored = ks_records_load (store, kp_ids->pdata[0], &error);
  g_assert_no_error (error);
  /* The store keeps what the operator typed, normalised for the screen. */
  g_assert_cmpstr (ks_record_get (stored, KS_FIELD_CNIC), ==, "17301-0000007-1");

  payload = ks_sync_payload_new (stored);
  wire = ks_record_new_from_json (payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_record_get (wire, KS_FIELD_CNIC), ==, "1730100000071");
  g_assert_cmpstr (ks_record_get (wire, KS_FIELD_MOBILE), ==, "+923001000071");
  g_assert_cmpstr (ks_record_get (wire, KS_FIELD_DATE_OF_BIRTH), ==, "1988-03-14");
  g_assert_cmpstr (ks_record_get (wire, KS_FIELD_FULL_NAME), ==, "Omar Khan");
  g_assert_null (ks_sync_payload_check (payload, &cnic));
  g_assert_cmpstr (cnic, ==, "1730100000071");
  /* One record, one payload: the content hash depends on it. */
  again = ks_sync_payload_new (stored);
  g_assert_cmpstr (again, ==, payload);
  /* Already canonical stays as it is. */
  {
    g_autofree char *twice = ks_sync_payload_new (wire);
    g_assert_cmpstr (twice, ==, payload);
  }

  g_assert_finalize_object (g_steal_pointer (&store));
  ks_test_rm_rf (dir);
}

/* The registry refuses what the station's validators refuse, and an identifier in any form
 * but the documented one, naming the field. */
static void
test_payload_check (void)
{
  static const struct
  {
    KsField field;
    const char *value;
    const char *reason;
  } cases[] = {
    { KS_FIELD_CNIC, "17301-0000007-1", "invalid-cnic" },      /* typed form, not the wire's */
    { KS_FIELD_CNIC, "1730100000072", "invalid-cnic" },        /* even: a woman's, on a man */
    { KS_FIELD_CNIC, "0730100000071", "invalid-cnic" },        /* no province 0 */
    { KS_FIELD_CNIC, "1111111111111", "invalid-cnic" },        /* a placeholder */
    { KS_FIELD_CNIC, "173010000007", "invalid-cnic" },
    { KS_FIELD_CNIC, "3520200000071", NULL },                  /* Punjab: a warning, not a refusal */
    { KS_FIELD_GUARDIAN_CNIC, "17301-1234567-1", "invalid-cnic" },
    { KS_FIELD_GUARDIAN_CNIC, "1730112345671", NULL },
    { KS_FIELD_MOBILE, "0300-1000071", "invalid-mobile" },
    { KS_FIELD_MOBILE, "+923001000071", NULL },
    { KS_FIELD_MOBILE, "+441234567890", "invalid-mobile" },
    { KS_FIELD_DATE_OF_BIRTH, "14-03-1988", "invalid-date" },
    { KS_FIELD_DATE_OF_BIRTH, "1988-02-30", "invalid-date" },
    { KS_FIELD_DATE_OF_BIRTH, "2999-01-01", "invalid-date" },
    { KS_FIELD_GENDER, "", "invalid-payload" },
    { KS_FIELD_ID_KIND, "passport", "invalid-payload" },
  };
  g_autoptr(KsRecord) typed = ks_test_wizard_record (71);

  g_assert_cmpstr (ks_sync_payload_check ("not json", NULL), ==, "invalid-payload");
  g_assert_cmpstr (ks_sync_payload_check ("[1, 2]", NULL), ==, "invalid-payload");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *good = ks_sync_payload_new (typed);
      g_autoptr(KsRecord) wire = ks_record_new_from_json (good, NULL);
      g_autofree char *payload = NULL;

      ks_record_set (wire, cases[i].field, cases[i].value);
      payload = ks_record_to_json (wire);
      g_test_message ("%s = %s", ks_field_get_name (cases[i].field), cases[i].value);
      g_assert_cmpstr (ks_sync_payload_check (payload, NULL), ==, cases[i].reason);
    }
}

/* Records the old registry refused (every record typed with dashes: invalid-cnic) go back to
 * the queue when the station is upgraded, audited, and reach the registry, which judges a
 * refused record afresh. */
static void
test_requeued_on_upgrade (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ks-upgrade-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kp_ids = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KsSyncCounts counts;
  gint64 bad_seq = 0;

  /* A station of the previous version enrolls and approves two citizens as usual. */
  {
    g_autoptr(KsStore) old = ks_store_open_at_version (path, 6, &error);
    g_autoptr(KsReference) reference = ks_reference_load_default (&error);

    g_assert_no_error (error);
    kp_ids = ks_test_enroll_many (old, reference, "A01", 7, 2, KS_RECORD_STATE_APPROVED);
    g_assert_finalize_object (g_steal_pointer (&old));
  }
  /* Its sync left them refused (what its engine wrote for "rejected / invalid-cnic"), and the
   * old registry kept its refusals. Today's code cannot make this state: SQL it is. */
  exec_on (path,
           "UPDATE records SET state = 'sync-failed', sync_attempts = 1, sync_error = "
           "'The registry refused this record: its CNIC is not a valid 13-digit number.';"
           "INSERT INTO sync_outbox (record_id, state, content_hash, attempts, registry_status, "
           "error, sent_at, answered_at) SELECT id, 'failed', 'old-hash', 1, 'rejected', "
           "sync_error, 1, 1 FROM records;");
  for (guint i = 0; i < kp_ids->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO submissions (kp_id, station_kid, "
                                              "content_hash, decision, cnic, payload, status, "
                                              "verdict_reason, received_at) VALUES ('%s', "
                                              "'old', 'old-hash', 'approved', '17301-000000%u-"
                                              "%u', '{}', 'rejected', 'invalid-cnic', 1)",
                                              (char *)kp_ids->pdata[i], 0, 7 + i);
      ks_test_registry_exec (reg, sql);
    }

  /* Upgraded: queued again, each with its audit entry, the chain intact. */
  st = ks_test_station_new (dir, reg);
  g_assert_cmpint (ks_store_get_version (st->store), ==, ks_store_get_latest_version ());
  for (guint i = 0; i < kp_ids->len; i++)
    {
      g_autoptr(KsRecordInfo) info = ks_records_get_info (st->store, kp_ids->pdata[i], NULL);
      KsAuditEntry *last;

      g_assert_cmpint (info->state, ==, KS_RECORD_STATE_QUEUED);
      g_clear_pointer (&entries, g_ptr_array_unref);
      entries = ks_audit_list (st->store, kp_ids->pdata[i], 1, &error);
      g_assert_no_error (error);
      last = g_ptr_array_index (entries, 0);
      g_assert_cmpstr (last->action, ==, "record-queued");
      g_assert_cmpstr (last->actor, ==, "station");
      g_assert_nonnull (strstr (last->detail, "upgrade"));
    }
  g_assert_true (ks_audit_verify (st->store, &bad_seq, &error));
  g_assert_no_error (error);
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.pending, ==, 2);
  g_assert_cmpint (counts.failed, ==, 0);

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  g_assert_true (ks_sync_engine_get_counts (st->engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 2);
  g_assert_cmpint (counts.failed, ==, 0);
  for (guint i = 0; i < kp_ids->len; i++)
    {
      g_autofree char *status = ks_test_registry_status (reg, kp_ids->pdata[i]);
      g_autofree char *cnic = registry_column (reg, "cnic", kp_ids->pdata[i]);
      g_autofree char *expected = ks_test_bare_cnic (7 + i);

      g_assert_cmpstr (status, ==, "accepted");
      g_assert_cmpstr (cnic, ==, expected);
    }
  ks_test_assert_agreement (st, reg, 2);
  g_clear_pointer (&st, ks_test_station_free);
  ks_test_rm_rf (dir);
}

static char *
key_file_value (const char *path,
                const char *name)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  char *value;

  g_assert_true (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error));
  value = g_key_file_get_string (kf, "registry", name, &error);
  g_assert_no_error (error);
  return value;
}

/* A registry from before the key file kept its secret keys in the database: on its first start
 * the keys move to the key file (0600), unchanged, and leave the database. */
static void
test_registry_keys_moved (void)
{
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, reg);
  g_autoptr(GError) error = NULL;
  g_autofree char *key_file = g_strconcat (reg->db, ".keys", NULL);
  g_autofree char *root_hex = NULL;
  g_autofree char *box_hex = NULL;
  g_autofree char *root_after = NULL;
  g_autofree char *box_after = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autofree char *key_rows = NULL;
  GStatBuf st_buf;

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  ks_test_station_add (st, 0, 3, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  root_hex = key_file_value (key_file, "root-secret-key");
  box_hex = key_file_value (key_file, "box-secret-key");

  /* What the previous registry left: the keys in the secrets table, no key file. */
  ks_test_registry_kill (reg);
  g_assert_cmpint (g_unlink (key_file), ==, 0);
  sql = g_strdup_printf ("INSERT INTO secrets VALUES ('root-secret-key', '%s'), "
                         "('box-secret-key', '%s')", root_hex, box_hex);
  ks_test_registry_exec (reg, sql);

  ks_test_registry_restart (reg);
  ks_sync_engine_set_registry (st->engine, reg->url, ca);
  g_assert_cmpint (g_stat (key_file, &st_buf), ==, 0);
  g_assert_cmpint (st_buf.st_mode & 0777, ==, 0600);
  root_after = key_file_value (key_file, "root-secret-key");
  box_after = key_file_value (key_file, "box-secret-key");
  g_assert_cmpstr (root_after, ==, root_hex);
  g_assert_cmpstr (box_after, ==, box_hex);
  key_rows = ks_test_registry_query (reg, "SELECT count(*) FROM secrets WHERE name LIKE "
                                     "'%secret-key'");
  g_assert_cmpstr (key_rows, ==, "0");

  /* The same registry to its stations: the station's token and records still count. */
  ks_test_station_add (st, 3, 3, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 6);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  registry = ks_test_registry_start ();
  g_test_add_func ("/sync/content-hash", test_content_hash);
  g_test_add_func ("/sync/payload-canonical", test_payload_canonical);
  g_test_add_func ("/sync/payload-check", test_payload_check);
  g_test_add_func ("/sync/requeued-on-upgrade", test_requeued_on_upgrade);
  g_test_add_func ("/sync/provision", test_provision);
  g_test_add_func ("/sync/basic", test_sync_basic);
  g_test_add_func ("/sync/duplicate-cnic", test_duplicate_cnic);
  g_test_add_func ("/sync/biometrics-sealed", test_biometrics_sealed);
  g_test_add_func ("/sync/setup-errors", test_setup_errors);
  g_test_add_func ("/sync/registry-auth", test_registry_auth);
  g_test_add_func ("/sync/revoked-station", test_revoked_station);
  g_test_add_func ("/sync/registry-hostile-records", test_registry_hostile_records);
  g_test_add_func ("/sync/protocol-versions", test_protocol_versions);
  g_test_add_func ("/sync/registry-keys-moved", test_registry_keys_moved);
  rc = g_test_run ();
  ks_test_registry_free (registry);
  return rc;
}
