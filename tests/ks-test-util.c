/* ks-test-util.c: helpers every test program may use, core and UI alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ks-test-util.h"

/**
 * ks_test_rm_rf:
 *
 * Removes a test's temporary folder and everything in it.
 */
void
ks_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        ks_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
