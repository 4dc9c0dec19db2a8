/* ippyo — step 4: review. */
#include "ippyo-review-page.h"

#include "i18n.h"

struct _IppyoReviewPage {
	AdwBin parent_instance;

	AdwPreferencesGroup *choices_group;
	GtkStack *code_stack;
	GtkSpinner *spinner;
	GtkLabel *code_label;
	GtkLabel *revote_label;
	GtkWidget *cast_button;

	GPtrArray *rows;
};

G_DEFINE_FINAL_TYPE(IppyoReviewPage, ippyo_review_page, ADW_TYPE_BIN)

static void
ippyo_review_page_dispose(GObject *object)
{
	IppyoReviewPage *self = IPPYO_REVIEW_PAGE(object);

	g_clear_pointer(&self->rows, g_ptr_array_unref);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_REVIEW_PAGE);
	G_OBJECT_CLASS(ippyo_review_page_parent_class)->dispose(object);
}

static void
ippyo_review_page_class_init(IppyoReviewPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->dispose = ippyo_review_page_dispose;
	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-review-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, choices_group);
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, code_stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, code_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, revote_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoReviewPage, cast_button);
}

static void
ippyo_review_page_init(IppyoReviewPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->rows = g_ptr_array_new();
	ippyo_review_page_set_tracking_code(self, NULL);
}

void
ippyo_review_page_set_choices(IppyoReviewPage *self, const char *const *contest_titles,
    const char *const *choices)
{
	guint i;

	g_return_if_fail(IPPYO_IS_REVIEW_PAGE(self));
	for (i = 0; i < self->rows->len; i++)
		adw_preferences_group_remove(self->choices_group, g_ptr_array_index(self->rows, i));
	g_ptr_array_set_size(self->rows, 0);
	for (i = 0; contest_titles[i] != NULL && choices[i] != NULL; i++) {
		GtkWidget *row = adw_action_row_new();

		adw_preferences_row_set_use_markup(ADW_PREFERENCES_ROW(row), FALSE);
		adw_preferences_row_set_title(ADW_PREFERENCES_ROW(row), contest_titles[i]);
		adw_action_row_set_subtitle(ADW_ACTION_ROW(row), choices[i]);
		gtk_widget_add_css_class(row, "property");
		adw_preferences_group_add(self->choices_group, row);
		g_ptr_array_add(self->rows, row);
	}
}

void
ippyo_review_page_set_tracking_code(IppyoReviewPage *self, const char *code)
{
	g_return_if_fail(IPPYO_IS_REVIEW_PAGE(self));
	gtk_label_set_text(self->code_label, code != NULL ? code : "");
	gtk_stack_set_visible_child_name(self->code_stack, code != NULL ? "code" : "busy");
	gtk_spinner_set_spinning(self->spinner, code == NULL);
	if (code != NULL)
		gtk_widget_grab_focus(self->cast_button);
}

void
ippyo_review_page_set_revote(IppyoReviewPage *self, gboolean revote)
{
	g_return_if_fail(IPPYO_IS_REVIEW_PAGE(self));
	gtk_widget_set_visible(GTK_WIDGET(self->revote_label), revote);
}

/* The focus back on Cast Ballot (it left while Cast was insensitive). */
void
ippyo_review_page_focus_cast(IppyoReviewPage *self)
{
	g_return_if_fail(IPPYO_IS_REVIEW_PAGE(self));
	gtk_widget_grab_focus(self->cast_button);
}
