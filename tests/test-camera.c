/* test-camera.c: the camera pipeline, the face guidance and the camera's failures, through the
 * simulated camera (CI has no camera)
 *
 * The guidance is checked on the sample faces of data/camera/ and on versions of the good one
 * made the ways a real capture goes wrong (a dark room, sunlight, a moving head); the pipeline
 * is the one a real camera runs, face detector included.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "ks-camera-testing.h"
#include "ks-camera.h"

static char *
sample (const char *name)
{
  g_autofree char *dir = ks_camera_sample_dir ();

  return g_build_filename (dir, name, NULL);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*slot == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*slot);
  return *slot;
}

static KsCameraFrame *
check_file (const char *path)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsCameraFrame *frame;

  ks_camera_check_image_async (path, NULL, store_result, &result);
  frame = ks_camera_check_image_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (frame);
  return frame;
}

/* The good sample face changed as a capture goes wrong, saved in @dir. */
static char *
make_variant (const char *dir,
              const char *kind)
{
  g_autofree char *good = sample ("face-1.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (good, &error);
  g_autoptr(GdkPixbuf) out = NULL;
  char *path = g_strdup_printf ("%s/%s.png", dir, kind);
  int w, h;

  g_assert_no_error (error);
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  if (g_str_equal (kind, "blurred"))
    {
      /* A moving head: detail below a twelfth of the picture is gone. */
      g_autoptr(GdkPixbuf) small = gdk_pixbuf_scale_simple (pixbuf, w / 12, h / 12,
                                                            GDK_INTERP_BILINEAR);
      out = gdk_pixbuf_scale_simple (small, w, h, GDK_INTERP_BILINEAR);
    }
  else
    {
      /* Dark room: a fifth of the light; sunlight: everything near white. */
      gboolean dark = g_str_equal (kind, "dark");
      guint8 *p;
      int stride;

      out = gdk_pixbuf_copy (pixbuf);
      p = gdk_pixbuf_get_pixels (out);
      stride = gdk_pixbuf_get_rowstride (out);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w * gdk_pixbuf_get_n_channels (out); x++)
          {
            guint8 *v = p + y * stride + x;
            *v = dark ? *v / 5 : (guint8)MIN (255, 200 + *v / 4);
          }
    }
  gdk_pixbuf_save (out, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static void
test_guidance_on_samples (void)
{
  static const struct
  {
    const char *name;
    KsFaceProblem problem;
  } cases[] = {
    { "face-1.png", KS_FACE_OK },
    { "face-2.png", KS_FACE_OK },
    { "face-far.png", KS_FACE_TOO_SMALL },
    { "face-off-centre.png", KS_FACE_OFF_CENTRE },
    { "face-tilted.png", KS_FACE_TILTED },
    { "no-face.png", KS_FACE_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = sample (cases[i].name);
      g_autoptr(KsCameraFrame) frame = check_file (path);

      g_test_message ("%s: %s, %u faces, luma %.0f, sharpness %.1f, tilt %.1f degrees",
                      cases[i].name, ks_face_problem_to_string (frame->guidance.problem),
                      frame->guidance.n_faces, frame->guidance.luma, frame->guidance.sharpness,
                      frame->guidance.tilt_degrees);
      g_assert_cmpstr (ks_face_problem_to_string (frame->guidance.problem), ==,
                       ks_face_problem_to_string (cases[i].problem));
      /* Every problem has advice the operator can act on. */
      g_assert_cmpstr (ks_face_guidance_message (&frame->guidance), !=, "");
    }
}

static void
test_guidance_on_bad_captures (void)
{
  static const struct
  {
    const char *kind;
    KsFaceProblem problem;
  } cases[] = {
    { "dark", KS_FACE_TOO_DARK },
    { "bright", KS_FACE_TOO_BRIGHT },
    { "blurred", KS_FACE_BLURRED },
  };
  g_autofree char *dir = g_dir_make_tmp ("ks-camera-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = make_variant (dir, cases[i].kind);
      g_autoptr(KsCameraFrame) frame = check_file (path);

      g_test_message ("%s: %s, %u faces, luma %.0f, sharpness %.1f", cases[i].kind,
                      ks_face_problem_to_string (frame->guidance.problem),
                      frame->guidance.n_faces, frame->guidance.luma, frame->guidance.sharpness);
      g_assert_cmpstr (ks_face_problem_to_string (frame->guidance.problem), ==,
                       ks_face_problem_to_string (cases[i].problem));
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_guidance_crop (void)
{
  g_autofree char *path = sample ("face-1.png");
  g_autoptr(KsCameraFrame) frame = check_file (path);
  const KsCameraRect *face = &frame->guidance.face;
  const KsCameraRect *crop = &frame->guidance.crop;

  /* 35x45, inside the frame, around the whole face with room above it. */
  g_assert_cmpfloat (ABS ((double)crop->width / crop->height - 35.0 / 45.0), <, 0.01);
  g_assert_cmpint (crop->x, >=, 0);
  g_assert_cmpint (crop->y, >=, 0);
  g_assert_cmpint (crop->x + crop->width, <=, frame->width);
  g_assert_cmpint (crop->y + crop->height, <=, frame->height);
  g_assert_cmpint (crop->x, <, face->x);
  g_assert_cmpint (crop->x + crop->width, >, face->x + face->width);
  g_assert_cmpint (crop->y, <, face->y - face->height / 4);
  g_assert_cmpint (crop->y + crop->height, >, face->y + face->height);
}

static void
test_not_a_photo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-camera-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.png", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCameraFrame) frame = NULL;

  g_file_set_contents (path, "not a picture", -1, NULL);
  ks_camera_check_image_async (path, NULL, store_result, &result);
  frame = ks_camera_check_image_finish (wait_for (&result), &error);
  g_assert_null (frame);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_unlink (path);
  g_rmdir (dir);
}

/* The simulated camera ---------------------------------------------------------------------- */

typedef struct
{
  KsCameraFrame *frame;
  guint frames;
  GError *error;
} Seen;

static void
on_frame (KsCamera      *camera,
          KsCameraFrame *frame,
          Seen          *seen)
{
  g_clear_pointer (&seen->frame, ks_camera_frame_unref);
  seen->frame = ks_camera_frame_ref (frame);
  seen->frames++;
}

static void
on_failed (KsCamera     *camera,
           const GError *error,
           Seen         *seen)
{
  g_clear_error (&seen->error);
  seen->error = g_error_copy (error);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->frame, ks_camera_frame_unref);
  g_clear_error (&seen->error);
  seen->frames = 0;
}

static gboolean
tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean has_failed (Seen         *seen,
                            gconstpointer data);

static gboolean
wait_until (gboolean (*done)(Seen *seen, gconstpointer data),
            Seen         *seen,
            gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  /* Wakes the loop when the camera sends nothing, so the deadline holds. */
  guint ticker = g_timeout_add (100, tick, NULL);

  while (!done (seen, data) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (done != has_failed && seen->error != NULL)
        g_error ("The simulated camera failed: %s", seen->error->message);
    }
  g_source_remove (ticker);
  return done (seen, data);
}

static gboolean
has_problem (Seen         *seen,
             gconstpointer data)
{
  return seen->frame != NULL && seen->frame->guidance.problem == GPOINTER_TO_INT (data);
}

static gboolean
has_failed (Seen         *seen,
            gconstpointer data)
{
  return seen->error != NULL;
}

static gboolean
has_frames (Seen         *seen,
            gconstpointer data)
{
  return seen->frames >= GPOINTER_TO_UINT (data);
}

static KsCamera *
new_camera (Seen *seen)
{
  KsCamera *camera = ks_camera_new_simulated (KS_CAMERA_MODE_PHOTO, NULL);

  g_signal_connect (camera, "frame", G_CALLBACK (on_frame), seen);
  g_signal_connect (camera, "failed", G_CALLBACK (on_failed), seen);
  return camera;
}

static void
test_simulated_capture (void)
{
  Seen seen = { 0 };
  g_autoptr(KsCamera) camera = new_camera (&seen);
  g_autofree char *good = sample ("face-1.png");
  g_autofree char *empty = sample ("no-face.png");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GdkPixbuf) photo = NULL;
  g_autoptr(GInputStream) stream = NULL;

  g_assert_true (ks_camera_is_simulated (camera));
  ks_camera_simulate_show (camera, empty);
  ks_camera_start (camera);
  g_assert_true (wait_until (has_problem, &seen, GINT_TO_POINTER (KS_FACE_NONE)));
  g_assert_null (seen.error);
  g_assert_cmpint (seen.frame->width, ==, 640);
  g_assert_cmpint (seen.frame->height, ==, 480);

  /* No face: nothing to cut a photo around, and the operator is told why. */
  ks_camera_frame_to_photo_async (seen.frame, NULL, store_result, &result);
  png = ks_camera_frame_to_photo_finish (wait_for (&result), &error);
  g_assert_error (error, KS_CAMERA_ERROR, KS_CAMERA_ERROR_NO_PHOTO);
  g_assert_null (png);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The citizen sits down: the guidance follows within frames. */
  ks_camera_simulate_show (camera, good);
  g_assert_true (wait_until (has_problem, &seen, GINT_TO_POINTER (KS_FACE_OK)));
  g_assert_cmpuint (seen.frame->guidance.n_faces, ==, 1);

  ks_camera_frame_to_photo_async (seen.frame, NULL, store_result, &result);
  png = ks_camera_frame_to_photo_finish (wait_for (&result), &error);
  g_assert_no_error (error);
  stream = g_memory_input_stream_new_from_bytes (png);
  photo = gdk_pixbuf_new_from_stream (stream, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (photo), ==, seen.frame->guidance.crop.width);
  g_assert_cmpint (gdk_pixbuf_get_height (photo), ==, seen.frame->guidance.crop.height);

  ks_camera_stop (camera);
  g_assert_false (ks_camera_is_running (camera));
  seen_clear (&seen);
}

static void
test_sample_faces_play_in_turn (void)
{
  Seen seen = { 0 };
  g_autoptr(KsCamera) camera = new_camera (&seen);

  /* The training profile's camera: the good faces first. */
  ks_camera_start (camera);
  g_assert_true (wait_until (has_problem, &seen, GINT_TO_POINTER (KS_FACE_OK)));
  ks_camera_stop (camera);
  seen_clear (&seen);
}

static void
test_faults (void)
{
  static const struct
  {
    KsCameraFault fault;
    KsCameraError error;
  } cases[] = {
    { KS_CAMERA_FAULT_NO_CAMERA, KS_CAMERA_ERROR_NO_CAMERA },
    { KS_CAMERA_FAULT_STALL, KS_CAMERA_ERROR_NO_FRAMES },
    { KS_CAMERA_FAULT_FORMAT, KS_CAMERA_ERROR_FORMAT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Seen seen = { 0 };
      g_autoptr(KsCamera) camera = NULL;

      /* NO_CAMERA is the real camera's path on a computer without one. */
      if (cases[i].fault == KS_CAMERA_FAULT_NO_CAMERA)
        {
          camera = ks_camera_new (KS_CAMERA_MODE_PHOTO);
          g_signal_connect (camera, "frame", G_CALLBACK (on_frame), &seen);
          g_signal_connect (camera, "failed", G_CALLBACK (on_failed), &seen);
        }
      else
        camera = new_camera (&seen);
      ks_camera_set_timeouts_for_testing (camera, 1500, 1000);
      ks_camera_simulate_fault (camera, cases[i].fault);
      ks_camera_start (camera);
      g_assert_true (wait_until (has_failed, &seen, NULL));
      g_test_message ("fault %u: %s", cases[i].fault, seen.error->message);
      g_assert_error (seen.error, KS_CAMERA_ERROR, cases[i].error);
      g_assert_false (ks_camera_is_running (camera));

      /* Retry once the camera is fixed: pictures again. */
      if (ks_camera_is_simulated (camera))
        {
          g_clear_error (&seen.error);
          ks_camera_simulate_fault (camera, KS_CAMERA_FAULT_NONE);
          ks_camera_start (camera);
          g_assert_true (wait_until (has_frames, &seen, GUINT_TO_POINTER (2)));
          g_assert_null (seen.error);
          ks_camera_stop (camera);
        }
      seen_clear (&seen);
    }
}

static void
test_unplugged (void)
{
  Seen seen = { 0 };
  g_autoptr(KsCamera) camera = new_camera (&seen);

  ks_camera_start (camera);
  g_assert_true (wait_until (has_frames, &seen, GUINT_TO_POINTER (3)));
  ks_camera_simulate_fault (camera, KS_CAMERA_FAULT_UNPLUG);
  g_assert_true (wait_until (has_failed, &seen, NULL));
  g_assert_error (seen.error, KS_CAMERA_ERROR, KS_CAMERA_ERROR_UNPLUGGED);
  g_assert_false (ks_camera_is_running (camera));
  seen_clear (&seen);
}

static void
test_stop_while_opening (void)
{
  Seen seen = { 0 };
  KsCamera *camera = new_camera (&seen);
  gint64 deadline;

  /* Stopped and dropped before the pipeline opened: no frame and no failure afterwards. */
  ks_camera_start (camera);
  ks_camera_stop (camera);
  ks_camera_start (camera);
  g_object_unref (camera);
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (seen.frames, ==, 0);
  g_assert_null (seen.error);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/camera/guidance/samples", test_guidance_on_samples);
  g_test_add_func ("/camera/guidance/bad-captures", test_guidance_on_bad_captures);
  g_test_add_func ("/camera/guidance/crop", test_guidance_crop);
  g_test_add_func ("/camera/guidance/not-a-photo", test_not_a_photo);
  g_test_add_func ("/camera/simulated/capture", test_simulated_capture);
  g_test_add_func ("/camera/simulated/samples", test_sample_faces_play_in_turn);
  g_test_add_func ("/camera/faults", test_faults);
  g_test_add_func ("/camera/unplugged", test_unplugged);
  g_test_add_func ("/camera/stop-while-opening", test_stop_while_opening);

  ret = g_test_run ();
  g_assert_true (ks_camera_wait_closed (10000));
  return ret;
}
