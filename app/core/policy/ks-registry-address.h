/* ks-registry-address.h: which registry addresses the station may talk to (and the training
 * profile's errors)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KS_TRAINING_ERROR (ks_training_error_quark ())

typedef enum
{
  KS_TRAINING_ERROR_NOT_TRAINING = 1,
  KS_TRAINING_ERROR_REMOTE_REGISTRY,
  KS_TRAINING_ERROR_BAD_ADDRESS,
  KS_TRAINING_ERROR_NO_NAMES,
} KsTrainingError;

GQuark    ks_training_error_quark (void);
gboolean  ks_registry_url_check (gboolean      training,
                                 const char   *url,
                                 GCancellable *cancellable,
                                 GError      **error);

G_END_DECLS
