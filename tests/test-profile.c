/* test-profile.c: profile folders and the one-station-per-profile lock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#include "ks-profile.h"

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

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/profile/names", test_profile_names);
  g_test_add_func ("/profile/second-instance", test_profile_second_instance);
  g_test_add_func ("/profile/not-writable", test_profile_not_writable);
  return g_test_run ();
}
