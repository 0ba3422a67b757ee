/* ks-account-admin.h: a supervisor's changes to accounts, and an operator's own settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-accounts.h"
#include "ks-session.h"

G_BEGIN_DECLS

KsAccount  *ks_accounts_add (KsStore    *store,
                             KsSession  *actor,
                             const char *username,
                             const char *full_name,
                             KsRole      role,
                             const char *password,
                             GError    **error);
gboolean    ks_accounts_reset_password (KsStore    *store,
                                        KsSession  *actor,
                                        const char *username,
                                        const char *new_password,
                                        GError    **error);
gboolean    ks_accounts_set_disabled (KsStore    *store,
                                      KsSession  *actor,
                                      const char *username,
                                      gboolean    disabled,
                                      GError    **error);
gboolean    ks_accounts_set_language (KsStore    *store,
                                      KsSession  *actor,
                                      const char *language,
                                      GError    **error);

/* The same, in a worker thread (the store's lock, Argon2id): for the UI. */
void        ks_accounts_add_async (KsStore            *store,
                                   KsSession          *actor,
                                   const char         *username,
                                   const char         *full_name,
                                   KsRole              role,
                                   const char         *password,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
KsAccount  *ks_accounts_add_finish (KsStore      *store,
                                    GAsyncResult *result,
                                    GError      **error);
void        ks_accounts_reset_password_async (KsStore            *store,
                                              KsSession          *actor,
                                              const char         *username,
                                              const char         *new_password,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
void        ks_accounts_set_disabled_async (KsStore            *store,
                                            KsSession          *actor,
                                            const char         *username,
                                            gboolean            disabled,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
void        ks_accounts_set_language_async (KsStore            *store,
                                            KsSession          *actor,
                                            const char         *language,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean    ks_accounts_change_finish (KsStore      *store,
                                       GAsyncResult *result,
                                       GError      **error);

G_END_DECLS
