/* ks-training.c: the training profile's classroom tools and its registry rule
 *
 * A class practises on the training profile: its own database, keys and settings. Three rules
 * keep that practice harmless and repeatable:
 *  - it can only talk to a registry on this very computer (a practice server), so a trainee can
 *    never send an invented citizen to the real registry, even by typing the real address;
 *  - a trainer can wipe everything the class entered, leaving no byte of it in the database
 *    file (secure_delete, then VACUUM and a truncating checkpoint of the write-ahead log);
 *  - a trainer can fill the review queue with invented but valid citizens, so supervisors-to-be
 *    have something to approve before anyone has enrolled.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-training"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ks-audit.h"
#include "ks-consent.h"
#include "ks-l10n.h"
#include "ks-store-private.h"
#include "ks-training.h"

/* ------------------------------------------------------------------------------------------ */
/* Reset                                                                                       */

static gboolean
exec_sql (KsStore    *store,
          const char *sql,
          GError    **error)
{
  int rc = sqlite3_exec (_ks_store_get_db (store), sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _ks_store_set_error (store, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Every table but the accounts, the station's configuration and the schema's own facts:
 * whatever later versions add (review notes, the sync outbox...) holds class data too, so the
 * list is read, not written down. */
static GPtrArray *
list_class_tables (KsStore *store,
                   GError **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = _ks_store_prepare (store,
                            "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                            "name NOT LIKE 'sqlite_%' AND name NOT IN ('meta', 'accounts', "
                            "'sequences', 'station_config')",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tables, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&tables);
}

/**
 * ks_training_wipe_store:
 * @session: the trainer
 *
 * Deletes everything the class entered (drafts, records and their versions, the audit log and
 * any other table) and keeps the accounts, so the trainer and trainees sign in as before. The
 * audit log then starts again with one `training-reset` entry. Deleted rows are overwritten and
 * the file compacted, so none of the class's names or numbers stay in the database file.
 * Refused unless @session is a trainer's on the training profile.
 */
gboolean
ks_training_wipe_store (KsStore   *store,
                        KsSession *session,
                        GError   **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_SESSION (session), FALSE);

  if (!ks_session_is_training (session))
    {
      g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING,
                   _("Only the training profile can be reset. Nothing was deleted."));
      return FALSE;
    }
  if (!ks_session_require (session, KS_PERMISSION_RESET_TRAINING, error))
    return FALSE;

  _ks_store_lock (store);

  if (!exec_sql (store, "PRAGMA secure_delete = ON", error))
    goto out;
  tables = list_class_tables (store, error);
  if (tables == NULL || !ks_store_begin (store, error))
    goto out;
  /* Children and parents go in one transaction: the foreign keys are checked at its end. */
  if (!exec_sql (store, "PRAGMA defer_foreign_keys = ON", error))
    goto fail;
  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM \"%s\"",
                                              (const char *)tables->pdata[i]);

      if (!exec_sql (store, sql, error))
        goto fail;
    }
  if (!exec_sql (store, "UPDATE sequences SET next = 1", error) ||
      !exec_sql (store, "UPDATE accounts SET failed_attempts = 0, locked_until = 0", error) ||
      !ks_audit_append (store, ks_session_get_username (session), "training-reset", "",
                        "", error) ||
      !ks_store_commit (store, error))
    goto fail;

  /* VACUUM rewrites the file without the freed pages; the checkpoint then empties the WAL,
   * which still held the deleted rows' old pages. */
  ok = exec_sql (store, "VACUUM", error) &&
       exec_sql (store, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  goto out;

fail:
  ks_store_rollback (store);
out:
  _ks_store_unlock (store);
  return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Sample citizens                                                                             */

typedef struct
{
  JsonParser *parser;
  JsonArray *male;
  JsonArray *female;
  JsonArray *family;
} Names;

static void
names_clear (Names *names)
{
  g_clear_object (&names->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Names, names_clear)

static gboolean
names_load (Names   *names,
            GError **error)
{
  g_autofree char *dir = ks_reference_find_data_dir ();
  g_autofree char *path = g_build_filename (dir, "sample-names.json", NULL);
  JsonObject *root;

  names->parser = json_parser_new ();
  if (!json_parser_load_from_file (names->parser, path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (names->parser)))
    goto bad;
  root = json_node_get_object (json_parser_get_root (names->parser));
  names->male = json_object_get_array_member (root, "given_names_male");
  names->female = json_object_get_array_member (root, "given_names_female");
  names->family = json_object_get_array_member (root, "family_names");
  if (names->male == NULL || names->female == NULL || names->family == NULL ||
      json_array_get_length (names->male) == 0 || json_array_get_length (names->female) == 0 ||
      json_array_get_length (names->family) == 0)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NO_NAMES,
               _("The list of sample names (%s) is missing or damaged. Reinstall the station."),
               path);
  return FALSE;
}

static char *
random_digits (GRand *rand,
               guint  n)
{
  GString *s = g_string_sized_new (n);

  for (guint i = 0; i < n; i++)
    g_string_append_c (s, '0' + g_rand_int_range (rand, 0, 10));
  return g_string_free (s, FALSE);
}

/* A CNIC as NADRA numbers it: 1 for KP (2 for the former tribal areas), the division's digit,
 * three more digits of the place, seven of the person, and the last digit odd for a man and
 * even for a woman. */
static char *
sample_cnic (GRand            *rand,
             const KsDistrict *district,
             guint             division_index,
             gboolean          male)
{
  g_autofree char *place = random_digits (rand, 3);
  g_autofree char *person = random_digits (rand, 7);
  int last = 2 * g_rand_int_range (rand, 0, 5) + (male ? 1 : 0);

  return g_strdup_printf ("%c%u%s-%s-%d", district->merged_2018 ? '2' : '1',
                          (division_index % 9) + 1, place, person, last);
}

/* A name in Arabic script: its Pashto spelling on a station that speaks Pashto (the class
 * reads it there as it reads the Urdu one on an Urdu station), else the Urdu one. */
static const char *
arabic_script_name (JsonObject *name)
{
  if (g_str_equal (ks_ui_language (), "ps") && json_object_has_member (name, "ps"))
    return json_object_get_string_member (name, "ps");
  return json_object_get_string_member (name, "ur");
}

static KsRecord *
sample_record (GRand       *rand,
               Names       *names,
               KsReference *reference,
               const GDate *today)
{
  GPtrArray *divisions = ks_reference_get_divisions (reference);
  guint division_index = g_rand_int_range (rand, 0, divisions->len);
  const KsDivision *division = divisions->pdata[division_index];
  const KsDistrict *district =
    division->districts->pdata[g_rand_int_range (rand, 0, division->districts->len)];
  const KsTehsil *tehsil =
    district->tehsils->pdata[g_rand_int_range (rand, 0, district->tehsils->len)];
  gboolean male = g_rand_boolean (rand);
  JsonArray *given = male ? names->male : names->female;
  guint gi = g_rand_int_range (rand, 0, json_array_get_length (given));
  guint fi = g_rand_int_range (rand, 0, json_array_get_length (names->family));
  JsonObject *g = json_array_get_object_element (given, gi);
  JsonObject *f = json_array_get_object_element (names->family, fi);
  const char *father = NULL;
  const char *father_ur = NULL;
  g_autofree char *cnic = sample_cnic (rand, district, division_index, male);
  g_autofree char *full = NULL, *full_ur = NULL, *father_full = NULL, *father_full_ur = NULL;
  g_autofree char *dob = NULL, *mobile = NULL, *address = NULL, *consents_json = NULL;
  g_autoptr(GPtrArray) consents = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_consent_free);
  g_autoptr(GDate) birth = g_date_copy (today);
  KsRecord *record = ks_record_new ();
  GPtrArray *services = ks_reference_get_services (reference);
  static const char *const mobile_prefixes[] = { "0300", "0301", "0302", "0312", "0313",
                                                 "0321", "0333", "0345", "0346", "0349" };

  /* The father's given name is always a man's; the family name is shared. */
  for (guint tries = 0;
       tries < 4 &&
       (father == NULL || g_strcmp0 (father, json_object_get_string_member (g, "en")) == 0);
       tries++)
    {
      guint i = g_rand_int_range (rand, 0, json_array_get_length (names->male));
      JsonObject *o = json_array_get_object_element (names->male, i);

      father = json_object_get_string_member (o, "en");
      father_ur = arabic_script_name (o);
    }

  full = g_strdup_printf ("%s %s", json_object_get_string_member (g, "en"),
                          json_object_get_string_member (f, "en"));
  full_ur = g_strdup_printf ("%s %s", arabic_script_name (g), arabic_script_name (f));
  father_full = g_strdup_printf ("%s %s", father, json_object_get_string_member (f, "en"));
  father_full_ur = g_strdup_printf ("%s %s", father_ur, arabic_script_name (f));

  /* Adults only (18 to 75): minors would need a guardian, which the samples do not invent. */
  g_date_subtract_years (birth, g_rand_int_range (rand, 18, 76));
  g_date_subtract_days (birth, g_rand_int_range (rand, 1, 365));
  /* ISO: the record's stored form, as the wizard leaves it after checking a typed date. */
  dob = g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (birth),
                         (guint)g_date_get_month (birth), g_date_get_day (birth));

  mobile = g_strdup_printf ("%s-%07d",
                            mobile_prefixes[g_rand_int_range (rand, 0,
                                                              G_N_ELEMENTS (mobile_prefixes))],
                            g_rand_int_range (rand, 1000000, 10000000));
  address = g_strdup_printf ("House %d, Street %d, %s", g_rand_int_range (rand, 1, 400),
                             g_rand_int_range (rand, 1, 30), tehsil->name_en);

  for (guint i = 0; i < services->len; i++)
    {
      const KsService *service = services->pdata[i];

      if (service->enabled_by_default)
        g_ptr_array_add (consents,
                         ks_consent_new_for_service (service, g_rand_boolean (rand) ? "ur" : "en",
                                                     TRUE, NULL));
    }
  consents_json = ks_consent_list_to_json (consents);

  ks_record_set (record, KS_FIELD_CNIC, cnic);
  ks_record_set (record, KS_FIELD_GENDER, male ? "male" : "female");
  ks_record_set (record, KS_FIELD_DATE_OF_BIRTH, dob);
  ks_record_set (record, KS_FIELD_FULL_NAME, full);
  ks_record_set (record, KS_FIELD_FULL_NAME_UR, full_ur);
  ks_record_set (record, KS_FIELD_FATHER_NAME, father_full);
  ks_record_set (record, KS_FIELD_FATHER_NAME_UR, father_full_ur);
  ks_record_set (record, KS_FIELD_MOBILE, mobile);
  ks_record_set (record, KS_FIELD_ADDRESS_LINE1, address);
  ks_record_set (record, KS_FIELD_DISTRICT, district->code);
  ks_record_set (record, KS_FIELD_TEHSIL, tehsil->code);
  ks_record_set (record, KS_FIELD_CONSENTS, consents_json);
  return record;
}

/**
 * ks_training_generate_samples:
 * @session: the trainer (or any operator who may enroll) on the training profile
 * @options: the station's district and code, as for ks_records_submit()
 * @n: how many citizens to add
 *
 * Invents @n adult citizens of KP (names from `sample-names.json` in English and Urdu, a district
 * and tehsil from the reference, a CNIC whose first digits fit the district and whose last digit
 * fits the gender, a date of birth, a mobile number, consents) and submits each through
 * ks_records_submit(), so they wait in the review queue like any operator's. Refused outside
 * the training profile: invented citizens must never reach the real registry.
 *
 * Returns: how many were added (@n unless an error is set)
 */
guint
ks_training_generate_samples (KsStore               *store,
                              KsSession             *session,
                              KsReference           *reference,
                              const KsSubmitOptions *options,
                              guint                  n,
                              GError               **error)
{
  g_auto(Names) names = { 0 };
  g_autoptr(GRand) rand = g_rand_new ();
  g_autoptr(GDate) today = NULL;
  guint added = 0;
  guint collisions = 0;

  g_return_val_if_fail (KS_IS_STORE (store), 0);
  g_return_val_if_fail (KS_IS_SESSION (session), 0);
  g_return_val_if_fail (reference != NULL && options != NULL, 0);

  if (!ks_session_is_training (session))
    {
      g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING,
                   _("Sample citizens can only be added on the training profile."));
      return 0;
    }
  if (!names_load (&names, error))
    return 0;

  if (options->today != NULL)
    today = g_date_copy (options->today);
  else
    {
      today = g_date_new ();
      g_date_set_time_t (today, ks_store_now (store) / G_USEC_PER_SEC);
    }

  while (added < n)
    {
      g_autoptr(KsRecord) record = sample_record (rand, &names, reference, today);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *kp_id = NULL;
      gint64 draft;

      draft = ks_drafts_create (store, session, record, 0, error);
      if (draft <= 0)
        return added;
      kp_id = ks_records_submit (store, session, draft, record, reference, options, &local_error);
      if (kp_id == NULL)
        {
          ks_drafts_discard (store, session, draft, NULL);
          /* Ten million numbers per place: a repeated CNIC is rare, so try another person. */
          if (g_error_matches (local_error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_DUPLICATE_CNIC) &&
              ++collisions < 100)
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return added;
        }
      added++;
    }
  return added;
}

typedef struct
{
  KsSession *session;
  KsReference *reference;
  guint n;
} SamplesJob;

static void
samples_job_free (SamplesJob *job)
{
  g_clear_object (&job->session);
  g_clear_pointer (&job->reference, ks_reference_unref);
  g_free (job);
}

static void
samples_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SamplesJob *job = task_data;
  KsSubmitOptions options = { NULL };
  GError *error = NULL;
  guint added;

  added = ks_training_generate_samples (source_object, job->session, job->reference, &options,
                                        job->n, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, added);
}

/**
 * ks_training_generate_samples_async:
 *
 * ks_training_generate_samples() in a worker thread, with the default submit options: each
 * submission is its own transaction, twenty take a moment.
 */
void
ks_training_generate_samples_async (KsStore            *store,
                                    KsSession          *session,
                                    KsReference        *reference,
                                    guint               n,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SamplesJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (reference != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_training_generate_samples_async);
  job = g_new0 (SamplesJob, 1);
  job->session = g_object_ref (session);
  job->reference = ks_reference_ref (reference);
  job->n = n;
  g_task_set_task_data (task, job, (GDestroyNotify)samples_job_free);
  g_task_run_in_thread (task, samples_thread);
}

/**
 * ks_training_generate_samples_finish:
 *
 * Returns: how many sample citizens now wait for review; 0 with @error set on failure
 */
guint
ks_training_generate_samples_finish (KsStore      *store,
                                     GAsyncResult *result,
                                     GError      **error)
{
  gssize added;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  added = g_task_propagate_int (G_TASK (result), error);
  return added < 0 ? 0 : (guint)added;
}
