/* ippyo — step 3: the ballot. */
#include "ippyo-ballot-page.h"

#include "i18n.h"

typedef struct {
	IppyoBallotPage *page;        /* not a reference */
	guint index;
	char *title;
	guint min, max;
	GPtrArray *option_titles;     /* char * */
	GPtrArray *buttons;           /* GtkCheckButton *, one an option */
	GtkWidget *blank_button;      /* one of n with min 0: the "leave blank" radio */
	AdwPreferencesGroup *group;
} Contest;

typedef struct {
	Contest *contest;
	guint option;
} OptionRef;

struct _IppyoBallotPage {
	AdwBin parent_instance;

	AdwPreferencesPage *page;
	GtkLabel *summary_label;

	GPtrArray *contests;          /* Contest * */
	gboolean complete;
	gboolean updating;            /* set_chosen from code: no "changed" */
};

G_DEFINE_FINAL_TYPE(IppyoBallotPage, ippyo_ballot_page, ADW_TYPE_BIN)

enum { PROP_0, PROP_COMPLETE, N_PROPS };
static GParamSpec *properties[N_PROPS];
enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
contest_free(gpointer data)
{
	Contest *c = data;

	g_free(c->title);
	g_ptr_array_unref(c->option_titles);
	g_ptr_array_unref(c->buttons);
	g_free(c);
}

static guint
contest_count(Contest *c)
{
	guint i, n = 0;

	for (i = 0; i < c->buttons->len; i++)
		if (gtk_check_button_get_active(g_ptr_array_index(c->buttons, i)))
			n++;
	return n;
}

static char *
contest_rule(Contest *c)
{
	if (c->max == 1)
		return g_strdup(c->min == 0 ? _("Choose one, or leave it blank.") : _("Choose one."));
	if (c->min == c->max)
		return g_strdup_printf(ngettext("Choose exactly %u.", "Choose exactly %u.",
		    c->max), c->max);
	if (c->min == 0)
		return g_strdup_printf(ngettext("Choose up to %u, or leave it blank.",
		    "Choose up to %u, or leave it blank.", c->max), c->max);
	return g_strdup_printf(_("Choose from %u to %u."), c->min, c->max);
}

static void
contest_update(Contest *c)
{
	g_autofree char *rule = contest_rule(c);
	g_autofree char *description = NULL;
	guint i, n = contest_count(c);

	if (c->max > 1) {
		/* The limit, enforced as the voter clicks: no more than max. */
		for (i = 0; i < c->buttons->len; i++) {
			GtkWidget *b = g_ptr_array_index(c->buttons, i);
			GtkWidget *row = gtk_widget_get_ancestor(b, ADW_TYPE_ACTION_ROW);
			gboolean can = n < c->max || gtk_check_button_get_active(GTK_CHECK_BUTTON(b));

			/* The row for the pointer, the button for screen readers. */
			if (row != NULL)
				gtk_widget_set_sensitive(row, can);
			gtk_widget_set_sensitive(b, can);
		}
		description = g_strdup_printf(ngettext("%s %u chosen.", "%s %u chosen.", n),
		    rule, n);
	} else {
		description = g_steal_pointer(&rule);
	}
	adw_preferences_group_set_description(c->group, description);
}

static char *
contest_choices(Contest *c)
{
	GString *s = g_string_new(NULL);
	guint i;

	for (i = 0; i < c->buttons->len; i++) {
		if (!gtk_check_button_get_active(g_ptr_array_index(c->buttons, i)))
			continue;
		if (s->len > 0)
			/* Translators: between two chosen options */
			g_string_append(s, _(", "));
		g_string_append(s, g_ptr_array_index(c->option_titles, i));
	}
	if (s->len == 0)
		g_string_append(s, _("Blank"));
	return g_string_free(s, FALSE);
}

static void
update_summary(IppyoBallotPage *self)
{
	GString *s = g_string_new(NULL);
	gboolean complete = self->contests->len > 0;
	guint i;

	for (i = 0; i < self->contests->len; i++) {
		Contest *c = g_ptr_array_index(self->contests, i);
		guint n = contest_count(c);

		if (n < c->min) {
			complete = FALSE;
			if (s->len > 0)
				g_string_append_c(s, '\n');
			/* Translators: contest title, then how many more choices it needs */
			g_string_append_printf(s, ngettext("%s: choose %u more.",
			    "%s: choose %u more.", c->min - n), c->title, c->min - n);
		}
	}
	if (complete)
		g_string_append(s, _("Your ballot is complete. Review it before casting."));
	gtk_label_set_text(self->summary_label, s->str);
	g_string_free(s, TRUE);
	if (complete != self->complete) {
		self->complete = complete;
		g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_COMPLETE]);
	}
}

static void
option_toggled_cb(GtkCheckButton *button, OptionRef *ref)
{
	Contest *c = ref->contest;
	IppyoBallotPage *self = c->page;
	gboolean active = gtk_check_button_get_active(button);

	if (c->max > 1 && active && contest_count(c) > c->max) {
		/* Only reachable from the keyboard racing the insensitivity: refuse. */
		gtk_check_button_set_active(button, FALSE);
		return;
	}
	contest_update(c);
	update_summary(self);
	if (!self->updating)
		g_signal_emit(self, signals[SIGNAL_CHANGED], 0, c->index, ref->option, active);
}

static void
ippyo_ballot_page_get_property(GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
	IppyoBallotPage *self = IPPYO_BALLOT_PAGE(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, self->complete);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_ballot_page_dispose(GObject *object)
{
	IppyoBallotPage *self = IPPYO_BALLOT_PAGE(object);

	g_clear_pointer(&self->contests, g_ptr_array_unref);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_BALLOT_PAGE);
	G_OBJECT_CLASS(ippyo_ballot_page_parent_class)->dispose(object);
}

static void
ippyo_ballot_page_class_init(IppyoBallotPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->get_property = ippyo_ballot_page_get_property;
	object_class->dispose = ippyo_ballot_page_dispose;

	properties[PROP_COMPLETE] = g_param_spec_boolean("complete", NULL, NULL, FALSE,
	    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties(object_class, N_PROPS, properties);
	signals[SIGNAL_CHANGED] = g_signal_new("changed", G_TYPE_FROM_CLASS(klass),
	    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
	    G_TYPE_UINT, G_TYPE_UINT, G_TYPE_BOOLEAN);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-ballot-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoBallotPage, page);
	gtk_widget_class_bind_template_child(widget_class, IppyoBallotPage, summary_label);
}

static void
ippyo_ballot_page_init(IppyoBallotPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->contests = g_ptr_array_new_with_free_func(contest_free);
	update_summary(self);
}

void
ippyo_ballot_page_clear(IppyoBallotPage *self)
{
	guint i;

	g_return_if_fail(IPPYO_IS_BALLOT_PAGE(self));
	for (i = 0; i < self->contests->len; i++) {
		Contest *c = g_ptr_array_index(self->contests, i);

		adw_preferences_page_remove(self->page, c->group);
	}
	g_ptr_array_set_size(self->contests, 0);
	update_summary(self);
}

static GtkWidget *
option_row(const char *title, GtkWidget **out_button, gboolean radio, GtkCheckButton *group)
{
	GtkWidget *row = adw_action_row_new();
	/* GTK 4.8 reports grouped check buttons as check boxes: say "radio". */
	GtkWidget *button = g_object_new(GTK_TYPE_CHECK_BUTTON, "accessible-role",
	    radio ? GTK_ACCESSIBLE_ROLE_RADIO : GTK_ACCESSIBLE_ROLE_CHECKBOX, NULL);

	if (group != NULL)
		gtk_check_button_set_group(GTK_CHECK_BUTTON(button), group);
	gtk_widget_set_valign(button, GTK_ALIGN_CENTER);
	gtk_accessible_update_property(GTK_ACCESSIBLE(button),
	    GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
	adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
	adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), title);
	adw_action_row_add_prefix(ADW_ACTION_ROW(row), button);
	adw_action_row_set_activatable_widget(ADW_ACTION_ROW(row), button);
	/* The row names the button by its title too, and GTK 4.8 joins both names. */
	gtk_accessible_reset_relation(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
	*out_button = button;
	return row;
}

void
ippyo_ballot_page_add_contest(IppyoBallotPage *self, const char *title, guint min,
    guint max, const char *const *option_titles)
{
	Contest *c;
	GtkCheckButton *group = NULL;
	guint i;

	g_return_if_fail(IPPYO_IS_BALLOT_PAGE(self));
	g_return_if_fail(title != NULL && option_titles != NULL);
	g_return_if_fail(max >= 1 && min <= max);

	c = g_new0(Contest, 1);
	c->page = self;
	c->index = self->contests->len;
	c->title = g_strdup(title);
	c->min = min;
	c->max = max;
	c->option_titles = g_ptr_array_new_with_free_func(g_free);
	c->buttons = g_ptr_array_new();
	c->group = ADW_PREFERENCES_GROUP(adw_preferences_group_new());
	adw_preferences_group_set_title(c->group, title);
	g_ptr_array_add(self->contests, c);

	for (i = 0; option_titles[i] != NULL; i++) {
		GtkWidget *button, *row;
		OptionRef *ref;

		row = option_row(option_titles[i], &button, max == 1, group);
		if (max == 1 && group == NULL)
			group = GTK_CHECK_BUTTON(button);
		ref = g_new0(OptionRef, 1);
		ref->contest = c;
		ref->option = i;
		g_signal_connect_data(button, "toggled", G_CALLBACK(option_toggled_cb), ref,
		    (GClosureNotify)(void (*)(void))g_free, 0);
		g_ptr_array_add(c->option_titles, g_strdup(option_titles[i]));
		g_ptr_array_add(c->buttons, button);
		adw_preferences_group_add(c->group, row);
	}
	if (max == 1 && min == 0) {
		GtkWidget *row = option_row(_("Leave blank"), &c->blank_button, TRUE, group);

		/* Nothing is chosen yet: the contest is blank, and the page says so. */
		gtk_check_button_set_active(GTK_CHECK_BUTTON(c->blank_button), TRUE);
		adw_preferences_group_add(c->group, row);
	}
	contest_update(c);
	adw_preferences_page_add(self->page, c->group);
	update_summary(self);
}

static Contest *
get_contest(IppyoBallotPage *self, guint contest)
{
	g_return_val_if_fail(IPPYO_IS_BALLOT_PAGE(self), NULL);
	g_return_val_if_fail(contest < self->contests->len, NULL);
	return g_ptr_array_index(self->contests, contest);
}

void
ippyo_ballot_page_set_chosen(IppyoBallotPage *self, guint contest, guint option,
    gboolean chosen)
{
	Contest *c = get_contest(self, contest);

	g_return_if_fail(c != NULL && option < c->buttons->len);
	self->updating = TRUE;
	if (!chosen && c->max == 1 && c->blank_button != NULL)
		gtk_check_button_set_active(GTK_CHECK_BUTTON(c->blank_button), TRUE);
	gtk_check_button_set_active(g_ptr_array_index(c->buttons, option), chosen);
	self->updating = FALSE;
}

gboolean
ippyo_ballot_page_get_chosen(IppyoBallotPage *self, guint contest, guint option)
{
	Contest *c = get_contest(self, contest);

	g_return_val_if_fail(c != NULL && option < c->buttons->len, FALSE);
	return gtk_check_button_get_active(g_ptr_array_index(c->buttons, option));
}

gboolean
ippyo_ballot_page_get_complete(IppyoBallotPage *self)
{
	g_return_val_if_fail(IPPYO_IS_BALLOT_PAGE(self), FALSE);
	return self->complete;
}

guint
ippyo_ballot_page_get_n_contests(IppyoBallotPage *self)
{
	g_return_val_if_fail(IPPYO_IS_BALLOT_PAGE(self), 0);
	return self->contests->len;
}

const char *
ippyo_ballot_page_get_contest_title(IppyoBallotPage *self, guint contest)
{
	Contest *c = get_contest(self, contest);

	return c != NULL ? c->title : NULL;
}

char *
ippyo_ballot_page_dup_contest_choices(IppyoBallotPage *self, guint contest)
{
	Contest *c = get_contest(self, contest);

	return c != NULL ? contest_choices(c) : NULL;
}

char *
ippyo_ballot_page_dup_summary(IppyoBallotPage *self)
{
	GString *s = g_string_new(NULL);
	guint i;

	g_return_val_if_fail(IPPYO_IS_BALLOT_PAGE(self), NULL);
	for (i = 0; i < self->contests->len; i++) {
		Contest *c = g_ptr_array_index(self->contests, i);
		g_autofree char *choices = contest_choices(c);

		if (s->len > 0)
			g_string_append_c(s, '\n');
		/* Translators: contest title, then the choices */
		g_string_append_printf(s, _("%s: %s"), c->title, choices);
	}
	return g_string_free(s, FALSE);
}
