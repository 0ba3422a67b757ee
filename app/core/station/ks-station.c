/* ks-station.c: one running station: its profile, store, settings and signed-in operator
 *
 * Opening a station takes the profile's lock first and only then opens the database, so a
 * second window on the same profile is refused before it can touch anything. Password checks
 * cost about 0.1 s of Argon2id each: the *_async() calls run them in a worker thread so the
 * sign-in screen keeps answering.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-station"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-card-holder.h"
#include "ks-cards.h"
#include "ks-fingers.h"
#include "ks-record-fingers.h"
#include "ks-duplicate-search.h"
#include "ks-photo.h"
#include "ks-records.h"
#include "ks-slip.h"
#include "ks-station-rules.h"
#include "ks-station-config-private.h"
#include "ks-station.h"
#include "ks-training.h"

struct _KsStation
{
  GObject parent_instance;

  KsProfile *profile;
  KsStore *store;
  KsStationConfig *config;
  GSettings *preferences;     /* the sign-in screen's language only: a person's choice */
  KsReference *reference;
  KsSession *session;

  /* Made at first need (set-up makes them); the mutex because set-up runs in a worker thread. */
  GMutex keys_lock;
  KsStationKeys *keys;

  /* One reader service per run, made on first need on the main thread (libfprint enumerates
   * the readers there); the training profile's simulated reader feeds it. */
  KsFingerprintService *fingerprint_service;
  KsVirtualScanner *virtual_scanner;
  KsVault *biometrics_vault;

  /* The one sync engine of this run, made once its keys are loaded
   * (ks_station_load_sync_engine_async()): it outlives the windows, so a language switch does
   * not stop a sync. */
  KsSyncEngine *sync_engine;
  KsDuplicateSearch *duplicate_search;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_SYNC_ENGINE,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (KsStation, ks_station, G_TYPE_OBJECT)

static void
ks_station_dispose (GObject *object)
{
  KsStation *self = (KsStation *)object;

  /* A job holds the engine: without the cancel, its run would go on after the station. */
  if (self->sync_engine != NULL)
    ks_sync_engine_cancel (self->sync_engine);
  g_clear_object (&self->sync_engine);
  g_clear_object (&self->session);
  /* Its index thread reads the store: stopped before the store goes. */
  if (self->duplicate_search != NULL)
    ks_duplicate_search_stop (self->duplicate_search);
  g_clear_object (&self->duplicate_search);
  g_clear_object (&self->virtual_scanner);
  g_clear_object (&self->fingerprint_service);
  g_clear_object (&self->biometrics_vault);
  g_clear_object (&self->keys);
  g_clear_object (&self->preferences);
  g_clear_object (&self->config);
  g_clear_pointer (&self->reference, ks_reference_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (ks_station_parent_class)->dispose (object);
}

static void
ks_station_finalize (GObject *object)
{
  KsStation *self = (KsStation *)object;

  g_mutex_clear (&self->keys_lock);

  G_OBJECT_CLASS (ks_station_parent_class)->finalize (object);
}

static void
ks_station_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KsStation *self = KS_STATION (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->sync_engine);
      break;

    case PROP_ONLINE:
      g_value_set_boolean (value, ks_station_get_online (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_station_class_init (KsStationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_station_dispose;
  object_class->finalize = ks_station_finalize;
  object_class->get_property = ks_station_get_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, KS_TYPE_SESSION,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * KsStation:sync-engine:
   *
   * The station's sync engine, %NULL until ks_station_load_sync_engine_async() made it.
   */
  properties[PROP_SYNC_ENGINE] =
    g_param_spec_object ("sync-engine", NULL, NULL, KS_TYPE_SYNC_ENGINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * KsStation:online:
   *
   * %TRUE while the registry answered the sync engine's last request.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ks_station_init (KsStation *self)
{
  g_mutex_init (&self->keys_lock);
}

/**
 * ks_station_open:
 * @profile_name: `production` or `training`
 * @data_dir: (nullable): the folder for profile data, or %NULL for the XDG data folder
 *
 * Every failure (folder not writable, profile in use, damaged or newer database) comes back as
 * an error whose message tells the operator what to do; nothing is overwritten.
 */
KsStation *
ks_station_open (const char *profile_name,
                 const char *data_dir,
                 GError    **error)
{
  g_autoptr(KsStation) self = g_object_new (KS_TYPE_STATION, NULL);
  g_autofree char *db_path = NULL;
  g_autofree char *settings_path = NULL;
  g_autoptr(GPtrArray) repaired = NULL;

  if (sodium_init () < 0)
    g_error ("libsodium could not start");

  /* Districts, services and reasons: without them no record can be entered. */
  self->reference = ks_reference_load_default (error);
  if (self->reference == NULL)
    return NULL;

  self->profile = ks_profile_new (profile_name, data_dir, error);
  if (self->profile == NULL || !ks_profile_lock (self->profile, error))
    return NULL;

  /* Before the database opens, so its -wal and -shm files are covered too. */
  repaired = ks_profile_repair_permissions (self->profile);

  db_path = ks_profile_build_path (self->profile, "station.db");
  self->store = ks_store_open (db_path, error);
  if (self->store == NULL)
    return NULL;
  if (repaired->len > 0)
    {
      g_autofree char *detail = NULL;

      g_ptr_array_add (repaired, NULL);
      detail = g_strjoinv ("; ", (char **)repaired->pdata);
      if (!ks_audit_append (self->store, "station", "permissions-repaired",
                            ks_profile_get_name (self->profile), detail, error))
        return NULL;
    }

  /* The station's configuration is in its own database, so each data folder has its own. */
  self->config = ks_station_config_new (self->store, ks_profile_is_training (self->profile),
                                        error);
  if (self->config == NULL)
    return NULL;

  /* GSettings keeps only the person's preferences now; the profile's old GSettings path still
   * holds what stations before the station_config table saved there, copied once. */
  settings_path = g_strdup_printf ("/pk/gov/kp/KhyberPassStation/profiles/%s/",
                                   ks_profile_get_name (self->profile));
  self->preferences = g_settings_new_with_path ("pk.gov.kp.KhyberPassStation.Station",
                                                settings_path);
  if (!_ks_station_config_import_legacy (self->config, self->preferences, error))
    return NULL;

  /* The biometrics key is read (or made) here, with the store, where the application opens the
   * station: in a worker thread. Widgets that need it later get it at once. When it cannot be
   * read now, ks_station_get_biometrics_vault() says why each time it is asked. */
  ks_station_get_biometrics_vault (self, NULL);

  /* The station-wide de-duplication index is built in its own thread from here on: the window
   * does not wait for it, and a duplicate check waits only for what it still lacks. */
  ks_duplicate_search_update (ks_station_get_duplicate_search (self));

  return g_steal_pointer (&self);
}

typedef struct
{
  char *profile_name;
  char *data_dir;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_free (job->profile_name);
  g_free (job->data_dir);
  g_free (job);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  GError *error = NULL;
  KsStation *station = ks_station_open (job->profile_name, job->data_dir, &error);

  if (station == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, station, g_object_unref);
}

/**
 * ks_station_open_async:
 *
 * ks_station_open() in a worker thread (the profile lock, the database and its migrations).
 * The station's preferences (GSettings) then notify on the global default main context.
 */
void
ks_station_open_async (const char         *profile_name,
                       const char         *data_dir,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (profile_name != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_open_async);
  job = g_new0 (OpenJob, 1);
  job->profile_name = g_strdup (profile_name);
  job->data_dir = g_strdup (data_dir);
  g_task_set_task_data (task, job, (GDestroyNotify)open_job_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * ks_station_open_finish:
 *
 * Returns: (transfer full): the station, or %NULL with @error set as for ks_station_open()
 */
KsStation *
ks_station_open_finish (GAsyncResult *result,
                        GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

KsProfile *
ks_station_get_profile (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->profile;
}

KsReference *
ks_station_get_reference (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->reference;
}

KsStore *
ks_station_get_store (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->store;
}

/**
 * ks_station_get_config:
 *
 * The station's own configuration (code, district, policy, registry, rules), kept in its
 * store. Reads are quick and in memory; changes go through ks_station_config_set_value_async().
 *
 * Returns: (transfer none): the configuration
 */
KsStationConfig *
ks_station_get_config (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->config;
}

/**
 * ks_station_get_preferences:
 *
 * The person's preferences for this profile (the sign-in screen's language), in GSettings:
 * nothing the station's rules or identity depend on.
 *
 * Returns: (transfer none): the preferences
 */
GSettings *
ks_station_get_preferences (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->preferences;
}

gboolean
ks_station_is_training (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), FALSE);
  return ks_profile_is_training (self->profile);
}

KsSession *
ks_station_get_session (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->session;
}

void
ks_station_set_session (KsStation *self,
                        KsSession *session)
{
  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (!session || KS_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

typedef struct
{
  char *username;
  char *full_name;
  char *password;
  char *district;
  char *station_code;
} Credentials;

static void
credentials_free (Credentials *c)
{
  g_free (c->username);
  g_free (c->full_name);
  g_free (c->district);
  g_free (c->station_code);
  if (c->password != NULL)
    {
      sodium_memzero (c->password, strlen (c->password));
      g_free (c->password);
    }
  g_free (c);
}

static Credentials *
credentials_new (const char *username,
                 const char *full_name,
                 const char *password)
{
  Credentials *c = g_new0 (Credentials, 1);

  c->username = g_strdup (username);
  c->full_name = g_strdup (full_name);
  c->password = g_strdup (password);
  return c;
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  KsStation *self = source_object;
  Credentials *c = task_data;
  GError *error = NULL;
  KsSession *session;

  session = ks_session_sign_in (self->store, c->username, c->password,
                                ks_profile_is_training (self->profile), &error);
  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, session, g_object_unref);
}

void
ks_station_sign_in_async (KsStation          *self,
                          const char         *username,
                          const char         *password,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_sign_in_async);
  g_task_set_task_data (task, credentials_new (username, NULL, password),
                        (GDestroyNotify)credentials_free);
  g_task_run_in_thread (task, sign_in_thread);
}

/**
 * ks_station_sign_in_finish:
 *
 * Returns: (transfer full): the new session; the caller makes it current with
 *   ks_station_set_session()
 */
KsSession *
ks_station_sign_in_finish (KsStation    *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
unlock_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KsSession *session = source_object;
  Credentials *c = task_data;
  GError *error = NULL;

  if (ks_session_unlock (session, c->password, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
unlock_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* The session's "locked" notification must reach the UI on its own thread. */
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_object_notify (object, "locked");
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

void
ks_station_unlock_async (KsStation          *self,
                         const char         *password,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (self->session != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_unlock_async);

  inner = g_task_new (self->session, cancellable, unlock_done, g_steal_pointer (&task));
  g_task_set_task_data (inner, credentials_new (NULL, NULL, password),
                        (GDestroyNotify)credentials_free);
  g_task_run_in_thread (inner, unlock_thread);
}

gboolean
ks_station_unlock_finish (KsStation    *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The first supervisor, the district and the station code, in one transaction with their
 * audit entries: set-up either keeps all of them or none. Read back afterwards, so a set-up
 * that did not save what it needs says so instead of "done". */
static gboolean
setup_station (KsStation   *self,
               Credentials *c,
               KsAccount  **account,
               GError     **error)
{
  g_autoptr(GVariant) district = g_variant_ref_sink (g_variant_new_string (c->district ? c->district
                                                                                       : ""));
  g_autoptr(GVariant) code = g_variant_ref_sink (g_variant_new_string (c->station_code
                                                                       ? c->station_code : ""));
  gboolean training = ks_profile_is_training (self->profile);

  if (!ks_station_config_check_value (training, "district", district, error) ||
      !ks_station_config_check_value (training, "station-code", code, error))
    return FALSE;
  if (!ks_store_begin (self->store, error))
    return FALSE;
  *account = ks_accounts_create_first_supervisor (self->store, c->username, c->full_name,
                                                  c->password, error);
  if (*account == NULL ||
      !_ks_station_config_write (self->store, c->username, "setting-changed", "district",
                                 district, NULL, error) ||
      !_ks_station_config_write (self->store, c->username, "setting-changed", "station-code",
                                 code, NULL, error))
    {
      ks_store_rollback (self->store);
      g_clear_object (account);
      return FALSE;
    }
  if (!ks_store_commit (self->store, error))
    {
      g_clear_object (account);
      return FALSE;
    }
  _ks_station_config_reload (self->config);

  {
    g_autoptr(GVariant) saved_district = ks_station_config_read (self->store, "district");
    g_autoptr(GVariant) saved_code = ks_station_config_read (self->store, "station-code");

    if (!g_variant_equal (saved_district, district) || !g_variant_equal (saved_code, code))
      {
        g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_NOT_SAVED,
                     _("The station could not save its district and station code. Check that "
                       "the disk is not full or read-only, then start the station again."));
        g_clear_object (account);
        return FALSE;
      }
  }
  return TRUE;
}

/**
 * ks_station_set_up:
 * @district: the district code chosen at set-up
 * @station_code: the station's code, three capital letters or digits
 *
 * First set-up, blocking (Argon2id, key generation): the first supervisor, the district and the
 * station code in one transaction, then the signing keys made with that code, and the new
 * supervisor signed in. Refuses (and keeps nothing) when any of them cannot be saved. The UI
 * calls ks_station_create_first_supervisor_async().
 *
 * Returns: (transfer full): the new supervisor's session
 */
KsSession *
ks_station_set_up (KsStation  *self,
                   const char *username,
                   const char *full_name,
                   const char *password,
                   const char *district,
                   const char *station_code,
                   GError    **error)
{
  g_autoptr(KsAccount) account = NULL;
  Credentials *c;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  c = credentials_new (username, full_name, password);
  c->district = g_strdup (district);
  c->station_code = g_strdup (station_code);
  ok = setup_station (self, c, &account, error);
  credentials_free (c);
  if (!ok)
    return NULL;
  /* The signing keys are made now, with the station code just saved, so the first card does
   * not wait for them and a missing key folder shows up at set-up. */
  if (ks_station_get_keys (self, error) == NULL)
    return NULL;
  /* The new supervisor is signed in at once: the set-up screen just asked for the password. */
  if (!ks_audit_append (self->store, ks_account_get_username (account), "sign-in",
                        ks_account_get_username (account), "first set-up", error))
    return NULL;
  return ks_session_new (self->store, account, ks_profile_is_training (self->profile));
}

static void
setup_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsStation *self = source_object;
  Credentials *c = task_data;
  GError *error = NULL;
  KsSession *session;

  session = ks_station_set_up (self, c->username, c->full_name, c->password, c->district,
                               c->station_code, &error);
  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, session, g_object_unref);
}

void
ks_station_create_first_supervisor_async (KsStation          *self,
                                          const char         *username,
                                          const char         *full_name,
                                          const char         *password,
                                          const char         *district,
                                          const char         *station_code,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  Credentials *c;

  g_return_if_fail (KS_IS_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_create_first_supervisor_async);
  c = credentials_new (username, full_name, password);
  c->district = g_strdup (district);
  c->station_code = g_strdup (station_code);
  g_task_set_task_data (task, c, (GDestroyNotify)credentials_free);
  g_task_run_in_thread (task, setup_thread);
}

KsSession *
ks_station_create_first_supervisor_finish (KsStation    *self,
                                           GAsyncResult *result,
                                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_station_get_keys:
 *
 * The station's signing keys and its trust list, kept in the profile's `keys/` folder. They are
 * made at first set-up (ks_station_create_first_supervisor_async()) with the `station-code`
 * setting (in the store); a station set up before keys existed makes them on first use here. Safe to call
 * from a worker thread.
 *
 * Returns: (transfer none): the keys, or %NULL when the key folder cannot be read or written
 */
KsStationKeys *
ks_station_get_keys (KsStation *self,
                     GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  locker = g_mutex_locker_new (&self->keys_lock);
  if (self->keys == NULL)
    {
      g_autofree char *dir = ks_profile_build_path (self->profile, "keys");
      g_autofree char *code = ks_station_config_read_string (self->store, "station-code");

      self->keys = ks_station_keys_load_or_create (dir, code[0] ? code : NULL, error);
    }
  return self->keys;
}

/**
 * ks_station_get_trust_list:
 *
 * The stations whose cards this station accepts: its own, and whatever trust lists were
 * imported, with the cards this station revoked. The list changes in place when a sync brings
 * the registry's (on the thread that runs the sync engine) or a file is imported: a worker
 * takes a copy with ks_station_dup_trust_list() instead.
 *
 * Returns: (transfer none): the trust list, or %NULL as for ks_station_get_keys()
 */
KsTrustList *
ks_station_get_trust_list (KsStation *self,
                           GError   **error)
{
  KsStationKeys *keys = ks_station_get_keys (self, error);
  KsTrustList *trust;
  gboolean ok;

  if (keys == NULL)
    return NULL;
  trust = ks_station_keys_lock_trust_list (keys);
  /* The cards this station revoked count here at once, before a sync brings them back in the
   * registry's list. Merged in memory only: keys/trust.json holds what the registry said. */
  ok = ks_cards_add_revocations (self->store, trust, ks_station_keys_get_station_code (keys),
                                 error);
  ks_station_keys_unlock_trust_list (keys);
  return ok ? trust : NULL;
}

/**
 * ks_station_dup_trust_list:
 *
 * A copy of ks_station_get_trust_list(), made under the trust list's lock: safe from any
 * thread, and no import or sync changes it while a card is checked with it.
 *
 * Returns: (transfer full): the copy, or %NULL as for ks_station_get_keys()
 */
KsTrustList *
ks_station_dup_trust_list (KsStation *self,
                           GError   **error)
{
  g_autoptr(KsTrustList) copy = NULL;
  KsStationKeys *keys;
  KsTrustList *trust;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  if ((keys = ks_station_get_keys (self, error)) == NULL)
    return NULL;
  copy = ks_trust_list_new ();
  trust = ks_station_keys_lock_trust_list (keys);
  ok = ks_cards_add_revocations (self->store, trust, ks_station_keys_get_station_code (keys),
                                 error);
  if (ok)
    ks_trust_list_merge (copy, trust);
  ks_station_keys_unlock_trust_list (keys);
  return ok ? g_steal_pointer (&copy) : NULL;
}

/**
 * ks_station_import_trust_list:
 * @path: a trust list (JSON) from the registry or another station
 *
 * Merges the file into the station's trust list and saves it, so an offline station learns of
 * other stations (and of revoked keys) from a file carried to it. A damaged file changes
 * nothing, and neither does one that would replace or shadow a key already trusted
 * (ks_trust_list_add_list()). Safe from a worker thread (ks_station_import_trust_list_async()).
 */
gboolean
ks_station_import_trust_list (KsStation  *self,
                              const char *path,
                              GError    **error)
{
  g_autoptr(KsTrustList) imported = NULL;
  g_autofree char *trust_path = NULL;
  KsStationKeys *keys;
  KsTrustList *trust;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((keys = ks_station_get_keys (self, error)) == NULL)
    return FALSE;
  imported = ks_trust_list_new_from_file (path, error);
  if (imported == NULL)
    return FALSE;

  trust_path = ks_profile_build_path (self->profile, "keys" G_DIR_SEPARATOR_S "trust.json");
  trust = ks_station_keys_lock_trust_list (keys);
  ok = ks_cards_add_revocations (self->store, trust, ks_station_keys_get_station_code (keys),
                                 error) &&
       ks_trust_list_add_list (trust, imported, error) &&
       ks_trust_list_save (trust, trust_path, error);
  ks_station_keys_unlock_trust_list (keys);
  return ok;
}

typedef struct
{
  char *path;           /* a file to check or import; NULL: the camera */
  char *actor;          /* import: who, for the audit log */
} CardFileJob;

static void
card_file_job_free (CardFileJob *job)
{
  g_free (job->path);
  g_free (job->actor);
  g_free (job);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KsStation *self = source_object;
  CardFileJob *job = task_data;
  g_autofree char *base = g_path_get_basename (job->path);
  GError *error = NULL;

  if (!ks_station_import_trust_list (self, job->path, &error) ||
      !ks_audit_append (self->store, job->actor, "trust-list-imported", "", base, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_import_trust_list_async:
 * @session: (nullable): who imports; %NULL names the station in the audit log
 *
 * ks_station_import_trust_list() and its audit entry, in a worker thread.
 */
void
ks_station_import_trust_list_async (KsStation          *self,
                                    KsSession          *session,
                                    const char         *path,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  CardFileJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_import_trust_list_async);
  job = g_new0 (CardFileJob, 1);
  job->path = g_strdup (path);
  job->actor = g_strdup (session ? ks_session_get_username (session) : "station");
  g_task_set_task_data (task, job, (GDestroyNotify)card_file_job_free);
  g_task_run_in_thread (task, import_thread);
}

gboolean
ks_station_import_trust_list_finish (KsStation    *self,
                                     GAsyncResult *result,
                                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* How long the camera looks for a QR code before giving up. */
#define CAMERA_TIMEOUT_MS 20000

typedef struct
{
  KsVerifyResult *result;
  gboolean issued_here;
  char *trust_problem;
} Verification;

static void
verification_free (Verification *v)
{
  g_clear_pointer (&v->result, ks_verify_result_free);
  g_free (v->trust_problem);
  g_free (v);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KsStation *self = source_object;
  CardFileJob *job = task_data;
  g_autoptr(KsTrustList) trust = NULL;
  g_autoptr(GError) trust_error = NULL;
  Verification *v;
  GError *error = NULL;
  KsVerifyOptions opts;
  KsVerifyResult *result;

  /* A copy: an import or a sync may change the station's list while this runs. Without it
   * (a damaged key folder) the check still runs, and says so. */
  trust = ks_station_dup_trust_list (self, &trust_error);
  if (trust == NULL)
    trust = ks_trust_list_new ();
  ks_verify_options_init (&opts);
  opts.trust = trust;

  if (job->path == NULL)
    {
      g_autofree char *text = ks_card_scan_camera ("/dev/video0", CAMERA_TIMEOUT_MS, &error);

      result = text ? ks_card_verify_text (text, &opts) : NULL;
    }
  else
    result = ks_card_verify_file (job->path, &opts, &error);
  if (result == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  v = g_new0 (Verification, 1);
  v->result = result;
  v->trust_problem = trust_error ? g_strdup (trust_error->message) : NULL;
  if (result->credential != NULL && result->credential->station_code != NULL)
    {
      KsStationKeys *keys = ks_station_get_keys (self, NULL);

      v->issued_here = keys != NULL &&
                       g_strcmp0 (ks_station_keys_get_station_code (keys),
                                  result->credential->station_code) == 0;
    }
  g_task_return_pointer (task, v, (GDestroyNotify)verification_free);
}

/**
 * ks_station_verify_card_async:
 * @path: (nullable): a PNG (photo or scan) or PDF of a card; %NULL to read the first QR code
 *   the camera sees
 *
 * Checks a card against a copy of the station's trust list, in a worker thread: reading a
 * 300 dpi PDF and searching it for the QR takes a good part of a second.
 */
void
ks_station_verify_card_async (KsStation          *self,
                              const char         *path,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  CardFileJob *job;

  g_return_if_fail (KS_IS_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_verify_card_async);
  job = g_new0 (CardFileJob, 1);
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify)card_file_job_free);
  g_task_run_in_thread (task, verify_thread);
}

/**
 * ks_station_verify_card_finish:
 * @issued_here: (out) (optional): whether this station issued the card
 * @trust_problem: (out) (optional) (transfer full): why the trust list could not be read, or
 *   %NULL; the card was then checked against an empty list
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set when the file or the camera
 *   gave nothing to check
 */
KsVerifyResult *
ks_station_verify_card_finish (KsStation    *self,
                               GAsyncResult *result,
                               gboolean     *issued_here,
                               char        **trust_problem,
                               GError      **error)
{
  Verification *v;
  KsVerifyResult *verdict;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  v = g_task_propagate_pointer (G_TASK (result), error);
  if (v == NULL)
    return NULL;
  if (issued_here != NULL)
    *issued_here = v->issued_here;
  if (trust_problem != NULL)
    *trust_problem = g_steal_pointer (&v->trust_problem);
  verdict = g_steal_pointer (&v->result);
  verification_free (v);
  return verdict;
}

/**
 * ks_station_issue_card:
 * @session: (nullable): who asks; %NULL for the command line
 *
 * Signs the card of an approved citizen with this station's key (ks_cards_issue()): the stored
 * (normalised) record, the registry as issuer, the card validity setting, SPECIMEN in
 * training. Refused with %KS_CARDS_ERROR_NOT_APPROVED for a record that awaits review or was
 * rejected. Blocks (key loading, signing): call it from a worker thread in the UI.
 *
 * Returns: (transfer full): the card
 */
KsCard *
ks_station_issue_card (KsStation  *self,
                       KsSession  *session,
                       const char *kp_id,
                       GError    **error)
{
  g_autofree char *registry = NULL;
  KsCardIssueOptions options = { 0 };
  KsStationKeys *keys;

  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  /* Refused before the keys are touched: a rejected record needs no key. */
  if (!ks_cards_check_issuable (self->store, kp_id, error))
    return NULL;
  if (!(keys = ks_station_get_keys (self, error)))
    return NULL;
  registry = ks_station_config_dup_string (self->config, "registry-url");
  options.issuer_uri = registry[0] ? registry : NULL;
  options.validity_years = ks_station_config_get_uint (self->config, "card-validity-years");
  options.specimen = ks_station_is_training (self);
  return ks_cards_issue (self->store, session, keys, self->reference, self->profile, kp_id,
                         &options, error);
}

/* Submitting an enrollment ***********************************************************/

void
ks_submission_free (KsSubmission *submission)
{
  if (submission == NULL)
    return;
  g_free (submission->kp_id);
  g_clear_pointer (&submission->slip, ks_slip_free);
  g_clear_error (&submission->slip_error);
  g_clear_pointer (&submission->card, ks_card_free);
  g_clear_error (&submission->card_error);
  g_free (submission);
}

typedef struct
{
  KsSession *session;
  KsRecord *record;
  gint64 draft_id;
} SubmitJob;

static void
submit_job_free (SubmitJob *job)
{
  g_clear_object (&job->session);
  g_clear_object (&job->record);
  g_free (job);
}

static void
submit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KsStation *self = source_object;
  SubmitJob *job = task_data;
  /* District, station code, approval policy and station rules: ks_records_submit() reads
   * them itself. */
  KsSubmitOptions options = { NULL };
  g_autoptr(KsSubmission) submission = g_new0 (KsSubmission, 1);
  GError *error = NULL;

  submission->kp_id = ks_records_submit (self->store, job->session, job->draft_id, job->record,
                                         self->reference, &options, &error);
  if (submission->kp_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The new fingers join the de-duplication index in the background. */
  if (self->duplicate_search != NULL)
    ks_duplicate_search_update (self->duplicate_search);
  /* The record is stored; the slip and (when approval is off, so the record is approved
   * already) the card are separate steps: if either fails, the record stays and they can be
   * made later from Review. */
  submission->slip = ks_slip_new_for_record (self->store, submission->kp_id,
                                             ks_station_is_training (self),
                                             &submission->slip_error);
  submission->approved = ks_cards_check_issuable (self->store, submission->kp_id, NULL);
  if (submission->approved)
    submission->card = ks_station_issue_card (self, job->session, submission->kp_id,
                                              &submission->card_error);
  g_task_return_pointer (task, g_steal_pointer (&submission), (GDestroyNotify)ks_submission_free);
}

/**
 * ks_station_submit_async:
 * @session: the operator who enrolled the citizen
 * @draft_id: the draft the record was saved as (it goes when the record is stored)
 * @record: the record as the wizard filled it; copied
 *
 * Submits an enrollment in a worker thread (ks_records_submit()), then makes the citizen's
 * slip and, when the record is approved at once, the signed card.
 */
void
ks_station_submit_async (KsStation          *self,
                         KsSession          *session,
                         gint64              draft_id,
                         KsRecord           *record,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SubmitJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (KS_IS_RECORD (record));

  job = g_new0 (SubmitJob, 1);
  job->session = g_object_ref (session);
  job->record = ks_record_copy (record);
  job->draft_id = draft_id;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_submit_async);
  g_task_set_task_data (task, job, (GDestroyNotify)submit_job_free);
  g_task_run_in_thread (task, submit_thread);
}

/**
 * ks_station_submit_finish:
 *
 * Returns: (transfer full): what the submit gave, or %NULL when the record was not stored
 *   (the draft is still there)
 */
KsSubmission *
ks_station_submit_finish (KsStation    *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_station_submit_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The enrollment wizard's store work *************************************************/

/* Every call below reads or writes the store (and the rules look at the disk): the wizard
 * asks for them from the UI thread, so they run in a worker thread. */

void
ks_enroll_status_free (KsEnrollStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->refusal);
  g_clear_pointer (&status->mine, g_ptr_array_unref);
  g_clear_pointer (&status->stale, g_ptr_array_unref);
  g_free (status);
}

void
ks_enrolled_free (KsEnrolled *enrolled)
{
  if (enrolled == NULL)
    return;
  g_clear_pointer (&enrolled->info, ks_record_info_free);
  g_free (enrolled);
}

typedef struct
{
  KsSession *session;
  KsRecord *record;
  gint64 record_id;
  gint64 draft_id;
  char *text;                   /* a CNIC or a Khyber Pass ID */
  KsDraftInfo *draft_info;      /* out */
  KsRecordInfo *record_info;    /* out */
} EnrollJob;

static void
enroll_job_free (EnrollJob *job)
{
  g_clear_object (&job->session);
  g_clear_object (&job->record);
  g_free (job->text);
  g_clear_pointer (&job->draft_info, ks_draft_info_free);
  g_clear_pointer (&job->record_info, ks_record_info_free);
  g_free (job);
}

static void
run_enroll_job (KsStation          *self,
                EnrollJob          *job,
                gpointer            source_tag,
                GTaskThreadFunc     thread,
                GCancellable       *cancellable,
                GAsyncReadyCallback callback,
                gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify)enroll_job_free);
  g_task_run_in_thread (task, thread);
}

static void
enroll_status_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  g_autoptr(KsEnrollStatus) status = g_new0 (KsEnrollStatus, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_path_get_dirname (ks_store_get_path (self->store));
  KsStationRules rules;

  /* The station's rules (too many records awaiting review, no sync for too long, disk nearly
   * full) stop new enrollments; drafts can still be opened. */
  ks_station_rules_from_config (&rules, self->config);
  status->allowed = ks_station_rules_check (self->store, &rules, data_dir, &error);
  if (!status->allowed)
    status->refusal = g_strdup (error->message);
  status->mine = ks_drafts_list_mine (self->store, job->session, NULL);
  if (ks_session_can (job->session, KS_PERMISSION_SEE_STALE_DRAFTS))
    status->stale = ks_drafts_list_stale (self->store, job->session,
                                          ks_station_config_get_uint (self->config,
                                                                      "stale-draft-days"),
                                          NULL);
  g_task_return_pointer (task, g_steal_pointer (&status), (GDestroyNotify)ks_enroll_status_free);
}

/**
 * ks_station_enroll_status_async:
 * @session: the operator at the enrollment start page
 *
 * What the start page shows: whether the station's rules allow a new enrollment (and why
 * not), the operator's drafts and, for supervisors, the stale drafts.
 */
void
ks_station_enroll_status_async (KsStation          *self,
                                KsSession          *session,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));

  job = g_new0 (EnrollJob, 1);
  job->session = g_object_ref (session);
  run_enroll_job (self, job, ks_station_enroll_status_async, enroll_status_thread, cancellable,
                  callback, user_data);
}

/**
 * ks_station_enroll_status_finish:
 *
 * Returns: (transfer full): the status
 */
KsEnrollStatus *
ks_station_enroll_status_finish (KsStation    *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
create_draft_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  GError *error = NULL;
  gint64 draft = ks_drafts_create (self->store, job->session, job->record, job->record_id,
                                   &error);

  if (draft == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, draft);
}

/**
 * ks_station_create_draft_async:
 * @record: the record to start from; copied
 * @record_id: the stored record the draft corrects, or 0 for a new enrollment
 *
 * ks_drafts_create() in a worker thread.
 */
void
ks_station_create_draft_async (KsStation          *self,
                               KsSession          *session,
                               KsRecord           *record,
                               gint64              record_id,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (KS_IS_RECORD (record));

  job = g_new0 (EnrollJob, 1);
  job->session = g_object_ref (session);
  job->record = ks_record_copy (record);
  job->record_id = record_id;
  run_enroll_job (self, job, ks_station_create_draft_async, create_draft_thread, cancellable,
                  callback, user_data);
}

/**
 * ks_station_create_draft_finish:
 *
 * Returns: the new draft's id, or 0 with @error set
 */
gint64
ks_station_create_draft_finish (KsStation    *self,
                                GAsyncResult *result,
                                GError      **error)
{
  gssize draft;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  draft = g_task_propagate_int (G_TASK (result), error);
  return draft > 0 ? draft : 0;
}

static void
load_draft_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  GError *error = NULL;
  KsRecord *record = ks_drafts_load (self->store, job->draft_id, &job->draft_info, &error);

  if (record == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, record, g_object_unref);
}

/**
 * ks_station_load_draft_async:
 *
 * ks_drafts_load() in a worker thread.
 */
void
ks_station_load_draft_async (KsStation          *self,
                             gint64              draft_id,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));

  job = g_new0 (EnrollJob, 1);
  job->draft_id = draft_id;
  run_enroll_job (self, job, ks_station_load_draft_async, load_draft_thread, cancellable,
                  callback, user_data);
}

/**
 * ks_station_load_draft_finish:
 * @info: (out) (optional) (transfer full): the draft's details
 *
 * Returns: (transfer full): the draft's record
 */
KsRecord *
ks_station_load_draft_finish (KsStation    *self,
                              GAsyncResult *result,
                              KsDraftInfo **info,
                              GError      **error)
{
  KsRecord *record;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  record = g_task_propagate_pointer (G_TASK (result), error);
  if (record != NULL && info != NULL)
    {
      EnrollJob *job = g_task_get_task_data (G_TASK (result));
      *info = g_steal_pointer (&job->draft_info);
    }
  return record;
}

static void
discard_draft_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  GError *error = NULL;

  if (!ks_drafts_discard (self->store, job->session, job->draft_id, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_discard_draft_async:
 *
 * ks_drafts_discard() in a worker thread.
 */
void
ks_station_discard_draft_async (KsStation          *self,
                                KsSession          *session,
                                gint64              draft_id,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));

  job = g_new0 (EnrollJob, 1);
  job->session = g_object_ref (session);
  job->draft_id = draft_id;
  run_enroll_job (self, job, ks_station_discard_draft_async, discard_draft_thread, cancellable,
                  callback, user_data);
}

gboolean
ks_station_discard_draft_finish (KsStation    *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
find_enrolled_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  g_autoptr(KsEnrolled) enrolled = NULL;
  g_autoptr(KsRecordInfo) existing = ks_records_find_by_cnic (self->store, job->text, NULL);
  g_autoptr(KsDraftInfo) draft = NULL;
  g_autoptr(KsRecord) ignored = NULL;

  if (existing == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  /* The draft already corrects that record: it is the same citizen, not a second one. */
  if (job->draft_id > 0)
    ignored = ks_drafts_load (self->store, job->draft_id, &draft, NULL);
  if (draft != NULL && draft->record_id == existing->id)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  enrolled = g_new0 (KsEnrolled, 1);
  enrolled->editable = ks_records_is_editable (self->store, existing->kp_id, NULL);
  enrolled->info = g_steal_pointer (&existing);
  g_task_return_pointer (task, g_steal_pointer (&enrolled), (GDestroyNotify)ks_enrolled_free);
}

/**
 * ks_station_find_enrolled_async:
 * @cnic: the CNIC or B-form number typed in the wizard
 * @draft_id: the draft being filled, or 0
 *
 * Looks for a citizen already enrolled at this station with @cnic, other than the record
 * the draft corrects.
 */
void
ks_station_find_enrolled_async (KsStation          *self,
                                const char         *cnic,
                                gint64              draft_id,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (cnic != NULL);

  job = g_new0 (EnrollJob, 1);
  job->text = g_strdup (cnic);
  job->draft_id = draft_id;
  run_enroll_job (self, job, ks_station_find_enrolled_async, find_enrolled_thread, cancellable,
                  callback, user_data);
}

/**
 * ks_station_find_enrolled_finish:
 *
 * Returns: (transfer full) (nullable): the citizen's record, or %NULL (and no error) when the
 *   citizen is not enrolled here yet
 */
KsEnrolled *
ks_station_find_enrolled_finish (KsStation    *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
load_record_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KsStation *self = source_object;
  EnrollJob *job = task_data;
  GError *error = NULL;
  g_autoptr(KsRecord) record = NULL;

  if (!(record = ks_records_load (self->store, job->text, &error)) ||
      !(job->record_info = ks_records_get_info (self->store, job->text, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&record), g_object_unref);
}

/**
 * ks_station_load_record_async:
 * @kp_id: a stored record's Khyber Pass ID
 *
 * ks_records_load() and ks_records_get_info() in a worker thread.
 */
void
ks_station_load_record_async (KsStation          *self,
                              const char         *kp_id,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  EnrollJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (kp_id != NULL);

  job = g_new0 (EnrollJob, 1);
  job->text = g_strdup (kp_id);
  run_enroll_job (self, job, ks_station_load_record_async, load_record_thread, cancellable,
                  callback, user_data);
}

/**
 * ks_station_load_record_finish:
 * @info: (out) (optional) (transfer full): the record's state and details
 *
 * Returns: (transfer full): the record
 */
KsRecord *
ks_station_load_record_finish (KsStation     *self,
                               GAsyncResult  *result,
                               KsRecordInfo **info,
                               GError       **error)
{
  KsRecord *record;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  record = g_task_propagate_pointer (G_TASK (result), error);
  if (record != NULL && info != NULL)
    {
      EnrollJob *job = g_task_get_task_data (G_TASK (result));
      *info = g_steal_pointer (&job->record_info);
    }
  return record;
}

typedef struct
{
  KsSession *session;
  char *password;
  GStrv kp_ids;
  KsRecordState to;
  char *reason;
  char *note;
  gboolean confirmed_exceptions;
} Decision;

static void
decision_free (Decision *d)
{
  if (d->password != NULL)
    {
      sodium_memzero (d->password, strlen (d->password));
      g_free (d->password);
    }
  g_clear_object (&d->session);
  g_strfreev (d->kp_ids);
  g_free (d->reason);
  g_free (d->note);
  g_free (d);
}

static void
decide_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  KsStation *self = source_object;
  Decision *d = task_data;
  g_autoptr(KsAccount) account = NULL;
  GError *error = NULL;

  /* The password proves the supervisor is still the one at the keyboard. */
  account = ks_accounts_authenticate (self->store, ks_session_get_username (d->session),
                                      d->password, &error);
  sodium_memzero (d->password, strlen (d->password));
  if (account == NULL ||
      !ks_records_decide_batch (self->store, d->session, (const char *const *)d->kp_ids, d->to,
                                d->reason, d->note, d->confirmed_exceptions, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_decide_async:
 * @session: the supervisor deciding
 * @password: the supervisor's password, asked again for each batch (copied, and wiped once
 *   checked)
 * @reason: (nullable): the rejection reason
 * @note: (nullable): the supervisor's note
 *
 * Checks the password, then decides the batch (ks_records_decide_batch()) in a worker thread:
 * Argon2 and the batch's transaction take long enough to freeze a window.
 */
void
ks_station_decide_async (KsStation          *self,
                         KsSession          *session,
                         const char         *password,
                         const char *const  *kp_ids,
                         KsRecordState       to,
                         const char         *reason,
                         const char         *note,
                         gboolean            confirmed_exceptions,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  Decision *d;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (password != NULL);
  g_return_if_fail (kp_ids != NULL);

  d = g_new0 (Decision, 1);
  d->session = g_object_ref (session);
  d->password = g_strdup (password);
  d->kp_ids = g_strdupv ((char **)kp_ids);
  d->to = to;
  d->reason = g_strdup (reason);
  d->note = g_strdup (note);
  d->confirmed_exceptions = confirmed_exceptions;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_decide_async);
  g_task_set_task_data (task, d, (GDestroyNotify)decision_free);
  g_task_run_in_thread (task, decide_thread);
}

gboolean
ks_station_decide_finish (KsStation    *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_station_decide_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ks_station_check_registry_url:
 * @url: (nullable): a registry address
 *
 * ks_registry_url_check() for this station's profile: the training profile refuses any
 * registry that is not on this computer. May look the name up (blocking).
 */
gboolean
ks_station_check_registry_url (KsStation    *self,
                               const char   *url,
                               GCancellable *cancellable,
                               GError      **error)
{
  g_return_val_if_fail (KS_IS_STATION (self), FALSE);

  return ks_registry_url_check (ks_profile_is_training (self->profile), url, cancellable, error);
}

/**
 * ks_station_reset_training:
 * @session: a trainer's session
 *
 * Wipes what the class entered (ks_training_wipe_store()) and the training keys, so cards
 * printed in class no longer verify on this station; new keys are made at once. Accounts and
 * settings stay, and @session stays signed in. Refused outside the training profile.
 */
gboolean
ks_station_reset_training (KsStation *self,
                           KsSession *session,
                           GError   **error)
{
  g_autofree char *keys_dir = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  g_return_val_if_fail (KS_IS_STATION (self), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (session), FALSE);

  /* Checked here as well as in the store: the keys below must never go on production. */
  if (!ks_profile_is_training (self->profile))
    {
      g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING,
                   _("Only the training profile can be reset. Nothing was deleted."));
      return FALSE;
    }
  if (!ks_training_wipe_store (self->store, session, error))
    return FALSE;
  /* New keys below: the practice registry must see this station as new, so it provisions again
   * (the next training start does it) instead of refusing the old token with the new key. */
  if (!ks_store_exec (self->store,
                      "DELETE FROM meta WHERE key IN ('registry-token', 'registry-box-key', "
                      "'registry-id', 'registry-trust-list', 'sync-last-success')",
                      error))
    return FALSE;

  g_mutex_lock (&self->keys_lock);
  g_clear_object (&self->keys);
  keys_dir = ks_profile_build_path (self->profile, "keys");
  dir = g_file_new_for_path (keys_dir);
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  /* The key folder is flat (key pair, trust list): no recursion needed. */
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, NULL, NULL, NULL) && info != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));

      g_file_delete (child, NULL, NULL);
    }
  g_mutex_unlock (&self->keys_lock);

  return ks_station_get_keys (self, error) != NULL;
}

static void
reset_training_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;

  if (!ks_station_reset_training (source_object, task_data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_reset_training_async:
 * @session: a trainer's session
 *
 * ks_station_reset_training() in a worker thread (the store, the key files, new keys).
 */
void
ks_station_reset_training_async (KsStation          *self,
                                 KsSession          *session,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (KS_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_reset_training_async);
  g_task_set_task_data (task, g_object_ref (session), g_object_unref);
  g_task_run_in_thread (task, reset_training_thread);
}

gboolean
ks_station_reset_training_finish (KsStation    *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * ks_station_get_fingerprint_service:
 *
 * The station's fingerprint reader service, made on first call; call it on the main thread.
 * In the training profile the reader is libfprint's virtual_image driver on a socket in the
 * profile folder, fed by the simulated scanner (ks_station_get_virtual_scanner()); a production
 * station only ever sees real readers.
 *
 * Returns: (transfer none): the service
 */
KsFingerprintService *
ks_station_get_fingerprint_service (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  if (self->fingerprint_service != NULL)
    return self->fingerprint_service;

  if (ks_profile_is_training (self->profile))
    {
      g_autofree char *socket_path = ks_profile_build_path (self->profile,
                                                            "virtual-scanner.socket");

      /* A socket left by a station that was killed would make the driver fail to listen. */
      g_unlink (socket_path);
      ks_virtual_scanner_setup_environment (socket_path);
      self->fingerprint_service = ks_fingerprint_service_new ();
      self->virtual_scanner = ks_virtual_scanner_new (socket_path);
      ks_virtual_scanner_attach (self->virtual_scanner, self->fingerprint_service);
    }
  else
    {
      /* Never a simulated reader in production, whatever the environment says. */
      g_unsetenv ("FP_VIRTUAL_IMAGE");
      g_unsetenv ("FP_VIRTUAL_DEVICE");
      g_unsetenv ("FP_VIRTUAL_DEVICE_STORAGE");
      self->fingerprint_service = ks_fingerprint_service_new ();
    }
  return self->fingerprint_service;
}

/**
 * ks_station_get_virtual_scanner:
 *
 * Returns: (transfer none) (nullable): the simulated reader of the training profile, once the
 *   fingerprint service exists; %NULL in production
 */
KsVirtualScanner *
ks_station_get_virtual_scanner (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->virtual_scanner;
}

/**
 * ks_station_get_biometrics_vault:
 *
 * The key that seals fingerprint templates and images, `keys/biometrics.key` in the profile
 * folder (made on first use, owner-only), outside the database. Safe to call from a worker
 * thread.
 *
 * Returns: (transfer none): the vault, or %NULL when the key cannot be read or made
 */
KsVault *
ks_station_get_biometrics_vault (KsStation *self,
                                 GError   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  /* The sync engine's loader opens it from a worker thread. */
  locker = g_mutex_locker_new (&self->keys_lock);
  if (self->biometrics_vault == NULL)
    {
      g_autofree char *dir = ks_profile_build_path (self->profile, "keys");
      g_autofree char *path = g_build_filename (dir, "biometrics.key", NULL);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("The station cannot create its key folder %s (%s). Check that the disk "
                         "is not full or read-only."),
                       dir, g_strerror (saved_errno));
          return NULL;
        }
      self->biometrics_vault = ks_vault_open (path, error);
    }
  return self->biometrics_vault;
}

static void
needs_setup_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KsStation *self = source_object;

  g_task_return_boolean (task, ks_accounts_needs_setup (self->store));
}

/**
 * ks_station_needs_setup_async:
 *
 * Whether the station still waits for its first supervisor (ks_accounts_needs_setup()), read
 * in a worker thread.
 */
void
ks_station_needs_setup_async (KsStation          *self,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_needs_setup_async);
  g_task_run_in_thread (task, needs_setup_thread);
}

/**
 * ks_station_needs_setup_finish:
 *
 * Returns: %TRUE when no account exists yet; %FALSE with @error set when cancelled
 */
gboolean
ks_station_needs_setup_finish (KsStation    *self,
                               GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
holder_check_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  KsStation *self = source_object;
  const char *kp_id = task_data;
  GError *error = NULL;
  KsHolderCheck *check = NULL;
  KsVault *vault;

  vault = ks_station_get_biometrics_vault (self, &error);
  if (vault != NULL)
    check = ks_holder_check_load (self->store, vault, kp_id, cancellable, &error);
  if (check == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, check, g_object_unref);
}

/**
 * ks_station_load_holder_check_async:
 * @kp_id: the Khyber Pass ID on a card this station issued
 *
 * The holder's enrolled fingers, decrypted and their templates prepared in a worker thread,
 * for a 1:1 check of the person holding the card (ks-holder-check.h).
 */
void
ks_station_load_holder_check_async (KsStation          *self,
                                    const char         *kp_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (kp_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_load_holder_check_async);
  g_task_set_task_data (task, g_strdup (kp_id), g_free);
  g_task_run_in_thread (task, holder_check_thread);
}

/**
 * ks_station_load_holder_check_finish:
 *
 * Returns: (transfer full): the check, or %NULL with @error set: the holder is not enrolled
 *   here, or has no fingerprint, or the biometrics key is missing
 */
KsHolderCheck *
ks_station_load_holder_check_finish (KsStation    *self,
                                     GAsyncResult *result,
                                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The sync engine ******************************************************************/

/* What the sync worker reads a record's fingers with: its own references, because it runs on
 * the engine's thread. */
typedef struct
{
  KsStore *store;
  KsVault *vault;
} BiometricsSource;

static void
biometrics_source_free (BiometricsSource *source)
{
  g_clear_object (&source->store);
  g_clear_object (&source->vault);
  g_free (source);
}

static GBytes *
record_biometrics (const char *kp_id,
                   gpointer    user_data)
{
  BiometricsSource *source = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *blob = ks_fingers_export_for_registry (source->store, source->vault, kp_id, &error);

  if (error != NULL)
    g_debug ("Fingers of %s not sent: %s", kp_id, error->message);
  return blob;
}

static void
on_sync_connectivity (KsStation *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

/* On the caller's thread: the engine answers on the context it was made in. */
static KsSyncEngine *
adopt_sync_engine (KsStation     *self,
                   KsStationKeys *keys,
                   KsVault       *vault)
{
  if (self->sync_engine != NULL)
    return self->sync_engine;

  self->sync_engine = ks_sync_engine_new (self->store, keys);
  /* Each record's fingers travel with it, sealed by the engine to the registry's key. */
  if (vault != NULL)
    {
      BiometricsSource *source = g_new0 (BiometricsSource, 1);

      source->store = g_object_ref (self->store);
      source->vault = g_object_ref (vault);
      ks_sync_engine_set_biometrics_func (self->sync_engine, record_biometrics, source,
                                          (GDestroyNotify)biometrics_source_free);
    }
  ks_station_config_bind (self->config, "registry-url", self->sync_engine, "registry-url");
  ks_station_config_bind (self->config, "registry-ca-file", self->sync_engine, "ca-file");
  ks_station_config_bind (self->config, "sync-batch-size", self->sync_engine, "batch-size");
  ks_station_config_bind (self->config, "sync-interval-minutes", self->sync_engine,
                          "interval-minutes");
  g_signal_connect_object (self->sync_engine, "notify::connectivity",
                           G_CALLBACK (on_sync_connectivity), self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ENGINE]);
  return self->sync_engine;
}

typedef struct
{
  KsStationKeys *keys;
  KsVault *vault;
} EngineParts;

static void
engine_parts_free (EngineParts *parts)
{
  g_clear_object (&parts->keys);
  g_clear_object (&parts->vault);
  g_free (parts);
}

static void
load_engine_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KsStation *self = source_object;
  EngineParts *parts = g_new0 (EngineParts, 1);
  GError *error = NULL;
  KsStationKeys *keys = ks_station_get_keys (self, &error);

  if (keys == NULL)
    {
      engine_parts_free (parts);
      g_task_return_error (task, error);
      return;
    }
  parts->keys = g_object_ref (keys);
  /* Without the biometrics key the records still sync, without their fingers. */
  parts->vault = ks_station_get_biometrics_vault (self, NULL);
  if (parts->vault != NULL)
    g_object_ref (parts->vault);
  g_task_return_pointer (task, parts, (GDestroyNotify)engine_parts_free);
}

static void
load_engine_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KsStation *self = KS_STATION (source);
  EngineParts *parts;
  GError *error = NULL;

  parts = g_task_propagate_pointer (G_TASK (result), &error);
  if (parts == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_object_ref (adopt_sync_engine (self, parts->keys, parts->vault)),
                         g_object_unref);
  engine_parts_free (parts);
}

/**
 * ks_station_load_sync_engine_async:
 *
 * Makes the station's sync engine, once per run: the station's keys (read, or made at first
 * need) and the biometrics key are loaded in a worker thread, then the engine is made on the
 * caller's thread and bound to the station's configuration (registry, batch size, interval).
 * Call it from the thread whose main context should receive the engine's notifications. A
 * second call returns the same engine.
 */
void
ks_station_load_sync_engine_async (KsStation          *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;

  g_return_if_fail (KS_IS_STATION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_load_sync_engine_async);
  if (self->sync_engine != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->sync_engine), g_object_unref);
      return;
    }
  worker = g_task_new (self, cancellable, load_engine_done, g_steal_pointer (&task));
  g_task_run_in_thread (worker, load_engine_thread);
}

/**
 * ks_station_load_sync_engine_finish:
 *
 * Returns: (transfer full): the sync engine, or %NULL when the station's keys cannot be read
 *   or made (the message says what to do)
 */
KsSyncEngine *
ks_station_load_sync_engine_finish (KsStation    *self,
                                    GAsyncResult *result,
                                    GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_station_get_sync_engine:
 *
 * Returns: (transfer none) (nullable): the sync engine, once loaded
 */
KsSyncEngine *
ks_station_get_sync_engine (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return self->sync_engine;
}

/**
 * ks_station_get_online:
 *
 * Returns: %TRUE while the registry answered the sync engine's last request
 */
gboolean
ks_station_get_online (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), FALSE);
  return self->sync_engine != NULL &&
         ks_sync_engine_get_connectivity (self->sync_engine) == KS_SYNC_CONNECTIVITY_ONLINE;
}

/**
 * ks_station_get_duplicate_search:
 *
 * The station's search for a finger captured twice, already on record or enrolled under
 * another identity (its index is built when the station opens). It opens the fingers on record
 * with the biometrics key once the station has one.
 *
 * Returns: (transfer none): the search
 */
KsDuplicateSearch *
ks_station_get_duplicate_search (KsStation *self)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);

  if (self->duplicate_search == NULL)
    self->duplicate_search = ks_duplicate_search_new (self->store);
  if (ks_duplicate_search_get_vault (self->duplicate_search) == NULL)
    ks_duplicate_search_set_vault (self->duplicate_search,
                                   ks_station_get_biometrics_vault (self, NULL));
  return self->duplicate_search;
}

typedef struct
{
  KsSession *session;
  char *kp_id;
  KsSlip *slip;
} IssueCard;

static void
issue_card_free (IssueCard *job)
{
  g_clear_object (&job->session);
  g_free (job->kp_id);
  g_clear_pointer (&job->slip, ks_slip_free);
  g_free (job);
}

static void
issue_card_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  KsStation *self = source_object;
  IssueCard *job = task_data;
  GError *error = NULL;
  KsCard *card = ks_station_issue_card (self, job->session, job->kp_id, &error);

  if (card == NULL && g_error_matches (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED))
    {
      g_autoptr(KsRecordInfo) info = ks_records_get_info (self->store, job->kp_id, NULL);

      if (info != NULL && info->decision != KS_RECORD_STATE_REJECTED)
        job->slip = ks_slip_new_for_record (self->store, job->kp_id, ks_station_is_training (
                                              self), NULL);
    }
  if (card == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, card, (GDestroyNotify)ks_card_free);
}

/**
 * ks_station_issue_card_async:
 * @session: (nullable): who asks (core refuses the card without a permitted session)
 *
 * ks_station_issue_card() in a worker thread. When core refuses the card because no supervisor
 * approved the record, and the record still awaits review, the enrollment slip is made instead
 * (the citizen lost it, or left without it): ks_station_issue_card_finish() hands it out.
 */
void
ks_station_issue_card_async (KsStation          *self,
                             KsSession          *session,
                             const char         *kp_id,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  IssueCard *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (kp_id != NULL);

  job = g_new0 (IssueCard, 1);
  job->session = session != NULL ? g_object_ref (session) : NULL;
  job->kp_id = g_strdup (kp_id);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_issue_card_async);
  g_task_set_task_data (task, job, (GDestroyNotify)issue_card_free);
  g_task_run_in_thread (task, issue_card_thread);
}

/**
 * ks_station_issue_card_finish:
 * @slip: (out) (optional) (transfer full) (nullable): the enrollment slip, when the card was
 *   refused for a record that still awaits review
 *
 * Returns: (transfer full) (nullable): the card, or %NULL with @error set
 */
KsCard *
ks_station_issue_card_finish (KsStation    *self,
                              GAsyncResult *result,
                              KsSlip      **slip,
                              GError      **error)
{
  IssueCard *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  job = g_task_get_task_data (G_TASK (result));
  if (slip != NULL)
    *slip = g_steal_pointer (&job->slip);
  return g_task_propagate_pointer (G_TASK (result), error);
}
