/* ks-minutiae-match.c: Minutia Cylinder-Code matching (Cappelli, Ferrara & Maltoni, IEEE PAMI
 * 2010, "Minutia Cylinder-Code: a new representation and matching technique for fingerprint
 * recognition"), bit-vector variant, with LSS-R global consolidation.
 *
 * Each minutia gets a cylinder: a 3-D histogram (NS x NS cells around it, ND direction bins,
 * rotated with the minutia) of which neighbouring minutiae lie where, with which relative
 * direction. Cylinders are invariant to translation and rotation and, being local (radius R =
 * 70 pixels at 500 dpi) and smooth (Gaussian contributions), tolerate skin distortion and
 * partial overlap. Cells outside the print (the convex hull of the minutiae, widened by OMEGA)
 * are marked invalid, so a missing area is not read as "no minutiae here".
 *
 * A template is prepared once (ks_minutiae_matcher_new): per minutia, position, direction and
 * two bit arrays (cell set, cell valid). A comparison computes the local similarity of every
 * pair of cylinders with XOR/popcount, takes the best pairs and relaxes them (pairs whose
 * distances and relative angles agree with the other good pairs reinforce each other, Local
 * Similarity Sort with Relaxation), and averages the most consistent ones into a score 0-100.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-minutiae"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ks-minutiae-match.h"

#define NS 8 /* 8 x 8 x 6 = 384 cells: on FVC2000 as accurate as 16 x 16, a quarter of the memory */
#define ND 6
#define N_CELLS (NS * NS * ND)
#define N_WORDS ((N_CELLS + 63) / 64)
#define R 70.0
#define SIGMA_S (28.0 / 3.0)
#define SIGMA_D (2 * G_PI / 9)
#define MU_PSI 0.01
#define OMEGA 50.0
#define MIN_VC 0.75
#define MIN_M 2
#define MIN_ME 0.60
#define DELTA_THETA (G_PI / 2)
#define MIN_NP 4
#define MAX_NP 12
#define MU_P 20.0
#define TAU_P 0.4
#define N_REL 5
#define W_R 0.5
#define MU_1 5.0
#define TAU_1 (-8.0 / 5.0)
#define MU_2 (G_PI / 12)
#define TAU_2 (-30.0)
#define Q_FLOOR 0.25
#define MU_3 (G_PI / 12)
#define TAU_3 (-30.0)

/* The comparisons are XOR and popcount over bit arrays: without the processor's POPCNT
 * instruction (not in the x86-64 baseline Debian compiles for) every popcount is a library
 * call, and a 1:N search took 2-3 times longer. The hot functions are built twice, and the
 * loader picks the POPCNT one on processors that have it (every x86-64 since 2008-2011). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KS_POPCNT_CLONES __attribute__ ((target_clones ("popcnt", "default")))
#else
#define KS_POPCNT_CLONES
#endif

typedef struct
{
  guint16 x, y;  /* pixels */
  float theta;   /* radians, image coordinates (y down) */
  float weight;  /* from the minutia's quality, see aligned_score() */
  guint32 valid; /* 16 bytes before the bit arrays: 112 per cylinder */
  guint64 value[N_WORDS];
  guint64 mask[N_WORDS];
} Cylinder;

struct _KsMinutiaeMatcher
{
  guint n;
  guint n_hull;
  Cylinder *cyl;
  float (*hull)[2]; /* convex hull of the minutiae (the print's extent), n_hull points */
};

static double
dphi (double a, double b)
{
  double d = a - b;

  while (d < -G_PI)
    d += 2 * G_PI;
  while (d >= G_PI)
    d -= 2 * G_PI;
  return d;
}

static double
sigmoid (double v, double mu, double tau)
{
  return 1.0 / (1.0 + exp (-tau * (v - mu)));
}

/* Convex hull (Andrew's monotone chain), counter-clockwise in a y-up sense of the cross product. */
static guint
convex_hull (double (*pts)[2], guint n, double (*hull)[2])
{
  guint k = 0;

  /* insertion sort by x then y: n <= 255 */
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && (pts[j][0] < pts[j - 1][0]
                                || (pts[j][0] == pts[j - 1][0] && pts[j][1] < pts[j - 1][1])); j--)
      {
        double tx = pts[j][0], ty = pts[j][1];
        pts[j][0] = pts[j - 1][0];
        pts[j][1] = pts[j - 1][1];
        pts[j - 1][0] = tx;
        pts[j - 1][1] = ty;
      }
#define CROSS(o, a, \
              b) (((a)[0] - (o)[0]) * ((b)[1] - (o)[1]) - ((a)[1] - (o)[1]) * ((b)[0] - (o)[0]))
  for (guint i = 0; i < n; i++)
    {
      while (k >= 2 && CROSS (hull[k - 2], hull[k - 1], pts[i]) <= 0)
        k--;
      hull[k][0] = pts[i][0];
      hull[k++][1] = pts[i][1];
    }
  for (guint i = n - 1, t = k + 1; i-- > 0;)
    {
      while (k >= t && CROSS (hull[k - 2], hull[k - 1], pts[i]) <= 0)
        k--;
      hull[k][0] = pts[i][0];
      hull[k++][1] = pts[i][1];
    }
#undef CROSS
  return k > 1 ? k - 1 : k;
}

/* TRUE when (x, y) is inside the hull or within OMEGA of it. */
static gboolean
near_hull (double (*hull)[2], guint nh, double x, double y)
{
  gboolean inside = nh >= 3;
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < nh; i++)
    {
      const double *a = hull[i], *b = hull[(i + 1) % nh];
      double ex = b[0] - a[0], ey = b[1] - a[1], px = x - a[0], py = y - a[1];
      double len2 = ex * ex + ey * ey, t, dx, dy;
      if (ex * py - ey * px < 0)
        inside = FALSE;
      t = len2 > 0 ? CLAMP ((px * ex + py * ey) / len2, 0.0, 1.0) : 0.0;
      dx = px - t * ex;
      dy = py - t * ey;
      best = MIN (best, dx * dx + dy * dy);
    }
  return inside || best <= OMEGA * OMEGA;
}

KsMinutiaeMatcher *
ks_minutiae_matcher_new (const KsMinutiaeTemplate *tmpl)
{
  KsMinutiaeMatcher *m;
  double pts[KS_MINUTIAE_MAX][2], hull[KS_MINUTIAE_MAX + 1][2];
  guint nh;
  const double ds = 2 * R / NS, dd = 2 * G_PI / ND;
  const double gs_norm = 1.0 / (SIGMA_S * sqrt (2 * G_PI));

  g_return_val_if_fail (tmpl != NULL, NULL);

  m = g_new0 (KsMinutiaeMatcher, 1);
  m->cyl = g_new0 (Cylinder, MAX (tmpl->n_minutiae, 1));
  for (guint k = 0; k < tmpl->n_minutiae; k++)
    {
      guint i = m->n;
      m->n++;
      m->cyl[i].x = tmpl->minutiae[k].x;
      m->cyl[i].y = tmpl->minutiae[k].y;
      /* ISO angles are counter-clockwise with y up: negate for image coordinates */
      m->cyl[i].theta = (float)(-tmpl->minutiae[k].angle * 2 * G_PI / 256);
      m->cyl[i].weight = (float)(Q_FLOOR + (1 - Q_FLOOR) * MIN (tmpl->minutiae[k].quality, 100)
                                 / 100.0);
      pts[i][0] = tmpl->minutiae[k].x;
      pts[i][1] = tmpl->minutiae[k].y;
    }
  nh = m->n >= 3 ? convex_hull (pts, m->n, hull) : 0;
  m->n_hull = nh;
  /* only the hull's own points: a fixed array of KS_MINUTIAE_MAX points cost 2 kB per template,
   * a third of a 1:N index's memory */
  m->hull = g_malloc (sizeof (float) * 2 * MAX (nh, 1));
  for (guint i = 0; i < nh; i++)
    {
      m->hull[i][0] = (float)hull[i][0];
      m->hull[i][1] = (float)hull[i][1];
    }

  for (guint c = 0; c < m->n; c++)
    {
      Cylinder *cy = &m->cyl[c];
      double ct = cos (cy->theta), st = sin (cy->theta);
      guint neighbours = 0, in_circle = 0, valid_cells = 0;
      guint near[KS_MINUTIAE_MAX];
      guint n_near = 0;
      /* a neighbour's contribution to each direction bin depends on the neighbour alone, not on
       * the cell: computed once per neighbour (6 x 2 erf) instead of once per cell (64 x more;
       * it was most of a template's preparation time, 2-4 ms) */
      double dcon[KS_MINUTIAE_MAX][ND];

      for (guint t = 0; t < m->n; t++)
        {
          double d;
          if (t == c)
            continue;
          d = hypot (m->cyl[t].x - cy->x, m->cyl[t].y - cy->y);
          if (d <= R + 3 * SIGMA_S)
            {
              double dth = dphi (cy->theta, m->cyl[t].theta);
              for (int k = 0; k < ND; k++)
                {
                  double a = dphi (-G_PI + (k + 0.5) * dd, dth);
                  dcon[n_near][k] = 0.5 * (erf ((a + dd / 2) / (SIGMA_D * G_SQRT2))
                                           - erf ((a - dd / 2) / (SIGMA_D * G_SQRT2)));
                }
              near[n_near++] = t;
              neighbours++;
            }
        }
      for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++)
          {
            double lx = (i - (NS - 1) / 2.0) * ds, ly = (j - (NS - 1) / 2.0) * ds;
            double px = cy->x + ct * lx - st * ly, py = cy->y + st * lx + ct * ly;
            gboolean valid;
            double sd[KS_MINUTIAE_MAX];
            if (lx * lx + ly * ly > R * R)
              continue;
            in_circle++;
            valid = nh >= 3 && near_hull (hull, nh, px, py);
            if (!valid)
              continue;
            valid_cells++;
            for (guint q = 0; q < n_near; q++)
              {
                const Cylinder *o = &m->cyl[near[q]];
                double d2 = (o->x - px) * (o->x - px) + (o->y - py) * (o->y - py);
                sd[q] = d2 <= 9 * SIGMA_S * SIGMA_S
                        ? gs_norm * exp (-d2 / (2 * SIGMA_S * SIGMA_S)) : 0.0;
              }
            for (int k = 0; k < ND; k++)
              {
                double sum = 0;
                guint bit = (guint)((k * NS + j) * NS + i);
                for (guint q = 0; q < n_near && sum < MU_PSI; q++)
                  if (sd[q] != 0.0)
                    sum += sd[q] * dcon[q][k];
                cy->mask[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
                if (sum >= MU_PSI)
                  {
                    cy->value[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
                  }
              }
          }
      cy->valid = valid_cells >= MIN_VC * in_circle && neighbours >= MIN_M;
    }
  return m;
}

void
ks_minutiae_matcher_free (KsMinutiaeMatcher *matcher)
{
  if (matcher == NULL)
    return;
  g_free (matcher->cyl);
  g_free (matcher->hull);
  g_free (matcher);
}

gsize
ks_minutiae_matcher_size (const KsMinutiaeMatcher *matcher)
{
  return sizeof (*matcher) + matcher->n * sizeof (Cylinder) + matcher->n_hull * 2 * sizeof (float);
}

static inline double
cylinder_similarity (const Cylinder *a, const Cylinder *b)
{
  guint common = 0, na = 0, nb = 0, diff = 0;

  if (fabs (dphi (a->theta, b->theta)) > DELTA_THETA)
    return 0;
  for (int w = 0; w < N_WORDS; w++)
    {
      guint64 mab = a->mask[w] & b->mask[w];
      guint64 va = a->value[w] & mab, vb = b->value[w] & mab;
      common += (guint)__builtin_popcountll (mab);
      na += (guint)__builtin_popcountll (va);
      nb += (guint)__builtin_popcountll (vb);
      diff += (guint)__builtin_popcountll (va ^ vb);
    }
  if (common < MIN_ME * N_CELLS * G_PI / 4 || na + nb == 0)
    return 0;
  return 1.0 - (double)diff / (na + nb);
}

#define PREFILTER_N 12

KS_POPCNT_CLONES double
ks_minutiae_prefilter (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b)
{
  double total = 0;
  guint used_a = 0;

  g_return_val_if_fail (a != NULL && b != NULL, 0);

  /* minutiae come sorted by quality: the first valid cylinders are the most reliable */
  for (guint i = 0; i < a->n && used_a < PREFILTER_N; i++)
    {
      double best = 0;
      guint used_b = 0;
      if (!a->cyl[i].valid)
        continue;
      used_a++;
      for (guint j = 0; j < b->n && used_b < 2 * PREFILTER_N; j++)
        {
          if (!b->cyl[j].valid)
            continue;
          used_b++;
          best = MAX (best, cylinder_similarity (&a->cyl[i], &b->cyl[j]));
        }
      total += best;
    }
  return used_a ? total / used_a : 0;
}

typedef struct
{
  float s;
  guint16 a, b;
} Pair;

static int
cmp_pair_desc (gconstpointer x, gconstpointer y)
{
  const Pair *p = x, *q = y;

  return (q->s > p->s) - (q->s < p->s);
}

static double
rho (const Cylinder *a1, const Cylinder *a2, const Cylinder *b1, const Cylinder *b2)
{
  double da = hypot (a1->x - a2->x, a1->y - a2->y), db = hypot (b1->x - b2->x, b1->y - b2->y);
  double d1 = fabs (da - db);
  double d2 = fabs (dphi (dphi (a1->theta, a2->theta), dphi (b1->theta, b2->theta)));
  double ra = dphi (a1->theta, atan2 (a1->y - a2->y, a1->x - a2->x));
  double rb = dphi (b1->theta, atan2 (b1->y - b2->y, b1->x - b2->x));
  double d3 = fabs (dphi (ra, rb));

  return sigmoid (d1, MU_1, TAU_1) * sigmoid (d2, MU_2, TAU_2) * sigmoid (d3, MU_3, TAU_3);
}

/* Inside the hull widened by margin pixels. */
static gboolean
in_hull (const KsMinutiaeMatcher *m, double x, double y, double margin)
{
  gboolean inside = m->n_hull >= 3;
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < m->n_hull; i++)
    {
      const float *p = m->hull[i], *q = m->hull[(i + 1) % m->n_hull];
      double ex = q[0] - p[0], ey = q[1] - p[1], px = x - p[0], py = y - p[1];
      double len2 = ex * ex + ey * ey, t, dx, dy;
      if (ex * py - ey * px < 0)
        inside = FALSE;
      t = len2 > 0 ? CLAMP ((px * ex + py * ey) / len2, 0.0, 1.0) : 0.0;
      dx = px - t * ex;
      dy = py - t * ey;
      best = MIN (best, dx * dx + dy * dy);
    }
  return inside || best <= margin * margin;
}

/* Aligns b on a by the anchor pair (ia, ib) and counts minutiae paired one-to-one (close in
 * position and direction) against those that lie where both prints overlap: the classic
 * n_paired^2 / (n_a * n_b) of global minutiae matching (Maltoni et al., Handbook of Fingerprint
 * Recognition, 4.3). A pair counts by its minutiae's quality, not by its cylinders' similarity:
 * the local evidence already enters the score through the MCC term, and weighting by it again
 * sank genuine pairs whose cylinders differ by skin distortion or by a few missed neighbours.
 * Quality (the ridge coherence around the minutia and its distance to the print's edge) counts
 * because dry, wet and faint prints break ridges into dozens of false minutiae in their unclear
 * areas, which then filled the overlap counts without any chance of pairing: each minutia weighs
 * Q_FLOOR + (1 - Q_FLOOR) * quality. Q_FLOOR 0.25 helped both FVC2000 sets (pooled EER 3.95% ->
 * 3.75%, DB1_B 1.43 -> 1.36, DB2_B 5.72 unchanged, FNMR at FMR 1% 10.0 -> 8.9 on DB2_B); 0.1
 * helped DB1_B more but hurt DB2_B (EER 6.07%), so 0.25 it is. */
static double
aligned_score (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b, guint ia, guint ib)
{
  const Cylinder *ca = &a->cyl[ia], *cb = &b->cyl[ib];
  double rot = dphi (ca->theta, cb->theta), cr = cos (rot), sr = sin (rot);
  float tx[KS_MINUTIAE_MAX], ty[KS_MINUTIAE_MAX], tt[KS_MINUTIAE_MAX];
  guint8 used_a[KS_MINUTIAE_MAX] = { 0 };
  double paired = 0, overlap_a = 0, overlap_b = 0, mean_a = 0, mean_b = 0;

  for (guint j = 0; j < b->n; j++)
    {
      double dx = b->cyl[j].x - cb->x, dy = b->cyl[j].y - cb->y;
      tx[j] = (float)(ca->x + cr * dx - sr * dy);
      ty[j] = (float)(ca->y + sr * dx + cr * dy);
      tt[j] = (float)(b->cyl[j].theta + rot);
      mean_b += b->cyl[j].weight / b->n;
      if (in_hull (a, tx[j], ty[j], 8))
        overlap_b += b->cyl[j].weight;
    }
  for (guint i = 0; i < a->n; i++)
    {
      /* a's minutia in b's frame: inverse transform */
      double dx = a->cyl[i].x - ca->x, dy = a->cyl[i].y - ca->y;
      double bx = cb->x + cr * dx + sr * dy, by = cb->y - sr * dx + cr * dy;
      mean_a += a->cyl[i].weight / a->n;
      if (in_hull (b, bx, by, 8))
        overlap_a += a->cyl[i].weight;
    }
  for (guint j = 0; j < b->n; j++)
    {
      /* tolerance for skin distortion, growing away from the anchor: 10 px (a ridge period)
       * plus 5% of the distance, 20 px at 200 px. With 8% (as before) dense prints of
       * different fingers paired a third of their minutiae by chance. */
      double anchor_d = hypot (tx[j] - ca->x, ty[j] - ca->y);
      double tol = 10 + 0.05 * anchor_d;
      double best = tol * tol;
      int best_i = -1;
      for (guint i = 0; i < a->n; i++)
        {
          double ddx = a->cyl[i].x - tx[j], ddy = a->cyl[i].y - ty[j], d2 = ddx * ddx + ddy * ddy;
          if (used_a[i] || d2 >= best || fabs (dphi (a->cyl[i].theta, tt[j])) > G_PI / 6)
            continue;
          best = d2;
          best_i = (int)i;
        }
      if (best_i >= 0)
        {
          used_a[best_i] = 1;
          paired += sqrt (a->cyl[best_i].weight * b->cyl[j].weight);
        }
    }
  /* a pair may lie just outside the other print's hull: it still counts as overlap */
  overlap_a = MAX (MAX (overlap_a, paired), 12 * mean_a);
  overlap_b = MAX (MAX (overlap_b, paired), 12 * mean_b);
  return paired * paired / (overlap_a * overlap_b);
}

/* A fixed order between two templates, so that compare (a, b) == compare (b, a) exactly. */
static int
matcher_order (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b)
{
  if (a->n != b->n)
    return a->n < b->n ? -1 : 1;
  for (guint i = 0; i < a->n; i++)
    {
      const Cylinder *x = &a->cyl[i], *y = &b->cyl[i];
      if (x->x != y->x)
        return x->x < y->x ? -1 : 1;
      if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
      if (x->theta != y->theta)
        return x->theta < y->theta ? -1 : 1;
    }
  return 0;
}

static double compare_ordered (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b);

double
ks_minutiae_compare (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, 0);

  return matcher_order (a, b) <= 0 ? compare_ordered (a, b) : compare_ordered (b, a);
}

KS_POPCNT_CLONES static double
compare_ordered (const KsMinutiaeMatcher *a, const KsMinutiaeMatcher *b)
{
  g_autofree Pair *pairs = NULL;
  g_autofree double *lambda = NULL;
  g_autofree double *next = NULL;
  g_autofree double *rh = NULL;
  g_autofree Pair *eff = NULL;
  guint np = 0, nr, n_pick;
  guint8 used_a[KS_MINUTIAE_MAX] = { 0 }, used_b[KS_MINUTIAE_MAX] = { 0 };
  double total = 0;
  guint taken = 0;

  if (a->n == 0 || b->n == 0)
    return 0;
  pairs = g_new (Pair, (gsize)a->n * b->n);
  for (guint i = 0; i < a->n; i++)
    {
      if (!a->cyl[i].valid)
        continue;
      for (guint j = 0; j < b->n; j++)
        {
          double s;
          if (!b->cyl[j].valid)
            continue;
          s = cylinder_similarity (&a->cyl[i], &b->cyl[j]);
          if (s > 0)
            {
              pairs[np].s = (float)s;
              pairs[np].a = (guint16)i;
              pairs[np++].b = (guint16)j;
            }
        }
    }
  if (np == 0)
    return 0;
  qsort (pairs, np, sizeof (Pair), cmp_pair_desc);
  nr = MIN (MIN (a->n, b->n), np);
  n_pick = MIN_NP + (guint)lrint (sigmoid (MIN (a->n, b->n), MU_P, TAU_P) * (MAX_NP - MIN_NP));
  n_pick = MIN (n_pick, nr);

  lambda = g_new (double, nr);
  next = g_new (double, nr);
  rh = g_new (double, (gsize)nr * nr);
  for (guint i = 0; i < nr; i++)
    {
      lambda[i] = pairs[i].s;
      for (guint k = 0; k < nr; k++)
        rh[i * nr + k] = k == i || pairs[i].a == pairs[k].a || pairs[i].b == pairs[k].b
                         ? 0.0
                         : rho (&a->cyl[pairs[i].a], &a->cyl[pairs[k].a], &b->cyl[pairs[i].b],
                                &b->cyl[pairs[k].b]);
    }
  for (int it = 0; it < N_REL; it++)
    {
      for (guint i = 0; i < nr; i++)
        {
          double sum = 0;
          for (guint k = 0; k < nr; k++)
            sum += rh[i * nr + k] * lambda[k];
          next[i] = W_R * lambda[i] + (1 - W_R) * (nr > 1 ? sum / (nr - 1) : 0);
        }
      memcpy (lambda, next, sizeof (double) * nr);
    }
  eff = g_new (Pair, nr);
  for (guint i = 0; i < nr; i++)
    {
      eff[i].s = (float)(lambda[i] / pairs[i].s);
      eff[i].a = (guint16)i;
    }
  qsort (eff, nr, sizeof (Pair), cmp_pair_desc);
  for (guint i = 0; i < nr && taken < n_pick; i++)
    {
      const Pair *p = &pairs[eff[i].a];
      if (used_a[p->a] || used_b[p->b])
        continue;
      used_a[p->a] = used_b[p->b] = 1;
      total += lambda[eff[i].a];
      taken++;
    }
  {
    double best_align = 0, mcc = total / n_pick;
    guint anchors = 0;
    for (guint i = 0; i < nr && anchors < 8; i++)
      {
        const Pair *p = &pairs[eff[i].a];
        double s = aligned_score (a, b, p->a, p->b);
        best_align = MAX (best_align, s);
        anchors++;
      }
    /* the MCC term saturates smoothly rather than being cut at 1, so that a closer local
     * match still ranks higher when both prints pair all their minutiae */
    return 100 * sqrt (best_align * (1 - exp (-mcc * 20)));
  }
}

/* Score -> false match rate, measured: the pooled "all impostors" comparisons of FVC2000 DB1_B
 * and DB2_B (5,760 pairs of different fingers, one impression against one; printed by
 * `bench-fingerprint-accuracy DB1_B DB2_B` as its "calibration" line). Between the points the
 * logarithm of the FMR is interpolated linearly; beyond the last one (0.1%, where 6 impostor
 * scores remain) the tail is extrapolated with the mean slope from 1% to 0.1% (6.1 score
 * points per decade; the measured points lie close to that line): FMR 0.01% at 40.3, 0.001% at
 * 46.3. The highest of the 5,760 impostor scores was 40.14.
 * Re-measure and update this table whenever extraction or matching changes. */
static const struct
{
  double score, log10_fmr;
} calibration[] = {
  { 0.0, 0.0 },
  { 20.44, -1.0 },
  { 24.67, -1.523 },
  { 28.14, -2.0 },
  { 31.25, -2.523 },
  { 34.20, -3.0 },
};

double
ks_minutiae_score_to_fmr (double score)
{
  guint n = G_N_ELEMENTS (calibration);
  double slope;

  if (score <= 0)
    return 1.0;
  for (guint i = 1; i < n; i++)
    if (score <= calibration[i].score)
      {
        double t = (score - calibration[i - 1].score)
                   / (calibration[i].score - calibration[i - 1].score);
        return pow (10, calibration[i - 1].log10_fmr
                    + t * (calibration[i].log10_fmr - calibration[i - 1].log10_fmr));
      }
  slope = (calibration[n - 1].log10_fmr - calibration[n - 3].log10_fmr)
          / (calibration[n - 1].score - calibration[n - 3].score);
  return MAX (1e-12, pow (10, calibration[n - 1].log10_fmr
                          + slope * (score - calibration[n - 1].score)));
}

double
ks_minutiae_threshold_for_fmr (double fmr)
{
  guint n = G_N_ELEMENTS (calibration);
  double l, slope;

  g_return_val_if_fail (fmr > 0 && fmr <= 1, 100.0);

  l = log10 (fmr);
  for (guint i = 1; i < n; i++)
    if (l >= calibration[i].log10_fmr)
      {
        double t = (l - calibration[i - 1].log10_fmr)
                   / (calibration[i].log10_fmr - calibration[i - 1].log10_fmr);
        return calibration[i - 1].score
               + t * (calibration[i].score - calibration[i - 1].score);
      }
  slope = (calibration[n - 1].score - calibration[n - 3].score)
          / (calibration[n - 1].log10_fmr - calibration[n - 3].log10_fmr);
  return calibration[n - 1].score + slope * (l - calibration[n - 1].log10_fmr);
}
