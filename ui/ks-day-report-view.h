/* ks-day-report-view.h: the Review section's day report: one day's figures, printed or saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-day-report.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_DAY_REPORT_VIEW (ks_day_report_view_get_type ())

G_DECLARE_FINAL_TYPE (KsDayReportView, ks_day_report_view, KS, DAY_REPORT_VIEW, AdwBin)

void         ks_day_report_view_set_station (KsDayReportView *self,
                                             KsStation       *station,
                                             KsReference     *reference);
void         ks_day_report_view_show (KsDayReportView *self,
                                      const GDate     *day);
void         ks_day_report_view_reload (KsDayReportView *self);
void         ks_day_report_view_clear (KsDayReportView *self);
gboolean     ks_day_report_view_is_empty (KsDayReportView *self);
KsDayReport *ks_day_report_view_get_report (KsDayReportView *self);
void         ks_day_report_view_write_pdf_async (KsDayReportView    *self,
                                                 const char         *path,
                                                 GCancellable       *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer            user_data);
gboolean     ks_day_report_view_write_pdf_finish (KsDayReportView *self,
                                                  GAsyncResult    *result,
                                                  GError         **error);

G_END_DECLS
