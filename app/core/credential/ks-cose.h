/* ks-cose.h: COSE_Sign1 (RFC 9052 4.4) with EdDSA (Ed25519) and ES256 (P-256, raw r||s)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  KS_COSE_ALG_ES256 = -7,
  KS_COSE_ALG_EDDSA = -8,
} KsCoseAlgorithm;

typedef struct
{
  KsCoseAlgorithm alg;       /* from the protected header only */
  GBytes *kid;               /* (nullable) protected kid, else unprotected kid */
  GBytes *protected_header;  /* the protected bstr's bytes exactly as received */
  GBytes *payload;
  GBytes *signature;
} KsCoseSign1;

KsCoseSign1 *ks_cose_sign1_parse (const guint8 *data,
                                  gsize         len,
                                  GError      **error);
void         ks_cose_sign1_free (KsCoseSign1 *msg);
gboolean     ks_cose_sign1_verify (const KsCoseSign1 *msg,
                                   KsCoseAlgorithm    key_alg,
                                   const guint8      *public_key,
                                   gsize              public_key_len,
                                   GError           **error);

GBytes      *ks_cose_protected_header (KsCoseAlgorithm alg,
                                       const char     *kid);
GBytes      *ks_cose_sig_structure (GBytes *protected_header,
                                    GBytes *payload);
GBytes      *ks_cose_sign1_build (GBytes *protected_header,
                                  GBytes *payload,
                                  GBytes *signature);
GBytes      *ks_cose_sign1_sign_ed25519 (GBytes       *payload,
                                         const char   *kid,
                                         const guint8 *secret_key);
const char  *ks_cose_algorithm_name (KsCoseAlgorithm alg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCoseSign1, ks_cose_sign1_free)

G_END_DECLS
