/* ks-test-proxy.c: a fault-injecting TCP proxy on loopback, between a station and its registry
 *
 * The station's sync engine talks HTTPS to the proxy's port; the proxy passes the bytes, TLS
 * and all, to the registry's port and back, and breaks what the test asks it to break: it
 * resets the connection after so many bytes of the request or of the answer, ends the answer
 * early with a clean FIN, or holds every chunk for a while. Because it only moves bytes, the
 * station sees exactly what a flaky link or a dying registry would show it, and the registry's
 * own code runs unchanged. It also counts the bytes each way, so a test can kill a process at
 * a chosen point of a transfer rather than at a chosen time.
 *
 * It runs in threads of the test process: one accepts, one per connection moves bytes with
 * blocking sockets (the HTTP exchanges here are small and strictly request then answer, so a
 * blocking send never waits on the other direction).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-test-proxy"

#include "config.h"

#include <sys/socket.h>

#include <gio/gio.h>

#include "ks-test-proxy.h"

struct _KsTestProxy
{
  GSocket *listener;
  int port;
  GThread *acceptor;
  gint stop;                  /* atomic */

  GMutex lock;                /* everything below */
  GCond changed;
  int upstream_port;
  KsTestProxyFault fault;
  guint64 after_bytes;
  guint delay_ms;
  guint fault_connections;    /* the next connections the fault applies to */
  guint64 bytes[2];           /* passed so far, by KsTestProxyDirection */
  guint connections;
  guint faults;               /* faults actually injected */
  GPtrArray *threads;
};

typedef struct
{
  KsTestProxy *proxy;
  GSocket *client;
  KsTestProxyFault fault;
  guint64 after_bytes;
  guint delay_ms;
} Link;

/* Closed with a reset (RST), not a FIN: what a crashed peer or a broken link looks like. */
static void
reset (GSocket *socket)
{
  struct linger lg = { 1, 0 };

  if (socket == NULL || g_socket_is_closed (socket))
    return;
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  g_socket_close (socket, NULL);
}

static gboolean
send_all (GSocket    *to,
          const char *data,
          gsize       len)
{
  while (len > 0)
    {
      gssize n = g_socket_send (to, data, len, NULL, NULL);

      if (n <= 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

static void
count (KsTestProxy         *proxy,
       KsTestProxyDirection direction,
       gsize                n)
{
  g_mutex_lock (&proxy->lock);
  proxy->bytes[direction] += n;
  g_cond_broadcast (&proxy->changed);
  g_mutex_unlock (&proxy->lock);
}

static void
count_fault (KsTestProxy *proxy)
{
  g_mutex_lock (&proxy->lock);
  proxy->faults++;
  g_mutex_unlock (&proxy->lock);
}

static GSocket *
connect_upstream (KsTestProxy *proxy)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  int port;

  g_mutex_lock (&proxy->lock);
  port = proxy->upstream_port;
  g_mutex_unlock (&proxy->lock);
  address = g_inet_socket_address_new (loopback, port);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         NULL);
  if (socket == NULL)
    return NULL;
  g_socket_set_timeout (socket, 10);
  if (!g_socket_connect (socket, address, NULL, NULL))
    return NULL;
  return g_steal_pointer (&socket);
}

static gpointer
link_main (gpointer data)
{
  Link *link = data;
  KsTestProxy *proxy = link->proxy;
  g_autoptr(GSocket) upstream = connect_upstream (proxy);
  GSocket *sockets[2] = { link->client, upstream };
  gboolean open[2] = { TRUE, TRUE };   /* still reading from each side */
  guint64 passed[2] = { 0, 0 };
  char buf[16384];

  /* Registry down: the station sees its connection reset, as with nothing listening. */
  if (upstream == NULL)
    {
      reset (link->client);
      goto out;
    }

  while ((open[0] || open[1]) && !g_atomic_int_get (&proxy->stop))
    {
      GPollFD fds[2];
      guint nfds = 0;
      guint side_of[2];

      for (guint side = 0; side < 2; side++)
        if (open[side])
          {
            fds[nfds].fd = g_socket_get_fd (sockets[side]);
            fds[nfds].events = G_IO_IN | G_IO_HUP | G_IO_ERR;
            fds[nfds].revents = 0;
            side_of[nfds++] = side;
          }
      if (g_poll (fds, nfds, 50) <= 0)
        continue;

      for (guint i = 0; i < nfds; i++)
        {
          guint side = side_of[i];
          KsTestProxyDirection dir = side == 0 ? KS_TEST_PROXY_REQUEST : KS_TEST_PROXY_ANSWER;
          GSocket *from = sockets[side], *to = sockets[1 - side];
          gssize n;

          if (fds[i].revents == 0)
            continue;
          n = g_socket_receive (from, buf, sizeof buf, NULL, NULL);
          if (n <= 0)
            {
              /* End of one direction: pass it on, keep the other going. */
              open[side] = FALSE;
              g_socket_shutdown (to, FALSE, TRUE, NULL);
              continue;
            }
          if (link->fault == KS_TEST_PROXY_DELAY)
            g_usleep (link->delay_ms * 1000);
          if (((link->fault == KS_TEST_PROXY_DROP_REQUEST && dir == KS_TEST_PROXY_REQUEST)
               || (link->fault == KS_TEST_PROXY_DROP_ANSWER && dir == KS_TEST_PROXY_ANSWER)
               || (link->fault == KS_TEST_PROXY_TRUNCATE_ANSWER && dir == KS_TEST_PROXY_ANSWER))
              && passed[dir] + (guint64)n >= link->after_bytes)
            {
              gsize part = link->after_bytes - passed[dir];

              send_all (to, buf, part);
              count (proxy, dir, part);
              count_fault (proxy);
              if (link->fault == KS_TEST_PROXY_TRUNCATE_ANSWER)
                {
                  /* The answer ends here, cleanly, as if the registry had sent no more. */
                  g_socket_shutdown (link->client, FALSE, TRUE, NULL);
                  g_socket_close (link->client, NULL);
                  reset (upstream);
                }
              else
                {
                  reset (link->client);
                  reset (upstream);
                }
              goto out;
            }
          if (!send_all (to, buf, n))
            {
              reset (link->client);
              reset (upstream);
              goto out;
            }
          passed[dir] += n;
          count (proxy, dir, n);
        }
    }
  g_socket_close (link->client, NULL);
  g_socket_close (upstream, NULL);

out:
  g_object_unref (link->client);
  g_free (link);
  return NULL;
}

static gpointer
acceptor_main (gpointer data)
{
  KsTestProxy *proxy = data;

  while (!g_atomic_int_get (&proxy->stop))
    {
      GSocket *client;
      Link *link;

      if (!g_socket_condition_timed_wait (proxy->listener, G_IO_IN, 50000, NULL, NULL))
        continue;
      client = g_socket_accept (proxy->listener, NULL, NULL);
      if (client == NULL)
        continue;
      g_socket_set_blocking (client, TRUE);
      g_socket_set_timeout (client, 10);

      link = g_new0 (Link, 1);
      link->proxy = proxy;
      link->client = client;
      g_mutex_lock (&proxy->lock);
      proxy->connections++;
      if (proxy->fault_connections > 0)
        {
          proxy->fault_connections--;
          link->fault = proxy->fault;
          link->after_bytes = proxy->after_bytes;
          link->delay_ms = proxy->delay_ms;
        }
      g_ptr_array_add (proxy->threads, g_thread_new ("ks-test-proxy-link", link_main, link));
      g_mutex_unlock (&proxy->lock);
    }
  return NULL;
}

/* A proxy on an ephemeral port of 127.0.0.1 to @upstream_port there, passing everything. */
KsTestProxy *
ks_test_proxy_new (int upstream_port)
{
  KsTestProxy *proxy = g_new0 (KsTestProxy, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&proxy->lock);
  g_cond_init (&proxy->changed);
  proxy->upstream_port = upstream_port;
  proxy->threads = g_ptr_array_new ();
  proxy->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (proxy->listener, FALSE);
  g_assert_true (g_socket_bind (proxy->listener, any_port, TRUE, &error));
  g_assert_true (g_socket_listen (proxy->listener, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (proxy->listener, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  proxy->acceptor = g_thread_new ("ks-test-proxy", acceptor_main, proxy);
  return proxy;
}

void
ks_test_proxy_free (KsTestProxy *proxy)
{
  g_atomic_int_set (&proxy->stop, 1);
  g_thread_join (proxy->acceptor);
  /* No new links now: the acceptor is gone. */
  for (guint i = 0; i < proxy->threads->len; i++)
    g_thread_join (g_ptr_array_index (proxy->threads, i));
  g_ptr_array_unref (proxy->threads);
  g_socket_close (proxy->listener, NULL);
  g_object_unref (proxy->listener);
  g_mutex_clear (&proxy->lock);
  g_cond_clear (&proxy->changed);
  g_free (proxy);
}

int
ks_test_proxy_get_port (KsTestProxy *proxy)
{
  return proxy->port;
}

/* The address a station is given: the registry's certificate names 127.0.0.1, whatever port. */
char *
ks_test_proxy_dup_url (KsTestProxy *proxy)
{
  return g_strdup_printf ("https://127.0.0.1:%d/", proxy->port);
}

/* The registry moved (restarted on another port): new connections go there. */
void
ks_test_proxy_set_upstream (KsTestProxy *proxy,
                            int          upstream_port)
{
  g_mutex_lock (&proxy->lock);
  proxy->upstream_port = upstream_port;
  g_mutex_unlock (&proxy->lock);
}

/* @fault for the next @connections accepted (the ones already open keep theirs); the rest pass
 * everything. */
void
ks_test_proxy_set_fault (KsTestProxy     *proxy,
                         KsTestProxyFault fault,
                         guint64          after_bytes,
                         guint            delay_ms,
                         guint            connections)
{
  g_mutex_lock (&proxy->lock);
  proxy->fault = fault;
  proxy->after_bytes = after_bytes;
  proxy->delay_ms = delay_ms;
  proxy->fault_connections = fault == KS_TEST_PROXY_PASS ? 0 : connections;
  g_mutex_unlock (&proxy->lock);
}

guint64
ks_test_proxy_get_bytes (KsTestProxy         *proxy,
                         KsTestProxyDirection direction)
{
  guint64 n;

  g_mutex_lock (&proxy->lock);
  n = proxy->bytes[direction];
  g_mutex_unlock (&proxy->lock);
  return n;
}

/* Waits until @total bytes passed in @direction since the proxy started; %FALSE when
 * @timeout_ms passed first. */
gboolean
ks_test_proxy_wait_bytes (KsTestProxy         *proxy,
                          KsTestProxyDirection direction,
                          guint64              total,
                          guint                timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean reached;

  g_mutex_lock (&proxy->lock);
  while (proxy->bytes[direction] < total && g_cond_wait_until (&proxy->changed, &proxy->lock,
                                                               until))
    ;
  reached = proxy->bytes[direction] >= total;
  g_mutex_unlock (&proxy->lock);
  return reached;
}

guint
ks_test_proxy_get_connections (KsTestProxy *proxy)
{
  guint n;

  g_mutex_lock (&proxy->lock);
  n = proxy->connections;
  g_mutex_unlock (&proxy->lock);
  return n;
}

guint
ks_test_proxy_get_faults (KsTestProxy *proxy)
{
  guint n;

  g_mutex_lock (&proxy->lock);
  n = proxy->faults;
  g_mutex_unlock (&proxy->lock);
  return n;
}
