/* ks-enroll-photo.h: the citizen's photo in the enrollment wizard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-profile.h"

G_BEGIN_DECLS

#define KS_TYPE_ENROLL_PHOTO (ks_enroll_photo_get_type ())

G_DECLARE_FINAL_TYPE (KsEnrollPhoto, ks_enroll_photo, KS, ENROLL_PHOTO, AdwPreferencesGroup)

void        ks_enroll_photo_set_profile (KsEnrollPhoto *self,
                                         KsProfile     *profile);
void        ks_enroll_photo_set_sealed (KsEnrollPhoto *self,
                                        const char    *sealed);
const char *ks_enroll_photo_get_sealed (KsEnrollPhoto *self);
void        ks_enroll_photo_load_file (KsEnrollPhoto *self,
                                       GFile         *file);
GtkWidget  *ks_enroll_photo_get_row (KsEnrollPhoto *self);

G_END_DECLS
