/* ippyo-tally — the mirror folder and the tally documents (aggregate, partial decryption). */
#include "record.h"

#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "encoding.h"
#include "error.h"
#include "json-wipe.h"
#include "crypto/hash.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "tally.h"
#include "tally-error.h"

#define TAG_AGGREGATE "ippyo/v1/aggregate"
#define DOC_MAX (4u * 1024 * 1024)

char *
tally_hex(const guint8 *data, gsize len)
{
	char *out = g_malloc(2 * len + 1);

	ippyo_hex_write(data, len, out);
	return out;
}

gboolean
tally_hex_decode(const char *s, guint8 *out, gsize want)
{
	return s != NULL && ippyo_hex_decode_exact(s, out, want) == 0;
}

static gboolean
invalid(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

static gboolean
invalid(GError **error, const char *format, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, format);
	msg = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error_literal(error, TALLY_ERROR, TALLY_EXIT_INVALID, msg);
	return FALSE;
}

/* ---- mirror folder ---- */

char *
tally_mirror_tile_path(const char *dir, int level, guint64 n, unsigned width)
{
	char rel[IPPYO_TILE_MAX_PATH];

	if (ippyo_tile_path(level, n, width, rel) != 0)
		return NULL;
	return g_build_filename(dir, rel, NULL);
}

static gboolean
write_file_in(const char *path, const void *data, gsize len, GError **error)
{
	g_autofree char *parent = g_path_get_dirname(path);

	if (!tally_make_dir(parent, 0755, error))
		return FALSE;
	return tally_write_file(path, data, len, 0644, error);
}

gboolean
tally_mirror_write(const char *dir, GPtrArray *entries, const void *checkpoint,
    gsize checkpoint_len, GError **error)
{
	guint64 size = entries->len, n;
	g_autofree guint8 *leaves = g_malloc0_n(size > 0 ? size : 1, IPPYO_HASH_BYTES);
	struct ippyo_merkle_leaves src;
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	g_autofree char *cp_path = NULL;
	gboolean ok = FALSE;
	int level, r;

	if (h == NULL) {
		tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "mirror");
		return FALSE;
	}
	for (n = 0; n < size; n++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(entries->pdata[n], &len);

		if ((r = ippyo_merkle_hash_leaf(h, d, len, leaves + n * IPPYO_HASH_BYTES)) != 0) {
			tally_set_ippyo_error(error, r, "entry %" G_GUINT64_FORMAT, n);
			goto out;
		}
	}
	src.hashes = leaves;
	src.n = size;
	src.h = h;
	/* Entry bundles. */
	for (n = 0; n < ippyo_tile_count(size, IPPYO_TILE_ENTRIES); n++) {
		unsigned w = ippyo_tile_width(size, IPPYO_TILE_ENTRIES, n), i;
		ippyo_buf *b = ippyo_buf_new((gsize)IPPYO_TILE_WIDTH * (IPPYO_ENTRY_MAX + 2));
		g_autofree char *path = tally_mirror_tile_path(dir, IPPYO_TILE_ENTRIES, n, w);
		gboolean wok;

		for (i = 0; b != NULL && i < w; i++) {
			gsize len;
			const guint8 *d = g_bytes_get_data(entries->pdata[n * 256 + i], &len);

			if ((r = ippyo_bundle_append(b, d, len)) != 0) {
				ippyo_buf_free(b);
				tally_set_ippyo_error(error, r, "entry %" G_GUINT64_FORMAT,
				    n * 256 + i);
				goto out;
			}
		}
		if (b == NULL || path == NULL) {
			ippyo_buf_free(b);
			tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "mirror");
			goto out;
		}
		wok = write_file_in(path, ippyo_buf_data(b), ippyo_buf_len(b), error);
		ippyo_buf_free(b);
		if (!wok)
			goto out;
	}
	/* Hash tiles. */
	for (level = 0; level <= ippyo_tile_top_level(size); level++) {
		for (n = 0; n < ippyo_tile_count(size, level); n++) {
			unsigned w = ippyo_tile_width(size, level, n);
			ippyo_buf *b = ippyo_buf_new(IPPYO_TILE_BYTES);
			g_autofree char *path = tally_mirror_tile_path(dir, level, n, w);
			gboolean wok;

			if (b == NULL || path == NULL) {
				ippyo_buf_free(b);
				tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "mirror");
				goto out;
			}
			if ((r = ippyo_tile_build(ippyo_merkle_leaves_hash_fn, &src, level, n, w,
			    b)) != 0) {
				ippyo_buf_free(b);
				tally_set_ippyo_error(error, r, "tile %d/%" G_GUINT64_FORMAT, level, n);
				goto out;
			}
			wok = write_file_in(path, ippyo_buf_data(b), ippyo_buf_len(b), error);
			ippyo_buf_free(b);
			if (!wok)
				goto out;
		}
	}
	cp_path = g_build_filename(dir, TALLY_MIRROR_CHECKPOINT, NULL);
	if (!write_file_in(cp_path, checkpoint, checkpoint_len, error))
		goto out;
	ok = TRUE;
out:
	ippyo_merkle_hasher_free(h);
	return ok;
}

GPtrArray *
tally_mirror_read_entries(const char *dir, guint64 size, guint64 start, guint64 end,
    GError **error)
{
	g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint64 n;

	if (start > end || end > size) {
		invalid(error, "entries %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
		    " are outside the tree of size %" G_GUINT64_FORMAT, start, end, size);
		return NULL;
	}
	for (n = start / 256; n * 256 < end; n++) {
		unsigned w = ippyo_tile_width(size, IPPYO_TILE_ENTRIES, n), i;
		g_autofree char *path = tally_mirror_tile_path(dir, IPPYO_TILE_ENTRIES, n, w);
		g_autofree char *data = NULL;
		g_autofree ippyo_bundle_entry *ents = NULL;
		gsize len;
		int r;

		if (path == NULL || !tally_read_file(path, (gsize)w * (IPPYO_ENTRY_MAX + 2),
		    &data, &len, error))
			return NULL;
		ents = g_new0(ippyo_bundle_entry, w);
		if ((r = ippyo_bundle_parse((const guint8 *)data, len, w, ents)) != 0) {
			tally_set_ippyo_error(error, r, "%s", path);
			return NULL;
		}
		for (i = 0; i < w; i++) {
			guint64 idx = n * 256 + i;

			if (idx < start || idx >= end)
				continue;
			g_ptr_array_add(out, g_bytes_new(ents[i].data, ents[i].len));
		}
	}
	return g_steal_pointer(&out);
}

int
tally_mirror_fetch_tile(void *arg, int level, uint64_t n, unsigned width, uint8_t *out)
{
	g_autofree char *path = tally_mirror_tile_path(arg, level, n, width);
	g_autofree char *data = NULL;
	gsize len;

	if (path == NULL)
		return IPPYO_ERR_TILE_FORMAT;
	if (!tally_read_file(path, IPPYO_TILE_BYTES, &data, &len, NULL))
		return IPPYO_ERR_NOT_FOUND;
	if (ippyo_tile_check((const guint8 *)data, len, width) != 0)
		return IPPYO_ERR_TILE_FORMAT;
	memcpy(out, data, len);
	return 0;
}

/* ---- strict JSON helpers ---- */

static json_t *
load_json(const char *text, gsize len, GError **error)
{
	json_error_t je;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

	if (v == NULL) {
		invalid(error, "not valid JSON (line %d: %s)", je.line, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		invalid(error, "not a JSON object");
		return NULL;
	}
	return v;
}

static gboolean
check_keys(json_t *obj, const char *const *keys, GError **error)
{
	const char *k;
	json_t *v;
	gsize i, n = 0;

	for (i = 0; keys[i] != NULL; i++) {
		if (json_object_get(obj, keys[i]) == NULL)
			return invalid(error, "missing key \"%s\"", keys[i]);
		n++;
	}
	json_object_foreach(obj, k, v) {
		gboolean known = FALSE;

		(void)v;
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(k, keys[i]) == 0)
				known = TRUE;
		if (!known)
			return invalid(error, "unknown key \"%s\"", k);
	}
	return json_object_size(obj) == n || invalid(error, "unexpected keys");
}

static gboolean
get_uint(json_t *obj, const char *key, guint64 max, guint64 *out, GError **error)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (guint64)json_integer_value(v) > max)
		return invalid(error, "\"%s\" is not an integer in 0..%" G_GUINT64_FORMAT, key, max);
	*out = (guint64)json_integer_value(v);
	return TRUE;
}

static const char *
get_str(json_t *obj, const char *key, GError **error)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v)) {
		invalid(error, "\"%s\" is not a string", key);
		return NULL;
	}
	return json_string_value(v);
}

static json_t *
b64_json(const guint8 *data, gsize len)
{
	char *s = NULL;
	json_t *v;

	if (ippyo_b64url_encode(data, len, &s) != 0)
		return NULL;
	v = json_string(s);
	OPENSSL_free(s);
	return v;
}

static gboolean
check_header(json_t *obj, const ippyo_manifest *m, const char *type, guint8 h[32],
    GError **error)
{
	const char *t, *id, *hx;
	guint64 ver = 0;
	guint8 want[32];
	int r;

	if ((t = get_str(obj, "type", error)) == NULL)
		return FALSE;
	if (strcmp(t, type) != 0)
		return invalid(error, "type is \"%s\", not \"%s\"", t, type);
	if (!get_uint(obj, "version", 1, &ver, error))
		return FALSE;
	if (ver != 1)
		return invalid(error, "version %" G_GUINT64_FORMAT " is not 1", ver);
	if ((id = get_str(obj, "election_id", error)) == NULL ||
	    (hx = get_str(obj, "election_hash", error)) == NULL)
		return FALSE;
	if (!tally_hex_decode(hx, h, 32))
		return invalid(error, "\"election_hash\" is not 64 lower-case hex digits");
	if ((r = ippyo_manifest_election_hash(m, want)) != 0) {
		tally_set_ippyo_error(error, r, "manifest");
		return FALSE;
	}
	if (strcmp(id, ippyo_manifest_election_id(m)) != 0 || memcmp(want, h, 32) != 0)
		return invalid(error, "made for another election");
	return TRUE;
}

/* The per-contest arrays of an aggregate or partial: exactly the manifest's shape. */
static gboolean
check_shape(json_t *arr, const ippyo_manifest *m, GError **error)
{
	gsize c;

	if (!json_is_array(arr) || json_array_size(arr) != ippyo_manifest_contests(m))
		return invalid(error, "not one array per contest of the manifest");
	for (c = 0; c < json_array_size(arr); c++) {
		json_t *row = json_array_get(arr, c);

		if (!json_is_array(row) || json_array_size(row) != ippyo_manifest_options(m, c))
			return invalid(error, "contest %zu: not one value per option", c);
	}
	return TRUE;
}

/* ---- aggregate ---- */

TallyAggregate *
tally_aggregate_new(const ippyo_manifest *m)
{
	TallyAggregate *a = g_new0(TallyAggregate, 1);
	gsize c, o;

	a->election_id = g_strdup(ippyo_manifest_election_id(m));
	if (ippyo_manifest_election_hash(m, a->election_hash) != 0)
		memset(a->election_hash, 0, 32);
	a->n_contests = ippyo_manifest_contests(m);
	a->n_options = g_new0(gsize, a->n_contests);
	a->totals = g_new0(ippyo_ciphertext **, a->n_contests);
	for (c = 0; c < a->n_contests; c++) {
		a->n_options[c] = ippyo_manifest_options(m, c);
		a->totals[c] = g_new0(ippyo_ciphertext *, a->n_options[c]);
		for (o = 0; o < a->n_options[c]; o++)
			a->totals[c][o] = ippyo_ciphertext_new();
	}
	return a;
}

void
tally_aggregate_free(TallyAggregate *a)
{
	gsize c, o;

	if (a == NULL)
		return;
	for (c = 0; c < a->n_contests; c++) {
		for (o = 0; o < a->n_options[c]; o++)
			ippyo_ciphertext_free(a->totals[c][o]);
		g_free(a->totals[c]);
	}
	g_free(a->totals);
	g_free(a->n_options);
	g_free(a->election_id);
	g_free(a);
}

json_t *
tally_aggregate_to_json(const TallyAggregate *a, GError **error)
{
	json_t *o = json_object(), *totals = json_array();
	g_autofree char *hx = tally_hex(a->election_hash, 32);
	gsize c, i;

	for (c = 0; c < a->n_contests; c++) {
		json_t *row = json_array();

		for (i = 0; i < a->n_options[c]; i++) {
			guint8 ct[IPPYO_CIPHERTEXT_BYTES];
			int r = ippyo_ciphertext_serialize(a->totals[c][i], ct);

			if (r != 0) {
				json_decref(row);
				json_decref(totals);
				json_decref(o);
				tally_set_ippyo_error(error, r,
				    "total of contest %zu option %zu (no ballot counted?)", c, i);
				return NULL;
			}
			json_array_append_new(row, b64_json(ct, sizeof(ct)));
		}
		json_array_append_new(totals, row);
	}
	json_object_set_new(o, "close_index", json_integer((json_int_t)a->close_index));
	json_object_set_new(o, "counted", json_integer((json_int_t)a->counted));
	json_object_set_new(o, "election_hash", json_string(hx));
	json_object_set_new(o, "election_id", json_string(a->election_id));
	json_object_set_new(o, "totals", totals);
	json_object_set_new(o, "type", json_string("ippyo-aggregate"));
	json_object_set_new(o, "version", json_integer(1));
	return o;
}

TallyAggregate *
tally_aggregate_from_json(const ippyo_manifest *m, const char *text, gsize len, GError **error)
{
	static const char *const keys[] = { "close_index", "counted", "election_hash",
	    "election_id", "totals", "type", "version", NULL };
	json_t *root = load_json(text, len, error), *totals;
	g_autoptr(TallyAggregate) a = NULL;
	gsize c, o;
	guint8 h[32];

	if (root == NULL)
		return NULL;
	a = tally_aggregate_new(m);
	if (!check_keys(root, keys, error) || !check_header(root, m, "ippyo-aggregate", h, error) ||
	    !get_uint(root, "close_index", G_MAXINT64, &a->close_index, error) ||
	    !get_uint(root, "counted", G_MAXINT64, &a->counted, error))
		goto fail;
	totals = json_object_get(root, "totals");
	if (!check_shape(totals, m, error))
		goto fail;
	for (c = 0; c < a->n_contests; c++) {
		for (o = 0; o < a->n_options[c]; o++) {
			json_t *v = json_array_get(json_array_get(totals, c), o);
			guint8 ct[IPPYO_CIPHERTEXT_BYTES];
			int r;

			if (!json_is_string(v) ||
			    ippyo_b64url_decode_exact(json_string_value(v), ct, sizeof(ct)) != 0) {
				invalid(error, "total of contest %zu option %zu is not 66 bytes "
				    "of base64url", c, o);
				goto fail;
			}
			if ((r = ippyo_ciphertext_parse(a->totals[c][o], ct, sizeof(ct))) != 0) {
				tally_set_ippyo_error(error, r, "total of contest %zu option %zu", c, o);
				goto fail;
			}
		}
	}
	json_decref(root);
	return g_steal_pointer(&a);
fail:
	json_decref(root);
	return NULL;
}

gboolean
tally_aggregate_hash(const TallyAggregate *a, guint8 out[32], GError **error)
{
	ippyo_transcript *t = ippyo_transcript_new(TAG_AGGREGATE);
	gsize c, o;
	int r = IPPYO_ERR_ALLOC;

	if (t == NULL)
		goto out;
	if ((r = ippyo_transcript_put(t, a->election_hash, 32)) != 0 ||
	    (r = ippyo_transcript_put_u64(t, a->close_index)) != 0 ||
	    (r = ippyo_transcript_put_u64(t, a->counted)) != 0)
		goto out;
	for (c = 0; c < a->n_contests; c++)
		for (o = 0; o < a->n_options[c]; o++)
			if ((r = ippyo_transcript_put_ciphertext(t, a->totals[c][o])) != 0)
				goto out;
	r = ippyo_transcript_digest(t, out);
out:
	ippyo_transcript_free(t);
	if (r != 0)
		tally_set_ippyo_error(error, r, "aggregate hash");
	return r == 0;
}

/* ---- partial decryption ---- */

static TallyPartial *
partial_new(const ippyo_manifest *m, guint32 trustee)
{
	TallyPartial *p = g_new0(TallyPartial, 1);
	gsize c, o;

	p->trustee = trustee;
	p->election_id = g_strdup(ippyo_manifest_election_id(m));
	if (ippyo_manifest_election_hash(m, p->election_hash) != 0)
		memset(p->election_hash, 0, 32);
	p->n_contests = ippyo_manifest_contests(m);
	p->n_options = g_new0(gsize, p->n_contests);
	p->shares = g_new0(ippyo_partial_decryption **, p->n_contests);
	for (c = 0; c < p->n_contests; c++) {
		p->n_options[c] = ippyo_manifest_options(m, c);
		p->shares[c] = g_new0(ippyo_partial_decryption *, p->n_options[c]);
		for (o = 0; o < p->n_options[c]; o++)
			p->shares[c][o] = ippyo_partial_decryption_new();
	}
	return p;
}

void
tally_partial_free(TallyPartial *p)
{
	gsize c, o;

	if (p == NULL)
		return;
	for (c = 0; c < p->n_contests; c++) {
		for (o = 0; o < p->n_options[c]; o++)
			ippyo_partial_decryption_free(p->shares[c][o]);
		g_free(p->shares[c]);
	}
	g_free(p->shares);
	g_free(p->n_options);
	g_free(p->election_id);
	g_free(p);
}

TallyPartial *
tally_partial_compute(const ippyo_manifest *m, const TallyAggregate *a,
    const ippyo_trustee_key *key, GError **error)
{
	g_autoptr(TallyPartial) p = NULL;
	const ippyo_point *X;
	gsize c;
	int r, eq;

	if (!ippyo_manifest_is_sealed(m)) {
		invalid(error, "the manifest is not sealed");
		return NULL;
	}
	if (memcmp(ippyo_trustee_key_transcript(key), ippyo_manifest_ceremony_hash(m), 32) != 0) {
		invalid(error, "the key share comes from another ceremony than the manifest's");
		return NULL;
	}
	X = ippyo_manifest_trustee_key(m, ippyo_trustee_key_index(key));
	if (X == NULL || (eq = ippyo_point_eq(X, ippyo_trustee_key_verification_key(key))) != 1) {
		invalid(error, "the key share's verification key is not trustee %u's in the manifest",
		    ippyo_trustee_key_index(key));
		return NULL;
	}
	p = partial_new(m, ippyo_trustee_key_index(key));
	if (!tally_aggregate_hash(a, p->aggregate, error))
		return NULL;
	for (c = 0; c < p->n_contests; c++) {
		if ((r = ippyo_partial_decrypt_vector(p->shares[c], key, p->election_hash,
		    (const ippyo_ciphertext *const *)a->totals[c], p->n_options[c])) != 0) {
			tally_set_ippyo_error(error, r, "partial decryption of contest %zu", c);
			return NULL;
		}
	}
	return g_steal_pointer(&p);
}

char *
tally_partial_to_bytes(const TallyPartial *p, gsize *len, GError **error)
{
	json_t *o = json_object(), *shares = json_array();
	g_autofree char *hx = tally_hex(p->election_hash, 32);
	g_autofree char *ag = tally_hex(p->aggregate, 32);
	char *s, *out;
	gsize c, i;

	for (c = 0; c < p->n_contests; c++) {
		json_t *row = json_array();

		for (i = 0; i < p->n_options[c]; i++) {
			guint8 b[IPPYO_PARTIAL_DECRYPTION_BYTES];
			int r = ippyo_partial_decryption_serialize(p->shares[c][i], b);

			if (r != 0) {
				json_decref(row);
				json_decref(shares);
				json_decref(o);
				tally_set_ippyo_error(error, r, "share %zu/%zu", c, i);
				return NULL;
			}
			json_array_append_new(row, b64_json(b, sizeof(b)));
		}
		json_array_append_new(shares, row);
	}
	json_object_set_new(o, "aggregate", json_string(ag));
	json_object_set_new(o, "election_hash", json_string(hx));
	json_object_set_new(o, "election_id", json_string(p->election_id));
	json_object_set_new(o, "shares", shares);
	json_object_set_new(o, "trustee", json_integer(p->trustee));
	json_object_set_new(o, "type", json_string("ippyo-partial-decryption"));
	json_object_set_new(o, "version", json_integer(1));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (s == NULL) {
		tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "partial decryption");
		return NULL;
	}
	out = g_strdup(s);
	*len = strlen(out);
	ippyo_json_free(s);
	return out;
}

TallyPartial *
tally_partial_from_bytes(const ippyo_manifest *m, const guint8 *data, gsize len, GError **error)
{
	static const char *const keys[] = { "aggregate", "election_hash", "election_id",
	    "shares", "trustee", "type", "version", NULL };
	json_t *root = load_json((const char *)data, len, error), *shares;
	g_autoptr(TallyPartial) p = NULL;
	guint64 trustee = 0;
	guint8 h[32];
	const char *ag;
	char *canon;
	gsize c, o;

	if (root == NULL)
		return NULL;
	if (!check_keys(root, keys, error) ||
	    !check_header(root, m, "ippyo-partial-decryption", h, error) ||
	    !get_uint(root, "trustee", ippyo_manifest_trustees_n(m), &trustee, error))
		goto fail;
	if (trustee < 1) {
		invalid(error, "trustee 0 does not exist");
		goto fail;
	}
	/* The document of a decryption entry has one byte form. */
	canon = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	if (canon == NULL || strlen(canon) != len || memcmp(canon, data, len) != 0) {
		ippyo_json_free(canon);
		invalid(error, "not canonical JSON (compact, keys sorted)");
		goto fail;
	}
	ippyo_json_free(canon);
	p = partial_new(m, (guint32)trustee);
	if ((ag = get_str(root, "aggregate", error)) == NULL)
		goto fail;
	if (!tally_hex_decode(ag, p->aggregate, 32)) {
		invalid(error, "\"aggregate\" is not 64 lower-case hex digits");
		goto fail;
	}
	shares = json_object_get(root, "shares");
	if (!check_shape(shares, m, error))
		goto fail;
	for (c = 0; c < p->n_contests; c++) {
		for (o = 0; o < p->n_options[c]; o++) {
			json_t *v = json_array_get(json_array_get(shares, c), o);
			guint8 b[IPPYO_PARTIAL_DECRYPTION_BYTES];
			int r;

			if (!json_is_string(v) ||
			    ippyo_b64url_decode_exact(json_string_value(v), b, sizeof(b)) != 0) {
				invalid(error, "share of contest %zu option %zu is not 131 bytes "
				    "of base64url", c, o);
				goto fail;
			}
			if ((r = ippyo_partial_decryption_parse(p->shares[c][o], (guint32)trustee, b,
			    sizeof(b))) != 0) {
				tally_set_ippyo_error(error, r, "share of contest %zu option %zu", c, o);
				goto fail;
			}
		}
	}
	json_decref(root);
	return g_steal_pointer(&p);
fail:
	json_decref(root);
	return NULL;
}

gboolean
tally_partial_verify(const TallyPartial *p, const ippyo_manifest *m, const TallyAggregate *a,
    gsize *bad_contest, gsize *bad_option, GError **error)
{
	const ippyo_point *X = ippyo_manifest_trustee_key(m, p->trustee);
	guint8 ah[32];
	gsize c, o;
	int r;

	if (bad_contest != NULL)
		*bad_contest = G_MAXSIZE;
	if (bad_option != NULL)
		*bad_option = G_MAXSIZE;
	if (X == NULL) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY, "trustee %u is not in the manifest",
		    p->trustee);
		return FALSE;
	}
	if (!tally_aggregate_hash(a, ah, error))
		return FALSE;
	if (memcmp(ah, p->aggregate, 32) != 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
		    "trustee %u decrypted another aggregate than this one", p->trustee);
		return FALSE;
	}
	for (c = 0; c < p->n_contests; c++) {
		for (o = 0; o < p->n_options[c]; o++) {
			r = ippyo_partial_decryption_verify(p->shares[c][o], X, p->election_hash,
			    a->totals[c][o]);
			if (r != 0) {
				if (bad_contest != NULL)
					*bad_contest = c;
				if (bad_option != NULL)
					*bad_option = o;
				g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
				    "trustee %u: the proof of contest %zu option %zu does not verify",
				    p->trustee, c, o);
				return FALSE;
			}
		}
	}
	return TRUE;
}

void
tally_totals_free(guint64 **totals, gsize n_contests)
{
	gsize c;

	if (totals == NULL)
		return;
	for (c = 0; c < n_contests; c++)
		g_free(totals[c]);
	g_free(totals);
}

/* M of (c, o) from the partials. */
static int
combine_one(const ippyo_manifest *m, const TallyAggregate *a, TallyPartial *const *parts,
    gsize n_parts, gsize c, gsize o, ippyo_point *M)
{
	g_autofree const ippyo_partial_decryption **pds = g_new0(const ippyo_partial_decryption *,
	    n_parts > 0 ? n_parts : 1);
	gsize i;

	for (i = 0; i < n_parts; i++)
		pds[i] = parts[i]->shares[c][o];
	return ippyo_decrypt_combine(M, a->totals[c][o],
	    (const ippyo_partial_decryption *const *)pds, n_parts, ippyo_manifest_trustees_t(m),
	    ippyo_manifest_trustees_n(m));
}

guint64 **
tally_combine_totals(const ippyo_manifest *m, const TallyAggregate *a,
    TallyPartial *const *parts, gsize n_parts, GError **error)
{
	ippyo_dlog_table *table = NULL;
	ippyo_point *M = ippyo_point_new();
	guint64 **totals = g_new0(guint64 *, a->n_contests);
	gsize c, o;
	int r;

	if (M == NULL || (r = ippyo_dlog_table_new(&table, a->counted)) != 0) {
		tally_set_ippyo_error(error, M == NULL ? IPPYO_ERR_ALLOC : r, "discrete log table");
		goto fail;
	}
	for (c = 0; c < a->n_contests; c++) {
		totals[c] = g_new0(guint64, a->n_options[c]);
		for (o = 0; o < a->n_options[c]; o++) {
			uint64_t v;

			if ((r = combine_one(m, a, parts, n_parts, c, o, M)) != 0 ||
			    (r = ippyo_dlog_table_solve(table, M, &v)) != 0) {
				tally_set_ippyo_error(error, r, "contest %zu option %zu", c, o);
				goto fail;
			}
			totals[c][o] = v;
		}
	}
	ippyo_dlog_table_free(table);
	ippyo_point_free(M);
	return totals;
fail:
	ippyo_dlog_table_free(table);
	ippyo_point_free(M);
	tally_totals_free(totals, a->n_contests);
	return NULL;
}

gboolean
tally_check_totals(const ippyo_manifest *m, const TallyAggregate *a, TallyPartial *const *parts,
    gsize n_parts, guint64 *const *totals, gsize *bad_contest, gsize *bad_option, GError **error)
{
	ippyo_point *M = ippyo_point_new(), *T = ippyo_point_new();
	ippyo_scalar *s = ippyo_scalar_new();
	gboolean ok = FALSE;
	gsize c, o;
	int r = IPPYO_ERR_ALLOC;

	*bad_contest = *bad_option = G_MAXSIZE;
	if (M == NULL || T == NULL || s == NULL)
		goto out;
	for (c = 0; c < a->n_contests; c++) {
		for (o = 0; o < a->n_options[c]; o++) {
			if ((r = combine_one(m, a, parts, n_parts, c, o, M)) != 0)
				goto out;
			if (totals[c][o] == 0)
				r = ippyo_point_set_infinity(T);
			else if ((r = ippyo_scalar_set_u64(s, totals[c][o])) == 0)
				r = ippyo_point_mul_gen(T, s);
			if (r != 0)
				goto out;
			if (ippyo_point_eq(M, T) != 1) {
				*bad_contest = c;
				*bad_option = o;
				g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
				    "contest %zu option %zu: the decryption is not %" G_GUINT64_FORMAT,
				    c, o, totals[c][o]);
				r = 0;
				goto out2;
			}
		}
	}
	ok = TRUE;
out:
	if (!ok)
		tally_set_ippyo_error(error, r, "combining the partial decryptions");
out2:
	ippyo_point_free(M);
	ippyo_point_free(T);
	ippyo_scalar_free(s);
	return ok;
}
