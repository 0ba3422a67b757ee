/* test-audit.c: the audit chain detects every kind of tampering
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ks-audit.h"
#include "ks-store.h"
#include "ks-audit-testing.h"

static KsStore *
store_with_entries (guint n)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  KsStore *store = ks_store_open (path, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("operator%u", i);
      g_autoptr(GError) error = NULL;
      g_assert_true (ks_audit_append (store, "supervisor", "account-created", subject,
                                      i % 2 ? "operator" : NULL, &error));
      g_assert_no_error (error);
    }
  return store;
}

static void
test_audit_intact (void)
{
  g_autoptr(KsStore) store = store_with_entries (10);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) one = NULL;

  g_assert_true (ks_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ks_audit_count (store), ==, 10);

  all = ks_audit_list (store, NULL, 0, &error);
  g_assert_cmpuint (all->len, ==, 10);
  /* Newest first. */
  g_assert_cmpint (((KsAuditEntry *)all->pdata[0])->seq, ==, 10);
  one = ks_audit_list (store, "operator3", 0, &error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (((KsAuditEntry *)one->pdata[0])->action, ==, "account-created");

  /* An empty log verifies too. */
  {
    g_autoptr(KsStore) empty = store_with_entries (0);
    g_assert_true (ks_audit_verify (empty, NULL, &error));
  }
}

typedef struct
{
  const char *name;
  const char *sql;
  gint64 bad_seq;
} Tamper;

static void
test_audit_tampering (void)
{
  /* Each line is something a person with the database file in hand might do. */
  const Tamper cases[] = {
    { "edit actor", "UPDATE audit SET actor = 'someone-else' WHERE seq = 4", 4 },
    { "edit detail", "UPDATE audit SET detail = 'supervisor' WHERE seq = 6", 6 },
    { "edit time", "UPDATE audit SET at = at + 1 WHERE seq = 2", 2 },
    { "edit and rehash own row",
      "UPDATE audit SET subject = 'x', hash = 'deadbeef' WHERE seq = 5", 5 },
    { "delete middle", "DELETE FROM audit WHERE seq = 3", 3 },
    { "delete first", "DELETE FROM audit WHERE seq = 1", 1 },
    { "delete last", "DELETE FROM audit WHERE seq = 10", 10 },
    { "delete last two and fix head",
      "DELETE FROM audit WHERE seq >= 9; UPDATE audit_head SET seq = 8", 8 },
    { "insert at end",
      "INSERT INTO audit SELECT 11, at, actor, action, 'ghost', detail, hash, hash "
      "FROM audit WHERE seq = 10", 11 },
    { "insert in middle (renumbered)",
      "UPDATE audit SET seq = seq + 100 WHERE seq >= 5;"
      "UPDATE audit SET seq = seq - 99 WHERE seq >= 105;"
      "INSERT INTO audit SELECT 5, at, actor, action, 'ghost', detail, prev_hash, hash "
      "FROM audit WHERE seq = 4", 5 },
    { "drop head", "DELETE FROM audit_head", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KsStore) store = store_with_entries (10);
      g_autoptr(GError) error = NULL;
      gint64 bad_seq = -1;

      g_test_message ("tampering: %s", cases[i].name);
      g_assert_true (ks_store_exec (store, cases[i].sql, &error));
      g_assert_no_error (error);
      g_assert_false (ks_audit_verify (store, &bad_seq, &error));
      g_assert_error (error, KS_AUDIT_ERROR, KS_AUDIT_ERROR_BROKEN_CHAIN);
      g_assert_cmpint (bad_seq, ==, cases[i].bad_seq);
    }
}

static void
test_audit_rollback_keeps_chain (void)
{
  g_autoptr(KsStore) store = store_with_entries (3);
  g_autoptr(GError) error = NULL;

  /* An entry inside a transaction that is rolled back leaves no trace and no gap. */
  g_assert_true (ks_store_begin (store, &error));
  g_assert_true (ks_audit_append (store, "op", "record-submitted", "X", NULL, &error));
  ks_store_rollback (store);
  g_assert_true (ks_audit_append (store, "op", "sign-out", "op", NULL, &error));
  g_assert_cmpint (ks_audit_count (store), ==, 4);
  g_assert_true (ks_audit_verify (store, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audit/intact", test_audit_intact);
  g_test_add_func ("/audit/tampering", test_audit_tampering);
  g_test_add_func ("/audit/rollback-keeps-chain", test_audit_rollback_keeps_chain);
  return g_test_run ();
}
