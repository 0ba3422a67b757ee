/* ks-record-review.h: one submitted record, opened for the person who reviews it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-records.h"
#include "ks-session.h"

G_BEGIN_DECLS

KsRecord *ks_records_open_for_review (KsStore       *store,
                                      KsSession     *session,
                                      const char    *kp_id,
                                      KsRecordInfo **info,
                                      GError       **error);
void      ks_records_open_for_review_async (KsStore            *store,
                                            KsSession          *session,
                                            const char         *kp_id,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
KsRecord *ks_records_open_for_review_finish (GAsyncResult  *result,
                                             KsRecordInfo **info,
                                             GError       **error);

G_END_DECLS
