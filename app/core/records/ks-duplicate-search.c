/* ks-duplicate-search.c: the station's search for a finger captured twice or already on record
 *
 * One per station (ks_station_get_duplicate_search()), living as long as the station: it holds
 * the reader service whose thread compares the templates (bozorth3 keeps global state, so all
 * comparisons go through that one thread), the store, and the biometrics key that opens the
 * fingers already on record. Widgets hand it a draft's fingers and get back what it found; the
 * work itself is ks_fingers_check_draft_async(), off the UI thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-search"

#include "config.h"

#include "ks-duplicate-search.h"

struct _KsDuplicateSearch
{
  GObject parent_instance;

  KsFingerprintService *service;
  KsStore *store;
  KsVault *vault;   /* nullable: without it only the new fingers are compared */
};

G_DEFINE_FINAL_TYPE (KsDuplicateSearch, ks_duplicate_search, G_TYPE_OBJECT)

static void
ks_duplicate_search_dispose (GObject *object)
{
  KsDuplicateSearch *self = KS_DUPLICATE_SEARCH (object);

  g_clear_object (&self->service);
  g_clear_object (&self->store);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (ks_duplicate_search_parent_class)->dispose (object);
}

static void
ks_duplicate_search_class_init (KsDuplicateSearchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ks_duplicate_search_dispose;
}

static void
ks_duplicate_search_init (KsDuplicateSearch *self)
{
}

KsDuplicateSearch *
ks_duplicate_search_new (KsFingerprintService *service,
                         KsStore              *store)
{
  KsDuplicateSearch *self;

  g_return_val_if_fail (KS_IS_FINGERPRINT_SERVICE (service), NULL);
  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  self = g_object_new (KS_TYPE_DUPLICATE_SEARCH, NULL);
  self->service = g_object_ref (service);
  self->store = g_object_ref (store);
  return self;
}

/**
 * ks_duplicate_search_set_vault:
 * @vault: (nullable): the biometrics key, which opens the fingers on record
 */
void
ks_duplicate_search_set_vault (KsDuplicateSearch *self,
                               KsVault           *vault)
{
  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));
  g_return_if_fail (vault == NULL || KS_IS_VAULT (vault));

  g_set_object (&self->vault, vault);
}

/**
 * ks_duplicate_search_get_vault:
 *
 * Returns: (transfer none) (nullable): the biometrics key, when the station could open it
 */
KsVault *
ks_duplicate_search_get_vault (KsDuplicateSearch *self)
{
  g_return_val_if_fail (KS_IS_DUPLICATE_SEARCH (self), NULL);
  return self->vault;
}

static void
on_checked (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  KsFingerCheck *check = ks_fingers_check_draft_finish (result, &error);

  if (check == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, check, (GDestroyNotify)ks_finger_check_free);
}

/**
 * ks_duplicate_search_check_draft_async:
 * @draft_id: the draft the fingers belong to, or 0 for none
 * @captures: (element-type KsFingerCapture): the draft's fingers as the wizard holds them
 *
 * ks_fingers_check_draft_async() with the station's reader service, store and key: each new
 * finger against the others and against the fingers on record for the draft's CNIC.
 */
void
ks_duplicate_search_check_draft_async (KsDuplicateSearch  *self,
                                       gint64              draft_id,
                                       GPtrArray          *captures,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));
  g_return_if_fail (captures != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_duplicate_search_check_draft_async);
  ks_fingers_check_draft_async (self->service, self->store, self->vault, draft_id, captures,
                                cancellable, on_checked, g_steal_pointer (&task));
}

/**
 * ks_duplicate_search_check_draft_finish:
 *
 * Returns: (transfer full): what the search found, or %NULL with @error
 */
KsFingerCheck *
ks_duplicate_search_check_draft_finish (KsDuplicateSearch *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
