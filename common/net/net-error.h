/* ippyo — libippyo-net's errors: the one seam where IPPYO_ERR_* and the
 * chain server's {code, message} rejections become GError. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IPPYO_NET_ERROR (ippyo_net_error_quark())
GQuark ippyo_net_error_quark(void);

/*
 * Cancellation is reported as G_IO_ERROR_CANCELLED, as GIO does.
 *
 * The first group are failures seen by the client itself; the second group
 * (IPPYO_NET_ERROR_REJECTED_*) are definite answers of the chain server,
 * one per "code" of docs/chain.md; the GError message is
 * "<code>: <server message>" (the server's text sanitised and bounded).
 */
typedef enum {
	IPPYO_NET_ERROR_FAILED,            /* internal error, out of memory, misuse */
	IPPYO_NET_ERROR_NETWORK,           /* could not talk to the server (after the retries) */
	IPPYO_NET_ERROR_HTTP,              /* an unexpected HTTP status without a known code */
	IPPYO_NET_ERROR_TOO_LARGE,         /* an answer above its size limit */
	IPPYO_NET_ERROR_BAD_RESPONSE,      /* a malformed answer (format, length, JSON) */
	IPPYO_NET_ERROR_NOT_FOUND,         /* 404 not_found */
	IPPYO_NET_ERROR_BAD_SIGNATURE,     /* not signed by the chain key (or a bad signature) */
	IPPYO_NET_ERROR_WRONG_ORIGIN,      /* a checkpoint of another log */
	IPPYO_NET_ERROR_QUORUM,            /* the witness policy is not met */
	IPPYO_NET_ERROR_BAD_PROOF,         /* a proof, tile or bundle does not lead to the signed root */
	IPPYO_NET_ERROR_NOT_INCLUDED,      /* the leaf is verifiably not at that index */
	IPPYO_NET_ERROR_FORK,              /* two signed checkpoints that are not consistent */
	IPPYO_NET_ERROR_ROLLBACK,          /* the server serves a smaller tree than the one held */
	IPPYO_NET_ERROR_BAD_RECEIPT,       /* a receipt for other bytes, or malformed */

	/* Rejections by the server (docs/chain.md, "Errors"). */
	IPPYO_NET_ERROR_REJECTED_TOO_LARGE = 100,       /* too_large, 413 */
	IPPYO_NET_ERROR_REJECTED_BAD_JSON,              /* bad_json */
	IPPYO_NET_ERROR_REJECTED_BAD_ENTRY,             /* bad_entry */
	IPPYO_NET_ERROR_REJECTED_WRONG_ENTRY_TYPE,      /* wrong_entry_type */
	IPPYO_NET_ERROR_REJECTED_WRONG_ELECTION,        /* wrong_election */
	IPPYO_NET_ERROR_REJECTED_POLL_NOT_OPEN,         /* poll_not_open */
	IPPYO_NET_ERROR_REJECTED_POLL_CLOSED,           /* poll_closed */
	IPPYO_NET_ERROR_REJECTED_BAD_CERTIFICATE,       /* bad_certificate */
	IPPYO_NET_ERROR_REJECTED_CERT_UNTRUSTED,        /* cert_untrusted */
	IPPYO_NET_ERROR_REJECTED_CERT_EXPIRED,          /* cert_expired */
	IPPYO_NET_ERROR_REJECTED_CERT_NOT_YET_VALID,    /* cert_not_yet_valid */
	IPPYO_NET_ERROR_REJECTED_CERT_REVOKED,          /* cert_revoked */
	IPPYO_NET_ERROR_REJECTED_CRL_UNAVAILABLE,       /* crl_unavailable (503, retried) */
	IPPYO_NET_ERROR_REJECTED_NOT_ON_ROLL,           /* not_on_roll */
	IPPYO_NET_ERROR_REJECTED_BAD_CARD_SIGNATURE,    /* bad_card_signature */
	IPPYO_NET_ERROR_REJECTED_BAD_BALLOT,            /* bad_ballot */
	IPPYO_NET_ERROR_REJECTED_WRONG_VOTER,           /* wrong_voter */
	IPPYO_NET_ERROR_REJECTED_BAD_PROOF,             /* bad_proof */
	IPPYO_NET_ERROR_REJECTED_BAD_OFFICIAL_SIGNATURE,/* bad_official_signature */
	IPPYO_NET_ERROR_REJECTED_STORE_FULL,            /* store_full, 507 */
	IPPYO_NET_ERROR_REJECTED_WITNESS_QUORUM,        /* witness_quorum (503, retried) */
	IPPYO_NET_ERROR_REJECTED_BUSY,                  /* busy (503, retried) */
	IPPYO_NET_ERROR_REJECTED_STOPPING,              /* stopping (503, retried) */
	IPPYO_NET_ERROR_REJECTED_INTERNAL,              /* internal, 500 */
	IPPYO_NET_ERROR_REJECTED_BAD_RANGE,             /* bad_range (reads) */
	IPPYO_NET_ERROR_REJECTED_METHOD_NOT_ALLOWED,    /* method_not_allowed */
	IPPYO_NET_ERROR_REJECTED_UNKNOWN,               /* a code this client does not know */
} IppyoNetError;

/* Sets *error from a negative IPPYO_ERR_* code of libippyo, prefixed by a
 * printf-style context; the message ends with ippyo_strerror(). */
void ippyo_net_set_ippyo_error(GError **error, int err, const char *format, ...)
    G_GNUC_PRINTF(3, 4);
/* The IppyoNetError for an IPPYO_ERR_* code. */
IppyoNetError ippyo_net_error_from_ippyo(int err);

/* The IppyoNetError of a server's rejection code (REJECTED_UNKNOWN if unknown). */
IppyoNetError ippyo_net_error_from_rejection(const char *code);
/* The server's code string of a rejection (NULL for other codes). */
const char *ippyo_net_error_rejection_name(IppyoNetError code);
/* TRUE for a server rejection (IPPYO_NET_ERROR_REJECTED_*). */
gboolean ippyo_net_error_is_rejection(const GError *error);
/* TRUE for the answers that the client retries with the same bytes (503s). */
gboolean ippyo_net_error_is_transient_rejection(IppyoNetError code);

G_END_DECLS
