/* ks-reference.h: the station's reference data (districts, services, reasons)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_REFERENCE_ERROR (ks_reference_error_quark ())

typedef enum
{
  KS_REFERENCE_ERROR_NOT_FOUND = 1,
  KS_REFERENCE_ERROR_PARSE,
  KS_REFERENCE_ERROR_INVALID,
} KsReferenceError;

typedef struct _KsReference KsReference;
typedef struct _KsDivision KsDivision;
typedef struct _KsDistrict KsDistrict;
typedef struct _KsTehsil KsTehsil;

/* The records below are read-only and live as long as the KsReference that returned them. */

struct _KsTehsil
{
  const char       *code;      /* "PEW-01": district code, dash, two digits */
  const char       *name_en;
  const char       *name_ur;
  const char       *name_ps;   /* (nullable) */
  const KsDistrict *district;
  const char       *moved_to;  /* the code it has had since it moved to another district
                                * (older records still name it); NULL for a current tehsil */
};

struct _KsDistrict
{
  const char       *code;      /* 3 upper-case letters, the first part of a Khyber Pass ID */
  const char       *name_en;
  const char       *name_ur;
  const char       *name_ps;   /* (nullable) */
  gboolean merged_2018;          /* a former tribal district */
  const KsDivision *division;
  GPtrArray        *tehsils;   /* (element-type KsTehsil), at least one */
};

struct _KsDivision
{
  const char *id;              /* "peshawar", "dera-ismail-khan"... */
  const char *name_en;
  const char *name_ur;
  const char *name_ps;         /* (nullable) */
  GPtrArray  *districts;       /* (element-type KsDistrict), at least one */
};

typedef struct
{
  const char *id;              /* "sehat-card", "education"... */
  const char *title_en;
  const char *title_ur;
  const char *description_en;
  const char *description_ur;
  const char *consent_en;
  const char *consent_ur;
  const char *consent_version; /* changes whenever either consent text changes */
  gboolean enabled_by_default;
} KsService;

typedef struct
{
  const char *id;
  const char *label_en;
  const char *label_ur;
  const char *label_ps;        /* optional: Urdu is shown in its place */
  gboolean permanent;          /* missing-finger reasons only: will never be captured */
} KsReason;

GQuark            ks_reference_error_quark (void);

const char       *ks_district_get_name (const KsDistrict *district);
const char       *ks_reason_get_label (const KsReason *reason);
const char       *ks_tehsil_get_name (const KsTehsil *tehsil);
const char       *ks_division_get_name (const KsDivision *division);
const char       *ks_district_get_local_name (const KsDistrict *district);
const char       *ks_tehsil_get_local_name (const KsTehsil *tehsil);
char             *ks_reference_find_data_dir (void);
KsReference      *ks_reference_load (const char *dir,
                                     GError    **error);
KsReference      *ks_reference_load_default (GError **error);
KsReference      *ks_reference_ref (KsReference *self);
void              ks_reference_unref (KsReference *self);


GPtrArray        *ks_reference_get_divisions (KsReference *self);
GPtrArray        *ks_reference_get_districts (KsReference *self);
const KsDivision *ks_reference_lookup_division (KsReference *self,
                                                const char  *id);
const KsDistrict *ks_reference_lookup_district (KsReference *self,
                                                const char  *code);
const KsTehsil   *ks_reference_lookup_tehsil (KsReference *self,
                                              const char  *code);

GPtrArray        *ks_reference_get_services (KsReference *self);
const KsService  *ks_reference_lookup_service (KsReference *self,
                                               const char  *id);

GPtrArray        *ks_reference_get_rejection_reasons (KsReference *self);
const KsReason   *ks_reference_lookup_rejection_reason (KsReference *self,
                                                        const char  *id);
GPtrArray        *ks_reference_get_missing_finger_reasons (KsReference *self);
const KsReason   *ks_reference_lookup_missing_finger_reason (KsReference *self,
                                                             const char  *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsReference, ks_reference_unref)

G_END_DECLS
