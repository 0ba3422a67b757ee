/* ks-camera-window.c: the live camera window: the citizen's photo, or cards to verify
 *
 * Shows the camera's frames as they come (a GdkMemoryTexture per frame in a GtkPicture: GTK
 * 4.8 has no GStreamer paintable sink in Debian bookworm) with a line the operator can act
 * on. Everything that takes time is in core: the camera opens and runs in its own threads
 * (KsCamera), the ID photo is cut in a worker thread, and a card's QR code is read and checked
 * in another (ks_station_verify_frame_async()), one frame at a time.
 *
 * Photo mode: the guidance of each frame; Space (or Take Photo) takes the 35x45 photo around
 * the face, "captured" hands its PNG to whoever opened the window, which closes.
 * Scan mode: every frame is searched for a card's QR code while the last search is done; the
 * verdict stays on screen until another card is held up ("verified").
 * When the camera fails, its message, Retry and Use a File; "use-file" asks the opener to
 * offer its file dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-camera-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-camera-window.h"
#include "ks-station-camera.h"

struct _KsCameraWindow
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwWindowTitle *window_title;
  GtkStack *stack;
  GtkSpinner *spinner;
  GtkPicture *picture;
  GtkLabel *guidance_label;
  GtkLabel *detail_label;
  AdwStatusPage *error_page;
  GtkWidget *retry_button;
  GtkWidget *simulate_button;
  GtkWidget *capture_button;

  /* Owned */
  KsCamera *camera;
  KsStation *station;           /* scan mode: checks the cards */
  GCancellable *cancellable;    /* the capture or the card check under way */
  GtkFileChooserNative *chooser;
  char *card_text;              /* the QR text of the verdict on screen */
  KsVerifyResult *result;       /* that verdict, until the opener takes it */
  gboolean scanning;            /* a frame is being searched for a card */
  gboolean capturing;
};

enum {
  CAPTURED,
  USE_FILE,
  VERIFIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsCameraWindow, ks_camera_window, ADW_TYPE_WINDOW)

static void
set_guidance (KsCameraWindow *self,
              const char     *text,
              const char     *style)
{
  static const char *const styles[] = { "success", "warning", "error" };

  gtk_label_set_label (self->guidance_label, text);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    if (g_strcmp0 (styles[i], style) != 0)
      gtk_widget_remove_css_class (GTK_WIDGET (self->guidance_label), styles[i]);
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->guidance_label), style);
}

static void
start_camera (KsCameraWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.capture", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "starting");
  gtk_spinner_start (self->spinner);
  ks_camera_start (self->camera);
}

/* Scan mode ---------------------------------------------------------------------------------- */

static const char *
verdict_style (KsVerdict verdict)
{
  return verdict == KS_VERDICT_VALID ? "success" : "error";
}

static void
frame_checked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsCameraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsVerifyResult) verdict = NULL;
  gboolean issued_here = FALSE;

  verdict = ks_station_verify_frame_finish (KS_STATION (source), result, &issued_here, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->scanning = FALSE;
  if (verdict == NULL)
    {
      /* No card, or the same one: a verdict on screen stays until the next card. */
      if (self->card_text == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        set_guidance (self, error->message, NULL);
      return;
    }

  g_free (self->card_text);
  self->card_text = g_strdup (verdict->qr_text);
  /* The verdict in words, then whose card (only when the signature holds) and why. */
  set_guidance (self, ks_verdict_to_string (verdict->verdict), verdict_style (verdict->verdict));
  {
    g_autoptr(GString) detail = g_string_new (NULL);

    if (verdict->credential != NULL && verdict->credential->claim != NULL &&
        verdict->credential->claim->full_name != NULL)
      g_string_append_printf (detail, "%s\n", verdict->credential->claim->full_name);
    if (verdict->message != NULL)
      g_string_append (detail, verdict->message);
    gtk_label_set_label (self->detail_label, detail->str);
    gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail->len > 0);
  }
  g_clear_pointer (&self->result, ks_verify_result_free);
  self->result = g_steal_pointer (&verdict);
  g_signal_emit (self, signals[VERIFIED], 0, issued_here);
}

/* Frames and failures ------------------------------------------------------------------------ */

static void
on_frame (KsCameraWindow *self,
          KsCameraFrame  *frame)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "live") != 0)
    {
      gtk_spinner_stop (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "live");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.capture",
                                     ks_camera_get_mode (self->camera) == KS_CAMERA_MODE_PHOTO);
    }
  texture = gdk_memory_texture_new (frame->width, frame->height, GDK_MEMORY_R8G8B8, frame->rgb,
                                    frame->stride);
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));

  if (ks_camera_get_mode (self->camera) == KS_CAMERA_MODE_PHOTO)
    {
      if (!self->capturing)
        set_guidance (self, ks_face_guidance_message (&frame->guidance),
                      frame->guidance.problem == KS_FACE_OK ? "success" : "warning");
      return;
    }
  if (self->station != NULL && !self->scanning)
    {
      self->scanning = TRUE;
      ks_station_verify_frame_async (self->station, frame, self->card_text, self->cancellable,
                                     frame_checked, g_object_ref (self));
    }
}

static void
on_failed (KsCameraWindow *self,
           const GError   *error)
{
  gtk_spinner_stop (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.capture", FALSE);
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_widget_grab_focus (self->retry_button);
}

/* Actions ------------------------------------------------------------------------------------ */

static void
photo_cut (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KsCameraWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = ks_camera_frame_to_photo_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->capturing = FALSE;
  if (png == NULL)
    {
      set_guidance (self, error->message, "error");
      return;
    }
  g_signal_emit (self, signals[CAPTURED], 0, png);
  gtk_window_close (GTK_WINDOW (self));
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KsCameraWindow *self = KS_CAMERA_WINDOW (widget);
  g_autoptr(KsCameraFrame) frame = NULL;

  if (self->capturing || ks_camera_get_mode (self->camera) != KS_CAMERA_MODE_PHOTO)
    return;
  frame = ks_camera_dup_last_frame (self->camera);
  if (frame == NULL)
    return;
  self->capturing = TRUE;
  ks_camera_frame_to_photo_async (frame, self->cancellable, photo_cut, g_object_ref (self));
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  start_camera (KS_CAMERA_WINDOW (widget));
}

static void
use_file_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KsCameraWindow *self = KS_CAMERA_WINDOW (widget);

  g_object_ref (self);
  ks_camera_stop (self->camera);
  g_signal_emit (self, signals[USE_FILE], 0);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
on_card_chosen (GtkNativeDialog *chooser,
                int              response,
                KsCameraWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        ks_camera_simulate_show (self->camera, path);
    }
  g_clear_object (&self->chooser);
}

static void
simulate_card_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  KsCameraWindow *self = KS_CAMERA_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL || !ks_camera_is_simulated (self->camera))
    return;
  gtk_file_filter_set_name (filter, _("Pictures (PNG, JPEG)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  self->chooser = gtk_file_chooser_native_new (_("Show a Card to the Simulated Camera"),
                                               GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Show"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_card_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Life cycle --------------------------------------------------------------------------------- */

static void
ks_camera_window_dispose (GObject *object)
{
  KsCameraWindow *self = (KsCameraWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->camera != NULL)
    ks_camera_stop (self->camera);
  g_clear_object (&self->camera);
  g_clear_object (&self->station);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (ks_camera_window_parent_class)->dispose (object);
}

static void
ks_camera_window_finalize (GObject *object)
{
  KsCameraWindow *self = (KsCameraWindow *)object;

  g_free (self->card_text);
  g_clear_pointer (&self->result, ks_verify_result_free);

  G_OBJECT_CLASS (ks_camera_window_parent_class)->finalize (object);
}

static void
ks_camera_window_class_init (KsCameraWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_camera_window_dispose;
  object_class->finalize = ks_camera_window_finalize;

  /* Photo mode: the ID photo (PNG bytes), cut around the face; the window then closes. */
  signals[CAPTURED] = g_signal_new ("captured", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  /* The operator asked for a file instead; the window closes. */
  signals[USE_FILE] = g_signal_new ("use-file", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Scan mode: a new card's verdict (ks_camera_window_take_result()), and whether this
   * station issued the card. */
  signals[VERIFIED] = g_signal_new ("verified", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-camera-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, picture);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, guidance_label);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, simulate_button);
  gtk_widget_class_bind_template_child (widget_class, KsCameraWindow, capture_button);

  gtk_widget_class_install_action (widget_class, "camera.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "camera.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "camera.use-file", NULL, use_file_action);
  gtk_widget_class_install_action (widget_class, "camera.simulate-card", NULL,
                                   simulate_card_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ks_camera_window_init (KsCameraWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  /* One key takes the photo, wherever the focus is: caught before a focused button would take
   * Space for itself. While no picture is live the action is off and Space goes on as usual. */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_space,
                                                                                  0),
                                                          gtk_named_action_new ("camera.capture")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.capture", FALSE);
}

/**
 * ks_camera_window_new:
 * @camera: the camera to show, stopped; the window starts it, and stops it when it closes
 * @station: (nullable): the station that checks cards, in scan mode
 */
KsCameraWindow *
ks_camera_window_new (GtkWindow *parent,
                      KsCamera  *camera,
                      KsStation *station)
{
  KsCameraWindow *self;
  gboolean photo;

  g_return_val_if_fail (KS_IS_CAMERA (camera), NULL);

  self = g_object_new (KS_TYPE_CAMERA_WINDOW, "transient-for", parent, NULL);
  self->camera = g_object_ref (camera);
  self->station = station ? g_object_ref (station) : NULL;
  photo = ks_camera_get_mode (camera) == KS_CAMERA_MODE_PHOTO;

  adw_window_title_set_title (self->window_title, photo ? _("Citizen’s Photo")
                                                        : _("Verify a Card with the Camera"));
  adw_window_title_set_subtitle (self->window_title,
                                 ks_camera_is_simulated (camera) ? _("Simulated camera") : NULL);
  gtk_widget_set_visible (self->capture_button, photo);
  gtk_widget_set_visible (self->simulate_button, !photo && ks_camera_is_simulated (camera));
  if (!photo)
    set_guidance (self, _("Hold the back of the card up to the camera, its QR code flat and "
                          "still, 15 to 25 cm away."), NULL);

  g_signal_connect_object (camera, "frame", G_CALLBACK (on_frame), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (camera, "failed", G_CALLBACK (on_failed), self, G_CONNECT_SWAPPED);
  start_camera (self);
  return self;
}

KsCamera *
ks_camera_window_get_camera (KsCameraWindow *self)
{
  g_return_val_if_fail (KS_IS_CAMERA_WINDOW (self), NULL);
  return self->camera;
}

/**
 * ks_camera_window_take_result:
 *
 * Returns: (transfer full) (nullable): the verdict of the last card, which the window shows
 *   until the next one
 */
KsVerifyResult *
ks_camera_window_take_result (KsCameraWindow *self)
{
  g_return_val_if_fail (KS_IS_CAMERA_WINDOW (self), NULL);
  return g_steal_pointer (&self->result);
}

/**
 * ks_camera_window_get_guidance:
 *
 * Returns: the line under the picture: the photo's guidance, or the last card's verdict
 */
const char *
ks_camera_window_get_guidance (KsCameraWindow *self)
{
  g_return_val_if_fail (KS_IS_CAMERA_WINDOW (self), NULL);
  return gtk_label_get_label (self->guidance_label);
}

/**
 * ks_camera_window_get_error:
 *
 * Returns: (nullable): the camera's failure on screen, or %NULL while it works
 */
const char *
ks_camera_window_get_error (KsCameraWindow *self)
{
  g_return_val_if_fail (KS_IS_CAMERA_WINDOW (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") != 0)
    return NULL;
  return adw_status_page_get_description (self->error_page);
}
