/* ks-virtual-scanner-testing.h: what tests and benchmarks look at inside ks-virtual-scanner
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-virtual-scanner.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-virtual-scanner.h"

G_BEGIN_DECLS

gboolean ks_virtual_scanner_inject_retry (KsVirtualScanner *self, FpDeviceRetry code,
                                          GError **error);
void ks_virtual_scanner_queue_synthetic (KsVirtualScanner *self, KsFpSynthFinger *finger,
                                         guint impression, KsFpSynthVariant variant);
gboolean ks_virtual_scanner_unplug (KsVirtualScanner *self, GError **error);

G_END_DECLS
