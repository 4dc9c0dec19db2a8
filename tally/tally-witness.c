/* ippyo-tally witness — a C2SP tlog-witness: cosigns checkpoints that extend
 * the one it cosigned last, its state written to disk before it answers. */
#include <glib-unix.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <string.h>

#include "error.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/merkle.h"
#include "log/note.h"
#include "tally-keys.h"
#include "tally-witness.h"
#include "tally.h"

#define WITNESS_BODY_MAX (64 * 1024)
#define WITNESS_MAX_PROOF 63
#define WITNESS_STATE_MAGIC "ippyo-witness-state v1"

/*
 * The state file (docs/ippyo-tally.md, "witness"): the line
 * "ippyo-witness-state v1", then one line per log it has cosigned,
 * "<origin> <size> <base64 root>", sorted by origin. Written whole into a
 * temporary file, fsync()ed, renamed over the old one, the folder fsync()ed
 * — and only then is the cosignature sent.
 */
typedef struct {
	char *origin;
	ippyo_note_verifier *key;
	gboolean known;            /* cosigned at least once */
	guint64 size;
	guint8 root[IPPYO_HASH_BYTES];
} WitnessLog;

struct _TallyWitness {
	ippyo_note_signer *signer;
	GHashTable *logs;          /* origin -> WitnessLog* */
	char *state_path;
	guint64 cosigned;
};

static void
log_free(gpointer p)
{
	WitnessLog *l = p;

	g_free(l->origin);
	ippyo_note_verifier_free(l->key);
	g_free(l);
}

void
tally_witness_free(TallyWitness *w)
{
	if (w == NULL)
		return;
	ippyo_note_signer_free(w->signer);
	if (w->logs != NULL)
		g_hash_table_unref(w->logs);
	g_free(w->state_path);
	g_free(w);
}

static gboolean
load_state(TallyWitness *w, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	gsize len;
	guint n;

	if (!g_file_test(w->state_path, G_FILE_TEST_EXISTS))
		return TRUE;   /* a new witness: nothing cosigned yet */
	if (!tally_read_file(w->state_path, 16 * 1024 * 1024, &text, &len, error))
		return FALSE;
	lines = g_strsplit(text, "\n", -1);
	n = g_strv_length(lines);
	if (len == 0 || text[len - 1] != '\n' || strcmp(lines[0], WITNESS_STATE_MAGIC) != 0)
		goto bad;
	for (guint i = 1; i + 1 < n; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], " ", -1);
		g_autofree guchar *root = NULL;
		gsize rlen = 0;
		guint64 size;
		WitnessLog *l;

		if (g_strv_length(f) != 3 ||
		    !g_ascii_string_to_unsigned(f[1], 10, 0, G_MAXUINT64, &size, NULL))
			goto bad;
		root = g_base64_decode(f[2], &rlen);
		if (rlen != IPPYO_HASH_BYTES)
			goto bad;
		l = g_hash_table_lookup(w->logs, f[0]);
		if (l == NULL) {
			/* A log no longer configured: its state is kept but never used. */
			g_printerr("ippyo-tally witness: %s: state of an unknown log %s ignored\n",
			    w->state_path, f[0]);
			continue;
		}
		if (l->known)
			goto bad;
		l->known = TRUE;
		l->size = size;
		memcpy(l->root, root, IPPYO_HASH_BYTES);
	}
	return TRUE;
bad:
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s: not a witness state file "
	    "(refusing to start: a witness that forgets what it cosigned could cosign a fork)",
	    w->state_path);
	return FALSE;
}

static gint
compare_origin(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole state with log l at (size, root), written atomically. */
static gboolean
save_state(TallyWitness *w, WitnessLog *changed, guint64 size, const guint8 *root,
    GError **error)
{
	g_autoptr(GString) s = g_string_new(WITNESS_STATE_MAGIC "\n");
	g_autoptr(GPtrArray) keys = g_ptr_array_new();
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, w->logs);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(keys, k);
	g_ptr_array_sort(keys, compare_origin);
	for (guint i = 0; i < keys->len; i++) {
		WitnessLog *l = g_hash_table_lookup(w->logs, keys->pdata[i]);
		g_autofree char *b64 = NULL;

		if (l == changed) {
			b64 = g_base64_encode(root, IPPYO_HASH_BYTES);
			g_string_append_printf(s, "%s %" G_GUINT64_FORMAT " %s\n", l->origin, size, b64);
		} else if (l->known) {
			b64 = g_base64_encode(l->root, IPPYO_HASH_BYTES);
			g_string_append_printf(s, "%s %" G_GUINT64_FORMAT " %s\n", l->origin, l->size,
			    b64);
		}
	}
	return tally_write_file(w->state_path, s->str, s->len, 0600, error);
}

TallyWitness *
tally_witness_new(const char *key_path, char **log_vkeys, const char *state_path,
    GError **error)
{
	TallyWitness *w = g_new0(TallyWitness, 1);

	w->state_path = g_strdup(state_path);
	w->logs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, log_free);
	if ((w->signer = tally_load_note_signer(key_path, IPPYO_NOTE_TYPE_COSIGNATURE,
	    error)) == NULL)
		goto fail;
	for (char **p = log_vkeys; p != NULL && *p != NULL; p++) {
		ippyo_note_verifier *v = NULL;
		WitnessLog *l;
		int r;

		/* A file with the key string, or the key string itself. */
		if (g_file_test(*p, G_FILE_TEST_EXISTS))
			v = tally_load_note_verifier(*p, error);
		else if ((r = ippyo_note_verifier_parse(*p, &v)) != 0)
			tally_set_ippyo_error(error, r, "--log-vkey %s: neither a file nor a "
			    "verifier key string", *p);
		if (v == NULL)
			goto fail;
		if (ippyo_note_verifier_type(v) != IPPYO_NOTE_TYPE_ED25519) {
			ippyo_note_verifier_free(v);
			tally_set_ippyo_error(error, IPPYO_ERR_BAD_KEY, "--log-vkey %s: not a log "
			    "(type 0x01) key", *p);
			goto fail;
		}
		if (g_hash_table_contains(w->logs, ippyo_note_verifier_name(v))) {
			tally_set_usage_error(error, "two keys for the log %s",
			    ippyo_note_verifier_name(v));
			ippyo_note_verifier_free(v);
			goto fail;
		}
		l = g_new0(WitnessLog, 1);
		l->origin = g_strdup(ippyo_note_verifier_name(v));
		l->key = v;
		g_hash_table_insert(w->logs, l->origin, l);
	}
	if (g_hash_table_size(w->logs) == 0) {
		tally_set_usage_error(error, "no log: give --log-vkey VKEY at least once");
		goto fail;
	}
	if (!load_state(w, error))
		goto fail;
	return w;
fail:
	tally_witness_free(w);
	return NULL;
}

/* Fault injection for the crash tests (a test build only). */
static void
maybe_crash(const char *point)
{
#ifdef TALLY_FAULT_INJECTION
	const char *want = g_getenv("IPPYO_WITNESS_CRASH");

	if (want != NULL && strcmp(want, point) == 0)
		raise(SIGKILL);
#else
	(void)point;
#endif
}

static guint
reply(char **body, const char **ctype, guint status, const char *ct, const char *format, ...)
    G_GNUC_PRINTF(5, 6);

static guint
reply(char **body, const char **ctype, guint status, const char *ct, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	*body = g_strdup_vprintf(format, ap);
	va_end(ap);
	*ctype = ct;
	return status;
}

/* A decimal with no leading zero (unless "0"). */
static gboolean
parse_canonical_u64(const char *s, gsize len, guint64 *out)
{
	g_autofree char *t = g_strndup(s, len);

	if (len == 0 || (len > 1 && t[0] == '0'))
		return FALSE;
	return g_ascii_string_to_unsigned(t, 10, 0, G_MAXUINT64, out, NULL);
}

guint
tally_witness_add_checkpoint(TallyWitness *w, const char *req, gsize len, char **body,
    const char **ctype, GError **error)
{
	const char *p = req, *end = req + len, *nl;
	ippyo_merkle_proof proof;
	ippyo_checkpoint *cp = NULL, *opened = NULL;
	ippyo_note *note = NULL;
	WitnessLog *l;
	guint64 old;
	guint8 sig[IPPYO_COSIGNATURE_BYTES];
	char *line = NULL;
	guint status;
	int r;

	*body = NULL;
	*ctype = "text/plain; charset=utf-8";
	ippyo_merkle_proof_init(&proof);
	if (len > WITNESS_BODY_MAX)
		return reply(body, ctype, 413, "text/plain; charset=utf-8", "request too large\n");
	/* "old N\n" */
	nl = memchr(p, '\n', (gsize)(end - p));
	if (nl == NULL || nl - p < 5 || strncmp(p, "old ", 4) != 0 ||
	    !parse_canonical_u64(p + 4, (gsize)(nl - p - 4), &old))
		return reply(body, ctype, 400, *ctype, "malformed old size line\n");
	p = nl + 1;
	/* proof lines, then an empty line */
	for (;;) {
		g_autofree char *b64 = NULL;
		g_autofree guchar *h = NULL;
		gsize hlen = 0;

		nl = memchr(p, '\n', (gsize)(end - p));
		if (nl == NULL)
			return reply(body, ctype, 400, *ctype, "no empty line before the checkpoint\n");
		if (nl == p) {
			p = nl + 1;
			break;
		}
		if (proof.n >= WITNESS_MAX_PROOF)
			return reply(body, ctype, 400, *ctype, "more than 63 proof lines\n");
		if (nl - p != 44)
			return reply(body, ctype, 400, *ctype, "a proof line is not a base64 hash\n");
		b64 = g_strndup(p, 44);
		h = g_base64_decode(b64, &hlen);
		if (hlen != IPPYO_HASH_BYTES || ippyo_merkle_proof_add(&proof, h, hlen) != 0)
			return reply(body, ctype, 400, *ctype, "a proof line is not a base64 hash\n");
		{
			/* canonical base64 only */
			g_autofree char *again = g_base64_encode(h, hlen);

			if (strcmp(again, b64) != 0)
				return reply(body, ctype, 400, *ctype, "a proof line is not canonical\n");
		}
		p = nl + 1;
	}
	/* the checkpoint */
	if ((r = ippyo_note_parse((const uint8_t *)p, (size_t)(end - p), &note)) != 0 ||
	    (r = ippyo_checkpoint_parse(note->text, note->text_len, &cp)) != 0) {
		status = reply(body, ctype, 400, *ctype, "malformed checkpoint: %s\n",
		    ippyo_strerror(r));
		goto out;
	}
	l = g_hash_table_lookup(w->logs, cp->origin);
	if (l == NULL) {
		status = reply(body, ctype, 404, *ctype, "unknown log\n");
		goto out;
	}
	if ((r = ippyo_checkpoint_open((const uint8_t *)p, (size_t)(end - p), l->origin, l->key,
	    &opened, NULL)) != 0) {
		status = reply(body, ctype, r == IPPYO_ERR_CHECKPOINT_FORMAT ? 400 : 403, *ctype,
		    "checkpoint not signed by the log: %s\n", ippyo_strerror(r));
		goto out;
	}
	if (old > cp->size) {
		status = reply(body, ctype, 400, *ctype, "old size is larger than the checkpoint\n");
		goto out;
	}
	if (old != (l->known ? l->size : 0)) {
		status = reply(body, ctype, 409, "text/x.tlog.size", "%" G_GUINT64_FORMAT "\n",
		    l->known ? l->size : 0);
		goto out;
	}
	if (old == 0) {
		guint8 empty[IPPYO_HASH_BYTES];

		ippyo_merkle_empty_root(empty);
		if (proof.n != 0 || (cp->size == 0 && memcmp(cp->root, empty, sizeof(empty)) != 0)) {
			status = reply(body, ctype, 422, *ctype, "a proof from size 0 must be empty\n");
			goto out;
		}
	} else if (old == cp->size) {
		if (proof.n != 0) {
			status = reply(body, ctype, 422, *ctype, "the proof must be empty\n");
			goto out;
		}
		if (memcmp(cp->root, l->root, IPPYO_HASH_BYTES) != 0) {
			/* Same size, another tree: a fork. */
			status = reply(body, ctype, 409, "text/x.tlog.size", "%" G_GUINT64_FORMAT "\n",
			    l->size);
			goto out;
		}
	} else if ((r = ippyo_merkle_verify_consistency(NULL, old, cp->size, &proof, l->root,
	    IPPYO_HASH_BYTES, cp->root, IPPYO_HASH_BYTES)) != 0) {
		status = reply(body, ctype, 422, *ctype, "the consistency proof does not verify: %s\n",
		    ippyo_strerror(r));
		goto out;
	}
	maybe_crash("before-state");
	/* The state reaches the disk before any cosignature leaves this process. */
	if (!save_state(w, l, cp->size, cp->root, error)) {
		status = 500;
		goto out;
	}
	l->known = TRUE;
	l->size = cp->size;
	memcpy(l->root, cp->root, IPPYO_HASH_BYTES);
	maybe_crash("after-state");
	{
		gint64 now = g_get_real_time() / G_USEC_PER_SEC;

		if ((r = ippyo_cosignature_sign(w->signer, note->text, note->text_len,
		    (uint64_t)MAX(now, 1), sig)) != 0 ||
		    (r = ippyo_note_sig_line(ippyo_note_signer_name(w->signer),
		    ippyo_note_signer_key_id(w->signer), sig, sizeof(sig), &line)) != 0) {
			tally_set_ippyo_error(error, r, "cosigning");
			status = 500;
			goto out;
		}
	}
	w->cosigned++;
	status = reply(body, ctype, 200, "text/plain; charset=utf-8", "%s", line);
out:
	OPENSSL_free(line);
	ippyo_checkpoint_free(cp);
	ippyo_checkpoint_free(opened);
	ippyo_note_free(note);
	return status;
}

/* ---- the HTTP server ---- */

static void
add_checkpoint_cb(SoupServer *server, SoupServerMessage *msg, const char *path,
    GHashTable *query, gpointer user_data)
{
	TallyWitness *w = user_data;
	SoupMessageBody *req;
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *body = NULL;
	const char *ctype = NULL;
	gsize len;
	const char *data;
	guint status;

	if (!g_str_has_suffix(path, "/add-checkpoint")) {
		soup_server_message_set_status(msg, 404, NULL);
		return;
	}
	if (soup_server_message_get_method(msg) != SOUP_METHOD_POST) {
		soup_server_message_set_status(msg, 405, NULL);
		return;
	}
	req = soup_server_message_get_request_body(msg);
	bytes = soup_message_body_flatten(req);
	data = g_bytes_get_data(bytes, &len);
	status = tally_witness_add_checkpoint(w, data != NULL ? data : "", len, &body, &ctype,
	    &error);
	if (status == 500) {
		g_printerr("ippyo-tally witness: %s\n", error != NULL ? error->message : "error");
		soup_server_message_set_status(msg, 500, NULL);
		soup_server_message_set_response(msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
		    "internal error\n", 15);
		return;
	}
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, ctype, SOUP_MEMORY_COPY, body, strlen(body));
}

static gboolean
quit_cb(gpointer user_data)
{
	g_main_loop_quit(user_data);
	return G_SOURCE_REMOVE;
}

static gboolean
parse_listen(const char *listen, char **addr, guint *port, GError **error)
{
	const char *colon = strrchr(listen, ':');
	guint64 v;

	if (colon == NULL || colon == listen ||
	    !g_ascii_string_to_unsigned(colon + 1, 10, 0, 65535, &v, NULL)) {
		tally_set_usage_error(error, "--listen ADDR:PORT (e.g. 127.0.0.1:8471; port 0 = any)");
		return FALSE;
	}
	*addr = g_strndup(listen, (gsize)(colon - listen));
	if ((*addr)[0] == '[' && g_str_has_suffix(*addr, "]")) {
		char *t = g_strndup(*addr + 1, strlen(*addr) - 2);

		g_free(*addr);
		*addr = t;
	}
	*port = (guint)v;
	return TRUE;
}

gboolean
tally_cmd_witness(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *key = NULL, *state = NULL, *listen = NULL, *port_file = NULL;
	g_auto(GStrv) vkeys = NULL;
	const GOptionEntry entries[] = {
		{ "key", 0, 0, G_OPTION_ARG_FILENAME, &key,
		  "The witness's cosignature key (keygen --witness)", "FILE" },
		{ "log-vkey", 0, 0, G_OPTION_ARG_STRING_ARRAY, &vkeys,
		  "A log to witness: its verifier key file or string (repeatable)", "VKEY" },
		{ "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
		  "The state file: the last checkpoint cosigned per log", "FILE" },
		{ "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
		  "Address and port to serve on (port 0: any free port)", "ADDR:PORT" },
		{ "port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file,
		  "Write the bound port here once listening", "FILE" },
		{ NULL }
	};
	g_autofree char *addr = NULL;
	g_autoptr(GInetAddress) ia = NULL;
	g_autoptr(GSocketAddress) sa = NULL;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	TallyWitness *w = NULL;
	GSList *uris;
	guint port = 0;
	gboolean ok = FALSE;

	if (!tally_context_parse(ctx, entries,
	    "Serves POST <prefix>/add-checkpoint (c2sp.org/tlog-witness). Answers 200 with a\n"
	    "cosignature line, 400 malformed, 403 not signed by the log, 404 unknown log,\n"
	    "409 (text/x.tlog.size) when the old size is not the last cosigned size or the\n"
	    "same size has another root, 422 when the consistency proof fails. Stops on\n"
	    "SIGTERM or SIGINT.", &argc, &argv, error))
		return FALSE;
	if (argc != 1 || key == NULL || vkeys == NULL || state == NULL || listen == NULL) {
		tally_set_usage_error(error, "usage: witness --key FILE --log-vkey VKEY --state FILE "
		    "--listen ADDR:PORT");
		return FALSE;
	}
	if (!parse_listen(listen, &addr, &port, error))
		return FALSE;
	if ((ia = g_inet_address_new_from_string(addr)) == NULL) {
		tally_set_usage_error(error, "--listen: '%s' is not an IP address", addr);
		return FALSE;
	}
	if ((w = tally_witness_new(key, vkeys, state, error)) == NULL)
		return FALSE;
	sa = g_inet_socket_address_new(ia, port);
	server = soup_server_new("server-header", "ippyo-tally-witness", NULL);
	soup_server_add_handler(server, NULL, add_checkpoint_cb, w, NULL);
	if (!soup_server_listen(server, sa, 0, error))
		goto out;
	uris = soup_server_get_uris(server);
	if (uris != NULL)
		port = (guint)g_uri_get_port(uris->data);
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	if (port_file != NULL) {
		g_autofree char *t = g_strdup_printf("%u\n", port);

		if (!tally_write_file(port_file, t, strlen(t), 0644, error))
			goto out;
	}
	tally_progress(ctx, "ippyo-tally witness %s: %u log(s), listening on %s port %u",
	    ippyo_note_signer_name(w->signer), g_hash_table_size(w->logs), addr, port);
	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, quit_cb, loop);
	g_unix_signal_add(SIGINT, quit_cb, loop);
	g_main_loop_run(loop);
	tally_progress(ctx, "ippyo-tally witness: stopping after %" G_GUINT64_FORMAT
	    " cosignatures", w->cosigned);
	ok = TRUE;
out:
	soup_server_disconnect(server);
	tally_witness_free(w);
	return ok;
}
