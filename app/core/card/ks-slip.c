/* ks-slip.c: the enrollment slip a citizen takes home at submit (it is not an identity card)
 *
 * MOSIP's registration client prints an acknowledgement receipt when a record is sealed: the
 * registration ID, the name, the date, and a QR of the ID alone. The slip does the same. It is
 * not signed and vouches for nothing: the signed card follows once a supervisor approves the
 * record, and the slip says so in English and Urdu. Its QR holds only the Khyber Pass ID, so a
 * clerk finds the record by scanning it and a stranger learns nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-slip"

#include "ks-l10n.h"
#include "config.h"

#include <math.h>

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "ks-records.h"
#include "ks-slip.h"
#include "ks-slip-testing.h"

#define MM_PER_INCH 25.4
#define PT_PER_MM (72.0 / MM_PER_INCH)
#define PNG_DPI 200.0
#define QR_SIDE_MM 34.0
#define QR_QUIET_MODULES 4

#define FONT_LATIN "Noto Sans, DejaVu Sans"
#define FONT_URDU "Noto Nastaliq Urdu, Noto Naskh Arabic, Noto Sans Arabic"

#define GREEN 0x0b6e4f
#define INK 0x1b1f23
#define GREY 0x5f6b76
#define RED 0xb3261e

struct _KsSlip
{
  char *kp_id;
  char *full_name;
  char *full_name_ur;
  gint64 enrolled_at;
  gboolean specimen;
  QRcode *qr;
};

void
ks_slip_free (KsSlip *slip)
{
  if (slip == NULL)
    return;
  g_free (slip->kp_id);
  g_free (slip->full_name);
  g_free (slip->full_name_ur);
  g_clear_pointer (&slip->qr, QRcode_free);
  g_free (slip);
}

/**
 * ks_slip_new:
 * @full_name_ur: (nullable): the name in Urdu
 * @enrolled_at: unix seconds
 * @specimen: print SPECIMEN across it (training)
 *
 * Returns: (transfer full): the slip, or %NULL when the ID cannot be encoded
 */
KsSlip *
ks_slip_new (const char *kp_id,
             const char *full_name,
             const char *full_name_ur,
             gint64      enrolled_at,
             gboolean    specimen,
             GError    **error)
{
  g_autoptr(KsSlip) slip = NULL;

  g_return_val_if_fail (kp_id != NULL && full_name != NULL, NULL);

  slip = g_new0 (KsSlip, 1);
  slip->kp_id = g_strdup (kp_id);
  slip->full_name = g_strdup (full_name);
  slip->full_name_ur = g_strdup (full_name_ur);
  slip->enrolled_at = enrolled_at;
  slip->specimen = specimen;
  /* IDs are upper-case letters, digits and dashes: QR alphanumeric mode, a small code. */
  slip->qr = QRcode_encodeString (kp_id, 0, QR_ECLEVEL_M, QR_MODE_8, TRUE);
  if (slip->qr == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The slip’s code could not be made for %s. Print the slip again."), kp_id);
      return NULL;
    }
  return g_steal_pointer (&slip);
}

/**
 * ks_slip_new_for_record:
 *
 * The slip of a submitted record, as stored.
 */
KsSlip *
ks_slip_new_for_record (KsStore    *store,
                        const char *kp_id,
                        gboolean    specimen,
                        GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  info = ks_records_get_info (store, kp_id, error);
  if (info == NULL)
    return NULL;
  return ks_slip_new (info->kp_id, info->full_name, info->full_name_ur,
                      info->submitted_at / G_USEC_PER_SEC, specimen, error);
}

const char *
ks_slip_get_kp_id (KsSlip *slip)
{
  g_return_val_if_fail (slip != NULL, NULL);
  return slip->kp_id;
}

/* What a scanner reads from the slip's QR: the ID, nothing else. */
const char *
ks_slip_get_qr_text (KsSlip *slip)
{
  g_return_val_if_fail (slip != NULL, NULL);
  return slip->kp_id;
}

static void
set_rgb (cairo_t *cr,
         guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

/* In millimetres: unhinted, unrounded glyphs, as ks-card.c explains. Returns the height. */
static double
draw_text (cairo_t       *cr,
           const char    *text,
           const char    *family,
           double         size_mm,
           gboolean       bold,
           double         x,
           double         y,
           double         width,
           PangoAlignment align,
           guint32        color)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *desc;
  cairo_font_options_t *options;
  PangoRectangle logical;

  if (text == NULL || *text == '\0')
    return 0;
  layout = pango_cairo_create_layout (cr);
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  pango_layout_context_changed (layout);

  desc = pango_font_description_from_string (family);
  pango_font_description_set_absolute_size (desc, size_mm * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_set_alignment (layout, align);
  pango_layout_set_auto_dir (layout, FALSE);
  pango_layout_set_text (layout, text, -1);

  set_rgb (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_extents (layout, NULL, &logical);
  return (double)logical.height / PANGO_SCALE;
}

static void
draw_qr (const QRcode *qr,
         cairo_t      *cr,
         double        x,
         double        y)
{
  double m = QR_SIDE_MM / (qr->width + 2 * QR_QUIET_MODULES);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, QR_SIDE_MM, QR_SIDE_MM);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[row * qr->width + col] & 1)
        cairo_rectangle (cr, x + (QR_QUIET_MODULES + col) * m, y + (QR_QUIET_MODULES + row) * m,
                         m, m);
  cairo_fill (cr);
  cairo_restore (cr);
}

/**
 * ks_slip_render:
 * @cr: user units in millimetres, the slip's top-left corner at the origin
 *
 * The labels are English and Urdu whatever the operator's language, like the card's.
 */
void
ks_slip_render (KsSlip  *slip,
                cairo_t *cr)
{
  const double left = 8.0, text_w = KS_SLIP_WIDTH_MM - QR_SIDE_MM - 22.0;
  const double qr_x = KS_SLIP_WIDTH_MM - QR_SIDE_MM - 8.0;
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;
  double y;

  g_return_if_fail (slip != NULL && cr != NULL);

  dt = g_date_time_new_from_unix_local (slip->enrolled_at);
  date = ks_format_day (dt);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, KS_SLIP_WIDTH_MM, KS_SLIP_HEIGHT_MM);
  cairo_fill (cr);
  set_rgb (cr, GREEN);
  cairo_rectangle (cr, 0, 0, KS_SLIP_WIDTH_MM, 13.0);
  cairo_fill (cr);
  draw_text (cr, "Khyber Pass · Enrollment slip", FONT_LATIN, 4.6, TRUE, left, 3.2, 100,
             PANGO_ALIGN_LEFT, 0xffffff);
  draw_text (cr, "خیبر پاس · اندراج کی رسید", FONT_URDU, 4.0, FALSE, 70, 1.0,
             KS_SLIP_WIDTH_MM - 78, PANGO_ALIGN_RIGHT, 0xffffff);

  /* What it is not comes first: nobody should take it for a card. */
  cairo_save (cr);
  set_rgb (cr, RED);
  cairo_set_line_width (cr, 0.5);
  cairo_rectangle (cr, left, 17.0, KS_SLIP_WIDTH_MM - 2 * left, 11.0);
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_text (cr, "NOT AN IDENTITY CARD", FONT_LATIN, 4.4, TRUE, left + 3, 19.6, 80,
             PANGO_ALIGN_LEFT, RED);
  draw_text (cr, "یہ شناختی کارڈ نہیں ہے", FONT_URDU, 4.0, FALSE, 80, 17.6,
             KS_SLIP_WIDTH_MM - 2 * left - 75, PANGO_ALIGN_RIGHT, RED);

  y = 33.0;
  draw_text (cr, "Khyber Pass ID", FONT_LATIN, 2.6, FALSE, left, y, text_w, PANGO_ALIGN_LEFT,
             GREY);
  y += 3.6;
  y += draw_text (cr, slip->kp_id, "DejaVu Sans Mono", 5.4, TRUE, left, y, text_w + 10,
                  PANGO_ALIGN_LEFT, INK);
  y += 2.0;
  draw_text (cr, "Name · نام", FONT_LATIN ", Noto Naskh Arabic", 2.6, FALSE, left, y, text_w,
             PANGO_ALIGN_LEFT, GREY);
  y += 3.6;
  y += draw_text (cr, slip->full_name, FONT_LATIN, 4.2, TRUE, left, y, text_w, PANGO_ALIGN_LEFT,
                  INK);
  y += draw_text (cr, slip->full_name_ur, FONT_URDU, 3.8, FALSE, left, y, text_w,
                  PANGO_ALIGN_RIGHT, INK);
  y += 1.5;
  draw_text (cr, "Enrolled on · تاریخ اندراج", FONT_LATIN ", Noto Naskh Arabic", 2.6, FALSE,
             left, y, text_w, PANGO_ALIGN_LEFT, GREY);
  y += 3.6;
  draw_text (cr, date, FONT_LATIN, 4.0, FALSE, left, y, text_w, PANGO_ALIGN_LEFT, INK);

  draw_qr (slip->qr, cr, qr_x, 33.0);
  draw_text (cr, "The code holds the ID only", FONT_LATIN, 2.2, FALSE, qr_x, 33.0 + QR_SIDE_MM
             + 0.8, QR_SIDE_MM, PANGO_ALIGN_CENTER, GREY);

  draw_text (cr, "Keep this slip. A supervisor reviews the record; once it is approved, the "
             "signed Khyber Pass card is printed for you. Bring this slip to collect it.",
             FONT_LATIN, 2.6, FALSE, left, 86.0, KS_SLIP_WIDTH_MM - 2 * left, PANGO_ALIGN_LEFT,
             INK);
  draw_text (cr, "یہ رسید سنبھال کر رکھیں۔ منظوری کے بعد آپ کا دستخط شدہ کارڈ جاری ہوگا۔",
             FONT_URDU, 2.8, FALSE, left, 92.8, KS_SLIP_WIDTH_MM - 2 * left, PANGO_ALIGN_RIGHT,
             INK);

  if (slip->specimen)
    {
      cairo_save (cr);
      cairo_translate (cr, KS_SLIP_WIDTH_MM / 2, KS_SLIP_HEIGHT_MM / 2);
      cairo_rotate (cr, -atan2 (KS_SLIP_HEIGHT_MM, KS_SLIP_WIDTH_MM));
      cairo_push_group (cr);
      draw_text (cr, "SPECIMEN", FONT_LATIN, 20.0, TRUE, -80, -14, 160, PANGO_ALIGN_CENTER,
                 0xc62828);
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, 0.35);
      cairo_restore (cr);
    }

  /* A cutting line around the slip when it is printed on a larger sheet. */
  cairo_set_line_width (cr, 0.2);
  cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
  cairo_rectangle (cr, 0.1, 0.1, KS_SLIP_WIDTH_MM - 0.2, KS_SLIP_HEIGHT_MM - 0.2);
  cairo_stroke (cr);
  cairo_restore (cr);
}

/**
 * ks_slip_write_file:
 * @path: FILE.pdf (one A6 page) or FILE.png (200 dpi)
 */
gboolean
ks_slip_write_file (KsSlip     *slip,
                    const char *path,
                    GError    **error)
{
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  gboolean pdf;

  g_return_val_if_fail (slip != NULL && path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  pdf = g_str_has_suffix (lower, ".pdf");
  if (!pdf && !g_str_has_suffix (lower, ".png"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A slip can be written as PDF or PNG only: name the file “….pdf” or "
                     "“….png”."));
      return FALSE;
    }
  if (pdf)
    {
      surface = cairo_pdf_surface_create (path, KS_SLIP_WIDTH_MM * PT_PER_MM,
                                          KS_SLIP_HEIGHT_MM * PT_PER_MM);
      cr = cairo_create (surface);
      cairo_scale (cr, PT_PER_MM, PT_PER_MM);
      ks_slip_render (slip, cr);
      cairo_show_page (cr);
    }
  else
    {
      double scale = PNG_DPI / MM_PER_INCH;

      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                            (int)ceil (KS_SLIP_WIDTH_MM * scale),
                                            (int)ceil (KS_SLIP_HEIGHT_MM * scale));
      cr = cairo_create (surface);
      cairo_scale (cr, scale, scale);
      ks_slip_render (slip, cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && !pdf)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The slip could not be written to %s (%s). Choose another folder, or free "
                     "some disk space."),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  KsSlip *slip;
  char *path;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_pointer (&job->slip, ks_slip_free);
  g_free (job->path);
  g_free (job);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (!ks_slip_write_file (job->slip, job->path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_slip_write_file_async:
 *
 * ks_slip_write_file() in a worker thread, on a copy of @slip: the caller may free its own
 * at once.
 */
void
ks_slip_write_file_async (KsSlip             *slip,
                          const char         *path,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  WriteJob *job;

  g_return_if_fail (slip != NULL);
  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_slip_write_file_async);
  job = g_new0 (WriteJob, 1);
  job->slip = ks_slip_new (slip->kp_id, slip->full_name, slip->full_name_ur, slip->enrolled_at,
                           slip->specimen, &error);
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify)write_job_free);
  if (job->slip == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, write_thread);
}

gboolean
ks_slip_write_file_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
