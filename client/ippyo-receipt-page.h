/* ippyo — step 7: the verified receipt: tracking code, QR, index, time; PDF and PNG export. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_RECEIPT_PAGE (ippyo_receipt_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoReceiptPage, ippyo_receipt_page, IPPYO, RECEIPT_PAGE, AdwBin)

/*
 * election_title, tracking_code, index (entry index in the chain), time (in
 * the voter's words), qr_text (what the QR code carries: the receipt's
 * tracking code and where to check it).
 */
void ippyo_receipt_page_set_receipt(IppyoReceiptPage *self, const char *election_title,
    const char *tracking_code, guint64 index, const char *time, const char *qr_text);

typedef enum {
	IPPYO_RECEIPT_FORMAT_PDF,
	IPPYO_RECEIPT_FORMAT_PNG,
} IppyoReceiptFormat;

/* Writes the receipt shown to path as a one-page A5 PDF or a PNG image. */
gboolean ippyo_receipt_page_export(IppyoReceiptPage *self, const char *path,
    IppyoReceiptFormat format, GError **error);

G_END_DECLS
