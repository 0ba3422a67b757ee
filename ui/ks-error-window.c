/* ks-error-window.c: the station cannot start, and says why and what to do
 *
 * Shown instead of the main window when the profile is in use, the data folder is not
 * writable, or the database is damaged or from a newer station. Nothing has been written at
 * that point; the message (from core) tells the operator what to do next.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-error-window"

#include "config.h"

#include "ks-error-window.h"

struct _KsErrorWindow
{
  AdwApplicationWindow parent_instance;

  AdwStatusPage *status_page;
  GtkButton *quit_button;
};

G_DEFINE_FINAL_TYPE (KsErrorWindow, ks_error_window, ADW_TYPE_APPLICATION_WINDOW)

static void
ks_error_window_class_init (KsErrorWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-error-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KsErrorWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, KsErrorWindow, quit_button);
}

static void
ks_error_window_init (KsErrorWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

KsErrorWindow *
ks_error_window_new (GtkApplication *application,
                     const GError   *error)
{
  KsErrorWindow *self = g_object_new (KS_TYPE_ERROR_WINDOW, "application", application, NULL);

  adw_status_page_set_description (self->status_page, error->message);
  gtk_widget_grab_focus (GTK_WIDGET (self->quit_button));
  return self;
}
