/* ks-camera.c: the station's camera (GStreamer): live frames, face guidance, the ID photo
 *
 * One GStreamer pipeline per start:
 *
 *   v4l2src | pipewiresrc | appsrc (simulated)
 *     ! decodebin ! videoconvert ! videoscale ! video/x-raw,format=RGB (at most 640x480)
 *     ! facedetect (photo mode) ! queue (leaky) ! appsink
 *
 * `decodebin` takes what webcams send (raw YUYV or MJPEG); a format nothing decodes fails with
 * a message. The face detector is Debian's gstreamer1.0-opencv `facedetect` element (OpenCV's
 * frontal face Haar cascade from opencv-data). It sits in line rather than on a branch of a tee
 * because it posts each frame's face rectangles as an element message *before* it passes the
 * frame on: a synchronous bus handler keeps them, so when the frame reaches the appsink its own
 * faces are known and the guidance shown with a frame is about that frame, never a later one.
 *
 * Threads: GStreamer's streaming threads fill a frame, measure it (ks-face-guidance.c) and
 * hand it to the main context the camera was made on ("frame" signal), newest first: a busy UI
 * skips frames, it never queues them. Opening the device (pipeline to PLAYING) and closing it
 * (to NULL, which waits for the streaming threads) run in worker threads, so a camera that
 * hangs in its driver never freezes the window. What the streaming threads share lives in a
 * reference-counted Run, one per start, that outlives the camera object if it must: a frame
 * arriving after ks_camera_stop() finds its run detached and goes nowhere.
 *
 * The simulated camera (training profile, tests) is a live appsrc playing still images at 10
 * frames a second: the sample faces of data/camera/ in turn, or the one image
 * ks_camera_simulate_show() names (a card held up to the camera). It goes through the same
 * pipeline, face detector included; ks-camera-testing.h breaks it the ways real cameras break.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-camera"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#include "ks-camera-testing.h"
#include "ks-camera.h"
#include "ks-paths.h"

/* A real camera needs a moment to open and set its exposure; a frame every few seconds at
 * least, or it has stopped. */
#define FIRST_FRAME_TIMEOUT_MS 8000
#define FRAME_GAP_TIMEOUT_MS   4000
#define WATCHDOG_INTERVAL_MS   250
/* Simulated camera: frames a second, and how long each sample face stays in turn. */
#define SIM_FPS            10
#define SIM_SECONDS_A_FACE 3
/* Largest simulated picture: a card's back rendered at 300 dpi fits unscaled. */
#define SIM_MAX_WIDTH  1280
#define SIM_MAX_HEIGHT 960

G_DEFINE_QUARK (ks-camera-error-quark, ks_camera_error)

/* Pipelines not yet torn down, for ks_camera_wait_closed(): OpenCV's per-thread data is gone
 * once exit() starts, and a face detector still running then aborts the process. */
static GMutex pipelines_lock;
static GCond pipelines_closed;
static guint pipelines_open;

/* Frames ------------------------------------------------------------------------------------ */

static KsCameraFrame *
frame_new (void)
{
  return g_atomic_rc_box_new0 (KsCameraFrame);
}

static void
frame_clear (KsCameraFrame *frame)
{
  g_clear_pointer (&frame->rgb, g_bytes_unref);
}

KsCameraFrame *
ks_camera_frame_ref (KsCameraFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return g_atomic_rc_box_acquire (frame);
}

void
ks_camera_frame_unref (KsCameraFrame *frame)
{
  g_return_if_fail (frame != NULL);
  g_atomic_rc_box_release_full (frame, (GDestroyNotify)frame_clear);
}

G_DEFINE_BOXED_TYPE (KsCameraFrame, ks_camera_frame, ks_camera_frame_ref, ks_camera_frame_unref)

/* One start of the camera ------------------------------------------------------------------- */

typedef struct
{
  gatomicrefcount ref;
  KsCameraMode mode;
  GCancellable *cancellable;    /* cancelled by ks_camera_stop(): an open still running gives up */

  /* Main context only */
  KsCamera *camera;             /* not a reference: NULL once stopped */
  GstElement *pipeline;         /* set once the open finished */
  GSource *bus_source;
  gint64 started_us;

  /* Shared with the streaming threads, under lock */
  GMutex lock;
  GArray *faces;                /* KsCameraRect of the frame with PTS faces_pts */
  GstClockTime faces_pts;
  KsCameraFrame *last_frame;
  KsCameraFrame *pending;       /* the newest frame not yet handed to the main context */
  gint64 last_frame_us;
  guint64 sequence;
  GMainContext *context;

  /* Simulated camera */
  gboolean simulated;
  char **images;
  char *shown;                  /* pinned image, or NULL to play @images in turn */
  char *loaded_path;
  GdkPixbuf *loaded;
  guint64 pushed;
  gint64 first_push_us;
  KsCameraFault fault;
  gboolean caps_set;
  int caps_width;
  int caps_height;
} Run;

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref))
    return;
  g_assert (run->bus_source == NULL);
  /* Torn down before: the pipeline's callbacks hold references to the run. */
  g_assert (run->pipeline == NULL);
  g_clear_object (&run->cancellable);
  g_clear_pointer (&run->faces, g_array_unref);
  g_clear_pointer (&run->last_frame, ks_camera_frame_unref);
  g_clear_pointer (&run->pending, ks_camera_frame_unref);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_strfreev (run->images);
  g_free (run->shown);
  g_free (run->loaded_path);
  g_clear_object (&run->loaded);
  g_mutex_clear (&run->lock);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static void
closure_run_unref (gpointer  data,
                   GClosure *closure)
{
  run_unref (data);
}

struct _KsCamera
{
  GObject parent_instance;

  KsCameraMode mode;
  gboolean simulated;
  char **images;
  char *shown;
  KsCameraFault fault;
  guint first_frame_timeout_ms;
  guint frame_gap_timeout_ms;
  GMainContext *context;

  Run *run;                     /* the current start, or NULL when stopped */
  GSource *watchdog;
};

enum {
  FRAME,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsCamera, ks_camera, G_TYPE_OBJECT)

static void fail (KsCamera *self,
                  GError   *error);

/* Turning GStreamer's errors into what the operator can do ---------------------------------- */

static GError *
camera_error (KsCameraError code)
{
  const char *message = NULL;

  switch (code)
    {
    case KS_CAMERA_ERROR_NO_CAMERA:
      message = _("No camera was found. Plug in the camera and press Retry, or use a file "
                  "instead.");
      break;
    case KS_CAMERA_ERROR_OPEN:
      message = _("The camera cannot be opened: another program may be using it. Close that "
                  "program and press Retry, or use a file instead.");
      break;
    case KS_CAMERA_ERROR_UNPLUGGED:
      message = _("The camera stopped: it may have been unplugged. Plug it in again and press "
                  "Retry, or use a file instead.");
      break;
    case KS_CAMERA_ERROR_NO_FRAMES:
      message = _("The camera sends no picture. Unplug it, plug it in again and press Retry, or "
                  "use a file instead.");
      break;
    case KS_CAMERA_ERROR_FORMAT:
      message = _("The camera sends pictures in a format the station cannot read. Try another "
                  "camera and press Retry, or use a file instead.");
      break;
    case KS_CAMERA_ERROR_NO_PHOTO:
      message = _("The camera has not sent a picture yet. Wait for the picture, then take the "
                  "photo.");
      break;
    default:
      g_assert_not_reached ();
    }
  return g_error_new_literal (KS_CAMERA_ERROR, code, message);
}

/* @had_frames: the camera had sent pictures before this error (then a read error means it was
 * unplugged, not that it could not be opened). */
static GError *
error_from_gst (const GError *gst_error,
                const char   *debug,
                gboolean      had_frames)
{
  g_debug ("GStreamer: %s (%s)", gst_error->message, debug ? debug : "");

  if (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION) ||
      g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND) ||
      g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE) ||
      (debug != NULL && strstr (debug, "not-negotiated") != NULL))
    return camera_error (KS_CAMERA_ERROR_FORMAT);
  if (gst_error->domain == GST_RESOURCE_ERROR)
    {
      if (had_frames)
        return camera_error (KS_CAMERA_ERROR_UNPLUGGED);
      if (gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND)
        return camera_error (KS_CAMERA_ERROR_NO_CAMERA);
      return camera_error (KS_CAMERA_ERROR_OPEN);
    }
  return camera_error (had_frames ? KS_CAMERA_ERROR_UNPLUGGED : KS_CAMERA_ERROR_OPEN);
}

/* Streaming threads ------------------------------------------------------------------------- */

/* facedetect's element message: faces=(GstValueList of "face, x=(uint), y, width, height"). */
static GstBusSyncReply
sync_bus_handler (GstBus     *bus,
                  GstMessage *message,
                  gpointer    user_data)
{
  Run *run = user_data;
  const GstStructure *s;
  const GValue *list;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  g_autoptr(GArray) faces = NULL;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT)
    return GST_BUS_PASS;
  s = gst_message_get_structure (message);
  if (s == NULL || !gst_structure_has_name (s, "facedetect"))
    return GST_BUS_PASS;

  faces = g_array_new (FALSE, TRUE, sizeof (KsCameraRect));
  gst_structure_get_uint64 (s, "timestamp", &pts);
  list = gst_structure_get_value (s, "faces");
  if (list != NULL && GST_VALUE_HOLDS_LIST (list))
    for (guint i = 0; i < gst_value_list_get_size (list); i++)
      {
        const GValue *v = gst_value_list_get_value (list, i);
        const GstStructure *face = GST_VALUE_HOLDS_STRUCTURE (v) ? gst_value_get_structure (v)
                                                                 : NULL;
        guint x, y, w, h;

        if (face != NULL &&
            gst_structure_get_uint (face, "x", &x) && gst_structure_get_uint (face, "y", &y) &&
            gst_structure_get_uint (face, "width", &w) &&
            gst_structure_get_uint (face, "height", &h))
          {
            KsCameraRect r = { (int)x, (int)y, (int)w, (int)h };
            g_array_append_val (faces, r);
          }
      }

  g_mutex_lock (&run->lock);
  g_clear_pointer (&run->faces, g_array_unref);
  run->faces = g_steal_pointer (&faces);
  run->faces_pts = pts;
  g_mutex_unlock (&run->lock);
  return GST_BUS_DROP;
}

/* A frame from a sample, measured. @faces: this frame's faces, or NULL outside photo mode. */
static KsCameraFrame *
frame_from_sample (GstSample *sample,
                   GArray    *faces)
{
  GstCaps *caps = gst_sample_get_caps (sample);
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstVideoInfo info;
  GstVideoFrame video;
  KsCameraFrame *frame;

  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGB ||
      !gst_video_frame_map (&video, &info, buffer, GST_MAP_READ))
    return NULL;

  frame = frame_new ();
  frame->width = GST_VIDEO_FRAME_WIDTH (&video);
  frame->height = GST_VIDEO_FRAME_HEIGHT (&video);
  frame->stride = GST_VIDEO_FRAME_PLANE_STRIDE (&video, 0);
  frame->rgb = g_bytes_new (GST_VIDEO_FRAME_PLANE_DATA (&video, 0),
                            (gsize)frame->stride * frame->height);
  gst_video_frame_unmap (&video);

  if (faces != NULL)
    ks_face_guidance_analyze (&frame->guidance, g_bytes_get_data (frame->rgb, NULL),
                              frame->width, frame->height, frame->stride,
                              (const KsCameraRect *)(gpointer)faces->data, faces->len);
  return frame;
}

static gboolean emit_pending_frame (gpointer user_data);

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  Run *run = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  g_autoptr(GArray) faces = NULL;
  KsCameraFrame *frame;
  gboolean schedule;

  if (sample == NULL)
    return GST_FLOW_OK;

  if (run->mode == KS_CAMERA_MODE_PHOTO)
    {
      GstBuffer *buffer = gst_sample_get_buffer (sample);

      g_mutex_lock (&run->lock);
      if (run->faces != NULL && buffer != NULL && run->faces_pts == GST_BUFFER_PTS (buffer))
        faces = g_array_ref (run->faces);
      g_mutex_unlock (&run->lock);
      /* No message for this frame: the detector saw no face in it. */
      if (faces == NULL)
        faces = g_array_new (FALSE, TRUE, sizeof (KsCameraRect));
    }

  frame = frame_from_sample (sample, faces);
  if (frame == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&run->lock);
  frame->sequence = ++run->sequence;
  run->last_frame_us = g_get_monotonic_time ();
  g_clear_pointer (&run->last_frame, ks_camera_frame_unref);
  run->last_frame = ks_camera_frame_ref (frame);
  schedule = run->pending == NULL;
  g_clear_pointer (&run->pending, ks_camera_frame_unref);
  run->pending = frame;
  g_mutex_unlock (&run->lock);

  /* An idle source, not g_main_context_invoke(): that would run the handler right here, in
   * the streaming thread, whenever no thread happens to hold the main context. */
  if (schedule)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_pending_frame, run_ref (run),
                             (GDestroyNotify)run_unref);
      g_source_attach (source, run->context);
      g_source_unref (source);
    }
  return GST_FLOW_OK;
}

/* The simulated camera: an appsrc asking for its next picture. */
static GdkPixbuf *
load_sim_image (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  int w, h;

  if (pixbuf == NULL)
    {
      g_warning ("Simulated camera: %s", error->message);
      return NULL;
    }
  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  if (w > SIM_MAX_WIDTH || h > SIM_MAX_HEIGHT)
    {
      double scale = MIN ((double)SIM_MAX_WIDTH / w, (double)SIM_MAX_HEIGHT / h);
      GdkPixbuf *scaled = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int)(w * scale)),
                                                   MAX (1, (int)(h * scale)),
                                                   GDK_INTERP_BILINEAR);

      g_set_object (&pixbuf, scaled);
      g_object_unref (scaled);
    }
  /* Cameras send no alpha: a transparent card render is seen on white. */
  if (gdk_pixbuf_get_has_alpha (pixbuf))
    {
      GdkPixbuf *flat = gdk_pixbuf_composite_color_simple (pixbuf, gdk_pixbuf_get_width (pixbuf),
                                                           gdk_pixbuf_get_height (pixbuf),
                                                           GDK_INTERP_NEAREST, 255, 32,
                                                           0xffffffff, 0xffffffff);
      GdkPixbuf *rgb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8,
                                       gdk_pixbuf_get_width (pixbuf),
                                       gdk_pixbuf_get_height (pixbuf));

      /* composite_color keeps the alpha channel (now opaque): drop it. */
      gdk_pixbuf_fill (rgb, 0xffffffff);
      for (int y = 0; y < gdk_pixbuf_get_height (flat); y++)
        {
          const guint8 *src = gdk_pixbuf_read_pixels (flat) +
                              (gsize)y * gdk_pixbuf_get_rowstride (flat);
          guint8 *dst = gdk_pixbuf_get_pixels (rgb) + (gsize)y * gdk_pixbuf_get_rowstride (rgb);

          for (int x = 0; x < gdk_pixbuf_get_width (flat); x++)
            memcpy (dst + x * 3, src + x * 4, 3);
        }
      g_object_unref (flat);
      g_set_object (&pixbuf, rgb);
      g_object_unref (rgb);
    }
  return g_steal_pointer (&pixbuf);
}

static void
on_need_data (GstAppSrc *src,
              guint      length,
              gpointer   user_data)
{
  Run *run = user_data;
  const char *path = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  int w, h, stride, src_stride;
  const guint8 *pixels;
  gint64 wait_us;

  g_mutex_lock (&run->lock);
  if (run->fault == KS_CAMERA_FAULT_STALL)
    {
      /* A camera that opened and then sends nothing: no push, so no more need-data either. */
      g_mutex_unlock (&run->lock);
      return;
    }
  if (run->shown != NULL)
    path = run->shown;
  else if (run->images != NULL && run->images[0] != NULL)
    path = run->images[(run->pushed / (SIM_FPS * SIM_SECONDS_A_FACE)) %
                       g_strv_length (run->images)];
  if (path != NULL && g_strcmp0 (path, run->loaded_path) != 0)
    {
      g_clear_object (&run->loaded);
      run->loaded = load_sim_image (path);
      g_free (run->loaded_path);
      run->loaded_path = g_strdup (path);
    }
  if (run->loaded == NULL)
    {
      g_mutex_unlock (&run->lock);
      gst_app_src_end_of_stream (src);
      return;
    }

  w = gdk_pixbuf_get_width (run->loaded);
  h = gdk_pixbuf_get_height (run->loaded);
  if (!run->caps_set || w != run->caps_width || h != run->caps_height)
    {
      g_autoptr(GstCaps) caps = NULL;

      if (run->fault == KS_CAMERA_FAULT_FORMAT)
        /* What a camera nobody can decode announces: decodebin finds no element for it. */
        caps = gst_caps_new_simple ("video/x-khyber-unknown", "width", G_TYPE_INT, w,
                                    "height", G_TYPE_INT, h,
                                    "framerate", GST_TYPE_FRACTION, SIM_FPS, 1, NULL);
      else
        caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "RGB",
                                    "width", G_TYPE_INT, w, "height", G_TYPE_INT, h,
                                    "framerate", GST_TYPE_FRACTION, SIM_FPS, 1,
                                    "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
      gst_app_src_set_caps (src, caps);
      run->caps_set = TRUE;
      run->caps_width = w;
      run->caps_height = h;
    }

  /* GStreamer's RGB rows are 4-byte aligned; gdk-pixbuf's may be too, or not. */
  stride = GST_ROUND_UP_4 (w * 3);
  src_stride = gdk_pixbuf_get_rowstride (run->loaded);
  pixels = gdk_pixbuf_read_pixels (run->loaded);
  buffer = gst_buffer_new_allocate (NULL, (gsize)stride * h, NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (int y = 0; y < h; y++)
    memcpy (map.data + (gsize)y * stride, pixels + (gsize)y * src_stride, (gsize)w * 3);
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (run->pushed, GST_SECOND, SIM_FPS);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (1, GST_SECOND, SIM_FPS);
  if (run->pushed == 0)
    run->first_push_us = g_get_monotonic_time ();
  wait_us = run->first_push_us + (gint64)run->pushed * G_USEC_PER_SEC / SIM_FPS -
            g_get_monotonic_time ();
  run->pushed++;
  g_mutex_unlock (&run->lock);

  /* A live source, paced like a sensor: this is the appsrc's own streaming thread. */
  if (wait_us > 0)
    g_usleep (wait_us);
  gst_app_src_push_buffer (src, buffer);
}

/* Building and opening (worker thread) ------------------------------------------------------- */

/* The first video capture device, `/dev/video0` on most laptops. */
static char *
find_v4l2_device (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev", 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "video") && g_ascii_isdigit (name[5]))
      g_ptr_array_add (found, g_build_filename ("/dev", name, NULL));
  if (found->len == 0)
    return NULL;
  g_ptr_array_sort (found, (GCompareFunc)g_strcmp0);
  return g_strdup (g_ptr_array_index (found, 0));
}

static char *
pipeline_description (KsCameraMode mode,
                      const char  *source)
{
  const char *size = mode == KS_CAMERA_MODE_PHOTO ? "width=[1,640],height=[1,480]"
                                                  : "width=[1,1280],height=[1,960]";
  /* display=false: the rectangles are for the guidance, not drawn into the citizen's photo. */
  const char *detector = mode == KS_CAMERA_MODE_PHOTO
                         ? "facedetect name=face display=false min-size-width=40 "
                         "min-size-height=40 updates=every_frame ! "
                         : "";

  return g_strdup_printf ("%s ! decodebin ! videoconvert ! videoscale ! "
                          "video/x-raw,format=RGB,%s,pixel-aspect-ratio=1/1 ! %s"
                          "queue max-size-buffers=2 leaky=downstream ! "
                          "appsink name=sink max-buffers=2 drop=true", source, size, detector);
}

static gboolean
ensure_gstreamer (GError **error)
{
  g_autoptr(GError) local = NULL;

  if (gst_init_check (NULL, NULL, &local))
    return TRUE;
  g_debug ("GStreamer: %s", local->message);
  g_propagate_error (error, camera_error (KS_CAMERA_ERROR_NO_CAMERA));
  return FALSE;
}

static GstElement *
build_pipeline (Run     *run,
                GError **error)
{
  g_autofree char *device = NULL;
  g_autofree char *source = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstAppSinkCallbacks callbacks = { 0 };

  if (!ensure_gstreamer (error))
    return NULL;

  if (run->simulated)
    source = g_strdup ("appsrc name=sim format=time is-live=true");
  else if (run->fault == KS_CAMERA_FAULT_NO_CAMERA)
    source = NULL;
  else if ((device = find_v4l2_device ()) != NULL)
    source = g_strdup_printf ("v4l2src device=%s", device);
  else if (gst_element_factory_find ("pipewiresrc") != NULL)
    /* No V4L2 device node (a sandbox, libcamera): PipeWire may still have a camera. */
    source = g_strdup ("pipewiresrc");
  if (source == NULL)
    {
      g_propagate_error (error, camera_error (KS_CAMERA_ERROR_NO_CAMERA));
      return NULL;
    }
  if (run->mode == KS_CAMERA_MODE_PHOTO && gst_element_factory_find ("facedetect") == NULL)
    g_warning ("GStreamer's facedetect element is missing (Debian: gstreamer1.0-opencv)");

  description = pipeline_description (run->mode, source);
  pipeline = gst_parse_launch (description, &parse_error);
  if (pipeline == NULL || parse_error != NULL)
    {
      /* A missing element (plugins not installed) is a broken installation, but the operator
       * still gets a message and the file path. */
      g_warning ("Camera pipeline: %s", parse_error ? parse_error->message : description);
      g_propagate_error (error, camera_error (KS_CAMERA_ERROR_NO_CAMERA));
      return NULL;
    }
  gst_object_ref_sink (pipeline);
  g_mutex_lock (&pipelines_lock);
  pipelines_open++;
  g_mutex_unlock (&pipelines_lock);

  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, sync_bus_handler, run_ref (run), (GDestroyNotify)run_unref);

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  callbacks.new_sample = on_new_sample;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, run_ref (run),
                              (GDestroyNotify)run_unref);
  /* Live sources: show each frame as it comes, late or not. */
  g_object_set (sink, "sync", FALSE, NULL);

  if (run->simulated)
    {
      g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "sim");

      g_signal_connect_data (src, "need-data", G_CALLBACK (on_need_data), run_ref (run),
                             closure_run_unref, 0);
    }
  return g_steal_pointer (&pipeline);
}

/* Stops @pipeline and lets go of the run its callbacks hold: waits for the streaming threads,
 * so worker threads only. */
static void
teardown_pipeline (GstElement *pipeline)
{
  g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr(GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_autoptr(GstElement) src = gst_bin_get_by_name (GST_BIN (pipeline), "sim");
  GstAppSinkCallbacks none = { 0 };

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  if (sink != NULL)
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &none, NULL, NULL);
  if (src != NULL)
    g_signal_handlers_disconnect_matched (src, G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                          on_need_data, NULL);
  g_clear_object (&sink);
  g_clear_object (&src);
  gst_object_unref (pipeline);

  g_mutex_lock (&pipelines_lock);
  pipelines_open--;
  g_cond_broadcast (&pipelines_closed);
  g_mutex_unlock (&pipelines_lock);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Run *run = task_data;
  g_autoptr(GstElement) pipeline = NULL;
  GError *error = NULL;

  pipeline = build_pipeline (run, &error);
  if (pipeline == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    {
      teardown_pipeline (g_steal_pointer (&pipeline));
      return;
    }
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (pipeline);
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      g_autoptr(GError) gst_error = NULL;
      g_autofree char *debug = NULL;

      if (message != NULL)
        gst_message_parse_error (message, &gst_error, &debug);
      teardown_pipeline (g_steal_pointer (&pipeline));
      g_task_return_error (task, gst_error ? error_from_gst (gst_error, debug, FALSE)
                                           : camera_error (KS_CAMERA_ERROR_OPEN));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&pipeline), (GDestroyNotify)teardown_pipeline);
}

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Run *run = task_data;

  /* Waits for the streaming threads to leave: a hung driver blocks here, not the window. */
  if (run->pipeline != NULL)
    teardown_pipeline (g_steal_pointer (&run->pipeline));
  g_task_return_boolean (task, TRUE);
}

/* Main context ------------------------------------------------------------------------------ */

static gboolean
emit_pending_frame (gpointer user_data)
{
  Run *run = user_data;
  g_autoptr(KsCameraFrame) frame = NULL;

  g_mutex_lock (&run->lock);
  frame = g_steal_pointer (&run->pending);
  g_mutex_unlock (&run->lock);

  /* Frames can beat opened() to the main context: the camera counts as open (and can fail,
   * be unplugged) only from there, so its first frames before that are not shown. */
  if (frame != NULL && run->camera != NULL && run->pipeline != NULL)
    g_signal_emit (run->camera, signals[FRAME], 0, frame);
  return G_SOURCE_REMOVE;
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  Run *run = user_data;
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  gboolean had_frames;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR || run->camera == NULL)
    return G_SOURCE_CONTINUE;

  gst_message_parse_error (message, &gst_error, &debug);
  g_mutex_lock (&run->lock);
  had_frames = run->sequence > 0;
  g_mutex_unlock (&run->lock);
  fail (run->camera, error_from_gst (gst_error, debug, had_frames));
  return G_SOURCE_CONTINUE;
}

static gboolean
watchdog (gpointer user_data)
{
  KsCamera *self = user_data;
  Run *run = self->run;
  gint64 now = g_get_monotonic_time ();
  gint64 last;
  guint64 seen;

  if (run == NULL || run->pipeline == NULL)
    return G_SOURCE_CONTINUE;
  g_mutex_lock (&run->lock);
  last = run->last_frame_us;
  seen = run->sequence;
  g_mutex_unlock (&run->lock);

  if ((seen == 0 && now - run->started_us > (gint64)self->first_frame_timeout_ms * 1000) ||
      (seen > 0 && now - last > (gint64)self->frame_gap_timeout_ms * 1000))
    fail (self, camera_error (KS_CAMERA_ERROR_NO_FRAMES));
  return G_SOURCE_CONTINUE;
}

static void
opened (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GstBus) bus = NULL;
  KsCamera *self = run->camera;

  if (pipeline == NULL)
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error));
      return;
    }
  run->pipeline = g_steal_pointer (&pipeline);
  if (self == NULL)
    {
      /* Stopped while it opened: close it again, off this thread. */
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, run_ref (run), (GDestroyNotify)run_unref);
      g_task_run_in_thread (task, close_thread);
      return;
    }
  run->started_us = g_get_monotonic_time ();
  bus = gst_element_get_bus (run->pipeline);
  run->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (run->bus_source, (GSourceFunc)(void (*)(void))on_bus_message,
                         run_ref (run), (GDestroyNotify)run_unref);
  g_source_attach (run->bus_source, run->context);
}

static void
fail (KsCamera *self,
      GError   *error)
{
  g_autoptr(GError) owned = error;

  g_object_ref (self);
  ks_camera_stop (self);
  g_signal_emit (self, signals[FAILED], 0, owned);
  g_object_unref (self);
}

static void
ks_camera_dispose (GObject *object)
{
  KsCamera *self = (KsCamera *)object;

  ks_camera_stop (self);

  G_OBJECT_CLASS (ks_camera_parent_class)->dispose (object);
}

static void
ks_camera_finalize (GObject *object)
{
  KsCamera *self = (KsCamera *)object;

  g_strfreev (self->images);
  g_free (self->shown);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (ks_camera_parent_class)->finalize (object);
}

static void
ks_camera_class_init (KsCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_camera_dispose;
  object_class->finalize = ks_camera_finalize;

  /**
   * KsCamera::frame:
   * @frame: the newest picture, with its guidance in photo mode
   *
   * Emitted on the main context the camera was made on; frames the receiver was too busy for
   * are skipped.
   */
  signals[FRAME] = g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1,
                                 KS_TYPE_CAMERA_FRAME | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * KsCamera::failed:
   * @error: what happened and what to do, in a %KS_CAMERA_ERROR
   *
   * The camera stopped (or never started); ks_camera_start() tries again.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
ks_camera_init (KsCamera *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->first_frame_timeout_ms = FIRST_FRAME_TIMEOUT_MS;
  self->frame_gap_timeout_ms = FRAME_GAP_TIMEOUT_MS;
}

/**
 * ks_camera_new:
 * @mode: a citizen's photo or a card's QR code
 *
 * The computer's camera (the first V4L2 device, else PipeWire's), not opened yet. Its signals
 * are emitted on the thread-default main context of the caller.
 */
KsCamera *
ks_camera_new (KsCameraMode mode)
{
  KsCamera *self = g_object_new (KS_TYPE_CAMERA, NULL);

  self->mode = mode;
  return self;
}

/**
 * ks_camera_new_simulated:
 * @images: (nullable) (array zero-terminated=1): pictures to play in turn; %NULL for the sample
 *   faces (ks_camera_sample_images())
 *
 * A camera for the training profile and the tests, that plays still pictures through the same
 * pipeline as a real one.
 */
KsCamera *
ks_camera_new_simulated (KsCameraMode        mode,
                         const char * const *images)
{
  KsCamera *self = ks_camera_new (mode);

  self->simulated = TRUE;
  self->images = images ? g_strdupv ((char **)images) : ks_camera_sample_images ();
  return self;
}

/**
 * ks_camera_new_for_profile:
 *
 * The camera a station of @profile uses: the simulated one in the training profile (as its
 * fingerprint reader is), the computer's camera in production, whatever the environment says.
 */
KsCamera *
ks_camera_new_for_profile (KsProfile   *profile,
                           KsCameraMode mode)
{
  g_return_val_if_fail (KS_IS_PROFILE (profile), NULL);

  if (ks_profile_is_training (profile))
    return ks_camera_new_simulated (mode, NULL);
  return ks_camera_new (mode);
}

gboolean
ks_camera_is_simulated (KsCamera *self)
{
  g_return_val_if_fail (KS_IS_CAMERA (self), FALSE);
  return self->simulated;
}

KsCameraMode
ks_camera_get_mode (KsCamera *self)
{
  g_return_val_if_fail (KS_IS_CAMERA (self), KS_CAMERA_MODE_PHOTO);
  return self->mode;
}

/**
 * ks_camera_start:
 *
 * Opens the camera in a worker thread; "frame" follows, or "failed" (no camera, cannot open,
 * no picture within a few seconds, unreadable format). Does nothing while it runs.
 */
void
ks_camera_start (KsCamera *self)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (KS_IS_CAMERA (self));

  if (self->run != NULL)
    return;

  run = g_new0 (Run, 1);
  g_atomic_ref_count_init (&run->ref);
  g_mutex_init (&run->lock);
  run->mode = self->mode;
  run->camera = self;
  run->cancellable = g_cancellable_new ();
  run->context = g_main_context_ref (self->context);
  run->faces_pts = GST_CLOCK_TIME_NONE;
  run->simulated = self->simulated;
  run->images = g_strdupv (self->images);
  run->shown = g_strdup (self->shown);
  run->fault = self->fault;
  run->started_us = g_get_monotonic_time ();
  self->run = run;

  self->watchdog = g_timeout_source_new (WATCHDOG_INTERVAL_MS);
  g_source_set_callback (self->watchdog, watchdog, self, NULL);
  g_source_attach (self->watchdog, self->context);

  task = g_task_new (NULL, run->cancellable, opened, run_ref (run));
  g_task_set_source_tag (task, ks_camera_start);
  /* opened() takes the pipeline even when stopped meanwhile, and closes it off this thread. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, run_ref (run), (GDestroyNotify)run_unref);
  g_task_run_in_thread (task, open_thread);
}

/**
 * ks_camera_stop:
 *
 * Stops the camera: no "frame" after this returns. The device is closed in a worker thread.
 */
void
ks_camera_stop (KsCamera *self)
{
  Run *run;

  g_return_if_fail (KS_IS_CAMERA (self));

  if (self->watchdog != NULL)
    {
      g_source_destroy (self->watchdog);
      g_clear_pointer (&self->watchdog, g_source_unref);
    }
  run = g_steal_pointer (&self->run);
  if (run == NULL)
    return;
  run->camera = NULL;
  g_cancellable_cancel (run->cancellable);
  if (run->bus_source != NULL)
    {
      g_source_destroy (run->bus_source);
      g_clear_pointer (&run->bus_source, g_source_unref);
    }
  if (run->pipeline != NULL)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, run_ref (run), (GDestroyNotify)run_unref);
      g_task_run_in_thread (task, close_thread);
    }
  run_unref (run);
}

gboolean
ks_camera_is_running (KsCamera *self)
{
  g_return_val_if_fail (KS_IS_CAMERA (self), FALSE);
  return self->run != NULL;
}

/**
 * ks_camera_dup_last_frame:
 *
 * Returns: (transfer full) (nullable): the newest picture since the camera started
 */
KsCameraFrame *
ks_camera_dup_last_frame (KsCamera *self)
{
  KsCameraFrame *frame = NULL;

  g_return_val_if_fail (KS_IS_CAMERA (self), NULL);

  if (self->run == NULL)
    return NULL;
  g_mutex_lock (&self->run->lock);
  if (self->run->last_frame != NULL)
    frame = ks_camera_frame_ref (self->run->last_frame);
  g_mutex_unlock (&self->run->lock);
  return frame;
}

/**
 * ks_camera_wait_closed:
 * @timeout_ms: how long to wait at most
 *
 * Waits until every camera stopped so far is closed (their worker threads done). The program
 * calls it before it exits: OpenCV aborts the process when a face detector still runs while
 * exit() tears down its per-thread data.
 *
 * Returns: %TRUE when all are closed
 */
gboolean
ks_camera_wait_closed (guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean closed;

  g_mutex_lock (&pipelines_lock);
  while (pipelines_open > 0)
    if (!g_cond_wait_until (&pipelines_closed, &pipelines_lock, end))
      break;
  closed = pipelines_open == 0;
  g_mutex_unlock (&pipelines_lock);
  return closed;
}

/**
 * ks_camera_simulate_show:
 * @image_path: (nullable): a picture (PNG, JPEG) for the simulated camera to show until told
 *   otherwise, a card held up to it for example; %NULL to play the sample faces again
 */
void
ks_camera_simulate_show (KsCamera   *self,
                         const char *image_path)
{
  g_return_if_fail (KS_IS_CAMERA (self));
  g_return_if_fail (self->simulated);

  g_free (self->shown);
  self->shown = g_strdup (image_path);
  if (self->run != NULL)
    {
      g_mutex_lock (&self->run->lock);
      g_free (self->run->shown);
      self->run->shown = g_strdup (image_path);
      g_mutex_unlock (&self->run->lock);
    }
}

/**
 * ks_camera_sample_dir:
 *
 * Returns: (transfer full): the folder of the simulated camera's sample faces
 */
char *
ks_camera_sample_dir (void)
{
  g_autofree char *source = ks_paths_source_data_dir ();

  if (source != NULL)
    return g_build_filename (source, "camera", NULL);
  return g_build_filename (DATADIR, "camera", NULL);
}

/**
 * ks_camera_sample_images:
 *
 * Returns: (transfer full): the sample faces the simulated camera plays in turn: the good
 *   ones first, then each fault the guidance names
 */
char **
ks_camera_sample_images (void)
{
  static const char *const names[] = {
    "face-1.png", "face-2.png", "face-far.png", "face-off-centre.png", "face-tilted.png",
    "no-face.png", NULL,
  };
  g_autofree char *dir = ks_camera_sample_dir ();
  GPtrArray *images = g_ptr_array_new ();

  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (images, g_build_filename (dir, names[i], NULL));
  g_ptr_array_add (images, NULL);
  return (char **)g_ptr_array_free (images, FALSE);
}

/* The ID photo from a frame (worker thread) ------------------------------------------------- */

static void
to_photo_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KsCameraFrame *frame = task_data;
  const KsCameraRect *crop = &frame->guidance.crop;
  g_autoptr(GdkPixbuf) whole = NULL;
  g_autoptr(GdkPixbuf) part = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  gsize size;

  /* The photo is cut around the face: without one there is nothing to cut around. */
  if (frame->guidance.n_faces == 0)
    {
      g_task_return_new_error (task, KS_CAMERA_ERROR, KS_CAMERA_ERROR_NO_PHOTO, "%s",
                               ks_face_guidance_message (&frame->guidance));
      return;
    }
  whole = gdk_pixbuf_new_from_bytes (frame->rgb, GDK_COLORSPACE_RGB, FALSE, 8, frame->width,
                                     frame->height, frame->stride);
  part = gdk_pixbuf_new_subpixbuf (whole, crop->x, crop->y, crop->width, crop->height);
  if (!gdk_pixbuf_save_to_buffer (part, &png, &size, "png", &error, NULL))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_bytes_new_take (g_steal_pointer (&png), size),
                         (GDestroyNotify)g_bytes_unref);
}

/**
 * ks_camera_frame_to_photo_async:
 * @frame: a photo-mode frame with a face
 *
 * Cuts the 35x45 ID photo around the face (@frame's guidance crop) and encodes it as PNG, in a
 * worker thread. Refused with %KS_CAMERA_ERROR_NO_PHOTO when the frame holds no face.
 */
void
ks_camera_frame_to_photo_async (KsCameraFrame      *frame,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (frame != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_camera_frame_to_photo_async);
  g_task_set_task_data (task, ks_camera_frame_ref (frame),
                        (GDestroyNotify)ks_camera_frame_unref);
  g_task_run_in_thread (task, to_photo_thread);
}

/**
 * ks_camera_frame_to_photo_finish:
 *
 * Returns: (transfer full): the photo, PNG bytes
 */
GBytes *
ks_camera_frame_to_photo_finish (GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ks_camera_frame_to_photo_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The same checks on a photo from a file (worker thread) ------------------------------------ */

static void
check_image_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) src = NULL;
  g_autoptr(GstElement) sink = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(GArray) faces = NULL;
  KsCameraFrame *frame;

  if (!ensure_gstreamer (&error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The picture at camera size: the thresholds are the camera's. */
  image = gdk_pixbuf_new_from_file_at_scale (path, 640, 480, TRUE, &error);
  if (image == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                               _("This file is not a photo the station can read. Choose a PNG "
                                 "or JPEG file."));
      return;
    }

  run = g_new0 (Run, 1);
  g_atomic_ref_count_init (&run->ref);
  g_mutex_init (&run->lock);
  run->mode = KS_CAMERA_MODE_PHOTO;
  run->simulated = TRUE;
  run->shown = g_strdup (path);
  run->faces_pts = GST_CLOCK_TIME_NONE;

  pipeline = gst_parse_launch ("appsrc name=sim format=time ! videoconvert ! "
                               "video/x-raw,format=RGB ! facedetect display=false "
                               "min-size-width=40 min-size-height=40 ! "
                               "appsink name=sink sync=false", &error);
  if (pipeline == NULL || error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  gst_object_ref_sink (pipeline);
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, sync_bus_handler, run_ref (run), (GDestroyNotify)run_unref);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "sim");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_clear_object (&run->loaded);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* One frame of the file, at camera size, then the end. */
  on_need_data (GST_APP_SRC (src), 0, run);
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), 10 * GST_SECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);

  g_mutex_lock (&run->lock);
  faces = run->faces ? g_array_ref (run->faces)
                     : g_array_new (FALSE, TRUE, sizeof (KsCameraRect));
  g_mutex_unlock (&run->lock);
  frame = sample ? frame_from_sample (sample, faces) : NULL;
  if (frame == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                             _("This file is not a photo the station can read. Choose a PNG "
                               "or JPEG file."));
  else
    g_task_return_pointer (task, frame, (GDestroyNotify)ks_camera_frame_unref);
}

/**
 * ks_camera_check_image_async:
 * @path: a photo file (PNG, JPEG)
 *
 * Runs a photo from a file through the camera's checks (face detector and guidance), in a
 * worker thread, so a photo imported from a file is held to what a captured one is.
 */
void
ks_camera_check_image_async (const char         *path,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_camera_check_image_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, check_image_thread);
}

/**
 * ks_camera_check_image_finish:
 *
 * Returns: (transfer full): the file's picture at camera size, with its guidance
 */
KsCameraFrame *
ks_camera_check_image_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ks_camera_check_image_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Testing hooks ----------------------------------------------------------------------------- */

/**
 * ks_camera_simulate_fault:
 *
 * Breaks the simulated camera as real ones break. %KS_CAMERA_FAULT_UNPLUG acts at once on a
 * running camera (a read error, as v4l2src posts); the others apply from the next start and
 * stay until %KS_CAMERA_FAULT_NONE.
 */
void
ks_camera_simulate_fault (KsCamera     *self,
                          KsCameraFault fault)
{
  g_return_if_fail (KS_IS_CAMERA (self));

  if (fault == KS_CAMERA_FAULT_UNPLUG)
    {
      g_autoptr(GstElement) src = NULL;

      g_return_if_fail (self->simulated);
      if (self->run == NULL || self->run->pipeline == NULL)
        return;
      src = gst_bin_get_by_name (GST_BIN (self->run->pipeline), "sim");
      GST_ELEMENT_ERROR (src, RESOURCE, READ, ("Could not read from resource."),
                         ("simulated: the device was unplugged"));
      return;
    }
  self->fault = fault;
}

void
ks_camera_set_timeouts_for_testing (KsCamera *self,
                                    guint     first_frame_ms,
                                    guint     frame_gap_ms)
{
  g_return_if_fail (KS_IS_CAMERA (self));
  self->first_frame_timeout_ms = first_frame_ms;
  self->frame_gap_timeout_ms = frame_gap_ms;
}
