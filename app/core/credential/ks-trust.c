/* ks-trust.c: the station's signing key, station certificates and the verifier's trust list
 *
 * Two levels, as in a small PKI: a registry root key signs each station's public key (a station
 * certificate with a validity period), and stations sign cards. A verifier holds the root keys
 * and the certificates, so it works offline; revoking a station is one kid in the list.
 *
 * Until a registry exists, set-up makes a development root next to the station key and marks it
 * "development" in the trust list, so every card it signs can be told apart from a real one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-trust"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "ks-cbor.h"
#include "ks-credential-error.h"
#include "ks-json-bounds.h"
#include "ks-trust.h"
#include "ks-trust-testing.h"

#define TRUST_FORMAT "khyber-pass-trust-list"
#define CERT_CONTEXT "KhyberPassStationCert"
/* Long enough to outlive the first cards; a registry certificate replaces it anyway. */
#define DEV_VALIDITY_SECONDS ((gint64)20 * 366 * 24 * 3600)

G_DEFINE_QUARK (ks-trust-error-quark, ks_trust_error)

/* Station certificates */

/**
 * ks_station_cert_signed_bytes:
 *
 * What a root signs: a CBOR array with a context string (so the signature can never be
 * replayed as a card's) and every field but the signature.
 */
GBytes *
ks_station_cert_signed_bytes (const KsStationCert *cert)
{
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *pk = g_bytes_get_data (cert->public_key, &len);

  /* Version 2 adds the issuer at the end; a certificate without one signs what version 1
   * did, so certificates made before stay valid. */
  ks_cbor_write_array (out, cert->issuer ? 10 : 9);
  ks_cbor_write_text (out, CERT_CONTEXT);
  ks_cbor_write_uint (out, cert->issuer ? 2 : 1);
  ks_cbor_write_text (out, cert->kid);
  ks_cbor_write_text (out, cert->station_code ? cert->station_code : "");
  ks_cbor_write_int (out, cert->alg);
  ks_cbor_write_bytes (out, pk, len);
  ks_cbor_write_int (out, cert->not_before);
  ks_cbor_write_int (out, cert->not_after);
  ks_cbor_write_text (out, cert->root_id ? cert->root_id : "");
  if (cert->issuer)
    ks_cbor_write_text (out, cert->issuer);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ks_station_cert_new_signed:
 * @root_secret_key: the root's 64-byte Ed25519 secret key; the caller wipes it
 */
KsStationCert *
ks_station_cert_new_signed (const char     *kid,
                            const char     *station_code,
                            KsCoseAlgorithm alg,
                            GBytes         *public_key,
                            gint64          not_before,
                            gint64          not_after,
                            const char     *root_id,
                            const guint8   *root_secret_key)
{
  return ks_station_cert_new_for_issuer (kid, station_code, NULL, alg, public_key, not_before,
                                         not_after, root_id, root_secret_key);
}

/**
 * ks_station_cert_new_for_issuer:
 * @issuer: (nullable): the `iss` of the credentials the key signs (another issuer's key, such
 *   as a MOSIP deployment's), so a credential that names no key can be matched to it
 *
 * As ks_station_cert_new_signed(), for a key that signs another issuer's credentials.
 */
KsStationCert *
ks_station_cert_new_for_issuer (const char     *kid,
                                const char     *station_code,
                                const char     *issuer,
                                KsCoseAlgorithm alg,
                                GBytes         *public_key,
                                gint64          not_before,
                                gint64          not_after,
                                const char     *root_id,
                                const guint8   *root_secret_key)
{
  KsStationCert *cert = g_new0 (KsStationCert, 1);
  g_autoptr(GBytes) tbs = NULL;
  guint8 sig[crypto_sign_BYTES];
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (kid != NULL && public_key != NULL && root_secret_key != NULL, NULL);

  cert->kid = g_strdup (kid);
  cert->station_code = g_strdup (station_code ? station_code : "");
  cert->alg = alg;
  cert->public_key = g_bytes_ref (public_key);
  cert->not_before = not_before;
  cert->not_after = not_after;
  cert->root_id = g_strdup (root_id);
  cert->issuer = g_strdup (issuer);

  tbs = ks_station_cert_signed_bytes (cert);
  data = g_bytes_get_data (tbs, &len);
  crypto_sign_detached (sig, NULL, data, len, root_secret_key);
  cert->signature = g_bytes_new (sig, sizeof sig);
  return cert;
}

KsStationCert *
ks_station_cert_copy (const KsStationCert *cert)
{
  KsStationCert *copy = g_new0 (KsStationCert, 1);

  copy->kid = g_strdup (cert->kid);
  copy->station_code = g_strdup (cert->station_code);
  copy->alg = cert->alg;
  copy->public_key = g_bytes_ref (cert->public_key);
  copy->not_before = cert->not_before;
  copy->not_after = cert->not_after;
  copy->root_id = g_strdup (cert->root_id);
  copy->signature = g_bytes_ref (cert->signature);
  copy->issuer = g_strdup (cert->issuer);
  return copy;
}

void
ks_station_cert_free (KsStationCert *cert)
{
  if (cert == NULL)
    return;
  g_free (cert->kid);
  g_free (cert->station_code);
  g_clear_pointer (&cert->public_key, g_bytes_unref);
  g_free (cert->root_id);
  g_clear_pointer (&cert->signature, g_bytes_unref);
  g_free (cert->issuer);
  g_free (cert);
}

gboolean
ks_station_cert_covers (const KsStationCert *cert,
                        gint64               when)
{
  return when >= cert->not_before && when <= cert->not_after;
}

/* JSON helpers */

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  char *hex = g_malloc (len * 2 + 1);

  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

static GBytes *
from_hex (const char *hex)
{
  gsize max, len = 0;
  guint8 *buf;

  if (hex == NULL)
    return NULL;
  max = strlen (hex) / 2;
  buf = g_malloc (max + 1);
  if (sodium_hex2bin (buf, max, hex, strlen (hex), NULL, &len, NULL) != 0 || len != max)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, len);
}

/**
 * ks_credential_id_is_valid:
 *
 * Returns: whether @credential_id has the form the station gives its cards' IDs: 32 lowercase
 *   or uppercase hex digits (16 random bytes)
 */
gboolean
ks_credential_id_is_valid (const char *credential_id)
{
  return credential_id != NULL && strlen (credential_id) == KS_CREDENTIAL_ID_LENGTH
         && strspn (credential_id, "0123456789abcdefABCDEF") == KS_CREDENTIAL_ID_LENGTH;
}

static char *
time_to_iso (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  /* ISO: the trust file's own format, not for people. */
  return dt ? g_date_time_format_iso8601 (dt) : g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

static gboolean
iso_to_time (const char *text,
             gint64     *out)
{
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static void
cert_to_json (const KsStationCert *cert,
              JsonBuilder         *b)
{
  g_autofree char *pk = to_hex (cert->public_key);
  g_autofree char *sig = to_hex (cert->signature);
  g_autofree char *nb = time_to_iso (cert->not_before);
  g_autofree char *na = time_to_iso (cert->not_after);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, cert->kid);
  json_builder_set_member_name (b, "station_code");
  json_builder_add_string_value (b, cert->station_code);
  json_builder_set_member_name (b, "alg");
  json_builder_add_string_value (b, ks_cose_algorithm_name (cert->alg));
  json_builder_set_member_name (b, "public_key");
  json_builder_add_string_value (b, pk);
  json_builder_set_member_name (b, "not_before");
  json_builder_add_string_value (b, nb);
  json_builder_set_member_name (b, "not_after");
  json_builder_add_string_value (b, na);
  json_builder_set_member_name (b, "root_id");
  json_builder_add_string_value (b, cert->root_id);
  json_builder_set_member_name (b, "signature");
  json_builder_add_string_value (b, sig);
  if (cert->issuer != NULL)
    {
      json_builder_set_member_name (b, "issuer");
      json_builder_add_string_value (b, cert->issuer);
    }
  json_builder_end_object (b);
}

static KsStationCert *
cert_from_json (JsonNode *node)
{
  g_autoptr(KsStationCert) cert = g_new0 (KsStationCert, 1);
  JsonObject *o;
  const char *alg;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  o = json_node_get_object (node);

  cert->kid = g_strdup (json_object_get_string_member_with_default (o, "kid", NULL));
  /* json-glib gives NULL, not the default, for a member of another type ("alg": 1700, found
   * by fuzz-trust): each is checked. */
  cert->station_code = g_strdup (json_object_get_string_member_with_default (o, "station_code",
                                                                             ""));
  if (cert->station_code == NULL)
    cert->station_code = g_strdup ("");
  cert->root_id = g_strdup (json_object_get_string_member_with_default (o, "root_id", NULL));
  alg = json_object_get_string_member_with_default (o, "alg", "EdDSA");
  if (alg == NULL)
    return NULL;
  cert->alg = g_str_equal (alg, "ES256") ? KS_COSE_ALG_ES256 : KS_COSE_ALG_EDDSA;
  cert->public_key = from_hex (json_object_get_string_member_with_default (o, "public_key",
                                                                           NULL));
  cert->signature = from_hex (json_object_get_string_member_with_default (o, "signature", NULL));
  cert->issuer = g_strdup (json_object_get_string_member_with_default (o, "issuer", NULL));

  if (cert->kid == NULL || cert->root_id == NULL || cert->public_key == NULL
      || cert->signature == NULL
      || !iso_to_time (json_object_get_string_member_with_default (o, "not_before", NULL),
                       &cert->not_before)
      || !iso_to_time (json_object_get_string_member_with_default (o, "not_after", NULL),
                       &cert->not_after))
    return NULL;
  return g_steal_pointer (&cert);
}

/* Trust list */

typedef struct
{
  char *id;
  guint8 public_key[crypto_sign_PUBLICKEYBYTES];
  gboolean development;
} Root;

struct _KsTrustList
{
  GObject parent_instance;

  GPtrArray *roots;        /* Root */
  GHashTable *certs;       /* kid -> KsStationCert */
  GHashTable *revoked;     /* kid set */
  GHashTable *revoked_credentials; /* credential id -> KsCredentialRevocation */
};

G_DEFINE_TYPE (KsTrustList, ks_trust_list, G_TYPE_OBJECT)

static void
root_free (Root *root)
{
  g_free (root->id);
  g_free (root);
}

static void
ks_trust_list_finalize (GObject *object)
{
  KsTrustList *self = (KsTrustList *)object;

  g_clear_pointer (&self->roots, g_ptr_array_unref);
  g_clear_pointer (&self->certs, g_hash_table_unref);
  g_clear_pointer (&self->revoked, g_hash_table_unref);
  g_clear_pointer (&self->revoked_credentials, g_hash_table_unref);

  G_OBJECT_CLASS (ks_trust_list_parent_class)->finalize (object);
}

static void
ks_trust_list_class_init (KsTrustListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_trust_list_finalize;
}

static void
ks_trust_list_init (KsTrustList *self)
{
  self->roots = g_ptr_array_new_with_free_func ((GDestroyNotify)root_free);
  self->certs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)ks_station_cert_free);
  self->revoked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->revoked_credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                     (GDestroyNotify)
                                                     ks_credential_revocation_free);
}

KsTrustList *
ks_trust_list_new (void)
{
  return g_object_new (KS_TYPE_TRUST_LIST, NULL);
}

static const Root *
find_root (KsTrustList *self,
           const char  *root_id)
{
  for (guint i = 0; root_id && i < self->roots->len; i++)
    {
      const Root *root = g_ptr_array_index (self->roots, i);
      if (g_str_equal (root->id, root_id))
        return root;
    }
  return NULL;
}

/**
 * ks_trust_list_add_root:
 * @public_key: 32-byte Ed25519 public key
 * @development: %TRUE for the key set-up makes while no registry exists
 */
void
ks_trust_list_add_root (KsTrustList  *self,
                        const char   *root_id,
                        const guint8 *public_key,
                        gboolean      development)
{
  Root *root;

  g_return_if_fail (KS_IS_TRUST_LIST (self));
  g_return_if_fail (root_id != NULL && public_key != NULL);

  if (find_root (self, root_id))
    return;
  root = g_new0 (Root, 1);
  root->id = g_strdup (root_id);
  memcpy (root->public_key, public_key, sizeof root->public_key);
  root->development = development;
  g_ptr_array_add (self->roots, root);
}

gboolean
ks_trust_list_root_is_development (KsTrustList *self,
                                   const char  *root_id)
{
  const Root *root;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), FALSE);
  root = find_root (self, root_id);
  return root != NULL && root->development;
}

/**
 * ks_trust_list_add_certificate:
 *
 * Stores @cert (a copy), replacing one with the same kid. Nothing is checked here: a
 * certificate is judged when a card names it, against the roots held then.
 */
void
ks_trust_list_add_certificate (KsTrustList         *self,
                               const KsStationCert *cert)
{
  g_return_if_fail (KS_IS_TRUST_LIST (self));
  g_return_if_fail (cert != NULL && cert->kid != NULL);

  g_hash_table_replace (self->certs, g_strdup (cert->kid), ks_station_cert_copy (cert));
}

void
ks_trust_list_revoke (KsTrustList *self,
                      const char  *kid)
{
  g_return_if_fail (KS_IS_TRUST_LIST (self));
  g_return_if_fail (kid != NULL);
  g_hash_table_add (self->revoked, g_strdup (kid));
}

gboolean
ks_trust_list_is_revoked (KsTrustList *self,
                          const char  *kid)
{
  g_return_val_if_fail (KS_IS_TRUST_LIST (self), TRUE);
  return kid != NULL && g_hash_table_contains (self->revoked, kid);
}

KsCredentialRevocation *
ks_credential_revocation_copy (const KsCredentialRevocation *rev)
{
  KsCredentialRevocation *copy;

  g_return_val_if_fail (rev != NULL, NULL);

  copy = g_new0 (KsCredentialRevocation, 1);
  copy->credential_id = g_strdup (rev->credential_id);
  copy->kp_id = g_strdup (rev->kp_id);
  copy->station_code = g_strdup (rev->station_code);
  copy->revoked_at = rev->revoked_at;
  copy->reason = g_strdup (rev->reason);
  return copy;
}

void
ks_credential_revocation_free (KsCredentialRevocation *rev)
{
  if (rev == NULL)
    return;
  g_free (rev->credential_id);
  g_free (rev->kp_id);
  g_free (rev->station_code);
  g_free (rev->reason);
  g_free (rev);
}

/**
 * ks_credential_revocation_reason_label:
 *
 * Returns: why a card was revoked, in words for the holder's verifier
 */
const char *
ks_credential_revocation_reason_label (const char *reason)
{
  if (g_strcmp0 (reason, KS_REVOCATION_REJECTED) == 0)
    return _("the supervisor rejected the record");
  if (g_strcmp0 (reason, KS_REVOCATION_SUPERSEDED) == 0)
    return _("the record was corrected and a new card replaces this one");
  return reason ? reason : "?";
}

/**
 * ks_trust_list_revoke_credential:
 *
 * Lists one card as revoked. The first revocation of a credential is kept: a later copy of the
 * same entry (from another import) changes nothing, so merges never move a date.
 */
void
ks_trust_list_revoke_credential (KsTrustList                  *self,
                                 const KsCredentialRevocation *rev)
{
  KsCredentialRevocation *copy;
  char *key;

  g_return_if_fail (KS_IS_TRUST_LIST (self));
  g_return_if_fail (rev != NULL && rev->credential_id != NULL);

  /* Hex in any case names the same credential. */
  key = g_ascii_strdown (rev->credential_id, -1);
  if (g_hash_table_contains (self->revoked_credentials, key))
    {
      g_free (key);
      return;
    }
  copy = ks_credential_revocation_copy (rev);
  g_free (copy->credential_id);
  copy->credential_id = g_strdup (key);
  g_hash_table_insert (self->revoked_credentials, key, copy);
}

/**
 * ks_trust_list_lookup_revocation:
 *
 * Returns: (nullable) (transfer none): the revocation of @credential_id, if it is listed
 */
const KsCredentialRevocation *
ks_trust_list_lookup_revocation (KsTrustList *self,
                                 const char  *credential_id)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), NULL);

  if (credential_id == NULL)
    return NULL;
  lower = g_ascii_strdown (credential_id, -1);
  return g_hash_table_lookup (self->revoked_credentials, lower);
}

guint
ks_trust_list_count_revocations (KsTrustList *self)
{
  g_return_val_if_fail (KS_IS_TRUST_LIST (self), 0);
  return g_hash_table_size (self->revoked_credentials);
}

/**
 * ks_trust_list_merge:
 *
 * Adds @other's roots, certificates and revocations, a certificate of @other replacing one
 * with the same kid: for copying a list this station already trusts (its own file, the
 * registry's answer) into another. A list from outside (`verify --trust`, an import) goes
 * through ks_trust_list_add_list(), which may only add. Revocations are never undone.
 */
void
ks_trust_list_merge (KsTrustList *self,
                     KsTrustList *other)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (KS_IS_TRUST_LIST (self));
  g_return_if_fail (KS_IS_TRUST_LIST (other));

  for (guint i = 0; i < other->roots->len; i++)
    {
      const Root *root = g_ptr_array_index (other->roots, i);
      ks_trust_list_add_root (self, root->id, root->public_key, root->development);
    }
  g_hash_table_iter_init (&iter, other->certs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ks_trust_list_add_certificate (self, value);
  g_hash_table_iter_init (&iter, other->revoked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ks_trust_list_revoke (self, key);
  g_hash_table_iter_init (&iter, other->revoked_credentials);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ks_trust_list_revoke_credential (self, value);
}

static gboolean
same_key (const KsStationCert *a,
          const KsStationCert *b)
{
  return a->alg == b->alg && g_bytes_equal (a->public_key, b->public_key)
         && g_strcmp0 (a->station_code, b->station_code) == 0
         && g_strcmp0 (a->issuer, b->issuer) == 0;
}

/* Signed by a root of @roots (not any root: one held before the list being added came). */
static gboolean
signed_by_root_of (const KsStationCert *cert,
                   KsTrustList         *roots)
{
  const Root *root = find_root (roots, cert->root_id);
  g_autoptr(GBytes) tbs = NULL;
  const guint8 *sig;
  gsize sig_len;

  if (root == NULL)
    return FALSE;
  tbs = ks_station_cert_signed_bytes (cert);
  sig = g_bytes_get_data (cert->signature, &sig_len);
  return sig_len == crypto_sign_BYTES
         && crypto_sign_verify_detached (sig, g_bytes_get_data (tbs, NULL),
                                         g_bytes_get_size (tbs), root->public_key) == 0;
}

static gboolean
conflict (GError    **error,
          const char *station,
          const char *kid)
{
  g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_CONFLICT,
               _("This trust list would replace the key of station %s (key %s), which this "
                 "station already trusts, so cards signed by another key would pass as that "
                 "station’s. Nothing was taken from it: a trust list may only add stations. Ask "
                 "the registry for its current list."),
               station && *station ? station : "?", kid ? kid : "?");
  return FALSE;
}

/**
 * ks_trust_list_add_list:
 * @other: a list from outside: `verify --trust FILE`, an imported file
 *
 * Adds what @other holds that this list does not, and only that: a trust list may add roots,
 * stations and revocations, never replace or shadow a key already trusted. Refused as a whole
 * (%KS_TRUST_ERROR_CONFLICT, nothing added) when @other holds a root id of this list with
 * another key, a kid of this list with another key (or station, or issuer), or, certified by a
 * root this list did not hold, a new key for a station code this list already trusts: with any
 * of those, a crafted file would make a forgery verify as a trusted station, and that station's
 * real cards look forged. A certificate renewed by a root already trusted (same key) replaces
 * the old one.
 */
gboolean
ks_trust_list_add_list (KsTrustList *self,
                        KsTrustList *other,
                        GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), FALSE);
  g_return_val_if_fail (KS_IS_TRUST_LIST (other), FALSE);

  for (guint i = 0; i < other->roots->len; i++)
    {
      const Root *root = g_ptr_array_index (other->roots, i);
      const Root *held = find_root (self, root->id);

      if (held != NULL && sodium_memcmp (held->public_key, root->public_key,
                                         sizeof root->public_key) != 0)
        {
          g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_CONFLICT,
                       _("This trust list would replace registry key “%s”, which this station "
                         "already trusts. Nothing was taken from it: a trust list may only add "
                         "keys. Ask the registry for its current list."),
                       root->id);
          return FALSE;
        }
    }

  g_hash_table_iter_init (&iter, other->certs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const KsStationCert *cert = value;
      const KsStationCert *held = g_hash_table_lookup (self->certs, cert->kid);
      GHashTableIter mine;
      gpointer mine_value;

      if (held != NULL)
        {
          if (!same_key (held, cert))
            return conflict (error, held->station_code, held->kid);
          continue;
        }
      if (cert->station_code == NULL || *cert->station_code == '\0'
          || signed_by_root_of (cert, self))
        continue;
      g_hash_table_iter_init (&mine, self->certs);
      while (g_hash_table_iter_next (&mine, NULL, &mine_value))
        {
          const KsStationCert *trusted = mine_value;

          if (g_strcmp0 (trusted->station_code, cert->station_code) == 0
              && !ks_trust_list_is_revoked (self, trusted->kid))
            return conflict (error, trusted->station_code, trusted->kid);
        }
    }

  /* Checked as a whole: now add. */
  g_hash_table_iter_init (&iter, other->certs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const KsStationCert *cert = value;

      if (!g_hash_table_contains (self->certs, cert->kid) || signed_by_root_of (cert, self))
        ks_trust_list_add_certificate (self, cert);
    }
  for (guint i = 0; i < other->roots->len; i++)
    {
      const Root *root = g_ptr_array_index (other->roots, i);
      ks_trust_list_add_root (self, root->id, root->public_key, root->development);
    }
  g_hash_table_iter_init (&iter, other->revoked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ks_trust_list_revoke (self, key);
  /* Revoked cards only ever add to what is refused. */
  g_hash_table_iter_init (&iter, other->revoked_credentials);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ks_trust_list_revoke_credential (self, value);
  return TRUE;
}

static const KsStationCert *
unknown_issuer (GError    **error,
                const char *kid,
                const char *why)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER,
               _("The card was signed by station key “%s”, which %s. Do not accept it; if the "
                 "station is genuine, import the registry’s latest trust list and check again."),
               kid ? kid : "?", why);
  return NULL;
}

/**
 * ks_trust_list_lookup:
 *
 * Returns: (nullable) (transfer none): the certificate for @kid when it is not revoked and is
 *   signed by a root of this list; validity in time is ks_station_cert_covers()'s business, as
 *   the time that matters (the card's issue date) is only known after the card is read.
 */
const KsStationCert *
ks_trust_list_lookup (KsTrustList *self,
                      const char  *kid,
                      GError     **error)
{
  const KsStationCert *cert;
  const Root *root;
  g_autoptr(GBytes) tbs = NULL;
  const guint8 *data, *sig;
  gsize len, sig_len;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), NULL);

  if (kid == NULL)
    return unknown_issuer (error, kid, _("is not named on the card"));
  if (ks_trust_list_is_revoked (self, kid))
    return unknown_issuer (error, kid, _("has been revoked"));
  cert = g_hash_table_lookup (self->certs, kid);
  if (cert == NULL)
    return unknown_issuer (error, kid, _("is not in this station’s trust list"));
  root = find_root (self, cert->root_id);
  if (root == NULL)
    return unknown_issuer (error, kid, _("is certified by a registry key this station does "
                                         "not trust"));

  tbs = ks_station_cert_signed_bytes (cert);
  data = g_bytes_get_data (tbs, &len);
  sig = g_bytes_get_data (cert->signature, &sig_len);
  if (sig_len != crypto_sign_BYTES
      || crypto_sign_verify_detached (sig, data, len, root->public_key) != 0)
    return unknown_issuer (error, kid, _("has a certificate that the registry did not sign"));

  return cert;
}

/**
 * ks_trust_list_find_signer:
 * @msg: a COSE_Sign1 that names no key (no kid)
 * @issuer: (nullable): the credential's `iss`, as read before the signature is checked
 *
 * Credentials of other issuers (MOSIP's, Claim 169's reference vectors) often name no key: the
 * verifier tries each trusted certificate (not revoked, certified by a root of this list) of
 * the message's algorithm, and, when @issuer is given, of that issuer (a certificate without
 * an issuer is a Khyber Pass station's and may sign for any). Kids are tried in sorted order,
 * so the same list always gives the same signer.
 *
 * Returns: (nullable) (transfer none): the certificate whose key verifies @msg
 */
const KsStationCert *
ks_trust_list_find_signer (KsTrustList       *self,
                           const KsCoseSign1 *msg,
                           const char        *issuer,
                           GError           **error)
{
  g_autoptr(GList) kids = NULL;
  guint tried = 0;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), NULL);
  g_return_val_if_fail (msg != NULL, NULL);

  kids = g_list_sort (g_hash_table_get_keys (self->certs), (GCompareFunc)g_strcmp0);
  for (const GList *l = kids; l != NULL; l = l->next)
    {
      const KsStationCert *cert = ks_trust_list_lookup (self, l->data, NULL);

      if (cert == NULL || cert->alg != msg->alg
          || (issuer != NULL && cert->issuer != NULL && !g_str_equal (issuer, cert->issuer)))
        continue;
      /* Only a key declared for this very issuer makes a failure mean "forged". */
      if (issuer != NULL && cert->issuer != NULL)
        tried++;
      if (ks_cose_sign1_verify (msg, cert->alg, g_bytes_get_data (cert->public_key, NULL),
                                g_bytes_get_size (cert->public_key), NULL))
        return cert;
    }

  if (tried > 0)
    g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_SIGNATURE,
                 _("The card names no signing key, and none of the keys this station trusts "
                   "for %s matches its signature: it was altered or forged. Do not accept it."),
                 issuer);
  else
    g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER,
                 _("The card names no signing key, and no key this station trusts signed it "
                   "(issuer: %s). Do not accept it; if the issuer is genuine, import its trust "
                   "list and check again."),
                 issuer ? issuer : "?");
  return NULL;
}

/**
 * ks_trust_list_accept:
 * @when: unix time the certificate must cover (the card's issue date)
 *
 * ks_trust_list_lookup() plus the certificate's validity period.
 */
const KsStationCert *
ks_trust_list_accept (KsTrustList *self,
                      const char  *kid,
                      gint64       when,
                      GError     **error)
{
  const KsStationCert *cert = ks_trust_list_lookup (self, kid, error);

  if (cert == NULL)
    return NULL;
  if (!ks_station_cert_covers (cert, when))
    return unknown_issuer (error, kid, _("was not authorized to issue cards at that date"));
  return cert;
}

char *
ks_trust_list_to_json (KsTrustList *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root_node = NULL;
  g_autoptr(GList) kids = NULL;
  g_autoptr(GList) revoked = NULL;
  g_autoptr(GList) credentials = NULL;

  g_return_val_if_fail (KS_IS_TRUST_LIST (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, TRUST_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);

  json_builder_set_member_name (b, "roots");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->roots->len; i++)
    {
      const Root *root = g_ptr_array_index (self->roots, i);
      char hex[crypto_sign_PUBLICKEYBYTES * 2 + 1];

      sodium_bin2hex (hex, sizeof hex, root->public_key, sizeof root->public_key);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, root->id);
      json_builder_set_member_name (b, "public_key");
      json_builder_add_string_value (b, hex);
      json_builder_set_member_name (b, "development");
      json_builder_add_boolean_value (b, root->development);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* Sorted, so two exports of the same list are the same file. */
  json_builder_set_member_name (b, "certificates");
  json_builder_begin_array (b);
  kids = g_list_sort (g_hash_table_get_keys (self->certs), (GCompareFunc)g_strcmp0);
  for (const GList *l = kids; l; l = l->next)
    cert_to_json (g_hash_table_lookup (self->certs, l->data), b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "revoked");
  json_builder_begin_array (b);
  revoked = g_list_sort (g_hash_table_get_keys (self->revoked), (GCompareFunc)g_strcmp0);
  for (const GList *l = revoked; l; l = l->next)
    json_builder_add_string_value (b, l->data);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "revoked_credentials");
  json_builder_begin_array (b);
  credentials = g_list_sort (g_hash_table_get_keys (self->revoked_credentials),
                             (GCompareFunc)g_strcmp0);
  for (const GList *l = credentials; l; l = l->next)
    {
      const KsCredentialRevocation *rev = g_hash_table_lookup (self->revoked_credentials,
                                                               l->data);
      g_autofree char *when = time_to_iso (rev->revoked_at);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "credential_id");
      json_builder_add_string_value (b, rev->credential_id);
      if (rev->kp_id != NULL)
        {
          json_builder_set_member_name (b, "kp_id");
          json_builder_add_string_value (b, rev->kp_id);
        }
      if (rev->station_code != NULL)
        {
          json_builder_set_member_name (b, "station_code");
          json_builder_add_string_value (b, rev->station_code);
        }
      json_builder_set_member_name (b, "revoked_at");
      json_builder_add_string_value (b, when);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, rev->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root_node = json_builder_get_root (b);
  json_generator_set_root (gen, root_node);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

/* json_object_get_array_member() is a critical on a missing member: this is not. */
static JsonArray *
array_member (JsonObject *o,
              const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static KsTrustList *
damaged (GError **error)
{
  g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID,
               _("The trust list is damaged or is not a Khyber Pass trust list. Ask the "
                 "registry for a new copy and import it again."));
  return NULL;
}

KsTrustList *
ks_trust_list_new_from_data (const char *json,
                             gssize      len,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KsTrustList) self = NULL;
  JsonObject *o;
  JsonArray *a;

  g_return_val_if_fail (json != NULL, NULL);

  /* A trust list comes from a file or a registry: bound its nesting before json-glib recurses
   * into it. Its size is bounded by whoever read it. */
  if (len < 0)
    len = strlen (json);
  if (!ks_json_bounded (json, len, KS_JSON_MAX_DEPTH, G_MAXSIZE)
      || !json_parser_load_from_data (parser, json, len, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return damaged (error);
  o = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "format", NULL),
                 TRUST_FORMAT) != 0)
    return damaged (error);

  self = ks_trust_list_new ();

  a = array_member (o, "roots");
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      JsonObject *r;
      g_autoptr(GBytes) pk = NULL;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return damaged (error);
      r = json_node_get_object (node);
      id = json_object_get_string_member_with_default (r, "id", NULL);
      pk = from_hex (json_object_get_string_member_with_default (r, "public_key", NULL));
      if (id == NULL || pk == NULL || g_bytes_get_size (pk) != crypto_sign_PUBLICKEYBYTES)
        return damaged (error);
      ks_trust_list_add_root (self, id, g_bytes_get_data (pk, NULL),
                              json_object_get_boolean_member_with_default (r, "development",
                                                                           FALSE));
    }

  a = array_member (o, "certificates");
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      g_autoptr(KsStationCert) cert = cert_from_json (json_array_get_element (a, i));

      if (cert == NULL)
        return damaged (error);
      ks_trust_list_add_certificate (self, cert);
    }

  a = array_member (o, "revoked");
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      const char *kid = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

      if (kid == NULL)
        return damaged (error);
      ks_trust_list_revoke (self, kid);
    }

  a = array_member (o, "revoked_credentials");
  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *node = json_array_get_element (a, i);
      KsCredentialRevocation rev = { 0 };
      JsonObject *r;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return damaged (error);
      r = json_node_get_object (node);
      rev.credential_id = (char *)json_object_get_string_member_with_default (r, "credential_id",
                                                                              NULL);
      rev.kp_id = (char *)json_object_get_string_member_with_default (r, "kp_id", NULL);
      rev.station_code = (char *)json_object_get_string_member_with_default (r, "station_code",
                                                                             NULL);
      rev.reason = (char *)json_object_get_string_member_with_default (r, "reason", NULL);
      if (!ks_credential_id_is_valid (rev.credential_id) || rev.reason == NULL
          || !iso_to_time (json_object_get_string_member_with_default (r, "revoked_at", NULL),
                           &rev.revoked_at))
        return damaged (error);
      ks_trust_list_revoke_credential (self, &rev);
    }

  return g_steal_pointer (&self);
}

KsTrustList *
ks_trust_list_new_from_file (const char *path,
                             GError    **error)
{
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_IO,
                   _("The trust list %s cannot be read (%s). Check the file name, or ask the "
                     "registry for a new copy."),
                   path, local_error->message);
      return NULL;
    }
  return ks_trust_list_new_from_data (contents, len, error);
}

gboolean
ks_trust_list_save (KsTrustList *self,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *json = ks_trust_list_to_json (self);
  g_autoptr(GError) local_error = NULL;

  /* Public keys only: readable by others, so it can be copied to a verifier as it is. */
  if (!g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local_error))
    {
      g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_IO,
                   _("The trust list cannot be saved to %s (%s). Choose another place, or free "
                     "some disk space."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* The station's own keys */

struct _KsStationKeys
{
  GObject parent_instance;

  char *dir;
  char *key_path;
  KsStationCert *cert;
  KsTrustList *trust;
  /* The sync engine's thread installs a certificate and merges the registry's list while the
   * station's workers copy the list to verify a card or import a file: all under this lock. */
  GMutex trust_lock;
};

G_DEFINE_TYPE (KsStationKeys, ks_station_keys, G_TYPE_OBJECT)

static void
ks_station_keys_finalize (GObject *object)
{
  KsStationKeys *self = (KsStationKeys *)object;

  g_free (self->dir);
  g_free (self->key_path);
  g_clear_pointer (&self->cert, ks_station_cert_free);
  g_clear_object (&self->trust);
  g_mutex_clear (&self->trust_lock);

  G_OBJECT_CLASS (ks_station_keys_parent_class)->finalize (object);
}

static void
ks_station_keys_class_init (KsStationKeysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_station_keys_finalize;
}

static void
ks_station_keys_init (KsStationKeys *self)
{
  g_mutex_init (&self->trust_lock);
}

static gboolean
key_file_error (GError    **error,
                const char *path,
                int         saved_errno)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY,
               _("The station’s signing key %s cannot be used (%s). No card was signed. Ask "
                 "your administrator to restore the key folder from its backup."),
               path, saved_errno ? g_strerror (saved_errno) : _("damaged file"));
  return FALSE;
}

/* Straight into the caller's buffer: no heap copy of the secret to forget to wipe. */
static gboolean
read_secret_key (const char *path,
                 guint8     *sk,
                 GError    **error)
{
  gsize got = 0;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  guint8 extra;

  if (fd < 0)
    return key_file_error (error, path, errno);
  while (got < crypto_sign_SECRETKEYBYTES)
    {
      ssize_t n = read (fd, sk + got, crypto_sign_SECRETKEYBYTES - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += n;
    }
  if (got != crypto_sign_SECRETKEYBYTES || read (fd, &extra, 1) != 0)
    {
      close (fd);
      sodium_memzero (sk, crypto_sign_SECRETKEYBYTES);
      return key_file_error (error, path, 0);
    }
  close (fd);
  return TRUE;
}

static gboolean
write_secret_key (const char   *path,
                  const guint8 *sk,
                  GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, (const char *)sk, crypto_sign_SECRETKEYBYTES,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY,
                   _("The station’s signing key cannot be saved in %s (%s). Ask your "
                     "administrator to make the folder writable."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
key_id_for (const char   *prefix,
            const guint8 *public_key)
{
  guint8 hash[8];
  char hex[sizeof hash * 2 + 1];

  crypto_generichash (hash, sizeof hash, public_key, crypto_sign_PUBLICKEYBYTES, NULL, 0);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strconcat (prefix, hex, NULL);
}

static gboolean
save_cert (const char          *path,
           const KsStationCert *cert,
           GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) local_error = NULL;

  cert_to_json (cert, b);
  node = json_builder_get_root (b);
  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  json = json_generator_to_data (gen, NULL);
  if (!g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local_error))
    {
      g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_IO,
                   _("The station certificate cannot be saved to %s (%s). Ask your "
                     "administrator to make the folder writable."),
                   path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static KsStationCert *
load_cert (const char *path,
           GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  KsStationCert *cert = NULL;

  if (g_file_get_contents (path, &contents, NULL, NULL)
      && json_parser_load_from_data (parser, contents, -1, NULL))
    cert = cert_from_json (json_parser_get_root (parser));
  if (cert == NULL)
    g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID,
                 _("The station certificate %s is missing or damaged. Ask your administrator "
                   "to restore the key folder from its backup."),
                 path);
  return cert;
}

static gboolean
create_keys (KsStationKeys *self,
             const char    *station_code,
             GError       **error)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  guint8 root_pk[crypto_sign_PUBLICKEYBYTES], root_sk[crypto_sign_SECRETKEYBYTES];
  g_autofree char *root_path = g_build_filename (self->dir, "dev-root.key", NULL);
  g_autofree char *kid = NULL;
  g_autofree char *root_id = NULL;
  g_autoptr(GBytes) pk_bytes = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok;

  crypto_sign_keypair (pk, sk);
  crypto_sign_keypair (root_pk, root_sk);

  ok = write_secret_key (root_path, root_sk, error);
  if (ok)
    {
      kid = key_id_for ("", pk);
      root_id = key_id_for ("dev-root-", root_pk);
      pk_bytes = g_bytes_new (pk, sizeof pk);
      /* A day back, so a verifier whose clock lags still accepts the first cards. */
      self->cert = ks_station_cert_new_signed (kid, station_code, KS_COSE_ALG_EDDSA, pk_bytes,
                                               now - 24 * 3600, now + DEV_VALIDITY_SECONDS,
                                               root_id, root_sk);
    }
  sodium_memzero (root_sk, sizeof root_sk);

  /* The station key is written last: its presence means set-up completed. */
  if (ok)
    {
      g_autofree char *cert_path = g_build_filename (self->dir, "station-cert.json", NULL);
      g_autofree char *trust_path = g_build_filename (self->dir, "trust.json", NULL);

      self->trust = ks_trust_list_new ();
      ks_trust_list_add_root (self->trust, root_id, root_pk, TRUE);
      ks_trust_list_add_certificate (self->trust, self->cert);
      ok = save_cert (cert_path, self->cert, error)
           && ks_trust_list_save (self->trust, trust_path, error)
           && write_secret_key (self->key_path, sk, error);
    }
  sodium_memzero (sk, sizeof sk);
  return ok;
}

/**
 * ks_station_keys_load_or_create:
 * @dir: the profile's key folder (created 0700 if missing)
 * @station_code: (nullable): written into the certificate made at set-up
 *
 * Loads the station's key pair, or makes it at first run together with a development root
 * that certifies it. Secret keys are files of mode 0600 and are read only for the moment of a
 * signature; nothing here logs them.
 */
KsStationKeys *
ks_station_keys_load_or_create (const char *dir,
                                const char *station_code,
                                GError    **error)
{
  g_autoptr(KsStationKeys) self = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *trust_path = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_IO,
                   _("The key folder %s cannot be created (%s). Ask your administrator to make "
                     "it writable."),
                   dir, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (KS_TYPE_STATION_KEYS, NULL);
  self->dir = g_strdup (dir);
  self->key_path = g_build_filename (dir, "station.key", NULL);
  cert_path = g_build_filename (dir, "station-cert.json", NULL);
  trust_path = g_build_filename (dir, "trust.json", NULL);

  if (!g_file_test (self->key_path, G_FILE_TEST_EXISTS))
    {
      if (!create_keys (self, station_code, error))
        return NULL;
      return g_steal_pointer (&self);
    }

  self->cert = load_cert (cert_path, error);
  if (self->cert == NULL)
    return NULL;
  self->trust = ks_trust_list_new_from_file (trust_path, error);
  if (self->trust == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

const char *
ks_station_keys_get_kid (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  return self->cert->kid;
}

const char *
ks_station_keys_get_station_code (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  return self->cert->station_code;
}

GBytes *
ks_station_keys_get_public_key (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  return self->cert->public_key;
}

const KsStationCert *
ks_station_keys_get_certificate (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  return self->cert;
}

/**
 * ks_station_keys_is_development:
 *
 * Returns: %TRUE while the station is certified by its own development root, not a registry.
 */
gboolean
ks_station_keys_is_development (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), TRUE);
  return ks_trust_list_root_is_development (self->trust, self->cert->root_id);
}

/**
 * ks_station_keys_get_trust_list:
 *
 * Returns: (transfer none): the list kept in the key folder: the root(s) and this station's
 *   certificate, what the station itself needs to verify the cards it prints.
 */
KsTrustList *
ks_station_keys_get_trust_list (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  return self->trust;
}

/**
 * ks_station_keys_install_certificate:
 * @cert: this station's certificate, signed by the registry
 * @registry_trust: the registry's trust list, holding the root that signed @cert
 *
 * Replaces the development certificate and trust list once a registry certifies the station.
 */
gboolean
ks_station_keys_install_certificate (KsStationKeys       *self,
                                     const KsStationCert *cert,
                                     KsTrustList         *registry_trust,
                                     GError             **error)
{
  g_autoptr(KsTrustList) trust = ks_trust_list_new ();
  g_autofree char *cert_path = NULL;
  g_autofree char *trust_path = NULL;

  g_return_val_if_fail (KS_IS_STATION_KEYS (self), FALSE);
  g_return_val_if_fail (cert != NULL, FALSE);
  g_return_val_if_fail (KS_IS_TRUST_LIST (registry_trust), FALSE);

  if (!g_bytes_equal (cert->public_key, self->cert->public_key)
      || g_strcmp0 (cert->kid, self->cert->kid) != 0)
    {
      g_set_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID,
                   _("This certificate is for another station (key %s, this station is %s). "
                     "Ask the registry for this station’s certificate."),
                   cert->kid, self->cert->kid);
      return FALSE;
    }

  ks_trust_list_merge (trust, registry_trust);
  ks_trust_list_add_certificate (trust, cert);
  if (ks_trust_list_lookup (trust, cert->kid, error) == NULL)
    return FALSE;

  cert_path = g_build_filename (self->dir, "station-cert.json", NULL);
  trust_path = g_build_filename (self->dir, "trust.json", NULL);
  if (!save_cert (cert_path, cert, error) || !ks_trust_list_save (trust, trust_path, error))
    return FALSE;

  g_clear_pointer (&self->cert, ks_station_cert_free);
  self->cert = ks_station_cert_copy (cert);
  g_mutex_lock (&self->trust_lock);
  g_set_object (&self->trust, trust);
  g_mutex_unlock (&self->trust_lock);

  /* With a registry in charge, the development root must not be able to certify anything. */
  {
    g_autofree char *root_path = g_build_filename (self->dir, "dev-root.key", NULL);
    g_unlink (root_path);
  }
  return TRUE;
}

/**
 * ks_station_keys_merge_trust_list:
 *
 * Merges @other (the registry's list, fetched by sync) into the station's own trust list and
 * saves it, so the window's verifier and `khyber-station verify` learn of other stations and
 * of revoked cards.
 */
gboolean
ks_station_keys_merge_trust_list (KsStationKeys *self,
                                  KsTrustList   *other,
                                  GError       **error)
{
  g_autofree char *trust_path = NULL;

  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (KS_IS_STATION_KEYS (self), FALSE);
  g_return_val_if_fail (KS_IS_TRUST_LIST (other), FALSE);

  locker = g_mutex_locker_new (&self->trust_lock);
  ks_trust_list_merge (self->trust, other);
  trust_path = g_build_filename (self->dir, "trust.json", NULL);
  return ks_trust_list_save (self->trust, trust_path, error);
}

/**
 * ks_station_keys_lock_trust_list:
 *
 * The station's trust list, locked against the sync engine's changes until
 * ks_station_keys_unlock_trust_list(): for a worker thread that reads or changes it.
 *
 * Returns: (transfer none): the list, valid until the unlock
 */
KsTrustList *
ks_station_keys_lock_trust_list (KsStationKeys *self)
{
  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  g_mutex_lock (&self->trust_lock);
  return self->trust;
}

void
ks_station_keys_unlock_trust_list (KsStationKeys *self)
{
  g_return_if_fail (KS_IS_STATION_KEYS (self));
  g_mutex_unlock (&self->trust_lock);
}

/**
 * ks_station_keys_sign_cose:
 *
 * Signs @payload as a COSE_Sign1 under this station's kid. The secret key is read from its
 * file for this one signature and wiped right after.
 */
GBytes *
ks_station_keys_sign_cose (KsStationKeys *self,
                           GBytes        *payload,
                           GError       **error)
{
  guint8 sk[crypto_sign_SECRETKEYBYTES];
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
  GBytes *cose;

  g_return_val_if_fail (KS_IS_STATION_KEYS (self), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  if (!read_secret_key (self->key_path, sk, error))
    return NULL;

  /* A key file swapped or restored from another station would sign cards that verify against
   * nothing: refuse before printing them. */
  crypto_sign_ed25519_sk_to_pk (pk, sk);
  if (g_bytes_get_size (self->cert->public_key) != sizeof pk
      || sodium_memcmp (pk, g_bytes_get_data (self->cert->public_key, NULL), sizeof pk) != 0)
    {
      sodium_memzero (sk, sizeof sk);
      return key_file_error (error, self->key_path, 0), NULL;
    }

  cose = ks_cose_sign1_sign_ed25519 (payload, self->cert->kid, sk);
  sodium_memzero (sk, sizeof sk);
  return cose;
}

/**
 * ks_station_keys_sign_detached:
 * @signature: (out caller-allocates): 64 bytes
 *
 * A bare Ed25519 signature by the station key: what the registry protocol puts on each
 * request. Same key checks as ks_station_keys_sign_cose().
 */
gboolean
ks_station_keys_sign_detached (KsStationKeys *self,
                               const guint8  *data,
                               gsize          len,
                               guint8        *signature,
                               GError       **error)
{
  guint8 sk[crypto_sign_SECRETKEYBYTES];
  guint8 pk[crypto_sign_PUBLICKEYBYTES];

  g_return_val_if_fail (KS_IS_STATION_KEYS (self), FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);

  if (!read_secret_key (self->key_path, sk, error))
    return FALSE;
  crypto_sign_ed25519_sk_to_pk (pk, sk);
  if (g_bytes_get_size (self->cert->public_key) != sizeof pk
      || sodium_memcmp (pk, g_bytes_get_data (self->cert->public_key, NULL), sizeof pk) != 0)
    {
      sodium_memzero (sk, sizeof sk);
      return key_file_error (error, self->key_path, 0);
    }
  crypto_sign_detached (signature, NULL, data, len, sk);
  sodium_memzero (sk, sizeof sk);
  return TRUE;
}
