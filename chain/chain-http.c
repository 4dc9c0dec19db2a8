/* ippyo-chaind — the HTTP API (libsoup 3): docs/chain.md. */
#include <string.h>

#include "chain-daemon.h"
#include "chain-error.h"
#include "chain-officials.h"
#include "error.h"
#include "log/tiles.h"

/* Full tiles and bundles never change: any cache may keep them. */
#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"
/* Partial tiles are replaced by wider ones: short. */
#define CACHE_PARTIAL "public, max-age=60"
/* The CAs and CRLs change only when the chain restarts: caches revalidate after 5 minutes. */
#define CACHE_JPKI "public, max-age=300"
#define ENTRIES_MAX 256      /* per /v1/entries request */

const char *
chain_http_error_code(int err, guint *status)
{
	guint s = SOUP_STATUS_UNPROCESSABLE_ENTITY;
	const char *code;

	switch (err) {
	case IPPYO_ERR_LIMIT:
		s = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
		code = "too_large";
		break;
	case IPPYO_ERR_JSON:
	case IPPYO_ERR_JSON_SCHEMA:
	case IPPYO_ERR_NOT_CANONICAL:
	case IPPYO_ERR_BAD_ENCODING:
	case IPPYO_ERR_BAD_VERSION:
	case IPPYO_ERR_TRUNCATED:
	case IPPYO_ERR_TRAILING:
		s = SOUP_STATUS_BAD_REQUEST;
		code = "bad_json";
		break;
	case IPPYO_ERR_ENTRY_FORMAT:
		s = SOUP_STATUS_BAD_REQUEST;
		code = "bad_entry";
		break;
	case IPPYO_ERR_ENTRY_TYPE:
		s = SOUP_STATUS_BAD_REQUEST;
		code = "wrong_entry_type";
		break;
	case IPPYO_ERR_WRONG_ELECTION:
		code = "wrong_election";
		break;
	case IPPYO_ERR_POLL_NOT_OPEN:
		s = SOUP_STATUS_CONFLICT;
		code = "poll_not_open";
		break;
	case IPPYO_ERR_POLL_CLOSED:
		s = SOUP_STATUS_CONFLICT;
		code = "poll_closed";
		break;
	case IPPYO_ERR_CERT_FORMAT:
		code = "bad_certificate";
		break;
	case IPPYO_ERR_CERT_UNTRUSTED:
		s = SOUP_STATUS_FORBIDDEN;
		code = "cert_untrusted";
		break;
	case IPPYO_ERR_CERT_EXPIRED:
		s = SOUP_STATUS_FORBIDDEN;
		code = "cert_expired";
		break;
	case IPPYO_ERR_CERT_NOT_YET_VALID:
		s = SOUP_STATUS_FORBIDDEN;
		code = "cert_not_yet_valid";
		break;
	case IPPYO_ERR_CERT_REVOKED:
		s = SOUP_STATUS_FORBIDDEN;
		code = "cert_revoked";
		break;
	case IPPYO_ERR_CRL_INVALID:
		s = SOUP_STATUS_SERVICE_UNAVAILABLE;
		code = "crl_unavailable";
		break;
	case IPPYO_ERR_NOT_ON_ROLL:
		s = SOUP_STATUS_FORBIDDEN;
		code = "not_on_roll";
		break;
	case IPPYO_ERR_CARD_SIGNATURE:
		code = "bad_card_signature";
		break;
	case IPPYO_ERR_BALLOT_SHAPE:
	case IPPYO_ERR_BAD_SELECTION:
	case IPPYO_ERR_BAD_CONTEST_SUM:
	case IPPYO_ERR_BAD_OPTION:
	case IPPYO_ERR_POINT_LENGTH:
	case IPPYO_ERR_POINT_FORMAT:
	case IPPYO_ERR_POINT_NOT_ON_CURVE:
	case IPPYO_ERR_POINT_INFINITY:
	case IPPYO_ERR_SCALAR_LENGTH:
	case IPPYO_ERR_SCALAR_UNREDUCED:
	case IPPYO_ERR_SCALAR_ZERO:
		code = "bad_ballot";
		break;
	case IPPYO_ERR_WRONG_VOTER:
		code = "wrong_voter";
		break;
	case IPPYO_ERR_BAD_PROOF:
	case IPPYO_ERR_BATCH_FAILED:
		code = "bad_proof";
		break;
	case IPPYO_ERR_BAD_OFFICIAL_SIGNATURE:
		s = SOUP_STATUS_FORBIDDEN;
		code = "bad_official_signature";
		break;
	case CHAIN_ERR_CEREMONY_TOO_LATE:
		s = SOUP_STATUS_CONFLICT;
		code = "ceremony_too_late";
		break;
	case CHAIN_ERR_POLL_OPEN:
		s = SOUP_STATUS_CONFLICT;
		code = "poll_open";
		break;
	case CHAIN_ERR_DUPLICATE_TRUSTEE:
		s = SOUP_STATUS_CONFLICT;
		code = "duplicate_trustee";
		break;
	case CHAIN_ERR_WRONG_CLOSE_INDEX:
		s = SOUP_STATUS_CONFLICT;
		code = "wrong_close_index";
		break;
	case CHAIN_ERR_RESULT_EXISTS:
		s = SOUP_STATUS_CONFLICT;
		code = "result_exists";
		break;
	case CHAIN_ERR_TOO_FEW_DECRYPTIONS:
		s = SOUP_STATUS_CONFLICT;
		code = "too_few_decryptions";
		break;
	case CHAIN_ERR_BAD_TRUSTEE:
		code = "bad_trustee";
		break;
	case CHAIN_ERR_BAD_TOTALS:
		code = "bad_totals";
		break;
	case IPPYO_ERR_STORE_FULL:
		s = SOUP_STATUS_INSUFFICIENT_STORAGE;
		code = "store_full";
		break;
	case IPPYO_ERR_STORE_BUSY:
		/* the database was locked past the busy time-out: send it again */
		s = SOUP_STATUS_SERVICE_UNAVAILABLE;
		code = "store_busy";
		break;
	case IPPYO_ERR_QUORUM:
	case IPPYO_ERR_COSIGNATURE:
		s = SOUP_STATUS_SERVICE_UNAVAILABLE;
		code = "witness_quorum";
		break;
	case IPPYO_ERR_CANCELLED:
		s = SOUP_STATUS_SERVICE_UNAVAILABLE;
		code = "stopping";
		break;
	case IPPYO_ERR_ALLOC:
		s = SOUP_STATUS_SERVICE_UNAVAILABLE;
		code = "busy";
		break;
	case IPPYO_ERR_NOT_FOUND:
		s = SOUP_STATUS_NOT_FOUND;
		code = "not_found";
		break;
	case IPPYO_ERR_INDEX_RANGE:
		s = SOUP_STATUS_BAD_REQUEST;
		code = "bad_range";
		break;
	default:
		s = SOUP_STATUS_INTERNAL_SERVER_ERROR;
		code = "internal";
		break;
	}
	if (status != NULL)
		*status = s;
	return code;
}

static void
answer_json_error(SoupServerMessage *msg, guint status, const char *code, const char *message)
{
	g_autoptr(GString) s = g_string_new("{\"code\":\"");
	gsize len;

	g_string_append(s, code);
	g_string_append(s, "\",\"message\":\"");
	for (const char *p = message; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			g_string_append_c(s, '\\');
			g_string_append_c(s, *p);
		} else if ((guchar)*p < 0x20)
			g_string_append_printf(s, "\\u%04x", (guchar)*p);
		else
			g_string_append_c(s, *p);
	}
	g_string_append(s, "\"}");
	len = s->len;
	soup_server_message_set_status(msg, status, NULL);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg),
	    "Cache-Control", "no-store");
	if (status == SOUP_STATUS_SERVICE_UNAVAILABLE)
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
		    "Retry-After", "1");
	soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_TAKE,
	    g_string_free(g_steal_pointer(&s), FALSE), len);
}

void
chain_http_answer_error(SoupServerMessage *msg, int err, const char *message)
{
	guint status;
	const char *code = chain_http_error_code(err, &status);

	/* A message that is not valid UTF-8 is replaced: the JSON stays valid. */
	if (message == NULL || !g_utf8_validate(message, -1, NULL))
		message = ippyo_strerror(err);
	answer_json_error(msg, status, code, message);
}

static void
answer_bytes(SoupServerMessage *msg, const char *ctype, const char *cache, GBytes *bytes)
{
	soup_server_message_set_status(msg, SOUP_STATUS_OK, NULL);
	soup_message_headers_replace(soup_server_message_get_response_headers(msg),
	    "Cache-Control", cache);
	soup_message_headers_set_content_type(soup_server_message_get_response_headers(msg),
	    ctype, NULL);
	soup_message_body_append_bytes(soup_server_message_get_response_body(msg), bytes);
}

static void
answer_text(SoupServerMessage *msg, const char *ctype, const char *cache, char *text)
{
	g_autoptr(GBytes) b = g_bytes_new_take(text, strlen(text));

	answer_bytes(msg, ctype, cache, b);
}

static gboolean
only_get(SoupServerMessage *msg)
{
	const char *method = soup_server_message_get_method(msg);

	if (method == SOUP_METHOD_GET || method == SOUP_METHOD_HEAD)
		return TRUE;
	soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow",
	    "GET, HEAD");
	answer_json_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
	    "this resource is read-only");
	return FALSE;
}

/* A decimal query parameter in [0, max]. */
static gboolean
query_uint(GHashTable *query, const char *key, guint64 max, guint64 *out)
{
	const char *v = query != NULL ? g_hash_table_lookup(query, key) : NULL;

	return v != NULL && g_ascii_string_to_unsigned(v, 10, 0, max, out, NULL);
}

static void
checkpoint_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	char *note = NULL;

	if (!only_get(msg))
		return;
	chain_log_published(d->log, &note);
	if (note == NULL) {
		answer_json_error(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", "no checkpoint yet");
		return;
	}
	answer_text(msg, "text/plain; charset=utf-8", "no-store", note);
}

static void
tile_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) out = NULL;
	guint64 size = chain_log_published(d->log, NULL);
	uint64_t n;
	unsigned width;
	int level;

	if (!only_get(msg))
		return;
	if (ippyo_tile_path_parse(path + 1, &level, &n, &width) != 0) {
		answer_json_error(msg, SOUP_STATUS_NOT_FOUND, "not_found", "not a tile path");
		return;
	}
	/*
	 * A full tile must be full in the published tree; a partial tile of
	 * width W exists once the published tree has at least W there (a
	 * partial tile never changes: it is cut at its own width).
	 */
	{
		unsigned have = ippyo_tile_width(size, level, n);

		if (have == 0 || have < width) {
			answer_json_error(msg, SOUP_STATUS_NOT_FOUND, "not_found", "no such tile yet");
			return;
		}
	}
	if (level == IPPYO_TILE_ENTRIES) {
		g_autoptr(GPtrArray) entries = NULL;
		ippyo_buf *b = ippyo_buf_new((size_t)width * (2 + IPPYO_ENTRY_MAX));
		guint64 start = n * IPPYO_TILE_WIDTH;

		entries = chain_store_get_entries(d->reader, start, start + width, &error);
		if (entries == NULL || b == NULL) {
			ippyo_buf_free(b);
			chain_http_answer_error(msg, chain_error_ippyo_code(error),
			    error != NULL ? error->message : NULL);
			return;
		}
		for (guint i = 0; i < entries->len; i++) {
			gsize len;
			const guint8 *e = g_bytes_get_data(entries->pdata[i], &len);

			if (ippyo_bundle_append(b, e, len) != 0) {
				ippyo_buf_free(b);
				chain_http_answer_error(msg, IPPYO_ERR_INTERNAL, "bundle");
				return;
			}
		}
		out = g_bytes_new(ippyo_buf_data(b), ippyo_buf_len(b));
		ippyo_buf_free(b);
	} else {
		/* Partial tiles are cut at their own width, whatever the tree holds now. */
		out = chain_log_tile(d->log, width == IPPYO_TILE_WIDTH ? size :
		    ((n * IPPYO_TILE_WIDTH + width) << (IPPYO_TILE_HEIGHT * level)), level, n, width,
		    &error);
		if (out == NULL) {
			chain_http_answer_error(msg, chain_error_ippyo_code(error), error->message);
			return;
		}
	}
	answer_bytes(msg, "application/octet-stream",
	    width == IPPYO_TILE_WIDTH ? CACHE_IMMUTABLE : CACHE_PARTIAL, out);
}

static void
manifest_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;

	if (!only_get(msg))
		return;
	answer_bytes(msg, "application/json", CACHE_IMMUTABLE, chain_election_entry0(d->election));
}

/* GET /v1/jpki: the CA certificates and CRLs the cards are checked against. */
static void
jpki_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;

	if (!only_get(msg))
		return;
	answer_bytes(msg, "application/json", CACHE_JPKI, chain_election_jpki(d->election));
}

static void post_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer user_data);

static void
entries_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	guint64 size = chain_log_published(d->log, NULL);
	guint64 start, end;
	ippyo_buf *b;

	/* POST /v1/entries appends an officials' entry; GET reads a range. */
	if (soup_server_message_get_method(msg) == SOUP_METHOD_POST) {
		post_cb(server, msg, path, query, user_data);
		return;
	}
	if (soup_server_message_get_method(msg) != SOUP_METHOD_GET &&
	    soup_server_message_get_method(msg) != SOUP_METHOD_HEAD) {
		soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow",
		    "GET, HEAD, POST");
		answer_json_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
		    "GET reads entries, POST appends an officials' entry");
		return;
	}
	if (!query_uint(query, "start", G_MAXINT64, &start) ||
	    !query_uint(query, "end", G_MAXINT64, &end) || start >= end || end > size ||
	    end - start > ENTRIES_MAX) {
		answer_json_error(msg, SOUP_STATUS_BAD_REQUEST, "bad_range",
		    "need 0 <= start < end <= size, at most 256 entries");
		return;
	}
	entries = chain_store_get_entries(d->reader, start, end, &error);
	if (entries == NULL) {
		chain_http_answer_error(msg, chain_error_ippyo_code(error), error->message);
		return;
	}
	b = ippyo_buf_new((size_t)(end - start) * (2 + IPPYO_ENTRY_MAX));
	for (guint i = 0; b != NULL && i < entries->len; i++) {
		gsize len;
		const guint8 *e = g_bytes_get_data(entries->pdata[i], &len);

		if (ippyo_bundle_append(b, e, len) != 0)
			g_clear_pointer(&b, ippyo_buf_free);
	}
	if (b == NULL) {
		chain_http_answer_error(msg, IPPYO_ERR_INTERNAL, "bundle");
		return;
	}
	{
		g_autoptr(GBytes) out = g_bytes_new(ippyo_buf_data(b), ippyo_buf_len(b));

		ippyo_buf_free(b);
		answer_bytes(msg, "application/octet-stream", CACHE_IMMUTABLE, out);
	}
}

/*
 * Answers {"<k1>":v1,"<k2>":v2,"proof":["<base64>",...]}, or the error when
 * the proof could not be made (proof NULL).
 */
static void
answer_proof(SoupServerMessage *msg, GBytes *proof, const GError *error, const char *k1,
    guint64 v1, const char *k2, guint64 v2)
{
	GString *s;
	gsize len;
	const guint8 *p;

	if (proof == NULL) {
		chain_http_answer_error(msg, chain_error_ippyo_code(error), error->message);
		return;
	}
	p = g_bytes_get_data(proof, &len);
	s = g_string_new(NULL);
	g_string_append_printf(s, "{\"%s\":%" G_GUINT64_FORMAT ",\"%s\":%" G_GUINT64_FORMAT
	    ",\"proof\":[", k1, v1, k2, v2);
	for (gsize off = 0; off < len; off += CHAIN_HASH_BYTES) {
		g_autofree char *b64 = g_base64_encode(p + off, CHAIN_HASH_BYTES);

		g_string_append_printf(s, "%s\"%s\"", off == 0 ? "" : ",", b64);
	}
	g_string_append(s, "]}");
	answer_text(msg, "application/json", CACHE_IMMUTABLE, g_string_free(s, FALSE));
}

static gboolean
parse_hex32(const char *hex, guint8 out[CHAIN_HASH_BYTES])
{
	if (hex == NULL || strlen(hex) != 2 * CHAIN_HASH_BYTES)
		return FALSE;
	for (guint i = 0; i < CHAIN_HASH_BYTES; i++) {
		int hi = g_ascii_xdigit_value(hex[2 * i]), lo = g_ascii_xdigit_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0 || g_ascii_isupper(hex[2 * i]) || g_ascii_isupper(hex[2 * i + 1]))
			return FALSE;
		out[i] = (guint8)(hi << 4 | lo);
	}
	return TRUE;
}

static void
inclusion_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) proof = NULL;
	guint64 published = chain_log_published(d->log, NULL);
	guint64 index, size;

	if (!only_get(msg))
		return;
	if (!query_uint(query, "size", published, &size)) {
		answer_json_error(msg, SOUP_STATUS_BAD_REQUEST, "bad_range",
		    "size: a published tree size is needed");
		return;
	}
	if (query != NULL && g_hash_table_contains(query, "leaf")) {
		guint8 leaf[CHAIN_HASH_BYTES];

		if (!parse_hex32(g_hash_table_lookup(query, "leaf"), leaf)) {
			answer_json_error(msg, SOUP_STATUS_BAD_REQUEST, "bad_range",
			    "leaf: 64 lower-case hex digits");
			return;
		}
		if (!chain_store_find_leaf(d->reader, leaf, &index, &error) || index >= size) {
			answer_json_error(msg, SOUP_STATUS_NOT_FOUND, "not_found",
			    "no such leaf in this tree");
			return;
		}
	} else if (!query_uint(query, "index", G_MAXINT64, &index) || index >= size) {
		answer_json_error(msg, SOUP_STATUS_BAD_REQUEST, "bad_range",
		    "index: need index < size");
		return;
	}
	proof = chain_log_inclusion_proof(d->log, index, size, &error);
	answer_proof(msg, proof, error, "index", index, "size", size);
}

static void
consistency_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) proof = NULL;
	guint64 published = chain_log_published(d->log, NULL);
	guint64 first, second;

	if (!only_get(msg))
		return;
	if (!query_uint(query, "second", published, &second) ||
	    !query_uint(query, "first", second, &first) || first == 0) {
		answer_json_error(msg, SOUP_STATUS_BAD_REQUEST, "bad_range",
		    "need 0 < first <= second <= the published size");
		return;
	}
	proof = chain_log_consistency_proof(d->log, first, second, &error);
	answer_proof(msg, proof, error, "first", first, "second", second);
}

static void
status_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	guint64 size = chain_log_published(d->log, NULL);
	char *json;

	if (!only_get(msg))
		return;
	json = g_strdup_printf("{\"origin\":\"%s\",\"election_id\":\"%s\",\"size\":%" G_GUINT64_FORMAT
	    ",\"state\":\"%s\",\"pending\":%u,\"inflight\":%d}",
	    chain_election_origin(d->election), chain_election_id(d->election), size,
	    chain_sequencer_closed(d->seq) ? "closed" : "open",
	    chain_sequencer_pending(d->seq), g_atomic_int_get(&d->inflight));
	answer_text(msg, "application/json", "no-store", json);
}

/* What one request body has sent so far (see early_cb). */
typedef struct {
	ChainDaemon *d;
	guint64 seen;
	gboolean refused;
} BodyWatch;

static void
post_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	ChainEntryKind kind = g_str_equal(path, "/v1/close") ? CHAIN_ENTRY_CLOSE : CHAIN_ENTRY_BALLOT;
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	g_autoptr(GBytes) bytes = NULL;

	if (soup_server_message_get_method(msg) != SOUP_METHOD_POST) {
		soup_message_headers_replace(soup_server_message_get_response_headers(msg), "Allow",
		    "POST");
		answer_json_error(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
		    "POST only");
		return;
	}
	/* 1. the size limit (also checked on the headers and as it comes, see early_cb) */
	{
		BodyWatch *w = g_object_get_data(G_OBJECT(msg), "ippyo-body-watch");

		if (w != NULL && w->refused)
			return;    /* answered 413 already */
	}
	if ((gsize)body->length > d->config->max_body_bytes) {
		chain_http_answer_error(msg, IPPYO_ERR_LIMIT, "the request body is too large");
		return;
	}
	if (g_atomic_int_get(&d->draining)) {
		chain_http_answer_error(msg, IPPYO_ERR_CANCELLED, "the server is stopping");
		return;
	}
	bytes = soup_message_body_flatten(body);
	if (g_str_equal(path, "/v1/entries")) {
		if (!chain_officials_submit(d, msg, bytes))
			answer_json_error(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
			    "too many submissions waiting, retry later");
		return;
	}
	if (!chain_validator_submit(d->validator, msg, bytes, kind))
		answer_json_error(msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy",
		    "too many submissions waiting, retry later");
}

/*
 * Refuses an oversized request: the answer is 413, the body is no longer
 * kept (libsoup would otherwise accumulate all of it), the connection is
 * closed after the answer, and a client that keeps sending more than the
 * limit again past that point is cut off: the socket is shut down, so
 * reading stops there.
 */
static void
refuse_body(SoupServerMessage *msg, BodyWatch *w)
{
	w->refused = TRUE;
	soup_message_body_set_accumulate(soup_server_message_get_request_body(msg), FALSE);
	soup_message_body_truncate(soup_server_message_get_request_body(msg));
	soup_message_headers_replace(soup_server_message_get_response_headers(msg),
	    "Connection", "close");
	chain_http_answer_error(msg, IPPYO_ERR_LIMIT, "the request body is too large");
}

static void
got_chunk_cb(SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
	BodyWatch *w = user_data;
	guint64 max = w->d->config->max_body_bytes;

	w->seen += g_bytes_get_size(chunk);
	if (!w->refused && w->seen > max)
		refuse_body(msg, w);    /* a chunked body past the limit */
	if (w->refused && w->seen > 2 * max + 65536) {
		GSocket *sock = soup_server_message_get_socket(msg);

		if (sock != NULL)
			g_socket_shutdown(sock, TRUE, TRUE, NULL);
	}
}

/* Refuses an oversized body before reading it; watches the body as it comes. */
static void
early_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	ChainDaemon *d = user_data;
	goffset len = soup_message_headers_get_content_length(
	    soup_server_message_get_request_headers(msg));
	BodyWatch *w = g_new0(BodyWatch, 1);

	w->d = d;
	g_object_set_data_full(G_OBJECT(msg), "ippyo-body-watch", w, g_free);
	g_signal_connect(msg, "got-chunk", G_CALLBACK(got_chunk_cb), w);
	if (len > 0 && (guint64)len > d->config->max_body_bytes)
		refuse_body(msg, w);
}

static void
request_started_cb(SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
	ChainDaemon *d = user_data;
	GSocket *sock = soup_server_message_get_socket(msg);

	/* The time limit: an idle connection (slow client) fails after this. */
	if (sock != NULL)
		g_socket_set_timeout(sock, d->config->request_timeout_s);
}

gboolean
chain_http_start(ChainDaemon *d, GError **error)
{
	g_autoptr(GInetAddress) addr = NULL;
	g_autoptr(GSocketAddress) saddr = NULL;
	g_autoptr(GSocket) sock = NULL;
	GSList *uris;

	if (d->config->tls_certificate != NULL) {
		g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files(
		    d->config->tls_certificate, d->config->tls_key, error);

		if (cert == NULL)
			return FALSE;
		d->server = soup_server_new("server-header", "ippyo-chaind", "tls-certificate", cert,
		    NULL);
	} else
		d->server = soup_server_new("server-header", "ippyo-chaind", NULL);
	g_signal_connect(d->server, "request-started", G_CALLBACK(request_started_cb), d);
	soup_server_add_early_handler(d->server, "/v1/ballots", early_cb, d, NULL);
	soup_server_add_early_handler(d->server, "/v1/close", early_cb, d, NULL);
	soup_server_add_early_handler(d->server, "/v1/entries", early_cb, d, NULL);
	soup_server_add_handler(d->server, "/checkpoint", checkpoint_cb, d, NULL);
	soup_server_add_handler(d->server, "/tile", tile_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/manifest", manifest_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/entries", entries_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/proof/inclusion", inclusion_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/proof/consistency", consistency_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/status", status_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/jpki", jpki_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/ballots", post_cb, d, NULL);
	soup_server_add_handler(d->server, "/v1/close", post_cb, d, NULL);

	addr = g_inet_address_new_from_string(d->config->address);
	saddr = g_inet_socket_address_new(addr, (guint16)d->config->port);
	/* Our own socket, for a listen backlog that absorbs bursts of connections. */
	sock = g_socket_new(g_inet_address_get_family(addr), G_SOCKET_TYPE_STREAM,
	    G_SOCKET_PROTOCOL_TCP, error);
	if (sock == NULL)
		return FALSE;
	g_socket_set_listen_backlog(sock, 1024);
	if (!g_socket_bind(sock, saddr, TRUE, error) || !g_socket_listen(sock, error) ||
	    !soup_server_listen_socket(d->server, sock,
	    d->config->tls_certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, error))
		return FALSE;
	uris = soup_server_get_uris(d->server);
	if (uris != NULL)
		d->port = (guint)g_uri_get_port(uris->data);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	return TRUE;
}
