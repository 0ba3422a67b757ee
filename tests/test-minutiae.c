/* test-minutiae.c: the station's fingerprint engine (app/core/fingerprint)
 *
 * Extraction, ISO/IEC 19794-2 records, bad input and the command-line tool are tested on
 * synthetic prints and on made-up images (blank, tiny, noise). Accuracy is only ever measured on
 * real prints: /minutiae/accuracy/fvc2000 runs the FVC protocol on FVC2000 DB1_B and DB2_B from
 * ../shared/reference/fingerprints/fvc2000 (next to the repository) and skips, saying so, when
 * they are not there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

#include "ks-fpsynth.h"
#include "ks-minutiae-extract.h"
#include "ks-minutiae-index.h"
#include "ks-minutiae-match.h"
#include "ks-test-util.h"
#include "ks-minutiae-index-testing.h"

static KsGreyImage *
synthetic_image (guint64 person, guint finger, guint impression)
{
  guint w, h;
  g_autoptr(GBytes) grey = ks_fpsynth_generate (person, finger, impression, KS_FPSYNTH_NORMAL,
                                                &w, &h);

  return ks_grey_image_new_from_data (g_bytes_get_data (grey, NULL), w, h, w);
}

static KsMinutiaeTemplate *
synthetic_template (guint64 person, guint finger, guint impression)
{
  g_autoptr(KsGreyImage) image = synthetic_image (person, finger, impression);
  g_autoptr(GError) error = NULL;
  KsMinutiaeTemplate *t = ks_minutiae_extract (image, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static void
test_extract_synthetic (void)
{
  g_autofree KsMinutiaeTemplate *t = synthetic_template (7001, 2, 0);

  g_assert_cmpuint (t->n_minutiae, >=, 15);
  g_assert_cmpuint (t->quality, >, 0);
  g_assert_cmpuint (t->quality, <=, 100);
  for (guint i = 0; i < t->n_minutiae; i++)
    {
      const KsMinutia *m = &t->minutiae[i];
      g_assert_cmpuint (m->x, <, t->width);
      g_assert_cmpuint (m->y, <, t->height);
      g_assert_true (m->type == KS_MINUTIA_ENDING || m->type == KS_MINUTIA_BIFURCATION);
      g_assert_cmpuint (m->quality, >=, 1);
      g_assert_cmpuint (m->quality, <=, 100);
      /* sorted by quality, best first */
      if (i > 0)
        g_assert_cmpuint (m->quality, <=, t->minutiae[i - 1].quality);
    }
}

static void
assert_no_print (KsGreyImage *image, const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autofree KsMinutiaeTemplate *t = ks_minutiae_extract (image, &error);

  g_assert_null (t);
  g_assert_error (error, KS_MINUTIAE_ERROR, KS_MINUTIAE_ERROR_NO_PRINT);
  g_assert_true (g_str_has_prefix (error->message, "could not read a fingerprint: "));
  g_assert_nonnull (strstr (error->message, why));
}

static void
test_extract_bad_images (void)
{
  g_autoptr(KsGreyImage) blank = ks_grey_image_new (300, 300);
  g_autoptr(KsGreyImage) small = synthetic_image (7001, 2, 0);
  g_autoptr(KsGreyImage) tiny = NULL;
  g_autoptr(KsGreyImage) noise = ks_grey_image_new (300, 300);
  g_autoptr(KsGreyImage) blotch = ks_grey_image_new (300, 300);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  memset (blank->pixels, 230, 300 * 300);
  assert_no_print (blank, "blank");

  tiny = ks_grey_image_new_from_data (small->pixels, 60, 60, small->width);
  assert_no_print (tiny, "too small");

  for (guint i = 0; i < 300 * 300; i++)
    noise->pixels[i] = (guint8)g_rand_int_range (rand, 0, 256);
  assert_no_print (noise, "");

  /* not 500 dpi: the same print at 250 dpi (every other pixel, averaged) and at 1000 dpi
   * (every pixel twice) is refused, saying the ridges are too close or too far apart */
  {
    g_autoptr(KsGreyImage) print = synthetic_image (7001, 2, 0);
    g_autoptr(KsGreyImage) half = ks_grey_image_new (print->width / 2, print->height / 2);
    g_autoptr(KsGreyImage) twice = ks_grey_image_new (print->width * 2, print->height * 2);
    g_autoptr(GError) error = NULL;
    g_autofree KsMinutiaeTemplate *t = ks_minutiae_extract (print, &error);

    g_assert_no_error (error);
    g_assert_nonnull (t);
    for (guint y = 0; y < half->height; y++)
      for (guint x = 0; x < half->width; x++)
        {
          const guint8 *p = print->pixels + 2 * y * print->width + 2 * x;
          half->pixels[y * half->width + x] = (guint8)((p[0] + p[1] + p[print->width]
                                                        + p[print->width + 1]) / 4);
        }
    for (guint y = 0; y < twice->height; y++)
      for (guint x = 0; x < twice->width; x++)
        twice->pixels[y * twice->width + x] = print->pixels[y / 2 * print->width + x / 2];
    assert_no_print (half, "500 dpi");
    assert_no_print (twice, "500 dpi");
  }

  /* a finger tip that barely touched: a small blob of ridges in a blank image */
  memset (blotch->pixels, 230, 300 * 300);
  for (guint y = 0; y < 50; y++)
    memcpy (blotch->pixels + (y + 120) * 300 + 120, small->pixels + (y + 150) * small->width + 100,
            50);
  assert_no_print (blotch, "");
}

static void
test_iso_round_trip (void)
{
  g_autofree KsMinutiaeTemplate *t = synthetic_template (7002, 3, 1);
  g_autofree KsMinutiaeTemplate *back = NULL;
  g_autoptr(GBytes) iso = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *d;
  gsize len;

  t->finger_position = 2;
  iso = ks_minutiae_template_to_iso (t);
  d = g_bytes_get_data (iso, &len);
  g_assert_cmpmem (d, 8, "FMR\0 20\0", 8);
  g_assert_cmpuint (len, ==, 24 + 4 + 6 * t->n_minutiae + 2);
  g_assert_cmpuint (((guint32)d[8] << 24 | d[9] << 16 | d[10] << 8 | d[11]), ==, len);
  g_assert_cmpuint (d[18] << 8 | d[19], ==, 197); /* 500 dpi in pixels per cm */
  g_assert_cmpuint (d[22], ==, 1);                /* one finger view */
  g_assert_cmpuint (d[24], ==, 2);                /* right index */
  g_assert_cmpuint (d[27], ==, t->n_minutiae);

  back = ks_minutiae_template_from_iso (d, len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->width, ==, t->width);
  g_assert_cmpuint (back->height, ==, t->height);
  g_assert_cmpuint (back->quality, ==, t->quality);
  g_assert_cmpuint (back->finger_position, ==, 2);
  g_assert_cmpuint (back->n_minutiae, ==, t->n_minutiae);
  g_assert_cmpmem (back->minutiae, sizeof (KsMinutia) * t->n_minutiae, t->minutiae,
                   sizeof (KsMinutia) * t->n_minutiae);
}

static void
assert_corrupt (const guint8 *d, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autofree KsMinutiaeTemplate *t = ks_minutiae_template_from_iso (d, len, &error);

  g_assert_null (t);
  g_assert_error (error, KS_MINUTIAE_ERROR, KS_MINUTIAE_ERROR_CORRUPT);
}

static void
test_iso_corrupt (void)
{
  g_autofree KsMinutiaeTemplate *t = synthetic_template (7002, 3, 1);
  g_autoptr(GBytes) iso = ks_minutiae_template_to_iso (t);
  gsize len;
  const guint8 *orig = g_bytes_get_data (iso, &len);
  g_autofree guint8 *d = g_malloc (len + 1);

  /* every truncation */
  for (gsize cut = 0; cut < len; cut++)
    assert_corrupt (orig, cut);
  /* a byte too many (and the length field updated to match) */
  memcpy (d, orig, len);
  d[len] = 0;
  d[11]++;
  assert_corrupt (d, len + 1);

#define MUTATE(offset, value) \
  G_STMT_START { \
    memcpy (d, orig, len); \
    d[offset] = (value); \
    assert_corrupt (d, len); \
  } G_STMT_END
  MUTATE (0, 'X');                     /* magic */
  MUTATE (5, '3');                     /* version */
  MUTATE (11, (guint8)(orig[11] - 1));  /* length */
  MUTATE (22, 2);                      /* two finger views announced */
  MUTATE (26, 101);                    /* finger quality over 100 */
  MUTATE (27, (guint8)(orig[27] + 1));  /* minutiae count */
  MUTATE (28, 0xc0 | (orig[28] & 0x3f)); /* minutia type 3 */
  MUTATE (28, (guint8)((orig[28] & 0xc0) | 0x3f));  /* x far outside the image */
  MUTATE (33, 200);                    /* minutia quality over 100 */
  MUTATE (len - 1, 4);                 /* extended data without its bytes */
#undef MUTATE

  /* the genuine record still parses */
  {
    g_autoptr(GError) error = NULL;
    g_autofree KsMinutiaeTemplate *ok = ks_minutiae_template_from_iso (orig, len, &error);
    g_assert_no_error (error);
  }
}

static void
test_image_pgm (void)
{
  g_autoptr(KsGreyImage) image = synthetic_image (7003, 4, 0);
  g_autofree char *dir = g_dir_make_tmp ("ks-minutiae-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "print.pgm", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.pgm", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.pgm", NULL);
  g_autoptr(GString) pgm = g_string_new (NULL);
  g_autoptr(KsGreyImage) back = NULL;
  g_autoptr(GError) error = NULL;

  g_string_printf (pgm, "P5\n# made by a test\n%u %u\n255\n", image->width, image->height);
  g_string_append_len (pgm, (const char *)image->pixels,
                       (gssize)image->width * image->height);
  g_assert_true (g_file_set_contents (path, pgm->str, (gssize)pgm->len, NULL));
  back = ks_grey_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->width, ==, image->width);
  g_assert_cmpmem (back->pixels, image->width * image->height, image->pixels,
                   image->width * image->height);

  g_assert_true (g_file_set_contents (cut, pgm->str, (gssize)pgm->len - 100, NULL));
  g_assert_null (ks_grey_image_load (cut, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (junk, "GIF89a not a fingerprint", -1, NULL));
  g_assert_null (ks_grey_image_load (junk, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  ks_test_rm_rf (dir);
}

static gboolean
write_tiff (const char *path, const KsGreyImage *image, guint16 bits)
{
  TIFF *tiff = TIFFOpen (path, "w");
  g_autofree guint16 *row16 = g_new (guint16, image->width);

  if (tiff == NULL)
    return FALSE;
  TIFFSetField (tiff, TIFFTAG_IMAGEWIDTH, image->width);
  TIFFSetField (tiff, TIFFTAG_IMAGELENGTH, image->height);
  TIFFSetField (tiff, TIFFTAG_BITSPERSAMPLE, bits);
  TIFFSetField (tiff, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tiff, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
  TIFFSetField (tiff, TIFFTAG_ROWSPERSTRIP, 16);
  for (guint y = 0; y < image->height; y++)
    {
      void *row = image->pixels + (gsize)y * image->width;
      if (bits == 16)
        {
          for (guint x = 0; x < image->width; x++)
            row16[x] = (guint16)(image->pixels[y * image->width + x] * 257);
          row = row16;
        }
      if (TIFFWriteScanline (tiff, row, y, 0) < 0)
        {
          TIFFClose (tiff);
          return FALSE;
        }
    }
  TIFFClose (tiff);
  return TRUE;
}

/* TIFF (the FVC databases' own format, and scanner SDKs'): 8- and 16-bit grey read back as the
 * same pixels; a truncated file is refused with a message, not read as a half-black print. */
static void
test_image_tiff (void)
{
  g_autoptr(KsGreyImage) image = synthetic_image (7003, 4, 0);
  g_autofree char *dir = g_dir_make_tmp ("ks-minutiae-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "print.tif", NULL);
  g_autofree char *path16 = g_build_filename (dir, "print16.tif", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.tif", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  g_assert_true (write_tiff (path, image, 8));
  g_assert_true (write_tiff (path16, image, 16));
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(KsGreyImage) back = ks_grey_image_load (k == 0 ? path : path16, &error);
      g_autofree KsMinutiaeTemplate *t = NULL;
      g_assert_no_error (error);
      g_assert_cmpuint (back->width, ==, image->width);
      g_assert_cmpuint (back->height, ==, image->height);
      g_assert_cmpmem (back->pixels, image->width * image->height, image->pixels,
                       image->width * image->height);
      t = ks_minutiae_extract (back, &error);
      g_assert_no_error (error);
      g_assert_nonnull (t);
    }

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (cut, data, (gssize)len / 2, NULL));
  g_assert_null (ks_grey_image_load (cut, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "cut.tif"));
  ks_test_rm_rf (dir);
}

static void
test_calibration (void)
{
  double previous = 1.0;

  for (double s = 0; s <= 60; s += 0.5)
    {
      double fmr = ks_minutiae_score_to_fmr (s);
      g_assert_cmpfloat (fmr, <=, previous);
      g_assert_cmpfloat (fmr, >, 0);
      previous = fmr;
    }
  for (double l = -1; l >= -6; l -= 0.5)
    {
      double t = ks_minutiae_threshold_for_fmr (pow (10, l));
      g_assert_cmpfloat (fabs (log10 (ks_minutiae_score_to_fmr (t)) - l), <, 1e-6);
    }
  g_assert_cmpfloat (ks_minutiae_threshold_for_fmr (0.0001), >,
                     ks_minutiae_threshold_for_fmr (0.001));
}

/* The same synthetic finger scores above every other finger: a smoke test of the matcher's
 * plumbing, not a measure of accuracy (that is /minutiae/accuracy/fvc2000). */
static void
test_match_synthetic (void)
{
  g_autofree KsMinutiaeTemplate *a = synthetic_template (7004, 1, 0);
  g_autofree KsMinutiaeTemplate *b = synthetic_template (7004, 1, 1);
  g_autofree KsMinutiaeTemplate *c = synthetic_template (7005, 1, 0);
  g_autoptr(KsMinutiaeMatcher) ma = ks_minutiae_matcher_new (a);
  g_autoptr(KsMinutiaeMatcher) mb = ks_minutiae_matcher_new (b);
  g_autoptr(KsMinutiaeMatcher) mc = ks_minutiae_matcher_new (c);
  double same = ks_minutiae_compare (ma, mb), other = ks_minutiae_compare (ma, mc);

  g_assert_cmpfloat (fabs (same - ks_minutiae_compare (mb, ma)), <, 1e-9);
  g_assert_cmpfloat (same, >, other);
  g_assert_cmpfloat (ks_minutiae_compare (ma, ma), >, same);
}

/* The index finds a synthetic finger among others from another impression, and a cancelled
 * search returns an error rather than a partial answer. */
static void
test_index (void)
{
  g_autoptr(KsMinutiaeIndex) index = ks_minutiae_index_new ();
  g_autofree KsMinutiaeTemplate *probe = synthetic_template (7100 + 3, 1, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) found = NULL;
  g_autoptr(GError) error = NULL;

  for (guint p = 0; p < 6; p++)
    {
      g_autofree KsMinutiaeTemplate *t = synthetic_template (7100 + p, 1, 0);
      g_autofree char *id = g_strdup_printf ("person-%u", p);
      ks_minutiae_index_add (index, t, id);
    }
  g_assert_cmpuint (ks_minutiae_index_get_size (index), ==, 6);
  g_assert_cmpuint (ks_minutiae_index_get_memory (index), >, 6 * 1000);
  found = ks_minutiae_index_search (index, probe, 3, cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpstr (g_array_index (found, KsMinutiaeCandidate, 0).id, ==, "person-3");
  g_assert_cmpfloat (g_array_index (found, KsMinutiaeCandidate, 0).score, >=,
                     g_array_index (found, KsMinutiaeCandidate, 1).score);

  g_cancellable_cancel (cancellable);
  g_assert_null (ks_minutiae_index_search (index, probe, 3, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* FVC protocol on real prints, one impression against one: genuine = all pairs of a finger,
 * impostor = all pairs of different fingers of the same set. */
typedef struct
{
  guint finger;
  KsMinutiaeMatcher *matcher;
} Real;

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
test_accuracy_fvc2000 (void)
{
  const char *root = g_getenv ("KS_SOURCE_ROOT");
  static const char *sets[] = { "db1_b", "db2_b" };
  g_autoptr(GArray) genuine = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) impostor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *base = NULL;
  guint n_fingers = g_getenv ("KS_TEST_QUICK") ? 5 : 10, failures = 0, false_match = 0;
  double t_eer = 0, eer = 1, gap = 2, t_01;
  guint false_non_match_01 = 0;

  /* ../shared next to the repository; a git worktree in a sub-folder looks one level up too */
  for (guint up = 1; up <= 2 && base == NULL; up++)
    {
      g_autofree char *candidate = g_build_filename (root ? root : ".", up == 2 ? ".." : ".",
                                                     "..", "shared", "reference", "fingerprints",
                                                     "fvc2000", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_DIR))
        base = g_steal_pointer (&candidate);
    }
  if (base == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("real fingerprints not found in ../shared/reference/"
                                              "fingerprints/fvc2000 next to %s: accuracy on "
                                              "real prints NOT measured", root ? root : ".");
      g_test_skip (msg);
      return;
    }
  for (guint s = 0; s < G_N_ELEMENTS (sets); s++)
    {
      g_autoptr(GArray) real = g_array_new (FALSE, TRUE, sizeof (Real));
      for (guint f = 101; f < 101 + n_fingers; f++)
        for (guint i = 1; i <= 8; i++)
          {
            g_autofree char *name = g_strdup_printf ("%u_%u.png", f, i);
            g_autofree char *path = g_build_filename (base, sets[s], name, NULL);
            g_autoptr(GError) error = NULL;
            g_autoptr(KsGreyImage) image = ks_grey_image_load (path, &error);
            g_autofree KsMinutiaeTemplate *t = NULL;
            Real r = { f, NULL };
            g_assert_no_error (error);
            t = ks_minutiae_extract (image, &error);
            if (t == NULL)
              failures++;
            else
              r.matcher = ks_minutiae_matcher_new (t);
            g_array_append_val (real, r);
          }
      for (guint i = 0; i < real->len; i++)
        for (guint j = i + 1; j < real->len; j++)
          {
            Real *a = &g_array_index (real, Real, i), *b = &g_array_index (real, Real, j);
            double score = a->matcher && b->matcher ? ks_minutiae_compare (a->matcher, b->matcher)
                                                    : 0;
            g_array_append_val (a->finger == b->finger ? genuine : impostor, score);
          }
      for (guint i = 0; i < real->len; i++)
        ks_minutiae_matcher_free (g_array_index (real, Real, i).matcher);
    }
  /* at most one enrolment failure in 160 images (FVC2000 DB2_B 110_2 is a very dry print) */
  g_assert_cmpuint (failures, <=, 1);

  /* EER: the threshold where FMR and FNMR meet */
  g_array_sort (genuine, cmp_double);
  g_array_sort (impostor, cmp_double);
  for (guint i = 0; i < impostor->len; i++)
    {
      double t = g_array_index (impostor, double, i), fmr, fnmr;
      guint below = 0;
      while (below < genuine->len && g_array_index (genuine, double, below) < t)
        below++;
      fnmr = (double)below / genuine->len;
      fmr = (double)(impostor->len - i) / impostor->len;
      if (fabs (fmr - fnmr) < gap)
        {
          gap = fabs (fmr - fnmr);
          eer = (fmr + fnmr) / 2;
          t_eer = t;
        }
    }
  /* the calibrated threshold for FMR 0.1% */
  t_01 = ks_minutiae_threshold_for_fmr (0.001);
  for (guint i = 0; i < impostor->len; i++)
    false_match += g_array_index (impostor, double, i) >= t_01;
  for (guint i = 0; i < genuine->len; i++)
    false_non_match_01 += g_array_index (genuine, double, i) < t_01;
  g_test_message ("FVC2000 DB1_B+DB2_B, %u fingers each: EER %.2f%% (score %.2f); at the FMR "
                  "0.1%% threshold %.2f: FMR %.3f%%, FNMR %.2f%%", n_fingers, 100 * eer, t_eer,
                  t_01, 100.0 * false_match / impostor->len,
                  100.0 * false_non_match_01 / genuine->len);
  /* Regression bounds on real prints (measured: EER 3.4%, FNMR 7.7% at FMR 0.1%). */
  g_assert_cmpfloat (eer, <=, 0.06);
  g_assert_cmpfloat ((double)false_non_match_01 / genuine->len, <=, 0.18);
  /* the calibration holds: the 0.1% threshold lets through no more than 0.3% of impostors */
  g_assert_cmpfloat ((double)false_match / impostor->len, <=, 0.003);
}

static void
test_cli (void)
{
  const char *tool = g_getenv ("KS_FINGERPRINT_TOOL");
  g_autofree char *dir = g_dir_make_tmp ("ks-minutiae-cli-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *good2 = g_build_filename (dir, "good2.png", NULL);
  g_autofree char *blank = g_build_filename (dir, "blank.pgm", NULL);
  g_autofree char *out = g_build_filename (dir, "templates", NULL);
  g_autofree char *good_ist = g_build_filename (out, "good.ist", NULL);
  g_autofree char *good2_ist = g_build_filename (out, "good2.ist", NULL);
  g_autofree char *blank_ist = g_build_filename (out, "blank.ist", NULL);
  g_autofree char *cut_ist = g_build_filename (dir, "cut.ist", NULL);
  g_autofree char *stdout_text = NULL, *stderr_text = NULL;
  g_autofree char *blank_pgm = NULL;
  g_autofree char *iso = NULL;
  g_autoptr(GError) error = NULL;
  gsize iso_len;
  int status;
  guint w, h;

  if (tool == NULL)
    {
      g_test_skip ("KS_FINGERPRINT_TOOL is not set (run through meson test)");
      return;
    }
  {
    g_autoptr(GBytes) a = ks_fpsynth_generate (7006, 1, 0, KS_FPSYNTH_NORMAL, &w, &h);
    g_autoptr(GBytes) b = ks_fpsynth_generate (7006, 1, 1, KS_FPSYNTH_NORMAL, &w, &h);
    g_assert_true (ks_fpsynth_write_png (a, w, h, good, NULL));
    g_assert_true (ks_fpsynth_write_png (b, w, h, good2, NULL));
  }
  blank_pgm = g_strdup_printf ("P5 300 300 255\n%*s", 300 * 300, "");
  memset (blank_pgm + 15, 220, 300 * 300);
  g_assert_true (g_file_set_contents (blank, blank_pgm, 15 + 300 * 300, NULL));

  /* extract: one template per readable print, the blank image listed on stderr, exit 1 */
  {
    const char *argv[] = { tool, "extract", good, blank, good2, "--output", out, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &stdout_text, &stderr_text, &status, &error));
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (stderr_text, "blank.pgm: could not read a fingerprint: "));
    g_assert_true (g_file_test (good_ist, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_test (good2_ist, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (blank_ist, G_FILE_TEST_EXISTS));
    g_clear_pointer (&stdout_text, g_free);
    g_clear_pointer (&stderr_text, g_free);
  }
  /* match: SCORE<TAB>PATH per gallery template, the same as the library computes */
  {
    const char *argv[] = { tool, "match", good_ist, good2_ist, good_ist, NULL };
    g_autofree KsMinutiaeTemplate *ta = ks_minutiae_template_load (good_ist, NULL);
    g_autofree KsMinutiaeTemplate *tb = ks_minutiae_template_load (good2_ist, NULL);
    g_autoptr(KsMinutiaeMatcher) ma = ks_minutiae_matcher_new (ta);
    g_autoptr(KsMinutiaeMatcher) mb = ks_minutiae_matcher_new (tb);
    g_autofree char *expected = g_strdup_printf ("%.2f\t%s\n%.2f\t%s\n",
                                                 ks_minutiae_compare (ma, mb), good2_ist,
                                                 ks_minutiae_compare (ma, ma), good_ist);
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &stdout_text, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (stdout_text, ==, expected);
    g_clear_pointer (&stdout_text, g_free);
  }
  /* threshold */
  {
    const char *argv[] = { tool, "threshold", "--fmr", "0.001", NULL };
    g_autofree char *expected = g_strdup_printf ("%.2f\n", ks_minutiae_threshold_for_fmr (0.001));
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &stdout_text, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (stdout_text, ==, expected);
    g_clear_pointer (&stdout_text, g_free);
  }
  /* identify: the best candidate first */
  {
    const char *argv[] = { tool, "identify", good2_ist, "--gallery", out, "--top", "1", NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &stdout_text, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (stdout_text, good2_ist));
    g_assert_null (strchr (strchr (stdout_text, '\n') + 1, '\n'));
    g_clear_pointer (&stdout_text, g_free);
  }
  /* a truncated template is refused with a message, exit 1 */
  g_assert_true (g_file_get_contents (good_ist, &iso, &iso_len, NULL));
  g_assert_true (g_file_set_contents (cut_ist, iso, (gssize)iso_len - 3, NULL));
  {
    const char *argv[] = { tool, "match", good_ist, cut_ist, NULL };
    g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &stdout_text, &stderr_text, &status, &error));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (stdout_text, ==, "");
    g_assert_nonnull (strstr (stderr_text, "not a valid ISO 19794-2 fingerprint template"));
  }
  ks_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/minutiae/extract/synthetic", test_extract_synthetic);
  g_test_add_func ("/minutiae/extract/bad-images", test_extract_bad_images);
  g_test_add_func ("/minutiae/iso/round-trip", test_iso_round_trip);
  g_test_add_func ("/minutiae/iso/corrupt", test_iso_corrupt);
  g_test_add_func ("/minutiae/image/pgm", test_image_pgm);
  g_test_add_func ("/minutiae/image/tiff", test_image_tiff);
  g_test_add_func ("/minutiae/calibration", test_calibration);
  g_test_add_func ("/minutiae/match/synthetic", test_match_synthetic);
  g_test_add_func ("/minutiae/index", test_index);
  g_test_add_func ("/minutiae/cli", test_cli);
  g_test_add_func ("/minutiae/accuracy/fvc2000", test_accuracy_fvc2000);
  return g_test_run ();
}
