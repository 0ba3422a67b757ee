/* ks-enroll-start.c: the enrollment start page
 *
 * What the operator sees before an enrollment: the button to start one, why new enrollments
 * are stopped (the station's rules), their own unfinished drafts and, for supervisors, the
 * drafts nobody has touched for days. It only shows them: the enroll page reads the drafts
 * and acts on the "resume-draft" and "discard-draft" signals.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-start"

#include "ks-l10n.h"
#include "config.h"

#include <glib/gi18n.h>

#include "ks-records.h"
#include "ks-enroll-start.h"

struct _KsEnrollStart
{
  AdwBin parent_instance;

  /* Template widgets */
  GtkLabel *rules_label;
  GtkButton *new_button;
  AdwPreferencesGroup *drafts_group;
  AdwPreferencesGroup *stale_group;
  GtkListBox *drafts_list;
  GtkListBox *stale_list;
};

enum {
  RESUME_DRAFT,
  DISCARD_DRAFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KsEnrollStart, ks_enroll_start, ADW_TYPE_BIN)

static void
on_discard_clicked (GtkButton *button,
                    gpointer   user_data)
{
  GtkWidget *self = gtk_widget_get_ancestor (GTK_WIDGET (button), KS_TYPE_ENROLL_START);

  if (self != NULL)
    g_signal_emit (self, signals[DISCARD_DRAFT], 0, (gint64)GPOINTER_TO_SIZE (user_data));
}

static void
on_draft_activated (KsEnrollStart *self,
                    GtkListBoxRow *row)
{
  g_signal_emit (self, signals[RESUME_DRAFT], 0,
                 (gint64)GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "draft-id")));
}

static GtkWidget *
draft_row (KsDraftInfo *info,
           gboolean     show_operator)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *discard = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (info->updated_at / G_USEC_PER_SEC);
  g_autofree char *time_text = ks_format_day_time (when);
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 info->full_name && *info->full_name ? info->full_name
                                                                     : _("Name not entered yet"));
  /* Translators: a draft's subtitle: CNIC · saved <date> [· operator] */
  subtitle = g_strdup_printf (_("%s · saved %s%s%s"),
                              info->cnic && *info->cnic ? info->cnic : _("no CNIC yet"),
                              time_text, show_operator ? " · " : "",
                              show_operator ? info->operator : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_object_set_data (G_OBJECT (row), "draft-id", GSIZE_TO_POINTER (info->id));

  gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (discard, "flat");
  gtk_widget_set_tooltip_text (discard, _("Discard this draft"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (discard), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Discard this draft"), -1);
  g_signal_connect (discard, "clicked", G_CALLBACK (on_discard_clicked),
                    GSIZE_TO_POINTER (info->id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);
  if (!show_operator)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
    }
  return row;
}

static void
ks_enroll_start_class_init (KsEnrollStartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* The operator picked one of their drafts to continue (its id). */
  signals[RESUME_DRAFT] = g_signal_new ("resume-draft", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_INT64);
  /* The operator pressed a draft's Discard button (its id). */
  signals[DISCARD_DRAFT] = g_signal_new ("discard-draft", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-enroll-start.ui");
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, rules_label);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, new_button);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, drafts_group);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, stale_group);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, drafts_list);
  gtk_widget_class_bind_template_child (widget_class, KsEnrollStart, stale_list);
}

static void
ks_enroll_start_init (KsEnrollStart *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->drafts_list, "row-activated", G_CALLBACK (on_draft_activated),
                           self, G_CONNECT_SWAPPED);
}

/**
 * ks_enroll_start_set_drafts:
 * @mine: (nullable) (element-type KsDraftInfo): the operator's own drafts
 * @stale: (nullable) (element-type KsDraftInfo): drafts untouched for days, for a supervisor
 *
 * Lists the drafts; a group without any is hidden.
 */
void
ks_enroll_start_set_drafts (KsEnrollStart *self,
                            GPtrArray     *mine,
                            GPtrArray     *stale)
{
  GtkWidget *child;

  g_return_if_fail (KS_IS_ENROLL_START (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->drafts_list))))
    gtk_list_box_remove (self->drafts_list, child);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->stale_list))))
    gtk_list_box_remove (self->stale_list, child);

  for (guint i = 0; mine && i < mine->len; i++)
    gtk_list_box_append (self->drafts_list, draft_row (mine->pdata[i], FALSE));
  gtk_widget_set_visible (GTK_WIDGET (self->drafts_group), mine && mine->len > 0);
  for (guint i = 0; stale && i < stale->len; i++)
    gtk_list_box_append (self->stale_list, draft_row (stale->pdata[i], TRUE));
  gtk_widget_set_visible (GTK_WIDGET (self->stale_group), stale && stale->len > 0);
}

/**
 * ks_enroll_start_show_message:
 * @message: (nullable): why new enrollments are stopped, or what failed; %NULL hides it
 */
void
ks_enroll_start_show_message (KsEnrollStart *self,
                              const char    *message)
{
  g_return_if_fail (KS_IS_ENROLL_START (self));

  gtk_label_set_label (self->rules_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->rules_label), message != NULL);
}

void
ks_enroll_start_focus_new (KsEnrollStart *self)
{
  g_return_if_fail (KS_IS_ENROLL_START (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->new_button));
}
