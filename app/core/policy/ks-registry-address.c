/* ks-registry-address.c: which registry addresses the station may talk to
 *
 * The training profile talks only to a practice registry on the same computer, so a classroom
 * never sends made-up citizens to the real registry. Settings checks the address when it is
 * typed, and the sync engine again before every connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry-address"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-registry-address.h"

G_DEFINE_QUARK (ks-training-error-quark, ks_training_error)

/* ------------------------------------------------------------------------------------------ */
/* The registry address                                                                        */

static gboolean
is_localhost_name (const char *host)
{
  /* RFC 6761: "localhost" and every name under it always mean this computer. */
  return g_ascii_strcasecmp (host, "localhost") == 0 ||
         (strlen (host) > 10 &&
          g_ascii_strcasecmp (host + strlen (host) - 10, ".localhost") == 0);
}

static gboolean
refuse_remote (const char *url,
               GError    **error)
{
  g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_REMOTE_REGISTRY,
               _("The training profile only works with a practice registry on this computer, "
                 "such as https://localhost:8443. “%s” is somewhere else: ask your trainer for "
                 "the practice address."),
               url);
  return FALSE;
}

/**
 * ks_registry_url_check:
 * @training: whether the station runs the training profile
 * @url: (nullable): the registry address typed in Settings; empty means no registry
 * @cancellable: (nullable): for the name lookup
 *
 * In training, accepts only addresses whose host is this computer: `localhost` (and names
 * under it), an address in 127.0.0.0/8, `::1`, or a name every one of whose addresses is one
 * of those. The name is looked up (blocking: call it from a worker thread when the name may
 * need DNS); a name that cannot be looked up is refused. The production profile accepts any
 * address here. The sync engine calls this again before every connection, so changing the
 * setting behind the station's back does not get around it.
 *
 * Returns: %TRUE if the station may use @url
 */
gboolean
ks_registry_url_check (gboolean      training,
                       const char   *url,
                       GCancellable *cancellable,
                       GError      **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  g_autolist(GInetAddress) addresses = NULL;
  const char *host;

  if (!training || url == NULL || *url == '\0')
    return TRUE;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  host = uri ? g_uri_get_host (uri) : NULL;
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, KS_TRAINING_ERROR, KS_TRAINING_ERROR_BAD_ADDRESS,
                   _("“%s” is not a web address. Type it in full, such as "
                     "https://localhost:8443."),
                   url);
      return FALSE;
    }

  /* GUri gives IPv6 literals without their brackets. */
  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    return g_inet_address_get_is_loopback (literal) ? TRUE : refuse_remote (url, error);

  if (is_localhost_name (host))
    return TRUE;

  addresses = g_resolver_lookup_by_name (g_resolver_get_default (), host, cancellable, NULL);
  if (addresses == NULL)
    return refuse_remote (url, error);
  /* Every address: a name with one loopback and one public address could still go out. */
  for (GList *l = addresses; l != NULL; l = l->next)
    if (!g_inet_address_get_is_loopback (l->data))
      return refuse_remote (url, error);
  return TRUE;
}
