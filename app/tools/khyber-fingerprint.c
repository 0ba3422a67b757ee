/* khyber-fingerprint: the station's fingerprint engine on the command line
 *
 *   khyber-fingerprint extract IMAGE... --output DIR
 *       one ISO/IEC 19794-2:2005 template per image, DIR/<image name without extension>.ist;
 *       images PNG, TIFF or PGM, 500 dpi. Exit 0 when all were extracted, 1 when some failed (listed
 *       on stderr).
 *   khyber-fingerprint match PROBE.ist GALLERY.ist...
 *       one line per gallery template: SCORE<TAB>PATH (higher is more similar).
 *   khyber-fingerprint threshold --fmr RATE
 *       the score threshold for that false match rate (e.g. 0.001).
 *   khyber-fingerprint identify PROBE.ist --gallery DIR [--top N]
 *       the N (default 5) most similar templates of DIR: SCORE<TAB>FMR<TAB>PATH.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "ks-minutiae-extract.h"
#include "ks-minutiae-match.h"

static int
usage (void)
{
  g_printerr ("usage:\n"
              "  khyber-fingerprint extract IMAGE... --output DIR\n"
              "  khyber-fingerprint match PROBE.ist GALLERY.ist...\n"
              "  khyber-fingerprint threshold --fmr RATE\n"
              "  khyber-fingerprint identify PROBE.ist --gallery DIR [--top N]\n");
  return 2;
}

static int
cmd_extract (int argc, char **argv)
{
  g_autoptr(GPtrArray) images = g_ptr_array_new ();
  const char *output = NULL;
  g_autoptr(GError) error = NULL;
  guint failed = 0;

  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--output"))
        {
          if (i + 1 >= argc)
            return usage ();
          output = argv[++i];
        }
      else
        g_ptr_array_add (images, argv[i]);
    }
  if (output == NULL || images->len == 0)
    return usage ();
  if (g_mkdir_with_parents (output, 0755) != 0)
    {
      g_printerr (_("Cannot create the folder %s.\n"), output);
      return 1;
    }
  for (guint i = 0; i < images->len; i++)
    {
      const char *path = images->pdata[i];
      g_autoptr(KsGreyImage) image = NULL;
      g_autofree KsMinutiaeTemplate *tmpl = NULL;
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *out = NULL;
      char *dot = strrchr (base, '.');

      if (dot != NULL && dot != base)
        *dot = '\0';
      out = g_strconcat (output, G_DIR_SEPARATOR_S, base, ".ist", NULL);
      image = ks_grey_image_load (path, &error);
      if (image != NULL)
        tmpl = ks_minutiae_extract (image, &error);
      if (tmpl == NULL || !ks_minutiae_template_save (tmpl, out, &error))
        {
          g_printerr ("%s: %s\n", path, error->message);
          g_clear_error (&error);
          failed++;
          continue;
        }
      g_print (_("%s: %u minutiae, quality %u -> %s\n"), path, tmpl->n_minutiae, tmpl->quality,
               out);
    }
  if (failed > 0)
    {
      g_printerr (_("%u of %u images gave no template.\n"), failed, images->len);
      return 1;
    }
  return 0;
}

static KsMinutiaeMatcher *
load_matcher (const char *path, GError **error)
{
  g_autofree KsMinutiaeTemplate *tmpl = ks_minutiae_template_load (path, error);

  return tmpl ? ks_minutiae_matcher_new (tmpl) : NULL;
}

static int
cmd_match (int argc, char **argv)
{
  g_autoptr(KsMinutiaeMatcher) probe = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (argc < 2)
    return usage ();
  probe = load_matcher (argv[0], &error);
  if (probe == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (int i = 1; i < argc; i++)
    {
      g_autoptr(KsMinutiaeMatcher) other = load_matcher (argv[i], &error);
      if (other == NULL)
        {
          g_printerr ("%s\n", error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      g_print ("%.2f\t%s\n", ks_minutiae_compare (probe, other), argv[i]);
    }
  return status;
}

static gboolean
parse_double (const char *text, double *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

static int
cmd_threshold (int argc, char **argv)
{
  double fmr;

  if (argc != 2 || !g_str_equal (argv[0], "--fmr"))
    return usage ();
  if (!parse_double (argv[1], &fmr) || !(fmr > 0 && fmr <= 1))
    {
      g_printerr (_("The false match rate must be a number above 0 and at most 1, "
                    "e.g. 0.001.\n"));
      return 2;
    }
  g_print ("%.2f\n", ks_minutiae_threshold_for_fmr (fmr));
  return 0;
}

typedef struct
{
  double score;
  char *path;
} Candidate;

static int
cmp_candidate (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return strcmp (x->path, y->path);
}

static void
candidate_clear (gpointer data)
{
  g_free (((Candidate *)data)->path);
}

static int
cmd_identify (int argc, char **argv)
{
  const char *probe_path = NULL, *gallery = NULL;
  guint64 top = 5;
  g_autoptr(KsMinutiaeMatcher) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (Candidate));
  const char *name;
  int status = 0;

  g_array_set_clear_func (found, candidate_clear);
  for (int i = 0; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--gallery") && i + 1 < argc)
        gallery = argv[++i];
      else if (g_str_equal (argv[i], "--top") && i + 1 < argc)
        {
          if (!g_ascii_string_to_unsigned (argv[++i], 10, 1, G_MAXUINT32, &top, NULL))
            {
              g_printerr (_("--top takes a whole number of candidates, 1 or more.\n"));
              return 2;
            }
        }
      else if (probe_path == NULL && argv[i][0] != '-')
        probe_path = argv[i];
      else
        return usage ();
    }
  if (probe_path == NULL || gallery == NULL)
    return usage ();
  probe = load_matcher (probe_path, &error);
  if (probe == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  dir = g_dir_open (gallery, 0, &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(KsMinutiaeMatcher) other = NULL;
      Candidate c;

      if (!g_str_has_suffix (name, ".ist"))
        continue;
      path = g_build_filename (gallery, name, NULL);
      other = load_matcher (path, &error);
      if (other == NULL)
        {
          g_printerr ("%s\n", error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      c.score = ks_minutiae_compare (probe, other);
      c.path = g_steal_pointer (&path);
      g_array_append_val (found, c);
    }
  g_array_sort (found, cmp_candidate);
  for (guint i = 0; i < found->len && i < top; i++)
    {
      Candidate *c = &g_array_index (found, Candidate, i);
      g_print ("%.2f\t%.2g\t%s\n", c->score, ks_minutiae_score_to_fmr (c->score), c->path);
    }
  return status;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  if (argc < 2)
    return usage ();
  if (g_str_equal (argv[1], "extract"))
    return cmd_extract (argc - 2, argv + 2);
  if (g_str_equal (argv[1], "match"))
    return cmd_match (argc - 2, argv + 2);
  if (g_str_equal (argv[1], "threshold"))
    return cmd_threshold (argc - 2, argv + 2);
  if (g_str_equal (argv[1], "identify"))
    return cmd_identify (argc - 2, argv + 2);
  return usage ();
}
