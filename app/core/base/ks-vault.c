/* ks-vault.c: encryption of biometric data at rest with the station's own key
 *
 * Fingerprint templates and images are stored in SQLite only as XChaCha20-Poly1305 ciphertext
 * (libsodium's crypto_aead_xchacha20poly1305_ietf): a copied database file reveals nothing without
 * the 32-byte key, which lives in its own file, mode 0600, outside the database (so a backup of
 * the database alone is useless to a thief). The random 24-byte nonce is stored in front of each
 * ciphertext: XChaCha's nonce is long enough that random nonces never repeat in practice.
 * The associated data (record id + finger) binds each blob to its row: a blob copied onto another
 * citizen's row fails to decrypt instead of silently swapping fingers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-vault"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "ks-vault.h"

#define KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

struct _KsVault
{
  GObject parent_instance;

  guint8 key[KEY_BYTES];
};

G_DEFINE_TYPE (KsVault, ks_vault, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-vault-error-quark, ks_vault_error)

static void
ks_vault_finalize (GObject *object)
{
  KsVault *self = (KsVault *)object;

  sodium_memzero (self->key, sizeof self->key);

  G_OBJECT_CLASS (ks_vault_parent_class)->finalize (object);
}

static void
ks_vault_class_init (KsVaultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_vault_finalize;
}

static void
ks_vault_init (KsVault *self)
{
}

static gboolean
read_key (int fd, guint8 *key, gsize len)
{
  gsize got = 0;

  while (got < len)
    {
      ssize_t n = read (fd, key + got, len - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      got += n;
    }
  /* One byte more means this is not a key file we wrote. */
  {
    guint8 extra;
    return read (fd, &extra, 1) == 0;
  }
}

static gboolean
write_key (int fd, const guint8 *key, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write (fd, key + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return fsync (fd) == 0;
}

/**
 * ks_vault_open:
 * @key_path: the station key file (e.g. in the profile folder, NOT inside the database)
 *
 * Reads the station key, creating it (random, mode 0600) when the file does not exist. Refuses a
 * key file that others can read or that does not hold exactly 32 bytes.
 */
KsVault *
ks_vault_open (const char *key_path, GError **error)
{
  g_autoptr(KsVault) self = NULL;
  struct stat st;
  int fd;

  g_return_val_if_fail (key_path != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error_literal (error, KS_VAULT_ERROR, KS_VAULT_ERROR_CRYPTO,
                           _("The encryption library could not start. Restart the station; if "
                             "it happens again, call support."));
      return NULL;
    }

  self = g_object_new (KS_TYPE_VAULT, NULL);

  /* O_EXCL: two stations starting at once must not both write a key and keep different ones. */
  fd = g_open (key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    {
      gboolean ok;

      randombytes_buf (self->key, sizeof self->key);
      ok = write_key (fd, self->key, sizeof self->key);
      close (fd);
      if (!ok)
        {
          int saved_errno = errno;
          g_unlink (key_path);
          g_set_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE,
                       _("The station key %s could not be written (%s). Free some disk space "
                         "and restart the station."),
                       key_path, g_strerror (saved_errno));
          return NULL;
        }
      return g_steal_pointer (&self);
    }
  if (errno != EEXIST)
    {
      int saved_errno = errno;
      g_set_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE,
                   _("The station key %s could not be created (%s). Check that the profile "
                     "folder exists and is writable."),
                   key_path, g_strerror (saved_errno));
      return NULL;
    }

  fd = g_open (key_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE,
                   _("The station key %s cannot be read (%s). Ask your administrator to restore "
                     "it from the station backup."),
                   key_path, g_strerror (saved_errno));
      return NULL;
    }
  if ((st.st_mode & 077) != 0 || st.st_uid != geteuid ())
    {
      close (fd);
      g_set_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE,
                   _("The station key %s can be read by other users. Nothing was decrypted. Ask "
                     "your administrator to run “chmod 600” on it and to check who copied it."),
                   key_path);
      return NULL;
    }
  if (!read_key (fd, self->key, sizeof self->key))
    {
      close (fd);
      sodium_memzero (self->key, sizeof self->key);
      g_set_error (error, KS_VAULT_ERROR, KS_VAULT_ERROR_KEY_UNREADABLE,
                   _("The station key %s is damaged (it must hold exactly 32 bytes). Ask your "
                     "administrator to restore it from the station backup."),
                   key_path);
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&self);
}

/**
 * ks_vault_encrypt:
 * @associated_data: (nullable): text bound to the ciphertext, e.g. "record-id/finger"; the same
 *   must be given to decrypt
 *
 * Returns: (transfer full): nonce (24 bytes) + ciphertext + tag (16 bytes)
 */
GBytes *
ks_vault_encrypt (KsVault *self, GBytes *plaintext, const char *associated_data)
{
  const guint8 *data;
  gsize len;
  guint8 *out;
  unsigned long long clen = 0;

  g_return_val_if_fail (KS_IS_VAULT (self), NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);

  data = g_bytes_get_data (plaintext, &len);
  out = g_malloc (NONCE_BYTES + len + TAG_BYTES);
  randombytes_buf (out, NONCE_BYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt (
    out + NONCE_BYTES, &clen, data, len, (const guint8 *)associated_data,
    associated_data ? strlen (associated_data) : 0, NULL, out, self->key);
  return g_bytes_new_take (out, NONCE_BYTES + clen);
}

static void
wipe_and_free (gpointer data)
{
  gsize len = *(gsize *)data;

  sodium_memzero (data, len + sizeof (gsize));
  g_free (data);
}

/**
 * ks_vault_decrypt:
 *
 * Returns: (transfer full): the plaintext, wiped from memory when the last reference goes; %NULL
 *   with %KS_VAULT_ERROR_CORRUPT when the blob was altered or belongs to other associated data
 */
GBytes *
ks_vault_decrypt (KsVault *self, GBytes *ciphertext, const char *associated_data, GError **error)
{
  const guint8 *data;
  gsize len;
  guint8 *block;
  unsigned long long mlen = 0;

  g_return_val_if_fail (KS_IS_VAULT (self), NULL);
  g_return_val_if_fail (ciphertext != NULL, NULL);

  data = g_bytes_get_data (ciphertext, &len);
  if (len < NONCE_BYTES + TAG_BYTES)
    goto corrupt;

  /* The length is kept in front of the plaintext so the free function can wipe it all. */
  block = g_malloc (sizeof (gsize) + len);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (
        block + sizeof (gsize), &mlen, NULL, data + NONCE_BYTES, len - NONCE_BYTES,
        (const guint8 *)associated_data, associated_data ? strlen (associated_data) : 0, data,
        self->key)
      != 0)
    {
      g_free (block);
      goto corrupt;
    }
  *(gsize *)(gpointer)block = mlen;
  return g_bytes_new_with_free_func (block + sizeof (gsize), mlen, wipe_and_free, block);

corrupt:
  g_set_error_literal (
    error, KS_VAULT_ERROR, KS_VAULT_ERROR_CORRUPT,
    _("A stored fingerprint could not be decrypted: the record was altered or "
      "copied from elsewhere. Re-capture the fingers of this citizen and report "
      "the record to your supervisor."));
  return NULL;
}
