/* ks-signin-page.h: operators sign in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_SIGNIN_PAGE (ks_signin_page_get_type ())

G_DECLARE_FINAL_TYPE (KsSigninPage, ks_signin_page, KS, SIGNIN_PAGE, AdwBin)

void ks_signin_page_set_station (KsSigninPage *self,
                                 KsStation    *station);
void ks_signin_page_reset (KsSigninPage *self);
gboolean ks_signin_page_get_language_chosen (KsSigninPage *self);
void ks_signin_page_set_language_chosen (KsSigninPage *self,
                                         gboolean      chosen);

G_END_DECLS
