/* ks-duplicate-view.h: a record and its possible duplicate side by side, for the supervisor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_DUPLICATE_VIEW (ks_duplicate_view_get_type ())

G_DECLARE_FINAL_TYPE (KsDuplicateView, ks_duplicate_view, KS, DUPLICATE_VIEW, AdwBin)

void     ks_duplicate_view_set_station (KsDuplicateView *self,
                                        KsStation       *station,
                                        KsReference     *reference);
void     ks_duplicate_view_set_session (KsDuplicateView *self,
                                        KsSession       *session);
void     ks_duplicate_view_show (KsDuplicateView *self,
                                 const char      *kp_id);
gboolean ks_duplicate_view_is_loading (KsDuplicateView *self);
guint    ks_duplicate_view_get_n_duplicates (KsDuplicateView *self);

G_END_DECLS
