/* test-cli.c: `khyber-station verify` and `card` from a shell, as a script would run them
 *
 * Runs the built program (its path is the first argument, set in tests/meson.build) on cards
 * issued here, and checks what a script relies on: the exit status and the verdict's words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <qrencode.h>
#include <zlib.h>

#include "ks-test-util.h"
#include "ks-card.h"
#include "ks-card-face.h"
#include "ks-card-scan.h"
#include "ks-audit.h"
#include "ks-consent.h"
#include "ks-photo.h"
#include "ks-records.h"
#include "ks-station.h"
#include "ks-card-testing.h"

static const char *program;

typedef struct
{
  char *dir;          /* --data-dir: holds production/keys, as after set-up */
  KsStationKeys *keys;
  KsCardHolder *holder;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keydir = NULL;

  f->dir = g_dir_make_tmp ("ks-cli-XXXXXX", NULL);
  keydir = g_build_filename (f->dir, "production", "keys", NULL);
  f->keys = ks_station_keys_load_or_create (keydir, "A01", &error);
  g_assert_no_error (error);

  f->holder = ks_card_holder_new ();
  f->holder->kp_id = g_strdup ("PEW-A01-0000123-N");
  f->holder->full_name = g_strdup ("Gul Bano Khan");
  f->holder->full_name_ur = g_strdup ("گل بانو خان");
  f->holder->date_of_birth = g_strdup ("1990-03-21");
  f->holder->gender = 2;
  f->holder->district_code = g_strdup ("PEW");
  f->holder->district_name = g_strdup ("Peshawar");
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->keys);
  g_clear_pointer (&f->holder, ks_card_holder_free);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
}

static char *
write_card (Fixture       *f,
            KsStationKeys *keys,
            const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, keys, NULL, &error);
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_no_error (error);
  g_assert_true (ks_card_write_file (card, path, &error));
  g_assert_no_error (error);
  return path;
}

/* Runs the program with NULL-terminated arguments; returns its exit status. */
static int
run (char **out,
     char **err,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *discard_out = NULL;
  g_autofree char *discard_err = NULL;
  const char *arg;
  int status = -1;
  va_list ap;

  /* Always captured: the child's output must not mix into this test's TAP stream. */
  if (out == NULL)
    out = &discard_out;
  if (err == NULL)
    err = &discard_err;

  g_ptr_array_add (argv, (char *)program);
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_verify_own_card (Fixture      *f,
                      gconstpointer data)
{
  const char *names[] = { "card.png", "card.pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *card = write_card (f, f->keys, names[i]);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      /* The station's own trust list, found through --data-dir, accepts its cards. */
      g_assert_cmpint (run (&out, &err, "verify", card, "--data-dir", f->dir, NULL), ==, 0);
      g_assert_true (g_str_has_prefix (out, "Valid\n"));
      g_assert_nonnull (strstr (out, "PEW-A01-0000123-N"));
      g_assert_nonnull (strstr (out, "Gul Bano Khan"));
      g_assert_nonnull (strstr (out, "گل بانو خان"));
      g_assert_nonnull (strstr (out, "21-03-1990"));
      g_assert_nonnull (strstr (out, "Female"));
      g_assert_nonnull (strstr (out, "A01"));
      g_assert_cmpstr (err, ==, "");
    }
}

static void
test_verify_foreign_card (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_build_filename (f->dir, "other-keys", NULL);
  g_autofree char *other_json = g_build_filename (f->dir, "other-trust.json", NULL);
  g_autoptr(KsStationKeys) other = ks_station_keys_load_or_create (other_dir, "M02", &error);
  g_autofree char *card = write_card (f, other, "foreign.png");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  /* Another station's card: refused, and none of its (unchecked) fields are printed. */
  g_assert_cmpint (run (&out, NULL, "verify", card, "--data-dir", f->dir, NULL), ==,
                   KS_EXIT_UNKNOWN_ISSUER);
  g_assert_true (g_str_has_prefix (out, "Unknown issuer\n"));
  g_assert_null (strstr (out, "Gul Bano Khan"));

  /* With that station's trust list it is accepted. */
  g_assert_true (ks_trust_list_save (ks_station_keys_get_trust_list (other), other_json, &error));
  g_assert_cmpint (run (&out2, NULL, "verify", card, "--data-dir", f->dir,
                        "--trust", other_json, NULL), ==, KS_EXIT_VALID);
  g_assert_true (g_str_has_prefix (out2, "Valid\n"));
}

/* A trust file may only add: one that brings another key for this station's own code (a
 * forger's key under "A01") is refused with its own status, and the forgery stays unknown. */
static void
test_verify_trust_file_conflict (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *forger_dir = g_build_filename (f->dir, "forger-keys", NULL);
  g_autofree char *forger_json = g_build_filename (f->dir, "forger-trust.json", NULL);
  g_autoptr(KsStationKeys) forger = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *own = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;

  forger = ks_station_keys_load_or_create (forger_dir,
                                           ks_station_keys_get_station_code (f->keys), &error);
  g_assert_no_error (error);
  forged = write_card (f, forger, "forged.png");
  own = write_card (f, f->keys, "own.png");
  g_assert_true (ks_trust_list_save (ks_station_keys_get_trust_list (forger), forger_json,
                                     &error));

  g_assert_cmpint (run (&out, &err, "verify", forged, "--data-dir", f->dir, "--trust",
                        forger_json, NULL), ==, KS_EXIT_TRUST_CONFLICT);
  g_assert_nonnull (strstr (err, "only add"));
  g_assert_null (strstr (out, "Valid"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "verify", forged, "--data-dir", f->dir, NULL), ==,
                   KS_EXIT_UNKNOWN_ISSUER);
  /* The station's real cards are untouched by the attempt. */
  g_assert_cmpint (run (&out2, NULL, "verify", own, "--data-dir", f->dir, NULL), ==,
                   KS_EXIT_VALID);
}

/* A PNG of a QR code holding @text, 6 px modules with the 4-module quiet zone. */
static void
write_qr_png (const char *text,
              const char *path)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
  int size = (qr->width + 8) * 6;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  cairo_t *cr = cairo_create (s);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      if (qr->data[y * qr->width + x] & 1)
        cairo_rectangle (cr, (x + 4) * 6, (y + 4) * 6, 6, 6);
  cairo_fill (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  QRcode_free (qr);
}

static void
test_verify_altered_card (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(GBytes) forged = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (f->dir, "altered.png", NULL);
  g_autofree char *out = NULL;
  guint8 *bytes;
  gsize len;
  char *name;

  g_assert_no_error (error);
  /* The name changed inside the signed credential, the signature kept: a forgery. */
  cose = ks_credential_unpack (ks_card_get_qr_text (card), &error);
  g_assert_no_error (error);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&cose), &len);
  name = NULL;
  for (gsize i = 0; name == NULL && i + 13 <= len; i++)
    if (memcmp (bytes + i, "Gul Bano Khan", 13) == 0)
      name = (char *)bytes + i;
  g_assert_nonnull (name);
  name[10] = 'K';  /* "Gul Bano Khan" -> "Gul Bano KKan" */
  forged = g_bytes_new_take (bytes, len);
  text = ks_credential_pack (forged, &error);
  g_assert_no_error (error);
  write_qr_png (text, path);

  g_assert_cmpint (run (&out, NULL, "verify", path, "--data-dir", f->dir, NULL), ==,
                   KS_EXIT_ALTERED);
  g_assert_true (g_str_has_prefix (out, "Altered or forged\n"));
  g_assert_null (strstr (out, "KKan"));
}

/* A card whose credential the trust list names as revoked: status 7, the date and the reason,
 * and none of its fields. */
static void
test_verify_revoked (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autoptr(KsTrustList) list = ks_trust_list_new ();
  g_autofree char *png = g_build_filename (f->dir, "revoked.png", NULL);
  g_autofree char *json = g_build_filename (f->dir, "registry-trust.json", NULL);
  g_autofree char *out = NULL;
  KsCredentialRevocation rev = { 0 };

  g_assert_no_error (error);
  g_assert_true (ks_card_write_file (card, png, &error));
  rev.credential_id = (char *)ks_card_get_credential_id (card);
  rev.kp_id = (char *)"PEW-A01-0000123-N";
  rev.station_code = (char *)"A01";
  rev.revoked_at = 1796299200;  /* 2026-12-03 12:00 UTC */
  rev.reason = (char *)KS_REVOCATION_REJECTED;
  ks_trust_list_revoke_credential (list, &rev);
  g_assert_true (ks_trust_list_save (list, json, &error));

  g_assert_cmpint (run (&out, NULL, "verify", png, "--data-dir", f->dir, NULL), ==,
                   KS_EXIT_VALID);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, NULL, "verify", png, "--data-dir", f->dir, "--trust", json, NULL),
                   ==, KS_EXIT_REVOKED);
  g_assert_true (g_str_has_prefix (out, "Revoked\n"));
  g_assert_nonnull (strstr (out, "03-12-2026"));
  g_assert_nonnull (strstr (out, "rejected"));
  g_assert_null (strstr (out, "Gul Bano Khan"));
}

static void
test_verify_bad_input (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.png", NULL);
  g_autofree char *blank = g_build_filename (f->dir, "blank.png", NULL);
  g_autofree char *card = write_card (f, f->keys, "card.png");
  g_autofree char *help = NULL;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 120);
  struct {
    const char *args[4];
    int status;
  } cases[] = {
    { { "verify", missing, NULL }, KS_EXIT_NO_INPUT },
    { { "verify", blank, NULL }, KS_EXIT_NOT_A_CARD },
    { { "verify", NULL }, KS_EXIT_USAGE },
    { { "verify", card, card, NULL }, KS_EXIT_USAGE },
    { { "verify", card, "--profile=staging", NULL }, KS_EXIT_USAGE },
    { { "verify", card, "--no-such-option", NULL }, KS_EXIT_USAGE },
    { { "card", "--id", "PEW-A01-0000123-N", NULL }, KS_EXIT_USAGE },
    { { "card", "--id", "PEW-A01-0000123-N", "--output=card.txt" }, KS_EXIT_USAGE },
  };

  cairo_surface_write_to_png (s, blank);
  cairo_surface_destroy (s);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = run (NULL, &err, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                        cases[i].args[3], NULL);

      g_test_message ("case %u: %s", i, err);
      g_assert_cmpint (status, ==, cases[i].status);
      /* A refusal always says why. */
      if (status != KS_EXIT_NOT_A_CARD)
        g_assert_cmpstr (err, !=, "");
    }

  /* The exit codes are documented where a script writer looks. */
  g_assert_cmpint (run (&help, NULL, "verify", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "Exit status"));
  g_assert_nonnull (strstr (help, "3  unknown issuer"));
  g_assert_nonnull (strstr (help, "66  the file cannot be read"));
  g_assert_nonnull (strstr (help, "7  revoked"));
}

/* `card --id`: refused with 77 while the record awaits review and after it is rejected; once a
 * supervisor approved it, the card written by the command line verifies and carries neither
 * the phone number nor the address; an unknown ID is refused with 66; the export is
 * audited. */
static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* A PNG of the face's size: what --face-out writes. */
static void
assert_face_file (const char *path)
{
  cairo_surface_t *face = cairo_image_surface_create_from_png (path);

  g_assert_cmpint (cairo_surface_status (face), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (face), ==, KS_CARD_FACE_WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (face), ==, KS_CARD_FACE_HEIGHT);
  cairo_surface_destroy (face);
}

/* verify says whether the card's code holds a face, and writes it out only from a genuine
 * card that has one. */
static void
test_verify_face (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *faceless = write_card (f, f->keys, "faceless.png");
  g_autofree char *face_out = g_build_filename (f->dir, "face.png", NULL);
  g_autofree char *with_face = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (run (&out, &err, "verify", faceless, "--data-dir", f->dir, "--face-out",
                        face_out, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (out, "Valid\n"));
  g_assert_nonnull (strstr (out, "none embedded: compare the photo with the holder"));
  g_assert_nonnull (strstr (err, "holds no face"));
  g_assert_false (g_file_test (face_out, G_FILE_TEST_EXISTS));

  f->holder->photo_png = ks_test_face_png (300, 400, 3);
  with_face = write_card (f, f->keys, "with-face.pdf");
  g_assert_cmpint (run (&out2, &err2, "verify", with_face, "--data-dir", f->dir, "--face-out",
                        face_out, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, "embedded, signed (WebP, "));
  g_assert_cmpstr (err2, ==, "");
  assert_face_file (face_out);
}

static void
test_card_command (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsRecord) r = ks_record_new ();
  g_autoptr(KsRecord) r2 = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *rejected_id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *png = g_build_filename (f->dir, "card.png", NULL);
  g_autofree char *photo = g_build_filename (f->dir, "citizen.png", NULL);
  g_autofree char *face_out = g_build_filename (f->dir, "face.png", NULL);
  KsSubmitOptions options = { NULL };

  station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  session = ks_station_set_up (station, "sana.sup", "Sana Gul", "supervisor-pw", "PEW", "A01",
                               &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (station), session, "PEW", "A01");
  ks_record_set (r, KS_FIELD_CNIC, "17301-1234567-2");
  ks_record_set (r, KS_FIELD_GENDER, "female");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1990-03-21");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Gul Bano Khan");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "گل بانو خان");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Sher Khan");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "شیر خان");
  ks_record_set (r, KS_FIELD_MOBILE, "03001234567");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "House 3, Gulbahar");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  /* The photo as the wizard takes it: chosen from a file, shrunk and sealed. */
  {
    g_autoptr(GBytes) face = ks_test_face_png (600, 800, 9);
    g_autoptr(GFile) file = g_file_new_for_path (photo);
    g_autoptr(GAsyncResult) imported = NULL;
    g_autofree char *sealed = NULL;

    g_assert_true (g_file_set_contents (photo, g_bytes_get_data (face, NULL),
                                        g_bytes_get_size (face), &error));
    ks_photo_import_async (ks_station_get_profile (station), file, NULL, store_result,
                           &imported);
    while (imported == NULL)
      g_main_context_iteration (NULL, TRUE);
    sealed = ks_photo_import_finish (imported, NULL, &error);
    g_assert_no_error (error);
    ks_record_set (r, KS_FIELD_PHOTO, sealed);
  }
  kp_id = ks_records_submit (ks_station_get_store (station), session, 0, r,
                             ks_station_get_reference (station), &options, &error);
  g_assert_no_error (error);
  r2 = ks_record_copy (r);
  ks_record_set (r2, KS_FIELD_CNIC, "17301-1234568-2");
  rejected_id = ks_records_submit (ks_station_get_store (station), session, 0, r2,
                                   ks_station_get_reference (station), &options, &error);
  g_assert_no_error (error);
  g_assert_true (ks_records_set_state (ks_station_get_store (station), session, rejected_id,
                                       KS_RECORD_STATE_REJECTED, "photo-quality", NULL, &error));
  g_assert_no_error (error);
  /* The command line opens the profile itself: this process lets go of it. */
  g_clear_object (&session);
  g_clear_object (&station);

  /* Not approved yet, then rejected: no signed card, each with its reason. */
  g_assert_cmpint (run (NULL, &err, "card", "--id", kp_id, "--output", png, "--data-dir",
                        f->dir, NULL), ==, 77);
  g_assert_nonnull (strstr (err, "awaits a supervisor"));
  g_assert_cmpint (run (NULL, &err2, "card", "--id", rejected_id, "--output", png, "--data-dir",
                        f->dir, NULL), ==, 77);
  g_assert_nonnull (strstr (err2, "was rejected"));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  {
    g_autoptr(KsAccount) sup = ks_accounts_lookup (ks_station_get_store (station), "sana.sup",
                                                   &error);

    g_assert_no_error (error);
    session = ks_session_new (ks_station_get_store (station), sup, FALSE);
  }
  g_assert_true (ks_records_set_state (ks_station_get_store (station), session, kp_id,
                                       KS_RECORD_STATE_APPROVED, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&session);
  g_clear_object (&station);

  g_assert_cmpint (run (NULL, NULL, "card", "--id", kp_id, "--output", png, "--data-dir", f->dir,
                        NULL), ==, 0);
  g_assert_cmpint (run (&out, NULL, "verify", png, "--data-dir", f->dir, "--face-out",
                        face_out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Valid"));
  g_assert_nonnull (strstr (out, "Gul Bano Khan"));
  g_assert_null (strstr (out, "1234567"));
  g_assert_null (strstr (out, "Gulbahar"));
  /* The card the command printed carries the photo's face, signed; --face-out writes it. */
  g_assert_nonnull (strstr (out, "Face:"));
  g_assert_nonnull (strstr (out, "embedded, signed (WebP, "));
  assert_face_file (face_out);

  g_assert_cmpint (run (NULL, NULL, "card", "--id", "PEW-A01-0000099-X", "--output", png,
                        "--data-dir", f->dir, NULL), ==, KS_EXIT_NO_INPUT);

  station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) audit = ks_audit_list (ks_station_get_store (station), kp_id, 0, NULL);
    g_assert_cmpstr (((KsAuditEntry *)audit->pdata[0])->action, ==, "card-exported");
  }
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              gsize         len)
{
  guint32 be_len = GUINT32_TO_BE ((guint32)len);
  guint32 crc = crc32 (0, (const Bytef *)type, 4);
  guint32 be_crc;

  crc = crc32 (crc, data, len);
  be_crc = GUINT32_TO_BE (crc);
  g_byte_array_append (png, (const guint8 *)&be_len, 4);
  g_byte_array_append (png, (const guint8 *)type, 4);
  g_byte_array_append (png, data, len);
  g_byte_array_append (png, (const guint8 *)&be_crc, 4);
}

/* A valid, white, 1-bit PNG of @side x @side pixels: 20000 makes 400 million pixels in a file
 * of some 60 KB. Made row by row, never whole. */
static void
write_huge_png (const char *path,
                guint       side)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) idat = g_byte_array_new ();
  gsize row_len = 1 + (side + 7) / 8;
  g_autofree guint8 *row = g_malloc (row_len);
  guint8 ihdr[13] = { 0 };
  guint8 out[65536];
  z_stream z = { 0 };
  g_autoptr(GError) error = NULL;

  g_byte_array_append (png, (const guint8 *)"\x89PNG\r\n\x1a\n", 8);
  *(guint32 *)(gpointer)ihdr = GUINT32_TO_BE (side);
  *(guint32 *)(gpointer)(ihdr + 4) = GUINT32_TO_BE (side);
  ihdr[8] = 1;   /* bit depth */
  ihdr[9] = 0;   /* greyscale */
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);

  memset (row, 0xff, row_len);
  row[0] = 0;    /* filter: none */
  g_assert_cmpint (deflateInit (&z, 9), ==, Z_OK);
  for (guint y = 0; y < side; y++)
    {
      z.next_in = row;
      z.avail_in = row_len;
      do
        {
          z.next_out = out;
          z.avail_out = sizeof out;
          deflate (&z, y + 1 == side ? Z_FINISH : Z_NO_FLUSH);
          g_byte_array_append (idat, out, sizeof out - z.avail_out);
        }
      while (z.avail_out == 0);
    }
  deflateEnd (&z);
  append_chunk (png, "IDAT", idat->data, idat->len);
  append_chunk (png, "IEND", NULL, 0);
  g_file_set_contents (path, (const char *)png->data, png->len, &error);
  g_assert_no_error (error);
}

/* A PDF of @n_pages blank pages of @side_pt points square, written as a few lines of text. */
static void
write_pdf (const char *path,
           guint       n_pages,
           guint       side_pt)
{
  g_autoptr(GString) pdf = g_string_new ("%PDF-1.4\n");
  g_autoptr(GString) kids = g_string_new (NULL);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) error = NULL;
  gsize xref, offset;

  for (guint i = 0; i < n_pages; i++)
    g_string_append_printf (kids, "%u 0 R ", i + 3);
  offset = pdf->len;
  g_array_append_val (offsets, offset);
  g_string_append (pdf, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
  offset = pdf->len;
  g_array_append_val (offsets, offset);
  g_string_append_printf (pdf, "2 0 obj << /Type /Pages /Kids [%s] /Count %u >> endobj\n",
                          kids->str, n_pages);
  for (guint i = 0; i < n_pages; i++)
    {
      offset = pdf->len;
      g_array_append_val (offsets, offset);
      g_string_append_printf (pdf, "%u 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 %u %u] "
                              ">> endobj\n", i + 3, side_pt, side_pt);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", offsets->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer << /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          offsets->len + 1, xref);
  g_file_set_contents (path, pdf->str, pdf->len, &error);
  g_assert_no_error (error);
}

typedef struct
{
  const char *name;
  int status;
  const char *says;     /* in what verify writes to stderr */
} HostileCase;

/* Files made to exhaust verify: each is refused or read within bounds, with a message and the
 * documented exit status, and verify's memory stays bounded (it took gigabytes, or crashed). */
static void
test_verify_hostile_files (Fixture      *f,
                           gconstpointer data)
{
  static const HostileCase cases[] = {
    { "fifo.png", KS_EXIT_NO_INPUT, "not a file" },
    { "folder.png", KS_EXIT_NO_INPUT, "not a file" },
    { "huge.png", KS_EXIT_NO_INPUT, "25 million pixels" },
    { "big.pdf", KS_EXIT_NO_INPUT, "32 MB" },
    { "poster.pdf", KS_EXIT_NOT_A_CARD, NULL },
    { "book.pdf", KS_EXIT_NO_INPUT, "500 pages" },
  };
  struct rusage usage;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, cases[i].name, NULL);
      g_autofree char *err = NULL;
      int status;

      if (g_str_equal (cases[i].name, "fifo.png"))
        g_assert_cmpint (mkfifo (path, 0600), ==, 0);
      else if (g_str_equal (cases[i].name, "folder.png"))
        g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
      else if (g_str_equal (cases[i].name, "huge.png"))
        write_huge_png (path, 20000);
      else if (g_str_equal (cases[i].name, "big.pdf"))
        {
          /* 33 MB, sparse: a PDF header, then nothing. */
          g_assert_true (g_file_set_contents (path, "%PDF-1.4\n", -1, NULL));
          g_assert_cmpint (truncate (path, 33 * 1024 * 1024), ==, 0);
        }
      else if (g_str_equal (cases[i].name, "poster.pdf"))
        write_pdf (path, 1, 7800);
      else
        write_pdf (path, 500, 595);

      status = run (NULL, &err, "verify", path, "--data-dir", f->dir, NULL);
      g_test_message ("%s: %d: %s", cases[i].name, status, err);
      g_assert_cmpint (status, ==, cases[i].status);
      if (cases[i].says != NULL)
        g_assert_nonnull (strstr (err, cases[i].says));
    }

  /* The largest any of them took: a card scan at 300 dpi takes about 100 MB. */
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  g_test_message ("peak RSS of verify: %ld MB", usage.ru_maxrss / 1024);
  g_assert_cmpint (usage.ru_maxrss / 1024, <, g_getenv ("KS_TEST_QUICK") ? 1200 : 300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("usage: test-cli PATH-TO-khyber-station");
  program = argv[1];

  g_test_add ("/cli/verify/own-card", Fixture, NULL,
              fixture_setup, test_verify_own_card, fixture_teardown);
  g_test_add ("/cli/verify/foreign-card", Fixture, NULL,
              fixture_setup, test_verify_foreign_card, fixture_teardown);
  g_test_add ("/cli/verify/altered-card", Fixture, NULL,
              fixture_setup, test_verify_altered_card, fixture_teardown);
  g_test_add ("/cli/verify/trust-file-conflict", Fixture, NULL,
              fixture_setup, test_verify_trust_file_conflict, fixture_teardown);
  g_test_add ("/cli/card/by-id", Fixture, NULL, fixture_setup, test_card_command,
              fixture_teardown);
  g_test_add ("/cli/verify/face", Fixture, NULL, fixture_setup, test_verify_face,
              fixture_teardown);
  g_test_add ("/cli/verify/revoked", Fixture, NULL,
              fixture_setup, test_verify_revoked, fixture_teardown);
  g_test_add ("/cli/verify/bad-input", Fixture, NULL,
              fixture_setup, test_verify_bad_input, fixture_teardown);
  g_test_add ("/cli/verify/hostile-files", Fixture, NULL,
              fixture_setup, test_verify_hostile_files, fixture_teardown);

  return g_test_run ();
}
