/* ks-records.c: drafts and submitted records in the store, and their life cycle
 *
 * Drafts live in their own table until submit; a submitted record gets its Khyber Pass ID and
 * then only moves forward through the states of ks_record_state_can_change(). Every state
 * change, and every submit, is one transaction together with its audit entry: either both are
 * stored or neither. Nothing here deletes a submitted record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-records"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-duplicate-store.h"
#include "ks-fingers.h"
#include "ks-kpid.h"
#include "ks-record-validate.h"
#include "ks-records.h"
#include "ks-records-testing.h"
#include "ks-station-config.h"
#include "ks-station-rules.h"
#include "ks-store-private.h"
#include "ks-trust.h"

G_DEFINE_QUARK (ks-records-error-quark, ks_records_error)

#define KPID_MAX_SEQUENCE 9999999

void
ks_draft_info_free (KsDraftInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->operator);
  g_free (info->cnic);
  g_free (info->full_name);
  g_free (info);
}

void
ks_record_info_free (KsRecordInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kp_id);
  g_free (info->cnic);
  g_free (info->full_name);
  g_free (info->full_name_ur);
  g_free (info->district);
  g_free (info->operator);
  g_free (info->decided_by);
  g_free (info->reason);
  g_free (info->note);
  g_free (info);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  return text ? g_strdup (text) : NULL;
}

/* Drafts *****************************************************************************/

#define DRAFT_COLUMNS \
  "id, operator, data, step, coalesce (record_id, 0), created_at, updated_at"

static KsDraftInfo *
draft_info_from_row (sqlite3_stmt *stmt,
                     KsRecord    **record)
{
  KsDraftInfo *info = g_new0 (KsDraftInfo, 1);
  g_autoptr(KsRecord) parsed = ks_record_new_from_json ((const char *)sqlite3_column_text (stmt, 2),
                                                        NULL);

  if (parsed == NULL)
    parsed = ks_record_new ();
  info->id = sqlite3_column_int64 (stmt, 0);
  info->operator = column_dup (stmt, 1);
  info->step = sqlite3_column_int (stmt, 3);
  info->record_id = sqlite3_column_int64 (stmt, 4);
  info->created_at = sqlite3_column_int64 (stmt, 5);
  info->updated_at = sqlite3_column_int64 (stmt, 6);
  info->cnic = g_strdup (ks_record_get (parsed, KS_FIELD_CNIC));
  info->full_name = g_strdup (ks_record_get (parsed, KS_FIELD_FULL_NAME));
  if (record != NULL)
    *record = g_steal_pointer (&parsed);
  return info;
}

/**
 * ks_drafts_create:
 * @record: (nullable): the fields to start with; %NULL for an empty form
 * @record_id: the submitted record this draft edits, or 0 for a new enrollment
 *
 * Returns: the new draft's id, or 0 on error
 */
gint64
ks_drafts_create (KsStore   *store,
                  KsSession *session,
                  KsRecord  *record,
                  gint64     record_id,
                  GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(KsRecord) empty = NULL;
  g_autofree char *json = NULL;
  gint64 now = ks_store_now (store);
  gint64 id = 0;

  g_return_val_if_fail (KS_IS_STORE (store), 0);
  g_return_val_if_fail (KS_IS_SESSION (session), 0);

  if (!ks_session_require (session, KS_PERMISSION_ENROLL, error))
    return 0;
  if (record == NULL)
    record = empty = ks_record_new ();
  json = ks_record_to_json (record);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "INSERT INTO drafts (operator, data, step, record_id, created_at, "
                            "updated_at) VALUES (?, ?, 0, ?, ?, ?)",
                            error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, ks_session_get_username (session), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, json, -1, SQLITE_STATIC);
      if (record_id > 0)
        sqlite3_bind_int64 (stmt, 3, record_id);
      else
        sqlite3_bind_null (stmt, 3);
      sqlite3_bind_int64 (stmt, 4, now);
      sqlite3_bind_int64 (stmt, 5, now);
      if (_ks_store_step_done (store, stmt, error))
        id = sqlite3_last_insert_rowid (_ks_store_get_db (store));
    }
  _ks_store_unlock (store);
  return id;
}

/**
 * ks_drafts_save:
 *
 * Stores the draft's latest fields. Called by the draft saver off the UI thread, often: one
 * small UPDATE, no audit entry (a draft is not a record yet).
 */
gboolean
ks_drafts_save (KsStore    *store,
                gint64      draft_id,
                const char *json,
                int         step,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "UPDATE drafts SET data = ?, step = ?, updated_at = ? WHERE id = ?",
                            error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, json, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, step);
      sqlite3_bind_int64 (stmt, 3, ks_store_now (store));
      sqlite3_bind_int64 (stmt, 4, draft_id);
      ok = _ks_store_step_done (store, stmt, error);
      if (ok && sqlite3_changes (_ks_store_get_db (store)) == 0)
        {
          g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND,
                       _("This draft was submitted or discarded meanwhile."));
          ok = FALSE;
        }
    }
  _ks_store_unlock (store);
  return ok;
}

KsRecord *
ks_drafts_load (KsStore      *store,
                gint64        draft_id,
                KsDraftInfo **info,
                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(KsDraftInfo) draft = NULL;
  KsRecord *record = NULL;
  int rc;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "SELECT " DRAFT_COLUMNS " FROM drafts WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, draft_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        draft = draft_info_from_row (stmt, &record);
      else if (rc == SQLITE_DONE)
        g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND,
                     _("This draft no longer exists: it was submitted or discarded."));
      else
        _ks_store_set_error (store, rc, error);
    }
  _ks_store_unlock (store);

  if (record != NULL && info != NULL)
    *info = g_steal_pointer (&draft);
  return record;
}

static GPtrArray *
list_drafts (KsStore    *store,
             const char *sql,
             const char *operator,
             gint64      before,
             GError    **error)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_draft_info_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = SQLITE_DONE;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  if (operator != NULL)
    sqlite3_bind_text (stmt, 1, operator, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int64 (stmt, 1, before);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (drafts, draft_info_from_row (stmt, NULL));
  _ks_store_unlock (store);

  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&drafts);
}

/**
 * ks_drafts_list_mine:
 *
 * Returns: (transfer full) (element-type KsDraftInfo): the signed-in operator's drafts, newest
 *   first: what the sign-in offers to resume
 */
GPtrArray *
ks_drafts_list_mine (KsStore   *store,
                     KsSession *session,
                     GError   **error)
{
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);

  return list_drafts (store,
                      "SELECT " DRAFT_COLUMNS " FROM drafts WHERE operator = ? "
                      "ORDER BY updated_at DESC",
                      ks_session_get_username (session), 0, error);
}

/**
 * ks_drafts_list_stale:
 *
 * Returns: (transfer full) (element-type KsDraftInfo): every operator's drafts untouched for
 *   more than @older_than_days, oldest first; supervisors only
 */
GPtrArray *
ks_drafts_list_stale (KsStore   *store,
                      KsSession *session,
                      guint      older_than_days,
                      GError   **error)
{
  gint64 before;

  g_return_val_if_fail (KS_IS_SESSION (session), NULL);

  if (!ks_session_require (session, KS_PERMISSION_SEE_STALE_DRAFTS, error))
    return NULL;
  before = ks_store_now (store) - (gint64)older_than_days * 24 * 3600 * G_USEC_PER_SEC;
  return list_drafts (store,
                      "SELECT " DRAFT_COLUMNS " FROM drafts WHERE updated_at < ? "
                      "ORDER BY updated_at",
                      NULL, before, error);
}

/**
 * ks_drafts_discard:
 *
 * An operator discards their own drafts; a supervisor may discard anyone's (stale drafts).
 */
gboolean
ks_drafts_discard (KsStore   *store,
                   KsSession *session,
                   gint64     draft_id,
                   GError   **error)
{
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (KS_IS_SESSION (session), FALSE);

  if (!ks_session_require (session, KS_PERMISSION_ENROLL, error))
    return FALSE;
  if (!(record = ks_drafts_load (store, draft_id, &info, error)))
    return FALSE;
  if (g_strcmp0 (info->operator, ks_session_get_username (session)) != 0 &&
      !ks_session_require (session, KS_PERMISSION_SEE_STALE_DRAFTS, error))
    return FALSE;

  if (!ks_store_begin (store, error))
    return FALSE;
  stmt = _ks_store_prepare (store, "DELETE FROM drafts WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, draft_id);
  if (!_ks_store_step_done (store, stmt, error) ||
      !ks_audit_append (store, ks_session_get_username (session), "draft-discarded",
                        info->operator, info->cnic, error))
    goto fail;
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

/* Records ****************************************************************************/

#define RECORD_COLUMNS \
  "id, kp_id, cnic, state, version, full_name, full_name_ur, district, operator, " \
  "submitted_at, updated_at, decided_by, reason, note, flags, decision, coalesce (decided_at, 0)"

static KsRecordInfo *
record_info_from_row (sqlite3_stmt *stmt)
{
  KsRecordInfo *info = g_new0 (KsRecordInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->kp_id = column_dup (stmt, 1);
  info->cnic = column_dup (stmt, 2);
  ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 3), &info->state);
  info->version = sqlite3_column_int (stmt, 4);
  info->full_name = column_dup (stmt, 5);
  info->full_name_ur = column_dup (stmt, 6);
  info->district = column_dup (stmt, 7);
  info->operator = column_dup (stmt, 8);
  info->submitted_at = sqlite3_column_int64 (stmt, 9);
  info->updated_at = sqlite3_column_int64 (stmt, 10);
  info->decided_by = column_dup (stmt, 11);
  info->reason = column_dup (stmt, 12);
  info->note = column_dup (stmt, 13);
  info->flags = (guint)sqlite3_column_int (stmt, 14);
  if (sqlite3_column_type (stmt, 15) != SQLITE_NULL)
    ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 15), &info->decision);
  info->decided_at = sqlite3_column_int64 (stmt, 16);
  return info;
}

/* Caller holds the store lock. */
static KsRecordInfo *
lookup_record (KsStore    *store,
               const char *column,
               const char *value,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT " RECORD_COLUMNS " FROM records WHERE %s = ?",
                                          column);
  int rc;

  stmt = _ks_store_prepare (store, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return record_info_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND,
                 _("No record %s at this station."), value);
  else
    _ks_store_set_error (store, rc, error);
  return NULL;
}

KsRecordInfo *
ks_records_get_info (KsStore    *store,
                     const char *kp_id,
                     GError    **error)
{
  KsRecordInfo *info;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  info = lookup_record (store, "kp_id", kp_id, error);
  _ks_store_unlock (store);
  return info;
}

/* revoke_record_cards:
 * @reason: %KS_REVOCATION_REJECTED or %KS_REVOCATION_SUPERSEDED
 *
 * Revokes every standing card of the record, one audit entry each ("card-revoked"). Runs
 * inside the caller's transaction, the one that rejects or supersedes the record. The cards
 * table is read by ks-cards.c; the record's own state changes revoke its cards here, so records
 * need not include the card layer above them.
 */
static gboolean
revoke_record_cards (KsStore    *store,
                     const char *actor,
                     gint64      record_id,
                     const char *reason,
                     GError    **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) kp_ids = g_ptr_array_new_with_free_func (g_free);
  gint64 now = ks_store_now (store) / G_USEC_PER_SEC;

  select = _ks_store_prepare (store,
                              "SELECT c.credential_id, r.kp_id FROM cards c JOIN records r "
                              "ON r.id = c.record_id WHERE c.record_id = ? "
                              "AND c.revoked_at IS NULL",
                              error);
  if (select == NULL)
    return FALSE;
  sqlite3_bind_int64 (select, 1, record_id);
  while (sqlite3_step (select) == SQLITE_ROW)
    {
      g_ptr_array_add (ids, g_strdup ((const char *)sqlite3_column_text (select, 0)));
      g_ptr_array_add (kp_ids, g_strdup ((const char *)sqlite3_column_text (select, 1)));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(sqlite3_stmt) update = NULL;
      g_autofree char *detail = g_strdup_printf ("credential %s: %s",
                                                 (char *)g_ptr_array_index (ids, i), reason);

      update = _ks_store_prepare (store,
                                  "UPDATE cards SET revoked_at = ?, revoke_reason = ? "
                                  "WHERE credential_id = ?",
                                  error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_int64 (update, 1, now);
      sqlite3_bind_text (update, 2, reason, -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 3, g_ptr_array_index (ids, i), -1, SQLITE_STATIC);
      if (!_ks_store_step_done (store, update, error)
          || !ks_audit_append (store, actor, "card-revoked", g_ptr_array_index (kp_ids, i),
                               detail, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * ks_records_find_by_cnic:
 * @cnic: 13 digits, with or without dashes
 *
 * The wizard asks this as soon as a CNIC is entered: a citizen already enrolled here is opened,
 * never enrolled twice.
 */
KsRecordInfo *
ks_records_find_by_cnic (KsStore    *store,
                         const char *cnic,
                         GError    **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  KsRecordInfo *info;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  for (const char *p = cnic; p && *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);

  _ks_store_lock (store);
  info = lookup_record (store, "cnic", digits->str, error);
  _ks_store_unlock (store);
  return info;
}

KsRecord *
ks_records_load (KsStore    *store,
                 const char *kp_id,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  KsRecord *record = NULL;
  int rc;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "SELECT data FROM records WHERE kp_id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        record = ks_record_new_from_json ((const char *)sqlite3_column_text (stmt, 0), error);
      else if (rc == SQLITE_DONE)
        g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND,
                     _("No record %s at this station. Check the ID."), kp_id);
      else
        _ks_store_set_error (store, rc, error);
    }
  _ks_store_unlock (store);
  return record;
}

static char *
digits_only (const char *text)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

/* Takes the next Khyber Pass ID inside the caller's transaction. */
static char *
allocate_kp_id (KsStore    *store,
                const char *district,
                const char *station_code,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) get = NULL;
  g_autoptr(sqlite3_stmt) bump = NULL;
  gint64 next;

  get = _ks_store_prepare (store, "SELECT next FROM sequences WHERE name = 'kp-id'", error);
  if (get == NULL)
    return NULL;
  if (sqlite3_step (get) != SQLITE_ROW)
    {
      _ks_store_set_error (store, SQLITE_CORRUPT, error);
      return NULL;
    }
  next = sqlite3_column_int64 (get, 0);
  if (next > KPID_MAX_SEQUENCE)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_IDS_EXHAUSTED,
                   _("This station has issued all its Khyber Pass IDs. Ask the registry office "
                     "for a new station code."));
      return NULL;
    }
  bump = _ks_store_prepare (store, "UPDATE sequences SET next = next + 1 WHERE name = 'kp-id'",
                            error);
  if (bump == NULL || !_ks_store_step_done (store, bump, error))
    return NULL;
  return ks_kpid_format (district, station_code, (guint32)next);
}

static gboolean
delete_draft (KsStore *store,
              gint64   draft_id,
              GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (draft_id <= 0)
    return TRUE;
  stmt = _ks_store_prepare (store, "DELETE FROM drafts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, draft_id);
  return _ks_store_step_done (store, stmt, error);
}

static gboolean
set_state_locked (KsStore      *store,
                  const char   *actor,
                  KsRecordInfo *info,
                  KsRecordState to,
                  const char   *reason,
                  const char   *note,
                  GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *action = NULL;
  gboolean decision = to == KS_RECORD_STATE_APPROVED || to == KS_RECORD_STATE_REJECTED;

  if (!ks_record_state_can_change (info->state, to))
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE,
                   _("Record %s is “%s” and cannot become “%s”."), info->kp_id,
                   ks_record_state_get_label (info->state), ks_record_state_get_label (to));
      return FALSE;
    }

  stmt = _ks_store_prepare (store,
                            decision ? "UPDATE records SET state = ?, updated_at = ?, "
                            "decided_by = ?3, decided_at = ?2, reason = ?4, "
                            "note = ?5, decision = ?1 WHERE id = ?6"
                                     : "UPDATE records SET state = ?, updated_at = ?, "
                            "sync_error = CASE WHEN ?1 = 'sync-failed' THEN ?4 END, "
                            "sync_attempts = sync_attempts + (?1 = 'sync-failed') "
                            "WHERE id = ?6",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ks_record_state_to_string (to), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, ks_store_now (store));
  sqlite3_bind_text (stmt, 3, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, note, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, info->id);
  if (!_ks_store_step_done (store, stmt, error))
    return FALSE;

  action = g_strconcat ("record-", ks_record_state_to_string (to), NULL);
  if (!ks_audit_append (store, actor, action, info->kp_id, reason, error))
    return FALSE;
  /* A card already out for this record no longer stands for anything. */
  if (to == KS_RECORD_STATE_REJECTED
      && !revoke_record_cards (store, actor, info->id, KS_REVOCATION_REJECTED, error))
    return FALSE;
  info->state = to;
  return TRUE;
}

static gboolean
insert_record (KsStore    *store,
               KsSession  *session,
               KsRecord   *record,
               const char *kp_id,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *json = ks_record_to_json (record);
  g_autofree char *cnic = digits_only (ks_record_get (record, KS_FIELD_CNIC));
  gint64 now = ks_store_now (store);
  int rc;

  stmt = _ks_store_prepare (store,
                            "INSERT INTO records (kp_id, cnic, state, data, full_name, "
                            "full_name_ur, district, operator, submitted_at, updated_at) "
                            "VALUES (?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, cnic, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ks_record_get (record, KS_FIELD_FULL_NAME), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ks_record_get (record, KS_FIELD_FULL_NAME_UR), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, ks_record_get (record, KS_FIELD_DISTRICT), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, ks_session_get_username (session), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int64 (stmt, 9, now);
  rc = sqlite3_step (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC,
                   _("A record with this CNIC already exists at this station. Open it instead "
                     "of enrolling the citizen again."));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return FALSE;
    }
  return ks_audit_append (store, ks_session_get_username (session), "record-submitted", kp_id,
                          NULL, error);
}

/* Whether the record may get a new version, and whether that version supersedes an approved
 * one. Called locked. An approved record may be corrected until the registry holds it (its
 * outbox entry was not sent yet, or was refused): the new version goes back to review. */
static gboolean
check_editable (KsStore      *store,
                KsRecordInfo *info,
                gboolean     *supersedes,
                GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *outbox = NULL;

  *supersedes = FALSE;
  if (info->state == KS_RECORD_STATE_SUBMITTED)
    return TRUE;
  if (info->decision == KS_RECORD_STATE_APPROVED && info->state != KS_RECORD_STATE_SYNCED)
    {
      stmt = _ks_store_prepare (store, "SELECT state FROM sync_outbox WHERE record_id = ?",
                                error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, info->id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        outbox = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      if (outbox == NULL || g_str_equal (outbox, "pending") || g_str_equal (outbox, "failed"))
        {
          *supersedes = TRUE;
          return TRUE;
        }
    }
  if (info->decision == KS_RECORD_STATE_APPROVED)
    g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE,
                 _("Record %s is already at the registry; it can no longer be edited at this "
                   "station."),
                 info->kp_id);
  else
    g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE,
                 _("Record %s was already reviewed (%s); it can no longer be edited."),
                 info->kp_id, ks_record_outcome_label (info->state, info->decision));
  return FALSE;
}

/**
 * ks_records_is_editable:
 *
 * Whether the record of @kp_id may be opened for a new version: while it awaits review, and
 * once approved until the registry holds it. Editing an approved record sends it back to
 * review and revokes its card.
 */
gboolean
ks_records_is_editable (KsStore    *store,
                        const char *kp_id,
                        GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;
  gboolean supersedes, ok = FALSE;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  _ks_store_lock (store);
  info = lookup_record (store, "kp_id", kp_id, error);
  if (info != NULL)
    ok = check_editable (store, info, &supersedes, error);
  _ks_store_unlock (store);
  return ok;
}

/* A new version of a record: the old fields are kept in record_versions. A version that
 * corrects an approved record supersedes it: back to review, out of the sync queue, and its
 * cards revoked, all in the caller's transaction. */
static gboolean
update_record (KsStore      *store,
               KsSession    *session,
               KsRecord     *record,
               KsRecordInfo *info,
               GError      **error)
{
  g_autoptr(sqlite3_stmt) keep = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autofree char *json = ks_record_to_json (record);
  g_autofree char *cnic = digits_only (ks_record_get (record, KS_FIELD_CNIC));
  g_autofree char *detail = NULL;
  gint64 now = ks_store_now (store);
  gboolean supersedes;

  if (!check_editable (store, info, &supersedes, error))
    return FALSE;
  detail = supersedes ? g_strdup_printf ("version %d, supersedes the approved version %d",
                                         info->version + 1, info->version)
                      : g_strdup_printf ("version %d", info->version + 1);
  if (supersedes)
    {
      g_autoptr(sqlite3_stmt) reopen = NULL;
      g_autoptr(sqlite3_stmt) unqueue = NULL;

      reopen = _ks_store_prepare (store,
                                  "UPDATE records SET state = 'submitted', decision = NULL, "
                                  "decided_by = NULL, decided_at = NULL, reason = NULL, "
                                  "note = NULL, sync_error = NULL WHERE id = ?",
                                  error);
      unqueue = reopen ? _ks_store_prepare (store, "DELETE FROM sync_outbox WHERE record_id = ?",
                                            error) : NULL;
      if (unqueue == NULL)
        return FALSE;
      sqlite3_bind_int64 (reopen, 1, info->id);
      sqlite3_bind_int64 (unqueue, 1, info->id);
      if (!_ks_store_step_done (store, reopen, error) || !_ks_store_step_done (store, unqueue,
                                                                               error)
          || !revoke_record_cards (store, ks_session_get_username (session), info->id,
                                   KS_REVOCATION_SUPERSEDED, error))
        return FALSE;
    }

  keep = _ks_store_prepare (store,
                            "INSERT INTO record_versions (record_id, version, data, replaced_by, "
                            "replaced_at) SELECT id, version, data, ?, ? FROM records "
                            "WHERE id = ?",
                            error);
  if (keep == NULL)
    return FALSE;
  sqlite3_bind_text (keep, 1, ks_session_get_username (session), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (keep, 2, now);
  sqlite3_bind_int64 (keep, 3, info->id);
  if (!_ks_store_step_done (store, keep, error))
    return FALSE;

  update = _ks_store_prepare (store,
                              "UPDATE records SET data = ?, cnic = ?, full_name = ?, "
                              "full_name_ur = ?, district = ?, version = version + 1, "
                              "updated_at = ? WHERE id = ?",
                              error);
  if (update == NULL)
    return FALSE;
  sqlite3_bind_text (update, 1, json, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 2, cnic, -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 3, ks_record_get (record, KS_FIELD_FULL_NAME), -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 4, ks_record_get (record, KS_FIELD_FULL_NAME_UR), -1, SQLITE_STATIC);
  sqlite3_bind_text (update, 5, ks_record_get (record, KS_FIELD_DISTRICT), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (update, 6, now);
  sqlite3_bind_int64 (update, 7, info->id);
  if (!_ks_store_step_done (store, update, error))
    {
      if (g_error_matches (*error, KS_STORE_ERROR, KS_STORE_ERROR_CONSTRAINT))
        {
          g_clear_error (error);
          g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC,
                       _("Another record at this station has this CNIC. Check the number."));
        }
      return FALSE;
    }
  return ks_audit_append (store, ks_session_get_username (session), "record-edited", info->kp_id,
                          detail, error);
}

static gint64
draft_record_id (KsStore *store,
                 gint64   draft_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 id = 0;

  if (draft_id <= 0)
    return 0;
  stmt = _ks_store_prepare (store, "SELECT coalesce (record_id, 0) FROM drafts WHERE id = ?",
                            NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, draft_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  return id;
}

/**
 * ks_records_submit:
 * @draft_id: the draft this record was typed in (deleted in the same transaction), or 0
 * @record: the fields; validated again here and stored normalised
 *
 * Submits a new record (it gets its Khyber Pass ID) or, when the draft edits a record that
 * still awaits review, stores a new version of it. The station's district, code and approval
 * policy come from its configuration in @store, never from the caller: with `approval-required`
 * off, a new record is approved at once, audited as such. A new record is refused while a
 * station rule holds (ks_station_rules_check(), %KS_STATION_RULES_ERROR with the rule's
 * message). One transaction: ID, record, draft removal and audit entries are stored together
 * or not at all.
 *
 * Returns: (transfer full): the record's Khyber Pass ID
 */
char *
ks_records_submit (KsStore               *store,
                   KsSession             *session,
                   gint64                 draft_id,
                   KsRecord              *record,
                   KsReference           *reference,
                   const KsSubmitOptions *options,
                   GError               **error)
{
  g_autoptr(KsRecord) normalized = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KsRecordInfo) existing = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *cnic = NULL;
  g_autofree char *station_district = NULL;
  g_autoptr(GDate) today = NULL;
  KsField bad_field;
  gint64 record_id;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (KS_IS_RECORD (record), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  if (!ks_session_require (session, KS_PERMISSION_ENROLL, error))
    return NULL;

  if (options->today == NULL)
    {
      today = g_date_new ();
      g_date_set_time_t (today, time (NULL));
    }
  normalized = ks_record_copy (record);
  if (!ks_record_validate (normalized, 0, KS_N_FIELDS - 1, reference,
                           options->today ? options->today : today, TRUE, &bad_field,
                           &local_error))
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }

  if (!ks_store_begin (store, error))
    return NULL;

  record_id = draft_record_id (store, draft_id);
  cnic = digits_only (ks_record_get (normalized, KS_FIELD_CNIC));
  existing = lookup_record (store, "cnic", cnic, NULL);

  if (record_id > 0)
    {
      g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store,
                                                        "SELECT " RECORD_COLUMNS
                                                        " FROM records WHERE id = ?",
                                                        error);
      g_autoptr(KsRecordInfo) info = NULL;

      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, record_id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND,
                       _("The record this draft edits no longer exists."));
          goto fail;
        }
      info = record_info_from_row (stmt);
      if (!update_record (store, session, normalized, info, error))
        goto fail;
      kp_id = g_strdup (info->kp_id);
    }
  else
    {
      g_autofree char *district = ks_station_config_read_string (store, "district");
      g_autofree char *station_code = ks_station_config_read_string (store, "station-code");
      KsStationRules rules;

      if (existing != NULL)
        {
          g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC,
                       _("This CNIC is already enrolled at this station as %s. Open that record "
                         "instead of enrolling the citizen again."),
                       existing->kp_id);
          goto fail;
        }
      /* Checked here, not only by the Enroll button: a new record is what the rules stop. */
      ks_station_rules_from_store (&rules, store);
      if (!ks_station_rules_check_store (store, &rules, error))
        goto fail;
      if (strlen (station_code) != 3 || *district == '\0')
        {
          g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NO_STATION_CODE,
                       _("The station has no station code or district yet. A supervisor sets "
                         "them in Settings."));
          goto fail;
        }
      if (!(kp_id = allocate_kp_id (store, district, station_code, error)) ||
          !insert_record (store, session, normalized, kp_id, error))
        goto fail;
      if (!ks_station_config_read_boolean (store, "approval-required"))
        {
          g_autoptr(KsRecordInfo) info = lookup_record (store, "kp_id", kp_id, error);

          /* Approved and queued for sync at once, like a supervisor's approval. */
          if (info == NULL ||
              !set_state_locked (store, "station", info, KS_RECORD_STATE_APPROVED,
                                 "approval not required", NULL, error) ||
              !set_state_locked (store, "station", info, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                 error))
            goto fail;
        }
    }

  /* The fingers captured in the draft go with it, and set the record's flags. */
  {
    g_autoptr(KsRecordInfo) stored = lookup_record (store, "kp_id", kp_id, error);

    if (stored == NULL || !ks_fingers_move_to_record (store, draft_id, stored->id, error) ||
        !ks_duplicate_findings_audit (store, ks_session_get_username (session), kp_id,
                                      stored->id, error))
      goto fail;
  }
  if (!delete_draft (store, draft_id, error))
    goto fail;
  if (!ks_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&kp_id);

fail:
  ks_store_rollback (store);
  return NULL;
}

/**
 * ks_records_set_state:
 * @session: (nullable): who decides; %NULL for the station itself (the sync engine)
 * @reason: a rejection reason id (required to reject), or a sync error
 *
 * Moves a record along its life cycle, with the permission checks of the role in core:
 * approving and rejecting need a reviewer; queueing and sync results need sync rights.
 */
gboolean
ks_records_set_state (KsStore      *store,
                      KsSession    *session,
                      const char   *kp_id,
                      KsRecordState to,
                      const char   *reason,
                      const char   *note,
                      GError      **error)
{
  g_autoptr(KsRecordInfo) info = NULL;
  gboolean decision = to == KS_RECORD_STATE_APPROVED || to == KS_RECORD_STATE_REJECTED;
  const char *actor = session ? ks_session_get_username (session) : "station";

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  if (decision && (session == NULL || !ks_session_require (session, KS_PERMISSION_REVIEW, error)))
    {
      if (session == NULL)
        g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED,
                     _("Only a supervisor approves or rejects records."));
      return FALSE;
    }
  if (!decision && session != NULL && !ks_session_require (session, KS_PERMISSION_SYNC, error))
    return FALSE;
  if (to == KS_RECORD_STATE_REJECTED && (reason == NULL || *reason == '\0'))
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID,
                   _("Choose a reason for the rejection."));
      return FALSE;
    }

  if (!ks_store_begin (store, error))
    return FALSE;
  info = lookup_record (store, "kp_id", kp_id, error);
  if (info == NULL || !set_state_locked (store, actor, info, to, reason, note, error))
    {
      ks_store_rollback (store);
      return FALSE;
    }
  return ks_store_commit (store, error);
}

gboolean
ks_records_count_by_state (KsStore      *store,
                           KsRecordState state,
                           gint64       *count)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "SELECT count(*) FROM records WHERE state = ?", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, ks_record_state_to_string (state), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *count = sqlite3_column_int64 (stmt, 0);
          ok = TRUE;
        }
    }
  _ks_store_unlock (store);
  return ok;
}

/* Decisions **************************************************************************/

static gboolean
check_decision (KsStore      *store,
                const char   *actor,
                KsRecordInfo *info,
                KsRecordState to,
                gboolean      confirmed_exceptions,
                gboolean      other_supervisor,
                GError      **error)
{
  if (info->state != KS_RECORD_STATE_SUBMITTED)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE,
                   _("Record %s was already decided (%s). Refresh the list and choose again."),
                   info->kp_id, ks_record_outcome_label (info->state, info->decision));
      return FALSE;
    }
  if (to == KS_RECORD_STATE_APPROVED && (info->flags & KS_RECORD_FLAG_DUPLICATE_ENROLMENT) != 0 &&
      !confirmed_exceptions)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NEEDS_CONFIRMATION,
                   _("The fingerprints of record %s match another record at this station: it "
                     "may be a second enrolment of the same citizen. Compare both records, then "
                     "confirm explicitly to approve it."),
                   info->kp_id);
      return FALSE;
    }
  if (to == KS_RECORD_STATE_APPROVED && (info->flags & KS_RECORD_FLAGS_EXCEPTIONS) != 0 &&
      !confirmed_exceptions)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NEEDS_CONFIRMATION,
                   _("Record %s has forced or missing fingerprints. Confirm these exceptions "
                     "explicitly to approve it."),
                   info->kp_id);
      return FALSE;
    }
  /* Four eyes: whoever enrolled a citizen does not also approve them, unless the station has
   * only one supervisor and nobody else could. */
  if (to == KS_RECORD_STATE_APPROVED && other_supervisor && g_strcmp0 (info->operator, actor) == 0)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_SELF_APPROVAL,
                   _("You enrolled record %s yourself. Another supervisor must approve it."),
                   info->kp_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * ks_records_decide_batch:
 * @kp_ids: (array zero-terminated=1): the records to decide, at most %KS_RECORDS_MAX_BATCH
 * @to: %KS_RECORD_STATE_APPROVED or %KS_RECORD_STATE_REJECTED
 * @reason: (nullable): a rejection reason id from the reference data; required to reject
 * @note: (nullable): the supervisor's own words, kept with the record
 * @confirmed_exceptions: the supervisor confirmed, in a second step, approving records with
 *   forced or missing fingers
 *
 * A supervisor may not approve a record they enrolled while the station's `no-self-approval`
 * setting is on and another supervisor can do it: decided here from @session, the record and
 * the setting in @store.
 * Approves or rejects every record of @kp_ids, or none: one transaction holds each record's
 * decision, its move to the sync queue (rejections sync too, so the registry keeps the trail)
 * and the audit entries of both. The first record that cannot be decided aborts the batch with
 * an error naming it. Permissions are checked here, not only in the UI: an operator calling
 * this gets %KS_ACCOUNTS_ERROR_NOT_PERMITTED.
 */
gboolean
ks_records_decide_batch (KsStore           *store,
                         KsSession         *session,
                         const char *const *kp_ids,
                         KsRecordState      to,
                         const char        *reason,
                         const char        *note,
                         gboolean           confirmed_exceptions,
                         GError           **error)
{
  const char *actor;
  gboolean other_supervisor = FALSE;
  guint n;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (session == NULL || KS_IS_SESSION (session), FALSE);
  g_return_val_if_fail (kp_ids != NULL, FALSE);
  g_return_val_if_fail (to == KS_RECORD_STATE_APPROVED || to == KS_RECORD_STATE_REJECTED, FALSE);

  if (session == NULL)
    {
      g_set_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED,
                   _("Only a supervisor approves or rejects records."));
      return FALSE;
    }
  if (!ks_session_require (session, KS_PERMISSION_REVIEW, error))
    return FALSE;
  if (to == KS_RECORD_STATE_REJECTED && (reason == NULL || *reason == '\0'))
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID,
                   _("Choose a reason for the rejection."));
      return FALSE;
    }
  n = g_strv_length ((char **)kp_ids);
  if (n == 0)
    return TRUE;
  if (n > KS_RECORDS_MAX_BATCH)
    {
      g_set_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID,
                   _("%u records are selected; decide at most %u at a time. Narrow the list "
                     "with the filters first."),
                   n, KS_RECORDS_MAX_BATCH);
      return FALSE;
    }

  actor = ks_session_get_username (session);
  if (to == KS_RECORD_STATE_APPROVED && ks_station_config_read_boolean (store, "no-self-approval"))
    other_supervisor = ks_accounts_count_role (store, KS_ROLE_SUPERVISOR) > 1;

  if (!ks_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KsRecordInfo) info = lookup_record (store, "kp_id", kp_ids[i], error);

      if (info == NULL ||
          !check_decision (store, actor, info, to, confirmed_exceptions, other_supervisor,
                           error) ||
          !set_state_locked (store, actor, info, to, reason, note, error) ||
          !set_state_locked (store, actor, info, KS_RECORD_STATE_QUEUED, NULL, NULL, error))
        {
          ks_store_rollback (store);
          return FALSE;
        }
    }
  return ks_store_commit (store, error);
}

/**
 * ks_record_flags_to_string:
 *
 * Returns: (transfer full): the flags as short words for a list column ("Forced finger,
 *   Possible duplicate"), or an empty string
 */
char *
ks_record_flags_to_string (guint flags)
{
  GString *text = g_string_new (NULL);

  if (flags & KS_RECORD_FLAG_FORCED_FINGER)
    g_string_append (text, _("Forced finger"));
  if (flags & KS_RECORD_FLAG_MISSING_FINGER)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", _("Missing finger"));
  if (flags & KS_RECORD_FLAG_DUPLICATE_WARNING)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", _("Possible duplicate"));
  if (flags & KS_RECORD_FLAG_DUPLICATE_ENROLMENT)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "",
                            _("Possible duplicate enrolment"));
  return g_string_free (text, FALSE);
}

/**
 * ks_record_flags_describe:
 *
 * Returns: (transfer full): one sentence per flag saying what it means, for a tooltip
 */
char *
ks_record_flags_describe (guint flags)
{
  GString *text = g_string_new (NULL);

  if (flags & KS_RECORD_FLAG_FORCED_FINGER)
    g_string_append_printf (text, "%s\n", _("A fingerprint was accepted below the quality "
                                            "threshold after repeated attempts."));
  if (flags & KS_RECORD_FLAG_MISSING_FINGER)
    g_string_append_printf (text, "%s\n", _("One or more fingers could not be captured; the "
                                            "operator gave a reason."));
  if (flags & KS_RECORD_FLAG_DUPLICATE_WARNING)
    g_string_append_printf (text, "%s\n", _("The fingerprints resemble another record at this "
                                            "station. Compare both before deciding."));
  if (flags & KS_RECORD_FLAG_DUPLICATE_ENROLMENT)
    g_string_append_printf (text, "%s\n", _("The fingerprints match a record of another citizen "
                                            "at this station: the same person may have enrolled "
                                            "twice. Compare both records; approving needs an "
                                            "explicit confirmation."));
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

/**
 * ks_record_outcome_label:
 * @decision: the record's decision, 0 before one was made
 *
 * What a supervisor wants to read in a list: the decision and where the record is on its way
 * to the registry ("Rejected, waiting to sync").
 */
const char *
ks_record_outcome_label (KsRecordState state,
                         KsRecordState decision)
{
  gboolean rejected = decision == KS_RECORD_STATE_REJECTED;

  if (decision != KS_RECORD_STATE_APPROVED && decision != KS_RECORD_STATE_REJECTED)
    return ks_record_state_get_label (state);

  switch (state)
    {
    case KS_RECORD_STATE_QUEUED:
      return rejected ? _("Rejected, waiting to sync") : _("Approved, waiting to sync");
    case KS_RECORD_STATE_SYNCED:
      return rejected ? _("Rejected, synced") : _("Approved, synced");
    case KS_RECORD_STATE_SYNC_FAILED:
      return rejected ? _("Rejected, sync failed") : _("Approved, sync failed");
    case KS_RECORD_STATE_SUBMITTED:
    case KS_RECORD_STATE_APPROVED:
    case KS_RECORD_STATE_REJECTED:
    default:
      return ks_record_state_get_label (state);
    }
}
