/* ks-test-ui.c: helpers for the UI tests: waiting on the main loop, screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ks-test-ui.h"

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
ks_test_wait_for (gboolean (*check) (gpointer data),
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
