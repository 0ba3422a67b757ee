/* test-sync-e2e.c: one citizen from the wizard to the registry, in each profile
 *
 * The path a real record takes, nothing skipped: the record typed as the wizard leaves it (CNIC
 * with dashes), four fingers enrolled through libfprint (virtual_image, synthetic prints) and
 * saved sealed in the draft, submit, a supervisor's approval, then Sync with an engine made the
 * way the Sync section makes it. Checked at both ends: the registry holds the record accepted,
 * under the content hash the station computed, with the identifiers in their one documented
 * form; the station shows it acknowledged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "fp-test-util.h"
#include "ks-fpsynth.h"
#include "ks-record-fingers.h"
#include "ks-station.h"
#include "ks-sync-protocol.h"
#include "ks-test-sync.h"
#include "ks-test-util.h"
#include "ks-training-registry.h"

#define CITIZEN 7

/* Four real templates (thumbs and index fingers of one synthetic person), made once. */
static GPtrArray *templates;

static void
enroll_templates (void)
{
  g_autoptr(FptRig) rig = fpt_rig_new_virtual_image ();
  guint n = 0;
  const FpFinger *four = ks_fingers_get_required (KS_CAPTURE_SET_THUMBS_AND_INDEX, &n);

  templates = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KsFpSynthFinger) finger = ks_fpsynth_finger_new (4242, four[i]);
      g_autoptr(FpPrint) print = NULL;
      g_autoptr(GError) error = NULL;
      guchar *data = NULL;
      gsize len = 0;

      print = fpt_enroll (rig, finger, 0, &error);
      g_assert_no_error (error);
      g_assert_true (fp_print_serialize (print, &data, &len, &error));
      g_ptr_array_add (templates, g_bytes_new_take (data, len));
    }
}

/* The fingers as the fingerprint step saves them: the four of the default capture set. */
static GPtrArray *
four_fingers (void)
{
  GPtrArray *fingers = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_finger_capture_free);
  guint n = 0;
  const FpFinger *four = ks_fingers_get_required (KS_CAPTURE_SET_THUMBS_AND_INDEX, &n);

  for (guint i = 0; i < n; i++)
    {
      KsFingerCapture *c = ks_finger_capture_new (four[i]);

      c->status = KS_FINGER_CAPTURED;
      c->quality.n_minutiae = 48;
      c->quality.contact = 0.7;
      c->quality.grade = KS_FP_GRADE_GOOD;
      c->tries = 1;
      c->template_blob = g_bytes_ref (templates->pdata[i]);
      g_ptr_array_add (fingers, c);
    }
  return fingers;
}

typedef struct
{
  KsStore *store;
  KsVault *vault;
} Biometrics;

/* As the Sync section does (ui/ks-sync-page.c): each record's fingers, from the vault. */
static GBytes *
record_biometrics (const char *kp_id,
                   gpointer    user_data)
{
  Biometrics *b = user_data;

  return ks_fingers_export_for_registry (b->store, b->vault, kp_id, NULL);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
query_text (const char *db_path,
            const char *sql,
            const char *kp_id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
run_e2e (const char *profile)
{
  g_autofree char *dir = g_dir_make_tmp ("ks-e2e-XXXXXX", NULL);
  g_autofree char *ca = g_build_filename (ks_test_pki_dir (), "ca.pem", NULL);
  g_autofree char *registry_db = NULL;
  g_autoptr(KsTestRegistry) reg = NULL;
  g_autoptr(KsTrainingRegistry) training_registry = NULL;
  g_autoptr(KsStation) station = NULL;
  g_autoptr(KsSyncEngine) engine = NULL;
  g_autoptr(KsTestStaff) staff = NULL;
  g_autoptr(GPtrArray) fingers = four_fingers ();
  g_autoptr(GPtrArray) decided = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *expected_hash = NULL;
  g_autofree char *station_hash = NULL;
  g_autofree char *station_db = NULL;
  g_autofree char *url = NULL;
  g_autofree char *value = NULL;
  Biometrics bio;
  KsSyncCounts counts;
  KsStationConfig *config;
  KsStore *store;

  station = ks_station_open (profile, dir, &error);
  g_assert_no_error (error);
  store = ks_station_get_store (station);
  config = ks_station_get_config (station);
  /* The station as set-up leaves it, changed by its supervisor through core (audited). */
  staff = ks_test_staff_get (store);
  g_assert_true (ks_station_config_set_string (config, staff->supervisor, "district", "PEW",
                                               &error));
  g_assert_true (ks_station_config_set_string (config, staff->supervisor, "station-code", "A01",
                                               &error));
  g_assert_true (ks_station_config_set_uint (config, staff->supervisor, "min-free-disk-mb", 0,
                                             &error));
  g_assert_no_error (error);

  /* The registry: the reference one on loopback (production), or the one the training profile
   * starts by itself. */
  if (ks_station_is_training (station))
    {
      training_registry = ks_training_registry_start (station, NULL, &error);
      g_assert_no_error (error);
      registry_db = g_build_filename (dir, "training", "registry", "registry.db", NULL);
    }
  else
    {
      reg = ks_test_registry_start ();
      g_assert_true (ks_station_config_set_string (config, staff->supervisor, "registry-url",
                                                   reg->url, &error));
      g_assert_true (ks_station_config_set_string (config, staff->supervisor,
                                                   "registry-ca-file", ca, &error));
      g_assert_no_error (error);
      registry_db = g_strdup (reg->db);
    }
  url = ks_station_config_dup_string (config, "registry-url");
  g_free (ca);
  ca = ks_station_config_dup_string (config, "registry-ca-file");
  engine = ks_sync_engine_new (store, ks_station_get_keys (station, NULL));
  ks_sync_engine_set_registry (engine, url, ca);
  bio.store = store;
  bio.vault = ks_station_get_biometrics_vault (station, &error);
  g_assert_no_error (error);
  ks_sync_engine_set_biometrics_func (engine, record_biometrics, &bio, NULL);
  if (!ks_sync_engine_is_provisioned (engine))
    {
      ks_sync_engine_provision_async (engine, KS_TEST_CODE, NULL, got_result, &result);
      g_assert_true (ks_sync_engine_provision_finish (engine, wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
    }

  /* The operator enrolls; the supervisor approves. */
  kp_id = ks_test_enroll (store, staff->operator, ks_station_get_reference (station), bio.vault,
                          fingers, "A01", CITIZEN);
  g_ptr_array_add (decided, kp_id);
  ks_test_decide (store, staff->supervisor, decided, KS_RECORD_STATE_APPROVED);

  ks_sync_engine_run_async (engine, NULL, got_result, &result);
  g_assert_true (ks_sync_engine_run_finish (engine, wait_result (&result), &error));
  g_assert_no_error (error);

  /* The station: acknowledged. */
  g_assert_true (ks_sync_engine_get_counts (engine, &counts, NULL));
  g_assert_cmpint (counts.acknowledged, ==, 1);
  g_assert_cmpint (counts.failed + counts.pending + counts.in_flight, ==, 0);
  info = ks_records_get_info (store, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info->state, ==, KS_RECORD_STATE_SYNCED);

  /* The registry: accepted, the same content hash, what the station would send now. */
  record = ks_records_load (store, kp_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ks_record_get (record, KS_FIELD_CNIC), ==, "17301-0000000-7");
  payload = ks_sync_payload_new (record);
  blob = ks_fingers_export_for_registry (store, bio.vault, kp_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (blob);
  expected_hash = ks_sync_content_hash (KS_SYNC_PROTOCOL_CURRENT, "approved", NULL, payload,
                                        blob);
  station_db = g_strdup (ks_store_get_path (store));
  station_hash = query_text (station_db, "SELECT o.content_hash FROM sync_outbox o JOIN records r "
                             "ON r.id = o.record_id WHERE r.kp_id = ?", kp_id);
  g_assert_cmpstr (station_hash, ==, expected_hash);

  value = query_text (registry_db, "SELECT status FROM submissions WHERE kp_id = ?", kp_id);
  g_assert_cmpstr (value, ==, "accepted");
  g_free (value);
  value = query_text (registry_db, "SELECT content_hash FROM submissions WHERE kp_id = ?",
                      kp_id);
  g_assert_cmpstr (value, ==, expected_hash);
  g_free (value);
  value = query_text (registry_db, "SELECT cnic FROM submissions WHERE kp_id = ?", kp_id);
  g_assert_cmpstr (value, ==, "1730100000007");
  g_free (value);
  value = query_text (registry_db, "SELECT payload FROM submissions WHERE kp_id = ?", kp_id);
  g_assert_cmpstr (value, ==, payload);
  g_assert_nonnull (strstr (value, "\"mobile\":\"+923001000007\""));
  g_assert_nonnull (strstr (value, "\"date-of-birth\":\"1988-03-14\""));
  g_free (value);
  /* The four fingers went, sealed (the registry opened them to check the hash above). */
  value = query_text (registry_db, "SELECT length (biometrics_sealed) > 0 FROM submissions "
                      "WHERE kp_id = ?", kp_id);
  g_assert_cmpstr (value, ==, "1");
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonArray *list;

    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (blob, NULL),
                                               g_bytes_get_size (blob), NULL));
    list = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "fingers");
    g_assert_cmpuint (json_array_get_length (list), ==, 4);
  }

  g_clear_object (&engine);
  g_clear_object (&training_registry);
  g_clear_pointer (&staff, ks_test_staff_free);
  g_clear_object (&station);
  ks_test_rm_rf (dir);
}

static void
test_production (void)
{
  run_e2e ("production");
}

static void
test_training (void)
{
  run_e2e ("training");
}

int
main (int    argc,
      char **argv)
{
  int rc;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
  enroll_templates ();

  g_test_add_func ("/sync-e2e/production", test_production);
  g_test_add_func ("/sync-e2e/training", test_training);
  rc = g_test_run ();
  g_ptr_array_unref (templates);
  return rc;
}
