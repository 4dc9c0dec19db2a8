/* ippyo — step 2: the voter's card, live, with what to do in each state. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
	IPPYO_CARD_VIEW_NO_SERVICE,     /* no PC/SC service: nothing about readers can be known */
	IPPYO_CARD_VIEW_NO_READER,
	IPPYO_CARD_VIEW_INSERT,
	IPPYO_CARD_VIEW_READING,
	IPPYO_CARD_VIEW_READY,
	IPPYO_CARD_VIEW_NOT_MY_NUMBER,
	IPPYO_CARD_VIEW_NOT_ON_ROLL,
	IPPYO_CARD_VIEW_EXPIRED,
	IPPYO_CARD_VIEW_REVOKED,
	IPPYO_CARD_VIEW_WRONG_ISSUER,   /* not issued by a JPKI CA the election names */
	IPPYO_CARD_VIEW_SEVERAL_CARDS,  /* more than one My Number card and no reader named */
	IPPYO_CARD_VIEW_ERROR,
} IppyoCardView;

#define IPPYO_TYPE_CARD_PAGE (ippyo_card_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoCardPage, ippyo_card_page, IPPYO, CARD_PAGE, AdwBin)

/* detail: a sentence of the underlying error for IPPYO_CARD_VIEW_ERROR (else NULL). */
void ippyo_card_page_set_view(IppyoCardPage *self, IppyoCardView view, const char *detail);
IppyoCardView ippyo_card_page_get_view(IppyoCardPage *self);

G_END_DECLS
