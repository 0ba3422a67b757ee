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
#include "ks-photo.h"
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
 * The record's biometrics as the registry takes them: JSON `{"fingers": [{"finger": 1..10,
 * "status": …, "reason": …, "template": base64 of fp_print_serialize(), "iso_template": base64
 * of the station's ISO/IEC 19794-2:2005 record, "quality_score": 0-100}], "photo": base64 of
 * the PNG}` ("photo" only when the record has one; "iso_template" and "quality_score" only for
 * a finger whose image shows a readable print). Plain text: the sync engine seals it to the
 * registry's key at once and never stores it (ks-sync.c); the record's own photo field, sealed
 * to this station's key, which the registry could not open, travels empty
 * (ks_sync_payload_new()).
 *
 * Returns: (transfer full) (nullable): the blob, or %NULL with @error unset when the record
 *   has neither fingers nor a photo
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

  g_autoptr(KsRecord) record = NULL;
  g_autoptr(GBytes) photo = NULL;
  const char *sealed_photo;

  if (info == NULL)
    return NULL;
  fingers = ks_fingers_load_record (store, vault, info->id, error);
  if (fingers == NULL)
    return NULL;
  record = ks_records_load (store, kp_id, error);
  if (record == NULL)
    return NULL;
  sealed_photo = ks_record_get (record, KS_FIELD_PHOTO);
  if (*sealed_photo != '\0')
    {
      photo = ks_photo_open_with_vault (vault, sealed_photo, error);
      if (photo == NULL)
        return NULL;
    }
  if (fingers->len == 0 && photo == NULL)
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
      /* A finger stored before the station had its own templates gets one here if the index
       * has not made it yet (this runs in the sync worker), and keeps it. */
      if (c->iso_template == NULL && c->image != NULL && c->status != KS_FINGER_MISSING &&
          ks_finger_capture_extract (c) &&
          !ks_fingers_store_template (store, vault, info->id, c, NULL))
        g_debug ("Template of %s finger %d not kept", kp_id, c->finger);
      if (c->iso_template != NULL)
        {
          g_autofree char *b64 = g_base64_encode (g_bytes_get_data (c->iso_template, NULL),
                                                  g_bytes_get_size (c->iso_template));
          json_builder_set_member_name (builder, "iso_template");
          json_builder_add_string_value (builder, b64);
          json_builder_set_member_name (builder, "quality_score");
          json_builder_add_int_value (builder, c->quality_score);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (photo != NULL)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (photo, NULL),
                                              g_bytes_get_size (photo));

      json_builder_set_member_name (builder, "photo");
      json_builder_add_string_value (builder, b64);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  return g_bytes_new_take (json, strlen (json));
}
/**
 * ks_fingers_open_draft:
 *
 * The fingers of @draft_id; the draft of an edit that has none yet starts with the fingers on
 * record (copied into the draft, so the operator does not capture them again).
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the fingers, or %NULL with @error
 */
GPtrArray *
ks_fingers_open_draft (KsStore *store,
                       KsVault *vault,
                       gint64   draft_id,
                       GError **error)
{
  g_autoptr(GPtrArray) fingers = NULL;
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);

  fingers = ks_fingers_load_draft (store, vault, draft_id, error);
  if (fingers == NULL || fingers->len > 0)
    return g_steal_pointer (&fingers);
  record = ks_drafts_load (store, draft_id, &info, NULL);
  /* A copy that fails leaves the draft without fingers: the operator captures them anew. */
  if (record == NULL || info->record_id <= 0 ||
      !ks_fingers_copy_record_to_draft (store, info->record_id, draft_id, NULL))
    return g_steal_pointer (&fingers);
  return ks_fingers_load_draft (store, vault, draft_id, error);
}

typedef struct
{
  KsStore *store;
  KsVault *vault;
  gint64 draft_id;
} DraftOpen;

static void
draft_open_free (DraftOpen *open)
{
  g_clear_object (&open->store);
  g_clear_object (&open->vault);
  g_free (open);
}

static void
draft_open_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DraftOpen *open = task_data;
  GError *error = NULL;
  GPtrArray *fingers;

  if (g_task_return_error_if_cancelled (task))
    return;
  fingers = ks_fingers_open_draft (open->store, open->vault, open->draft_id, &error);
  if (fingers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fingers, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * ks_fingers_open_draft_async:
 *
 * ks_fingers_open_draft() in a worker thread: reading and unsealing a draft's impressions (and
 * copying those of the record an edit starts from) never holds up the screen.
 */
void
ks_fingers_open_draft_async (KsStore            *store,
                             KsVault            *vault,
                             gint64              draft_id,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  DraftOpen *open;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_VAULT (vault));
  g_return_if_fail (draft_id > 0);

  open = g_new0 (DraftOpen, 1);
  open->store = g_object_ref (store);
  open->vault = g_object_ref (vault);
  open->draft_id = draft_id;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_fingers_open_draft_async);
  g_task_set_task_data (task, open, (GDestroyNotify)draft_open_free);
  g_task_run_in_thread (task, draft_open_thread);
}

/**
 * ks_fingers_open_draft_finish:
 *
 * Returns: (transfer full) (element-type KsFingerCapture): the fingers, or %NULL with @error
 */
GPtrArray *
ks_fingers_open_draft_finish (GAsyncResult *result,
                              GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The duplicate check ------------------------------------------------------------------------ */

void
ks_finger_check_free (KsFingerCheck *check)
{
  if (check == NULL)
    return;
  g_clear_pointer (&check->on_record, g_array_unref);
  g_clear_pointer (&check->findings, g_ptr_array_unref);
  g_free (check);
}
