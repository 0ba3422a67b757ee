/* ks-error-window.h: the station cannot start, and says why and what to do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KS_TYPE_ERROR_WINDOW (ks_error_window_get_type ())

G_DECLARE_FINAL_TYPE (KsErrorWindow, ks_error_window, KS, ERROR_WINDOW, AdwApplicationWindow)

KsErrorWindow *ks_error_window_new (GtkApplication *application,
                                    const GError   *error);

G_END_DECLS
