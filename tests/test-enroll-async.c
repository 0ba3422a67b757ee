/* test-enroll-async.c: the enrollment wizard's store and photo work, as async core calls
 *
 * The wizard never waits on the store, the key file or an image decoder: it asks KsStation and
 * ks-photo for the work in a worker thread. These tests take the wizard's path through those
 * calls: a photo chosen from a file, a draft started, listed, continued and submitted, the
 * citizen then found enrolled, and a draft discarded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-enroll-async"

#include "config.h"

#include <cairo.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ks-photo.h"
#include "ks-station.h"
#include "ks-test-enroll.h"
#include "ks-test-util.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ks-enroll-async-XXXXXX", &error);
  g_assert_no_error (error);
  f->station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  f->session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                  "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (f->station), f->session, "PEW", "A01");
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->station);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs the main loop until the call answered, as the UI thread does. */
static GAsyncResult *
wait_for (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static char *
write_photo_file (const char *dir,
                  int         width,
                  int         height)
{
  char *path = g_build_filename (dir, "citizen.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.85, 0.88, 0.92);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* A photo chosen from a file: shrunk to card size, sealed, and opened again as the same PNG. */
static void
test_photo (Fixture      *f,
            gconstpointer data)
{
  KsProfile *profile = ks_station_get_profile (f->station);
  g_autofree char *path = write_photo_file (f->dir, 600, 800);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GAsyncResult) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) reopened = NULL;
  g_autofree char *sealed = NULL;
  cairo_surface_t *surface;
  g_autofree char *copy = g_build_filename (f->dir, "copy.png", NULL);

  ks_photo_import_async (profile, file, NULL, store_result, &imported);
  sealed = ks_photo_import_finish (wait_for (&imported), &png, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sealed);
  /* Sealed: no PNG inside what the record keeps (the 8-byte PNG signature). */
  {
    gsize len = 0;
    g_autofree guchar *blob = g_base64_decode (sealed, &len);

    g_assert_cmpuint (len, >, g_bytes_get_size (png));
    for (gsize i = 0; i + 8 <= len; i++)
      g_assert_true (memcmp (blob + i, "\x89PNG\r\n\x1a\n", 8) != 0);
  }

  ks_photo_open_async (profile, sealed, NULL, store_result, &opened);
  reopened = ks_photo_open_finish (wait_for (&opened), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (png, reopened));

  /* 600 x 800 shrinks to the card's 300 x 400. */
  g_assert_true (g_file_set_contents (copy, g_bytes_get_data (reopened, NULL),
                                      g_bytes_get_size (reopened), NULL));
  surface = cairo_image_surface_create_from_png (copy);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, KS_PHOTO_MAX_WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, KS_PHOTO_MAX_HEIGHT);
  cairo_surface_destroy (surface);
}

/* A file that is not a photo: refused with a message saying what to choose. */
static void
test_photo_not_an_image (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "notes.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sealed = NULL;

  g_assert_true (g_file_set_contents (path, "not a photo", -1, NULL));
  ks_photo_import_async (ks_station_get_profile (f->station), file, NULL, store_result,
                         &imported);
  sealed = ks_photo_import_finish (wait_for (&imported), NULL, &error);
  g_assert_null (sealed);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "PNG or JPEG"));
}

static KsEnrollStatus *
enroll_status (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsEnrollStatus *status;

  ks_station_enroll_status_async (f->station, f->session, NULL, store_result, &result);
  status = ks_station_enroll_status_finish (f->station, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (status);
  return status;
}

static gint64
create_draft (Fixture  *f,
              KsRecord *record)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 draft;

  ks_station_create_draft_async (f->station, f->session, record, 0, NULL, store_result, &result);
  draft = ks_station_create_draft_finish (f->station, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (draft, >, 0);
  return draft;
}

static KsEnrolled *
find_enrolled (Fixture    *f,
               const char *cnic,
               gint64      draft)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsEnrolled *enrolled;

  ks_station_find_enrolled_async (f->station, cnic, draft, NULL, store_result, &result);
  enrolled = ks_station_find_enrolled_finish (f->station, wait_for (&result), &error);
  g_assert_no_error (error);
  return enrolled;
}

/* New enrollment, start page, continue, submit; then the same CNIC is found enrolled. */
static void
test_draft_to_submit (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(KsRecord) typed = ks_test_wizard_record (3);
  g_autoptr(KsEnrollStatus) before = NULL;
  g_autoptr(KsEnrollStatus) after = NULL;
  g_autoptr(KsEnrolled) none = NULL;
  g_autoptr(KsEnrolled) enrolled = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) submitted = NULL;
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsSubmission) submission = NULL;
  g_autoptr(GError) error = NULL;
  gint64 draft;

  draft = create_draft (f, typed);
  before = enroll_status (f);
  g_assert_true (before->allowed);
  g_assert_null (before->refusal);
  g_assert_cmpuint (before->mine->len, ==, 1);
  g_assert_cmpint (((KsDraftInfo *)before->mine->pdata[0])->id, ==, draft);

  ks_station_load_draft_async (f->station, draft, NULL, store_result, &loaded);
  record = ks_station_load_draft_finish (f->station, wait_for (&loaded), &info, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->id, ==, draft);
  g_assert_cmpstr (ks_record_get (record, KS_FIELD_CNIC), ==, ks_record_get (typed, KS_FIELD_CNIC));

  /* Not enrolled yet. */
  none = find_enrolled (f, ks_record_get (typed, KS_FIELD_CNIC), draft);
  g_assert_null (none);

  ks_station_submit_async (f->station, f->session, draft, record, NULL, store_result, &submitted);
  submission = ks_station_submit_finish (f->station, wait_for (&submitted), &error);
  g_assert_no_error (error);
  g_assert_nonnull (submission->kp_id);
  g_assert_true (g_str_has_prefix (submission->kp_id, "PEW-A01-"));
  g_assert_nonnull (submission->slip);
  g_assert_cmpstr (ks_slip_get_kp_id (submission->slip), ==, submission->kp_id);
  /* Supervisor approval is on: the record waits for review, no card yet. */
  g_assert_false (submission->approved);
  g_assert_null (submission->card);

  /* The draft became the record; the same CNIC typed again is found enrolled. */
  after = enroll_status (f);
  g_assert_cmpuint (after->mine->len, ==, 0);
  enrolled = find_enrolled (f, ks_record_get (typed, KS_FIELD_CNIC), 0);
  g_assert_nonnull (enrolled);
  g_assert_cmpstr (enrolled->info->kp_id, ==, submission->kp_id);
  g_assert_true (enrolled->editable);
}

/* A draft discarded from the start page is gone from it. */
static void
test_discard (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(KsRecord) typed = ks_test_wizard_record (4);
  g_autoptr(KsEnrollStatus) status = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = NULL;
  gint64 draft = create_draft (f, typed);

  ks_station_discard_draft_async (f->station, f->session, draft, NULL, store_result, &result);
  g_assert_true (ks_station_discard_draft_finish (f->station, wait_for (&result), &error));
  g_assert_no_error (error);
  status = enroll_status (f);
  g_assert_cmpuint (status->mine->len, ==, 0);

  ks_station_load_draft_async (f->station, draft, NULL, store_result, &loaded);
  record = ks_station_load_draft_finish (f->station, wait_for (&loaded), NULL, &error);
  g_assert_null (record);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/enroll-async/photo", test_photo);
  ADD ("/enroll-async/photo-not-an-image", test_photo_not_an_image);
  ADD ("/enroll-async/draft-to-submit", test_draft_to_submit);
  ADD ("/enroll-async/discard", test_discard);
#undef ADD

  return g_test_run ();
}
