/* ks-window.c: the station's main window
 *
 * The window moves between four modes: first-run set-up, sign-in, the main sections, and the
 * lock screen. Locking only covers the main sections (a GtkStack keeps every page alive), so
 * unlocking brings the operator back to the very screen and half-typed form they left.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-enroll-page.h"
#include "ks-l10n.h"
#include "ks-language.h"
#include "ks-lock-page.h"
#include "ks-review-page.h"
#include "ks-settings-page.h"
#include "ks-setup-page.h"
#include "ks-signin-page.h"
#include "ks-verify-page.h"
#include "ks-sync-page.h"
#include "ks-ui-util.h"
#include "ks-window.h"

struct _KsWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets; the sections (below the lock page) are built by ensure_sections(), the
   * set-up and lock pages by ensure_mode_page() */
  AdwToastOverlay *toast_overlay;
  GtkLabel *training_banner;
  GtkStack *mode_stack;
  AdwBin *setup_bin;
  KsSetupPage *setup_page;
  KsSigninPage *signin_page;
  AdwBin *lock_bin;
  KsLockPage *lock_page;
  KsSettingsPage *settings_page;
  KsEnrollPage *enroll_page;
  KsVerifyPage *verify_page;
  KsSyncPage *sync_page;
  GtkImage *registry_indicator;
  KsReviewPage *review_page;
  AdwViewStack *view_stack;
  GtkLabel *operator_label;

  /* Owned */
  KsStation *station;
  GSettings *window_settings;
  GCancellable *cancellable;    /* the window's requests to core; cancelled on dispose */
  gboolean locking;             /* the draft is being written before the screen locks */
  gboolean signing_out;         /* the draft is being written before the sign-out */
  gint64 last_activity;
  guint idle_timer;
  guint idle_lock_seconds;
  GtkWidget *focus_before_lock; /* weak: the last focus in a section (not in a menu) */
  guint sections_idle;          /* builds the sections once the first screen is painted */
};

enum {
  PROP_0,
  PROP_STATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KsWindow, ks_window, ADW_TYPE_APPLICATION_WINDOW)

static void on_setup_done (KsWindow  *self,
                           KsSession *session);
static void on_unlocked (KsWindow *self);
static void on_lock_sign_out (KsWindow *self);

/* The set-up and lock pages are built the first time their mode is shown: most starts show
 * neither, and the first frame of sign-in comes sooner without them (bench-startup). */
static void
ensure_mode_page (KsWindow   *self,
                  const char *mode)
{
  if (g_str_equal (mode, "setup") && self->setup_page == NULL)
    {
      self->setup_page = g_object_new (KS_TYPE_SETUP_PAGE, NULL);
      g_signal_connect_object (self->setup_page, "done", G_CALLBACK (on_setup_done), self,
                               G_CONNECT_SWAPPED);
      ks_ui_skip_reveal_buttons (GTK_WIDGET (self->setup_page));
      adw_bin_set_child (self->setup_bin, GTK_WIDGET (self->setup_page));
      ks_setup_page_set_station (self->setup_page, self->station);
    }
  else if (g_str_equal (mode, "locked") && self->lock_page == NULL)
    {
      self->lock_page = g_object_new (KS_TYPE_LOCK_PAGE, NULL);
      g_signal_connect_object (self->lock_page, "unlocked", G_CALLBACK (on_unlocked), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->lock_page, "sign-out", G_CALLBACK (on_lock_sign_out), self,
                               G_CONNECT_SWAPPED);
      ks_ui_skip_reveal_buttons (GTK_WIDGET (self->lock_page));
      adw_bin_set_child (self->lock_bin, GTK_WIDGET (self->lock_page));
      ks_lock_page_set_station (self->lock_page, self->station);
    }
}

static void
set_mode (KsWindow   *self,
          const char *mode)
{
  ensure_mode_page (self, mode);
  gtk_stack_set_visible_child_name (self->mode_stack, mode);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", g_str_equal (mode, "main"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", g_str_equal (mode, "main"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.section", g_str_equal (mode, "main"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-card", g_str_equal (mode, "main"));

  if (g_str_equal (mode, "sign-in"))
    ks_signin_page_reset (self->signin_page);
  else if (g_str_equal (mode, "setup"))
    ks_setup_page_reset (self->setup_page);
}

/* The main screen takes the keyboard where the operator left it before a lock, else on the
 * first control of the section shown: never on the header bar's menu, where Enter would open
 * the menu instead of going on. */
static void
focus_main (KsWindow *self)
{
  GtkWidget *focus = self->focus_before_lock;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->view_stack)) &&
      gtk_widget_is_drawable (focus) && gtk_widget_grab_focus (focus))
    {
      g_clear_weak_pointer (&self->focus_before_lock);
      return;
    }
  g_clear_weak_pointer (&self->focus_before_lock);
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_child_focus (GTK_WIDGET (self->view_stack), GTK_DIR_TAB_FORWARD);
}

static void
on_focus_changed (KsWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (focus != NULL && g_str_equal (ks_window_get_mode (self), "main") &&
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->view_stack)))
    g_set_weak_pointer (&self->focus_before_lock, focus);
}

const char *
ks_window_get_mode (KsWindow *self)
{
  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->mode_stack);
}

void
ks_window_show_toast (KsWindow   *self,
                      const char *message)
{
  g_return_if_fail (KS_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* Any key, click or pointer movement counts as the operator being there. */
static void
note_activity (KsWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
on_key_pressed (KsWindow *self)
{
  note_activity (self);
  return GDK_EVENT_PROPAGATE;
}

static guint
idle_lock_seconds (KsWindow *self)
{
  if (self->idle_lock_seconds > 0)
    return self->idle_lock_seconds;
  return 60 * ks_station_config_get_uint (ks_station_get_config (self->station),
                                          "idle-lock-minutes");
}

static gboolean
idle_check (gpointer user_data)
{
  KsWindow *self = user_data;
  gint64 idle = g_get_monotonic_time () - self->last_activity;

  if (g_str_equal (ks_window_get_mode (self), "main") &&
      idle >= (gint64)idle_lock_seconds (self) * G_USEC_PER_SEC)
    ks_window_lock (self);
  return G_SOURCE_CONTINUE;
}

/**
 * _ks_window_set_idle_lock_seconds:
 *
 * Tests shorten the idle time (the setting counts in minutes) to see the lock happen.
 */
void
_ks_window_set_idle_lock_seconds (KsWindow *self,
                                  guint     seconds)
{
  g_return_if_fail (KS_IS_WINDOW (self));
  self->idle_lock_seconds = seconds;
  g_clear_handle_id (&self->idle_timer, g_source_remove);
  self->idle_timer = g_timeout_add (seconds > 0 && seconds < 5 ? 100 : 5000, idle_check, self);
}

typedef struct
{
  const char *name;
  const char *title;
  const char *icon_name;
} Section;

/* The sections are built after the first frame of set-up or sign-in (bench-startup measures
 * that frame), or at once when something needs them sooner (a sign-in, a lock, a language
 * switch): the first screen shows as fast as a bare window would. */
static void
ensure_sections (KsWindow *self)
{
  const Section sections[] = {
    { "enroll", N_("_Enroll"), "contact-new-symbolic" },
    { "review", N_("_Review"), "emblem-ok-symbolic" },
    { "sync", N_("_Sync"), "emblem-synchronizing-symbolic" },
    { "verify", N_("_Verify"), "security-high-symbolic" },
    { "settings", N_("Se_ttings"), "emblem-system-symbolic" },
  };
  GtkWidget *pages[G_N_ELEMENTS (sections)];

  g_clear_handle_id (&self->sections_idle, g_source_remove);
  if (self->enroll_page != NULL)
    return;

  self->enroll_page = g_object_new (KS_TYPE_ENROLL_PAGE, NULL);
  self->review_page = g_object_new (KS_TYPE_REVIEW_PAGE, NULL);
  self->sync_page = g_object_new (KS_TYPE_SYNC_PAGE, NULL);
  self->verify_page = g_object_new (KS_TYPE_VERIFY_PAGE, NULL);
  self->settings_page = g_object_new (KS_TYPE_SETTINGS_PAGE, NULL);
  pages[0] = GTK_WIDGET (self->enroll_page);
  pages[1] = GTK_WIDGET (self->review_page);
  pages[2] = GTK_WIDGET (self->sync_page);
  pages[3] = GTK_WIDGET (self->verify_page);
  pages[4] = GTK_WIDGET (self->settings_page);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      AdwViewStackPage *page = adw_view_stack_add_titled (self->view_stack, pages[i],
                                                          sections[i].name,
                                                          _(sections[i].title));

      adw_view_stack_page_set_use_underline (page, TRUE);
      adw_view_stack_page_set_icon_name (page, sections[i].icon_name);
      ks_ui_skip_reveal_buttons (pages[i]);
    }

  ks_settings_page_set_station (self->settings_page, self->station);
  ks_enroll_page_set_station (self->enroll_page, self->station);
  ks_verify_page_set_station (self->verify_page, self->station);
  ks_sync_page_set_station (self->sync_page, self->station);
  ks_review_page_set_station (self->review_page, self->station);
}

static gboolean
build_sections_idle (gpointer data)
{
  KsWindow *self = data;

  self->sections_idle = 0;
  ensure_sections (self);
  return G_SOURCE_REMOVE;
}

/* Once set-up or sign-in is on screen, the sections are built while the operator reads it. */
static void
first_screen_painted (GdkFrameClock *clock,
                      KsWindow      *self)
{
  const char *mode = ks_window_get_mode (self);

  if (self->enroll_page == NULL && g_strcmp0 (mode, "setup") != 0 &&
      g_strcmp0 (mode, "sign-in") != 0)
    return;
  g_signal_handlers_disconnect_by_func (clock, first_screen_painted, self);
  if (self->enroll_page == NULL && self->sections_idle == 0)
    self->sections_idle = g_idle_add_full (G_PRIORITY_LOW, build_sections_idle, self, NULL);
}

static void
on_realized (KsWindow *self)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (first_screen_painted), self, 0);
}

static void
update_operator_label (KsWindow *self)
{
  KsSession *session = ks_station_get_session (self->station);
  g_autofree char *text = NULL;

  if (session == NULL)
    {
      gtk_label_set_label (self->operator_label, "");
      return;
    }
  /* Translators: the signed-in operator in the header bar: "Ayesha Khan (Supervisor)" */
  text = g_strdup_printf (_("%s (%s)"),
                          ks_account_get_full_name (ks_session_get_account (session)),
                          ks_role_get_label (ks_session_get_role (session)));
  gtk_label_set_label (self->operator_label, text);
}

void
ks_window_session_started (KsWindow  *self,
                           KsSession *session)
{
  g_return_if_fail (KS_IS_WINDOW (self));

  ensure_sections (self);
  ks_station_set_session (self->station, session);
  update_operator_label (self);
  ks_settings_page_set_session (self->settings_page, session);
  ks_enroll_page_set_session (self->enroll_page, session);
  ks_verify_page_set_session (self->verify_page, session);
  ks_review_page_set_session (self->review_page, session);
  adw_view_stack_set_visible_child_name (self->view_stack, "enroll");
  note_activity (self);
  set_mode (self, "main");
  g_clear_weak_pointer (&self->focus_before_lock);
  focus_main (self);
}

static void
on_setup_done (KsWindow  *self,
               KsSession *session)
{
  ks_window_session_started (self, session);
  ks_window_show_toast (self, _("The station is set up. Add operators in Settings."));
}

/* The window is rebuilt from an idle callback: the signal that asked for it is still running
 * inside the old window's widgets. */
typedef struct
{
  KsWindow *window;
  gboolean language_chosen;
} Recreate;

static gboolean
recreate_idle (gpointer data)
{
  Recreate *r = data;

  if (!gtk_widget_in_destruction (GTK_WIDGET (r->window)))
    {
      KsWindow *window = ks_window_recreate (r->window);

      ks_signin_page_set_language_chosen (window->signin_page, r->language_chosen);
    }
  g_object_unref (r->window);
  g_free (r);
  return G_SOURCE_REMOVE;
}

static void
recreate_soon (KsWindow *self,
               gboolean  language_chosen)
{
  Recreate *r = g_new0 (Recreate, 1);

  r->window = g_object_ref (self);
  r->language_chosen = language_chosen;
  g_idle_add (recreate_idle, r);
}

static void
on_language_chosen (KsWindow   *self,
                    const char *code)
{
  if (g_strcmp0 (code, ks_language_get_applied ()) == 0)
    return;
  /* The station remembers it for the next operator's sign-in screen. */
  g_settings_set_string (ks_station_get_preferences (self->station), "language", code);
  ks_language_apply (code);
  recreate_soon (self, TRUE);
}

/* Not cancelled with the window: the window is rebuilt for the language right after. */
static void
language_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ks_accounts_change_finish (KS_STORE (source), result, &error))
    g_warning ("Could not save the operator’s language: %s", error->message);
}

/* Each operator works in their own language: a language picked on the sign-in screen becomes
 * theirs; otherwise the one saved with their account is applied as they sign in. */
static void
on_signed_in (KsWindow  *self,
              KsSession *session)
{
  const char *saved = ks_account_get_language (ks_session_get_account (session));
  const char *current = ks_language_get_applied ();

  ks_window_session_started (self, session);

  if (ks_signin_page_get_language_chosen (self->signin_page) || *saved == '\0')
    {
      if (*current != '\0' && g_strcmp0 (saved, current) != 0)
        ks_accounts_set_language_async (ks_station_get_store (self->station), session, current,
                                        NULL, language_saved, NULL);
    }
  else if (ks_language_lookup (saved) != NULL && g_strcmp0 (saved, current) != 0)
    {
      ks_language_apply (saved);
      recreate_soon (self, FALSE);
    }
}

static void
profile_switched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  KsWindow *self = KS_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (ks_window_switch_profile_finish (self, result, &error) == NULL &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ks_window_show_toast (self, error->message);
}

static void
on_switch_profile (KsWindow   *self,
                   const char *profile)
{
  ks_window_switch_profile_async (self, profile, self->cancellable, profile_switched, NULL);
}

static void
lock_recorded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ks_session_lock_finish (KS_SESSION (source), result, &error))
    g_warning ("Could not record the lock: %s", error->message);
}

/* The draft is on disk (or could not be written: the form stays open behind the lock, and its
 * saver keeps trying): now the screen locks. */
static void
lock_flushed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  KsSession *session;

  if (!ks_enroll_page_flush_finish (KS_ENROLL_PAGE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not save the draft before locking: %s", error->message);
    }
  self->locking = FALSE;
  session = ks_station_get_session (self->station);
  if (session == NULL || !g_str_equal (ks_window_get_mode (self), "main"))
    return;
  /* Locked at once; even if the audit entry cannot be written (disk full), the screen locks. */
  ks_session_lock_async (session, NULL, lock_recorded, NULL);
  ensure_mode_page (self, "locked");
  ks_lock_page_set_session (self->lock_page, session);
  set_mode (self, "locked");
}

/**
 * ks_window_lock:
 *
 * Locks the screen once the open draft is written (in a worker thread): the form stays open
 * behind the lock.
 */
void
ks_window_lock (KsWindow *self)
{
  KsSession *session;

  g_return_if_fail (KS_IS_WINDOW (self));

  session = ks_station_get_session (self->station);
  if (session == NULL || !g_str_equal (ks_window_get_mode (self), "main") || self->locking)
    return;

  self->locking = TRUE;
  ensure_sections (self);
  ks_enroll_page_flush_async (self->enroll_page, self->cancellable, lock_flushed,
                              g_object_ref (self));
}

static void
on_unlocked (KsWindow *self)
{
  note_activity (self);
  set_mode (self, "main");
  focus_main (self);
}

static void
sign_out_recorded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!ks_session_sign_out_finish (KS_SESSION (source), result, &error))
    g_warning ("Could not record the sign-out: %s", error->message);
}

static void
sign_out_flushed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(KsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  KsSession *session;

  self->signing_out = FALSE;
  if (!ks_enroll_page_flush_finish (KS_ENROLL_PAGE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Nothing typed is dropped: the operator stays signed in, with the form, and is told. */
      ks_window_show_toast (self, error->message);
      return;
    }
  session = ks_station_get_session (self->station);
  if (session != NULL)
    ks_session_sign_out_async (session, NULL, sign_out_recorded, NULL);
  ensure_sections (self);
  ks_enroll_page_set_session (self->enroll_page, NULL);
  ks_station_set_session (self->station, NULL);
  ks_settings_page_set_session (self->settings_page, NULL);
  ks_verify_page_set_session (self->verify_page, NULL);
  ks_review_page_set_session (self->review_page, NULL);
  update_operator_label (self);
  set_mode (self, "sign-in");
}

/* Signs out once the open draft is written (in a worker thread). */
static void
sign_out (KsWindow *self)
{
  if (self->signing_out)
    return;
  self->signing_out = TRUE;
  ensure_sections (self);
  ks_enroll_page_flush_async (self->enroll_page, self->cancellable, sign_out_flushed,
                              g_object_ref (self));
}

static void
on_lock_sign_out (KsWindow *self)
{
  sign_out (self);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ks_window_lock (KS_WINDOW (widget));
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  sign_out (KS_WINDOW (widget));
}

static void
section_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  KsWindow *self = KS_WINDOW (widget);

  ensure_sections (self);
  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (param, NULL));
}

/* Ctrl+O opens a card only where it means that: in the Verify section. */
static void
open_card_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  KsWindow *self = KS_WINDOW (widget);

  if (self->verify_page != NULL &&
      g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "verify") == 0)
    ks_verify_page_open_dialog (self->verify_page);
}

/* The header bar tells at a glance whether the registry answered the last sync request. */
static void
update_registry_indicator (KsWindow *self)
{
  gboolean online = ks_station_get_online (self->station);
  const char *text = online ? _("Registry online") : _("Registry not reached");

  gtk_image_set_from_icon_name (self->registry_indicator,
                                online ? "network-transmit-receive-symbolic"
                                       : "network-offline-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->registry_indicator), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->registry_indicator),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  /* Training syncs too, with the practice registry on this computer. */
  gtk_widget_set_visible (GTK_WIDGET (self->registry_indicator), TRUE);
}

static void
setup_checked (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean needs_setup = ks_station_needs_setup_finish (KS_STATION (source), result, &error);

  /* Cancelled with the window; or someone signed in meanwhile (a rebuilt window). */
  if (error != NULL || !g_str_equal (ks_window_get_mode (self), "opening"))
    return;
  ensure_mode_page (self, needs_setup ? "setup" : "sign-in");
  gtk_stack_set_visible_child_full (self->mode_stack, needs_setup ? "setup" : "sign-in",
                                    GTK_STACK_TRANSITION_TYPE_NONE);
  set_mode (self, needs_setup ? "setup" : "sign-in");
}

static void
ks_window_constructed (GObject *object)
{
  KsWindow *self = (KsWindow *)object;

  G_OBJECT_CLASS (ks_window_parent_class)->constructed (object);

  g_settings_bind (self->window_settings, "window-width", self, "default-width",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->window_settings, "window-height", self, "default-height",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->window_settings, "window-maximized", self, "maximized",
                   G_SETTINGS_BIND_DEFAULT);

  if (ks_station_is_training (self->station))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->training_banner), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self), "training");
    }
  /* Fonts for Urdu and Pashto (style.css), chosen by the language the window was built in. */
  if (ks_language_applied_is_rtl ())
    {
      g_autofree char *lang_class = g_strdup_printf ("lang-%s", ks_language_get_applied ());

      gtk_widget_add_css_class (GTK_WIDGET (self), "rtl-ui");
      gtk_widget_add_css_class (GTK_WIDGET (self), lang_class);
    }

  ks_signin_page_set_station (self->signin_page, self->station);
  /* "online" belongs to the station's sync engine, which outlives this window. */
  g_signal_connect_object (self->station, "notify::online",
                           G_CALLBACK (update_registry_indicator), self, G_CONNECT_SWAPPED);
  update_registry_indicator (self);

  /* Set-up or sign-in, once the station read whether it has accounts: a blank page till then
   * (a few milliseconds), with no crossfade from it. */
  gtk_stack_set_visible_child_full (self->mode_stack, "opening", GTK_STACK_TRANSITION_TYPE_NONE);
  set_mode (self, "opening");
  ks_station_needs_setup_async (self->station, self->cancellable, setup_checked,
                                g_object_ref (self));

  note_activity (self);
  _ks_window_set_idle_lock_seconds (self, 0);
}

static void
ks_window_dispose (GObject *object)
{
  KsWindow *self = (KsWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->idle_timer, g_source_remove);
  g_clear_handle_id (&self->sections_idle, g_source_remove);
  g_clear_weak_pointer (&self->focus_before_lock);
  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_WINDOW);

  G_OBJECT_CLASS (ks_window_parent_class)->dispose (object);
}

static void
ks_window_finalize (GObject *object)
{
  KsWindow *self = (KsWindow *)object;

  g_clear_object (&self->station);
  g_clear_object (&self->window_settings);

  G_OBJECT_CLASS (ks_window_parent_class)->finalize (object);
}

static void
ks_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KsWindow *self = KS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STATION:
      self->station = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KsWindow *self = KS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STATION:
      g_value_set_object (value, self->station);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_window_class_init (KsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ks_window_constructed;
  object_class->dispose = ks_window_dispose;
  object_class->finalize = ks_window_finalize;
  object_class->set_property = ks_window_set_property;
  object_class->get_property = ks_window_get_property;

  properties[PROP_STATION] =
    g_param_spec_object ("station", NULL, NULL, KS_TYPE_STATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KS_TYPE_SIGNIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, training_banner);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, setup_bin);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, signin_page);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, lock_bin);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, registry_indicator);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, KsWindow, operator_label);
  gtk_widget_class_bind_template_callback (widget_class, on_signed_in);
  gtk_widget_class_bind_template_callback (widget_class, on_language_chosen);
  gtk_widget_class_bind_template_callback (widget_class, on_switch_profile);

  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.section", "s", section_action);
  gtk_widget_class_install_action (widget_class, "win.open-card", NULL, open_card_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-card",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.section", "s",
                                       "enroll");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.section", "s",
                                       "review");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.section", "s",
                                       "sync");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.section", "s",
                                       "verify");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_5, GDK_ALT_MASK, "win.section", "s",
                                       "settings");
}

static void
ks_window_init (KsWindow *self)
{
  GtkEventController *key;
  GtkEventController *motion;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Sign-in, set-up and lock hold password rows: a rebuild (language switch) destroys the
   * window with one of them focused. */
  ks_ui_drop_focus_on_close (GTK_WINDOW (self));
  ks_ui_skip_reveal_buttons (GTK_WIDGET (self));
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (on_focus_changed), NULL);
  g_signal_connect (self, "realize", G_CALLBACK (on_realized), NULL);

  self->window_settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();

  /* Capture phase: the window sees activity before any child consumes the event. */
  key = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (motion, "motion", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (click, "pressed", G_CALLBACK (note_activity), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

KsWindow *
ks_window_new (GtkApplication *application,
               KsStation      *station)
{
  return g_object_new (KS_TYPE_WINDOW,
                       "application", application,
                       "station", station,
                       NULL);
}

KsStation *
ks_window_get_station (KsWindow *self)
{
  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);
  return self->station;
}

static KsWindow *
replace_window (KsWindow  *self,
                KsStation *station)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  KsWindow *window = ks_window_new (app, station);
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  /* The new window is in the application before the old one leaves, so it does not quit. */
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (self));
  return window;
}

/**
 * ks_window_recreate:
 *
 * Builds the window again (after ks_language_apply(), so every string is in the new language
 * and the layout follows the new direction), on the same station: a signed-in operator stays
 * signed in and lands on the Enroll section; their open form's draft is saved first and offered
 * again. @self is destroyed.
 *
 * Returns: (transfer none): the new window
 */
KsWindow *
ks_window_recreate (KsWindow *self)
{
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsEnrollPage) previous = NULL;
  KsSession *session;
  KsWindow *window;

  g_return_val_if_fail (KS_IS_WINDOW (self), NULL);

  station = g_object_ref (self->station);
  session = ks_station_get_session (station);
  /* Sections never built hold no form. */
  if (self->enroll_page != NULL)
    previous = g_object_ref (self->enroll_page);

  /* The old form's draft is written in a worker as its page goes; the new page reads drafts
   * only once it is on disk. */
  window = replace_window (self, station);
  if (previous != NULL)
    {
      ensure_sections (window);
      ks_enroll_page_wait_for (window->enroll_page, previous);
    }
  if (session != NULL && !ks_session_is_locked (session))
    ks_window_session_started (window, session);
  return window;
}

static void
station_opened (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KsWindow *self = g_task_get_source_object (task);
  g_autoptr(KsStation) station = NULL;
  GError *error = NULL;

  station = ks_station_open_finish (result, &error);
  if (station == NULL)
    g_task_return_error (task, error);
  else if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                             "The window closed while the profile opened.");
  else
    g_task_return_pointer (task, replace_window (self, station), NULL);
}

/**
 * ks_window_switch_profile_async:
 * @profile: `training` or `production`
 *
 * Opens @profile in the same data folder (in a worker thread: ks_station_open_async()) and
 * replaces @self with its window, showing its sign-in (or set-up) screen. The current station
 * is closed, releasing its profile, so one can go back and forth. Only offered when nobody is
 * signed in.
 */
void
ks_window_switch_profile_async (KsWindow           *self,
                                const char         *profile,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) parent = NULL;
  g_autofree char *data_dir = NULL;

  g_return_if_fail (KS_IS_WINDOW (self));
  g_return_if_fail (ks_station_get_session (self->station) == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_window_switch_profile_async);
  /* Profiles are folders side by side: <data dir>/production, <data dir>/training. */
  dir = g_file_new_for_path (ks_profile_get_dir (ks_station_get_profile (self->station)));
  parent = g_file_get_parent (dir);
  data_dir = g_file_get_path (parent);
  ks_station_open_async (profile, data_dir, cancellable, station_opened, g_steal_pointer (&task));
}

/**
 * ks_window_switch_profile_finish:
 *
 * Returns: (transfer none) (nullable): the new window, or %NULL (and the old window untouched)
 *   when the profile cannot be opened
 */
KsWindow *
ks_window_switch_profile_finish (KsWindow     *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
