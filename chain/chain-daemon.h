/* ippyo-chaind — the server: all parts wired together. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "chain-config.h"
#include "chain-election.h"
#include "chain-log.h"
#include "chain-sequencer.h"
#include "chain-store.h"
#include "chain-witness.h"

G_BEGIN_DECLS

typedef struct ChainValidator ChainValidator;

typedef struct {
	ChainConfig *config;
	ChainElection *election;
	ChainLog *log;
	ChainStore *reader;            /* the HTTP thread's connection */
	ChainWitnesses *witnesses;
	ChainSequencer *seq;
	ChainValidator *validator;
	SoupServer *server;
	GMainContext *context;         /* where the HTTP side runs */
	guint port;                    /* bound port */
	gint draining;                 /* atomic */
	gint inflight;                 /* atomic: POSTs paused, waiting for an answer */
} ChainDaemon;

/* Loads everything, opens the log, signs what is unsigned, starts the
 * sequencer and the validator pool, and listens (on context, the thread
 * default main context of the caller). */
ChainDaemon *chain_daemon_new(ChainConfig *config, GError **error);
/* Stops taking submissions, answers all in flight (running context until
 * they are), stops the sequencer. */
void chain_daemon_drain(ChainDaemon *d);
void chain_daemon_free(ChainDaemon *d);

/* ---- chain-http.c ---- */
gboolean chain_http_start(ChainDaemon *d, GError **error);
/* Sends a JSON error answer {code, message} for an IPPYO_ERR_* (main context). */
void chain_http_answer_error(SoupServerMessage *msg, int err, const char *message);
/* The machine-readable code and the HTTP status for an IPPYO_ERR_*. */
const char *chain_http_error_code(int err, guint *status);

/* ---- chain-validate.c ---- */
ChainValidator *chain_validator_new(ChainDaemon *d, guint workers, guint queue_limit);
/* Takes a POSTed body (main context): FALSE when the queue is full. The
 * validator answers msg later (on d->context) and unpauses it. */
gboolean chain_validator_submit(ChainValidator *v, SoupServerMessage *msg, GBytes *body,
    ChainEntryKind kind);
void chain_validator_free(ChainValidator *v);   /* waits for its workers */
/* CPU time (ns, all workers) spent verifying proofs so far (for ippyo-bench). */
gint64 chain_validator_proof_cpu_ns(ChainValidator *v);

G_END_DECLS
