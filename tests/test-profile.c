/* test-profile.c: profile folders and the one-station-per-profile lock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "ks-audit.h"
#include "ks-profile.h"
#include "ks-station.h"
#include "ks-audit-testing.h"

static void
test_profile_names (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-profile-XXXXXX", NULL);
  const char *bad[] = { "", "../etc", "a b", "x/y", "waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaytoolong" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsProfile) p = ks_profile_new (bad[i], dir, &error);
      g_assert_null (p);
      g_assert_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_INVALID_NAME);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsProfile) p = ks_profile_new ("training", dir, &error);
    g_autofree char *expected = g_build_filename (dir, "training", NULL);
    g_assert_no_error (error);
    g_assert_true (ks_profile_is_training (p));
    g_assert_cmpstr (ks_profile_get_dir (p), ==, expected);
    g_assert_true (g_file_test (expected, G_FILE_TEST_IS_DIR));
  }
  {
    g_autoptr(KsProfile) p = ks_profile_new ("production", dir, NULL);
    g_assert_false (ks_profile_is_training (p));
  }
}

static void
test_profile_second_instance (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-profile-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsProfile) first = ks_profile_new ("production", dir, &error);
  g_autoptr(KsProfile) second = ks_profile_new ("production", dir, &error);
  g_autoptr(KsProfile) other = ks_profile_new ("training", dir, &error);
  g_autofree char *pid = g_strdup_printf ("%d", (int)getpid ());

  g_assert_no_error (error);
  g_assert_true (ks_profile_lock (first, &error));
  g_assert_no_error (error);

  /* The same profile is refused, naming the process that holds it. */
  g_assert_false (ks_profile_lock (second, &error));
  g_assert_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_IN_USE);
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* Another profile is independent. */
  g_assert_true (ks_profile_lock (other, &error));
  g_assert_no_error (error);

  /* Once the first station closes, the profile is free again. */
  g_clear_object (&first);
  g_assert_true (ks_profile_lock (second, &error));
  g_assert_no_error (error);
}

static void
test_profile_not_writable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-profile-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsProfile) p = NULL;

  /* A regular file where a folder should be: refused even for root. */
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  p = ks_profile_new ("production", file, &error);
  g_assert_null (p);
  g_assert_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_NOT_WRITABLE);
  g_assert_nonnull (strstr (error->message, "--data-dir"));
  g_clear_error (&error);

  /* A read-only folder: only meaningful when not root (root writes anyway). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (dir, "ro", NULL);
      g_assert_cmpint (g_mkdir (ro, 0500), ==, 0);
      p = ks_profile_new ("production", ro, &error);
      g_assert_null (p);
      g_assert_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_NOT_WRITABLE);
    }
}

static guint
mode_of (const char *dir,
         const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Names, CNICs and the audit log: readable by the station's user only, from the first start;
 * a profile left readable to others (by hand, or by an earlier station) is set back and the
 * change is in the audit log. */
static void
test_profile_private (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-profile-XXXXXX", NULL);
  g_autofree char *profile_dir = g_build_filename (dir, "production", NULL);
  g_autofree char *db = g_build_filename (profile_dir, "station.db", NULL);
  g_autofree char *notes = g_build_filename (profile_dir, "notes", NULL);
  g_autofree char *note = g_build_filename (notes, "n.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KsStation *station;
  const KsAuditEntry *entry = NULL;

  /* A system with the usual umask: what made station.db 0644 before. */
  umask (022);
  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (profile_dir, "."), ==, 0700);
  g_assert_cmpuint (mode_of (profile_dir, "station.db"), ==, 0600);
  g_assert_cmpuint (mode_of (profile_dir, "station.db-wal"), ==, 0600);
  g_assert_cmpuint (mode_of (profile_dir, "station.db-shm"), ==, 0600);
  g_assert_cmpint (ks_audit_count (ks_station_get_store (station)), >=, 0);
  g_object_unref (station);

  /* Opened up by hand, with a folder of its own. */
  g_assert_cmpint (g_chmod (profile_dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  g_assert_cmpint (g_mkdir (notes, 0755), ==, 0);
  g_assert_true (g_file_set_contents (note, "x", 1, NULL));
  g_assert_cmpint (g_chmod (note, 0644), ==, 0);

  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (profile_dir, "."), ==, 0700);
  g_assert_cmpuint (mode_of (profile_dir, "station.db"), ==, 0600);
  g_assert_cmpuint (mode_of (profile_dir, "notes"), ==, 0700);
  g_assert_cmpuint (mode_of (profile_dir, "notes/n.txt"), ==, 0600);

  entries = ks_audit_list (ks_station_get_store (station), "production", 10, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    if (g_str_equal (((KsAuditEntry *)g_ptr_array_index (entries, i))->action,
                     "permissions-repaired"))
      entry = g_ptr_array_index (entries, i);
  g_assert_nonnull (entry);
  g_assert_nonnull (strstr (entry->detail, "station.db 0644→0600"));
  g_assert_nonnull (strstr (entry->detail, "notes/n.txt 0644→0600"));
  g_assert_true (ks_audit_verify (ks_station_get_store (station), NULL, &error));
  g_object_unref (station);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/names", test_profile_names);
  g_test_add_func ("/profile/second-instance", test_profile_second_instance);
  g_test_add_func ("/profile/not-writable", test_profile_not_writable);
  g_test_add_func ("/profile/private", test_profile_private);
  return g_test_run ();
}
