/* ks-lock-page.h: the locked station; the same operator unlocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_LOCK_PAGE (ks_lock_page_get_type ())

G_DECLARE_FINAL_TYPE (KsLockPage, ks_lock_page, KS, LOCK_PAGE, AdwBin)

void ks_lock_page_set_station (KsLockPage *self,
                               KsStation  *station);
void ks_lock_page_set_session (KsLockPage *self,
                               KsSession  *session);

G_END_DECLS
