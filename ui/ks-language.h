/* ks-language.h: switching the station's language while it runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void        ks_language_apply (const char *code);
const char *ks_language_get_applied (void);
gboolean    ks_language_applied_is_rtl (void);

G_END_DECLS
