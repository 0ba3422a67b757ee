/* test-training.c: the training profile's registry rule, sample citizens, reset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sodium.h>

#include "ks-audit.h"
#include "ks-records.h"
#include "ks-station.h"
#include "ks-training.h"
#include "ks-validate.h"
#include "ks-records-testing.h"

/* ------------------------------------------------------------------------------------------ */

static void
test_registry_url (void)
{
  /* Only literals and localhost names: no test waits on a DNS server. */
  static const struct {
    gboolean training;
    const char *url;
    gboolean ok;
  } cases[] = {
    { TRUE, "https://localhost:8443", TRUE },
    { TRUE, "https://LOCALHOST/", TRUE },
    { TRUE, "https://registry.localhost:8443/api", TRUE },
    { TRUE, "https://127.0.0.1:8443", TRUE },
    { TRUE, "http://127.9.8.7/", TRUE },
    { TRUE, "https://[::1]:8443", TRUE },
    { TRUE, "", TRUE },
    { TRUE, "https://10.0.0.5:8443", FALSE },
    { TRUE, "https://192.168.1.20/", FALSE },
    { TRUE, "https://203.0.113.9/", FALSE },
    { TRUE, "https://[2001:db8::1]/", FALSE },
    { TRUE, "https://[::ffff:8.8.8.8]/", FALSE },
    { TRUE, "https://0.0.0.0/", FALSE },
    { TRUE, "https://localhost.evil.example.invalid/", FALSE },
    { TRUE, "not an address", FALSE },
    { FALSE, "https://203.0.113.9/", TRUE },
    { FALSE, "https://10.0.0.5:8443", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = ks_registry_url_check (cases[i].training, cases[i].url, NULL, &error);

      g_test_message ("%s %s", cases[i].training ? "training" : "production", cases[i].url);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        g_assert_true (error != NULL && error->domain == KS_TRAINING_ERROR);
    }
}

/* ------------------------------------------------------------------------------------------ */

typedef struct
{
  char *dir;
  KsStation *station;
  KsSession *supervisor;
  KsSession *trainer;
  KsSession *operator;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  const char *profile = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) trainer = NULL;
  g_autoptr(KsAccount) op = NULL;
  KsStore *store;
  gboolean training = g_str_equal (profile, "training");

  f->dir = g_dir_make_tmp ("ks-training-XXXXXX", NULL);
  f->station = ks_station_open (profile, f->dir, &error);
  g_assert_no_error (error);
  store = ks_station_get_store (f->station);
  f->supervisor = ks_station_set_up (f->station, "sana.sup", "Sana Gul", "supervisor-pw", "PEW",
                                     "T01", &error);
  g_assert_no_error (error);
  g_assert_cmpint (ks_session_is_training (f->supervisor), ==, training);
  trainer = ks_accounts_add (store, f->supervisor, "tariq.trainer", "Tariq Jan", KS_ROLE_TRAINER,
                             "trainer-pw-1", &error);
  g_assert_no_error (error);
  f->trainer = ks_session_new (store, trainer, training);
  op = ks_accounts_add (store, f->supervisor, "omar.op", "Omar Khan", KS_ROLE_OPERATOR,
                        "operator-pw", &error);
  g_assert_no_error (error);
  f->operator = ks_session_new (store, op, training);
  g_assert_nonnull (ks_station_get_keys (f->station, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_object (&f->operator);
  g_clear_object (&f->trainer);
  g_clear_object (&f->supervisor);
  g_assert_finalize_object (f->station);
  g_free (f->dir);
}

static KsSubmitOptions
submit_options (void)
{
  KsSubmitOptions o = { NULL };
  return o;
}

static GPtrArray *
submitted_cnics (KsStore *store)
{
  g_autoptr(GPtrArray) entries = ks_audit_list (store, NULL, 10000, NULL);
  GPtrArray *cnics = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_record_info_free);

  /* The audit names each submitted record by its Khyber Pass ID. */
  for (guint i = 0; i < entries->len; i++)
    {
      KsAuditEntry *e = entries->pdata[i];
      KsRecordInfo *info;

      if (!g_str_equal (e->action, "record-submitted"))
        continue;
      info = ks_records_get_info (store, e->subject, NULL);
      g_assert_nonnull (info);
      g_ptr_array_add (cnics, info);
    }
  return cnics;
}

static char *
digits_of (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

static void
test_samples (Fixture      *f,
              gconstpointer data)
{
  KsStore *store = ks_station_get_store (f->station);
  KsSubmitOptions o = submit_options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  gint64 submitted = 0;
  guint added;

  added = ks_training_generate_samples (store, f->trainer, ks_station_get_reference (f->station),
                                        &o, 40, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 40);
  g_assert_true (ks_records_count_by_state (store, KS_RECORD_STATE_SUBMITTED, &submitted));
  g_assert_cmpint (submitted, ==, 40);

  infos = submitted_cnics (store);
  g_assert_cmpuint (infos->len, ==, 40);
  for (guint i = 0; i < infos->len; i++)
    {
      KsRecordInfo *info = infos->pdata[i];
      g_autoptr(KsRecord) record = ks_records_load (store, info->kp_id, &error);
      g_autofree char *cnic = NULL;
      gboolean male;

      g_assert_no_error (error);
      cnic = digits_of (ks_record_get (record, KS_FIELD_CNIC));
      male = g_str_equal (ks_record_get (record, KS_FIELD_GENDER), "male");
      g_assert_cmpuint (strlen (cnic), ==, 13);
      /* KP (1) or the former tribal areas (2); last digit odd for men, even for women. */
      g_assert_true (cnic[0] == '1' || cnic[0] == '2');
      g_assert_cmpint ((cnic[12] - '0') % 2, ==, male ? 1 : 0);
      g_assert_true (g_str_has_prefix (ks_record_get (record, KS_FIELD_MOBILE), "+923"));
      g_assert_nonnull (strchr (info->full_name, ' '));
      g_assert_true (g_utf8_validate (info->full_name_ur, -1, NULL));
      g_assert_cmpint (g_utf8_get_char (info->full_name_ur), >=, 0x0600);
    }
}

/* On a station that speaks Pashto, the sample citizens' names in Arabic script are spelt
 * the Pashto way (sample-names.json has both spellings), and pass the wizard's checks. */
static void
test_samples_pashto (Fixture      *f,
                     gconstpointer data)
{
  KsStore *store = ks_station_get_store (f->station);
  KsSubmitOptions o = submit_options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = ks_reference_find_data_dir ();
  g_autofree char *path = g_build_filename (dir, "sample-names.json", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
  g_autoptr(GHashTable) pashto = g_hash_table_new (g_str_hash, g_str_equal);
  static const char *const lists[] = { "given_names_male", "given_names_female",
                                       "family_names" };
  JsonObject *root;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *names = json_object_get_array_member (root, lists[i]);

      for (guint j = 0; j < json_array_get_length (names); j++)
        {
          JsonObject *name = json_array_get_object_element (names, j);
          const char *ps = json_object_get_string_member_with_default (name, "ps", NULL);

          /* Every name has a Pashto spelling, in Arabic script. */
          g_assert_nonnull (ps);
          g_assert_cmpint (g_unichar_get_script (g_utf8_get_char (ps)), ==,
                           G_UNICODE_SCRIPT_ARABIC);
          g_hash_table_add (pashto, (gpointer)ps);
        }
    }

  g_setenv ("LANGUAGE", "ps", TRUE);
  g_assert_cmpuint (ks_training_generate_samples (store, f->trainer,
                                                  ks_station_get_reference (f->station), &o, 20,
                                                  &error), ==, 20);
  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  g_assert_no_error (error);

  infos = submitted_cnics (store);
  g_assert_cmpuint (infos->len, ==, 20);
  for (guint i = 0; i < infos->len; i++)
    {
      KsRecordInfo *info = infos->pdata[i];
      const char *space = strrchr (info->full_name_ur, ' ');
      g_autofree char *given = NULL;

      g_assert_nonnull (space);
      given = g_strndup (info->full_name_ur, space - info->full_name_ur);
      g_test_message ("%s: %s", info->full_name, info->full_name_ur);
      g_assert_true (g_hash_table_contains (pashto, space + 1));
      g_assert_true (g_hash_table_contains (pashto, given));
    }
}

static void
test_samples_refused_on_production (Fixture      *f,
                                    gconstpointer data)
{
  KsSubmitOptions o = submit_options ();
  g_autoptr(GError) error = NULL;
  gint64 submitted = -1;
  guint added;

  added = ks_training_generate_samples (ks_station_get_store (f->station), f->supervisor,
                                        ks_station_get_reference (f->station), &o, 5, &error);
  g_assert_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING);
  g_assert_cmpuint (added, ==, 0);
  g_assert_true (ks_records_count_by_state (ks_station_get_store (f->station),
                                            KS_RECORD_STATE_SUBMITTED, &submitted));
  g_assert_cmpint (submitted, ==, 0);
  g_clear_error (&error);

  g_assert_false (ks_station_reset_training (f->station, f->trainer, &error));
  g_assert_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING);
}

static GBytes *
read_profile_files (Fixture *f)
{
  GByteArray *all = g_byte_array_new ();
  const char *names[] = { "station.db", "station.db-wal", "station.db-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, "training", names[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (path, &contents, &len, NULL))
        g_byte_array_append (all, (guint8 *)contents, len);
    }
  g_assert_cmpuint (all->len, >, 0);
  return g_byte_array_free_to_bytes (all);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_reset_leaves_no_trace (Fixture      *f,
                            gconstpointer data)
{
  KsStore *store = ks_station_get_store (f->station);
  KsSubmitOptions o = submit_options ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(KsRecord) draft_record = ks_record_new ();
  g_autoptr(KsAccount) trainer_again = NULL;
  g_autofree char *old_kid =
    g_strdup (ks_station_keys_get_kid (ks_station_get_keys (f->station, NULL)));
  gint64 count = -1;

  ks_training_generate_samples (store, f->trainer, ks_station_get_reference (f->station), &o, 12,
                                &error);
  g_assert_no_error (error);
  ks_record_set (draft_record, KS_FIELD_FULL_NAME, "Zarghuna Draftperson");
  ks_drafts_create (store, f->operator, draft_record, 0, &error);
  g_assert_no_error (error);
  infos = submitted_cnics (store);
  g_assert_cmpuint (infos->len, ==, 12);

  /* An operator may not reset; neither may a supervisor. */
  g_assert_false (ks_station_reset_training (f->station, f->operator, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);
  g_assert_false (ks_station_reset_training (f->station, f->supervisor, &error));
  g_assert_error (error, KS_ACCOUNTS_ERROR, KS_ACCOUNTS_ERROR_NOT_PERMITTED);
  g_clear_error (&error);

  /* The check below must be able to fail: before the reset the data is in the file. */
  ks_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  before = read_profile_files (f);
  g_assert_true (bytes_contain (before, ((KsRecordInfo *)infos->pdata[0])->cnic));
  g_assert_true (bytes_contain (before, "Zarghuna Draftperson"));

  g_assert_true (ks_station_reset_training (f->station, f->trainer, &error));
  g_assert_no_error (error);

  after = read_profile_files (f);
  for (guint i = 0; i < infos->len; i++)
    {
      KsRecordInfo *info = infos->pdata[i];

      g_test_message ("%s %s %s", info->kp_id, info->cnic, info->full_name);
      g_assert_false (bytes_contain (after, info->cnic));
      g_assert_false (bytes_contain (after, info->kp_id));
      g_assert_false (bytes_contain (after, info->full_name));
      g_assert_false (bytes_contain (after, info->full_name_ur));
    }
  g_assert_false (bytes_contain (after, "Zarghuna Draftperson"));

  g_assert_true (ks_records_count_by_state (store, KS_RECORD_STATE_SUBMITTED, &count));
  g_assert_cmpint (count, ==, 0);
  drafts = ks_drafts_list_mine (store, f->operator, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* One audit entry says what happened, and the chain is whole. */
  entries = ks_audit_list (store, NULL, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->action, ==, "training-reset");
  g_assert_cmpstr (((KsAuditEntry *)entries->pdata[0])->actor, ==, "tariq.trainer");
  g_assert_true (ks_audit_verify (store, NULL, &error));
  g_assert_no_error (error);

  /* The class carries on: accounts stay, new keys are ready, samples can be added again. */
  trainer_again = ks_accounts_authenticate (store, "tariq.trainer", "trainer-pw-1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (trainer_again);
  g_assert_nonnull (ks_station_get_keys (f->station, &error));
  g_assert_cmpstr (ks_station_keys_get_kid (ks_station_get_keys (f->station, NULL)), !=, old_kid);
  g_assert_cmpuint (ks_training_generate_samples (store, f->trainer,
                                                  ks_station_get_reference (f->station), &o, 2,
                                                  &error), ==, 2);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add_func ("/training/registry-url", test_registry_url);
  g_test_add ("/training/samples", Fixture, "training", fixture_setup, test_samples,
              fixture_teardown);
  g_test_add ("/training/samples-pashto", Fixture, "training", fixture_setup,
              test_samples_pashto, fixture_teardown);
  g_test_add ("/training/refused-on-production", Fixture, "production", fixture_setup,
              test_samples_refused_on_production, fixture_teardown);
  g_test_add ("/training/reset-leaves-no-trace", Fixture, "training", fixture_setup,
              test_reset_leaves_no_trace, fixture_teardown);

  return g_test_run ();
}
