/* ippyo — step 2: the voter's card. */
#include "ippyo-card-page.h"

#include "i18n.h"

struct _IppyoCardPage {
	AdwBin parent_instance;

	AdwStatusPage *status;
	GtkSpinner *spinner;
	GtkWidget *continue_button;

	IppyoCardView view;
};

G_DEFINE_FINAL_TYPE(IppyoCardPage, ippyo_card_page, ADW_TYPE_BIN)

static const struct {
	IppyoCardView view;
	const char *icon;
	const char *title;
	const char *description;
} views[] = {
	{ IPPYO_CARD_VIEW_NO_SERVICE, "action-unavailable-symbolic",
	  N_("The Card Reader Service Is Not Running"),
	  N_("Ippyo reaches card readers through this computer’s smart card service, which is not running. Connect your card reader; if this page stays, start the smart card service or restart the computer. This page updates by itself.") },
	{ IPPYO_CARD_VIEW_NO_READER, "action-unavailable-symbolic",
	  N_("Connect a Card Reader"),
	  N_("No card reader was found. Connect your card reader to this computer; this page updates by itself.") },
	{ IPPYO_CARD_VIEW_INSERT, "media-removable-symbolic",
	  N_("Insert Your My Number Card"),
	  N_("Put your My Number card in the card reader, chip first. You need your 4-digit user authentication PIN later.") },
	{ IPPYO_CARD_VIEW_READING, "media-removable-symbolic",
	  N_("Reading Your Card…"),
	  N_("Please leave your card in the reader.") },
	{ IPPYO_CARD_VIEW_READY, "emblem-ok-symbolic",
	  N_("Your Card Is Ready"),
	  N_("You are on the voter roll of this election. Leave the card in the reader until your ballot is cast.") },
	{ IPPYO_CARD_VIEW_NOT_MY_NUMBER, "dialog-warning-symbolic",
	  N_("This Is Not a My Number Card"),
	  N_("The card in the reader cannot be used to vote. Take it out and insert your My Number card.") },
	{ IPPYO_CARD_VIEW_NOT_ON_ROLL, "dialog-warning-symbolic",
	  N_("Not on the Voter Roll"),
	  N_("This card is not on the voter roll of this election. If you think you may vote in it, ask your city hall’s election office.") },
	{ IPPYO_CARD_VIEW_EXPIRED, "dialog-warning-symbolic",
	  N_("The Card’s Certificate Is Not Valid Now"),
	  N_("The electronic certificate on your card has expired or is not valid yet. Your city hall can renew it for you.") },
	{ IPPYO_CARD_VIEW_REVOKED, "dialog-warning-symbolic",
	  N_("The Card’s Certificate Was Revoked"),
	  N_("The electronic certificate on your card was revoked, for example after the card was reported lost. Ask your city hall for a new certificate.") },
	{ IPPYO_CARD_VIEW_WRONG_ISSUER, "dialog-warning-symbolic",
	  N_("This Card Cannot Vote in This Election"),
	  N_("The certificate on this card was not issued by the My Number card authority this election trusts. Take it out and insert your own My Number card; if it is yours, contact the election office.") },
	{ IPPYO_CARD_VIEW_SEVERAL_CARDS, "dialog-warning-symbolic",
	  N_("More Than One My Number Card"),
	  N_("There are My Number cards in more than one reader. Take out every card but yours; this page updates by itself.") },
	{ IPPYO_CARD_VIEW_ERROR, "dialog-error-symbolic",
	  N_("The Card Could Not Be Read"),
	  N_("Take the card out and insert it again.") },
};

static void
ippyo_card_page_class_init(IppyoCardPageClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-card-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoCardPage, status);
	gtk_widget_class_bind_template_child(widget_class, IppyoCardPage, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoCardPage, continue_button);
}

static void
ippyo_card_page_init(IppyoCardPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ippyo_card_page_set_view(self, IPPYO_CARD_VIEW_INSERT, NULL);
}

void
ippyo_card_page_set_view(IppyoCardPage *self, IppyoCardView view, const char *detail)
{
	g_autofree char *description = NULL;
	guint i;

	g_return_if_fail(IPPYO_IS_CARD_PAGE(self));

	for (i = 0; i < G_N_ELEMENTS(views); i++)
		if (views[i].view == view)
			break;
	g_return_if_fail(i < G_N_ELEMENTS(views));

	self->view = view;
	/* The status page's description is Pango markup. */
	if (detail != NULL)
		description = g_markup_printf_escaped("%s\n%s", _(views[i].description), detail);
	else
		description = g_markup_escape_text(_(views[i].description), -1);
	adw_status_page_set_icon_name(self->status, views[i].icon);
	adw_status_page_set_title(self->status, _(views[i].title));
	adw_status_page_set_description(self->status, description);
	gtk_widget_set_visible(GTK_WIDGET(self->spinner), view == IPPYO_CARD_VIEW_READING);
	gtk_spinner_set_spinning(self->spinner, view == IPPYO_CARD_VIEW_READING);
	gtk_widget_set_visible(self->continue_button, view == IPPYO_CARD_VIEW_READY);
	if (view == IPPYO_CARD_VIEW_READY)
		gtk_widget_grab_focus(self->continue_button);
}

IppyoCardView
ippyo_card_page_get_view(IppyoCardPage *self)
{
	g_return_val_if_fail(IPPYO_IS_CARD_PAGE(self), IPPYO_CARD_VIEW_ERROR);
	return self->view;
}
