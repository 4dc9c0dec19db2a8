/* ippyo-chaind — IPPYO_ERR_* to GError. */
#include "chain-error.h"

#include "error.h"

G_DEFINE_QUARK(ippyo-error-quark, chain_ippyo_error)

void
chain_set_ippyo_error(GError **error, int err, const char *format, ...)
{
	g_autofree char *context = NULL;
	va_list ap;

	va_start(ap, format);
	context = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, IPPYO_ERROR, err, "%s: %s", context, ippyo_strerror(err));
}

int
chain_error_ippyo_code(const GError *error)
{
	if (error == NULL)
		return IPPYO_OK;
	if (error->domain == IPPYO_ERROR && error->code < 0)
		return error->code;
	return IPPYO_ERR_INTERNAL;
}
