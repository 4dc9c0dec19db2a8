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

/* The IPPYO_ERR_* code of error if it is an IPPYO_ERROR, else IPPYO_ERR_INTERNAL. */
int chain_error_ippyo_code(const GError *error);

G_END_DECLS
