/* ks-language.c: switching the station's language while it runs
 *
 * gettext reads LANGUAGE at every lookup, but ignores it under the plain "C" locale, and caches
 * what it found until the locale changes: so the variable is set, then setlocale() is called
 * again (which empties gettext's cache), falling back to C.UTF-8 where the system has no locale
 * of its own. Debian's C.UTF-8 is always there, so Urdu and Pashto need no generated locale.
 * Widgets translate their strings when they are built: the window is rebuilt afterwards
 * (ks_window_recreate()).
 *
 * Counts go through ngettext(), never g_dngettext(): GLib decides once per process whether
 * g_dngettext() translates at all, and a station that started in English under C.UTF-8 then
 * showed "22 records" in Urdu and Pashto too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-language"

#include "config.h"

#include <locale.h>

#include "ks-l10n.h"
#include "ks-language.h"

static char *applied;

static gboolean
locale_is_plain_c (const char *name)
{
  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX");
}

/**
 * ks_language_apply:
 * @code: (nullable): `en`, `ur` or `ps`; empty or %NULL follows the system
 *
 * Sets the language of every string translated from now on, and the default text direction
 * (right to left for Urdu and Pashto). Call it before building the widgets that should speak it.
 */
void
ks_language_apply (const char *code)
{
  const KsLanguage *language = ks_language_lookup (code);
  gboolean rtl;

  g_free (applied);
  applied = g_strdup (language ? language->code : "");

  if (language != NULL)
    g_setenv ("LANGUAGE", language->code, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  if (locale_is_plain_c (setlocale (LC_ALL, "")) ||
      locale_is_plain_c (setlocale (LC_MESSAGES, NULL)))
    setlocale (LC_ALL, "C.UTF-8");

  if (language != NULL)
    rtl = language->rtl;
  else
    rtl = gtk_get_locale_direction () == GTK_TEXT_DIR_RTL;
  gtk_widget_set_default_direction (rtl ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR);
}

/**
 * ks_language_get_applied:
 *
 * Returns: the code last given to ks_language_apply(), or "" when it follows the system
 */
const char *
ks_language_get_applied (void)
{
  return applied ? applied : "";
}

gboolean
ks_language_applied_is_rtl (void)
{
  return gtk_widget_get_default_direction () == GTK_TEXT_DIR_RTL;
}
