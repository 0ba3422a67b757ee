/* ks-l10n.c: the station's languages, bidirectional text and dates as operators read them
 *
 * Urdu and Pashto run right to left, but a CNIC, a phone number or a Khyber Pass ID inside an
 * Urdu sentence must still read left to right, digit groups and dashes in their places: the
 * Unicode bidi algorithm would otherwise move the dashes ("12345-1234567-1" shows as
 * "1-1234567-12345"). First-strong isolates (U+2066 … U+2069) keep such a value in one piece
 * whatever surrounds it, and are invisible in English.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-l10n"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ks-l10n.h"
#include "ks-l10n-testing.h"

#define LRI "\xe2\x81\xa6"     /* U+2066 LEFT-TO-RIGHT ISOLATE */
#define PDI "\xe2\x81\xa9"     /* U+2069 POP DIRECTIONAL ISOLATE */

/* Each name is written in its own language so an operator finds theirs whatever is shown. */
static const KsLanguage languages[] = {
  { "en", "English", FALSE },
  { "ur", "اردو", TRUE },
  { "ps", "پښتو", TRUE },
};

/**
 * ks_languages_get:
 * @n_languages: (out): how many
 *
 * Returns: the languages the station speaks, English first.
 */
const KsLanguage *
ks_languages_get (guint *n_languages)
{
  g_return_val_if_fail (n_languages != NULL, NULL);

  *n_languages = G_N_ELEMENTS (languages);
  return languages;
}

/**
 * ks_language_lookup:
 * @code: (nullable): `en`, `ur` or `ps`; a locale such as `ur_PK.UTF-8` finds `ur` too
 *
 * Returns: (nullable): the language, or %NULL if the station does not speak it
 */
const KsLanguage *
ks_language_lookup (const char *code)
{
  if (code == NULL || *code == '\0')
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      gsize len = strlen (languages[i].code);

      if (strncmp (code, languages[i].code, len) == 0 &&
          (code[len] == '\0' || code[len] == '_' || code[len] == '.' || code[len] == '@'))
        return &languages[i];
    }
  return NULL;
}

gboolean
ks_language_is_rtl (const char *code)
{
  const KsLanguage *language = ks_language_lookup (code);

  return language != NULL && language->rtl;
}

/**
 * ks_bidi_isolate_ltr:
 * @text: (nullable): a value that reads left to right: a CNIC, a phone number, an ID
 *
 * Returns: (transfer full): @text between U+2066 and U+2069, for embedding in a translated
 *   sentence; "" for %NULL
 */
char *
ks_bidi_isolate_ltr (const char *text)
{
  return g_strconcat (LRI, text ? text : "", PDI, NULL);
}

/**
 * ks_format_date:
 * @date: a valid date
 *
 * Pakistani forms and NADRA cards write the day first: 26-11-2026, whatever the language.
 *
 * Returns: (transfer full): `DD-MM-YYYY`
 */
char *
ks_format_date (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%02u-%02u-%04u", g_date_get_day (date), (guint)g_date_get_month (date),
                          g_date_get_year (date));
}

/**
 * ks_format_iso_date:
 * @iso_date: (nullable): `YYYY-MM-DD`, as records and credentials keep dates
 *
 * Returns: (transfer full): `DD-MM-YYYY`, or a copy of @iso_date if it is not such a date (so
 *   a damaged value is still shown as it is, not hidden)
 */
char *
ks_format_iso_date (const char *iso_date)
{
  g_autoptr(GDate) date = NULL;
  guint y, m, d;
  char tail;

  if (iso_date == NULL)
    return g_strdup ("");
  if (sscanf (iso_date, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return g_strdup (iso_date);

  date = g_date_new_dmy (d, m, y);
  return ks_format_date (date);
}
