/* ks-record-validate.c: checking a whole record, field by field, in the wizard's order
 *
 * The wizard checks a step's fields when the operator moves on, and the store checks every
 * field again at submit: a record that reaches the queue is valid whatever the UI did. Fields
 * are checked in the order they appear on screen, so the first failure is the field to focus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-record-validate"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-consent.h"
#include "ks-record-validate.h"

static KsGender
record_gender (KsRecord *record)
{
  KsGender gender = KS_GENDER_UNSPECIFIED;

  ks_gender_from_id (ks_record_get (record, KS_FIELD_GENDER), &gender);
  return gender;
}

/**
 * ks_record_age:
 *
 * Returns: the citizen's age in whole years on @today, or -1 when the date of birth is not
 *   (yet) a valid date
 */
int
ks_record_age (KsRecord    *record,
               const GDate *today)
{
  g_autofree char *normalized = NULL;
  int age = -1;

  if (ks_validate_date_of_birth (ks_record_get (record, KS_FIELD_DATE_OF_BIRTH), today,
                                 &normalized, &age, NULL) == KS_VALIDATE_INVALID)
    return -1;
  return age;
}

/**
 * ks_record_field_applies:
 *
 * Whether @field is asked of this citizen: the guardian's fields only for minors.
 */
gboolean
ks_record_field_applies (KsRecord    *record,
                         KsField      field,
                         const GDate *today)
{
  if (field == KS_FIELD_GUARDIAN_CNIC || field == KS_FIELD_GUARDIAN_NAME)
    {
      int age = ks_record_age (record, today);
      return age >= 0 && ks_age_requires_guardian (age);
    }
  return TRUE;
}

static KsValidateResult
invalid (GError    **error,
         const char *message)
{
  g_set_error_literal (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT, message);
  return KS_VALIDATE_INVALID;
}

static KsValidateResult
check_consents (KsRecord    *record,
                KsReference *reference,
                GError     **error)
{
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GError) local_error = NULL;

  consents = ks_consent_list_from_json (ks_record_get (record, KS_FIELD_CONSENTS), &local_error);
  if (consents == NULL)
    return invalid (error, _("The services could not be read. Choose the services again."));

  for (guint i = 0; i < consents->len; i++)
    {
      const KsConsent *consent = consents->pdata[i];
      const KsService *service = ks_reference_lookup_service (reference, consent->service_id);

      if (service == NULL)
        return invalid (error, _("A chosen service is not offered at this station. Choose the "
                                 "services again."));
      if (!consent->granted)
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_EMPTY,
                       _("Read the consent text for “%s” to the citizen and record their "
                         "consent, or remove the service."),
                       service->title_en);
          return KS_VALIDATE_INVALID;
        }
      if (!ks_consent_is_current (consent, reference))
        {
          g_set_error (error, KS_VALIDATE_ERROR, KS_VALIDATE_ERROR_INVALID_FORMAT,
                       _("The consent text for “%s” has changed. Read the new text to the "
                         "citizen and record their consent again."),
                       service->title_en);
          return KS_VALIDATE_INVALID;
        }
    }
  return KS_VALIDATE_OK;
}

/**
 * ks_record_check_field:
 * @normalized: (out) (optional): the value as it should be stored
 *
 * Checks one field in the context of the whole record (the CNIC's last digit against the
 * gender, the guardian against the age, the tehsil against the district).
 */
KsValidateResult
ks_record_check_field (KsRecord    *record,
                       KsField      field,
                       KsReference *reference,
                       const GDate *today,
                       char       **normalized,
                       GError     **error)
{
  const char *value = ks_record_get (record, field);
  g_autofree char *norm = NULL;
  KsValidateResult result = KS_VALIDATE_OK;
  int age;

  switch (field)
    {
    case KS_FIELD_ID_KIND:
      if (!g_str_equal (value, "cnic") && !g_str_equal (value, "bform"))
        return invalid (error, _("Choose whether the citizen has a CNIC or a B-form."));
      norm = g_strdup (value);
      break;

    case KS_FIELD_CNIC:
      result = ks_validate_id_number (value,
                                      g_str_equal (ks_record_get (record,
                                                                  KS_FIELD_ID_KIND), "bform")
                                        ? KS_ID_NUMBER_BFORM : KS_ID_NUMBER_CNIC,
                                      record_gender (record), &norm, error);
      break;

    case KS_FIELD_GENDER:
      if (record_gender (record) == KS_GENDER_UNSPECIFIED)
        return invalid (error, _("Choose the citizen’s gender."));
      norm = g_strdup (value);
      break;

    case KS_FIELD_DATE_OF_BIRTH:
      if (ks_record_is_typed (record, field))
        result = ks_validate_typed_date_of_birth (value, today, &norm, &age, error);
      else
        result = ks_validate_date_of_birth (value, today, &norm, &age, error);
      /* A B-form is a minor's document; an adult needs a CNIC. */
      if (result != KS_VALIDATE_INVALID &&
          g_str_equal (ks_record_get (record, KS_FIELD_ID_KIND), "bform") &&
          !ks_age_requires_guardian (age))
        {
          g_clear_error (error);
          g_clear_pointer (&norm, g_free);
          return invalid (error, _("A B-form is for citizens under 18. This citizen is an adult: "
                                   "enter their CNIC instead."));
        }
      /* And the other way round: NADRA issues the CNIC at 18, so a child's "CNIC" is someone
       * else's number (often a parent's). */
      if (result != KS_VALIDATE_INVALID &&
          g_str_equal (ks_record_get (record, KS_FIELD_ID_KIND), "cnic") &&
          ks_age_requires_guardian (age))
        {
          g_clear_error (error);
          g_clear_pointer (&norm, g_free);
          return invalid (error, _("A CNIC is issued at 18. This citizen is under 18: choose "
                                   "B-form and enter the number on their B-form."));
        }
      break;

    case KS_FIELD_FULL_NAME:
      result = ks_validate_name_latin (value, KS_NAME_FIELD_FULL_NAME, &norm, error);
      break;

    case KS_FIELD_FULL_NAME_UR:
      result = ks_validate_name_urdu (value, KS_NAME_FIELD_FULL_NAME, &norm, error);
      break;

    case KS_FIELD_RELATION:
      if (!g_str_equal (value, "father") && !g_str_equal (value, "husband"))
        return invalid (error, _("Choose whether the next name is the father’s or the husband’s."));
      norm = g_strdup (value);
      break;

    case KS_FIELD_FATHER_NAME:
      result = ks_validate_name_latin (value, KS_NAME_FIELD_FATHER_OR_HUSBAND, &norm, error);
      break;

    case KS_FIELD_FATHER_NAME_UR:
      result = ks_validate_name_urdu (value, KS_NAME_FIELD_FATHER_OR_HUSBAND, &norm, error);
      break;

    case KS_FIELD_GUARDIAN_CNIC:
    case KS_FIELD_GUARDIAN_NAME:
      age = ks_record_age (record, today);
      if (age < 0 || !ks_age_requires_guardian (age))
        {
          /* Adults have no guardian: whatever an earlier age left here is dropped. */
          norm = g_strdup ("");
          break;
        }
      {
        g_autofree char *cnic = NULL;
        g_autofree char *name = NULL;

        result = ks_validate_guardian (age, ks_record_get (record, KS_FIELD_GUARDIAN_CNIC),
                                       ks_record_get (record, KS_FIELD_GUARDIAN_NAME),
                                       &cnic, &name, error);
        if (result != KS_VALIDATE_INVALID)
          norm = g_strdup (field == KS_FIELD_GUARDIAN_CNIC ? cnic : name);
        /* The guardian check covers both fields; report it on the one that is wrong. */
        else if (field == KS_FIELD_GUARDIAN_NAME &&
                 ks_validate_id_number (ks_record_get (record, KS_FIELD_GUARDIAN_CNIC),
                                        KS_ID_NUMBER_GUARDIAN_CNIC, KS_GENDER_UNSPECIFIED,
                                        NULL, NULL) == KS_VALIDATE_INVALID)
          {
            g_clear_error (error);
            norm = g_strdup (value);
            result = KS_VALIDATE_OK;
          }
      }
      break;

    case KS_FIELD_MOBILE:
      result = ks_validate_mobile (value, &norm, error);
      break;

    case KS_FIELD_EMAIL:
      result = ks_validate_email (value, &norm, error);
      break;

    case KS_FIELD_ADDRESS_LINE1:
      result = ks_validate_address_line (value, 1, &norm, error);
      break;

    case KS_FIELD_ADDRESS_LINE2:
      if (*value == '\0')
        norm = g_strdup ("");
      else
        result = ks_validate_address_line (value, 2, &norm, error);
      break;

    case KS_FIELD_DISTRICT:
      if (ks_reference_lookup_district (reference, value) == NULL)
        return invalid (error, _("Choose the district where the citizen lives."));
      norm = g_strdup (value);
      break;

    case KS_FIELD_TEHSIL:
      {
        const KsTehsil *tehsil = ks_reference_lookup_tehsil (reference, value);

        if (tehsil != NULL && tehsil->moved_to != NULL)
          {
            const KsTehsil *now = ks_reference_lookup_tehsil (reference, tehsil->moved_to);
            g_autofree char *message = NULL;

            /* Translators: "Wari is now in Central Dir district: choose Central Dir, then Wari." */
            message = g_strdup_printf (_("%s is now in %s district: choose %s, then %s."),
                                       tehsil->name_en, now->district->name_en,
                                       now->district->name_en, now->name_en);
            return invalid (error, message);
          }
        if (tehsil == NULL ||
            g_strcmp0 (tehsil->district->code, ks_record_get (record, KS_FIELD_DISTRICT)) != 0)
          return invalid (error, _("Choose the tehsil, within the chosen district."));
        norm = g_strdup (value);
      }
      break;

    case KS_FIELD_CONSENTS:
      result = check_consents (record, reference, error);
      norm = g_strdup (value);
      break;

    case KS_FIELD_PHOTO:
      /* Optional; sealed by the station, so only its form is checked here. */
      for (const char *p = value; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
          return invalid (error, _("The photo could not be read. Choose the photo again."));
      norm = g_strdup (value);
      break;

    case KS_N_FIELDS:
    default:
      g_return_val_if_reached (KS_VALIDATE_INVALID);
    }

  if (result != KS_VALIDATE_INVALID && normalized != NULL)
    *normalized = g_steal_pointer (&norm);
  return result;
}

/**
 * ks_record_validate:
 * @first: the first field to check
 * @last: the last field to check (inclusive)
 * @normalize: write each normalised value back into @record
 * @bad_field: (out) (optional): the first invalid field
 *
 * Warnings (a CNIC from another province) do not fail; the wizard shows them by checking the
 * field itself.
 */
gboolean
ks_record_validate (KsRecord    *record,
                    KsField      first,
                    KsField      last,
                    KsReference *reference,
                    const GDate *today,
                    gboolean     normalize,
                    KsField     *bad_field,
                    GError     **error)
{
  g_return_val_if_fail (KS_IS_RECORD (record), FALSE);
  g_return_val_if_fail (first <= last && last < KS_N_FIELDS, FALSE);

  for (KsField f = first; f <= last; f++)
    {
      g_autofree char *normalized = NULL;
      g_autoptr(GError) local_error = NULL;

      if (ks_record_check_field (record, f, reference, today, &normalized, &local_error) ==
          KS_VALIDATE_INVALID)
        {
          if (bad_field != NULL)
            *bad_field = f;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (normalize && normalized != NULL)
        ks_record_set (record, f, normalized);
    }
  return TRUE;
}
