/* ks-slip-view.h: the enrollment slip on screen, with print and save actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-slip.h"

G_BEGIN_DECLS

#define KS_TYPE_SLIP_VIEW (ks_slip_view_get_type ())

G_DECLARE_FINAL_TYPE (KsSlipView, ks_slip_view, KS, SLIP_VIEW, GtkWidget)

GtkWidget *ks_slip_view_new (void);
void       ks_slip_view_set_slip (KsSlipView *self,
                                  KsSlip     *slip);
KsSlip    *ks_slip_view_get_slip (KsSlipView *self);

G_END_DECLS
