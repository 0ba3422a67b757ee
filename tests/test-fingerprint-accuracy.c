/* test-fingerprint-accuracy.c: false non-match and false match rates on 50 synthetic fingers
 *
 * Each finger is enrolled from impressions 0-4 through libfprint's virtual_image driver (NBIS
 * mindtct + bozorth3, as with a real image reader), then verified with impressions it has never
 * seen. Genuine attempts must all match. Impostor attempts present another finger's impression
 * against the template.
 *
 * FMR bound: bozorth3's fixed threshold of 40 gives about 1% false matches per comparison on
 * synthetic prints (libfprint reference notes: 17 of 1740 impostor comparisons). With 100 impostor
 * attempts, P(more than 4 false matches | p = 1%) = 0.3%, so a bound of 4% only fails when the
 * generator or libfprint really got worse. The corpus is deterministic, so the figure itself is
 * stable from run to run; the bound is about regressions, not luck.
 *
 * The same templates also calibrate the template-to-template matcher used for the duplicate check
 * (ks-fp-match.c): every genuine template pair must pass its threshold, and at most 1% of the
 * impostor pairs may.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fp-test-util.h"

#define FMR_BOUND 0.04
#define DUP_FMR_BOUND 0.01
#define N_SECOND_ENROLMENTS 10

static FptRig *rig;

static void
person_finger (guint i, guint64 *person, guint *finger)
{
  *person = 5000 + i / 10;
  *finger = i % 10 + 1;
}

static void
test_accuracy (void)
{
  guint n = fpt_quick () ? 10 : 50;
  g_autoptr(GPtrArray) fingers
    = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_fpsynth_finger_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) seconds = g_ptr_array_new_with_free_func (g_object_unref);
  guint genuine = 0, false_non_match = 0, impostor = 0, false_match = 0;
  int genuine_min = G_MAXINT, impostor_max = -1;
  guint dup_genuine = 0, dup_missed = 0, dup_impostor = 0, dup_false = 0;
  int dup_genuine_min = G_MAXINT, dup_impostor_max = -1;
  double fnmr, fmr, dup_fmr;

  for (guint i = 0; i < n; i++)
    {
      guint64 person;
      guint finger;
      g_autoptr(GError) error = NULL;
      FpPrint *t;

      person_finger (i, &person, &finger);
      g_ptr_array_add (fingers, ks_fpsynth_finger_new (person, finger));
      t = fpt_enroll (rig, fingers->pdata[i], 0, &error);
      g_assert_no_error (error);
      g_ptr_array_add (templates, t);
    }

  for (guint i = 0; i < n; i++)
    {
      /* Genuine: two impressions never used at enrolment. */
      for (guint impression = 5; impression <= 6; impression++)
        {
          g_autoptr(GError) error = NULL;
          gboolean matched = FALSE;
          int score = -1;

          g_assert_true (fpt_verify (rig, templates->pdata[i], fingers->pdata[i], impression,
                                     &matched, &score, &error));
          g_assert_no_error (error);
          genuine++;
          if (!matched)
            {
              false_non_match++;
              g_test_message ("false non-match: finger %u impression %u, score %d", i, impression,
                              score);
            }
          genuine_min = MIN (genuine_min, score);
        }
      /* Impostors: two other fingers, one of them often of the same person. */
      for (guint k = 0; k < 2; k++)
        {
          guint j = (i + (k == 0 ? 1 : 17)) % n;
          g_autoptr(GError) error = NULL;
          gboolean matched = FALSE;
          int score = -1;

          g_assert_true (fpt_verify (rig, templates->pdata[i], fingers->pdata[j], 5 + k, &matched,
                                     &score, &error));
          g_assert_no_error (error);
          impostor++;
          if (matched)
            {
              false_match++;
              g_test_message ("false match: template %u, finger %u, score %d", i, j, score);
            }
          impostor_max = MAX (impostor_max, score);
        }
    }

  fnmr = (double)false_non_match / genuine;
  fmr = (double)false_match / impostor;
  g_test_message ("libfprint verify: %u genuine attempts, %u false non-matches (min score %d); "
                  "%u impostor attempts, %u false matches (max score %d)",
                  genuine, false_non_match, genuine_min, impostor, false_match, impostor_max);
  g_test_minimized_result (fnmr, "FNMR %.4f", fnmr);
  g_test_minimized_result (fmr, "FMR %.4f", fmr);
  g_assert_cmpuint (false_non_match, ==, 0);
  g_assert_cmpfloat (fmr, <=, FMR_BOUND);

  /* Template-to-template (duplicate check): a second enrolment of some fingers... */
  for (guint i = 0; i < MIN (n, N_SECOND_ENROLMENTS); i++)
    {
      g_autoptr(GError) error = NULL;
      FpPrint *t = fpt_enroll (rig, fingers->pdata[i], 10, &error);
      int score;

      g_assert_no_error (error);
      g_ptr_array_add (seconds, t);
      score = ks_fp_match_score (templates->pdata[i], t);
      dup_genuine++;
      dup_genuine_min = MIN (dup_genuine_min, score);
      if (score < KS_FP_MATCH_THRESHOLD)
        dup_missed++;
    }
  /* ... against every pair of different fingers. */
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        int score = ks_fp_match_score (templates->pdata[i], templates->pdata[j]);

        dup_impostor++;
        dup_impostor_max = MAX (dup_impostor_max, score);
        if (score >= KS_FP_MATCH_THRESHOLD)
          dup_false++;
      }
  dup_fmr = (double)dup_false / dup_impostor;
  g_test_message ("template matcher: %u genuine pairs, %u missed (min score %d); %u impostor "
                  "pairs, %u false (max score %d); threshold %d",
                  dup_genuine, dup_missed, dup_genuine_min, dup_impostor, dup_false,
                  dup_impostor_max, KS_FP_MATCH_THRESHOLD);
  g_test_minimized_result (dup_fmr, "duplicate-check FMR %.4f", dup_fmr);
  g_assert_cmpuint (dup_missed, ==, 0);
  g_assert_cmpfloat (dup_fmr, <=, DUP_FMR_BOUND);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  fpt_capture_scores ();
  rig = fpt_rig_new_virtual_image ();
  g_test_add_func ("/fingerprint/accuracy/synthetic-50", test_accuracy);
  ret = g_test_run ();
  fpt_rig_free (rig);
  return ret;
}
