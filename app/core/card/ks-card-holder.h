/* ks-card-holder.h: what a card shows, taken from an enrollment record
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-card.h"
#include "ks-record.h"
#include "ks-reference.h"
#include "ks-store.h"

G_BEGIN_DECLS

KsCardHolder *ks_card_holder_from_record (KsRecord    *rec,
                                          const char  *kp_id,
                                          KsReference *ref);


G_END_DECLS
