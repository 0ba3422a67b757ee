/* fuzz-registry-request.c: a request body as the registry reads it (gzip or plain, bounded,
 * then JSON), with the members a batch, a status query and a provisioning request read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-sync-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
read_members (JsonObject *o)
{
  static const char *const names[] = { "code", "kid", "station_code", "public_key", "kp_id",
                                       "content_hash", "decision", "reason", "payload",
                                       "biometrics_sealed" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (o, names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING)
        (void)json_node_get_string (node);
    }
  (void)json_object_get_int_member_with_default (o, "decided_at", 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(JsonObject) req = NULL;
  gboolean too_large = FALSE;
  const char *body = (const char *)data;
  gsize len = size;

  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
    {
      inflated = ks_sync_gunzip (data, size, 64 * 1024, &too_large);
      if (inflated == NULL)
        return 0;
      body = g_bytes_get_data (inflated, &len);
    }
  req = ks_sync_parse_object (body, len, 200000);
  if (req == NULL)
    return 0;
  read_members (req);
  {
    JsonNode *records = json_object_get_member (req, "records");

    if (records != NULL && JSON_NODE_HOLDS_ARRAY (records))
      {
        JsonArray *a = json_node_get_array (records);

        for (guint i = 0; i < json_array_get_length (a) && i < 500; i++)
          {
            JsonNode *item = json_array_get_element (a, i);

            if (JSON_NODE_HOLDS_OBJECT (item))
              {
                JsonObject *rec = json_node_get_object (item);
                JsonNode *payload = json_object_get_member (rec, "payload");

                read_members (rec);
                /* The payload is JSON inside a string: read as the registry reads it. */
                if (payload != NULL && JSON_NODE_HOLDS_VALUE (payload)
                    && json_node_get_value_type (payload) == G_TYPE_STRING)
                  {
                    const char *p = json_node_get_string (payload);
                    g_autoptr(JsonObject) inner = ks_sync_parse_object (p, strlen (p), 200000);

                    if (inner != NULL)
                      read_members (inner);
                  }
              }
          }
      }
  }
  return 0;
}
