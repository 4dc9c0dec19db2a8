/* ippyo-vote card: readers, card state, certificate and PIN tries left. */
#pragma once

/* Exit codes of `ippyo-vote card` (documented in its --help). */
enum {
	VOTE_CARD_EXIT_OK = 0,          /* a My Number card was read */
	VOTE_CARD_EXIT_USAGE = 1,
	VOTE_CARD_EXIT_NO_PCSC = 2,     /* no PC/SC service (pcscd) */
	VOTE_CARD_EXIT_NO_READER = 3,   /* no reader, or not the one named */
	VOTE_CARD_EXIT_NO_CARD = 4,     /* no card in the reader(s) */
	VOTE_CARD_EXIT_NOT_MYNUMBER = 5,/* only cards that are not My Number cards */
	VOTE_CARD_EXIT_CARD_ERROR = 6,  /* a My Number card could not be read */
};

/* Runs the subcommand; argv[0] is "card". Returns the exit code. */
int vote_card_main(int argc, char **argv);
