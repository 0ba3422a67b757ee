/* ks-sync-protocol.c: what the station and the registry must compute alike
 *
 * The content hash and the signed request message are defined byte for byte in
 * docs/registry-protocol.md; the station's engine and the reference registry both call these
 * functions, so the two can never drift apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-sync"

#include "config.h"

#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "ks-sync-protocol.h"

char *
ks_sync_sha256_hex (const guint8 *data,
                    gsize         len)
{
  guint8 hash[crypto_hash_sha256_BYTES];
  char hex[sizeof hash * 2 + 1];

  crypto_hash_sha256 (hash, data, len);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

/**
 * ks_sync_content_hash_full:
 * @biometrics_sha256: (nullable): hex SHA-256 of the plain biometric blob
 *
 * The hash covers the plain blob's hash, not its sealed form: sealing is randomised, and a
 * record re-sent after a crash must hash the same, or the registry would call it a conflict.
 */
char *
ks_sync_content_hash_full (const char *decision,
                           const char *reason,
                           const char *payload,
                           const char *biometrics_sha256)
{
  g_autofree char *text = g_strdup_printf ("KP-RECORD-1\n%s\n%s\n%s\n%s", decision,
                                           reason ? reason : "", payload,
                                           biometrics_sha256 ? biometrics_sha256 : "");

  return ks_sync_sha256_hex ((const guint8 *)text, strlen (text));
}

char *
ks_sync_content_hash (const char *decision,
                      const char *reason,
                      const char *payload,
                      GBytes     *biometrics)
{
  g_autofree char *bio_hash = NULL;

  if (biometrics != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (biometrics, &len);
      bio_hash = ks_sync_sha256_hex (data, len);
    }
  return ks_sync_content_hash_full (decision, reason, payload, bio_hash);
}

/* The body's hash, not the body, so the message stays small and compression cannot change
 * what was signed. */
char *
ks_sync_signed_message (const char   *method,
                        const char   *path,
                        gint64        timestamp,
                        const guint8 *body,
                        gsize         len)
{
  g_autofree char *body_hash = ks_sync_sha256_hex (body ? body : (const guint8 *)"", len);

  return g_strdup_printf ("KP-REQUEST-1\n%s\n%s\n%" G_GINT64_FORMAT "\n%s", method, path,
                          timestamp, body_hash);
}

gboolean
ks_sync_verify_request (const guint8 *public_key,
                        const char   *method,
                        const char   *path,
                        const char   *timestamp,
                        const guint8 *body,
                        gsize         len,
                        const char   *signature_b64)
{
  g_autofree guint8 *sig = NULL;
  g_autofree char *message = NULL;
  gsize sig_len = 0;
  gint64 when;
  char *end = NULL;

  if (public_key == NULL || timestamp == NULL || signature_b64 == NULL)
    return FALSE;
  when = g_ascii_strtoll (timestamp, &end, 10);
  if (end == timestamp || *end != '\0')
    return FALSE;
  sig = g_base64_decode (signature_b64, &sig_len);
  if (sig_len != crypto_sign_BYTES)
    return FALSE;
  message = ks_sync_signed_message (method, path, when, body, len);
  return crypto_sign_verify_detached (sig, (const guint8 *)message, strlen (message),
                                      public_key) == 0;
}

GBytes *
ks_sync_gzip (const guint8 *data,
              gsize         len)
{
  z_stream z = { 0 };
  gsize bound;
  guint8 *out;

  /* 16 + MAX_WBITS: a gzip wrapper, what Content-Encoding: gzip means. Big bodies are mostly
   * base64 of sealed templates: no repeats for LZ77 to find, only 6 bits of entropy per byte,
   * which Huffman coding alone recovers at several times the speed. Small bodies are JSON
   * text, where matches are the gain. */
  if (deflateInit2 (&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8,
                    len > 64 * 1024 ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY) != Z_OK)
    return NULL;
  bound = deflateBound (&z, len) + 32;
  out = g_malloc (bound);
  z.next_in = (Bytef *)data;
  z.avail_in = len;
  z.next_out = out;
  z.avail_out = bound;
  if (deflate (&z, Z_FINISH) != Z_STREAM_END)
    {
      deflateEnd (&z);
      g_free (out);
      return NULL;
    }
  deflateEnd (&z);
  return g_bytes_new_take (out, z.total_out);
}

/**
 * ks_sync_gunzip:
 * @max_len: refuse to inflate past this (a small body must not become gigabytes)
 * @too_large: (out) (optional): set to %TRUE when the bytes inflate past @max_len (a gzip
 *   bomb, answered 413), %FALSE when they are damaged or fit
 *
 * Returns: (nullable): the inflated bytes, %NULL when damaged or too large
 */
GBytes *
ks_sync_gunzip (const guint8 *data,
                gsize         len,
                gsize         max_len,
                gboolean     *too_large)
{
  z_stream z = { 0 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 chunk[16384];
  int rc = Z_OK;

  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    return NULL;
  z.next_in = (Bytef *)data;
  z.avail_in = len;
  while (rc != Z_STREAM_END)
    {
      z.next_out = chunk;
      z.avail_out = sizeof chunk;
      rc = inflate (&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, chunk, sizeof chunk - z.avail_out);
      if (out->len > max_len || (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0))
        break;
    }
  inflateEnd (&z);
  if (too_large != NULL)
    *too_large = out->len > max_len;
  if (rc != Z_STREAM_END || out->len > max_len)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * ks_sync_json_bounded:
 * @max_depth: the deepest nesting of arrays and objects allowed
 * @max_tokens: the most structural characters (brackets, commas, colons) allowed, which
 *   bounds the number of nodes a parser would build: 64 MB of `[1,1,1,...]` makes 32 million
 *   nodes, several gigabytes in json-glib
 *
 * json-glib recurses once per level and has no limit of its own: 100,000 brackets (245 bytes
 * gzipped) overflow the stack. This scan runs over the raw bytes before any parser sees them,
 * in constant memory; it skips strings (escapes included) so brackets inside text do not count.
 * It does not check that the document is valid JSON: the parser does that afterwards.
 *
 * Returns: %TRUE when the document stays within both bounds
 */
gboolean
ks_sync_json_bounded (const char *data,
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
            i++;
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

/**
 * ks_sync_parse_object:
 * @max_tokens: see ks_sync_json_bounded(); the depth is KS_SYNC_MAX_JSON_DEPTH
 *
 * How either side reads a JSON body: bounded first, then parsed.
 *
 * Returns: (transfer full) (nullable): the document's object, %NULL when it is out of bounds,
 *   not JSON, or not an object
 */
JsonObject *
ks_sync_parse_object (const char *data,
                      gsize       len,
                      gsize       max_tokens)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (data == NULL || len == 0 || len > G_MAXSSIZE
      || !ks_sync_json_bounded (data, len, KS_SYNC_MAX_JSON_DEPTH, max_tokens))
    return NULL;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}
