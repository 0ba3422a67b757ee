/* test-dedup.c: the station-wide 1:N de-duplication, through the operator's path, on real prints
 *
 * Fingers are captured as the enrollment wizard captures them: FVC2000 DB1_B impressions fed to
 * libfprint's virtual_image reader (one impression per enrolment stage), ks_fingers_capture_async()
 * keeping the median impression with the station's ISO template. A record is typed as the
 * wizard leaves it (ks_test_wizard_record(): CNIC with dashes), its fingers saved to its draft,
 * checked by the station's duplicate search, then submitted and decided by a supervisor.
 *
 * The fingers (FVC2000 DB1_B, impressions 1-5 enrolled first, 6-8 enrolled "again") were chosen
 * because every one of their later impressions scores above the de-duplication threshold
 * against every earlier one with the station's matcher (lowest 51.2), and because they score
 * at most 24.8 against the others: the test is about the station's plumbing and its rule, not
 * about how often the matcher misses (that is bench-fingerprint-accuracy's job).
 *
 * Needs ../shared/reference/fingerprints/fvc2000 next to the repository; skips, saying so,
 * without it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "fp-test-util.h"
#include "ks-audit.h"
#include "ks-duplicate-findings.h"
#include "ks-duplicate-search.h"
#include "ks-minutiae-image.h"
#include "ks-minutiae-match.h"
#include "ks-station-config.h"
#include "ks-test-enroll.h"
#include "ks-test-util.h"

static char *fvc_dir;

/* The captures every test reuses (capturing through libfprint takes a few seconds each). */
enum
{
  FIRST_RIGHT,   /* 105, impressions 1-5: citizen A's right thumb */
  FIRST_LEFT,    /* 106, impressions 1-5: citizen A's left thumb */
  AGAIN_RIGHT,   /* 105, impressions 6-8: the same person, enrolling again */
  AGAIN_LEFT,    /* 106, impressions 6-8 */
  OTHER_RIGHT,   /* 102, impressions 1-5: someone else */
  OTHER_LEFT,    /* 104, impressions 1-5 */
  N_CAPTURES
};
static KsFingerCapture *captures[N_CAPTURES];

typedef struct
{
  char *dir;
  KsStore *store;
  KsVault *vault;
  KsReference *reference;
  KsTestStaff *staff;
  KsDuplicateSearch *search;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *db = NULL;
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationConfig) config = NULL;

  if (fvc_dir == NULL)
    return;
  f->dir = g_dir_make_tmp ("ks-dedup-XXXXXX", NULL);
  db = g_build_filename (f->dir, "station.db", NULL);
  key = g_build_filename (f->dir, "biometrics.key", NULL);
  f->store = ks_store_open (db, &error);
  g_assert_no_error (error);
  f->vault = ks_vault_open (key, &error);
  g_assert_no_error (error);
  f->reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  f->staff = ks_test_staff_get (f->store);
  config = ks_station_config_new (f->store, FALSE, &error);
  g_assert_no_error (error);
  ks_test_configure_station (config, f->staff->supervisor, "PEW", "A01");
  f->search = ks_duplicate_search_new (f->store);
  ks_duplicate_search_set_vault (f->search, f->vault);
}

/* A finished task holds the search until its worker thread has dropped it. */
static void
finalize_search (KsDuplicateSearch *search)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (G_OBJECT (search)->ref_count > 1 && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_finalize_object (search);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  if (f->dir == NULL)
    return;
  if (f->search != NULL)
    finalize_search (f->search);
  g_clear_pointer (&f->staff, ks_test_staff_free);
  ks_reference_unref (f->reference);
  g_assert_finalize_object (f->vault);
  g_assert_finalize_object (f->store);
  g_free (f->dir);
}

static gboolean
skip_without_prints (void)
{
  if (fvc_dir != NULL)
    return FALSE;
  g_test_skip ("real fingerprints not found in ../shared/reference/fingerprints/fvc2000 next to "
               "the repository: the station-wide duplicate search NOT tested on real prints");
  return TRUE;
}

/* One finger captured through the reader from FVC2000 DB1_B impressions of finger @fvc_finger,
 * one per enrolment stage (cycling through @impressions). */
static KsFingerCapture *
capture (FptRig      *rig,
         FpFinger     finger,
         guint        fvc_finger,
         const guint *impressions,
         guint        n_impressions)
{
  guint n_stages = ks_fingerprint_service_get_n_enroll_stages (rig->service);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  KsFingerCapture *c;

  ks_virtual_scanner_clear_queue (rig->scanner);
  for (guint i = 0; i < n_stages; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u_%u.png", fvc_finger,
                                               impressions[i % n_impressions]);
      g_autofree char *path = g_build_filename (fvc_dir, "db1_b", name, NULL);
      g_autoptr(KsGreyImage) image = ks_grey_image_load (path, &error);
      g_autoptr(GBytes) grey = NULL;

      g_assert_no_error (error);
      grey = g_bytes_new (image->pixels, (gsize)image->width * image->height);
      ks_virtual_scanner_queue_image (rig->scanner, grey, image->width, image->height);
    }
  ks_fingers_capture_async (rig->service, finger, NULL, NULL, NULL, fpt_store_result, &result);
  c = ks_fingers_capture_finish (fpt_wait (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_nonnull (c->iso_template);
  g_assert_cmpuint (c->quality_score, >, 0);
  return c;
}

static void
capture_all (void)
{
  static const guint first[] = { 1, 2, 3, 4, 5 };
  static const guint again[] = { 6, 7, 8 };
  g_autoptr(FptRig) rig = fpt_rig_new_virtual_image ();

  captures[FIRST_RIGHT] = capture (rig, FP_FINGER_RIGHT_THUMB, 105, first, 5);
  captures[FIRST_LEFT] = capture (rig, FP_FINGER_LEFT_THUMB, 106, first, 5);
  captures[AGAIN_RIGHT] = capture (rig, FP_FINGER_RIGHT_THUMB, 105, again, 3);
  captures[AGAIN_LEFT] = capture (rig, FP_FINGER_LEFT_THUMB, 106, again, 3);
  captures[OTHER_RIGHT] = capture (rig, FP_FINGER_RIGHT_THUMB, 102, first, 5);
  captures[OTHER_LEFT] = capture (rig, FP_FINGER_LEFT_THUMB, 104, first, 5);
}

static GPtrArray *
fingers_of (guint a,
            guint b)
{
  GPtrArray *fingers = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_finger_capture_free);

  g_ptr_array_add (fingers, ks_finger_capture_copy (captures[a]));
  g_ptr_array_add (fingers, ks_finger_capture_copy (captures[b]));
  return fingers;
}

static KsFingerCheck *
check_draft (Fixture   *f,
             gint64     draft,
             GPtrArray *fingers)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  KsFingerCheck *check;

  ks_duplicate_search_check_draft_async (f->search, draft, fingers, NULL, fpt_store_result,
                                         &result);
  check = ks_duplicate_search_check_draft_finish (f->search, fpt_wait (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  return check;
}

/* Citizen @i as the wizard enrolls them: the draft, its fingers saved as captured, the
 * fingerprint step's duplicate check, submit. */
static char *
enroll (Fixture        *f,
        guint           i,
        GPtrArray      *fingers,
        KsFingerCheck **check_out)
{
  g_autoptr(KsRecord) record = ks_test_wizard_record (i);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFingerCheck) check = NULL;
  KsSubmitOptions options = { NULL };
  gint64 draft;
  char *kp_id;

  draft = ks_drafts_create (f->store, f->staff->operator, record, 0, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < fingers->len; j++)
    {
      g_assert_true (ks_fingers_save_draft (f->store, f->vault, draft, fingers->pdata[j], &error));
      g_assert_no_error (error);
    }
  check = check_draft (f, draft, fingers);
  g_assert_cmpint (check->same_a, ==, 0);
  kp_id = ks_records_submit (f->store, f->staff->operator, draft, record, f->reference, &options,
                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (kp_id);
  if (check_out != NULL)
    *check_out = g_steal_pointer (&check);
  return kp_id;
}

static guint
flags_of (Fixture    *f,
          const char *kp_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = ks_records_get_info (f->store, kp_id, &error);

  g_assert_no_error (error);
  return info->flags;
}

static gboolean
approve (Fixture    *f,
         const char *kp_id,
         gboolean    confirmed,
         GError    **error)
{
  const char *ids[] = { kp_id, NULL };

  return ks_records_decide_batch (f->store, f->staff->supervisor, ids, KS_RECORD_STATE_APPROVED,
                                  NULL, NULL, confirmed, error);
}

static guint
index_now (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  guint n = 0;

  ks_duplicate_search_index_async (f->search, NULL, fpt_store_result, &result);
  g_assert_true (ks_duplicate_search_index_finish (f->search, fpt_wait (&result), &n, &error));
  g_object_unref (result);
  g_assert_no_error (error);
  return n;
}

/* Another citizen's CNIC and name with the first citizen's fingers (other impressions) is
 * flagged as a possible duplicate enrolment of the first's record: stored with the record,
 * audited, shown to the supervisor, who must confirm to approve. Someone else is not flagged. */
static void
test_other_identity_flagged (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(KsFingerCheck) check = NULL;
  g_autoptr(KsFingerCheck) other_check = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *again_id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *line = NULL;
  double threshold = ks_minutiae_threshold_for_fmr (KS_DUPLICATE_FMR);
  const KsDuplicateFinding *finding;
  gboolean audited = FALSE;

  if (skip_without_prints ())
    return;

  first = fingers_of (FIRST_RIGHT, FIRST_LEFT);
  first_id = enroll (f, 101, first, &check);
  g_assert_cmpuint (check->findings->len, ==, 0);
  g_assert_cmpuint (flags_of (f, first_id) & KS_RECORD_FLAG_DUPLICATE_ENROLMENT, ==, 0);
  g_clear_pointer (&check, ks_finger_check_free);

  /* The same person, another CNIC and another name. */
  again = fingers_of (AGAIN_RIGHT, AGAIN_LEFT);
  again_id = enroll (f, 202, again, &check);
  g_assert_cmpuint (check->findings->len, ==, 1);
  finding = check->findings->pdata[0];
  g_assert_cmpstr (finding->other_kp_id, ==, first_id);
  g_assert_cmpuint (flags_of (f, again_id) & KS_RECORD_FLAG_DUPLICATE_ENROLMENT, !=, 0);

  /* What the supervisor sees: the other record and the matching finger pairs, each with its
   * score and estimated false-match rate. */
  findings = ks_duplicate_findings_load (f->store, f->staff->supervisor, again_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (findings->len, ==, 1);
  finding = findings->pdata[0];
  g_assert_cmpstr (finding->other_kp_id, ==, first_id);
  g_assert_cmpint (finding->other_state, ==, KS_RECORD_STATE_SUBMITTED);
  g_assert_cmpstr (finding->other_full_name, !=, NULL);
  g_assert_cmpuint (finding->pairs->len, ==, 2);
  for (guint i = 0; i < finding->pairs->len; i++)
    {
      const KsDuplicatePair *pair = &g_array_index (finding->pairs, KsDuplicatePair, i);

      g_assert_cmpint (pair->finger, ==, pair->other_finger);
      g_assert_cmpfloat (pair->score, >=, threshold);
      g_assert_cmpfloat (pair->fmr, <=, KS_DUPLICATE_FMR);
      g_test_message ("%s ~ %s: finger %d = finger %d, score %.1f, FMR %.1e", again_id,
                      first_id, pair->finger, pair->other_finger, pair->score, pair->fmr);
    }
  line = ks_duplicate_finding_describe (finding);
  g_assert_nonnull (strstr (line, first_id));
  g_assert_nonnull (strstr (line, "2 fingers match"));
  /* The operator who enrolled it may look too; the finding holds no biometric data. */
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = ks_duplicate_findings_load (f->store, f->staff->operator, again_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (findings->len, ==, 1);

  audit = ks_audit_list (f->store, again_id, 50, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      KsAuditEntry *entry = audit->pdata[i];

      if (g_strcmp0 (entry->action, "possible-duplicate-enrolment") == 0)
        {
          audited = TRUE;
          g_assert_nonnull (strstr (entry->detail, first_id));
          g_assert_cmpstr (entry->actor, ==, KS_TEST_OPERATOR);
        }
    }
  g_assert_true (audited);

  /* Someone else: not flagged, and approved without a second step. */
  other = fingers_of (OTHER_RIGHT, OTHER_LEFT);
  other_id = enroll (f, 303, other, &other_check);
  g_assert_cmpuint (other_check->findings->len, ==, 0);
  g_assert_cmpuint (flags_of (f, other_id) & KS_RECORD_FLAG_DUPLICATE_ENROLMENT, ==, 0);
  g_assert_true (approve (f, other_id, FALSE, &error));
  g_assert_no_error (error);

  /* The possible duplicate needs the supervisor's explicit confirmation. */
  g_assert_false (approve (f, again_id, FALSE, &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NEEDS_CONFIRMATION);
  g_assert_nonnull (strstr (error->message, again_id));
  g_clear_error (&error);
  g_assert_true (approve (f, again_id, TRUE, &error));
  g_assert_no_error (error);
}

/* A station opened on a store with records already enrolled builds its index in the background
 * from what the store holds, fingers stored before the station had its own templates included
 * (their template is made from their image, and kept). */
static void
test_index_at_start_up (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(KsFingerCheck) check = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *again_id = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *path = NULL;

  if (skip_without_prints ())
    return;

  /* Enrolled by a station from before: its fingers have images and no ISO template. */
  first = fingers_of (FIRST_RIGHT, FIRST_LEFT);
  for (guint i = 0; i < first->len; i++)
    {
      KsFingerCapture *c = first->pdata[i];

      g_clear_pointer (&c->iso_template, g_bytes_unref);
      c->quality_score = 0;
    }
  {
    g_autofree char *id = ks_test_enroll (f->store, f->staff->operator, f->reference, f->vault,
                                          first, "A01", 101);
    first_id = g_steal_pointer (&id);
  }

  /* The station opens: the search starts its index at once and returns. */
  finalize_search (g_steal_pointer (&f->search));
  f->search = ks_duplicate_search_new (f->store);
  ks_duplicate_search_set_vault (f->search, f->vault);
  ks_duplicate_search_update (f->search);
  g_assert_cmpuint (index_now (f), ==, 2);

  path = g_build_filename (f->dir, "station.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM record_fingers WHERE iso_enc "
                                       "IS NOT NULL AND quality_score > 0", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  again = fingers_of (AGAIN_RIGHT, AGAIN_LEFT);
  again_id = enroll (f, 202, again, &check);
  g_assert_cmpuint (check->findings->len, ==, 1);
  g_assert_cmpstr (((KsDuplicateFinding *)check->findings->pdata[0])->other_kp_id, ==, first_id);
  /* Kept current on submit: the second record is in the index too. */
  g_assert_cmpuint (index_now (f), ==, 4);
}

static int
count_rows (Fixture    *f,
            const char *table)
{
  g_autofree char *path = g_build_filename (f->dir, "station.db", NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* A cancelled index build or check stops, says so, and writes nothing; the next one works. */
static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = ks_test_wizard_record (202);
  g_autoptr(KsFingerCheck) check = NULL;
  g_autofree char *first_id = NULL;
  GAsyncResult *result = NULL;
  gint64 draft;

  if (skip_without_prints ())
    return;

  first = fingers_of (FIRST_RIGHT, FIRST_LEFT);
  first_id = ks_test_enroll (f->store, f->staff->operator, f->reference, f->vault, first, "A01",
                             101);

  g_cancellable_cancel (cancellable);
  ks_duplicate_search_index_async (f->search, cancellable, fpt_store_result, &result);
  g_assert_false (ks_duplicate_search_index_finish (f->search, fpt_wait (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);

  again = fingers_of (AGAIN_RIGHT, AGAIN_LEFT);
  draft = ks_drafts_create (f->store, f->staff->operator, record, 0, &error);
  g_assert_no_error (error);
  ks_duplicate_search_check_draft_async (f->search, draft, again, cancellable, fpt_store_result,
                                         &result);
  check = ks_duplicate_search_check_draft_finish (f->search, fpt_wait (&result), &error);
  g_assert_null (check);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_cmpint (count_rows (f, "draft_duplicates"), ==, 0);

  /* A background build stopped half-way (the station closing) leaves a search that still
   * completes its index when asked again. */
  ks_duplicate_search_update (f->search);
  ks_duplicate_search_stop (f->search);
  finalize_search (g_steal_pointer (&f->search));
  f->search = ks_duplicate_search_new (f->store);
  ks_duplicate_search_set_vault (f->search, f->vault);
  g_assert_cmpuint (index_now (f), ==, 2);
  check = check_draft (f, draft, again);
  g_assert_cmpuint (check->findings->len, ==, 1);
  g_assert_cmpint (count_rows (f, "draft_duplicates"), ==, 2);
}

int
main (int argc, char *argv[])
{
  const char *root = g_getenv ("KS_SOURCE_ROOT");
  int rc;

  g_test_init (&argc, &argv, NULL);

  /* ../shared next to the repository; a git worktree in a sub-folder looks one level up too */
  for (guint up = 1; up <= 2 && fvc_dir == NULL; up++)
    {
      g_autofree char *candidate = g_build_filename (root ? root : ".", up == 2 ? ".." : ".",
                                                     "..", "shared", "reference", "fingerprints",
                                                     "fvc2000", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_DIR))
        fvc_dir = g_steal_pointer (&candidate);
    }
  if (fvc_dir != NULL)
    capture_all ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/dedup/other-identity-flagged", test_other_identity_flagged);
  ADD ("/dedup/index-at-start-up", test_index_at_start_up);
  ADD ("/dedup/cancel", test_cancel);
#undef ADD
  rc = g_test_run ();
  for (guint i = 0; i < N_CAPTURES; i++)
    g_clear_pointer (&captures[i], ks_finger_capture_free);
  g_free (fvc_dir);
  return rc;
}
