/* ks-claim169.c: Claim 169 identity credentials (MOSIP id-claim-169 1.2.2): issue and verify
 *
 * The writer emits what the spec's table says (a map under 169, integers for gender); the reader
 * is tolerant where real issuers differ (a bstr-wrapped map, gender as text, tagged or untagged
 * COSE, indefinite lengths) and strict where a lax reader is an attack surface (size, depth,
 * duplicate keys, algorithm taken only from the protected header). Keys it does not know are
 * kept, so a newer issuer's fields survive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-claim169"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <zlib.h>

#include "ks-base45.h"
#include "ks-claim169.h"

G_DEFINE_QUARK (ks-credential-error-quark, ks_credential_error)

#define CWT_ISS 1
#define CWT_SUB 2
#define CWT_EXP 4
#define CWT_NBF 5
#define CWT_IAT 6
#define CWT_CTI 7
#define CWT_CLAIM169 169

typedef struct
{
  int key;
  gsize offset;
} TextField;

static const TextField text_fields[] = {
  { 1, G_STRUCT_OFFSET (KsClaim169, id) },
  { 2, G_STRUCT_OFFSET (KsClaim169, version) },
  { 3, G_STRUCT_OFFSET (KsClaim169, language) },
  { 4, G_STRUCT_OFFSET (KsClaim169, full_name) },
  { 5, G_STRUCT_OFFSET (KsClaim169, first_name) },
  { 6, G_STRUCT_OFFSET (KsClaim169, middle_name) },
  { 7, G_STRUCT_OFFSET (KsClaim169, last_name) },
  { 8, G_STRUCT_OFFSET (KsClaim169, date_of_birth) },
  { 10, G_STRUCT_OFFSET (KsClaim169, address) },
  { 11, G_STRUCT_OFFSET (KsClaim169, email) },
  { 12, G_STRUCT_OFFSET (KsClaim169, phone) },
  { 13, G_STRUCT_OFFSET (KsClaim169, nationality) },
  { 15, G_STRUCT_OFFSET (KsClaim169, guardian) },
  { 19, G_STRUCT_OFFSET (KsClaim169, secondary_full_name) },
  { 20, G_STRUCT_OFFSET (KsClaim169, secondary_language) },
  { 21, G_STRUCT_OFFSET (KsClaim169, location_code) },
  { 22, G_STRUCT_OFFSET (KsClaim169, legal_status) },
  { 23, G_STRUCT_OFFSET (KsClaim169, country_of_issuance) },
};

#define TEXT_FIELD(claim, f) G_STRUCT_MEMBER (char *, (claim), (f)->offset)

KsClaim169 *
ks_claim169_new (void)
{
  KsClaim169 *claim = g_new0 (KsClaim169, 1);
  return claim;
}

void
ks_biometric_free (KsBiometric *bio)
{
  if (bio == NULL)
    return;
  g_clear_pointer (&bio->data, g_bytes_unref);
  g_free (bio->issuer);
  g_free (bio);
}

void
ks_claim169_free (KsClaim169 *claim)
{
  if (claim == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    g_free (TEXT_FIELD (claim, &text_fields[i]));
  g_clear_pointer (&claim->photo, g_bytes_unref);
  g_clear_pointer (&claim->best_quality_fingers, g_array_unref);
  for (guint i = 0; i < KS_CLAIM169_N_BIOMETRIC; i++)
    g_clear_pointer (&claim->biometrics[i], g_ptr_array_unref);
  g_clear_pointer (&claim->unknown, ks_cbor_free);
  g_free (claim);
}

static const TextField *
find_text_field (gint64 key)
{
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    if (text_fields[i].key == key)
      return &text_fields[i];
  return NULL;
}

/* Writing */

static void
write_biometrics (GByteArray      *out,
                  const GPtrArray *list)
{
  ks_cbor_write_array (out, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      const KsBiometric *bio = g_ptr_array_index (list, i);
      gsize n = 1 + (bio->format >= 0) + (bio->sub_format >= 0) + (bio->issuer != NULL);
      gsize len = 0;
      const guint8 *data = bio->data ? g_bytes_get_data (bio->data, &len) : NULL;

      ks_cbor_write_map (out, n);
      ks_cbor_write_uint (out, 0);
      ks_cbor_write_bytes (out, data, len);
      if (bio->format >= 0)
        {
          ks_cbor_write_uint (out, 1);
          ks_cbor_write_uint (out, bio->format);
        }
      if (bio->sub_format >= 0)
        {
          ks_cbor_write_uint (out, 2);
          ks_cbor_write_uint (out, bio->sub_format);
        }
      if (bio->issuer)
        {
          ks_cbor_write_uint (out, 3);
          ks_cbor_write_text (out, bio->issuer);
        }
    }
}

/**
 * ks_claim169_write:
 *
 * Appends the claim as a CBOR map with its keys in ascending order, then the unknown keys it
 * was read with.
 */
void
ks_claim169_write (const KsClaim169 *claim,
                   GByteArray       *out)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  gsize n = 0;

  for (int key = 1; key <= KS_CLAIM169_BIOMETRIC_LAST; key++)
    {
      const TextField *tf = find_text_field (key);
      int int_value = key == 9 ? claim->gender
                    : key == 14 ? claim->marital_status
                    : key == 17 ? claim->photo_format
                    : 0;

      if (tf != NULL)
        {
          const char *text = TEXT_FIELD (claim, tf);
          if (text == NULL)
            continue;
          ks_cbor_write_uint (body, key);
          ks_cbor_write_text (body, text);
          n++;
        }
      else if (int_value > 0)
        {
          ks_cbor_write_uint (body, key);
          ks_cbor_write_uint (body, int_value);
          n++;
        }
      else if (key == 16 && claim->photo != NULL)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (claim->photo, &len);
          ks_cbor_write_uint (body, key);
          ks_cbor_write_bytes (body, data, len);
          n++;
        }
      else if (key == 18 && claim->best_quality_fingers != NULL)
        {
          ks_cbor_write_uint (body, key);
          ks_cbor_write_array (body, claim->best_quality_fingers->len);
          for (guint i = 0; i < claim->best_quality_fingers->len; i++)
            ks_cbor_write_int (body, g_array_index (claim->best_quality_fingers, int, i));
          n++;
        }
      else if (key >= KS_CLAIM169_BIOMETRIC_FIRST
               && claim->biometrics[key - KS_CLAIM169_BIOMETRIC_FIRST] != NULL)
        {
          ks_cbor_write_uint (body, key);
          write_biometrics (body, claim->biometrics[key - KS_CLAIM169_BIOMETRIC_FIRST]);
          n++;
        }
    }

  if (claim->unknown != NULL)
    for (guint i = 0; i < ks_cbor_map_size (claim->unknown); i++)
      {
        ks_cbor_write_item (body, ks_cbor_map_key (claim->unknown, i));
        ks_cbor_write_item (body, ks_cbor_map_value (claim->unknown, i));
        n++;
      }

  ks_cbor_write_map (out, n);
  g_byte_array_append (out, body->data, body->len);
}

/**
 * ks_claim169_to_cwt:
 * @issuer: (nullable): the registry's URI (spec 1.2.2 wants a full URI)
 * @issued_at, @not_before, @expires_at: unix seconds, 0 to leave the claim out
 *
 * Returns: the CWT claims map, the payload to sign.
 */
GBytes *
ks_claim169_to_cwt (const KsClaim169 *claim,
                    const char       *issuer,
                    gint64            issued_at,
                    gint64            not_before,
                    gint64            expires_at)
{
  return ks_claim169_to_cwt_with_id (claim, NULL, issuer, issued_at, not_before, expires_at);
}

/**
 * ks_claim169_to_cwt_with_id:
 * @cti: (nullable): the credential's own ID (CWT claim 7, RFC 8392 3.1.7), which a revocation
 *   names
 *
 * ks_claim169_to_cwt() with a credential ID.
 */
GBytes *
ks_claim169_to_cwt_with_id (const KsClaim169 *claim,
                            GBytes           *cti,
                            const char       *issuer,
                            gint64            issued_at,
                            gint64            not_before,
                            gint64            expires_at)
{
  GByteArray *out = g_byte_array_new ();

  g_return_val_if_fail (claim != NULL, NULL);

  ks_cbor_write_map (out, 1 + (issuer != NULL) + (issued_at != 0) + (not_before != 0)
                     + (expires_at != 0) + (cti != NULL));
  if (issuer)
    {
      ks_cbor_write_uint (out, CWT_ISS);
      ks_cbor_write_text (out, issuer);
    }
  if (expires_at)
    {
      ks_cbor_write_uint (out, CWT_EXP);
      ks_cbor_write_int (out, expires_at);
    }
  if (not_before)
    {
      ks_cbor_write_uint (out, CWT_NBF);
      ks_cbor_write_int (out, not_before);
    }
  if (issued_at)
    {
      ks_cbor_write_uint (out, CWT_IAT);
      ks_cbor_write_int (out, issued_at);
    }
  if (cti)
    {
      ks_cbor_write_uint (out, CWT_CTI);
      ks_cbor_write_bytes (out, g_bytes_get_data (cti, NULL), g_bytes_get_size (cti));
    }
  ks_cbor_write_uint (out, CWT_CLAIM169);
  ks_claim169_write (claim, out);
  return g_byte_array_free_to_bytes (out);
}

/* Reading */

static int
gender_from_text (const char *text)
{
  static const struct { const char *name; int value; } names[] = {
    { "1", 1 }, { "2", 2 }, { "3", 3 },
    { "male", 1 }, { "m", 1 }, { "female", 2 }, { "f", 2 },
    { "other", 3 }, { "others", 3 }, { "transgender", 3 }, { "x", 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (text, names[i].name) == 0)
      return names[i].value;
  return 0;
}

static gboolean
read_small_int (const KsCbor *item,
                int          *out)
{
  gint64 v;

  if (!ks_cbor_get_int (item, &v) || v < G_MININT || v > G_MAXINT)
    return FALSE;
  *out = (int)v;
  return TRUE;
}

static KsBiometric *
read_biometric (const KsCbor *map)
{
  g_autoptr(KsBiometric) bio = NULL;
  const KsCbor *data;
  const KsCbor *issuer;

  if (map->type != KS_CBOR_MAP)
    return NULL;
  data = ks_cbor_map_lookup_int (map, 0);
  if (data == NULL || data->type != KS_CBOR_BYTES)
    return NULL;

  bio = g_new0 (KsBiometric, 1);
  bio->data = g_bytes_ref (data->bytes);
  bio->format = -1;
  bio->sub_format = -1;
  if (ks_cbor_map_lookup_int (map, 1) && !read_small_int (ks_cbor_map_lookup_int (map, 1),
                                                          &bio->format))
    return NULL;
  if (ks_cbor_map_lookup_int (map, 2) && !read_small_int (ks_cbor_map_lookup_int (map, 2),
                                                          &bio->sub_format))
    return NULL;
  issuer = ks_cbor_map_lookup_int (map, 3);
  if (issuer != NULL)
    {
      if (issuer->type != KS_CBOR_TEXT)
        return NULL;
      bio->issuer = g_strdup (ks_cbor_get_text (issuer));
    }
  return g_steal_pointer (&bio);
}

static GPtrArray *
read_biometric_list (const KsCbor *value)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_biometric_free);

  if (value->type == KS_CBOR_MAP)
    {
      KsBiometric *bio = read_biometric (value);
      if (bio == NULL)
        return NULL;
      g_ptr_array_add (list, bio);
    }
  else if (value->type == KS_CBOR_ARRAY)
    {
      for (guint i = 0; i < value->items->len; i++)
        {
          KsBiometric *bio = read_biometric (g_ptr_array_index (value->items, i));
          if (bio == NULL)
            return NULL;
          g_ptr_array_add (list, bio);
        }
    }
  else
    return NULL;
  return g_steal_pointer (&list);
}

static gboolean
read_field (KsClaim169   *claim,
            gint64        key,
            const KsCbor *value)
{
  const TextField *tf = find_text_field (key);

  if (tf != NULL)
    {
      if (value->type != KS_CBOR_TEXT)
        return FALSE;
      TEXT_FIELD (claim, tf) = g_strdup (ks_cbor_get_text (value));
      return TRUE;
    }

  switch (key)
    {
    case 9:
      if (value->type == KS_CBOR_TEXT)
        claim->gender = gender_from_text (ks_cbor_get_text (value));
      else if (!read_small_int (value, &claim->gender))
        return FALSE;
      return claim->gender > 0;
    case 14:
      return read_small_int (value, &claim->marital_status);
    case 16:
      if (value->type != KS_CBOR_BYTES)
        return FALSE;
      claim->photo = g_bytes_ref (value->bytes);
      return TRUE;
    case 17:
      return read_small_int (value, &claim->photo_format);
    case 18:
      if (value->type != KS_CBOR_ARRAY)
        return FALSE;
      claim->best_quality_fingers = g_array_new (FALSE, FALSE, sizeof (int));
      for (guint i = 0; i < value->items->len; i++)
        {
          int finger;
          if (!read_small_int (g_ptr_array_index (value->items, i), &finger))
            {
              g_clear_pointer (&claim->best_quality_fingers, g_array_unref);
              return FALSE;
            }
          g_array_append_val (claim->best_quality_fingers, finger);
        }
      return TRUE;
    default:
      if (key >= KS_CLAIM169_BIOMETRIC_FIRST && key <= KS_CLAIM169_BIOMETRIC_LAST)
        {
          GPtrArray *list = read_biometric_list (value);
          if (list == NULL)
            return FALSE;
          claim->biometrics[key - KS_CLAIM169_BIOMETRIC_FIRST] = list;
          return TRUE;
        }
      return FALSE;
    }
}

/**
 * ks_claim169_read:
 * @map: the value under claim 169, a map
 *
 * Fields of the wrong type are not dropped: like unknown keys they go to @unknown as read.
 */
KsClaim169 *
ks_claim169_read (const KsCbor *map)
{
  g_autoptr(KsClaim169) claim = NULL;

  g_return_val_if_fail (map != NULL && map->type == KS_CBOR_MAP, NULL);

  claim = ks_claim169_new ();
  for (guint i = 0; i < ks_cbor_map_size (map); i++)
    {
      const KsCbor *key = ks_cbor_map_key (map, i);
      const KsCbor *value = ks_cbor_map_value (map, i);
      gint64 k;

      if (ks_cbor_get_int (key, &k) && read_field (claim, k, value))
        continue;

      if (claim->unknown == NULL)
        {
          claim->unknown = g_new0 (KsCbor, 1);
          claim->unknown->type = KS_CBOR_MAP;
          claim->unknown->items = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_cbor_free);
        }
      g_ptr_array_add (claim->unknown->items, ks_cbor_copy (key));
      g_ptr_array_add (claim->unknown->items, ks_cbor_copy (value));
    }
  return g_steal_pointer (&claim);
}

/* Compression and text */

/**
 * ks_credential_pack:
 * @cose: a COSE_Sign1
 *
 * Returns: the QR text: zlib (best compression) then Base45.
 */
char *
ks_credential_pack (GBytes  *cose,
                    GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (cose, &len);
  uLongf zlen = compressBound (len);
  g_autofree guint8 *zbuf = g_malloc (zlen);

  if (compress2 (zbuf, &zlen, data, len, Z_BEST_COMPRESSION) != Z_OK)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_COMPRESSION,
                   _("The card’s code could not be compressed. Try again; if it happens again, "
                     "report it to your administrator."));
      return NULL;
    }
  return ks_base45_encode (zbuf, zlen);
}

static GBytes *
bad_compression (GError    **error,
                 const char *why)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_COMPRESSION,
               _("The code’s data cannot be unpacked (%s). It is not a Khyber Pass code, or it "
                 "was damaged."),
               why);
  return NULL;
}

/**
 * ks_credential_unpack:
 *
 * Base45 then zlib, inflating at most %KS_CREDENTIAL_MAX_INFLATED bytes: a few hundred
 * characters of QR must not be able to claim megabytes of memory.
 */
GBytes *
ks_credential_unpack (const char *text,
                      GError    **error)
{
  g_autoptr(GBytes) compressed = NULL;
  g_autofree guint8 *out = NULL;
  const guint8 *data;
  gsize len;
  z_stream zs = { 0 };
  int ret;
  gsize total;
  gboolean trailing;

  g_return_val_if_fail (text != NULL, NULL);

  compressed = ks_base45_decode (text, -1, error);
  if (compressed == NULL)
    return NULL;
  data = g_bytes_get_data (compressed, &len);

  /* RFC 1950 header: method 8, check bits. Spec 1.2.2 says anything else is Brotli, which no
   * issuer we know uses; refuse it by name rather than as garbage. */
  if (len < 2 || (data[0] & 0x0f) != 8 || ((data[0] << 8) | data[1]) % 31 != 0)
    return bad_compression (error, _("not zlib; Brotli is not supported"));

  /* One byte more than the cap: filling it means the data is too large. */
  out = g_malloc (KS_CREDENTIAL_MAX_INFLATED + 1);
  if (inflateInit (&zs) != Z_OK)
    return bad_compression (error, "zlib");
  zs.next_in = (Bytef *)data;
  zs.avail_in = len;
  zs.next_out = out;
  zs.avail_out = KS_CREDENTIAL_MAX_INFLATED + 1;
  ret = inflate (&zs, Z_FINISH);
  total = zs.total_out;
  trailing = zs.avail_in != 0;
  inflateEnd (&zs);

  if (total > KS_CREDENTIAL_MAX_INFLATED)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_TOO_LARGE,
                   _("The code unpacks to more than %d KiB, far more than any identity card "
                     "holds. It is not a Khyber Pass code."),
                   KS_CREDENTIAL_MAX_INFLATED / 1024);
      return NULL;
    }
  if (ret != Z_STREAM_END)
    return bad_compression (error, _("the compressed data is damaged or cut short"));
  if (trailing)
    return bad_compression (error, _("extra data after the compressed data"));

  return g_bytes_new (out, total);
}

/**
 * ks_credential_sign:
 * @issuer: the registry's URI
 * @issued_at, @expires_at: unix seconds
 *
 * Returns: the QR text of @claim signed by the station's key.
 */
char *
ks_credential_sign (const KsClaim169 *claim,
                    const char       *issuer,
                    gint64            issued_at,
                    gint64            expires_at,
                    KsStationKeys    *keys,
                    GError          **error)
{
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) cose = NULL;

  g_return_val_if_fail (claim != NULL, NULL);
  g_return_val_if_fail (KS_IS_STATION_KEYS (keys), NULL);

  payload = ks_claim169_to_cwt (claim, issuer, issued_at, 0, expires_at);
  cose = ks_station_keys_sign_cose (keys, payload, error);
  if (cose == NULL)
    return NULL;
  return ks_credential_pack (cose, error);
}

/**
 * ks_credential_sign_with_id:
 * @credential_id: (nullable): the card's credential ID as lowercase hex (its CWT `cti`)
 *
 * ks_credential_sign() for a credential that can be revoked by its ID.
 */
char *
ks_credential_sign_with_id (const KsClaim169 *claim,
                            const char       *credential_id,
                            const char       *issuer,
                            gint64            issued_at,
                            gint64            expires_at,
                            KsStationKeys    *keys,
                            GError          **error)
{
  g_autoptr(GBytes) cti = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) cose = NULL;

  g_return_val_if_fail (claim != NULL, NULL);
  g_return_val_if_fail (KS_IS_STATION_KEYS (keys), NULL);

  if (credential_id != NULL)
    {
      gsize len = strlen (credential_id) / 2;
      guint8 *bin = g_malloc (MAX (len, 1));
      gsize got = 0;

      if (sodium_hex2bin (bin, len, credential_id, strlen (credential_id), NULL, &got, NULL) != 0
          || got != len || len == 0)
        {
          g_free (bin);
          g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY,
                       _("The card’s credential ID is damaged. Print the card again."));
          return NULL;
        }
      cti = g_bytes_new_take (bin, len);
    }
  payload = ks_claim169_to_cwt_with_id (claim, cti, issuer, issued_at, 0, expires_at);
  cose = ks_station_keys_sign_cose (keys, payload, error);
  if (cose == NULL)
    return NULL;
  return ks_credential_pack (cose, error);
}

/* Verifying */

void
ks_verify_options_init (KsVerifyOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->pinned_alg = KS_COSE_ALG_EDDSA;
  opts->skew_seconds = KS_CREDENTIAL_DEFAULT_SKEW;
}

void
ks_credential_free (KsCredential *cred)
{
  if (cred == NULL)
    return;
  g_clear_pointer (&cred->claim, ks_claim169_free);
  g_free (cred->issuer);
  g_free (cred->subject);
  g_free (cred->kid);
  g_free (cred->station_code);
  g_free (cred->credential_id);
  g_free (cred);
}

static char *
kid_to_text (GBytes *kid)
{
  gsize len;
  const char *data;

  if (kid == NULL)
    return NULL;
  data = g_bytes_get_data (kid, &len);
  if (len > 0 && g_utf8_validate_len (data, len, NULL))
    {
      gboolean printable = TRUE;
      for (gsize i = 0; i < len; i++)
        printable &= g_ascii_isprint (data[i]);
      if (printable)
        return g_strndup (data, len);
    }
  {
    GString *hex = g_string_new (NULL);
    for (gsize i = 0; i < len; i++)
      g_string_append_printf (hex, "%02x", (guint8)data[i]);
    return g_string_free (hex, FALSE);
  }
}

static gboolean
read_time (const KsCbor *item,
           gint64       *out)
{
  if (item == NULL)
    return TRUE;
  if (ks_cbor_get_int (item, out))
    return TRUE;
  /* NumericDate may be a float (RFC 8392 2). */
  if (item->type == KS_CBOR_FLOAT && item->value.f > -1e15 && item->value.f < 1e15)
    {
      *out = (gint64)item->value.f;
      return TRUE;
    }
  return FALSE;
}

static char *
format_date (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  /* Day first: people read this (credential/ cannot use base's ks_format_day_time()). */
  return dt ? g_date_time_format (dt, "%d-%m-%Y %H:%M UTC") : g_strdup ("?");
}

static gboolean
no_identity (GError    **error,
             const char *why)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NO_IDENTITY,
               _("The code is a signed token but holds no identity (%s). It is not a Khyber "
                 "Pass card."),
               why);
  return FALSE;
}

/**
 * ks_credential_verify_cose:
 *
 * Checks, in this order, so the first reason given is the most useful one: COSE structure and
 * algorithm, the signer in the trust list (or the pinned key), the signature, the CWT and its
 * claim 169, the signer's authorization at the issue date, then exp and nbf against the clock
 * with the options' skew.
 */
KsCredential *
ks_credential_verify_cose (GBytes                *cose,
                           const KsVerifyOptions *opts,
                           GError               **error)
{
  g_autoptr(KsCoseSign1) msg = NULL;
  g_autoptr(KsCbor) cwt = NULL;
  g_autoptr(KsCbor) wrapped = NULL;
  g_autoptr(KsCredential) cred = NULL;
  const KsStationCert *cert = NULL;
  const KsCbor *c169;
  const KsCbor *item;
  const guint8 *data;
  gsize len;
  gint64 now;

  g_return_val_if_fail (cose != NULL, NULL);
  g_return_val_if_fail (opts != NULL, NULL);

  now = opts->now ? opts->now : g_get_real_time () / G_USEC_PER_SEC;

  data = g_bytes_get_data (cose, &len);
  msg = ks_cose_sign1_parse (data, len, error);
  if (msg == NULL)
    return NULL;

  cred = g_new0 (KsCredential, 1);
  cred->alg = msg->alg;
  cred->kid = kid_to_text (msg->kid);

  if (!opts->allow_unverified)
    {
      GBytes *key = NULL;
      KsCoseAlgorithm key_alg;

      /* Claim 169's "unsigned" tokens carry an empty signature: no key, ours or another's,
       * is involved, and the verdict says so. */
      if (msg->signature == NULL || g_bytes_get_size (msg->signature) == 0)
        {
          g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_SIGNATURE,
                       _("The code is unsigned: it carries no signature, so anyone could have "
                         "made it. Do not accept it."));
          return NULL;
        }

      if (opts->pinned_key != NULL)
        {
          key = opts->pinned_key;
          key_alg = opts->pinned_alg;
        }
      else if (opts->trust != NULL)
        {
          if (cred->kid != NULL)
            cert = ks_trust_list_lookup (opts->trust, cred->kid, error);
          else
            {
              /* Another issuer's credential naming no key: its iss (read here only to choose
               * which keys to try; nothing of it is believed before the signature holds). */
              g_autoptr(KsCbor) peek = NULL;
              const KsCbor *iss = NULL;

              data = g_bytes_get_data (msg->payload, &len);
              peek = ks_cbor_decode (data, len, 0, NULL);
              if (peek != NULL && peek->type == KS_CBOR_MAP)
                iss = ks_cbor_map_lookup_int (peek, CWT_ISS);
              cert = ks_trust_list_find_signer (opts->trust, msg,
                                                iss && iss->type == KS_CBOR_TEXT
                                                ? ks_cbor_get_text (iss) : NULL,
                                                error);
              if (cert != NULL)
                cred->kid = g_strdup (cert->kid);
            }
          if (cert == NULL)
            return NULL;
          key = cert->public_key;
          key_alg = cert->alg;
          cred->station_code = g_strdup (cert->station_code);
          cred->development_issuer = ks_trust_list_root_is_development (opts->trust,
                                                                        cert->root_id);
        }
      else
        {
          g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER,
                       _("This station holds no trust list, so it cannot tell who signed the "
                         "card. Import the registry’s trust list and check again."));
          return NULL;
        }

      if (!ks_cose_sign1_verify (msg, key_alg, g_bytes_get_data (key, NULL),
                                 g_bytes_get_size (key), error))
        return NULL;
      cred->signature_checked = TRUE;
    }

  data = g_bytes_get_data (msg->payload, &len);
  cwt = ks_cbor_decode (data, len, 0, error);
  if (cwt == NULL)
    return NULL;
  if (cwt->type != KS_CBOR_MAP)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NOT_COSE,
                   _("The code is signed, but its content is not a token of claims. It is not "
                     "a Khyber Pass card."));
      return NULL;
    }

  item = ks_cbor_map_lookup_int (cwt, CWT_ISS);
  if (item && item->type == KS_CBOR_TEXT)
    cred->issuer = g_strdup (ks_cbor_get_text (item));
  item = ks_cbor_map_lookup_int (cwt, CWT_SUB);
  if (item && item->type == KS_CBOR_TEXT)
    cred->subject = g_strdup (ks_cbor_get_text (item));
  item = ks_cbor_map_lookup_int (cwt, CWT_CTI);
  if (item && item->type == KS_CBOR_BYTES)
    {
      const guint8 *cti = ks_cbor_get_bytes (item, &len);
      GString *hex = g_string_new (NULL);

      for (gsize i = 0; i < len; i++)
        g_string_append_printf (hex, "%02x", cti[i]);
      cred->credential_id = g_string_free (hex, FALSE);
    }
  if (!read_time (ks_cbor_map_lookup_int (cwt, CWT_EXP), &cred->expires_at)
      || !read_time (ks_cbor_map_lookup_int (cwt, CWT_NBF), &cred->not_before)
      || !read_time (ks_cbor_map_lookup_int (cwt, CWT_IAT), &cred->issued_at))
    return no_identity (error, _("its dates are unreadable")), NULL;

  c169 = ks_cbor_map_lookup_int (cwt, CWT_CLAIM169);
  if (c169 == NULL)
    return no_identity (error, _("claim 169 is missing")), NULL;
  /* The spec's own example wraps the map in a bstr. */
  if (c169->type == KS_CBOR_BYTES)
    {
      const guint8 *inner = ks_cbor_get_bytes (c169, &len);
      wrapped = ks_cbor_decode (inner, len, 0, error);
      if (wrapped == NULL)
        return NULL;
      c169 = wrapped;
    }
  if (c169->type != KS_CBOR_MAP)
    return no_identity (error, _("claim 169 is not a map")), NULL;
  cred->claim = ks_claim169_read (c169);
  if (cred->claim->id == NULL && cred->claim->full_name == NULL
      && cred->claim->first_name == NULL && cred->claim->last_name == NULL)
    return no_identity (error, _("neither an ID nor a name")), NULL;

  /* A certificate is judged at the card's issue date: a 10-year card outlives its station's
   * certificate, and was genuine if the station was authorized when it signed. */
  if (cert != NULL
      && !ks_station_cert_covers (cert, cred->issued_at ? cred->issued_at : now))
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER,
                   _("The card was signed by station key “%s”, which was not authorized to "
                     "issue cards at that date. Do not accept it."),
                   cred->kid);
      return NULL;
    }

  /* A revoked card is genuine, but no longer stands for the record: say so before its dates. */
  if (opts->trust != NULL && cred->signature_checked)
    {
      const KsCredentialRevocation *rev = ks_trust_list_lookup_revocation (opts->trust,
                                                                           cred->credential_id);

      if (rev != NULL)
        {
          g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (rev->revoked_at);
          /* Day first: people read this (credential/ cannot use base's ks_format_day()). */
          g_autofree char *date = dt ? g_date_time_format (dt, "%d-%m-%Y") : g_strdup ("?");

          g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_REVOKED,
                       _("This card was revoked on %s: %s. Do not accept it; the holder gets "
                         "the current card at a Khyber Pass station."),
                       date, ks_credential_revocation_reason_label (rev->reason));
          return NULL;
        }
    }

  if (opts->skip_time_checks)
    return g_steal_pointer (&cred);

  if (cred->expires_at != 0 && now > cred->expires_at + opts->skew_seconds)
    {
      g_autofree char *date = format_date (cred->expires_at);
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_EXPIRED,
                   _("This card expired on %s. It is genuine but no longer valid: the holder "
                     "should renew it at a Khyber Pass station."),
                   date);
      return NULL;
    }
  if (cred->not_before != 0 && now + opts->skew_seconds < cred->not_before)
    {
      g_autofree char *date = format_date (cred->not_before);
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NOT_YET_VALID,
                   _("This card is valid only from %s. Check this device’s date and time; if "
                     "they are right, the card cannot be accepted yet."),
                   date);
      return NULL;
    }

  return g_steal_pointer (&cred);
}

/**
 * ks_credential_verify:
 * @text: the QR's text, exactly as scanned (Base45 includes the space: never trim it)
 *
 * Returns: (nullable): the credential, or %NULL with a %KS_CREDENTIAL_ERROR saying why.
 */
KsCredential *
ks_credential_verify (const char            *text,
                      const KsVerifyOptions *opts,
                      GError               **error)
{
  g_autoptr(GBytes) cose = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  cose = ks_credential_unpack (text, error);
  if (cose == NULL)
    return NULL;
  return ks_credential_verify_cose (cose, opts, error);
}
