/* ks-card-holder.c: what a card shows, taken from an enrollment record
 *
 * The record keeps codes and form values ("female", "PSH-01"); the card wants the names a
 * reader understands and Claim 169's numbers. This mapping is the one place that knows both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card-holder"

#include "config.h"

#include "ks-card-holder.h"

/* Claim 169 key 9: 1 male, 2 female, 3 other. */
static int
gender_code (const char *gender)
{
  if (g_strcmp0 (gender, "male") == 0)
    return 1;
  if (g_strcmp0 (gender, "female") == 0)
    return 2;
  if (g_strcmp0 (gender, "transgender") == 0)
    return 3;
  return 0;
}

static char *
dup_or_null (const char *text)
{
  return text != NULL && text[0] != '\0' ? g_strdup (text) : NULL;
}

/**
 * ks_card_holder_from_record:
 * @kp_id: the Khyber Pass ID the record was given
 * @ref: (nullable): reference data for district and tehsil names; without it the codes are
 *   printed
 *
 * Returns: (transfer full): the holder, ready for ks_card_issue(); its photo is left unset
 */
KsCardHolder *
ks_card_holder_from_record (KsRecord    *rec,
                            const char  *kp_id,
                            KsReference *ref)
{
  KsCardHolder *h;
  const char *district_code;
  const char *tehsil_code;
  const KsDistrict *district = NULL;
  const KsTehsil *tehsil = NULL;
  g_autoptr(GString) address = g_string_new (NULL);
  g_autoptr(GString) place = g_string_new (NULL);
  const char *lines[2];

  g_return_val_if_fail (KS_IS_RECORD (rec), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  district_code = ks_record_get (rec, KS_FIELD_DISTRICT);
  tehsil_code = ks_record_get (rec, KS_FIELD_TEHSIL);
  if (ref != NULL && district_code != NULL)
    district = ks_reference_lookup_district (ref, district_code);
  if (ref != NULL && tehsil_code != NULL)
    tehsil = ks_reference_lookup_tehsil (ref, tehsil_code);

  h = ks_card_holder_new ();
  h->kp_id = g_strdup (kp_id);
  h->full_name = dup_or_null (ks_record_get (rec, KS_FIELD_FULL_NAME));
  h->full_name_ur = dup_or_null (ks_record_get (rec, KS_FIELD_FULL_NAME_UR));
  h->father_name = dup_or_null (ks_record_get (rec, KS_FIELD_FATHER_NAME));
  h->father_name_ur = dup_or_null (ks_record_get (rec, KS_FIELD_FATHER_NAME_UR));
  /* The wizard asks whose name it is; the card's label says the same. */
  h->husband = g_strcmp0 (ks_record_get (rec, KS_FIELD_RELATION), "husband") == 0;
  h->date_of_birth = dup_or_null (ks_record_get (rec, KS_FIELD_DATE_OF_BIRTH));
  h->gender = gender_code (ks_record_get (rec, KS_FIELD_GENDER));
  h->phone = dup_or_null (ks_record_get (rec, KS_FIELD_MOBILE));
  h->district_code = dup_or_null (district_code);
  if (district != NULL)
    h->district_name = g_strdup (district->name_en);
  else
    h->district_name = dup_or_null (district_code);

  /* Street lines as typed, then "Tehsil, District" as the last line. */
  lines[0] = ks_record_get (rec, KS_FIELD_ADDRESS_LINE1);
  lines[1] = ks_record_get (rec, KS_FIELD_ADDRESS_LINE2);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    if (lines[i] != NULL && lines[i][0] != '\0')
      g_string_append_printf (address, "%s%s", address->len ? "\n" : "", lines[i]);
  if (tehsil != NULL)
    g_string_append (place, tehsil->name_en);
  else if (tehsil_code != NULL && tehsil_code[0] != '\0')
    g_string_append (place, tehsil_code);
  if (h->district_name != NULL && !g_str_equal (place->str, h->district_name))
    g_string_append_printf (place, "%s%s", place->len ? ", " : "", h->district_name);
  if (place->len > 0)
    g_string_append_printf (address, "%s%s", address->len ? "\n" : "", place->str);
  h->address = address->len ? g_strdup (address->str) : NULL;

  return h;
}
