/* ks-enroll-services.h: the services a citizen signs up for, with their consent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-reference.h"

G_BEGIN_DECLS

#define KS_TYPE_ENROLL_SERVICES (ks_enroll_services_get_type ())

G_DECLARE_FINAL_TYPE (KsEnrollServices, ks_enroll_services, KS, ENROLL_SERVICES,
                      AdwPreferencesGroup)

void       ks_enroll_services_set_services (KsEnrollServices  *self,
                                            KsReference       *reference,
                                            const char *const *enabled);
void       ks_enroll_services_set_consents (KsEnrollServices *self,
                                            const char       *json);
char      *ks_enroll_services_dup_consents (KsEnrollServices *self);
GtkWidget *ks_enroll_services_get_first (KsEnrollServices *self);
GtkWidget *ks_enroll_services_get_pending (KsEnrollServices *self);

G_END_DECLS
