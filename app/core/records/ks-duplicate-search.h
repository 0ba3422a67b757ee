/* ks-duplicate-search.h: the station's search for a finger captured twice, already on record,
 * or enrolled before under another identity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-duplicate-findings.h"
#include "ks-record-fingers.h"

G_BEGIN_DECLS

/* The de-duplication threshold: a pair of impressions "matches" when a comparison of two
 * different fingers scores that high at most this often (0.01% per comparison, converted to a
 * score with ks_minutiae_threshold_for_fmr()). ks-duplicate-search.c says how fingers combine. */
#define KS_DUPLICATE_FMR 1e-4

#define KS_TYPE_DUPLICATE_SEARCH (ks_duplicate_search_get_type ())

G_DECLARE_FINAL_TYPE (KsDuplicateSearch, ks_duplicate_search, KS, DUPLICATE_SEARCH, GObject)

KsDuplicateSearch *ks_duplicate_search_new (KsStore *store);
void               ks_duplicate_search_set_vault (KsDuplicateSearch *self,
                                                  KsVault           *vault);
KsVault           *ks_duplicate_search_get_vault (KsDuplicateSearch *self);
void               ks_duplicate_search_update (KsDuplicateSearch *self);
void               ks_duplicate_search_stop (KsDuplicateSearch *self);
void               ks_duplicate_search_index_async (KsDuplicateSearch  *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean           ks_duplicate_search_index_finish (KsDuplicateSearch *self,
                                                     GAsyncResult      *result,
                                                     guint             *n_templates,
                                                     GError           **error);
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
