/* ippyo-chaind — POST /v1/entries: the officials' signed entries (docs/chain.md). */
#include "chain-officials.h"

#include <string.h>

#include "chain-error.h"
#include "error.h"

/*
 * One officials' submission in flight. Officials' entries are few (a
 * ceremony, a close, a decryption per trustee, a result): their checks (one
 * strict parse, one Ed25519 verification) run on the HTTP thread; their
 * position in the log is the sequencer's to check, in log order.
 */
typedef struct {
	ChainDaemon *d;
	SoupServerMessage *msg;
	gulong finished_id;
	gboolean finished;             /* main context only */
	ChainSubmission *sub;
	int err;
	char *message;
	char *json;
	gboolean duplicate;
} OfficialReq;

static void
req_free(OfficialReq *r)
{
	chain_submission_free(r->sub);
	g_free(r->message);
	g_free(r->json);
	g_free(r);
}

static void
msg_finished_cb(SoupServerMessage *msg, gpointer user_data)
{
	OfficialReq *r = user_data;

	r->finished = TRUE;
}

static gboolean
answer_main(gpointer data)
{
	OfficialReq *r = data;

	if (!r->finished) {
		if (r->err != 0)
			chain_http_answer_error(r->msg, r->err, r->message);
		else {
			gsize len = strlen(r->json);

			soup_server_message_set_status(r->msg, SOUP_STATUS_OK, NULL);
			soup_message_headers_replace(soup_server_message_get_response_headers(r->msg),
			    "Cache-Control", "no-store");
			if (r->duplicate)
				soup_message_headers_replace(
				    soup_server_message_get_response_headers(r->msg),
				    "Ippyo-Duplicate", "1");
			soup_server_message_set_response(r->msg, "application/json",
			    SOUP_MEMORY_TAKE, g_steal_pointer(&r->json), len);
		}
		soup_server_message_unpause(r->msg);
	}
	g_signal_handler_disconnect(r->msg, r->finished_id);
	g_object_unref(r->msg);
	g_atomic_int_dec_and_test(&r->d->inflight);
	req_free(r);
	return G_SOURCE_REMOVE;
}

char *
chain_receipt_json(const ChainSubmission *sub)
{
	GString *json = g_string_new(NULL);
	char hex[2 * CHAIN_HASH_BYTES + 1];

	for (guint i = 0; i < CHAIN_HASH_BYTES; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", sub->leaf[i]);
	/* No field depends on the request: the same entry, the same bytes. */
	g_string_append_printf(json, "{\"index\":%" G_GUINT64_FORMAT ",\"leaf_hash\":\"%s\","
	    "\"receipt\":\"", sub->index, hex);
	/* The receipt is ASCII text: escape '"', '\\' and control characters. */
	for (const char *p = sub->receipt; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append(json, "\\n");
		else if (*p == '"' || *p == '\\') {
			g_string_append_c(json, '\\');
			g_string_append_c(json, *p);
		} else if ((guchar)*p < 0x20)
			g_string_append_printf(json, "\\u%04x", (guchar)*p);
		else
			g_string_append_c(json, *p);
	}
	g_string_append(json, "\"}");
	return g_string_free(json, FALSE);
}

/* The sequencer thread: the answer goes back to the HTTP thread. */
static void
sequenced_cb(ChainSubmission *sub, gpointer user_data)
{
	OfficialReq *r = user_data;

	if (sub->error != NULL) {
		r->err = chain_error_ippyo_code(sub->error);
		r->message = g_strdup(sub->error->message);
	} else {
		r->json = chain_receipt_json(sub);
		r->duplicate = sub->duplicate;
	}
	g_main_context_invoke(r->d->context, answer_main, r);
}

gboolean
chain_officials_submit(ChainDaemon *d, SoupServerMessage *msg, GBytes *body)
{
	g_autofree char *message = NULL;
	g_autoptr(GBytes) entry = NULL;
	ChainEntryKind kind = CHAIN_ENTRY_CEREMONY;
	guint trustee, threshold;
	guint64 close_index;
	gsize len;
	const guint8 *data = g_bytes_get_data(body, &len);
	OfficialReq *r;
	int err;

	if ((guint)g_atomic_int_get(&d->inflight) >= d->config->queue_limit)
		return FALSE;
	err = chain_election_check_official(d->election, data, len, &entry, &kind, &trustee,
	    &close_index, &threshold, &message);
	if (err != 0) {
		chain_http_answer_error(msg, err, message);
		return TRUE;
	}
	r = g_new0(OfficialReq, 1);
	r->d = d;
	r->msg = g_object_ref(msg);
	r->finished_id = g_signal_connect(msg, "finished", G_CALLBACK(msg_finished_cb), r);
	r->sub = g_new0(ChainSubmission, 1);
	r->sub->entry = g_steal_pointer(&entry);
	r->sub->kind = kind;
	r->sub->trustee = trustee;
	r->sub->close_index = close_index;
	r->sub->threshold = threshold;
	r->sub->done = sequenced_cb;
	r->sub->user_data = r;
	g_atomic_int_inc(&d->inflight);
	soup_server_message_pause(msg);
	if (!chain_sequencer_submit(d->seq, r->sub)) {
		r->err = IPPYO_ERR_CANCELLED;
		r->message = g_strdup("the server is stopping");
		answer_main(r);
	}
	return TRUE;
}
