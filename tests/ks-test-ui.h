/* ks-test-ui.h: helpers for the UI tests: waiting on the main loop, screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void     ks_test_ui_init (int    *argc,
                          char ***argv);
void     ks_test_iterate (guint ms);
gboolean ks_test_wait_for (gboolean (*check)(gpointer data),
                           gpointer   data,
                           guint      timeout_ms);
char    *ks_test_screenshot (GtkWidget  *widget,
                             const char *name);
GtkWidget *ks_test_find_by_type (GtkWidget *root,
                                 GType      type,
                                 guint      nth);
char    *ks_test_collect_text (GtkWidget *root);
char    *ks_test_tmpdir (void);
guint    ks_test_assert_ltr_values (GtkWidget *root);
gboolean ks_test_have_xdotool (void);
void     ks_test_keys (GtkWidget  *window,
                       const char *first_arg,
                       ...) G_GNUC_NULL_TERMINATED;

/* Spins the main loop until EXPR holds, failing the test after TIMEOUT_MS. */
#define KS_TEST_WAIT_UNTIL(expr, timeout_ms)                                         \
  G_STMT_START {                                                                     \
    gint64 _ks_deadline = g_get_monotonic_time () + (gint64)(timeout_ms) * 1000;     \
    while (!(expr))                                                                  \
      {                                                                              \
        if (g_get_monotonic_time () > _ks_deadline)                                  \
        g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #expr);    \
        g_main_context_iteration (NULL, FALSE);                                      \
        g_usleep (1000);                                                             \
      }                                                                              \
  } G_STMT_END

G_END_DECLS
