/* ks-fpsynth.c: synthetic fingerprints (SFinGe method) for the simulated scanner and the tests
 *
 * No public fingerprint corpus ships with Debian, and real citizens' prints must never end up in a
 * test suite, so the training profile and the tests draw their fingers here. The method is
 * SFinGe's (Cappelli, Maio, Maltoni):
 *
 *  1. an orientation field from the zero-pole model of the finger's cores and deltas, with a slow
 *     random wobble so that two fingers of one class still differ;
 *  2. a ridge period map of 7.5-10.5 px (500 dpi ridges are about 0.46 mm apart);
 *  3. a master ridge pattern grown from sparse random seeds by iterated space-variant Gabor
 *     filtering with a saturating non-linearity: where the wave fronts of two seeds meet out of
 *     phase the pattern has to end or fork, and that is where minutiae appear;
 *  4. impressions: rotation, translation, smooth elastic distortion, pressure (ridge thickness),
 *     partial contact, contrast and sensor noise.
 *
 * Everything is drawn from a private splitmix64 stream keyed by (person, finger, impression), so a
 * corpus is the same on every machine and with every GLib version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fpsynth"

#include "config.h"

#include <math.h>

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "ks-fpsynth.h"
#include "ks-fpsynth-testing.h"

/* Master: larger than an impression so rotation and translation never reach its edge. */
#define MASTER_W 360
#define MASTER_H 400
/* Impression: what a 500 dpi press sensor of about 14.6 x 16.3 mm returns. */
#define IMPRESSION_W 288
#define IMPRESSION_H 320

#define KERNEL_R 6
#define KERNEL_N (2 * KERNEL_R + 1)
#define N_ORIENT 32
#define N_PERIOD 4
#define N_ITERATIONS 18

struct _KsFpSynthFinger
{
  gatomicrefcount ref_count;
  guint64 person;
  guint finger;
  KsFpSynthClass klass;
  /* Ridge field in [-1, 1], positive on ridges; 0 outside the fingertip. */
  float *master;
};

typedef struct
{
  guint64 state;
} Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z = (rng->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static double
rng_uniform (Rng *rng, double lo, double hi)
{
  return lo + (hi - lo) * ((rng_next (rng) >> 11) * (1.0 / 9007199254740992.0));
}

static double
rng_gauss (Rng *rng)
{
  double u1 = rng_uniform (rng, 1e-12, 1.0);
  double u2 = rng_uniform (rng, 0.0, 1.0);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static void
rng_init (Rng *rng, guint64 person, guint finger, guint impression, guint salt)
{
  rng->state = person * G_GUINT64_CONSTANT (0x100000001b3) ^ ((guint64)finger << 40)
               ^ ((guint64)impression << 20) ^ salt;
  /* Mix a few rounds so that neighbouring keys give unrelated streams. */
  for (guint i = 0; i < 4; i++)
    rng->state ^= rng_next (rng);
}

typedef struct
{
  double x, y;
} Point;

typedef struct
{
  guint n_cores;
  guint n_deltas;
  Point cores[2];
  Point deltas[2];
  /* Low-frequency wobble of the orientation, in radians. */
  double wobble_amp[3];
  double wobble_fx[3];
  double wobble_fy[3];
  double wobble_phase[3];
  double period_base;
  double period_amp;
  double period_fx;
  double period_fy;
  double period_phase;
} Layout;

static void
layout_init (Layout *layout, KsFpSynthClass klass, Rng *rng)
{
  double cx = MASTER_W / 2.0 + rng_uniform (rng, -15, 15);
  double cy = MASTER_H / 2.0 + rng_uniform (rng, -25, 5);

  memset (layout, 0, sizeof *layout);
  switch (klass)
    {
    case KS_FPSYNTH_CLASS_ARCH:
      break;
    case KS_FPSYNTH_CLASS_TENTED_ARCH:
      layout->n_cores = layout->n_deltas = 1;
      layout->cores[0] = (Point){ cx, cy - 10 };
      layout->deltas[0]
        = (Point){ cx + rng_uniform (rng, -6, 6), cy + rng_uniform (rng, 40, 60) };
      break;
    case KS_FPSYNTH_CLASS_LEFT_LOOP:
    case KS_FPSYNTH_CLASS_RIGHT_LOOP:
      {
        double side = klass == KS_FPSYNTH_CLASS_LEFT_LOOP ? 1.0 : -1.0;

        layout->n_cores = layout->n_deltas = 1;
        layout->cores[0]
          = (Point){ cx - side * rng_uniform (rng, 5, 25), cy - rng_uniform (rng, 20, 45) };
        layout->deltas[0]
          = (Point){ cx + side * rng_uniform (rng, 60, 95), cy + rng_uniform (rng, 60, 100) };
      }
      break;
    case KS_FPSYNTH_CLASS_WHORL:
      layout->n_cores = layout->n_deltas = 2;
      layout->cores[0] = (Point){ cx - rng_uniform (rng, 0, 12), cy - rng_uniform (rng, 15, 25) };
      layout->cores[1] = (Point){ cx + rng_uniform (rng, 0, 12), cy + rng_uniform (rng, 5, 15) };
      layout->deltas[0]
        = (Point){ cx - rng_uniform (rng, 70, 100), cy + rng_uniform (rng, 70, 100) };
      layout->deltas[1]
        = (Point){ cx + rng_uniform (rng, 70, 100), cy + rng_uniform (rng, 70, 100) };
      break;
    default:
      g_assert_not_reached ();
    }

  for (guint i = 0; i < 3; i++)
    {
      layout->wobble_amp[i] = rng_uniform (rng, 0.04, 0.12);
      layout->wobble_fx[i] = rng_uniform (rng, 0.005, 0.02);
      layout->wobble_fy[i] = rng_uniform (rng, 0.005, 0.02);
      layout->wobble_phase[i] = rng_uniform (rng, 0, 2 * G_PI);
    }
  layout->period_base = rng_uniform (rng, 8.4, 9.4);
  layout->period_amp = rng_uniform (rng, 0.3, 0.9);
  layout->period_fx = rng_uniform (rng, 0.004, 0.012);
  layout->period_fy = rng_uniform (rng, 0.004, 0.012);
  layout->period_phase = rng_uniform (rng, 0, 2 * G_PI);
}

/* Ridge direction at (x, y), in [0, pi). */
static double
layout_orientation (const Layout *layout, KsFpSynthClass klass, double x, double y)
{
  double theta = 0.0;

  if (klass == KS_FPSYNTH_CLASS_ARCH)
    {
      /* No singularity: ridges bulge upwards in the middle, more so towards the bottom. */
      double u = (x - MASTER_W / 2.0) / 90.0;
      double w = CLAMP ((y - 40.0) / MASTER_H, 0.15, 1.0);

      theta = atan (-2.2 * w * u * exp (-u * u * 0.5));
    }
  else
    {
      for (guint i = 0; i < layout->n_cores; i++)
        theta += 0.5 * atan2 (y - layout->cores[i].y, x - layout->cores[i].x);
      for (guint i = 0; i < layout->n_deltas; i++)
        theta -= 0.5 * atan2 (y - layout->deltas[i].y, x - layout->deltas[i].x);
    }

  for (guint i = 0; i < 3; i++)
    theta += layout->wobble_amp[i]
             * sin (layout->wobble_fx[i] * x + layout->wobble_fy[i] * y + layout->wobble_phase[i]);

  theta = fmod (theta, G_PI);
  if (theta < 0)
    theta += G_PI;
  return theta;
}

static double
layout_period (const Layout *layout, double x, double y)
{
  return layout->period_base
         + layout->period_amp
         * sin (layout->period_fx * x + layout->period_fy * y + layout->period_phase);
}

static double
period_of_index (guint i)
{
  /* The saturating iteration settles about 20% above the kernel's tuning: these give 8-11 px. */
  return 6.6 + 0.8 * i;
}

/* One Gabor kernel per quantised (orientation, period): looking the kernel up per pixel is what
 * keeps a master under a second on one core. */
static float *
build_kernel_bank (void)
{
  float *bank = g_new (float, N_ORIENT *N_PERIOD *KERNEL_N *KERNEL_N);

  for (guint o = 0; o < N_ORIENT; o++)
    for (guint p = 0; p < N_PERIOD; p++)
      {
        float *k = bank + (o * N_PERIOD + p) * KERNEL_N * KERNEL_N;
        double theta = G_PI * o / N_ORIENT;
        double period = period_of_index (p);
        double sigma = period * 0.5;
        /* The filter oscillates across the ridges, i.e. along the normal of the ridge direction. */
        double nx = -sin (theta), ny = cos (theta);
        double sum_g = 0, sum_k = 0, gain = 0;

        for (int dy = -KERNEL_R; dy <= KERNEL_R; dy++)
          for (int dx = -KERNEL_R; dx <= KERNEL_R; dx++)
            {
              double g = exp (-(dx * dx + dy * dy) / (2 * sigma * sigma));
              double c = cos (2 * G_PI * (dx * nx + dy * ny) / period);

              sum_g += g;
              sum_k += g * c;
            }
        for (int dy = -KERNEL_R; dy <= KERNEL_R; dy++)
          for (int dx = -KERNEL_R; dx <= KERNEL_R; dx++)
            {
              double g = exp (-(dx * dx + dy * dy) / (2 * sigma * sigma));
              double c = cos (2 * G_PI * (dx * nx + dy * ny) / period);
              /* Zero mean, so flat areas never grow ridges on their own. */
              double v = g * c - g * sum_k / sum_g;

              k[(dy + KERNEL_R) * KERNEL_N + dx + KERNEL_R] = v;
              gain += v * c;
            }
        /* Unit response to a perfectly tuned ridge wave. */
        for (guint i = 0; i < KERNEL_N * KERNEL_N; i++)
          k[i] /= gain;
      }
  return bank;
}

static double
master_radius (double x, double y)
{
  double u = (x - MASTER_W / 2.0) / 165.0;
  double v = (y - MASTER_H / 2.0) / 190.0;

  return sqrt (u * u + v * v);
}

/* 1 inside the master's fingertip, fading to 0 at its edge: no grey half-ink beyond it. */
static double
master_coverage (double x, double y)
{
  return CLAMP ((1.0 - master_radius (x, y)) * 15.0, 0.0, 1.0);
}

static void
generate_master (KsFpSynthFinger *self)
{
  g_autofree float *bank = build_kernel_bank ();
  g_autofree guint16 *kernel_of = g_new0 (guint16, MASTER_W * MASTER_H);
  g_autofree float *a = g_new0 (float, MASTER_W *MASTER_H);
  g_autofree float *b = g_new0 (float, MASTER_W *MASTER_H);
  Layout layout;
  Rng rng;
  guint n_seeds;

  rng_init (&rng, self->person, self->finger, 0, 0x5eed);
  self->klass = rng_next (&rng) % 5;
  layout_init (&layout, self->klass, &rng);

  for (guint y = 0; y < MASTER_H; y++)
    for (guint x = 0; x < MASTER_W; x++)
      {
        double theta = layout_orientation (&layout, self->klass, x, y);
        double period = layout_period (&layout, x, y);
        guint o = (guint)lround (theta / G_PI * N_ORIENT) % N_ORIENT;
        guint p = (guint)CLAMP (lround ((period - 8.0) / 0.8), 0, N_PERIOD - 1);

        kernel_of[y * MASTER_W + x] = o * N_PERIOD + p;
      }

  /* Sparse seeds: few seeds mean few places where wave fronts collide, hence a realistic 40-90
   * minutiae instead of the hundreds that white noise gives. */
  n_seeds = 90 + rng_next (&rng) % 30;
  for (guint i = 0; i < n_seeds; i++)
    {
      int sx = (int)rng_uniform (&rng, KERNEL_R, MASTER_W - KERNEL_R);
      int sy = (int)rng_uniform (&rng, KERNEL_R, MASTER_H - KERNEL_R);

      a[sy * MASTER_W + sx] = rng_uniform (&rng, 0, 1) < 0.5 ? -1.0f : 1.0f;
    }

  for (guint it = 0; it < N_ITERATIONS; it++)
    {
      /* Strong early gain lets the seeds spread; it then saturates into clean binary ridges. */
      float gain = it < 6 ? 6.0f : 1.8f;

      for (int y = KERNEL_R; y < MASTER_H - KERNEL_R; y++)
        for (int x = KERNEL_R; x < MASTER_W - KERNEL_R; x++)
          {
            const float *k = bank + kernel_of[y * MASTER_W + x] * KERNEL_N * KERNEL_N;
            const float *src = a + (y - KERNEL_R) * MASTER_W + (x - KERNEL_R);
            float acc = 0;

            for (int dy = 0; dy < KERNEL_N; dy++)
              {
                const float *row = src + dy * MASTER_W;
                const float *krow = k + dy * KERNEL_N;

                for (int dx = 0; dx < KERNEL_N; dx++)
                  acc += row[dx] * krow[dx];
              }
            acc *= gain;
            b[y * MASTER_W + x] = CLAMP (acc, -1.0f, 1.0f);
          }
      {
        float *t = a;
        a = b;
        b = t;
      }
    }

  for (guint y = 0; y < MASTER_H; y++)
    for (guint x = 0; x < MASTER_W; x++)
      if (master_radius (x, y) > 1.0)
        a[y * MASTER_W + x] = 0.0f;

  self->master = g_steal_pointer (&a);
}

/**
 * ks_fpsynth_finger_new:
 * @person: any number naming a synthetic person
 * @finger: 1-10 in ISO order (right thumb = 1), or any other number
 *
 * Generates the master print of one finger (about half a second). Render impressions of it with
 * ks_fpsynth_finger_render().
 */
KsFpSynthFinger *
ks_fpsynth_finger_new (guint64 person, guint finger)
{
  KsFpSynthFinger *self = g_new0 (KsFpSynthFinger, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->person = person;
  self->finger = finger;
  generate_master (self);
  return self;
}

KsFpSynthFinger *
ks_fpsynth_finger_ref (KsFpSynthFinger *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ks_fpsynth_finger_unref (KsFpSynthFinger *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->master);
      g_free (self);
    }
}

KsFpSynthClass
ks_fpsynth_finger_get_class (KsFpSynthFinger *self)
{
  g_return_val_if_fail (self != NULL, KS_FPSYNTH_CLASS_ARCH);
  return self->klass;
}

static float
master_sample (const KsFpSynthFinger *self, double x, double y)
{
  int x0 = (int)floor (x), y0 = (int)floor (y);
  double fx = x - x0, fy = y - y0;
  const float *m = self->master;

  if (x0 < 0 || y0 < 0 || x0 + 1 >= MASTER_W || y0 + 1 >= MASTER_H)
    return 0.0f;
  return (1 - fy) * ((1 - fx) * m[y0 * MASTER_W + x0] + fx * m[y0 * MASTER_W + x0 + 1])
         + fy * ((1 - fx) * m[(y0 + 1) * MASTER_W + x0] + fx * m[(y0 + 1) * MASTER_W + x0 + 1]);
}

static void
box_blur (float *img, guint w, guint h)
{
  g_autofree float *tmp = g_memdup2 (img, sizeof (float) * w * h);

  for (guint y = 1; y + 1 < h; y++)
    for (guint x = 1; x + 1 < w; x++)
      {
        float acc = 0;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            acc += tmp[(y + dy) * w + x + dx];
        img[y * w + x] = acc / 9.0f;
      }
}

/**
 * ks_fpsynth_finger_render:
 * @impression: impression number; each gives another placement of the same finger
 * @variant: %KS_FPSYNTH_NORMAL, or a trouble case for training: smudged or partial contact
 * @width: (out): image width
 * @height: (out): image height
 *
 * Returns: 8-bit grey, row-major, dark ridges on a light background (what libfprint's
 * virtual_image driver takes)
 */
GBytes *
ks_fpsynth_finger_render (KsFpSynthFinger *self, guint impression, KsFpSynthVariant variant,
                          guint *width, guint *height)
{
  g_autofree float *v = g_new (float, IMPRESSION_W *IMPRESSION_H);
  g_autofree float *contact = g_new (float, IMPRESSION_W *IMPRESSION_H);
  guint8 *out;
  Rng rng;
  double rot, tx, ty, pressure, dark, light, noise;
  double dist_amp[2], dist_fx[2], dist_fy[2], dist_phase[2];
  double ccx, ccy, cax, cay;
  double cos_r, sin_r;

  g_return_val_if_fail (self != NULL, NULL);

  rng_init (&rng, self->person, self->finger, impression + 1, 0x1a9e);
  /* Placement: within what an attended enrolment accepts (the operator re-centres worse ones). */
  rot = rng_uniform (&rng, -10, 10) * G_PI / 180.0;
  tx = rng_uniform (&rng, -14, 14);
  ty = rng_uniform (&rng, -14, 14);
  for (guint i = 0; i < 2; i++)
    {
      dist_amp[i] = rng_uniform (&rng, 1.0, 3.0);
      dist_fx[i] = rng_uniform (&rng, 0.01, 0.025);
      dist_fy[i] = rng_uniform (&rng, 0.01, 0.025);
      dist_phase[i] = rng_uniform (&rng, 0, 2 * G_PI);
    }
  pressure = rng_uniform (&rng, -0.25, 0.25);
  dark = rng_uniform (&rng, 15, 60);
  light = rng_uniform (&rng, 205, 240);
  noise = rng_uniform (&rng, 5, 11);
  ccx = IMPRESSION_W / 2.0 + rng_uniform (&rng, -8, 8);
  ccy = IMPRESSION_H / 2.0 + rng_uniform (&rng, -8, 8);
  cax = IMPRESSION_W * rng_uniform (&rng, 0.46, 0.54);
  cay = IMPRESSION_H * rng_uniform (&rng, 0.48, 0.56);

  if (variant == KS_FPSYNTH_PARTIAL)
    {
      /* Only the tip or one side touched the glass: about a third of the usual area. */
      double side = rng_uniform (&rng, 0, 2 * G_PI);

      ccx += cos (side) * IMPRESSION_W * 0.38;
      ccy += sin (side) * IMPRESSION_H * 0.38;
      cax *= 0.62;
      cay *= 0.62;
    }
  else if (variant == KS_FPSYNTH_SMUDGED)
    {
      dark = 90;
      noise = 22;
      pressure = 0.35;
    }

  cos_r = cos (rot);
  sin_r = sin (rot);
  for (guint y = 0; y < IMPRESSION_H; y++)
    for (guint x = 0; x < IMPRESSION_W; x++)
      {
        double u = x - IMPRESSION_W / 2.0, w = y - IMPRESSION_H / 2.0;
        double mx = cos_r * u - sin_r * w + MASTER_W / 2.0 - tx;
        double my = sin_r * u + cos_r * w + MASTER_H / 2.0 - ty;
        double cu = (x - ccx) / cax, cv = (y - ccy) / cay;
        double r = sqrt (cu * cu + cv * cv);

        /* Skin is elastic: a smooth displacement field, a few pixels at most. */
        mx += dist_amp[0] * sin (dist_fx[0] * x + dist_fy[0] * y + dist_phase[0]);
        my += dist_amp[1] * sin (dist_fx[1] * x + dist_fy[1] * y + dist_phase[1]);

        v[y * IMPRESSION_W + x] = master_sample (self, mx, my);
        /* Soft contact edge: ridges fade out over the last tenth of the contact ellipse. */
        contact[y * IMPRESSION_W + x]
          = CLAMP ((1.0 - r) * 10.0, 0.0, 1.0) * master_coverage (mx, my);
      }

  if (variant == KS_FPSYNTH_SMUDGED)
    {
      /* Moist or dirty finger: ridges flow into each other, blotches of solid contact. */
      guint n_blots = 7 + rng_next (&rng) % 4;

      for (guint i = 0; i < 4; i++)
        box_blur (v, IMPRESSION_W, IMPRESSION_H);
      for (guint i = 0; i < n_blots; i++)
        {
          double bx = rng_uniform (&rng, 0, IMPRESSION_W), by = rng_uniform (&rng, 0, IMPRESSION_H);
          double br = rng_uniform (&rng, 25, 50);

          for (guint y = 0; y < IMPRESSION_H; y++)
            for (guint x = 0; x < IMPRESSION_W; x++)
              if ((x - bx) * (x - bx) + (y - by) * (y - by) < br * br)
                v[y * IMPRESSION_W + x] = 1.0f;
        }
    }

  out = g_malloc (IMPRESSION_W * IMPRESSION_H);
  for (guint i = 0; i < IMPRESSION_W * IMPRESSION_H; i++)
    {
      /* Pressure moves the ink threshold: pressing hard widens ridges, a light touch thins them. */
      double ink = 1.0 / (1.0 + exp (-(v[i] + pressure) * 6.0)) * contact[i];
      double g = light - (light - dark) * ink + noise * rng_gauss (&rng);

      out[i] = (guint8)CLAMP (lround (g), 0, 255);
    }

  *width = IMPRESSION_W;
  *height = IMPRESSION_H;
  return g_bytes_new_take (out, IMPRESSION_W * IMPRESSION_H);
}

/**
 * ks_fpsynth_generate:
 *
 * One-shot form of ks_fpsynth_finger_new() + ks_fpsynth_finger_render(). Costs a master
 * generation per call: keep the #KsFpSynthFinger when rendering several impressions.
 */
GBytes *
ks_fpsynth_generate (guint64 person, guint finger, guint impression, KsFpSynthVariant variant,
                     guint *width, guint *height)
{
  g_autoptr(KsFpSynthFinger) f = ks_fpsynth_finger_new (person, finger);

  return ks_fpsynth_finger_render (f, impression, variant, width, height);
}

gboolean
ks_fpsynth_write_png (GBytes *grey, guint width, guint height, const char *path, GError **error)
{
  const guint8 *data;
  gsize len;
  cairo_surface_t *surface;
  cairo_status_t status;
  guint8 *pixels;
  int stride;

  g_return_val_if_fail (grey != NULL, FALSE);

  data = g_bytes_get_data (grey, &len);
  g_return_val_if_fail (len == (gsize)width * height, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 g = data[y * width + x];

        ((guint32 *)(gpointer)(pixels + y * stride))[x] = 0xff000000u | (g << 16) | (g << 8) | g;
      }
  cairo_surface_mark_dirty (surface);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The image could not be written to %s (%s). Check that the folder exists and "
                     "is writable."),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
