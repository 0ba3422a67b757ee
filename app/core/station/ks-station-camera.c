/* ks-station-camera.c: the station's camera, and cards read from its frames
 *
 * The Verify section's webcam scan: each frame the window passes on is searched for a QR code
 * with the same zbar code that reads scans and photos of cards (ks_card_scan_image()), in a
 * worker thread, and a code is checked against a copy of the trust list as a file would be.
 * The window sends the next frame when this one is done, so zbar runs continuously without a
 * queue of stale frames.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-station-camera"

#include "config.h"

#include <cairo.h>
#include <glib/gi18n.h>

#include "ks-station-camera.h"

/**
 * ks_station_new_camera:
 *
 * Returns: (transfer full): the camera of this station's profile: simulated in training
 *   (ks_camera_new_for_profile())
 */
KsCamera *
ks_station_new_camera (KsStation   *self,
                       KsCameraMode mode)
{
  g_return_val_if_fail (KS_IS_STATION (self), NULL);
  return ks_camera_new_for_profile (ks_station_get_profile (self), mode);
}

typedef struct
{
  KsCameraFrame *frame;
  char *previous_text;
  KsVerifyResult *result;
  gboolean issued_here;
} FrameJob;

static void
frame_job_free (FrameJob *job)
{
  g_clear_pointer (&job->frame, ks_camera_frame_unref);
  g_clear_pointer (&job->result, ks_verify_result_free);
  g_free (job->previous_text);
  g_free (job);
}

static cairo_surface_t *
frame_to_surface (const KsCameraFrame *frame)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, frame->width,
                                                         frame->height);
  const guint8 *rgb = g_bytes_get_data (frame->rgb, NULL);
  guint8 *data;
  int stride;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < frame->height; y++)
    {
      const guint8 *src = rgb + (gsize)y * frame->stride;
      guint32 *dst = (guint32 *)(gpointer)(data + (gsize)y * stride);

      for (int x = 0; x < frame->width; x++)
        dst[x] = 0xff000000u | (guint32)src[3 * x] << 16 | (guint32)src[3 * x + 1] << 8 |
                 src[3 * x + 2];
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
verify_frame_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  KsStation *self = source_object;
  FrameJob *job = task_data;
  cairo_surface_t *surface = frame_to_surface (job->frame);
  g_autoptr(GPtrArray) texts = ks_card_scan_image (surface);
  g_autoptr(KsTrustList) trust = NULL;
  const char *text;
  KsVerifyOptions opts;

  cairo_surface_destroy (surface);
  if (texts->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("Hold the back of the card up to the camera, its QR code "
                                 "flat and still, 15 to 25 cm away."));
      return;
    }
  text = g_ptr_array_index (texts, 0);
  /* The card still held up: its verdict is on screen already. */
  if (g_strcmp0 (text, job->previous_text) == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s",
                               _("The same card is still in front of the camera."));
      return;
    }

  trust = ks_station_dup_trust_list (self, NULL);
  if (trust == NULL)
    trust = ks_trust_list_new ();
  ks_verify_options_init (&opts);
  opts.trust = trust;
  job->result = ks_card_verify_text (text, &opts);
  if (job->result->credential != NULL && job->result->credential->station_code != NULL)
    {
      KsStationKeys *keys = ks_station_get_keys (self, NULL);

      job->issued_here = keys != NULL &&
                         g_strcmp0 (ks_station_keys_get_station_code (keys),
                                    job->result->credential->station_code) == 0;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_verify_frame_async:
 * @frame: a camera frame (scan mode)
 * @previous_text: (nullable): the QR text of the card on screen now
 *
 * Looks for a card's QR code in @frame and checks it, in a worker thread. Fails with
 * %G_IO_ERROR_NOT_FOUND when the frame holds no QR code, and %G_IO_ERROR_EXISTS when it is
 * the card already on screen (@previous_text): the window keeps that verdict until the next
 * card.
 */
void
ks_station_verify_frame_async (KsStation          *self,
                               KsCameraFrame      *frame,
                               const char         *previous_text,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  FrameJob *job;

  g_return_if_fail (KS_IS_STATION (self));
  g_return_if_fail (frame != NULL);

  job = g_new0 (FrameJob, 1);
  job->frame = ks_camera_frame_ref (frame);
  job->previous_text = g_strdup (previous_text);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_verify_frame_async);
  g_task_set_task_data (task, job, (GDestroyNotify)frame_job_free);
  g_task_run_in_thread (task, verify_frame_thread);
}

/**
 * ks_station_verify_frame_finish:
 * @issued_here: (out) (optional): whether this station issued the card
 *
 * Returns: (transfer full): the verdict, or %NULL with @error set
 */
KsVerifyResult *
ks_station_verify_frame_finish (KsStation    *self,
                                GAsyncResult *result,
                                gboolean     *issued_here,
                                GError      **error)
{
  FrameJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (issued_here != NULL)
    *issued_here = job->issued_here;
  return g_steal_pointer (&job->result);
}
