/* bench-dedup.c: the station-wide duplicate check's time with N citizens enrolled
 *
 *   build/bench/bench-dedup N DIR
 *
 * DIR: a folder of FINGER_IMPRESSION images (FVC2000 DB1_B). N citizens are enrolled through
 * the operator's path (a draft typed as the wizard leaves it, four fingers saved sealed,
 * ks_records_submit()); each finger is a real template from DIR, rotated, shifted, jittered and
 * thinned (as bench-fingerprint-search does) so no two are alike. The libfprint template of
 * each finger, which this benchmark has no reader for, is the ISO record's bytes: the search
 * never reads it. Then prints the time a station opening on that store takes to build its
 * index (in the background), and the time of a duplicate check of a new draft's four fingers
 * against everyone (ks_duplicate_search_check_draft_async(): on all processors, including the
 * draft's own comparisons and writing the findings), and whether the check found the citizen
 * the new draft copies.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ks-duplicate-search.h"
#include "ks-minutiae-extract.h"
#include "ks-station-config.h"
#include "ks-test-enroll.h"
#include "ks-test-util.h"

static GPtrArray *
load (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  GPtrArray *templates = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (2);
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(KsGreyImage) image = NULL;
      KsMinutiaeTemplate *tmpl;

      if (!g_str_has_suffix (name, ".png") && !g_str_has_suffix (name, ".tif"))
        continue;
      image = ks_grey_image_load (path, NULL);
      tmpl = image ? ks_minutiae_extract (image, NULL) : NULL;
      if (tmpl != NULL)
        g_ptr_array_add (templates, tmpl);
    }
  return templates;
}

static KsMinutiaeTemplate *
perturb (const KsMinutiaeTemplate *t,
         GRand                    *rand)
{
  KsMinutiaeTemplate *p = g_memdup2 (t, sizeof (*t));
  double phi = g_rand_double_range (rand, -G_PI / 9, G_PI / 9);
  double tx = g_rand_double_range (rand, -20, 20), ty = g_rand_double_range (rand, -20, 20);
  double cx = t->width / 2.0, cy = t->height / 2.0;
  guint n = 0;

  for (guint i = 0; i < t->n_minutiae; i++)
    {
      const KsMinutia *m = &t->minutiae[i];
      double dx = m->x - cx, dy = m->y - cy;
      double x = cx + cos (phi) * dx + sin (phi) * dy + tx + g_rand_double_range (rand, -2, 2);
      double y = cy - sin (phi) * dx + cos (phi) * dy + ty + g_rand_double_range (rand, -2, 2);

      if (g_rand_double (rand) < 0.1 || x < 0 || y < 0 || x >= t->width || y >= t->height)
        continue;
      p->minutiae[n] = *m;
      p->minutiae[n].x = (guint16)x;
      p->minutiae[n].y = (guint16)y;
      p->minutiae[n].angle = (guint8)((int)lrint (m->angle + phi * 128 / G_PI) & 255);
      n++;
    }
  p->n_minutiae = n;
  return p;
}

static const FpFinger fingers[] = {
  FP_FINGER_RIGHT_THUMB, FP_FINGER_LEFT_THUMB, FP_FINGER_RIGHT_INDEX, FP_FINGER_LEFT_INDEX,
};

/* Citizen @i's four fingers: real templates number 4i .. 4i+3 (cycling), perturbed. */
static GPtrArray *
citizen_fingers (GPtrArray *real,
                 guint      i,
                 GRand     *rand)
{
  GPtrArray *captures = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_finger_capture_free);

  for (guint j = 0; j < G_N_ELEMENTS (fingers); j++)
    {
      g_autofree KsMinutiaeTemplate *tmpl = perturb (real->pdata[(4 * i + j) % real->len], rand);
      KsFingerCapture *c = ks_finger_capture_new (fingers[j]);

      c->status = KS_FINGER_CAPTURED;
      c->tries = 1;
      c->quality.grade = KS_FP_GRADE_GOOD;
      c->quality_score = tmpl->quality;
      c->iso_template = ks_minutiae_template_to_iso (tmpl);
      c->template_blob = g_bytes_ref (c->iso_template);
      g_ptr_array_add (captures, c);
    }
  return captures;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) real = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  g_autofree char *dir = g_dir_make_tmp ("bench-dedup-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *key = g_build_filename (dir, "biometrics.key", NULL);
  g_autoptr(KsStore) store = NULL;
  g_autoptr(KsVault) vault = NULL;
  g_autoptr(KsReference) reference = NULL;
  g_autoptr(KsTestStaff) staff = NULL;
  g_autoptr(KsStationConfig) config = NULL;
  g_autoptr(KsDuplicateSearch) search = NULL;
  g_autoptr(GPtrArray) kp_ids = g_ptr_array_new_with_free_func (g_free);
  GAsyncResult *result = NULL;
  guint n, n_templates = 0, found = 0;
  gint64 t0;
  double enroll_s, build_s, check_s = 0;
  const guint rounds = 5;

  if (argc != 3 || (n = (guint)g_ascii_strtoull (argv[1], NULL, 10)) == 0)
    {
      g_printerr (
        "usage: %s N DIR\n  e.g. %s 1000 ../shared/reference/fingerprints/fvc2000/db1_b\n",
        argv[0], argv[0]);
      return 64;
    }
  real = load (argv[2]);
  if (real->len < 8)
    {
      g_printerr ("%s: too few fingerprint images\n", argv[2]);
      return 2;
    }

  store = ks_store_open (db, &error);
  vault = store ? ks_vault_open (key, &error) : NULL;
  reference = vault ? ks_reference_load_default (&error) : NULL;
  if (reference == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  staff = ks_test_staff_get (store);
  config = ks_station_config_new (store, FALSE, &error);
  ks_test_configure_station (config, staff->supervisor, "PEW", "A01");
  g_assert_true (ks_station_config_set_uint (config, staff->supervisor, "max-awaiting-review", 0,
                                             &error));

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) captures = citizen_fingers (real, i, rand);

      g_ptr_array_add (kp_ids, ks_test_enroll (store, staff->operator, reference, vault,
                                               captures, "A01", i + 1));
    }
  enroll_s = (g_get_monotonic_time () - t0) / 1e6;

  /* The station opens: the index builds in the background from the store. */
  t0 = g_get_monotonic_time ();
  search = ks_duplicate_search_new (store);
  ks_duplicate_search_set_vault (search, vault);
  ks_duplicate_search_update (search);
  ks_duplicate_search_index_async (search, NULL, store_result, &result);
  g_assert_true (ks_duplicate_search_index_finish (search, wait_for (&result), &n_templates,
                                                   &error));
  g_clear_object (&result);
  build_s = (g_get_monotonic_time () - t0) / 1e6;

  /* New drafts: each copies one enrolled citizen's fingers (other perturbations). */
  for (guint r = 0; r < rounds; r++)
    {
      guint victim = g_rand_int_range (rand, 0, (gint32)n);
      g_autoptr(KsRecord) record = ks_test_wizard_record (n + 1 + r);
      g_autoptr(GPtrArray) captures = citizen_fingers (real, victim, rand);
      g_autoptr(KsFingerCheck) check = NULL;
      gint64 draft = ks_drafts_create (store, staff->operator, record, 0, &error);

      g_assert_no_error (error);
      t0 = g_get_monotonic_time ();
      ks_duplicate_search_check_draft_async (search, draft, captures, NULL, store_result,
                                             &result);
      check = ks_duplicate_search_check_draft_finish (search, wait_for (&result), &error);
      check_s += (g_get_monotonic_time () - t0) / 1e6;
      g_clear_object (&result);
      g_assert_no_error (error);
      for (guint i = 0; i < check->findings->len; i++)
        found += g_strcmp0 (((KsDuplicateFinding *)check->findings->pdata[i])->other_kp_id,
                            kp_ids->pdata[victim]) == 0;
    }

  printf ("citizens enrolled: %u (4 fingers each), %.1f s through submit\n", n, enroll_s);
  printf ("index build at start-up: %u templates in %.2f s\n", n_templates, build_s);
  printf ("duplicate check of a new record (4 fingers against everyone, %u processors): "
          "%.0f ms\n", g_get_num_processors (), 1000 * check_s / rounds);
  printf ("copied citizen found: %u of %u\n", found, rounds);

  ks_duplicate_search_stop (search);
  return 0;
}
