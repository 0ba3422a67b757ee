/* ks-camera-window.h: the live camera window: the citizen's photo, or cards to verify
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-camera.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_CAMERA_WINDOW (ks_camera_window_get_type ())

G_DECLARE_FINAL_TYPE (KsCameraWindow, ks_camera_window, KS, CAMERA_WINDOW, AdwWindow)

KsCameraWindow *ks_camera_window_new (GtkWindow *parent,
                                      KsCamera  *camera,
                                      KsStation *station);
KsCamera       *ks_camera_window_get_camera (KsCameraWindow *self);
KsVerifyResult *ks_camera_window_take_result (KsCameraWindow *self);
const char     *ks_camera_window_get_guidance (KsCameraWindow *self);
const char     *ks_camera_window_get_error (KsCameraWindow *self);

G_END_DECLS
