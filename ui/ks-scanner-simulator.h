/* ks-scanner-simulator.h: the training profile's simulated citizen at the reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_SCANNER_SIMULATOR (ks_scanner_simulator_get_type ())

G_DECLARE_FINAL_TYPE (KsScannerSimulator, ks_scanner_simulator, KS, SCANNER_SIMULATOR, AdwBin)

void ks_scanner_simulator_set_station (KsScannerSimulator *self,
                                       KsStation          *station);
void ks_scanner_simulator_set_finger_asked (KsScannerSimulator *self,
                                            FpFinger            finger);
void ks_scanner_simulator_set_waiting (KsScannerSimulator *self,
                                       gboolean            waiting);

G_END_DECLS
