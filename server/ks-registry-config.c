/* ks-registry-config.c: reading /etc/khyber-registry/registry.conf
 *
 * A GKeyFile in three groups, [server], [storage] and [limits] (data/registry.conf is the
 * commented example the package installs). The file is read whole but bounded, every key is
 * known (a misspelt key is an error, not a silently ignored setting), every number has a range
 * and every path is absolute, so a registry started by systemd from / finds what its operator
 * meant. The command line may override any value afterwards.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ks-registry-config.h"
#include "ks-registry-store.h"

typedef enum
{
  KEY_STRING,
  KEY_PATH,
  KEY_INT,
} KeyKind;

typedef struct
{
  const char *group;
  const char *key;
  KeyKind kind;
  gsize offset;
  gint64 min;
  gint64 max;
} KeySpec;

#define STR(g, k, field) { g, k, KEY_STRING, G_STRUCT_OFFSET (KsRegistryConfig, field), 0, 0 }
#define PATH(g, k, field) { g, k, KEY_PATH, G_STRUCT_OFFSET (KsRegistryConfig, field), 0, 0 }
#define INT(g, k, field, lo, hi) \
  { g, k, KEY_INT, G_STRUCT_OFFSET (KsRegistryConfig, field), lo, hi }

/* "type" in [storage] is read on its own: it is a word, not a string to copy. */
static const KeySpec keys[] = {
  STR ("server", "listen-address", listen_address),
  INT ("server", "port", port, 0, 65535),
  PATH ("server", "tls-certificate", tls_certificate),
  PATH ("server", "tls-key", tls_key),
  PATH ("storage", "path", sqlite_path),
  STR ("storage", "conninfo", postgresql_conninfo),
  PATH ("storage", "key-file", key_file),
  INT ("limits", "max-connections", max_connections, 1, 100000),
  INT ("limits", "max-connections-per-address", max_connections_per_address, 1, 100000),
  INT ("limits", "header-timeout", header_timeout, 1, 3600),
  INT ("limits", "body-timeout", body_timeout, 1, 3600),
  INT ("limits", "max-body-mb", max_body_mb, 1, 1024),
  INT ("limits", "max-bodies-mb", max_bodies_mb, 1, 65536),
};

void
ks_registry_config_init (KsRegistryConfig *config)
{
  memset (config, 0, sizeof *config);
  config->port = 8443;
  config->storage = KS_REGISTRY_STORAGE_SQLITE;
  config->max_connections = 512;
  config->max_connections_per_address = 32;
  config->header_timeout = 10;
  config->body_timeout = 30;
  config->max_body_mb = 64;
  config->max_bodies_mb = 256;
}

void
ks_registry_config_clear (KsRegistryConfig *config)
{
  g_clear_pointer (&config->listen_address, g_free);
  g_clear_pointer (&config->tls_certificate, g_free);
  g_clear_pointer (&config->tls_key, g_free);
  g_clear_pointer (&config->sqlite_path, g_free);
  if (config->postgresql_conninfo != NULL)
    {
      /* It may hold a password. */
      memset (config->postgresql_conninfo, 0, strlen (config->postgresql_conninfo));
      g_clear_pointer (&config->postgresql_conninfo, g_free);
    }
  g_clear_pointer (&config->key_file, g_free);
}

static const KeySpec *
find_key (const char *group,
          const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (keys[i].group, group) == 0 && strcmp (keys[i].key, key) == 0)
      return &keys[i];
  return NULL;
}

static gboolean
bad_value (GError    **error,
           const char *path,
           const char *group,
           const char *key,
           const char *why)
{
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s %s", path,
               group, key, why);
  return FALSE;
}

static gboolean
read_key (KsRegistryConfig *config,
          GKeyFile         *kf,
          const char       *path,
          const char       *group,
          const char       *key,
          GError          **error)
{
  const KeySpec *spec = find_key (group, key);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;
  gint64 number = 0;

  if (strcmp (group, "storage") == 0 && strcmp (key, "type") == 0)
    {
      value = g_key_file_get_string (kf, group, key, &local_error);
      if (g_strcmp0 (value, "sqlite") == 0)
        config->storage = KS_REGISTRY_STORAGE_SQLITE;
      else if (g_strcmp0 (value, "postgresql") == 0)
        config->storage = KS_REGISTRY_STORAGE_POSTGRESQL;
      else
        return bad_value (error, path, group, key, "must be sqlite or postgresql");
      return TRUE;
    }
  if (spec == NULL)
    return bad_value (error, path, group, key, "is not a setting the registry knows: check its "
                      "spelling against /usr/share/doc/khyber-registry/registry.conf");

  value = g_key_file_get_string (kf, group, key, &local_error);
  if (value == NULL)
    return bad_value (error, path, group, key, "is not valid UTF-8 text");
  g_strstrip (value);
  if (*value == '\0')
    return bad_value (error, path, group, key, "is empty: give a value or remove the line");

  switch (spec->kind)
    {
    case KEY_INT:
      if (!g_ascii_string_to_signed (value, 10, spec->min, spec->max, &number, NULL))
        {
          g_autofree char *why = g_strdup_printf ("must be a whole number from %" G_GINT64_FORMAT
                                                  " to %" G_GINT64_FORMAT, spec->min,
                                                  spec->max);
          return bad_value (error, path, group, key, why);
        }
      G_STRUCT_MEMBER (int, config, spec->offset) = (int)number;
      return TRUE;

    case KEY_PATH:
      if (!g_path_is_absolute (value))
        return bad_value (error, path, group, key, "must be an absolute path (starting with /): "
                          "the registry runs from /, not from this file's folder");
      G_GNUC_FALLTHROUGH;

    case KEY_STRING:
    default:
      g_free (G_STRUCT_MEMBER (char *, config, spec->offset));
      G_STRUCT_MEMBER (char *, config, spec->offset) = g_steal_pointer (&value);
      return TRUE;
    }
}

/* The file's bytes, at most KS_REGISTRY_CONFIG_MAX_BYTES: read, not stat'ed, so a FIFO or a
 * device named as the configuration cannot make the registry read without end. */
static char *
read_bounded (const char *path,
              gsize      *len,
              GError    **error)
{
  g_autofree char *data = g_malloc (KS_REGISTRY_CONFIG_MAX_BYTES + 1);
  FILE *f = fopen (path, "rbe");
  gsize got;

  if (f == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot read the configuration file %s: %s", path, g_strerror (saved));
      return NULL;
    }
  got = fread (data, 1, KS_REGISTRY_CONFIG_MAX_BYTES + 1, f);
  if (ferror (f))
    {
      int saved = errno;

      fclose (f);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot read the configuration file %s: %s", path, g_strerror (saved));
      return NULL;
    }
  fclose (f);
  if (got > KS_REGISTRY_CONFIG_MAX_BYTES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "the configuration file %s is larger than %d KiB: is it the right file?",
                   path, KS_REGISTRY_CONFIG_MAX_BYTES / 1024);
      return NULL;
    }
  if (memchr (data, '\0', got) != NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "the configuration file %s holds NUL bytes: it is not a text file", path);
      return NULL;
    }
  *len = got;
  return g_steal_pointer (&data);
}

gboolean
ks_registry_config_load (KsRegistryConfig *config,
                         const char       *path,
                         GError          **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_auto(GStrv) groups = NULL;
  gsize len = 0;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!(data = read_bounded (path, &len, error)))
    return FALSE;
  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, G_KEY_FILE_ERROR, local_error->code,
                   "the configuration file %s cannot be read as a key file (%s): compare it "
                   "with /usr/share/doc/khyber-registry/registry.conf", path,
                   local_error->message);
      return FALSE;
    }
  memset (data, 0, len);

  groups = g_key_file_get_groups (kf, NULL);
  for (guint g = 0; groups[g]; g++)
    {
      g_auto(GStrv) names = NULL;

      if (strcmp (groups[g], "server") != 0 && strcmp (groups[g], "storage") != 0
          && strcmp (groups[g], "limits") != 0)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                       "%s: [%s] is not a group the registry knows: use [server], [storage] "
                       "and [limits]", path, groups[g]);
          return FALSE;
        }
      names = g_key_file_get_keys (kf, groups[g], NULL, NULL);
      for (guint k = 0; names && names[k]; k++)
        if (!read_key (config, kf, path, groups[g], names[k], error))
          return FALSE;
    }
  return TRUE;
}

gboolean
ks_registry_config_check (const KsRegistryConfig *config,
                          GError                **error)
{
  g_autoptr(GInetAddress) address = NULL;

  if (config->tls_certificate == NULL || config->tls_key == NULL)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                   "a TLS certificate and key are required (tls-certificate and tls-key in "
                   "[server], or --tls-cert and --tls-key): stations only talk HTTPS");
      return FALSE;
    }
  if (config->listen_address != NULL
      && !(address = g_inet_address_new_from_string (config->listen_address)))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "the listen address \"%s\" is not an IP address: write 127.0.0.1 for this "
                   "machine only, 0.0.0.0 for every interface, or one of this machine's "
                   "addresses", config->listen_address);
      return FALSE;
    }
  if (config->port < 0 || config->port > 65535)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "the port must be from 0 to 65535");
      return FALSE;
    }
  if (config->max_connections < 1 || config->max_connections_per_address < 1
      || config->header_timeout < 1 || config->body_timeout < 1 || config->max_body_mb < 1
      || config->max_bodies_mb < config->max_body_mb)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "limits and timeouts must be at least 1, and max-bodies-mb at least "
                   "max-body-mb");
      return FALSE;
    }
  if (config->storage == KS_REGISTRY_STORAGE_POSTGRESQL)
    {
      if (config->postgresql_conninfo == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                       "[storage] type=postgresql needs conninfo, the PostgreSQL connection "
                       "string (e.g. conninfo=host=/run/postgresql dbname=khyber_registry)");
          return FALSE;
        }
      if (config->key_file == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                       "[storage] type=postgresql needs key-file, where the registry keeps its "
                       "secret keys (mode 0600, backed up apart from the database)");
          return FALSE;
        }
      return ks_registry_postgresql_conninfo_check (config->postgresql_conninfo, error);
    }
  return TRUE;
}
