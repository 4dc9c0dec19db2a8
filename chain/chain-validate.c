/* ippyo-chaind — submissions: checks on a worker pool, proofs in batches, then the sequencer. */
#include <time.h>

#include <openssl/crypto.h>

#include "chain-daemon.h"
#include "chain-request.h"
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
	ChainRequest base;             /* first: the answer */
	GBytes *body;
	ChainEntryKind kind;
	ChainBallotCheck *check;
	GBytes *entry;
} Req;

static void
req_clear(gpointer data)
{
	Req *r = data;

	g_clear_pointer(&r->body, g_bytes_unref);
	g_clear_pointer(&r->entry, g_bytes_unref);
	chain_ballot_check_free(r->check);
}

static void
to_sequencer(Req *r, GBytes *entry)
{
	ChainSubmission *sub = g_new0(ChainSubmission, 1);

	sub->entry = g_bytes_ref(entry);
	sub->kind = r->kind;
	chain_request_sequence(&r->base, sub);
}

static void
validate(ChainValidator *v)
{
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
				chain_request_fail(&r->base, err, message);
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
			chain_request_fail(&r->base, err, message);
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
			chain_request_fail(&ballots[i]->base, results[i], NULL);
		else
			to_sequencer(ballots[i], chain_ballot_check_entry(ballots[i]->check));
	}
}

static void
worker(gpointer data, gpointer user_data)
{
	ChainValidator *v = user_data;

	validate(v);
	/*
	 * Going idle: free this thread's OpenSSL state (its DRBG above all) now.
	 * The pool's threads are not joined, and one still exiting when the
	 * process exits would lose it to OpenSSL's atexit cleanup.
	 */
	if (g_async_queue_length(v->queue) <= 0)
		OPENSSL_thread_stop();
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
	r->body = g_bytes_ref(body);
	r->kind = kind;
	chain_request_start(&r->base, v->d, msg, req_clear);
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
