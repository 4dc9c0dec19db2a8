/* Tests of the election manifest and the voter roll file. */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include <openssl/evp.h>

#include "crypto/hash.h"
#include "election/manifest.h"
#include "election/roll.h"
#include "election/signature.h"
#include "encoding.h"
#include "error.h"
#include "fixture.h"

static const fx_contest two[] = { { 1, 1, 3 }, { 0, 2, 4 } };

static void
sha256_tagged(const char *tag, const uint8_t *b, size_t len, uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t l[4];
	unsigned int ol = 0;

	g_assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1);
	l[0] = 0, l[1] = 0, l[2] = 0, l[3] = (uint8_t)strlen(tag);
	g_assert_true(EVP_DigestUpdate(ctx, l, 4) == 1);
	g_assert_true(EVP_DigestUpdate(ctx, tag, strlen(tag)) == 1);
	l[0] = (uint8_t)(len >> 24), l[1] = (uint8_t)(len >> 16);
	l[2] = (uint8_t)(len >> 8), l[3] = (uint8_t)len;
	g_assert_true(EVP_DigestUpdate(ctx, l, 4) == 1);
	g_assert_true(EVP_DigestUpdate(ctx, b, len) == 1);
	g_assert_true(EVP_DigestFinal_ex(ctx, out, &ol) == 1);
	EVP_MD_CTX_free(ctx);
}

static void
test_round_trip(void)
{
	ippyo_manifest_spec s;
	ippyo_manifest *draft = NULL, *again = NULL, *sealed, *sealed2 = NULL;
	const uint8_t *b, *b2;
	uint8_t *db = NULL, h[32], want[32], dh[32], dh2[32];
	size_t len, len2, dlen = 0;

	fx_spec(&s, "2027-tsukuba-mayor", two, 2);
	g_assert_cmpint(ippyo_manifest_new_draft(&draft, &s), ==, 0);
	g_assert_false(ippyo_manifest_is_sealed(draft));
	b = ippyo_manifest_bytes(draft, &len);
	g_test_message("draft: %.*s", (int)len, b);
	/* Parse its bytes: the same bytes come out. */
	g_assert_cmpint(ippyo_manifest_parse(&again, b, len, IPPYO_MANIFEST_DRAFT), ==, 0);
	b2 = ippyo_manifest_bytes(again, &len2);
	g_assert_cmpmem(b, len, b2, len2);
	/* A draft is not a sealed manifest. */
	g_assert_cmpint(ippyo_manifest_election_hash(again, h), ==, IPPYO_ERR_BAD_MANIFEST);
	ippyo_manifest_free(again);
	again = NULL;
	g_assert_cmpint(ippyo_manifest_parse(&again, b, len, IPPYO_MANIFEST_SEALED), ==,
	    IPPYO_ERR_BAD_MANIFEST);
	g_assert_null(again);

	/* Accessors. */
	g_assert_cmpstr(ippyo_manifest_election_id(draft), ==, "2027-tsukuba-mayor");
	g_assert_cmpstr(ippyo_manifest_title(draft, "ja"), ==, "2027年つくば市長選挙");
	g_assert_cmpstr(ippyo_manifest_title(draft, "en"), ==, "Tsukuba mayoral election 2027");
	g_assert_null(ippyo_manifest_title(draft, "fr"));
	g_assert_cmpuint(ippyo_manifest_contests(draft), ==, 2);
	g_assert_cmpuint(ippyo_manifest_options(draft, 1), ==, 4);
	g_assert_cmpuint(ippyo_manifest_contest_max(draft, 1), ==, 2);
	g_assert_cmpstr(ippyo_manifest_option_id(draft, 1, 3), ==, "o3");
	g_assert_cmpstr(ippyo_manifest_option_title(draft, 1, 3, "en"), ==, "Candidate \"quoted\" \\ ok");
	g_assert_null(ippyo_manifest_option_id(draft, 2, 0));
	g_assert_cmpuint(ippyo_manifest_total_options(draft), ==, 7);
	{
		size_t c, o;

		g_assert_cmpint(ippyo_manifest_contest_index(draft, "c1", &c), ==, 0);
		g_assert_cmpuint(c, ==, 1);
		g_assert_cmpint(ippyo_manifest_option_index(draft, c, "o2", &o), ==, 0);
		g_assert_cmpuint(o, ==, 2);
		g_assert_cmpint(ippyo_manifest_option_index(draft, c, "o9", &o), ==, IPPYO_ERR_NOT_FOUND);
		g_assert_cmpint(ippyo_manifest_option_index(draft, 5, "o1", &o), ==, IPPYO_ERR_NOT_FOUND);
		g_assert_cmpint(ippyo_manifest_contest_index(draft, "c2", &c), ==, IPPYO_ERR_NOT_FOUND);
	}
	g_assert_cmpuint(ippyo_manifest_trustees_n(draft), ==, 3);
	g_assert_cmpuint(ippyo_manifest_trustees_t(draft), ==, 2);
	g_assert_cmpuint(ippyo_manifest_roll_count(draft), ==, 1000);
	g_assert_cmpuint(ippyo_manifest_jpki_ca_count(draft), ==, 2);
	g_assert_null(ippyo_manifest_election_key_point(draft));

	/* Sealed: round trip, hashes, draft recovered. */
	sealed = fx_sealed("2027-tsukuba-mayor", two, 2);
	g_assert_true(ippyo_manifest_is_sealed(sealed));
	b2 = ippyo_manifest_bytes(sealed, &len2);
	g_test_message("sealed: %.*s", (int)len2, b2);
	g_assert_cmpint(ippyo_manifest_parse(&sealed2, b2, len2, IPPYO_MANIFEST_ANY), ==, 0);
	g_assert_cmpmem(ippyo_manifest_bytes(sealed2, &len), len, b2, len2);
	g_assert_cmpint(ippyo_manifest_election_hash(sealed, h), ==, 0);
	sha256_tagged("ippyo/v1/election-base-hash", b2, len2, want);
	g_assert_cmpmem(h, 32, want, 32);
	g_assert_cmpint(ippyo_manifest_draft_bytes(sealed, &db, &dlen), ==, 0);
	b = ippyo_manifest_bytes(draft, &len);
	g_assert_cmpmem(db, dlen, b, len);
	ippyo_manifest_draft_hash(draft, dh);
	ippyo_manifest_draft_hash(sealed, dh2);
	g_assert_cmpmem(dh, 32, dh2, 32);
	sha256_tagged("ippyo/v1/election-draft-hash", b, len, want);
	g_assert_cmpmem(dh, 32, want, 32);
	g_assert_nonnull(ippyo_manifest_trustee_key(sealed, 1));
	g_assert_nonnull(ippyo_manifest_trustee_key(sealed, 3));
	g_assert_null(ippyo_manifest_trustee_key(sealed, 0));
	g_assert_null(ippyo_manifest_trustee_key(sealed, 4));
	g_assert_cmpuint(ippyo_manifest_ceremony_hash(sealed)[0], ==, 0xce);
	/* A sealed manifest cannot be sealed again. */
	ippyo_manifest_free(again);
	again = NULL;
	g_assert_cmpint(ippyo_manifest_seal(&again, sealed, ippyo_manifest_election_key_point(sealed),
	    NULL, 3, want), ==, IPPYO_ERR_INVALID_ARGUMENT);

	OPENSSL_free(db);
	ippyo_manifest_free(draft);
	ippyo_manifest_free(sealed);
	ippyo_manifest_free(sealed2);
}

/* ---- malformed manifests ---- */

typedef void (*mutator)(json_t *root);

static json_t *
contest0(json_t *root)
{
	return json_array_get(json_object_get(root, "contests"), 0);
}

static void m_unknown_top(json_t *r) { json_object_set_new(r, "colour", json_string("red")); }
static void m_unknown_nested(json_t *r) { json_object_set_new(contest0(r), "colour", json_integer(1)); }
static void m_unknown_title(json_t *r) { json_object_set_new(json_object_get(r, "title"), "fr", json_string("x")); }
static void m_float(json_t *r) { json_object_set_new(contest0(r), "min", json_real(1.0)); }
static void m_float_version(json_t *r) { json_object_set_new(r, "version", json_real(1.0)); }
static void m_string_int(json_t *r) { json_object_set_new(contest0(r), "max", json_string("1")); }
static void m_negative(json_t *r) { json_object_set_new(contest0(r), "min", json_integer(-1)); }
static void m_min_gt_max(json_t *r) { json_object_set_new(contest0(r), "min", json_integer(2)); }
static void m_max_zero(json_t *r) { json_object_set_new(contest0(r), "max", json_integer(0)); json_object_set_new(contest0(r), "min", json_integer(0)); }
static void m_max_gt_options(json_t *r) { json_object_set_new(contest0(r), "max", json_integer(4)); }
static void m_missing_poll(json_t *r) { json_object_del(r, "poll"); }
static void m_missing_title_en(json_t *r) { json_object_del(json_object_get(r, "title"), "en"); }
static void m_missing_min(json_t *r) { json_object_del(contest0(r), "min"); }
static void m_partial_seal(json_t *r) { json_object_del(r, "ceremony_hash"); }
static void m_version2(json_t *r) { json_object_set_new(r, "version", json_integer(2)); }
static void m_bad_id(json_t *r) { json_object_set_new(r, "election_id", json_string("Tsukuba Mayor")); }
static void m_empty_id(json_t *r) { json_object_set_new(r, "election_id", json_string("")); }
static void m_dup_contest(json_t *r) { json_object_set_new(json_array_get(json_object_get(r, "contests"), 1), "id", json_string("c0")); }
static void m_dup_option(json_t *r) { json_object_set_new(json_array_get(json_object_get(contest0(r), "options"), 1), "id", json_string("o0")); }
static void m_title_newline(json_t *r) { json_object_set_new(json_object_get(r, "title"), "ja", json_string("選挙\n")); }
static void m_bad_time(json_t *r) { json_object_set_new(json_object_get(r, "poll"), "opens", json_string("2027-02-29T00:00:00Z")); }
static void m_time_order(json_t *r) { json_object_set_new(json_object_get(r, "poll"), "closes", json_string("2027-04-18T22:00:00Z")); }
static void m_time_offset(json_t *r) { json_object_set_new(json_object_get(r, "poll"), "opens", json_string("2027-04-18T22:00:00+09:00")); }
static void m_t_gt_n(json_t *r) { json_object_set_new(json_object_get(r, "trustees"), "t", json_integer(4)); }
static void m_n_zero(json_t *r) { json_object_set_new(json_object_get(r, "trustees"), "n", json_integer(0)); }
static void m_url(json_t *r) { json_object_set_new(json_object_get(r, "chain"), "url", json_string("ftp://x")); }
static void m_vkey(json_t *r) { json_object_set_new(json_object_get(r, "chain"), "vkey", json_string("name+0A1B2C3D+AAAA")); }
static void m_origin_space(json_t *r) { json_object_set_new(json_object_get(r, "chain"), "origin", json_string("vote example")); }
static void m_no_contests(json_t *r) { json_object_set_new(r, "contests", json_array()); }
static void m_contests_object(json_t *r) { json_object_set_new(r, "contests", json_object()); }
static void m_roll_hash_upper(json_t *r) { json_object_set_new(json_object_get(r, "roll"), "sha256", json_string("ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB")); }
static void m_roll_zero(json_t *r) { json_object_set_new(json_object_get(r, "roll"), "count", json_integer(0)); }
static void m_dup_ca(json_t *r) { json_array_append(json_object_get(r, "jpki_ca"), json_array_get(json_object_get(r, "jpki_ca"), 0)); }
static void m_officials_short(json_t *r) { json_object_set_new(r, "officials_key", json_string("AAAA")); }
static void m_trustee_keys_count(json_t *r) { json_array_remove(json_object_get(r, "trustee_keys"), 0); }

static void
set_point_bytes(json_t *r, const char *key, const uint8_t *raw, size_t len)
{
	char *s = NULL;

	g_assert_cmpint(ippyo_b64url_encode(raw, len, &s), ==, 0);
	json_object_set_new(r, key, json_string(s));
	OPENSSL_free(s);
}

static void
m_point_prefix(json_t *r)
{
	uint8_t raw[33];

	g_assert_cmpint(ippyo_b64url_decode_exact(json_string_value(json_object_get(r,
	    "election_key")), raw, 33), ==, 0);
	raw[0] = 0x04;
	set_point_bytes(r, "election_key", raw, 33);
}

static void
m_point_off_curve(json_t *r)
{
	uint8_t raw[33];

	/* x = 1: x³ − 3x + b is not a square mod p, so no point has it. */
	memset(raw, 0, 33);
	raw[0] = 0x02;
	raw[32] = 1;
	set_point_bytes(r, "election_key", raw, 33);
}

static void
m_point_short(json_t *r)
{
	uint8_t raw[32];

	memset(raw, 7, 32);
	set_point_bytes(r, "election_key", raw, 32);
}

static void
m_too_many_options(json_t *r)
{
	json_t *opts = json_object_get(contest0(r), "options");
	size_t i;
	char id[16];

	for (i = json_array_size(opts); i < 101; i++) {
		json_t *o = json_deep_copy(json_array_get(opts, 0));

		g_snprintf(id, sizeof(id), "x%zu", i);
		json_object_set_new(o, "id", json_string(id));
		json_array_append_new(opts, o);
	}
}

static void
m_ballot_too_big(json_t *r)
{
	json_t *opts = json_object_get(contest0(r), "options");
	size_t i;
	char id[16];

	/* 100 options, up to 100 selected: a 13 KB contest proof and 44 KB of selections. */
	for (i = json_array_size(opts); i < 100; i++) {
		json_t *o = json_deep_copy(json_array_get(opts, 0));

		g_snprintf(id, sizeof(id), "x%zu", i);
		json_object_set_new(o, "id", json_string(id));
		json_array_append_new(opts, o);
	}
	json_object_set_new(contest0(r), "max", json_integer(100));
}

static void
m_too_many_contests(json_t *r)
{
	json_t *cs = json_object_get(r, "contests");
	size_t i;
	char id[16];

	for (i = json_array_size(cs); i < 51; i++) {
		json_t *c = json_deep_copy(json_array_get(cs, 0));

		g_snprintf(id, sizeof(id), "k%zu", i);
		json_object_set_new(c, "id", json_string(id));
		json_array_append_new(cs, c);
	}
}

static const struct {
	const char *name;
	mutator fn;
	int want;
} mutations[] = {
	{ "unknown-top", m_unknown_top, IPPYO_ERR_JSON_SCHEMA },
	{ "unknown-nested", m_unknown_nested, IPPYO_ERR_JSON_SCHEMA },
	{ "unknown-title-lang", m_unknown_title, IPPYO_ERR_JSON_SCHEMA },
	{ "float", m_float, IPPYO_ERR_JSON_SCHEMA },
	{ "float-version", m_float_version, IPPYO_ERR_JSON_SCHEMA },
	{ "string-for-int", m_string_int, IPPYO_ERR_JSON_SCHEMA },
	{ "negative", m_negative, IPPYO_ERR_BAD_MANIFEST },
	{ "min-gt-max", m_min_gt_max, IPPYO_ERR_BAD_MANIFEST },
	{ "max-zero", m_max_zero, IPPYO_ERR_BAD_MANIFEST },
	{ "max-gt-options", m_max_gt_options, IPPYO_ERR_BAD_MANIFEST },
	{ "missing-poll", m_missing_poll, IPPYO_ERR_JSON_SCHEMA },
	{ "missing-title-en", m_missing_title_en, IPPYO_ERR_JSON_SCHEMA },
	{ "missing-min", m_missing_min, IPPYO_ERR_JSON_SCHEMA },
	{ "partially-sealed", m_partial_seal, IPPYO_ERR_BAD_MANIFEST },
	{ "version-2", m_version2, IPPYO_ERR_BAD_VERSION },
	{ "bad-id", m_bad_id, IPPYO_ERR_BAD_MANIFEST },
	{ "empty-id", m_empty_id, IPPYO_ERR_BAD_MANIFEST },
	{ "duplicate-contest-id", m_dup_contest, IPPYO_ERR_BAD_MANIFEST },
	{ "duplicate-option-id", m_dup_option, IPPYO_ERR_BAD_MANIFEST },
	{ "title-control-char", m_title_newline, IPPYO_ERR_BAD_MANIFEST },
	{ "bad-date", m_bad_time, IPPYO_ERR_BAD_MANIFEST },
	{ "closes-before-opens", m_time_order, IPPYO_ERR_BAD_MANIFEST },
	{ "time-offset", m_time_offset, IPPYO_ERR_BAD_MANIFEST },
	{ "t-gt-n", m_t_gt_n, IPPYO_ERR_BAD_THRESHOLD },
	{ "n-zero", m_n_zero, IPPYO_ERR_BAD_THRESHOLD },
	{ "url-scheme", m_url, IPPYO_ERR_BAD_MANIFEST },
	{ "vkey-shape", m_vkey, IPPYO_ERR_BAD_MANIFEST },
	{ "origin-space", m_origin_space, IPPYO_ERR_BAD_MANIFEST },
	{ "no-contests", m_no_contests, IPPYO_ERR_LIMIT },
	{ "contests-object", m_contests_object, IPPYO_ERR_JSON_SCHEMA },
	{ "roll-hash-upper", m_roll_hash_upper, IPPYO_ERR_BAD_ENCODING },
	{ "roll-count-zero", m_roll_zero, IPPYO_ERR_BAD_MANIFEST },
	{ "duplicate-ca", m_dup_ca, IPPYO_ERR_BAD_MANIFEST },
	{ "officials-key-short", m_officials_short, IPPYO_ERR_BAD_ENCODING },
	{ "trustee-keys-count", m_trustee_keys_count, IPPYO_ERR_BAD_MANIFEST },
	{ "point-prefix", m_point_prefix, IPPYO_ERR_POINT_FORMAT },
	{ "point-off-curve", m_point_off_curve, IPPYO_ERR_POINT_NOT_ON_CURVE },
	{ "point-short", m_point_short, IPPYO_ERR_BAD_ENCODING },
	{ "too-many-options", m_too_many_options, IPPYO_ERR_LIMIT },
	{ "too-many-contests", m_too_many_contests, IPPYO_ERR_LIMIT },
	{ "ballot-too-big", m_ballot_too_big, IPPYO_ERR_LIMIT },
};

static void
test_malformed(void)
{
	ippyo_manifest *sealed = fx_sealed("2027-tsukuba-mayor", two, 2), *m = NULL;
	const uint8_t *b;
	size_t len, i;

	b = ippyo_manifest_bytes(sealed, &len);
	for (i = 0; i < G_N_ELEMENTS(mutations); i++) {
		json_t *root = json_loadb((const char *)b, len, JSON_REJECT_DUPLICATES, NULL);
		char *s;

		g_assert_nonnull(root);
		mutations[i].fn(root);
		s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
		g_assert_nonnull(s);
		g_test_message("%s", mutations[i].name);
		g_assert_cmpint(ippyo_manifest_parse(&m, (const uint8_t *)s, strlen(s),
		    IPPYO_MANIFEST_ANY), ==, mutations[i].want);
		g_assert_null(m);
		free(s);
		json_decref(root);
	}
	ippyo_manifest_free(sealed);
}

static void
expect_text(const ippyo_manifest *sealed, const char *text, int want)
{
	ippyo_manifest *m = NULL;

	g_assert_cmpint(ippyo_manifest_parse(&m, (const uint8_t *)text, strlen(text),
	    IPPYO_MANIFEST_ANY), ==, want);
	g_assert_null(m);
}

static void
test_malformed_text(void)
{
	ippyo_manifest *sealed = fx_sealed("2027-tsukuba-mayor", two, 2);
	const uint8_t *b;
	size_t len;
	GString *s;
	char *p;

	b = ippyo_manifest_bytes(sealed, &len);
	/* Duplicate key. */
	s = g_string_new_len((const char *)b, (gssize)len);
	g_string_insert(s, 1, "\"version\":1,");
	expect_text(sealed, s->str, IPPYO_ERR_JSON);
	g_string_free(s, TRUE);
	/* Whitespace: not canonical. */
	s = g_string_new_len((const char *)b, (gssize)len);
	g_string_insert(s, 1, " ");
	expect_text(sealed, s->str, IPPYO_ERR_NOT_CANONICAL);
	g_string_free(s, TRUE);
	/* Trailing bytes. */
	s = g_string_new_len((const char *)b, (gssize)len);
	g_string_append(s, "\n");
	expect_text(sealed, s->str, IPPYO_ERR_NOT_CANONICAL);
	g_string_append(s, "{}");
	expect_text(sealed, s->str, IPPYO_ERR_JSON);
	g_string_free(s, TRUE);
	/* An escaped character that need not be: not canonical. */
	s = g_string_new_len((const char *)b, (gssize)len);
	p = strstr(s->str, "\"c0\"");
	g_assert_nonnull(p);
	g_string_erase(s, p - s->str + 1, 1);
	g_string_insert(s, p - s->str + 1, "\\u0063");
	expect_text(sealed, s->str, IPPYO_ERR_NOT_CANONICAL);
	g_string_free(s, TRUE);
	/* Keys out of order. */
	expect_text(sealed, "{\"version\":1,\"chain\":{}}", IPPYO_ERR_NOT_CANONICAL);
	/* Integer forms. */
	expect_text(sealed, "{\"version\":1.0}", IPPYO_ERR_JSON_SCHEMA);
	expect_text(sealed, "{\"version\":1e0}", IPPYO_ERR_NOT_CANONICAL);
	expect_text(sealed, "{\"version\":-0}", IPPYO_ERR_NOT_CANONICAL);
	expect_text(sealed, "{\"version\":01}", IPPYO_ERR_JSON);
	/* Not an object, empty, NUL. */
	expect_text(sealed, "[]", IPPYO_ERR_JSON_SCHEMA);
	expect_text(sealed, "", IPPYO_ERR_JSON);
	expect_text(sealed, "{\"a\":\"\\u0000\"}", IPPYO_ERR_JSON);
	ippyo_manifest_free(sealed);
}

static void
test_spec_errors(void)
{
	ippyo_manifest_spec s;
	ippyo_manifest *m = NULL;
	static const fx_contest over[] = { { 2, 1, 3 } };
	static const fx_contest many[] = { { 0, 1, 16 } };

	fx_spec(&s, "e", over, 1);
	g_assert_cmpint(ippyo_manifest_new_draft(&m, &s), ==, IPPYO_ERR_BAD_MANIFEST);
	g_assert_null(m);
	fx_spec(&s, "e", many, 1);
	s.title_en = NULL;
	g_assert_cmpint(ippyo_manifest_new_draft(&m, &s), ==, IPPYO_ERR_INVALID_ARGUMENT);
	fx_spec(&s, "e", many, 1);
	s.title_ja = "\xff\xfe";
	g_assert_cmpint(ippyo_manifest_new_draft(&m, &s), ==, IPPYO_ERR_INVALID_ARGUMENT);
	fx_spec(&s, "e", many, 1);
	s.n_jpki_ca = 0;     /* a manifest names at least one JPKI CA */
	g_assert_cmpint(ippyo_manifest_new_draft(&m, &s), ==, IPPYO_ERR_BAD_MANIFEST);
	fx_spec(&s, "e", many, 1);
	g_assert_cmpint(ippyo_manifest_new_draft(&m, &s), ==, 0);
	ippyo_manifest_free(m);
}

/* ---- roll ---- */

static void
test_roll(void)
{
	uint8_t fps[5][32], *b = NULL, h[32];
	ippyo_roll *roll = NULL;
	size_t len = 0, i;
	char *copy;

	for (i = 0; i < 4; i++)
		g_assert_cmpint(ippyo_sha256(&i, sizeof(i), fps[i]), ==, 0);
	memcpy(fps[4], fps[1], 32);                       /* a repeat */
	g_assert_cmpint(ippyo_roll_build((const uint8_t (*)[32])fps, 5, &b, &len), ==, 0);
	g_assert_cmpuint(len, ==, 4 * 65);
	g_assert_cmpint(ippyo_roll_parse(&roll, b, len), ==, 0);
	g_assert_cmpuint(ippyo_roll_count(roll), ==, 4);
	for (i = 0; i < 4; i++)
		g_assert_true(ippyo_roll_contains(roll, fps[i]));
	for (i = 1; i < 4; i++)
		g_assert_cmpint(memcmp(ippyo_roll_entry(roll, i - 1), ippyo_roll_entry(roll, i), 32), <, 0);
	memset(h, 0x5a, 32);
	g_assert_false(ippyo_roll_contains(roll, h));
	g_assert_cmpint(ippyo_sha256(b, len, h), ==, 0);
	g_assert_cmpmem(ippyo_roll_hash(roll), 32, h, 32);
	ippyo_roll_free(roll);
	roll = NULL;

	/* Every malformed form is refused. */
	copy = g_memdup2(b, len);
	copy[3] = (char)g_ascii_toupper(copy[3]) == copy[3] ? 'g' : (char)g_ascii_toupper(copy[3]);
	g_assert_cmpint(ippyo_roll_parse(&roll, (uint8_t *)copy, len), ==, IPPYO_ERR_BAD_ROLL);
	memcpy(copy, b, len);
	copy[64] = '\r';
	g_assert_cmpint(ippyo_roll_parse(&roll, (uint8_t *)copy, len), ==, IPPYO_ERR_BAD_ROLL);
	g_assert_cmpint(ippyo_roll_parse(&roll, b, len - 1), ==, IPPYO_ERR_BAD_ROLL);
	/* Swapped lines: not sorted. */
	memcpy(copy, b + 65, 65);
	memcpy(copy + 65, b, 65);
	memcpy(copy + 130, b + 130, len - 130);
	g_assert_cmpint(ippyo_roll_parse(&roll, (uint8_t *)copy, len), ==, IPPYO_ERR_BAD_ROLL);
	/* A repeated line. */
	memcpy(copy, b, len);
	memcpy(copy + 65, b, 65);
	g_assert_cmpint(ippyo_roll_parse(&roll, (uint8_t *)copy, len), ==, IPPYO_ERR_BAD_ROLL);
	g_assert_cmpint(ippyo_roll_parse(&roll, b, 0), ==, IPPYO_ERR_BAD_ROLL);
	g_assert_null(roll);
	g_free(copy);
	OPENSSL_free(b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/manifest/round-trip", test_round_trip);
	g_test_add_func("/ippyo/manifest/malformed", test_malformed);
	g_test_add_func("/ippyo/manifest/malformed-text", test_malformed_text);
	g_test_add_func("/ippyo/manifest/spec-errors", test_spec_errors);
	g_test_add_func("/ippyo/manifest/roll", test_roll);
	return g_test_run();
}
