/* ks-camera.h: the station's camera (GStreamer): live frames, face guidance, the ID photo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-face-guidance.h"
#include "ks-profile.h"

G_BEGIN_DECLS

#define KS_CAMERA_ERROR (ks_camera_error_quark ())

typedef enum
{
  KS_CAMERA_ERROR_NO_CAMERA = 1,  /* no camera on this computer */
  KS_CAMERA_ERROR_OPEN,           /* there is one, but it cannot be opened (busy, refused) */
  KS_CAMERA_ERROR_UNPLUGGED,      /* it stopped while it was sending pictures */
  KS_CAMERA_ERROR_NO_FRAMES,      /* it opened but sends no pictures */
  KS_CAMERA_ERROR_FORMAT,         /* it sends pictures in a format the station cannot read */
  KS_CAMERA_ERROR_NO_PHOTO,       /* a capture before the first picture */
} KsCameraError;

GQuark ks_camera_error_quark (void);

typedef enum
{
  KS_CAMERA_MODE_PHOTO,   /* the citizen's photo: frames up to 640x480, with face guidance */
  KS_CAMERA_MODE_SCAN,    /* a card's QR code: frames up to 1280x960, no face detector */
} KsCameraMode;

/* One picture from the camera, shared read-only between threads. */
typedef struct
{
  GBytes *rgb;                /* 3 bytes a pixel, rows @stride bytes apart */
  int width;
  int height;
  int stride;
  guint64 sequence;           /* 1 for the first frame since the camera started */
  KsFaceGuidance guidance;    /* KS_CAMERA_MODE_PHOTO only */
} KsCameraFrame;

#define KS_TYPE_CAMERA_FRAME (ks_camera_frame_get_type ())
GType          ks_camera_frame_get_type (void);
KsCameraFrame *ks_camera_frame_ref (KsCameraFrame *frame);
void           ks_camera_frame_unref (KsCameraFrame *frame);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCameraFrame, ks_camera_frame_unref)

#define KS_TYPE_CAMERA (ks_camera_get_type ())
G_DECLARE_FINAL_TYPE (KsCamera, ks_camera, KS, CAMERA, GObject)

KsCamera      *ks_camera_new (KsCameraMode mode);
KsCamera      *ks_camera_new_for_profile (KsProfile   *profile,
                                          KsCameraMode mode);
KsCamera      *ks_camera_new_simulated (KsCameraMode        mode,
                                        const char * const *images);
gboolean       ks_camera_is_simulated (KsCamera *self);
KsCameraMode   ks_camera_get_mode (KsCamera *self);
void           ks_camera_start (KsCamera *self);
void           ks_camera_stop (KsCamera *self);
gboolean       ks_camera_is_running (KsCamera *self);
KsCameraFrame *ks_camera_dup_last_frame (KsCamera *self);
gboolean       ks_camera_wait_closed (guint timeout_ms);

void           ks_camera_simulate_show (KsCamera   *self,
                                        const char *image_path);

char          *ks_camera_sample_dir (void);
char         **ks_camera_sample_images (void);

void           ks_camera_frame_to_photo_async (KsCameraFrame      *frame,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
GBytes        *ks_camera_frame_to_photo_finish (GAsyncResult *result,
                                                GError      **error);
void           ks_camera_check_image_async (const char         *path,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
KsCameraFrame *ks_camera_check_image_finish (GAsyncResult *result,
                                             GError      **error);

G_END_DECLS
