/* ks-password-form.c: user name and password, as sign-in and lock ask for them
 *
 * The keyboard path an operator takes many times a day: the user name (when asked), Enter or
 * Tab to the password, Enter to submit. The "show text" button of the password is not a tab
 * stop (ks_ui_skip_reveal_buttons()). The form only collects and shows: the page owning it
 * checks the password (in a worker thread, KsStation) and says how it went with
 * ks_password_form_failed() or ks_password_form_clear_password(). Enter and the button both
 * activate the page's action named by "submit-action", so the page can disable it while busy.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-password-form"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ks-password-form.h"
#include "ks-ui-util.h"

struct _KsPasswordForm
{
  GtkBox parent_instance;

  /* Template widgets */
  AdwPreferencesGroup *group;
  AdwEntryRow *username_row;      /* NULL once removed (show-username off) */
  AdwEntryRow *password_row;
  GtkLabel *message_label;
  GtkBox *button_box;
  GtkButton *submit_button;
  GtkSpinner *spinner;
  GtkLabel *submit_label;

  /* Owned */
  char *submit_action;
  gboolean busy;
};

enum {
  PROP_0,
  PROP_SHOW_USERNAME,
  PROP_SUBMIT_LABEL,
  PROP_SUBMIT_ACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkBuildableIface *parent_buildable_iface;

static void ks_password_form_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KsPasswordForm, ks_password_form, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      ks_password_form_buildable_init))

/* <child type="start"> puts a button before the submit button (the lock's Sign Out). */
static void
ks_password_form_add_child (GtkBuildable *buildable,
                            GtkBuilder   *builder,
                            GObject      *child,
                            const char   *type)
{
  KsPasswordForm *self = KS_PASSWORD_FORM (buildable);

  if (g_strcmp0 (type, "start") == 0 && GTK_IS_WIDGET (child) && self->button_box != NULL)
    gtk_box_prepend (self->button_box, GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
ks_password_form_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = ks_password_form_add_child;
}

static void
on_changed (KsPasswordForm *self)
{
  /* Typing again hides the last message; not while the password is being checked. */
  if (!self->busy)
    ks_password_form_show_message (self, NULL);
}

static void
on_username_activated (KsPasswordForm *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
on_password_activated (KsPasswordForm *self)
{
  if (self->submit_action != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), self->submit_action, NULL);
}

static void
set_show_username (KsPasswordForm *self,
                   gboolean        show)
{
  /* Removed rather than hidden: the group's boxed list then looks as with one row only. */
  if (!show && self->username_row != NULL)
    {
      adw_preferences_group_remove (self->group, GTK_WIDGET (self->username_row));
      self->username_row = NULL;
    }
}

static void
ks_password_form_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KsPasswordForm *self = KS_PASSWORD_FORM (object);

  switch (prop_id)
    {
    case PROP_SHOW_USERNAME:
      g_value_set_boolean (value, self->username_row != NULL);
      break;
    case PROP_SUBMIT_LABEL:
      g_value_set_string (value, gtk_label_get_label (self->submit_label));
      break;
    case PROP_SUBMIT_ACTION:
      g_value_set_string (value, self->submit_action);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_password_form_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KsPasswordForm *self = KS_PASSWORD_FORM (object);

  switch (prop_id)
    {
    case PROP_SHOW_USERNAME:
      set_show_username (self, g_value_get_boolean (value));
      break;
    case PROP_SUBMIT_LABEL:
      gtk_label_set_label (self->submit_label, g_value_get_string (value));
      break;
    case PROP_SUBMIT_ACTION:
      g_free (self->submit_action);
      self->submit_action = g_value_dup_string (value);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->submit_button), self->submit_action);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_password_form_dispose (GObject *object)
{
  KsPasswordForm *self = (KsPasswordForm *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), KS_TYPE_PASSWORD_FORM);

  G_OBJECT_CLASS (ks_password_form_parent_class)->dispose (object);
}

static void
ks_password_form_finalize (GObject *object)
{
  KsPasswordForm *self = (KsPasswordForm *)object;

  g_free (self->submit_action);

  G_OBJECT_CLASS (ks_password_form_parent_class)->finalize (object);
}

static void
ks_password_form_class_init (KsPasswordFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ks_password_form_get_property;
  object_class->set_property = ks_password_form_set_property;
  object_class->dispose = ks_password_form_dispose;
  object_class->finalize = ks_password_form_finalize;

  /* Whether the form asks for a user name (sign-in) or only the password (lock). */
  properties[PROP_SHOW_USERNAME] =
    g_param_spec_boolean ("show-username", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The submit button's label, with a mnemonic ("_Sign In"). */
  properties[PROP_SUBMIT_LABEL] =
    g_param_spec_string ("submit-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The action the button and Enter in the password activate ("signin.sign-in"). */
  properties[PROP_SUBMIT_ACTION] =
    g_param_spec_string ("submit-action", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-password-form.ui");
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, group);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, username_row);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, password_row);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, message_label);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, button_box);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, submit_button);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, KsPasswordForm, submit_label);
  gtk_widget_class_bind_template_callback (widget_class, on_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_username_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_password_activated);
}

static void
ks_password_form_init (KsPasswordForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ks_ui_skip_reveal_buttons (GTK_WIDGET (self->password_row));
}

const char *
ks_password_form_get_username (KsPasswordForm *self)
{
  g_return_val_if_fail (KS_IS_PASSWORD_FORM (self), NULL);
  return self->username_row ? gtk_editable_get_text (GTK_EDITABLE (self->username_row)) : "";
}

const char *
ks_password_form_get_password (KsPasswordForm *self)
{
  g_return_val_if_fail (KS_IS_PASSWORD_FORM (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->password_row));
}

/**
 * ks_password_form_check:
 *
 * Returns: %TRUE when every field is filled; otherwise says what is missing and puts the
 *   keyboard there
 */
gboolean
ks_password_form_check (KsPasswordForm *self)
{
  g_return_val_if_fail (KS_IS_PASSWORD_FORM (self), FALSE);

  if (self->username_row != NULL && *ks_password_form_get_username (self) == '\0')
    {
      ks_password_form_show_message (self, _("Enter your user name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
      return FALSE;
    }
  if (*ks_password_form_get_password (self) == '\0')
    {
      ks_password_form_show_message (self, _("Enter your password."));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return FALSE;
    }
  return TRUE;
}

/**
 * ks_password_form_set_busy:
 *
 * Spins while the password is checked; messages stay as they are meanwhile.
 */
void
ks_password_form_set_busy (KsPasswordForm *self,
                           gboolean        busy)
{
  g_return_if_fail (KS_IS_PASSWORD_FORM (self));

  self->busy = !!busy;
  gtk_spinner_set_spinning (self->spinner, self->busy);
}

/**
 * ks_password_form_show_message:
 * @message: (nullable): what went wrong and what to do; %NULL hides the message
 */
void
ks_password_form_show_message (KsPasswordForm *self,
                               const char     *message)
{
  g_return_if_fail (KS_IS_PASSWORD_FORM (self));

  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/**
 * ks_password_form_failed:
 *
 * The password was refused: it is cleared, @message shown, and the keyboard is on the
 * password again.
 */
void
ks_password_form_failed (KsPasswordForm *self,
                         const char     *message)
{
  g_return_if_fail (KS_IS_PASSWORD_FORM (self));

  /* Clear first: clearing counts as an edit, and edits hide the message. */
  ks_password_form_clear_password (self);
  ks_password_form_show_message (self, message);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

void
ks_password_form_clear_password (KsPasswordForm *self)
{
  g_return_if_fail (KS_IS_PASSWORD_FORM (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

/**
 * ks_password_form_reset:
 *
 * Empty fields, no message, and the keyboard on the first field: as the form is shown.
 */
void
ks_password_form_reset (KsPasswordForm *self)
{
  g_return_if_fail (KS_IS_PASSWORD_FORM (self));

  if (self->username_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), "");
  ks_password_form_clear_password (self);
  ks_password_form_show_message (self, NULL);
  gtk_widget_grab_focus (self->username_row ? GTK_WIDGET (self->username_row)
                                            : GTK_WIDGET (self->password_row));
}
