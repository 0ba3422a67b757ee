/* test-records.c: drafts, submit, Khyber Pass IDs, states and versions, draft saver, SIGKILL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ks-account-admin.h"
#include "ks-audit.h"
#include "ks-consent.h"
#include "ks-draft-saver.h"
#include "ks-kpid.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-test-util.h"
#include "ks-audit-testing.h"
#include "ks-store-testing.h"
#include "ks-draft-saver-testing.h"
#include "ks-kpid-testing.h"
#include "ks-records-testing.h"

typedef struct
{
  char *dir;
  KsStore *store;
  KsReference *reference;
  KsSession *supervisor;
  KsSession *operator;
  KsStationConfig *config;
  GDate *today;
  gint64 now;
} Fixture;

static gint64
fake_clock (gpointer data)
{
  return ((Fixture *)data)->now;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) op = NULL;

  f->dir = g_dir_make_tmp ("ks-records-XXXXXX", NULL);
  path = g_build_filename (f->dir, "station.db", NULL);
  f->store = ks_store_open (path, &error);
  g_assert_no_error (error);
  f->now = G_GINT64_CONSTANT (1764000000) * G_USEC_PER_SEC;
  ks_store_set_clock (f->store, fake_clock, f);
  f->reference = ks_reference_load_default (&error);
  g_assert_no_error (error);

  sup = ks_accounts_create_first_supervisor (f->store, "sana.sup", "Sana Gul", "supervisor-pw",
                                             &error);
  g_assert_no_error (error);
  f->supervisor = ks_session_new (f->store, sup, FALSE);
  op = ks_accounts_add (f->store, f->supervisor, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                        "operator-pw", &error);
  g_assert_no_error (error);
  f->operator = ks_session_new (f->store, op, FALSE);
  f->config = ks_station_config_new (f->store, FALSE, &error);
  g_assert_no_error (error);
  ks_test_configure_station (f->config, f->supervisor, "PEW", "A01");
  f->today = g_date_new_dmy (26, G_DATE_NOVEMBER, 2026);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->operator);
  g_clear_object (&f->supervisor);
  g_clear_object (&f->config);
  ks_reference_unref (f->reference);
  g_assert_finalize_object (f->store);
  g_date_free (f->today);
  g_free (f->dir);
}

/* A valid adult from Peshawar, as an operator would type it (not yet normalised). */
static KsRecord *
sample_record (const char *cnic)
{
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;

  ks_record_set (r, KS_FIELD_CNIC, cnic);
  ks_record_set (r, KS_FIELD_GENDER, "male");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1990-05-10");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Imran  Khan");
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, "عمران خان");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Ikram Ullah Khan");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "اکرام اللہ خان");
  ks_record_set (r, KS_FIELD_MOBILE, "0300-1234567");
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, "House 12, Street 4, Hayatabad");
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  g_ptr_array_add (consents, ks_consent_new ("sehat-card", "sehat-card-1", "ur", TRUE, NULL));
  consents_json = ks_consent_list_to_json (consents);
  ks_record_set (r, KS_FIELD_CONSENTS, consents_json);
  return r;
}

/* The approval policy is the station's, set by a supervisor: never a submit option. */
static KsSubmitOptions
options (Fixture *f,
         gboolean approval_required)
{
  g_autoptr(GError) error = NULL;
  KsSubmitOptions o = { f->today };

  g_assert_true (ks_station_config_set_boolean (f->config, f->supervisor, "approval-required",
                                                approval_required, &error));
  g_assert_no_error (error);
  return o;
}

static char *
submit (Fixture    *f,
        const char *cnic)
{
  g_autoptr(KsRecord) r = sample_record (cnic);
  g_autoptr(GError) error = NULL;
  KsSubmitOptions o = options (f, TRUE);
  gint64 draft = ks_drafts_create (f->store, f->operator, r, 0, &error);
  char *kp_id;

  g_assert_no_error (error);
  kp_id = ks_records_submit (f->store, f->operator, draft, r, f->reference, &o, &error);
  g_assert_no_error (error);
  return kp_id;
}

static const char *
last_action (Fixture *f)
{
  g_autoptr(GPtrArray) entries = ks_audit_list (f->store, NULL, 1, NULL);
  static char action[64];

  g_strlcpy (action, ((KsAuditEntry *)entries->pdata[0])->action, sizeof action);
  return action;
}

static void
test_submit (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) r = sample_record ("1730112345671");
  g_autoptr(KsRecord) stored = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  KsSubmitOptions o = options (f, TRUE);
  gint64 draft = ks_drafts_create (f->store, f->operator, r, 0, &error);
  g_autofree char *kp_id = NULL;

  g_assert_cmpint (draft, >, 0);
  kp_id = ks_records_submit (f->store, f->operator, draft, r, f->reference, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kp_id, ==, "PEW-A01-0000001-Q");
  g_assert_true (ks_kpid_is_valid (kp_id));
  g_assert_cmpstr (last_action (f), ==, "record-submitted");

  /* Stored normalised: formatted CNIC, E.164 mobile, single spaces. */
  stored = ks_records_load (f->store, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_record_get (stored, KS_FIELD_CNIC), ==, "17301-1234567-1");
  g_assert_cmpstr (ks_record_get (stored, KS_FIELD_MOBILE), ==, "+923001234567");
  g_assert_cmpstr (ks_record_get (stored, KS_FIELD_FULL_NAME), ==, "Imran Khan");

  info = ks_records_get_info (f->store, kp_id, &error);
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SUBMITTED);
  g_assert_cmpstr (info->operator, ==, "omar.op");

  /* The draft is gone with the submit. */
  drafts = ks_drafts_list_mine (f->store, f->operator, &error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* The same CNIC, with or without dashes, finds the record instead of enrolling twice. */
  {
    g_autoptr(KsRecordInfo) found = ks_records_find_by_cnic (f->store, "17301-1234567-1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (found->kp_id, ==, kp_id);
  }
  {
    g_autoptr(KsRecord) again = sample_record ("17301-1234567-1");
    g_autofree char *dup = ks_records_submit (f->store, f->operator, 0, again, f->reference, &o,
                                              &error);
    g_assert_null (dup);
    g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC);
    g_assert_nonnull (strstr (error->message, kp_id));
  }
  g_assert_true (ks_audit_verify (f->store, NULL, NULL));
}

static void
test_submit_refuses_invalid (Fixture      *f,
                             gconstpointer data)
{
  struct { KsField field; const char *value; } cases[] = {
    { KS_FIELD_CNIC, "1730112345672" },         /* even last digit: female, but male chosen */
    { KS_FIELD_FULL_NAME_UR, "Imran Khan" },    /* Latin letters in the Urdu name */
    { KS_FIELD_DATE_OF_BIRTH, "2030-01-01" },   /* in the future */
    { KS_FIELD_DATE_OF_BIRTH, "2015-01-01" },   /* a minor without a guardian */
    { KS_FIELD_MOBILE, "12345" },
    { KS_FIELD_TEHSIL, "BNU-01" },              /* a tehsil of another district */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KsRecord) r = sample_record ("1730112345671");
      g_autoptr(GError) error = NULL;
      KsSubmitOptions o = options (f, TRUE);
      g_autofree char *kp_id = NULL;
      gint64 count = -1;

      ks_record_set (r, cases[i].field, cases[i].value);
      kp_id = ks_records_submit (f->store, f->operator, 0, r, f->reference, &o, &error);
      g_assert_null (kp_id);
      g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID);
      g_assert_true (ks_records_count_by_state (f->store, KS_RECORD_STATE_SUBMITTED, &count));
      g_assert_cmpint (count, ==, 0);
    }

  /* A child of 11 with a guardian, but entered with a CNIC: NADRA issues the CNIC at 18, so
   * the number is someone else's. Refused, saying to enter the B-form. */
  {
    g_autoptr(KsRecord) r = sample_record ("1730112345671");
    g_autoptr(GError) error = NULL;
    KsSubmitOptions o = options (f, TRUE);
    g_autofree char *kp_id = NULL;
    GDate today;

    g_date_clear (&today, 1);
    g_date_set_time_t (&today, time (NULL));
    g_assert_cmpstr (ks_record_get (r, KS_FIELD_ID_KIND), ==, "cnic");
    {
      g_autofree char *dob = g_strdup_printf ("%04d-01-01", g_date_get_year (&today) - 11);
      ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, dob);
    }
    ks_record_set (r, KS_FIELD_GUARDIAN_CNIC, "17301-7654321-3");
    ks_record_set (r, KS_FIELD_GUARDIAN_NAME, "Ikram Ullah Khan");
    kp_id = ks_records_submit (f->store, f->operator, 0, r, f->reference, &o, &error);
    g_assert_null (kp_id);
    g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "B-form"));
  }

  /* The minor becomes valid with a guardian. */
  {
    g_autoptr(KsRecord) r = sample_record ("1730112345671");
    g_autoptr(GError) error = NULL;
    KsSubmitOptions o = options (f, TRUE);
    g_autofree char *kp_id = NULL;

    ks_record_set (r, KS_FIELD_ID_KIND, "bform");
    ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "2015-01-01");
    ks_record_set (r, KS_FIELD_GUARDIAN_CNIC, "17301-7654321-3");
    ks_record_set (r, KS_FIELD_GUARDIAN_NAME, "Ikram Ullah Khan");
    kp_id = ks_records_submit (f->store, f->operator, 0, r, f->reference, &o, &error);
    g_assert_no_error (error);
  }
}

static void
test_ids_never_reused (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *first = submit (f, "1730112345671");
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;

  g_assert_true (ks_records_set_state (f->store, f->supervisor, first, KS_RECORD_STATE_REJECTED,
                                       "blurred-photo", "Photo too dark", &error));
  g_assert_no_error (error);
  second = submit (f, "1730112345673");
  g_assert_cmpstr (first, ==, "PEW-A01-0000001-Q");
  g_assert_true (g_str_has_prefix (second, "PEW-A01-0000002-"));

  /* The rejected record keeps its reason. */
  info = ks_records_get_info (f->store, first, &error);
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_REJECTED);
  g_assert_cmpstr (info->reason, ==, "blurred-photo");
  g_assert_cmpstr (info->note, ==, "Photo too dark");
  g_assert_cmpstr (info->decided_by, ==, "sana.sup");
}

static void
test_states (Fixture      *f,
             gconstpointer data)
{
  g_autofree char *kp_id = submit (f, "1730112345671");
  g_autoptr(GError) error = NULL;
  gint64 audit_before;

  /* An operator cannot approve, even calling core directly. */
  g_assert_false (ks_records_set_state (f->store, f->operator, kp_id, KS_RECORD_STATE_APPROVED,
                                        NULL, NULL, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  /* Nor can the station itself. */
  g_assert_false (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_APPROVED,
                                        NULL, NULL, &error));
  g_clear_error (&error);
  /* Rejecting needs a reason. */
  g_assert_false (ks_records_set_state (f->store, f->supervisor, kp_id, KS_RECORD_STATE_REJECTED,
                                        "", NULL, &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_INVALID);
  g_clear_error (&error);
  /* States only move forward. */
  g_assert_false (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_SYNCED,
                                        NULL, NULL, &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE);
  g_clear_error (&error);

  audit_before = ks_audit_count (f->store);
  g_assert_true (ks_records_set_state (f->store, f->supervisor, kp_id, KS_RECORD_STATE_APPROVED,
                                       NULL, NULL, &error));
  g_assert_cmpstr (last_action (f), ==, "record-approved");
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                       &error));
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_SYNC_FAILED,
                                       "registry unreachable", NULL, &error));
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                       &error));
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_SYNCED, NULL, NULL,
                                       &error));
  g_assert_no_error (error);
  /* One audit entry per change. */
  g_assert_cmpint (ks_audit_count (f->store), ==, audit_before + 5);
  g_assert_false (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                        &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE);
  g_assert_true (ks_audit_verify (f->store, NULL, NULL));
}

static void
test_approval_off (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(KsRecord) r = sample_record ("1730112345671");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  KsSubmitOptions o = options (f, FALSE);
  g_autofree char *kp_id = ks_records_submit (f->store, f->operator, 0, r, f->reference, &o,
                                              &error);
  g_autoptr(GPtrArray) entries = ks_audit_list (f->store, kp_id, 0, NULL);

  g_assert_no_error (error);
  info = ks_records_get_info (f->store, kp_id, &error);
  /* Approved (audited as such) and queued for sync, as after a supervisor's approval. */
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_QUEUED);
  g_assert_cmpint (info->decision, ==, KS_RECORD_STATE_APPROVED);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->action, ==, "record-queued");
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[1])->action, ==, "record-approved");
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[1])->detail, ==, "approval not required");
}

static void
test_edit_creates_version (Fixture      *f,
                           gconstpointer data)
{
  g_autofree char *kp_id = submit (f, "1730112345671");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = ks_records_load (f->store, kp_id, &error);
  g_autoptr(KsRecordInfo) info = ks_records_get_info (f->store, kp_id, &error);
  KsSubmitOptions o = options (f, TRUE);
  gint64 draft;
  g_autofree char *same = NULL;

  ks_record_set (record, KS_FIELD_ADDRESS_LINE1, "House 14, Street 9, Hayatabad");
  draft = ks_drafts_create (f->store, f->operator, record, info->id, &error);
  same = ks_records_submit (f->store, f->operator, draft, record, f->reference, &o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (same, ==, kp_id);
  g_assert_cmpstr (last_action (f), ==, "record-edited");
  {
    g_autoptr(KsRecordInfo) after = ks_records_get_info (f->store, kp_id, &error);
    g_autoptr(KsRecord) reloaded = ks_records_load (f->store, kp_id, &error);
    g_assert_cmpint (after->version, ==, 2);
    g_assert_cmpstr (ks_record_get (reloaded, KS_FIELD_ADDRESS_LINE1), ==,
                     "House 14, Street 9, Hayatabad");
  }
  /* Version 1 is kept. */
  g_assert_true (ks_store_exec (f->store,
                                "SELECT 1 FROM record_versions WHERE version = 1 AND "
                                "data LIKE '%House 12%'", NULL));

  /* After approval, an edit supersedes the approved version: back to review, a new version. */
  g_assert_true (ks_records_set_state (f->store, f->supervisor, kp_id, KS_RECORD_STATE_APPROVED,
                                       NULL, NULL, &error));
  g_assert_true (ks_records_is_editable (f->store, kp_id, &error));
  ks_record_set (record, KS_FIELD_ADDRESS_LINE1, "House 15, Street 9, Hayatabad");
  draft = ks_drafts_create (f->store, f->operator, record, info->id, &error);
  g_clear_pointer (&same, g_free);
  same = ks_records_submit (f->store, f->operator, draft, record, f->reference, &o, &error);
  g_assert_no_error (error);
  {
    g_autoptr(KsRecordInfo) after = ks_records_get_info (f->store, kp_id, &error);
    g_assert_cmpint (after->version, ==, 3);
    g_assert_cmpint (after->state, ==, KS_RECORD_STATE_SUBMITTED);
    g_assert_cmpint (after->decision, ==, 0);
  }

  /* Once the registry holds it, edits are refused. */
  g_assert_true (ks_records_set_state (f->store, f->supervisor, kp_id, KS_RECORD_STATE_APPROVED,
                                       NULL, NULL, &error));
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                       &error));
  g_assert_true (ks_records_set_state (f->store, NULL, kp_id, KS_RECORD_STATE_SYNCED, NULL, NULL,
                                       &error));
  g_assert_false (ks_records_is_editable (f->store, kp_id, NULL));
  draft = ks_drafts_create (f->store, f->operator, record, info->id, &error);
  g_clear_pointer (&same, g_free);
  same = ks_records_submit (f->store, f->operator, draft, record, f->reference, &o, &error);
  g_assert_null (same);
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_WRONG_STATE);
}

static void
test_drafts (Fixture      *f,
             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) r = sample_record ("1730112345671");
  gint64 draft = ks_drafts_create (f->store, f->operator, NULL, 0, &error);
  g_autofree char *json = ks_record_to_json (r);
  g_autoptr(GPtrArray) mine = NULL;
  g_autoptr(GPtrArray) stale = NULL;

  g_assert_true (ks_drafts_save (f->store, draft, json, 2, &error));
  {
    g_autoptr(KsDraftInfo) info = NULL;
    g_autoptr(KsRecord) loaded = ks_drafts_load (f->store, draft, &info, &error);
    g_assert_cmpstr (ks_record_get (loaded, KS_FIELD_FULL_NAME_UR), ==, "عمران خان");
    g_assert_cmpint (info->step, ==, 2);
  }
  mine = ks_drafts_list_mine (f->store, f->operator, &error);
  g_assert_cmpuint (mine->len, ==, 1);

  /* Stale drafts: supervisors only, after the configured days. */
  g_assert_null (ks_drafts_list_stale (f->store, f->operator, 3, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  stale = ks_drafts_list_stale (f->store, f->supervisor, 3, &error);
  g_assert_cmpuint (stale->len, ==, 0);
  g_clear_pointer (&stale, g_ptr_array_unref);
  f->now += G_GINT64_CONSTANT (4) * 24 * 3600 * G_USEC_PER_SEC;
  stale = ks_drafts_list_stale (f->store, f->supervisor, 3, &error);
  g_assert_cmpuint (stale->len, ==, 1);
  g_assert_cmpstr (((KsDraftInfo *)stale->pdata[0])->operator, ==, "omar.op");

  g_assert_true (ks_drafts_discard (f->store, f->supervisor, draft, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (last_action (f), ==, "draft-discarded");
  g_assert_null (ks_drafts_load (f->store, draft, NULL, &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND);
}

static void
store_async_result (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
test_draft_saver_coalesces (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 draft = ks_drafts_create (f->store, f->operator, NULL, 0, &error);
  g_autoptr(KsDraftSaver) saver = ks_draft_saver_new (f->store, draft);
  g_autoptr(KsRecord) r = ks_record_new ();
  const char *name = "Fatima Bibi";

  /* Typing letter by letter: the saver writes far fewer times than the letters typed, and the
   * newest text is on disk within a second. */
  for (gsize i = 1; i <= strlen (name); i++)
    {
      g_autofree char *prefix = g_strndup (name, i);
      ks_record_set (r, KS_FIELD_FULL_NAME, prefix);
      ks_draft_saver_update (saver, r, 1);
      g_usleep (20000);
    }
  g_usleep ((KS_DRAFT_SAVER_MAX_MS + 300) * 1000);
  {
    g_autoptr(KsRecord) loaded = ks_drafts_load (f->store, draft, NULL, &error);
    g_assert_cmpstr (ks_record_get (loaded, KS_FIELD_FULL_NAME), ==, name);
  }
  g_assert_cmpuint (ks_draft_saver_get_writes (saver), >=, 1);
  g_assert_cmpuint (ks_draft_saver_get_writes (saver), <, strlen (name));

  /* Flush writes at once. */
  ks_record_set (r, KS_FIELD_FULL_NAME, "Fatima Bibi Khan");
  ks_draft_saver_update (saver, r, 1);
  g_assert_true (ks_draft_saver_flush (saver, &error));
  {
    g_autoptr(KsRecord) loaded = ks_drafts_load (f->store, draft, NULL, &error);
    g_assert_cmpstr (ks_record_get (loaded, KS_FIELD_FULL_NAME), ==, "Fatima Bibi Khan");
  }

  /* Closing (as the wizard does, in a worker) writes the last keystroke before it answers. */
  ks_record_set (r, KS_FIELD_FULL_NAME, "Fatima Bibi Khan Afridi");
  ks_draft_saver_update (saver, r, 2);
  {
    g_autoptr(GMainContext) context = g_main_context_new ();
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(KsRecord) loaded = NULL;
    g_autoptr(KsDraftInfo) info = NULL;

    g_main_context_push_thread_default (context);
    ks_draft_saver_close_async (saver, NULL, store_async_result, &result);
    while (result == NULL)
      g_main_context_iteration (context, TRUE);
    g_main_context_pop_thread_default (context);
    g_assert_true (ks_draft_saver_close_finish (saver, result, &error));
    g_assert_no_error (error);
    loaded = ks_drafts_load (f->store, draft, &info, &error);
    g_assert_cmpstr (ks_record_get (loaded, KS_FIELD_FULL_NAME), ==, "Fatima Bibi Khan Afridi");
    g_assert_cmpint (info->step, ==, 2);
  }
  /* Closed: stopping again is nothing. */
  ks_draft_saver_stop (saver);
}

/* The child types into a draft and is killed with SIGKILL one second after its last keystroke;
 * the parent then opens the database as the next station start would. */
static void
test_draft_survives_sigkill (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "station.db", NULL);
  gint64 draft = ks_drafts_create (f->store, f->operator, NULL, 0, &error);
  const char *text = "House 7, Mohallah Sethi, Peshawar";
  int pipefd[2];
  pid_t pid;
  char ready;
  int status;

  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* Child: its own connection, like a separate station process. */
      KsStore *store = ks_store_open (path, NULL);
      KsDraftSaver *saver = ks_draft_saver_new (store, draft);
      KsRecord *r = ks_record_new ();

      for (gsize i = 1; i <= strlen (text); i++)
        {
          char *prefix = g_strndup (text, i);
          ks_record_set (r, KS_FIELD_ADDRESS_LINE1, prefix);
          ks_draft_saver_update (saver, r, 2);
          g_free (prefix);
          g_usleep (15000);
        }
      if (write (pipefd[1], "x", 1) != 1)
        _exit (2);
      for (;;)
        pause ();
    }

  close (pipefd[1]);
  g_assert_cmpint (read (pipefd[0], &ready, 1), ==, 1);
  close (pipefd[0]);
  g_usleep (1000 * 1000);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  {
    g_autoptr(KsStore) reopened = ks_store_open (path, &error);
    g_autoptr(KsDraftInfo) info = NULL;
    g_autoptr(KsRecord) loaded = NULL;

    g_assert_no_error (error);
    loaded = ks_drafts_load (reopened, draft, &info, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ks_record_get (loaded, KS_FIELD_ADDRESS_LINE1), ==, text);
    g_assert_cmpint (info->step, ==, 2);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/records/submit", test_submit);
  ADD ("/records/submit-refuses-invalid", test_submit_refuses_invalid);
  ADD ("/records/ids-never-reused", test_ids_never_reused);
  ADD ("/records/states", test_states);
  ADD ("/records/approval-off", test_approval_off);
  ADD ("/records/edit-creates-version", test_edit_creates_version);
  ADD ("/records/drafts", test_drafts);
  ADD ("/records/draft-saver-coalesces", test_draft_saver_coalesces);
  ADD ("/records/draft-survives-sigkill", test_draft_survives_sigkill);
#undef ADD
  return g_test_run ();
}
