/* ks-record-validate.h: checking a whole record, field by field, in the wizard's order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record.h"
#include "ks-reference.h"
#include "ks-validate.h"

G_BEGIN_DECLS

KsValidateResult ks_record_check_field (KsRecord    *record,
                                        KsField      field,
                                        KsReference *reference,
                                        const GDate *today,
                                        char       **normalized,
                                        GError     **error);
gboolean         ks_record_field_applies (KsRecord    *record,
                                          KsField      field,
                                          const GDate *today);
gboolean         ks_record_validate (KsRecord    *record,
                                     KsField      first,
                                     KsField      last,
                                     KsReference *reference,
                                     const GDate *today,
                                     gboolean     normalize,
                                     KsField     *bad_field,
                                     GError     **error);
int              ks_record_age (KsRecord    *record,
                                const GDate *today);

G_END_DECLS
