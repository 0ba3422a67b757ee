/* test-store.c: opening, migrating and refusing databases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "ks-store.h"
#include "ks-store-testing.h"

/* Data an earlier station would have written at each schema version (index = version - 1):
 * after the upgrade to the latest version it must all still be there. */
static const char *const seeds[] = {
  "INSERT INTO meta (key, value) VALUES ('seeded-at-1', 'yes');"
  "INSERT INTO accounts (username, full_name, role, password_hash, created_at) "
  "VALUES ('old.supervisor', 'Old Supervisor', 'supervisor', 'x', 1);",

  "INSERT INTO drafts (operator, data, created_at, updated_at) "
  "VALUES ('old.supervisor', '{\"cnic\":\"1\"}', 1, 1);"
  "INSERT INTO records (kp_id, cnic, state, data, full_name, full_name_ur, district, operator, "
  "submitted_at, updated_at) VALUES ('PEW-A01-0000001-X', '1710112345671', 'submitted', '{}', "
  "'A', 'ا', 'PEW', 'old.supervisor', 1, 1);"
  "UPDATE sequences SET next = 2 WHERE name = 'kp-id';",

  "INSERT INTO sync_outbox (record_id, state) SELECT id, 'pending' FROM records;"
  "INSERT INTO sync_runs (started_at) VALUES (1);",

  "UPDATE records SET state = 'queued', decision = 'rejected', decided_by = 'old.supervisor', "
  "decided_at = 2, reason = 'photo-quality' WHERE kp_id = 'PEW-A01-0000001-X';",

  "INSERT INTO draft_fingers (draft_id, finger, status, reason, capture_id, captured_at) "
  "VALUES (1, 1, 'missing', 'amputated', 'c1', 1);"
  "INSERT INTO record_fingers (record_id, finger, status, reason, capture_id, captured_at) "
  "VALUES (1, 6, 'missing', 'injured', 'c2', 1);",

  "INSERT INTO station_config (key, value) VALUES ('station-code', '''A01''');",

  /* 7 re-queues records the registry refused (tested with a registry in test-sync.c). */
  "INSERT INTO meta (key, value) VALUES ('seeded-at-7', 'yes');",

  "INSERT INTO cards (credential_id, record_id, version, kid, issued_at, issued_by, revoked_at, "
  "revoke_reason) SELECT '00112233445566778899aabbccddeeff', id, 1, 'kid-1', 1, "
  "'old.supervisor', 2, 'rejected' FROM records;",

  /* 9 adds indexes only: the review list's searches and filters (test-review.c). */
  "INSERT INTO meta (key, value) VALUES ('seeded-at-9', 'yes');",

  "INSERT INTO record_duplicates (record_id, other_record_id, finger, other_finger, score, fmr, "
  "found_at) SELECT id, id, 6, 6, 50, 0.00001, 3 FROM records;",
};

static char *
tmp_db (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-store-XXXXXX", NULL);
  return g_build_filename (dir, "station.db", NULL);
}

static int
pragma_int (const char *path,
            const char *pragma)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA %s", pragma);
  int value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
test_store_fresh (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStore) store = ks_store_open (path, &error);
  g_autofree char *mode = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (G_N_ELEMENTS (seeds), ==, ks_store_get_latest_version ());
  g_assert_cmpint (ks_store_get_version (store), ==, ks_store_get_latest_version ());
  g_assert_cmpint (pragma_int (path, "user_version"), ==, ks_store_get_latest_version ());

  /* The durability settings a power cut needs. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    mode = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_true (ks_store_exec (store, "PRAGMA foreign_keys", NULL));

  g_assert_true (ks_store_set_meta (store, "station-code", "A01", &error));
  g_assert_no_error (error);
  {
    g_autofree char *v = ks_store_get_meta (store, "station-code");
    g_assert_cmpstr (v, ==, "A01");
  }
  {
    g_autofree char *v = ks_store_get_meta (store, "missing");
    g_assert_null (v);
  }
}

static void
test_store_pragmas_on_connection (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr(KsStore) store = ks_store_open (path, NULL);
  g_autoptr(GError) error = NULL;

  /* Foreign keys are on: a row pointing at a missing account is refused. */
  g_assert_false (ks_store_exec (store,
                                 "INSERT INTO accounts (username, full_name, role, "
                                 "password_hash, created_at, created_by) "
                                 "VALUES ('x.y', 'X', 'operator', 'h', 1, 999)",
                                 &error));
  g_assert_error (error, KS_STORE_ERROR, KS_STORE_ERROR_CONSTRAINT);
}

static void
test_store_migrate_from_every_version (void)
{
  for (int from = 0; from < ks_store_get_latest_version (); from++)
    {
      g_autofree char *path = tmp_db ();
      g_autoptr(GError) error = NULL;

      {
        g_autoptr(KsStore) old = ks_store_open_at_version (path, from, &error);
        g_assert_no_error (error);
        g_assert_cmpint (ks_store_get_version (old), ==, from);
        for (int v = 0; v < from; v++)
          {
            g_assert_true (ks_store_exec (old, seeds[v], &error));
            g_assert_no_error (error);
          }
      }
      g_assert_cmpint (pragma_int (path, "user_version"), ==, from);

      {
        g_autoptr(KsStore) store = ks_store_open (path, &error);
        g_assert_no_error (error);
        g_assert_cmpint (ks_store_get_version (store), ==, ks_store_get_latest_version ());
        /* Everything the earlier station stored survived the upgrade. */
        if (from >= 1)
          {
            g_autofree char *v = ks_store_get_meta (store, "seeded-at-1");
            g_assert_cmpstr (v, ==, "yes");
          }
        /* Every later version's seed applies to the upgraded schema. */
        for (int v = from; v < ks_store_get_latest_version (); v++)
          {
            g_assert_true (ks_store_exec (store, seeds[v], &error));
            g_assert_no_error (error);
          }
      }
    }
}

static void
test_store_refuses_newer (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  {
    g_autoptr(KsStore) store = ks_store_open (path, NULL);
    g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %d",
                                            ks_store_get_latest_version () + 5);
    g_assert_true (ks_store_exec (store, sql, NULL));
    g_assert_true (ks_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  }
  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));

  {
    g_autoptr(KsStore) store = ks_store_open (path, &error);
    g_assert_null (store);
    g_assert_error (error, KS_STORE_ERROR, KS_STORE_ERROR_TOO_NEW);
    g_assert_nonnull (strstr (error->message, "newer version"));
  }

  /* Nothing was overwritten, and the version is untouched. */
  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpint (pragma_int (path, "user_version"), ==, ks_store_get_latest_version () + 5);
}

static void
test_store_refuses_corrupt (void)
{
  /* Each is padded with zeros to 40 bytes, then to a 4 KiB file. */
  static const char garbage[][40] = {
    "This is not a database at all, just text",
    /* A real header followed by nothing: the classic half-copied file. */
    "SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20\0\0\0\x02",
  };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autofree char *path = tmp_db ();
      g_autoptr(GError) error = NULL;
      g_autoptr(KsStore) store = NULL;
      g_autofree char *after = NULL;
      gsize len = sizeof garbage[i];
      g_autofree char *content = g_malloc0 (4096);
      gsize after_len;

      memcpy (content, garbage[i], len);
      g_assert_true (g_file_set_contents (path, content, 4096, NULL));

      store = ks_store_open (path, &error);
      g_assert_null (store);
      g_assert_error (error, KS_STORE_ERROR, KS_STORE_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "damaged"));
      g_assert_null (strstr (error->message, "SQL"));

      g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
      g_assert_cmpmem (content, 4096, after, after_len);
    }
}

static void
test_store_transactions (void)
{
  g_autofree char *path = tmp_db ();
  g_autoptr(KsStore) store = ks_store_open (path, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (ks_store_begin (store, &error));
  g_assert_true (ks_store_set_meta (store, "a", "1", &error));
  ks_store_rollback (store);
  {
    g_autofree char *v = ks_store_get_meta (store, "a");
    g_assert_null (v);
  }

  /* Nested begin joins the outer transaction; only the outer commit makes it durable. */
  g_assert_true (ks_store_begin (store, &error));
  g_assert_true (ks_store_begin (store, &error));
  g_assert_true (ks_store_set_meta (store, "b", "2", &error));
  g_assert_true (ks_store_commit (store, &error));
  g_assert_true (ks_store_commit (store, &error));
  g_assert_no_error (error);
  {
    g_autofree char *v = ks_store_get_meta (store, "b");
    g_assert_cmpstr (v, ==, "2");
  }
}

static gboolean
write_meta (KsStore *store,
            guint    i,
            GError **error)
{
  g_autofree char *key = g_strdup_printf ("filler-%u", i);
  g_autofree char *value = g_malloc (64 * 1024 + 1);

  memset (value, 'a' + i % 26, 64 * 1024);
  value[64 * 1024] = '\0';
  if (!ks_store_begin (store, error))
    return FALSE;
  if (!ks_store_set_meta (store, key, value, error))
    {
      ks_store_rollback (store);
      return FALSE;
    }
  return ks_store_commit (store, error);
}

/* Fills the rest of the volume, as another program would. */
static void
fill_disk (const char *path)
{
  static char block[64 * 1024];
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  while (write (fd, block, 512) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
}

/* A disk filled by someone else: the station still commits (it gives back its reserve), says
 * "disk full" only once even that is used up, and commits again as soon as space is back, with
 * an intact database. On a real small volume (tmpfs), so only as root. */
static void
test_store_disk_full (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-store-full-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "station.db", NULL);
  g_autofree char *reserve = g_build_filename (dir, "station.db-reserve", NULL);
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autoptr(KsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  guint written = 0;

  if (mount ("tmpfs", dir, "tmpfs", 0, "size=32m") != 0)
    {
      g_test_skip ("needs root to mount a small tmpfs");
      return;
    }

  store = ks_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (reserve, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 8 * 1024 * 1024);

  fill_disk (filler);
  /* The volume is full: the next commits still succeed, in the reserve's room. */
  g_assert_true (write_meta (store, written++, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (reserve, G_FILE_TEST_EXISTS));

  /* Until even that is used: then the operator is told. */
  while (write_meta (store, written, &error))
    written++;
  g_test_message ("%u commits of 64 KB after the disk filled", written);
  g_assert_error (error, KS_STORE_ERROR, KS_STORE_ERROR_NOT_WRITABLE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_clear_error (&error);
  g_assert_cmpuint (written, >=, 8);

  /* Space comes back: the very next commit works, the reserve is made again, and the database
   * is whole with every commit that was acknowledged. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (write_meta (store, written++, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (reserve, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 8 * 1024 * 1024);
  for (guint i = 0; i < written; i++)
    {
      g_autofree char *key = g_strdup_printf ("filler-%u", i);
      g_autofree char *value = ks_store_get_meta (store, key);

      g_assert_nonnull (value);
      g_assert_cmpuint (strlen (value), ==, 64 * 1024);
    }
  g_clear_object (&store);
  {
    sqlite3 *raw = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open_v2 (db, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }
  g_assert_cmpint (umount (dir), ==, 0);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/fresh", test_store_fresh);
  g_test_add_func ("/store/foreign-keys", test_store_pragmas_on_connection);
  g_test_add_func ("/store/migrate-from-every-version", test_store_migrate_from_every_version);
  g_test_add_func ("/store/refuses-newer", test_store_refuses_newer);
  g_test_add_func ("/store/refuses-corrupt", test_store_refuses_corrupt);
  g_test_add_func ("/store/transactions", test_store_transactions);
  g_test_add_func ("/store/disk-full", test_store_disk_full);
  return g_test_run ();
}
