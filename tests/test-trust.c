/* test-trust.c: station keys, station certificates and the verifier's trust list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "ks-test-util.h"
#include "ks-claim169.h"
#include "ks-trust.h"
#include "ks-trust-testing.h"

typedef struct
{
  char *dir;
  char *keydir;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  f->dir = g_dir_make_tmp ("ks-trust-XXXXXX", NULL);
  f->keydir = g_build_filename (f->dir, "keys", NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->keydir);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* A card's QR signed now by @keys. */
static char *
sign_card (KsStationKeys *keys,
           gint64         issued_at)
{
  g_autoptr(KsClaim169) claim = ks_claim169_new ();
  g_autoptr(GError) error = NULL;
  char *text;

  claim->id = g_strdup ("PEW-A01-0000001-Q");
  claim->full_name = g_strdup ("Test Holder");
  text = ks_credential_sign (claim, "https://registry.kp.gov.pk", issued_at,
                             issued_at + 365 * 86400, keys, &error);
  g_assert_no_error (error);
  return text;
}

static int
verify_code (const char  *text,
             KsTrustList *trust)
{
  KsVerifyOptions opts;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCredential) cred = NULL;

  ks_verify_options_init (&opts);
  opts.trust = trust;
  cred = ks_credential_verify (text, &opts, &error);
  g_assert_true ((cred == NULL) == (error != NULL));
  if (error != NULL)
    g_assert_true (error->domain == KS_CREDENTIAL_ERROR);
  return error ? error->code : 0;
}

static void
test_trust_create_and_reload (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", &error);
  g_autoptr(KsStationKeys) again = NULL;
  const char *secret_files[] = { "station.key", "dev-root.key" };
  g_autofree char *kid = NULL;

  g_assert_no_error (error);
  kid = g_strdup (ks_station_keys_get_kid (keys));
  g_assert_cmpstr (ks_station_keys_get_station_code (keys), ==, "PSH01");
  g_assert_true (ks_station_keys_is_development (keys));

  /* Secret keys: only the station's user may read them; so may the folder. */
  for (guint i = 0; i < G_N_ELEMENTS (secret_files); i++)
    {
      g_autofree char *path = g_build_filename (f->keydir, secret_files[i], NULL);
      GStatBuf st;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      g_assert_cmpint (st.st_size, ==, crypto_sign_SECRETKEYBYTES);
    }
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (f->keydir, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0077, ==, 0);
  }

  /* The public files name the development root as such. */
  {
    g_autofree char *trust = read_file (f->keydir, "trust.json");
    g_assert_nonnull (strstr (trust, "\"development\" : true"));
  }

  /* A restart loads the same key. */
  g_clear_object (&keys);
  again = ks_station_keys_load_or_create (f->keydir, "IGNORED", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_station_keys_get_kid (again), ==, kid);
  g_assert_cmpstr (ks_station_keys_get_station_code (again), ==, "PSH01");
}

static void
test_trust_secret_not_exported (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  const char *secrets[] = { "station.key", "dev-root.key" };
  const char *public_files[] = { "trust.json", "station-cert.json" };

  /* Neither secret key (its seed half, in hex) appears in a file meant to be shared. */
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      g_autofree char *path = g_build_filename (f->keydir, secrets[i], NULL);
      g_autofree guint8 *sk = NULL;
      gsize len;
      char hex[65];

      g_assert_true (g_file_get_contents (path, (char **)&sk, &len, NULL));
      sodium_bin2hex (hex, sizeof hex, sk, 32);
      sodium_memzero (sk, len);
      for (guint k = 0; k < G_N_ELEMENTS (public_files); k++)
        {
          g_autofree char *contents = read_file (f->keydir, public_files[k]);
          g_assert_null (strstr (contents, hex));
        }
      {
        g_autofree char *json = ks_trust_list_to_json (ks_station_keys_get_trust_list (keys));
        g_assert_null (strstr (json, hex));
      }
    }
}

static void
test_trust_json_roundtrip (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  KsTrustList *trust = ks_station_keys_get_trust_list (keys);
  g_autofree char *path = g_build_filename (f->dir, "export.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsTrustList) imported = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *text = sign_card (keys, g_get_real_time () / G_USEC_PER_SEC);

  ks_trust_list_revoke (trust, "some-old-station");
  g_assert_true (ks_trust_list_save (trust, path, &error));
  g_assert_no_error (error);
  imported = ks_trust_list_new_from_file (path, &error);
  g_assert_no_error (error);

  a = ks_trust_list_to_json (trust);
  b = ks_trust_list_to_json (imported);
  g_assert_cmpstr (a, ==, b);
  g_assert_true (ks_trust_list_is_revoked (imported, "some-old-station"));

  /* An offline verifier with only the exported file accepts the station's cards. */
  g_assert_cmpint (verify_code (text, imported), ==, 0);
}

static void
test_trust_damaged_files (Fixture      *f,
                          gconstpointer data)
{
  const char *bad[] = {
    "",
    "not json",
    "{\"format\": \"something-else\"}",
    "{\"format\": \"khyber-pass-trust-list\", \"roots\": [{\"id\": \"r\", \"public_key\": \"zz\"}]}",
    "{\"format\": \"khyber-pass-trust-list\", \"certificates\": [{\"kid\": \"k\"}]}",
    "{\"format\": \"khyber-pass-trust-list\", \"revoked\": [1, {}]}",
  };
  g_autofree char *missing = g_build_filename (f->dir, "missing.json", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autoptr(KsTrustList) list = ks_trust_list_new_from_data (bad[i], -1, &e);
      g_assert_null (list);
      g_assert_error (e, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID);
    }
  g_assert_null (ks_trust_list_new_from_file (missing, &error));
  g_assert_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_IO);

  /* Nested 100,000 deep (a hostile file or registry): refused, not a stack overflow. */
  {
    GString *deep = g_string_new ("{\"format\": \"khyber-pass-trust-list\", \"roots\": ");
    g_autofree char *json = NULL;
    g_autoptr(GError) e = NULL;
    g_autoptr(KsTrustList) list = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    json = g_string_free (deep, FALSE);
    list = ks_trust_list_new_from_data (json, -1, &e);
    g_assert_null (list);
    g_assert_error (e, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID);
  }
}

static void
test_trust_rejections (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  g_autofree char *other_dir = g_build_filename (f->dir, "other", NULL);
  g_autoptr(KsStationKeys) other = ks_station_keys_load_or_create (other_dir, "MRD02", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *ours = sign_card (keys, now);
  g_autofree char *theirs = sign_card (other, now);
  g_autofree char *json = ks_trust_list_to_json (ks_station_keys_get_trust_list (keys));
  KsTrustList *trust = ks_station_keys_get_trust_list (keys);

  g_assert_cmpint (verify_code (ours, trust), ==, 0);

  /* A card signed by a key not in the trust list. */
  g_assert_cmpint (verify_code (theirs, trust), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);

  /* The other station's certificate alone, without its root, is not trusted either. */
  {
    g_autoptr(KsTrustList) list = ks_trust_list_new_from_data (json, -1, NULL);
    ks_trust_list_add_certificate (list, ks_station_keys_get_certificate (other));
    g_assert_cmpint (verify_code (theirs, list), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }

  /* A certificate edited after signing (its station code, or its key) is refused. */
  {
    g_autoptr(KsTrustList) list = ks_trust_list_new_from_data (json, -1, NULL);
    g_autoptr(KsStationCert) cert = ks_station_cert_copy (ks_station_keys_get_certificate (keys));
    g_autoptr(GError) error = NULL;

    g_free (cert->station_code);
    cert->station_code = g_strdup ("XXX99");
    ks_trust_list_add_certificate (list, cert);
    g_assert_null (ks_trust_list_lookup (list, cert->kid, &error));
    g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
    g_assert_cmpint (verify_code (ours, list), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }
  {
    g_autoptr(KsTrustList) list = ks_trust_list_new_from_data (json, -1, NULL);
    g_autoptr(KsStationCert) cert = ks_station_cert_copy (ks_station_keys_get_certificate (keys));

    g_bytes_unref (cert->public_key);
    cert->public_key = g_bytes_ref (ks_station_keys_get_public_key (other));
    ks_trust_list_add_certificate (list, cert);
    g_assert_cmpint (verify_code (ours, list), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }

  /* Revoked: refused, and the import of an older list does not bring it back. */
  {
    g_autoptr(KsTrustList) list = ks_trust_list_new_from_data (json, -1, NULL);
    g_autoptr(KsTrustList) older = ks_trust_list_new_from_data (json, -1, NULL);

    ks_trust_list_revoke (list, ks_station_keys_get_kid (keys));
    g_assert_cmpint (verify_code (ours, list), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
    ks_trust_list_merge (list, older);
    g_assert_cmpint (verify_code (ours, list), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }
}

static void
test_trust_certificate_validity (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  const KsStationCert *cert = ks_station_keys_get_certificate (keys);
  KsTrustList *trust = ks_station_keys_get_trust_list (keys);
  g_autofree char *before = sign_card (keys, cert->not_before - 3600);
  g_autofree char *after = sign_card (keys, cert->not_after + 3600);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (ks_trust_list_accept (trust, cert->kid, cert->not_before, &error));
  g_assert_no_error (error);
  g_assert_null (ks_trust_list_accept (trust, cert->kid, cert->not_after + 1, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);

  /* Cards dated outside the station's authorization are not the station's to issue. */
  g_assert_cmpint (verify_code (before, trust), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  g_assert_cmpint (verify_code (after, trust), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
}

static void
test_trust_registry_certificate (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  g_autoptr(KsTrustList) registry = ks_trust_list_new ();
  g_autoptr(KsStationCert) cert = NULL;
  g_autoptr(KsStationCert) foreign = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationKeys) reloaded = NULL;
  g_autofree char *card = NULL;
  guint8 root_pk[crypto_sign_PUBLICKEYBYTES], root_sk[crypto_sign_SECRETKEYBYTES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* The registry signs this station's public key with its root. */
  crypto_sign_keypair (root_pk, root_sk);
  ks_trust_list_add_root (registry, "kp-registry-2026", root_pk, FALSE);
  cert = ks_station_cert_new_signed (ks_station_keys_get_kid (keys), "PSH01", KS_COSE_ALG_EDDSA,
                                     ks_station_keys_get_public_key (keys), now - 60,
                                     now + 5 * 366 * 86400, "kp-registry-2026", root_sk);
  foreign = ks_station_cert_new_signed ("someone-else", "PSH01", KS_COSE_ALG_EDDSA,
                                        ks_station_keys_get_public_key (keys), now - 60,
                                        now + 86400, "kp-registry-2026", root_sk);
  sodium_memzero (root_sk, sizeof root_sk);

  /* A certificate naming another kid is not this station's. */
  g_assert_false (ks_station_keys_install_certificate (keys, foreign, registry, &error));
  g_assert_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (ks_station_keys_install_certificate (keys, cert, registry, &error));
  g_assert_no_error (error);
  g_assert_false (ks_station_keys_is_development (keys));

  /* Saved: a restart keeps the registry's certificate. */
  reloaded = ks_station_keys_load_or_create (f->keydir, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ks_station_keys_is_development (reloaded));

  /* The development root's secret is gone: it can certify nothing more. */
  {
    g_autofree char *root_path = g_build_filename (f->keydir, "dev-root.key", NULL);
    g_assert_false (g_file_test (root_path, G_FILE_TEST_EXISTS));
  }

  /* A verifier holding only the registry root and the certificate accepts the new cards, and
   * the station's own trust list is now the registry's. */
  card = sign_card (reloaded, now);
  ks_trust_list_add_certificate (registry, cert);
  g_assert_cmpint (verify_code (card, registry), ==, 0);
  g_assert_cmpint (verify_code (card, ks_station_keys_get_trust_list (reloaded)), ==, 0);
  g_assert_false (ks_trust_list_root_is_development (ks_station_keys_get_trust_list (reloaded),
                                                     ks_station_keys_get_certificate (reloaded)->
                                                     root_id));
  {
    g_autoptr(KsTrustList) root_only = ks_trust_list_new ();
    ks_trust_list_add_root (root_only, "kp-registry-2026", root_pk, FALSE);
    g_assert_cmpint (verify_code (card, root_only), ==, KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER);
  }
}

/* A root of a test trust list: id and key pair. */
typedef struct
{
  const char *id;
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
  guint8 sk[crypto_sign_SECRETKEYBYTES];
} TestRoot;

static KsStationCert *
test_cert (const TestRoot *root,
           const char     *kid,
           const char     *station_code,
           guint8          key_byte)
{
  guint8 key[crypto_sign_PUBLICKEYBYTES];
  g_autoptr(GBytes) public_key = NULL;

  memset (key, key_byte, sizeof key);
  public_key = g_bytes_new (key, sizeof key);
  return ks_station_cert_new_signed (kid, station_code, KS_COSE_ALG_EDDSA, public_key,
                                     1700000000, 2000000000, root->id, root->sk);
}

/* A list holding @root and @certs, as a file would (through JSON). */
static KsTrustList *
trust_file (const TestRoot      *root,
            const KsStationCert *cert,
            const char          *revoked)
{
  g_autoptr(KsTrustList) list = ks_trust_list_new ();
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  KsTrustList *back;

  if (root != NULL)
    ks_trust_list_add_root (list, root->id, root->pk, FALSE);
  if (cert != NULL)
    ks_trust_list_add_certificate (list, cert);
  if (revoked != NULL)
    ks_trust_list_revoke (list, revoked);
  json = ks_trust_list_to_json (list);
  back = ks_trust_list_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  return back;
}

/* A trust file may add, never replace or shadow: else a crafted file makes a forgery verify as
 * a trusted station, and that station's real cards look forged. */
static void
test_trust_file_only_adds (Fixture      *f,
                           gconstpointer data)
{
  TestRoot registry = { "kp-registry-2026" }, attacker = { "attacker-root" };
  TestRoot fake_registry = { "kp-registry-2026" };
  g_autoptr(KsTrustList) trust = ks_trust_list_new ();
  g_autoptr(KsStationCert) a01 = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const KsStationCert *held;

  crypto_sign_keypair (registry.pk, registry.sk);
  crypto_sign_keypair (attacker.pk, attacker.sk);
  crypto_sign_keypair (fake_registry.pk, fake_registry.sk);
  a01 = test_cert (&registry, "kid-a01", "A01", 1);
  ks_trust_list_add_root (trust, registry.id, registry.pk, FALSE);
  ks_trust_list_add_certificate (trust, a01);
  before = ks_trust_list_to_json (trust);

  /* Refused, each as a whole, nothing of it taken. */
  {
    g_autoptr(KsStationCert) replaced = test_cert (&attacker, "kid-a01", "A01", 2);
    g_autoptr(KsStationCert) shadow = test_cert (&attacker, "kid-a01-new", "A01", 3);
    g_autoptr(KsStationCert) by_fake_root = test_cert (&fake_registry, "kid-a01", "A01", 4);
    g_autoptr(KsStationCert) renamed = test_cert (&registry, "kid-a01", "Z99", 1);
    KsTrustList *files[] = {
      trust_file (&attacker, replaced, NULL),      /* same kid, another key */
      trust_file (&attacker, shadow, NULL),        /* new kid for A01, from its own root */
      trust_file (&fake_registry, NULL, NULL),     /* the registry's root id, another key */
      trust_file (&fake_registry, by_fake_root, NULL),
      trust_file (NULL, renamed, NULL),            /* same kid and key, another station */
    };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(KsTrustList) file = files[i];

        g_test_message ("conflicting file %u", i);
        g_assert_false (ks_trust_list_add_list (trust, file, &error));
        g_assert_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_CONFLICT);
        g_assert_nonnull (strstr (error->message, "only add"));
        after = ks_trust_list_to_json (trust);
        g_assert_cmpstr (after, ==, before);
        g_clear_pointer (&after, g_free);
      }
    held = ks_trust_list_lookup (trust, "kid-a01", NULL);
    g_assert_nonnull (held);
    g_assert_true (g_bytes_equal (held->public_key, a01->public_key));
    g_assert_null (ks_trust_list_lookup (trust, "kid-a01-new", NULL));
  }

  /* Taken: another station from another root, a key the registry itself re-issued for A01,
   * the same certificate again, and revocations. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsStationCert) other_station = test_cert (&attacker, "kid-b07", "B07", 5);
    g_autoptr(KsStationCert) rekeyed = test_cert (&registry, "kid-a01-2027", "A01", 6);
    g_autoptr(KsTrustList) f1 = trust_file (&attacker, other_station, NULL);
    g_autoptr(KsTrustList) f2 = trust_file (&registry, rekeyed, NULL);
    g_autoptr(KsTrustList) f3 = trust_file (&registry, a01, "kid-b07");

    g_assert_true (ks_trust_list_add_list (trust, f1, &error));
    g_assert_no_error (error);
    g_assert_nonnull (ks_trust_list_lookup (trust, "kid-b07", NULL));
    g_assert_true (ks_trust_list_add_list (trust, f2, &error));
    g_assert_no_error (error);
    g_assert_nonnull (ks_trust_list_lookup (trust, "kid-a01-2027", NULL));
    g_assert_true (ks_trust_list_add_list (trust, f3, &error));
    g_assert_no_error (error);
    g_assert_true (ks_trust_list_is_revoked (trust, "kid-b07"));
    held = ks_trust_list_lookup (trust, "kid-a01", NULL);
    g_assert_true (g_bytes_equal (held->public_key, a01->public_key));
  }
  sodium_memzero (registry.sk, sizeof registry.sk);
  sodium_memzero (attacker.sk, sizeof attacker.sk);
  sodium_memzero (fake_registry.sk, sizeof fake_registry.sk);
}

static void
test_trust_swapped_key_file (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(KsStationKeys) keys = ks_station_keys_load_or_create (f->keydir, "PSH01", NULL);
  g_autofree char *path = g_build_filename (f->keydir, "station.key", NULL);
  g_autoptr(GBytes) payload = g_bytes_new_static ("\xa0", 1);
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

  /* Another key restored over ours: refuse to sign rather than print unverifiable cards. */
  crypto_sign_keypair (pk, sk);
  g_assert_true (g_file_set_contents (path, (const char *)sk, sizeof sk, NULL));
  sodium_memzero (sk, sizeof sk);
  cose = ks_station_keys_sign_cose (keys, payload, &error);
  g_assert_null (cose);
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY);
  g_clear_error (&error);

  /* A truncated key file, likewise. */
  g_assert_true (g_file_set_contents (path, "short", 5, NULL));
  g_assert_null (ks_station_keys_sign_cose (keys, payload, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/trust/create-and-reload", test_trust_create_and_reload);
  ADD ("/trust/secret-not-exported", test_trust_secret_not_exported);
  ADD ("/trust/json-roundtrip", test_trust_json_roundtrip);
  ADD ("/trust/damaged-files", test_trust_damaged_files);
  ADD ("/trust/rejections", test_trust_rejections);
  ADD ("/trust/certificate-validity", test_trust_certificate_validity);
  ADD ("/trust/registry-certificate", test_trust_registry_certificate);
  ADD ("/trust/swapped-key-file", test_trust_swapped_key_file);
  ADD ("/trust/file-only-adds", test_trust_file_only_adds);
#undef ADD

  return g_test_run ();
}
