/* A tiny chain server for the net tests (see fake-chain.h). */
#include "fake-chain.h"

#include <jansson.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <string.h>

#include "buf.h"
#include "encoding.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/receipt.h"
#include "log/tiles.h"

struct _FakeChain {
	GMutex lock;
	GCond cond;
	GThread *thread;
	GMainContext *ctx;
	GMainLoop *loop;
	SoupServer *server;
	char *url;

	ippyo_note_signer *signer;
	ippyo_note_signer *evil;          /* same name, another key */
	ippyo_note_signer *witness;       /* may be NULL */
	GPtrArray *entries;               /* GBytes */
	GByteArray *leaves;               /* 32 bytes each */
	GPtrArray *receipts;              /* char * JSON answer per index, or NULL */
	guint64 published;
	GBytes *note;
	guint posts;
	guint appended;
	FakeBehaviour b;
};

static void
check(int r, const char *what)
{
	if (r != 0)
		g_error("fake chain: %s: %s", what, ippyo_strerror(r));
}

static GBytes *
sign_text(FakeChain *f, const char *origin, guint64 size, const ippyo_note_signer *key)
{
	uint8_t root[IPPYO_HASH_BYTES];
	ippyo_checkpoint *c = NULL;
	ippyo_note *n = NULL;
	ippyo_buf *text = ippyo_buf_new(IPPYO_CHECKPOINT_MAX_TEXT);
	ippyo_buf *out = ippyo_buf_new(IPPYO_NOTE_MAX_BYTES);
	GBytes *ret;

	check(ippyo_merkle_root(NULL, f->leaves->data, size, root), "root");
	check(ippyo_checkpoint_new(origin, size, root, &c), "checkpoint");
	check(ippyo_checkpoint_format(c, text), "format");
	check(ippyo_note_new(ippyo_buf_data(text), ippyo_buf_len(text), &n), "note");
	check(ippyo_note_sign(n, key), "sign");
	if (f->witness != NULL)
		check(ippyo_cosignature_add(n, f->witness, (uint64_t)g_get_real_time() / 1000000),
		    "cosign");
	check(ippyo_note_serialize(n, out), "serialize");
	ret = g_bytes_new(ippyo_buf_data(out), ippyo_buf_len(out));
	ippyo_checkpoint_free(c);
	ippyo_note_free(n);
	ippyo_buf_free(text);
	ippyo_buf_free(out);
	return ret;
}

/* Under the lock. */
static void
publish_locked(FakeChain *f, guint64 size)
{
	g_assert_cmpuint(size, <=, f->entries->len);
	g_clear_pointer(&f->note, g_bytes_unref);
	f->note = sign_text(f, FAKE_ORIGIN, size, f->signer);
	f->published = size;
}

static void
append_locked(FakeChain *f, const void *entry, gsize len)
{
	uint8_t leaf[IPPYO_HASH_BYTES];

	check(ippyo_merkle_hash_leaf(NULL, entry, len, leaf), "leaf");
	g_ptr_array_add(f->entries, g_bytes_new(entry, len));
	g_byte_array_append(f->leaves, leaf, sizeof(leaf));
	g_ptr_array_add(f->receipts, NULL);
}

static void
reply(SoupServerMessage *msg, guint status, const char *type, const void *data, gsize len)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, data, len);
}

static void
reply_error(SoupServerMessage *msg, guint status, const char *code, const char *message)
{
	json_t *j = json_pack("{s:s,s:s}", "code", code, "message", message);
	char *s = json_dumps(j, JSON_COMPACT);

	if (status == 503)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
		    "Retry-After", "1");
	reply(msg, status, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
}

static void
reply_json(SoupServerMessage *msg, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	reply(msg, 200, "application/json", s, strlen(s));
	free(s);
	json_decref(j);
}

static json_t *
proof_json(const ippyo_merkle_proof *p, gboolean corrupt)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < p->n; i++) {
		uint8_t h[IPPYO_HASH_BYTES];
		ippyo_buf *b = ippyo_buf_new(128);

		memcpy(h, p->hash[i], sizeof(h));
		if (corrupt && i == 0)
			h[5] ^= 1;
		check(ippyo_b64_put(b, h, sizeof(h)), "b64");
		json_array_append_new(arr, json_stringn((const char *)ippyo_buf_data(b),
		    ippyo_buf_len(b)));
		ippyo_buf_free(b);
	}
	return arr;
}

static gboolean
query_u64(GHashTable *query, const char *key, guint64 *out)
{
	const char *v = query != NULL ? g_hash_table_lookup(query, key) : NULL;

	return v != NULL && g_ascii_string_to_unsigned(v, 10, 0, G_MAXUINT64, out, NULL);
}

static void
serve_tile(FakeChain *f, SoupServerMessage *msg, const char *path)
{
	int level;
	uint64_t n;
	unsigned w, have;
	ippyo_buf *out = ippyo_buf_new(256u * (2 + IPPYO_ENTRY_MAX));

	if (ippyo_tile_path_parse(path + 1, &level, &n, &w) != 0) {
		reply_error(msg, 404, "not_found", "no such tile");
		goto out;
	}
	have = ippyo_tile_width(f->published, level, n);
	if (have == 0 || (w == IPPYO_TILE_WIDTH && have != w) || w > have) {
		reply_error(msg, 404, "not_found", "no such tile");
		goto out;
	}
	if (level == IPPYO_TILE_ENTRIES) {
		for (unsigned i = 0; i < w; i++) {
			GBytes *e = g_ptr_array_index(f->entries, n * IPPYO_TILE_WIDTH + i);
			gsize len;
			const guint8 *p = g_bytes_get_data(e, &len);

			check(ippyo_bundle_append(out, p, len), "bundle");
		}
	} else {
		struct ippyo_merkle_leaves lv = { f->leaves->data, f->published, NULL };

		check(ippyo_tile_build(ippyo_merkle_leaves_hash_fn, &lv, level, n, w, out), "tile");
	}
	{
		g_autofree guint8 *copy = g_memdup2(ippyo_buf_data(out), ippyo_buf_len(out));

		if ((level == 0 && f->b.corrupt_tiles) ||
		    (level == IPPYO_TILE_ENTRIES && f->b.corrupt_bundles))
			copy[ippyo_buf_len(out) - 1] ^= 1;
		reply(msg, 200, "application/octet-stream", copy, ippyo_buf_len(out));
	}
out:
	ippyo_buf_free(out);
}

static void
serve_post(FakeChain *f, SoupServerMessage *msg)
{
	g_autoptr(GBytes) body = soup_message_body_flatten(
	    soup_server_message_get_request_body(msg));
	guint64 index = G_MAXUINT64;
	gboolean dup = FALSE;
	const char *answer;

	if (f->b.drop_posts > 0) {
		GIOStream *io;

		f->b.drop_posts--;
		io = soup_server_message_steal_connection(msg);
		g_io_stream_close(io, NULL, NULL);
		g_object_unref(io);
		return;
	}
	f->posts++;
	if (f->b.fail_503 > 0) {
		f->b.fail_503--;
		soup_server_message_set_status(msg, 503, NULL);
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
		    "Retry-After", f->b.retry_after != NULL ? f->b.retry_after : "0");
		soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_STATIC,
		    "{\"code\":\"busy\",\"message\":\"try again\"}", 37);
		return;
	}
	if (f->b.reject_code != NULL) {
		reply_error(msg, f->b.reject_status, f->b.reject_code,
		    f->b.reject_message != NULL ? f->b.reject_message : "rejected");
		return;
	}
	if (g_bytes_get_size(body) == 0) {
		reply_error(msg, 400, "bad_json", "empty");
		return;
	}
	for (guint i = 0; i < f->entries->len; i++)
		if (g_bytes_equal(g_ptr_array_index(f->entries, i), body)) {
			index = i;
			dup = TRUE;
		}
	if (index == G_MAXUINT64) {
		ippyo_merkle_proof proof;
		ippyo_receipt *r = NULL;
		ippyo_buf *text = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES);
		struct ippyo_merkle_leaves lv;
		gsize nlen;
		const guint8 *np;
		char hex[2 * IPPYO_HASH_BYTES + 1];
		json_t *j;

		index = f->entries->len;
		append_locked(f, g_bytes_get_data(body, NULL), g_bytes_get_size(body));
		f->appended++;
		publish_locked(f, f->entries->len);
		lv = (struct ippyo_merkle_leaves){ f->leaves->data, f->published, NULL };
		check(ippyo_merkle_inclusion_proof(NULL, index, f->published,
		    ippyo_merkle_leaves_hash_fn, &lv, &proof), "inclusion");
		if (f->b.corrupt_receipt)
			proof.hash[0][3] ^= 1;
		np = g_bytes_get_data(f->note, &nlen);
		check(ippyo_receipt_new(index, &proof, np, nlen, NULL, 0, &r), "receipt");
		check(ippyo_receipt_serialize(r, text), "receipt text");
		ippyo_hex_write(f->leaves->data + index * IPPYO_HASH_BYTES, IPPYO_HASH_BYTES, hex);
		hex[2 * IPPYO_HASH_BYTES] = '\0';
		j = json_pack("{s:I,s:s,s:s#}", "index",
		    (json_int_t)(index + (f->b.receipt_other_index ? 1 : 0)), "leaf_hash", hex,
		    "receipt", (const char *)ippyo_buf_data(text), (int)ippyo_buf_len(text));
		g_ptr_array_index(f->receipts, index) = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		ippyo_receipt_free(r);
		ippyo_buf_free(text);
	}
	answer = g_ptr_array_index(f->receipts, index);
	if (answer == NULL) {
		reply_error(msg, 500, "internal", "no receipt for a preloaded entry");
		return;
	}
	if (dup)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
		    "Ippyo-Duplicate", "1");
	reply(msg, 200, "application/json", answer, strlen(answer));
}

static void
handler(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer data)
{
	FakeChain *f = data;
	const char *method = soup_server_message_get_method(msg);

	g_mutex_lock(&f->lock);
	if (strcmp(method, "POST") == 0) {
		if (strcmp(path, "/v1/ballots") == 0 || strcmp(path, "/v1/close") == 0)
			serve_post(f, msg);
		else
			reply_error(msg, 404, "not_found", "no such path");
	} else if (strcmp(method, "GET") != 0) {
		reply_error(msg, 405, "method_not_allowed", "GET only");
	} else if (strcmp(path, "/checkpoint") == 0) {
		if (f->b.oversize_checkpoint > 0) {
			g_autofree char *big = g_malloc(f->b.oversize_checkpoint);

			memset(big, 'a', f->b.oversize_checkpoint);
			soup_server_message_set_status(msg, 200, NULL);
			if (f->b.oversize_chunked)
				soup_message_headers_set_encoding(
				    soup_server_message_get_response_headers(msg),
				    SOUP_ENCODING_CHUNKED);
			soup_message_body_append(soup_server_message_get_response_body(msg),
			    SOUP_MEMORY_COPY, big, f->b.oversize_checkpoint);
		} else if (f->b.bad_signature || f->b.wrong_origin) {
			g_autoptr(GBytes) n = sign_text(f,
			    f->b.wrong_origin ? "evil.example/other" : FAKE_ORIGIN, f->published,
			    f->b.bad_signature ? f->evil : f->signer);

			reply(msg, 200, "text/plain", g_bytes_get_data(n, NULL), g_bytes_get_size(n));
		} else {
			reply(msg, 200, "text/plain", g_bytes_get_data(f->note, NULL),
			    g_bytes_get_size(f->note));
		}
	} else if (g_str_has_prefix(path, "/tile/")) {
		serve_tile(f, msg, path);
	} else if (strcmp(path, "/v1/manifest") == 0) {
		GBytes *e = g_ptr_array_index(f->entries, 0);

		reply(msg, 200, "application/json", g_bytes_get_data(e, NULL), g_bytes_get_size(e));
	} else if (strcmp(path, "/v1/status") == 0) {
		reply_json(msg, json_pack("{s:s,s:s,s:I,s:s,s:I,s:I}", "origin", FAKE_ORIGIN,
		    "election_id", "2027-test", "size", (json_int_t)f->published, "state", "open",
		    "pending", (json_int_t)0, "inflight", (json_int_t)0));
	} else if (f->b.no_proof_endpoints && g_str_has_prefix(path, "/v1/proof/")) {
		reply_error(msg, 404, "not_found", "no proofs here");
	} else if (strcmp(path, "/v1/proof/consistency") == 0) {
		guint64 m, n;
		ippyo_merkle_proof p;
		struct ippyo_merkle_leaves lv = { f->leaves->data, f->published, NULL };

		if (!query_u64(query, "first", &m) || !query_u64(query, "second", &n) ||
		    m == 0 || m > n || n > f->published) {
			reply_error(msg, 400, "bad_range", "bad sizes");
		} else {
			check(ippyo_merkle_consistency_proof(NULL, m, n, ippyo_merkle_leaves_hash_fn,
			    &lv, &p), "consistency");
			reply_json(msg, json_pack("{s:I,s:I,s:o}", "first", (json_int_t)m, "second",
			    (json_int_t)n, "proof", proof_json(&p, f->b.corrupt_consistency)));
		}
	} else if (strcmp(path, "/v1/proof/inclusion") == 0) {
		guint64 i = G_MAXUINT64, n;
		const char *leaf = query != NULL ? g_hash_table_lookup(query, "leaf") : NULL;
		ippyo_merkle_proof p;
		struct ippyo_merkle_leaves lv = { f->leaves->data, f->published, NULL };

		if (leaf != NULL) {
			uint8_t h[IPPYO_HASH_BYTES];

			if (ippyo_hex_decode_exact(leaf, h, sizeof(h)) == 0)
				for (guint64 k = 0; k < f->published; k++)
					if (memcmp(f->leaves->data + k * IPPYO_HASH_BYTES, h,
					    sizeof(h)) == 0)
						i = k;
		} else if (!query_u64(query, "index", &i)) {
			i = G_MAXUINT64;
		}
		if (!query_u64(query, "size", &n) || n > f->published || n == 0) {
			reply_error(msg, 400, "bad_range", "bad size");
		} else if (i >= n) {
			reply_error(msg, 404, "not_found", "no such leaf");
		} else {
			check(ippyo_merkle_inclusion_proof(NULL, i, n, ippyo_merkle_leaves_hash_fn,
			    &lv, &p), "inclusion");
			reply_json(msg, json_pack("{s:I,s:I,s:o}", "index", (json_int_t)i, "size",
			    (json_int_t)n, "proof", proof_json(&p, f->b.corrupt_inclusion)));
		}
	} else {
		reply_error(msg, 404, "not_found", "no such path");
	}
	g_mutex_unlock(&f->lock);
}

static gpointer
server_thread(gpointer data)
{
	FakeChain *f = data;
	g_autoptr(GError) error = NULL;
	GSList *uris;

	g_main_context_push_thread_default(f->ctx);
	f->server = soup_server_new(NULL, NULL);
	soup_server_add_handler(f->server, NULL, handler, f, NULL);
	if (!soup_server_listen_local(f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
		g_error("fake chain: %s", error->message);
	uris = soup_server_get_uris(f->server);
	g_mutex_lock(&f->lock);
	f->url = g_uri_to_string(uris->data);
	g_cond_signal(&f->cond);
	g_mutex_unlock(&f->lock);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	g_main_loop_run(f->loop);
	soup_server_disconnect(f->server);
	g_clear_object(&f->server);
	while (g_main_context_iteration(f->ctx, FALSE))
		;
	g_main_context_pop_thread_default(f->ctx);
	return NULL;
}

FakeChain *
fake_chain_new(void)
{
	FakeChain *f = g_new0(FakeChain, 1);
	static const char manifest[] = "{\"type\":\"manifest\",\"test\":true}";

	g_mutex_init(&f->lock);
	g_cond_init(&f->cond);
	check(ippyo_note_signer_generate(FAKE_ORIGIN, IPPYO_NOTE_TYPE_ED25519, &f->signer), "key");
	check(ippyo_note_signer_generate(FAKE_ORIGIN, IPPYO_NOTE_TYPE_ED25519, &f->evil), "key");
	f->entries = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	f->leaves = g_byte_array_new();
	f->receipts = g_ptr_array_new_with_free_func(free);
	append_locked(f, manifest, strlen(manifest));
	publish_locked(f, 1);
	f->ctx = g_main_context_new();
	f->loop = g_main_loop_new(f->ctx, FALSE);
	g_mutex_lock(&f->lock);
	f->thread = g_thread_new("fake-chain", server_thread, f);
	while (f->url == NULL)
		g_cond_wait(&f->cond, &f->lock);
	g_mutex_unlock(&f->lock);
	return f;
}

static gboolean
quit_cb(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

void
fake_chain_free(FakeChain *f)
{
	if (f == NULL)
		return;
	g_main_context_invoke(f->ctx, quit_cb, f->loop);
	g_thread_join(f->thread);
	g_main_loop_unref(f->loop);
	g_main_context_unref(f->ctx);
	ippyo_note_signer_free(f->signer);
	ippyo_note_signer_free(f->evil);
	ippyo_note_signer_free(f->witness);
	g_ptr_array_unref(f->entries);
	g_byte_array_unref(f->leaves);
	g_ptr_array_unref(f->receipts);
	g_clear_pointer(&f->note, g_bytes_unref);
	g_free(f->url);
	g_mutex_clear(&f->lock);
	g_cond_clear(&f->cond);
	g_free(f);
}

const char *
fake_chain_url(FakeChain *f)
{
	return f->url;
}

char *
fake_chain_vkey(FakeChain *f)
{
	ippyo_note_verifier *v = NULL;
	char *s = NULL, *ret;

	check(ippyo_note_signer_verifier(f->signer, &v), "verifier");
	check(ippyo_note_verifier_string(v, &s), "vkey");
	ret = g_strdup(s);
	OPENSSL_free(s);
	ippyo_note_verifier_free(v);
	return ret;
}

void
fake_chain_append(FakeChain *f, const void *entry, gsize len)
{
	g_mutex_lock(&f->lock);
	append_locked(f, entry, len);
	publish_locked(f, f->entries->len);
	g_mutex_unlock(&f->lock);
}

void
fake_chain_append_n(FakeChain *f, guint n, const char *prefix)
{
	g_mutex_lock(&f->lock);
	for (guint i = 0; i < n; i++) {
		g_autofree char *e = g_strdup_printf("%s-%u", prefix, f->entries->len);

		append_locked(f, e, strlen(e));
	}
	publish_locked(f, f->entries->len);
	g_mutex_unlock(&f->lock);
}

void
fake_chain_rewrite(FakeChain *f, guint64 i, const char *entry)
{
	uint8_t leaf[IPPYO_HASH_BYTES];

	g_mutex_lock(&f->lock);
	check(ippyo_merkle_hash_leaf(NULL, entry, strlen(entry), leaf), "leaf");
	g_bytes_unref(g_ptr_array_index(f->entries, i));
	g_ptr_array_index(f->entries, i) = g_bytes_new(entry, strlen(entry));
	memcpy(f->leaves->data + i * IPPYO_HASH_BYTES, leaf, sizeof(leaf));
	publish_locked(f, f->published);
	g_mutex_unlock(&f->lock);
}

void
fake_chain_publish(FakeChain *f, guint64 size)
{
	g_mutex_lock(&f->lock);
	publish_locked(f, size);
	g_mutex_unlock(&f->lock);
}

GBytes *
fake_chain_checkpoint(FakeChain *f)
{
	GBytes *b;

	g_mutex_lock(&f->lock);
	b = g_bytes_ref(f->note);
	g_mutex_unlock(&f->lock);
	return b;
}

guint64
fake_chain_size(FakeChain *f)
{
	guint64 n;

	g_mutex_lock(&f->lock);
	n = f->published;
	g_mutex_unlock(&f->lock);
	return n;
}

void
fake_chain_leaf(FakeChain *f, guint64 i, guint8 out[IPPYO_HASH_BYTES])
{
	g_mutex_lock(&f->lock);
	memcpy(out, f->leaves->data + i * IPPYO_HASH_BYTES, IPPYO_HASH_BYTES);
	g_mutex_unlock(&f->lock);
}

void
fake_chain_set_witness(FakeChain *f, ippyo_note_signer *witness)
{
	g_mutex_lock(&f->lock);
	ippyo_note_signer_free(f->witness);
	f->witness = witness;
	publish_locked(f, f->published);
	g_mutex_unlock(&f->lock);
}

FakeBehaviour *
fake_chain_lock(FakeChain *f)
{
	g_mutex_lock(&f->lock);
	return &f->b;
}

void
fake_chain_unlock(FakeChain *f)
{
	g_mutex_unlock(&f->lock);
}

guint
fake_chain_posts(FakeChain *f)
{
	guint n;

	g_mutex_lock(&f->lock);
	n = f->posts;
	g_mutex_unlock(&f->lock);
	return n;
}

guint
fake_chain_appended(FakeChain *f)
{
	guint n;

	g_mutex_lock(&f->lock);
	n = f->appended;
	g_mutex_unlock(&f->lock);
	return n;
}
