/* ks-application.c: the station's application object
 *
 * The application is NON_UNIQUE on purpose: two profiles (production and training) may run side
 * by side, and the profile lock (ks-profile.c), not D-Bus, decides whether a second station
 * may open the same data.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-application"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-application.h"
#include "ks-camera.h"
#include "ks-error-window.h"
#include "ks-language.h"
#include "ks-paths.h"
#include "ks-station.h"
#include "ks-training-registry.h"
#include "ks-window.h"

/* Station data keys: the practice registry lives and dies with its station (a profile switch
 * closes the station, and with it the registry). */
#define TRAINING_REGISTRY_KEY "ks-training-registry"
#define TRAINING_REGISTRY_STARTING_KEY "ks-training-registry-starting"

struct _KsApplication
{
  AdwApplication parent_instance;

  char *profile;
  char *data_dir;

  /* owned */
  GCancellable *cancellable;
  gboolean opening;             /* the station is opening: no second one on a second activate */
  gboolean exit_after_first_frame; /* bench-startup: report the first useful frame, then quit */

  /* borrowed: owned by its station; stopped here at shutdown in case the station outlives us */
  KsTrainingRegistry *training_registry;
};

G_DEFINE_FINAL_TYPE (KsApplication, ks_application, ADW_TYPE_APPLICATION)

static int
ks_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  KsApplication *self = KS_APPLICATION (app);
  const char *profile = NULL;
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "profile", "&s", &profile))
    {
      if (!g_str_equal (profile, "production") && !g_str_equal (profile, "training"))
        {
          g_printerr (_("Unknown profile “%s”. Use --profile production or --profile training.\n"),
                      profile);
          return 64; /* EX_USAGE */
        }
      g_free (self->profile);
      self->profile = g_strdup (profile);
    }
  if (g_variant_dict_contains (options, "exit-after-first-frame"))
    self->exit_after_first_frame = TRUE;
  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_strdup (data_dir);
    }

  return -1;
}

static void
training_registry_started (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(KsApplication) self = user_data;
  KsStation *station = KS_STATION (source);
  g_autoptr(GError) error = NULL;
  KsTrainingRegistry *registry = ks_training_registry_start_finish (station, result, &error);

  if (registry == NULL)
    {
      /* The Sync section shows what then fails; the terminal gets the cause. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_printerr ("%s\n", error->message);
      return;
    }
  g_set_weak_pointer (&self->training_registry, registry);
  g_object_set_data_full (G_OBJECT (station), TRAINING_REGISTRY_KEY, registry, g_object_unref);
}

/* bench-startup's measure: the first frame painted with something a person can use on it (the
 * set-up or sign-in screen, or the error window), not the blank page shown while the database
 * opens. The line goes to standard output, then the station quits. */
static void
first_frame_painted (GdkFrameClock *clock,
                     GtkWindow     *window)
{
  const char *mode = KS_IS_WINDOW (window) ? ks_window_get_mode (KS_WINDOW (window)) : "error";

  if (g_strcmp0 (mode, "setup") != 0 && g_strcmp0 (mode, "sign-in") != 0
      && g_strcmp0 (mode, "error") != 0)
    return;
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted, window);
  g_print ("first-frame %s\n", mode);
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
on_window_realized (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (first_frame_painted), window, 0);
}

/* The station's icon is an SVG: drawing it for the window manager loads librsvg (6 MB, and
 * its start-up time) on X11. The window manager gets it once the first window is on screen;
 * every window made after that has it as the default icon from the start. */
static gboolean
set_icon_idle (gpointer data)
{
  g_autoptr(GtkWindow) window = data;

  gtk_window_set_default_icon_name (APP_ID);
  /* A window realized without a default icon does not pick up a new default. */
  if (!gtk_widget_in_destruction (GTK_WIDGET (window)))
    gtk_window_set_icon_name (window, APP_ID);
  return G_SOURCE_REMOVE;
}

static void
icon_first_frame (GdkFrameClock *clock,
                  GtkWindow     *window)
{
  g_signal_handlers_disconnect_by_func (clock, icon_first_frame, window);
  g_idle_add_full (G_PRIORITY_LOW, set_icon_idle, g_object_ref (window), NULL);
}

static void
icon_window_realized (GtkWidget *window)
{
  g_signal_handlers_disconnect_by_func (window, icon_window_realized, NULL);
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (icon_first_frame), window, 0);
}

/* Every window of a training station, whether opened at start-up or by a profile switch, gets
 * the practice registry, started once per station in the background. */
static void
on_window_added (KsApplication *self,
                 GtkWindow     *window)
{
  g_autoptr(KsStation) station = NULL;

  if (self->exit_after_first_frame)
    g_signal_connect (window, "realize", G_CALLBACK (on_window_realized), NULL);
  if (gtk_window_get_default_icon_name () == NULL)
    g_signal_connect (window, "realize", G_CALLBACK (icon_window_realized), NULL);
  if (!KS_IS_WINDOW (window))
    return;
  g_object_get (window, "station", &station, NULL);
  if (station == NULL || !ks_station_is_training (station)
      || g_object_get_data (G_OBJECT (station), TRAINING_REGISTRY_STARTING_KEY) != NULL)
    return;
  g_object_set_data (G_OBJECT (station), TRAINING_REGISTRY_STARTING_KEY, GINT_TO_POINTER (1));
  ks_training_registry_start_async (station, self->cancellable, training_registry_started,
                                    g_object_ref (self));
}

static void
station_opened (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsApplication) self = user_data;
  g_autoptr(KsStation) station = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  self->opening = FALSE;
  station = ks_station_open_finish (result, &error);
  if (station == NULL)
    {
      /* Said on the terminal too, for whoever started the station from one. */
      g_printerr ("%s\n", error->message);
      window = GTK_WINDOW (ks_error_window_new (GTK_APPLICATION (self), error));
    }
  else
    window = GTK_WINDOW (ks_window_new (GTK_APPLICATION (self), station));

  gtk_window_present (window);
  /* The window holds the application from now on. */
  g_application_release (G_APPLICATION (self));
}

static void
ks_application_activate (GApplication *app)
{
  KsApplication *self = KS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  if (self->opening)
    return;

  /* The language last chosen on this profile's sign-in screen, applied before anything is
   * shown (the error window too, if the station cannot open). */
  {
    g_autofree char *path = g_strdup_printf ("/pk/gov/kp/KhyberPassStation/profiles/%s/",
                                             self->profile);
    g_autoptr(GSettings) settings = g_settings_new_with_path ("pk.gov.kp.KhyberPassStation.Station",
                                                              path);
    g_autofree char *language = g_settings_get_string (settings, "language");

    ks_language_apply (language);
  }

  /* The window owns the station: switching to the other profile closes this one, so the
   * application keeps no reference of its own. The database opens (and migrates) in a worker
   * thread; the application waits for it without a window. */
  self->opening = TRUE;
  g_application_hold (app);
  ks_station_open_async (self->profile, self->data_dir, NULL, station_opened,
                         g_object_ref (self));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { "Khyber Pass Station developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Khyber Pass Station"),
                         "application-icon", APP_ID,
                         "developer-name", _("Khyber Pass Station developers"),
                         "version", PACKAGE_VERSION,
                         "comments",
                         _("The enrollment station of Khyber Pass, the digital identity "
                           "of Khyber Pakhtunkhwa: enroll citizens, capture their "
                           "fingerprints and print their signed QR identity cards."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: put your names here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
ks_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (ks_application_parent_class)->startup (app);

  /* From the build folder, the icons come from the source tree; installed, from hicolor. */
  {
    g_autofree char *source = ks_paths_source_data_dir ();

    if (source != NULL)
      {
        g_autofree char *icons = g_build_filename (source, "icons", NULL);

        gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                        icons);
      }
  }

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
}

static void
ks_application_shutdown (GApplication *app)
{
  KsApplication *self = KS_APPLICATION (app);

  /* No practice registry outlives the station, even if a window still holds the station. */
  g_cancellable_cancel (self->cancellable);
  if (self->training_registry != NULL)
    ks_training_registry_stop (self->training_registry);
  g_clear_weak_pointer (&self->training_registry);

  G_APPLICATION_CLASS (ks_application_parent_class)->shutdown (app);
  /* The windows are gone, their cameras stopped: let the cameras close before exit() (OpenCV
   * aborts when a face detector still runs while the process ends). */
  if (!ks_camera_wait_closed (5000))
    g_debug ("A camera was still closing at exit");
}

static void
ks_application_finalize (GObject *object)
{
  KsApplication *self = (KsApplication *)object;

  g_free (self->profile);
  g_free (self->data_dir);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ks_application_parent_class)->finalize (object);
}

static void
ks_application_class_init (KsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ks_application_finalize;
  app_class->activate = ks_application_activate;
  app_class->startup = ks_application_startup;
  app_class->shutdown = ks_application_shutdown;
  app_class->handle_local_options = ks_application_handle_local_options;
}

static void
ks_application_init (KsApplication *self)
{
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL,
      N_("Profile to open: production (the default) or training"), N_("NAME") },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Folder for the station’s data (default: the user’s data folder)"), N_("DIR") },
    /* For bench/bench-startup only, so not in --help. */
    { "exit-after-first-frame", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, NULL, NULL, NULL },
    { NULL }
  };

  self->profile = g_strdup ("production");
  self->cancellable = g_cancellable_new ();
  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_summary (
    G_APPLICATION (self),
    _("Khyber Pass Station: enroll citizens of Khyber Pakhtunkhwa for the Khyber Pass digital ID."));
}

KsApplication *
ks_application_new (void)
{
  return g_object_new (KS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/pk/gov/kp/KhyberPassStation",
                       NULL);
}

/**
 * ks_application_set_language:
 * @code: `en`, `ur`, `ps`, or "" to follow the system
 *
 * Switches the running station to @code: the main window is built again in that language and
 * direction, on the same station, and whoever is signed in stays signed in.
 */
void
ks_application_set_language (KsApplication *self,
                             const char    *code)
{
  GtkWindow *window;

  g_return_if_fail (KS_IS_APPLICATION (self));

  ks_language_apply (code);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (KS_IS_WINDOW (window))
    ks_window_recreate (KS_WINDOW (window));
}
