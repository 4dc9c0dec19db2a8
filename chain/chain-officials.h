/* ippyo-chaind — POST /v1/entries: the officials' signed entries (docs/chain.md). */
#pragma once

#include "chain-daemon.h"

G_BEGIN_DECLS

/*
 * Takes a POSTed officials' entry (main context; the size is checked):
 * checks its form, election and signature (chain_election_check_official),
 * then hands it to the sequencer, which checks its position in the log.
 * Answers msg (now or later, on d->context) with the receipt or {code,
 * message}. FALSE when too many submissions are waiting (the caller
 * answers busy).
 */
gboolean chain_officials_submit(ChainDaemon *d, SoupServerMessage *msg, GBytes *body);

G_END_DECLS
