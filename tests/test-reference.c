/* test-reference.c: the shipped reference data loads and is consistent; broken data is refused
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ks-record-validate.h"
#include "ks-reference.h"
#include "ks-validate.h"
#include "ks-reference-testing.h"

#define SHIPPED_DIR SOURCE_DATADIR "/reference"

static KsReference *
load_shipped (void)
{
  g_autoptr(GError) error = NULL;
  KsReference *ref = ks_reference_load (SHIPPED_DIR, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ref);
  return ref;
}

static void
assert_urdu (const char *text)
{
  g_autoptr(GError) error = NULL;

  /* The Urdu names are real Urdu script: no Latin letters, digits or stray marks slipped in. */
  if (ks_validate_name_urdu (text, KS_NAME_FIELD_FULL_NAME, NULL, &error) != KS_VALIDATE_OK)
    g_error ("“%s” is not an Urdu name: %s", text, error->message);
}

static void
test_reference_districts (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  static const char *divisions[] = {
    "bannu", "dera-ismail-khan", "hazara", "kohat", "malakand", "mardan", "peshawar",
  };
  /* Every district the brief names, and the division it belongs to. */
  static const struct {
    const char *name;
    const char *division;
    gboolean merged;
  } expected[] = {
    { "Bajaur", "malakand", TRUE },
    { "Mohmand", "peshawar", TRUE },
    { "Khyber", "peshawar", TRUE },
    { "Orakzai", "kohat", TRUE },
    { "Kurram", "kohat", TRUE },
    { "North Waziristan", "bannu", TRUE },
    { "Upper South Waziristan", "dera-ismail-khan", TRUE },
    { "Lower South Waziristan", "dera-ismail-khan", TRUE },
    { "Upper Kohistan", "hazara", FALSE },
    { "Lower Kohistan", "hazara", FALSE },
    { "Kolai-Palas", "hazara", FALSE },
    { "Torghar", "hazara", FALSE },
    { "Abbottabad", "hazara", FALSE },
    { "Haripur", "hazara", FALSE },
    { "Mansehra", "hazara", FALSE },
    { "Battagram", "hazara", FALSE },
    { "Tank", "dera-ismail-khan", FALSE },
    { "Dera Ismail Khan", "dera-ismail-khan", FALSE },
    { "Lakki Marwat", "bannu", FALSE },
    { "Bannu", "bannu", FALSE },
    { "Shangla", "malakand", FALSE },
    { "Buner", "malakand", FALSE },
    { "Upper Dir", "malakand", FALSE },
    { "Central Dir", "malakand", FALSE },
    { "Lower Dir", "malakand", FALSE },
    { "Upper Chitral", "malakand", FALSE },
    { "Lower Chitral", "malakand", FALSE },
    { "Swat", "malakand", FALSE },
    { "Malakand", "malakand", FALSE },
    { "Swabi", "mardan", FALSE },
    { "Mardan", "mardan", FALSE },
    { "Charsadda", "peshawar", FALSE },
    { "Nowshera", "peshawar", FALSE },
    { "Peshawar", "peshawar", FALSE },
    { "Karak", "kohat", FALSE },
    { "Hangu", "kohat", FALSE },
    { "Kohat", "kohat", FALSE },
  };
  /* Split districts no longer exist under their old names. */
  static const char *gone[] = { "South Waziristan", "Kohistan", "Chitral", "Dir" };
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) codes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) tehsil_codes = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *all = ks_reference_get_divisions (ref);
  guint n_districts = 0;
  GDate as_of;

  g_assert_cmpstr (ks_reference_get_source (ref), !=, "");
  g_date_clear (&as_of, 1);
  g_date_set_parse (&as_of, ks_reference_get_as_of (ref));
  g_assert_true (g_date_valid (&as_of));
  g_assert_cmpuint (strlen (ks_reference_get_as_of (ref)), ==, 10);

  g_assert_cmpuint (all->len, ==, G_N_ELEMENTS (divisions));
  for (guint i = 0; i < G_N_ELEMENTS (divisions); i++)
    {
      const KsDivision *division = ks_reference_lookup_division (ref, divisions[i]);

      g_assert_nonnull (division);
      g_assert_cmpuint (division->districts->len, >=, 1);
      assert_urdu (division->name_ur);
    }

  for (guint i = 0; i < all->len; i++)
    {
      const KsDivision *division = g_ptr_array_index (all, i);

      for (guint j = 0; j < division->districts->len; j++)
        {
          const KsDistrict *district = g_ptr_array_index (division->districts, j);

          n_districts++;
          g_assert_true (district->division == division);
          g_assert_cmpuint (strlen (district->code), ==, 3);
          for (guint k = 0; k < 3; k++)
            g_assert_true (g_ascii_isupper (district->code[k]));
          g_assert_true (g_hash_table_add (codes, (gpointer)district->code));
          g_assert_true (g_hash_table_insert (by_name, (gpointer)district->name_en,
                                              (gpointer)district));
          g_assert_true (ks_reference_lookup_district (ref, district->code) == district);
          assert_urdu (district->name_ur);

          g_assert_cmpuint (district->tehsils->len, >=, 1);
          for (guint k = 0; k < district->tehsils->len; k++)
            {
              const KsTehsil *tehsil = g_ptr_array_index (district->tehsils, k);

              g_assert_true (tehsil->district == district);
              g_assert_true (g_str_has_prefix (tehsil->code, district->code));
              g_assert_true (g_hash_table_add (tehsil_codes, (gpointer)tehsil->code));
              g_assert_true (ks_reference_lookup_tehsil (ref, tehsil->code) == tehsil);
              g_assert_cmpstr (tehsil->name_en, !=, "");
              assert_urdu (tehsil->name_ur);
            }
        }
    }
  g_assert_cmpuint (n_districts, >=, 35);
  g_assert_cmpuint (n_districts, ==, ks_reference_get_districts (ref)->len);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const KsDistrict *district = g_hash_table_lookup (by_name, expected[i].name);

      g_test_message ("district %s", expected[i].name);
      g_assert_nonnull (district);
      g_assert_cmpstr (district->division->id, ==, expected[i].division);
      g_assert_cmpint (district->merged_2018, ==, expected[i].merged);
    }
  for (guint i = 0; i < G_N_ELEMENTS (gone); i++)
    g_assert_null (g_hash_table_lookup (by_name, gone[i]));

  /* Lookups ignore case and know nothing they were not given. */
  g_assert_cmpstr (ks_reference_lookup_district (ref, "pew")->name_en, ==, "Peshawar");
  g_assert_cmpstr (ks_reference_lookup_tehsil (ref, "pew-01")->district->code, ==, "PEW");
  g_assert_null (ks_reference_lookup_district (ref, "XXX"));
  g_assert_null (ks_reference_lookup_district (ref, ""));
  g_assert_null (ks_reference_lookup_tehsil (ref, "PEW-99"));
  g_assert_null (ks_reference_lookup_division (ref, "karachi"));
}

/* Pashto script: Arabic letters (ټ ډ ړ ګ ښ ځ ې ۍ included) and spaces, nothing else. */
static void
assert_pashto (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpstr (text, !=, "");
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != ' ' && g_unichar_get_script (c) != G_UNICODE_SCRIPT_ARABIC)
        g_error ("“%s” is not a Pashto name: U+%04X", text, c);
    }
}

/* A Pashto label: Arabic script, with spaces and punctuation between the words. */
static void
assert_pashto_label (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (text)), ==, G_UNICODE_SCRIPT_ARABIC);
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_ascii_isalnum (*p))
      g_error ("“%s” is not in Pashto", text);
}

/* Every division, district and tehsil has a Pashto name beside the Urdu one, and the station
 * shows the name of the language it speaks. */
static void
test_reference_pashto_names (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  GPtrArray *divisions = ks_reference_get_divisions (ref);
  GPtrArray *districts = ks_reference_get_districts (ref);
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
  const KsDistrict *pew = ks_reference_lookup_district (ref, "PEW");
  const KsTehsil *cdr = ks_reference_lookup_tehsil (ref, "CDR-03");

  for (guint i = 0; i < divisions->len; i++)
    assert_pashto (((const KsDivision *)divisions->pdata[i])->name_ps);
  for (guint i = 0; i < districts->len; i++)
    {
      const KsDistrict *d = districts->pdata[i];

      assert_pashto (d->name_ps);
      for (guint j = 0; j < d->tehsils->len; j++)
        assert_pashto (((const KsTehsil *)d->tehsils->pdata[j])->name_ps);
    }

  g_setenv ("LANGUAGE", "ps", TRUE);
  g_assert_cmpstr (ks_district_get_name (pew), ==, "پېښور");
  g_assert_cmpstr (ks_district_get_local_name (pew), ==, "پېښور");
  g_assert_cmpstr (ks_tehsil_get_name (cdr), ==, cdr->name_ps);
  g_setenv ("LANGUAGE", "ur", TRUE);
  g_assert_cmpstr (ks_district_get_name (pew), ==, "پشاور");
  g_assert_cmpstr (ks_division_get_name (pew->division), ==, "پشاور");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_assert_cmpstr (ks_district_get_name (pew), ==, "Peshawar");
  g_assert_cmpstr (ks_district_get_local_name (pew), ==, "پشاور");
  g_assert_cmpstr (ks_tehsil_get_name (cdr), ==, "Akhagram");
  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");
}

static void
test_reference_services (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  static const struct {
    const char *id;
    gboolean enabled;
  } expected[] = {
    { "sehat-card", TRUE },
    { "education", TRUE },
    { "taxation", TRUE },
    { "licensing", FALSE },
    { "property-records", FALSE },
  };
  GPtrArray *services = ks_reference_get_services (ref);
  guint n_enabled = 0;

  g_assert_cmpuint (services->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const KsService *service = ks_reference_lookup_service (ref, expected[i].id);

      g_assert_nonnull (service);
      g_assert_cmpint (service->enabled_by_default, ==, expected[i].enabled);
      g_assert_cmpstr (service->consent_version, !=, "");
      /* The Urdu texts really are Urdu, the English ones not. */
      g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (service->title_ur)), ==,
                       G_UNICODE_SCRIPT_ARABIC);
      g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (service->consent_ur)), ==,
                       G_UNICODE_SCRIPT_ARABIC);
      g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (service->description_ur)), ==,
                       G_UNICODE_SCRIPT_ARABIC);
      g_assert_true (g_ascii_isalpha (service->consent_en[0]));
      g_assert_cmpuint (strlen (service->description_en), <, 160);
      g_assert_cmpuint (strlen (service->title_en), >, 3);
    }
  for (guint i = 0; i < services->len; i++)
    n_enabled += ((KsService *)g_ptr_array_index (services, i))->enabled_by_default;
  g_assert_cmpuint (n_enabled, ==, 3);
  g_assert_null (ks_reference_lookup_service (ref, "nope"));
}

/* Central Dir (January 2023, from Upper Dir): its five tehsils are offered under it; Wari and
 * Larjam keep their old Upper Dir codes for older records, no longer offered there, and a
 * record that still names one is told where it went. */
static void
test_reference_central_dir (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  static const char *tehsils[] = { "Wari", "Larjam", "Akhagram", "Nahag Dara", "Sahibabad" };
  const KsDistrict *central = ks_reference_lookup_district (ref, "CDR");
  const KsDistrict *upper = ks_reference_lookup_district (ref, "UDR");
  const KsTehsil *old_wari = ks_reference_lookup_tehsil (ref, "UDR-04");

  g_assert_nonnull (central);
  g_assert_cmpstr (central->name_en, ==, "Central Dir");
  g_assert_cmpstr (central->division->id, ==, "malakand");
  g_assert_cmpuint (central->tehsils->len, ==, G_N_ELEMENTS (tehsils));
  for (guint i = 0; i < G_N_ELEMENTS (tehsils); i++)
    g_assert_cmpstr (((KsTehsil *)central->tehsils->pdata[i])->name_en, ==, tehsils[i]);

  g_assert_nonnull (old_wari);
  g_assert_cmpstr (old_wari->moved_to, ==, "CDR-01");
  /* A form still naming Upper Dir's Wari is told where Wari is now. */
  {
    g_autoptr(KsRecord) record = ks_record_new ();
    g_autoptr(GError) error = NULL;

    ks_record_set (record, KS_FIELD_DISTRICT, "UDR");
    ks_record_set (record, KS_FIELD_TEHSIL, "UDR-04");
    g_assert_cmpint (ks_record_check_field (record, KS_FIELD_TEHSIL, ref, NULL, NULL, &error), ==,
                     KS_VALIDATE_INVALID);
    g_assert_nonnull (strstr (error->message, "Central Dir"));
    g_clear_error (&error);
    ks_record_set (record, KS_FIELD_DISTRICT, "CDR");
    ks_record_set (record, KS_FIELD_TEHSIL, "CDR-01");
    g_assert_cmpint (ks_record_check_field (record, KS_FIELD_TEHSIL, ref, NULL, NULL, &error), ==,
                     KS_VALIDATE_OK);
    g_assert_no_error (error);
  }
  g_assert_true (old_wari->district == upper);
  for (guint i = 0; i < upper->tehsils->len; i++)
    {
      const KsTehsil *t = upper->tehsils->pdata[i];
      g_assert_null (t->moved_to);
      g_assert_cmpstr (t->name_en, !=, "Wari");
      g_assert_cmpstr (t->name_en, !=, "Larjam");
    }
}

static void
test_reference_reasons (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  static const char *fingers[] = { "amputated", "injured", "bandaged", "equipment-fault",
                                   "other" };
  GPtrArray *rejections = ks_reference_get_rejection_reasons (ref);

  g_assert_cmpuint (ks_reference_get_missing_finger_reasons (ref)->len, ==,
                    G_N_ELEMENTS (fingers));
  for (guint i = 0; i < G_N_ELEMENTS (fingers); i++)
    {
      const KsReason *reason = ks_reference_lookup_missing_finger_reason (ref, fingers[i]);

      g_assert_nonnull (reason);
      assert_urdu (reason->label_ur);
      assert_pashto_label (reason->label_ps);
    }
  /* Only an amputation means the finger will never be captured. */
  g_assert_true (ks_reference_lookup_missing_finger_reason (ref, "amputated")->permanent);
  g_assert_false (ks_reference_lookup_missing_finger_reason (ref, "bandaged")->permanent);
  g_assert_false (ks_reference_lookup_missing_finger_reason (ref, "equipment-fault")->permanent);

  g_assert_cmpuint (rejections->len, >=, 5);
  g_assert_nonnull (ks_reference_lookup_rejection_reason (ref, "other"));
  for (guint i = 0; i < rejections->len; i++)
    {
      const KsReason *reason = g_ptr_array_index (rejections, i);

      g_assert_cmpstr (reason->label_en, !=, "");
      g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (reason->label_ur)), ==,
                       G_UNICODE_SCRIPT_ARABIC);
      assert_pashto_label (reason->label_ps);
      g_assert_true (ks_reference_lookup_rejection_reason (ref, reason->id) == reason);
    }

  /* Shown in the screen's language. */
  {
    g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
    const KsReason *bandaged = ks_reference_lookup_missing_finger_reason (ref, "bandaged");
    const KsReason *dark = ks_reference_lookup_rejection_reason (ref, "photo-quality");

    g_setenv ("LANGUAGE", "ps", TRUE);
    g_assert_cmpstr (ks_reason_get_label (bandaged), ==, bandaged->label_ps);
    g_assert_cmpstr (ks_reason_get_label (dark), ==, dark->label_ps);
    g_setenv ("LANGUAGE", "ur", TRUE);
    g_assert_cmpstr (ks_reason_get_label (bandaged), ==, bandaged->label_ur);
    g_setenv ("LANGUAGE", "en", TRUE);
    g_assert_cmpstr (ks_reason_get_label (dark), ==, dark->label_en);
    if (saved != NULL)
      g_setenv ("LANGUAGE", saved, TRUE);
    else
      g_unsetenv ("LANGUAGE");
  }
}

/* ------------------------------------------------------------------------------------------ */

#define GOOD_DISTRICTS \
  "{\"source\": \"test\", \"as_of\": \"2026-01-01\", \"divisions\": [" \
  " {\"id\": \"peshawar\", \"name_en\": \"Peshawar\", \"name_ur\": \"پشاور\", \"districts\": [" \
  "  {\"code\": \"PEW\", \"name_en\": \"Peshawar\", \"name_ur\": \"پشاور\", \"tehsils\": [" \
  "   {\"code\": \"PEW-01\", \"name_en\": \"City\", \"name_ur\": \"سٹی\"}]}]}]}"
#define GOOD_SERVICES \
  "{\"services\": [{\"id\": \"sehat-card\", \"title_en\": \"t\", \"title_ur\": \"ت\", " \
  "\"description_en\": \"d\", \"description_ur\": \"د\", \"consent_en\": \"c\", " \
  "\"consent_ur\": \"ر\", \"consent_version\": \"1\", \"enabled_by_default\": true}]}"
#define GOOD_REASONS \
  "{\"reasons\": [{\"id\": \"other\", \"label_en\": \"Other\", \"label_ur\": \"دیگر\"}]}"

typedef struct
{
  const char *districts;
  const char *services;
  const char *reasons;
  KsReferenceError code;
} BrokenCase;

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  if (contents == NULL)
    return;
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_reference_broken (void)
{
  static const BrokenCase cases[] = {
    /* The minimal good set loads (code 0). */
    { GOOD_DISTRICTS, GOOD_SERVICES, GOOD_REASONS, 0 },
    { NULL, GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_NOT_FOUND },
    { GOOD_DISTRICTS, NULL, GOOD_REASONS, KS_REFERENCE_ERROR_NOT_FOUND },
    { GOOD_DISTRICTS, GOOD_SERVICES, NULL, KS_REFERENCE_ERROR_NOT_FOUND },
    { "{\"source\": ", GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_PARSE },
    { "[]", GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_PARSE },
    { "{\"as_of\": \"2026-01-01\", \"divisions\": []}", GOOD_SERVICES, GOOD_REASONS,
      KS_REFERENCE_ERROR_PARSE },
    { "{\"source\": \"s\", \"as_of\": \"2026-01-01\", \"divisions\": []}", GOOD_SERVICES,
      GOOD_REASONS, KS_REFERENCE_ERROR_INVALID },
    /* A division without districts. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": [{\"id\": \"x\", \"name_en\": \"X\", "
      "\"name_ur\": \"ا\", \"districts\": []}]}", GOOD_SERVICES, GOOD_REASONS,
      KS_REFERENCE_ERROR_INVALID },
    /* A district without tehsils. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": [{\"id\": \"x\", \"name_en\": \"X\", "
      "\"name_ur\": \"ا\", \"districts\": [{\"code\": \"PEW\", \"name_en\": \"P\", "
      "\"name_ur\": \"پ\", \"tehsils\": []}]}]}", GOOD_SERVICES, GOOD_REASONS,
      KS_REFERENCE_ERROR_INVALID },
    /* The same district code twice, in two divisions. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": ["
      "{\"id\": \"x\", \"name_en\": \"X\", \"name_ur\": \"ا\", \"districts\": [{\"code\": \"PEW\", "
      "\"name_en\": \"P\", \"name_ur\": \"پ\", \"tehsils\": [{\"code\": \"PEW-01\", "
      "\"name_en\": \"C\", \"name_ur\": \"س\"}]}]},"
      "{\"id\": \"y\", \"name_en\": \"Y\", \"name_ur\": \"ب\", \"districts\": [{\"code\": \"PEW\", "
      "\"name_en\": \"Q\", \"name_ur\": \"ق\", \"tehsils\": [{\"code\": \"PEW-02\", "
      "\"name_en\": \"D\", \"name_ur\": \"د\"}]}]}]}", GOOD_SERVICES, GOOD_REASONS,
      KS_REFERENCE_ERROR_INVALID },
    /* A district code that is not three capital letters. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": [{\"id\": \"x\", \"name_en\": \"X\", "
      "\"name_ur\": \"ا\", \"districts\": [{\"code\": \"PE1\", \"name_en\": \"P\", "
      "\"name_ur\": \"پ\", \"tehsils\": [{\"code\": \"PE1-01\", \"name_en\": \"C\", "
      "\"name_ur\": \"س\"}]}]}]}", GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_INVALID },
    /* A tehsil code from another district. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": [{\"id\": \"x\", \"name_en\": \"X\", "
      "\"name_ur\": \"ا\", \"districts\": [{\"code\": \"PEW\", \"name_en\": \"P\", "
      "\"name_ur\": \"پ\", \"tehsils\": [{\"code\": \"SWT-01\", \"name_en\": \"C\", "
      "\"name_ur\": \"س\"}]}]}]}", GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_INVALID },
    /* A tehsil without its Urdu name. */
    { "{\"source\": \"s\", \"as_of\": \"a\", \"divisions\": [{\"id\": \"x\", \"name_en\": \"X\", "
      "\"name_ur\": \"ا\", \"districts\": [{\"code\": \"PEW\", \"name_en\": \"P\", "
      "\"name_ur\": \"پ\", \"tehsils\": [{\"code\": \"PEW-01\", \"name_en\": \"C\", "
      "\"name_ur\": \"\"}]}]}]}", GOOD_SERVICES, GOOD_REASONS, KS_REFERENCE_ERROR_INVALID },
    /* The same service twice. */
    { GOOD_DISTRICTS, "{\"services\": [{\"id\": \"a\", \"title_en\": \"t\", \"title_ur\": \"ت\", "
      "\"description_en\": \"d\", \"description_ur\": \"د\", \"consent_en\": \"c\", "
      "\"consent_ur\": \"ر\", \"consent_version\": \"1\", \"enabled_by_default\": true},"
      "{\"id\": \"a\", \"title_en\": \"t\", \"title_ur\": \"ت\", "
      "\"description_en\": \"d\", \"description_ur\": \"د\", \"consent_en\": \"c\", "
      "\"consent_ur\": \"ر\", \"consent_version\": \"1\", \"enabled_by_default\": true}]}",
      GOOD_REASONS, KS_REFERENCE_ERROR_INVALID },
    /* A service without a consent version. */
    { GOOD_DISTRICTS, "{\"services\": [{\"id\": \"a\", \"title_en\": \"t\", \"title_ur\": \"ت\", "
      "\"description_en\": \"d\", \"description_ur\": \"د\", \"consent_en\": \"c\", "
      "\"consent_ur\": \"ر\", \"enabled_by_default\": true}]}", GOOD_REASONS,
      KS_REFERENCE_ERROR_PARSE },
    /* enabled_by_default as a string. */
    { GOOD_DISTRICTS, "{\"services\": [{\"id\": \"a\", \"title_en\": \"t\", \"title_ur\": \"ت\", "
      "\"description_en\": \"d\", \"description_ur\": \"د\", \"consent_en\": \"c\", "
      "\"consent_ur\": \"ر\", \"consent_version\": \"1\", \"enabled_by_default\": \"yes\"}]}",
      GOOD_REASONS, KS_REFERENCE_ERROR_PARSE },
    { GOOD_DISTRICTS, GOOD_SERVICES, "{\"reasons\": [{\"id\": \"Other Reason\", "
      "\"label_en\": \"O\", \"label_ur\": \"د\"}]}", KS_REFERENCE_ERROR_INVALID },
    { GOOD_DISTRICTS, GOOD_SERVICES, "{\"reasons\": [\"other\"]}", KS_REFERENCE_ERROR_PARSE },
  };
  g_autofree char *dir = g_dir_make_tmp ("ks-reference-XXXXXX", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsReference) ref = NULL;

      g_test_message ("case %u", i);
      write_file (dir, "kp-districts.json", cases[i].districts);
      write_file (dir, "services.json", cases[i].services);
      write_file (dir, "rejection-reasons.json", cases[i].reasons);
      write_file (dir, "missing-finger-reasons.json", GOOD_REASONS);

      ref = ks_reference_load (dir, &error);
      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (ks_reference_get_districts (ref)->len, ==, 1);
        }
      else
        {
          g_assert_null (ref);
          g_assert_error (error, KS_REFERENCE_ERROR, (int)cases[i].code);
          /* The message points the administrator at the file. */
          g_assert_nonnull (strstr (error->message, ".json"));
        }
    }

  write_file (dir, "kp-districts.json", NULL);
  write_file (dir, "services.json", NULL);
  write_file (dir, "rejection-reasons.json", NULL);
  write_file (dir, "missing-finger-reasons.json", NULL);
  g_rmdir (dir);
}

static void
test_reference_data_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("KS_DATA_DIR"));

  g_setenv ("KS_DATA_DIR", "/opt/elsewhere", TRUE);
  {
    g_autofree char *dir = ks_reference_find_data_dir ();
    g_assert_cmpstr (dir, ==, "/opt/elsewhere/reference");
  }

  /* Uninstalled, the source tree's copy is found, and it is the one that loads. */
  g_unsetenv ("KS_DATA_DIR");
  {
    g_autofree char *dir = ks_reference_find_data_dir ();
    g_autoptr(GError) error = NULL;
    g_autoptr(KsReference) ref = ks_reference_load_default (&error);

    g_assert_cmpstr (dir, ==, SHIPPED_DIR);
    g_assert_no_error (error);
    g_assert_nonnull (ref);
  }

  if (saved != NULL)
    g_setenv ("KS_DATA_DIR", saved, TRUE);
}

static void
test_reference_refcount (void)
{
  KsReference *ref = load_shipped ();
  const KsDistrict *district = ks_reference_lookup_district (ref, "SWT");

  /* A second owner keeps every record alive after the first lets go. */
  g_assert_true (ks_reference_ref (ref) == ref);
  ks_reference_unref (ref);
  g_assert_cmpstr (district->name_en, ==, "Swat");
  ks_reference_unref (ref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reference/districts", test_reference_districts);
  g_test_add_func ("/reference/services", test_reference_services);
  g_test_add_func ("/reference/pashto-names", test_reference_pashto_names);
  g_test_add_func ("/reference/central-dir", test_reference_central_dir);
  g_test_add_func ("/reference/reasons", test_reference_reasons);
  g_test_add_func ("/reference/broken", test_reference_broken);
  g_test_add_func ("/reference/data-dir", test_reference_data_dir);
  g_test_add_func ("/reference/refcount", test_reference_refcount);

  return g_test_run ();
}
