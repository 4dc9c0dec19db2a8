/* ippyo-chaind — the configuration file (GKeyFile). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The configuration, exactly as docs/chain.md "Configuration" describes it.
 * Relative paths are resolved against the directory of the config file.
 * Loading checks syntax and ranges only; the files named are read and
 * checked by the parts that use them.
 */
typedef struct {
	char *name;      /* the witness's key name (from its vkey) */
	char *vkey;      /* C2SP verifier-key string */
	char *url;       /* base URL; add-checkpoint is POSTed to URL/add-checkpoint */
} ChainWitnessConfig;

typedef struct {
	char *path;                /* the config file itself */

	/* [election] */
	char *manifest;            /* sealed manifest entry bytes (entry 0) */
	char *signing_key;         /* C2SP signer-key string of the chain (a secret) */

	/* [jpki] */
	char **ca_certs;           /* PEM files, NULL-terminated list */
	char **crls;               /* PEM or DER CRLs, NULL-terminated list (may be empty) */
	char *roll;                /* voter roll: one fingerprint (lower-case hex) per line */

	/* [server] */
	char *address;             /* listen address, default 127.0.0.1 */
	guint port;                /* default 8470; 0 picks a free port */
	char *tls_certificate;     /* optional: PEM certificate chain */
	char *tls_key;             /* optional: PEM private key */
	char *database;            /* SQLite path */
	gsize max_body_bytes;      /* default 262144 */
	guint request_timeout_s;   /* default 30 */
	guint workers;             /* default 0 = one per core */
	guint queue_limit;         /* ballots waiting (verification + sequencing), default 8192 */
	char *port_file;           /* optional: the bound port is written here once listening */

	/* [batch] */
	guint batch_max_entries;   /* default 512 */
	guint batch_max_ms;        /* default 20 */

	/* [witnesses] and [witness NAME] groups */
	GPtrArray *witnesses;      /* of ChainWitnessConfig* */
	guint witness_quorum;      /* default: all witnesses */
	guint witness_timeout_ms;  /* default 5000 */
} ChainConfig;

ChainConfig *chain_config_load(const char *path, GError **error);
void chain_config_free(ChainConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainConfig, chain_config_free)

G_END_DECLS
