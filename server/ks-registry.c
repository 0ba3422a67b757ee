/* ks-registry.c: khyber-registry, the reference Khyber Pass registry
 *
 * Implements docs/registry-protocol.md over HTTPS with libsoup: provisioning with one-time
 * codes, signed uploads deduplicated by Khyber Pass ID and CNIC, status polling, the trust
 * list and the server time. It is what the station's sync engine is tested against, faults
 * included (--test-faults); a production registry would put its own storage behind
 * KsRegistryStore and its ABIS behind the "processing" verdict.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sodium.h>

#include "ks-registry-config.h"
#include "ks-registry-commit.h"
#include "ks-registry-guard.h"
#include "ks-registry-store.h"
#include "ks-sync-protocol.h"
#include "ks-trust.h"

/* Records a batch or a status query may name: bounds the work one request can ask for. */
#define MAX_RECORDS_PER_REQUEST 500
/* Bodies once inflated: a batch of 500 records with their sealed fingers stays well under
 * MAX_BODY_BYTES; provisioning, a status query (500 IDs) and the test faults need little. A
 * body may arrive compressed to at most MAX_WIRE_BODY_MB (ks-registry-guard.c), and all
 * bodies being received at once are held to MAX_BODIES_MB (both options). */
#define MAX_BODY_BYTES (64 * 1024 * 1024)
#define MAX_SMALL_BODY_BYTES (64 * 1024)
#define MAX_WIRE_BODY_MB 64
#define MAX_BODIES_MB 256
/* Structural characters of one JSON body: 500 records take about 15,000. It bounds the nodes
 * json-glib builds, which cost tens of bytes each (see ks_json_bounded). */
#define MAX_JSON_TOKENS 200000
#define CERT_VALIDITY_SECONDS ((gint64)5 * 366 * 24 * 3600)

typedef enum
{
  FAULT_NONE,
  FAULT_HTTP_500,
  FAULT_HTTP_503,
  FAULT_HTTP_429,
  FAULT_RESET,
  FAULT_SLOW,
  FAULT_TRUNCATE,
  FAULT_MALFORMED,
  FAULT_EXIT_MID_BATCH,
  FAULT_DEFER,
} Fault;

static const char *const fault_names[] = {
  [FAULT_NONE] = "none",
  [FAULT_HTTP_500] = "http-500",
  [FAULT_HTTP_503] = "http-503",
  [FAULT_HTTP_429] = "http-429",
  [FAULT_RESET] = "reset",
  [FAULT_SLOW] = "slow",
  [FAULT_TRUNCATE] = "truncate",
  [FAULT_MALFORMED] = "malformed",
  [FAULT_EXIT_MID_BATCH] = "exit-mid-batch",
  [FAULT_DEFER] = "defer",
};

typedef struct
{
  KsRegistryStore *store;
  KsRegistryCommit *commit;
  GThreadPool *workers;     /* examine batches off the main thread (ks-registry.c, Work) */
  char *key_file;
  KsTrustList *trust;
  char *root_id;
  guint8 root_sk[crypto_sign_SECRETKEYBYTES];
  guint8 box_pk[crypto_box_PUBLICKEYBYTES];
  guint8 box_sk[crypto_box_SECRETKEYBYTES];
  char *registry_id;

  gboolean test_faults;
  Fault fault;
  guint fault_count;
  guint delay_ms;
} Registry;

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Answers *******************************************************************************/

static void
set_json (SoupServerMessage *msg,
          guint              status,
          JsonBuilder       *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  gsize len;
  char *data;

  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

static void
answer_error (SoupServerMessage *msg,
              guint              status,
              const char        *code,
              const char        *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now_seconds ());
  json_builder_end_object (b);
  set_json (msg, status, b);
  if (status == 429 || status == 503)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", "1");
}

/* Keys and trust list *******************************************************************/

static gboolean
hex_key (GKeyFile   *kf,
         const char *name,
         guint8     *out,
         gsize       len)
{
  g_autofree char *hex = g_key_file_get_string (kf, "registry", name, NULL);
  gsize got = 0;
  gboolean ok;

  if (hex == NULL)
    return FALSE;
  ok = sodium_hex2bin (out, len, hex, strlen (hex), NULL, &got, NULL) == 0 && got == len;
  sodium_memzero (hex, strlen (hex));
  return ok;
}

/* Before the key file existed the keys lived in the database, in the secrets table: they are
 * moved (or made, for a new registry) into the key file, and only then deleted from it. */
static gboolean
load_legacy_key (Registry   *reg,
                 const char *name,
                 guint8     *out,
                 gsize       len)
{
  g_autofree char *hex = reg->store->vtable->get_secret (reg->store, name);
  gsize got = 0;
  gboolean ok;

  if (hex == NULL)
    return FALSE;
  ok = sodium_hex2bin (out, len, hex, strlen (hex), NULL, &got, NULL) == 0 && got == len;
  sodium_memzero (hex, strlen (hex));
  return ok;
}

static gboolean
write_key_file (Registry *reg,
                GError  **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  char root_hex[sizeof reg->root_sk * 2 + 1];
  char box_hex[sizeof reg->box_sk * 2 + 1];
  g_autofree char *data = NULL;
  gsize len = 0;
  gboolean ok;

  sodium_bin2hex (root_hex, sizeof root_hex, reg->root_sk, sizeof reg->root_sk);
  sodium_bin2hex (box_hex, sizeof box_hex, reg->box_sk, sizeof reg->box_sk);
  g_key_file_set_comment (kf, NULL, NULL, " khyber-registry secret keys: keep this file 0600 "
                          "and backed up apart from the database", NULL);
  g_key_file_set_string (kf, "registry", "root-secret-key", root_hex);
  g_key_file_set_string (kf, "registry", "box-secret-key", box_hex);
  data = g_key_file_to_data (kf, &len, NULL);
  /* Mode 0600 from the first byte: the box key opens every citizen's fingers. */
  ok = g_file_set_contents_full (reg->key_file, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error);
  sodium_memzero (root_hex, sizeof root_hex);
  sodium_memzero (box_hex, sizeof box_hex);
  sodium_memzero (data, len);
  return ok;
}

static gboolean
registry_read_key_file (Registry *reg,
                        GError  **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;

  if (!g_key_file_load_from_file (kf, reg->key_file, G_KEY_FILE_NONE, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "cannot read the key file %s: ", reg->key_file);
          return FALSE;
        }
      /* No key file yet: move the keys out of the database, or make new ones. */
      if (!load_legacy_key (reg, "root-secret-key", reg->root_sk, sizeof reg->root_sk))
        {
          guint8 root_pk[crypto_sign_PUBLICKEYBYTES];
          crypto_sign_keypair (root_pk, reg->root_sk);
        }
      if (!load_legacy_key (reg, "box-secret-key", reg->box_sk, sizeof reg->box_sk))
        crypto_box_keypair (reg->box_pk, reg->box_sk);
      return write_key_file (reg, error)
             && reg->store->vtable->set_secret (reg->store, "root-secret-key", NULL, error)
             && reg->store->vtable->set_secret (reg->store, "box-secret-key", NULL, error);
    }
  if (!hex_key (kf, "root-secret-key", reg->root_sk, sizeof reg->root_sk)
      || !hex_key (kf, "box-secret-key", reg->box_sk, sizeof reg->box_sk))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "the key file %s is damaged: "
                   "restore it from its backup", reg->key_file);
      return FALSE;
    }
  /* A key file someone made readable to others is put back to 0600, and said so. */
  if (g_stat (reg->key_file, &st) == 0 && (st.st_mode & 077) != 0)
    {
      g_printerr ("khyber-registry: %s was readable by other users; set back to 0600\n",
                  reg->key_file);
      if (g_chmod (reg->key_file, 0600) != 0)
        {
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                       "cannot make %s private: %s", reg->key_file, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
registry_load_keys (Registry *reg,
                    GError  **error)
{
  guint8 root_pk[crypto_sign_PUBLICKEYBYTES];
  g_autofree char *trust_json = NULL;
  g_autofree char *pk_hash = NULL;

  if (!registry_read_key_file (reg, error))
    return FALSE;
  crypto_scalarmult_base (reg->box_pk, reg->box_sk);
  crypto_sign_ed25519_sk_to_pk (root_pk, reg->root_sk);
  pk_hash = ks_sync_sha256_hex (root_pk, sizeof root_pk);
  pk_hash[16] = '\0';
  reg->root_id = g_strconcat ("kp-registry-root-", pk_hash, NULL);
  reg->registry_id = g_strconcat ("kp-registry-", pk_hash, NULL);

  trust_json = reg->store->vtable->get_secret (reg->store, "trust-list");
  if (trust_json != NULL)
    reg->trust = ks_trust_list_new_from_data (trust_json, -1, error);
  else
    {
      reg->trust = ks_trust_list_new ();
      ks_trust_list_add_root (reg->trust, reg->root_id, root_pk, FALSE);
    }
  return reg->trust != NULL;
}

/* Station authentication ****************************************************************/

/* Why a request is refused, as an HTTP answer: found on any thread, answered on the main one. */
typedef struct
{
  guint status;
  const char *code;
  const char *message;
} Refusal;

/* The body, inflated when gzip; %NULL, with @refusal set, when it is damaged (400), inflates
 * past @max_len (a gzip bomb: 413) or is in another encoding (415). Any thread. */
static GBytes *
inflate_body (const char *encoding,
              GBytes     *raw,
              gsize       max_len,
              Refusal    *refusal)
{
  gboolean too_large = FALSE;
  GBytes *body;

  if (encoding != NULL && g_ascii_strcasecmp (encoding, "gzip") == 0)
    {
      body = ks_sync_gunzip (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), max_len,
                             &too_large);
      if (body == NULL && too_large)
        *refusal = (Refusal) { 413, "too-large", "The request body inflates past what the "
                               "registry accepts." }
      ;
      else if (body == NULL)
        *refusal = (Refusal) { 400, "bad-request", "The gzip body is damaged." }
      ;
      return body;
    }
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      *refusal = (Refusal) { 415, "unsupported-media-type", "Bodies are sent as JSON, plain or "
                             "with Content-Encoding: gzip." };
      return NULL;
    }
  if (g_bytes_get_size (raw) > max_len)
    {
      *refusal = (Refusal) { 413, "too-large", "The request body is larger than the registry "
                             "accepts." };
      return NULL;
    }
  return g_bytes_ref (raw);
}

/* Any thread. */
static gboolean
verify_signature (const char *method,
                  const char *path,
                  const char *protocol,
                  const char *timestamp,
                  const char *signature,
                  const char *public_key_hex,
                  GBytes     *body,
                  Refusal    *refusal)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
  gsize got = 0;
  gint64 when = timestamp ? g_ascii_strtoll (timestamp, NULL, 10) : 0;
  guint version = ks_sync_protocol_from_header (protocol);

  if (version == 0)
    {
      *refusal = (Refusal) { 400, "bad-request", "The registry speaks protocol versions 1 and "
                             "2 (KP-Protocol header)." };
      return FALSE;
    }

  if (ABS (when - now_seconds ()) > KS_SYNC_MAX_SKEW_SECONDS)
    {
      *refusal = (Refusal) { 401, "clock-skew", "The station's clock differs from the "
                             "registry's by more than 5 minutes." };
      return FALSE;
    }
  if (public_key_hex == NULL
      || sodium_hex2bin (pk, sizeof pk, public_key_hex, strlen (public_key_hex), NULL, &got,
                         NULL) != 0
      || got != sizeof pk
      || !ks_sync_verify_request (version, pk, method, path, timestamp,
                                  g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                  signature))
    {
      *refusal = (Refusal) { 401, "bad-signature", "The request's signature does not verify "
                             "against the station's registered key." };
      return FALSE;
    }
  return TRUE;
}

/* The body, inflated: answers the request and returns %NULL when it is refused. */
static GBytes *
request_body (SoupServerMessage *msg,
              gsize              max_len)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  Refusal refusal = { 0 };
  GBytes *body = inflate_body (soup_message_headers_get_one (headers, "Content-Encoding"), raw,
                               max_len, &refusal);

  if (body == NULL)
    answer_error (msg, refusal.status, refusal.code, refusal.message);
  return body;
}

static gboolean
check_signature (SoupServerMessage *msg,
                 const char        *path,
                 const char        *public_key_hex,
                 GBytes            *body)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Refusal refusal = { 0 };

  if (!verify_signature (soup_server_message_get_method (msg), path,
                         soup_message_headers_get_one (headers, KS_SYNC_HEADER_PROTOCOL),
                         soup_message_headers_get_one (headers, KS_SYNC_HEADER_TIMESTAMP),
                         soup_message_headers_get_one (headers, KS_SYNC_HEADER_SIGNATURE),
                         public_key_hex, body, &refusal))
    {
      answer_error (msg, refusal.status, refusal.code, refusal.message);
      return FALSE;
    }
  return TRUE;
}

/* The station named by the request's key ID, when its access token matches: checked from
 * the headers alone, before the body is inflated or parsed. */
static KsRegistryStation *
authenticate (Registry          *reg,
              SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *kid = soup_message_headers_get_one (headers, KS_SYNC_HEADER_KEY_ID);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(KsRegistryStation) station = NULL;
  g_autofree char *token_hash = NULL;

  if (kid != NULL)
    station = reg->store->vtable->get_station (reg->store, kid);
  if (station != NULL && auth != NULL && g_str_has_prefix (auth, "Bearer "))
    token_hash = ks_sync_sha256_hex ((const guint8 *)auth + 7, strlen (auth + 7));
  if (station == NULL || station->revoked || ks_trust_list_is_revoked (reg->trust, kid)
      || token_hash == NULL || sodium_memcmp (token_hash, station->token_hash, 64) != 0)
    {
      answer_error (msg, 401, "unauthorized", "This station is not registered with the "
                    "registry, was revoked, or sent a wrong access token.");
      return NULL;
    }
  return g_steal_pointer (&station);
}

/* json-glib recurses per nesting level without a limit: the bytes are checked first. */
static JsonObject *
parse_object (GBytes *body)
{
  if (body == NULL)
    return NULL;
  return ks_sync_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                               MAX_JSON_TOKENS);
}

static const char *
string_member (JsonObject *o,
               const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* /v1/time and /v1/trust-list ***********************************************************/

static void
handle_time (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Registry *reg = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  char hex[sizeof reg->box_pk * 2 + 1];

  sodium_bin2hex (hex, sizeof hex, reg->box_pk, sizeof reg->box_pk);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now_seconds ());
  json_builder_set_member_name (b, "registry_id");
  json_builder_add_string_value (b, reg->registry_id);
  json_builder_set_member_name (b, "box_public_key");
  json_builder_add_string_value (b, hex);
  json_builder_end_object (b);
  set_json (msg, 200, b);
}

static void
handle_trust_list (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Registry *reg = user_data;
  char *json = ks_trust_list_to_json (reg->trust);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json,
                                    strlen (json));
}

/* /v1/stations/provision ****************************************************************/

static void
handle_provision (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  Registry *reg = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) req = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationCert) cert = NULL;
  g_autoptr(GBytes) pk_bytes = NULL;
  g_autofree char *token = NULL;
  g_autofree char *trust_json = NULL;
  guint8 pk[crypto_sign_PUBLICKEYBYTES];
  guint8 token_raw[32];
  char box_hex[sizeof reg->box_pk * 2 + 1];
  const char *code, *kid, *station_code, *pk_hex;
  KsRegistryStation station = { 0 };
  gsize got = 0;
  JsonNode *trust_node;

  /* Unauthenticated: the request itself carries the key that proves it, so it is parsed, but
   * small and shallow. */
  if (!(body = request_body (msg, MAX_SMALL_BODY_BYTES)))
    return;
  req = parse_object (body);
  code = req ? string_member (req, "code") : NULL;
  kid = req ? string_member (req, "kid") : NULL;
  station_code = req ? string_member (req, "station_code") : NULL;
  pk_hex = req ? string_member (req, "public_key") : NULL;
  if (code == NULL || kid == NULL || station_code == NULL || pk_hex == NULL
      || sodium_hex2bin (pk, sizeof pk, pk_hex, strlen (pk_hex), NULL, &got, NULL) != 0
      || got != sizeof pk)
    {
      answer_error (msg, 400, "bad-request", "A provisioning request needs code, kid, "
                    "station_code and a hex public_key.");
      return;
    }
  /* Proof of possession: the key being registered signed this very request. */
  if (g_strcmp0 (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                               KS_SYNC_HEADER_KEY_ID), kid) != 0
      || !check_signature (msg, path, pk_hex, body))
    {
      if (soup_server_message_get_status (msg) == 0)
        answer_error (msg, 401, "bad-signature", "The request is not signed by the key it "
                      "registers.");
      return;
    }

  {
    g_autoptr(KsRegistryStation) known = reg->store->vtable->get_station (reg->store, kid);

    if ((known != NULL && known->revoked) || ks_trust_list_is_revoked (reg->trust, kid))
      {
        answer_error (msg, 403, "provision-code-invalid", "This station key was revoked.");
        return;
      }
  }
  ks_registry_commit_flush (reg->commit);
  if (!reg->store->vtable->begin (reg->store, &error))
    goto fail;
  if (!reg->store->vtable->claim_code (reg->store, code, kid, &error))
    {
      reg->store->vtable->rollback (reg->store);
      answer_error (msg, 403, "provision-code-invalid", error->message);
      return;
    }

  randombytes_buf (token_raw, sizeof token_raw);
  token = g_malloc (sizeof token_raw * 2 + 1);
  sodium_bin2hex (token, sizeof token_raw * 2 + 1, token_raw, sizeof token_raw);
  station.kid = (char *)kid;
  station.station_code = (char *)station_code;
  station.public_key_hex = (char *)pk_hex;
  station.token_hash = ks_sync_sha256_hex ((const guint8 *)token, strlen (token));

  pk_bytes = g_bytes_new (pk, sizeof pk);
  cert = ks_station_cert_new_signed (kid, station_code, KS_COSE_ALG_EDDSA, pk_bytes,
                                     now_seconds () - 24 * 3600,
                                     now_seconds () + CERT_VALIDITY_SECONDS, reg->root_id,
                                     reg->root_sk);
  ks_trust_list_add_certificate (reg->trust, cert);
  trust_json = ks_trust_list_to_json (reg->trust);
  if (!reg->store->vtable->put_station (reg->store, &station, &error)
      || !reg->store->vtable->set_secret (reg->store, "trust-list", trust_json, &error)
      || !reg->store->vtable->commit (reg->store, &error))
    {
      g_free (station.token_hash);
      reg->store->vtable->rollback (reg->store);
      goto fail;
    }
  g_free (station.token_hash);

  sodium_bin2hex (box_hex, sizeof box_hex, reg->box_pk, sizeof reg->box_pk);
  trust_node = json_from_string (trust_json, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "station_id");
  json_builder_add_string_value (b, kid);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "registry_id");
  json_builder_add_string_value (b, reg->registry_id);
  json_builder_set_member_name (b, "box_public_key");
  json_builder_add_string_value (b, box_hex);
  json_builder_set_member_name (b, "trust_list");
  json_builder_add_value (b, trust_node);
  json_builder_end_object (b);
  set_json (msg, 200, b);
  sodium_memzero (token, strlen (token));
  return;

fail:
  g_printerr ("khyber-registry: %s\n", error->message);
  answer_error (msg, 500, "internal", "The registry could not store the station.");
}

/* Faults ********************************************************************************/

static Fault
take_fault (Registry *reg)
{
  Fault fault = reg->fault;

  if (fault == FAULT_NONE)
    return FAULT_NONE;
  if (reg->fault_count > 0 && --reg->fault_count == 0)
    reg->fault = FAULT_NONE;
  return fault;
}

static GSocket *
connection_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_TLS_CONNECTION (stream))
    {
      g_object_get (stream, "base-io-stream", &base, NULL);
      stream = base;
    }
  return G_IS_SOCKET_CONNECTION (stream)
         ? g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)) : NULL;
}

/* A TCP reset, not a polite close: what a crashed proxy or a dropped mobile link looks like. */
static void
reset_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  GSocket *socket = connection_socket (stream);

  if (socket != NULL)
    {
      struct linger lin = { 1, 0 };
      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
      g_socket_close (socket, NULL);
    }
  g_io_stream_close (stream, NULL, NULL);
}

/* Headers promise more than the body holds, then the connection closes. */
static void
truncate_answer (SoupServerMessage *msg,
                 const char        *json)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);
  gsize half = strlen (json) / 2;
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: application/json"
                                           "\r\nContent-Length: %zu\r\n\r\n", strlen (json));
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, json, half, NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
resume_message (gpointer data)
{
  soup_server_message_unpause (data);
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static gboolean
resolve_processing (gpointer data)
{
  Registry *reg = data;

  ks_registry_commit_flush (reg->commit);
  reg->store->vtable->resolve_processing (reg->store);
  return G_SOURCE_REMOVE;
}

static void
handle_faults (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Registry *reg = user_data;
  g_autoptr(GBytes) body = request_body (msg, MAX_SMALL_BODY_BYTES);
  g_autoptr(JsonObject) req = parse_object (body);
  const char *mode = req ? string_member (req, "mode") : NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (body == NULL)
    return;

  for (guint i = 0; mode && i < G_N_ELEMENTS (fault_names); i++)
    if (g_strcmp0 (mode, fault_names[i]) == 0)
      {
        reg->fault = i;
        reg->fault_count = json_object_get_int_member_with_default (req, "count", 1);
        reg->delay_ms = json_object_get_int_member_with_default (req, "delay_ms", 3000);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "mode");
        json_builder_add_string_value (b, mode);
        json_builder_end_object (b);
        set_json (msg, 200, b);
        return;
      }
  answer_error (msg, 400, "bad-request", "Unknown fault mode.");
}

/* Records *******************************************************************************/

static void
add_verdict (JsonBuilder             *b,
             const char              *kp_id,
             const KsRegistryVerdict *v)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "kp_id");
  json_builder_add_string_value (b, kp_id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, v->status);
  if (v->duplicate_of != NULL)
    {
      json_builder_set_member_name (b, "duplicate_of");
      json_builder_add_string_value (b, v->duplicate_of);
    }
  if (g_strcmp0 (v->status, "duplicate") == 0)
    {
      json_builder_set_member_name (b, "same_record");
      json_builder_add_boolean_value (b, v->same_record);
    }
  if (v->reason != NULL)
    {
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, v->reason);
    }
  json_builder_end_object (b);
}

static void
set_verdict (KsRegistryVerdict *v,
             const char        *status,
             const char        *duplicate_of,
             const char        *reason)
{
  ks_registry_verdict_clear (v);
  v->status = g_strdup (status);
  v->duplicate_of = g_strdup (duplicate_of);
  v->reason = g_strdup (reason);
}

/* What a record says about itself, found without the store: run on a worker thread, where
 * the sealed fingers are opened and hashed (the costly part of a batch) for several batches
 * side by side while the main thread stores others. */
typedef struct
{
  KsRegistrySubmission sub;  /* strings borrowed from the batch's parsed body */
  GBytes *sealed;
  char *cnic;
  char *expected;            /* the content hash the record must carry */
  const char *refusal;       /* why it is refused whatever the store holds, or NULL */
} Exam;

static void
exam_clear (Exam *e)
{
  g_clear_pointer (&e->sealed, g_bytes_unref);
  g_clear_pointer (&e->cnic, g_free);
  g_clear_pointer (&e->expected, g_free);
}

/* @framed: (nullable): a version 2 batch's sealed bytes for this record (an empty slice for
 * none); %NULL for a JSON batch, whose records carry them in base64 (biometrics_sealed). */
static void
examine_record (Registry   *reg,
                guint       version,
                JsonObject *rec,
                GBytes     *framed,
                Exam       *e)
{
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GBytes) payload_bytes = NULL;
  g_autofree char *bio_hash = NULL;
  const char *sealed_b64;
  const char *payload_refusal = NULL;

  e->sub.kp_id = string_member (rec, "kp_id");
  e->sub.content_hash = string_member (rec, "content_hash");
  e->sub.decision = string_member (rec, "decision");
  e->sub.reason = string_member (rec, "reason");
  e->sub.decided_by = string_member (rec, "decided_by");
  e->sub.decided_at = json_object_get_int_member_with_default (rec, "decided_at", 0);
  e->sub.payload = string_member (rec, "payload");
  sealed_b64 = framed == NULL ? string_member (rec, "biometrics_sealed") : NULL;

  if (e->sub.payload != NULL)
    {
      payload_bytes = g_bytes_new_static (e->sub.payload, strlen (e->sub.payload));
      payload = parse_object (payload_bytes);
    }
  /* The station's own validators decide (ks_sync_payload_check): what a station accepts and
   * sends in the documented form passes here, and nothing else does. */
  if (payload != NULL)
    payload_refusal = ks_sync_payload_check (e->sub.payload, &e->cnic);
  e->sub.cnic = e->cnic;

  if (sealed_b64 != NULL)
    {
      gsize sealed_len = 0;
      guchar *raw = g_base64_decode (sealed_b64, &sealed_len);

      e->sealed = g_bytes_new_take (raw, sealed_len);
    }
  else if (framed != NULL && g_bytes_get_size (framed) > 0)
    e->sealed = g_bytes_ref (framed);
  if (e->sealed != NULL && g_bytes_get_size (e->sealed) > crypto_box_SEALBYTES)
    {
      /* Opened to check the content hash, which covers the plain blob: a blob that does not
       * open to what the station hashed is refused now, not found broken at the 1:N check. */
      gsize sealed_len;
      const guint8 *raw = g_bytes_get_data (e->sealed, &sealed_len);
      gsize plain_len = sealed_len - crypto_box_SEALBYTES;
      g_autofree guint8 *plain = g_malloc (plain_len);

      if (crypto_box_seal_open (plain, raw, sealed_len, reg->box_pk, reg->box_sk) == 0)
        bio_hash = ks_sync_digest_hex (version, plain, plain_len);
      sodium_memzero (plain, plain_len);
    }
  e->sub.biometrics_sealed = e->sealed;

  if (payload != NULL && e->sub.decision != NULL)
    e->expected = ks_sync_content_hash_full (version, e->sub.decision, e->sub.reason,
                                             e->sub.payload, bio_hash);

  if (payload == NULL || (g_strcmp0 (e->sub.decision, "approved") != 0
                          && g_strcmp0 (e->sub.decision, "rejected") != 0))
    e->refusal = "invalid-payload";
  else if (e->sealed != NULL && bio_hash == NULL)
    e->refusal = "biometrics-unreadable";
  else if (g_strcmp0 (e->expected, e->sub.content_hash) != 0)
    e->refusal = "content-hash-mismatch";
  else
    e->refusal = payload_refusal;
}

/* The verdict for one examined record; stores it when the ID is new. Main thread, inside the
 * group's transaction. */
static gboolean
judge_record (Registry          *reg,
              const char        *station_kid,
              const Exam        *e,
              gboolean           defer,
              KsRegistryVerdict *v,
              GError           **error)
{
  KsRegistrySubmission sub = e->sub;
  g_autofree char *other = NULL;

  sub.station_kid = station_kid;
  if (reg->store->vtable->lookup (reg->store, sub.kp_id, v)
      && !(g_strcmp0 (v->status, "rejected") == 0
           && g_strcmp0 (v->content_hash, sub.content_hash) != 0))
    {
      /* Seen before: the same record is a harmless retry; other contents under this ID is a
       * conflict a person must look at. Nothing is stored twice. A record this registry
       * refused was never stored as a citizen's: its station may send it again corrected
       * (another content hash), and it is judged afresh below, replacing the refusal. */
      if (g_strcmp0 (v->content_hash, sub.content_hash) != 0)
        set_verdict (v, "duplicate", sub.kp_id, "id-conflict");
      else if (g_strcmp0 (v->status, "accepted") == 0)
        {
          set_verdict (v, "duplicate", sub.kp_id, NULL);
          v->same_record = TRUE;
        }
      return TRUE;
    }

  if (e->refusal != NULL)
    set_verdict (v, "rejected", NULL, e->refusal);
  else if (g_strcmp0 (sub.decision, "approved") == 0
           && (other = reg->store->vtable->find_cnic (reg->store, sub.cnic)) != NULL)
    set_verdict (v, "duplicate", other, "cnic-enrolled");
  else
    set_verdict (v, defer ? "processing" : "accepted", NULL, NULL);

  /* A record missing its fields is kept as refused (invalid-payload above), not failed on. */
  if (sub.content_hash == NULL)
    sub.content_hash = "";
  if (sub.decision == NULL)
    sub.decision = "";
  if (sub.payload == NULL)
    sub.payload = "";
  return reg->store->vtable->insert (reg->store, &sub, v, error);
}

/* One batch or status query on its way: what the main thread copied from the request, then
 * what the worker found. */
typedef struct
{
  Registry *reg;
  SoupServerMessage *msg;
  gboolean paused;
  gboolean batch;
  char *path;
  KsRegistryStation *station;
  Fault fault;
  GBytes *raw;
  char *encoding;
  char *content_type;
  char *protocol;
  char *timestamp;
  char *signature;

  Refusal refusal;           /* status 0: none */
  JsonObject *req;
  JsonArray *records;        /* borrowed from @req */
  GArray *exams;             /* (element-type Exam) batches only */
} Work;

static void
work_free (Work *w)
{
  g_object_unref (w->msg);
  g_free (w->path);
  ks_registry_station_free (w->station);
  g_clear_pointer (&w->raw, g_bytes_unref);
  g_free (w->encoding);
  g_free (w->content_type);
  g_free (w->protocol);
  g_free (w->timestamp);
  g_free (w->signature);
  g_clear_pointer (&w->exams, g_array_unref);
  g_clear_pointer (&w->req, json_object_unref);
  g_free (w);
}

static void
refuse (Work       *w,
        guint       status,
        const char *code,
        const char *message)
{
  w->refusal.status = status;
  w->refusal.code = code;
  w->refusal.message = message;
}

/* A version 2 batch's sealed bytes, cut into one slice per record (biometrics_sealed_bytes,
 * in the order of the records), which must use them all. */
static GPtrArray *
split_biometrics (JsonArray *records,
                  GBytes    *body,
                  gsize      offset)
{
  g_autoptr(GPtrArray) slices = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  gsize total = g_bytes_get_size (body);

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *rec = json_array_get_object_element (records, i);
      JsonNode *node = json_object_get_member (rec, "biometrics_sealed_bytes");
      gint64 n;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_INT64
          || (n = json_node_get_int (node)) < 0 || (guint64)n > total - offset)
        return NULL;
      g_ptr_array_add (slices, g_bytes_new_from_bytes (body, offset, (gsize)n));
      offset += (gsize)n;
    }
  return offset == total ? g_steal_pointer (&slices) : NULL;
}

/* Inflate, check the signature, parse, examine each record: no store, any thread. Only a
 * signed body is parsed. */
static void
prepare_work (Work *w)
{
  g_autoptr(GBytes) body = inflate_body (w->encoding, w->raw,
                                         w->batch ? MAX_BODY_BYTES : MAX_SMALL_BODY_BYTES,
                                         &w->refusal);
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GPtrArray) slices = NULL;
  gboolean framed = w->content_type != NULL
                    && g_ascii_strcasecmp (w->content_type, KS_SYNC_BATCH_MEDIA_TYPE) == 0;
  gsize json_offset = 0, json_len = 0, bio_offset = 0;
  JsonNode *records_node;
  guint n;

  g_clear_pointer (&w->raw, g_bytes_unref);
  if (body == NULL
      || !verify_signature (SOUP_METHOD_POST, w->path, w->protocol, w->timestamp, w->signature,
                            w->station->public_key_hex, body, &w->refusal))
    return;

  if (framed && (!w->batch || !ks_sync_batch_unframe (body, &json_offset, &json_len,
                                                      &bio_offset)))
    {
      refuse (w, 400, "bad-request", "A framed batch starts with KP-BATCH-2, the length of "
              "its JSON and a line feed.");
      return;
    }
  json = framed ? g_bytes_new_from_bytes (body, json_offset, json_len) : g_bytes_ref (body);
  w->req = parse_object (json);
  records_node = w->req ? json_object_get_member (w->req, w->batch ? "records" : "kp_ids")
                        : NULL;
  if (records_node == NULL || !JSON_NODE_HOLDS_ARRAY (records_node))
    {
      refuse (w, 400, "bad-request", w->batch ? "A batch needs a records array."
                                              : "A status query needs a kp_ids array.");
      return;
    }
  w->records = json_node_get_array (records_node);
  n = json_array_get_length (w->records);
  if (n > MAX_RECORDS_PER_REQUEST)
    {
      refuse (w, 413, "too-large", "At most 500 records per request.");
      return;
    }
  if (!w->batch)
    return;

  /* All checked before anything is stored: refusing this request must not undo the others
   * that share its transaction. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (w->records, i);
      JsonObject *rec = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

      if (rec == NULL || string_member (rec, "kp_id") == NULL)
        {
          refuse (w, 400, "bad-request", "Each record needs a kp_id.");
          return;
        }
    }
  if (framed && (slices = split_biometrics (w->records, body, bio_offset)) == NULL)
    {
      refuse (w, 400, "bad-request", "The records' biometrics_sealed_bytes do not add up to "
              "the sealed bytes after the JSON.");
      return;
    }
  w->exams = g_array_sized_new (FALSE, TRUE, sizeof (Exam), n);
  g_array_set_clear_func (w->exams, (GDestroyNotify)exam_clear);
  g_array_set_size (w->exams, n);
  for (guint i = 0; i < n; i++)
    examine_record (w->reg, ks_sync_protocol_from_header (w->protocol),
                    json_array_get_object_element (w->records, i),
                    slices ? g_ptr_array_index (slices, i) : NULL,
                    &g_array_index (w->exams, Exam, i));
}

/* Back on the main thread: the store, then the answer (held until the group is durable). */
static void
finish_work (Work *w)
{
  Registry *reg = w->reg;
  SoupServerMessage *msg = w->msg;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  Fault fault = w->fault;
  guint n, stop_at;

  if (w->refusal.status != 0)
    {
      answer_error (msg, w->refusal.status, w->refusal.code, w->refusal.message);
      return;
    }
  switch (fault)
    {
    case FAULT_HTTP_500:
      answer_error (msg, 500, "internal", "Injected failure.");
      return;
    case FAULT_HTTP_503:
    case FAULT_HTTP_429:
      answer_error (msg, fault == FAULT_HTTP_503 ? 503 : 429, "busy", "Try again shortly.");
      return;
    case FAULT_RESET:
      reset_connection (msg);
      return;
    case FAULT_NONE:
    case FAULT_SLOW:
    case FAULT_TRUNCATE:
    case FAULT_MALFORMED:
    case FAULT_EXIT_MID_BATCH:
    case FAULT_DEFER:
    default:
      break;
    }

  n = json_array_get_length (w->records);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now_seconds ());
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);

  /* The request joins the group's transaction (ks-registry-commit.c), and its answer leaves
   * only once that is committed: an answer the station receives is durable. */
  if (!ks_registry_commit_join (reg->commit, &error))
    goto fail;
  stop_at = fault == FAULT_EXIT_MID_BATCH ? n / 2 : n;
  for (guint i = 0; i < n; i++)
    {
      g_auto(KsRegistryVerdict) v = { 0 };
      JsonNode *item = json_array_get_element (w->records, i);

      if (i == stop_at)
        {
          /* "Killed mid-batch": half the batch is stored, the station gets no answer. */
          reg->store->vtable->commit (reg->store, NULL);
          _exit (3);
        }
      if (w->batch)
        {
          const Exam *e = &g_array_index (w->exams, Exam, i);

          if (!judge_record (reg, w->station->kid, e, fault == FAULT_DEFER, &v, &error))
            {
              ks_registry_commit_abort (reg->commit);
              goto fail;
            }
          add_verdict (b, e->sub.kp_id, &v);
        }
      else
        {
          const char *kp_id = JSON_NODE_HOLDS_VALUE (item) ? json_node_get_string (item) : NULL;

          if (kp_id == NULL || !reg->store->vtable->lookup (reg->store, kp_id, &v))
            set_verdict (&v, "unknown", NULL, NULL);
          add_verdict (b, kp_id ? kp_id : "", &v);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (fault == FAULT_DEFER)
    g_timeout_add (300, resolve_processing, reg);

  if (fault == FAULT_TRUNCATE || fault == FAULT_MALFORMED)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      g_autofree char *json = NULL;

      /* Damaged on the way, after the registry stored it. */
      ks_registry_commit_flush (reg->commit);
      json_generator_set_root (gen, root);
      json = json_generator_to_data (gen, NULL);
      if (fault == FAULT_TRUNCATE)
        truncate_answer (msg, json);
      else
        {
          json[strlen (json) / 2] = '\0';
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                            strlen (json));
        }
      return;
    }
  if (fault == FAULT_SLOW)
    {
      ks_registry_commit_flush (reg->commit);
      set_json (msg, 200, b);
      if (!w->paused)
        soup_server_message_pause (msg);
      w->paused = FALSE;
      g_timeout_add (reg->delay_ms, resume_message, g_object_ref (msg));
      return;
    }
  {
    g_autoptr(JsonGenerator) gen = json_generator_new ();
    g_autoptr(JsonNode) root = json_builder_get_root (b);

    json_generator_set_root (gen, root);
    if (!w->paused)
      soup_server_message_pause (msg);
    w->paused = FALSE;
    ks_registry_commit_add (reg->commit, msg, json_generator_to_data (gen, NULL));
  }
  return;

fail:
  g_printerr ("khyber-registry: %s\n", error->message);
  answer_error (msg, 500, "internal", "The registry could not store the batch.");
}

static gboolean
work_done (gpointer data)
{
  Work *w = data;

  finish_work (w);
  if (w->paused)
    soup_server_message_unpause (w->msg);
  work_free (w);
  return G_SOURCE_REMOVE;
}

static void
work_thread (gpointer data,
             gpointer user_data)
{
  prepare_work (data);
  g_main_context_invoke (NULL, work_done, data);
}

static void
handle_batch (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Registry *reg = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(KsRegistryStation) station = NULL;
  Work *w;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      answer_error (msg, 405, "bad-request", "Use POST.");
      return;
    }
  /* Who sends it first, from the headers; the body only then. */
  if (!(station = authenticate (reg, msg)))
    return;

  w = g_new0 (Work, 1);
  w->reg = reg;
  w->msg = g_object_ref (msg);
  w->batch = g_str_equal (path, "/v1/records/batch");
  w->path = g_strdup (path);
  w->station = g_steal_pointer (&station);
  w->raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  w->encoding = g_strdup (soup_message_headers_get_one (headers, "Content-Encoding"));
  w->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  w->protocol = g_strdup (soup_message_headers_get_one (headers, KS_SYNC_HEADER_PROTOCOL));
  w->timestamp = g_strdup (soup_message_headers_get_one (headers, KS_SYNC_HEADER_TIMESTAMP));
  w->signature = g_strdup (soup_message_headers_get_one (headers, KS_SYNC_HEADER_SIGNATURE));
  w->fault = take_fault (reg);

  /* A fault that plays with the connection stays on this thread, as does everything when
   * there is no worker. */
  if (reg->workers != NULL
      && (w->fault == FAULT_NONE || w->fault == FAULT_DEFER || w->fault == FAULT_SLOW))
    {
      w->paused = TRUE;
      soup_server_message_pause (msg);
      g_thread_pool_push (reg->workers, w, NULL);
      return;
    }
  prepare_work (w);
  work_done (w);
}

/* /v1/revocations ***********************************************************************/

/* Cards a station took back. Each entry is stamped with the uploading station's code, which
 * verifiers show; the credential IDs are 128 random bits, so one station cannot aim at another
 * station's cards except by guessing. Idempotent: an entry already listed keeps its first
 * date. */
static void
handle_revocations (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  Registry *reg = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(KsRegistryStation) station = NULL;
  g_autoptr(JsonObject) req = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *trust_json = NULL;
  JsonNode *list_node;
  JsonArray *list;
  guint n;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      answer_error (msg, 405, "bad-request", "Use POST.");
      return;
    }
  /* The token first, the body (bounded) and its signature next, parsing last. */
  if (!(station = authenticate (reg, msg))
      || !(body = request_body (msg, MAX_SMALL_BODY_BYTES))
      || !check_signature (msg, path, station->public_key_hex, body))
    return;
  req = parse_object (body);
  list_node = req ? json_object_get_member (req, "revocations") : NULL;
  if (list_node == NULL || !JSON_NODE_HOLDS_ARRAY (list_node))
    {
      answer_error (msg, 400, "bad-request", "The body needs a \"revocations\" array.");
      return;
    }
  list = json_node_get_array (list_node);
  n = json_array_get_length (list);
  if (n > 500)
    {
      answer_error (msg, 413, "too-large", "At most 500 revocations per request.");
      return;
    }

  /* Checked in full before any is listed: a bad entry changes nothing. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *reason = o ? string_member (o, "reason") : NULL;

      if (o == NULL || !ks_credential_id_is_valid (string_member (o, "credential_id"))
          || (g_strcmp0 (reason, KS_REVOCATION_REJECTED) != 0
              && g_strcmp0 (reason, KS_REVOCATION_SUPERSEDED) != 0)
          || json_object_get_int_member_with_default (o, "revoked_at", 0) <= 0)
        {
          answer_error (msg, 400, "bad-request", "Each revocation needs a credential_id (32 hex "
                        "digits), revoked_at and a reason (rejected or superseded).");
          return;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *o = json_array_get_object_element (list, i);
      KsCredentialRevocation rev = {
        .credential_id = (char *)string_member (o, "credential_id"),
        .kp_id = (char *)string_member (o, "kp_id"),
        .station_code = station->station_code,
        .revoked_at = json_object_get_int_member (o, "revoked_at"),
        .reason = (char *)string_member (o, "reason"),
      };

      ks_trust_list_revoke_credential (reg->trust, &rev);
    }
  trust_json = ks_trust_list_to_json (reg->trust);
  ks_registry_commit_flush (reg->commit);
  if (!reg->store->vtable->set_secret (reg->store, "trust-list", trust_json, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      answer_error (msg, 500, "internal", "The registry could not store the revocations.");
      return;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, now_seconds ());
  json_builder_set_member_name (b, "accepted");
  json_builder_add_int_value (b, n);
  json_builder_end_object (b);
  set_json (msg, 200, b);
}

/* Program *******************************************************************************/

/* A revoked station is refused at once and, through the trust list, its cards stop verifying
 * wherever verifiers fetch the list. */
static gboolean
revoke_stations (Registry *reg,
                 GStrv     kids,
                 GError  **error)
{
  g_autofree char *trust_json = NULL;

  for (guint i = 0; kids[i]; i++)
    {
      g_autoptr(KsRegistryStation) station = reg->store->vtable->get_station (reg->store, kids[i]);

      ks_trust_list_revoke (reg->trust, kids[i]);
      if (station != NULL)
        {
          station->revoked = TRUE;
          if (!reg->store->vtable->put_station (reg->store, station, error))
            return FALSE;
        }
    }
  trust_json = ks_trust_list_to_json (reg->trust);
  return reg->store->vtable->set_secret (reg->store, "trust-list", trust_json, error);
}

static void
replace_str (char      **field,
             const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* Command-line values over the configuration file's. */
static void
registry_config_override (KsRegistryConfig *config,
                          int               port,
                          int               max_connections,
                          int               max_per_address,
                          int               header_timeout,
                          int               body_timeout,
                          int               max_body_mb,
                          int               max_bodies_mb)
{
  if (port != G_MININT)
    config->port = port;
  if (max_connections != G_MININT)
    config->max_connections = max_connections;
  if (max_per_address != G_MININT)
    config->max_connections_per_address = max_per_address;
  if (header_timeout != G_MININT)
    config->header_timeout = header_timeout;
  if (body_timeout != G_MININT)
    config->body_timeout = body_timeout;
  if (max_body_mb != G_MININT)
    config->max_body_mb = max_body_mb;
  if (max_bodies_mb != G_MININT)
    config->max_bodies_mb = max_bodies_mb;
}

/* Loopback unless told otherwise: 0.0.0.0 is every IPv4 interface (--listen-all), any other
 * address that one interface. */
static gboolean
registry_listen (SoupServer             *server,
                 const KsRegistryConfig *config,
                 GError                **error)
{
  g_autoptr(GSocketAddress) address = NULL;

  if (config->listen_address == NULL)
    return soup_server_listen_local (server, config->port, SOUP_SERVER_LISTEN_HTTPS
                                     | SOUP_SERVER_LISTEN_IPV4_ONLY, error);
  if (strcmp (config->listen_address, "0.0.0.0") == 0)
    return soup_server_listen_all (server, config->port, SOUP_SERVER_LISTEN_HTTPS
                                   | SOUP_SERVER_LISTEN_IPV4_ONLY, error);
  address = g_inet_socket_address_new_from_string (config->listen_address, config->port);
  return soup_server_listen (server, address, SOUP_SERVER_LISTEN_HTTPS, error);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_auto(GStrv) codes = NULL;
  g_auto(GStrv) revoke = NULL;
  g_autofree char *config_file = NULL;
  g_autofree char *db = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  gboolean listen_all = FALSE;
  gboolean check_only = FALSE;
  /* G_MININT: not given on the command line, so the configuration file's value (or the
   * default) stands. */
  int port = G_MININT;
  int max_connections = G_MININT, max_per_address = G_MININT, header_timeout = G_MININT;
  int body_timeout = G_MININT, max_body_mb = G_MININT, max_bodies_mb = G_MININT;
  g_auto(KsRegistryConfig) config = { 0 };
  KsRegistryLimits limits = { 0 };
  KsRegistryGuard *guard;
  Registry reg = { 0 };
  GSList *uris;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_file,
      "Read the settings from this file (the service uses /etc/khyber-registry/registry.conf); "
      "the options below override it", "FILE" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "TCP port (0: any free port; default 8443)",
      "PORT" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db,
      "SQLite database (default registry.db); overrides the storage of the configuration file",
      "FILE" },
    { "key-file", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      "The registry's secret keys, mode 0600 (default: the database's name + .keys)", "FILE" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "PEM certificate chain", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "PEM private key", "FILE" },
    { "provision-code", 0, 0, G_OPTION_ARG_STRING_ARRAY, &codes,
      "Accept this one-time station provisioning code (repeatable)", "CODE" },
    { "revoke", 0, 0, G_OPTION_ARG_STRING_ARRAY, &revoke,
      "Revoke this station key id: refused from now on, listed in the trust list (repeatable)",
      "KID" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      "Connections open at once (default 512)", "N" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Connections open at once from one IP address (default 32)", "N" },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      "Seconds a connection gets to send a request's head, TLS handshake included; also how "
      "long an idle connection stays open (default 10)", "SECONDS" },
    { "body-timeout", 0, 0, G_OPTION_ARG_INT, &body_timeout,
      "Seconds of silence allowed while a body moves (default 30)", "SECONDS" },
    { "max-body-mb", 0, 0, G_OPTION_ARG_INT, &max_body_mb,
      "Megabytes one request body may have as sent (default 64)", "MB" },
    { "max-bodies-mb", 0, 0, G_OPTION_ARG_INT, &max_bodies_mb,
      "Megabytes of request bodies held at once, all clients (default 256)", "MB" },
    { "listen-all", 0, 0, G_OPTION_ARG_NONE, &listen_all,
      "Listen on every interface, not only loopback", NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
      "Check the settings and read the TLS certificate and key, then exit (0: valid)", NULL },
    { "test-faults", 0, 0, G_OPTION_ARG_NONE, &reg.test_faults,
      "Enable POST /v1/test/faults (tests only)", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- the reference Khyber Pass registry");
  g_option_context_set_summary (context, "Serves docs/registry-protocol.md over HTTPS: "
                                "provisioning, record uploads, status and the trust list.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      return 2;
    }

  /* The defaults, the configuration file over them, the command line over both. */
  ks_registry_config_init (&config);
  if (config_file != NULL && !ks_registry_config_load (&config, config_file, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      return 2;
    }
  registry_config_override (&config, port, max_connections, max_per_address, header_timeout,
                            body_timeout, max_body_mb, max_bodies_mb);
  if (tls_cert != NULL)
    replace_str (&config.tls_certificate, tls_cert);
  if (tls_key != NULL)
    replace_str (&config.tls_key, tls_key);
  if (key_file != NULL)
    replace_str (&config.key_file, key_file);
  if (listen_all)
    replace_str (&config.listen_address, "0.0.0.0");
  if (db != NULL || config.sqlite_path == NULL)
    replace_str (&config.sqlite_path, db ? db : "registry.db");
  if (db != NULL)
    config.storage = KS_REGISTRY_STORAGE_SQLITE;
  if (!ks_registry_config_check (&config, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      return 2;
    }
  if (sodium_init () < 0)
    return 1;

  tls = g_tls_certificate_new_from_files (config.tls_certificate, config.tls_key, &error);
  if (tls == NULL)
    {
      g_printerr ("khyber-registry: cannot load the TLS certificate: %s\n", error->message);
      return 1;
    }
  if (check_only)
    {
      printf ("khyber-registry: the settings are valid\n");
      return 0;
    }
  if (config.storage == KS_REGISTRY_STORAGE_POSTGRESQL)
    reg.store = ks_registry_store_new_postgresql (config.postgresql_conninfo, &error);
  else
    reg.store = ks_registry_store_new_sqlite (config.sqlite_path, &error);
  reg.key_file = config.key_file ? g_strdup (config.key_file)
                                 : g_strconcat (config.sqlite_path, ".keys", NULL);
  if (reg.store == NULL || !registry_load_keys (&reg, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; codes && codes[i]; i++)
    if (!reg.store->vtable->add_code (reg.store, codes[i], &error))
      {
        g_printerr ("khyber-registry: %s\n", error->message);
        return 1;
      }

  if (revoke != NULL && !revoke_stations (&reg, revoke, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      return 1;
    }

  reg.commit = ks_registry_commit_new (reg.store);
  reg.workers = g_thread_pool_new (work_thread, NULL, (int)CLAMP (g_get_num_processors (), 2, 16),
                                   FALSE, NULL);
  server = soup_server_new ("tls-certificate", tls, "server-header", "khyber-registry", NULL);
  limits.max_connections = config.max_connections;
  limits.max_connections_per_address = config.max_connections_per_address;
  limits.header_timeout_s = config.header_timeout;
  limits.body_timeout_s = config.body_timeout;
  limits.max_body_bytes = (gsize)config.max_body_mb * 1024 * 1024;
  limits.max_bodies_bytes = (gsize)config.max_bodies_mb * 1024 * 1024;
  guard = ks_registry_guard_new (server, &limits);
  soup_server_add_handler (server, "/v1/time", handle_time, &reg, NULL);
  soup_server_add_handler (server, "/v1/trust-list", handle_trust_list, &reg, NULL);
  soup_server_add_handler (server, "/v1/stations/provision", handle_provision, &reg, NULL);
  soup_server_add_handler (server, "/v1/records/batch", handle_batch, &reg, NULL);
  soup_server_add_handler (server, "/v1/records/status", handle_batch, &reg, NULL);
  soup_server_add_handler (server, "/v1/revocations", handle_revocations, &reg, NULL);
  if (reg.test_faults)
    soup_server_add_handler (server, "/v1/test/faults", handle_faults, &reg, NULL);

  /* Before the "listening" line: a service manager may stop the registry as soon as it
   * reads it, and SIGTERM then ends it cleanly. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_loop, loop);
  g_unix_signal_add (SIGINT, quit_loop, loop);
  if (!registry_listen (server, &config, &error))
    {
      g_printerr ("khyber-registry: cannot listen on port %d: %s\n", config.port,
                  error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  if (uris != NULL)
    {
      /* Where this machine reaches it: loopback serves every-interface too. */
      const char *host = config.listen_address ? config.listen_address : "127.0.0.1";
      gboolean v6 = strchr (host, ':') != NULL;

      if (strcmp (host, "0.0.0.0") == 0)
        host = "127.0.0.1";
      printf ("khyber-registry listening on https://%s%s%s:%d/\n", v6 ? "[" : "", host,
              v6 ? "]" : "", g_uri_get_port (uris->data));
    }
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  g_main_loop_run (loop);
  /* Batches still being examined come back to this thread: answered, or dropped with the
   * server. */
  g_thread_pool_free (reg.workers, FALSE, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  ks_registry_commit_free (reg.commit);
  g_clear_object (&server);
  ks_registry_guard_free (guard);

  sodium_memzero (reg.root_sk, sizeof reg.root_sk);
  sodium_memzero (reg.box_sk, sizeof reg.box_sk);
  g_clear_object (&reg.trust);
  g_free (reg.root_id);
  g_free (reg.registry_id);
  g_free (reg.key_file);
  ks_registry_store_free (reg.store);
  return 0;
}
