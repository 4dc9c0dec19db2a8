/* ippyo-chaind — witness cosigning (c2sp.org/tlog-witness add-checkpoint). */
#pragma once

#include <glib.h>

#include "chain-config.h"
#include "chain-log.h"

G_BEGIN_DECLS

typedef struct ChainWitnesses ChainWitnesses;

/* From the config's witness groups; NULL with no error when there are none. */
ChainWitnesses *chain_witnesses_new(const ChainConfig *config, GError **error);
void chain_witnesses_free(ChainWitnesses *w);

/*
 * Sends the signed checkpoint of `size` (note) to every witness with a
 * consistency proof from the size that witness last cosigned, and collects
 * the cosignatures. Returns the note with the cosignature lines of the
 * witnesses that answered (each verified), or NULL (IPPYO_ERR_QUORUM) when
 * fewer than the quorum cosigned. Runs on the sequencer thread (blocking).
 */
char *chain_witnesses_cosign(ChainWitnesses *w, ChainLog *log, guint64 size, const char *note,
    GError **error);

G_END_DECLS
