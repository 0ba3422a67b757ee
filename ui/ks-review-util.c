/* ks-review-util.c: what the Review page and its child widgets share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-review-util"

#include "ks-l10n.h"
#include "config.h"

#include <glib/gi18n.h>

#include "ks-review-util.h"

/**
 * ks_review_add_group:
 *
 * Returns: (transfer none): a new titled group at the end of @box
 */
AdwPreferencesGroup *
ks_review_add_group (GtkBox     *box,
                     const char *title)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  gtk_box_append (box, group);
  return ADW_PREFERENCES_GROUP (group);
}

/**
 * ks_review_add_field_row:
 * @value: (nullable): shown as "—" when empty
 *
 * One read-only field: its name on the left, its value on the right.
 */
void
ks_review_add_field_row (AdwPreferencesGroup *group,
                         const char          *title,
                         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value && *value ? value : "—");
  glong length = value ? g_utf8_strlen (value, -1) : 1;

  /* libadwaita 1.2 has no "property" row style: the value goes on the right, at full
   * contrast, selectable so a supervisor can copy a CNIC or an ID. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  /* A wrapping label asks for its narrowest width: only long values wrap, at a width that
   * still reads as a line. */
  if (length > 40 || (value && strchr (value, '\n')))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_width_chars (GTK_LABEL (label), (int)MIN (length, 56));
      gtk_label_set_max_width_chars (GTK_LABEL (label), 56);
    }
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (group, row);
}

/**
 * ks_review_finger_texture:
 * @grey: (nullable): a fingerprint impression, 8-bit grey rows as the reader gave them
 *
 * Returns: (transfer full) (nullable): the impression as a texture, or %NULL without one
 */
GdkTexture *
ks_review_finger_texture (GBytes *grey,
                          guint   width,
                          guint   height)
{
  g_autoptr(GBytes) rgb = NULL;
  gsize n = (gsize)width * height;
  const guint8 *src;
  guint8 *dst;

  if (grey == NULL || n == 0 || g_bytes_get_size (grey) < n)
    return NULL;
  /* GTK 4.8 has no 8-bit grey texture format: spread each grey byte over R, G and B. */
  src = g_bytes_get_data (grey, NULL);
  dst = g_malloc (n * 3);
  for (gsize i = 0; i < n; i++)
    dst[3 * i] = dst[3 * i + 1] = dst[3 * i + 2] = src[i];
  rgb = g_bytes_new_take (dst, n * 3);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, (gsize)width * 3);
}

void
ks_review_remove_children (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/**
 * ks_review_format_time:
 * @usec: µs since the epoch; 0 or less for none
 *
 * Returns: (transfer full): the local date and time, DD-MM-YYYY HH:MM, kept in that order
 *   inside right-to-left screens; or "" for none
 */
char *
ks_review_format_time (gint64 usec)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *text = NULL;

  if (usec <= 0)
    return g_strdup ("");
  dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);
  text = ks_format_day_time (dt);
  return ks_bidi_isolate_ltr (text);
}

/**
 * ks_review_format_cnic:
 *
 * Returns: (transfer full): the number as printed on the card: 17301-1234567-1
 */
char *
ks_review_format_cnic (const char *cnic)
{
  if (cnic != NULL && strlen (cnic) == 13)
    return g_strdup_printf ("%.5s-%.7s-%c", cnic, cnic + 5, cnic[12]);
  return g_strdup (cnic ? cnic : "");
}

/**
 * ks_review_reason_label:
 * @reference: (nullable): the reference data
 *
 * Returns: the rejection reason in the screen's language; its id when the reference data does not know
 *   it, "" for none
 */
const char *
ks_review_reason_label (KsReference *reference,
                        const char  *id)
{
  const KsReason *reason;

  if (id == NULL || *id == '\0')
    return "";
  reason = reference ? ks_reference_lookup_rejection_reason (reference, id) : NULL;
  return reason ? ks_reason_get_label (reason) : id;
}

/**
 * ks_review_district_label:
 * @reference: (nullable): the reference data
 *
 * Returns: the district's name in the screen's language, or its code when the reference data
 *   does not know it
 */
const char *
ks_review_district_label (KsReference *reference,
                          const char  *code)
{
  const KsDistrict *district;

  district = reference && code ? ks_reference_lookup_district (reference, code) : NULL;
  return district ? ks_district_get_name (district) : code;
}

/**
 * ks_review_tehsil_label:
 * @reference: (nullable): the reference data
 * @code: (nullable): the tehsil's code, "PEW-05"
 *
 * Returns: the tehsil's English name, or its code when the reference data does not know it
 */
const char *
ks_review_tehsil_label (KsReference *reference,
                        const char  *code)
{
  const KsTehsil *tehsil;

  tehsil = reference && code ? ks_reference_lookup_tehsil (reference, code) : NULL;
  return tehsil ? tehsil->name_en : code;
}
