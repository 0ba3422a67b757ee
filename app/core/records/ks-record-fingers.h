/* ks-record-fingers.h: a queued record's fingers, for review and for the registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-duplicate-store.h"
#include "ks-fingers.h"
#include "ks-session.h"

G_BEGIN_DECLS

GPtrArray       *ks_fingers_load_for_review (KsStore    *store,
                                             KsVault    *vault,
                                             KsSession  *session,
                                             const char *kp_id,
                                             GError    **error);
void             ks_fingers_load_for_review_async (KsStore            *store,
                                                   KsVault            *vault,
                                                   KsSession          *session,
                                                   const char         *kp_id,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
GPtrArray       *ks_fingers_load_for_review_finish (GAsyncResult *result,
                                                    GError      **error);
GBytes          *ks_fingers_export_for_registry (KsStore    *store,
                                                 KsVault    *vault,
                                                 const char *kp_id,
                                                 GError    **error);

/* What the duplicate check found for a draft's fingers (ks_duplicate_search_check_draft_async()). */
typedef struct
{
  FpFinger same_a;      /* two new fingers that are one finger (both dropped), or 0 */
  FpFinger same_b;
  GArray *on_record;    /* FpFinger: new fingers equal to ANOTHER finger on record (flagged) */
  FpFinger record_new;  /* the strongest of those, and the finger on record it equals; or 0 */
  FpFinger record_old;
  GPtrArray *findings;  /* KsDuplicateFinding: other records of this station whose fingers
                         * match (a possible duplicate enrolment), strongest first; kept with
                         * the draft for submit to flag the record */
} KsFingerCheck;

void             ks_finger_check_free (KsFingerCheck *check);

GPtrArray       *ks_fingers_open_draft (KsStore *store,
                                        KsVault *vault,
                                        gint64   draft_id,
                                        GError **error);
void             ks_fingers_open_draft_async (KsStore            *store,
                                              KsVault            *vault,
                                              gint64              draft_id,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
GPtrArray       *ks_fingers_open_draft_finish (GAsyncResult *result,
                                               GError      **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFingerCheck, ks_finger_check_free)

G_END_DECLS
