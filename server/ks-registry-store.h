/* ks-registry-store.h: where the reference registry keeps stations and records
 *
 * A small vtable so the HTTP layer does not know which database it talks to: SQLite
 * (ks-registry-store.c, the default, for training and tests) or PostgreSQL
 * (ks-registry-store-pg.c, for a province's central registry), chosen in registry.conf.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_REGISTRY_ERROR (ks_registry_error_quark ())

typedef enum
{
  KS_REGISTRY_ERROR_STORAGE = 1,
  KS_REGISTRY_ERROR_CODE_INVALID,
} KsRegistryError;

typedef struct
{
  char *kid;
  char *station_code;
  char *public_key_hex;
  char *token_hash;
  gboolean revoked;
} KsRegistryStation;

/* One record as received, before the registry's verdict. */
typedef struct
{
  const char *kp_id;
  const char *station_kid;
  const char *content_hash;
  const char *decision;
  const char *reason;
  const char *decided_by;
  gint64 decided_at;
  const char *cnic;
  const char *payload;
  GBytes *biometrics_sealed;
} KsRegistrySubmission;

typedef struct
{
  char *status;        /* accepted, duplicate, rejected, processing, unknown */
  char *content_hash;
  char *duplicate_of;
  char *reason;
  gboolean same_record;
} KsRegistryVerdict;

typedef struct _KsRegistryStore KsRegistryStore;

typedef struct
{
  gboolean (*begin)(KsRegistryStore *self,
                    GError         **error);
  gboolean (*commit)(KsRegistryStore *self,
                     GError         **error);
  void (*rollback)(KsRegistryStore *self);
  /* Looks the record up by ID and stores the verdict the caller decided when it is new. */
  gboolean (*lookup)(KsRegistryStore   *self,
                     const char        *kp_id,
                     KsRegistryVerdict *verdict);
  char              *(*find_cnic)(KsRegistryStore            *self,
                                  const char                 *cnic);
  gboolean (*insert)(KsRegistryStore            *self,
                     const KsRegistrySubmission *sub,
                     const KsRegistryVerdict    *verdict,
                     GError                    **error);
  guint (*resolve_processing)(KsRegistryStore *self);
  gboolean (*claim_code)(KsRegistryStore *self,
                         const char      *code,
                         const char      *kid,
                         GError         **error);
  gboolean (*add_code)(KsRegistryStore *self,
                       const char      *code,
                       GError         **error);
  gboolean (*put_station)(KsRegistryStore         *self,
                          const KsRegistryStation *station,
                          GError                 **error);
  KsRegistryStation *(*get_station)(KsRegistryStore            *self,
                                    const char                 *kid);
  char              *(*get_secret)(KsRegistryStore            *self,
                                   const char                 *name);
  /* A NULL value deletes the secret. */
  gboolean (*set_secret)(KsRegistryStore *self,
                         const char      *name,
                         const char      *value,
                         GError         **error);
  void (*free)(KsRegistryStore *self);
} KsRegistryStoreVTable;

struct _KsRegistryStore
{
  const KsRegistryStoreVTable *vtable;
};

GQuark             ks_registry_error_quark (void);
KsRegistryStore   *ks_registry_store_new_sqlite (const char *path,
                                                 GError    **error);
/* @conninfo: a libpq connection string or URI (ks-registry-store-pg.c). */
KsRegistryStore   *ks_registry_store_new_postgresql (const char *conninfo,
                                                     GError    **error);
gboolean           ks_registry_postgresql_conninfo_check (const char *conninfo,
                                                          GError    **error);
void               ks_registry_store_free (KsRegistryStore *self);
void               ks_registry_station_free (KsRegistryStation *station);
void               ks_registry_verdict_clear (KsRegistryVerdict *verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsRegistryStation, ks_registry_station_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KsRegistryVerdict, ks_registry_verdict_clear)

G_END_DECLS
