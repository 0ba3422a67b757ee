/* ks-station-rules.c: the rules that stop a station from enrolling more
 *
 * A station in a remote tehsil may go weeks without a supervisor or a network. These rules
 * stop new enrollments before the backlog becomes a risk: too many records nobody reviewed,
 * records that never reached the registry (a lost laptop loses them all), or a disk about to
 * fill up (SQLite would then refuse the very next submit, half-way through a citizen's
 * enrollment). Each refusal says which rule holds and what to do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-station-rules"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sys/statvfs.h>

#include "ks-station-rules.h"
#include "ks-store-private.h"

G_DEFINE_QUARK (ks-station-rules-error-quark, ks_station_rules_error)

/* From the in-memory configuration: quick, for the Enroll section on the UI thread. */
void
ks_station_rules_from_config (KsStationRules  *rules,
                              KsStationConfig *config)
{
  g_return_if_fail (rules != NULL);
  g_return_if_fail (KS_IS_STATION_CONFIG (config));

  rules->max_awaiting_review = ks_station_config_get_uint (config, "max-awaiting-review");
  rules->max_unsynced_days = ks_station_config_get_uint (config, "max-unsynced-days");
  rules->min_free_disk_mb = ks_station_config_get_uint (config, "min-free-disk-mb");
}

/* From the store itself: what ks_records_submit() enforces, inside its transaction. */
void
ks_station_rules_from_store (KsStationRules *rules,
                             KsStore        *store)
{
  g_return_if_fail (rules != NULL);
  g_return_if_fail (KS_IS_STORE (store));

  rules->max_awaiting_review = ks_station_config_read_uint (store, "max-awaiting-review");
  rules->max_unsynced_days = ks_station_config_read_uint (store, "max-unsynced-days");
  rules->min_free_disk_mb = ks_station_config_read_uint (store, "min-free-disk-mb");
}

static gboolean
query_int64 (KsStore    *store,
             const char *sql,
             gint64     *value,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      ok = rc == SQLITE_ROW;
      if (ok)
        *value = sqlite3_column_int64 (stmt, 0);
      else
        _ks_store_set_error (store, rc, error);
    }
  _ks_store_unlock (store);
  return ok;
}

/**
 * ks_station_rules_check:
 * @rules: the limits; see ks_station_rules_from_config()
 * @data_dir: (nullable): the folder holding the station's database, for the free-space rule
 *
 * Says whether the station may start a new enrollment. Cheap (two indexed queries and a
 * statvfs): the Enroll section asks before each new citizen.
 *
 * Returns: %TRUE when no rule blocks; otherwise %FALSE with an error in
 *   %KS_STATION_RULES_ERROR naming the rule and what to do
 */
gboolean
ks_station_rules_check (KsStore              *store,
                        const KsStationRules *rules,
                        const char           *data_dir,
                        GError              **error)
{
  GError *local_error = NULL;
  gint64 value = 0;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (rules != NULL, FALSE);

  if (rules->min_free_disk_mb > 0 && data_dir != NULL)
    {
      struct statvfs fs;

      /* A folder we cannot even look at is reported by the store itself, on the next write. */
      if (statvfs (data_dir, &fs) == 0)
        {
          guint64 free_mb = (guint64)fs.f_bavail * fs.f_frsize / (1024 * 1024);

          if (free_mb < rules->min_free_disk_mb)
            {
              g_set_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_DISK_LOW,
                           _("Only %llu MB of disk space is left (the station "
                             "needs %u MB). Sync, then free space on the disk before enrolling "
                             "more citizens."),
                           (unsigned long long)free_mb, rules->min_free_disk_mb);
              return FALSE;
            }
        }
      else
        g_debug ("statvfs %s: %s", data_dir, g_strerror (errno));
    }

  if (rules->max_awaiting_review > 0)
    {
      if (!query_int64 (store, "SELECT count(*) FROM records WHERE state = 'submitted'", &value,
                        &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (value >= rules->max_awaiting_review)
        {
          g_set_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_TOO_MANY_AWAITING,
                       ngettext (
                         "%lld record awaits review (the limit is "
                         "%u). A supervisor must approve or reject records in "
                         "Review before new enrollments.",
                         "%lld records await review (the limit is "
                         "%u). A supervisor must approve or reject records in "
                         "Review before new enrollments.",
                         value),
                       (long long)value, rules->max_awaiting_review);
          return FALSE;
        }
    }

  if (rules->max_unsynced_days > 0)
    {
      gint64 oldest = 0;
      gint64 limit = ks_store_now (store) - (gint64)rules->max_unsynced_days * G_USEC_PER_SEC *
                     60 * 60 * 24;

      /* The records_state index answers min() per state without reading the table. */
      if (!query_int64 (store,
                        "SELECT coalesce (min (submitted_at), 0) FROM records WHERE state IN "
                        "('submitted', 'approved', 'rejected', 'queued', 'sync-failed')",
                        &oldest, &local_error))
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      if (oldest > 0 && oldest < limit)
        {
          gint64 days = (ks_store_now (store) - oldest) / ((gint64)G_USEC_PER_SEC * 60 * 60 * 24);

          g_set_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_UNSYNCED_TOO_LONG,
                       ngettext (
                         "A record enrolled %lld day ago has not "
                         "reached the registry yet (the limit is %u days). Review the "
                         "waiting records and sync the station before enrolling more "
                         "citizens.",
                         "A record enrolled %lld days ago has not "
                         "reached the registry yet (the limit is %u days). Review the "
                         "waiting records and sync the station before enrolling more "
                         "citizens.",
                         days),
                       (long long)days, rules->max_unsynced_days);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * ks_station_rules_check_store:
 *
 * ks_station_rules_check() with the free-space rule measured where @store keeps its database.
 */
gboolean
ks_station_rules_check_store (KsStore              *store,
                              const KsStationRules *rules,
                              GError              **error)
{
  g_autofree char *data_dir = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);

  data_dir = g_path_get_dirname (ks_store_get_path (store));
  return ks_station_rules_check (store, rules, data_dir, error);
}

typedef struct
{
  KsStationRules rules;
  char *data_dir;
} RulesCheck;

static void
rules_check_free (RulesCheck *check)
{
  g_free (check->data_dir);
  g_free (check);
}

static void
rules_check_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RulesCheck *check = task_data;
  GError *error = NULL;

  if (!ks_station_rules_check (source_object, &check->rules, check->data_dir, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_station_rules_check_async:
 * @data_dir: (nullable): as for ks_station_rules_check()
 *
 * ks_station_rules_check() in a worker thread, for a window that must keep drawing while
 * SQLite counts and the disk answers.
 */
void
ks_station_rules_check_async (KsStore              *store,
                              const KsStationRules *rules,
                              const char           *data_dir,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  RulesCheck *check;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (rules != NULL);

  check = g_new0 (RulesCheck, 1);
  check->rules = *rules;
  check->data_dir = g_strdup (data_dir);
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_station_rules_check_async);
  g_task_set_task_data (task, check, (GDestroyNotify)rules_check_free);
  g_task_run_in_thread (task, rules_check_thread);
}

/**
 * ks_station_rules_check_finish:
 *
 * Returns: %TRUE when no rule blocks; otherwise %FALSE with @error set as by
 *   ks_station_rules_check(), or to %G_IO_ERROR_CANCELLED
 */
gboolean
ks_station_rules_check_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_station_rules_check_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
