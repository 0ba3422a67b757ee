/* ks-virtual-scanner.c: a simulated fingerprint reader for training and tests
 *
 * libfprint ships a virtual_image driver: with FP_VIRTUAL_IMAGE set to a unix socket path before
 * fp_context_new(), it listens there and treats each image a client sends as a finger on the
 * glass, running the same NBIS minutiae extraction and bozorth3 matching as a real image reader.
 * This object is that client. Wire format (native-endian int32 pairs):
 *   (w, h) + w*h grey bytes   an image;           (-1, FpDeviceRetry)  a retry;
 *   (-2, FpDeviceError)       a fatal error;      (-5, 0)              unplug.
 * The driver drops images that arrive while it is not waiting for a finger, so queued images are
 * only sent on the service's "finger-needed" signal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-virtual-scanner"

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>

#include "ks-virtual-scanner.h"
#include "ks-virtual-scanner-testing.h"

typedef struct
{
  GBytes *grey;
  guint width;
  guint height;
} QueuedImage;

struct _KsVirtualScanner
{
  GObject parent_instance;

  char *socket_path;
  GSocketConnection *connection;
  GQueue queue;
  GWeakRef service;
  gulong needed_id;
};

G_DEFINE_TYPE (KsVirtualScanner, ks_virtual_scanner, G_TYPE_OBJECT)

static void
queued_image_free (gpointer data)
{
  QueuedImage *q = data;

  g_bytes_unref (q->grey);
  g_free (q);
}

static void
ks_virtual_scanner_dispose (GObject *object)
{
  KsVirtualScanner *self = (KsVirtualScanner *)object;
  g_autoptr(KsFingerprintService) service = g_weak_ref_get (&self->service);

  if (service)
    g_clear_signal_handler (&self->needed_id, service);
  g_weak_ref_set (&self->service, NULL);
  g_clear_object (&self->connection);
  g_queue_clear_full (&self->queue, queued_image_free);

  G_OBJECT_CLASS (ks_virtual_scanner_parent_class)->dispose (object);
}

static void
ks_virtual_scanner_finalize (GObject *object)
{
  KsVirtualScanner *self = (KsVirtualScanner *)object;

  g_weak_ref_clear (&self->service);
  g_free (self->socket_path);

  G_OBJECT_CLASS (ks_virtual_scanner_parent_class)->finalize (object);
}

static void
ks_virtual_scanner_class_init (KsVirtualScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ks_virtual_scanner_dispose;
  G_OBJECT_CLASS (klass)->finalize = ks_virtual_scanner_finalize;
}

static void
ks_virtual_scanner_init (KsVirtualScanner *self)
{
  g_queue_init (&self->queue);
  g_weak_ref_init (&self->service, NULL);
}

/**
 * ks_virtual_scanner_setup_environment:
 *
 * Makes libfprint offer the simulated reader on @socket_path. Must run before
 * ks_fingerprint_service_new() (libfprint reads it in fp_context_new()), once per process.
 */
void
ks_virtual_scanner_setup_environment (const char *socket_path)
{
  g_return_if_fail (socket_path != NULL);
  g_setenv ("FP_VIRTUAL_IMAGE", socket_path, TRUE);
}

KsVirtualScanner *
ks_virtual_scanner_new (const char *socket_path)
{
  KsVirtualScanner *self;

  g_return_val_if_fail (socket_path != NULL, NULL);

  self = g_object_new (KS_TYPE_VIRTUAL_SCANNER, NULL);
  self->socket_path = g_strdup (socket_path);
  return self;
}

/* The driver creates the socket when the device opens, so connect on first use; a new
 * connection replaces the old one on the driver's side. */
static gboolean
send_message (KsVirtualScanner *self, gint32 a, gint32 b, GBytes *payload, GError **error)
{
  gint32 header[2] = { a, b };
  GOutputStream *out;

  if (self->connection == NULL)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketAddress) address = g_unix_socket_address_new (self->socket_path);
      g_autoptr(GError) local_error = NULL;

      self->connection
        = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &local_error);
      if (self->connection == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       _("The simulated reader is not running (%s). Start a scan first."),
                       local_error->message);
          return FALSE;
        }
    }

  out = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  if (!g_output_stream_write_all (out, header, sizeof header, NULL, NULL, error)
      || (payload
          && !g_output_stream_write_all (out, g_bytes_get_data (payload, NULL),
                                         g_bytes_get_size (payload), NULL, NULL, error))
      || !g_output_stream_flush (out, NULL, error))
    {
      g_clear_object (&self->connection);
      return FALSE;
    }
  return TRUE;
}

/**
 * ks_virtual_scanner_press:
 * @grey: 8-bit grey, row-major, dark ridges on light background
 *
 * Puts a finger with this image on the simulated reader now. Only useful while it waits for a
 * finger (see #KsFingerprintService::finger-needed); otherwise the driver ignores it.
 */
gboolean
ks_virtual_scanner_press (KsVirtualScanner *self, GBytes *grey, guint width, guint height,
                          GError **error)
{
  g_return_val_if_fail (KS_IS_VIRTUAL_SCANNER (self), FALSE);
  g_return_val_if_fail (grey != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0 && width <= 5000 && height <= 5000, FALSE);
  g_return_val_if_fail (g_bytes_get_size (grey) == (gsize)width * height, FALSE);

  return send_message (self, width, height, grey, error);
}

gboolean
ks_virtual_scanner_unplug (KsVirtualScanner *self, GError **error)
{
  g_return_val_if_fail (KS_IS_VIRTUAL_SCANNER (self), FALSE);
  return send_message (self, -5, 0, NULL, error);
}

gboolean
ks_virtual_scanner_inject_error (KsVirtualScanner *self, FpDeviceError code, GError **error)
{
  g_return_val_if_fail (KS_IS_VIRTUAL_SCANNER (self), FALSE);
  return send_message (self, -2, code, NULL, error);
}

gboolean
ks_virtual_scanner_inject_retry (KsVirtualScanner *self, FpDeviceRetry code, GError **error)
{
  g_return_val_if_fail (KS_IS_VIRTUAL_SCANNER (self), FALSE);
  return send_message (self, -1, code, NULL, error);
}

void
ks_virtual_scanner_queue_image (KsVirtualScanner *self, GBytes *grey, guint width, guint height)
{
  QueuedImage *q;

  g_return_if_fail (KS_IS_VIRTUAL_SCANNER (self));
  g_return_if_fail (grey != NULL && g_bytes_get_size (grey) == (gsize)width * height);

  q = g_new0 (QueuedImage, 1);
  q->grey = g_bytes_ref (grey);
  q->width = width;
  q->height = height;
  g_queue_push_tail (&self->queue, q);
}

void
ks_virtual_scanner_queue_synthetic (KsVirtualScanner *self, KsFpSynthFinger *finger,
                                    guint impression, KsFpSynthVariant variant)
{
  g_autoptr(GBytes) grey = NULL;
  guint w, h;

  g_return_if_fail (KS_IS_VIRTUAL_SCANNER (self));
  g_return_if_fail (finger != NULL);

  grey = ks_fpsynth_finger_render (finger, impression, variant, &w, &h);
  ks_virtual_scanner_queue_image (self, grey, w, h);
}

guint
ks_virtual_scanner_get_n_queued (KsVirtualScanner *self)
{
  g_return_val_if_fail (KS_IS_VIRTUAL_SCANNER (self), 0);
  return self->queue.length;
}

void
ks_virtual_scanner_clear_queue (KsVirtualScanner *self)
{
  g_return_if_fail (KS_IS_VIRTUAL_SCANNER (self));
  g_queue_clear_full (&self->queue, queued_image_free);
}

static void
finger_needed_cb (KsFingerprintService *service, KsVirtualScanner *self)
{
  g_autoptr(GError) error = NULL;
  QueuedImage *q = g_queue_pop_head (&self->queue);

  /* Nothing queued: the simulated citizen keeps the finger away, as a real one may. */
  if (q == NULL)
    return;
  if (!ks_virtual_scanner_press (self, q->grey, q->width, q->height, &error))
    g_message ("Simulated reader: %s", error->message);
  queued_image_free (q);
}

/**
 * ks_virtual_scanner_attach:
 *
 * Presses the next queued image each time @service waits for a finger.
 */
void
ks_virtual_scanner_attach (KsVirtualScanner *self, KsFingerprintService *service)
{
  g_autoptr(KsFingerprintService) old = NULL;

  g_return_if_fail (KS_IS_VIRTUAL_SCANNER (self));
  g_return_if_fail (KS_IS_FINGERPRINT_SERVICE (service));

  old = g_weak_ref_get (&self->service);
  if (old)
    g_clear_signal_handler (&self->needed_id, old);
  g_weak_ref_set (&self->service, service);
  self->needed_id
    = g_signal_connect_object (service, "finger-needed", G_CALLBACK (finger_needed_cb), self, 0);
}
