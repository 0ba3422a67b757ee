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
#include "ks-photo.h"
#include "ks-records.h"
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
};

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (KsStation, ks_station, G_TYPE_OBJECT)

static void
ks_station_dispose (GObject *object)
{
  KsStation *self = (KsStation *)object;

  g_clear_object (&self->session);
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

  return g_steal_pointer (&self);
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
 * imported, with the cards this station revoked. Only use it from the UI thread; give a worker a copy (ks_trust_list_merge() into a
 * new list), since an import changes it in place.
 *
 * Returns: (transfer none): the trust list, or %NULL as for ks_station_get_keys()
 */
KsTrustList *
ks_station_get_trust_list (KsStation *self,
                           GError   **error)
{
  KsStationKeys *keys = ks_station_get_keys (self, error);
  KsTrustList *trust;

  if (keys == NULL)
    return NULL;
  trust = ks_station_keys_get_trust_list (keys);
  /* The cards this station revoked count here at once, before a sync brings them back in the
   * registry's list. Merged in memory only: keys/trust.json holds what the registry said. */
  if (!ks_cards_add_revocations (self->store, trust, ks_station_keys_get_station_code (keys),
                                 error))
    return NULL;
  return trust;
}

/**
 * ks_station_import_trust_list:
 * @path: a trust list (JSON) from the registry or another station
 *
 * Merges the file into the station's trust list and saves it, so an offline station learns of
 * other stations (and of revoked keys) from a file carried to it. A damaged file changes
 * nothing, and neither does one that would replace or shadow a key already trusted
 * (ks_trust_list_add_list()).
 */
gboolean
ks_station_import_trust_list (KsStation  *self,
                              const char *path,
                              GError    **error)
{
  g_autoptr(KsTrustList) imported = NULL;
  g_autofree char *trust_path = NULL;
  KsTrustList *trust;

  g_return_val_if_fail (KS_IS_STATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  trust = ks_station_get_trust_list (self, error);
  if (trust == NULL)
    return FALSE;
  imported = ks_trust_list_new_from_file (path, error);
  if (imported == NULL)
    return FALSE;

  if (!ks_trust_list_add_list (trust, imported, error))
    return FALSE;
  trust_path = ks_profile_build_path (self->profile, "keys" G_DIR_SEPARATOR_S "trust.json");
  return ks_trust_list_save (trust, trust_path, error);
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
 * folder (made on first use, owner-only), outside the database.
 *
 * Returns: (transfer none): the vault, or %NULL when the key cannot be read or made
 */
KsVault *
ks_station_get_biometrics_vault (KsStation *self,
                                 GError   **error)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);

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
