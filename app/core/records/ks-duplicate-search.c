/* ks-duplicate-search.c: the station's search for a finger captured twice, already on record,
 * or enrolled before under another identity
 *
 * One per station (ks_station_get_duplicate_search()), living as long as the station. It holds
 * an in-memory 1:N index (KsMinutiaeIndex) of the station's own ISO templates of every finger of
 * every record enrolled here, whatever the record's state: submitted, approved, queued, synced,
 * and rejected too. A rejected record stays in because a rejection is exactly what a person
 * enrolling twice tries to get around (refused once, back under another name); the finding
 * shows the supervisor the other record's state and decision, so a record rejected for a typo
 * in its CNIC and enrolled again properly is recognised as such. Drafts are not in it: nothing
 * of theirs is on record yet.
 *
 * The index is built in a background thread when the station opens (ks_duplicate_search_update()),
 * taking the templates from the store (fingers stored before the station had its own templates
 * get theirs from their stored image, which is then kept), and brought up to date again after
 * each submit and before each search: it reads which captures the store holds (one light query)
 * and indexes those it has not seen. A record edited with new fingers leaves its old captures
 * in the index; they are skipped as stale, since the store no longer holds them.
 *
 * The check of a draft's fingers (ks_duplicate_search_check_draft_async(), one worker thread;
 * the index search itself spreads over every core) compares with the station's own matcher:
 *  - the new fingers with each other: the same finger placed twice (both dropped for recapture);
 *  - the new fingers with the record of the same CNIC (an edit, or a citizen enrolled before): a
 *    new finger equal to ANOTHER finger on record means fingers were swapped (flagged);
 *  - every new finger against the whole index (prefilter, then a full comparison of the best
 *    candidates, ks-minutiae-index.c), skipping the draft's own record.
 *
 * A pair of impressions matches when it scores at least the de-duplication threshold:
 * ks_minutiae_threshold_for_fmr (KS_DUPLICATE_FMR), a false-match rate of 0.01% per comparison
 * (about 40 on the calibration measured on FVC2000, see ks-minutiae-match.c). Fingers combine
 * (multi-finger fusion) into a decision about a citizen: another record is a possible duplicate
 * enrolment when
 *  - two or more different fingers of the draft match two or more different fingers of it
 *    (pairs taken one to one, best score first): by accident about (pairs x 0.01%)^2 per record,
 *    a few in a million searches of a large station; or
 *  - one pair alone scores so high that its false-match rate times the number of comparisons
 *    the whole search made stays at or under 0.01%: one accidental flag in 10,000 searches
 *    however large the station (a citizen with one finger left, or one bad capture, is still
 *    found when the print is clear).
 * The pairs found are kept with the draft (draft_duplicates) for submit to move to the record,
 * flag it (KS_RECORD_FLAG_DUPLICATE_ENROLMENT) and audit it; approving it then needs the
 * supervisor's explicit confirmation (ks_records_decide_batch()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-duplicate-search"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-duplicate-search.h"
#include "ks-minutiae-index.h"
#include "ks-minutiae-match.h"
#include "ks-records.h"
#include "ks-store-private.h"

/* Candidates per new finger that the full comparison returns; more than any one citizen has
 * fingers, so a duplicate's every finger fits beside the best of other citizens. */
#define CANDIDATES_PER_FINGER 16

typedef struct
{
  gint64 record_id;
  FpFinger finger;
  gboolean indexed;   /* FALSE: no template could be made (no readable print, or a row this
                       * station's key does not open); not tried again */
} Entry;

struct _KsDuplicateSearch
{
  GObject parent_instance;

  KsStore *store;
  KsVault *vault;           /* nullable: without it only the new fingers are compared */
  GCancellable *cancellable; /* cancelled by ks_duplicate_search_stop() */

  GMutex lock;              /* guards what follows, except the index */
  GCond cond;
  gboolean refreshing;      /* one refresh at a time */
  GThread *thread;          /* the background build, when one ran */
  gboolean running;
  gboolean again;           /* asked to update while running: run once more */
  GHashTable *entries;      /* capture id -> Entry: every capture the index has seen */
  GHashTable *current;      /* capture id -> record id (gint64 *), as the store holds them */
  GHashTable *kp_ids;       /* record id -> Khyber Pass ID */
  guint n_indexed;

  GRWLock index_lock;       /* searches read, refreshes add */
  KsMinutiaeIndex *index;
};

G_DEFINE_FINAL_TYPE (KsDuplicateSearch, ks_duplicate_search, G_TYPE_OBJECT)

static void
ks_duplicate_search_dispose (GObject *object)
{
  KsDuplicateSearch *self = KS_DUPLICATE_SEARCH (object);

  ks_duplicate_search_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (ks_duplicate_search_parent_class)->dispose (object);
}

static void
ks_duplicate_search_finalize (GObject *object)
{
  KsDuplicateSearch *self = KS_DUPLICATE_SEARCH (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);
  g_clear_pointer (&self->kp_ids, g_hash_table_unref);
  g_clear_pointer (&self->index, ks_minutiae_index_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_rw_lock_clear (&self->index_lock);

  G_OBJECT_CLASS (ks_duplicate_search_parent_class)->finalize (object);
}

static void
ks_duplicate_search_class_init (KsDuplicateSearchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ks_duplicate_search_dispose;
  G_OBJECT_CLASS (klass)->finalize = ks_duplicate_search_finalize;
}

static GHashTable *
new_record_table (GDestroyNotify value_free)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, value_free);
}

static void
ks_duplicate_search_init (KsDuplicateSearch *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_rw_lock_init (&self->index_lock);
  self->cancellable = g_cancellable_new ();
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->kp_ids = new_record_table (g_free);
  self->index = ks_minutiae_index_new ();
}

KsDuplicateSearch *
ks_duplicate_search_new (KsStore *store)
{
  KsDuplicateSearch *self;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  self = g_object_new (KS_TYPE_DUPLICATE_SEARCH, NULL);
  self->store = g_object_ref (store);
  return self;
}

/**
 * ks_duplicate_search_set_vault:
 * @vault: (nullable): the biometrics key, which opens the fingers on record
 *
 * Call it before the first update or check, on the thread that owns the search.
 */
void
ks_duplicate_search_set_vault (KsDuplicateSearch *self,
                               KsVault           *vault)
{
  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));
  g_return_if_fail (vault == NULL || KS_IS_VAULT (vault));

  g_mutex_lock (&self->lock);
  g_set_object (&self->vault, vault);
  g_mutex_unlock (&self->lock);
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

static KsVault *
dup_vault (KsDuplicateSearch *self)
{
  KsVault *vault;

  g_mutex_lock (&self->lock);
  vault = self->vault ? g_object_ref (self->vault) : NULL;
  g_mutex_unlock (&self->lock);
  return vault;
}

/* The index ---------------------------------------------------------------------------------- */

/* Waits for another refresh to end, looking at @cancellable every 50 ms. */
static gboolean
begin_refresh (KsDuplicateSearch *self,
               GCancellable      *cancellable,
               GError           **error)
{
  g_mutex_lock (&self->lock);
  while (self->refreshing)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_mutex_unlock (&self->lock);
          return FALSE;
        }
      g_cond_wait_until (&self->cond, &self->lock,
                         g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND * 50);
    }
  self->refreshing = TRUE;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
end_refresh (KsDuplicateSearch *self)
{
  g_mutex_lock (&self->lock);
  self->refreshing = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gint64 *
int64_dup (gint64 value)
{
  return g_memdup2 (&value, sizeof value);
}

/* What the store holds now: capture id -> record id, and every record's Khyber Pass ID. */
static gboolean
read_captures (KsDuplicateSearch *self,
               GHashTable        *current,
               GHashTable        *kp_ids,
               GError           **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  _ks_store_lock (self->store);
  stmt = _ks_store_prepare (self->store,
                            "SELECT f.record_id, f.capture_id, r.kp_id FROM record_fingers f "
                            "JOIN records r ON r.id = f.record_id WHERE f.status <> 'missing'",
                            error);
  if (stmt == NULL)
    {
      _ks_store_unlock (self->store);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 record_id = sqlite3_column_int64 (stmt, 0);

      g_hash_table_replace (current, g_strdup ((const char *)sqlite3_column_text (stmt, 1)),
                            int64_dup (record_id));
      if (!g_hash_table_contains (kp_ids, &record_id))
        g_hash_table_insert (kp_ids, int64_dup (record_id),
                             g_strdup ((const char *)sqlite3_column_text (stmt, 2)));
    }
  if (rc != SQLITE_DONE)
    _ks_store_set_error (self->store, rc, error);
  _ks_store_unlock (self->store);
  return rc == SQLITE_DONE;
}

/* Worker thread. Indexes the templates of one record's fingers it has not seen yet. */
static void
index_record (KsDuplicateSearch *self,
              KsVault           *vault,
              gint64             record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fingers = ks_fingers_load_record_templates (self->store, vault, record_id,
                                                                   &error);

  if (fingers == NULL)
    {
      g_debug ("Fingers of record %" G_GINT64_FORMAT " not indexed: %s", record_id,
               error->message);
      return;
    }
  for (guint i = 0; i < fingers->len; i++)
    {
      KsFingerCapture *c = fingers->pdata[i];
      g_autofree KsMinutiaeTemplate *tmpl = NULL;
      Entry *entry;
      gboolean seen;

      g_mutex_lock (&self->lock);
      seen = g_hash_table_contains (self->entries, c->capture_id);
      g_mutex_unlock (&self->lock);
      if (seen || c->status == KS_FINGER_MISSING)
        continue;
      /* Stored before the station had its own templates: made once from the image, and kept. */
      if (c->iso_template == NULL && c->image != NULL && ks_finger_capture_extract (c) &&
          !ks_fingers_store_template (self->store, vault, record_id, c, &error))
        {
          g_debug ("Template of record %" G_GINT64_FORMAT " not kept: %s", record_id,
                   error->message);
          g_clear_error (&error);
        }
      if (c->iso_template != NULL)
        tmpl = ks_minutiae_template_from_iso (g_bytes_get_data (c->iso_template, NULL),
                                              g_bytes_get_size (c->iso_template), NULL);
      if (tmpl != NULL)
        {
          g_rw_lock_writer_lock (&self->index_lock);
          ks_minutiae_index_add (self->index, tmpl, c->capture_id);
          g_rw_lock_writer_unlock (&self->index_lock);
        }
      entry = g_new0 (Entry, 1);
      entry->record_id = record_id;
      entry->finger = c->finger;
      entry->indexed = tmpl != NULL;
      g_mutex_lock (&self->lock);
      g_hash_table_replace (self->entries, g_strdup (c->capture_id), entry);
      self->n_indexed += entry->indexed;
      g_mutex_unlock (&self->lock);
    }
}

/* Worker thread: brings the index up to the store. Without a key there is nothing to open. */
static gboolean
refresh (KsDuplicateSearch *self,
         GCancellable      *cancellable,
         GError           **error)
{
  g_autoptr(KsVault) vault = dup_vault (self);
  g_autoptr(GHashTable) current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) kp_ids = new_record_table (g_free);
  g_autoptr(GHashTable) todo = new_record_table (NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;
  gboolean ok = TRUE;

  if (vault == NULL)
    return TRUE;
  if (!begin_refresh (self, cancellable, error))
    return FALSE;
  if (!read_captures (self, current, kp_ids, error))
    {
      end_refresh (self);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, current);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (self->entries, key) && !g_hash_table_contains (todo, value))
      {
        g_hash_table_add (todo, int64_dup (*(gint64 *)value));
        g_array_append_val (order, *(gint64 *)value);
      }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < order->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      index_record (self, vault, g_array_index (order, gint64, i));
    }

  g_mutex_lock (&self->lock);
  g_hash_table_unref (self->current);
  self->current = g_steal_pointer (&current);
  g_hash_table_unref (self->kp_ids);
  self->kp_ids = g_steal_pointer (&kp_ids);
  g_mutex_unlock (&self->lock);
  end_refresh (self);
  return ok;
}

static gpointer
update_thread (gpointer data)
{
  KsDuplicateSearch *self = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean again;

      if (!refresh (self, self->cancellable, &error) &&
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The station's fingerprint index could not be brought up to date: %s",
                   error->message);
      g_mutex_lock (&self->lock);
      again = self->again && !g_cancellable_is_cancelled (self->cancellable);
      self->again = FALSE;
      self->running = again;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      if (!again)
        return NULL;
    }
}

/**
 * ks_duplicate_search_update:
 *
 * Brings the index up to date with the store in a background thread and returns at once: call
 * it when the station opens (the first call builds the whole index) and after a submit. While
 * an update runs, another call makes it run once more when done. Does nothing without a key or
 * once stopped. A search does not need it (it updates the index first itself): it only saves
 * that search the wait.
 */
void
ks_duplicate_search_update (KsDuplicateSearch *self)
{
  GThread *finished = NULL;

  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));

  g_mutex_lock (&self->lock);
  if (self->vault == NULL || g_cancellable_is_cancelled (self->cancellable))
    ;
  else if (self->running)
    self->again = TRUE;
  else
    {
      finished = g_steal_pointer (&self->thread);
      self->running = TRUE;
      self->thread = g_thread_new ("ks-duplicate-index", update_thread, self);
    }
  g_mutex_unlock (&self->lock);
  /* It said it was done before returning: this does not wait. */
  if (finished != NULL)
    g_thread_join (finished);
}

/**
 * ks_duplicate_search_stop:
 *
 * Cancels the background update and waits for its thread (it looks at the cancellation between
 * two records); no update starts after this. Called by dispose: the thread holds no reference.
 */
void
ks_duplicate_search_stop (KsDuplicateSearch *self)
{
  GThread *thread;

  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));

  g_cancellable_cancel (self->cancellable);
  g_mutex_lock (&self->lock);
  thread = g_steal_pointer (&self->thread);
  g_mutex_unlock (&self->lock);
  if (thread != NULL)
    g_thread_join (thread);
}

static void
index_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsDuplicateSearch *self = source_object;
  GError *error = NULL;
  guint n;

  if (!refresh (self, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_mutex_lock (&self->lock);
  n = self->n_indexed;
  g_mutex_unlock (&self->lock);
  g_task_return_int (task, n);
}

/**
 * ks_duplicate_search_index_async:
 *
 * Brings the index up to date with the store in a worker thread (after the update running now,
 * if any), and says how many templates it holds: for a caller that wants to know the index is
 * complete (a status line, a test, a benchmark).
 */
void
ks_duplicate_search_index_async (KsDuplicateSearch  *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_duplicate_search_index_async);
  g_task_run_in_thread (task, index_thread);
}

/**
 * ks_duplicate_search_index_finish:
 * @n_templates: (out) (optional): the templates in the index
 *
 * Returns: %TRUE when the index holds every finger on record, %FALSE with @error (cancelled)
 */
gboolean
ks_duplicate_search_index_finish (KsDuplicateSearch *self,
                                  GAsyncResult      *result,
                                  guint             *n_templates,
                                  GError           **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  if (n_templates != NULL)
    *n_templates = (guint)n;
  return TRUE;
}

/* The check ---------------------------------------------------------------------------------- */

typedef struct
{
  FpFinger finger;
  KsMinutiaeTemplate *tmpl;
  KsMinutiaeMatcher *matcher;
} Probe;

static void
probe_clear (gpointer data)
{
  Probe *probe = data;

  g_clear_pointer (&probe->tmpl, g_free);
  g_clear_pointer (&probe->matcher, ks_minutiae_matcher_free);
}

/* The probes of @captures that have (or, from their image, get) a template. */
static GArray *
make_probes (GPtrArray *captures)
{
  GArray *probes = g_array_new (FALSE, TRUE, sizeof (Probe));

  g_array_set_clear_func (probes, probe_clear);
  for (guint i = 0; i < captures->len; i++)
    {
      KsFingerCapture *c = captures->pdata[i];
      Probe probe = { c->finger, NULL, NULL };

      if (c->status == KS_FINGER_MISSING)
        continue;
      if (c->iso_template == NULL && c->image != NULL)
        ks_finger_capture_extract (c);
      if (c->iso_template == NULL)
        continue;
      probe.tmpl = ks_minutiae_template_from_iso (g_bytes_get_data (c->iso_template, NULL),
                                                  g_bytes_get_size (c->iso_template), NULL);
      if (probe.tmpl == NULL)
        continue;
      probe.matcher = ks_minutiae_matcher_new (probe.tmpl);
      g_array_append_val (probes, probe);
    }
  return probes;
}

typedef struct
{
  gint64 draft_id;
  GPtrArray *captures;   /* KsFingerCapture, copies */
} CheckJob;

static void
check_job_free (CheckJob *job)
{
  g_clear_pointer (&job->captures, g_ptr_array_unref);
  g_free (job);
}

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const KsDuplicatePair *pa = a, *pb = b;

  return (pa->score < pb->score) - (pa->score > pb->score);
}

/* Multi-finger fusion (see the top of this file): keeps in @pairs the pairs taken one to one,
 * best first, and says whether they make the other record a possible duplicate. */
static gboolean
fuse (GArray *pairs,
      double  n_comparisons)
{
  guint used = 0, used_other = 0;

  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len;)
    {
      KsDuplicatePair *p = &g_array_index (pairs, KsDuplicatePair, i);

      if ((used & (1u << p->finger)) || (used_other & (1u << p->other_finger)))
        {
          g_array_remove_index (pairs, i);
          continue;
        }
      used |= 1u << p->finger;
      used_other |= 1u << p->other_finger;
      i++;
    }
  if (pairs->len >= 2)
    return TRUE;
  return pairs->len == 1 &&
         g_array_index (pairs, KsDuplicatePair, 0).fmr * n_comparisons <= KS_DUPLICATE_FMR;
}

static void
add_pair (GHashTable *by_record,
          gint64      record_id,
          FpFinger    finger,
          FpFinger    other_finger,
          double      score)
{
  GArray *pairs = g_hash_table_lookup (by_record, &record_id);
  KsDuplicatePair pair = { finger, other_finger, score, ks_minutiae_score_to_fmr (score) };

  if (pairs == NULL)
    {
      pairs = g_array_new (FALSE, FALSE, sizeof (KsDuplicatePair));
      g_hash_table_insert (by_record, int64_dup (record_id), pairs);
    }
  g_array_append_val (pairs, pair);
}

/* Worker thread: every probe against the whole index; the other records they make a possible
 * duplicate of, strongest first. */
static GPtrArray *
search_station (KsDuplicateSearch *self,
                GArray            *probes,
                gint64             own_record_id,
                GCancellable      *cancellable,
                GError           **error)
{
  double threshold = ks_minutiae_threshold_for_fmr (KS_DUPLICATE_FMR);
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (
    (GDestroyNotify)ks_duplicate_finding_free);
  g_autoptr(GHashTable) by_record = new_record_table ((GDestroyNotify)g_array_unref);
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  GHashTableIter iter;
  gpointer key, value;
  double n_comparisons;

  if (!refresh (self, cancellable, error))
    return NULL;

  g_rw_lock_reader_lock (&self->index_lock);
  for (guint i = 0; i < probes->len; i++)
    {
      GArray *candidates = ks_minutiae_index_search (self->index,
                                                     g_array_index (probes, Probe, i).tmpl,
                                                     CANDIDATES_PER_FINGER, cancellable, error);
      if (candidates == NULL)
        {
          g_rw_lock_reader_unlock (&self->index_lock);
          return NULL;
        }
      g_ptr_array_add (hits, candidates);
    }

  /* The candidates' ids belong to the index: read them before anyone may add to it. */
  g_mutex_lock (&self->lock);
  n_comparisons = (double)probes->len * MAX (self->n_indexed, 1);
  for (guint i = 0; i < hits->len; i++)
    {
      GArray *candidates = hits->pdata[i];

      for (guint j = 0; j < candidates->len; j++)
        {
          const KsMinutiaeCandidate *c = &g_array_index (candidates, KsMinutiaeCandidate, j);
          const Entry *entry = g_hash_table_lookup (self->entries, c->id);
          const gint64 *record_id = g_hash_table_lookup (self->current, c->id);

          /* Stale (the record's fingers were replaced since), or the draft's own record. */
          if (c->score < threshold || entry == NULL || record_id == NULL ||
              *record_id == own_record_id)
            continue;
          add_pair (by_record, *record_id, g_array_index (probes, Probe, i).finger,
                    entry->finger, c->score);
        }
    }
  g_hash_table_iter_init (&iter, by_record);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KsDuplicateFinding *finding;

      if (!fuse (value, n_comparisons))
        continue;
      finding = g_new0 (KsDuplicateFinding, 1);
      finding->other_record_id = *(gint64 *)key;
      finding->other_kp_id = g_strdup (g_hash_table_lookup (self->kp_ids, key));
      finding->pairs = g_array_ref (value);
      g_ptr_array_add (findings, finding);
    }
  g_mutex_unlock (&self->lock);
  g_rw_lock_reader_unlock (&self->index_lock);

  /* What the supervisor reads beside the ID. */
  for (guint i = 0; i < findings->len; i++)
    {
      KsDuplicateFinding *finding = findings->pdata[i];
      g_autoptr(KsRecordInfo) info = ks_records_get_info (self->store, finding->other_kp_id, NULL);

      finding->found_at = ks_store_now (self->store);
      if (info == NULL)
        continue;
      finding->other_cnic = g_strdup (info->cnic);
      finding->other_full_name = g_strdup (info->full_name);
      finding->other_state = info->state;
      finding->other_decision = info->decision;
    }
  return g_steal_pointer (&findings);
}

/* Worker thread: the record of the draft's CNIC (or the one it edits), and its fingers. */
static GPtrArray *
load_own_record (KsDuplicateSearch *self,
                 KsVault           *vault,
                 gint64             draft_id,
                 gint64            *record_id)
{
  g_autoptr(KsDraftInfo) info = NULL;
  g_autoptr(KsRecord) record = NULL;
  g_autoptr(KsRecordInfo) enrolled = NULL;
  g_autoptr(GPtrArray) fingers = NULL;

  *record_id = 0;
  if (draft_id > 0)
    record = ks_drafts_load (self->store, draft_id, &info, NULL);
  if (record == NULL)
    return NULL;
  *record_id = info->record_id;
  if (info->cnic != NULL && *info->cnic != '\0')
    enrolled = ks_records_find_by_cnic (self->store, info->cnic, NULL);
  if (enrolled != NULL)
    *record_id = enrolled->id;
  if (*record_id <= 0 || vault == NULL)
    return NULL;
  fingers = ks_fingers_load_record_templates (self->store, vault, *record_id, NULL);
  return g_steal_pointer (&fingers);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  KsDuplicateSearch *self = source_object;
  CheckJob *job = task_data;
  double threshold = ks_minutiae_threshold_for_fmr (KS_DUPLICATE_FMR);
  g_autoptr(KsVault) vault = dup_vault (self);
  g_autoptr(KsFingerCheck) check = g_new0 (KsFingerCheck, 1);
  g_autoptr(GArray) probes = make_probes (job->captures);
  g_autoptr(GPtrArray) own_fingers = NULL;
  g_autoptr(GArray) own = NULL;
  GError *error = NULL;
  gint64 own_record_id = 0;
  double best_same = 0, best_on_record = 0;

  check->on_record = g_array_new (FALSE, FALSE, sizeof (FpFinger));

  /* The same finger placed for two: the best-scoring such pair. */
  for (guint i = 0; i < probes->len; i++)
    for (guint j = i + 1; j < probes->len; j++)
      {
        const Probe *a = &g_array_index (probes, Probe, i), *b = &g_array_index (probes, Probe, j);
        double score = ks_minutiae_compare (a->matcher, b->matcher);

        if (score >= threshold && score > best_same)
          {
            best_same = score;
            check->same_a = a->finger;
            check->same_b = b->finger;
          }
      }

  /* The record on file is this citizen's: its right thumb matching the new right thumb confirms
   * the edit. A new finger equal to ANOTHER finger on record means fingers were swapped or one
   * was placed twice: that is flagged for the supervisor. */
  own_fingers = load_own_record (self, vault, job->draft_id, &own_record_id);
  if (own_fingers != NULL)
    own = make_probes (own_fingers);
  for (guint i = 0; own != NULL && i < probes->len; i++)
    {
      const Probe *a = &g_array_index (probes, Probe, i);
      double best = 0;
      FpFinger best_old = 0;

      for (guint j = 0; j < own->len; j++)
        {
          const Probe *b = &g_array_index (own, Probe, j);
          double score = a->finger != b->finger ? ks_minutiae_compare (a->matcher, b->matcher) : 0;

          if (score >= threshold && score > best)
            {
              best = score;
              best_old = b->finger;
            }
        }
      if (best_old == 0)
        continue;
      g_array_append_val (check->on_record, a->finger);
      /* The operator is told of the strongest. */
      if (best > best_on_record)
        {
          best_on_record = best;
          check->record_new = a->finger;
          check->record_old = best_old;
        }
    }

  /* Everyone else enrolled here. */
  if (vault != NULL && probes->len > 0)
    check->findings = search_station (self, probes, own_record_id, cancellable, &error);
  else
    check->findings = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_duplicate_finding_free);
  if (check->findings == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  /* The draft keeps the matches for submit to flag, and loses both fingers of a pair that is
   * one finger. */
  if (job->draft_id > 0)
    {
      if (!ks_fingers_set_duplicates (self->store, job->draft_id,
                                      (const FpFinger *)(gpointer)check->on_record->data,
                                      check->on_record->len, &error) ||
          !ks_duplicate_findings_save_draft (self->store, job->draft_id, check->findings, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (check->same_a != 0)
        {
          FpFinger pair[2] = { check->same_a, check->same_b };

          for (guint i = 0; i < 2; i++)
            if (!ks_fingers_remove_draft_finger (self->store, job->draft_id, pair[i], NULL))
              g_debug ("Finger %d of draft %" G_GINT64_FORMAT " not removed", pair[i],
                       job->draft_id);
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&check), (GDestroyNotify)ks_finger_check_free);
}

/**
 * ks_duplicate_search_check_draft_async:
 * @draft_id: the draft the fingers belong to, or 0 for none
 * @captures: (element-type KsFingerCapture): the draft's fingers as the wizard holds them
 *
 * Compares each new finger with the others, with the fingers on record for the draft's CNIC,
 * and with every finger of every other record at the station (see the top of this file), in a
 * worker thread. The draft then keeps the matches with its record and the possible duplicate
 * enrolments for submit to flag, and loses both fingers of a pair that is one finger, for
 * recapture. Nothing is written once @cancellable is cancelled.
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
  CheckJob *job;

  g_return_if_fail (KS_IS_DUPLICATE_SEARCH (self));
  g_return_if_fail (captures != NULL);

  job = g_new0 (CheckJob, 1);
  job->draft_id = draft_id;
  job->captures = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_finger_capture_free);
  for (guint i = 0; i < captures->len; i++)
    g_ptr_array_add (job->captures, ks_finger_capture_copy (captures->pdata[i]));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ks_duplicate_search_check_draft_async);
  g_task_set_task_data (task, job, (GDestroyNotify)check_job_free);
  g_task_run_in_thread (task, check_thread);
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
