/* test-cards.c: a signed card only for an approved record, and its revocation end to end
 *
 * Records are made as the operator makes them (a KsRecord filled as the wizard fills it, CNIC
 * typed with dashes, ks_records_submit), decided by a supervisor, and the revocation travels
 * through the reference registry (server/khyber-registry) and back in its trust list to another
 * station, whose verifier then says "revoked".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-card-scan.h"
#include "ks-cards.h"
#include "ks-claim169.h"
#include "ks-consent.h"
#include "ks-records.h"
#include "ks-test-sync.h"
#include "ks-test-util.h"
#include "ks-card-testing.h"
#include "ks-trust-testing.h"

typedef struct
{
  KsTestRegistry *registry;
  KsTestStation *station;     /* issues the card */
  KsTestStation *verifier;    /* another station: learns of the revocation from the registry */
  KsReference *reference;
  KsSession *operator;
  KsSession *supervisor;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) op = NULL;
  gboolean with_registry = GPOINTER_TO_INT (data);

  if (with_registry)
    f->registry = ks_test_registry_start ();
  f->station = ks_test_station_new (NULL, f->registry);
  f->reference = ks_reference_load_default (&error);
  g_assert_no_error (error);
  sup = ks_accounts_create_first_supervisor (f->station->store, "sana.sup", "Sana Gul",
                                             "supervisor-pw", &error);
  g_assert_no_error (error);
  f->supervisor = ks_session_new (f->station->store, sup, FALSE);
  op = ks_accounts_add (f->station->store, f->supervisor, "omar.op", "Omar Khan",
                        KS_ROLE_OPERATOR, "operator-pw", &error);
  g_assert_no_error (error);
  f->operator = ks_session_new (f->station->store, op, FALSE);
  /* The station as set-up leaves it: district PEW, code A01. */
  {
    g_autoptr(KsStationConfig) config = ks_station_config_new (f->station->store, FALSE, &error);

    g_assert_no_error (error);
    ks_test_configure_station (config, f->supervisor, "PEW", "A01");
  }
  if (with_registry)
    {
      f->verifier = ks_test_station_new (NULL, f->registry);
      g_assert_true (ks_test_station_provision (f->station, KS_TEST_CODE, &error));
      g_assert_no_error (error);
      g_assert_true (ks_test_station_provision (f->verifier, KS_TEST_CODE_2, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->operator);
  g_clear_object (&f->supervisor);
  g_clear_pointer (&f->reference, ks_reference_unref);
  g_clear_pointer (&f->verifier, ks_test_station_free);
  g_clear_pointer (&f->station, ks_test_station_free);
  g_clear_pointer (&f->registry, ks_test_registry_free);
}

/* A married woman from Peshawar, typed as the wizard's fields take it. */
static KsRecord *
wizard_record (void)
{
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;

  ks_record_set (r, KS_FIELD_ID_KIND, "cnic");
  ks_record_set (r, KS_FIELD_CNIC, "17301-0000700-2");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1992-07-14");
  ks_record_set (r, KS_FIELD_GENDER, "female");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Gul Bano");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "گل بانو");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Sher Afzal Khan");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "شیر افضل خان");
  ks_record_set (r, KS_FIELD_RELATION, "husband");
  ks_record_set (r, KS_FIELD_MOBILE, "0300-7654321");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "House 7, Street 2, Gulbahar");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  g_ptr_array_add (consents, ks_consent_new ("sehat-card", "sehat-card-1", "ur", TRUE, NULL));
  consents_json = ks_consent_list_to_json (consents);
  ks_record_set (r, KS_FIELD_CONSENTS, consents_json);
  return r;
}

static char *
submit (Fixture  *f,
        KsRecord *record,
        gint64    record_id)
{
  g_autoptr(GError) error = NULL;
  KsSubmitOptions o = { NULL };
  gint64 draft = ks_drafts_create (f->station->store, f->operator, record, record_id, &error);
  char *kp_id;

  g_assert_no_error (error);
  kp_id = ks_records_submit (f->station->store, f->operator, draft, record, f->reference, &o,
                             &error);
  g_assert_no_error (error);
  return kp_id;
}

static KsCard *
issue (Fixture    *f,
       const char *kp_id,
       GError    **error)
{
  return ks_cards_issue (f->station->store, f->supervisor, f->station->keys, f->reference, NULL,
                         kp_id, NULL, error);
}

static void
decide (Fixture      *f,
        const char   *kp_id,
        KsRecordState to)
{
  g_autoptr(GError) error = NULL;
  const char *ids[] = { kp_id, NULL };

  g_assert_true (ks_records_decide_batch (f->station->store, f->supervisor, ids, to,
                                          to == KS_RECORD_STATE_REJECTED ? "photo-quality" : NULL,
                                          NULL, FALSE, &error));
  g_assert_no_error (error);
}

/* Awaiting review, then rejected: no card either time, and nothing signed is stored. */
static void
test_rejected_no_card (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(KsRecord) record = wizard_record ();
  g_autofree char *kp_id = submit (f, record, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) waiting = issue (f, kp_id, &error);
  g_autoptr(KsCard) rejected = NULL;
  g_autoptr(GPtrArray) cards = NULL;

  g_assert_null (waiting);
  g_assert_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED);
  g_assert_nonnull (strstr (error->message, "awaits a supervisor"));
  g_clear_error (&error);

  decide (f, kp_id, KS_RECORD_STATE_REJECTED);
  rejected = issue (f, kp_id, &error);
  g_assert_null (rejected);
  g_assert_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED);
  g_assert_nonnull (strstr (error->message, "rejected"));
  g_clear_error (&error);
  g_assert_false (ks_cards_check_issuable (f->station->store, kp_id, NULL));

  cards = ks_cards_list_for_record (f->station->store, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cards->len, ==, 0);
}

/* With approval switched off the record is approved at submit, so its card is issued at once,
 * in the operator's name. */
static void
test_approval_off (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(KsRecord) record = wizard_record ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autofree char *kp_id = NULL;
  KsSubmitOptions o = { NULL };
  g_autoptr(KsStationConfig) config = ks_station_config_new (f->station->store, FALSE, &error);

  /* The supervisor switches approval off, through core. */
  g_assert_no_error (error);
  g_assert_true (ks_station_config_set_boolean (config, f->supervisor, "approval-required", FALSE,
                                                &error));
  g_assert_no_error (error);
  kp_id = ks_records_submit (f->station->store, f->operator, 0, record, f->reference, &o,
                             &error);
  g_assert_no_error (error);
  g_assert_true (ks_cards_check_issuable (f->station->store, kp_id, &error));
  card = ks_cards_issue (f->station->store, f->operator, f->station->keys, f->reference, NULL,
                         kp_id, NULL, &error);
  g_assert_no_error (error);
  cards = ks_cards_list_for_record (f->station->store, kp_id, &error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpstr (((KsCardInfo *)cards->pdata[0])->issued_by, ==, "omar.op");
  g_assert_cmpstr (((KsCardInfo *)cards->pdata[0])->credential_id, ==,
                   ks_card_get_credential_id (card));
}

/* The QR holds what checking needs, not the phone number or the home address; the card says
 * "husband" when the record does. */
static void
test_credential_contents (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(KsRecord) record = wizard_record ();
  g_autofree char *kp_id = submit (f, record, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = NULL;
  g_autoptr(KsCredential) cred = NULL;
  KsVerifyOptions opts;

  decide (f, kp_id, KS_RECORD_STATE_APPROVED);
  card = issue (f, kp_id, &error);
  g_assert_no_error (error);

  ks_verify_options_init (&opts);
  opts.trust = ks_station_keys_get_trust_list (f->station->keys);
  cred = ks_credential_verify (ks_card_get_qr_text (card), &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cred->claim->id, ==, kp_id);
  g_assert_cmpstr (cred->claim->full_name, ==, "Gul Bano");
  g_assert_cmpstr (cred->claim->date_of_birth, ==, "19920714");
  g_assert_null (cred->claim->phone);
  g_assert_null (cred->claim->address);
  g_assert_cmpstr (cred->credential_id, ==, ks_card_get_credential_id (card));
  g_assert_true (ks_credential_id_is_valid (cred->credential_id));

  /* For a person to look at: "Husband's name", Urdu labels, DD-MM-YYYY dates. */
  if (g_getenv ("KS_SHOT_DIR") != NULL)
    {
      g_autofree char *png = NULL;

      g_mkdir_with_parents (g_getenv ("KS_SHOT_DIR"), 0755);
      png = g_build_filename (g_getenv ("KS_SHOT_DIR"), "card-approved.png", NULL);
      g_assert_true (ks_card_write_file (card, png, &error));
      g_assert_no_error (error);
    }
}

/* Approved -> card -> reprint (same credential) -> the record is corrected (a new version)
 * -> the card is revoked, the revocation syncs, and another station's verifier, after its own
 * sync, calls the card revoked with the date and the reason. */
static void
test_superseded_revoked (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(KsRecord) record = wizard_record ();
  g_autofree char *kp_id = submit (f, record, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsCard) card = NULL;
  g_autoptr(KsCard) reprint = NULL;
  g_autoptr(KsCard) refused = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(GPtrArray) cards = NULL;
  g_autoptr(GPtrArray) audit = NULL;
  g_autoptr(KsTrustList) before = NULL;
  g_autoptr(KsVerifyResult) result = NULL;
  g_autoptr(KsTrustList) fetched = NULL;
  g_autofree char *png = g_build_filename (f->verifier->dir, "card.png", NULL);
  g_autofree char *trust_path = g_build_filename (f->verifier->dir, "keys", "trust.json", NULL);
  g_autofree char *edited_id = NULL;
  g_autofree char *today = NULL;
  KsVerifyOptions opts;
  gboolean revoked_seen = FALSE;

  decide (f, kp_id, KS_RECORD_STATE_APPROVED);
  card = issue (f, kp_id, &error);
  g_assert_no_error (error);
  g_assert_true (ks_card_write_file (card, png, &error));

  /* A reprint signs the same credential: one record version, one credential. */
  reprint = issue (f, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_card_get_credential_id (reprint), ==, ks_card_get_credential_id (card));
  cards = ks_cards_list_for_record (f->station->store, kp_id, &error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_clear_pointer (&cards, g_ptr_array_unref);

  /* The verifier station syncs (nothing revoked yet): the card is valid there. */
  g_assert_true (ks_test_station_sync (f->verifier, &error));
  g_assert_no_error (error);
  ks_verify_options_init (&opts);
  before = ks_trust_list_new_from_file (trust_path, &error);
  g_assert_no_error (error);
  opts.trust = before;
  result = ks_card_verify_file (png, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->verdict, ==, KS_VERDICT_VALID);
  g_clear_pointer (&result, ks_verify_result_free);

  /* The operator corrects the address: the approved version is superseded. */
  info = ks_records_get_info (f->station->store, kp_id, &error);
  g_assert_true (ks_records_is_editable (f->station->store, kp_id, &error));
  ks_record_set (record, KS_FIELD_ADDRESS_LINE1, "House 9, Street 2, Gulbahar");
  edited_id = submit (f, record, info->id);
  g_assert_cmpstr (edited_id, ==, kp_id);
  cards = ks_cards_list_for_record (f->station->store, kp_id, &error);
  g_assert_cmpuint (cards->len, ==, 1);
  g_assert_cmpint (((KsCardInfo *)cards->pdata[0])->revoked_at, >, 0);
  g_assert_cmpstr (((KsCardInfo *)cards->pdata[0])->revoke_reason, ==, "superseded");
  g_assert_cmpint (((KsCardInfo *)cards->pdata[0])->revocation_sent_at, ==, 0);
  audit = ks_audit_list (f->station->store, kp_id, 0, &error);
  for (guint i = 0; i < audit->len; i++)
    revoked_seen |= g_str_equal (((KsAuditEntry *)audit->pdata[i])->action, "card-revoked");
  g_assert_true (revoked_seen);

  /* The new version awaits review: no card for it yet. */
  refused = issue (f, kp_id, &error);
  g_assert_null (refused);
  g_assert_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED);
  g_clear_error (&error);

  /* The issuing station syncs: the revocation reaches the registry. */
  g_assert_true (ks_test_station_sync (f->station, &error));
  g_assert_no_error (error);
  g_clear_pointer (&cards, g_ptr_array_unref);
  cards = ks_cards_list_for_record (f->station->store, kp_id, &error);
  g_assert_cmpint (((KsCardInfo *)cards->pdata[0])->revocation_sent_at, >, 0);

  /* The verifier station syncs and gets it back in the registry's trust list, saved where
   * `khyber-station verify` reads it. */
  g_assert_true (ks_test_station_sync (f->verifier, &error));
  g_assert_no_error (error);
  fetched = ks_trust_list_new_from_file (trust_path, &error);
  g_assert_no_error (error);
  {
    const KsCredentialRevocation *rev =
      ks_trust_list_lookup_revocation (fetched, ks_card_get_credential_id (card));

    g_assert_nonnull (rev);
    g_assert_cmpstr (rev->reason, ==, "superseded");
    g_assert_cmpstr (rev->kp_id, ==, kp_id);
    g_assert_cmpstr (rev->station_code, ==, "A01");
  }
  opts.trust = fetched;
  result = ks_card_verify_file (png, &opts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->verdict, ==, KS_VERDICT_REVOKED);
  g_assert_cmpint (ks_verdict_exit_code (result->verdict), ==, KS_EXIT_REVOKED);
  g_assert_null (result->credential);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    today = g_date_time_format (now, "%d-%m-%Y");
  }
  g_test_message ("%s", result->message);
  g_assert_nonnull (strstr (result->message, today));
  g_assert_nonnull (strstr (result->message, "corrected"));

  /* A second sync sends nothing again, and the list keeps the first date. */
  g_assert_true (ks_test_station_sync (f->station, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) unsent = ks_cards_list_unsent_revocations (f->station->store, 10,
                                                                    &error);
    g_assert_cmpuint (unsent->len, ==, 0);
  }
}

/* The trust list's revoked cards survive a save and a load; a merge keeps the first date; a
 * malformed entry makes the whole list damaged rather than silently shorter. */
static void
test_trust_list_revocations (void)
{
  g_autoptr(KsTrustList) list = ks_trust_list_new ();
  g_autoptr(KsTrustList) later = ks_trust_list_new ();
  g_autoptr(KsTrustList) loaded = NULL;
  g_autoptr(KsTrustList) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  KsCredentialRevocation rev = {
    .credential_id = (char *)"00112233445566778899AABBCCDDEEFF",
    .kp_id = (char *)"PEW-A01-0000001-Q",
    .station_code = (char *)"A01",
    .revoked_at = 1796299200,
    .reason = (char *)KS_REVOCATION_SUPERSEDED,
  };
  const KsCredentialRevocation *found;

  ks_trust_list_revoke_credential (list, &rev);
  json = ks_trust_list_to_json (list);
  loaded = ks_trust_list_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  found = ks_trust_list_lookup_revocation (loaded, "00112233445566778899aabbccddeeff");
  g_assert_nonnull (found);
  g_assert_cmpint (found->revoked_at, ==, 1796299200);
  g_assert_cmpstr (found->reason, ==, "superseded");
  g_assert_cmpstr (found->kp_id, ==, "PEW-A01-0000001-Q");
  g_assert_null (ks_trust_list_lookup_revocation (loaded, "ffeeddccbbaa99887766554433221100"));

  rev.revoked_at += 3600;
  rev.reason = (char *)KS_REVOCATION_REJECTED;
  ks_trust_list_revoke_credential (later, &rev);
  ks_trust_list_merge (loaded, later);
  g_assert_cmpuint (ks_trust_list_count_revocations (loaded), ==, 1);
  found = ks_trust_list_lookup_revocation (loaded, rev.credential_id);
  g_assert_cmpint (found->revoked_at, ==, 1796299200);

  bad = ks_trust_list_new_from_data ("{\"format\": \"khyber-pass-trust-list\", "
                                     "\"revoked_credentials\": [{\"credential_id\": \"xyz\", "
                                     "\"revoked_at\": \"2026-12-03T12:00:00Z\", "
                                     "\"reason\": \"rejected\"}]}", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, KS_TRUST_ERROR, KS_TRUST_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cards/trust-list-revocations", test_trust_list_revocations);
  g_test_add ("/cards/rejected-no-card", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_rejected_no_card, fixture_teardown);
  g_test_add ("/cards/approval-off", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_approval_off, fixture_teardown);
  g_test_add ("/cards/credential-contents", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_credential_contents, fixture_teardown);
  g_test_add ("/cards/superseded-revoked", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_superseded_revoked, fixture_teardown);
  return g_test_run ();
}
