/* ks-consent.c: a citizen's consent to one service, as recorded at enrollment
 *
 * A consent is only meaningful together with the exact text the citizen heard: so each record
 * keeps the service's consent_version and the language it was read in, and
 * ks_consent_is_current() tells when the catalogue's text has changed since and the citizen
 * must be asked again. Times are stored in UTC with whole seconds, so a record serialised and
 * read back compares equal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-consent"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-consent.h"

G_DEFINE_QUARK (ks-consent-error-quark, ks_consent_error)

static gboolean
language_is_valid (const char *language)
{
  return g_strcmp0 (language, "en") == 0 || g_strcmp0 (language, "ur") == 0;
}

static GDateTime *
to_utc_seconds (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_new_utc (g_date_time_get_year (utc), g_date_time_get_month (utc),
                              g_date_time_get_day_of_month (utc), g_date_time_get_hour (utc),
                              g_date_time_get_minute (utc), g_date_time_get_second (utc));
}

/**
 * ks_consent_new:
 * @service_id: the service's id
 * @consent_version: the version of the consent text that was shown
 * @language: `en` or `ur`
 * @granted: whether the citizen agreed
 * @recorded_at: (nullable): when, or %NULL for now
 *
 * Returns: (transfer full): a new consent record
 */
KsConsent *
ks_consent_new (const char *service_id,
                const char *consent_version,
                const char *language,
                gboolean    granted,
                GDateTime  *recorded_at)
{
  KsConsent *consent;

  g_return_val_if_fail (service_id != NULL && *service_id != '\0', NULL);
  g_return_val_if_fail (consent_version != NULL && *consent_version != '\0', NULL);
  g_return_val_if_fail (language_is_valid (language), NULL);

  consent = g_new0 (KsConsent, 1);
  consent->service_id = g_strdup (service_id);
  consent->consent_version = g_strdup (consent_version);
  consent->language = g_strdup (language);
  consent->granted = !!granted;
  if (recorded_at != NULL)
    consent->recorded_at = to_utc_seconds (recorded_at);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      consent->recorded_at = to_utc_seconds (now);
    }
  return consent;
}

/**
 * ks_consent_new_for_service:
 * @service: the service from the reference data, whose current consent version is recorded
 *
 * Like ks_consent_new(), taking id and version from @service.
 */
KsConsent *
ks_consent_new_for_service (const KsService *service,
                            const char      *language,
                            gboolean         granted,
                            GDateTime       *recorded_at)
{
  g_return_val_if_fail (service != NULL, NULL);

  return ks_consent_new (service->id, service->consent_version, language, granted,
                         recorded_at);
}

KsConsent *
ks_consent_copy (const KsConsent *consent)
{
  g_return_val_if_fail (consent != NULL, NULL);

  return ks_consent_new (consent->service_id, consent->consent_version, consent->language,
                         consent->granted, consent->recorded_at);
}

void
ks_consent_free (KsConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->service_id);
  g_free (consent->consent_version);
  g_free (consent->language);
  g_clear_pointer (&consent->recorded_at, g_date_time_unref);
  g_free (consent);
}

/**
 * ks_consent_is_current:
 * @reference: the reference data in use
 *
 * Returns: %TRUE if the service still exists and its consent text is still the version the
 *   citizen answered; %FALSE means the citizen must be asked again.
 */
gboolean
ks_consent_is_current (const KsConsent *consent,
                       KsReference     *reference)
{
  const KsService *service;

  g_return_val_if_fail (consent != NULL, FALSE);
  g_return_val_if_fail (reference != NULL, FALSE);

  service = ks_reference_lookup_service (reference, consent->service_id);
  return service != NULL && g_str_equal (service->consent_version, consent->consent_version);
}

/* ------------------------------------------------------------------------------------------ */
/* JSON                                                                                        */

/**
 * ks_consent_to_json:
 *
 * Returns: (transfer full): `{"service": …, "consent_version": …, "language": …,
 *   "granted": …, "recorded_at": "YYYY-MM-DDTHH:MM:SSZ"}`
 */
JsonNode *
ks_consent_to_json (const KsConsent *consent)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *time = NULL;

  g_return_val_if_fail (consent != NULL, NULL);

  /* ISO: stored and synced, never shown. */
  time = g_date_time_format (consent->recorded_at, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "service");
  json_builder_add_string_value (builder, consent->service_id);
  json_builder_set_member_name (builder, "consent_version");
  json_builder_add_string_value (builder, consent->consent_version);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, consent->language);
  json_builder_set_member_name (builder, "granted");
  json_builder_add_boolean_value (builder, consent->granted);
  json_builder_set_member_name (builder, "recorded_at");
  json_builder_add_string_value (builder, time);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
damaged (GError    **error,
         const char *what)
{
  g_set_error (error, KS_CONSENT_ERROR, KS_CONSENT_ERROR_INVALID,
               _("A saved consent record is damaged (%s). Ask the citizen to confirm their "
                 "consent again before the enrollment is sent."), what);
  return FALSE;
}

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * ks_consent_from_json:
 * @node: an object as written by ks_consent_to_json()
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with %KS_CONSENT_ERROR_INVALID when
 *   a member is missing or malformed
 */
KsConsent *
ks_consent_from_json (JsonNode *node,
                      GError  **error)
{
  JsonObject *object;
  JsonNode *granted;
  const char *service_id, *version, *language, *time;
  g_autoptr(GDateTime) recorded_at = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      damaged (error, "not an object");
      return NULL;
    }
  object = json_node_get_object (node);

  service_id = member_string (object, "service");
  version = member_string (object, "consent_version");
  language = member_string (object, "language");
  time = member_string (object, "recorded_at");
  granted = json_object_get_member (object, "granted");

  if (service_id == NULL || *service_id == '\0')
    damaged (error, "no service");
  else if (version == NULL || *version == '\0')
    damaged (error, "no consent version");
  else if (!language_is_valid (language))
    damaged (error, "no language");
  else if (granted == NULL || !JSON_NODE_HOLDS_VALUE (granted) ||
           json_node_get_value_type (granted) != G_TYPE_BOOLEAN)
    damaged (error, "no answer");
  /* A time without its zone is ambiguous; only what ks_consent_to_json() writes is taken. */
  else if (time == NULL || (recorded_at = g_date_time_new_from_iso8601 (time, NULL)) == NULL)
    damaged (error, "no valid time");
  else
    return ks_consent_new (service_id, version, language, json_node_get_boolean (granted),
                           recorded_at);
  return NULL;
}

/**
 * ks_consent_list_to_json:
 * @consents: (element-type KsConsent): the answers of one enrollment
 *
 * Returns: (transfer full): a compact JSON array
 */
char *
ks_consent_list_to_json (GPtrArray *consents)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonArray) array = json_array_sized_new (consents ? consents->len : 0);

  g_return_val_if_fail (consents != NULL, NULL);

  for (guint i = 0; i < consents->len; i++)
    json_array_add_element (array, ks_consent_to_json (g_ptr_array_index (consents, i)));
  json_node_set_array (root, array);
  return json_to_string (root, FALSE);
}

/**
 * ks_consent_list_from_json:
 * @json: an array as written by ks_consent_list_to_json()
 *
 * One answer per service: a service that appears twice is refused, since it would be unclear
 * which answer holds.
 *
 * Returns: (transfer full) (element-type KsConsent) (nullable): the records, or %NULL with
 *   %KS_CONSENT_ERROR_INVALID
 */
GPtrArray *
ks_consent_list_from_json (const char *json,
                           GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL))
    {
      damaged (error, "not JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      damaged (error, "not a list");
      return NULL;
    }

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KsConsent *consent = ks_consent_from_json (json_array_get_element (array, i), error);

      if (consent == NULL)
        return NULL;
      if (ks_consent_list_find (consents, consent->service_id) != NULL)
        {
          ks_consent_free (consent);
          damaged (error, "a service answered twice");
          return NULL;
        }
      g_ptr_array_add (consents, consent);
    }
  return g_steal_pointer (&consents);
}

/**
 * ks_consent_list_find:
 * @consents: (element-type KsConsent)
 *
 * Returns: (nullable): the answer for @service_id
 */
const KsConsent *
ks_consent_list_find (GPtrArray  *consents,
                      const char *service_id)
{
  g_return_val_if_fail (consents != NULL, NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  for (guint i = 0; i < consents->len; i++)
    {
      const KsConsent *consent = g_ptr_array_index (consents, i);

      if (g_str_equal (consent->service_id, service_id))
        return consent;
    }
  return NULL;
}
