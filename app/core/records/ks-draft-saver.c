/* ks-draft-saver.c: saves a draft within a second of every change, off the UI thread
 *
 * The wizard calls ks_draft_saver_update() on every keystroke: that only copies the fields
 * (serialised on the calling thread, which owns the record) and wakes a writer thread. The
 * writer waits for a short pause in typing, but never longer than KS_DRAFT_SAVER_MAX_MS after
 * the first unsaved change, then writes the newest copy in one UPDATE with synchronous=FULL.
 * A SIGKILL or a power cut therefore loses at most the last second of typing, and the UI never
 * waits for the disk. ks_draft_saver_flush() writes at once (sign-out, lock, submit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-draft-saver"

#include "config.h"

#include "ks-draft-saver.h"
#include "ks-draft-saver-testing.h"
#include "ks-records.h"

struct _KsDraftSaver
{
  GObject parent_instance;

  KsStore *store;
  gint64 draft_id;
  GThread *thread;

  /* Shared with the writer thread, under mutex. */
  GMutex mutex;
  GCond cond;
  char *pending_json;
  int pending_step;
  gint64 first_change;   /* monotonic time of the first unsaved change, 0 if none */
  gint64 last_change;
  gboolean writing;
  gboolean stopping;
  guint writes;
  GError *last_error;
};

G_DEFINE_FINAL_TYPE (KsDraftSaver, ks_draft_saver, G_TYPE_OBJECT)

/* Writes the pending copy; called with the mutex held, returns with it held. */
static gboolean
write_pending_locked (KsDraftSaver *self,
                      GError      **error)
{
  g_autofree char *json = g_steal_pointer (&self->pending_json);
  int step = self->pending_step;
  gboolean ok;

  self->first_change = 0;
  self->writing = TRUE;
  g_mutex_unlock (&self->mutex);

  ok = ks_drafts_save (self->store, self->draft_id, json, step, error);

  g_mutex_lock (&self->mutex);
  self->writing = FALSE;
  if (ok)
    self->writes++;
  else if (self->pending_json == NULL)
    {
      /* Keep the unsaved copy: the next change or flush tries again. */
      self->pending_json = g_steal_pointer (&json);
      self->pending_step = step;
    }
  g_cond_broadcast (&self->cond);
  return ok;
}

static gpointer
writer_thread (gpointer data)
{
  KsDraftSaver *self = data;

  g_mutex_lock (&self->mutex);
  while (!self->stopping)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 due;

      if (self->pending_json == NULL || self->first_change == 0)
        {
          g_cond_wait (&self->cond, &self->mutex);
          continue;
        }

      due = MIN (self->last_change + KS_DRAFT_SAVER_PAUSE_MS * 1000,
                 self->first_change + KS_DRAFT_SAVER_MAX_MS * 1000);
      if (now < due)
        {
          g_cond_wait_until (&self->cond, &self->mutex, due);
          continue;
        }

      {
        g_autoptr(GError) error = NULL;

        if (!write_pending_locked (self, &error))
          {
            g_debug ("Draft %" G_GINT64_FORMAT " not saved: %s", self->draft_id, error->message);
            g_clear_error (&self->last_error);
            self->last_error = g_steal_pointer (&error);
            /* Retry after a pause rather than spinning on a full disk. */
            self->first_change = g_get_monotonic_time ();
            self->last_change = self->first_change;
          }
      }
    }
  g_mutex_unlock (&self->mutex);
  return NULL;
}

static void
ks_draft_saver_finalize (GObject *object)
{
  KsDraftSaver *self = (KsDraftSaver *)object;

  ks_draft_saver_stop (self);
  g_clear_object (&self->store);
  g_free (self->pending_json);
  g_clear_error (&self->last_error);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (ks_draft_saver_parent_class)->finalize (object);
}

static void
ks_draft_saver_class_init (KsDraftSaverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_draft_saver_finalize;
}

static void
ks_draft_saver_init (KsDraftSaver *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

KsDraftSaver *
ks_draft_saver_new (KsStore *store,
                    gint64   draft_id)
{
  KsDraftSaver *self;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (draft_id > 0, NULL);

  self = g_object_new (KS_TYPE_DRAFT_SAVER, NULL);
  self->store = g_object_ref (store);
  self->draft_id = draft_id;
  self->thread = g_thread_new ("ks-draft-saver", writer_thread, self);
  return self;
}

gint64
ks_draft_saver_get_draft_id (KsDraftSaver *self)
{
  g_return_val_if_fail (KS_IS_DRAFT_SAVER (self), 0);
  return self->draft_id;
}

void
ks_draft_saver_update (KsDraftSaver *self,
                       KsRecord     *record,
                       int           step)
{
  char *json;
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (KS_IS_DRAFT_SAVER (self));

  json = ks_record_to_json (record);
  g_mutex_lock (&self->mutex);
  g_free (self->pending_json);
  self->pending_json = json;
  self->pending_step = step;
  if (self->first_change == 0)
    self->first_change = now;
  self->last_change = now;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * ks_draft_saver_flush:
 *
 * Writes what is pending now, waiting for a write already under way. Returns %FALSE with the
 * reason when the draft could not be saved, so the caller can keep the form open.
 */
gboolean
ks_draft_saver_flush (KsDraftSaver *self,
                      GError      **error)
{
  gboolean ok = TRUE;

  g_return_val_if_fail (KS_IS_DRAFT_SAVER (self), FALSE);

  g_mutex_lock (&self->mutex);
  while (self->writing)
    g_cond_wait (&self->cond, &self->mutex);
  if (self->pending_json != NULL)
    ok = write_pending_locked (self, error);
  g_mutex_unlock (&self->mutex);
  return ok;
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (ks_draft_saver_flush (source_object, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * ks_draft_saver_flush_async:
 *
 * ks_draft_saver_flush() in a worker thread: it may wait for a write under way, then write.
 */
void
ks_draft_saver_flush_async (KsDraftSaver       *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_DRAFT_SAVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_draft_saver_flush_async);
  g_task_run_in_thread (task, flush_thread);
}

gboolean
ks_draft_saver_flush_finish (KsDraftSaver *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

guint
ks_draft_saver_get_writes (KsDraftSaver *self)
{
  guint writes;

  g_mutex_lock (&self->mutex);
  writes = self->writes;
  g_mutex_unlock (&self->mutex);
  return writes;
}

/**
 * ks_draft_saver_stop:
 *
 * Writes what is pending and ends the writer thread. Idempotent.
 */
void
ks_draft_saver_stop (KsDraftSaver *self)
{
  g_autoptr(GError) error = NULL;

  if (self->thread == NULL)
    return;
  if (!ks_draft_saver_flush (self, &error))
    g_debug ("Draft not saved at stop: %s", error->message);

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_thread_join (g_steal_pointer (&self->thread));
}

static void
close_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsDraftSaver *self = source_object;
  GError *error = NULL;

  /* Stopped even when the write fails (a full disk): the form is closed, and the error says
   * what was not saved. A caller that must keep the form open flushes first. */
  if (!ks_draft_saver_flush (self, &error))
    {
      ks_draft_saver_stop (self);
      g_task_return_error (task, error);
      return;
    }
  ks_draft_saver_stop (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * ks_draft_saver_close_async:
 *
 * Writes what is pending and ends the writer thread, in a worker thread: the draft is on disk
 * when @callback runs. Not cut short by @cancellable (a cancelled caller only hears
 * %G_IO_ERROR_CANCELLED after the write): what was typed is never dropped on the way.
 */
void
ks_draft_saver_close_async (KsDraftSaver       *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_DRAFT_SAVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_draft_saver_close_async);
  g_task_set_check_cancellable (task, TRUE);
  g_task_run_in_thread (task, close_thread);
}

gboolean
ks_draft_saver_close_finish (KsDraftSaver *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
