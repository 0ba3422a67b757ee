/* ks-verify-page.c: the Verify section: is this card genuine, whose is it, who issued it
 *
 * A card comes in as a file (open dialog, Ctrl+O, or dropped on the page) or, when the
 * station has a camera, as a QR code read by zbar. Reading a 300 dpi PDF and searching it for
 * the QR takes a good part of a second: the station checks it in a worker thread, on a copy of
 * the trust list (ks_station_verify_card_async()), so the window keeps answering and a trust
 * list import cannot change it mid-check.
 *
 * The verdict is said three ways: words, an icon, and a colour that only repeats them (a
 * colour-blind operator, or a greyscale screenshot in a report, loses nothing). The holder's
 * details are shown only when the signature holds: the text of a forged card is not repeated
 * as if it were true.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-verify-page"

#include "ks-l10n.h"
#include "config.h"

#include <glib/gi18n.h>

#include "ks-camera-window.h"
#include "ks-reference.h"
#include "ks-station-camera.h"
#include "ks-verify-finger.h"
#include "ks-verify-page.h"
#include "ks-ui-util.h"

typedef enum
{
  ROW_ID,
  ROW_NAME,
  ROW_NAME_UR,
  ROW_DOB,
  ROW_GENDER,
  ROW_DISTRICT,
  ROW_ISSUED,
  ROW_EXPIRES,
  ROW_STATION,
  ROW_KID,
  ROW_REGISTRY,
  N_ROWS
} Row;

struct _KsVerifyPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *stack;
  GtkSpinner *spinner;
  GtkLabel *busy_label;
  GtkWidget *camera_button;
  GtkWidget *verdict_box;
  GtkImage *verdict_icon;
  GtkLabel *verdict_label;
  GtkLabel *message_label;
  GtkLabel *file_label;
  AdwPreferencesGroup *holder_group;
  AdwPreferencesGroup *issuer_group;
  KsVerifyFinger *finger_check;
  GtkWidget *face_box;
  GtkPicture *face_picture;
  GtkLabel *face_label;

  /* Built in init */
  AdwActionRow *rows[N_ROWS];
  GtkLabel *values[N_ROWS];

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsReference *reference;
  GCancellable *cancellable;
  GtkNativeDialog *dialog;
  GFile *file;                /* the last file checked, re-checked after a trust import */
  gboolean issued_here;       /* the card on screen was issued by this station */
  GCancellable *page_cancellable; /* imports and audit entries; cancelled on dispose */
  KsVerifyResult *result;
  gboolean busy;
};

enum {
  CAMERA_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsVerifyPage, ks_verify_page, ADW_TYPE_BIN)

/* ------------------------------------------------------------------------------------------ */
/* Showing a verdict                                                                           */

static void
set_row (KsVerifyPage *self,
         Row           row,
         const char   *value)
{
  gboolean shown = value != NULL && value[0] != '\0';

  gtk_label_set_label (self->values[row], shown ? value : "");
  gtk_widget_set_visible (GTK_WIDGET (self->rows[row]), shown);
}

static char *
format_day (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds == 0)
    return NULL;
  dt = g_date_time_new_from_unix_utc (unix_seconds);
  return ks_format_day (dt);
}

static const char *
gender_label (int gender)
{
  switch (gender)
    {
    case 1:
      return _("Male · مرد");
    case 2:
      return _("Female · عورت");
    case 3:
      return _("Transgender · خواجہ سرا");
    default:
      return NULL;
    }
}

static const char *
verdict_icon_name (KsVerdict verdict)
{
  switch (verdict)
    {
    case KS_VERDICT_VALID:
      return "emblem-ok-symbolic";
    case KS_VERDICT_ALTERED:
      return "dialog-error-symbolic";
    case KS_VERDICT_UNKNOWN_ISSUER:
      return "dialog-question-symbolic";
    case KS_VERDICT_EXPIRED:
      return "alarm-symbolic";
    case KS_VERDICT_NOT_YET_VALID:
      return "x-office-calendar-symbolic";
    case KS_VERDICT_REVOKED:
      return "action-unavailable-symbolic";
    case KS_VERDICT_NOT_A_CARD:
    default:
      return "image-missing-symbolic";
    }
}

/* A card signed with a development key (a station no registry certified) is genuine for
 * this station only: it reads as a warning, never as the big green "Valid". */
static gboolean
is_development_valid (const KsVerifyResult *result)
{
  return result->verdict == KS_VERDICT_VALID && result->credential != NULL
         && result->credential->development_issuer;
}

static const char *
verdict_style (KsVerdict verdict)
{
  switch (verdict)
    {
    case KS_VERDICT_VALID:
      return "verdict-good";
    case KS_VERDICT_ALTERED:
    case KS_VERDICT_UNKNOWN_ISSUER:
    case KS_VERDICT_REVOKED:
      return "verdict-bad";
    case KS_VERDICT_EXPIRED:
    case KS_VERDICT_NOT_YET_VALID:
    case KS_VERDICT_NOT_A_CARD:
    default:
      return "verdict-warning";
    }
}

static void
set_verdict_style (KsVerifyPage *self,
                   const char   *style)
{
  const char *styles[] = { "verdict-good", "verdict-bad", "verdict-warning" };

  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (self->verdict_box, styles[i]);
  gtk_widget_add_css_class (self->verdict_box, style);
}

static void
show_source (KsVerifyPage *self)
{
  g_autofree char *name = self->file ? g_file_get_basename (self->file) : NULL;
  g_autofree char *text = NULL;

  /* Translators: under the verdict: which file was checked */
  text = name ? g_strdup_printf (_("File: %s"), name) : g_strdup (_("Read with the camera"));
  gtk_label_set_label (self->file_label, text);
}

/* Beside the verdict, the face the card was issued with (decoded in core, off this thread):
 * the person checking compares it with the printed photo and the holder. */
static void
show_face (KsVerifyPage         *self,
           const KsVerifyResult *result)
{
  g_autoptr(GdkTexture) texture = NULL;

  gtk_widget_set_visible (self->face_box, result != NULL && result->credential != NULL);
  if (result == NULL || result->credential == NULL)
    {
      gtk_picture_set_paintable (self->face_picture, NULL);
      return;
    }
  if (result->face_png != NULL)
    texture = gdk_texture_new_from_bytes (result->face_png, NULL);
  gtk_picture_set_paintable (self->face_picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->face_picture), texture != NULL);
  if (texture != NULL)
    gtk_label_set_label (self->face_label, _("Face signed into the card: compare it with the "
                                             "photo and the holder"));
  else if (result->face_embedded)
    gtk_label_set_label (self->face_label, _("The card holds a face this station cannot show"));
  else
    gtk_label_set_label (self->face_label, _("No face in the card’s code: compare the printed "
                                             "photo with the holder"));
}

static void
show_result (KsVerifyPage *self)
{
  const KsVerifyResult *result = self->result;
  const KsCredential *cred = result->credential;

  const char *title = ks_verdict_to_string (result->verdict);
  const char *icon = verdict_icon_name (result->verdict);
  const char *style = verdict_style (result->verdict);

  if (is_development_valid (result))
    {
      /* Translators: verdict of a card whose signature holds, but with a development key */
      title = _("Development Key, Not Certified");
      icon = "dialog-warning-symbolic";
      style = "verdict-warning";
    }
  gtk_label_set_label (self->verdict_label, title);
  gtk_label_set_label (self->message_label, result->message ? result->message : "");
  gtk_image_set_from_icon_name (self->verdict_icon, icon);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  set_verdict_style (self, style);
  show_source (self);

  gtk_widget_set_visible (GTK_WIDGET (self->holder_group), cred != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->issuer_group), cred != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->finger_check), cred != NULL && self->issued_here);
  ks_verify_finger_set_holder (self->finger_check,
                               cred != NULL && self->issued_here && cred->claim != NULL
                               ? cred->claim->id : NULL);
  show_face (self, result);

  if (cred != NULL)
    {
      const KsClaim169 *claim = cred->claim;
      const KsDistrict *district = NULL;
      g_autofree char *dob = ks_format_iso_date (claim->date_of_birth);
      g_autofree char *issued = format_day (cred->issued_at);
      g_autofree char *expires = format_day (cred->expires_at);
      g_autofree char *district_text = NULL;
      g_autofree char *station_text = NULL;

      if (self->reference != NULL && claim->location_code != NULL)
        district = ks_reference_lookup_district (self->reference, claim->location_code);
      if (district != NULL)
        district_text = g_strdup_printf ("%s · %s (%s)", district->name_en,
                                         ks_district_get_local_name (district), district->code);
      else
        district_text = g_strdup (claim->location_code);

      if (cred->development_issuer)
        /* Translators: a station whose key no registry has certified yet */
        station_text = g_strdup_printf (_("%s (development key, not certified by the registry)"),
                                        cred->station_code ? cred->station_code : "—");
      else
        station_text = g_strdup (cred->station_code);

      set_row (self, ROW_ID, claim->id);
      set_row (self, ROW_NAME, claim->full_name);
      set_row (self, ROW_NAME_UR, claim->secondary_full_name);
      set_row (self, ROW_DOB, dob);
      set_row (self, ROW_GENDER, gender_label (claim->gender));
      set_row (self, ROW_DISTRICT, district_text);
      set_row (self, ROW_ISSUED, issued);
      set_row (self, ROW_EXPIRES, expires);
      set_row (self, ROW_STATION, station_text);
      set_row (self, ROW_KID, cred->kid);
      set_row (self, ROW_REGISTRY, cred->issuer);
    }

  gtk_stack_set_visible_child_name (self->stack, "result");
}

/* A file that could not be read at all: no verdict, but the operator learns what to do. */
static void
show_read_error (KsVerifyPage *self,
                 const GError *error)
{
  g_clear_pointer (&self->result, ks_verify_result_free);
  gtk_label_set_label (self->verdict_label, _("Cannot Read the File"));
  gtk_label_set_label (self->message_label, error->message);
  gtk_image_set_from_icon_name (self->verdict_icon, "dialog-warning-symbolic");
  set_verdict_style (self, "verdict-warning");
  show_source (self);
  gtk_widget_set_visible (GTK_WIDGET (self->holder_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->issuer_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->finger_check), FALSE);
  ks_verify_finger_set_holder (self->finger_check, NULL);
  show_face (self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
set_busy (KsVerifyPage *self,
          gboolean      busy,
          const char   *label)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  if (label != NULL)
    gtk_label_set_label (self->busy_label, label);
  if (busy)
    gtk_stack_set_visible_child_name (self->stack, "busy");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.camera", !busy);
}

/* ------------------------------------------------------------------------------------------ */
/* Verifying in a worker thread                                                                */

static void
verify_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(KsVerifyPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *trust_problem = NULL;
  gboolean issued_here = FALSE;
  KsVerifyResult *result;

  result = ks_station_verify_card_finish (KS_STATION (source), res, &issued_here,
                                          &trust_problem, &error);
  /* A newer check replaced this one (or the page went away): its answer is stale. */
  if (g_task_get_cancellable (G_TASK (res)) != self->cancellable || self->cancellable == NULL)
    {
      g_clear_pointer (&result, ks_verify_result_free);
      return;
    }

  set_busy (self, FALSE, NULL);
  if (trust_problem != NULL)
    ks_ui_toast (GTK_WIDGET (self), trust_problem);
  g_clear_pointer (&self->result, ks_verify_result_free);
  if (result == NULL)
    show_read_error (self, error);
  else
    {
      self->result = result;
      self->issued_here = issued_here;
      show_result (self);
    }
}

/* @path: a file, or %NULL for the camera */
static void
start_verify (KsVerifyPage *self,
              const char   *path)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_busy (self, TRUE, path == NULL ? _("Looking for the QR code…") : _("Reading the card…"));
  ks_station_verify_card_async (self->station, path, self->cancellable, verify_done,
                                g_object_ref (self));
}

/**
 * ks_verify_page_open_file:
 * @file: a PNG (photo or scan) or PDF of a card
 *
 * Checks the card in a worker thread and shows the verdict when done.
 */
void
ks_verify_page_open_file (KsVerifyPage *self,
                          GFile        *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (KS_IS_VERIFY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->station != NULL);

  g_set_object (&self->file, file);
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                     _("Only files on this computer or a USB drive "
                                                       "can be checked. Copy the file here first."));
      show_read_error (self, error);
      return;
    }

  start_verify (self, path);
}

gboolean
ks_verify_page_is_busy (KsVerifyPage *self)
{
  g_return_val_if_fail (KS_IS_VERIFY_PAGE (self), FALSE);
  return self->busy;
}

/**
 * ks_verify_page_get_verdict:
 * @verdict: (out): the verdict shown
 *
 * Returns: %TRUE when a verdict is shown (not while checking, nor after an unreadable file)
 */
gboolean
ks_verify_page_get_verdict (KsVerifyPage *self,
                            KsVerdict    *verdict)
{
  g_return_val_if_fail (KS_IS_VERIFY_PAGE (self), FALSE);

  if (self->busy || self->result == NULL)
    return FALSE;
  if (verdict != NULL)
    *verdict = self->result->verdict;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Dialogs, drop, camera                                                                       */

static void
on_open_response (KsVerifyPage         *self,
                  int                   response,
                  GtkFileChooserNative *dialog)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        ks_verify_page_open_file (self, file);
    }
  g_clear_object (&self->dialog);
}

static GtkFileChooserNative *
new_open_dialog (KsVerifyPage *self,
                 const char   *title)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                      GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
}

/**
 * ks_verify_page_open_dialog:
 *
 * Asks for a card file (Ctrl+O in the Verify section).
 */
void
ks_verify_page_open_dialog (KsVerifyPage *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  g_return_if_fail (KS_IS_VERIFY_PAGE (self));

  if (self->dialog != NULL || self->busy)
    return;

  dialog = new_open_dialog (self, _("Open a Card"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Card photos, scans and PDFs"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  self->dialog = GTK_NATIVE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_open_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->dialog);
}

static void
trust_imported (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsVerifyPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_station_import_trust_list_finish (KS_STATION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ks_ui_show_error (GTK_WIDGET (self), _("Trust List Not Imported"), error->message);
      return;
    }
  ks_ui_toast (GTK_WIDGET (self),
               _("Trust list imported: cards of the stations it lists are now "
                 "accepted."));
  /* The card on screen may be one the new list vouches for. */
  if (self->file != NULL && !self->busy)
    ks_verify_page_open_file (self, self->file);
}

static void
on_import_response (KsVerifyPage         *self,
                    int                   response,
                    GtkFileChooserNative *dialog)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response != GTK_RESPONSE_ACCEPT || self->station == NULL)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  path = file ? g_file_get_path (file) : NULL;
  if (path == NULL)
    ks_ui_show_error (GTK_WIDGET (self), _("Trust List Not Imported"),
                      _("Only files on this computer or a USB drive can be imported."));
  else
    ks_station_import_trust_list_async (self->station, self->session, path,
                                        self->page_cancellable, trust_imported,
                                        g_object_ref (self));

out:
  g_clear_object (&self->dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ks_verify_page_open_dialog (KS_VERIFY_PAGE (widget));
}

static void
import_trust_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KsVerifyPage *self = KS_VERIFY_PAGE (widget);
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  if (self->dialog != NULL)
    return;

  dialog = new_open_dialog (self, _("Import a Trust List"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Trust lists (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);

  self->dialog = GTK_NATIVE_DIALOG (dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_import_response), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->dialog);
}

/* The camera window read a new card: its verdict shows here too, and stays until the next. */
static void
on_camera_verified (KsVerifyPage   *self,
                    gboolean        issued_here,
                    KsCameraWindow *window)
{
  KsVerifyResult *result = ks_camera_window_take_result (window);

  if (result == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE, NULL);
  g_clear_object (&self->file);
  g_clear_pointer (&self->result, ks_verify_result_free);
  self->result = result;
  self->issued_here = issued_here;
  show_result (self);
}

static void
on_camera_use_file (KsVerifyPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "verify.open", NULL);
}

/* The camera: a live window that reads every card held up to it (KsCameraWindow, scan
 * mode); the training profile's camera is simulated. */
static void
camera_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  KsVerifyPage *self = KS_VERIFY_PAGE (widget);
  g_autoptr(KsCamera) camera = NULL;
  KsCameraWindow *window;

  if (self->station == NULL)
    return;
  camera = ks_station_new_camera (self->station, KS_CAMERA_MODE_SCAN);
  window = ks_camera_window_new (GTK_WINDOW (gtk_widget_get_root (widget)), camera,
                                 self->station);
  g_signal_connect_object (window, "verified", G_CALLBACK (on_camera_verified), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "use-file", G_CALLBACK (on_camera_use_file), self,
                           G_CONNECT_SWAPPED);
  g_signal_emit (self, signals[CAMERA_OPENED], 0, window);
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
on_drop (KsVerifyPage *self,
         const GValue *value,
         double        x,
         double        y)
{
  GFile *file = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (self), "verify-drop-target");

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *list = g_value_get_boxed (value);

      /* One card at a time: the first file dropped. */
      if (list != NULL)
        file = list->data;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL || self->busy)
    return FALSE;
  ks_verify_page_open_file (self, file);
  return TRUE;
}

static GdkDragAction
on_drop_enter (KsVerifyPage *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "verify-drop-target");
  return GDK_ACTION_COPY;
}

static void
on_drop_leave (KsVerifyPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self), "verify-drop-target");
}

static gboolean
has_camera (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/dev", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "video"))
      return TRUE;
  return FALSE;
}

static void
update_import_action (KsVerifyPage *self)
{
  /* Which other stations' cards are genuine is a supervisor's decision. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.import-trust",
                                 self->station != NULL && self->session != NULL &&
                                 ks_session_can (self->session, KS_PERMISSION_CHANGE_SETTINGS));
}

/* ------------------------------------------------------------------------------------------ */

static void
ks_verify_page_dispose (GObject *object)
{
  KsVerifyPage *self = (KsVerifyPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  if (self->dialog != NULL)
    gtk_native_dialog_destroy (self->dialog);
  g_clear_object (&self->dialog);
  g_clear_object (&self->station);
  g_clear_object (&self->session);
  g_clear_object (&self->file);
  /* AdwBin unparents its child itself: no gtk_widget_dispose_template() here. */

  G_OBJECT_CLASS (ks_verify_page_parent_class)->dispose (object);
}

static void
ks_verify_page_finalize (GObject *object)
{
  KsVerifyPage *self = (KsVerifyPage *)object;

  g_clear_pointer (&self->result, ks_verify_result_free);
  g_clear_pointer (&self->reference, ks_reference_unref);

  G_OBJECT_CLASS (ks_verify_page_parent_class)->finalize (object);
}

/* The 1:1 fingerprint check is its own widget (ks-verify-finger.c); the page's action stays. */
static void
check_finger_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  KsVerifyPage *self = KS_VERIFY_PAGE (widget);

  if (gtk_widget_get_visible (GTK_WIDGET (self->finger_check)))
    ks_verify_finger_check (self->finger_check);
}

static void
ks_verify_page_class_init (KsVerifyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_verify_page_dispose;
  object_class->finalize = ks_verify_page_finalize;

  g_type_ensure (KS_TYPE_VERIFY_FINGER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-verify-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, stack);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, busy_label);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, camera_button);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, holder_group);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, issuer_group);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, finger_check);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, face_box);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, face_picture);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyPage, face_label);

  gtk_widget_class_install_action (widget_class, "verify.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "verify.check-finger", NULL,
                                   check_finger_action);
  gtk_widget_class_install_action (widget_class, "verify.import-trust", NULL, import_trust_action);
  gtk_widget_class_install_action (widget_class, "verify.camera", NULL, camera_action);
  /* The camera window opened (for the tests and the screenshots). */
  signals[CAMERA_OPENED] = g_signal_new ("camera-opened", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         GTK_TYPE_WINDOW);
}

static void
ks_verify_page_init (KsVerifyPage *self)
{
  const struct {
    const char *title;
    gboolean holder;
  } rows[N_ROWS] = {
    [ROW_ID] = { N_("Khyber Pass ID"), TRUE },
    [ROW_NAME] = { N_("Name"), TRUE },
    [ROW_NAME_UR] = { N_("Name in Urdu"), TRUE },
    [ROW_DOB] = { N_("Date of birth"), TRUE },
    [ROW_GENDER] = { N_("Gender"), TRUE },
    [ROW_DISTRICT] = { N_("District"), TRUE },
    [ROW_ISSUED] = { N_("Issued on"), TRUE },
    [ROW_EXPIRES] = { N_("Valid until"), TRUE },
    [ROW_STATION] = { N_("Station"), FALSE },
    [ROW_KID] = { N_("Signing key"), FALSE },
    [ROW_REGISTRY] = { N_("Registry"), FALSE },
  };
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));
  ks_ui_focus_on_show (GTK_WIDGET (self), NULL);

  for (guint i = 0; i < N_ROWS; i++)
    {
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_widget_set_hexpand (value, TRUE);
      self->values[i] = GTK_LABEL (value);
      self->rows[i] = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[i]), _(rows[i].title));
      adw_action_row_add_suffix (self->rows[i], value);
      adw_preferences_group_add (rows[i].holder ? self->holder_group : self->issuer_group,
                                 GTK_WIDGET (self->rows[i]));
    }

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect_swapped (drop, "drop", G_CALLBACK (on_drop), self);
  g_signal_connect_swapped (drop, "enter", G_CALLBACK (on_drop_enter), self);
  g_signal_connect_swapped (drop, "leave", G_CALLBACK (on_drop_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  gtk_widget_set_visible (self->camera_button, has_camera ());

  self->page_cancellable = g_cancellable_new ();

  update_import_action (self);
}

void
ks_verify_page_set_station (KsVerifyPage *self,
                            KsStation    *station)
{
  g_return_if_fail (KS_IS_VERIFY_PAGE (self));
  g_return_if_fail (!station || KS_IS_STATION (station));

  g_set_object (&self->station, station);
  ks_verify_finger_set_station (self->finger_check, station);
  /* Names instead of bare district codes: the station's reference data, already loaded. */
  g_clear_pointer (&self->reference, ks_reference_unref);
  if (station != NULL)
    self->reference = ks_reference_ref (ks_station_get_reference (station));
  update_import_action (self);
  gtk_widget_set_visible (self->camera_button,
                          has_camera () || (station != NULL && ks_station_is_training (station)));
}

/**
 * ks_verify_page_set_session:
 * @session: (nullable): the signed-in operator; importing a trust list needs a supervisor
 */
void
ks_verify_page_set_session (KsVerifyPage *self,
                            KsSession    *session)
{
  g_return_if_fail (KS_IS_VERIFY_PAGE (self));
  g_return_if_fail (!session || KS_IS_SESSION (session));

  g_set_object (&self->session, session);
  ks_verify_finger_set_session (self->finger_check, session);
  update_import_action (self);
}
