/* ks-sync.c: the sync engine: reviewed records to the central registry over HTTPS
 *
 * docs/registry-protocol.md is the contract. The engine owns one worker thread with its own
 * GMainContext and one CURL handle (so the TLS connection is reused for a whole run); blocking
 * network calls never touch the caller's thread, and every result comes back to the context
 * the engine was made in through g_main_context_invoke().
 *
 * What makes it converge: before a batch leaves, its records are marked "sent" in the
 * station's outbox table, in a committed transaction. Whatever happens next (the registry dies,
 * the connection resets, the station is killed), the next run first asks the registry about
 * every "sent" record and only re-sends the ones it never received. The Khyber Pass ID is the
 * idempotency key, so even a re-send of a received record changes nothing. Acknowledged
 * records are never selected again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-sync"

#include "config.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "ks-cards.h"
#include "ks-records.h"
#include "ks-store-private.h"
#include "ks-sync-protocol.h"
#include "ks-sync.h"
#include "ks-sync-testing.h"

/* The registry takes at most 500 IDs per status query. */
#define STATUS_CHUNK 500
#define PROCESSING_POLLS 6
#define DEFAULT_TIMEOUT_MS 30000
#define CONNECT_TIMEOUT_MS 10000
/* A registry's answer, after curl inflated it: the largest legitimate one is a trust list of
 * some ten thousand stations (about 5 MB). A broken or hostile registry must not take the
 * station's memory (a gzip bomb inflates a thousandfold) or its stack (JSON nesting). */
#define MAX_ANSWER_BYTES (16 * 1024 * 1024)
#define MAX_ANSWER_TOKENS (1024 * 1024)
/* Batches in flight at once, each on its own connection and thread ("lane"). A few hide the
 * round trip and the registry's disk sync behind each other and spread the sealing over the
 * processors; more would only queue up at the registry. */
#define DEFAULT_LANES 4
#define MAX_LANES 8

struct _KsSyncEngine
{
  GObject parent_instance;

  /* Owned */
  KsStore *store;
  KsStationKeys *keys;
  GMainContext *owner_context;
  GThread *thread;
  GMainContext *worker_context;
  GMainLoop *worker_loop;
  CURL *curl;                       /* worker thread only */
  GCancellable *run_cancellable;
  GSource *timer;

  /* Settings */
  char *url;
  char *ca_file;
  guint batch_size;
  guint lanes;
  guint interval_minutes;
  guint timeout_ms;
  guint backoff_base_ms;
  guint backoff_max_ms;
  guint max_attempts;
  KsSyncBiometricsFunc bio_func;
  gpointer bio_data;
  GDestroyNotify bio_destroy;

  /* State, owner thread */
  gboolean running;
  double progress;
  KsSyncConnectivity connectivity;
  gint64 last_success;
  char *last_error;
};

G_DEFINE_FINAL_TYPE (KsSyncEngine, ks_sync_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-sync-error-quark, ks_sync_error)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PROGRESS,
  PROP_CONNECTIVITY,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_REGISTRY_URL,
  PROP_CA_FILE,
  PROP_BATCH_SIZE,
  PROP_INTERVAL_MINUTES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
ks_sync_connectivity_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { KS_SYNC_CONNECTIVITY_UNKNOWN, "KS_SYNC_CONNECTIVITY_UNKNOWN", "unknown" },
    { KS_SYNC_CONNECTIVITY_ONLINE, "KS_SYNC_CONNECTIVITY_ONLINE", "online" },
    { KS_SYNC_CONNECTIVITY_OFFLINE, "KS_SYNC_CONNECTIVITY_OFFLINE", "offline" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("KsSyncConnectivity", values));
  return type;
}

void
ks_sync_failure_free (KsSyncFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->kp_id);
  g_free (failure->full_name);
  g_free (failure->message);
  g_free (failure);
}

/* Jobs: one run or one provisioning, copied settings in, results out *********************/

typedef struct
{
  KsSyncEngine *self;
  GTask *task;
  GCancellable *cancellable;
  char *url;
  char *ca_file;
  char *code;               /* provisioning only */
  guint batch_size;
  guint lanes;
  guint timeout_ms;
  guint backoff_base_ms;
  guint backoff_max_ms;
  guint max_attempts;
  KsSyncBiometricsFunc bio_func;
  gpointer bio_data;

  char *token;
  guint8 box_key[crypto_box_PUBLICKEYBYTES];
  gboolean have_box_key;

  /* The lanes share these, under @lock: the records still to send (IDs, in order), how far
   * they have been claimed, and whether a lane failed so that no new batch leaves. */
  GMutex lock;
  GArray *queue;
  guint next;
  gboolean stop;

  /* Results */
  GError *error;
  KsSyncConnectivity connectivity;
  gint64 total;
  gint64 done;
  gint64 sent;
  gint64 acknowledged;
  gint64 failed;
  KsTrustList *trust;       /* (nullable) the registry's trust list, fetched at the end */
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->task);
  g_clear_object (&job->cancellable);
  g_free (job->url);
  g_free (job->ca_file);
  g_free (job->code);
  if (job->token != NULL)
    sodium_memzero (job->token, strlen (job->token));
  g_free (job->token);
  g_clear_error (&job->error);
  g_clear_object (&job->trust);
  g_clear_pointer (&job->queue, g_array_unref);
  g_mutex_clear (&job->lock);
  g_free (job);
}

typedef struct
{
  KsSyncEngine *self;
  double progress;
  KsSyncConnectivity connectivity;
} Update;

static void
set_connectivity (KsSyncEngine      *self,
                  KsSyncConnectivity connectivity)
{
  if (connectivity == KS_SYNC_CONNECTIVITY_UNKNOWN || self->connectivity == connectivity)
    return;
  self->connectivity = connectivity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTIVITY]);
}

/* Lanes report reachability from several threads. */
static void
job_set_connectivity (Job               *job,
                      KsSyncConnectivity connectivity)
{
  g_mutex_lock (&job->lock);
  job->connectivity = connectivity;
  g_mutex_unlock (&job->lock);
}

static gboolean
apply_update (gpointer data)
{
  Update *update = data;
  KsSyncEngine *self = update->self;

  if (self->progress != update->progress)
    {
      self->progress = update->progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  set_connectivity (self, update->connectivity);
  g_signal_emit (self, signals[CHANGED], 0);
  g_object_unref (update->self);
  g_free (update);
  return G_SOURCE_REMOVE;
}

/* From the worker: progress and reachability to the owner's context. */
static void
post_update (Job *job)
{
  Update *update = g_new0 (Update, 1);

  update->self = g_object_ref (job->self);
  g_mutex_lock (&job->lock);
  update->progress = job->total > 0 ? CLAMP ((double)job->done / job->total, 0.0, 1.0) : 0.0;
  update->connectivity = job->connectivity;
  g_mutex_unlock (&job->lock);
  g_main_context_invoke (job->self->owner_context, apply_update, update);
}

/* HTTP ********************************************************************************/

/* The CURL handle of an extra lane's thread; the engine's own worker uses self->curl. */
static GPrivate lane_curl;

static CURL *
job_curl (Job *job)
{
  CURL *curl = g_private_get (&lane_curl);

  return curl != NULL ? curl : job->self->curl;
}

typedef struct
{
  long status;
  gint64 retry_after;       /* seconds; 0 when the registry did not say */
  gboolean retryable;
  JsonObject *object;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->object, json_object_unref);
  answer->status = 0;
  answer->retry_after = 0;
  answer->retryable = FALSE;
}

static size_t
collect_body (char  *data,
              size_t size,
              size_t nmemb,
              void  *user_data)
{
  GByteArray *received = user_data;

  /* Returning less than given makes curl stop with CURLE_WRITE_ERROR. */
  if (received->len + size * nmemb > MAX_ANSWER_BYTES)
    return 0;
  g_byte_array_append (received, (const guint8 *)data, size * nmemb);
  return size * nmemb;
}

static int
check_cancel (void      *user_data,
              curl_off_t dltotal,
              curl_off_t dlnow,
              curl_off_t ultotal,
              curl_off_t ulnow)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

static char *
registry_host (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return g_strdup (uri && g_uri_get_host (uri) ? g_uri_get_host (uri) : url);
}

static gint64
station_now (Job *job)
{
  return ks_store_now (job->self->store) / G_USEC_PER_SEC;
}

static void
set_skew_error (Job     *job,
                gint64   server_time,
                GError **error)
{
  gint64 skew = station_now (job) - server_time;
  gint64 minutes = (ABS (skew) + 59) / 60;

  /* %d, not G_GINT64_FORMAT: xgettext cannot see through the macro; minutes fit an int. */
  int n = (int)MIN (minutes, G_MAXINT);

  if (skew > 0)
    g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CLOCK_SKEW,
                 ngettext (
                   "This station’s clock is %d minute ahead of the registry’s. Set the "
                   "correct date and time, then sync again.",
                   "This station’s clock is %d minutes ahead of the registry’s. Set the "
                   "correct date and time, then sync again.",
                   n),
                 n);
  else
    g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CLOCK_SKEW,
                 ngettext (
                   "This station’s clock is %d minute behind the registry’s. Set the "
                   "correct date and time, then sync again.",
                   "This station’s clock is %d minutes behind the registry’s. Set the "
                   "correct date and time, then sync again.",
                   n),
                 n);
}

/* What went wrong before any HTTP answer, in the operator's words. The distinctions matter:
 * "cannot reach" sends them to the network, "not trusted" to the administrator. */
static void
set_transport_error (Job     *job,
                     CURLcode rc,
                     gboolean connected,
                     Answer  *answer,
                     GError **error)
{
  g_autofree char *host = registry_host (job->url);

  answer->retryable = TRUE;
  job_set_connectivity (job, KS_SYNC_CONNECTIVITY_OFFLINE);
  switch ((int)rc)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
      answer->retryable = FALSE;
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_TLS_UNTRUSTED,
                   _("The registry at %s presented a certificate this station does not trust, "
                     "so nothing was sent. Check the registry address and the registry CA file "
                     "in Settings, or ask your administrator."),
                   host);
      break;
    case CURLE_SSL_CACERT_BADFILE:
      answer->retryable = FALSE;
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_TLS_UNTRUSTED,
                   _("The registry CA file “%s” cannot be read, so the registry cannot be "
                     "checked and nothing was sent. Fix the file or the path in Settings."),
                   job->ca_file ? job->ca_file : "");
      break;
    case CURLE_OPERATION_TIMEDOUT:
      if (connected)
        {
          job_set_connectivity (job, KS_SYNC_CONNECTIVITY_ONLINE);
          g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_TIMEOUT,
                       _("The registry at %s did not answer within %u seconds. It may be "
                         "overloaded; the station will try again. Nothing was lost."),
                       host, (job->timeout_ms + 999) / 1000);
        }
      else
        g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CANNOT_REACH,
                     _("The station cannot reach the registry at %s (no connection within the "
                       "time limit). Check the network cable or mobile data; the station will "
                       "try again. Nothing was lost."),
                     host);
      break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      if (connected)
        {
          job_set_connectivity (job, KS_SYNC_CONNECTIVITY_ONLINE);
          g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CONNECTION_LOST,
                       _("The connection to the registry at %s was cut before it answered. "
                         "The station will ask the registry what it received and try again. "
                         "Nothing was lost."),
                       host);
          break;
        }
      G_GNUC_FALLTHROUGH;
    default:
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_CANNOT_REACH,
                   _("The station cannot reach the registry at %s. Check the network cable or "
                     "mobile data; the station will try again. Nothing was lost."),
                   host);
      break;
    }
  g_debug ("libcurl: %s", curl_easy_strerror (rc));
}

static void
set_http_error (Job        *job,
                Answer     *answer,
                const char *code,
                const char *message,
                GError    **error)
{
  g_autofree char *host = registry_host (job->url);
  g_autofree char *what = code ? g_strdup_printf ("HTTP %ld, %s", answer->status, code)
                               : g_strdup_printf ("HTTP %ld", answer->status);

  answer->retryable = answer->status == 429 || answer->status >= 500;
  if (answer->status == 401 || answer->status == 403)
    g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REFUSED,
                 _("The registry at %s refused this station (%s: %s). Ask your administrator "
                   "for a new provisioning code, then provision the station again."),
                 host, what, message ? message : "");
  else if (answer->retryable)
    g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REGISTRY_ERROR,
                 _("The registry at %s answered with an error (%s). The network works; the "
                   "registry has a problem. The station will try again. Nothing was lost."),
                 host, what);
  else
    g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_REGISTRY_ERROR,
                 _("The registry at %s answered with an error (%s: %s). Report this to the "
                   "registry’s administrator. Nothing was lost."),
                 host, what, message ? message : "");
}

static JsonObject *
parse_answer (GByteArray *body)
{
  return ks_sync_parse_object ((const char *)body->data, body->len, MAX_ANSWER_TOKENS);
}

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
sign_headers (Job                *job,
              struct curl_slist **headers,
              const char         *method,
              const char         *path,
              GBytes             *body,
              GError            **error)
{
  gint64 now = station_now (job);
  gsize len = 0;
  const guint8 *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *message = ks_sync_signed_message (KS_SYNC_PROTOCOL_CURRENT, method, path, now,
                                                     data, len);
  g_autofree char *sig_b64 = NULL;
  g_autofree char *h1 = NULL, *h2 = NULL, *h3 = NULL;
  guint8 sig[crypto_sign_BYTES];

  if (!ks_station_keys_sign_detached (job->self->keys, (const guint8 *)message, strlen (message),
                                      sig, error))
    return FALSE;
  sig_b64 = g_base64_encode (sig, sizeof sig);
  h1 = g_strdup_printf (KS_SYNC_HEADER_KEY_ID ": %s", ks_station_keys_get_kid (job->self->keys));
  h2 = g_strdup_printf (KS_SYNC_HEADER_TIMESTAMP ": %" G_GINT64_FORMAT, now);
  h3 = g_strdup_printf (KS_SYNC_HEADER_SIGNATURE ": %s", sig_b64);
  *headers = curl_slist_append (*headers, h1);
  *headers = curl_slist_append (*headers, h2);
  *headers = curl_slist_append (*headers, h3);
  *headers = curl_slist_append (*headers, KS_SYNC_HEADER_PROTOCOL ": "
                                G_STRINGIFY (KS_SYNC_PROTOCOL_CURRENT));
  if (job->token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Authorization: Bearer %s", job->token);
      *headers = curl_slist_append (*headers, auth);
      sodium_memzero (auth, strlen (auth));
    }
  return TRUE;
}

/* One attempt. The body is signed as is; JSON text is sent gzip-compressed, a version 2
 * batch (@content_type KS_SYNC_BATCH_MEDIA_TYPE: sealed bytes, nothing to gain) as it is. */
static gboolean
http_once (Job        *job,
           const char *method,
           const char *path,
           const char *content_type,
           GBytes     *body,
           gboolean    sign,
           Answer     *answer,
           GError    **error)
{
  CURL *curl = job_curl (job);
  g_autofree char *url = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GBytes) gzipped = NULL;
  struct curl_slist *headers = NULL;
  struct curl_header *retry_header = NULL;
  curl_off_t connected_us = 0;
  CURLcode rc;

  answer_clear (answer);
  url = g_strconcat (job->url, g_str_has_suffix (job->url, "/") ? path + 1 : path, NULL);

  headers = curl_slist_append (headers, "Accept: application/json");
  /* A 100-continue round trip per batch is pure latency. */
  headers = curl_slist_append (headers, "Expect:");
  if (sign && !sign_headers (job, &headers, method, path, body, error))
    {
      curl_slist_free_all (headers);
      return FALSE;
    }

  /* A reset keeps the live connection, TLS sessions and DNS cache: only options go, so no
   * option of an earlier request (a CA file since removed from Settings) lingers. */
  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (job->ca_file != NULL && *job->ca_file != '\0')
    curl_easy_setopt (curl, CURLOPT_CAINFO, job->ca_file);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "");
  /* The timeout bounds silence, not size: a batch of templates on a slow field link may take
   * minutes to upload while bytes keep moving. A stall of the timeout ends it, and so does the
   * timeout plus what the body needs at 8 KB/s. */
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, (long)MAX (1, job->timeout_ms / 1000));
  curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS,
                    (long)(job->timeout_ms + (body ? g_bytes_get_size (body) / 8 : 0)));
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT_MS, (long)MIN (job->timeout_ms,
                                                                CONNECT_TIMEOUT_MS));
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)MAX_ANSWER_BYTES);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, received);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, check_cancel);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, job->cancellable);
  if (body != NULL)
    {
      g_autofree char *type = g_strconcat ("Content-Type: ", content_type, NULL);
      GBytes *sent = body;

      if (g_str_equal (content_type, "application/json"))
        {
          gzipped = ks_sync_gzip (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
          headers = curl_slist_append (headers, "Content-Encoding: gzip");
          sent = gzipped;
        }
      headers = curl_slist_append (headers, type);
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, g_bytes_get_data (sent, NULL));
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)g_bytes_get_size (sent));
    }
  else
    curl_easy_setopt (curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  rc = curl_easy_perform (curl);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all (headers);
  curl_easy_getinfo (curl, CURLINFO_APPCONNECT_TIME_T, &connected_us);

  if (rc == CURLE_ABORTED_BY_CALLBACK || g_cancellable_set_error_if_cancelled (job->cancellable,
                                                                               error))
    {
      if (error && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync was stopped."));
      return FALSE;
    }
  if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)
    {
      /* Over MAX_ANSWER_BYTES: the network works, the answer is unusable. */
      g_autofree char *host = registry_host (job->url);

      job_set_connectivity (job, KS_SYNC_CONNECTIVITY_ONLINE);
      answer->retryable = TRUE;
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                   _("The registry at %s sent an answer that was cut short or damaged. The "
                     "station will ask again. Nothing was lost."),
                   host);
      return FALSE;
    }
  if (rc != CURLE_OK)
    {
      set_transport_error (job, rc, connected_us > 0, answer, error);
      return FALSE;
    }

  job_set_connectivity (job, KS_SYNC_CONNECTIVITY_ONLINE);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
  if (curl_easy_header (curl, "Retry-After", 0, CURLH_HEADER, -1, &retry_header) == CURLHE_OK)
    answer->retry_after = g_ascii_strtoll (retry_header->value, NULL, 10);
  answer->object = parse_answer (received);

  if (answer->status == 401 && g_strcmp0 (member_string (answer->object, "error"),
                                          "clock-skew") == 0)
    {
      set_skew_error (job, json_object_get_int_member_with_default (answer->object,
                                                                    "server_time",
                                                                    station_now (job)),
                      error);
      return FALSE;
    }
  if (answer->status < 200 || answer->status > 299)
    {
      set_http_error (job, answer, member_string (answer->object, "error"),
                      member_string (answer->object, "message"), error);
      return FALSE;
    }
  if (answer->object == NULL)
    {
      g_autofree char *host = registry_host (job->url);
      answer->retryable = TRUE;
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                   _("The registry at %s sent an answer that was cut short or damaged. The "
                     "station will ask again. Nothing was lost."),
                   host);
      return FALSE;
    }
  return TRUE;
}

/* Sleeps in short slices so that Cancel is felt at once. */
static gboolean
sleep_cancellable (GCancellable *cancellable,
                   guint         ms)
{
  gint64 until = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (20000, MAX (0, until - g_get_monotonic_time ())));
    }
  return !g_cancellable_is_cancelled (cancellable);
}

/* Exponential backoff with "equal jitter" (half fixed, half random), so stations that lost
 * the registry together do not come back in lockstep; Retry-After wins when longer. */
static guint
backoff_ms (Job   *job,
            guint  attempt,
            gint64 retry_after)
{
  guint64 delay = (guint64)job->backoff_base_ms << MIN (attempt, 16);
  guint64 wait;

  delay = MIN (delay, job->backoff_max_ms);
  wait = delay / 2 + g_random_int_range (0, (gint32)(delay / 2 + 1));
  if (retry_after > 0)
    wait = MAX (wait, (guint64)MIN (retry_after, 300) * 1000);
  return (guint)wait;
}

static gboolean
http_call_bytes (Job         *job,
                 const char  *method,
                 const char  *path,
                 const char  *content_type,
                 GBytes      *body,
                 gboolean     sign,
                 JsonObject **object,
                 GError     **error)
{
  Answer answer = { 0 };

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;

      if (http_once (job, method, path, content_type, body, sign, &answer, &local_error))
        {
          *object = g_steal_pointer (&answer.object);
          post_update (job);
          return TRUE;
        }
      post_update (job);
      if (!answer.retryable || attempt + 1 >= job->max_attempts
          || !sleep_cancellable (job->cancellable, backoff_ms (job, attempt, answer.retry_after)))
        {
          answer_clear (&answer);
          if (g_cancellable_is_cancelled (job->cancellable)
              && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_error (&local_error);
              g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   _("Sync was stopped."));
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Retrying %s after: %s", path, local_error->message);
    }
}

/* @body: (nullable): JSON text */
static gboolean
http_call (Job         *job,
           const char  *method,
           const char  *path,
           const char  *body,
           gboolean     sign,
           JsonObject **object,
           GError     **error)
{
  g_autoptr(GBytes) bytes = body ? g_bytes_new_static (body, strlen (body)) : NULL;

  return http_call_bytes (job, method, path, "application/json", bytes, sign, object, error);
}

/* Store bookkeeping *******************************************************************/

static char *
failure_message (const char *status,
                 const char *reason,
                 const char *duplicate_of)
{
  if (g_strcmp0 (status, "duplicate") == 0 && g_strcmp0 (reason, "id-conflict") == 0)
    return g_strdup_printf (_("The registry already holds ID %s with different contents. "
                              "Report this record to the registry’s administrator."),
                            duplicate_of ? duplicate_of : "?");
  if (g_strcmp0 (status, "duplicate") == 0)
    return g_strdup_printf (_("The registry already holds this citizen (same CNIC) as %s. "
                              "Check both records with your supervisor; do not enroll the "
                              "citizen again."),
                            duplicate_of ? duplicate_of : "?");
  if (g_strcmp0 (reason, "invalid-cnic") == 0)
    return g_strdup (_("The registry refused this record: its CNIC is not a valid 13-digit "
                       "number. Check the citizen’s documents with your supervisor."));
  if (g_strcmp0 (reason, "content-hash-mismatch") == 0)
    return g_strdup (_("The registry refused this record because it arrived altered (its "
                       "content hash does not match). Report this to the registry’s "
                       "administrator."));
  return g_strdup_printf (_("The registry refused this record (%s). Report this to the "
                            "registry’s administrator."),
                          reason ? reason : status);
}

static gboolean
outbox_update (KsStore    *store,
               gint64      record_id,
               const char *state,
               const char *registry_status,
               const char *duplicate_of,
               const char *message,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store,
                                                    "UPDATE sync_outbox SET state = ?, "
                                                    "registry_status = ?, duplicate_of = ?, "
                                                    "error = ?, answered_at = ? "
                                                    "WHERE record_id = ?",
                                                    error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, registry_status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, duplicate_of, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, message, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, ks_store_now (store));
  sqlite3_bind_int64 (stmt, 6, record_id);
  return _ks_store_step_done (store, stmt, error);
}

/* Moves the record so that its station state says what the registry said. @info is the
 * record as read inside the caller's transaction. */
static gboolean
record_to (KsStore            *store,
           const KsRecordInfo *info,
           KsRecordState       to,
           const char         *message,
           GError            **error)
{
  const char *kp_id = info->kp_id;

  if (info->state == to)
    return TRUE;
  /* A record the station had given up on (sync-failed) that the registry did take: through
   * queued, the only way the life cycle allows. */
  if (info->state != KS_RECORD_STATE_QUEUED
      && !ks_records_set_state (store, NULL, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL, error))
    return FALSE;
  return ks_records_set_state (store, NULL, kp_id, to, message, NULL, error);
}

/* One verdict from the registry, applied in one transaction. */
static gboolean
apply_verdict (Job        *job,
               JsonObject *result,
               GError    **error)
{
  KsStore *store = job->self->store;
  const char *kp_id = member_string (result, "kp_id");
  const char *status = member_string (result, "status");
  const char *reason = member_string (result, "reason");
  const char *duplicate_of = member_string (result, "duplicate_of");
  gboolean same = json_object_get_boolean_member_with_default (result, "same_record", FALSE);
  g_autoptr(KsRecordInfo) info = NULL;
  g_autofree char *message = NULL;
  gboolean ok;

  if (kp_id == NULL || status == NULL)
    return TRUE;
  info = ks_records_get_info (store, kp_id, NULL);
  if (info == NULL)
    return TRUE;

  if (!ks_store_begin (store, error))
    return FALSE;
  if (g_str_equal (status, "accepted") || (g_str_equal (status, "duplicate") && same))
    {
      ok = outbox_update (store, info->id, "acknowledged", status, duplicate_of, NULL, error)
           && record_to (store, info, KS_RECORD_STATE_SYNCED, NULL, error);
      job->acknowledged++;
    }
  else if (g_str_equal (status, "processing"))
    ok = outbox_update (store, info->id, "processing", status, NULL, NULL, error);
  else if (g_str_equal (status, "unknown"))
    ok = outbox_update (store, info->id, "pending", NULL, NULL, NULL, error);
  else
    {
      message = failure_message (status, reason, duplicate_of);
      ok = outbox_update (store, info->id, "failed", status, duplicate_of, message, error)
           && record_to (store, info, KS_RECORD_STATE_SYNC_FAILED, message, error);
      job->failed++;
    }
  if (!ok)
    {
      ks_store_rollback (store);
      return FALSE;
    }
  return ks_store_commit (store, error);
}

static gboolean
apply_results (Job        *job,
               JsonObject *answer,
               guint       expected,
               GError    **error)
{
  JsonNode *node = json_object_get_member (answer, "results");
  JsonArray *results;
  g_autofree char *host = registry_host (job->url);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (results = json_node_get_array (node)) != expected)
    {
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                   _("The registry at %s answered with a list that does not match what was "
                     "sent. The station will ask again. Nothing was lost."),
                   host);
      return FALSE;
    }
  /* One transaction for the whole answer: one disk sync per batch, not one per record. */
  if (!ks_store_begin (job->self->store, error))
    return FALSE;
  for (guint i = 0; i < expected; i++)
    {
      JsonNode *item = json_array_get_element (results, i);
      if (JSON_NODE_HOLDS_OBJECT (item)
          && !apply_verdict (job, json_node_get_object (item), error))
        {
          ks_store_rollback (job->self->store);
          return FALSE;
        }
    }
  return ks_store_commit (job->self->store, error);
}

static gboolean
exec_sql (KsStore    *store,
          const char *sql,
          gint64      arg,
          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  return _ks_store_step_done (store, stmt, error);
}

static GPtrArray *
select_strings (KsStore    *store,
                const char *sql,
                gint64      arg,
                GError    **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    _ks_store_set_error (store, rc, error);
  _ks_store_unlock (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* Reviewed records join the queue; a crash between the two steps is repaired next time. */
static gboolean
queue_reviewed (Job     *job,
                GError **error)
{
  KsStore *store = job->self->store;
  g_autoptr(GPtrArray) kp_ids = select_strings (store,
                                                "SELECT kp_id FROM records WHERE state IN "
                                                "('approved', 'rejected') ORDER BY submitted_at, "
                                                "id",
                                                0, error);

  if (kp_ids == NULL || !ks_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < kp_ids->len; i++)
    if (!ks_records_set_state (store, NULL, g_ptr_array_index (kp_ids, i),
                               KS_RECORD_STATE_QUEUED, NULL, NULL, error))
      goto fail;
  if (!exec_sql (store,
                 "INSERT INTO sync_outbox (record_id, state) SELECT id, 'pending' FROM records r "
                 "WHERE state = 'queued' AND NOT EXISTS "
                 "(SELECT 1 FROM sync_outbox o WHERE o.record_id = r.id)",
                 0, error)
      /* Queued again by Retry (or by hand): send again. */
      || !exec_sql (store,
                    "UPDATE sync_outbox SET state = 'pending', error = NULL WHERE state = "
                    "'failed' AND record_id IN (SELECT id FROM records WHERE state = 'queued')",
                    0, error))
    goto fail;
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

/* Asks about records whose answer the station never got, or which the registry was still
 * processing. */
static gboolean
reconcile (Job     *job,
           gboolean processing_only,
           GError **error)
{
  KsStore *store = job->self->store;
  g_autoptr(GPtrArray) kp_ids = select_strings (store,
                                                processing_only
                                                ? "SELECT r.kp_id FROM sync_outbox o JOIN "
                                                "records r ON r.id = o.record_id WHERE "
                                                "o.state = 'processing' ORDER BY r.id"
                                                : "SELECT r.kp_id FROM sync_outbox o JOIN "
                                                "records r ON r.id = o.record_id WHERE "
                                                "o.state IN ('sent', 'processing') OR "
                                                "(o.state = 'acknowledged' AND r.state = "
                                                "'queued') ORDER BY r.id",
                                                0, error);

  if (kp_ids == NULL)
    return FALSE;
  for (guint start = 0; start < kp_ids->len; start += STATUS_CHUNK)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonObject) answer = NULL;
      g_autofree char *body = NULL;
      guint n = MIN (STATUS_CHUNK, kp_ids->len - start);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kp_ids");
      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        json_builder_add_string_value (b, g_ptr_array_index (kp_ids, start + i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      body = json_to_string (root, FALSE);

      if (!http_call (job, "POST", "/v1/records/status", body, TRUE, &answer, error)
          || !apply_results (job, answer, n, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64 id;
  char *kp_id;
  char *content_hash;
} Outgoing;

static void
outgoing_free (Outgoing *o)
{
  g_free (o->kp_id);
  g_free (o->content_hash);
  g_free (o);
}

/* A queued record as read from the store, so that the sealing happens without the store's
 * lock and the lanes seal side by side. */
typedef struct
{
  gint64 id;
  char *kp_id;
  char *data;
  int version;
  char *reason;
  char *decided_by;
  gint64 decided_at;
  char *action;
} Row;

static void
row_clear (Row *row)
{
  g_free (row->kp_id);
  g_free (row->data);
  g_free (row->reason);
  g_free (row->decided_by);
  g_free (row->action);
}

/* Reads the records of @ids that are still pending. */
static GArray *
read_rows (KsStore      *store,
           const gint64 *ids,
           guint         n_ids,
           GError      **error)
{
  g_autoptr(GArray) rows = g_array_sized_new (FALSE, TRUE, sizeof (Row), n_ids);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = SQLITE_DONE;

  g_array_set_clear_func (rows, (GDestroyNotify)row_clear);
  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT r.id, r.kp_id, r.data, r.version, r.reason, r.decided_by, "
                            "r.decided_at, (SELECT a.action FROM audit a WHERE a.subject = "
                            "r.kp_id AND a.action IN ('record-approved', 'record-rejected') "
                            "ORDER BY a.seq DESC LIMIT 1) FROM sync_outbox o JOIN records r ON "
                            "r.id = o.record_id WHERE o.record_id = ? AND o.state = 'pending'",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return NULL;
    }
  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          Row row = { 0 };

          row.id = sqlite3_column_int64 (stmt, 0);
          row.kp_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
          row.data = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
          row.version = sqlite3_column_int (stmt, 3);
          row.reason = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
          row.decided_by = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
          row.decided_at = sqlite3_column_int64 (stmt, 6);
          row.action = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
          g_array_append_val (rows, row);
          rc = SQLITE_DONE;
        }
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    _ks_store_set_error (store, rc, error);
  _ks_store_unlock (store);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

/* Builds the body of a batch (protocol version 2) of the records @ids (those still pending),
 * and marks them sent. Returns an empty body when none of them is pending any more. */
static GBytes *
build_batch (Job          *job,
             const gint64 *ids,
             guint         n_ids,
             GPtrArray    *outgoing,
             GError      **error)
{
  KsStore *store = job->self->store;
  g_autoptr(GArray) rows = read_rows (store, ids, n_ids, error);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GByteArray) sealed = NULL;
  g_autofree char *batch_id = g_uuid_string_random ();
  g_autofree char *json = NULL;

  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    return g_bytes_new (NULL, 0);
  sealed = g_byte_array_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batch_id");
  json_builder_add_string_value (b, batch_id);
  json_builder_set_member_name (b, "records");
  json_builder_begin_array (b);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = &g_array_index (rows, Row, i);
      Outgoing *o = g_new0 (Outgoing, 1);
      g_autoptr(KsRecord) record = ks_record_new_from_json (row->data, NULL);
      /* What the store keeps is the record as typed and validated; the registry gets each
       * identifier in its one documented form. A row that is not even a record (damaged by
       * hand) goes as it is, and the registry says so. */
      g_autofree char *payload = record ? ks_sync_payload_new (record) : g_strdup (row->data);
      const char *reason = row->reason;
      const char *decision = g_strcmp0 (row->action, "record-rejected") == 0 ? "rejected"
                                                                            : "approved";
      g_autoptr(GBytes) bio = NULL;

      o->id = row->id;
      o->kp_id = g_strdup (row->kp_id);
      /* The reason travels with rejections only: "approval not required" is not one. */
      if (g_str_equal (decision, "approved"))
        reason = NULL;
      if (job->bio_func != NULL)
        bio = job->bio_func (o->kp_id, job->bio_data);
      o->content_hash = ks_sync_content_hash (KS_SYNC_PROTOCOL_CURRENT, decision, reason,
                                              payload, bio);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kp_id");
      json_builder_add_string_value (b, o->kp_id);
      json_builder_set_member_name (b, "version");
      json_builder_add_int_value (b, row->version);
      json_builder_set_member_name (b, "decision");
      json_builder_add_string_value (b, decision);
      json_builder_set_member_name (b, "reason");
      if (reason != NULL)
        json_builder_add_string_value (b, reason);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "decided_by");
      json_builder_add_string_value (b, row->decided_by);
      json_builder_set_member_name (b, "decided_at");
      json_builder_add_int_value (b, row->decided_at / G_USEC_PER_SEC);
      json_builder_set_member_name (b, "payload");
      json_builder_add_string_value (b, payload);
      /* The sealed bytes follow the JSON, in the order of the records (ks_sync_batch_frame);
       * the record says how many are its own. */
      json_builder_set_member_name (b, "biometrics_sealed_bytes");
      if (bio != NULL)
        {
          /* Sealed to the registry's key with a throw-away key pair: once sealed, not even
           * this station can open it. Sealed in place, at the end of the blobs. */
          gsize len;
          const guint8 *plain = g_bytes_get_data (bio, &len);
          guint at = sealed->len;

          g_byte_array_set_size (sealed, at + len + crypto_box_SEALBYTES);
          crypto_box_seal (sealed->data + at, plain, len, job->box_key);
          json_builder_add_int_value (b, (gint64)(len + crypto_box_SEALBYTES));
        }
      else
        json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "content_hash");
      json_builder_add_string_value (b, o->content_hash);
      json_builder_end_object (b);
      g_ptr_array_add (outgoing, o);
    }

  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  /* Marked sent before they leave: from here on a crash is settled by asking the registry. */
  if (!ks_store_begin (store, error))
    return NULL;
  for (guint i = 0; i < outgoing->len; i++)
    {
      Outgoing *o = g_ptr_array_index (outgoing, i);
      g_autoptr(sqlite3_stmt) mark = _ks_store_prepare (store,
                                                        "UPDATE sync_outbox SET state = 'sent', "
                                                        "batch_id = ?, attempts = attempts + 1, "
                                                        "sent_at = ?, content_hash = ? "
                                                        "WHERE record_id = ?",
                                                        error);
      if (mark == NULL)
        {
          ks_store_rollback (store);
          return NULL;
        }
      sqlite3_bind_text (mark, 1, batch_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (mark, 2, ks_store_now (store));
      sqlite3_bind_text (mark, 3, o->content_hash, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (mark, 4, o->id);
      if (!_ks_store_step_done (store, mark, error))
        {
          ks_store_rollback (store);
          return NULL;
        }
    }
  if (!ks_store_commit (store, error))
    return NULL;
  json = json_to_string (root, FALSE);
  return ks_sync_batch_frame (json, sealed);
}

static gint64
count_sql (KsStore    *store,
           const char *sql,
           gint64      arg)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 n = 0;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, NULL);
  if (stmt != NULL)
    {
      if (sqlite3_bind_parameter_count (stmt) > 0)
        sqlite3_bind_int64 (stmt, 1, arg);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        n = sqlite3_column_int64 (stmt, 0);
    }
  _ks_store_unlock (store);
  return n;
}

/* GET /v1/time: reachability, the clock, and the key biometrics are sealed to. */
static gboolean
check_time (Job     *job,
            GError **error)
{
  g_autoptr(JsonObject) answer = NULL;
  const char *box_hex;
  gint64 server_time;
  gsize got = 0;

  if (!http_call (job, "GET", "/v1/time", NULL, FALSE, &answer, error))
    return FALSE;
  server_time = json_object_get_int_member_with_default (answer, "server_time", 0);
  if (ABS (station_now (job) - server_time) > KS_SYNC_MAX_SKEW_SECONDS)
    {
      set_skew_error (job, server_time, error);
      return FALSE;
    }
  box_hex = member_string (answer, "box_public_key");
  if (box_hex != NULL
      && sodium_hex2bin (job->box_key, sizeof job->box_key, box_hex, strlen (box_hex), NULL,
                         &got, NULL) == 0
      && got == sizeof job->box_key)
    {
      job->have_box_key = TRUE;
      ks_store_set_meta (job->self->store, "registry-box-key", box_hex, NULL);
    }
  return TRUE;
}

/* The registry's roots, station certificates and revocations, kept for the card verifier.
 * Best effort: records are already safe, so a failure here does not fail the run. */
static void
fetch_trust_list (Job *job)
{
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(KsTrustList) trust = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (!http_call (job, "GET", "/v1/trust-list", NULL, FALSE, &answer, &error))
    {
      g_debug ("Trust list not fetched: %s", error->message);
      return;
    }
  node = json_node_init_object (json_node_alloc (), answer);
  json = json_to_string (node, FALSE);
  trust = ks_trust_list_new_from_data (json, -1, &error);
  if (trust == NULL)
    {
      g_debug ("Trust list refused: %s", error->message);
      return;
    }
  ks_store_set_meta (job->self->store, "registry-trust-list", json, NULL);
  job->trust = g_steal_pointer (&trust);
}

/* POST /v1/revocations: the cards this station took back (record rejected or superseded after
 * the card was issued), so the registry lists them in the trust list every verifier fetches.
 * Sent until acknowledged; sending one twice is harmless. */
static gboolean
send_revocations (Job     *job,
                  GError **error)
{
  KsStore *store = job->self->store;

  for (;;)
    {
      g_autoptr(GPtrArray) revs = NULL;
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonObject) answer = NULL;
      g_autofree char *body = NULL;

      revs = ks_cards_list_unsent_revocations (store, KS_CARDS_REVOCATIONS_PER_REQUEST, error);
      if (revs == NULL)
        return FALSE;
      if (revs->len == 0)
        return TRUE;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "revocations");
      json_builder_begin_array (b);
      for (guint i = 0; i < revs->len; i++)
        {
          const KsCredentialRevocation *rev = g_ptr_array_index (revs, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "credential_id");
          json_builder_add_string_value (b, rev->credential_id);
          json_builder_set_member_name (b, "kp_id");
          json_builder_add_string_value (b, rev->kp_id);
          json_builder_set_member_name (b, "revoked_at");
          json_builder_add_int_value (b, rev->revoked_at);
          json_builder_set_member_name (b, "reason");
          json_builder_add_string_value (b, rev->reason);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      body = json_to_string (root, FALSE);

      if (!http_call (job, "POST", "/v1/revocations", body, TRUE, &answer, error))
        return FALSE;
      if (json_object_get_int_member_with_default (answer, "accepted", -1) != (gint64)revs->len)
        {
          g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                       _("The registry did not confirm the revoked cards this station sent. "
                         "They are sent again at the next sync."));
          return FALSE;
        }
      if (!ks_cards_mark_revocations_sent (store, revs, error))
        return FALSE;
    }
}

static gboolean
job_check_config (Job     *job,
                  gboolean provisioning,
                  GError **error)
{
  if (job->url == NULL || !g_str_has_prefix (job->url, "https://"))
    {
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_CONFIGURED,
                   _("No registry address is set, or it does not start with https://. A "
                     "supervisor sets it in Settings."));
      return FALSE;
    }
  if (!provisioning && job->token == NULL)
    {
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_PROVISIONED,
                   _("This station is not registered with the registry yet. Enter the "
                     "provisioning code from the registry’s administrator."));
      return FALSE;
    }
  return TRUE;
}

/* The records this run sends, in the order they were queued. Each run handles what was
 * queued when it started (@snapshot), so it ends even while supervisors keep approving. */
static gboolean
load_queue (Job     *job,
            gint64   snapshot,
            GError **error)
{
  KsStore *store = job->self->store;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  job->queue = g_array_new (FALSE, FALSE, sizeof (gint64));
  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT r.id FROM sync_outbox o JOIN records r ON r.id = "
                            "o.record_id WHERE o.state = 'pending' AND r.id <= ? "
                            "ORDER BY r.submitted_at, r.id",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (store);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, snapshot);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (job->queue, id);
    }
  if (rc != SQLITE_DONE)
    _ks_store_set_error (store, rc, error);
  _ks_store_unlock (store);
  return rc == SQLITE_DONE;
}

/* The next batch's share of the queue for one lane: no two lanes ever hold the same record.
 * FALSE when the queue is empty or a lane failed. */
static gboolean
claim_batch (Job           *job,
             const gint64 **ids,
             guint         *n_ids)
{
  gboolean ok;

  g_mutex_lock (&job->lock);
  ok = !job->stop && job->next < job->queue->len;
  if (ok)
    {
      *ids = &g_array_index (job->queue, gint64, job->next);
      *n_ids = MIN (job->batch_size, job->queue->len - job->next);
      job->next += *n_ids;
    }
  g_mutex_unlock (&job->lock);
  return ok;
}

/* One lane: batch after batch until the queue is empty or a lane failed (then the batches
 * other lanes have in flight still get their answers, and no new one leaves); with @one, a
 * single batch. Exactly once holds per batch: its records are marked sent (committed) before
 * it leaves and acknowledged only from the registry's answer, whatever the other lanes do. */
static gboolean
send_batches (Job     *job,
              gboolean one,
              GError **error)
{
  const gint64 *ids;
  guint n_ids;

  while (claim_batch (job, &ids, &n_ids))
    {
      g_autoptr(GPtrArray) outgoing = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                      outgoing_free);
      g_autoptr(JsonObject) answer = NULL;
      g_autoptr(GBytes) body = build_batch (job, ids, n_ids, outgoing, error);

      if (body == NULL)
        goto failed;
      if (outgoing->len == 0)
        continue;
      g_mutex_lock (&job->lock);
      job->sent += outgoing->len;
      g_mutex_unlock (&job->lock);
      if (!http_call_bytes (job, "POST", "/v1/records/batch", KS_SYNC_BATCH_MEDIA_TYPE, body,
                            TRUE, &answer, error)
          || !apply_results (job, answer, outgoing->len, error))
        goto failed;
      g_mutex_lock (&job->lock);
      job->done += outgoing->len;
      g_mutex_unlock (&job->lock);
      post_update (job);
      if (one)
        break;
    }
  return TRUE;

failed:
  g_mutex_lock (&job->lock);
  job->stop = TRUE;
  g_mutex_unlock (&job->lock);
  return FALSE;
}

typedef struct
{
  Job *job;
  GError *error;
} Lane;

static gpointer
lane_main (gpointer data)
{
  Lane *lane = data;
  CURL *curl = curl_easy_init ();

  if (curl == NULL)
    return NULL;
  g_private_set (&lane_curl, curl);
  send_batches (lane->job, FALSE, &lane->error);
  g_private_set (&lane_curl, NULL);
  curl_easy_cleanup (curl);
  return NULL;
}

/* The queue through up to job->lanes lanes. The first batch goes alone: a registry that fails
 * or stalls gets one batch, not a burst, and a run cut short leaves at most one batch to ask
 * about. Once the registry has answered it, the other lanes open. */
static void
send_queue (Job     *job,
            GError **error)
{
  Lane lanes[MAX_LANES] = { { 0 } };
  GThread *threads[MAX_LANES] = { 0 };

  if (!send_batches (job, TRUE, error))
    return;
  for (guint i = 1; i < job->lanes; i++)
    {
      lanes[i].job = job;
      threads[i] = g_thread_new ("ks-sync-lane", lane_main, &lanes[i]);
    }
  send_batches (job, FALSE, error);
  for (guint i = 1; i < job->lanes; i++)
    {
      g_thread_join (threads[i]);
      /* The first failure tells the operator; the others are the same registry's. */
      if (lanes[i].error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&lanes[i].error));
      g_clear_error (&lanes[i].error);
    }
}

static void
run_job (Job *job)
{
  KsStore *store = job->self->store;
  GError **error = &job->error;
  gint64 snapshot, run_id = 0;

  job->token = ks_store_get_meta (store, "registry-token");
  if (!job_check_config (job, FALSE, error) || !check_time (job, error)
      || !queue_reviewed (job, error))
    return;

  {
    g_autoptr(sqlite3_stmt) stmt = NULL;
    _ks_store_lock (store);
    stmt = _ks_store_prepare (store, "INSERT INTO sync_runs (started_at) VALUES (?)", NULL);
    if (stmt != NULL)
      {
        sqlite3_bind_int64 (stmt, 1, ks_store_now (store));
        if (_ks_store_step_done (store, stmt, NULL))
          run_id = sqlite3_last_insert_rowid (_ks_store_get_db (store));
      }
    _ks_store_unlock (store);
  }

  /* Each run handles what was queued when it started, so it ends even while supervisors
   * keep approving. */
  snapshot = count_sql (store, "SELECT coalesce (max (id), 0) FROM records", 0);
  job->total = count_sql (store, "SELECT count(*) FROM sync_outbox WHERE state IN ('pending', "
                          "'sent', 'processing')", 0);
  post_update (job);

  if (reconcile (job, FALSE, error))
    {
      job->done = job->total - count_sql (store, "SELECT count(*) FROM sync_outbox WHERE state "
                                          "= 'pending'", 0);
      post_update (job);
      if (!job->have_box_key && job->bio_func != NULL)
        g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                     _("The registry did not send the key to seal fingerprints to. Report "
                       "this to the registry’s administrator."));
      else if (load_queue (job, snapshot, error))
        send_queue (job, error);
    }

  if (job->error == NULL)
    send_revocations (job, error);

  /* Verdicts the registry gives later (a 1:N check): ask a few times before the run ends,
   * so that what the station shows is what the registry holds. */
  for (guint i = 0; job->error == NULL && i < PROCESSING_POLLS; i++)
    {
      if (count_sql (store, "SELECT count(*) FROM sync_outbox WHERE state = 'processing'", 0)
          == 0)
        break;
      if (!sleep_cancellable (job->cancellable, 200 * (i + 1)))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sync was stopped."));
          break;
        }
      reconcile (job, TRUE, error);
    }

  if (run_id > 0)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      _ks_store_lock (store);
      stmt = _ks_store_prepare (store, "UPDATE sync_runs SET finished_at = ?, sent = ?, "
                                "acknowledged = ?, failed = ?, error = ? WHERE id = ?",
                                NULL);
      if (stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, ks_store_now (store));
          sqlite3_bind_int64 (stmt, 2, job->sent);
          sqlite3_bind_int64 (stmt, 3, job->acknowledged);
          sqlite3_bind_int64 (stmt, 4, job->failed);
          sqlite3_bind_text (stmt, 5, job->error ? job->error->message : NULL, -1,
                             SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 6, run_id);
          _ks_store_step_done (store, stmt, NULL);
        }
      _ks_store_unlock (store);
    }
  if (job->error == NULL)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, station_now (job));
      ks_store_set_meta (store, "sync-last-success", now, NULL);
      fetch_trust_list (job);
    }
}

static void
provision_job (Job *job)
{
  KsStationKeys *keys = job->self->keys;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(KsTrustList) trust = NULL;
  g_autofree char *body = NULL;
  g_autofree char *pk_hex = NULL;
  g_autofree char *trust_json = NULL;
  GBytes *pk = ks_station_keys_get_public_key (keys);
  const KsStationCert *cert;
  const char *token, *box;
  JsonNode *trust_node;
  GError **error = &job->error;

  if (!job_check_config (job, TRUE, error) || !check_time (job, error))
    return;

  pk_hex = g_malloc (g_bytes_get_size (pk) * 2 + 1);
  sodium_bin2hex (pk_hex, g_bytes_get_size (pk) * 2 + 1, g_bytes_get_data (pk, NULL),
                  g_bytes_get_size (pk));
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, job->code);
  json_builder_set_member_name (b, "station_code");
  json_builder_add_string_value (b, ks_station_keys_get_station_code (keys)
                                    ? ks_station_keys_get_station_code (keys) : "");
  json_builder_set_member_name (b, "kid");
  json_builder_add_string_value (b, ks_station_keys_get_kid (keys));
  json_builder_set_member_name (b, "public_key");
  json_builder_add_string_value (b, pk_hex);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  body = json_to_string (root, FALSE);

  if (!http_call (job, "POST", "/v1/stations/provision", body, TRUE, &answer, error))
    return;
  token = member_string (answer, "access_token");
  box = member_string (answer, "box_public_key");
  trust_node = json_object_get_member (answer, "trust_list");
  if (trust_node != NULL)
    {
      trust_json = json_to_string (trust_node, FALSE);
      trust = ks_trust_list_new_from_data (trust_json, -1, NULL);
    }
  if (token == NULL || box == NULL || trust == NULL)
    {
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_BAD_ANSWER,
                   _("The registry’s answer to the provisioning code is incomplete. Report "
                     "this to the registry’s administrator."));
      return;
    }
  cert = ks_trust_list_lookup (trust, ks_station_keys_get_kid (keys), error);
  if (cert == NULL || !ks_station_keys_install_certificate (keys, cert, trust, error)
      || !ks_store_set_meta (job->self->store, "registry-token", token, error)
      || !ks_store_set_meta (job->self->store, "registry-box-key", box, error)
      || !ks_store_set_meta (job->self->store, "registry-id",
                             member_string (answer, "registry_id")
                             ? member_string (answer, "registry_id") : "", error))
    return;
}

/* Worker thread ************************************************************************/

static gboolean
quit_worker (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer data)
{
  KsSyncEngine *self = data;

  g_main_context_push_thread_default (self->worker_context);
  g_main_loop_run (self->worker_loop);
  g_main_context_pop_thread_default (self->worker_context);
  g_clear_pointer (&self->curl, curl_easy_cleanup);
  return NULL;
}

static gboolean
finish_job (gpointer data)
{
  Job *job = data;
  KsSyncEngine *self = job->self;
  gboolean was_run = job->code == NULL;

  set_connectivity (self, job->connectivity);
  /* Here, on the thread that owns the keys, not in the worker: the window reads the same list. */
  if (job->trust != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!ks_station_keys_merge_trust_list (self->keys, job->trust, &error))
        g_warning ("The registry's trust list was not saved: %s", error->message);
    }
  if (was_run)
    {
      self->running = FALSE;
      g_clear_object (&self->run_cancellable);
      g_free (self->last_error);
      self->last_error = job->error ? g_strdup (job->error->message) : NULL;
      if (job->error == NULL)
        {
          self->last_success = g_get_real_time () / G_USEC_PER_SEC;
          self->progress = 1.0;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  g_signal_emit (self, signals[CHANGED], 0);

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_boolean (job->task, TRUE);
  job_free (job);
  return G_SOURCE_REMOVE;
}

static gboolean
worker_do_job (gpointer data)
{
  Job *job = data;

  if (job->self->curl == NULL)
    job->self->curl = curl_easy_init ();
  if (job->code != NULL)
    provision_job (job);
  else
    run_job (job);
  g_main_context_invoke (job->self->owner_context, finish_job, job);
  return G_SOURCE_REMOVE;
}

static Job *
job_new (KsSyncEngine       *self,
         GCancellable       *cancellable,
         GAsyncReadyCallback callback,
         gpointer            user_data,
         gpointer            source_tag)
{
  Job *job = g_new0 (Job, 1);

  g_mutex_init (&job->lock);
  job->self = g_object_ref (self);
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  job->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  job->url = g_strdup (self->url);
  job->ca_file = g_strdup (self->ca_file);
  job->batch_size = self->batch_size;
  job->lanes = self->lanes;
  job->timeout_ms = self->timeout_ms;
  job->backoff_base_ms = self->backoff_base_ms;
  job->backoff_max_ms = self->backoff_max_ms;
  job->max_attempts = MAX (1, self->max_attempts);
  job->bio_func = self->bio_func;
  job->bio_data = self->bio_data;
  return job;
}

/* GObject ******************************************************************************/

static gboolean
timer_fired (gpointer data)
{
  KsSyncEngine *self = data;

  if (!self->running && self->url != NULL && *self->url != '\0')
    ks_sync_engine_run_async (self, NULL, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static void
restart_timer (KsSyncEngine *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->interval_minutes == 0)
    return;
  self->timer = g_timeout_source_new_seconds (self->interval_minutes * 60);
  g_source_set_callback (self->timer, timer_fired, self, NULL);
  g_source_attach (self->timer, self->owner_context);
}

static void
ks_sync_engine_dispose (GObject *object)
{
  KsSyncEngine *self = (KsSyncEngine *)object;

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  G_OBJECT_CLASS (ks_sync_engine_parent_class)->dispose (object);
}

static void
ks_sync_engine_finalize (GObject *object)
{
  KsSyncEngine *self = (KsSyncEngine *)object;

  /* No job is alive here (each holds a reference), so the worker is idle: stop and join. The
   * quit goes through the worker's context: a g_main_loop_quit() that lands before the worker
   * reached g_main_loop_run() is forgotten, and the join then waits forever. */
  g_main_context_invoke (self->worker_context, quit_worker, self->worker_loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->worker_loop);
  g_main_context_unref (self->worker_context);
  g_main_context_unref (self->owner_context);
  if (self->bio_destroy != NULL)
    self->bio_destroy (self->bio_data);
  g_clear_object (&self->store);
  g_clear_object (&self->keys);
  g_free (self->url);
  g_free (self->ca_file);
  g_free (self->last_error);

  G_OBJECT_CLASS (ks_sync_engine_parent_class)->finalize (object);
}

static void
ks_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KsSyncEngine *self = KS_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->connectivity);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_int64 (value, self->last_success);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_REGISTRY_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_INTERVAL_MINUTES:
      g_value_set_uint (value, self->interval_minutes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_sync_engine_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KsSyncEngine *self = KS_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_REGISTRY_URL:
      ks_sync_engine_set_registry (self, g_value_get_string (value), self->ca_file);
      break;
    case PROP_CA_FILE:
      ks_sync_engine_set_registry (self, self->url, g_value_get_string (value));
      break;
    case PROP_BATCH_SIZE:
      ks_sync_engine_set_batch_size (self, g_value_get_uint (value));
      break;
    case PROP_INTERVAL_MINUTES:
      ks_sync_engine_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_sync_engine_class_init (KsSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ks_sync_engine_dispose;
  object_class->finalize = ks_sync_engine_finalize;
  object_class->get_property = ks_sync_engine_get_property;
  object_class->set_property = ks_sync_engine_set_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONNECTIVITY] =
    g_param_spec_enum ("connectivity", NULL, NULL, KS_TYPE_SYNC_CONNECTIVITY,
                       KS_SYNC_CONNECTIVITY_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_int64 ("last-success", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REGISTRY_URL] =
    g_param_spec_string ("registry-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL, 1, 500, 50,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INTERVAL_MINUTES] =
    g_param_spec_uint ("interval-minutes", NULL, NULL, 0, 24 * 60, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KsSyncEngine::changed:
   *
   * Record counts may have changed: a batch was answered, or a run ended.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  curl_global_init (CURL_GLOBAL_DEFAULT);
}

static void
ks_sync_engine_init (KsSyncEngine *self)
{
  self->batch_size = 50;
  self->lanes = DEFAULT_LANES;
  self->timeout_ms = DEFAULT_TIMEOUT_MS;
  self->backoff_base_ms = 1000;
  self->backoff_max_ms = 60000;
  self->max_attempts = 4;
  self->owner_context = g_main_context_ref_thread_default ();
  self->worker_context = g_main_context_new ();
  self->worker_loop = g_main_loop_new (self->worker_context, FALSE);
  self->thread = g_thread_new ("ks-sync", worker_main, self);
}

/* Public API *************************************************************************/

/**
 * ks_sync_engine_new:
 *
 * Made on the thread whose main context receives every result and notification.
 */
KsSyncEngine *
ks_sync_engine_new (KsStore       *store,
                    KsStationKeys *keys)
{
  KsSyncEngine *self;
  g_autofree char *last = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_STATION_KEYS (keys), NULL);

  self = g_object_new (KS_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->keys = g_object_ref (keys);
  last = ks_store_get_meta (store, "sync-last-success");
  if (last != NULL)
    self->last_success = g_ascii_strtoll (last, NULL, 10);
  return self;
}

void
ks_sync_engine_set_registry (KsSyncEngine *self,
                             const char   *url,
                             const char   *ca_file)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));

  if (g_strcmp0 (self->url, url) != 0)
    {
      g_free (self->url);
      self->url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRY_URL]);
    }
  if (g_strcmp0 (self->ca_file, ca_file) != 0)
    {
      g_free (self->ca_file);
      self->ca_file = g_strdup (ca_file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
    }
}

void
ks_sync_engine_set_batch_size (KsSyncEngine *self,
                               guint         batch_size)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));

  batch_size = CLAMP (batch_size, 1, 500);
  if (self->batch_size == batch_size)
    return;
  self->batch_size = batch_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_SIZE]);
}

/**
 * ks_sync_engine_set_interval:
 * @minutes: run automatically this often; 0 for never
 */
void
ks_sync_engine_set_interval (KsSyncEngine *self,
                             guint         minutes)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));

  if (self->interval_minutes == minutes)
    return;
  self->interval_minutes = minutes;
  restart_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL_MINUTES]);
}

void
ks_sync_engine_set_timeout (KsSyncEngine *self,
                            guint         timeout_ms)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  self->timeout_ms = MAX (timeout_ms, 100);
}

/* Batches in flight at once (1 sends them one after another). */
void
ks_sync_engine_set_lanes (KsSyncEngine *self,
                          guint         lanes)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  self->lanes = CLAMP (lanes, 1, MAX_LANES);
}

void
ks_sync_engine_set_backoff (KsSyncEngine *self,
                            guint         base_ms,
                            guint         max_ms,
                            guint         max_attempts)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  self->backoff_base_ms = MAX (base_ms, 1);
  self->backoff_max_ms = MAX (max_ms, base_ms);
  self->max_attempts = MAX (max_attempts, 1);
}

void
ks_sync_engine_set_biometrics_func (KsSyncEngine        *self,
                                    KsSyncBiometricsFunc func,
                                    gpointer             user_data,
                                    GDestroyNotify       destroy)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  g_return_if_fail (!self->running);

  if (self->bio_destroy != NULL)
    self->bio_destroy (self->bio_data);
  self->bio_func = func;
  self->bio_data = user_data;
  self->bio_destroy = destroy;
}

/**
 * ks_sync_engine_provision_async:
 * @code: the one-time code from the registry's administrator
 *
 * Registers this station's key with the registry: the registry certifies it (its
 * certificate replaces the development one) and hands out the access token.
 */
void
ks_sync_engine_provision_async (KsSyncEngine       *self,
                                const char         *code,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
  Job *job;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  g_return_if_fail (code != NULL);

  trimmed = g_strstrip (g_strdup (code));
  job = job_new (self, cancellable, callback, user_data, ks_sync_engine_provision_async);
  job->code = g_steal_pointer (&trimmed);
  g_main_context_invoke (self->worker_context, worker_do_job, job);
}

gboolean
ks_sync_engine_provision_finish (KsSyncEngine *self,
                                 GAsyncResult *result,
                                 GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ks_sync_engine_is_provisioned (KsSyncEngine *self)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), FALSE);
  token = ks_store_get_meta (self->store, "registry-token");
  return token != NULL && *token != '\0';
}

/**
 * ks_sync_engine_run_async:
 *
 * One sync run: check the clock against the registry, queue reviewed records, settle what an
 * earlier run left unanswered, send the rest in batches, then wait briefly for verdicts the
 * registry gives later. Transient failures (no network, 5xx, 429, timeouts, cut connections,
 * damaged answers) are retried with backoff; what still fails ends the run with an error whose
 * message says which it was, and the next run picks up where this one stopped.
 */
void
ks_sync_engine_run_async (KsSyncEngine       *self,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  Job *job;

  g_return_if_fail (KS_IS_SYNC_ENGINE (self));

  if (self->running)
    {
      g_task_report_new_error (self, callback, user_data, ks_sync_engine_run_async,
                               KS_SYNC_ERROR, KS_SYNC_ERROR_BUSY,
                               _("A sync is already running. Wait for it to finish."));
      return;
    }
  job = job_new (self, cancellable, callback, user_data, ks_sync_engine_run_async);
  self->running = TRUE;
  self->progress = 0.0;
  g_set_object (&self->run_cancellable, job->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  g_main_context_invoke (self->worker_context, worker_do_job, job);
}

gboolean
ks_sync_engine_run_finish (KsSyncEngine *self,
                           GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ks_sync_engine_cancel (KsSyncEngine *self)
{
  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

gboolean
ks_sync_engine_get_counts (KsSyncEngine *self,
                           KsSyncCounts *counts,
                           GError      **error)
{
  KsStore *store;

  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  store = self->store;
  counts->pending = count_sql (store, "SELECT count(*) FROM records WHERE state IN ('approved', "
                               "'rejected')", 0)
                    + count_sql (store, "SELECT count(*) FROM sync_outbox o JOIN records r ON "
                                 "r.id = o.record_id WHERE o.state IN ('pending', "
                                 "'failed') AND r.state = 'queued'", 0)
                    + count_sql (store, "SELECT count(*) FROM records r WHERE state = 'queued' "
                                 "AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE "
                                 "o.record_id = r.id)", 0);
  counts->in_flight = count_sql (store, "SELECT count(*) FROM sync_outbox WHERE state IN "
                                 "('sent', 'processing')", 0);
  counts->acknowledged = count_sql (store, "SELECT count(*) FROM records WHERE state = "
                                    "'synced'", 0);
  counts->failed = count_sql (store, "SELECT count(*) FROM records WHERE state = "
                              "'sync-failed'", 0);
  return TRUE;
}

/**
 * ks_sync_engine_list_failed:
 *
 * Returns: (transfer full) (element-type KsSyncFailure): records the registry refused,
 *   oldest first, with its reason in the operator's words
 */
GPtrArray *
ks_sync_engine_list_failed (KsSyncEngine *self,
                            GError      **error)
{
  g_autoptr(GPtrArray) out = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_sync_failure_free);
  _ks_store_lock (self->store);
  stmt = _ks_store_prepare (self->store,
                            "SELECT kp_id, full_name, sync_error FROM records WHERE state = "
                            "'sync-failed' ORDER BY submitted_at, id",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (self->store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      KsSyncFailure *f = g_new0 (KsSyncFailure, 1);
      f->kp_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      f->full_name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      f->message = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      g_ptr_array_add (out, f);
    }
  if (rc != SQLITE_DONE)
    _ks_store_set_error (self->store, rc, error);
  _ks_store_unlock (self->store);
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

/* The record back in the queue, in one transaction with its audit entry; no signal, so a
 * worker thread may call it. */
static gboolean
requeue_record (KsSyncEngine *self,
                KsSession    *session,
                const char   *kp_id,
                GError      **error)
{
  g_autoptr(KsRecordInfo) info = NULL;

  if (!ks_store_begin (self->store, error))
    return FALSE;
  info = ks_records_get_info (self->store, kp_id, error);
  if (info == NULL
      || !ks_records_set_state (self->store, session, kp_id, KS_RECORD_STATE_QUEUED, NULL, NULL,
                                error)
      || !exec_sql (self->store, "UPDATE sync_outbox SET state = 'pending', error = NULL WHERE "
                    "record_id = ?", info->id, error))
    {
      ks_store_rollback (self->store);
      return FALSE;
    }
  return ks_store_commit (self->store, error);
}

/**
 * ks_sync_engine_retry:
 *
 * Queues a record the registry refused, to be sent with the next run. Blocking (a store
 * transaction): the UI calls ks_sync_engine_retry_async().
 */
gboolean
ks_sync_engine_retry (KsSyncEngine *self,
                      KsSession    *session,
                      const char   *kp_id,
                      GError      **error)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), FALSE);
  g_return_val_if_fail (kp_id != NULL, FALSE);

  /* Who may send records again is decided in core, like every other state change. */
  if (session != NULL && !ks_session_require (session, KS_PERMISSION_SYNC, error))
    return FALSE;
  if (!requeue_record (self, session, kp_id, error))
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/**
 * ks_sync_engine_load_trust_list:
 *
 * Returns: (transfer full): the registry's trust list as of the last successful run: its
 *   roots, every station certificate and the revocations, for verifying cards
 */
KsTrustList *
ks_sync_engine_load_trust_list (KsSyncEngine *self,
                                GError      **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), NULL);

  json = ks_store_get_meta (self->store, "registry-trust-list");
  if (json == NULL)
    {
      g_set_error (error, KS_SYNC_ERROR, KS_SYNC_ERROR_NOT_PROVISIONED,
                   _("No trust list from the registry yet. It comes with the first successful "
                     "sync."));
      return NULL;
    }
  return ks_trust_list_new_from_data (json, -1, error);
}

gboolean
ks_sync_engine_get_running (KsSyncEngine *self)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), FALSE);
  return self->running;
}

double
ks_sync_engine_get_progress (KsSyncEngine *self)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), 0.0);
  return self->progress;
}

KsSyncConnectivity
ks_sync_engine_get_connectivity (KsSyncEngine *self)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), KS_SYNC_CONNECTIVITY_UNKNOWN);
  return self->connectivity;
}

gint64
ks_sync_engine_get_last_success (KsSyncEngine *self)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), 0);
  return self->last_success;
}

const char *
ks_sync_engine_get_last_error (KsSyncEngine *self)
{
  g_return_val_if_fail (KS_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

void
ks_sync_status_free (KsSyncStatus *status)
{
  if (status == NULL)
    return;
  g_clear_pointer (&status->failed, g_ptr_array_unref);
  g_free (status);
}

static void
load_status_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KsSyncEngine *self = source_object;
  g_autoptr(KsSyncStatus) status = g_new0 (KsSyncStatus, 1);
  GError *error = NULL;

  if (!ks_sync_engine_get_counts (self, &status->counts, &error) ||
      (status->failed = ks_sync_engine_list_failed (self, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  status->provisioned = ks_sync_engine_is_provisioned (self);
  g_task_return_pointer (task, g_steal_pointer (&status), (GDestroyNotify)ks_sync_status_free);
}

/**
 * ks_sync_engine_load_status_async:
 *
 * The counts, the refused records and whether the station is provisioned, read from the store
 * in a worker thread: a store busy with a long transaction never holds up the caller.
 */
void
ks_sync_engine_load_status_async (KsSyncEngine       *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_sync_engine_load_status_async);
  g_task_run_in_thread (task, load_status_thread);
}

/**
 * ks_sync_engine_load_status_finish:
 *
 * Returns: (transfer full): the status, or %NULL with @error set
 */
KsSyncStatus *
ks_sync_engine_load_status_finish (KsSyncEngine *self,
                                   GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  KsSession *session;
  char *kp_id;
} RetryData;

static void
retry_data_free (RetryData *data)
{
  g_clear_object (&data->session);
  g_free (data->kp_id);
  g_free (data);
}

static gboolean
emit_changed (gpointer data)
{
  g_signal_emit (data, signals[CHANGED], 0);
  return G_SOURCE_REMOVE;
}

static void
retry_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsSyncEngine *self = source_object;
  RetryData *data = task_data;
  GError *error = NULL;

  /* ks_sync_engine_retry() emits "changed" itself; from here it goes to the owner's context. */
  if ((data->session != NULL && !ks_session_require (data->session, KS_PERMISSION_SYNC, &error)) ||
      !requeue_record (self, data->session, data->kp_id, &error))
    g_task_return_error (task, error);
  else
    {
      g_main_context_invoke_full (self->owner_context, G_PRIORITY_DEFAULT, emit_changed,
                                  g_object_ref (self), g_object_unref);
      g_task_return_boolean (task, TRUE);
    }
}

/**
 * ks_sync_engine_retry_async:
 * @session: (nullable): who asks, as for ks_sync_engine_retry()
 *
 * ks_sync_engine_retry() in a worker thread.
 */
void
ks_sync_engine_retry_async (KsSyncEngine       *self,
                            KsSession          *session,
                            const char         *kp_id,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  RetryData *data;

  g_return_if_fail (KS_IS_SYNC_ENGINE (self));
  g_return_if_fail (!session || KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_sync_engine_retry_async);
  data = g_new0 (RetryData, 1);
  data->session = session ? g_object_ref (session) : NULL;
  data->kp_id = g_strdup (kp_id);
  g_task_set_task_data (task, data, (GDestroyNotify)retry_data_free);
  g_task_run_in_thread (task, retry_thread);
}

gboolean
ks_sync_engine_retry_finish (KsSyncEngine *self,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
