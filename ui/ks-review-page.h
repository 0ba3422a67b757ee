/* ks-review-page.h: the Review section: records, their detail, decisions, the day report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-record-list.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_REVIEW_PAGE (ks_review_page_get_type ())

G_DECLARE_FINAL_TYPE (KsReviewPage, ks_review_page, KS, REVIEW_PAGE, AdwBin)

void          ks_review_page_set_station (KsReviewPage *self,
                                          KsStation    *station);
void          ks_review_page_set_session (KsReviewPage *self,
                                          KsSession    *session);
void          ks_review_page_refresh (KsReviewPage *self);
KsRecordList *ks_review_page_get_list (KsReviewPage *self);
GtkSelectionModel *ks_review_page_get_selection (KsReviewPage *self);
void          ks_review_page_show_record (KsReviewPage *self,
                                          const char   *kp_id);
void          ks_review_page_show_list (KsReviewPage *self);
void          ks_review_page_show_report (KsReviewPage *self,
                                          const GDate  *day);
const char   *ks_review_page_get_view (KsReviewPage *self);
const char   *ks_review_page_get_rules_message (KsReviewPage *self);
AdwBin       *ks_review_page_get_card_slot (KsReviewPage *self);
AdwBin       *ks_review_page_get_fingerprint_slot (KsReviewPage *self);

G_END_DECLS
