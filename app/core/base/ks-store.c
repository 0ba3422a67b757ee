/* ks-store.c: the station's SQLite store
 *
 * One database per profile. Durability comes first: a record once entered must survive a power
 * cut, so the store runs WAL with synchronous=FULL (every commit reaches the disk) and foreign
 * keys on. The schema grows through numbered migrations, each applied in its own transaction
 * and recorded in PRAGMA user_version, so a station interrupted half-way through an upgrade
 * starts again from the last finished step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ks-store-private.h"
#include "ks-store-testing.h"

struct _KsStore
{
  GObject parent_instance;

  sqlite3 *db;
  char *path;
  int version;

  /* One connection is shared by the UI thread and the draft writer: a transaction holds this
   * lock from BEGIN to COMMIT so statements of two threads never interleave inside it. */
  GRecMutex lock;
  guint tx_depth;

  /* Disk full: see reserve_release(). */
  gboolean reserve_held;
  gboolean disk_full;

  KsClockFunc clock;
  gpointer clock_data;
};

G_DEFINE_TYPE (KsStore, ks_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-store-error-quark, ks_store_error)

/* Each entry takes the schema from version N to N+1. Never edit a released entry: add one. */
/* The audit chain's writing half (ks-audit.c reads and verifies it). It lives with the store
 * because the store's own upgrade steps write audit entries, and the audit needs the store:
 * keeping both halves in one module would be a cycle. */
/* The genesis link: the prev_hash of the first entry. */
#define AUDIT_GENESIS_HASH "0000000000000000000000000000000000000000000000000000000000000000"

static void
checksum_add_field (GChecksum  *sum,
                    const char *text)
{
  /* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
  guint32 len = GUINT32_TO_BE ((guint32)strlen (text));

  g_checksum_update (sum, (const guchar *)&len, sizeof len);
  g_checksum_update (sum, (const guchar *)text, strlen (text));
}

char *
_ks_store_audit_entry_hash (const char *prev_hash,
                            gint64      seq,
                            gint64      at,
                            const char *actor,
                            const char *action,
                            const char *subject,
                            const char *detail)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
  g_autofree char *at_text = g_strdup_printf ("%" G_GINT64_FORMAT, at);

  checksum_add_field (sum, prev_hash);
  checksum_add_field (sum, seq_text);
  checksum_add_field (sum, at_text);
  checksum_add_field (sum, actor);
  checksum_add_field (sum, action);
  checksum_add_field (sum, subject);
  checksum_add_field (sum, detail);
  return g_strdup (g_checksum_get_string (sum));
}

/* ks_audit_append() */
gboolean
_ks_store_audit_append (KsStore    *store,
                        const char *actor,
                        const char *action,
                        const char *subject,
                        const char *detail,
                        GError    **error)
{
  g_autoptr(sqlite3_stmt) head = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *hash = NULL;
  gint64 seq = 1;
  gint64 at;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (actor != NULL && action != NULL, FALSE);

  if (subject == NULL)
    subject = "";
  if (detail == NULL)
    detail = "";

  if (!ks_store_begin (store, error))
    return FALSE;

  head = _ks_store_prepare (store, "SELECT seq, hash FROM audit_head WHERE id = 1", error);
  if (head == NULL)
    goto fail;
  if (sqlite3_step (head) == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (head, 0) + 1;
      prev_hash = g_strdup ((const char *)sqlite3_column_text (head, 1));
    }
  else
    prev_hash = g_strdup (AUDIT_GENESIS_HASH);

  at = ks_store_now (store);
  hash = _ks_store_audit_entry_hash (prev_hash, seq, at, actor, action, subject, detail);

  insert = _ks_store_prepare (store,
                              "INSERT INTO audit (seq, at, actor, action, subject, detail, "
                              "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (insert == NULL)
    goto fail;
  sqlite3_bind_int64 (insert, 1, seq);
  sqlite3_bind_int64 (insert, 2, at);
  sqlite3_bind_text (insert, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 5, subject, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 6, detail, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 7, prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 8, hash, -1, SQLITE_STATIC);
  if (!_ks_store_step_done (store, insert, error))
    goto fail;

  update = _ks_store_prepare (store,
                              "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) "
                              "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, "
                              "hash = excluded.hash",
                              error);
  if (update == NULL)
    goto fail;
  sqlite3_bind_int64 (update, 1, seq);
  sqlite3_bind_text (update, 2, hash, -1, SQLITE_STATIC);
  if (!_ks_store_step_done (store, update, error))
    goto fail;

  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

static const char *const migrations[] = {
  /* 1: station facts, operator accounts, the hash-chained audit log */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,"
  "  full_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'trainer')),"
  "  password_hash TEXT NOT NULL,"
  "  disabled INTEGER NOT NULL DEFAULT 0,"
  "  failed_attempts INTEGER NOT NULL DEFAULT 0,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  language TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  created_by INTEGER REFERENCES accounts (id)"
  ");"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  detail TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL,"
  "  hash TEXT NOT NULL"
  ");"
  "CREATE INDEX audit_subject ON audit (subject);"
  /* The newest entry, kept apart from the chain so that cutting off the tail is noticed. */
  "CREATE TABLE audit_head ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  seq INTEGER NOT NULL,"
  "  hash TEXT NOT NULL"
  ");",

  /* 2: enrollment: drafts, submitted records with their versions, the ID sequence */
  "CREATE TABLE drafts ("
  "  id INTEGER PRIMARY KEY,"
  "  operator TEXT NOT NULL,"
  "  data TEXT NOT NULL,"
  "  step INTEGER NOT NULL DEFAULT 0,"
  "  record_id INTEGER REFERENCES records (id),"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX drafts_operator ON drafts (operator, updated_at);"
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY,"
  "  kp_id TEXT NOT NULL UNIQUE,"
  "  cnic TEXT NOT NULL UNIQUE,"
  "  state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'queued',"
  "                                       'synced', 'sync-failed')),"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  data TEXT NOT NULL,"
  "  full_name TEXT NOT NULL,"
  "  full_name_ur TEXT NOT NULL,"
  "  district TEXT NOT NULL,"
  "  operator TEXT NOT NULL,"
  "  submitted_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  decided_by TEXT,"
  "  decided_at INTEGER,"
  "  reason TEXT,"
  "  note TEXT,"
  "  flags INTEGER NOT NULL DEFAULT 0,"
  "  sync_error TEXT,"
  "  sync_attempts INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE INDEX records_state ON records (state, submitted_at);"
  "CREATE INDEX records_name ON records (full_name COLLATE NOCASE);"
  "CREATE TABLE record_versions ("
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  version INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  replaced_by TEXT NOT NULL,"
  "  replaced_at INTEGER NOT NULL,"
  "  PRIMARY KEY (record_id, version)"
  ");"
  /* The next sequence number of Khyber Pass IDs. Only ever grows: an ID is never reused. */
  "CREATE TABLE sequences ("
  "  name TEXT PRIMARY KEY,"
  "  next INTEGER NOT NULL"
  ");"
  "INSERT INTO sequences (name, next) VALUES ('kp-id', 1);",

  /* 3: sync bookkeeping: where each reviewed record stands with the registry, so a station
   * killed mid-run resumes there and never re-sends what the registry acknowledged */
  "CREATE TABLE sync_outbox ("
  "  record_id INTEGER PRIMARY KEY REFERENCES records (id),"
  "  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'processing', 'acknowledged',"
  "                                       'failed')),"
  "  content_hash TEXT,"
  "  batch_id TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  registry_status TEXT,"
  "  duplicate_of TEXT,"
  "  error TEXT,"
  "  sent_at INTEGER,"
  "  answered_at INTEGER"
  ");"
  "CREATE INDEX sync_outbox_state ON sync_outbox (state);"
  "CREATE TABLE sync_runs ("
  "  id INTEGER PRIMARY KEY,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  sent INTEGER NOT NULL DEFAULT 0,"
  "  acknowledged INTEGER NOT NULL DEFAULT 0,"
  "  failed INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT"
  ");",

  /* 4: supervisor review. The state moves on to queued right after a decision, so the decision
   * itself is kept apart. Indexes for each sortable column of the review list (ties broken by
   * rowid, which every index carries) and for its filters, searches and the day report. */
  "ALTER TABLE records ADD COLUMN decision TEXT CHECK (decision IN ('approved', 'rejected'));"
  "UPDATE records SET decision = CASE"
  "  WHEN state = 'rejected' THEN 'rejected'"
  "  WHEN state = 'approved' THEN 'approved'"
  "  WHEN decided_by IS NULL THEN NULL"
  "  WHEN decided_by <> 'station' AND reason IS NOT NULL THEN 'rejected'"
  "  ELSE 'approved' END;"
  "CREATE INDEX records_submitted ON records (submitted_at);"
  "CREATE INDEX records_name_ur ON records (full_name_ur);"
  "CREATE INDEX records_district ON records (district, submitted_at);"
  "CREATE INDEX records_operator ON records (operator, submitted_at);"
  "CREATE INDEX records_decision ON records (decision, submitted_at);"
  "CREATE INDEX records_decided ON records (decided_at);",

  /* 5: fingers of drafts and records. Templates and images are sealed with the station's
   * biometrics key (ks-fingers.c) before they get here; a draft's fingers go with it. */
  "CREATE TABLE draft_fingers ("
  "  draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,"
  "  finger INTEGER NOT NULL CHECK (finger BETWEEN 1 AND 10),"
  "  status TEXT NOT NULL CHECK (status IN ('captured', 'forced', 'missing')),"
  "  reason TEXT CHECK (status <> 'missing' OR reason IS NOT NULL),"
  "  n_minutiae INTEGER NOT NULL DEFAULT 0,"
  "  contact REAL NOT NULL DEFAULT 0,"
  "  grade INTEGER NOT NULL DEFAULT 0,"
  "  tries INTEGER NOT NULL DEFAULT 0,"
  "  duplicate INTEGER NOT NULL DEFAULT 0,"
  "  capture_id TEXT NOT NULL,"
  "  template_enc BLOB CHECK (status = 'missing' OR template_enc IS NOT NULL),"
  "  image_enc BLOB,"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  captured_at INTEGER NOT NULL,"
  "  PRIMARY KEY (draft_id, finger)"
  ");"
  "CREATE TABLE record_fingers ("
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  finger INTEGER NOT NULL CHECK (finger BETWEEN 1 AND 10),"
  "  status TEXT NOT NULL CHECK (status IN ('captured', 'forced', 'missing')),"
  "  reason TEXT CHECK (status <> 'missing' OR reason IS NOT NULL),"
  "  n_minutiae INTEGER NOT NULL DEFAULT 0,"
  "  contact REAL NOT NULL DEFAULT 0,"
  "  grade INTEGER NOT NULL DEFAULT 0,"
  "  tries INTEGER NOT NULL DEFAULT 0,"
  "  duplicate INTEGER NOT NULL DEFAULT 0,"
  "  capture_id TEXT NOT NULL,"
  "  template_enc BLOB CHECK (status = 'missing' OR template_enc IS NOT NULL),"
  "  image_enc BLOB,"
  "  width INTEGER NOT NULL DEFAULT 0,"
  "  height INTEGER NOT NULL DEFAULT 0,"
  "  captured_at INTEGER NOT NULL,"
  "  PRIMARY KEY (record_id, finger)"
  ");",

  /* 6: the station's own configuration (ks-station-config.c), which GSettings held before. A
   * database already in use is marked so the station copies its old GSettings values once. */
  "CREATE TABLE station_config ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "INSERT INTO meta (key, value) SELECT 'station-config-import', 'pending'"
  "  WHERE EXISTS (SELECT 1 FROM accounts);",
  /* 7: nothing in SQL; see requeue_refused_records() below. */
  "",
  /* 8: every signed card the station issued, by its credential ID (the card's CWT cti), and
   * its revocation when the record was rejected or superseded after the card was issued. The
   * revocations travel to the registry with sync (revocation_sent_at). Times in unix seconds,
   * as the card and the trust list carry them. */
  "CREATE TABLE cards ("
  "  credential_id TEXT PRIMARY KEY,"
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  version INTEGER NOT NULL,"
  "  kid TEXT NOT NULL,"
  "  issued_at INTEGER NOT NULL,"
  "  issued_by TEXT NOT NULL,"
  "  revoked_at INTEGER,"
  "  revoke_reason TEXT CHECK (revoke_reason IN ('rejected', 'superseded')),"
  "  revocation_sent_at INTEGER"
  ");"
  "CREATE INDEX cards_record ON cards (record_id, revoked_at);"
  "CREATE INDEX cards_unsent ON cards (revoked_at) WHERE revoked_at IS NOT NULL"
  "  AND revocation_sent_at IS NULL;",

  /* 9: the review list under 50 ms at a million records (bench-review). Two filters at once
   * (a state or decision and a district or operator) count and page on one index, in the
   * list's default order. An ID, CNIC or name search in date order reads its range from an
   * index that also holds the date (a few matches, sorted); an ID or CNIC search with many
   * matches walks the date index instead, which also holds the ID and the CNIC (after the
   * rowid, so it still orders ties as the list does), testing each entry. Neither way reads
   * the table. */
  "CREATE INDEX records_district_state ON records (district, state, submitted_at);"
  "CREATE INDEX records_district_decision ON records (district, decision, submitted_at);"
  "CREATE INDEX records_operator_state ON records (operator, state, submitted_at);"
  "CREATE INDEX records_operator_decision ON records (operator, decision, submitted_at);"
  "DROP INDEX records_submitted;"
  "CREATE INDEX records_submitted ON records (submitted_at, id, kp_id, cnic);"
  "CREATE INDEX records_kp_id_submitted ON records (kp_id, submitted_at);"
  "CREATE INDEX records_cnic_submitted ON records (cnic, submitted_at);"
  "CREATE INDEX records_name_submitted ON records (full_name COLLATE NOCASE, submitted_at);"
  "CREATE INDEX records_name_ur_submitted ON records (full_name_ur, submitted_at);",

  /* 10: the station's own fingerprint templates (ISO/IEC 19794-2:2005, sealed like the
   * libfprint template and the image, ks-fingers.c) and an NFIQ-like image quality 0-100 per
   * capture; NULL and 0 for captures stored before, whose template is extracted from their
   * image later (ks-duplicate-search.c). Then what the station-wide duplicate search found:
   * pairs of fingers of a draft or record matching a finger of ANOTHER record, with the
   * comparison score and its estimated false-match rate (ks-duplicate-findings.c). A draft's
   * findings move to its record on submit, as its fingers do. */
  "ALTER TABLE draft_fingers ADD COLUMN iso_enc BLOB;"
  "ALTER TABLE draft_fingers ADD COLUMN quality_score INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE record_fingers ADD COLUMN iso_enc BLOB;"
  "ALTER TABLE record_fingers ADD COLUMN quality_score INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE draft_duplicates ("
  "  draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,"
  "  other_record_id INTEGER NOT NULL REFERENCES records (id),"
  "  finger INTEGER NOT NULL CHECK (finger BETWEEN 1 AND 10),"
  "  other_finger INTEGER NOT NULL CHECK (other_finger BETWEEN 1 AND 10),"
  "  score REAL NOT NULL,"
  "  fmr REAL NOT NULL,"
  "  found_at INTEGER NOT NULL,"
  "  PRIMARY KEY (draft_id, other_record_id, finger, other_finger)"
  ");"
  "CREATE TABLE record_duplicates ("
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  other_record_id INTEGER NOT NULL REFERENCES records (id),"
  "  finger INTEGER NOT NULL CHECK (finger BETWEEN 1 AND 10),"
  "  other_finger INTEGER NOT NULL CHECK (other_finger BETWEEN 1 AND 10),"
  "  score REAL NOT NULL,"
  "  fmr REAL NOT NULL,"
  "  found_at INTEGER NOT NULL,"
  "  PRIMARY KEY (record_id, other_record_id, finger, other_finger)"
  ");",
};

/* Version 7. Before payloads carried each identifier in one documented form, the registry
 * refused every record typed with dashes in its CNIC (invalid-cnic): every real record. They
 * go back to the queue, each with its audit entry, so nothing an operator did is lost. Every
 * refusal goes back, not only invalid-cnic ones: the station kept the registry's reason only
 * as a translated sentence, re-sending is harmless (the registry judges a refused record
 * afresh), and a record refused for another reason comes back refused with the same words. */
static gboolean
requeue_refused_records (KsStore *self,
                         GError **error)
{
  g_autoptr(sqlite3_stmt) list = NULL;
  g_autoptr(GPtrArray) kp_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  list = _ks_store_prepare (self,
                            "SELECT r.id, r.kp_id FROM records r JOIN sync_outbox o ON "
                            "o.record_id = r.id WHERE r.state = 'sync-failed' AND "
                            "o.registry_status = 'rejected' ORDER BY r.submitted_at, r.id",
                            error);
  if (list == NULL)
    return FALSE;
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (list, 0);

      g_array_append_val (ids, id);
      g_ptr_array_add (kp_ids, g_strdup ((const char *)sqlite3_column_text (list, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (self, rc, error);
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(sqlite3_stmt) record = NULL;
      g_autoptr(sqlite3_stmt) outbox = NULL;
      gint64 id = g_array_index (ids, gint64, i);

      record = _ks_store_prepare (self,
                                  "UPDATE records SET state = 'queued', sync_error = NULL, "
                                  "updated_at = ? WHERE id = ?",
                                  error);
      if (record == NULL)
        return FALSE;
      sqlite3_bind_int64 (record, 1, ks_store_now (self));
      sqlite3_bind_int64 (record, 2, id);
      outbox = _ks_store_prepare (self,
                                  "UPDATE sync_outbox SET state = 'pending', error = NULL "
                                  "WHERE record_id = ?",
                                  error);
      if (outbox == NULL)
        return FALSE;
      sqlite3_bind_int64 (outbox, 1, id);
      if (!_ks_store_step_done (self, record, error)
          || !_ks_store_step_done (self, outbox, error)
          || !_ks_store_audit_append (self, "station", "record-queued",
                                      g_ptr_array_index (kp_ids, i),
                                      "queued again on upgrade: refused by the registry before "
                                      "identifiers were sent in one form",
                                      error))
        return FALSE;
    }
  return TRUE;
}

typedef gboolean (*MigrationStep) (KsStore *self,
                                   GError **error);

/* The part of a migration SQL cannot do (an audit entry is hash-chained in C), run in the
 * migration's transaction. */
static const MigrationStep migration_steps[G_N_ELEMENTS (migrations)] = {
  [6] = requeue_refused_records,
};

static void
ks_store_finalize (GObject *object)
{
  KsStore *self = (KsStore *)object;

  g_warn_if_fail (self->tx_depth == 0);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_rec_mutex_clear (&self->lock);
  g_free (self->path);

  G_OBJECT_CLASS (ks_store_parent_class)->finalize (object);
}

static void
ks_store_class_init (KsStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_store_finalize;
}

static void
ks_store_init (KsStore *self)
{
  g_rec_mutex_init (&self->lock);
}

int
ks_store_get_latest_version (void)
{
  return G_N_ELEMENTS (migrations);
}

/* SQLite's own text is for developers; the operator gets what happened and what to do. The
 * SQLite text goes to the debug log only. */
void
_ks_store_set_error (KsStore *self,
                     int      rc,
                     GError **error)
{
  const char *path = self && self->path ? self->path : "";

  g_debug ("SQLite error %d: %s", rc,
           self && self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));

  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_CORRUPT,
                   _("The station’s database %s is damaged. Nothing was changed. Ask your "
                     "supervisor to restore it from a backup, or move the file aside to start "
                     "with an empty station."),
                   path);
      break;

    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_WRITABLE,
                   _("The station cannot write its database %s. Check that the disk is not "
                     "full or read-only, then try again."),
                   path);
      break;

    case SQLITE_FULL:
      if (self != NULL)
        self->disk_full = TRUE;
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_WRITABLE,
                   _("The disk is full. Free some space, then try again; nothing was lost."));
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_BUSY,
                   _("The station’s database is busy. Wait a moment and try again."));
      break;

    case SQLITE_CONSTRAINT:
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_CONSTRAINT,
                   _("This change conflicts with data already stored, so it was not saved."));
      break;

    default:
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_FAILED,
                   _("The station could not save or read its data (code %d). Try again; if it "
                     "keeps happening, tell your supervisor."),
                   rc);
      break;
    }
}

sqlite3 *
_ks_store_get_db (KsStore *self)
{
  return self->db;
}

sqlite3_stmt *
_ks_store_prepare (KsStore    *self,
                   const char *sql,
                   GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      _ks_store_set_error (self, rc, error);
      return NULL;
    }
  return stmt;
}

/* Runs a statement that returns no rows. */
gboolean
_ks_store_step_done (KsStore      *self,
                     sqlite3_stmt *stmt,
                     GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _ks_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
_ks_store_in_transaction (KsStore *self)
{
  return self->tx_depth > 0;
}

/* Reads hold the lock too, so they never run in the middle of another thread's transaction. */
void
_ks_store_lock (KsStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
_ks_store_unlock (KsStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

/* Disk space held back for the moment the disk fills. Once the volume is full, SQLite cannot
 * even checkpoint the WAL into the database (the database file may need to grow first), so a
 * station whose own WAL filled the disk could stay "full" after everything else was deleted.
 * The reserve, a pre-allocated file beside the database, is deleted when a transaction starts
 * with less than a quarter of it free on the volume (and when a write fails for lack of space,
 * after which the WAL is checkpointed and truncated), so the transaction has room; it is made
 * again after a commit once there is room for it and more. 8 MB holds twice the WAL SQLite
 * lets grow before it checkpoints (1000 pages of 4 KB). A failed COMMIT cannot simply be
 * retried: SQLite rolls the transaction back when the disk is full. */
#define RESERVE_BYTES (8 * 1024 * 1024)

static guint64
free_bytes (KsStore *self)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  struct statvfs vfs;

  if (statvfs (dir, &vfs) != 0)
    return G_MAXUINT64;
  return (guint64)vfs.f_bavail * vfs.f_frsize;
}

static char *
reserve_path (KsStore *self)
{
  return g_strconcat (self->path, "-reserve", NULL);
}

static void
reserve_make (KsStore *self)
{
  g_autofree char *path = reserve_path (self);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    return;
  /* posix_fallocate really allocates the blocks (a sparse file would free nothing). */
  self->reserve_held = posix_fallocate (fd, 0, RESERVE_BYTES) == 0 && fsync (fd) == 0;
  if (!self->reserve_held)
    {
      /* Half a reserve would take the last free blocks from the next write: none at all. */
      if (ftruncate (fd, 0) != 0)
        g_debug ("cannot empty %s", path);
      g_unlink (path);
    }
  close (fd);
}

/* Returns: %TRUE when space was freed, so a write that failed for lack of it may be tried
 * again once. */
static gboolean
reserve_release (KsStore *self)
{
  g_autofree char *path = reserve_path (self);
  gboolean freed = g_unlink (path) == 0;

  self->reserve_held = FALSE;
  if (freed)
    g_message ("The disk is full: the station released its reserve of %d MB to keep working",
               RESERVE_BYTES / (1024 * 1024));
  return freed;
}

/* After a write failed for lack of space, outside any transaction: with the room the reserve
 * left, the WAL goes into the database and is truncated, giving its space back. */
static void
recover_from_full_disk (KsStore *self)
{
  if (!self->disk_full || self->tx_depth > 0)
    return;
  self->disk_full = FALSE;
  reserve_release (self);
  if (sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                 NULL) != SQLITE_OK)
    g_debug ("checkpoint after a full disk: %s", sqlite3_errmsg (self->db));
}

gboolean
ks_store_exec (KsStore    *self,
               const char *sql,
               GError    **error)
{
  int rc;

  g_return_val_if_fail (KS_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    _ks_store_set_error (self, rc, error);
  recover_from_full_disk (self);
  g_rec_mutex_unlock (&self->lock);
  return rc == SQLITE_OK;
}

/**
 * ks_store_begin:
 *
 * Starts a write transaction (BEGIN IMMEDIATE, so a conflict shows up here and not half-way
 * through). Nested calls join the outer transaction. Every begin is paired with a commit or a
 * rollback on the same thread.
 */
gboolean
ks_store_begin (KsStore *self,
                GError **error)
{
  int rc;

  g_return_val_if_fail (KS_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  if (self->tx_depth++ > 0)
    return TRUE;
  if (self->reserve_held && free_bytes (self) < RESERVE_BYTES / 4)
    reserve_release (self);

  rc = sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      self->tx_depth--;
      g_rec_mutex_unlock (&self->lock);
      _ks_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
ks_store_commit (KsStore *self,
                 GError **error)
{
  int rc = SQLITE_OK;

  g_return_val_if_fail (KS_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth == 1)
    {
      rc = sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          /* A failed COMMIT leaves the transaction open: roll it back so nothing half-done
           * stays behind, and tell the caller. */
          sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
          _ks_store_set_error (self, rc, error);
        }
    }
  self->tx_depth--;
  if (self->tx_depth == 0)
    {
      recover_from_full_disk (self);
      if (rc == SQLITE_OK && !self->reserve_held
          && free_bytes (self) > RESERVE_BYTES + RESERVE_BYTES / 4)
        reserve_make (self);
    }
  g_rec_mutex_unlock (&self->lock);
  return rc == SQLITE_OK;
}

void
ks_store_rollback (KsStore *self)
{
  g_return_if_fail (KS_IS_STORE (self));
  g_return_if_fail (self->tx_depth > 0);

  /* An inner rollback undoes the whole transaction: the outer caller's commit then fails
   * (SQLite reports no transaction), which is what a caller whose step failed wants. */
  if (sqlite3_get_autocommit (self->db) == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  self->tx_depth--;
  recover_from_full_disk (self);
  g_rec_mutex_unlock (&self->lock);
}

static int
read_user_version (KsStore *self,
                   GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (self, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _ks_store_set_error (self, rc, error);
      return -1;
    }
  return sqlite3_column_int (stmt, 0);
}

static gboolean
migrate (KsStore *self,
         int      target,
         GError **error)
{
  while (self->version < target)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", self->version + 1);

      if (!ks_store_begin (self, error))
        return FALSE;
      if (!ks_store_exec (self, migrations[self->version], error) ||
          (migration_steps[self->version] != NULL
           && !migration_steps[self->version] (self, error)) ||
          !ks_store_exec (self, bump, error))
        {
          ks_store_rollback (self);
          g_prefix_error (error,
                          _("Updating the station’s database failed; nothing was changed. "));
          return FALSE;
        }
      if (!ks_store_commit (self, error))
        return FALSE;
      self->version++;
      g_debug ("Database %s now at version %d", self->path, self->version);
    }
  return TRUE;
}

/**
 * ks_store_open_at_version:
 * @version: the schema version to stop at; tests use it to build databases as earlier
 *   stations left them
 *
 * Opens (creating if needed) the database at @path and brings it to @version.
 */
KsStore *
ks_store_open_at_version (const char *path,
                          int         version,
                          GError    **error)
{
  g_autoptr(KsStore) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (version >= 0 && version <= ks_store_get_latest_version (), NULL);

  self = g_object_new (KS_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  /* SQLite creates files 0644, and gives its -wal and -shm files the database's mode: a new
   * database starts as an empty file of mode 0600, which SQLite takes as an empty database. */
  {
    int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd >= 0)
      close (fd);
  }
  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _ks_store_set_error (self, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  /* A second reader (the review list while a draft is saved) waits instead of failing. */
  sqlite3_busy_timeout (self->db, 5000);

  /* Read the version before any pragma that writes (journal_mode=WAL rewrites the header):
   * a database from a newer station, or a damaged one, must be left exactly as it is. */
  self->version = read_user_version (self, error);
  if (self->version < 0)
    return NULL;
  /* Reading the schema parses page 1: a damaged file shows up here, before anything writes. */
  if (!ks_store_exec (self, "SELECT count(*) FROM sqlite_master", error))
    return NULL;
  if (self->version > ks_store_get_latest_version ())
    {
      g_set_error (error, KS_STORE_ERROR, KS_STORE_ERROR_TOO_NEW,
                   _("The database %s was written by a newer version of Khyber Pass Station "
                     "(schema %d; this station knows up to %d). Nothing was changed. Install the "
                     "newer station to open it."),
                   path, self->version, ks_store_get_latest_version ());
      return NULL;
    }

  if (!ks_store_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !ks_store_exec (self, "PRAGMA synchronous = FULL", error) ||
      !ks_store_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  if (!migrate (self, version, error))
    return NULL;
  reserve_make (self);

  return g_steal_pointer (&self);
}

/**
 * ks_store_open:
 *
 * Opens the database at @path, creating it or upgrading it to the latest schema. Refuses, with
 * a message for the operator and without writing anything, a damaged file or one written by a
 * newer station.
 */
KsStore *
ks_store_open (const char *path,
               GError    **error)
{
  return ks_store_open_at_version (path, ks_store_get_latest_version (), error);
}

const char *
ks_store_get_path (KsStore *self)
{
  g_return_val_if_fail (KS_IS_STORE (self), NULL);
  return self->path;
}

int
ks_store_get_version (KsStore *self)
{
  g_return_val_if_fail (KS_IS_STORE (self), -1);
  return self->version;
}

int
_ks_store_get_version (KsStore *self)
{
  return ks_store_get_version (self);
}

gint64
ks_store_now (KsStore *self)
{
  g_return_val_if_fail (KS_IS_STORE (self), 0);
  return self->clock ? self->clock (self->clock_data) : g_get_real_time ();
}

void
ks_store_set_clock (KsStore    *self,
                    KsClockFunc func,
                    gpointer    user_data)
{
  g_return_if_fail (KS_IS_STORE (self));
  self->clock = func;
  self->clock_data = user_data;
}

char *
ks_store_get_meta (KsStore    *self,
                   const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  char *value = NULL;

  g_return_val_if_fail (KS_IS_STORE (self), NULL);

  g_rec_mutex_lock (&self->lock);
  stmt = _ks_store_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    }
  g_rec_mutex_unlock (&self->lock);
  return value;
}

gboolean
ks_store_set_meta (KsStore    *self,
                   const char *key,
                   const char *value,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);
  stmt = _ks_store_prepare (self,
                            "INSERT INTO meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
      ok = _ks_store_step_done (self, stmt, error);
    }
  g_rec_mutex_unlock (&self->lock);
  return ok;
}
