/* ks-trust.h: the station's signing key, station certificates and the verifier's trust list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "ks-cose.h"

G_BEGIN_DECLS

#define KS_TRUST_ERROR (ks_trust_error_quark ())

typedef enum
{
  KS_TRUST_ERROR_IO = 1,     /* a key or trust file cannot be read or written */
  KS_TRUST_ERROR_INVALID,    /* a key or trust file is damaged */
  KS_TRUST_ERROR_CONFLICT,   /* a trust list would replace or shadow a key already trusted */
} KsTrustError;

/* A station's public key, signed by a registry root: which station may issue cards, and when. */
typedef struct
{
  char *kid;                 /* the key id cards carry in their COSE header */
  char *station_code;
  KsCoseAlgorithm alg;
  GBytes *public_key;
  gint64 not_before;         /* unix seconds */
  gint64 not_after;
  char *root_id;             /* the root that signed it */
  GBytes *signature;         /* Ed25519 by the root over ks_station_cert_signed_bytes() */
  char *issuer;              /* (nullable) the `iss` of the credentials this key signs, for
                              * another issuer's key; NULL: any (a Khyber Pass station) */
} KsStationCert;

/* A card taken back: its record was rejected or superseded after the card was issued. The
 * issuing station lists it, the registry passes it on to every verifier in the trust list. */
typedef struct
{
  char *credential_id;       /* the card's CWT cti, lowercase hex */
  char *kp_id;               /* (nullable) the holder's Khyber Pass ID, for the verifier's message */
  char *station_code;        /* (nullable) the station that revoked it, as the registry knows it */
  gint64 revoked_at;         /* unix seconds */
  char *reason;              /* "rejected" or "superseded" */
} KsCredentialRevocation;

/* A card's credential ID: 16 random bytes, written as hex. */
#define KS_CREDENTIAL_ID_LENGTH 32

#define KS_REVOCATION_REJECTED   "rejected"
#define KS_REVOCATION_SUPERSEDED "superseded"

GQuark         ks_trust_error_quark (void);

gboolean                ks_credential_id_is_valid (const char *credential_id);
KsCredentialRevocation *ks_credential_revocation_copy (const KsCredentialRevocation *rev);
void                    ks_credential_revocation_free (KsCredentialRevocation *rev);
const char             *ks_credential_revocation_reason_label (const char *reason);

KsStationCert *ks_station_cert_new_signed (const char     *kid,
                                           const char     *station_code,
                                           KsCoseAlgorithm alg,
                                           GBytes         *public_key,
                                           gint64          not_before,
                                           gint64          not_after,
                                           const char     *root_id,
                                           const guint8   *root_secret_key);
KsStationCert *ks_station_cert_new_for_issuer (const char     *kid,
                                               const char     *station_code,
                                               const char     *issuer,
                                               KsCoseAlgorithm alg,
                                               GBytes         *public_key,
                                               gint64          not_before,
                                               gint64          not_after,
                                               const char     *root_id,
                                               const guint8   *root_secret_key);
KsStationCert *ks_station_cert_copy (const KsStationCert *cert);
void           ks_station_cert_free (KsStationCert *cert);
GBytes        *ks_station_cert_signed_bytes (const KsStationCert *cert);
gboolean       ks_station_cert_covers (const KsStationCert *cert,
                                       gint64               when);

#define KS_TYPE_TRUST_LIST (ks_trust_list_get_type ())

G_DECLARE_FINAL_TYPE (KsTrustList, ks_trust_list, KS, TRUST_LIST, GObject)

KsTrustList         *ks_trust_list_new (void);
KsTrustList         *ks_trust_list_new_from_file (const char *path,
                                                  GError    **error);
KsTrustList         *ks_trust_list_new_from_data (const char *json,
                                                  gssize      len,
                                                  GError    **error);
gboolean             ks_trust_list_save (KsTrustList *self,
                                         const char  *path,
                                         GError     **error);
char                *ks_trust_list_to_json (KsTrustList *self);
void                 ks_trust_list_add_root (KsTrustList  *self,
                                             const char   *root_id,
                                             const guint8 *public_key,
                                             gboolean      development);
gboolean             ks_trust_list_root_is_development (KsTrustList *self,
                                                        const char  *root_id);
void                 ks_trust_list_add_certificate (KsTrustList         *self,
                                                    const KsStationCert *cert);
void                 ks_trust_list_revoke (KsTrustList *self,
                                           const char  *kid);
gboolean             ks_trust_list_is_revoked (KsTrustList *self,
                                               const char  *kid);
void                 ks_trust_list_revoke_credential (KsTrustList                  *self,
                                                      const KsCredentialRevocation *rev);
const KsCredentialRevocation *ks_trust_list_lookup_revocation (KsTrustList *self,
                                                               const char  *credential_id);
void                 ks_trust_list_merge (KsTrustList *self,
                                          KsTrustList *other);
gboolean             ks_trust_list_add_list (KsTrustList *self,
                                             KsTrustList *other,
                                             GError     **error);
const KsStationCert *ks_trust_list_lookup (KsTrustList *self,
                                           const char  *kid,
                                           GError     **error);
const KsStationCert *ks_trust_list_find_signer (KsTrustList       *self,
                                                const KsCoseSign1 *msg,
                                                const char        *issuer,
                                                GError           **error);
const KsStationCert *ks_trust_list_accept (KsTrustList *self,
                                           const char  *kid,
                                           gint64       when,
                                           GError     **error);

#define KS_TYPE_STATION_KEYS (ks_station_keys_get_type ())

G_DECLARE_FINAL_TYPE (KsStationKeys, ks_station_keys, KS, STATION_KEYS, GObject)

KsStationKeys       *ks_station_keys_load_or_create (const char          *dir,
                                                     const char          *station_code,
                                                     GError             **error);
const char          *ks_station_keys_get_kid (KsStationKeys *self);
const char          *ks_station_keys_get_station_code (KsStationKeys *self);
GBytes              *ks_station_keys_get_public_key (KsStationKeys *self);
gboolean             ks_station_keys_is_development (KsStationKeys *self);
KsTrustList         *ks_station_keys_get_trust_list (KsStationKeys *self);
gboolean             ks_station_keys_install_certificate (KsStationKeys       *self,
                                                          const KsStationCert *cert,
                                                          KsTrustList         *registry_trust,
                                                          GError             **error);
GBytes              *ks_station_keys_sign_cose (KsStationKeys *self,
                                                GBytes        *payload,
                                                GError       **error);
gboolean             ks_station_keys_sign_detached (KsStationKeys *self,
                                                    const guint8  *data,
                                                    gsize          len,
                                                    guint8        *signature,
                                                    GError       **error);

gboolean             ks_station_keys_merge_trust_list (KsStationKeys *self,
                                                       KsTrustList   *other,
                                                       GError       **error);
KsTrustList         *ks_station_keys_lock_trust_list (KsStationKeys *self);
void                 ks_station_keys_unlock_trust_list (KsStationKeys *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsStationCert, ks_station_cert_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCredentialRevocation, ks_credential_revocation_free)

G_END_DECLS
