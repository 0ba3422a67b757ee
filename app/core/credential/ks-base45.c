/* ks-base45.c: Base45 (RFC 9285)
 *
 * Its 45 characters are exactly the QR code's alphanumeric set, which packs 5.5 bits a
 * character instead of byte mode's 8: the same signed record needs a smaller QR. The space is
 * one of the 45, so callers must never trim the text a scanner returns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-base45"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-base45.h"
#include "ks-credential-error.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/**
 * ks_base45_encode:
 *
 * Returns: (transfer full): the Base45 text of @data, never %NULL.
 */
char *
ks_base45_encode (const guint8 *data,
                  gsize         len)
{
  GString *out = g_string_sized_new (len / 2 * 3 + 3);
  gsize i;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  for (i = 0; i + 1 < len; i += 2)
    {
      guint n = data[i] * 256u + data[i + 1];

      g_string_append_c (out, alphabet[n % 45]);
      g_string_append_c (out, alphabet[(n / 45) % 45]);
      g_string_append_c (out, alphabet[n / (45 * 45)]);
    }
  if (i < len)
    {
      g_string_append_c (out, alphabet[data[i] % 45]);
      g_string_append_c (out, alphabet[data[i] / 45]);
    }

  return g_string_free (out, FALSE);
}

static int
char_value (char c)
{
  const char *p;

  /* strchr would also find the terminating NUL. */
  if (c == '\0')
    return -1;
  p = strchr (alphabet, c);
  return p ? (int)(p - alphabet) : -1;
}

/**
 * ks_base45_decode:
 * @len: length of @text, or -1 when NUL-terminated
 *
 * Rejects, with %KS_CREDENTIAL_ERROR_BAD_BASE45, a character outside the alphabet (lowercase
 * too: RFC 9285 has no case folding), a group worth more than its bytes can hold (`GGW` is
 * 65536) and a dangling single character.
 */
GBytes *
ks_base45_decode (const char *text,
                  gssize      len,
                  GError    **error)
{
  g_autoptr(GByteArray) out = NULL;
  gsize n_chars;

  g_return_val_if_fail (text != NULL, NULL);

  n_chars = len < 0 ? strlen (text) : (gsize)len;
  if (n_chars % 3 == 1)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_BASE45,
                   _("The code’s text is cut short (%zu characters). It is not a Khyber Pass "
                     "code, or it was read only in part: scan it again."),
                   n_chars);
      return NULL;
    }

  out = g_byte_array_sized_new (n_chars / 3 * 2 + 1);
  for (gsize i = 0; i < n_chars; i += 3)
    {
      gsize group = MIN (3, n_chars - i);
      guint value = 0;
      guint weight = 1;

      for (gsize k = 0; k < group; k++)
        {
          int v = char_value (text[i + k]);

          if (v < 0)
            {
              g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_BASE45,
                           _("The code holds a character (at position %zu) that a Khyber Pass "
                             "code never contains. It is not a Khyber Pass code."),
                           i + k + 1);
              return NULL;
            }
          value += (guint)v * weight;
          weight *= 45;
        }

      if ((group == 3 && value > 0xffff) || (group == 2 && value > 0xff))
        {
          g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_BASE45,
                       _("The code’s text is not valid Base45 (group at position %zu is out of "
                         "range). It is not a Khyber Pass code."),
                       i + 1);
          return NULL;
        }

      if (group == 3)
        {
          guint8 two[2] = { value >> 8, value & 0xff };
          g_byte_array_append (out, two, 2);
        }
      else
        {
          guint8 one = value;
          g_byte_array_append (out, &one, 1);
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
