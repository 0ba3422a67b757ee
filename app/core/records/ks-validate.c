/* ks-validate.c: checks and normalisers for the enrollment form's fields
 *
 * Every validator takes what the operator typed, returns OK / WARNING / INVALID, and on INVALID
 * (or WARNING) fills a GError whose message says what is wrong and how to fix it, in words an
 * operator at a counter understands. On success the normalised value is what gets stored: the
 * same person typed twice must produce the same bytes, so dashes, spaces, Urdu digits and the
 * Arabic kaf are all folded here and nowhere else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-validate"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ks-l10n.h"
#include "ks-validate.h"

G_DEFINE_QUARK (ks-validate-error-quark, ks_validate_error)

#define ZWNJ 0x200C
#define ZWJ  0x200D

/* ------------------------------------------------------------------------------------------ */
/* Shared helpers                                                                              */

/* Keyboards set to Urdu type Extended Arabic-Indic digits (۰-۹, U+06F0), Arabic ones type
 * U+0660-U+0669: both are folded to ASCII so "۳۵۲۰۲..." is the same CNIC as "35202...". */
static gunichar
fold_digit (gunichar c)
{
  if (c >= 0x06F0 && c <= 0x06F9)
    return '0' + (c - 0x06F0);
  if (c >= 0x0660 && c <= 0x0669)
    return '0' + (c - 0x0660);
  return c;
}

static gboolean
is_any_digit (gunichar c)
{
  return fold_digit (c) != c || g_ascii_isdigit (c);
}

static char *
fold_digits (const char *input)
{
  GString *out = g_string_sized_new (strlen (input));

  for (const char *p = input; *p; p = g_utf8_next_char (p))
    g_string_append_unichar (out, fold_digit (g_utf8_get_char (p)));
  return g_string_free (out, FALSE);
}

/* How a character is named in a message: itself when visible, its code point otherwise (a
 * stray control character pasted from a spreadsheet shows as nothing at all). */
static char *
describe_char (gunichar c)
{
  char buf[8] = { 0 };

  if (g_unichar_isgraph (c))
    {
      g_unichar_to_utf8 (c, buf);
      return g_strdup_printf ("“%s”", buf);
    }
  return g_strdup_printf ("U+%04X", (guint)c);
}

/**
 * ks_collapse_spaces:
 * @input: (nullable): UTF-8 text
 *
 * Returns: @input without leading or trailing white space, each inner run of white space (tabs
 *   and line breaks included) turned into one space. %NULL gives "".
 */
char *
ks_collapse_spaces (const char *input)
{
  GString *out;
  gboolean pending_space = FALSE;

  if (input == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (input));
  for (const char *p = input; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          pending_space = out->len > 0;
          continue;
        }
      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_valid_utf8 (const char *input,
               GError    **error)
{
  if (g_utf8_validate (input, -1, NULL))
    return TRUE;
  g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                       _("The text contains damaged characters. Clear the field and type it "
                         "again."));
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Gender                                                                                      */

/**
 * ks_gender_to_id:
 *
 * Returns: the stable id stored in records (`male`, `female`, `transgender`), or %NULL for
 *   %KS_GENDER_UNSPECIFIED.
 */
const char *
ks_gender_to_id (KsGender gender)
{
  switch (gender)
    {
    case KS_GENDER_MALE:
      return "male";
    case KS_GENDER_FEMALE:
      return "female";
    case KS_GENDER_TRANSGENDER:
      return "transgender";
    case KS_GENDER_UNSPECIFIED:
    default:
      return NULL;
    }
}

/**
 * ks_gender_from_id:
 * @id: (nullable): a stable id as returned by ks_gender_to_id()
 * @gender: (out): the gender
 *
 * Returns: %FALSE (and %KS_GENDER_UNSPECIFIED) for %NULL or an unknown id.
 */
gboolean
ks_gender_from_id (const char *id,
                   KsGender   *gender)
{
  static const KsGender all[] = { KS_GENDER_MALE, KS_GENDER_FEMALE, KS_GENDER_TRANSGENDER };

  g_return_val_if_fail (gender != NULL, FALSE);

  *gender = KS_GENDER_UNSPECIFIED;
  if (id == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (id, ks_gender_to_id (all[i])))
      {
        *gender = all[i];
        return TRUE;
      }
  return FALSE;
}

/**
 * ks_gender_get_label:
 *
 * Returns: the translated label for the form.
 */
const char *
ks_gender_get_label (KsGender gender)
{
  switch (gender)
    {
    case KS_GENDER_MALE:
      return _("Male");
    case KS_GENDER_FEMALE:
      return _("Female");
    case KS_GENDER_TRANSGENDER:
      return _("Transgender");
    case KS_GENDER_UNSPECIFIED:
    default:
      return _("Not chosen");
    }
}

/* ------------------------------------------------------------------------------------------ */
/* CNIC and B-form numbers                                                                    */

/* NADRA's first digit of a CNIC/CRC number is the province of the holder's permanent address.
 * Source: the mapping published in the press from NADRA's numbering (e.g. Samaa TV 2020-01 "There
 * is a secret meaning behind your CNIC number", The News 2020-01-19 "Did you know?", both listing
 * 1 KP, 2 FATA, 3 Punjab, 4 Sindh, 5 Balochistan, 6 Islamabad; 7 Gilgit-Baltistan per several
 * explainers). 8 and 9 are not documented there, so they are reported as an unknown region
 * rather than guessed. Re-check against NADRA before deployment. */
static const char *
province_name (char first_digit)
{
  switch (first_digit)
    {
    case '1':
      return _("Khyber Pakhtunkhwa");
    case '2':
      return _("the former FATA (now Khyber Pakhtunkhwa)");
    case '3':
      return _("Punjab");
    case '4':
      return _("Sindh");
    case '5':
      return _("Balochistan");
    case '6':
      return _("Islamabad");
    case '7':
      return _("Gilgit-Baltistan");
    default:
      return NULL;
    }
}

static const char *
id_number_label (KsIdNumberKind kind)
{
  switch (kind)
    {
    case KS_ID_NUMBER_BFORM:
      return _("B-form number");
    case KS_ID_NUMBER_GUARDIAN_CNIC:
      return _("guardian’s CNIC number");
    case KS_ID_NUMBER_CNIC:
    default:
      return _("CNIC number");
    }
}

/**
 * ks_id_number_province_name:
 * @normalized: a number as returned by ks_validate_id_number()
 *
 * Returns: (nullable): the translated name of the province the number was issued in, or %NULL
 *   when its first digit is not a documented province code.
 */
const char *
ks_id_number_province_name (const char *normalized)
{
  g_return_val_if_fail (normalized != NULL, NULL);
  return province_name (normalized[0]);
}

/**
 * ks_validate_id_number:
 * @input: what was typed: 13 digits, with or without the dashes of `12345-1234567-1` (spaces are
 *   taken for dashes; Urdu digits are accepted)
 * @kind: which number the field holds (used in the messages)
 * @gender: the gender chosen on the form; the last digit is odd for a man and even for a woman.
 *   Not checked for %KS_GENDER_TRANSGENDER or %KS_GENDER_UNSPECIFIED.
 * @normalized: (out) (optional): `12345-1234567-1`
 *
 * A number from outside Khyber Pakhtunkhwa (first digit other than 1, or 2 for the merged former
 * tribal areas) is accepted with %KS_VALIDATE_WARNING_OTHER_PROVINCE naming the province: people
 * living in KP may hold a card issued elsewhere, the operator only double-checks.
 */
KsValidateResult
ks_validate_id_number (const char    *input,
                       KsIdNumberKind kind,
                       KsGender       gender,
                       char         **normalized,
                       GError       **error)
{
  g_autofree char *folded = NULL;
  char digits[14] = { 0 };
  guint n_digits = 0;
  gboolean misplaced_dash = FALSE;
  gboolean all_same = TRUE;
  const char *label = id_number_label (kind);
  const char *province;
  int last;

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  folded = fold_digits (input ? input : "");
  g_strstrip (folded);

  if (*folded == '\0')
    {
      /* The example is isolated left to right: inside Urdu or Pashto the bidi algorithm would
       * show it as "1-1234567-12345". */
      g_autofree char *example = ks_bidi_isolate_ltr ("12345-1234567-1");

      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                   _("Type the 13-digit %s, for example %s."), label, example);
      return KS_VALIDATE_INVALID;
    }

  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_ascii_isdigit (c))
        {
          if (n_digits < 13)
            digits[n_digits] = (char)c;
          n_digits++;
          continue;
        }

      if (c == '-' || c == ' ')
        {
          /* Dashes only where the card prints them; anything else is a mistyped number, not a
           * style to accept silently. Reported after the digit count: a missing digit also
           * shifts the dashes, and the digit is what the operator has to fix. */
          if (!((n_digits == 5 || n_digits == 12) && p[1] != '-' && p[1] != ' ' && p[1] != '\0'))
            misplaced_dash = TRUE;
          continue;
        }

      {
        g_autofree char *what = describe_char (c);
        g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                     _("The %s has only digits and dashes; remove %s."), label, what);
        return KS_VALIDATE_INVALID;
      }
    }

  if (n_digits != 13)
    {
      g_set_error (error, KS_VALIDATE_ERROR,
                   n_digits < 13 ? KS_VALIDATE_ERROR_TOO_SHORT : KS_VALIDATE_ERROR_TOO_LONG,
                   ngettext ("The %s has 13 digits, but %u digit was typed. Check it against "
                             "the card.",
                             "The %s has 13 digits, but %u digits were typed. Check it against "
                             "the card.", n_digits),
                   label, n_digits);
      return KS_VALIDATE_INVALID;
    }

  if (misplaced_dash)
    {
      g_autofree char *example = ks_bidi_isolate_ltr ("12345-1234567-1");

      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                   _("The dashes of the %s are in the wrong place. Type it as on the card, "
                     "%s, or as 13 digits without dashes."), label, example);
      return KS_VALIDATE_INVALID;
    }

  for (guint i = 1; i < 13; i++)
    all_same = all_same && digits[i] == digits[0];

  /* No province code is 0, and a number of one repeated digit is a placeholder someone typed to
   * get past the field, never a real card. */
  if (digits[0] == '0' || all_same)
    {
      /* The number stays in one left-to-right piece inside an Urdu or Pashto sentence. */
      g_autofree char *shown = ks_bidi_isolate_ltr (digits);

      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_NUMBER,
                   _("%s is not a real %s. Type the number printed on the card."),
                   shown, label);
      return KS_VALIDATE_INVALID;
    }

  last = digits[12] - '0';
  switch (gender)
    {
    case KS_GENDER_MALE:
      if (last % 2 == 0)
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_GENDER_MISMATCH,
                       _("A man’s %s ends in an odd digit, but this one ends in %d. Check the "
                         "number and the gender chosen."), label, last);
          return KS_VALIDATE_INVALID;
        }
      break;

    case KS_GENDER_FEMALE:
      if (last % 2 != 0)
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_GENDER_MISMATCH,
                       _("A woman’s %s ends in an even digit, but this one ends in %d. Check "
                         "the number and the gender chosen."), label, last);
          return KS_VALIDATE_INVALID;
        }
      break;

    case KS_GENDER_TRANSGENDER:
    case KS_GENDER_UNSPECIFIED:
    default:
      break;
    }

  if (normalized != NULL)
    *normalized = g_strdup_printf ("%.5s-%.7s-%c", digits, digits + 5, digits[12]);

  /* 2 (former FATA) is KP since the 25th Amendment (2018): no warning for those residents. */
  if (digits[0] == '1' || digits[0] == '2')
    return KS_VALIDATE_OK;

  province = province_name (digits[0]);
  if (province != NULL)
    g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_WARNING_OTHER_PROVINCE,
                 _("This %s was issued in %s, not in Khyber Pakhtunkhwa. Check that it is the "
                   "right number; you can continue if it is."), label, province);
  else
    g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_WARNING_OTHER_PROVINCE,
                 _("This %s starts with %c, which is not a known province code. Check it "
                   "against the card; you can continue if it matches."), label, digits[0]);
  return KS_VALIDATE_WARNING;
}

/* ------------------------------------------------------------------------------------------ */
/* Names                                                                                       */

static const char *
name_label (KsNameField field)
{
  switch (field)
    {
    case KS_NAME_FIELD_FATHER_OR_HUSBAND:
      return _("father’s or husband’s name");
    case KS_NAME_FIELD_GUARDIAN:
      return _("guardian’s name");
    case KS_NAME_FIELD_FULL_NAME:
    default:
      return _("full name");
    }
}

/* Letters of the Urdu and Pashto alphabets (and the Arabic base block they share). Kept as an
 * explicit list: the Arabic Extended blocks also hold Sindhi, Kashmiri and Arabic-only letters
 * that never appear in a KP name and usually mean a wrong keyboard layout. */
static gboolean
is_urdu_letter (gunichar c)
{
  static const gunichar extra[] = {
    0x0679, /* ٹ */ 0x067C, /* ټ */ 0x067E, /* پ */ 0x0681, /* ځ */ 0x0685, /* څ */
    0x0686, /* چ */ 0x0688, /* ڈ */ 0x0689, /* ډ */ 0x0691, /* ڑ */ 0x0693, /* ړ */
    0x0696, /* ږ */ 0x0698, /* ژ */ 0x069A, /* ښ */ 0x06A9, /* ک */ 0x06AB, /* ګ */
    0x06AF, /* گ */ 0x06BA, /* ں */ 0x06BC, /* ڼ */ 0x06BE, /* ھ */ 0x06C0, /* ۀ */
    0x06C1, /* ہ */ 0x06C2, /* ۂ */ 0x06C3, /* ۃ */ 0x06CC, /* ی */ 0x06CD, /* ۍ */
    0x06D0, /* ې */ 0x06D2, /* ے */ 0x06D3, /* ۓ */
  };

  if ((c >= 0x0621 && c <= 0x063A) || (c >= 0x0641 && c <= 0x064A))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    if (extra[i] == c)
      return TRUE;
  return FALSE;
}

/* Vowel marks (zer, zabar, pesh, shadd...) and hamza above: rare in names but written by some,
 * and they only ever follow a letter. */
static gboolean
is_urdu_mark (gunichar c)
{
  return (c >= 0x064B && c <= 0x0652) || c == 0x0654 || c == 0x0670;
}

static gboolean
is_arabic_script (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_ARABIC;
}

static gboolean
is_name_punct (gunichar c)
{
  return c == '.' || c == '-' || c == '\'';
}

static KsValidateResult
check_name_length (const char *name,
                   guint       n_letters,
                   KsNameField field,
                   GError    **error)
{
  glong n_chars = g_utf8_strlen (name, -1);

  if (n_letters < KS_NAME_MIN_CHARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_SHORT,
                   _("The %s is too short. Type the name in full, as on the CNIC."),
                   name_label (field));
      return KS_VALIDATE_INVALID;
    }
  if (n_chars > KS_NAME_MAX_CHARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_LONG,
                   _("The %s has %ld characters; at most %d fit. Shorten it as on the CNIC."),
                   name_label (field), n_chars, KS_NAME_MAX_CHARS);
      return KS_VALIDATE_INVALID;
    }
  return KS_VALIDATE_OK;
}

/**
 * ks_validate_name_latin:
 * @input: a name in English letters
 * @field: which name this is (used in messages)
 * @normalized: (out) (optional): the name with white space collapsed and typographic
 *   apostrophes turned into `'`
 *
 * Accepts ASCII letters, spaces, `.`, `-` and `'`; the name starts with a letter, has no two
 * punctuation marks in a row, and has 2 to 100 characters.
 */
KsValidateResult
ks_validate_name_latin (const char *input,
                        KsNameField field,
                        char      **normalized,
                        GError    **error)
{
  g_autofree char *collapsed = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *name = NULL;
  guint n_letters = 0;
  gunichar prev = 0;

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  collapsed = ks_collapse_spaces (input);
  if (*collapsed == '\0')
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                   _("Type the %s in English letters, as on the CNIC."), name_label (field));
      return KS_VALIDATE_INVALID;
    }

  out = g_string_new (NULL);
  for (const char *p = collapsed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Phones and word processors "smarten" apostrophes (D’Souza). */
      if (c == 0x2019 || c == 0x2018 || c == '`')
        c = '\'';

      if (g_ascii_isalpha (c))
        n_letters++;
      else if (c == ' ' || is_name_punct (c))
        {
          if (out->len == 0 && c != ' ')
            {
              g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                           _("The %s starts with a letter, not a punctuation mark."),
                           name_label (field));
              return KS_VALIDATE_INVALID;
            }
          if (is_name_punct (c) && is_name_punct (prev))
            {
              g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                           _("The %s has two punctuation marks in a row. Remove one."),
                           name_label (field));
              return KS_VALIDATE_INVALID;
            }
        }
      else
        {
          g_autofree char *what = describe_char (c);

          if (is_any_digit (c))
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                         _("A name has no digits: remove %s from the %s."),
                         what, name_label (field));
          else if (is_arabic_script (c))
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_WRONG_SCRIPT,
                         _("Type the %s here in English letters; the Urdu spelling has its own "
                           "field."), name_label (field));
          else
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                         _("%s cannot be part of the %s. Use English letters, spaces, “.”, “-” "
                           "and “'” only."), what, name_label (field));
          return KS_VALIDATE_INVALID;
        }

      g_string_append_unichar (out, c);
      prev = c;
    }

  name = g_string_free (g_steal_pointer (&out), FALSE);
  if (check_name_length (name, n_letters, field, error) != KS_VALIDATE_OK)
    return KS_VALIDATE_INVALID;

  if (normalized != NULL)
    *normalized = g_steal_pointer (&name);
  return KS_VALIDATE_OK;
}

/**
 * ks_validate_name_urdu:
 * @input: a name in Urdu (or Pashto) script
 * @field: which name this is (used in messages)
 * @normalized: (out) (optional): the name with white space collapsed, stray zero-width
 *   non-joiners dropped and the Arabic kaf (ك) turned into the Urdu one (ک)
 *
 * Accepts the letters of the Urdu and Pashto alphabets, vowel marks after a letter, the
 * zero-width non-joiner between letters, and spaces; 2 to 100 characters.
 */
KsValidateResult
ks_validate_name_urdu (const char *input,
                       KsNameField field,
                       char      **normalized,
                       GError    **error)
{
  g_autofree char *collapsed = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GString) out = NULL;
  guint n_letters = 0;
  gunichar prev = ' ';

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  collapsed = ks_collapse_spaces (input);
  if (*collapsed == '\0')
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                   _("Type the %s in Urdu script, as on the CNIC."), name_label (field));
      return KS_VALIDATE_INVALID;
    }

  out = g_string_new (NULL);
  for (const char *p = collapsed; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar next = g_utf8_get_char (g_utf8_next_char (p));

      /* An Arabic keyboard layout types ك; Urdu and Pashto write ک. One spelling per name, or
       * the duplicate search misses the same person typed on another station. */
      if (c == 0x0643)
        c = 0x06A9;

      if (c == ZWNJ)
        {
          /* A ZWNJ only means something between two letters; elsewhere it is invisible noise
           * that would make two equal-looking names differ. */
          if (!is_urdu_letter (prev) && !is_urdu_mark (prev))
            continue;
          if (!is_urdu_letter (next) && next != 0x0643)
            continue;
        }
      else if (c == ' ')
        {
          /* A dropped ZWNJ can leave two spaces, or one at either end. */
          if (prev == ' ' || next == '\0')
            continue;
        }
      else if (is_urdu_letter (c))
        n_letters++;
      else if (!(is_urdu_mark (c) && (is_urdu_letter (prev) || is_urdu_mark (prev))))
        {
          g_autofree char *what = describe_char (c);

          if (is_any_digit (c))
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                         _("A name has no digits: remove %s from the %s."),
                         what, name_label (field));
          else if (g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN)
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_WRONG_SCRIPT,
                         _("Type the %s here in Urdu script; the English spelling has its own "
                           "field. Switch the keyboard to Urdu."), name_label (field));
          else
            g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                         _("%s cannot be part of the %s. Use Urdu letters and spaces only."),
                         what, name_label (field));
          return KS_VALIDATE_INVALID;
        }

      g_string_append_unichar (out, c);
      prev = c;
    }

  if (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  name = g_string_free (g_steal_pointer (&out), FALSE);
  if (check_name_length (name, n_letters, field, error) != KS_VALIDATE_OK)
    return KS_VALIDATE_INVALID;

  if (normalized != NULL)
    *normalized = g_steal_pointer (&name);
  return KS_VALIDATE_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Date of birth                                                                               */

/**
 * ks_age_on:
 * @birth: a valid date of birth
 * @today: a valid date, not before @birth
 *
 * Returns: the age in completed years on @today. Someone born on 29 February has a birthday on
 *   1 March in common years.
 */
int
ks_age_on (const GDate *birth,
           const GDate *today)
{
  int age;

  g_return_val_if_fail (birth != NULL && g_date_valid (birth), -1);
  g_return_val_if_fail (today != NULL && g_date_valid (today), -1);

  age = (int)g_date_get_year (today) - (int)g_date_get_year (birth);
  if (g_date_get_month (today) < g_date_get_month (birth) ||
      (g_date_get_month (today) == g_date_get_month (birth) &&
       g_date_get_day (today) < g_date_get_day (birth)))
    age--;
  return age;
}

/**
 * ks_age_requires_guardian:
 *
 * Returns: %TRUE when a person of this age is enrolled with a guardian (under 18).
 */
gboolean
ks_age_requires_guardian (int age_years)
{
  return age_years < KS_AGE_OF_MAJORITY;
}

/* A date of birth typed in a shape of @order that is not in the calendar ("31-02-1990"). */
static gboolean
not_in_calendar (const char *text,
                 KsDateOrder order,
                 GError    **error)
{
  guint y, m, d;
  g_autofree char *typed = NULL;
  g_autofree char *typed_shown = NULL;

  if (!ks_split_date (text, order, &d, &m, &y))
    return FALSE;
  typed = g_strdup_printf ("%02u-%02u-%04u", d, m, y);
  typed_shown = ks_bidi_isolate_ltr (typed);
  g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_DATE,
               _("%s does not exist in the calendar. Check the day and the month."),
               typed_shown);
  return TRUE;
}

static KsValidateResult validate_date_of_birth (const char  *input,
                                                gboolean     typed,
                                                const GDate *today,
                                                char       **normalized,
                                                int         *age_years,
                                                GError     **error);

/**
 * ks_validate_date_of_birth:
 * @input: `DD-MM-YYYY`, `DD/MM/YYYY` or `DD.MM.YYYY` as a person types it (ks_parse_date()),
 *   or `YYYY-MM-DD` as the record stores it
 * @today: (nullable): the date to compute the age on, %NULL for today's local date
 * @normalized: (out) (optional): `YYYY-MM-DD`
 * @age_years: (out) (optional): completed years on @today
 *
 * The date must exist in the calendar, not be after @today, and give an age of at most 120.
 * For a date a person has just typed, ks_validate_typed_date_of_birth().
 */
KsValidateResult
ks_validate_date_of_birth (const char  *input,
                           const GDate *today,
                           char       **normalized,
                           int         *age_years,
                           GError     **error)
{
  return validate_date_of_birth (input, FALSE, today, normalized, age_years, error);
}

/**
 * ks_validate_typed_date_of_birth:
 * @input: the date of birth as a person typed it
 *
 * As ks_validate_date_of_birth(), but people type the day first: a year-first `1990-07-25`
 * (the storage form) is refused, with the day-first example.
 */
KsValidateResult
ks_validate_typed_date_of_birth (const char  *input,
                                 const GDate *today,
                                 char       **normalized,
                                 int         *age_years,
                                 GError     **error)
{
  return validate_date_of_birth (input, TRUE, today, normalized, age_years, error);
}

static KsValidateResult
validate_date_of_birth (const char  *input,
                        gboolean     typed,
                        const GDate *today,
                        char       **normalized,
                        int         *age_years,
                        GError     **error)
{
  g_autofree char *folded = NULL;
  g_autoptr(GDate) example = g_date_new_dmy (25, G_DATE_JULY, 1990);
  g_autofree char *example_text = ks_format_date (example);
  g_autofree char *example_shown = ks_bidi_isolate_ltr (example_text);
  GDate birth;
  GDate now;
  guint y = 0, m = 0, d = 0;
  int age;

  g_return_val_if_fail (today == NULL || g_date_valid (today), KS_VALIDATE_INVALID);

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  folded = fold_digits (input ? input : "");
  g_strstrip (folded);
  if (*folded == '\0')
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                   _("Type the date of birth as on the CNIC or B-form, day first, for example "
                     "%s."), example_shown);
      return KS_VALIDATE_INVALID;
    }

  /* People type the day first (ks_parse_date()); the record keeps the date as YYYY-MM-DD
   * once checked and is checked again in that form on submit and sync, so that form passes
   * unless a person typed it. Nothing a person reads ever shows it. */
  if (!ks_parse_date (folded, &birth))
    {
      g_date_clear (&birth, 1);
      /* Not echoed: people never read a date year first. */
      if (ks_split_date (folded, KS_DATE_YEAR_FIRST, &d, &m, &y) && typed)
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                       _("The year goes last: type the date of birth day first, DD-MM-YYYY, "
                         "for example %s."), example_shown);
          return KS_VALIDATE_INVALID;
        }
      if (ks_split_date (folded, KS_DATE_YEAR_FIRST, &d, &m, &y) && y >= 1 &&
          g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        g_date_set_dmy (&birth, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
      else if (not_in_calendar (folded, KS_DATE_YEAR_FIRST, error) ||
               not_in_calendar (folded, KS_DATE_DAY_FIRST, error))
        return KS_VALIDATE_INVALID;
      else
        {
          g_autofree char *shown = ks_bidi_isolate_ltr (folded);

          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                       _("“%s” is not a date. Type the date of birth day first, DD-MM-YYYY, for "
                         "example %s."), shown, example_shown);
          return KS_VALIDATE_INVALID;
        }
    }
  y = g_date_get_year (&birth);
  m = g_date_get_month (&birth);
  d = g_date_get_day (&birth);

  g_date_clear (&now, 1);
  if (today != NULL)
    now = *today;
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_now_local ();
      g_date_set_dmy (&now, (GDateDay)g_date_time_get_day_of_month (dt),
                      (GDateMonth)g_date_time_get_month (dt),
                      (GDateYear)g_date_time_get_year (dt));
    }

  if (g_date_compare (&birth, &now) > 0)
    {
      g_autofree char *shown = ks_format_date (&birth);
      g_autofree char *isolated = ks_bidi_isolate_ltr (shown);

      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_FUTURE_DATE,
                   _("The date of birth %s is in the future. Check the year."), isolated);
      return KS_VALIDATE_INVALID;
    }

  age = ks_age_on (&birth, &now);
  if (age > KS_AGE_MAX_YEARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_OLD,
                   _("This date of birth makes the person %d years old. Check the year."), age);
      return KS_VALIDATE_INVALID;
    }

  if (normalized != NULL)
    /* ISO: the stored form; people see it through ks_format_iso_date(). */
    *normalized = g_strdup_printf ("%04u-%02u-%02u", y, m, d);
  if (age_years != NULL)
    *age_years = age;
  return KS_VALIDATE_OK;
}

/**
 * ks_validate_guardian:
 * @age_years: the applicant's age, from ks_validate_date_of_birth()
 * @guardian_cnic: (nullable): the guardian's CNIC number as typed
 * @guardian_name: (nullable): the guardian's name in English letters as typed
 * @normalized_cnic: (out) (optional): the guardian's CNIC, or %NULL from age 18
 * @normalized_name: (out) (optional): the guardian's name, or %NULL from age 18
 *
 * Under 18 the guardian's CNIC (a valid CNIC) and name are required; from 18 they are not
 * needed and the function returns %KS_VALIDATE_OK whatever they hold. A guardian's card from
 * another province gives %KS_VALIDATE_WARNING.
 */
KsValidateResult
ks_validate_guardian (int         age_years,
                      const char *guardian_cnic,
                      const char *guardian_name,
                      char      **normalized_cnic,
                      char      **normalized_name,
                      GError    **error)
{
  g_autofree char *cnic = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) warning = NULL;
  g_autofree char *trimmed_cnic = g_strstrip (g_strdup (guardian_cnic ? guardian_cnic : ""));
  g_autofree char *trimmed_name = ks_collapse_spaces (guardian_name);
  KsValidateResult result;

  if (normalized_cnic != NULL)
    *normalized_cnic = NULL;
  if (normalized_name != NULL)
    *normalized_name = NULL;

  if (!ks_age_requires_guardian (age_years))
    return KS_VALIDATE_OK;

  if (*trimmed_cnic == '\0' || *trimmed_name == '\0')
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_GUARDIAN_REQUIRED,
                   _("The applicant is %d, under 18: type the CNIC number and the name of the "
                     "parent or guardian who came with them."), age_years);
      return KS_VALIDATE_INVALID;
    }

  /* The guardian's gender is not on the form, so the last digit is not checked. */
  result = ks_validate_id_number (trimmed_cnic, KS_ID_NUMBER_GUARDIAN_CNIC,
                                  KS_GENDER_UNSPECIFIED, &cnic, &warning);
  if (result == KS_VALIDATE_INVALID)
    {
      g_propagate_error (error, g_steal_pointer (&warning));
      return KS_VALIDATE_INVALID;
    }

  if (ks_validate_name_latin (trimmed_name, KS_NAME_FIELD_GUARDIAN, &name, error)
      != KS_VALIDATE_OK)
    return KS_VALIDATE_INVALID;

  if (normalized_cnic != NULL)
    *normalized_cnic = g_steal_pointer (&cnic);
  if (normalized_name != NULL)
    *normalized_name = g_steal_pointer (&name);
  if (warning != NULL)
    g_propagate_error (error, g_steal_pointer (&warning));
  return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Mobile number                                                                               */

/**
 * ks_validate_mobile:
 * @input: a Pakistani mobile number: `03XX-XXXXXXX`, `03XXXXXXXXX`, `+923XXXXXXXXX`,
 *   `00923XXXXXXXXX`, `923XXXXXXXXX` or `3XXXXXXXXX`, with any spaces and dashes
 * @e164: (out) (optional): `+923XXXXXXXXX`
 *
 * An empty number is %KS_VALIDATE_ERROR_EMPTY: a form where the number is optional skips the
 * call when the field is empty.
 */
KsValidateResult
ks_validate_mobile (const char *input,
                    char      **e164,
                    GError    **error)
{
  g_autofree char *folded = NULL;
  g_autoptr(GString) digits = NULL;
  g_autofree char *all = NULL;
  const char *national;
  gboolean plus = FALSE;
  gsize len;

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  folded = fold_digits (input ? input : "");
  g_strstrip (folded);
  if (*folded == '\0')
    {
      g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                           _("Type the mobile number, for example 0300-1234567."));
      return KS_VALIDATE_INVALID;
    }

  digits = g_string_new (NULL);
  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_ascii_isdigit (c))
        g_string_append_c (digits, (char)c);
      else if (c == '+' && p == folded)
        plus = TRUE;
      else if (c == ' ' || c == '-' || c == '(' || c == ')')
        continue;
      else
        {
          g_autofree char *what = describe_char (c);

          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                       _("A mobile number has only digits (and “+” at the start); remove %s."),
                       what);
          return KS_VALIDATE_INVALID;
        }
    }
  all = g_string_free (g_steal_pointer (&digits), FALSE);
  len = strlen (all);

  /* Strip whichever prefix the operator used down to the 10-digit national number. */
  if (plus)
    {
      if (!g_str_has_prefix (all, "92"))
        {
          g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_NUMBER,
                               _("Only Pakistani mobile numbers (+92) can be registered. Ask "
                                 "for a Pakistani number."));
          return KS_VALIDATE_INVALID;
        }
      national = all + 2;
    }
  else if (g_str_has_prefix (all, "0092"))
    national = all + 4;
  else if (g_str_has_prefix (all, "92") && len == 12)
    national = all + 2;
  else if (all[0] == '0')
    national = all + 1;
  else
    national = all;

  /* "+92 0300..." mixes both habits: the trunk 0 is dropped after a country code. */
  if (national != all && national[0] == '0' && strlen (national) == 11)
    national++;

  if (national[0] != '\0' && national[0] != '3')
    {
      g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_NUMBER,
                           _("This is not a mobile number: Pakistani mobile numbers start with "
                             "03 (or +92 3). Landline numbers cannot be registered."));
      return KS_VALIDATE_INVALID;
    }
  if (strlen (national) != 10)
    {
      g_set_error (error, KS_VALIDATE_ERROR,
                   strlen (national) < 10 ? KS_VALIDATE_ERROR_TOO_SHORT
                                          : KS_VALIDATE_ERROR_TOO_LONG,
                   _("A mobile number has 11 digits, like 0300-1234567; this one has %u after "
                     "the leading 0. Check it with the applicant."),
                   (guint)strlen (national));
      return KS_VALIDATE_INVALID;
    }

  if (e164 != NULL)
    *e164 = g_strconcat ("+92", national, NULL);
  return KS_VALIDATE_OK;
}

/**
 * ks_mobile_format:
 * @e164: a number as returned by ks_validate_mobile()
 * @style: how to show it
 *
 * Returns: `+92 3XX XXXXXXX` or `03XX-XXXXXXX`, or %NULL if @e164 is not a Pakistani mobile
 *   number in E.164 form.
 */
char *
ks_mobile_format (const char   *e164,
                  KsMobileStyle style)
{
  const char *n;

  g_return_val_if_fail (e164 != NULL, NULL);

  if (strlen (e164) != 13 || !g_str_has_prefix (e164, "+923"))
    return NULL;
  for (const char *p = e164 + 1; *p; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;

  n = e164 + 3;
  switch (style)
    {
    case KS_MOBILE_STYLE_NATIONAL:
      return g_strdup_printf ("0%.3s-%s", n, n + 3);
    case KS_MOBILE_STYLE_INTERNATIONAL:
    default:
      return g_strdup_printf ("+92 %.3s %s", n, n + 3);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* E-mail                                                                                      */

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

static gboolean
local_part_is_valid (const char *s,
                     gsize       len)
{
  if (len == 0 || len > 64 || s[0] == '.' || s[len - 1] == '.')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] == '.' && s[i + 1] == '.')
        return FALSE;
      if (s[i] != '.' && !is_atext (s[i]))
        return FALSE;
    }
  return TRUE;
}

/* Host names as RFC 1035 allows them, plus the rule that the last label (the TLD) is letters:
 * it catches "name@gmail" and "name@1.2.3.4", which mail to Pakistan never uses. */
static gboolean
domain_is_valid (const char *s)
{
  g_auto(GStrv) labels = NULL;
  guint n;

  if (*s == '\0' || strlen (s) > 253)
    return FALSE;
  labels = g_strsplit (s, ".", -1);
  n = g_strv_length (labels);
  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const char *l = labels[i];
      gsize len = strlen (l);

      if (len == 0 || len > 63 || l[0] == '-' || l[len - 1] == '-')
        return FALSE;
      for (gsize j = 0; j < len; j++)
        if (!g_ascii_isalnum (l[j]) && l[j] != '-')
          return FALSE;
    }
  if (strlen (labels[n - 1]) < 2)
    return FALSE;
  for (const char *p = labels[n - 1]; *p; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;
  return TRUE;
}

/**
 * ks_validate_email:
 * @input: (nullable): an e-mail address, or empty: the address is optional
 * @normalized: (out) (optional): the address with its domain in lower case; "" when empty
 *
 * A syntax check only (one `@`, a sane local part, a host name with a letters-only top-level
 * domain, ASCII); whether the mailbox exists is not known until mail is sent.
 */
KsValidateResult
ks_validate_email (const char *input,
                   char      **normalized,
                   GError    **error)
{
  g_autofree char *addr = NULL;
  const char *at;
  g_autofree char *domain = NULL;

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  addr = g_strstrip (g_strdup (input ? input : ""));
  if (*addr == '\0')
    {
      if (normalized != NULL)
        *normalized = g_strdup ("");
      return KS_VALIDATE_OK;
    }

  for (const char *p = addr; *p; p++)
    if ((guchar)*p >= 0x80 || g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      {
        g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                             _("An e-mail address has no spaces and only English letters, "
                               "digits and signs such as “.”, “_” and “-”. Check what was "
                               "typed."));
        return KS_VALIDATE_INVALID;
      }

  if (strlen (addr) > KS_EMAIL_MAX_CHARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_LONG,
                   _("This e-mail address is longer than %d characters. Check what was "
                     "typed."), KS_EMAIL_MAX_CHARS);
      return KS_VALIDATE_INVALID;
    }

  at = strchr (addr, '@');
  if (at == NULL || strchr (at + 1, '@') != NULL)
    {
      g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                           _("An e-mail address has exactly one “@”, like name@example.com. "
                             "Check what was typed, or leave the field empty."));
      return KS_VALIDATE_INVALID;
    }

  domain = g_ascii_strdown (at + 1, -1);
  if (!local_part_is_valid (addr, at - addr) || !domain_is_valid (domain))
    {
      g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                           _("This is not a complete e-mail address. It looks like "
                             "name@example.com: check the part after “@” (for example "
                             "gmail.com), or leave the field empty."));
      return KS_VALIDATE_INVALID;
    }

  if (normalized != NULL)
    *normalized = g_strdup_printf ("%.*s@%s", (int)(at - addr), addr, domain);
  return KS_VALIDATE_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* Address                                                                                     */

/**
 * ks_validate_address_line:
 * @input: (nullable): one line of the address, in any script
 * @line_number: 1 for the first line (required), 2 and up for the optional ones
 * @normalized: (out) (optional): the line with white space collapsed; "" for an empty optional
 *   line
 *
 * Line 1 is required and has at least 3 characters; every line has at most 100, at least one
 * letter or digit, and no control characters. Bidirectional formatting characters are refused
 * too: they can make a printed address read differently from what was stored. The zero-width
 * (non-)joiners Urdu spelling needs are kept.
 */
KsValidateResult
ks_validate_address_line (const char *input,
                          guint       line_number,
                          char      **normalized,
                          GError    **error)
{
  g_autofree char *line = NULL;
  gboolean has_alnum = FALSE;
  glong n_chars;

  g_return_val_if_fail (line_number >= 1, KS_VALIDATE_INVALID);

  if (input != NULL && !is_valid_utf8 (input, error))
    return KS_VALIDATE_INVALID;

  /* Control characters first: collapsing would turn some of them into spaces and hide them. */
  for (const char *p = input ? input : ""; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if ((type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT) && c != ZWNJ && c != ZWJ)
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_CHARACTER,
                       _("Address line %u contains an invisible control character (U+%04X), "
                         "perhaps from a pasted text. Clear the line and type it again."),
                       line_number, (guint)c);
          return KS_VALIDATE_INVALID;
        }
    }

  line = ks_collapse_spaces (input);
  if (*line == '\0')
    {
      if (line_number == 1)
        {
          g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                               _("Type the first line of the address: house, street, village "
                                 "or neighbourhood."));
          return KS_VALIDATE_INVALID;
        }
      if (normalized != NULL)
        *normalized = g_strdup ("");
      return KS_VALIDATE_OK;
    }

  n_chars = g_utf8_strlen (line, -1);
  if (line_number == 1 && n_chars < KS_ADDRESS_LINE_MIN_CHARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_SHORT,
                   _("Address line 1 is too short. Type at least the house or street and the "
                     "village or neighbourhood."));
      return KS_VALIDATE_INVALID;
    }
  if (n_chars > KS_ADDRESS_LINE_MAX_CHARS)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_TOO_LONG,
                   _("Address line %u has %ld characters; at most %d fit. Move the rest to the "
                     "next line."), line_number, n_chars, KS_ADDRESS_LINE_MAX_CHARS);
      return KS_VALIDATE_INVALID;
    }

  for (const char *p = line; *p && !has_alnum; p = g_utf8_next_char (p))
    has_alnum = g_unichar_isalnum (g_utf8_get_char (p));
  if (!has_alnum)
    {
      g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                   _("Address line %u has no letters or digits. Type the address."),
                   line_number);
      return KS_VALIDATE_INVALID;
    }

  if (normalized != NULL)
    *normalized = g_steal_pointer (&line);
  return KS_VALIDATE_OK;
}
