/* ks-card-print.c: printing a Khyber Pass card with GtkPrintOperation
 *
 * Two page set-ups. A card printer takes CR80 blanks, the ID-1 size itself, printed edge to
 * edge, front then back (a duplex card printer turns the card between the two pages). An
 * office printer gets one A4 sheet with both sides next to each other and cut marks outside
 * the card's corners, so the marks never show on the cut card.
 *
 * The card's renderer draws in millimetres, so the operation works in GTK_UNIT_MM and on the
 * full page: one card millimetre is one paper millimetre whatever the printer's resolution.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-print"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-card-audit.h"
#include "ks-card-print.h"

/* The marks: 4 mm long, starting 2 mm away from the corner, hairline-thin. */
#define CUT_MARK_LENGTH_MM 4.0
#define CUT_MARK_OFFSET_MM 2.0
#define CUT_MARK_WIDTH_MM 0.15

typedef struct
{
  KsCard *card;       /* borrowed: the operation is run while the caller holds the card */
  KsCardPrintLayout layout;
} PrintJob;

static void
draw_cut_marks (cairo_t *cr,
                double   x,
                double   y)
{
  const double corners[4][2] = {
    { x, y }, { x + KS_CARD_WIDTH_MM, y },
    { x, y + KS_CARD_HEIGHT_MM }, { x + KS_CARD_WIDTH_MM, y + KS_CARD_HEIGHT_MM },
  };

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, CUT_MARK_WIDTH_MM);
  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      double cx = corners[i][0], cy = corners[i][1];
      /* Point away from the card: left corners go left, top corners go up. */
      double dx = (i % 2 == 0) ? -1 : 1;
      double dy = (i < 2) ? -1 : 1;

      /* Along the horizontal edge's line, then along the vertical edge's line. */
      cairo_move_to (cr, cx + dx * CUT_MARK_OFFSET_MM, cy);
      cairo_line_to (cr, cx + dx * (CUT_MARK_OFFSET_MM + CUT_MARK_LENGTH_MM), cy);
      cairo_move_to (cr, cx, cy + dy * CUT_MARK_OFFSET_MM);
      cairo_line_to (cr, cx, cy + dy * (CUT_MARK_OFFSET_MM + CUT_MARK_LENGTH_MM));
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_caption (cairo_t    *cr,
              const char *text,
              double      x,
              double      y)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Noto Sans");
  cairo_font_options_t *options = cairo_font_options_create ();

  /* The unit is the millimetre: hinted metrics and rounded glyph positions would snap each
   * letter to whole millimetres and spread the words apart (as ks-card.c explains). */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);

  pango_font_description_set_absolute_size (font, 2.8 * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
draw_side (KsCard  *card,
           cairo_t *cr,
           gboolean front,
           double   x,
           double   y)
{
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rectangle (cr, 0, 0, KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM);
  cairo_clip (cr);
  if (front)
    ks_card_render_front (card, cr);
  else
    ks_card_render_back (card, cr);
  cairo_restore (cr);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              PrintJob          *job)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);

  if (job->layout == KS_CARD_PRINT_CARD_PRINTER)
    {
      draw_side (job->card, cr, page_nr == 0, 0, 0);
      return;
    }

  {
    double page_width = gtk_print_context_get_width (context);
    double x = (page_width - 2 * KS_CARD_WIDTH_MM - KS_CARD_PRINT_A4_GAP_MM) / 2;
    double y = KS_CARD_PRINT_A4_TOP_MM;
    double x2 = x + KS_CARD_WIDTH_MM + KS_CARD_PRINT_A4_GAP_MM;
    g_autofree char *title = g_strdup_printf (_("Khyber Pass card %s: cut along the marks, "
                                                "then laminate front and back together."),
                                              ks_card_get_kp_id (job->card));

    draw_caption (cr, title, x, y - 22);
    draw_caption (cr, _("Front"), x, y - 13);
    draw_caption (cr, _("Back"), x2, y - 13);
    draw_side (job->card, cr, TRUE, x, y);
    draw_side (job->card, cr, FALSE, x2, y);
    draw_cut_marks (cr, x, y);
    draw_cut_marks (cr, x2, y);
  }
}

static GtkPageSetup *
page_setup_for (KsCardPrintLayout layout)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;

  if (layout == KS_CARD_PRINT_CARD_PRINTER)
    {
      /* Card printers list CR80 in landscape: wider than tall, no margins. */
      paper = gtk_paper_size_new_custom ("ks-cr80", _("CR80 card (ID-1)"),
                                         KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM, GTK_UNIT_MM);
      gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
    }
  else
    {
      paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
      gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
    }
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_MM);
  return setup;
}

/**
 * ks_card_print_operation_new:
 * @card: the card; it must outlive the operation
 *
 * A print operation set up for @layout: paper, pages, millimetres, job name. Run it with
 * gtk_print_operation_run(); GTK_PRINT_OPERATION_ACTION_PREVIEW shows GTK's print preview, and
 * GTK_PRINT_OPERATION_ACTION_EXPORT with an export filename writes a PDF without a dialog.
 * The caller audits a print once it is done (ks_card_audit_print()).
 *
 * Returns: (transfer full): the operation
 */
GtkPrintOperation *
ks_card_print_operation_new (KsCard           *card,
                             KsCardPrintLayout layout)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autofree char *job_name = NULL;
  PrintJob *job;

  g_return_val_if_fail (card != NULL, NULL);

  operation = gtk_print_operation_new ();
  setup = page_setup_for (layout);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_MM);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_n_pages (operation, layout == KS_CARD_PRINT_CARD_PRINTER ? 2 : 1);
  /* The paper is chosen here: a page set-up changed in the dialog would shrink the card. */
  gtk_print_operation_set_embed_page_setup (operation, FALSE);
  job_name = g_strdup_printf (_("Khyber Pass card %s"), ks_card_get_kp_id (card));
  gtk_print_operation_set_job_name (operation, job_name);

  job = g_new0 (PrintJob, 1);
  job->card = card;
  job->layout = layout;
  g_object_set_data_full (G_OBJECT (operation), "ks-print-job", job, g_free);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), job);

  return operation;
}

/**
 * ks_card_print_layout_to_output:
 *
 * Returns: the `KS_CARD_OUTPUT_*` string ks_card_audit_print() records for @layout
 */
const char *
ks_card_print_layout_to_output (KsCardPrintLayout layout)
{
  return layout == KS_CARD_PRINT_CARD_PRINTER ? KS_CARD_OUTPUT_CARD_PRINTER : KS_CARD_OUTPUT_A4;
}
