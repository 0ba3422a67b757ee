/* ks-station-camera.h: the station's camera, and cards read from its frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-camera.h"
#include "ks-station.h"

G_BEGIN_DECLS

KsCamera       *ks_station_new_camera (KsStation   *self,
                                       KsCameraMode mode);
void            ks_station_verify_frame_async (KsStation          *self,
                                               KsCameraFrame      *frame,
                                               const char         *previous_text,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
KsVerifyResult *ks_station_verify_frame_finish (KsStation    *self,
                                                GAsyncResult *result,
                                                gboolean     *issued_here,
                                                GError      **error);

G_END_DECLS
