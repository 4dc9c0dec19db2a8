/* ippyo — step 1: open an election. */
#include "ippyo-election-page.h"

#include "i18n.h"

struct _IppyoElectionPage {
	AdwBin parent_instance;

	GtkStack *stack;
	AdwEntryRow *address_row;
	GtkLabel *error_label;
	GtkStack *open_stack;
	GtkSpinner *spinner;
	GtkLabel *title_label;
	AdwActionRow *state_row;
	AdwActionRow *opens_row;
	AdwActionRow *closes_row;
	AdwPreferencesGroup *contests_group;
	GtkLabel *revote_label;
	GtkWidget *vote_button;
	GtkWidget *check_button;

	GPtrArray *contest_rows;
	IppyoPollState state;
	gboolean voted;
};

G_DEFINE_FINAL_TYPE(IppyoElectionPage, ippyo_election_page, ADW_TYPE_BIN)

static void
address_activated_cb(IppyoElectionPage *self)
{
	gtk_widget_activate_action(GTK_WIDGET(self), "win.open-election", NULL);
}

static void
update_voted(IppyoElectionPage *self)
{
	gtk_widget_set_visible(GTK_WIDGET(self->revote_label),
	    self->voted && self->state == IPPYO_POLL_OPEN);
	gtk_widget_set_visible(self->check_button, self->voted);
	gtk_button_set_label(GTK_BUTTON(self->vote_button),
	    self->voted ? _("_Vote Again") : _("_Vote"));
}

static void
ippyo_election_page_dispose(GObject *object)
{
	IppyoElectionPage *self = IPPYO_ELECTION_PAGE(object);

	g_clear_pointer(&self->contest_rows, g_ptr_array_unref);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_ELECTION_PAGE);
	G_OBJECT_CLASS(ippyo_election_page_parent_class)->dispose(object);
}

static void
ippyo_election_page_class_init(IppyoElectionPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->dispose = ippyo_election_page_dispose;
	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-election-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, address_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, error_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, open_stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, title_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, state_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, opens_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, closes_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, contests_group);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, revote_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, vote_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoElectionPage, check_button);
	gtk_widget_class_bind_template_callback(widget_class, address_activated_cb);
}

static void
ippyo_election_page_init(IppyoElectionPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->contest_rows = g_ptr_array_new();
}

const char *
ippyo_election_page_get_address(IppyoElectionPage *self)
{
	g_return_val_if_fail(IPPYO_IS_ELECTION_PAGE(self), NULL);
	return gtk_editable_get_text(GTK_EDITABLE(self->address_row));
}

void
ippyo_election_page_set_address(IppyoElectionPage *self, const char *address)
{
	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));
	gtk_editable_set_text(GTK_EDITABLE(self->address_row), address != NULL ? address : "");
}

void
ippyo_election_page_set_busy(IppyoElectionPage *self, gboolean busy)
{
	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));
	gtk_stack_set_visible_child_name(self->open_stack, busy ? "busy" : "button");
	gtk_spinner_set_spinning(self->spinner, busy);
	/* Not insensitive: a focused text losing its sensitivity upsets GTK 4.8. */
	gtk_editable_set_editable(GTK_EDITABLE(self->address_row), !busy);
}

void
ippyo_election_page_set_error(IppyoElectionPage *self, const char *message)
{
	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));
	gtk_label_set_text(self->error_label, message != NULL ? message : "");
	gtk_widget_set_visible(GTK_WIDGET(self->error_label), message != NULL);
}

void
ippyo_election_page_show_election(IppyoElectionPage *self, const char *title,
    const char *opens, const char *closes, IppyoPollState state,
    const char *const *contest_titles)
{
	guint i;

	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));

	gtk_label_set_text(self->title_label, title);
	adw_action_row_set_subtitle(self->opens_row, opens);
	adw_action_row_set_subtitle(self->closes_row, closes);
	switch (state) {
	case IPPYO_POLL_NOT_OPEN_YET:
		adw_action_row_set_subtitle(self->state_row,
		    _("Not open yet. Come back when the poll opens."));
		break;
	case IPPYO_POLL_OPEN:
		adw_action_row_set_subtitle(self->state_row, _("Open: you can vote now."));
		break;
	case IPPYO_POLL_CLOSED:
		adw_action_row_set_subtitle(self->state_row,
		    _("Closed. You can still check that your ballot was recorded."));
		break;
	}
	self->state = state;
	gtk_widget_set_sensitive(self->vote_button, state == IPPYO_POLL_OPEN);

	for (i = 0; i < self->contest_rows->len; i++)
		adw_preferences_group_remove(self->contests_group,
		    g_ptr_array_index(self->contest_rows, i));
	g_ptr_array_set_size(self->contest_rows, 0);
	for (i = 0; contest_titles != NULL && contest_titles[i] != NULL; i++) {
		GtkWidget *row = adw_action_row_new();

		adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
		adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), contest_titles[i]);
		adw_preferences_group_add(self->contests_group, row);
		g_ptr_array_add(self->contest_rows, row);
	}
	update_voted(self);
	gtk_stack_set_visible_child_name(self->stack, "election");
	if (state == IPPYO_POLL_OPEN)
		gtk_widget_grab_focus(self->vote_button);
}

void
ippyo_election_page_show_open(IppyoElectionPage *self)
{
	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));
	ippyo_election_page_set_busy(self, FALSE);
	gtk_stack_set_visible_child_name(self->stack, "open");
	gtk_widget_grab_focus(GTK_WIDGET(self->address_row));
}

void
ippyo_election_page_set_voted(IppyoElectionPage *self, gboolean voted)
{
	g_return_if_fail(IPPYO_IS_ELECTION_PAGE(self));
	self->voted = voted;
	update_voted(self);
}
