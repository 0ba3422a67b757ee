/* ks-duplicate-store.c: the station-wide duplicate search's findings in the store
 *
 * The findings are rows of draft_duplicates and record_duplicates, one per pair of matching
 * fingers (this record's finger, the other record's finger, score and estimated false-match
 * rate), grouped here by the other record. They hold no biometric data: the impressions stay
 * sealed in record_fingers and are opened only by ks_fingers_load_for_review().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-findings"

#include "config.h"

#include "ks-audit.h"
#include "ks-duplicate-store.h"
#include "ks-store-private.h"

void
ks_duplicate_finding_free (KsDuplicateFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->other_kp_id);
  g_free (finding->other_cnic);
  g_free (finding->other_full_name);
  g_clear_pointer (&finding->pairs, g_array_unref);
  g_free (finding);
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const KsDuplicateFinding *fa = *(KsDuplicateFinding * const *)a;
  const KsDuplicateFinding *fb = *(KsDuplicateFinding * const *)b;
  double sa = g_array_index (fa->pairs, KsDuplicatePair, 0).score;
  double sb = g_array_index (fb->pairs, KsDuplicatePair, 0).score;

  if (fa->pairs->len != fb->pairs->len)
    return fa->pairs->len > fb->pairs->len ? -1 : 1;
  return (sa < sb) - (sa > sb);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

/**
 * ks_duplicate_findings_load_by_id:
 *
 * Core only (no permission check): the findings of record @record_id, strongest first.
 *
 * Returns: (transfer full) (element-type KsDuplicateFinding): the findings, or %NULL with @error
 */
GPtrArray *
ks_duplicate_findings_load_by_id (KsStore *store,
                                  gint64   record_id,
                                  GError **error)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (
    (GDestroyNotify)ks_duplicate_finding_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  KsDuplicateFinding *current = NULL;
  int rc;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT d.other_record_id, r.kp_id, r.cnic, r.full_name, r.state, "
                            "r.decision, d.found_at, d.finger, d.other_finger, d.score, d.fmr "
                            "FROM record_duplicates d JOIN records r ON r.id = d.other_record_id "
                            "WHERE d.record_id = ? ORDER BY d.other_record_id, d.score DESC",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, record_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 other = sqlite3_column_int64 (stmt, 0);
      KsDuplicatePair pair;

      if (current == NULL || current->other_record_id != other)
        {
          current = g_new0 (KsDuplicateFinding, 1);
          current->other_record_id = other;
          current->other_kp_id = column_dup (stmt, 1);
          current->other_cnic = column_dup (stmt, 2);
          current->other_full_name = column_dup (stmt, 3);
          ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 4),
                                       &current->other_state);
          if (sqlite3_column_type (stmt, 5) != SQLITE_NULL)
            ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 5),
                                         &current->other_decision);
          current->found_at = sqlite3_column_int64 (stmt, 6);
          current->pairs = g_array_new (FALSE, FALSE, sizeof (KsDuplicatePair));
          g_ptr_array_add (findings, current);
        }
      pair.finger = sqlite3_column_int (stmt, 7);
      pair.other_finger = sqlite3_column_int (stmt, 8);
      pair.score = sqlite3_column_double (stmt, 9);
      pair.fmr = sqlite3_column_double (stmt, 10);
      g_array_append_val (current->pairs, pair);
    }
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      _ks_store_unlock (store);
      return NULL;
    }
  _ks_store_unlock (store);
  g_ptr_array_sort (findings, compare_findings);
  return g_steal_pointer (&findings);
}

/**
 * ks_duplicate_findings_save_draft:
 * @findings: (element-type KsDuplicateFinding): what the search found for the draft's fingers
 *   (other_record_id and pairs are read)
 *
 * Replaces the draft's findings, in one transaction; submit moves them to the record.
 */
gboolean
ks_duplicate_findings_save_draft (KsStore   *store,
                                  gint64     draft_id,
                                  GPtrArray *findings,
                                  GError   **error)
{
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  gint64 now;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (findings != NULL, FALSE);

  if (!ks_store_begin (store, error))
    return FALSE;
  now = ks_store_now (store);
  clear = _ks_store_prepare (store, "DELETE FROM draft_duplicates WHERE draft_id = ?", error);
  if (clear == NULL)
    goto fail;
  sqlite3_bind_int64 (clear, 1, draft_id);
  if (!_ks_store_step_done (store, clear, error))
    goto fail;
  insert = _ks_store_prepare (store,
                              "INSERT OR REPLACE INTO draft_duplicates (draft_id, "
                              "other_record_id, finger, other_finger, score, fmr, found_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (insert == NULL)
    goto fail;
  for (guint i = 0; i < findings->len; i++)
    {
      const KsDuplicateFinding *finding = findings->pdata[i];

      for (guint j = 0; j < finding->pairs->len; j++)
        {
          const KsDuplicatePair *pair = &g_array_index (finding->pairs, KsDuplicatePair, j);

          sqlite3_reset (insert);
          sqlite3_bind_int64 (insert, 1, draft_id);
          sqlite3_bind_int64 (insert, 2, finding->other_record_id);
          sqlite3_bind_int (insert, 3, pair->finger);
          sqlite3_bind_int (insert, 4, pair->other_finger);
          sqlite3_bind_double (insert, 5, pair->score);
          sqlite3_bind_double (insert, 6, pair->fmr);
          sqlite3_bind_int64 (insert, 7, finding->found_at ? finding->found_at : now);
          if (!_ks_store_step_done (store, insert, error))
            goto fail;
        }
    }
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

/**
 * ks_duplicate_findings_audit:
 * @actor: who submitted the record
 *
 * Inside ks_records_submit()'s transaction, after the draft's findings moved to the record:
 * one audit entry "possible-duplicate-enrolment" naming every other record and the matching
 * finger pairs with their scores, when there are findings; nothing otherwise.
 */
gboolean
ks_duplicate_findings_audit (KsStore    *store,
                             const char *actor,
                             const char *kp_id,
                             gint64      record_id,
                             GError    **error)
{
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  /* A store from before the findings (migration 10): nothing was found. */
  if (_ks_store_get_version (store) < 10)
    return TRUE;
  findings = ks_duplicate_findings_load_by_id (store, record_id, error);
  if (findings == NULL)
    return FALSE;
  if (findings->len == 0)
    return TRUE;
  /* For the audit trail, not the screen: plain English, figures as stored. */
  for (guint i = 0; i < findings->len; i++)
    {
      const KsDuplicateFinding *finding = findings->pdata[i];

      g_string_append_printf (detail, "%s%s:", i ? "; " : "", finding->other_kp_id);
      for (guint j = 0; j < finding->pairs->len; j++)
        {
          const KsDuplicatePair *pair = &g_array_index (finding->pairs, KsDuplicatePair, j);

          g_string_append_printf (detail, "%s finger %d = finger %d (score %.1f, FMR %.1e)",
                                  j ? "," : "", pair->finger, pair->other_finger, pair->score,
                                  pair->fmr);
        }
    }
  return ks_audit_append (store, actor, "possible-duplicate-enrolment", kp_id, detail->str,
                          error);
}
