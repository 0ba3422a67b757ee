/* ks-enroll-page-drafts.c: the enrollment wizard's drafts
 *
 * Every enrollment is a draft until it is submitted: started from the start page (new, or a
 * stored record to correct), continued from the list of drafts, saved as the operator types
 * (KsDraftSaver) and written to disk before a lock or a sign-out. The store calls run in a
 * worker thread (KsStation); their answers are dropped when the operator moved on meanwhile
 * (KsEnrollPending).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-page"

#include "config.h"

#include "ks-enroll-page-private.h"
#include "ks-records.h"

/* Drafts ******************************************************************************/

static void
run_after_close (KsEnrollPage *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->flush_waiters)) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  /* The page went meanwhile: nothing to show. */
  if (self->station == NULL)
    return;
  if (self->refresh_after_close)
    {
      self->refresh_after_close = FALSE;
      _ks_enroll_page_refresh_start (self);
    }
  if (self->resume_after_close > 0)
    {
      gint64 draft_id = self->resume_after_close;

      self->resume_after_close = 0;
      _ks_enroll_page_resume_draft (self, draft_id);
    }
}

typedef struct
{
  KsEnrollPage *page;
  KsSession *discard_as;        /* discard the draft once closed, as this operator; or NULL */
} Closing;

static void
saver_closed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Closing *closing = user_data;
  g_autoptr(KsEnrollPage) self = closing->page;
  g_autoptr(KsSession) discard_as = closing->discard_as;
  g_autoptr(GError) error = NULL;
  gint64 draft_id = ks_draft_saver_get_draft_id (KS_DRAFT_SAVER (object));

  g_free (closing);
  if (discard_as != NULL && self->station != NULL)
    ks_station_discard_draft_async (self->station, discard_as, draft_id, NULL, NULL, NULL);
  else if (!ks_draft_saver_close_finish (KS_DRAFT_SAVER (object), result, &error))
    g_warning ("Draft %" G_GINT64_FORMAT " not saved: %s", draft_id, error->message);
  g_assert (self->closing > 0);
  if (--self->closing == 0)
    run_after_close (self);
}

static void
close_saver (KsEnrollPage *self,
             gboolean      discard)
{
  g_autoptr(KsDraftSaver) saver = g_steal_pointer (&self->saver);
  Closing *closing;

  if (saver == NULL)
    return;
  /* A new enrollment closed before anything was typed or captured leaves no empty draft
   * behind (Ctrl+N twice, or Ctrl+N then Close). */
  if (self->draft_is_new && !self->draft_touched &&
      ks_fingerprint_step_get_n_done (self->fingerprint_step) == 0)
    discard = TRUE;
  self->draft_is_new = FALSE;
  closing = g_new0 (Closing, 1);
  closing->page = g_object_ref (self);
  closing->discard_as = discard && self->session ? g_object_ref (self->session) : NULL;
  self->closing++;
  ks_draft_saver_close_async (saver, NULL, saver_closed, closing);
}

/* Writes what is left to write of the open draft, and stops saving it, in a worker thread.
 * Not cancelled with the page: what was typed reaches the disk even as the window goes. */
void
_ks_enroll_page_stop_saver (KsEnrollPage *self)
{
  close_saver (self, FALSE);
}

/* Stops saving the open draft and discards it (once its saver has written its last copy, so
 * that no late write finds it gone). */
void
_ks_enroll_page_discard_saver (KsEnrollPage *self)
{
  close_saver (self, TRUE);
}

static void
page_saver_flushed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KsEnrollPage *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!ks_draft_saver_flush_finish (KS_DRAFT_SAVER (object), result, &error))
    g_task_return_error (task, error);
  else if (self->closing > 0)
    g_queue_push_tail (&self->flush_waiters, g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_enroll_page_flush_async:
 *
 * Writes the open draft now (before a lock, a sign-out or a new language), in a worker thread;
 * also waits for drafts just closed to reach the disk. The form stays open.
 */
void
ks_enroll_page_flush_async (KsEnrollPage       *self,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_ENROLL_PAGE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_enroll_page_flush_async);
  if (self->saver != NULL)
    ks_draft_saver_flush_async (self->saver, cancellable, page_saver_flushed,
                                g_steal_pointer (&task));
  else if (self->closing > 0)
    g_queue_push_tail (&self->flush_waiters, g_steal_pointer (&task));
  else
    g_task_return_boolean (task, TRUE);
}

static void
previous_page_flushed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(KsEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ks_enroll_page_flush_finish (KS_ENROLL_PAGE (source), result, &error))
    g_warning ("A draft was not saved as the window was rebuilt: %s", error->message);
  g_assert (self->closing > 0);
  if (--self->closing == 0)
    run_after_close (self);
}

/**
 * ks_enroll_page_wait_for:
 * @previous: the page @self replaces (a window rebuilt in another language)
 *
 * Reads no draft until @previous has written its own: the drafts it offers again are the ones
 * just typed.
 */
void
ks_enroll_page_wait_for (KsEnrollPage *self,
                         KsEnrollPage *previous)
{
  g_return_if_fail (KS_IS_ENROLL_PAGE (self));
  g_return_if_fail (KS_IS_ENROLL_PAGE (previous));

  self->closing++;
  ks_enroll_page_flush_async (previous, NULL, previous_page_flushed, g_object_ref (self));
}

/**
 * ks_enroll_page_flush_finish:
 *
 * Returns: %FALSE with the reason when the open draft could not be written
 */
gboolean
ks_enroll_page_flush_finish (KsEnrollPage *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Shows @record in the wizard, its first field focused. */
static void
show_record (KsEnrollPage *self,
             KsRecord     *record,
             KsEnrollStep  step)
{
  g_set_object (&self->record, record);
  _ks_enroll_page_load_widgets (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "wizard");
  _ks_enroll_page_go_to_step (self, step);
}

/* Saves the record shown as draft @draft_id from now on, and shows the draft's fingers. */
static void
attach_draft (KsEnrollPage *self,
              gint64        draft_id)
{
  self->saver = ks_draft_saver_new (ks_station_get_store (self->station), draft_id);
  ks_fingerprint_step_set_draft (self->fingerprint_step, draft_id);
  /* What was typed while the draft was being made is saved now. */
  if (self->draft_touched)
    ks_draft_saver_update (self->saver, self->record, self->step);
}

KsEnrollPending *
_ks_enroll_pending_new (KsEnrollPage *self,
                        KsRecord     *record,
                        KsEnrollStep  step)
{
  KsEnrollPending *pending = g_new0 (KsEnrollPending, 1);

  pending->page = g_object_ref (self);
  pending->serial = self->serial;
  pending->record = record ? g_object_ref (record) : NULL;
  pending->step = step;
  return pending;
}

void
_ks_enroll_pending_free (KsEnrollPending *pending)
{
  g_clear_object (&pending->page);
  g_clear_object (&pending->record);
  g_clear_object (&pending->session);
  g_free (pending);
}

/* Whether the answer still matters: not cancelled (the page went), and the operator did not
 * sign out, or start or open another draft, meanwhile. */
gboolean
_ks_enroll_pending_is_current (KsEnrollPending *pending,
                               const GError    *error)
{
  return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         pending->serial == pending->page->serial;
}

static void
draft_created (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  gint64 draft = ks_station_create_draft_finish (KS_STATION (object), result, &error);

  /* The form was closed, or the operator signed out, while the draft was made: nothing was
   * saved into it, so it goes. */
  if (draft > 0 && (!_ks_enroll_pending_is_current (pending, error) || self->record == NULL))
    {
      ks_station_discard_draft_async (KS_STATION (object), pending->session, draft, NULL, NULL,
                                      NULL);
      if (_ks_enroll_pending_is_current (pending, error))
        {
          self->busy = FALSE;
          self->creating = FALSE;
          self->next_after_create = FALSE;
        }
      return;
    }
  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  self->busy = FALSE;
  self->creating = FALSE;
  if (draft == 0)
    {
      self->next_after_create = FALSE;
      g_clear_object (&self->record);
      gtk_stack_set_visible_child_name (self->mode_stack, "start");
      ks_enroll_start_show_message (self->start_page, error->message);
      ks_enroll_start_focus_new (self->start_page);
      return;
    }
  attach_draft (self, draft);
  if (self->next_after_create)
    {
      self->next_after_create = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "enroll.next", NULL);
    }
}

/* Starts a draft of @record (a new one, or a stored record to correct) and shows it. */
void
_ks_enroll_page_start_draft (KsEnrollPage *self,
                             KsRecord     *record,
                             gint64        record_id,
                             KsEnrollStep  step)
{
  KsEnrollPending *pending;

  _ks_enroll_page_stop_saver (self);
  self->serial++;
  self->busy = TRUE;
  self->draft_is_new = record_id == 0;
  self->draft_touched = FALSE;
  self->creating = TRUE;
  self->next_after_create = FALSE;
  /* The form shows at once, its first field focused, while the draft is made in a worker:
   * keys typed right after Ctrl+N land in the form, and are saved once the draft exists. */
  ks_fingerprint_step_set_draft (self->fingerprint_step, 0);
  show_record (self, record, step);
  pending = _ks_enroll_pending_new (self, record, step);
  pending->session = g_object_ref (self->session);
  ks_station_create_draft_async (self->station, self->session, record, record_id,
                                 self->cancellable, draft_created, pending);
}

static void
draft_loaded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = ks_station_load_draft_finish (KS_STATION (object), result, &info,
                                                             &error);

  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  self->busy = FALSE;
  if (record == NULL)
    {
      _ks_enroll_page_refresh_start (self);
      return;
    }
  _ks_enroll_page_stop_saver (self);
  self->draft_is_new = FALSE;
  self->draft_touched = FALSE;
  show_record (self, record, CLAMP (info->step, KS_ENROLL_STEP_IDENTITY, KS_ENROLL_STEP_REVIEW));
  attach_draft (self, info->id);
}

void
_ks_enroll_page_resume_draft (KsEnrollPage *self,
                              gint64        draft_id)
{
  if (self->busy)
    return;
  /* The draft may be the one just closed: read it once it is written. */
  if (self->closing > 0)
    {
      self->resume_after_close = draft_id;
      return;
    }
  self->serial++;
  self->busy = TRUE;
  self->creating = FALSE;
  self->next_after_create = FALSE;
  ks_station_load_draft_async (self->station, draft_id, self->cancellable, draft_loaded,
                               _ks_enroll_pending_new (self, NULL, 0));
}

static void
status_read (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KsEnrollPending) pending = user_data;
  KsEnrollPage *self = pending->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsEnrollStatus) status = ks_station_enroll_status_finish (KS_STATION (object), result,
                                                                      &error);

  if (!_ks_enroll_pending_is_current (pending, error) || status == NULL)
    return;
  /* The station's rules (too many records awaiting review, no sync for too long, disk nearly
   * full) stop new enrollments, with a message saying what to do; drafts can still be opened. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.new", status->allowed);
  ks_enroll_start_show_message (self->start_page, status->refusal);
  ks_enroll_start_set_drafts (self->start_page, status->mine, status->stale);
}

/* Reads the start page's drafts and the station's rules again. */
void
_ks_enroll_page_refresh_start (KsEnrollPage *self)
{
  ks_enroll_start_show_message (self->start_page, NULL);

  if (self->station == NULL || self->session == NULL)
    {
      ks_enroll_start_set_drafts (self->start_page, NULL, NULL);
      return;
    }
  /* The list shows each draft's name: read it once the draft just closed is written. */
  if (self->closing > 0)
    {
      self->refresh_after_close = TRUE;
      return;
    }
  ks_station_enroll_status_async (self->station, self->session, self->cancellable, status_read,
                                  _ks_enroll_pending_new (self, NULL, 0));
}
