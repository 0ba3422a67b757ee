/* ks-record.c: a citizen's enrollment record: its fields and its states
 *
 * A record is a bag of named string fields, one GObject property each, so that the wizard can
 * bind its entries to them and the draft saver can listen to "notify". Values are kept as typed
 * in drafts; ks_record_validate() (ks-record-validate.c) normalises them at submit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-record"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-record.h"
#include "ks-record-testing.h"

struct _KsRecord
{
  GObject parent_instance;

  char *values[KS_N_FIELDS];
  /* Fields last set by ks_record_set_typed(): as a person typed them, not yet normalised. */
  guint32 typed;
};

G_STATIC_ASSERT (KS_N_FIELDS <= 32);

/* Property ids are field + 1 (0 is reserved by GObject). */
static GParamSpec *properties[KS_N_FIELDS + 1];

static const char *const field_names[KS_N_FIELDS] = {
  [KS_FIELD_ID_KIND] = "id-kind",
  [KS_FIELD_CNIC] = "cnic",
  [KS_FIELD_GENDER] = "gender",
  [KS_FIELD_DATE_OF_BIRTH] = "date-of-birth",
  [KS_FIELD_FULL_NAME] = "full-name",
  [KS_FIELD_FULL_NAME_UR] = "full-name-ur",
  [KS_FIELD_RELATION] = "relation",
  [KS_FIELD_FATHER_NAME] = "father-name",
  [KS_FIELD_FATHER_NAME_UR] = "father-name-ur",
  [KS_FIELD_GUARDIAN_CNIC] = "guardian-cnic",
  [KS_FIELD_GUARDIAN_NAME] = "guardian-name",
  [KS_FIELD_MOBILE] = "mobile",
  [KS_FIELD_EMAIL] = "email",
  [KS_FIELD_ADDRESS_LINE1] = "address-line1",
  [KS_FIELD_ADDRESS_LINE2] = "address-line2",
  [KS_FIELD_DISTRICT] = "district",
  [KS_FIELD_TEHSIL] = "tehsil",
  [KS_FIELD_CONSENTS] = "consents",
  [KS_FIELD_PHOTO] = "photo",
};

G_DEFINE_FINAL_TYPE (KsRecord, ks_record, G_TYPE_OBJECT)

static void
ks_record_finalize (GObject *object)
{
  KsRecord *self = (KsRecord *)object;

  for (guint i = 0; i < KS_N_FIELDS; i++)
    g_free (self->values[i]);

  G_OBJECT_CLASS (ks_record_parent_class)->finalize (object);
}

static void
ks_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KsRecord *self = KS_RECORD (object);

  if (prop_id == 0 || prop_id > KS_N_FIELDS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  g_value_set_string (value, ks_record_get (self, prop_id - 1));
}

static void
ks_record_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  KsRecord *self = KS_RECORD (object);

  if (prop_id == 0 || prop_id > KS_N_FIELDS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  ks_record_set (self, prop_id - 1, g_value_get_string (value));
}

static void
ks_record_class_init (KsRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ks_record_finalize;
  object_class->get_property = ks_record_get_property;
  object_class->set_property = ks_record_set_property;

  for (guint i = 0; i < KS_N_FIELDS; i++)
    properties[i + 1] = g_param_spec_string (field_names[i], NULL, NULL, "",
                                             G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                             G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, KS_N_FIELDS + 1, properties);
}

static void
ks_record_init (KsRecord *self)
{
  for (guint i = 0; i < KS_N_FIELDS; i++)
    self->values[i] = g_strdup ("");
}

KsRecord *
ks_record_new (void)
{
  KsRecord *self = g_object_new (KS_TYPE_RECORD, NULL);

  ks_record_set (self, KS_FIELD_ID_KIND, "cnic");
  ks_record_set (self, KS_FIELD_RELATION, "father");
  ks_record_set (self, KS_FIELD_CONSENTS, "[]");
  return self;
}

const char *
ks_field_get_name (KsField field)
{
  g_return_val_if_fail (field < KS_N_FIELDS, NULL);
  return field_names[field];
}

const char *
ks_record_get (KsRecord *self,
               KsField   field)
{
  g_return_val_if_fail (KS_IS_RECORD (self), NULL);
  g_return_val_if_fail (field < KS_N_FIELDS, NULL);
  return self->values[field];
}

static void
set_value (KsRecord   *self,
           KsField     field,
           const char *value,
           gboolean    typed)
{
  if (typed)
    self->typed |= 1u << field;
  else
    self->typed &= ~(1u << field);
  if (value == NULL)
    value = "";
  if (g_strcmp0 (self->values[field], value) == 0)
    return;
  g_free (self->values[field]);
  self->values[field] = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[field + 1]);
}

void
ks_record_set (KsRecord   *self,
               KsField     field,
               const char *value)
{
  g_return_if_fail (KS_IS_RECORD (self));
  g_return_if_fail (field < KS_N_FIELDS);

  set_value (self, field, value, FALSE);
}

/**
 * ks_record_set_typed:
 *
 * Sets @field to @value as a person typed it into the wizard, so it is checked as such:
 * a date of birth typed year first is refused (ks_validate_typed_date_of_birth()), while the
 * same text written back by ks_record_validate(), or read from the store, is the stored form.
 * The mark is not saved with a draft: a reloaded draft shows the date day first again.
 */
void
ks_record_set_typed (KsRecord   *self,
                     KsField     field,
                     const char *value)
{
  g_return_if_fail (KS_IS_RECORD (self));
  g_return_if_fail (field < KS_N_FIELDS);

  set_value (self, field, value, TRUE);
}

/**
 * ks_record_is_typed:
 *
 * Returns: whether @field was last set by ks_record_set_typed()
 */
gboolean
ks_record_is_typed (KsRecord *self,
                    KsField   field)
{
  g_return_val_if_fail (KS_IS_RECORD (self), FALSE);
  g_return_val_if_fail (field < KS_N_FIELDS, FALSE);

  return (self->typed & (1u << field)) != 0;
}

/**
 * ks_record_to_json:
 *
 * Returns: (transfer full): the fields as one JSON object, keys as in ks_field_get_name()
 */
char *
ks_record_to_json (KsRecord *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (KS_IS_RECORD (self), NULL);

  json_builder_begin_object (builder);
  for (guint i = 0; i < KS_N_FIELDS; i++)
    {
      json_builder_set_member_name (builder, field_names[i]);
      json_builder_add_string_value (builder, self->values[i]);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * ks_record_new_from_json:
 *
 * Reads what ks_record_to_json() wrote. Unknown keys (from a newer station) are ignored,
 * missing ones keep their defaults, so older drafts still open.
 */
KsRecord *
ks_record_new_from_json (const char *json,
                         GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(KsRecord) self = NULL;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("The saved record is not in the expected form."));
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  self = ks_record_new ();
  for (guint i = 0; i < KS_N_FIELDS; i++)
    {
      JsonNode *node = json_object_get_member (object, field_names[i]);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        ks_record_set (self, i, json_node_get_string (node));
    }
  return g_steal_pointer (&self);
}

KsRecord *
ks_record_copy (KsRecord *self)
{
  KsRecord *copy = ks_record_new ();

  for (guint i = 0; i < KS_N_FIELDS; i++)
    ks_record_set (copy, i, self->values[i]);
  copy->typed = self->typed;
  return copy;
}

const char *
ks_record_state_to_string (KsRecordState state)
{
  switch (state)
    {
    case KS_RECORD_STATE_SUBMITTED:
      return "submitted";
    case KS_RECORD_STATE_APPROVED:
      return "approved";
    case KS_RECORD_STATE_REJECTED:
      return "rejected";
    case KS_RECORD_STATE_QUEUED:
      return "queued";
    case KS_RECORD_STATE_SYNCED:
      return "synced";
    case KS_RECORD_STATE_SYNC_FAILED:
      return "sync-failed";
    default:
      g_return_val_if_reached ("submitted");
    }
}

gboolean
ks_record_state_from_string (const char    *text,
                             KsRecordState *state)
{
  for (KsRecordState s = KS_RECORD_STATE_SUBMITTED; s <= KS_RECORD_STATE_SYNC_FAILED; s++)
    if (g_strcmp0 (text, ks_record_state_to_string (s)) == 0)
      {
        *state = s;
        return TRUE;
      }
  return FALSE;
}

const char *
ks_record_state_get_label (KsRecordState state)
{
  switch (state)
    {
    case KS_RECORD_STATE_SUBMITTED:
      return _("Awaiting review");
    case KS_RECORD_STATE_APPROVED:
      return _("Approved");
    case KS_RECORD_STATE_REJECTED:
      return _("Rejected");
    case KS_RECORD_STATE_QUEUED:
      return _("Queued for sync");
    case KS_RECORD_STATE_SYNCED:
      return _("Synced");
    case KS_RECORD_STATE_SYNC_FAILED:
      return _("Sync failed");
    default:
      g_return_val_if_reached ("");
    }
}

/**
 * ks_record_state_can_change:
 *
 * The record life cycle (drafts live apart, in the drafts table, until submitted):
 * submitted -> approved | rejected; approved -> queued; rejected -> queued (rejections sync
 * too, so the registry keeps the trail); queued -> synced | sync-failed; sync-failed -> queued
 * (retry). Nothing goes back to submitted, and nothing leaves synced.
 */
gboolean
ks_record_state_can_change (KsRecordState from,
                            KsRecordState to)
{
  switch (from)
    {
    case KS_RECORD_STATE_SUBMITTED:
      return to == KS_RECORD_STATE_APPROVED || to == KS_RECORD_STATE_REJECTED;
    case KS_RECORD_STATE_APPROVED:
    case KS_RECORD_STATE_REJECTED:
      return to == KS_RECORD_STATE_QUEUED;
    case KS_RECORD_STATE_QUEUED:
      return to == KS_RECORD_STATE_SYNCED || to == KS_RECORD_STATE_SYNC_FAILED;
    case KS_RECORD_STATE_SYNC_FAILED:
      return to == KS_RECORD_STATE_QUEUED;
    case KS_RECORD_STATE_SYNCED:
    default:
      return FALSE;
    }
}
