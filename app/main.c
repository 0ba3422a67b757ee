/* main.c: Khyber Pass Station
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "khyber-station"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "ks-application.h"
#include "ks-cli.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KsApplication) app = NULL;
  const char *localedir = g_getenv ("KS_LOCALEDIR");

  /* Without a locale of its own (a bare "C"), gettext would ignore LANGUAGE, which is how the
   * station switches to Urdu or Pashto: C.UTF-8 is always there on Debian. */
  if (setlocale (LC_ALL, "") == NULL || g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0)
    setlocale (LC_ALL, "C.UTF-8");
  /* ./station run points KS_LOCALEDIR at the build's translations. */
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Subcommands need no display: they run before GTK is even started. */
  if (argc > 1 && ks_cli_is_command (argv[1]))
    return ks_cli_run (argc, argv);

  app = ks_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
