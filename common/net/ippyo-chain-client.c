/* ippyo — IppyoChainClient: the ballot chain's HTTP client (see ippyo-chain-client.h). */
#include "net/ippyo-chain-client.h"

#include <jansson.h>
#include <libsoup/soup.h>
#include <string.h>

#include "encoding.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/policy.h"
#include "log/receipt.h"
#include "log/tiles.h"
#include "net/ippyo-chain-types-private.h"

#define HASH IPPYO_HASH_BYTES

struct _IppyoChainClient {
	GObject parent_instance;

	char *base_url;                 /* ends in "/" */
	char *origin;
	char *chain_vkey;
	GBytes *policy_text;
	char *tls_ca_file;
	guint timeout;
	guint retry_initial_ms;
	guint retry_max_ms;
	guint retry_deadline_ms;

	ippyo_note_verifier *vkey;
	ippyo_policy *policy;
	SoupSession *session;

	GMutex lock;                    /* guards trusted */
	IppyoSignedCheckpoint *trusted;
};

enum {
	PROP_0,
	PROP_BASE_URL,
	PROP_ORIGIN,
	PROP_CHAIN_VKEY,
	PROP_POLICY,
	PROP_TLS_CA_FILE,
	PROP_TIMEOUT,
	PROP_RETRY_INITIAL_MS,
	PROP_RETRY_MAX_MS,
	PROP_RETRY_DEADLINE_MS,
	PROP_TRUSTED_CHECKPOINT,
	N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ippyo_chain_client_initable_iface_init(GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE(IppyoChainClient, ippyo_chain_client, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE(G_TYPE_INITABLE, ippyo_chain_client_initable_iface_init))

/* ------------------------------------------------------------------ */
/* GObject plumbing                                                    */

static void
ippyo_chain_client_finalize(GObject *object)
{
	IppyoChainClient *self = IPPYO_CHAIN_CLIENT(object);

	g_clear_object(&self->session);
	ippyo_note_verifier_free(self->vkey);
	ippyo_policy_free(self->policy);
	g_clear_pointer(&self->trusted, ippyo_signed_checkpoint_unref);
	g_clear_pointer(&self->policy_text, g_bytes_unref);
	g_free(self->base_url);
	g_free(self->origin);
	g_free(self->chain_vkey);
	g_free(self->tls_ca_file);
	g_mutex_clear(&self->lock);
	G_OBJECT_CLASS(ippyo_chain_client_parent_class)->finalize(object);
}

static void
ippyo_chain_client_get_property(GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
	IppyoChainClient *self = IPPYO_CHAIN_CLIENT(object);

	switch (prop_id) {
	case PROP_BASE_URL:
		g_value_set_string(value, self->base_url);
		break;
	case PROP_ORIGIN:
		g_value_set_string(value, self->origin);
		break;
	case PROP_CHAIN_VKEY:
		g_value_set_string(value, self->chain_vkey);
		break;
	case PROP_POLICY:
		g_value_set_boxed(value, self->policy_text);
		break;
	case PROP_TLS_CA_FILE:
		g_value_set_string(value, self->tls_ca_file);
		break;
	case PROP_TIMEOUT:
		g_value_set_uint(value, self->timeout);
		break;
	case PROP_RETRY_INITIAL_MS:
		g_value_set_uint(value, self->retry_initial_ms);
		break;
	case PROP_RETRY_MAX_MS:
		g_value_set_uint(value, self->retry_max_ms);
		break;
	case PROP_RETRY_DEADLINE_MS:
		g_value_set_uint(value, self->retry_deadline_ms);
		break;
	case PROP_TRUSTED_CHECKPOINT:
		g_value_take_boxed(value, ippyo_chain_client_dup_trusted_checkpoint(self));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_chain_client_set_property(GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
	IppyoChainClient *self = IPPYO_CHAIN_CLIENT(object);

	switch (prop_id) {
	case PROP_BASE_URL:
		self->base_url = g_value_dup_string(value);
		break;
	case PROP_ORIGIN:
		self->origin = g_value_dup_string(value);
		break;
	case PROP_CHAIN_VKEY:
		self->chain_vkey = g_value_dup_string(value);
		break;
	case PROP_POLICY:
		self->policy_text = g_value_dup_boxed(value);
		break;
	case PROP_TLS_CA_FILE:
		self->tls_ca_file = g_value_dup_string(value);
		break;
	case PROP_TIMEOUT:
		self->timeout = g_value_get_uint(value);
		break;
	case PROP_RETRY_INITIAL_MS:
		self->retry_initial_ms = g_value_get_uint(value);
		break;
	case PROP_RETRY_MAX_MS:
		self->retry_max_ms = g_value_get_uint(value);
		break;
	case PROP_RETRY_DEADLINE_MS:
		self->retry_deadline_ms = g_value_get_uint(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_chain_client_class_init(IppyoChainClientClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GParamFlags ro = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
	GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

	object_class->finalize = ippyo_chain_client_finalize;
	object_class->get_property = ippyo_chain_client_get_property;
	object_class->set_property = ippyo_chain_client_set_property;

	properties[PROP_BASE_URL] = g_param_spec_string("base-url", NULL, NULL, NULL, ro);
	properties[PROP_ORIGIN] = g_param_spec_string("origin", NULL, NULL, NULL, ro);
	properties[PROP_CHAIN_VKEY] = g_param_spec_string("chain-vkey", NULL, NULL, NULL, ro);
	properties[PROP_POLICY] = g_param_spec_boxed("policy", NULL, NULL, G_TYPE_BYTES, ro);
	properties[PROP_TLS_CA_FILE] = g_param_spec_string("tls-ca-file", NULL, NULL, NULL, ro);
	properties[PROP_TIMEOUT] = g_param_spec_uint("timeout", NULL, NULL, 1, 3600, 30, ro);
	properties[PROP_RETRY_INITIAL_MS] = g_param_spec_uint("retry-initial-ms", NULL, NULL,
	    1, 600000, 500, rw | G_PARAM_CONSTRUCT);
	properties[PROP_RETRY_MAX_MS] = g_param_spec_uint("retry-max-ms", NULL, NULL,
	    1, 3600000, 30000, rw | G_PARAM_CONSTRUCT);
	properties[PROP_RETRY_DEADLINE_MS] = g_param_spec_uint("retry-deadline-ms", NULL, NULL,
	    0, 86400000, 300000, rw | G_PARAM_CONSTRUCT);
	properties[PROP_TRUSTED_CHECKPOINT] = g_param_spec_boxed("trusted-checkpoint", NULL,
	    NULL, IPPYO_TYPE_SIGNED_CHECKPOINT, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
	    G_PARAM_EXPLICIT_NOTIFY);
	g_object_class_install_properties(object_class, N_PROPS, properties);
}

static void
ippyo_chain_client_init(IppyoChainClient *self)
{
	g_mutex_init(&self->lock);
	self->timeout = 30;
}

static gboolean
ippyo_chain_client_initable_init(GInitable *initable, GCancellable *cancellable,
    GError **error)
{
	IppyoChainClient *self = IPPYO_CHAIN_CLIENT(initable);
	g_autoptr(GUri) uri = NULL;
	g_autoptr(GTlsDatabase) db = NULL;
	const char *scheme;
	int r;

	if (self->base_url == NULL || self->origin == NULL || self->chain_vkey == NULL) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "a chain client needs a base URL, an origin and a verifier key");
		return FALSE;
	}
	if ((uri = g_uri_parse(self->base_url, G_URI_FLAGS_NONE, error)) == NULL)
		return FALSE;
	scheme = g_uri_get_scheme(uri);
	if (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "%s: not an http or https URL", self->base_url);
		return FALSE;
	}
	if (g_uri_get_query(uri) != NULL || g_uri_get_fragment(uri) != NULL ||
	    g_uri_get_userinfo(uri) != NULL) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "%s: a chain URL has no user, query or fragment", self->base_url);
		return FALSE;
	}
	if (!g_str_has_suffix(self->base_url, "/")) {
		char *s = g_strconcat(self->base_url, "/", NULL);

		g_free(self->base_url);
		self->base_url = s;
	}
	if ((r = ippyo_note_verifier_parse(self->chain_vkey, &self->vkey)) != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "chain verifier key: %s", ippyo_strerror(r));
		return FALSE;
	}
	if (ippyo_note_verifier_type(self->vkey) != IPPYO_NOTE_TYPE_ED25519 ||
	    strcmp(ippyo_note_verifier_name(self->vkey), self->origin) != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_WRONG_ORIGIN,
		    "the chain key is not an Ed25519 note key named %s", self->origin);
		return FALSE;
	}
	if (self->policy_text != NULL) {
		gsize len;
		const guint8 *p = g_bytes_get_data(self->policy_text, &len);

		if ((r = ippyo_policy_parse(p, len, &self->policy)) != 0) {
			g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
			    "witness policy: %s", ippyo_strerror(r));
			return FALSE;
		}
	}
	if (self->tls_ca_file != NULL &&
	    (db = g_tls_file_database_new(self->tls_ca_file, error)) == NULL)
		return FALSE;
	/* Configured here, before any request: the session is then only used
	 * to send messages, which libsoup >= 3.2 allows from any thread. */
	self->session = soup_session_new_with_options(
	    "timeout", self->timeout,
	    "idle-timeout", 60u,
	    "user-agent", "ippyo-net/1 ",
	    NULL);
	if (db != NULL)
		soup_session_set_tls_database(self->session, db);
	return TRUE;
}

static void
ippyo_chain_client_initable_iface_init(GInitableIface *iface)
{
	iface->init = ippyo_chain_client_initable_init;
}

IppyoChainClient *
ippyo_chain_client_new(const char *base_url, const char *origin, const char *chain_vkey,
    GBytes *policy, GError **error)
{
	return g_initable_new(IPPYO_TYPE_CHAIN_CLIENT, NULL, error,
	    "base-url", base_url,
	    "origin", origin,
	    "chain-vkey", chain_vkey,
	    "policy", policy,
	    NULL);
}

const char *
ippyo_chain_client_get_base_url(IppyoChainClient *self)
{
	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	return self->base_url;
}

const char *
ippyo_chain_client_get_origin(IppyoChainClient *self)
{
	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	return self->origin;
}

/* ------------------------------------------------------------------ */
/* HTTP: one bounded request, and the retry loop                        */

typedef struct {
	guint status;
	GBytes *body;
	gint64 retry_after_ms;          /* -1: none */
	gboolean duplicate;
} Response;

static void
response_clear(Response *resp)
{
	g_clear_pointer(&resp->body, g_bytes_unref);
	resp->status = 0;
	resp->retry_after_ms = -1;
	resp->duplicate = FALSE;
}

static gint64
parse_retry_after(const char *v)
{
	guint64 secs;

	if (v == NULL || !g_ascii_string_to_unsigned(v, 10, 0, 86400, &secs, NULL))
		return -1;
	return (gint64)secs * 1000;
}

/* One request; the body is read up to max bytes (IPPYO_NET_MAX_ERROR_BODY
 * for answers other than 200). Transport failures are IPPYO_NET_ERROR_NETWORK. */
static gboolean
http_once(IppyoChainClient *self, const char *method, const char *path, GBytes *body,
    gsize max, Response *resp, GCancellable *cancellable, GError **error)
{
	g_autofree char *url = NULL;
	g_autoptr(SoupMessage) msg = NULL;
	g_autoptr(GInputStream) in = NULL;
	g_autoptr(GByteArray) buf = NULL;
	g_autoptr(GError) local = NULL;
	SoupMessageHeaders *hdrs;
	guint8 chunk[16384];
	gsize limit;

	response_clear(resp);
	if ((url = g_uri_resolve_relative(self->base_url, path, G_URI_FLAGS_NONE, error)) == NULL)
		return FALSE;
	if ((msg = soup_message_new(method, url)) == NULL) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED, "%s: bad URL", url);
		return FALSE;
	}
	if (body != NULL) {
		soup_message_set_request_body_from_bytes(msg, "application/json", body);
		soup_message_add_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
	}
	if ((in = soup_session_send(self->session, msg, cancellable, &local)) == NULL) {
		if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		if (local->domain == G_TLS_ERROR) {
			g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NETWORK,
			    "%s: TLS: %s", url, local->message);
			return FALSE;
		}
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NETWORK, "%s: %s", url,
		    local->message);
		return FALSE;
	}
	resp->status = soup_message_get_status(msg);
	hdrs = soup_message_get_response_headers(msg);
	resp->retry_after_ms = parse_retry_after(soup_message_headers_get_one(hdrs, "Retry-After"));
	resp->duplicate = g_strcmp0(soup_message_headers_get_one(hdrs, "Ippyo-Duplicate"), "1") == 0;
	limit = resp->status == SOUP_STATUS_OK ? max : IPPYO_NET_MAX_ERROR_BODY;
	if (soup_message_headers_get_encoding(hdrs) == SOUP_ENCODING_CONTENT_LENGTH &&
	    (guint64)soup_message_headers_get_content_length(hdrs) > limit) {
		g_input_stream_close(in, NULL, NULL);
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_TOO_LARGE,
		    "%s: an answer of %" G_GINT64_FORMAT " bytes (at most %" G_GSIZE_FORMAT ")",
		    url, soup_message_headers_get_content_length(hdrs), limit);
		return FALSE;
	}
	buf = g_byte_array_new();
	for (;;) {
		gssize n = g_input_stream_read(in, chunk, sizeof(chunk), cancellable, &local);

		if (n < 0) {
			if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
				g_propagate_error(error, g_steal_pointer(&local));
			else
				g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NETWORK,
				    "%s: %s", url, local->message);
			return FALSE;
		}
		if (n == 0)
			break;
		if ((gsize)n > limit - buf->len) {
			g_input_stream_close(in, NULL, NULL);
			g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_TOO_LARGE,
			    "%s: an answer above %" G_GSIZE_FORMAT " bytes", url, limit);
			return FALSE;
		}
		g_byte_array_append(buf, chunk, (guint)n);
	}
	g_input_stream_close(in, NULL, NULL);
	resp->body = g_byte_array_free_to_bytes(g_steal_pointer(&buf));
	return TRUE;
}

/* Sleeps ms, waking up early (FALSE, G_IO_ERROR_CANCELLED) on cancellation. */
static gboolean
sleep_cancellable(guint64 ms, GCancellable *cancellable, GError **error)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	GPollFD pfd;
	gboolean have_fd = g_cancellable_make_pollfd(cancellable, &pfd);

	for (;;) {
		gint64 now = g_get_monotonic_time();

		if (g_cancellable_set_error_if_cancelled(cancellable, error)) {
			if (have_fd)
				g_cancellable_release_fd(cancellable);
			return FALSE;
		}
		if (now >= end)
			break;
		if (have_fd)
			(void)g_poll(&pfd, 1, (gint)MIN((end - now + 999) / 1000, 1000));
		else
			g_usleep((gulong)MIN(end - now, 50000));
	}
	if (have_fd)
		g_cancellable_release_fd(cancellable);
	return TRUE;
}

/* Removes control characters and bounds the server's text. */
static char *
sanitize(const char *s, gsize len)
{
	g_autofree char *valid = g_utf8_make_valid(s, (gssize)MIN(len, 400));
	GString *out = g_string_new(NULL);

	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (g_unichar_iscntrl(c))
			g_string_append_c(out, ' ');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/*
 * Turns a non-200 answer into a GError: the server's {code, message} when
 * it is one, else by status. *transient is set for answers worth retrying.
 */
static void
set_answer_error(const char *path, const Response *resp, gboolean *transient, GError **error)
{
	json_t *root = NULL, *code, *message;
	gsize len = 0;
	const char *data = resp->body != NULL ? g_bytes_get_data(resp->body, &len) : NULL;

	*transient = FALSE;
	if (data != NULL && len > 0 &&
	    (root = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL)) != NULL &&
	    json_is_object(root) && json_object_size(root) == 2 &&
	    json_is_string(code = json_object_get(root, "code")) &&
	    json_is_string(message = json_object_get(root, "message"))) {
		IppyoNetError e = ippyo_net_error_from_rejection(json_string_value(code));
		g_autofree char *c = sanitize(json_string_value(code), json_string_length(code));
		g_autofree char *m = sanitize(json_string_value(message),
		    json_string_length(message));

		if (e == IPPYO_NET_ERROR_REJECTED_UNKNOWN && resp->status == 404)
			e = IPPYO_NET_ERROR_NOT_FOUND;
		*transient = ippyo_net_error_is_transient_rejection(e) ||
		    (e == IPPYO_NET_ERROR_REJECTED_UNKNOWN && resp->status == 503);
		g_set_error(error, IPPYO_NET_ERROR, e, "%s: %s", c, m);
		json_decref(root);
		return;
	}
	json_decref(root);
	switch (resp->status) {
	case 404:
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_FOUND, "%s: not found", path);
		return;
	case 429:
	case 502:
	case 503:
	case 504:
		*transient = TRUE;
		break;
	default:
		break;
	}
	g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_HTTP, "%s: HTTP status %u", path,
	    resp->status);
}

/*
 * A request with retries: network failures and transient answers are
 * retried (the same method, path and bytes) with exponential backoff, at
 * least Retry-After, until retry-deadline-ms. Returns the 200 answer.
 */
static gboolean
http_request(IppyoChainClient *self, const char *method, const char *path, GBytes *body,
    gsize max, Response *resp, guint *attempts, GCancellable *cancellable, GError **error)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)self->retry_deadline_ms * 1000;
	guint64 backoff = self->retry_initial_ms;
	guint n = 0;

	for (;;) {
		g_autoptr(GError) local = NULL;
		gboolean transient = FALSE;
		guint64 wait;

		n++;
		if (attempts != NULL)
			*attempts = n;
		if (http_once(self, method, path, body, max, resp, cancellable, &local)) {
			if (resp->status == SOUP_STATUS_OK)
				return TRUE;
			set_answer_error(path, resp, &transient, &local);
		} else if (g_error_matches(local, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NETWORK)) {
			transient = TRUE;
		}
		if (!transient) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		/* jitter: 75% .. 100% of the backoff */
		wait = backoff - (guint64)g_random_int_range(0, (gint32)MAX(backoff / 4, 1));
		if (resp->retry_after_ms >= 0 && (guint64)resp->retry_after_ms > wait)
			wait = (guint64)resp->retry_after_ms;
		wait = MIN(wait, self->retry_max_ms);
		if (g_get_monotonic_time() + (gint64)wait * 1000 > deadline) {
			g_propagate_error(error, g_steal_pointer(&local));
			return FALSE;
		}
		g_debug("%s %s: %s; retrying in %" G_GUINT64_FORMAT " ms", method, path,
		    local->message, wait);
		if (!sleep_cancellable(wait, cancellable, error))
			return FALSE;
		backoff = MIN(backoff * 2, (guint64)self->retry_max_ms);
	}
}

/* GET path, 200 expected, at most max bytes. */
static GBytes *
http_get(IppyoChainClient *self, const char *path, gsize max, GCancellable *cancellable,
    GError **error)
{
	Response resp = { 0, NULL, -1, FALSE };

	if (!http_request(self, "GET", path, NULL, max, &resp, NULL, cancellable, error)) {
		response_clear(&resp);
		return NULL;
	}
	return resp.body;
}

/* ------------------------------------------------------------------ */
/* Strict JSON helpers                                                  */

static json_t *
json_parse_object(GBytes *body, const char *const *keys, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data(body, &len);
	json_t *root;
	const char *key;
	json_t *value;
	gsize n = 0;

	if (data == NULL || (root = json_loadb(data, len, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
		    "the answer is not JSON");
		return NULL;
	}
	if (!json_is_object(root))
		goto bad;
	json_object_foreach(root, key, value) {
		gboolean known = FALSE;

		for (gsize i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				known = TRUE;
		if (!known)
			goto bad;
		n++;
	}
	if (n != g_strv_length((char **)keys))
		goto bad;
	return root;
bad:
	json_decref(root);
	g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
	    "the answer has missing or unknown fields");
	return NULL;
}

static gboolean
json_get_u64(json_t *root, const char *key, guint64 *out)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return FALSE;
	*out = (guint64)json_integer_value(v);
	return TRUE;
}

/* "proof": an array of standard base64 hashes. */
static gboolean
json_get_proof(json_t *root, ippyo_merkle_proof *proof, GError **error)
{
	json_t *arr = json_object_get(root, "proof"), *v;
	size_t i;

	ippyo_merkle_proof_init(proof);
	if (!json_is_array(arr) || json_array_size(arr) > IPPYO_MERKLE_MAX_PROOF)
		goto bad;
	json_array_foreach(arr, i, v) {
		uint8_t h[HASH];
		size_t n;

		if (!json_is_string(v) ||
		    ippyo_b64_decode(json_string_value(v), json_string_length(v), h, sizeof(h),
		    &n) != 0 || n != HASH || ippyo_merkle_proof_add(proof, h, n) != 0)
			goto bad;
	}
	return TRUE;
bad:
	g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
	    "a malformed proof");
	return FALSE;
}

/* ------------------------------------------------------------------ */
/* Checkpoints and the trusted state                                    */

IppyoSignedCheckpoint *
ippyo_chain_client_verify_checkpoint(IppyoChainClient *self, GBytes *note, GError **error)
{
	ippyo_checkpoint *cp = NULL;
	ippyo_note *parsed = NULL;
	IppyoSignedCheckpoint *ret = NULL;
	gsize len;
	const guint8 *data;
	int r;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(note != NULL, NULL);
	data = g_bytes_get_data(note, &len);
	if (len > IPPYO_NET_MAX_CHECKPOINT) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_TOO_LARGE,
		    "checkpoint: too large");
		return NULL;
	}
	if ((r = ippyo_checkpoint_open(data, len, self->origin, self->vkey, &cp, &parsed)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "checkpoint");
		goto out;
	}
	if (self->policy != NULL && (r = ippyo_policy_check_note(self->policy, parsed)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "checkpoint witnesses");
		goto out;
	}
	ret = _ippyo_signed_checkpoint_new(note, cp->origin, cp->size, cp->root);
out:
	ippyo_checkpoint_free(cp);
	ippyo_note_free(parsed);
	return ret;
}

gboolean
ippyo_chain_client_set_trusted_checkpoint(IppyoChainClient *self, GBytes *note,
    GError **error)
{
	IppyoSignedCheckpoint *cp;

	if ((cp = ippyo_chain_client_verify_checkpoint(self, note, error)) == NULL)
		return FALSE;
	g_mutex_lock(&self->lock);
	g_clear_pointer(&self->trusted, ippyo_signed_checkpoint_unref);
	self->trusted = cp;
	g_mutex_unlock(&self->lock);
	g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_TRUSTED_CHECKPOINT]);
	return TRUE;
}

IppyoSignedCheckpoint *
ippyo_chain_client_dup_trusted_checkpoint(IppyoChainClient *self)
{
	IppyoSignedCheckpoint *cp = NULL;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_mutex_lock(&self->lock);
	if (self->trusted != NULL)
		cp = ippyo_signed_checkpoint_ref(self->trusted);
	g_mutex_unlock(&self->lock);
	return cp;
}

/* ------------------------------------------------------------------ */
/* Tiles verified against a checkpoint                                  */

typedef struct {
	IppyoChainClient *self;
	IppyoSignedCheckpoint *cp;
	GHashTable *verified;           /* "L/n" -> GBytes, hashed up to the root */
	GHashTable *pending;            /* right-edge tiles fetched, not yet checked */
	gboolean edge_done;
	ippyo_merkle_hasher *h;
	GCancellable *cancellable;
	GError *error;                  /* set by the callbacks */
} Tiles;

static void
tiles_init(Tiles *t, IppyoChainClient *self, IppyoSignedCheckpoint *cp, GCancellable *c)
{
	memset(t, 0, sizeof(*t));
	t->self = self;
	t->cp = cp;
	t->verified = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_bytes_unref);
	t->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_bytes_unref);
	t->h = ippyo_merkle_hasher_new();
	t->cancellable = c;
}

static void
tiles_clear(Tiles *t)
{
	g_clear_pointer(&t->verified, g_hash_table_unref);
	g_clear_pointer(&t->pending, g_hash_table_unref);
	ippyo_merkle_hasher_free(t->h);
	t->h = NULL;
	g_clear_error(&t->error);
}

static char *
tile_key(int level, guint64 n)
{
	return g_strdup_printf("%d/%" G_GUINT64_FORMAT, level, n);
}

/* Fetches tile (level, n) of width w and checks its length only. */
static GBytes *
tile_fetch_raw(Tiles *t, int level, guint64 n, unsigned w, GError **error)
{
	char path[IPPYO_TILE_MAX_PATH];
	g_autofree char *rel = NULL;
	GBytes *b;
	gsize len;
	const guint8 *p;
	int r;

	if ((r = ippyo_tile_path(level, n, w, path)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "tile path");
		return NULL;
	}
	rel = g_str_has_prefix(path, "tile/") ? g_strdup(path) : g_strconcat("tile/", path, NULL);
	if ((b = http_get(t->self, rel, (gsize)w * HASH, t->cancellable, error)) == NULL)
		return NULL;
	p = g_bytes_get_data(b, &len);
	if ((r = ippyo_tile_check(p, len, w)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "%s", rel);
		g_bytes_unref(b);
		return NULL;
	}
	return b;
}

/* ippyo_tile_fetch_fn over the pending right-edge tiles. */
static int
edge_fetch(void *arg, int level, uint64_t n, unsigned width, uint8_t *out)
{
	Tiles *t = arg;
	g_autofree char *key = tile_key(level, n);
	GBytes *b = g_hash_table_lookup(t->pending, key);

	if (b == NULL) {
		if (t->error != NULL)
			return IPPYO_ERR_IO;
		if ((b = tile_fetch_raw(t, level, n, width, &t->error)) == NULL)
			return IPPYO_ERR_IO;
		g_hash_table_insert(t->pending, g_steal_pointer(&key), b);
	}
	if (g_bytes_get_size(b) != (gsize)width * HASH)
		return IPPYO_ERR_TILE_FORMAT;
	memcpy(out, g_bytes_get_data(b, NULL), (gsize)width * HASH);
	return 0;
}

/* Checks every partial tile of the tree (its right edge) by recomputing
 * the checkpoint root from them. */
static gboolean
tiles_verify_edge(Tiles *t, GError **error)
{
	struct ippyo_tile_source src;
	uint8_t root[HASH];
	GHashTableIter it;
	gpointer k, v;
	int r;

	if (t->edge_done)
		return TRUE;
	src.size = ippyo_signed_checkpoint_get_size(t->cp);
	src.fetch = edge_fetch;
	src.arg = t;
	src.h = t->h;
	if ((r = ippyo_merkle_root_from(t->h, src.size, ippyo_tile_hash_fn, &src, root)) != 0) {
		if (t->error != NULL)
			g_propagate_error(error, g_steal_pointer(&t->error));
		else
			ippyo_net_set_ippyo_error(error, r, "tiles");
		return FALSE;
	}
	if (memcmp(root, ippyo_signed_checkpoint_get_root(t->cp), HASH) != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF,
		    "the tiles do not hash to the root of the checkpoint of size %"
		    G_GUINT64_FORMAT, src.size);
		g_hash_table_remove_all(t->pending);
		return FALSE;
	}
	g_hash_table_iter_init(&it, t->pending);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_insert(t->verified, g_strdup(k), g_bytes_ref(v));
	}
	g_hash_table_remove_all(t->pending);
	t->edge_done = TRUE;
	return TRUE;
}

/*
 * Tile (level, n) verified against the checkpoint (a borrowed reference):
 * a partial tile lies on the right edge and is checked with the root; a
 * full tile hashes to one entry of its parent tile, verified in turn.
 */
static GBytes *
tiles_get(Tiles *t, int level, guint64 n, GError **error)
{
	guint64 size = ippyo_signed_checkpoint_get_size(t->cp);
	unsigned w = ippyo_tile_width(size, level, n);
	g_autofree char *key = tile_key(level, n);
	g_autoptr(GBytes) raw = NULL;
	GBytes *b, *parent;
	uint8_t sub[HASH];
	unsigned pw;
	int r;

	if (level < 0 || level > IPPYO_TILE_MAX_LEVEL || w == 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_FOUND,
		    "tile %d/%" G_GUINT64_FORMAT " is not in the tree of size %" G_GUINT64_FORMAT,
		    level, n, size);
		return NULL;
	}
	if ((b = g_hash_table_lookup(t->verified, key)) != NULL)
		return b;
	if (w < IPPYO_TILE_WIDTH) {
		if (!tiles_verify_edge(t, error))
			return NULL;
		if ((b = g_hash_table_lookup(t->verified, key)) == NULL) {
			g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
			    "tile %s is not on the right edge", key);
			return NULL;
		}
		return b;
	}
	if ((raw = tile_fetch_raw(t, level, n, w, error)) == NULL)
		return NULL;
	if ((r = ippyo_merkle_root(t->h, g_bytes_get_data(raw, NULL), IPPYO_TILE_WIDTH, sub)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "tile %s", key);
		return NULL;
	}
	pw = ippyo_tile_width(size, level + 1, n / IPPYO_TILE_WIDTH);
	if (pw <= n % IPPYO_TILE_WIDTH) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "tile %s has no parent", key);
		return NULL;
	}
	if ((parent = tiles_get(t, level + 1, n / IPPYO_TILE_WIDTH, error)) == NULL)
		return NULL;
	if (memcmp((const guint8 *)g_bytes_get_data(parent, NULL) +
	    (n % IPPYO_TILE_WIDTH) * HASH, sub, HASH) != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF,
		    "tile %s does not hash to its parent tile", key);
		return NULL;
	}
	g_hash_table_insert(t->verified, g_steal_pointer(&key), g_bytes_ref(raw));
	return raw;
}

/* ippyo_tile_fetch_fn over verified tiles. */
static int
verified_fetch(void *arg, int level, uint64_t n, unsigned width, uint8_t *out)
{
	Tiles *t = arg;
	GBytes *b;

	if (t->error != NULL)
		return IPPYO_ERR_IO;
	if ((b = tiles_get(t, level, n, &t->error)) == NULL)
		return IPPYO_ERR_IO;
	if (g_bytes_get_size(b) != (gsize)width * HASH)
		return IPPYO_ERR_TILE_FORMAT;
	memcpy(out, g_bytes_get_data(b, NULL), (gsize)width * HASH);
	return 0;
}

/* Entry bundle n, verified: its leaf hashes are the level-0 tile. */
static GBytes *
tiles_get_bundle(Tiles *t, guint64 n, GError **error)
{
	guint64 size = ippyo_signed_checkpoint_get_size(t->cp);
	unsigned w = ippyo_tile_width(size, IPPYO_TILE_ENTRIES, n);
	char path[IPPYO_TILE_MAX_PATH];
	g_autofree char *rel = NULL;
	g_autofree guint8 *leaves = NULL;
	g_autoptr(GBytes) b = NULL;
	GBytes *tile;
	gsize len;
	const guint8 *p;
	int r;

	if (w == 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_FOUND,
		    "entry bundle %" G_GUINT64_FORMAT " is not in the tree of size %"
		    G_GUINT64_FORMAT, n, size);
		return NULL;
	}
	if ((r = ippyo_tile_path(IPPYO_TILE_ENTRIES, n, w, path)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "bundle path");
		return NULL;
	}
	rel = g_str_has_prefix(path, "tile/") ? g_strdup(path) : g_strconcat("tile/", path, NULL);
	if ((b = http_get(t->self, rel, (gsize)w * (2 + IPPYO_ENTRY_MAX), t->cancellable,
	    error)) == NULL)
		return NULL;
	p = g_bytes_get_data(b, &len);
	leaves = g_malloc((gsize)w * HASH);
	if ((r = ippyo_bundle_leaf_hashes(t->h, p, len, w, leaves)) != 0) {
		ippyo_net_set_ippyo_error(error, r, "%s", rel);
		return NULL;
	}
	if ((tile = tiles_get(t, 0, n, error)) == NULL)
		return NULL;
	if (g_bytes_get_size(tile) != (gsize)w * HASH ||
	    memcmp(g_bytes_get_data(tile, NULL), leaves, (gsize)w * HASH) != 0) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF,
		    "%s: the entries do not hash to the tree", rel);
		return NULL;
	}
	return g_steal_pointer(&b);
}

/* ------------------------------------------------------------------ */
/* Consistency                                                          */

/* 1: consistent, 0: provably not (a fork), -1: could not tell (*error). */
static int
consistency_from_tiles(IppyoChainClient *self, IppyoSignedCheckpoint *older,
    IppyoSignedCheckpoint *newer, GCancellable *cancellable, GError **error)
{
	Tiles t;
	struct ippyo_tile_source src;
	uint8_t root[HASH];
	int r, ret = -1;

	tiles_init(&t, self, newer, cancellable);
	src.size = ippyo_signed_checkpoint_get_size(newer);
	src.fetch = verified_fetch;
	src.arg = &t;
	src.h = t.h;
	if ((r = ippyo_merkle_root_from(t.h, ippyo_signed_checkpoint_get_size(older),
	    ippyo_tile_hash_fn, &src, root)) != 0) {
		if (t.error != NULL)
			g_propagate_error(error, g_steal_pointer(&t.error));
		else
			ippyo_net_set_ippyo_error(error, r, "consistency from tiles");
		goto out;
	}
	ret = memcmp(root, ippyo_signed_checkpoint_get_root(older), HASH) == 0 ? 1 : 0;
out:
	tiles_clear(&t);
	return ret;
}

/* Same as above, with the server's consistency proof first. */
static int
check_consistency(IppyoChainClient *self, IppyoSignedCheckpoint *older,
    IppyoSignedCheckpoint *newer, GCancellable *cancellable, GError **error)
{
	static const char *const keys[] = { "first", "second", "proof", NULL };
	guint64 m = ippyo_signed_checkpoint_get_size(older);
	guint64 n = ippyo_signed_checkpoint_get_size(newer);
	g_autofree char *path = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GError) local = NULL;
	ippyo_merkle_proof proof;
	json_t *root = NULL;
	guint64 a, b;
	int r;

	if (m == 0)
		return 1;
	path = g_strdup_printf("v1/proof/consistency?first=%" G_GUINT64_FORMAT
	    "&second=%" G_GUINT64_FORMAT, m, n);
	body = http_get(self, path, IPPYO_NET_MAX_JSON, cancellable, &local);
	if (body == NULL && g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		g_propagate_error(error, g_steal_pointer(&local));
		return -1;
	}
	if (body != NULL && (root = json_parse_object(body, keys, &local)) != NULL &&
	    json_get_u64(root, "first", &a) && json_get_u64(root, "second", &b) &&
	    a == m && b == n && json_get_proof(root, &proof, &local)) {
		r = ippyo_merkle_verify_consistency(NULL, m, n, &proof,
		    ippyo_signed_checkpoint_get_root(older), HASH,
		    ippyo_signed_checkpoint_get_root(newer), HASH);
		json_decref(root);
		if (r == 0)
			return 1;
		g_debug("consistency proof %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT
		    ": %s; asking the tiles", m, n, ippyo_strerror(r));
	} else {
		json_decref(root);
		g_debug("no usable consistency proof (%s); asking the tiles",
		    local != NULL ? local->message : "wrong sizes");
	}
	/* The proof endpoint is a convenience; the tiles decide. */
	return consistency_from_tiles(self, older, newer, cancellable, error);
}

static void
set_fork_error(IppyoSignedCheckpoint *held, IppyoSignedCheckpoint *served, int code,
    const char *reason, IppyoForkEvidence **evidence, GError **error)
{
	g_set_error(error, IPPYO_NET_ERROR, code, "%s (held size %" G_GUINT64_FORMAT
	    ", served size %" G_GUINT64_FORMAT ")", reason,
	    ippyo_signed_checkpoint_get_size(held), ippyo_signed_checkpoint_get_size(served));
	if (evidence != NULL)
		*evidence = _ippyo_fork_evidence_new(held, served, reason);
}

/* Accepts a verified checkpoint when consistent with the held one. */
static IppyoSignedCheckpoint *
accept_checkpoint(IppyoChainClient *self, IppyoSignedCheckpoint *cp,
    IppyoForkEvidence **evidence, GCancellable *cancellable, GError **error)
{
	g_autoptr(IppyoSignedCheckpoint) held = ippyo_chain_client_dup_trusted_checkpoint(self);
	gboolean advance = TRUE;

	if (held != NULL) {
		guint64 hs = ippyo_signed_checkpoint_get_size(held);
		guint64 cs = ippyo_signed_checkpoint_get_size(cp);

		if (cs == hs) {
			if (!ippyo_signed_checkpoint_same_tree(held, cp)) {
				set_fork_error(held, cp, IPPYO_NET_ERROR_FORK,
				    "two signed checkpoints of the same size with different roots",
				    evidence, error);
				return NULL;
			}
		} else if (cs < hs) {
			set_fork_error(held, cp, IPPYO_NET_ERROR_ROLLBACK,
			    "the chain serves a smaller tree than a checkpoint it signed before",
			    evidence, error);
			return NULL;
		} else {
			int c = check_consistency(self, held, cp, cancellable, error);

			if (c < 0)
				return NULL;
			if (c == 0) {
				set_fork_error(held, cp, IPPYO_NET_ERROR_FORK,
				    "the served tree does not extend the held checkpoint",
				    evidence, error);
				return NULL;
			}
		}
	}
	g_mutex_lock(&self->lock);
	/* another thread may have advanced further meanwhile */
	if (self->trusted != NULL && held != self->trusted &&
	    ippyo_signed_checkpoint_get_size(self->trusted) > ippyo_signed_checkpoint_get_size(cp))
		advance = FALSE;
	if (advance) {
		g_clear_pointer(&self->trusted, ippyo_signed_checkpoint_unref);
		self->trusted = ippyo_signed_checkpoint_ref(cp);
	}
	g_mutex_unlock(&self->lock);
	if (advance)
		g_object_notify_by_pspec(G_OBJECT(self), properties[PROP_TRUSTED_CHECKPOINT]);
	return ippyo_signed_checkpoint_ref(cp);
}

IppyoSignedCheckpoint *
ippyo_chain_client_update_checkpoint_sync(IppyoChainClient *self, GBytes *note,
    IppyoForkEvidence **evidence, GCancellable *cancellable, GError **error)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	if (evidence != NULL)
		*evidence = NULL;
	if ((cp = ippyo_chain_client_verify_checkpoint(self, note, error)) == NULL)
		return NULL;
	return accept_checkpoint(self, cp, evidence, cancellable, error);
}

IppyoSignedCheckpoint *
ippyo_chain_client_fetch_checkpoint_sync(IppyoChainClient *self,
    IppyoForkEvidence **evidence, GCancellable *cancellable, GError **error)
{
	g_autoptr(GBytes) note = NULL;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	if (evidence != NULL)
		*evidence = NULL;
	if ((note = http_get(self, "checkpoint", IPPYO_NET_MAX_CHECKPOINT, cancellable,
	    error)) == NULL)
		return NULL;
	return ippyo_chain_client_update_checkpoint_sync(self, note, evidence, cancellable, error);
}

/* The given checkpoint, else the held one, else a fetched one. */
static IppyoSignedCheckpoint *
checkpoint_or_current(IppyoChainClient *self, IppyoSignedCheckpoint *cp,
    GCancellable *cancellable, GError **error)
{
	IppyoSignedCheckpoint *held;

	if (cp != NULL)
		return ippyo_signed_checkpoint_ref(cp);
	if ((held = ippyo_chain_client_dup_trusted_checkpoint(self)) != NULL)
		return held;
	return ippyo_chain_client_fetch_checkpoint_sync(self, NULL, cancellable, error);
}

/* ------------------------------------------------------------------ */
/* Tiles, bundles, entries, manifest                                    */

GBytes *
ippyo_chain_client_fetch_tile_sync(IppyoChainClient *self, IppyoSignedCheckpoint *checkpoint,
    int level, guint64 n, GCancellable *cancellable, GError **error)
{
	Tiles t;
	GBytes *b;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(checkpoint != NULL, NULL);
	tiles_init(&t, self, checkpoint, cancellable);
	if ((b = tiles_get(&t, level, n, error)) != NULL)
		g_bytes_ref(b);
	tiles_clear(&t);
	return b;
}

GBytes *
ippyo_chain_client_fetch_entry_bundle_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 n, GCancellable *cancellable, GError **error)
{
	Tiles t;
	GBytes *b;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(checkpoint != NULL, NULL);
	tiles_init(&t, self, checkpoint, cancellable);
	b = tiles_get_bundle(&t, n, error);
	tiles_clear(&t);
	return b;
}

GPtrArray *
ippyo_chain_client_fetch_entries_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 start, guint64 end,
    GCancellable *cancellable, GError **error)
{
	g_autoptr(GPtrArray) out = NULL;
	ippyo_bundle_entry *items = NULL;
	guint64 size;
	Tiles t;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(checkpoint != NULL, NULL);
	size = ippyo_signed_checkpoint_get_size(checkpoint);
	if (start >= end || end > size || end - start > IPPYO_NET_MAX_ENTRIES) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "entries [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ") outside the tree of "
		    "size %" G_GUINT64_FORMAT " or more than %u", start, end, size,
		    IPPYO_NET_MAX_ENTRIES);
		return NULL;
	}
	out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	items = g_new(ippyo_bundle_entry, IPPYO_TILE_WIDTH);
	tiles_init(&t, self, checkpoint, cancellable);
	for (guint64 n = start / IPPYO_TILE_WIDTH; n * IPPYO_TILE_WIDTH < end; n++) {
		g_autoptr(GBytes) b = tiles_get_bundle(&t, n, error);
		unsigned w = ippyo_tile_width(size, IPPYO_TILE_ENTRIES, n);
		gsize len;
		const guint8 *p;

		if (b == NULL)
			goto fail;
		p = g_bytes_get_data(b, &len);
		if (ippyo_bundle_parse(p, len, w, items) != 0) {
			g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
			    "a verified bundle does not parse");
			goto fail;
		}
		for (unsigned i = 0; i < w; i++) {
			guint64 idx = n * IPPYO_TILE_WIDTH + i;

			if (idx >= start && idx < end)
				g_ptr_array_add(out, g_bytes_new_from_bytes(b,
				    (gsize)(items[i].data - p), items[i].len));
		}
	}
	tiles_clear(&t);
	g_free(items);
	return g_steal_pointer(&out);
fail:
	tiles_clear(&t);
	g_free(items);
	return NULL;
}

GBytes *
ippyo_chain_client_fetch_manifest_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, GCancellable *cancellable, GError **error)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(GBytes) body = NULL;
	uint8_t leaf[HASH];
	GBytes *tile;
	Tiles t;
	gsize len;
	const guint8 *p;
	int r;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	if ((cp = checkpoint_or_current(self, checkpoint, cancellable, error)) == NULL)
		return NULL;
	if ((body = http_get(self, "v1/manifest", IPPYO_ENTRY_MAX, cancellable, error)) == NULL)
		return NULL;
	p = g_bytes_get_data(body, &len);
	if (len == 0 || (r = ippyo_merkle_hash_leaf(NULL, p, len, leaf)) != 0) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
		    "an empty manifest");
		return NULL;
	}
	tiles_init(&t, self, cp, cancellable);
	if ((tile = tiles_get(&t, 0, 0, error)) == NULL) {
		tiles_clear(&t);
		return NULL;
	}
	r = memcmp(g_bytes_get_data(tile, NULL), leaf, HASH);
	tiles_clear(&t);
	if (r != 0) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF,
		    "the manifest served is not entry 0 of the chain");
		return NULL;
	}
	return g_steal_pointer(&body);
}

/* ------------------------------------------------------------------ */
/* Inclusion                                                            */

gboolean
ippyo_chain_client_prove_inclusion_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, const guint8 *leaf_hash, gint64 index,
    guint64 *index_out, GCancellable *cancellable, GError **error)
{
	static const char *const keys[] = { "index", "size", "proof", NULL };
	g_autofree char *path = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GError) local = NULL;
	ippyo_merkle_proof proof;
	json_t *root = NULL;
	guint64 size, idx = 0, got_size;
	char hex[2 * HASH + 1];
	GBytes *tile;
	Tiles t;
	gboolean ok;
	int r = IPPYO_ERR_BAD_INCLUSION;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), FALSE);
	g_return_val_if_fail(checkpoint != NULL && leaf_hash != NULL, FALSE);
	size = ippyo_signed_checkpoint_get_size(checkpoint);
	if (index >= 0 && (guint64)index >= size) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED,
		    "index %" G_GINT64_FORMAT " is beyond the tree of size %" G_GUINT64_FORMAT,
		    index, size);
		return FALSE;
	}
	if (index >= 0) {
		path = g_strdup_printf("v1/proof/inclusion?index=%" G_GINT64_FORMAT "&size=%"
		    G_GUINT64_FORMAT, index, size);
	} else {
		ippyo_hex_write(leaf_hash, HASH, hex);
		hex[2 * HASH] = '\0';
		path = g_strdup_printf("v1/proof/inclusion?leaf=%s&size=%" G_GUINT64_FORMAT,
		    hex, size);
	}
	body = http_get(self, path, IPPYO_NET_MAX_JSON, cancellable, &local);
	if (body != NULL && (root = json_parse_object(body, keys, &local)) != NULL &&
	    json_get_u64(root, "index", &idx) && json_get_u64(root, "size", &got_size) &&
	    got_size == size && (index < 0 || idx == (guint64)index) &&
	    json_get_proof(root, &proof, &local)) {
		r = ippyo_merkle_verify_inclusion(NULL, idx, size, leaf_hash, HASH, &proof,
		    ippyo_signed_checkpoint_get_root(checkpoint), HASH);
	}
	json_decref(root);
	if (r == 0) {
		if (index_out != NULL)
			*index_out = idx;
		return TRUE;
	}
	if (local != NULL && (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
	    (index < 0 && g_error_matches(local, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_FOUND)))) {
		if (local->domain == IPPYO_NET_ERROR)
			g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED,
			    "the chain does not know this leaf: %s", local->message);
		else
			g_propagate_error(error, g_steal_pointer(&local));
		return FALSE;
	}
	if (index < 0) {
		/* Without an index only the server's proof can show inclusion. */
		if (local != NULL)
			g_propagate_error(error, g_steal_pointer(&local));
		else
			ippyo_net_set_ippyo_error(error, r, "inclusion proof");
		return FALSE;
	}
	/* The proof endpoint failed or lied; the verified tiles decide. */
	tiles_init(&t, self, checkpoint, cancellable);
	tile = tiles_get(&t, 0, (guint64)index / IPPYO_TILE_WIDTH, error);
	ok = tile != NULL && memcmp((const guint8 *)g_bytes_get_data(tile, NULL) +
	    ((guint64)index % IPPYO_TILE_WIDTH) * HASH, leaf_hash, HASH) == 0;
	if (tile != NULL && !ok)
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED,
		    "another entry is at index %" G_GINT64_FORMAT " of the tree of size %"
		    G_GUINT64_FORMAT, index, size);
	tiles_clear(&t);
	if (ok && index_out != NULL)
		*index_out = (guint64)index;
	return ok;
}

/* ------------------------------------------------------------------ */
/* Receipts and submissions                                             */

static IppyoChainReceipt *
receipt_verify(IppyoChainClient *self, const guint8 *entry, gsize entry_len, GBytes *proof_text,
    guint64 index, gboolean check_index, gboolean duplicate, guint attempts, GError **error)
{
	ippyo_receipt *r = NULL;
	ippyo_checkpoint *cp = NULL;
	g_autoptr(GBytes) note = NULL;
	g_autoptr(IppyoSignedCheckpoint) scp = NULL;
	IppyoChainReceipt *ret = NULL;
	uint8_t leaf[HASH];
	gsize len;
	const guint8 *p = g_bytes_get_data(proof_text, &len);
	int e;

	if ((e = ippyo_merkle_hash_leaf(NULL, entry, entry_len, leaf)) != 0) {
		ippyo_net_set_ippyo_error(error, e, "leaf hash");
		goto out;
	}
	if ((e = ippyo_receipt_parse(p, len, &r)) != 0) {
		ippyo_net_set_ippyo_error(error, e, "receipt");
		goto out;
	}
	if (check_index && r->index != index) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RECEIPT,
		    "the receipt proves index %" G_GUINT64_FORMAT ", the answer says %"
		    G_GUINT64_FORMAT, r->index, index);
		goto out;
	}
	if ((e = ippyo_receipt_verify_leaf(r, leaf, self->origin, self->vkey, self->policy,
	    &cp)) != 0) {
		ippyo_net_set_ippyo_error(error, e, "receipt for index %" G_GUINT64_FORMAT,
		    r->index);
		goto out;
	}
	note = g_bytes_new(r->checkpoint, r->checkpoint_len);
	scp = _ippyo_signed_checkpoint_new(note, cp->origin, cp->size, cp->root);
	ret = _ippyo_chain_receipt_new(r->index, leaf, proof_text, scp, duplicate, attempts);
out:
	ippyo_receipt_free(r);
	ippyo_checkpoint_free(cp);
	return ret;
}

IppyoChainReceipt *
ippyo_chain_client_verify_receipt(IppyoChainClient *self, GBytes *entry, GBytes *proof,
    GError **error)
{
	gsize len;
	const guint8 *p;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(entry != NULL && proof != NULL, NULL);
	p = g_bytes_get_data(entry, &len);
	return receipt_verify(self, p, len, proof, 0, FALSE, FALSE, 0, error);
}

static IppyoChainReceipt *
submit(IppyoChainClient *self, const char *path, GBytes *entry, GCancellable *cancellable,
    GError **error)
{
	static const char *const keys[] = { "index", "leaf_hash", "receipt", NULL };
	Response resp = { 0, NULL, -1, FALSE };
	json_t *root = NULL, *v;
	g_autoptr(GBytes) proof = NULL;
	IppyoChainReceipt *ret = NULL;
	uint8_t leaf[HASH], want[HASH];
	guint64 index;
	guint attempts = 0;
	gsize len;
	const guint8 *p;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	g_return_val_if_fail(entry != NULL, NULL);
	p = g_bytes_get_data(entry, &len);
	if (len == 0 || len > IPPYO_ENTRY_MAX) {
		g_set_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED,
		    "an entry of %" G_GSIZE_FORMAT " bytes (1 .. %u)", len, IPPYO_ENTRY_MAX);
		return NULL;
	}
	if (!http_request(self, "POST", path, entry, IPPYO_NET_MAX_RECEIPT, &resp, &attempts,
	    cancellable, error))
		goto out;
	if ((root = json_parse_object(resp.body, keys, error)) == NULL)
		goto out;
	v = json_object_get(root, "leaf_hash");
	if (!json_get_u64(root, "index", &index) || !json_is_string(v) ||
	    json_string_length(v) != 2 * HASH ||
	    ippyo_hex_decode_exact(json_string_value(v), leaf, HASH) != 0 ||
	    !json_is_string(json_object_get(root, "receipt"))) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
		    "a malformed receipt answer");
		goto out;
	}
	if (ippyo_merkle_hash_leaf(NULL, p, len, want) != 0 || memcmp(leaf, want, HASH) != 0) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RECEIPT,
		    "the receipt is for another entry");
		goto out;
	}
	v = json_object_get(root, "receipt");
	proof = g_bytes_new(json_string_value(v), json_string_length(v));
	ret = receipt_verify(self, p, len, proof, index, TRUE, resp.duplicate, attempts, error);
out:
	json_decref(root);
	response_clear(&resp);
	return ret;
}

IppyoChainReceipt *
ippyo_chain_client_submit_ballot_sync(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GError **error)
{
	return submit(self, "v1/ballots", entry, cancellable, error);
}

IppyoChainReceipt *
ippyo_chain_client_submit_close_sync(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GError **error)
{
	return submit(self, "v1/close", entry, cancellable, error);
}

/* ------------------------------------------------------------------ */
/* Status                                                               */

IppyoChainStatus *
ippyo_chain_client_fetch_status_sync(IppyoChainClient *self, GCancellable *cancellable,
    GError **error)
{
	static const char *const keys[] = { "origin", "election_id", "size", "state",
	    "pending", "inflight", NULL };
	g_autoptr(GBytes) body = NULL;
	json_t *root;
	json_t *origin, *eid, *state;
	guint64 size, pending, inflight;
	IppyoChainStatus *ret = NULL;

	g_return_val_if_fail(IPPYO_IS_CHAIN_CLIENT(self), NULL);
	if ((body = http_get(self, "v1/status", IPPYO_NET_MAX_ERROR_BODY, cancellable,
	    error)) == NULL)
		return NULL;
	if ((root = json_parse_object(body, keys, error)) == NULL)
		return NULL;
	origin = json_object_get(root, "origin");
	eid = json_object_get(root, "election_id");
	state = json_object_get(root, "state");
	if (!json_is_string(origin) || !json_is_string(eid) || !json_is_string(state) ||
	    !json_get_u64(root, "size", &size) || !json_get_u64(root, "pending", &pending) ||
	    !json_get_u64(root, "inflight", &inflight) ||
	    (strcmp(json_string_value(state), "open") != 0 &&
	    strcmp(json_string_value(state), "closed") != 0) ||
	    strlen(json_string_value(eid)) != json_string_length(eid)) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RESPONSE,
		    "a malformed status");
		goto out;
	}
	if (strcmp(json_string_value(origin), self->origin) != 0) {
		g_set_error_literal(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_WRONG_ORIGIN,
		    "the status is of another chain");
		goto out;
	}
	ret = _ippyo_chain_status_new(self->origin, json_string_value(eid), size,
	    strcmp(json_string_value(state), "closed") == 0, pending, inflight);
out:
	json_decref(root);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Async wrappers: each runs its _sync on a worker thread               */

typedef enum {
	OP_CHECKPOINT,
	OP_TILE,
	OP_BUNDLE,
	OP_ENTRIES,
	OP_MANIFEST,
	OP_INCLUSION,
	OP_BALLOT,
	OP_CLOSE,
	OP_STATUS,
} OpKind;

typedef struct {
	OpKind kind;
	IppyoSignedCheckpoint *cp;
	GBytes *bytes;
	int level;
	guint64 a, b;
	gint64 index;
	guint8 leaf[HASH];
	guint64 index_out;
	IppyoForkEvidence *evidence;
} Op;

static void
op_free(Op *op)
{
	g_clear_pointer(&op->cp, ippyo_signed_checkpoint_unref);
	g_clear_pointer(&op->bytes, g_bytes_unref);
	g_clear_pointer(&op->evidence, ippyo_fork_evidence_unref);
	g_free(op);
}

static void
op_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	IppyoChainClient *self = source;
	Op *op = data;
	GError *error = NULL;
	gpointer result = NULL;
	GDestroyNotify free_fn = NULL;

	switch (op->kind) {
	case OP_CHECKPOINT:
		result = ippyo_chain_client_fetch_checkpoint_sync(self, &op->evidence,
		    cancellable, &error);
		free_fn = (GDestroyNotify)ippyo_signed_checkpoint_unref;
		break;
	case OP_TILE:
		result = ippyo_chain_client_fetch_tile_sync(self, op->cp, op->level, op->a,
		    cancellable, &error);
		free_fn = (GDestroyNotify)g_bytes_unref;
		break;
	case OP_BUNDLE:
		result = ippyo_chain_client_fetch_entry_bundle_sync(self, op->cp, op->a,
		    cancellable, &error);
		free_fn = (GDestroyNotify)g_bytes_unref;
		break;
	case OP_ENTRIES:
		result = ippyo_chain_client_fetch_entries_sync(self, op->cp, op->a, op->b,
		    cancellable, &error);
		free_fn = (GDestroyNotify)g_ptr_array_unref;
		break;
	case OP_MANIFEST:
		result = ippyo_chain_client_fetch_manifest_sync(self, op->cp, cancellable,
		    &error);
		free_fn = (GDestroyNotify)g_bytes_unref;
		break;
	case OP_INCLUSION:
		if (ippyo_chain_client_prove_inclusion_sync(self, op->cp, op->leaf, op->index,
		    &op->index_out, cancellable, &error))
			g_task_return_boolean(task, TRUE);
		else
			g_task_return_error(task, error);
		return;
	case OP_BALLOT:
	case OP_CLOSE:
		result = submit(self, op->kind == OP_BALLOT ? "v1/ballots" : "v1/close",
		    op->bytes, cancellable, &error);
		free_fn = (GDestroyNotify)ippyo_chain_receipt_unref;
		break;
	case OP_STATUS:
		result = ippyo_chain_client_fetch_status_sync(self, cancellable, &error);
		free_fn = (GDestroyNotify)ippyo_chain_status_unref;
		break;
	}
	if (result == NULL)
		g_task_return_error(task, error);
	else
		g_task_return_pointer(task, result, free_fn);
}

static void
op_start(IppyoChainClient *self, Op *op, gpointer tag, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, tag);
	g_task_set_task_data(task, op, (GDestroyNotify)op_free);
	g_task_set_return_on_cancel(task, FALSE);
	g_task_run_in_thread(task, op_thread);
}

static Op *
op_new(OpKind kind, IppyoSignedCheckpoint *cp)
{
	Op *op = g_new0(Op, 1);

	op->kind = kind;
	if (cp != NULL)
		op->cp = ippyo_signed_checkpoint_ref(cp);
	return op;
}

static gpointer
op_finish(IppyoChainClient *self, GAsyncResult *result, gpointer tag, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) == tag, NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

void
ippyo_chain_client_fetch_checkpoint_async(IppyoChainClient *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	op_start(self, op_new(OP_CHECKPOINT, NULL), ippyo_chain_client_fetch_checkpoint_async,
	    cancellable, callback, user_data);
}

IppyoSignedCheckpoint *
ippyo_chain_client_fetch_checkpoint_finish(IppyoChainClient *self, GAsyncResult *result,
    IppyoForkEvidence **evidence, GError **error)
{
	Op *op;

	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	op = g_task_get_task_data(G_TASK(result));
	if (evidence != NULL)
		*evidence = op->evidence != NULL ? ippyo_fork_evidence_ref(op->evidence) : NULL;
	return op_finish(self, result, ippyo_chain_client_fetch_checkpoint_async, error);
}

void
ippyo_chain_client_fetch_tile_async(IppyoChainClient *self, IppyoSignedCheckpoint *checkpoint,
    int level, guint64 n, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(checkpoint != NULL);
	op = op_new(OP_TILE, checkpoint);
	op->level = level;
	op->a = n;
	op_start(self, op, ippyo_chain_client_fetch_tile_async, cancellable, callback, user_data);
}

GBytes *
ippyo_chain_client_fetch_tile_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_fetch_tile_async, error);
}

void
ippyo_chain_client_fetch_entry_bundle_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 n, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(checkpoint != NULL);
	op = op_new(OP_BUNDLE, checkpoint);
	op->a = n;
	op_start(self, op, ippyo_chain_client_fetch_entry_bundle_async, cancellable, callback,
	    user_data);
}

GBytes *
ippyo_chain_client_fetch_entry_bundle_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_fetch_entry_bundle_async, error);
}

void
ippyo_chain_client_fetch_entries_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 start, guint64 end,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(checkpoint != NULL);
	op = op_new(OP_ENTRIES, checkpoint);
	op->a = start;
	op->b = end;
	op_start(self, op, ippyo_chain_client_fetch_entries_async, cancellable, callback,
	    user_data);
}

GPtrArray *
ippyo_chain_client_fetch_entries_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_fetch_entries_async, error);
}

void
ippyo_chain_client_fetch_manifest_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	op_start(self, op_new(OP_MANIFEST, checkpoint), ippyo_chain_client_fetch_manifest_async,
	    cancellable, callback, user_data);
}

GBytes *
ippyo_chain_client_fetch_manifest_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_fetch_manifest_async, error);
}

void
ippyo_chain_client_prove_inclusion_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, const guint8 *leaf_hash, gint64 index,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(checkpoint != NULL && leaf_hash != NULL);
	op = op_new(OP_INCLUSION, checkpoint);
	memcpy(op->leaf, leaf_hash, HASH);
	op->index = index;
	op_start(self, op, ippyo_chain_client_prove_inclusion_async, cancellable, callback,
	    user_data);
}

gboolean
ippyo_chain_client_prove_inclusion_finish(IppyoChainClient *self, GAsyncResult *result,
    guint64 *index_out, GError **error)
{
	Op *op;

	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	g_return_val_if_fail(g_task_get_source_tag(G_TASK(result)) ==
	    ippyo_chain_client_prove_inclusion_async, FALSE);
	if (!g_task_propagate_boolean(G_TASK(result), error))
		return FALSE;
	op = g_task_get_task_data(G_TASK(result));
	if (index_out != NULL)
		*index_out = op->index_out;
	return TRUE;
}

void
ippyo_chain_client_submit_ballot_async(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(entry != NULL);
	op = op_new(OP_BALLOT, NULL);
	op->bytes = g_bytes_ref(entry);
	op_start(self, op, ippyo_chain_client_submit_ballot_async, cancellable, callback,
	    user_data);
}

IppyoChainReceipt *
ippyo_chain_client_submit_ballot_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_submit_ballot_async, error);
}

void
ippyo_chain_client_submit_close_async(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	Op *op;

	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	g_return_if_fail(entry != NULL);
	op = op_new(OP_CLOSE, NULL);
	op->bytes = g_bytes_ref(entry);
	op_start(self, op, ippyo_chain_client_submit_close_async, cancellable, callback,
	    user_data);
}

IppyoChainReceipt *
ippyo_chain_client_submit_close_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_submit_close_async, error);
}

void
ippyo_chain_client_fetch_status_async(IppyoChainClient *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_return_if_fail(IPPYO_IS_CHAIN_CLIENT(self));
	op_start(self, op_new(OP_STATUS, NULL), ippyo_chain_client_fetch_status_async,
	    cancellable, callback, user_data);
}

IppyoChainStatus *
ippyo_chain_client_fetch_status_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error)
{
	return op_finish(self, result, ippyo_chain_client_fetch_status_async, error);
}
