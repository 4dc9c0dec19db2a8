/* ippyo — Benaloh audit page. */
#include "ippyo-audit-page.h"

#include "i18n.h"
#include "ippyo-qr.h"

struct _IppyoAuditPage {
	AdwBin parent_instance;

	AdwActionRow *code_row;
	AdwActionRow *choices_row;
	GtkPicture *qr_picture;
	GtkLabel *record_label;
	GtkWidget *reencrypt_button;
};

G_DEFINE_FINAL_TYPE(IppyoAuditPage, ippyo_audit_page, ADW_TYPE_BIN)

static void
copy_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoAuditPage *self = IPPYO_AUDIT_PAGE(widget);

	gdk_clipboard_set_text(gtk_widget_get_clipboard(widget),
	    gtk_label_get_text(self->record_label));
}

static void
ippyo_audit_page_dispose(GObject *object)
{
	gtk_widget_dispose_template(GTK_WIDGET(object), IPPYO_TYPE_AUDIT_PAGE);
	G_OBJECT_CLASS(ippyo_audit_page_parent_class)->dispose(object);
}

static void
ippyo_audit_page_class_init(IppyoAuditPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->dispose = ippyo_audit_page_dispose;
	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-audit-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoAuditPage, code_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoAuditPage, choices_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoAuditPage, qr_picture);
	gtk_widget_class_bind_template_child(widget_class, IppyoAuditPage, record_label);
	gtk_widget_class_bind_template_child(widget_class, IppyoAuditPage, reencrypt_button);
	gtk_widget_class_install_action(widget_class, "audit.copy", NULL, copy_action_cb);
}

static void
ippyo_audit_page_init(IppyoAuditPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

void
ippyo_audit_page_set_record(IppyoAuditPage *self, const char *record,
    const char *tracking_code, const char *choices)
{
	g_autoptr(GdkTexture) texture = NULL;
	g_autoptr(GError) error = NULL;

	g_return_if_fail(IPPYO_IS_AUDIT_PAGE(self));
	g_return_if_fail(record != NULL);

	adw_action_row_set_subtitle(self->code_row, tracking_code);
	adw_action_row_set_subtitle(self->choices_row, choices);
	gtk_label_set_text(self->record_label, record);
	texture = ippyo_qr_texture_new(record, 3, &error);
	if (texture == NULL)
		g_message("audit record QR code: %s", error->message);
	gtk_picture_set_paintable(self->qr_picture, GDK_PAINTABLE(texture));
	gtk_widget_set_visible(GTK_WIDGET(self->qr_picture), texture != NULL);
	gtk_widget_grab_focus(self->reencrypt_button);
}
