/* ippyo-chaind — the one seam where common/'s IPPYO_ERR_* codes become GError. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * IPPYO_ERROR: errors that come from libippyo; the GError code is the
 * negative IPPYO_ERR_* value itself, the message starts with
 * ippyo_strerror().
 */
#define IPPYO_ERROR (chain_ippyo_error_quark())
GQuark chain_ippyo_error_quark(void);

/* Sets *error from an IPPYO_ERR_* code, prefixed by a printf-style context. */
void chain_set_ippyo_error(GError **error, int err, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/*
 * The chain's own refusals of the officials' entries (docs/chain.md, "POST
 * /v1/entries"): rules of position in the log, and of an entry's form
 * against the manifest, that libippyo has no code for. They travel as
 * IPPYO_ERROR codes (below IPPYO's range) with their own message; each has
 * its machine-readable code in chain_http_error_code().
 */
enum {
	CHAIN_ERR_CEREMONY_TOO_LATE = -1001,  /* a ceremony entry after a ballot or the close */
	CHAIN_ERR_POLL_OPEN = -1002,          /* a decryption or result before the close entry */
	CHAIN_ERR_DUPLICATE_TRUSTEE = -1003,  /* a second decryption entry of a trustee */
	CHAIN_ERR_WRONG_CLOSE_INDEX = -1004,  /* a result whose close_index is not the close's */
	CHAIN_ERR_RESULT_EXISTS = -1005,      /* a second result entry */
	CHAIN_ERR_TOO_FEW_DECRYPTIONS = -1006,/* a result before t decryption entries */
	CHAIN_ERR_BAD_TRUSTEE = -1007,        /* a trustee index above the manifest's n */
	CHAIN_ERR_BAD_TOTALS = -1008,         /* result totals not shaped as the manifest */
};

/* The IPPYO_ERR_* code of error if it is an IPPYO_ERROR, else IPPYO_ERR_INTERNAL. */
int chain_error_ippyo_code(const GError *error);

G_END_DECLS
