/* ks-registry-commit.h: group commit: many requests' records made durable by one commit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "ks-registry-store.h"

G_BEGIN_DECLS

typedef struct _KsRegistryCommit KsRegistryCommit;

KsRegistryCommit *ks_registry_commit_new (KsRegistryStore *store);
void              ks_registry_commit_free (KsRegistryCommit *self);
gboolean          ks_registry_commit_join (KsRegistryCommit *self,
                                           GError          **error);
void              ks_registry_commit_add (KsRegistryCommit  *self,
                                          SoupServerMessage *msg,
                                          char              *json);
void              ks_registry_commit_flush (KsRegistryCommit *self);
void              ks_registry_commit_abort (KsRegistryCommit *self);

G_END_DECLS
