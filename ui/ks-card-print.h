/* ks-card-print.h: printing a Khyber Pass card with GtkPrintOperation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ks-card.h"

G_BEGIN_DECLS

typedef enum
{
  KS_CARD_PRINT_CARD_PRINTER,  /* CR80 (ID-1) card stock: front on page 1, back on page 2 */
  KS_CARD_PRINT_A4,            /* one A4 sheet: front and back side by side, with cut marks */
} KsCardPrintLayout;

/* Space between the two sides on the A4 sheet, and where the cut marks start. */
#define KS_CARD_PRINT_A4_GAP_MM 16.0
#define KS_CARD_PRINT_A4_TOP_MM 30.0

GtkPrintOperation *ks_card_print_operation_new (KsCard           *card,
                                                KsCardPrintLayout layout);
const char        *ks_card_print_layout_to_output (KsCardPrintLayout layout);

G_END_DECLS
