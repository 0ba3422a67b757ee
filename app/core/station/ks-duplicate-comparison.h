/* ks-duplicate-comparison.h: a record and its possible duplicates, side by side, for the
 * supervisor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-duplicate-findings.h"
#include "ks-fingers.h"

G_BEGIN_DECLS

/* One record as the comparison shows it: who, and the impressions of its fingers. */
typedef struct
{
  char *kp_id;
  char *full_name;
  char *full_name_ur;
  char *cnic;           /* as the record holds it */
  char *district;       /* district code */
  GBytes *photo_rgba;   /* decoded photo, 8-bit RGBA rows; NULL when the record has none */
  guint photo_width;
  guint photo_height;
  guint photo_stride;
  GPtrArray *fingers;   /* KsFingerCapture, opened (image of the kept impression) */
} KsComparisonSide;

/* This record against one other record its fingers match. */
typedef struct
{
  KsDuplicateFinding *finding; /* the pairs of matching fingers, with score and FMR */
  KsComparisonSide *other;
} KsComparisonItem;

typedef struct
{
  KsComparisonSide *record; /* the record under review */
  GPtrArray *items;         /* KsComparisonItem, strongest finding first; may be empty */
} KsDuplicateComparison;

void                    ks_duplicate_comparison_free (KsDuplicateComparison *comparison);
const KsFingerCapture  *ks_comparison_side_get_finger (const KsComparisonSide *side,
                                                       FpFinger                finger);

KsDuplicateComparison  *ks_duplicate_comparison_load (KsStore      *store,
                                                      KsVault      *vault,
                                                      KsSession    *session,
                                                      const char   *kp_id,
                                                      GCancellable *cancellable,
                                                      GError      **error);
void                    ks_duplicate_comparison_load_async (KsStore            *store,
                                                            KsVault            *vault,
                                                            KsSession          *session,
                                                            const char         *kp_id,
                                                            GCancellable       *cancellable,
                                                            GAsyncReadyCallback callback,
                                                            gpointer            user_data);
KsDuplicateComparison  *ks_duplicate_comparison_load_finish (GAsyncResult *result,
                                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDuplicateComparison, ks_duplicate_comparison_free)

G_END_DECLS
