/* ks-card-scan.c: reading a card back from a scan (PNG or PDF) and giving a verdict
 *
 * zbar finds the QR in a grey image; a PDF is first rasterized with poppler at
 * KS_CARD_SCAN_DPI, a PNG is read with cairo. JPEG is not read: the core stays free of
 * GdkPixbuf, and a scanner can always save PNG.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-scan"

#include "config.h"

#include <string.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <poppler.h>
#include <zbar.h>

#include "ks-card-face.h"
#include "ks-card-scan.h"

/* What verify reads at most, whoever hands it the file: a card scan is a few megabytes. A
 * 442 KB PNG of 20000x20000 pixels took 3.4 GB, a 461-byte PDF with one 7800-point page 4 GB,
 * a 500-page PDF crashed. 25 million pixels is A4 at 500 dpi; each costs 9 bytes while it is
 * scanned (the image, its RGB copy, the grey plane). */
#define MAX_FILE_BYTES (32 * 1024 * 1024)
#define MAX_PIXELS (25 * 1000 * 1000)
#define MAX_PAGES 20

/**
 * ks_verdict_for_error:
 *
 * The verdict a failure of ks_credential_verify() stands for. A signature that does not match
 * and CBOR that breaks inside a well-formed code both mean someone changed the code: altered.
 * Text that is not Base45, zlib or COSE at all is some other QR: not a card.
 */
KsVerdict
ks_verdict_for_error (const GError *error)
{
  if (error == NULL)
    return KS_VERDICT_VALID;
  if (error->domain != KS_CREDENTIAL_ERROR)
    return KS_VERDICT_NOT_A_CARD;

  switch ((KsCredentialError)error->code)
    {
    case KS_CREDENTIAL_ERROR_BAD_SIGNATURE:
    case KS_CREDENTIAL_ERROR_BAD_CBOR:
    case KS_CREDENTIAL_ERROR_TOO_DEEP:
    case KS_CREDENTIAL_ERROR_DUPLICATE_KEY:
      return KS_VERDICT_ALTERED;
    case KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER:
      return KS_VERDICT_UNKNOWN_ISSUER;
    case KS_CREDENTIAL_ERROR_EXPIRED:
      return KS_VERDICT_EXPIRED;
    case KS_CREDENTIAL_ERROR_NOT_YET_VALID:
      return KS_VERDICT_NOT_YET_VALID;
    case KS_CREDENTIAL_ERROR_REVOKED:
      return KS_VERDICT_REVOKED;
    case KS_CREDENTIAL_ERROR_BAD_BASE45:
    case KS_CREDENTIAL_ERROR_BAD_COMPRESSION:
    case KS_CREDENTIAL_ERROR_TOO_LARGE:
    case KS_CREDENTIAL_ERROR_NOT_COSE:
    case KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM:
    case KS_CREDENTIAL_ERROR_NO_IDENTITY:
    case KS_CREDENTIAL_ERROR_KEY:
    case KS_CREDENTIAL_ERROR_DOES_NOT_FIT:
    default:
      return KS_VERDICT_NOT_A_CARD;
    }
}

int
ks_verdict_exit_code (KsVerdict verdict)
{
  switch (verdict)
    {
    case KS_VERDICT_VALID:
      return KS_EXIT_VALID;
    case KS_VERDICT_ALTERED:
      return KS_EXIT_ALTERED;
    case KS_VERDICT_UNKNOWN_ISSUER:
      return KS_EXIT_UNKNOWN_ISSUER;
    case KS_VERDICT_EXPIRED:
      return KS_EXIT_EXPIRED;
    case KS_VERDICT_NOT_YET_VALID:
      return KS_EXIT_NOT_YET_VALID;
    case KS_VERDICT_REVOKED:
      return KS_EXIT_REVOKED;
    case KS_VERDICT_NOT_A_CARD:
    default:
      return KS_EXIT_NOT_A_CARD;
    }
}

const char *
ks_verdict_to_string (KsVerdict verdict)
{
  switch (verdict)
    {
    case KS_VERDICT_VALID:
      return _("Valid");
    case KS_VERDICT_ALTERED:
      return _("Altered or forged");
    case KS_VERDICT_UNKNOWN_ISSUER:
      return _("Unknown issuer");
    case KS_VERDICT_EXPIRED:
      return _("Expired");
    case KS_VERDICT_NOT_YET_VALID:
      return _("Not yet valid");
    case KS_VERDICT_REVOKED:
      return _("Revoked");
    case KS_VERDICT_NOT_A_CARD:
    default:
      return _("Not a Khyber Pass card");
    }
}

void
ks_verify_result_free (KsVerifyResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_clear_pointer (&result->credential, ks_credential_free);
  g_free (result->qr_text);
  g_clear_pointer (&result->face_png, g_bytes_unref);
  g_free (result);
}

static gboolean
cannot_read (GError    **error,
             const char *path,
             const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("%s cannot be read: %s."), path, why);
  return FALSE;
}

/* A page at @dpi, or smaller when that would pass MAX_PIXELS (a poster-sized page): a card's
 * QR code stays readable, a hostile page stays bounded. %NULL when cairo has no memory. */
static cairo_surface_t *
render_pdf_page (PopplerPage *page,
                 double       dpi)
{
  double w_pt, h_pt, w_px, h_px;
  cairo_surface_t *surface;
  cairo_t *cr;

  poppler_page_get_size (page, &w_pt, &h_pt);
  w_pt = CLAMP (w_pt, 1, 1e6);
  h_pt = CLAMP (h_pt, 1, 1e6);
  w_px = w_pt / 72.0 * dpi;
  h_px = h_pt / 72.0 * dpi;
  if (w_px * h_px > MAX_PIXELS)
    dpi *= 0.99 * sqrt (MAX_PIXELS / (w_px * h_px));
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, MAX (1, (int)ceil (w_pt / 72.0 * dpi)),
                                        MAX (1, (int)ceil (h_pt / 72.0 * dpi)));
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  return surface;
}

/* The file's bytes, at most MAX_FILE_BYTES, from a regular file only: a FIFO or a device would
 * block verify or feed it without end. O_NONBLOCK keeps open() from waiting on a FIFO. */
static char *
read_bounded (const char *path,
              gsize      *len,
              GError    **error)
{
  g_autofree char *contents = NULL;
  struct stat st;
  gsize got = 0, capacity;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("%s cannot be read: %s."),
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      cannot_read (error, path, _("it is not a file (a folder, a pipe or a device)"));
      return NULL;
    }
  /* One byte more than allowed tells a file over the limit; a file that grows while it is
   * read gets a bigger buffer, never more than that. */
  capacity = MIN ((gsize)st.st_size, MAX_FILE_BYTES) + 1;
  contents = g_malloc (capacity);
  while (got <= MAX_FILE_BYTES)
    {
      gssize n;

      if (got == capacity)
        {
          capacity = MAX_FILE_BYTES + 1;
          contents = g_realloc (contents, capacity);
        }
      n = read (fd, contents + got, capacity - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("%s cannot be read: %s."), path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      got += n;
    }
  close (fd);
  if (got > MAX_FILE_BYTES)
    {
      cannot_read (error, path, _("it is larger than 32 MB, far more than a card scan"));
      return NULL;
    }
  *len = got;
  return g_steal_pointer (&contents);
}

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} PngReader;

static cairo_status_t
read_png (void          *closure,
          unsigned char *out,
          unsigned int   n)
{
  PngReader *r = closure;

  if (r->len - r->pos < n)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, n);
  r->pos += n;
  return CAIRO_STATUS_SUCCESS;
}

/* A file opened for scanning: a PDF's pages are rendered one at a time, when scanned. */
typedef struct
{
  PopplerDocument *doc;
  cairo_surface_t *png;
  int n_pages;
} ScanSource;

static void
scan_source_clear (ScanSource *src)
{
  g_clear_object (&src->doc);
  g_clear_pointer (&src->png, cairo_surface_destroy);
}

static gboolean
scan_source_open (ScanSource *src,
                  const char *path,
                  GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!(contents = read_bounded (path, &len, error)))
    return FALSE;

  if (len >= 5 && memcmp (contents, "%PDF-", 5) == 0)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

      src->doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);
      if (src->doc == NULL)
        return cannot_read (error, path, local_error->message);
      src->n_pages = poppler_document_get_n_pages (src->doc);
      if (src->n_pages > MAX_PAGES)
        {
          /* Always more than 20: the English plural holds. */
          g_autofree char *why = g_strdup_printf (_("it has %d pages; a card’s PDF has at most 20"),
                                                  src->n_pages);

          scan_source_clear (src);
          return cannot_read (error, path, why);
        }
    }
  else if (len >= 8 && memcmp (contents, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      PngReader reader = { (const guint8 *)contents, len, 0 };
      guint64 width, height;

      /* The size is in the IHDR chunk, right after the signature: checked before cairo
       * decodes (and allocates) anything. */
      if (len < 24 || memcmp (contents + 12, "IHDR", 4) != 0)
        return cannot_read (error, path, _("the PNG image is damaged"));
      width = (guint64)GUINT32_FROM_BE (*(const guint32 *)(gconstpointer)(contents + 16));
      height = (guint64)GUINT32_FROM_BE (*(const guint32 *)(gconstpointer)(contents + 20));
      if (width * height > MAX_PIXELS)
        return cannot_read (error, path, _("the image has more than 25 million pixels; scan "
                                           "the card at 300 dpi"));
      src->png = cairo_image_surface_create_from_png_stream (read_png, &reader);
      src->n_pages = 1;
      if (cairo_surface_status (src->png) != CAIRO_STATUS_SUCCESS)
        {
          scan_source_clear (src);
          return cannot_read (error, path, _("the PNG image is damaged"));
        }
    }
  else if (len >= 3 && memcmp (contents, "\xff\xd8\xff", 3) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is a JPEG image, which this station does not read. Save the scan as "
                     "PNG or PDF and check it again."),
                   path);
      return FALSE;
    }
  else
    return cannot_read (error, path, _("it is neither a PDF nor a PNG image"));
  return TRUE;
}

/* Page @i as an image, or %NULL with an error when there is no memory to render it. */
static cairo_surface_t *
scan_source_page (ScanSource *src,
                  int         i,
                  double      dpi,
                  const char *path,
                  GError    **error)
{
  cairo_surface_t *image = NULL;

  if (src->png != NULL)
    return cairo_surface_reference (src->png);
  {
    /* poppler-glib 22.12 declares no autoptr cleanups: unref by hand. */
    PopplerPage *page = poppler_document_get_page (src->doc, i);

    if (page == NULL)
      image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
    else
      {
        image = render_pdf_page (page, dpi);
        g_object_unref (page);
      }
  }
  if (image == NULL)
    cannot_read (error, path, _("there is not enough memory to render it"));
  return image;
}

/**
 * ks_card_scan_load_pages:
 * @dpi: resolution for PDF pages (a PNG is taken as it is)
 *
 * Reads at most 32 MB, from a regular file only; a PNG of more than 25 million pixels and a PDF
 * of more than 20 pages are refused, and a PDF page that would pass 25 million pixels at @dpi
 * is rendered smaller.
 *
 * Returns: (transfer full) (element-type cairo_surface_t): one image per page, or %NULL with a
 *   %G_IO_ERROR when the file cannot be read or is neither PDF nor PNG.
 */
GPtrArray *
ks_card_scan_load_pages (const char *path,
                         double      dpi,
                         GError    **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               cairo_surface_destroy);
  ScanSource src = { 0 };

  g_return_val_if_fail (path != NULL, NULL);

  if (!scan_source_open (&src, path, error))
    return NULL;
  for (int i = 0; i < src.n_pages; i++)
    {
      cairo_surface_t *image = scan_source_page (&src, i, dpi, path, error);

      if (image == NULL)
        {
          scan_source_clear (&src);
          return NULL;
        }
      g_ptr_array_add (pages, image);
    }
  scan_source_clear (&src);
  return g_steal_pointer (&pages);
}

/* Reads the QR codes zbar finds in a grey image into @texts; returns how many. */
static guint
scan_grey (const guint8 *grey,
           int           width,
           int           height,
           GPtrArray    *texts)
{
  zbar_image_scanner_t *scanner;
  zbar_image_t *zimage;
  guint found = 0;

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zimage = zbar_image_create ();
  zbar_image_set_format (zimage, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (zimage, width, height);
  zbar_image_set_data (zimage, grey, (unsigned long)width * height, NULL);

  if (zbar_scan_image (scanner, zimage) > 0)
    {
      for (const zbar_symbol_t *sym = zbar_image_first_symbol (zimage); sym;
           sym = zbar_symbol_next (sym))
        {
          if (zbar_symbol_get_type (sym) != ZBAR_QRCODE)
            continue;
          g_ptr_array_add (texts, g_strndup (zbar_symbol_get_data (sym),
                                             zbar_symbol_get_data_length (sym)));
          found++;
        }
    }

  zbar_image_destroy (zimage);
  zbar_image_scanner_destroy (scanner);
  return found;
}

/* A 3x3 box blur of a grey image (edges kept as they are): evens out a scan's grain. */
static guint8 *
box_blur (const guint8 *grey,
          int           width,
          int           height)
{
  guint8 *out = g_try_malloc ((gsize)width * height);

  if (out == NULL)
    return NULL;
  memcpy (out, grey, (gsize)width * height);
  for (int y = 1; y < height - 1; y++)
    for (int x = 1; x < width - 1; x++)
      {
        int sum = 0;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            sum += grey[(gsize)(y + dy) * width + (x + dx)];
        out[(gsize)y * width + x] = (guint8)(sum / 9);
      }
  return out;
}

/* Twice the width and height, bilinear: each new pixel between its neighbours. */
static guint8 *
upscale2 (const guint8 *grey,
          int           width,
          int           height)
{
  int w2 = width * 2, h2 = height * 2;
  guint8 *out = g_try_malloc ((gsize)w2 * h2);

  if (out == NULL)
    return NULL;
  for (int y = 0; y < h2; y++)
    {
      /* Source coordinates of the new pixel's centre, in quarters of a pixel. */
      int sy4 = MAX (0, 2 * y - 1);
      int y0 = MIN (sy4 / 4, height - 1), y1 = MIN (y0 + 1, height - 1), fy = sy4 % 4;

      for (int x = 0; x < w2; x++)
        {
          int sx4 = MAX (0, 2 * x - 1);
          int x0 = MIN (sx4 / 4, width - 1), x1 = MIN (x0 + 1, width - 1), fx = sx4 % 4;
          int top = grey[(gsize)y0 * width + x0] * (4 - fx) + grey[(gsize)y0 * width + x1] * fx;
          int bottom = grey[(gsize)y1 * width + x0] * (4 - fx)
                       + grey[(gsize)y1 * width + x1] * fx;

          out[(gsize)y * w2 + x] = (guint8)((top * (4 - fy) + bottom * fy + 8) / 16);
        }
    }
  return out;
}

/**
 * ks_card_scan_image:
 *
 * Returns: (transfer full) (element-type utf8): the text of every QR code found in @image,
 *   possibly none.
 */
GPtrArray *
ks_card_scan_image (cairo_surface_t *image)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  cairo_surface_t *argb;
  g_autofree guint8 *grey = NULL;
  int width, height, stride;
  const guint8 *data;

  g_return_val_if_fail (image != NULL, texts);

  /* Whatever the surface's format, draw it onto an RGB24 one to read pixels from. */
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  if (width <= 0 || height <= 0 || (guint64)width * height > MAX_PIXELS
      || cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    return texts;
  /* A rendered PDF page is RGB24 already: read it as it is, not through a copy (100 MB at
   * the largest page allowed). */
  if (cairo_image_surface_get_format (image) == CAIRO_FORMAT_RGB24)
    argb = cairo_surface_reference (image);
  else
    argb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status (argb) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (argb);
      return texts;
    }
  if (argb != image)
    {
      cairo_t *cr = cairo_create (argb);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
  cairo_surface_flush (argb);
  data = cairo_image_surface_get_data (argb);
  stride = cairo_image_surface_get_stride (argb);

  grey = g_malloc ((gsize)width * height);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *)(gconstpointer)(data + (gsize)y * stride);
      for (int x = 0; x < width; x++)
        {
          guint32 p = row[x];
          grey[(gsize)y * width + x] = (guint8)((((p >> 16) & 0xff) * 299
                                                 + ((p >> 8) & 0xff) * 587
                                                 + (p & 0xff) * 114) / 1000);
        }
    }
  cairo_surface_destroy (argb);

  /* A clean print reads at once. A noisy scan (a cheap scanner at 150 dpi, grain on the card)
   * sometimes does not: one in twenty in tests/test-card.c's blurred, noisy page. Smoothing
   * out the grain and reading again finds those, and costs nothing when the first try worked. */
  if (scan_grey (grey, width, height, texts) == 0)
    {
      g_autofree guint8 *smooth = box_blur (grey, width, height);

      if (smooth != NULL)
        scan_grey (smooth, width, height, texts);
    }
  /* A code whose modules are under three pixels wide (a card's QR with its face, scanned at
   * 150 dpi, or a phone photo from arm's length) gives zbar too few pixels to sample each
   * module from: twice the pixels, interpolated, read again. */
  if (texts->len == 0 && (guint64)width * height * 4 <= MAX_PIXELS)
    {
      g_autofree guint8 *big = upscale2 (grey, width, height);

      if (big != NULL && scan_grey (big, width * 2, height * 2, texts) == 0)
        {
          g_autofree guint8 *smooth = box_blur (big, width * 2, height * 2);

          if (smooth != NULL)
            scan_grey (smooth, width * 2, height * 2, texts);
        }
    }
  return texts;
}

/**
 * ks_card_scan_file:
 *
 * Returns: (transfer full) (element-type utf8): the QR texts found on every page of @path, or
 *   %NULL with a %G_IO_ERROR when the file cannot be read.
 */
GPtrArray *
ks_card_scan_file (const char *path,
                   double      dpi,
                   GError    **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  ScanSource src = { 0 };

  if (!scan_source_open (&src, path, error))
    return NULL;
  /* One page in memory at a time. */
  for (int i = 0; i < src.n_pages; i++)
    {
      cairo_surface_t *image = scan_source_page (&src, i, dpi, path, error);
      g_autoptr(GPtrArray) found = NULL;

      if (image == NULL)
        {
          scan_source_clear (&src);
          return NULL;
        }
      found = ks_card_scan_image (image);
      cairo_surface_destroy (image);
      for (guint k = 0; k < found->len; k++)
        g_ptr_array_add (texts, g_strdup (g_ptr_array_index (found, k)));
    }
  scan_source_clear (&src);
  return g_steal_pointer (&texts);
}

/**
 * ks_card_verify_text:
 *
 * Returns: (transfer full): the verdict on one QR text, never %NULL.
 */
KsVerifyResult *
ks_card_verify_text (const char            *qr_text,
                     const KsVerifyOptions *opts)
{
  KsVerifyResult *result = g_new0 (KsVerifyResult, 1);
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (qr_text != NULL && opts != NULL, result);

  result->qr_text = g_strdup (qr_text);
  result->credential = ks_credential_verify (qr_text, opts, &error);
  result->verdict = ks_verdict_for_error (error);
  if (result->verdict == KS_VERDICT_EXPIRED || result->verdict == KS_VERDICT_NOT_YET_VALID)
    {
      /* Genuine but outside its dates: read it again without the date check, so the operator
       * sees whose card it is. */
      KsVerifyOptions again = *opts;

      again.skip_time_checks = TRUE;
      result->credential = ks_credential_verify (qr_text, &again, NULL);
    }
  if (error != NULL)
    result->message = g_strdup (error->message);
  else if (!result->credential->signature_checked)
    {
      /* allow_unverified is for diagnostics: never let it read as a plain "valid". */
      result->verdict = KS_VERDICT_NOT_A_CARD;
      result->message = g_strdup (_("The card was decoded without checking its signature."));
    }
  else
    result->message = g_strdup_printf (_("Signed by station %s (key %s)%s."),
                                       result->credential->station_code
                                         ? result->credential->station_code : "—",
                                       result->credential->kid ? result->credential->kid : "—",
                                       result->credential->development_issuer
                                         ? _(", certified by a development key, not the "
                                             "registry")
                                         : "");
  /* The face the card was issued with, shown beside the verdict: only from a credential
   * whose signature holds, never from a forged one. */
  if (result->credential != NULL && result->credential->signature_checked)
    {
      const KsBiometric *face = ks_card_face_find (result->credential->claim);

      result->face_embedded = face != NULL;
      if (face != NULL)
        result->face_png = ks_card_face_to_png (face);
    }
  return result;
}

/**
 * ks_card_verify_file:
 * @path: a PNG image or a PDF of the card (the back, or both sides)
 *
 * Returns: (transfer full) (nullable): the verdict, %NULL with a %G_IO_ERROR only when the
 *   file cannot be read (exit code %KS_EXIT_NO_INPUT). A file without any QR is a verdict:
 *   %KS_VERDICT_NOT_A_CARD.
 */
KsVerifyResult *
ks_card_verify_file (const char            *path,
                     const KsVerifyOptions *opts,
                     GError               **error)
{
  g_autoptr(GPtrArray) texts = ks_card_scan_file (path, KS_CARD_SCAN_DPI, error);
  KsVerifyResult *best = NULL;

  if (texts == NULL)
    return NULL;

  /* Several codes (a sheet of cards, a sticker next to the card): the first valid one wins,
   * else the first one that is a Khyber Pass code at all says what is wrong with it. */
  for (guint i = 0; i < texts->len; i++)
    {
      KsVerifyResult *result = ks_card_verify_text (g_ptr_array_index (texts, i), opts);

      if (best == NULL || (best->verdict == KS_VERDICT_NOT_A_CARD
                           && result->verdict != KS_VERDICT_NOT_A_CARD)
          || result->verdict == KS_VERDICT_VALID)
        {
          ks_verify_result_free (best);
          best = result;
        }
      else
        ks_verify_result_free (result);
      if (best->verdict == KS_VERDICT_VALID)
        break;
    }

  if (best == NULL)
    {
      best = g_new0 (KsVerifyResult, 1);
      best->verdict = KS_VERDICT_NOT_A_CARD;
      best->message = g_strdup (_("No QR code was found. Scan the back of the card at 300 dpi "
                                  "or more, flat and in focus, and check again."));
    }
  return best;
}

/**
 * ks_card_scan_camera:
 * @device: the video device, `/dev/video0`
 * @timeout_ms: how long to look before giving up
 *
 * The text of the first QR code the camera sees. Blocks for up to @timeout_ms: call it from a
 * worker thread (ks_station_verify_card_async()).
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
char *
ks_card_scan_camera (const char *device,
                     guint       timeout_ms,
                     GError    **error)
{
  zbar_processor_t *proc = zbar_processor_create (0);
  char *text = NULL;
  int found;

  zbar_processor_set_config (proc, 0, ZBAR_CFG_ENABLE, 0);
  zbar_processor_set_config (proc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  if (zbar_processor_init (proc, device, 0) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("The camera cannot be opened. Check that it is plugged in and not "
                             "used by another program, or open a photo of the card instead."));
      zbar_processor_destroy (proc);
      return NULL;
    }
  found = zbar_process_one (proc, timeout_ms);
  if (found > 0)
    {
      const zbar_symbol_set_t *set = zbar_processor_get_results (proc);
      const zbar_symbol_t *sym = set ? zbar_symbol_set_first_symbol (set) : NULL;

      if (sym != NULL)
        text = g_strdup (zbar_symbol_get_data (sym));
      if (set != NULL)
        zbar_symbol_set_ref ((zbar_symbol_set_t *)set, -1);
    }
  zbar_processor_destroy (proc);

  if (text == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                         _("No QR code was seen. Hold the back of the card still, 15 to 25 cm "
                           "from the camera, in good light, and try again."));
  return text;
}
