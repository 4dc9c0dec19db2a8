/* ippyo-tally — the ceremony files, shared by ceremony and seal. */
#pragma once

#include <glib.h>

#include "crypto/ceremony.h"
#include "election/manifest.h"

G_BEGIN_DECLS

/* The ceremony parameters of a draft manifest (context = draft hash, t, n);
 * *out (may be NULL) gets the parsed draft. */
gboolean tally_ceremony_params_from_draft(const char *path, ippyo_ceremony_params *p,
    ippyo_manifest **out, GError **error);

/* Every commitments-*.json of dir, parsed but not verified (files: of
 * ippyo_ceremony_commitments*, names: their file names, same order). */
gboolean tally_ceremony_load_commitments(const char *dir, GPtrArray **files,
    GPtrArray **names, GError **error);

G_END_DECLS
