/* ks-station-config.c: the station's own configuration, kept in its store
 *
 * Station code, district, approval policy, registry address and the station rules belong to
 * one data folder, not to the person at the keyboard: they live in the `station_config` table
 * of station.db, so they survive without a session bus (GSettings falls back to memory there
 * and forgets them), travel with a copied data folder, and two data folders never share them.
 * Every change is checked in core (the session must hold KS_PERMISSION_CHANGE_SETTINGS) and is
 * one transaction with its audit entry, old and new value side by side.
 *
 * Values are stored as GVariant text; a key without a row has its default. Readers on the UI
 * thread use the in-memory copy of a KsStationConfig; core code that only has the store (submit,
 * review, rules) reads the table with ks_station_config_read().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-station-config"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-station-config-private.h"
#include "ks-station-config-testing.h"
#include "ks-store-private.h"
#include "ks-registry-address.h"

typedef enum
{
  CHECK_NONE,
  CHECK_STATION_CODE,
  CHECK_DISTRICT,
  CHECK_REGISTRY_URL,
} KeyCheck;

typedef struct
{
  const char *key;
  const char *type;           /* a GVariant type string */
  const char *default_value;  /* GVariant text */
  guint min;                  /* for "u" keys */
  guint max;
  const char *choices;        /* for "s" keys: allowed values, separated by '|' */
  KeyCheck check;
} KeyInfo;

/* The defaults and ranges the GSettings schema had (data/pk.gov.kp.KhyberPassStation.gschema.xml
 * keeps the old keys only so that ks_station_config_import_legacy() can read them). */
static const KeyInfo keys[] = {
  { "station-code", "s", "''", 0, 0, NULL, CHECK_STATION_CODE },
  { "district", "s", "''", 0, 0, NULL, CHECK_DISTRICT },
  { "registry-url", "s", "''", 0, 0, NULL, CHECK_REGISTRY_URL },
  { "registry-ca-file", "s", "''", 0, 0, NULL, CHECK_NONE },
  { "approval-required", "b", "true", 0, 0, NULL, CHECK_NONE },
  { "no-self-approval", "b", "true", 0, 0, NULL, CHECK_NONE },
  { "idle-lock-minutes", "u", "5", 1, 120, NULL, CHECK_NONE },
  { "capture-set", "s", "'thumbs-and-index'", 0, 0, "thumbs-and-index|all-ten", CHECK_NONE },
  { "card-validity-years", "u", "10", 1, 20, NULL, CHECK_NONE },
  { "enabled-services", "as", "['sehat-card', 'education', 'taxation']", 0, 0, NULL, CHECK_NONE },
  { "stale-draft-days", "u", "3", 1, 365, NULL, CHECK_NONE },
  { "sync-batch-size", "u", "50", 1, 500, NULL, CHECK_NONE },
  { "sync-interval-minutes", "u", "15", 0, 1440, NULL, CHECK_NONE },
  { "max-awaiting-review", "u", "100", 0, 100000, NULL, CHECK_NONE },
  { "max-unsynced-days", "u", "30", 0, 365, NULL, CHECK_NONE },
  { "min-free-disk-mb", "u", "500", 0, 1000000, NULL, CHECK_NONE },
};

struct _KsStationConfig
{
  GObject parent_instance;

  KsStore *store;
  gboolean training;
  GMainContext *context;      /* where "changed" is emitted: the thread that made the object */
  GThread *owner;

  /* key -> GVariant, every key; written by any thread, so behind the mutex */
  GMutex lock;
  GHashTable *values;
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsStationConfig, ks_station_config, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-station-config-error-quark, ks_station_config_error)

static const KeyInfo *
find_key (const char *key)
{
  for (guint i = 0; key != NULL && i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].key, key))
      return &keys[i];
  return NULL;
}

static GVariant *
default_value (const KeyInfo *info)
{
  GVariant *value = g_variant_parse (G_VARIANT_TYPE (info->type), info->default_value, NULL,
                                     NULL, NULL);

  g_assert (value != NULL);
  return g_variant_take_ref (value);
}

gboolean
ks_station_config_has_key (const char *key)
{
  return find_key (key) != NULL;
}

/* A stored value that no longer parses (written by a newer station, or edited by hand) reads
 * as the default rather than stopping the station. */
static GVariant *
parse_stored (const KeyInfo *info,
              const char    *text)
{
  GVariant *value = text ? g_variant_parse (G_VARIANT_TYPE (info->type), text, NULL, NULL, NULL)
                         : NULL;

  if (value == NULL)
    {
      if (text != NULL)
        g_debug ("Station setting %s holds %s, which is not a %s: using the default",
                 info->key, text, info->type);
      return default_value (info);
    }
  return g_variant_take_ref (value);
}

/* The caller holds the store lock. Returns the stored text, or NULL without a row. */
static char *
read_text_locked (KsStore    *store,
                  const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store,
                                                    "SELECT value FROM station_config "
                                                    "WHERE key = ?",
                                                    NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

/**
 * ks_station_config_read:
 * @key: a station setting, such as `approval-required`
 *
 * Reads one setting straight from the store, for core code that holds no KsStationConfig (a
 * submit or a review decision in a worker thread). Safe from any thread; inside a transaction
 * it sees that transaction's changes.
 *
 * Returns: (transfer full): the value, or its default when it was never set
 */
GVariant *
ks_station_config_read (KsStore    *store,
                        const char *key)
{
  const KeyInfo *info = find_key (key);
  g_autofree char *text = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  _ks_store_lock (store);
  text = read_text_locked (store, key);
  _ks_store_unlock (store);
  return parse_stored (info, text);
}

char *
ks_station_config_read_string (KsStore    *store,
                               const char *key)
{
  g_autoptr(GVariant) value = ks_station_config_read (store, key);

  return value ? g_variant_dup_string (value, NULL) : g_strdup ("");
}

guint
ks_station_config_read_uint (KsStore    *store,
                             const char *key)
{
  g_autoptr(GVariant) value = ks_station_config_read (store, key);

  return value ? g_variant_get_uint32 (value) : 0;
}

gboolean
ks_station_config_read_boolean (KsStore    *store,
                                const char *key)
{
  g_autoptr(GVariant) value = ks_station_config_read (store, key);

  return value ? g_variant_get_boolean (value) : FALSE;
}

static gboolean
is_station_code (const char *code)
{
  if (strlen (code) != 3)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static gboolean
is_district_code (const char *code)
{
  if (strlen (code) != 3)
    return FALSE;
  for (const char *p = code; *p; p++)
    if (!g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/**
 * ks_station_config_check_value:
 * @training: whether the station runs the training profile (for the registry address)
 *
 * Whether @value may be stored under @key: its type, range, allowed words, and for the
 * station code, district and registry address their form. May look a registry name up
 * (blocking) in training.
 */
gboolean
ks_station_config_check_value (gboolean    training,
                               const char *key,
                               GVariant   *value,
                               GError    **error)
{
  const KeyInfo *info = find_key (key);

  if (info == NULL)
    {
      g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_UNKNOWN_KEY,
                   _("The station has no setting named “%s”. Nothing was changed."), key);
      return FALSE;
    }
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE (info->type)))
    {
      g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID,
                   _("The value given for “%s” is of the wrong kind. Nothing was changed."),
                   key);
      return FALSE;
    }
  if (g_str_equal (info->type, "u") &&
      (g_variant_get_uint32 (value) < info->min || g_variant_get_uint32 (value) > info->max))
    {
      g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID,
                   _("“%s” must be between %u and %u. Nothing was changed."),
                   key, info->min, info->max);
      return FALSE;
    }
  if (info->choices != NULL)
    {
      g_auto(GStrv) choices = g_strsplit (info->choices, "|", -1);

      if (!g_strv_contains ((const char *const *)choices, g_variant_get_string (value, NULL)))
        {
          g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID,
                       _("“%s” cannot be “%s”. Nothing was changed."),
                       key, g_variant_get_string (value, NULL));
          return FALSE;
        }
    }

  switch (info->check)
    {
    case CHECK_STATION_CODE:
      if (!is_station_code (g_variant_get_string (value, NULL)))
        {
          g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID,
                       _("The station code has exactly 3 capital letters or digits, for "
                         "example A01. Nothing was changed."));
          return FALSE;
        }
      break;

    case CHECK_DISTRICT:
      if (!is_district_code (g_variant_get_string (value, NULL)))
        {
          g_set_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID,
                       _("Choose the district where this station works. Nothing was changed."));
          return FALSE;
        }
      break;

    case CHECK_REGISTRY_URL:
      if (!ks_registry_url_check (training, g_variant_get_string (value, NULL), NULL, error))
        return FALSE;
      break;

    case CHECK_NONE:
    default:
      break;
    }
  return TRUE;
}

/* The audit entry shows a value as typed: strings without quotes, lists as "a, b". */
static char *
describe_value (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **strv = g_variant_get_strv (value, NULL);

      return g_strjoinv (", ", (char **)strv);
    }
  return g_variant_print (value, FALSE);
}

/**
 * _ks_station_config_write:
 * @actor: the username the audit entry names, or "station" for the station's own changes
 * @action: the audit action ("setting-changed", "setting-imported")
 * @changed: (out) (optional): whether the stored value changed
 *
 * Stores @value under @key with its audit entry, old and new value, in one transaction (joins
 * the caller's). Checks nothing but the key: callers check the value and who asks.
 */
gboolean
_ks_station_config_write (KsStore    *store,
                          const char *actor,
                          const char *action,
                          const char *key,
                          GVariant   *value,
                          gboolean   *changed,
                          GError    **error)
{
  const KeyInfo *info = find_key (key);
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  g_autoptr(GVariant) old_value = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *old_shown = NULL;
  g_autofree char *new_shown = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (info != NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;
  if (!ks_store_begin (store, error))
    return FALSE;

  old_text = read_text_locked (store, key);
  old_value = parse_stored (info, old_text);
  /* The value it already has (stored, or its default): nothing to store or audit. */
  if (g_variant_equal (old_value, value))
    return ks_store_commit (store, error);

  new_text = g_variant_print (value, FALSE);
  stmt = _ks_store_prepare (store,
                            "INSERT INTO station_config (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, new_text, -1, SQLITE_STATIC);
  if (!_ks_store_step_done (store, stmt, error))
    goto fail;

  old_shown = describe_value (old_value);
  new_shown = describe_value (value);
  detail = g_strdup_printf ("%s → %s", old_shown, new_shown);
  if (!ks_audit_append (store, actor, action, key, detail, error))
    goto fail;
  if (!ks_store_commit (store, error))
    return FALSE;
  if (changed != NULL)
    *changed = TRUE;
  return TRUE;

fail:
  ks_store_rollback (store);
  return FALSE;
}

/* The object ****************************************************************************/

static void
ks_station_config_finalize (GObject *object)
{
  KsStationConfig *self = (KsStationConfig *)object;

  g_clear_pointer (&self->values, g_hash_table_unref);
  g_mutex_clear (&self->lock);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ks_station_config_parent_class)->finalize (object);
}

static void
ks_station_config_class_init (KsStationConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ks_station_config_finalize;

  /**
   * KsStationConfig::changed:
   * @key: the setting that changed
   *
   * Emitted, detailed by the key, on the thread that made the object, after the change is
   * stored.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ks_station_config_init (KsStationConfig *self)
{
  g_mutex_init (&self->lock);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify)g_variant_unref);
}

/* Re-reads every key from the store into the in-memory copy. */
static void
reload (KsStationConfig *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GVariant *value = ks_station_config_read (self->store, keys[i].key);

      g_mutex_lock (&self->lock);
      g_hash_table_replace (self->values, (gpointer)keys[i].key, value);
      g_mutex_unlock (&self->lock);
    }
}

/**
 * ks_station_config_new:
 * @training: whether the station runs the training profile (its registry must be local)
 *
 * Loads every setting of the store into memory. "changed" is emitted on the calling thread's
 * main context.
 */
KsStationConfig *
ks_station_config_new (KsStore *store,
                       gboolean training,
                       GError **error)
{
  KsStationConfig *self;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  self = g_object_new (KS_TYPE_STATION_CONFIG, NULL);
  self->store = g_object_ref (store);
  self->training = training;
  self->context = g_main_context_ref_thread_default ();
  self->owner = g_thread_self ();
  reload (self);
  return self;
}

KsStore *
ks_station_config_get_store (KsStationConfig *self)
{
  g_return_val_if_fail (KS_IS_STATION_CONFIG (self), NULL);
  return self->store;
}

/**
 * ks_station_config_get_value:
 *
 * From memory: quick, any thread.
 *
 * Returns: (transfer full): the value of @key
 */
GVariant *
ks_station_config_get_value (KsStationConfig *self,
                             const char      *key)
{
  GVariant *value;

  g_return_val_if_fail (KS_IS_STATION_CONFIG (self), NULL);
  g_return_val_if_fail (find_key (key) != NULL, NULL);

  g_mutex_lock (&self->lock);
  value = g_variant_ref (g_hash_table_lookup (self->values, key));
  g_mutex_unlock (&self->lock);
  return value;
}

char *
ks_station_config_dup_string (KsStationConfig *self,
                              const char      *key)
{
  g_autoptr(GVariant) value = ks_station_config_get_value (self, key);

  return value ? g_variant_dup_string (value, NULL) : g_strdup ("");
}

char **
ks_station_config_dup_strv (KsStationConfig *self,
                            const char      *key)
{
  g_autoptr(GVariant) value = ks_station_config_get_value (self, key);

  return value ? g_variant_dup_strv (value, NULL) : g_new0 (char *, 1);
}

guint
ks_station_config_get_uint (KsStationConfig *self,
                            const char      *key)
{
  g_autoptr(GVariant) value = ks_station_config_get_value (self, key);

  return value ? g_variant_get_uint32 (value) : 0;
}

gboolean
ks_station_config_get_boolean (KsStationConfig *self,
                               const char      *key)
{
  g_autoptr(GVariant) value = ks_station_config_get_value (self, key);

  return value ? g_variant_get_boolean (value) : FALSE;
}

typedef struct
{
  KsStationConfig *self;
  const char *key;            /* static: from keys[] */
} Changed;

static gboolean
emit_changed (gpointer data)
{
  Changed *c = data;

  g_signal_emit (c->self, signals[CHANGED], g_quark_from_static_string (c->key), c->key);
  return G_SOURCE_REMOVE;
}

static void
changed_free (gpointer data)
{
  Changed *c = data;

  g_object_unref (c->self);
  g_free (c);
}

/* Updates the in-memory copy and tells the owner's thread. */
static void
note_changed (KsStationConfig *self,
              const char      *key,
              GVariant        *value)
{
  const KeyInfo *info = find_key (key);
  Changed *c = g_new0 (Changed, 1);

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->values, (gpointer)info->key, g_variant_ref_sink (value));
  g_mutex_unlock (&self->lock);

  c->self = g_object_ref (self);
  c->key = info->key;
  /* Never from a worker, not even when it could acquire the context for a moment (a test
   * iterating by hand): listeners are widgets. */
  if (g_thread_self () == self->owner)
    {
      emit_changed (c);
      changed_free (c);
    }
  else
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_changed, c, changed_free);
      g_source_set_static_name (source, "[ks] station config changed");
      g_source_attach (source, self->context);
    }
}

/**
 * ks_station_config_set_value:
 * @session: whoever asks; must be allowed to change settings (a supervisor)
 * @value: (transfer floating): the new value, of the key's type
 *
 * The one way a person changes a station setting: checks the value, the session's permission
 * and the account's current state, then stores the value with an audit entry holding the old
 * and the new value, in one transaction. Blocks (a database write, maybe a name lookup for
 * the registry address in training): the UI calls ks_station_config_set_value_async().
 */
gboolean
ks_station_config_set_value (KsStationConfig *self,
                             KsSession       *session,
                             const char      *key,
                             GVariant        *value,
                             GError         **error)
{
  g_autoptr(GVariant) owned = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (KS_IS_STATION_CONFIG (self), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (session), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  owned = g_variant_ref_sink (value);
  if (!ks_session_require (session, KS_PERMISSION_CHANGE_SETTINGS, error) ||
      !ks_station_config_check_value (self->training, key, owned, error))
    return FALSE;
  if (!_ks_station_config_write (self->store, ks_session_get_username (session),
                                 "setting-changed", key, owned, &changed, error))
    return FALSE;
  if (changed)
    note_changed (self, key, owned);
  return TRUE;
}

gboolean
ks_station_config_set_string (KsStationConfig *self,
                              KsSession       *session,
                              const char      *key,
                              const char      *value,
                              GError         **error)
{
  return ks_station_config_set_value (self, session, key, g_variant_new_string (value), error);
}

gboolean
ks_station_config_set_uint (KsStationConfig *self,
                            KsSession       *session,
                            const char      *key,
                            guint            value,
                            GError         **error)
{
  return ks_station_config_set_value (self, session, key, g_variant_new_uint32 (value), error);
}

gboolean
ks_station_config_set_boolean (KsStationConfig *self,
                               KsSession       *session,
                               const char      *key,
                               gboolean         value,
                               GError         **error)
{
  return ks_station_config_set_value (self, session, key, g_variant_new_boolean (value), error);
}

/**
 * _ks_station_config_set_by_station:
 *
 * A change the station makes itself, not a person (the practice registry's address when the
 * training profile starts it): checked and audited with "station" as actor, no session.
 */
gboolean
_ks_station_config_set_by_station (KsStationConfig *self,
                                   const char      *key,
                                   GVariant        *value,
                                   GError         **error)
{
  g_autoptr(GVariant) owned = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (KS_IS_STATION_CONFIG (self), FALSE);

  owned = g_variant_ref_sink (value);
  if (!ks_station_config_check_value (self->training, key, owned, error) ||
      !_ks_station_config_write (self->store, "station", "setting-changed", key, owned,
                                 &changed, error))
    return FALSE;
  if (changed)
    note_changed (self, key, owned);
  return TRUE;
}

/**
 * _ks_station_config_reload:
 *
 * Takes up values written straight to the store by a transaction of the caller's (set-up, the
 * one-time import), and tells the listeners.
 */
void
_ks_station_config_reload (KsStationConfig *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GVariant) old = ks_station_config_get_value (self, keys[i].key);
      g_autoptr(GVariant) now = ks_station_config_read (self->store, keys[i].key);

      if (!g_variant_equal (old, now))
        note_changed (self, keys[i].key, now);
    }
}

/**
 * _ks_station_config_import_legacy:
 * @legacy: the profile's old GSettings (dconf), read only
 *
 * Stations before the station_config table kept these settings in GSettings. The migration
 * that made the table marked a database already in use (`station-config-import` in meta); the
 * values a person had set there are copied once, audited as "setting-imported", and the mark
 * removed, all in one transaction. A new data folder never imports: it starts from set-up.
 */
gboolean
_ks_station_config_import_legacy (KsStationConfig *self,
                                  GSettings       *legacy,
                                  GError         **error)
{
  g_autofree char *pending = ks_store_get_meta (self->store, "station-config-import");
  g_autoptr(GSettingsSchema) schema = NULL;

  if (pending == NULL)
    return TRUE;

  g_object_get (legacy, "settings-schema", &schema, NULL);
  if (!ks_store_begin (self->store, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr(GVariant) value = NULL;

      if (!g_settings_schema_has_key (schema, keys[i].key))
        continue;
      value = g_settings_get_user_value (legacy, keys[i].key);
      /* A value the old schema allowed but this table refuses is left behind, not guessed. */
      if (value == NULL || !ks_station_config_check_value (FALSE, keys[i].key, value, NULL))
        continue;
      if (!_ks_station_config_write (self->store, "station", "setting-imported", keys[i].key,
                                     value, NULL, error))
        goto fail;
    }
  if (!ks_store_exec (self->store, "DELETE FROM meta WHERE key = 'station-config-import'", error))
    goto fail;
  if (!ks_store_commit (self->store, error))
    return FALSE;
  _ks_station_config_reload (self);
  return TRUE;

fail:
  ks_store_rollback (self->store);
  return FALSE;
}

typedef struct
{
  KsSession *session;
  const char *key;            /* static: from keys[] */
  GVariant *value;
} SetArgs;

static void
set_args_free (SetArgs *args)
{
  g_object_unref (args->session);
  g_variant_unref (args->value);
  g_free (args);
}

static void
set_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  KsStationConfig *self = source_object;
  SetArgs *args = task_data;
  GError *error = NULL;

  if (ks_station_config_set_value (self, args->session, args->key, g_variant_ref (args->value),
                                   &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ks_station_config_set_value_async:
 * @value: (transfer floating): the new value
 *
 * ks_station_config_set_value() in a worker thread. "changed" follows on this object's main
 * context when the value changed; on error nothing changed.
 */
void
ks_station_config_set_value_async (KsStationConfig    *self,
                                   KsSession          *session,
                                   const char         *key,
                                   GVariant           *value,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  const KeyInfo *info = find_key (key);
  SetArgs *args;

  g_return_if_fail (KS_IS_STATION_CONFIG (self));
  g_return_if_fail (KS_IS_SESSION (session));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_config_set_value_async);
  if (info == NULL)
    {
      g_task_return_new_error (task, KS_STATION_CONFIG_ERROR,
                               KS_STATION_CONFIG_ERROR_UNKNOWN_KEY,
                               _("The station has no setting named “%s”. Nothing was changed."),
                               key);
      return;
    }
  args = g_new0 (SetArgs, 1);
  args->session = g_object_ref (session);
  args->key = info->key;
  args->value = g_steal_pointer (&owned);
  g_task_set_task_data (task, args, (GDestroyNotify)set_args_free);
  g_task_run_in_thread (task, set_thread);
}

gboolean
ks_station_config_set_value_finish (KsStationConfig *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* One-way binding: the object's property follows the setting ******************************/

typedef struct
{
  GWeakRef target;
  char *property;
  const char *key;            /* static: from keys[] */
} Binding;

static void
binding_free (gpointer  data,
              GClosure *closure)
{
  Binding *b = data;

  g_weak_ref_clear (&b->target);
  g_free (b->property);
  g_free (b);
}

static void
binding_apply (KsStationConfig *self,
               const char      *key,
               Binding         *b)
{
  g_autoptr(GObject) target = g_weak_ref_get (&b->target);
  g_autoptr(GVariant) value = NULL;
  g_auto(GValue) from = G_VALUE_INIT;
  g_auto(GValue) to = G_VALUE_INIT;
  GParamSpec *pspec;

  if (target == NULL)
    return;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (target), b->property);
  g_return_if_fail (pspec != NULL);

  value = ks_station_config_get_value (self, b->key);
  g_dbus_gvariant_to_gvalue (value, &from);
  g_value_init (&to, pspec->value_type);
  if (!g_value_transform (&from, &to))
    {
      g_critical ("Station setting %s cannot be shown as %s", b->key, b->property);
      return;
    }
  g_object_set_property (target, b->property, &to);
}

/**
 * ks_station_config_bind:
 * @object: (type GObject): the object whose property shows the setting
 *
 * Sets @property of @object to the setting now and after each change (one way: a change of the
 * property is not saved; that goes through ks_station_config_set_value_async()). Numbers are
 * converted (a uint setting to a spin button's double). The binding ends with either object.
 */
void
ks_station_config_bind (KsStationConfig *self,
                        const char      *key,
                        gpointer         object,
                        const char      *property)
{
  const KeyInfo *info = find_key (key);
  g_autofree char *signal = NULL;
  Binding *b;

  g_return_if_fail (KS_IS_STATION_CONFIG (self));
  g_return_if_fail (info != NULL);
  g_return_if_fail (G_IS_OBJECT (object));

  b = g_new0 (Binding, 1);
  g_weak_ref_init (&b->target, object);
  b->property = g_strdup (property);
  b->key = info->key;
  binding_apply (self, key, b);
  signal = g_strconcat ("changed::", key, NULL);
  g_signal_connect_data (self, signal, G_CALLBACK (binding_apply), b, binding_free, 0);
}
