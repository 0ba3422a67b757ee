/* ks-slip.h: the enrollment slip a citizen takes home at submit (it is not an identity card)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "ks-store.h"

G_BEGIN_DECLS

/* A6 landscape: half of an A5 sheet, a quarter of A4. */
#define KS_SLIP_WIDTH_MM 148.0
#define KS_SLIP_HEIGHT_MM 105.0

typedef struct _KsSlip KsSlip;

KsSlip      *ks_slip_new (const char *kp_id,
                          const char *full_name,
                          const char *full_name_ur,
                          gint64      enrolled_at,
                          gboolean    specimen,
                          GError    **error);
KsSlip      *ks_slip_new_for_record (KsStore    *store,
                                     const char *kp_id,
                                     gboolean    specimen,
                                     GError    **error);
void         ks_slip_free (KsSlip *slip);
const char  *ks_slip_get_kp_id (KsSlip *slip);
void         ks_slip_render (KsSlip  *slip,
                             cairo_t *cr);
gboolean     ks_slip_write_file (KsSlip     *slip,
                                 const char *path,
                                 GError    **error);
void         ks_slip_write_file_async (KsSlip             *slip,
                                       const char         *path,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
gboolean     ks_slip_write_file_finish (GAsyncResult *result,
                                        GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KsSlip, ks_slip_free)

G_END_DECLS
