/* ks-card.h: issuing a Khyber Pass card and drawing it (ID-1, front and back, cairo + pango)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "ks-claim169.h"
#include "ks-trust.h"

G_BEGIN_DECLS

/* ISO/IEC 7810 ID-1. */
#define KS_CARD_WIDTH_MM 85.60
#define KS_CARD_HEIGHT_MM 53.98
/* Below this a phone camera or a 300 dpi scan stops reading the QR reliably. */
#define KS_CARD_MIN_MODULE_MM 0.33
#define KS_CARD_DEFAULT_VALIDITY_YEARS 10
/* PNG output resolution of ks_card_write_file(). */
#define KS_CARD_PNG_DPI 300.0

/* What the records module hands over: plain strings, all but kp_id and full_name optional. */
typedef struct
{
  char *kp_id;
  char *full_name;
  char *full_name_ur;
  char *father_name;
  char *father_name_ur;
  gboolean husband;           /* the name above is the husband's, not the father's */
  char *date_of_birth;        /* YYYY-MM-DD */
  int gender;                 /* 1 male, 2 female, 3 transgender/other, 0 unknown */
  char *address;             /* neither printed nor put in the QR: anyone can read a QR */
  char *phone;                /* E.164, +923001234567: likewise kept off the card and QR */
  char *district_code;
  char *district_name;
  GBytes *photo_png;          /* (nullable) PNG bytes of the holder's photo */
} KsCardHolder;

typedef struct
{
  const char *issuer_uri;     /* (nullable) the registry's URI (CWT iss); NULL while the station
                               * has none configured: the card names no registry then */
  gint64 issued_at;           /* unix seconds; 0: now */
  guint validity_years;       /* 0: KS_CARD_DEFAULT_VALIDITY_YEARS */
  gboolean specimen;          /* print SPECIMEN across both sides (training, samples) */
  const char *credential_id;  /* (nullable) the card's CWT cti as hex; NULL: a new random one */
} KsCardIssueOptions;

typedef struct _KsCard KsCard;

KsCardHolder    *ks_card_holder_new (void);
KsCardHolder    *ks_card_holder_copy (const KsCardHolder *holder);
void             ks_card_holder_free (KsCardHolder *holder);
KsClaim169      *ks_card_holder_to_claim (const KsCardHolder *holder);

KsCard          *ks_card_issue (const KsCardHolder       *holder,
                                KsStationKeys            *keys,
                                const KsCardIssueOptions *opts,
                                GError                  **error);
KsCard          *ks_card_ref (KsCard *card);
void             ks_card_free (KsCard *card);
const char      *ks_card_get_kp_id (KsCard *card);
const char      *ks_card_get_credential_id (KsCard *card);
gboolean         ks_card_is_specimen (KsCard *card);
gint64           ks_card_get_issued_at (KsCard *card);
void             ks_card_set_photo_surface (KsCard          *card,
                                            cairo_surface_t *photo);

void             ks_card_render_front (KsCard  *card,
                                       cairo_t *cr);
void             ks_card_render_back (KsCard  *card,
                                      cairo_t *cr);
cairo_surface_t *ks_card_render_image (KsCard *card,
                                       double  dpi);
gboolean         ks_card_write_pdf (KsCard     *card,
                                    const char *path,
                                    GError    **error);
gboolean         ks_card_write_png (KsCard     *card,
                                    const char *path,
                                    double      dpi,
                                    GError    **error);
gboolean         ks_card_write_file (KsCard     *card,
                                     const char *path,
                                     GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCardHolder, ks_card_holder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCard, ks_card_free)

G_END_DECLS
