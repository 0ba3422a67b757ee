/* ks-enroll-summary.h: a record read back to the citizen before submit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "ks-record.h"
#include "ks-reference.h"

G_BEGIN_DECLS

#define KS_TYPE_ENROLL_SUMMARY (ks_enroll_summary_get_type ())

G_DECLARE_FINAL_TYPE (KsEnrollSummary, ks_enroll_summary, KS, ENROLL_SUMMARY, GtkGrid)

void ks_enroll_summary_show (KsEnrollSummary *self,
                             KsRecord        *record,
                             KsReference     *reference,
                             const char      *fingers);

G_END_DECLS
