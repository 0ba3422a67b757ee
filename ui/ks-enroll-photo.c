/* ks-enroll-photo.c: the citizen's photo in the enrollment wizard
 *
 * A thumbnail of the record's photo with Use Camera, Choose and Remove. The camera window
 * (KsCameraWindow) takes the 35x45 photo around the face; a file goes through the same checks
 * (the camera's face detector, ks_camera_check_image_async()) and the same crop, and a file
 * with no face in it is refused. Both end in the same core call as before
 * (ks_photo_import_bytes_async(): shrunk and sealed). The photo is kept sealed (see
 * ks-photo.c); reading, shrinking, sealing and opening it are core calls that run in a worker
 * thread, so a large JPEG never freezes the form. The widget says "changed" when the operator
 * chose or removed a photo (ks_enroll_photo_get_sealed() is the record's new value), and
 * "failed" with a message for the operator when a file cannot be used.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-photo"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-camera-window.h"
#include "ks-camera.h"
#include "ks-enroll-photo.h"
#include "ks-photo.h"

struct _KsEnrollPhoto
{
  AdwPreferencesGroup parent_instance;

  /* Template widgets */
  AdwActionRow *photo_row;
  GtkPicture *photo_picture;

  /* Owned */
  KsProfile *profile;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable;      /* the photo being opened or imported */
  char *sealed;
  char *advice;                   /* what the checks said of a photo from a file */
};

enum {
  CHANGED,
  FAILED,
  CAMERA_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsEnrollPhoto, ks_enroll_photo, ADW_TYPE_PREFERENCES_GROUP)

/* Starts a new photo operation: whatever was being opened or imported is no longer wanted. */
static GCancellable *
restart (KsEnrollPhoto *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  return self->cancellable;
}

static void
show_png (KsEnrollPhoto *self,
          GBytes        *png)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (png != NULL)
    texture = gdk_texture_new_from_bytes (png, NULL);
  gtk_picture_set_paintable (self->photo_picture, GDK_PAINTABLE (texture));
  if (texture != NULL && self->advice != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s",
                                               _("Photo attached. It is stored encrypted."),
                                               self->advice);
      adw_action_row_set_subtitle (self->photo_row, text);
    }
  else
    adw_action_row_set_subtitle (self->photo_row,
                                 texture ? _("Photo attached. It is stored encrypted.")
                                         : _("No photo. A passport-style photo from a file (PNG "
                                             "or JPEG)."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.remove", texture != NULL);
}

static void
opened (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(KsEnrollPhoto) self = user_data;
  g_autoptr(GBytes) png = ks_photo_open_finish (result, NULL);

  /* A photo that does not open (sealed at another station) shows as none, as before. */
  if (!g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    show_png (self, png);
}

static void
imported (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KsEnrollPhoto) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *sealed = ks_photo_import_finish (result, &png, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (sealed == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }
  g_free (self->sealed);
  self->sealed = g_steal_pointer (&sealed);
  show_png (self, png);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* A photo in memory (the camera's, or a file's cut around the face): shrunk and sealed. */
static void
take_png (KsEnrollPhoto *self,
          GBytes        *png)
{
  ks_photo_import_bytes_async (self->profile, png, restart (self), imported,
                               g_object_ref (self));
}

static void
file_photo_cut (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsEnrollPhoto) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = ks_camera_frame_to_photo_finish (result, &error);

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (png == NULL)
    g_signal_emit (self, signals[FAILED], 0, error->message);
  else
    take_png (self, png);
}

static void
file_checked (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsEnrollPhoto) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCameraFrame) frame = ks_camera_check_image_finish (result, &error);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  if (g_cancellable_is_cancelled (cancellable))
    return;
  if (frame == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0, error->message);
      return;
    }
  /* A photo file is already framed: only what spoils the photo itself is worth saying. */
  g_clear_pointer (&self->advice, g_free);
  switch (frame->guidance.problem)
    {
    case KS_FACE_TOO_DARK:
    case KS_FACE_TOO_BRIGHT:
    case KS_FACE_SEVERAL:
    case KS_FACE_TILTED:
    case KS_FACE_BLURRED:
      self->advice = g_strdup (ks_face_guidance_message (&frame->guidance));
      break;
    case KS_FACE_OK:
    case KS_FACE_NONE:
    case KS_FACE_TOO_SMALL:
    case KS_FACE_TOO_CLOSE:
    case KS_FACE_OFF_CENTRE:
    default:
      break;
    }
  /* No face: refused with the guidance's words (ks_camera_frame_to_photo_async()). */
  ks_camera_frame_to_photo_async (frame, cancellable, file_photo_cut, g_object_ref (self));
}

static void
on_captured (KsEnrollPhoto *self,
             GBytes        *png)
{
  g_clear_pointer (&self->advice, g_free);
  take_png (self, png);
}

static void choose_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param);

static void
on_use_file (KsEnrollPhoto *self)
{
  choose_action (GTK_WIDGET (self), "photo.choose", NULL);
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KsEnrollPhoto *self = KS_ENROLL_PHOTO (widget);
  g_autoptr(KsCamera) camera = NULL;
  KsCameraWindow *window;

  if (self->profile == NULL)
    return;
  /* The training profile's camera is simulated, as its fingerprint reader is. */
  camera = ks_camera_new_for_profile (self->profile, KS_CAMERA_MODE_PHOTO);
  window = ks_camera_window_new (GTK_WINDOW (gtk_widget_get_root (widget)), camera, NULL);
  g_signal_connect_object (window, "captured", G_CALLBACK (on_captured), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "use-file", G_CALLBACK (on_use_file), self,
                           G_CONNECT_SWAPPED);
  g_signal_emit (self, signals[CAMERA_OPENED], 0, window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_chosen (GtkNativeDialog *chooser,
           int              response,
           KsEnrollPhoto   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        ks_enroll_photo_load_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KsEnrollPhoto *self = KS_ENROLL_PHOTO (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL || self->profile == NULL)
    return;
  gtk_file_filter_set_name (filter, _("Photos (PNG, JPEG)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  self->chooser = gtk_file_chooser_native_new (_("Choose the Citizen’s Photo"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KsEnrollPhoto *self = KS_ENROLL_PHOTO (widget);

  restart (self);
  g_clear_pointer (&self->sealed, g_free);
  show_png (self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
ks_enroll_photo_dispose (GObject *object)
{
  KsEnrollPhoto *self = (KsEnrollPhoto *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (ks_enroll_photo_parent_class)->dispose (object);
}

static void
ks_enroll_photo_finalize (GObject *object)
{
  KsEnrollPhoto *self = (KsEnrollPhoto *)object;

  g_free (self->sealed);
  g_free (self->advice);

  G_OBJECT_CLASS (ks_enroll_photo_parent_class)->finalize (object);
}

static void
ks_enroll_photo_class_init (KsEnrollPhotoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_enroll_photo_dispose;
  object_class->finalize = ks_enroll_photo_finalize;

  /* The operator chose a photo or removed it: ks_enroll_photo_get_sealed() has the new value. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The chosen file cannot be used: the message says why and what to do. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-enroll-photo.ui");
  gtk_widget_class_bind_template_child (widget_class, KsEnrollPhoto, photo_row);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollPhoto, photo_picture);

  /* The camera window opened (for the tests and the screenshots). */
  signals[CAMERA_OPENED] = g_signal_new ("camera-opened", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         GTK_TYPE_WINDOW);

  gtk_widget_class_install_action (widget_class, "photo.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "photo.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "photo.remove", NULL, remove_action);
}

static void
ks_enroll_photo_init (KsEnrollPhoto *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "photo.remove", FALSE);
}

void
ks_enroll_photo_set_profile (KsEnrollPhoto *self,
                             KsProfile     *profile)
{
  g_return_if_fail (KS_IS_ENROLL_PHOTO (self));
  g_set_object (&self->profile, profile);
}

/**
 * ks_enroll_photo_set_sealed:
 * @sealed: (nullable): the record's photo field: a sealed photo, or empty
 *
 * Shows the record's photo (opened in a worker thread), without treating that as the
 * operator's choice.
 */
void
ks_enroll_photo_set_sealed (KsEnrollPhoto *self,
                            const char    *sealed)
{
  GCancellable *cancellable;

  g_return_if_fail (KS_IS_ENROLL_PHOTO (self));

  if (sealed != NULL && *sealed == '\0')
    sealed = NULL;
  /* The page shows the record again after each step: the same photo stays as it is, and a
   * photo still being imported is not cancelled. */
  if (g_strcmp0 (sealed, self->sealed) == 0)
    return;
  cancellable = restart (self);
  g_free (self->sealed);
  self->sealed = g_strdup (sealed);
  if (sealed == NULL || self->profile == NULL)
    {
      show_png (self, NULL);
      return;
    }
  ks_photo_open_async (self->profile, sealed, cancellable, opened, g_object_ref (self));
}

/**
 * ks_enroll_photo_get_sealed:
 *
 * Returns: the photo as the record keeps it (sealed), or "" when there is none
 */
const char *
ks_enroll_photo_get_sealed (KsEnrollPhoto *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PHOTO (self), "");
  return self->sealed ? self->sealed : "";
}

/**
 * ks_enroll_photo_load_file:
 * @file: a PNG or JPEG file
 *
 * Takes the photo from @file, as choosing it does: the camera's checks, the 35x45 cut around
 * the face, then "changed", or "failed" (not a photo, no face).
 */
void
ks_enroll_photo_load_file (KsEnrollPhoto *self,
                           GFile         *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KS_IS_ENROLL_PHOTO (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->profile != NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_signal_emit (self, signals[FAILED], 0,
                     _("This file is not a photo the station can read. Choose a PNG or JPEG "
                       "file."));
      return;
    }
  /* The camera's checks first: a file with no face is refused as a capture would be. */
  ks_camera_check_image_async (path, restart (self), file_checked, g_object_ref (self));
}

/**
 * ks_enroll_photo_get_row:
 *
 * Returns: (transfer none): the photo's row, to focus and mark when the photo is wrong
 */
GtkWidget *
ks_enroll_photo_get_row (KsEnrollPhoto *self)
{
  g_return_val_if_fail (KS_IS_ENROLL_PHOTO (self), NULL);
  return GTK_WIDGET (self->photo_row);
}
