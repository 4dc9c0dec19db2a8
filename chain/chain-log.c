/* ippyo-chaind — the log: store, in-memory tree, signing key, published checkpoint. */
#include "chain-log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

#include "chain-error.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/tiles.h"

/* The largest checkpoint file read back (a note with a few cosignatures). */
#define CHECKPOINT_FILE_MAX (64 * 1024)

struct ChainLog {
	char *origin;
	char *checkpoint_path;           /* <database>.checkpoint: the last signed note */
	const ippyo_note_signer *signer;
	ippyo_note_verifier *verifier;
	ChainStore *writer;              /* the sequencer's connection */
	ippyo_merkle_hasher *hasher;     /* the sequencer's */

	GRWLock lock;                    /* guards tree, published_* */
	ChainTree *tree;
	guint64 published_size;
	char *published_note;

	/* The compact state of the last signed tree, rebuilt from stored data. */
	ippyo_merkle_state signed_state;
	guint8 signed_root[CHAIN_HASH_BYTES];
	gboolean have_signed;
};

/* ippyo_merkle_hash_fn over the in-memory tree (caller holds the lock). */
static int
tree_hash_fn(void *arg, unsigned level, uint64_t index, uint8_t out[IPPYO_HASH_BYTES])
{
	const guint8 *h = chain_tree_node(arg, level, index);

	if (h == NULL)
		return IPPYO_ERR_NOT_FOUND;
	memcpy(out, h, IPPYO_HASH_BYTES);
	return 0;
}

void
chain_log_free(ChainLog *log)
{
	if (log == NULL)
		return;
	g_free(log->origin);
	g_free(log->checkpoint_path);
	ippyo_note_verifier_free(log->verifier);
	chain_store_close(log->writer);
	ippyo_merkle_hasher_free(log->hasher);
	chain_tree_free(log->tree);
	g_free(log->published_note);
	g_rw_lock_clear(&log->lock);
	g_free(log);
}

typedef struct {
	ChainLog *log;
} LoadCtx;

static gboolean
load_entry(guint64 index, const guint8 *data, gsize len, const guint8 leaf[CHAIN_HASH_BYTES],
    gpointer user_data, GError **error)
{
	LoadCtx *ctx = user_data;
	guint8 h[CHAIN_HASH_BYTES];
	int r;

	/* The stored leaf hash is recomputed from the stored bytes, never trusted. */
	if ((r = ippyo_merkle_hash_leaf(ctx->log->hasher, data, len, h)) != 0) {
		chain_set_ippyo_error(error, r, "entry %" G_GUINT64_FORMAT, index);
		return FALSE;
	}
	if (memcmp(h, leaf, CHAIN_HASH_BYTES) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "entry %" G_GUINT64_FORMAT ": stored leaf hash does not match its bytes", index);
		return FALSE;
	}
	chain_tree_append(ctx->log->tree, h);
	return TRUE;
}

/* Every stored checkpoint must be signed by us and match the rebuilt tree. */
static gboolean
check_checkpoints(ChainLog *log, guint64 *n_checkpoints, GError **error)
{
	g_autoptr(GArray) sizes = NULL;
	g_autoptr(GByteArray) roots = NULL;
	g_autofree char *note = NULL;
	ippyo_checkpoint *cp = NULL;
	guint8 root[CHAIN_HASH_BYTES];
	guint64 size;
	int r;

	if (!chain_store_all_checkpoints(log->writer, &sizes, &roots, error))
		return FALSE;
	*n_checkpoints = sizes->len;
	for (guint i = 0; i < sizes->len; i++) {
		guint64 s = g_array_index(sizes, guint64, i);

		if (!chain_tree_root(log->tree, s, root) ||
		    memcmp(root, roots->data + (gsize)i * CHAIN_HASH_BYTES, CHAIN_HASH_BYTES) != 0) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
			    "the stored tree does not match the signed checkpoint of size %"
			    G_GUINT64_FORMAT, s);
			return FALSE;
		}
	}
	{
		GError *local = NULL;

		if (!chain_store_last_checkpoint(log->writer, &size, root, &note, &local)) {
			if (local != NULL) {
				g_propagate_error(error, local);
				return FALSE;
			}
			return TRUE;    /* none yet */
		}
	}
	r = ippyo_checkpoint_open((const uint8_t *)note, strlen(note), log->origin,
	    log->verifier, &cp, NULL);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "the last stored checkpoint");
		return FALSE;
	}
	if (cp->size != size || memcmp(cp->root, root, CHAIN_HASH_BYTES) != 0) {
		ippyo_checkpoint_free(cp);
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "the last stored checkpoint's note does not match its row");
		return FALSE;
	}
	ippyo_checkpoint_free(cp);
	if ((r = ippyo_merkle_state_from(&log->signed_state, size, tree_hash_fn, log->tree)) != 0) {
		chain_set_ippyo_error(error, r, "compact state");
		return FALSE;
	}
	memcpy(log->signed_root, root, CHAIN_HASH_BYTES);
	log->have_signed = TRUE;
	log->published_size = size;
	log->published_note = g_steal_pointer(&note);
	return TRUE;
}

static gboolean
fsync_dir(const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE, "%s: fsync: %s", dir,
		    g_strerror(e));
		return FALSE;
	}
	close(fd);
	return TRUE;
}

/*
 * Writes the signed note to <database>.checkpoint atomically and durably:
 * a temporary file, fsync, rename over the old one, fsync of the folder.
 * It lives outside SQLite so that a database that lost committed data (a
 * damaged WAL, a restored old copy) is caught at the next start.
 */
static gboolean
write_checkpoint_file(ChainLog *log, const char *note, GError **error)
{
	g_autofree char *tmp = g_strconcat(log->checkpoint_path, ".tmp", NULL);
	size_t len = strlen(note), off = 0;
	int fd, e = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	while (off < len) {
		ssize_t n = write(fd, note + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			goto fail;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		e = errno;
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		e = errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, log->checkpoint_path) != 0) {
		e = errno;
		goto fail;
	}
	return fsync_dir(log->checkpoint_path, error);
fail:
	if (fd >= 0)
		close(fd);
	g_unlink(tmp);
	g_set_error(error, IPPYO_ERROR, e == ENOSPC ? IPPYO_ERR_STORE_FULL : IPPYO_ERR_STORE,
	    "%s: %s", log->checkpoint_path, g_strerror(e));
	return FALSE;
}

/*
 * The last checkpoint this server signed, from <database>.checkpoint: the
 * database must hold at least that many entries with exactly that root.
 * A newer checkpoint than the database's last is stored back into it.
 * Returns FALSE with error when the server must not start.
 */
static gboolean
check_checkpoint_file(ChainLog *log, guint64 n_checkpoints, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) local = NULL;
	ippyo_checkpoint *cp = NULL;
	guint8 root[CHAIN_HASH_BYTES];
	guint64 tree_size = chain_tree_size(log->tree);
	gsize len = 0;
	int r;

	if (!g_file_get_contents(log->checkpoint_path, &text, &len, &local)) {
		if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE, "%s", local->message);
			return FALSE;
		}
		/*
		 * No file: it is written before a checkpoint is stored in the
		 * database. A new database (no checkpoint, or entry 0 alone, whose
		 * only possible root the manifest fixes) is fine; otherwise the
		 * file was removed and the database cannot be checked.
		 */
		if (n_checkpoints == 0 || tree_size <= 1)
			return TRUE;
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE,
		    "%s is missing but the database holds %" G_GUINT64_FORMAT " signed "
		    "checkpoints: the database cannot be checked against the last checkpoint "
		    "this server signed; restore the file, or the database from a backup or a mirror",
		    log->checkpoint_path, n_checkpoints);
		return FALSE;
	}
	if (len == 0 || len > CHECKPOINT_FILE_MAX || memchr(text, '\0', len) != NULL) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_STORE,
		    "%s: not a signed checkpoint", log->checkpoint_path);
		return FALSE;
	}
	r = ippyo_checkpoint_open((const uint8_t *)text, len, log->origin, log->verifier, &cp,
	    NULL);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "%s: not a checkpoint signed by the chain key",
		    log->checkpoint_path);
		return FALSE;
	}
	if (cp->size > tree_size) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "the database is behind the last checkpoint this server signed (size %"
		    G_GUINT64_FORMAT ", database has %" G_GUINT64_FORMAT "): it lost data; "
		    "restore it from a backup or a mirror", (guint64)cp->size, tree_size);
		ippyo_checkpoint_free(cp);
		return FALSE;
	}
	if (!chain_tree_root(log->tree, cp->size, root) ||
	    memcmp(root, cp->root, CHAIN_HASH_BYTES) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "the database contradicts the last checkpoint this server signed (size %"
		    G_GUINT64_FORMAT "): its tree of that size has another root; "
		    "restore it from a backup or a mirror", (guint64)cp->size);
		ippyo_checkpoint_free(cp);
		return FALSE;
	}
	if (log->have_signed && cp->size <= log->published_size) {
		ippyo_checkpoint_free(cp);
		return TRUE;
	}
	/* The database lost the row of a checkpoint whose entries it kept: store it again. */
	if (!chain_store_add_checkpoint(log->writer, cp->size, root, text, error) ||
	    (r = ippyo_merkle_state_from(&log->signed_state, cp->size, tree_hash_fn,
	    log->tree)) != 0) {
		if (r != 0)
			chain_set_ippyo_error(error, r, "compact state");
		ippyo_checkpoint_free(cp);
		return FALSE;
	}
	memcpy(log->signed_root, root, CHAIN_HASH_BYTES);
	log->have_signed = TRUE;
	log->published_size = cp->size;
	g_free(log->published_note);
	log->published_note = g_steal_pointer(&text);
	ippyo_checkpoint_free(cp);
	return TRUE;
}

ChainLog *
chain_log_open(const char *db_path, GBytes *entry0, const char *origin,
    const ippyo_note_signer *signer, GError **error)
{
	g_autoptr(ChainLog) log = g_new0(ChainLog, 1);
	LoadCtx ctx = { log };
	guint64 n_checkpoints = 0;
	int r;

	g_rw_lock_init(&log->lock);
	log->origin = g_strdup(origin);
	log->checkpoint_path = g_strconcat(db_path, ".checkpoint", NULL);
	log->signer = signer;
	log->tree = chain_tree_new();
	ippyo_merkle_state_init(&log->signed_state);
	if (g_strcmp0(ippyo_note_signer_name(signer), origin) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_WRONG_ORIGIN,
		    "the signing key's name is not the chain origin %s", origin);
		return NULL;
	}
	if ((r = ippyo_note_signer_verifier(signer, &log->verifier)) != 0) {
		chain_set_ippyo_error(error, r, "signing key");
		return NULL;
	}
	if ((log->hasher = ippyo_merkle_hasher_new()) == NULL) {
		chain_set_ippyo_error(error, IPPYO_ERR_ALLOC, "hasher");
		return NULL;
	}
	log->writer = chain_store_open(db_path, entry0, error);
	if (log->writer == NULL)
		return NULL;
	if (!chain_store_foreach(log->writer, 0, load_entry, &ctx, error))
		return NULL;
	if (!check_checkpoints(log, &n_checkpoints, error) ||
	    !check_checkpoint_file(log, n_checkpoints, error))
		return NULL;
	/* The file now holds the newest checkpoint (also on a new or older database). */
	if (log->have_signed && !write_checkpoint_file(log, log->published_note, error))
		return NULL;
	return g_steal_pointer(&log);
}

const char *
chain_log_origin(ChainLog *log)
{
	return log->origin;
}

const ippyo_note_verifier *
chain_log_verifier(ChainLog *log)
{
	return log->verifier;
}

guint64
chain_log_published(ChainLog *log, char **note)
{
	guint64 size;

	g_rw_lock_reader_lock(&log->lock);
	size = log->published_size;
	if (note != NULL)
		*note = g_strdup(log->published_note);
	g_rw_lock_reader_unlock(&log->lock);
	return size;
}

GBytes *
chain_log_tile(ChainLog *log, guint64 size, int level, guint64 n, unsigned width, GError **error)
{
	ippyo_buf *b = NULL;
	GBytes *out = NULL;
	int r;

	if (level < 0 || size > chain_log_published(log, NULL) ||
	    ippyo_tile_width(size, level, n) != width) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND, "no such tile");
		return NULL;
	}
	if ((b = ippyo_buf_new((size_t)width * IPPYO_HASH_BYTES)) == NULL) {
		chain_set_ippyo_error(error, IPPYO_ERR_ALLOC, "tile");
		return NULL;
	}
	g_rw_lock_reader_lock(&log->lock);
	r = ippyo_tile_build(tree_hash_fn, log->tree, level, n, width, b);
	g_rw_lock_reader_unlock(&log->lock);
	if (r != 0)
		chain_set_ippyo_error(error, r, "tile");
	else
		out = g_bytes_new(ippyo_buf_data(b), ippyo_buf_len(b));
	ippyo_buf_free(b);
	return out;
}

static GBytes *
proof_bytes(const ippyo_merkle_proof *p)
{
	GByteArray *a = g_byte_array_sized_new((guint)(p->n * IPPYO_HASH_BYTES));

	for (size_t i = 0; i < p->n; i++)
		g_byte_array_append(a, p->hash[i], IPPYO_HASH_BYTES);
	return g_byte_array_free_to_bytes(a);
}

GBytes *
chain_log_inclusion_proof(ChainLog *log, guint64 index, guint64 size, GError **error)
{
	ippyo_merkle_proof p;
	int r;

	if (index >= size) {
		chain_set_ippyo_error(error, IPPYO_ERR_INDEX_RANGE, "inclusion proof");
		return NULL;
	}
	g_rw_lock_reader_lock(&log->lock);
	if (size > chain_tree_size(log->tree))
		r = IPPYO_ERR_INDEX_RANGE;
	else
		r = ippyo_merkle_inclusion_proof(NULL, index, size, tree_hash_fn, log->tree, &p);
	g_rw_lock_reader_unlock(&log->lock);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "inclusion proof");
		return NULL;
	}
	return proof_bytes(&p);
}

GBytes *
chain_log_consistency_proof(ChainLog *log, guint64 m, guint64 n, GError **error)
{
	ippyo_merkle_proof p;
	int r;

	if (m == 0 || m > n) {
		chain_set_ippyo_error(error, IPPYO_ERR_INDEX_RANGE, "consistency proof");
		return NULL;
	}
	g_rw_lock_reader_lock(&log->lock);
	if (n > chain_tree_size(log->tree))
		r = IPPYO_ERR_INDEX_RANGE;
	else
		r = ippyo_merkle_consistency_proof(NULL, m, n, tree_hash_fn, log->tree, &p);
	g_rw_lock_reader_unlock(&log->lock);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "consistency proof");
		return NULL;
	}
	return proof_bytes(&p);
}

gboolean
chain_log_root(ChainLog *log, guint64 size, guint8 root[CHAIN_HASH_BYTES])
{
	gboolean ok;

	g_rw_lock_reader_lock(&log->lock);
	ok = chain_tree_root(log->tree, size, root);
	g_rw_lock_reader_unlock(&log->lock);
	return ok;
}

gboolean
chain_log_leaf(ChainLog *log, guint64 index, guint8 leaf[CHAIN_HASH_BYTES])
{
	const guint8 *h;

	g_rw_lock_reader_lock(&log->lock);
	h = chain_tree_node(log->tree, 0, index);
	if (h != NULL)
		memcpy(leaf, h, CHAIN_HASH_BYTES);
	g_rw_lock_reader_unlock(&log->lock);
	return h != NULL;
}

ChainStore *
chain_log_writer(ChainLog *log)
{
	return log->writer;
}

guint64
chain_log_tree_size(ChainLog *log)
{
	guint64 n;

	g_rw_lock_reader_lock(&log->lock);
	n = chain_tree_size(log->tree);
	g_rw_lock_reader_unlock(&log->lock);
	return n;
}

gboolean
chain_log_append(ChainLog *log, GPtrArray *entries, const guint8 *leaves, GError **error)
{
	guint64 first = chain_log_tree_size(log);

	if (entries->len == 0)
		return TRUE;
	if (!chain_store_append(log->writer, first, entries, leaves, error))
		return FALSE;
	g_rw_lock_writer_lock(&log->lock);
	for (guint i = 0; i < entries->len; i++)
		chain_tree_append(log->tree, leaves + (gsize)i * CHAIN_HASH_BYTES);
	g_rw_lock_writer_unlock(&log->lock);
	return TRUE;
}

typedef struct {
	ChainLog *log;
	ippyo_merkle_state *state;
} RecomputeCtx;

static gboolean
recompute_entry(guint64 index, const guint8 *data, gsize len, const guint8 leaf[CHAIN_HASH_BYTES],
    gpointer user_data, GError **error)
{
	RecomputeCtx *ctx = user_data;
	int r;

	r = ippyo_merkle_state_append_entry(ctx->state, ctx->log->hasher, data, len, NULL);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "entry %" G_GUINT64_FORMAT, index);
		return FALSE;
	}
	return TRUE;
}

char *
chain_log_sign(ChainLog *log, guint64 size, GError **error)
{
	ippyo_merkle_state state = log->signed_state;
	RecomputeCtx ctx = { log, &state };
	guint8 mem_root[CHAIN_HASH_BYTES], db_root[CHAIN_HASH_BYTES];
	ippyo_merkle_proof proof;
	ippyo_checkpoint *cp = NULL;
	char *note = NULL;
	size_t note_len = 0;
	int r = 0;

	if (size != chain_log_tree_size(log) || size < ippyo_merkle_state_size(&state)) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_INTERNAL, "sign: bad size");
		return NULL;
	}
	/* 1. the root from stored data: the signed compact state + the stored new entries */
	if (!chain_store_foreach(log->writer, ippyo_merkle_state_size(&state), recompute_entry,
	    &ctx, error))
		return NULL;
	if (ippyo_merkle_state_size(&state) != size) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "the store holds %" G_GUINT64_FORMAT " entries, the tree %" G_GUINT64_FORMAT,
		    ippyo_merkle_state_size(&state), size);
		return NULL;
	}
	if ((r = ippyo_merkle_state_root(&state, log->hasher, db_root)) != 0) {
		chain_set_ippyo_error(error, r, "root");
		return NULL;
	}
	/* 2. equal to the in-memory root */
	g_rw_lock_reader_lock(&log->lock);
	chain_tree_root(log->tree, size, mem_root);
	if (log->have_signed && ippyo_merkle_state_size(&log->signed_state) > 0)
		r = ippyo_merkle_consistency_proof(log->hasher,
		    ippyo_merkle_state_size(&log->signed_state), size, tree_hash_fn, log->tree, &proof);
	g_rw_lock_reader_unlock(&log->lock);
	if (memcmp(mem_root, db_root, CHAIN_HASH_BYTES) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH,
		    "the root recomputed from the store differs from the in-memory root");
		return NULL;
	}
	/* 3. the new root extends the last signed one */
	if (log->have_signed && ippyo_merkle_state_size(&log->signed_state) > 0) {
		if (r == 0)
			r = ippyo_merkle_verify_consistency(log->hasher,
			    ippyo_merkle_state_size(&log->signed_state), size, &proof,
			    log->signed_root, CHAIN_HASH_BYTES, db_root, CHAIN_HASH_BYTES);
		if (r != 0) {
			chain_set_ippyo_error(error, r,
			    "the new tree is not consistent with the last signed checkpoint");
			return NULL;
		}
	}
	/* 4. sign */
	if ((r = ippyo_checkpoint_new(log->origin, size, db_root, &cp)) != 0 ||
	    (r = ippyo_checkpoint_sign(cp, log->signer, &note, &note_len)) != 0) {
		ippyo_checkpoint_free(cp);
		chain_set_ippyo_error(error, r, "sign checkpoint");
		return NULL;
	}
	ippyo_checkpoint_free(cp);
	{
		char *out = g_strndup(note, note_len);

		OPENSSL_free(note);
		return out;
	}
}

gboolean
chain_log_publish(ChainLog *log, guint64 size, const char *note, GError **error)
{
	ippyo_merkle_state state;
	guint8 root[CHAIN_HASH_BYTES];
	int r;

	g_rw_lock_reader_lock(&log->lock);
	r = ippyo_merkle_state_from(&state, size, tree_hash_fn, log->tree);
	chain_tree_root(log->tree, size, root);
	g_rw_lock_reader_unlock(&log->lock);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "compact state");
		return FALSE;
	}
	/*
	 * Outside the database first, then in it; both before any receipt of
	 * this batch is answered. If the file fails, nothing changed and the
	 * next batch signs again; if the database fails after the file, the
	 * file's checkpoint covers entries already stored and is stored back
	 * into the database at the next start.
	 */
	if (!write_checkpoint_file(log, note, error) ||
	    !chain_store_add_checkpoint(log->writer, size, root, note, error))
		return FALSE;
	g_rw_lock_writer_lock(&log->lock);
	log->signed_state = state;
	memcpy(log->signed_root, root, CHAIN_HASH_BYTES);
	log->have_signed = TRUE;
	log->published_size = size;
	g_free(log->published_note);
	log->published_note = g_strdup(note);
	g_rw_lock_writer_unlock(&log->lock);
	return TRUE;
}
