/* ks-sync-page.c: the Sync section: counts, progress, refused records, Sync Now
 *
 * The page owns the station's KsSyncEngine (the engine does the work on its own thread; this
 * page only shows its state and forwards the operator's requests) and binds the engine to the
 * station settings, so automatic sync keeps running whichever section is shown.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-sync-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-fingers.h"
#include "ks-record-fingers.h"
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
  KsSyncEngine *engine;
  GCancellable *cancellable;
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
  GtkWidget *retry = gtk_button_new_with_mnemonic (_("_Retry"));

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
refresh (KsSyncPage *self)
{
  KsSyncCounts counts = { 0 };
  g_autoptr(GPtrArray) failed = NULL;
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
      ks_sync_engine_get_counts (self->engine, &counts, NULL);
      failed = ks_sync_engine_list_failed (self->engine, NULL);
      error = ks_sync_engine_get_last_error (self->engine);
      running = ks_sync_engine_get_running (self->engine);
      last = ks_sync_engine_get_last_success (self->engine);
      connectivity = ks_sync_engine_get_connectivity (self->engine);
      gtk_widget_set_visible (GTK_WIDGET (self->code_row),
                              !ks_sync_engine_is_provisioned (self->engine));
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
      g_autofree char *text = g_date_time_format (when, "%e %B %Y, %H:%M");
      adw_action_row_set_subtitle (self->last_success_row, g_strstrip (text));
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
  refresh (self);
}

/* What the sync worker reads a record's fingers with: its own references, because it runs on
 * the engine's thread. */
typedef struct
{
  KsStore *store;
  KsVault *vault;
} BiometricsSource;

static void
biometrics_source_free (BiometricsSource *source)
{
  g_clear_object (&source->store);
  g_clear_object (&source->vault);
  g_free (source);
}

static GBytes *
record_biometrics (const char *kp_id,
                   gpointer    user_data)
{
  BiometricsSource *source = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *blob = ks_fingers_export_for_registry (source->store, source->vault, kp_id, &error);

  if (error != NULL)
    g_debug ("Fingers of %s not sent: %s", kp_id, error->message);
  return blob;
}

static gboolean
ensure_engine (KsSyncPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationKeys) keys = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *code = NULL;
  KsStationConfig *config;

  if (self->engine != NULL)
    return TRUE;
  if (self->station == NULL)
    return FALSE;

  config = ks_station_get_config (self->station);
  dir = ks_profile_build_path (ks_station_get_profile (self->station), "keys");
  code = ks_station_config_dup_string (config, "station-code");
  keys = ks_station_keys_load_or_create (dir, code, &error);
  if (keys == NULL)
    {
      g_free (self->message);
      self->message = g_strdup (error->message);
      refresh (self);
      return FALSE;
    }

  self->engine = ks_sync_engine_new (ks_station_get_store (self->station), keys);
  /* Each record's fingers travel with it, sealed by the engine to the registry's key. */
  {
    KsVault *vault = ks_station_get_biometrics_vault (self->station, NULL);

    if (vault != NULL)
      {
        BiometricsSource *source = g_new0 (BiometricsSource, 1);

        source->store = g_object_ref (ks_station_get_store (self->station));
        source->vault = g_object_ref (vault);
        ks_sync_engine_set_biometrics_func (self->engine, record_biometrics, source,
                                            (GDestroyNotify)biometrics_source_free);
      }
  }
  ks_station_config_bind (config, "registry-url", self->engine, "registry-url");
  ks_station_config_bind (config, "registry-ca-file", self->engine, "ca-file");
  ks_station_config_bind (config, "sync-batch-size", self->engine, "batch-size");
  ks_station_config_bind (config, "sync-interval-minutes", self->engine, "interval-minutes");
  g_signal_connect_object (self->engine, "changed", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::progress", G_CALLBACK (on_progress), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::running", G_CALLBACK (on_running), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::last-error", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::connectivity", G_CALLBACK (on_connectivity),
                           self, G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
  return TRUE;
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KsSyncPage) self = user_data;

  /* The message is the engine's last-error, shown by refresh(). */
  ks_sync_engine_run_finish (KS_SYNC_ENGINE (source), result, NULL);
  refresh (self);
}

static void
sync_run_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  KsSyncPage *self = KS_SYNC_PAGE (widget);

  g_clear_pointer (&self->message, g_free);
  if (!ensure_engine (self) || ks_sync_engine_get_running (self->engine))
    return;
  ks_sync_engine_run_async (self->engine, self->cancellable, run_done, g_object_ref (self));
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
on_code_apply (KsSyncPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  g_clear_pointer (&self->message, g_free);
  if (code == NULL || *code == '\0' || !ensure_engine (self))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_row), FALSE);
  ks_sync_engine_provision_async (self->engine, code, self->cancellable, provision_done,
                                  g_object_ref (self));
}

static void
on_retry_clicked (KsSyncPage *self,
                  GtkButton  *button)
{
  g_autoptr(GError) error = NULL;
  const char *kp_id = g_object_get_data (G_OBJECT (button), "kp-id");

  g_clear_pointer (&self->message, g_free);
  if (self->engine != NULL &&
      !ks_sync_engine_retry (self->engine, ks_station_get_session (self->station), kp_id, &error))
    self->message = g_strdup (error->message);
  refresh (self);
}

static void
ks_sync_page_map (GtkWidget *widget)
{
  KsSyncPage *self = KS_SYNC_PAGE (widget);

  GTK_WIDGET_CLASS (ks_sync_page_parent_class)->map (widget);
  ensure_engine (self);
  refresh (self);
}

static void
ks_sync_page_dispose (GObject *object)
{
  KsSyncPage *self = (KsSyncPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->engine != NULL)
    ks_sync_engine_cancel (self->engine);
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
 * The engine starts right away when the station already has its station code (so automatic
 * sync runs from start-up), else when the page is first shown: its key's certificate carries
 * the code. A training station syncs too, but only with the practice registry the application
 * starts on this computer (ks-training-registry.c); the settings refuse any other address.
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
  code = ks_station_config_dup_string (ks_station_get_config (station), "station-code");
  if (code != NULL && *code != '\0')
    ensure_engine (self);
  refresh (self);
}

/**
 * ks_sync_page_get_engine:
 *
 * Returns: (transfer none) (nullable): the station's sync engine, once made
 */
KsSyncEngine *
ks_sync_page_get_engine (KsSyncPage *self)
{
  g_return_val_if_fail (KS_IS_SYNC_PAGE (self), NULL);
  return self->engine;
}

gboolean
ks_sync_page_get_online (KsSyncPage *self)
{
  g_return_val_if_fail (KS_IS_SYNC_PAGE (self), FALSE);
  return self->engine != NULL
         && ks_sync_engine_get_connectivity (self->engine) == KS_SYNC_CONNECTIVITY_ONLINE;
}
