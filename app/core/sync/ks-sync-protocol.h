/* ks-sync-protocol.h: what the station and the registry must compute alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "ks-json-bounds.h"
#include "ks-record.h"

G_BEGIN_DECLS

/* Beyond this, signatures are refused (docs/registry-protocol.md). */
#define KS_SYNC_MAX_SKEW_SECONDS 300

#define KS_SYNC_HEADER_KEY_ID    "KP-Key-Id"
#define KS_SYNC_HEADER_TIMESTAMP "KP-Timestamp"
#define KS_SYNC_HEADER_SIGNATURE "KP-Signature"
#define KS_SYNC_HEADER_PROTOCOL  "KP-Protocol"

/* Version 1: SHA-256 digests, batches as JSON with base64 biometrics. Version 2: BLAKE2b-256
 * digests, batches framed as KS_SYNC_BATCH_MEDIA_TYPE with the sealed biometrics as raw bytes
 * (docs/registry-protocol.md). The station speaks 2; the registry takes both. */
#define KS_SYNC_PROTOCOL_1       1
#define KS_SYNC_PROTOCOL_2       2
#define KS_SYNC_PROTOCOL_CURRENT KS_SYNC_PROTOCOL_2

#define KS_SYNC_BATCH_MEDIA_TYPE "application/vnd.khyber-pass.batch"

char       *ks_sync_payload_new (KsRecord *record);
const char *ks_sync_payload_check (const char *payload,
                                   char      **id_number);

/* Deepest nesting of arrays and objects either side accepts in a JSON document. */
#define KS_SYNC_MAX_JSON_DEPTH KS_JSON_MAX_DEPTH

char     *ks_sync_content_hash (guint       version,
                                const char *decision,
                                const char *reason,
                                const char *payload,
                                GBytes     *biometrics);
char     *ks_sync_content_hash_full (guint       version,
                                     const char *decision,
                                     const char *reason,
                                     const char *payload,
                                     const char *biometrics_digest);
char     *ks_sync_sha256_hex (const guint8 *data,
                              gsize         len);
char     *ks_sync_digest_hex (guint         version,
                              const guint8 *data,
                              gsize         len);
guint     ks_sync_protocol_from_header (const char *value);
char     *ks_sync_signed_message (guint         version,
                                  const char   *method,
                                  const char   *path,
                                  gint64        timestamp,
                                  const guint8 *body,
                                  gsize         len);
gboolean  ks_sync_verify_request (guint         version,
                                  const guint8 *public_key,
                                  const char   *method,
                                  const char   *path,
                                  const char   *timestamp,
                                  const guint8 *body,
                                  gsize         len,
                                  const char   *signature_b64);
GBytes   *ks_sync_gzip (const guint8 *data,
                        gsize         len);
GBytes   *ks_sync_gunzip (const guint8 *data,
                          gsize         len,
                          gsize         max_len,
                          gboolean     *too_large);
GBytes   *ks_sync_batch_frame (const char *json,
                               GByteArray *biometrics);
gboolean  ks_sync_batch_unframe (GBytes *body,
                                 gsize  *json_offset,
                                 gsize  *json_len,
                                 gsize  *biometrics_offset);

JsonObject *ks_sync_parse_object (const char *data,
                                  gsize       len,
                                  gsize       max_tokens);

G_END_DECLS
