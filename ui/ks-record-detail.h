/* ks-record-detail.h: one record as the supervisor checks it: its fields, card, fingerprints
 * and history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-duplicate-view.h"
#include "ks-records.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_RECORD_DETAIL (ks_record_detail_get_type ())

G_DECLARE_FINAL_TYPE (KsRecordDetail, ks_record_detail, KS, RECORD_DETAIL, AdwBin)

void                ks_record_detail_set_station (KsRecordDetail *self,
                                                  KsStation      *station,
                                                  KsReference    *reference);
void                ks_record_detail_set_session (KsRecordDetail *self,
                                                  KsSession      *session);
void                ks_record_detail_show (KsRecordDetail *self,
                                           const char     *kp_id);
gboolean            ks_record_detail_is_loading (KsRecordDetail *self);
const char         *ks_record_detail_get_kp_id (KsRecordDetail *self);
const KsRecordInfo *ks_record_detail_get_info (KsRecordDetail *self);
AdwBin             *ks_record_detail_get_card_slot (KsRecordDetail *self);
AdwBin             *ks_record_detail_get_fingerprint_slot (KsRecordDetail *self);
KsDuplicateView    *ks_record_detail_get_duplicate_view (KsRecordDetail *self);

G_END_DECLS
