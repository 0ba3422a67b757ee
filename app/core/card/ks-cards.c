/* ks-cards.c: the signed cards a station issued, only for approved records, and their revocation
 *
 * A signed card says "the registry's station vouches for this person". The station therefore
 * signs one only for a record a supervisor approved (or that approval switched off approved at
 * submit); before that the citizen gets the enrollment slip, which vouches for nothing. Each
 * card carries a credential ID (its CWT `cti`, 16 random bytes) kept here with the record's
 * version it shows. When that record is rejected or superseded by an edit, the credential is
 * revoked in the same transaction as the record's change; sync carries the revocation to the
 * registry, whose trust list brings it to every verifier.
 *
 * A reprint of a standing card reuses its credential ID and issue date, so one record version
 * has one credential however often it is printed; each copy is audited by ks_card_audit_print().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-cards"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>

#include "ks-audit.h"
#include "ks-card-holder.h"
#include "ks-cards.h"
#include "ks-photo.h"
#include "ks-records.h"
#include "ks-store-private.h"

G_DEFINE_QUARK (ks-cards-error-quark, ks_cards_error)

void
ks_card_info_free (KsCardInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->credential_id);
  g_free (info->kp_id);
  g_free (info->kid);
  g_free (info->issued_by);
  g_free (info->revoke_reason);
  g_free (info);
}

static gboolean
check_approved (const KsRecordInfo *info,
                GError            **error)
{
  if (info->decision == KS_RECORD_STATE_APPROVED && info->state != KS_RECORD_STATE_SUBMITTED)
    return TRUE;
  if (info->decision == KS_RECORD_STATE_REJECTED)
    g_set_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED,
                 _("Record %s was rejected, so no card is issued for it. The citizen keeps "
                   "the enrollment slip; correct the record and have it approved first."),
                 info->kp_id);
  else
    g_set_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED,
                 _("Record %s awaits a supervisor’s review. Its card is issued once it is "
                   "approved; until then the citizen has the enrollment slip."),
                 info->kp_id);
  return FALSE;
}

/**
 * ks_cards_check_issuable:
 *
 * Whether the record of @kp_id may have a signed card: a supervisor approved it (or approval
 * was switched off when it was submitted) and it was not edited since.
 *
 * Returns: %TRUE, or %FALSE with %KS_CARDS_ERROR_NOT_APPROVED or %KS_RECORDS_ERROR_NOT_FOUND
 */
gboolean
ks_cards_check_issuable (KsStore    *store,
                         const char *kp_id,
                         GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (kp_id != NULL, FALSE);

  info = ks_records_get_info (store, kp_id, error);
  return info != NULL && check_approved (info, error);
}

static KsCardInfo *
card_from_row (sqlite3_stmt *stmt)
{
  KsCardInfo *info = g_new0 (KsCardInfo, 1);

  info->credential_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  info->kp_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  info->version = sqlite3_column_int (stmt, 2);
  info->kid = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  info->issued_at = sqlite3_column_int64 (stmt, 4);
  info->issued_by = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
  info->revoked_at = sqlite3_column_int64 (stmt, 6);
  info->revoke_reason = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
  info->revocation_sent_at = sqlite3_column_int64 (stmt, 8);
  return info;
}

#define CARD_COLUMNS \
  "c.credential_id, r.kp_id, c.version, c.kid, c.issued_at, c.issued_by, " \
  "coalesce (c.revoked_at, 0), c.revoke_reason, coalesce (c.revocation_sent_at, 0)"

/* The standing card of the record's current version, if one was issued. Called locked. */
static KsCardInfo *
current_card (KsStore      *store,
              KsRecordInfo *record)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _ks_store_prepare (store,
                            "SELECT " CARD_COLUMNS " FROM cards c JOIN records r "
                            "ON r.id = c.record_id WHERE c.record_id = ? AND c.version = ? "
                            "AND c.revoked_at IS NULL ORDER BY c.issued_at DESC LIMIT 1",
                            NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, record->id);
  sqlite3_bind_int (stmt, 2, record->version);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return card_from_row (stmt);
}

static char *
new_credential_id (void)
{
  guint8 bytes[KS_CREDENTIAL_ID_LENGTH / 2];
  char hex[KS_CREDENTIAL_ID_LENGTH + 1];

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  return g_strdup (hex);
}

static const char *
actor_of (KsSession *session)
{
  return session != NULL ? ks_session_get_username (session) : "station";
}

/* Stores a new credential with its audit entry, after checking again, inside the transaction,
 * that the record is still the approved version the card was signed from. */
static gboolean
register_card (KsStore      *store,
               KsSession    *session,
               KsRecordInfo *signed_from,
               KsCard       *card,
               const char   *kid,
               GError      **error)
{
  g_autoptr(KsRecordInfo) now = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *detail = NULL;

  if (!ks_store_begin (store, error))
    return FALSE;
  now = ks_records_get_info (store, signed_from->kp_id, error);
  if (now == NULL || !check_approved (now, error))
    goto fail;
  if (now->version != signed_from->version)
    {
      g_set_error (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED,
                   _("Record %s was changed while its card was being made. Open it again."),
                   now->kp_id);
      goto fail;
    }
  stmt = _ks_store_prepare (store,
                            "INSERT INTO cards (credential_id, record_id, version, kid, "
                            "issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, ks_card_get_credential_id (card), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now->id);
  sqlite3_bind_int (stmt, 3, now->version);
  sqlite3_bind_text (stmt, 4, kid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, ks_card_get_issued_at (card));
  sqlite3_bind_text (stmt, 6, actor_of (session), -1, SQLITE_STATIC);
  if (!_ks_store_step_done (store, stmt, error))
    goto fail;
  if (session != NULL)
    detail = g_strdup_printf ("credential %s, version %d", ks_card_get_credential_id (card),
                              now->version);
  else
    detail = g_strdup_printf ("credential %s, version %d, command line, user %s",
                              ks_card_get_credential_id (card), now->version,
                              g_get_user_name ());
  if (!ks_audit_append (store, actor_of (session), "card-issued", now->kp_id, detail, error))
    goto fail;
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

/**
 * ks_cards_issue:
 * @session: (nullable): who asks; %NULL for the command line, which has no sign-in
 * @reference: (nullable): district and tehsil names for the card
 * @profile: (nullable): the profile whose vault opens the holder's photo; %NULL prints the
 *   silhouette
 * @options: (nullable): issuer, validity, specimen; its credential ID and issue date are set
 *   here
 *
 * Signs the card of an approved record. The first card of a record version gets a new
 * credential ID, stored and audited ("card-issued"); later calls for the same version sign
 * the same credential ID and issue date again (a reprint). Refused with
 * %KS_CARDS_ERROR_NOT_APPROVED while the record awaits review, after it was rejected, and after
 * an edit until the new version is approved. Blocks (signing): call it off the UI thread.
 *
 * Returns: (transfer full): the card
 */
KsCard *
ks_cards_issue (KsStore                  *store,
                KsSession                *session,
                KsStationKeys            *keys,
                KsReference              *reference,
                KsProfile                *profile,
                const char               *kp_id,
                const KsCardIssueOptions *options,
                GError                  **error)
{
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsCardHolder) holder = NULL;
  g_autoptr(KsCardInfo) standing = NULL;
  g_autoptr(KsCard) card = NULL;
  g_autofree char *credential_id = NULL;
  KsCardIssueOptions opts = { 0 };

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (session == NULL || KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (KS_IS_STATION_KEYS (keys), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  if (options != NULL)
    opts = *options;

  /* The record and its standing card are read together, so the card matches the version. */
  _ks_store_lock (store);
  info = ks_records_get_info (store, kp_id, error);
  if (info != NULL && check_approved (info, error))
    {
      record = ks_records_load (store, kp_id, error);
      standing = current_card (store, info);
    }
  _ks_store_unlock (store);
  if (record == NULL)
    return NULL;

  holder = ks_card_holder_from_record (record, kp_id, reference);
  if (profile != NULL && *ks_record_get (record, KS_FIELD_PHOTO) != '\0')
    {
      holder->photo_png = ks_photo_open (profile, ks_record_get (record, KS_FIELD_PHOTO), error);
      if (holder->photo_png == NULL)
        return NULL;
    }

  if (standing != NULL)
    {
      opts.credential_id = standing->credential_id;
      opts.issued_at = standing->issued_at;
    }
  else
    {
      credential_id = new_credential_id ();
      opts.credential_id = credential_id;
      opts.issued_at = ks_store_now (store) / G_USEC_PER_SEC;
    }
  card = ks_card_issue (holder, keys, &opts, error);
  if (card == NULL)
    return NULL;
  if (standing == NULL
      && !register_card (store, session, info, card, ks_station_keys_get_kid (keys), error))
    return NULL;
  return g_steal_pointer (&card);
}

/**
 * ks_cards_list_for_record:
 *
 * Returns: (transfer full) (element-type KsCardInfo): every card issued for the record, newest
 *   first, revoked ones included
 */
GPtrArray *
ks_cards_list_for_record (KsStore    *store,
                          const char *kp_id,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                               ks_card_info_free);

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT " CARD_COLUMNS " FROM cards c JOIN records r "
                            "ON r.id = c.record_id WHERE r.kp_id = ? "
                            "ORDER BY c.issued_at DESC, c.rowid DESC",
                            error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, kp_id, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (cards, card_from_row (stmt));
    }
  _ks_store_unlock (store);
  if (stmt == NULL)
    return NULL;
  return g_steal_pointer (&cards);
}

/**
 * ks_cards_list_unsent_revocations:
 * @limit: at most this many
 *
 * Returns: (transfer full) (element-type KsCredentialRevocation): revocations the registry does
 *   not have yet, oldest first
 */
GPtrArray *
ks_cards_list_unsent_revocations (KsStore *store,
                                  guint    limit,
                                  GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                              ks_credential_revocation_free);

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT c.credential_id, r.kp_id, c.revoked_at, c.revoke_reason "
                            "FROM cards c JOIN records r ON r.id = c.record_id "
                            "WHERE c.revoked_at IS NOT NULL AND c.revocation_sent_at IS NULL "
                            "ORDER BY c.revoked_at, c.rowid LIMIT ?",
                            error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, limit);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          KsCredentialRevocation *rev = g_new0 (KsCredentialRevocation, 1);

          rev->credential_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
          rev->kp_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
          rev->revoked_at = sqlite3_column_int64 (stmt, 2);
          rev->reason = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
          g_ptr_array_add (list, rev);
        }
    }
  _ks_store_unlock (store);
  if (stmt == NULL)
    return NULL;
  return g_steal_pointer (&list);
}

/**
 * ks_cards_mark_revocations_sent:
 * @revocations: (element-type KsCredentialRevocation): what the registry acknowledged
 */
gboolean
ks_cards_mark_revocations_sent (KsStore   *store,
                                GPtrArray *revocations,
                                GError   **error)
{
  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (revocations != NULL, FALSE);

  if (!ks_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < revocations->len; i++)
    {
      const KsCredentialRevocation *rev = g_ptr_array_index (revocations, i);
      g_autoptr(sqlite3_stmt) stmt = NULL;

      stmt = _ks_store_prepare (store,
                                "UPDATE cards SET revocation_sent_at = ? WHERE credential_id = ?",
                                error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ks_store_now (store) / G_USEC_PER_SEC);
      sqlite3_bind_text (stmt, 2, rev->credential_id, -1, SQLITE_STATIC);
      if (!_ks_store_step_done (store, stmt, error))
        goto fail;
    }
  return ks_store_commit (store, error);

fail:
  ks_store_rollback (store);
  return FALSE;
}

/**
 * ks_cards_add_revocations:
 * @trust: the list to add them to
 * @station_code: (nullable): this station's code, named in each entry
 *
 * Adds every card this station revoked to @trust, sent to the registry or not: the station's
 * own verifier knows at once what other stations learn after a sync.
 */
gboolean
ks_cards_add_revocations (KsStore     *store,
                          KsTrustList *trust,
                          const char  *station_code,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (KS_IS_TRUST_LIST (trust), FALSE);

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store,
                            "SELECT c.credential_id, r.kp_id, c.revoked_at, c.revoke_reason "
                            "FROM cards c JOIN records r ON r.id = c.record_id "
                            "WHERE c.revoked_at IS NOT NULL",
                            error);
  while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      KsCredentialRevocation rev = {
        .credential_id = (char *)sqlite3_column_text (stmt, 0),
        .kp_id = (char *)sqlite3_column_text (stmt, 1),
        .station_code = (char *)station_code,
        .revoked_at = sqlite3_column_int64 (stmt, 2),
        .reason = (char *)sqlite3_column_text (stmt, 3),
      };

      ks_trust_list_revoke_credential (trust, &rev);
    }
  _ks_store_unlock (store);
  return stmt != NULL;
}
