/* ks-registry-store-pg.c: the reference registry's PostgreSQL storage
 *
 * The same tables and the same rules as the SQLite storage (ks-registry-store.c): one row per
 * Khyber Pass ID, whatever the verdict, so the primary key keeps "exactly once", and a partial
 * unique index keeps two approved records from sharing a CNIC. PostgreSQL is what a province's
 * central side replicates and backs up while it runs; SQLite stays the storage of training and
 * tests.
 *
 * One connection, used from the registry's main loop only, with every value sent as a
 * parameter (never spliced into SQL). A connection the server dropped (a restart, a failover)
 * is opened again before the next request; a request caught by the drop gets a 500 and the
 * station sends it again, which "exactly once" makes harmless.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "ks-registry-store.h"

typedef struct
{
  KsRegistryStore parent;
  PGconn *conn;
  gboolean in_transaction;
  char *last_error;     /* the server's primary message: never its DETAIL, which quotes rows */
  /* SQL (by address: each is a string literal of this file) -> the name it is prepared under
   * on the current connection: parsed and planned once, not per record. A new connection
   * has none. */
  GHashTable *prepared;
} PgStore;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* Several registries may share one database: the advisory lock lets one of them create the
 * tables while the others wait. */
static const char schema[] =
  "SELECT pg_advisory_xact_lock (7023169);"
  "CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS provision_codes ("
  "  code TEXT PRIMARY KEY, used_by TEXT, used_at BIGINT);"
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
  "  decided_at BIGINT,"
  "  cnic TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  biometrics_sealed BYTEA,"
  "  status TEXT NOT NULL CHECK (status IN ('accepted', 'duplicate', 'rejected', 'processing')),"
  "  duplicate_of TEXT,"
  "  verdict_reason TEXT,"
  "  received_at BIGINT NOT NULL);"
  "CREATE UNIQUE INDEX IF NOT EXISTS submissions_one_cnic ON submissions (cnic)"
  "  WHERE decision = 'approved' AND status IN ('accepted', 'processing');";

static gboolean
pg_error (PgStore    *self,
          const char *what,
          GError    **error)
{
  g_autofree char *why = g_strdup (self->last_error ? self->last_error
                                                   : PQerrorMessage (self->conn));

  /* The server's message is for the registry's log (stderr); it never reaches a station. */
  g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_STORAGE,
               "Registry storage (PostgreSQL) failed to %s: %s", what, g_strstrip (why));
  return FALSE;
}

/* Outside a transaction a dropped connection is opened again; inside one it cannot be, and
 * the caller's statement fails, which rolls the request back. */
static void
reconnect (PgStore *self)
{
  PQreset (self->conn);
  g_hash_table_remove_all (self->prepared);
}

static void
ensure_connected (PgStore *self)
{
  if (!self->in_transaction && PQstatus (self->conn) != CONNECTION_OK)
    reconnect (self);
}

/* @sql prepared on the connection (once), then run with the parameters. */
static PGresult *
exec_prepared (PgStore           *self,
               const char        *sql,
               int                n_params,
               const char *const *values,
               const int         *lengths,
               const int         *formats)
{
  const char *name = g_hash_table_lookup (self->prepared, sql);

  /* Without parameters (BEGIN, COMMIT, VACUUM): run as it is, nothing to gain. */
  if (n_params == 0)
    return PQexec (self->conn, sql);
  if (name == NULL)
    {
      g_autofree char *new_name = g_strdup_printf ("ks_%u", g_hash_table_size (self->prepared));
      PGresult *prepared = PQprepare (self->conn, new_name, sql, n_params, NULL);

      if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
        return prepared;
      PQclear (prepared);
      name = new_name;
      g_hash_table_insert (self->prepared, (gpointer)sql, g_steal_pointer (&new_name));
    }
  return PQexecPrepared (self->conn, name, n_params, values, lengths, formats, 0);
}

/* Runs @sql with text parameters (a %NULL value is SQL NULL); @binary marks parameters sent
 * as bytes (bytea). Returns the result when it has the status a statement of its kind has. */
static PGresult *
run (PgStore           *self,
     const char        *sql,
     int                n_params,
     const char *const *values,
     const int         *lengths,
     const int         *formats)
{
  PGresult *result;
  ExecStatusType status;

  ensure_connected (self);
  result = exec_prepared (self, sql, n_params, values, lengths, formats);
  status = PQresultStatus (result);
  /* The server went away since the last statement (a restart, a failover): libpq only finds
   * out now. Outside a transaction the statement is sent again on a new connection, so a
   * station is not told "unknown station" because its lookup met a dead connection. */
  if (status == PGRES_FATAL_ERROR && !self->in_transaction
      && PQstatus (self->conn) == CONNECTION_BAD)
    {
      PQclear (result);
      reconnect (self);
      result = exec_prepared (self, sql, n_params, values, lengths, formats);
      status = PQresultStatus (result);
    }
  g_clear_pointer (&self->last_error, g_free);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      const char *primary = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;

      self->last_error = g_strdup (primary);
      PQclear (result);
      return NULL;
    }
  return result;
}

static char *
dup_value (PGresult *result,
           int       column)
{
  if (PQntuples (result) < 1 || PQgetisnull (result, 0, column))
    return NULL;
  return g_strdup (PQgetvalue (result, 0, column));
}

static gboolean
pg_exec (PgStore    *self,
         const char *sql,
         const char *what,
         GError    **error)
{
  g_autoptr(PGresult) result = run (self, sql, 0, NULL, NULL, NULL);

  if (result == NULL)
    return pg_error (self, what, error);
  return TRUE;
}

static gboolean
pg_begin (KsRegistryStore *store,
          GError         **error)
{
  PgStore *self = (PgStore *)store;

  if (!pg_exec (self, "BEGIN", "begin a transaction", error))
    return FALSE;
  self->in_transaction = TRUE;
  return TRUE;
}

static gboolean
pg_commit (KsRegistryStore *store,
           GError         **error)
{
  PgStore *self = (PgStore *)store;
  gboolean ok;

  /* COMMIT returns once the server has the transaction on disk (synchronous_commit, which a
   * registry must leave on): an answer sent after it is durable. */
  ok = pg_exec (self, "COMMIT", "commit", error);
  self->in_transaction = FALSE;
  return ok;
}

static void
pg_rollback (KsRegistryStore *store)
{
  PgStore *self = (PgStore *)store;

  pg_exec (self, "ROLLBACK", "roll back", NULL);
  self->in_transaction = FALSE;
}

static gboolean
pg_lookup (KsRegistryStore   *store,
           const char        *kp_id,
           KsRegistryVerdict *verdict)
{
  const char *values[] = { kp_id };
  g_autoptr(PGresult) result = run ((PgStore *)store,
                                    "SELECT status, content_hash, duplicate_of, verdict_reason "
                                    "FROM submissions WHERE kp_id = $1", 1, values, NULL, NULL);

  if (result == NULL || PQntuples (result) != 1)
    return FALSE;
  verdict->status = dup_value (result, 0);
  verdict->content_hash = dup_value (result, 1);
  verdict->duplicate_of = dup_value (result, 2);
  verdict->reason = dup_value (result, 3);
  return TRUE;
}

static char *
pg_find_cnic (KsRegistryStore *store,
              const char      *cnic)
{
  const char *values[] = { cnic };
  g_autoptr(PGresult) result = run ((PgStore *)store,
                                    "SELECT kp_id FROM submissions WHERE cnic = $1 AND "
                                    "decision = 'approved' AND status IN ('accepted', "
                                    "'processing')", 1, values, NULL, NULL);

  return result ? dup_value (result, 0) : NULL;
}

static gboolean
pg_insert (KsRegistryStore            *store,
           const KsRegistrySubmission *sub,
           const KsRegistryVerdict    *verdict,
           GError                    **error)
{
  PgStore *self = (PgStore *)store;
  g_autofree char *decided_at = g_strdup_printf ("%" G_GINT64_FORMAT, sub->decided_at);
  g_autofree char *received_at = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                  g_get_real_time () / G_USEC_PER_SEC);
  const char *forget_values[] = { sub->kp_id };
  const char *values[] = {
    sub->kp_id, sub->station_kid, sub->content_hash, sub->decision, sub->reason,
    sub->decided_by, decided_at, sub->cnic ? sub->cnic : "", sub->payload,
    sub->biometrics_sealed ? g_bytes_get_data (sub->biometrics_sealed, NULL) : NULL,
    verdict->status, verdict->duplicate_of, verdict->reason, received_at,
  };
  int lengths[G_N_ELEMENTS (values)] = { 0 };
  int formats[G_N_ELEMENTS (values)] = { 0 };
  g_autoptr(PGresult) forget = NULL;
  g_autoptr(PGresult) result = NULL;

  /* The sealed fingers travel as bytes; a sealed box is far below libpq's int length limit
   * (a request body is at most 64 MB). */
  if (sub->biometrics_sealed != NULL)
    {
      lengths[9] = (int)g_bytes_get_size (sub->biometrics_sealed);
      formats[9] = 1;
      if (values[9] == NULL)
        values[9] = "";
    }

  /* Only a refused record makes way for its corrected version (ks-registry.c, judge_record). */
  forget = run (self, "DELETE FROM submissions WHERE kp_id = $1 AND status = 'rejected'", 1,
                forget_values, NULL, NULL);
  if (forget == NULL)
    return pg_error (self, "store a record", error);
  result = run (self,
                "INSERT INTO submissions (kp_id, station_kid, content_hash, decision, reason, "
                "decided_by, decided_at, cnic, payload, biometrics_sealed, status, duplicate_of, "
                "verdict_reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                "$11, $12, $13, $14)", G_N_ELEMENTS (values), values, lengths, formats);
  if (result == NULL)
    return pg_error (self, "store a record", error);
  return TRUE;
}

static guint
pg_resolve_processing (KsRegistryStore *store)
{
  g_autoptr(PGresult) result = run ((PgStore *)store,
                                    "UPDATE submissions SET status = 'accepted' "
                                    "WHERE status = 'processing'", 0, NULL, NULL, NULL);

  if (result == NULL)
    return 0;
  return (guint)g_ascii_strtoull (PQcmdTuples (result), NULL, 10);
}

static gboolean
pg_claim_code (KsRegistryStore *store,
               const char      *code,
               const char      *kid,
               GError         **error)
{
  PgStore *self = (PgStore *)store;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC);
  const char *values[] = { code, kid, now };
  g_autoptr(PGresult) result = run (self,
                                    "UPDATE provision_codes SET used_by = $2, used_at = $3 "
                                    "WHERE code = $1 AND (used_by IS NULL OR used_by = $2)",
                                    3, values, NULL, NULL);

  if (result == NULL)
    return pg_error (self, "claim a provisioning code", error);
  if (g_strcmp0 (PQcmdTuples (result), "0") == 0)
    {
      g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_CODE_INVALID,
                   "This provisioning code is unknown or was used by another station.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_add_code (KsRegistryStore *store,
             const char      *code,
             GError         **error)
{
  PgStore *self = (PgStore *)store;
  const char *values[] = { code };
  g_autoptr(PGresult) result = run (self, "INSERT INTO provision_codes (code) VALUES ($1) "
                                    "ON CONFLICT (code) DO NOTHING", 1, values, NULL, NULL);

  if (result == NULL)
    return pg_error (self, "add a provisioning code", error);
  return TRUE;
}

static gboolean
pg_put_station (KsRegistryStore         *store,
                const KsRegistryStation *station,
                GError                 **error)
{
  PgStore *self = (PgStore *)store;
  const char *values[] = {
    station->kid, station->station_code, station->public_key_hex, station->token_hash,
    station->revoked ? "1" : "0",
  };
  g_autoptr(PGresult) result = run (self,
                                    "INSERT INTO stations (kid, station_code, public_key, "
                                    "token_hash, revoked) VALUES ($1, $2, $3, $4, $5) "
                                    "ON CONFLICT (kid) DO UPDATE SET station_code = "
                                    "excluded.station_code, public_key = excluded.public_key, "
                                    "token_hash = excluded.token_hash, revoked = "
                                    "excluded.revoked", 5, values, NULL, NULL);

  if (result == NULL)
    return pg_error (self, "store a station", error);
  return TRUE;
}

static KsRegistryStation *
pg_get_station (KsRegistryStore *store,
                const char      *kid)
{
  const char *values[] = { kid };
  g_autoptr(PGresult) result = run ((PgStore *)store,
                                    "SELECT kid, station_code, public_key, token_hash, revoked "
                                    "FROM stations WHERE kid = $1", 1, values, NULL, NULL);
  KsRegistryStation *station;

  if (result == NULL || PQntuples (result) != 1)
    return NULL;
  station = g_new0 (KsRegistryStation, 1);
  station->kid = dup_value (result, 0);
  station->station_code = dup_value (result, 1);
  station->public_key_hex = dup_value (result, 2);
  station->token_hash = dup_value (result, 3);
  station->revoked = g_strcmp0 (PQgetvalue (result, 0, 4), "0") != 0;
  return station;
}

static char *
pg_get_secret (KsRegistryStore *store,
               const char      *name)
{
  const char *values[] = { name };
  g_autoptr(PGresult) result = run ((PgStore *)store, "SELECT value FROM secrets WHERE name = $1",
                                    1, values, NULL, NULL);

  return result ? dup_value (result, 0) : NULL;
}

static gboolean
pg_set_secret (KsRegistryStore *store,
               const char      *name,
               const char      *value,
               GError         **error)
{
  PgStore *self = (PgStore *)store;
  const char *values[] = { name, value };
  g_autoptr(PGresult) result = NULL;

  if (value == NULL)
    {
      result = run (self, "DELETE FROM secrets WHERE name = $1", 1, values, NULL, NULL);
      if (result == NULL)
        return pg_error (self, "delete a secret", error);
      /* A deleted row stays in the table's pages until a vacuum reclaims them: done at once,
       * when there was one (VACUUM cannot run inside a transaction). */
      if (g_strcmp0 (PQcmdTuples (result), "0") != 0 && !self->in_transaction)
        return pg_exec (self, "VACUUM secrets", "vacuum the secrets table", error);
      return TRUE;
    }
  result = run (self, "INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) "
                "DO UPDATE SET value = excluded.value", 2, values, NULL, NULL);
  if (result == NULL)
    return pg_error (self, "store a secret", error);
  return TRUE;
}

static void
pg_free (KsRegistryStore *store)
{
  PgStore *self = (PgStore *)store;

  PQfinish (self->conn);
  g_hash_table_unref (self->prepared);
  g_free (self->last_error);
  g_free (self);
}

static const KsRegistryStoreVTable pg_vtable = {
  .begin = pg_begin,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .lookup = pg_lookup,
  .find_cnic = pg_find_cnic,
  .insert = pg_insert,
  .resolve_processing = pg_resolve_processing,
  .claim_code = pg_claim_code,
  .add_code = pg_add_code,
  .put_station = pg_put_station,
  .get_station = pg_get_station,
  .get_secret = pg_get_secret,
  .set_secret = pg_set_secret,
  .free = pg_free,
};

gboolean
ks_registry_postgresql_conninfo_check (const char *conninfo,
                                       GError    **error)
{
  char *message = NULL;
  PQconninfoOption *options;

  g_return_val_if_fail (conninfo != NULL, FALSE);

  options = PQconninfoParse (conninfo, &message);
  if (options == NULL)
    {
      g_autofree char *why = g_strdup (message ? message : "out of memory");

      PQfreemem (message);
      g_strchomp (why);
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "the PostgreSQL connection string is not valid (%s): write it as "
                   "\"host=/run/postgresql dbname=khyber_registry\" or as a postgresql:// URI",
                   why);
      return FALSE;
    }
  PQconninfoFree (options);
  return TRUE;
}

KsRegistryStore *
ks_registry_store_new_postgresql (const char *conninfo,
                                  GError    **error)
{
  PgStore *self;
  g_autoptr(PGresult) result = NULL;
  const char *keys[] = { "application_name", "dbname", "client_encoding", NULL };
  const char *values[] = { "khyber-registry", conninfo, "UTF8", NULL };

  g_return_val_if_fail (conninfo != NULL, NULL);

  if (!ks_registry_postgresql_conninfo_check (conninfo, error))
    return NULL;
  self = g_new0 (PgStore, 1);
  self->prepared = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->parent.vtable = &pg_vtable;
  /* expand_dbname: @conninfo is a whole connection string, read in order with the settings
   * around it: the registry's name unless it names another, and UTF-8 always (the payloads
   * are JSON). */
  self->conn = PQconnectdbParams (keys, values, 1);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *why = g_strdup (PQerrorMessage (self->conn));

      g_set_error (error, KS_REGISTRY_ERROR, KS_REGISTRY_ERROR_STORAGE,
                   "Cannot connect to the registry's PostgreSQL database: %s. Check that the "
                   "server runs and the conninfo in registry.conf", g_strstrip (why));
      pg_free (&self->parent);
      return NULL;
    }
  /* The tables, made at once: the CREATE statements and their lock are one transaction. */
  result = PQexec (self->conn, schema);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      pg_error (self, "create the registry's tables", error);
      pg_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
