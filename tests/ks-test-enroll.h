/* ks-test-enroll.h: records made the way an operator makes them, for every test that needs some
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-fingers.h"
#include "ks-records.h"
#include "ks-session.h"
#include "ks-station.h"

G_BEGIN_DECLS

#define KS_TEST_SUPERVISOR          "sana.sup"
#define KS_TEST_SUPERVISOR_PASSWORD "supervisor-pw"
#define KS_TEST_OPERATOR            "omar.op"
#define KS_TEST_OPERATOR_PASSWORD   "operator-pw"
#define KS_TEST_REJECT_REASON       "photo-quality"

typedef struct
{
  KsSession *supervisor;
  KsSession *operator;
} KsTestStaff;

KsRecord    *ks_test_wizard_record (guint i);
char        *ks_test_typed_cnic (guint i);
char        *ks_test_bare_cnic (guint i);
KsTestStaff *ks_test_staff_get (KsStore *store);
void         ks_test_staff_free (KsTestStaff *staff);
char        *ks_test_enroll (KsStore     *store,
                             KsSession   *operator,
                             KsReference *reference,
                             KsVault     *vault,
                             GPtrArray   *fingers,
                             const char  *station_code,
                             guint i);
char        *ks_test_enroll_record (KsStore     *store,
                                    KsSession   *operator,
                                    KsReference *reference,
                                    KsVault     *vault,
                                    GPtrArray   *fingers,
                                    const char  *station_code,
                                    KsRecord    *record);
void         ks_test_decide (KsStore      *store,
                             KsSession    *supervisor,
                             GPtrArray    *kp_ids,
                             KsRecordState to);
GPtrArray   *ks_test_enroll_many (KsStore      *store,
                                  KsReference  *reference,
                                  const char   *station_code,
                                  guint         first,
                                  guint         n,
                                  KsRecordState state);

/* Real fingerprints (FVC2000 DB1_B, ../shared next to the repository), pressed on the training
 * profile's simulated reader. */
char            *ks_test_fvc2000_dir (void);
void             ks_test_queue_real (KsStation  *station,
                                     const char *dir,
                                     guint       fvc_finger,
                                     guint       impression);
KsFingerCapture *ks_test_capture_real (KsStation   *station,
                                       const char  *dir,
                                       FpFinger     finger,
                                       guint        fvc_finger,
                                       const guint *impressions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsTestStaff, ks_test_staff_free)

G_END_DECLS
