/* fuzz-cose.c: COSE_Sign1 messages, and a credential's whole text path (Base45, zlib, COSE,
 * signature check against an empty trust list)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "ks-claim169.h"
#include "ks-cose.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  KsCoseSign1 *msg = ks_cose_sign1_parse (data, size, NULL);
  g_autofree char *text = g_strndup ((const char *)data, size);
  KsVerifyOptions opts;
  KsCredential *cred;

  if (msg != NULL)
    ks_cose_sign1_free (msg);

  ks_verify_options_init (&opts);
  cred = ks_credential_verify (text, &opts, NULL);
  if (cred != NULL)
    ks_credential_free (cred);
  return 0;
}
