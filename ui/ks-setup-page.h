/* ks-setup-page.h: first start: create the station's first supervisor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_SETUP_PAGE (ks_setup_page_get_type ())

G_DECLARE_FINAL_TYPE (KsSetupPage, ks_setup_page, KS, SETUP_PAGE, AdwBin)

void ks_setup_page_set_station (KsSetupPage *self,
                                KsStation   *station);
void ks_setup_page_reset (KsSetupPage *self);

G_END_DECLS
