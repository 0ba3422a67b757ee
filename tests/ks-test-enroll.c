/* ks-test-enroll.c: records made the way an operator makes them, for every test that needs some
 *
 * The worst defects of an earlier round hid behind fixture rows with bare-digit CNICs: the
 * registry refused every record an operator typed, and no test noticed. Here a record is typed
 * as the enrollment wizard leaves it (CNIC and mobile with dashes, the date of birth as printed
 * on the CNIC), saved as a draft with its fingers, submitted with ks_records_submit(), and
 * decided by a supervisor with ks_records_decide_batch(): the path of the product, nothing else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-test-enroll"

#include "config.h"

#include "ks-account-admin.h"
#include "ks-accounts.h"
#include "ks-consent.h"
#include "ks-minutiae-image.h"
#include "ks-station-config.h"
#include "ks-test-enroll.h"

/* Record i's CNIC: 17301 and i on 8 digits, as the operator types it from the card. Its last
 * digit (i's) is odd for a man and even for a woman, so the gender follows i. */
char *
ks_test_typed_cnic (guint i)
{
  return g_strdup_printf ("17301-%07u-%u", i / 10, i % 10);
}

/* The same number as the registry holds it. */
char *
ks_test_bare_cnic (guint i)
{
  return g_strdup_printf ("17301%08u", i);
}

/* Citizen i as the wizard leaves the form: nothing normalised yet. */
KsRecord *
ks_test_wizard_record (guint i)
{
  static const char *const first[] = { "Amina", "Imran", "Sadia", "Bilal", "Zarmina", "Omar" };
  static const char *const first_ur[] = { "آمنہ", "عمران", "سعدیہ", "بلال", "زرمینہ", "عمر" };
  KsRecord *r = ks_record_new ();
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autofree char *consents_json = NULL;
  g_autofree char *cnic = ks_test_typed_cnic (i);
  g_autofree char *name = g_strdup_printf ("%s  Khan", first[i % G_N_ELEMENTS (first)]);
  g_autofree char *name_ur = g_strdup_printf ("%s خان", first_ur[i % G_N_ELEMENTS (first_ur)]);
  g_autofree char *mobile = g_strdup_printf ("0300-%07u", 1000000 + i);
  g_autofree char *address = g_strdup_printf ("House %u, Street 4, Hayatabad", i);

  ks_record_set (r, KS_FIELD_ID_KIND, "cnic");
  ks_record_set (r, KS_FIELD_CNIC, cnic);
  ks_record_set (r, KS_FIELD_GENDER, i % 2 ? "male" : "female");
  ks_record_set (r, KS_FIELD_DATE_OF_BIRTH, "14-03-1988");
  ks_record_set (r, KS_FIELD_FULL_NAME, name);
  ks_record_set (r, KS_FIELD_FULL_NAME_UR, name_ur);
  ks_record_set (r, KS_FIELD_RELATION, "father");
  ks_record_set (r, KS_FIELD_FATHER_NAME, "Sher Ali");
  ks_record_set (r, KS_FIELD_FATHER_NAME_UR, "شیر علی");
  ks_record_set (r, KS_FIELD_MOBILE, mobile);
  ks_record_set (r, KS_FIELD_ADDRESS_LINE1, address);
  ks_record_set (r, KS_FIELD_DISTRICT, "PEW");
  ks_record_set (r, KS_FIELD_TEHSIL, "PEW-01");
  g_ptr_array_add (consents, ks_consent_new ("sehat-card", "sehat-card-1", "ur", TRUE, NULL));
  consents_json = ks_consent_list_to_json (consents);
  ks_record_set (r, KS_FIELD_CONSENTS, consents_json);
  return r;
}

/* The station's first supervisor and an operator, as set-up and Settings make them; signed in
 * again when the store already has them (a test reopening a station's folder). */
/* The station's first supervisor, whatever the test named them. */
static KsAccount *
any_supervisor (KsStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = ks_accounts_list (store, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    if (ks_account_get_role (accounts->pdata[i]) == KS_ROLE_SUPERVISOR)
      return g_object_ref (accounts->pdata[i]);
  g_assert_not_reached ();
}

KsTestStaff *
ks_test_staff_get (KsStore *store)
{
  KsTestStaff *staff = g_new0 (KsTestStaff, 1);
  g_autoptr(GError) error = NULL;

  if (ks_accounts_needs_setup (store))
    {
      g_autoptr(KsAccount) sup = NULL;
      g_autoptr(KsAccount) op = NULL;

      sup = ks_accounts_create_first_supervisor (store, KS_TEST_SUPERVISOR, "Sana Gul",
                                                 KS_TEST_SUPERVISOR_PASSWORD, &error);
      g_assert_no_error (error);
      staff->supervisor = ks_session_new (store, sup, FALSE);
      op = ks_accounts_add (store, staff->supervisor, KS_TEST_OPERATOR, "Omar Khan",
                            KS_ROLE_OPERATOR, KS_TEST_OPERATOR_PASSWORD, &error);
      g_assert_no_error (error);
      staff->operator = ks_session_new (store, op, FALSE);
      return staff;
    }
  /* A station set up by the test itself: its supervisor, and the test operator (added once). */
  {
    g_autoptr(KsAccount) sup = any_supervisor (store);
    g_autoptr(KsAccount) op = NULL;

    staff->supervisor = ks_session_new (store, sup, FALSE);
    op = ks_accounts_lookup (store, KS_TEST_OPERATOR, NULL);
    if (op == NULL)
      op = ks_accounts_add (store, staff->supervisor, KS_TEST_OPERATOR, "Omar Khan",
                            KS_ROLE_OPERATOR, KS_TEST_OPERATOR_PASSWORD, &error);
    g_assert_no_error (error);
    staff->operator = ks_session_new (store, op, FALSE);
  }
  return staff;
}

void
ks_test_staff_free (KsTestStaff *staff)
{
  g_clear_object (&staff->supervisor);
  g_clear_object (&staff->operator);
  g_free (staff);
}

/* The station's district and code live in its configuration, as set-up leaves them: the
 * supervisor sets them (audited) when the test's station has other ones. */
static void
ensure_station (KsStore    *store,
                const char *station_code)
{
  g_autofree char *code = ks_station_config_read_string (store, "station-code");
  g_autofree char *district = ks_station_config_read_string (store, "district");
  g_autoptr(GError) error = NULL;
  g_autoptr(KsAccount) sup = NULL;
  g_autoptr(KsSession) session = NULL;
  g_autoptr(KsStationConfig) config = NULL;

  if (g_strcmp0 (code, station_code) == 0 && g_strcmp0 (district, "PEW") == 0)
    return;
  sup = any_supervisor (store);
  session = ks_session_new (store, sup, FALSE);
  config = ks_station_config_new (store, FALSE, &error);
  g_assert_no_error (error);
  ks_station_config_set_string (config, session, "district", "PEW", &error);
  g_assert_no_error (error);
  ks_station_config_set_string (config, session, "station-code", station_code, &error);
  g_assert_no_error (error);
  /* Tests run on any disk: the free-disk rule is tested on its own. */
  g_assert_true (ks_station_config_set_uint (config, session, "min-free-disk-mb", 0, &error));
  /* Tests enroll hundreds at once: the awaiting-review rule is tested on its own (rules). */
  g_assert_true (ks_station_config_set_uint (config, session, "max-awaiting-review", 0, &error));
  g_assert_no_error (error);
}

/**
 * ks_test_enroll:
 * @vault: (nullable): the station's biometrics vault, when @fingers is given
 * @fingers: (nullable) (element-type KsFingerCapture): the fingers captured in the draft
 * @station_code: the station's code, the second part of its IDs (district PEW)
 *
 * Enrolls citizen @i as the wizard does: a draft, its fingers, then submit.
 *
 * Returns: (transfer full): the record's Khyber Pass ID
 */
char *
ks_test_enroll (KsStore     *store,
                KsSession   *operator,
                KsReference *reference,
                KsVault     *vault,
                GPtrArray   *fingers,
                const char  *station_code,
                guint        i)
{
  g_autoptr(KsRecord) record = ks_test_wizard_record (i);

  return ks_test_enroll_record (store, operator, reference, vault, fingers, station_code,
                                record);
}

/**
 * ks_test_enroll_record:
 * @record: a record as the wizard leaves it (ks_test_wizard_record()), perhaps with more set
 *   the way the wizard sets it (a photo from ks_photo_import_finish())
 *
 * ks_test_enroll() for a record the test filled itself.
 *
 * Returns: (transfer full): the record's Khyber Pass ID
 */
char *
ks_test_enroll_record (KsStore     *store,
                       KsSession   *operator,
                       KsReference *reference,
                       KsVault     *vault,
                       GPtrArray   *fingers,
                       const char  *station_code,
                       KsRecord    *record)
{
  g_autoptr(GError) error = NULL;
  KsSubmitOptions options = { NULL };
  gint64 draft;
  char *kp_id;

  ensure_station (store, station_code);
  draft = ks_drafts_create (store, operator, record, 0, &error);
  g_assert_no_error (error);
  for (guint f = 0; fingers != NULL && f < fingers->len; f++)
    {
      g_assert_true (ks_fingers_save_draft (store, vault, draft, fingers->pdata[f], &error));
      g_assert_no_error (error);
    }
  kp_id = ks_records_submit (store, operator, draft, record, reference, &options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kp_id);
  return kp_id;
}

/* A supervisor's decision on a batch, as Review takes it. */
void
ks_test_decide (KsStore      *store,
                KsSession    *supervisor,
                GPtrArray    *kp_ids,
                KsRecordState to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (kp_ids->len == 0)
    return;
  for (guint i = 0; i < kp_ids->len; i++)
    g_ptr_array_add (ids, kp_ids->pdata[i]);
  g_ptr_array_add (ids, NULL);
  g_assert_true (ks_records_decide_batch (store, supervisor, (const char *const *)ids->pdata, to,
                                          to == KS_RECORD_STATE_REJECTED
                                          ? KS_TEST_REJECT_REASON : NULL,
                                          NULL, FALSE, &error));
  g_assert_no_error (error);
}

/**
 * ks_test_enroll_many:
 * @state: %KS_RECORD_STATE_SUBMITTED (awaiting review), or the supervisor's decision
 *
 * Citizens @first .. @first + @n - 1, enrolled by the operator and decided by the supervisor.
 *
 * Returns: (transfer full) (element-type utf8): their IDs, in order
 */
GPtrArray *
ks_test_enroll_many (KsStore      *store,
                     KsReference  *reference,
                     const char   *station_code,
                     guint         first,
                     guint         n,
                     KsRecordState state)
{
  g_autoptr(KsTestStaff) staff = ks_test_staff_get (store);
  GPtrArray *kp_ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = first; i < first + n; i++)
    g_ptr_array_add (kp_ids, ks_test_enroll (store, staff->operator, reference, NULL, NULL,
                                             station_code, i));
  if (state != KS_RECORD_STATE_SUBMITTED)
    ks_test_decide (store, staff->supervisor, kp_ids, state);
  return kp_ids;
}

/**
 * ks_test_fvc2000_dir:
 *
 * Returns: (transfer full) (nullable): the folder of FVC2000 DB1_B's images, or %NULL when the
 *   real prints are not next to the repository (the caller skips, saying so)
 */
char *
ks_test_fvc2000_dir (void)
{
  const char *root = g_getenv ("KS_SOURCE_ROOT");

  /* ../shared next to the repository; a git worktree in a sub-folder looks one level up too */
  for (guint up = 1; up <= 2; up++)
    {
      g_autofree char *candidate = g_build_filename (root ? root : ".", up == 2 ? ".." : ".",
                                                     "..", "shared", "reference", "fingerprints",
                                                     "fvc2000", "db1_b", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

/* Impression @impression of FVC finger @fvc_finger, pressed on the simulated reader the next
 * time it waits for a finger. */
void
ks_test_queue_real (KsStation  *station,
                    const char *dir,
                    guint       fvc_finger,
                    guint       impression)
{
  g_autofree char *name = g_strdup_printf ("%u_%u.png", fvc_finger, impression);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KsGreyImage) image = ks_grey_image_load (path, &error);
  g_autoptr(GBytes) grey = NULL;
  KsFingerprintService *service = ks_station_get_fingerprint_service (station);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  /* The simulated reader shows up once libfprint found it. */
  while (!ks_fingerprint_service_has_reader (service))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  grey = g_bytes_new (image->pixels, (gsize)image->width * image->height);
  ks_virtual_scanner_queue_image (ks_station_get_virtual_scanner (station), grey, image->width,
                                  image->height);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/**
 * ks_test_capture_real:
 * @impressions: the 5 impressions of @fvc_finger pressed for the reader's 5 enrolment stages
 *
 * One finger captured as the fingerprint step captures it (ks_fingers_capture_async()), from
 * real images on the training profile's simulated reader.
 *
 * Returns: (transfer full): the capture, with the kept impression's image
 */
KsFingerCapture *
ks_test_capture_real (KsStation   *station,
                      const char  *dir,
                      FpFinger     finger,
                      guint        fvc_finger,
                      const guint *impressions)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  KsFingerCapture *capture;

  for (guint i = 0; i < 5; i++)
    ks_test_queue_real (station, dir, fvc_finger, impressions[i]);
  ks_fingers_capture_async (ks_station_get_fingerprint_service (station), finger, NULL, NULL,
                            NULL, store_result, &result);
  while (result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  capture = ks_fingers_capture_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (capture->image);
  return capture;
}
