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

char       *ks_sync_payload_new (KsRecord *record);
const char *ks_sync_payload_check (const char *payload,
                                   char      **id_number);

/* Deepest nesting of arrays and objects either side accepts in a JSON document. */
#define KS_SYNC_MAX_JSON_DEPTH KS_JSON_MAX_DEPTH

char     *ks_sync_content_hash (const char *decision,
                                const char *reason,
                                const char *payload,
                                GBytes     *biometrics);
char     *ks_sync_content_hash_full (const char *decision,
                                     const char *reason,
                                     const char *payload,
                                     const char *biometrics_sha256);
char     *ks_sync_sha256_hex (const guint8 *data,
                              gsize         len);
char     *ks_sync_signed_message (const char   *method,
                                  const char   *path,
                                  gint64        timestamp,
                                  const guint8 *body,
                                  gsize         len);
gboolean  ks_sync_verify_request (const guint8 *public_key,
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
JsonObject *ks_sync_parse_object (const char *data,
                                  gsize       len,
                                  gsize       max_tokens);

G_END_DECLS
