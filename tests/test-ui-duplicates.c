/* test-ui-duplicates.c: the supervisor's side-by-side view of a possible duplicate enrolment
 *
 * One citizen enrolls twice under two CNICs and names, with REAL fingerprints (FVC2000 DB1_B,
 * next to the repository; the test skips, saying so, without them): the operator captures the
 * same right thumb in both records, through the simulated reader's five enrolment stages, from
 * different impressions. The station's search flags the second record; its detail then shows
 * both people and the matching thumbs' impressions side by side, with the score and the
 * estimated false-match rate, in English, Urdu and Pashto (screenshots of each), reachable
 * from the keyboard. A record nobody else matches shows no such view.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ks-duplicate-search.h"
#include "ks-duplicate-view.h"
#include "ks-language.h"
#include "ks-photo.h"
#include "ks-record-detail.h"
#include "ks-test-enroll.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
  GtkWindow *window;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = ks_test_tmpdir ();
  f->station = ks_station_open ("training", f->dir, &error);
  g_assert_no_error (error);
  f->session = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai", "correct horse",
                                  "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_station_set_session (f->station, f->session);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (f->window);
  ks_test_iterate (50);
  g_clear_object (&f->session);
  g_assert_finalize_object (f->station);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* The photo as the wizard takes it: chosen from a file, shrunk and sealed. */
static void
add_photo (Fixture  *f,
           KsRecord *record)
{
  g_autoptr(GBytes) face = ks_test_face_png (600, 800, 4);
  g_autofree char *path = g_build_filename (f->dir, "face.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sealed = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (face, NULL),
                                      g_bytes_get_size (face), &error));
  ks_photo_import_async (ks_station_get_profile (f->station), file, NULL, store_result,
                         &imported);
  KS_TEST_WAIT_UNTIL (imported != NULL, 10000);
  sealed = ks_photo_import_finish (imported, NULL, &error);
  g_assert_no_error (error);
  ks_record_set (record, KS_FIELD_PHOTO, sealed);
}

/* Citizen @i as the wizard enrolls them: the draft, two real thumbs captured through the
 * reader and saved to it, the fingerprint step's duplicate check (the station's search), submit. */
static char *
enroll (Fixture     *f,
        const char  *dir,
        guint        i,
        guint        right,
        guint        left,
        const guint *impressions,
        gboolean     photo)
{
  KsStore *store = ks_station_get_store (f->station);
  KsVault *vault = ks_station_get_biometrics_vault (f->station, NULL);
  g_autoptr(KsTestStaff) staff = ks_test_staff_get (store);
  g_autoptr(GPtrArray) fingers
    = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_finger_capture_free);
  g_autoptr(KsRecord) record = ks_test_wizard_record (i);
  g_autoptr(KsFingerCheck) check = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KsSubmitOptions options = { NULL };
  gint64 draft;
  char *kp_id;

  g_ptr_array_add (fingers, ks_test_capture_real (f->station, dir, FP_FINGER_RIGHT_THUMB, right,
                                                  impressions));
  g_ptr_array_add (fingers, ks_test_capture_real (f->station, dir, FP_FINGER_LEFT_THUMB, left,
                                                  impressions));
  if (photo)
    add_photo (f, record);
  draft = ks_drafts_create (store, staff->operator, record, 0, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < fingers->len; j++)
    {
      g_assert_true (ks_fingers_save_draft (store, vault, draft, fingers->pdata[j], &error));
      g_assert_no_error (error);
    }
  ks_duplicate_search_check_draft_async (ks_station_get_duplicate_search (f->station), draft,
                                         fingers, NULL, store_result, &result);
  KS_TEST_WAIT_UNTIL (result != NULL, 60000);
  check = ks_duplicate_search_check_draft_finish (ks_station_get_duplicate_search (f->station),
                                                  result, &error);
  g_assert_no_error (error);
  kp_id = ks_records_submit (store, staff->operator, draft, record,
                             ks_station_get_reference (f->station), &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kp_id);
  return kp_id;
}

static KsRecordDetail *
present_detail (Fixture *f)
{
  KsRecordDetail *detail = g_object_new (KS_TYPE_RECORD_DETAIL, NULL);

  ks_record_detail_set_station (detail, f->station, ks_station_get_reference (f->station));
  ks_record_detail_set_session (detail, f->session);
  f->window = GTK_WINDOW (adw_window_new ());
  adw_window_set_content (ADW_WINDOW (f->window), GTK_WIDGET (detail));
  gtk_window_set_default_size (f->window, 1240, 1000);
  gtk_window_present (f->window);
  ks_test_iterate (100);
  return detail;
}

static gboolean
shows_text_part (GtkWidget  *root,
                 const char *part)
{
  g_autofree char *text = ks_test_collect_text (root);

  return strstr (text, part) != NULL;
}

static void
wait_for_view (KsRecordDetail *detail,
               const char     *kp_id)
{
  KsDuplicateView *view = ks_record_detail_get_duplicate_view (detail);

  KS_TEST_WAIT_UNTIL (!ks_record_detail_is_loading (detail)
                      && ks_record_detail_get_info (detail) != NULL
                      && g_strcmp0 (ks_record_detail_get_info (detail)->kp_id, kp_id) == 0
                      && !ks_duplicate_view_is_loading (view), 20000);
  ks_test_iterate (200);
}

static void
test_side_by_side (Fixture      *f,
                   gconstpointer data)
{
  static const guint first_five[] = { 1, 2, 3, 4, 5 };
  static const guint later[] = { 6, 7, 8, 6, 7 };
  g_autofree char *dir = ks_test_fvc2000_dir ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  KsRecordDetail *detail;
  KsDuplicateView *view;
  GtkWidget *root;

  if (dir == NULL)
    {
      g_test_skip ("real fingerprints not found in ../shared/reference/fingerprints/fvc2000 "
                   "next to the repository: the duplicate view on real prints is NOT tested");
      return;
    }

  /* The same person (FVC fingers 105 and 106 as the thumbs, the fingers test-dedup uses) enrolls
   * twice, under two CNICs and names, from different impressions; a third citizen has other
   * fingers. */
  first = enroll (f, dir, 21, 105, 106, first_five, TRUE);
  second = enroll (f, dir, 22, 105, 106, later, FALSE);
  third = enroll (f, dir, 23, 102, 104, first_five, FALSE);

  detail = present_detail (f);
  root = GTK_WIDGET (f->window);
  view = ks_record_detail_get_duplicate_view (detail);

  /* A citizen nobody else matches: no comparison shown. */
  ks_record_detail_show (detail, third);
  wait_for_view (detail, third);
  g_assert_cmpuint (ks_duplicate_view_get_n_duplicates (view), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));

  /* The second enrolment: both people, the thumbs' impressions, score and odds. */
  ks_record_detail_show (detail, second);
  wait_for_view (detail, second);
  g_assert_cmpuint (ks_duplicate_view_get_n_duplicates (view), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "Possible Duplicate Enrolment"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), first));
  g_assert_true (shows_text_part (GTK_WIDGET (view), second));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "17301-0000002-1"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "17301-0000002-2"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "This record: Right thumb"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "Other record: Right thumb"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "This record: Left thumb"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "Other record: Left thumb"));
  g_assert_true (shows_text_part (GTK_WIDGET (view), "Estimated false-match rate: "));
  /* Both thumbs' two impressions are pictures of the captures, and the photo of the first
   * enrolment. */
  {
    guint n_textures = 0;
    GtkWidget *picture;

    for (guint i = 0; (picture = ks_test_find_by_type (GTK_WIDGET (view), GTK_TYPE_PICTURE, i));
         i++)
      if (GDK_IS_TEXTURE (gtk_picture_get_paintable (GTK_PICTURE (picture))))
        n_textures++;
    g_assert_cmpuint (n_textures, ==, 5);
  }
  g_assert_true (shows_text_part (GTK_WIDGET (view), "No photo"));
  g_free (ks_test_screenshot (root, "review-duplicate-side-by-side"));

  /* Keyboard: the pair row takes focus, and Open moves to the other record. */
  {
    GtkWidget *row = ks_test_find_by_type (GTK_WIDGET (view), GTK_TYPE_LIST_BOX_ROW, 0);
    GtkWidget *button = NULL;
    GtkWidget *b;
    g_autofree char *open = g_strdup_printf ("Open %s", first);

    while (row != NULL && !gtk_widget_get_focusable (row))
      row = NULL;
    g_assert_nonnull (row);
    g_assert_true (gtk_widget_grab_focus (row));
    for (guint i = 0; (b = ks_test_find_by_type (GTK_WIDGET (view), GTK_TYPE_BUTTON, i)); i++)
      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (b)), open) == 0)
        button = b;
    g_assert_nonnull (button);
    g_assert_true (gtk_widget_grab_focus (button));
    g_assert_true (gtk_widget_activate (button));
    wait_for_view (detail, first);
    /* The first enrolment is the older one: the search flagged only the new one. */
    g_assert_cmpstr (ks_record_detail_get_info (detail)->kp_id, ==, first);
  }

  /* Urdu and Pashto. */
  for (guint l = 0; l < 2; l++)
    {
      static const char *const languages[] = { "ur", "ps" };
      g_autofree char *name = g_strdup_printf ("review-duplicate-side-by-side-%s",
                                               languages[l]);

      ks_language_apply (languages[l]);
      gtk_window_destroy (f->window);
      f->window = NULL;
      detail = present_detail (f);
      root = GTK_WIDGET (f->window);
      view = ks_record_detail_get_duplicate_view (detail);
      ks_record_detail_show (detail, second);
      wait_for_view (detail, second);
      g_assert_cmpuint (ks_duplicate_view_get_n_duplicates (view), ==, 1);
      g_free (ks_test_screenshot (root, name));
      g_assert_false (shows_text_part (GTK_WIDGET (view), "Possible Duplicate Enrolment"));
      g_assert_false (shows_text_part (GTK_WIDGET (view), "This record: "));
    }
  ks_language_apply ("en");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("KS_LOCALEDIR");

  /* As main.c does, with the build's translations. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ks_test_ui_init (&argc, &argv);

  g_test_add ("/ui-duplicates/side-by-side", Fixture, NULL,
              fixture_setup, test_side_by_side, fixture_teardown);

  return g_test_run ();
}
