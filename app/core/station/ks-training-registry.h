/* ks-training-registry.h: the reference registry run on loopback for the training profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_TRAINING_REGISTRY (ks_training_registry_get_type ())

G_DECLARE_FINAL_TYPE (KsTrainingRegistry, ks_training_registry, KS, TRAINING_REGISTRY, GObject)

KsTrainingRegistry *ks_training_registry_start (KsStation           *station,
                                                GCancellable        *cancellable,
                                                GError             **error);
void                ks_training_registry_start_async (KsStation          *station,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
KsTrainingRegistry *ks_training_registry_start_finish (KsStation    *station,
                                                       GAsyncResult *result,
                                                       GError      **error);
void                ks_training_registry_stop (KsTrainingRegistry *self);

G_END_DECLS
