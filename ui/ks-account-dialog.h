/* ks-account-dialog.h: add an account, or reset an account's password
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_ACCOUNT_DIALOG (ks_account_dialog_get_type ())

G_DECLARE_FINAL_TYPE (KsAccountDialog, ks_account_dialog, KS, ACCOUNT_DIALOG, AdwWindow)

KsAccountDialog *ks_account_dialog_new (GtkWindow *parent,
                                        KsStation *station,
                                        KsSession *session,
                                        KsAccount *account);

G_END_DECLS
