/* ks-record-fingers.h: a queued record's fingers, for review and for the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingers.h"
#include "ks-session.h"

G_BEGIN_DECLS

GPtrArray       *ks_fingers_load_for_review (KsStore    *store,
                                             KsVault    *vault,
                                             KsSession  *session,
                                             const char *kp_id,
                                             GError    **error);
void             ks_fingers_load_for_review_async (KsStore            *store,
                                                   KsVault            *vault,
                                                   KsSession          *session,
                                                   const char         *kp_id,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GPtrArray       *ks_fingers_load_for_review_finish (GAsyncResult *result,
                                                    GError      **error);
GBytes          *ks_fingers_export_for_registry (KsStore    *store,
                                                 KsVault    *vault,
                                                 const char *kp_id,
                                                 GError    **error);

G_END_DECLS
