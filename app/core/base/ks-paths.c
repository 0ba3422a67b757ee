/* ks-paths.c: whether the station runs from its build tree or from where it was installed
 *
 * A program started from the build tree (`./station run`, the tests, the benchmarks) reads its
 * data (reference files, icons) from the source tree, so a change shows without installing; an
 * installed program (a Debian package, `meson install`) reads only its installed copies, even on
 * the machine that built it, where the source tree still exists.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "khyber-station"

#include "config.h"

#include "ks-paths.h"

/**
 * ks_paths_running_uninstalled:
 *
 * Returns: %TRUE when the running program lies inside the build folder it was built in
 */
gboolean
ks_paths_running_uninstalled (void)
{
  static gsize done = 0;
  static gboolean uninstalled = FALSE;

  if (g_once_init_enter (&done))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

      uninstalled = exe != NULL && g_str_has_prefix (exe, BUILD_ROOT G_DIR_SEPARATOR_S);
      g_once_init_leave (&done, 1);
    }
  return uninstalled;
}

/**
 * ks_paths_source_data_dir:
 *
 * Returns: (transfer full) (nullable): the source tree's `data` folder when running uninstalled
 *   and that folder exists, else %NULL
 */
char *
ks_paths_source_data_dir (void)
{
  if (!ks_paths_running_uninstalled () || !g_file_test (SOURCE_DATADIR, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_strdup (SOURCE_DATADIR);
}
