/* render-sample-faces.c: draws the simulated camera's sample faces (the PNG files of data/camera)
 *
 * The faces are drawn here with cairo, not photographed: no real person's likeness is in the
 * repository, and anyone may use, change and share them under the project's licence. They are
 * drawn just enough like a face (dark brows and eyes over lighter cheeks, a lighter nose
 * bridge) for OpenCV's frontal face Haar cascade, the one GStreamer's facedetect uses, to find
 * them; the variants are the faults the camera's guidance names (too far, off centre, head
 * tilted, no one there).
 *
 *   build/data/camera/render-sample-faces data/camera    rewrites the PNG files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <cairo.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>

static void
ellipse (cairo_t *cr, double cx, double cy, double rx, double ry)
{
  cairo_save (cr); cairo_translate (cr, cx, cy); cairo_scale (cr, rx, ry);
  cairo_arc (cr, 0, 0, 1, 0, 2*M_PI); cairo_restore (cr);
}

static void
soft (cairo_t *cr, double cx, double cy, double rx, double ry, double r, double g, double b,
      double a)
{
  cairo_pattern_t *p;
  cairo_save (cr); cairo_translate (cr, cx, cy); cairo_scale (cr, rx, ry);
  p = cairo_pattern_create_radial (0, 0, 0, 0, 0, 1);
  cairo_pattern_add_color_stop_rgba (p, 0, r, g, b, a);
  cairo_pattern_add_color_stop_rgba (p, 1, r, g, b, 0);
  cairo_set_source (cr, p); cairo_arc (cr, 0, 0, 1, 0, 2*M_PI); cairo_fill (cr);
  cairo_pattern_destroy (p); cairo_restore (cr);
}

static void
face (cairo_t *cr, double cx, double cy, double s, double rot, double skin[3], double hair[3])
{
  cairo_save (cr);
  cairo_translate (cr, cx, cy); cairo_rotate (cr, rot); cairo_scale (cr, s, s);
  /* neck and shoulders */
  cairo_set_source_rgb (cr, skin[0]*0.8, skin[1]*0.8, skin[2]*0.8);
  cairo_rectangle (cr, -0.35, 0.6, 0.7, 0.7); cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.18, 0.22, 0.3);
  cairo_move_to (cr, -1.6, 2.2); cairo_curve_to (cr, -1.5, 1.3, -0.8, 1.05, -0.3, 1.0);
  cairo_line_to (cr, 0.3, 1.0); cairo_curve_to (cr, 0.8, 1.05, 1.5, 1.3, 1.6, 2.2);
  cairo_close_path (cr); cairo_fill (cr);
  /* hair back */
  cairo_set_source_rgb (cr, hair[0], hair[1], hair[2]);
  ellipse (cr, 0, -0.15, 0.82, 1.0); cairo_fill (cr);
  /* ears */
  cairo_set_source_rgb (cr, skin[0]*0.9, skin[1]*0.9, skin[2]*0.9);
  ellipse (cr, -0.72, 0.0, 0.12, 0.2); cairo_fill (cr);
  ellipse (cr, 0.72, 0.0, 0.12, 0.2); cairo_fill (cr);
  /* head with shading */
  {
    cairo_pattern_t *p = cairo_pattern_create_radial (-0.1, -0.1, 0.1, 0, 0, 0.95);
    cairo_pattern_add_color_stop_rgb (p, 0, skin[0]*1.08, skin[1]*1.08, skin[2]*1.08);
    cairo_pattern_add_color_stop_rgb (p, 1, skin[0]*0.7, skin[1]*0.7, skin[2]*0.7);
    cairo_set_source (cr, p); ellipse (cr, 0, 0, 0.7, 0.92); cairo_fill (cr);
    cairo_pattern_destroy (p);
  }
  /* hair fringe */
  cairo_set_source_rgb (cr, hair[0], hair[1], hair[2]);
  cairo_move_to (cr, -0.72, -0.2); cairo_curve_to (cr, -0.7, -1.0, 0.7, -1.0, 0.72, -0.2);
  cairo_curve_to (cr, 0.5, -0.6, -0.2, -0.62, -0.72, -0.2); cairo_fill (cr);
  /* eye sockets */
  soft (cr, -0.27, -0.08, 0.24, 0.15, 0.25, 0.15, 0.1, 0.55);
  soft (cr, 0.27, -0.08, 0.24, 0.15, 0.25, 0.15, 0.1, 0.55);
  /* brows */
  cairo_set_source_rgb (cr, hair[0], hair[1], hair[2]);
  cairo_set_line_width (cr, 0.06); cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_move_to (cr, -0.45, -0.25); cairo_curve_to (cr, -0.35, -0.31, -0.2, -0.31, -0.1, -0.26);
  cairo_stroke (cr);
  cairo_move_to (cr, 0.45, -0.25); cairo_curve_to (cr, 0.35, -0.31, 0.2, -0.31, 0.1, -0.26);
  cairo_stroke (cr);
  /* eyes */
  for (int i = -1; i <= 1; i += 2)
    {
      double ex = i*0.27, ey = -0.08;
      cairo_set_source_rgb (cr, 0.92, 0.9, 0.86); ellipse (cr, ex, ey, 0.12, 0.055);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.25, 0.15, 0.08); cairo_arc (cr, ex, ey, 0.05, 0, 2*M_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.02, 0.02, 0.02); cairo_arc (cr, ex, ey, 0.025, 0, 2*M_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.15, 0.08, 0.05); cairo_set_line_width (cr, 0.02);
      cairo_save (cr); cairo_translate (cr, ex, ey); cairo_scale (cr, 0.12, 0.055); cairo_arc (cr,
                                                                                               0, 0,
                                                                                               1,
                                                                                               M_PI,
                                                                                               2*
                                                                                               M_PI);
      cairo_restore (cr); cairo_stroke (cr);
    }
  /* nose: bright bridge, shaded sides, nostrils */
  soft (cr, 0, 0.05, 0.07, 0.2, 1, 0.95, 0.9, 0.25);
  soft (cr, -0.09, 0.18, 0.06, 0.1, 0.3, 0.18, 0.12, 0.35);
  soft (cr, 0.09, 0.18, 0.06, 0.1, 0.3, 0.18, 0.12, 0.35);
  cairo_set_source_rgba (cr, 0.2, 0.1, 0.07, 0.8);
  ellipse (cr, -0.05, 0.25, 0.035, 0.02); cairo_fill (cr);
  ellipse (cr, 0.05, 0.25, 0.035, 0.02); cairo_fill (cr);
  /* mouth */
  soft (cr, 0, 0.47, 0.26, 0.1, 0.3, 0.15, 0.1, 0.3);
  cairo_set_source_rgb (cr, 0.55, 0.25, 0.22);
  cairo_move_to (cr, -0.2, 0.45); cairo_curve_to (cr, -0.1, 0.41, 0.1, 0.41, 0.2, 0.45);
  cairo_curve_to (cr, 0.1, 0.53, -0.1, 0.53, -0.2, 0.45); cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.3, 0.1, 0.08); cairo_set_line_width (cr, 0.015);
  cairo_move_to (cr, -0.2, 0.45); cairo_curve_to (cr, -0.1, 0.47, 0.1, 0.47, 0.2, 0.45);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
background (cairo_t *cr, int w, int h)
{
  cairo_pattern_t *p = cairo_pattern_create_linear (0, 0, 0, h);
  cairo_pattern_add_color_stop_rgb (p, 0, 0.78, 0.8, 0.82);
  cairo_pattern_add_color_stop_rgb (p, 1, 0.6, 0.63, 0.66);
  cairo_set_source (cr, p); cairo_paint (cr); cairo_pattern_destroy (p);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : ".";
  int w = 640, h = 480;
  double skin1[3] = {0.78, 0.6, 0.47}, hair1[3] = {0.1, 0.08, 0.07};
  double skin2[3] = {0.62, 0.45, 0.34}, hair2[3] = {0.2, 0.2, 0.2};
  struct { const char *name; double cx, cy, s, rot; double *skin, *hair; } f[] = {
    {"face-1.png", 320, 220, 120, 0, skin1, hair1},
    {"face-2.png", 320, 225, 125, 0, skin2, hair2},
    {"face-far.png", 320, 230, 45, 0, skin1, hair1},
    {"face-off-centre.png", 150, 220, 100, 0, skin2, hair2},
    {"face-tilted.png", 320, 220, 120, 0.2, skin1, hair1},
  };
  for (unsigned i = 0; i < sizeof f / sizeof f[0]; i++)
    {
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_t *cr = cairo_create (s);
      background (cr, w, h);
      face (cr, f[i].cx, f[i].cy, f[i].s, f[i].rot, f[i].skin, f[i].hair);
      cairo_destroy (cr);
      {
        char *path = g_build_filename (dir, f[i].name, NULL);
        cairo_surface_write_to_png (s, path);
        g_free (path);
      }
      cairo_surface_destroy (s);
    }
  {
    /* No one in front of the camera: an empty wall and a door. */
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create (s);
    background (cr, w, h);
    cairo_set_source_rgb (cr, 0.45, 0.33, 0.22);
    cairo_rectangle (cr, 380, 90, 160, 390); cairo_fill (cr);
    cairo_set_source_rgb (cr, 0.8, 0.7, 0.3);
    cairo_arc (cr, 515, 300, 8, 0, 2*M_PI); cairo_fill (cr);
    cairo_destroy (cr);
    {
      char *path = g_build_filename (dir, "no-face.png", NULL);
      cairo_surface_write_to_png (s, path);
      g_free (path);
    }
    cairo_surface_destroy (s);
  }
  return 0;
}
