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

/**
 * ks_test_configure_station:
 * @supervisor: a supervisor's session: settings change only through core, as in Settings
 *
 * Sets the district and station code as a supervisor does, and switches the free-disk rule off
 * (a nearly full CI disk would otherwise stop enrollments in tests that are about something
 * else; tests/test-review.c and tests/test-rules.c cover the rule).
 */
void
ks_test_configure_station (KsStationConfig *config,
                           KsSession       *supervisor,
                           const char      *district,
                           const char      *station_code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_station_config_set_string (config, supervisor, "district", district, &error));
  g_assert_no_error (error);
  g_assert_true (ks_station_config_set_string (config, supervisor, "station-code", station_code,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (ks_station_config_set_uint (config, supervisor, "min-free-disk-mb", 0, &error));
  g_assert_no_error (error);
}
