/* ks-verify-finger.h: Verify's 1:1 fingerprint check of a card's holder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TYPE_VERIFY_FINGER (ks_verify_finger_get_type ())

G_DECLARE_FINAL_TYPE (KsVerifyFinger, ks_verify_finger, KS, VERIFY_FINGER, AdwBin)

void     ks_verify_finger_set_station (KsVerifyFinger *self,
                                       KsStation      *station);
void     ks_verify_finger_set_session (KsVerifyFinger *self,
                                       KsSession      *session);
void     ks_verify_finger_set_holder (KsVerifyFinger *self,
                                      const char     *kp_id);
void     ks_verify_finger_check (KsVerifyFinger *self);
gboolean ks_verify_finger_is_busy (KsVerifyFinger *self);

G_END_DECLS
