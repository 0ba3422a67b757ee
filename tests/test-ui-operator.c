/* test-ui-operator.c: the operator's keyboard, with real key events (xdotool under Xvfb)
 *
 * - a full enrollment with four fingers needs at most 15 key presses that enter no data;
 * - Enter on a district or tehsil picker takes the item shown and moves on;
 * - keys typed right after Ctrl+N land in the form, and Ctrl+N leaves no empty draft behind;
 * - Tab from a service's "sign up" reaches its consent switch;
 * - set-up: "Pesh" typed after Tab picks Peshawar at once; the password-mismatch message shows
 *   on a laptop-sized window;
 * - at 1920 px, Back and Next stay with the step's content.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <string.h>

#include "ks-enroll-page.h"
#include "ks-fingerprint-step.h"
#include "ks-records.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-ui-util.h"
#include "ks-virtual-scanner-testing.h"
#include "ks-window.h"

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *session;
  KsWindow *window;
  KsEnrollPage *page;
  guint non_data_keys;
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
  ks_test_configure_station (ks_station_get_config (f->station), f->session, "PEW", "A01");

  f->window = ks_window_new (NULL, f->station);
  gtk_window_set_default_size (GTK_WINDOW (f->window), GPOINTER_TO_INT (data) ? : 1100, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  ks_test_iterate (200);
  ks_window_session_started (f->window, f->session);
  ks_test_iterate (300);
  f->page = KS_ENROLL_PAGE (ks_test_find_by_type (GTK_WIDGET (f->window), KS_TYPE_ENROLL_PAGE, 0));
  g_assert_nonnull (f->page);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  ks_test_iterate (50);
  g_clear_object (&f->session);
  g_clear_object (&f->station);
  g_free (f->dir);
}

static GtkWidget *
focus_of (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

static gboolean
focus_within (Fixture   *f,
              GtkWidget *widget)
{
  GtkWidget *focus = focus_of (f);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Keys that enter no data (Tab past an empty field, Enter, Space, shortcuts), counted. */
static void
key (Fixture    *f,
     const char *name)
{
  f->non_data_keys++;
  ks_test_keys (GTK_WIDGET (f->window), "key", name, NULL);
}

/* The citizen's data as the operator types it; a Tab or Enter ending a field that was just
 * filled belongs to typing it (@then, or NULL). */
static void
type (Fixture    *f,
      const char *text,
      const char *then)
{
  if (then != NULL)
    ks_test_keys (GTK_WIDGET (f->window), "type", text, "key", then, NULL);
  else
    ks_test_keys (GTK_WIDGET (f->window), "type", text, NULL);
}

static GtkWidget *
button_with_action (GtkWidget  *root,
                    const char *action)
{
  for (guint nth = 0;; nth++)
    {
      GtkWidget *button = ks_test_find_by_type (root, GTK_TYPE_BUTTON, nth);

      if (button == NULL)
        return NULL;
      if (g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), action) == 0)
        return button;
    }
}

static GtkWidget *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWidget *dialog = NULL;

  for (GList *l = toplevels; l; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  return dialog;
}

static GtkDropDown *
drop_down (Fixture *f,
           guint    nth)
{
  GtkWidget *widget = ks_test_find_by_type (GTK_WIDGET (f->page), GTK_TYPE_DROP_DOWN, nth);

  g_assert_nonnull (widget);
  return GTK_DROP_DOWN (widget);
}

static guint
n_drafts (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = ks_drafts_list_mine (ks_station_get_store (f->station),
                                                     f->session, &error);

  g_assert_no_error (error);
  return drafts->len;
}

static void
shot (Fixture    *f,
      const char *name)
{
  g_free (ks_test_screenshot (GTK_WIDGET (f->window), name));
}

/* The finger whose button has the keyboard focus; the citizen puts that finger on the reader. */
static FpFinger
queue_focused_finger (Fixture           *f,
                      KsFingerprintStep *step)
{
  KsVirtualScanner *scanner = ks_station_get_virtual_scanner (f->station);

  for (FpFinger finger = FP_FINGER_FIRST; finger <= FP_FINGER_LAST; finger++)
    if (focus_of (f) == ks_fingerprint_step_get_finger_button (step, finger))
      {
        g_autoptr(KsFpSynthFinger) synth = ks_fpsynth_finger_new (11, finger);

        for (guint i = 0; i < 5; i++)
          ks_virtual_scanner_queue_synthetic (scanner, synth, i, KS_FPSYNTH_NORMAL);
        return finger;
      }
  g_error ("the keyboard focus is on no finger");
}

/* Speed for the operator: a whole enrollment, four fingers, keys only. */
static void
test_key_count (Fixture      *f,
                gconstpointer data)
{
  KsFingerprintStep *step;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }

  key (f, "ctrl+n");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);

  /* Identity: CNIC, date of birth, gender (Alt+M), Enter. */
  type (f, "1730112345671", "Tab");
  type (f, "10-05-1990", NULL);
  key (f, "alt+m");
  key (f, "Return");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_PERSONAL, 10000);

  /* Personal: the names in both scripts; Enter from the last one. */
  type (f, "Imran Khan", "Tab");
  type (f, "عمران خان", "Tab");
  type (f, "Ikram Ullah Khan", "Tab");
  type (f, "اکرام اللہ خان", NULL);
  key (f, "Return");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_ADDRESS, 10000);

  /* Address: mobile, (no email), line 1, (no line 2); "Pesh" and Enter take Peshawar and go to
   * the tehsil; its first letters and Enter take it and go to the next step. */
  type (f, "0300 1234567", "Tab");
  key (f, "Tab");
  type (f, "House 12, Street 4, Hayatabad", "Tab");
  key (f, "Tab");
  g_assert_true (focus_within (f, GTK_WIDGET (drop_down (f, 0))));
  type (f, "Pesh", NULL);
  key (f, "Return");
  g_assert_cmpstr (ks_district_drop_down_get_code (drop_down (f, 0)), ==, "PEW");
  g_assert_true (focus_within (f, GTK_WIDGET (drop_down (f, 1))));
  g_assert_cmpint (ks_enroll_page_get_step (f->page), ==, KS_ENROLL_STEP_ADDRESS);
  type (f, "Pesh", NULL);
  key (f, "Return");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_SERVICES, 10000);

  /* Services: none for this citizen; Enter on the first switch goes on. */
  key (f, "Return");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_FINGERPRINTS, 10000);

  /* Fingerprints: one key per finger; the step moves on by itself after the last. */
  step = KS_FINGERPRINT_STEP (ks_test_find_by_type (GTK_WIDGET (f->window),
                                                    KS_TYPE_FINGERPRINT_STEP, 0));
  g_assert_nonnull (step);
  for (guint n = 1; n <= 4; n++)
    {
      queue_focused_finger (f, step);
      key (f, "space");
      KS_TEST_WAIT_UNTIL (ks_fingerprint_step_get_n_done (step) == n, 30000);
      ks_test_iterate (100);
    }
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_REVIEW, 30000);
  ks_test_iterate (200);
  shot (f, "enroll-review-keys");

  /* Review: Enter submits, Enter confirms. */
  key (f, "Return");
  KS_TEST_WAIT_UNTIL (find_dialog () != NULL, 10000);
  f->non_data_keys++;
  ks_test_keys (find_dialog (), "key", "Return", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_CARD, 20000);

  {
    g_autoptr(GError) error = NULL;
    const char *kp_id = ks_enroll_page_get_submitted_id (f->page);
    g_autoptr(KsRecord) stored = ks_records_load (ks_station_get_store (f->station), kp_id,
                                                  &error);

    g_assert_no_error (error);
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_CNIC), ==, "17301-1234567-1");
    g_assert_cmpstr (ks_record_get (stored, KS_FIELD_TEHSIL), ==, "PEW-01");
  }
  g_test_message ("non-data keys for a full enrollment: %u", f->non_data_keys);
  g_assert_cmpuint (f->non_data_keys, <=, 15);
}

/* One xdotool run: the X server queues every key before GTK sees the first, as when a fast
 * operator types the CNIC right after Ctrl+N. */
static void
keys_at_once (Fixture    *f,
              const char *first_key,
              const char *text)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));
  g_autofree char *xid = g_strdup_printf ("%lu", gdk_x11_surface_get_xid (surface));
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "mousemove", "--window",
                              xid, "4", "4", "key", "--delay", "12", first_key, "type",
                              "--delay", "12", text, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  ks_test_iterate (300);
}

static void
test_ctrl_n (Fixture      *f,
             gconstpointer data)
{
  GtkWidget *cnic;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }

  /* Ctrl+N then the CNIC at once: every digit is in the form, and in the draft. */
  keys_at_once (f, "ctrl+n", "1730112345671");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);
  cnic = ks_test_find_by_type (GTK_WIDGET (f->page), ADW_TYPE_ENTRY_ROW, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (cnic)), ==, "1730112345671");
  g_assert_cmpuint (n_drafts (f), ==, 1);

  /* Ctrl+N twice more, typing nothing: no empty draft stays behind; the typed one does. */
  ks_test_keys (GTK_WIDGET (f->window), "key", "ctrl+n", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);
  ks_test_keys (GTK_WIDGET (f->window), "key", "ctrl+n", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);
  /* Then Close: the last empty one goes too. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "enroll.close", NULL);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_enroll_page_get_mode (f->page), "start") == 0, 10000);
  KS_TEST_WAIT_UNTIL (n_drafts (f) == 1, 10000);
  ks_test_iterate (300);
  g_assert_cmpuint (n_drafts (f), ==, 1);
  {
    g_autoptr(GPtrArray) drafts = ks_drafts_list_mine (ks_station_get_store (f->station),
                                                       f->session, NULL);
    g_autoptr(KsRecord) record = ks_drafts_load (ks_station_get_store (f->station),
                                                 ((KsDraftInfo *)drafts->pdata[0])->id, NULL,
                                                 NULL);

    g_assert_cmpstr (ks_record_get (record, KS_FIELD_CNIC), ==, "1730112345671");
  }
}

/* Tab from a service's "sign up" switch reaches its consent switch. */
static void
test_consent_tab (Fixture      *f,
                  gconstpointer data)
{
  GtkWidget *sign_up;
  GtkWidget *consent;

  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }

  ks_test_keys (GTK_WIDGET (f->window), "key", "ctrl+n", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);
  type (f, "1730112345671", "Tab");
  type (f, "10-05-1990", NULL);
  ks_test_keys (GTK_WIDGET (f->window), "key", "alt+m", "key", "alt+n", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_PERSONAL, 10000);
  type (f, "Imran Khan", "Tab");
  type (f, "عمران خان", "Tab");
  type (f, "Ikram Ullah Khan", "Tab");
  type (f, "اکرام اللہ خان", "Return");
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_ADDRESS, 10000);
  type (f, "0300 1234567", "Tab");
  ks_test_keys (GTK_WIDGET (f->window), "key", "Tab", NULL);
  type (f, "House 12, Street 4, Hayatabad", "Tab");
  ks_test_keys (GTK_WIDGET (f->window), "key", "Tab", "type", "Pesh", "key", "Tab", "key", "Down",
                "key", "alt+n", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_step (f->page) == KS_ENROLL_STEP_SERVICES, 10000);

  sign_up = ks_test_find_by_type (GTK_WIDGET (f->page), GTK_TYPE_SWITCH, 0);
  g_assert_true (focus_of (f) == sign_up);
  ks_test_keys (GTK_WIDGET (f->window), "key", "space", NULL);
  consent = ks_test_find_by_type (GTK_WIDGET (f->page), GTK_TYPE_SWITCH, 1);
  g_assert_nonnull (consent);
  /* Back to "sign up", then one Tab: the consent switch, where Space records the consent. */
  gtk_widget_grab_focus (sign_up);
  ks_test_iterate (100);
  ks_test_keys (GTK_WIDGET (f->window), "key", "Tab", NULL);
  g_assert_true (focus_of (f) == consent);
  ks_test_keys (GTK_WIDGET (f->window), "key", "space", NULL);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (consent)));
  shot (f, "enroll-services-consent");
}

/* On a wide window (1920 px) the step keeps its buttons: Back and Next no farther apart than
 * the step is wide. */
static void
test_wide_window (Fixture      *f,
                  gconstpointer data)
{
  GtkWidget *back;
  GtkWidget *next;
  graphene_point_t origin = GRAPHENE_POINT_INIT (0, 0);
  graphene_point_t back_at;
  graphene_point_t next_at;

  gtk_widget_activate_action (GTK_WIDGET (f->page), "enroll.new", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (f->page) > 0, 10000);
  ks_test_iterate (300);
  /* As wide as the X screen allows (1920 asked; CI's Xvfb screen is 1280 wide): wider than
   * the step, which is what matters. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f->window)), >=, 1200);
  back = button_with_action (GTK_WIDGET (f->page), "enroll.back");
  next = button_with_action (GTK_WIDGET (f->page), "enroll.next");
  g_assert_nonnull (back);
  g_assert_nonnull (next);
  g_assert_true (gtk_widget_compute_point (back, GTK_WIDGET (f->window), &origin, &back_at));
  g_assert_true (gtk_widget_compute_point (next, GTK_WIDGET (f->window), &origin, &next_at));
  g_test_message ("Back at %.0f, Next at %.0f", back_at.x, next_at.x);
  g_assert_cmpfloat (next_at.x + gtk_widget_get_width (next) - back_at.x, <=, 1000);
  shot (f, "enroll-identity-1920");
}

/* Set-up ------------------------------------------------------------------------------------ */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  for (guint nth = 0;; nth++)
    {
      GtkWidget *label = ks_test_find_by_type (root, GTK_TYPE_LABEL, nth);

      if (label == NULL)
        return NULL;
      if (strstr (gtk_label_get_label (GTK_LABEL (label)), text) != NULL)
        return label;
    }
}

/* The message shows within the scrolled form, not below what the window shows. */
static gboolean
shown_in_scroller (GtkWidget *label)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (label, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (label) ||
      !gtk_widget_compute_bounds (label, scroller, &bounds))
    return FALSE;
  return bounds.origin.y >= 0 &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (scroller);
}

static void
test_setup_keys (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
  KsWindow *window;
  GtkWidget *root;
  GtkDropDown *district;
  GtkWidget *message;

  g_assert_no_error (error);
  if (!ks_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X11 display is missing");
      return;
    }
  /* A laptop's screen. */
  window = ks_window_new (NULL, station);
  root = GTK_WIDGET (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  gtk_window_present (GTK_WINDOW (window));
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "setup") == 0, 10000);
  ks_test_iterate (300);

  ks_test_keys (root, "type", "Amina Yousafzai", "key", "Tab", "type", "amina.sup", "key", "Tab",
                "type", "correct horse battery", "key", "Tab", "type", "correct horse batery",
                "key", "Tab", NULL);
  /* Tab reached the district picker itself: "Pesh" picks Peshawar at once. */
  ks_test_keys (root, "type", "Pesh", NULL);
  district = GTK_DROP_DOWN (ks_test_find_by_type (root, GTK_TYPE_DROP_DOWN, 0));
  g_assert_nonnull (district);
  g_assert_cmpstr (ks_district_drop_down_get_code (district), ==, "PEW");

  /* Enter takes it and goes to the station code; Enter there creates, and the mismatch is
   * told where the operator sees it. */
  ks_test_keys (root, "key", "Return", NULL);
  g_assert_cmpstr (ks_district_drop_down_get_code (district), ==, "PEW");
  ks_test_keys (root, "key", "ctrl+a", "type", "A01", "key", "Return", NULL);
  KS_TEST_WAIT_UNTIL ((message = find_label (root, "not the same")) != NULL, 10000);
  KS_TEST_WAIT_UNTIL (shown_in_scroller (message), 5000);
  g_free (ks_test_screenshot (root, "setup-mismatch"));
  g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");

  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

int
main (int   argc,
      char *argv[])
{
  ks_test_ui_init (&argc, &argv);
  g_test_add ("/ui/operator/key-count", Fixture, NULL, fixture_setup, test_key_count,
              fixture_teardown);
  g_test_add ("/ui/operator/ctrl-n", Fixture, NULL, fixture_setup, test_ctrl_n,
              fixture_teardown);
  g_test_add ("/ui/operator/consent-tab", Fixture, NULL, fixture_setup, test_consent_tab,
              fixture_teardown);
  g_test_add ("/ui/operator/wide-window", Fixture, GINT_TO_POINTER (1920), fixture_setup,
              test_wide_window, fixture_teardown);
  g_test_add_func ("/ui/operator/setup-keys", test_setup_keys);
  return g_test_run ();
}
