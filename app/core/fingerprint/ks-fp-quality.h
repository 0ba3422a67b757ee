/* ks-fp-quality.h: how usable one fingerprint capture is (minutiae and contact area)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

G_BEGIN_DECLS

typedef enum
{
  KS_FP_GRADE_POOR,
  KS_FP_GRADE_FAIR,
  KS_FP_GRADE_GOOD,
} KsFpGrade;

/* Thresholds, see ks-fp-quality.c for where they come from. */
#define KS_FP_QUALITY_GOOD_MINUTIAE 30
#define KS_FP_QUALITY_FAIR_MINUTIAE 15
#define KS_FP_QUALITY_GOOD_CONTACT 0.55
#define KS_FP_QUALITY_FAIR_CONTACT 0.30
#define KS_FP_QUALITY_GOOD_SCORE 50
#define KS_FP_QUALITY_FAIR_SCORE 20

typedef struct
{
  guint n_minutiae; /* as found by NBIS mindtct; 0 when not detected */
  double contact;   /* fraction of 16x16 blocks showing ridges, 0-1 */
  KsFpGrade grade;
} KsFpQuality;

void ks_fp_quality_measure (const guint8 *grey, guint width, guint height, guint n_minutiae,
                            KsFpQuality *quality);
void ks_fp_quality_from_image (FpImage *image, KsFpQuality *quality);
KsFpGrade ks_fp_quality_grade (guint n_minutiae, double contact);
KsFpGrade ks_fp_quality_grade_score (guint score, double contact);
GBytes *ks_fp_quality_extract (const guint8 *grey, guint width, guint height, guint *score,
                               guint *n_minutiae);
int ks_fp_quality_compare (const KsFpQuality *a, const KsFpQuality *b);
guint ks_fp_quality_pick_best (const KsFpQuality *tries, guint n_tries);
const char *ks_fp_grade_to_string (KsFpGrade grade);
GBytes *ks_fp_image_to_grey (FpImage *image, guint *width, guint *height);

G_END_DECLS
