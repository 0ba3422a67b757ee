/* ks-hands-view.h: both hands seen from above, each fingertip a button
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <fprint.h>

G_BEGIN_DECLS

/* How a finger is filled in; the colours only repeat what its button's icon and name say. */
typedef enum
{
  KS_HANDS_FILL_NOT_REQUIRED,
  KS_HANDS_FILL_PENDING,
  KS_HANDS_FILL_MISSING,
  KS_HANDS_FILL_FORCED,
  KS_HANDS_FILL_FAIR,
  KS_HANDS_FILL_GOOD,
} KsHandsFill;

#define KS_TYPE_HANDS_VIEW (ks_hands_view_get_type ())

G_DECLARE_FINAL_TYPE (KsHandsView, ks_hands_view, KS, HANDS_VIEW, AdwBin)

void       ks_hands_view_set_finger (KsHandsView *self,
                                     FpFinger     finger,
                                     KsHandsFill  fill,
                                     const char  *icon_name,
                                     const char  *text,
                                     gboolean     sensitive);
void       ks_hands_view_set_selected (KsHandsView *self,
                                       FpFinger     finger);
GtkWidget *ks_hands_view_get_button (KsHandsView *self,
                                     FpFinger     finger);

G_END_DECLS
