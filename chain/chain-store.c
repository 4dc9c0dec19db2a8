/* ippyo-chaind — the SQLite store. */
#include "chain-store.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>

#include "chain-error.h"
#include "error.h"

#define STORE_FORMAT 1

struct ChainStore {
	sqlite3 *db;
	sqlite3_stmt *insert_entry;
	sqlite3_stmt *insert_checkpoint;
	sqlite3_stmt *get_entry;
	sqlite3_stmt *get_entries;
	sqlite3_stmt *find_leaf;
	sqlite3_stmt *count;
	sqlite3_stmt *last_checkpoint;
	sqlite3_stmt *covering_checkpoint;
};

static void
set_sqlite_error(ChainStore *s, GError **error, int rc, const char *what)
{
	int code = IPPYO_ERR_STORE;

	/* ENOSPC: SQLITE_FULL, or a failed or short write (SQLITE_IOERR_SHORT_WRITE = IOERR | 13 << 8) */
	if ((rc & 0xff) == SQLITE_FULL || rc == (SQLITE_IOERR | (13 << 8)) ||
	    ((rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC) && s->db != NULL && sqlite3_system_errno(s->db) == ENOSPC))
		code = IPPYO_ERR_STORE_FULL;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = IPPYO_ERR_STORE_BUSY;
	g_set_error(error, IPPYO_ERROR, code, "%s: %s: %s", what,
	    ippyo_strerror(code), s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
}

static gboolean
exec(ChainStore *s, const char *sql, GError **error)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		set_sqlite_error(s, error, rc, sql);
		return FALSE;
	}
	return TRUE;
}

static gboolean
prepare(ChainStore *s, const char *sql, sqlite3_stmt **out, GError **error)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);

	if (rc != SQLITE_OK) {
		set_sqlite_error(s, error, rc, "prepare");
		return FALSE;
	}
	return TRUE;
}

void
chain_store_close(ChainStore *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->insert_entry);
	sqlite3_finalize(s->insert_checkpoint);
	sqlite3_finalize(s->get_entry);
	sqlite3_finalize(s->get_entries);
	sqlite3_finalize(s->find_leaf);
	sqlite3_finalize(s->count);
	sqlite3_finalize(s->last_checkpoint);
	sqlite3_finalize(s->covering_checkpoint);
	sqlite3_close(s->db);
	g_free(s);
}

static gboolean
meta_get(ChainStore *s, const char *key, GBytes **out, GError **error)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	if (!prepare(s, "SELECT value FROM meta WHERE key = ?1", &st, error))
		return FALSE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = g_bytes_new(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0));
	else if (rc != SQLITE_DONE) {
		set_sqlite_error(s, error, rc, "meta");
		sqlite3_finalize(st);
		return FALSE;
	}
	sqlite3_finalize(st);
	return TRUE;
}

static gboolean
meta_put(ChainStore *s, const char *key, const void *value, gsize len, GError **error)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (!prepare(s, "INSERT INTO meta(key, value) VALUES (?1, ?2)", &st, error))
		return FALSE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_sqlite_error(s, error, rc, "meta");
		return FALSE;
	}
	return TRUE;
}

ChainStore *
chain_store_open(const char *path, GBytes *entry0, GError **error)
{
	g_autoptr(ChainStore) s = g_new0(ChainStore, 1);
	g_autoptr(GBytes) format = NULL;
	g_autoptr(GBytes) stored0 = NULL;
	guint8 leaf0[CHAIN_HASH_BYTES];
	gsize len0;
	const guint8 *data0 = g_bytes_get_data(entry0, &len0);
	int rc;

	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		set_sqlite_error(s, error, rc, path);
		return NULL;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/*
	 * The sequencer is the only writer. Another process holding the write
	 * lock blocks it: after this long the batch fails with
	 * IPPYO_ERR_STORE_BUSY (503, retry) instead of hanging every request.
	 */
	sqlite3_busy_timeout(s->db, CHAIN_STORE_BUSY_MS);
	if (!exec(s, "PRAGMA journal_mode=WAL", error) ||
	    !exec(s, "PRAGMA synchronous=FULL", error) ||
	    !exec(s, "PRAGMA foreign_keys=ON", error) ||
	    !exec(s, "BEGIN IMMEDIATE", error))
		return NULL;
	if (!exec(s,
	    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	    "CREATE TABLE IF NOT EXISTS entries(idx INTEGER PRIMARY KEY,"
	    " leaf BLOB NOT NULL UNIQUE CHECK (length(leaf) = 32), data BLOB NOT NULL);"
	    "CREATE TABLE IF NOT EXISTS checkpoints(size INTEGER PRIMARY KEY,"
	    " root BLOB NOT NULL CHECK (length(root) = 32), note TEXT NOT NULL);", error))
		goto fail;

	chain_leaf_hash(data0, len0, leaf0);
	if (!meta_get(s, "format", &format, error))
		goto fail;
	if (format == NULL) {
		guint8 f = STORE_FORMAT;
		sqlite3_stmt *st = NULL;

		if (!meta_put(s, "format", &f, 1, error) ||
		    !meta_put(s, "entry0-leaf", leaf0, sizeof(leaf0), error))
			goto fail;
		if (!prepare(s, "INSERT INTO entries(idx, leaf, data) VALUES (0, ?1, ?2)", &st, error))
			goto fail;
		sqlite3_bind_blob(st, 1, leaf0, sizeof(leaf0), SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, data0, (int)len0, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			set_sqlite_error(s, error, rc, "entry 0");
			goto fail;
		}
	} else {
		g_autoptr(GBytes) leaf = NULL;
		gsize flen;
		const guint8 *f = g_bytes_get_data(format, &flen);

		if (flen != 1 || f[0] != STORE_FORMAT) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE_MISMATCH,
			    "%s: unknown store format", path);
			goto fail;
		}
		if (!meta_get(s, "entry0-leaf", &leaf, error))
			goto fail;
		if (leaf == NULL || g_bytes_get_size(leaf) != CHAIN_HASH_BYTES ||
		    memcmp(g_bytes_get_data(leaf, NULL), leaf0, CHAIN_HASH_BYTES) != 0) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE_MISMATCH,
			    "%s: %s (its entry 0 is not this manifest)", path,
			    ippyo_strerror(IPPYO_ERR_STORE_MISMATCH));
			goto fail;
		}
		stored0 = chain_store_get_entry(s, 0, error);
		if (stored0 == NULL)
			goto fail;
		if (!g_bytes_equal(stored0, entry0)) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE_MISMATCH,
			    "%s: %s (stored entry 0 differs from the manifest)", path,
			    ippyo_strerror(IPPYO_ERR_STORE_MISMATCH));
			goto fail;
		}
	}
	if (!exec(s, "COMMIT", error))
		goto fail;

	if (!prepare(s, "INSERT INTO entries(idx, leaf, data) VALUES (?1, ?2, ?3)",
	    &s->insert_entry, error) ||
	    !prepare(s, "INSERT INTO checkpoints(size, root, note) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT(size) DO UPDATE SET note = excluded.note WHERE root = excluded.root",
	    &s->insert_checkpoint, error) ||
	    (s->get_entry == NULL &&
	    !prepare(s, "SELECT data FROM entries WHERE idx = ?1", &s->get_entry, error)) ||
	    !prepare(s, "SELECT idx, data FROM entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
	    &s->get_entries, error) ||
	    !prepare(s, "SELECT idx FROM entries WHERE leaf = ?1", &s->find_leaf, error) ||
	    !prepare(s, "SELECT count(*), max(idx) FROM entries", &s->count, error) ||
	    !prepare(s, "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1",
	    &s->last_checkpoint, error) ||
	    !prepare(s, "SELECT size, note FROM checkpoints WHERE size > ?1 ORDER BY size LIMIT 1",
	    &s->covering_checkpoint, error))
		return NULL;
	return g_steal_pointer(&s);

fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return NULL;
}

gboolean
chain_store_count(ChainStore *s, guint64 *out, GError **error)
{
	int rc;
	gboolean ok = FALSE;

	rc = sqlite3_step(s->count);
	if (rc != SQLITE_ROW) {
		set_sqlite_error(s, error, rc, "count");
		goto out;
	}
	*out = (guint64)sqlite3_column_int64(s->count, 0);
	/* Indexes are 0..count-1 without gaps, or the store is corrupt. */
	if (*out > 0 && (guint64)sqlite3_column_int64(s->count, 1) != *out - 1) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE, "entries have gaps");
		goto out;
	}
	ok = TRUE;
out:
	sqlite3_reset(s->count);
	return ok;
}

gboolean
chain_store_append(ChainStore *s, guint64 first, GPtrArray *entries, const guint8 *leaves,
    GError **error)
{
	guint64 count;
	int rc;

	if (!exec(s, "BEGIN IMMEDIATE", error))
		return FALSE;
	if (!chain_store_count(s, &count, error))
		goto fail;
	if (count != first) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE,
		    "append at %" G_GUINT64_FORMAT " but the store holds %" G_GUINT64_FORMAT,
		    first, count);
		goto fail;
	}
	for (guint i = 0; i < entries->len; i++) {
		gsize len;
		const guint8 *data = g_bytes_get_data(entries->pdata[i], &len);

		sqlite3_bind_int64(s->insert_entry, 1, (sqlite3_int64)(first + i));
		sqlite3_bind_blob(s->insert_entry, 2, leaves + (gsize)i * CHAIN_HASH_BYTES,
		    CHAIN_HASH_BYTES, SQLITE_STATIC);
		sqlite3_bind_blob(s->insert_entry, 3, data, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(s->insert_entry);
		sqlite3_reset(s->insert_entry);
		sqlite3_clear_bindings(s->insert_entry);
		if (rc != SQLITE_DONE) {
			set_sqlite_error(s, error, rc, "insert entry");
			goto fail;
		}
	}
	if (!exec(s, "COMMIT", error))
		goto fail;
	return TRUE;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return FALSE;
}

gboolean
chain_store_add_checkpoint(ChainStore *s, guint64 size, const guint8 root[CHAIN_HASH_BYTES],
    const char *note, GError **error)
{
	int rc;

	sqlite3_bind_int64(s->insert_checkpoint, 1, (sqlite3_int64)size);
	sqlite3_bind_blob(s->insert_checkpoint, 2, root, CHAIN_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(s->insert_checkpoint, 3, note, -1, SQLITE_STATIC);
	rc = sqlite3_step(s->insert_checkpoint);
	sqlite3_reset(s->insert_checkpoint);
	sqlite3_clear_bindings(s->insert_checkpoint);
	if (rc != SQLITE_DONE) {
		set_sqlite_error(s, error, rc, "insert checkpoint");
		return FALSE;
	}
	if (sqlite3_changes(s->db) != 1) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "a checkpoint of size %" G_GUINT64_FORMAT " with another root exists", size);
		return FALSE;
	}
	return TRUE;
}

gboolean
chain_store_last_checkpoint(ChainStore *s, guint64 *size, guint8 root[CHAIN_HASH_BYTES],
    char **note, GError **error)
{
	sqlite3_stmt *st = s->last_checkpoint;
	gboolean ok = FALSE;
	int rc;

	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		goto out;
	if (rc != SQLITE_ROW) {
		set_sqlite_error(s, error, rc, "last checkpoint");
		goto out;
	}
	if (sqlite3_column_bytes(st, 1) != CHAIN_HASH_BYTES) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE, "bad stored root");
		goto out;
	}
	*size = (guint64)sqlite3_column_int64(st, 0);
	memcpy(root, sqlite3_column_blob(st, 1), CHAIN_HASH_BYTES);
	if (note != NULL)
		*note = g_strdup((const char *)sqlite3_column_text(st, 2));
	ok = TRUE;
out:
	sqlite3_reset(st);
	return ok;
}

gboolean
chain_store_checkpoint_covering(ChainStore *s, guint64 index, guint64 *size, char **note,
    GError **error)
{
	sqlite3_stmt *st = s->covering_checkpoint;
	gboolean ok = FALSE;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND,
		    "no checkpoint covers entry %" G_GUINT64_FORMAT, index);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		set_sqlite_error(s, error, rc, "checkpoint");
		goto out;
	}
	*size = (guint64)sqlite3_column_int64(st, 0);
	*note = g_strdup((const char *)sqlite3_column_text(st, 1));
	ok = TRUE;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ok;
}

gboolean
chain_store_all_checkpoints(ChainStore *s, GArray **sizes, GByteArray **roots, GError **error)
{
	sqlite3_stmt *st = NULL;
	g_autoptr(GArray) sz = g_array_new(FALSE, FALSE, sizeof(guint64));
	g_autoptr(GByteArray) rt = g_byte_array_new();
	int rc;

	if (!prepare(s, "SELECT size, root FROM checkpoints ORDER BY size", &st, error))
		return FALSE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		guint64 v = (guint64)sqlite3_column_int64(st, 0);

		if (sqlite3_column_bytes(st, 1) != CHAIN_HASH_BYTES) {
			sqlite3_finalize(st);
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE, "bad stored root");
			return FALSE;
		}
		g_array_append_val(sz, v);
		g_byte_array_append(rt, sqlite3_column_blob(st, 1), CHAIN_HASH_BYTES);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_sqlite_error(s, error, rc, "checkpoints");
		return FALSE;
	}
	*sizes = g_steal_pointer(&sz);
	*roots = g_steal_pointer(&rt);
	return TRUE;
}

GBytes *
chain_store_get_entry(ChainStore *s, guint64 index, GError **error)
{
	sqlite3_stmt *st = s->get_entry;
	GBytes *out = NULL;
	int rc;

	if (st == NULL) {
		/* during open, before the statements are prepared */
		if (!prepare(s, "SELECT data FROM entries WHERE idx = ?1", &s->get_entry, error))
			return NULL;
		st = s->get_entry;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out = g_bytes_new(sqlite3_column_blob(st, 0), (gsize)sqlite3_column_bytes(st, 0));
	else if (rc == SQLITE_DONE)
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND,
		    "no entry %" G_GUINT64_FORMAT, index);
	else
		set_sqlite_error(s, error, rc, "entry");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return out;
}

GPtrArray *
chain_store_get_entries(ChainStore *s, guint64 start, guint64 end, GError **error)
{
	sqlite3_stmt *st = s->get_entries;
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint64 next = start;
	int rc;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)end);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((guint64)sqlite3_column_int64(st, 0) != next++)
			break;
		g_ptr_array_add(out, g_bytes_new(sqlite3_column_blob(st, 1),
		    (gsize)sqlite3_column_bytes(st, 1)));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		set_sqlite_error(s, error, rc, "entries");
		return NULL;
	}
	if (next != end) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND,
		    "entries [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") are not all stored",
		    start, end);
		return NULL;
	}
	return g_steal_pointer(&out);
}

gboolean
chain_store_find_leaf(ChainStore *s, const guint8 leaf[CHAIN_HASH_BYTES], guint64 *index,
    GError **error)
{
	sqlite3_stmt *st = s->find_leaf;
	gboolean found = FALSE;
	int rc;

	sqlite3_bind_blob(st, 1, leaf, CHAIN_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*index = (guint64)sqlite3_column_int64(st, 0);
		found = TRUE;
	} else if (rc != SQLITE_DONE)
		set_sqlite_error(s, error, rc, "find leaf");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return found;
}

gboolean
chain_store_foreach(ChainStore *s, guint64 start, ChainStoreEntryFunc fn, gpointer user_data,
    GError **error)
{
	sqlite3_stmt *st = NULL;
	guint64 next = start;
	int rc;

	if (!prepare(s, "SELECT idx, leaf, data FROM entries WHERE idx >= ?1 ORDER BY idx",
	    &st, error))
		return FALSE;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		guint64 idx = (guint64)sqlite3_column_int64(st, 0);

		if (idx != next || sqlite3_column_bytes(st, 1) != CHAIN_HASH_BYTES) {
			sqlite3_finalize(st);
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE,
			    "entry %" G_GUINT64_FORMAT " is missing or malformed", next);
			return FALSE;
		}
		next++;
		if (!fn(idx, sqlite3_column_blob(st, 2), (gsize)sqlite3_column_bytes(st, 2),
		    sqlite3_column_blob(st, 1), user_data, error)) {
			sqlite3_finalize(st);
			return FALSE;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		set_sqlite_error(s, error, rc, "entries");
		return FALSE;
	}
	return TRUE;
}

gboolean
chain_store_disk_bytes(ChainStore *s, guint64 *out, GError **error)
{
	sqlite3_stmt *st = NULL;
	gint64 pages = 0, size = 0;
	int rc;

	if (!prepare(s, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
	    &st, error))
		return FALSE;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		size = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	(void)pages;
	if (rc != SQLITE_ROW) {
		set_sqlite_error(s, error, rc, "page_count");
		return FALSE;
	}
	*out = (guint64)size;
	return TRUE;
}
