/* test-ui-a11y.c: every control on every main screen has a name a screen reader can say
 *
 * Walks the widgets shown on each screen (set-up, sign-in, the wizard's steps, verify,
 * settings for a supervisor and for a trainer, the lock screen) and fails on any control
 * without an accessible name: an explicit label property or labelled-by relation, its own
 * visible text, or the title of the preferences row it is. A button that shows only an icon
 * also needs a tooltip, for sighted users. GTK 4.8 cannot report the computed name, so these
 * are the rules that give one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-enroll-page.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"

static gboolean
has_text_child (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_text_child (c))
      return TRUE;
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_SCALE (widget) || GTK_IS_TEXT (widget) || GTK_IS_ENTRY (widget) ||
         ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget) ||
         (GTK_IS_LIST_BOX_ROW (widget) &&
          gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)));
}

/* The widget a composite control is made of: judged through the control, not on its own. */
static gboolean
is_opaque (GtkWidget *widget)
{
  return GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) || ADW_IS_ENTRY_ROW (widget) ||
         ADW_IS_COMBO_ROW (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         ADW_IS_VIEW_SWITCHER (widget) || ADW_IS_VIEW_SWITCHER_BAR (widget);
}

static const char *
name_of (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return "label";
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != '\0')
    return "row title";
  if ((GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
       GTK_IS_LIST_BOX_ROW (widget)) && has_text_child (widget))
    return "text";
  return NULL;
}

static void
check_tree (GtkWidget  *widget,
            const char *screen,
            GString    *problems,
            guint      *n_checked)
{
  /* GTK names its own minimize/maximize/close buttons. */
  if (!gtk_widget_get_mapped (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return;

  if (is_control (widget) && gtk_widget_get_sensitive (widget) &&
      gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget)) !=
      GTK_ACCESSIBLE_ROLE_PRESENTATION)
    {
      const char *name = name_of (widget);
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

      (*n_checked)++;
      if (name == NULL)
        g_string_append_printf (problems, "%s: %s%s%s%s has no accessible name\n", screen,
                                G_OBJECT_TYPE_NAME (widget),
                                row ? " in row “" : "",
                                row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                                                                       row)) : "",
                                row ? "”" : "");
      else if ((GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)) &&
               !has_text_child (widget) && gtk_widget_get_tooltip_text (widget) == NULL)
        g_string_append_printf (problems, "%s: icon-only %s has no tooltip\n", screen,
                                G_OBJECT_TYPE_NAME (widget));
    }

  if (is_opaque (widget))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    check_tree (c, screen, problems, n_checked);
}

static void
check_screen (GtkWidget  *window,
              const char *screen,
              GString    *problems)
{
  guint n = 0;

  ks_test_iterate (150);
  check_tree (window, screen, problems, &n);
  g_test_message ("%s: %u controls checked", screen, n);
  g_assert_cmpuint (n, >, 0);
}

static KsWindow *
new_window (KsStation *station)
{
  KsWindow *window = ks_window_new (NULL, station);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_present (GTK_WINDOW (window));
  ks_test_iterate (200);
  return window;
}

static void
test_every_control_is_named (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  KsWindow *window;
  GtkWidget *enroll;

  g_assert_no_error (error);
  window = new_window (station);
  g_assert_cmpstr (ks_window_get_mode (window), ==, "setup");
  check_screen (GTK_WIDGET (window), "set-up", problems);
  gtk_window_destroy (GTK_WINDOW (window));

  session = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse",
                               "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (station), session, "PEW", "A01");

  window = new_window (station);
  g_assert_cmpstr (ks_window_get_mode (window), ==, "sign-in");
  check_screen (GTK_WIDGET (window), "sign-in", problems);

  ks_window_session_started (window, session);
  ks_test_iterate (100);
  check_screen (GTK_WIDGET (window), "enroll-start", problems);

  enroll = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_ENROLL_PAGE, 0);
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  ks_test_iterate (100);
  check_screen (GTK_WIDGET (window), "enroll-identity", problems);
  /* The later steps, as the wizard shows them (fields empty is fine for naming). */
  {
    static const char *const steps[] = { "personal", "address", "services", "fingerprints",
                                         "review" };
    GtkStack *step_stack = NULL;

    for (guint i = 0; (step_stack = GTK_STACK (ks_test_find_by_type (enroll, GTK_TYPE_STACK, i)));
         i++)
      if (gtk_stack_get_child_by_name (step_stack, "personal") != NULL)
        break;
    g_assert_nonnull (step_stack);
    for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
      {
        g_autofree char *screen = g_strconcat ("enroll-", steps[i], NULL);

        gtk_stack_set_visible_child_name (step_stack, steps[i]);
        check_screen (GTK_WIDGET (window), screen, problems);
      }
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "verify");
  check_screen (GTK_WIDGET (window), "verify", problems);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "settings");
  check_screen (GTK_WIDGET (window), "settings", problems);

  ks_window_lock (window);
  /* Locked once the open draft is written, in a worker. */
  KS_TEST_WAIT_UNTIL (g_str_equal (ks_window_get_mode (window), "locked"), 10000);
  check_screen (GTK_WIDGET (window), "lock", problems);
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);

  if (problems->len > 0)
    g_error ("Controls without an accessible name:\n%s", problems->str);
}


/* Where the focus widget sits in the window, for reading order. */
static gboolean
focus_position (GtkWidget        *window,
                graphene_point_t *point)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  if (focus == NULL)
    return FALSE;
  return gtk_widget_compute_point (focus, window, &GRAPHENE_POINT_INIT (0, 0), point);
}

/* Tab walks the form in the order it reads: never back up the page, and left to right (right to
 * left in Urdu and Pashto) along a row. */
static void
assert_tab_order (GtkWidget  *window,
                  GtkWidget  *first,
                  guint       steps,
                  const char *screen)
{
  graphene_point_t previous;
  gboolean rtl = gtk_widget_get_direction (window) == GTK_TEXT_DIR_RTL;

  gtk_widget_grab_focus (first);
  ks_test_iterate (50);
  g_assert_true (focus_position (window, &previous));
  for (guint i = 0; i < steps; i++)
    {
      graphene_point_t here;

      if (!gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD))
        break;
      ks_test_iterate (20);
      g_assert_true (focus_position (window, &here));
      /* Wrapping back to the header bar at the end of the page ends the walk. */
      if (here.y < previous.y - 4 && here.y < 60)
        break;
      if (here.y < previous.y - 4 ||
          (ABS (here.y - previous.y) <= 4 &&
           (rtl ? here.x > previous.x + 4 : here.x < previous.x - 4)))
        g_error ("%s: Tab step %u goes from (%.0f, %.0f) back to (%.0f, %.0f) (%s)", screen, i + 1,
                 previous.x, previous.y, here.x, here.y,
                 G_OBJECT_TYPE_NAME (gtk_root_get_focus (GTK_ROOT (window))));
      previous = here;
    }
}

static void
test_focus_follows_visual_order (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("production", dir, &error);
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsSession) session = NULL;
  KsWindow *window;
  GtkWidget *enroll;

  g_assert_no_error (error);
  window = new_window (station);
  assert_tab_order (GTK_WIDGET (window),
                    ks_test_find_by_type (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, 0), 12,
                    "set-up");
  gtk_window_destroy (GTK_WINDOW (window));

  session = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse",
                               "PEW", "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (station), session, "PEW", "A01");
  window = new_window (station);
  assert_tab_order (GTK_WIDGET (window),
                    ks_test_find_by_type (GTK_WIDGET (window), ADW_TYPE_ENTRY_ROW, 0), 6,
                    "sign-in");

  ks_window_session_started (window, session);
  ks_test_iterate (100);
  enroll = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_ENROLL_PAGE, 0);
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  ks_test_iterate (100);
  assert_tab_order (GTK_WIDGET (window),
                    ks_test_find_by_type (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, 0), 12,
                    "enroll-identity");
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
}

/* The trainer's tools and the guided wizard only show on the training profile. */
static void
test_training_controls_are_named (void)
{
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = ks_station_open ("training", dir, &error);
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) trainer = NULL;
  g_autoptr(KsSession) sup_session = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  KsStore *store;
  KsWindow *window;
  GtkWidget *enroll;

  g_assert_no_error (error);
  store = ks_station_get_store (station);
  sup_session = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse",
                                   "PEW", "T01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (station), sup_session, "PEW", "T01");
  trainer = ks_accounts_add (store, sup_session, "tariq.trainer", "Tariq Jan", KS_ROLE_TRAINER,
                             "trainer-pw-1", &error);
  g_assert_no_error (error);
  session = ks_session_new (store, trainer, TRUE);

  window = new_window (station);
  check_screen (GTK_WIDGET (window), "training-sign-in", problems);
  ks_window_session_started (window, session);
  enroll = ks_test_find_by_type (GTK_WIDGET (window), KS_TYPE_ENROLL_PAGE, 0);
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  check_screen (GTK_WIDGET (window), "training-enroll-identity", problems);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.section", "s", "settings");
  check_screen (GTK_WIDGET (window), "training-settings", problems);
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);

  if (problems->len > 0)
    g_error ("Controls without an accessible name:\n%s", problems->str);
}

int
main (int   argc,
      char *argv[])
{
  ks_test_ui_init (&argc, &argv);

  g_test_add_func ("/a11y/every-control-is-named", test_every_control_is_named);
  g_test_add_func ("/a11y/training-controls-are-named", test_training_controls_are_named);
  g_test_add_func ("/a11y/focus-follows-visual-order", test_focus_follows_visual_order);

  return g_test_run ();
}
