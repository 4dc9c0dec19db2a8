/* ippyo — step 8: "check my ballot": still in the chain, dropped, or a forked chain. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
	IPPYO_CHECK_VIEW_READY,       /* not checked yet */
	IPPYO_CHECK_VIEW_CHECKING,
	IPPYO_CHECK_VIEW_FINE,
	IPPYO_CHECK_VIEW_DROPPED,
	IPPYO_CHECK_VIEW_FORKED,
	IPPYO_CHECK_VIEW_ERROR,       /* could not check now (network...) */
} IppyoCheckView;

#define IPPYO_TYPE_CHECK_PAGE (ippyo_check_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoCheckPage, ippyo_check_page, IPPYO, CHECK_PAGE, AdwBin)

/*
 * detail: FINE: what was checked ("entry 12 of 40, checked at …");
 * DROPPED/FORKED: where the evidence was saved; ERROR: the error's sentence.
 */
void ippyo_check_page_set_view(IppyoCheckPage *self, IppyoCheckView view, const char *detail);
IppyoCheckView ippyo_check_page_get_view(IppyoCheckPage *self);

G_END_DECLS
