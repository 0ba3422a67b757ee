/* ks-fingerprint-service.h: the fingerprint reader, driven from its own thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <fprint.h>

#include "ks-fp-match.h"
#include "ks-fp-quality.h"

G_BEGIN_DECLS

#define KS_FINGERPRINT_ERROR (ks_fingerprint_error_quark ())

/* Cancellation by the caller is reported as G_IO_ERROR_CANCELLED, not with this domain. */
typedef enum
{
  KS_FINGERPRINT_ERROR_NO_READER = 1,
  KS_FINGERPRINT_ERROR_UNPLUGGED,
  KS_FINGERPRINT_ERROR_BUSY,
  KS_FINGERPRINT_ERROR_TIMEOUT,
  KS_FINGERPRINT_ERROR_OVERHEATED,
  KS_FINGERPRINT_ERROR_UNEXPECTED,
  KS_FINGERPRINT_ERROR_BAD_SCAN, /* the scan was unusable (verify/identify/capture): try again */
} KsFingerprintError;

typedef enum
{
  KS_FINGERPRINT_EVENT_PLACE_FINGER, /* the reader waits for a finger */
  KS_FINGERPRINT_EVENT_FINGER_DOWN,  /* a finger is on the reader: hold still */
  KS_FINGERPRINT_EVENT_FINGER_UP,    /* the finger was lifted */
  KS_FINGERPRINT_EVENT_STAGE_DONE,   /* one enrolment stage captured: image and quality set */
  KS_FINGERPRINT_EVENT_RETRY,        /* the scan was not usable: show message, scan again */
} KsFingerprintEvent;

typedef struct
{
  KsFingerprintEvent event;
  guint stage;    /* stages completed so far (enrolment), else 0 */
  guint n_stages; /* stages of an enrolment, else 1 */
  GBytes *image;  /* STAGE_DONE: 8-bit grey, row-major, or NULL */
  guint width;
  guint height;
  KsFpQuality quality; /* STAGE_DONE */
  const char *message; /* RETRY: what to tell the citizen, translated */
} KsFingerprintProgress;

typedef struct _KsFingerprintService KsFingerprintService;

typedef void (*KsFingerprintProgressFunc) (KsFingerprintService        *service,
                                           const KsFingerprintProgress *progress,
                                           gpointer                     user_data);

#define KS_TYPE_FINGERPRINT_SERVICE (ks_fingerprint_service_get_type ())

G_DECLARE_FINAL_TYPE (KsFingerprintService, ks_fingerprint_service, KS, FINGERPRINT_SERVICE,
                      GObject)

GQuark ks_fingerprint_error_quark (void);

KsFingerprintService *ks_fingerprint_service_new (void);
gboolean ks_fingerprint_service_has_reader (KsFingerprintService *self);
gboolean ks_fingerprint_service_can_capture (KsFingerprintService *self);
const char *ks_fingerprint_service_get_reader_name (KsFingerprintService *self);
guint ks_fingerprint_service_get_n_enroll_stages (KsFingerprintService *self);
guint ks_fingerprint_service_get_timeout (KsFingerprintService *self);

void ks_fingerprint_service_enroll_async (KsFingerprintService *self, FpFinger finger,
                                          const char *username, GCancellable *cancellable,
                                          KsFingerprintProgressFunc progress,
                                          gpointer progress_data, GAsyncReadyCallback callback,
                                          gpointer user_data);
FpPrint *ks_fingerprint_service_enroll_finish (KsFingerprintService *self, GAsyncResult *result,
                                               GError **error);

void ks_fingerprint_service_verify_async (KsFingerprintService *self, FpPrint *template_print,
                                          GCancellable *cancellable,
                                          KsFingerprintProgressFunc progress,
                                          gpointer progress_data, GAsyncReadyCallback callback,
                                          gpointer user_data);
gboolean ks_fingerprint_service_verify_finish (KsFingerprintService *self, GAsyncResult *result,
                                               gboolean *matched, FpPrint **scan, GError **error);

void ks_fingerprint_service_identify_async (KsFingerprintService *self, GPtrArray *gallery,
                                            GCancellable *cancellable,
                                            KsFingerprintProgressFunc progress,
                                            gpointer progress_data, GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean ks_fingerprint_service_identify_finish (KsFingerprintService *self, GAsyncResult *result,
                                                 int *match_index, FpPrint **scan, GError **error);

void ks_fingerprint_service_capture_async (KsFingerprintService *self, GCancellable *cancellable,
                                           KsFingerprintProgressFunc progress,
                                           gpointer progress_data, GAsyncReadyCallback callback,
                                           gpointer user_data);
FpImage *ks_fingerprint_service_capture_finish (KsFingerprintService *self, GAsyncResult *result,
                                                GError **error);

void ks_fingerprint_service_match_gallery_async (KsFingerprintService *self, FpPrint *probe,
                                                 GPtrArray *gallery, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
GArray *ks_fingerprint_service_match_gallery_finish (KsFingerprintService *self,
                                                     GAsyncResult *result, GError **error);

void ks_fingerprint_service_check_duplicates_async (
  KsFingerprintService *self, GPtrArray *new_prints, GPtrArray *existing_prints,
  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GArray *ks_fingerprint_service_check_duplicates_finish (KsFingerprintService *self,
                                                        GAsyncResult *result, GError **error);

G_END_DECLS
