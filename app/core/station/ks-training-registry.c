/* ks-training-registry.c: the reference registry run on loopback for the training profile
 *
 * A class practises the whole path of a record, sync included, without a real registry: the
 * training profile starts khyber-registry on 127.0.0.1 with a self-signed certificate kept in
 * the profile's `registry/` folder, points the station's settings at it and provisions the
 * station with a one-time code. The registry lives exactly as long as the station: stopped on
 * dispose, and told by the kernel (PR_SET_PDEATHSIG) when the station dies without a word.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-training-registry"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "ks-station-config-private.h"
#include "ks-sync.h"
#include "ks-training.h"
#include "ks-training-registry.h"
#include "ks-training-registry-testing.h"

/* How long a registry gets to finish its requests after SIGTERM before it is killed. */
#define STOP_GRACE_MS 5000

struct _KsTrainingRegistry
{
  GObject parent_instance;

  /* owned */
  GSubprocess *process;
  char *url;
  char *ca_file;
  char *code;
};

G_DEFINE_FINAL_TYPE (KsTrainingRegistry, ks_training_registry, G_TYPE_OBJECT)

static void
ks_training_registry_dispose (GObject *object)
{
  KsTrainingRegistry *self = KS_TRAINING_REGISTRY (object);

  ks_training_registry_stop (self);
  G_OBJECT_CLASS (ks_training_registry_parent_class)->dispose (object);
}

static void
ks_training_registry_finalize (GObject *object)
{
  KsTrainingRegistry *self = KS_TRAINING_REGISTRY (object);

  g_free (self->url);
  g_free (self->ca_file);
  if (self->code != NULL)
    sodium_memzero (self->code, strlen (self->code));
  g_free (self->code);
  G_OBJECT_CLASS (ks_training_registry_parent_class)->finalize (object);
}

static void
ks_training_registry_class_init (KsTrainingRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_training_registry_dispose;
  object_class->finalize = ks_training_registry_finalize;
}

static void
ks_training_registry_init (KsTrainingRegistry *self)
{
}

/* What the launch needs, gathered on the caller's thread. */
typedef struct
{
  char *dir;
  char *cert;
  char *key;
  char *db;
  char *program;
} Paths;

static void
paths_free (Paths *paths)
{
  g_free (paths->dir);
  g_free (paths->cert);
  g_free (paths->key);
  g_free (paths->db);
  g_free (paths->program);
  g_free (paths);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Paths, paths_free)

static gboolean
cert_error (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The certificate of the practice registry could not be made. Check that the "
                 "training profile’s folder can be written, then open the training profile "
                 "again."));
  return FALSE;
}

static gboolean
add_extension (X509       *cert,
               int         nid,
               const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  gboolean ok;

  X509V3_set_ctx_nodb (&ctx);
  X509V3_set_ctx (&ctx, cert, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  if (ext == NULL)
    return FALSE;
  ok = X509_add_ext (cert, ext, -1) == 1;
  X509_EXTENSION_free (ext);
  return ok;
}

/* The key is written with mode 0600 from the first byte: the registry is a training toy, but
 * its key still signs whatever a class sends. */
static gboolean
write_key (const char *path,
           EVP_PKEY   *pkey,
           GError    **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FILE *file;
  gboolean ok;

  if (fd < 0)
    return cert_error (error);
  file = fdopen (fd, "w");
  if (file == NULL)
    {
      close (fd);
      return cert_error (error);
    }
  ok = PEM_write_PrivateKey (file, pkey, NULL, NULL, 0, NULL, NULL) == 1;
  ok = (fclose (file) == 0) && ok;
  return ok ? TRUE : cert_error (error);
}

/* A self-signed P-256 certificate for 127.0.0.1 and localhost. CA:TRUE lets the station use
 * the very same file as the authority it trusts (registry-ca-file). */
static gboolean
make_certificate (const Paths *paths,
                  GError     **error)
{
  EVP_PKEY *pkey = EVP_EC_gen ("P-256");
  X509 *cert = X509_new ();
  X509_NAME *name;
  FILE *file = NULL;
  guint8 serial[8];
  BIGNUM *bn = NULL;
  gboolean ok = FALSE;

  if (pkey == NULL || cert == NULL)
    goto out;

  randombytes_buf (serial, sizeof serial);
  serial[0] &= 0x7f; /* positive, as RFC 5280 wants */
  bn = BN_bin2bn (serial, sizeof serial, NULL);
  if (bn == NULL || BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) == NULL)
    goto out;
  name = X509_get_subject_name (cert);
  if (X509_set_version (cert, 2) != 1
      || X509_gmtime_adj (X509_getm_notBefore (cert), -3600) == NULL
      /* Ten years: a classroom computer should never meet an expired practice registry. */
      || X509_gmtime_adj (X509_getm_notAfter (cert), 10L * 366 * 24 * 3600) == NULL
      || X509_set_pubkey (cert, pkey) != 1
      || X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_ASC,
                                     (const guchar *)"Khyber Pass training registry", -1, -1,
                                     0) != 1
      || X509_set_issuer_name (cert, name) != 1
      || !add_extension (cert, NID_basic_constraints, "critical,CA:TRUE")
      || !add_extension (cert, NID_key_usage, "critical,digitalSignature,keyCertSign")
      || !add_extension (cert, NID_subject_key_identifier, "hash")
      || !add_extension (cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")
      || X509_sign (cert, pkey, EVP_sha256 ()) == 0)
    goto out;

  /* The key first: a certificate on disk means its key is there too. */
  if (!write_key (paths->key, pkey, error))
    goto out_quiet;
  file = g_fopen (paths->cert, "we");
  if (file == NULL)
    goto out;
  ok = PEM_write_X509 (file, cert) == 1;
  ok = (fclose (file) == 0) && ok;

out:
  if (!ok)
    cert_error (error);
out_quiet:
  BN_free (bn);
  X509_free (cert);
  EVP_PKEY_free (pkey);
  return ok;
}

/* khyber-registry: KS_REGISTRY, then beside an uninstalled build (build/app/.. -> build/server),
 * then beside the running program, then PATH. */
static char *
find_program (void)
{
  const char *env = g_getenv ("KS_REGISTRY");
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *built = g_build_filename (dir, "..", "server", "khyber-registry", NULL);
      g_autofree char *beside = g_build_filename (dir, "khyber-registry", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_find_program_in_path ("khyber-registry");
}

static Paths *
paths_new (KsStation *station,
           GError   **error)
{
  KsProfile *profile = ks_station_get_profile (station);
  g_autoptr(Paths) paths = g_new0 (Paths, 1);

  if (!ks_profile_is_training (profile))
    {
      g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_NOT_TRAINING,
                   _("Only the training profile runs a practice registry on this computer."));
      return NULL;
    }
  paths->dir = ks_profile_build_path (profile, "registry");
  paths->cert = g_build_filename (paths->dir, "registry.pem", NULL);
  paths->key = g_build_filename (paths->dir, "registry.key", NULL);
  paths->db = g_build_filename (paths->dir, "registry.db", NULL);
  paths->program = find_program ();
  if (paths->program == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The practice registry program khyber-registry is missing. Reinstall the "
                     "station to sync in the training profile."));
      return NULL;
    }
  return g_steal_pointer (&paths);
}

/* Blocking: the key generation and the file writes. Safe on a worker thread. */
static gboolean
ensure_certificate (const Paths *paths,
                    GError     **error)
{
  if (g_mkdir_with_parents (paths->dir, 0700) != 0)
    return cert_error (error);
  /* Made once and reused, so the station's trust in it survives restarts. */
  if (g_file_test (paths->cert, G_FILE_TEST_IS_REGULAR)
      && g_file_test (paths->key, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  return make_certificate (paths, error);
}

/* The registry must not outlive the station, even one killed with SIGKILL. The death signal
 * follows the thread that forked, not the process: so spawn() runs on the caller's (main)
 * thread, never on a pool thread that GLib may retire while the station still runs. */
static void
die_with_station (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static KsTrainingRegistry *
spawn (const Paths *paths,
       GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(KsTrainingRegistry) self = g_object_new (KS_TYPE_TRAINING_REGISTRY, NULL);
  guint8 raw[16];
  char hex[sizeof raw * 2 + 1];
  g_autoptr(GError) local_error = NULL;

  randombytes_buf (raw, sizeof raw);
  sodium_bin2hex (hex, sizeof hex, raw, sizeof raw);
  self->code = g_strconcat ("TRAINING-", hex, NULL);
  sodium_memzero (hex, sizeof hex);
  self->ca_file = g_strdup (paths->cert);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_station, NULL, NULL);
  /* GLib writes debug messages to stdout: with them on, the address would not be the first
   * line, and nobody would drain the pipe afterwards. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  self->process = g_subprocess_launcher_spawn (launcher, &local_error, paths->program,
                                               "--port", "0", "--db", paths->db,
                                               "--tls-cert", paths->cert,
                                               "--tls-key", paths->key,
                                               "--provision-code", self->code, NULL);
  if (self->process == NULL)
    {
      g_debug ("Cannot start %s: %s", paths->program, local_error->message);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The practice registry could not be started. Reinstall the station to sync "
                     "in the training profile."));
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* The registry's first line: "khyber-registry listening on https://127.0.0.1:PORT/". */
static gboolean
take_address (KsTrainingRegistry *self,
              KsStation          *station,
              const char         *line,
              GError            **error)
{
  const char *p = line ? strstr (line, "https://127.0.0.1:") : NULL;

  if (p == NULL)
    {
      g_debug ("Unexpected first line from the practice registry: %s", line ? line : "(none)");
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The practice registry stopped as it started. Close the station and open "
                     "the training profile again."));
      return FALSE;
    }
  self->url = g_strstrip (g_strdup (p));
  /* The training rule holds for the station's own registry too: loopback only. */
  if (!ks_station_check_registry_url (station, self->url, NULL, error))
    return FALSE;

  /* The station's own change, not a person's: audited with "station" as actor. */
  return _ks_station_config_set_by_station (ks_station_get_config (station), "registry-url",
                                            g_variant_new_string (self->url), error) &&
         _ks_station_config_set_by_station (ks_station_get_config (station), "registry-ca-file",
                                            g_variant_new_string (self->ca_file), error);
}

static KsSyncEngine *
provisioning_engine (KsTrainingRegistry *self,
                     KsStation          *station,
                     GError            **error)
{
  KsStationKeys *keys = ks_station_get_keys (station, error);
  KsSyncEngine *engine;

  if (keys == NULL)
    return NULL;
  engine = ks_sync_engine_new (ks_station_get_store (station), keys);
  ks_sync_engine_set_registry (engine, self->url, self->ca_file);
  return engine;
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/**
 * ks_training_registry_start:
 * @station: a station opened on the training profile
 *
 * Starts the practice registry and provisions @station against it, all blocking (a few
 * hundred milliseconds the first time, for the key). The registry is tied to the calling
 * thread's life: call it from the main thread. The UI uses
 * ks_training_registry_start_async() instead.
 *
 * Returns: (transfer full): the running registry, or %NULL with @error set; refused outside the
 *   training profile
 */
KsTrainingRegistry *
ks_training_registry_start (KsStation    *station,
                            GCancellable *cancellable,
                            GError      **error)
{
  g_autoptr(Paths) paths = NULL;
  g_autoptr(KsTrainingRegistry) self = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(KsSyncEngine) engine = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (KS_IS_STATION (station), NULL);

  paths = paths_new (station, error);
  if (paths == NULL || !ensure_certificate (paths, error))
    return NULL;
  self = spawn (paths, error);
  if (self == NULL)
    return NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (out, NULL, cancellable, &local_error);
  if (local_error != NULL)
    g_debug ("No address from the practice registry: %s", local_error->message);
  if (!take_address (self, station, line, error))
    return NULL;

  /* The engine answers on the thread-default context of its creation: a private one keeps
   * this call from running anybody else's callbacks. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  engine = provisioning_engine (self, station, error);
  if (engine == NULL || ks_sync_engine_is_provisioned (engine))
    {
      ok = engine != NULL;
      g_clear_object (&engine);
      g_main_context_pop_thread_default (context);
      return ok ? g_steal_pointer (&self) : NULL;
    }
  ks_sync_engine_provision_async (engine, self->code, cancellable, got_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  ok = ks_sync_engine_provision_finish (engine, result, error);
  g_clear_object (&engine);
  g_main_context_pop_thread_default (context);
  return ok ? g_steal_pointer (&self) : NULL;
}

typedef struct
{
  Paths *paths;
  KsTrainingRegistry *registry;
  GDataInputStream *out;
  KsSyncEngine *engine;
} StartData;

static void
start_data_free (StartData *data)
{
  g_clear_pointer (&data->paths, paths_free);
  g_clear_object (&data->registry);
  g_clear_object (&data->out);
  g_clear_object (&data->engine);
  g_free (data);
}

static void
provisioned (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!ks_sync_engine_provision_finish (KS_SYNC_ENGINE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&data->registry), g_object_unref);
}

static void
address_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  KsStation *station = g_task_get_source_object (task);
  GCancellable *cancellable;
  g_autofree char *line = NULL;
  GError *error = NULL;

  line = g_data_input_stream_read_line_finish (data->out, result, NULL, NULL);
  /* Cancelled at shutdown: the registry is stopped with data, and nothing is set. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!take_address (data->registry, station, line, &error)
      || (data->engine = provisioning_engine (data->registry, station, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (ks_sync_engine_is_provisioned (data->engine))
    {
      g_task_return_pointer (task, g_steal_pointer (&data->registry), g_object_unref);
      return;
    }
  /* Arguments are evaluated in any order: the cancellable first, then the task is given. */
  cancellable = g_task_get_cancellable (task);
  ks_sync_engine_provision_async (data->engine, data->registry->code, cancellable, provisioned,
                                  g_steal_pointer (&task));
}

static void
certificate_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  StartData *data = task_data;
  GError *error = NULL;

  if (!ensure_certificate (data->paths, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
certificate_ready (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StartData *data = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      || (data->registry = spawn (data->paths, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (data->registry->process));
  cancellable = g_task_get_cancellable (task);
  g_data_input_stream_read_line_async (data->out, G_PRIORITY_DEFAULT, cancellable, address_read,
                                       g_steal_pointer (&task));
}

/**
 * ks_training_registry_start_async:
 * @station: a station opened on the training profile
 *
 * ks_training_registry_start() without blocking: the key is made on a worker thread, the
 * registry is started from the calling (main) thread and its address read asynchronously.
 * The settings are changed on the calling thread.
 */
void
ks_training_registry_start_async (KsStation          *station,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) cert_task = NULL;
  StartData *data;
  GError *error = NULL;
  Paths *paths;

  g_return_if_fail (KS_IS_STATION (station));

  task = g_task_new (station, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_training_registry_start_async);
  paths = paths_new (station, &error);
  if (paths == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data = g_new0 (StartData, 1);
  data->paths = paths;
  g_task_set_task_data (task, data, (GDestroyNotify)start_data_free);

  cert_task = g_task_new (station, cancellable, certificate_ready, g_object_ref (task));
  g_task_set_task_data (cert_task, data, NULL);
  g_task_run_in_thread (cert_task, certificate_thread);
}

KsTrainingRegistry *
ks_training_registry_start_finish (KsStation    *station,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, station), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
grace_over (gpointer user_data)
{
  gboolean *over = user_data;

  *over = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * ks_training_registry_stop:
 *
 * Stops the registry: SIGTERM, then up to 5 s for it to finish what it was answering, then
 * SIGKILL. Waits for it to exit. Safe to call twice; dispose calls it.
 */
void
ks_training_registry_stop (KsTrainingRegistry *self)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GSource) timeout = NULL;
  gboolean over = FALSE;

  g_return_if_fail (KS_IS_TRAINING_REGISTRY (self));

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, got_result, &result);
  timeout = g_timeout_source_new (STOP_GRACE_MS);
  g_source_set_callback (timeout, grace_over, &over, NULL);
  g_source_attach (timeout, context);
  while (result == NULL && !over)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  if (result == NULL)
    {
      g_debug ("The practice registry ignored SIGTERM; killing it");
      g_subprocess_force_exit (self->process);
      while (result == NULL)
        g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
  g_clear_object (&self->process);
}

const char *
ks_training_registry_get_url (KsTrainingRegistry *self)
{
  g_return_val_if_fail (KS_IS_TRAINING_REGISTRY (self), NULL);
  return self->url;
}

const char *
ks_training_registry_get_ca_file (KsTrainingRegistry *self)
{
  g_return_val_if_fail (KS_IS_TRAINING_REGISTRY (self), NULL);
  return self->ca_file;
}

/**
 * ks_training_registry_get_pid:
 *
 * Returns: the registry's process id, or 0 once stopped
 */
GPid
ks_training_registry_get_pid (KsTrainingRegistry *self)
{
  const char *id;

  g_return_val_if_fail (KS_IS_TRAINING_REGISTRY (self), 0);
  id = self->process ? g_subprocess_get_identifier (self->process) : NULL;
  return id ? (GPid)g_ascii_strtoll (id, NULL, 10) : 0;
}
