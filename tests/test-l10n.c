/* test-l10n.c: the language helpers: bidi isolation of numbers, dates as DD-MM-YYYY, which
 * languages run right to left
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-l10n.h"
#include "ks-l10n-testing.h"

static void
test_bidi_and_dates (void)
{
  g_autofree char *isolated = ks_bidi_isolate_ltr ("12345-1234567-1");
  g_autofree char *empty = ks_bidi_isolate_ltr (NULL);
  g_autofree char *d1 = ks_format_iso_date ("1990-05-10");
  g_autofree char *d2 = ks_format_iso_date ("1990-02-30");
  g_autofree char *d3 = ks_format_iso_date (NULL);
  g_autoptr(GDate) date = g_date_new_dmy (3, G_DATE_JANUARY, 2026);
  g_autofree char *d4 = ks_format_date (date);

  g_assert_cmpstr (isolated, ==, "\xe2\x81\xa6" "12345-1234567-1" "\xe2\x81\xa9");
  g_assert_cmpstr (empty, ==, "\xe2\x81\xa6\xe2\x81\xa9");
  g_assert_cmpstr (d1, ==, "10-05-1990");
  g_assert_cmpstr (d2, ==, "1990-02-30");     /* not a date: shown as it is */
  g_assert_cmpstr (d3, ==, "");
  g_assert_cmpstr (d4, ==, "03-01-2026");

  /* Every formatter a person's date goes through, and the parser of a typed one. */
  {
    g_autoptr(GTimeZone) pkt = g_time_zone_new_identifier ("+05:00");
    g_autoptr(GDateTime) when = g_date_time_new (pkt, 2026, 12, 3, 13, 36, 5);
    g_autofree char *day = ks_format_day (when);
    g_autofree char *day_time = ks_format_day_time (when);
    g_autofree char *unix_day = ks_format_unix_day (1796299200);   /* 2026-12-03 12:00 UTC */
    g_autofree char *claim = ks_format_iso_date ("19900315");       /* Claim 169's form */
    g_autofree char *none = ks_format_day_time (NULL);
    GDate parsed;

    g_assert_cmpstr (day, ==, "03-12-2026");
    g_assert_cmpstr (day_time, ==, "03-12-2026 13:36");
    g_assert_cmpstr (unix_day, ==, "03-12-2026");
    g_assert_cmpstr (claim, ==, "15-03-1990");
    g_assert_cmpstr (none, ==, "");

    g_assert_true (ks_parse_date ("03-04-1990", &parsed));
    g_assert_cmpint (g_date_get_day (&parsed), ==, 3);
    g_assert_cmpint (g_date_get_month (&parsed), ==, G_DATE_APRIL);
    g_assert_cmpint (g_date_get_year (&parsed), ==, 1990);
    g_assert_true (ks_parse_date ("3/4/1990", &parsed));
    g_assert_true (ks_parse_date ("03.04.1990", &parsed));
    g_assert_false (ks_parse_date ("1990-04-03", &parsed));   /* storage's form, not a person's */
    g_assert_false (ks_parse_date ("31-04-1990", &parsed));
    g_assert_false (ks_parse_date ("03-04-90", &parsed));
    g_assert_false (ks_parse_date ("03-04-1990 ", &parsed));
    g_assert_false (ks_parse_date (NULL, &parsed));
  }

  /* Reference names follow the language, Pashto falling back to Urdu, then English. */
  g_assert_cmpstr (ks_localized_name ("Swat", "سوات", "سوات", "en"), ==, "Swat");
  g_assert_cmpstr (ks_localized_name ("Bannu", "بنوں", "بنو", "ur"), ==, "بنوں");
  g_assert_cmpstr (ks_localized_name ("Bannu", "بنوں", "بنو", "ps"), ==, "بنو");
  g_assert_cmpstr (ks_localized_name ("Bannu", "بنوں", NULL, "ps_AF"), ==, "بنوں");
  g_assert_cmpstr (ks_localized_name ("Bannu", NULL, NULL, "ur"), ==, "Bannu");

  g_assert_true (ks_language_is_rtl ("ur"));
  g_assert_true (ks_language_is_rtl ("ps_AF.UTF-8"));
  g_assert_false (ks_language_is_rtl ("en"));
  g_assert_false (ks_language_is_rtl ("urd"));
  g_assert_null (ks_language_lookup ("fr"));
  g_assert_cmpstr (ks_language_lookup ("ur_PK")->native_name, ==, "اردو");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/l10n/bidi-and-dates", test_bidi_and_dates);
  return g_test_run ();
}
