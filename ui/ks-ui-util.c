/* ks-ui-util.c: small helpers the pages share: district and tehsil pickers
 *
 * Pickers are GtkDropDowns with search, not AdwComboRows: libadwaita 1.2's combo row has no
 * search, and an operator picks one of 36 districts fastest by typing its first letters. The
 * first item is a "Choose…" placeholder, so nothing is chosen for the operator by accident.
 * Codes ride along as object data on the string items.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "ks-ui-util"

#include "config.h"

#include <glib/gi18n.h>

#include "ks-ui-util.h"

typedef struct
{
  GString *typed;
  gint64 last_key;
} TypeAhead;

static void
type_ahead_free (TypeAhead *ta)
{
  g_string_free (ta->typed, TRUE);
  g_free (ta);
}

/* Picks the first item whose name starts with what was typed in the last second. */
static gboolean
on_drop_down_key (GtkEventControllerKey *controller,
                  guint                  keyval,
                  guint                  keycode,
                  GdkModifierType        state,
                  GtkDropDown           *drop_down)
{
  TypeAhead *ta = g_object_get_data (G_OBJECT (drop_down), "type-ahead");
  GListModel *model = gtk_drop_down_get_model (drop_down);
  guint n = g_list_model_get_n_items (model);
  guint selected = gtk_drop_down_get_selected (drop_down);
  gunichar c = gdk_keyval_to_unicode (keyval);
  gint64 now = g_get_monotonic_time ();

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return GDK_EVENT_PROPAGATE;

  /* Enter takes the item shown (typed or moved to) and goes on, as Enter in a text field
   * does: the page's "picker.chosen" action when it has one (the last field of a step goes to
   * the next step), else the next field. On "Choose…" it opens the list, as before. */
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter)
    {
      GtkWidget *widget = GTK_WIDGET (drop_down);
      GtkRoot *root = gtk_widget_get_root (widget);

      if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
        return GDK_EVENT_PROPAGATE;
      g_string_truncate (ta->typed, 0);
      if (!gtk_widget_activate_action (widget, "picker.chosen", NULL) && root != NULL)
        gtk_widget_child_focus (GTK_WIDGET (root), GTK_DIR_TAB_FORWARD);
      return GDK_EVENT_STOP;
    }

  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      if (selected + 1 < n)
        gtk_drop_down_set_selected (drop_down, selected + 1);
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    {
      if (selected > 0 && selected != GTK_INVALID_LIST_POSITION)
        gtk_drop_down_set_selected (drop_down, selected - 1);
      return GDK_EVENT_STOP;
    }
  if (c == 0 || !g_unichar_isprint (c) || (c == ' ' && ta->typed->len == 0))
    return GDK_EVENT_PROPAGATE;

  if (now - ta->last_key > G_USEC_PER_SEC)
    g_string_truncate (ta->typed, 0);
  ta->last_key = now;
  g_string_append_unichar (ta->typed, c);

  for (guint i = 1; i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
      g_autofree char *name = g_utf8_casefold (gtk_string_object_get_string (item), -1);
      g_autofree char *prefix = g_utf8_casefold (ta->typed->str, -1);

      if (g_str_has_prefix (name, prefix))
        {
          gtk_drop_down_set_selected (drop_down, i);
          break;
        }
    }
  return GDK_EVENT_STOP;
}

/* Takes @model: gtk_drop_down_new() owns what it is given.
 *
 * Besides the pop-up list with its search, the closed picker takes type-ahead (typing "Pesh"
 * picks Peshawar) and Up/Down, so an operator never needs the mouse or the pop-up. */
static GtkDropDown *
searchable_drop_down (GtkStringList *model)
{
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  GtkWidget *drop_down = gtk_drop_down_new (G_LIST_MODEL (model), expression);
  GtkEventController *key = gtk_event_controller_key_new ();
  TypeAhead *ta = g_new0 (TypeAhead, 1);

  ta->typed = g_string_new (NULL);
  g_object_set_data_full (G_OBJECT (drop_down), "type-ahead", ta, (GDestroyNotify)type_ahead_free);
  gtk_event_controller_set_propagation_phase (key, GTK_PHASE_CAPTURE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_drop_down_key), drop_down);
  gtk_widget_add_controller (drop_down, key);

  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (drop_down), TRUE);
  gtk_widget_set_valign (drop_down, GTK_ALIGN_CENTER);
  return GTK_DROP_DOWN (drop_down);
}

static void
append_item (GtkStringList *model,
             const char    *label,
             const char    *code)
{
  GObject *item;

  gtk_string_list_append (model, label);
  item = g_list_model_get_item (G_LIST_MODEL (model),
                                g_list_model_get_n_items (G_LIST_MODEL (model)) - 1);
  g_object_set_data_full (item, "code", g_strdup (code), g_free);
  g_object_unref (item);
}

static const char *
selected_code (GtkDropDown *drop_down)
{
  GObject *item = gtk_drop_down_get_selected_item (drop_down);
  const char *code = item ? g_object_get_data (item, "code") : NULL;

  return code ? code : "";
}

static void
select_code (GtkDropDown *drop_down,
             const char  *code)
{
  GListModel *model = gtk_drop_down_get_model (drop_down);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      const char *item_code = g_object_get_data (item, "code");

      if (g_strcmp0 (item_code ? item_code : "", code ? code : "") == 0)
        {
          gtk_drop_down_set_selected (drop_down, i);
          return;
        }
    }
  gtk_drop_down_set_selected (drop_down, 0);
}

/* A place in the screen's language; under Urdu or Pashto the English name follows, so typing
 * "Pesh" still finds پېښور (Peshawar) and the operator can match an English form. */
static char *
place_label (const char *local,
             const char *name_en)
{
  if (g_strcmp0 (local, name_en) == 0)
    return g_strdup (name_en);
  return g_strdup_printf ("%s (%s)", local, name_en);
}

GtkDropDown *
ks_district_drop_down_new (KsReference *reference)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GPtrArray *districts = ks_reference_get_districts (reference);

  append_item (model, _("Choose a district…"), "");
  for (guint i = 0; i < districts->len; i++)
    {
      const KsDistrict *d = districts->pdata[i];
      g_autofree char *label = place_label (ks_district_get_name (d), d->name_en);

      append_item (model, label, d->code);
    }
  return searchable_drop_down (g_steal_pointer (&model));
}

const char *
ks_district_drop_down_get_code (GtkDropDown *drop_down)
{
  return selected_code (drop_down);
}

void
ks_district_drop_down_set_code (GtkDropDown *drop_down,
                                const char  *code)
{
  select_code (drop_down, code);
}

GtkDropDown *
ks_tehsil_drop_down_new (void)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  append_item (model, _("Choose the district first"), "");
  return searchable_drop_down (g_steal_pointer (&model));
}

/**
 * ks_tehsil_drop_down_set_district:
 *
 * Refills the tehsil picker with the tehsils of @district_code, keeping the chosen tehsil
 * when it belongs to that district.
 */
void
ks_tehsil_drop_down_set_district (GtkDropDown *drop_down,
                                  KsReference *reference,
                                  const char  *district_code)
{
  g_autofree char *keep = g_strdup (selected_code (drop_down));
  const KsDistrict *district = ks_reference_lookup_district (reference, district_code);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  if (district == NULL)
    append_item (model, _("Choose the district first"), "");
  else
    {
      append_item (model, _("Choose a tehsil…"), "");
      for (guint i = 0; i < district->tehsils->len; i++)
        {
          const KsTehsil *t = district->tehsils->pdata[i];
          g_autofree char *label = place_label (ks_tehsil_get_name (t), t->name_en);

          append_item (model, label, t->code);
        }
    }
  gtk_drop_down_set_model (drop_down, G_LIST_MODEL (model));
  select_code (drop_down, keep);
}

const char *
ks_tehsil_drop_down_get_code (GtkDropDown *drop_down)
{
  return selected_code (drop_down);
}

void
ks_tehsil_drop_down_set_code (GtkDropDown *drop_down,
                              const char  *code)
{
  select_code (drop_down, code);
}

/**
 * ks_ui_mark_training:
 * @window: a dialog, transient for the station's window
 *
 * On the training profile every window says so, dialogs included: when @window's parent is a
 * training window, @window gets the training banner (as a message dialog's extra child, or
 * under an AdwWindow's header bar) and the `training` style.
 */
static gboolean
drop_focus_on_close_request (GtkWindow *window)
{
  gtk_window_set_focus (window, NULL);
  return GDK_EVENT_PROPAGATE;
}

static void
drop_focus_on_destroy (GtkWindow *window)
{
  gtk_window_set_focus (window, NULL);
}

static void
focus_on_map (GtkWidget *page,
              GtkWidget *first)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  /* Only when the operator just chose the section (the focus is still on the section switcher
   * after Alt+letter, or nowhere): never takes the focus from a field. */
  if (focus != NULL && gtk_widget_get_ancestor (focus, ADW_TYPE_VIEW_SWITCHER) == NULL &&
      gtk_widget_get_ancestor (focus, ADW_TYPE_VIEW_SWITCHER_BAR) == NULL)
    return;
  if (first != NULL && gtk_widget_get_mapped (first))
    gtk_widget_grab_focus (first);
  else
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

/**
 * ks_ui_focus_on_show:
 * @page: a section of the window
 * @first: (nullable): where the keyboard starts in it; %NULL for its first focusable widget
 *
 * When @page is shown by its section switcher (Alt+R in any language), the keyboard moves
 * into it: typing goes to @first instead of to the switcher, five Tabs away.
 */
void
ks_ui_focus_on_show (GtkWidget *page,
                     GtkWidget *first)
{
  g_signal_connect_after (page, "map", G_CALLBACK (focus_on_map), first);
}

/**
 * ks_ui_drop_focus_on_close:
 *
 * Takes the keyboard focus off @window's widgets as it closes or is destroyed, while they are
 * all still alive. libadwaita 1.2's AdwPasswordEntryRow follows its text's #GtkWidget:has-focus
 * without holding a reference to itself: a window closed (Esc) while that text has the focus
 * leaves the text to tell the freed row it lost the focus later, and GTK crashes on the next
 * click ("invalid unclassed pointer in cast to 'GtkEditable'"). Every window with a password
 * row calls this.
 */
void
ks_ui_drop_focus_on_close (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  g_signal_connect (window, "close-request", G_CALLBACK (drop_focus_on_close_request), NULL);
  g_signal_connect (window, "destroy", G_CALLBACK (drop_focus_on_destroy), NULL);
}

static void
unfocus_buttons (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    gtk_widget_set_focusable (widget, FALSE);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    unfocus_buttons (child);
}

/**
 * ks_ui_skip_reveal_buttons:
 *
 * Takes the "show text" button of every password row under @root out of the Tab order: Tab
 * from a password goes on to the next field or button, and characters typed after it are not
 * lost on a button. The button still works with the pointer, and the text's context menu
 * still offers Show Text.
 */
void
ks_ui_skip_reveal_buttons (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (ADW_IS_PASSWORD_ENTRY_ROW (root))
    {
      unfocus_buttons (root);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    ks_ui_skip_reveal_buttons (child);
}

void
ks_ui_mark_training (GtkWindow *window)
{
  GtkWindow *parent;
  GtkWidget *banner;
  GtkWidget *content;

  g_return_if_fail (GTK_IS_WINDOW (window));

  parent = gtk_window_get_transient_for (window);
  if (parent == NULL || !gtk_widget_has_css_class (GTK_WIDGET (parent), "training") ||
      gtk_widget_has_css_class (GTK_WIDGET (window), "training"))
    return;

  gtk_widget_add_css_class (GTK_WIDGET (window), "training");
  banner = gtk_label_new (_("Training station: nothing entered here is real, and nothing leaves "
                            "this computer."));
  gtk_label_set_wrap (GTK_LABEL (banner), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (banner), 40);
  gtk_widget_add_css_class (banner, "training-banner");

  if (ADW_IS_MESSAGE_DIALOG (window))
    {
      if (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (window)) == NULL)
        adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (window), banner);
      else
        g_object_unref (g_object_ref_sink (banner));
      return;
    }

  content = ADW_IS_WINDOW (window) ? adw_window_get_content (ADW_WINDOW (window)) : NULL;
  if (GTK_IS_BOX (content))
    gtk_box_insert_child_after (GTK_BOX (content), banner, gtk_widget_get_first_child (content));
  else
    g_object_unref (g_object_ref_sink (banner));
}

/**
 * ks_ui_toast:
 *
 * A short message in the nearest toast overlay above @widget (the window has one).
 */
void
ks_ui_toast (GtkWidget  *widget,
             const char *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

/**
 * ks_ui_show_error:
 *
 * A message dialog over @widget's window, for what the operator must read before going on.
 */
void
ks_ui_show_error (GtkWidget  *widget,
                  const char *heading,
                  const char *body)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  ks_ui_mark_training (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}
