/* test-fpsynth.c: synthetic fingerprints, the quality figures, and the command-line generator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>

#include "ks-fp-quality.h"
#include "ks-fpsynth.h"
#include "ks-fpsynth-testing.h"

static void
test_deterministic (void)
{
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) other_impression = NULL;
  g_autoptr(GBytes) other_person = NULL;
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (42, 3);
  guint w, h, w2, h2;

  /* A corpus is the same on every machine: one-shot and cached master agree byte for byte. */
  a = ks_fpsynth_generate (42, 3, 1, KS_FPSYNTH_NORMAL, &w, &h);
  b = ks_fpsynth_finger_render (finger, 1, KS_FPSYNTH_NORMAL, &w2, &h2);
  g_assert_cmpuint (w, ==, w2);
  g_assert_cmpuint (h, ==, h2);
  g_assert_cmpuint (g_bytes_get_size (a), ==, (gsize)w * h);
  g_assert_true (g_bytes_equal (a, b));

  other_impression = ks_fpsynth_finger_render (finger, 2, KS_FPSYNTH_NORMAL, &w, &h);
  other_person = ks_fpsynth_generate (43, 3, 1, KS_FPSYNTH_NORMAL, &w, &h);
  g_assert_false (g_bytes_equal (a, other_impression));
  g_assert_false (g_bytes_equal (a, other_person));
}

static void
test_classes_vary (void)
{
  guint seen = 0;

  /* Fingers of a corpus spread over the pattern classes, not all loops. */
  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(KsFpSynthFinger) f = ks_fpsynth_finger_new (7000 + i, 1);
      seen |= 1u << ks_fpsynth_finger_get_class (f);
    }
  /* Five classes drawn uniformly: 16 fingers show at least four of them. */
  g_assert_cmpuint (__builtin_popcount (seen), >=, 4);
}

static void
test_variants_contact (void)
{
  g_autoptr(KsFpSynthFinger) f = ks_fpsynth_finger_new (9, 1);

  /* Normal impressions are well placed; a partial one touched with a third of the finger; a
   * smudged one shows fewer clear ridges than the same placement without smudge. */
  for (guint impression = 0; impression < 5; impression++)
    {
      KsFpSynthVariant variants[] = { KS_FPSYNTH_NORMAL, KS_FPSYNTH_PARTIAL, KS_FPSYNTH_SMUDGED };
      KsFpQuality q[3];

      for (guint i = 0; i < 3; i++)
        {
          g_autoptr(GBytes) img = NULL;
          guint w, h;

          img = ks_fpsynth_finger_render (f, impression, variants[i], &w, &h);
          ks_fp_quality_measure (g_bytes_get_data (img, NULL), w, h, 50, &q[i]);
        }
      g_assert_cmpfloat (q[0].contact, >=, KS_FP_QUALITY_GOOD_CONTACT);
      g_assert_cmpfloat (q[1].contact, <, KS_FP_QUALITY_FAIR_CONTACT);
      g_assert_cmpfloat (q[2].contact, <, q[0].contact - 0.1);
    }
}

static void
test_quality_grades (void)
{
  struct
  {
    guint minutiae;
    double contact;
    KsFpGrade grade;
  } cases[] = {
    { 60, 0.80, KS_FP_GRADE_GOOD }, { 30, 0.55, KS_FP_GRADE_GOOD }, { 29, 0.90, KS_FP_GRADE_FAIR },
    { 60, 0.54, KS_FP_GRADE_FAIR }, { 15, 0.30, KS_FP_GRADE_FAIR }, { 14, 0.90, KS_FP_GRADE_POOR },
    { 90, 0.29, KS_FP_GRADE_POOR }, { 0, 0.0, KS_FP_GRADE_POOR },
  };
  guint8 blank[64 * 64];
  KsFpQuality q;
  KsFpQuality tries[3] = {
    { 40, 0.60, KS_FP_GRADE_GOOD },
    { 80, 0.90, KS_FP_GRADE_GOOD },
    { 90, 0.20, KS_FP_GRADE_POOR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (ks_fp_quality_grade (cases[i].minutiae, cases[i].contact), ==, cases[i].grade);

  /* Empty glass: no contact at all. */
  memset (blank, 230, sizeof blank);
  ks_fp_quality_measure (blank, 64, 64, 0, &q);
  g_assert_cmpfloat (q.contact, ==, 0.0);
  g_assert_cmpint (q.grade, ==, KS_FP_GRADE_POOR);

  /* The best try is the good one with more minutiae over more area, not the most minutiae. */
  g_assert_cmpuint (ks_fp_quality_pick_best (tries, G_N_ELEMENTS (tries)), ==, 1);
  g_assert_cmpuint (ks_fp_quality_pick_best (tries, 1), ==, 0);
}

static char *
tool_path (void)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "app", "tools",
                           "khyber-fingerprint-synth", NULL);
}

static void
test_tool (void)
{
  g_autofree char *tool = tool_path ();
  g_autofree char *dir = g_dir_make_tmp ("ks-fpsynth-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "f.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) expected = NULL;
  cairo_surface_t *surface;
  const guint8 *data, *pixels;
  guint w, h;
  int status = -1;
  int stride;
  const char *argv[] = { tool, "--person", "12", "--finger", "4", "--impression",
                         "2", "--partial", "--output", png, NULL };
  const char *bad[] = { tool, "--smudged", "--partial", "--output", png, NULL };

  if (g_getenv ("G_TEST_BUILDDIR") == NULL)
    {
      g_test_skip ("Run through meson test: the tool is found through G_TEST_BUILDDIR");
      return;
    }

  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* The PNG holds exactly the generator's image. */
  expected = ks_fpsynth_generate (12, 4, 2, KS_FPSYNTH_PARTIAL, &w, &h);
  data = g_bytes_get_data (expected, NULL);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (cairo_image_surface_get_width (surface), ==, w);
  g_assert_cmpuint (cairo_image_surface_get_height (surface), ==, h);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      g_assert_cmpuint (((const guint32 *)(gconstpointer)(pixels + y * stride))[x] & 0xff, ==,
                        data[y * w + x]);
  cairo_surface_destroy (surface);
  g_unlink (png);

  /* Contradicting options are refused with a usage error, nothing written. */
  g_assert_true (g_spawn_sync (NULL, (char **)bad, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fpsynth/deterministic", test_deterministic);
  g_test_add_func ("/fpsynth/classes-vary", test_classes_vary);
  g_test_add_func ("/fpsynth/variants-contact", test_variants_contact);
  g_test_add_func ("/fpsynth/quality-grades", test_quality_grades);
  g_test_add_func ("/fpsynth/tool", test_tool);
  return g_test_run ();
}
