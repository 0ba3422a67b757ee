/* ks-cards.h: the signed cards a station issued, only for approved records, and their revocation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-card.h"
#include "ks-profile.h"
#include "ks-reference.h"
#include "ks-session.h"
#include "ks-store.h"
#include "ks-trust.h"

G_BEGIN_DECLS

#define KS_CARDS_ERROR (ks_cards_error_quark ())

typedef enum
{
  KS_CARDS_ERROR_NOT_APPROVED = 1,   /* the record awaits review, or was rejected */
} KsCardsError;

/* Revocations sent to the registry in one request, at most. */
#define KS_CARDS_REVOCATIONS_PER_REQUEST 500

typedef struct
{
  char *credential_id;
  char *kp_id;
  int version;                /* the record's version the card shows */
  char *kid;
  gint64 issued_at;           /* unix seconds, like the other times here */
  char *issued_by;
  gint64 revoked_at;          /* 0 while the card stands */
  char *revoke_reason;        /* (nullable) KS_REVOCATION_REJECTED or KS_REVOCATION_SUPERSEDED */
  gint64 revocation_sent_at;  /* 0 until the registry has the revocation */
} KsCardInfo;

GQuark      ks_cards_error_quark (void);

gboolean    ks_cards_check_issuable (KsStore    *store,
                                     const char *kp_id,
                                     GError    **error);
KsCard     *ks_cards_issue (KsStore                  *store,
                            KsSession                *session,
                            KsStationKeys            *keys,
                            KsReference              *reference,
                            KsProfile                *profile,
                            const char               *kp_id,
                            const KsCardIssueOptions *options,
                            GError                  **error);
GPtrArray  *ks_cards_list_for_record (KsStore    *store,
                                      const char *kp_id,
                                      GError    **error);
GPtrArray  *ks_cards_list_unsent_revocations (KsStore *store,
                                              guint    limit,
                                              GError **error);
gboolean    ks_cards_mark_revocations_sent (KsStore   *store,
                                            GPtrArray *revocations,
                                            GError   **error);
gboolean    ks_cards_add_revocations (KsStore     *store,
                                      KsTrustList *trust,
                                      const char  *station_code,
                                      GError     **error);
void        ks_card_info_free (KsCardInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCardInfo, ks_card_info_free)

G_END_DECLS
