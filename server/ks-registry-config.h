/* ks-registry-config.h: the registry's configuration file (/etc/khyber-registry/registry.conf)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A configuration file larger than this is refused unread: a real one is a few hundred bytes. */
#define KS_REGISTRY_CONFIG_MAX_BYTES (64 * 1024)

typedef enum
{
  KS_REGISTRY_STORAGE_SQLITE,
  KS_REGISTRY_STORAGE_POSTGRESQL,
} KsRegistryStorage;

typedef struct
{
  /* [server] */
  char *listen_address;      /* NULL: loopback only */
  int port;
  char *tls_certificate;
  char *tls_key;
  /* [storage] */
  KsRegistryStorage storage;
  char *sqlite_path;
  char *postgresql_conninfo;
  char *key_file;            /* NULL: the SQLite path + ".keys" */
  /* [limits] */
  int max_connections;
  int max_connections_per_address;
  int header_timeout;
  int body_timeout;
  int max_body_mb;
  int max_bodies_mb;
} KsRegistryConfig;

/* The defaults: what the registry does without a configuration file. */
void     ks_registry_config_init (KsRegistryConfig *config);
void     ks_registry_config_clear (KsRegistryConfig *config);
/* Reads @path over the values in @config; on a bad file sets @error to a message naming the
 * file, the group and the key, and what to write instead. */
gboolean ks_registry_config_load (KsRegistryConfig *config,
                                  const char       *path,
                                  GError          **error);
/* Checks the values together (after the command line had its say). */
gboolean ks_registry_config_check (const KsRegistryConfig *config,
                                   GError                **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KsRegistryConfig, ks_registry_config_clear)

G_END_DECLS
