/* ks-enroll-page.h: the citizen enrollment wizard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

typedef enum
{
  KS_ENROLL_STEP_IDENTITY,
  KS_ENROLL_STEP_PERSONAL,
  KS_ENROLL_STEP_ADDRESS,
  KS_ENROLL_STEP_SERVICES,
  KS_ENROLL_STEP_FINGERPRINTS,
  KS_ENROLL_STEP_REVIEW,
  KS_ENROLL_STEP_CARD,
  KS_ENROLL_N_STEPS
} KsEnrollStep;

#define KS_TYPE_ENROLL_PAGE (ks_enroll_page_get_type ())

G_DECLARE_FINAL_TYPE (KsEnrollPage, ks_enroll_page, KS, ENROLL_PAGE, AdwBin)

void          ks_enroll_page_set_station (KsEnrollPage *self,
                                          KsStation    *station);
void          ks_enroll_page_set_session (KsEnrollPage *self,
                                          KsSession    *session);
KsEnrollStep  ks_enroll_page_get_step (KsEnrollPage *self);
const char   *ks_enroll_page_get_mode (KsEnrollPage *self);
const char   *ks_enroll_page_get_submitted_id (KsEnrollPage *self);
gint64        ks_enroll_page_get_draft_id (KsEnrollPage *self);
void          ks_enroll_page_set_guided (KsEnrollPage *self,
                                         gboolean      guided);
gboolean      ks_enroll_page_get_guided (KsEnrollPage *self);
void          ks_enroll_page_flush_async (KsEnrollPage       *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean      ks_enroll_page_flush_finish (KsEnrollPage *self,
                                           GAsyncResult *result,
                                           GError      **error);
void          ks_enroll_page_wait_for (KsEnrollPage *self,
                                       KsEnrollPage *previous);
void          ks_enroll_page_load_photo (KsEnrollPage *self,
                                         GFile        *file);

G_END_DECLS
