/* ks-card-scan.h: reading a card back from a scan (PNG or PDF) and giving a verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "ks-claim169.h"

G_BEGIN_DECLS

typedef enum
{
  KS_VERDICT_VALID,
  KS_VERDICT_ALTERED,           /* altered or forged: the signature does not match, or the
                                 * code is unsigned */
  KS_VERDICT_UNKNOWN_ISSUER,    /* signed, but not by a station the trust list accepts */
  KS_VERDICT_EXPIRED,
  KS_VERDICT_NOT_YET_VALID,
  KS_VERDICT_NOT_A_CARD,        /* no QR, or a QR that is not a Khyber Pass credential */
  KS_VERDICT_REVOKED,           /* genuine, but taken back: its record was rejected or replaced */
} KsVerdict;

/* Exit codes of `khyber-station verify FILE`:
 *   0  valid                      4  expired
 *   2  altered or forged          5  not yet valid
 *   3  unknown issuer             6  not a Khyber Pass card (no QR, or a foreign one)
 *   7  revoked
 *  64  usage error (EX_USAGE)    66  the file cannot be read (EX_NOINPUT)
 *  65  the --trust file would replace or shadow a trusted key (EX_DATAERR)
 * 1 is left to anything unexpected, so a script can tell a verdict from a crash. */
#define KS_EXIT_VALID            0
#define KS_EXIT_ALTERED          2
#define KS_EXIT_UNKNOWN_ISSUER   3
#define KS_EXIT_EXPIRED          4
#define KS_EXIT_NOT_YET_VALID    5
#define KS_EXIT_NOT_A_CARD       6
#define KS_EXIT_REVOKED          7
#define KS_EXIT_USAGE           64
#define KS_EXIT_TRUST_CONFLICT  65  /* --trust FILE would replace a trusted key (EX_DATAERR) */
#define KS_EXIT_NO_INPUT        66

/* Resolution for rasterizing a PDF before looking for the QR. */
#define KS_CARD_SCAN_DPI 300.0

typedef struct
{
  KsVerdict verdict;
  char *message;                /* for the operator: the verdict's reason, translated */
  KsCredential *credential;     /* (nullable) set when VALID, EXPIRED or NOT_YET_VALID: the
                                 * signature holds, so the fields are genuine */
  char *qr_text;                /* (nullable) the QR's text as read */
  gboolean face_embedded;       /* the genuine credential holds a face (Claim 169 key 62) */
  GBytes *face_png;             /* (nullable) that face as PNG, when it decodes */
} KsVerifyResult;

KsVerdict       ks_verdict_for_error (const GError *error);
int             ks_verdict_exit_code (KsVerdict verdict);
const char     *ks_verdict_to_string (KsVerdict verdict);

GPtrArray      *ks_card_scan_load_pages (const char *path,
                                         double      dpi,
                                         GError    **error);
GPtrArray      *ks_card_scan_image (cairo_surface_t *image);
GPtrArray      *ks_card_scan_file (const char *path,
                                   double      dpi,
                                   GError    **error);
char           *ks_card_scan_camera (const char *device,
                                     guint       timeout_ms,
                                     GError    **error);

KsVerifyResult *ks_card_verify_text (const char            *qr_text,
                                     const KsVerifyOptions *opts);
KsVerifyResult *ks_card_verify_file (const char            *path,
                                     const KsVerifyOptions *opts,
                                     GError               **error);
void            ks_verify_result_free (KsVerifyResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsVerifyResult, ks_verify_result_free)

G_END_DECLS
