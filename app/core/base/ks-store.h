/* ks-store.h: the station's SQLite store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KS_STORE_ERROR (ks_store_error_quark ())

typedef enum
{
  KS_STORE_ERROR_CORRUPT = 1,
  KS_STORE_ERROR_TOO_NEW,
  KS_STORE_ERROR_NOT_WRITABLE,
  KS_STORE_ERROR_BUSY,
  KS_STORE_ERROR_NOT_FOUND,
  KS_STORE_ERROR_CONSTRAINT,
  KS_STORE_ERROR_FAILED,
} KsStoreError;

/* Microseconds since the Unix epoch, like g_get_real_time(); tests replace it. */
typedef gint64 (*KsClockFunc) (gpointer user_data);

#define KS_TYPE_STORE (ks_store_get_type ())

G_DECLARE_FINAL_TYPE (KsStore, ks_store, KS, STORE, GObject)

GQuark      ks_store_error_quark (void);
int         ks_store_get_latest_version (void);
KsStore    *ks_store_open (const char *path,
                           GError    **error);
KsStore    *ks_store_open_at_version (const char *path,
                                      int         version,
                                      GError    **error);
const char *ks_store_get_path (KsStore *self);
gint64      ks_store_now (KsStore *self);
gboolean    ks_store_begin (KsStore *self,
                            GError **error);
gboolean    ks_store_commit (KsStore *self,
                             GError **error);
void        ks_store_rollback (KsStore *self);
gboolean    ks_store_exec (KsStore    *self,
                           const char *sql,
                           GError    **error);
char       *ks_store_get_meta (KsStore    *self,
                               const char *key);
gboolean    ks_store_set_meta (KsStore    *self,
                               const char *key,
                               const char *value,
                               GError    **error);

G_END_DECLS
