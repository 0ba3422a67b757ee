/* ks-consent.h: a citizen's consent to one service, as recorded at enrollment
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "ks-reference.h"

G_BEGIN_DECLS

#define KS_CONSENT_ERROR (ks_consent_error_quark ())

typedef enum
{
  KS_CONSENT_ERROR_INVALID = 1,
} KsConsentError;

/* One answer to one service's consent text. All fields are owned. */
typedef struct
{
  char      *service_id;       /* "sehat-card" */
  char      *consent_version;  /* the KsService consent_version shown */
  char      *language;         /* "en" or "ur": which text was read to the citizen */
  gboolean granted;
  GDateTime *recorded_at;      /* UTC, whole seconds */
} KsConsent;

GQuark           ks_consent_error_quark (void);

KsConsent       *ks_consent_new (const char *service_id,
                                 const char *consent_version,
                                 const char *language,
                                 gboolean    granted,
                                 GDateTime  *recorded_at);
KsConsent       *ks_consent_new_for_service (const KsService *service,
                                             const char      *language,
                                             gboolean         granted,
                                             GDateTime       *recorded_at);
KsConsent       *ks_consent_copy (const KsConsent *consent);
void             ks_consent_free (KsConsent *consent);
gboolean         ks_consent_is_current (const KsConsent *consent,
                                        KsReference     *reference);

JsonNode        *ks_consent_to_json (const KsConsent *consent);
KsConsent       *ks_consent_from_json (JsonNode *node,
                                       GError  **error);
char            *ks_consent_list_to_json (GPtrArray *consents);
GPtrArray       *ks_consent_list_from_json (const char *json,
                                            GError    **error);
const KsConsent *ks_consent_list_find (GPtrArray  *consents,
                                       const char *service_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsConsent, ks_consent_free)

G_END_DECLS
