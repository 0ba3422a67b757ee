/* ks-holder-check.h: is the person holding a card the citizen enrolled for it (1:1 verify)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingerprint-service.h"
#include "ks-store.h"
#include "ks-vault.h"

G_BEGIN_DECLS

#define KS_TYPE_HOLDER_CHECK (ks_holder_check_get_type ())

G_DECLARE_FINAL_TYPE (KsHolderCheck, ks_holder_check, KS, HOLDER_CHECK, GObject)

/* The false-match rate the 1:1 check of a card holder is decided at: see ks-holder-check.c. */
#define KS_HOLDER_CHECK_FMR 0.001

typedef struct
{
  FpFinger finger;    /* the finger that was asked for and compared */
  gboolean matched;
  gboolean on_reader; /* decided by the reader (libfprint), not by the station's matcher */
  double score;       /* ks_minutiae_compare() score, the best of the finger's templates; -1
                       * when decided on the reader */
  double fmr;         /* estimated false-match rate of that score; -1 when on the reader */
} KsHolderVerdict;

KsHolderCheck *ks_holder_check_load (KsStore      *store,
                                     KsVault      *vault,
                                     const char   *kp_id,
                                     GCancellable *cancellable,
                                     GError      **error);

const char    *ks_holder_check_get_kp_id (KsHolderCheck *self);
FpFinger       ks_holder_check_get_finger (KsHolderCheck *self);
guint          ks_holder_check_get_n_fingers (KsHolderCheck *self);
FpFinger       ks_holder_check_next_finger (KsHolderCheck *self);

void           ks_holder_check_scan_async (KsHolderCheck            *self,
                                           KsFingerprintService     *service,
                                           GCancellable             *cancellable,
                                           KsFingerprintProgressFunc progress,
                                           gpointer                  progress_data,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
gboolean       ks_holder_check_scan_finish (KsHolderCheck   *self,
                                            GAsyncResult    *result,
                                            KsHolderVerdict *verdict,
                                            GError         **error);

G_END_DECLS
