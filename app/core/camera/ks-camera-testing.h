/* ks-camera-testing.h: breaking the simulated camera as real cameras break (tests only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-camera.h"

G_BEGIN_DECLS

typedef enum
{
  KS_CAMERA_FAULT_NONE,
  KS_CAMERA_FAULT_NO_CAMERA,    /* next start: no device at all */
  KS_CAMERA_FAULT_STALL,        /* next start: opens, then sends no picture */
  KS_CAMERA_FAULT_FORMAT,       /* next start: sends a format nothing decodes */
  KS_CAMERA_FAULT_UNPLUG,       /* now: a read error while it runs */
} KsCameraFault;

void ks_camera_simulate_fault (KsCamera     *self,
                               KsCameraFault fault);
void ks_camera_set_timeouts_for_testing (KsCamera *self,
                                         guint     first_frame_ms,
                                         guint     frame_gap_ms);

G_END_DECLS
