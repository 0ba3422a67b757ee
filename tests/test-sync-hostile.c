/* test-sync-hostile.c: a broken or hostile registry does not take the station down
 *
 * A small TLS server in the test answers every request with the same bytes: a gzip bomb, JSON
 * nested 100,000 deep, an answer of 64 MB. The station's sync engine must come back with "the
 * registry sent an answer that was cut short or damaged", and its memory must stay bounded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-sync-hostile"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <sodium.h>
#include <zlib.h>

#include "ks-test-sync.h"

/* The station keeps at most 16 MB of an answer; the test's own answers are streamed from 1 MB
 * buffers. Under ASan freed memory stays in its quarantine (256 MB) and counts as resident. */
#define MAX_PEAK_GROWTH_MB 64
#define MAX_PEAK_GROWTH_MB_SANITIZED 400

typedef struct
{
  GSocketListener *listener;
  GCancellable *cancellable;
  GThread *thread;
  GTlsCertificate *cert;
  char *head;
  GBytes *body;             /* sent body_repeat times */
  guint body_repeat;
  int port;
  guint served;
} Hostile;

static guint64
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *hwm;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  hwm = strstr (status, "VmHWM:");
  g_assert_nonnull (hwm);
  return g_ascii_strtoull (hwm + strlen ("VmHWM:"), NULL, 10) / 1024;
}

static void
serve_one (Hostile           *h,
           GSocketConnection *conn)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  GInputStream *in;
  char c;

  tls = g_tls_server_connection_new (G_IO_STREAM (conn), h->cert, NULL);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), h->cancellable, NULL))
    return;
  /* The request's head, then its body when it has one: the answer comes after. */
  in = g_io_stream_get_input_stream (tls);
  while (!g_str_has_suffix (head->str, "\r\n\r\n")
         && g_input_stream_read (in, &c, 1, h->cancellable, NULL) == 1)
    g_string_append_c (head, c);
  {
    const char *cl = strstr (head->str, "Content-Length: ");
    gsize len = cl ? g_ascii_strtoull (cl + 16, NULL, 10) : 0;
    g_autofree char *body = g_malloc (len + 1);

    g_input_stream_read_all (in, body, len, NULL, h->cancellable, NULL);
  }
  g_output_stream_write_all (g_io_stream_get_output_stream (tls), h->head, strlen (h->head),
                             NULL, h->cancellable, NULL);
  for (guint i = 0; i < h->body_repeat; i++)
    if (!g_output_stream_write_all (g_io_stream_get_output_stream (tls),
                                    g_bytes_get_data (h->body, NULL), g_bytes_get_size (h->body),
                                    NULL, h->cancellable, NULL))
      break;
  g_io_stream_close (tls, NULL, NULL);
  g_atomic_int_inc (&h->served);
}

static gpointer
serve (gpointer data)
{
  Hostile *h = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) conn = g_socket_listener_accept (h->listener, NULL,
                                                                    h->cancellable, NULL);

      if (conn == NULL)
        return NULL;
      g_socket_set_timeout (g_socket_connection_get_socket (conn), 10);
      serve_one (h, conn);
    }
}

/* A server answering every request with @extra_headers and @body, @repeat times over. */
static Hostile *
hostile_start (const char *extra_headers,
               GBytes     *body,
               guint       repeat)
{
  Hostile *h = g_new0 (Hostile, 1);
  g_autofree char *cert = g_build_filename (ks_test_pki_dir (), "server.pem", NULL);
  g_autofree char *key = g_build_filename (ks_test_pki_dir (), "server.key", NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  h->cert = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  h->body = g_bytes_ref (body);
  h->body_repeat = repeat;
  h->head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
                             g_bytes_get_size (body) * repeat, extra_headers);
  h->cancellable = g_cancellable_new ();
  h->listener = g_socket_listener_new ();
  g_socket_listener_add_address (h->listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  h->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  h->thread = g_thread_new ("hostile-registry", serve, h);
  return h;
}

static void
hostile_stop (Hostile *h)
{
  g_cancellable_cancel (h->cancellable);
  g_socket_listener_close (h->listener);
  g_thread_join (h->thread);
  g_object_unref (h->listener);
  g_object_unref (h->cancellable);
  g_object_unref (h->cert);
  g_bytes_unref (h->body);
  g_free (h->head);
  g_free (h);
}

/* @n_mb megabytes of zeros, gzipped as tight as gzip goes, from a 1 MB buffer. */
static GBytes *
gzip_bomb (guint n_mb)
{
  z_stream z = { 0 };
  g_autofree guint8 *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[65536];

  g_assert_cmpint (deflateInit2 (&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), ==,
                   Z_OK);
  for (guint i = 0; i < n_mb; i++)
    {
      int flush = i + 1 == n_mb ? Z_FINISH : Z_NO_FLUSH;

      z.next_in = zeros;
      z.avail_in = 1024 * 1024;
      do
        {
          z.next_out = chunk;
          z.avail_out = sizeof chunk;
          deflate (&z, flush);
          g_byte_array_append (out, chunk, sizeof chunk - z.avail_out);
        }
      while (z.avail_out == 0);
    }
  deflateEnd (&z);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Asks the hostile registry for its time, as every sync run starts, and expects the station to
 * call the answer damaged. */
static void
assert_refused_answer (const char *extra_headers,
                       GBytes     *body,
                       guint       repeat)
{
  Hostile *h = hostile_start (extra_headers, body, repeat);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%d/", h->port);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autoptr(KsTestStation) st = ks_test_station_new (NULL, NULL);
  g_autoptr(GError) error = NULL;

  ks_sync_engine_set_registry (st->engine, url, ca);
  g_assert_false (ks_test_station_provision (st, KS_TEST_CODE, &error));
  g_test_message ("%u answers served; %s", g_atomic_int_get (&h->served), error->message);
  g_assert_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER);
  g_assert_cmpuint (g_atomic_int_get (&h->served), >=, 1);
  hostile_stop (h);
}

static guint64 baseline_mb;

static void
assert_memory_bounded (void)
{
  guint64 bound = g_getenv ("KS_TEST_QUICK") ? MAX_PEAK_GROWTH_MB_SANITIZED : MAX_PEAK_GROWTH_MB;

  g_test_message ("peak RSS %" G_GUINT64_FORMAT " MB, %" G_GUINT64_FORMAT " MB at start",
                  peak_rss_mb (), baseline_mb);
  g_assert_cmpuint (peak_rss_mb (), <, baseline_mb + bound);
}

/* 200 MB of zeros, 200 KB gzipped: curl inflates as it goes, the station stops at 16 MB. */
static void
test_gzip_bomb (void)
{
  g_autoptr(GBytes) bomb = gzip_bomb (200);

  g_assert_cmpuint (g_bytes_get_size (bomb), <, 1024 * 1024);
  assert_refused_answer ("Content-Encoding: gzip\r\n", bomb, 1);
  assert_memory_bounded ();
}

/* 64 MB of JSON-looking spaces, announced honestly: refused from its Content-Length. */
static void
test_big_answer (void)
{
  g_autofree char *spaces = g_malloc (1024 * 1024);
  g_autoptr(GBytes) body = NULL;

  memset (spaces, ' ', 1024 * 1024);
  body = g_bytes_new_take (g_steal_pointer (&spaces), 1024 * 1024);
  assert_refused_answer ("", body, 64);
  assert_memory_bounded ();
}

/* 100,000 brackets: json-glib would recurse until the station's stack overflows. */
static void
test_deep_json (void)
{
  GString *s = g_string_new ("{\"server_time\":");
  g_autoptr(GBytes) body = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  body = g_string_free_to_bytes (s);
  assert_refused_answer ("", body, 1);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  baseline_mb = peak_rss_mb ();

  g_test_add_func ("/sync-hostile/gzip-bomb", test_gzip_bomb);
  g_test_add_func ("/sync-hostile/big-answer", test_big_answer);
  g_test_add_func ("/sync-hostile/deep-json", test_deep_json);
  ret = g_test_run ();
  return ret;
}
