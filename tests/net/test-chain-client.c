/* IppyoChainClient against a fake chain on loopback: honest answers are
 * verified and returned, every kind of misbehaviour is caught. */
#include <gio/gio.h>
#include <openssl/crypto.h>
#include <string.h>

#include "error.h"
#include "fake-chain.h"
#include "log/cosignature.h"
#include "log/merkle.h"
#include "log/tiles.h"
#include "net/ippyo-chain-client.h"

typedef struct {
	FakeChain *fake;
	IppyoChainClient *client;
} Fixture;

static IppyoChainClient *
client_for(FakeChain *fake, GBytes *policy)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *vkey = fake_chain_vkey(fake);
	IppyoChainClient *c = g_initable_new(IPPYO_TYPE_CHAIN_CLIENT, NULL, &error,
	    "base-url", fake_chain_url(fake),
	    "origin", FAKE_ORIGIN,
	    "chain-vkey", vkey,
	    "policy", policy,
	    "timeout", 5u,
	    "retry-initial-ms", 10u,
	    "retry-max-ms", 50u,
	    "retry-deadline-ms", 3000u,
	    NULL);

	g_assert_no_error(error);
	g_assert_nonnull(c);
	return c;
}

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
	fx->fake = fake_chain_new();
	fx->client = client_for(fx->fake, NULL);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
	g_clear_object(&fx->client);
	fake_chain_free(fx->fake);
}

static IppyoSignedCheckpoint *
fetch_ok(IppyoChainClient *c)
{
	g_autoptr(GError) error = NULL;
	IppyoSignedCheckpoint *cp = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);

	g_assert_no_error(error);
	g_assert_nonnull(cp);
	return cp;
}

/* ---- checkpoints ---- */

static void
notify_cb(GObject *obj, GParamSpec *pspec, gpointer data)
{
	(*(guint *)data)++;
}

static void
test_checkpoint_fetch(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, b = NULL, held = NULL;
	guint notified = 0;

	g_signal_connect(fx->client, "notify::trusted-checkpoint", G_CALLBACK(notify_cb),
	    &notified);
	g_assert_null(ippyo_chain_client_dup_trusted_checkpoint(fx->client));
	a = fetch_ok(fx->client);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(a), ==, 1);
	g_assert_cmpstr(ippyo_signed_checkpoint_get_origin(a), ==, FAKE_ORIGIN);
	fake_chain_append_n(fx->fake, 300, "ballot");
	b = fetch_ok(fx->client);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(b), ==, 301);
	held = ippyo_chain_client_dup_trusted_checkpoint(fx->client);
	g_assert_true(ippyo_signed_checkpoint_same_tree(held, b));
	g_assert_cmpuint(notified, ==, 2);
	/* the note round-trips through the caller's storage */
	{
		g_autoptr(IppyoChainClient) other = client_for(fx->fake, NULL);
		g_autoptr(GError) error = NULL;

		g_assert_true(ippyo_chain_client_set_trusted_checkpoint(other,
		    ippyo_signed_checkpoint_get_note(a), &error));
		g_assert_no_error(error);
		g_clear_pointer(&b, ippyo_signed_checkpoint_unref);
		b = fetch_ok(other);
		g_assert_cmpuint(ippyo_signed_checkpoint_get_size(b), ==, 301);
	}
}

static void
test_checkpoint_bad_signature(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;

	fake_chain_lock(fx->fake)->bad_signature = TRUE;
	fake_chain_unlock(fx->fake);
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, NULL, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_SIGNATURE);
	g_assert_null(ippyo_chain_client_dup_trusted_checkpoint(fx->client));
}

static void
test_checkpoint_wrong_origin(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;

	fake_chain_lock(fx->fake)->wrong_origin = TRUE;
	fake_chain_unlock(fx->fake);
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, NULL, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_WRONG_ORIGIN);
}

static void
check_evidence(Fixture *fx, IppyoForkEvidence *ev, guint64 held, guint64 served)
{
	g_autoptr(GBytes) text = NULL;
	g_autoptr(IppyoChainClient) judge = client_for(fx->fake, NULL);
	g_autoptr(IppyoSignedCheckpoint) a = NULL, b = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_nonnull(ev);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(ippyo_fork_evidence_get_held(ev)), ==,
	    held);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(ippyo_fork_evidence_get_served(ev)),
	    ==, served);
	/* both are signed by the chain key: anyone can check them */
	a = ippyo_chain_client_verify_checkpoint(judge,
	    ippyo_signed_checkpoint_get_note(ippyo_fork_evidence_get_held(ev)), &error);
	g_assert_no_error(error);
	b = ippyo_chain_client_verify_checkpoint(judge,
	    ippyo_signed_checkpoint_get_note(ippyo_fork_evidence_get_served(ev)), &error);
	g_assert_no_error(error);
	text = ippyo_fork_evidence_to_text(ev);
	g_assert_nonnull(g_strstr_len(g_bytes_get_data(text, NULL), (gssize)g_bytes_get_size(text),
	    "-- served"));
}

static void
test_checkpoint_fork(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, cp = NULL, held = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) error = NULL;

	fake_chain_append_n(fx->fake, 9, "ballot");
	a = fetch_ok(fx->client);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(a), ==, 10);
	/* a rebuilt database: entry 5 differs, and the log grew */
	fake_chain_rewrite(fx->fake, 5, "another-history");
	fake_chain_append_n(fx->fake, 5, "ballot");
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, &ev, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FORK);
	check_evidence(fx, ev, 10, 15);
	/* the held checkpoint stays */
	held = ippyo_chain_client_dup_trusted_checkpoint(fx->client);
	g_assert_true(ippyo_signed_checkpoint_same_tree(held, a));
}

static void
test_checkpoint_fork_no_proofs(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, cp = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) error = NULL;

	/* the same, found from the tiles alone, over full and partial tiles */
	fake_chain_append_n(fx->fake, 299, "ballot");
	a = fetch_ok(fx->client);
	fake_chain_rewrite(fx->fake, 3, "another-history");
	fake_chain_append_n(fx->fake, 300, "ballot");
	fake_chain_lock(fx->fake)->no_proof_endpoints = TRUE;
	fake_chain_unlock(fx->fake);
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, &ev, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FORK);
	check_evidence(fx, ev, 300, 600);
}

static void
test_checkpoint_fork_same_size(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, cp = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) error = NULL;

	fake_chain_append_n(fx->fake, 4, "ballot");
	a = fetch_ok(fx->client);
	fake_chain_rewrite(fx->fake, 2, "another-history");
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, &ev, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FORK);
	check_evidence(fx, ev, 5, 5);
}

static void
test_checkpoint_rollback(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, cp = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) error = NULL;

	fake_chain_append_n(fx->fake, 4, "ballot");
	a = fetch_ok(fx->client);
	fake_chain_publish(fx->fake, 3);
	cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, &ev, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_ROLLBACK);
	check_evidence(fx, ev, 5, 3);
}

static void
test_checkpoint_lying_proof(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, b = NULL;

	/* an honest history with a broken proof endpoint: the tiles show
	 * consistency, and the client is not fooled into crying fork */
	fake_chain_append_n(fx->fake, 40, "ballot");
	a = fetch_ok(fx->client);
	fake_chain_append_n(fx->fake, 700, "ballot");
	fake_chain_lock(fx->fake)->corrupt_consistency = TRUE;
	fake_chain_unlock(fx->fake);
	b = fetch_ok(fx->client);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(b), ==, 741);
}

static void
test_checkpoint_lying_proof_and_tiles(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) a = NULL, b = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) error = NULL;

	/* neither proof nor tiles verify: an error, but no fork claimed */
	fake_chain_append_n(fx->fake, 40, "ballot");
	a = fetch_ok(fx->client);
	fake_chain_append_n(fx->fake, 10, "ballot");
	{
		FakeBehaviour *fb = fake_chain_lock(fx->fake);

		fb->corrupt_consistency = TRUE;
		fb->corrupt_tiles = TRUE;
		fake_chain_unlock(fx->fake);
	}
	b = ippyo_chain_client_fetch_checkpoint_sync(fx->client, &ev, NULL, &error);
	g_assert_null(b);
	g_assert_null(ev);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
}

static void
test_checkpoint_oversize(Fixture *fx, gconstpointer data)
{
	for (int chunked = 0; chunked < 2; chunked++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(IppyoSignedCheckpoint) cp = NULL;
		FakeBehaviour *b = fake_chain_lock(fx->fake);

		b->oversize_checkpoint = IPPYO_NET_MAX_CHECKPOINT + 1;
		b->oversize_chunked = chunked;
		fake_chain_unlock(fx->fake);
		cp = ippyo_chain_client_fetch_checkpoint_sync(fx->client, NULL, NULL, &error);
		g_assert_null(cp);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_TOO_LARGE);
	}
}

static void
test_checkpoint_witness(Fixture *fx, gconstpointer data)
{
	ippyo_note_signer *w = NULL;
	ippyo_note_verifier *wv = NULL;
	char *wvkey = NULL;
	g_autofree char *policy_text = NULL;
	g_autoptr(GBytes) policy = NULL;
	g_autoptr(IppyoChainClient) c = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(ippyo_note_signer_generate("witness.test.example",
	    IPPYO_NOTE_TYPE_COSIGNATURE, &w), ==, 0);
	g_assert_cmpint(ippyo_note_signer_verifier(w, &wv), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(wv, &wvkey), ==, 0);
	policy_text = g_strdup_printf("witness w1 %s\nquorum w1\n", wvkey);
	OPENSSL_free(wvkey);
	ippyo_note_verifier_free(wv);
	policy = g_bytes_new(policy_text, strlen(policy_text));
	c = client_for(fx->fake, policy);
	cp = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);
	g_assert_null(cp);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_QUORUM);
	g_clear_error(&error);
	fake_chain_set_witness(fx->fake, w);
	cp = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(cp);
}

/* ---- tiles, bundles, entries, manifest ---- */

static void
test_tiles(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	static const struct { int level; guint64 n; gsize len; } tiles[] = {
		{ 0, 0, 256 * 32 }, { 0, 1, 256 * 32 }, { 0, 2, 88 * 32 }, { 1, 0, 2 * 32 },
	};

	fake_chain_append_n(fx->fake, 599, "ballot");
	cp = fetch_ok(fx->client);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(cp), ==, 600);
	for (gsize i = 0; i < G_N_ELEMENTS(tiles); i++) {
		g_autoptr(GBytes) t = ippyo_chain_client_fetch_tile_sync(fx->client, cp,
		    tiles[i].level, tiles[i].n, NULL, &error);

		g_assert_no_error(error);
		g_assert_cmpuint(g_bytes_get_size(t), ==, tiles[i].len);
	}
	{
		g_autoptr(GBytes) t = ippyo_chain_client_fetch_tile_sync(fx->client, cp, 0, 3, NULL,
		    &error);

		g_assert_null(t);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_FOUND);
		g_clear_error(&error);
	}
	for (guint64 n = 0; n < 3; n++) {
		g_autoptr(GBytes) b = ippyo_chain_client_fetch_entry_bundle_sync(fx->client, cp, n,
		    NULL, &error);

		g_assert_no_error(error);
		g_assert_nonnull(b);
	}
	entries = ippyo_chain_client_fetch_entries_sync(fx->client, cp, 250, 520, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(entries->len, ==, 270);
	for (guint i = 0; i < entries->len; i++) {
		g_autofree char *want = g_strdup_printf("ballot-%u", 250 + i);
		GBytes *e = g_ptr_array_index(entries, i);

		g_assert_cmpmem(g_bytes_get_data(e, NULL), g_bytes_get_size(e), want, strlen(want));
	}
	g_clear_pointer(&entries, g_ptr_array_unref);
	entries = ippyo_chain_client_fetch_entries_sync(fx->client, cp, 599, 601, NULL, &error);
	g_assert_null(entries);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED);
}

static void
test_tiles_corrupt(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;

	fake_chain_append_n(fx->fake, 299, "ballot");
	cp = fetch_ok(fx->client);
	fake_chain_lock(fx->fake)->corrupt_tiles = TRUE;
	fake_chain_unlock(fx->fake);
	/* a full tile (checked against its parent) and a partial one (against the root) */
	for (guint64 n = 0; n < 2; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) t = ippyo_chain_client_fetch_tile_sync(fx->client, cp, 0, n, NULL,
		    &error);

		g_assert_null(t);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
	}
	{
		FakeBehaviour *b = fake_chain_lock(fx->fake);

		b->corrupt_tiles = FALSE;
		b->corrupt_bundles = TRUE;
		fake_chain_unlock(fx->fake);
	}
	for (guint64 n = 0; n < 2; n++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(GBytes) b = ippyo_chain_client_fetch_entry_bundle_sync(fx->client, cp, n,
		    NULL, &error);

		g_assert_null(b);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
	}
}

static void
test_manifest(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) m = NULL;
	static const char want[] = "{\"type\":\"manifest\",\"test\":true}";

	fake_chain_append_n(fx->fake, 20, "ballot");
	m = ippyo_chain_client_fetch_manifest_sync(fx->client, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(m, NULL), g_bytes_get_size(m), want, strlen(want));
	g_clear_pointer(&m, g_bytes_unref);
	/* another manifest in the same chain (a rewritten entry 0), seen by a
	 * client holding the tree signed before */
	{
		g_autoptr(IppyoSignedCheckpoint) old = ippyo_chain_client_dup_trusted_checkpoint(
		    fx->client);

		fake_chain_rewrite(fx->fake, 0, "{\"type\":\"manifest\",\"test\":false}");
		m = ippyo_chain_client_fetch_manifest_sync(fx->client, old, NULL, &error);
		g_assert_null(m);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
	}
}

/* ---- inclusion ---- */

static void
test_inclusion(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(GError) error = NULL;
	guint8 leaf[IPPYO_HASH_BYTES];
	guint64 index = 0;

	fake_chain_append_n(fx->fake, 299, "ballot");
	cp = fetch_ok(fx->client);
	fake_chain_leaf(fx->fake, 257, leaf);
	g_assert_true(ippyo_chain_client_prove_inclusion_sync(fx->client, cp, leaf, 257, &index,
	    NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(index, ==, 257);
	index = 0;
	g_assert_true(ippyo_chain_client_prove_inclusion_sync(fx->client, cp, leaf, -1, &index,
	    NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(index, ==, 257);
	/* at another index */
	g_assert_false(ippyo_chain_client_prove_inclusion_sync(fx->client, cp, leaf, 256, NULL,
	    NULL, &error));
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED);
	g_clear_error(&error);
	/* a lying proof endpoint: the tiles still show the leaf */
	fake_chain_lock(fx->fake)->corrupt_inclusion = TRUE;
	fake_chain_unlock(fx->fake);
	g_assert_true(ippyo_chain_client_prove_inclusion_sync(fx->client, cp, leaf, 257, NULL,
	    NULL, &error));
	g_assert_no_error(error);
	/* ... but without an index a lie cannot be told from a missing leaf */
	g_assert_false(ippyo_chain_client_prove_inclusion_sync(fx->client, cp, leaf, -1, NULL,
	    NULL, &error));
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
	g_clear_error(&error);
}

static void
test_inclusion_dropped(Fixture *fx, gconstpointer data)
{
	g_autoptr(IppyoChainClient) other = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(GError) error = NULL;
	guint8 leaf[IPPYO_HASH_BYTES];

	/* the chain replaced a ballot; a device that never saw the old tree
	 * checks its receipt's leaf against the newest checkpoint */
	fake_chain_append_n(fx->fake, 30, "ballot");
	fake_chain_leaf(fx->fake, 17, leaf);
	fake_chain_rewrite(fx->fake, 17, "not-your-ballot");
	other = client_for(fx->fake, NULL);
	cp = fetch_ok(other);
	g_assert_false(ippyo_chain_client_prove_inclusion_sync(other, cp, leaf, 17, NULL, NULL,
	    &error));
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED);
	g_clear_error(&error);
	g_assert_false(ippyo_chain_client_prove_inclusion_sync(other, cp, leaf, -1, NULL, NULL,
	    &error));
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED);
}

/* ---- submissions ---- */

static GBytes *
ballot(const char *s)
{
	return g_bytes_new(s, strlen(s));
}

static void
test_submit(Fixture *fx, gconstpointer data)
{
	g_autoptr(GBytes) e = ballot("{\"ballot\":1}");
	g_autoptr(IppyoChainReceipt) r = NULL, r2 = NULL, r3 = NULL;
	g_autoptr(GError) error = NULL;
	guint8 leaf[IPPYO_HASH_BYTES];

	fake_chain_append_n(fx->fake, 5, "ballot");
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r), ==, 6);
	g_assert_false(ippyo_chain_receipt_get_duplicate(r));
	g_assert_cmpuint(ippyo_chain_receipt_get_attempts(r), ==, 1);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(ippyo_chain_receipt_get_checkpoint(r)),
	    ==, 7);
	g_assert_cmpint(ippyo_merkle_hash_leaf(NULL, "{\"ballot\":1}", 12, leaf), ==, 0);
	g_assert_cmpmem(ippyo_chain_receipt_get_leaf_hash(r), 32, leaf, 32);
	/* an identical resubmission: the identical receipt */
	r2 = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ippyo_chain_receipt_get_duplicate(r2));
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r2), ==, 6);
	g_assert_true(g_bytes_equal(ippyo_chain_receipt_get_proof(r),
	    ippyo_chain_receipt_get_proof(r2)));
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 1);
	/* the saved receipt verifies offline, for these bytes only */
	r3 = ippyo_chain_client_verify_receipt(fx->client, e, ippyo_chain_receipt_get_proof(r),
	    &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r3), ==, 6);
	{
		g_autoptr(GBytes) other = ballot("{\"ballot\":2}");
		g_autoptr(IppyoChainReceipt) bad = ippyo_chain_client_verify_receipt(fx->client,
		    other, ippyo_chain_receipt_get_proof(r), &error);

		g_assert_null(bad);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
		g_clear_error(&error);
	}
	/* the receipt's checkpoint can become the held one */
	{
		g_autoptr(IppyoSignedCheckpoint) cp = ippyo_chain_client_update_checkpoint_sync(
		    fx->client, ippyo_signed_checkpoint_get_note(
		    ippyo_chain_receipt_get_checkpoint(r)), NULL, NULL, &error);

		g_assert_no_error(error);
		g_assert_cmpuint(ippyo_signed_checkpoint_get_size(cp), ==, 7);
	}
	/* close */
	{
		g_autoptr(GBytes) close = ballot("{\"close\":true}");
		g_autoptr(IppyoChainReceipt) rc = ippyo_chain_client_submit_close_sync(fx->client,
		    close, NULL, &error);

		g_assert_no_error(error);
		g_assert_cmpuint(ippyo_chain_receipt_get_index(rc), ==, 7);
	}
}

static void
test_submit_503(Fixture *fx, gconstpointer data)
{
	g_autoptr(GBytes) e = ballot("{\"ballot\":503}");
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GError) error = NULL;

	fake_chain_lock(fx->fake)->fail_503 = 2;
	fake_chain_unlock(fx->fake);
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_attempts(r), ==, 3);
	g_assert_cmpuint(fake_chain_posts(fx->fake), ==, 3);
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 1);
	g_assert_cmpuint(fake_chain_size(fx->fake), ==, 2);
}

static void
test_submit_retry_after(Fixture *fx, gconstpointer data)
{
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"later\"}");
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GError) error = NULL;
	gint64 start;
	FakeBehaviour *b;

	g_object_set(fx->client, "retry-max-ms", 5000u, NULL);
	b = fake_chain_lock(fx->fake);
	b->fail_503 = 1;
	b->retry_after = "1";
	fake_chain_unlock(fx->fake);
	start = g_get_monotonic_time();
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_get_monotonic_time() - start, >=, 1000000);
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 1);
}

static void
test_submit_dropped(Fixture *fx, gconstpointer data)
{
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"dropped\"}");
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GError) error = NULL;

	fake_chain_lock(fx->fake)->drop_posts = 2;
	fake_chain_unlock(fx->fake);
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r), ==, 1);
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 1);
	g_assert_cmpuint(fake_chain_posts(fx->fake), ==, 1);
}

static void
test_submit_rejections(Fixture *fx, gconstpointer data)
{
	static const struct {
		const char *code;
		guint status;
		IppyoNetError want;
	} cases[] = {
		{ "too_large", 413, IPPYO_NET_ERROR_REJECTED_TOO_LARGE },
		{ "bad_json", 400, IPPYO_NET_ERROR_REJECTED_BAD_JSON },
		{ "wrong_election", 422, IPPYO_NET_ERROR_REJECTED_WRONG_ELECTION },
		{ "poll_not_open", 409, IPPYO_NET_ERROR_REJECTED_POLL_NOT_OPEN },
		{ "poll_closed", 409, IPPYO_NET_ERROR_REJECTED_POLL_CLOSED },
		{ "cert_revoked", 403, IPPYO_NET_ERROR_REJECTED_CERT_REVOKED },
		{ "not_on_roll", 403, IPPYO_NET_ERROR_REJECTED_NOT_ON_ROLL },
		{ "bad_card_signature", 422, IPPYO_NET_ERROR_REJECTED_BAD_CARD_SIGNATURE },
		{ "bad_proof", 422, IPPYO_NET_ERROR_REJECTED_BAD_PROOF },
		{ "store_full", 507, IPPYO_NET_ERROR_REJECTED_STORE_FULL },
		{ "internal", 500, IPPYO_NET_ERROR_REJECTED_INTERNAL },
		{ "something_new", 422, IPPYO_NET_ERROR_REJECTED_UNKNOWN },
	};
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"rejected\"}");

	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(IppyoChainReceipt) r = NULL;
		guint before = fake_chain_posts(fx->fake);
		FakeBehaviour *b = fake_chain_lock(fx->fake);

		b->reject_code = cases[i].code;
		b->reject_status = cases[i].status;
		b->reject_message = "a message\nwith\x1b[31m control characters";
		fake_chain_unlock(fx->fake);
		r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
		g_assert_null(r);
		g_assert_error(error, IPPYO_NET_ERROR, (gint)cases[i].want);
		g_assert_true(ippyo_net_error_is_rejection(error));
		g_assert_true(g_str_has_prefix(error->message, cases[i].code));
		g_assert_null(strchr(error->message, '\n'));
		g_assert_null(strchr(error->message, '\x1b'));
		if (cases[i].want != IPPYO_NET_ERROR_REJECTED_UNKNOWN)
			g_assert_cmpstr(ippyo_net_error_rejection_name(cases[i].want), ==,
			    cases[i].code);
		/* definite: asked once */
		g_assert_cmpuint(fake_chain_posts(fx->fake), ==, before + 1);
	}
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 0);
}

static void
test_submit_bad_receipt(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GBytes) e1 = ballot("{\"ballot\":\"bad-proof\"}");
	g_autoptr(GBytes) e2 = ballot("{\"ballot\":\"bad-index\"}");

	fake_chain_append_n(fx->fake, 6, "ballot");
	fake_chain_lock(fx->fake)->corrupt_receipt = TRUE;
	fake_chain_unlock(fx->fake);
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e1, NULL, &error);
	g_assert_null(r);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF);
	g_clear_error(&error);
	{
		FakeBehaviour *b = fake_chain_lock(fx->fake);

		b->corrupt_receipt = FALSE;
		b->receipt_other_index = TRUE;
		fake_chain_unlock(fx->fake);
	}
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e2, NULL, &error);
	g_assert_null(r);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_RECEIPT);
}

static void
test_submit_busy_deadline(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"busy\"}");

	g_object_set(fx->client, "retry-deadline-ms", 200u, NULL);
	fake_chain_lock(fx->fake)->fail_503 = 1000;
	fake_chain_unlock(fx->fake);
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, NULL, &error);
	g_assert_null(r);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_REJECTED_BUSY);
	g_assert_cmpuint(fake_chain_posts(fx->fake), >, 1);
	g_assert_cmpuint(fake_chain_appended(fx->fake), ==, 0);
}

static gpointer
cancel_later(gpointer data)
{
	g_usleep(100000);
	g_cancellable_cancel(data);
	return NULL;
}

static void
test_submit_cancel(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"cancelled\"}");
	g_autoptr(GCancellable) cancellable = g_cancellable_new();
	GThread *t;
	gint64 start;
	FakeBehaviour *b;

	g_object_set(fx->client, "retry-max-ms", 10000u, "retry-deadline-ms", 60000u, NULL);
	b = fake_chain_lock(fx->fake);
	b->fail_503 = 1000;
	b->retry_after = "5";
	fake_chain_unlock(fx->fake);
	start = g_get_monotonic_time();
	t = g_thread_new("cancel", cancel_later, cancellable);
	r = ippyo_chain_client_submit_ballot_sync(fx->client, e, cancellable, &error);
	g_thread_join(t);
	g_assert_null(r);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 2000000);
}

static void
test_submit_network_down(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainReceipt) r = NULL;
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"nobody\"}");
	g_autoptr(IppyoChainClient) c = NULL;
	g_autoptr(GSocket) s = NULL;
	g_autoptr(GSocketAddress) any = NULL, bound = NULL;
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autofree char *url = NULL;
	FakeChain *fake = fake_chain_new();
	g_autofree char *vkey = fake_chain_vkey(fake);

	/* a port that nobody listens on */
	s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
	g_assert_no_error(error);
	any = g_inet_socket_address_new(lo, 0);
	g_assert_true(g_socket_bind(s, any, TRUE, &error));
	bound = g_socket_get_local_address(s, &error);
	url = g_strdup_printf("http://127.0.0.1:%u/",
	    g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound)));
	c = g_initable_new(IPPYO_TYPE_CHAIN_CLIENT, NULL, &error, "base-url", url,
	    "origin", FAKE_ORIGIN, "chain-vkey", vkey, "retry-initial-ms", 10u,
	    "retry-max-ms", 20u, "retry-deadline-ms", 150u, NULL);
	g_assert_no_error(error);
	r = ippyo_chain_client_submit_ballot_sync(c, e, NULL, &error);
	g_assert_null(r);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NETWORK);
	fake_chain_free(fake);
}

static void
test_client_new_errors(void)
{
	FakeChain *fake = fake_chain_new();
	g_autofree char *vkey = fake_chain_vkey(fake);
	g_autoptr(GError) error = NULL;
	IppyoChainClient *c;

	c = ippyo_chain_client_new("ftp://example/", FAKE_ORIGIN, vkey, NULL, &error);
	g_assert_null(c);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED);
	g_clear_error(&error);
	c = ippyo_chain_client_new("http://example/", "another.example/log", vkey, NULL, &error);
	g_assert_null(c);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_WRONG_ORIGIN);
	g_clear_error(&error);
	c = ippyo_chain_client_new("http://example/", FAKE_ORIGIN, "not a key", NULL, &error);
	g_assert_null(c);
	g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FAILED);
	g_clear_error(&error);
	{
		g_autoptr(GBytes) policy = g_bytes_new_static("quorum nobody\n", 14);

		c = ippyo_chain_client_new("http://example/", FAKE_ORIGIN, vkey, policy, &error);
		g_assert_null(c);
		g_assert_nonnull(error);
	}
	fake_chain_free(fake);
}

/* ---- status and async ---- */

static void
test_status(Fixture *fx, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainStatus) s = NULL;

	fake_chain_append_n(fx->fake, 3, "ballot");
	s = ippyo_chain_client_fetch_status_sync(fx->client, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_status_get_size(s), ==, 4);
	g_assert_false(ippyo_chain_status_get_closed(s));
	g_assert_cmpstr(ippyo_chain_status_get_election_id(s), ==, "2027-test");
}

typedef struct {
	GMainLoop *loop;
	IppyoSignedCheckpoint *cp;
	IppyoForkEvidence *ev;
	IppyoChainReceipt *receipt;
	GError *error;
} AsyncResult;

static void
checkpoint_done_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	AsyncResult *ar = data;

	ar->cp = ippyo_chain_client_fetch_checkpoint_finish(IPPYO_CHAIN_CLIENT(source), result,
	    &ar->ev, &ar->error);
	g_main_loop_quit(ar->loop);
}

static void
submit_done_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	AsyncResult *ar = data;

	ar->receipt = ippyo_chain_client_submit_ballot_finish(IPPYO_CHAIN_CLIENT(source), result,
	    &ar->error);
	g_main_loop_quit(ar->loop);
}

static void
test_async(Fixture *fx, gconstpointer data)
{
	AsyncResult ar = { g_main_loop_new(NULL, FALSE), NULL, NULL, NULL, NULL };
	g_autoptr(GBytes) e = ballot("{\"ballot\":\"async\"}");

	ippyo_chain_client_fetch_checkpoint_async(fx->client, NULL, checkpoint_done_cb, &ar);
	g_main_loop_run(ar.loop);
	g_assert_no_error(ar.error);
	g_assert_null(ar.ev);
	g_clear_pointer(&ar.cp, ippyo_signed_checkpoint_unref);

	fake_chain_lock(fx->fake)->fail_503 = 1;
	fake_chain_unlock(fx->fake);
	ippyo_chain_client_submit_ballot_async(fx->client, e, NULL, submit_done_cb, &ar);
	g_main_loop_run(ar.loop);
	g_assert_no_error(ar.error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(ar.receipt), ==, 1);
	g_clear_pointer(&ar.receipt, ippyo_chain_receipt_unref);

	fake_chain_rewrite(fx->fake, 0, "{\"type\":\"manifest\",\"forged\":true}");
	ippyo_chain_client_fetch_checkpoint_async(fx->client, NULL, checkpoint_done_cb, &ar);
	g_main_loop_run(ar.loop);
	g_assert_error(ar.error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FORK);
	g_assert_null(ar.cp);
	check_evidence(fx, ar.ev, 1, 2);
	g_clear_error(&ar.error);
	g_clear_pointer(&ar.ev, ippyo_fork_evidence_unref);
	g_main_loop_unref(ar.loop);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add("/ippyo/net/" path, Fixture, NULL, fixture_setup, fn, \
	fixture_teardown)
	ADD("checkpoint/fetch", test_checkpoint_fetch);
	ADD("checkpoint/bad-signature", test_checkpoint_bad_signature);
	ADD("checkpoint/wrong-origin", test_checkpoint_wrong_origin);
	ADD("checkpoint/fork", test_checkpoint_fork);
	ADD("checkpoint/fork-from-tiles", test_checkpoint_fork_no_proofs);
	ADD("checkpoint/fork-same-size", test_checkpoint_fork_same_size);
	ADD("checkpoint/rollback", test_checkpoint_rollback);
	ADD("checkpoint/lying-proof", test_checkpoint_lying_proof);
	ADD("checkpoint/lying-proof-and-tiles", test_checkpoint_lying_proof_and_tiles);
	ADD("checkpoint/oversize", test_checkpoint_oversize);
	ADD("checkpoint/witness", test_checkpoint_witness);
	ADD("tiles/verify", test_tiles);
	ADD("tiles/corrupt", test_tiles_corrupt);
	ADD("manifest", test_manifest);
	ADD("inclusion/verify", test_inclusion);
	ADD("inclusion/dropped", test_inclusion_dropped);
	ADD("submit/receipt", test_submit);
	ADD("submit/503-then-success", test_submit_503);
	ADD("submit/retry-after", test_submit_retry_after);
	ADD("submit/dropped-connection", test_submit_dropped);
	ADD("submit/rejections", test_submit_rejections);
	ADD("submit/bad-receipt", test_submit_bad_receipt);
	ADD("submit/busy-deadline", test_submit_busy_deadline);
	ADD("submit/cancel", test_submit_cancel);
	ADD("status", test_status);
	ADD("async", test_async);
#undef ADD
	g_test_add_func("/ippyo/net/submit/network-down", test_submit_network_down);
	g_test_add_func("/ippyo/net/client/new-errors", test_client_new_errors);
	return g_test_run();
}
