/* ks-kpid.h: Khyber Pass ID numbers (district, station, sequence, check character)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KS_KPID_ERROR (ks_kpid_error_quark ())

typedef enum
{
  KS_KPID_ERROR_EMPTY = 1,
  KS_KPID_ERROR_LENGTH,
  KS_KPID_ERROR_SEPARATOR,
  KS_KPID_ERROR_INVALID_CHARACTER,
  KS_KPID_ERROR_DISTRICT,
  KS_KPID_ERROR_SEQUENCE,
  KS_KPID_ERROR_CHECK,
} KsKpidError;

#define KS_KPID_DISTRICT_LEN  3
#define KS_KPID_STATION_LEN   3
#define KS_KPID_SEQUENCE_LEN  7
#define KS_KPID_SEQUENCE_MAX  9999999u
/* PEW-A01-0000123-K: 14 significant characters, 17 with the dashes. */
#define KS_KPID_COMPACT_LEN   (KS_KPID_DISTRICT_LEN + KS_KPID_STATION_LEN + KS_KPID_SEQUENCE_LEN + \
                               1)
#define KS_KPID_DISPLAY_LEN   (KS_KPID_COMPACT_LEN + 3)

/* The 36 characters an ID is written in, in check-value order. */
#define KS_KPID_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

GQuark    ks_kpid_error_quark (void);

char     *ks_kpid_format (const char *district,
                          const char *station,
                          guint32     sequence);
char     *ks_kpid_to_compact (const char *kpid);
gboolean  ks_kpid_parse (const char *text,
                         char      **district,
                         char      **station,
                         guint32    *sequence,
                         GError    **error);

char      ks_kpid_check_char (const char *payload,
                              gssize      length);
guint     ks_kpid_char_value (char c);
guint     ks_kpid_combine (guint state,
                           guint value);

G_END_DECLS
