/* ks-l10n.h: the station's languages, bidirectional text and dates as operators read them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *code;            /* "en", "ur", "ps": gettext's LANGUAGE and the accounts column */
  const char *native_name;     /* the name in the language itself: "اردو" */
  gboolean rtl;
} KsLanguage;

typedef enum
{
  KS_DATE_DAY_FIRST,           /* DD-MM-YYYY (or / or .): as people type and read dates */
  KS_DATE_YEAR_FIRST,          /* YYYY-MM-DD: storage and the wire only */
} KsDateOrder;

const KsLanguage *ks_languages_get (guint *n_languages);
const KsLanguage *ks_language_lookup (const char *code);
char             *ks_bidi_isolate_ltr (const char *text);
char             *ks_format_date (const GDate *date);
char             *ks_format_iso_date (const char *iso_date);
char             *ks_format_day (GDateTime *when);
char             *ks_format_day_time (GDateTime *when);
char             *ks_format_unix_day (gint64 unix_seconds);
gboolean          ks_split_date (const char *text,
                                 KsDateOrder order,
                                 guint      *day,
                                 guint      *month,
                                 guint      *year);
gboolean          ks_parse_date (const char *text,
                                 GDate      *date);
const char       *ks_localized_name (const char *name_en,
                                     const char *name_ur,
                                     const char *name_ps,
                                     const char *language);
const char       *ks_ui_language (void);

G_END_DECLS
