/* ks-review-page-actions.c: the Review page's actions: decisions and navigation
 *
 * Every action of the page is installed here, and _ks_review_page_actions_update() alone says
 * which of them work now. Decisions ask for the supervisor's password once per batch; core
 * checks it (Argon2) and decides the batch in a worker thread so the window keeps drawing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-review-page"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-review-page-private.h"
#include "ks-ui-util.h"

/* Decisions **************************************************************************/

/* What the supervisor is deciding, while the dialogs ask for the reason and the password. */
typedef struct
{
  KsReviewPage *self;
  KsSession *session;          /* who started it, even if the screen locks meanwhile */
  GStrv kp_ids;
  KsRecordState to;
  char *reason;
  char *note;
  guint n_exceptions;
  gboolean confirmed_exceptions;
} Decision;

static void
decision_free (Decision *d)
{
  g_clear_object (&d->self);
  g_clear_object (&d->session);
  g_strfreev (d->kp_ids);
  g_free (d->reason);
  g_free (d->note);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decision, decision_free)

static void
on_decided (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Decision) d = user_data;
  KsReviewPage *self = d->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *kp_id = NULL;
  guint n = g_strv_length (d->kp_ids);
  gboolean decided = ks_station_decide_finish (KS_STATION (object), result, &error);

  /* The page went away while the worker ran (dispose cancelled it): nothing to show. */
  if (self->station == NULL)
    return;
  self->deciding = FALSE;
  if (!decided)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        ks_ui_toast (GTK_WIDGET (self), error->message);
      _ks_review_page_actions_update (self);
      return;
    }

  message = g_strdup_printf (d->to == KS_RECORD_STATE_APPROVED
                               ? ngettext ("%u record approved and queued "
                                           "for sync", "%u records approved and queued for "
                                           "sync", n)
                               : ngettext ("%u record rejected; the rejection "
                                           "syncs too", "%u records rejected; the rejections "
                                           "sync too", n),
                             n);
  ks_ui_toast (GTK_WIDGET (self), message);
  ks_review_page_refresh (self);
  kp_id = g_strdup (ks_record_detail_get_kp_id (self->detail));
  if (kp_id != NULL &&
      g_str_equal (gtk_stack_get_visible_child_name (self->records_stack), "detail"))
    ks_review_page_show_record (self, kp_id);
}

/* Core checks the password and decides in a worker thread; @password is copied there. */
static void
run_decision (KsReviewPage *self,
              Decision     *d,
              const char   *password)
{
  /* The window was rebuilt (another language) while the dialog was open. */
  if (self->station == NULL)
    {
      decision_free (d);
      return;
    }
  self->deciding = TRUE;
  _ks_review_page_actions_update (self);
  ks_station_decide_async (self->station, d->session, password,
                           (const char *const *)d->kp_ids, d->to, d->reason, d->note,
                           d->confirmed_exceptions, self->cancellable, on_decided, d);
}

/* The dialog owns the decision until the supervisor confirms it: a dialog closed any other
 * way frees it with itself. */
static void
on_password_response (AdwMessageDialog *dialog,
                      const char       *response)
{
  GtkEditable *password = g_object_get_data (G_OBJECT (dialog), "password");
  AdwComboRow *reason_row = g_object_get_data (G_OBJECT (dialog), "reason");
  GtkEditable *note = g_object_get_data (G_OBJECT (dialog), "note");
  g_autoptr(Decision) owned = NULL;
  Decision *d;
  KsReviewPage *self;

  if (!g_str_equal (response, "decide"))
    return;
  owned = d = g_object_steal_data (G_OBJECT (dialog), "decision");
  if (d == NULL)
    return;
  self = d->self;

  if (note != NULL)
    d->note = g_strdup (gtk_editable_get_text (note));
  if (reason_row != NULL && self->reference != NULL)
    {
      GPtrArray *reasons = ks_reference_get_rejection_reasons (self->reference);
      guint index = adw_combo_row_get_selected (reason_row);

      if (index < reasons->len)
        d->reason = g_strdup (((KsReason *)g_ptr_array_index (reasons, index))->id);
    }
  run_decision (self, g_steal_pointer (&owned), gtk_editable_get_text (password));
  /* The entry keeps its own copy of the text: clear it now, not when GC gets to it. */
  gtk_editable_set_text (password, "");
}

static void
on_password_activated (AdwMessageDialog *dialog)
{
  /* Emits "response" (deciding) like a click on the button, then closes the dialog. */
  adw_message_dialog_response (dialog, "decide");
  gtk_window_close (GTK_WINDOW (dialog));
}

/* The rejection reasons, each in full: a long one wraps instead of ending in "…", in the row
 * and in its list. */
static void
setup_reason (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_list_item_set_child (item, label);
}

static void
bind_reason (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  GtkStringObject *reason = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (reason));
}

static void
ask_password (KsReviewPage *self,
              Decision     *d)
{
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *password = adw_password_entry_row_new ();
  g_autofree char *heading = NULL;
  guint n = g_strv_length (d->kp_ids);
  gboolean reject = d->to == KS_RECORD_STATE_REJECTED;

  if (reject)
    heading = g_strdup_printf (ngettext ("Reject %u Record?",
                                         "Reject %u Records?", n), n);
  else
    heading = g_strdup_printf (ngettext ("Approve %u Record?",
                                         "Approve %u Records?", n), n);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading,
                                   reject ? _("Choose the reason the citizen will be told, then "
                                              "enter your password to confirm.")
                                          : _("Approved records are queued for sync to the "
                                              "registry. Enter your password to confirm."));
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");

  if (reject)
    {
      GtkWidget *reason = adw_combo_row_new ();
      GtkWidget *note = adw_entry_row_new ();
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      GPtrArray *reasons = self->reference ? ks_reference_get_rejection_reasons (self->reference)
                                           : NULL;

      for (guint i = 0; reasons && i < reasons->len; i++)
        gtk_string_list_append (labels, ks_reason_get_label (g_ptr_array_index (reasons, i)));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_reason), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_reason), NULL);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason), _("Reason"));
      /* One line: wrapped, the short Urdu and Pashto title ("وجہ") measured two different
       * minimum widths in GTK 4.8 (a critical warning, widgets drawn over each other). */
      adw_action_row_set_title_lines (ADW_ACTION_ROW (reason), 1);
      adw_combo_row_set_factory (ADW_COMBO_ROW (reason), factory);
      adw_combo_row_set_model (ADW_COMBO_ROW (reason), G_LIST_MODEL (labels));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (note), _("Note (optional)"));
      gtk_list_box_append (GTK_LIST_BOX (list), reason);
      gtk_list_box_append (GTK_LIST_BOX (list), note);
      g_object_set_data (G_OBJECT (dialog), "reason", reason);
      g_object_set_data (G_OBJECT (dialog), "note", note);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (password), _("Your password"));
  gtk_list_box_append (GTK_LIST_BOX (list), password);
  g_object_set_data (G_OBJECT (dialog), "password", password);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "decide", reject ? _("_Reject") : _("_Approve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decide",
                                              reject ? ADW_RESPONSE_DESTRUCTIVE
                                                     : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "decide");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "decision", d, (GDestroyNotify)decision_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_password_response), NULL);
  /* Enter in the password confirms, as the default button would. */
  g_signal_connect_swapped (password, "entry-activated", G_CALLBACK (on_password_activated),
                            dialog);
  ks_ui_drop_focus_on_close (GTK_WINDOW (dialog));
  ks_ui_skip_reveal_buttons (list);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (password);
}

static void
on_exceptions_response (AdwMessageDialog *dialog,
                        const char       *response)
{
  Decision *d;

  if (!g_str_equal (response, "confirm"))
    return;
  d = g_object_steal_data (G_OBJECT (dialog), "decision");
  if (d == NULL)
    return;
  d->confirmed_exceptions = TRUE;
  ask_password (d->self, d);
}

/* Takes @kp_ids. Approving records with forced or missing fingers takes an explicit second
 * step before the password. */
static void
start_decision (KsReviewPage *self,
                GStrv         kp_ids,
                KsRecordState to,
                guint         n_exceptions)
{
  Decision *d = g_new0 (Decision, 1);

  d->self = g_object_ref (self);
  d->session = g_object_ref (self->session);
  d->kp_ids = kp_ids;
  d->to = to;
  d->n_exceptions = n_exceptions;

  if (to == KS_RECORD_STATE_APPROVED && n_exceptions > 0)
    {
      guint n = g_strv_length (kp_ids);
      g_autofree char *body = g_strdup_printf (ngettext (
                                                 "%u of the %u records has forced "
                                                 "or missing fingerprints. Approve "
                                                 "only if you checked the reason "
                                                 "given for it.",
                                                 "%u of the %u records have forced "
                                                 "or missing fingerprints. Approve "
                                                 "only if you checked the reason "
                                                 "given for each.",
                                                 n_exceptions),
                                               n_exceptions, n);
      GtkWidget *dialog =
        adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                _("Approve Fingerprint Exceptions?"), body);

      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "confirm", _("Approve _Exceptions"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "decision", d, (GDestroyNotify)decision_free);
      g_signal_connect (dialog, "response", G_CALLBACK (on_exceptions_response), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  ask_password (self, d);
}

static void
decide_selected (KsReviewPage *self,
                 KsRecordState to)
{
  g_autoptr(GtkBitset) selected = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GtkBitsetIter iter;
  guint position;
  guint n_exceptions = 0;
  guint64 n;

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  n = gtk_bitset_get_size (selected);
  if (n == 0)
    return;
  if (n > KS_RECORDS_MAX_BATCH)
    {
      g_autofree char *message = g_strdup_printf (_("%'llu records are selected; decide at most "
                                                    "%'u at a time. Narrow the list with the "
                                                    "filters first."),
                                                  (unsigned long long)n, KS_RECORDS_MAX_BATCH);
      ks_ui_toast (GTK_WIDGET (self), message);
      return;
    }
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, selected, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(KsRecordRow) row = g_list_model_get_item (G_LIST_MODEL (self->list), position);

      if (row == NULL)
        continue;
      g_strv_builder_add (ids, ks_record_row_get_kp_id (row));
      n_exceptions += (ks_record_row_get_flags (row) & KS_RECORD_FLAGS_EXCEPTIONS) != 0;
    }
  start_decision (self, g_strv_builder_end (ids), to, n_exceptions);
}

static void
approve_selected_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  decide_selected (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_APPROVED);
}

static void
reject_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  decide_selected (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_REJECTED);
}

static void
decide_record (KsReviewPage *self,
               KsRecordState to)
{
  const KsRecordInfo *info = ks_record_detail_get_info (self->detail);
  const char *ids[] = { ks_record_detail_get_kp_id (self->detail), NULL };

  if (info == NULL)
    return;
  start_decision (self, g_strdupv ((char **)ids), to,
                  (info->flags & KS_RECORD_FLAGS_EXCEPTIONS) != 0);
}

static void
approve_record_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  decide_record (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_APPROVED);
}

static void
reject_record_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  decide_record (KS_REVIEW_PAGE (widget), KS_RECORD_STATE_REJECTED);
}


/* Navigation *************************************************************************/

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  ks_review_page_show_list (KS_REVIEW_PAGE (widget));
}


/**
 * _ks_review_page_actions_update:
 *
 * Enables what the signed-in person may do now: decide the selected records or the record
 * shown, while no other decision runs.
 */
void
_ks_review_page_actions_update (KsReviewPage *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  const KsRecordInfo *info = ks_record_detail_get_info (self->detail);
  gboolean can_review = _ks_review_page_can_review (self);
  gboolean open = info != NULL && info->state == KS_RECORD_STATE_SUBMITTED;
  guint64 n_selected = 0;

  if (self->selection != NULL)
    {
      selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
      n_selected = gtk_bitset_get_size (selected);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve-selected",
                                 can_review && n_selected > 0 && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject-selected",
                                 can_review && n_selected > 0 && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.approve-record",
                                 can_review && open && !self->deciding);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "review.reject-record",
                                 can_review && open && !self->deciding);
}

void
_ks_review_page_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "review.approve-selected", NULL,
                                   approve_selected_action);
  gtk_widget_class_install_action (widget_class, "review.reject-selected", NULL,
                                   reject_selected_action);
  gtk_widget_class_install_action (widget_class, "review.approve-record", NULL,
                                   approve_record_action);
  gtk_widget_class_install_action (widget_class, "review.reject-record", NULL,
                                   reject_record_action);
  gtk_widget_class_install_action (widget_class, "review.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "review.back", NULL);
}
