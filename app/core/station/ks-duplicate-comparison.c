/* ks-duplicate-comparison.c: a record and its possible duplicates, side by side, for the
 * supervisor
 *
 * When the station-wide search flagged a record as a possible duplicate enrolment
 * (ks-duplicate-findings.h), the supervisor decides with both records in front of them: who
 * each one is (Khyber Pass ID, name, CNIC, district, photo) and, for each pair of matching
 * fingers, both impressions with the score and its estimated false-match rate. Everything is
 * read, decrypted and decoded here, in a worker thread: the widget only shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-comparison"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "ks-duplicate-comparison.h"
#include "ks-photo.h"
#include "ks-record-fingers.h"
#include "ks-record-review.h"

static void
comparison_side_free (KsComparisonSide *side)
{
  if (side == NULL)
    return;
  g_free (side->kp_id);
  g_free (side->full_name);
  g_free (side->full_name_ur);
  g_free (side->cnic);
  g_free (side->district);
  g_clear_pointer (&side->photo_rgba, g_bytes_unref);
  g_clear_pointer (&side->fingers, g_ptr_array_unref);
  g_free (side);
}

static void
comparison_item_free (KsComparisonItem *item)
{
  g_clear_pointer (&item->finding, ks_duplicate_finding_free);
  g_clear_pointer (&item->other, comparison_side_free);
  g_free (item);
}

void
ks_duplicate_comparison_free (KsDuplicateComparison *comparison)
{
  if (comparison == NULL)
    return;
  g_clear_pointer (&comparison->record, comparison_side_free);
  g_clear_pointer (&comparison->items, g_ptr_array_unref);
  g_free (comparison);
}

/**
 * ks_comparison_side_get_finger:
 *
 * Returns: (nullable): the side's capture of @finger
 */
const KsFingerCapture *
ks_comparison_side_get_finger (const KsComparisonSide *side,
                               FpFinger                finger)
{
  g_return_val_if_fail (side != NULL, NULL);

  for (guint i = 0; side->fingers != NULL && i < side->fingers->len; i++)
    {
      const KsFingerCapture *c = side->fingers->pdata[i];
      if (c->finger == finger)
        return c;
    }
  return NULL;
}

/* The photo as RGBA rows for the widget; a photo that cannot be opened is left out (the
 * fingers still show), and said in the log. */
static void
open_photo (KsComparisonSide *side,
            KsVault          *vault,
            const char       *sealed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) rgba = NULL;

  if (sealed == NULL || *sealed == '\0')
    return;
  png = ks_photo_open_with_vault (vault, sealed, &error);
  if (png != NULL)
    {
      stream = g_memory_input_stream_new_from_bytes (png);
      pixbuf = gdk_pixbuf_new_from_stream (stream, NULL, &error);
    }
  if (pixbuf == NULL)
    {
      g_warning ("The photo of %s cannot be shown: %s", side->kp_id, error->message);
      return;
    }
  rgba = gdk_pixbuf_get_has_alpha (pixbuf) ? g_object_ref (pixbuf)
                                           : gdk_pixbuf_add_alpha (pixbuf, FALSE, 0, 0, 0);
  side->photo_width = gdk_pixbuf_get_width (rgba);
  side->photo_height = gdk_pixbuf_get_height (rgba);
  side->photo_stride = gdk_pixbuf_get_rowstride (rgba);
  side->photo_rgba = g_bytes_new (gdk_pixbuf_read_pixels (rgba),
                                  (gsize)side->photo_stride * (side->photo_height - 1)
                                  + (gsize)side->photo_width * 4);
}

static KsComparisonSide *
load_side (KsStore    *store,
           KsVault    *vault,
           KsSession  *session,
           const char *kp_id,
           GError    **error)
{
  g_autoptr(KsRecordInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  KsComparisonSide *side;

  record = ks_records_open_for_review (store, session, kp_id, &info, error);
  if (record == NULL)
    return NULL;
  side = g_new0 (KsComparisonSide, 1);
  side->kp_id = g_strdup (kp_id);
  side->full_name = g_strdup (ks_record_get (record, KS_FIELD_FULL_NAME));
  side->full_name_ur = g_strdup (ks_record_get (record, KS_FIELD_FULL_NAME_UR));
  side->cnic = g_strdup (ks_record_get (record, KS_FIELD_CNIC));
  side->district = g_strdup (ks_record_get (record, KS_FIELD_DISTRICT));
  side->fingers = ks_fingers_load_for_review (store, vault, session, kp_id, error);
  if (side->fingers == NULL)
    {
      comparison_side_free (side);
      return NULL;
    }
  open_photo (side, vault, ks_record_get (record, KS_FIELD_PHOTO));
  return side;
}

/**
 * ks_duplicate_comparison_load:
 * @session: who looks: a supervisor, or the operator who enrolled the records
 *
 * Blocking (the store, decryption, decoding): ks_duplicate_comparison_load_async() from the UI.
 *
 * Returns: (transfer full): the record and every record its fingers match (none when it was
 *   not flagged), or %NULL with @error set
 */
KsDuplicateComparison *
ks_duplicate_comparison_load (KsStore      *store,
                              KsVault      *vault,
                              KsSession    *session,
                              const char   *kp_id,
                              GCancellable *cancellable,
                              GError      **error)
{
  g_autoptr(KsDuplicateComparison) comparison = NULL;
  g_autoptr(GPtrArray) findings = NULL;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);
  g_return_val_if_fail (KS_IS_VAULT (vault), NULL);
  g_return_val_if_fail (KS_IS_SESSION (session), NULL);
  g_return_val_if_fail (kp_id != NULL, NULL);

  findings = ks_duplicate_findings_load (store, session, kp_id, error);
  if (findings == NULL)
    return NULL;
  comparison = g_new0 (KsDuplicateComparison, 1);
  comparison->items = g_ptr_array_new_with_free_func ((GDestroyNotify)comparison_item_free);
  if (findings->len == 0)
    return g_steal_pointer (&comparison);

  comparison->record = load_side (store, vault, session, kp_id, error);
  if (comparison->record == NULL)
    return NULL;
  for (guint i = 0; i < findings->len; i++)
    {
      KsComparisonItem *item;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      item = g_new0 (KsComparisonItem, 1);
      item->finding = g_steal_pointer (&findings->pdata[i]);
      item->other = load_side (store, vault, session, item->finding->other_kp_id, error);
      if (item->other == NULL)
        {
          comparison_item_free (item);
          return NULL;
        }
      g_ptr_array_add (comparison->items, item);
    }
  return g_steal_pointer (&comparison);
}

typedef struct
{
  KsStore *store;
  KsVault *vault;
  KsSession *session;
  char *kp_id;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->vault);
  g_clear_object (&job->session);
  g_free (job->kp_id);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  KsDuplicateComparison *comparison;

  comparison = ks_duplicate_comparison_load (job->store, job->vault, job->session, job->kp_id,
                                             cancellable, &error);
  if (comparison == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, comparison, (GDestroyNotify)ks_duplicate_comparison_free);
}

void
ks_duplicate_comparison_load_async (KsStore            *store,
                                    KsVault            *vault,
                                    KsSession          *session,
                                    const char         *kp_id,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (KS_IS_STORE (store));
  g_return_if_fail (KS_IS_VAULT (vault));
  g_return_if_fail (KS_IS_SESSION (session));
  g_return_if_fail (kp_id != NULL);

  job = g_new0 (LoadJob, 1);
  job->store = g_object_ref (store);
  job->vault = g_object_ref (vault);
  job->session = g_object_ref (session);
  job->kp_id = g_strdup (kp_id);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_duplicate_comparison_load_async);
  g_task_set_task_data (task, job, (GDestroyNotify)load_job_free);
  g_task_run_in_thread (task, load_thread);
}

KsDuplicateComparison *
ks_duplicate_comparison_load_finish (GAsyncResult *result,
                                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
