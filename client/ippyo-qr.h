/* ippyo — QR codes (libqrencode) as textures for the window and as cairo drawings for exports. */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A QR code of text (UTF-8, error correction level M), each module
 * scale×scale pixels with a 4-module quiet zone, black on white. NULL (and
 * error set) when text does not fit a QR code.
 */
GdkTexture *ippyo_qr_texture_new(const char *text, int scale, GError **error);

/*
 * Draws the QR code of text into the square (x, y, size) of cr, quiet zone
 * included. FALSE (and error set) when text does not fit a QR code.
 */
gboolean ippyo_qr_draw(cairo_t *cr, const char *text, double x, double y, double size,
    GError **error);

G_END_DECLS
