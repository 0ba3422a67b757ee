/* ks-fingerprint-step-private.h: what the fingerprint step's files share
 *
 * The step spreads over ks-fingerprint-step.c (life cycle, what is shown, the public API) and
 * ks-fingerprint-step-capture.c (taking a finger: tries, keep best, missing). Its children
 * KsHandsView and KsScannerSimulator have their own templates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingerprint-step.h"
#include "ks-hands-view.h"
#include "ks-scanner-simulator.h"

G_BEGIN_DECLS

#define MAX_TRIES 3

struct _KsFingerprintStep
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkToggleButton *trainer_button;
  GtkRevealer *trainer_revealer;
  KsScannerSimulator *scanner_simulator;
  GtkBox *trouble_box;
  GtkLabel *trouble_title;
  GtkLabel *trouble_label;
  GtkButton *retry_button;
  KsHandsView *hands_view;
  GtkLabel *finger_title;
  GtkLabel *prompt_label;
  GtkProgressBar *stage_bar;
  GtkPicture *capture_picture;
  GtkBox *quality_box;
  GtkImage *quality_icon;
  GtkLabel *quality_label;
  GtkLabel *quality_detail;
  GtkLabel *attempt_label;
  GtkButton *capture_button;
  GtkButton *keep_best_button;
  GtkButton *missing_button;
  GtkButton *cancel_button;
  GtkBox *missing_box;
  GtkDropDown *reason_drop_down;
  GtkButton *missing_confirm_button;
  GtkSpinner *check_spinner;
  GtkLabel *summary_label;

  /* Borrowed from the station */
  KsFingerprintService *service;

  /* Owned */
  KsStation *station;
  GCancellable *cancellable;        /* the capture running now */
  GCancellable *check_cancellable;  /* the duplicate check running now */
  GCancellable *open_cancellable;   /* the draft's fingers being read and unsealed */
  KsFingerCapture *fingers[FP_FINGER_LAST + 1];
  gboolean required[FP_FINGER_LAST + 1];
  gint64 draft_id;
  FpFinger selected;

  /* The finger being captured: its tries so far, and the impressions of the running try. */
  KsFingerCapture *tries[MAX_TRIES];
  guint n_tries;
  guint n_shots;
  gboolean capturing;
  gboolean checking;
  gboolean opening;                 /* the draft's fingers are not read yet */
  int trouble_code;                 /* the KS_FINGERPRINT_ERROR shown, or 0 */
};

/* ks-fingerprint-step.c */
void     _ks_fingerprint_step_emit_changed (KsFingerprintStep *self);
void     _ks_fingerprint_step_emit_all_done (KsFingerprintStep *self);
void     _ks_fingerprint_step_update_all (KsFingerprintStep *self);
void     _ks_fingerprint_step_update_finger (KsFingerprintStep *self,
                                             FpFinger           finger);
void     _ks_fingerprint_step_show_selected (KsFingerprintStep *self);
void     _ks_fingerprint_step_show_attempt (KsFingerprintStep *self,
                                            const char        *message);
void     _ks_fingerprint_step_show_image (KsFingerprintStep *self,
                                          GBytes            *grey,
                                          guint              width,
                                          guint              height);
void     _ks_fingerprint_step_show_quality (KsFingerprintStep *self,
                                            const KsFpQuality *quality);
void     _ks_fingerprint_step_show_trouble (KsFingerprintStep *self,
                                            const GError      *error);
void     _ks_fingerprint_step_show_no_reader_if_needed (KsFingerprintStep *self);
FpFinger _ks_fingerprint_step_next_pending (KsFingerprintStep *self);

/* ks-fingerprint-step-capture.c */
void     _ks_fingerprint_step_clear_tries (KsFingerprintStep *self);
void     _ks_fingerprint_step_cancel_capture (KsFingerprintStep *self);
void     _ks_fingerprint_step_select_finger (KsFingerprintStep *self,
                                             FpFinger           finger);
void     _ks_fingerprint_step_capture_class_init (GtkWidgetClass *widget_class);

G_END_DECLS
