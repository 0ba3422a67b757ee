/* ks-minutiae-template.c: ISO/IEC 19794-2:2005 finger minutiae records
 *
 * Layout written (big-endian), one finger view, no extended data:
 *   header (24 bytes): "FMR\0", " 20\0", record length (4), capture equipment (2: compliance and
 *   equipment id, 0), image width (2), height (2), x and y resolution in pixels/cm (2 + 2),
 *   number of finger views (1), reserved (1, 0);
 *   finger view: finger position (1), view number << 4 | impression type (1, 0 = live-scan
 *   plain), finger quality (1, 0-100), number of minutiae (1), then 6 bytes per minutia:
 *   type << 14 | x (2), y (2, top 2 bits reserved 0), angle in 360/256 degree units (1),
 *   quality (1, 0-100); extended data block length (2, 0).
 *
 * The parser is strict: anything that does not add up (magic, version, lengths, counts,
 * coordinates outside the image, reserved bits, trailing bytes) is refused, so a corrupt or
 * truncated file never becomes a template that matches nothing (or everything).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-minutiae"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ks-minutiae-template.h"

#define HEADER_LEN 24
#define VIEW_LEN 4
#define MINUTIA_LEN 6

G_DEFINE_QUARK (ks-minutiae-error-quark, ks_minutiae_error)

static void
put16 (guint8 *p, guint v)
{
  p[0] = (guint8)(v >> 8);
  p[1] = (guint8)v;
}

static guint
get16 (const guint8 *p)
{
  return (guint)p[0] << 8 | p[1];
}

GBytes *
ks_minutiae_template_to_iso (const KsMinutiaeTemplate *tmpl)
{
  gsize len;
  guint8 *d, *p;

  g_return_val_if_fail (tmpl != NULL, NULL);
  g_return_val_if_fail (tmpl->n_minutiae <= KS_MINUTIAE_MAX, NULL);

  len = HEADER_LEN + VIEW_LEN + (gsize)tmpl->n_minutiae * MINUTIA_LEN + 2;
  d = g_malloc0 (len);
  memcpy (d, "FMR\0 20\0", 8);
  d[8] = (guint8)(len >> 24);
  d[9] = (guint8)(len >> 16);
  d[10] = (guint8)(len >> 8);
  d[11] = (guint8)len;
  put16 (d + 12, 0);
  put16 (d + 14, tmpl->width);
  put16 (d + 16, tmpl->height);
  put16 (d + 18, tmpl->resolution);
  put16 (d + 20, tmpl->resolution);
  d[22] = 1;
  d[23] = 0;
  p = d + HEADER_LEN;
  p[0] = tmpl->finger_position;
  p[1] = 0;
  p[2] = tmpl->quality;
  p[3] = (guint8)tmpl->n_minutiae;
  p += VIEW_LEN;
  for (guint i = 0; i < tmpl->n_minutiae; i++, p += MINUTIA_LEN)
    {
      const KsMinutia *m = &tmpl->minutiae[i];
      put16 (p, (guint)(m->type & 3) << 14 | (m->x & 0x3fff));
      put16 (p + 2, m->y & 0x3fff);
      p[4] = m->angle;
      p[5] = m->quality;
    }
  put16 (p, 0);
  return g_bytes_new_take (d, len);
}

static KsMinutiaeTemplate *
corrupt (GError **error, const char *why)
{
  g_set_error (error, KS_MINUTIAE_ERROR, KS_MINUTIAE_ERROR_CORRUPT,
               _("This is not a valid ISO 19794-2 fingerprint template (%s). Extract the "
                 "template again from the fingerprint image."), why);
  return NULL;
}

KsMinutiaeTemplate *
ks_minutiae_template_from_iso (const guint8 *d, gsize len, GError **error)
{
  g_autofree KsMinutiaeTemplate *t = NULL;
  guint32 record_len;
  const guint8 *p;
  guint n;

  g_return_val_if_fail (d != NULL || len == 0, NULL);

  if (len < HEADER_LEN || memcmp (d, "FMR\0", 4) != 0)
    return corrupt (error, _("no ISO finger minutiae header"));
  if (memcmp (d + 4, " 20\0", 4) != 0)
    return corrupt (error, _("unsupported version"));
  record_len = (guint32)d[8] << 24 | (guint32)d[9] << 16 | (guint32)d[10] << 8 | d[11];
  if (record_len != len)
    return corrupt (error, len < record_len ? _("the record is cut short")
                                            : _("the record length does not match"));
  if (d[22] != 1)
    return corrupt (error, _("only records of one finger view are accepted"));
  if (d[23] != 0)
    return corrupt (error, _("reserved header byte is set"));
  t = g_new0 (KsMinutiaeTemplate, 1);
  t->width = (guint16)get16 (d + 14);
  t->height = (guint16)get16 (d + 16);
  t->resolution = (guint16)get16 (d + 18);
  if (t->width == 0 || t->height == 0 || t->width > 0x3fff || t->height > 0x3fff)
    return corrupt (error, _("impossible image size"));
  if (t->resolution == 0 || get16 (d + 20) != t->resolution)
    return corrupt (error, _("impossible resolution"));
  if (len < HEADER_LEN + VIEW_LEN + 2)
    return corrupt (error, _("the record is cut short"));
  p = d + HEADER_LEN;
  t->finger_position = p[0];
  if (p[0] > 10 || (p[1] >> 4) != 0 || p[2] > 100)
    return corrupt (error, _("invalid finger view header"));
  t->quality = p[2];
  n = p[3];
  if (len != HEADER_LEN + VIEW_LEN + (gsize)n * MINUTIA_LEN + 2)
    return corrupt (error, _("the number of minutiae does not match the record length"));
  p += VIEW_LEN;
  for (guint i = 0; i < n; i++, p += MINUTIA_LEN)
    {
      KsMinutia *m = &t->minutiae[i];
      guint xv = get16 (p), yv = get16 (p + 2);
      m->type = (guint8)(xv >> 14);
      m->x = (guint16)(xv & 0x3fff);
      m->y = (guint16)(yv & 0x3fff);
      m->angle = p[4];
      m->quality = p[5];
      if (m->type == 3 || (yv >> 14) != 0)
        return corrupt (error, _("invalid minutia type"));
      if (m->x >= t->width || m->y >= t->height)
        return corrupt (error, _("a minutia lies outside the image"));
      if (m->quality > 100)
        return corrupt (error, _("invalid minutia quality"));
    }
  if (get16 (p) != 0)
    return corrupt (error, _("unexpected extended data"));
  t->n_minutiae = n;
  return g_steal_pointer (&t);
}

KsMinutiaeTemplate *
ks_minutiae_template_load (const char *path, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  KsMinutiaeTemplate *t;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, (char **)&data, &len, error))
    return NULL;
  t = ks_minutiae_template_from_iso (data, len, &local);
  if (t == NULL)
    g_set_error (error, KS_MINUTIAE_ERROR, KS_MINUTIAE_ERROR_CORRUPT, "%s: %s", path,
                 local->message);
  return t;
}

gboolean
ks_minutiae_template_save (const KsMinutiaeTemplate *tmpl, const char *path, GError **error)
{
  g_autoptr(GBytes) bytes = ks_minutiae_template_to_iso (tmpl);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_file_set_contents (path, data, (gssize)len, error);
}
