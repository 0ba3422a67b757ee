/* ks-card.c: issuing a Khyber Pass card and drawing it (ID-1, front and back, cairo + pango)
 *
 * Drawing goes to any cairo context whose user units are millimetres with the card at the
 * origin: a PDF page, a PNG at some dpi, or GtkPrintOperation with GTK_UNIT_MM. The printed
 * labels are English and Urdu whatever the operator's language, as on every card of the
 * province: they are not translated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-card"

#include "ks-l10n.h"
#include "config.h"

#include <math.h>

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <sodium.h>

#include "ks-card.h"
#include "ks-card-face.h"
#include "ks-card-testing.h"

#define MM_PER_INCH 25.4
#define PT_PER_MM (72.0 / MM_PER_INCH)
/* The QR's square on the back, quiet zone included. */
#define QR_AREA_MM 44.0
#define QR_QUIET_MODULES 4
#define SIDE_GAP_MM 4.0

#define FONT_LATIN "Noto Sans, DejaVu Sans"
/* Nastaliq is how Urdu readers expect names written; Naskh is the fallback if it is missing. */
#define FONT_URDU "Noto Nastaliq Urdu, Noto Naskh Arabic, Noto Sans Arabic"
#define FONT_LABEL "Noto Sans, Noto Naskh Arabic UI, DejaVu Sans"

struct _KsCard
{
  KsCardHolder *holder;
  char *qr_text;
  char *credential_id;
  char *kid;
  char *station_code;
  gint64 issued_at;
  gint64 expires_at;
  gboolean specimen;
  gboolean development;
  QRcode *qr;
  char qr_level;
  cairo_surface_t *photo;
  gsize face_bytes;           /* the face's size in the credential, 0 for none */
  gatomicrefcount ref_count;
};

KsCardHolder *
ks_card_holder_new (void)
{
  return g_new0 (KsCardHolder, 1);
}

KsCardHolder *
ks_card_holder_copy (const KsCardHolder *holder)
{
  KsCardHolder *copy = g_new0 (KsCardHolder, 1);

  copy->kp_id = g_strdup (holder->kp_id);
  copy->full_name = g_strdup (holder->full_name);
  copy->full_name_ur = g_strdup (holder->full_name_ur);
  copy->father_name = g_strdup (holder->father_name);
  copy->father_name_ur = g_strdup (holder->father_name_ur);
  copy->husband = holder->husband;
  copy->date_of_birth = g_strdup (holder->date_of_birth);
  copy->gender = holder->gender;
  copy->address = g_strdup (holder->address);
  copy->phone = g_strdup (holder->phone);
  copy->district_code = g_strdup (holder->district_code);
  copy->district_name = g_strdup (holder->district_name);
  copy->photo_png = holder->photo_png ? g_bytes_ref (holder->photo_png) : NULL;
  return copy;
}

void
ks_card_holder_free (KsCardHolder *holder)
{
  if (holder == NULL)
    return;
  g_free (holder->kp_id);
  g_free (holder->full_name);
  g_free (holder->full_name_ur);
  g_free (holder->father_name);
  g_free (holder->father_name_ur);
  g_free (holder->date_of_birth);
  g_free (holder->address);
  g_free (holder->phone);
  g_free (holder->district_code);
  g_free (holder->district_name);
  g_clear_pointer (&holder->photo_png, g_bytes_unref);
  g_free (holder);
}

static char *
nonempty_dup (const char *s)
{
  return s && *s ? g_strdup (s) : NULL;
}

/**
 * ks_card_holder_to_claim:
 *
 * The QR carries only what a verifier needs to recognise the holder, in Claim 169's keys: ID
 * (1), full name (4), Urdu name (19, 20 = urd), date of birth as YYYYMMDD (8), gender (9),
 * nationality PAK (13), district as location code (21), issuing country PK (23). Anyone with a
 * phone camera reads a QR, so the holder's phone number and home address stay out of it (the
 * card prints neither). The face (62) is added by ks_card_issue() from the holder's photo.
 */
KsClaim169 *
ks_card_holder_to_claim (const KsCardHolder *holder)
{
  KsClaim169 *claim;

  g_return_val_if_fail (holder != NULL, NULL);

  claim = ks_claim169_new ();
  claim->id = nonempty_dup (holder->kp_id);
  claim->full_name = nonempty_dup (holder->full_name);
  claim->secondary_full_name = nonempty_dup (holder->full_name_ur);
  if (claim->secondary_full_name)
    claim->secondary_language = g_strdup ("urd");
  if (holder->date_of_birth && *holder->date_of_birth)
    {
      GString *dob = g_string_new (NULL);
      for (const char *p = holder->date_of_birth; *p; p++)
        if (*p != '-')
          g_string_append_c (dob, *p);
      claim->date_of_birth = g_string_free (dob, FALSE);
    }
  claim->gender = holder->gender >= 1 && holder->gender <= 3 ? holder->gender : 0;
  claim->nationality = g_strdup ("PAK");
  claim->location_code = nonempty_dup (holder->district_code);
  claim->country_of_issuance = g_strdup ("PK");
  return claim;
}

void
ks_card_free (KsCard *card)
{
  /* Counted: a print job running after its window closed keeps its own reference. */
  if (card == NULL || !g_atomic_ref_count_dec (&card->ref_count))
    return;
  ks_card_holder_free (card->holder);
  g_free (card->qr_text);
  g_free (card->credential_id);
  g_free (card->kid);
  g_free (card->station_code);
  g_clear_pointer (&card->qr, QRcode_free);
  g_clear_pointer (&card->photo, cairo_surface_destroy);
  g_free (card);
}

static QRcode *
encode_qr (const char *text,
           QRecLevel   level)
{
  QRinput *input = QRinput_new2 (0, level);
  QRcode *qr = NULL;

  if (input == NULL)
    return NULL;
  /* Alphanumeric mode on purpose: Base45 is its exact alphabet, 5.5 bits a character. */
  if (QRinput_append (input, QR_MODE_AN, strlen (text), (const unsigned char *)text) == 0)
    qr = QRcode_encodeInput (input);
  QRinput_free (input);
  return qr;
}

static double
module_mm_for (const QRcode *qr)
{
  return QR_AREA_MM / (qr->width + 2 * QR_QUIET_MODULES);
}

static cairo_status_t
read_bytes (void          *closure,
            unsigned char *data,
            unsigned int   length)
{
  GInputStream *in = closure;
  gsize got = 0;

  if (!g_input_stream_read_all (in, data, length, &got, NULL, NULL) || got != length)
    return CAIRO_STATUS_READ_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
surface_from_png (GBytes *png)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (png);
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_bytes, in);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

/* Steps of the face's byte budget while it does not fit (ks_card_issue()). */
#define FACE_BUDGET_STEP 40

/* Signs @claim into the card's QR text and lays out its QR: error correction Q (HCERT's
 * choice) when its modules stay @q_module_mm wide, else M. */
static gboolean
sign_and_lay_out (KsCard                   *card,
                  const KsClaim169         *claim,
                  KsStationKeys            *keys,
                  const KsCardIssueOptions *opts,
                  double                    q_module_mm,
                  GError                  **error)
{
  g_clear_pointer (&card->qr_text, g_free);
  g_clear_pointer (&card->qr, QRcode_free);
  /* No registry configured, no iss: a card must not name a registry that never saw it. */
  card->qr_text = ks_credential_sign_with_id (claim, card->credential_id,
                                              opts->issuer_uri && *opts->issuer_uri
                                                ? opts->issuer_uri : NULL,
                                              card->issued_at, card->expires_at, keys, error);
  if (card->qr_text == NULL)
    return FALSE;

  card->qr = encode_qr (card->qr_text, QR_ECLEVEL_Q);
  card->qr_level = 'Q';
  if (card->qr == NULL || module_mm_for (card->qr) < q_module_mm)
    {
      g_clear_pointer (&card->qr, QRcode_free);
      card->qr = encode_qr (card->qr_text, QR_ECLEVEL_M);
      card->qr_level = 'M';
    }
  return TRUE;
}

/**
 * ks_card_issue:
 * @keys: the station's keys; the card is signed with them
 * @opts: (nullable): issuer, dates, specimen
 *
 * Signs the holder's credential and lays out its QR: error correction Q (HCERT's choice) when
 * its modules stay at least %KS_CARD_MIN_MODULE_MM wide on the card, else M; fails with
 * %KS_CREDENTIAL_ERROR_DOES_NOT_FIT when neither fits. With a photo, the credential holds the
 * face (ks-card-face.c) in as many bytes (at most %KS_CARD_FACE_MAX_BYTES) as keep the modules
 * %KS_CARD_FACE_MODULE_MM wide, Q only when it keeps them so too.
 */
KsCard *
ks_card_issue (const KsCardHolder       *holder,
               KsStationKeys            *keys,
               const KsCardIssueOptions *opts,
               GError                  **error)
{
  static const KsCardIssueOptions defaults = { 0 };
  g_autoptr(KsCard) card = NULL;
  g_autoptr(KsClaim169) claim = NULL;
  g_autoptr(GDateTime) issued = NULL;
  g_autoptr(GDateTime) expires = NULL;
  guint years;

  g_return_val_if_fail (holder != NULL, NULL);
  g_return_val_if_fail (KS_IS_STATION_KEYS (keys), NULL);

  if (opts == NULL)
    opts = &defaults;

  if (holder->kp_id == NULL || *holder->kp_id == '\0'
      || holder->full_name == NULL || *holder->full_name == '\0')
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_NO_IDENTITY,
                   _("A card needs the holder’s Khyber Pass ID and full name. Complete the "
                     "record, then print again."));
      return NULL;
    }

  card = g_new0 (KsCard, 1);
  g_atomic_ref_count_init (&card->ref_count);
  card->holder = ks_card_holder_copy (holder);
  card->specimen = opts->specimen;
  card->kid = g_strdup (ks_station_keys_get_kid (keys));
  card->station_code = g_strdup (ks_station_keys_get_station_code (keys));
  card->development = ks_station_keys_is_development (keys);

  card->issued_at = opts->issued_at ? opts->issued_at : g_get_real_time () / G_USEC_PER_SEC;
  years = opts->validity_years ? opts->validity_years : KS_CARD_DEFAULT_VALIDITY_YEARS;
  issued = g_date_time_new_from_unix_utc (card->issued_at);
  expires = issued ? g_date_time_add_years (issued, years) : NULL;
  if (expires == NULL)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_KEY,
                   _("The station’s clock gives an impossible date. Set the date and time, then "
                     "print again."));
      return NULL;
    }
  card->expires_at = g_date_time_to_unix (expires);

  if (opts->credential_id != NULL)
    card->credential_id = g_ascii_strdown (opts->credential_id, -1);
  else
    {
      guint8 bytes[KS_CREDENTIAL_ID_LENGTH / 2];

      card->credential_id = g_malloc (KS_CREDENTIAL_ID_LENGTH + 1);
      randombytes_buf (bytes, sizeof bytes);
      sodium_bin2hex (card->credential_id, KS_CREDENTIAL_ID_LENGTH + 1, bytes, sizeof bytes);
    }

  claim = ks_card_holder_to_claim (holder);
  if (holder->photo_png == NULL)
    {
      if (!sign_and_lay_out (card, claim, keys, opts, KS_CARD_MIN_MODULE_MM, error))
        return NULL;
    }
  else
    {
      /* The face the card is issued with, signed with the rest: a copy of the card with
       * another person's photo no longer matches what the verifier shows. As many bytes of
       * it as keep the QR's modules KS_CARD_FACE_MODULE_MM wide: a long name leaves less room
       * for the face, never a smaller code. */
      GPtrArray **faces = &claim->biometrics[KS_CLAIM169_FACE - KS_CLAIM169_BIOMETRIC_FIRST];

      for (gsize budget = KS_CARD_FACE_MAX_BYTES;; budget -= FACE_BUDGET_STEP)
        {
          KsBiometric *face = g_new0 (KsBiometric, 1);
          g_autoptr(GError) local_error = NULL;

          face->data = ks_card_face_encode (holder->photo_png, budget, &local_error);
          if (face->data == NULL)
            {
              ks_biometric_free (face);
              /* Too small a budget for this photo: the card keeps the last face that fit. */
              if (budget < KS_CARD_FACE_MAX_BYTES && card->qr != NULL)
                break;
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          face->format = KS_CLAIM169_FORMAT_IMAGE;
          face->sub_format = KS_CLAIM169_IMAGE_WEBP;
          card->face_bytes = g_bytes_get_size (face->data);
          g_clear_pointer (faces, g_ptr_array_unref);
          *faces = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_biometric_free);
          g_ptr_array_add (*faces, face);
          if (!sign_and_lay_out (card, claim, keys, opts, KS_CARD_FACE_MODULE_MM, error))
            return NULL;
          if ((card->qr != NULL && module_mm_for (card->qr) >= KS_CARD_FACE_MODULE_MM)
              || budget < KS_CARD_FACE_MIN_BYTES + FACE_BUDGET_STEP)
            break;
        }
    }
  if (card->qr == NULL || module_mm_for (card->qr) < KS_CARD_MIN_MODULE_MM)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_DOES_NOT_FIT,
                   _("The record holds too much text for the card’s code (%zu characters). "
                     "Shorten the address, then print again."),
                   strlen (card->qr_text));
      return NULL;
    }

  if (holder->photo_png != NULL)
    {
      card->photo = surface_from_png (holder->photo_png);
      /* The card still prints, with the silhouette: the preview shows the operator. */
      if (card->photo == NULL)
        g_debug ("The photo of %s is not a readable PNG", holder->kp_id);
    }

  return g_steal_pointer (&card);
}

const char *
ks_card_get_qr_text (KsCard *card)
{
  g_return_val_if_fail (card != NULL, NULL);
  return card->qr_text;
}

/**
 * ks_card_ref:
 *
 * Another reference, released with ks_card_free() like the first.
 */
KsCard *
ks_card_ref (KsCard *card)
{
  g_return_val_if_fail (card != NULL, NULL);
  g_atomic_ref_count_inc (&card->ref_count);
  return card;
}

/* The printing and export code audits each copy under this ID. */
const char *
ks_card_get_kp_id (KsCard *card)
{
  g_return_val_if_fail (card != NULL, NULL);
  return card->holder->kp_id;
}

/* The credential ID (CWT cti) a revocation names. */
const char *
ks_card_get_credential_id (KsCard *card)
{
  g_return_val_if_fail (card != NULL, NULL);
  return card->credential_id;
}

gboolean
ks_card_is_specimen (KsCard *card)
{
  g_return_val_if_fail (card != NULL, FALSE);
  return card->specimen;
}

gint64
ks_card_get_issued_at (KsCard *card)
{
  g_return_val_if_fail (card != NULL, 0);
  return card->issued_at;
}

gint64
ks_card_get_expires_at (KsCard *card)
{
  g_return_val_if_fail (card != NULL, 0);
  return card->expires_at;
}

int
ks_card_get_qr_version (KsCard *card)
{
  g_return_val_if_fail (card != NULL, 0);
  return card->qr->version;
}

char
ks_card_get_qr_level (KsCard *card)
{
  g_return_val_if_fail (card != NULL, '\0');
  return card->qr_level;
}

double
ks_card_get_qr_module_mm (KsCard *card)
{
  g_return_val_if_fail (card != NULL, 0);
  return module_mm_for (card->qr);
}

/* Bytes of the face inside the credential; 0 when the holder had no photo. */
gsize
ks_card_get_face_size (KsCard *card)
{
  g_return_val_if_fail (card != NULL, 0);
  return card->face_bytes;
}

/**
 * ks_card_set_photo_surface:
 * @photo: (nullable): replaces the photo decoded from the holder's PNG bytes
 */
void
ks_card_set_photo_surface (KsCard          *card,
                           cairo_surface_t *photo)
{
  g_return_if_fail (card != NULL);

  g_clear_pointer (&card->photo, cairo_surface_destroy);
  if (photo)
    card->photo = cairo_surface_reference (photo);
}

/* Drawing helpers: everything in millimetres. */

static void
set_rgb (cairo_t *cr,
         guint32  rgb)
{
  cairo_set_source_rgb (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                        (rgb & 0xff) / 255.0);
}

#define GREEN 0x0b6e4f
#define GREEN_PALE 0xe6f2ec
#define INK 0x1b1f23
#define GREY 0x5f6b76

/* Hinted metrics and rounded glyph positions snap to whole user units, which here are
 * millimetres: letters would jump by up to half a millimetre. */
static void
setup_layout (PangoLayout *layout)
{
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);
  pango_layout_context_changed (layout);
}

/* Draws @text in a box @width wide at (@x, @y) and returns the height used. */
static double
draw_text (cairo_t       *cr,
           const char    *text,
           const char    *family,
           double         size_mm,
           gboolean       bold,
           double         x,
           double         y,
           double         width,
           PangoAlignment align,
           guint32        color)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoFontDescription *desc;
  PangoRectangle logical;

  if (text == NULL || *text == '\0')
    return 0;

  layout = pango_cairo_create_layout (cr);
  setup_layout (layout);

  desc = pango_font_description_from_string (family);
  pango_font_description_set_absolute_size (desc, size_mm * PANGO_SCALE);
  pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);

  pango_layout_set_width (layout, (int)(width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, align);
  /* Right-aligned Urdu must stay right-aligned even if the layout guesses otherwise. */
  pango_layout_set_auto_dir (layout, FALSE);
  pango_layout_set_text (layout, text, -1);

  set_rgb (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_extents (layout, NULL, &logical);
  return (double)logical.height / PANGO_SCALE;
}

static void
draw_label (cairo_t    *cr,
            const char *english,
            const char *urdu,
            double      x,
            double      y,
            double      width)
{
  draw_text (cr, english, FONT_LABEL, 1.5, FALSE, x, y, width, PANGO_ALIGN_LEFT, GREY);
  /* Short of the column's edge, so it never runs into the next column's English label. */
  draw_text (cr, urdu, FONT_LABEL, 1.5, FALSE, x, y - 0.3, width - 1.6, PANGO_ALIGN_RIGHT, GREY);
}

static void
rounded_rect (cairo_t *cr,
              double   x,
              double   y,
              double   w,
              double   h,
              double   r)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

static void
draw_background (cairo_t *cr,
                 double   band_mm)
{
  cairo_pattern_t *pattern;

  cairo_save (cr);
  rounded_rect (cr, 0, 0, KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM, 3.18);
  cairo_clip (cr);
  pattern = cairo_pattern_create_linear (0, 0, KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM);
  cairo_pattern_add_color_stop_rgb (pattern, 0, 1, 1, 1);
  cairo_pattern_add_color_stop_rgb (pattern, 1, 0xe6 / 255.0, 0xf2 / 255.0, 0xec / 255.0);
  cairo_set_source (cr, pattern);
  cairo_paint (cr);
  cairo_pattern_destroy (pattern);
  set_rgb (cr, GREEN);
  cairo_rectangle (cr, 0, 0, KS_CARD_WIDTH_MM, band_mm);
  cairo_fill (cr);
  cairo_restore (cr);

  /* The card's outline, as a cutting guide. */
  cairo_save (cr);
  rounded_rect (cr, 0, 0, KS_CARD_WIDTH_MM, KS_CARD_HEIGHT_MM, 3.18);
  cairo_set_line_width (cr, 0.1);
  cairo_set_source_rgb (cr, 0.75, 0.75, 0.75);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_specimen (cairo_t *cr)
{
  cairo_save (cr);
  cairo_translate (cr, KS_CARD_WIDTH_MM / 2, KS_CARD_HEIGHT_MM / 2);
  cairo_rotate (cr, -atan2 (KS_CARD_HEIGHT_MM, KS_CARD_WIDTH_MM));
  cairo_push_group (cr);
  draw_text (cr, "SPECIMEN", FONT_LATIN, 13.0, TRUE, -50, -9.5, 100, PANGO_ALIGN_CENTER,
             0xc62828);
  cairo_pop_group_to_source (cr);
  cairo_paint_with_alpha (cr, 0.45);
  cairo_restore (cr);
}

static void
draw_silhouette (cairo_t *cr,
                 double   x,
                 double   y,
                 double   w,
                 double   h)
{
  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.90, 0.92, 0.93);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.64, 0.68, 0.72);
  cairo_arc (cr, x + w / 2, y + h * 0.38, w * 0.22, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_save (cr);
  cairo_translate (cr, x + w / 2, y + h * 1.02);
  cairo_scale (cr, w * 0.42, h * 0.36);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_photo (KsCard  *card,
            cairo_t *cr,
            double   x,
            double   y,
            double   w,
            double   h)
{
  if (card->photo != NULL && cairo_image_surface_get_width (card->photo) > 0
      && cairo_image_surface_get_height (card->photo) > 0)
    {
      double pw = cairo_image_surface_get_width (card->photo);
      double ph = cairo_image_surface_get_height (card->photo);
      /* Cover the frame, cropping the middle, never stretching a face. */
      double scale = MAX (w / pw, h / ph);

      cairo_save (cr);
      cairo_rectangle (cr, x, y, w, h);
      cairo_clip (cr);
      cairo_translate (cr, x + (w - pw * scale) / 2, y + (h - ph * scale) / 2);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, card->photo, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_restore (cr);
    }
  else
    draw_silhouette (cr, x, y, w, h);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_line_width (cr, 0.2);
  set_rgb (cr, GREEN);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static char *
format_day (gint64 t)
{
  return ks_format_unix_day (t);
}

static char *
format_dob (const char *iso)
{
  return ks_format_iso_date (iso);
}

static const char *
gender_text (int gender)
{
  switch (gender)
    {
    case 1:
      return "Male · مرد";
    case 2:
      return "Female · عورت";
    case 3:
      return "Transgender · خواجہ سرا";
    default:
      return "—";
    }
}

/**
 * ks_card_render_front:
 * @cr: user units in millimetres, the card's top-left corner at the origin
 */
void
ks_card_render_front (KsCard  *card,
                      cairo_t *cr)
{
  const KsCardHolder *h = card->holder;
  const double fx = 29.0, fw = KS_CARD_WIDTH_MM - fx - 3.5;
  g_autofree char *dob = format_dob (h->date_of_birth);
  g_autofree char *issued = format_day (card->issued_at);
  g_autofree char *expires = format_day (card->expires_at);
  double col;

  g_return_if_fail (card != NULL && cr != NULL);

  cairo_save (cr);
  draw_background (cr, 10.5);

  draw_text (cr, "Khyber Pass", FONT_LATIN, 4.4, TRUE, 4, 1.2, 50, PANGO_ALIGN_LEFT, 0xffffff);
  draw_text (cr, "Khyber Pakhtunkhwa · Identity Card", FONT_LATIN, 1.7, FALSE, 4, 6.9, 50,
             PANGO_ALIGN_LEFT, 0xd7ebe2);
  draw_text (cr, "خیبر پاس", FONT_URDU, 3.6, FALSE, 50, 0.2, 32, PANGO_ALIGN_RIGHT, 0xffffff);

  draw_photo (card, cr, 4.0, 13.0, 21.5, 27.5);

  draw_label (cr, "Name", "نام", fx, 12.4, fw);
  draw_text (cr, h->full_name, FONT_LATIN, 2.9, TRUE, fx, 14.0, fw, PANGO_ALIGN_LEFT, INK);
  draw_text (cr, h->full_name_ur, FONT_URDU, 2.7, FALSE, fx, 16.2, fw, PANGO_ALIGN_RIGHT, INK);

  if (h->husband)
    draw_label (cr, "Husband’s name", "شوہر کا نام", fx, 23.4, fw);
  else
    draw_label (cr, "Father’s name", "والد کا نام", fx, 23.4, fw);
  draw_text (cr, h->father_name, FONT_LATIN, 2.3, FALSE, fx, 25.0, fw, PANGO_ALIGN_LEFT, INK);
  draw_text (cr, h->father_name_ur, FONT_URDU, 2.2, FALSE, fx, 26.6, fw, PANGO_ALIGN_RIGHT,
             INK);

  col = fw / 3;
  draw_label (cr, "Date of birth", "پیدائش", fx, 32.6, col);
  draw_text (cr, dob, FONT_LATIN, 2.1, FALSE, fx, 34.2, col, PANGO_ALIGN_LEFT, INK);
  draw_label (cr, "Gender", "جنس", fx + col, 32.6, col);
  draw_text (cr, gender_text (h->gender), FONT_LABEL, 2.0, FALSE, fx + col, 34.2, col,
             PANGO_ALIGN_LEFT, INK);
  draw_label (cr, "District", "ضلع", fx + 2 * col, 32.6, col);
  draw_text (cr, h->district_name ? h->district_name : h->district_code, FONT_LATIN, 2.1, FALSE,
             fx + 2 * col, 34.2, col, PANGO_ALIGN_LEFT, INK);

  draw_label (cr, "Issued", "تاریخ اجرا", fx, 38.6, col);
  draw_text (cr, issued, FONT_LATIN, 2.1, FALSE, fx, 40.2, col, PANGO_ALIGN_LEFT, INK);
  draw_label (cr, "Expires", "تاریخ تنسیخ", fx + col, 38.6, col);
  draw_text (cr, expires, FONT_LATIN, 2.1, FALSE, fx + col, 40.2, col, PANGO_ALIGN_LEFT, INK);

  /* The ID, large: what a clerk copies by hand. */
  cairo_save (cr);
  set_rgb (cr, GREEN_PALE);
  rounded_rect (cr, 4.0, 44.2, KS_CARD_WIDTH_MM - 8.0, 6.8, 1.2);
  cairo_fill_preserve (cr);
  set_rgb (cr, GREEN);
  cairo_set_line_width (cr, 0.15);
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_text (cr, "Khyber Pass ID", FONT_LATIN, 1.6, FALSE, 6.0, 46.6, 25, PANGO_ALIGN_LEFT, GREY);
  draw_text (cr, h->kp_id, "DejaVu Sans Mono", 3.4, TRUE, 26.0, 45.4, KS_CARD_WIDTH_MM - 32.0,
             PANGO_ALIGN_RIGHT, INK);

  if (card->specimen)
    draw_specimen (cr);
  cairo_restore (cr);
}

static void
draw_qr (KsCard  *card,
         cairo_t *cr,
         double   x,
         double   y)
{
  const QRcode *qr = card->qr;
  double m = module_mm_for (qr);
  double side = m * (qr->width + 2 * QR_QUIET_MODULES);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, side, side);
  cairo_fill (cr);

  /* Runs of dark modules as one rectangle each: no hairline seams between neighbours when a
   * rasterizer antialiases the edges. */
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < qr->width; row++)
    {
      int col = 0;

      while (col < qr->width)
        {
          int start;

          if (!(qr->data[row * qr->width + col] & 1))
            {
              col++;
              continue;
            }
          start = col;
          while (col < qr->width && (qr->data[row * qr->width + col] & 1))
            col++;
          cairo_rectangle (cr, x + (QR_QUIET_MODULES + start) * m,
                           y + (QR_QUIET_MODULES + row) * m, (col - start) * m, m);
        }
    }
  cairo_fill (cr);
  cairo_restore (cr);
}

/**
 * ks_card_render_back:
 * @cr: user units in millimetres, the card's top-left corner at the origin
 */
void
ks_card_render_back (KsCard  *card,
                     cairo_t *cr)
{
  const double tx = 50.0, tw = KS_CARD_WIDTH_MM - tx - 3.5;
  g_autofree char *station = NULL;
  double y;

  g_return_if_fail (card != NULL && cr != NULL);

  cairo_save (cr);
  draw_background (cr, 6.0);
  draw_text (cr, "Khyber Pass · Verify this card", FONT_LATIN, 2.2, TRUE, 4, 1.4, 60,
             PANGO_ALIGN_LEFT, 0xffffff);
  draw_text (cr, "خیبر پاس", FONT_URDU, 2.4, FALSE, 60, -0.2, 22, PANGO_ALIGN_RIGHT, 0xffffff);

  draw_qr (card, cr, 3.0, 7.6);

  y = 8.0;
  draw_text (cr, "Khyber Pass ID", FONT_LATIN, 1.5, FALSE, tx, y, tw, PANGO_ALIGN_LEFT, GREY);
  y += 2.0;
  y += draw_text (cr, card->holder->kp_id, "DejaVu Sans Mono", 2.3, TRUE, tx, y, tw,
                  PANGO_ALIGN_LEFT, INK);
  y += 1.5;
  {
    g_autoptr(PangoLayout) layout = NULL;
    static const char how_face[] =
      "How to verify: scan the code with a Khyber Pass verifier, or run "
      "“khyber-station verify” on a scan. It shows the details and the face the station "
      "signed: they must match this card and its holder.";
    static const char how_no_face[] =
      "How to verify: scan the code with a Khyber Pass verifier, or run "
      "“khyber-station verify” on a scan. It shows the details the station signed: they must "
      "match this card. The code holds no photo, so a copy with another face still passes: "
      "compare the face with the holder.";
    const char *how = card->face_bytes > 0 ? how_face : how_no_face;

    layout = pango_cairo_create_layout (cr);
    {
      PangoFontDescription *desc = pango_font_description_from_string (FONT_LATIN);

      setup_layout (layout);
      pango_font_description_set_absolute_size (desc, 1.6 * PANGO_SCALE);
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
    }
    pango_layout_set_width (layout, (int)(tw * PANGO_SCALE));
    pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
    pango_layout_set_text (layout, how, -1);
    set_rgb (cr, INK);
    cairo_move_to (cr, tx, y);
    pango_cairo_show_layout (cr, layout);
    {
      PangoRectangle logical;
      pango_layout_get_extents (layout, NULL, &logical);
      y += (double)logical.height / PANGO_SCALE + 1.2;
    }
  }
  draw_text (cr, "تصدیق کے لیے کوڈ اسکین کریں", FONT_URDU, 1.9, FALSE, tx, y, tw,
             PANGO_ALIGN_RIGHT, INK);

  station = g_strdup_printf ("Station %s · key %s",
                             card->station_code && *card->station_code ? card->station_code
                                                                        : "—",
                             card->kid);
  /* A card certified only by the set-up's development root says so where a verifier looks. */
  if (card->development)
    draw_text (cr, "DEVELOPMENT KEY · NOT FOR REAL USE", FONT_LATIN, 1.3, TRUE, tx, 47.6, tw,
               PANGO_ALIGN_LEFT, INK);
  draw_text (cr, station, FONT_LATIN, 1.3, FALSE, tx, 49.6, tw, PANGO_ALIGN_LEFT, GREY);

  if (card->specimen)
    draw_specimen (cr);
  cairo_restore (cr);
}

/**
 * ks_card_render_image:
 *
 * Returns: (transfer full): front above back on white, at @dpi.
 */
cairo_surface_t *
ks_card_render_image (KsCard *card,
                      double  dpi)
{
  double scale = dpi / MM_PER_INCH;
  int width = (int)ceil (KS_CARD_WIDTH_MM * scale);
  int height = (int)ceil ((2 * KS_CARD_HEIGHT_MM + SIDE_GAP_MM) * scale);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  ks_card_render_front (card, cr);
  cairo_translate (cr, 0, KS_CARD_HEIGHT_MM + SIDE_GAP_MM);
  ks_card_render_back (card, cr);
  cairo_destroy (cr);
  return surface;
}

static gboolean
cairo_failed (GError       **error,
              const char    *path,
              cairo_status_t status)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The card could not be written to %s (%s). Choose another folder, or free "
                 "some disk space."),
               path, cairo_status_to_string (status));
  return FALSE;
}

/**
 * ks_card_write_pdf:
 *
 * Two pages of the card's exact size: the front, then the back.
 */
gboolean
ks_card_write_pdf (KsCard     *card,
                   const char *path,
                   GError    **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (card != NULL && path != NULL, FALSE);

  surface = cairo_pdf_surface_create (path, KS_CARD_WIDTH_MM * PT_PER_MM,
                                      KS_CARD_HEIGHT_MM * PT_PER_MM);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, "Khyber Pass card");
  cr = cairo_create (surface);
  cairo_scale (cr, PT_PER_MM, PT_PER_MM);
  ks_card_render_front (card, cr);
  cairo_show_page (cr);
  ks_card_render_back (card, cr);
  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    return cairo_failed (error, path, status);
  return TRUE;
}

gboolean
ks_card_write_png (KsCard     *card,
                   const char *path,
                   double      dpi,
                   GError    **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (card != NULL && path != NULL && dpi > 0, FALSE);

  surface = ks_card_render_image (card, dpi);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return cairo_failed (error, path, status);
  return TRUE;
}

/**
 * ks_card_write_file:
 * @path: FILE.pdf (front and back pages) or FILE.png (both sides at %KS_CARD_PNG_DPI)
 *
 * What `khyber-station issue ... FILE` calls: the format follows the file name.
 */
gboolean
ks_card_write_file (KsCard     *card,
                    const char *path,
                    GError    **error)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (card != NULL && path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".pdf"))
    return ks_card_write_pdf (card, path, error);
  if (g_str_has_suffix (lower, ".png"))
    return ks_card_write_png (card, path, KS_CARD_PNG_DPI, error);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("A card can be written as PDF or PNG only: name the file “….pdf” or “….png”."));
  return FALSE;
}
