/* A tiny chain server for the net tests: an honest C2SP log built with
 * common/log, served by SoupServer on loopback in its own thread, with
 * switches that make it misbehave. */
#pragma once

#include <glib.h>

#include "log/merkle.h"
#include "log/note.h"

#define FAKE_ORIGIN "net.test.example/2027-test"

typedef struct _FakeChain FakeChain;

FakeChain *fake_chain_new(void);
void fake_chain_free(FakeChain *f);
const char *fake_chain_url(FakeChain *f);
/* The chain's verifier key string (g_free). */
char *fake_chain_vkey(FakeChain *f);

/* Appends entries (and publishes a checkpoint of the new size). */
void fake_chain_append(FakeChain *f, const void *entry, gsize len);
void fake_chain_append_n(FakeChain *f, guint n, const char *prefix);
/* Replaces entry i (the history changes: a fork) and republishes. */
void fake_chain_rewrite(FakeChain *f, guint64 i, const char *entry);
/* Publishes a checkpoint of the first size entries. */
void fake_chain_publish(FakeChain *f, guint64 size);
/* The published checkpoint note (g_bytes_unref). */
GBytes *fake_chain_checkpoint(FakeChain *f);
guint64 fake_chain_size(FakeChain *f);
/* Leaf hash of entry i. */
void fake_chain_leaf(FakeChain *f, guint64 i, guint8 out[IPPYO_HASH_BYTES]);

/* Witnesses: cosign each published checkpoint with this witness key. */
void fake_chain_set_witness(FakeChain *f, ippyo_note_signer *witness);

typedef struct {
	gboolean bad_signature;       /* checkpoints signed by another key of the same name */
	gboolean wrong_origin;        /* checkpoint body of another origin, signed by the key */
	gboolean corrupt_tiles;       /* flip a byte of every level-0 tile */
	gboolean corrupt_bundles;     /* flip a byte of every entry bundle */
	gboolean corrupt_consistency; /* wrong consistency proofs */
	gboolean corrupt_inclusion;   /* wrong inclusion proofs */
	gboolean corrupt_receipt;     /* wrong inclusion proof in receipts */
	gboolean receipt_other_index; /* receipt JSON index off by one */
	gboolean no_proof_endpoints;  /* 404 on /v1/proof/... */
	gsize oversize_checkpoint;    /* serve this many bytes as the checkpoint */
	gboolean oversize_chunked;    /* ... without Content-Length */
	guint fail_503;               /* answer the next POSTs 503 busy */
	const char *retry_after;      /* Retry-After of those (default "0") */
	guint drop_posts;             /* close the connection of the next POSTs */
	const char *reject_code;      /* answer POSTs with this {code, message} */
	guint reject_status;
	const char *reject_message;
} FakeBehaviour;

/* The switches, under the server's lock: modify only inside
 * fake_chain_lock()/fake_chain_unlock(). */
FakeBehaviour *fake_chain_lock(FakeChain *f);
void fake_chain_unlock(FakeChain *f);
/* POSTs received (bodies received in full), and entries appended by POSTs. */
guint fake_chain_posts(FakeChain *f);
guint fake_chain_appended(FakeChain *f);
