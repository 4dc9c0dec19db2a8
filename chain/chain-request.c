/* ippyo-chaind — one POSTed entry in flight, from its pause to its answer. */
#include "chain-request.h"

#include <string.h>

#include "chain-error.h"
#include "error.h"

static void
msg_finished_cb(SoupServerMessage *msg, gpointer user_data)
{
	ChainRequest *r = user_data;

	r->finished = TRUE;
}

static gboolean
answer_main(gpointer data)
{
	ChainRequest *r = data;

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
	if (r->clear != NULL)
		r->clear(r);
	chain_submission_free(r->sub);
	g_free(r->message);
	g_free(r->json);
	g_free(r);
	return G_SOURCE_REMOVE;
}

/* Hands the answer to the HTTP thread (from any thread). */
static void
answer(ChainRequest *r)
{
	g_main_context_invoke(r->d->context, answer_main, r);
}

void
chain_request_start(ChainRequest *r, ChainDaemon *d, SoupServerMessage *msg,
    GDestroyNotify clear)
{
	r->d = d;
	r->msg = g_object_ref(msg);
	r->clear = clear;
	r->finished_id = g_signal_connect(msg, "finished", G_CALLBACK(msg_finished_cb), r);
	g_atomic_int_inc(&d->inflight);
	soup_server_message_pause(msg);
}

void
chain_request_fail(ChainRequest *r, int err, const char *message)
{
	r->err = err;
	g_free(r->message);
	r->message = g_strdup(message != NULL ? message : ippyo_strerror(err));
	answer(r);
}

/* The receipt answer {"index","leaf_hash","receipt"} of a sequenced
 * submission: no field depends on the request, so the same entry gets the
 * same bytes every time. */
static char *
receipt_json(const ChainSubmission *sub)
{
	GString *json = g_string_new(NULL);
	char hex[2 * CHAIN_HASH_BYTES + 1];

	for (guint i = 0; i < CHAIN_HASH_BYTES; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", sub->leaf[i]);
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
	ChainRequest *r = user_data;

	if (sub->error != NULL) {
		chain_request_fail(r, chain_error_ippyo_code(sub->error), sub->error->message);
		return;
	}
	r->json = receipt_json(sub);
	r->duplicate = sub->duplicate;
	answer(r);
}

void
chain_request_sequence(ChainRequest *r, ChainSubmission *sub)
{
	sub->done = sequenced_cb;
	sub->user_data = r;
	r->sub = sub;
	if (!chain_sequencer_submit(r->d->seq, sub))
		chain_request_fail(r, IPPYO_ERR_CANCELLED, "the server is stopping");
}
