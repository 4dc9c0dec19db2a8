/* ippyo — the voter session's errors: the one seam where libippyo's codes and
 * the chain's rejections become GError, in words a voter understands. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IPPYO_VOTER_ERROR (ippyo_voter_error_quark())
GQuark ippyo_voter_error_quark(void);

/*
 * Every message is a translated sentence that says what happened and what
 * to do. Cancellation stays G_IO_ERROR_CANCELLED.
 */
typedef enum {
	IPPYO_VOTER_ERROR_FAILED,            /* internal error */
	IPPYO_VOTER_ERROR_NO_PCSC,           /* no smart card service */
	IPPYO_VOTER_ERROR_NO_READER,
	IPPYO_VOTER_ERROR_NO_CARD,
	IPPYO_VOTER_ERROR_NOT_MYNUMBER,
	IPPYO_VOTER_ERROR_CARD_AMBIGUOUS,    /* several cards: choose a reader */
	IPPYO_VOTER_ERROR_CARD_REMOVED,      /* taken out during the operation */
	IPPYO_VOTER_ERROR_CARD,              /* any other card or PKCS#11 failure */
	IPPYO_VOTER_ERROR_WRONG_CARD,        /* not the card the ballot was made for */
	IPPYO_VOTER_ERROR_PIN_FORMAT,
	IPPYO_VOTER_ERROR_PIN_WRONG,         /* tries remain */
	IPPYO_VOTER_ERROR_PIN_LAST_TRY,      /* wrong, one try remains */
	IPPYO_VOTER_ERROR_PIN_LOCKED,
	IPPYO_VOTER_ERROR_CERT_EXPIRED,
	IPPYO_VOTER_ERROR_CERT_NOT_YET_VALID,
	IPPYO_VOTER_ERROR_NOT_ON_ROLL,
	IPPYO_VOTER_ERROR_ELECTION,          /* an election file or manifest that does not verify */
	IPPYO_VOTER_ERROR_NOT_OPEN,          /* the poll has not opened */
	IPPYO_VOTER_ERROR_CLOSED,            /* the poll is closed */
	IPPYO_VOTER_ERROR_CHOICE,            /* a choice breaks the contest's limits */
	IPPYO_VOTER_ERROR_NETWORK,           /* the chain could not be reached (ballot kept) */
	IPPYO_VOTER_ERROR_REJECTED,          /* a definite rejection by the chain */
	IPPYO_VOTER_ERROR_BAD_RECEIPT,       /* a receipt or checkpoint that does not verify */
	IPPYO_VOTER_ERROR_FORK,              /* the chain rewrote history (evidence saved) */
	IPPYO_VOTER_ERROR_DROPPED,           /* the ballot is no longer in the chain (evidence saved) */
	IPPYO_VOTER_ERROR_AUDIT,             /* an audit record does not match */
	IPPYO_VOTER_ERROR_STORE,             /* the receipt folder cannot be read or written */
	IPPYO_VOTER_ERROR_CERT_REVOKED,      /* the card's certificate is on the CA's CRL */
	IPPYO_VOTER_ERROR_CERT_UNTRUSTED,    /* not issued by a JPKI CA the election names */
} IppyoVoterError;

/* Sets *error from a negative IPPYO_ERR_* code (card, PIN, certificate,
 * formats), with tries_left (-1: unknown) for a wrong PIN. */
void ippyo_voter_set_error(GError **error, int err, int tries_left);

/*
 * Sets *error from an IppyoChainClient error: a server rejection becomes
 * IPPYO_VOTER_ERROR_REJECTED with ippyo_voter_rejection_text(), network
 * failures IPPYO_VOTER_ERROR_NETWORK, fork and rollback _FORK, bad
 * signatures and proofs _BAD_RECEIPT. Cancellation is passed on.
 */
void ippyo_voter_set_net_error(GError **error, const GError *net);

/* The voter's sentence for the server's rejection code ("not_on_roll"...);
 * a generic sentence for an unknown code. */
const char *ippyo_voter_rejection_text(const char *code);

/* A stable machine name for a voter error code ("pin-wrong"...), for --json. */
const char *ippyo_voter_error_name(const GError *error);

G_END_DECLS
