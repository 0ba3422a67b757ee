/* ks-paths.h: whether the station runs from its build tree or from where it was installed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean ks_paths_running_uninstalled (void);
char    *ks_paths_source_data_dir (void);

G_END_DECLS
