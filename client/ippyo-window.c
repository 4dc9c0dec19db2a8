/*
 * ippyo — the voter's window. It shows one page per step and drives the
 * voter session (client/voter-*.h); it never touches the card, the network
 * or the cryptography itself.
 */
#include "ippyo-window.h"

#include "i18n.h"
#include "ippyo-audit-page.h"
#include "ippyo-ballot-page.h"
#include "ippyo-card-page.h"
#include "ippyo-check-page.h"
#include "ippyo-election-page.h"
#include "ippyo-pin-dialog.h"
#include "ippyo-receipt-page.h"
#include "ippyo-review-page.h"
#include "ippyo-submit-page.h"

struct _IppyoWindow {
	AdwApplicationWindow parent_instance;

	GtkWidget *back_button;
	AdwWindowTitle *window_title;
	AdwToastOverlay *toast_overlay;
	GtkStack *stack;
	IppyoElectionPage *election_page;
	IppyoCardPage *card_page;
	IppyoBallotPage *ballot_page;
	IppyoReviewPage *review_page;
	IppyoAuditPage *audit_page;
	IppyoSubmitPage *submit_page;
	IppyoReceiptPage *receipt_page;
	IppyoCheckPage *check_page;

	GSettings *settings;          /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE(IppyoWindow, ippyo_window, ADW_TYPE_APPLICATION_WINDOW)

/* Where the back button leads from each page (NULL: no way back). */
static const struct {
	const char *page;
	const char *back;
} back_map[] = {
	{ "election", NULL },
	{ "card", "election" },
	{ "ballot", "card" },
	{ "review", "ballot" },
	{ "audit", NULL },            /* the audited ballot is discarded: no way back */
	{ "submit", NULL },
	{ "receipt", "election" },
	{ "check", "election" },
};

static const char *
back_of(const char *page)
{
	guint i;

	for (i = 0; page != NULL && i < G_N_ELEMENTS(back_map); i++)
		if (strcmp(back_map[i].page, page) == 0)
			return back_map[i].back;
	return NULL;
}

static void
show_page(IppyoWindow *self, const char *name)
{
	gtk_stack_set_visible_child_name(self->stack, name);
}

static void
toast(IppyoWindow *self, const char *message)
{
	adw_toast_overlay_add_toast(self->toast_overlay, adw_toast_new(message));
}

static void
page_changed_cb(IppyoWindow *self)
{
	const char *name = gtk_stack_get_visible_child_name(self->stack);
	GtkStackPage *page;

	if (name == NULL)
		return;
	page = gtk_stack_get_page(self->stack, gtk_stack_get_visible_child(self->stack));
	adw_window_title_set_title(self->window_title, gtk_stack_page_get_title(page));
	gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.back", back_of(name) != NULL);
	gtk_widget_set_visible(self->back_button, back_of(name) != NULL);
}

static void
back_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	const char *back = back_of(gtk_stack_get_visible_child_name(self->stack));

	if (back != NULL)
		show_page(self, back);
}

static void
export_response_cb(GtkNativeDialog *dialog, int response, gpointer user_data)
{
	IppyoWindow *self = IPPYO_WINDOW(user_data);
	IppyoReceiptFormat format = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dialog),
	    "ippyo-format"));
	g_autoptr(GFile) file = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;

	if (response == GTK_RESPONSE_ACCEPT &&
	    (file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog))) != NULL) {
		path = g_file_get_path(file);
		if (path == NULL)
			toast(self, _("The receipt can only be saved in a local folder."));
		else if (!ippyo_receipt_page_export(self->receipt_page, path, format, &error))
			toast(self, error->message);
		else
			toast(self, _("Receipt saved"));
	}
	gtk_native_dialog_destroy(dialog);
	g_object_unref(dialog);
	g_object_unref(self);
}

static void
export_receipt_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	const char *kind = g_variant_get_string(parameter, NULL);
	IppyoReceiptFormat format;
	GtkFileChooserNative *dialog;
	const char *name;

	if (strcmp(kind, "pdf") == 0) {
		format = IPPYO_RECEIPT_FORMAT_PDF;
		/* Translators: file name of the saved receipt */
		name = _("ballot-receipt.pdf");
	} else if (strcmp(kind, "png") == 0) {
		format = IPPYO_RECEIPT_FORMAT_PNG;
		/* Translators: file name of the saved receipt */
		name = _("ballot-receipt.png");
	} else {
		return;
	}
	dialog = gtk_file_chooser_native_new(_("Save Receipt"), GTK_WINDOW(self),
	    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(dialog), TRUE);
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog), name);
	g_object_set_data(G_OBJECT(dialog), "ippyo-format", GINT_TO_POINTER(format));
	g_signal_connect(dialog, "response", G_CALLBACK(export_response_cb), g_object_ref(self));
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}

static void
load_window_size(IppyoWindow *self)
{
	GSettingsSchemaSource *source = g_settings_schema_source_get_default();
	g_autoptr(GSettingsSchema) schema = NULL;

	if (source != NULL)
		schema = g_settings_schema_source_lookup(source, IPPYO_APP_ID, TRUE);
	if (schema == NULL)
		return;               /* uninstalled and no GSETTINGS_SCHEMA_DIR: defaults */
	self->settings = g_settings_new(IPPYO_APP_ID);
	gtk_window_set_default_size(GTK_WINDOW(self),
	    g_settings_get_int(self->settings, "window-width"),
	    g_settings_get_int(self->settings, "window-height"));
	if (g_settings_get_boolean(self->settings, "window-maximized"))
		gtk_window_maximize(GTK_WINDOW(self));
}

static gboolean
ippyo_window_close_request(GtkWindow *window)
{
	IppyoWindow *self = IPPYO_WINDOW(window);
	int width, height;

	if (self->settings != NULL) {
		gtk_window_get_default_size(window, &width, &height);
		g_settings_set_boolean(self->settings, "window-maximized",
		    gtk_window_is_maximized(window));
		if (!gtk_window_is_maximized(window)) {
			g_settings_set_int(self->settings, "window-width", MAX(width, 360));
			g_settings_set_int(self->settings, "window-height", MAX(height, 294));
		}
	}
	return GTK_WINDOW_CLASS(ippyo_window_parent_class)->close_request(window);
}

static void
ippyo_window_dispose(GObject *object)
{
	IppyoWindow *self = IPPYO_WINDOW(object);

	g_clear_object(&self->settings);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_WINDOW);
	G_OBJECT_CLASS(ippyo_window_parent_class)->dispose(object);
}

static void
ippyo_window_class_init(IppyoWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);

	object_class->dispose = ippyo_window_dispose;
	window_class->close_request = ippyo_window_close_request;

	g_type_ensure(IPPYO_TYPE_ELECTION_PAGE);
	g_type_ensure(IPPYO_TYPE_CARD_PAGE);
	g_type_ensure(IPPYO_TYPE_BALLOT_PAGE);
	g_type_ensure(IPPYO_TYPE_REVIEW_PAGE);
	g_type_ensure(IPPYO_TYPE_AUDIT_PAGE);
	g_type_ensure(IPPYO_TYPE_SUBMIT_PAGE);
	g_type_ensure(IPPYO_TYPE_RECEIPT_PAGE);
	g_type_ensure(IPPYO_TYPE_CHECK_PAGE);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-window.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, back_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, window_title);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, toast_overlay);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, election_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, card_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, ballot_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, review_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, audit_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, submit_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, receipt_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, check_page);
	gtk_widget_class_bind_template_callback(widget_class, page_changed_cb);

	gtk_widget_class_install_action(widget_class, "win.back", NULL, back_action_cb);
	gtk_widget_class_install_action(widget_class, "win.export-receipt", "s",
	    export_receipt_action_cb);
}

static void
ippyo_window_init(IppyoWindow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	load_window_size(self);
	page_changed_cb(self);
}

IppyoWindow *
ippyo_window_new(IppyoApplication *application)
{
	return g_object_new(IPPYO_TYPE_WINDOW, "application", application, NULL);
}
