/* ks-test-proxy.h: a fault-injecting TCP proxy on loopback, between a station and its registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KS_TEST_PROXY_PASS,             /* every byte both ways */
  KS_TEST_PROXY_DROP_REQUEST,     /* reset both sides after @after_bytes of the request */
  KS_TEST_PROXY_DROP_ANSWER,      /* reset both sides after @after_bytes of the answer */
  KS_TEST_PROXY_TRUNCATE_ANSWER,  /* end the answer cleanly (FIN) after @after_bytes */
  KS_TEST_PROXY_DELAY,            /* hold every chunk, both ways, for @delay_ms */
} KsTestProxyFault;

typedef enum
{
  KS_TEST_PROXY_REQUEST,          /* station to registry */
  KS_TEST_PROXY_ANSWER,           /* registry to station */
} KsTestProxyDirection;

typedef struct _KsTestProxy KsTestProxy;

KsTestProxy *ks_test_proxy_new (int upstream_port);
void         ks_test_proxy_free (KsTestProxy *proxy);
int          ks_test_proxy_get_port (KsTestProxy *proxy);
char        *ks_test_proxy_dup_url (KsTestProxy *proxy);
void         ks_test_proxy_set_upstream (KsTestProxy *proxy,
                                         int          upstream_port);
void         ks_test_proxy_set_fault (KsTestProxy     *proxy,
                                      KsTestProxyFault fault,
                                      guint64          after_bytes,
                                      guint            delay_ms,
                                      guint            connections);
guint64      ks_test_proxy_get_bytes (KsTestProxy         *proxy,
                                      KsTestProxyDirection direction);
gboolean     ks_test_proxy_wait_bytes (KsTestProxy         *proxy,
                                       KsTestProxyDirection direction,
                                       guint64              total,
                                       guint                timeout_ms);
guint        ks_test_proxy_get_connections (KsTestProxy *proxy);
guint        ks_test_proxy_get_faults (KsTestProxy *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsTestProxy, ks_test_proxy_free)

G_END_DECLS
