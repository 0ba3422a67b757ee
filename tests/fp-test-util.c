/* fp-test-util.c: driving the fingerprint service through libfprint's virtual_image driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include <glib/gstdio.h>

#include "fp-test-util.h"
#include "ks-virtual-scanner-testing.h"

/* KS_TEST_QUICK=1 (set for sanitizer runs) tests fewer fingers; the normal run does them all. */
gboolean
fpt_quick (void)
{
  const char *v = g_getenv ("KS_TEST_QUICK");
  return v != NULL && *v != '\0' && !g_str_equal (v, "0");
}

FptRig *
fpt_rig_new_virtual_image (void)
{
  FptRig *rig = g_new0 (FptRig, 1);
  g_autofree char *socket_path = NULL;

  rig->dir = g_dir_make_tmp ("ks-fp-XXXXXX", NULL);
  g_assert_nonnull (rig->dir);
  socket_path = g_build_filename (rig->dir, "virtual-image.socket", NULL);
  /* Before the service creates its FpContext: libfprint reads the variable there. */
  ks_virtual_scanner_setup_environment (socket_path);
  rig->service = ks_fingerprint_service_new ();
  rig->scanner = ks_virtual_scanner_new (socket_path);
  ks_virtual_scanner_attach (rig->scanner, rig->service);
  return rig;
}

void
fpt_rig_free (FptRig *rig)
{
  g_autofree char *socket_path = g_build_filename (rig->dir, "virtual-image.socket", NULL);

  g_clear_object (&rig->scanner);
  fpt_finalize_service (rig->service);
  g_unlink (socket_path);
  g_rmdir (rig->dir);
  g_free (rig->dir);
  g_free (rig);
}

/* Queued progress idles hold references to the service, and so does a finished operation's
 * GTask until the worker thread has dropped it (a moment after the result was delivered). */
void
fpt_finalize_service (KsFingerprintService *service)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (G_OBJECT (service)->ref_count > 1 && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_finalize_object (service);
}

void
fpt_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Iterates the default context until the callback stored the result. */
GAsyncResult *
fpt_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

FpPrint *
fpt_enroll (FptRig *rig, KsFpSynthFinger *finger, guint first_impression, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint n = ks_fingerprint_service_get_n_enroll_stages (rig->service);

  ks_virtual_scanner_clear_queue (rig->scanner);
  for (guint i = 0; i < n; i++)
    ks_virtual_scanner_queue_synthetic (rig->scanner, finger, first_impression + i,
                                        KS_FPSYNTH_NORMAL);
  ks_fingerprint_service_enroll_async (rig->service, FP_FINGER_RIGHT_INDEX, "test", NULL, NULL,
                                       NULL, fpt_store_result, &result);
  return ks_fingerprint_service_enroll_finish (rig->service, fpt_wait (&result), error);
}

gboolean
fpt_verify (FptRig *rig, FpPrint *template_print, KsFpSynthFinger *finger, guint impression,
            gboolean *matched, int *best_score, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  ks_virtual_scanner_clear_queue (rig->scanner);
  ks_virtual_scanner_queue_synthetic (rig->scanner, finger, impression, KS_FPSYNTH_NORMAL);
  fpt_take_best_score ();
  ks_fingerprint_service_verify_async (rig->service, template_print, NULL, NULL, NULL,
                                       fpt_store_result, &result);
  ok
    = ks_fingerprint_service_verify_finish (rig->service, fpt_wait (&result), matched, NULL, error);
  if (best_score)
    *best_score = fpt_take_best_score ();
  return ok;
}

/* bozorth3 scores are only in libfprint's debug messages ("score 57/40", domain
 * libfprint-print), logged from the worker thread. */
static GMutex score_lock;
static int best_score = -1;

static GLogWriterOutput
score_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (domain && message && g_str_equal (domain, "libfprint-print")
      && g_str_has_prefix (message, "score "))
    {
      int score = atoi (message + 6);

      g_mutex_lock (&score_lock);
      best_score = MAX (best_score, score);
      g_mutex_unlock (&score_lock);
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
fpt_capture_scores (void)
{
  g_log_set_writer_func (score_writer, NULL, NULL);
}

/* The best score since the last call, -1 when none was logged. */
int
fpt_take_best_score (void)
{
  int score;

  g_mutex_lock (&score_lock);
  score = best_score;
  best_score = -1;
  g_mutex_unlock (&score_lock);
  return score;
}
