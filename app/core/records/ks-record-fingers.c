/* ks-record-fingers.c: a queued record's fingers, for the supervisor who reviews it and for the
 * registry
 *
 * Apart from ks-fingers.c, which seals and stores impressions by draft and record row: these
 * look the record up by its Khyber Pass ID and check who may see it, so they need ks-records,
 * and ks-records needs ks-fingers when a draft is submitted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-fingers"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ks-fingers.h"
#include "ks-record-fingers.h"
#include "ks-records.h"

/**
 * ks_fingers_load_for_review:
 * @kp_id: the record's Khyber Pass ID
 *
 * The record's fingers as a supervisor checks them before deciding: each finger's state,
 * missing reason, quality, tries and the impression kept, opened from the sealed store. A
 * supervisor sees every record's; an operator only the records they enrolled.
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the fingers, in finger order (empty
 *   for a record with none), or %NULL with @error set
 */
GPtrArray *
ks_fingers_load_for_review (KsStore    *store,
                            KsVault    *vault,
                            KsSession  *session,
                            const char *kp_id,
                            GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  info = ks_records_get_info (store, kp_id, error);
  if (info == NULL)
    return NULL;
  /* Their own records for the operator who enrolled them (while their account is active);
   * every record for a supervisor. */
  if (g_strcmp0 (info->operator, ks_session_get_username (session)) == 0
      ? !ks_session_require_active (session, error)
      : !ks_session_require (session, KS_PERMISSION_REVIEW, error))
    return NULL;
  return ks_fingers_load_record (store, vault, info->id, error);
}

typedef struct
{
  KsStore *store;
  KsVault *vault;
  KsSession *session;
  char *kp_id;
} ReviewLoad;

static void
review_load_free (ReviewLoad *load)
{
  g_object_unref (load->store);
  g_object_unref (load->vault);
  g_object_unref (load->session);
  g_free (load->kp_id);
  g_free (load);
}

static void
review_load_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ReviewLoad *load = task_data;
  GError *error = NULL;
  GPtrArray *fingers;

  fingers = ks_fingers_load_for_review (load->store, load->vault, load->session, load->kp_id,
                                        &error);
  if (fingers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fingers, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ks_fingers_load_for_review_async:
 *
 * ks_fingers_load_for_review() in a worker thread: opening the sealed impressions never holds
 * up the screen.
 */
void
ks_fingers_load_for_review_async (KsStore            *store,
                                  KsVault            *vault,
                                  KsSession          *session,
                                  const char         *kp_id,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  ReviewLoad *load;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_VAULT (vault));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL);

  load = g_new0 (ReviewLoad, 1);
  load->store = g_object_ref (store);
  load->vault = g_object_ref (vault);
  load->session = g_object_ref (session);
  load->kp_id = g_strdup (kp_id);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_fingers_load_for_review_async);
  g_task_set_task_data (task, load, (GDestroyNotify)review_load_free);
  g_task_run_in_thread (task, review_load_thread);
}

GPtrArray *
ks_fingers_load_for_review_finish (GAsyncResult *result,
                                   GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * ks_fingers_export_for_registry:
 * @kp_id: a submitted record
 *
 * The record's fingers as the registry takes them: JSON `{"fingers": [{"finger": 1..10,
 * "status": …, "reason": …, "template": base64 of fp_print_serialize()}]}`. Plain text: the
 * sync engine seals it to the registry's key at once and never stores it (ks-sync.c).
 *
 * Returns: (transfer full) (nullable): the blob, or %NULL with @error unset when the record
 *   has no fingers
 */
GBytes *
ks_fingers_export_for_registry (KsStore    *store,
                                KsVault    *vault,
                                const char *kp_id,
                                GError    **error)
{
  g_autoptr(KsRecordInfo) info = ks_records_get_info (store, kp_id, error);
  g_autoptr(GPtrArray) fingers = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *json;

  if (info == NULL)
    return NULL;
  fingers = ks_fingers_load_record (store, vault, info->id, error);
  if (fingers == NULL || fingers->len == 0)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fingers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fingers->len; i++)
    {
      KsFingerCapture *c = fingers->pdata[i];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "finger");
      json_builder_add_int_value (builder, c->finger);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, ks_finger_status_to_string (c->status));
      if (c->reason != NULL)
        {
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, c->reason);
        }
      if (c->template_blob != NULL)
        {
          g_autofree char *b64 = g_base64_encode (g_bytes_get_data (c->template_blob, NULL),
                                                  g_bytes_get_size (c->template_blob));
          json_builder_set_member_name (builder, "template");
          json_builder_add_string_value (builder, b64);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  return g_bytes_new_take (json, strlen (json));
}
