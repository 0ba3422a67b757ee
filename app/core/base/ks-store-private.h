/* ks-store-private.h: what other core modules need from the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "ks-store.h"

G_BEGIN_DECLS

sqlite3      *_ks_store_get_db (KsStore *self);
sqlite3_stmt *_ks_store_prepare (KsStore    *self,
                                 const char *sql,
                                 GError    **error);
gboolean      _ks_store_step_done (KsStore      *self,
                                   sqlite3_stmt *stmt,
                                   GError      **error);
void          _ks_store_set_error (KsStore *self,
                                   int      rc,
                                   GError **error);
gboolean      _ks_store_in_transaction (KsStore *self);
/* The schema version the store is at: an upgrade test enrolls with today's code on an older one. */
int           _ks_store_get_version (KsStore *self);
void          _ks_store_lock (KsStore *self);
void          _ks_store_unlock (KsStore *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The audit chain's writing half: ks_audit_append() and the store's own upgrade steps. */
gboolean      _ks_store_audit_append (KsStore    *self,
                                      const char *actor,
                                      const char *action,
                                      const char *subject,
                                      const char *detail,
                                      GError    **error);
char         *_ks_store_audit_entry_hash (const char *prev_hash,
                                          gint64      seq,
                                          gint64      at,
                                          const char *actor,
                                          const char *action,
                                          const char *subject,
                                          const char *detail);

G_END_DECLS
