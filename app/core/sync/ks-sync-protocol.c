/* ks-sync-protocol.c: what the station and the registry must compute alike
 *
 * The content hash and the signed request message are defined byte for byte in
 * docs/registry-protocol.md; the station's engine and the reference registry both call these
 * functions, so the two can never drift apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-sync"

#include "config.h"

#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "ks-sync-protocol.h"
#include "ks-validate.h"

/* Payload ************************************************************************************/

/* 13 ASCII digits and nothing else: the one form of a CNIC or B-form number on the wire. */
static gboolean
is_bare_id_number (const char *text)
{
  if (text == NULL || strlen (text) != 13)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* A value the station's own validator refuses is sent as it is: the registry refuses it and
 * says which field, instead of the station dropping the record without a word. */
static char *
canonical_id_number (const char *value)
{
  g_autofree char *dashed = NULL;
  GString *digits;

  if (ks_validate_id_number (value, KS_ID_NUMBER_CNIC, KS_GENDER_UNSPECIFIED, &dashed, NULL)
      == KS_VALIDATE_INVALID)
    return g_strdup (value);
  digits = g_string_sized_new (13);
  for (const char *p = dashed; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  return g_string_free (digits, FALSE);
}

static char *
canonical_mobile (const char *value)
{
  char *e164 = NULL;

  if (ks_validate_mobile (value, &e164, NULL) == KS_VALIDATE_INVALID)
    return g_strdup (value);
  return e164;
}

static char *
canonical_date (const char *value)
{
  char *iso = NULL;

  if (ks_validate_date_of_birth (value, NULL, &iso, NULL, NULL) == KS_VALIDATE_INVALID)
    return g_strdup (value);
  return iso;
}

/**
 * ks_sync_payload_new:
 * @record: a record as the store keeps it (the CNIC typed `17301-0000700-1`, the mobile as the
 *   validator wrote it)
 *
 * The record's fields as the registry receives them: the one function that writes a payload,
 * so every record, whichever way it was made, travels in the same form (docs/registry-
 * protocol.md, "The payload"): CNIC, B-form and guardian's CNIC as 13 bare digits, the mobile
 * in E.164 (`+923001234567`), the date of birth as `YYYY-MM-DD`, the photo empty (it travels in
 * `biometrics_sealed`); every other field as the station's validators stored it. The same record always gives the same bytes: the content
 * hash covers them.
 *
 * Returns: (transfer full): the payload, a JSON object
 */
char *
ks_sync_payload_new (KsRecord *record)
{
  g_autoptr(KsRecord) wire = NULL;
  g_autofree char *cnic = NULL;
  g_autofree char *guardian = NULL;
  g_autofree char *mobile = NULL;
  g_autofree char *birth = NULL;

  g_return_val_if_fail (KS_IS_RECORD (record), NULL);

  wire = ks_record_copy (record);
  cnic = canonical_id_number (ks_record_get (record, KS_FIELD_CNIC));
  guardian = canonical_id_number (ks_record_get (record, KS_FIELD_GUARDIAN_CNIC));
  mobile = canonical_mobile (ks_record_get (record, KS_FIELD_MOBILE));
  birth = canonical_date (ks_record_get (record, KS_FIELD_DATE_OF_BIRTH));
  ks_record_set (wire, KS_FIELD_CNIC, cnic);
  ks_record_set (wire, KS_FIELD_GUARDIAN_CNIC, guardian);
  ks_record_set (wire, KS_FIELD_MOBILE, mobile);
  ks_record_set (wire, KS_FIELD_DATE_OF_BIRTH, birth);
  /* The record keeps its photo sealed to this station's key, which the registry cannot open:
   * the photo travels sealed to the registry's key with the fingers (biometrics_sealed,
   * ks_fingers_export_for_registry()), never in the payload. */
  ks_record_set (wire, KS_FIELD_PHOTO, "");
  return ks_record_to_json (wire);
}

/**
 * ks_sync_payload_check:
 * @payload: a payload as received
 * @id_number: (out) (optional): the CNIC or B-form number, when the payload could be read
 *
 * What the registry checks in a payload, with the station's own validators (ks-validate.c):
 * a record the station accepts and sends in the documented form passes, whatever passes here
 * the station would have accepted. Each identifier must be in its one documented form.
 *
 * Returns: (nullable): %NULL when acceptable, otherwise the refusal reason of the protocol:
 *   `invalid-payload`, `invalid-cnic` (the CNIC, B-form or guardian's CNIC), `invalid-mobile`
 *   or `invalid-date`
 */
const char *
ks_sync_payload_check (const char *payload,
                       char      **id_number)
{
  g_autoptr(KsRecord) record = NULL;
  g_autofree char *e164 = NULL;
  g_autofree char *iso = NULL;
  const char *kind;
  const char *cnic;
  const char *guardian;
  const char *mobile;
  const char *birth;
  KsGender gender;

  if (payload == NULL || (record = ks_record_new_from_json (payload, NULL)) == NULL)
    return "invalid-payload";
  kind = ks_record_get (record, KS_FIELD_ID_KIND);
  cnic = ks_record_get (record, KS_FIELD_CNIC);
  guardian = ks_record_get (record, KS_FIELD_GUARDIAN_CNIC);
  mobile = ks_record_get (record, KS_FIELD_MOBILE);
  birth = ks_record_get (record, KS_FIELD_DATE_OF_BIRTH);
  if (id_number != NULL)
    *id_number = g_strdup (cnic);

  if ((!g_str_equal (kind, "cnic") && !g_str_equal (kind, "bform"))
      || !ks_gender_from_id (ks_record_get (record, KS_FIELD_GENDER), &gender))
    return "invalid-payload";
  if (!is_bare_id_number (cnic)
      || ks_validate_id_number (cnic, g_str_equal (kind, "bform")
                                ? KS_ID_NUMBER_BFORM : KS_ID_NUMBER_CNIC,
                                gender, NULL, NULL) == KS_VALIDATE_INVALID)
    return "invalid-cnic";
  if (*guardian != '\0'
      && (!is_bare_id_number (guardian)
          || ks_validate_id_number (guardian, KS_ID_NUMBER_GUARDIAN_CNIC, KS_GENDER_UNSPECIFIED,
                                    NULL, NULL) == KS_VALIDATE_INVALID))
    return "invalid-cnic";
  if (ks_validate_mobile (mobile, &e164, NULL) == KS_VALIDATE_INVALID
      || !g_str_equal (e164, mobile))
    return "invalid-mobile";
  if (ks_validate_date_of_birth (birth, NULL, &iso, NULL, NULL) == KS_VALIDATE_INVALID
      || !g_str_equal (iso, birth))
    return "invalid-date";
  return NULL;
}

/* Hashes and signatures ***********************************************************************/

char *
ks_sync_sha256_hex (const guint8 *data,
                    gsize         len)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  char hex[sizeof hash * 2 + 1];

  crypto_hash_sha256 (hash, data, len);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

/* Hashing the biometrics and the bodies was most of a record's processor time in version 1:
 * libsodium's BLAKE2b runs several times faster than its SHA-256 (and OpenSSL stays out of
 * the station but for P-256). */
typedef struct
{
  guint version;
  crypto_hash_sha256_state sha256;
  crypto_generichash_state blake2b;
} Digest;

static void
digest_init (Digest *d,
             guint   version)
{
  d->version = version;
  if (version == KS_SYNC_PROTOCOL_1)
    crypto_hash_sha256_init (&d->sha256);
  else
    crypto_generichash_init (&d->blake2b, NULL, 0, 32);
}

static void
digest_update (Digest       *d,
               const guint8 *data,
               gsize         len)
{
  if (d->version == KS_SYNC_PROTOCOL_1)
    crypto_hash_sha256_update (&d->sha256, data, len);
  else
    crypto_generichash_update (&d->blake2b, data, len);
}

static void
digest_update_str (Digest     *d,
                   const char *text)
{
  digest_update (d, (const guint8 *)text, strlen (text));
}

static char *
digest_final_hex (Digest *d)
{
  guint8 hash[32];
  char hex[sizeof hash * 2 + 1];

  if (d->version == KS_SYNC_PROTOCOL_1)
    crypto_hash_sha256_final (&d->sha256, hash);
  else
    crypto_generichash_final (&d->blake2b, hash, sizeof hash);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

/**
 * ks_sync_digest_hex:
 * @version: %KS_SYNC_PROTOCOL_1 (SHA-256) or %KS_SYNC_PROTOCOL_2 (BLAKE2b, 32 bytes)
 *
 * Returns: (transfer full): the lowercase hex digest of the protocol version
 */
char *
ks_sync_digest_hex (guint         version,
                    const guint8 *data,
                    gsize         len)
{
  Digest d;

  digest_init (&d, version);
  digest_update (&d, data, len);
  return digest_final_hex (&d);
}

/**
 * ks_sync_protocol_from_header:
 * @value: (nullable): the request's KP-Protocol header
 *
 * Returns: the protocol version a request speaks: 1 without the header, 0 for a version this
 *   side does not know
 */
guint
ks_sync_protocol_from_header (const char *value)
{
  if (value == NULL)
    return KS_SYNC_PROTOCOL_1;
  if (g_str_equal (value, "1"))
    return KS_SYNC_PROTOCOL_1;
  if (g_str_equal (value, "2"))
    return KS_SYNC_PROTOCOL_2;
  return 0;
}

/**
 * ks_sync_content_hash_full:
 * @biometrics_digest: (nullable): hex digest (of the protocol @version) of the plain
 *   biometric blob
 *
 * The hash covers the plain blob's digest, not its sealed form: sealing is randomised, and a
 * record re-sent after a crash must hash the same, or the registry would call it a conflict.
 */
char *
ks_sync_content_hash_full (guint       version,
                           const char *decision,
                           const char *reason,
                           const char *payload,
                           const char *biometrics_digest)
{
  Digest d;

  /* Streamed, not printed into one string: the payload is not copied. */
  digest_init (&d, version);
  digest_update_str (&d, version == KS_SYNC_PROTOCOL_1 ? "KP-RECORD-1\n" : "KP-RECORD-2\n");
  digest_update_str (&d, decision);
  digest_update_str (&d, "\n");
  digest_update_str (&d, reason ? reason : "");
  digest_update_str (&d, "\n");
  digest_update_str (&d, payload);
  digest_update_str (&d, "\n");
  digest_update_str (&d, biometrics_digest ? biometrics_digest : "");
  return digest_final_hex (&d);
}

char *
ks_sync_content_hash (guint       version,
                      const char *decision,
                      const char *reason,
                      const char *payload,
                      GBytes     *biometrics)
{
  g_autofree char *bio_hash = NULL;

  if (biometrics != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (biometrics, &len);
      bio_hash = ks_sync_digest_hex (version, data, len);
    }
  return ks_sync_content_hash_full (version, decision, reason, payload, bio_hash);
}

/* The body's hash, not the body, so the message stays small and compression cannot change
 * what was signed. The version is part of the message: a request cannot be passed off as
 * the other version's. */
char *
ks_sync_signed_message (guint         version,
                        const char   *method,
                        const char   *path,
                        gint64        timestamp,
                        const guint8 *body,
                        gsize         len)
{
  g_autofree char *body_hash = ks_sync_digest_hex (version, body ? body : (const guint8 *)"",
                                                   len);

  return g_strdup_printf ("KP-REQUEST-%u\n%s\n%s\n%" G_GINT64_FORMAT "\n%s", version, method,
                          path, timestamp, body_hash);
}

gboolean
ks_sync_verify_request (guint         version,
                        const guint8 *public_key,
                        const char   *method,
                        const char   *path,
                        const char   *timestamp,
                        const guint8 *body,
                        gsize         len,
                        const char   *signature_b64)
{
  g_autofree guint8 *sig = NULL;
  g_autofree char *message = NULL;
  gsize sig_len = 0;
  gint64 when;
  char *end = NULL;

  if (public_key == NULL || timestamp == NULL || signature_b64 == NULL
      || (version != KS_SYNC_PROTOCOL_1 && version != KS_SYNC_PROTOCOL_2))
    return FALSE;
  when = g_ascii_strtoll (timestamp, &end, 10);
  if (end == timestamp || *end != '\0')
    return FALSE;
  sig = g_base64_decode (signature_b64, &sig_len);
  if (sig_len != crypto_sign_BYTES)
    return FALSE;
  message = ks_sync_signed_message (version, method, path, when, body, len);
  return crypto_sign_verify_detached (sig, (const guint8 *)message, strlen (message),
                                      public_key) == 0;
}

/* Batches of version 2 ***********************************************************************/

#define BATCH_MAGIC "KP-BATCH-2 "

/**
 * ks_sync_batch_frame:
 * @json: the batch's JSON document, each record saying how many bytes of @biometrics are its
 *   own (`biometrics_sealed_bytes`)
 * @biometrics: the sealed biometric blobs back to back, in the order of the records
 *
 * A version 2 batch body: `KP-BATCH-2 <length of the JSON in decimal>\n`, the JSON, then the
 * sealed blobs as raw bytes. Ciphertext in base64 inside JSON cost a third more bytes, a pass
 * of base64 and of JSON string escaping on each side, and a gzip pass that only won back the
 * base64: version 2 sends it as it is, uncompressed.
 *
 * Returns: (transfer full): the body
 */
GBytes *
ks_sync_batch_frame (const char *json,
                     GByteArray *biometrics)
{
  gsize json_len = strlen (json);
  g_autofree char *head = g_strdup_printf (BATCH_MAGIC "%" G_GSIZE_FORMAT "\n", json_len);
  gsize head_len = strlen (head);
  gsize bio_len = biometrics ? biometrics->len : 0;
  guint8 *body = g_malloc (head_len + json_len + bio_len);

  memcpy (body, head, head_len);
  memcpy (body + head_len, json, json_len);
  if (bio_len > 0)
    memcpy (body + head_len + json_len, biometrics->data, bio_len);
  return g_bytes_new_take (body, head_len + json_len + bio_len);
}

/**
 * ks_sync_batch_unframe:
 * @json_offset: (out): where the JSON document starts in @body
 * @json_len: (out): its length
 * @biometrics_offset: (out): where the sealed blobs start (they run to the end of @body)
 *
 * Reads the frame of a version 2 batch; the JSON and the blobs are then the caller's to check.
 *
 * Returns: %FALSE when @body is not one
 */
gboolean
ks_sync_batch_unframe (GBytes *body,
                       gsize  *json_offset,
                       gsize  *json_len,
                       gsize  *biometrics_offset)
{
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  gsize magic_len = strlen (BATCH_MAGIC);
  guint64 n = 0;
  gsize i;

  if (data == NULL || len < magic_len + 2 || memcmp (data, BATCH_MAGIC, magic_len) != 0)
    return FALSE;
  /* Decimal digits without a leading zero, at most 10 of them: no sign, no spaces. */
  for (i = magic_len; i < len && i < magic_len + 10 && g_ascii_isdigit (data[i]); i++)
    {
      if (i == magic_len && data[i] == '0')
        return FALSE;
      n = n * 10 + (guint64)(data[i] - '0');
    }
  if (i == magic_len || i >= len || data[i] != '\n' || n > len - i - 1)
    return FALSE;
  *json_offset = i + 1;
  *json_len = (gsize)n;
  *biometrics_offset = i + 1 + (gsize)n;
  return TRUE;
}

GBytes *
ks_sync_gzip (const guint8 *data,
              gsize         len)
{
  z_stream z = { 0 };
  gsize bound;
  guint8 *out;

  /* 16 + MAX_WBITS: a gzip wrapper, what Content-Encoding: gzip means. Big bodies are mostly
   * base64 of sealed templates: no repeats for LZ77 to find, only 6 bits of entropy per byte,
   * which Huffman coding alone recovers at several times the speed. Small bodies are JSON
   * text, where matches are the gain. */
  if (deflateInit2 (&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
                    len > 64 * 1024 ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  bound = deflateBound (&z, len) + 32;
  out = g_malloc (bound);
  z.next_in = (Bytef *)data;
  z.avail_in = len;
  z.next_out = out;
  z.avail_out = bound;
  if (deflate (&z, Z_FINISH) != Z_STREAM_END)
    {
      deflateEnd (&z);
      g_free (out);
      return NULL;
    }
  deflateEnd (&z);
  return g_bytes_new_take (out, z.total_out);
}

/**
 * ks_sync_gunzip:
 * @max_len: refuse to inflate past this (a small body must not become gigabytes)
 * @too_large: (out) (optional): set to %TRUE when the bytes inflate past @max_len (a gzip
 *   bomb, answered 413), %FALSE when they are damaged or fit
 *
 * Returns: (nullable): the inflated bytes, %NULL when damaged or too large
 */
GBytes *
ks_sync_gunzip (const guint8 *data,
                gsize         len,
                gsize         max_len,
                gboolean     *too_large)
{
  z_stream z = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[16384];
  int rc = Z_OK;

  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    return NULL;
  z.next_in = (Bytef *)data;
  z.avail_in = len;
  while (rc != Z_STREAM_END)
    {
      z.next_out = chunk;
      z.avail_out = sizeof chunk;
      rc = inflate (&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, chunk, sizeof chunk - z.avail_out);
      if (out->len > max_len || (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0))
        break;
    }
  inflateEnd (&z);
  if (too_large != NULL)
    *too_large = out->len > max_len;
  if (rc != Z_STREAM_END || out->len > max_len)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * ks_sync_parse_object:
 * @max_tokens: see ks_json_bounded(); the depth is KS_SYNC_MAX_JSON_DEPTH
 *
 * How either side reads a JSON body: bounded first, then parsed.
 *
 * Returns: (transfer full) (nullable): the document's object, %NULL when it is out of bounds,
 *   not JSON, or not an object
 */
JsonObject *
ks_sync_parse_object (const char *data,
                      gsize       len,
                      gsize       max_tokens)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (data == NULL || len == 0 || len > G_MAXSSIZE
      || !ks_json_bounded (data, len, KS_SYNC_MAX_JSON_DEPTH, max_tokens))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}
