/* ks-review-page-private.h: the Review page's struct, shared by its files, and what the UI
 * tests need from it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-day-report-view.h"
#include "ks-record-detail.h"
#include "ks-review-page.h"

G_BEGIN_DECLS

struct _KsReviewPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *rules_banner;
  GtkLabel *scope_label;
  GtkStack *main_stack;
  GtkStack *records_stack;
  GtkSearchEntry *search_entry;
  GtkDropDown *state_dropdown;
  GtkDropDown *date_dropdown;
  GtkDropDown *district_dropdown;
  GtkDropDown *operator_dropdown;
  GtkColumnView *column_view;
  GtkSpinner *list_spinner;
  AdwStatusPage *empty_page;
  GtkLabel *count_label;
  GtkButton *approve_button;
  GtkButton *reject_button;
  KsRecordDetail *detail;
  KsDayReportView *report_view;

  /* Made in init, beside the date filter */
  GtkEntry *date_from_entry;
  GtkEntry *date_until_entry;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsReference *reference;
  KsRecordList *list;
  GtkMultiSelection *selection;
  GPtrArray *district_codes;   /* parallel to district_dropdown; [0] = "" (all) */
  GPtrArray *operator_names;   /* parallel to operator_dropdown; [0] = "" (all) */
  KsRecordRow *probe_a;
  KsRecordRow *probe_b;
  int probed_sort;
  gboolean sort_ascending;     /* with probed_sort: the order the supervisor chose */
  GtkColumnViewColumn *sort_columns[KS_RECORD_SORT_STATE + 1];   /* (unowned) */
  gboolean resorting;
  char *rules_message;
  GCancellable *cancellable;   /* everything the page started; cancelled by dispose */
  GCancellable *rules_check;   /* the rules check running; cancelled by a newer one */
  GCancellable *accounts_load; /* the operators being listed; cancelled by a newer list */
  GCancellable *list_load;     /* the list being made; cancelled by a newer one, dispose */
  guint filter_serial;         /* bumped by each filter asked for; only the last one counts */
  gboolean filter_pending;     /* the last filter asked for is still being read */
  gboolean loading;            /* the list is read for a new session: none of it shows */
  gboolean deciding;
  gboolean filtered;           /* a search or filter narrows the list */
};

gboolean _ks_review_page_can_review (KsReviewPage *self);
void     _ks_review_page_actions_update (KsReviewPage *self);
void     _ks_review_page_setup_columns (KsReviewPage *self);
void     _ks_review_page_update_count (KsReviewPage *self);
void     _ks_review_page_apply_filter (KsReviewPage *self,
                                       gboolean      new_session);
void     _ks_review_page_class_actions_init (GtkWidgetClass *widget_class);

/* For the UI tests: writes the report shown to @path, as Save as PDF does. */
void     _ks_review_page_write_pdf_async (KsReviewPage       *self,
                                          const char         *path,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean _ks_review_page_write_pdf_finish (KsReviewPage *self,
                                           GAsyncResult *result,
                                           GError      **error);

G_END_DECLS
