/* test-base45.c: Base45 against RFC 9285's examples and rejections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-base45.h"
#include "ks-credential-error.h"

static const struct
{
  const char *bytes;
  const char *text;
} examples[] = {
  { "AB", "BB8" },                      /* RFC 9285 4.3 */
  { "Hello!!", "%69 VD92EX0" },         /* RFC 9285 4.3 */
  { "base-45", "UJCLQE7W581" },         /* RFC 9285 4.3 */
  { "ietf!", "QED8WEX0" },              /* RFC 9285 4.4 */
  { "", "" },
};

static void
test_base45_examples (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *text = ks_base45_encode ((const guint8 *)examples[i].bytes,
                                                strlen (examples[i].bytes));
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = ks_base45_decode (examples[i].text, -1, &error);

      g_assert_cmpstr (text, ==, examples[i].text);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       examples[i].bytes, strlen (examples[i].bytes));
    }
}

static void
test_base45_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ffff = ks_base45_decode ("FGW", -1, &error);
  g_autoptr(GBytes) ff = NULL;
  static const guint8 expected[] = { 0xff, 0xff };

  /* FGW is 65535, the largest group. */
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (ffff, NULL), g_bytes_get_size (ffff),
                   expected, sizeof expected);

  /* U5 is 255, the largest pair. */
  ff = ks_base45_decode ("U5", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (ff, NULL), g_bytes_get_size (ff), expected, 1);
}

static void
test_base45_rejects (void)
{
  const char *bad[] = {
    "GGW",           /* 65536 */
    "V5",            /* 256 in a final pair */
    "BB8A",          /* dangling single character */
    "A",
    "bb8",           /* lowercase is outside the alphabet */
    "BB8%69 VD92E!", /* '!' */
    "THIS!IS@NOT#VALID$BASE45%DATA",
    "QED8WE\n0",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = ks_base45_decode (bad[i], -1, &error);

      g_assert_null (bytes);
      g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_BASE45);
    }

  {
    /* An embedded NUL is not the end of the text when a length is given. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = ks_base45_decode ("BB\0", 3, &error);
    g_assert_null (bytes);
    g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_BASE45);
  }
}

static void
test_base45_roundtrip (void)
{
  guint8 all[256 * 3];

  for (guint i = 0; i < sizeof all; i++)
    all[i] = (guint8)(i * 7 + i / 256);

  /* Every length parity, every byte value. */
  for (gsize len = 0; len <= sizeof all; len += 37)
    {
      g_autofree char *text = ks_base45_encode (all, len);
      g_autoptr(GBytes) back = ks_base45_decode (text, -1, NULL);

      g_assert_cmpuint (strlen (text), ==, len / 2 * 3 + (len % 2) * 2);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), all, len);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/base45/examples", test_base45_examples);
  g_test_add_func ("/base45/limits", test_base45_limits);
  g_test_add_func ("/base45/rejects", test_base45_rejects);
  g_test_add_func ("/base45/roundtrip", test_base45_roundtrip);

  return g_test_run ();
}
