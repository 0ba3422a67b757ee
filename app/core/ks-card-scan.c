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

#include <math.h>

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <poppler.h>
#include <zbar.h>

#include "ks-card-scan.h"

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

static cairo_surface_t *
render_pdf_page (PopplerPage *page,
                 double       dpi)
{
  double w_pt, h_pt;
  cairo_surface_t *surface;
  cairo_t *cr;

  poppler_page_get_size (page, &w_pt, &h_pt);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int)ceil (w_pt / 72.0 * dpi),
                                        (int)ceil (h_pt / 72.0 * dpi));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  return surface;
}

/**
 * ks_card_scan_load_pages:
 * @dpi: resolution for PDF pages (a PNG is taken as it is)
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
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("%s cannot be read: %s."),
                   path, local_error->message);
      return NULL;
    }

  if (len >= 5 && memcmp (contents, "%PDF-", 5) == 0)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      /* poppler-glib 22.12 declares no autoptr cleanups: unref by hand. */
      PopplerDocument *doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);

      if (doc == NULL)
        return cannot_read (error, path, local_error->message), NULL;
      for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
        {
          PopplerPage *page = poppler_document_get_page (doc, i);
          if (page)
            {
              g_ptr_array_add (pages, render_pdf_page (page, dpi));
              g_object_unref (page);
            }
        }
      g_object_unref (doc);
    }
  else if (len >= 8 && memcmp (contents, "\x89PNG\r\n\x1a\n", 8) == 0)
    {
      cairo_surface_t *image = cairo_image_surface_create_from_png (path);

      if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
        {
          cairo_surface_destroy (image);
          return cannot_read (error, path, _("the PNG image is damaged")), NULL;
        }
      g_ptr_array_add (pages, image);
    }
  else if (len >= 3 && memcmp (contents, "\xff\xd8\xff", 3) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is a JPEG image, which this station does not read. Save the scan as "
                     "PNG or PDF and check it again."),
                   path);
      return NULL;
    }
  else
    return cannot_read (error, path, _("it is neither a PDF nor a PNG image")), NULL;

  return g_steal_pointer (&pages);
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
  zbar_image_scanner_t *scanner;
  zbar_image_t *zimage;
  g_autofree guint8 *grey = NULL;
  int width, height, stride;
  const guint8 *data;

  g_return_val_if_fail (image != NULL, texts);

  /* Whatever the surface's format, draw it onto an RGB24 one to read pixels from. */
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  if (width <= 0 || height <= 0)
    return texts;
  argb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
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
        }
    }

  zbar_image_destroy (zimage);
  zbar_image_scanner_destroy (scanner);
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
  g_autoptr(GPtrArray) pages = ks_card_scan_load_pages (path, dpi, error);
  GPtrArray *texts;

  if (pages == NULL)
    return NULL;
  texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pages->len; i++)
    {
      g_autoptr(GPtrArray) found = ks_card_scan_image (g_ptr_array_index (pages, i));
      for (guint k = 0; k < found->len; k++)
        g_ptr_array_add (texts, g_strdup (g_ptr_array_index (found, k)));
    }
  return texts;
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
