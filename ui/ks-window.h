/* ks-window.h: the station's main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_WINDOW (ks_window_get_type ())

G_DECLARE_FINAL_TYPE (KsWindow, ks_window, KS, WINDOW, AdwApplicationWindow)

KsWindow   *ks_window_new (GtkApplication *application,
                           KsStation      *station);
KsStation  *ks_window_get_station (KsWindow *self);
const char *ks_window_get_mode (KsWindow *self);
void        ks_window_show_toast (KsWindow   *self,
                                  const char *message);
void        ks_window_session_started (KsWindow  *self,
                                       KsSession *session);
void        ks_window_lock (KsWindow *self);
KsWindow   *ks_window_recreate (KsWindow *self);
void        ks_window_switch_profile_async (KsWindow           *self,
                                            const char         *profile,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
KsWindow   *ks_window_switch_profile_finish (KsWindow     *self,
                                             GAsyncResult *result,
                                             GError      **error);
void        _ks_window_set_idle_lock_seconds (KsWindow *self,
                                              guint     seconds);

G_END_DECLS
