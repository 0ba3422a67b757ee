/* ks-minutiae-template.h: minutiae of one fingerprint impression, and their ISO/IEC 19794-2:2005
 * finger minutiae record form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_MINUTIAE_ERROR (ks_minutiae_error_quark ())

typedef enum
{
  KS_MINUTIAE_ERROR_NO_PRINT = 1, /* the image shows no usable fingerprint */
  KS_MINUTIAE_ERROR_CORRUPT,      /* a template record that is not a valid ISO 19794-2 record */
} KsMinutiaeError;

GQuark ks_minutiae_error_quark (void);

/* ISO 19794-2 minutia types */
typedef enum
{
  KS_MINUTIA_OTHER = 0,
  KS_MINUTIA_ENDING = 1,
  KS_MINUTIA_BIFURCATION = 2,
} KsMinutiaType;

typedef struct
{
  guint16 x, y;  /* pixels from the top-left corner */
  guint8 angle;  /* ISO units of 360/256 degrees, counter-clockwise from the x axis */
  guint8 type;   /* KsMinutiaType */
  guint8 quality; /* 0-100 */
} KsMinutia;

#define KS_MINUTIAE_MAX 255

typedef struct
{
  guint16 width, height;  /* image size in pixels */
  guint16 resolution;     /* pixels per centimetre (197 = 500 dpi) */
  guint8 finger_position; /* ISO finger code, 0 = unknown */
  guint8 quality;         /* image quality 0-100 */
  guint n_minutiae;
  KsMinutia minutiae[KS_MINUTIAE_MAX];
} KsMinutiaeTemplate;

/* ISO/IEC 19794-2:2005 record with one finger view and no extended data. */
GBytes             *ks_minutiae_template_to_iso (const KsMinutiaeTemplate *tmpl);
KsMinutiaeTemplate *ks_minutiae_template_from_iso (const guint8 *data, gsize len, GError **error);
KsMinutiaeTemplate *ks_minutiae_template_load (const char *path, GError **error);
gboolean            ks_minutiae_template_save (const KsMinutiaeTemplate *tmpl, const char *path,
                                               GError **error);

G_END_DECLS
