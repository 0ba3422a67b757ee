/* ks-fingers.c: a citizen's captured fingers, encrypted at rest, for drafts and records
 *
 * Templates and the impressions kept for review are biometric data: they are sealed with the
 * station's biometrics key (KsVault, a key file outside the database) before SQLite sees them,
 * so a copied database file gives nothing away. Each row carries a random capture id that is
 * part of the associated data: a sealed blob copied onto another row or finger no longer opens,
 * yet a draft's rows move to the submitted record unchanged (submit needs no key).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingers"

#include "config.h"

#include <glib/gi18n.h>

#include <json-glib/json-glib.h>
#include <string.h>

#include "ks-fingers.h"
#include "ks-record.h"
#include "ks-store-private.h"

#define FINGER_COLUMNS \
  "finger, status, reason, n_minutiae, contact, grade, tries, duplicate, capture_id, " \
  "template_enc, image_enc, width, height, captured_at"

KsFingerCapture *
ks_finger_capture_new (FpFinger finger)
{
  KsFingerCapture *capture = g_new0 (KsFingerCapture, 1);

  capture->finger = finger;
  return capture;
}

void
ks_finger_capture_free (KsFingerCapture *capture)
{
  if (capture == NULL)
    return;
  g_free (capture->reason);
  g_free (capture->capture_id);
  g_clear_pointer (&capture->template_blob, g_bytes_unref);
  g_clear_pointer (&capture->image, g_bytes_unref);
  g_free (capture);
}

const char *
ks_finger_get_label (FpFinger finger)
{
  switch (finger)
    {
    case FP_FINGER_LEFT_THUMB:
      return _("Left thumb");
    case FP_FINGER_LEFT_INDEX:
      return _("Left index finger");
    case FP_FINGER_LEFT_MIDDLE:
      return _("Left middle finger");
    case FP_FINGER_LEFT_RING:
      return _("Left ring finger");
    case FP_FINGER_LEFT_LITTLE:
      return _("Left little finger");
    case FP_FINGER_RIGHT_THUMB:
      return _("Right thumb");
    case FP_FINGER_RIGHT_INDEX:
      return _("Right index finger");
    case FP_FINGER_RIGHT_MIDDLE:
      return _("Right middle finger");
    case FP_FINGER_RIGHT_RING:
      return _("Right ring finger");
    case FP_FINGER_RIGHT_LITTLE:
      return _("Right little finger");
    case FP_FINGER_UNKNOWN:
    default:
      return _("Unknown finger");
    }
}

/* The values stored in the status column. */
const char *
ks_finger_status_to_string (KsFingerStatus status)
{
  switch (status)
    {
    case KS_FINGER_FORCED:
      return "forced";
    case KS_FINGER_MISSING:
      return "missing";
    case KS_FINGER_CAPTURED:
    default:
      return "captured";
    }
}

static KsFingerStatus
status_from_string (const char *text)
{
  if (g_strcmp0 (text, "forced") == 0)
    return KS_FINGER_FORCED;
  if (g_strcmp0 (text, "missing") == 0)
    return KS_FINGER_MISSING;
  return KS_FINGER_CAPTURED;
}

/**
 * ks_fingers_get_required:
 *
 * The fingers a record needs, in capture order: thumbs first, since they are the ones other
 * systems (NADRA, banks) compare against.
 */
const FpFinger *
ks_fingers_get_required (KsCaptureSet set,
                         guint       *n_fingers)
{
  static const FpFinger four[] = {
    FP_FINGER_RIGHT_THUMB, FP_FINGER_LEFT_THUMB, FP_FINGER_RIGHT_INDEX, FP_FINGER_LEFT_INDEX,
  };
  static const FpFinger ten[] = {
    FP_FINGER_RIGHT_THUMB, FP_FINGER_LEFT_THUMB, FP_FINGER_RIGHT_INDEX, FP_FINGER_LEFT_INDEX,
    FP_FINGER_RIGHT_MIDDLE, FP_FINGER_LEFT_MIDDLE, FP_FINGER_RIGHT_RING, FP_FINGER_LEFT_RING,
    FP_FINGER_RIGHT_LITTLE, FP_FINGER_LEFT_LITTLE,
  };

  if (set == KS_CAPTURE_SET_ALL_TEN)
    {
      *n_fingers = G_N_ELEMENTS (ten);
      return ten;
    }
  *n_fingers = G_N_ELEMENTS (four);
  return four;
}

static char *
associated_data (const char *capture_id,
                 FpFinger    finger,
                 const char *what)
{
  return g_strdup_printf ("finger/%s/%d/%s", capture_id, finger, what);
}

/**
 * ks_fingers_save_draft:
 *
 * Stores one finger of a draft (replacing what was there for that finger), sealed with @vault.
 */
gboolean
ks_fingers_save_draft (KsStore               *store,
                       KsVault               *vault,
                       gint64                 draft_id,
                       const KsFingerCapture *capture,
                       GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) template_enc = NULL;
  g_autoptr(GBytes) image_enc = NULL;
  g_autofree char *capture_id = g_uuid_string_random ();
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (capture != NULL && FP_FINGER_IS_VALID (capture->finger), FALSE);
  g_return_val_if_fail (capture->status == KS_FINGER_MISSING || capture->template_blob != NULL,
                        FALSE);
  g_return_val_if_fail (capture->status != KS_FINGER_MISSING || capture->reason != NULL, FALSE);

  if (capture->status != KS_FINGER_MISSING)
    {
      g_autofree char *ad = associated_data (capture_id, capture->finger, "template");

      template_enc = ks_vault_encrypt (vault, capture->template_blob, ad);
      if (capture->image != NULL)
        {
          g_autofree char *image_ad = associated_data (capture_id, capture->finger, "image");
          image_enc = ks_vault_encrypt (vault, capture->image, image_ad);
        }
    }

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "INSERT OR REPLACE INTO draft_fingers (draft_id, " FINGER_COLUMNS ") "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, draft_id);
      sqlite3_bind_int (stmt, 2, capture->finger);
      sqlite3_bind_text (stmt, 3, ks_finger_status_to_string (capture->status), -1,
                         SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, capture->reason, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, capture->quality.n_minutiae);
      sqlite3_bind_double (stmt, 6, capture->quality.contact);
      sqlite3_bind_int (stmt, 7, capture->quality.grade);
      sqlite3_bind_int (stmt, 8, capture->tries);
      sqlite3_bind_text (stmt, 9, capture_id, -1, SQLITE_STATIC);
      if (template_enc)
        sqlite3_bind_blob (stmt, 10, g_bytes_get_data (template_enc, NULL),
                           g_bytes_get_size (template_enc), SQLITE_STATIC);
      if (image_enc)
        sqlite3_bind_blob (stmt, 11, g_bytes_get_data (image_enc, NULL),
                           g_bytes_get_size (image_enc), SQLITE_STATIC);
      sqlite3_bind_int (stmt, 12, image_enc ? capture->width : 0);
      sqlite3_bind_int (stmt, 13, image_enc ? capture->height : 0);
      sqlite3_bind_int64 (stmt, 14, ks_store_now (store));
      ok = _ks_store_step_done (store, stmt, error);
    }
  _ks_store_unlock (store);
  return ok;
}

gboolean
ks_fingers_remove_draft_finger (KsStore *store,
                                gint64   draft_id,
                                FpFinger finger,
                                GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, "DELETE FROM draft_fingers WHERE draft_id = ? AND finger = ?",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, draft_id);
      sqlite3_bind_int (stmt, 2, finger);
      ok = _ks_store_step_done (store, stmt, error);
    }
  _ks_store_unlock (store);
  return ok;
}

/**
 * ks_fingers_set_duplicates:
 * @fingers: (array length=n_fingers): the draft's fingers that equal one already on record for
 *   the same CNIC; every other finger of the draft is cleared
 *
 * The result of the duplicate check, kept with the draft so submit flags the record.
 */
gboolean
ks_fingers_set_duplicates (KsStore        *store,
                           gint64          draft_id,
                           const FpFinger *fingers,
                           guint           n_fingers,
                           GError        **error)
{
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) mark = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  if (!ks_store_begin (store, error))
    return FALSE;
  clear = _ks_store_prepare (store, "UPDATE draft_fingers SET duplicate = 0 WHERE draft_id = ?",
                             error);
  if (clear == NULL)
    goto fail;
  sqlite3_bind_int64 (clear, 1, draft_id);
  if (!_ks_store_step_done (store, clear, error))
    goto fail;
  mark = _ks_store_prepare (store,
                            "UPDATE draft_fingers SET duplicate = 1 "
                            "WHERE draft_id = ? AND finger = ?",
                            error);
  if (mark == NULL)
    goto fail;
  for (guint i = 0; i < n_fingers; i++)
    {
      sqlite3_reset (mark);
      sqlite3_bind_int64 (mark, 1, draft_id);
      sqlite3_bind_int (mark, 2, fingers[i]);
      if (!_ks_store_step_done (store, mark, error))
        goto fail;
    }
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

static GBytes *
open_blob (KsVault      *vault,
           sqlite3_stmt *stmt,
           int           column,
           const char   *capture_id,
           FpFinger      finger,
           const char   *what,
           GError      **error)
{
  g_autofree char *ad = NULL;
  g_autoptr(GBytes) sealed = NULL;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  sealed = g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
  ad = associated_data (capture_id, finger, what);
  return ks_vault_decrypt (vault, sealed, ad, error);
}

static GPtrArray *
load_fingers (KsStore    *store,
              KsVault    *vault,
              const char *sql,
              gint64      owner_id,
              GError    **error)
{
  g_autoptr(GPtrArray) fingers = g_ptr_array_new_with_free_func (
    (GDestroyNotify)ks_finger_capture_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, owner_id);
  while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(KsFingerCapture) capture = ks_finger_capture_new (sqlite3_column_int (stmt, 0));
      const char *capture_id = (const char *)sqlite3_column_text (stmt, 8);
      const char *reason = (const char *)sqlite3_column_text (stmt, 2);
      GError *local_error = NULL;

      capture->status = status_from_string ((const char *)sqlite3_column_text (stmt, 1));
      capture->reason = g_strdup (reason);
      capture->quality.n_minutiae = sqlite3_column_int (stmt, 3);
      capture->quality.contact = sqlite3_column_double (stmt, 4);
      capture->quality.grade = CLAMP (sqlite3_column_int (stmt, 5), KS_FP_GRADE_POOR,
                                      KS_FP_GRADE_GOOD);
      capture->tries = sqlite3_column_int (stmt, 6);
      capture->duplicate = sqlite3_column_int (stmt, 7) != 0;
      capture->template_blob = open_blob (vault, stmt, 9, capture_id, capture->finger,
                                          "template", &local_error);
      if (local_error == NULL)
        capture->image = open_blob (vault, stmt, 10, capture_id, capture->finger, "image",
                                    &local_error);
      capture->capture_id = g_strdup (capture_id);
      capture->width = sqlite3_column_int (stmt, 11);
      capture->height = sqlite3_column_int (stmt, 12);
      if (local_error != NULL)
        {
          /* Another station's key, or an altered row: say which finger, and what to do. */
          g_set_error (error, local_error->domain, local_error->code,
                       _("The stored %s cannot be read with this station’s biometrics key. "
                         "Capture it again."),
                       ks_finger_get_label (capture->finger));
          g_error_free (local_error);
          ok = FALSE;
          break;
        }
      g_ptr_array_add (fingers, g_steal_pointer (&capture));
    }
  if (ok && rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      ok = FALSE;
    }
  _ks_store_unlock (store);
  return ok ? g_steal_pointer (&fingers) : NULL;
}

/**
 * ks_fingers_load_draft:
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the draft's fingers, decrypted, in
 *   finger order; %NULL on error
 */
GPtrArray *
ks_fingers_load_draft (KsStore *store,
                       KsVault *vault,
                       gint64   draft_id,
                       GError **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);

  return load_fingers (store, vault,
                       "SELECT " FINGER_COLUMNS " FROM draft_fingers WHERE draft_id = ? "
                       "ORDER BY finger",
                       draft_id, error);
}

/**
 * ks_fingers_load_record:
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the submitted record's fingers
 */
GPtrArray *
ks_fingers_load_record (KsStore *store,
                        KsVault *vault,
                        gint64   record_id,
                        GError **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);

  return load_fingers (store, vault,
                       "SELECT " FINGER_COLUMNS " FROM record_fingers WHERE record_id = ? "
                       "ORDER BY finger",
                       record_id, error);
}

static gboolean
exec_ids (KsStore    *store,
          const char *sql,
          gint64      draft_id,
          gint64      record_id,
          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, draft_id);
      sqlite3_bind_int64 (stmt, 2, record_id);
      ok = _ks_store_step_done (store, stmt, error);
    }
  _ks_store_unlock (store);
  return ok;
}

/**
 * ks_fingers_copy_record_to_draft:
 *
 * An edit of a submitted record starts with the fingers on record, so an edit of the address
 * does not ask for them again. The sealed rows are copied as they are (their capture ids come
 * along, which tells a kept finger from a recaptured one). Does nothing when the draft has
 * fingers already.
 */
gboolean
ks_fingers_copy_record_to_draft (KsStore *store,
                                 gint64   record_id,
                                 gint64   draft_id,
                                 GError **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  return exec_ids (store,
                   "INSERT INTO draft_fingers (draft_id, " FINGER_COLUMNS ") "
                   "SELECT ?1, finger, status, reason, n_minutiae, contact, grade, tries, 0, "
                   "capture_id, template_enc, image_enc, width, height, captured_at "
                   "FROM record_fingers WHERE record_id = ?2 "
                   "AND NOT EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                   draft_id, record_id, error);
}

/**
 * ks_fingers_move_to_record:
 *
 * Inside ks_records_submit()'s transaction: the draft's fingers become the record's (replacing
 * an earlier version's when the draft has any: an edit that did not touch the fingers keeps
 * them), and the record's finger flags are set from them. The sealed blobs move as they are.
 */
gboolean
ks_fingers_move_to_record (KsStore *store,
                           gint64   draft_id,
                           gint64   record_id,
                           GError **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (_ks_store_in_transaction (store), FALSE);

  if (draft_id > 0 &&
      (!exec_ids (store,
                  "DELETE FROM record_fingers WHERE record_id = ?2 "
                  "AND EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                  draft_id, record_id, error) ||
       !exec_ids (store,
                  "INSERT INTO record_fingers (record_id, " FINGER_COLUMNS ") "
                  "SELECT ?2, " FINGER_COLUMNS " FROM draft_fingers WHERE draft_id = ?1",
                  draft_id, record_id, error) ||
       !exec_ids (store, "DELETE FROM draft_fingers WHERE draft_id = ?1 AND ?2 = ?2",
                  draft_id, record_id, error)))
    return FALSE;

  /* Spelled into the SQL: a missing definition must not become a column name. */
#ifndef KS_RECORD_FLAG_FORCED_FINGER
#error "KS_RECORD_FLAG_* come from ks-record.h"
#endif
  return exec_ids (store,
                   "UPDATE records SET flags = (flags & ~7) | "
                   "(SELECT coalesce (max (status = 'forced'), 0) * "
                   G_STRINGIFY (KS_RECORD_FLAG_FORCED_FINGER)
                   " | coalesce (max (status = 'missing'), 0) * "
                   G_STRINGIFY (KS_RECORD_FLAG_MISSING_FINGER)
                   " | coalesce (max (duplicate), 0) * "
                   G_STRINGIFY (KS_RECORD_FLAG_DUPLICATE_WARNING)
                   " FROM record_fingers WHERE record_id = ?2) "
                   "WHERE id = ?2 AND ?1 = ?1",
                   draft_id, record_id, error);
}
