/* ks-draft-saver.h: saves a draft within a second of every change, off the UI thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "ks-record.h"
#include "ks-store.h"

G_BEGIN_DECLS

/* A change is written once typing pauses for this long, and never later than the maximum
 * after the first unsaved change: a crash loses at most the last second. */
#define KS_DRAFT_SAVER_PAUSE_MS 250
#define KS_DRAFT_SAVER_MAX_MS   800

#define KS_TYPE_DRAFT_SAVER (ks_draft_saver_get_type ())

G_DECLARE_FINAL_TYPE (KsDraftSaver, ks_draft_saver, KS, DRAFT_SAVER, GObject)

KsDraftSaver *ks_draft_saver_new (KsStore       *store,
                                  gint64 draft_id);
gint64        ks_draft_saver_get_draft_id (KsDraftSaver *self);
void          ks_draft_saver_update (KsDraftSaver *self,
                                     KsRecord     *record,
                                     int           step);
gboolean      ks_draft_saver_flush (KsDraftSaver *self,
                                    GError      **error);
void          ks_draft_saver_flush_async (KsDraftSaver       *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean      ks_draft_saver_flush_finish (KsDraftSaver *self,
                                           GAsyncResult *result,
                                           GError      **error);
void          ks_draft_saver_stop (KsDraftSaver *self);
void          ks_draft_saver_close_async (KsDraftSaver       *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean      ks_draft_saver_close_finish (KsDraftSaver *self,
                                           GAsyncResult *result,
                                           GError      **error);

G_END_DECLS
