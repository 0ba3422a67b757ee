/* test-claim169.c: the signed QR credential against the reference vectors and attacks on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <zlib.h>

#include "ks-test-util.h"
#include "ks-base45.h"
#include "ks-cbor.h"
#include "ks-claim169.h"
#include "ks-cose.h"
#include "ks-trust.h"

/* Inside every vector's validity (iat 1700000000, exp 1800000000). */
#define VECTOR_NOW 1750000000

static const char *biometric_names[KS_CLAIM169_N_BIOMETRIC] = {
  "rightThumb", "rightPointerFinger", "rightMiddleFinger", "rightRingFinger",
  "rightLittleFinger", "leftThumb", "leftPointerFinger", "leftMiddleFinger", "leftRingFinger",
  "leftLittleFinger", "rightIris", "leftIris", "face", "rightPalm", "leftPalm", "voice",
};

static JsonObject *
load_vector (const char *name,
             JsonParser *parser)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "claim169-vectors", name,
                                                 NULL);
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static GBytes *
hex_bytes (const char *hex)
{
  gsize len = strlen (hex) / 2, got = 0;
  guint8 *buf = g_malloc (len + 1);

  g_assert_cmpint (sodium_hex2bin (buf, len, hex, strlen (hex), NULL, &got, NULL), ==, 0);
  g_assert_cmpuint (got, ==, len);
  return g_bytes_new_take (buf, len);
}

static char *
bytes_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  char *hex = g_malloc (len * 2 + 1);

  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

static const char *
claim_text (const KsClaim169 *c,
            const char       *name)
{
  static const struct { const char *name; gsize offset; } fields[] = {
    { "id", G_STRUCT_OFFSET (KsClaim169, id) },
    { "version", G_STRUCT_OFFSET (KsClaim169, version) },
    { "language", G_STRUCT_OFFSET (KsClaim169, language) },
    { "fullName", G_STRUCT_OFFSET (KsClaim169, full_name) },
    { "firstName", G_STRUCT_OFFSET (KsClaim169, first_name) },
    { "middleName", G_STRUCT_OFFSET (KsClaim169, middle_name) },
    { "lastName", G_STRUCT_OFFSET (KsClaim169, last_name) },
    { "dateOfBirth", G_STRUCT_OFFSET (KsClaim169, date_of_birth) },
    { "address", G_STRUCT_OFFSET (KsClaim169, address) },
    { "email", G_STRUCT_OFFSET (KsClaim169, email) },
    { "phone", G_STRUCT_OFFSET (KsClaim169, phone) },
    { "nationality", G_STRUCT_OFFSET (KsClaim169, nationality) },
    { "guardian", G_STRUCT_OFFSET (KsClaim169, guardian) },
    { "secondaryFullName", G_STRUCT_OFFSET (KsClaim169, secondary_full_name) },
    { "secondaryLanguage", G_STRUCT_OFFSET (KsClaim169, secondary_language) },
    { "locationCode", G_STRUCT_OFFSET (KsClaim169, location_code) },
    { "legalStatus", G_STRUCT_OFFSET (KsClaim169, legal_status) },
    { "countryOfIssuance", G_STRUCT_OFFSET (KsClaim169, country_of_issuance) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return G_STRUCT_MEMBER (char *, c, fields[i].offset);
  return NULL;
}

/* Every expected field must be understood and equal: an unhandled name fails the test. */
static void
assert_claim_matches (const KsClaim169 *c,
                      JsonObject       *expected)
{
  g_autoptr(GList) names = json_object_get_members (expected);

  for (const GList *l = names; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (expected, name);
      gboolean handled = FALSE;

      if (claim_text (c, name) != NULL
          || (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING))
        {
          g_test_message ("field %s", name);
          g_assert_cmpstr (claim_text (c, name), ==, json_node_get_string (node));
          handled = TRUE;
        }
      else if (g_str_equal (name, "gender"))
        {
          g_assert_cmpint (c->gender, ==, json_node_get_int (node));
          handled = TRUE;
        }
      else if (g_str_equal (name, "maritalStatus"))
        {
          g_assert_cmpint (c->marital_status, ==, json_node_get_int (node));
          handled = TRUE;
        }
      else if (g_str_equal (name, "photoFormat"))
        {
          g_assert_cmpint (c->photo_format, ==, json_node_get_int (node));
          handled = TRUE;
        }
      else if (g_str_equal (name, "bestQualityFingers"))
        {
          JsonArray *a = json_node_get_array (node);
          g_assert_nonnull (c->best_quality_fingers);
          g_assert_cmpuint (c->best_quality_fingers->len, ==, json_array_get_length (a));
          for (guint i = 0; i < json_array_get_length (a); i++)
            g_assert_cmpint (g_array_index (c->best_quality_fingers, int, i), ==,
                             json_array_get_int_element (a, i));
          handled = TRUE;
        }
      else
        {
          for (guint k = 0; k < KS_CLAIM169_N_BIOMETRIC; k++)
            {
              JsonArray *a;

              if (!g_str_equal (name, biometric_names[k]))
                continue;
              a = json_node_get_array (node);
              g_assert_nonnull (c->biometrics[k]);
              g_assert_cmpuint (c->biometrics[k]->len, ==, json_array_get_length (a));
              for (guint i = 0; i < json_array_get_length (a); i++)
                {
                  JsonObject *e = json_array_get_object_element (a, i);
                  const KsBiometric *bio = g_ptr_array_index (c->biometrics[k], i);
                  gsize len;
                  g_autofree guint8 *data =
                    g_base64_decode (json_object_get_string_member (e, "data"), &len);

                  g_assert_cmpmem (g_bytes_get_data (bio->data, NULL),
                                   g_bytes_get_size (bio->data), data, len);
                  g_assert_cmpint (bio->format, ==, json_object_get_int_member (e, "format"));
                  g_assert_cmpint (bio->sub_format, ==,
                                   json_object_get_int_member (e, "subFormat"));
                }
              handled = TRUE;
            }
        }
      if (!handled)
        g_error ("expected field %s is not handled", name);
    }
}

static void
assert_meta_matches (const KsCredential *cred,
                     JsonObject         *meta)
{
  g_assert_cmpstr (cred->issuer, ==,
                   json_object_get_string_member_with_default (meta, "issuer", NULL));
  g_assert_cmpstr (cred->subject, ==,
                   json_object_get_string_member_with_default (meta, "subject", NULL));
  g_assert_cmpint (cred->expires_at, ==,
                   json_object_get_int_member_with_default (meta, "expiresAt", 0));
  g_assert_cmpint (cred->not_before, ==,
                   json_object_get_int_member_with_default (meta, "notBefore", 0));
  g_assert_cmpint (cred->issued_at, ==,
                   json_object_get_int_member_with_default (meta, "issuedAt", 0));
}

static const struct
{
  const char *name;
  KsCredentialError code;
} error_names[] = {
  { "Base45Decode", KS_CREDENTIAL_ERROR_BAD_BASE45 },
  { "Decompress", KS_CREDENTIAL_ERROR_BAD_COMPRESSION },
  { "Claim169NotFound", KS_CREDENTIAL_ERROR_NO_IDENTITY },
  { "CoseParse", KS_CREDENTIAL_ERROR_NOT_COSE },
};

static void
test_claim169_vectors (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "claim169-vectors",
                                                     NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n_valid = 0, n_invalid = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *v;
      const char *category;
      KsVerifyOptions opts;
      g_autoptr(GError) error = NULL;
      g_autoptr(KsCredential) cred = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      g_test_message ("vector %s", name);
      v = load_vector (name, parser);
      category = json_object_get_string_member (v, "category");

      /* The unsigned vectors carry an empty signature: the explicit opt-in decodes them. */
      ks_verify_options_init (&opts);
      opts.now = VECTOR_NOW;
      opts.allow_unverified = TRUE;
      cred = ks_credential_verify (json_object_get_string_member (v, "qr_data"), &opts, &error);

      if (g_str_equal (category, "invalid"))
        {
          const char *expected = json_object_get_string_member (v, "expected_error");
          gboolean known = FALSE;

          g_assert_null (cred);
          for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
            if (g_str_equal (expected, error_names[i].name))
              {
                g_assert_error (error, KS_CREDENTIAL_ERROR, error_names[i].code);
                known = TRUE;
              }
          g_assert_true (known);
          /* Operator-readable, not a code name. */
          g_assert_cmpuint (strlen (error->message), >, 40);
          n_invalid++;
        }
      else
        {
          g_assert_no_error (error);
          g_assert_false (cred->signature_checked);
          assert_claim_matches (cred->claim, json_object_get_object_member (v,
                                                                            "expected_claim169"));
          assert_meta_matches (cred, json_object_get_object_member (v, "expected_cwt_meta"));
          n_valid++;
        }

      /* Without the opt-in, an unsigned or unknown signer is never accepted: an unsigned
       * one (no signing key published) is said to be unsigned. */
      if (cred != NULL)
        {
          g_autoptr(GError) strict_error = NULL;
          g_autoptr(KsCredential) strict = NULL;
          gboolean is_signed = json_object_has_member (v, "signing_key");
          int expected = is_signed ? KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER
                                   : KS_CREDENTIAL_ERROR_BAD_SIGNATURE;

          opts.allow_unverified = FALSE;
          strict = ks_credential_verify (json_object_get_string_member (v, "qr_data"), &opts,
                                         &strict_error);
          g_assert_null (strict);
          g_assert_error (strict_error, KS_CREDENTIAL_ERROR, expected);
          g_assert_true (is_signed || strstr (strict_error->message, "unsigned") != NULL);
        }
    }
  g_assert_cmpuint (n_valid, ==, 5);
  g_assert_cmpuint (n_invalid, ==, 4);
}

static void
test_claim169_unknown_fields_kept (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *v = load_vector ("edge-unknown-fields.json", parser);
  KsVerifyOptions opts;
  g_autoptr(KsCredential) cred = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(KsCbor) back_map = NULL;
  g_autoptr(KsClaim169) back = NULL;

  ks_verify_options_init (&opts);
  opts.now = VECTOR_NOW;
  opts.allow_unverified = TRUE;
  cred = ks_credential_verify (json_object_get_string_member (v, "qr_data"), &opts, NULL);
  g_assert_nonnull (cred);
  g_assert_nonnull (cred->claim->unknown);
  g_assert_cmpuint (ks_cbor_map_size (cred->claim->unknown), >=, 1);

  /* Written back (a re-issue), the unknown keys come out as they went in. */
  ks_claim169_write (cred->claim, out);
  back_map = ks_cbor_decode (out->data, out->len, 0, NULL);
  g_assert_nonnull (back_map);
  back = ks_claim169_read (back_map);
  g_assert_cmpstr (back->id, ==, "ID-UNKNOWN-001");
  g_assert_true (ks_cbor_equal (back->unknown, cred->claim->unknown));
}

static void
test_claim169_resign_vector (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *v = load_vector ("valid-ed25519-signed.json", parser);
  JsonObject *key = json_object_get_object_member (v, "signing_key");
  g_autoptr(GBytes) seed = hex_bytes (json_object_get_string_member (key, "private_key_hex"));
  g_autoptr(GBytes) pk_expected = hex_bytes (json_object_get_string_member (key,
                                                                            "public_key_hex"));
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GBytes) resigned = NULL;
  g_autoptr(GBytes) pinned = NULL;
  g_autoptr(KsCoseSign1) msg = NULL;
  g_autoptr(KsClaim169) claim = ks_claim169_new ();
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(KsCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;
  KsVerifyOptions opts;
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  const char *expected_hex =
    "d28443a10127a0584fa401781968747470733a2f2f6d6f7369702e6578616d706c652e6f7267041a6b49d200"
    "061a6553f10018a9a2016d49442d5349474e45442d30303104725369676e6564205465737420506572736f6e"
    "5840d1a043829b5b70c4303ffa33445184a1fad2248b9c1f359ad354767b5809f45e37086a7d1a62eaf24047"
    "bc3cc7205fa705edbb051efbba9359d171373576330f";

  crypto_sign_seed_keypair (pk, sk, g_bytes_get_data (seed, NULL));
  g_assert_cmpmem (pk, sizeof pk, g_bytes_get_data (pk_expected, NULL), 32);

  cose = ks_credential_unpack (json_object_get_string_member (v, "qr_data"), &error);
  g_assert_no_error (error);
  msg = ks_cose_sign1_parse (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
  g_assert_no_error (error);

  /* Ed25519 is deterministic: re-signing gives the vector's exact COSE bytes. */
  resigned = ks_cose_sign1_sign_ed25519 (msg->payload, NULL, sk);
  sodium_memzero (sk, sizeof sk);
  hex = bytes_hex (resigned);
  g_assert_cmpstr (hex, ==, expected_hex);

  /* Our encoder writes the same payload from the same fields. */
  claim->id = g_strdup ("ID-SIGNED-001");
  claim->full_name = g_strdup ("Signed Test Person");
  payload = ks_claim169_to_cwt (claim, "https://mosip.example.org", 1700000000, 0, 1800000000);
  g_assert_true (g_bytes_equal (payload, msg->payload));

  /* And the vector verifies against its published key. */
  ks_verify_options_init (&opts);
  opts.now = VECTOR_NOW;
  pinned = g_bytes_new (pk, sizeof pk);
  opts.pinned_key = pinned;
  cred = ks_credential_verify (json_object_get_string_member (v, "qr_data"), &opts, &error);
  g_assert_no_error (error);
  g_assert_true (cred->signature_checked);
  g_assert_cmpstr (cred->claim->full_name, ==, "Signed Test Person");
}

/* A station in a temporary folder, for signed credentials of our own. */
typedef struct
{
  char *dir;
  KsStationKeys *keys;
} Station;

static void
station_setup (Station      *s,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  s->dir = g_dir_make_tmp ("ks-claim169-XXXXXX", NULL);
  s->keys = ks_station_keys_load_or_create (s->dir, "PSH01", &error);
  g_assert_no_error (error);
}

static void
station_teardown (Station      *s,
                  gconstpointer data)
{
  g_clear_object (&s->keys);
  ks_test_rm_rf (s->dir);
  g_free (s->dir);
}

static KsClaim169 *
sample_claim (void)
{
  KsClaim169 *c = ks_claim169_new ();

  c->id = g_strdup ("PSH-01-000123-7");
  c->full_name = g_strdup ("Gul Bano Khan");
  c->secondary_full_name = g_strdup ("گل بانو خان");
  c->secondary_language = g_strdup ("urd");
  c->date_of_birth = g_strdup ("19900101");
  c->gender = 2;
  c->nationality = g_strdup ("PAK");
  c->country_of_issuance = g_strdup ("PK");
  return c;
}

static GBytes *
sign_payload (Station *s,
              GBytes  *payload)
{
  g_autoptr(GError) error = NULL;
  GBytes *cose = ks_station_keys_sign_cose (s->keys, payload, &error);

  g_assert_no_error (error);
  return cose;
}

static void
station_options (Station         *s,
                 KsVerifyOptions *opts,
                 gint64           now)
{
  ks_verify_options_init (opts);
  opts->trust = ks_station_keys_get_trust_list (s->keys);
  opts->now = now;
}

static void
test_claim169_sign_verify (Station      *s,
                           gconstpointer data)
{
  g_autoptr(KsClaim169) claim = sample_claim ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = ks_credential_sign (claim, "https://registry.kp.gov.pk", now,
                                              now + 10 * 365 * 86400, s->keys, &error);
  g_autoptr(KsCredential) cred = NULL;
  KsVerifyOptions opts;

  g_assert_no_error (error);
  /* Only QR alphanumeric characters: the whole code fits alphanumeric mode. */
  for (const char *p = text; *p; p++)
    g_assert_nonnull (strchr ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *p));

  station_options (s, &opts, 0);
  cred = ks_credential_verify (text, &opts, &error);
  g_assert_no_error (error);
  g_assert_true (cred->signature_checked);
  g_assert_true (cred->development_issuer);
  g_assert_cmpstr (cred->station_code, ==, "PSH01");
  g_assert_cmpstr (cred->kid, ==, ks_station_keys_get_kid (s->keys));
  g_assert_cmpstr (cred->claim->secondary_full_name, ==, "گل بانو خان");
  g_assert_cmpint (cred->claim->gender, ==, 2);
  g_assert_cmpstr (cred->issuer, ==, "https://registry.kp.gov.pk");
}

static void
test_claim169_bit_flips (Station      *s,
                         gconstpointer data)
{
  g_autoptr(KsClaim169) claim = sample_claim ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GBytes) payload = ks_claim169_to_cwt (claim, "https://registry.kp.gov.pk", now, 0,
                                                  now + 86400);
  g_autoptr(GBytes) cose = sign_payload (s, payload);
  gsize len;
  const guint8 *orig = g_bytes_get_data (cose, &len);
  g_autofree guint8 *buf = g_memdup2 (orig, len);
  KsVerifyOptions opts;
  guint n_bad_signature = 0;

  station_options (s, &opts, 0);
  {
    g_autoptr(KsCredential) ok = ks_credential_verify_cose (cose, &opts, NULL);
    g_assert_nonnull (ok);
  }

  /* Every single bit of the signed message, flipped alone, is refused. */
  for (gsize i = 0; i < len * 8; i++)
    {
      g_autoptr(GBytes) flipped = NULL;
      g_autoptr(KsCredential) cred = NULL;
      g_autoptr(GError) error = NULL;

      buf[i / 8] ^= 1u << (i % 8);
      flipped = g_bytes_new (buf, len);
      buf[i / 8] ^= 1u << (i % 8);

      cred = ks_credential_verify_cose (flipped, &opts, &error);
      if (cred != NULL)
        g_error ("bit %zu flipped was accepted", i);
      g_assert_true (error->domain == KS_CREDENTIAL_ERROR);
      n_bad_signature += error->code == KS_CREDENTIAL_ERROR_BAD_SIGNATURE;
    }
  /* Most land in the payload or the signature, and say so. */
  g_assert_cmpuint (n_bad_signature, >, len * 8 * 3 / 4);
}

static void
test_claim169_validity_window (Station      *s,
                               gconstpointer data)
{
  g_autoptr(KsClaim169) claim = sample_claim ();
  const gint64 iat = 1760000000, nbf = 1760000000, exp = 1770000000;
  g_autoptr(GBytes) payload = ks_claim169_to_cwt (claim, "https://registry.kp.gov.pk", iat, nbf,
                                                  exp);
  g_autoptr(GBytes) cose = sign_payload (s, payload);
  g_autoptr(KsStationCert) cert = NULL;
  struct { gint64 now; gint64 skew; int code; } cases[] = {
    { exp, 0, 0 },
    { exp + 1, 0, KS_CREDENTIAL_ERROR_EXPIRED },
    { exp + 299, 300, 0 },
    { exp + 301, 300, KS_CREDENTIAL_ERROR_EXPIRED },
    { nbf, 0, 0 },
    { nbf - 1, 0, KS_CREDENTIAL_ERROR_NOT_YET_VALID },
    { nbf - 299, 300, 0 },
    { nbf - 301, 300, KS_CREDENTIAL_ERROR_NOT_YET_VALID },
  };

  /* The station's own certificate must cover the issue date: issue one that does. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      KsVerifyOptions opts;
      g_autoptr(GError) error = NULL;
      g_autoptr(KsCredential) cred = NULL;

      station_options (s, &opts, cases[i].now);
      opts.skew_seconds = cases[i].skew;
      opts.pinned_key = ks_station_keys_get_public_key (s->keys);
      cred = ks_credential_verify_cose (cose, &opts, &error);
      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (cred);
        }
      else
        {
          g_assert_null (cred);
          g_assert_error (error, KS_CREDENTIAL_ERROR, cases[i].code);
        }
    }
}

static GBytes *
pack_unpack_roundtrip (GBytes *cose)
{
  g_autofree char *text = ks_credential_pack (cose, NULL);
  return ks_credential_unpack (text, NULL);
}

static void
test_claim169_tolerant_reader (Station      *s,
                               gconstpointer data)
{
  g_autoptr(KsClaim169) claim = sample_claim ();
  g_autoptr(GByteArray) claim_cbor = g_byte_array_new ();
  g_autoptr(GByteArray) cwt = g_byte_array_new ();
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) cose = NULL;
  KsVerifyOptions opts;

  /* The spec's example: the 169 value as a bstr holding the map, gender as text. */
  claim->gender = 0;
  ks_claim169_write (claim, claim_cbor);
  /* Rewrite the map header for one more pair and append 9: "female". */
  claim_cbor->data[0]++;
  ks_cbor_write_uint (claim_cbor, 9);
  ks_cbor_write_text (claim_cbor, "Female");
  ks_cbor_write_map (cwt, 2);
  ks_cbor_write_uint (cwt, 1);
  ks_cbor_write_text (cwt, "https://registry.kp.gov.pk");
  ks_cbor_write_uint (cwt, 169);
  ks_cbor_write_bytes (cwt, claim_cbor->data, claim_cbor->len);
  payload = g_byte_array_free_to_bytes (g_steal_pointer (&cwt));
  cose = sign_payload (s, payload);

  station_options (s, &opts, 0);
  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr(GByteArray) wrapped = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GBytes) round = NULL;
      g_autoptr(KsCredential) cred = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;
      const guint8 *cose_data = g_bytes_get_data (cose, &len);

      /* 61(18([...])), 18([...]) and untagged [...] (our output starts with tag 18, 0xd2). */
      if (variant == 0)
        ks_cbor_write_tag (wrapped, 61);
      if (variant == 2)
        g_byte_array_append (wrapped, cose_data + 1, len - 1);
      else
        g_byte_array_append (wrapped, cose_data, len);
      bytes = g_byte_array_free_to_bytes (g_steal_pointer (&wrapped));
      round = pack_unpack_roundtrip (bytes);

      cred = ks_credential_verify_cose (round, &opts, &error);
      g_assert_no_error (error);
      g_assert_cmpint (cred->claim->gender, ==, 2);
      g_assert_cmpstr (cred->claim->full_name, ==, "Gul Bano Khan");
    }
}

static void
test_claim169_cbor_rules (void)
{
  /* {1: 1, 1: 2}: the same key twice. */
  static const guint8 dup[] = { 0xa2, 0x01, 0x01, 0x01, 0x02 };
  /* {1: 1, 0x1801: 2}: the same key, once in a longer form. */
  static const guint8 dup_long[] = { 0xa2, 0x01, 0x01, 0x18, 0x01, 0x02 };
  /* {"a": 1, "a": 1} indefinite. */
  static const guint8 dup_text[] = { 0xbf, 0x61, 'a', 0x01, 0x61, 'a', 0x01, 0xff };
  /* Indefinite array [1, "ab" in two chunks, {_ 2: 3}] equals the definite one. */
  static const guint8 indef[] = { 0x9f, 0x01, 0x7f, 0x61, 'a', 0x61, 'b', 0xff,
                                  0xbf, 0x02, 0x03, 0xff, 0xff };
  static const guint8 def[] = { 0x83, 0x01, 0x62, 'a', 'b', 0xa1, 0x02, 0x03 };
  /* An array announcing 2^32 items in 5 bytes must not allocate them. */
  static const guint8 huge[] = { 0x9a, 0xff, 0xff, 0xff, 0xff };
  static const guint8 trailing[] = { 0x01, 0x02 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCbor) a = NULL;
  g_autoptr(KsCbor) b = NULL;
  g_autoptr(KsCbor) ok = NULL;
  g_autoptr(GByteArray) deep = g_byte_array_new ();

  g_assert_null (ks_cbor_decode (dup, sizeof dup, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_DUPLICATE_KEY);
  g_clear_error (&error);
  g_assert_null (ks_cbor_decode (dup_long, sizeof dup_long, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_DUPLICATE_KEY);
  g_clear_error (&error);
  g_assert_null (ks_cbor_decode (dup_text, sizeof dup_text, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_DUPLICATE_KEY);
  g_clear_error (&error);

  a = ks_cbor_decode (indef, sizeof indef, 0, &error);
  g_assert_no_error (error);
  b = ks_cbor_decode (def, sizeof def, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ks_cbor_equal (a, b));

  g_assert_null (ks_cbor_decode (huge, sizeof huge, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_CBOR);
  g_clear_error (&error);
  g_assert_null (ks_cbor_decode (trailing, sizeof trailing, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_CBOR);
  g_clear_error (&error);

  /* 128 levels are read, 129 are not. */
  for (guint i = 0; i < 127; i++)
    ks_cbor_write_array (deep, 1);
  ks_cbor_write_uint (deep, 0);
  ok = ks_cbor_decode (deep->data, deep->len, 0, &error);
  g_assert_no_error (error);
  g_byte_array_prepend (deep, (const guint8 *)"\x81", 1);
  g_assert_null (ks_cbor_decode (deep->data, deep->len, 0, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_TOO_DEEP);
}

static void
test_claim169_hostile_payloads (Station      *s,
                                gconstpointer data)
{
  KsVerifyOptions opts;
  struct { const char *what; int code; } cases[] = {
    { "duplicate", KS_CREDENTIAL_ERROR_DUPLICATE_KEY },
    { "deep", KS_CREDENTIAL_ERROR_TOO_DEEP },
    { "no-169", KS_CREDENTIAL_ERROR_NO_IDENTITY },
    { "empty-169", KS_CREDENTIAL_ERROR_NO_IDENTITY },
  };

  station_options (s, &opts, 1750000000);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) p = g_byte_array_new ();
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GBytes) cose = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(KsCredential) cred = NULL;

      /* Correctly signed by a trusted station: only the content is hostile. */
      if (g_str_equal (cases[i].what, "duplicate"))
        {
          ks_cbor_write_map (p, 2);
          ks_cbor_write_uint (p, 169);
          ks_cbor_write_map (p, 1);
          ks_cbor_write_uint (p, 1);
          ks_cbor_write_text (p, "A");
          ks_cbor_write_uint (p, 169);
          ks_cbor_write_map (p, 1);
          ks_cbor_write_uint (p, 1);
          ks_cbor_write_text (p, "B");
        }
      else if (g_str_equal (cases[i].what, "deep"))
        {
          ks_cbor_write_map (p, 1);
          ks_cbor_write_uint (p, 169);
          for (guint k = 0; k < 200; k++)
            ks_cbor_write_array (p, 1);
          ks_cbor_write_uint (p, 0);
        }
      else if (g_str_equal (cases[i].what, "no-169"))
        {
          ks_cbor_write_map (p, 1);
          ks_cbor_write_uint (p, 1);
          ks_cbor_write_text (p, "https://registry.kp.gov.pk");
        }
      else
        {
          ks_cbor_write_map (p, 1);
          ks_cbor_write_uint (p, 169);
          ks_cbor_write_map (p, 0);
        }
      payload = g_byte_array_free_to_bytes (g_steal_pointer (&p));
      cose = sign_payload (s, payload);
      text = ks_credential_pack (cose, NULL);
      cred = ks_credential_verify (text, &opts, &error);
      g_assert_null (cred);
      g_assert_error (error, KS_CREDENTIAL_ERROR, cases[i].code);
    }
}

static char *
zlib_base45 (gsize n_zeros)
{
  g_autofree guint8 *zeros = g_malloc0 (n_zeros);
  uLongf zlen = compressBound (n_zeros);
  g_autofree guint8 *z = g_malloc (zlen);

  g_assert_cmpint (compress2 (z, &zlen, zeros, n_zeros, 9), ==, Z_OK);
  return ks_base45_encode (z, zlen);
}

static void
test_claim169_size_cap (void)
{
  g_autofree char *at_cap = zlib_base45 (KS_CREDENTIAL_MAX_INFLATED);
  g_autofree char *over_cap = zlib_base45 (KS_CREDENTIAL_MAX_INFLATED + 1);
  g_autofree char *bomb = zlib_base45 (16 * 1024 * 1024);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = ks_credential_unpack (at_cap, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, KS_CREDENTIAL_MAX_INFLATED);

  g_assert_null (ks_credential_unpack (over_cap, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_TOO_LARGE);
  g_clear_error (&error);
  /* 16 MiB of zeros packs into a few hundred characters: refused the same way. */
  g_assert_cmpuint (strlen (bomb), <, 40000);
  g_assert_null (ks_credential_unpack (bomb, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_TOO_LARGE);
}

static void
test_claim169_protected_alg_only (Station      *s,
                                  gconstpointer data)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 payload[] = { 0xa0 };
  static const guint8 sig[64] = { 0 };
  KsVerifyOptions opts;

  /* alg only in the unprotected header: refused, never guessed. */
  ks_cbor_write_tag (out, 18);
  ks_cbor_write_array (out, 4);
  ks_cbor_write_bytes (out, NULL, 0);
  ks_cbor_write_map (out, 1);
  ks_cbor_write_uint (out, 1);
  ks_cbor_write_int (out, KS_COSE_ALG_EDDSA);
  ks_cbor_write_bytes (out, payload, sizeof payload);
  ks_cbor_write_bytes (out, sig, sizeof sig);
  cose = g_byte_array_free_to_bytes (g_steal_pointer (&out));

  station_options (s, &opts, 1750000000);
  g_assert_null (ks_credential_verify_cose (cose, &opts, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM);
  g_clear_error (&error);

  /* A known but unsupported algorithm (ES384, -35) in the protected header. */
  {
    g_autoptr(GByteArray) prot = g_byte_array_new ();
    g_autoptr(GBytes) prot_bytes = NULL;
    g_autoptr(GBytes) pl = g_bytes_new_static (payload, sizeof payload);
    g_autoptr(GBytes) sb = g_bytes_new_static (sig, sizeof sig);
    g_autoptr(GBytes) es384 = NULL;

    ks_cbor_write_map (prot, 1);
    ks_cbor_write_uint (prot, 1);
    ks_cbor_write_int (prot, -35);
    prot_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&prot));
    es384 = ks_cose_sign1_build (prot_bytes, pl, sb);
    g_assert_null (ks_credential_verify_cose (es384, &opts, &error));
    g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM);
  }
}

static void
test_claim169_mutations (Station      *s,
                         gconstpointer data)
{
  g_autoptr(KsClaim169) claim = sample_claim ();
  g_autoptr(GBytes) payload = ks_claim169_to_cwt (claim, "https://registry.kp.gov.pk",
                                                  1700000000, 0, 2000000000);
  g_autoptr(GBytes) cose = sign_payload (s, payload);
  g_autoptr(GRand) rand = g_rand_new_with_seed (169);
  gsize len;
  const guint8 *orig = g_bytes_get_data (cose, &len);
  KsVerifyOptions opts;
  guint n_rejected = 0;

  /* Random damage with the signature check off, so the damaged CBOR reaches every reader
   * (under -Dsanitize=true this is where an overread would show). Each outcome is either a
   * credential or an error, never both, never neither. */
  ks_verify_options_init (&opts);
  opts.allow_unverified = TRUE;
  opts.now = 1750000000;
  for (guint round = 0; round < 20000; round++)
    {
      g_autofree guint8 *buf = g_memdup2 (orig, len);
      gsize cut = g_rand_boolean (rand) ? len : (gsize)g_rand_int_range (rand, 0, len);
      guint n_changes = g_rand_int_range (rand, 1, 5);
      g_autoptr(GBytes) mutated = NULL;
      g_autoptr(KsCredential) cred = NULL;
      g_autoptr(GError) error = NULL;

      for (guint k = 0; k < n_changes; k++)
        buf[g_rand_int_range (rand, 0, len)] = (guint8)g_rand_int_range (rand, 0, 256);
      mutated = g_bytes_new (buf, cut);
      cred = ks_credential_verify_cose (mutated, &opts, &error);
      g_assert_true ((cred == NULL) != (error == NULL));
      n_rejected += cred == NULL;
    }
  g_assert_cmpuint (n_rejected, >, 0);
}

/* ES256: key, signature and conversion from OpenSSL's DER to COSE's raw r||s. */
static GBytes *
es256_sign_raw (EVP_PKEY *pkey,
                GBytes   *tbs)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new ();
  guint8 der[80];
  size_t der_len = sizeof der;
  const guint8 *p = der;
  ECDSA_SIG *esig;
  const BIGNUM *r, *s;
  guint8 raw[64];

  g_assert_cmpint (EVP_DigestSignInit (md, NULL, EVP_sha256 (), NULL, pkey), ==, 1);
  g_assert_cmpint (EVP_DigestSign (md, der, &der_len, g_bytes_get_data (tbs, NULL),
                                   g_bytes_get_size (tbs)), ==, 1);
  esig = d2i_ECDSA_SIG (NULL, &p, der_len);
  g_assert_nonnull (esig);
  ECDSA_SIG_get0 (esig, &r, &s);
  g_assert_cmpint (BN_bn2binpad (r, raw, 32), ==, 32);
  g_assert_cmpint (BN_bn2binpad (s, raw + 32, 32), ==, 32);
  ECDSA_SIG_free (esig);
  EVP_MD_CTX_free (md);
  return g_bytes_new (raw, sizeof raw);
}

static void
test_claim169_es256 (void)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");
  guint8 point[65];
  size_t point_len = 0;
  g_autoptr(KsClaim169) claim = sample_claim ();
  g_autoptr(GBytes) payload = ks_claim169_to_cwt (claim, "https://other-issuer.example",
                                                  1700000000, 0, 1800000000);
  g_autoptr(GBytes) prot = ks_cose_protected_header (KS_COSE_ALG_ES256, "es256-key");
  g_autoptr(GBytes) tbs = ks_cose_sig_structure (prot, payload);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GBytes) pinned = NULL;
  g_autoptr(GBytes) ed_key = NULL;
  g_autofree char *text = NULL;
  KsVerifyOptions opts;
  gsize len;

  g_assert_nonnull (pkey);
  g_assert_cmpint (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                    sizeof point, &point_len), ==, 1);
  g_assert_cmpuint (point_len, ==, 65);
  g_assert_cmpint (point[0], ==, 0x04);

  sig = es256_sign_raw (pkey, tbs);
  cose = ks_cose_sign1_build (prot, payload, sig);
  text = ks_credential_pack (cose, NULL);

  ks_verify_options_init (&opts);
  opts.now = VECTOR_NOW;
  pinned = g_bytes_new (point, point_len);
  opts.pinned_key = pinned;
  opts.pinned_alg = KS_COSE_ALG_ES256;
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsCredential) cred = ks_credential_verify (text, &opts, &error);
    g_assert_no_error (error);
    g_assert_cmpint (cred->alg, ==, KS_COSE_ALG_ES256);
    g_assert_cmpstr (cred->kid, ==, "es256-key");
    g_assert_cmpstr (cred->claim->id, ==, "PSH-01-000123-7");
  }

  /* A flipped bit in the signature, in the payload, or in the key: refused. */
  for (guint which = 0; which < 3; which++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsCredential) cred = NULL;
      const guint8 *orig = g_bytes_get_data (cose, &len);
      g_autofree guint8 *buf = g_memdup2 (orig, len);
      g_autoptr(GBytes) bad = NULL;
      g_autoptr(GBytes) bad_key = NULL;
      guint8 key_copy[65];

      memcpy (key_copy, point, sizeof key_copy);
      if (which == 0)
        buf[len - 5] ^= 0x10;               /* in s */
      else if (which == 1)
        buf[len - 70] ^= 0x01;              /* last payload bytes */
      else
        key_copy[40] ^= 0x01;               /* now off the curve, or another key */
      bad = g_bytes_new (buf, len);
      bad_key = g_bytes_new (key_copy, sizeof key_copy);
      opts.pinned_key = bad_key;
      cred = ks_credential_verify_cose (bad, &opts, &error);
      g_assert_null (cred);
      g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_SIGNATURE);
    }

  /* An ES256 message against an EdDSA key: the key's algorithm decides. */
  {
    g_autoptr(GError) error = NULL;
    guint8 ed[32] = { 1 };
    ed_key = g_bytes_new (ed, sizeof ed);
    opts.pinned_key = ed_key;
    opts.pinned_alg = KS_COSE_ALG_EDDSA;
    g_assert_null (ks_credential_verify_cose (cose, &opts, &error));
    g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_SIGNATURE);
  }

  EVP_PKEY_free (pkey);
}

/* A trust list holding one root and one certificate for @key, made as the registry makes
 * them, for another issuer's key. */
static KsTrustList *
issuer_trust (const char     *kid,
              const char     *issuer,
              KsCoseAlgorithm alg,
              GBytes         *key)
{
  KsTrustList *trust = ks_trust_list_new ();
  g_autoptr(KsStationCert) cert = NULL;
  guint8 root_pk[crypto_sign_PUBLICKEYBYTES], root_sk[crypto_sign_SECRETKEYBYTES];

  crypto_sign_keypair (root_pk, root_sk);
  ks_trust_list_add_root (trust, "other-issuers-root", root_pk, FALSE);
  cert = ks_station_cert_new_for_issuer (kid, "MOSIP", issuer, alg, key, 1600000000, 1900000000,
                                         "other-issuers-root", root_sk);
  sodium_memzero (root_sk, sizeof root_sk);
  ks_trust_list_add_certificate (trust, cert);
  return trust;
}

static int
verify_with (const char  *text,
             KsTrustList *trust,
             char       **message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCredential) cred = NULL;
  KsVerifyOptions opts;

  ks_verify_options_init (&opts);
  opts.now = VECTOR_NOW;
  opts.trust = trust;
  cred = ks_credential_verify (text, &opts, &error);
  g_assert_true ((cred == NULL) == (error != NULL));
  if (message != NULL)
    *message = error ? g_strdup (error->message) : NULL;
  return error ? error->code : 0;
}

/* Another issuer's credential naming no key (the reference Ed25519 vector) verifies against a
 * trusted key of its algorithm and issuer; an unsigned one is called unsigned. */
static void
test_claim169_no_kid (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *v = load_vector ("valid-ed25519-signed.json", parser);
  JsonObject *key = json_object_get_object_member (v, "signing_key");
  g_autoptr(GBytes) pk = hex_bytes (json_object_get_string_member (key, "public_key_hex"));
  const char *text = json_object_get_string_member (v, "qr_data");
  guint8 other[crypto_sign_PUBLICKEYBYTES] = { 7 };
  g_autoptr(GBytes) other_key = g_bytes_new (other, sizeof other);

  /* The vector names no key. */
  {
    g_autoptr(GBytes) cose = ks_credential_unpack (text, NULL);
    g_autoptr(KsCoseSign1) msg = ks_cose_sign1_parse (g_bytes_get_data (cose, NULL),
                                                      g_bytes_get_size (cose), NULL);
    g_assert_null (msg->kid);
  }

  /* Its issuer's key in the trust list: valid, and said who signed. */
  {
    g_autoptr(KsTrustList) trust = issuer_trust ("mosip-example", "https://mosip.example.org",
                                                 KS_COSE_ALG_EDDSA, pk);
    g_autoptr(GError) error = NULL;
    g_autoptr(KsCredential) cred = NULL;
    KsVerifyOptions opts;

    ks_verify_options_init (&opts);
    opts.now = VECTOR_NOW;
    opts.trust = trust;
    cred = ks_credential_verify (text, &opts, &error);
    g_assert_no_error (error);
    g_assert_true (cred->signature_checked);
    g_assert_cmpstr (cred->claim->full_name, ==, "Signed Test Person");
    g_assert_cmpstr (cred->kid, ==, "mosip-example");
    g_assert_cmpstr (cred->station_code, ==, "MOSIP");
    g_assert_cmpstr (cred->issuer, ==, "https://mosip.example.org");

    /* Revoked: no longer tried. */
    ks_trust_list_revoke (trust, "mosip-example");
    g_assert_cmpint (verify_with (text, trust, NULL), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }

  /* The right key for another issuer only: not tried (unknown issuer). A key declared for this
   * issuer that does not match: forged. A Khyber Pass station's key (no issuer): tried, no
   * match, unknown issuer. */
  {
    g_autoptr(KsTrustList) elsewhere = issuer_trust ("other", "https://other.example",
                                                     KS_COSE_ALG_EDDSA, pk);
    g_autoptr(KsTrustList) wrong_key = issuer_trust ("mosip-example", "https://mosip.example.org",
                                                     KS_COSE_ALG_EDDSA, other_key);
    g_autoptr(KsTrustList) station = issuer_trust ("station", NULL, KS_COSE_ALG_EDDSA,
                                                   other_key);
    g_autoptr(KsTrustList) es256_only = issuer_trust ("es", "https://mosip.example.org",
                                                      KS_COSE_ALG_ES256, pk);

    g_assert_cmpint (verify_with (text, elsewhere, NULL), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
    g_assert_cmpint (verify_with (text, wrong_key, NULL), ==, KS_CREDENTIAL_ERROR_BAD_SIGNATURE);
    g_assert_cmpint (verify_with (text, station, NULL), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
    g_assert_cmpint (verify_with (text, es256_only, NULL), ==,
                     KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }

  /* Unsigned (an empty signature): said so, not "a key not named on the card". */
  {
    g_autoptr(JsonParser) minimal_parser = json_parser_new ();
    JsonObject *minimal = load_vector ("valid-minimal.json", minimal_parser);
    g_autoptr(KsTrustList) trust = issuer_trust ("mosip-example", "https://mosip.example.org",
                                                 KS_COSE_ALG_EDDSA, pk);
    g_autofree char *message = NULL;

    g_assert_cmpint (verify_with (json_object_get_string_member (minimal, "qr_data"), trust,
                                  &message), ==, KS_CREDENTIAL_ERROR_BAD_SIGNATURE);
    g_assert_nonnull (strstr (message, "unsigned"));
    g_assert_null (strstr (message, "not named"));
  }
}

/* ES256 without a kid, as other issuers sign: found by algorithm and issuer. */
static void
test_claim169_es256_no_kid (void)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");
  guint8 point[65];
  size_t point_len = 0;
  g_autoptr(KsClaim169) claim = sample_claim ();
  g_autoptr(GBytes) payload = ks_claim169_to_cwt (claim, "https://other-issuer.example",
                                                  1700000000, 0, 1800000000);
  g_autoptr(GBytes) prot = ks_cose_protected_header (KS_COSE_ALG_ES256, NULL);
  g_autoptr(GBytes) tbs = ks_cose_sig_structure (prot, payload);
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(KsTrustList) trust = NULL;
  g_autoptr(KsTrustList) eddsa = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (pkey);
  g_assert_cmpint (EVP_PKEY_get_octet_string_param (pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                    sizeof point, &point_len), ==, 1);
  sig = es256_sign_raw (pkey, tbs);
  cose = ks_cose_sign1_build (prot, payload, sig);
  text = ks_credential_pack (cose, NULL);
  key = g_bytes_new (point, point_len);

  trust = issuer_trust ("other-es256", "https://other-issuer.example", KS_COSE_ALG_ES256, key);
  g_assert_cmpint (verify_with (text, trust, NULL), ==, 0);
  /* Only EdDSA keys trusted for that issuer: none of the card's algorithm, unknown issuer. */
  eddsa = issuer_trust ("other-eddsa", "https://other-issuer.example", KS_COSE_ALG_EDDSA, key);
  g_assert_cmpint (verify_with (text, eddsa, NULL), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  EVP_PKEY_free (pkey);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/claim169/vectors", test_claim169_vectors);
  g_test_add_func ("/claim169/unknown-fields-kept", test_claim169_unknown_fields_kept);
  g_test_add_func ("/claim169/resign-vector", test_claim169_resign_vector);
  g_test_add ("/claim169/sign-verify", Station, NULL, station_setup, test_claim169_sign_verify,
              station_teardown);
  g_test_add ("/claim169/bit-flips", Station, NULL, station_setup, test_claim169_bit_flips,
              station_teardown);
  g_test_add ("/claim169/validity-window", Station, NULL, station_setup,
              test_claim169_validity_window, station_teardown);
  g_test_add ("/claim169/tolerant-reader", Station, NULL, station_setup,
              test_claim169_tolerant_reader, station_teardown);
  g_test_add_func ("/claim169/cbor-rules", test_claim169_cbor_rules);
  g_test_add ("/claim169/hostile-payloads", Station, NULL, station_setup,
              test_claim169_hostile_payloads, station_teardown);
  g_test_add_func ("/claim169/size-cap", test_claim169_size_cap);
  g_test_add ("/claim169/protected-alg-only", Station, NULL, station_setup,
              test_claim169_protected_alg_only, station_teardown);
  g_test_add_func ("/claim169/es256", test_claim169_es256);
  g_test_add_func ("/claim169/no-kid", test_claim169_no_kid);
  g_test_add_func ("/claim169/es256-no-kid", test_claim169_es256_no_kid);
  g_test_add ("/claim169/mutations", Station, NULL, station_setup, test_claim169_mutations,
              station_teardown);

  return g_test_run ();
}
