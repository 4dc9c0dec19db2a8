/* ippyo-chaind — the SQLite store: entries, leaf hashes, signed checkpoints. */
#pragma once

#include <glib.h>

#include "chain-tree.h"

G_BEGIN_DECLS

/*
 * One SQLite connection (WAL, synchronous=FULL). A connection is used by
 * one thread at a time: the sequencer has its own (the only writer), the
 * HTTP side another (readers never block the writer in WAL mode).
 *
 * Tables:
 *   meta(key, value)                    "format" = 1, "entry0-leaf" = leaf hash of entry 0
 *   entries(idx, leaf UNIQUE, data)     the log, idx 0.. without gaps
 *   checkpoints(size, root, note)       every checkpoint ever signed (with cosignatures)
 *
 * Errors are IPPYO_ERROR: IPPYO_ERR_STORE, IPPYO_ERR_STORE_FULL (SQLITE_FULL:
 * the disk is full), IPPYO_ERR_STORE_BUSY (another process held the write
 * lock for CHAIN_STORE_BUSY_MS), IPPYO_ERR_STORE_MISMATCH (another
 * election's database).
 */
#define CHAIN_STORE_BUSY_MS 5000
typedef struct ChainStore ChainStore;

/*
 * Opens (creating when missing) the database at path. With create, an empty
 * database receives entry0 as its first entry; an existing database must
 * hold exactly entry0 at index 0, else IPPYO_ERR_STORE_MISMATCH.
 */
ChainStore *chain_store_open(const char *path, GBytes *entry0, GError **error);
void chain_store_close(ChainStore *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainStore, chain_store_close)

/* Number of stored entries. */
gboolean chain_store_count(ChainStore *s, guint64 *out, GError **error);

/*
 * Appends entries[i] (GBytes) with leaves[i] (32 bytes each) at indexes
 * first, first+1, ... in one transaction, committed durably on return.
 * first must equal the stored count.
 */
gboolean chain_store_append(ChainStore *s, guint64 first, GPtrArray *entries,
    const guint8 *leaves, GError **error);

/* Records a signed checkpoint (its note text, cosignatures included); durable on return. */
gboolean chain_store_add_checkpoint(ChainStore *s, guint64 size,
    const guint8 root[CHAIN_HASH_BYTES], const char *note, GError **error);

/* The newest checkpoint; FALSE without error when there is none. */
gboolean chain_store_last_checkpoint(ChainStore *s, guint64 *size,
    guint8 root[CHAIN_HASH_BYTES], char **note, GError **error);
/* The first checkpoint whose size is greater than index (the receipt's checkpoint). */
gboolean chain_store_checkpoint_covering(ChainStore *s, guint64 index, guint64 *size,
    char **note, GError **error);
/* Every checkpoint, oldest first: arrays of sizes (guint64), roots (32 bytes each). */
gboolean chain_store_all_checkpoints(ChainStore *s, GArray **sizes, GByteArray **roots,
    GError **error);

/* The entry at index; NULL with IPPYO_ERR_NOT_FOUND if absent. */
GBytes *chain_store_get_entry(ChainStore *s, guint64 index, GError **error);
/* Entries [start, end) as GBytes, in order. */
GPtrArray *chain_store_get_entries(ChainStore *s, guint64 start, guint64 end, GError **error);
/* Index of the entry with this leaf hash; FALSE without error when absent. */
gboolean chain_store_find_leaf(ChainStore *s, const guint8 leaf[CHAIN_HASH_BYTES],
    guint64 *index, GError **error);

/*
 * Calls fn for every entry from start on, in index order, with the stored
 * data and stored leaf hash. fn returns FALSE (setting error) to stop.
 */
typedef gboolean (*ChainStoreEntryFunc)(guint64 index, const guint8 *data, gsize len,
    const guint8 leaf[CHAIN_HASH_BYTES], gpointer user_data, GError **error);
gboolean chain_store_foreach(ChainStore *s, guint64 start, ChainStoreEntryFunc fn,
    gpointer user_data, GError **error);

/* Bytes used by the database file (page_count · page_size). */
gboolean chain_store_disk_bytes(ChainStore *s, guint64 *out, GError **error);

G_END_DECLS
