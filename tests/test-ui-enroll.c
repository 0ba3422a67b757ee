/* test-ui-enroll.c: the enrollment wizard, driven by the keyboard alone
 *
 * Real key events (xdotool through XTEST under Xvfb) fill every step and submit; the test then
 * checks the stored record. The station is a training one: its simulated reader takes the
 * citizen's synthetic fingerprints, so the fingerprint step is done with keys like the others.
 * Screenshots of every step go to the build's screenshots/ folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-cards.h"
#include "ks-card-view.h"
#include "ks-slip-view.h"
#include "ks-camera.h"
#include "ks-enroll-page.h"
#include "ks-fingerprint-step.h"
#include "ks-fingers.h"
#include "ks-records.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"
#include "ks-slip-testing.h"
#include "ks-virtual-scanner-testing.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsWindow *window;
  KsEnrollPage *page;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSession) session = NULL;

  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open ("training", f->dir, &error);
  g_assert_no_error (error);
  session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse", "PEW",
                               "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (f->station), session, "PEW", "A01");

  f->window = ks_window_new (NULL, f->station);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  ks_test_iterate (200);
  ks_window_session_started (f->window, session);
  ks_test_iterate (200);
  f->page = KS_ENROLL_PAGE (ks_test_find_by_type (GTK_WIDGET (f->window), KS_TYPE_ENROLL_PAGE, 0));
  g_assert_nonnull (f->page);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ks_test_iterate (50);
  g_clear_object (&f->station);
  g_free (f->dir);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* The open draft as stored, once the page has written it (in a worker thread). */
static KsRecord *
current_draft (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  gint64 id = ks_enroll_page_get_draft_id (f->page);

  g_assert_cmpint (id, >, 0);
  ks_enroll_page_flush_async (f->page, NULL, store_result, &result);
  KS_TEST_WAIT_UNTIL (result != NULL, 10000);
  g_assert_true (ks_enroll_page_flush_finish (f->page, result, NULL));
  return ks_drafts_load (ks_station_get_store (f->station), id, NULL, NULL);
}

static gboolean
contains (const char *haystack,
          gsize       len,
          const char *needle,
          gsize       needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
shot (Fixture    *f,
      const char *name)
{
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), name));
}

/* The citizen puts @finger on the simulated reader for each enrolment stage. */
static void
queue_finger (Fixture *f,
              FpFinger finger)
{
  g_autoptr(KsFpSynthFinger) synth = ks_fpsynth_finger_new (11, finger);
  KsVirtualScanner *scanner = ks_station_get_virtual_scanner (f->station);

  g_assert_nonnull (scanner);
  for (guint i = 0; i < 5; i++)
    ks_virtual_scanner_queue_synthetic (scanner, synth, i, KS_FPSYNTH_NORMAL);
}

static void
test_keyboard_only (Fixture      *f,
                    gconstpointer data)
{
  GtkWidget *w = GTK_WIDGET (f->window);

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }

  shot (f, "enroll-start");
  g_assert_cmpstr (ks_enroll_page_get_mode (f->page), ==, "start");

  /* Start: the focus is on "Start New Enrollment". */
  ks_test_keys (w, "key", "Return", NULL);
  g_assert_cmpstr (ks_enroll_page_get_mode (f->page), ==, "wizard");
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_IDENTITY);

  /* Identity: CNIC, a date that does not exist, gender (Alt+M), Next (Alt+N). */
  ks_test_keys (w, "type", "1730112345671", "key", "Tab", "type", "31-02-1990",
                "key", "alt+m", NULL);
  {
    g_autoptr(KsRecord) r = current_draft (f);
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_CNIC), ==, "1730112345671");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_DATE_OF_BIRTH), ==, "31-02-1990");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_GENDER), ==, "male");
  }
  /* Next refuses, says why, and puts the focus on the date: typing goes straight there. */
  ks_test_keys (w, "key", "alt+n", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_IDENTITY);
  shot (f, "enroll-identity-error");
  /* Year first, the storage form, is refused too, with the day-first example. */
  ks_test_keys (w, "key", "ctrl+a", "type", "1990-05-10", "key", "Return", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_IDENTITY);
  {
    g_autofree char *text = ks_test_collect_text (GTK_WIDGET (f->window));

    g_assert_nonnull (strstr (text, "DD-MM-YYYY"));
    g_assert_nonnull (strstr (text, "25-07-1990"));
  }
  ks_test_keys (w, "key", "ctrl+a", "type", "10-05-1990", "key", "Return", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_PERSONAL);
  {
    /* Normalised on the way: the CNIC got its dashes, the date its ISO form. */
    g_autoptr(KsRecord) r = current_draft (f);
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_CNIC), ==, "17301-1234567-1");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_DATE_OF_BIRTH), ==, "1990-05-10");
  }
  {
    /* ...but people read it day first, as typed: the entry shown again when going back (or a
     * reloaded draft) and anything else on the window never shows the ISO form. */
    g_autofree char *text = ks_test_collect_text (GTK_WIDGET (f->window));

    g_assert_nonnull (strstr (text, "10-05-1990"));
    g_assert_null (strstr (text, "1990-05-10"));
  }

  /* Personal: names in both scripts; the relation stays "father". */
  ks_test_keys (w, "type", "Imran Khan", "key", "Tab", "type", "عمران خان", "key", "Tab",
                "type", "Ikram Ullah Khan", "key", "Tab", "type", "اکرام اللہ خان", NULL);
  /* A photo from a file (the file chooser itself is the desktop's): held to the camera's face
   * check (a drawn sample face, data/camera/), cut to 35x45 and stored sealed. */
  {
    g_autofree char *dir = ks_camera_sample_dir ();
    g_autofree char *png = g_build_filename (dir, "face-2.png", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (png);

    ks_enroll_page_load_photo (f->page, file);
    KS_TEST_WAIT_UNTIL (({ g_autoptr(KsRecord) r = current_draft (f);
                           *ks_record_get (r, KS_FIELD_PHOTO) != '\0'; }), 10000);
  }
  shot (f, "enroll-personal");
  ks_test_keys (w, "key", "Return", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_ADDRESS);
  {
    g_autoptr(KsRecord) r = current_draft (f);
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_FULL_NAME_UR), ==, "عمران خان");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_FATHER_NAME_UR), ==, "اکرام اللہ خان");
  }

  /* Address: mobile, (no email), address line 1, (no line 2), district and tehsil by typing
   * their first letters into the pickers' search. */
  ks_test_keys (w, "type", "0300 1234567", "key", "Tab", "key", "Tab",
                "type", "House 12, Street 4, Hayatabad", "key", "Tab", "key", "Tab",
                "type", "Pesh", "key", "Tab", "key", "Down", NULL);
  shot (f, "enroll-address");
  {
    g_autoptr(KsRecord) r = current_draft (f);
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_MOBILE), ==, "0300 1234567");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_DISTRICT), ==, "PEW");
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_TEHSIL), ==, "PEW-01");
  }
  ks_test_keys (w, "key", "alt+n", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_SERVICES);

  /* Services: sign up for the first (Sehat Card); Next without consent is refused and the focus
   * lands on the consent switch; Space records the consent. */
  ks_test_keys (w, "key", "space", "key", "alt+n", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_SERVICES);
  shot (f, "enroll-services-error");
  ks_test_keys (w, "key", "space", NULL);
  shot (f, "enroll-services");
  {
    g_autoptr(KsRecord) r = current_draft (f);
    g_assert_nonnull (strstr (ks_record_get (r, KS_FIELD_CONSENTS), "\"sehat-card\""));
    g_assert_nonnull (strstr (ks_record_get (r, KS_FIELD_CONSENTS), "\"granted\":true"));
  }
  ks_test_keys (w, "key", "alt+n", NULL);
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_FINGERPRINTS);
  shot (f, "enroll-fingerprints");

  /* Fingerprints: Next before any capture is refused, naming the finger, whose button gets the
   * focus; Space captures it. After each finger the focus moves to the next one still to do;
   * Tab reaches any other. */
  {
    KsFingerprintStep *step =
      KS_FINGERPRINT_STEP (ks_test_find_by_type (w, KS_TYPE_FINGERPRINT_STEP, 0));

    g_assert_nonnull (step);
    ks_test_keys (w, "key", "alt+n", NULL);
    g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_FINGERPRINTS);
    g_assert_true (gtk_widget_has_focus (ks_fingerprint_step_get_finger_button (step,
                                                                                FP_FINGER_RIGHT_THUMB)));

    queue_finger (f, FP_FINGER_RIGHT_THUMB);
    ks_test_keys (w, "key", "space", NULL);
    KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (step) == 1, 30000);
    g_assert_true (gtk_widget_has_focus (ks_fingerprint_step_get_finger_button (step,
                                                                                FP_FINGER_LEFT_THUMB)));

    /* Shift+Tab from the left thumb to the right index finger, above it. */
    queue_finger (f, FP_FINGER_RIGHT_INDEX);
    ks_test_keys (w, "key", "shift+Tab", NULL);
    g_assert_true (gtk_widget_has_focus (ks_fingerprint_step_get_finger_button (step,
                                                                                FP_FINGER_RIGHT_INDEX)));
    ks_test_keys (w, "key", "space", NULL);
    KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (step) == 2, 30000);

    queue_finger (f, FP_FINGER_LEFT_THUMB);
    ks_test_keys (w, "key", "space", NULL);
    KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (step) == 3, 30000);
    shot (f, "enroll-fingerprints-three");
    queue_finger (f, FP_FINGER_LEFT_INDEX);
    ks_test_keys (w, "key", "space", NULL);
    KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (step) == 4, 30000);
  }

  /* All four done: the step compares the fingers and moves on by itself, no key needed. */
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_REVIEW, 30000);
  ks_test_iterate (200);
  shot (f, "enroll-review");

  /* Submit: the focus is on Submit; Enter asks once to confirm; Enter confirms. */
  ks_test_keys (w, "key", "Return", NULL);
  {
    GtkWidget *dialog = NULL;
    GList *toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
        dialog = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (dialog);
    g_free (ks_test_screenshot (dialog, "enroll-confirm"));
    ks_test_keys (dialog, "key", "Return", NULL);
  }
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_CARD, 10000);
  shot (f, "enroll-slip");

  /* What the keys entered is the stored record, normalised, with its audit entry. */
  {
    const char *kp_id = ks_enroll_page_get_submitted_id (f->page);
    g_autoptr(GError) error = NULL;
    g_autoptr(KsRecord) stored = ks_records_load (ks_station_get_store (f->station), kp_id, &error);
    g_autoptr(KsRecordInfo) info = ks_records_get_info (ks_station_get_store (f->station), kp_id,
                                                        &error);
    g_autoptr(GPtrArray) audit = ks_audit_list (ks_station_get_store (f->station), kp_id, 0, NULL);

    g_assert_no_error (error);
    g_assert_cmpstr (kp_id, ==, "PEW-A01-0000001-Q");
    g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SUBMITTED);
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_CNIC), ==, "17301-1234567-1");
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_FULL_NAME), ==, "Imran Khan");
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_FULL_NAME_UR), ==, "عمران خان");
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_MOBILE), ==, "+923001234567");
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_TEHSIL), ==, "PEW-01");
    g_assert_cmpuint (audit->len, ==, 1);
    g_assert_cmpstr (((KsAuditEntry *)audit->pdata[0])->action, ==, "record-submitted");

    /* The four fingers went with the record, sealed with the station's key. */
    {
      g_autoptr(GPtrArray) fingers = ks_fingers_load_record (ks_station_get_store (f->station),
                                                             ks_station_get_biometrics_vault (f->
                                                                                              station,
                                                                                              NULL),
                                                             info->id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (fingers->len, ==, 4);
      for (guint i = 0; i < fingers->len; i++)
        g_assert_cmpint (((KsFingerCapture *)fingers->pdata[i])->status, ==, KS_FINGER_CAPTURED);
    }
  }
  /* The photo is nowhere on disk in the clear: no PNG signature in the database or its log. */
  {
    g_autofree char *db = g_build_filename (f->dir, "production", "station.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    const char *files[] = { db, wal };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *contents = NULL;
        gsize len = 0;
        if (g_file_get_contents (files[i], &contents, &len, NULL))
          g_assert_false (contains (contents, len, "\x89PNG\r\n", 6));
      }
  }
  /* The last step gives the enrollment slip, not a signed card: the record awaits review. */
  {
    KsSlipView *view = KS_SLIP_VIEW (ks_test_find_by_type (w, KS_TYPE_SLIP_VIEW, 0));
    g_autoptr(GError) error = NULL;
    g_autofree char *png = NULL;

    g_assert_nonnull (view);
    g_assert_cmpstr (ks_slip_get_kp_id (ks_slip_view_get_slip (view)), ==, "PEW-A01-0000001-Q");
    /* Its code holds the ID and nothing else. */
    g_assert_cmpstr (ks_slip_get_qr_text (ks_slip_view_get_slip (view)), ==,
                     "PEW-A01-0000001-Q");
    g_assert_null (ks_test_find_by_type (w, KS_TYPE_CARD_VIEW, 0));
    g_assert_false (ks_cards_check_issuable (ks_station_get_store (f->station),
                                             "PEW-A01-0000001-Q", NULL));
    /* The slip as it prints, next to the screenshots. */
    png = g_build_filename (g_getenv ("KS_SHOT_DIR") ? g_getenv ("KS_SHOT_DIR") : ".",
                            "enroll-slip-print.png", NULL);
    g_assert_true (ks_slip_write_file (ks_slip_view_get_slip (view), png, &error));
    g_assert_no_error (error);
  }
}

int
main (int argc, char *argv[])
{
  ks_test_ui_init (&argc, &argv);
  g_test_add ("/ui/enroll/keyboard-only", Fixture, NULL, fixture_setup, test_keyboard_only,
              fixture_teardown);
  return g_test_run ();
}
