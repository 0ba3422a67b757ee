/* test-card.c: cards printed, scanned back and verified
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

#include "ks-test-util.h"
#include "ks-card.h"
#include "ks-card-face.h"
#include "ks-card-scan.h"
#include "ks-card-testing.h"

typedef struct
{
  char *dir;
  KsStationKeys *keys;
  KsCardHolder *holder;
} Fixture;

static cairo_status_t
read_png (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  gsize got = 0;

  if (!g_input_stream_read_all (closure, data, length, &got, NULL, NULL) || got != length)
    return CAIRO_STATUS_READ_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static KsCardHolder *
sample_holder (void)
{
  KsCardHolder *h = ks_card_holder_new ();

  h->kp_id = g_strdup ("PEW-A01-0000123-N");
  h->full_name = g_strdup ("Gul Bano Khan");
  h->full_name_ur = g_strdup ("گل بانو خان");
  h->father_name = g_strdup ("Sher Ali Khan");
  h->father_name_ur = g_strdup ("شیر علی خان");
  h->date_of_birth = g_strdup ("1990-03-21");
  h->gender = 2;
  h->address = g_strdup ("House 12, Street 4\nHayatabad Phase 3\nPeshawar");
  h->phone = g_strdup ("+923001234567");
  h->district_code = g_strdup ("PSH");
  h->district_name = g_strdup ("Peshawar");
  /* As ks_photo_import_async() leaves a photo: at most 300 x 400. Every card below carries its
   * face in the QR, so the scans are read at the QR's real size. */
  h->photo_png = ks_test_face_png (300, 400, 1);
  return h;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keydir = NULL;

  f->dir = g_dir_make_tmp ("ks-card-XXXXXX", NULL);
  keydir = g_build_filename (f->dir, "keys", NULL);
  f->keys = ks_station_keys_load_or_create (keydir, "PSH01", &error);
  g_assert_no_error (error);
  f->holder = sample_holder ();
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

static void
fixture_options (Fixture         *f,
                 KsVerifyOptions *opts)
{
  ks_verify_options_init (opts);
  opts->trust = ks_station_keys_get_trust_list (f->keys);
}

/* The face signed into the card: a small grey WebP in Claim 169's face field, decoded. */
static void
assert_face (KsVerifyResult *result)
{
  const KsBiometric *face = ks_card_face_find (result->credential->claim);
  g_autoptr(GInputStream) in = NULL;
  cairo_surface_t *image;
  guint8 *px;

  g_assert_nonnull (face);
  g_assert_cmpint (face->format, ==, KS_CLAIM169_FORMAT_IMAGE);
  g_assert_cmpint (face->sub_format, ==, KS_CLAIM169_IMAGE_WEBP);
  g_assert_cmpstr (ks_card_face_format_name (face), ==, "WebP");
  g_assert_cmpuint (g_bytes_get_size (face->data), <=, KS_CARD_FACE_MAX_BYTES);
  g_assert_cmpmem (g_bytes_get_data (face->data, NULL), 4, "RIFF", 4);
  g_assert_true (result->face_embedded);
  g_assert_nonnull (result->face_png);
  in = g_memory_input_stream_new_from_bytes (result->face_png);
  image = cairo_image_surface_create_from_png_stream (read_png, in);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, KS_CARD_FACE_WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, KS_CARD_FACE_HEIGHT);
  /* Grey: red, green and blue alike in the middle of the face. */
  px = cairo_image_surface_get_data (image)
       + (KS_CARD_FACE_HEIGHT / 2) * cairo_image_surface_get_stride (image)
       + (KS_CARD_FACE_WIDTH / 2) * 4;
  g_assert_cmpint (ABS (px[0] - px[1]), <=, 3);
  g_assert_cmpint (ABS (px[1] - px[2]), <=, 3);
  cairo_surface_destroy (image);
}

static void
assert_valid_card (KsVerifyResult *result)
{
  g_assert_nonnull (result);
  if (result->verdict != KS_VERDICT_VALID)
    g_error ("verdict %s: %s", ks_verdict_to_string (result->verdict), result->message);
  g_assert_nonnull (result->credential);
  g_assert_cmpstr (result->credential->claim->id, ==, "PEW-A01-0000123-N");
  g_assert_cmpstr (result->credential->claim->full_name, ==, "Gul Bano Khan");
  g_assert_cmpstr (result->credential->claim->secondary_full_name, ==, "گل بانو خان");
  g_assert_cmpstr (result->credential->claim->secondary_language, ==, "urd");
  g_assert_cmpstr (result->credential->claim->date_of_birth, ==, "19900321");
  g_assert_cmpint (result->credential->claim->gender, ==, 2);
  g_assert_cmpstr (result->credential->claim->location_code, ==, "PSH");
  g_assert_cmpstr (result->credential->claim->nationality, ==, "PAK");
  g_assert_cmpstr (result->credential->claim->country_of_issuance, ==, "PK");
  /* The holder's phone and home address are not for anyone with a camera to read. */
  g_assert_null (result->credential->claim->phone);
  g_assert_null (result->credential->claim->address);
  g_assert_true (ks_credential_id_is_valid (result->credential->credential_id));
  g_assert_cmpstr (result->credential->station_code, ==, "PSH01");
  g_assert_cmpint (ks_verdict_exit_code (result->verdict), ==, 0);
  assert_face (result);
}

static void
test_card_issue_fields (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KsCardIssueOptions opts = { .issuer_uri = "https://registry.kp.gov.pk", .issued_at = 0 };
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, &opts, &error);
  g_autoptr(GDateTime) issued = NULL;
  g_autoptr(GDateTime) expires = NULL;

  g_assert_no_error (error);
  /* With the face inside, modules still printable and scannable. */
  g_assert_cmpfloat (ks_card_get_qr_module_mm (card), >=, KS_CARD_MIN_MODULE_MM);
  g_assert_cmpuint (ks_card_get_face_size (card), >, 0);
  g_assert_cmpuint (ks_card_get_face_size (card), <=, KS_CARD_FACE_MAX_BYTES);
  g_test_message ("QR with a %zu-byte face: %zu characters, version %d-%c, module %.3f mm",
                  ks_card_get_face_size (card), strlen (ks_card_get_qr_text (card)),
                  ks_card_get_qr_version (card), ks_card_get_qr_level (card),
                  ks_card_get_qr_module_mm (card));
  {
    /* Without a photo: HCERT's level Q, as before. */
    g_autoptr(KsCardHolder) faceless = ks_card_holder_copy (f->holder);
    g_autoptr(KsCard) plain = NULL;

    g_clear_pointer (&faceless->photo_png, g_bytes_unref);
    plain = ks_card_issue (faceless, f->keys, &opts, &error);
    g_assert_no_error (error);
    g_assert_cmpint (ks_card_get_qr_level (plain), ==, 'Q');
    g_assert_cmpuint (ks_card_get_face_size (plain), ==, 0);
    g_test_message ("QR without a face: %zu characters, version %d-%c, module %.3f mm",
                    strlen (ks_card_get_qr_text (plain)), ks_card_get_qr_version (plain),
                    ks_card_get_qr_level (plain), ks_card_get_qr_module_mm (plain));
  }

  /* Ten years by default, to the day. */
  issued = g_date_time_new_from_unix_utc (ks_card_get_issued_at (card));
  expires = g_date_time_new_from_unix_utc (ks_card_get_expires_at (card));
  g_assert_cmpint (g_date_time_get_year (expires) - g_date_time_get_year (issued), ==, 10);
  g_assert_cmpint (g_date_time_get_day_of_year (expires) - g_date_time_get_day_of_year (issued),
                   <=, 1);

  /* No ID, no card. */
  g_clear_pointer (&f->holder->kp_id, g_free);
  g_assert_null (ks_card_issue (f->holder, f->keys, NULL, &error));
  g_assert_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NO_IDENTITY);
}

static void
test_card_pdf_scan_300dpi (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autofree char *pdf = g_build_filename (f->dir, "card.pdf", NULL);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(KsVerifyResult) result = NULL;
  KsVerifyOptions opts;

  g_assert_no_error (error);
  g_assert_true (ks_card_write_pdf (card, pdf, &error));
  g_assert_no_error (error);

  /* Two pages of ID-1 size: 85.60 x 53.98 mm at 300 dpi is 1011.0 x 637.6 pixels. */
  pages = ks_card_scan_load_pages (pdf, 300, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpint (cairo_image_surface_get_width (g_ptr_array_index (pages, 0)), >=, 1011);
  g_assert_cmpint (cairo_image_surface_get_width (g_ptr_array_index (pages, 0)), <=, 1012);
  g_assert_cmpint (cairo_image_surface_get_height (g_ptr_array_index (pages, 0)), ==, 638);

  fixture_options (f, &opts);
  result = ks_card_verify_file (pdf, &opts, &error);
  g_assert_no_error (error);
  assert_valid_card (result);
  g_assert_cmpstr (result->qr_text, ==, ks_card_get_qr_text (card));
}

static void
degrade (cairo_surface_t *surface,
         guint32          seed)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *data;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  copy = g_memdup2 (data, (gsize)stride * h);

  /* A 3x3 box blur (an out-of-focus scanner), then noise of +-48 per channel. */
  for (int y = 1; y < h - 1; y++)
    for (int x = 1; x < w - 1; x++)
      for (int c = 0; c < 3; c++)
        {
          int sum = 0, v;

          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              sum += copy[(gsize)(y + dy) * stride + (x + dx) * 4 + c];
          v = sum / 9 + g_rand_int_range (rand, -48, 49);
          data[(gsize)y * stride + x * 4 + c] = CLAMP (v, 0, 255);
        }
  cairo_surface_mark_dirty (surface);
}

static void
test_card_pdf_scan_150dpi_blur_noise (Fixture      *f,
                                      gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autofree char *pdf = g_build_filename (f->dir, "card.pdf", NULL);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(KsVerifyResult) result = NULL;
  KsVerifyOptions opts;

  g_assert_true (ks_card_write_pdf (card, pdf, &error));
  pages = ks_card_scan_load_pages (pdf, 150, &error);
  g_assert_no_error (error);
  degrade (g_ptr_array_index (pages, 1), 169);

  texts = ks_card_scan_image (g_ptr_array_index (pages, 1));
  g_assert_cmpuint (texts->len, ==, 1);
  fixture_options (f, &opts);
  result = ks_card_verify_text (g_ptr_array_index (texts, 0), &opts);
  assert_valid_card (result);
}

static void
test_card_png (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autofree char *png = g_build_filename (f->dir, "card.png", NULL);
  g_autoptr(KsVerifyResult) result = NULL;
  cairo_surface_t *image;
  KsVerifyOptions opts;

  g_assert_true (ks_card_write_png (card, png, 200, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png);
  /* Both sides stacked with a 4 mm gap, at 200 dpi. */
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 675);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 882);
  cairo_surface_destroy (image);

  fixture_options (f, &opts);
  result = ks_card_verify_file (png, &opts, &error);
  g_assert_no_error (error);
  assert_valid_card (result);
}

static guint
count_reddish (cairo_surface_t *s)
{
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guint8 *data;
  guint n = 0;

  cairo_surface_flush (s);
  data = cairo_image_surface_get_data (s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(const guint32 *)(gconstpointer)(data + (gsize)y * stride + x * 4);
        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        n += r > 180 && r - g > 60 && r - b > 60;
      }
  return n;
}

static void
test_card_specimen (Fixture      *f,
                    gconstpointer data)
{
  KsCardIssueOptions opts = { .specimen = TRUE };
  g_autoptr(KsCard) plain = ks_card_issue (f->holder, f->keys, NULL, NULL);
  g_autoptr(KsCard) specimen = ks_card_issue (f->holder, f->keys, &opts, NULL);
  cairo_surface_t *a = ks_card_render_image (plain, 100);
  cairo_surface_t *b = ks_card_render_image (specimen, 100);
  int h = cairo_image_surface_get_height (b);
  cairo_surface_t *top = cairo_surface_create_for_rectangle (b, 0, 0, 337, h / 2 - 5);
  cairo_surface_t *bottom = cairo_surface_create_for_rectangle (b, 0, h / 2 + 5, 337, h / 2 - 5);
  cairo_surface_t *top_img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 337, h / 2 - 5);
  cairo_surface_t *bottom_img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 337, h / 2 - 5);
  cairo_t *cr;

  /* The card has no red; SPECIMEN is red, on the front and on the back. */
  g_assert_cmpuint (count_reddish (a), ==, 0);
  cr = cairo_create (top_img);
  cairo_set_source_surface (cr, top, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cr = cairo_create (bottom_img);
  cairo_set_source_surface (cr, bottom, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpuint (count_reddish (top_img), >, 500);
  g_assert_cmpuint (count_reddish (bottom_img), >, 500);

  cairo_surface_destroy (top_img);
  cairo_surface_destroy (bottom_img);
  cairo_surface_destroy (top);
  cairo_surface_destroy (bottom);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

static GBytes *
checker_png (void)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 60, 80);
  cairo_t *cr = cairo_create (s);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  int fd = g_file_open_tmp ("ks-photo-XXXXXX.png", &path, NULL);

  close (fd);
  cairo_set_source_rgb (cr, 0.9, 0.1, 0.1);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_unlink (path);
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
test_card_photo (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(KsCard) silhouette = NULL;
  g_autoptr(KsCard) photo = NULL;
  cairo_surface_t *a, *b;

  /* A red photo shows in the frame; without one, the grey silhouette does. */
  g_clear_pointer (&f->holder->photo_png, g_bytes_unref);
  silhouette = ks_card_issue (f->holder, f->keys, NULL, NULL);
  f->holder->photo_png = checker_png ();
  photo = ks_card_issue (f->holder, f->keys, NULL, NULL);
  a = ks_card_render_image (silhouette, 100);
  b = ks_card_render_image (photo, 100);
  g_assert_cmpuint (count_reddish (a), ==, 0);
  /* The frame is 21.5 x 27.5 mm: about 86 x 108 pixels at 100 dpi. */
  g_assert_cmpuint (count_reddish (b), >, 80 * 100);
  cairo_surface_destroy (a);
  cairo_surface_destroy (b);
}

/* Where the face's WebP starts inside the credential's CBOR. */
static const guint8 *
find_riff (const guint8 *data,
           gsize         len)
{
  for (gsize i = 0; i + 4 <= len; i++)
    if (memcmp (data + i, "RIFF", 4) == 0)
      return data + i;
  return NULL;
}

/* A forger who swaps the face inside the code (another person's, or any changed byte) breaks
 * the signature: the card reads as altered, and no face or field is shown as genuine. */
static void
test_card_face_altered (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autoptr(GBytes) cose = NULL;
  g_autoptr(KsVerifyResult) genuine = NULL;
  g_autoptr(KsVerifyResult) forged = NULL;
  g_autoptr(KsVerifyResult) swapped = NULL;
  g_autofree guint8 *bytes = NULL;
  g_autofree char *text = NULL;
  g_autoptr(KsCardHolder) other = NULL;
  g_autoptr(KsCard) other_card = NULL;
  g_autoptr(GBytes) other_cose = NULL;
  const guint8 *riff = NULL, *other_riff = NULL;
  gsize len, other_len, face_len;
  KsVerifyOptions opts;

  g_assert_no_error (error);
  fixture_options (f, &opts);
  genuine = ks_card_verify_text (ks_card_get_qr_text (card), &opts);
  assert_valid_card (genuine);

  cose = ks_credential_unpack (ks_card_get_qr_text (card), &error);
  g_assert_no_error (error);
  len = g_bytes_get_size (cose);
  bytes = g_memdup2 (g_bytes_get_data (cose, NULL), len);
  riff = find_riff (bytes, len);
  g_assert_nonnull (riff);
  face_len = ks_card_get_face_size (card);
  g_assert_cmpuint ((gsize)(riff - bytes) + face_len, <=, len);

  /* One byte in the middle of the face's picture data. */
  bytes[(riff - bytes) + face_len / 2] ^= 0x10;
  {
    g_autoptr(GBytes) altered = g_bytes_new (bytes, len);

    text = ks_credential_pack (altered, &error);
    g_assert_no_error (error);
  }
  forged = ks_card_verify_text (text, &opts);
  g_assert_cmpint (forged->verdict, ==, KS_VERDICT_ALTERED);
  g_assert_cmpint (ks_verdict_exit_code (forged->verdict), ==, KS_EXIT_ALTERED);
  g_assert_null (forged->credential);
  g_assert_false (forged->face_embedded);
  g_assert_null (forged->face_png);
  bytes[(riff - bytes) + face_len / 2] ^= 0x10;

  /* Another citizen's face put in its place, byte for byte, then printed and scanned. */
  other = ks_card_holder_copy (f->holder);
  g_clear_pointer (&other->photo_png, g_bytes_unref);
  other->photo_png = ks_test_face_png (300, 400, 77);
  other_card = ks_card_issue (other, f->keys, NULL, &error);
  g_assert_no_error (error);
  other_cose = ks_credential_unpack (ks_card_get_qr_text (other_card), &error);
  g_assert_no_error (error);
  other_len = g_bytes_get_size (other_cose);
  other_riff = find_riff (g_bytes_get_data (other_cose, NULL), other_len);
  g_assert_nonnull (other_riff);
  g_assert_cmpmem (other_riff, 4, riff, 4);
  memcpy (bytes + (riff - bytes) + 12, other_riff + 12,
          MIN (face_len, ks_card_get_face_size (other_card)) - 12);
  g_assert_true (memcmp (bytes, g_bytes_get_data (cose, NULL), len) != 0);
  {
    g_autoptr(GBytes) altered = g_bytes_new (bytes, len);
    g_autofree char *swapped_text = ks_credential_pack (altered, &error);

    g_assert_no_error (error);
    swapped = ks_card_verify_text (swapped_text, &opts);
  }
  g_assert_cmpint (swapped->verdict, ==, KS_VERDICT_ALTERED);
  g_assert_null (swapped->credential);
  g_assert_null (swapped->face_png);
}

/* A long name leaves less room: the face gets fewer bytes, the QR keeps its module size. */
static void
test_card_face_long_name (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) usual = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autoptr(KsCard) card = NULL;
  g_autoptr(KsVerifyResult) result = NULL;
  KsVerifyOptions opts;

  g_assert_no_error (error);
  g_free (f->holder->full_name);
  f->holder->full_name = g_strdup ("Muhammad Abdul Rehman Khan Yousafzai Durrani Afridi");
  g_free (f->holder->full_name_ur);
  f->holder->full_name_ur = g_strdup ("محمد عبدالرحمن خان یوسفزئی درانی آفریدی");
  card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("face %zu bytes (usual name: %zu), QR version %d-%c, module %.3f mm",
                  ks_card_get_face_size (card), ks_card_get_face_size (usual),
                  ks_card_get_qr_version (card), ks_card_get_qr_level (card),
                  ks_card_get_qr_module_mm (card));
  g_assert_cmpfloat (ks_card_get_qr_module_mm (usual), >=, KS_CARD_FACE_MODULE_MM);
  g_assert_cmpfloat (ks_card_get_qr_module_mm (card), >=, KS_CARD_FACE_MODULE_MM);
  g_assert_cmpuint (ks_card_get_face_size (card), >=, KS_CARD_FACE_MIN_BYTES / 2);
  g_assert_cmpuint (ks_card_get_face_size (card), <=, ks_card_get_face_size (usual));

  fixture_options (f, &opts);
  result = ks_card_verify_text (ks_card_get_qr_text (card), &opts);
  g_assert_cmpint (result->verdict, ==, KS_VERDICT_VALID);
  g_assert_nonnull (result->face_png);
}

static void
test_card_urdu_fonts (void)
{
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoFontFamily **families = NULL;
  int n = 0;
  gboolean nastaliq = FALSE, naskh = FALSE;

  /* Without them Urdu names print as boxes: fonts-noto-core must be installed. */
  pango_font_map_list_families (map, &families, &n);
  for (int i = 0; i < n; i++)
    {
      const char *name = pango_font_family_get_name (families[i]);
      nastaliq |= g_str_equal (name, "Noto Nastaliq Urdu");
      naskh |= g_str_equal (name, "Noto Naskh Arabic");
    }
  g_free (families);
  g_assert_true (nastaliq || naskh);
}

static void
test_card_unknown_station (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_build_filename (f->dir, "other", NULL);
  g_autoptr(KsStationKeys) other = ks_station_keys_load_or_create (other_dir, "MRD02", &error);
  g_autoptr(KsCard) card = ks_card_issue (f->holder, other, NULL, &error);
  g_autofree char *png = g_build_filename (f->dir, "other.png", NULL);
  g_autoptr(KsVerifyResult) result = NULL;
  KsVerifyOptions opts;

  g_assert_no_error (error);
  g_assert_true (ks_card_write_png (card, png, 300, &error));

  /* Our trust list does not hold the other station: its card is refused as unknown. */
  fixture_options (f, &opts);
  result = ks_card_verify_file (png, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->verdict, ==, KS_VERDICT_UNKNOWN_ISSUER);
  g_assert_null (result->credential);
  g_assert_cmpint (ks_verdict_exit_code (result->verdict), ==, KS_EXIT_UNKNOWN_ISSUER);
}

static void
test_card_expired_shows_holder (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = ks_card_issue (f->holder, f->keys, NULL, &error);
  g_autofree char *pdf = g_build_filename (f->dir, "card.pdf", NULL);
  g_autofree char *png = g_build_filename (f->dir, "CARD.PNG", NULL);
  g_autofree char *txt = g_build_filename (f->dir, "card.txt", NULL);
  g_autoptr(KsVerifyResult) expired = NULL;
  g_autoptr(KsVerifyResult) early = NULL;
  KsVerifyOptions opts;

  /* The format follows the file name. */
  g_assert_true (ks_card_write_file (card, pdf, &error));
  g_assert_true (ks_card_write_file (card, png, &error));
  g_assert_no_error (error);
  g_assert_false (ks_card_write_file (card, txt, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Eleven years on: expired, yet the operator still sees whose card it is. */
  fixture_options (f, &opts);
  opts.now = ks_card_get_issued_at (card) + 11 * 366 * 86400;
  expired = ks_card_verify_file (pdf, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (expired->verdict, ==, KS_VERDICT_EXPIRED);
  g_assert_cmpint (ks_verdict_exit_code (expired->verdict), ==, KS_EXIT_EXPIRED);
  g_assert_nonnull (expired->credential);
  g_assert_cmpstr (expired->credential->claim->full_name, ==, "Gul Bano Khan");
  g_assert_nonnull (strstr (expired->message, "expired"));

  /* A verifier whose clock is a day behind the station's still accepts a fresh card (the
   * station certificate starts a day back for this reason). */
  opts.now = ks_card_get_issued_at (card) - 86400 + 60;
  early = ks_card_verify_file (png, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (early->verdict, ==, KS_VERDICT_VALID);
}

static void
test_card_unreadable_inputs (Fixture      *f,
                             gconstpointer data)
{
  g_autofree char *blank = g_build_filename (f->dir, "blank.png", NULL);
  g_autofree char *jpeg = g_build_filename (f->dir, "scan.jpg", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.pdf", NULL);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 200);
  g_autoptr(KsVerifyResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsVerifyOptions opts;

  fixture_options (f, &opts);

  /* A blank page: readable, but no card on it. */
  cairo_surface_write_to_png (s, blank);
  cairo_surface_destroy (s);
  result = ks_card_verify_file (blank, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->verdict, ==, KS_VERDICT_NOT_A_CARD);
  g_assert_cmpint (ks_verdict_exit_code (result->verdict), ==, KS_EXIT_NOT_A_CARD);

  /* Not readable at all: an error, which the CLI maps to 66. */
  g_assert_true (g_file_set_contents (jpeg, "\xff\xd8\xff\xe0 not really", -1, NULL));
  g_assert_null (ks_card_verify_file (jpeg, &opts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_null (ks_card_verify_file (missing, &opts, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_card_verdicts (void)
{
  static const struct { int code; KsVerdict verdict; } errors[] = {
    { KS_CREDENTIAL_ERROR_BAD_SIGNATURE, KS_VERDICT_ALTERED },
    { KS_CREDENTIAL_ERROR_DUPLICATE_KEY, KS_VERDICT_ALTERED },
    { KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER, KS_VERDICT_UNKNOWN_ISSUER },
    { KS_CREDENTIAL_ERROR_EXPIRED, KS_VERDICT_EXPIRED },
    { KS_CREDENTIAL_ERROR_NOT_YET_VALID, KS_VERDICT_NOT_YET_VALID },
    { KS_CREDENTIAL_ERROR_BAD_BASE45, KS_VERDICT_NOT_A_CARD },
    { KS_CREDENTIAL_ERROR_NOT_COSE, KS_VERDICT_NOT_A_CARD },
  };
  g_autoptr(GHashTable) codes = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (KS_CREDENTIAL_ERROR, errors[i].code, "x");
      g_assert_cmpint (ks_verdict_for_error (error), ==, errors[i].verdict);
    }

  /* Each verdict its own exit code, none colliding with 1, 64 or 66. */
  for (KsVerdict v = KS_VERDICT_VALID; v <= KS_VERDICT_NOT_A_CARD; v++)
    {
      int code = ks_verdict_exit_code (v);
      g_assert_false (g_hash_table_contains (codes, GINT_TO_POINTER (code)));
      g_assert_cmpint (code, !=, 1);
      g_assert_cmpint (code, !=, KS_EXIT_USAGE);
      g_assert_cmpint (code, !=, KS_EXIT_NO_INPUT);
      g_hash_table_add (codes, GINT_TO_POINTER (code));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/card/issue-fields", test_card_issue_fields);
  ADD ("/card/pdf-scan-300dpi", test_card_pdf_scan_300dpi);
  ADD ("/card/pdf-scan-150dpi-blur-noise", test_card_pdf_scan_150dpi_blur_noise);
  ADD ("/card/png", test_card_png);
  ADD ("/card/specimen", test_card_specimen);
  ADD ("/card/photo", test_card_photo);
  ADD ("/card/face-altered", test_card_face_altered);
  ADD ("/card/face-long-name", test_card_face_long_name);
  ADD ("/card/unknown-station", test_card_unknown_station);
  ADD ("/card/expired-shows-holder", test_card_expired_shows_holder);
  ADD ("/card/unreadable-inputs", test_card_unreadable_inputs);
#undef ADD
  g_test_add_func ("/card/urdu-fonts", test_card_urdu_fonts);
  g_test_add_func ("/card/verdicts", test_card_verdicts);

  return g_test_run ();
}
