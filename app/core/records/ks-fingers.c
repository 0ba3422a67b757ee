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

#define FINGER_COLUMNS_V5 \
  "finger, status, reason, n_minutiae, contact, grade, tries, duplicate, capture_id, " \
  "template_enc, image_enc, width, height, captured_at"
#define FINGER_COLUMNS FINGER_COLUMNS_V5 ", iso_enc, quality_score"

/* The schema version with ISO templates and duplicate findings (ks-store.c, migration 10).
 * Submit still works on an older one: the upgrade tests enroll with today's code on a store
 * of an earlier version, then upgrade it. */
#define SCHEMA_WITH_TEMPLATES 10

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
  g_clear_pointer (&capture->iso_template, g_bytes_unref);
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
  g_autoptr(GBytes) iso_enc = NULL;
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
      if (capture->iso_template != NULL)
        {
          g_autofree char *iso_ad = associated_data (capture_id, capture->finger, "iso");
          iso_enc = ks_vault_encrypt (vault, capture->iso_template, iso_ad);
        }
    }

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "INSERT OR REPLACE INTO draft_fingers (draft_id, " FINGER_COLUMNS ") "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
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
      if (iso_enc)
        sqlite3_bind_blob (stmt, 15, g_bytes_get_data (iso_enc, NULL),
                           g_bytes_get_size (iso_enc), SQLITE_STATIC);
      sqlite3_bind_int (stmt, 16, capture->quality_score);
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
      if (local_error == NULL)
        capture->iso_template = open_blob (vault, stmt, 14, capture_id, capture->finger, "iso",
                                           &local_error);
      capture->quality_score = sqlite3_column_int (stmt, 15);
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

/**
 * ks_fingers_load_record_templates:
 *
 * The record's fingers for matching: each capture's ISO template and quality score, without
 * the libfprint template, and with the image only when the capture has no ISO template yet
 * (stored before the station had its own: ks_finger_capture_extract() makes it from the image).
 * Opens far less than ks_fingers_load_record(), for the station-wide index.
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the record's fingers
 */
GPtrArray *
ks_fingers_load_record_templates (KsStore *store,
                                  KsVault *vault,
                                  gint64   record_id,
                                  GError **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);

  return load_fingers (store, vault,
                       "SELECT finger, status, reason, n_minutiae, contact, grade, tries, "
                       "duplicate, capture_id, NULL, CASE WHEN iso_enc IS NULL THEN image_enc END, "
                       "width, height, captured_at, iso_enc, quality_score FROM record_fingers "
                       "WHERE record_id = ? ORDER BY finger",
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
                   "capture_id, template_enc, image_enc, width, height, captured_at, iso_enc, "
                   "quality_score FROM record_fingers WHERE record_id = ?2 "
                   "AND NOT EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                   draft_id, record_id, error);
}

/* The draft's finger rows become the record's (@columns: the columns of the store's schema),
 * replacing the record's only when the draft has any. */
static gboolean
move_finger_rows (KsStore    *store,
                  gint64      draft_id,
                  gint64      record_id,
                  const char *columns,
                  GError    **error)
{
  g_autofree char *insert = g_strdup_printf ("INSERT INTO record_fingers (record_id, %s) "
                                             "SELECT ?2, %s FROM draft_fingers "
                                             "WHERE draft_id = ?1", columns, columns);

  return draft_id <= 0 ||
         (exec_ids (store,
                    "DELETE FROM record_fingers WHERE record_id = ?2 "
                    "AND EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                    draft_id, record_id, error) &&
          exec_ids (store, insert, draft_id, record_id, error) &&
          exec_ids (store, "DELETE FROM draft_fingers WHERE draft_id = ?1 AND ?2 = ?2",
                    draft_id, record_id, error));
}

/* ks_fingers_move_to_record() on a store from before ISO templates and duplicate findings. */
static gboolean
move_to_record_v5 (KsStore *store,
                   gint64   draft_id,
                   gint64   record_id,
                   GError **error)
{
  if (!move_finger_rows (store, draft_id, record_id, FINGER_COLUMNS_V5, error))
    return FALSE;
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

  if (_ks_store_get_version (store) < SCHEMA_WITH_TEMPLATES)
    return move_to_record_v5 (store, draft_id, record_id, error);

  /* What the station-wide search found for the draft's fingers goes with them (before they
   * move: whether the draft has fingers decides); a draft without fingers, an edit that kept
   * the record's, keeps the record's findings too. */
  if (draft_id > 0 &&
      (!exec_ids (store,
                  "DELETE FROM record_duplicates WHERE record_id = ?2 "
                  "AND EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                  draft_id, record_id, error) ||
       !exec_ids (store,
                  "INSERT INTO record_duplicates (record_id, other_record_id, finger, "
                  "other_finger, score, fmr, found_at) SELECT ?2, other_record_id, finger, "
                  "other_finger, score, fmr, found_at FROM draft_duplicates "
                  "WHERE draft_id = ?1 AND other_record_id <> ?2 "
                  "AND EXISTS (SELECT 1 FROM draft_fingers WHERE draft_id = ?1)",
                  draft_id, record_id, error) ||
       !exec_ids (store, "DELETE FROM draft_duplicates WHERE draft_id = ?1 AND ?2 = ?2",
                  draft_id, record_id, error)))
    return FALSE;
  if (!move_finger_rows (store, draft_id, record_id, FINGER_COLUMNS, error))
    return FALSE;

  /* Spelled into the SQL: a missing definition must not become a column name. */
#ifndef KS_RECORD_FLAG_FORCED_FINGER
#error "KS_RECORD_FLAG_* come from ks-record.h"
#endif
  return exec_ids (store,
                   "UPDATE records SET flags = (flags & ~15) | "
                   "coalesce ((SELECT 1 FROM record_duplicates WHERE record_id = ?2 LIMIT 1), 0) * "
                   G_STRINGIFY (KS_RECORD_FLAG_DUPLICATE_ENROLMENT) " | "
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

/* ---- The enrollment wizard's finger work, off the UI thread ---------------------------- */

/**
 * ks_finger_capture_copy:
 *
 * Returns: (transfer full): a copy of @capture sharing its (immutable) template and image bytes
 */
KsFingerCapture *
ks_finger_capture_copy (const KsFingerCapture *capture)
{
  KsFingerCapture *copy;

  g_return_val_if_fail (capture != NULL, NULL);

  copy = ks_finger_capture_new (capture->finger);
  *copy = *capture;
  copy->reason = g_strdup (capture->reason);
  copy->capture_id = g_strdup (capture->capture_id);
  copy->template_blob = capture->template_blob ? g_bytes_ref (capture->template_blob) : NULL;
  copy->image = capture->image ? g_bytes_ref (capture->image) : NULL;
  copy->iso_template = capture->iso_template ? g_bytes_ref (capture->iso_template) : NULL;
  return copy;
}

/**
 * ks_finger_capture_extract:
 *
 * Worker thread only (about 0.1 s of CPU): the station's template and quality score of the
 * capture's kept image, and the grade they give. A capture without an image, or whose image
 * shows no readable print, gets no template and score 0 (a poor grade when it was captured:
 * its tries say why).
 *
 * Returns: whether @capture now has a template
 */
gboolean
ks_finger_capture_extract (KsFingerCapture *capture)
{
  guint n_minutiae = 0;

  g_return_val_if_fail (capture != NULL, FALSE);

  g_clear_pointer (&capture->iso_template, g_bytes_unref);
  capture->quality_score = 0;
  if (capture->status == KS_FINGER_MISSING || capture->image == NULL ||
      g_bytes_get_size (capture->image) < (gsize)capture->width * capture->height)
    return FALSE;
  capture->iso_template = ks_fp_quality_extract (g_bytes_get_data (capture->image, NULL),
                                                 capture->width, capture->height,
                                                 &capture->quality_score, &n_minutiae);
  return capture->iso_template != NULL;
}

/**
 * ks_fingers_store_template:
 * @record_id: the submitted record @capture (loaded with ks_fingers_load_record()) belongs to
 *
 * Keeps the template ks_finger_capture_extract() made for a finger stored before the station
 * had its own templates, sealed as the other blobs of its row. Nothing changes when the row
 * was replaced meanwhile (an edit with new fingers): its capture id no longer matches.
 */
gboolean
ks_fingers_store_template (KsStore               *store,
                           KsVault               *vault,
                           gint64                 record_id,
                           const KsFingerCapture *capture,
                           GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) iso_enc = NULL;
  g_autofree char *ad = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_VAULT (vault), FALSE);
  g_return_val_if_fail (capture != NULL && capture->capture_id != NULL, FALSE);
  g_return_val_if_fail (capture->iso_template != NULL, FALSE);

  ad = associated_data (capture->capture_id, capture->finger, "iso");
  iso_enc = ks_vault_encrypt (vault, capture->iso_template, ad);
  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "UPDATE record_fingers SET iso_enc = ?, quality_score = ? "
                            "WHERE record_id = ? AND finger = ? AND capture_id = ?",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (iso_enc, NULL), g_bytes_get_size (iso_enc),
                         SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, capture->quality_score);
      sqlite3_bind_int64 (stmt, 3, record_id);
      sqlite3_bind_int (stmt, 4, capture->finger);
      sqlite3_bind_text (stmt, 5, capture->capture_id, -1, SQLITE_STATIC);
      ok = _ks_store_step_done (store, stmt, error);
    }
  _ks_store_unlock (store);
  return ok;
}

/* Capture: one try of one finger ----------------------------------------------------------- */

/* One impression of a try: what the reader saw at one enrolment stage. */
typedef struct
{
  KsFpQuality quality;
  GBytes *image;
  guint width;
  guint height;
} Shot;

static void
shot_free (gpointer data)
{
  Shot *shot = data;

  g_clear_pointer (&shot->image, g_bytes_unref);
  g_free (shot);
}

static int
compare_shots (gconstpointer a,
               gconstpointer b)
{
  const Shot *sa = *(Shot * const *)a, *sb = *(Shot * const *)b;

  return ks_fp_quality_compare (&sa->quality, &sb->quality);
}

typedef struct
{
  GTask *task;
  FpFinger finger;
  GPtrArray *shots;
  KsFingerprintProgressFunc progress;
  gpointer progress_data;
} CaptureJob;

static void
capture_job_free (CaptureJob *job)
{
  g_clear_object (&job->task);
  g_clear_pointer (&job->shots, g_ptr_array_unref);
  g_free (job);
}

/* Freed at low priority, after the progress reports the service queued before its result. */
static gboolean
capture_job_free_later (gpointer data)
{
  capture_job_free (data);
  return G_SOURCE_REMOVE;
}

static void
capture_progress (KsFingerprintService        *service,
                  const KsFingerprintProgress *progress,
                  gpointer                     user_data)
{
  CaptureJob *job = user_data;

  if (progress->event == KS_FINGERPRINT_EVENT_STAGE_DONE && job->task != NULL)
    {
      Shot *shot = g_new0 (Shot, 1);

      shot->quality = progress->quality;
      shot->image = progress->image ? g_bytes_ref (progress->image) : NULL;
      shot->width = progress->width;
      shot->height = progress->height;
      g_ptr_array_add (job->shots, shot);
    }
  if (job->progress != NULL)
    job->progress (service, progress, job->progress_data);
}

/* Worker thread: the station's template and quality score of the kept impression, which grade
 * the try (ks_fp_quality_grade_score()). A reader that delivers no image keeps the grade of
 * libfprint's minutiae. */
static void
capture_extract_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  KsFingerCapture *capture = ks_finger_capture_copy (task_data);

  if (capture->image != NULL)
    {
      ks_finger_capture_extract (capture);
      capture->quality.grade = ks_fp_quality_grade_score (capture->quality_score,
                                                          capture->quality.contact);
    }
  g_task_return_pointer (task, capture, (GDestroyNotify)ks_finger_capture_free);
}

static void
capture_enrolled (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CaptureJob *job = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) print = NULL;
  g_autofree guchar *blob = NULL;
  gsize blob_len = 0;
  KsFingerCapture *capture;
  Shot *median;

  g_idle_add_full (G_PRIORITY_LOW, capture_job_free_later, job, NULL);

  print = ks_fingerprint_service_enroll_finish (KS_FINGERPRINT_SERVICE (object), result, &error);
  if (print == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!fp_print_serialize (print, &blob, &blob_len, &error) || job->shots->len == 0)
    {
      g_task_return_new_error (task, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_UNEXPECTED,
                               _("The reader’s capture could not be kept. Press Retry."));
      return;
    }

  /* The try is as good as its median impression, whose picture is the one kept. */
  g_ptr_array_sort (job->shots, compare_shots);
  median = job->shots->pdata[job->shots->len / 2];
  capture = ks_finger_capture_new (job->finger);
  capture->quality = median->quality;
  capture->image = median->image ? g_bytes_ref (median->image) : NULL;
  capture->width = median->width;
  capture->height = median->height;
  capture->template_blob = g_bytes_new_take (g_steal_pointer (&blob), blob_len);
  capture->tries = 1;
  capture->status = KS_FINGER_CAPTURED;
  g_task_set_task_data (task, capture, (GDestroyNotify)ks_finger_capture_free);
  g_task_run_in_thread (task, capture_extract_thread);
}

/**
 * ks_fingers_capture_async:
 * @progress: (nullable): told of every reader event, as ks_fingerprint_service_enroll_async()
 *   tells it; it may still be called (at default priority) just after @callback
 *
 * Takes one try of @finger through the reader's enrolment stages on @service's thread. The try
 * is graded by its median stage, so one bad placement does not sink four good ones and one lucky
 * placement does not carry four bad ones; the median impression is the picture kept.
 */
void
ks_fingers_capture_async (KsFingerprintService     *service,
                          FpFinger                  finger,
                          GCancellable             *cancellable,
                          KsFingerprintProgressFunc progress,
                          gpointer                  progress_data,
                          GAsyncReadyCallback       callback,
                          gpointer                  user_data)
{
  CaptureJob *job;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (service));
  g_return_if_fail (FP_FINGER_IS_VALID (finger));

  job = g_new0 (CaptureJob, 1);
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, ks_fingers_capture_async);
  job->finger = finger;
  job->shots = g_ptr_array_new_with_free_func (shot_free);
  job->progress = progress;
  job->progress_data = progress_data;
  ks_fingerprint_service_enroll_async (service, finger, NULL, cancellable, capture_progress, job,
                                       capture_enrolled, job);
}

/**
 * ks_fingers_capture_finish:
 *
 * Returns: (transfer full): the try, status %KS_FINGER_CAPTURED and 1 try, any grade
 */
KsFingerCapture *
ks_fingers_capture_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Saving one finger ------------------------------------------------------------------------- */

typedef struct
{
  KsStore *store;
  KsVault *vault;
  gint64 draft_id;
  KsFingerCapture *capture;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->vault);
  ks_finger_capture_free (job->capture);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  GError *error = NULL;

  if (ks_fingers_save_draft (job->store, job->vault, job->draft_id, job->capture, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ks_fingers_save_draft_async:
 *
 * ks_fingers_save_draft() in a worker thread (sealing, and SQLite syncing to disk), on a copy of
 * @capture.
 */
void
ks_fingers_save_draft_async (KsStore               *store,
                             KsVault               *vault,
                             gint64                 draft_id,
                             const KsFingerCapture *capture,
                             GCancellable          *cancellable,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_VAULT (vault));
  g_return_if_fail (capture != NULL);

  job = g_new0 (SaveJob, 1);
  job->store = g_object_ref (store);
  job->vault = g_object_ref (vault);
  job->draft_id = draft_id;
  job->capture = ks_finger_capture_copy (capture);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_fingers_save_draft_async);
  g_task_set_task_data (task, job, (GDestroyNotify)save_job_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
ks_fingers_save_draft_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
