/* fuzz-cbor.c: CBOR items, as inside a credential
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-cbor.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  KsCbor *item = ks_cbor_decode (data, size, 16, NULL);

  /* What decodes must encode to something that decodes to the same item. */
  if (item != NULL)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      KsCbor *again;

      ks_cbor_write_item (out, item);
      again = ks_cbor_decode (out->data, out->len, 16, NULL);
      g_assert (again != NULL && ks_cbor_equal (item, again));
      ks_cbor_free (again);
      ks_cbor_free (item);
    }
  return 0;
}
