/* ks-validate.h: checks and normalisers for the enrollment form's fields
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_VALIDATE_ERROR (ks_validate_error_quark ())

/* Codes of KS_VALIDATE_ERROR. Codes up to KS_VALIDATE_ERROR_GUARDIAN_REQUIRED come with
 * KS_VALIDATE_INVALID; the KS_VALIDATE_WARNING_* codes come with KS_VALIDATE_WARNING. */
typedef enum
{
  KS_VALIDATE_ERROR_EMPTY = 1,
  KS_VALIDATE_ERROR_TOO_SHORT,
  KS_VALIDATE_ERROR_TOO_LONG,
  KS_VALIDATE_ERROR_INVALID_CHARACTER,
  KS_VALIDATE_ERROR_WRONG_SCRIPT,
  KS_VALIDATE_ERROR_INVALID_FORMAT,
  KS_VALIDATE_ERROR_INVALID_NUMBER,
  KS_VALIDATE_ERROR_GENDER_MISMATCH,
  KS_VALIDATE_ERROR_INVALID_DATE,
  KS_VALIDATE_ERROR_FUTURE_DATE,
  KS_VALIDATE_ERROR_TOO_OLD,
  KS_VALIDATE_ERROR_GUARDIAN_REQUIRED,

  KS_VALIDATE_WARNING_OTHER_PROVINCE = 100,
} KsValidateError;

/* A validator's verdict. On KS_VALIDATE_OK the error is left unset. On KS_VALIDATE_WARNING the
 * value is usable (and normalised) but the error is set to a KS_VALIDATE_WARNING_* code whose
 * message the form should show as a warning, not block on. On KS_VALIDATE_INVALID the error says
 * what is wrong and how to fix it, and nothing is written to the output parameters. */
typedef enum
{
  KS_VALIDATE_OK,
  KS_VALIDATE_WARNING,
  KS_VALIDATE_INVALID,
} KsValidateResult;

typedef enum
{
  KS_GENDER_UNSPECIFIED,
  KS_GENDER_MALE,
  KS_GENDER_FEMALE,
  KS_GENDER_TRANSGENDER,
} KsGender;

/* Which 13-digit number a field holds: the format is the same, the operator message names it. */
typedef enum
{
  KS_ID_NUMBER_CNIC,
  KS_ID_NUMBER_BFORM,
  KS_ID_NUMBER_GUARDIAN_CNIC,
} KsIdNumberKind;

/* Which name a field holds (for messages). */
typedef enum
{
  KS_NAME_FIELD_FULL_NAME,
  KS_NAME_FIELD_FATHER_OR_HUSBAND,
  KS_NAME_FIELD_GUARDIAN,
} KsNameField;

typedef enum
{
  KS_MOBILE_STYLE_INTERNATIONAL, /* +92 3XX XXXXXXX */
  KS_MOBILE_STYLE_NATIONAL,      /* 03XX-XXXXXXX */
} KsMobileStyle;

#define KS_NAME_MIN_CHARS          2
#define KS_NAME_MAX_CHARS          100
#define KS_ADDRESS_LINE_MIN_CHARS  3
#define KS_ADDRESS_LINE_MAX_CHARS  100
#define KS_EMAIL_MAX_CHARS         254
#define KS_AGE_MAX_YEARS           120
#define KS_AGE_OF_MAJORITY         18

GQuark            ks_validate_error_quark (void);

/* Gender */
const char       *ks_gender_to_id (KsGender gender);
gboolean          ks_gender_from_id (const char *id,
                                     KsGender   *gender);
const char       *ks_gender_get_label (KsGender gender);

/* CNIC / B-form (CRC) numbers */
KsValidateResult  ks_validate_id_number (const char    *input,
                                         KsIdNumberKind kind,
                                         KsGender       gender,
                                         char         **normalized,
                                         GError       **error);
const char       *ks_id_number_province_name (const char *normalized);

/* Names */
KsValidateResult  ks_validate_name_latin (const char *input,
                                          KsNameField field,
                                          char      **normalized,
                                          GError    **error);
KsValidateResult  ks_validate_name_urdu (const char *input,
                                         KsNameField field,
                                         char      **normalized,
                                         GError    **error);

/* Date of birth, age and guardian */
KsValidateResult  ks_validate_date_of_birth (const char  *input,
                                             const GDate *today,
                                             char       **normalized,
                                             int         *age_years,
                                             GError     **error);
KsValidateResult  ks_validate_typed_date_of_birth (const char  *input,
                                                   const GDate *today,
                                                   char       **normalized,
                                                   int         *age_years,
                                                   GError     **error);
int               ks_age_on (const GDate *birth,
                             const GDate *today);
gboolean          ks_age_requires_guardian (int age_years);
KsValidateResult  ks_validate_guardian (int         age_years,
                                        const char *guardian_cnic,
                                        const char *guardian_name,
                                        char      **normalized_cnic,
                                        char      **normalized_name,
                                        GError    **error);

/* Contact */
KsValidateResult  ks_validate_mobile (const char *input,
                                      char      **e164,
                                      GError    **error);
char             *ks_mobile_format (const char   *e164,
                                    KsMobileStyle style);
KsValidateResult  ks_validate_email (const char *input,
                                     char      **normalized,
                                     GError    **error);
KsValidateResult  ks_validate_address_line (const char *input,
                                            guint       line_number,
                                            char      **normalized,
                                            GError    **error);

/* Shared normaliser: trims, turns every run of white space into one space. */
char             *ks_collapse_spaces (const char *input);

G_END_DECLS
