/* ks-enroll-page-private.h: the enrollment wizard's state, shared by its files
 *
 * ks-enroll-page.c holds the life cycle, the record <-> widgets binding and the navigation;
 * ks-enroll-page-actions.c every action (next, back, new, close, submit); ks-enroll-page-drafts.c
 * starts, continues and saves drafts. The start page, the services, the photo and the review
 * summary are child widgets with their own templates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-draft-saver.h"
#include "ks-enroll-page.h"
#include "ks-enroll-photo.h"
#include "ks-enroll-services.h"
#include "ks-enroll-start.h"
#include "ks-enroll-summary.h"
#include "ks-fingerprint-step.h"
#include "ks-ui-util.h"

G_BEGIN_DECLS

struct _KsEnrollPage
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkStack *mode_stack;
  KsEnrollStart *start_page;
  GtkStack *step_stack;
  GtkBox *steps_box;
  GtkLabel *saved_label;
  GtkLabel *identity_warning;
  GtkLabel *identity_message;
  GtkLabel *personal_message;
  GtkLabel *address_message;
  GtkLabel *services_message;
  GtkLabel *review_message;
  AdwPreferencesGroup *guardian_group;
  KsEnrollServices *services_group;
  AdwEntryRow *cnic_row;
  AdwEntryRow *dob_row;
  AdwEntryRow *full_name_row;
  AdwEntryRow *full_name_ur_row;
  AdwEntryRow *father_name_row;
  AdwEntryRow *father_name_ur_row;
  AdwEntryRow *guardian_cnic_row;
  AdwEntryRow *guardian_name_row;
  AdwEntryRow *mobile_row;
  AdwEntryRow *email_row;
  AdwEntryRow *address1_row;
  AdwEntryRow *address2_row;
  AdwActionRow *id_kind_row;
  AdwActionRow *gender_row;
  AdwActionRow *relation_row;
  AdwActionRow *district_row;
  AdwActionRow *tehsil_row;
  GtkToggleButton *id_kind_cnic;
  GtkToggleButton *id_kind_bform;
  GtkToggleButton *gender_male;
  GtkToggleButton *gender_female;
  GtkToggleButton *gender_transgender;
  GtkToggleButton *relation_father;
  GtkToggleButton *relation_husband;
  KsEnrollSummary *summary;
  AdwStatusPage *done_status;
  AdwBin *card_slot;
  GtkButton *next_button;
  KsEnrollPhoto *photo;
  GtkButton *next_enrollment_button;
  GtkActionBar *action_bar;
  AdwClamp *action_clamp;
  KsFingerprintStep *fingerprint_step;
  GtkLabel *fingerprints_message;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsRecord *record;
  KsDraftSaver *saver;
  GtkDropDown *district_drop_down;
  GtkDropDown *tehsil_drop_down;
  GCancellable *cancellable;
  char *submitted_id;
  KsEnrollStep step;
  guint serial;                 /* a new session or draft: answers to older calls are stale */
  gboolean loading;
  gboolean busy;
  gboolean draft_is_new;        /* made by "new enrollment", not a resumed draft or an edit */
  gboolean draft_touched;       /* the operator changed something since it was shown */
  gboolean creating;            /* the form shows; its draft is being made */
  gboolean next_after_create;   /* Next was pressed meanwhile: done once the draft exists */

  /* Drafts being closed: written and their saver stopped in a worker (ks_draft_saver_close_async).
   * Until the last one is on disk, reading drafts waits (the start page's list, a resume), and
   * so does ks_enroll_page_flush_async(). */
  guint closing;
  gint64 resume_after_close;
  gboolean refresh_after_close;
  GQueue flush_waiters;         /* GTask of ks_enroll_page_flush_async() */

  /* Guided mode (training): one sentence per step, the next field to fill highlighted. */
  GtkRevealer *guide_revealer;
  GtkLabel *guide_label;
  GtkCheckButton *guide_check;
  GtkWidget *guided_row;
  gboolean guided;
};

/* The fields each step asks for, as a range of KsField (inclusive); -1 when none. */
extern const int _ks_enroll_step_fields[KS_ENROLL_N_STEPS][2];

void _ks_enroll_page_today (GDate *date);
void _ks_enroll_page_show_step_message (KsEnrollPage *self,
                                        const char   *message,
                                        int           bad_field);
void _ks_enroll_page_load_widgets (KsEnrollPage *self);
void _ks_enroll_page_go_to_step (KsEnrollPage *self,
                                 KsEnrollStep  step);
void _ks_enroll_page_stop_saver (KsEnrollPage *self);
void _ks_enroll_page_discard_saver (KsEnrollPage *self);
void _ks_enroll_page_start_draft (KsEnrollPage *self,
                                  KsRecord     *record,
                                  gint64        record_id,
                                  KsEnrollStep  step);
void _ks_enroll_page_resume_draft (KsEnrollPage *self,
                                   gint64        draft_id);
void _ks_enroll_page_refresh_start (KsEnrollPage *self);

/* What a store call from the wizard (in a worker thread, KsStation) comes back to. */
typedef struct
{
  KsEnrollPage *page;
  guint serial;
  KsRecord *record;
  KsEnrollStep step;
  KsSession *session;           /* who made the draft being created, or NULL */
} KsEnrollPending;

KsEnrollPending *_ks_enroll_pending_new (KsEnrollPage *self,
                                         KsRecord     *record,
                                         KsEnrollStep  step);
void             _ks_enroll_pending_free (KsEnrollPending *pending);
gboolean         _ks_enroll_pending_is_current (KsEnrollPending *pending,
                                                const GError    *error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsEnrollPending, _ks_enroll_pending_free)

/* ks-enroll-page-actions.c */
void _ks_enroll_page_class_actions_init (GtkWidgetClass *widget_class);
void _ks_enroll_page_actions_update (KsEnrollPage *self);

G_END_DECLS
