/* ks-test-ui.c: helpers for the UI tests: waiting on the main loop, screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ks-test-ui.h"

#include <gdk/x11/gdkx.h>

void
ks_test_ui_init (int    *argc,
                 char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* The application normally loads this through its resource base path. */
  {
    GtkCssProvider *css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/pk/gov/kp/KhyberPassStation/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    g_object_unref (css);
  }
}

void
ks_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

gboolean
ks_test_wait_for (gboolean (*check)(gpointer data),
                  gpointer   data,
                  guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!check (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

char *
ks_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ks-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

static void
on_invalidated (GdkPaintable *paintable,
                gboolean     *invalidated)
{
  *invalidated = TRUE;
}

/**
 * ks_test_screenshot:
 *
 * Renders @widget (a presented window, usually) to `$KS_SHOT_DIR/NAME.png`, the way GNOME
 * Console's tests do: a GtkWidgetPaintable, waited on until GTK has drawn it.
 *
 * Returns: (transfer full): the PNG's path
 */
char *
ks_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = g_strconcat (name, ".png", NULL);
  const char *dir = g_getenv ("KS_SHOT_DIR");
  GskRenderer *renderer;
  gboolean invalidated = FALSE;
  char *path;
  int width, height;

  g_signal_connect (paintable, "invalidate-contents", G_CALLBACK (on_invalidated), &invalidated);
  gtk_widget_queue_draw (widget);
  /* A screen that does not change may never invalidate: give it a moment, then take it. */
  ks_test_wait_for (is_true, &invalidated, 2000);
  ks_test_iterate (150);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));

  if (dir == NULL)
    dir = g_get_tmp_dir ();
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type,
              guint     *nth)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    {
      if (*nth == 0)
        return widget;
      (*nth)--;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type, nth);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/**
 * ks_test_find_by_type:
 *
 * The @nth mapped (visible on screen) widget of @type under @root, depth first.
 */
GtkWidget *
ks_test_find_by_type (GtkWidget *root,
                      GType      type,
                      guint      nth)
{
  return find_by_type (root, type, &nth);
}

static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_TEXT (widget))
    g_string_append_printf (out, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

/**
 * ks_test_collect_text:
 *
 * Returns: (transfer full): the text of every label and entry under @root (shown or on a
 *   hidden page), one per line: what a person could read there
 */
char *
ks_test_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect_text (root, out);
  return g_string_free (out, FALSE);
}

gboolean
ks_test_have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  return path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

static void
run_xdotool (gulong      xid,
             const char *command,
             const char *arg)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *window = g_strdup_printf ("%lu", xid);

  /* The X server queues the events for the window while xdotool runs; GTK then handles them
   * in order, each with the focus the previous one left. */
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "xdotool", "mousemove", "--window",
                              window, "4", "4", command, "--delay", "12", arg, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  ks_test_iterate (120);
}

/**
 * ks_test_keys:
 * @window: the window that gets the keys
 * @first_arg: pairs of an xdotool command ("type" or "key") and its argument, %NULL-terminated:
 *   "type", "Imran Khan", "key", "Tab", NULL
 *
 * Real keyboard input: xdotool sends X key events through XTEST, exactly as a keyboard would,
 * to the window under the pointer (no window manager runs under Xvfb). Urdu text switches the
 * keyboard to the Urdu layout (setxkbmap pk) for as long as it is typed.
 */
static void
set_layout (const char *layout)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "setxkbmap", "-layout", layout,
                              NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
  /* Let GTK read the new keyboard map (and its direction) before the next key. */
  ks_test_iterate (500);
}

/* Whether @text needs the Urdu keyboard (any Arabic-script letter). */
static gboolean
needs_urdu_layout (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c >= 0x0600 && c <= 0x06FF)
        return TRUE;
    }
  return FALSE;
}

void
ks_test_keys (GtkWidget  *window,
              const char *first_arg,
              ...)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  gulong xid = gdk_x11_surface_get_xid (surface);
  va_list args;

  va_start (args, first_arg);
  for (const char *command = first_arg; command != NULL; command = va_arg (args, const char *))
    {
      const char *arg = va_arg (args, const char *);
      g_assert_nonnull (arg);
      /* Urdu is typed the way operators type it: with the Urdu (pk) keyboard layout on. */
      if (needs_urdu_layout (arg))
        {
          set_layout ("pk");
          run_xdotool (xid, command, arg);
          set_layout ("us");
        }
      else
        run_xdotool (xid, command, arg);
    }
  va_end (args);
  ks_test_iterate (150);
}

/* The font that draws the character at @index of @layout. */
static char *
font_at (PangoLayout *layout,
         int          index)
{
  g_autoptr(PangoLayoutIter) iter = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run != NULL && index >= run->item->offset &&
          index < run->item->offset + run->item->length)
        {
          g_autoptr(PangoFontDescription) desc = pango_font_describe (run->item->analysis.font);

          return g_strdup (pango_font_description_get_family (desc));
        }
    }
  while (pango_layout_iter_next_run (iter));
  return NULL;
}

static void
check_ltr_values (GtkWidget *widget,
                  GRegex    *value,
                  guint     *n_checked)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *text = pango_layout_get_text (layout);
      g_autoptr(GMatchInfo) match = NULL;

      g_regex_match (value, text, 0, &match);
      while (g_match_info_matches (match))
        {
          int start, end, last_x = G_MININT, last_y = G_MININT;

          g_match_info_fetch_pos (match, 0, &start, &end);
          for (int i = start; i < end; i = g_utf8_next_char (text + i) - text)
            {
              g_autofree char *family = font_at (layout, i);
              PangoRectangle at;

              if (family != NULL && strstr (family, "Arabic") != NULL)
                g_error ("\"%s\" in \"%s\" is drawn with %s", text + start, text, family);
              pango_layout_index_to_pos (layout, i, &at);
              if (at.y == last_y && at.x <= last_x && text[i] != ' ')
                g_error ("\"%.*s\" in \"%s\" is not read left to right", end - start,
                         text + start, text);
              if (text[i] != ' ')
                {
                  last_x = at.x;
                  last_y = at.y;
                }
            }
          (*n_checked)++;
          g_match_info_next (match, NULL);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_ltr_values (child, value, n_checked);
}

/**
 * ks_test_assert_ltr_values:
 *
 * Checks every shown label under @root: each Khyber Pass ID, CNIC and date in it is drawn
 * left to right as one unit (its characters from left to right on a line) and in a Latin
 * font, never in an Arabic one (whose hyphen looks like a dot).
 *
 * Returns: how many values were checked
 */
guint
ks_test_assert_ltr_values (GtkWidget *root)
{
  g_autoptr(GRegex) value = g_regex_new ("[A-Z]{3}-[A-Z][0-9]{2}-[0-9]{7}-[0-9A-Z]"
                                         "|[0-9]{5}-[0-9]{7}-[0-9]"
                                         "|[0-9]{2}-[0-9]{2}-[0-9]{4}( [0-9]{2}:[0-9]{2})?",
                                         0, 0, NULL);
  guint n_checked = 0;

  check_ltr_values (root, value, &n_checked);
  return n_checked;
}
