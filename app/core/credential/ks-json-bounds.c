/* ks-json-bounds.c: a bound on untrusted JSON before any parser sees it
 *
 * Used on every document that comes from outside: sync requests and answers, the registry's
 * trust list. Written here because json-glib has no depth or size limit of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "ks-json-bounds.h"

/**
 * ks_json_bounded:
 * @max_depth: the deepest nesting of arrays and objects allowed
 * @max_tokens: the most structural characters (brackets, commas, colons) allowed, which
 *   bounds the number of nodes a parser would build: 64 MB of `[1,1,1,...]` makes 32 million
 *   nodes, several gigabytes in json-glib
 *
 * json-glib recurses once per level and has no limit of its own: 100,000 brackets (245 bytes
 * gzipped) overflow the stack. This scan runs over the raw bytes before any parser sees them,
 * in constant memory; it skips strings (escapes included) so brackets inside text do not count.
 * It does not check that the document is valid JSON: the parser does that afterwards, with one
 * exception. json-glib reads strings with GScanner, which also takes escapes JSON does not have
 * (`\345` as an octal byte): a string can then hold bytes that are not UTF-8, and what the
 * station writes back out is refused by every parser, its own included (found by fuzz-trust).
 * So a backslash must start one of JSON's own escapes: \" \\ \/ \b \f \n \r \t \u.
 *
 * Returns: %TRUE when the document stays within both bounds and has only JSON's escapes
 */
gboolean
ks_json_bounded (const char *data,
                 gsize       len,
                 guint       max_depth,
                 gsize       max_tokens)
{
  guint depth = 0;
  gsize tokens = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            {
              if (i + 1 >= len || data[i + 1] == '\0' ||
                  strchr ("\"\\/bfnrtu", data[i + 1]) == NULL)
                return FALSE;
              i++;
            }
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > max_depth || ++tokens > max_tokens)
            return FALSE;
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        case ',':
        case ':':
          if (++tokens > max_tokens)
            return FALSE;
          break;
        default:
          break;
        }
    }
  return TRUE;
}
