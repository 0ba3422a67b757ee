/* ks-fingers.h: a citizen's captured fingers, encrypted at rest, for drafts and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

#include "ks-fingerprint-service.h"
#include "ks-fp-quality.h"
#include "ks-session.h"
#include "ks-store.h"
#include "ks-vault.h"

G_BEGIN_DECLS

typedef enum
{
  KS_FINGER_CAPTURED,   /* enrolled, quality fair or good */
  KS_FINGER_FORCED,     /* kept after three poor tries: the best of them */
  KS_FINGER_MISSING,    /* not captured, with a reason from missing-finger-reasons.json */
} KsFingerStatus;

/* Which fingers a station asks for (the `capture-set` setting). */
typedef enum
{
  KS_CAPTURE_SET_THUMBS_AND_INDEX,
  KS_CAPTURE_SET_ALL_TEN,
} KsCaptureSet;

typedef struct
{
  FpFinger finger;
  KsFingerStatus status;
  char *reason;            /* MISSING: the reason id; otherwise NULL */
  KsFpQuality quality;     /* of the kept try */
  guint tries;
  gboolean duplicate;      /* equals a finger already on record for this CNIC */
  GBytes *template_blob;   /* fp_print_serialize(); NULL when missing */
  GBytes *image;           /* 8-bit grey of the kept impression; NULL when missing */
  guint width;
  guint height;
  char *capture_id;        /* the stored row's, when loaded; NULL for a capture not yet saved */
  GBytes *iso_template;    /* the station's ISO/IEC 19794-2:2005 template of the kept image;
                            * NULL when missing, when no print could be read in it, and for
                            * captures stored before the station had its own templates */
  guint quality_score;     /* NFIQ-like 0-100 of the kept image (ks_fp_quality_extract()) */
} KsFingerCapture;

KsFingerCapture *ks_finger_capture_new (FpFinger finger);
void             ks_finger_capture_free (KsFingerCapture *capture);

const char      *ks_finger_get_label (FpFinger finger);
const char      *ks_finger_status_to_string (KsFingerStatus status);
const FpFinger  *ks_fingers_get_required (KsCaptureSet set,
                                          guint       *n_fingers);

gboolean         ks_fingers_save_draft (KsStore               *store,
                                        KsVault               *vault,
                                        gint64                 draft_id,
                                        const KsFingerCapture *capture,
                                        GError               **error);
gboolean         ks_fingers_remove_draft_finger (KsStore *store,
                                                 gint64   draft_id,
                                                 FpFinger finger,
                                                 GError **error);
gboolean         ks_fingers_set_duplicates (KsStore        *store,
                                            gint64          draft_id,
                                            const FpFinger *fingers,
                                            guint           n_fingers,
                                            GError        **error);
GPtrArray       *ks_fingers_load_draft (KsStore *store,
                                        KsVault *vault,
                                        gint64   draft_id,
                                        GError **error);
GPtrArray       *ks_fingers_load_record (KsStore *store,
                                         KsVault *vault,
                                         gint64   record_id,
                                         GError **error);
GPtrArray       *ks_fingers_load_record_templates (KsStore *store,
                                                   KsVault *vault,
                                                   gint64   record_id,
                                                   GError **error);
gboolean         ks_fingers_copy_record_to_draft (KsStore *store,
                                                  gint64   record_id,
                                                  gint64   draft_id,
                                                  GError **error);
gboolean         ks_fingers_move_to_record (KsStore *store,
                                            gint64   draft_id,
                                            gint64   record_id,
                                            GError **error);

KsFingerCapture *ks_finger_capture_copy (const KsFingerCapture *capture);
gboolean         ks_finger_capture_extract (KsFingerCapture *capture);
gboolean         ks_fingers_store_template (KsStore               *store,
                                            KsVault               *vault,
                                            gint64                 record_id,
                                            const KsFingerCapture *capture,
                                            GError               **error);
void             ks_fingers_capture_async (KsFingerprintService     *service,
                                           FpFinger                  finger,
                                           GCancellable             *cancellable,
                                           KsFingerprintProgressFunc progress,
                                           gpointer                  progress_data,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
KsFingerCapture *ks_fingers_capture_finish (GAsyncResult *result,
                                            GError      **error);
void             ks_fingers_save_draft_async (KsStore               *store,
                                              KsVault               *vault,
                                              gint64                 draft_id,
                                              const KsFingerCapture *capture,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
gboolean         ks_fingers_save_draft_finish (GAsyncResult *result,
                                               GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsFingerCapture, ks_finger_capture_free)

G_END_DECLS
