/* ks-enroll-start.h: the enrollment start page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define KS_TYPE_ENROLL_START (ks_enroll_start_get_type ())

G_DECLARE_FINAL_TYPE (KsEnrollStart, ks_enroll_start, KS, ENROLL_START, AdwBin)

void ks_enroll_start_set_drafts (KsEnrollStart *self,
                                 GPtrArray     *mine,
                                 GPtrArray     *stale);
void ks_enroll_start_show_message (KsEnrollStart *self,
                                   const char    *message);
void ks_enroll_start_focus_new (KsEnrollStart *self);

G_END_DECLS
