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

/* Writes what is left to write of the open draft, and stops saving it. */
void
_ks_enroll_page_stop_saver (KsEnrollPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->saver == NULL)
    return;
  if (!ks_draft_saver_flush (self->saver, &error))
    g_debug ("Draft not saved: %s", error->message);
  ks_draft_saver_stop (self->saver);
  g_clear_object (&self->saver);
}

/* Shows @record in the wizard, saved from now on as draft @draft_id. */
static void
open_draft (KsEnrollPage *self,
            KsRecord     *record,
            gint64        draft_id,
            KsEnrollStep  step)
{
  g_set_object (&self->record, record);
  self->saver = ks_draft_saver_new (ks_station_get_store (self->station), draft_id);
  ks_fingerprint_step_set_draft (self->fingerprint_step, draft_id);
  _ks_enroll_page_load_widgets (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "wizard");
  _ks_enroll_page_go_to_step (self, step);
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

  if (!_ks_enroll_pending_is_current (pending, error))
    return;
  self->busy = FALSE;
  if (draft == 0)
    {
      ks_enroll_start_show_message (self->start_page, error->message);
      return;
    }
  open_draft (self, pending->record, draft, pending->step);
}

/* Starts a draft of @record (a new one, or a stored record to correct) and shows it. */
void
_ks_enroll_page_start_draft (KsEnrollPage *self,
                             KsRecord     *record,
                             gint64        record_id,
                             KsEnrollStep  step)
{
  _ks_enroll_page_stop_saver (self);
  self->serial++;
  self->busy = TRUE;
  ks_station_create_draft_async (self->station, self->session, record, record_id,
                                 self->cancellable, draft_created,
                                 _ks_enroll_pending_new (self, record, step));
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
  open_draft (self, record, info->id,
              CLAMP (info->step, KS_ENROLL_STEP_IDENTITY, KS_ENROLL_STEP_REVIEW));
}

void
_ks_enroll_page_resume_draft (KsEnrollPage *self,
                              gint64        draft_id)
{
  if (self->busy)
    return;
  self->serial++;
  self->busy = TRUE;
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
  ks_station_enroll_status_async (self->station, self->session, self->cancellable, status_read,
                                  _ks_enroll_pending_new (self, NULL, 0));
}
