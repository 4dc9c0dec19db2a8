/* ippyo — step 1: open an election and see its title, poll window and state. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
	IPPYO_POLL_NOT_OPEN_YET,
	IPPYO_POLL_OPEN,
	IPPYO_POLL_CLOSED,
} IppyoPollState;

#define IPPYO_TYPE_ELECTION_PAGE (ippyo_election_page_get_type())
G_DECLARE_FINAL_TYPE(IppyoElectionPage, ippyo_election_page, IPPYO, ELECTION_PAGE, AdwBin)

/* The address typed by the voter (owned by the page). */
const char *ippyo_election_page_get_address(IppyoElectionPage *self);
void ippyo_election_page_set_address(IppyoElectionPage *self, const char *address);
/* While an election loads: the Open button becomes a spinner. */
void ippyo_election_page_set_busy(IppyoElectionPage *self, gboolean busy);
/* An error to show under the address (NULL clears it). */
void ippyo_election_page_set_error(IppyoElectionPage *self, const char *message);

/* Show the loaded election (times already in the voter's words). */
void ippyo_election_page_show_election(IppyoElectionPage *self, const char *title,
    const char *opens, const char *closes, IppyoPollState state,
    const char *const *contest_titles);
/* Back to the address form. */
void ippyo_election_page_show_open(IppyoElectionPage *self);
/* Whether this voter already has a recorded ballot here (re-vote explanation). */
void ippyo_election_page_set_voted(IppyoElectionPage *self, gboolean voted);

G_END_DECLS
