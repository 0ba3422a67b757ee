/* ks-session.h: the operator signed in at the station
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-account.h"
#include "ks-accounts.h"
#include "ks-store.h"

G_BEGIN_DECLS

#define KS_TYPE_SESSION (ks_session_get_type ())

G_DECLARE_FINAL_TYPE (KsSession, ks_session, KS, SESSION, GObject)

KsSession  *ks_session_new (KsStore       *store,
                            KsAccount     *account,
                            gboolean training);
KsSession  *ks_session_sign_in (KsStore    *store,
                                const char *username,
                                const char *password,
                                gboolean    training,
                                GError    **error);
KsAccount  *ks_session_get_account (KsSession *self);
const char *ks_session_get_username (KsSession *self);
KsRole      ks_session_get_role (KsSession *self);
gboolean    ks_session_is_training (KsSession *self);
gboolean    ks_session_is_locked (KsSession *self);
gboolean    ks_session_can (KsSession   *self,
                            KsPermission permission);
gboolean    ks_session_require (KsSession   *self,
                                KsPermission permission,
                                GError     **error);
gboolean    ks_session_require_active (KsSession *self,
                                       GError   **error);
gboolean    ks_session_lock (KsSession *self,
                             GError   **error);
gboolean    ks_session_unlock (KsSession  *self,
                               const char *password,
                               GError    **error);
gboolean    ks_session_sign_out (KsSession *self,
                                 GError   **error);
void        ks_session_lock_async (KsSession          *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean    ks_session_lock_finish (KsSession    *self,
                                    GAsyncResult *result,
                                    GError      **error);
void        ks_session_sign_out_async (KsSession          *self,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean    ks_session_sign_out_finish (KsSession    *self,
                                        GAsyncResult *result,
                                        GError      **error);

G_END_DECLS
