/* test-accounts.c: operator accounts, lockout, roles enforced in core, sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-audit.h"
#include "ks-session.h"
#include "ks-store.h"
#include "ks-store-testing.h"

typedef struct
{
  char *path;
  KsStore *store;
  gint64 now;
  KsSession *supervisor;
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
  g_autofree char *dir = g_dir_make_tmp ("ks-accounts-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) first = NULL;

  f->path = g_build_filename (dir, "station.db", NULL);
  f->store = ks_store_open (f->path, &error);
  g_assert_no_error (error);
  f->now = G_GINT64_CONSTANT (1764000000) * G_USEC_PER_SEC;
  ks_store_set_clock (f->store, fake_clock, f);

  g_assert_true (ks_accounts_needs_setup (f->store));
  first = ks_accounts_create_first_supervisor (f->store, "amina.sup", "Amina Yousafzai",
                                               "correct horse", &error);
  g_assert_no_error (error);
  g_assert_false (ks_accounts_needs_setup (f->store));
  f->supervisor = ks_session_new (f->store, first, FALSE);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_assert_finalize_object (f->supervisor);
  g_assert_finalize_object (f->store);
  g_free (f->path);
}

static void
test_first_supervisor (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) second = NULL;
  g_autoptr(KsAccount) signed_in = NULL;

  g_assert_cmpint (ks_session_get_role (f->supervisor), ==, KS_ROLE_SUPERVISOR);

  /* The set-up screen cannot be used again once the station has a supervisor. */
  second = ks_accounts_create_first_supervisor (f->store, "intruder", "Intruder", "password123",
                                                &error);
  g_assert_null (second);
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_SETUP_DONE);
  g_clear_error (&error);

  /* User names are matched without regard to case or surrounding spaces. */
  signed_in = ks_accounts_authenticate (f->store, " Amina.Sup ", "correct horse", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_account_get_full_name (signed_in), ==, "Amina Yousafzai");
}

static void
test_password_stored_as_argon2id (Fixture      *f,
                                  gconstpointer data)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT password_hash FROM accounts", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *)sqlite3_column_text (stmt, 0), "$argon2id$"));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* The password itself is nowhere in the database or its write-ahead log. */
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_null (g_strstr_len (contents, len, "correct horse"));
  {
    g_autofree char *wal_path = g_strconcat (f->path, "-wal", NULL);
    g_autofree char *wal = NULL;
    if (g_file_get_contents (wal_path, &wal, &len, NULL))
      g_assert_null (g_strstr_len (wal, len, "correct horse"));
  }
}

static void
test_input_rules (Fixture      *f,
                  gconstpointer data)
{
  const struct { const char *user, *name, *password; int code; } cases[] = {
    { "ok.user", "Ok User", "short", KS_ACCOUNTS_ERROR_WEAK_PASSWORD },
    { "ok.user", "Ok User", "1234567", KS_ACCOUNTS_ERROR_WEAK_PASSWORD },
    { "Bad User", "Bad", "password123", KS_ACCOUNTS_ERROR_INVALID_USERNAME },
    { "ab", "Ab", "password123", KS_ACCOUNTS_ERROR_INVALID_USERNAME },
    { "ok.user", "   ", "password123", KS_ACCOUNTS_ERROR_INVALID_NAME },
    { "amina.sup", "Duplicate", "password123", KS_ACCOUNTS_ERROR_EXISTS },
    { "AMINA.SUP", "Duplicate", "password123", KS_ACCOUNTS_ERROR_INVALID_USERNAME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KsAccount) a = ks_accounts_add (f->store, f->supervisor, cases[i].user,
                                                cases[i].name, KS_ROLE_OPERATOR,
                                                cases[i].password, &error);
      g_assert_null (a);
      g_assert_error (error, KS_ACCOUNTS_ERROR, cases[i].code);
    }
  /* Eight characters is enough, counted as characters (Urdu letters are two bytes each). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(KsAccount) a = ks_accounts_add (f->store, f->supervisor, "urdu.pass", "Urdu Pass",
                                              KS_ROLE_OPERATOR, "پاسورڈ١٢", &error);
    g_assert_no_error (error);
    g_assert_nonnull (a);
  }
}

static void
test_lockout (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) op = ks_accounts_add (f->store, f->supervisor, "bilal", "Bilal Khan",
                                             KS_ROLE_OPERATOR, "operator-pass", &error);
  g_assert_no_error (error);

  for (int i = 0; i < KS_LOCKOUT_ATTEMPTS - 1; i++)
    {
      g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "wrong", &error);
      g_assert_null (a);
      g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS);
      g_clear_error (&error);
    }
  /* The fifth wrong password locks the account... */
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "wrong", &error);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT);
    g_assert_nonnull (strstr (error->message, "5 minutes"));
    g_clear_error (&error);
  }
  /* ...so even the right password is refused for five minutes... */
  f->now += 4 * 60 * G_USEC_PER_SEC;
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "operator-pass",
                                                       &error);
    g_assert_null (a);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT);
    g_assert_nonnull (strstr (error->message, "1 minute"));
    g_clear_error (&error);
  }
  /* ...and accepted after. */
  f->now += 61 * G_USEC_PER_SEC;
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "operator-pass",
                                                       &error);
    g_assert_no_error (error);
    g_assert_nonnull (a);
  }
  /* A success resets the count: four more failures do not lock. */
  for (int i = 0; i < KS_LOCKOUT_ATTEMPTS - 1; i++)
    {
      g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "wrong", &error);
      g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS);
      g_clear_error (&error);
    }

  /* A supervisor's reset lifts a lockout at once. */
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "wrong", &error);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LOCKED_OUT);
    g_clear_error (&error);
  }
  g_assert_true (ks_accounts_reset_password (f->store, f->supervisor, "bilal", "new-password",
                                             &error));
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "bilal", "new-password", &error);
    g_assert_no_error (error);
    g_assert_nonnull (a);
  }
}

static void
test_unknown_user (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "my secret pw", "x", &error);
  g_autoptr(GPtrArray) entries = NULL;

  /* The same answer as a wrong password: the screen does not reveal which accounts exist. */
  g_assert_null (a);
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS);

  /* Audited, without what was typed (it may have been a password in the wrong field). */
  entries = ks_audit_list (f->store, NULL, 1, NULL);
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->action, ==, "sign-in-failed");
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->subject, ==, "(unknown account)");
}

static void
test_roles_enforced_in_core (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) op = ks_accounts_add (f->store, f->supervisor, "operator1", "Operator One",
                                             KS_ROLE_OPERATOR, "operator-pass", &error);
  g_autoptr(KsAccount) tr = ks_accounts_add (f->store, f->supervisor, "trainer1", "Trainer One",
                                             KS_ROLE_TRAINER, "trainer-pass", &error);
  g_autoptr(KsSession) op_session = ks_session_new (f->store, op, FALSE);
  g_autoptr(KsSession) tr_prod = ks_session_new (f->store, tr, FALSE);
  g_autoptr(KsSession) tr_training = ks_session_new (f->store, tr, TRUE);

  g_assert_no_error (error);

  /* Calling core directly, without any UI, an operator still cannot manage accounts. */
  {
    g_autoptr(KsAccount) a = ks_accounts_add (f->store, op_session, "sneaky", "Sneaky",
                                              KS_ROLE_SUPERVISOR, "password123", &error);
    g_assert_null (a);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
    g_clear_error (&error);
  }
  g_assert_false (ks_accounts_reset_password (f->store, op_session, "amina.sup", "hijacked!",
                                              &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (ks_accounts_set_disabled (f->store, op_session, "amina.sup", TRUE, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  /* The permission table, role by role. */
  g_assert_true (ks_session_can (op_session, KS_PERMISSION_ENROLL));
  g_assert_false (ks_session_can (op_session, KS_PERMISSION_REVIEW));
  g_assert_true (ks_session_can (f->supervisor, KS_PERMISSION_REVIEW));
  g_assert_false (ks_session_can (f->supervisor, KS_PERMISSION_RESET_TRAINING));
  g_assert_false (ks_session_can (tr_prod, KS_PERMISSION_REVIEW));
  g_assert_false (ks_session_can (tr_prod, KS_PERMISSION_RESET_TRAINING));
  g_assert_true (ks_session_can (tr_training, KS_PERMISSION_REVIEW));
  g_assert_true (ks_session_can (tr_training, KS_PERMISSION_RESET_TRAINING));

  /* A locked session can do nothing until unlocked. */
  g_assert_true (ks_session_lock (f->supervisor, &error));
  g_assert_false (ks_session_can (f->supervisor, KS_PERMISSION_REVIEW));
  g_assert_false (ks_accounts_set_disabled (f->store, f->supervisor, "operator1", TRUE, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (ks_session_unlock (f->supervisor, "wrong password", &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);
  g_assert_true (ks_session_is_locked (f->supervisor));
  g_assert_true (ks_session_unlock (f->supervisor, "correct horse", &error));
  g_assert_no_error (error);
  g_assert_true (ks_session_can (f->supervisor, KS_PERMISSION_REVIEW));
}

static void
test_disable (Fixture      *f,
              gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) op = ks_accounts_add (f->store, f->supervisor, "zainab", "Zainab Bibi",
                                             KS_ROLE_OPERATOR, "operator-pass", &error);

  /* The only supervisor cannot be disabled: nobody could manage the station any more. */
  g_assert_false (ks_accounts_set_disabled (f->store, f->supervisor, "amina.sup", TRUE, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_LAST_SUPERVISOR);
  g_clear_error (&error);

  g_assert_true (ks_accounts_set_disabled (f->store, f->supervisor, "zainab", TRUE, &error));
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "zainab", "operator-pass",
                                                       &error);
    g_assert_null (a);
    g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_DISABLED);
    g_clear_error (&error);
  }
  g_assert_true (ks_accounts_set_disabled (f->store, f->supervisor, "zainab", FALSE, &error));
  {
    g_autoptr(KsAccount) a = ks_accounts_authenticate (f->store, "zainab", "operator-pass",
                                                       &error);
    g_assert_no_error (error);
  }
  g_assert_false (ks_accounts_set_disabled (f->store, f->supervisor, "nobody", TRUE, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_FOUND);
}

static void
test_audit_trail (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) op = ks_accounts_add (f->store, f->supervisor, "omar", "Omar Farooq",
                                             KS_ROLE_OPERATOR, "operator-pass", &error);
  g_autoptr(KsSession) s = ks_session_sign_in (f->store, "omar", "operator-pass", FALSE, &error);
  g_autoptr(GPtrArray) entries = NULL;
  const char *expected[] = {
    "account-created", "account-created", "sign-in", "sign-in-failed", "sign-in", "lock",
    /* unlocking checks the password like a sign-in, then records the unlock */
    "sign-in", "unlock", "sign-out", "password-reset", "account-disabled",
  };
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  g_assert_null (ks_accounts_authenticate (f->store, "omar", "bad-password", NULL));
  {
    g_autoptr(KsSession) again = ks_session_sign_in (f->store, "omar", "operator-pass", FALSE,
                                                     &error);
    g_assert_no_error (error);
    g_assert_true (ks_session_lock (again, &error));
    g_assert_true (ks_session_unlock (again, "operator-pass", &error));
    g_assert_true (ks_session_sign_out (again, &error));
  }
  g_assert_true (ks_accounts_reset_password (f->store, f->supervisor, "omar", "brand-new-pw",
                                             &error));
  g_assert_true (ks_accounts_set_disabled (f->store, f->supervisor, "omar", TRUE, &error));
  g_assert_no_error (error);

  entries = ks_audit_list (f->store, NULL, 0, &error);
  /* The list is newest first. */
  g_assert_cmpuint (entries->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < entries->len; i++)
    {
      KsAuditEntry *e = entries->pdata[entries->len - 1 - i];
      g_assert_cmpstr (e->action, ==, expected[i]);
      g_assert_cmpstr (e->subject, ==, i == 0 ? "amina.sup" : "omar");
    }
  g_assert_true (ks_audit_verify (f->store, NULL, &error));
  g_assert_no_error (error);

  /* No password appears anywhere in the database, audit included. */
  g_assert_true (ks_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_null (g_strstr_len (contents, len, "operator-pass"));
  g_assert_null (g_strstr_len (contents, len, "bad-password"));
  g_assert_null (g_strstr_len (contents, len, "brand-new-pw"));
}

/* The id an account comes back with is its row's, also when the audit log already holds
 * entries (the audit insert must not be mistaken for the account's). */
static void
test_account_ids (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-accounts-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStore) store = ks_store_open (path, &error);
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsAccount) looked_up = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsAccount) op = NULL;

  for (int i = 0; i < 5; i++)
    g_assert_true (ks_audit_append (store, "station", "started", "", NULL, &error));
  sup = ks_accounts_create_first_supervisor (store, "sana.sup", "Sana Gul", "supervisor-pw",
                                             &error);
  g_assert_no_error (error);
  looked_up = ks_accounts_lookup (store, "sana.sup", &error);
  g_assert_cmpint (ks_account_get_id (sup), ==, ks_account_get_id (looked_up));
  session = ks_session_new (store, sup, FALSE);
  op = ks_accounts_add (store, session, "omar.op", "Omar Khan", KS_ROLE_OPERATOR, "operator-pw",
                        &error);
  g_assert_no_error (error);
  g_assert_nonnull (op);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/accounts/account-ids", test_account_ids);
  ADD ("/accounts/first-supervisor", test_first_supervisor);
  ADD ("/accounts/argon2id", test_password_stored_as_argon2id);
  ADD ("/accounts/input-rules", test_input_rules);
  ADD ("/accounts/lockout", test_lockout);
  ADD ("/accounts/unknown-user", test_unknown_user);
  ADD ("/accounts/roles-enforced-in-core", test_roles_enforced_in_core);
  ADD ("/accounts/disable", test_disable);
  ADD ("/accounts/audit-trail", test_audit_trail);
#undef ADD
  return g_test_run ();
}
