/* ks-verify-finger.c: Verify's 1:1 fingerprint check of a card's holder
 *
 * Shown under a card this station issued. "Check Fingerprint" asks the holder for one of their
 * enrolled fingers and says whether the scan matches it; "Another Finger" asks for the next one
 * (a holder with a cut thumb is not sent away). The station loads the holder's fingers and
 * decides (ks-holder-check.c): this widget only shows the prompt and the verdict, and writes the
 * check in the audit log.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-verify-finger"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-fingers.h"
#include "ks-verify-finger.h"

struct _KsVerifyFinger
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkWidget *check_button;
  GtkWidget *other_button;
  GtkLabel *result_label;

  /* Owned */
  KsStation *station;
  KsSession *session;
  char *kp_id;          /* the holder of the card on screen */
  KsHolderCheck *check; /* their fingers, once loaded */
  GCancellable *cancellable;
  gboolean busy;        /* loading or scanning */
  gboolean other_asked; /* "Another Finger" while scanning: ask for it once the scan stopped */
  guint scroll_tick;    /* brings the prompt or verdict into view once it is laid out */
  guint scroll_frames;
};

G_DEFINE_FINAL_TYPE (KsVerifyFinger, ks_verify_finger, ADW_TYPE_BIN)

static void start_scan (KsVerifyFinger *self);

static void
update_actions (KsVerifyFinger *self)
{
  gboolean more = self->check != NULL && ks_holder_check_get_n_fingers (self->check) > 1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify-finger.check",
                                 !self->busy && self->kp_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify-finger.other", more);
  gtk_widget_set_visible (self->other_button, more);
}

/* The prompt and the verdict are at the bottom of the page, under the fold of a laptop screen:
 * scrolled into view on the frame that lays them out. */
static gboolean
scroll_into_view (GtkWidget     *label,
                  GdkFrameClock *clock,
                  gpointer       user_data)
{
  KsVerifyFinger *self = user_data;
  GtkWidget *scroller = gtk_widget_get_ancestor (label, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  GtkWidget *viewport;
  graphene_rect_t bounds;
  double page, value;
  int natural = 0;

  if (scroller == NULL || !gtk_widget_get_visible (label) || ++self->scroll_frames > 30)
    {
      self->scroll_tick = 0;
      return G_SOURCE_REMOVE;
    }
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  /* Not laid out with its new text yet (a longer verdict wraps to more lines): next frame. */
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (label), NULL,
                      &natural, NULL, NULL);
  if (gtk_widget_get_height (label) <= 0 || gtk_widget_get_height (label) < natural
      || !gtk_widget_compute_bounds (label, viewport, &bounds))
    return G_SOURCE_CONTINUE;
  page = gtk_adjustment_get_page_size (adjustment);
  value = gtk_adjustment_get_value (adjustment);
  /* In the viewport's coordinates: 0 is the top of what shows. */
  if (bounds.origin.y + bounds.size.height > page)
    gtk_adjustment_set_value (adjustment,
                              value + bounds.origin.y + bounds.size.height - page + 12);
  self->scroll_tick = 0;
  return G_SOURCE_REMOVE;
}

static void
reveal_label (KsVerifyFinger *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  self->scroll_frames = 0;
  if (self->scroll_tick == 0)
    self->scroll_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self->result_label),
                                                      scroll_into_view, self, NULL);
}

static void
show_result (KsVerifyFinger *self,
             const char     *text,
             gboolean        good)
{
  /* Words first; the style only repeats them. */
  gtk_label_set_label (self->result_label, text);
  reveal_label (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), good ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->result_label), good ? "success" : "error");
}

static void
show_prompt (KsVerifyFinger *self)
{
  /* Translators: %s names a finger, e.g. "right thumb" */
  g_autofree char *prompt
    = g_strdup_printf (_("Ask the holder to place their %s on the reader."),
                       ks_finger_get_label (ks_holder_check_get_finger (self->check)));

  gtk_label_set_label (self->result_label, prompt);
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "success");
  reveal_label (self);
}

static void
check_audited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ks_audit_append_finish (KS_STORE (source), result, &error))
    g_debug ("Fingerprint check not audited: %s", error->message);
}

static void
scanned (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(KsVerifyFinger) self = user_data;
  KsHolderCheck *check = KS_HOLDER_CHECK (object);
  g_autoptr(GError) error = NULL;
  KsHolderVerdict verdict;
  const char *actor;

  if (!ks_holder_check_scan_finish (check, result, &verdict, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->busy = FALSE;
          show_result (self, error->message, FALSE);
        }
      else if (self->other_asked && check == self->check)
        {
          /* The reader is free again: ask for the next finger now. */
          self->other_asked = FALSE;
          ks_holder_check_next_finger (self->check);
          start_scan (self);
        }
      update_actions (self);
      return;
    }
  self->busy = FALSE;
  update_actions (self);

  actor = self->session ? ks_session_get_username (self->session) : "station";
  ks_audit_append_async (ks_station_get_store (self->station), actor, "fingerprint-checked",
                         ks_holder_check_get_kp_id (check),
                         verdict.matched ? "match" : "no match", NULL, check_audited, NULL);

  show_result (self,
               verdict.matched
               ? _("The fingerprint matches the one enrolled for this card.")
               : _("The fingerprint does not match the one enrolled for this card. Ask the "
                   "holder to try again with the same finger, or check their identity another "
                   "way."),
               verdict.matched);
}

static void
start_scan (KsVerifyFinger *self)
{
  self->busy = TRUE;
  show_prompt (self);
  update_actions (self);
  ks_holder_check_scan_async (self->check, ks_station_get_fingerprint_service (self->station),
                              self->cancellable, NULL, NULL, scanned, g_object_ref (self));
}

static void
check_loaded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsVerifyFinger) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsHolderCheck) check = NULL;

  check = ks_station_load_holder_check_finish (KS_STATION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (check == NULL)
    {
      self->busy = FALSE;
      update_actions (self);
      show_result (self, error->message, FALSE);
      return;
    }
  g_set_object (&self->check, check);
  start_scan (self);
}

/**
 * ks_verify_finger_check:
 *
 * Asks the holder for their finger and checks it; the holder's fingers are loaded first (by
 * the station, off the UI thread) the first time.
 */
void
ks_verify_finger_check (KsVerifyFinger *self)
{
  g_return_if_fail (KS_IS_VERIFY_FINGER (self));

  if (self->station == NULL || self->kp_id == NULL || self->busy)
    return;
  if (self->check != NULL)
    {
      start_scan (self);
      return;
    }
  self->busy = TRUE;
  update_actions (self);
  ks_station_load_holder_check_async (self->station, self->kp_id, self->cancellable,
                                      check_loaded, g_object_ref (self));
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  ks_verify_finger_check (KS_VERIFY_FINGER (widget));
}

static void
other_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  KsVerifyFinger *self = KS_VERIFY_FINGER (widget);

  if (self->check == NULL)
    return;
  if (self->busy)
    {
      /* The reader takes one request at a time: stop this scan, then ask for the next. */
      self->other_asked = TRUE;
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
      return;
    }
  ks_holder_check_next_finger (self->check);
  start_scan (self);
}

/**
 * ks_verify_finger_set_holder:
 * @kp_id: (nullable): the Khyber Pass ID of the card on screen, when this station issued it
 *
 * A new card: whatever ran for the last one stops, and its verdict goes.
 */
void
ks_verify_finger_set_holder (KsVerifyFinger *self,
                             const char     *kp_id)
{
  g_return_if_fail (KS_IS_VERIFY_FINGER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = FALSE;
  self->other_asked = FALSE;
  g_clear_object (&self->check);
  g_free (self->kp_id);
  self->kp_id = g_strdup (kp_id);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  update_actions (self);
}

gboolean
ks_verify_finger_is_busy (KsVerifyFinger *self)
{
  g_return_val_if_fail (KS_IS_VERIFY_FINGER (self), FALSE);
  return self->busy;
}

void
ks_verify_finger_set_station (KsVerifyFinger *self,
                              KsStation      *station)
{
  g_return_if_fail (KS_IS_VERIFY_FINGER (self));
  g_return_if_fail (!station || KS_IS_STATION (station));

  ks_verify_finger_set_holder (self, NULL);
  g_set_object (&self->station, station);
}

void
ks_verify_finger_set_session (KsVerifyFinger *self,
                              KsSession      *session)
{
  g_return_if_fail (KS_IS_VERIFY_FINGER (self));
  g_return_if_fail (!session || KS_IS_SESSION (session));

  g_set_object (&self->session, session);
}

static void
ks_verify_finger_dispose (GObject *object)
{
  KsVerifyFinger *self = KS_VERIFY_FINGER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->scroll_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->result_label), self->scroll_tick);
  self->scroll_tick = 0;
  g_clear_object (&self->check);
  g_clear_object (&self->station);
  g_clear_object (&self->session);
  /* AdwBin unparents its child itself: no gtk_widget_dispose_template() here. */

  G_OBJECT_CLASS (ks_verify_finger_parent_class)->dispose (object);
}

static void
ks_verify_finger_finalize (GObject *object)
{
  KsVerifyFinger *self = KS_VERIFY_FINGER (object);

  g_free (self->kp_id);

  G_OBJECT_CLASS (ks_verify_finger_parent_class)->finalize (object);
}

static void
ks_verify_finger_class_init (KsVerifyFingerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_verify_finger_dispose;
  object_class->finalize = ks_verify_finger_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-verify-finger.ui");
  gtk_widget_class_bind_template_child (widget_class, KsVerifyFinger, check_button);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyFinger, other_button);
  gtk_widget_class_bind_template_child (widget_class, KsVerifyFinger, result_label);

  gtk_widget_class_install_action (widget_class, "verify-finger.check", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "verify-finger.other", NULL, other_action);
}

static void
ks_verify_finger_init (KsVerifyFinger *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_actions (self);
}
