/* ippyo — libippyo-net's errors (see net-error.h). */
#include "net/net-error.h"

#include <gio/gio.h>
#include <string.h>

#include "error.h"

G_DEFINE_QUARK(ippyo-net-error-quark, ippyo_net_error)

static const struct {
	const char *name;
	IppyoNetError code;
} rejections[] = {
	{ "too_large", IPPYO_NET_ERROR_REJECTED_TOO_LARGE },
	{ "bad_json", IPPYO_NET_ERROR_REJECTED_BAD_JSON },
	{ "bad_entry", IPPYO_NET_ERROR_REJECTED_BAD_ENTRY },
	{ "wrong_entry_type", IPPYO_NET_ERROR_REJECTED_WRONG_ENTRY_TYPE },
	{ "wrong_election", IPPYO_NET_ERROR_REJECTED_WRONG_ELECTION },
	{ "poll_not_open", IPPYO_NET_ERROR_REJECTED_POLL_NOT_OPEN },
	{ "poll_closed", IPPYO_NET_ERROR_REJECTED_POLL_CLOSED },
	{ "bad_certificate", IPPYO_NET_ERROR_REJECTED_BAD_CERTIFICATE },
	{ "cert_untrusted", IPPYO_NET_ERROR_REJECTED_CERT_UNTRUSTED },
	{ "cert_expired", IPPYO_NET_ERROR_REJECTED_CERT_EXPIRED },
	{ "cert_not_yet_valid", IPPYO_NET_ERROR_REJECTED_CERT_NOT_YET_VALID },
	{ "cert_revoked", IPPYO_NET_ERROR_REJECTED_CERT_REVOKED },
	{ "crl_unavailable", IPPYO_NET_ERROR_REJECTED_CRL_UNAVAILABLE },
	{ "not_on_roll", IPPYO_NET_ERROR_REJECTED_NOT_ON_ROLL },
	{ "bad_card_signature", IPPYO_NET_ERROR_REJECTED_BAD_CARD_SIGNATURE },
	{ "bad_ballot", IPPYO_NET_ERROR_REJECTED_BAD_BALLOT },
	{ "wrong_voter", IPPYO_NET_ERROR_REJECTED_WRONG_VOTER },
	{ "bad_proof", IPPYO_NET_ERROR_REJECTED_BAD_PROOF },
	{ "bad_official_signature", IPPYO_NET_ERROR_REJECTED_BAD_OFFICIAL_SIGNATURE },
	{ "store_full", IPPYO_NET_ERROR_REJECTED_STORE_FULL },
	{ "witness_quorum", IPPYO_NET_ERROR_REJECTED_WITNESS_QUORUM },
	{ "busy", IPPYO_NET_ERROR_REJECTED_BUSY },
	{ "stopping", IPPYO_NET_ERROR_REJECTED_STOPPING },
	{ "internal", IPPYO_NET_ERROR_REJECTED_INTERNAL },
	{ "bad_range", IPPYO_NET_ERROR_REJECTED_BAD_RANGE },
	{ "method_not_allowed", IPPYO_NET_ERROR_REJECTED_METHOD_NOT_ALLOWED },
};

IppyoNetError
ippyo_net_error_from_rejection(const char *code)
{
	if (code == NULL)
		return IPPYO_NET_ERROR_REJECTED_UNKNOWN;
	for (gsize i = 0; i < G_N_ELEMENTS(rejections); i++)
		if (strcmp(rejections[i].name, code) == 0)
			return rejections[i].code;
	return IPPYO_NET_ERROR_REJECTED_UNKNOWN;
}

const char *
ippyo_net_error_rejection_name(IppyoNetError code)
{
	for (gsize i = 0; i < G_N_ELEMENTS(rejections); i++)
		if (rejections[i].code == code)
			return rejections[i].name;
	return NULL;
}

gboolean
ippyo_net_error_is_rejection(const GError *error)
{
	return error != NULL && error->domain == IPPYO_NET_ERROR &&
	    error->code >= IPPYO_NET_ERROR_REJECTED_TOO_LARGE &&
	    error->code <= IPPYO_NET_ERROR_REJECTED_UNKNOWN;
}

gboolean
ippyo_net_error_is_transient_rejection(IppyoNetError code)
{
	switch (code) {
	case IPPYO_NET_ERROR_REJECTED_CRL_UNAVAILABLE:
	case IPPYO_NET_ERROR_REJECTED_WITNESS_QUORUM:
	case IPPYO_NET_ERROR_REJECTED_BUSY:
	case IPPYO_NET_ERROR_REJECTED_STOPPING:
		return TRUE;
	default:
		return FALSE;
	}
}

IppyoNetError
ippyo_net_error_from_ippyo(int err)
{
	switch (err) {
	case IPPYO_ERR_NOTE_SIGNATURE:
	case IPPYO_ERR_NOTE_UNKNOWN_KEY:
		return IPPYO_NET_ERROR_BAD_SIGNATURE;
	case IPPYO_ERR_WRONG_ORIGIN:
		return IPPYO_NET_ERROR_WRONG_ORIGIN;
	case IPPYO_ERR_QUORUM:
	case IPPYO_ERR_COSIGNATURE:
		return IPPYO_NET_ERROR_QUORUM;
	case IPPYO_ERR_BAD_INCLUSION:
	case IPPYO_ERR_BAD_CONSISTENCY:
	case IPPYO_ERR_PROOF_LENGTH:
	case IPPYO_ERR_ROOT_MISMATCH:
		return IPPYO_NET_ERROR_BAD_PROOF;
	case IPPYO_ERR_FORK:
		return IPPYO_NET_ERROR_FORK;
	case IPPYO_ERR_LIMIT:
		return IPPYO_NET_ERROR_TOO_LARGE;
	case IPPYO_ERR_NOT_FOUND:
		return IPPYO_NET_ERROR_NOT_FOUND;
	case IPPYO_ERR_TRUNCATED:
	case IPPYO_ERR_TRAILING:
	case IPPYO_ERR_BAD_ENCODING:
	case IPPYO_ERR_JSON:
	case IPPYO_ERR_JSON_SCHEMA:
	case IPPYO_ERR_NOT_CANONICAL:
	case IPPYO_ERR_NOTE_FORMAT:
	case IPPYO_ERR_CHECKPOINT_FORMAT:
	case IPPYO_ERR_TILE_FORMAT:
	case IPPYO_ERR_BUNDLE_FORMAT:
	case IPPYO_ERR_INDEX_RANGE:
	case IPPYO_ERR_BAD_KEY:
	case IPPYO_ERR_OVERFLOW:
		return IPPYO_NET_ERROR_BAD_RESPONSE;
	case IPPYO_ERR_RECEIPT_FORMAT:
		return IPPYO_NET_ERROR_BAD_RECEIPT;
	default:
		return IPPYO_NET_ERROR_FAILED;
	}
}

void
ippyo_net_set_ippyo_error(GError **error, int err, const char *format, ...)
{
	g_autofree char *context = NULL;
	va_list ap;

	if (err == IPPYO_ERR_CANCELLED) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
		    ippyo_strerror(err));
		return;
	}
	va_start(ap, format);
	context = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, IPPYO_NET_ERROR, ippyo_net_error_from_ippyo(err),
	    "%s: %s", context, ippyo_strerror(err));
}
