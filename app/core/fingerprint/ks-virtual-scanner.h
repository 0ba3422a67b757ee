/* ks-virtual-scanner.h: a simulated fingerprint reader for training and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

#include "ks-fingerprint-service.h"
#include "ks-fpsynth.h"

G_BEGIN_DECLS

#define KS_TYPE_VIRTUAL_SCANNER (ks_virtual_scanner_get_type ())

G_DECLARE_FINAL_TYPE (KsVirtualScanner, ks_virtual_scanner, KS, VIRTUAL_SCANNER, GObject)

void ks_virtual_scanner_setup_environment (const char *socket_path);
KsVirtualScanner *ks_virtual_scanner_new (const char *socket_path);
void ks_virtual_scanner_attach (KsVirtualScanner *self, KsFingerprintService *service);
void ks_virtual_scanner_queue_image (KsVirtualScanner *self, GBytes *grey, guint width,
                                     guint height);
guint ks_virtual_scanner_get_n_queued (KsVirtualScanner *self);
void ks_virtual_scanner_clear_queue (KsVirtualScanner *self);
gboolean ks_virtual_scanner_press (KsVirtualScanner *self, GBytes *grey, guint width, guint height,
                                   GError **error);
gboolean ks_virtual_scanner_inject_error (KsVirtualScanner *self, FpDeviceError code,
                                          GError **error);

G_END_DECLS
