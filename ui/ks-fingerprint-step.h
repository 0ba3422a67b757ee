/* ks-fingerprint-step.h: the enrollment wizard's fingerprint step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-fingers.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_FINGERPRINT_STEP (ks_fingerprint_step_get_type ())

G_DECLARE_FINAL_TYPE (KsFingerprintStep, ks_fingerprint_step, KS, FINGERPRINT_STEP, AdwBin)

void      ks_fingerprint_step_set_station (KsFingerprintStep    *self,
                                           KsStation            *station,
                                           KsFingerprintService *service);
void      ks_fingerprint_step_set_draft (KsFingerprintStep *self,
                                         gint64             draft_id);
gboolean  ks_fingerprint_step_check_complete (KsFingerprintStep *self,
                                              GError           **error);
void      ks_fingerprint_step_check_duplicates_async (KsFingerprintStep  *self,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean  ks_fingerprint_step_check_duplicates_finish (KsFingerprintStep *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
char     *ks_fingerprint_step_describe (KsFingerprintStep *self);
gboolean  ks_fingerprint_step_is_complete (KsFingerprintStep *self);
gboolean  ks_fingerprint_step_is_opening (KsFingerprintStep *self);
gboolean  ks_fingerprint_step_is_capturing (KsFingerprintStep *self);
guint     ks_fingerprint_step_get_n_done (KsFingerprintStep *self);
gboolean  ks_fingerprint_step_get_finger (KsFingerprintStep *self,
                                          FpFinger           finger,
                                          KsFingerStatus    *status,
                                          KsFpGrade         *grade,
                                          guint             *tries);
GtkWidget *ks_fingerprint_step_get_finger_button (KsFingerprintStep *self,
                                                  FpFinger           finger);

G_END_DECLS
