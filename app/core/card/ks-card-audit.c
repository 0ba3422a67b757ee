/* ks-card-audit.c: every card that leaves the station, printed or exported, is in the audit log
 *
 * A printed card is a credential in someone's hand: a supervisor must be able to see who made
 * each copy. The UI and the command line call this one function instead of writing audit rows
 * themselves, so the action names stay the same everywhere.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-audit"

#include "config.h"

#include "ks-audit.h"
#include "ks-card-audit.h"

/**
 * ks_card_audit_print:
 * @session: (nullable): the signed-in operator; %NULL for the command line, which has no
 *   sign-in: the entry then names the station and the computer account that ran it
 * @kp_id: the card's Khyber Pass ID
 * @what: one of the `KS_CARD_OUTPUT_*` strings
 *
 * Appends a "card-printed" entry (card printer, A4) or a "card-exported" one (PDF, PNG).
 */
gboolean
ks_card_audit_print (KsStore    *store,
                     KsSession  *session,
                     const char *kp_id,
                     const char *what,
                     GError    **error)
{
  gboolean exported;
  g_autofree char *detail = NULL;
  const char *actor;

  g_return_val_if_fail (KS_IS_STORE (store), FALSE);
  g_return_val_if_fail (session == NULL || KS_IS_SESSION (session), FALSE);
  g_return_val_if_fail (kp_id != NULL, FALSE);
  g_return_val_if_fail (g_strcmp0 (what, KS_CARD_OUTPUT_CARD_PRINTER) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_A4) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_PDF) == 0 ||
                        g_strcmp0 (what, KS_CARD_OUTPUT_PNG) == 0, FALSE);

  /* A locked station, or an account disabled or locked out since sign-in, prints nothing. */
  if (session != NULL && !ks_session_require_active (session, error))
    return FALSE;

  exported = g_str_equal (what, KS_CARD_OUTPUT_PDF) || g_str_equal (what, KS_CARD_OUTPUT_PNG);
  if (session != NULL)
    {
      actor = ks_session_get_username (session);
      detail = g_strdup (what);
    }
  else
    {
      actor = "station";
      detail = g_strdup_printf ("%s, command line, user %s", what, g_get_user_name ());
    }

  return ks_audit_append (store, actor, exported ? "card-exported" : "card-printed", kp_id,
                          detail, error);
}
