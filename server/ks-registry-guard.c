/* ks-registry-guard.c: what one client may cost the registry
 *
 * libsoup 3.2 has no limit of its own on connections, on how long a client may take to send a
 * request, or on the size of a body: it reads every body into memory before any handler runs.
 * The guard watches each connection from the moment it is accepted (libsoup announces the
 * first request before the TLS handshake) and each request from its headers on:
 *
 * - too many connections in all or from one address: the new one is shut at once;
 * - a connection that has not sent a complete request head within header_timeout_s (a half
 *   sent request, an idle keep-alive, a TLS handshake that never ends), or goes silent for
 *   body_timeout_s in the middle of a body, is shut;
 * - a body announced (Content-Length) or grown past max_body_bytes gets 413 before more is
 *   read, and one that would take the bodies in flight past max_bodies_bytes gets 503;
 * - a body in an encoding other than gzip, or of a type other than JSON, gets 415 unread.
 *
 * Shutting the socket (not closing it) is how a connection ends: libsoup, which owns the
 * file descriptor, then sees end of file and drops the connection itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <json-glib/json-glib.h>

#include "ks-registry-guard.h"
#include "ks-sync-protocol.h"

struct _KsRegistryGuard
{
  SoupServer *server;       /* borrowed: the guard lives as long */
  KsRegistryLimits limits;
  GHashTable *connections;  /* GSocket * (weak) -> Connection */
  GHashTable *per_address;  /* address -> GUINT_TO_POINTER (open connections) */
  gsize bodies_bytes;
  gulong started_id;
  guint sweep_id;
};

typedef struct
{
  KsRegistryGuard *guard;
  GSocket *socket;          /* weak */
  char *address;
  gint64 deadline;          /* monotonic; 0: already shut */
  gint64 shut_at;
} Connection;

/* One request. */
typedef struct
{
  KsRegistryGuard *guard;
  GSocket *socket;          /* weak pointer */
  gsize body_bytes;         /* counted in guard->bodies_bytes until the request finishes */
  gboolean refused;
} Request;

static void
shut (GSocket *socket)
{
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

static void
set_deadline (KsRegistryGuard *guard,
              GSocket         *socket,
              guint            seconds)
{
  Connection *conn = socket ? g_hash_table_lookup (guard->connections, socket) : NULL;

  if (conn != NULL && conn->deadline != 0)
    conn->deadline = g_get_monotonic_time () + (gint64)seconds * G_USEC_PER_SEC;
}

static void
connection_free (Connection *conn)
{
  KsRegistryGuard *guard = conn->guard;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (guard->per_address, conn->address));

  if (n > 1)
    g_hash_table_replace (guard->per_address, g_strdup (conn->address), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (guard->per_address, conn->address);
  g_free (conn->address);
  g_free (conn);
}

static void
connection_gone (gpointer data,
                 GObject *where_the_socket_was)
{
  Connection *conn = data;

  g_hash_table_remove (conn->guard->connections, where_the_socket_was);
  connection_free (conn);
}

static void
request_release_body (Request *req)
{
  req->guard->bodies_bytes -= req->body_bytes;
  req->body_bytes = 0;
}

static void
request_free (gpointer data)
{
  Request *req = data;

  request_release_body (req);
  g_clear_weak_pointer (&req->socket);
  g_free (req);
}

/**
 * ks_registry_refuse:
 *
 * Answers @msg at once and closes its connection, without reading the rest of the request:
 * what a handler of libsoup cannot do, since libsoup reads the whole body before it calls one.
 * The answer has the registry's usual error form (docs/registry-protocol.md).
 */
void
ks_registry_refuse (SoupServerMessage *msg,
                    guint              status,
                    const char        *code,
                    const char        *message)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *head = NULL;
  GOutputStream *out;
  Request *req = g_object_get_data (G_OBJECT (msg), "ks-registry-request");

  if (req != NULL)
    {
      if (req->refused)
        return;
      req->refused = TRUE;
    }
  if (soup_server_message_get_socket (msg) != NULL)
    socket = g_object_ref (soup_server_message_get_socket (msg));
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
                          status, soup_status_get_phrase (status), strlen (json),
                          status == 503 ? "Retry-After: 1\r\n" : "");

  /* A few hundred bytes: they fit in the socket's send buffer even when the client reads
   * nothing, so these writes do not block the registry. */
  out = g_io_stream_get_output_stream (stream);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, json, strlen (json), NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  if (socket != NULL)
    shut (socket);
}

static void
got_headers (SoupServerMessage *msg,
             Request           *req)
{
  KsRegistryGuard *guard = req->guard;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  gboolean has_body = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED
                      || soup_message_headers_get_content_length (headers) > 0;

  set_deadline (guard, req->socket, guard->limits.body_timeout_s);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset)guard->limits.max_body_bytes)
    {
      ks_registry_refuse (msg, 413, "too-large", "The request body is larger than the "
                          "registry accepts.");
      return;
    }
  if (!has_body)
    return;
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") != 0
      && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      ks_registry_refuse (msg, 415, "unsupported-media-type", "Bodies are sent as JSON, "
                          "plain or with Content-Encoding: gzip.");
      return;
    }
  /* Version 2 batches are framed: JSON, then the sealed biometrics as raw bytes. */
  if (type != NULL && g_ascii_strcasecmp (type, KS_SYNC_BATCH_MEDIA_TYPE) == 0
      && g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), "/v1/records/batch") == 0)
    return;
  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    ks_registry_refuse (msg, 415, "unsupported-media-type", "Bodies are sent with "
                        "Content-Type: application/json (or, for a batch, "
                        KS_SYNC_BATCH_MEDIA_TYPE ").");
}

static void
got_chunk (SoupServerMessage *msg,
           GBytes            *chunk,
           Request           *req)
{
  KsRegistryGuard *guard = req->guard;
  gsize len = g_bytes_get_size (chunk);

  if (req->refused)
    return;
  req->body_bytes += len;
  guard->bodies_bytes += len;
  set_deadline (guard, req->socket, guard->limits.body_timeout_s);
  if (req->body_bytes > guard->limits.max_body_bytes)
    ks_registry_refuse (msg, 413, "too-large", "The request body is larger than the registry "
                        "accepts.");
  else if (guard->bodies_bytes > guard->limits.max_bodies_bytes)
    ks_registry_refuse (msg, 503, "busy", "The registry is receiving too much at once. Try "
                        "again shortly.");
}

static void
got_body (SoupServerMessage *msg,
          Request           *req)
{
  /* The handler runs next; the answer must then leave within the body timeout. */
  set_deadline (req->guard, req->socket, req->guard->limits.body_timeout_s);
}

/* Answered. libsoup 3.2 starts the next request of a kept-alive connection only when its
 * first bytes arrive, and keeps this one until then: the idle time is bounded from here, and
 * the body stops counting as in flight (the handler has flattened and dropped its copy). */
static void
finished (SoupServerMessage *msg,
          Request           *req)
{
  set_deadline (req->guard, req->socket, req->guard->limits.header_timeout_s);
  request_release_body (req);
}

static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 KsRegistryGuard   *guard)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  Connection *conn;
  Request *req;

  if (socket == NULL)
    return;
  conn = g_hash_table_lookup (guard->connections, socket);
  if (conn == NULL)
    {
      GSocketAddress *remote = soup_server_message_get_remote_address (msg);
      GInetAddress *inet = G_IS_INET_SOCKET_ADDRESS (remote)
                           ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))
                           : NULL;
      guint n;

      conn = g_new0 (Connection, 1);
      conn->guard = guard;
      conn->socket = socket;
      conn->address = inet ? g_inet_address_to_string (inet) : g_strdup ("");
      g_object_weak_ref (G_OBJECT (socket), connection_gone, conn);
      g_hash_table_insert (guard->connections, socket, conn);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (guard->per_address, conn->address)) + 1;
      g_hash_table_replace (guard->per_address, g_strdup (conn->address), GUINT_TO_POINTER (n));
      if (n > guard->limits.max_connections_per_address
          || g_hash_table_size (guard->connections) > guard->limits.max_connections)
        {
          shut (socket);
          return;
        }
      conn->deadline = 1;
    }
  /* A new connection, or the next request on a kept-alive one: its head must come soon. */
  set_deadline (guard, socket, guard->limits.header_timeout_s);

  req = g_new0 (Request, 1);
  req->guard = guard;
  g_set_weak_pointer (&req->socket, socket);
  g_object_set_data_full (G_OBJECT (msg), "ks-registry-request", req, request_free);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers), req);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk), req);
  g_signal_connect (msg, "got-body", G_CALLBACK (got_body), req);
  g_signal_connect (msg, "finished", G_CALLBACK (finished), req);
}

static gboolean
sweep (gpointer data)
{
  KsRegistryGuard *guard = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Connection *conn;

  g_hash_table_iter_init (&iter, guard->connections);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&conn))
    {
      /* libsoup 3.2 closes a connection's socket but may keep the object alive long after
   * (one whose client left while it was idle, forever): a closed socket no longer
   * counts. */
      if (g_socket_is_closed (conn->socket))
        {
          g_object_weak_unref (G_OBJECT (conn->socket), connection_gone, conn);
          g_hash_table_iter_remove (&iter);
          connection_free (conn);
        }
      else if (conn->deadline > 1 && now > conn->deadline)
        {
          conn->deadline = 0;
          conn->shut_at = now;
          shut (conn->socket);
        }
      else if (conn->deadline == 0 && conn->shut_at == 0)
        conn->shut_at = now;
      else if (conn->deadline == 0 && now - conn->shut_at > G_USEC_PER_SEC)
        {
          /* Shut a second ago and still open: libsoup 3.2 drops a connection whose TLS
           * handshake failed without closing its socket, so the descriptor would leak (and
           * with enough of them, accept() fails for everyone). Its reads have all failed by
           * now; closing is what is left. */
          g_socket_close (conn->socket, NULL);
        }
    }
  return G_SOURCE_CONTINUE;
}

KsRegistryGuard *
ks_registry_guard_new (SoupServer             *server,
                       const KsRegistryLimits *limits)
{
  KsRegistryGuard *guard = g_new0 (KsRegistryGuard, 1);

  guard->server = server;
  guard->limits = *limits;
  guard->connections = g_hash_table_new (NULL, NULL);
  guard->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guard->started_id = g_signal_connect (server, "request-started", G_CALLBACK (request_started),
                                        guard);
  guard->sweep_id = g_timeout_add (250, sweep, guard);
  return guard;
}

/* After the server: connections and requests must be gone first. */
void
ks_registry_guard_free (KsRegistryGuard *guard)
{
  GHashTableIter iter;
  GSocket *socket;
  Connection *conn;

  g_source_remove (guard->sweep_id);
  g_hash_table_iter_init (&iter, guard->connections);
  while (g_hash_table_iter_next (&iter, (gpointer *)&socket, (gpointer *)&conn))
    {
      g_object_weak_unref (G_OBJECT (socket), connection_gone, conn);
      g_hash_table_iter_remove (&iter);
      connection_free (conn);
    }
  g_hash_table_unref (guard->connections);
  g_hash_table_unref (guard->per_address);
  g_free (guard);
}
