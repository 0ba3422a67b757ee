/* ks-fp-quality.c: how usable one fingerprint capture is (minutiae and contact area)
 *
 * Two figures an operator can act on:
 *  - minutiae: bozorth3 (libfprint's matcher, threshold 40) needs about a dozen minutiae paired
 *    between two prints to reach its threshold; an impression with fewer than 15 found minutiae
 *    rarely yields that many in common with a later one (dry or smudged finger), so it is POOR.
 *    30 and more leave room for the part that a later, shifted placement will not overlap: GOOD.
 *    Synthetic and NIST 500 dpi prints give 50-100.
 *  - contact: the fraction of 16x16 blocks that show ridges: grey levels that vary (standard
 *    deviation >= 12; flat glass stays below 10) along one direction (gradient coherence >= 0.3;
 *    noise, smudges and blotches of a wet finger stay below it). Under 30%
 *    the finger only touched with its tip or side: POOR. 55% and more is a well placed finger:
 *    GOOD, the rest FAIR.
 *  - score: the station's own NFIQ-like image quality, 0-100, from its minutiae extractor
 *    (ks-minutiae-extract.c: ridge area x ridge clarity x reliable minutiae; 0 when no print
 *    could be read). A capture's grade comes from it since the station matches with its own
 *    templates: under 20 the extractor finds too little clear ridge detail for a reliable
 *    comparison (POOR), from 50 a well placed, clear impression (GOOD). Contact still caps the
 *    grade, as above: a finger tipped sideways can show clear ridges over too small an area.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fp-quality"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "ks-fp-quality.h"
#include "ks-minutiae-extract.h"

#define BLOCK 16
#define BLOCK_MIN_STDDEV 12.0
#define BLOCK_MIN_COHERENCE 0.3

/* How much the grey-level gradients of a block agree on one direction (0 = none, 1 = all):
 * ridges give 0.5-0.9, sensor noise and smudges well under 0.3. */
static double
block_coherence (const guint8 *grey, guint width, guint height, guint bx, guint by)
{
  double gxx = 0, gyy = 0, gxy = 0;

  for (guint y = MAX (by, 1); y < MIN (by + BLOCK, height - 1); y++)
    for (guint x = MAX (bx, 1); x < MIN (bx + BLOCK, width - 1); x++)
      {
        double gx = (double)grey[y * width + x + 1] - grey[y * width + x - 1];
        double gy = (double)grey[(y + 1) * width + x] - grey[(y - 1) * width + x];

        gxx += gx * gx;
        gyy += gy * gy;
        gxy += gx * gy;
      }
  if (gxx + gyy <= 0)
    return 0;
  return sqrt ((gxx - gyy) * (gxx - gyy) + 4 * gxy * gxy) / (gxx + gyy);
}

KsFpGrade
ks_fp_quality_grade (guint n_minutiae, double contact)
{
  if (n_minutiae < KS_FP_QUALITY_FAIR_MINUTIAE || contact < KS_FP_QUALITY_FAIR_CONTACT)
    return KS_FP_GRADE_POOR;
  if (n_minutiae >= KS_FP_QUALITY_GOOD_MINUTIAE && contact >= KS_FP_QUALITY_GOOD_CONTACT)
    return KS_FP_GRADE_GOOD;
  return KS_FP_GRADE_FAIR;
}

/**
 * ks_fp_quality_grade_score:
 * @score: the impression's quality score, 0-100 (ks_fp_quality_extract())
 * @contact: its contact area, 0-1 (ks_fp_quality_measure())
 *
 * The grade the capture step shows and keeps, by the station's own quality score.
 */
KsFpGrade
ks_fp_quality_grade_score (guint score, double contact)
{
  if (score < KS_FP_QUALITY_FAIR_SCORE || contact < KS_FP_QUALITY_FAIR_CONTACT)
    return KS_FP_GRADE_POOR;
  if (score >= KS_FP_QUALITY_GOOD_SCORE && contact >= KS_FP_QUALITY_GOOD_CONTACT)
    return KS_FP_GRADE_GOOD;
  return KS_FP_GRADE_FAIR;
}

/**
 * ks_fp_quality_extract:
 * @grey: 8-bit grey image, row-major, 500 dpi
 * @score: (out): the image quality score 0-100; 0 when no print could be read
 * @n_minutiae: (out) (optional): the minutiae found
 *
 * The station's template of an impression. CPU work (about 0.1 s): call it in a worker thread.
 *
 * Returns: (transfer full) (nullable): the ISO/IEC 19794-2:2005 record, or %NULL when the image
 *   shows no usable print
 */
GBytes *
ks_fp_quality_extract (const guint8 *grey, guint width, guint height, guint *score,
                       guint *n_minutiae)
{
  g_autoptr(KsGreyImage) image = NULL;
  g_autofree KsMinutiaeTemplate *tmpl = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (score != NULL, NULL);

  *score = 0;
  if (n_minutiae != NULL)
    *n_minutiae = 0;
  if (grey == NULL || width == 0 || height == 0)
    return NULL;
  image = ks_grey_image_new_from_data (grey, width, height, width);
  tmpl = ks_minutiae_extract (image, &error);
  if (tmpl == NULL)
    {
      g_debug ("No template: %s", error->message);
      return NULL;
    }
  *score = tmpl->quality;
  if (n_minutiae != NULL)
    *n_minutiae = tmpl->n_minutiae;
  return ks_minutiae_template_to_iso (tmpl);
}

/**
 * ks_fp_quality_measure:
 * @grey: 8-bit grey image, row-major
 * @n_minutiae: minutiae already found in it (ks_fp_quality_from_image() reads them from libfprint)
 * @quality: (out): filled in
 */
void
ks_fp_quality_measure (const guint8 *grey, guint width, guint height, guint n_minutiae,
                       KsFpQuality *quality)
{
  guint n_blocks = 0, n_foreground = 0;

  g_return_if_fail (quality != NULL);
  g_return_if_fail (grey != NULL || width * height == 0);

  for (guint by = 0; by + BLOCK <= height; by += BLOCK)
    for (guint bx = 0; bx + BLOCK <= width; bx += BLOCK)
      {
        double sum = 0, sum2 = 0, var;

        for (guint y = by; y < by + BLOCK; y++)
          for (guint x = bx; x < bx + BLOCK; x++)
            {
              double v = grey[y * width + x];

              sum += v;
              sum2 += v * v;
            }
        var = sum2 / (BLOCK * BLOCK) - (sum / (BLOCK * BLOCK)) * (sum / (BLOCK * BLOCK));
        n_blocks++;
        if (var >= BLOCK_MIN_STDDEV * BLOCK_MIN_STDDEV
            && block_coherence (grey, width, height, bx, by) >= BLOCK_MIN_COHERENCE)
          n_foreground++;
      }

  quality->n_minutiae = n_minutiae;
  quality->contact = n_blocks ? (double)n_foreground / n_blocks : 0.0;
  quality->grade = ks_fp_quality_grade (n_minutiae, quality->contact);
}

/**
 * ks_fp_quality_from_image:
 *
 * Measures a capture from libfprint. Its minutiae must have been detected already: libfprint
 * does so for every enrolment stage and verify scan, and #KsFingerprintService for captures.
 */
void
ks_fp_quality_from_image (FpImage *image, KsFpQuality *quality)
{
  GPtrArray *minutiae;
  const guchar *data;
  gsize len;

  g_return_if_fail (FP_IS_IMAGE (image));

  minutiae = fp_image_get_minutiae (image);
  data = fp_image_get_data (image, &len);
  ks_fp_quality_measure (data, fp_image_get_width (image), fp_image_get_height (image),
                         minutiae ? minutiae->len : 0, quality);
}

/* Orders by grade, then by the product of both figures: more minutiae over a larger area. */
int
ks_fp_quality_compare (const KsFpQuality *a, const KsFpQuality *b)
{
  double sa = a->n_minutiae * a->contact, sb = b->n_minutiae * b->contact;

  if (a->grade != b->grade)
    return a->grade < b->grade ? -1 : 1;
  if (sa != sb)
    return sa < sb ? -1 : 1;
  return 0;
}

/**
 * ks_fp_quality_pick_best:
 * @tries: (array length=n_tries): the quality of each try
 *
 * Returns: the index of the best try (the first of equals), or 0 when @n_tries is 0
 */
guint
ks_fp_quality_pick_best (const KsFpQuality *tries, guint n_tries)
{
  guint best = 0;

  for (guint i = 1; i < n_tries; i++)
    if (ks_fp_quality_compare (&tries[i], &tries[best]) > 0)
      best = i;
  return best;
}

const char *
ks_fp_grade_to_string (KsFpGrade grade)
{
  switch (grade)
    {
    case KS_FP_GRADE_GOOD:
      return C_("fingerprint quality", "Good");
    case KS_FP_GRADE_FAIR:
      return C_("fingerprint quality", "Fair");
    case KS_FP_GRADE_POOR:
      return C_("fingerprint quality", "Poor");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * ks_fp_image_to_grey:
 * @width: (out)
 * @height: (out)
 *
 * Returns: (transfer full): a copy of the image's 8-bit grey pixels, row-major, for the UI
 */
GBytes *
ks_fp_image_to_grey (FpImage *image, guint *width, guint *height)
{
  const guchar *data;
  gsize len;

  g_return_val_if_fail (FP_IS_IMAGE (image), NULL);

  data = fp_image_get_data (image, &len);
  *width = fp_image_get_width (image);
  *height = fp_image_get_height (image);
  return g_bytes_new (data, len);
}
