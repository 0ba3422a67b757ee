/* bench-fingerprint-search.c: 1:N search speed and memory of the station's fingerprint index
 *
 *   build/bench/bench-fingerprint-search N DIR...
 *
 * DIR: folders of FINGER_IMPRESSION images (FVC2000 DB1_B, DB2_B). Impressions 2-8 of every
 * finger are extracted and replicated, each copy rotated (+-20 degrees), shifted (+-20 px),
 * jittered (+-2 px) and thinned (10% of its minutiae dropped), up to N templates; impression 1 of
 * every finger is the probe. Prints the time to build the index, the time of one search (on
 * all processors), the index memory and the process's resident memory, and how often the best
 * candidate is the probe's finger (rank-1 identification on real prints, with N - 140 decoys
 * that are copies of other real fingers).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ks-minutiae-extract.h"
#include "ks-minutiae-index.h"
#include "ks-minutiae-index-testing.h"

typedef struct
{
  char *finger; /* "db1_b/101" */
  guint impression;
  KsMinutiaeTemplate *tmpl;
} Real;

static void
load (const char *dir, GArray *reals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = g_dir_open (dir, 0, &error);
  g_autofree char *set = g_path_get_basename (dir);
  const char *name;

  if (d == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (2);
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      guint f, i;
      char ext[8];
      g_autofree char *path = NULL;
      g_autoptr(KsGreyImage) image = NULL;
      Real r;
      if (sscanf (name, "%u_%u.%7s", &f, &i, ext) != 3)
        continue;
      path = g_build_filename (dir, name, NULL);
      image = ks_grey_image_load (path, NULL);
      if (image == NULL)
        continue;
      r.tmpl = ks_minutiae_extract (image, NULL);
      if (r.tmpl == NULL)
        continue;
      r.finger = g_strdup_printf ("%s/%u", set, f);
      r.impression = i;
      g_array_append_val (reals, r);
    }
}

static KsMinutiaeTemplate *
perturb (const KsMinutiaeTemplate *t, GRand *rand)
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

static long
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line ? atol (line + 6) : -1;
}

int
main (int argc, char **argv)
{
  g_autoptr(GArray) reals = g_array_new (FALSE, FALSE, sizeof (Real));
  g_autoptr(GPtrArray) gallery = g_ptr_array_new ();
  g_autoptr(KsMinutiaeIndex) index = ks_minutiae_index_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  guint64 n;
  gint64 t0;
  double build_s, search_total = 0, search_max = 0;
  guint probes = 0, hits = 0;
  long rss_before;

  if (argc < 3 || !g_ascii_string_to_unsigned (argv[1], 10, 1, 10000000, &n, NULL))
    {
      g_printerr ("usage: %s N DIR...\n", argv[0]);
      return 2;
    }
  for (int i = 2; i < argc; i++)
    load (argv[i], reals);
  for (guint i = 0; i < reals->len; i++)
    if (g_array_index (reals, Real, i).impression != 1)
      g_ptr_array_add (gallery, &g_array_index (reals, Real, i));
  if (gallery->len == 0)
    {
      g_printerr ("no fingerprint images found\n");
      return 2;
    }
  rss_before = resident_kib ();
  t0 = g_get_monotonic_time ();
  for (guint64 i = 0; i < n; i++)
    {
      Real *r = gallery->pdata[i % gallery->len];
      g_autofree KsMinutiaeTemplate *copy = i <
                                            gallery->len ? g_memdup2 (r->tmpl, sizeof (*r->tmpl))
                                                              : perturb (r->tmpl, rand);
      g_autofree char *id = g_strdup_printf ("%s#%" G_GUINT64_FORMAT, r->finger, i);
      ks_minutiae_index_add (index, copy, id);
    }
  build_s = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("index: %u templates built in %.2f s (%.2f ms each, one thread); index memory %.1f MB "
           "(%.0f bytes per template), resident memory grew by %.1f MB\n",
           ks_minutiae_index_get_size (index), build_s, 1000 * build_s / n,
           ks_minutiae_index_get_memory (index) / 1e6,
           (double)ks_minutiae_index_get_memory (index) / n,
           (resident_kib () - rss_before) / 1024.0);

  for (guint i = 0; i < reals->len; i++)
    {
      Real *r = &g_array_index (reals, Real, i);
      g_autoptr(GArray) found = NULL;
      double s;
      if (r->impression != 1)
        continue;
      t0 = g_get_monotonic_time ();
      found = ks_minutiae_index_search (index, r->tmpl, 5, NULL, NULL);
      s = (g_get_monotonic_time () - t0) / 1e6;
      search_total += s;
      search_max = MAX (search_max, s);
      probes++;
      if (found->len > 0)
        {
          const char *id = g_array_index (found, KsMinutiaeCandidate, 0).id;
          if (g_str_has_prefix (id, r->finger) && id[strlen (r->finger)] == '#')
            hits++;
        }
    }
  g_print ("search: %u probes, %.3f s per search (max %.3f s) on %u processors; best candidate "
           "is the probe's finger for %u of %u probes (%.1f%%)\n",
           probes, search_total / MAX (probes, 1), search_max, g_get_num_processors (), hits,
           probes, 100.0 * hits / MAX (probes, 1));
  for (guint i = 0; i < reals->len; i++)
    {
      g_free (g_array_index (reals, Real, i).finger);
      g_free (g_array_index (reals, Real, i).tmpl);
    }
  return 0;
}
