/* ks-sync-page.h: the Sync section: counts, progress, refused records, Sync Now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"
#include "ks-sync.h"

G_BEGIN_DECLS

#define KS_TYPE_SYNC_PAGE (ks_sync_page_get_type ())

G_DECLARE_FINAL_TYPE (KsSyncPage, ks_sync_page, KS, SYNC_PAGE, AdwBin)

void          ks_sync_page_set_station (KsSyncPage *self,
                                        KsStation  *station);
KsSyncEngine *ks_sync_page_get_engine (KsSyncPage *self);
gboolean      ks_sync_page_get_online (KsSyncPage *self);

G_END_DECLS
