/* ks-cbor.h: the small CBOR (RFC 8949) reader and writer behind the card's signed QR
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The Claim 169 reference implementation's nesting cap. */
#define KS_CBOR_MAX_DEPTH 128

typedef enum
{
  KS_CBOR_UINT,      /* major 0: value.u */
  KS_CBOR_NINT,      /* major 1: the number -1 - value.u */
  KS_CBOR_BYTES,     /* major 2: bytes */
  KS_CBOR_TEXT,      /* major 3: bytes (valid UTF-8, NUL-terminated) */
  KS_CBOR_ARRAY,     /* major 4: items */
  KS_CBOR_MAP,       /* major 5: items, key and value alternating */
  KS_CBOR_TAG,       /* major 6: value.u is the tag, items[0] the content */
  KS_CBOR_SIMPLE,    /* major 7: value.u 20 false, 21 true, 22 null, 23 undefined, ... */
  KS_CBOR_FLOAT,     /* major 7: value.f */
} KsCborType;

typedef struct _KsCbor KsCbor;

struct _KsCbor
{
  KsCborType type;
  union {
    guint64 u;
    double f;
  } value;
  GBytes *bytes;      /* BYTES and TEXT */
  GPtrArray *items;   /* ARRAY, MAP (2n entries) and TAG (1 entry) */
};

KsCbor       *ks_cbor_decode (const guint8 *data,
                              gsize         len,
                              guint         max_depth,
                              GError      **error);
void          ks_cbor_free (KsCbor *item);
KsCbor       *ks_cbor_copy (const KsCbor *item);
gboolean      ks_cbor_equal (const KsCbor *a,
                             const KsCbor *b);

gboolean      ks_cbor_get_int (const KsCbor *item,
                               gint64       *out);
const char   *ks_cbor_get_text (const KsCbor *item);
const guint8 *ks_cbor_get_bytes (const KsCbor *item,
                                 gsize        *len);
guint         ks_cbor_map_size (const KsCbor *map);
const KsCbor *ks_cbor_map_key (const KsCbor *map,
                               guint         i);
const KsCbor *ks_cbor_map_value (const KsCbor *map,
                                 guint         i);
const KsCbor *ks_cbor_map_lookup_int (const KsCbor *map,
                                      gint64        key);
const KsCbor *ks_cbor_untag (const KsCbor *item,
                             guint64       tag);

void          ks_cbor_write_uint (GByteArray *out,
                                  guint64     value);
void          ks_cbor_write_int (GByteArray *out,
                                 gint64      value);
void          ks_cbor_write_bytes (GByteArray   *out,
                                   const guint8 *data,
                                   gsize         len);
void          ks_cbor_write_text (GByteArray *out,
                                  const char *text);
void          ks_cbor_write_array (GByteArray *out,
                                   gsize       n_items);
void          ks_cbor_write_map (GByteArray *out,
                                 gsize       n_pairs);
void          ks_cbor_write_tag (GByteArray *out,
                                 guint64     tag);
void          ks_cbor_write_item (GByteArray   *out,
                                  const KsCbor *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsCbor, ks_cbor_free)

G_END_DECLS
