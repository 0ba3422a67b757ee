/* ks-training-registry-testing.h: what tests and benchmarks look at inside ks-training-registry
 *
 * Not for the station: nothing in app/ or ui/ includes a -testing.h (tools/check-includes
 * holds that). The station itself works only through ks-training-registry.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-training-registry.h"

G_BEGIN_DECLS

const char         *ks_training_registry_get_ca_file (KsTrainingRegistry *self);
GPid                ks_training_registry_get_pid (KsTrainingRegistry *self);
const char         *ks_training_registry_get_url (KsTrainingRegistry *self);

G_END_DECLS
