/* ippyo-chaind — the server: all parts wired together. */
#include "chain-daemon.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#include "chain-error.h"
#include "error.h"

typedef struct {
	ChainElection *el;
	gboolean closed;
} ScanCtx;

static gboolean
scan_entry(guint64 index, const guint8 *data, gsize len, const guint8 leaf[CHAIN_HASH_BYTES],
    gpointer user_data, GError **error)
{
	ScanCtx *ctx = user_data;

	if (chain_election_entry_is_close(ctx->el, data, len))
		ctx->closed = TRUE;
	return TRUE;
}

/* A passphrase-protected key is not supported: never prompt. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	return -1;
}

/*
 * The TLS certificate (first of the PEM chain) and key of the config: both
 * readable, and the key the certificate's. GIO takes a key of another
 * certificate and every TLS handshake fails later; refuse at start instead.
 */
static gboolean
check_tls_files(const ChainConfig *c, GError **error)
{
	BIO *b = NULL;
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	gboolean ok = FALSE;

	if (c->tls_certificate == NULL)
		return TRUE;
	if ((b = BIO_new_file(c->tls_certificate, "r")) == NULL ||
	    (x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL)) == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		    "%s: no PEM certificate can be read from it", c->tls_certificate);
		goto out;
	}
	BIO_free(b);
	if ((b = BIO_new_file(c->tls_key, "r")) == NULL ||
	    (k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL)) == NULL) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		    "%s: no PEM private key can be read from it (a passphrase is not supported)",
		    c->tls_key);
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
		    "%s: the key does not match the certificate %s", c->tls_key,
		    c->tls_certificate);
		goto out;
	}
	ok = TRUE;
out:
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ok;
}

ChainDaemon *
chain_daemon_new(ChainConfig *config, GError **error)
{
	ChainDaemon *d = g_new0(ChainDaemon, 1);
	ScanCtx scan = { 0 };

	d->config = config;
	d->context = g_main_context_ref_thread_default();
	if (!check_tls_files(config, error))
		goto fail;
	d->election = chain_election_load(config, error);
	if (d->election == NULL)
		goto fail;
	d->log = chain_log_open(config->database, chain_election_entry0(d->election),
	    chain_election_origin(d->election), chain_election_signer(d->election), error);
	if (d->log == NULL)
		goto fail;
	d->reader = chain_store_open(config->database, chain_election_entry0(d->election), error);
	if (d->reader == NULL)
		goto fail;
	scan.el = d->election;
	if (!chain_store_foreach(d->reader, 1, scan_entry, &scan, error))
		goto fail;
	if (config->witnesses->len > 0) {
		d->witnesses = chain_witnesses_new(config, error);
		if (d->witnesses == NULL)
			goto fail;
	}
	d->seq = chain_sequencer_start(d->log, d->witnesses, config->batch_max_entries,
	    config->batch_max_ms, scan.closed, error);
	if (d->seq == NULL)
		goto fail;
	d->validator = chain_validator_new(d, config->workers, config->queue_limit);
	if (!chain_http_start(d, error))
		goto fail;
	if (config->port_file != NULL) {
		g_autofree char *s = g_strdup_printf("%u\n", d->port);

		if (!g_file_set_contents(config->port_file, s, -1, error))
			goto fail;
	}
	return d;
fail:
	chain_daemon_free(d);
	return NULL;
}

typedef struct {
	ChainDaemon *d;
	gint done;                     /* atomic */
} DrainCtx;

/* Off the HTTP thread: the sequencer may be blocked (a locked database). */
static gpointer
drain_thread(gpointer data)
{
	DrainCtx *ctx = data;

	/* Every request already taken is validated, sequenced and answered. */
	chain_validator_free(ctx->d->validator);
	if (ctx->d->seq != NULL)
		chain_sequencer_stop(ctx->d->seq);
	g_atomic_int_set(&ctx->done, TRUE);
	g_main_context_wakeup(ctx->d->context);
	return NULL;
}

void
chain_daemon_drain(ChainDaemon *d)
{
	DrainCtx ctx = { d, FALSE };
	GThread *t;
	gint64 deadline;

	g_atomic_int_set(&d->draining, TRUE);
	/*
	 * The connections stay open to carry the answers; from now on new
	 * submissions get 503 "stopping" and reads are still served: the HTTP
	 * thread keeps running while the validator and the sequencer finish,
	 * even when the sequencer waits on the database.
	 */
	t = g_thread_new("drain", drain_thread, &ctx);
	while (!g_atomic_int_get(&ctx.done))
		g_main_context_iteration(d->context, TRUE);
	g_thread_join(t);
	d->validator = NULL;
	while (g_atomic_int_get(&d->inflight) > 0)
		g_main_context_iteration(d->context, TRUE);
	/* Let the answers reach the wire (bounded), then close everything. */
	deadline = g_get_monotonic_time() + G_USEC_PER_SEC;
	while (g_get_monotonic_time() < deadline && g_main_context_pending(d->context))
		g_main_context_iteration(d->context, FALSE);
	if (d->server != NULL)
		soup_server_disconnect(d->server);
}

void
chain_daemon_free(ChainDaemon *d)
{
	if (d == NULL)
		return;
	chain_daemon_drain(d);
	g_clear_object(&d->server);
	chain_sequencer_free(d->seq);
	chain_witnesses_free(d->witnesses);
	chain_store_close(d->reader);
	chain_log_free(d->log);
	chain_election_free(d->election);
	g_main_context_unref(d->context);
	g_free(d);
}
