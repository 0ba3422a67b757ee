/* ks-test-util.h: helpers every test program may use, core and UI alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void ks_test_rm_rf (const char *path);

G_END_DECLS
