/* test-consent.c: consent records, their JSON form and the re-consent rule
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-consent.h"

static KsReference *
load_shipped (void)
{
  g_autoptr(GError) error = NULL;
  KsReference *ref = ks_reference_load (SOURCE_DATADIR "/reference", &error);

  g_assert_no_error (error);
  return ref;
}

static void
test_consent_round_trip (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  /* 09:15:02.75 in Peshawar (UTC+5): stored as 04:15:02 UTC, the fraction dropped. */
  g_autoptr(GTimeZone) pkt = g_time_zone_new_identifier ("+05:00");
  g_autoptr(GDateTime) at = g_date_time_new (pkt, 2026, 11, 26, 9, 15, 2.75);
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  GPtrArray *services = ks_reference_get_services (ref);

  for (guint i = 0; i < services->len; i++)
    {
      const KsService *service = g_ptr_array_index (services, i);

      g_ptr_array_add (consents, ks_consent_new_for_service (service, i % 2 ? "en" : "ur",
                                                             service->enabled_by_default, at));
    }

  json = ks_consent_list_to_json (consents);
  g_assert_nonnull (strstr (json, "\"recorded_at\":\"2026-11-26T04:15:02Z\""));
  g_assert_nonnull (strstr (json, "\"service\":\"sehat-card\""));

  back = ks_consent_list_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, consents->len);
  for (guint i = 0; i < consents->len; i++)
    {
      const KsConsent *a = g_ptr_array_index (consents, i);
      const KsConsent *b = g_ptr_array_index (back, i);
      const KsService *service = g_ptr_array_index (services, i);

      g_assert_cmpstr (a->service_id, ==, service->id);
      g_assert_cmpstr (b->service_id, ==, a->service_id);
      g_assert_cmpstr (b->consent_version, ==, service->consent_version);
      g_assert_cmpstr (b->language, ==, a->language);
      g_assert_cmpint (b->granted, ==, service->enabled_by_default);
      g_assert_true (g_date_time_equal (a->recorded_at, b->recorded_at));
      g_assert_cmpint (g_date_time_get_utc_offset (b->recorded_at), ==, 0);
      g_assert_cmpint (g_date_time_get_microsecond (b->recorded_at), ==, 0);
      g_assert_cmpint (g_date_time_get_hour (b->recorded_at), ==, 4);
    }

  g_assert_true (ks_consent_list_find (back, "taxation") == g_ptr_array_index (back, 2));
  g_assert_null (ks_consent_list_find (back, "nope"));

  /* No answers is a valid list too. */
  {
    g_autoptr(GPtrArray) none = g_ptr_array_new ();
    g_autofree char *empty = ks_consent_list_to_json (none);
    g_autoptr(GPtrArray) empty_back = ks_consent_list_from_json (empty, &error);

    g_assert_cmpstr (empty, ==, "[]");
    g_assert_no_error (error);
    g_assert_cmpuint (empty_back->len, ==, 0);
  }
}

static void
test_consent_copy_and_now (void)
{
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(KsConsent) consent = ks_consent_new ("education", "education-1", "ur", TRUE, NULL);
  g_autoptr(KsConsent) copy = ks_consent_copy (consent);
  g_autoptr(GDateTime) after = g_date_time_new_now_utc ();

  /* Without a time, now (to the second). */
  g_assert_cmpint (g_date_time_to_unix (consent->recorded_at), >=, g_date_time_to_unix (before));
  g_assert_cmpint (g_date_time_to_unix (consent->recorded_at), <=, g_date_time_to_unix (after));

  g_assert_true (copy != consent);
  g_assert_cmpstr (copy->service_id, ==, "education");
  g_assert_cmpstr (copy->consent_version, ==, "education-1");
  g_assert_cmpstr (copy->language, ==, "ur");
  g_assert_true (copy->granted);
  g_assert_true (g_date_time_equal (copy->recorded_at, consent->recorded_at));
}

static void
test_consent_is_current (void)
{
  g_autoptr(KsReference) ref = load_shipped ();
  const KsService *sehat = ks_reference_lookup_service (ref, "sehat-card");
  g_autoptr(KsConsent) current = ks_consent_new_for_service (sehat, "ur", TRUE, NULL);
  g_autoptr(KsConsent) old = ks_consent_new ("sehat-card", "sehat-card-0", "ur", TRUE, NULL);
  g_autoptr(KsConsent) unknown = ks_consent_new ("lottery", "1", "en", TRUE, NULL);

  /* A changed consent text means the citizen is asked again. */
  g_assert_true (ks_consent_is_current (current, ref));
  g_assert_false (ks_consent_is_current (old, ref));
  g_assert_false (ks_consent_is_current (unknown, ref));
}

static void
test_consent_damaged (void)
{
  static const char *bad[] = {
    "",
    "not json",
    "{}",
    "[1]",
    "[{\"consent_version\":\"1\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"}]",
    "[{\"service\":\"\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"}]",
    "[{\"service\":\"a\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"}]",
    "[{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"fr\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"}]",
    "[{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":\"yes\","
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"}]",
    "[{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02\"}]",
    "[{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"yesterday\"}]",
    "[{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":true,"
    "\"recorded_at\":\"2026-11-26T04:15:02Z\"},"
    "{\"service\":\"a\",\"consent_version\":\"1\",\"language\":\"en\",\"granted\":false,"
    "\"recorded_at\":\"2026-11-26T04:15:03Z\"}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) consents = NULL;

      g_test_message ("json: %s", bad[i]);
      consents = ks_consent_list_from_json (bad[i], &error);
      g_assert_null (consents);
      g_assert_error (error, KS_CONSENT_ERROR, KS_CONSENT_ERROR_INVALID);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/consent/round-trip", test_consent_round_trip);
  g_test_add_func ("/consent/copy-and-now", test_consent_copy_and_now);
  g_test_add_func ("/consent/is-current", test_consent_is_current);
  g_test_add_func ("/consent/damaged", test_consent_damaged);

  return g_test_run ();
}
