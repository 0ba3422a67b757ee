/* ks-review-util.h: what the Review page and its child widgets share: read-only field rows and
 * the way they write times, CNICs, districts and reasons
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-reference.h"

G_BEGIN_DECLS

AdwPreferencesGroup *ks_review_add_group (GtkBox     *box,
                                          const char *title);
void                 ks_review_add_field_row (AdwPreferencesGroup *group,
                                              const char          *title,
                                              const char          *value);
void                 ks_review_remove_children (GtkBox *box);
GdkTexture          *ks_review_finger_texture (GBytes *grey,
                                               guint   width,
                                               guint   height);
char                *ks_review_format_time (gint64 usec);
char                *ks_review_format_cnic (const char *cnic);
const char          *ks_review_reason_label (KsReference *reference,
                                             const char  *id);
const char          *ks_review_district_label (KsReference *reference,
                                               const char  *code);
const char          *ks_review_tehsil_label (KsReference *reference,
                                             const char  *code);

G_END_DECLS
