/* ippyo — the receipt page and its PDF and PNG exports (cairo + Pango). */
#include "ippyo-receipt-page.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "i18n.h"
#include "ippyo-qr.h"

struct _IppyoReceiptPage {
	AdwBin parent_instance;

	AdwActionRow *code_row;
	AdwActionRow *index_row;
	AdwActionRow *time_row;
	GtkPicture *qr_picture;
	GtkWidget *done_button;

	char *election_title;
	char *tracking_code;
	char *index;
	char *time;
	char *qr_text;
};

G_DEFINE_FINAL_TYPE(IppyoReceiptPage, ippyo_receipt_page, ADW_TYPE_BIN)

static void
ippyo_receipt_page_dispose(GObject *object)
{
	IppyoReceiptPage *self = IPPYO_RECEIPT_PAGE(object);

	g_clear_pointer(&self->election_title, g_free);
	g_clear_pointer(&self->tracking_code, g_free);
	g_clear_pointer(&self->index, g_free);
	g_clear_pointer(&self->time, g_free);
	g_clear_pointer(&self->qr_text, g_free);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_RECEIPT_PAGE);
	G_OBJECT_CLASS(ippyo_receipt_page_parent_class)->dispose(object);
}

static void
ippyo_receipt_page_class_init(IppyoReceiptPageClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	object_class->dispose = ippyo_receipt_page_dispose;
	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-receipt-page.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoReceiptPage, code_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoReceiptPage, index_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoReceiptPage, time_row);
	gtk_widget_class_bind_template_child(widget_class, IppyoReceiptPage, qr_picture);
	gtk_widget_class_bind_template_child(widget_class, IppyoReceiptPage, done_button);
}

static void
ippyo_receipt_page_init(IppyoReceiptPage *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
}

void
ippyo_receipt_page_set_receipt(IppyoReceiptPage *self, const char *election_title,
    const char *tracking_code, guint64 index, const char *time, const char *qr_text)
{
	g_autoptr(GdkTexture) texture = NULL;
	g_autoptr(GError) error = NULL;

	g_return_if_fail(IPPYO_IS_RECEIPT_PAGE(self));

	g_free(self->election_title);
	self->election_title = g_strdup(election_title);
	g_free(self->tracking_code);
	self->tracking_code = g_strdup(tracking_code);
	g_free(self->index);
	self->index = g_strdup_printf("%" G_GUINT64_FORMAT, index);
	g_free(self->time);
	self->time = g_strdup(time);
	g_free(self->qr_text);
	self->qr_text = g_strdup(qr_text);

	adw_action_row_set_subtitle(self->code_row, tracking_code);
	adw_action_row_set_subtitle(self->index_row, self->index);
	adw_action_row_set_subtitle(self->time_row, time);
	texture = ippyo_qr_texture_new(qr_text, 3, &error);
	if (texture == NULL)
		g_message("receipt QR code: %s", error->message);
	gtk_picture_set_paintable(self->qr_picture, GDK_PAINTABLE(texture));
	gtk_widget_set_visible(GTK_WIDGET(self->qr_picture), texture != NULL);
	gtk_widget_grab_focus(self->done_button);
}

/* One block of text at (x, y) no wider than width; returns its height. */
static double
draw_text(cairo_t *cr, const char *text, const char *font, double x, double y, double width)
{
	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *desc = pango_font_description_from_string(font);
	int w, h;

	pango_layout_set_font_description(layout, desc);
	pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(layout, text, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, layout);
	pango_layout_get_size(layout, &w, &h);
	pango_font_description_free(desc);
	g_object_unref(layout);
	return (double)h / PANGO_SCALE;
}

/* The receipt on a width×height canvas in points (PDF) or pixels (PNG). */
static gboolean
draw_receipt(IppyoReceiptPage *self, cairo_t *cr, double width, double height,
    GError **error)
{
	double m = width * 0.08, y = m, inner = width - 2 * m, qr;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	y += draw_text(cr, _("Ballot Receipt"), "Sans Bold 18", m, y, inner) + 8;
	y += draw_text(cr, self->election_title, "Sans 12", m, y, inner) + 18;
	y += draw_text(cr, _("Tracking code"), "Sans Bold 10", m, y, inner) + 2;
	y += draw_text(cr, self->tracking_code, "Monospace Bold 13", m, y, inner) + 12;
	y += draw_text(cr, _("Entry number in the chain"), "Sans Bold 10", m, y, inner) + 2;
	y += draw_text(cr, self->index, "Monospace 11", m, y, inner) + 12;
	y += draw_text(cr, _("Recorded at"), "Sans Bold 10", m, y, inner) + 2;
	y += draw_text(cr, self->time, "Sans 11", m, y, inner) + 18;
	qr = MIN(inner * 0.6, height - y - m - 60);
	if (qr > 40 && !ippyo_qr_draw(cr, self->qr_text, m + (inner - qr) / 2, y, qr, error))
		return FALSE;
	y += MAX(qr, 0) + 12;
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	draw_text(cr, _("Keep this receipt. Your ballot’s content is secret: this receipt shows only that your encrypted ballot is in the chain."),
	    "Sans 9", m, y, inner);
	return TRUE;
}

gboolean
ippyo_receipt_page_export(IppyoReceiptPage *self, const char *path,
    IppyoReceiptFormat format, GError **error)
{
	cairo_surface_t *surface;
	cairo_t *cr;
	cairo_status_t status;
	double w, h;
	gboolean ok;

	g_return_val_if_fail(IPPYO_IS_RECEIPT_PAGE(self), FALSE);
	g_return_val_if_fail(self->tracking_code != NULL, FALSE);

	if (format == IPPYO_RECEIPT_FORMAT_PDF) {
		w = 420;                      /* A5 in points */
		h = 595;
		surface = cairo_pdf_surface_create(path, w, h);
	} else {
		w = 840;
		h = 1190;
		surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
	}
	cr = cairo_create(surface);
	if (format == IPPYO_RECEIPT_FORMAT_PNG)
		cairo_scale(cr, 2, 2);
	ok = draw_receipt(self, cr, 420, 595, error);
	cairo_destroy(cr);
	if (ok && format == IPPYO_RECEIPT_FORMAT_PNG)
		status = cairo_surface_write_to_png(surface, path);
	else {
		cairo_surface_finish(surface);
		status = cairo_surface_status(surface);
	}
	cairo_surface_destroy(surface);
	if (ok && status != CAIRO_STATUS_SUCCESS) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		    _("The receipt could not be saved to “%s”: %s"), path,
		    cairo_status_to_string(status));
		ok = FALSE;
	}
	return ok;
}
