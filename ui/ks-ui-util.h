/* ks-ui-util.h: small helpers the pages share: district and tehsil pickers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-reference.h"

G_BEGIN_DECLS

GtkDropDown *ks_district_drop_down_new (KsReference *reference);
const char  *ks_district_drop_down_get_code (GtkDropDown *drop_down);
void         ks_district_drop_down_set_code (GtkDropDown *drop_down,
                                             const char  *code);
void         ks_tehsil_drop_down_set_district (GtkDropDown *drop_down,
                                               KsReference *reference,
                                               const char  *district_code);
const char  *ks_tehsil_drop_down_get_code (GtkDropDown *drop_down);
void         ks_tehsil_drop_down_set_code (GtkDropDown *drop_down,
                                           const char  *code);
GtkDropDown *ks_tehsil_drop_down_new (void);
void         ks_ui_mark_training (GtkWindow *window);
void         ks_ui_drop_focus_on_close (GtkWindow *window);
void         ks_ui_focus_on_show (GtkWidget *page,
                                  GtkWidget *first);
void         ks_ui_skip_reveal_buttons (GtkWidget *root);
void         ks_ui_toast (GtkWidget  *widget,
                          const char *message);
void         ks_ui_show_error (GtkWidget  *widget,
                               const char *heading,
                               const char *body);

G_END_DECLS
