/* test-card-holder.c: a record's fields on the card; the station's keys, trust list import and
 * the audit entry of every printed or exported card
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ks-test-util.h"
#include "ks-audit.h"
#include "ks-card-audit.h"
#include "ks-card-holder.h"
#include "ks-card-scan.h"
#include "ks-station.h"
#include "ks-card-testing.h"

static KsRecord *
sample_record (void)
{
  KsRecord *rec = ks_record_new ();

  ks_record_set (rec, KS_FIELD_FULL_NAME, "Gul Bano Khan");
  ks_record_set (rec, KS_FIELD_FULL_NAME_UR, "گل بانو خان");
  ks_record_set (rec, KS_FIELD_FATHER_NAME, "Sher Ali Khan");
  ks_record_set (rec, KS_FIELD_DATE_OF_BIRTH, "1990-03-21");
  ks_record_set (rec, KS_FIELD_MOBILE, "+923001234567");
  ks_record_set (rec, KS_FIELD_ADDRESS_LINE1, "House 12, Street 4");
  ks_record_set (rec, KS_FIELD_ADDRESS_LINE2, "Hayatabad Phase 3");
  ks_record_set (rec, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (rec, KS_FIELD_TEHSIL, "PEW-01");
  return rec;
}

static void
test_holder_from_record (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsReference) ref = ks_reference_load_default (&error);
  g_autoptr(KsRecord) rec = sample_record ();
  struct {
    const char *gender;
    int code;
  } genders[] = {
    { "male", 1 }, { "female", 2 }, { "transgender", 3 }, { "", 0 },
  };

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (genders); i++)
    {
      g_autoptr(KsCardHolder) h = NULL;

      ks_record_set (rec, KS_FIELD_GENDER, genders[i].gender);
      h = ks_card_holder_from_record (rec, "PEW-A01-0000123-N", ref);
      g_assert_cmpint (h->gender, ==, genders[i].code);
      g_assert_cmpstr (h->kp_id, ==, "PEW-A01-0000123-N");
      g_assert_cmpstr (h->full_name, ==, "Gul Bano Khan");
      g_assert_cmpstr (h->full_name_ur, ==, "گل بانو خان");
      g_assert_cmpstr (h->father_name, ==, "Sher Ali Khan");
      /* Left empty in the form: absent on the card, not an empty line. */
      g_assert_null (h->father_name_ur);
      g_assert_cmpstr (h->date_of_birth, ==, "1990-03-21");
      g_assert_cmpstr (h->phone, ==, "+923001234567");
      g_assert_cmpstr (h->district_code, ==, "PEW");
      g_assert_cmpstr (h->district_name, ==, "Peshawar");
      g_assert_cmpstr (h->address, ==,
                       "House 12, Street 4\nHayatabad Phase 3\nPeshawar City, Peshawar");
    }

  /* Without reference data the codes stand in for the names; a missing second line leaves no
   * blank line. */
  {
    g_autoptr(KsCardHolder) h = NULL;

    ks_record_set (rec, KS_FIELD_ADDRESS_LINE2, "");
    h = ks_card_holder_from_record (rec, "PEW-A01-0000123-N", NULL);
    g_assert_cmpstr (h->district_name, ==, "PEW");
    g_assert_cmpstr (h->address, ==, "House 12, Street 4\nPEW-01, PEW");
  }
}

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *supervisor;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ks-holder-XXXXXX", NULL);
  f->station = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  f->supervisor = ks_station_set_up (f->station, "amina.sup", "Amina Yousafzai",
                                     "correct horse", "PEW", "A01", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->supervisor);
  g_assert_finalize_object (f->station);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
}

static KsCard *
issue_card (KsStationKeys *keys)
{
  g_autoptr(KsRecord) rec = sample_record ();
  g_autoptr(KsCardHolder) h = ks_card_holder_from_record (rec, "PEW-A01-0000123-N", NULL);
  g_autoptr(GError) error = NULL;
  KsCard *card = ks_card_issue (h, keys, NULL, &error);

  g_assert_no_error (error);
  return card;
}

static KsVerdict
verdict_with (KsTrustList *trust,
              KsCard      *card)
{
  g_autoptr(KsVerifyResult) result = NULL;
  KsVerifyOptions opts;

  ks_verify_options_init (&opts);
  opts.trust = trust;
  result = ks_card_verify_text (ks_card_get_qr_text (card), &opts);
  return result->verdict;
}

static void
test_station_keys (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  KsStationKeys *keys = ks_station_get_keys (f->station, &error);
  g_autofree char *key_path = NULL;
  g_autoptr(KsCard) card = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (keys);
  /* Made once, in the profile's key folder, with the station code from the settings. */
  g_assert_true (ks_station_get_keys (f->station, NULL) == keys);
  g_assert_cmpstr (ks_station_keys_get_station_code (keys), ==, "A01");
  key_path = g_build_filename (f->dir, "production", "keys", "station.key", NULL);
  g_assert_true (g_file_test (key_path, G_FILE_TEST_IS_REGULAR));

  /* The station accepts its own cards. */
  card = issue_card (keys);
  g_assert_cmpint (verdict_with (ks_station_get_trust_list (f->station, NULL), card), ==,
                   KS_VERDICT_VALID);
}

static void
test_import_trust_list (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_build_filename (f->dir, "other-keys", NULL);
  g_autofree char *other_json = g_build_filename (f->dir, "other-trust.json", NULL);
  g_autofree char *damaged = g_build_filename (f->dir, "damaged.json", NULL);
  g_autoptr(KsStationKeys) other = ks_station_keys_load_or_create (other_dir, "MRD", &error);
  g_autoptr(KsCard) card = issue_card (other);
  g_autoptr(KsStation) reopened = NULL;
  KsTrustList *trust = ks_station_get_trust_list (f->station, &error);

  g_assert_no_error (error);
  g_assert_cmpint (verdict_with (trust, card), ==, KS_VERDICT_UNKNOWN_ISSUER);

  /* A damaged file is refused and changes nothing. */
  g_assert_true (g_file_set_contents (damaged, "{ not json", -1, NULL));
  g_assert_false (ks_station_import_trust_list (f->station, damaged, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (verdict_with (trust, card), ==, KS_VERDICT_UNKNOWN_ISSUER);

  /* A list bringing another key for this station's own code (a forger's "A01") is refused
   * as a whole: the forgery stays unknown, this station's own cards stay valid. */
  {
    g_autofree char *forger_dir = g_build_filename (f->dir, "forger-keys", NULL);
    g_autofree char *forger_json = g_build_filename (f->dir, "forger-trust.json", NULL);
    g_autoptr(KsStationKeys) forger = ks_station_keys_load_or_create (forger_dir, "A01",
                                                                      &error);
    g_autoptr(KsCard) forged = issue_card (forger);
    g_autoptr(KsCard) own = issue_card (ks_station_get_keys (f->station, NULL));

    g_assert_true (ks_trust_list_save (ks_station_keys_get_trust_list (forger), forger_json,
                                       &error));
    g_assert_false (ks_station_import_trust_list (f->station, forger_json, &error));
    g_assert_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_CONFLICT);
    g_clear_error (&error);
    g_assert_cmpint (verdict_with (trust, forged), ==, KS_VERDICT_UNKNOWN_ISSUER);
    g_assert_cmpint (verdict_with (trust, own), ==, KS_VERDICT_VALID);
  }

  /* After importing the other station's list, its cards verify, here and after a restart. */
  g_assert_true (ks_trust_list_save (ks_station_keys_get_trust_list (other), other_json, &error));
  g_assert_true (ks_station_import_trust_list (f->station, other_json, &error));
  g_assert_no_error (error);
  g_assert_cmpint (verdict_with (trust, card), ==, KS_VERDICT_VALID);

  g_clear_object (&f->station);
  reopened = ks_station_open ("production", f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (verdict_with (ks_station_get_trust_list (reopened, NULL), card), ==,
                   KS_VERDICT_VALID);
  f->station = g_steal_pointer (&reopened);
}

static void
test_audit_print (Fixture      *f,
                  gconstpointer data)
{
  KsStore *store = ks_station_get_store (f->station);
  g_autoptr(GError) error = NULL;
  KsSession *session = f->supervisor;
  g_autoptr(GPtrArray) entries = NULL;
  struct {
    const char *what;
    const char *action;
  } cases[] = {
    { KS_CARD_OUTPUT_CARD_PRINTER, "card-printed" },
    { KS_CARD_OUTPUT_A4, "card-printed" },
    { KS_CARD_OUTPUT_PDF, "card-exported" },
    { KS_CARD_OUTPUT_PNG, "card-exported" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) list = NULL;
      KsAuditEntry *last;

      g_assert_true (ks_card_audit_print (store, session, "PEW-A01-0000123-N", cases[i].what,
                                          &error));
      g_assert_no_error (error);
      list = ks_audit_list (store, "PEW-A01-0000123-N", 0, &error);
      g_assert_cmpuint (list->len, ==, i + 1);
      last = g_ptr_array_index (list, 0);   /* newest first */
      g_assert_cmpstr (last->actor, ==, "amina.sup");
      g_assert_cmpstr (last->action, ==, cases[i].action);
      g_assert_cmpstr (last->detail, ==, cases[i].what);
    }

  /* From the command line: no session, the station is the actor and the OS user is named. */
  g_assert_true (ks_card_audit_print (store, NULL, "PEW-A01-0000124-K", KS_CARD_OUTPUT_PDF,
                                      &error));
  entries = ks_audit_list (store, "PEW-A01-0000124-K", 0, &error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->actor, ==, "station");
  g_assert_nonnull (strstr (((KsAuditEntry *)entries->pdata[0])->detail, g_get_user_name ()));
  g_assert_true (ks_audit_verify (store, NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/card-holder/from-record", test_holder_from_record);
  g_test_add ("/card-holder/station-keys", Fixture, NULL,
              fixture_setup, test_station_keys, fixture_teardown);
  g_test_add ("/card-holder/import-trust-list", Fixture, NULL,
              fixture_setup, test_import_trust_list, fixture_teardown);
  g_test_add ("/card-holder/audit-print", Fixture, NULL,
              fixture_setup, test_audit_print, fixture_teardown);

  return g_test_run ();
}
