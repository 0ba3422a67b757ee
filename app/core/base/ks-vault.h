/* ks-vault.h: encryption of biometric data at rest with the station's own key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define KS_VAULT_ERROR (ks_vault_error_quark ())

typedef enum
{
  KS_VAULT_ERROR_KEY_UNREADABLE = 1, /* missing folder, wrong size, wrong permissions */
  KS_VAULT_ERROR_CORRUPT,            /* ciphertext altered, or other associated data */
  KS_VAULT_ERROR_CRYPTO,             /* libsodium could not initialise */
} KsVaultError;

#define KS_TYPE_VAULT (ks_vault_get_type ())

G_DECLARE_FINAL_TYPE (KsVault, ks_vault, KS, VAULT, GObject)

GQuark ks_vault_error_quark (void);
KsVault *ks_vault_open (const char *key_path, GError **error);
GBytes *ks_vault_encrypt (KsVault *self, GBytes *plaintext, const char *associated_data);
GBytes *ks_vault_decrypt (KsVault *self, GBytes *ciphertext, const char *associated_data,
                          GError **error);

G_END_DECLS
