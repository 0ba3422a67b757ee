/* ks-settings-page.h: station settings and operator accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_SETTINGS_PAGE (ks_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (KsSettingsPage, ks_settings_page, KS, SETTINGS_PAGE, AdwBin)

void ks_settings_page_set_station (KsSettingsPage *self,
                                   KsStation      *station);
void ks_settings_page_set_session (KsSettingsPage *self,
                                   KsSession      *session);

G_END_DECLS
