/* ks-card-audit.h: every card that leaves the station, printed or exported, is in the audit log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-card.h"
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
void     ks_card_audit_print_async (KsStore            *store,
                                    KsSession          *session,
                                    const char         *kp_id,
                                    const char         *what,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data);
gboolean ks_card_audit_print_finish (KsStore      *store,
                                     GAsyncResult *result,
                                     GError      **error);
gboolean ks_card_export (KsStore    *store,
                         KsSession  *session,
                         KsCard     *card,
                         const char *path,
                         GError    **error);
void     ks_card_export_async (KsStore            *store,
                               KsSession          *session,
                               KsCard             *card,
                               const char         *path,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data);
gboolean ks_card_export_finish (KsStore      *store,
                                GAsyncResult *result,
                                GError      **error);

G_END_DECLS
