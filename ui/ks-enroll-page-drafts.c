/* ks-enroll-page-drafts.c: the enrollment wizard's drafts
 *
 * Every enrollment is a draft until it is submitted: started from the start page (new, or a
 * stored record to correct), continued from the list of drafts, saved as the operator types
 * (KsDraftSaver) and written to disk before a lock or a sign-out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-page"

#include "config.h"

#include "ks-enroll-page-private.h"
#include "ks-records.h"
#include "ks-station-rules.h"

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

void
_ks_enroll_page_start_draft (KsEnrollPage *self,
                             KsRecord     *record,
                             gint64        record_id,
                             KsEnrollStep  step)
{
  g_autoptr(GError) error = NULL;
  gint64 draft;

  _ks_enroll_page_stop_saver (self);
  draft = ks_drafts_create (ks_station_get_store (self->station), self->session, record,
                            record_id, &error);
  if (draft == 0)
    {
      ks_enroll_start_show_message (self->start_page, error->message);
      return;
    }
  open_draft (self, record, draft, step);
}

void
_ks_enroll_page_resume_draft (KsEnrollPage *self,
                              gint64        draft_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = ks_drafts_load (ks_station_get_store (self->station), draft_id,
                                               &info, &error);

  if (record == NULL)
    {
      _ks_enroll_page_refresh_start (self);
      return;
    }
  _ks_enroll_page_stop_saver (self);
  open_draft (self, record, draft_id,
              CLAMP (info->step, KS_ENROLL_STEP_IDENTITY, KS_ENROLL_STEP_REVIEW));
}

void
_ks_enroll_page_refresh_start (KsEnrollPage *self)
{
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) stale = NULL;

  ks_enroll_start_show_message (self->start_page, NULL);

  if (self->station == NULL || self->session == NULL)
    {
      ks_enroll_start_set_drafts (self->start_page, NULL, NULL);
      return;
    }

  /* The station's rules (too many records awaiting review, no sync for too long, disk nearly
   * full) stop new enrollments, with a message saying what to do; drafts can still be opened. */
  {
    KsStationRules rules;
    g_autoptr(GError) error = NULL;
    g_autofree char *data_dir =
      g_path_get_dirname (ks_store_get_path (ks_station_get_store (self->station)));
    gboolean allowed;

    ks_station_rules_from_config (&rules, ks_station_get_config (self->station));
    allowed = ks_station_rules_check (ks_station_get_store (self->station), &rules, data_dir,
                                      &error);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.new", allowed);
    if (!allowed)
      ks_enroll_start_show_message (self->start_page, error->message);
  }

  mine = ks_drafts_list_mine (ks_station_get_store (self->station), self->session, NULL);
  if (ks_session_can (self->session, KS_PERMISSION_SEE_STALE_DRAFTS))
    stale = ks_drafts_list_stale (ks_station_get_store (self->station), self->session,
                                  ks_station_config_get_uint (ks_station_get_config (self->station),
                                                              "stale-draft-days"),
                                  NULL);
  ks_enroll_start_set_drafts (self->start_page, mine, stale);
}
