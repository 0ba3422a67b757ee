/* ks-password-form.h: user name and password, as sign-in and lock ask for them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define KS_TYPE_PASSWORD_FORM (ks_password_form_get_type ())

G_DECLARE_FINAL_TYPE (KsPasswordForm, ks_password_form, KS, PASSWORD_FORM, GtkBox)

const char *ks_password_form_get_username (KsPasswordForm *self);
const char *ks_password_form_get_password (KsPasswordForm *self);
gboolean    ks_password_form_check (KsPasswordForm *self);
void        ks_password_form_set_busy (KsPasswordForm *self,
                                       gboolean        busy);
void        ks_password_form_show_message (KsPasswordForm *self,
                                           const char     *message);
void        ks_password_form_failed (KsPasswordForm *self,
                                     const char     *message);
void        ks_password_form_clear_password (KsPasswordForm *self);
void        ks_password_form_reset (KsPasswordForm *self);

G_END_DECLS
