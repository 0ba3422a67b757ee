/* ks-test-fixture.c: a million review-list records in seconds, for tests and benchmarks only
 *
 * Linked into test programs and benchmarks, never into the station: it writes rows with one
 * INSERT, without validation or audit. test-review.c's /review/fixture-same-as-operator-path
 * proves each row is byte for byte what ks_records_submit() stores for the same citizen typed
 * in the wizard, so what the benchmarks measure is what real records cost.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-store-private.h"
#include "ks-test-fixture.h"

/* The fixture's names, each padded to a fixed number of characters so that SQL picks one
 * with substr(): cheaper than json_extract(), which matters for a million rows. */
static const char first_en[] =
  "Ahmad   Bilal   Fatima  Gul     Hamza   "
  "Iqbal   Javed   Khadija Laila   Malala  "
  "Noor    Omar    Qasim   Rahim   Sana    "
  "Tariq   Usman   Wali    Yasmin  Zainab  ";
static const char first_ur[] =
  "احمد   بلال   فاطمہ  گل     حمزہ   "
  "اقبال  جاوید  خدیجہ  لیلیٰ  ملالہ  "
  "نور    عمر    قاسم   رحیم   ثنا    "
  "طارق   عثمان  ولی    یاسمین زینب   ";
static const char last_en[] =
  "Afridi    Bangash   Durrani   Khattak   Marwat    "
  "Mohmand   Orakzai   Shinwari  Wazir     Yousafzai "
  "Achakzai  Kundi     Gandapur  Swati     Tanoli    "
  "Jadoon    Kakakhel  Daudzai   Mahsud    Bettani   ";
static const char last_ur[] =
  "آفریدی  بنگش    درانی   خٹک     مروت    "
  "مہمند   اورکزئی شنواری  وزیر    یوسفزئی "
  "اچکزئی  کنڈی    گنڈاپور سواتی   تنولی   "
  "جدون    کاکاخیل داؤدزئی محسود   بیٹنی   ";

/**
 * ks_test_records_insert_many:
 * @first: the sequence number of the first record; records are numbered from it
 * @count: how many records to add
 * @operator: (nullable): who enrolled them; %NULL spreads them over three operators
 *
 * Adds @count plausible submitted records with one INSERT: for tests and benchmarks of the
 * review list, which need up to a million rows in seconds. No validation, no audit entries:
 * never call this on a real station. Every 50th record has a forced finger, every 77th a
 * missing finger, every 101st a duplicate warning; names and districts are scrambled so that
 * no sort order equals the insertion order.
 */
gboolean
ks_test_records_insert_many (KsStore    *store,
                             guint       first,
                             guint       count,
                             const char *operator,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) indexes = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  if (count == 0)
    return TRUE;
  if (!ks_store_begin (store, error))
    return FALSE;

  /* Filling a B-tree in random order is what makes bulk inserts slow: drop the records
   * table's own indexes (not the UNIQUE ones, which cannot be dropped), insert, and build them
   * again by sorting, all in this transaction. A million rows take half the time. */
  {
    g_autoptr(sqlite3_stmt) list = _ks_store_prepare (store,
                                                      "SELECT name, sql FROM sqlite_master "
                                                      "WHERE type = 'index' AND "
                                                      "tbl_name = 'records' AND sql IS NOT NULL",
                                                      error);

    if (list == NULL)
      {
        ks_store_rollback (store);
        return FALSE;
      }
    indexes = g_ptr_array_new_with_free_func (g_free);
    while (sqlite3_step (list) == SQLITE_ROW)
      {
        g_ptr_array_add (indexes, g_strdup_printf ("DROP INDEX \"%s\"",
                                                   sqlite3_column_text (list, 0)));
        g_ptr_array_add (indexes, g_strdup ((const char *)sqlite3_column_text (list, 1)));
      }
    for (guint i = 0; i < indexes->len; i += 2)
      if (!ks_store_exec (store, g_ptr_array_index (indexes, i), error))
        {
          ks_store_rollback (store);
          return FALSE;
        }
  }

  stmt = _ks_store_prepare (store,
                            "WITH RECURSIVE seq (x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM seq WHERE x < ?1 + ?2 - 1),"
                            " raw AS (SELECT x, (x * 7919) % 1000003 AS h FROM seq),"
                            " rows AS (SELECT x,"
                            "   printf ('PEW-A01-%07d-%s', x, substr ('ABCDEFGHJK', x % 10 + 1, 1)) AS kp_id,"
                            "   printf ('%05d%07d%d', 17101 + x % 7, x, x % 10) AS cnic,"
                            "   rtrim (substr (?5, h % 20 * 8 + 1, 8)) AS first_en,"
                            "   rtrim (substr (?6, h % 20 * 7 + 1, 7)) AS first_ur,"
                            "   rtrim (substr (?7, h / 20 % 20 * 10 + 1, 10)) AS last_en,"
                            "   rtrim (substr (?8, h / 20 % 20 * 8 + 1, 8)) AS last_ur,"
                            "   substr ('PEWMRDSWTABTKHTDIKBNU', h / 400 % 7 * 3 + 1, 3) AS district,"
                            "   coalesce (?3, CASE x % 3 WHEN 0 THEN 'omar.op' WHEN 1 THEN 'amina.op'"
                            "                 ELSE 'bilal.op' END) AS operator,"
                            "   ?4 + x * 30000000 AS at,"
                            "   (x % 50 = 0) | ((x % 77 = 0) << 1) | ((x % 101 = 0) << 2) AS flags"
                            "  FROM raw)"
                            " INSERT INTO records (kp_id, cnic, state, data, full_name, full_name_ur, district,"
                            "   operator, submitted_at, updated_at, flags)"
                            " SELECT kp_id, cnic, 'submitted',"
                            /* Byte for byte what ks_records_submit() stores for the same citizen
                             * typed in the wizard (every field, in ks_record_to_json()'s order,
                             * normalised): test-review.c holds the two paths to that, so the
                             * payloads a benchmark syncs are those of real records. Names and
                             * codes hold no quotes or backslashes, so printf makes valid JSON. */
                            "   printf ('{\"id-kind\":\"cnic\",\"cnic\":\"%s-%s-%s\","
                            "\"date-of-birth\":\"19%02d-%02d-%02d\",\"gender\":\"%s\","
                            "\"full-name\":\"%s %s\",\"full-name-ur\":\"%s %s\","
                            "\"father-name\":\"Gul %s\",\"father-name-ur\":\"گل %s\","
                            "\"relation\":\"father\",\"guardian-cnic\":\"\",\"guardian-name\":\"\","
                            "\"mobile\":\"+923001234567\",\"email\":\"\","
                            "\"address-line1\":\"House %d, Street 4\",\"address-line2\":\"\","
                            "\"district\":\"%s\",\"tehsil\":\"%s-01\",\"consents\":\"[]\","
                            "\"photo\":\"\"}',"
                            "     substr (cnic, 1, 5), substr (cnic, 6, 7), substr (cnic, 13, 1),"
                            "     60 + x % 40, 1 + x % 12, 1 + x % 28, iif (x % 2, 'male', 'female'),"
                            "     first_en, last_en, first_ur, last_ur, last_en, last_ur, x % 300,"
                            "     district, district),"
                            "   first_en || ' ' || last_en, first_ur || ' ' || last_ur, district, operator, at, at,"
                            "   flags"
                            " FROM rows",
                            error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, first);
      sqlite3_bind_int64 (stmt, 2, count);
      sqlite3_bind_text (stmt, 3, operator, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, G_GINT64_CONSTANT (1764000000) * G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 5, first_en, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, first_ur, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, last_en, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, last_ur, -1, SQLITE_STATIC);
      ok = _ks_store_step_done (store, stmt, error);
    }
  for (guint i = 1; ok && i < indexes->len; i += 2)
    ok = ks_store_exec (store, g_ptr_array_index (indexes, i), error);
  if (!ok)
    {
      ks_store_rollback (store);
      return FALSE;
    }
  return ks_store_commit (store, error);
}
