/* ks-cli.c: the station's subcommands, run without a display
 *
 *   khyber-station verify FILE [--trust FILE.json] [--face-out FILE.png] [--profile NAME]
 *                              [--data-dir DIR]
 *   khyber-station card --id ID --output FILE.pdf|FILE.png [--profile NAME] [--data-dir DIR]
 *
 * main() dispatches here before GTK starts, so both work over SSH and in scripts. `verify`
 * only reads: it takes no profile lock and creates nothing, so it runs beside an open station.
 * `card` issues a card with the station's key, so it opens the station (and its lock) like the
 * window does, and audits the export.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-cli"

#include "ks-l10n.h"
#include "config.h"

#include <glib/gi18n.h>

#include "ks-card-audit.h"
#include "ks-card-face.h"
#include "ks-card-holder.h"
#include "ks-card-scan.h"
#include "ks-cards.h"
#include "ks-cli.h"
#include "ks-station.h"

#include "ks-records.h"

gboolean
ks_cli_is_command (const char *arg)
{
  return g_strcmp0 (arg, "verify") == 0 || g_strcmp0 (arg, "card") == 0;
}

static gboolean
check_profile (const char *profile)
{
  if (g_str_equal (profile, "production") || g_str_equal (profile, "training"))
    return TRUE;
  g_printerr (_("Unknown profile “%s”. Use --profile production or --profile training.\n"),
              profile);
  return FALSE;
}

static char *
format_day (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = NULL;

  if (unix_seconds == 0)
    return g_strdup ("—");
  dt = g_date_time_new_from_unix_utc (unix_seconds);
  return ks_format_day (dt);
}

static const char *
gender_label (int gender)
{
  switch (gender)
    {
    case 1:
      return _("Male");
    case 2:
      return _("Female");
    case 3:
      return _("Transgender");
    default:
      return "—";
    }
}

static void
print_field (const char *label,
             const char *value)
{
  if (value != NULL && value[0] != '\0')
    g_print ("%-16s %s\n", label, value);
}

static void
print_result (const KsVerifyResult *result)
{
  const KsCredential *cred = result->credential;
  const KsClaim169 *claim;
  g_autofree char *dob = NULL;
  g_autofree char *issued = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *station = NULL;
  g_autofree char *face_text = NULL;
  const KsBiometric *face;

  g_print ("%s\n", ks_verdict_to_string (result->verdict));
  if (result->message != NULL)
    g_print ("%s\n", result->message);
  /* Fields only when the signature holds: a forged card's text is not repeated as if true. */
  if (cred == NULL)
    return;

  claim = cred->claim;
  dob = ks_format_iso_date (claim->date_of_birth);
  issued = format_day (cred->issued_at);
  expires = format_day (cred->expires_at);
  g_print ("\n");
  print_field (_("Khyber Pass ID:"), claim->id);
  print_field (_("Name:"), claim->full_name);
  print_field (_("Name (Urdu):"), claim->secondary_full_name);
  print_field (_("Date of birth:"), dob);
  print_field (_("Gender:"), gender_label (claim->gender));
  print_field (_("District:"), claim->location_code);
  print_field (_("Issued:"), issued);
  print_field (_("Expires:"), expires);
  station = g_strdup_printf ("%s (%s %s)", cred->station_code ? cred->station_code : "—",
                             _("key"), cred->kid ? cred->kid : "—");
  print_field (_("Issued by:"), station);
  if (cred->development_issuer)
    print_field ("", _("(a development key, not certified by the registry)"));

  /* Whether the signed data holds the face the card was issued with: without one, a copy of
   * the card with another person's photo verifies too. */
  face = ks_card_face_find (claim);
  if (face != NULL)
    {
      /* TRANSLATORS: %s is an image format (WebP, JPEG, PNG); then the size in bytes. */
      face_text = g_strdup_printf (ngettext ("embedded, signed (%s, %zu byte)",
                                             "embedded, signed (%s, %zu bytes)",
                                             g_bytes_get_size (face->data)),
                                   ks_card_face_format_name (face),
                                   g_bytes_get_size (face->data));
      if (result->face_png == NULL)
        {
          g_autofree char *plain = g_steal_pointer (&face_text);

          face_text = g_strconcat (plain, " ", _("(cannot be shown: unknown image format)"),
                                   NULL);
        }
    }
  else
    face_text = g_strdup (_("none embedded: compare the photo with the holder"));
  print_field (_("Face:"), face_text);
}

/* --face-out FILE: the face of a genuine card as PNG. */
static gboolean
write_face (const KsVerifyResult *result,
            const char           *path)
{
  g_autoptr(GError) error = NULL;

  if (result->face_png == NULL)
    {
      g_printerr (result->face_embedded
                  ? _("The card’s face is in a format this station cannot show: nothing "
                      "written to %s.\n")
                  : _("This card holds no face (or its signature does not hold): nothing "
                      "written to %s.\n"), path);
      return FALSE;
    }
  if (!g_file_set_contents (path, g_bytes_get_data (result->face_png, NULL),
                            g_bytes_get_size (result->face_png), &error))
    {
      g_printerr (_("The face could not be written to %s: %s\n"), path, error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
profile_dir (const char *data_dir,
             const char *profile)
{
  /* As ks_profile_new() would place it, without creating or locking anything. */
  if (data_dir != NULL)
    return g_build_filename (data_dir, profile, NULL);
  return g_build_filename (g_get_user_data_dir (), "khyber-station", profile, NULL);
}

static const char verify_description[] =
  N_("Reads the QR code of a Khyber Pass card from a photo or scan (PNG) or a PDF and checks its\n"
     "signature against the station’s trust list (and FILE.json, if given).\n"
     "\n"
     "Exit status:\n"
     "   0  valid\n"
     "   2  altered or forged: the signature does not match, or there is none\n"
     "   3  unknown issuer: signed by a station the trust list does not hold\n"
     "   4  expired\n"
     "   5  not yet valid\n"
     "   6  not a Khyber Pass card (no QR code, or a foreign one)\n"
     "   7  revoked: the record was rejected or corrected after the card was issued\n"
     "  64  usage error\n"
     "  65  FILE.json would replace or shadow a key already trusted: refused\n"
     "  66  the file cannot be read\n"
     "   1  anything else (for example a damaged trust list)");

static int
verify_command (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KsTrustList) trust = ks_trust_list_new ();
  g_autoptr(KsVerifyResult) result = NULL;
  g_autofree char *trust_file = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *own_trust = NULL;
  g_autofree char *face_out = NULL;
  KsVerifyOptions opts;
  GOptionEntry entries[] = {
    { "trust", 0, 0, G_OPTION_ARG_FILENAME, &trust_file,
      N_("Also trust the stations listed in this trust list"), N_("FILE.json") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("Use this profile’s trust list: production (default) or training"), N_("NAME") },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Folder holding the profiles"), N_("DIR") },
    { "face-out", 0, 0, G_OPTION_ARG_FILENAME, &face_out,
      N_("Write the face signed into the card to this PNG file"), N_("FILE.png") },
    { NULL }
  };

  context = g_option_context_new (_("FILE — check a Khyber Pass card"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _(verify_description));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return KS_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr (_("Give exactly one card file: khyber-station verify FILE\n"));
      return KS_EXIT_USAGE;
    }
  if (profile == NULL)
    profile = g_strdup ("production");
  if (!check_profile (profile))
    return KS_EXIT_USAGE;

  /* The station's own list first: without set-up there is none, and only --trust counts. */
  dir = profile_dir (data_dir, profile);
  own_trust = g_build_filename (dir, "keys", "trust.json", NULL);
  if (g_file_test (own_trust, G_FILE_TEST_EXISTS))
    {
      g_autoptr(KsTrustList) own = ks_trust_list_new_from_file (own_trust, &error);

      if (own == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      ks_trust_list_merge (trust, own);
    }
  if (trust_file != NULL)
    {
      g_autoptr(KsTrustList) extra = ks_trust_list_new_from_file (trust_file, &error);

      if (extra == NULL)
        {
          g_printerr ("%s\n", error->message);
          return KS_EXIT_NO_INPUT;
        }
      /* May only add: a file that would replace a trusted station's key would make a
       * forgery verify as that station. */
      if (!ks_trust_list_add_list (trust, extra, &error))
        {
          g_printerr ("%s\n", error->message);
          return KS_EXIT_TRUST_CONFLICT;
        }
    }

  ks_verify_options_init (&opts);
  opts.trust = trust;
  result = ks_card_verify_file (argv[1], &opts, &error);
  if (result == NULL)
    {
      g_printerr ("%s\n", error->message);
      return KS_EXIT_NO_INPUT;
    }
  print_result (result);
  if (face_out != NULL && !write_face (result, face_out)
      && result->verdict == KS_VERDICT_VALID)
    return 1;
  return ks_verdict_exit_code (result->verdict);
}

static const char card_description[] =
  N_("Issues the card of a citizen whose record a supervisor approved, with this station’s key,\n"
     "and writes it as a PDF or PNG (by the file name). The card and the export are written to\n"
     "the station’s audit log.\n"
     "\n"
     "Exit status:\n"
     "   0  written\n"
     "  64  usage error\n"
     "  66  no record with this Khyber Pass ID at this station\n"
     "  77  the record is not approved (it awaits review, or was rejected): no card\n"
     "   1  anything else (the profile is in use, the file cannot be written…)");

static int
card_command (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kp_id = NULL;
  g_autofree char *output = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *data_dir = NULL;
  GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &kp_id,
      N_("Khyber Pass ID of the enrolled citizen"), N_("ID") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Where to write the card: a .pdf or .png file"), N_("FILE") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile,
      N_("production (default) or training"), N_("NAME") },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Folder holding the profiles"), N_("DIR") },
    { NULL }
  };

  context = g_option_context_new (_("— write a citizen’s Khyber Pass card to a file"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _(card_description));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return KS_EXIT_USAGE;
    }
  if (argc != 1 || kp_id == NULL || output == NULL)
    {
      g_printerr (_("Usage: khyber-station card --id ID --output FILE.pdf|FILE.png\n"));
      return KS_EXIT_USAGE;
    }
  if (!g_str_has_suffix (output, ".pdf") && !g_str_has_suffix (output, ".png") &&
      !g_str_has_suffix (output, ".PDF") && !g_str_has_suffix (output, ".PNG"))
    {
      g_printerr (_("Name the output file “….pdf” or “….png”: the format follows the name.\n"));
      return KS_EXIT_USAGE;
    }
  if (profile == NULL)
    profile = g_strdup ("production");
  if (!check_profile (profile))
    return KS_EXIT_USAGE;

  {
    g_autoptr(KsStation) station = NULL;
    g_autoptr(KsCard) card = NULL;

    station = ks_station_open (profile, data_dir, &error);
    if (station == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    card = ks_station_issue_card (station, NULL, kp_id, &error);
    if (g_error_matches (error, KS_RECORDS_ERROR, KS_RECORDS_ERROR_NOT_FOUND))
      {
        g_printerr (_("No citizen with the Khyber Pass ID %s is enrolled in the %s profile of "
                      "this station. Check the ID, or the --profile and --data-dir "
                      "options.\n"), kp_id, profile);
        return KS_EXIT_NO_INPUT;
      }
    if (g_error_matches (error, KS_CARDS_ERROR, KS_CARDS_ERROR_NOT_APPROVED))
      {
        g_printerr ("%s\n", error->message);
        return KS_EXIT_NOT_APPROVED;
      }
    /* An export that cannot be audited is not left behind (ks_card_export()). */
    if (card == NULL || !ks_card_export (ks_station_get_store (station), NULL, card, output,
                                         &error))
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    g_print (_("Card of %s written to %s\n"), kp_id, output);
    return 0;
  }
}

/**
 * ks_cli_run:
 * @argv: the program's arguments; argv[1] is the command (ks_cli_is_command())
 *
 * Returns: the exit status
 */
int
ks_cli_run (int    argc,
            char **argv)
{
  g_autofree char *prgname = NULL;

  g_return_val_if_fail (argc >= 2 && ks_cli_is_command (argv[1]), KS_EXIT_USAGE);

  /* "khyber-station verify" in --help and error messages. */
  prgname = g_strdup_printf ("%s %s", "khyber-station",
                             argv[1]);
  g_set_prgname (prgname);

  if (g_str_equal (argv[1], "verify"))
    return verify_command (argc - 1, argv + 1);
  return card_command (argc - 1, argv + 1);
}
