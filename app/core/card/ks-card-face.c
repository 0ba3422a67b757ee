/* ks-card-face.c: the small grey face inside a card's signed credential (Claim 169 key 62)
 *
 * Without a face in the signed data, a copy of a card with another person's photo verifies.
 * Like Aadhaar's secure QR and Claim 169's own examples, the credential therefore carries a
 * small grey face: the verifier shows the face the card was issued with next to the verdict,
 * and a card whose printed photo was swapped no longer matches it.
 *
 * Format: WebP (Claim 169 image sub-format 4), lossy, written with libwebp (Debian's
 * libwebp-dev). At this size WebP beats JPEG by a wide margin: a JPEG file carries its
 * quantisation and Huffman tables (about 300 bytes for a grey image even with libjpeg-turbo's
 * optimised tables), which is half of the whole budget, while a WebP header is 30 bytes and its
 * VP8 coder predicts blocks from their neighbours. PNG is lossless and ten times larger;
 * JPEG 2000 (Aadhaar's choice) is not in a library every verifier phone decodes.
 *
 * Size: every byte costs 1.5 QR characters after Base45 (WebP does not deflate), and the QR
 * must stay printable in the 44 mm square on the back of an ID-1 card with modules a phone and
 * zbar read, also from a blurred, noisy 150 dpi scan (tests/test-card.c). Measured there: a QR
 * of version 19 at level M (0.44 mm modules) reads every time, version 21 (0.40 mm) one time in
 * six, level Q at version 22-23 (0.38 mm) never. So the face gets what keeps the modules
 * %KS_CARD_FACE_MODULE_MM wide: %KS_CARD_FACE_MAX_BYTES bytes for a usual name, less for a long
 * one (ks_card_issue()), never less than %KS_CARD_FACE_MIN_BYTES. That is a third of the 1 KB
 * Aadhaar's QR spends, on a code a quarter of its area; at 42 x 54 pixels the face stays
 * recognisable (the README shows one). The encoder lowers its quality until the face fits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card"

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include "ks-card-face.h"

G_STATIC_ASSERT (KS_CARD_FACE_WIDTH * 45 / 35 == KS_CARD_FACE_HEIGHT);

static GdkPixbuf *
pixbuf_from_png (GBytes  *png,
                 GError **error)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (png);

  return gdk_pixbuf_new_from_stream (in, NULL, error);
}

/* The middle of the photo at the ID photo's ratio, scaled to the face's size. */
static GdkPixbuf *
crop_and_scale (GdkPixbuf *photo)
{
  int w = gdk_pixbuf_get_width (photo);
  int h = gdk_pixbuf_get_height (photo);
  int cw = w, ch = h;
  g_autoptr(GdkPixbuf) crop = NULL;

  if ((gint64)w * KS_CARD_FACE_HEIGHT > (gint64)h * KS_CARD_FACE_WIDTH)
    cw = MAX (1, (int)((gint64)h * KS_CARD_FACE_WIDTH / KS_CARD_FACE_HEIGHT));
  else
    ch = MAX (1, (int)((gint64)w * KS_CARD_FACE_HEIGHT / KS_CARD_FACE_WIDTH));
  crop = gdk_pixbuf_new_subpixbuf (photo, (w - cw) / 2, (h - ch) / 2, cw, ch);
  return gdk_pixbuf_scale_simple (crop, KS_CARD_FACE_WIDTH, KS_CARD_FACE_HEIGHT,
                                  GDK_INTERP_HYPER);
}

static int
write_to_array (const uint8_t     *data,
                size_t             size,
                const WebPPicture *picture)
{
  g_byte_array_append (picture->custom_ptr, data, size);
  return 1;
}

/* One lossy WebP of the grey image at @quality; NULL when libwebp fails. */
static GBytes *
encode_webp (const guint8 *grey,
             float         quality)
{
  WebPConfig config;
  WebPPicture picture;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean ok;

  if (!WebPConfigInit (&config) || !WebPPictureInit (&picture))
    return NULL;
  config.quality = quality;
  config.method = 6;              /* slowest, smallest: 42 x 54 pixels take a millisecond */
  config.sns_strength = 0;        /* no spatial noise shaping: keep the eyes, not the cheeks */
  picture.use_argb = 0;
  picture.colorspace = WEBP_YUV420;
  picture.width = KS_CARD_FACE_WIDTH;
  picture.height = KS_CARD_FACE_HEIGHT;
  if (!WebPPictureAlloc (&picture))
    return NULL;
  /* Grey: the luma plane only, both chroma planes neutral, so they cost a few bytes. */
  for (int y = 0; y < picture.height; y++)
    memcpy (picture.y + y * picture.y_stride, grey + y * KS_CARD_FACE_WIDTH, picture.width);
  for (int y = 0; y < (picture.height + 1) / 2; y++)
    {
      memset (picture.u + y * picture.uv_stride, 128, (picture.width + 1) / 2);
      memset (picture.v + y * picture.uv_stride, 128, (picture.width + 1) / 2);
    }
  picture.writer = write_to_array;
  picture.custom_ptr = out;
  ok = WebPEncode (&config, &picture);
  WebPPictureFree (&picture);
  if (!ok)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * ks_card_face_encode:
 * @photo_png: the holder's photo, PNG bytes (as ks_photo_open() gives it)
 *
 * The face for the credential: the middle of the photo at 35 x 45, %KS_CARD_FACE_WIDTH x
 * %KS_CARD_FACE_HEIGHT pixels, grey, as a lossy WebP of at most @max_bytes bytes (at the best
 * quality that fits). The same photo always gives the same bytes.
 *
 * Returns: (transfer full): the WebP bytes, or %NULL with @error when the photo cannot be read
 */
GBytes *
ks_card_face_encode (GBytes  *photo_png,
                     gsize    max_bytes,
                     GError **error)
{
  g_autoptr(GdkPixbuf) photo = NULL;
  g_autoptr(GdkPixbuf) small = NULL;
  guint8 grey[KS_CARD_FACE_WIDTH * KS_CARD_FACE_HEIGHT];
  const guint8 *pixels;
  int stride, channels;
  guint8 lo = 255, hi = 0;

  g_return_val_if_fail (photo_png != NULL, NULL);

  photo = pixbuf_from_png (photo_png, NULL);
  if (photo == NULL || gdk_pixbuf_get_bits_per_sample (photo) != 8)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The citizen’s photo could not be read for the card. Take or import the "
                     "photo again, have the record approved, then print again."));
      return NULL;
    }
  small = crop_and_scale (photo);
  pixels = gdk_pixbuf_read_pixels (small);
  stride = gdk_pixbuf_get_rowstride (small);
  channels = gdk_pixbuf_get_n_channels (small);
  for (int y = 0; y < KS_CARD_FACE_HEIGHT; y++)
    for (int x = 0; x < KS_CARD_FACE_WIDTH; x++)
      {
        const guint8 *p = pixels + y * stride + x * channels;
        /* Rec. 601 luma, as JPEG and WebP take it. */
        guint8 v = (guint8)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);

        grey[y * KS_CARD_FACE_WIDTH + x] = v;
        lo = MIN (lo, v);
        hi = MAX (hi, v);
      }
  /* Stretched to the full range: a dim photo keeps its contrast after the coarse coding. */
  if (hi > lo)
    for (gsize i = 0; i < G_N_ELEMENTS (grey); i++)
      grey[i] = (guint8)((grey[i] - lo) * 255 / (hi - lo));

  for (float quality = 90; quality >= 0; quality -= 5)
    {
      g_autoptr(GBytes) webp = encode_webp (grey, quality);

      if (webp == NULL)
        break;
      if (g_bytes_get_size (webp) <= max_bytes)
        return g_steal_pointer (&webp);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The citizen’s photo could not be made small enough for the card’s code. "
                 "Take or import the photo again, then print again."));
  return NULL;
}

/**
 * ks_card_face_find:
 *
 * Returns: (transfer none) (nullable): the first face image of the credential (Claim 169 key
 *   62, format image), %NULL when it carries none
 */
const KsBiometric *
ks_card_face_find (const KsClaim169 *claim)
{
  const GPtrArray *faces;

  g_return_val_if_fail (claim != NULL, NULL);

  faces = claim->biometrics[KS_CLAIM169_FACE - KS_CLAIM169_BIOMETRIC_FIRST];
  for (guint i = 0; faces != NULL && i < faces->len; i++)
    {
      const KsBiometric *face = g_ptr_array_index (faces, i);

      /* A missing format is an image: the face field holds nothing else. */
      if (face->data != NULL && g_bytes_get_size (face->data) > 0
          && (face->format == -1 || face->format == KS_CLAIM169_FORMAT_IMAGE))
        return face;
    }
  return NULL;
}

/**
 * ks_card_face_format_name:
 *
 * Returns: "WebP", "JPEG", "PNG" or another of Claim 169's image sub-formats by name
 */
const char *
ks_card_face_format_name (const KsBiometric *face)
{
  static const char *const names[] = { "PNG", "JPEG", "JPEG 2000", "AVIF", "WebP", "TIFF",
                                       "WSQ" };

  g_return_val_if_fail (face != NULL, NULL);

  if (face->sub_format >= 0 && face->sub_format < (int)G_N_ELEMENTS (names))
    return names[face->sub_format];
  return "?";
}

static cairo_surface_t *
surface_new_checked (int width,
                     int height)
{
  cairo_surface_t *surface;

  if (width <= 0 || height <= 0 || (gint64)width * height > KS_CARD_FACE_MAX_PIXELS)
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

static cairo_surface_t *
decode_webp (GBytes *data)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  int width = 0, height = 0;
  g_autofree guint8 *rgba = NULL;
  cairo_surface_t *surface;
  guint8 *dst;
  int stride;

  /* The size first, from the header: a credential is signed, not necessarily by us. */
  if (!WebPGetInfo (bytes, len, &width, &height)
      || (surface = surface_new_checked (width, height)) == NULL)
    return NULL;
  rgba = WebPDecodeRGBA (bytes, len, &width, &height);
  if (rgba == NULL)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = rgba + ((gsize)y * width + x) * 4;

        ((guint32 *)(dst + (gsize)y * stride))[x] = 0xff000000u | (guint32)p[0] << 16
                                                    | (guint32)p[1] << 8 | p[2];
      }
  cairo_surface_mark_dirty (surface);
  WebPFree (g_steal_pointer (&rgba));
  return surface;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_large = user_data;

  if (width <= 0 || height <= 0 || (gint64)width * height > KS_CARD_FACE_MAX_PIXELS)
    {
      *too_large = TRUE;
      /* A size of 0 x 0 tells gdk-pixbuf's loaders to allocate nothing and stop. */
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

/* PNG and JPEG, as other Claim 169 issuers write them, through gdk-pixbuf's loaders. */
static cairo_surface_t *
decode_pixbuf (GBytes *data)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  gboolean too_large = FALSE;
  gboolean written, closed;
  GdkPixbuf *pixbuf;
  cairo_surface_t *surface;
  const guint8 *src;
  guint8 *dst;
  int width, height, src_stride, dst_stride, channels;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_large);
  written = gdk_pixbuf_loader_write_bytes (loader, data, NULL);
  /* Closed whatever the write said: a loader finalized open complains. */
  closed = gdk_pixbuf_loader_close (loader, NULL);
  if (!written || !closed || too_large || (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL
      || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    return NULL;
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  if ((surface = surface_new_checked (width, height)) == NULL)
    return NULL;
  src = gdk_pixbuf_read_pixels (pixbuf);
  src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  dst_stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = src + (gsize)y * src_stride + (gsize)x * channels;

        ((guint32 *)(dst + (gsize)y * dst_stride))[x] = 0xff000000u | (guint32)p[0] << 16
                                                        | (guint32)p[1] << 8 | p[2];
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/**
 * ks_card_face_decode:
 * @face: a face from ks_card_face_find()
 *
 * Returns: (transfer full) (nullable): the face as an image, %NULL when its format is not
 *   WebP, PNG or JPEG, it does not decode, or it is larger than %KS_CARD_FACE_MAX_PIXELS
 */
cairo_surface_t *
ks_card_face_decode (const KsBiometric *face)
{
  g_return_val_if_fail (face != NULL, NULL);

  if (face->data == NULL)
    return NULL;
  switch (face->sub_format)
    {
    case KS_CLAIM169_IMAGE_WEBP:
      return decode_webp (face->data);
    case KS_CLAIM169_IMAGE_PNG:
    case KS_CLAIM169_IMAGE_JPEG:
    case -1:
      return decode_pixbuf (face->data);
    default:
      return NULL;
    }
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * ks_card_face_to_png:
 *
 * The face as PNG bytes, for a screen (GdkTexture) or a file.
 *
 * Returns: (transfer full) (nullable): %NULL when ks_card_face_decode() cannot decode it
 */
GBytes *
ks_card_face_to_png (const KsBiometric *face)
{
  cairo_surface_t *surface = ks_card_face_decode (face);
  g_autoptr(GByteArray) png = NULL;
  cairo_status_t status;

  if (surface == NULL)
    return NULL;
  png = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, append_bytes, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
