/* ks-registry-guard.h: what one client may cost the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint max_connections;              /* open at once, all clients */
  guint max_connections_per_address;  /* open at once from one IP address */
  guint header_timeout_s;             /* from connect (TLS handshake included) or the end of
                                       * the last answer to a complete request head */
  guint body_timeout_s;               /* silence allowed while a body or an answer moves */
  gsize max_body_bytes;               /* one request body as sent (compressed) */
  gsize max_bodies_bytes;             /* every request body held at once */
} KsRegistryLimits;

typedef struct _KsRegistryGuard KsRegistryGuard;

KsRegistryGuard *ks_registry_guard_new (SoupServer             *server,
                                        const KsRegistryLimits *limits);
void             ks_registry_guard_free (KsRegistryGuard *guard);
void             ks_registry_refuse (SoupServerMessage *msg,
                                     guint              status,
                                     const char        *code,
                                     const char        *message);

G_END_DECLS
