/* ks-test-util.h: helpers every test program may use, core and UI alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "ks-station-config.h"

G_BEGIN_DECLS

void ks_test_rm_rf (const char *path);
void ks_test_configure_station (KsStationConfig *config,
                                KsSession       *supervisor,
                                const char      *district,
                                const char      *station_code);
GBytes *ks_test_face_png (int     width,
                          int     height,
                          guint32 seed);

G_END_DECLS
