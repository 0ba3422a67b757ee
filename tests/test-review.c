/* test-review.c: supervisor review: decisions and their rules, the paged list of a million
 * records, the end-of-day report, CSV, station rules
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "ks-account-admin.h"
#include "ks-audit.h"
#include "ks-day-report.h"
#include "ks-record-list.h"
#include "ks-record-review.h"
#include "ks-test-fixture.h"
#include "ks-session.h"
#include "ks-station-rules.h"
#include "ks-sync-protocol.h"
#include "ks-test-enroll.h"
#include "ks-test-util.h"
#include "ks-vault.h"
#include "ks-audit-testing.h"
#include "ks-store-testing.h"
#include "ks-record-list-testing.h"
#include "ks-records-testing.h"

/* ks_test_records_insert_many() numbers records from 1; its record x has these fields. */
#define FIXTURE_BASE (G_GINT64_CONSTANT (1764000000) * G_USEC_PER_SEC)   /* 2025-11-24 16:00 UTC */

static const char *const first_names[] = {
  "Ahmad", "Bilal", "Fatima", "Gul", "Hamza", "Iqbal", "Javed", "Khadija", "Laila", "Malala",
  "Noor", "Omar", "Qasim", "Rahim", "Sana", "Tariq", "Usman", "Wali", "Yasmin", "Zainab",
};
static const char *const last_names[] = {
  "Afridi", "Bangash", "Durrani", "Khattak", "Marwat", "Mohmand", "Orakzai", "Shinwari", "Wazir",
  "Yousafzai", "Achakzai", "Kundi", "Gandapur", "Swati", "Tanoli", "Jadoon", "Kakakhel",
  "Daudzai", "Mahsud", "Bettani",
};
static const char *const districts[] = { "PEW", "MRD", "SWT", "ABT", "KHT", "DIK", "BNU" };

static guint
scramble (guint x)
{
  return (guint)(((guint64)x * 7919) % 1000003);
}

static const char *
fixture_name_buf (guint x,
                  char  buf[64])
{
  guint h = scramble (x);

  g_snprintf (buf, 64, "%s %s", first_names[h % 20], last_names[h / 20 % 20]);
  return buf;
}

static char *
fixture_name (guint x)
{
  char buf[64];
  return g_strdup (fixture_name_buf (x, buf));
}

static const char *
fixture_district (guint x)
{
  return districts[scramble (x) / 400 % 7];
}

static const char *
fixture_kp_id_buf (guint x,
                   char  buf[32])
{
  g_snprintf (buf, 32, "PEW-A01-%07u-%c", x, "ABCDEFGHJK"[x % 10]);
  return buf;
}

static char *
fixture_kp_id (guint x)
{
  char buf[32];
  return g_strdup (fixture_kp_id_buf (x, buf));
}

static const char *
fixture_cnic_buf (guint x,
                  char  buf[32])
{
  g_snprintf (buf, 32, "%05u%07u%u", 17101 + x % 7, x, x % 10);
  return buf;
}

static char *
fixture_cnic (guint x)
{
  char buf[32];
  return g_strdup (fixture_cnic_buf (x, buf));
}

static guint
fixture_flags (guint x)
{
  return (x % 50 == 0 ? KS_RECORD_FLAG_FORCED_FINGER : 0) |
         (x % 77 == 0 ? KS_RECORD_FLAG_MISSING_FINGER : 0) |
         (x % 101 == 0 ? KS_RECORD_FLAG_DUPLICATE_WARNING : 0);
}

typedef struct
{
  char *dir;
  KsStore *store;
  KsSession *supervisor;       /* sana.sup, the station's first supervisor */
  KsSession *operator;         /* omar.op */
  gint64 now;
} Fixture;

static gint64
fake_clock (gpointer data)
{
  return ((Fixture *)data)->now;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) op = NULL;

  f->dir = g_dir_make_tmp ("ks-review-XXXXXX", NULL);
  path = g_build_filename (f->dir, "station.db", NULL);
  f->store = ks_store_open (path, &error);
  g_assert_no_error (error);
  /* The day after the fixture's first records: 2025-11-25 12:00 UTC */
  f->now = FIXTURE_BASE + G_GINT64_CONSTANT (20) * 3600 * G_USEC_PER_SEC;
  ks_store_set_clock (f->store, fake_clock, f);

  sup = ks_accounts_create_first_supervisor (f->store, "sana.sup", "Sana Gul", "supervisor-pw",
                                             &error);
  g_assert_no_error (error);
  f->supervisor = ks_session_new (f->store, sup, FALSE);
  op = ks_accounts_add (f->store, f->supervisor, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                        "operator-pw", &error);
  g_assert_no_error (error);
  f->operator = ks_session_new (f->store, op, FALSE);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "station.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&f->operator);
  g_clear_object (&f->supervisor);
  g_assert_finalize_object (f->store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
insert (Fixture    *f,
        guint       count,
        const char *operator)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_test_records_insert_many (f->store, 1, count, operator, &error));
  g_assert_no_error (error);
}

static GStrv
ids_between (guint first,
             guint last)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint x = first; x <= last; x++)
    {
      g_autofree char *id = fixture_kp_id (x);
      g_strv_builder_add (builder, id);
    }
  return g_strv_builder_end (builder);
}

/* Citizens @first .. @first + @n - 1 enrolled by @who through the wizard's path (draft,
 * submit), awaiting review; their IDs in order. */
static GStrv
enroll (Fixture   *f,
        KsSession *who,
        guint      first,
        guint      n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsReference) reference = ks_reference_load_default (&error);

  g_assert_no_error (error);
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *kp_id = ks_test_enroll (f->store, who, reference, NULL, NULL, "A01", i);
      g_strv_builder_add (builder, kp_id);
    }
  return g_strv_builder_end (builder);
}

static KsRecordInfo *
info_of (Fixture    *f,
         const char *kp_id)
{
  g_autoptr(GError) error = NULL;
  KsRecordInfo *result = ks_records_get_info (f->store, kp_id, &error);

  g_assert_no_error (error);
  return result;
}

static gint64
count_state (Fixture      *f,
             KsRecordState state)
{
  gint64 n = -1;

  g_assert_true (ks_records_count_by_state (f->store, state, &n));
  return n;
}

/* Decisions *************************************************************************/

static void
test_roles (Fixture      *f,
            gconstpointer data)
{
  g_auto(GStrv) all = enroll (f, f->operator, 1, 10);
  const char *ids[] = { all[0], all[1], all[2], NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) approved = NULL;
  g_autoptr(KsRecordInfo) rejected = NULL;
  g_autoptr(GPtrArray) trail = NULL;
  gint64 audited = 0;

  audited = ks_audit_count (f->store);

  /* An operator cannot decide, also not by calling core directly, and nothing changes. */
  g_assert_false (ks_records_decide_batch (f->store, f->operator, (const char *const *)ids,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                           &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (ks_records_decide_batch (f->store, f->operator, (const char *const *)ids,
                                           KS_RECORD_STATE_REJECTED, "photo-quality", NULL, TRUE,
                                           &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (ks_records_decide_batch (f->store, NULL, (const char *const *)ids,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                           &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_SUBMITTED), ==, 10);
  g_assert_cmpint (ks_audit_count (f->store), ==, audited);

  /* A rejection needs a reason. */
  g_assert_false (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)ids,
                                           KS_RECORD_STATE_REJECTED, NULL, NULL, TRUE,
                                           &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID);
  g_clear_error (&error);

  /* A supervisor approves: the record is queued for sync at once, both steps audited. */
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)ids,
                                          KS_RECORD_STATE_APPROVED, NULL, "checked", FALSE,
                                          &error));
  g_assert_no_error (error);
  approved = info_of (f, all[1]);
  g_assert_cmpint (approved->state, ==, KS_RECORD_STATE_QUEUED);
  g_assert_cmpint (approved->decision, ==, KS_RECORD_STATE_APPROVED);
  g_assert_cmpstr (approved->decided_by, ==, "sana.sup");
  g_assert_cmpint (approved->decided_at, ==, f->now);
  g_assert_cmpint (ks_audit_count (f->store), ==, audited + 6);
  trail = ks_audit_list (f->store, approved->kp_id, 0, &error);
  g_assert_no_error (error);
  /* Submitted, approved, queued. */
  g_assert_cmpuint (trail->len, ==, 3);

  /* Rejected records keep their reason and note, and are queued too. */
  {
    const char *more[] = { all[3], NULL };

    g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)more,
                                            KS_RECORD_STATE_REJECTED, "photo-quality",
                                            "Blurred photo", FALSE, &error));
    g_assert_no_error (error);
  }
  rejected = info_of (f, all[3]);
  g_assert_cmpint (rejected->state, ==, KS_RECORD_STATE_QUEUED);
  g_assert_cmpint (rejected->decision, ==, KS_RECORD_STATE_REJECTED);
  g_assert_cmpstr (rejected->reason, ==, "photo-quality");
  g_assert_cmpstr (rejected->note, ==, "Blurred photo");

  /* A batch holding one record decided already changes none of its records. */
  {
    const char *mixed[] = { all[3], all[4], all[5], NULL };
    g_autoptr(KsRecordInfo) untouched = NULL;

    g_assert_false (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)mixed,
                                             KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                             &error));
    g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE);
    g_clear_error (&error);
    untouched = info_of (f, all[4]);
    g_assert_cmpint (untouched->state, ==, KS_RECORD_STATE_SUBMITTED);
  }
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_QUEUED), ==, 4);
}

/* A finger kept after three poor tries, or marked missing, as the fingerprint step saves
 * it: the flags come from the real fingers, not from a fixture. */
static KsFingerCapture *
exception_finger (KsFingerStatus status)
{
  KsFingerCapture *c = ks_finger_capture_new (FP_FINGER_RIGHT_THUMB);
  static const guint8 fake_template[64] = { 'F', 'M', 'R' };

  c->status = status;
  if (status == KS_FINGER_MISSING)
    c->reason = g_strdup ("amputated");
  else
    {
      c->quality.grade = KS_FP_GRADE_POOR;
      c->tries = 3;
      c->template_blob = g_bytes_new_static (fake_template, sizeof fake_template);
    }
  return c;
}

static void
test_exceptions_need_confirmation (Fixture      *f,
                                   gconstpointer data)
{
  g_autofree char *key_path = g_build_filename (f->dir, "biometrics.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsVault) vault = ks_vault_open (key_path, &error);
  g_autoptr(KsReference) reference = ks_reference_load_default (&error);
  g_autoptr(GPtrArray) forced_finger = g_ptr_array_new_with_free_func (
    (GDestroyNotify)ks_finger_capture_free);
  g_autoptr(GPtrArray) missing_finger = g_ptr_array_new_with_free_func (
    (GDestroyNotify)ks_finger_capture_free);
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  g_autofree char *forced_id = NULL;
  g_autofree char *missing_id = NULL;
  g_autoptr(KsRecordInfo) forced = NULL;
  g_autoptr(KsRecordInfo) missing = NULL;
  const char *ids[6] = { NULL };

  g_assert_no_error (error);
  before = enroll (f, f->operator, 48, 2);
  g_ptr_array_add (forced_finger, exception_finger (KS_FINGER_FORCED));
  forced_id = ks_test_enroll (f->store, f->operator, reference, vault, forced_finger, "A01", 50);
  after = enroll (f, f->operator, 51, 2);
  g_ptr_array_add (missing_finger, exception_finger (KS_FINGER_MISSING));
  missing_id = ks_test_enroll (f->store, f->operator, reference, vault, missing_finger, "A01",
                               77);
  ids[0] = before[0];
  ids[1] = before[1];
  ids[2] = forced_id;
  ids[3] = after[0];
  ids[4] = after[1];

  forced = info_of (f, forced_id);
  g_assert_cmpuint (forced->flags & KS_RECORD_FLAG_FORCED_FINGER, !=, 0);
  missing = info_of (f, missing_id);
  g_assert_cmpuint (missing->flags & KS_RECORD_FLAG_MISSING_FINGER, !=, 0);

  g_assert_false (ks_records_decide_batch (f->store, f->supervisor, ids,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                           &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NEEDS_CONFIRMATION);
  g_assert_nonnull (strstr (error->message, forced->kp_id));
  g_clear_error (&error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_SUBMITTED), ==, 6);

  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, ids,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_QUEUED), ==, 5);

  /* Rejecting an exception is the careful way and needs no second step. */
  {
    const char *rejected[] = { missing_id, NULL };

    g_assert_true (ks_records_decide_batch (f->store, f->supervisor, rejected,
                                            KS_RECORD_STATE_REJECTED, "fingerprint-quality",
                                            NULL, FALSE, &error));
    g_assert_no_error (error);
  }
}

static void
test_self_approval (Fixture      *f,
                    gconstpointer data)
{
  g_auto(GStrv) own = enroll (f, f->supervisor, 1, 5);
  const char *first[] = { own[0], NULL };
  const char *second[] = { own[1], NULL };
  const char *third[] = { own[2], NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) other = NULL;
  g_autoptr(KsSession) other_session = NULL;

  /* Alone on the station, a supervisor approves their own enrollments: nobody else could. */
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)first,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                          &error));
  g_assert_no_error (error);

  other = ks_accounts_add (f->store, f->supervisor, "zara.sup", "Zara Khan", KS_ROLE_SUPERVISOR,
                           "supervisor2-pw", &error);
  g_assert_no_error (error);
  other_session = ks_session_new (f->store, other, FALSE);

  g_assert_false (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)second,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                           &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_SELF_APPROVAL);
  g_clear_error (&error);

  /* The other supervisor may; and with the setting off, so may the enrolling one. */
  g_assert_true (ks_records_decide_batch (f->store, other_session, (const char *const *)second,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                          &error));
  g_assert_no_error (error);
  {
    g_autoptr(KsStationConfig) config = ks_station_config_new (f->store, FALSE, &error);

    g_assert_true (ks_station_config_set_boolean (config, f->supervisor, "no-self-approval",
                                                  FALSE, &error));
    g_assert_no_error (error);
  }
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)third,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_QUEUED), ==, 3);
}

static void
test_bulk_approval (Fixture      *f,
                    gconstpointer data)
{
  g_auto(GStrv) ids = ids_between (1, 10000);
  g_autoptr(GStrvBuilder) with_unknown = g_strv_builder_new ();
  g_auto(GStrv) broken = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audited, bad_seq = 0;

  insert (f, 10000, NULL);
  audited = ks_audit_count (f->store);

  /* All or nothing: an unknown ID at the very end undoes the 9,999 decisions before it. */
  for (guint i = 0; i < 9999; i++)
    g_strv_builder_add (with_unknown, ids[i]);
  g_strv_builder_add (with_unknown, "PEW-A01-9999999-X");
  broken = g_strv_builder_end (with_unknown);
  g_assert_false (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)broken,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                           &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_SUBMITTED), ==, 10000);
  g_assert_cmpint (ks_audit_count (f->store), ==, audited);

  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)ids,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_SUBMITTED), ==, 0);
  g_assert_cmpint (count_state (f, KS_RECORD_STATE_QUEUED), ==, 10000);
  /* Each record: one entry for the approval, one for the queueing. */
  g_assert_cmpint (ks_audit_count (f->store), ==, audited + 20000);
  g_assert_true (ks_audit_verify (f->store, &bad_seq, &error));
  g_assert_no_error (error);

  /* More than a batch may hold is refused before anything is read. */
  {
    g_auto(GStrv) too_many = ids_between (1, KS_RECORDS_MAX_BATCH + 1);

    g_assert_false (ks_records_decide_batch (f->store, f->supervisor,
                                             (const char *const *)too_many,
                                             KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                             &error));
    g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID);
  }
}

/* The review list ********************************************************************/

#define MILLION 1000000

static KsRecordRow *
row_at (KsRecordList *list,
        guint         position)
{
  KsRecordRow *row = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_assert_nonnull (row);
  g_assert_null (ks_record_list_get_error (list));
  /* The caller's reference only: the model keeps its own in its page cache. */
  g_object_unref (row);
  return row;
}

static guint
fixture_number (KsRecordRow *row)
{
  return (guint)g_ascii_strtoull (ks_record_row_get_kp_id (row) + strlen ("PEW-A01-"), NULL, 10);
}

/* Checks the rows around @position against the independent expectation @expected_x (the
 * fixture number there), and that neighbours are in order for name sorts. */
typedef guint (*ExpectFunc) (guint position);

static guint
expect_kp_id_asc (guint position)
{
  return position + 1;
}

static guint
expect_kp_id_desc (guint position)
{
  return MILLION - position;
}

static void
assert_name_order (KsRecordList *list,
                   guint         position,
                   gboolean      descending)
{
  KsRecordRow *a = row_at (list, position);
  KsRecordRow *b = row_at (list, position + 1);
  int cmp = g_ascii_strcasecmp (ks_record_row_get_full_name (a), ks_record_row_get_full_name (b));

  if (descending)
    cmp = -cmp;
  g_assert_cmpint (cmp, <=, 0);
  if (cmp == 0)
    g_assert_cmpuint (descending ? fixture_number (b) : fixture_number (a), <,
                      descending ? fixture_number (a) : fixture_number (b));
}

static guint
n_items (KsRecordList *list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
check_filters (Fixture      *f,
               KsRecordList *list)
{
  g_auto(GStrv) ids = ids_between (1001, 2000);
  g_autoptr(GError) error = NULL;
  KsRecordFilter filter = { 0 };
  guint in_swat = 0, in_range = 0;
  gint64 from = FIXTURE_BASE + G_GINT64_CONSTANT (100000) * 30 * G_USEC_PER_SEC;
  gint64 until = from + G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC;

  for (guint x = 1; x <= MILLION; x++)
    {
      gint64 at = FIXTURE_BASE + (gint64)x * 30 * G_USEC_PER_SEC;

      in_swat += g_str_equal (fixture_district (x), "SWT");
      in_range += at >= from && at < until;
    }

  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)ids,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                          &error));
  g_assert_no_error (error);
  ks_record_list_refresh (list);

  filter.decision = KS_RECORD_STATE_APPROVED;
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, 1000);
  g_assert_cmpint (ks_record_row_get_state (row_at (list, 999)), ==, KS_RECORD_STATE_QUEUED);

  filter.decision = 0;
  filter.state = KS_RECORD_STATE_SUBMITTED;
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, MILLION - 1000);

  filter.state = 0;
  filter.district = "SWT";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, in_swat);
  for (guint p = 0; p < 300; p += 37)
    g_assert_cmpstr (ks_record_row_get_district (row_at (list, p)), ==, "SWT");

  filter.district = NULL;
  filter.operator = "amina.op";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, (MILLION + 2) / 3);   /* x % 3 == 1 */
  g_assert_cmpstr (ks_record_row_get_operator (row_at (list, n_items (list) - 1)), ==,
                   "amina.op");

  filter.operator = NULL;
  filter.submitted_from = from;
  filter.submitted_until = until;
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, in_range);

  ks_record_list_set_filter (list, NULL);
  g_assert_cmpuint (n_items (list), ==, MILLION);
}

static const char *const urdu_first_sana = "ثنا";

typedef struct
{
  const char *search;
  gboolean (*matches)(guint x, const char *search);
} SearchCase;

static gboolean
cnic_matches (guint       x,
              const char *search)
{
  char cnic[32], digits[32];
  gsize n = 0;

  for (const char *p = search; *p && n < sizeof digits - 1; p++)
    if (g_ascii_isdigit (*p))
      digits[n++] = *p;
  digits[n] = '\0';
  return g_str_has_prefix (fixture_cnic_buf (x, cnic), digits);
}

static gboolean
kp_id_matches (guint       x,
               const char *search)
{
  char kp_id[32];

  return g_ascii_strncasecmp (fixture_kp_id_buf (x, kp_id), search, strlen (search)) == 0;
}

static gboolean
name_matches (guint       x,
              const char *search)
{
  char name[64];

  return g_ascii_strncasecmp (fixture_name_buf (x, name), search, strlen (search)) == 0;
}

static gboolean
urdu_matches (guint       x,
              const char *search)
{
  /* Sana is first name 14 of the fixture. */
  return scramble (x) % 20 == 14;
}

static void
check_search (KsRecordList *list)
{
  const SearchCase cases[] = {
    { "17101-000120", cnic_matches },           /* dashes as printed on the card */
    { "1710300", cnic_matches },
    { "pew-a01-000123", kp_id_matches },        /* any case */
    { "PEW-A01-0999", kp_id_matches },
    { "sana kh", name_matches },
    { "Zainab Bettani", name_matches },
    { "Noor%", name_matches },                  /* LIKE wildcards are plain text here */
    { urdu_first_sana, urdu_matches },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      KsRecordFilter filter = { .search = cases[c].search };
      guint expected = 0;

      for (guint x = 1; x <= MILLION; x++)
        expected += cases[c].matches (x, cases[c].search);

      ks_record_list_set_sort (list, c % 2 ? KS_RECORD_SORT_NAME : KS_RECORD_SORT_SUBMITTED_AT,
                               FALSE);
      ks_record_list_set_filter (list, &filter);
      g_test_message ("search “%s”: %u matches", cases[c].search, expected);
      g_assert_cmpuint (n_items (list), ==, expected);
      for (guint p = 0; p < MIN (expected, 50); p++)
        g_assert_true (cases[c].matches (fixture_number (row_at (list, p)), cases[c].search));
      if (expected > 0)
        g_assert_true (cases[c].matches (fixture_number (row_at (list, expected - 1)),
                                         cases[c].search));
    }
  /* Blank search shows everything again. */
  {
    KsRecordFilter filter = { .search = "  " };
    ks_record_list_set_filter (list, &filter);
    g_assert_cmpuint (n_items (list), ==, MILLION);
  }
}

static void
test_list_million (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(KsRecordList) list = NULL;
  g_autofree char *min_name = NULL;
  g_autofree char *max_name = NULL;
  const guint probes[] = { 0, MILLION / 2 - 1, MILLION / 2, MILLION - 2 };
  struct { KsRecordSort sort; gboolean descending; ExpectFunc expect; } id_sorts[] = {
    { KS_RECORD_SORT_KP_ID, FALSE, expect_kp_id_asc },
    { KS_RECORD_SORT_KP_ID, TRUE, expect_kp_id_desc },
    /* The fixture's records are 30 s apart, in number order. */
    { KS_RECORD_SORT_SUBMITTED_AT, FALSE, expect_kp_id_asc },
    { KS_RECORD_SORT_SUBMITTED_AT, TRUE, expect_kp_id_desc },
  };

  insert (f, MILLION, NULL);
  list = ks_record_list_new (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, MILLION);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == KS_TYPE_RECORD_ROW);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), MILLION));

  /* ID and date sorts: the row at the beginning, middle and end is exactly the expected one. */
  for (guint s = 0; s < G_N_ELEMENTS (id_sorts); s++)
    {
      ks_record_list_set_sort (list, id_sorts[s].sort, id_sorts[s].descending);
      for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
        for (guint d = 0; d < 2; d++)
          {
            KsRecordRow *row = row_at (list, probes[p] + d);
            guint x = id_sorts[s].expect (probes[p] + d);
            g_autofree char *kp_id = fixture_kp_id (x);
            g_autofree char *name = fixture_name (x);
            g_autofree char *cnic = fixture_cnic (x);

            g_assert_cmpstr (ks_record_row_get_kp_id (row), ==, kp_id);
            g_assert_cmpstr (ks_record_row_get_full_name (row), ==, name);
            g_assert_cmpstr (ks_record_row_get_cnic (row), ==, cnic);
            g_assert_cmpstr (ks_record_row_get_district (row), ==, fixture_district (x));
            g_assert_cmpuint (ks_record_row_get_flags (row), ==, fixture_flags (x));
            g_assert_cmpint (ks_record_row_get_submitted_at (row), ==,
                             FIXTURE_BASE + (gint64)x * 30 * G_USEC_PER_SEC);
          }
    }
  /* However far the list was read, only a few pages stay in memory. */
  g_assert_cmpuint (ks_record_list_get_n_cached (list), <=, 8 * 200);

  /* Name sorts: first and last rows carry the smallest and largest names; every probed pair of
   * neighbours is in order, ties by record number. */
  for (guint x = 1; x <= MILLION; x++)
    {
      char buf[64];
      const char *name = fixture_name_buf (x, buf);

      if (min_name == NULL || g_ascii_strcasecmp (name, min_name) < 0)
        {
          g_free (min_name);
          min_name = g_strdup (name);
        }
      if (max_name == NULL || g_ascii_strcasecmp (name, max_name) > 0)
        {
          g_free (max_name);
          max_name = g_strdup (name);
        }
    }
  for (guint desc = 0; desc < 2; desc++)
    {
      ks_record_list_set_sort (list, KS_RECORD_SORT_NAME, desc);
      g_assert_cmpstr (ks_record_row_get_full_name (row_at (list, 0)), ==,
                       desc ? max_name : min_name);
      g_assert_cmpstr (ks_record_row_get_full_name (row_at (list, MILLION - 1)), ==,
                       desc ? min_name : max_name);
      for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
        assert_name_order (list, probes[p], desc);
    }

  check_filters (f, list);
  check_search (list);
}

static void
on_filtered (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  guint *pending = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_record_list_set_filter_finish (KS_RECORD_LIST (object), result, &error));
  g_assert_no_error (error);
  (*pending)--;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *changes)
{
  g_assert_cmpuint (position, ==, 0);
  (*changes)++;
}

/* Typing fast: each keystroke starts a query in a worker; only the last one shows. */
static void
test_list_async_filter (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(KsRecordList) list = NULL;
  const char *typed[] = { "B", "Bi", "Bil", "Bila", "Bilal" };
  KsRecordFilter filter = { 0 };
  guint pending = 0, changes = 0, expected = 0;

  insert (f, 5000, NULL);
  for (guint x = 1; x <= 5000; x++)
    expected += name_matches (x, "Bilal");
  g_assert_cmpuint (expected, >, 0);

  list = ks_record_list_new (f->store);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changes);
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      filter.search = typed[i];
      ks_record_list_set_filter_async (list, &filter, NULL, on_filtered, &pending);
      pending++;
    }
  /* Nothing changes before the main loop delivers the results. */
  g_assert_cmpuint (n_items (list), ==, 5000);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (n_items (list), ==, expected);
  g_assert_cmpuint (changes, ==, 1);
  for (guint p = 0; p < expected; p++)
    g_assert_true (name_matches (fixture_number (row_at (list, p)), "Bilal"));

  /* A filter set here and now wins over one still in a worker. */
  filter.search = "Sana";
  ks_record_list_set_filter_async (list, &filter, NULL, on_filtered, &pending);
  pending++;
  ks_record_list_set_filter (list, NULL);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_items (list), ==, 5000);

  /* A worker thread lets go of its task (and with it the list and the store) just after the
   * result was delivered: wait for that before the fixture checks the store is freed. */
  {
    KsRecordList *weak = list;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *)&weak);
    g_clear_object (&list);
    while (weak != NULL && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (weak);
  }
}

/* End-of-day report ******************************************************************/

static gint64
sum_groups (GPtrArray *groups,
            gsize      offset)
{
  gint64 total = 0;

  for (guint i = 0; i < groups->len; i++)
    total += G_STRUCT_MEMBER (gint64, g_ptr_array_index (groups, i), offset);
  return total;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs the default main context until an async call's callback stored its result. */
static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*result);
  return *result;
}

/* A search of letters alone is the start of a name or of an ID: "P", "PE", "PEW" find the
 * records whose Khyber Pass ID starts so (they found none before "PEW-"), "Om" the Omars. A
 * broad prefix is counted around its range; the count is the same. */
static void
test_search_letters (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(KsRecordList) list = NULL;
  const char *ids[] = { "P", "PE", "PEW", "pew", "PEW-", "PEW-A01", "PEW-A01-0" };
  KsRecordFilter filter = { 0 };
  guint omars = 0;

  insert (f, 300, NULL);
  for (guint x = 1; x <= 300; x++)
    omars += name_matches (x, "Om");
  g_assert_cmpuint (omars, >, 0);
  list = ks_record_list_new (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      filter.search = ids[i];
      ks_record_list_set_filter (list, &filter);
      g_assert_cmpuint (n_items (list), ==, 300);
      g_assert_true (g_str_has_prefix (ks_record_row_get_kp_id (row_at (list, 299)), "PEW-"));
    }
  filter.search = "PEW-A01-00002";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, 100);
  filter.search = "Om";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, omars);
  for (guint p = 0; p < omars; p++)
    g_assert_true (name_matches (fixture_number (row_at (list, p)), "Om"));
  filter.search = "Q";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), >, 0);
  filter.search = "X";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, 0);
  /* A broad CNIC prefix, counted around its range. */
  filter.search = "171";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, 300);
  filter.search = "17101";
  ks_record_list_set_filter (list, &filter);
  g_assert_cmpuint (n_items (list), ==, 42);   /* x % 7 == 0: 7, 14 .. 294 */
}

/* An ID or CNIC prefix in date order is read from its own index and sorted by the list itself
 * (up to 100,000 matches): the rows and their order are those of SQL's ORDER BY, also when
 * the clock went back (a laptop's clock corrected) so that the IDs are not in date order, and
 * when two records were submitted in the same microsecond. */
static void
test_search_date_order (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(KsRecordList) list = NULL;
  g_autoptr(KsRecordList) by_sql = NULL;
  const char *searches[] = { "PEW-A01-000001", "pew-a01-000002", "17301-0000001",
                             "173010000002", "PEW-A01-0000003" };
  gint64 start = f->now;
  gboolean out_of_id_order = FALSE;

  for (guint i = 1; i <= 40; i++)
    {
      g_auto(GStrv) ids = NULL;

      /* Each a minute after the last, but the clock goes back an hour before citizen 15, and
       * citizens 21 and 22 come in the same microsecond. */
      f->now = start + (gint64)i * 60 * G_USEC_PER_SEC -
               (i >= 15 ? G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC : 0) -
               (i == 22 ? 60 * G_USEC_PER_SEC : 0);
      ids = enroll (f, f->operator, i, 1);
    }

  list = ks_record_list_new (f->store);
  by_sql = ks_record_list_new (f->store);
  for (guint s = 0; s < G_N_ELEMENTS (searches); s++)
    for (guint desc = 0; desc < 2; desc++)
      {
        KsRecordFilter filter = { .search = searches[s] };
        /* With a second condition the list pages with SQL's ORDER BY instead. */
        KsRecordFilter sql_filter = { .search = searches[s], .operator = "omar.op" };
        guint n;

        ks_record_list_set_sort (list, KS_RECORD_SORT_SUBMITTED_AT, desc);
        ks_record_list_set_sort (by_sql, KS_RECORD_SORT_SUBMITTED_AT, desc);
        ks_record_list_set_filter (list, &filter);
        ks_record_list_set_filter (by_sql, &sql_filter);
        n = n_items (list);
        g_test_message ("search “%s”%s: %u matches", searches[s], desc ? " (newest first)" : "",
                        n);
        g_assert_cmpuint (n, ==, s == 4 ? 1 : 10);
        g_assert_cmpuint (n_items (by_sql), ==, n);
        for (guint p = 0; p < n; p++)
          {
            KsRecordRow *row = row_at (list, p);

            g_assert_cmpstr (ks_record_row_get_kp_id (row), ==,
                             ks_record_row_get_kp_id (row_at (by_sql, p)));
            if (p == 0)
              continue;
            if (desc)
              g_assert_cmpint (ks_record_row_get_submitted_at (row), <=,
                               ks_record_row_get_submitted_at (row_at (list, p - 1)));
            else
              g_assert_cmpint (ks_record_row_get_submitted_at (row), >=,
                               ks_record_row_get_submitted_at (row_at (list, p - 1)));
            out_of_id_order |= (strcmp (ks_record_row_get_kp_id (row),
                                        ks_record_row_get_kp_id (row_at (list, p - 1))) < 0) !=
                               desc;
          }
      }
  /* The clock going back did reorder them: the list sorted them itself. */
  g_assert_true (out_of_id_order);
}

/* Opening a record for review, as the record detail does: a supervisor opens any record, an
 * operator only their own; in a worker thread for the UI. The review list is made in one too. */
static void
test_open_for_review (Fixture      *f,
                      gconstpointer data)
{
  g_auto(GStrv) mine = enroll (f, f->operator, 1, 1);
  g_auto(GStrv) theirs = enroll (f, f->supervisor, 2, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) made = NULL;
  g_autoptr(KsRecordList) list = NULL;
  KsRecordFilter filter = { .operator = "omar.op" };

  record = ks_records_open_for_review (f->store, f->supervisor, mine[0], &info, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpstr (info->kp_id, ==, mine[0]);
  g_assert_cmpstr (info->operator, ==, "omar.op");
  g_assert_cmpstr (ks_record_get (record, KS_FIELD_FULL_NAME), ==, info->full_name);
  g_clear_object (&record);
  g_clear_pointer (&info, ks_record_info_free);

  /* The operator opens their own record, and not the supervisor's. */
  record = ks_records_open_for_review (f->store, f->operator, mine[0], NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&record);
  record = ks_records_open_for_review (f->store, f->operator, theirs[0], &info, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_null (record);
  g_assert_null (info);
  g_clear_error (&error);
  record = ks_records_open_for_review (f->store, f->supervisor, "PEW-A01-9999999-X", &info,
                                       &error);
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* In a worker thread, as the record detail opens it. */
  ks_records_open_for_review_async (f->store, f->supervisor, theirs[0], NULL, store_result,
                                    &result);
  record = ks_records_open_for_review_finish (wait_for_result (&result), &info, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->kp_id, ==, theirs[0]);
  g_assert_cmpstr (ks_record_get (record, KS_FIELD_FULL_NAME), ==, info->full_name);

  /* The list made in a worker holds its count and first page when it is handed over. */
  ks_record_list_new_async (f->store, &filter, NULL, store_result, &made);
  list = ks_record_list_new_finish (wait_for_result (&made), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpuint (ks_record_list_get_n_cached (list), ==, 1);
  g_assert_cmpstr (ks_record_row_get_kp_id (row_at (list, 0)), ==, mine[0]);

  /* The worker threads let go of their tasks (and with them the store) just after the results
   * were delivered: wait for that before the fixture checks the store is freed. */
  {
    GObject *tasks[2] = { G_OBJECT (result), G_OBJECT (made) };
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

    g_object_add_weak_pointer (tasks[0], (gpointer *)&tasks[0]);
    g_object_add_weak_pointer (tasks[1], (gpointer *)&tasks[1]);
    g_clear_object (&result);
    g_clear_object (&made);
    g_clear_object (&list);
    while ((tasks[0] != NULL || tasks[1] != NULL) && g_get_monotonic_time () < deadline)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (1000);
      }
    g_assert_null (tasks[0]);
    g_assert_null (tasks[1]);
  }
}

/* How many lines of @csv have @n fields (0: how many lines in all); quoted fields may hold
 * commas, quotes and line breaks. */
static guint
csv_lines_with_fields (const char *csv,
                       guint       n)
{
  guint lines = 0, fields = 1;
  gboolean quoted = FALSE;

  for (const char *p = csv; *p; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted && *p == ',')
        fields++;
      else if (!quoted && *p == '\n')
        {
          lines += n == 0 || fields == n;
          fields = 1;
        }
    }
  return lines;
}

static void
test_report (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GDate) first_day = g_date_new_dmy (24, G_DATE_NOVEMBER, 2025);
  g_autoptr(GDate) second_day = g_date_new_dmy (25, G_DATE_NOVEMBER, 2025);
  g_autoptr(KsDayReport) day1 = NULL;
  g_autoptr(KsDayReport) day2 = NULL;
  g_autoptr(KsRecordList) list = NULL;
  g_auto(GStrv) approve = ids_between (1, 100);
  g_auto(GStrv) reject_photo = ids_between (101, 115);
  g_auto(GStrv) reject_name = ids_between (116, 120);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "report.csv", NULL);
  g_autofree char *csv = NULL;
  KsRecordFilter filter = { 0 };
  guint exceptions = 0;

  /* Records 1..959 are enrolled on the 24th (from 16:00:30 UTC, 30 s apart), the rest on the
   * 25th; the decisions below are taken on the 25th (the fixture's clock). */
  insert (f, 2000, NULL);
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, (const char *const *)approve,
                                          KS_RECORD_STATE_APPROVED, NULL, NULL, TRUE,
                                          &error));
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor,
                                          (const char *const *)reject_photo,
                                          KS_RECORD_STATE_REJECTED, "photo-quality", "Blurred",
                                          TRUE, &error));
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor,
                                          (const char *const *)reject_name,
                                          KS_RECORD_STATE_REJECTED, "name-mismatch",
                                          "Spelling, \"Khan\" vs Khaan", TRUE, &error));
  g_assert_no_error (error);

  day1 = ks_day_report_compute (f->store, first_day, &error);
  g_assert_no_error (error);
  list = ks_record_list_new (f->store);
  filter.submitted_from = day1->from;
  filter.submitted_until = day1->until;
  ks_record_list_set_filter (list, &filter);

  g_assert_cmpint (day1->submitted, ==, 959);
  g_assert_cmpint (day1->submitted, ==, n_items (list));
  g_assert_cmpint (day1->by_state[KS_RECORD_STATE_SUBMITTED], ==, 959 - 120);
  g_assert_cmpint (day1->by_state[KS_RECORD_STATE_QUEUED], ==, 120);
  g_assert_cmpint (sum_groups (day1->by_operator, G_STRUCT_OFFSET (KsReportGroup, submitted)),
                   ==, day1->submitted);
  g_assert_cmpint (sum_groups (day1->by_district, G_STRUCT_OFFSET (KsReportGroup, submitted)),
                   ==, day1->submitted);
  g_assert_cmpint (sum_groups (day1->by_district, G_STRUCT_OFFSET (KsReportGroup, approved)),
                   ==, 100);
  g_assert_cmpint (sum_groups (day1->by_operator, G_STRUCT_OFFSET (KsReportGroup, rejected)),
                   ==, 20);
  g_assert_cmpint (sum_groups (day1->by_operator, G_STRUCT_OFFSET (KsReportGroup, awaiting)),
                   ==, 959 - 120);
  g_assert_cmpuint (day1->by_operator->len, ==, 3);
  for (guint x = 1; x <= 959; x++)
    exceptions += fixture_flags (x) != 0;
  g_assert_cmpuint (day1->exceptions->len, ==, exceptions);
  /* Nothing was decided on the 24th. */
  g_assert_cmpint (day1->approved, ==, 0);
  g_assert_cmpint (day1->rejected, ==, 0);
  g_assert_cmpuint (day1->rejections->len, ==, 0);

  day2 = ks_day_report_compute (f->store, second_day, &error);
  g_assert_no_error (error);
  g_assert_cmpint (day2->submitted, ==, 2000 - 959);
  g_assert_cmpint (day2->approved, ==, 100);
  g_assert_cmpint (day2->rejected, ==, 20);
  g_assert_cmpint (day2->approved + day2->rejected, ==, count_state (f, KS_RECORD_STATE_QUEUED));
  g_assert_cmpuint (day2->rejections->len, ==, 20);
  g_assert_cmpuint (day2->rejection_reasons->len, ==, 2);
  g_assert_cmpstr (((KsReportGroup *)g_ptr_array_index (day2->rejection_reasons, 0))->key, ==,
                   "photo-quality");
  g_assert_cmpint (((KsReportGroup *)g_ptr_array_index (day2->rejection_reasons, 0))->rejected,
                   ==, 15);

  /* The CSV carries the same figures, and the supervisor's note survives its quotes. */
  {
    g_autoptr(KsReference) reference = ks_reference_load_default (&error);

    g_assert_no_error (error);
    g_assert_true (ks_day_report_write_csv (day2, reference, csv_path, &error));
    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  /* One table under one header: every line has the header's 15 columns. */
  g_assert_true (g_str_has_prefix (csv, "section,key,submitted,awaiting_review,approved,"
                                   "rejected,kp_id,name,operator,district,flags,decided_by,"
                                   "reason,reason_label,note\r\n"
                                   "day,2025-11-25,1041,1041,100,20,,,,,,,,,\r\n"));
  g_assert_nonnull (strstr (csv, "rejection_reason,photo-quality,,,,15,,,,,,,,,\r\n"));
  g_assert_cmpuint (csv_lines_with_fields (csv, 15), ==, csv_lines_with_fields (csv, 0));
  g_assert_null (strstr (csv + 1, "\nsection,"));
  g_assert_null (strstr (csv, "\r\n\r\n"));
  g_assert_nonnull (strstr (csv, ",name-mismatch,Name does not match the CNIC or B-form,"
                            "\"Spelling, \"\"Khan\"\" vs Khaan\"\r\n"));

  /* A day with nothing on it is a report of zeros, not an error. */
  {
    g_autoptr(GDate) empty_day = g_date_new_dmy (1, G_DATE_JANUARY, 2020);
    g_autoptr(KsDayReport) empty = ks_day_report_compute (f->store, empty_day, &error);

    g_assert_no_error (error);
    g_assert_cmpint (empty->submitted, ==, 0);
    g_assert_cmpuint (empty->by_operator->len, ==, 0);
  }

  /* What the Review page calls, in worker threads: the same day, the same CSV, and a PDF of
   * the printed pages. A cancelled count reports the cancellation, not a report. */
  {
    g_autoptr(KsReference) reference = ks_reference_load_default (&error);
    g_autoptr(GAsyncResult) computed = NULL;
    g_autoptr(GAsyncResult) cancelled = NULL;
    g_autoptr(GAsyncResult) csv_written = NULL;
    g_autoptr(GAsyncResult) pdf_written = NULL;
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(KsDayReport) async_day = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    g_autofree char *async_csv_path = g_build_filename (f->dir, "report-async.csv", NULL);
    g_autofree char *pdf_path = g_build_filename (f->dir, "report.pdf", NULL);
    g_autofree char *async_csv = NULL;
    g_autofree char *pdf = NULL;
    gsize pdf_length = 0;

    g_assert_no_error (error);
    ks_day_report_compute_async (f->store, second_day, NULL, store_result, &computed);
    async_day = ks_day_report_compute_finish (wait_for_result (&computed), &error);
    g_assert_no_error (error);
    g_assert_cmpint (async_day->submitted, ==, day2->submitted);
    g_assert_cmpint (async_day->approved, ==, day2->approved);
    g_assert_cmpint (async_day->rejected, ==, day2->rejected);
    g_assert_cmpuint (async_day->exceptions->len, ==, day2->exceptions->len);

    g_cancellable_cancel (cancellable);
    ks_day_report_compute_async (f->store, second_day, cancellable, store_result, &cancelled);
    g_assert_null (ks_day_report_compute_finish (wait_for_result (&cancelled), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);

    ks_day_report_write_csv_async (async_day, reference, async_csv_path, NULL, store_result,
                                   &csv_written);
    g_assert_true (ks_day_report_write_csv_finish (wait_for_result (&csv_written), &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (async_csv_path, &async_csv, NULL, &error));
    g_assert_cmpstr (async_csv, ==, csv);

    lines = ks_day_report_to_lines (async_day, reference, "A01");
    ks_day_report_wrap_lines (lines, 595.28);
    g_assert_cmpuint (lines->len, >, ks_day_report_lines_per_page (841.89));
    g_assert_nonnull (strstr (((KsReportLine *)g_ptr_array_index (lines, 0))->text, "A01"));
    ks_day_report_write_pdf_async (async_day, reference, "A01", pdf_path, NULL, store_result,
                                   &pdf_written);
    g_assert_true (ks_day_report_write_pdf_finish (wait_for_result (&pdf_written), &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_length, &error));
    g_assert_true (g_str_has_prefix (pdf, "%PDF"));
    /* One page per lines_per_page lines, as a printer would print them. */
    {
      guint per_page = ks_day_report_lines_per_page (841.89);
      g_autofree char *count = g_strdup_printf ("/Count %u\n",
                                                (lines->len + per_page - 1) / per_page);

      gboolean found = FALSE;

      /* A PDF holds binary streams: g_strstr_len() would stop at their first NUL. */
      for (gsize i = 0; !found && i + strlen (count) <= pdf_length; i++)
        found = memcmp (pdf + i, count, strlen (count)) == 0;
      g_assert_true (found);
    }
  }
}

static void
free_line (gpointer data)
{
  KsReportLine *line = data;

  g_free (line->text);
  g_free (line);
}

static void
add_report_line (GPtrArray  *lines,
                 gboolean    heading,
                 const char *text)
{
  KsReportLine *line = g_new0 (KsReportLine, 1);

  line->text = g_strdup (text);
  line->heading = heading;
  g_ptr_array_add (lines, line);
}

/* A supervisor's long note is printed in full, on as many lines as it takes: never cut with
 * "…" at the edge of the page. */
static void
test_report_wrap (void)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (free_line);
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *note = "The photo was taken against a dark wall and the face is in shadow; the "
                     "father's name on the B-form reads Gul Daudzai but the form says Gul "
                     "Dawoodzai. Ask the family to bring the original B-form and take the "
                     "photo again in daylight before enrolling again. lastword";
  g_autofree char *line = g_strconcat ("    PEW-A01-0000050-A  Noor Daudzai: Other (see the "
                                       "reviewer's note) · ", note, NULL);
  g_auto(GStrv) words = g_strsplit (note, " ", -1);
  const char *at;

  add_report_line (lines, TRUE, "Rejections (1)");
  add_report_line (lines, FALSE, line);
  add_report_line (lines, FALSE, "short");
  ks_day_report_wrap_lines (lines, 595.28);
  g_assert_cmpuint (lines->len, >=, 5);
  g_assert_cmpstr (((KsReportLine *)g_ptr_array_index (lines, 0))->text, ==, "Rejections (1)");
  g_assert_cmpstr (((KsReportLine *)g_ptr_array_index (lines, lines->len - 1))->text, ==,
                   "short");
  for (guint i = 1; i + 1 < lines->len; i++)
    {
      KsReportLine *part = g_ptr_array_index (lines, i);

      g_assert_false (part->heading);
      g_assert_cmpuint (g_utf8_strlen (part->text, -1), <, 110);
      g_string_append_printf (joined, "%s ", part->text);
    }
  /* Every word of the note, in order. */
  at = joined->str;
  for (guint i = 0; words[i] != NULL; i++)
    {
      at = strstr (at, words[i]);
      g_assert_nonnull (at);
    }
  g_assert_null (strstr (joined->str, "…"));
}

static void
test_csv_escaping (void)
{
  const struct { const char *field; const char *written; } cases[] = {
    { "plain", "plain" },
    { "", "" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "two\nlines", "\"two\nlines\"" },
    { "cr\rhere", "\"cr\rhere\"" },
    { "خان", "خان" },
    /* Spreadsheets would run these as formulas. */
    { "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
    { "+92 300", "'+92 300" },
    { "-1", "'-1" },
    { "@SUM(A1)", "'@SUM(A1)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *fields[] = { cases[i].field, "end", NULL };
      const char *leading[] = { "", cases[i].field, NULL };
      g_autofree char *line = ks_csv_format_line (fields);
      g_autofree char *expected = g_strconcat (cases[i].written, ",end\r\n", NULL);
      g_autofree char *second = ks_csv_format_line (leading);
      g_autofree char *expected_second = g_strconcat (",", cases[i].written, "\r\n", NULL);

      g_assert_cmpstr (line, ==, expected);
      g_assert_cmpstr (second, ==, expected_second);
    }
}

/* Station rules **********************************************************************/

static void
test_station_rules (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KsStationRules rules;
  KsStationRules off = { 0, 0, 0 };

  /* The defaults a new station's configuration starts with. */
  ks_station_rules_from_store (&rules, f->store);
  g_assert_cmpuint (rules.max_awaiting_review, ==, 100);
  g_assert_cmpuint (rules.max_unsynced_days, ==, 30);
  g_assert_cmpuint (rules.min_free_disk_mb, ==, 500);
  g_assert_true (ks_station_config_read_boolean (f->store, "no-self-approval"));

  /* An empty station may enroll. */
  rules.min_free_disk_mb = 1;
  g_assert_true (ks_station_rules_check (f->store, &rules, f->dir, &error));
  g_assert_no_error (error);

  insert (f, 100, NULL);
  rules.max_awaiting_review = 101;
  rules.max_unsynced_days = 0;
  g_assert_true (ks_station_rules_check (f->store, &rules, f->dir, &error));
  rules.max_awaiting_review = 100;
  g_assert_false (ks_station_rules_check (f->store, &rules, f->dir, &error));
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_TOO_MANY_AWAITING);
  g_assert_nonnull (strstr (error->message, "100 records await review"));
  g_clear_error (&error);

  /* The oldest record is 20 hours old: a 1-day limit is reached only a day later. */
  rules.max_awaiting_review = 0;
  rules.max_unsynced_days = 1;
  g_assert_true (ks_station_rules_check (f->store, &rules, f->dir, &error));
  f->now += G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC;
  g_assert_false (ks_station_rules_check (f->store, &rules, f->dir, &error));
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_UNSYNCED_TOO_LONG);
  g_assert_nonnull (strstr (error->message, "enrolled 1 day ago"));
  g_clear_error (&error);

  /* No disk holds this much. */
  rules.max_unsynced_days = 0;
  rules.min_free_disk_mb = 1000000000;
  g_assert_false (ks_station_rules_check (f->store, &rules, f->dir, &error));
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_DISK_LOW);
  g_clear_error (&error);

  g_assert_true (ks_station_rules_check (f->store, &off, f->dir, &error));
  g_assert_no_error (error);
}

/* Fast path = real path *************************************************************/

static char *
stored_data (KsStore    *store,
             const char *kp_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *data = NULL;

  g_assert_cmpint (sqlite3_open_v2 (ks_store_get_path (store), &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT data || '|' || cnic || '|' || full_name || "
                                       "'|' || full_name_ur || '|' || district FROM records "
                                       "WHERE kp_id = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    data = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return data;
}

/* The million-row fixture of the benchmarks skips the wizard; what it stores, and so what sync
 * sends, must be byte for byte what an operator's submit stores for the same citizen. Each
 * fixture citizen is typed again as an operator would (CNIC without dashes, mobile with a
 * space, date as printed on the CNIC, names with stray spaces) and submitted on another
 * station: same row, same payload, same content hash. */
static void
test_fixture_same_as_operator_path (Fixture      *f,
                                    gconstpointer data)
{
  static const guint citizens[] = { 1, 2, 50, 77, 101, 119 };
  g_autofree char *dir = g_dir_make_tmp ("ks-review-real-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStore) real = ks_store_open (path, &error);
  g_autoptr(KsReference) reference = ks_reference_load_default (&error);
  g_autoptr(KsTestStaff) staff = NULL;

  g_assert_no_error (error);
  staff = ks_test_staff_get (real);
  {
    g_autoptr(KsStationConfig) config = ks_station_config_new (real, FALSE, &error);

    g_assert_no_error (error);
    ks_test_configure_station (config, staff->supervisor, "PEW", "B01");
  }
  insert (f, 120, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (citizens); i++)
    {
      guint x = citizens[i];
      g_autofree char *fixture_id = fixture_kp_id (x);
      g_autoptr(KsRecord) fixture = ks_records_load (f->store, fixture_id, &error);
      g_autoptr(KsRecord) typed = NULL;
      g_autoptr(KsRecord) submitted = NULL;
      g_autofree char *cnic = fixture_cnic (x);
      g_autofree char *full_name = NULL;
      g_autofree char *birth = NULL;
      g_autofree char *real_id = NULL;
      g_autofree char *fixture_row = NULL;
      g_autofree char *real_row = NULL;
      g_autofree char *fixture_payload = NULL;
      g_autofree char *real_payload = NULL;
      g_auto(GStrv) ymd = NULL;
      KsSubmitOptions options = { NULL };
      gint64 draft;

      g_assert_no_error (error);
      typed = ks_record_copy (fixture);
      ymd = g_strsplit (ks_record_get (fixture, KS_FIELD_DATE_OF_BIRTH), "-", 3);
      birth = g_strdup_printf ("%s/%s/%s", ymd[2], ymd[1], ymd[0]);
      full_name = g_strdup_printf (" %s ", ks_record_get (fixture, KS_FIELD_FULL_NAME));
      ks_record_set (typed, KS_FIELD_CNIC, cnic);
      ks_record_set (typed, KS_FIELD_MOBILE, "0300 1234567");
      ks_record_set (typed, KS_FIELD_DATE_OF_BIRTH, birth);
      ks_record_set (typed, KS_FIELD_FULL_NAME, full_name);
      draft = ks_drafts_create (real, staff->operator, typed, 0, &error);
      g_assert_no_error (error);
      real_id = ks_records_submit (real, staff->operator, draft, typed, reference, &options,
                                   &error);
      g_assert_no_error (error);

      fixture_row = stored_data (f->store, fixture_id);
      real_row = stored_data (real, real_id);
      g_assert_cmpstr (fixture_row, ==, real_row);

      submitted = ks_records_load (real, real_id, &error);
      g_assert_no_error (error);
      fixture_payload = ks_sync_payload_new (fixture);
      real_payload = ks_sync_payload_new (submitted);
      g_assert_cmpstr (fixture_payload, ==, real_payload);
      g_assert_null (ks_sync_payload_check (real_payload, NULL));
    }

  g_clear_pointer (&staff, ks_test_staff_free);
  g_assert_finalize_object (g_steal_pointer (&real));
  ks_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* The report's days are local days: pin the zone so they are the same on every machine. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/review/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("roles", test_roles);
  ADD ("exceptions-need-confirmation", test_exceptions_need_confirmation);
  ADD ("self-approval", test_self_approval);
  ADD ("bulk-approval-10000", test_bulk_approval);
  ADD ("list-million", test_list_million);
  ADD ("list-async-filter", test_list_async_filter);
  ADD ("open-for-review", test_open_for_review);
  ADD ("search-letters", test_search_letters);
  ADD ("search-date-order", test_search_date_order);
  ADD ("report", test_report);
  ADD ("station-rules", test_station_rules);
  ADD ("fixture-same-as-operator-path", test_fixture_same_as_operator_path);
#undef ADD
  g_test_add_func ("/review/csv-escaping", test_csv_escaping);
  g_test_add_func ("/review/report-wrap", test_report_wrap);

  return g_test_run ();
}
