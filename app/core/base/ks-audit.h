/* ks-audit.h: the station's hash-chained audit log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-store.h"

G_BEGIN_DECLS

#define KS_AUDIT_ERROR (ks_audit_error_quark ())

typedef enum
{
  KS_AUDIT_ERROR_BROKEN_CHAIN = 1,
} KsAuditError;

typedef struct
{
  gint64 seq;
  gint64 at;
  char *actor;
  char *action;
  char *subject;
  char *detail;
  char *hash;
} KsAuditEntry;

GQuark        ks_audit_error_quark (void);
gboolean      ks_audit_append (KsStore    *store,
                               const char *actor,
                               const char *action,
                               const char *subject,
                               const char *detail,
                               GError    **error);
void          ks_audit_append_async (KsStore            *store,
                                     const char         *actor,
                                     const char         *action,
                                     const char         *subject,
                                     const char         *detail,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
gboolean      ks_audit_append_finish (KsStore      *store,
                                      GAsyncResult *result,
                                      GError      **error);
gboolean      ks_audit_verify (KsStore *store,
                               gint64  *bad_seq,
                               GError **error);
GPtrArray    *ks_audit_list (KsStore    *store,
                             const char *subject,
                             guint       limit,
                             GError    **error);
void          ks_audit_list_async (KsStore            *store,
                                   const char         *subject,
                                   guint               limit,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
GPtrArray    *ks_audit_list_finish (GAsyncResult *result,
                                    GError      **error);
void          ks_audit_entry_free (KsAuditEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsAuditEntry, ks_audit_entry_free)

G_END_DECLS
