/* ks-duplicate-findings.h: what the station-wide duplicate search found for a record
 *
 * When a new record (or an edit) is submitted, the station searches its fingers against every
 * finger of every other record enrolled at this station (ks-duplicate-search.c). A finger that
 * matches at the de-duplication threshold (an estimated false-match rate of 0.01% per
 * comparison, ks_minutiae_threshold_for_fmr()) makes the record a "possible duplicate
 * enrolment" of the other record: the record gets %KS_RECORD_FLAG_DUPLICATE_ENROLMENT, the
 * finding is stored with it and audited, and a supervisor must confirm it to approve the record.
 *
 * A supervisor's side-by-side view loads the findings with ks_duplicate_findings_load_async();
 * the other record's fingers (impressions, quality) come from ks_fingers_load_for_review_async()
 * with KsDuplicateFinding.other_kp_id (or ks_fingers_load_record() with other_record_id), this
 * record's from the same call with its own Khyber Pass ID. Each pair names the finger on both
 * sides, so the two impressions to show are the captures with those FpFinger values.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-duplicate-store.h"
#include "ks-session.h"

G_BEGIN_DECLS

/* The findings of the record @kp_id, strongest first (the most matching fingers, then the
 * highest score); an empty array when there are none. Who may see them: as for the record's
 * fingers (ks_fingers_load_for_review()): a supervisor, or the operator who enrolled it. */
GPtrArray *ks_duplicate_findings_load (KsStore    *store,
                                       KsSession  *session,
                                       const char *kp_id,
                                       GError    **error);
void       ks_duplicate_findings_load_async (KsStore            *store,
                                             KsSession          *session,
                                             const char         *kp_id,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
GPtrArray *ks_duplicate_findings_load_finish (GAsyncResult *result,
                                              GError      **error);

/* One line for a list or a banner: "Possible duplicate enrolment of PEW-A01-0000001-X (2
 * fingers match)". */
char      *ks_duplicate_finding_describe (const KsDuplicateFinding *finding);

G_END_DECLS
