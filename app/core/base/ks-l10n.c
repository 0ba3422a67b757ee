/* ks-l10n.c: the station's languages, bidirectional text and dates as operators read them
 *
 * Urdu and Pashto run right to left, but a CNIC, a phone number or a Khyber Pass ID inside an
 * Urdu sentence must still read left to right, digit groups and dashes in their places: the
 * Unicode bidi algorithm would otherwise move the dashes ("12345-1234567-1" shows as
 * "1-1234567-12345"). First-strong isolates (U+2066 … U+2069) keep such a value in one piece
 * whatever surrounds it, and are invisible in English.
 *
 * Dates: people read and type one format everywhere, day first as on the CNIC (DD-MM-YYYY, with
 * HH:MM for a moment); only storage and the wire keep ISO 8601. Every date a person sees is
 * made here, so the rule lives in one place (tools/check-dates fails on a date format written
 * anywhere else).
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
 * @iso_date: (nullable): `YYYY-MM-DD` as records keep dates, or `YYYYMMDD` as Claim 169
 *   credentials do
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
  if (strlen (iso_date) == 8 && strspn (iso_date, "0123456789") == 8)
    {
      if (sscanf (iso_date, "%4u%2u%2u", &y, &m, &d) != 3)
        return g_strdup (iso_date);
    }
  else if (strlen (iso_date) != 10 ||
           sscanf (iso_date, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return g_strdup (iso_date);
  if (!g_date_valid_dmy (d, m, y))
    return g_strdup (iso_date);

  date = g_date_new_dmy (d, m, y);
  return ks_format_date (date);
}

/**
 * ks_format_day:
 * @when: (nullable): a moment, in the time zone it should be read in
 *
 * Returns: (transfer full): its day as `DD-MM-YYYY`; "" for %NULL
 */
char *
ks_format_day (GDateTime *when)
{
  if (when == NULL)
    return g_strdup ("");
  return g_strdup_printf ("%02d-%02d-%04d", g_date_time_get_day_of_month (when),
                          g_date_time_get_month (when), g_date_time_get_year (when));
}

/**
 * ks_format_day_time:
 * @when: (nullable): a moment, in the time zone it should be read in
 *
 * Returns: (transfer full): `DD-MM-YYYY HH:MM` (24-hour clock); "" for %NULL
 */
char *
ks_format_day_time (GDateTime *when)
{
  g_autofree char *day = ks_format_day (when);

  if (when == NULL)
    return g_steal_pointer (&day);
  return g_strdup_printf ("%s %02d:%02d", day, g_date_time_get_hour (when),
                          g_date_time_get_minute (when));
}

/**
 * ks_format_unix_day:
 * @unix_seconds: seconds since 1970 (UTC), as cards and credentials keep their dates
 *
 * Returns: (transfer full): the UTC day as `DD-MM-YYYY`
 */
char *
ks_format_unix_day (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  return ks_format_day (dt);
}

static gboolean
parse_part (const char *s,
            gsize       min_len,
            gsize       max_len,
            guint      *value)
{
  gsize len = strlen (s);
  guint v = 0;

  if (len < min_len || len > max_len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (guint)(s[i] - '0');
    }
  *value = v;
  return TRUE;
}

/**
 * ks_split_date:
 * @text: three groups of ASCII digits with `-`, `/` or `.` between them, no spaces
 * @order: which group is the day: day first as people type, or year first as stored
 * @day: (out): the day, as written (it may not exist: 31 in February)
 * @month: (out): the month, as written (it may be 13)
 * @year: (out): the year, four digits
 *
 * The shape of a date only; ks_parse_date() also checks it is in the calendar.
 *
 * Returns: %TRUE if @text has the shape of a date in @order
 */
gboolean
ks_split_date (const char *text,
               KsDateOrder order,
               guint      *day,
               guint      *month,
               guint      *year)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) parts = NULL;
  gboolean day_first = order == KS_DATE_DAY_FIRST;

  g_return_val_if_fail (day != NULL && month != NULL && year != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  copy = g_strdup (text);
  /* The stored form has dashes only. */
  if (day_first)
    for (char *p = copy; *p; p++)
      if (*p == '/' || *p == '.')
        *p = '-';
  parts = g_strsplit (copy, "-", -1);
  return g_strv_length (parts) == 3 &&
         parse_part (parts[day_first ? 0 : 2], 1, 2, day) &&
         parse_part (parts[1], 1, 2, month) &&
         parse_part (parts[day_first ? 2 : 0], 4, 4, year);
}

/**
 * ks_parse_date:
 * @text: a date as typed: `DD-MM-YYYY`, or with `/` or `.` between the parts as the CNIC and
 *   older forms print it (ASCII digits, no spaces)
 * @date: (out caller-allocates): the date, when it exists in the calendar
 *
 * The day always comes first: `03-04-1990` is the 3rd of April. A year-first `YYYY-MM-DD` is
 * the storage form, not a person's, and is refused here.
 *
 * Returns: %TRUE if @text is such a date and it exists
 */
gboolean
ks_parse_date (const char *text,
               GDate      *date)
{
  guint d, m, y;

  g_return_val_if_fail (date != NULL, FALSE);

  g_date_clear (date, 1);
  if (!ks_split_date (text, KS_DATE_DAY_FIRST, &d, &m, &y) || y < 1 ||
      !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  g_date_set_dmy (date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  return TRUE;
}

/**
 * ks_localized_name:
 * @name_en: the English name
 * @name_ur: (nullable): the Urdu name
 * @name_ps: (nullable): the Pashto name
 * @language: (nullable): `en`, `ur`, `ps` (a locale works too); %NULL for ks_ui_language()
 *
 * Reference data (districts, tehsils, divisions) carries a name per language.
 *
 * Returns: (transfer none): the name in @language, falling back to Urdu for Pashto and to
 *   English when that one is missing
 */
const char *
ks_localized_name (const char *name_en,
                   const char *name_ur,
                   const char *name_ps,
                   const char *language)
{
  const KsLanguage *lang = ks_language_lookup (language ? language : ks_ui_language ());

  if (lang == NULL || g_str_equal (lang->code, "en"))
    return name_en;
  if (g_str_equal (lang->code, "ps") && name_ps != NULL && *name_ps != '\0')
    return name_ps;
  if (name_ur != NULL && *name_ur != '\0')
    return name_ur;
  return name_en;
}

/**
 * ks_ui_language:
 *
 * The language gettext translates into now: the first of `LANGUAGE` (which the station sets
 * when an operator picks a language), else the message locale.
 *
 * Returns: (transfer none): `en`, `ur` or `ps`
 */
const char *
ks_ui_language (void)
{
  const char *env = g_getenv ("LANGUAGE");
  const KsLanguage *lang = NULL;

  if (env != NULL && *env != '\0')
    {
      g_autofree char *first = g_strndup (env, strcspn (env, ":"));

      lang = ks_language_lookup (first);
    }
  if (lang == NULL)
    {
      const char *const *names = g_get_language_names ();

      for (guint i = 0; names[i] != NULL && lang == NULL; i++)
        lang = ks_language_lookup (names[i]);
    }
  return lang ? lang->code : "en";
}
