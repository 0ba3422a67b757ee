/* bench-startup.c: how long the station takes to its first useful frame, and how much memory,
 * beside a bare libadwaita window started the same way in the same run
 *
 *   xvfb-run -a build/bench/bench-startup [ROUNDS]
 *
 * Each round starts both programs as new processes, one after the other (the order alternates, so
 * a busy moment of the machine does not always land on the same one), and measures:
 * - time: from spawning the process to its line "first-frame" on standard output, written after
 *   the first frame painted with something a person can use (the station's sign-in screen on a
 *   station that is already set up; a header bar and a status page for the bare window);
 * - CPU: user + system time of the whole process, which then quits at once;
 * - peak memory: the process's maximum resident set size.
 * It prints each round, the medians and the station's ratio to the bare window.
 *
 * A third process is the same bare window at the station's default size (its GSettings
 * window-width and window-height): without a GPU (Xvfb, llvmpipe) painting the bigger window
 * alone costs about 70 ms of CPU, so this ratio tells the station's own start-up work apart from
 * the size of its window. The targets are on the first ratio.
 *
 * The station's data folder is set up first, through core, the way the set-up screen does it
 * (a first supervisor with a district and a station code), so the station opens to sign-in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE /* nftw() */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ks-station.h"

#define CHILD_TIMEOUT_US (60 * G_USEC_PER_SEC)

typedef struct
{
  double seconds;               /* to the first useful frame */
  double cpu_seconds;           /* user + system, whole process */
  double peak_mib;              /* maximum resident set size */
} Run;

/* --- the bare window ------------------------------------------------------------------------ */

static void
bare_first_frame (GdkFrameClock *clock,
                  GtkWindow     *window)
{
  g_signal_handlers_disconnect_by_func (clock, bare_first_frame, window);
  g_print ("first-frame bare\n");
  fflush (stdout);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
bare_realized (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (bare_first_frame), window, 0);
}

static int bare_width, bare_height;  /* 0: the window's natural size */

static void
bare_activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  if (bare_width > 0 && bare_height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), bare_width, bare_height);

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Bare window");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  g_signal_connect (window, "realize", G_CALLBACK (bare_realized), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_bare_window (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("pk.gov.kp.KhyberPassStation.BenchBare",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (bare_activate), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

/* --- setting up the station's data folder --------------------------------------------------- */

static void
supervisor_created (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(KsSession) session = NULL;

  session = ks_station_create_first_supervisor_finish (KS_STATION (source), result, error);
  if (session == NULL && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no session");
  g_main_context_wakeup (NULL);
  g_object_set_data (G_OBJECT (source), "bench-done", GINT_TO_POINTER (1));
}

static gboolean
set_up_station (const char *data_dir,
                GError    **error)
{
  g_autoptr(KsStation) station = ks_station_open ("production", data_dir, error);

  if (station == NULL)
    return FALSE;
  ks_station_create_first_supervisor_async (station, "supervisor", "Bench Supervisor",
                                            "correct horse battery staple", "PEW", "A01",
                                            NULL, supervisor_created, error);
  while (g_object_get_data (G_OBJECT (station), "bench-done") == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *error == NULL;
}

/* The station window's default size, from its settings schema (the one the station reads). */
static gboolean
station_window_size (char   **width,
                     char   **height,
                     GError **error)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) width_key = NULL;
  g_autoptr(GSettingsSchemaKey) height_key = NULL;
  g_autoptr(GVariant) width_value = NULL;
  g_autoptr(GVariant) height_value = NULL;

  schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no schema %s", APP_ID);
      return FALSE;
    }
  width_key = g_settings_schema_get_key (schema, "window-width");
  height_key = g_settings_schema_get_key (schema, "window-height");
  width_value = g_settings_schema_key_get_default_value (width_key);
  height_value = g_settings_schema_key_get_default_value (height_key);
  *width = g_strdup_printf ("%d", g_variant_get_int32 (width_value));
  *height = g_strdup_printf ("%d", g_variant_get_int32 (height_value));
  return TRUE;
}

/* --- measuring one process ------------------------------------------------------------------ */

static gboolean
measure (const char *const *argv,
         const char        *expect,
         Run               *run,
         GError           **error)
{
  int out[2];
  pid_t pid;
  gint64 start, deadline;
  GString *seen = g_string_new (NULL);
  gboolean found = FALSE;
  struct rusage usage;
  int status;

  if (pipe (out) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "pipe: %s",
                   g_strerror (errno));
      return FALSE;
    }
  start = g_get_monotonic_time ();
  pid = fork ();
  if (pid < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "fork: %s",
                   g_strerror (errno));
      return FALSE;
    }
  if (pid == 0)
    {
      dup2 (out[1], STDOUT_FILENO);
      close (out[0]);
      close (out[1]);
      execv (argv[0], (char **)argv);
      _exit (127);
    }
  close (out[1]);

  deadline = start + CHILD_TIMEOUT_US;
  while (!found)
    {
      char buf[256];
      fd_set fds;
      struct timeval tv;
      gint64 left = deadline - g_get_monotonic_time ();
      ssize_t n;

      if (left <= 0)
        break;
      FD_ZERO (&fds);
      FD_SET (out[0], &fds);
      tv.tv_sec = left / G_USEC_PER_SEC;
      tv.tv_usec = left % G_USEC_PER_SEC;
      if (select (out[0] + 1, &fds, NULL, NULL, &tv) <= 0)
        continue;
      n = read (out[0], buf, sizeof buf);
      if (n <= 0)
        break;
      g_string_append_len (seen, buf, n);
      if (strstr (seen->str, "first-frame ") != NULL && strchr (strstr (seen->str, "first-frame "),
                                                                '\n') != NULL)
        {
          run->seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
          found = TRUE;
        }
    }
  if (!found)
    kill (pid, SIGKILL);
  close (out[0]);
  if (wait4 (pid, &status, 0, &usage) < 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "wait4: %s",
                   g_strerror (errno));
      g_string_free (seen, TRUE);
      return FALSE;
    }
  run->cpu_seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
                     + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  run->peak_mib = usage.ru_maxrss / 1024.0;

  if (!found || strstr (seen->str, expect) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s did not report \"%s\" (exit status %d) but: %s", argv[0], expect,
                   WIFEXITED (status) ? WEXITSTATUS (status) : -1, seen->str);
      g_string_free (seen, TRUE);
      return FALSE;
    }
  g_string_free (seen, TRUE);
  return TRUE;
}

static int
remove_entry (const char        *path,
              const struct stat *st,
              int                type,
              struct FTW        *ftw)
{
  return remove (path);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (const Run *runs,
        guint      n,
        gsize      offset)
{
  g_autofree double *values = g_new (double, n);

  for (guint i = 0; i < n; i++)
    values[i] = *(const double *)((const char *)&runs[i] + offset);
  qsort (values, n, sizeof (double), compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *self_path = NULL;
  g_autofree Run *station_runs = NULL;
  g_autofree Run *bare_runs = NULL;
  g_autofree Run *sized_runs = NULL;
  g_autofree char *width = NULL;
  g_autofree char *height = NULL;
  guint rounds = 7;

  if (argc > 1 && g_str_equal (argv[1], "--bare-window"))
    {
      if (argc > 3)
        {
          bare_width = atoi (argv[2]);
          bare_height = atoi (argv[3]);
        }
      return run_bare_window ();
    }
  if (argc > 1)
    rounds = MAX (1, (guint)g_ascii_strtoull (argv[1], NULL, 10));
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("bench-startup needs a display: xvfb-run -a %s [ROUNDS]\n", argv[0]);
      return 77;
    }

  /* The same environment the tests give the station: settings in memory, the build's schemas
   * and translations, unless the caller chose others. */
  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_ROOT "/data", FALSE);
  g_setenv ("KS_LOCALEDIR", BUILD_ROOT "/po", FALSE);
  g_setenv ("NO_AT_BRIDGE", "1", FALSE);

  data_dir = g_dir_make_tmp ("bench-startup-XXXXXX", &error);
  if (data_dir == NULL || !set_up_station (data_dir, &error))
    {
      g_printerr ("Could not set up a station: %s\n", error->message);
      return 1;
    }
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);
  if (!station_window_size (&width, &height, &error))
    {
      g_printerr ("Could not read the station's window size: %s\n", error->message);
      return 1;
    }

  {
    const char *station_argv[] = { KS_STATION_PATH, "--exit-after-first-frame", "--data-dir",
                                   data_dir, NULL };
    const char *bare_argv[] = { self_path, "--bare-window", NULL };
    const char *sized_argv[] = { self_path, "--bare-window", width, height, NULL };
    Run warm;

    station_runs = g_new0 (Run, rounds);
    bare_runs = g_new0 (Run, rounds);
    sized_runs = g_new0 (Run, rounds);

    /* One unmeasured start of each fills the page cache and the fontconfig cache. */
    if (!measure (station_argv, "first-frame sign-in", &warm, &error)
        || !measure (bare_argv, "first-frame bare", &warm, &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }

    g_print ("%5s  %28s  %28s  %28s\n", "round", "station: s / CPU s / MiB",
             "bare: s / CPU s / MiB", "bare sized: s / CPU s / MiB");
    for (guint i = 0; i < rounds; i++)
      {
        const char *const *argvs[] = { station_argv, bare_argv, sized_argv };
        const char *expects[] = { "first-frame sign-in", "first-frame bare", "first-frame bare" };
        Run *runs[] = { &station_runs[i], &bare_runs[i], &sized_runs[i] };

        /* Each of the three goes first in turn. */
        for (guint k = 0; k < 3; k++)
          {
            guint which = (i + k) % 3;

            if (!measure (argvs[which], expects[which], runs[which], &error))
              {
                g_printerr ("%s\n", error->message);
                return 1;
              }
          }
        g_print ("%5u  %8.3f %8.3f %10.1f  %8.3f %8.3f %10.1f  %8.3f %8.3f %10.1f\n", i + 1,
                 station_runs[i].seconds, station_runs[i].cpu_seconds, station_runs[i].peak_mib,
                 bare_runs[i].seconds, bare_runs[i].cpu_seconds, bare_runs[i].peak_mib,
                 sized_runs[i].seconds, sized_runs[i].cpu_seconds, sized_runs[i].peak_mib);
      }
  }

  {
    double st = median (station_runs, rounds, G_STRUCT_OFFSET (Run, seconds));
    double bt = median (bare_runs, rounds, G_STRUCT_OFFSET (Run, seconds));
    double sc = median (station_runs, rounds, G_STRUCT_OFFSET (Run, cpu_seconds));
    double bc = median (bare_runs, rounds, G_STRUCT_OFFSET (Run, cpu_seconds));
    double sm = median (station_runs, rounds, G_STRUCT_OFFSET (Run, peak_mib));
    double bm = median (bare_runs, rounds, G_STRUCT_OFFSET (Run, peak_mib));
    double zt = median (sized_runs, rounds, G_STRUCT_OFFSET (Run, seconds));
    double zc = median (sized_runs, rounds, G_STRUCT_OFFSET (Run, cpu_seconds));
    double zm = median (sized_runs, rounds, G_STRUCT_OFFSET (Run, peak_mib));

    g_print ("median  station %.3f s, %.3f s CPU, %.1f MiB; bare window %.3f s, %.3f s CPU, "
             "%.1f MiB; bare window %sx%s %.3f s, %.3f s CPU, %.1f MiB\n", st, sc, sm, bt, bc, bm,
             width, height, zt, zc, zm);
    g_print ("ratio   time %.2fx (target <= 1.30x), CPU %.2fx, peak memory %.2fx "
             "(target <= 1.15x)\n", st / bt, sc / bc, sm / bm);
    g_print ("ratio to the bare window at the station's size: time %.2fx, CPU %.2fx, "
             "peak memory %.2fx\n", st / zt, sc / zc, sm / zm);
  }

  /* The folder holds only what this run made. */
  if (nftw (data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
    g_printerr ("Could not remove %s\n", data_dir);
  return 0;
}
