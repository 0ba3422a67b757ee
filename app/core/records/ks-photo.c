/* ks-photo.c: the citizen's photo, kept encrypted like the other biometric data
 *
 * A face photo is biometric data, so it never reaches the disk in the clear: the record (and its
 * draft) hold it sealed with the station's biometric key (KsVault, XChaCha20-Poly1305, key file
 * outside the database), as base64 text so it travels inside the record's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-photo"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "ks-photo.h"
#include "ks-vault.h"

/* Associated data: a sealed photo cannot be passed off as a sealed fingerprint, or back. */
#define PHOTO_AD "khyber-pass/photo/v1"

static KsVault *
open_vault (KsProfile *profile,
            GError   **error)
{
  g_autofree char *dir = ks_profile_build_path (profile, "keys");
  g_autofree char *path = g_build_filename (dir, "biometrics.key", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The station cannot create its key folder %s. Check the disk."), dir);
      return NULL;
    }
  return ks_vault_open (path, error);
}

/**
 * ks_photo_seal:
 * @png: the photo, PNG bytes
 *
 * Returns: (transfer full): the sealed photo as base64 text, for the record's photo field
 */
char *
ks_photo_seal (KsProfile *profile,
               GBytes    *png,
               GError   **error)
{
  g_autoptr(KsVault) vault = open_vault (profile, error);
  g_autoptr(GBytes) sealed = NULL;

  if (vault == NULL)
    return NULL;
  sealed = ks_vault_encrypt (vault, png, PHOTO_AD);
  return g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
}

/**
 * ks_photo_open:
 *
 * Returns: (transfer full): the PNG bytes of a photo sealed by ks_photo_seal() at this station
 */
GBytes *
ks_photo_open (KsProfile  *profile,
               const char *sealed,
               GError    **error)
{
  g_autoptr(KsVault) vault = open_vault (profile, error);
  g_autoptr(GBytes) blob = NULL;
  guchar *data;
  gsize len;

  if (vault == NULL)
    return NULL;
  data = g_base64_decode (sealed, &len);
  blob = g_bytes_new_take (data, len);
  return ks_vault_decrypt (vault, blob, PHOTO_AD, error);
}
