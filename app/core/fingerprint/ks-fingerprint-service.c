/* ks-fingerprint-service.c: the fingerprint reader, driven from its own thread
 *
 * libfprint runs bozorth3 matching synchronously on the GMainContext that started the operation:
 * on the UI thread that froze the window for 1.8 s with 50 gallery prints and 7 s with 200. So:
 *  - the FpContext is made and the devices are enumerated on the caller's (main) thread, where
 *    fp_context_get_devices() may iterate the global default context safely;
 *  - one worker thread pushes its own GMainContext and makes only ASYNC fp_device_* calls from
 *    inside it (a *_sync() call or device enumeration there iterates the global default context
 *    and can hang for minutes);
 *  - progress and results go back to the caller's context as idle sources. Not through
 *    g_main_context_invoke(): when the caller's context is momentarily not owned (between two
 *    iterations of a loop), invoke() acquires it and runs the callback right here in the worker.
 * One device operation runs at a time (a reader takes one finger); a second request is refused
 * with KS_FINGERPRINT_ERROR_BUSY. Every device operation has a timeout, re-armed at each enrolment
 * stage, which must stay well under the 180 s after which libfprint declares a waiting reader too
 * hot and refuses it for another 205 s.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingerprint"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-fingerprint-service.h"
#include "ks-fingerprint-service-testing.h"

#define DEFAULT_TIMEOUT_SECONDS 30

typedef enum
{
  OP_ENROLL,
  OP_VERIFY,
  OP_IDENTIFY,
  OP_CAPTURE,
  OP_MATCH_GALLERY,
  OP_DUPLICATES,
} OpKind;

typedef struct
{
  KsFingerprintService *self; /* borrowed: the task holds a reference */
  OpKind kind;
  GTask *task;
  FpDevice *device;
  GCancellable *cancellable; /* internal: cancelled by the caller or by the timeout */
  GCancellable *caller_cancellable;
  gulong caller_cancel_id;
  GSource *timeout_source;
  gboolean timed_out;
  gulong status_id;
  FpFingerStatusFlags last_status;
  KsFingerprintProgressFunc progress;
  gpointer progress_data;
  FpFinger finger;
  char *username;
  FpPrint *template_print;
  GPtrArray *gallery;
  GPtrArray *existing;
  guint n_stages;
  guint timeout_seconds;
} Op;

struct _KsFingerprintService
{
  GObject parent_instance;

  /* Owner thread only */
  GMainContext *owner_context;
  FpContext *fp_context;
  FpDevice *device;
  gulong device_gone_id;
  gulong added_id;
  gulong removed_id;

  /* Worker thread only */
  FpDevice *open_device;

  /* Shared */
  GThread *worker;
  GMainContext *worker_context;
  GMainLoop *worker_loop;
  GMutex lock;
  Op *current;           /* guarded by lock */
  guint timeout_seconds; /* atomic */
};

enum
{
  READER_CHANGED,
  FINGER_NEEDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_TYPE (KsFingerprintService, ks_fingerprint_service, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-fingerprint-error-quark, ks_fingerprint_error)

static void
attach_idle (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, context);
}

static void
op_free (Op *op)
{
  g_clear_object (&op->task);
  g_clear_object (&op->device);
  g_clear_object (&op->cancellable);
  g_clear_object (&op->caller_cancellable);
  g_clear_object (&op->template_print);
  g_clear_pointer (&op->gallery, g_ptr_array_unref);
  g_clear_pointer (&op->existing, g_ptr_array_unref);
  g_free (op->username);
  g_free (op);
}

/* ---- Progress, delivered on the caller's context ------------------------------------------ */

typedef struct
{
  KsFingerprintService *self;
  KsFingerprintProgressFunc func;
  gpointer data;
  KsFingerprintProgress progress;
  char *message;
} ProgressCall;

static void
progress_call_free (gpointer data)
{
  ProgressCall *call = data;

  g_clear_object (&call->self);
  g_clear_pointer (&call->progress.image, g_bytes_unref);
  g_free (call->message);
  g_free (call);
}

static gboolean
progress_call_dispatch (gpointer data)
{
  ProgressCall *call = data;

  call->progress.message = call->message;
  call->func (call->self, &call->progress, call->data);
  return G_SOURCE_REMOVE;
}

static void
op_report (Op *op, const KsFingerprintProgress *progress)
{
  ProgressCall *call;

  if (op->progress == NULL)
    return;
  call = g_new0 (ProgressCall, 1);
  call->self = g_object_ref (op->self);
  call->func = op->progress;
  call->data = op->progress_data;
  call->progress = *progress;
  if (progress->image)
    g_bytes_ref (progress->image);
  call->message = g_strdup (progress->message);
  attach_idle (g_task_get_context (op->task), progress_call_dispatch, call, progress_call_free);
}

static void
op_report_event (Op *op, KsFingerprintEvent event)
{
  KsFingerprintProgress progress = { 0 };

  progress.event = event;
  progress.n_stages = op->n_stages;
  op_report (op, &progress);
}

static gboolean
emit_finger_needed (gpointer data)
{
  g_signal_emit (data, signals[FINGER_NEEDED], 0);
  return G_SOURCE_REMOVE;
}

/* ---- Errors ------------------------------------------------------------------------------ */

static const char *
retry_message (const GError *error)
{
  switch ((FpDeviceRetry)error->code)
    {
    case FP_DEVICE_RETRY_TOO_SHORT:
      return _(
        "The finger was lifted too soon. Ask the citizen to hold it on the reader a little "
        "longer.");
    case FP_DEVICE_RETRY_CENTER_FINGER:
      return _(
        "The finger was not centred. Ask the citizen to place the middle of the fingertip "
        "on the reader.");
    case FP_DEVICE_RETRY_REMOVE_FINGER:
      return _("Ask the citizen to lift the finger and place it again.");
    case FP_DEVICE_RETRY_GENERAL:
    default:
      return _(
        "The scan could not be read. Ask the citizen to clean and dry the finger and place "
        "it again.");
    }
}

static GError *
op_map_error (Op *op, GError *error)
{
  g_debug ("Operation %d failed: %s (%s %d)", op->kind, error->message,
           g_quark_to_string (error->domain), error->code);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (op->timed_out)
        return g_error_new (KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_TIMEOUT,
                            _("No finger was placed on the reader for %u seconds. Press Retry "
                              "when the citizen is ready."),
                            op->timeout_seconds);
      return g_error_copy (error);
    }

  if (error->domain == FP_DEVICE_RETRY)
    return g_error_new_literal (KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_BAD_SCAN,
                                retry_message (error));

  if (error->domain == FP_DEVICE_ERROR)
    switch ((FpDeviceError)error->code)
      {
      case FP_DEVICE_ERROR_REMOVED:
        return g_error_new_literal (
          KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_UNPLUGGED,
          _("The fingerprint reader was unplugged. Plug it in again and "
            "press Retry."));
      case FP_DEVICE_ERROR_TOO_HOT:
        return g_error_new_literal (
          KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_OVERHEATED,
          _("The fingerprint reader is too hot and paused itself. Wait "
            "about four minutes before the next scan; keep the reader "
            "out of direct sunlight."));
      case FP_DEVICE_ERROR_BUSY:
      case FP_DEVICE_ERROR_ALREADY_OPEN:
        return g_error_new_literal (
          KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_BUSY,
          _("The fingerprint reader is in use by another program. Close "
            "it, then press Retry."));
      case FP_DEVICE_ERROR_GENERAL:
      case FP_DEVICE_ERROR_NOT_SUPPORTED:
      case FP_DEVICE_ERROR_NOT_OPEN:
      case FP_DEVICE_ERROR_PROTO:
      case FP_DEVICE_ERROR_DATA_INVALID:
      case FP_DEVICE_ERROR_DATA_NOT_FOUND:
      case FP_DEVICE_ERROR_DATA_FULL:
      case FP_DEVICE_ERROR_DATA_DUPLICATE:
      default:
        break;
      }

  return g_error_new (KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_UNEXPECTED,
                      _("The fingerprint reader reported a problem (%s). Unplug it, plug it in "
                        "again and press Retry; if it happens again, call support."),
                      error->message);
}

/* ---- Operation life cycle (worker thread) ---------------------------------------------- */

static void
close_removed_device_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  /* Failing is expected: the device is gone. */
  fp_device_close_finish (FP_DEVICE (object), result, &error);
}

static void
op_disarm (Op *op)
{
  KsFingerprintService *self = op->self;

  if (op->timeout_source)
    {
      g_source_destroy (op->timeout_source);
      g_clear_pointer (&op->timeout_source, g_source_unref);
    }
  g_clear_signal_handler (&op->status_id, op->device);
  if (op->caller_cancel_id)
    {
      g_cancellable_disconnect (op->caller_cancellable, op->caller_cancel_id);
      op->caller_cancel_id = 0;
    }

  g_mutex_lock (&self->lock);
  if (self->current == op)
    self->current = NULL;
  g_mutex_unlock (&self->lock);
}

/* Takes @error (which may be NULL on success: then the caller has returned the task). */
static void
op_fail (Op *op, GError *error)
{
  op_disarm (op);
  /* A removed device is closed from its FpDevice::removed signal (device_gone_cb). */

  g_task_return_error (op->task, op_map_error (op, error));
  g_error_free (error);
  op_free (op);
}

static gboolean
op_timeout_cb (gpointer data)
{
  Op *op = data;

  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);
  g_clear_pointer (&op->timeout_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
op_arm_timeout (Op *op)
{
  if (op->timeout_source)
    {
      g_source_destroy (op->timeout_source);
      g_clear_pointer (&op->timeout_source, g_source_unref);
    }
  op->timeout_source = g_timeout_source_new_seconds (op->timeout_seconds);
  g_source_set_callback (op->timeout_source, op_timeout_cb, op, NULL);
  g_source_attach (op->timeout_source, op->self->worker_context);
}

static gboolean
waiting_for_finger (FpFingerStatusFlags status)
{
  return (status & FP_FINGER_STATUS_NEEDED) && !(status & FP_FINGER_STATUS_PRESENT);
}

static void
finger_status_cb (FpDevice *device, GParamSpec *pspec, Op *op)
{
  FpFingerStatusFlags status = fp_device_get_finger_status (device);
  FpFingerStatusFlags changed = status ^ op->last_status;
  gboolean was_waiting = waiting_for_finger (op->last_status);

  op->last_status = status;
  /* Some drivers keep NEEDED set across enrolment stages and only toggle PRESENT: "waiting" is
   * NEEDED without a finger, and each time it starts the citizen must place the finger. */
  if (!was_waiting && waiting_for_finger (status))
    {
      op_report_event (op, KS_FINGERPRINT_EVENT_PLACE_FINGER);
      attach_idle (op->self->owner_context, emit_finger_needed, g_object_ref (op->self),
                   g_object_unref);
    }
  if (changed & FP_FINGER_STATUS_PRESENT)
    op_report_event (op, (status & FP_FINGER_STATUS_PRESENT) ? KS_FINGERPRINT_EVENT_FINGER_DOWN
                                                             : KS_FINGERPRINT_EVENT_FINGER_UP);
}

static void
enroll_progress_cb (FpDevice *device, gint completed_stages, FpPrint *print, gpointer user_data,
                    GError *error)
{
  Op *op = user_data;
  KsFingerprintProgress progress = { 0 };
  g_autoptr(GBytes) grey = NULL;

  /* The citizen is cooperating: give the next stage the full timeout again. */
  op_arm_timeout (op);

  progress.stage = completed_stages;
  progress.n_stages = op->n_stages;
  if (error != NULL)
    {
      progress.event = KS_FINGERPRINT_EVENT_RETRY;
      progress.message = error->domain == FP_DEVICE_RETRY ? retry_message (error) : error->message;
    }
  else
    {
      FpImage *image = print ? fp_print_get_image (print) : NULL;

      progress.event = KS_FINGERPRINT_EVENT_STAGE_DONE;
      if (image != NULL)
        {
          grey = ks_fp_image_to_grey (image, &progress.width, &progress.height);
          progress.image = grey;
          ks_fp_quality_from_image (image, &progress.quality);
        }
    }
  op_report (op, &progress);
}

static void
enroll_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  GError *error = NULL;
  FpPrint *print = fp_device_enroll_finish (FP_DEVICE (object), result, &error);

  if (print == NULL)
    {
      op_fail (op, error);
      return;
    }
  op_disarm (op);
  g_task_return_pointer (op->task, print, g_object_unref);
  op_free (op);
}

static void
verify_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  GError *error = NULL;
  gboolean matched = FALSE;
  FpPrint *scan = NULL;

  if (!fp_device_verify_finish (FP_DEVICE (object), result, &matched, &scan, &error))
    {
      g_clear_object (&scan);
      op_fail (op, error);
      return;
    }
  op_disarm (op);
  /* The scan rides along as task data; the boolean result is the match. */
  g_task_set_task_data (op->task, scan, g_object_unref);
  g_task_return_boolean (op->task, matched);
  op_free (op);
}

typedef struct
{
  int index;
  FpPrint *scan;
} IdentifyResult;

static void
identify_result_free (gpointer data)
{
  IdentifyResult *r = data;

  g_clear_object (&r->scan);
  g_free (r);
}

static void
identify_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  GError *error = NULL;
  FpPrint *match = NULL;
  FpPrint *scan = NULL;
  IdentifyResult *r;
  guint index;

  if (!fp_device_identify_finish (FP_DEVICE (object), result, &match, &scan, &error))
    {
      g_clear_object (&scan);
      op_fail (op, error);
      return;
    }
  op_disarm (op);
  r = g_new0 (IdentifyResult, 1);
  r->index = (match && g_ptr_array_find (op->gallery, match, &index)) ? (int)index : -1;
  r->scan = scan;
  g_clear_object (&match);
  g_task_return_pointer (op->task, r, identify_result_free);
  op_free (op);
}

static void
capture_minutiae_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  g_autoptr(GError) error = NULL;

  /* A capture without minutiae is still a capture: its quality says POOR. */
  if (!fp_image_detect_minutiae_finish (FP_IMAGE (object), result, &error))
    g_debug ("No minutiae in the capture: %s", error->message);
  op_disarm (op);
  g_task_return_pointer (op->task, g_object_ref (object), g_object_unref);
  op_free (op);
}

static void
capture_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  GError *error = NULL;
  g_autoptr(FpImage) image = fp_device_capture_finish (FP_DEVICE (object), result, &error);

  if (image == NULL)
    {
      op_fail (op, error);
      return;
    }
  fp_image_detect_minutiae (image, op->cancellable, capture_minutiae_cb, op);
}

static void
op_run_device (Op *op)
{
  switch (op->kind)
    {
    case OP_ENROLL:
      {
        FpPrint *template_print = fp_print_new (op->device);

        fp_print_set_finger (template_print, op->finger);
        if (op->username)
          fp_print_set_username (template_print, op->username);
        fp_device_enroll (op->device, template_print, op->cancellable, enroll_progress_cb, op,
                          NULL, enroll_done_cb, op);
      }
      break;
    case OP_VERIFY:
      fp_device_verify (op->device, op->template_print, op->cancellable, NULL, NULL, NULL,
                        verify_done_cb, op);
      break;
    case OP_IDENTIFY:
      fp_device_identify (op->device, op->gallery, op->cancellable, NULL, NULL, NULL,
                          identify_done_cb, op);
      break;
    case OP_CAPTURE:
      fp_device_capture (op->device, TRUE, op->cancellable, capture_done_cb, op);
      break;
    case OP_MATCH_GALLERY:
    case OP_DUPLICATES:
    default:
      g_assert_not_reached ();
    }
}

static void
open_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Op *op = user_data;
  GError *error = NULL;

  if (!fp_device_open_finish (FP_DEVICE (object), result, &error))
    {
      op_fail (op, error);
      return;
    }
  g_set_object (&op->self->open_device, op->device);
  op_run_device (op);
}

static gboolean
op_start_in_worker (gpointer data)
{
  Op *op = data;

  if (op->kind == OP_MATCH_GALLERY || op->kind == OP_DUPLICATES)
    {
      /* Pure computation: it blocks this worker, never the caller. */
      GArray *found
        = op->kind == OP_MATCH_GALLERY
            ? ks_fp_match_gallery (op->template_print, op->gallery, KS_FP_MATCH_THRESHOLD,
                                   op->caller_cancellable)
            : ks_fp_check_duplicates (op->gallery, op->existing, op->caller_cancellable);

      if (found == NULL)
        g_task_return_new_error (op->task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The comparison was cancelled."));
      else
        g_task_return_pointer (op->task, found, (GDestroyNotify)g_array_unref);
      op_free (op);
      return G_SOURCE_REMOVE;
    }

  op_arm_timeout (op);
  op->last_status = fp_device_get_finger_status (op->device);
  op->status_id
    = g_signal_connect (op->device, "notify::finger-status", G_CALLBACK (finger_status_cb), op);

  if (!fp_device_is_open (op->device))
    fp_device_open (op->device, op->cancellable, open_done_cb, op);
  else
    op_run_device (op);
  return G_SOURCE_REMOVE;
}

static void
unref_nullable (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

/* A copy holding its own references: the caller may change its array while the worker reads. */
static GPtrArray *
copy_prints (GPtrArray *prints)
{
  GPtrArray *copy = g_ptr_array_new_full (prints ? prints->len : 0, unref_nullable);

  for (guint i = 0; prints && i < prints->len; i++)
    {
      gpointer p = g_ptr_array_index (prints, i);

      g_ptr_array_add (copy, p ? g_object_ref (p) : NULL);
    }
  return copy;
}

/* ---- Submission (caller's thread) ------------------------------------------------------- */

static gboolean
cancel_in_worker (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GMainContext *worker_context;
  GCancellable *internal;
} CancelLink;

static gpointer
cancel_link_new (KsFingerprintService *self, GCancellable *internal)
{
  CancelLink *link = g_new0 (CancelLink, 1);

  link->worker_context = g_main_context_ref (self->worker_context);
  link->internal = g_object_ref (internal);
  return link;
}

static void
cancel_link_free (gpointer data)
{
  CancelLink *link = data;

  g_main_context_unref (link->worker_context);
  g_object_unref (link->internal);
  g_free (link);
}

static void
caller_cancelled_cb (GCancellable *cancellable, CancelLink *link)
{
  /* Not g_cancellable_cancel() right here: libfprint's cancel handler would then run on this
   * thread while the worker may be completing the action and disconnecting it, and the two race
   * on the device's cancel source (seen: a g_source_unref(NULL) critical). The internal
   * cancellable is passed as the data, so a late idle finds no freed operation. */
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, cancel_in_worker, g_object_ref (link->internal), g_object_unref);
  g_source_attach (source, link->worker_context);
}

static Op *
op_new (KsFingerprintService *self, OpKind kind, GCancellable *cancellable,
        KsFingerprintProgressFunc progress, gpointer progress_data, GAsyncReadyCallback callback,
        gpointer user_data, gpointer source_tag)
{
  Op *op = g_new0 (Op, 1);

  op->self = self;
  op->kind = kind;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, source_tag);
  op->cancellable = g_cancellable_new ();
  op->caller_cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  op->progress = progress;
  op->progress_data = progress_data;
  op->timeout_seconds = g_atomic_int_get (&self->timeout_seconds);
  op->n_stages = 1;
  return op;
}

static void
op_submit (Op *op)
{
  KsFingerprintService *self = op->self;

  if (op->kind != OP_MATCH_GALLERY && op->kind != OP_DUPLICATES)
    {
      if (self->device == NULL)
        {
          g_task_return_new_error (op->task, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_NO_READER,
                                   _("No fingerprint reader is connected. Plug in the reader and "
                                     "press Retry."));
          op_free (op);
          return;
        }

      g_mutex_lock (&self->lock);
      if (self->current != NULL)
        {
          g_mutex_unlock (&self->lock);
          g_task_return_new_error (op->task, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_BUSY,
                                   _("The fingerprint reader is still busy with the previous "
                                     "scan. Wait for it to finish or cancel it."));
          op_free (op);
          return;
        }
      self->current = op;
      g_mutex_unlock (&self->lock);

      op->device = g_object_ref (self->device);
      op->n_stages = MAX (1, fp_device_get_nr_enroll_stages (op->device));
      if (op->caller_cancellable)
        op->caller_cancel_id
          = g_cancellable_connect (op->caller_cancellable, G_CALLBACK (caller_cancelled_cb),
                                   cancel_link_new (self, op->cancellable), cancel_link_free);
    }

  attach_idle (self->worker_context, op_start_in_worker, op, NULL);
}

/* ---- Devices (owner thread) ------------------------------------------------------------- */

static gboolean
close_gone_device (gpointer data)
{
  FpDevice *device = data;

  /* Worker thread. FpContext announces a removal only once the device is closed. */
  if (fp_device_is_open (device))
    fp_device_close (device, NULL, close_removed_device_cb, NULL);
  return G_SOURCE_REMOVE;
}

/* FpDevice::removed comes from the thread running the driver, once no operation is pending.
 * Closing the device there lets FpContext emit device-removed, which updates the reader. */
static void
device_gone_cb (FpDevice *device, KsFingerprintService *self)
{
  attach_idle (self->worker_context, close_gone_device, g_object_ref (device), g_object_unref);
}

static void
set_device (KsFingerprintService *self, FpDevice *device)
{
  if (self->device)
    g_clear_signal_handler (&self->device_gone_id, self->device);
  g_set_object (&self->device, device);
  if (device)
    self->device_gone_id = g_signal_connect (device, "removed", G_CALLBACK (device_gone_cb), self);
}

static void
pick_device (KsFingerprintService *self)
{
  GPtrArray *devices = fp_context_get_devices (self->fp_context);

  set_device (self, devices != NULL && devices->len > 0 ? g_ptr_array_index (devices, 0) : NULL);
}

typedef struct
{
  KsFingerprintService *self;
  FpDevice *device;
  gboolean added;
} DeviceChange;

static void
device_change_free (gpointer data)
{
  DeviceChange *change = data;

  g_clear_object (&change->self);
  g_clear_object (&change->device);
  g_free (change);
}

static gboolean
device_change_in_owner (gpointer data)
{
  DeviceChange *change = data;
  KsFingerprintService *self = change->self;

  /* No re-enumeration on removal: the worker thread may still be editing FpContext's list. */
  if (change->added && self->device == NULL)
    set_device (self, change->device);
  else if (!change->added && self->device == change->device)
    set_device (self, NULL);
  else
    return G_SOURCE_REMOVE;

  g_debug ("Reader %s: %s", change->added ? "added" : "removed",
           fp_device_get_name (change->device));
  g_signal_emit (self, signals[READER_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* FpContext emits these from whichever thread runs the driver: hop to the owner. */
static void
device_added_cb (FpContext *context, FpDevice *device, KsFingerprintService *self)
{
  DeviceChange *change = g_new0 (DeviceChange, 1);

  change->self = g_object_ref (self);
  change->device = g_object_ref (device);
  change->added = TRUE;
  attach_idle (self->owner_context, device_change_in_owner, change, device_change_free);
}

static void
device_removed_cb (FpContext *context, FpDevice *device, KsFingerprintService *self)
{
  DeviceChange *change = g_new0 (DeviceChange, 1);

  change->self = g_object_ref (self);
  change->device = g_object_ref (device);
  change->added = FALSE;
  attach_idle (self->owner_context, device_change_in_owner, change, device_change_free);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static gpointer
worker_main (gpointer data)
{
  KsFingerprintService *self = data;

  g_main_context_push_thread_default (self->worker_context);
  g_main_loop_run (self->worker_loop);
  g_main_context_pop_thread_default (self->worker_context);
  return NULL;
}

static void
close_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  KsFingerprintService *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fp_device_close_finish (FP_DEVICE (object), result, &error))
    g_debug ("Closing the reader: %s", error->message);
  g_main_loop_quit (self->worker_loop);
}

static gboolean
worker_shutdown (gpointer data)
{
  KsFingerprintService *self = data;

  if (self->open_device && fp_device_is_open (self->open_device))
    fp_device_close (self->open_device, NULL, close_done_cb, self);
  else
    g_main_loop_quit (self->worker_loop);
  return G_SOURCE_REMOVE;
}

static void
ks_fingerprint_service_dispose (GObject *object)
{
  KsFingerprintService *self = (KsFingerprintService *)object;

  /* Every operation holds a reference through its task: none is running now. */
  if (self->worker)
    {
      attach_idle (self->worker_context, worker_shutdown, self, NULL);
      g_thread_join (g_steal_pointer (&self->worker));
    }
  g_clear_object (&self->open_device);
  g_clear_signal_handler (&self->added_id, self->fp_context);
  g_clear_signal_handler (&self->removed_id, self->fp_context);
  set_device (self, NULL);
  g_clear_object (&self->fp_context);

  G_OBJECT_CLASS (ks_fingerprint_service_parent_class)->dispose (object);
}

static void
ks_fingerprint_service_finalize (GObject *object)
{
  KsFingerprintService *self = (KsFingerprintService *)object;

  g_clear_pointer (&self->worker_loop, g_main_loop_unref);
  g_clear_pointer (&self->worker_context, g_main_context_unref);
  g_clear_pointer (&self->owner_context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (ks_fingerprint_service_parent_class)->finalize (object);
}

static void
ks_fingerprint_service_class_init (KsFingerprintServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_fingerprint_service_dispose;
  object_class->finalize = ks_fingerprint_service_finalize;

  /**
   * KsFingerprintService::reader-changed:
   *
   * A reader was plugged in or unplugged; check ks_fingerprint_service_has_reader().
   * Emitted on the context the service was created in.
   */
  signals[READER_CHANGED] = g_signal_new ("reader-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * KsFingerprintService::finger-needed:
   *
   * The reader waits for a finger (each enrolment stage, each verify, identify and capture).
   * The simulated scanner presses its next image on this.
   */
  signals[FINGER_NEEDED] = g_signal_new ("finger-needed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ks_fingerprint_service_init (KsFingerprintService *self)
{
  g_mutex_init (&self->lock);
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
}

/**
 * ks_fingerprint_service_new:
 *
 * Enumerates the readers (call it on the main thread; the virtual drivers' FP_VIRTUAL_*
 * variables must be set before) and starts the worker thread. Having no reader is not an error:
 * operations then fail with %KS_FINGERPRINT_ERROR_NO_READER until one is plugged in.
 */
KsFingerprintService *
ks_fingerprint_service_new (void)
{
  KsFingerprintService *self = g_object_new (KS_TYPE_FINGERPRINT_SERVICE, NULL);

  self->owner_context = g_main_context_ref_thread_default ();
  self->fp_context = fp_context_new ();
  self->added_id
    = g_signal_connect (self->fp_context, "device-added", G_CALLBACK (device_added_cb), self);
  self->removed_id
    = g_signal_connect (self->fp_context, "device-removed", G_CALLBACK (device_removed_cb), self);
  pick_device (self);

  self->worker_context = g_main_context_new ();
  self->worker_loop = g_main_loop_new (self->worker_context, FALSE);
  self->worker = g_thread_new ("ks-fingerprint", worker_main, self);
  return self;
}

gboolean
ks_fingerprint_service_has_reader (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), FALSE);
  return self->device != NULL;
}

/**
 * ks_fingerprint_service_can_capture:
 *
 * Returns: whether the reader delivers fingerprint images (image readers, the virtual image
 *   device); %FALSE for match-on-chip readers, which keep their templates to themselves, and
 *   without a reader
 */
gboolean
ks_fingerprint_service_can_capture (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), FALSE);
  return self->device != NULL && fp_device_has_feature (self->device, FP_DEVICE_FEATURE_CAPTURE);
}

const char *
ks_fingerprint_service_get_reader_name (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), NULL);
  return self->device ? fp_device_get_name (self->device) : NULL;
}

const char *
ks_fingerprint_service_get_reader_driver (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), NULL);
  return self->device ? fp_device_get_driver (self->device) : NULL;
}

guint
ks_fingerprint_service_get_n_enroll_stages (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), 0);
  return self->device ? MAX (0, fp_device_get_nr_enroll_stages (self->device)) : 0;
}

guint
ks_fingerprint_service_get_timeout (KsFingerprintService *self)
{
  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), 0);
  return g_atomic_int_get (&self->timeout_seconds);
}

/**
 * ks_fingerprint_service_set_timeout:
 * @seconds: how long a device operation may wait for a finger (per enrolment stage); keep it
 *   well under 180, where libfprint declares the reader too hot
 */
void
ks_fingerprint_service_set_timeout (KsFingerprintService *self, guint seconds)
{
  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));
  g_return_if_fail (seconds > 0);
  g_atomic_int_set (&self->timeout_seconds, seconds);
}

gboolean
ks_fingerprint_service_is_busy (KsFingerprintService *self)
{
  gboolean busy;

  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (self), FALSE);
  g_mutex_lock (&self->lock);
  busy = self->current != NULL;
  g_mutex_unlock (&self->lock);
  return busy;
}

/**
 * ks_fingerprint_service_enroll_async:
 * @finger: which finger, stored in the template
 * @username: (nullable): stored in the template (e.g. the record id)
 * @progress: (nullable): called on the caller's context for each finger-status change and
 *   each stage (with the stage image and its quality)
 *
 * Enrols one finger over the reader's stages (5 for image readers).
 */
void
ks_fingerprint_service_enroll_async (KsFingerprintService *self, FpFinger finger,
                                     const char *username, GCancellable *cancellable,
                                     KsFingerprintProgressFunc progress, gpointer progress_data,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));

  op = op_new (self, OP_ENROLL, cancellable, progress, progress_data, callback, user_data,
               ks_fingerprint_service_enroll_async);
  op->finger = finger;
  op->username = g_strdup (username);
  op_submit (op);
}

/**
 * ks_fingerprint_service_enroll_finish:
 *
 * Returns: (transfer full): the template; store it with fp_print_serialize() + #KsVault
 */
FpPrint *
ks_fingerprint_service_enroll_finish (KsFingerprintService *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
ks_fingerprint_service_verify_async (KsFingerprintService *self, FpPrint *template_print,
                                     GCancellable *cancellable, KsFingerprintProgressFunc progress,
                                     gpointer progress_data, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  Op *op;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));
  g_return_if_fail (FP_IS_PRINT (template_print));

  op = op_new (self, OP_VERIFY, cancellable, progress, progress_data, callback, user_data,
               ks_fingerprint_service_verify_async);
  op->template_print = g_object_ref (template_print);
  op_submit (op);
}

/**
 * ks_fingerprint_service_verify_finish:
 * @matched: (out): whether the finger on the reader matches the template (bozorth3, threshold 40)
 * @scan: (out) (optional) (transfer full): the scanned print, with its image
 *
 * Returns: %FALSE on error (then @matched is %FALSE)
 */
gboolean
ks_fingerprint_service_verify_finish (KsFingerprintService *self, GAsyncResult *result,
                                      gboolean *matched, FpPrint **scan, GError **error)
{
  GError *local_error = NULL;
  gboolean match;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  match = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (matched)
    *matched = match;
  if (local_error)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (scan)
    {
      FpPrint *print = g_task_get_task_data (G_TASK (result));
      *scan = print ? g_object_ref (print) : NULL;
    }
  return TRUE;
}

/**
 * ks_fingerprint_service_identify_async:
 * @gallery: (element-type FpPrint): templates
 *
 * Scans one finger and runs libfprint's identify over @gallery. libfprint returns the FIRST
 * template at or above its threshold, not the best: fine for "is this citizen known", wrong for
 * a duplicate search (use ks_fingerprint_service_match_gallery_async() with the scan).
 */
void
ks_fingerprint_service_identify_async (KsFingerprintService *self, GPtrArray *gallery,
                                       GCancellable *cancellable,
                                       KsFingerprintProgressFunc progress, gpointer progress_data,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));
  g_return_if_fail (gallery != NULL);

  op = op_new (self, OP_IDENTIFY, cancellable, progress, progress_data, callback, user_data,
               ks_fingerprint_service_identify_async);
  op->gallery = copy_prints (gallery);
  op_submit (op);
}

/**
 * ks_fingerprint_service_identify_finish:
 * @match_index: (out): index into the gallery of the matching template, or -1
 * @scan: (out) (optional) (transfer full): the scanned print
 */
gboolean
ks_fingerprint_service_identify_finish (KsFingerprintService *self, GAsyncResult *result,
                                        int *match_index, FpPrint **scan, GError **error)
{
  IdentifyResult *r;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (match_index)
    *match_index = -1;
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  if (match_index)
    *match_index = r->index;
  if (scan)
    *scan = g_steal_pointer (&r->scan);
  identify_result_free (r);
  return TRUE;
}

/**
 * ks_fingerprint_service_capture_async:
 *
 * Waits for a finger and captures one image; its minutiae are detected, so
 * ks_fp_quality_from_image() works on the result.
 */
void
ks_fingerprint_service_capture_async (KsFingerprintService *self, GCancellable *cancellable,
                                      KsFingerprintProgressFunc progress, gpointer progress_data,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));

  op_submit (op_new (self, OP_CAPTURE, cancellable, progress, progress_data, callback, user_data,
                     ks_fingerprint_service_capture_async));
}

FpImage *
ks_fingerprint_service_capture_finish (KsFingerprintService *self, GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_fingerprint_service_match_gallery_async:
 * @probe: a template or a scan (from verify/identify)
 * @gallery: (element-type FpPrint): templates; %NULL entries are skipped
 *
 * Compares @probe with EVERY template of @gallery on the worker thread (see
 * ks_fp_match_gallery()). No reader needed.
 */
void
ks_fingerprint_service_match_gallery_async (KsFingerprintService *self, FpPrint *probe,
                                            GPtrArray *gallery, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));
  g_return_if_fail (FP_IS_PRINT (probe));
  g_return_if_fail (gallery != NULL);

  op = op_new (self, OP_MATCH_GALLERY, cancellable, NULL, NULL, callback, user_data,
               ks_fingerprint_service_match_gallery_async);
  op->template_print = g_object_ref (probe);
  op->gallery = copy_prints (gallery);
  op_submit (op);
}

/**
 * ks_fingerprint_service_match_gallery_finish:
 *
 * Returns: (transfer full) (element-type KsFpMatchHit): all hits, best first
 */
GArray *
ks_fingerprint_service_match_gallery_finish (KsFingerprintService *self, GAsyncResult *result,
                                             GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_fingerprint_service_check_duplicates_async:
 *
 * ks_fp_check_duplicates() on the worker thread. No reader needed.
 */
void
ks_fingerprint_service_check_duplicates_async (KsFingerprintService *self, GPtrArray *new_prints,
                                               GPtrArray *existing_prints,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op;

  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (self));
  g_return_if_fail (new_prints != NULL);

  op = op_new (self, OP_DUPLICATES, cancellable, NULL, NULL, callback, user_data,
               ks_fingerprint_service_check_duplicates_async);
  op->gallery = copy_prints (new_prints);
  op->existing = copy_prints (existing_prints);
  op_submit (op);
}

/**
 * ks_fingerprint_service_check_duplicates_finish:
 *
 * Returns: (transfer full) (element-type KsFpDuplicate): matching pairs, empty when none
 */
GArray *
ks_fingerprint_service_check_duplicates_finish (KsFingerprintService *self, GAsyncResult *result,
                                                GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
