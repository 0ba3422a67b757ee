/* ks-account.c: operator accounts, roles and what each role may do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-account"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-account.h"

struct _KsAccount
{
  GObject parent_instance;

  gint64 id;
  char *username;
  char *full_name;
  KsRole role;
  gboolean disabled;
  char *language;
  gint64 locked_until;
};

enum {
  PROP_0,
  PROP_USERNAME,
  PROP_FULL_NAME,
  PROP_ROLE_LABEL,
  PROP_DISABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (KsAccount, ks_account, G_TYPE_OBJECT)

static void
ks_account_finalize (GObject *object)
{
  KsAccount *self = (KsAccount *)object;

  g_free (self->username);
  g_free (self->full_name);
  g_free (self->language);

  G_OBJECT_CLASS (ks_account_parent_class)->finalize (object);
}

static void
ks_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KsAccount *self = KS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;

    case PROP_FULL_NAME:
      g_value_set_string (value, self->full_name);
      break;

    case PROP_ROLE_LABEL:
      g_value_set_string (value, ks_role_get_label (self->role));
      break;

    case PROP_DISABLED:
      g_value_set_boolean (value, self->disabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_account_class_init (KsAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ks_account_finalize;
  object_class->get_property = ks_account_get_property;

  /* Read-only views for list rows; accounts change only through ks-accounts.c. */
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FULL_NAME] =
    g_param_spec_string ("full-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE_LABEL] =
    g_param_spec_string ("role-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISABLED] =
    g_param_spec_boolean ("disabled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ks_account_init (KsAccount *self)
{
}

KsAccount *
_ks_account_new (gint64      id,
                 const char *username,
                 const char *full_name,
                 KsRole      role,
                 gboolean    disabled,
                 const char *language,
                 gint64      locked_until)
{
  KsAccount *self = g_object_new (KS_TYPE_ACCOUNT, NULL);

  self->id = id;
  self->username = g_strdup (username);
  self->full_name = g_strdup (full_name);
  self->role = role;
  self->disabled = disabled;
  self->language = g_strdup (language ? language : "");
  self->locked_until = locked_until;
  return self;
}

gint64
ks_account_get_id (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), 0);
  return self->id;
}

const char *
ks_account_get_username (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), NULL);
  return self->username;
}

const char *
ks_account_get_full_name (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), NULL);
  return self->full_name;
}

KsRole
ks_account_get_role (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), KS_ROLE_OPERATOR);
  return self->role;
}

gboolean
ks_account_get_disabled (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), TRUE);
  return self->disabled;
}

const char *
ks_account_get_language (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), NULL);
  return self->language;
}

gint64
ks_account_get_locked_until (KsAccount *self)
{
  g_return_val_if_fail (KS_IS_ACCOUNT (self), 0);
  return self->locked_until;
}

const char *
ks_role_to_string (KsRole role)
{
  switch (role)
    {
    case KS_ROLE_OPERATOR:
      return "operator";
    case KS_ROLE_SUPERVISOR:
      return "supervisor";
    case KS_ROLE_TRAINER:
      return "trainer";
    default:
      g_return_val_if_reached ("operator");
    }
}

gboolean
ks_role_from_string (const char *text,
                     KsRole     *role)
{
  static const KsRole roles[] = { KS_ROLE_OPERATOR, KS_ROLE_SUPERVISOR, KS_ROLE_TRAINER };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (text, ks_role_to_string (roles[i])) == 0)
      {
        *role = roles[i];
        return TRUE;
      }
  return FALSE;
}

const char *
ks_role_get_label (KsRole role)
{
  switch (role)
    {
    case KS_ROLE_OPERATOR:
      return _("Operator");
    case KS_ROLE_SUPERVISOR:
      return _("Supervisor");
    case KS_ROLE_TRAINER:
      return _("Trainer");
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * ks_role_has_permission:
 * @training: whether the station runs the training profile
 *
 * The one table of who may do what. Every core entry point that changes something checks it
 * (through ks_session_require()); the UI only hides what this table refuses anyway.
 *
 * Trainers demonstrate the whole station, but only where nothing is real: outside the training
 * profile they may enroll and nothing more.
 */
gboolean
ks_role_has_permission (KsRole       role,
                        gboolean     training,
                        KsPermission permission)
{
  switch (permission)
    {
    case KS_PERMISSION_ENROLL:
      return TRUE;

    case KS_PERMISSION_REVIEW:
    case KS_PERMISSION_MANAGE_ACCOUNTS:
    case KS_PERMISSION_CHANGE_SETTINGS:
    case KS_PERMISSION_SYNC:
    case KS_PERMISSION_SEE_STALE_DRAFTS:
      return role == KS_ROLE_SUPERVISOR || (role == KS_ROLE_TRAINER && training);

    case KS_PERMISSION_RESET_TRAINING:
      return role == KS_ROLE_TRAINER && training;

    default:
      return FALSE;
    }
}
