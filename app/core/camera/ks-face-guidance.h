/* ks-face-guidance.h: is this camera frame a usable ID photo, and what should the operator fix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int x;
  int y;
  int width;
  int height;
} KsCameraRect;

/* What is wrong with a frame, in the order the operator should fix it: light first (a dark
 * room hides the face from the detector), then the face, then its place in the picture. */
typedef enum
{
  KS_FACE_OK,
  KS_FACE_TOO_DARK,
  KS_FACE_TOO_BRIGHT,
  KS_FACE_NONE,
  KS_FACE_SEVERAL,
  KS_FACE_TOO_SMALL,
  KS_FACE_TOO_CLOSE,
  KS_FACE_OFF_CENTRE,
  KS_FACE_TILTED,
  KS_FACE_BLURRED,
} KsFaceProblem;

typedef struct
{
  KsFaceProblem problem;      /* the first thing to fix, or KS_FACE_OK */
  guint n_faces;
  KsCameraRect face;          /* the largest face, in frame pixels (when n_faces > 0) */
  KsCameraRect crop;          /* the 35x45 ID photo around it, inside the frame */
  double luma;                /* mean brightness 0-255, of the face when there is one */
  double sharpness;           /* variance of the Laplacian over the face */
  double tilt_degrees;        /* the eyes' line against the horizontal */
} KsFaceGuidance;

/* The ID photo's shape: 35 mm wide, 45 mm high. */
#define KS_ID_PHOTO_WIDTH_MM  35
#define KS_ID_PHOTO_HEIGHT_MM 45

void        ks_face_guidance_analyze (KsFaceGuidance     *guidance,
                                      const guint8       *rgb,
                                      int                 width,
                                      int                 height,
                                      int                 stride,
                                      const KsCameraRect *faces,
                                      guint               n_faces);
const char *ks_face_problem_to_string (KsFaceProblem problem);
const char *ks_face_guidance_message (const KsFaceGuidance *guidance);

G_END_DECLS
