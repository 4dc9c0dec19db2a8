/* ippyo — the PIN dialog. */
#include "ippyo-pin-dialog.h"

#include "i18n.h"
#include "ippyo-a11y.h"

struct _IppyoPinDialog {
	AdwWindow parent_instance;

	GtkWidget *cancel_button;
	GtkStack *sign_stack;
	GtkWidget *sign_button;
	GtkSpinner *spinner;
	GtkWidget *entry;
	GtkLabel *error_label;
	GtkLabel *tries_label;
	GtkLabel *warning_label;

	gboolean busy;
};

G_DEFINE_FINAL_TYPE(IppyoPinDialog, ippyo_pin_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_PIN_ENTERED, SIGNAL_CANCELLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
pin_is_valid(const char *pin)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!g_ascii_isdigit(pin[i]))
			return FALSE;
	return pin[4] == '\0';
}

static void
entry_changed_cb(IppyoPinDialog *self)
{
	gtk_widget_set_sensitive(self->sign_button, !self->busy &&
	    pin_is_valid(gtk_editable_get_text(GTK_EDITABLE(self->entry))));
}

static void
sign_clicked_cb(IppyoPinDialog *self)
{
	const char *pin = gtk_editable_get_text(GTK_EDITABLE(self->entry));

	if (self->busy || !pin_is_valid(pin))
		return;
	g_signal_emit(self, signals[SIGNAL_PIN_ENTERED], 0, pin);
	/* The entry's buffer is GTK's secure memory, erased when replaced. */
	gtk_editable_set_text(GTK_EDITABLE(self->entry), "");
}

static gboolean
ippyo_pin_dialog_close_request(GtkWindow *window)
{
	IppyoPinDialog *self = IPPYO_PIN_DIALOG(window);

	if (self->busy)
		return TRUE;          /* the card is signing: wait for it */
	gtk_editable_set_text(GTK_EDITABLE(self->entry), "");
	g_signal_emit(self, signals[SIGNAL_CANCELLED], 0);
	return GTK_WINDOW_CLASS(ippyo_pin_dialog_parent_class)->close_request(window);
}

static void
ippyo_pin_dialog_dispose(GObject *object)
{
	gtk_widget_dispose_template(GTK_WIDGET(object), IPPYO_TYPE_PIN_DIALOG);
	G_OBJECT_CLASS(ippyo_pin_dialog_parent_class)->dispose(object);
}

static void
ippyo_pin_dialog_class_init(IppyoPinDialogClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);

	object_class->dispose = ippyo_pin_dialog_dispose;
	window_class->close_request = ippyo_pin_dialog_close_request;

	signals[SIGNAL_PIN_ENTERED] = g_signal_new("pin-entered", G_TYPE_FROM_CLASS(klass),
	    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
	    G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
	signals[SIGNAL_CANCELLED] = g_signal_new("cancelled", G_TYPE_FROM_CLASS(klass),
	    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-pin-dialog.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, cancel_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, sign_stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, sign_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, spinner);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, entry);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, error_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, tries_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoPinDialog, warning_label);
	gtk_widget_class_bind_template_callback(widget_class, entry_changed_cb);
	gtk_widget_class_bind_template_callback(widget_class, sign_clicked_cb);
	gtk_widget_class_add_binding_action(widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ippyo_pin_dialog_init(IppyoPinDialog *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ippyo_a11y_name_buttons(GTK_WIDGET(self));
}

IppyoPinDialog *
ippyo_pin_dialog_new(GtkWindow *parent, int tries_left, const char *error)
{
	IppyoPinDialog *self;
	g_autofree char *tries = NULL;

	self = g_object_new(IPPYO_TYPE_PIN_DIALOG, "transient-for", parent, NULL);
	if (tries_left >= 0)
		tries = g_strdup_printf(ngettext("%d try left before the card locks.",
		    "%d tries left before the card locks.", tries_left), tries_left);
	gtk_label_set_text(self->tries_label, tries != NULL ? tries : "");
	gtk_widget_set_visible(GTK_WIDGET(self->tries_label), tries != NULL);
	gtk_widget_set_visible(GTK_WIDGET(self->warning_label), tries_left == 1);
	gtk_label_set_text(self->error_label, error != NULL ? error : "");
	gtk_widget_set_visible(GTK_WIDGET(self->error_label), error != NULL);
	gtk_widget_grab_focus(self->entry);
	return self;
}

void
ippyo_pin_dialog_set_busy(IppyoPinDialog *self, gboolean busy)
{
	g_return_if_fail(IPPYO_IS_PIN_DIALOG(self));
	self->busy = busy;
	gtk_stack_set_visible_child_name(self->sign_stack, busy ? "busy" : "button");
	gtk_spinner_set_spinning(self->spinner, busy);
	gtk_editable_set_editable(GTK_EDITABLE(self->entry), !busy);
	gtk_widget_set_sensitive(self->cancel_button, !busy);
	entry_changed_cb(self);
}
