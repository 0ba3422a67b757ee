/* ks-record.h: a citizen's enrollment record: its fields and its states
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* records.flags: what a supervisor must look at before deciding. Shown as words, never only as
 * a colour. Forced and missing fingers, and a possible duplicate enrolment, need an explicit
 * second confirmation to approve. DUPLICATE_WARNING: a new finger equals ANOTHER finger on
 * record for the same CNIC (swapped fingers); DUPLICATE_ENROLMENT: the fingers match another
 * record of this station, another CNIC or name (ks-duplicate-findings.h). */
#define KS_RECORD_FLAG_FORCED_FINGER       (1 << 0)
#define KS_RECORD_FLAG_MISSING_FINGER      (1 << 1)
#define KS_RECORD_FLAG_DUPLICATE_WARNING   (1 << 2)
#define KS_RECORD_FLAG_DUPLICATE_ENROLMENT (1 << 3)
#define KS_RECORD_FLAGS_EXCEPTIONS         (KS_RECORD_FLAG_FORCED_FINGER | \
                                            KS_RECORD_FLAG_MISSING_FINGER | \
                                            KS_RECORD_FLAG_DUPLICATE_ENROLMENT)

typedef enum
{
  KS_RECORD_STATE_SUBMITTED = 1,
  KS_RECORD_STATE_APPROVED,
  KS_RECORD_STATE_REJECTED,
  KS_RECORD_STATE_QUEUED,
  KS_RECORD_STATE_SYNCED,
  KS_RECORD_STATE_SYNC_FAILED,
} KsRecordState;

/* The fields of a record, in the wizard's order. Each is a string property of KsRecord. */
typedef enum
{
  /* Identity step */
  KS_FIELD_ID_KIND,          /* "cnic" or "bform" */
  KS_FIELD_CNIC,             /* the CNIC or B-form number, 13 digits */
  KS_FIELD_DATE_OF_BIRTH,    /* YYYY-MM-DD */
  KS_FIELD_GENDER,           /* "male", "female", "transgender" */
  /* Personal step */
  KS_FIELD_FULL_NAME,
  KS_FIELD_FULL_NAME_UR,
  KS_FIELD_FATHER_NAME,
  KS_FIELD_FATHER_NAME_UR,
  KS_FIELD_RELATION,         /* "father" or "husband" */
  KS_FIELD_GUARDIAN_CNIC,    /* minors only */
  KS_FIELD_GUARDIAN_NAME,
  /* Address and contact step */
  KS_FIELD_MOBILE,
  KS_FIELD_EMAIL,
  KS_FIELD_ADDRESS_LINE1,
  KS_FIELD_ADDRESS_LINE2,
  KS_FIELD_DISTRICT,
  KS_FIELD_TEHSIL,
  /* Services and consent step */
  KS_FIELD_CONSENTS,         /* JSON array of KsConsent */
  /* Personal step, optional, kept last so the steps' field ranges stay contiguous */
  KS_FIELD_PHOTO,            /* PNG sealed with ks_photo_seal(), base64; "" for none */
  KS_N_FIELDS
} KsField;

#define KS_TYPE_RECORD (ks_record_get_type ())

G_DECLARE_FINAL_TYPE (KsRecord, ks_record, KS, RECORD, GObject)

KsRecord     *ks_record_new (void);
const char   *ks_record_get (KsRecord *self,
                             KsField   field);
void          ks_record_set (KsRecord   *self,
                             KsField     field,
                             const char *value);
char         *ks_record_to_json (KsRecord *self);
KsRecord     *ks_record_new_from_json (const char *json,
                                       GError    **error);
KsRecord     *ks_record_copy (KsRecord *self);

const char   *ks_record_state_to_string (KsRecordState state);
gboolean      ks_record_state_from_string (const char    *text,
                                           KsRecordState *state);
const char   *ks_record_state_get_label (KsRecordState state);
gboolean      ks_record_state_can_change (KsRecordState from,
                                          KsRecordState to);

G_END_DECLS
