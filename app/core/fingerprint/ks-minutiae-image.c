/* ks-minutiae-image.c: reading fingerprint images as 8-bit grey
 *
 * PNG goes through cairo, which the core already links (no gdk-pixbuf: it pulls GTK-side
 * loaders into a GLib-only library); binary PGM (P5, maxval <= 255) is read here, it is three
 * header fields. Colour PNGs are reduced to grey with the usual luma weights; a PNG whose
 * print lives in its alpha channel (the NIST samples) is composed over white.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-minutiae"

#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

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
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("%s is neither a PNG nor a binary PGM image."), path);
  return NULL;
}
