/* test-ui-camera.c: the camera window under Xvfb, through the training profile's simulated
 * camera (CI has no camera)
 *
 * The operator's path: Use Camera in the wizard's photo row, the guidance on a bad frame (no
 * one there, a dark room) and on a good one, Space to take the photo, the sealed photo in the
 * record; a camera that fails (unplugged, no picture) and Retry; in Verify, a card held up to
 * the camera and verified, the verdict staying until the next card. Screenshots of the live
 * capture with its guidance in English, Urdu and Pashto go to the build's screenshots/ folder.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "ks-camera-testing.h"
#include "ks-camera-window.h"
#include "ks-card-holder.h"
#include "ks-enroll-photo.h"
#include "ks-language.h"
#include "ks-photo.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-verify-page.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
  GtkWindow *window;
  KsCameraWindow *camera_window;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open ("training", f->dir, &error);
  g_assert_no_error (error);
  f->session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                  "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_station_set_session (f->station, f->session);
  g_assert_nonnull (ks_station_get_keys (f->station, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  if (f->camera_window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->camera_window));
  g_clear_object (&f->camera_window);
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  ks_test_iterate (50);
  g_assert_true (ks_camera_wait_closed (10000));
  g_clear_object (&f->session);
  g_assert_finalize_object (f->station);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
  ks_language_apply ("en");
}

static void
present (Fixture   *f,
         GtkWidget *child)
{
  GtkWidget *overlay = adw_toast_overlay_new ();

  f->window = GTK_WINDOW (adw_window_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), child);
  adw_window_set_content (ADW_WINDOW (f->window), overlay);
  gtk_window_set_default_size (f->window, 800, 600);
  gtk_window_present (f->window);
  ks_test_iterate (100);
}

static void
on_camera_opened (Fixture   *f,
                  GtkWindow *window)
{
  g_set_object (&f->camera_window, KS_CAMERA_WINDOW (window));
}

static char *
sample (const char *name)
{
  g_autofree char *dir = ks_camera_sample_dir ();

  return g_build_filename (dir, name, NULL);
}

/* The good sample face in a room with a fifth of the light. */
static char *
dark_face (Fixture *f)
{
  g_autofree char *good = sample ("face-1.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (good, &error);
  char *path = g_build_filename (f->dir, "dark-face.png", NULL);
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  g_assert_no_error (error);
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf) * gdk_pixbuf_get_n_channels (pixbuf); x++)
      p[y * stride + x] /= 5;
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static gboolean
guidance_is (KsCameraWindow *window,
             const char     *text)
{
  return g_strcmp0 (ks_camera_window_get_guidance (window), text) == 0;
}

static const char *
guidance_for (KsFaceProblem problem)
{
  KsFaceGuidance guidance = { .problem = problem };

  return ks_face_guidance_message (&guidance);
}

static KsEnrollPhoto *
open_photo_camera (Fixture *f)
{
  KsEnrollPhoto *photo = g_object_new (KS_TYPE_ENROLL_PHOTO, NULL);

  ks_enroll_photo_set_profile (photo, ks_station_get_profile (f->station));
  g_signal_connect_swapped (photo, "camera-opened", G_CALLBACK (on_camera_opened), f);
  present (f, GTK_WIDGET (photo));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (photo), "photo.capture", NULL));
  g_assert_nonnull (f->camera_window);
  g_assert_true (ks_camera_is_simulated (ks_camera_window_get_camera (f->camera_window)));
  return photo;
}

static void
on_changed (gboolean *changed)
{
  *changed = TRUE;
}

static void
test_capture_photo (Fixture      *f,
                    gconstpointer data)
{
  KsEnrollPhoto *photo = open_photo_camera (f);
  KsCamera *camera = ks_camera_window_get_camera (f->camera_window);
  g_autofree char *empty = sample ("no-face.png");
  g_autofree char *dark = dark_face (f);
  g_autofree char *good = sample ("face-1.png");
  g_autofree char *shot = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GInputStream) stream = NULL;
  gboolean changed = FALSE;

  g_signal_connect_swapped (photo, "changed", G_CALLBACK (on_changed), &changed);

  /* No one in front of the camera: said so, and Space takes nothing. */
  ks_camera_simulate_show (camera, empty);
  KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, guidance_for (KS_FACE_NONE)), 20000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->camera_window), "camera.capture",
                                             NULL));
  KS_TEST_WAIT_UNTIL (gtk_widget_has_css_class (GTK_WIDGET (f->camera_window), "error") ||
                      guidance_is (f->camera_window, guidance_for (KS_FACE_NONE)), 10000);
  ks_test_iterate (500);
  g_assert_false (changed);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->camera_window)));

  /* A dark room. */
  ks_camera_simulate_show (camera, dark);
  KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, guidance_for (KS_FACE_TOO_DARK)), 20000);
  shot = ks_test_screenshot (GTK_WIDGET (f->camera_window), "en-camera-too-dark");
  g_clear_pointer (&shot, g_free);

  /* The citizen in good light: the photo is taken with one key. */
  ks_camera_simulate_show (camera, good);
  KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, guidance_for (KS_FACE_OK)), 20000);
  shot = ks_test_screenshot (GTK_WIDGET (f->camera_window), "en-camera-capture");
  if (ks_test_have_xdotool ())
    ks_test_keys (GTK_WIDGET (f->camera_window), "key", "space", NULL);
  else
    gtk_widget_activate_action (GTK_WIDGET (f->camera_window), "camera.capture", NULL);
  KS_TEST_WAIT_UNTIL (changed, 20000);

  /* The record holds the photo sealed; opened, it is the 35x45 cut around the face. */
  g_assert_cmpstr (ks_enroll_photo_get_sealed (photo), !=, "");
  png = ks_photo_open (ks_station_get_profile (f->station), ks_enroll_photo_get_sealed (photo),
                       &error);
  g_assert_no_error (error);
  stream = g_memory_input_stream_new_from_bytes (png);
  pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (ABS ((double)gdk_pixbuf_get_width (pixbuf) / gdk_pixbuf_get_height (pixbuf)
                          - 35.0 / 45.0), <, 0.01);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), <=, KS_PHOTO_MAX_HEIGHT);
}

/* The same checks on a file: a picture without a face is refused with the guidance's words. */
static void
on_failed (char      **message,
           const char *text)
{
  g_free (*message);
  *message = g_strdup (text);
}

static void
test_file_same_checks (Fixture      *f,
                       gconstpointer data)
{
  KsEnrollPhoto *photo = g_object_new (KS_TYPE_ENROLL_PHOTO, NULL);
  g_autofree char *empty = sample ("no-face.png");
  g_autofree char *good = sample ("face-2.png");
  g_autoptr(GFile) empty_file = g_file_new_for_path (empty);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autofree char *message = NULL;
  gboolean changed = FALSE;

  ks_enroll_photo_set_profile (photo, ks_station_get_profile (f->station));
  g_signal_connect_swapped (photo, "changed", G_CALLBACK (on_changed), &changed);
  g_signal_connect_swapped (photo, "failed", G_CALLBACK (on_failed), &message);
  present (f, GTK_WIDGET (photo));

  ks_enroll_photo_load_file (photo, empty_file);
  KS_TEST_WAIT_UNTIL (message != NULL, 20000);
  g_assert_cmpstr (message, ==, guidance_for (KS_FACE_NONE));
  g_assert_false (changed);
  g_assert_cmpstr (ks_enroll_photo_get_sealed (photo), ==, "");

  ks_enroll_photo_load_file (photo, good_file);
  KS_TEST_WAIT_UNTIL (changed, 20000);
  g_assert_cmpstr (ks_enroll_photo_get_sealed (photo), !=, "");
}

static gboolean
shows_error (Fixture *f)
{
  return ks_camera_window_get_error (f->camera_window) != NULL;
}

static void
test_camera_fails (Fixture      *f,
                   gconstpointer data)
{
  KsCamera *camera;
  g_autofree char *shot = NULL;
  g_autofree char *good = sample ("face-1.png");

  open_photo_camera (f);
  camera = ks_camera_window_get_camera (f->camera_window);
  ks_camera_simulate_show (camera, good);
  KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, guidance_for (KS_FACE_OK)), 20000);

  /* Unplugged mid-capture: a message, Retry and Use a File; the window keeps answering. */
  ks_camera_simulate_fault (camera, KS_CAMERA_FAULT_UNPLUG);
  KS_TEST_WAIT_UNTIL (shows_error (f), 10000);
  g_assert_true (g_str_has_prefix (ks_camera_window_get_error (f->camera_window),
                                   "The camera stopped"));
  shot = ks_test_screenshot (GTK_WIDGET (f->camera_window), "en-camera-unplugged");

  /* Plugged in again, but it sends nothing: Retry says so after a few seconds. */
  ks_camera_set_timeouts_for_testing (camera, 1500, 1000);
  ks_camera_simulate_fault (camera, KS_CAMERA_FAULT_STALL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->camera_window), "camera.retry",
                                             NULL));
  g_assert_false (shows_error (f));
  KS_TEST_WAIT_UNTIL (shows_error (f), 10000);
  g_assert_true (g_str_has_prefix (ks_camera_window_get_error (f->camera_window),
                                   "The camera sends no picture"));

  /* Fixed: Retry brings the picture back. */
  ks_camera_simulate_fault (camera, KS_CAMERA_FAULT_NONE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->camera_window), "camera.retry",
                                             NULL));
  KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, guidance_for (KS_FACE_OK)), 20000);
  g_assert_false (shows_error (f));
}

/* The live capture with guidance in each language, for the screenshots. */
static void
test_languages (Fixture      *f,
                gconstpointer data)
{
  static const char *const langs[] = { "ur", "ps" };

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_autofree char *good = sample ("face-far.png");
      g_autofree char *name = g_strdup_printf ("%s-camera-capture", langs[i]);
      g_autofree char *shot = NULL;
      const char *expected;

      ks_language_apply (langs[i]);
      open_photo_camera (f);
      ks_camera_simulate_show (ks_camera_window_get_camera (f->camera_window), good);
      expected = guidance_for (KS_FACE_TOO_SMALL);
      /* Translated: not the English words. */
      g_assert_cmpstr (expected, !=, "Face too small. Ask the citizen to come closer to the "
                       "camera.");
      KS_TEST_WAIT_UNTIL (guidance_is (f->camera_window, expected), 20000);
      g_assert_cmpint (gtk_widget_get_direction (GTK_WIDGET (f->camera_window)), ==,
                       GTK_TEXT_DIR_RTL);
      shot = ks_test_screenshot (GTK_WIDGET (f->camera_window), name);
      gtk_window_destroy (GTK_WINDOW (f->camera_window));
      g_clear_object (&f->camera_window);
      gtk_window_destroy (f->window);
      f->window = NULL;
      ks_test_iterate (50);
    }
  ks_language_apply ("en");
}

/* Verify: a card held up to the camera --------------------------------------------------- */

static char *
write_card (Fixture    *f,
            const char *kp_id,
            const char *name)
{
  g_autoptr(KsCardHolder) holder = ks_card_holder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = NULL;
  KsCardIssueOptions opts = { .specimen = TRUE };
  char *path = g_strdup_printf ("%s/%s.png", f->dir, kp_id);

  holder->kp_id = g_strdup (kp_id);
  holder->full_name = g_strdup (name);
  holder->full_name_ur = g_strdup ("گل بانو خان");
  holder->father_name = g_strdup ("Sher Ali Khan");
  holder->date_of_birth = g_strdup ("1990-03-21");
  holder->gender = 2;
  holder->address = g_strdup ("House 12, Street 4\nHayatabad Phase 3\nPeshawar City, Peshawar");
  holder->district_code = g_strdup ("PEW");
  holder->district_name = g_strdup ("Peshawar");
  card = ks_card_issue (holder, ks_station_get_keys (f->station, NULL), &opts, &error);
  g_assert_no_error (error);
  g_assert_true (ks_card_write_file (card, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
on_verified (guint *count)
{
  (*count)++;
}

static void
test_scan_card (Fixture      *f,
                gconstpointer data)
{
  KsVerifyPage *page = g_object_new (KS_TYPE_VERIFY_PAGE, NULL);
  g_autofree char *first = write_card (f, "PEW-A01-0000123-N", "Gul Bano Khan");
  g_autofree char *second = write_card (f, "PEW-A01-0000124-L", "Zarmina Afridi");
  g_autofree char *empty = sample ("no-face.png");
  g_autofree char *shot = NULL;
  KsCamera *camera;
  guint verified = 0;
  gint64 shown;

  ks_verify_page_set_station (page, f->station);
  ks_verify_page_set_session (page, f->session);
  g_signal_connect_swapped (page, "camera-opened", G_CALLBACK (on_camera_opened), f);
  present (f, GTK_WIDGET (page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "verify.camera", NULL));
  g_assert_nonnull (f->camera_window);
  g_signal_connect_swapped (f->camera_window, "verified", G_CALLBACK (on_verified), &verified);
  camera = ks_camera_window_get_camera (f->camera_window);

  /* A card held up: verified within a second of being in view. */
  ks_camera_simulate_show (camera, first);
  shown = g_get_monotonic_time ();
  KS_TEST_WAIT_UNTIL (verified == 1, 20000);
  g_test_message ("card verified %.2f s after it was shown",
                  (g_get_monotonic_time () - shown) / 1e6);
  g_assert_cmpstr (ks_camera_window_get_guidance (f->camera_window), ==,
                   ks_verdict_to_string (KS_VERDICT_VALID));
  shot = ks_test_screenshot (GTK_WIDGET (f->camera_window), "en-camera-verify");

  /* The same card still there, then taken away: the verdict stays. */
  ks_test_iterate (1000);
  ks_camera_simulate_show (camera, empty);
  ks_test_iterate (1000);
  g_assert_cmpuint (verified, ==, 1);
  g_assert_cmpstr (ks_camera_window_get_guidance (f->camera_window), ==,
                   ks_verdict_to_string (KS_VERDICT_VALID));

  /* The next card replaces it. */
  ks_camera_simulate_show (camera, second);
  KS_TEST_WAIT_UNTIL (verified == 2, 20000);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KS_LOCALEDIR");

  /* Xvfb's software GL (llvmpipe) stalls here while OpenCV's worker threads spin beside it on
   * a loaded CI machine: the live frames are drawn with cairo in this test. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  /* As main.c does, with the build's translations. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ks_test_ui_init (&argc, &argv);

  g_test_add ("/ui-camera/capture-photo", Fixture, NULL, fixture_setup, test_capture_photo,
              fixture_teardown);
  g_test_add ("/ui-camera/file-same-checks", Fixture, NULL, fixture_setup,
              test_file_same_checks, fixture_teardown);
  g_test_add ("/ui-camera/camera-fails", Fixture, NULL, fixture_setup, test_camera_fails,
              fixture_teardown);
  g_test_add ("/ui-camera/languages", Fixture, NULL, fixture_setup, test_languages,
              fixture_teardown);
  g_test_add ("/ui-camera/scan-card", Fixture, NULL, fixture_setup, test_scan_card,
              fixture_teardown);

  return g_test_run ();
}
