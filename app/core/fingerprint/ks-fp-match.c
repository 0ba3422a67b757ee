/* ks-fp-match.c: template-to-template comparison and the duplicate-finger check
 *
 * libfprint only compares a template with a finger on the glass (verify/identify), exports no
 * NBIS/bozorth3 symbol, and its identify stops at the FIRST gallery print scoring 40, not the
 * best one. A duplicate search needs every stored template compared with every new one, without a
 * finger present, so this file compares the minutiae libfprint stores in its templates (the x, y,
 * theta columns of fp_print_serialize(), the same data bozorth3 uses) with its own matcher:
 *
 *  1. minutiae within 20 px of the convex hull of a set are dropped: they are mostly ridges cut
 *     off by the edge of the contact area, and every finger's edge is a similar oval;
 *  2. alignment by a Hough vote: every pair of minutiae (a, b) whose directions differ by at most
 *     42 degrees votes for the rotation (6 degree bins) and the translation (8 px bins) that
 *     carries a onto b; true pairs agree, chance pairs spread out;
 *  3. for the three strongest alignments, minutiae are paired greedily (nearest first) within
 *     9 px and 16 degrees, the transform is re-fitted by least squares on those pairs, and they
 *     are paired again: this absorbs most of the skin's elastic distortion;
 *  4. the score of two sets is 100 n^2 / (overlap_a overlap_b), n the paired minutiae and
 *     overlap_x the minutiae of each set inside the other's area, scaled down below 15 pairs;
 *     the score of two templates (one set per enrolment stage) is the mean over the sets of the
 *     first of their best score against the sets of the second.
 *
 * Threshold: on 30 synthetic fingers enrolled twice (5 impressions each, different ones), the 30
 * genuine template pairs scored 84-100 and the 435 impostor pairs 0-17. KS_FP_MATCH_THRESHOLD = 40
 * leaves margin on both sides; tests/test-fingerprint-accuracy.c re-checks it on 50 fingers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fp-match"

#include "config.h"

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "ks-fp-match.h"

#define ROT_STEP_DEG 6.0
#define ROT_MAX_DEG 42.0
#define ROT_HALF 7
#define ROT_BINS (2 * ROT_HALF + 1)
#define T_STEP 8.0
#define T_HALF 24
#define T_BINS (2 * T_HALF + 1)
#define PAIR_DIST 9.0
#define PAIR_ANGLE_DEG 16.0
#define N_PEAKS 3
#define BORDER_MARGIN 20.0
#define MIN_PAIRED 15

typedef struct
{
  float x, y, theta; /* theta in radians */
} Minutia;

typedef struct
{
  guint n;
  Minutia *m;
} MinutiaSet;

static void
minutia_set_clear (gpointer data)
{
  MinutiaSet *set = data;

  g_clear_pointer (&set->m, g_free);
}

static double
cross (const Minutia *o, const Minutia *a, const Minutia *b)
{
  return (a->x - o->x) * (b->y - o->y) - (a->y - o->y) * (b->x - o->x);
}

static int
minutia_compare_xy (gconstpointer pa, gconstpointer pb)
{
  const Minutia *a = pa, *b = pb;

  if (a->x != b->x)
    return a->x < b->x ? -1 : 1;
  return (a->y > b->y) - (a->y < b->y);
}

/* Where the finger leaves the glass every ridge "ends": mindtct reports a ring of such false
 * endings along the contact edge, and since every contact area is a similar oval, those rings
 * pair up between any two fingers. Drop what lies within BORDER_MARGIN of the convex hull of the
 * minutiae (the hull is Andrew's monotone chain). */
static void
drop_border_minutiae (MinutiaSet *set)
{
  g_autofree Minutia *sorted = NULL;
  g_autofree Minutia *hull = NULL;
  guint n = set->n, k = 0, kept = 0;

  if (n < 8)
    return;
  sorted = g_memdup2 (set->m, sizeof (Minutia) * n);
  qsort (sorted, n, sizeof (Minutia), minutia_compare_xy);
  hull = g_new (Minutia, 2 * n);
  for (guint i = 0; i < n; i++)
    {
      while (k >= 2 && cross (&hull[k - 2], &hull[k - 1], &sorted[i]) <= 0)
        k--;
      hull[k++] = sorted[i];
    }
  for (guint i = n - 1, lower = k + 1; i > 0; i--)
    {
      while (k >= lower && cross (&hull[k - 2], &hull[k - 1], &sorted[i - 1]) <= 0)
        k--;
      hull[k++] = sorted[i - 1];
    }
  /* hull[k - 1] == hull[0]: k - 1 edges. */
  for (guint i = 0; i < n; i++)
    {
      double dmin = G_MAXDOUBLE;

      for (guint e = 0; e + 1 < k; e++)
        {
          double ex = hull[e + 1].x - hull[e].x, ey = hull[e + 1].y - hull[e].y;
          double len = sqrt (ex * ex + ey * ey);

          if (len > 0)
            dmin = MIN (dmin, fabs (ex * (set->m[i].y - hull[e].y) - ey * (set->m[i].x - hull[e].x))
                        / len);
        }
      if (dmin >= BORDER_MARGIN)
        set->m[kept++] = set->m[i];
    }
  set->n = kept;
}

/* The minutiae sets of a template, read from its serialised form: a GArray of MinutiaSet, or
 * NULL for prints that carry no minutiae (other drivers, devices that match on-chip). */
static GArray *
print_minutiae (FpPrint *print)
{
  g_autofree guchar *data = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) payload = NULL;
  g_autoptr(GVariant) inner = NULL;
  g_autoptr(GVariant) sets = NULL;
  g_autoptr(GArray) result = NULL;
  gsize len = 0;

  if (print == NULL || !fp_print_serialize (print, &data, &len, NULL) || len <= 3)
    return NULL;

  {
    g_autoptr(GVariant) raw = g_variant_ref_sink (g_variant_new_from_data (
                                                    G_VARIANT_TYPE ("(issbymsmsia{sv}v)"), data + 3,
                                                    len - 3, FALSE, NULL, NULL));

    /* The normal form is a checked copy: a corrupt blob yields defaults, never a crash. */
    value = g_variant_get_normal_form (raw);
  }
  payload = g_variant_get_child_value (value, 9);
  inner = g_variant_get_variant (payload);
  if (!g_variant_is_of_type (inner, G_VARIANT_TYPE ("(a(aiaiai))")))
    {
      g_clear_pointer (&value, g_variant_unref);
      sodium_memzero (data, len);
      return NULL;
    }

  sets = g_variant_get_child_value (inner, 0);
  result = g_array_new (FALSE, TRUE, sizeof (MinutiaSet));
  g_array_set_clear_func (result, minutia_set_clear);
  for (gsize i = 0; i < g_variant_n_children (sets); i++)
    {
      g_autoptr(GVariant) xyt = g_variant_get_child_value (sets, i);
      g_autoptr(GVariant) xs = g_variant_get_child_value (xyt, 0);
      g_autoptr(GVariant) ys = g_variant_get_child_value (xyt, 1);
      g_autoptr(GVariant) ts = g_variant_get_child_value (xyt, 2);
      gsize nx, ny, nt;
      const gint32 *x = g_variant_get_fixed_array (xs, &nx, sizeof (gint32));
      const gint32 *y = g_variant_get_fixed_array (ys, &ny, sizeof (gint32));
      const gint32 *t = g_variant_get_fixed_array (ts, &nt, sizeof (gint32));
      MinutiaSet set = { 0, NULL };

      if (nx != ny || nx != nt)
        continue;
      set.n = nx;
      set.m = g_new (Minutia, MAX (nx, 1));
      for (gsize k = 0; k < nx; k++)
        set.m[k] = (Minutia){ x[k], y[k], t[k] * G_PI / 180.0 }
      ;
      drop_border_minutiae (&set);
      g_array_append_val (result, set);
    }

  /* The serialised template is biometric data: do not leave copies lying in freed memory. */
  g_clear_pointer (&sets, g_variant_unref);
  g_clear_pointer (&inner, g_variant_unref);
  g_clear_pointer (&payload, g_variant_unref);
  g_clear_pointer (&value, g_variant_unref);
  sodium_memzero (data, len);

  return g_steal_pointer (&result);
}

static void
minutiae_free (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

static double
angle_diff (double a, double b)
{
  double d = fmod (a - b, 2 * G_PI);

  if (d > G_PI)
    d -= 2 * G_PI;
  else if (d <= -G_PI)
    d += 2 * G_PI;
  return d;
}

typedef struct
{
  double rot, tx, ty;
} Transform;

typedef struct
{
  guint a, b;
  float d2;
} Pair;

static int
pair_compare (gconstpointer pa, gconstpointer pb)
{
  const Pair *a = pa, *b = pb;

  return (a->d2 > b->d2) - (a->d2 < b->d2);
}

/* Greedy nearest-first pairing of A (moved by @t) with B. Fills @pairs, returns their number. */
static guint
pair_minutiae (const MinutiaSet *A, const MinutiaSet *B, const Transform *t, Pair *pairs)
{
  g_autofree Pair *cand = g_new (Pair, (gsize)A->n * B->n + 1);
  g_autofree guint8 *used_a = g_new0 (guint8, A->n + 1);
  g_autofree guint8 *used_b = g_new0 (guint8, B->n + 1);
  double c = cos (t->rot), s = sin (t->rot);
  guint n_cand = 0, n_pairs = 0;

  for (guint i = 0; i < A->n; i++)
    {
      double ax = c * A->m[i].x - s * A->m[i].y + t->tx;
      double ay = s * A->m[i].x + c * A->m[i].y + t->ty;
      double at = A->m[i].theta + t->rot;

      for (guint j = 0; j < B->n; j++)
        {
          double dx = B->m[j].x - ax, dy = B->m[j].y - ay;
          double d2 = dx * dx + dy * dy;

          if (d2 > PAIR_DIST * PAIR_DIST)
            continue;
          if (fabs (angle_diff (B->m[j].theta, at)) > PAIR_ANGLE_DEG * G_PI / 180.0)
            continue;
          cand[n_cand++] = (Pair){ i, j, d2 };
        }
    }
  qsort (cand, n_cand, sizeof (Pair), pair_compare);
  for (guint k = 0; k < n_cand; k++)
    if (!used_a[cand[k].a] && !used_b[cand[k].b])
      {
        used_a[cand[k].a] = used_b[cand[k].b] = 1;
        pairs[n_pairs++] = cand[k];
      }
  return n_pairs;
}

/* Least-squares rigid transform carrying the paired A minutiae onto their B partners. */
static void
refit (const MinutiaSet *A, const MinutiaSet *B, const Pair *pairs, guint n_pairs, Transform *t)
{
  double max = 0, may = 0, mbx = 0, mby = 0, sxx = 0, sxy = 0;

  if (n_pairs < 3)
    return;
  for (guint k = 0; k < n_pairs; k++)
    {
      max += A->m[pairs[k].a].x;
      may += A->m[pairs[k].a].y;
      mbx += B->m[pairs[k].b].x;
      mby += B->m[pairs[k].b].y;
    }
  max /= n_pairs;
  may /= n_pairs;
  mbx /= n_pairs;
  mby /= n_pairs;
  for (guint k = 0; k < n_pairs; k++)
    {
      double ax = A->m[pairs[k].a].x - max, ay = A->m[pairs[k].a].y - may;
      double bx = B->m[pairs[k].b].x - mbx, by = B->m[pairs[k].b].y - mby;

      sxx += ax * bx + ay * by;
      sxy += ax * by - ay * bx;
    }
  t->rot = atan2 (sxy, sxx);
  t->tx = mbx - (cos (t->rot) * max - sin (t->rot) * may);
  t->ty = mby - (sin (t->rot) * max + cos (t->rot) * may);
}

/* Paired minutiae as a share of those that could have paired: the minutiae of each set lying in
 * the other's area (bounding box) under the alignment. Dense prints pair more minutiae by chance,
 * and this evens that out: score = 100 n^2 / (overlap_a overlap_b), scaled down below
 * MIN_PAIRED pairs. */
static int
normalised_score (const MinutiaSet *A, const MinutiaSet *B, const Transform *t, guint n)
{
  double c = cos (t->rot), s = sin (t->rot);
  double bx0 = G_MAXDOUBLE, by0 = G_MAXDOUBLE, bx1 = -G_MAXDOUBLE, by1 = -G_MAXDOUBLE;
  double ax0 = G_MAXDOUBLE, ay0 = G_MAXDOUBLE, ax1 = -G_MAXDOUBLE, ay1 = -G_MAXDOUBLE;
  guint in_a = 0, in_b = 0;

  if (n == 0)
    return 0;
  for (guint j = 0; j < B->n; j++)
    {
      bx0 = MIN (bx0, B->m[j].x);
      bx1 = MAX (bx1, B->m[j].x);
      by0 = MIN (by0, B->m[j].y);
      by1 = MAX (by1, B->m[j].y);
    }
  for (guint i = 0; i < A->n; i++)
    {
      double x = c * A->m[i].x - s * A->m[i].y + t->tx;
      double y = s * A->m[i].x + c * A->m[i].y + t->ty;

      ax0 = MIN (ax0, x);
      ax1 = MAX (ax1, x);
      ay0 = MIN (ay0, y);
      ay1 = MAX (ay1, y);
      if (x >= bx0 && x <= bx1 && y >= by0 && y <= by1)
        in_a++;
    }
  for (guint j = 0; j < B->n; j++)
    if (B->m[j].x >= ax0 && B->m[j].x <= ax1 && B->m[j].y >= ay0 && B->m[j].y <= ay1)
      in_b++;
  in_a = MAX (in_a, n);
  in_b = MAX (in_b, n);
  /* A handful of minutiae in a sliver of overlap proves nothing, however well they pair. */
  return (int)(100.0 * n * n / ((double)in_a * in_b) * MIN (1.0, n / (double)MIN_PAIRED));
}

static int
score_sets (const MinutiaSet *A, const MinutiaSet *B)
{
  g_autofree guint16 *acc = NULL;
  g_autofree Pair *pairs = NULL;
  Transform peaks[N_PEAKS];
  guint peak_votes[N_PEAKS] = { 0 };
  int best = 0;

  if (A->n < 3 || B->n < 3)
    return 0;

  acc = g_new0 (guint16, ROT_BINS * T_BINS * T_BINS);
  for (guint i = 0; i < A->n; i++)
    for (guint j = 0; j < B->n; j++)
      {
        double d = angle_diff (B->m[j].theta, A->m[i].theta) * 180.0 / G_PI;
        int rc;

        if (fabs (d) > ROT_MAX_DEG)
          continue;
        rc = (int)lround (d / ROT_STEP_DEG);
        /* Vote in the neighbouring rotation bins too: minutia directions are only good to about
         * ten degrees. */
        for (int r = rc - 1; r <= rc + 1; r++)
          {
            double rad, tx, ty;
            int ix, iy;

            if (r < -ROT_HALF || r > ROT_HALF)
              continue;
            rad = r * ROT_STEP_DEG * G_PI / 180.0;
            tx = B->m[j].x - (cos (rad) * A->m[i].x - sin (rad) * A->m[i].y);
            ty = B->m[j].y - (sin (rad) * A->m[i].x + cos (rad) * A->m[i].y);
            ix = (int)lround (tx / T_STEP) + T_HALF;
            iy = (int)lround (ty / T_STEP) + T_HALF;
            if (ix < 0 || iy < 0 || ix >= T_BINS || iy >= T_BINS)
              continue;
            acc[((r + ROT_HALF) * T_BINS + iy) * T_BINS + ix]++;
          }
      }

  /* Peaks of the 3x3 translation neighbourhood sums (votes straddle bin edges). */
  for (int r = 0; r < ROT_BINS; r++)
    for (int iy = 1; iy < T_BINS - 1; iy++)
      for (int ix = 1; ix < T_BINS - 1; ix++)
        {
          guint sum = 0;

          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              sum += acc[(r * T_BINS + iy + dy) * T_BINS + ix + dx];
          for (guint p = 0; p < N_PEAKS; p++)
            if (sum > peak_votes[p])
              {
                memmove (&peak_votes[p + 1], &peak_votes[p], sizeof (guint) * (N_PEAKS - p - 1));
                memmove (&peaks[p + 1], &peaks[p], sizeof (Transform) * (N_PEAKS - p - 1));
                peak_votes[p] = sum;
                peaks[p] = (Transform){ (r - ROT_HALF) * ROT_STEP_DEG * G_PI / 180.0,
                                        (ix - T_HALF) * T_STEP, (iy - T_HALF) * T_STEP };
                break;
              }
        }

  pairs = g_new (Pair, MIN (A->n, B->n) + 1);
  for (guint p = 0; p < N_PEAKS && peak_votes[p] > 0; p++)
    {
      Transform t = peaks[p];
      guint n = pair_minutiae (A, B, &t, pairs);

      refit (A, B, pairs, n, &t);
      n = MAX (n, pair_minutiae (A, B, &t, pairs));
      best = MAX (best, normalised_score (A, B, &t, n));
    }
  return best;
}

static int
score_minutiae (GArray *a, GArray *b)
{
  int total = 0;

  if (a == NULL || b == NULL || a->len == 0 || b->len == 0)
    return 0;
  /* Each set of A takes its best partner in B, and the score is their mean: one lucky chance
   * alignment out of 25 set pairs does not make two fingers the same. */
  for (guint i = 0; i < a->len; i++)
    {
      int best = 0;

      for (guint j = 0; j < b->len; j++)
        best = MAX (
          best, score_sets (&g_array_index (a, MinutiaSet, i), &g_array_index (b, MinutiaSet, j)));
      total += best;
    }
  return total / (int)a->len;
}

/**
 * ks_fp_match_score:
 *
 * Compares two templates (or a template and a scan) made by libfprint's image drivers.
 *
 * Returns: the number of minutiae paired under the best alignment; at or above
 *   %KS_FP_MATCH_THRESHOLD means the same finger. 0 for prints without minutiae.
 */
int
ks_fp_match_score (FpPrint *a, FpPrint *b)
{
  g_autoptr(GArray) ma = NULL;
  g_autoptr(GArray) mb = NULL;

  g_return_val_if_fail (FP_IS_PRINT (a), 0);
  g_return_val_if_fail (FP_IS_PRINT (b), 0);

  ma = print_minutiae (a);
  mb = print_minutiae (b);
  return score_minutiae (ma, mb);
}

static int
hit_compare (gconstpointer pa, gconstpointer pb)
{
  const KsFpMatchHit *a = pa, *b = pb;

  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

/**
 * ks_fp_match_gallery:
 * @gallery: (element-type FpPrint): templates; %NULL entries are skipped
 * @threshold: report hits scoring at least this (usually %KS_FP_MATCH_THRESHOLD)
 *
 * Compares @probe with every template, unlike fp_device_identify() which stops at the first one
 * above its threshold. Blocks: about 1 ms per template pair of 5 stages. Call it from a worker
 * thread (ks_fingerprint_service_match_gallery_async() does).
 *
 * Returns: (transfer full) (element-type KsFpMatchHit): every hit, best first; %NULL when
 *   cancelled
 */
GArray *
ks_fp_match_gallery (FpPrint *probe, GPtrArray *gallery, int threshold, GCancellable *cancellable)
{
  g_autoptr(GArray) hits = g_array_new (FALSE, FALSE, sizeof (KsFpMatchHit));
  g_autoptr(GArray) mp = NULL;

  g_return_val_if_fail (FP_IS_PRINT (probe), NULL);
  g_return_val_if_fail (gallery != NULL, NULL);

  mp = print_minutiae (probe);
  for (guint i = 0; i < gallery->len; i++)
    {
      FpPrint *item = g_ptr_array_index (gallery, i);
      g_autoptr(GArray) mi = NULL;
      int score;

      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
      if (item == NULL)
        continue;
      mi = print_minutiae (item);
      score = score_minutiae (mp, mi);
      if (score >= threshold)
        {
          KsFpMatchHit hit = { i, score };
          g_array_append_val (hits, hit);
        }
    }
  g_array_sort (hits, hit_compare);
  return g_steal_pointer (&hits);
}

/**
 * ks_fp_check_duplicates:
 * @new_prints: (element-type FpPrint): the templates just enrolled for one citizen, one per
 *   finger; %NULL for a finger that was skipped
 * @existing_prints: (element-type FpPrint) (nullable): templates already on record for the same
 *   CNIC
 *
 * Finds the same finger enrolled twice: two new fingers that are one finger (the citizen put the
 * same finger down for both), and new fingers that equal a finger already on record.
 *
 * Returns: (transfer full) (element-type KsFpDuplicate): the matching pairs, empty when none;
 *   %NULL when cancelled
 */
GArray *
ks_fp_check_duplicates (GPtrArray *new_prints, GPtrArray *existing_prints,
                        GCancellable *cancellable)
{
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (KsFpDuplicate));
  g_autoptr(GPtrArray) new_m = g_ptr_array_new_with_free_func (minutiae_free);
  g_autoptr(GPtrArray) old_m = g_ptr_array_new_with_free_func (minutiae_free);

  g_return_val_if_fail (new_prints != NULL, NULL);

  /* Each template is parsed once, not once per comparison. */
  for (guint i = 0; i < new_prints->len; i++)
    g_ptr_array_add (new_m, print_minutiae (g_ptr_array_index (new_prints, i)));
  for (guint i = 0; existing_prints && i < existing_prints->len; i++)
    g_ptr_array_add (old_m, print_minutiae (g_ptr_array_index (existing_prints, i)));

  for (guint i = 0; i < new_m->len; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
      for (guint j = i + 1; j < new_m->len; j++)
        {
          int score = score_minutiae (new_m->pdata[i], new_m->pdata[j]);

          if (score >= KS_FP_MATCH_THRESHOLD)
            {
              KsFpDuplicate d = { KS_FP_DUPLICATE_NEW, i, j, score };
              g_array_append_val (found, d);
            }
        }
      for (guint k = 0; k < old_m->len; k++)
        {
          int score = score_minutiae (new_m->pdata[i], old_m->pdata[k]);

          if (score >= KS_FP_MATCH_THRESHOLD)
            {
              KsFpDuplicate d = { KS_FP_DUPLICATE_EXISTING, i, k, score };
              g_array_append_val (found, d);
            }
        }
    }
  return g_steal_pointer (&found);
}
