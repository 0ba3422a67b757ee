/* ks-accounts-private.h: what ks-account-admin.c shares with ks-accounts.c (core-internal)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-accounts.h"

G_BEGIN_DECLS

gboolean   _ks_accounts_check_full_name (const char *full_name,
                                         GError    **error);
char      *_ks_accounts_hash_password (const char *password,
                                       GError    **error);
KsAccount *_ks_accounts_insert (KsStore    *store,
                                const char *actor,
                                gint64      actor_id,
                                const char *username,
                                const char *full_name,
                                KsRole      role,
                                const char *password_hash,
                                GError    **error);

G_END_DECLS
