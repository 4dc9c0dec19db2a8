/* ippyo — "check my ballot". */
#include "ippyo-check-page.h"

#include "i18n.h"

struct _IppyoCheckPage {
	AdwBin parent_instance;

	AdwStatusPage *status;
	GtkLabel *detail_label;
	GtkSpinner *spinner;
	GtkWidget *check_button;

	IppyoCheckView view;
};

G_DEFINE_FINAL_TYPE(IppyoCheckPage, ippyo_check_page, ADW_TYPE_BIN)

static const struct {
	IppyoCheckView view;
	const char *icon;
	const char *title;
	const char *description;
} views[] = {
	{ IPPYO_CHECK_VIEW_READY, "system-search-symbolic",
	  N_("Check My Ballot"),
	  N_("Ippyo fetches the newest state of the ballot chain and checks that your recorded ballot is still in it, and that the chain has only grown since your receipt.") },
	{ IPPYO_CHECK_VIEW_CHECKING, "system-search-symbolic",
	  N_("Checking…"),
	  N_("Fetching the newest state of the ballot chain.") },
	{ IPPYO_CHECK_VIEW_FINE, "emblem-ok-symbolic",
	  N_("Your Ballot Is in the Chain"),
	  N_("Your ballot is still recorded, and the chain has only grown since your receipt.") },
	{ IPPYO_CHECK_VIEW_DROPPED, "dialog-error-symbolic",
	  N_("Your Ballot Is Missing"),
	  N_("The ballot chain no longer holds your recorded ballot. The signed evidence was saved. Please report this to the election office with the saved file.") },
	{ IPPYO_CHECK_VIEW_FORKED, "dialog-error-symbolic",
	  N_("The Chain Changed Its History"),
	  N_("The ballot chain shows a history that contradicts the one on your receipt. The two signed states were saved as evidence. Please report this to the election office with the saved file.") },
	{ IPPYO_CHECK_VIEW_ERROR, "network-error-symbolic",
	  N_("Could Not Check Now"),
	  N_("Your receipt is kept. Try again later.") },
};

static void
ippyo_check_page_class_init(IppyoCheckPageClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-check-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoCheckPage, status);
	gtk_widget_class_bind_template_child(widget_class, IppyoCheckPage, detail_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoCheckPage, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoCheckPage, check_button);
}

static void
ippyo_check_page_init(IppyoCheckPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ippyo_check_page_set_view(self, IPPYO_CHECK_VIEW_READY, NULL);
}

void
ippyo_check_page_set_view(IppyoCheckPage *self, IppyoCheckView view, const char *detail)
{
	guint i;

	g_return_if_fail(IPPYO_IS_CHECK_PAGE(self));
	for (i = 0; i < G_N_ELEMENTS(views); i++)
		if (views[i].view == view)
			break;
	g_return_if_fail(i < G_N_ELEMENTS(views));

	self->view = view;
	adw_status_page_set_icon_name(self->status, views[i].icon);
	adw_status_page_set_title(self->status, _(views[i].title));
	{
		g_autofree char *d = g_markup_escape_text(_(views[i].description), -1);

		adw_status_page_set_description(self->status, d);
	}
	gtk_label_set_text(self->detail_label, detail != NULL ? detail : "");
	gtk_widget_set_visible(GTK_WIDGET(self->detail_label), detail != NULL);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), view == IPPYO_CHECK_VIEW_CHECKING);
	gtk_spinner_set_spinning(self->spinner, view == IPPYO_CHECK_VIEW_CHECKING);
	gtk_widget_set_visible(self->check_button, view != IPPYO_CHECK_VIEW_CHECKING);
	gtk_button_set_label(GTK_BUTTON(self->check_button),
	    view == IPPYO_CHECK_VIEW_READY ? _("_Check Now") : _("_Check Again"));
}

IppyoCheckView
ippyo_check_page_get_view(IppyoCheckPage *self)
{
	g_return_val_if_fail(IPPYO_IS_CHECK_PAGE(self), IPPYO_CHECK_VIEW_ERROR);
	return self->view;
}
