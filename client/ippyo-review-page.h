/* ippyo — step 4: review the choices and the tracking code; cast, or check the encryption. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_REVIEW_PAGE (ippyo_review_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoReviewPage, ippyo_review_page, IPPYO, REVIEW_PAGE, AdwBin)

/* contest_titles[i] with choices[i] (both NULL-terminated, same length). */
void ippyo_review_page_set_choices(IppyoReviewPage *self, const char *const *contest_titles,
    const char *const *choices);
/* The tracking code in short groups; NULL while the ballot is being encrypted. */
void ippyo_review_page_set_tracking_code(IppyoReviewPage *self, const char *code);
/* A ballot of this voter is already recorded: say that the last one counts. */
void ippyo_review_page_set_revote(IppyoReviewPage *self, gboolean revote);
void ippyo_review_page_focus_cast(IppyoReviewPage *self);

G_END_DECLS
