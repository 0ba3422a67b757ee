/* ks-profile.h: the station's profiles (production, training) and their data folders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KS_PROFILE_ERROR (ks_profile_error_quark ())

typedef enum
{
  KS_PROFILE_ERROR_INVALID_NAME = 1,
  KS_PROFILE_ERROR_NOT_WRITABLE,
  KS_PROFILE_ERROR_IN_USE,
} KsProfileError;

typedef enum
{
  KS_PROFILE_KIND_PRODUCTION,
  KS_PROFILE_KIND_TRAINING,
} KsProfileKind;

#define KS_TYPE_PROFILE (ks_profile_get_type ())

G_DECLARE_FINAL_TYPE (KsProfile, ks_profile, KS, PROFILE, GObject)

GQuark         ks_profile_error_quark (void);
KsProfile     *ks_profile_new (const char *name,
                               const char *data_dir,
                               GError    **error);
const char    *ks_profile_get_name (KsProfile *self);
KsProfileKind  ks_profile_get_kind (KsProfile *self);
gboolean       ks_profile_is_training (KsProfile *self);
const char    *ks_profile_get_dir (KsProfile *self);
char          *ks_profile_build_path (KsProfile  *self,
                                      const char *file_name);
gboolean       ks_profile_lock (KsProfile *self,
                                GError   **error);
gboolean       ks_profile_is_locked (KsProfile *self);
GPtrArray     *ks_profile_repair_permissions (KsProfile *self);

G_END_DECLS
