/* fuzz-claim169.c: a Claim 169 identity map inside a CWT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-cbor.h"
#include "ks-claim169.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  KsCbor *cwt = ks_cbor_decode (data, size, 16, NULL);
  const KsCbor *map;

  if (cwt == NULL)
    return 0;
  /* Claim 169 is the CWT's member 169; a bare identity map is read as well. */
  map = cwt->type == KS_CBOR_MAP ? ks_cbor_map_lookup_int (cwt, 169) : NULL;
  if (map == NULL)
    map = cwt;
  /* ks_claim169_read() takes a map (a precondition, not input checking): the credential code
   * checks the type first, and so does this. */
  if (map->type == KS_CBOR_MAP)
    {
      KsClaim169 *claim = ks_claim169_read (map);

      if (claim != NULL)
        ks_claim169_free (claim);
    }
  ks_cbor_free (cwt);
  return 0;
}
