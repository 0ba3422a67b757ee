/* test-fingerprint-service.c: the reader service over libfprint's virtual_image driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fp-test-util.h"

static FptRig *rig;

typedef struct
{
  guint n_place;
  guint n_stage_done;
  guint last_stage;
  guint n_stages;
  guint n_images;
  guint n_good_or_fair;
  GThread *thread;
} ProgressLog;

static void
log_progress (KsFingerprintService        *service,
              const KsFingerprintProgress *progress,
              gpointer                     user_data)
{
  ProgressLog *log = user_data;

  log->thread = g_thread_self ();
  switch (progress->event)
    {
    case KS_FINGERPRINT_EVENT_PLACE_FINGER:
      log->n_place++;
      break;
    case KS_FINGERPRINT_EVENT_STAGE_DONE:
      log->n_stage_done++;
      log->last_stage = progress->stage;
      log->n_stages = progress->n_stages;
      if (progress->image && g_bytes_get_size (progress->image)
          == (gsize)progress->width * progress->height && progress->width > 100)
        log->n_images++;
      if (progress->quality.grade != KS_FP_GRADE_POOR)
        log->n_good_or_fair++;
      break;
    case KS_FINGERPRINT_EVENT_FINGER_DOWN:
    case KS_FINGERPRINT_EVENT_FINGER_UP:
    case KS_FINGERPRINT_EVENT_RETRY:
    default:
      break;
    }
}

static void
test_enroll_verify (void)
{
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (1001, 2);
  g_autoptr(KsFpSynthFinger) other = ks_fpsynth_finger_new (1002, 2);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) template_print = NULL;
  ProgressLog log = { 0 };
  gboolean matched = FALSE;
  int score = -1;

  g_assert_true (ks_fingerprint_service_has_reader (rig->service));
  g_assert_cmpstr (ks_fingerprint_service_get_reader_driver (rig->service), ==, "virtual_image");
  g_assert_cmpuint (ks_fingerprint_service_get_n_enroll_stages (rig->service), ==, 5);

  for (guint i = 0; i < 5; i++)
    ks_virtual_scanner_queue_synthetic (rig->scanner, finger, i, KS_FPSYNTH_NORMAL);
  ks_fingerprint_service_enroll_async (rig->service, FP_FINGER_LEFT_THUMB, "rec-1", NULL,
                                       log_progress, &log, fpt_store_result, &result);
  template_print = ks_fingerprint_service_enroll_finish (rig->service, fpt_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (template_print);
  g_assert_cmpint (fp_print_get_finger (template_print), ==, FP_FINGER_LEFT_THUMB);

  /* The UI saw every stage, each with its image and a usable quality, on its own thread. */
  g_assert_cmpuint (log.n_place, >=, 5);
  g_assert_cmpuint (log.n_stage_done, ==, 5);
  g_assert_cmpuint (log.last_stage, ==, 5);
  g_assert_cmpuint (log.n_stages, ==, 5);
  g_assert_cmpuint (log.n_images, ==, 5);
  g_assert_cmpuint (log.n_good_or_fair, ==, 5);
  g_assert_true (log.thread == g_thread_self ());

  /* An unseen impression of the same finger matches; another finger does not. */
  g_assert_true (fpt_verify (rig, template_print, finger, 7, &matched, &score, &error));
  g_assert_no_error (error);
  g_test_message ("genuine score %d", score);
  g_assert_true (matched);
  g_assert_true (fpt_verify (rig, template_print, other, 7, &matched, &score, &error));
  g_assert_no_error (error);
  g_test_message ("impostor score %d", score);
  g_assert_false (matched);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  fpt_capture_scores ();
  rig = fpt_rig_new_virtual_image ();
  g_test_add_func ("/fingerprint/service/enroll-verify", test_enroll_verify);
  ret = g_test_run ();
  fpt_rig_free (rig);
  return ret;
}
