/* test-fingerprint-service.c: the reader service over libfprint's virtual_image driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>

#include "fp-test-util.h"
#include "ks-fingerprint-service-testing.h"
#include "ks-virtual-scanner-testing.h"

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
log_progress (KsFingerprintService *service, const KsFingerprintProgress *progress,
              gpointer user_data)
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
      if (progress->image
          && g_bytes_get_size (progress->image) == (gsize)progress->width * progress->height
          && progress->width > 100)
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

typedef struct
{
  GCancellable *cancel_on_place;
  guint n_place;
} CancelOnPlace;

static void
cancel_on_place (KsFingerprintService *service, const KsFingerprintProgress *progress,
                 gpointer user_data)
{
  CancelOnPlace *c = user_data;

  if (progress->event == KS_FINGERPRINT_EVENT_PLACE_FINGER)
    {
      c->n_place++;
      if (c->cancel_on_place)
        g_cancellable_cancel (c->cancel_on_place);
    }
}

static FpImage *
capture (GCancellable *cancellable, KsFingerprintProgressFunc progress, gpointer data,
         GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ks_fingerprint_service_capture_async (rig->service, cancellable, progress, data, fpt_store_result,
                                        &result);
  return ks_fingerprint_service_capture_finish (rig->service, fpt_wait (&result), error);
}

static void
test_capture_quality (void)
{
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (1003, 1);
  struct
  {
    KsFpSynthVariant variant;
    KsFpGrade max_grade;
    KsFpGrade min_grade;
  } cases[] = {
    { KS_FPSYNTH_NORMAL, KS_FP_GRADE_GOOD, KS_FP_GRADE_GOOD },
    { KS_FPSYNTH_PARTIAL, KS_FP_GRADE_POOR, KS_FP_GRADE_POOR },
    { KS_FPSYNTH_SMUDGED, KS_FP_GRADE_FAIR, KS_FP_GRADE_POOR },
    { KS_FPSYNTH_NORMAL, KS_FP_GRADE_GOOD, KS_FP_GRADE_GOOD },
  };
  KsFpQuality q[G_N_ELEMENTS (cases)];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FpImage) image = NULL;

      ks_virtual_scanner_queue_synthetic (rig->scanner, finger, 3, cases[i].variant);
      image = capture (NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (image);
      ks_fp_quality_from_image (image, &q[i]);
      g_test_message ("variant %d: %u minutiae, contact %.2f, %s", cases[i].variant,
                      q[i].n_minutiae, q[i].contact, ks_fp_grade_to_string (q[i].grade));
      g_assert_cmpint (q[i].grade, <=, cases[i].max_grade);
      g_assert_cmpint (q[i].grade, >=, cases[i].min_grade);
    }
  /* Of several tries the operator keeps the good one. */
  g_assert_cmpuint (ks_fp_quality_pick_best (q, G_N_ELEMENTS (q)), ==, 0);
}

/* The print is in the alpha channel of the NIST PNGs (see tests/data/NOTICE). */
static GBytes *
load_nist (const char *name, guint *width, guint *height)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create_from_png (path);
  guint8 *grey;
  const guint8 *pixels;
  int stride;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_format (surface), ==, CAIRO_FORMAT_ARGB32);
  *width = cairo_image_surface_get_width (surface);
  *height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  pixels = cairo_image_surface_get_data (surface);
  grey = g_malloc (*width * *height);
  for (guint y = 0; y < *height; y++)
    for (guint x = 0; x < *width; x++)
      grey[y * *width + x] = ((const guint32 *)(gconstpointer)(pixels + y * stride))[x] >> 24;
  cairo_surface_destroy (surface);
  return g_bytes_new_take (grey, *width * *height);
}

static void
test_capture_nist (void)
{
  const char *names[] = { "nist-loop-right.png", "nist-whorl.png" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FpImage) image = NULL;
      g_autoptr(GBytes) grey = NULL;
      g_autoptr(GBytes) copy = NULL;
      KsFpQuality q;
      guint w, h, cw, ch;

      grey = load_nist (names[i], &w, &h);
      ks_virtual_scanner_queue_image (rig->scanner, grey, w, h);
      image = capture (NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      ks_fp_quality_from_image (image, &q);
      g_test_message ("%s: %u minutiae, contact %.2f", names[i], q.n_minutiae, q.contact);
      /* A real finger, well placed: plenty of minutiae over most of the window. */
      g_assert_cmpint (q.grade, ==, KS_FP_GRADE_GOOD);

      /* What the UI shows is what was scanned. */
      copy = ks_fp_image_to_grey (image, &cw, &ch);
      g_assert_cmpuint (cw, ==, w);
      g_assert_cmpuint (ch, ==, h);
      g_assert_cmpuint (g_bytes_get_size (copy), ==, (gsize)w * h);
    }
}

static void
test_cancel_during_capture (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FpImage) image = NULL;
  g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (1004, 1);
  CancelOnPlace c = { cancellable, 0 };

  /* Nothing queued: the reader waits for a finger until the operator cancels. */
  ks_virtual_scanner_clear_queue (rig->scanner);
  image = capture (cancellable, cancel_on_place, &c, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (image);
  g_assert_cmpuint (c.n_place, ==, 1);
  g_assert_false (ks_fingerprint_service_is_busy (rig->service));
  g_clear_error (&error);

  /* The reader is usable right after. */
  ks_virtual_scanner_queue_synthetic (rig->scanner, finger, 0, KS_FPSYNTH_NORMAL);
  image = capture (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
}

static void
test_timeout_and_busy (void)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FpImage) image = NULL;

  ks_virtual_scanner_clear_queue (rig->scanner);
  ks_fingerprint_service_set_timeout (rig->service, 1);

  /* A second scan while the first waits is refused, not queued behind it. */
  ks_fingerprint_service_capture_async (rig->service, NULL, NULL, NULL, fpt_store_result, &first);
  g_assert_true (ks_fingerprint_service_is_busy (rig->service));
  ks_fingerprint_service_capture_async (rig->service, NULL, NULL, NULL, fpt_store_result, &second);
  image = ks_fingerprint_service_capture_finish (rig->service, fpt_wait (&second), &error);
  g_assert_error (error, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_BUSY);
  g_assert_null (image);
  g_clear_error (&error);

  /* Nobody puts a finger down: the first one gives up after its timeout, with a message. */
  image = ks_fingerprint_service_capture_finish (rig->service, fpt_wait (&first), &error);
  g_assert_error (error, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "Retry"));
  g_assert_null (image);

  ks_fingerprint_service_set_timeout (rig->service, 30);
}

typedef struct
{
  gint32 kind; /* -1 retry, -2 error */
  gint32 code;
} Injection;

static void
inject_on_place (KsFingerprintService *service, const KsFingerprintProgress *progress,
                 gpointer user_data)
{
  Injection *inj = user_data;
  g_autoptr(GError) error = NULL;

  if (progress->event != KS_FINGERPRINT_EVENT_PLACE_FINGER)
    return;
  if (inj->kind == -1)
    g_assert_true (ks_virtual_scanner_inject_retry (rig->scanner, inj->code, &error));
  else
    g_assert_true (ks_virtual_scanner_inject_error (rig->scanner, inj->code, &error));
  g_assert_no_error (error);
}

static void
test_reader_errors (void)
{
  /* What the driver reports, and what the operator reads. */
  struct
  {
    Injection injection;
    KsFingerprintError code;
    const char *says;
  } cases[] = {
    { { -2, FP_DEVICE_ERROR_TOO_HOT }, KS_FINGERPRINT_ERROR_OVERHEATED, "too hot" },
    { { -2, FP_DEVICE_ERROR_BUSY }, KS_FINGERPRINT_ERROR_BUSY, "another program" },
    { { -2, FP_DEVICE_ERROR_PROTO }, KS_FINGERPRINT_ERROR_UNEXPECTED, "call support" },
    { { -1, FP_DEVICE_RETRY_CENTER_FINGER }, KS_FINGERPRINT_ERROR_BAD_SCAN, "centred" },
  };

  ks_virtual_scanner_clear_queue (rig->scanner);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FpImage) image = capture (NULL, inject_on_place, &cases[i].injection, &error);

      g_assert_null (image);
      g_assert_error (error, KS_FINGERPRINT_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].says));
    }
}

static GPtrArray *
enrol_fingers (const guint64 *persons, const guint *first_impressions, guint n)
{
  GPtrArray *prints = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KsFpSynthFinger) f = ks_fpsynth_finger_new (persons[i], 3);
      g_autoptr(GError) error = NULL;
      FpPrint *t = fpt_enroll (rig, f, first_impressions[i], &error);

      g_assert_no_error (error);
      g_ptr_array_add (prints, t);
    }
  return prints;
}

static void
test_duplicates_and_gallery (void)
{
  /* New: A, B, A again (same finger presented as another one). On record: B, C. */
  const guint64 new_persons[] = { 2001, 2002, 2001 };
  const guint new_first[] = { 0, 0, 10 };
  const guint64 old_persons[] = { 2002, 2003 };
  const guint old_first[] = { 20, 0 };
  g_autoptr(GPtrArray) new_prints = enrol_fingers (new_persons, new_first, 3);
  g_autoptr(GPtrArray) old_prints = enrol_fingers (old_persons, old_first, 2);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) dups = NULL;
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GPtrArray) gallery = g_ptr_array_new ();

  ks_fingerprint_service_check_duplicates_async (rig->service, new_prints, old_prints, NULL,
                                                 fpt_store_result, &result);
  dups = ks_fingerprint_service_check_duplicates_finish (rig->service, fpt_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dups->len, ==, 2);
  g_assert_cmpint (g_array_index (dups, KsFpDuplicate, 0).kind, ==, KS_FP_DUPLICATE_NEW);
  g_assert_cmpuint (g_array_index (dups, KsFpDuplicate, 0).new_index, ==, 0);
  g_assert_cmpuint (g_array_index (dups, KsFpDuplicate, 0).other_index, ==, 2);
  g_assert_cmpint (g_array_index (dups, KsFpDuplicate, 1).kind, ==, KS_FP_DUPLICATE_EXISTING);
  g_assert_cmpuint (g_array_index (dups, KsFpDuplicate, 1).new_index, ==, 1);
  g_assert_cmpuint (g_array_index (dups, KsFpDuplicate, 1).other_index, ==, 0);

  /* Gallery search reports every hit, not just the first: A appears twice, at 1 and 3. */
  g_ptr_array_add (gallery, old_prints->pdata[1]);
  g_ptr_array_add (gallery, new_prints->pdata[0]);
  g_ptr_array_add (gallery, old_prints->pdata[0]);
  g_ptr_array_add (gallery, new_prints->pdata[2]);
  ks_fingerprint_service_match_gallery_async (rig->service, new_prints->pdata[0], gallery, NULL,
                                              fpt_store_result, &result2);
  hits = ks_fingerprint_service_match_gallery_finish (rig->service, fpt_wait (&result2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpuint (g_array_index (hits, KsFpMatchHit, 0).index, ==, 1);
  g_assert_cmpuint (g_array_index (hits, KsFpMatchHit, 1).index, ==, 3);
  g_assert_cmpint (g_array_index (hits, KsFpMatchHit, 0).score, >=,
                   g_array_index (hits, KsFpMatchHit, 1).score);
}

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticker;

static gboolean
tick (gpointer data)
{
  Ticker *t = data;
  gint64 now = g_get_monotonic_time ();

  t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop_stays_responsive (void)
{
  g_autoptr(KsFpSynthFinger) enrolled = ks_fpsynth_finger_new (3001, 4);
  g_autoptr(KsFpSynthFinger) stranger = ks_fpsynth_finger_new (3002, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(FpPrint) t = fpt_enroll (rig, enrolled, 0, &error);
  g_autoptr(GPtrArray) gallery = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GArray) hits = NULL;
  Ticker ticker = { 0, 0 };
  gint64 start;
  guint tick_id;
  int index = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < 200; i++)
    g_ptr_array_add (gallery, t);

  /* A stranger's finger: bozorth3 compares it with all 200 templates (1000 comparisons). */
  ks_virtual_scanner_queue_synthetic (rig->scanner, stranger, 0, KS_FPSYNTH_NORMAL);
  ticker.last = start = g_get_monotonic_time ();
  tick_id = g_timeout_add (10, tick, &ticker);
  ks_fingerprint_service_identify_async (rig->service, gallery, NULL, NULL, NULL, fpt_store_result,
                                         &result);
  g_assert_true (ks_fingerprint_service_identify_finish (rig->service, fpt_wait (&result), &index,
                                                         NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (index, ==, -1);
  g_test_message ("identify over 200 templates: %.2f s, longest main-loop gap %.1f ms",
                  (g_get_monotonic_time () - start) / 1e6, ticker.max_gap / 1e3);
  g_assert_cmpint (ticker.max_gap, <, 250 * 1000);

  /* The same for the template matcher of the duplicate search. */
  ticker.max_gap = 0;
  ticker.last = start = g_get_monotonic_time ();
  ks_fingerprint_service_match_gallery_async (rig->service, t, gallery, NULL, fpt_store_result,
                                              &result2);
  hits = ks_fingerprint_service_match_gallery_finish (rig->service, fpt_wait (&result2), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 200);
  g_test_message ("template matcher over 200 templates: %.2f s, longest main-loop gap %.1f ms",
                  (g_get_monotonic_time () - start) / 1e6, ticker.max_gap / 1e3);
  g_assert_cmpint (ticker.max_gap, <, 250 * 1000);
  g_source_remove (tick_id);
}

static void
count_reader_changes (KsFingerprintService *service, guint *n)
{
  (*n)++;
}

static void
unplug_on_place (KsFingerprintService *service, const KsFingerprintProgress *progress,
                 gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (progress->event != KS_FINGERPRINT_EVENT_PLACE_FINGER)
    return;
  g_assert_true (ks_virtual_scanner_unplug (rig->scanner, &error));
  g_assert_no_error (error);
}

/* Last: the reader is gone afterwards. */
static void
test_unplug_during_capture (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FpImage) image = NULL;
  guint n_changes = 0;
  gulong id = g_signal_connect (rig->service, "reader-changed", G_CALLBACK (count_reader_changes),
                                &n_changes);

  ks_virtual_scanner_clear_queue (rig->scanner);
  image = capture (NULL, unplug_on_place, NULL, &error);
  g_assert_error (error, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_UNPLUGGED);
  g_assert_nonnull (strstr (error->message, "unplugged"));
  g_clear_error (&error);

  /* The service notices the reader is gone... */
  while (n_changes == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ks_fingerprint_service_has_reader (rig->service));

  /* ...and says so to the next request instead of hanging. */
  image = capture (NULL, NULL, NULL, &error);
  g_assert_error (error, KS_FINGERPRINT_ERROR, KS_FINGERPRINT_ERROR_NO_READER);
  g_signal_handler_disconnect (rig->service, id);
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  fpt_capture_scores ();
  rig = fpt_rig_new_virtual_image ();
  g_test_add_func ("/fingerprint/service/enroll-verify", test_enroll_verify);
  g_test_add_func ("/fingerprint/service/capture-quality", test_capture_quality);
  g_test_add_func ("/fingerprint/service/capture-nist", test_capture_nist);
  g_test_add_func ("/fingerprint/service/cancel-during-capture", test_cancel_during_capture);
  g_test_add_func ("/fingerprint/service/timeout-and-busy", test_timeout_and_busy);
  g_test_add_func ("/fingerprint/service/reader-errors", test_reader_errors);
  g_test_add_func ("/fingerprint/service/duplicates-and-gallery", test_duplicates_and_gallery);
  g_test_add_func ("/fingerprint/service/main-loop-responsive", test_main_loop_stays_responsive);
  g_test_add_func ("/fingerprint/service/unplug-during-capture", test_unplug_during_capture);
  ret = g_test_run ();
  fpt_rig_free (rig);
  return ret;
}
