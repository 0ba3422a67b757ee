/* test-vault.c: the station key and the encryption of templates and images at rest
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fp-test-util.h"
#include "ks-fingerprint-service.h"
#include "ks-vault.h"

static void
test_key_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-vault-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsVault) first = NULL;
  g_autoptr(KsVault) again = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static ("secret", 6);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) opened = NULL;
  struct stat st;

  /* Created on first use: 32 bytes, owner-only. */
  first = ks_vault_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);

  /* Reopened later, the same key decrypts what the first one sealed. */
  sealed = ks_vault_encrypt (first, plain, "rec-1/1");
  again = ks_vault_open (path, &error);
  g_assert_no_error (error);
  opened = ks_vault_decrypt (again, sealed, "rec-1/1", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));

  /* A key others can read is refused (it may have been copied). */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_clear_object (&again);
  again = ks_vault_open (path, &error);
  g_assert_null (again);
  g_assert_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  /* A truncated key is refused, never padded. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (g_file_set_contents (path, "short", 5, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  again = ks_vault_open (path, &error);
  g_assert_null (again);
  g_assert_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE);
  g_clear_error (&error);

  /* A missing folder says so. */
  {
    g_autofree char *nowhere = g_build_filename (dir, "missing", "station.key", NULL);
    g_autoptr(KsVault) none = ks_vault_open (nowhere, &error);
    g_assert_null (none);
    g_assert_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE);
  }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_tamper_and_context (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-vault-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.key", NULL);
  g_autoptr(KsVault) vault = ks_vault_open (path, NULL);
  g_autoptr(GBytes) plain = g_bytes_new_static ("FP3 template bytes", 18);
  g_autoptr(GBytes) a = ks_vault_encrypt (vault, plain, "rec-1/2");
  g_autoptr(GBytes) b = ks_vault_encrypt (vault, plain, "rec-1/2");
  struct
  {
    const char *ad;
    gboolean flip;
    gsize truncate;
  } cases[] = {
    { "rec-2/2", FALSE, 0 },  /* copied onto another citizen's row */
    { "rec-1/3", FALSE, 0 },  /* or another finger */
    { "rec-1/2", TRUE, 0 },   /* one bit changed */
    { "rec-1/2", FALSE, 10 }, /* cut short */
  };

  g_assert_nonnull (vault);
  /* Random nonce: the same plaintext never gives the same blob. */
  g_assert_false (g_bytes_equal (a, b));
  g_assert_cmpuint (g_bytes_get_size (a), ==, 24 + 18 + 16);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len;
      guint8 *copy = g_memdup2 (g_bytes_get_data (a, &len), g_bytes_get_size (a));
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;

      if (cases[i].flip)
        copy[30] ^= 0x01;
      bad = g_bytes_new_take (copy, len - cases[i].truncate);
      out = ks_vault_decrypt (vault, bad, cases[i].ad, &error);
      g_assert_null (out);
      g_assert_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_CORRUPT);
    }

  g_clear_object (&vault);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
contains (const guint8 *hay, gsize hay_len, const guint8 *needle, gsize needle_len)
{
  if (needle_len == 0 || needle_len > hay_len)
    return needle_len == 0;
  for (const guint8 *p = hay; (p = memchr (p, needle[0], hay + hay_len - needle_len + 1 - p)); p++)
    if (memcmp (p, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
test_sqlite_holds_no_plaintext (void)
{
  g_autoptr(FptRig) rig = fpt_rig_new_virtual_image ();
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (4242, 5);
  g_autofree char *dir = g_dir_make_tmp ("ks-vault-XXXXXX", NULL);
  g_autofree char *key = g_build_filename (dir, "station.key", NULL);
  g_autofree char *db_path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(KsVault) vault = ks_vault_open (key, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) template_print = NULL;
  g_autoptr(GBytes) template_blob = NULL;
  g_autoptr(GBytes) image = NULL;
  g_autoptr(GBytes) sealed_template = NULL;
  g_autoptr(GBytes) sealed_image = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autofree guchar *serialized = NULL;
  g_autofree char *file = NULL;
  gsize serialized_len = 0, file_len = 0;
  const guint8 *t, *img;
  gsize t_len, img_len;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint w, h, windows = 0;

  template_print = fpt_enroll (rig, finger, 0, &error);
  g_assert_no_error (error);
  g_assert_true (fp_print_serialize (template_print, &serialized, &serialized_len, &error));
  g_assert_cmpmem (serialized, 3, "FP3", 3);
  template_blob = g_bytes_new (serialized, serialized_len);
  image = ks_fpsynth_finger_render (finger, 0, KS_FPSYNTH_NORMAL, &w, &h);

  sealed_template = ks_vault_encrypt (vault, template_blob, "rec-9/5");
  sealed_image = ks_vault_encrypt (vault, image, "rec-9/5/image");

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE fingers (id TEXT, template BLOB, image BLOB)",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (
    sqlite3_prepare_v2 (db, "INSERT INTO fingers VALUES ('rec-9', ?, ?)", -1, &stmt, NULL), ==,
    SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (sealed_template, NULL),
                     g_bytes_get_size (sealed_template), SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, g_bytes_get_data (sealed_image, NULL),
                     g_bytes_get_size (sealed_image), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  /* The database FILE: neither the template (no "FP3" blob header, no 32-byte window of it) nor
   * any 32-byte window of the image. */
  g_assert_true (g_file_get_contents (db_path, &file, &file_len, NULL));
  t = g_bytes_get_data (template_blob, &t_len);
  img = g_bytes_get_data (image, &img_len);
  g_assert_false (contains ((guint8 *)file, file_len, t, MIN (t_len, 64)));
  for (gsize off = 0; off + 32 <= t_len; off += 1)
    {
      g_assert_false (contains ((guint8 *)file, file_len, t + off, 32));
      windows++;
    }
  for (gsize off = 0; off + 32 <= img_len; off += 32)
    g_assert_false (contains ((guint8 *)file, file_len, img + off, 32));
  g_test_message ("database %zu bytes, %u template windows and %zu image windows absent", file_len,
                  windows, img_len / 32);

  /* Control: the scan finds plaintext when it is there, and the key brings the template back. */
  g_assert_true (contains (t, t_len, t + t_len / 2, 32));
  g_assert_true (contains ((guint8 *)file, file_len, g_bytes_get_data (sealed_template, NULL), 64));
  back = ks_vault_decrypt (vault, sealed_template, "rec-9/5", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, template_blob));
  {
    g_autoptr(FpPrint) restored
      = fp_print_deserialize (g_bytes_get_data (back, NULL), g_bytes_get_size (back), &error);
    g_assert_no_error (error);
    g_assert_cmpint (ks_fp_match_score (restored, template_print), >=, KS_FP_MATCH_THRESHOLD);
  }

  g_unlink (db_path);
  g_unlink (key);
  g_rmdir (dir);
}

/* Error domains print as their names (a formatter once turned them into "ks - vault - ..."). */
static void
test_error_domains (void)
{
  g_assert_cmpstr (g_quark_to_string (KS_VAULT_ERROR), ==, "ks-vault-error-quark");
  g_assert_cmpstr (g_quark_to_string (KS_FINGERPRINT_ERROR), ==, "ks-fingerprint-error-quark");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vault/key-file", test_key_file);
  g_test_add_func ("/vault/error-domains", test_error_domains);
  g_test_add_func ("/vault/tamper-and-context", test_tamper_and_context);
  g_test_add_func ("/vault/sqlite-holds-no-plaintext", test_sqlite_holds_no_plaintext);
  return g_test_run ();
}
