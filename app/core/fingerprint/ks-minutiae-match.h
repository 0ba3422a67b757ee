/* ks-minutiae-match.h: comparing two minutiae templates (Minutia Cylinder-Code)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-minutiae-template.h"

G_BEGIN_DECLS

/* A template prepared for comparisons: compact bit arrays, built once per template. */
typedef struct _KsMinutiaeMatcher KsMinutiaeMatcher;

KsMinutiaeMatcher *ks_minutiae_matcher_new (const KsMinutiaeTemplate *tmpl);
void               ks_minutiae_matcher_free (KsMinutiaeMatcher *matcher);
gsize              ks_minutiae_matcher_size (const KsMinutiaeMatcher *matcher);

/* Similarity 0-100, higher is more similar; symmetric. */
double ks_minutiae_compare (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b);

/* A cheap first look for 1:N searches (about 20x faster than ks_minutiae_compare): how well the
 * best-quality cylinders of a find partners in b. Only good for ranking candidates. */
double ks_minutiae_prefilter (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b);

/* Calibration measured on real prints (see ks-minutiae-match.c). */
double ks_minutiae_score_to_fmr (double score);
double ks_minutiae_threshold_for_fmr (double fmr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsMinutiaeMatcher, ks_minutiae_matcher_free)

G_END_DECLS
