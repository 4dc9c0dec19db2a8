/* Tests of the voter's receipt (C2SP tlog-proof), verified offline. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "error.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/policy.h"
#include "log/receipt.h"

#define ORIGIN "vote.example.jp/2027-tsukuba-mayor"
#define N 37

struct fixture {
	ippyo_note_signer *log, *w1, *w2;
	ippyo_note_verifier *lv;
	ippyo_policy *policy;
	char entries[N][32];
	uint8_t leaves[N * 32];
	uint8_t *cp;            /* cosigned by w1 only */
	size_t cp_len;
};

static ippyo_note_signer *
signer(const char *name, uint8_t type, uint8_t seedbyte)
{
	uint8_t seed[32];
	ippyo_note_signer *s = NULL;

	memset(seed, seedbyte, sizeof(seed));
	g_assert_cmpint(ippyo_note_signer_from_seed(name, type, seed, &s), ==, 0);
	return s;
}

static char *
vkey_of(const ippyo_note_signer *s)
{
	ippyo_note_verifier *v = NULL;
	char *str = NULL, *out;

	g_assert_cmpint(ippyo_note_signer_verifier(s, &v), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(v, &str), ==, 0);
	out = g_strdup(str);
	OPENSSL_free(str);
	ippyo_note_verifier_free(v);
	return out;
}

static void
fixture_init(struct fixture *f, const char *quorum)
{
	ippyo_merkle_state st;
	ippyo_checkpoint *c = NULL;
	ippyo_note *n = NULL;
	ippyo_buf *b = ippyo_buf_new(65536);
	uint8_t root[32];
	char *note = NULL, *v1, *v2, *pol;
	size_t len, i;

	f->log = signer(ORIGIN, 1, 1);
	f->w1 = signer("w1.example", 4, 2);
	f->w2 = signer("w2.example", 4, 3);
	g_assert_cmpint(ippyo_note_signer_verifier(f->log, &f->lv), ==, 0);
	v1 = vkey_of(f->w1);
	v2 = vkey_of(f->w2);
	pol = g_strdup_printf("witness W1 %s\nwitness W2 %s\n%s\n", v1, v2, quorum);
	g_assert_cmpint(ippyo_policy_parse((uint8_t *)pol, strlen(pol), &f->policy), ==, 0);
	ippyo_merkle_state_init(&st);
	for (i = 0; i < N; i++) {
		g_snprintf(f->entries[i], sizeof(f->entries[i]), "{\"ballot\":%zu}", i);
		g_assert_cmpint(ippyo_merkle_state_append_entry(&st, NULL, f->entries[i],
		    strlen(f->entries[i]), f->leaves + i * 32), ==, 0);
	}
	g_assert_cmpint(ippyo_merkle_state_root(&st, NULL, root), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_new(ORIGIN, N, root, &c), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_sign(c, f->log, &note, &len), ==, 0);
	g_assert_cmpint(ippyo_note_parse((uint8_t *)note, len, &n), ==, 0);
	g_assert_cmpint(ippyo_cosignature_add(n, f->w1, 1800000000), ==, 0);
	g_assert_cmpint(ippyo_note_serialize(n, b), ==, 0);
	g_assert_cmpint(ippyo_buf_steal(b, &f->cp, &f->cp_len), ==, 0);
	ippyo_buf_free(b);
	ippyo_note_free(n);
	ippyo_checkpoint_free(c);
	OPENSSL_free(note);
	g_free(v1);
	g_free(v2);
	g_free(pol);
}

static void
fixture_free(struct fixture *f)
{
	ippyo_note_signer_free(f->log);
	ippyo_note_signer_free(f->w1);
	ippyo_note_signer_free(f->w2);
	ippyo_note_verifier_free(f->lv);
	ippyo_policy_free(f->policy);
	OPENSSL_clear_free(f->cp, f->cp_len);
}

static ippyo_receipt *
make_receipt(struct fixture *f, uint64_t index)
{
	struct ippyo_merkle_leaves lv = { f->leaves, N, NULL };
	ippyo_merkle_proof p;
	ippyo_receipt *r = NULL;

	g_assert_cmpint(ippyo_merkle_inclusion_proof(NULL, index, N, ippyo_merkle_leaves_hash_fn,
	    &lv, &p), ==, 0);
	g_assert_cmpint(ippyo_receipt_new(index, &p, f->cp, f->cp_len, NULL, 0, &r), ==, 0);
	return r;
}

static void
test_round_trip_and_verify(void)
{
	struct fixture f;
	ippyo_checkpoint *c = NULL;
	uint64_t i;

	fixture_init(&f, "quorum W1");
	for (i = 0; i < N; i++) {
		ippyo_receipt *r = make_receipt(&f, i), *r2 = NULL;
		ippyo_buf *b = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES), *b2 = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES);
		const char *e = f.entries[i], *other = f.entries[(i + 1) % N];

		g_assert_cmpint(ippyo_receipt_serialize(r, b), ==, 0);
		g_assert_cmpint(ippyo_receipt_parse(ippyo_buf_data(b), ippyo_buf_len(b), &r2), ==, 0);
		g_assert_cmpint(ippyo_receipt_serialize(r2, b2), ==, 0);
		g_assert_cmpmem(ippyo_buf_data(b), ippyo_buf_len(b), ippyo_buf_data(b2), ippyo_buf_len(b2));
		g_assert_cmpint(ippyo_receipt_verify(r2, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
		    f.policy, &c), ==, 0);
		g_assert_cmpuint(c->size, ==, N);
		ippyo_checkpoint_free(c);
		g_assert_cmpint(ippyo_receipt_verify(r2, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
		    NULL, NULL), ==, 0);
		g_assert_cmpint(ippyo_receipt_verify_leaf(r2, f.leaves + i * 32, ORIGIN, f.lv,
		    f.policy, NULL), ==, 0);
		/* Another entry, another index, a changed proof: all fail. */
		g_assert_cmpint(ippyo_receipt_verify(r2, (const uint8_t *)other, strlen(other), ORIGIN,
		    f.lv, f.policy, &c), ==, IPPYO_ERR_BAD_INCLUSION);
		g_assert_null(c);
		r2->index = (i + 1) % N;
		g_assert_cmpint(ippyo_receipt_verify(r2, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
		    f.policy, NULL), !=, 0);
		r2->index = i;
		r2->proof.hash[0][0] ^= 1;
		g_assert_cmpint(ippyo_receipt_verify(r2, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
		    f.policy, NULL), ==, IPPYO_ERR_BAD_INCLUSION);
		ippyo_buf_free(b);
		ippyo_buf_free(b2);
		ippyo_receipt_free(r);
		ippyo_receipt_free(r2);
	}
	fixture_free(&f);
}

static void
test_policy_and_keys(void)
{
	struct fixture f;
	ippyo_receipt *r;
	ippyo_note_signer *fake = signer(ORIGIN, 1, 9);
	ippyo_note_verifier *fv = NULL;
	const char *e;

	fixture_init(&f, "group both all W1 W2\nquorum both");
	r = make_receipt(&f, 5);
	e = f.entries[5];
	/* Only W1 cosigned: the quorum of both is not met. */
	g_assert_cmpint(ippyo_receipt_verify(r, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
	    f.policy, NULL), ==, IPPYO_ERR_QUORUM);
	g_assert_cmpint(ippyo_receipt_verify(r, (const uint8_t *)e, strlen(e), ORIGIN, f.lv,
	    NULL, NULL), ==, 0);
	/* Another log key, another origin. */
	g_assert_cmpint(ippyo_note_signer_verifier(fake, &fv), ==, 0);
	g_assert_cmpint(ippyo_receipt_verify(r, (const uint8_t *)e, strlen(e), ORIGIN, fv,
	    NULL, NULL), ==, IPPYO_ERR_NOTE_UNKNOWN_KEY);
	g_assert_cmpint(ippyo_receipt_verify(r, (const uint8_t *)e, strlen(e), "x.example/y", f.lv,
	    NULL, NULL), ==, IPPYO_ERR_WRONG_ORIGIN);
	ippyo_receipt_free(r);
	ippyo_note_verifier_free(fv);
	ippyo_note_signer_free(fake);
	fixture_free(&f);
}

static int
parse_text(const char *text)
{
	ippyo_receipt *r = NULL;
	int ret = ippyo_receipt_parse((const uint8_t *)text, strlen(text), &r);

	ippyo_receipt_free(r);
	return ret;
}

static void
test_parse_strict(void)
{
	struct fixture f;
	ippyo_receipt *r, *r2 = NULL;
	ippyo_buf *b = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES);
	char *good, *bad;
	GString *s;
	size_t i;

	fixture_init(&f, "quorum none");
	g_assert_true(ippyo_policy_quorum_none(f.policy));
	r = make_receipt(&f, 9);
	/* With extra data. */
	g_assert_cmpint(ippyo_receipt_new(9, &r->proof, f.cp, f.cp_len,
	    (const uint8_t *)"vrf", 3, &r2), ==, 0);
	g_assert_cmpint(ippyo_receipt_serialize(r2, b), ==, 0);
	good = g_strndup((const char *)ippyo_buf_data(b), ippyo_buf_len(b));
	g_assert_true(g_str_has_prefix(good, "c2sp.org/tlog-proof@v1\nextra dnJm\nindex 9\n"));
	ippyo_receipt_free(r2);
	g_assert_cmpint(parse_text(good), ==, 0);
	g_assert_cmpint(ippyo_receipt_parse((const uint8_t *)good, strlen(good), &r2), ==, 0);
	g_assert_cmpmem(r2->extra, r2->extra_len, "vrf", 3);
	g_assert_cmpmem(r2->checkpoint, r2->checkpoint_len, f.cp, f.cp_len);
	ippyo_receipt_free(r2);

	{
		const char *from[] = {
			"c2sp.org/tlog-proof@v1\n", "extra dnJm\n", "index 9\n", "extra dnJm\n",
			"index 9\n", "index 9\n", "\n\n", "c2sp.org/tlog-proof@v1\n",
		};
		const char *to[] = {
			"c2sp.org/tlog-proof@v2\n", "extra \n", "index 09\n", "extra dnJ=\n",
			"index -9\n", "index  9\n", "\n", "",
		};

		for (i = 0; i < G_N_ELEMENTS(from); i++) {
			char *at = strstr(good, from[i]);

			g_assert_nonnull(at);
			s = g_string_new_len(good, at - good);
			g_string_append(s, to[i]);
			g_string_append(s, at + strlen(from[i]));
			g_test_message("mutation %zu", i);
			g_assert_cmpint(parse_text(s->str), !=, 0);
			g_string_free(s, TRUE);
		}
	}
	/* A proof line of 31 bytes; a checkpoint that is not a note. */
	s = g_string_new("c2sp.org/tlog-proof@v1\nindex 0\n"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n\n");
	g_string_append_len(s, (const char *)f.cp, (gssize)f.cp_len);
	g_assert_cmpint(parse_text(s->str), ==, IPPYO_ERR_RECEIPT_FORMAT);
	g_string_free(s, TRUE);
	bad = g_strdup_printf("c2sp.org/tlog-proof@v1\nindex 0\n\n%s", "not a note\n");
	g_assert_cmpint(parse_text(bad), ==, IPPYO_ERR_RECEIPT_FORMAT);
	g_free(bad);

	g_free(good);
	ippyo_buf_free(b);
	ippyo_receipt_free(r);
	fixture_free(&f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/receipt/round-trip-verify", test_round_trip_and_verify);
	g_test_add_func("/ippyo/receipt/policy-and-keys", test_policy_and_keys);
	g_test_add_func("/ippyo/receipt/parse-strict", test_parse_strict);
	return g_test_run();
}
