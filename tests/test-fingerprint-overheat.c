/* test-fingerprint-overheat.c: reader errors through libfprint's virtual_device driver
 *
 * virtual_device takes text commands (SCAN <id>, ERROR <code>, ...) instead of images, so a test
 * can make the reader report FP_DEVICE_ERROR_TOO_HOT at once instead of leaving it waiting 180 s.
 * Its own process: FP_VIRTUAL_DEVICE must be set before the FpContext exists.
 *
 * Only errors are tested here. Between enrolment stages virtual_device re-enters itself through
 * g_timeout_add() on the GLOBAL default context (its "Sleeping completed" step), i.e. on the
 * test's main thread while the service drives it from its worker: a full enrolment then trips a
 * GLib critical inside libfprint. Real readers schedule on the operation's context; enrolment and
 * verification are covered with virtual_image (test-fingerprint-service.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "fp-test-util.h"
#include "ks-fingerprint-service-testing.h"

static KsFingerprintService *service;
static char *socket_path;

/* One command per connection, and wait for EOF before the next or the driver loses it. */
static void
send_command (const char *command)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (socket_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[256];
  gssize n;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (
    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), command,
                               strlen (command), NULL, NULL, &error));
  g_assert_no_error (error);
  do
    n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), buffer,
                             sizeof buffer, NULL, &error);
  while (n > 0);
  g_assert_no_error (error);
}

typedef struct
{
  const char *command; /* sent at each PLACE_FINGER */
  guint n_place;
} Script;

static void
run_script (KsFingerprintService *s, const KsFingerprintProgress *progress, gpointer user_data)
{
  Script *script = user_data;

  if (progress->event == KS_FINGERPRINT_EVENT_PLACE_FINGER)
    {
      script->n_place++;
      send_command (script->command);
    }
}

static FpPrint *
enroll (Script *script, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ks_fingerprint_service_enroll_async (service, FP_FINGER_RIGHT_THUMB, NULL, NULL, run_script,
                                       script, fpt_store_result, &result);
  return ks_fingerprint_service_enroll_finish (service, fpt_wait (&result), error);
}

static void
test_errors (void)
{
  /* The codes the driver raises, and what the operator must read. */
  struct
  {
    const char *command;
    KsFingerprintError code;
    const char *says;
  } cases[] = {
    { "ERROR 257", KS_FINGERPRINT_ERROR_OVERHEATED, "too hot" },    /* FP_DEVICE_ERROR_TOO_HOT */
    { "ERROR 4", KS_FINGERPRINT_ERROR_BUSY, "another program" },    /* FP_DEVICE_ERROR_BUSY */
    { "ERROR 5", KS_FINGERPRINT_ERROR_UNEXPECTED, "call support" }, /* FP_DEVICE_ERROR_PROTO */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Script script = { cases[i].command, 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(FpPrint) template_print = enroll (&script, &error);

      g_assert_null (template_print);
      g_assert_cmpuint (script.n_place, ==, 1);
      g_assert_error (error, KS_FINGERPRINT_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
      g_assert_false (ks_fingerprint_service_is_busy (service));
    }
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("ks-fp-XXXXXX", NULL);
  socket_path = g_build_filename (dir, "virtual-device.socket", NULL);
  g_setenv ("FP_VIRTUAL_DEVICE", socket_path, TRUE);
  service = ks_fingerprint_service_new ();

  g_test_add_func ("/fingerprint/virtual-device/errors", test_errors);
  ret = g_test_run ();

  fpt_finalize_service (service);
  g_unlink (socket_path);
  g_rmdir (dir);
  g_free (socket_path);
  return ret;
}
