/* ks-sync-page.c: the Sync section: counts, progress, refused records, Sync Now
 *
 * The station owns the sync engine (ks_station_load_sync_engine_async()): it does the work on its
 * own thread and keeps running when the window is rebuilt for another language. This page only
 * shows its state (counts and refused records read off the UI thread) and forwards the
 * operator's requests: sync now, provision, retry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-sync-page"

#include "ks-l10n.h"
#include "config.h"

#include <glib/gi18n.h>

#include "ks-sync-page.h"

struct _KsSyncPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *training_label;
  AdwActionRow *status_row;
  GtkImage *status_icon;
  AdwActionRow *last_success_row;
  AdwEntryRow *code_row;
  GtkProgressBar *progress_bar;
  GtkLabel *error_label;
  GtkLabel *pending_label;
  GtkLabel *in_flight_label;
  GtkLabel *acknowledged_label;
  GtkLabel *failed_label;
  AdwPreferencesGroup *failed_group;
  GtkListBox *failed_list;

  /* Owned */
  KsStation *station;
  KsSyncEngine *engine;       /* the station's, once loaded */
  GCancellable *cancellable;  /* this page's own requests: loading, provisioning, retry */
  GCancellable *status_cancellable; /* the status read under way; a newer one replaces it */
  KsSyncStatus *status;       /* the last status read, NULL before the first */
  char *message;              /* an error of the page's own (provisioning, keys) */
};

enum {
  PROP_0,
  PROP_ENGINE,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (KsSyncPage, ks_sync_page, ADW_TYPE_BIN)

static void
set_label_count (GtkLabel *label,
                 gint64    n)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  gtk_label_set_label (label, text);
}

static void on_retry_clicked (KsSyncPage *self,
                              GtkButton  *button);

static GtkWidget *
failure_row (KsSyncPage          *self,
             const KsSyncFailure *failure)
{
  g_autofree char *title = g_strdup_printf ("%s — %s", failure->kp_id,
                                            failure->full_name ? failure->full_name : "");
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *retry = gtk_button_new_with_mnemonic (_("Retr_y"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), failure->message ? failure->message : "");
  gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (retry), "kp-id", g_strdup (failure->kp_id), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (retry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title, -1);
  g_signal_connect_object (retry, "clicked", G_CALLBACK (on_retry_clicked), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);
  return row;
}

static void
show_status (KsSyncPage *self)
{
  KsSyncCounts counts = { 0 };
  GPtrArray *failed = NULL;
  GtkWidget *child;
  const char *error = NULL;
  gboolean running = FALSE;
  gint64 last = 0;
  KsSyncConnectivity connectivity = KS_SYNC_CONNECTIVITY_UNKNOWN;

  /* A run that ends after the page was disposed still calls back: the widgets are gone. */
  if (self->station == NULL)
    return;
  if (self->engine != NULL)
    {
      error = ks_sync_engine_get_last_error (self->engine);
      running = ks_sync_engine_get_running (self->engine);
      last = ks_sync_engine_get_last_success (self->engine);
      connectivity = ks_sync_engine_get_connectivity (self->engine);
    }
  if (self->status != NULL)
    {
      counts = self->status->counts;
      failed = self->status->failed;
      gtk_widget_set_visible (GTK_WIDGET (self->code_row), !self->status->provisioned);
    }
  if (self->message != NULL)
    error = self->message;

  set_label_count (self->pending_label, counts.pending);
  set_label_count (self->in_flight_label, counts.in_flight);
  set_label_count (self->acknowledged_label, counts.acknowledged);
  set_label_count (self->failed_label, counts.failed);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->failed_list))) != NULL)
    gtk_list_box_remove (self->failed_list, child);
  for (guint i = 0; failed != NULL && i < failed->len; i++)
    gtk_list_box_append (self->failed_list, failure_row (self, g_ptr_array_index (failed, i)));
  gtk_widget_set_visible (GTK_WIDGET (self->failed_group), failed != NULL && failed->len > 0);

  gtk_label_set_label (self->error_label, error ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL && !running);

  if (last > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last);
      g_autofree char *text = ks_format_day_time (when);
      g_autofree char *shown = ks_bidi_isolate_ltr (text);

      adw_action_row_set_subtitle (self->last_success_row, shown);
    }
  else
    adw_action_row_set_subtitle (self->last_success_row, _("Never"));

  switch (connectivity)
    {
    case KS_SYNC_CONNECTIVITY_ONLINE:
      gtk_image_set_from_icon_name (self->status_icon, "network-transmit-receive-symbolic");
      adw_action_row_set_subtitle (self->status_row, _("Online: the registry answers"));
      break;
    case KS_SYNC_CONNECTIVITY_OFFLINE:
      gtk_image_set_from_icon_name (self->status_icon, "network-offline-symbolic");
      adw_action_row_set_subtitle (self->status_row, _("Offline: the registry could not be "
                                                       "reached"));
      break;
    case KS_SYNC_CONNECTIVITY_UNKNOWN:
    default:
      gtk_image_set_from_icon_name (self->status_icon, "network-idle-symbolic");
      adw_action_row_set_subtitle (self->status_row, _("Not checked yet"));
      break;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.run",
                                 self->station != NULL && !running);
}

static void
status_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;
  KsSyncStatus *status;

  status = ks_sync_engine_load_status_finish (KS_SYNC_ENGINE (source), result, &error);
  /* Replaced by a newer read, or the page went away: nothing to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    {
      g_clear_pointer (&status, ks_sync_status_free);
      return;
    }
  if (status == NULL)
    g_warning ("Could not read the sync queue: %s", error->message);
  else
    {
      g_clear_pointer (&self->status, ks_sync_status_free);
      self->status = status;
    }
  show_status (self);
}

/* Shows what the engine knows now, and reads the store's counts in a worker thread. */
static void
refresh (KsSyncPage *self)
{
  if (self->station == NULL)
    return;
  show_status (self);
  if (self->engine == NULL)
    return;
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  self->status_cancellable = g_cancellable_new ();
  ks_sync_engine_load_status_async (self->engine, self->status_cancellable, status_loaded,
                                    g_object_ref (self));
}

static void
on_progress (KsSyncPage *self)
{
  double fraction;
  g_autofree char *text = NULL;

  if (self->station == NULL)
    return;
  fraction = ks_sync_engine_get_progress (self->engine);
  text = g_strdup_printf (_("Sending records… %d%%"), (int)(fraction * 100));
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_running (KsSyncPage *self)
{
  if (self->station == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          ks_sync_engine_get_running (self->engine));
  refresh (self);
}

static void
on_connectivity (KsSyncPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  show_status (self);
}

/* The station made its engine (here or for another window): show it from now on. */
static void
take_engine (KsSyncPage   *self,
             KsSyncEngine *engine)
{
  if (self->engine == engine || self->station == NULL)
    return;
  g_set_object (&self->engine, engine);
  g_signal_connect_object (self->engine, "changed", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::progress", G_CALLBACK (on_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::running", G_CALLBACK (on_running), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::last-error", G_CALLBACK (show_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::connectivity", G_CALLBACK (on_connectivity),
                           self, G_CONNECT_SWAPPED);
  /* A run the station started before this page existed (a language switch rebuilt the window)
   * shows its progress at once. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar),
                          ks_sync_engine_get_running (self->engine));
  on_progress (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  refresh (self);
}

static void
on_station_engine (KsSyncPage *self)
{
  KsSyncEngine *engine = self->station ? ks_station_get_sync_engine (self->station) : NULL;

  if (engine != NULL)
    take_engine (self, engine);
}

/* What the page asked for once the engine is there. */
typedef enum
{
  THEN_SHOW,
  THEN_RUN,
  THEN_PROVISION,
} Then;

typedef struct
{
  KsSyncPage *self;
  Then then;
  char *code;
} EngineWait;

static void start_provisioning (KsSyncPage *self,
                                const char *code);

static void
engine_loaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  EngineWait *wait = user_data;
  g_autoptr(KsSyncPage) self = wait->self;
  g_autofree char *code = wait->code;
  Then then = wait->then;
  g_autoptr(KsSyncEngine) engine = NULL;
  g_autoptr(GError) error = NULL;

  g_free (wait);
  engine = ks_station_load_sync_engine_finish (KS_STATION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    return;
  if (engine == NULL)
    {
      g_free (self->message);
      self->message = g_strdup (error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), TRUE);
      show_status (self);
      return;
    }
  take_engine (self, engine);
  if (then == THEN_RUN && !ks_sync_engine_get_running (engine))
    ks_sync_engine_run_async (engine, NULL, NULL, NULL);
  else if (then == THEN_PROVISION)
    start_provisioning (self, code);
}

/* The station's keys may need loading first (a file read, or making them): never here. */
static void
with_engine (KsSyncPage *self,
             Then        then,
             const char *code)
{
  EngineWait *wait;

  if (self->station == NULL)
    return;
  wait = g_new0 (EngineWait, 1);
  wait->self = g_object_ref (self);
  wait->then = then;
  wait->code = g_strdup (code);
  ks_station_load_sync_engine_async (self->station, self->cancellable, engine_loaded, wait);
}

static void
sync_run_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KsSyncPage *self = KS_SYNC_PAGE (widget);

  g_clear_pointer (&self->message, g_free);
  /* The run belongs to the engine, not to this page: closing the page (a language switch
   * rebuilds the window) does not cancel it. */
  if (self->engine != NULL)
    {
      if (!ks_sync_engine_get_running (self->engine))
        ks_sync_engine_run_async (self->engine, NULL, NULL, NULL);
    }
  else
    with_engine (self, THEN_RUN, NULL);
}

static void
provision_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(KsSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  ks_sync_engine_provision_finish (KS_SYNC_ENGINE (source), result, &error);
  /* Disposed meanwhile: the widgets are gone. */
  if (self->station == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), TRUE);
  if (error != NULL)
    {
      g_free (self->message);
      self->message = g_strdup (error->message);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  refresh (self);
}

static void
start_provisioning (KsSyncPage *self,
                    const char *code)
{
  ks_sync_engine_provision_async (self->engine, code, self->cancellable, provision_done,
                                  g_object_ref (self));
}

static void
on_code_apply (KsSyncPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  g_clear_pointer (&self->message, g_free);
  if (code == NULL || *code == '\0' || self->station == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), FALSE);
  if (self->engine != NULL)
    start_provisioning (self, code);
  else
    with_engine (self, THEN_PROVISION, code);
}

static void
retry_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(KsSyncPage) self = user_data;
  g_autoptr(GError) error = NULL;

  /* On success the engine says "changed", and the page reads the counts again. */
  if (ks_sync_engine_retry_finish (KS_SYNC_ENGINE (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->station == NULL)
    return;
  g_free (self->message);
  self->message = g_strdup (error->message);
  show_status (self);
}

static void
on_retry_clicked (KsSyncPage *self,
                  GtkButton  *button)
{
  const char *kp_id = g_object_get_data (G_OBJECT (button), "kp-id");
  KsSession *session = self->station ? ks_station_get_session (self->station) : NULL;

  g_clear_pointer (&self->message, g_free);
  show_status (self);
  if (self->engine == NULL)
    return;
  ks_sync_engine_retry_async (self->engine, session, kp_id, self->cancellable, retry_done,
                              g_object_ref (self));
}

static void
ks_sync_page_map (GtkWidget *widget)
{
  KsSyncPage *self = KS_SYNC_PAGE (widget);

  GTK_WIDGET_CLASS (ks_sync_page_parent_class)->map (widget);
  if (self->engine == NULL)
    with_engine (self, THEN_SHOW, NULL);
  refresh (self);
}

static void
ks_sync_page_dispose (GObject *object)
{
  KsSyncPage *self = (KsSyncPage *)object;

  /* Only the page's own requests: a run goes on, the station owns the engine. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  g_clear_object (&self->engine);
  g_clear_object (&self->station);
  /* No gtk_widget_dispose_template(): AdwBin unparents its child itself. */

  G_OBJECT_CLASS (ks_sync_page_parent_class)->dispose (object);
}

static void
ks_sync_page_finalize (GObject *object)
{
  KsSyncPage *self = (KsSyncPage *)object;

  g_free (self->message);
  g_clear_pointer (&self->status, ks_sync_status_free);

  G_OBJECT_CLASS (ks_sync_page_parent_class)->finalize (object);
}

static void
ks_sync_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  KsSyncPage *self = KS_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, ks_sync_page_get_online (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_sync_page_class_init (KsSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_sync_page_dispose;
  object_class->finalize = ks_sync_page_finalize;
  object_class->get_property = ks_sync_page_get_property;
  widget_class->map = ks_sync_page_map;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, KS_TYPE_SYNC_ENGINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /**
   * KsSyncPage:online:
   *
   * %TRUE while the registry answered the last request: for an indicator in the header bar.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, training_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, last_success_row);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, in_flight_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, acknowledged_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, failed_label);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, failed_group);
  gtk_widget_class_bind_template_child (widget_class, KsSyncPage, failed_list);
  gtk_widget_class_bind_template_callback (widget_class, on_code_apply);

  gtk_widget_class_install_action (widget_class, "sync.run", NULL, sync_run_action);
}

static void
ks_sync_page_init (KsSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.run", FALSE);
}

/**
 * ks_sync_page_set_station:
 *
 * Shows the station's sync engine. The engine is loaded right away when the station already
 * has its station code (so automatic sync runs from start-up), else when the page is first
 * shown: its key's certificate carries the code. A training station syncs too, but only with
 * the practice registry the application starts on this computer (ks-training-registry.c); the
 * settings refuse any other address.
 */
void
ks_sync_page_set_station (KsSyncPage *self,
                          KsStation  *station)
{
  g_autofree char *code = NULL;

  g_return_if_fail (KS_IS_SYNC_PAGE (self));
  g_return_if_fail (KS_IS_STATION (station));

  g_set_object (&self->station, station);
  gtk_widget_set_visible (GTK_WIDGET (self->training_label), ks_station_is_training (station));
  /* Another window of this station (before a language switch) may have loaded it already. */
  g_signal_connect_object (station, "notify::sync-engine", G_CALLBACK (on_station_engine), self,
                           G_CONNECT_SWAPPED);
  if (ks_station_get_sync_engine (station) != NULL)
    take_engine (self, ks_station_get_sync_engine (station));
  else
    {
      code = ks_station_config_dup_string (ks_station_get_config (station), "station-code");
      if (code != NULL && *code != '\0')
        with_engine (self, THEN_SHOW, NULL);
    }
  refresh (self);
}

/**
 * ks_sync_page_get_engine:
 *
 * Returns: (transfer none) (nullable): the station's sync engine, once loaded
 */
KsSyncEngine *
ks_sync_page_get_engine (KsSyncPage *self)
{
  g_return_val_if_fail (KS_IS_SYNC_PAGE (self), NULL);
  return self->engine;
}

/**
 * ks_sync_page_get_online:
 *
 * The station's #KsStation:online, as this page shows it.
 */
gboolean
ks_sync_page_get_online (KsSyncPage *self)
{
  g_return_val_if_fail (KS_IS_SYNC_PAGE (self), FALSE);
  return self->station != NULL && ks_station_get_online (self->station);
}
