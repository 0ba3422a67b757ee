/* bench-fingerprint-accuracy.c: the FVC protocol on folders of real fingerprint images
 *
 *   build/bench/bench-fingerprint-accuracy [--bozorth3] [--verbose] DIR...
 *
 * Each DIR holds FINGER_IMPRESSION images (101_1.png ... 110_8.png; PNG or PGM). Per folder and
 * pooled over all of them (pooled = the per-folder comparisons put together; fingers of different
 * folders are never compared), with the station's engine (ks-minutiae-*):
 *  - genuine: every pair of impressions of the same finger (28 per finger of 8 impressions);
 *  - impostor (FVC): the first impression of each finger against the first of every other;
 *  - all impostors: every pair of images of different fingers (the FVC set of 45 per folder
 *    cannot show an FMR under 2%).
 * Prints EER, FNMR at FMR <= 1% / 0.1% / 0.01% and at zero FMR (against all impostors),
 * enrolment failures (images without a template: their comparisons score 0, as in FVC), the
 * extraction time per image and the comparison time.
 *
 * Duplicate check (the station's de-duplication, issue 13): a citizen enrolled with K
 * impressions of a finger (the captures the station keeps) against a second enrolment of the same
 * finger, also of K impressions; two enrolments score the highest of their K x K comparisons
 * (max fusion: the station compares every kept impression with every other). Per folder and
 * pooled, for K = 1, 3 and 4:
 *  - genuine: every pair of disjoint K-impression enrolments of the same finger (for 8
 *    impressions and K = 3: 280 per finger; they share impressions, so they are not independent:
 *    the figure says how many distinct fingers the misses come from);
 *  - impostor: every pair of K-impression enrolments of different fingers of the same folder
 *    (56 x 56 per pair of fingers for K = 3);
 *  - threshold: ks_minutiae_threshold_for_fmr (0.0001), the station's de-duplication threshold
 *    (FMR 0.01% per comparison). Prints FNMR at that threshold, the false matches among all
 *    impostor enrolment pairs and the highest impostor score.
 * The scores come from the one-to-one comparisons above (no extra comparisons are run).
 *
 * --bozorth3 also runs libfprint's NBIS matcher on the same pairs through the virtual_image
 * driver (one impression enrolled as all 5 stages, verified against the other), for comparison:
 * genuine pairs and the FVC impostors only (libfprint takes about half a second per comparison),
 * so its FMR figures rest on 45 impostor pairs per folder. It takes several minutes per folder. --verbose prints every comparison's score.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp-test-util.h"
#include "ks-minutiae-extract.h"
#include "ks-minutiae-match.h"

typedef struct
{
  char *path;
  guint finger, impression;
  KsGreyImage *image;
  KsMinutiaeTemplate *tmpl;
  KsMinutiaeMatcher *matcher;
} Sample;

typedef struct
{
  GArray *genuine, *impostor_fvc, *impostor_all; /* double scores */
} Scores;

static void
sample_free (Sample *s)
{
  g_free (s->path);
  ks_grey_image_free (s->image);
  g_free (s->tmpl);
  ks_minutiae_matcher_free (s->matcher);
  g_free (s);
}

static int
cmp_sample (gconstpointer a, gconstpointer b)
{
  const Sample *x = *(Sample * const *)a, *y = *(Sample * const *)b;

  if (x->finger != y->finger)
    return x->finger < y->finger ? -1 : 1;
  return (x->impression > y->impression) - (x->impression < y->impression);
}

static GPtrArray *
load_dir (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *samples = g_ptr_array_new_with_free_func ((GDestroyNotify)sample_free);
  const char *name;

  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (2);
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      guint f, i;
      char ext[8];
      Sample *s;
      if (sscanf (name, "%u_%u.%7s", &f, &i, ext) != 3
          || (strcmp (ext, "png") != 0 && strcmp (ext, "pgm") != 0))
        continue;
      s = g_new0 (Sample, 1);
      s->path = g_build_filename (dir, name, NULL);
      s->finger = f;
      s->impression = i;
      s->image = ks_grey_image_load (s->path, &error);
      if (s->image == NULL)
        {
          g_printerr ("%s\n", error->message);
          exit (2);
        }
      g_ptr_array_add (samples, s);
    }
  g_ptr_array_sort (samples, cmp_sample);
  return samples;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* FMR(t) = impostors >= t, FNMR(t) = genuine < t, over every distinct threshold. */
static double
fmr_at (GArray *imp, double t)
{
  guint n = 0;

  for (guint i = 0; i < imp->len; i++)
    n += g_array_index (imp, double, i) >= t;
  return imp->len ? (double)n / imp->len : 0;
}

static double
fnmr_at (GArray *gen, double t)
{
  guint n = 0;

  for (guint i = 0; i < gen->len; i++)
    n += g_array_index (gen, double, i) < t;
  return gen->len ? (double)n / gen->len : 0;
}

static GArray *
thresholds (GArray *gen, GArray *imp)
{
  GArray *t = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (t, gen->data, gen->len);
  g_array_append_vals (t, imp->data, imp->len);
  for (guint i = 0; i < imp->len; i++)
    {
      double above = nextafter (g_array_index (imp, double, i), G_MAXDOUBLE);
      g_array_append_val (t, above);
    }
  g_array_sort (t, cmp_double);
  return t;
}

static double
eer (GArray *gen, GArray *imp)
{
  g_autoptr(GArray) ts = thresholds (gen, imp);
  double best = 1, best_gap = 2;

  for (guint i = 0; i < ts->len; i++)
    {
      double t = g_array_index (ts, double, i), a = fmr_at (imp, t), b = fnmr_at (gen, t);
      if (fabs (a - b) < best_gap)
        {
          best_gap = fabs (a - b);
          best = (a + b) / 2;
        }
    }
  return best;
}

static double
fnmr_at_fmr (GArray *gen, GArray *imp, double fmr, double *threshold)
{
  g_autoptr(GArray) ts = thresholds (gen, imp);

  for (guint i = 0; i < ts->len; i++)
    {
      double t = g_array_index (ts, double, i);
      if (fmr_at (imp, t) <= fmr)
        {
          if (threshold)
            *threshold = t;
          return fnmr_at (gen, t);
        }
    }
  return 1;
}

static void
report (const char *what, const char *name, Scores *s)
{
  /* bozorth3 only compares the FVC impostors (first impressions): then FMR rests on those */
  GArray *imp = s->impostor_all->len ? s->impostor_all : s->impostor_fvc;
  double t1, t2, t3, t0;
  double f1 = fnmr_at_fmr (s->genuine, imp, 0.01, &t1);
  double f2 = fnmr_at_fmr (s->genuine, imp, 0.001, &t2);
  double f3 = fnmr_at_fmr (s->genuine, imp, 0.0001, &t3);
  double f0 = fnmr_at_fmr (s->genuine, imp, 0.0, &t0);

  g_print ("%-9s %-8s genuine %u, impostors %u (FVC) / %u (all)\n", what, name,
           s->genuine->len, s->impostor_fvc->len, s->impostor_all->len);
  g_print ("%-9s %-8s EER %.2f%% (FVC impostors %.2f%%)%s\n", what, name,
           100 * eer (s->genuine, imp), 100 * eer (s->genuine, s->impostor_fvc),
           imp == s->impostor_fvc ? ", FMR from the FVC impostors only" : "");
  g_print ("%-9s %-8s FNMR %.2f%% at FMR<=1%% (t=%.2f), %.2f%% at FMR<=0.1%% (t=%.2f), "
           "%.2f%% at FMR<=0.01%% (t=%.2f), %.2f%% at FMR=0 (t=%.2f)\n",
           what, name, 100 * f1, t1, 100 * f2, t2, 100 * f3, t3, 100 * f0, t0);
}

/* The impostor score that a share fmr of all impostor comparisons reaches or exceeds: the points
 * of the score -> FMR calibration in ks-minutiae-match.c. */
static void
print_calibration (GArray *imp)
{
  static const double fmrs[] = { 0.1, 0.03, 0.01, 0.003, 0.001 };
  g_autoptr(GArray) sorted = g_array_copy (imp);

  g_array_sort (sorted, cmp_double);
  g_print ("calibration (%u impostor comparisons):", sorted->len);
  for (guint i = 0; i < G_N_ELEMENTS (fmrs); i++)
    {
      guint above = (guint)floor (fmrs[i] * sorted->len);
      if (above >= 1 && above < sorted->len)
        g_print (" FMR %g at score %.2f;", fmrs[i],
                 g_array_index (sorted, double, sorted->len - above));
    }
  g_print (" max %.2f\n", sorted->len ? g_array_index (sorted, double, sorted->len - 1) : 0);
}

static Scores *
scores_new (void)
{
  Scores *s = g_new0 (Scores, 1);

  s->genuine = g_array_new (FALSE, FALSE, sizeof (double));
  s->impostor_fvc = g_array_new (FALSE, FALSE, sizeof (double));
  s->impostor_all = g_array_new (FALSE, FALSE, sizeof (double));
  return s;
}

static void
scores_add (Scores *to, Scores *from)
{
  g_array_append_vals (to->genuine, from->genuine->data, from->genuine->len);
  g_array_append_vals (to->impostor_fvc, from->impostor_fvc->data, from->impostor_fvc->len);
  g_array_append_vals (to->impostor_all, from->impostor_all->data, from->impostor_all->len);
}

static void
scores_free (Scores *s)
{
  g_array_unref (s->genuine);
  g_array_unref (s->impostor_fvc);
  g_array_unref (s->impostor_all);
  g_free (s);
}

static gboolean verbose;

typedef double (*CompareFunc) (GPtrArray *samples, guint i, guint j, gpointer data);

static void
run_protocol (GPtrArray *samples, CompareFunc compare, gpointer data, Scores *s,
              gboolean skip_all_impostors)
{
  for (guint i = 0; i < samples->len; i++)
    for (guint j = i + 1; j < samples->len; j++)
      {
        Sample *a = samples->pdata[i], *b = samples->pdata[j];
        double score;
        if (skip_all_impostors && a->finger != b->finger &&
            (a->impression != 1 || b->impression != 1))
          continue;
        score = compare (samples, i, j, data);
        if (verbose)
          g_print ("%s %s %s %.3f\n", a->finger == b->finger ? "genuine" : "impostor",
                   a->path, b->path, score);
        if (a->finger == b->finger)
          g_array_append_val (s->genuine, score);
        else
          {
            g_array_append_val (s->impostor_all, score);
            if (a->impression == 1 && b->impression == 1)
              g_array_append_val (s->impostor_fvc, score);
          }
      }
}

/* Every comparison's score, n x n, for the duplicate check. */
static double
compare_minutiae (GPtrArray *samples, guint i, guint j, gpointer data)
{
  Sample *a = samples->pdata[i], *b = samples->pdata[j];
  double *matrix = data, score;

  score = a->matcher && b->matcher ? ks_minutiae_compare (a->matcher, b->matcher) : 0;
  matrix[i * samples->len + j] = matrix[j * samples->len + i] = score;
  return score;
}

/* The duplicate check's figures for enrolments of k impressions. */
typedef struct
{
  guint genuine, misses, impostor, false_matches;
  double impostor_max;
  GHashTable *missed_fingers; /* "dir/finger" of every genuine miss */
  GHashTable *false_fingers;  /* "dir/finger-finger" of every false match */
} Dedup;

#define DEDUP_MAX_IMPRESSIONS 12 /* a finger with more is skipped: subsets grow as 2^n */

/* Every k-subset of n impressions as a bit mask. */
static GArray *
subsets (guint n, guint k)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint mask = 0; mask < (1u << n); mask++)
    if ((guint)__builtin_popcount (mask) == k)
      g_array_append_val (out, mask);
  return out;
}

/* The highest score between the impressions of mask a (of finger at first_a) and of mask b (of
 * finger at first_b). */
static double
fused (const double *matrix, guint n, guint first_a, guint mask_a, guint first_b, guint mask_b)
{
  double best = 0;

  for (guint i = 0; i < DEDUP_MAX_IMPRESSIONS; i++)
    if (mask_a & (1u << i))
      for (guint j = 0; j < DEDUP_MAX_IMPRESSIONS; j++)
        if (mask_b & (1u << j))
          best = MAX (best, matrix[(first_a + i) * n + first_b + j]);
  return best;
}

static void
duplicate_check (GPtrArray *samples, const double *matrix, const char *dir, guint k,
                 double threshold, Dedup *d)
{
  guint n = samples->len;
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) count = g_array_new (FALSE, FALSE, sizeof (guint));

  /* samples are sorted by finger: one run of impressions per finger */
  for (guint i = 0; i < n; i++)
    {
      Sample *s = samples->pdata[i];
      if (i == 0 || ((Sample *)samples->pdata[i - 1])->finger != s->finger)
        {
          guint one = 0;
          g_array_append_val (first, i);
          g_array_append_val (count, one);
        }
      g_array_index (count, guint, count->len - 1)++;
    }
  for (guint f = 0; f < first->len; f++)
    {
      guint nf = g_array_index (count, guint, f), ff = g_array_index (first, guint, f);
      g_autoptr(GArray) sf = NULL;
      if (nf > DEDUP_MAX_IMPRESSIONS || nf < k)
        continue;
      sf = subsets (nf, k);
      for (guint a = 0; a < sf->len; a++)
        {
          guint ma = g_array_index (sf, guint, a);
          /* genuine: disjoint enrolments of this finger, each unordered pair once */
          for (guint b = a + 1; b < sf->len; b++)
            {
              guint mb = g_array_index (sf, guint, b);
              if (ma & mb)
                continue;
              d->genuine++;
              if (fused (matrix, n, ff, ma, ff, mb) < threshold)
                {
                  d->misses++;
                  g_hash_table_add (d->missed_fingers,
                                    g_strdup_printf ("%s/%u",
                                                     dir, ((Sample *)samples->pdata[ff])->finger));
                }
            }
          /* impostor: enrolments of every later finger */
          for (guint g = f + 1; g < first->len; g++)
            {
              guint ng = g_array_index (count, guint, g), fg = g_array_index (first, guint, g);
              g_autoptr(GArray) sg = NULL;
              if (ng > DEDUP_MAX_IMPRESSIONS || ng < k)
                continue;
              sg = subsets (ng, k);
              for (guint b = 0; b < sg->len; b++)
                {
                  double score = fused (matrix, n, ff, ma, fg, g_array_index (sg, guint, b));
                  d->impostor++;
                  if (score >= threshold)
                    {
                      d->false_matches++;
                      g_hash_table_add (d->false_fingers,
                                        g_strdup_printf ("%s/%u-%u", dir,
                                                         ((Sample *)samples->pdata[ff])->finger,
                                                         ((Sample *)samples->pdata[fg])->finger));
                    }
                  d->impostor_max = MAX (d->impostor_max, score);
                }
            }
        }
    }
}

static const guint dedup_k[] = { 1, 3, 4 };

static void
report_dedup (const char *name, const Dedup *d, guint k, double threshold)
{
  g_print ("duplicate %-8s %u vs %u impression%s (max of %u): at t=%.2f (FMR 0.01%% per "
           "comparison) FNMR %.2f%% (%u of %u genuine enrolment pairs, %u finger%s), "
           "false matches %u of %u impostor enrolment pairs (%u pairs of fingers; highest %.2f)\n",
           name, k, k, k > 1 ? "s" : "", k * k, threshold,
           100.0 * d->misses / MAX (d->genuine, 1), d->misses, d->genuine,
           g_hash_table_size (d->missed_fingers),
           g_hash_table_size (d->missed_fingers) == 1 ? "" : "s", d->false_matches, d->impostor,
           g_hash_table_size (d->false_fingers), d->impostor_max);
}

/* bozorth3 through libfprint: enrol image i as all stages, verify image j, best score. */
typedef struct
{
  FptRig *rig;
  guint cached_i;
  FpPrint *cached;
} Bozorth;

static void
queue_image (Bozorth *bz, Sample *s)
{
  g_autoptr(GBytes) grey = g_bytes_new (s->image->pixels,
                                        (gsize)s->image->width * s->image->height);

  ks_virtual_scanner_queue_image (bz->rig->scanner, grey, s->image->width, s->image->height);
}

/* libfprint's virtual reader heats up like a real one after minutes of continuous use and then
 * refuses scans for minutes: the bench swaps in a fresh virtual reader instead of waiting. */
static gboolean
overheated (Bozorth *bz, GError *error)
{
  if (!g_error_matches (error, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_OVERHEATED))
    return FALSE;
  g_clear_object (&bz->cached);
  fpt_rig_free (bz->rig);
  bz->rig = fpt_rig_new_virtual_image ();
  return TRUE;
}

static FpPrint *
bozorth3_enroll (Bozorth *bz, Sample *s, GError **error)
{
  for (int attempt = 0; ; attempt++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) local = NULL;
      guint n = ks_fingerprint_service_get_n_enroll_stages (bz->rig->service);
      FpPrint *print;

      ks_virtual_scanner_clear_queue (bz->rig->scanner);
      for (guint k = 0; k < n; k++)
        queue_image (bz, s);
      ks_fingerprint_service_enroll_async (bz->rig->service, FP_FINGER_RIGHT_INDEX, "bench",
                                           NULL, NULL, NULL, fpt_store_result, &result);
      print = ks_fingerprint_service_enroll_finish (bz->rig->service, fpt_wait (&result), &local);
      g_clear_object (&result); /* it holds the service, which a swap must finalize */
      if (print != NULL || attempt > 0 || !overheated (bz, local))
        {
          if (local)
            g_propagate_error (error, g_steal_pointer (&local));
          return print;
        }
    }
}

static double
compare_bozorth3 (GPtrArray *samples, guint i, guint j, gpointer data)
{
  Bozorth *bz = data;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean matched = FALSE;
      int score;

      if (bz->cached == NULL || bz->cached_i != i)
        {
          g_clear_object (&bz->cached);
          bz->cached = bozorth3_enroll (bz, samples->pdata[i], &error);
          bz->cached_i = i;
          if (bz->cached == NULL)
            {
              g_printerr ("bozorth3: %s not enrolled: %s\n",
                          ((Sample *)samples->pdata[i])->path, error->message);
              return 0;
            }
        }
      ks_virtual_scanner_clear_queue (bz->rig->scanner);
      queue_image (bz, samples->pdata[j]);
      fpt_take_best_score ();
      ks_fingerprint_service_verify_async (bz->rig->service, bz->cached, NULL, NULL, NULL,
                                           fpt_store_result, &result);
      if (ks_fingerprint_service_verify_finish (bz->rig->service, fpt_wait (&result), &matched,
                                                NULL, &error))
        {
          score = fpt_take_best_score ();
          return MAX (score, 0);
        }
      g_clear_object (&result); /* it holds the service, which a swap must finalize */
      if (!overheated (bz, error))
        return 0;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  gboolean bozorth3 = FALSE;
  g_autoptr(GPtrArray) dirs = g_ptr_array_new ();
  Scores *pooled = scores_new (), *pooled_bz = scores_new ();
  double extract_total = 0, prepare_total = 0, compare_total = 0, extract_max = 0;
  guint n_images = 0, n_failed = 0, n_compared = 0, minutiae_total = 0, quality_total = 0;
  gsize matcher_bytes = 0;
  Bozorth bz = { 0 };
  Dedup dedup_pooled[G_N_ELEMENTS (dedup_k)] = { 0 };
  double dedup_threshold = ks_minutiae_threshold_for_fmr (0.0001);

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--bozorth3"))
      bozorth3 = TRUE;
    else if (g_str_equal (argv[i], "--verbose"))
      verbose = TRUE;
    else
      g_ptr_array_add (dirs, argv[i]);
  if (dirs->len == 0)
    {
      g_printerr ("usage: %s [--bozorth3] [--verbose] DIR...\n"
                  "  DIR: folder of FINGER_IMPRESSION images (101_1.png ...), e.g.\n"
                  "  ../shared/reference/fingerprints/fvc2000/db1_b\n", argv[0]);
      return 2;
    }
  if (bozorth3)
    {
      fpt_capture_scores ();
      bz.rig = fpt_rig_new_virtual_image ();
    }

  for (guint d = 0; d < dirs->len; d++)
    {
      const char *dir = dirs->pdata[d];
      g_autoptr(GPtrArray) samples = load_dir (dir);
      g_autofree char *name = g_path_get_basename (dir);
      Scores *s = scores_new ();
      guint failed = 0;

      for (guint i = 0; i < samples->len; i++)
        {
          Sample *smp = samples->pdata[i];
          g_autoptr(GError) error = NULL;
          gint64 t0 = g_get_monotonic_time (), t1;
          double ms;
          smp->tmpl = ks_minutiae_extract (smp->image, &error);
          t1 = g_get_monotonic_time ();
          ms = (t1 - t0) / 1000.0;
          extract_total += ms;
          extract_max = MAX (extract_max, ms);
          n_images++;
          if (smp->tmpl == NULL)
            {
              g_print ("enrolment failure: %s: %s\n", smp->path, error->message);
              failed++;
              continue;
            }
          minutiae_total += smp->tmpl->n_minutiae;
          quality_total += smp->tmpl->quality;
          smp->matcher = ks_minutiae_matcher_new (smp->tmpl);
          prepare_total += (g_get_monotonic_time () - t1) / 1000.0;
          matcher_bytes += ks_minutiae_matcher_size (smp->matcher);
        }
      n_failed += failed;
      {
        gint64 t0 = g_get_monotonic_time ();
        guint before = s->genuine->len + s->impostor_all->len;
        g_autofree double *matrix = g_new0 (double, (gsize)samples->len * samples->len);
        run_protocol (samples, compare_minutiae, matrix, s, FALSE);
        compare_total += (g_get_monotonic_time () - t0) / 1000.0;
        n_compared += s->genuine->len + s->impostor_all->len - before;
        g_print ("%-9s %-8s %u images, %u enrolment failures\n", "khyber", name, samples->len,
                 failed);
        report ("khyber", name, s);
        for (guint k = 0; k < G_N_ELEMENTS (dedup_k); k++)
          {
            Dedup one = { 0 };
            one.missed_fingers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            one.false_fingers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
            if (dedup_pooled[k].missed_fingers == NULL)
              {
                dedup_pooled[k].missed_fingers = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                        g_free, NULL);
                dedup_pooled[k].false_fingers = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                                       g_free, NULL);
              }
            duplicate_check (samples, matrix, name, dedup_k[k], dedup_threshold, &one);
            duplicate_check (samples, matrix, name, dedup_k[k], dedup_threshold,
                             &dedup_pooled[k]);
            report_dedup (name, &one, dedup_k[k], dedup_threshold);
            g_hash_table_unref (one.missed_fingers);
            g_hash_table_unref (one.false_fingers);
          }
      }
      scores_add (pooled, s);
      scores_free (s);

      if (bozorth3)
        {
          Scores *b = scores_new ();
          bz.cached_i = G_MAXUINT;
          run_protocol (samples, compare_bozorth3, &bz, b, TRUE);
          g_clear_object (&bz.cached);
          report ("bozorth3", name, b);
          scores_add (pooled_bz, b);
          scores_free (b);
        }
    }
  print_calibration (pooled->impostor_all);
  if (dirs->len > 1)
    {
      report ("khyber", "pooled", pooled);
      if (bozorth3)
        report ("bozorth3", "pooled", pooled_bz);
      for (guint k = 0; k < G_N_ELEMENTS (dedup_k); k++)
        report_dedup ("pooled", &dedup_pooled[k], dedup_k[k], dedup_threshold);
    }
  for (guint k = 0; k < G_N_ELEMENTS (dedup_k); k++)
    {
      g_clear_pointer (&dedup_pooled[k].missed_fingers, g_hash_table_unref);
      g_clear_pointer (&dedup_pooled[k].false_fingers, g_hash_table_unref);
    }
  g_print ("khyber: %u images, %u enrolment failures, mean %.1f minutiae, mean quality %.0f\n",
           n_images, n_failed, (double)minutiae_total / MAX (n_images - n_failed, 1),
           (double)quality_total / MAX (n_images - n_failed, 1));
  g_print ("khyber: extraction %.1f ms per image (max %.1f), matcher preparation %.2f ms, "
           "%.0f bytes per prepared template\n",
           extract_total / MAX (n_images, 1), extract_max,
           prepare_total / MAX (n_images - n_failed, 1),
           (double)matcher_bytes / MAX (n_images - n_failed, 1));
  g_print ("khyber: comparison %.1f us (%u comparisons)\n",
           1000 * compare_total / MAX (n_compared, 1), n_compared);
  scores_free (pooled);
  scores_free (pooled_bz);
  if (bz.rig)
    fpt_rig_free (bz.rig);
  return 0;
}
