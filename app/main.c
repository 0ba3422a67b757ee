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

  setlocale (LC_ALL, "");
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
