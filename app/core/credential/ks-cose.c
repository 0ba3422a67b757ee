/* ks-cose.c: COSE_Sign1 (RFC 9052 4.4) with EdDSA (Ed25519) and ES256 (P-256, raw r||s)
 *
 * Ed25519 comes from libsodium like every other key of the station. libsodium has no P-256, so
 * ES256, which other Claim 169 issuers use, is verified with OpenSSL's libcrypto; the station
 * never signs with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-cose"

#include "config.h"

#include <glib/gi18n.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include "ks-cbor.h"
#include "ks-cose.h"
#include "ks-credential-error.h"

#define COSE_TAG_SIGN1 18
#define CWT_TAG 61
#define COSE_HEADER_ALG 1
#define COSE_HEADER_KID 4

void
ks_cose_sign1_free (KsCoseSign1 *msg)
{
  if (msg == NULL)
    return;
  g_clear_pointer (&msg->kid, g_bytes_unref);
  g_clear_pointer (&msg->protected_header, g_bytes_unref);
  g_clear_pointer (&msg->payload, g_bytes_unref);
  g_clear_pointer (&msg->signature, g_bytes_unref);
  g_free (msg);
}

const char *
ks_cose_algorithm_name (KsCoseAlgorithm alg)
{
  switch (alg)
    {
    case KS_COSE_ALG_EDDSA:
      return "EdDSA";
    case KS_COSE_ALG_ES256:
      return "ES256";
    default:
      return "?";
    }
}

static gboolean
not_cose (GError    **error,
          const char *why)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NOT_COSE,
               _("The code holds data, but no signed credential (%s). It is not a Khyber Pass "
                 "code."),
               why);
  return FALSE;
}

static GBytes *
kid_of (const KsCbor *header)
{
  const KsCbor *kid = ks_cbor_map_lookup_int (header, COSE_HEADER_KID);

  /* RFC 9052 says bstr; some issuers write text. Both name the key the same way. */
  if (kid != NULL && (kid->type == KS_CBOR_BYTES || kid->type == KS_CBOR_TEXT))
    return g_bytes_ref (kid->bytes);
  return NULL;
}

/**
 * ks_cose_sign1_parse:
 *
 * Reads `61(18([...]))`, `18([...])` or an untagged array. The algorithm is taken from the
 * protected header only (an unprotected one could be swapped by anyone) and must be EdDSA or
 * ES256; the kid may sit in either header, the protected one winning.
 */
KsCoseSign1 *
ks_cose_sign1_parse (const guint8 *data,
                     gsize         len,
                     GError      **error)
{
  g_autoptr(KsCbor) root = NULL;
  g_autoptr(KsCbor) protected_map = NULL;
  g_autoptr(KsCoseSign1) msg = NULL;
  const KsCbor *array;
  const KsCbor *prot, *unprot, *payload, *signature;
  const KsCbor *alg_item;
  const guint8 *prot_data;
  gsize prot_len = 0;
  gint64 alg;

  root = ks_cbor_decode (data, len, 0, error);
  if (root == NULL)
    return NULL;

  array = ks_cbor_untag (ks_cbor_untag (root, CWT_TAG), COSE_TAG_SIGN1);
  if (array->type == KS_CBOR_TAG)
    return not_cose (error, _("unexpected tag")), NULL;
  if (array->type != KS_CBOR_ARRAY || array->items->len != 4)
    return not_cose (error, _("not a COSE_Sign1 array")), NULL;

  prot = g_ptr_array_index (array->items, 0);
  unprot = g_ptr_array_index (array->items, 1);
  payload = g_ptr_array_index (array->items, 2);
  signature = g_ptr_array_index (array->items, 3);
  if (prot->type != KS_CBOR_BYTES || unprot->type != KS_CBOR_MAP
      || payload->type != KS_CBOR_BYTES || signature->type != KS_CBOR_BYTES)
    return not_cose (error, _("wrong field types")), NULL;

  msg = g_new0 (KsCoseSign1, 1);
  msg->protected_header = g_bytes_ref (prot->bytes);
  msg->payload = g_bytes_ref (payload->bytes);
  msg->signature = g_bytes_ref (signature->bytes);

  prot_data = ks_cbor_get_bytes (prot, &prot_len);
  if (prot_len > 0)
    {
      protected_map = ks_cbor_decode (prot_data, prot_len, 0, error);
      if (protected_map == NULL)
        return NULL;
      if (protected_map->type != KS_CBOR_MAP)
        return not_cose (error, _("protected header is not a map")), NULL;
    }

  alg_item = ks_cbor_map_lookup_int (protected_map, COSE_HEADER_ALG);
  if (alg_item == NULL)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM,
                   _("The code’s signature does not say how it was made, so it cannot be "
                     "checked. It is not a Khyber Pass code."));
      return NULL;
    }
  if (!ks_cbor_get_int (alg_item, &alg)
      || (alg != KS_COSE_ALG_EDDSA && alg != KS_COSE_ALG_ES256))
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM,
                   _("The code is signed with a method this station does not accept (only "
                     "EdDSA and ES256 are). It was not issued by a Khyber Pass station."));
      return NULL;
    }
  msg->alg = (KsCoseAlgorithm)alg;

  msg->kid = kid_of (protected_map);
  if (msg->kid == NULL)
    msg->kid = kid_of (unprot);

  return g_steal_pointer (&msg);
}

/**
 * ks_cose_sig_structure:
 *
 * The bytes a COSE_Sign1 signature covers: `["Signature1", protected, h'', payload]`, built from
 * the protected header's bytes as received, never from a re-encoding of it.
 */
GBytes *
ks_cose_sig_structure (GBytes *protected_header,
                       GBytes *payload)
{
  GByteArray *out = g_byte_array_new ();
  gsize plen, len;
  const guint8 *pdata = g_bytes_get_data (protected_header, &plen);
  const guint8 *data = g_bytes_get_data (payload, &len);

  ks_cbor_write_array (out, 4);
  ks_cbor_write_text (out, "Signature1");
  ks_cbor_write_bytes (out, pdata, plen);
  ks_cbor_write_bytes (out, NULL, 0);
  ks_cbor_write_bytes (out, data, len);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ks_cose_protected_header:
 * @kid: (nullable): the signing key's id, carried under the signature so it cannot be swapped
 */
GBytes *
ks_cose_protected_header (KsCoseAlgorithm alg,
                          const char     *kid)
{
  GByteArray *out = g_byte_array_new ();

  ks_cbor_write_map (out, kid ? 2 : 1);
  ks_cbor_write_uint (out, COSE_HEADER_ALG);
  ks_cbor_write_int (out, alg);
  if (kid)
    {
      ks_cbor_write_uint (out, COSE_HEADER_KID);
      ks_cbor_write_bytes (out, (const guint8 *)kid, strlen (kid));
    }
  return g_byte_array_free_to_bytes (out);
}

/**
 * ks_cose_sign1_build:
 *
 * Returns: `18([protected, {}, payload, signature])`.
 */
GBytes *
ks_cose_sign1_build (GBytes *protected_header,
                     GBytes *payload,
                     GBytes *signature)
{
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *data;

  ks_cbor_write_tag (out, COSE_TAG_SIGN1);
  ks_cbor_write_array (out, 4);
  data = g_bytes_get_data (protected_header, &len);
  ks_cbor_write_bytes (out, data, len);
  ks_cbor_write_map (out, 0);
  data = g_bytes_get_data (payload, &len);
  ks_cbor_write_bytes (out, data, len);
  data = g_bytes_get_data (signature, &len);
  ks_cbor_write_bytes (out, data, len);
  return g_byte_array_free_to_bytes (out);
}

/**
 * ks_cose_sign1_sign_ed25519:
 * @kid: (nullable): key id for the protected header
 * @secret_key: libsodium's 64-byte Ed25519 secret key; the caller wipes it
 *
 * Ed25519 is deterministic: the same payload and key always give the same bytes.
 */
GBytes *
ks_cose_sign1_sign_ed25519 (GBytes       *payload,
                            const char   *kid,
                            const guint8 *secret_key)
{
  g_autoptr(GBytes) prot = ks_cose_protected_header (KS_COSE_ALG_EDDSA, kid);
  g_autoptr(GBytes) tbs = ks_cose_sig_structure (prot, payload);
  g_autoptr(GBytes) sig = NULL;
  guint8 sigbuf[crypto_sign_BYTES];
  gsize len;
  const guint8 *data = g_bytes_get_data (tbs, &len);

  crypto_sign_detached (sigbuf, NULL, data, len, secret_key);
  sig = g_bytes_new (sigbuf, sizeof sigbuf);
  return ks_cose_sign1_build (prot, payload, sig);
}

static gboolean
verify_es256 (const guint8 *public_key,
              gsize         public_key_len,
              const guint8 *msg,
              gsize         msg_len,
              const guint8 *sig,
              gsize         sig_len)
{
  OSSL_PARAM_BLD *bld = NULL;
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *pctx = NULL;
  EVP_PKEY_CTX *check = NULL;
  EVP_PKEY *pkey = NULL;
  EVP_MD_CTX *md = NULL;
  ECDSA_SIG *esig = NULL;
  BIGNUM *r = NULL, *s = NULL;
  unsigned char *der = NULL;
  int der_len;
  gboolean ok = FALSE;

  /* 65-byte uncompressed SEC1 point, 64-byte r||s: anything else is not ES256 as COSE has it. */
  if (public_key_len != 65 || public_key[0] != 0x04 || sig_len != 64)
    return FALSE;

  bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL
      || !OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
      || !OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, public_key,
                                            public_key_len)
      || (params = OSSL_PARAM_BLD_to_param (bld)) == NULL)
    goto out;

  pctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  if (pctx == NULL || EVP_PKEY_fromdata_init (pctx) != 1
      || EVP_PKEY_fromdata (pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    goto out;

  /* A point off the curve must never reach the verifier (invalid-curve attacks). */
  check = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  if (check == NULL || EVP_PKEY_public_check (check) != 1)
    goto out;

  esig = ECDSA_SIG_new ();
  r = BN_bin2bn (sig, 32, NULL);
  s = BN_bin2bn (sig + 32, 32, NULL);
  if (esig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0 (esig, r, s) != 1)
    goto out;
  r = s = NULL;  /* owned by esig now */
  der_len = i2d_ECDSA_SIG (esig, &der);
  if (der_len <= 0)
    goto out;

  md = EVP_MD_CTX_new ();
  if (md == NULL || EVP_DigestVerifyInit (md, NULL, EVP_sha256 (), NULL, pkey) != 1)
    goto out;
  ok = EVP_DigestVerify (md, der, der_len, msg, msg_len) == 1;

out:
  /* Leave no failure behind in OpenSSL's thread-local queue for an unrelated later call. */
  ERR_clear_error ();
  OPENSSL_free (der);
  EVP_MD_CTX_free (md);
  ECDSA_SIG_free (esig);
  BN_free (r);
  BN_free (s);
  EVP_PKEY_CTX_free (check);
  EVP_PKEY_free (pkey);
  EVP_PKEY_CTX_free (pctx);
  OSSL_PARAM_free (params);
  OSSL_PARAM_BLD_free (bld);
  return ok;
}

/**
 * ks_cose_sign1_verify:
 * @key_alg: the algorithm the trusted key is for; a message claiming another is refused, so a
 *   key is never used with an algorithm its owner did not choose
 * @public_key: 32 bytes (EdDSA) or a 65-byte uncompressed point (ES256)
 */
gboolean
ks_cose_sign1_verify (const KsCoseSign1 *msg,
                      KsCoseAlgorithm    key_alg,
                      const guint8      *public_key,
                      gsize              public_key_len,
                      GError           **error)
{
  g_autoptr(GBytes) tbs = NULL;
  const guint8 *tbs_data, *sig;
  gsize tbs_len, sig_len;
  gboolean ok = FALSE;

  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);

  tbs = ks_cose_sig_structure (msg->protected_header, msg->payload);
  tbs_data = g_bytes_get_data (tbs, &tbs_len);
  sig = g_bytes_get_data (msg->signature, &sig_len);

  if (msg->alg == key_alg)
    {
      switch (msg->alg)
        {
        case KS_COSE_ALG_EDDSA:
          ok = public_key_len == crypto_sign_PUBLICKEYBYTES && sig_len == crypto_sign_BYTES
               && crypto_sign_verify_detached (sig, tbs_data, tbs_len, public_key) == 0;
          break;
        case KS_COSE_ALG_ES256:
          ok = verify_es256 (public_key, public_key_len, tbs_data, tbs_len, sig, sig_len);
          break;
        default:
          ok = FALSE;
          break;
        }
    }

  if (!ok)
    g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_SIGNATURE,
                 _("The code’s signature does not match its content: the card was altered or "
                   "forged. Do not accept it; check the holder’s identity another way."));
  return ok;
}
