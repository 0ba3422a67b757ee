/* ks-trust-testing.h: what tests and benchmarks look at inside ks-trust
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-trust.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-trust.h"

G_BEGIN_DECLS

const KsStationCert *ks_station_keys_get_certificate (KsStationKeys *self);
guint                ks_trust_list_count_revocations (KsTrustList *self);

G_END_DECLS
