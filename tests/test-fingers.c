/* test-fingers.c: captured fingers of drafts and records, sealed at rest, moved at submit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fp-test-util.h"
#include "ks-account-admin.h"
#include "ks-consent.h"
#include "ks-duplicate-search.h"
#include "ks-fingers.h"
#include "ks-minutiae-template.h"
#include "ks-record-fingers.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-test-util.h"
#include "ks-virtual-scanner-testing.h"

/* One real enrolled template (virtual_image + synthetic prints), shared by every test. */
static GBytes *real_template;
static GBytes *real_image;
static guint real_width, real_height;

typedef struct
{
  char *dir;
  char *db_path;
  KsStore *store;
  KsVault *vault;
  KsReference *reference;
  KsSession *session;
  GDate *today;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;

  f->dir = g_dir_make_tmp ("ks-fingers-XXXXXX", NULL);
  f->db_path = g_build_filename (f->dir, "station.db", NULL);
  key = g_build_filename (f->dir, "biometrics.key", NULL);
  f->store = ks_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->vault = ks_vault_open (key, &error);
  g_assert_no_error (error);
  f->reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  sup = ks_accounts_create_first_supervisor (f->store, "sana.sup", "Sana Gul", "supervisor-pw",
                                             &error);
  g_assert_no_error (error);
  f->session = ks_session_new (f->store, sup, FALSE);
  {
    g_autoptr(KsStationConfig) config = ks_station_config_new (f->store, FALSE, &error);

    ks_test_configure_station (config, f->session, "PEW", "A01");
  }
  f->today = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->session);
  ks_reference_unref (f->reference);
  g_assert_finalize_object (f->vault);
  g_assert_finalize_object (f->store);
  g_date_free (f->today);
  g_free (f->db_path);
  g_free (f->dir);
}

static KsRecord *
sample_record (const char *cnic)
{
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;

  ks_record_set (r, KS_FIELD_CNIC, cnic);
  ks_record_set (r, KS_FIELD_GENDER, "male");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1988-03-14");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Gul Rahman");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "گل رحمان");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Sher Ali");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "شیر علی");
  ks_record_set (r, KS_FIELD_MOBILE, "0300-7654321");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "Mohalla Jangi, Peshawar");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  g_ptr_array_add (consents, ks_consent_new ("sehat-card", "sehat-card-1", "ur", TRUE, NULL));
  consents_json = ks_consent_list_to_json (consents);
  ks_record_set (r, KS_FIELD_CONSENTS, consents_json);
  return r;
}

static KsFingerCapture *
captured (FpFinger       finger,
          KsFingerStatus status)
{
  KsFingerCapture *c = ks_finger_capture_new (finger);

  c->status = status;
  c->quality.n_minutiae = status == KS_FINGER_FORCED ? 12 : 64;
  c->quality.contact = status == KS_FINGER_FORCED ? 0.25 : 0.71;
  c->quality.grade = status == KS_FINGER_FORCED ? KS_FP_GRADE_POOR : KS_FP_GRADE_GOOD;
  c->tries = status == KS_FINGER_FORCED ? 3 : 1;
  c->template_blob = g_bytes_ref (real_template);
  c->image = g_bytes_ref (real_image);
  c->width = real_width;
  c->height = real_height;
  return c;
}

static KsFingerCapture *
missing (FpFinger    finger,
         const char *reason)
{
  KsFingerCapture *c = ks_finger_capture_new (finger);

  c->status = KS_FINGER_MISSING;
  c->reason = g_strdup (reason);
  return c;
}

static void
save (Fixture         *f,
      gint64           draft,
      KsFingerCapture *capture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFingerCapture) owned = capture;

  g_assert_true (ks_fingers_save_draft (f->store, f->vault, draft, owned, &error));
  g_assert_no_error (error);
}

static gint64
new_draft (Fixture    *f,
           const char *cnic,
           gint64      record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = sample_record (cnic);
  gint64 id = ks_drafts_create (f->store, f->session, record, record_id, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static char *
submit (Fixture    *f,
        gint64      draft,
        const char *cnic,
        GError    **error)
{
  g_autoptr(KsRecord) record = sample_record (cnic);
  KsSubmitOptions options = { f->today };

  return ks_records_submit (f->store, f->session, draft, record, f->reference, &options, error);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
record_flags (Fixture    *f,
              const char *kp_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT flags FROM records WHERE kp_id = '%s'", kp_id);
  return query_int (f, sql);
}

static void
test_save_load (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  gint64 draft = new_draft (f, "17301-1234567-1", 0);
  KsFingerCapture *c;

  save (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_FORCED));
  save (f, draft, missing (FP_FINGER_LEFT_INDEX, "amputated"));
  /* Captured again: the new capture replaces the old one, it does not add a second. */
  save (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));

  fingers = ks_fingers_load_draft (f->store, f->vault, draft, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fingers->len, ==, 2);
  c = fingers->pdata[0];
  g_assert_cmpint (c->finger, ==, FP_FINGER_LEFT_INDEX);
  g_assert_cmpint (c->status, ==, KS_FINGER_MISSING);
  g_assert_cmpstr (c->reason, ==, "amputated");
  g_assert_null (c->template_blob);
  c = fingers->pdata[1];
  g_assert_cmpint (c->finger, ==, FP_FINGER_RIGHT_THUMB);
  g_assert_cmpint (c->status, ==, KS_FINGER_CAPTURED);
  g_assert_cmpint (c->quality.grade, ==, KS_FP_GRADE_GOOD);
  g_assert_cmpuint (c->quality.n_minutiae, ==, 64);
  g_assert_cmpfloat_with_epsilon (c->quality.contact, 0.71, 1e-9);
  g_assert_true (g_bytes_equal (c->template_blob, real_template));
  g_assert_true (g_bytes_equal (c->image, real_image));
  g_assert_cmpuint (c->width, ==, real_width);
  g_assert_cmpuint (c->height, ==, real_height);

  /* What was loaded is a template libfprint takes back. */
  {
    g_autoptr(FpPrint) print = fp_print_deserialize (g_bytes_get_data (c->template_blob, NULL),
                                                     g_bytes_get_size (c->template_blob), &error);
    g_assert_no_error (error);
    g_assert_nonnull (print);
  }

  g_assert_true (ks_fingers_remove_draft_finger (f->store, draft, FP_FINGER_LEFT_INDEX, &error));
  g_clear_pointer (&fingers, g_ptr_array_unref);
  fingers = ks_fingers_load_draft (f->store, f->vault, draft, &error);
  g_assert_cmpuint (fingers->len, ==, 1);

  /* Discarding the draft discards its fingers. */
  g_assert_true (ks_drafts_discard (f->store, f->session, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM draft_fingers"), ==, 0);
}

static void
test_other_key_refused (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *other_key = g_build_filename (f->dir, "other.key", NULL);
  g_autoptr(KsVault) other = ks_vault_open (other_key, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  gint64 draft = new_draft (f, "17301-1234567-1", 0);

  save (f, draft, captured (FP_FINGER_LEFT_THUMB, KS_FINGER_CAPTURED));
  /* Another station's key (a database copied elsewhere) opens nothing, and says which finger. */
  fingers = ks_fingers_load_draft (f->store, other, draft, &error);
  g_assert_null (fingers);
  g_assert_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "Left thumb"));
  g_unlink (other_key);
}

static void
test_submit_moves_and_flags (Fixture      *f,
                             gconstpointer data)
{
  const struct
  {
    const char *cnic;
    KsFingerStatus thumb;
    const char *missing_reason; /* left index missing, or captured when NULL */
    gboolean duplicate;
    guint flags;
  } cases[] = {
    { "17301-1111111-1", KS_FINGER_CAPTURED, NULL, FALSE, 0 },
    { "17301-2222222-3", KS_FINGER_FORCED, NULL, FALSE, KS_RECORD_FLAG_FORCED_FINGER },
    { "17301-3333333-3", KS_FINGER_CAPTURED, "injured", FALSE, KS_RECORD_FLAG_MISSING_FINGER },
    { "17301-4444444-5", KS_FINGER_FORCED, "amputated", TRUE,
      KS_RECORD_FLAG_FORCED_FINGER | KS_RECORD_FLAG_MISSING_FINGER
      | KS_RECORD_FLAG_DUPLICATE_WARNING },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) fingers = NULL;
      g_autoptr(KsRecordInfo) info = NULL;
      g_autofree char *kp_id = NULL;
      gint64 draft = new_draft (f, cases[i].cnic, 0);

      save (f, draft, captured (FP_FINGER_RIGHT_THUMB, cases[i].thumb));
      if (cases[i].missing_reason)
        save (f, draft, missing (FP_FINGER_LEFT_INDEX, cases[i].missing_reason));
      else
        save (f, draft, captured (FP_FINGER_LEFT_INDEX, KS_FINGER_CAPTURED));
      if (cases[i].duplicate)
        {
          FpFinger dup = FP_FINGER_RIGHT_THUMB;
          g_assert_true (ks_fingers_set_duplicates (f->store, draft, &dup, 1, &error));
        }

      kp_id = submit (f, draft, cases[i].cnic, &error);
      g_assert_no_error (error);
      g_assert_cmpint (record_flags (f, kp_id), ==, cases[i].flags);

      /* The fingers now belong to the record, still sealed and still readable. */
      info = ks_records_get_info (f->store, kp_id, &error);
      fingers = ks_fingers_load_record (f->store, f->vault, info->id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (fingers->len, ==, 2);
      g_assert_true (g_bytes_equal (((KsFingerCapture *)fingers->pdata[1])->template_blob,
                                    real_template));
      g_assert_cmpint (((KsFingerCapture *)fingers->pdata[1])->status, ==, cases[i].thumb);

      /* What sync sends (sealed by the engine): every finger, with the real template. */
      {
        g_autoptr(GBytes) blob = ks_fingers_export_for_registry (f->store, f->vault, kp_id,
                                                                 &error);
        g_autofree char *b64 = g_base64_encode (g_bytes_get_data (real_template, NULL),
                                                g_bytes_get_size (real_template));
        g_autofree char *json = NULL;

        g_assert_no_error (error);
        g_assert_nonnull (blob);
        json = g_strndup (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
        g_assert_nonnull (strstr (json, "\"fingers\""));
        if (cases[i].thumb != KS_FINGER_MISSING)
          g_assert_nonnull (strstr (json, b64));
      }
    }
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM draft_fingers"), ==, 0);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* What the supervisor's record detail shows: every finger with its state, reason and kept
 * impression; an operator who did not enrol the citizen is refused. */
static void
test_review_access (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  g_autoptr(KsAccount) other = NULL;
  g_autoptr(KsSession) other_session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *kp_id = NULL;
  gint64 draft = new_draft (f, "17301-5555555-5", 0);
  const KsFingerCapture *thumb;
  const KsFingerCapture *index;

  save (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_FORCED));
  save (f, draft, missing (FP_FINGER_LEFT_INDEX, "bandaged"));
  kp_id = submit (f, draft, "17301-5555555-5", &error);
  g_assert_no_error (error);

  fingers = ks_fingers_load_for_review (f->store, f->vault, f->session, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fingers->len, ==, 2);
  index = fingers->pdata[0];
  thumb = fingers->pdata[1];
  g_assert_cmpint (thumb->finger, ==, FP_FINGER_RIGHT_THUMB);
  g_assert_cmpint (thumb->status, ==, KS_FINGER_FORCED);
  g_assert_cmpuint (thumb->tries, ==, 3);
  g_assert_true (g_bytes_equal (thumb->image, real_image));
  g_assert_cmpint (index->status, ==, KS_FINGER_MISSING);
  g_assert_cmpstr (index->reason, ==, "bandaged");
  g_assert_null (index->image);

  /* The same from a worker thread, as the Review page asks. */
  ks_fingers_load_for_review_async (f->store, f->vault, f->session, kp_id, NULL, got_result,
                                    &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&fingers, g_ptr_array_unref);
  fingers = ks_fingers_load_for_review_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fingers->len, ==, 2);

  /* Another operator may not open this citizen's fingers. */
  other = ks_accounts_add (f->store, f->session, "imran.op", "Imran Ali", KS_ROLE_OPERATOR,
                           "operator-pw", &error);
  g_assert_no_error (error);
  other_session = ks_session_new (f->store, other, FALSE);
  g_clear_pointer (&fingers, g_ptr_array_unref);
  fingers = ks_fingers_load_for_review (f->store, f->vault, other_session, kp_id, &error);
  g_assert_null (fingers);
  g_assert_nonnull (error);
}

static void
test_failed_submit_keeps_fingers (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gint64 a = new_draft (f, "17301-1234567-1", 0);
  gint64 b = new_draft (f, "17301-1234567-1", 0);

  save (f, a, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
  save (f, b, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
  first = submit (f, a, "17301-1234567-1", &error);
  g_assert_no_error (error);

  /* Same CNIC again: refused, and the whole transaction with it; the draft keeps its finger. */
  second = submit (f, b, "17301-1234567-1", &error);
  g_assert_null (second);
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC);
  fingers = ks_fingers_load_draft (f->store, f->vault, b, NULL);
  g_assert_cmpuint (fingers->len, ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM record_fingers"), ==, 1);
}

static void
test_edit_replaces_or_keeps (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autofree char *kp_id = NULL;
  gint64 draft = new_draft (f, "17301-1234567-1", 0);

  save (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_FORCED));
  save (f, draft, missing (FP_FINGER_LEFT_THUMB, "bandaged"));
  kp_id = submit (f, draft, "17301-1234567-1", &error);
  g_assert_no_error (error);
  info = ks_records_get_info (f->store, kp_id, &error);
  g_assert_cmpint (record_flags (f, kp_id), ==,
                   KS_RECORD_FLAG_FORCED_FINGER | KS_RECORD_FLAG_MISSING_FINGER);

  /* An edit starts with a copy of the fingers on record, still sealed and readable. */
  {
    g_autoptr(GPtrArray) copied = NULL;
    gint64 edit = new_draft (f, "17301-1234567-1", info->id);

    g_assert_true (ks_fingers_copy_record_to_draft (f->store, info->id, edit, &error));
    g_assert_no_error (error);
    /* A second copy adds nothing: the draft has its fingers already. */
    g_assert_true (ks_fingers_copy_record_to_draft (f->store, info->id, edit, &error));
    copied = ks_fingers_load_draft (f->store, f->vault, edit, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (copied->len, ==, 2);
    g_assert_cmpint (((KsFingerCapture *)copied->pdata[0])->status, ==, KS_FINGER_MISSING);
    g_assert_cmpstr (((KsFingerCapture *)copied->pdata[0])->reason, ==, "bandaged");
    g_assert_true (g_bytes_equal (((KsFingerCapture *)copied->pdata[1])->template_blob,
                                  real_template));
    g_assert_true (ks_drafts_discard (f->store, f->session, edit, &error));
  }

  /* An edit of the address only: the fingers on record stay, and so do the flags. */
  {
    g_autofree char *again = NULL;
    gint64 edit = new_draft (f, "17301-1234567-1", info->id);

    again = submit (f, edit, "17301-1234567-1", &error);
    g_assert_no_error (error);
    g_assert_cmpint (query_int (f, "SELECT count(*) FROM record_fingers"), ==, 2);
    g_assert_cmpint (record_flags (f, kp_id), ==,
                     KS_RECORD_FLAG_FORCED_FINGER | KS_RECORD_FLAG_MISSING_FINGER);
  }

  /* The bandage came off: the fingers captured in the edit replace the old ones. */
  {
    g_autofree char *again = NULL;
    g_autoptr(GPtrArray) fingers = NULL;
    gint64 edit = new_draft (f, "17301-1234567-1", info->id);

    save (f, edit, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
    save (f, edit, captured (FP_FINGER_LEFT_THUMB, KS_FINGER_CAPTURED));
    again = submit (f, edit, "17301-1234567-1", &error);
    g_assert_no_error (error);
    fingers = ks_fingers_load_record (f->store, f->vault, info->id, &error);
    g_assert_cmpuint (fingers->len, ==, 2);
    g_assert_cmpint (((KsFingerCapture *)fingers->pdata[0])->status, ==, KS_FINGER_CAPTURED);
    g_assert_cmpint (record_flags (f, kp_id), ==, 0);
  }
}

static gboolean
contains (const guint8 *hay,
          gsize         hay_len,
          const guint8 *needle,
          gsize         needle_len)
{
  if (needle_len == 0 || needle_len > hay_len)
    return needle_len == 0;
  for (const guint8 *p = hay; (p = memchr (p, needle[0], hay + hay_len - needle_len + 1 - p)); p++)
    if (memcmp (p, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Neither the template nor the image, nor any 32-byte stretch of them, is in @path. */
static void
assert_no_plaintext (const char *path)
{
  g_autofree char *file = NULL;
  gsize file_len = 0, t_len, img_len;
  const guint8 *t = g_bytes_get_data (real_template, &t_len);
  const guint8 *img = g_bytes_get_data (real_image, &img_len);

  if (!g_file_get_contents (path, &file, &file_len, NULL))
    return;
  g_test_message ("%s: %zu bytes scanned", path, file_len);
  /* A copy in the clear holds every window: sampling them still finds it. */
  for (gsize off = 0; off + 32 <= t_len; off += 8)
    g_assert_false (contains ((guint8 *)file, file_len, t + off, 32));
  for (gsize off = 0; off + 32 <= img_len; off += 64)
    g_assert_false (contains ((guint8 *)file, file_len, img + off, 32));
}

static void
test_encrypted_at_rest (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  gint64 submitted = new_draft (f, "17301-1234567-1", 0);
  gint64 open_draft = new_draft (f, "17301-7654321-1", 0);

  /* A submitted record's fingers and an open draft's, both in the files at once. */
  save (f, submitted, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
  save (f, submitted, captured (FP_FINGER_LEFT_THUMB, KS_FINGER_FORCED));
  kp_id = submit (f, submitted, "17301-1234567-1", &error);
  g_assert_no_error (error);
  save (f, open_draft, captured (FP_FINGER_RIGHT_INDEX, KS_FINGER_CAPTURED));
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM record_fingers "
                              "WHERE length (template_enc) > 1000"), ==, 2);

  /* Before a checkpoint the rows are in the WAL; after it, in the database file. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  assert_no_plaintext (wal);
  assert_no_plaintext (f->db_path);
  g_assert_true (ks_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", &error));
  assert_no_plaintext (f->db_path);

  /* Control: the same scan finds the template when it is stored in the clear. */
  {
    g_autofree char *file = NULL;
    g_autofree char *plain_path = g_build_filename (f->dir, "plain.bin", NULL);
    gsize len;

    g_assert_true (g_file_set_contents (plain_path, g_bytes_get_data (real_template, NULL),
                                        g_bytes_get_size (real_template), NULL));
    g_assert_true (g_file_get_contents (plain_path, &file, &len, NULL));
    g_assert_true (contains ((guint8 *)file, len,
                             (const guint8 *)g_bytes_get_data (real_template, NULL) + 100, 32));
    g_unlink (plain_path);
  }
}

static void
test_required_sets (void)
{
  guint n = 0;
  const FpFinger *four = ks_fingers_get_required (KS_CAPTURE_SET_THUMBS_AND_INDEX, &n);

  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (four[0], ==, FP_FINGER_RIGHT_THUMB);
  g_assert_cmpint (four[3], ==, FP_FINGER_LEFT_INDEX);
  ks_fingers_get_required (KS_CAPTURE_SET_ALL_TEN, &n);
  g_assert_cmpuint (n, ==, 10);
  g_assert_cmpstr (ks_finger_get_label (FP_FINGER_LEFT_LITTLE), ==, "Left little finger");
}

static void
enroll_real_template (void)
{
  g_autoptr(FptRig) rig = fpt_rig_new_virtual_image ();
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (777, 1);
  g_autoptr(FpPrint) print = NULL;
  g_autoptr(GError) error = NULL;
  guchar *data = NULL;
  gsize len = 0;

  print = fpt_enroll (rig, finger, 0, &error);
  g_assert_no_error (error);
  g_assert_true (fp_print_serialize (print, &data, &len, &error));
  real_template = g_bytes_new_take (data, len);
  real_image = ks_fpsynth_finger_render (finger, 0, KS_FPSYNTH_NORMAL, &real_width, &real_height);
}

static void
save_async (Fixture         *f,
            gint64           draft,
            KsFingerCapture *capture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsFingerCapture) owned = capture;
  GAsyncResult *result = NULL;

  ks_fingers_save_draft_async (f->store, f->vault, draft, owned, NULL, fpt_store_result, &result);
  g_assert_true (ks_fingers_save_draft_finish (fpt_wait (&result), &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

/* A finished check's GTask holds the search until its worker thread has dropped it. */
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

static KsFingerCheck *
check_draft (KsDuplicateSearch *search,
             gint64             draft,
             GPtrArray         *captures)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;
  KsFingerCheck *check;

  ks_duplicate_search_check_draft_async (search, draft, captures, NULL, fpt_store_result,
                                         &result);
  check = ks_duplicate_search_check_draft_finish (search, fpt_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  g_object_unref (result);
  return check;
}

static void
test_duplicate_search (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDuplicateSearch) search = ks_duplicate_search_new (f->store);
  g_autoptr(KsRecordInfo) info = NULL;
  g_autofree char *kp_id = NULL;
  gint64 draft = new_draft (f, "17301-1234567-1", 0);

  ks_duplicate_search_set_vault (search, f->vault);

  /* One finger placed for both thumbs: both are dropped from the draft for recapture. */
  save_async (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
  save_async (f, draft, captured (FP_FINGER_LEFT_THUMB, KS_FINGER_CAPTURED));
  save_async (f, draft, missing (FP_FINGER_RIGHT_INDEX, "bandaged"));
  {
    g_autoptr(GPtrArray) fingers = ks_fingers_open_draft (f->store, f->vault, draft, &error);
    g_autoptr(KsFingerCheck) check = NULL;
    g_autoptr(GPtrArray) left = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (fingers->len, ==, 3);
    check = check_draft (search, draft, fingers);
    g_assert_cmpint (MIN (check->same_a, check->same_b), ==, FP_FINGER_LEFT_THUMB);
    g_assert_cmpint (MAX (check->same_a, check->same_b), ==, FP_FINGER_RIGHT_THUMB);
    g_assert_cmpuint (check->on_record->len, ==, 0);
    left = ks_fingers_load_draft (f->store, f->vault, draft, &error);
    g_assert_cmpuint (left->len, ==, 1);
    g_assert_cmpint (((KsFingerCapture *)left->pdata[0])->finger, ==, FP_FINGER_RIGHT_INDEX);
  }

  /* Enrolled with the right thumb; the edit starts with it, and a new left index finger that
   * equals it is flagged (the right thumb matching itself only confirms the citizen). */
  save_async (f, draft, captured (FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED));
  kp_id = submit (f, draft, "17301-1234567-1", &error);
  g_assert_no_error (error);
  info = ks_records_get_info (f->store, kp_id, &error);
  g_assert_no_error (error);
  {
    gint64 edit = new_draft (f, "17301-1234567-1", info->id);
    g_autoptr(GPtrArray) fingers = ks_fingers_open_draft (f->store, f->vault, edit, &error);
    g_autoptr(GPtrArray) captures = g_ptr_array_new_with_free_func (
      (GDestroyNotify)ks_finger_capture_free);
    g_autoptr(GPtrArray) stored = NULL;
    g_autoptr(KsFingerCheck) check = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (fingers->len, ==, 2);
    save_async (f, edit, captured (FP_FINGER_LEFT_INDEX, KS_FINGER_CAPTURED));
    g_ptr_array_add (captures, captured (FP_FINGER_LEFT_INDEX, KS_FINGER_CAPTURED));
    check = check_draft (search, edit, captures);
    g_assert_cmpint (check->same_a, ==, 0);
    g_assert_cmpuint (check->on_record->len, ==, 1);
    g_assert_cmpint (check->record_new, ==, FP_FINGER_LEFT_INDEX);
    g_assert_cmpint (check->record_old, ==, FP_FINGER_RIGHT_THUMB);
    stored = ks_fingers_load_draft (f->store, f->vault, edit, &error);
    for (guint i = 0; i < stored->len; i++)
      {
        KsFingerCapture *c = stored->pdata[i];
        g_assert_cmpint (c->duplicate, ==, c->finger == FP_FINGER_LEFT_INDEX);
      }
  }
  finalize_search (g_steal_pointer (&search));
}

/* A capture through the reader as the wizard takes it: the station's ISO template and quality
 * score come with it (extracted in a worker), grade the try, are sealed with it, come back
 * loaded, and go with the draft to the record. A finger stored before the station had its own
 * templates gets one from its stored image. */
static void
test_capture_template (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(FptRig) rig = fpt_rig_new_virtual_image ();
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (778, 2);
  g_autoptr(KsFingerCapture) capture = NULL;
  g_autoptr(GPtrArray) fingers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autofree char *kp_id = NULL;
  GAsyncResult *result = NULL;
  gint64 draft = new_draft (f, "17301-1234567-1", 0);
  KsFingerCapture *c;

  for (guint i = 0; i < ks_fingerprint_service_get_n_enroll_stages (rig->service); i++)
    ks_virtual_scanner_queue_synthetic (rig->scanner, finger, i, KS_FPSYNTH_NORMAL);
  ks_fingers_capture_async (rig->service, FP_FINGER_RIGHT_THUMB, NULL, NULL, NULL,
                            fpt_store_result, &result);
  capture = ks_fingers_capture_finish (fpt_wait (&result), &error);
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_nonnull (capture->iso_template);
  g_assert_cmpuint (capture->quality_score, >, 0);
  g_assert_cmpuint (capture->quality_score, <=, 100);
  g_assert_cmpint (capture->quality.grade, ==,
                   ks_fp_quality_grade_score (capture->quality_score, capture->quality.contact));
  /* A clear synthetic print placed flat: good by its score. */
  g_assert_cmpint (capture->quality.grade, ==, KS_FP_GRADE_GOOD);
  {
    g_autofree KsMinutiaeTemplate *tmpl = ks_minutiae_template_from_iso (
      g_bytes_get_data (capture->iso_template, NULL), g_bytes_get_size (capture->iso_template),
      &error);

    g_assert_no_error (error);
    g_assert_cmpuint (tmpl->quality, ==, capture->quality_score);
    g_assert_cmpuint (tmpl->width, ==, capture->width);
  }

  save (f, draft, ks_finger_capture_copy (capture));
  fingers = ks_fingers_load_draft (f->store, f->vault, draft, &error);
  g_assert_no_error (error);
  c = fingers->pdata[0];
  g_assert_true (g_bytes_equal (c->iso_template, capture->iso_template));
  g_assert_cmpuint (c->quality_score, ==, capture->quality_score);
  g_clear_pointer (&fingers, g_ptr_array_unref);

  /* A finger stored before: no template, only its image. */
  {
    g_autoptr(KsFingerCapture) old = captured (FP_FINGER_LEFT_THUMB, KS_FINGER_CAPTURED);

    g_assert_null (old->iso_template);
    save (f, draft, g_steal_pointer (&old));
  }
  kp_id = submit (f, draft, "17301-1234567-1", &error);
  g_assert_no_error (error);
  info = ks_records_get_info (f->store, kp_id, &error);
  fingers = ks_fingers_load_record (f->store, f->vault, info->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fingers->len, ==, 2);
  /* In finger order: the left thumb (1) stored without, the right thumb (6) with. */
  c = fingers->pdata[1];
  g_assert_cmpint (c->finger, ==, FP_FINGER_RIGHT_THUMB);
  g_assert_true (g_bytes_equal (c->iso_template, capture->iso_template));
  g_assert_cmpuint (c->quality_score, ==, capture->quality_score);
  c = fingers->pdata[0];
  g_assert_null (c->iso_template);
  g_clear_pointer (&fingers, g_ptr_array_unref);

  /* Sealed at rest like the other blobs: the template's bytes are nowhere in the file. */
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM record_fingers WHERE iso_enc IS NOT NULL "
                              "AND instr (iso_enc, X'464D5200') > 0"), ==, 0);

  fingers = ks_fingers_load_record_templates (f->store, f->vault, info->id, &error);
  g_assert_no_error (error);
  c = fingers->pdata[0];
  g_assert_null (c->template_blob);
  g_assert_nonnull (c->image);
  g_assert_true (ks_finger_capture_extract (c));
  g_assert_true (ks_fingers_store_template (f->store, f->vault, info->id, c, &error));
  g_assert_no_error (error);
  g_clear_pointer (&fingers, g_ptr_array_unref);
  fingers = ks_fingers_load_record_templates (f->store, f->vault, info->id, &error);
  for (guint i = 0; i < fingers->len; i++)
    {
      c = fingers->pdata[i];
      g_assert_nonnull (c->iso_template);
      g_assert_cmpuint (c->quality_score, >, 0);
      /* With its own template, a finger's image is not opened for matching. */
      g_assert_null (c->image);
    }

  /* What sync sends the registry (sealed to its key by the engine): the ISO template beside
   * libfprint's, with its quality score. */
  {
    g_autoptr(GBytes) blob = ks_fingers_export_for_registry (f->store, f->vault, kp_id, &error);
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *list;

    g_assert_no_error (error);
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (blob, NULL),
                                               g_bytes_get_size (blob), &error));
    list = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "fingers");
    g_assert_cmpuint (json_array_get_length (list), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        JsonObject *o = json_array_get_object_element (list, i);
        gsize len = 0;
        g_autofree guchar *iso = g_base64_decode (json_object_get_string_member (o,
                                                                                 "iso_template"),
                                                  &len);
        g_autofree KsMinutiaeTemplate *tmpl = ks_minutiae_template_from_iso (iso, len, &error);

        g_assert_no_error (error);
        g_assert_cmpint (json_object_get_int_member (o, "quality_score"), ==, tmpl->quality);
        if (json_object_get_int_member (o, "finger") == FP_FINGER_RIGHT_THUMB)
          g_assert_cmpmem (iso, len, g_bytes_get_data (capture->iso_template, NULL),
                           g_bytes_get_size (capture->iso_template));
      }
  }
}

int
main (int argc, char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  enroll_real_template ();

  g_test_add_func ("/fingers/required-sets", test_required_sets);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/fingers/save-load", test_save_load);
  ADD ("/fingers/other-key-refused", test_other_key_refused);
  ADD ("/fingers/review-access", test_review_access);
  ADD ("/fingers/submit-moves-and-flags", test_submit_moves_and_flags);
  ADD ("/fingers/failed-submit-keeps-fingers", test_failed_submit_keeps_fingers);
  ADD ("/fingers/edit-replaces-or-keeps", test_edit_replaces_or_keeps);
  ADD ("/fingers/encrypted-at-rest", test_encrypted_at_rest);
  ADD ("/fingers/duplicate-search", test_duplicate_search);
  ADD ("/fingers/capture-template", test_capture_template);
#undef ADD
  rc = g_test_run ();
  g_bytes_unref (real_template);
  g_bytes_unref (real_image);
  return rc;
}
