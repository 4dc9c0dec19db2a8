/* ippyo-chaind — POST /v1/entries: the officials' signed entries (docs/chain.md). */
#include "chain-officials.h"

#include "chain-request.h"

/*
 * Officials' entries are few (a ceremony, a close, a decryption per trustee,
 * a result): their checks (one strict parse, one Ed25519 verification) run
 * on the HTTP thread; their position in the log is the sequencer's to check,
 * in log order.
 */
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
	ChainRequest *r;
	ChainSubmission *sub;
	int err;

	if ((guint)g_atomic_int_get(&d->inflight) >= d->config->queue_limit)
		return FALSE;
	err = chain_election_check_official(d->election, data, len, &entry, &kind, &trustee,
	    &close_index, &threshold, &message);
	if (err != 0) {
		chain_http_answer_error(msg, err, message);
		return TRUE;
	}
	r = g_new0(ChainRequest, 1);
	chain_request_start(r, d, msg, NULL);
	sub = g_new0(ChainSubmission, 1);
	sub->entry = g_steal_pointer(&entry);
	sub->kind = kind;
	sub->trustee = trustee;
	sub->close_index = close_index;
	sub->threshold = threshold;
	chain_request_sequence(r, sub);
	return TRUE;
}
