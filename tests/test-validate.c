/* test-validate.c: the enrollment form's field checks, valid and invalid tables for each rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-record.h"
#include "ks-record-validate.h"
#include "ks-validate.h"

/* One row of a table: what was typed, the verdict, the error code (0 for none) and the stored
 * value (NULL when nothing may be stored). */
typedef struct
{
  const char *input;
  KsValidateResult result;
  int code;
  const char *normalized;
} Case;

typedef KsValidateResult (*Validator) (const char   *input,
                                       gconstpointer data,
                                       char        **normalized,
                                       GError      **error);

static void
run_cases (const char   *what,
           const Case   *cases,
           guint         n_cases,
           Validator     validate,
           gconstpointer data)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;
      g_autofree char *shown = NULL;
      KsValidateResult result;

      if (cases[i].input != NULL)
        shown = g_utf8_validate (cases[i].input, -1, NULL) ? g_strdup (cases[i].input)
                                                           : g_strescape (cases[i].input, "");

      g_test_message ("%s: %s", what, shown ? shown : "(null)");
      result = validate (cases[i].input, data, &normalized, &error);
      g_assert_cmpint (result, ==, cases[i].result);
      if (cases[i].code == 0)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, KS_VALIDATE_ERROR, cases[i].code);
          /* Every message tells the operator something, and never leaks a format directive. */
          g_assert_cmpuint (strlen (error->message), >, 20);
          g_assert_null (strstr (error->message, "%"));
        }
      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  KsIdNumberKind kind;
  KsGender gender;
} IdParams;

static KsValidateResult
validate_id (const char   *input,
             gconstpointer data,
             char        **normalized,
             GError      **error)
{
  const IdParams *p = data;
  return ks_validate_id_number (input, p->kind, p->gender, normalized, error);
}

static void
test_validate_id_number (void)
{
  static const Case any_gender[] = {
    { "17301-1234567-1", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "1730112345671", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "  17301 1234567 1 ", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "17301-12345671", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "۱۷۳۰۱-۱۲۳۴۵۶۷-۲", KS_VALIDATE_OK, 0, "17301-1234567-2" },
    { "١٧٣٠١١٢٣٤٥٦٧٢", KS_VALIDATE_OK, 0, "17301-1234567-2" },
    /* Former FATA numbers are KP residents: no warning. */
    { "21102-7654321-3", KS_VALIDATE_OK, 0, "21102-7654321-3" },
    { "35202-1234567-1", KS_VALIDATE_WARNING, KS_VALIDATE_WARNING_OTHER_PROVINCE,
      "35202-1234567-1" },
    { "42101-1234567-2", KS_VALIDATE_WARNING, KS_VALIDATE_WARNING_OTHER_PROVINCE,
      "42101-1234567-2" },
    { "81302-1234567-2", KS_VALIDATE_WARNING, KS_VALIDATE_WARNING_OTHER_PROVINCE,
      "81302-1234567-2" },
    { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { " - ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "17301-123456-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "17301", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "173011234567812", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "17301-12345678-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "173011-234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "1730-11234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "17301--1234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "17301-1234567-1-", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "17301-1234567-1x", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "17301/1234567/1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "A7301-1234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "07301-1234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "00000-0000000-0", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "1111111111111", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "\xff\xfe", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
  };
  static const Case male[] = {
    { "17301-1234567-1", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "17301-1234567-9", KS_VALIDATE_OK, 0, "17301-1234567-9" },
    { "17301-1234567-2", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GENDER_MISMATCH, NULL },
    { "17301-1234567-0", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GENDER_MISMATCH, NULL },
  };
  static const Case female[] = {
    { "17301-1234567-2", KS_VALIDATE_OK, 0, "17301-1234567-2" },
    { "17301-1234567-8", KS_VALIDATE_OK, 0, "17301-1234567-8" },
    { "17301-1234567-1", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GENDER_MISMATCH, NULL },
    /* The gender check comes after the province: a Punjab number of the wrong parity is an
     * error, not a warning. */
    { "35202-1234567-7", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GENDER_MISMATCH, NULL },
  };
  static const Case transgender[] = {
    { "17301-1234567-1", KS_VALIDATE_OK, 0, "17301-1234567-1" },
    { "17301-1234567-2", KS_VALIDATE_OK, 0, "17301-1234567-2" },
  };
  IdParams p = { KS_ID_NUMBER_CNIC, KS_GENDER_UNSPECIFIED };

  run_cases ("cnic", any_gender, G_N_ELEMENTS (any_gender), validate_id, &p);
  p.kind = KS_ID_NUMBER_BFORM;
  run_cases ("b-form", any_gender, G_N_ELEMENTS (any_gender), validate_id, &p);
  p.gender = KS_GENDER_MALE;
  run_cases ("male", male, G_N_ELEMENTS (male), validate_id, &p);
  p.gender = KS_GENDER_FEMALE;
  run_cases ("female", female, G_N_ELEMENTS (female), validate_id, &p);
  p.gender = KS_GENDER_TRANSGENDER;
  run_cases ("transgender", transgender, G_N_ELEMENTS (transgender), validate_id, &p);
}

/* The operator reads which province, which field and which digit the problem is about. */
static void
test_validate_id_number_messages (void)
{
  static const struct {
    const char *input;
    const char *province;
  } provinces[] = {
    { "35202-1234567-1", "Punjab" },
    { "42101-1234567-1", "Sindh" },
    { "54400-1234567-1", "Balochistan" },
    { "61101-1234567-1", "Islamabad" },
    { "71501-1234567-1", "Gilgit-Baltistan" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (provinces); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      g_assert_cmpint (ks_validate_id_number (provinces[i].input, KS_ID_NUMBER_CNIC,
                                              KS_GENDER_MALE, &normalized, &error),
                       ==, KS_VALIDATE_WARNING);
      g_assert_nonnull (strstr (error->message, provinces[i].province));
      g_assert_cmpstr (ks_id_number_province_name (normalized), ==, provinces[i].province);
    }
  g_assert_cmpstr (ks_id_number_province_name ("17301-1234567-1"), ==, "Khyber Pakhtunkhwa");
  g_assert_null (ks_id_number_province_name ("91302-1234567-1"));

  {
    g_autoptr(GError) error = NULL;
    ks_validate_id_number ("17301-1234567-4", KS_ID_NUMBER_CNIC, KS_GENDER_MALE, NULL, &error);
    g_assert_nonnull (strstr (error->message, "ends in 4"));
  }
  {
    g_autoptr(GError) error = NULL;
    ks_validate_id_number ("", KS_ID_NUMBER_BFORM, KS_GENDER_MALE, NULL, &error);
    g_assert_nonnull (strstr (error->message, "B-form"));
  }
  {
    g_autoptr(GError) error = NULL;
    ks_validate_id_number ("1730112345", KS_ID_NUMBER_GUARDIAN_CNIC, KS_GENDER_MALE, NULL,
                           &error);
    g_assert_nonnull (strstr (error->message, "guardian"));
    g_assert_nonnull (strstr (error->message, "10 digits"));
  }
}

/* ------------------------------------------------------------------------------------------ */

static KsValidateResult
validate_latin (const char   *input,
                gconstpointer data,
                char        **normalized,
                GError      **error)
{
  return ks_validate_name_latin (input, GPOINTER_TO_INT (data), normalized, error);
}

static KsValidateResult
validate_urdu (const char   *input,
               gconstpointer data,
               char        **normalized,
               GError      **error)
{
  return ks_validate_name_urdu (input, GPOINTER_TO_INT (data), normalized, error);
}

static void
test_validate_name_latin (void)
{
  g_autofree char *max = g_strnfill (KS_NAME_MAX_CHARS, 'a');
  g_autofree char *over = g_strnfill (KS_NAME_MAX_CHARS + 1, 'a');
  const Case cases[] = {
    { "Muhammad Ali", KS_VALIDATE_OK, 0, "Muhammad Ali" },
    { "  muhammad   ali\tkhan ", KS_VALIDATE_OK, 0, "muhammad ali khan" },
    { "M. Ali Khan", KS_VALIDATE_OK, 0, "M. Ali Khan" },
    { "Abdul-Rehman", KS_VALIDATE_OK, 0, "Abdul-Rehman" },
    { "O'Brien", KS_VALIDATE_OK, 0, "O'Brien" },
    { "D’Souza", KS_VALIDATE_OK, 0, "D'Souza" },
    { "Al", KS_VALIDATE_OK, 0, "Al" },
    { max, KS_VALIDATE_OK, 0, max },
    { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "   ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "A", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "A.", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { over, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "Ali2", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "Ali ۲", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "Ali@Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "Ali\x01Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "Zoë", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "محمد علی", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_WRONG_SCRIPT, NULL },
    { ".Ali", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "-Ali", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "Ali..Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "Ali-'Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
  };

  run_cases ("full name", cases, G_N_ELEMENTS (cases), validate_latin,
             GINT_TO_POINTER (KS_NAME_FIELD_FULL_NAME));
  run_cases ("father", cases, G_N_ELEMENTS (cases), validate_latin,
             GINT_TO_POINTER (KS_NAME_FIELD_FATHER_OR_HUSBAND));

  {
    g_autoptr(GError) error = NULL;
    ks_validate_name_latin ("", KS_NAME_FIELD_FATHER_OR_HUSBAND, NULL, &error);
    g_assert_nonnull (strstr (error->message, "father’s or husband’s name"));
  }
}

static void
test_validate_name_urdu (void)
{
  GString *max = g_string_new (NULL);
  g_autofree char *max_s = NULL;
  g_autofree char *over_s = NULL;

  for (guint i = 0; i < KS_NAME_MAX_CHARS; i++)
    g_string_append (max, "ب");
  max_s = g_strdup (max->str);
  g_string_append (max, "ب");
  over_s = g_string_free (max, FALSE);

  {
    const Case cases[] = {
      { "محمد علی", KS_VALIDATE_OK, 0, "محمد علی" },
      { "  محمد   علی  ", KS_VALIDATE_OK, 0, "محمد علی" },
      /* Urdu letters beyond Arabic, and Pashto's own. */
      { "ٹڈڑںہھےۓیکگ", KS_VALIDATE_OK, 0, "ٹڈڑںہھےۓیکگ" },
      { "ټډړږښګڼۍې", KS_VALIDATE_OK, 0, "ټډړږښګڼۍې" },
      { "آمنہ بی بی", KS_VALIDATE_OK, 0, "آمنہ بی بی" },
      { "ګل ښکلې", KS_VALIDATE_OK, 0, "ګل ښکلې" },
      { "مُحَمَّد", KS_VALIDATE_OK, 0, "مُحَمَّد" },
      /* The zero-width non-joiner stays between letters and goes everywhere else. */
      { "عبد\u200Cالله", KS_VALIDATE_OK, 0, "عبد\u200Cالله" },
      { "\u200Cعلی\u200C", KS_VALIDATE_OK, 0, "علی" },
      { "علی \u200Cخان", KS_VALIDATE_OK, 0, "علی خان" },
      { "علی\u200C\u200Cخان", KS_VALIDATE_OK, 0, "علی\u200Cخان" },
      { "علی \u200C خان", KS_VALIDATE_OK, 0, "علی خان" },
      { "\u200C علی", KS_VALIDATE_OK, 0, "علی" },
      { "علی \u200C", KS_VALIDATE_OK, 0, "علی" },
      /* The Arabic kaf becomes the Urdu one. */
      { "كريم", KS_VALIDATE_OK, 0, "کريم" },
      { max_s, KS_VALIDATE_OK, 0, max_s },
      { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
      { " \u200C ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
      { "ع", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
      { over_s, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
      { "Ali Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_WRONG_SCRIPT, NULL },
      { "علی Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_WRONG_SCRIPT, NULL },
      { "علی2", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "علی۲", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "علی۔", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "علی.", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "ـعلی", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "ُعلی", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "علی ُخان", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
      { "علی\u200Dخان", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    };

    run_cases ("urdu name", cases, G_N_ELEMENTS (cases), validate_urdu,
               GINT_TO_POINTER (KS_NAME_FIELD_FULL_NAME));
    run_cases ("urdu father", cases, G_N_ELEMENTS (cases), validate_urdu,
               GINT_TO_POINTER (KS_NAME_FIELD_FATHER_OR_HUSBAND));
  }
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  const char *input;
  KsValidateResult result;
  int code;
  const char *normalized;
  int age;
} DateCase;

static void
test_validate_date_of_birth (void)
{
  static const DateCase cases[] = {
    { "1990-07-25", KS_VALIDATE_OK, 0, "1990-07-25", 36 },
    { " 1990-7-5 ", KS_VALIDATE_OK, 0, "1990-07-05", 36 },
    { "25-07-1990", KS_VALIDATE_OK, 0, "1990-07-25", 36 },
    { "25/07/1990", KS_VALIDATE_OK, 0, "1990-07-25", 36 },
    { "25.07.1990", KS_VALIDATE_OK, 0, "1990-07-25", 36 },
    { "۱۹۹۰-۰۷-۲۵", KS_VALIDATE_OK, 0, "1990-07-25", 36 },
    { "2000-02-29", KS_VALIDATE_OK, 0, "2000-02-29", 26 },
    { "2026-11-26", KS_VALIDATE_OK, 0, "2026-11-26", 0 },
    { "2008-11-26", KS_VALIDATE_OK, 0, "2008-11-26", 18 },
    { "2008-11-27", KS_VALIDATE_OK, 0, "2008-11-27", 17 },
    { "1906-11-26", KS_VALIDATE_OK, 0, "1906-11-26", 120 },
    { "1905-11-27", KS_VALIDATE_OK, 0, "1905-11-27", 120 },
    { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL, -1 },
    { "  ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL, -1 },
    { "1990-13-01", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_DATE, NULL, -1 },
    { "1990-00-10", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_DATE, NULL, -1 },
    { "2001-02-29", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_DATE, NULL, -1 },
    { "1990-04-31", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_DATE, NULL, -1 },
    { "0000-01-01", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_DATE, NULL, -1 },
    { "2026-11-27", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_FUTURE_DATE, NULL, -1 },
    { "2100-01-01", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_FUTURE_DATE, NULL, -1 },
    { "1905-11-26", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_OLD, NULL, -1 },
    { "90-07-25", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL, -1 },
    { "1990-07", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL, -1 },
    { "1990-07-25x", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL, -1 },
    { "1990-07-255", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL, -1 },
    { "yesterday", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL, -1 },
  };
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 26, G_DATE_NOVEMBER, 2026);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;
      int age = -1;

      g_test_message ("date of birth: “%s”", cases[i].input ? cases[i].input : "(null)");
      g_assert_cmpint (ks_validate_date_of_birth (cases[i].input, &today, &normalized, &age,
                                                  &error), ==, cases[i].result);
      if (cases[i].code == 0)
        g_assert_no_error (error);
      else
        g_assert_error (error, KS_VALIDATE_ERROR, cases[i].code);
      g_assert_cmpstr (normalized, ==, cases[i].normalized);
      g_assert_cmpint (age, ==, cases[i].age);
    }

  /* Without a date given, today's: a date of birth tomorrow is always refused. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
    g_autofree char *s = g_date_time_format (tomorrow, "%Y-%m-%d");
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (ks_validate_date_of_birth (s, NULL, NULL, NULL, &error), ==,
                     KS_VALIDATE_INVALID);
    g_assert_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_FUTURE_DATE);
  }
}

/* The CNIC example in a message is isolated left to right, so it reads 12345-1234567-1 inside
 * Urdu and Pashto sentences too (Pashto showed "1-1234567-12345"). */
static void
test_validate_cnic_example_isolated (void)
{
  static const char *const inputs[] = { "", "1730-11234567-1" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (ks_validate_id_number (inputs[i], KS_ID_NUMBER_CNIC, KS_GENDER_MALE, NULL,
                                              &error), ==, KS_VALIDATE_INVALID);
      g_assert_nonnull (strstr (error->message,
                                "\xe2\x81\xa6" "12345-1234567-1" "\xe2\x81\xa9"));
    }
}

/* Messages show dates the way people type them, day first, never year first (issue 15). */
static void
test_validate_date_messages (void)
{
  static const struct {
    const char *input;
    const char *shown;
  } cases[] = {
    { "", "25-07-1990" },             /* the example */
    { "yesterday", "25-07-1990" },
    { "31-02-1990", "31-02-1990" },
    { "1990-02-31", "31-02-1990" },
    { "03-12-2027", "03-12-2027" },   /* in the future */
    { "2027-12-03", "03-12-2027" },
  };
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 26, G_DATE_NOVEMBER, 2026);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRegex) year_first = g_regex_new ("[0-9]{4}-[0-9]{2}-[0-9]{2}", 0, 0, NULL);

      g_assert_cmpint (ks_validate_date_of_birth (cases[i].input, &today, NULL, NULL, &error), ==,
                       KS_VALIDATE_INVALID);
      g_test_message ("“%s”: %s", cases[i].input, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].shown));
      g_assert_false (g_regex_match (year_first, error->message, 0, NULL));
      g_assert_null (strstr (error->message, "year-month-day"));
    }
}

/* A date of birth a person types is day first: year first (1990-07-25) is refused with the
 * DD-MM-YYYY example, in the validator and in a record filled as the wizard fills it; once
 * the wizard has stored it as YYYY-MM-DD, that form passes (issue 15). */
static void
test_validate_typed_date_of_birth (void)
{
  static const char *const refused[] = { "1990-07-25", " 1990-07-25 ", "1990-7-5", "1990-02-31" };
  g_autoptr(KsRecord) record = ks_record_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  GDate today;

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 26, G_DATE_NOVEMBER, 2026);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) local_error = NULL;

      g_assert_cmpint (ks_validate_typed_date_of_birth (refused[i], &today, NULL, NULL,
                                                        &local_error), ==, KS_VALIDATE_INVALID);
      g_test_message ("“%s”: %s", refused[i], local_error->message);
      g_assert_error (local_error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT);
      g_assert_nonnull (strstr (local_error->message, "DD-MM-YYYY"));
      g_assert_nonnull (strstr (local_error->message, "25-07-1990"));
    }
  g_assert_cmpint (ks_validate_typed_date_of_birth ("25-07-1990", &today, &normalized, NULL,
                                                    NULL), ==, KS_VALIDATE_OK);
  g_assert_cmpstr (normalized, ==, "1990-07-25");

  /* The record, as the wizard fills it. */
  ks_record_set_typed (record, KS_FIELD_ID_KIND, "cnic");
  ks_record_set_typed (record, KS_FIELD_DATE_OF_BIRTH, "1990-07-25");
  g_assert_true (ks_record_is_typed (record, KS_FIELD_DATE_OF_BIRTH));
  g_assert_false (ks_record_validate (record, KS_FIELD_DATE_OF_BIRTH, KS_FIELD_DATE_OF_BIRTH,
                                      NULL, &today, TRUE, NULL, &error));
  g_assert_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT);
  g_assert_nonnull (strstr (error->message, "25-07-1990"));
  g_clear_error (&error);
  ks_record_set_typed (record, KS_FIELD_DATE_OF_BIRTH, "25-07-1990");
  g_assert_true (ks_record_validate (record, KS_FIELD_DATE_OF_BIRTH, KS_FIELD_DATE_OF_BIRTH,
                                     NULL, &today, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ks_record_get (record, KS_FIELD_DATE_OF_BIRTH), ==, "1990-07-25");
  g_assert_false (ks_record_is_typed (record, KS_FIELD_DATE_OF_BIRTH));
  /* Stored, it is checked again (submit, sync) and passes. */
  g_assert_true (ks_record_validate (record, KS_FIELD_DATE_OF_BIRTH, KS_FIELD_DATE_OF_BIRTH,
                                     NULL, &today, TRUE, NULL, &error));
  g_assert_no_error (error);
}

static void
test_validate_age (void)
{
  static const struct {
    guint by, bm, bd, ty, tm, td;
    int age;
  } cases[] = {
    { 1990, 7, 25, 2026, 7, 24, 35 },
    { 1990, 7, 25, 2026, 7, 25, 36 },
    { 2000, 2, 29, 2001, 2, 28, 0 },
    { 2000, 2, 29, 2001, 3, 1, 1 },
    { 2000, 2, 29, 2004, 2, 29, 4 },
    { 2008, 12, 31, 2026, 12, 30, 17 },
    { 2008, 12, 31, 2026, 12, 31, 18 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GDate birth, today;

      g_date_clear (&birth, 1);
      g_date_clear (&today, 1);
      g_date_set_dmy (&birth, cases[i].bd, cases[i].bm, cases[i].by);
      g_date_set_dmy (&today, cases[i].td, cases[i].tm, cases[i].ty);
      g_assert_cmpint (ks_age_on (&birth, &today), ==, cases[i].age);
    }

  g_assert_true (ks_age_requires_guardian (0));
  g_assert_true (ks_age_requires_guardian (17));
  g_assert_false (ks_age_requires_guardian (18));
  g_assert_false (ks_age_requires_guardian (60));
}

static void
test_validate_guardian (void)
{
  static const struct {
    int age;
    const char *cnic;
    const char *name;
    KsValidateResult result;
    int code;
    const char *out_cnic;
    const char *out_name;
  } cases[] = {
    { 30, NULL, NULL, KS_VALIDATE_OK, 0, NULL, NULL },
    { 18, "garbage", "", KS_VALIDATE_OK, 0, NULL, NULL },
    { 17, "1730112345671", " Ali   Khan ", KS_VALIDATE_OK, 0, "17301-1234567-1", "Ali Khan" },
    { 0, "17301-1234567-2", "Sara Bibi", KS_VALIDATE_OK, 0, "17301-1234567-2", "Sara Bibi" },
    { 5, "35202-1234567-2", "Sara Bibi", KS_VALIDATE_WARNING,
      KS_VALIDATE_WARNING_OTHER_PROVINCE, "35202-1234567-2", "Sara Bibi" },
    { 10, NULL, NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GUARDIAN_REQUIRED, NULL, NULL },
    { 17, "17301-1234567-1", "  ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GUARDIAN_REQUIRED,
      NULL, NULL },
    { 17, "", "Ali Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_GUARDIAN_REQUIRED, NULL,
      NULL },
    { 17, "17301-1234567-x", "Ali Khan", KS_VALIDATE_INVALID,
      KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL, NULL },
    { 17, "07301-1234567-1", "Ali Khan", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER,
      NULL, NULL },
    { 17, "17301-1234567-1", "Ali2", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER,
      NULL, NULL },
    { 17, "35202-1234567-1", "Ali2", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER,
      NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *cnic = NULL;
      g_autofree char *name = NULL;

      g_test_message ("guardian: %d “%s” “%s”", cases[i].age, cases[i].cnic, cases[i].name);
      g_assert_cmpint (ks_validate_guardian (cases[i].age, cases[i].cnic, cases[i].name, &cnic,
                                             &name, &error), ==, cases[i].result);
      if (cases[i].code == 0)
        g_assert_no_error (error);
      else
        g_assert_error (error, KS_VALIDATE_ERROR, cases[i].code);
      g_assert_cmpstr (cnic, ==, cases[i].out_cnic);
      g_assert_cmpstr (name, ==, cases[i].out_name);
    }
}

/* ------------------------------------------------------------------------------------------ */

static void
test_validate_gender (void)
{
  static const struct {
    KsGender gender;
    const char *id;
  } cases[] = {
    { KS_GENDER_MALE, "male" },
    { KS_GENDER_FEMALE, "female" },
    { KS_GENDER_TRANSGENDER, "transgender" },
  };
  static const char *bad[] = { NULL, "", "Male", "m", "other" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      KsGender g = KS_GENDER_UNSPECIFIED;

      g_assert_cmpstr (ks_gender_to_id (cases[i].gender), ==, cases[i].id);
      g_assert_true (ks_gender_from_id (cases[i].id, &g));
      g_assert_cmpint (g, ==, cases[i].gender);
      g_assert_cmpstr (ks_gender_get_label (cases[i].gender), !=, "");
      g_assert_cmpstr (ks_gender_get_label (cases[i].gender), !=,
                       ks_gender_get_label (KS_GENDER_UNSPECIFIED));
    }
  g_assert_null (ks_gender_to_id (KS_GENDER_UNSPECIFIED));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      KsGender g = KS_GENDER_FEMALE;

      g_assert_false (ks_gender_from_id (bad[i], &g));
      g_assert_cmpint (g, ==, KS_GENDER_UNSPECIFIED);
    }
}

static KsValidateResult
validate_mobile (const char   *input,
                 gconstpointer data,
                 char        **normalized,
                 GError      **error)
{
  return ks_validate_mobile (input, normalized, error);
}

static void
test_validate_mobile (void)
{
  static const Case cases[] = {
    { "0300-1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "03001234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "+923001234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "+92 300 1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "+92-300-1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "00923001234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "0092 300 1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "923001234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "+92 0300 1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { "0092-0300-1234567", KS_VALIDATE_OK, 0, "+923001234567" },
    { " 0300 123 4567 ", KS_VALIDATE_OK, 0, "+923001234567" },
    { "(0345) 9876543", KS_VALIDATE_OK, 0, "+923459876543" },
    { "3459876543", KS_VALIDATE_OK, 0, "+923459876543" },
    { "۰۳۰۰۱۲۳۴۵۶۷", KS_VALIDATE_OK, 0, "+923001234567" },
    { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { " ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "0300-123456", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "0300-12345678", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "+92300123456789", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "+14155552671", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "091-1234567", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "+92 91 5701234", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_NUMBER, NULL },
    { "0300-1234567a", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "03+001234567", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "0300.1234567", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
  };
  static const struct {
    const char *e164;
    const char *international;
    const char *national;
  } formats[] = {
    { "+923001234567", "+92 300 1234567", "0300-1234567" },
    { "+923459876543", "+92 345 9876543", "0345-9876543" },
    { "+92300123456", NULL, NULL },
    { "+92300123456a", NULL, NULL },
    { "03001234567", NULL, NULL },
    { "+929001234567", NULL, NULL },
  };

  run_cases ("mobile", cases, G_N_ELEMENTS (cases), validate_mobile, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *intl = ks_mobile_format (formats[i].e164, KS_MOBILE_STYLE_INTERNATIONAL);
      g_autofree char *nat = ks_mobile_format (formats[i].e164, KS_MOBILE_STYLE_NATIONAL);
      g_autofree char *again = NULL;

      g_assert_cmpstr (intl, ==, formats[i].international);
      g_assert_cmpstr (nat, ==, formats[i].national);
      if (nat == NULL)
        continue;

      /* What is displayed reads back as the same stored number. */
      g_assert_cmpint (ks_validate_mobile (nat, &again, NULL), ==, KS_VALIDATE_OK);
      g_assert_cmpstr (again, ==, formats[i].e164);
      g_clear_pointer (&again, g_free);
      g_assert_cmpint (ks_validate_mobile (intl, &again, NULL), ==, KS_VALIDATE_OK);
      g_assert_cmpstr (again, ==, formats[i].e164);
    }
}

static KsValidateResult
validate_email (const char   *input,
                gconstpointer data,
                char        **normalized,
                GError      **error)
{
  return ks_validate_email (input, normalized, error);
}

static void
test_validate_email (void)
{
  g_autofree char *long_local = g_strnfill (65, 'a');
  g_autofree char *too_long_local = g_strconcat (long_local, "@example.com", NULL);
  g_autofree char *label = g_strnfill (63, 'b');
  g_autofree char *too_long = g_strdup_printf ("a@%s.%s.%s.%s.com", label, label, label, label);
  const Case cases[] = {
    { NULL, KS_VALIDATE_OK, 0, "" },
    { "", KS_VALIDATE_OK, 0, "" },
    { "   ", KS_VALIDATE_OK, 0, "" },
    { "ali.khan@example.com", KS_VALIDATE_OK, 0, "ali.khan@example.com" },
    { " Ali.Khan@Gmail.COM ", KS_VALIDATE_OK, 0, "Ali.Khan@gmail.com" },
    { "a+tag@mail.kp.gov.pk", KS_VALIDATE_OK, 0, "a+tag@mail.kp.gov.pk" },
    { "x_y-z@sub-domain.example.org", KS_VALIDATE_OK, 0, "x_y-z@sub-domain.example.org" },
    { "ali", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@khan@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@gmail", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@example.c", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@example.123", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@example..com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali..khan@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { ".ali@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali.@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@-example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali@exa_mple.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali(x)@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { too_long_local, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
    { "ali khan@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "علی@example.com", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { too_long, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
  };

  run_cases ("email", cases, G_N_ELEMENTS (cases), validate_email, NULL);
}

static KsValidateResult
validate_address (const char   *input,
                  gconstpointer data,
                  char        **normalized,
                  GError      **error)
{
  return ks_validate_address_line (input, GPOINTER_TO_UINT (data), normalized, error);
}

static void
test_validate_address (void)
{
  g_autofree char *max = g_strnfill (KS_ADDRESS_LINE_MAX_CHARS, 'a');
  g_autofree char *over = g_strnfill (KS_ADDRESS_LINE_MAX_CHARS + 1, 'a');
  const Case any_line[] = {
    { "House 12, Street 4, Hayatabad", KS_VALIDATE_OK, 0, "House 12, Street 4, Hayatabad" },
    { "  House   12 ", KS_VALIDATE_OK, 0, "House 12" },
    { "مکان نمبر ۱۲، گلی ۴", KS_VALIDATE_OK, 0, "مکان نمبر ۱۲، گلی ۴" },
    { "عبد\u200Cالله کالونی", KS_VALIDATE_OK, 0, "عبد\u200Cالله کالونی" },
    { max, KS_VALIDATE_OK, 0, max },
    { over, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_LONG, NULL },
    { "House\t12", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "House 12\n", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "House\x07 12", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "House \u202E21", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_CHARACTER, NULL },
    { "----", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_INVALID_FORMAT, NULL },
  };
  static const Case first_line[] = {
    { NULL, KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "  ", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_EMPTY, NULL },
    { "ab", KS_VALIDATE_INVALID, KS_VALIDATE_ERROR_TOO_SHORT, NULL },
    { "abc", KS_VALIDATE_OK, 0, "abc" },
  };
  static const Case other_line[] = {
    { NULL, KS_VALIDATE_OK, 0, "" },
    { "  ", KS_VALIDATE_OK, 0, "" },
    { "ab", KS_VALIDATE_OK, 0, "ab" },
  };

  run_cases ("address 1", any_line, G_N_ELEMENTS (any_line), validate_address,
             GUINT_TO_POINTER (1));
  run_cases ("address 2", any_line, G_N_ELEMENTS (any_line), validate_address,
             GUINT_TO_POINTER (2));
  run_cases ("address 1", first_line, G_N_ELEMENTS (first_line), validate_address,
             GUINT_TO_POINTER (1));
  run_cases ("address 3", other_line, G_N_ELEMENTS (other_line), validate_address,
             GUINT_TO_POINTER (3));
}

static void
test_validate_collapse_spaces (void)
{
  static const struct {
    const char *input;
    const char *expected;
  } cases[] = {
    { NULL, "" },
    { "", "" },
    { " \t\n ", "" },
    { "  a \t b\n c  ", "a b c" },
    { "a\u00A0\u00A0b", "a b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = ks_collapse_spaces (cases[i].input);
      g_assert_cmpstr (out, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/id-number", test_validate_id_number);
  g_test_add_func ("/validate/id-number-messages", test_validate_id_number_messages);
  g_test_add_func ("/validate/name-latin", test_validate_name_latin);
  g_test_add_func ("/validate/name-urdu", test_validate_name_urdu);
  g_test_add_func ("/validate/date-of-birth", test_validate_date_of_birth);
  g_test_add_func ("/validate/date-messages", test_validate_date_messages);
  g_test_add_func ("/validate/cnic-example-isolated", test_validate_cnic_example_isolated);
  g_test_add_func ("/validate/typed-date-of-birth", test_validate_typed_date_of_birth);
  g_test_add_func ("/validate/age", test_validate_age);
  g_test_add_func ("/validate/guardian", test_validate_guardian);
  g_test_add_func ("/validate/gender", test_validate_gender);
  g_test_add_func ("/validate/mobile", test_validate_mobile);
  g_test_add_func ("/validate/email", test_validate_email);
  g_test_add_func ("/validate/address", test_validate_address);
  g_test_add_func ("/validate/collapse-spaces", test_validate_collapse_spaces);

  return g_test_run ();
}
