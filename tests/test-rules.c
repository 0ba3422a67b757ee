/* test-rules.c: core decides every rule: roles x actions x account states, the station's
 * policy read from its store, station rules that refuse a submit, audited settings
 *
 * Everything here calls core directly, as each role and in each account state, with no UI and
 * no flag a widget could pass: what is refused is refused by core.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-audit.h"
#include "ks-card-audit.h"
#include "ks-consent.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-station-config.h"
#include "ks-station-rules.h"
#include "ks-station.h"
#include "ks-test-util.h"
#include "ks-audit-testing.h"
#include "ks-store-testing.h"
#include "ks-station-config-testing.h"
#include "ks-records-testing.h"

/* A citizen as the enrollment wizard fills the record: CNIC typed with dashes, phone as
 * typed. @n makes the CNIC unique (an odd last digit: a man's CNIC). */
static KsRecord *
wizard_record (guint n)
{
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;
  g_autofree char *cnic = g_strdup_printf ("17301-%07u-1", 700 + n);

  ks_record_set (r, KS_FIELD_CNIC, cnic);
  ks_record_set (r, KS_FIELD_GENDER, "male");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "1990-05-10");
  ks_record_set (r, KS_FIELD_FULL_NAME, "Imran Khan");
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

/* Types the record into a draft and submits it, as the wizard does. */
static char *
enroll (KsStore   *store,
        KsSession *session,
        guint      n,
        GError   **error)
{
  g_autoptr(KsRecord) record = wizard_record (n);
  g_autoptr(KsReference) reference = ks_reference_load_default (NULL);
  KsSubmitOptions options = { NULL };
  gint64 draft;

  draft = ks_drafts_create (store, session, record, 0, error);
  if (draft <= 0)
    return NULL;
  return ks_records_submit (store, session, draft, record, reference, &options, error);
}

/* The table ******************************************************************************/

typedef enum
{
  ROLE_OPERATOR,
  ROLE_SUPERVISOR,
  ROLE_TRAINER,                /* on the production profile */
  ROLE_TRAINER_TRAINING,       /* on the training profile */
  N_ROLES
} Role;

typedef enum
{
  STATE_ACTIVE,
  STATE_DISABLED,              /* a supervisor disabled the account after it signed in */
  STATE_LOCKED_OUT,            /* five wrong passwords typed elsewhere after it signed in */
  STATE_SCREEN_LOCKED,         /* the station's screen is locked */
  N_STATES
} State;

typedef enum
{
  ACTION_SUBMIT,
  ACTION_APPROVE,
  ACTION_REJECT,
  ACTION_CHANGE_SETTING,
  ACTION_ADD_ACCOUNT,
  ACTION_LIST_STALE_DRAFTS,
  ACTION_PRINT_CARD,
  N_ACTIONS
} Action;

static const char *const role_names[] = {
  "operator", "supervisor", "trainer", "trainer-in-training"
};
static const char *const state_names[] = { "active", "disabled", "locked-out", "screen-locked" };
static const char *const action_names[] = {
  "submit", "approve", "reject", "change-setting", "add-account", "list-stale-drafts",
  "print-card"
};

/* Written out by hand, not derived from ks_role_has_permission(): this is what the station
 * promises, and the table in core must keep it. */
static const gboolean allowed_when_active[N_ROLES][N_ACTIONS] = {
  /*                      submit approve reject setting account stale  print */
  [ROLE_OPERATOR] = { TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, TRUE },
  [ROLE_SUPERVISOR] = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE },
  [ROLE_TRAINER] = { TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, TRUE },
  [ROLE_TRAINER_TRAINING] = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE },
};

typedef struct
{
  char *dir;
  KsStore *store;
  KsStationConfig *config;
  KsSession *supervisor;       /* sana.sup, the station's first supervisor: always active */
  KsSession *operator;         /* omar.op: enrolls the records the subject decides */
  KsSession *subject;          /* the role and state under test */
  char *subject_name;
  gint64 now;
} Fixture;

static gint64
fake_clock (gpointer data)
{
  return ((Fixture *)data)->now;
}

static void
fixture_open (Fixture *f,
              gboolean training)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) op = NULL;

  f->dir = g_dir_make_tmp ("ks-rules-XXXXXX", NULL);
  path = g_build_filename (f->dir, "station.db", NULL);
  f->store = ks_store_open (path, &error);
  g_assert_no_error (error);
  f->now = G_GINT64_CONSTANT (1764000000) * G_USEC_PER_SEC;
  ks_store_set_clock (f->store, fake_clock, f);

  sup = ks_accounts_create_first_supervisor (f->store, "sana.sup", "Sana Gul", "supervisor-pw",
                                             &error);
  g_assert_no_error (error);
  f->supervisor = ks_session_new (f->store, sup, training);
  op = ks_accounts_add (f->store, f->supervisor, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                        "operator-pw", &error);
  g_assert_no_error (error);
  f->operator = ks_session_new (f->store, op, training);
  f->config = ks_station_config_new (f->store, training, &error);
  g_assert_no_error (error);
  ks_test_configure_station (f->config, f->supervisor, "PEW", "A01");
}

static void
fixture_close (Fixture *f)
{
  g_clear_object (&f->subject);
  g_clear_object (&f->operator);
  g_clear_object (&f->supervisor);
  g_clear_object (&f->config);
  g_assert_finalize_object (f->store);
  ks_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->subject_name);
}

/* Signs the subject in, then puts its account in @state behind its back. */
static void
make_subject (Fixture *f,
              Role     role,
              State    state)
{
  static const KsRole roles[] = {
    KS_ROLE_OPERATOR, KS_ROLE_SUPERVISOR, KS_ROLE_TRAINER, KS_ROLE_TRAINER
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) added = NULL;

  f->subject_name = g_strdup_printf ("subject.%s", role_names[role]);
  /* The one whose role is tested is never the station's only supervisor, so it can be
   * disabled. */
  added = ks_accounts_add (f->store, f->supervisor, f->subject_name, "Subject", roles[role],
                           "subject-pw-1", &error);
  g_assert_no_error (error);
  f->subject = ks_session_sign_in (f->store, f->subject_name, "subject-pw-1",
                                   role == ROLE_TRAINER_TRAINING, &error);
  g_assert_no_error (error);

  switch (state)
    {
    case STATE_DISABLED:
      g_assert_true (ks_accounts_set_disabled (f->store, f->supervisor, f->subject_name, TRUE,
                                               &error));
      g_assert_no_error (error);
      break;

    case STATE_LOCKED_OUT:
      for (guint i = 0; i < KS_LOCKOUT_ATTEMPTS; i++)
        {
          g_autoptr(KsAccount) none = ks_accounts_authenticate (f->store, f->subject_name,
                                                                "not the password", NULL);
          g_assert_null (none);
        }
      break;

    case STATE_SCREEN_LOCKED:
      g_assert_true (ks_session_lock (f->subject, &error));
      g_assert_no_error (error);
      break;

    case STATE_ACTIVE:
    case N_STATES:
    default:
      break;
    }
}

static gboolean
run_action (Fixture *f,
            Action   action,
            guint    n,
            GError **error)
{
  switch (action)
    {
    case ACTION_SUBMIT:
      {
        g_autofree char *kp_id = enroll (f->store, f->subject, n, error);
        return kp_id != NULL;
      }

    case ACTION_APPROVE:
    case ACTION_REJECT:
      {
        g_autofree char *kp_id = enroll (f->store, f->operator, n, NULL);
        const char *ids[] = { kp_id, NULL };

        g_assert_nonnull (kp_id);
        if (action == ACTION_APPROVE)
          return ks_records_decide_batch (f->store, f->subject, ids, KS_RECORD_STATE_APPROVED,
                                          NULL, NULL, FALSE, error);
        return ks_records_decide_batch (f->store, f->subject, ids, KS_RECORD_STATE_REJECTED,
                                        "photo-quality", NULL, FALSE, error);
      }

    case ACTION_CHANGE_SETTING:
      return ks_station_config_set_uint (f->config, f->subject, "idle-lock-minutes", 10 + n,
                                         error);

    case ACTION_ADD_ACCOUNT:
      {
        g_autofree char *name = g_strdup_printf ("new.op%u", n);
        g_autoptr(KsAccount) account = ks_accounts_add (f->store, f->subject, name, "New One",
                                                        KS_ROLE_OPERATOR, "new-operator-pw",
                                                        error);
        return account != NULL;
      }

    case ACTION_LIST_STALE_DRAFTS:
      {
        g_autoptr(GPtrArray) drafts = ks_drafts_list_stale (f->store, f->subject, 3, error);
        return drafts != NULL;
      }

    case ACTION_PRINT_CARD:
      {
        g_autofree char *kp_id = enroll (f->store, f->operator, n, NULL);

        g_assert_nonnull (kp_id);
        return ks_card_audit_print (f->store, f->subject, kp_id, KS_CARD_OUTPUT_PDF, error);
      }

    case N_ACTIONS:
    default:
      g_assert_not_reached ();
    }
}

/* What a refusal in each state says: the account's state before the role. */
static void
assert_refusal (const GError *error,
                State         state)
{
  g_assert_nonnull (error);
  switch (state)
    {
    case STATE_DISABLED:
      g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_DISABLED);
      g_assert_nonnull (strstr (error->message, "disabled"));
      break;

    case STATE_LOCKED_OUT:
      g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT);
      g_assert_nonnull (strstr (error->message, "wrong passwords"));
      break;

    case STATE_SCREEN_LOCKED:
    case STATE_ACTIVE:
    case N_STATES:
    default:
      g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
      break;
    }
}

static void
test_role_action_state_table (void)
{
  guint n = 0;

  for (Role role = 0; role < N_ROLES; role++)
    for (State state = 0; state < N_STATES; state++)
      {
        Fixture f = { 0 };

        fixture_open (&f, role == ROLE_TRAINER_TRAINING);
        make_subject (&f, role, state);
        for (Action action = 0; action < N_ACTIONS; action++)
          {
            g_autoptr(GError) error = NULL;
            gboolean expected = state == STATE_ACTIVE && allowed_when_active[role][action];
            gint64 entries_before;
            gboolean done;

            n++;
            entries_before = ks_audit_count (f.store);
            done = run_action (&f, action, n, &error);
            g_test_message ("%s, %s, %s: %s%s%s", role_names[role], state_names[state],
                            action_names[action], done ? "done" : "refused",
                            error ? ": " : "", error ? error->message : "");
            if (expected)
              {
                g_assert_no_error (error);
                g_assert_true (done);
              }
            else
              {
                g_autoptr(GPtrArray) mine = NULL;

                g_assert_false (done);
                assert_refusal (error, state);
                /* Nothing was stored in the subject's name (the records an action needs are
                 * enrolled by omar.op). */
                mine = ks_audit_list (f.store, NULL, 0, NULL);
                for (guint i = 0; i < mine->len; i++)
                  {
                    KsAuditEntry *e = mine->pdata[i];

                    if (e->seq > entries_before)
                      g_assert_cmpstr (e->actor, !=, f.subject_name);
                  }
              }
          }
        g_assert_true (ks_audit_verify (f.store, NULL, NULL));
        fixture_close (&f);
      }
}

/* The station's policy comes from its store ********************************************/

typedef struct
{
  Fixture f;
} PolicyFixture;

static void
policy_setup (PolicyFixture *p,
              gconstpointer  data)
{
  fixture_open (&p->f, FALSE);
}

static void
policy_teardown (PolicyFixture *p,
                 gconstpointer  data)
{
  fixture_close (&p->f);
}

/* An operator cannot skip review: the policy is the supervisor's setting, read by core. */
static void
test_approval_policy (PolicyFixture *p,
                      gconstpointer  data)
{
  Fixture *f = &p->f;
  g_autoptr(GError) error = NULL;
  g_autofree char *reviewed = NULL;
  g_autofree char *direct = NULL;
  g_autoptr(KsRecordInfo) info = NULL;

  /* The operator may not switch it off. */
  g_assert_false (ks_station_config_set_boolean (f->config, f->operator, "approval-required",
                                                 FALSE, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_true (ks_station_config_read_boolean (f->store, "approval-required"));

  reviewed = enroll (f->store, f->operator, 1, &error);
  g_assert_no_error (error);
  info = ks_records_get_info (f->store, reviewed, &error);
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SUBMITTED);
  g_clear_pointer (&info, ks_record_info_free);

  /* The supervisor may, and then core approves at submit, as the station. */
  g_assert_true (ks_station_config_set_boolean (f->config, f->supervisor, "approval-required",
                                                FALSE, &error));
  g_assert_no_error (error);
  direct = enroll (f->store, f->operator, 2, &error);
  g_assert_no_error (error);
  info = ks_records_get_info (f->store, direct, &error);
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_QUEUED);
  g_assert_cmpint (info->decision, ==, KS_RECORD_STATE_APPROVED);
  g_assert_cmpstr (info->decided_by, ==, "station");
}

/* Each rule refuses a new record in core, with its message; nothing is stored and the draft
 * stays for later. */
static void
test_rules_refuse_submit (PolicyFixture *p,
                          gconstpointer  data)
{
  Fixture *f = &p->f;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecord) record = wizard_record (9);
  g_autoptr(KsReference) reference = ks_reference_load_default (NULL);
  g_autoptr(GPtrArray) drafts = NULL;
  KsSubmitOptions options = { NULL };
  gint64 submitted = 0;
  gint64 draft;
  char *kp_id;

  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-awaiting-review", 2,
                                             &error));
  g_assert_no_error (error);
  g_free (enroll (f->store, f->operator, 1, &error));
  g_assert_no_error (error);
  g_free (enroll (f->store, f->operator, 2, &error));
  g_assert_no_error (error);

  draft = ks_drafts_create (f->store, f->operator, record, 0, &error);
  g_assert_no_error (error);
  kp_id = ks_records_submit (f->store, f->operator, draft, record, reference, &options, &error);
  g_assert_null (kp_id);
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_TOO_MANY_AWAITING);
  g_assert_nonnull (strstr (error->message, "2 records await review (the limit is 2)"));
  g_clear_error (&error);
  g_assert_true (ks_records_count_by_state (f->store, KS_RECORD_STATE_SUBMITTED, &submitted));
  g_assert_cmpint (submitted, ==, 2);
  drafts = ks_drafts_list_mine (f->store, f->operator, &error);
  g_assert_cmpuint (drafts->len, ==, 1);

  /* Records waiting too long for the registry. */
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-awaiting-review", 0,
                                             &error));
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-unsynced-days", 2,
                                             &error));
  g_assert_no_error (error);
  f->now += G_GINT64_CONSTANT (3) * 24 * 3600 * G_USEC_PER_SEC;
  kp_id = ks_records_submit (f->store, f->operator, draft, record, reference, &options, &error);
  g_assert_null (kp_id);
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_UNSYNCED_TOO_LONG);
  g_clear_error (&error);

  /* A disk with less free space than the station needs (no disk has a terabyte spare here). */
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-unsynced-days", 0,
                                             &error));
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "min-free-disk-mb",
                                             1000000, &error));
  g_assert_no_error (error);
  kp_id = ks_records_submit (f->store, f->operator, draft, record, reference, &options, &error);
  g_assert_null (kp_id);
  g_assert_error (error, KS_STATION_RULES_ERROR, KS_STATION_RULES_ERROR_DISK_LOW);
  g_clear_error (&error);

  /* With the rules off again, the same draft goes through. */
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "min-free-disk-mb", 0,
                                             &error));
  kp_id = ks_records_submit (f->store, f->operator, draft, record, reference, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kp_id);
  g_free (kp_id);
}

/* No self-approval is decided from the session and the record, not passed in. */
static void
test_no_self_approval (PolicyFixture *p,
                       gconstpointer  data)
{
  Fixture *f = &p->f;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) other = NULL;
  g_autofree char *own = enroll (f->store, f->supervisor, 1, &error);
  const char *ids[] = { own, NULL };

  g_assert_no_error (error);
  other = ks_accounts_add (f->store, f->supervisor, "zara.sup", "Zara Khan", KS_ROLE_SUPERVISOR,
                           "supervisor2-pw", &error);
  g_assert_no_error (error);
  g_assert_false (ks_records_decide_batch (f->store, f->supervisor, ids,
                                           KS_RECORD_STATE_APPROVED, NULL, NULL, FALSE, &error));
  g_assert_error (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_SELF_APPROVAL);
  g_clear_error (&error);

  g_assert_true (ks_station_config_set_boolean (f->config, f->supervisor, "no-self-approval",
                                                FALSE, &error));
  g_assert_true (ks_records_decide_batch (f->store, f->supervisor, ids, KS_RECORD_STATE_APPROVED,
                                          NULL, NULL, FALSE, &error));
  g_assert_no_error (error);
}

static void
count_changed (KsStationConfig *config,
               const char      *key,
               guint           *n)
{
  g_assert_cmpstr (key, ==, "max-awaiting-review");
  (*n)++;
}

/* Each change: checked, stored, audited with old and new value; a refused one leaves no
 * trace. */
static void
test_setting_changes_audited (PolicyFixture *p,
                              gconstpointer  data)
{
  Fixture *f = &p->f;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  KsAuditEntry *last;
  gint64 count;
  guint changed = 0;

  g_signal_connect (f->config, "changed::max-awaiting-review", G_CALLBACK (count_changed),
                    &changed);

  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-awaiting-review", 40,
                                             &error));
  g_assert_no_error (error);
  entries = ks_audit_list (f->store, "max-awaiting-review", 0, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  last = entries->pdata[0];
  g_assert_cmpstr (last->actor, ==, "sana.sup");
  g_assert_cmpstr (last->action, ==, "setting-changed");
  g_assert_cmpstr (last->detail, ==, "100 → 40");
  g_assert_cmpuint (ks_station_config_get_uint (f->config, "max-awaiting-review"), ==, 40);
  g_assert_cmpuint (ks_station_config_read_uint (f->store, "max-awaiting-review"), ==, 40);
  g_assert_cmpuint (changed, ==, 1);

  /* The same value again: nothing to audit. */
  count = ks_audit_count (f->store);
  g_assert_true (ks_station_config_set_uint (f->config, f->supervisor, "max-awaiting-review", 40,
                                             &error));
  g_assert_cmpint (ks_audit_count (f->store), ==, count);
  g_assert_cmpuint (changed, ==, 1);

  /* Values outside the key's form are refused in core, whoever asks. */
  g_assert_false (ks_station_config_set_uint (f->config, f->supervisor, "idle-lock-minutes", 0,
                                              &error));
  g_assert_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ks_station_config_set_string (f->config, f->supervisor, "station-code", "A0",
                                                &error));
  g_assert_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ks_station_config_set_string (f->config, f->supervisor, "capture-set", "three",
                                                &error));
  g_assert_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ks_station_config_set_uint (f->config, f->supervisor, "no-such-key", 1,
                                              &error));
  g_assert_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_UNKNOWN_KEY);
  g_clear_error (&error);
  g_assert_cmpint (ks_audit_count (f->store), ==, count);
  g_assert_true (ks_audit_verify (f->store, NULL, NULL));

  /* A second view of the same store (another window, a restart) reads the stored value. */
  {
    g_autoptr(KsStationConfig) again = ks_station_config_new (f->store, FALSE, &error);

    g_assert_cmpuint (ks_station_config_get_uint (again, "max-awaiting-review"), ==, 40);
    g_assert_cmpuint (ks_station_config_get_uint (again, "idle-lock-minutes"), ==, 5);
  }
}

/* Station identity per data folder, set-up, and the one-time import ***********************/

static void
test_setup_and_data_folders (void)
{
  g_autofree char *dir_a = g_dir_make_tmp ("ks-rules-a-XXXXXX", NULL);
  g_autofree char *dir_b = g_dir_make_tmp ("ks-rules-b-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(KsStation) a = ks_station_open ("production", dir_a, &error);
    g_autoptr(KsStation) b = ks_station_open ("production", dir_b, &error);
    g_autoptr(KsSession) sup_a = NULL;
    g_autoptr(KsSession) sup_b = NULL;
    g_autoptr(KsSession) none = NULL;

    g_assert_no_error (error);
    /* Set-up refuses what it cannot use, and then keeps nothing: no account, no code. */
    none = ks_station_set_up (a, "amina.sup", "Amina Yousafzai", "correct horse", "PEW", "",
                              &error);
    g_assert_null (none);
    g_assert_error (error, KS_STATION_CONFIG_ERROR, KS_STATION_CONFIG_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_true (ks_accounts_needs_setup (ks_station_get_store (a)));
    none = ks_station_set_up (a, "amina.sup", "Amina Yousafzai", "short", "PEW", "A01", &error);
    g_assert_null (none);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_WEAK_PASSWORD);
    g_clear_error (&error);
    g_assert_true (ks_accounts_needs_setup (ks_station_get_store (a)));
    {
      g_autofree char *code = ks_station_config_read_string (ks_station_get_store (a),
                                                             "station-code");
      g_assert_cmpstr (code, ==, "");
    }

    /* Two data folders of the same profile name: each its own code. */
    sup_a = ks_station_set_up (a, "amina.sup", "Amina Yousafzai", "correct horse", "PEW", "A01",
                               &error);
    g_assert_no_error (error);
    sup_b = ks_station_set_up (b, "bilal.sup", "Bilal Khan", "correct horse", "MRD", "B02",
                               &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ks_station_keys_get_station_code (ks_station_get_keys (a, NULL)), ==, "A01");
    g_assert_cmpstr (ks_station_keys_get_station_code (ks_station_get_keys (b, NULL)), ==, "B02");

    /* Set-up's values are audited in the new supervisor's name. */
    {
      g_autoptr(GPtrArray) entries = ks_audit_list (ks_station_get_store (a), "station-code", 0,
                                                    NULL);

      g_assert_cmpuint (entries->len, ==, 1);
      g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->actor, ==, "amina.sup");
      g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->detail, ==, " → A01");
    }
  }

  /* Opened again, each station still has its own. */
  {
    g_autoptr(KsStation) a = ks_station_open ("production", dir_a, &error);
    g_autoptr(KsStation) b = ks_station_open ("production", dir_b, &error);
    g_autofree char *code_a = NULL;
    g_autofree char *code_b = NULL;
    g_autofree char *district_b = NULL;

    g_assert_no_error (error);
    code_a = ks_station_config_dup_string (ks_station_get_config (a), "station-code");
    code_b = ks_station_config_dup_string (ks_station_get_config (b), "station-code");
    district_b = ks_station_config_dup_string (ks_station_get_config (b), "district");
    g_assert_cmpstr (code_a, ==, "A01");
    g_assert_cmpstr (code_b, ==, "B02");
    g_assert_cmpstr (district_b, ==, "MRD");
  }
  ks_test_rm_rf (dir_a);
  ks_test_rm_rf (dir_b);
}

/* A station from before the station_config table kept its settings in GSettings: they are
 * copied once, audited, and later GSettings changes no longer matter. */
static void
test_legacy_import (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-rules-import-XXXXXX", NULL);
  g_autofree char *profile_dir = g_build_filename (dir, "training", NULL);
  g_autofree char *db = g_build_filename (profile_dir, "station.db", NULL);
  g_autoptr(GSettings) legacy = g_settings_new_with_path ("pk.gov.kp.KhyberPassStation.Station",
                                                          "/pk/gov/kp/KhyberPassStation/profiles/"
                                                          "training/");
  g_autoptr(GError) error = NULL;

  /* The old station: schema 5, set up, its settings in GSettings. */
  g_assert_cmpint (g_mkdir_with_parents (profile_dir, 0700), ==, 0);
  {
    g_autoptr(KsStore) old = ks_store_open_at_version (db, 5, &error);
    g_autoptr(KsAccount) sup = NULL;

    g_assert_no_error (error);
    sup = ks_accounts_create_first_supervisor (old, "sana.sup", "Sana Gul", "supervisor-pw",
                                               &error);
    g_assert_no_error (error);
  }
  g_settings_set_string (legacy, "station-code", "T07");
  g_settings_set_string (legacy, "district", "SWT");
  g_settings_set_boolean (legacy, "approval-required", FALSE);
  g_settings_set_uint (legacy, "max-awaiting-review", 250);

  {
    g_autoptr(KsStation) station = ks_station_open ("training", dir, &error);
    KsStationConfig *config;
    g_autofree char *code = NULL;
    g_autofree char *district = NULL;
    g_autoptr(GPtrArray) entries = NULL;

    g_assert_no_error (error);
    config = ks_station_get_config (station);
    code = ks_station_config_dup_string (config, "station-code");
    district = ks_station_config_dup_string (config, "district");
    g_assert_cmpstr (code, ==, "T07");
    g_assert_cmpstr (district, ==, "SWT");
    g_assert_false (ks_station_config_get_boolean (config, "approval-required"));
    g_assert_cmpuint (ks_station_config_get_uint (config, "max-awaiting-review"), ==, 250);
    /* Keys never set keep the defaults. */
    g_assert_cmpuint (ks_station_config_get_uint (config, "max-unsynced-days"), ==, 30);

    entries = ks_audit_list (ks_station_get_store (station), "station-code", 0, NULL);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->action, ==, "setting-imported");
    g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->actor, ==, "station");
    g_assert_true (ks_audit_verify (ks_station_get_store (station), NULL, NULL));
  }

  /* Once only: what GSettings says later no longer counts. */
  g_settings_set_string (legacy, "station-code", "X99");
  {
    g_autoptr(KsStation) station = ks_station_open ("training", dir, &error);
    g_autofree char *code = NULL;

    g_assert_no_error (error);
    code = ks_station_config_dup_string (ks_station_get_config (station), "station-code");
    g_assert_cmpstr (code, ==, "T07");
  }

  /* A new data folder starts from set-up, never from another folder's GSettings. */
  {
    g_autofree char *fresh = g_dir_make_tmp ("ks-rules-fresh-XXXXXX", NULL);
    g_autoptr(KsStation) station = ks_station_open ("training", fresh, &error);
    g_autofree char *code = NULL;

    g_assert_no_error (error);
    code = ks_station_config_dup_string (ks_station_get_config (station), "station-code");
    g_assert_cmpstr (code, ==, "");
    g_clear_object (&station);
    ks_test_rm_rf (fresh);
  }
  g_settings_reset (legacy, "station-code");
  g_settings_reset (legacy, "district");
  g_settings_reset (legacy, "approval-required");
  g_settings_reset (legacy, "max-awaiting-review");
  ks_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rules/role-action-state-table", test_role_action_state_table);
  g_test_add ("/rules/approval-policy", PolicyFixture, NULL, policy_setup, test_approval_policy,
              policy_teardown);
  g_test_add ("/rules/rules-refuse-submit", PolicyFixture, NULL, policy_setup,
              test_rules_refuse_submit, policy_teardown);
  g_test_add ("/rules/no-self-approval", PolicyFixture, NULL, policy_setup,
              test_no_self_approval, policy_teardown);
  g_test_add ("/rules/setting-changes-audited", PolicyFixture, NULL, policy_setup,
              test_setting_changes_audited, policy_teardown);
  g_test_add_func ("/rules/setup-and-data-folders", test_setup_and_data_folders);
  g_test_add_func ("/rules/legacy-import", test_legacy_import);

  return g_test_run ();
}
