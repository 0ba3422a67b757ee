/* fuzz-trust.c: trust lists, as a registry or a file hands them over
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-trust.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  KsTrustList *list = ks_trust_list_new_from_data (text, -1, NULL);

  /* What is read must write out and read back. */
  if (list != NULL)
    {
      g_autofree char *json = ks_trust_list_to_json (list);
      KsTrustList *again = ks_trust_list_new_from_data (json, -1, NULL);

      g_assert (again != NULL);
      g_object_unref (again);
      g_object_unref (list);
    }
  return 0;
}
