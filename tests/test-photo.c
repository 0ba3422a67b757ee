/* test-photo.c: the citizen's photo from the wizard to the card, the verifier and the registry
 *
 * The path a photo takes, nothing skipped: chosen from a file (ks_photo_import_async(), what
 * the wizard's Personal step calls, and what the camera's capture hands over too), put in a
 * record typed as the wizard leaves it, submitted, approved by a supervisor, the card issued by
 * the station (the photo on its front, the face signed into its QR), the card's PNG checked the
 * way the Verify section checks it, and the record synced to the reference registry. Then the
 * photo's bytes are looked for in every file of the station's data folder and the registry's:
 * they must be nowhere in the clear.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <sqlite3.h>

#include "ks-card-face.h"
#include "ks-card-scan.h"
#include "ks-photo.h"
#include "ks-station.h"
#include "ks-test-sync.h"
#include "ks-test-util.h"

#define CITIZEN 3

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
query_text (const char *db_path,
            const char *sql,
            const char *kp_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static GBytes *
query_blob (const char *db_path,
            const char *sql,
            const char *kp_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
    value = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gboolean
contains (const guint8 *hay,
          gsize         hay_len,
          const guint8 *needle,
          gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= hay_len; i++)
    if (hay[i] == needle[0] && memcmp (hay + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Pieces of @secret to look for: 32-byte runs from past its header (which any PNG of that size
 * shares), its middle and its end, as bytes and as
 * base64 (how JSON would carry it; the base64 of a run starting at a multiple of 3 is a
 * substring of the whole's base64). */
static GPtrArray *
needles_of (GBytes *secret)
{
  GPtrArray *needles = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  gsize len;
  const guint8 *data = g_bytes_get_data (secret, &len);
  g_autofree char *b64 = g_base64_encode (data, len);
  gsize b64_len = strlen (b64);
  const gsize at[] = { 48, len / 2 / 3 * 3, (len - 64) / 3 * 3 };

  g_assert_cmpuint (len, >, 128);
  for (guint i = 0; i < G_N_ELEMENTS (at); i++)
    {
      g_ptr_array_add (needles, g_bytes_new (data + at[i], 32));
      g_assert_cmpuint (at[i] / 3 * 4 + 40, <=, b64_len);
      g_ptr_array_add (needles, g_bytes_new (b64 + at[i] / 3 * 4, 40));
    }
  return needles;
}

/* How many of @needles the files under @dir hold, counting each file; @files counts the files
 * read. A hit is printed. */
static guint
hits_in (const char *dir,
         GPtrArray  *needles,
         guint      *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint hits = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          hits += hits_in (path, needles, files);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      (*files)++;
      for (guint i = 0; i < needles->len; i++)
        {
          gsize n;
          const guint8 *needle = g_bytes_get_data (needles->pdata[i], &n);

          if (contains ((const guint8 *)contents, len, needle, n))
            {
              g_test_message ("piece %u of the photo found in %s", i, path);
              hits++;
            }
        }
    }
  return hits;
}

/* The photo as the Personal step takes it: chosen from a file, shrunk and sealed. */
static char *
import_photo (KsStation  *station,
              const char *path,
              GBytes    **png)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *sealed;

  ks_photo_import_async (ks_station_get_profile (station), file, NULL, got_result, &result);
  sealed = ks_photo_import_finish (wait_result (&result), png, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sealed);
  return sealed;
}

/* Pixels of the photo's blue background (40, 90, 160) inside the card front's photo frame. */
static guint
count_background_blue (KsCard *card)
{
  const double dpi = 100, mm = dpi / 25.4;
  cairo_surface_t *front = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                       (int)(KS_CARD_WIDTH_MM * mm) + 1,
                                                       (int)(KS_CARD_HEIGHT_MM * mm) + 1);
  cairo_t *cr = cairo_create (front);
  guint n = 0;
  const guint8 *data;
  int stride;

  cairo_scale (cr, mm, mm);
  ks_card_render_front (card, cr);
  cairo_destroy (cr);
  cairo_surface_flush (front);
  data = cairo_image_surface_get_data (front);
  stride = cairo_image_surface_get_stride (front);
  /* The frame: 4.0 .. 25.5 mm across, 13.0 .. 40.5 mm down. */
  for (int y = (int)(13.0 * mm); y < (int)(40.5 * mm); y++)
    for (int x = (int)(4.0 * mm); x < (int)(25.5 * mm); x++)
      {
        guint32 p = ((const guint32 *)(gconstpointer)(data + (gsize)y * stride))[x];
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        n += ABS (r - 40) < 24 && ABS (g - 90) < 24 && ABS (b - 160) < 24;
      }
  cairo_surface_destroy (front);
  return n;
}

static void
save_screenshot (KsCard     *card,
                 const char *name)
{
  const char *shots = g_getenv ("KS_SHOT_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (shots == NULL)
    return;
  g_mkdir_with_parents (shots, 0755);
  path = g_build_filename (shots, name, NULL);
  g_assert_true (ks_card_write_png (card, path, 300, &error));
  g_assert_no_error (error);
}

static void
test_photo_wizard_to_registry (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-photo-XXXXXX", NULL);
  g_autofree char *elsewhere = g_dir_make_tmp ("ks-photo-files-XXXXXX", NULL);
  g_autofree char *photo_path = g_build_filename (elsewhere, "citizen.png", NULL);
  g_autofree char *card_path = g_build_filename (elsewhere, "card.png", NULL);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autofree char *station_dir = NULL;
  g_autofree char *sealed = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *status = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *box_hex = NULL;
  g_autofree char *registry_dir = NULL;
  g_autoptr(KsTestRegistry) reg = ks_test_registry_start ();
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsTestStaff) staff = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsRecord) stored = NULL;
  g_autoptr(GPtrArray) decided = g_ptr_array_new ();
  g_autoptr(GPtrArray) needles = NULL;
  g_autoptr(GBytes) chosen = ks_test_face_png (600, 800, 5);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) sealed_blob = NULL;
  g_autoptr(KsCard) card = NULL;
  g_autoptr(KsVerifyResult) verdict = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  KsSyncEngine *engine;
  KsStationConfig *config;
  KsStore *store;
  guint8 box_sk[crypto_box_SECRETKEYBYTES], box_pk[crypto_box_PUBLICKEYBYTES];
  g_autofree guint8 *plain = NULL;
  gsize got = 0, sealed_len, plain_len;
  const char *photo_b64;
  gboolean issued_here = FALSE;
  guint station_files = 0, registry_files = 0;

  station = ks_station_open ("production", dir, &error);
  g_assert_no_error (error);
  store = ks_station_get_store (station);
  config = ks_station_get_config (station);
  staff = ks_test_staff_get (store);
  ks_test_configure_station (config, staff->supervisor, "PEW", "A01");
  g_assert_true (ks_station_config_set_string (config, staff->supervisor, "registry-url",
                                               reg->url, &error));
  g_assert_true (ks_station_config_set_string (config, staff->supervisor, "registry-ca-file",
                                               ca, &error));
  g_assert_no_error (error);

  /* The operator chooses the citizen's photo from a file (a camera's capture arrives the same
   * way); the wizard keeps it sealed in the record. */
  g_assert_true (g_file_set_contents (photo_path, g_bytes_get_data (chosen, NULL),
                                      g_bytes_get_size (chosen), &error));
  sealed = import_photo (station, photo_path, &png);
  record = ks_test_wizard_record (CITIZEN);
  ks_record_set (record, KS_FIELD_PHOTO, sealed);
  kp_id = ks_test_enroll_record (store, staff->operator, ks_station_get_reference (station),
                                 NULL, NULL, "A01", record);
  g_ptr_array_add (decided, kp_id);
  ks_test_decide (store, staff->supervisor, decided, KS_RECORD_STATE_APPROVED);
  stored = ks_records_load (store, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_record_get (stored, KS_FIELD_PHOTO), ==, sealed);

  /* The card: the photo on its front (not the silhouette), the face in its QR. */
  card = ks_station_issue_card (station, staff->supervisor, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_background_blue (card), >, 1000);
  g_assert_true (ks_card_write_png (card, card_path, 300, &error));
  g_assert_no_error (error);
  save_screenshot (card, "card-with-photo.png");

  /* Checked as the Verify section checks a scan: genuine, with the face it was issued with. */
  ks_station_verify_card_async (station, card_path, NULL, got_result, &result);
  verdict = ks_station_verify_card_finish (station, wait_result (&result), &issued_here, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (verdict->verdict, ==, KS_VERDICT_VALID);
  g_assert_true (issued_here);
  g_assert_cmpstr (verdict->credential->claim->id, ==, kp_id);
  g_assert_true (verdict->face_embedded);
  g_assert_nonnull (verdict->face_png);
  if (g_getenv ("KS_SHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("KS_SHOT_DIR"), "card-face-signed.png",
                                                NULL);

      g_assert_true (g_file_set_contents (shot, g_bytes_get_data (verdict->face_png, NULL),
                                          g_bytes_get_size (verdict->face_png), &error));
    }
  {
    g_autoptr(GdkPixbuf) face = NULL;
    g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (verdict->face_png);
    const guint8 *px;

    face = gdk_pixbuf_new_from_stream (in, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gdk_pixbuf_get_width (face), ==, KS_CARD_FACE_WIDTH);
    g_assert_cmpint (gdk_pixbuf_get_height (face), ==, KS_CARD_FACE_HEIGHT);
    /* A grey copy of this photo: the dark hair (top middle) darker than the lit cheek. */
    px = gdk_pixbuf_read_pixels (face);
    g_assert_cmpint (px[(KS_CARD_FACE_HEIGHT / 4) * gdk_pixbuf_get_rowstride (face)
                        + (KS_CARD_FACE_WIDTH / 2) * gdk_pixbuf_get_n_channels (face)], <,
                     px[(KS_CARD_FACE_HEIGHT / 2) * gdk_pixbuf_get_rowstride (face)
                        + (KS_CARD_FACE_WIDTH / 3) * gdk_pixbuf_get_n_channels (face)]);
  }

  /* Sync, with the engine the Sync section uses. */
  g_clear_object (&result);
  ks_station_load_sync_engine_async (station, NULL, got_result, &result);
  engine = ks_station_load_sync_engine_finish (station, wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  ks_sync_engine_provision_async (engine, KS_TEST_CODE, NULL, got_result, &result);
  g_assert_true (ks_sync_engine_provision_finish (engine, wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  ks_sync_engine_run_async (engine, NULL, got_result, &result);
  g_assert_true (ks_sync_engine_run_finish (engine, wait_result (&result), &error));
  g_assert_no_error (error);

  /* The registry holds it accepted; the payload's photo is empty (the station's seal is no
   * use there); the photo came sealed to the registry's key, and opens to the same PNG. */
  status = query_text (reg->db, "SELECT status FROM submissions WHERE kp_id = ?", kp_id);
  g_assert_cmpstr (status, ==, "accepted");
  payload = query_text (reg->db, "SELECT payload FROM submissions WHERE kp_id = ?", kp_id);
  g_assert_nonnull (strstr (payload, "\"photo\":\"\""));
  sealed_blob = query_blob (reg->db, "SELECT biometrics_sealed FROM submissions "
                            "WHERE kp_id = ?", kp_id);
  g_assert_nonnull (sealed_blob);
  key_file = g_strconcat (reg->db, ".keys", NULL);
  g_assert_true (g_key_file_load_from_file (kf, key_file, G_KEY_FILE_NONE, &error));
  box_hex = g_key_file_get_string (kf, "registry", "box-secret-key", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sodium_hex2bin (box_sk, sizeof box_sk, box_hex, strlen (box_hex), NULL, &got,
                                   NULL), ==, 0);
  crypto_scalarmult_base (box_pk, box_sk);
  sealed_len = g_bytes_get_size (sealed_blob);
  g_assert_cmpuint (sealed_len, >, crypto_box_SEALBYTES);
  plain_len = sealed_len - crypto_box_SEALBYTES;
  plain = g_malloc (plain_len + 1);
  g_assert_cmpint (crypto_box_seal_open (plain, g_bytes_get_data (sealed_blob, NULL), sealed_len,
                                         box_pk, box_sk), ==, 0);
  sodium_memzero (box_sk, sizeof box_sk);
  g_assert_true (json_parser_load_from_data (parser, (const char *)plain, plain_len, &error));
  photo_b64 = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                             "photo");
  g_assert_nonnull (photo_b64);
  {
    g_autofree char *expected = g_base64_encode (g_bytes_get_data (png, NULL),
                                                 g_bytes_get_size (png));
    g_assert_cmpstr (photo_b64, ==, expected);
  }

  /* Nowhere in the clear: not in the station's data folder (database, its journal, keys,
   * anything), not in the registry's. */
  needles = needles_of (png);
  station_dir = g_build_filename (dir, "production", NULL);
  g_assert_cmpuint (hits_in (station_dir, needles, &station_files), ==, 0);
  g_assert_cmpuint (station_files, >=, 3);
  registry_dir = g_path_get_dirname (reg->db);
  g_assert_cmpuint (hits_in (registry_dir, needles, &registry_files), ==, 0);
  g_assert_cmpuint (registry_files, >=, 2);
  /* The search does find the photo where it is in the clear: as PNG bytes, and as the base64
   * a JSON file would hold. */
  {
    g_autofree char *control = g_build_filename (elsewhere, "control", NULL);
    g_autofree char *as_png = g_build_filename (control, "photo.png", NULL);
    g_autofree char *as_json = g_build_filename (control, "photo.json", NULL);
    g_autofree char *b64 = g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    g_autofree char *json = g_strdup_printf ("{\"photo\":\"%s\"}", b64);
    guint control_files = 0;

    g_assert_cmpint (g_mkdir (control, 0700), ==, 0);
    g_assert_true (g_file_set_contents (as_png, g_bytes_get_data (png, NULL),
                                        g_bytes_get_size (png), NULL));
    g_assert_true (g_file_set_contents (as_json, json, -1, NULL));
    g_assert_cmpuint (hits_in (control, needles, &control_files), ==, needles->len);
  }

  g_clear_object (&result);
  g_clear_pointer (&staff, ks_test_staff_free);
  g_clear_object (&station);
  ks_test_rm_rf (dir);
  ks_test_rm_rf (elsewhere);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  g_test_add_func ("/photo/wizard-to-card-verify-registry", test_photo_wizard_to_registry);
  return g_test_run ();
}
