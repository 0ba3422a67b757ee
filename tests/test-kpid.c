/* test-kpid.c: Khyber Pass ID format, parsing and the check character's guarantees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-kpid.h"
#include "ks-kpid-testing.h"

#define N_SYMBOLS 36
#define N_GENERATED 2000

/* The check state of a whole compact ID, computed with the public step function only, so the
 * proofs below do not depend on the parser's shape checks: the check character alone must
 * catch every error. */
static guint
check_state (const char *compact)
{
  guint state = 0;

  for (const char *p = compact; *p; p++)
    state = ks_kpid_combine (state, ks_kpid_char_value (*p));
  return state;
}

/* The two properties the scheme rests on, over the whole 36 × 36 table: each row and column is
 * a permutation (so any single substitution changes the state and later steps keep it changed),
 * and (c∘x)∘y ≠ (c∘y)∘x for x ≠ y (so any swap of different neighbours changes it). */
static void
test_kpid_quasigroup (void)
{
  for (guint x = 0; x < N_SYMBOLS; x++)
    {
      guint64 row = 0, column = 0;

      for (guint y = 0; y < N_SYMBOLS; y++)
        {
          row |= G_GUINT64_CONSTANT (1) << ks_kpid_combine (x, y);
          column |= G_GUINT64_CONSTANT (1) << ks_kpid_combine (y, x);
        }
      g_assert_cmphex (row, ==, (G_GUINT64_CONSTANT (1) << N_SYMBOLS) - 1);
      g_assert_cmphex (column, ==, (G_GUINT64_CONSTANT (1) << N_SYMBOLS) - 1);
    }

  for (guint c = 0; c < N_SYMBOLS; c++)
    for (guint x = 0; x < N_SYMBOLS; x++)
      for (guint y = 0; y < N_SYMBOLS; y++)
        if (x != y)
          g_assert_cmpuint (ks_kpid_combine (ks_kpid_combine (c, x), y), !=,
                            ks_kpid_combine (ks_kpid_combine (c, y), x));
}

typedef struct
{
  const char *district;
  const char *station;
  guint32 sequence;
  const char *expected;
} FormatCase;

static void
test_kpid_format_and_parse (void)
{
  /* Golden values, computed by an independent Python implementation of the scheme: IDs
   * already printed on cards must stay valid, so any change to the check fails here first. */
  static const FormatCase cases[] = {
    { "PEW", "A01", 123, "PEW-A01-0000123-N" },
    { "pew", "a01", 123, "PEW-A01-0000123-N" },
    { "SWT", "001", 1, "SWT-001-0000001-6" },
    { "BJR", "ZZZ", KS_KPID_SEQUENCE_MAX, "BJR-ZZZ-9999999-7" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = ks_kpid_format (cases[i].district, cases[i].station,
                                            cases[i].sequence);
      g_autofree char *compact = NULL;
      g_autofree char *lower = NULL;
      g_autofree char *spaced = NULL;
      const char *forms[3];

      g_assert_cmpuint (strlen (id), ==, KS_KPID_DISPLAY_LEN);
      g_assert_cmpstr (id, ==, cases[i].expected);

      compact = ks_kpid_to_compact (id);
      g_assert_cmpuint (strlen (compact), ==, KS_KPID_COMPACT_LEN);
      g_assert_null (strchr (compact, '-'));
      lower = g_ascii_strdown (id, -1);
      spaced = g_strdelimit (g_strdup (id), "-", ' ');

      forms[0] = compact;
      forms[1] = lower;
      forms[2] = spaced;
      for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *district = NULL;
          g_autofree char *station = NULL;
          guint32 sequence = 0;

          g_assert_true (ks_kpid_parse (forms[f], &district, &station, &sequence, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (strlen (district), ==, KS_KPID_DISTRICT_LEN);
          g_assert_cmpint (strncmp (district, cases[i].expected, KS_KPID_DISTRICT_LEN), ==, 0);
          g_assert_cmpint (g_ascii_strcasecmp (station, cases[i].station), ==, 0);
          g_assert_cmpuint (sequence, ==, cases[i].sequence);
          g_assert_true (ks_kpid_is_valid (forms[f]));
        }
    }

  /* Separators may be dropped at some boundaries and kept at others. */
  g_assert_true (ks_kpid_is_valid ("PEWA01-0000123N"));
  g_assert_true (ks_kpid_is_valid ("  pew-a01-0000123-n "));
}

typedef struct
{
  const char *input;
  KsKpidError code;
} ParseErrorCase;

static void
test_kpid_parse_errors (void)
{
  g_autofree char *good = ks_kpid_format ("PEW", "A01", 123);
  g_autofree char *bad_check = g_strdup (good);
  const ParseErrorCase cases[] = {
    { "", KS_KPID_ERROR_EMPTY },
    { "   ", KS_KPID_ERROR_EMPTY },
    { "PEW-A01-0000123", KS_KPID_ERROR_LENGTH },
    { "PEW-A01-00001234-K", KS_KPID_ERROR_LENGTH },
    { "PE-WA01-0000123-K", KS_KPID_ERROR_SEPARATOR },
    { "PEW--A01-0000123-K", KS_KPID_ERROR_SEPARATOR },
    { "PEW-A01-0000123-K-", KS_KPID_ERROR_SEPARATOR },
    { "PEW_A01_0000123_K", KS_KPID_ERROR_INVALID_CHARACTER },
    { "PEW-A01-0000123-K!", KS_KPID_ERROR_INVALID_CHARACTER },
    { "P3W-A01-0000123-K", KS_KPID_ERROR_DISTRICT },
    { "PEW-A01-00O0123-K", KS_KPID_ERROR_SEQUENCE },
    { "PEW-A01-0000000-K", KS_KPID_ERROR_SEQUENCE },
    { bad_check, KS_KPID_ERROR_CHECK },
  };

  /* The same ID with every other check character. */
  bad_check[KS_KPID_DISPLAY_LEN - 1] = good[KS_KPID_DISPLAY_LEN - 1] == 'A' ? 'B' : 'A';

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *district = NULL;

      g_test_message ("input: “%s”", cases[i].input);
      g_assert_false (ks_kpid_parse (cases[i].input, &district, NULL, NULL, &error));
      g_assert_error (error, KS_KPID_ERROR, (int)cases[i].code);
      g_assert_null (district);
      g_assert_false (ks_kpid_is_valid (cases[i].input));
      g_assert_null (ks_kpid_to_compact (cases[i].input));
    }
}

/* The brief's guarantee, shown on generated IDs: every single-character substitution (each
 * position, each other alphabet character) and every swap of two different neighbours is
 * refused, by the check character alone as well as by the parser. */
static void
test_kpid_detects_errors (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  guint n_substitutions = 0, n_swaps = 0;

  for (guint n = 0; n < N_GENERATED; n++)
    {
      char district[4], station[4];
      g_autofree char *id = NULL;
      g_autofree char *compact = NULL;
      guint32 sequence = (guint32)g_rand_int_range (rand, 1, KS_KPID_SEQUENCE_MAX + 1);

      for (guint i = 0; i < 3; i++)
        {
          district[i] = KS_KPID_ALPHABET[g_rand_int_range (rand, 10, N_SYMBOLS)];
          station[i] = KS_KPID_ALPHABET[g_rand_int_range (rand, 0, N_SYMBOLS)];
        }
      district[3] = station[3] = '\0';

      id = ks_kpid_format (district, station, sequence);
      compact = ks_kpid_to_compact (id);
      g_assert_nonnull (compact);
      g_assert_cmpuint (check_state (compact), ==, 0);

      for (guint pos = 0; pos < KS_KPID_COMPACT_LEN; pos++)
        {
          char original = compact[pos];

          for (guint v = 0; v < N_SYMBOLS; v++)
            {
              if (KS_KPID_ALPHABET[v] == original)
                continue;
              compact[pos] = KS_KPID_ALPHABET[v];
              if (check_state (compact) == 0 || ks_kpid_is_valid (compact))
                g_error ("substitution not detected: %s (from %s)", compact, id);
              n_substitutions++;
            }
          compact[pos] = original;
        }

      for (guint pos = 0; pos + 1 < KS_KPID_COMPACT_LEN; pos++)
        {
          char a = compact[pos], b = compact[pos + 1];

          if (a == b)
            continue;
          compact[pos] = b;
          compact[pos + 1] = a;
          if (check_state (compact) == 0 || ks_kpid_is_valid (compact))
            g_error ("adjacent swap not detected: %s (from %s)", compact, id);
          n_swaps++;
          compact[pos] = a;
          compact[pos + 1] = b;
        }
    }

  g_assert_cmpuint (n_substitutions, ==, N_GENERATED * KS_KPID_COMPACT_LEN * (N_SYMBOLS - 1));
  g_assert_cmpuint (n_swaps, >, N_GENERATED * 10);
  g_test_message ("%u substitutions and %u adjacent swaps, all detected", n_substitutions,
                  n_swaps);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kpid/quasigroup", test_kpid_quasigroup);
  g_test_add_func ("/kpid/format-and-parse", test_kpid_format_and_parse);
  g_test_add_func ("/kpid/parse-errors", test_kpid_parse_errors);
  g_test_add_func ("/kpid/detects-errors", test_kpid_detects_errors);

  return g_test_run ();
}
