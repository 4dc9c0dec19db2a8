/* ippyo-tally — the witness's logic, apart from its HTTP server (for tests). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TallyWitness TallyWitness;

/* A witness with its key, the logs it follows (verifier key files or
 * strings) and its state file (loaded if it exists). */
TallyWitness *tally_witness_new(const char *key_path, char **log_vkeys,
    const char *state_path, GError **error);
void tally_witness_free(TallyWitness *w);

/*
 * One add-checkpoint request body: the HTTP status, the response body
 * (g_free) and its content type. The state is written before a 200.
 * Status 500 sets *error.
 */
guint tally_witness_add_checkpoint(TallyWitness *w, const char *req, gsize len, char **body,
    const char **ctype, GError **error);

G_END_DECLS
