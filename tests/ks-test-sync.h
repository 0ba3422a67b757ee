/* ks-test-sync.h: a loopback registry and a station for the sync tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-test-enroll.h"
#include "ks-store.h"
#include "ks-sync.h"
#include "ks-trust.h"

G_BEGIN_DECLS

#define KS_TEST_CODE "TEST-CODE-1"
#define KS_TEST_CODE_2 "TEST-CODE-2"

typedef struct
{
  GSubprocess *process;
  char *dir;
  char *db;
  char *url;
  int port;
  char **extra_args;    /* more registry options for the next (re)start */
  char *conninfo;       /* its PostgreSQL database; NULL when it stores in SQLite (db) */
} KsTestRegistry;

typedef struct
{
  char *dir;
  char *code;           /* the station's code: the second part of its IDs */
  KsStore *store;
  KsReference *reference;
  KsStationKeys *keys;
  KsSyncEngine *engine;
} KsTestStation;

const char     *ks_test_pki_dir (void);
KsTestRegistry *ks_test_registry_start (void);
void            ks_test_registry_restart (KsTestRegistry *reg);
void            ks_test_registry_kill (KsTestRegistry *reg);
void            ks_test_registry_free (KsTestRegistry *reg);
void            ks_test_registry_fault (KsTestRegistry *reg,
                                        const char     *mode,
                                        guint           count,
                                        guint           delay_ms);
gint64          ks_test_registry_count (KsTestRegistry *reg,
                                        const char     *where);
char           *ks_test_registry_status (KsTestRegistry *reg,
                                         const char     *kp_id);
/* The registry's storage, whichever it is (KS_TEST_REGISTRY_STORAGE: sqlite, the default, or
 * postgresql): SQL both understand. */
gboolean        ks_test_registry_uses_postgresql (void);
void            ks_test_registry_restart_storage (KsTestRegistry *reg);
void            ks_test_registry_exec (KsTestRegistry *reg,
                                       const char     *sql);
char           *ks_test_registry_query (KsTestRegistry *reg,
                                        const char     *sql);
GBytes         *ks_test_registry_query_bytes (KsTestRegistry *reg,
                                              const char     *sql);

KsTestStation  *ks_test_station_new (const char     *dir,
                                     KsTestRegistry *reg);
KsTestStation  *ks_test_station_new_with_code (const char     *dir,
                                               KsTestRegistry *reg,
                                               const char     *code);
void            ks_test_station_free (KsTestStation *st);
gboolean        ks_test_station_provision (KsTestStation *st,
                                           const char    *code,
                                           GError       **error);
gboolean        ks_test_station_sync (KsTestStation *st,
                                      GError       **error);
void            ks_test_station_add (KsTestStation *st,
                                     guint          first,
                                     guint          n,
                                     KsRecordState  state);
gint64          ks_test_station_max_attempts (KsTestStation *st);
char           *ks_test_station_kp_id (KsTestStation *st,
                                       guint          i);
void            ks_test_assert_agreement (KsTestStation  *st,
                                          KsTestRegistry *reg,
                                          gint64          expected_records);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsTestRegistry, ks_test_registry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsTestStation, ks_test_station_free)

G_END_DECLS
