/* ippyo — the submit page. */
#include "ippyo-submit-page.h"

#include "i18n.h"

struct _IppyoSubmitPage {
	AdwBin parent_instance;

	AdwStatusPage *status;
	GtkSpinner *spinner;
	GtkWidget *home_button;
	GtkWidget *resend_button;
};

G_DEFINE_FINAL_TYPE(IppyoSubmitPage, ippyo_submit_page, ADW_TYPE_BIN)

static void
ippyo_submit_page_class_init(IppyoSubmitPageClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-submit-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoSubmitPage, status);
	gtk_widget_class_bind_template_child(widget_class, IppyoSubmitPage, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoSubmitPage, home_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoSubmitPage, resend_button);
}

static void
ippyo_submit_page_init(IppyoSubmitPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

static void
set_description(AdwStatusPage *status, const char *text)
{
	/* The status page's description is Pango markup. */
	g_autofree char *escaped = g_markup_escape_text(text != NULL ? text : "", -1);

	adw_status_page_set_description(status, escaped);
}

void
ippyo_submit_page_set_progress(IppyoSubmitPage *self, const char *message)
{
	g_return_if_fail(IPPYO_IS_SUBMIT_PAGE(self));
	adw_status_page_set_icon_name(self->status, "mail-send-symbolic");
	adw_status_page_set_title(self->status, _("Casting Your Ballot"));
	set_description(self->status, message);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), TRUE);
	gtk_spinner_set_spinning(self->spinner, TRUE);
	gtk_widget_set_visible(self->home_button, FALSE);
	gtk_widget_set_visible(self->resend_button, FALSE);
}

void
ippyo_submit_page_set_failed(IppyoSubmitPage *self, const char *title,
    const char *explanation, gboolean can_resend)
{
	g_return_if_fail(IPPYO_IS_SUBMIT_PAGE(self));
	adw_status_page_set_icon_name(self->status, "dialog-error-symbolic");
	adw_status_page_set_title(self->status, title);
	set_description(self->status, explanation);
	gtk_spinner_set_spinning(self->spinner, FALSE);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), FALSE);
	gtk_widget_set_visible(self->home_button, TRUE);
	gtk_widget_set_visible(self->resend_button, can_resend);
	/* One suggested action: sending again when the ballot is kept. */
	if (can_resend)
		gtk_widget_remove_css_class(self->home_button, "suggested-action");
	else
		gtk_widget_add_css_class(self->home_button, "suggested-action");
	gtk_widget_grab_focus(can_resend ? self->resend_button : self->home_button);
}
