/* ks-credential-error.h: why a Khyber Pass credential was refused
 *
 * One domain for the whole pipeline (Base45, zlib, CBOR, COSE, Claim 169, trust), so the verifier
 * and the CLI can map any failure to a verdict without knowing which layer raised it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_CREDENTIAL_ERROR (ks_credential_error_quark ())

typedef enum
{
  KS_CREDENTIAL_ERROR_BAD_BASE45 = 1,    /* not Base45 text (RFC 9285) */
  KS_CREDENTIAL_ERROR_BAD_COMPRESSION,   /* not a complete zlib stream */
  KS_CREDENTIAL_ERROR_TOO_LARGE,         /* inflates beyond KS_CREDENTIAL_MAX_INFLATED */
  KS_CREDENTIAL_ERROR_BAD_CBOR,          /* malformed or truncated CBOR */
  KS_CREDENTIAL_ERROR_TOO_DEEP,          /* nested beyond KS_CBOR_MAX_DEPTH */
  KS_CREDENTIAL_ERROR_DUPLICATE_KEY,     /* a CBOR map repeats a key */
  KS_CREDENTIAL_ERROR_NOT_COSE,          /* CBOR, but not a COSE_Sign1 */
  KS_CREDENTIAL_ERROR_UNSUPPORTED_ALGORITHM,
  KS_CREDENTIAL_ERROR_BAD_SIGNATURE,
  KS_CREDENTIAL_ERROR_UNKNOWN_ISSUER,    /* no trusted, unrevoked certificate for the kid */
  KS_CREDENTIAL_ERROR_EXPIRED,
  KS_CREDENTIAL_ERROR_NOT_YET_VALID,
  KS_CREDENTIAL_ERROR_NO_IDENTITY,       /* no claim 169, or one without ID and name */
  KS_CREDENTIAL_ERROR_KEY,               /* issuing side: the station key cannot be used */
  KS_CREDENTIAL_ERROR_DOES_NOT_FIT,      /* issuing side: too much data for the card's QR */
  KS_CREDENTIAL_ERROR_REVOKED,           /* genuine, but its credential ID was revoked */
} KsCredentialError;

GQuark ks_credential_error_quark (void);

G_END_DECLS
