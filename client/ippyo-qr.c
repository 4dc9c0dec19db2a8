/* ippyo — QR codes through libqrencode. */
#include "ippyo-qr.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "i18n.h"

#define QR_QUIET_ZONE 4

static QRcode *
encode(const char *text, GError **error)
{
	QRcode *qr;

	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL)
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
		    _("This text is too long for a QR code (%s)."), g_strerror(errno));
	return qr;
}

GdkTexture *
ippyo_qr_texture_new(const char *text, int scale, GError **error)
{
	QRcode *qr;
	g_autoptr(GBytes) bytes = NULL;
	guint8 *pixels;
	int side, stride, x, y;
	GdkTexture *texture;

	g_return_val_if_fail(text != NULL, NULL);
	g_return_val_if_fail(scale >= 1 && scale <= 32, NULL);

	if ((qr = encode(text, error)) == NULL)
		return NULL;
	side = (qr->width + 2 * QR_QUIET_ZONE) * scale;
	stride = side * 3;
	pixels = g_malloc((gsize)stride * side);
	memset(pixels, 0xff, (gsize)stride * side);
	for (y = 0; y < qr->width; y++) {
		for (x = 0; x < qr->width; x++) {
			int py, px;

			if ((qr->data[y * qr->width + x] & 1) == 0)
				continue;
			for (py = 0; py < scale; py++) {
				guint8 *row = pixels + (gsize)((y + QR_QUIET_ZONE) * scale + py) * stride;

				for (px = 0; px < scale; px++)
					memset(row + ((x + QR_QUIET_ZONE) * scale + px) * 3, 0, 3);
			}
		}
	}
	QRcode_free(qr);
	bytes = g_bytes_new_take(pixels, (gsize)stride * side);
	texture = gdk_memory_texture_new(side, side, GDK_MEMORY_R8G8B8, bytes, stride);
	return texture;
}

gboolean
ippyo_qr_draw(cairo_t *cr, const char *text, double x0, double y0, double size,
    GError **error)
{
	QRcode *qr;
	double module;
	int x, y;

	if ((qr = encode(text, error)) == NULL)
		return FALSE;
	module = size / (qr->width + 2 * QR_QUIET_ZONE);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x0, y0, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				cairo_rectangle(cr, x0 + (x + QR_QUIET_ZONE) * module,
				    y0 + (y + QR_QUIET_ZONE) * module, module, module);
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(qr);
	return TRUE;
}
