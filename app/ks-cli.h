/* ks-cli.h: the station's subcommands, run without a display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* EX_UNAVAILABLE: the command exists but this build cannot do it. */

/* `card` for a record no supervisor approved (EX_NOPERM): a signed card is not issued. */
#define KS_EXIT_NOT_APPROVED 77

gboolean ks_cli_is_command (const char *arg);
int      ks_cli_run (int    argc,
                     char **argv);

G_END_DECLS
