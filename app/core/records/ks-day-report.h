/* ks-day-report.h: the end-of-day report: what was enrolled and decided on one day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "ks-records.h"

G_BEGIN_DECLS

/* One operator's or district's records submitted on the day, by their outcome so far. */
typedef struct
{
  char *key;                   /* operator username, district code or rejection reason id */
  gint64 submitted;
  gint64 awaiting;
  gint64 approved;
  gint64 rejected;
} KsReportGroup;

/* A record the report names: an exception enrolled, or a rejection decided, that day. */
typedef struct
{
  char *kp_id;
  char *full_name;
  char *operator;
  char *district;
  guint flags;
  KsRecordState state;
  KsRecordState decision;
  char *decided_by;
  char *reason;
  char *note;
} KsReportItem;

typedef struct
{
  GDate day;
  gint64 from;                 /* the day's local midnight, µs since the epoch */
  gint64 until;                /* the next midnight */

  /* Records submitted that day, and where they are now */
  gint64 submitted;
  gint64 by_state[KS_RECORD_STATE_SYNC_FAILED + 1];   /* indexed by KsRecordState */
  GPtrArray *by_operator;      /* (element-type KsReportGroup), by username */
  GPtrArray *by_district;      /* (element-type KsReportGroup), by district code */
  GPtrArray *exceptions;       /* (element-type KsReportItem): flagged records */

  /* Decisions taken that day, on records of any day */
  gint64 approved;
  gint64 rejected;
  GPtrArray *rejections;       /* (element-type KsReportItem) */
  GPtrArray *rejection_reasons; /* (element-type KsReportGroup): key = reason, rejected = n */
} KsDayReport;

/* One line of the report as printed: a heading (bold) or a plain line. */
typedef struct
{
  char *text;
  gboolean heading;
} KsReportLine;

KsDayReport *ks_day_report_compute (KsStore     *store,
                                    const GDate *day,
                                    GError     **error);
void         ks_day_report_compute_async (KsStore            *store,
                                          const GDate        *day,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
KsDayReport *ks_day_report_compute_finish (GAsyncResult *result,
                                           GError      **error);
KsDayReport *ks_day_report_ref (KsDayReport *report);
void         ks_day_report_free (KsDayReport *report);
char        *ks_day_report_to_csv (KsDayReport *report,
                                   KsReference *reference);
gboolean     ks_day_report_write_csv (KsDayReport *report,
                                      KsReference *reference,
                                      const char  *path,
                                      GError     **error);
void         ks_day_report_write_csv_async (KsDayReport        *report,
                                            KsReference        *reference,
                                            const char         *path,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean     ks_day_report_write_csv_finish (GAsyncResult *result,
                                             GError      **error);
char        *ks_day_report_format_day (const GDate *day);
char        *ks_report_group_describe (const KsReportGroup *group);
GPtrArray   *ks_day_report_to_lines (KsDayReport *report,
                                     KsReference *reference,
                                     const char  *station_code);
void         ks_day_report_wrap_lines (GPtrArray *lines,
                                       double     width);
guint        ks_day_report_lines_per_page (double height);
void         ks_day_report_draw_page (cairo_t   *cr,
                                      double     width,
                                      double     height,
                                      GPtrArray *lines,
                                      guint      page);
gboolean     ks_day_report_write_pdf (KsDayReport *report,
                                      KsReference *reference,
                                      const char  *station_code,
                                      const char  *path,
                                      GError     **error);
void         ks_day_report_write_pdf_async (KsDayReport        *report,
                                            KsReference        *reference,
                                            const char         *station_code,
                                            const char         *path,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean     ks_day_report_write_pdf_finish (GAsyncResult *result,
                                             GError      **error);
char        *ks_csv_format_line (const char *const *fields);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsDayReport, ks_day_report_free)

G_END_DECLS
