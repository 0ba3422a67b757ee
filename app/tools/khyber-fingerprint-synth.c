/* khyber-fingerprint-synth.c: writes one synthetic fingerprint impression as a PNG
 *
 * The same (person, finger, impression) always gives the same image, so trainers can hand out
 * reproducible exercises ("person 7, finger 2, smudged") and a failing test can be looked at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "khyber-fingerprint-synth"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "ks-fpsynth.h"

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autofree char *output = NULL;
  gint64 person = 1;
  int finger = 1;
  int impression = 0;
  gboolean smudged = FALSE;
  gboolean partial = FALSE;
  guint width, height;
  KsFpSynthVariant variant = KS_FPSYNTH_NORMAL;
  GOptionEntry entries[]
    = { { "person", 'p', 0, G_OPTION_ARG_INT64, &person, N_("Synthetic person number"), "N" },
        { "finger", 'f', 0, G_OPTION_ARG_INT, &finger, N_("Finger, 1-10 (1 = right thumb)"), "F" },
        { "impression", 'i', 0, G_OPTION_ARG_INT, &impression, N_("Impression number"), "I" },
        { "smudged", 0, 0, G_OPTION_ARG_NONE, &smudged,
          N_("Smudged impression (wet or dirty finger)"), NULL },
        { "partial", 0, 0, G_OPTION_ARG_NONE, &partial,
          N_("Partial contact (finger tipped sideways)"), NULL },
        { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("PNG file to write"), "FILE.png" },
        { NULL } };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Writes a synthetic fingerprint image (SFinGe method) for "
                                  "training and tests. Never a real person's print."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (output == NULL || person < 0 || finger < 0 || impression < 0 || (smudged && partial))
    {
      g_printerr ("%s\n", _("Give --output FILE.png, non-negative --person/--finger/--impression, "
                            "and at most one of --smudged and --partial."));
      return 2;
    }
  if (smudged)
    variant = KS_FPSYNTH_SMUDGED;
  else if (partial)
    variant = KS_FPSYNTH_PARTIAL;

  image = ks_fpsynth_generate ((guint64)person, finger, impression, variant, &width, &height);
  if (!ks_fpsynth_write_png (image, width, height, output, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  return 0;
}
