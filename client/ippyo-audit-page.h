/* ippyo — Benaloh audit: the revealed seed and choices, as text and QR code. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_AUDIT_PAGE (ippyo_audit_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoAuditPage, ippyo_audit_page, IPPYO, AUDIT_PAGE, AdwBin)

/*
 * record: the audit record a second device verifies (ippyo-vote audit);
 * tracking_code: the audited ballot's; choices: what the voter chose, in words.
 */
void ippyo_audit_page_set_record(IppyoAuditPage *self, const char *record,
    const char *tracking_code, const char *choices);

G_END_DECLS
