/* ks-fp-match.h: template-to-template comparison and the duplicate-finger check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

G_BEGIN_DECLS

/* Scores at or above this mean "same finger"; see ks-fp-match.c for how it was chosen. */
#define KS_FP_MATCH_THRESHOLD 40

typedef struct
{
  guint index; /* into the gallery */
  int score;
} KsFpMatchHit;

typedef enum
{
  KS_FP_DUPLICATE_NEW,      /* two of the new fingers are the same finger */
  KS_FP_DUPLICATE_EXISTING, /* a new finger equals one already on record for this CNIC */
} KsFpDuplicateKind;

typedef struct
{
  KsFpDuplicateKind kind;
  guint new_index;   /* into new_prints */
  guint other_index; /* into new_prints or existing_prints, per kind */
  int score;
} KsFpDuplicate;

int ks_fp_match_score (FpPrint *a, FpPrint *b);
GArray *ks_fp_match_gallery (FpPrint *probe, GPtrArray *gallery, int threshold,
                             GCancellable *cancellable);
GArray *ks_fp_check_duplicates (GPtrArray *new_prints, GPtrArray *existing_prints,
                                GCancellable *cancellable);

G_END_DECLS
