/* ks-records-fixture.c: records made in bulk for tests and benchmarks
 *
 * Skips the wizard, validation and ID allocation: thousands of records in seconds. A record
 * made here in state approved or rejected carries the audit entry a supervisor's decision
 * leaves, which is where sync reads the decision from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-records"

#include "config.h"

#include "ks-audit.h"
#include "ks-records-private.h"
#include "ks-store-private.h"

gboolean
_ks_records_insert_fixture (KsStore      *store,
                            const char   *kp_id,
                            const char   *cnic,
                            KsRecordState state)
{
  g_autoptr(KsRecord) record = ks_record_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *json = NULL;
  g_autofree char *name = g_strdup_printf ("Test Citizen %s", cnic);
  gboolean rejected = state == KS_RECORD_STATE_REJECTED;
  gboolean decided = rejected || state == KS_RECORD_STATE_APPROVED;
  gint64 now = ks_store_now (store);
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  ks_record_set (record, KS_FIELD_CNIC, cnic);
  ks_record_set (record, KS_FIELD_FULL_NAME, name);
  ks_record_set (record, KS_FIELD_FULL_NAME_UR, "ٹیسٹ");
  ks_record_set (record, KS_FIELD_GENDER, "female");
  ks_record_set (record, KS_FIELD_DATE_OF_BIRTH, "1990-01-01");
  ks_record_set (record, KS_FIELD_DISTRICT, "PEW");
  json = ks_record_to_json (record);

  if (!ks_store_begin (store, NULL))
    return FALSE;
  stmt = _ks_store_prepare (store,
                            "INSERT INTO records (kp_id, cnic, state, data, full_name, "
                            "full_name_ur, district, operator, submitted_at, updated_at, "
                            "decided_by, decided_at, reason) "
                            "VALUES (?, ?, ?, ?, ?, 'ٹیسٹ', 'PEW', 'fixture', ?, ?, ?, ?, ?)",
                            NULL);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, cnic, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, ks_record_state_to_string (state), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, json, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, now);
      sqlite3_bind_int64 (stmt, 7, now);
      if (decided)
        {
          sqlite3_bind_text (stmt, 8, "fixture.supervisor", -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 9, now);
          if (rejected)
            sqlite3_bind_text (stmt, 10, "poor-photo", -1, SQLITE_STATIC);
        }
      ok = _ks_store_step_done (store, stmt, NULL);
    }
  if (ok && decided)
    ok = ks_audit_append (store, "fixture.supervisor",
                          rejected ? "record-rejected" : "record-approved", kp_id,
                          rejected ? "poor-photo" : NULL, NULL);
  if (!ok)
    {
      ks_store_rollback (store);
      return FALSE;
    }
  return ks_store_commit (store, NULL);
}
