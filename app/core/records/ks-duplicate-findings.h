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

#include <fprint.h>

#include "ks-record.h"
#include "ks-session.h"
#include "ks-store.h"

G_BEGIN_DECLS

/* One pair of matching fingers: this record's finger and the other record's. */
typedef struct
{
  FpFinger finger;       /* of the record the findings belong to */
  FpFinger other_finger; /* of the other record */
  double score;          /* ks_minutiae_compare(), 0-100, higher is more similar */
  double fmr;            /* ks_minutiae_score_to_fmr (score): the estimated chance that two
                          * different fingers score this high in one comparison */
} KsDuplicatePair;

/* Another record whose fingers match this record's. */
typedef struct
{
  gint64 other_record_id;       /* for ks_fingers_load_record() */
  char *other_kp_id;            /* "PEW-A01-0000001-X": for ks_fingers_load_for_review() */
  char *other_cnic;             /* as stored: digits only */
  char *other_full_name;
  KsRecordState other_state;
  KsRecordState other_decision; /* approved or rejected once decided, 0 before */
  gint64 found_at;              /* unix seconds (the store's clock) */
  GArray *pairs;                /* KsDuplicatePair, highest score first; never empty */
} KsDuplicateFinding;

void       ks_duplicate_finding_free (KsDuplicateFinding *finding);

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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDuplicateFinding, ks_duplicate_finding_free)

G_END_DECLS
