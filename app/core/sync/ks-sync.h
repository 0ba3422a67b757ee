/* ks-sync.h: the sync engine: reviewed records to the central registry over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-session.h"
#include "ks-store.h"
#include "ks-trust.h"

G_BEGIN_DECLS

#define KS_SYNC_ERROR (ks_sync_error_quark ())

typedef enum
{
  KS_SYNC_ERROR_NOT_CONFIGURED = 1,  /* no registry address, or not https */
  KS_SYNC_ERROR_NOT_PROVISIONED,     /* no access token yet: enter a provisioning code */
  KS_SYNC_ERROR_CANNOT_REACH,        /* no connection to the registry at all */
  KS_SYNC_ERROR_CONNECTION_LOST,     /* connected, then cut before the answer */
  KS_SYNC_ERROR_TIMEOUT,             /* connected, but no answer in time */
  KS_SYNC_ERROR_TLS_UNTRUSTED,       /* the registry's certificate is not trusted */
  KS_SYNC_ERROR_REGISTRY_ERROR,      /* the registry answered an HTTP error (which: in message) */
  KS_SYNC_ERROR_BAD_ANSWER,          /* the answer was cut short or not the protocol's JSON */
  KS_SYNC_ERROR_CLOCK_SKEW,          /* this station's clock is off by more than 5 minutes */
  KS_SYNC_ERROR_REFUSED,             /* the registry refused this station (token, key, code) */
  KS_SYNC_ERROR_BUSY,                /* a sync is already running */
} KsSyncError;

typedef enum
{
  KS_SYNC_CONNECTIVITY_UNKNOWN,      /* nothing tried yet */
  KS_SYNC_CONNECTIVITY_ONLINE,       /* the registry answered the last request */
  KS_SYNC_CONNECTIVITY_OFFLINE,      /* the last request did not reach it (or TLS failed) */
} KsSyncConnectivity;

typedef struct
{
  gint64 pending;        /* reviewed, waiting to be sent */
  gint64 in_flight;      /* sent, answer not known yet, or the registry is still processing */
  gint64 acknowledged;   /* the registry holds them */
  gint64 failed;         /* refused by the registry; a person must look */
} KsSyncCounts;

typedef struct
{
  char *kp_id;
  char *full_name;
  char *message;         /* why the registry refused it, for the operator */
} KsSyncFailure;

/* What the Sync section shows, read in one go off the caller's thread. */
typedef struct
{
  KsSyncCounts counts;
  GPtrArray *failed;     /* (element-type KsSyncFailure) */
  gboolean provisioned;
} KsSyncStatus;

/* Called on the engine's worker thread, once per record sent: the plain biometric template
 * blob of @kp_id, or %NULL when it has none. The engine seals it to the registry's key and
 * drops its reference right away. */
typedef GBytes *(*KsSyncBiometricsFunc) (const char *kp_id,
                                         gpointer    user_data);

#define KS_TYPE_SYNC_CONNECTIVITY (ks_sync_connectivity_get_type ())
#define KS_TYPE_SYNC_ENGINE (ks_sync_engine_get_type ())

G_DECLARE_FINAL_TYPE (KsSyncEngine, ks_sync_engine, KS, SYNC_ENGINE, GObject)

GQuark              ks_sync_error_quark (void);
GType               ks_sync_connectivity_get_type (void);

KsSyncEngine       *ks_sync_engine_new (KsStore       *store,
                                        KsStationKeys *keys);
void                ks_sync_engine_set_registry (KsSyncEngine *self,
                                                 const char   *url,
                                                 const char   *ca_file);
void                ks_sync_engine_set_batch_size (KsSyncEngine *self,
                                                   guint         batch_size);
void                ks_sync_engine_set_interval (KsSyncEngine *self,
                                                 guint         minutes);
void                ks_sync_engine_set_biometrics_func (KsSyncEngine        *self,
                                                        KsSyncBiometricsFunc func,
                                                        gpointer             user_data,
                                                        GDestroyNotify       destroy);

void                ks_sync_engine_provision_async (KsSyncEngine       *self,
                                                    const char         *code,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean            ks_sync_engine_provision_finish (KsSyncEngine *self,
                                                     GAsyncResult *result,
                                                     GError      **error);
gboolean            ks_sync_engine_is_provisioned (KsSyncEngine *self);

void                ks_sync_engine_run_async (KsSyncEngine       *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gboolean            ks_sync_engine_run_finish (KsSyncEngine *self,
                                               GAsyncResult *result,
                                               GError      **error);
void                ks_sync_engine_cancel (KsSyncEngine *self);

gboolean            ks_sync_engine_get_counts (KsSyncEngine *self,
                                               KsSyncCounts *counts,
                                               GError      **error);
GPtrArray          *ks_sync_engine_list_failed (KsSyncEngine *self,
                                                GError      **error);
gboolean            ks_sync_engine_retry (KsSyncEngine *self,
                                          KsSession    *session,
                                          const char   *kp_id,
                                          GError      **error);

void                ks_sync_engine_load_status_async (KsSyncEngine       *self,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
KsSyncStatus       *ks_sync_engine_load_status_finish (KsSyncEngine *self,
                                                       GAsyncResult *result,
                                                       GError      **error);
void                ks_sync_engine_retry_async (KsSyncEngine       *self,
                                                KsSession          *session,
                                                const char         *kp_id,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
gboolean            ks_sync_engine_retry_finish (KsSyncEngine *self,
                                                 GAsyncResult *result,
                                                 GError      **error);

KsTrustList        *ks_sync_engine_load_trust_list (KsSyncEngine *self,
                                                    GError      **error);

gboolean            ks_sync_engine_get_running (KsSyncEngine *self);
double              ks_sync_engine_get_progress (KsSyncEngine *self);
KsSyncConnectivity  ks_sync_engine_get_connectivity (KsSyncEngine *self);
gint64              ks_sync_engine_get_last_success (KsSyncEngine *self);
const char         *ks_sync_engine_get_last_error (KsSyncEngine *self);

void                ks_sync_failure_free (KsSyncFailure *failure);
void                ks_sync_status_free (KsSyncStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSyncFailure, ks_sync_failure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSyncStatus, ks_sync_status_free)

G_END_DECLS
