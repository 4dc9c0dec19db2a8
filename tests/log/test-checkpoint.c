/* Tests of tlog-checkpoint bodies, signed checkpoints and tlog-policy quorums. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "error.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/policy.h"

#define ORIGIN "vote.example.jp/2027-tsukuba-mayor"

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

static int
parse_cp(const char *text)
{
	ippyo_checkpoint *c = NULL;
	int r = ippyo_checkpoint_parse((const uint8_t *)text, strlen(text), &c);

	ippyo_checkpoint_free(c);
	return r;
}

static void
test_body(void)
{
	static const char spec[] = "example.com/behind-the-sofa\n20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{ "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 0 },
		{ "o\n18446744073709551615\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 0 },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\nmore ext\n", 0 },
		{ "o\n18446744073709551616\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n+1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o p\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa-_TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next\n\nx\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n", IPPYO_ERR_CHECKPOINT_FORMAT },
		{ "o\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\r\n", IPPYO_ERR_CHECKPOINT_FORMAT },
	};
	ippyo_checkpoint *c = NULL;
	ippyo_buf *b;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %zu", i);
		g_assert_cmpint(parse_cp(cases[i].text), ==, cases[i].want);
		if (cases[i].want == 0) {
			/* Formatting gives back the same bytes. */
			g_assert_cmpint(ippyo_checkpoint_parse((const uint8_t *)cases[i].text,
			    strlen(cases[i].text), &c), ==, 0);
			b = ippyo_buf_new(4096);
			g_assert_cmpint(ippyo_checkpoint_format(c, b), ==, 0);
			g_assert_cmpmem(ippyo_buf_data(b), ippyo_buf_len(b), cases[i].text,
			    strlen(cases[i].text));
			ippyo_buf_free(b);
			ippyo_checkpoint_free(c);
		}
	}
	g_assert_cmpint(ippyo_checkpoint_parse((const uint8_t *)spec, strlen(spec), &c), ==, 0);
	g_assert_cmpstr(c->origin, ==, "example.com/behind-the-sofa");
	g_assert_cmpuint(c->size, ==, 20852163);
	g_assert_cmpmem(c->root, 4, "\x0a\xc5\x18\x6a", 4);
	g_assert_null(c->extensions);
	ippyo_checkpoint_free(c);
}

static void
test_sign_open(void)
{
	ippyo_note_signer *log = signer(ORIGIN, 1, 1), *other = signer(ORIGIN, 1, 2);
	ippyo_note_signer *wrongname = signer("other.example/log", 1, 1);
	ippyo_note_verifier *lv = NULL, *ov = NULL;
	ippyo_checkpoint *c = NULL, *got = NULL;
	uint8_t root[32];
	char *note = NULL;
	size_t len;
	ippyo_note *n = NULL;

	memset(root, 0xab, sizeof(root));
	g_assert_cmpint(ippyo_note_signer_verifier(log, &lv), ==, 0);
	g_assert_cmpint(ippyo_note_signer_verifier(other, &ov), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_new(ORIGIN, 42, root, &c), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_sign(c, wrongname, &note, &len), ==, IPPYO_ERR_WRONG_ORIGIN);
	g_assert_cmpint(ippyo_checkpoint_sign(c, log, &note, &len), ==, 0);
	g_assert_cmpuint(strlen(note), ==, len);
	g_assert_true(g_str_has_prefix(note, ORIGIN "\n42\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n"
	    "\xe2\x80\x94 " ORIGIN " "));
	g_assert_cmpint(ippyo_checkpoint_open((uint8_t *)note, len, ORIGIN, lv, &got, &n), ==, 0);
	g_assert_cmpuint(got->size, ==, 42);
	g_assert_cmpmem(got->root, 32, root, 32);
	g_assert_nonnull(n);
	ippyo_note_free(n);
	ippyo_checkpoint_free(got);
	/* Another key with the same name: its ID differs, so the signature is unknown. */
	g_assert_cmpint(ippyo_checkpoint_open((uint8_t *)note, len, ORIGIN, ov, &got, NULL), ==,
	    IPPYO_ERR_NOTE_UNKNOWN_KEY);
	g_assert_cmpint(ippyo_checkpoint_open((uint8_t *)note, len, "other.example/log", lv,
	    &got, NULL), ==, IPPYO_ERR_WRONG_ORIGIN);
	/* A changed size breaks the signature. */
	note[strlen(ORIGIN) + 1] = '3';
	g_assert_cmpint(ippyo_checkpoint_open((uint8_t *)note, len, ORIGIN, lv, &got, NULL), ==,
	    IPPYO_ERR_NOTE_SIGNATURE);
	g_assert_null(got);
	OPENSSL_free(note);
	ippyo_checkpoint_free(c);
	ippyo_note_verifier_free(lv);
	ippyo_note_verifier_free(ov);
	ippyo_note_signer_free(log);
	ippyo_note_signer_free(other);
	ippyo_note_signer_free(wrongname);
}

/* The spec's example: 2 of X1..X3 and 1 of Y1..Y3. */
static void
test_policy_quorum(void)
{
	ippyo_note_signer *log = signer(ORIGIN, 1, 1), *w[6];
	char *vk[6], *lvk = vkey_of(log), *text, *note = NULL;
	ippyo_policy *p = NULL;
	ippyo_checkpoint *c = NULL, *got = NULL;
	ippyo_note *n = NULL;
	ippyo_buf *b;
	uint8_t root[32] = { 1 };
	size_t len, i;
	static const struct {
		int set[6];
		int ok;
	} combos[] = {
		{ { 1, 1, 0, 1, 0, 0 }, 1 },
		{ { 0, 1, 1, 0, 0, 1 }, 1 },
		{ { 1, 1, 1, 0, 0, 0 }, 0 },
		{ { 1, 0, 0, 1, 1, 1 }, 0 },
		{ { 0, 0, 0, 0, 0, 0 }, 0 },
		{ { 1, 1, 1, 1, 1, 1 }, 1 },
	};

	for (i = 0; i < 6; i++) {
		char *nm = g_strdup_printf("w%zu.example", i);

		w[i] = signer(nm, IPPYO_NOTE_TYPE_COSIGNATURE, (uint8_t)(10 + i));
		vk[i] = vkey_of(w[i]);
		g_free(nm);
	}
	text = g_strdup_printf("# ippyo test policy\n"
	    "log %s https://vote.example.jp/2027-tsukuba-mayor/\n\n"
	    "witness X1 %s\nwitness X2 %s\n\twitness   X3 %s   https://x3.example/\n"
	    "group X-witnesses 2 X1 X2 X3\n"
	    "witness Y1 %s\nwitness Y2 %s\nwitness Y3 %s\n"
	    "group Y-witnesses any Y1 Y2 Y3\n"
	    "  # comment\n"
	    "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n",
	    lvk, vk[0], vk[1], vk[2], vk[3], vk[4], vk[5]);
	g_assert_cmpint(ippyo_policy_parse((uint8_t *)text, strlen(text), &p), ==, 0);
	g_assert_cmpuint(ippyo_policy_log_count(p), ==, 1);
	g_assert_cmpuint(ippyo_policy_witness_count(p), ==, 6);
	g_assert_false(ippyo_policy_quorum_none(p));
	for (i = 0; i < G_N_ELEMENTS(combos); i++)
		g_assert_cmpint(ippyo_policy_quorum_met(p, combos[i].set), ==,
		    combos[i].ok ? 0 : IPPYO_ERR_QUORUM);

	/* Real cosignatures on a real checkpoint. */
	g_assert_cmpint(ippyo_checkpoint_new(ORIGIN, 7, root, &c), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_sign(c, log, &note, &len), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(combos); i++) {
		size_t k;

		g_assert_cmpint(ippyo_note_parse((uint8_t *)note, len, &n), ==, 0);
		for (k = 0; k < 6; k++)
			if (combos[i].set[k])
				g_assert_cmpint(ippyo_cosignature_add(n, w[k], 1700000000 + k), ==, 0);
		b = ippyo_buf_new(65536);
		g_assert_cmpint(ippyo_note_serialize(n, b), ==, 0);
		g_assert_cmpint(ippyo_policy_verify_checkpoint(p, ippyo_buf_data(b),
		    ippyo_buf_len(b), &got), ==, combos[i].ok ? 0 : IPPYO_ERR_QUORUM);
		if (combos[i].ok)
			g_assert_cmpuint(got->size, ==, 7);
		ippyo_checkpoint_free(got);
		got = NULL;
		/* A broken cosignature of a listed witness is rejected. */
		if (n->nsigs > 1) {
			n->sigs[1].sig[20] ^= 1;
			g_assert_cmpint(ippyo_policy_check_note(p, n), ==, IPPYO_ERR_COSIGNATURE);
		}
		ippyo_buf_free(b);
		ippyo_note_free(n);
		n = NULL;
	}
	OPENSSL_free(note);
	ippyo_checkpoint_free(c);
	ippyo_policy_free(p);
	g_free(text);
	for (i = 0; i < 6; i++) {
		ippyo_note_signer_free(w[i]);
		g_free(vk[i]);
	}
	g_free(lvk);
	ippyo_note_signer_free(log);
}

static void
test_policy_reject(void)
{
	ippyo_note_signer *log = signer(ORIGIN, 1, 1), *a = signer("a.example", 4, 2);
	ippyo_note_signer *b = signer("b.example", 4, 3), *a2 = signer("a2.example", 1, 2);
	char *lvk = vkey_of(log), *avk = vkey_of(a), *bvk = vkey_of(b), *a2vk = vkey_of(a2);
	ippyo_policy *p = NULL;
	char *ok[4], *bad[16];
	size_t i;

	ok[0] = g_strdup("quorum none\n");
	ok[1] = g_strdup_printf("log %s\nquorum none\n", lvk);
	ok[2] = g_strdup_printf("witness A %s\nquorum A\n", avk);
	ok[3] = g_strdup_printf("witness A %s\nwitness B %s\ngroup G 1 A B\nquorum G\n", avk, bvk);
	for (i = 0; i < 4; i++) {
		g_test_message("ok %zu", i);
		g_assert_cmpint(ippyo_policy_parse((uint8_t *)ok[i], strlen(ok[i]), &p), ==, 0);
		ippyo_policy_free(p);
		g_free(ok[i]);
	}
	bad[0] = g_strdup("");                                              /* no quorum */
	bad[1] = g_strdup("quorum none\nquorum none\n");
	bad[2] = g_strdup("quorum X\n");                                    /* undefined */
	bad[3] = g_strdup_printf("witness A %s\nquorum A", avk);           /* no final newline */
	bad[4] = g_strdup_printf("quorum A\nwitness A %s\n", avk);         /* used before defined */
	bad[5] = g_strdup_printf("witness A %s\nwitness B %s\ngroup G 3 A B\nquorum G\n", avk, bvk);
	bad[6] = g_strdup_printf("witness A %s\nwitness B %s\ngroup G 0 A B\nquorum G\n", avk, bvk);
	bad[7] = g_strdup_printf("witness A %s\nwitness B %s\ngroup G 01 A B\nquorum G\n", avk, bvk);
	bad[8] = g_strdup_printf("witness A %s\ngroup G any A A\nquorum G\n", avk);
	bad[9] = g_strdup_printf("witness A %s\ngroup G any A none\nquorum G\n", avk);
	bad[10] = g_strdup_printf("witness A %s\nwitness B %s\nquorum A\n", avk, avk);
	bad[11] = g_strdup_printf("witness A %s\nwitness A %s\nquorum A\n", avk, bvk);
	bad[12] = g_strdup_printf("log %s\nquorum none\n", avk);           /* log with a 0x04 key */
	bad[13] = g_strdup_printf("witness A %s\nquorum A\n", a2vk);       /* witness with 0x01 */
	bad[14] = g_strdup("quorum\tnone\r\n");
	bad[15] = g_strdup_printf("witness none %s\nquorum none\n", avk);
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		int r;

		g_test_message("bad %zu", i);
		r = ippyo_policy_parse((uint8_t *)bad[i], strlen(bad[i]), &p);
		g_assert_true(r == IPPYO_ERR_POLICY_FORMAT || r == IPPYO_ERR_BAD_KEY);
		g_assert_null(p);
		g_free(bad[i]);
	}
	g_free(lvk);
	g_free(avk);
	g_free(bvk);
	g_free(a2vk);
	ippyo_note_signer_free(log);
	ippyo_note_signer_free(a);
	ippyo_note_signer_free(b);
	ippyo_note_signer_free(a2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/checkpoint/body", test_body);
	g_test_add_func("/ippyo/checkpoint/sign-open", test_sign_open);
	g_test_add_func("/ippyo/policy/quorum", test_policy_quorum);
	g_test_add_func("/ippyo/policy/reject", test_policy_reject);
	return g_test_run();
}
