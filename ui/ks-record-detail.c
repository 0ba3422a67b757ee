/* ks-record-detail.c: one record as the supervisor checks it before deciding
 *
 * Every field of the record, its card (signed by core in a worker thread; for a record still
 * awaiting review, its enrollment slip again), its fingers (opened by core in a worker thread)
 * and its history from the audit log. The decisions themselves are the Review page's actions
 * (ks-review-page-actions.c): the buttons here only name them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-record-detail"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-audit.h"
#include "ks-card-view.h"
#include "ks-cards.h"
#include "ks-consent.h"
#include "ks-fingers.h"
#include "ks-record-fingers.h"
#include "ks-l10n.h"
#include "ks-duplicate-view.h"
#include "ks-record-detail.h"
#include "ks-record-review.h"
#include "ks-review-util.h"
#include "ks-slip-view.h"

struct _KsRecordDetail
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *detail_title;
  GtkLabel *detail_subtitle;
  GtkButton *detail_approve_button;
  GtkButton *detail_reject_button;
  GtkStack *detail_stack;
  GtkSpinner *detail_spinner;
  AdwStatusPage *detail_error;
  GtkBox *detail_fields_box;
  GtkBox *audit_box;
  AdwBin *card_slot;
  AdwBin *fingerprint_slot;
  KsDuplicateView *duplicate_view;

  /* Owned */
  KsStation *station;
  KsSession *session;
  KsReference *reference;
  char *kp_id;                 /* the record shown, or being opened */
  KsRecordInfo *info;          /* its summary once opened; NULL while it opens */
  GCancellable *cancellable;   /* cancelled by dispose */
  GCancellable *opening;       /* the record being opened; cancelled by a newer one, dispose */
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (KsRecordDetail, ks_record_detail, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_loading (KsRecordDetail *self,
             gboolean        loading)
{
  gtk_spinner_set_spinning (self->detail_spinner, loading);
  if (self->loading == !!loading)
    return;
  self->loading = !!loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* What a worker reads for the record shown: the answer is shown only if the same record is
 * still open. */
typedef struct
{
  KsRecordDetail *self;
  char *kp_id;
} Load;

static Load *
load_new (KsRecordDetail *self,
          const char     *kp_id)
{
  Load *load = g_new0 (Load, 1);

  load->self = g_object_ref (self);
  load->kp_id = g_strdup (kp_id);
  return load;
}

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_free (load->kp_id);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static gboolean
can_review (KsRecordDetail *self)
{
  return self->session != NULL && ks_session_can (self->session, KS_PERMISSION_REVIEW);
}

/* Only a supervisor sees the decision buttons; the page's actions say when they work. */
static void
update_buttons (KsRecordDetail *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->detail_approve_button), can_review (self));
  gtk_widget_set_visible (GTK_WIDGET (self->detail_reject_button), can_review (self));
}

static const char *
gender_label (const char *gender)
{
  if (g_strcmp0 (gender, "male") == 0)
    return _("Male");
  if (g_strcmp0 (gender, "female") == 0)
    return _("Female");
  if (g_strcmp0 (gender, "transgender") == 0)
    return _("Transgender");
  return gender;
}

static char *
consents_text (KsRecordDetail *self,
               const char     *json)
{
  g_autoptr(GPtrArray) consents = json ? ks_consent_list_from_json (json, NULL) : NULL;
  GString *text = g_string_new (NULL);

  for (guint i = 0; consents && i < consents->len; i++)
    {
      KsConsent *consent = g_ptr_array_index (consents, i);
      const KsService *service = self->reference
        ? ks_reference_lookup_service (self->reference, consent->service_id) : NULL;

      if (text->len > 0)
        g_string_append (text, "\n");
      /* Translators: one service consent in the record detail: "Sehat Card: given" */
      g_string_append_printf (text, consent->granted ? _("%s: given") : _("%s: refused"),
                              service ? service->title_en : consent->service_id);
    }
  return g_string_free (text, FALSE);
}

static const char *
audit_action_label (const char *action)
{
  static const struct { const char *action; const char *label; } labels[] = {
    { "record-submitted", N_("Submitted") },
    { "record-edited", N_("Edited") },
    { "record-approved", N_("Approved") },
    { "record-rejected", N_("Rejected") },
    { "record-queued", N_("Queued for sync") },
    { "record-synced", N_("Synced") },
    { "record-sync-failed", N_("Sync failed") },
    { "card-issued", N_("Card issued") },
    { "card-revoked", N_("Card revoked") },
    { "card-printed", N_("Card printed") },
    { "card-exported", N_("Card saved to a file") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (action, labels[i].action) == 0)
      return _(labels[i].label);
  /* An entry a newer station wrote: said plainly rather than by its key. */
  return _("Other change");
}

/* What an audit entry's detail says, for people: the rejection reason's label, the kind of
 * print or file a card went to; anything else as written. */
static const char *
audit_detail_label (KsRecordDetail *self,
                    const char     *action,
                    const char     *detail)
{
  static const struct { const char *detail; const char *label; } outputs[] = {
    { "card-printer", N_("on card stock") },
    { "a4", N_("on an A4 sheet") },
    { "pdf", N_("as a PDF file") },
    { "png", N_("as a PNG image") },
  };

  if (detail == NULL || *detail == '\0')
    return NULL;
  if (g_strcmp0 (action, "record-rejected") == 0)
    return ks_review_reason_label (self->reference, detail);
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    if (g_strcmp0 (detail, outputs[i].detail) == 0)
      return _(outputs[i].label);
  return detail;
}

static void
audit_listed (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  KsRecordDetail *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = ks_audit_list_finish (result, &error);
  AdwPreferencesGroup *group;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (load->kp_id, self->kp_id) != 0)
    return;

  ks_review_remove_children (self->audit_box);
  group = ks_review_add_group (self->audit_box, _("History"));
  adw_preferences_group_set_description (group, _("From the station’s audit log"));
  if (entries == NULL)
    {
      ks_review_add_field_row (group, _("The history could not be read"), error->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      KsAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *when = ks_review_format_time (entry->at);
      g_autofree char *text = NULL;

      const char *detail = audit_detail_label (self, entry->action, entry->detail);

      if (detail != NULL)
        text = g_strdup_printf ("%s · %s · %s", when, entry->actor, detail);
      else
        text = g_strdup_printf ("%s · %s", when, entry->actor);
      ks_review_add_field_row (group, audit_action_label (entry->action), text);
    }
  if (entries->len == 0)
    ks_review_add_field_row (group, _("No entries"), NULL);
}

/* The history, read by core in a worker thread, shown if the same record is still open. */
static void
fill_audit (KsRecordDetail *self,
            const char     *kp_id)
{
  ks_review_remove_children (self->audit_box);
  ks_audit_list_async (ks_station_get_store (self->station), kp_id, 0, self->cancellable,
                       audit_listed, load_new (self, kp_id));
}


/* The card: signed off the UI thread (ks_station_issue_card_async()), shown if the same record
 * is still open. Core refuses it for a record no supervisor approved; the slot then says why,
 * and for a record still awaiting review it shows the enrollment slip core made instead. */
static void
card_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  KsRecordDetail *self = load->self;
  const char *kp_id = load->kp_id;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsSlip) slip = NULL;
  KsCard *card = ks_station_issue_card_finish (KS_STATION (object), result, &slip, &error);
  GtkWidget *child;

  /* The detail went away (dispose cancelled the call), or another record is shown now. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (kp_id, self->kp_id) != 0)
    {
      g_clear_pointer (&card, ks_card_free);
      return;
    }
  if (card != NULL)
    {
      child = ks_card_view_new ();
      ks_card_view_set_station (KS_CARD_VIEW (child), self->station);
      ks_card_view_set_card (KS_CARD_VIEW (child), card);
    }
  else if (g_error_matches (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED))
    {
      GtkWidget *label = gtk_label_new (error->message);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      gtk_box_append (GTK_BOX (child), label);
      if (slip != NULL)
        {
          GtkWidget *view = ks_slip_view_new ();

          ks_slip_view_set_slip (KS_SLIP_VIEW (view), g_steal_pointer (&slip));
          gtk_box_append (GTK_BOX (child), view);
        }
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("The card could not be made: %s"),
                                               error->message);
      child = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
    }
  adw_bin_set_child (self->card_slot, child);
}

static void
show_card (KsRecordDetail *self,
           const char     *kp_id)
{
  ks_station_issue_card_async (self->station, ks_station_get_session (self->station), kp_id,
                               self->cancellable, card_done, load_new (self, kp_id));
}

/* The record's fingers, as the supervisor checks them before deciding: each finger's state,
 * missing reason, quality, tries and the impression kept. Opened off the UI thread by core,
 * shown if the same record is still open. */
static GtkWidget *
finger_picture (const KsFingerCapture *c)
{
  g_autoptr(GdkTexture) texture = ks_review_finger_texture (c->image, c->width, c->height);
  GtkWidget *picture = gtk_picture_new ();

  gtk_widget_set_size_request (picture, 72, 72);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (picture, 6);
  gtk_widget_set_margin_bottom (picture, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fingerprint impression"), -1);
  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  return picture;
}

static char *
finger_summary (KsRecordDetail        *self,
                const KsFingerCapture *c)
{
  const char *label = ks_finger_get_label (c->finger);
  g_autofree char *grade = g_utf8_strdown (ks_fp_grade_to_string (c->quality.grade), -1);
  g_autofree char *text = NULL;

  switch (c->status)
    {
    case KS_FINGER_MISSING:
      {
        const KsReason *reason = self->reference != NULL
                                   ? ks_reference_lookup_missing_finger_reason (self->reference,
                                                                                c->reason)
                                   : NULL;
        g_autofree char *why = g_strdup (reason ? ks_reason_get_label (reason)
                                                : c->reason ? c->reason : "");

        /* Translators: "Left thumb, missing (Amputated)" */
        text = g_strdup_printf (_("%s, missing (%s)"), label, why);
      }
      break;
    case KS_FINGER_FORCED:
      /* Translators: "Left thumb, kept after 3 poor tries (poor)" */
      text = g_strdup_printf (_("%s, kept after %u poor tries (%s)"), label, c->tries, grade);
      break;
    case KS_FINGER_CAPTURED:
    default:
      /* Translators: "Left thumb, captured (good)" */
      text = g_strdup_printf (_("%s, captured (%s)"), label, grade);
      break;
    }
  return g_steal_pointer (&text);
}

static void
fingers_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  KsRecordDetail *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = ks_fingers_load_for_review_finish (result, &error);
  const char *kp_id = load->kp_id;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (kp_id, self->kp_id) != 0)
    return;
  if (fingers == NULL || fingers->len == 0)
    {
      g_autofree char *text = fingers == NULL
        ? g_strdup_printf (_("The fingerprints could not be opened: %s"), error->message)
        : g_strdup (_("No fingerprints were taken for this record."));

      child = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (child), TRUE);
      gtk_widget_add_css_class (child, fingers == NULL ? "error" : "dim-label");
      adw_bin_set_child (self->fingerprint_slot, child);
      return;
    }

  child = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (child), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (child, "boxed-list");
  for (guint i = 0; i < fingers->len; i++)
    {
      const KsFingerCapture *c = fingers->pdata[i];
      g_autofree char *summary = finger_summary (self, c);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *tries = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), summary);
      if (c->status != KS_FINGER_MISSING)
        {
          /* Translators: how often the finger was placed, and what the reader counted */
          tries = g_strdup_printf (ngettext ("%u try, %u minutiae",
                                             "%u tries, %u minutiae", c->tries),
                                   c->tries, c->quality.n_minutiae);
          if (c->duplicate)
            {
              /* Translators: "1 try, 52 minutiae; the same as another finger on record" */
              g_autofree char *both = g_strdup_printf (_("%s; the same as another finger on "
                                                         "record"), tries);
              adw_action_row_set_subtitle (ADW_ACTION_ROW (row), both);
            }
          else
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), tries);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), finger_picture (c));
        }
      if (c->status != KS_FINGER_CAPTURED || c->duplicate)
        {
          GtkWidget *flag = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (flag, "warning");
          gtk_accessible_update_property (GTK_ACCESSIBLE (flag), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          _("Needs the supervisor’s attention"), -1);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), flag);
        }
      gtk_list_box_append (GTK_LIST_BOX (child), row);
    }
  adw_bin_set_child (self->fingerprint_slot, child);
}

static void
show_fingers (KsRecordDetail *self,
              const char     *kp_id)
{
  g_autoptr(GError) error = NULL;
  KsVault *vault = ks_station_get_biometrics_vault (self->station, &error);

  if (vault == NULL || self->session == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The fingerprints could not be opened: %s"),
                                               error ? error->message : _("nobody is signed in"));
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      adw_bin_set_child (self->fingerprint_slot, label);
      return;
    }
  adw_bin_set_child (self->fingerprint_slot, gtk_spinner_new ());
  gtk_spinner_start (GTK_SPINNER (adw_bin_get_child (self->fingerprint_slot)));
  ks_fingers_load_for_review_async (ks_station_get_store (self->station), vault, self->session,
                                    kp_id, self->cancellable, fingers_loaded,
                                    load_new (self, kp_id));
}

/* Every field of the record just opened; then its history, card and fingers, each read by core
 * in a worker thread. */
static void
fill (KsRecordDetail *self,
      KsRecord       *record)
{
  const KsRecordInfo *info = self->info;
  const char *kp_id = info->kp_id;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *flags_text = NULL;
  g_autofree char *submitted = NULL;
  g_autofree char *decided = NULL;
  g_autofree char *consents = NULL;
  AdwPreferencesGroup *group;

  title = info->full_name_ur && *info->full_name_ur
    ? g_strdup_printf ("%s · %s", info->full_name, info->full_name_ur)
    : g_strdup (info->full_name);
  gtk_label_set_label (self->detail_title, title);
  flags = ks_record_flags_to_string (info->flags);
  subtitle = g_strdup_printf ("%s · %s%s%s", info->kp_id,
                              ks_record_outcome_label (info->state, info->decision),
                              *flags ? " · " : "", flags);
  gtk_label_set_label (self->detail_subtitle, subtitle);

  ks_review_remove_children (self->detail_fields_box);

  group = ks_review_add_group (self->detail_fields_box, _("Identity"));
  ks_review_add_field_row (group, _("Document"),
                           g_strcmp0 (ks_record_get (record, KS_FIELD_ID_KIND), "bform") == 0
                   ? _("B-form") : _("CNIC"));
  {
    g_autofree char *cnic = ks_review_format_cnic (ks_record_get (record, KS_FIELD_CNIC));
    ks_review_add_field_row (group, _("CNIC or B-form number"), cnic);
  }
  ks_review_add_field_row (group, _("Gender"), gender_label (ks_record_get (record,
                                                                            KS_FIELD_GENDER)));
  {
    g_autofree char *date = ks_format_iso_date (ks_record_get (record, KS_FIELD_DATE_OF_BIRTH));
    ks_review_add_field_row (group, _("Date of birth"), date);
  }

  group = ks_review_add_group (self->detail_fields_box, _("Personal Details"));
  ks_review_add_field_row (group, _("Full name"), ks_record_get (record, KS_FIELD_FULL_NAME));
  ks_review_add_field_row (group, _("Full name (Urdu)"),
                           ks_record_get (record, KS_FIELD_FULL_NAME_UR));
  ks_review_add_field_row (group,
                           g_strcmp0 (ks_record_get (record, KS_FIELD_RELATION), "husband") == 0
                   ? _("Husband’s name") : _("Father’s name"),
                           ks_record_get (record, KS_FIELD_FATHER_NAME));
  ks_review_add_field_row (group, _("Father’s or husband’s name (Urdu)"),
                           ks_record_get (record, KS_FIELD_FATHER_NAME_UR));
  {
    g_autofree char *cnic = ks_review_format_cnic (ks_record_get (record, KS_FIELD_GUARDIAN_CNIC));
    ks_review_add_field_row (group, _("Guardian’s CNIC"), cnic);
  }
  ks_review_add_field_row (group, _("Guardian’s name"),
                           ks_record_get (record, KS_FIELD_GUARDIAN_NAME));

  group = ks_review_add_group (self->detail_fields_box, _("Address and Contact"));
  ks_review_add_field_row (group, _("Mobile"), ks_record_get (record, KS_FIELD_MOBILE));
  ks_review_add_field_row (group, _("Email"), ks_record_get (record, KS_FIELD_EMAIL));
  ks_review_add_field_row (group, _("Address"), ks_record_get (record, KS_FIELD_ADDRESS_LINE1));
  ks_review_add_field_row (group, _("Address, second line"),
                           ks_record_get (record, KS_FIELD_ADDRESS_LINE2));
  ks_review_add_field_row (group, _("District"),
                           ks_review_district_label (self->reference,
                                                     ks_record_get (record, KS_FIELD_DISTRICT)));
  ks_review_add_field_row (group, _("Tehsil"),
                           ks_review_tehsil_label (self->reference,
                                                   ks_record_get (record, KS_FIELD_TEHSIL)));

  group = ks_review_add_group (self->detail_fields_box, _("Services and Consent"));
  consents = consents_text (self, ks_record_get (record, KS_FIELD_CONSENTS));
  ks_review_add_field_row (group, _("Consents"), *consents ? consents : _("None recorded"));

  group = ks_review_add_group (self->detail_fields_box, _("Enrollment"));
  submitted = ks_review_format_time (info->submitted_at);
  ks_review_add_field_row (group, _("Enrolled by"), info->operator);
  ks_review_add_field_row (group, _("Submitted"), submitted);
  {
    g_autofree char *version = g_strdup_printf ("%d", info->version);
    ks_review_add_field_row (group, _("Version"), version);
  }
  flags_text = ks_record_flags_describe (info->flags);
  ks_review_add_field_row (group, _("Exceptions"), *flags_text ? flags_text : _("None"));
  if (info->decision != 0)
    {
      decided = ks_review_format_time (info->decided_at);
      ks_review_add_field_row (group, _("Decision"),
                               ks_record_outcome_label (info->state, info->decision));
      ks_review_add_field_row (group, _("Decided by"), info->decided_by);
      ks_review_add_field_row (group, _("Decided"), decided);
      if (info->decision == KS_RECORD_STATE_REJECTED)
        ks_review_add_field_row (group, _("Reason"),
                                 ks_review_reason_label (self->reference, info->reason));
      ks_review_add_field_row (group, _("Note"), info->note);
    }

  fill_audit (self, kp_id);
  update_buttons (self);
  show_card (self, kp_id);
  show_fingers (self, kp_id);
  ks_duplicate_view_show (self->duplicate_view, kp_id);
}

static void
record_opened (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  KsRecordDetail *self = load->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = ks_records_open_for_review_finish (result, &info, &error);

  /* The detail went away, or another record was asked for meanwhile: only that one shows. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_strcmp0 (load->kp_id, self->kp_id) != 0)
    return;
  g_clear_object (&self->opening);
  if (record == NULL)
    {
      adw_status_page_set_description (self->detail_error, error->message);
      gtk_label_set_label (self->detail_subtitle, self->kp_id);
      gtk_stack_set_visible_child_name (self->detail_stack, "error");
      set_loading (self, FALSE);
      return;
    }
  g_clear_pointer (&self->info, ks_record_info_free);
  self->info = g_steal_pointer (&info);
  fill (self, record);
  gtk_stack_set_visible_child_name (self->detail_stack, "record");
  set_loading (self, FALSE);
}

/* The side-by-side view's "Open …": the other record, in this detail. */
static void
open_other_record (KsRecordDetail *self,
                   const char     *kp_id)
{
  ks_record_detail_show (self, kp_id);
}

/**
 * ks_record_detail_show:
 *
 * Opens the record: core reads it in a worker thread (and checks that the person signed in
 * may see it) while the detail says so; then it shows every field of the record, its card and
 * fingerprint slots and its audit trail, or why it could not be opened. Only the record asked
 * for last is ever shown.
 */
void
ks_record_detail_show (KsRecordDetail *self,
                       const char     *id)
{
  /* A copy: @id may be self->kp_id, replaced below. */
  g_autofree char *kp_id = g_strdup (id);

  g_return_if_fail (KS_IS_RECORD_DETAIL (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (self->station != NULL);
  g_return_if_fail (self->session != NULL);

  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  g_clear_pointer (&self->info, ks_record_info_free);
  g_free (self->kp_id);
  self->kp_id = g_strdup (kp_id);

  /* Nothing of the record shown before stays on screen while this one opens. */
  gtk_label_set_label (self->detail_title, kp_id);
  gtk_label_set_label (self->detail_subtitle, "");
  ks_review_remove_children (self->detail_fields_box);
  ks_review_remove_children (self->audit_box);
  adw_bin_set_child (self->card_slot, NULL);
  adw_bin_set_child (self->fingerprint_slot, NULL);
  ks_duplicate_view_show (self->duplicate_view, NULL);
  gtk_stack_set_visible_child_name (self->detail_stack, "loading");
  set_loading (self, TRUE);

  self->opening = g_cancellable_new ();
  ks_records_open_for_review_async (ks_station_get_store (self->station), self->session, kp_id,
                                    self->opening, record_opened, load_new (self, kp_id));
}

/**
 * ks_record_detail_is_loading:
 *
 * Returns: %TRUE while the record asked for last is being opened
 */
gboolean
ks_record_detail_is_loading (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), FALSE);
  return self->loading;
}

/**
 * ks_record_detail_get_kp_id:
 *
 * Returns: (nullable): the Khyber Pass ID of the record shown last
 */
const char *
ks_record_detail_get_kp_id (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), NULL);
  return self->kp_id;
}

/**
 * ks_record_detail_get_info:
 *
 * Returns: (nullable): the summary of the record shown last, as read when it was shown
 */
const KsRecordInfo *
ks_record_detail_get_info (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), NULL);
  return self->info;
}

/**
 * ks_record_detail_get_card_slot:
 *
 * Returns: (transfer none): the place for the record's card preview (a KsCardView)
 */
AdwBin *
ks_record_detail_get_card_slot (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), NULL);
  return self->card_slot;
}

/**
 * ks_record_detail_get_fingerprint_slot:
 *
 * Returns: (transfer none): the place for the record's fingerprint images and quality
 */
AdwBin *
ks_record_detail_get_fingerprint_slot (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), NULL);
  return self->fingerprint_slot;
}

/**
 * ks_record_detail_get_duplicate_view:
 *
 * Returns: (transfer none): the side-by-side view of the record's possible duplicates
 */
KsDuplicateView *
ks_record_detail_get_duplicate_view (KsRecordDetail *self)
{
  g_return_val_if_fail (KS_IS_RECORD_DETAIL (self), NULL);
  return self->duplicate_view;
}

/**
 * ks_record_detail_set_station:
 * @reference: (nullable): for district names, services and reasons
 */
void
ks_record_detail_set_station (KsRecordDetail *self,
                              KsStation      *station,
                              KsReference    *reference)
{
  g_return_if_fail (KS_IS_RECORD_DETAIL (self));
  g_return_if_fail (KS_IS_STATION (station));

  g_set_object (&self->station, station);
  g_clear_pointer (&self->reference, ks_reference_unref);
  self->reference = reference ? ks_reference_ref (reference) : NULL;
  ks_duplicate_view_set_station (self->duplicate_view, station, reference);
}

/**
 * ks_record_detail_set_session:
 *
 * Forgets the record shown: the next person to sign in sees none of it.
 */
void
ks_record_detail_set_session (KsRecordDetail *self,
                              KsSession      *session)
{
  g_return_if_fail (KS_IS_RECORD_DETAIL (self));

  g_set_object (&self->session, session);
  ks_duplicate_view_set_session (self->duplicate_view, session);
  ks_duplicate_view_show (self->duplicate_view, NULL);
  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  g_clear_pointer (&self->info, ks_record_info_free);
  g_clear_pointer (&self->kp_id, g_free);
  set_loading (self, FALSE);
}

static void
ks_record_detail_dispose (GObject *object)
{
  KsRecordDetail *self = (KsRecordDetail *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->opening);
  g_clear_object (&self->opening);
  g_clear_object (&self->session);
  g_clear_object (&self->station);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->reference, ks_reference_unref);

  G_OBJECT_CLASS (ks_record_detail_parent_class)->dispose (object);
}

static void
ks_record_detail_finalize (GObject *object)
{
  KsRecordDetail *self = (KsRecordDetail *)object;

  g_clear_pointer (&self->info, ks_record_info_free);
  g_free (self->kp_id);

  G_OBJECT_CLASS (ks_record_detail_parent_class)->finalize (object);
}

static void
ks_record_detail_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KsRecordDetail *self = KS_RECORD_DETAIL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_record_detail_class_init (KsRecordDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ks_record_detail_dispose;
  object_class->finalize = ks_record_detail_finalize;
  object_class->get_property = ks_record_detail_get_property;

  /**
   * KsRecordDetail:loading:
   *
   * Whether the record asked for last is being opened.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (KS_TYPE_DUPLICATE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-record-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_title);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_approve_button);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_reject_button);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_spinner);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_error);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, detail_fields_box);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, audit_box);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, card_slot);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, fingerprint_slot);
  gtk_widget_class_bind_template_child (widget_class, KsRecordDetail, duplicate_view);
  gtk_widget_class_bind_template_callback (widget_class, open_other_record);
}

static void
ks_record_detail_init (KsRecordDetail *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  update_buttons (self);
}
