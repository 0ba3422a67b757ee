/* ks-account.h: operator accounts, roles and what each role may do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  KS_ROLE_OPERATOR = 1,
  KS_ROLE_SUPERVISOR,
  KS_ROLE_TRAINER,
} KsRole;

typedef enum
{
  KS_PERMISSION_ENROLL,
  KS_PERMISSION_REVIEW,
  KS_PERMISSION_MANAGE_ACCOUNTS,
  KS_PERMISSION_CHANGE_SETTINGS,
  KS_PERMISSION_SYNC,
  KS_PERMISSION_RESET_TRAINING,
  KS_PERMISSION_SEE_STALE_DRAFTS,
} KsPermission;

#define KS_TYPE_ACCOUNT (ks_account_get_type ())

G_DECLARE_FINAL_TYPE (KsAccount, ks_account, KS, ACCOUNT, GObject)

gint64      ks_account_get_id (KsAccount *self);
const char *ks_account_get_username (KsAccount *self);
const char *ks_account_get_full_name (KsAccount *self);
KsRole      ks_account_get_role (KsAccount *self);
gboolean    ks_account_get_disabled (KsAccount *self);
const char *ks_account_get_language (KsAccount *self);
gint64      ks_account_get_locked_until (KsAccount *self);

KsAccount  *_ks_account_new (gint64      id,
                             const char *username,
                             const char *full_name,
                             KsRole      role,
                             gboolean    disabled,
                             const char *language,
                             gint64      locked_until);

const char *ks_role_to_string (KsRole role);
gboolean    ks_role_from_string (const char *text,
                                 KsRole     *role);
const char *ks_role_get_label (KsRole role);
gboolean    ks_role_has_permission (KsRole       role,
                                    gboolean     training,
                                    KsPermission permission);

G_END_DECLS
