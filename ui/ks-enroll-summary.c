/* ks-enroll-summary.c: a record read back to the citizen before submit
 *
 * Each field in three columns: its name in the operator's language, the value, and the name in
 * the citizen's other language (Urdu under an English screen, English under an Urdu or Pashto
 * one: never the same name twice). Values are shown as the citizen knows them (a district's
 * name rather than its code, the date as on the CNIC), and numbers keep their order inside
 * right-to-left screens.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-enroll-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-consent.h"
#include "ks-enroll-summary.h"
#include "ks-l10n.h"
#include "ks-record-validate.h"
#include "ks-validate.h"

struct _KsEnrollSummary
{
  GtkGrid parent_instance;
};

G_DEFINE_FINAL_TYPE (KsEnrollSummary, ks_enroll_summary, GTK_TYPE_GRID)

/* The review shows each field's name in two languages, because it is read with the citizen, who
 * may read only one of them: the screen's, and Urdu (or English under an Urdu or Pashto
 * screen). */
static const struct { KsField field; const char *en; const char *ur; } review_fields[] = {
  { KS_FIELD_CNIC, N_("CNIC / B-form"), "شناختی کارڈ / ب فارم" },
  { KS_FIELD_FULL_NAME, N_("Full name"), "پورا نام" },
  { KS_FIELD_FULL_NAME_UR, N_("Full name (Urdu)"), "پورا نام (اردو)" },
  { KS_FIELD_FATHER_NAME, N_("Father or husband"), "والد یا شوہر" },
  { KS_FIELD_FATHER_NAME_UR, N_("Father or husband (Urdu)"), "والد یا شوہر (اردو)" },
  { KS_FIELD_DATE_OF_BIRTH, N_("Date of birth"), "تاریخ پیدائش" },
  { KS_FIELD_GENDER, N_("Gender"), "جنس" },
  { KS_FIELD_GUARDIAN_CNIC, N_("Guardian’s CNIC"), "سرپرست کا شناختی کارڈ" },
  { KS_FIELD_GUARDIAN_NAME, N_("Guardian"), "سرپرست" },
  { KS_FIELD_MOBILE, N_("Mobile"), "موبائل" },
  { KS_FIELD_EMAIL, N_("Email"), "ای میل" },
  { KS_FIELD_ADDRESS_LINE1, N_("Address"), "پتہ" },
  { KS_FIELD_ADDRESS_LINE2, N_("Address, line 2"), "پتہ، دوسری سطر" },
  { KS_FIELD_DISTRICT, N_("District"), "ضلع" },
  { KS_FIELD_TEHSIL, N_("Tehsil"), "تحصیل" },
  { KS_FIELD_CONSENTS, N_("Services"), "خدمات" },
  { KS_FIELD_PHOTO, N_("Photo"), "تصویر" },
};

static char *
review_value (KsRecord    *record,
              KsReference *reference,
              KsField      field)
{
  const char *value = ks_record_get (record, field);

  switch (field)
    {
    case KS_FIELD_GENDER:
      {
        KsGender gender = KS_GENDER_UNSPECIFIED;
        ks_gender_from_id (value, &gender);
        return g_strdup (ks_gender_get_label (gender));
      }

    case KS_FIELD_DISTRICT:
      {
        const KsDistrict *d = ks_reference_lookup_district (reference, value);
        return d ? g_strdup_printf ("%s · %s", d->name_en, ks_district_get_local_name (d))
                 : g_strdup (value);
      }

    case KS_FIELD_TEHSIL:
      {
        const KsTehsil *t = ks_reference_lookup_tehsil (reference, value);
        return t ? g_strdup_printf ("%s · %s", t->name_en, ks_tehsil_get_local_name (t))
                 : g_strdup (value);
      }

    case KS_FIELD_CONSENTS:
      {
        g_autoptr(GPtrArray) consents = ks_consent_list_from_json (value, NULL);
        GString *text = g_string_new (NULL);

        for (guint i = 0; consents && i < consents->len; i++)
          {
            const KsConsent *c = consents->pdata[i];
            const KsService *s = ks_reference_lookup_service (reference, c->service_id);
            if (text->len > 0)
              g_string_append_c (text, '\n');
            g_string_append_printf (text, "%s · %s (%s)", s ? s->title_en : c->service_id,
                                    s ? s->title_ur : "",
                                    c->granted ? _("consent given") : _("no consent"));
          }
        if (text->len == 0)
          g_string_append (text, _("None"));
        return g_string_free (text, FALSE);
      }

    case KS_FIELD_DATE_OF_BIRTH:
      {
        /* Shown as on the CNIC, DD-MM-YYYY, and kept in order inside right-to-left screens. */
        g_autofree char *date = ks_format_iso_date (value);
        return ks_bidi_isolate_ltr (date);
      }

    case KS_FIELD_MOBILE:
      {
        g_autofree char *formatted = ks_mobile_format (value, KS_MOBILE_STYLE_NATIONAL);
        return ks_bidi_isolate_ltr (formatted ? formatted : value);
      }

    /* Numbers keep their digit groups in order inside right-to-left screens. */
    case KS_FIELD_CNIC:
    case KS_FIELD_GUARDIAN_CNIC:
      return ks_bidi_isolate_ltr (value);

    case KS_FIELD_PHOTO:
      return g_strdup (*value ? _("Attached") : _("None"));

    case KS_FIELD_ID_KIND:
    case KS_FIELD_FULL_NAME:
    case KS_FIELD_FULL_NAME_UR:
    case KS_FIELD_RELATION:
    case KS_FIELD_FATHER_NAME:
    case KS_FIELD_FATHER_NAME_UR:
    case KS_FIELD_GUARDIAN_NAME:
    case KS_FIELD_EMAIL:
    case KS_FIELD_ADDRESS_LINE1:
    case KS_FIELD_ADDRESS_LINE2:
    case KS_N_FIELDS:
    default:
      return g_strdup (value);
    }
}

/* @direction: the label's own direction, or GTK_TEXT_DIR_NONE for the screen's. Every label
 * starts at its column's start edge (GTK mirrors xalign for right-to-left labels), so a column
 * reads as one line whatever script its values are in; only the value column takes the spare
 * width. */
static GtkWidget *
review_label (const char      *text,
              GtkTextDirection direction,
              gboolean         value)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* As wide as its text, at the start: Pango would otherwise push an Urdu value to the far
   * end of a wide label under an English screen (it aligns by the text's own direction). */
  gtk_widget_set_halign (label, GTK_ALIGN_START);
  gtk_widget_set_hexpand (label, value);
  if (direction != GTK_TEXT_DIR_NONE)
    gtk_widget_set_direction (label, direction);
  /* English names under an Urdu or Pashto screen, in a Latin font (style.css). */
  if (direction == GTK_TEXT_DIR_LTR)
    gtk_widget_add_css_class (label, "latin-text");
  if (!value)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
ks_enroll_summary_class_init (KsEnrollSummaryClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/pk/gov/kp/KhyberPassStation/ks-enroll-summary.ui");
}

static void
ks_enroll_summary_init (KsEnrollSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * ks_enroll_summary_show:
 * @fingers: the fingers as the fingerprint step describes them
 *
 * Shows @record's fields that apply to it (a guardian only for a child), an optional field only
 * when filled.
 */
void
ks_enroll_summary_show (KsEnrollSummary *self,
                        KsRecord        *record,
                        KsReference     *reference,
                        const char      *fingers)
{
  GtkGrid *grid = GTK_GRID (self);
  GtkWidget *child;
  GDate date;
  int row = 0;
  /* The second name: Urdu beside English, English beside Urdu or Pashto. */
  gboolean english_screen = g_str_equal (ks_ui_language (), "en");
  GtkTextDirection other_direction = english_screen ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR;

  g_return_if_fail (KS_IS_ENROLL_SUMMARY (self));
  g_return_if_fail (KS_IS_RECORD (record));

  g_date_clear (&date, 1);
  g_date_set_time_t (&date, time (NULL));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))))
    gtk_grid_remove (grid, child);

  for (guint i = 0; i < G_N_ELEMENTS (review_fields); i++)
    {
      KsField field = review_fields[i].field;
      g_autofree char *value = NULL;

      if (!ks_record_field_applies (record, field, &date))
        continue;
      value = review_value (record, reference, field);
      if (field == KS_FIELD_ADDRESS_LINE2 || field == KS_FIELD_EMAIL)
        if (value == NULL || *value == '\0')
          continue;

      gtk_grid_attach (grid, review_label (_(review_fields[i].en), GTK_TEXT_DIR_NONE, FALSE),
                       0, row, 1, 1);
      /* Numbers and IDs are isolated left to right in review_value(); names in either script
       * follow the screen, so every value starts at the same edge. */
      gtk_grid_attach (grid, review_label (value, GTK_TEXT_DIR_NONE, TRUE), 1, row, 1, 1);
      gtk_grid_attach (grid,
                       review_label (english_screen ? review_fields[i].ur : review_fields[i].en,
                                     other_direction, FALSE),
                       2, row, 1, 1);
      row++;
    }

  /* The fingers, as the fingerprint step left them. */
  gtk_grid_attach (grid, review_label (_("Fingerprints"), GTK_TEXT_DIR_NONE, FALSE), 0, row, 1, 1);
  gtk_grid_attach (grid, review_label (fingers, GTK_TEXT_DIR_NONE, TRUE), 1, row, 1, 1);
  gtk_grid_attach (grid,
                   review_label (english_screen ? "انگلیوں کے نشانات" : "Fingerprints",
                                 other_direction, FALSE),
                   2, row, 1, 1);
}
