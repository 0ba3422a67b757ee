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
