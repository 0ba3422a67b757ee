/* ks-card-view.h: a card's front and back on screen, with print and save actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-card.h"
#include "ks-card-print.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_CARD_VIEW (ks_card_view_get_type ())

G_DECLARE_FINAL_TYPE (KsCardView, ks_card_view, KS, CARD_VIEW, GtkWidget)

GtkWidget *ks_card_view_new (void);
void       ks_card_view_set_station (KsCardView *self,
                                     KsStation  *station);
void       ks_card_view_set_card (KsCardView *self,
                                  KsCard     *card);
KsCard    *ks_card_view_get_card (KsCardView *self);
void       ks_card_view_print (KsCardView       *self,
                               KsCardPrintLayout layout,
                               GtkWindow        *parent);
void       ks_card_view_save (KsCardView *self,
                              const char *format);
void       ks_card_view_export_async (KsCardView         *self,
                                      const char         *path,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
gboolean   ks_card_view_export_finish (KsCardView   *self,
                                       GAsyncResult *result,
                                       GError      **error);

G_END_DECLS
