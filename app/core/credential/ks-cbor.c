/* ks-cbor.c: the small CBOR (RFC 8949) reader and writer behind the card's signed QR
 *
 * Why our own and not libcbor: bookworm's libcbor 0.8 builds its tree by unbounded recursion
 * (no nesting cap), accepts duplicate map keys and leaves finding them to the caller, and
 * allocates containers from the announced length before reading them (a 5-byte header can ask
 * for gigabytes). A verifier reads codes from strangers, so those three rules must hold inside
 * the parser; wrapping libcbor's streaming callbacks to enforce them would be as long as this
 * file, which reads only the subset COSE and Claim 169 use, every item fully checked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-cbor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ks-cbor.h"
#include "ks-credential-error.h"

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  guint max_depth;
} Reader;

static KsCbor *read_item (Reader  *r,
                          guint    depth,
                          GError **error);

static KsCbor *
item_new (KsCborType type)
{
  KsCbor *item = g_new0 (KsCbor, 1);

  item->type = type;
  return item;
}

void
ks_cbor_free (KsCbor *item)
{
  if (item == NULL)
    return;
  g_clear_pointer (&item->bytes, g_bytes_unref);
  g_clear_pointer (&item->items, g_ptr_array_unref);
  g_free (item);
}

KsCbor *
ks_cbor_copy (const KsCbor *item)
{
  KsCbor *copy;

  g_return_val_if_fail (item != NULL, NULL);

  copy = item_new (item->type);
  copy->value = item->value;
  if (item->bytes)
    copy->bytes = g_bytes_ref (item->bytes);
  if (item->items)
    {
      copy->items = g_ptr_array_new_full (item->items->len, (GDestroyNotify)ks_cbor_free);
      for (guint i = 0; i < item->items->len; i++)
        g_ptr_array_add (copy->items, ks_cbor_copy (g_ptr_array_index (item->items, i)));
    }
  return copy;
}

static gboolean
malformed (GError    **error,
           const char *why)
{
  g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_BAD_CBOR,
               _("The code’s data is damaged (%s). It is not a genuine Khyber Pass code, or it "
                 "was altered."),
               why);
  return FALSE;
}

static gboolean
read_head (Reader  *r,
           guint8  *major,
           guint8  *info,
           guint64 *arg,
           GError **error)
{
  guint n_extra;

  if (r->pos >= r->len)
    return malformed (error, _("truncated"));

  *major = r->data[r->pos] >> 5;
  *info = r->data[r->pos] & 0x1f;
  r->pos++;

  if (*info < 24)
    {
      *arg = *info;
      return TRUE;
    }
  if (*info == 31)
    {
      *arg = 0;
      return TRUE;
    }
  if (*info > 27)
    return malformed (error, _("reserved header value"));

  n_extra = 1u << (*info - 24);
  if (r->len - r->pos < n_extra)
    return malformed (error, _("truncated"));
  *arg = 0;
  for (guint i = 0; i < n_extra; i++)
    *arg = (*arg << 8) | r->data[r->pos++];
  return TRUE;
}

/* A definite string's bytes, or the concatenated definite chunks of an indefinite one. */
static GBytes *
read_string (Reader  *r,
             guint8   major,
             guint8   info,
             guint64  arg,
             GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new ();
  guint8 nul = 0;

  if (info != 31)
    {
      if (arg > r->len - r->pos)
        return malformed (error, _("truncated string")), NULL;
      g_byte_array_append (buf, r->data + r->pos, arg);
      r->pos += arg;
    }
  else
    {
      for (;;)
        {
          guint8 cmajor, cinfo;
          guint64 carg;

          if (r->pos < r->len && r->data[r->pos] == 0xff)
            {
              r->pos++;
              break;
            }
          if (!read_head (r, &cmajor, &cinfo, &carg, error))
            return NULL;
          if (cmajor != major || cinfo == 31)
            return malformed (error, _("bad string chunk")), NULL;
          if (carg > r->len - r->pos)
            return malformed (error, _("truncated string")), NULL;
          g_byte_array_append (buf, r->data + r->pos, carg);
          r->pos += carg;
        }
    }

  if (major == 3)
    {
      if (!g_utf8_validate_len ((const char *)buf->data, buf->len, NULL))
        return malformed (error, _("text is not UTF-8")), NULL;
      /* Kept NUL-terminated past the GBytes size, so the text can be handed out as a string. */
      g_byte_array_append (buf, &nul, 1);
      g_byte_array_set_size (buf, buf->len - 1);
    }

  {
    gsize size = buf->len;
    guint8 *data = g_byte_array_free (g_steal_pointer (&buf), FALSE);
    return g_bytes_new_take (data, size);
  }
}

static guint
item_hash (gconstpointer p)
{
  const KsCbor *item = p;
  guint h = item->type;

  switch (item->type)
    {
    case KS_CBOR_UINT:
    case KS_CBOR_NINT:
    case KS_CBOR_SIMPLE:
    case KS_CBOR_TAG:
      h = h * 31 + (guint)(item->value.u ^ (item->value.u >> 32));
      break;
    case KS_CBOR_BYTES:
    case KS_CBOR_TEXT:
      h = h * 31 + g_bytes_hash (item->bytes);
      break;
    case KS_CBOR_FLOAT:
    case KS_CBOR_ARRAY:
    case KS_CBOR_MAP:
    default:
      /* Rare as keys: equality sorts them out. */
      break;
    }
  return h;
}

static gboolean
item_equal (gconstpointer a,
            gconstpointer b)
{
  return ks_cbor_equal (a, b);
}

static KsCbor *
read_container (Reader    *r,
                KsCborType type,
                guint8     info,
                guint64    arg,
                guint      depth,
                GError   **error)
{
  g_autoptr(KsCbor) item = item_new (type);
  g_autoptr(GHashTable) keys = NULL;
  gboolean indefinite = info == 31;
  guint64 n_items = type == KS_CBOR_MAP ? arg * 2 : arg;

  /* Every item takes at least one byte: refuse a header that announces more items than bytes
   * are left before allocating anything for them. */
  if (!indefinite && (arg > r->len || n_items > r->len - r->pos))
    return malformed (error, _("truncated container")), NULL;

  item->items = g_ptr_array_new_full (indefinite ? 4 : (guint)n_items,
                                      (GDestroyNotify)ks_cbor_free);
  if (type == KS_CBOR_MAP)
    keys = g_hash_table_new (item_hash, item_equal);

  for (guint64 i = 0; indefinite || i < n_items; i++)
    {
      KsCbor *child;

      if (indefinite && r->pos < r->len && r->data[r->pos] == 0xff)
        {
          r->pos++;
          if (type == KS_CBOR_MAP && item->items->len % 2 != 0)
            return malformed (error, _("map key without value")), NULL;
          break;
        }

      child = read_item (r, depth + 1, error);
      if (child == NULL)
        return NULL;
      g_ptr_array_add (item->items, child);

      if (type == KS_CBOR_MAP && item->items->len % 2 == 1)
        {
          if (!g_hash_table_add (keys, child))
            {
              g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_DUPLICATE_KEY,
                           _("The code’s data names the same field twice. It is not a genuine "
                             "Khyber Pass code, or it was altered."));
              return NULL;
            }
        }
    }

  return g_steal_pointer (&item);
}

static double
half_to_double (guint16 h)
{
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  double v;

  if (exponent == 0)
    v = ldexp (mantissa, -24);
  else if (exponent != 31)
    v = ldexp (mantissa + 1024, exponent - 25);
  else
    v = mantissa == 0 ? INFINITY : NAN;
  return (h & 0x8000) ? -v : v;
}

static KsCbor *
read_item (Reader  *r,
           guint    depth,
           GError **error)
{
  g_autoptr(KsCbor) item = NULL;
  guint8 major, info;
  guint64 arg;

  if (depth > r->max_depth)
    {
      g_set_error (error, KS_CREDENTIAL_ERROR, KS_CREDENTIAL_ERROR_TOO_DEEP,
                   _("The code’s data is nested more than %u levels deep. It is not a genuine "
                     "Khyber Pass code."),
                   r->max_depth);
      return NULL;
    }

  if (!read_head (r, &major, &info, &arg, error))
    return NULL;

  switch (major)
    {
    case 0:
    case 1:
      if (info == 31)
        return malformed (error, _("indefinite integer")), NULL;
      item = item_new (major == 0 ? KS_CBOR_UINT : KS_CBOR_NINT);
      item->value.u = arg;
      break;

    case 2:
    case 3:
      item = item_new (major == 2 ? KS_CBOR_BYTES : KS_CBOR_TEXT);
      item->bytes = read_string (r, major, info, arg, error);
      if (item->bytes == NULL)
        return NULL;
      break;

    case 4:
    case 5:
      return read_container (r, major == 4 ? KS_CBOR_ARRAY : KS_CBOR_MAP, info, arg, depth,
                             error);

    case 6:
      {
        KsCbor *content;

        if (info == 31)
          return malformed (error, _("indefinite tag")), NULL;
        item = item_new (KS_CBOR_TAG);
        item->value.u = arg;
        content = read_item (r, depth + 1, error);
        if (content == NULL)
          return NULL;
        item->items = g_ptr_array_new_full (1, (GDestroyNotify)ks_cbor_free);
        g_ptr_array_add (item->items, content);
      }
      break;

    case 7:
    default:
      if (info == 31)
        return malformed (error, _("unexpected break")), NULL;
      if (info == 25 || info == 26 || info == 27)
        {
          item = item_new (KS_CBOR_FLOAT);
          if (info == 25)
            item->value.f = half_to_double ((guint16)arg);
          else if (info == 26)
            {
              guint32 bits = (guint32)arg;
              float f;
              memcpy (&f, &bits, sizeof f);
              item->value.f = f;
            }
          else
            memcpy (&item->value.f, &arg, sizeof (double));
        }
      else
        {
          /* RFC 8949 3.3: a one-byte simple value below 32 is not well-formed. */
          if (info == 24 && arg < 32)
            return malformed (error, _("bad simple value")), NULL;
          item = item_new (KS_CBOR_SIMPLE);
          item->value.u = arg;
        }
      break;
    }

  return g_steal_pointer (&item);
}

/**
 * ks_cbor_decode:
 * @max_depth: the deepest nesting accepted, 0 for %KS_CBOR_MAX_DEPTH
 *
 * Decodes exactly one item filling all of @data. Indefinite-length strings, arrays and maps
 * are read (HCERT data uses them); duplicate map keys (%KS_CREDENTIAL_ERROR_DUPLICATE_KEY),
 * nesting beyond @max_depth (%KS_CREDENTIAL_ERROR_TOO_DEEP) and anything malformed or
 * trailing (%KS_CREDENTIAL_ERROR_BAD_CBOR) are refused.
 */
KsCbor *
ks_cbor_decode (const guint8 *data,
                gsize         len,
                guint         max_depth,
                GError      **error)
{
  Reader r = { data, len, 0, max_depth ? max_depth : KS_CBOR_MAX_DEPTH };
  g_autoptr(KsCbor) item = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  item = read_item (&r, 1, error);
  if (item == NULL)
    return NULL;
  if (r.pos != r.len)
    return malformed (error, _("extra bytes after the data")), NULL;
  return g_steal_pointer (&item);
}

gboolean
ks_cbor_equal (const KsCbor *a,
               const KsCbor *b)
{
  if (a->type != b->type)
    return FALSE;

  switch (a->type)
    {
    case KS_CBOR_UINT:
    case KS_CBOR_NINT:
    case KS_CBOR_SIMPLE:
      return a->value.u == b->value.u;
    case KS_CBOR_FLOAT:
      return memcmp (&a->value.f, &b->value.f, sizeof (double)) == 0;
    case KS_CBOR_BYTES:
    case KS_CBOR_TEXT:
      return g_bytes_equal (a->bytes, b->bytes);
    case KS_CBOR_TAG:
    case KS_CBOR_ARRAY:
    case KS_CBOR_MAP:
    default:
      if (a->type == KS_CBOR_TAG && a->value.u != b->value.u)
        return FALSE;
      if (a->items->len != b->items->len)
        return FALSE;
      for (guint i = 0; i < a->items->len; i++)
        if (!ks_cbor_equal (g_ptr_array_index (a->items, i), g_ptr_array_index (b->items, i)))
          return FALSE;
      return TRUE;
    }
}

/**
 * ks_cbor_get_int:
 *
 * Returns: %TRUE when @item is an integer that fits a gint64, stored in @out.
 */
gboolean
ks_cbor_get_int (const KsCbor *item,
                 gint64       *out)
{
  if (item == NULL)
    return FALSE;
  if (item->type == KS_CBOR_UINT && item->value.u <= G_MAXINT64)
    {
      *out = (gint64)item->value.u;
      return TRUE;
    }
  if (item->type == KS_CBOR_NINT && item->value.u <= G_MAXINT64)
    {
      *out = -1 - (gint64)item->value.u;
      return TRUE;
    }
  return FALSE;
}

/**
 * ks_cbor_get_text:
 *
 * Returns: (nullable): the text of a text item, %NULL for any other item.
 */
const char *
ks_cbor_get_text (const KsCbor *item)
{
  const char *text;

  if (item == NULL || item->type != KS_CBOR_TEXT)
    return NULL;
  text = g_bytes_get_data (item->bytes, NULL);
  return text ? text : "";
}

const guint8 *
ks_cbor_get_bytes (const KsCbor *item,
                   gsize        *len)
{
  static const guint8 empty[1] = { 0 };
  const guint8 *data;

  if (item == NULL || item->type != KS_CBOR_BYTES)
    return NULL;
  data = g_bytes_get_data (item->bytes, len);
  return data ? data : empty;
}

guint
ks_cbor_map_size (const KsCbor *map)
{
  g_return_val_if_fail (map != NULL && map->type == KS_CBOR_MAP, 0);
  return map->items->len / 2;
}

const KsCbor *
ks_cbor_map_key (const KsCbor *map,
                 guint         i)
{
  g_return_val_if_fail (map != NULL && map->type == KS_CBOR_MAP, NULL);
  return g_ptr_array_index (map->items, 2 * i);
}

const KsCbor *
ks_cbor_map_value (const KsCbor *map,
                   guint         i)
{
  g_return_val_if_fail (map != NULL && map->type == KS_CBOR_MAP, NULL);
  return g_ptr_array_index (map->items, 2 * i + 1);
}

const KsCbor *
ks_cbor_map_lookup_int (const KsCbor *map,
                        gint64        key)
{
  if (map == NULL || map->type != KS_CBOR_MAP)
    return NULL;
  for (guint i = 0; i < map->items->len; i += 2)
    {
      gint64 k;

      if (ks_cbor_get_int (g_ptr_array_index (map->items, i), &k) && k == key)
        return g_ptr_array_index (map->items, i + 1);
    }
  return NULL;
}

/**
 * ks_cbor_untag:
 *
 * Returns: the content of @item when it carries @tag, else @item itself.
 */
const KsCbor *
ks_cbor_untag (const KsCbor *item,
               guint64       tag)
{
  if (item != NULL && item->type == KS_CBOR_TAG && item->value.u == tag)
    return g_ptr_array_index (item->items, 0);
  return item;
}

/* Writer: always the shortest head, definite lengths (RFC 8949 4.2.1 preferred serialization),
 * so what the station signs is reproducible byte for byte. */

static void
write_head (GByteArray *out,
            guint8      major,
            guint64     arg)
{
  guint8 buf[9];
  guint n;

  if (arg < 24)
    {
      buf[0] = (major << 5) | (guint8)arg;
      n = 1;
    }
  else if (arg <= 0xff)
    {
      buf[0] = (major << 5) | 24;
      n = 2;
    }
  else if (arg <= 0xffff)
    {
      buf[0] = (major << 5) | 25;
      n = 3;
    }
  else if (arg <= 0xffffffff)
    {
      buf[0] = (major << 5) | 26;
      n = 5;
    }
  else
    {
      buf[0] = (major << 5) | 27;
      n = 9;
    }
  for (guint i = 1; i < n; i++)
    buf[i] = (guint8)(arg >> (8 * (n - 1 - i)));
  g_byte_array_append (out, buf, n);
}

void
ks_cbor_write_uint (GByteArray *out,
                    guint64     value)
{
  write_head (out, 0, value);
}

void
ks_cbor_write_int (GByteArray *out,
                   gint64      value)
{
  if (value >= 0)
    write_head (out, 0, (guint64)value);
  else
    write_head (out, 1, (guint64)(-1 - value));
}

void
ks_cbor_write_bytes (GByteArray   *out,
                     const guint8 *data,
                     gsize         len)
{
  write_head (out, 2, len);
  if (len > 0)
    g_byte_array_append (out, data, len);
}

void
ks_cbor_write_text (GByteArray *out,
                    const char *text)
{
  gsize len = strlen (text);

  write_head (out, 3, len);
  g_byte_array_append (out, (const guint8 *)text, len);
}

void
ks_cbor_write_array (GByteArray *out,
                     gsize       n_items)
{
  write_head (out, 4, n_items);
}

void
ks_cbor_write_map (GByteArray *out,
                   gsize       n_pairs)
{
  write_head (out, 5, n_pairs);
}

void
ks_cbor_write_tag (GByteArray *out,
                   guint64     tag)
{
  write_head (out, 6, tag);
}

/**
 * ks_cbor_write_item:
 *
 * Writes a decoded item back, with definite lengths: how unknown Claim 169 fields survive a
 * read and a re-issue.
 */
void
ks_cbor_write_item (GByteArray   *out,
                    const KsCbor *item)
{
  gsize len = 0;
  const guint8 *data;

  switch (item->type)
    {
    case KS_CBOR_UINT:
      write_head (out, 0, item->value.u);
      break;
    case KS_CBOR_NINT:
      write_head (out, 1, item->value.u);
      break;
    case KS_CBOR_BYTES:
    case KS_CBOR_TEXT:
      data = g_bytes_get_data (item->bytes, &len);
      write_head (out, item->type == KS_CBOR_BYTES ? 2 : 3, len);
      if (len > 0)
        g_byte_array_append (out, data, len);
      break;
    case KS_CBOR_ARRAY:
    case KS_CBOR_MAP:
      write_head (out, item->type == KS_CBOR_ARRAY ? 4 : 5,
                  item->type == KS_CBOR_ARRAY ? item->items->len : item->items->len / 2);
      for (guint i = 0; i < item->items->len; i++)
        ks_cbor_write_item (out, g_ptr_array_index (item->items, i));
      break;
    case KS_CBOR_TAG:
      write_head (out, 6, item->value.u);
      ks_cbor_write_item (out, g_ptr_array_index (item->items, 0));
      break;
    case KS_CBOR_SIMPLE:
      if (item->value.u < 24)
        write_head (out, 7, item->value.u);
      else
        {
          guint8 buf[2] = { 0xf8, (guint8)item->value.u };
          g_byte_array_append (out, buf, 2);
        }
      break;
    case KS_CBOR_FLOAT:
    default:
      {
        guint8 buf[9] = { 0xfb };
        guint64 bits;

        memcpy (&bits, &item->value.f, sizeof bits);
        for (guint i = 0; i < 8; i++)
          buf[1 + i] = (guint8)(bits >> (56 - 8 * i));
        g_byte_array_append (out, buf, 9);
      }
      break;
    }
}
