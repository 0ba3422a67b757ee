/* ks-fingerprint-service-testing.h: what tests and benchmarks look at inside ks-fingerprint-service
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-fingerprint-service.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingerprint-service.h"

G_BEGIN_DECLS

const char *ks_fingerprint_service_get_reader_driver (KsFingerprintService *self);
gboolean ks_fingerprint_service_is_busy (KsFingerprintService *self);
void ks_fingerprint_service_set_timeout (KsFingerprintService *self, guint seconds);

G_END_DECLS
