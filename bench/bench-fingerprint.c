/* bench-fingerprint.c: how long synthetic prints, enrolment, verification and matching take
 *
 * Run: meson compile -C build && ./build/bench/bench-fingerprint [N_FINGERS]
 * Numbers go to stdout; nothing is asserted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "fp-test-util.h"

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint)atoi (argv[1]) : 20;
  g_autoptr(GPtrArray) fingers
    = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_fpsynth_finger_unref);
  g_autoptr(GPtrArray) templates = g_ptr_array_new_with_free_func (g_object_unref);
  FptRig *rig;
  double t0, master_ms = 0, render_ms = 0, enroll_ms = 0, verify_ms = 0, match_ms = 0;
  guint n_pairs = 0, n_renders = 0;

  if (n == 0)
    n = 20;
  rig = fpt_rig_new_virtual_image ();

  for (guint i = 0; i < n; i++)
    {
      t0 = now_ms ();
      g_ptr_array_add (fingers, ks_fpsynth_finger_new (8000 + i, 2));
      master_ms += now_ms () - t0;
      for (guint k = 0; k < 5; k++)
        {
          g_autoptr(GBytes) img = NULL;
          guint w, h;

          t0 = now_ms ();
          img = ks_fpsynth_finger_render (fingers->pdata[i], k, KS_FPSYNTH_NORMAL, &w, &h);
          render_ms += now_ms () - t0;
          n_renders++;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      FpPrint *t;
      gboolean matched = FALSE;

      /* Includes rendering the 5 impressions (measured above) and NBIS feature extraction. */
      t0 = now_ms ();
      t = fpt_enroll (rig, fingers->pdata[i], 0, &error);
      enroll_ms += now_ms () - t0;
      g_assert_no_error (error);
      g_ptr_array_add (templates, t);

      t0 = now_ms ();
      fpt_verify (rig, t, fingers->pdata[i], 7, &matched, NULL, &error);
      verify_ms += now_ms () - t0;
      g_assert_no_error (error);
    }

  t0 = now_ms ();
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++, n_pairs++)
      ks_fp_match_score (templates->pdata[i], templates->pdata[j]);
  match_ms = now_ms () - t0;

  g_print ("fingers: %u (virtual_image driver, NBIS + bozorth3, one worker thread)\n", n);
  g_print ("synthetic master per finger:      %7.1f ms\n", master_ms / n);
  g_print ("synthetic impression (render):    %7.1f ms\n", render_ms / n_renders);
  g_print ("  => generation per impression, master amortised over 7 impressions: %.1f ms\n",
           render_ms / n_renders + master_ms / n / 7);
  g_print ("enrol per finger (5 stages):      %7.1f ms\n", enroll_ms / n);
  g_print ("verify per finger (1 scan + match):%7.1f ms\n", verify_ms / n);
  g_print ("template-to-template match:       %7.2f ms per pair (%u pairs)\n",
           n_pairs ? match_ms / n_pairs : 0.0, n_pairs);

  g_ptr_array_set_size (templates, 0);
  fpt_rig_free (rig);
  return 0;
}
