/* ks-duplicate-store.h: the station-wide duplicate search's findings in the store
 *
 * The data (KsDuplicateFinding) and the core's own store work on it: kept with a draft by the
 * duplicate search, moved to the record and audited by submit. Widgets read findings with
 * ks_duplicate_findings_load_async() (ks-duplicate-findings.h), which checks who asks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

#include "ks-record.h"
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

/* Core only. */
GPtrArray *ks_duplicate_findings_load_by_id (KsStore *store,
                                             gint64   record_id,
                                             GError **error);
gboolean   ks_duplicate_findings_save_draft (KsStore   *store,
                                             gint64     draft_id,
                                             GPtrArray *findings,
                                             GError   **error);
gboolean   ks_duplicate_findings_audit (KsStore    *store,
                                        const char *actor,
                                        const char *kp_id,
                                        gint64      record_id,
                                        GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDuplicateFinding, ks_duplicate_finding_free)

G_END_DECLS
