/* ks-face-guidance.c: is this camera frame a usable ID photo, and what should the operator fix
 *
 * The face rectangles come from GStreamer's `facedetect` element (OpenCV's Haar cascade, see
 * ks-camera.c); what this file adds is cheap arithmetic on the pixels the operator can act on:
 * brightness (mean luma), focus (variance of the Laplacian, the usual blur measure), size and
 * place of the face, and whether the eyes are level. Debian bookworm's opencv-data ships no eye
 * pair cascade (facedetect's default `haarcascade_mcs_eyepair_small.xml` is missing), so the
 * eyes' line is measured here by lining up the dark bands (brows, lashes, pupils) of the face's
 * two upper quarters: enough to tell a tilted head from a level one.
 *
 * All thresholds were set on the sample faces in data/camera/ and their darkened, brightened and
 * blurred versions (tests/test-camera.c), with room either side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-face-guidance"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ks-face-guidance.h"

/* Mean luma (0-255): below, the face is lost in the dark; above, washed out. */
#define DARK_FRAME   45.0
#define BRIGHT_FRAME 225.0
#define DARK_FACE    65.0
#define BRIGHT_FACE  215.0
/* The face's width against the frame's: smaller, it is too far; larger, the ID photo around it
 * does not fit in the frame. */
#define MIN_FACE_FRACTION 0.22
#define MAX_FACE_FRACTION 0.60
/* How far the face's centre may be from the frame's, as a fraction of the frame. */
#define MAX_OFF_CENTRE 0.15
/* Eyes' line more than this off the horizontal: "hold your head straight". */
#define MAX_TILT_DEGREES 6.0
/* Variance of the Laplacian over the face, measured at about 128 pixels across the face. */
#define MIN_SHARPNESS 25.0
/* The ID photo around the face: the detector's box runs from the brows to the chin, so the
 * photo is about twice as high, with more room above (hair) than below (neck). */
#define CROP_HEIGHT_PER_FACE 1.9
#define CROP_TOP_PER_FACE    0.5

static inline double
luma_at (const guint8 *rgb,
         int           stride,
         int           x,
         int           y)
{
  const guint8 *p = rgb + (gsize)y * stride + (gsize)x * 3;

  return 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
}

static double
mean_luma (const guint8       *rgb,
           int                 stride,
           const KsCameraRect *r)
{
  int step = MAX (1, MIN (r->width, r->height) / 64);
  double sum = 0;
  guint n = 0;

  for (int y = r->y; y < r->y + r->height; y += step)
    for (int x = r->x; x < r->x + r->width; x += step)
      {
        sum += luma_at (rgb, stride, x, y);
        n++;
      }
  return n ? sum / n : 0;
}

static double
laplacian_variance (const guint8       *rgb,
                    int                 stride,
                    const KsCameraRect *r)
{
  int step = MAX (1, r->width / 128);
  double sum = 0, sum2 = 0;
  guint n = 0;

  for (int y = r->y + step; y < r->y + r->height - step; y += step)
    for (int x = r->x + step; x < r->x + r->width - step; x += step)
      {
        double lap = luma_at (rgb, stride, x - step, y) + luma_at (rgb, stride, x + step, y) +
                     luma_at (rgb, stride, x, y - step) + luma_at (rgb, stride, x, y + step) -
                     4 * luma_at (rgb, stride, x, y);

        sum += lap;
        sum2 += lap * lap;
        n++;
      }
  if (n == 0)
    return 0;
  return sum2 / n - (sum / n) * (sum / n);
}

/* Mean luma of each row of columns x0..x1, rows y0..y1. */
static double *
row_profile (const guint8 *rgb,
             int           stride,
             int           x0,
             int           x1,
             int           y0,
             int           y1)
{
  int step = MAX (1, (x1 - x0) / 32);
  double *profile = g_new0 (double, MAX (1, y1 - y0));

  for (int y = y0; y < y1; y++)
    {
      double sum = 0;
      guint n = 0;

      for (int x = x0; x < x1; x += step)
        {
          sum += luma_at (rgb, stride, x, y);
          n++;
        }
      profile[y - y0] = n ? sum / n : 0;
    }
  return profile;
}

/* How far the right eye sits below the left, as an angle: the shift that best lines up the
 * rows of the face's upper left quarter (brow, lashes, pupil: dark bands) with those of its
 * upper right quarter. Comparing whole profiles rather than picking each side's darkest row
 * keeps a dark brow on one side and a dark pupil on the other from looking like a tilt. */
static double
eye_tilt (const guint8       *rgb,
          int                 stride,
          const KsCameraRect *f,
          int                 frame_height)
{
  int max_shift = f->height * 15 / 100;
  int y0 = MAX (0, f->y + f->height / 10 - max_shift);
  int y1 = MIN (frame_height, f->y + f->height * 6 / 10 + max_shift);
  int band0 = f->y + f->height / 10 - y0;
  int band1 = f->y + f->height * 6 / 10 - y0;
  g_autofree double *left = NULL;
  g_autofree double *right = NULL;
  double best = G_MAXDOUBLE;
  int best_shift = 0;

  if (y1 - y0 < 8)
    return 0;
  left = row_profile (rgb, stride, f->x + f->width * 15 / 100, f->x + f->width * 45 / 100,
                      y0, y1);
  right = row_profile (rgb, stride, f->x + f->width * 55 / 100, f->x + f->width * 85 / 100,
                       y0, y1);
  for (int shift = -max_shift; shift <= max_shift; shift++)
    {
      double ssd = 0;
      guint n = 0;

      for (int r = band0; r < band1; r++)
        if (r + shift >= 0 && r + shift < y1 - y0 && r >= 0 && r < y1 - y0)
          {
            double d = left[r] - right[r + shift];
            ssd += d * d;
            n++;
          }
      /* Ties go to the smaller shift: a level face stays level. */
      if (n > 0 && ssd / n < best - 1e-9)
        {
          best = ssd / n;
          best_shift = shift;
        }
      else if (n > 0 && ssd / n <= best + 1e-9 && ABS (shift) < ABS (best_shift))
        best_shift = shift;
    }
  return atan2 (best_shift, f->width * 0.4) * 180.0 / G_PI;
}

/* The 35x45 photo around @face, moved inside the frame if it can be; FALSE when the frame is
 * too small to hold it around the face. */
static gboolean
crop_around (const KsCameraRect *face,
             int                 width,
             int                 height,
             KsCameraRect       *crop)
{
  int ch = (int)(face->height * CROP_HEIGHT_PER_FACE);
  int cw = ch * KS_ID_PHOTO_WIDTH_MM / KS_ID_PHOTO_HEIGHT_MM;
  gboolean fits = TRUE;

  if (ch > height || cw > width)
    {
      fits = FALSE;
      ch = MIN (height, width * KS_ID_PHOTO_HEIGHT_MM / KS_ID_PHOTO_WIDTH_MM);
      cw = ch * KS_ID_PHOTO_WIDTH_MM / KS_ID_PHOTO_HEIGHT_MM;
    }
  crop->width = cw;
  crop->height = ch;
  crop->x = CLAMP (face->x + face->width / 2 - cw / 2, 0, width - cw);
  crop->y = CLAMP (face->y - (int)(face->height * CROP_TOP_PER_FACE), 0, height - ch);
  return fits;
}

/**
 * ks_face_guidance_analyze:
 * @rgb: the frame, 3 bytes a pixel
 * @faces: (array length=n_faces): the faces the detector found in this frame
 *
 * Fills @guidance: the first problem to fix, the face and the ID photo's crop.
 */
void
ks_face_guidance_analyze (KsFaceGuidance     *guidance,
                          const guint8       *rgb,
                          int                 width,
                          int                 height,
                          int                 stride,
                          const KsCameraRect *faces,
                          guint               n_faces)
{
  KsCameraRect whole = { 0, 0, width, height };
  const KsCameraRect *face = NULL;
  double cx, cy;
  gboolean fits;

  g_return_if_fail (guidance != NULL);
  g_return_if_fail (rgb != NULL && width > 0 && height > 0 && stride >= width * 3);

  memset (guidance, 0, sizeof *guidance);
  guidance->n_faces = n_faces;

  /* The largest face is the citizen's; one behind them is a second face in the photo. Only
   * faces inside the frame count: the detector never reports others, but the rectangle is
   * outside input. */
  for (guint i = 0; i < n_faces; i++)
    {
      const KsCameraRect *r = &faces[i];

      if (r->x < 0 || r->y < 0 || r->width <= 0 || r->height <= 0 ||
          r->x + r->width > width || r->y + r->height > height)
        continue;
      if (face == NULL || r->width * r->height > face->width * face->height)
        face = r;
    }

  if (face == NULL)
    {
      guidance->n_faces = 0;
      guidance->luma = mean_luma (rgb, stride, &whole);
      guidance->crop = whole;
      if (guidance->luma < DARK_FRAME)
        guidance->problem = KS_FACE_TOO_DARK;
      else if (guidance->luma > BRIGHT_FRAME)
        guidance->problem = KS_FACE_TOO_BRIGHT;
      else
        guidance->problem = KS_FACE_NONE;
      return;
    }

  guidance->face = *face;
  guidance->luma = mean_luma (rgb, stride, face);
  guidance->sharpness = laplacian_variance (rgb, stride, face);
  guidance->tilt_degrees = eye_tilt (rgb, stride, face, height);
  fits = crop_around (face, width, height, &guidance->crop);
  cx = (face->x + face->width / 2.0) / width;
  cy = (face->y + face->height / 2.0) / height;

  if (guidance->luma < DARK_FACE)
    guidance->problem = KS_FACE_TOO_DARK;
  else if (guidance->luma > BRIGHT_FACE)
    guidance->problem = KS_FACE_TOO_BRIGHT;
  else if (n_faces > 1)
    guidance->problem = KS_FACE_SEVERAL;
  else if (face->width < width * MIN_FACE_FRACTION)
    guidance->problem = KS_FACE_TOO_SMALL;
  else if (face->width > width * MAX_FACE_FRACTION || !fits)
    guidance->problem = KS_FACE_TOO_CLOSE;
  else if (fabs (cx - 0.5) > MAX_OFF_CENTRE || cy < 0.2 || cy > 0.7)
    guidance->problem = KS_FACE_OFF_CENTRE;
  else if (fabs (guidance->tilt_degrees) > MAX_TILT_DEGREES)
    guidance->problem = KS_FACE_TILTED;
  else if (guidance->sharpness < MIN_SHARPNESS)
    guidance->problem = KS_FACE_BLURRED;
  else
    guidance->problem = KS_FACE_OK;
}

/**
 * ks_face_problem_to_string:
 *
 * Returns: a stable name for logs and tests (`too-dark`, `no-face`...)
 */
const char *
ks_face_problem_to_string (KsFaceProblem problem)
{
  switch (problem)
    {
    case KS_FACE_OK: return "ok";
    case KS_FACE_TOO_DARK: return "too-dark";
    case KS_FACE_TOO_BRIGHT: return "too-bright";
    case KS_FACE_NONE: return "no-face";
    case KS_FACE_SEVERAL: return "several-faces";
    case KS_FACE_TOO_SMALL: return "too-small";
    case KS_FACE_TOO_CLOSE: return "too-close";
    case KS_FACE_OFF_CENTRE: return "off-centre";
    case KS_FACE_TILTED: return "tilted";
    case KS_FACE_BLURRED: return "blurred";
    default: g_return_val_if_reached ("unknown");
    }
}

/**
 * ks_face_guidance_message:
 *
 * Returns: what the operator should do, translated
 */
const char *
ks_face_guidance_message (const KsFaceGuidance *guidance)
{
  g_return_val_if_fail (guidance != NULL, "");

  switch (guidance->problem)
    {
    case KS_FACE_OK:
      return _("Good photo. Press Space to take it.");
    case KS_FACE_TOO_DARK:
      return _("Too dark. Turn on a light or face the citizen towards the window.");
    case KS_FACE_TOO_BRIGHT:
      return _("Too bright. Move away from direct sunlight or turn the lamp away.");
    case KS_FACE_NONE:
      return _("No face found. Ask the citizen to look straight into the camera.");
    case KS_FACE_SEVERAL:
      return _("More than one face. Only the citizen should be in front of the camera.");
    case KS_FACE_TOO_SMALL:
      return _("Face too small. Ask the citizen to come closer to the camera.");
    case KS_FACE_TOO_CLOSE:
      return _("Too close. Ask the citizen to move back a little.");
    case KS_FACE_OFF_CENTRE:
      return _("Face not centred. Ask the citizen to move to the middle of the picture.");
    case KS_FACE_TILTED:
      return _("Head tilted. Ask the citizen to hold their head straight, eyes level.");
    case KS_FACE_BLURRED:
      return _("Blurred. Ask the citizen to keep still, and check the lens is clean.");
    default:
      g_return_val_if_reached ("");
    }
}
