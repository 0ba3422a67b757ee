/* test-registry-abuse.c: the registry stays up under hostile requests
 *
 * Each case sends what an attacker (or a broken client) sends, straight over TLS, byte for
 * byte: JSON nested 100,000 deep, a body that never ends or announces a terabyte, a gzip bomb,
 * an unknown encoding, a head sent halfway, dozens of idle connections. After each the
 * registry must still answer, and at the end a real station must still sync and the
 * registry's peak memory must have stayed under a bound.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-registry-abuse"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <sodium.h>
#include <zlib.h>

#include "ks-sync-protocol.h"
#include "ks-test-sync.h"

/* The registry runs with small limits so the cases stay quick: 2 s for a request head, 8 MB
 * per body, 12 MB of bodies in flight, 16 connections from one address. */
#define HEADER_TIMEOUT_S 2
#define MAX_BODY_MB 8
#define MAX_BODIES_MB 12
#define MAX_PER_ADDRESS 16
/* Peak resident memory of the registry over the whole run. Its bodies in flight are capped
 * at 12 MB; without the caps one case alone took it past 100 MB. The sanitizers' shadow
 * memory and quarantine add their own. */
#define MAX_PEAK_RSS_MB 80
#define MAX_PEAK_RSS_MB_SANITIZED 400

static KsTestRegistry *registry;

static KsTestRegistry *
abuse_registry (void)
{
  if (registry == NULL)
    {
      static const char *const args[] = { "--header-timeout", G_STRINGIFY (HEADER_TIMEOUT_S),
                                          "--body-timeout", "5",
                                          "--max-body-mb", G_STRINGIFY (MAX_BODY_MB),
                                          "--max-bodies-mb", G_STRINGIFY (MAX_BODIES_MB),
                                          "--max-connections-per-address", G_STRINGIFY (
                                            MAX_PER_ADDRESS),
                                          NULL };

      registry = g_new0 (KsTestRegistry, 1);
      registry->dir = g_dir_make_tmp ("ks-registry-XXXXXX", NULL);
      registry->db = g_build_filename (registry->dir, "registry.db", NULL);
      registry->extra_args = g_strdupv ((char **)args);
      ks_test_registry_restart (registry);
    }
  return registry;
}

/* A plain TCP connection to the registry; reads and writes time out after @timeout_s. */
static GSocketConnection *
tcp_connect (guint timeout_s)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  g_socket_client_set_timeout (client, timeout_s);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", abuse_registry ()->port, NULL,
                                          &error);
  g_assert_no_error (error);
  return conn;
}

static GIOStream *
tls_connect (guint timeout_s)
{
  g_autoptr(GSocketConnection) tcp = tcp_connect (timeout_s);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(GTlsDatabase) db = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new ("127.0.0.1", 0);
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  db = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  tls = g_tls_client_connection_new (G_IO_STREAM (tcp), identity, &error);
  g_assert_no_error (error);
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), db);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  return tls;
}

static gboolean
send_all (GIOStream  *stream,
          const void *data,
          gsize       len)
{
  return g_output_stream_write_all (g_io_stream_get_output_stream (stream), data, len, NULL,
                                    NULL, NULL);
}

/* The status of the answer, 0 when the connection ended (or timed out) without one; the
 * answer's text goes to @text when given. */
static guint
read_answer (GIOStream *stream,
             GString   *text)
{
  g_autoptr(GString) got = g_string_new (NULL);
  GInputStream *in = g_io_stream_get_input_stream (stream);
  char buf[4096];
  gssize n;

  while ((n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL)) > 0)
    {
      const char *end;

      g_string_append_len (got, buf, n);
      /* Error answers are small and sent with Connection: close; stop once the head and a
       * JSON body are in. */
      end = strstr (got->str, "\r\n\r\n");
      if (end != NULL && strchr (end, '}') != NULL)
        break;
    }
  if (text != NULL)
    g_string_assign (text, got->str);
  if (!g_str_has_prefix (got->str, "HTTP/1.1 "))
    return 0;
  return (guint)g_ascii_strtoull (got->str + 9, NULL, 10);
}

/* One request over a fresh connection: a head (with @headers lines) and @body. */
static guint
request (const char *method,
         const char *path,
         const char *headers,
         GBytes     *body,
         GString    *text)
{
  g_autoptr(GIOStream) tls = tls_connect (20);
  g_autofree char *head = g_strdup_printf ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Connection: close\r\nContent-Length: %zu\r\n%s\r\n",
                                           method, path, body ? g_bytes_get_size (body) : 0,
                                           headers ? headers : "");

  /* A registry that closes early may refuse part of the body: the answer is what counts. */
  if (send_all (tls, head, strlen (head)) && body != NULL)
    send_all (tls, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return read_answer (tls, text);
}

static void
assert_alive (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpuint (request ("GET", "/v1/time", NULL, NULL, text), ==, 200);
  g_assert_nonnull (strstr (text->str, "server_time"));
}

static GBytes *
nested (const char *before,
        guint       depth,
        const char *after)
{
  GString *s = g_string_new (before);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append (s, after);
  return g_string_free_to_bytes (s);
}

/* As an attacker compresses: as tight as gzip goes. */
static GBytes *
gzip_best (const guint8 *data,
           gsize         len)
{
  z_stream z = { 0 };
  gsize bound;
  guint8 *out;

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), ==,
                   Z_OK);
  bound = deflateBound (&z, len);
  out = g_malloc (bound);
  z.next_in = (Bytef *)data;
  z.avail_in = len;
  z.next_out = out;
  z.avail_out = bound;
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  deflateEnd (&z);
  return g_bytes_new_take (out, z.total_out);
}

static GBytes *
gzip (GBytes *plain)
{
  return gzip_best (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
}

#define JSON_GZIP "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"

/* 100,000 brackets gzipped, unauthenticated: they overflowed the registry's stack. Now they
 * inflate past what a provisioning request may be (413); 30,000 fit, and are refused for their
 * depth before any parser sees them (400). */
static void
test_deep_json_provision (void)
{
  g_autoptr(GBytes) plain = nested ("{\"code\":", 100000, "}");
  g_autoptr(GBytes) body = gzip (plain);
  g_autoptr(GBytes) plain_fits = nested ("{\"code\":", 30000, "}");
  g_autoptr(GBytes) body_fits = gzip (plain_fits);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpuint (request ("POST", "/v1/stations/provision", JSON_GZIP, body, text), ==, 413);
  assert_alive ();
  g_assert_cmpuint (request ("POST", "/v1/stations/provision", JSON_GZIP, body_fits, text), ==,
                    400);
  g_assert_nonnull (strstr (text->str, "\"bad-request\""));
  assert_alive ();
}

/* The same depth from a registered station, signed: refused the same way. */
static void
test_deep_json_batch (void)
{
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, abuse_registry ());
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = nested ("{\"records\":", 100000, "}");
  g_autoptr(GBytes) body = gzip (plain);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *token = NULL;
  g_autofree char *message = NULL;
  g_autofree char *sig_b64 = NULL;
  g_autofree char *headers = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint8 sig[crypto_sign_BYTES];

  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  token = ks_store_get_meta (st->store, "registry-token");
  message = ks_sync_signed_message (KS_SYNC_PROTOCOL_1, "POST", "/v1/records/batch", now,
                                    g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  g_assert_true (ks_station_keys_sign_detached (st->keys, (const guint8 *)message,
                                                strlen (message), sig, NULL));
  sig_b64 = g_base64_encode (sig, sizeof sig);
  headers = g_strdup_printf (JSON_GZIP "Authorization: Bearer %s\r\n" KS_SYNC_HEADER_KEY_ID
                             ": %s\r\n" KS_SYNC_HEADER_TIMESTAMP ": %" G_GINT64_FORMAT "\r\n"
                             KS_SYNC_HEADER_SIGNATURE ": %s\r\n",
                             token, ks_station_keys_get_kid (st->keys), now, sig_b64);
  g_assert_cmpuint (request ("POST", "/v1/records/batch", headers, body, text), ==, 400);
  assert_alive ();
}

/* A terabyte announced: 413 from the head alone, before one byte of body. */
static void
test_huge_content_length (void)
{
  g_autoptr(GIOStream) tls = tls_connect (20);
  const char *head = "POST /v1/records/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n";
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_true (send_all (tls, head, strlen (head)));
  g_assert_cmpuint (read_answer (tls, text), ==, 413);
  g_assert_nonnull (strstr (text->str, "\"too-large\""));
  assert_alive ();
}

/* A chunked body that never ends: cut off once past the body limit, not held whole. */
static void
test_endless_body (void)
{
  g_autoptr(GIOStream) tls = tls_connect (20);
  const char *head = "POST /v1/records/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  g_autofree char *chunk = g_malloc (1024 * 1024 + 32);
  gsize chunk_len;
  guint sent = 0;
  guint status;

  memcpy (chunk, "100000\r\n", 8);
  memset (chunk + 8, ' ', 1024 * 1024);
  memcpy (chunk + 8 + 1024 * 1024, "\r\n", 2);
  chunk_len = 8 + 1024 * 1024 + 2;

  g_assert_true (send_all (tls, head, strlen (head)));
  while (sent < 4 * MAX_BODY_MB && send_all (tls, chunk, chunk_len))
    sent++;
  /* Either the 413 is read, or the registry closed before the client finished writing (the
   * unread rest then resets the connection): in both cases the body was not held whole. */
  status = read_answer (tls, NULL);
  g_test_message ("sent %u MB; answer %u", sent, status);
  g_assert_true (status == 413 || status == 0);
  g_assert_cmpuint (sent, <, 4 * MAX_BODY_MB);
  assert_alive ();
}

/* Two bodies that each fit but not together: the second one past the in-flight cap gets 503. */
static void
test_bodies_in_flight (void)
{
  const char *head = "POST /v1/records/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  g_autofree char *chunk = g_malloc (1024 * 1024 + 32);
  gsize chunk_len = 8 + 1024 * 1024 + 2;
  GIOStream *conns[2];
  guint busy = 0;

  memcpy (chunk, "100000\r\n", 8);
  memset (chunk + 8, ' ', 1024 * 1024);
  memcpy (chunk + 8 + 1024 * 1024, "\r\n", 2);
  for (guint c = 0; c < G_N_ELEMENTS (conns); c++)
    {
      conns[c] = tls_connect (10);
      g_assert_true (send_all (conns[c], head, strlen (head)));
      for (guint i = 0; i < MAX_BODY_MB - 1 && send_all (conns[c], chunk, chunk_len); i++)
        ;
    }
  /* Neither body ends, so neither can get a normal answer: a 503 is the cap speaking. */
  for (guint c = 0; c < G_N_ELEMENTS (conns); c++)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (read_answer (conns[c], text) == 503)
        {
          g_assert_nonnull (strstr (text->str, "Retry-After: 1"));
          busy++;
        }
      g_object_unref (conns[c]);
    }
  g_assert_cmpuint (busy, >=, 1);
  assert_alive ();
}

/* 100 MB of zeros gzipped to 100 KB: 413, as docs/registry-protocol.md says. */
static void
test_gzip_bomb (void)
{
  gsize len = 100 * 1024 * 1024;
  g_autofree guint8 *zeros = g_malloc0 (len);
  g_autoptr(GBytes) body = gzip_best (zeros, len);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_cmpuint (g_bytes_get_size (body), <, 1024 * 1024);
  g_assert_cmpuint (request ("POST", "/v1/stations/provision", JSON_GZIP, body, text), ==, 413);
  g_assert_nonnull (strstr (text->str, "\"too-large\""));
  assert_alive ();
}

typedef struct
{
  const char *name;
  const char *headers;
} MediaCase;

/* What the registry cannot read is refused unread, with 415. */
static void
test_unsupported_media (void)
{
  static const MediaCase cases[] = {
    { "brotli", "Content-Type: application/json\r\nContent-Encoding: br\r\n" },
    { "no type", "" },
    { "form", "Content-Type: application/x-www-form-urlencoded\r\n" },
    { "text", "Content-Type: text/plain\r\n" },
  };
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"code\":\"x\"}", 12);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      g_test_message ("case: %s", cases[i].name);
      g_assert_cmpuint (request ("POST", "/v1/stations/provision", cases[i].headers, body, text),
                        ==, 415);
      g_assert_nonnull (strstr (text->str, "\"unsupported-media-type\""));
    }
  assert_alive ();
}

/* Half a head, then silence: the registry hangs up after its header timeout. */
static void
test_slow_headers (void)
{
  g_autoptr(GIOStream) tls = tls_connect (30);
  const char *half = "POST /v1/records/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  gint64 start = g_get_monotonic_time ();
  gint64 waited_ms;

  g_assert_true (send_all (tls, half, strlen (half)));
  g_assert_cmpuint (read_answer (tls, NULL), ==, 0);
  waited_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("closed after %" G_GINT64_FORMAT " ms", waited_ms);
  /* Before the timeout existed the read ran into the client's own 30 s timeout. */
  g_assert_cmpint (waited_ms, >=, HEADER_TIMEOUT_S * 1000 - 500);
  g_assert_cmpint (waited_ms, <, 20000);
  assert_alive ();
}

static gboolean
closed_by_peer (GSocket *socket,
                gint64   timeout_us)
{
  char c;

  if (!g_socket_condition_timed_wait (socket, G_IO_IN, timeout_us, NULL, NULL))
    return FALSE;
  return g_socket_receive (socket, &c, 1, NULL, NULL) <= 0;
}

/* 40 connections that never say anything: those past the per-address cap are shut at once,
 * the rest after the header timeout, and a station then syncs as usual. */
static void
test_idle_connections_then_sync (void)
{
  GSocketConnection *conns[40];
  guint shut_at_once = 0, shut_later = 0;
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, deadline;
  gboolean closed[G_N_ELEMENTS (conns)] = { FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    conns[i] = tcp_connect (30);
  /* Polled together: each one's closing time counts from the last connect. */
  start = g_get_monotonic_time ();
  deadline = start + (HEADER_TIMEOUT_S + 10) * G_USEC_PER_SEC;
  while (shut_at_once + shut_later < G_N_ELEMENTS (conns) && g_get_monotonic_time () < deadline)
    {
      for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
        if (!closed[i] && closed_by_peer (g_socket_connection_get_socket (conns[i]), 1000))
          {
            closed[i] = TRUE;
            if (g_get_monotonic_time () - start < (HEADER_TIMEOUT_S * 1000 - 300) * 1000)
              shut_at_once++;
            else
              shut_later++;
          }
      g_usleep (20 * 1000);
    }
  g_test_message ("%u shut at once, %u after the header timeout", shut_at_once, shut_later);
  g_assert_cmpuint (shut_at_once, >=, G_N_ELEMENTS (conns) - MAX_PER_ADDRESS);
  g_assert_cmpuint (shut_at_once + shut_later, ==, G_N_ELEMENTS (conns));
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    g_object_unref (conns[i]);

  /* The registry is still there for the stations it serves: once it has counted the flood's
   * connections as gone (it closed them itself, but notes it on its own loop), a station that
   * asks again, as a station's sync does, is served. */
  st = ks_test_station_new (NULL, abuse_registry ());
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!ks_test_station_provision (st, KS_TEST_CODE_2, &error))
    {
      g_test_message ("provisioning refused: %s", error->message);
      if (g_get_monotonic_time () > deadline)
        break;
      g_clear_error (&error);
      g_usleep (250 * 1000);
    }
  g_assert_no_error (error);
  ks_test_station_add (st, 0, 30, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, abuse_registry (), 30);
}

/* A connection to @reg from the loopback address @from (127.0.0.x: all of 127/8 is this
 * computer, so each is another client address to the registry). */
static GSocketConnection *
tcp_connect_from (KsTestRegistry *reg,
                  const char     *from)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (from);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (inet, 0);
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  g_socket_client_set_timeout (client, 30);
  g_socket_client_set_local_address (client, local);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", reg->port, NULL, &error);
  g_assert_no_error (error);
  return conn;
}

/* The cap on connections in all, whatever their address (--max-connections): six idle
 * connections from three addresses, each address under its own cap, fill a registry capped at
 * six; the seventh, from a fourth address, is shut at once while the six stay open. Once they
 * are closed, a station syncs as usual. */
#define MAX_CONNECTIONS 6
static void
test_total_connection_cap (void)
{
  static const char *const args[] = { "--max-connections", G_STRINGIFY (MAX_CONNECTIONS),
                                      "--max-connections-per-address", "4",
                                      /* Longer than the test: the six stay open for it. */
                                      "--header-timeout", "60", NULL };
  static const char *const from[] = { "127.0.0.2", "127.0.0.3", "127.0.0.4" };
  g_autoptr(KsTestRegistry) reg = g_new0 (KsTestRegistry, 1);
  g_autoptr(KsTestStation) st = NULL;
  g_autoptr(GSocketConnection) extra = NULL;
  g_autoptr(GError) error = NULL;
  GSocketConnection *conns[MAX_CONNECTIONS];
  gint64 start, shut_ms;

  reg->dir = g_dir_make_tmp ("ks-registry-XXXXXX", NULL);
  reg->db = g_build_filename (reg->dir, "registry.db", NULL);
  reg->extra_args = g_strdupv ((char **)args);
  ks_test_registry_restart (reg);

  for (guint i = 0; i < MAX_CONNECTIONS; i++)
    conns[i] = tcp_connect_from (reg, from[i % G_N_ELEMENTS (from)]);
  start = g_get_monotonic_time ();
  extra = tcp_connect_from (reg, "127.0.0.5");
  /* Refused at once: well before any timeout of the registry's. */
  g_assert_true (closed_by_peer (g_socket_connection_get_socket (extra), 3 * G_USEC_PER_SEC));
  shut_ms = (g_get_monotonic_time () - start) / 1000;
  g_test_message ("connection over the cap of %d shut after %" G_GINT64_FORMAT " ms",
                  MAX_CONNECTIONS, shut_ms);
  /* The six under the cap were not touched. */
  for (guint i = 0; i < MAX_CONNECTIONS; i++)
    g_assert_false (closed_by_peer (g_socket_connection_get_socket (conns[i]), 1000));

  for (guint i = 0; i < MAX_CONNECTIONS; i++)
    g_object_unref (conns[i]);
  g_clear_object (&extra);

  /* Their places are free again within a moment (the registry notices a closed socket on its
   * next sweep, every 250 ms), not after the header timeout. */
  start = g_get_monotonic_time ();
  for (;;)
    {
      g_autoptr(GSocketConnection) probe = tcp_connect_from (reg, "127.0.0.6");

      if (!closed_by_peer (g_socket_connection_get_socket (probe), 300 * 1000))
        break;
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    }
  g_test_message ("places free again after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000);

  /* A station provisions and syncs (one connection per run). */
  st = ks_test_station_new (NULL, reg);
  g_assert_true (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_assert_no_error (error);
  ks_test_station_add (st, 0, 25, KS_RECORD_STATE_APPROVED);
  g_assert_true (ks_test_station_sync (st, &error));
  g_assert_no_error (error);
  ks_test_assert_agreement (st, reg, 25);
}

/* Last: the registry's peak memory over everything above. */
static void
test_peak_memory (void)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status",
                                           g_subprocess_get_identifier (
                                             abuse_registry ()->process));
  g_autofree char *status = NULL;
  const char *hwm;
  guint64 peak_kb;
  guint64 bound_mb = g_getenv ("KS_TEST_QUICK") ? MAX_PEAK_RSS_MB_SANITIZED : MAX_PEAK_RSS_MB;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  hwm = strstr (status, "VmHWM:");
  g_assert_nonnull (hwm);
  peak_kb = g_ascii_strtoull (hwm + strlen ("VmHWM:"), NULL, 10);
  g_test_message ("registry peak RSS: %" G_GUINT64_FORMAT " MB (bound %" G_GUINT64_FORMAT
                  " MB)", peak_kb / 1024, bound_mb);
  g_assert_cmpuint (peak_kb / 1024, <, bound_mb);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/registry-abuse/deep-json-provision", test_deep_json_provision);
  g_test_add_func ("/registry-abuse/deep-json-batch", test_deep_json_batch);
  g_test_add_func ("/registry-abuse/huge-content-length", test_huge_content_length);
  g_test_add_func ("/registry-abuse/endless-body", test_endless_body);
  g_test_add_func ("/registry-abuse/bodies-in-flight", test_bodies_in_flight);
  g_test_add_func ("/registry-abuse/gzip-bomb", test_gzip_bomb);
  g_test_add_func ("/registry-abuse/unsupported-media", test_unsupported_media);
  g_test_add_func ("/registry-abuse/slow-headers", test_slow_headers);
  g_test_add_func ("/registry-abuse/idle-connections-then-sync",
                   test_idle_connections_then_sync);
  g_test_add_func ("/registry-abuse/total-connection-cap", test_total_connection_cap);
  g_test_add_func ("/registry-abuse/peak-memory", test_peak_memory);
  ret = g_test_run ();
  g_clear_pointer (&registry, ks_test_registry_free);
  return ret;
}
