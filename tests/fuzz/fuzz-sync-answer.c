/* fuzz-sync-answer.c: a registry's answer as the station reads it (bounded, then JSON), with
 * the members of the time, provisioning, batch and error answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-sync-protocol.h"
#include "ks-trust.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) answer = ks_sync_parse_object ((const char *)data, size, 1024 * 1024);
  JsonNode *node;

  if (answer == NULL)
    return 0;
  (void)json_object_get_int_member_with_default (answer, "server_time", 0);
  node = json_object_get_member (answer, "results");
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        if (JSON_NODE_HOLDS_OBJECT (json_array_get_element (a, i)))
          (void)json_object_get_string_member_with_default (
            json_node_get_object (json_array_get_element (a, i)), "status", NULL);
    }
  /* A provisioning answer carries the trust list the station then keeps. */
  node = json_object_get_member (answer, "trust_list");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *json = json_to_string (node, FALSE);
      KsTrustList *list = ks_trust_list_new_from_data (json, -1, NULL);

      if (list != NULL)
        g_object_unref (list);
    }
  return 0;
}
