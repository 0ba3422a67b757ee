/* ks-json-bounds.h: a bound on untrusted JSON before any parser sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Deepest nesting of arrays and objects the station and the registry accept in a JSON
 * document. The deepest legitimate one (a provisioning answer holding the trust list) nests 5
 * levels. */
#define KS_JSON_MAX_DEPTH 32

gboolean ks_json_bounded (const char *data,
                          gsize       len,
                          guint       max_depth,
                          gsize       max_tokens);

G_END_DECLS
