/* ks-registry-commit.c: group commit for the reference registry
 *
 * A batch is durable once its transaction's commit has reached the disk (SQLite's WAL with
 * synchronous=FULL: one fsync), and a station may count a record as delivered only from an
 * answer sent after that. One commit per batch makes every batch wait for its own fsync; here
 * the requests that arrive together share one transaction and one commit instead:
 *
 *   ks_registry_commit_join()   opens the group's transaction, unless one is open already;
 *   (the handler judges and stores its records in it)
 *   ks_registry_commit_add()    holds the request's answer back (the message is paused);
 *   ks_registry_commit_flush()  commits, then releases every held answer; when the commit
 *                               fails, every request of the group gets HTTP 500 instead and
 *                               nothing of the group is stored (the stations send it again).
 *
 * The flush runs from an idle source: once the main loop has handled every request that was
 * ready, so the group is as large as the load makes it (one request when the registry is
 * idle, many when it is busy) without a fixed delay; and at once when a group reaches
 * MAX_GROUP requests or has waited MAX_GROUP_MS. Anything else that writes to the store
 * flushes first, so the group's transaction never holds foreign work, and a status query joins
 * the group like a batch: it reads what the group stored, so it is answered only once that is
 * durable too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-registry"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "ks-registry-commit.h"

#define MAX_GROUP 64
#define MAX_GROUP_MS 50

struct _KsRegistryCommit
{
  KsRegistryStore *store;   /* borrowed */
  gboolean open;
  gint64 opened_at;
  GPtrArray *held;          /* (element-type Held) */
  guint flush_source;
};

typedef struct
{
  SoupServerMessage *msg;
  char *json;
} Held;

static void
held_free (Held *held)
{
  g_object_unref (held->msg);
  g_free (held->json);
  g_free (held);
}

KsRegistryCommit *
ks_registry_commit_new (KsRegistryStore *store)
{
  KsRegistryCommit *self = g_new0 (KsRegistryCommit, 1);

  self->store = store;
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)held_free);
  return self;
}

void
ks_registry_commit_free (KsRegistryCommit *self)
{
  if (self == NULL)
    return;
  ks_registry_commit_flush (self);
  g_ptr_array_unref (self->held);
  g_free (self);
}

/* Opens the group's transaction when none is open. */
gboolean
ks_registry_commit_join (KsRegistryCommit *self,
                         GError          **error)
{
  if (self->open)
    return TRUE;
  if (!self->store->vtable->begin (self->store, error))
    return FALSE;
  self->open = TRUE;
  self->opened_at = g_get_monotonic_time ();
  return TRUE;
}

static void
answer_failure (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  gsize len;
  char *data;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_add_string_value (b, "internal");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "The registry could not store the batch.");
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, 500, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

/* Answers every held request: with its own answer when @durable, else with HTTP 500. */
static void
release (KsRegistryCommit *self,
         gboolean          durable)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);

  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify)held_free);
  self->open = FALSE;
  for (guint i = 0; i < held->len; i++)
    {
      Held *h = g_ptr_array_index (held, i);

      if (durable)
        {
          gsize len = strlen (h->json);

          soup_server_message_set_status (h->msg, 200, NULL);
          soup_server_message_set_response (h->msg, "application/json", SOUP_MEMORY_TAKE,
                                            g_steal_pointer (&h->json), len);
        }
      else
        answer_failure (h->msg);
      soup_server_message_unpause (h->msg);
    }
}

void
ks_registry_commit_flush (KsRegistryCommit *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (!self->open)
    return;
  if (!self->store->vtable->commit (self->store, &error))
    {
      g_printerr ("khyber-registry: %s\n", error->message);
      self->store->vtable->rollback (self->store);
      release (self, FALSE);
      return;
    }
  release (self, TRUE);
}

/* Storage failed inside the group: nothing of it is kept, and nobody is told otherwise. */
void
ks_registry_commit_abort (KsRegistryCommit *self)
{
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (!self->open)
    return;
  self->store->vtable->rollback (self->store);
  release (self, FALSE);
}

static gboolean
flush_idle (gpointer data)
{
  KsRegistryCommit *self = data;

  self->flush_source = 0;
  ks_registry_commit_flush (self);
  return G_SOURCE_REMOVE;
}

/* Holds @msg's answer (@json, taken) until the group is durable. */
void
ks_registry_commit_add (KsRegistryCommit  *self,
                        SoupServerMessage *msg,
                        char              *json)
{
  Held *held = g_new0 (Held, 1);

  g_return_if_fail (self->open);

  held->msg = g_object_ref (msg);
  held->json = json;
  g_ptr_array_add (self->held, held);
  soup_server_message_pause (msg);
  if (self->held->len >= MAX_GROUP
      || g_get_monotonic_time () - self->opened_at > MAX_GROUP_MS * 1000)
    ks_registry_commit_flush (self);
  else if (self->flush_source == 0)
    self->flush_source = g_idle_add (flush_idle, self);
}
