/* ks-photo.c: the citizen's photo, kept encrypted like the other biometric data
 *
 * A face photo is biometric data, so it never reaches the disk in the clear: the record (and its
 * draft) hold it sealed with the station's biometric key (KsVault, XChaCha20-Poly1305, key file
 * outside the database), as base64 text so it travels inside the record's JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-photo"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gi18n.h>

#include "ks-photo.h"
#include "ks-vault.h"

/* Associated data: a sealed photo cannot be passed off as a sealed fingerprint, or back. */
#define PHOTO_AD "khyber-pass/photo/v1"

static KsVault *
open_vault (KsProfile *profile,
            GError   **error)
{
  g_autofree char *dir = ks_profile_build_path (profile, "keys");
  g_autofree char *path = g_build_filename (dir, "biometrics.key", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("The station cannot create its key folder %s. Check the disk."), dir);
      return NULL;
    }
  return ks_vault_open (path, error);
}

/**
 * ks_photo_seal:
 * @png: the photo, PNG bytes
 *
 * Returns: (transfer full): the sealed photo as base64 text, for the record's photo field
 */
char *
ks_photo_seal (KsProfile *profile,
               GBytes    *png,
               GError   **error)
{
  g_autoptr(KsVault) vault = open_vault (profile, error);
  g_autoptr(GBytes) sealed = NULL;

  if (vault == NULL)
    return NULL;
  sealed = ks_vault_encrypt (vault, png, PHOTO_AD);
  return g_base64_encode (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
}

/**
 * ks_photo_open:
 *
 * Returns: (transfer full): the PNG bytes of a photo sealed by ks_photo_seal() at this station
 */
GBytes *
ks_photo_open (KsProfile  *profile,
               const char *sealed,
               GError    **error)
{
  g_autoptr(KsVault) vault = open_vault (profile, error);

  if (vault == NULL)
    return NULL;
  return ks_photo_open_with_vault (vault, sealed, error);
}

/**
 * ks_photo_open_with_vault:
 * @vault: the station's biometrics vault (`keys/biometrics.key`), already open
 *
 * ks_photo_open() for a caller that holds the vault: the sync engine's worker, which seals the
 * photo again to the registry's key with the fingers.
 *
 * Returns: (transfer full): the PNG bytes of a photo sealed by ks_photo_seal() at this station
 */
GBytes *
ks_photo_open_with_vault (KsVault    *vault,
                          const char *sealed,
                          GError    **error)
{
  g_autoptr(GBytes) blob = NULL;
  guchar *data;
  gsize len;

  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  data = g_base64_decode (sealed, &len);
  blob = g_bytes_new_take (data, len);
  return ks_vault_decrypt (vault, blob, PHOTO_AD, error);
}

/* Importing and opening: file reading, image decoding and decryption, in a worker thread. */

typedef struct
{
  KsProfile *profile;
  GFile *file;
  GBytes *image;        /* or a photo already in memory (the camera's) */
  char *sealed;
  GBytes *png;
} PhotoJob;

static void
photo_job_free (PhotoJob *job)
{
  g_clear_object (&job->profile);
  g_clear_object (&job->file);
  g_clear_pointer (&job->image, g_bytes_unref);
  g_free (job->sealed);
  g_clear_pointer (&job->png, g_bytes_unref);
  g_free (job);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PhotoJob *job = task_data;
  g_autofree char *path = job->file ? g_file_get_path (job->file) : NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  gsize size;

  if (job->image != NULL)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (job->image);

      pixbuf = gdk_pixbuf_new_from_stream_at_scale (stream, KS_PHOTO_MAX_WIDTH,
                                                    KS_PHOTO_MAX_HEIGHT, TRUE, NULL, &error);
    }
  else if (path != NULL)
    pixbuf = gdk_pixbuf_new_from_file_at_scale (path, KS_PHOTO_MAX_WIDTH, KS_PHOTO_MAX_HEIGHT,
                                                TRUE, &error);
  if (pixbuf == NULL || !gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("This file is not a photo the station can read. Choose a PNG or "
                                 "JPEG file."));
      return;
    }
  job->png = g_bytes_new_take (g_steal_pointer (&buffer), size);
  job->sealed = ks_photo_seal (job->profile, job->png, &error);
  if (job->sealed == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * ks_photo_import_async:
 * @file: a PNG or JPEG file
 *
 * Reads the photo, shrinks it to at most %KS_PHOTO_MAX_WIDTH x %KS_PHOTO_MAX_HEIGHT and seals
 * it, in a worker thread.
 */
void
ks_photo_import_async (KsProfile          *profile,
                       GFile              *file,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  PhotoJob *job;

  g_return_if_fail (KS_IS_PROFILE (profile));
  g_return_if_fail (G_IS_FILE (file));

  job = g_new0 (PhotoJob, 1);
  job->profile = g_object_ref (profile);
  job->file = g_object_ref (file);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_photo_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify)photo_job_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * ks_photo_import_bytes_async:
 * @image: a PNG or JPEG photo in memory: the camera's capture
 *
 * Takes a photo the way ks_photo_import_async() takes a file: shrunk and sealed in a worker
 * thread; ks_photo_import_finish() gives the result.
 */
void
ks_photo_import_bytes_async (KsProfile          *profile,
                             GBytes             *image,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  PhotoJob *job;

  g_return_if_fail (KS_IS_PROFILE (profile));
  g_return_if_fail (image != NULL);

  job = g_new0 (PhotoJob, 1);
  job->profile = g_object_ref (profile);
  job->image = g_bytes_ref (image);
  task = g_task_new (NULL, cancellable, callback, user_data);
  /* One finish for both: a photo is a photo, wherever it came from. */
  g_task_set_source_tag (task, ks_photo_import_async);
  g_task_set_task_data (task, job, (GDestroyNotify)photo_job_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * ks_photo_import_finish:
 * @png: (out) (optional) (transfer full): the shrunk photo, PNG bytes, to show it
 *
 * Returns: (transfer full): the sealed photo, for the record's photo field
 */
char *
ks_photo_import_finish (GAsyncResult *result,
                        GBytes      **png,
                        GError      **error)
{
  PhotoJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_photo_import_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (png != NULL)
    *png = g_bytes_ref (job->png);
  return g_strdup (job->sealed);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PhotoJob *job = task_data;
  GError *error = NULL;
  GBytes *png = ks_photo_open (job->profile, job->sealed, &error);

  if (png == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, png, (GDestroyNotify)g_bytes_unref);
}

/**
 * ks_photo_open_async:
 * @sealed: a photo sealed by ks_photo_seal() at this station
 *
 * Opens the photo in a worker thread (it reads the key file and decrypts).
 */
void
ks_photo_open_async (KsProfile          *profile,
                     const char         *sealed,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  PhotoJob *job;

  g_return_if_fail (KS_IS_PROFILE (profile));
  g_return_if_fail (sealed != NULL);

  job = g_new0 (PhotoJob, 1);
  job->profile = g_object_ref (profile);
  job->sealed = g_strdup (sealed);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_photo_open_async);
  g_task_set_task_data (task, job, (GDestroyNotify)photo_job_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * ks_photo_open_finish:
 *
 * Returns: (transfer full): the photo's PNG bytes
 */
GBytes *
ks_photo_open_finish (GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_photo_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
