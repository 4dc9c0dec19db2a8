/* ippyo-chaind — the single sequencer: group commit, sign, cosign, receipts. */
#include "chain-sequencer.h"

#include <openssl/crypto.h>
#include <string.h>

#include "chain-error.h"
#include "election/entry.h"
#include "error.h"
#include "log/receipt.h"

/*
 * What the position rules need to know of the log (docs/chain.md, "POST
 * /v1/entries"): kept by the sequencer thread only, updated in log order.
 */
typedef struct {
	gboolean ballots;              /* a ballot entry is in the log */
	gboolean closed;               /* the close entry is in the log ... */
	guint64 close_index;           /* ... at this index */
	guint64 trustees;              /* bit j-1: a decryption entry of trustee j */
	gboolean result;               /* the result entry is in the log */
} SeqState;

struct ChainSequencer {
	ChainLog *log;
	ChainWitnesses *witnesses;
	guint max_entries;
	guint max_ms;
	GAsyncQueue *queue;
	GThread *thread;
	gint pending;                  /* atomic: queued, not yet answered */
	gint draining;                 /* atomic */
	gint closed;                   /* atomic: a close entry is in the log */
	gboolean halted;               /* a fatal error: never sign again */
	ippyo_merkle_hasher *hasher;
	SeqState state;                /* the sequencer thread's */
};

/* The sentinel that ends the thread (queued by stop). */
static ChainSubmission stop_marker;

void
chain_submission_free(ChainSubmission *sub)
{
	if (sub == NULL)
		return;
	g_clear_pointer(&sub->entry, g_bytes_unref);
	g_clear_error(&sub->error);
	g_free(sub->receipt);
	g_free(sub);
}

char *
chain_log_receipt(ChainLog *log, ChainStore *store, guint64 index, GError **error)
{
	g_autofree char *note = NULL;
	g_autoptr(GBytes) proof = NULL;
	ippyo_merkle_proof p;
	ippyo_receipt *r = NULL;
	ippyo_buf *b = NULL;
	char *out = NULL;
	guint64 size;
	gsize plen;
	const guint8 *pdata;
	int rc;

	if (!chain_store_checkpoint_covering(store, index, &size, &note, error))
		return NULL;
	proof = chain_log_inclusion_proof(log, index, size, error);
	if (proof == NULL)
		return NULL;
	pdata = g_bytes_get_data(proof, &plen);
	ippyo_merkle_proof_init(&p);
	for (gsize off = 0; off < plen; off += CHAIN_HASH_BYTES) {
		if ((rc = ippyo_merkle_proof_add(&p, pdata + off, CHAIN_HASH_BYTES)) != 0)
			goto fail;
	}
	if ((rc = ippyo_receipt_new(index, &p, (const uint8_t *)note, strlen(note), NULL, 0,
	    &r)) != 0)
		goto fail;
	if ((b = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES)) == NULL) {
		rc = IPPYO_ERR_ALLOC;
		goto fail;
	}
	if ((rc = ippyo_receipt_serialize(r, b)) != 0)
		goto fail;
	out = g_strndup((const char *)ippyo_buf_data(b), ippyo_buf_len(b));
	ippyo_buf_free(b);
	ippyo_receipt_free(r);
	return out;
fail:
	ippyo_buf_free(b);
	ippyo_receipt_free(r);
	chain_set_ippyo_error(error, rc, "receipt of entry %" G_GUINT64_FORMAT, index);
	return NULL;
}

/* Signs (and has cosigned) the whole tree, then stores and publishes it. */
static gboolean
sign_and_publish(ChainSequencer *seq, GError **error)
{
	guint64 size = chain_log_tree_size(seq->log);
	g_autofree char *note = NULL;

	if (size == chain_log_published(seq->log, NULL))
		return TRUE;
	note = chain_log_sign(seq->log, size, error);
	if (note == NULL)
		return FALSE;
	if (seq->witnesses != NULL) {
		char *cosigned = chain_witnesses_cosign(seq->witnesses, seq->log, size, note, error);

		if (cosigned == NULL)
			return FALSE;
		g_free(note);
		note = cosigned;
	}
	return chain_log_publish(seq->log, size, note, error);
}

static void
fail_sub(ChainSubmission *sub, const GError *error)
{
	if (sub->error == NULL)
		sub->error = g_error_copy(error);
}

static gboolean
refuse(ChainSubmission *sub, int code, const char *message)
{
	g_set_error_literal(&sub->error, IPPYO_ERROR, code,
	    message != NULL ? message : ippyo_strerror(code));
	return FALSE;
}

/*
 * The position rules (docs/chain.md; docs/verification.md, entry.position,
 * close.duplicate, decryption.*, result.*), for an entry that would be
 * appended at index, with st the state of the log before it; st is updated
 * when the entry is allowed.
 */
static gboolean
position_allowed(SeqState *st, ChainSubmission *sub, guint64 index)
{
	switch (sub->kind) {
	case CHAIN_ENTRY_BALLOT:
		if (st->closed)
			return refuse(sub, IPPYO_ERR_POLL_CLOSED, NULL);
		st->ballots = TRUE;
		return TRUE;
	case CHAIN_ENTRY_CLOSE:
		if (st->closed)
			return refuse(sub, IPPYO_ERR_POLL_CLOSED, NULL);
		st->closed = TRUE;
		st->close_index = index;
		return TRUE;
	case CHAIN_ENTRY_CEREMONY:
		if (st->ballots || st->closed)
			return refuse(sub, CHAIN_ERR_CEREMONY_TOO_LATE, "ceremony entries come before "
			    "the first ballot and the close entry");
		return TRUE;
	case CHAIN_ENTRY_DECRYPTION:
		if (!st->closed)
			return refuse(sub, CHAIN_ERR_POLL_OPEN,
			    "decryption entries come after the close entry");
		if (sub->trustee < 1 || sub->trustee > 64)
			return refuse(sub, CHAIN_ERR_BAD_TRUSTEE, "a trustee index is 1..64");
		if (st->trustees & (G_GUINT64_CONSTANT(1) << (sub->trustee - 1))) {
			g_autofree char *m = g_strdup_printf("the log already holds a decryption "
			    "entry of trustee %u", sub->trustee);

			return refuse(sub, CHAIN_ERR_DUPLICATE_TRUSTEE, m);
		}
		st->trustees |= G_GUINT64_CONSTANT(1) << (sub->trustee - 1);
		return TRUE;
	case CHAIN_ENTRY_RESULT:
		if (!st->closed)
			return refuse(sub, CHAIN_ERR_POLL_OPEN,
			    "the result entry comes after the close entry");
		if (st->result)
			return refuse(sub, CHAIN_ERR_RESULT_EXISTS, "the log already holds a result entry");
		if (sub->close_index != st->close_index) {
			g_autofree char *m = g_strdup_printf("close_index is %" G_GUINT64_FORMAT
			    ", the close entry is entry %" G_GUINT64_FORMAT, sub->close_index,
			    st->close_index);

			return refuse(sub, CHAIN_ERR_WRONG_CLOSE_INDEX, m);
		}
		if ((guint)__builtin_popcountll(st->trustees) < sub->threshold) {
			g_autofree char *m = g_strdup_printf("the result needs %u decryption entries "
			    "before it, the log holds %d", sub->threshold,
			    __builtin_popcountll(st->trustees));

			return refuse(sub, CHAIN_ERR_TOO_FEW_DECRYPTIONS, m);
		}
		st->result = TRUE;
		return TRUE;
	case CHAIN_ENTRY_LOOKUP:
	default:
		return refuse(sub, IPPYO_ERR_INTERNAL, "not an entry kind to append");
	}
}

static void
process_batch(ChainSequencer *seq, GPtrArray *batch)
{
	ChainStore *store = chain_log_writer(seq->log);
	g_autoptr(GPtrArray) entries = g_ptr_array_new();
	g_autoptr(GByteArray) leaves = g_byte_array_new();
	g_autoptr(GHashTable) seen = g_hash_table_new(g_bytes_hash, g_bytes_equal);
	g_autoptr(GError) error = NULL;
	guint64 base = chain_log_tree_size(seq->log);
	SeqState st = seq->state;      /* committed only once the batch is stored */
	gboolean halted = seq->halted;

	for (guint i = 0; i < batch->len; i++) {
		ChainSubmission *sub = batch->pdata[i];
		gsize len;
		const guint8 *data = g_bytes_get_data(sub->entry, &len);
		g_autoptr(GBytes) key = NULL;
		gpointer first;
		guint64 idx;
		int r;

		if (halted) {
			g_set_error(&sub->error, IPPYO_ERROR, IPPYO_ERR_STORE,
			    "the log halted after an internal inconsistency");
			continue;
		}
		if ((r = ippyo_merkle_hash_leaf(seq->hasher, data, len, sub->leaf)) != 0) {
			chain_set_ippyo_error(&sub->error, r, "leaf hash");
			continue;
		}
		/* The same bytes again: the same index, the same receipt. */
		if (chain_store_find_leaf(store, sub->leaf, &idx, &error)) {
			sub->duplicate = TRUE;
			sub->index = idx;
			continue;
		}
		if (error != NULL) {
			fail_sub(sub, error);
			g_clear_error(&error);
			continue;
		}
		if (sub->kind == CHAIN_ENTRY_LOOKUP) {
			g_set_error(&sub->error, IPPYO_ERROR, IPPYO_ERR_POLL_CLOSED,
			    "%s", ippyo_strerror(IPPYO_ERR_POLL_CLOSED));
			continue;
		}
		key = g_bytes_new(sub->leaf, CHAIN_HASH_BYTES);
		if ((first = g_hash_table_lookup(seen, key)) != NULL) {
			sub->duplicate = TRUE;
			sub->index = ((ChainSubmission *)first)->index;
			continue;
		}
		/* The poll's state is a position in the log: checked here, in order. */
		if (!position_allowed(&st, sub, base + entries->len))
			continue;
		sub->index = base + entries->len;
		g_ptr_array_add(entries, sub->entry);
		g_byte_array_append(leaves, sub->leaf, CHAIN_HASH_BYTES);
		g_hash_table_insert(seen, g_steal_pointer(&key), sub);
	}

	if (!halted && entries->len > 0 &&
	    !chain_log_append(seq->log, entries, leaves->data, &error)) {
		/* Nothing stored: every new entry of the batch fails, the log is unchanged. */
		for (guint i = 0; i < batch->len; i++) {
			ChainSubmission *sub = batch->pdata[i];

			if (!sub->duplicate || sub->index >= base)
				fail_sub(sub, error);
		}
		g_clear_error(&error);
	} else if (!halted) {
		seq->state = st;
		if (st.closed)
			g_atomic_int_set(&seq->closed, TRUE);
	}

	if (!halted && !sign_and_publish(seq, &error)) {
		/*
		 * Stored but not published: the entries stay (they are durable);
		 * the next batch signs them, and a resubmission gets its receipt.
		 */
		if (g_error_matches(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH) ||
		    g_error_matches(error, IPPYO_ERROR, IPPYO_ERR_BAD_CONSISTENCY)) {
			g_printerr("ippyo-chaind: HALT: %s\n", error->message);
			seq->halted = TRUE;
		}
		for (guint i = 0; i < batch->len; i++)
			fail_sub(batch->pdata[i], error);
		g_clear_error(&error);
	}

	for (guint i = 0; i < batch->len; i++) {
		ChainSubmission *sub = batch->pdata[i];

		if (sub->error == NULL) {
			sub->receipt = chain_log_receipt(seq->log, store, sub->index, &sub->error);
		}
		g_atomic_int_dec_and_test(&seq->pending);
		sub->done(sub, sub->user_data);
	}
}

static gpointer
sequencer_thread(gpointer data)
{
	ChainSequencer *seq = data;
	g_autoptr(GPtrArray) batch = g_ptr_array_new();
	gboolean stop = FALSE;

	while (!stop) {
		ChainSubmission *sub = g_async_queue_pop(seq->queue);
		gint64 deadline;

		if (sub == &stop_marker)
			break;
		g_ptr_array_set_size(batch, 0);
		g_ptr_array_add(batch, sub);
		deadline = g_get_monotonic_time() + (gint64)seq->max_ms * 1000;
		while (batch->len < seq->max_entries) {
			gint64 now = g_get_monotonic_time();

			sub = g_async_queue_try_pop(seq->queue);
			if (sub == NULL && now < deadline)
				sub = g_async_queue_timeout_pop(seq->queue, (guint64)(deadline - now));
			if (sub == NULL)
				break;
			if (sub == &stop_marker) {
				stop = TRUE;
				break;
			}
			g_ptr_array_add(batch, sub);
		}
		process_batch(seq, batch);
	}
	return NULL;
}

/*
 * One stored entry into the state (start). Stored entries were checked
 * when they were appended; a ballot entry (canonical JSON, keys sorted: it
 * alone starts with its "ballot" member) is recognised without parsing it.
 */
static gboolean
scan_entry(guint64 index, const guint8 *data, gsize len, const guint8 leaf[CHAIN_HASH_BYTES],
    gpointer user_data, GError **error)
{
	static const char ballot_prefix[] = "{\"ballot\":";
	SeqState *st = user_data;
	ippyo_entry *e = NULL;
	uint64_t ci, counted;
	size_t nc;
	int r;

	if (len >= sizeof(ballot_prefix) - 1 &&
	    memcmp(data, ballot_prefix, sizeof(ballot_prefix) - 1) == 0) {
		st->ballots = TRUE;
		return TRUE;
	}
	if ((r = ippyo_entry_parse(&e, data, len)) != 0) {
		chain_set_ippyo_error(error, r, "stored entry %" G_GUINT64_FORMAT, index);
		return FALSE;
	}
	switch (ippyo_entry_get_type(e)) {
	case IPPYO_ENTRY_BALLOT:
		st->ballots = TRUE;
		break;
	case IPPYO_ENTRY_CLOSE:
		if (!st->closed || st->close_index == 0)
			st->close_index = index;
		st->closed = TRUE;
		break;
	case IPPYO_ENTRY_DECRYPTION: {
		uint32_t j = ippyo_entry_trustee(e);

		if (j >= 1 && j <= 64)
			st->trustees |= G_GUINT64_CONSTANT(1) << (j - 1);
		break;
	}
	case IPPYO_ENTRY_RESULT:
		if (ippyo_entry_result(e, &ci, &counted, &nc) == 0)
			st->result = TRUE;
		break;
	default:
		break;
	}
	ippyo_entry_free(e);
	return TRUE;
}

ChainSequencer *
chain_sequencer_start(ChainLog *log, ChainWitnesses *witnesses, guint max_entries, guint max_ms,
    gboolean closed, GError **error)
{
	ChainSequencer *seq = g_new0(ChainSequencer, 1);

	seq->log = log;
	seq->witnesses = witnesses;
	seq->max_entries = MAX(max_entries, 1);
	seq->max_ms = max_ms;
	seq->closed = closed;
	seq->queue = g_async_queue_new();
	seq->hasher = ippyo_merkle_hasher_new();
	if (seq->hasher == NULL) {
		chain_set_ippyo_error(error, IPPYO_ERR_ALLOC, "hasher");
		chain_sequencer_free(seq);
		return NULL;
	}
	/* The state of the stored log, for the position rules. */
	seq->state.closed = closed;
	if (!chain_store_foreach(chain_log_writer(log), 1, scan_entry, &seq->state, error)) {
		chain_sequencer_free(seq);
		return NULL;
	}
	seq->closed = seq->state.closed;
	/* Entry 0 on a new log, or entries stored before a crash and never signed. */
	{
		GError *local = NULL;

		if (!sign_and_publish(seq, &local)) {
			/* Witnesses down: serve what is published, retry with the next batch. */
			if (g_error_matches(local, IPPYO_ERROR, IPPYO_ERR_QUORUM)) {
				g_printerr("ippyo-chaind: %s\n", local->message);
				g_clear_error(&local);
			} else {
				g_propagate_prefixed_error(error, local, "signing the stored log: ");
				chain_sequencer_free(seq);
				return NULL;
			}
		}
	}
	seq->thread = g_thread_new("sequencer", sequencer_thread, seq);
	return seq;
}

gboolean
chain_sequencer_submit(ChainSequencer *seq, ChainSubmission *sub)
{
	if (g_atomic_int_get(&seq->draining))
		return FALSE;
	sub->enqueued_us = g_get_monotonic_time();
	g_atomic_int_inc(&seq->pending);
	g_async_queue_push(seq->queue, sub);
	return TRUE;
}

guint
chain_sequencer_pending(ChainSequencer *seq)
{
	return (guint)g_atomic_int_get(&seq->pending);
}

gboolean
chain_sequencer_closed(ChainSequencer *seq)
{
	return g_atomic_int_get(&seq->closed);
}

void
chain_sequencer_stop(ChainSequencer *seq)
{
	if (seq->thread == NULL)
		return;
	g_atomic_int_set(&seq->draining, TRUE);
	g_async_queue_push(seq->queue, &stop_marker);
	g_thread_join(seq->thread);
	seq->thread = NULL;
	/* A submit that raced with the stop: answer it, never drop it. */
	for (;;) {
		ChainSubmission *sub = g_async_queue_try_pop(seq->queue);

		if (sub == NULL)
			break;
		if (sub == &stop_marker)
			continue;
		g_set_error(&sub->error, IPPYO_ERROR, IPPYO_ERR_CANCELLED, "the server is stopping");
		g_atomic_int_dec_and_test(&seq->pending);
		sub->done(sub, sub->user_data);
	}
}

void
chain_sequencer_free(ChainSequencer *seq)
{
	if (seq == NULL)
		return;
	chain_sequencer_stop(seq);
	g_async_queue_unref(seq->queue);
	ippyo_merkle_hasher_free(seq->hasher);
	g_free(seq);
}
