/* ippyo-chaind — one POSTed entry in flight, from its pause to its answer. */
#pragma once

#include "chain-daemon.h"

G_BEGIN_DECLS

/*
 * A paused POST waiting for its answer: the validator's and the officials'
 * requests start with one (it is their first member). The answer is set on
 * any thread and sent on d->context, unless the client has gone.
 */
typedef struct {
	ChainDaemon *d;
	SoupServerMessage *msg;
	gulong finished_id;
	gboolean finished;             /* main context only */
	ChainSubmission *sub;
	GDestroyNotify clear;          /* frees what the enclosing struct adds, or NULL */
	/* the answer */
	int err;
	char *message;
	char *json;
	gboolean duplicate;
} ChainRequest;

/*
 * Main context: r (allocated zeroed by the caller, with g_new0 of the
 * enclosing struct) takes a reference on msg, counts in d->inflight and
 * pauses msg. Once answered, clear (if not NULL) is called on r, then r is
 * freed with g_free.
 */
void chain_request_start(ChainRequest *r, ChainDaemon *d, SoupServerMessage *msg,
    GDestroyNotify clear);
/* Any thread: answers {code, message} (message NULL: ippyo_strerror(err)). */
void chain_request_fail(ChainRequest *r, int err, const char *message);
/* Any thread: hands sub (owned by r from now) to the sequencer, which answers
 * with the receipt. */
void chain_request_sequence(ChainRequest *r, ChainSubmission *sub);

G_END_DECLS
