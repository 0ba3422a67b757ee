/* ks-photo.h: the citizen's photo, kept encrypted like the other biometric data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-profile.h"
#include "ks-vault.h"

G_BEGIN_DECLS

/* Largest photo kept, in pixels: a passport photo printed on a card needs no more. */
#define KS_PHOTO_MAX_WIDTH  300
#define KS_PHOTO_MAX_HEIGHT 400

char   *ks_photo_seal (KsProfile *profile,
                       GBytes    *png,
                       GError   **error);
GBytes *ks_photo_open (KsProfile  *profile,
                       const char *sealed,
                       GError    **error);
GBytes *ks_photo_open_with_vault (KsVault    *vault,
                                  const char *sealed,
                                  GError    **error);

void    ks_photo_import_async (KsProfile          *profile,
                               GFile              *file,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
void    ks_photo_import_bytes_async (KsProfile          *profile,
                                     GBytes             *image,
                                     GCancellable       *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer            user_data);
char   *ks_photo_import_finish (GAsyncResult *result,
                                GBytes      **png,
                                GError      **error);
void    ks_photo_open_async (KsProfile          *profile,
                             const char         *sealed,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
GBytes *ks_photo_open_finish (GAsyncResult *result,
                              GError      **error);

G_END_DECLS
