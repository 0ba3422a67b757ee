/* ks-registry-store.c: the reference registry's SQLite storage
 *
 * One row per Khyber Pass ID, whatever the verdict: the primary key is what makes "exactly
 * once" hold, and a partial unique index keeps two approved records from sharing a CNIC even
 * if the checks above it had a bug.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <sqlite3.h>

#include "ks-registry-store.h"

G_DEFINE_QUARK (ks-registry-error-quark, ks_registry_error)

typedef struct
{
  KsRegistryStore parent;
  sqlite3 *db;
  /* SQL text -> its statement, prepared once: compiling the statements of a record cost
   * more than running them. The store is used from the main thread only, and no statement
   * is used twice at once, so one of each is enough. */
  GHashTable *statements;
} SqliteStore;

/* Every statement belongs to the store's cache: released, it is only reset (its parameters
 * cleared, so no blob bound without a copy outlives the request). */
static void
release_statement (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, release_statement)

static const char schema[] =
  "PRAGMA journal_mode = WAL;"
  "PRAGMA synchronous = FULL;"
  /* Deleted rows are overwritten, not left in free pages: the secret keys that once lived in
   * this file are moved out to the key file and must not linger here. */
  "PRAGMA secure_delete = ON;"
  "CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS provision_codes ("
  "  code TEXT PRIMARY KEY, used_by TEXT, used_at INTEGER);"
  "CREATE TABLE IF NOT EXISTS stations ("
  "  kid TEXT PRIMARY KEY, station_code TEXT NOT NULL, public_key TEXT NOT NULL,"
  "  token_hash TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS submissions ("
  "  kp_id TEXT PRIMARY KEY,"
  "  station_kid TEXT NOT NULL,"
  "  content_hash TEXT NOT NULL,"
  "  decision TEXT NOT NULL,"
  "  reason TEXT,"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  cnic TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  biometrics_sealed BLOB,"
  "  status TEXT NOT NULL CHECK (status IN ('accepted', 'duplicate', 'rejected', 'processing')),"
  "  duplicate_of TEXT,"
  "  verdict_reason TEXT,"
  "  received_at INTEGER NOT NULL);"
  "CREATE UNIQUE INDEX IF NOT EXISTS submissions_one_cnic ON submissions (cnic)"
  "  WHERE decision = 'approved' AND status IN ('accepted', 'processing');";

static gboolean
db_error (SqliteStore *self,
          GError     **error)
{
  g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_STORAGE,
               "Registry storage failed: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
prepare (SqliteStore *self,
         const char  *sql)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL)
      != SQLITE_OK)
    {
      g_critical ("Registry SQL does not compile: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer)sql, stmt);
  return stmt;
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  return text ? g_strdup (text) : NULL;
}

static gboolean
sqlite_exec (SqliteStore *self,
             const char  *sql,
             GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return db_error (self, error);
  return TRUE;
}

static gboolean
sqlite_begin (KsRegistryStore *store,
              GError         **error)
{
  return sqlite_exec ((SqliteStore *)store, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (KsRegistryStore *store,
               GError         **error)
{
  return sqlite_exec ((SqliteStore *)store, "COMMIT", error);
}

static void
sqlite_rollback (KsRegistryStore *store)
{
  sqlite_exec ((SqliteStore *)store, "ROLLBACK", NULL);
}

static gboolean
sqlite_lookup (KsRegistryStore   *store,
               const char        *kp_id,
               KsRegistryVerdict *verdict)
{
  g_autoptr(sqlite3_stmt) stmt = prepare ((SqliteStore *)store,
                                          "SELECT status, content_hash, duplicate_of, "
                                          "verdict_reason FROM submissions WHERE kp_id = ?");

  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return FALSE;
  verdict->status = dup_column (stmt, 0);
  verdict->content_hash = dup_column (stmt, 1);
  verdict->duplicate_of = dup_column (stmt, 2);
  verdict->reason = dup_column (stmt, 3);
  return TRUE;
}

static char *
sqlite_find_cnic (KsRegistryStore *store,
                  const char      *cnic)
{
  g_autoptr(sqlite3_stmt) stmt = prepare ((SqliteStore *)store,
                                          "SELECT kp_id FROM submissions WHERE cnic = ? AND "
                                          "decision = 'approved' AND status IN ('accepted', "
                                          "'processing')");

  sqlite3_bind_text (stmt, 1, cnic, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return dup_column (stmt, 0);
}

static gboolean
sqlite_insert (KsRegistryStore            *store,
               const KsRegistrySubmission *sub,
               const KsRegistryVerdict    *verdict,
               GError                    **error)
{
  SqliteStore *self = (SqliteStore *)store;
  /* Only a refused record makes way for its corrected version (ks-registry.c, judge_record):
   * anything stored as a citizen's stays, and the primary key below refuses a second row. */
  g_autoptr(sqlite3_stmt) forget = prepare (self,
                                            "DELETE FROM submissions WHERE kp_id = ? AND "
                                            "status = 'rejected'");
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "INSERT INTO submissions (kp_id, station_kid, "
                                          "content_hash, decision, reason, decided_by, "
                                          "decided_at, cnic, payload, biometrics_sealed, status, "
                                          "duplicate_of, verdict_reason, received_at) VALUES "
                                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");

  sqlite3_bind_text (forget, 1, sub->kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (forget) != SQLITE_DONE)
    return db_error (self, error);
  sqlite3_bind_text (stmt, 1, sub->kp_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sub->station_kid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, sub->content_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, sub->decision, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, sub->reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, sub->decided_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, sub->decided_at);
  sqlite3_bind_text (stmt, 8, sub->cnic ? sub->cnic : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, sub->payload, -1, SQLITE_STATIC);
  if (sub->biometrics_sealed != NULL)
    sqlite3_bind_blob (stmt, 10, g_bytes_get_data (sub->biometrics_sealed, NULL),
                       g_bytes_get_size (sub->biometrics_sealed), SQLITE_STATIC);
  sqlite3_bind_text (stmt, 11, verdict->status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 12, verdict->duplicate_of, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 13, verdict->reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 14, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

/* Stands in for the 1:N biometric check a real registry runs later: every record waiting for
 * a verdict is accepted. */
static guint
sqlite_resolve_processing (KsRegistryStore *store)
{
  SqliteStore *self = (SqliteStore *)store;

  if (!sqlite_exec (self, "UPDATE submissions SET status = 'accepted' "
                    "WHERE status = 'processing'", NULL))
    return 0;
  return sqlite3_changes (self->db);
}

static gboolean
sqlite_claim_code (KsRegistryStore *store,
                   const char      *code,
                   const char      *kid,
                   GError         **error)
{
  SqliteStore *self = (SqliteStore *)store;
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "UPDATE provision_codes SET used_by = ?2, used_at = ?3 "
                                          "WHERE code = ?1 AND (used_by IS NULL OR used_by = ?2)");

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, kid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_CODE_INVALID,
                   "This provisioning code is unknown or was used by another station.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
sqlite_add_code (KsRegistryStore *store,
                 const char      *code,
                 GError         **error)
{
  SqliteStore *self = (SqliteStore *)store;
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "INSERT OR IGNORE INTO provision_codes (code) "
                                          "VALUES (?)");

  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

static gboolean
sqlite_put_station (KsRegistryStore         *store,
                    const KsRegistryStation *station,
                    GError                 **error)
{
  SqliteStore *self = (SqliteStore *)store;
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "INSERT OR REPLACE INTO stations (kid, station_code, "
                                          "public_key, token_hash, revoked) VALUES (?, ?, ?, ?, ?)");

  sqlite3_bind_text (stmt, 1, station->kid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, station->station_code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, station->public_key_hex, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, station->token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, station->revoked);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

static KsRegistryStation *
sqlite_get_station (KsRegistryStore *store,
                    const char      *kid)
{
  g_autoptr(sqlite3_stmt) stmt = prepare ((SqliteStore *)store,
                                          "SELECT kid, station_code, public_key, token_hash, "
                                          "revoked FROM stations WHERE kid = ?");
  KsRegistryStation *station;

  sqlite3_bind_text (stmt, 1, kid, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  station = g_new0 (KsRegistryStation, 1);
  station->kid = dup_column (stmt, 0);
  station->station_code = dup_column (stmt, 1);
  station->public_key_hex = dup_column (stmt, 2);
  station->token_hash = dup_column (stmt, 3);
  station->revoked = sqlite3_column_int (stmt, 4);
  return station;
}

static char *
sqlite_get_secret (KsRegistryStore *store,
                   const char      *name)
{
  g_autoptr(sqlite3_stmt) stmt = prepare ((SqliteStore *)store,
                                          "SELECT value FROM secrets WHERE name = ?");

  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return dup_column (stmt, 0);
}

static gboolean
sqlite_set_secret (KsRegistryStore *store,
                   const char      *name,
                   const char      *value,
                   GError         **error)
{
  SqliteStore *self = (SqliteStore *)store;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (value == NULL)
    {
      /* Deleting: the checkpoint also empties the WAL, which still holds the old value. */
      stmt = prepare (self, "DELETE FROM secrets WHERE name = ?");
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE
          || sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                        NULL) != SQLITE_OK)
        return db_error (self, error);
      return TRUE;
    }
  stmt = prepare (self, "INSERT OR REPLACE INTO secrets (name, value) VALUES (?, ?)");
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return db_error (self, error);
  return TRUE;
}

static void
sqlite_free (KsRegistryStore *store)
{
  SqliteStore *self = (SqliteStore *)store;

  g_hash_table_unref (self->statements);
  sqlite3_close_v2 (self->db);
  g_free (self);
}

static const KsRegistryStoreVTable sqlite_vtable = {
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .lookup = sqlite_lookup,
  .find_cnic = sqlite_find_cnic,
  .insert = sqlite_insert,
  .resolve_processing = sqlite_resolve_processing,
  .claim_code = sqlite_claim_code,
  .add_code = sqlite_add_code,
  .put_station = sqlite_put_station,
  .get_station = sqlite_get_station,
  .get_secret = sqlite_get_secret,
  .set_secret = sqlite_set_secret,
  .free = sqlite_free,
};

KsRegistryStore *
ks_registry_store_new_sqlite (const char *path,
                              GError    **error)
{
  SqliteStore *self = g_new0 (SqliteStore, 1);

  self->parent.vtable = &sqlite_vtable;
  /* Keyed by the SQL's address: every statement is a string literal of this file. */
  self->statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)sqlite3_finalize);
  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK
      || !sqlite_exec (self, schema, error))
    {
      if (error && *error == NULL)
        g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_STORAGE,
                     "Cannot open the registry database %s", path);
      sqlite3_close_v2 (self->db);
      g_free (self);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  return &self->parent;
}

void
ks_registry_store_free (KsRegistryStore *self)
{
  if (self != NULL)
    self->vtable->free (self);
}

void
ks_registry_station_free (KsRegistryStation *station)
{
  if (station == NULL)
    return;
  g_free (station->kid);
  g_free (station->station_code);
  g_free (station->public_key_hex);
  g_free (station->token_hash);
  g_free (station);
}

void
ks_registry_verdict_clear (KsRegistryVerdict *verdict)
{
  g_clear_pointer (&verdict->status, g_free);
  g_clear_pointer (&verdict->content_hash, g_free);
  g_clear_pointer (&verdict->duplicate_of, g_free);
  g_clear_pointer (&verdict->reason, g_free);
}
