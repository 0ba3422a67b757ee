/* ks-verify-page.h: the Verify section: is this card genuine, whose is it, who issued it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-card-scan.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_VERIFY_PAGE (ks_verify_page_get_type ())

G_DECLARE_FINAL_TYPE (KsVerifyPage, ks_verify_page, KS, VERIFY_PAGE, AdwBin)

void        ks_verify_page_set_station (KsVerifyPage *self,
                                        KsStation    *station);
void        ks_verify_page_set_session (KsVerifyPage *self,
                                        KsSession    *session);
void        ks_verify_page_open_file (KsVerifyPage *self,
                                      GFile        *file);
void        ks_verify_page_open_dialog (KsVerifyPage *self);
gboolean    ks_verify_page_is_busy (KsVerifyPage *self);
gboolean    ks_verify_page_get_verdict (KsVerifyPage *self,
                                        KsVerdict    *verdict);

G_END_DECLS
