/* ks-profile.c: the station's profiles (production, training) and their data folders
 *
 * A profile owns one folder: its database, its keys and its lock file. Two station processes on
 * one profile would interleave their sequence numbers and drafts, so the first one takes an
 * exclusive lock on the folder and the second is refused with a message saying so.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-profile"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ks-profile.h"

struct _KsProfile
{
  GObject parent_instance;

  char *name;
  char *dir;
  int lock_fd;
};

G_DEFINE_TYPE (KsProfile, ks_profile, G_TYPE_OBJECT)
G_DEFINE_QUARK (ks-profile-error-quark, ks_profile_error)

static void
ks_profile_finalize (GObject *object)
{
  KsProfile *self = (KsProfile *)object;

  /* Closing the descriptor releases the flock() on the lock file. */
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->name);
  g_free (self->dir);

  G_OBJECT_CLASS (ks_profile_parent_class)->finalize (object);
}

static void
ks_profile_class_init (KsProfileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_profile_finalize;
}

static void
ks_profile_init (KsProfile *self)
{
  self->lock_fd = -1;
}

static gboolean
name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 32)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/**
 * ks_profile_new:
 * @name: `production`, `training` or another short name (letters, digits, `-`, `_`)
 * @data_dir: (nullable): the folder holding one sub-folder per profile, or %NULL for
 *   `$XDG_DATA_HOME/khyber-station`
 *
 * Resolves and creates the profile's folder. Fails with %KS_PROFILE_ERROR_NOT_WRITABLE, and a
 * message for the operator, when the folder cannot be created or written.
 */
KsProfile *
ks_profile_new (const char *name,
                const char *data_dir,
                GError    **error)
{
  g_autoptr(KsProfile) self = NULL;
  g_autofree char *base = NULL;
  g_autofree char *probe = NULL;
  int fd;

  if (!name_is_valid (name))
    {
      g_set_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_INVALID_NAME,
                   _("“%s” is not a profile name. Use “production”, “training”, or up to 32 "
                     "letters, digits, “-” and “_”."),
                   name ? name : "");
      return NULL;
    }

  if (data_dir != NULL)
    base = g_canonicalize_filename (data_dir, NULL);
  else
    base = g_build_filename (g_get_user_data_dir (), "khyber-station", NULL);

  self = g_object_new (KS_TYPE_PROFILE, NULL);
  self->name = g_strdup (name);
  self->dir = g_build_filename (base, name, NULL);

  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_NOT_WRITABLE,
                   _("The data folder %s cannot be created (%s). Choose another folder with "
                     "--data-dir, or ask your administrator to make it writable."),
                   self->dir, g_strerror (saved_errno));
      return NULL;
    }

  /* access(W_OK) says yes to root on a read-only mount: only a real write tells the truth. */
  probe = g_build_filename (self->dir, ".write-test", NULL);
  fd = g_open (probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_NOT_WRITABLE,
                   _("The data folder %s is not writable (%s). Nothing was changed. Choose "
                     "another folder with --data-dir, or ask your administrator to make it "
                     "writable."),
                   self->dir, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);
  g_unlink (probe);

  return g_steal_pointer (&self);
}

const char *
ks_profile_get_name (KsProfile *self)
{
  g_return_val_if_fail (KS_IS_PROFILE (self), NULL);
  return self->name;
}

KsProfileKind
ks_profile_get_kind (KsProfile *self)
{
  g_return_val_if_fail (KS_IS_PROFILE (self), KS_PROFILE_KIND_PRODUCTION);
  return g_str_equal (self->name, "training") ? KS_PROFILE_KIND_TRAINING
                                              : KS_PROFILE_KIND_PRODUCTION;
}

gboolean
ks_profile_is_training (KsProfile *self)
{
  return ks_profile_get_kind (self) == KS_PROFILE_KIND_TRAINING;
}

const char *
ks_profile_get_dir (KsProfile *self)
{
  g_return_val_if_fail (KS_IS_PROFILE (self), NULL);
  return self->dir;
}

char *
ks_profile_build_path (KsProfile  *self,
                       const char *file_name)
{
  g_return_val_if_fail (KS_IS_PROFILE (self), NULL);
  return g_build_filename (self->dir, file_name, NULL);
}

/**
 * ks_profile_lock:
 *
 * Takes the profile for this process. flock() belongs to the open file description, so a second
 * lock attempt fails even from the same process, and the kernel drops the lock when the process
 * dies (also on SIGKILL or a power cut): no stale lock file ever blocks a station.
 */
gboolean
ks_profile_lock (KsProfile *self,
                 GError   **error)
{
  g_autofree char *path = NULL;
  g_autofree char *pid_text = NULL;
  int fd;

  g_return_val_if_fail (KS_IS_PROFILE (self), FALSE);

  if (self->lock_fd >= 0)
    return TRUE;

  path = ks_profile_build_path (self, "station.lock");
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_NOT_WRITABLE,
                   _("The data folder %s is not writable (%s). Choose another folder with "
                     "--data-dir, or ask your administrator to make it writable."),
                   self->dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      char buf[32] = { 0 };
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);

      close (fd);
      if (n > 0)
        g_strchomp (buf);
      g_set_error (error, KS_PROFILE_ERROR, KS_PROFILE_ERROR_IN_USE,
                   _("The station is already open on the “%s” profile (process %s). Switch to "
                     "that window, or close it before starting another."),
                   self->name, n > 0 ? buf : "?");
      return FALSE;
    }

  pid_text = g_strdup_printf ("%d\n", (int)getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid_text, strlen (pid_text), 0) < 0)
    g_debug ("Could not record the pid in %s: %s", path, g_strerror (errno));

  self->lock_fd = fd;
  return TRUE;
}

gboolean
ks_profile_is_locked (KsProfile *self)
{
  g_return_val_if_fail (KS_IS_PROFILE (self), FALSE);
  return self->lock_fd >= 0;
}

/* Folders 0700, files 0600, below @path (relative name @rel); a symbolic link is never followed
 * and other kinds of file (the virtual scanner's socket) are left alone. */
static void
repair_tree (const char *path,
             const char *rel,
             GPtrArray  *repaired,
             guint       depth)
{
  struct stat st;
  mode_t want;

  if (lstat (path, &st) != 0 || depth > 8)
    return;
  if (S_ISDIR (st.st_mode))
    want = 0700;
  else if (S_ISREG (st.st_mode))
    want = 0600;
  else
    return;

  if ((st.st_mode & 07777) != want)
    {
      if (chmod (path, want) == 0)
        g_ptr_array_add (repaired, g_strdup_printf ("%s %04o→%04o", rel,
                                                    (guint)(st.st_mode & 07777), (guint)want));
      else
        g_ptr_array_add (repaired, g_strdup_printf ("%s %04o (cannot change: %s)", rel,
                                                    (guint)(st.st_mode & 07777),
                                                    g_strerror (errno)));
    }

  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          g_autofree char *child_rel = g_build_filename (rel, name, NULL);

          repair_tree (child, child_rel, repaired, depth + 1);
        }
    }
}

/**
 * ks_profile_repair_permissions:
 *
 * The profile's folder holds names, CNICs, phone numbers, the audit log and the keys: only the
 * station's own user may read it. A folder made 0755 by hand, or files written 0644 by an
 * earlier station, are set back to 0700 and 0600.
 *
 * Returns: (transfer full) (element-type utf8): what was changed ("station.db 0644→0600"),
 *   empty when nothing was
 */
GPtrArray *
ks_profile_repair_permissions (KsProfile *self)
{
  GPtrArray *repaired = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (KS_IS_PROFILE (self), repaired);

  repair_tree (self->dir, ".", repaired, 0);
  return repaired;
}
