/* fuzz-base45.c: Base45 text, as read from a QR code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-base45.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) decoded = ks_base45_decode ((const char *)data, size, NULL);

  /* What decodes must encode back to the same text. */
  if (decoded != NULL)
    {
      g_autofree char *again = ks_base45_encode (g_bytes_get_data (decoded, NULL),
                                                 g_bytes_get_size (decoded));
      g_assert (strlen (again) == size && memcmp (again, data, size) == 0);
    }
  return 0;
}
