/* ks-review-page-private.h: what the UI tests need from the Review section
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-review-page.h"

G_BEGIN_DECLS

gboolean _ks_review_page_write_pdf (KsReviewPage *self,
                                    const char   *path);

G_END_DECLS
