/* ks-minutiae-index.c: 1:N search over many prepared templates, on worker threads
 *
 * Every template is prepared once (MCC cylinders) when added. A search runs in two passes, each
 * split over one worker thread per processor:
 *  1. prefilter: ks_minutiae_prefilter() of the probe against every template (the probe's 12
 *     best cylinders against the template's 24 best: about 20 times cheaper than a comparison);
 *  2. the full comparison (ks_minutiae_compare) of the best SHORTLIST candidates of pass 1.
 * The caller gets the best `top` of pass 2. Cancellation is checked every few hundred templates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-minutiae"

#include "config.h"

#include <string.h>

#include "ks-minutiae-index.h"
#include "ks-minutiae-index-testing.h"
#include "ks-minutiae-match.h"

#define SHORTLIST_MIN 64
#define SHORTLIST_SHARE 0.01 /* at least 1% of the gallery goes to the full comparison */

struct _KsMinutiaeIndex
{
  GPtrArray *matchers; /* KsMinutiaeMatcher */
  GPtrArray *ids;      /* char * */
  gsize bytes;
};

KsMinutiaeIndex *
ks_minutiae_index_new (void)
{
  KsMinutiaeIndex *index = g_new0 (KsMinutiaeIndex, 1);

  index->matchers = g_ptr_array_new_with_free_func ((GDestroyNotify)ks_minutiae_matcher_free);
  index->ids = g_ptr_array_new_with_free_func (g_free);
  return index;
}

void
ks_minutiae_index_free (KsMinutiaeIndex *index)
{
  if (index == NULL)
    return;
  g_ptr_array_unref (index->matchers);
  g_ptr_array_unref (index->ids);
  g_free (index);
}

void
ks_minutiae_index_add (KsMinutiaeIndex *index, const KsMinutiaeTemplate *tmpl, const char *id)
{
  KsMinutiaeMatcher *m;

  g_return_if_fail (index != NULL && tmpl != NULL && id != NULL);

  m = ks_minutiae_matcher_new (tmpl);
  index->bytes += ks_minutiae_matcher_size (m) + strlen (id) + 1 + 2 * sizeof (gpointer);
  g_ptr_array_add (index->matchers, m);
  g_ptr_array_add (index->ids, g_strdup (id));
}

guint
ks_minutiae_index_get_size (KsMinutiaeIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);

  return index->matchers->len;
}

gsize
ks_minutiae_index_get_memory (KsMinutiaeIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);

  return sizeof (*index) + index->bytes;
}

typedef struct
{
  float score;
  guint slot;
} Scored;

typedef struct
{
  KsMinutiaeIndex *index;
  const KsMinutiaeMatcher *probe;
  GCancellable *cancellable;
  Scored *scored;
  guint from, to;
  gboolean full; /* pass 2: scored[].slot already set, compute the full score */
} Job;

static gpointer
run_job (gpointer data)
{
  Job *job = data;

  for (guint i = job->from; i < job->to; i++)
    {
      if ((i & 255) == 0 && g_cancellable_is_cancelled (job->cancellable))
        break;
      if (job->full)
        job->scored[i].score = (float)ks_minutiae_compare (
          job->probe, job->index->matchers->pdata[job->scored[i].slot]);
      else
        {
          job->scored[i].slot = i;
          job->scored[i].score = (float)ks_minutiae_prefilter (job->probe,
                                                               job->index->matchers->pdata[i]);
        }
    }
  return NULL;
}

static void
run_parallel (Job *proto, guint n)
{
  guint n_threads = MIN (MAX (g_get_num_processors (), 1), 16u);
  g_autofree Job *jobs = NULL;
  g_autofree GThread **threads = NULL;

  if (n < 64)
    n_threads = 1;
  jobs = g_new (Job, n_threads);
  threads = g_new0 (GThread *, n_threads);
  for (guint t = 0; t < n_threads; t++)
    {
      jobs[t] = *proto;
      jobs[t].from = (guint)((guint64)n * t / n_threads);
      jobs[t].to = (guint)((guint64)n * (t + 1) / n_threads);
      if (t > 0)
        threads[t] = g_thread_new ("ks-minutiae-search", run_job, &jobs[t]);
    }
  run_job (&jobs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

static int
cmp_scored_desc (gconstpointer a, gconstpointer b)
{
  const Scored *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  return (x->slot > y->slot) - (x->slot < y->slot);
}

GArray *
ks_minutiae_index_search (KsMinutiaeIndex *index, const KsMinutiaeTemplate *probe, guint top,
                          GCancellable *cancellable, GError **error)
{
  g_autoptr(KsMinutiaeMatcher) pm = NULL;
  g_autofree Scored *scored = NULL;
  GArray *result;
  guint n, shortlist;
  Job job = { 0 };

  g_return_val_if_fail (index != NULL && probe != NULL, NULL);

  result = g_array_new (FALSE, FALSE, sizeof (KsMinutiaeCandidate));
  n = index->matchers->len;
  if (n == 0 || top == 0)
    return result;
  pm = ks_minutiae_matcher_new (probe);
  scored = g_new (Scored, n);
  job.index = index;
  job.probe = pm;
  job.cancellable = cancellable;
  job.scored = scored;

  run_parallel (&job, n);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_array_unref (result);
      return NULL;
    }
  shortlist = MAX (MAX (SHORTLIST_MIN, top), (guint)(n * SHORTLIST_SHARE));
  shortlist = MIN (shortlist, n);
  qsort (scored, n, sizeof (Scored), cmp_scored_desc);

  job.full = TRUE;
  run_parallel (&job, shortlist);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_array_unref (result);
      return NULL;
    }
  qsort (scored, shortlist, sizeof (Scored), cmp_scored_desc);
  for (guint i = 0; i < shortlist && i < top; i++)
    {
      KsMinutiaeCandidate c = { index->ids->pdata[scored[i].slot], scored[i].score };
      g_array_append_val (result, c);
    }
  return result;
}
