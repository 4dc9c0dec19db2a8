/* ippyo-chaind — submissions: checks on a worker pool, proofs in batches, then the sequencer. */
#include <string.h>
#include <time.h>

#include "chain-daemon.h"
#include "chain-error.h"
#include "error.h"

/* At most this many ballots are taken off the queue for one proof batch. */
#define VALIDATE_BATCH_MAX 64

struct ChainValidator {
	ChainDaemon *d;
	GThreadPool *pool;
	GAsyncQueue *queue;            /* of Req* */
	guint limit;
	guint workers;
	gint64 proof_cpu_ns;           /* atomic: thread CPU time spent in proof batches */
};

typedef struct {
	ChainDaemon *d;
	SoupServerMessage *msg;
	gulong finished_id;
	gboolean finished;             /* main context only */
	GBytes *body;
	ChainEntryKind kind;
	ChainBallotCheck *check;
	GBytes *entry;
	ChainSubmission *sub;
	/* the answer */
	int err;
	char *message;
	char *json;
	gboolean duplicate;
} Req;

static void
req_free(Req *r)
{
	g_clear_pointer(&r->body, g_bytes_unref);
	g_clear_pointer(&r->entry, g_bytes_unref);
	chain_ballot_check_free(r->check);
	chain_submission_free(r->sub);
	g_free(r->message);
	g_free(r->json);
	g_free(r);
}

static void
msg_finished_cb(SoupServerMessage *msg, gpointer user_data)
{
	Req *r = user_data;

	r->finished = TRUE;
}

static gboolean
answer_main(gpointer data)
{
	Req *r = data;

	if (!r->finished) {
		if (r->err != 0)
			chain_http_answer_error(r->msg, r->err, r->message);
		else {
			soup_server_message_set_status(r->msg, SOUP_STATUS_OK, NULL);
			soup_message_headers_replace(soup_server_message_get_response_headers(r->msg),
			    "Cache-Control", "no-store");
			if (r->duplicate)
				soup_message_headers_replace(
				    soup_server_message_get_response_headers(r->msg),
				    "Ippyo-Duplicate", "1");
			gsize len = strlen(r->json);

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

/* Hands the answer to the HTTP thread (from any thread). */
static void
answer(Req *r)
{
	g_main_context_invoke(r->d->context, answer_main, r);
}

static void
fail(Req *r, int err, const char *message)
{
	r->err = err;
	g_free(r->message);
	r->message = g_strdup(message != NULL ? message : ippyo_strerror(err));
	answer(r);
}

static void
sequenced_cb(ChainSubmission *sub, gpointer user_data)
{
	Req *r = user_data;
	g_autoptr(GString) json = NULL;
	char hex[2 * CHAIN_HASH_BYTES + 1];

	if (sub->error != NULL) {
		fail(r, chain_error_ippyo_code(sub->error), sub->error->message);
		return;
	}
	for (guint i = 0; i < CHAIN_HASH_BYTES; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", sub->leaf[i]);
	/* The same entry gets byte-identical answers: no field depends on the request. */
	json = g_string_new(NULL);
	g_string_append_printf(json, "{\"index\":%" G_GUINT64_FORMAT ",\"leaf_hash\":\"%s\",\"receipt\":",
	    sub->index, hex);
	{
		/* The receipt is ASCII text: escape '"', '\\' and newlines. */
		g_string_append_c(json, '"');
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
		g_string_append_c(json, '"');
	}
	g_string_append(json, "}");
	r->duplicate = sub->duplicate;
	r->json = g_string_free(g_steal_pointer(&json), FALSE);
	answer(r);
}

static void
to_sequencer(Req *r, GBytes *entry)
{
	ChainSubmission *sub = g_new0(ChainSubmission, 1);

	sub->entry = g_bytes_ref(entry);
	sub->kind = r->kind;
	sub->done = sequenced_cb;
	sub->user_data = r;
	r->sub = sub;
	if (!chain_sequencer_submit(r->d->seq, sub))
		fail(r, IPPYO_ERR_CANCELLED, "the server is stopping");
}

static void
worker(gpointer data, gpointer user_data)
{
	ChainValidator *v = user_data;
	ChainDaemon *d = v->d;
	Req *reqs[VALIDATE_BATCH_MAX];
	ChainBallotCheck *checks[VALIDATE_BATCH_MAX];
	Req *ballots[VALIDATE_BATCH_MAX];
	int results[VALIDATE_BATCH_MAX];
	gsize n = 0, nb = 0;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;

	/*
	 * Share what is waiting among the workers: each takes its part, so
	 * that every core checks and the proofs still go in batches.
	 */
	gsize take = (gsize)MAX(1, (g_async_queue_length(v->queue) + (gint)v->workers - 1) /
	    (gint)v->workers);

	take = MIN(take, VALIDATE_BATCH_MAX);
	while (n < take) {
		Req *r = g_async_queue_try_pop(v->queue);

		if (r == NULL)
			break;
		reqs[n++] = r;
	}
	for (gsize i = 0; i < n; i++) {
		Req *r = reqs[i];
		gsize len;
		const guint8 *body = g_bytes_get_data(r->body, &len);
		gboolean closed = chain_sequencer_closed(d->seq);
		g_autofree char *message = NULL;
		int err;

		if (r->kind == CHAIN_ENTRY_CLOSE) {
			err = chain_election_check_close(d->election, body, len, closed, &r->entry,
			    &message);
			if (err != 0)
				fail(r, err, message);
			else
				to_sequencer(r, r->entry);
			continue;
		}
		err = chain_election_check_ballot(d->election, body, len, now, closed, &r->check,
		    &message);
		if (err == IPPYO_ERR_POLL_CLOSED) {
			/*
			 * After the close nothing is appended, but a ballot already in
			 * the log still gets its receipt: the sequencer looks it up.
			 * (The body parsed as a canonical entry: it is the entry.)
			 */
			r->kind = CHAIN_ENTRY_LOOKUP;
			to_sequencer(r, r->body);
			continue;
		}
		if (err != 0) {
			fail(r, err, message);
			continue;
		}
		checks[nb] = r->check;
		ballots[nb++] = r;
	}
	if (nb == 0)
		return;
	{
		struct timespec t0, t1;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
		chain_election_verify_proofs(d->election, checks, nb, results);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
		g_atomic_pointer_add(&v->proof_cpu_ns, (t1.tv_sec - t0.tv_sec) * G_GINT64_CONSTANT(1000000000) +
		    (t1.tv_nsec - t0.tv_nsec));
	}
	for (gsize i = 0; i < nb; i++) {
		if (results[i] != 0)
			fail(ballots[i], results[i], NULL);
		else
			to_sequencer(ballots[i], chain_ballot_check_entry(ballots[i]->check));
	}
}

ChainValidator *
chain_validator_new(ChainDaemon *d, guint workers, guint queue_limit)
{
	ChainValidator *v = g_new0(ChainValidator, 1);

	v->d = d;
	v->limit = queue_limit;
	v->queue = g_async_queue_new();
	if (workers == 0)
		workers = g_get_num_processors();
	v->workers = workers;
	v->pool = g_thread_pool_new(worker, v, (gint)workers, TRUE, NULL);
	return v;
}

gboolean
chain_validator_submit(ChainValidator *v, SoupServerMessage *msg, GBytes *body,
    ChainEntryKind kind)
{
	Req *r;

	if ((guint)g_atomic_int_get(&v->d->inflight) >= v->limit)
		return FALSE;
	r = g_new0(Req, 1);
	r->d = v->d;
	r->msg = g_object_ref(msg);
	r->body = g_bytes_ref(body);
	r->kind = kind;
	r->finished_id = g_signal_connect(msg, "finished", G_CALLBACK(msg_finished_cb), r);
	g_atomic_int_inc(&v->d->inflight);
	soup_server_message_pause(msg);
	g_async_queue_push(v->queue, r);
	g_thread_pool_push(v->pool, GINT_TO_POINTER(1), NULL);
	return TRUE;
}

void
chain_validator_free(ChainValidator *v)
{
	if (v == NULL)
		return;
	/* Every queued task runs: each request gets its answer. */
	g_thread_pool_free(v->pool, FALSE, TRUE);
	g_async_queue_unref(v->queue);
	g_free(v);
}

gint64
chain_validator_proof_cpu_ns(ChainValidator *v)
{
	return (gint64)g_atomic_pointer_get(&v->proof_cpu_ns);
}
