/* test-ui-mnemonics.c: every screen's Alt+letter keys are unique and can be typed, in English,
 * Urdu and Pashto
 *
 * Walks the widgets shown on each screen (sign-in, set-up, each section, each enrollment step,
 * the lock screen) and collects the mnemonic of every label drawn with an underline. Two
 * mnemonics on one letter make Alt+letter alternate between them instead of acting; a mnemonic
 * on a letter of the Arabic script cannot be reached with Alt on the station's keyboard (the
 * Latin layout is on whenever the operator is not typing an Urdu name), so translations put
 * the English letter in brackets, as GNOME's translations into other scripts do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ks-enroll-page.h"
#include "ks-fingerprint-step.h"
#include "ks-language.h"
#include "ks-test-ui.h"
#include "ks-test-util.h"
#include "ks-window.h"

static void
collect (GtkWidget  *widget,
         GHashTable *seen,
         GString    *problems,
         const char *where)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    {
      guint keyval = gtk_label_get_mnemonic_keyval (GTK_LABEL (widget));
      const char *text = gtk_label_get_label (GTK_LABEL (widget));
      gunichar c = gdk_keyval_to_unicode (keyval);

      /* A label that may underline but has no underscore has no mnemonic. */
      if (keyval != GDK_KEY_VoidSymbol && strchr (text, '_') != NULL)
        {
          const char *other;

          keyval = gdk_keyval_to_lower (keyval);
          if (c >= 0x80 || !g_ascii_isalnum ((char)c))
            g_string_append_printf (problems, "%s: “%s” underlines a letter Alt cannot reach "
                                    "on the Latin keyboard (%s)\n", where, text,
                                    gdk_keyval_name (keyval));
          else if ((other = g_hash_table_lookup (seen, GUINT_TO_POINTER (keyval))) != NULL &&
                   !g_str_equal (other, text))
            g_string_append_printf (problems, "%s: Alt+%c is both “%s” and “%s”\n", where,
                                    (char)c, other, text);
          else
            g_hash_table_insert (seen, GUINT_TO_POINTER (keyval), (gpointer)text);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, seen, problems, where);
}

static void
check_screen (GtkWidget  *window,
              const char *lang,
              const char *screen,
              GString    *problems)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autofree char *where = g_strdup_printf ("%s %s", lang, screen);

  ks_test_iterate (150);
  collect (window, seen, problems, where);
}

/* The shown button labelled @label (its translation, as written with its underline). */
static GtkWidget *
find_button (GtkWidget  *root,
             GType       type,
             const char *label)
{
  GtkWidget *button;

  for (guint i = 0; (button = ks_test_find_by_type (root, type, i)) != NULL; i++)
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
      const char *text = gtk_button_get_label (GTK_BUTTON (button));

      if (text == NULL && ADW_IS_BUTTON_CONTENT (child))
        text = adw_button_content_get_label (ADW_BUTTON_CONTENT (child));
      if (g_strcmp0 (text, label) == 0 && gtk_widget_get_mapped (button))
        return button;
    }
  return NULL;
}

/* The fingerprint step in its other states: the trainer's simulated scanner open, a capture
 * under way (Cancel Capture), the reader unplugged in the middle of it (Retry). */
static void
check_fingerprint_states (GtkWidget  *root,
                          GtkWidget  *enroll,
                          const char *lang,
                          GString    *problems)
{
  KsFingerprintStep *step = KS_FINGERPRINT_STEP (ks_test_find_by_type (enroll,
                                                                       KS_TYPE_FINGERPRINT_STEP,
                                                                       0));
  GtkWidget *button;

  KS_TEST_WAIT_UNTIL (!ks_fingerprint_step_is_opening (step), 10000);
  button = find_button (GTK_WIDGET (step), GTK_TYPE_TOGGLE_BUTTON, _("Simulate_d Scanner"));
  g_assert_nonnull (button);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  ks_test_iterate (400);
  check_screen (root, lang, "enroll fingerprints, simulated scanner", problems);

  g_signal_emit_by_name (ks_fingerprint_step_get_finger_button (step, FP_FINGER_RIGHT_THUMB),
                         "clicked");
  KS_TEST_WAIT_UNTIL (ks_fingerprint_step_is_capturing (step), 10000);
  KS_TEST_WAIT_UNTIL (find_button (GTK_WIDGET (step), GTK_TYPE_BUTTON,
                                   _("_Cancel Capture")) != NULL, 10000);
  check_screen (root, lang, "enroll fingerprints, capturing", problems);

  button = find_button (GTK_WIDGET (step), GTK_TYPE_BUTTON, _("_Unplug"));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  KS_TEST_WAIT_UNTIL (find_button (GTK_WIDGET (step), GTK_TYPE_BUTTON, _("Retr_y")) != NULL,
                      20000);
  check_screen (root, lang, "enroll fingerprints, reader unplugged", problems);
  button = find_button (GTK_WIDGET (step), GTK_TYPE_BUTTON, _("Retr_y"));
  g_signal_emit_by_name (button, "clicked");
  button = find_button (GTK_WIDGET (step), GTK_TYPE_TOGGLE_BUTTON, _("Simulate_d Scanner"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
  ks_test_iterate (600);
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
check_language (const char *lang,
                GString    *problems)
{
  static const char *const sections[] = { "review", "sync", "verify", "settings" };
  static const char *const steps[] = {
    "identity", "personal", "address", "services", "fingerprints", "review"
  };
  g_autofree char *dir = ks_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsSession) session = NULL;
  KsWindow *window;
  GtkWidget *root;
  GtkWidget *enroll;
  GtkStack *step_stack = NULL;

  ks_language_apply (lang);

  /* The training station: its fingerprint step has the simulated scanner too. */
  station = ks_station_open ("training", dir, &error);
  g_assert_no_error (error);
  window = new_window (station);
  root = GTK_WIDGET (window);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "setup") == 0, 10000);
  check_screen (root, lang, "set-up", problems);
  session = ks_station_set_up (station, "amina.sup", "Amina Yousafzai", "correct horse", "PEW",
                               "A01", &error);
  g_assert_no_error (error);
  ks_test_configure_station (ks_station_get_config (station), session, "PEW", "A01");

  ks_window_session_started (window, session);
  ks_test_iterate (200);
  check_screen (root, lang, "enroll start", problems);
  enroll = ks_test_find_by_type (root, KS_TYPE_ENROLL_PAGE, 0);
  gtk_widget_activate_action (enroll, "enroll.new", NULL);
  KS_TEST_WAIT_UNTIL (ks_enroll_page_get_draft_id (KS_ENROLL_PAGE (enroll)) > 0, 10000);
  for (guint i = 0; (step_stack = GTK_STACK (ks_test_find_by_type (enroll, GTK_TYPE_STACK, i)));
       i++)
    if (gtk_stack_get_child_by_name (step_stack, "personal") != NULL)
      break;
  g_assert_nonnull (step_stack);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autofree char *screen = g_strconcat ("enroll ", steps[i], NULL);

      gtk_stack_set_visible_child_name (step_stack, steps[i]);
      check_screen (root, lang, screen, problems);
      if (g_str_equal (steps[i], "fingerprints"))
        check_fingerprint_states (root, enroll, lang, problems);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      gtk_widget_activate_action (root, "win.section", "s", sections[i]);
      check_screen (root, lang, sections[i], problems);
    }
  ks_window_lock (window);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "locked") == 0, 10000);
  check_screen (root, lang, "lock", problems);
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);

  /* The station is set up now: a new window signs in. */
  window = new_window (station);
  root = GTK_WIDGET (window);
  KS_TEST_WAIT_UNTIL (g_strcmp0 (ks_window_get_mode (window), "sign-in") == 0, 10000);
  check_screen (root, lang, "sign-in", problems);
  gtk_window_destroy (GTK_WINDOW (window));
  ks_test_iterate (50);
  ks_language_apply ("en");
}

static void
test_mnemonics (gconstpointer data)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  check_language (data, problems);
  if (problems->len > 0)
    {
      g_test_message ("Mnemonics that do not work:\n%s", problems->str);
      g_test_fail ();
    }
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
  g_test_add_data_func ("/ui/mnemonics/en", "en", test_mnemonics);
  g_test_add_data_func ("/ui/mnemonics/ur", "ur", test_mnemonics);
  g_test_add_data_func ("/ui/mnemonics/ps", "ps", test_mnemonics);
  return g_test_run ();
}
