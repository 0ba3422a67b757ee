/* test-ui-fingerprint.c: the fingerprint step over the training profile's simulated reader
 *
 * The station's own virtual scanner feeds synthetic prints to libfprint's virtual_image driver,
 * so every capture runs the real enrolment stages, quality grading and storage. Screenshots go to
 * the build's screenshots/ folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-fingerprint-step.h"
#include "ks-fingers.h"
#include "ks-records.h"
#include "ks-review-page-private.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"
#include "ks-verify-page.h"
#include "ks-virtual-scanner-testing.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

#define PERSON 3

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
  KsVirtualScanner *scanner;
  GtkWindow *window;
  KsFingerprintStep *step;
  gint64 draft;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  const char *profile = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = ks_record_new ();
  GtkWidget *clamp;

  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open (profile, f->dir, &error);
  g_assert_no_error (error);
  f->session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                  "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (f->station), f->session, "PEW", "A01");
  ks_record_set (record, KS_FIELD_CNIC, "17301-1234567-1");
  f->draft = ks_drafts_create (ks_station_get_store (f->station), f->session, record, 0, &error);
  g_assert_no_error (error);

  f->step = g_object_new (KS_TYPE_FINGERPRINT_STEP, NULL);
  ks_fingerprint_step_set_station (f->step, f->station,
                                   ks_station_get_fingerprint_service (f->station));
  ks_fingerprint_step_set_draft (f->step, f->draft);
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_opening (f->step), 10000);
  f->scanner = ks_station_get_virtual_scanner (f->station);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 640);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 960);
  gtk_widget_set_margin_top (clamp, 18);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (f->step));
  gtk_window_set_child (f->window, clamp);
  gtk_window_present (f->window);
  ks_test_iterate (200);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (f->window);
  ks_test_iterate (100);
  g_clear_object (&f->session);
  g_clear_object (&f->station);
  g_free (f->dir);
}

static void
shot (Fixture    *f,
      const char *name)
{
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), name));
}

/* The first mapped label under @root whose text contains @text, or NULL. */
static GtkLabel *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_label (GTK_LABEL (root)), text))
    return GTK_LABEL (root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkLabel *found = find_label (c, text);
      if (found)
        return found;
    }
  return NULL;
}

/* The mapped button whose label (mnemonic stripped) is @label. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *content = GTK_IS_BUTTON (root) ? gtk_button_get_child (GTK_BUTTON (root)) : NULL;
  const char *text = NULL;

  if (GTK_IS_BUTTON (root))
    text =
      ADW_IS_BUTTON_CONTENT (content) ? adw_button_content_get_label (ADW_BUTTON_CONTENT (content))
                                           : gtk_button_get_label (GTK_BUTTON (root));
  if (text != NULL && gtk_widget_get_mapped (root))
    {
      g_autofree char *plain = g_strdup (text);
      char *w = plain;

      for (const char *r = plain; *r; r++)
        if (*r != '_')
          *w++ = *r;
      *w = '\0';
      if (g_str_equal (plain, label))
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);
      if (found)
        return found;
    }
  return NULL;
}

static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  ks_test_iterate (50);
}

static void
queue_person (Fixture         *f,
              guint            person,
              FpFinger         finger,
              guint            first_impression,
              guint            count,
              KsFpSynthVariant variant)
{
  g_autoptr(KsFpSynthFinger) synth = ks_fpsynth_finger_new (person, finger);

  for (guint i = 0; i < count; i++)
    ks_virtual_scanner_queue_synthetic (f->scanner, synth, first_impression + i, variant);
}

static void
queue (Fixture         *f,
       FpFinger         finger,
       guint            first_impression,
       guint            count,
       KsFpSynthVariant variant)
{
  queue_person (f, PERSON, finger, first_impression, count, variant);
}

static gboolean
finger_done (Fixture *f,
             FpFinger finger)
{
  return ks_fingerprint_step_get_finger (f->step, finger, NULL, NULL, NULL);
}

static void
assert_finger (Fixture       *f,
               FpFinger       finger,
               KsFingerStatus status,
               guint          tries)
{
  KsFingerStatus s;
  KsFpGrade grade;
  guint t;

  g_assert_true (ks_fingerprint_step_get_finger (f->step, finger, &s, &grade, &t));
  g_assert_cmpint (s, ==, status);
  g_assert_cmpuint (t, ==, tries);
  if (status == KS_FINGER_CAPTURED)
    g_assert_cmpint (grade, !=, KS_FP_GRADE_POOR);
  if (status == KS_FINGER_FORCED)
    g_assert_cmpint (grade, ==, KS_FP_GRADE_POOR);
}

static guint
n_stored (Fixture *f)
{
  g_autoptr(GPtrArray) rows = ks_fingers_load_draft (ks_station_get_store (f->station),
                                                     ks_station_get_biometrics_vault (f->station,
                                                                                      NULL),
                                                     f->draft, NULL);
  return rows ? rows->len : 0;
}

static const char *
button_name (Fixture *f,
             FpFinger finger)
{
  return gtk_widget_get_tooltip_text (ks_fingerprint_step_get_finger_button (f->step, finger));
}

static void
test_capture_four (Fixture      *f,
                   gconstpointer data)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  g_assert_true (ks_fingerprint_service_has_reader (ks_station_get_fingerprint_service (f->station)));
  g_assert_nonnull (f->scanner);

  /* The four default fingers are required, each a button named with its state; the others
   * are not asked for. */
  g_assert_cmpstr (button_name (f, FP_FINGER_RIGHT_THUMB), ==, "Right thumb, not captured yet");
  g_assert_cmpstr (button_name (f, FP_FINGER_LEFT_INDEX), ==,
                   "Left index finger, not captured yet");
  g_assert_cmpstr (button_name (f, FP_FINGER_LEFT_LITTLE), ==, "Left little finger, not required");
  g_assert_false (gtk_widget_is_sensitive (ks_fingerprint_step_get_finger_button (f->step,
                                                                                  FP_FINGER_LEFT_LITTLE)));
  g_assert_false (ks_fingerprint_step_check_complete (f->step, &error));
  g_assert_nonnull (strstr (error->message, "right thumb"));
  g_clear_error (&error);
  shot (f, "fingerprint-step");

  /* Right thumb: two stages now, the screen shows the prompt, the stage and the last image
   * with its grade; then the other three stages. */
  queue (f, FP_FINGER_RIGHT_THUMB, 0, 2, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_THUMB));
  g_assert_true (ks_fingerprint_step_is_capturing (f->step));
  KS_TEST_WAIT_UNTIL (find_label (root, "Stage 2 of 5") && find_label (root, "Place your finger"),
                      30000);
  KS_TEST_WAIT_UNTIL (find_label (root, "minutiae"), 5000);
  g_assert_nonnull (find_label (root, "Good"));
  g_assert_cmpstr (button_name (f, FP_FINGER_RIGHT_THUMB), ==, "Right thumb, capturing now");
  shot (f, "fingerprint-capture");
  /* The reader waits already: the third impression goes down now, the rest at their prompts. */
  {
    g_autoptr(GError) press_error = NULL;
    guint w, h;
    g_autoptr(GBytes) grey = ks_fpsynth_generate (PERSON, FP_FINGER_RIGHT_THUMB, 2,
                                                  KS_FPSYNTH_NORMAL, &w, &h);

    queue (f, FP_FINGER_RIGHT_THUMB, 3, 2, KS_FPSYNTH_NORMAL);
    g_assert_true (ks_virtual_scanner_press (f->scanner, grey, w, h, &press_error));
    g_assert_no_error (press_error);
  }
  KS_TEST_WAIT_UNTIL (finger_done (f, FP_FINGER_RIGHT_THUMB), 30000);
  assert_finger (f, FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED, 1);
  g_assert_cmpstr (button_name (f, FP_FINGER_RIGHT_THUMB), ==, "Right thumb, captured (good)");
  /* The panel describes the finger the hands now highlight, not the one just done: its
   * heading, its state and its buttons act on the left thumb. */
  g_assert_nonnull (find_label (root, "Left thumb"));
  g_assert_null (find_label (root, "Right thumb"));
  g_assert_nonnull (find_label (root, "Not captured yet"));

  /* Left thumb (focused next): a partial placement is poor and captured again by itself. */
  g_assert_true (gtk_widget_has_focus (ks_fingerprint_step_get_finger_button (f->step,
                                                                              FP_FINGER_LEFT_THUMB)));
  queue (f, FP_FINGER_LEFT_THUMB, 0, 5, KS_FPSYNTH_PARTIAL);
  queue (f, FP_FINGER_LEFT_THUMB, 5, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_LEFT_THUMB));
  KS_TEST_WAIT_UNTIL (find_label (root, "try 2 of 3"), 30000);
  KS_TEST_WAIT_UNTIL (finger_done (f, FP_FINGER_LEFT_THUMB), 30000);
  assert_finger (f, FP_FINGER_LEFT_THUMB, KS_FINGER_CAPTURED, 2);

  /* Right index: three poor tries; the operator keeps the best, flagged as forced. */
  queue (f, FP_FINGER_RIGHT_INDEX, 0, 15, KS_FPSYNTH_PARTIAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_INDEX));
  KS_TEST_WAIT_UNTIL (find_button (root, "Keep Best Capture") != NULL, 60000);
  g_assert_false (finger_done (f, FP_FINGER_RIGHT_INDEX));
  g_assert_nonnull (find_label (root, "Three captures were poor"));
  shot (f, "fingerprint-poor");
  click (find_button (root, "Keep Best Capture"));
  assert_finger (f, FP_FINGER_RIGHT_INDEX, KS_FINGER_FORCED, 3);
  g_assert_nonnull (find_label (root, "Left index finger"));
  g_assert_null (find_label (root, "Right index finger"));
  g_assert_null (find_button (root, "Keep Best Capture"));
  g_assert_cmpstr (button_name (f, FP_FINGER_RIGHT_INDEX), ==,
                   "Right index finger, kept after 3 poor tries (poor)");

  /* Left index: bandaged. The capture that started is cancelled; the reason is one of the
   * reference list's. */
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_LEFT_INDEX));
  g_assert_true (ks_fingerprint_step_is_capturing (f->step));
  click (find_button (root, "Mark Missing…"));
  {
    GtkDropDown *reasons = GTK_DROP_DOWN (ks_test_find_by_type (root, GTK_TYPE_DROP_DOWN, 0));
    g_assert_nonnull (reasons);
    /* No reason is chosen for the operator, and none can be confirmed before one is. */
    g_assert_cmpuint (gtk_drop_down_get_selected (reasons), ==, 0);
    g_assert_false (gtk_widget_is_sensitive (find_button (root, "Mark Missing")));
    gtk_drop_down_set_selected (reasons, 3);
    g_assert_true (gtk_widget_is_sensitive (find_button (root, "Mark Missing")));
  }
  shot (f, "fingerprint-missing");
  click (find_button (root, "Mark Missing"));
  g_assert_false (ks_fingerprint_step_is_capturing (f->step));
  assert_finger (f, FP_FINGER_LEFT_INDEX, KS_FINGER_MISSING, 0);
  g_assert_cmpstr (button_name (f, FP_FINGER_LEFT_INDEX), ==,
                   "Left index finger, missing (Bandaged)");

  g_assert_true (ks_fingerprint_step_check_complete (f->step, &error));
  g_assert_no_error (error);
  g_assert_nonnull (find_label (root, "All 4 fingers are done"));
  shot (f, "fingerprint-done");

  /* Each finger is in the draft, sealed, as it was finished. */
  KS_TEST_WAIT_UNTIL (n_stored (f) == 4, 5000);
  stored = ks_fingers_load_draft (ks_station_get_store (f->station),
                                  ks_station_get_biometrics_vault (f->station, NULL), f->draft,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpint (((KsFingerCapture *)stored->pdata[0])->status, ==, KS_FINGER_CAPTURED);
  g_assert_cmpint (((KsFingerCapture *)stored->pdata[1])->status, ==, KS_FINGER_MISSING);
  g_assert_cmpstr (((KsFingerCapture *)stored->pdata[1])->reason, ==, "bandaged");
  g_assert_cmpint (((KsFingerCapture *)stored->pdata[3])->status, ==, KS_FINGER_FORCED);

  /* A new step on the same draft (a resumed draft) shows the same four. */
  {
    KsFingerprintStep *again = g_object_ref_sink (g_object_new (KS_TYPE_FINGERPRINT_STEP, NULL));

    ks_fingerprint_step_set_station (again, f->station,
                                     ks_station_get_fingerprint_service (f->station));
    ks_fingerprint_step_set_draft (again, f->draft);
    /* Read and unsealed in a worker: not complete until they are there. */
    g_assert_false (ks_fingerprint_step_is_complete (again));
    KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_opening (again), 10000);
    g_assert_cmpuint (ks_fingerprint_step_get_n_done (again), ==, 4);
    g_assert_true (ks_fingerprint_step_check_complete (again, NULL));
    g_object_unref (again);
  }
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
run_duplicate_check (Fixture *f,
                     GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GtkWidget *root = GTK_WIDGET (f->window);

  ks_fingerprint_step_check_duplicates_async (f->step, NULL, store_result, &result);
  /* The comparison runs on the reader's thread: the spinner turns meanwhile. */
  g_assert_nonnull (find_label (root, "Comparing the fingers"));
  KS_TEST_WAIT_UNTIL (result != NULL, 30000);
  return ks_fingerprint_step_check_duplicates_finish (f->step, result, error);
}

/* Synthetic prints are a training aid: different fingers of one synthetic person can score
 * above the de-duplication threshold measured on real prints (ks-duplicate-search.c), so "the
 * same finger twice" would fire on fingers that are not. The four fingers of this person, as
 * the reader keeps them, stay under it; the check itself is tested on real prints in
 * test-dedup.c. */
#define SAME_FINGER_PERSON 11

static void
capture (Fixture *f,
         FpFinger finger,
         FpFinger placed,
         guint    first_impression)
{
  queue_person (f, SAME_FINGER_PERSON, placed, first_impression, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, finger));
  KS_TEST_WAIT_UNTIL (finger_done (f, finger), 30000);
}

static void
test_same_finger_twice (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  capture (f, FP_FINGER_RIGHT_THUMB, FP_FINGER_RIGHT_THUMB, 0);
  capture (f, FP_FINGER_LEFT_THUMB, FP_FINGER_LEFT_THUMB, 0);
  capture (f, FP_FINGER_RIGHT_INDEX, FP_FINGER_RIGHT_INDEX, 0);
  capture (f, FP_FINGER_LEFT_INDEX, FP_FINGER_LEFT_INDEX, 0);
  g_assert_true (run_duplicate_check (f, &error));
  g_assert_no_error (error);

  /* The citizen put the right index down again for the left index. */
  queue_person (f, SAME_FINGER_PERSON, FP_FINGER_RIGHT_INDEX, 10, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_LEFT_INDEX));
  click (GTK_WIDGET (find_button (GTK_WIDGET (f->window), "Capture Again")));
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_capturing (f->step), 30000);
  g_assert_false (run_duplicate_check (f, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "same finger"));
  /* Both are to be captured again, and the wizard cannot move on before. */
  g_assert_false (finger_done (f, FP_FINGER_LEFT_INDEX));
  g_assert_false (finger_done (f, FP_FINGER_RIGHT_INDEX));
  g_assert_true (finger_done (f, FP_FINGER_RIGHT_THUMB));
  g_assert_false (ks_fingerprint_step_check_complete (f->step, NULL));
}

static KsRecord *
full_record (void)
{
  KsRecord *r = ks_record_new ();

  ks_record_set (r, KS_FIELD_CNIC, "17301-7654321-3");
  ks_record_set (r, KS_FIELD_GENDER, "male");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1985-01-20");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Saad Khattak");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "سعد خٹک");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Nasir Khattak");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "ناصر خٹک");
  ks_record_set (r, KS_FIELD_MOBILE, "0300-1112223");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "Village Akora, Nowshera");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  ks_record_set (r, KS_FIELD_CONSENTS, "[]");
  return r;
}

static gint64
record_flags (Fixture    *f,
              const char *kp_id)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  sqlite3 *db = NULL;
  gint64 flags;

  g_assert_cmpint (sqlite3_open_v2 (ks_store_get_path (ks_station_get_store (f->station)), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT flags FROM records WHERE kp_id = ?", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  flags = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_finalize);
  sqlite3_close (db);
  return flags;
}

static char *
submit_draft (Fixture *f,
              gint64   draft)
{
  g_autoptr(KsRecord) record = full_record ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDate) today = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  KsSubmitOptions options = { today };
  char *kp_id;

  /* The step saves each finger in a worker thread: wait until all four are in the draft. */
  KS_TEST_WAIT_UNTIL (n_stored (f) == 4, 5000);
  kp_id = ks_records_submit (ks_station_get_store (f->station), f->session, draft, record,
                             ks_station_get_reference (f->station), &options, &error);
  g_assert_no_error (error);
  return kp_id;
}

static void
test_edit_flags_swapped_finger (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr(KsRecord) record = full_record ();
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *again = NULL;

  /* Enrolled with four good fingers: no flag. */
  f->draft = ks_drafts_create (ks_station_get_store (f->station), f->session, record, 0, &error);
  g_assert_no_error (error);
  ks_fingerprint_step_set_draft (f->step, f->draft);
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_opening (f->step), 10000);
  capture (f, FP_FINGER_RIGHT_THUMB, FP_FINGER_RIGHT_THUMB, 0);
  capture (f, FP_FINGER_LEFT_THUMB, FP_FINGER_LEFT_THUMB, 0);
  capture (f, FP_FINGER_RIGHT_INDEX, FP_FINGER_RIGHT_INDEX, 0);
  capture (f, FP_FINGER_LEFT_INDEX, FP_FINGER_LEFT_INDEX, 0);
  g_assert_true (run_duplicate_check (f, &error));
  kp_id = submit_draft (f, f->draft);
  g_assert_cmpint (record_flags (f, kp_id), ==, 0);
  info = ks_records_get_info (ks_station_get_store (f->station), kp_id, &error);

  /* The edit starts with the four fingers on record. Recaptured, the right thumb matches the
   * record's right thumb: that confirms the citizen and flags nothing. */
  f->draft = ks_drafts_create (ks_station_get_store (f->station), f->session, record, info->id,
                               &error);
  g_assert_no_error (error);
  ks_fingerprint_step_set_draft (f->step, f->draft);
  KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (f->step) == 4, 10000);
  g_assert_true (ks_fingerprint_step_check_complete (f->step, NULL));
  queue_person (f, SAME_FINGER_PERSON, FP_FINGER_RIGHT_THUMB, 20, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_THUMB));
  click (find_button (GTK_WIDGET (f->window), "Capture Again"));
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_capturing (f->step), 30000);
  g_assert_true (run_duplicate_check (f, &error));
  g_assert_no_error (error);
  g_assert_null (find_label (GTK_WIDGET (f->window), "already on record"));

  /* Now the left index is recaptured with the right index finger on the glass: it equals another
   * finger on record. The operator is told, and the record is flagged at submit. */
  queue_person (f, SAME_FINGER_PERSON, FP_FINGER_RIGHT_INDEX, 30, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_LEFT_INDEX));
  click (find_button (GTK_WIDGET (f->window), "Capture Again"));
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_capturing (f->step), 30000);
  /* The right index captured in the edit is another citizen's: no pair among the new fingers. */
  {
    g_autoptr(KsFpSynthFinger) other = ks_fpsynth_finger_new (SAME_FINGER_PERSON + 1,
                                                              FP_FINGER_RIGHT_INDEX);
    for (guint i = 0; i < 5; i++)
      ks_virtual_scanner_queue_synthetic (f->scanner, other, i, KS_FPSYNTH_NORMAL);
  }
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_INDEX));
  click (find_button (GTK_WIDGET (f->window), "Capture Again"));
  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_capturing (f->step), 30000);
  g_assert_true (run_duplicate_check (f, &error));
  g_assert_no_error (error);
  g_assert_nonnull (find_label (GTK_WIDGET (f->window),
                                "The left index finger matches the right index finger already on "
                                "record"));
  shot (f, "fingerprint-on-record");
  again = submit_draft (f, f->draft);
  g_assert_cmpstr (again, ==, kp_id);
  g_assert_cmpint (record_flags (f, kp_id), ==, KS_RECORD_FLAG_DUPLICATE_WARNING);

  /* The supervisor's record detail shows the four fingers: each finger's state, quality and
   * the impression kept. */
  {
    KsWindow *window = ks_window_new (NULL, f->station);
    GtkWidget *root = GTK_WIDGET (window);
    KsReviewPage *page;
    GtkWidget *slot;

    gtk_window_set_default_size (GTK_WINDOW (window), 1240, 900);
    gtk_window_present (GTK_WINDOW (window));
    ks_window_session_started (window, f->session);
    gtk_widget_activate_action (root, "win.section", "s", "review");
    ks_test_iterate (200);
    page = KS_REVIEW_PAGE (ks_test_find_by_type (root, KS_TYPE_REVIEW_PAGE, 0));
    g_assert_nonnull (page);
    ks_review_page_show_record (page, kp_id);
    slot = GTK_WIDGET (ks_review_page_get_fingerprint_slot (page));
    KS_TEST_WAIT_UNTIL (ks_test_find_by_type (slot, GTK_TYPE_PICTURE, 3) != NULL, 10000);
    g_assert_nonnull (ks_test_find_by_type (slot, ADW_TYPE_ACTION_ROW, 3));
    g_assert_null (ks_test_find_by_type (slot, ADW_TYPE_ACTION_ROW, 4));
    g_assert_nonnull (find_label (slot, "Right thumb, captured"));
    g_assert_nonnull (find_label (slot, "Left index finger, captured"));
    ks_test_iterate (200);
    g_free (ks_test_screenshot (slot, "review-detail-fingers"));
    gtk_window_destroy (GTK_WINDOW (window));
    ks_test_iterate (100);
  }
}

static void
test_trainer_panel (Fixture      *f,
                    gconstpointer data)
{
  GtkWidget *root = GTK_WIDGET (f->window);
  GtkWidget *toggle = find_button (root, "Simulated Scanner");

  /* The panel is hidden until asked for. */
  g_assert_null (find_button (root, "Place for All Stages"));
  g_assert_nonnull (toggle);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  ks_test_iterate (600);
  g_assert_nonnull (find_button (root, "Place for All Stages"));
  shot (f, "fingerprint-trainer-panel");

  /* Place for all stages: the trainer plays the citizen through a whole capture. */
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_THUMB));
  click (find_button (root, "Place for All Stages"));
  KS_TEST_WAIT_UNTIL (finger_done (f, FP_FINGER_RIGHT_THUMB), 60000);
  assert_finger (f, FP_FINGER_RIGHT_THUMB, KS_FINGER_CAPTURED, 1);

  /* Unplug in the middle of a capture: plain words and Retry; Retry then finishes it. */
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_LEFT_THUMB));
  KS_TEST_WAIT_UNTIL (find_label (root, "Place your finger"), 10000);
  click (find_button (root, "Unplug"));
  KS_TEST_WAIT_UNTIL (find_label (root, "Reader Unplugged"), 10000);
  g_assert_nonnull (find_label (root, "Plug it in again and press Retry"));
  g_assert_false (ks_fingerprint_step_is_capturing (f->step));
  shot (f, "fingerprint-unplugged");
  queue (f, FP_FINGER_LEFT_THUMB, 0, 5, KS_FPSYNTH_NORMAL);
  click (find_button (root, "Retry"));
  KS_TEST_WAIT_UNTIL (finger_done (f, FP_FINGER_LEFT_THUMB), 30000);
  g_assert_null (find_label (root, "Reader Unplugged"));
}

static void
test_no_reader (Fixture      *f,
                gconstpointer data)
{
  GtkWidget *root = GTK_WIDGET (f->window);

  /* A production station without a reader says so, and what to do; capture cannot start. */
  g_assert_null (f->scanner);
  g_assert_false (ks_fingerprint_service_has_reader (ks_station_get_fingerprint_service (
                                                       f->station)));
  g_assert_nonnull (find_label (root, "No fingerprint reader is connected. Plug in the reader; "
                                "the station finds it by itself."));
  g_assert_null (find_button (root, "Simulated Scanner"));
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_THUMB));
  g_assert_false (ks_fingerprint_step_is_capturing (f->step));
  shot (f, "fingerprint-no-reader");
}


/* Verify section, 1:1: the holder of a card issued here places the finger enrolled for it
 * and the station says it matches; someone else's finger does not match. */

static guint
count_finger_checks (KsStation  *station,
                     const char *kp_id)
{
  g_autoptr(GPtrArray) audit = ks_audit_list (ks_station_get_store (station), kp_id, 0, NULL);
  guint n = 0;

  for (guint i = 0; audit != NULL && i < audit->len; i++)
    if (g_strcmp0 (((KsAuditEntry *)audit->pdata[i])->action, "fingerprint-checked") == 0)
      n++;
  return n;
}
static void
test_verify_one_to_one (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = full_record ();
  g_autoptr(GDate) today = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
  KsSubmitOptions options = { today };
  g_autofree char *kp_id = NULL;
  g_autofree char *png = g_build_filename (f->dir, "card.png", NULL);
  g_autoptr(KsCard) card = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (png);
  GtkWindow *window;
  KsVerifyPage *page;

  /* Enroll the right thumb through the step, then submit. */
  queue (f, FP_FINGER_RIGHT_THUMB, 0, 5, KS_FPSYNTH_NORMAL);
  click (ks_fingerprint_step_get_finger_button (f->step, FP_FINGER_RIGHT_THUMB));
  KS_TEST_WAIT_UNTIL (finger_done (f, FP_FINGER_RIGHT_THUMB), 30000);
  KS_TEST_WAIT_UNTIL (n_stored (f) == 1, 5000);
  kp_id = ks_records_submit (ks_station_get_store (f->station), f->session, f->draft, record,
                             ks_station_get_reference (f->station), &options, &error);
  g_assert_no_error (error);

  /* A signed card only once a supervisor approved the record. */
  g_assert_true (ks_records_set_state (ks_station_get_store (f->station), f->session, kp_id,
                                       KS_RECORD_STATE_APPROVED, NULL, NULL, &error));
  g_assert_no_error (error);
  card = ks_station_issue_card (f->station, f->session, kp_id, &error);
  g_assert_no_error (error);
  g_assert_true (ks_card_write_file (card, png, &error));

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 900, 800);
  page = g_object_new (KS_TYPE_VERIFY_PAGE, NULL);
  ks_verify_page_set_station (page, f->station);
  ks_verify_page_set_session (page, f->session);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  ks_verify_page_open_file (page, file);
  KS_TEST_WAIT_UNTIL (!ks_verify_page_is_busy (page) &&
                      find_label (GTK_WIDGET (page), "Development Key, Not Certified"),
                      20000);

  /* The genuine holder: unseen impressions of the enrolled finger. */
  queue (f, FP_FINGER_RIGHT_THUMB, 10, 1, KS_FPSYNTH_NORMAL);
  gtk_widget_activate_action (GTK_WIDGET (page), "verify.check-finger", NULL);
  KS_TEST_WAIT_UNTIL (find_label (GTK_WIDGET (page), "matches the one enrolled"), 30000);
  g_free (ks_test_screenshot (GTK_WIDGET (window), "verify-fingerprint-match"));

  /* Someone else. */
  {
    g_autoptr(KsFpSynthFinger) other = ks_fpsynth_finger_new (PERSON + 7, FP_FINGER_RIGHT_THUMB);
    ks_virtual_scanner_queue_synthetic (f->scanner, other, 0, KS_FPSYNTH_NORMAL);
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "verify.check-finger", NULL);
  KS_TEST_WAIT_UNTIL (find_label (GTK_WIDGET (page), "does not match"), 30000);

  /* Both checks are in the audit log (written in the background, as the result shows). */
  KS_TEST_WAIT_UNTIL (count_finger_checks (f->station, kp_id) == 2, 10000);
  {
    g_autoptr(GPtrArray) audit = ks_audit_list (ks_station_get_store (f->station), kp_id, 0, NULL);
    g_assert_cmpstr (((KsAuditEntry *)audit->pdata[0])->action, ==, "fingerprint-checked");
    g_assert_cmpstr (((KsAuditEntry *)audit->pdata[0])->detail, ==, "no match");
    g_assert_cmpstr (((KsAuditEntry *)audit->pdata[1])->detail, ==, "match");
  }
  gtk_window_destroy (window);
}

int
main (int argc, char *argv[])
{
  ks_test_ui_init (&argc, &argv);
#define ADD(path, profile, func) \
  g_test_add (path, Fixture, profile, fixture_setup, func, fixture_teardown)
  ADD ("/ui/fingerprint/no-reader", "production", test_no_reader);
  ADD ("/ui/fingerprint/capture-four", "training", test_capture_four);
  ADD ("/ui/fingerprint/same-finger-twice", "training", test_same_finger_twice);
  ADD ("/ui/fingerprint/trainer-panel", "training", test_trainer_panel);
  ADD ("/ui/fingerprint/edit-flags-swapped-finger", "training", test_edit_flags_swapped_finger);
  ADD ("/ui/fingerprint/verify-one-to-one", "training", test_verify_one_to_one);
#undef ADD
  return g_test_run ();
}
