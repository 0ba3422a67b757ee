/* ks-reference.c: the station's reference data (districts, services, reasons)
 *
 * Four JSON files under data/reference: the KP divisions, districts and tehsils; the services a
 * citizen can consent to; the reviewer's rejection reasons; the reasons a finger is missing.
 * They are loaded once, checked as a whole (a district code that appears twice would let two
 * districts issue the same Khyber Pass IDs) and then only read, so every record handed out is a
 * plain const struct that lives as long as the KsReference.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-reference"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ks-paths.h"
#include "ks-l10n.h"
#include "ks-reference.h"
#include "ks-reference-testing.h"

#define DISTRICTS_FILE        "kp-districts.json"
#define SERVICES_FILE         "services.json"
#define REJECTIONS_FILE       "rejection-reasons.json"
#define MISSING_FINGERS_FILE  "missing-finger-reasons.json"

struct _KsReference
{
  /* Every string of every record, freed in one go. */
  GStringChunk *strings;
  const char *source;
  const char *as_of;

  /* Owning arrays, in file order; the per-division and per-district arrays borrow from them. */
  GPtrArray *divisions;
  GPtrArray *districts;
  GPtrArray *tehsils;
  GPtrArray *services;
  GPtrArray *rejection_reasons;
  GPtrArray *missing_finger_reasons;

  /* Lookups; keys and values are borrowed. */
  GHashTable *division_by_id;
  GHashTable *district_by_code;
  GHashTable *tehsil_by_code;
  GHashTable *service_by_id;
  GHashTable *rejection_by_id;
  GHashTable *missing_finger_by_id;
};

G_DEFINE_QUARK (ks-reference-error-quark, ks_reference_error)

/* ------------------------------------------------------------------------------------------ */

static void
division_free (gpointer data)
{
  KsDivision *division = data;

  g_ptr_array_unref (division->districts);
  g_free (division);
}

static void
district_free (gpointer data)
{
  KsDistrict *district = data;

  g_ptr_array_unref (district->tehsils);
  g_free (district);
}

static void
reference_clear (gpointer data)
{
  KsReference *self = data;

  g_clear_pointer (&self->division_by_id, g_hash_table_unref);
  g_clear_pointer (&self->district_by_code, g_hash_table_unref);
  g_clear_pointer (&self->tehsil_by_code, g_hash_table_unref);
  g_clear_pointer (&self->service_by_id, g_hash_table_unref);
  g_clear_pointer (&self->rejection_by_id, g_hash_table_unref);
  g_clear_pointer (&self->missing_finger_by_id, g_hash_table_unref);
  g_clear_pointer (&self->divisions, g_ptr_array_unref);
  g_clear_pointer (&self->districts, g_ptr_array_unref);
  g_clear_pointer (&self->tehsils, g_ptr_array_unref);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->rejection_reasons, g_ptr_array_unref);
  g_clear_pointer (&self->missing_finger_reasons, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
}

static KsReference *
reference_new (void)
{
  KsReference *self = g_atomic_rc_box_new0 (KsReference);

  self->strings = g_string_chunk_new (4096);
  self->divisions = g_ptr_array_new_with_free_func (division_free);
  self->districts = g_ptr_array_new_with_free_func (district_free);
  self->tehsils = g_ptr_array_new_with_free_func (g_free);
  self->services = g_ptr_array_new_with_free_func (g_free);
  self->rejection_reasons = g_ptr_array_new_with_free_func (g_free);
  self->missing_finger_reasons = g_ptr_array_new_with_free_func (g_free);
  self->division_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->district_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->tehsil_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  self->service_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->rejection_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->missing_finger_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

/**
 * ks_reference_ref:
 *
 * Returns: (transfer full): @self
 */
KsReference *
ks_reference_ref (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_atomic_rc_box_acquire (self);
}

/**
 * ks_reference_unref:
 *
 * Drops a reference; the last one frees every record the KsReference handed out.
 */
void
ks_reference_unref (KsReference *self)
{
  g_return_if_fail (self != NULL);
  g_atomic_rc_box_release_full (self, reference_clear);
}

/* ------------------------------------------------------------------------------------------ */
/* Parsing                                                                                     */

typedef struct
{
  KsReference *self;
  const char *file;
} Loader;

/* A damaged file is an installation problem, not something the operator can fix at the
 * counter: the message says which file and where, for the administrator they call. */
G_GNUC_PRINTF (4, 5)
static gboolean
fail (GError    **error,
      int         code,
      const char *file,
      const char *format,
      ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, KS_REFERENCE_ERROR, code,
               _("The station’s reference data is damaged (%s: %s). Reinstall Khyber Pass "
                 "Station or ask your administrator."), file, detail);
  return FALSE;
}

static const char *
get_string (Loader     *loader,
            JsonObject *object,
            const char *member,
            const char *where,
            GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    {
      fail (error, KS_REFERENCE_ERROR_PARSE, loader->file, "%s has no text “%s”", where, member);
      return NULL;
    }
  value = json_node_get_string (node);
  if (value == NULL || *value == '\0')
    {
      fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "“%s” of %s is empty", member,
            where);
      return NULL;
    }
  return g_string_chunk_insert_const (loader->self->strings, value);
}

static gboolean
get_boolean (Loader     *loader,
             JsonObject *object,
             const char *member,
             gboolean    required,
             const char *where,
             gboolean   *value,
             GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = FALSE;
  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, KS_REFERENCE_ERROR_PARSE, loader->file, "%s has no true/false “%s”",
                 where, member);
  *value = json_node_get_boolean (node);
  return TRUE;
}

static JsonArray *
get_array (Loader     *loader,
           JsonObject *object,
           const char *member,
           const char *where,
           GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, KS_REFERENCE_ERROR_PARSE, loader->file, "%s has no list “%s”", where, member);
      return NULL;
    }
  return json_node_get_array (node);
}

static JsonObject *
get_element (Loader     *loader,
             JsonArray  *array,
             guint       index,
             const char *what,
             GError    **error)
{
  JsonNode *node = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, KS_REFERENCE_ERROR_PARSE, loader->file, "%s %u is not an object", what,
            index + 1);
      return NULL;
    }
  return json_node_get_object (node);
}

/* Parses @name under @dir and returns its root object; @parser keeps it alive. */
static JsonObject *
load_root (const char  *dir,
           const char  *name,
           JsonParser **parser,
           GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, KS_REFERENCE_ERROR, KS_REFERENCE_ERROR_NOT_FOUND,
                   _("The station’s reference data %s is missing. Reinstall Khyber Pass "
                     "Station, or set KS_DATA_DIR to the folder that holds “reference”."),
                   path);
      return NULL;
    }

  *parser = json_parser_new ();
  if (!json_parser_load_from_file (*parser, path, &local_error))
    {
      fail (error, KS_REFERENCE_ERROR_PARSE, name, "%s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (*parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      fail (error, KS_REFERENCE_ERROR_PARSE, name, "the file is not a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

/* Identifiers stored in records and printed in IDs: keep them to a small, predictable set. */
static gboolean
is_district_code (const char *code)
{
  if (strlen (code) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++)
    if (code[i] < 'A' || code[i] > 'Z')
      return FALSE;
  return TRUE;
}

/* A Pashto name: optional (a list from before they were added still loads, and shows Urdu in
 * its place, ks_localized_name()), but never empty or of another type. */
static gboolean
get_optional_name (Loader      *loader,
                   JsonObject  *object,
                   const char  *member,
                   const char  *where,
                   const char **out,
                   GError     **error)
{
  *out = NULL;
  if (!json_object_has_member (object, member))
    return TRUE;
  *out = get_string (loader, object, member, where, error);
  return *out != NULL;
}

static gboolean
is_tehsil_code (const char *code,
                const char *district_code)
{
  gsize len = strlen (code);

  if (len != 6 || strncmp (code, district_code, 3) != 0 || code[3] != '-')
    return FALSE;
  return g_ascii_isdigit (code[4]) && g_ascii_isdigit (code[5]);
}

static gboolean
is_slug (const char *id)
{
  if (*id == '\0' || *id == '-')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
parse_tehsils (Loader     *loader,
               KsDistrict *district,
               JsonArray  *array,
               GError    **error)
{
  KsReference *self = loader->self;
  guint n = json_array_get_length (array);

  if (n == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "district %s has no tehsils",
                 district->code);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("tehsil %u of %s", i + 1, district->code);
      JsonObject *object = get_element (loader, array, i, "tehsil", error);
      KsTehsil *tehsil;

      if (object == NULL)
        return FALSE;

      tehsil = g_new0 (KsTehsil, 1);
      g_ptr_array_add (self->tehsils, tehsil);
      tehsil->district = district;
      if (!(tehsil->code = get_string (loader, object, "code", where, error)) ||
          !(tehsil->name_en = get_string (loader, object, "name_en", where, error)) ||
          !(tehsil->name_ur = get_string (loader, object, "name_ur", where, error)) ||
          !get_optional_name (loader, object, "name_ps", where, &tehsil->name_ps, error))
        return FALSE;

      if (!is_tehsil_code (tehsil->code, district->code))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "tehsil code “%s” is not “%s-” and two digits", tehsil->code,
                     district->code);
      if (json_object_has_member (object, "moved_to") &&
          !(tehsil->moved_to = get_string (loader, object, "moved_to", where, error)))
        return FALSE;
      if (!g_hash_table_insert (self->tehsil_by_code, (gpointer)tehsil->code, tehsil))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "tehsil code %s appears twice", tehsil->code);
      /* A tehsil that moved stays for lookups (older records) but is no longer offered. */
      if (tehsil->moved_to == NULL)
        g_ptr_array_add (district->tehsils, tehsil);
    }
  if (district->tehsils->len == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                 "district %s has no current tehsil", district->code);
  return TRUE;
}

static gboolean
parse_districts (Loader     *loader,
                 KsDivision *division,
                 JsonArray  *array,
                 GError    **error)
{
  KsReference *self = loader->self;
  guint n = json_array_get_length (array);

  if (n == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "division %s has no districts",
                 division->id);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("district %u of %s", i + 1, division->id);
      JsonObject *object = get_element (loader, array, i, "district", error);
      JsonArray *tehsils;
      KsDistrict *district;

      if (object == NULL)
        return FALSE;

      district = g_new0 (KsDistrict, 1);
      district->tehsils = g_ptr_array_new ();
      district->division = division;
      g_ptr_array_add (self->districts, district);
      if (!(district->code = get_string (loader, object, "code", where, error)) ||
          !(district->name_en = get_string (loader, object, "name_en", where, error)) ||
          !(district->name_ur = get_string (loader, object, "name_ur", where, error)) ||
          !get_optional_name (loader, object, "name_ps", where, &district->name_ps, error) ||
          !get_boolean (loader, object, "merged_2018", FALSE, where, &district->merged_2018,
                        error))
        return FALSE;

      /* The code is the first part of every Khyber Pass ID issued in the district. */
      if (!is_district_code (district->code))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "district code “%s” is not three capital letters", district->code);
      if (!g_hash_table_insert (self->district_by_code, (gpointer)district->code, district))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "district code %s appears twice", district->code);
      g_ptr_array_add (division->districts, district);

      if (!(tehsils = get_array (loader, object, "tehsils", where, error)) ||
          !parse_tehsils (loader, district, tehsils, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_districts (Loader     *loader,
                const char *dir,
                GError    **error)
{
  KsReference *self = loader->self;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonArray *divisions;
  guint n;

  loader->file = DISTRICTS_FILE;
  if (!(root = load_root (dir, DISTRICTS_FILE, &parser, error)) ||
      !(self->source = get_string (loader, root, "source", "the file", error)) ||
      !(self->as_of = get_string (loader, root, "as_of", "the file", error)) ||
      !(divisions = get_array (loader, root, "divisions", "the file", error)))
    return FALSE;

  n = json_array_get_length (divisions);
  if (n == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "there are no divisions");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("division %u", i + 1);
      JsonObject *object = get_element (loader, divisions, i, "division", error);
      JsonArray *districts;
      KsDivision *division;

      if (object == NULL)
        return FALSE;

      division = g_new0 (KsDivision, 1);
      division->districts = g_ptr_array_new ();
      g_ptr_array_add (self->divisions, division);
      if (!(division->id = get_string (loader, object, "id", where, error)) ||
          !(division->name_en = get_string (loader, object, "name_en", where, error)) ||
          !(division->name_ur = get_string (loader, object, "name_ur", where, error)) ||
          !get_optional_name (loader, object, "name_ps", where, &division->name_ps, error))
        return FALSE;
      if (!is_slug (division->id))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "division id “%s” is not lower-case letters, digits and dashes",
                     division->id);
      if (!g_hash_table_insert (self->division_by_id, (gpointer)division->id, division))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "division id %s appears twice", division->id);

      if (!(districts = get_array (loader, object, "districts", where, error)) ||
          !parse_districts (loader, division, districts, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
load_services (Loader     *loader,
               const char *dir,
               GError    **error)
{
  KsReference *self = loader->self;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonArray *services;
  guint n;

  loader->file = SERVICES_FILE;
  if (!(root = load_root (dir, SERVICES_FILE, &parser, error)) ||
      !(services = get_array (loader, root, "services", "the file", error)))
    return FALSE;

  n = json_array_get_length (services);
  if (n == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "there are no services");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("service %u", i + 1);
      JsonObject *object = get_element (loader, services, i, "service", error);
      KsService *service;

      if (object == NULL)
        return FALSE;

      service = g_new0 (KsService, 1);
      g_ptr_array_add (self->services, service);
      if (!(service->id = get_string (loader, object, "id", where, error)) ||
          !(service->title_en = get_string (loader, object, "title_en", where, error)) ||
          !(service->title_ur = get_string (loader, object, "title_ur", where, error)) ||
          !(service->description_en = get_string (loader, object, "description_en", where,
                                                  error)) ||
          !(service->description_ur = get_string (loader, object, "description_ur", where,
                                                  error)) ||
          !(service->consent_en = get_string (loader, object, "consent_en", where, error)) ||
          !(service->consent_ur = get_string (loader, object, "consent_ur", where, error)) ||
          !(service->consent_version = get_string (loader, object, "consent_version", where,
                                                   error)) ||
          !get_boolean (loader, object, "enabled_by_default", TRUE, where,
                        &service->enabled_by_default, error))
        return FALSE;
      if (!is_slug (service->id))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "service id “%s” is not lower-case letters, digits and dashes",
                     service->id);
      if (!g_hash_table_insert (self->service_by_id, (gpointer)service->id, service))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "service id %s appears twice", service->id);
    }
  return TRUE;
}

static gboolean
load_reasons (Loader     *loader,
              const char *dir,
              const char *file,
              GPtrArray  *reasons,
              GHashTable *by_id,
              GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonArray *array;
  guint n;

  loader->file = file;
  if (!(root = load_root (dir, file, &parser, error)) ||
      !(array = get_array (loader, root, "reasons", "the file", error)))
    return FALSE;

  n = json_array_get_length (array);
  if (n == 0)
    return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file, "there are no reasons");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("reason %u", i + 1);
      JsonObject *object = get_element (loader, array, i, "reason", error);
      KsReason *reason;

      if (object == NULL)
        return FALSE;

      reason = g_new0 (KsReason, 1);
      g_ptr_array_add (reasons, reason);
      if (!(reason->id = get_string (loader, object, "id", where, error)) ||
          !(reason->label_en = get_string (loader, object, "label_en", where, error)) ||
          !(reason->label_ur = get_string (loader, object, "label_ur", where, error)) ||
          !get_optional_name (loader, object, "label_ps", where, &reason->label_ps, error) ||
          !get_boolean (loader, object, "permanent", FALSE, where, &reason->permanent, error))
        return FALSE;
      if (!is_slug (reason->id))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "reason id “%s” is not lower-case letters, digits and dashes",
                     reason->id);
      if (!g_hash_table_insert (by_id, (gpointer)reason->id, reason))
        return fail (error, KS_REFERENCE_ERROR_INVALID, loader->file,
                     "reason id %s appears twice", reason->id);
    }
  return TRUE;
}

/**
 * ks_reference_load:
 * @dir: the folder holding the four reference files
 *
 * Loads and checks the reference data: district codes are three capital letters and unique,
 * tehsil codes unique and prefixed with their district's, every division has a district and
 * every district a tehsil, ids are unique within each list.
 *
 * Returns: (transfer full) (nullable): the data, or %NULL with a %KS_REFERENCE_ERROR
 */
KsReference *
ks_reference_load (const char *dir,
                   GError    **error)
{
  g_autoptr(KsReference) self = NULL;
  Loader loader = { 0 };

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = reference_new ();
  loader.self = self;
  if (!load_districts (&loader, dir, error) ||
      !load_services (&loader, dir, error) ||
      !load_reasons (&loader, dir, REJECTIONS_FILE, self->rejection_reasons,
                     self->rejection_by_id, error) ||
      !load_reasons (&loader, dir, MISSING_FINGERS_FILE, self->missing_finger_reasons,
                     self->missing_finger_by_id, error))
    return NULL;
  /* Every tehsil that moved names a current one. */
  for (guint i = 0; i < self->tehsils->len; i++)
    {
      const KsTehsil *tehsil = self->tehsils->pdata[i];
      const KsTehsil *now = tehsil->moved_to
        ? g_hash_table_lookup (self->tehsil_by_code, tehsil->moved_to) : NULL;

      if (tehsil->moved_to != NULL && (now == NULL || now->moved_to != NULL))
        {
          fail (error, KS_REFERENCE_ERROR_INVALID, DISTRICTS_FILE,
                "tehsil %s moved to “%s”, which is not a current tehsil", tehsil->code,
                tehsil->moved_to);
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

/**
 * ks_reference_find_data_dir:
 *
 * Where the reference files are: `$KS_DATA_DIR/reference` when the variable is set, else the
 * source tree's `data/reference` when the program runs from its build folder, else the installed
 * `$datadir/khyber-station/reference`.
 *
 * Returns: (transfer full): the folder
 */
char *
ks_reference_find_data_dir (void)
{
  const char *env = g_getenv ("KS_DATA_DIR");
  g_autofree char *source = NULL;

  if (env != NULL && *env != '\0')
    return g_build_filename (env, "reference", NULL);

  source = ks_paths_source_data_dir ();
  if (source != NULL)
    return g_build_filename (source, "reference", NULL);

  return g_build_filename (DATADIR, "reference", NULL);
}

/**
 * ks_reference_load_default:
 *
 * ks_reference_load() on ks_reference_find_data_dir().
 */
KsReference *
ks_reference_load_default (GError **error)
{
  g_autofree char *dir = ks_reference_find_data_dir ();

  return ks_reference_load (dir, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Queries                                                                                     */

/**
 * ks_reference_get_source:
 *
 * Returns: where the district list comes from, as its file says
 */
const char *
ks_reference_get_source (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source;
}

/**
 * ks_reference_get_as_of:
 *
 * Returns: the date the district list is valid for (`YYYY-MM-DD`)
 */
const char *
ks_reference_get_as_of (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->as_of;
}

/**
 * ks_reference_get_divisions:
 *
 * Returns: (transfer none) (element-type KsDivision): the divisions in file order; each holds
 *   its districts, each district its tehsils
 */
GPtrArray *
ks_reference_get_divisions (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->divisions;
}

/**
 * ks_reference_get_districts:
 *
 * Returns: (transfer none) (element-type KsDistrict): every district, grouped by division
 */
GPtrArray *
ks_reference_get_districts (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->districts;
}

/**
 * ks_reference_lookup_division:
 *
 * Returns: (nullable): the division with this id
 */
const KsDivision *
ks_reference_lookup_division (KsReference *self,
                              const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->division_by_id, id);
}

/**
 * ks_reference_lookup_district:
 * @code: a district code, either case
 *
 * Returns: (nullable): the district with this code
 */
const KsDistrict *
ks_reference_lookup_district (KsReference *self,
                              const char  *code)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  upper = g_ascii_strup (code, -1);
  return g_hash_table_lookup (self->district_by_code, upper);
}

/**
 * ks_reference_lookup_tehsil:
 * @code: a tehsil code such as `PEW-01`, either case
 *
 * Returns: (nullable): the tehsil with this code; its `district` says where it belongs
 */
const KsTehsil *
ks_reference_lookup_tehsil (KsReference *self,
                            const char  *code)
{
  g_autofree char *upper = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  upper = g_ascii_strup (code, -1);
  return g_hash_table_lookup (self->tehsil_by_code, upper);
}

/**
 * ks_reference_get_services:
 *
 * Returns: (transfer none) (element-type KsService): the services in catalogue order
 */
GPtrArray *
ks_reference_get_services (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->services;
}

/**
 * ks_reference_lookup_service:
 *
 * Returns: (nullable): the service with this id
 */
const KsService *
ks_reference_lookup_service (KsReference *self,
                             const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->service_by_id, id);
}

/**
 * ks_reference_get_rejection_reasons:
 *
 * Returns: (transfer none) (element-type KsReason): the reviewer's rejection reasons
 */
GPtrArray *
ks_reference_get_rejection_reasons (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->rejection_reasons;
}

/**
 * ks_reference_lookup_rejection_reason:
 *
 * Returns: (nullable): the rejection reason with this id
 */
const KsReason *
ks_reference_lookup_rejection_reason (KsReference *self,
                                      const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->rejection_by_id, id);
}

/**
 * ks_reference_get_missing_finger_reasons:
 *
 * Returns: (transfer none) (element-type KsReason): why a finger could not be captured
 */
GPtrArray *
ks_reference_get_missing_finger_reasons (KsReference *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->missing_finger_reasons;
}

/**
 * ks_reference_lookup_missing_finger_reason:
 *
 * Returns: (nullable): the missing-finger reason with this id
 */
const KsReason *
ks_reference_lookup_missing_finger_reason (KsReference *self,
                                           const char  *id)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  return g_hash_table_lookup (self->missing_finger_by_id, id);
}

/**
 * ks_reason_get_label:
 *
 * Returns: (transfer none): a rejection or missing-finger reason in the language the station
 *   speaks now (ks_ui_language()): Pashto, Urdu or English
 */
const char *
ks_reason_get_label (const KsReason *reason)
{
  g_return_val_if_fail (reason != NULL, NULL);

  return ks_localized_name (reason->label_en, reason->label_ur, reason->label_ps, NULL);
}

/**
 * ks_district_get_name:
 *
 * Returns: (transfer none): the district's name in the language the station speaks now
 *   (ks_ui_language()): Pashto, Urdu or English
 */
const char *
ks_district_get_name (const KsDistrict *district)
{
  g_return_val_if_fail (district != NULL, NULL);

  return ks_localized_name (district->name_en, district->name_ur, district->name_ps, NULL);
}

/**
 * ks_tehsil_get_name:
 *
 * Returns: (transfer none): the tehsil's name in the language the station speaks now
 */
const char *
ks_tehsil_get_name (const KsTehsil *tehsil)
{
  g_return_val_if_fail (tehsil != NULL, NULL);

  return ks_localized_name (tehsil->name_en, tehsil->name_ur, tehsil->name_ps, NULL);
}

/**
 * ks_division_get_name:
 *
 * Returns: (transfer none): the division's name in the language the station speaks now
 */
const char *
ks_division_get_name (const KsDivision *division)
{
  g_return_val_if_fail (division != NULL, NULL);

  return ks_localized_name (division->name_en, division->name_ur, division->name_ps, NULL);
}

/**
 * ks_district_get_local_name:
 *
 * For a value shown beside the English name (the citizen's review, Verify): the name in Pashto
 * when the station speaks Pashto, in Urdu otherwise.
 *
 * Returns: (transfer none): the Pashto or Urdu name
 */
const char *
ks_district_get_local_name (const KsDistrict *district)
{
  g_return_val_if_fail (district != NULL, NULL);

  return g_str_equal (ks_ui_language (), "ps")
         ? ks_localized_name (district->name_en, district->name_ur, district->name_ps, "ps")
         : district->name_ur;
}

/**
 * ks_tehsil_get_local_name:
 *
 * Returns: (transfer none): the tehsil's Pashto name when the station speaks Pashto, its Urdu
 *   name otherwise
 */
const char *
ks_tehsil_get_local_name (const KsTehsil *tehsil)
{
  g_return_val_if_fail (tehsil != NULL, NULL);

  return g_str_equal (ks_ui_language (), "ps")
         ? ks_localized_name (tehsil->name_en, tehsil->name_ur, tehsil->name_ps, "ps")
         : tehsil->name_ur;
}
