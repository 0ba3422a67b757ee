/* ks-card-audit.h: every card that leaves the station, printed or exported, is in the audit log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-session.h"
#include "ks-store.h"

G_BEGIN_DECLS

/* The `what` of ks_card_audit_print(): where the card went. */
#define KS_CARD_OUTPUT_CARD_PRINTER "card-printer"  /* printed on CR80 card stock */
#define KS_CARD_OUTPUT_A4           "a4"            /* printed on an A4 sheet, to cut out */
#define KS_CARD_OUTPUT_PDF          "pdf"           /* exported as a PDF file */
#define KS_CARD_OUTPUT_PNG          "png"           /* exported as a PNG image */

gboolean ks_card_audit_print (KsStore    *store,
                              KsSession  *session,
                              const char *kp_id,
                              const char *what,
                              GError    **error);

G_END_DECLS
