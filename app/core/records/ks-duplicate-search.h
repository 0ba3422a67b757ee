/* ks-duplicate-search.h: the station's search for a finger captured twice or already on record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record-fingers.h"

G_BEGIN_DECLS

#define KS_TYPE_DUPLICATE_SEARCH (ks_duplicate_search_get_type ())

G_DECLARE_FINAL_TYPE (KsDuplicateSearch, ks_duplicate_search, KS, DUPLICATE_SEARCH, GObject)

KsDuplicateSearch *ks_duplicate_search_new (KsFingerprintService *service,
                                            KsStore              *store);
void               ks_duplicate_search_set_vault (KsDuplicateSearch *self,
                                                  KsVault           *vault);
KsVault           *ks_duplicate_search_get_vault (KsDuplicateSearch *self);
void               ks_duplicate_search_check_draft_async (KsDuplicateSearch  *self,
                                                          gint64              draft_id,
                                                          GPtrArray          *captures,
                                                          GCancellable       *cancellable,
                                                          GAsyncReadyCallback callback,
                                                          gpointer            user_data);
KsFingerCheck     *ks_duplicate_search_check_draft_finish (KsDuplicateSearch *self,
                                                           GAsyncResult      *result,
                                                           GError           **error);

G_END_DECLS
