/* ippyo-chaind — witness cosigning (c2sp.org/tlog-witness add-checkpoint). */
#include "chain-witness.h"

#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <string.h>

#include "chain-error.h"
#include "error.h"
#include "log/cosignature.h"
#include "log/note.h"

typedef struct {
	char *url;
	ippyo_note_verifier *key;     /* type 0x04 */
	guint64 last_size;            /* the size this witness last cosigned (0: unknown) */
} Witness;

struct ChainWitnesses {
	GPtrArray *list;              /* of Witness* */
	guint quorum;
	SoupSession *session;
};

static void
witness_free(gpointer p)
{
	Witness *w = p;

	g_free(w->url);
	ippyo_note_verifier_free(w->key);
	g_free(w);
}

void
chain_witnesses_free(ChainWitnesses *w)
{
	if (w == NULL)
		return;
	g_ptr_array_unref(w->list);
	g_clear_object(&w->session);
	g_free(w);
}

ChainWitnesses *
chain_witnesses_new(const ChainConfig *config, GError **error)
{
	ChainWitnesses *w;

	if (config->witnesses->len == 0)
		return NULL;
	w = g_new0(ChainWitnesses, 1);
	w->list = g_ptr_array_new_with_free_func(witness_free);
	w->quorum = config->witness_quorum;
	for (guint i = 0; i < config->witnesses->len; i++) {
		const ChainWitnessConfig *c = config->witnesses->pdata[i];
		Witness *x = g_new0(Witness, 1);
		int r;

		g_ptr_array_add(w->list, x);
		x->url = g_strdup(c->url);
		if ((r = ippyo_note_verifier_parse(c->vkey, &x->key)) != 0) {
			chain_set_ippyo_error(error, r, "[witness %s] vkey", c->name);
			chain_witnesses_free(w);
			return NULL;
		}
		if (ippyo_note_verifier_type(x->key) != IPPYO_NOTE_TYPE_COSIGNATURE) {
			chain_set_ippyo_error(error, IPPYO_ERR_BAD_KEY,
			    "[witness %s] vkey is not a cosignature (0x04) key", c->name);
			chain_witnesses_free(w);
			return NULL;
		}
	}
	w->session = soup_session_new_with_options("timeout", MAX(1u, config->witness_timeout_ms / 1000),
	    "idle-timeout", 60, "max-conns-per-host", 4, NULL);
	return w;
}

/* POSTs one add-checkpoint request; returns the response body or NULL. */
static GBytes *
post(ChainWitnesses *ws, Witness *w, const char *body, guint *status, char **ctype,
    GError **error)
{
	g_autofree char *url = g_strconcat(w->url, g_str_has_suffix(w->url, "/") ? "" : "/",
	    "add-checkpoint", NULL);
	g_autoptr(SoupMessage) msg = soup_message_new("POST", url);
	g_autoptr(GBytes) req = g_bytes_new(body, strlen(body));
	GBytes *resp;

	if (msg == NULL) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_INVALID_ARGUMENT, "bad witness URL %s", url);
		return NULL;
	}
	soup_message_set_request_body_from_bytes(msg, "text/plain; charset=utf-8", req);
	resp = soup_session_send_and_read(ws->session, msg, NULL, error);
	if (resp == NULL)
		return NULL;
	*status = soup_message_get_status(msg);
	*ctype = g_strdup(soup_message_headers_get_content_type(
	    soup_message_get_response_headers(msg), NULL));
	return resp;
}

static char *
request_body(ChainLog *log, guint64 old, guint64 size, const char *note, GError **error)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "old %" G_GUINT64_FORMAT "\n", old);
	if (old > 0 && old < size) {
		g_autoptr(GBytes) proof = chain_log_consistency_proof(log, old, size, error);
		gsize len;
		const guint8 *p;

		if (proof == NULL) {
			g_string_free(s, TRUE);
			return NULL;
		}
		p = g_bytes_get_data(proof, &len);
		for (gsize off = 0; off < len; off += CHAIN_HASH_BYTES) {
			g_autofree char *b64 = g_base64_encode(p + off, CHAIN_HASH_BYTES);

			g_string_append_printf(s, "%s\n", b64);
		}
	}
	g_string_append_c(s, '\n');
	g_string_append(s, note);
	return g_string_free(s, FALSE);
}

/*
 * Finds this witness's line in the response, verifies it over the
 * checkpoint text and adds it to n.
 */
static gboolean
take_cosignature(Witness *w, ippyo_note *n, GBytes *resp, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data(resp, &len);
	g_autofree char *text = g_strndup(data, len);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	const char *name = ippyo_note_verifier_name(w->key);

	for (char **l = lines; *l != NULL; l++) {
		const char *prefix = "\xe2\x80\x94 ";   /* em dash, space */
		g_autofree guint8 *sig = NULL;
		const char *rest;
		gsize name_len = strlen(name), sig_len = 0;
		guint32 key_id;
		int r;

		if (!g_str_has_prefix(*l, prefix))
			continue;
		rest = *l + strlen(prefix);
		if (strncmp(rest, name, name_len) != 0 || rest[name_len] != ' ')
			continue;
		sig = g_base64_decode(rest + name_len + 1, &sig_len);
		if (sig_len != 4 + IPPYO_COSIGNATURE_BYTES)
			continue;
		key_id = ((guint32)sig[0] << 24) | ((guint32)sig[1] << 16) | ((guint32)sig[2] << 8) | sig[3];
		if (key_id != ippyo_note_verifier_key_id(w->key))
			continue;
		r = ippyo_cosignature_verify(w->key, n->text, n->text_len, sig + 4, sig_len - 4, NULL);
		if (r != 0) {
			chain_set_ippyo_error(error, r, "cosignature of %s", name);
			return FALSE;
		}
		if ((r = ippyo_note_add_sig(n, name, key_id, sig + 4, sig_len - 4)) != 0) {
			chain_set_ippyo_error(error, r, "cosignature of %s", name);
			return FALSE;
		}
		return TRUE;
	}
	chain_set_ippyo_error(error, IPPYO_ERR_COSIGNATURE, "no cosignature of %s in the answer", name);
	return FALSE;
}

static gboolean
cosign_one(ChainWitnesses *ws, Witness *w, ChainLog *log, guint64 size, const char *note,
    ippyo_note *n, GError **error)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		g_autofree char *body = request_body(log, w->last_size, size, note, error);
		g_autoptr(GBytes) resp = NULL;
		g_autofree char *ctype = NULL;
		guint status = 0;

		if (body == NULL)
			return FALSE;
		resp = post(ws, w, body, &status, &ctype, error);
		if (resp == NULL)
			return FALSE;
		if (status == 200) {
			if (!take_cosignature(w, n, resp, error))
				return FALSE;
			w->last_size = size;
			return TRUE;
		}
		if (status == 409 && attempt == 0) {
			/* The witness knows another size: retry from it (text/x.tlog.size). */
			gsize len;
			const char *d = g_bytes_get_data(resp, &len);
			g_autofree char *t = g_strndup(d, len);
			guint64 v;

			g_strchomp(t);
			if (!g_ascii_string_to_unsigned(t, 10, 0, size, &v, NULL)) {
				g_set_error(error, IPPYO_ERROR, IPPYO_ERR_COSIGNATURE,
				    "witness %s: bad 409 answer", ippyo_note_verifier_name(w->key));
				return FALSE;
			}
			w->last_size = v;
			continue;
		}
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_COSIGNATURE, "witness %s: HTTP %u",
		    ippyo_note_verifier_name(w->key), status);
		return FALSE;
	}
	g_set_error(error, IPPYO_ERROR, IPPYO_ERR_COSIGNATURE, "witness %s: conflict",
	    ippyo_note_verifier_name(w->key));
	return FALSE;
}

char *
chain_witnesses_cosign(ChainWitnesses *ws, ChainLog *log, guint64 size, const char *note,
    GError **error)
{
	ippyo_note *n = NULL;
	ippyo_buf *b = NULL;
	guint ok = 0;
	char *out = NULL;
	int r;

	if ((r = ippyo_note_parse((const uint8_t *)note, strlen(note), &n)) != 0) {
		chain_set_ippyo_error(error, r, "checkpoint");
		return NULL;
	}
	for (guint i = 0; i < ws->list->len; i++) {
		Witness *w = ws->list->pdata[i];
		g_autoptr(GError) local = NULL;

		if (cosign_one(ws, w, log, size, note, n, &local))
			ok++;
		else
			g_printerr("ippyo-chaind: witness %s: %s\n", ippyo_note_verifier_name(w->key),
			    local->message);
	}
	if (ok < ws->quorum) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_QUORUM,
		    "%u of %u witnesses cosigned, the quorum is %u", ok, ws->list->len, ws->quorum);
		goto out;
	}
	if ((b = ippyo_buf_new(IPPYO_NOTE_MAX_BYTES)) == NULL ||
	    (r = ippyo_note_serialize(n, b)) != 0) {
		chain_set_ippyo_error(error, b == NULL ? IPPYO_ERR_ALLOC : r, "cosigned checkpoint");
		goto out;
	}
	out = g_strndup((const char *)ippyo_buf_data(b), ippyo_buf_len(b));
out:
	ippyo_buf_free(b);
	ippyo_note_free(n);
	return out;
}
