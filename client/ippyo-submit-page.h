/* ippyo — step 6: sending the signed ballot, until a receipt or a definite answer. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_SUBMIT_PAGE (ippyo_submit_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoSubmitPage, ippyo_submit_page, IPPYO, SUBMIT_PAGE, AdwBin)

/* In progress: what is happening now, in the voter's words. */
void ippyo_submit_page_set_progress(IppyoSubmitPage *self, const char *message);
/*
 * Stopped: title and explanation of what happened and what to do; with
 * can_resend the signed ballot is kept and "Send Again" (win.resend) is offered.
 */
void ippyo_submit_page_set_failed(IppyoSubmitPage *self, const char *title,
    const char *explanation, gboolean can_resend);

G_END_DECLS
