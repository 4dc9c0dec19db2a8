/* Tests of the key ceremony: all three rounds through their JSON files. */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "ceremony-helper.h"
#include "crypto/decrypt.h"
#include "encoding.h"

typedef struct {
	uint32_t t, n;
} tn;

static const tn cases[] = { { 1, 1 }, { 2, 3 }, { 3, 5 } };

/* Σ_{j∈S} λ_j·X_j = K for every t-subset S: the key shares interpolate K. */
static void
check_subsets(const cer_run *r)
{
	uint32_t t = r->p.threshold, n = r->p.trustees;
	ippyo_scalar *lambda = ippyo_scalar_new();
	ippyo_point *acc = ippyo_point_new(), *T = ippyo_point_new();
	int subsets = 0;

	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		uint32_t idx[IPPYO_CEREMONY_MAX_TRUSTEES];
		size_t c = 0;

		if ((uint32_t)__builtin_popcount(mask) != t)
			continue;
		for (uint32_t j = 1; j <= n; j++)
			if (mask & (1u << (j - 1)))
				idx[c++] = j;
		g_assert_cmpint(ippyo_point_set_infinity(acc), ==, 0);
		for (size_t i = 0; i < c; i++) {
			g_assert_cmpint(ippyo_lagrange_coefficient(lambda, idx[i], idx, c), ==, 0);
			g_assert_cmpint(ippyo_point_mul(T, lambda,
			    ippyo_ceremony_result_verification_key(r->result, idx[i])), ==, 0);
			g_assert_cmpint(ippyo_point_add(acc, acc, T), ==, 0);
		}
		g_assert_cmpint(ippyo_point_eq(acc, ippyo_ceremony_result_election_key(r->result)), ==, 1);
		subsets++;
	}
	g_assert_cmpint(subsets, >, 0);
	ippyo_scalar_free(lambda);
	ippyo_point_free(acc);
	ippyo_point_free(T);
}

static void
test_full(gconstpointer data)
{
	const tn *c = data;
	cer_run *r = g_new0(cer_run, 1);
	ippyo_ceremony_commitments *all[IPPYO_CEREMONY_MAX_TRUSTEES];
	ippyo_ceremony_result *obs = NULL;
	ippyo_point *K = ippyo_point_new(), *P = ippyo_point_new();
	uint8_t th[IPPYO_HASH_BYTES];
	uint32_t bad = 99;

	cer_run_files(r, c->t, c->n, "ippyo test ceremony");
	/* An observer computes the same result from the commitments files alone. */
	for (uint32_t i = 0; i < c->n; i++)
		all[i] = cer_load_commitments(r->commit_json[i + 1]);
	g_assert_cmpint(ippyo_ceremony_result_compute(&r->p, all, c->n, &obs, &bad), ==, 0);
	g_assert_cmpuint(bad, ==, 0);
	g_assert_cmpint(ippyo_ceremony_result_eq(obs, r->result), ==, 1);
	g_assert_cmpint(ippyo_ceremony_transcript_hash(&r->p, all, c->n, th), ==, 0);
	g_assert_cmpmem(th, sizeof(th), ippyo_ceremony_result_transcript(r->result), IPPYO_HASH_BYTES);
	/* K = Σ_i A_i0 */
	for (uint32_t i = 0; i < c->n; i++)
		g_assert_cmpint(ippyo_point_add(K, K, ippyo_ceremony_commitments_point(all[i], 0)), ==, 0);
	g_assert_cmpint(ippyo_point_eq(K, ippyo_ceremony_result_election_key(r->result)), ==, 1);
	g_assert_null(ippyo_ceremony_commitments_point(all[0], c->t));
	/* X_j = x_j·G, and each key share carries the transcript hash. */
	for (uint32_t j = 1; j <= c->n; j++) {
		g_assert_cmpint(ippyo_point_mul_gen(P, ippyo_trustee_key_share(r->keys[j])), ==, 0);
		g_assert_cmpint(ippyo_point_eq(P, ippyo_ceremony_result_verification_key(r->result, j)), ==, 1);
		g_assert_cmpmem(ippyo_trustee_key_transcript(r->keys[j]), IPPYO_HASH_BYTES, th, sizeof(th));
		g_assert_cmpuint(ippyo_trustee_key_index(r->keys[j]), ==, j);
	}
	g_assert_null(ippyo_ceremony_result_verification_key(r->result, 0));
	g_assert_null(ippyo_ceremony_result_verification_key(r->result, c->n + 1));
	check_subsets(r);
	/* The transcript hash depends on every commitments file. */
	if (c->n > 1) {
		ippyo_ceremony_commitments *tmp = all[0];
		uint8_t th2[IPPYO_HASH_BYTES];

		all[0] = all[1];
		all[1] = tmp;
		g_assert_cmpint(ippyo_ceremony_transcript_hash(&r->p, all, c->n, th2), ==, 0);
		g_assert_cmpmem(th2, sizeof(th2), th, sizeof(th));   /* order of the files does not matter */
		all[1] = all[0];
		g_assert_cmpint(ippyo_ceremony_transcript_hash(&r->p, all, c->n, th2), ==,
		    IPPYO_ERR_DUPLICATE_TRUSTEE);
		all[1] = tmp;
	}
	for (uint32_t i = 0; i < c->n; i++)
		ippyo_ceremony_commitments_free(all[i]);
	ippyo_ceremony_result_free(obs);
	ippyo_point_free(K);
	ippyo_point_free(P);
	cer_run_clear(r);
	g_free(r);
}

/* ---- editing files ---- */

typedef void (*edit_fn)(json_t *root, gconstpointer data);

static char *
edit(const char *text, edit_fn fn, gconstpointer data)
{
	json_error_t err;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	char *s, *out;

	g_assert_nonnull(o);
	fn(o, data);
	s = json_dumps(o, JSON_INDENT(2));
	g_assert_nonnull(s);
	out = g_strdup(s);
	free(s);
	json_decref(o);
	return out;
}

/* Flips one bit of the base64url field key (a JSON string) of root. */
static void
flip_field(json_t *o, const char *key, size_t byte, size_t want)
{
	json_t *v = json_object_get(o, key);
	uint8_t buf[256];
	char *s = NULL;

	g_assert_true(json_is_string(v));
	g_assert_cmpint(ippyo_b64url_decode_exact(json_string_value(v), buf, want), ==, 0);
	buf[byte] ^= 0x01;
	g_assert_cmpint(ippyo_b64url_encode(buf, want, &s), ==, 0);
	g_assert_cmpint(json_object_set_new(o, key, json_string(s)), ==, 0);
	OPENSSL_free(s);
}

static void
edit_flip_ciphertext(json_t *o, gconstpointer data)
{
	flip_field(o, "ciphertext", GPOINTER_TO_SIZE(data), IPPYO_CEREMONY_SEALED_BYTES);
}

static void
edit_flip_nonce(json_t *o, gconstpointer data)
{
	flip_field(o, "nonce", 0, IPPYO_CEREMONY_NONCE_BYTES);
}

/* Replaces coefficient k of a secret file by another random scalar. */
static void
edit_secret_coefficient(json_t *o, gconstpointer data)
{
	json_t *a = json_object_get(o, "coefficients");
	ippyo_scalar *s = ippyo_scalar_new();
	uint8_t b[32];
	char *txt = NULL;

	g_assert_cmpint(ippyo_scalar_random(s), ==, 0);
	g_assert_cmpint(ippyo_scalar_serialize(s, b), ==, 0);
	g_assert_cmpint(ippyo_b64url_encode(b, 32, &txt), ==, 0);
	g_assert_cmpint(json_array_set_new(a, GPOINTER_TO_SIZE(data), json_string(txt)), ==, 0);
	OPENSSL_free(txt);
	ippyo_scalar_free(s);
}

/* Swaps the points (or the proofs) of commitments 0 and 1. */
static void
edit_swap_commitments(json_t *o, gconstpointer data)
{
	json_t *a = json_object_get(o, "commitments");
	const char *field = data;
	json_t *x = json_object_get(json_array_get(a, 0), field);
	json_t *y = json_object_get(json_array_get(a, 1), field);

	json_incref(x);
	json_incref(y);
	g_assert_cmpint(json_object_set_new(json_array_get(a, 0), field, y), ==, 0);
	g_assert_cmpint(json_object_set_new(json_array_get(a, 1), field, x), ==, 0);
}

static void
edit_set_int(json_t *o, gconstpointer data)
{
	const char *const *kv = data;

	g_assert_cmpint(json_object_set_new(o, kv[0], json_integer(g_ascii_strtoll(kv[1], NULL, 10))), ==, 0);
}

/* A share whose value does not match the sender's commitments, well encrypted. */
static void
test_bad_share_value(void)
{
	cer_run *r = g_new0(cer_run, 1);
	ippyo_trustee_key *k = NULL;
	ippyo_ceremony_result *res = NULL;
	uint32_t bad = 0;

	for (size_t coef = 0; coef < 2; coef++) {
		ippyo_trustee_secret *s;
		ippyo_ceremony_commitments *c;
		ippyo_ceremony_share *sh = NULL;
		char *forged, *text;
		size_t len;

		cer_rounds12(r, 2, 3, "ippyo test ceremony bad share");
		/* Trustee 2 sends trustee 3 a share from a changed polynomial. */
		forged = edit(r->secret_json[2], edit_secret_coefficient, GSIZE_TO_POINTER(coef));
		s = cer_load_secret(forged);
		c = cer_load_commitments(r->commit_json[3]);
		g_assert_cmpint(ippyo_ceremony_round2(s, c, &sh), ==, 0);
		g_assert_cmpint(ippyo_ceremony_share_to_json(sh, &text, &len), ==, 0);
		g_free(r->share_json[2][3]);
		r->share_json[2][3] = cer_file(text, len);
		g_assert_cmpint(cer_round3(r, 3, &k, &res, &bad), ==, IPPYO_ERR_BAD_SHARE);
		g_assert_cmpuint(bad, ==, 2);
		g_assert_null(k);
		g_assert_null(res);
		/* Trustee 1 is not affected. */
		g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, 0);
		g_assert_cmpuint(bad, ==, 0);
		ippyo_trustee_key_free(k);
		ippyo_ceremony_result_free(res);
		k = NULL;
		res = NULL;
		ippyo_trustee_secret_free(s);
		ippyo_ceremony_commitments_free(c);
		ippyo_ceremony_share_free(sh);
		g_free(forged);
		cer_run_clear(r);
	}
	g_free(r);
}

/* A share file changed in transit fails authentication, and its sender is named. */
static void
test_tampered_ciphertext(void)
{
	cer_run *r = g_new0(cer_run, 1);
	ippyo_trustee_key *k = NULL;
	ippyo_ceremony_result *res = NULL;
	uint32_t bad = 0;
	char *orig;

	cer_rounds12(r, 3, 5, "ippyo test ceremony tampered");
	orig = r->share_json[4][1];
	for (size_t byte = 0; byte < IPPYO_CEREMONY_SEALED_BYTES; byte += 7) {
		r->share_json[4][1] = edit(orig, edit_flip_ciphertext, GSIZE_TO_POINTER(byte));
		g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_SHARE_DECRYPT);
		g_assert_cmpuint(bad, ==, 4);
		g_free(r->share_json[4][1]);
	}
	r->share_json[4][1] = edit(orig, edit_flip_nonce, NULL);
	g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_SHARE_DECRYPT);
	g_assert_cmpuint(bad, ==, 4);
	g_free(r->share_json[4][1]);
	/* The share for 1 handed to 2 as if it were its own (recipient relabelled). */
	{
		static const char *const kv[] = { "recipient", "2" };

		g_free(r->share_json[4][2]);
		r->share_json[4][2] = edit(orig, edit_set_int, kv);
		g_assert_cmpint(cer_round3(r, 2, &k, &res, &bad), ==, IPPYO_ERR_SHARE_DECRYPT);
		g_assert_cmpuint(bad, ==, 4);
	}
	/* Missing and misaddressed shares. */
	r->share_json[4][1] = NULL;
	g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_NOT_FOUND);
	g_assert_cmpuint(bad, ==, 4);
	r->share_json[4][1] = g_strdup(r->share_json[3][2]);   /* addressed to 2 */
	g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_CEREMONY_MISMATCH);
	g_assert_cmpuint(bad, ==, 3);
	g_free(r->share_json[4][1]);
	r->share_json[4][1] = g_strdup(r->share_json[3][1]);   /* twice from 3 */
	g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_DUPLICATE_TRUSTEE);
	g_assert_cmpuint(bad, ==, 3);
	g_free(r->share_json[4][1]);
	r->share_json[4][1] = orig;
	g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, 0);
	ippyo_trustee_key_free(k);
	ippyo_ceremony_result_free(res);
	cer_run_clear(r);
	g_free(r);
}

/* A commitments file with a changed point or proof is caught and its trustee named. */
static void
test_bad_commitments(void)
{
	static const char *const fields[] = { "point", "proof" };
	cer_run *r = g_new0(cer_run, 1);
	ippyo_trustee_key *k = NULL;
	ippyo_ceremony_result *res = NULL;
	uint32_t bad = 0;

	cer_rounds12(r, 2, 3, "ippyo test ceremony commitments");
	for (size_t f = 0; f < G_N_ELEMENTS(fields); f++) {
		char *orig = r->commit_json[3];

		r->commit_json[3] = edit(orig, edit_swap_commitments, fields[f]);
		g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_BAD_COMMITMENT);
		g_assert_cmpuint(bad, ==, 3);
		g_free(r->commit_json[3]);
		r->commit_json[3] = orig;
	}
	/* Another trustee's own file replaced: its round 3 refuses it. */
	{
		char *orig = r->commit_json[2];
		cer_run *other = g_new0(cer_run, 1);

		cer_rounds12(other, 2, 3, "ippyo test ceremony commitments");
		r->commit_json[2] = other->commit_json[2];
		g_assert_cmpint(cer_round3(r, 2, &k, &res, &bad), ==, IPPYO_ERR_CEREMONY_MISMATCH);
		g_assert_cmpuint(bad, ==, 2);
		/* ... and for trustee 1 the shares from 2 no longer fit. */
		g_assert_cmpint(cer_round3(r, 1, &k, &res, &bad), ==, IPPYO_ERR_SHARE_DECRYPT);
		g_assert_cmpuint(bad, ==, 2);
		r->commit_json[2] = orig;
		cer_run_clear(other);
		g_free(other);
	}
	/* A file from another ceremony context. */
	{
		cer_run *other = g_new0(cer_run, 1);
		char *orig = r->commit_json[1];

		cer_rounds12(other, 2, 3, "another election");
		r->commit_json[1] = other->commit_json[1];
		g_assert_cmpint(cer_round3(r, 3, &k, &res, &bad), ==, IPPYO_ERR_WRONG_ELECTION);
		g_assert_cmpuint(bad, ==, 1);
		r->commit_json[1] = orig;
		cer_run_clear(other);
		g_free(other);
	}
	g_assert_cmpint(cer_round3(r, 3, &k, &res, &bad), ==, 0);
	ippyo_trustee_key_free(k);
	ippyo_ceremony_result_free(res);
	cer_run_clear(r);
	g_free(r);
}

static void
test_params(void)
{
	static const uint32_t badp[][2] = { { 0, 1 }, { 2, 1 }, { 1, 0 }, { 1, 65 }, { 65, 65 } };
	ippyo_ceremony_params p;
	ippyo_trustee_secret *s = NULL;
	ippyo_ceremony_commitments *c = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(badp); i++) {
		cer_params(&p, badp[i][0], badp[i][1], "x");
		g_assert_cmpint(ippyo_ceremony_params_check(&p), ==, IPPYO_ERR_BAD_THRESHOLD);
		g_assert_cmpint(ippyo_ceremony_round1(&p, 1, &s, &c), ==, IPPYO_ERR_BAD_THRESHOLD);
		g_assert_null(s);
		g_assert_null(c);
	}
	cer_params(&p, 64, 64, "x");
	g_assert_cmpint(ippyo_ceremony_params_check(&p), ==, 0);
	cer_params(&p, 2, 3, "x");
	g_assert_cmpint(ippyo_ceremony_round1(&p, 0, &s, &c), ==, IPPYO_ERR_BAD_THRESHOLD);
	g_assert_cmpint(ippyo_ceremony_round1(&p, 4, &s, &c), ==, IPPYO_ERR_BAD_THRESHOLD);
	g_assert_cmpint(ippyo_ceremony_round1(&p, 3, &s, &c), ==, 0);
	/* A trustee does not send a share to itself. */
	{
		ippyo_ceremony_share *sh = NULL;

		g_assert_cmpint(ippyo_ceremony_round2(s, c, &sh), ==, IPPYO_ERR_CEREMONY_MISMATCH);
		g_assert_null(sh);
	}
	ippyo_trustee_secret_free(s);
	ippyo_ceremony_commitments_free(c);
}

/* Strict JSON: each file type rejects what it does not fully understand. */
typedef int (*parse_fn)(const char *text, size_t len);

static int
parse_commitments(const char *t, size_t l)
{
	ippyo_ceremony_commitments *c = NULL;
	int e = ippyo_ceremony_commitments_from_json(&c, t, l);

	ippyo_ceremony_commitments_free(c);
	return e;
}

static int
parse_share(const char *t, size_t l)
{
	ippyo_ceremony_share *s = NULL;
	int e = ippyo_ceremony_share_from_json(&s, t, l);

	ippyo_ceremony_share_free(s);
	return e;
}

static int
parse_secret(const char *t, size_t l)
{
	ippyo_trustee_secret *s = NULL;
	int e = ippyo_trustee_secret_from_json(&s, t, l);

	ippyo_trustee_secret_free(s);
	return e;
}

static int
parse_key(const char *t, size_t l)
{
	ippyo_trustee_key *k = NULL;
	int e = ippyo_trustee_key_from_json(&k, t, l);

	ippyo_trustee_key_free(k);
	return e;
}

static int
parse_result(const char *t, size_t l)
{
	ippyo_ceremony_result *r = NULL;
	int e = ippyo_ceremony_result_from_json(&r, t, l);

	ippyo_ceremony_result_free(r);
	return e;
}

static void
edit_add_key(json_t *o, gconstpointer data)
{
	g_assert_cmpint(json_object_set_new(o, "extra", json_true()), ==, 0);
}

static void
edit_del_key(json_t *o, gconstpointer data)
{
	g_assert_cmpint(json_object_del(o, data), ==, 0);
}

static void
edit_real(json_t *o, gconstpointer data)
{
	g_assert_cmpint(json_object_set_new(o, data, json_real(2.0)), ==, 0);
}

static void
edit_string(json_t *o, gconstpointer data)
{
	const char *const *kv = data;

	g_assert_cmpint(json_object_set_new(o, kv[0], json_string(kv[1])), ==, 0);
}

static void
check_strict(const char *good, parse_fn parse, const char *b64_field)
{
	static const char *const v2[] = { "version", "2" };
	static const char *const big_t[] = { "threshold", "65" };
	static const char *const neg[] = { "trustees", "-1" };
	static const char *const type[] = { "type", "ippyo-something-else" };
	const char *bad64[] = { b64_field, "AA" };
	const char *pad64[] = { b64_field, "AAAA====" };
	char *t, *dup;
	size_t gl = strlen(good);

	g_assert_cmpint(parse(good, gl), ==, 0);
	g_assert_cmpint(parse(good, gl - 2), ==, IPPYO_ERR_JSON);            /* truncated */
	g_assert_cmpint(parse("[]", 2), ==, IPPYO_ERR_JSON_SCHEMA);
	t = g_strconcat(good, "{}", NULL);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON);             /* trailing */
	g_free(t);
	/* A duplicate key: {"version": 1, "version": 1, ...}. */
	dup = g_strconcat("{\"version\": 1, ", good + 1, NULL);
	g_assert_cmpint(parse(dup, strlen(dup)), ==, IPPYO_ERR_JSON);
	g_free(dup);
	t = edit(good, edit_add_key, NULL);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON_SCHEMA);
	g_free(t);
	t = edit(good, edit_del_key, b64_field);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON_SCHEMA);
	g_free(t);
	t = edit(good, edit_real, "threshold");
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON_SCHEMA);
	g_free(t);
	t = edit(good, edit_set_int, v2);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_BAD_VERSION);
	g_free(t);
	t = edit(good, edit_set_int, big_t);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_BAD_THRESHOLD);
	g_free(t);
	t = edit(good, edit_set_int, neg);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON_SCHEMA);
	g_free(t);
	t = edit(good, edit_string, type);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_JSON_SCHEMA);
	g_free(t);
	t = edit(good, edit_string, bad64);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_BAD_ENCODING);
	g_free(t);
	t = edit(good, edit_string, pad64);
	g_assert_cmpint(parse(t, strlen(t)), ==, IPPYO_ERR_BAD_ENCODING);
	g_free(t);
}

static void
test_strict_json(void)
{
	cer_run *r = g_new0(cer_run, 1);

	cer_run_files(r, 2, 3, "ippyo test ceremony json");
	check_strict(r->commit_json[1], parse_commitments, "context");
	check_strict(r->share_json[1][2], parse_share, "ciphertext");
	check_strict(r->secret_json[1], parse_secret, "encryption_key");
	check_strict(r->key_json[1], parse_key, "share");
	{
		char *text;
		size_t len;

		g_assert_cmpint(ippyo_ceremony_result_to_json(r->result, &text, &len), ==, 0);
		text = cer_file(text, len);
		check_strict(text, parse_result, "election_key");
		g_free(text);
	}
	/* A key file whose share does not match its verification key. */
	{
		static const char *const kv[] = { "share", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE" };
		char *t = edit(r->key_json[1], edit_string, kv);

		g_assert_cmpint(parse_key(t, strlen(t)), ==, IPPYO_ERR_BAD_SHARE);
		g_free(t);
	}
	/* A share addressed by its sender to itself. */
	{
		static const char *const kv[] = { "recipient", "1" };
		char *t = edit(r->share_json[1][2], edit_set_int, kv);

		g_assert_cmpint(parse_share(t, strlen(t)), ==, IPPYO_ERR_CEREMONY_MISMATCH);
		g_free(t);
	}
	cer_run_clear(r);
	g_free(r);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = g_strdup_printf("/ippyo/ceremony/full/%u-of-%u", cases[i].t, cases[i].n);

		g_test_add_data_func(path, &cases[i], test_full);
		g_free(path);
	}
	g_test_add_func("/ippyo/ceremony/bad-share-value", test_bad_share_value);
	g_test_add_func("/ippyo/ceremony/tampered-ciphertext", test_tampered_ciphertext);
	g_test_add_func("/ippyo/ceremony/bad-commitments", test_bad_commitments);
	g_test_add_func("/ippyo/ceremony/params", test_params);
	g_test_add_func("/ippyo/ceremony/strict-json", test_strict_json);
	return g_test_run();
}
