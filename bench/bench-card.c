/* bench-card.c: how long a card takes to issue and to verify from a 300 dpi scan
 *
 * Run: build/bench/bench-card [ROUNDS] [SAMPLE-DIR]
 * With SAMPLE-DIR, also leaves card.pdf and card.png (300 dpi) there to look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ks-card.h"
#include "ks-card-scan.h"
#include "ks-card-testing.h"
#include "ks-test-util.h"

static KsCardHolder *
sample_holder (void)
{
  KsCardHolder *h = ks_card_holder_new ();

  h->kp_id = g_strdup ("PEW-A01-0000123-N");
  h->full_name = g_strdup ("Gul Bano Khan");
  h->full_name_ur = g_strdup ("گل بانو خان");
  h->father_name = g_strdup ("Sher Ali Khan");
  h->father_name_ur = g_strdup ("شیر علی خان");
  h->date_of_birth = g_strdup ("1990-03-21");
  h->gender = 2;
  h->address = g_strdup ("House 12, Street 4\nHayatabad Phase 3\nPeshawar");
  h->phone = g_strdup ("+923001234567");
  h->district_code = g_strdup ("PSH");
  h->district_name = g_strdup ("Peshawar");
  /* A photo as the wizard keeps it (300 x 400): issuing includes making the face for the QR. */
  h->photo_png = ks_test_face_png (300, 400, 1);
  return h;
}

static void
report (const char *what,
        double      total_us,
        guint       rounds)
{
  g_print ("%-44s %9.2f ms\n", what, total_us / rounds / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint)g_ascii_strtoull (argv[1], NULL, 10) : 20;
  const char *sample_dir = argc > 2 ? argv[2] : NULL;
  g_autofree char *dir = g_dir_make_tmp ("ks-bench-XXXXXX", NULL);
  g_autofree char *keydir = g_build_filename (dir, "keys", NULL);
  g_autofree char *pdf = g_build_filename (dir, "card.pdf", NULL);
  g_autoptr(KsCardHolder) holder = sample_holder ();
  g_autoptr(GError) error = NULL;
  g_autoptr(KsStationKeys) keys = NULL;
  g_autoptr(KsCard) card = NULL;
  KsVerifyOptions opts;
  double t_issue = 0, t_pdf = 0, t_png = 0, t_raster = 0, t_zbar = 0, t_verify = 0;

  if (rounds == 0)
    rounds = 1;
  keys = ks_station_keys_load_or_create (keydir, "PSH01", &error);
  if (keys == NULL)
    g_error ("%s", error->message);
  ks_verify_options_init (&opts);
  opts.trust = ks_station_keys_get_trust_list (keys);

  for (guint i = 0; i < rounds; i++)
    {
      gint64 t0, t1, t2, t3;
      cairo_surface_t *image;

      g_clear_pointer (&card, ks_card_free);
      t0 = g_get_monotonic_time ();
      card = ks_card_issue (holder, keys, NULL, &error);
      t1 = g_get_monotonic_time ();
      if (card == NULL || !ks_card_write_pdf (card, pdf, &error))
        g_error ("%s", error->message);
      t2 = g_get_monotonic_time ();
      image = ks_card_render_image (card, 300);
      t3 = g_get_monotonic_time ();
      cairo_surface_destroy (image);
      t_issue += t1 - t0;
      t_pdf += t2 - t1;
      t_png += t3 - t2;
    }

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(GPtrArray) pages = NULL;
      g_autoptr(GPtrArray) texts = NULL;
      g_autoptr(KsVerifyResult) result = NULL;
      gint64 t0, t1, t2, t3;

      t0 = g_get_monotonic_time ();
      pages = ks_card_scan_load_pages (pdf, 300, &error);
      t1 = g_get_monotonic_time ();
      if (pages == NULL)
        g_error ("%s", error->message);
      texts = ks_card_scan_image (g_ptr_array_index (pages, 1));
      t2 = g_get_monotonic_time ();
      if (texts->len != 1)
        g_error ("no QR found");
      result = ks_card_verify_text (g_ptr_array_index (texts, 0), &opts);
      t3 = g_get_monotonic_time ();
      if (result->verdict != KS_VERDICT_VALID)
        g_error ("%s", result->message);
      t_raster += t1 - t0;
      t_zbar += t2 - t1;
      t_verify += t3 - t2;
    }

  g_print ("card QR: %zu characters with a %zu-byte face, version %d-%c, module %.2f mm; "
           "%u rounds\n", strlen (ks_card_get_qr_text (card)), ks_card_get_face_size (card),
           ks_card_get_qr_version (card), ks_card_get_qr_level (card),
           ks_card_get_qr_module_mm (card), rounds);
  report ("issue (face WebP + sign + CBOR/zlib/Base45 + QR)", t_issue, rounds);
  report ("render PDF (front + back)", t_pdf, rounds);
  report ("render 300 dpi image (front + back)", t_png, rounds);
  report ("  sign + encode + render, total (PDF)", t_issue + t_pdf, rounds);
  report ("rasterize PDF at 300 dpi (2 pages)", t_raster, rounds);
  report ("zbar: find and decode the QR (back)", t_zbar, rounds);
  report ("verify (Base45/zlib/COSE/Ed25519/claims)", t_verify, rounds);
  report ("  decode + verify a 300 dpi scan, total", t_raster + t_zbar + t_verify, rounds);

  if (sample_dir)
    {
      g_autofree char *out_pdf = g_build_filename (sample_dir, "card.pdf", NULL);
      g_autofree char *out_png = g_build_filename (sample_dir, "card.png", NULL);
      KsCardIssueOptions specimen = { .specimen = TRUE };
      g_autoptr(KsCard) sample = ks_card_issue (holder, keys, &specimen, &error);
      g_autofree char *out_spec = g_build_filename (sample_dir, "card-specimen.png", NULL);

      ks_card_write_pdf (card, out_pdf, NULL);
      ks_card_write_png (card, out_png, 300, NULL);
      if (sample)
        ks_card_write_png (sample, out_spec, 300, NULL);
    }

  g_unlink (pdf);
  {
    const char *files[] = { "station.key", "dev-root.key", "station-cert.json", "trust.json" };
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *p = g_build_filename (keydir, files[i], NULL);
        g_unlink (p);
      }
    g_rmdir (keydir);
    g_rmdir (dir);
  }
  return 0;
}
