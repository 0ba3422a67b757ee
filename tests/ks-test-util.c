/* ks-test-util.c: helpers every test program may use, core and UI alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>

#include "ks-test-util.h"

/**
 * ks_test_rm_rf:
 *
 * Removes a test's temporary folder and everything in it.
 */
void
ks_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        ks_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/**
 * ks_test_configure_station:
 * @supervisor: a supervisor's session: settings change only through core, as in Settings
 *
 * Sets the district and station code as a supervisor does, and switches the free-disk rule off
 * (a nearly full CI disk would otherwise stop enrollments in tests that are about something
 * else; tests/test-review.c and tests/test-rules.c cover the rule).
 */
void
ks_test_configure_station (KsStationConfig *config,
                           KsSession       *supervisor,
                           const char      *district,
                           const char      *station_code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_station_config_set_string (config, supervisor, "district", district, &error));
  g_assert_no_error (error);
  g_assert_true (ks_station_config_set_string (config, supervisor, "station-code", station_code,
                                               &error));
  g_assert_no_error (error);
  g_assert_true (ks_station_config_set_uint (config, supervisor, "min-free-disk-mb", 0, &error));
  g_assert_no_error (error);
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * ks_test_face_png:
 * @seed: the sensor noise; another seed, another photo of the same face
 *
 * A passport-style photo drawn here (so the tests may use it anywhere): a face on a blue
 * background (RGB 40, 90, 160 at the top left), hair, eyes, brows, nose and mouth, shaded, with
 * sensor noise so it compresses like a photo rather than a drawing.
 *
 * Returns: (transfer full): PNG bytes
 */
GBytes *
ks_test_face_png (int     width,
                  int     height,
                  guint32 seed)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GByteArray *png = g_byte_array_new ();
  cairo_pattern_t *skin;
  guint8 *data;
  int stride;

  cairo_set_source_rgb (cr, 40 / 255.0, 90 / 255.0, 160 / 255.0);
  cairo_paint (cr);
  cairo_scale (cr, width / 100.0, height / 130.0);
  /* Shoulders and shirt. */
  cairo_set_source_rgb (cr, 0.15, 0.17, 0.2);
  cairo_save (cr);
  cairo_translate (cr, 50, 135);
  cairo_scale (cr, 48, 30);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  /* Neck, then the head, lit from the left. */
  cairo_set_source_rgb (cr, 0.72, 0.52, 0.4);
  cairo_rectangle (cr, 41, 80, 18, 28);
  cairo_fill (cr);
  skin = cairo_pattern_create_radial (42, 52, 4, 50, 58, 34);
  cairo_pattern_add_color_stop_rgb (skin, 0, 0.88, 0.7, 0.57);
  cairo_pattern_add_color_stop_rgb (skin, 1, 0.6, 0.42, 0.32);
  cairo_set_source (cr, skin);
  cairo_save (cr);
  cairo_translate (cr, 50, 58);
  cairo_scale (cr, 24, 32);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  cairo_pattern_destroy (skin);
  /* Hair. */
  cairo_set_source_rgb (cr, 0.08, 0.06, 0.05);
  cairo_save (cr);
  cairo_translate (cr, 50, 40);
  cairo_scale (cr, 26, 18);
  cairo_arc (cr, 0, 0, 1, G_PI, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  /* Brows, eyes, nose, mouth. */
  cairo_set_line_width (cr, 2.2);
  cairo_move_to (cr, 34, 47);
  cairo_line_to (cr, 45, 46);
  cairo_move_to (cr, 55, 46);
  cairo_line_to (cr, 66, 47);
  cairo_stroke (cr);
  for (int side = 0; side < 2; side++)
    {
      double x = side ? 60.5 : 39.5;

      cairo_set_source_rgb (cr, 0.97, 0.97, 0.95);
      cairo_save (cr);
      cairo_translate (cr, x, 54);
      cairo_scale (cr, 5.5, 2.8);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.2, 0.12, 0.08);
      cairo_arc (cr, x, 54, 2.3, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0.5, 0.33, 0.25);
  cairo_set_line_width (cr, 1.4);
  cairo_move_to (cr, 50, 57);
  cairo_line_to (cr, 47, 69);
  cairo_line_to (cr, 52, 70);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0.55, 0.25, 0.25);
  cairo_set_line_width (cr, 2.0);
  cairo_move_to (cr, 42, 77);
  cairo_curve_to (cr, 46, 80, 54, 80, 58, 77);
  cairo_stroke (cr);
  cairo_destroy (cr);

  /* Sensor noise, +-6 per channel. */
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 4; x++)
      if (x % 4 != 3)
        {
          guint8 *p = data + (gsize)y * stride + x;
          int v = *p + g_rand_int_range (rand, -6, 7);

          *p = (guint8)CLAMP (v, 0, 255);
        }
  cairo_surface_mark_dirty (surface);
  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, append_png, png), ==,
                   CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}
