/* ippyo — step 3: the ballot, selection limits enforced as the voter clicks. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_BALLOT_PAGE (ippyo_ballot_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoBallotPage, ippyo_ballot_page, IPPYO, BALLOT_PAGE, AdwBin)

/*
 * Contests are shown in the order added: one of n (max 1) as radio rows,
 * with a "leave blank" row when min is 0; k of n as check rows whose
 * unchecked rows turn insensitive once max are chosen.
 *
 * Signals: "changed" (guint contest, guint option, gboolean chosen) after
 * each voter's click; property "complete" is TRUE when every contest holds
 * between min and max choices.
 */
void ippyo_ballot_page_clear(IppyoBallotPage *self);
void ippyo_ballot_page_add_contest(IppyoBallotPage *self, const char *title, guint min,
    guint max, const char *const *option_titles);
void ippyo_ballot_page_set_chosen(IppyoBallotPage *self, guint contest, guint option,
    gboolean chosen);
gboolean ippyo_ballot_page_get_chosen(IppyoBallotPage *self, guint contest, guint option);
gboolean ippyo_ballot_page_get_complete(IppyoBallotPage *self);
/* One line a contest, "Contest: choice, choice" (blank and missing choices said in words). */
char *ippyo_ballot_page_dup_summary(IppyoBallotPage *self);
/* The choices of one contest in words ("Blank" when none). */
char *ippyo_ballot_page_dup_contest_choices(IppyoBallotPage *self, guint contest);
guint ippyo_ballot_page_get_n_contests(IppyoBallotPage *self);
const char *ippyo_ballot_page_get_contest_title(IppyoBallotPage *self, guint contest);

G_END_DECLS
