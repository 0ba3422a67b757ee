/* ks-record-list.c: submitted records as a GListModel that pages them from the store
 *
 * A station may hold a million records: the review list never loads them all. The model
 * counts the rows of its filter once (get_n_items), then fetches the rows GTK asks for a page
 * of PAGE_SIZE at a time and keeps the last MAX_PAGES pages, so memory stays constant however
 * far the supervisor scrolls. Sorting and filtering are SQL on indexed columns: a page is the
 * rowids of one LIMIT/OFFSET query on an index (the index alone answers it, the table is not
 * read for skipped rows), then one lookup by rowid per row.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-record-list"

#include "config.h"

#include "ks-record-list.h"
#include "ks-record-list-testing.h"
#include "ks-store-private.h"

#define PAGE_SIZE 200
#define MAX_PAGES 8

/* Above this many matches, a search reads the sort's index and tests each row, instead of
 * reading the search's index range and sorting the matches: sorting 50,000 names takes 70 ms
 * a page, skipping 1 row in 20 along the sort index under 5 ms (bench-review, 1M records). */
#define BROAD_SEARCH 20000

/* The same for an ID or CNIC prefix in date order, the list's first order. Both ways read
 * indexes only (schema 9): the range from (kp_id or cnic, submitted_at); or the date index,
 * which also holds both, about 0.07 µs an entry, a whole million at worst when the matches lie
 * at the far end of the order ("PEW-A01-00", the oldest tenth, in newest first). Up to this
 * many matches, the range is read once, counting them and keeping each one's date and rowid,
 * about 0.2 µs a match; they are sorted here and the list keeps their rowids (8 bytes each,
 * 800 kB at most), so that every page is read by rowid. SQLite's own ORDER BY ... LIMIT over
 * the same range costs 0.5 µs a match, for each page again, besides the count. */
#define BROAD_SEARCH_BY_DATE 100000

/* A prefix that matches more than this share of the records is counted as all records less
 * those before and after it: SQLite counts a whole table from its pages at once, but counts a
 * range entry by entry. */
#define BROAD_SHARE 0.5

/* KsRecordRow ************************************************************************/

struct _KsRecordRow
{
  GObject parent_instance;

  char *kp_id;
  char *cnic;
  char *full_name;
  char *full_name_ur;
  char *district;
  char *operator;
  char *reason;
  gint64 submitted_at;
  KsRecordState state;
  KsRecordState decision;
  guint flags;
};

enum {
  ROW_PROP_0,
  ROW_PROP_KP_ID,
  ROW_PROP_CNIC,
  ROW_PROP_FULL_NAME,
  ROW_PROP_FULL_NAME_UR,
  ROW_PROP_DISTRICT,
  ROW_PROP_OPERATOR,
  ROW_PROP_SUBMITTED_AT,
  ROW_PROP_STATE,
  ROW_PROP_DECISION,
  ROW_PROP_FLAGS,
  ROW_PROP_REASON,
  ROW_N_PROPS
};

static GParamSpec *row_properties[ROW_N_PROPS];

G_DEFINE_FINAL_TYPE (KsRecordRow, ks_record_row, G_TYPE_OBJECT)

static void
ks_record_row_finalize (GObject *object)
{
  KsRecordRow *self = (KsRecordRow *)object;

  g_free (self->kp_id);
  g_free (self->cnic);
  g_free (self->full_name);
  g_free (self->full_name_ur);
  g_free (self->district);
  g_free (self->operator);
  g_free (self->reason);

  G_OBJECT_CLASS (ks_record_row_parent_class)->finalize (object);
}

static void
ks_record_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KsRecordRow *self = KS_RECORD_ROW (object);

  switch (prop_id)
    {
    case ROW_PROP_KP_ID:
      g_value_set_string (value, self->kp_id);
      break;
    case ROW_PROP_CNIC:
      g_value_set_string (value, self->cnic);
      break;
    case ROW_PROP_FULL_NAME:
      g_value_set_string (value, self->full_name);
      break;
    case ROW_PROP_FULL_NAME_UR:
      g_value_set_string (value, self->full_name_ur);
      break;
    case ROW_PROP_DISTRICT:
      g_value_set_string (value, self->district);
      break;
    case ROW_PROP_OPERATOR:
      g_value_set_string (value, self->operator);
      break;
    case ROW_PROP_SUBMITTED_AT:
      g_value_set_int64 (value, self->submitted_at);
      break;
    case ROW_PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case ROW_PROP_DECISION:
      g_value_set_int (value, self->decision);
      break;
    case ROW_PROP_FLAGS:
      g_value_set_uint (value, self->flags);
      break;
    case ROW_PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ks_record_row_class_init (KsRecordRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ks_record_row_finalize;
  object_class->get_property = ks_record_row_get_property;

  row_properties[ROW_PROP_KP_ID] = g_param_spec_string ("kp-id", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_CNIC] = g_param_spec_string ("cnic", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_FULL_NAME] = g_param_spec_string ("full-name", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_FULL_NAME_UR] =
    g_param_spec_string ("full-name-ur", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_DISTRICT] = g_param_spec_string ("district", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_OPERATOR] = g_param_spec_string ("operator", NULL, NULL, NULL, flags);
  row_properties[ROW_PROP_SUBMITTED_AT] =
    g_param_spec_int64 ("submitted-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  row_properties[ROW_PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, G_MAXINT, 0, flags);
  row_properties[ROW_PROP_DECISION] =
    g_param_spec_int ("decision", NULL, NULL, 0, G_MAXINT, 0, flags);
  row_properties[ROW_PROP_FLAGS] = g_param_spec_uint ("flags", NULL, NULL, 0, G_MAXUINT, 0, flags);
  row_properties[ROW_PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, ROW_N_PROPS, row_properties);
}

static void
ks_record_row_init (KsRecordRow *self)
{
}

#define ROW_GETTER(type, field)                                     \
  type                                                              \
  ks_record_row_get_ ## field (KsRecordRow *self)                     \
  {                                                                 \
    g_return_val_if_fail (KS_IS_RECORD_ROW (self), (type)0);        \
    return self->field;                                             \
  }

ROW_GETTER (const char *, kp_id)
ROW_GETTER (const char *, cnic)
ROW_GETTER (const char *, full_name)
ROW_GETTER (const char *, full_name_ur)
ROW_GETTER (const char *, district)
ROW_GETTER (const char *, operator)
ROW_GETTER (const char *, reason)
ROW_GETTER (gint64, submitted_at)
ROW_GETTER (KsRecordState, state)
ROW_GETTER (KsRecordState, decision)
ROW_GETTER (guint, flags)

static char *
column_dup (sqlite3_stmt *stmt,
            int column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);
  return g_strdup (text ? text : "");
}

#define ROW_COLUMNS \
  "kp_id, cnic, full_name, full_name_ur, district, operator, submitted_at, state, decision, " \
  "flags, coalesce (reason, '')"

static KsRecordRow *
row_from_stmt (sqlite3_stmt *stmt)
{
  KsRecordRow *row = g_object_new (KS_TYPE_RECORD_ROW, NULL);

  row->kp_id = column_dup (stmt, 0);
  row->cnic = column_dup (stmt, 1);
  row->full_name = column_dup (stmt, 2);
  row->full_name_ur = column_dup (stmt, 3);
  row->district = column_dup (stmt, 4);
  row->operator = column_dup (stmt, 5);
  row->submitted_at = sqlite3_column_int64 (stmt, 6);
  ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 7), &row->state);
  if (sqlite3_column_type (stmt, 8) != SQLITE_NULL)
    ks_record_state_from_string ((const char *)sqlite3_column_text (stmt, 8), &row->decision);
  row->flags = (guint)sqlite3_column_int (stmt, 9);
  row->reason = column_dup (stmt, 10);
  return row;
}

/* KsRecordList ***********************************************************************/

typedef struct
{
  char *text;                  /* NULL: bind the number */
  gint64 number;
} Bind;

struct _KsRecordList
{
  GObject parent_instance;

  KsStore *store;

  KsRecordSort sort;
  gboolean descending;

  /* The current query, rebuilt when the sort or filter changes */
  char *where;                 /* "" or "WHERE ..." */
  char *where_scan;            /* the same, the search's range kept off its index */
  GArray *binds;               /* (element-type Bind) for the placeholders of where */
  char *range_column;          /* the column of a search that is the whole filter, or NULL */
  char *page_sql;
  GArray *ids;                 /* (element-type gint64) (nullable): every match's rowid in the
                                * list's order; pages are then read from it, not page_sql */
  guint n_items;

  guint generation;            /* bumped by each new filter or sort */

  GHashTable *pages;           /* page number -> GPtrArray of KsRecordRow */
  GQueue lru;                  /* page numbers, most recently used first */
  GError *error;
};

static void ks_record_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KsRecordList, ks_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ks_record_list_model_init))

/* Each sort's columns, ending with a unique one so the order of two rows never depends on
 * how SQLite happens to walk the index. Every list matches an index of schema version 3 term
 * for term (the rowid ends each index), so no sort ever needs a temporary B-tree. */
static const char *const sort_columns[][4] = {
  [KS_RECORD_SORT_SUBMITTED_AT] = { "submitted_at", "id", NULL },
  [KS_RECORD_SORT_KP_ID] = { "kp_id", NULL },
  [KS_RECORD_SORT_NAME] = { "full_name COLLATE NOCASE", "id", NULL },
  [KS_RECORD_SORT_NAME_UR] = { "full_name_ur", "id", NULL },
  [KS_RECORD_SORT_CNIC] = { "cnic", NULL },
  [KS_RECORD_SORT_DISTRICT] = { "district", "submitted_at", "id", NULL },
  [KS_RECORD_SORT_OPERATOR] = { "operator", "submitted_at", "id", NULL },
  [KS_RECORD_SORT_STATE] = { "state", "submitted_at", "id", NULL },
};

static void
bind_clear (gpointer data)
{
  g_free (((Bind *)data)->text);
}

static void
drop_pages (KsRecordList *self)
{
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
}

static void
ks_record_list_finalize (GObject *object)
{
  KsRecordList *self = (KsRecordList *)object;

  drop_pages (self);
  g_hash_table_unref (self->pages);
  g_array_unref (self->binds);
  g_free (self->where);
  g_free (self->where_scan);
  g_free (self->range_column);
  g_free (self->page_sql);
  g_clear_pointer (&self->ids, g_array_unref);
  g_clear_error (&self->error);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ks_record_list_parent_class)->finalize (object);
}

static void
ks_record_list_class_init (KsRecordListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ks_record_list_finalize;
}

static GArray *binds_new (void);

static void
ks_record_list_init (KsRecordList *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
  self->binds = binds_new ();
  self->where = g_strdup ("");
  self->where_scan = g_strdup ("");
  self->sort = KS_RECORD_SORT_SUBMITTED_AT;
  self->descending = TRUE;
  g_queue_init (&self->lru);
}

static void
set_error (KsRecordList *self,
           GError       *error)
{
  g_clear_error (&self->error);
  self->error = error;
  if (error != NULL)
    g_debug ("Review list query failed: %s", error->message);
}

static void
bind_all (GArray       *binds,
          sqlite3_stmt *stmt)
{
  for (guint i = 0; i < binds->len; i++)
    {
      Bind *bind = &g_array_index (binds, Bind, i);

      if (bind->text != NULL)
        sqlite3_bind_text (stmt, i + 1, bind->text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, i + 1, bind->number);
    }
}

/* Thread-safe: runs on the UI thread for scrolling, in a worker for a new filter.
 * @ids_in_order: (nullable): every match's rowid in order; when given, @page_sql is unused. */
static GPtrArray *
query_page (KsStore    *store,
            const char *page_sql,
            GArray     *binds,
            GArray     *ids_in_order,
            guint       page,
            GError    **out_error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) ids = NULL;
  g_autoptr(sqlite3_stmt) fetch = NULL;
  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), PAGE_SIZE);
  GError *error = NULL;
  int rc;

  _ks_store_lock (store);
  if (ids_in_order != NULL)
    {
      guint first = MIN ((gsize)page * PAGE_SIZE, ids_in_order->len);

      g_array_append_vals (rowids, &g_array_index (ids_in_order, gint64, first),
                           MIN (PAGE_SIZE, ids_in_order->len - first));
      fetch = _ks_store_prepare (store, "SELECT " ROW_COLUMNS " FROM records WHERE id = ?",
                                 &error);
    }
  else
    {
      ids = _ks_store_prepare (store, page_sql, &error);
      fetch = ids ? _ks_store_prepare (store, "SELECT " ROW_COLUMNS " FROM records WHERE id = ?",
                                       &error)
                  : NULL;
    }
  if (fetch != NULL && ids != NULL)
    {
      bind_all (binds, ids);
      sqlite3_bind_int64 (ids, binds->len + 1, (gint64)page * PAGE_SIZE);
      while ((rc = sqlite3_step (ids)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (ids, 0);
          g_array_append_val (rowids, id);
        }
      if (rc != SQLITE_DONE)
        _ks_store_set_error (store, rc, &error);
    }
  if (fetch != NULL)
    {
      for (guint i = 0; error == NULL && i < rowids->len; i++)
        {
          sqlite3_reset (fetch);
          sqlite3_bind_int64 (fetch, 1, g_array_index (rowids, gint64, i));
          rc = sqlite3_step (fetch);
          /* A row deleted meanwhile cannot happen (records are never deleted); a failed read
           * ends the page short and the list shows the error. */
          if (rc == SQLITE_ROW)
            g_ptr_array_add (rows, row_from_stmt (fetch));
          else if (rc != SQLITE_DONE)
            _ks_store_set_error (store, rc, &error);
        }
    }
  _ks_store_unlock (store);

  if (error != NULL)
    g_propagate_error (out_error, error);
  return g_steal_pointer (&rows);
}

static GPtrArray *
fetch_page (KsRecordList *self,
            guint         page)
{
  GError *error = NULL;
  GPtrArray *rows = query_page (self->store, self->page_sql, self->binds, self->ids, page,
                                &error);

  set_error (self, error);
  return rows;
}

static GPtrArray *
get_page (KsRecordList *self,
          guint         page)
{
  GPtrArray *rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  if (rows != NULL)
    {
      /* Most recently used first: scrolling back and forth over a page boundary hits. */
      if (g_queue_peek_head (&self->lru) != GUINT_TO_POINTER (page))
        {
          g_queue_remove (&self->lru, GUINT_TO_POINTER (page));
          g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
        }
      return rows;
    }

  while (g_queue_get_length (&self->lru) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));

  rows = fetch_page (self, page);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  return rows;
}

static GType
ks_record_list_get_item_type (GListModel *model)
{
  return KS_TYPE_RECORD_ROW;
}

static guint
ks_record_list_get_n_items (GListModel *model)
{
  return KS_RECORD_LIST (model)->n_items;
}

static gpointer
ks_record_list_get_item (GListModel *model,
                         guint       position)
{
  KsRecordList *self = KS_RECORD_LIST (model);
  GPtrArray *rows;

  if (position >= self->n_items)
    return NULL;
  rows = get_page (self, position / PAGE_SIZE);
  if (position % PAGE_SIZE < rows->len)
    return g_object_ref (g_ptr_array_index (rows, position % PAGE_SIZE));

  /* The store could not be read (the error is kept): an empty row keeps the view consistent
   * with n_items instead of crashing it. */
  return g_object_new (KS_TYPE_RECORD_ROW, NULL);
}

static void
ks_record_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ks_record_list_get_item_type;
  iface->get_n_items = ks_record_list_get_n_items;
  iface->get_item = ks_record_list_get_item;
}

/* One number from @sql, its placeholders bound to @a and @b (each nullable). Called locked. */
static gboolean
select_number (KsStore    *store,
               const char *sql,
               const char *a,
               const char *b,
               gint64     *out,
               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (a != NULL)
    sqlite3_bind_text (stmt, 1, a, -1, SQLITE_STATIC);
  if (b != NULL)
    sqlite3_bind_text (stmt, 2, b, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      _ks_store_set_error (store, rc, error);
      return FALSE;
    }
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* A search that is one prefix of @column, [lower, upper), matching most records ("PEW-" on a
 * station of Peshawar): counted as all records (which SQLite counts from the table's pages,
 * not row by row) less those below and above the range, each a short run of the index. Which
 * side is short is told by 32 records spread over the table, looked up by rowid. Returns
 * %FALSE with @error unset when the prefix is not that broad: then count the range itself.
 * Called locked. */
static gboolean
count_around (KsStore    *store,
              const char *column,
              GArray     *binds,
              gint64     *out,
              GError    **error)
{
  const char *lower = g_array_index (binds, Bind, 0).text;
  const char *upper = g_array_index (binds, Bind, 1).text;
  g_autofree char *sample_sql = NULL;
  g_autofree char *below_sql = NULL;
  g_autofree char *above_sql = NULL;
  g_autoptr(sqlite3_stmt) sample = NULL;
  gint64 sampled, inside, total, below, above;

  sample_sql = g_strdup_printf ("WITH RECURSIVE s (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s "
                                "WHERE k < 32) SELECT count(*), coalesce(sum(%s >= ?1 AND %s "
                                "< ?2), 0) FROM records WHERE id IN (SELECT k * (SELECT max(id) "
                                "FROM records) / 33 FROM s)", column, column);
  sample = _ks_store_prepare (store, sample_sql, error);
  if (sample == NULL)
    return FALSE;
  sqlite3_bind_text (sample, 1, lower, -1, SQLITE_STATIC);
  sqlite3_bind_text (sample, 2, upper, -1, SQLITE_STATIC);
  if (sqlite3_step (sample) != SQLITE_ROW)
    return FALSE;
  sampled = sqlite3_column_int64 (sample, 0);
  inside = sqlite3_column_int64 (sample, 1);
  if (sampled == 0 || (double)inside / sampled <= BROAD_SHARE)
    return FALSE;

  below_sql = g_strdup_printf ("SELECT count(*) FROM records WHERE %s < ?1", column);
  above_sql = g_strdup_printf ("SELECT count(*) FROM records WHERE %s >= ?2", column);
  if (!select_number (store, "SELECT count(*) FROM records", NULL, NULL, &total, error) ||
      !select_number (store, below_sql, lower, upper, &below, error) ||
      !select_number (store, above_sql, lower, upper, &above, error))
    return FALSE;
  *out = total - below - above;
  return TRUE;
}

/* Whether a search of @range_column, the whole filter, is read from its own index in date
 * order, the matches sorted by collect_by_date(). */
static gboolean
is_range_by_date (const char  *range_column,
                  KsRecordSort sort)
{
  return sort == KS_RECORD_SORT_SUBMITTED_AT &&
         (g_strcmp0 (range_column, "kp_id") == 0 || g_strcmp0 (range_column, "cnic") == 0);
}

typedef struct
{
  gint64 submitted_at;
  gint64 id;
} DatedId;

static int
compare_dated_ids (gconstpointer a,
                   gconstpointer b)
{
  const DatedId *x = a;
  const DatedId *y = b;

  if (x->submitted_at != y->submitted_at)
    return x->submitted_at < y->submitted_at ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

/* The rowids of the @n matches of a prefix of @column, [lower, upper), in date order
 * ("submitted_at, id", @descending or not), as the page query would list them: one read of
 * the index on (@column, submitted_at), which holds all it needs, then a sort here (IDs issued
 * in date order need none). Returns
 * %NULL with @error set if the store could not be read. Called locked. */
static GArray *
collect_by_date (KsStore    *store,
                 const char *column,
                 GArray     *binds,
                 gboolean    descending,
                 guint       n,
                 GError    **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT submitted_at, id FROM records "
                                          "WHERE %s >= ?1 AND %s < ?2", column, column);
  g_autoptr(sqlite3_stmt) stmt = _ks_store_prepare (store, sql, error);
  g_autofree DatedId *dated = NULL;
  GArray *ids;
  guint len = 0;
  gboolean sorted = TRUE;
  int rc;

  if (stmt == NULL)
    return NULL;
  dated = g_new (DatedId, MAX (n, 1));
  sqlite3_bind_text (stmt, 1, g_array_index (binds, Bind, 0).text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, g_array_index (binds, Bind, 1).text, -1, SQLITE_STATIC);
  /* Records are only ever added (under the store's lock, held here): no more than counted. */
  while (len < n && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      dated[len].submitted_at = sqlite3_column_int64 (stmt, 0);
      dated[len].id = sqlite3_column_int64 (stmt, 1);
      /* IDs are numbered as records are submitted: usually already in date order. */
      if (len > 0 && sorted && compare_dated_ids (&dated[len - 1], &dated[len]) > 0)
        sorted = FALSE;
      len++;
    }
  if (len < n && rc != SQLITE_DONE)
    {
      _ks_store_set_error (store, rc, error);
      return NULL;
    }

  if (!sorted)
    qsort (dated, len, sizeof *dated, compare_dated_ids);
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), len);
  for (guint i = 0; i < len; i++)
    g_array_append_val (ids, dated[descending ? len - 1 - i : i].id);
  return ids;
}

/* The number of rows @where matches. @range_column: (nullable): the column of a search that is
 * the whole filter. @ids_out: set to every match's rowid in the order of @sort when a search
 * in date order is narrow enough to keep them (collect_by_date()), else %NULL. */
static guint
query_count (KsStore     *store,
             const char  *where,
             GArray      *binds,
             const char  *range_column,
             KsRecordSort sort,
             gboolean     descending,
             GArray     **ids_out,
             GError     **error)
{
  g_autofree char *sql = g_strconcat ("SELECT count(*) FROM records ", where, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;
  gint64 around = 0;
  guint n = 0;
  int rc;

  *ids_out = NULL;
  _ks_store_lock (store);
  if (range_column != NULL && count_around (store, range_column, binds, &around, &local_error))
    {
      _ks_store_unlock (store);
      return (guint)MIN (around, G_MAXUINT);
    }
  if (local_error != NULL)
    {
      _ks_store_unlock (store);
      g_propagate_error (error, local_error);
      return 0;
    }
  stmt = _ks_store_prepare (store, sql, error);
  if (stmt != NULL)
    {
      bind_all (binds, stmt);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        n = (guint)MIN (sqlite3_column_int64 (stmt, 0), G_MAXUINT);
      else
        _ks_store_set_error (store, rc, error);
    }
  /* Counted first: count(*) reads the column's own index, narrower, at about 0.05 µs a match. */
  if (stmt != NULL && rc == SQLITE_ROW && n <= BROAD_SEARCH_BY_DATE &&
      is_range_by_date (range_column, sort))
    *ids_out = collect_by_date (store, range_column, binds, descending, n, error);
  _ks_store_unlock (store);
  return n;
}

static guint
count_rows (KsRecordList *self)
{
  GError *error = NULL;
  guint n;

  g_clear_pointer (&self->ids, g_array_unref);
  n = query_count (self->store, self->where, self->binds, self->range_column, self->sort,
                   self->descending, &self->ids, &error);

  set_error (self, error);
  return n;
}

/* @range_column: (nullable): the column of a search that is the whole filter */
static char *
build_page_sql (const char  *where,
                const char  *where_scan,
                const char  *range_column,
                guint        n_items,
                KsRecordSort sort,
                gboolean     descending)
{
  GString *sql = g_string_new ("SELECT id FROM records ");
  const char *direction = descending ? " DESC" : "";
  gboolean in_date_index = is_range_by_date (range_column, sort);

  g_string_append (sql, n_items > (in_date_index ? BROAD_SEARCH_BY_DATE : BROAD_SEARCH)
                          ? where_scan : where);
  g_string_append (sql, " ORDER BY ");
  for (guint i = 0; sort_columns[sort][i] != NULL; i++)
    g_string_append_printf (sql, "%s%s%s", i ? ", " : "", sort_columns[sort][i], direction);
  g_string_append_printf (sql, " LIMIT %d OFFSET ?", PAGE_SIZE);
  return g_string_free (sql, FALSE);
}

static void
rebuild_page_sql (KsRecordList *self)
{
  g_free (self->page_sql);
  self->page_sql = build_page_sql (self->where, self->where_scan, self->range_column,
                                   self->n_items, self->sort, self->descending);
}

/**
 * ks_record_list_refresh:
 *
 * Reads the list again, after records were decided or submitted: counts again and tells the
 * view that every row may have changed.
 */
void
ks_record_list_refresh (KsRecordList *self)
{
  guint old_n;

  g_return_if_fail (KS_IS_RECORD_LIST (self));

  old_n = self->n_items;
  drop_pages (self);
  self->n_items = count_rows (self);
  rebuild_page_sql (self);
  if (old_n != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
}

KsRecordList *
ks_record_list_new (KsStore *store)
{
  KsRecordList *self;

  g_return_val_if_fail (KS_IS_STORE (store), NULL);

  self = g_object_new (KS_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  self->n_items = count_rows (self);
  rebuild_page_sql (self);
  return self;
}

void
ks_record_list_set_sort (KsRecordList *self,
                         KsRecordSort  sort,
                         gboolean      descending)
{
  g_return_if_fail (KS_IS_RECORD_LIST (self));
  g_return_if_fail (sort <= KS_RECORD_SORT_STATE);

  if (self->sort == sort && self->descending == !!descending)
    return;
  self->sort = sort;
  self->descending = !!descending;
  /* A filter still being read was planned for the old order. */
  self->generation++;
  ks_record_list_refresh (self);
}

KsRecordSort
ks_record_list_get_sort (KsRecordList *self,
                         gboolean     *descending)
{
  g_return_val_if_fail (KS_IS_RECORD_LIST (self), KS_RECORD_SORT_SUBMITTED_AT);

  if (descending != NULL)
    *descending = self->descending;
  return self->sort;
}

static void
add_text (GArray     *binds,
          const char *text)
{
  Bind bind = { g_strdup (text), 0 };
  g_array_append_val (binds, bind);
}

static void
add_number (GArray *binds,
            gint64  number)
{
  Bind bind = { NULL, number };
  g_array_append_val (binds, bind);
}

/* A prefix as a range, [prefix, prefix + 0xFF): unlike LIKE it needs no escaping of % and _
 * and uses the index whatever case_sensitive_like says. No UTF-8 text contains the byte 0xFF,
 * so every string starting with the prefix sorts below the upper bound, also under NOCASE
 * (which folds ASCII letters only). */
static char *
prefix_range (const char *column,
              const char *collate,
              gboolean    on_index)
{
  /* A unary + keeps SQLite from using the column's index for the range. */
  if (on_index)
    return g_strdup_printf ("%s%s >= ? AND %s%s < ?", column, collate, column, collate);
  return g_strdup_printf ("(+%s)%s >= ? AND (+%s)%s < ?", column, collate, column, collate);
}

static void
add_prefix (GString    *where,
            GString    *where_scan,
            GArray     *binds,
            const char *column,
            const char *collate,
            const char *prefix)
{
  g_autofree char *upper = g_strconcat (prefix, "\xff", NULL);
  g_autofree char *range = prefix_range (column, collate, TRUE);
  g_autofree char *range_scan = prefix_range (column, collate, FALSE);

  g_string_append_printf (where, " AND %s", range);
  g_string_append_printf (where_scan, " AND %s", range_scan);
  add_text (binds, prefix);
  add_text (binds, upper);
}

/* Whether any record's @column starts with @prefix: one step into the column's index. */
static gboolean
prefix_exists (KsStore    *store,
               const char *column,
               const char *collate,
               const char *prefix)
{
  g_autofree char *range = prefix_range (column, collate, TRUE);
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM records WHERE %s LIMIT 1", range);
  g_autofree char *upper = g_strconcat (prefix, "\xff", NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean found = FALSE;

  _ks_store_lock (store);
  stmt = _ks_store_prepare (store, sql, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
      found = sqlite3_step (stmt) == SQLITE_ROW;
    }
  _ks_store_unlock (store);
  return found;
}

static gboolean
has_non_ascii (const char *text)
{
  for (const char *p = text; *p; p++)
    if ((guchar)*p >= 0x80)
      return TRUE;
  return FALSE;
}

/* What the supervisor typed decides where to look: only digits (dashes and spaces allowed) is
 * a CNIC; letters then digits or a dash is a Khyber Pass ID ("PEW-A01-00"); letters alone are
 * the start of a name or of an ID ("P", "PEW": the district code an ID begins with), looked up
 * in both indexes; anything else is a name, in Urdu script when it is not ASCII.
 * @range_column: set to the column (and collation) searched when the search is one prefix. */
static void
add_search (KsStore    *store,
            GString    *where,
            GString    *where_scan,
            GArray     *binds,
            const char *search,
            char      **range_column)
{
  g_autofree char *text = g_strstrip (g_strdup (search));
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean only_digits = TRUE;
  gboolean only_letters = TRUE;
  gboolean has_id_chars = FALSE;

  if (*text == '\0')
    return;
  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        {
          g_string_append_c (digits, *p);
          has_id_chars = TRUE;
        }
      else if (*p == '-')
        has_id_chars = TRUE;
      else if (*p != ' ')
        only_digits = FALSE;
      if (!g_ascii_isalpha (*p))
        only_letters = FALSE;
    }

  if (only_digits && digits->len > 0)
    {
      add_prefix (where, where_scan, binds, "cnic", "", digits->str);
      *range_column = g_strdup ("cnic");
    }
  else if (g_ascii_isalpha (*text) && has_id_chars)
    {
      g_autofree char *id = g_ascii_strup (text, -1);
      add_prefix (where, where_scan, binds, "kp_id", "", id);
      *range_column = g_strdup ("kp_id");
    }
  else if (only_letters)
    {
      g_autofree char *id = g_ascii_strup (text, -1);
      gboolean ids = prefix_exists (store, "kp_id", "", id);
      gboolean names = prefix_exists (store, "full_name", " COLLATE NOCASE", text);

      if (ids && names)
        {
          /* Both: each side reads its own index (SQLite's OR by index). */
          g_autofree char *name_range = prefix_range ("full_name", " COLLATE NOCASE", TRUE);
          g_autofree char *id_range = prefix_range ("kp_id", "", TRUE);
          g_autofree char *name_scan = prefix_range ("full_name", " COLLATE NOCASE", FALSE);
          g_autofree char *id_scan = prefix_range ("kp_id", "", FALSE);
          g_autofree char *name_upper = g_strconcat (text, "\xff", NULL);
          g_autofree char *id_upper = g_strconcat (id, "\xff", NULL);

          g_string_append_printf (where, " AND ((%s) OR (%s))", name_range, id_range);
          g_string_append_printf (where_scan, " AND ((%s) OR (%s))", name_scan, id_scan);
          add_text (binds, text);
          add_text (binds, name_upper);
          add_text (binds, id);
          add_text (binds, id_upper);
        }
      else if (ids)
        {
          add_prefix (where, where_scan, binds, "kp_id", "", id);
          *range_column = g_strdup ("kp_id");
        }
      else
        {
          add_prefix (where, where_scan, binds, "full_name", " COLLATE NOCASE", text);
          *range_column = g_strdup ("full_name COLLATE NOCASE");
        }
    }
  else if (has_non_ascii (text))
    {
      add_prefix (where, where_scan, binds, "full_name_ur", "", text);
      *range_column = g_strdup ("full_name_ur");
    }
  else
    {
      add_prefix (where, where_scan, binds, "full_name", " COLLATE NOCASE", text);
      *range_column = g_strdup ("full_name COLLATE NOCASE");
    }
}

/**
 * ks_record_list_set_filter:
 * @filter: (nullable): which records to show; %NULL shows all
 *
 * Changes which records the list shows, and reads it again.
 */
/* The WHERE clauses of @filter (as it is and with the search kept off its index) and the
 * values of their placeholders. */
static void
build_filter (KsStore              *store,
              const KsRecordFilter *filter,
              char                **where_out,
              char                **where_scan_out,
              GArray               *binds,
              char                **range_out)
{
  g_autoptr(GString) where = g_string_new ("WHERE 1");
  g_autoptr(GString) where_scan = NULL;
  g_autofree char *range_column = NULL;

  if (filter != NULL)
    {
      if (filter->state != 0)
        {
          g_string_append (where, " AND state = ?");
          add_text (binds, ks_record_state_to_string (filter->state));
        }
      if (filter->decision != 0)
        {
          g_string_append (where, " AND decision = ?");
          add_text (binds, ks_record_state_to_string (filter->decision));
        }
      if (filter->district != NULL && *filter->district != '\0')
        {
          g_string_append (where, " AND district = ?");
          add_text (binds, filter->district);
        }
      if (filter->operator != NULL && *filter->operator != '\0')
        {
          g_string_append (where, " AND operator = ?");
          add_text (binds, filter->operator);
        }
      if (filter->submitted_from > 0)
        {
          g_string_append (where, " AND submitted_at >= ?");
          add_number (binds, filter->submitted_from);
        }
      if (filter->submitted_until > 0)
        {
          g_string_append (where, " AND submitted_at < ?");
          add_number (binds, filter->submitted_until);
        }
      where_scan = g_string_new (where->str);
      if (filter->search != NULL)
        add_search (store, where, where_scan, binds, filter->search, &range_column);
    }

  /* The search alone, as one range: query_count() may count around it. */
  *range_out = range_column != NULL && binds->len == 2 ? g_steal_pointer (&range_column) : NULL;

  *where_out = binds->len > 0 ? g_string_free (g_steal_pointer (&where), FALSE) : g_strdup ("");
  *where_scan_out = binds->len > 0 ? g_string_free (g_steal_pointer (&where_scan), FALSE)
                                   : g_strdup ("");
}

static GArray *
binds_new (void)
{
  GArray *binds = g_array_new (FALSE, TRUE, sizeof (Bind));

  g_array_set_clear_func (binds, bind_clear);
  return binds;
}

/**
 * ks_record_list_set_filter:
 * @filter: (nullable): which records to show; %NULL shows all
 *
 * Changes which records the list shows, and reads it again, here and now. The UI uses
 * ks_record_list_set_filter_async() instead.
 */
void
ks_record_list_set_filter (KsRecordList         *self,
                           const KsRecordFilter *filter)
{
  g_return_if_fail (KS_IS_RECORD_LIST (self));

  /* A filter set now wins over any still being read. */
  self->generation++;
  g_array_set_size (self->binds, 0);
  g_free (self->where);
  g_free (self->where_scan);
  g_free (self->range_column);
  build_filter (self->store, filter, &self->where, &self->where_scan, self->binds,
                &self->range_column);
  ks_record_list_refresh (self);
}

/* A new filter, read in a worker: its count and first page. The WHERE clause is built there
 * too, since a search of letters alone looks into the indexes to know what it is. */
typedef struct
{
  KsStore *store;
  KsRecordFilter filter;       /* a copy: its strings are owned */
  char *where;
  char *where_scan;
  GArray *binds;
  char *range_column;
  KsRecordSort sort;
  gboolean descending;
  guint generation;
  guint n_items;
  char *page_sql;
  GArray *ids;
  GPtrArray *first_page;
} FilterQuery;

static void
filter_query_free (FilterQuery *query)
{
  g_clear_object (&query->store);
  g_free ((char *)query->filter.district);
  g_free ((char *)query->filter.operator);
  g_free ((char *)query->filter.search);
  g_free (query->where);
  g_free (query->where_scan);
  g_clear_pointer (&query->binds, g_array_unref);
  g_free (query->range_column);
  g_free (query->page_sql);
  g_clear_pointer (&query->ids, g_array_unref);
  g_clear_pointer (&query->first_page, g_ptr_array_unref);
  g_free (query);
}

static void
filter_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FilterQuery *query = task_data;
  GError *error = NULL;

  build_filter (query->store, &query->filter, &query->where, &query->where_scan, query->binds,
                &query->range_column);
  query->n_items = query_count (query->store, query->where, query->binds, query->range_column,
                                query->sort, query->descending, &query->ids, &error);
  if (error == NULL)
    {
      query->page_sql = build_page_sql (query->where, query->where_scan, query->range_column,
                                        query->n_items, query->sort, query->descending);
      query->first_page = query_page (query->store, query->page_sql, query->binds, query->ids, 0,
                                      &error);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Reads @filter's count and first page in a worker; install_filter() then shows them. */
static void
start_filter (KsRecordList         *self,
              const KsRecordFilter *filter,
              GCancellable         *cancellable,
              GAsyncReadyCallback   callback,
              gpointer              user_data,
              gpointer              source_tag)
{
  g_autoptr(GTask) task = NULL;
  FilterQuery *query;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  query = g_new0 (FilterQuery, 1);
  query->store = g_object_ref (self->store);
  query->binds = binds_new ();
  if (filter != NULL)
    {
      query->filter = *filter;
      query->filter.district = g_strdup (filter->district);
      query->filter.operator = g_strdup (filter->operator);
      query->filter.search = g_strdup (filter->search);
    }
  query->sort = self->sort;
  query->descending = self->descending;
  query->generation = ++self->generation;
  g_task_set_task_data (task, query, (GDestroyNotify)filter_query_free);
  g_task_run_in_thread (task, filter_thread);
}

/* Installs what filter_thread read, unless a newer filter or sort came meanwhile. */
static gboolean
install_filter (KsRecordList *self,
                GAsyncResult *result,
                GError      **error)
{
  FilterQuery *query = g_task_get_task_data (G_TASK (result));
  guint old_n;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (query->generation != self->generation)
    return TRUE;

  old_n = self->n_items;
  drop_pages (self);
  g_free (self->where);
  g_free (self->where_scan);
  g_free (self->page_sql);
  g_array_unref (self->binds);
  self->where = g_steal_pointer (&query->where);
  self->where_scan = g_steal_pointer (&query->where_scan);
  self->binds = g_steal_pointer (&query->binds);
  g_free (self->range_column);
  self->range_column = g_steal_pointer (&query->range_column);
  self->page_sql = g_steal_pointer (&query->page_sql);
  g_clear_pointer (&self->ids, g_array_unref);
  self->ids = g_steal_pointer (&query->ids);
  self->n_items = query->n_items;
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), g_steal_pointer (&query->first_page));
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (0));
  set_error (self, NULL);
  if (old_n != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  return TRUE;
}

/**
 * ks_record_list_set_filter_async:
 * @filter: (nullable): which records to show; copied, so it may go once this returns
 *
 * Like ks_record_list_set_filter(), but counts and reads the first page in a worker thread,
 * so typing in the search never waits for SQLite. The list keeps showing the previous
 * results until the new ones are in; a newer filter (or sort) makes an older one that is
 * still running come to nothing.
 */
void
ks_record_list_set_filter_async (KsRecordList         *self,
                                 const KsRecordFilter *filter,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data)
{
  g_return_if_fail (KS_IS_RECORD_LIST (self));

  start_filter (self, filter, cancellable, callback, user_data,
                ks_record_list_set_filter_async);
}

/**
 * ks_record_list_set_filter_finish:
 *
 * Installs the filter's results (unless a newer filter or sort came meanwhile) and tells
 * the view.
 *
 * Returns: %FALSE with @error set if the store could not be read
 */
gboolean
ks_record_list_set_filter_finish (KsRecordList *self,
                                  GAsyncResult *result,
                                  GError      **error)
{
  g_return_val_if_fail (KS_IS_RECORD_LIST (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return install_filter (self, result, error);
}

/**
 * ks_record_list_new_async:
 * @filter: (nullable): which records to show; copied, so it may go once this returns
 *
 * Like ks_record_list_new() followed by ks_record_list_set_filter(), but counts and reads the
 * first page in a worker thread: the review page never waits for SQLite when it opens.
 */
void
ks_record_list_new_async (KsStore              *store,
                          const KsRecordFilter *filter,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  g_autoptr(KsRecordList) self = NULL;

  g_return_if_fail (KS_IS_STORE (store));

  self = g_object_new (KS_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  start_filter (self, filter, cancellable, callback, user_data, ks_record_list_new_async);
}

/**
 * ks_record_list_new_finish:
 *
 * Returns: (transfer full): the list, its count and first page read, or %NULL with @error set
 */
KsRecordList *
ks_record_list_new_finish (GAsyncResult *result,
                           GError      **error)
{
  KsRecordList *self;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  self = g_task_get_source_object (G_TASK (result));
  g_return_val_if_fail (KS_IS_RECORD_LIST (self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ks_record_list_new_async, NULL);

  if (!install_filter (self, result, error))
    return NULL;
  return g_object_ref (self);
}

/**
 * ks_record_list_get_error:
 *
 * Returns: (nullable): why the last read of the store failed, for the view to show; %NULL
 *   when it worked
 */
const GError *
ks_record_list_get_error (KsRecordList *self)
{
  g_return_val_if_fail (KS_IS_RECORD_LIST (self), NULL);
  return self->error;
}

/**
 * ks_record_list_get_n_cached:
 *
 * Returns: how many rows the model holds in memory now; tests check that it stays bounded
 */
guint
ks_record_list_get_n_cached (KsRecordList *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (KS_IS_RECORD_LIST (self), 0);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((GPtrArray *)value)->len;
  return n;
}
