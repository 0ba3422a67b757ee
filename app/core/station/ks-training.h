/* ks-training.h: the training profile's classroom tools and its registry rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-records.h"
#include "ks-registry-address.h"
#include "ks-reference.h"
#include "ks-session.h"
#include "ks-store.h"

G_BEGIN_DECLS

gboolean  ks_training_wipe_store (KsStore   *store,
                                  KsSession *session,
                                  GError   **error);
guint     ks_training_generate_samples (KsStore               *store,
                                        KsSession             *session,
                                        KsReference           *reference,
                                        const KsSubmitOptions *options,
                                        guint                  n,
                                        GError               **error);
void      ks_training_generate_samples_async (KsStore            *store,
                                              KsSession          *session,
                                              KsReference        *reference,
                                              guint               n,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
guint     ks_training_generate_samples_finish (KsStore      *store,
                                               GAsyncResult *result,
                                               GError      **error);

G_END_DECLS
