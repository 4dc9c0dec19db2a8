/* ippyo-tally — the one seam where common/'s IPPYO_ERR_* codes become GError,
 * and where every GError becomes one of the documented exit codes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * IPPYO_ERROR: errors that come from libippyo; the GError code is the
 * negative IPPYO_ERR_* value itself, the message ends with ippyo_strerror().
 */
#define IPPYO_ERROR (ippyo_error_quark())
GQuark ippyo_error_quark(void);

/*
 * TALLY_ERROR: errors of ippyo-tally itself; the code is the exit code
 * (TALLY_EXIT_* of tally.h) the program ends with.
 */
#define TALLY_ERROR (tally_error_quark())
GQuark tally_error_quark(void);

/* Sets *error from an IPPYO_ERR_* code, prefixed by a printf-style context
 * ("<context>: <ippyo_strerror(err)>"). */
void tally_set_ippyo_error(GError **error, int err, const char *format, ...)
    G_GNUC_PRINTF(3, 4);

/* The IPPYO_ERR_* code of an IPPYO_ERROR (else IPPYO_ERR_INTERNAL; 0 for NULL). */
int tally_error_ippyo_code(const GError *error);

/* The exit code (TALLY_EXIT_*) for an error; TALLY_EXIT_OK for NULL. */
int tally_error_exit_code(const GError *error);

/* The exit code for an IPPYO_ERR_* code. */
int tally_exit_code_for_ippyo(int err);

G_END_DECLS
