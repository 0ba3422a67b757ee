/* ks-accounts.h: creating, checking and managing operator accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-account.h"
#include "ks-store.h"

G_BEGIN_DECLS

#define KS_ACCOUNTS_ERROR (ks_accounts_error_quark ())

typedef enum
{
  KS_ACCOUNTS_ERROR_BAD_CREDENTIALS = 1,
  KS_ACCOUNTS_ERROR_LOCKED_OUT,
  KS_ACCOUNTS_ERROR_DISABLED,
  KS_ACCOUNTS_ERROR_WEAK_PASSWORD,
  KS_ACCOUNTS_ERROR_INVALID_USERNAME,
  KS_ACCOUNTS_ERROR_INVALID_NAME,
  KS_ACCOUNTS_ERROR_EXISTS,
  KS_ACCOUNTS_ERROR_NOT_FOUND,
  KS_ACCOUNTS_ERROR_NOT_PERMITTED,
  KS_ACCOUNTS_ERROR_SETUP_DONE,
  KS_ACCOUNTS_ERROR_LAST_SUPERVISOR,
} KsAccountsError;

/* Argon2id cost: libsodium's "interactive" limits, about 0.1 s and 64 MiB on a modest laptop. */
#define KS_PASSWORD_MIN_LENGTH 8
#define KS_LOCKOUT_ATTEMPTS    5
#define KS_LOCKOUT_SECONDS     (5 * 60)

GQuark      ks_accounts_error_quark (void);
gboolean    ks_accounts_check_password_strength (const char *password,
                                                 GError    **error);
gboolean    ks_accounts_check_username (const char *username,
                                        GError    **error);
gboolean    ks_accounts_needs_setup (KsStore *store);
KsAccount  *ks_accounts_create_first_supervisor (KsStore    *store,
                                                 const char *username,
                                                 const char *full_name,
                                                 const char *password,
                                                 GError    **error);
KsAccount  *ks_accounts_authenticate (KsStore    *store,
                                      const char *username,
                                      const char *password,
                                      GError    **error);
KsAccount  *ks_accounts_lookup (KsStore    *store,
                                const char *username,
                                GError    **error);
GPtrArray  *ks_accounts_list (KsStore *store,
                              GError **error);
guint       ks_accounts_count_role (KsStore *store,
                                    KsRole   role);

/* ks_accounts_list() in a worker thread, for the UI. */
void        ks_accounts_list_async (KsStore            *store,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
GPtrArray  *ks_accounts_list_finish (KsStore      *store,
                                     GAsyncResult *result,
                                     GError      **error);

G_END_DECLS
