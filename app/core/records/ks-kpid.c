/* ks-kpid.c: Khyber Pass ID numbers (district, station, sequence, check character)
 *
 * An ID is `DDD-SSS-NNNNNNN-C`: the district code (3 letters, from kp-districts.json), the
 * station code (3 letters or digits, unique per district), the station's own sequence number
 * and one check character. District + station make every station's number space disjoint, so
 * stations issue IDs offline without ever asking anyone.
 *
 * The check character is a Damm check over a quasigroup of order 36, so it is written in the
 * same 0-9A-Z alphabet as the rest (ISO 7064 MOD 37-2 needs a 37th symbol, `*`, that people
 * misread and QR alphanumeric mode cannot hold; the MOD 37,36 hybrid misses 72 adjacent
 * swaps). The quasigroup is x∘y = αx + y on GF(4) × GF(9), α = (ω, i), with values split as
 * v = 9·u + w. Because α and α − 1 are both invertible in each field:
 *  - y ↦ x∘y and x ↦ x∘y are bijections (a Latin square): one wrong character changes the
 *    running state, and every later step keeps states apart, so the final state is not 0;
 *  - (c∘x)∘y = (c∘y)∘x forces x = y (total anti-symmetry): any swap of two different
 *    neighbours, the check character included, changes the final state.
 * tests/test-kpid.c proves both properties over the whole table and over generated IDs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-kpid"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ks-kpid.h"
#include "ks-kpid-testing.h"

G_DEFINE_QUARK (ks-kpid-error-quark, ks_kpid_error)

#define N_SYMBOLS 36

/* GF(4) = GF(2)[ω]/(ω² + ω + 1), element b1·ω + b0 stored as the bits (b1 b0). ω·(b1ω + b0) =
 * b1ω² + b0ω = (b1 + b0)ω + b1. */
static guint
gf4_times_omega (guint u)
{
  guint b1 = (u >> 1) & 1, b0 = u & 1;

  return ((b1 ^ b0) << 1) | b1;
}

/* GF(9) = GF(3)[i]/(i² + 1) (−1 is not a square mod 3), element a + b·i stored as a + 3b.
 * i·(a + bi) = −b + ai. */
static guint
gf9_times_i (guint w)
{
  guint a = w % 3, b = w / 3;

  return ((3 - b) % 3) + 3 * a;
}

static guint
gf9_add (guint x,
         guint y)
{
  return ((x % 3 + y % 3) % 3) + 3 * ((x / 3 + y / 3) % 3);
}

/**
 * ks_kpid_combine:
 * @state: the running check state, 0..35 (0 to start)
 * @value: the next character's value, from ks_kpid_char_value()
 *
 * One step of the check: @state ∘ @value. Public so the tests can prove the scheme's
 * properties over the whole table.
 *
 * Returns: the next state, 0..35
 */
guint
ks_kpid_combine (guint state,
                 guint value)
{
  guint u, w;

  g_return_val_if_fail (state < N_SYMBOLS && value < N_SYMBOLS, 0);

  u = gf4_times_omega (state / 9) ^ (value / 9);
  w = gf9_add (gf9_times_i (state % 9), value % 9);
  return 9 * u + w;
}

/**
 * ks_kpid_char_value:
 * @c: a character of an ID, either case
 *
 * Returns: its position in %KS_KPID_ALPHABET, or %G_MAXUINT if it is not a letter or digit
 */
guint
ks_kpid_char_value (char c)
{
  if (c >= '0' && c <= '9')
    return (guint)(c - '0');
  if (c >= 'A' && c <= 'Z')
    return 10 + (guint)(c - 'A');
  if (c >= 'a' && c <= 'z')
    return 10 + (guint)(c - 'a');
  return G_MAXUINT;
}

static guint
fold_state (const char *s,
            gsize       len)
{
  guint state = 0;

  for (gsize i = 0; i < len; i++)
    state = ks_kpid_combine (state, ks_kpid_char_value (s[i]));
  return state;
}

/**
 * ks_kpid_check_char:
 * @payload: the district, station and sequence without dashes (letters and digits only)
 * @length: bytes of @payload, or -1 if nul-terminated
 *
 * Returns: the check character (0-9, A-Z) that brings the check state of @payload back to 0
 */
char
ks_kpid_check_char (const char *payload,
                    gssize      length)
{
  gsize len;
  guint state;

  g_return_val_if_fail (payload != NULL, '\0');

  len = length < 0 ? strlen (payload) : (gsize)length;
  for (gsize i = 0; i < len; i++)
    g_return_val_if_fail (ks_kpid_char_value (payload[i]) != G_MAXUINT, '\0');

  state = fold_state (payload, len);
  /* Latin square: exactly one value maps this state to 0. */
  for (guint v = 0; v < N_SYMBOLS; v++)
    if (ks_kpid_combine (state, v) == 0)
      return KS_KPID_ALPHABET[v];
  g_assert_not_reached ();
}

static gboolean
is_letters (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_alnum (const char *s,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]))
      return FALSE;
  return TRUE;
}

/**
 * ks_kpid_format:
 * @district: the 3-letter district code (either case)
 * @station: the 3-character station code, letters or digits (either case)
 * @sequence: 1 to %KS_KPID_SEQUENCE_MAX
 *
 * Returns: the display form, e.g. `PEW-A01-0000123-K`
 */
char *
ks_kpid_format (const char *district,
                const char *station,
                guint32     sequence)
{
  g_autofree char *raw = NULL;
  g_autofree char *payload = NULL;

  g_return_val_if_fail (district != NULL && strlen (district) == KS_KPID_DISTRICT_LEN, NULL);
  g_return_val_if_fail (is_letters (district, KS_KPID_DISTRICT_LEN), NULL);
  g_return_val_if_fail (station != NULL && strlen (station) == KS_KPID_STATION_LEN, NULL);
  g_return_val_if_fail (is_alnum (station, KS_KPID_STATION_LEN), NULL);
  g_return_val_if_fail (sequence >= 1 && sequence <= KS_KPID_SEQUENCE_MAX, NULL);

  raw = g_strdup_printf ("%s%s%07u", district, station, sequence);
  payload = g_ascii_strup (raw, -1);
  return g_strdup_printf ("%.3s-%.3s-%.7s-%c", payload, payload + 3, payload + 6,
                          ks_kpid_check_char (payload, -1));
}

/* Parses into the 14 significant characters (upper case). Separators (`-` or a space) are
 * allowed only at the three boundaries, so `PEW-A01-0000123-K`, `PEWA010000123K` and
 * `pew a01 0000123 k` are the same ID. */
static gboolean
parse_compact (const char *text,
               char        compact[KS_KPID_COMPACT_LEN + 1],
               GError    **error)
{
  g_autofree char *s = g_strstrip (g_strdup (text));
  guint n = 0;
  gboolean misplaced_separator = FALSE;
  const char *district = compact;
  const char *sequence = compact + KS_KPID_DISTRICT_LEN + KS_KPID_STATION_LEN;

  if (*s == '\0')
    {
      g_set_error_literal (error, KS_KPID_ERROR, KS_KPID_ERROR_EMPTY,
                           _("Type or scan the Khyber Pass ID, for example "
                             "PEW-A01-0000123-K."));
      return FALSE;
    }

  for (const char *p = s; *p; p++)
    {
      if (*p == '-' || *p == ' ')
        {
          /* Reported after the length: a missing character also puts dashes out of place,
           * and the missing character is what the operator has to fix. */
          if (!((n == 3 || n == 6 || n == 13) && p[1] != '-' && p[1] != ' '))
            misplaced_separator = TRUE;
          continue;
        }
      if (!g_ascii_isalnum (*p))
        {
          g_set_error_literal (error, KS_KPID_ERROR, KS_KPID_ERROR_INVALID_CHARACTER,
                               _("A Khyber Pass ID has only letters, digits and dashes, like "
                                 "PEW-A01-0000123-K. Remove the other characters."));
          return FALSE;
        }
      if (n < KS_KPID_COMPACT_LEN)
        compact[n] = g_ascii_toupper (*p);
      n++;
    }

  if (n != KS_KPID_COMPACT_LEN)
    {
      g_set_error (error, KS_KPID_ERROR, KS_KPID_ERROR_LENGTH,
                   _("A Khyber Pass ID has 14 letters and digits (PEW-A01-0000123-K), but "
                     "this one has %u. Look for a missing or an extra character."), n);
      return FALSE;
    }
  compact[n] = '\0';

  if (misplaced_separator)
    {
      g_set_error_literal (error, KS_KPID_ERROR, KS_KPID_ERROR_SEPARATOR,
                           _("The dashes of this Khyber Pass ID are in the wrong place. It is "
                             "written like PEW-A01-0000123-K."));
      return FALSE;
    }

  if (!is_letters (district, KS_KPID_DISTRICT_LEN))
    {
      g_set_error (error, KS_KPID_ERROR, KS_KPID_ERROR_DISTRICT,
                   _("The ID starts with a district code of three letters, but it has "
                     "“%.3s”. Check the first part."), district);
      return FALSE;
    }
  /* The station part is letters or digits, which the loop above already ensured. A letter in
   * the sequence is the usual misreading (O for 0, I for 1): say so. */
  for (guint i = 0; i < KS_KPID_SEQUENCE_LEN; i++)
    if (!g_ascii_isdigit (sequence[i]))
      {
        g_set_error (error, KS_KPID_ERROR, KS_KPID_ERROR_SEQUENCE,
                     _("The third part of the ID, “%.7s”, is a number of seven digits. Check "
                       "for a letter O or I typed instead of 0 or 1."), sequence);
        return FALSE;
      }
  if (strncmp (sequence, "0000000", KS_KPID_SEQUENCE_LEN) == 0)
    {
      g_set_error_literal (error, KS_KPID_ERROR, KS_KPID_ERROR_SEQUENCE,
                           _("The third part of the ID is 0000000, which is never issued. "
                             "Check the ID against the card."));
      return FALSE;
    }

  if (fold_state (compact, KS_KPID_COMPACT_LEN) != 0)
    {
      g_set_error_literal (error, KS_KPID_ERROR, KS_KPID_ERROR_CHECK,
                           _("This Khyber Pass ID is not valid: a character was misread or two "
                             "were swapped. Check it against the card, or scan its QR code."));
      return FALSE;
    }
  return TRUE;
}

/**
 * ks_kpid_parse:
 * @text: an ID, with or without dashes, either case
 * @district: (out) (optional): the district code, upper case
 * @station: (out) (optional): the station code, upper case
 * @sequence: (out) (optional): the sequence number
 *
 * Returns: %TRUE if @text is a well-formed ID whose check character matches; otherwise sets a
 *   %KS_KPID_ERROR saying which part is wrong. Whether the district exists is the reference
 *   data's business, not this function's.
 */
gboolean
ks_kpid_parse (const char *text,
               char      **district,
               char      **station,
               guint32    *sequence,
               GError    **error)
{
  char compact[KS_KPID_COMPACT_LEN + 1] = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);

  if (!parse_compact (text, compact, error))
    return FALSE;

  if (district != NULL)
    *district = g_strndup (compact, KS_KPID_DISTRICT_LEN);
  if (station != NULL)
    *station = g_strndup (compact + KS_KPID_DISTRICT_LEN, KS_KPID_STATION_LEN);
  if (sequence != NULL)
    {
      g_autofree char *digits = g_strndup (compact + KS_KPID_DISTRICT_LEN + KS_KPID_STATION_LEN,
                                           KS_KPID_SEQUENCE_LEN);
      *sequence = (guint32)g_ascii_strtoull (digits, NULL, 10);
    }
  return TRUE;
}

/**
 * ks_kpid_to_compact:
 * @kpid: an ID in any accepted form
 *
 * Returns: (nullable): the 14-character form without dashes (for QR codes and database keys), or
 *   %NULL if @kpid is not a valid ID
 */
char *
ks_kpid_to_compact (const char *kpid)
{
  char compact[KS_KPID_COMPACT_LEN + 1] = { 0 };

  g_return_val_if_fail (kpid != NULL, NULL);

  if (!parse_compact (kpid, compact, NULL))
    return NULL;
  return g_strdup (compact);
}

/**
 * ks_kpid_is_valid:
 * @text: (nullable): an ID in any accepted form
 *
 * Returns: %TRUE if ks_kpid_parse() would accept @text
 */
gboolean
ks_kpid_is_valid (const char *text)
{
  char compact[KS_KPID_COMPACT_LEN + 1] = { 0 };

  return text != NULL && parse_compact (text, compact, NULL);
}
