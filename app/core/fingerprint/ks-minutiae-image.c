/* ks-minutiae-image.c: reading fingerprint images as 8-bit grey
 *
 * PNG goes through cairo, which the core already links (no gdk-pixbuf: its TIFF and PNM readers
 * are loader modules found at run time through a cache file, which a station may lack); binary
 * PGM (P5, maxval <= 255) is read here, it is three header fields. TIFF, the format of the FVC
 * databases and of many fingerprint scanners' SDKs, goes through libtiff, which reads every
 * TIFF flavour (grey 8 or 16 bits, bilevel, palette, RGB, tiled, compressed) into RGBA.
 * Colour images are reduced to grey with the usual luma weights; a PNG whose print lives in its
 * alpha channel (the NIST samples) is composed over white.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-minutiae"

#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>
#include <tiffio.h>

#include "ks-minutiae-image.h"

#define MAX_SIDE 4000

KsGreyImage *
ks_grey_image_new (guint width, guint height)
{
  KsGreyImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (width <= MAX_SIDE && height <= MAX_SIDE, NULL);

  image = g_new0 (KsGreyImage, 1);
  image->width = width;
  image->height = height;
  image->pixels = g_malloc0 ((gsize)width * height);
  return image;
}

KsGreyImage *
ks_grey_image_new_from_data (const guint8 *pixels, guint width, guint height, guint stride)
{
  KsGreyImage *image;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (stride >= width, NULL);

  image = ks_grey_image_new (width, height);
  for (guint y = 0; y < height; y++)
    memcpy (image->pixels + (gsize)y * width, pixels + (gsize)y * stride, width);
  return image;
}

void
ks_grey_image_free (KsGreyImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

static gboolean
too_big (guint width, guint height, const char *path, GError **error)
{
  if (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is %u x %u pixels: a fingerprint image must be between 1 and %u pixels "
                     "on each side."), path, width, height, MAX_SIDE);
      return TRUE;
    }
  return FALSE;
}

/* Skips blanks and '#' comments between the fields of a PGM header. */
static gboolean
pgm_field (const guint8 *data, gsize len, gsize *pos, guint *value)
{
  guint64 v = 0;
  gboolean digits = FALSE;

  while (*pos < len)
    {
      if (data[*pos] == '#')
        while (*pos < len && data[*pos] != '\n')
          (*pos)++;
      else if (g_ascii_isspace (data[*pos]))
        (*pos)++;
      else
        break;
    }
  while (*pos < len && g_ascii_isdigit (data[*pos]))
    {
      v = v * 10 + (data[*pos] - '0');
      if (v > G_MAXUINT)
        return FALSE;
      digits = TRUE;
      (*pos)++;
    }
  *value = (guint)v;
  return digits;
}

static KsGreyImage *
load_pgm (const char *path, const guint8 *data, gsize len, GError **error)
{
  gsize pos = 2;
  guint width, height, maxval;
  KsGreyImage *image;

  if (!pgm_field (data, len, &pos, &width) || !pgm_field (data, len, &pos, &height)
      || !pgm_field (data, len, &pos, &maxval) || pos >= len || !g_ascii_isspace (data[pos])
      || maxval == 0 || maxval > 255)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not a readable 8-bit PGM image."), path);
      return NULL;
    }
  pos++;
  if (too_big (width, height, path, error))
    return NULL;
  if (len - pos < (gsize)width * height)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is cut short: the image data ends early."), path);
      return NULL;
    }
  image = ks_grey_image_new (width, height);
  for (gsize i = 0; i < (gsize)width * height; i++)
    image->pixels[i] = (guint8)((data[pos + i] * 255u + maxval / 2) / maxval);
  return image;
}

static KsGreyImage *
load_png (const char *path, GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  cairo_format_t format;
  KsGreyImage *image = NULL;
  const guint8 *data;
  int stride, width, height;

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not a readable PNG image."), path);
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  format = cairo_image_surface_get_format (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  if (too_big ((guint)width, (guint)height, path, error))
    goto out;
  if (format != CAIRO_FORMAT_RGB24 && format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_A8)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s uses a PNG pixel format this station cannot read."), path);
      goto out;
    }
  image = ks_grey_image_new ((guint)width, (guint)height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *row = data + (gsize)y * stride;
        guint grey;

        if (format == CAIRO_FORMAT_A8)
          grey = 255 - row[x]; /* print in the alpha channel: dark where opaque */
        else
          {
            guint32 p = ((const guint32 *)row)[x];
            guint a = format == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
            guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
            /* premultiplied over white */
            guint luma = (r * 77 + g * 150 + b * 29) >> 8;
            grey = luma + (255 - a);
            grey = MIN (grey, 255);
          }
        image->pixels[(gsize)y * width + x] = (guint8)grey;
      }
out:
  cairo_surface_destroy (surface);
  return image;
}

/* libtiff would print its complaints on stderr: keep them quiet, the caller gets one message. */
static int
tiff_quiet (TIFF *tiff, void *user_data, const char *module, const char *fmt, va_list ap)
{
  return 1;
}

static guint8
luma_over_white (guint32 abgr)
{
  guint r = TIFFGetR (abgr), g = TIFFGetG (abgr), b = TIFFGetB (abgr), a = TIFFGetA (abgr);
  guint grey = ((r * 77 + g * 150 + b * 29) >> 8) + (255 - a); /* premultiplied over white */

  return (guint8)MIN (grey, 255u);
}

static KsGreyImage *
load_tiff (const char *path, GError **error)
{
  TIFFOpenOptions *options = TIFFOpenOptionsAlloc ();
  TIFF *tiff;
  guint32 width = 0, height = 0;
  g_autofree guint32 *rgba = NULL;
  KsGreyImage *image = NULL;
  char why[1024] = "";

  TIFFOpenOptionsSetErrorHandlerExtR (options, tiff_quiet, NULL);
  TIFFOpenOptionsSetWarningHandlerExtR (options, tiff_quiet, NULL);
  tiff = TIFFOpenExt (path, "r", options);
  TIFFOpenOptionsFree (options);
  if (tiff == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not a readable TIFF image."), path);
      return NULL;
    }
  TIFFGetField (tiff, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField (tiff, TIFFTAG_IMAGELENGTH, &height);
  if (too_big (width, height, path, error))
    goto out;
  if (!TIFFRGBAImageOK (tiff, why))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s uses a TIFF pixel format this station cannot read."), path);
      goto out;
    }
  rgba = g_new (guint32, (gsize)width * height);
  if (!TIFFReadRGBAImageOriented (tiff, width, height, rgba, ORIENTATION_TOPLEFT, 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is cut short or damaged: the image data cannot be read."), path);
      goto out;
    }
  image = ks_grey_image_new (width, height);
  for (gsize i = 0; i < (gsize)width * height; i++)
    image->pixels[i] = luma_over_white (rgba[i]);
out:
  TIFFClose (tiff);
  return image;
}

KsGreyImage *
ks_grey_image_load (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, (char **)&data, &len, error))
    return NULL;
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return load_png (path, error);
  if (len >= 3 && data[0] == 'P' && data[1] == '5')
    return load_pgm (path, data, len, error);
  if (len >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return load_tiff (path, error);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("%s is not a PNG, TIFF or binary PGM image."), path);
  return NULL;
}
