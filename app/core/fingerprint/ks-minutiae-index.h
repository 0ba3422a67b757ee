/* ks-minutiae-index.h: 1:N search over many prepared templates, on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "ks-minutiae-template.h"

G_BEGIN_DECLS

typedef struct _KsMinutiaeIndex KsMinutiaeIndex;

typedef struct
{
  const char *id; /* owned by the index */
  double score;   /* ks_minutiae_compare() score */
} KsMinutiaeCandidate;

KsMinutiaeIndex *ks_minutiae_index_new (void);
void             ks_minutiae_index_free (KsMinutiaeIndex *index);
void             ks_minutiae_index_add (KsMinutiaeIndex *index, const KsMinutiaeTemplate *tmpl,
                                        const char *id);

/* The best candidates, highest score first (at most top); NULL with G_IO_ERROR_CANCELLED when
 * cancelled. Safe to call from several threads as long as nobody adds meanwhile. */
GArray *ks_minutiae_index_search (KsMinutiaeIndex *index, const KsMinutiaeTemplate *probe,
                                  guint top, GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsMinutiaeIndex, ks_minutiae_index_free)

G_END_DECLS
