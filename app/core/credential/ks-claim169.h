/* ks-claim169.h: Claim 169 identity credentials (MOSIP id-claim-169 1.2.2): issue and verify
 *
 * Pipeline: Claim 169 map -> CWT claims {1 iss, 4 exp, 5 nbf, 6 iat, 7 cti, 169} -> COSE_Sign1 ->
 * zlib -> Base45 -> QR (alphanumeric), and back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "ks-cbor.h"
#include "ks-cose.h"
#include "ks-credential-error.h"
#include "ks-trust.h"

G_BEGIN_DECLS

/* The reference implementation's cap on the inflated credential. */
#define KS_CREDENTIAL_MAX_INFLATED (64 * 1024)
/* Default tolerance for a verifier's clock against exp/nbf. */
#define KS_CREDENTIAL_DEFAULT_SKEW 300

/* Keys 50..65: fingers (right thumb..little, left thumb..little), irises, face, palms, voice. */
#define KS_CLAIM169_BIOMETRIC_FIRST 50
#define KS_CLAIM169_BIOMETRIC_LAST 65
#define KS_CLAIM169_N_BIOMETRIC (KS_CLAIM169_BIOMETRIC_LAST - KS_CLAIM169_BIOMETRIC_FIRST + 1)

typedef struct
{
  GBytes *data;
  int format;               /* -1 when absent: 0 image, 1 template, 2 sound, 3 bio hash */
  int sub_format;           /* -1 when absent */
  char *issuer;             /* (nullable) */
} KsBiometric;

/* All fields optional: NULL strings, 0 ints, NULL arrays when absent. */
typedef struct
{
  char *id;                      /* 1 */
  char *version;                 /* 2 */
  char *language;                /* 3, ISO 639-3 */
  char *full_name;               /* 4 */
  char *first_name;              /* 5 */
  char *middle_name;             /* 6 */
  char *last_name;               /* 7 */
  char *date_of_birth;           /* 8, YYYYMMDD (readers also meet YYYY-MM-DD), as read */
  int gender;                    /* 9: 1 male, 2 female, 3 other */
  char *address;                 /* 10, lines separated by \n */
  char *email;                   /* 11 */
  char *phone;                   /* 12 */
  char *nationality;             /* 13 */
  int marital_status;            /* 14 */
  char *guardian;                /* 15 */
  GBytes *photo;                 /* 16, deprecated */
  int photo_format;              /* 17, deprecated */
  GArray *best_quality_fingers;  /* 18, of int */
  char *secondary_full_name;     /* 19 */
  char *secondary_language;      /* 20 */
  char *location_code;           /* 21 */
  char *legal_status;            /* 22 */
  char *country_of_issuance;     /* 23 */
  GPtrArray *biometrics[KS_CLAIM169_N_BIOMETRIC];  /* of KsBiometric, index key - 50 */
  KsCbor *unknown;               /* (nullable) map of keys this reader does not know, as read */
} KsClaim169;

/* A read credential: the identity, the CWT envelope and who signed it. */
typedef struct
{
  KsClaim169 *claim;
  char *issuer;                  /* CWT 1, the registry's URI */
  char *subject;                 /* CWT 2 */
  gint64 expires_at;             /* CWT 4, 0 when absent */
  gint64 not_before;             /* CWT 5, 0 when absent */
  gint64 issued_at;              /* CWT 6, 0 when absent */
  KsCoseAlgorithm alg;
  char *kid;                     /* (nullable) */
  gboolean signature_checked;    /* FALSE only with allow_unverified */
  char *station_code;            /* (nullable) from the station certificate */
  gboolean development_issuer;   /* certified by a development root, not a registry */
  char *credential_id;           /* (nullable) CWT 7 (cti) as lowercase hex */
} KsCredential;

typedef struct
{
  KsTrustList *trust;            /* (nullable) root keys and station certificates */
  GBytes *pinned_key;            /* (nullable) one key to accept regardless of kid */
  KsCoseAlgorithm pinned_alg;
  gint64 now;                    /* unix seconds; 0 reads the clock */
  gint64 skew_seconds;           /* exp/nbf tolerance */
  gboolean allow_unverified;     /* decode without a signature check: never for a verdict */
  gboolean skip_time_checks;     /* no exp/nbf check: to show an expired card's genuine fields */
} KsVerifyOptions;

KsClaim169   *ks_claim169_new (void);
void          ks_claim169_free (KsClaim169 *claim);
void          ks_biometric_free (KsBiometric *bio);
void          ks_claim169_write (const KsClaim169 *claim,
                                 GByteArray       *out);
KsClaim169   *ks_claim169_read (const KsCbor *map);
GBytes       *ks_claim169_to_cwt (const KsClaim169 *claim,
                                  const char       *issuer,
                                  gint64            issued_at,
                                  gint64            not_before,
                                  gint64            expires_at);
GBytes       *ks_claim169_to_cwt_with_id (const KsClaim169 *claim,
                                          GBytes           *cti,
                                          const char       *issuer,
                                          gint64            issued_at,
                                          gint64            not_before,
                                          gint64            expires_at);

char         *ks_credential_pack (GBytes  *cose,
                                  GError **error);
GBytes       *ks_credential_unpack (const char *text,
                                    GError    **error);
char         *ks_credential_sign (const KsClaim169 *claim,
                                  const char       *issuer,
                                  gint64            issued_at,
                                  gint64            expires_at,
                                  KsStationKeys    *keys,
                                  GError          **error);
char         *ks_credential_sign_with_id (const KsClaim169 *claim,
                                          const char       *credential_id,
                                          const char       *issuer,
                                          gint64            issued_at,
                                          gint64            expires_at,
                                          KsStationKeys    *keys,
                                          GError          **error);

void          ks_verify_options_init (KsVerifyOptions *opts);
KsCredential *ks_credential_verify (const char            *text,
                                    const KsVerifyOptions *opts,
                                    GError               **error);
KsCredential *ks_credential_verify_cose (GBytes                *cose,
                                         const KsVerifyOptions *opts,
                                         GError               **error);
void          ks_credential_free (KsCredential *cred);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsBiometric, ks_biometric_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsClaim169, ks_claim169_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCredential, ks_credential_free)

G_END_DECLS
