/* ippyo-tally — IPPYO_ERR_* to GError, GError to exit code. */
#include "tally-error.h"

#include <gio/gio.h>

#include "error.h"
#include "tally.h"
#ifdef TALLY_HAVE_NET
#include "net/net-error.h"
#endif

G_DEFINE_QUARK(ippyo-error-quark, ippyo_error)
G_DEFINE_QUARK(ippyo-tally-error-quark, tally_error)

void
tally_set_ippyo_error(GError **error, int err, const char *format, ...)
{
	g_autofree char *context = NULL;
	va_list ap;

	if (err >= 0)
		err = IPPYO_ERR_INTERNAL;
	va_start(ap, format);
	context = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, IPPYO_ERROR, err, "%s: %s", context, ippyo_strerror(err));
}

int
tally_error_ippyo_code(const GError *error)
{
	if (error == NULL)
		return IPPYO_OK;
	if (error->domain == IPPYO_ERROR && error->code < 0)
		return error->code;
	return IPPYO_ERR_INTERNAL;
}

int
tally_exit_code_for_ippyo(int err)
{
	switch (err) {
	case IPPYO_OK:
		return TALLY_EXIT_OK;
	case IPPYO_ERR_INTERNAL:
	case IPPYO_ERR_ALLOC:
	case IPPYO_ERR_RANDOM:
	case IPPYO_ERR_INVALID_ARGUMENT:
		return TALLY_EXIT_INTERNAL;
	case IPPYO_ERR_IO:
	case IPPYO_ERR_STORE:
	case IPPYO_ERR_STORE_FULL:
	case IPPYO_ERR_PCSC_UNAVAILABLE:
	case IPPYO_ERR_PKCS11_MODULE:
		return TALLY_EXIT_IO;
	/* Well-formed input that fails a cryptographic or log check. */
	case IPPYO_ERR_BAD_PROOF:
	case IPPYO_ERR_BATCH_FAILED:
	case IPPYO_ERR_WRONG_VOTER:
	case IPPYO_ERR_WRONG_ELECTION:
	case IPPYO_ERR_BAD_TRACKING_CODE:
	case IPPYO_ERR_BAD_SHARE:
	case IPPYO_ERR_SHARE_DECRYPT:
	case IPPYO_ERR_BAD_COMMITMENT:
	case IPPYO_ERR_BAD_DECRYPTION:
	case IPPYO_ERR_BAD_INCLUSION:
	case IPPYO_ERR_BAD_CONSISTENCY:
	case IPPYO_ERR_NOTE_SIGNATURE:
	case IPPYO_ERR_NOTE_UNKNOWN_KEY:
	case IPPYO_ERR_WRONG_ORIGIN:
	case IPPYO_ERR_QUORUM:
	case IPPYO_ERR_COSIGNATURE:
	case IPPYO_ERR_ROOT_MISMATCH:
	case IPPYO_ERR_FORK:
	case IPPYO_ERR_CERT_EXPIRED:
	case IPPYO_ERR_CERT_NOT_YET_VALID:
	case IPPYO_ERR_CERT_UNTRUSTED:
	case IPPYO_ERR_CERT_REVOKED:
	case IPPYO_ERR_CARD_SIGNATURE:
	case IPPYO_ERR_NOT_ON_ROLL:
	case IPPYO_ERR_CRL_INVALID:
	case IPPYO_ERR_POLL_CLOSED:
	case IPPYO_ERR_POLL_NOT_OPEN:
	case IPPYO_ERR_BAD_OFFICIAL_SIGNATURE:
		return TALLY_EXIT_VERIFY;
	default:
		return TALLY_EXIT_INVALID;
	}
}

int
tally_error_exit_code(const GError *error)
{
	if (error == NULL)
		return TALLY_EXIT_OK;
	if (error->domain == TALLY_ERROR) {
		if (error->code > TALLY_EXIT_OK && error->code <= TALLY_EXIT_INTERNAL)
			return error->code;
		return TALLY_EXIT_INTERNAL;
	}
	if (error->domain == IPPYO_ERROR)
		return tally_exit_code_for_ippyo(error->code);
	if (error->domain == G_OPTION_ERROR)
		return TALLY_EXIT_USAGE;
	if (error->domain == G_FILE_ERROR || error->domain == G_IO_ERROR ||
	    error->domain == G_RESOLVER_ERROR)
		return TALLY_EXIT_IO;
	if (error->domain == G_KEY_FILE_ERROR || error->domain == G_CONVERT_ERROR)
		return TALLY_EXIT_INVALID;
#ifdef TALLY_HAVE_NET
	if (error->domain == IPPYO_NET_ERROR) {
		switch (error->code) {
		case IPPYO_NET_ERROR_FAILED:
			return TALLY_EXIT_INTERNAL;
		case IPPYO_NET_ERROR_BAD_SIGNATURE:
		case IPPYO_NET_ERROR_WRONG_ORIGIN:
		case IPPYO_NET_ERROR_QUORUM:
		case IPPYO_NET_ERROR_BAD_PROOF:
		case IPPYO_NET_ERROR_NOT_INCLUDED:
		case IPPYO_NET_ERROR_FORK:
		case IPPYO_NET_ERROR_ROLLBACK:
		case IPPYO_NET_ERROR_BAD_RECEIPT:
			return TALLY_EXIT_VERIFY;
		default:
			/* Unreachable servers, unexpected answers and rejections. */
			return TALLY_EXIT_IO;
		}
	}
#endif
	return TALLY_EXIT_INTERNAL;
}
