/* ippyo — the encrypted ballot. */
#include "ballot.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../crypto/batch.h"
#include "../encoding.h"
#include "../error.h"
#include "json.h"

/* ---- choices ---- */

struct ippyo_choices {
	size_t n_contests;
	size_t *n_options;
	uint8_t **sel;          /* sel[c][o] is 0 or 1 */
};

void
ippyo_choices_free(ippyo_choices *ch)
{
	size_t c;

	if (ch == NULL)
		return;
	for (c = 0; c < ch->n_contests && ch->sel != NULL; c++) {
		if (ch->sel[c] != NULL)
			OPENSSL_clear_free(ch->sel[c], ch->n_options[c]);
	}
	OPENSSL_free(ch->sel);
	OPENSSL_free(ch->n_options);
	OPENSSL_free(ch);
}

static ippyo_choices *
choices_alloc(size_t n_contests, const size_t *n_options)
{
	ippyo_choices *ch;
	size_t c;

	if ((ch = OPENSSL_zalloc(sizeof(*ch))) == NULL)
		return NULL;
	if ((ch->n_options = OPENSSL_zalloc(n_contests * sizeof(size_t))) == NULL ||
	    (ch->sel = OPENSSL_zalloc(n_contests * sizeof(uint8_t *))) == NULL) {
		ippyo_choices_free(ch);
		return NULL;
	}
	ch->n_contests = n_contests;
	for (c = 0; c < n_contests; c++) {
		ch->n_options[c] = n_options[c];
		if ((ch->sel[c] = OPENSSL_zalloc(n_options[c] + 1)) == NULL) {
			ippyo_choices_free(ch);
			return NULL;
		}
	}
	return ch;
}

ippyo_choices *
ippyo_choices_new(const ippyo_manifest *m)
{
	size_t n = ippyo_manifest_contests(m), c, opts[IPPYO_MANIFEST_MAX_CONTESTS];

	if (n == 0 || n > IPPYO_MANIFEST_MAX_CONTESTS)
		return NULL;
	for (c = 0; c < n; c++)
		opts[c] = ippyo_manifest_options(m, c);
	return choices_alloc(n, opts);
}

ippyo_choices *
ippyo_choices_dup(const ippyo_choices *src)
{
	ippyo_choices *ch;
	size_t c;

	if ((ch = choices_alloc(src->n_contests, src->n_options)) == NULL)
		return NULL;
	for (c = 0; c < src->n_contests; c++)
		memcpy(ch->sel[c], src->sel[c], src->n_options[c]);
	return ch;
}

int
ippyo_choices_set(ippyo_choices *ch, size_t contest, size_t option, int selected)
{
	if (contest >= ch->n_contests || option >= ch->n_options[contest])
		return IPPYO_ERR_BAD_OPTION;
	ch->sel[contest][option] = selected ? 1 : 0;
	return 0;
}

int
ippyo_choices_get(const ippyo_choices *ch, size_t contest, size_t option)
{
	if (contest >= ch->n_contests || option >= ch->n_options[contest])
		return 0;
	return ch->sel[contest][option];
}

size_t
ippyo_choices_count(const ippyo_choices *ch, size_t contest)
{
	size_t o, n = 0;

	if (contest >= ch->n_contests)
		return 0;
	for (o = 0; o < ch->n_options[contest]; o++)
		n += ch->sel[contest][o];
	return n;
}

size_t
ippyo_choices_contests(const ippyo_choices *ch)
{
	return ch->n_contests;
}

size_t
ippyo_choices_options(const ippyo_choices *ch, size_t contest)
{
	return contest < ch->n_contests ? ch->n_options[contest] : 0;
}

int
ippyo_choices_check(const ippyo_choices *ch, const ippyo_manifest *m, size_t *bad_contest)
{
	size_t c, count;

	if (bad_contest != NULL)
		*bad_contest = 0;
	if (ch->n_contests != ippyo_manifest_contests(m))
		return IPPYO_ERR_BALLOT_SHAPE;
	for (c = 0; c < ch->n_contests; c++) {
		if (ch->n_options[c] != ippyo_manifest_options(m, c)) {
			if (bad_contest != NULL)
				*bad_contest = c;
			return IPPYO_ERR_BALLOT_SHAPE;
		}
	}
	for (c = 0; c < ch->n_contests; c++) {
		count = ippyo_choices_count(ch, c);
		if (count > ippyo_manifest_contest_max(m, c) ||
		    count < ippyo_manifest_contest_min(m, c)) {
			if (bad_contest != NULL)
				*bad_contest = c;
			return count > ippyo_manifest_contest_max(m, c) ?
			    IPPYO_ERR_OVERVOTE : IPPYO_ERR_UNDERVOTE;
		}
	}
	return 0;
}

/* ---- ballots ---- */

struct bcontest {
	size_t n_options;
	uint32_t min;
	uint32_t max;
	ippyo_ciphertext **ct;
	ippyo_range_proof **proof;
	ippyo_range_proof *contest_proof;
	ippyo_ciphertext *sum;
};

struct ippyo_ballot {
	uint8_t *bytes;
	size_t len;
	uint8_t election_hash[IPPYO_HASH_BYTES];
	uint8_t voter[IPPYO_BINDING_BYTES];
	uint8_t tracking[IPPYO_TRACKING_CODE_BYTES];
	size_t n_contests;
	struct bcontest *contests;
};

static const char *const ballot_keys[] = {
	"contests", "election_hash", "election_id", "version", "voter", NULL
};
static const char *const bcontest_keys[] = { "proof", "selections", NULL };

void
ippyo_ballot_free(ippyo_ballot *b)
{
	size_t c, o;

	if (b == NULL)
		return;
	for (c = 0; c < b->n_contests && b->contests != NULL; c++) {
		struct bcontest *bc = &b->contests[c];

		for (o = 0; o < bc->n_options; o++) {
			if (bc->ct != NULL)
				ippyo_ciphertext_free(bc->ct[o]);
			if (bc->proof != NULL)
				ippyo_range_proof_free(bc->proof[o]);
		}
		OPENSSL_free(bc->ct);
		OPENSSL_free(bc->proof);
		ippyo_range_proof_free(bc->contest_proof);
		ippyo_ciphertext_free(bc->sum);
	}
	OPENSSL_free(b->contests);
	OPENSSL_free(b->bytes);
	OPENSSL_free(b);
}

static size_t
b64len(size_t n)
{
	return ippyo_b64url_encoded_len(n);
}

size_t
ippyo_ballot_size_for(const ippyo_manifest *m)
{
	size_t c, n, size, ps;

	/* {"contests":[ ... ],"election_hash":"<64>","election_id":"<id>","version":1,"voter":"<64>"} */
	size = strlen("{\"contests\":[") + strlen("],\"election_hash\":\"") + 64 +
	    strlen("\",\"election_id\":\"") + strlen(ippyo_manifest_election_id(m)) +
	    strlen("\",\"version\":1,\"voter\":\"") + 64 + strlen("\"}");
	n = ippyo_manifest_contests(m);
	if (n == 0)
		return 0;
	size += n - 1;                                   /* commas between contests */
	for (c = 0; c < n; c++) {
		size_t no = ippyo_manifest_options(m, c);

		if ((ps = ippyo_range_proof_size(ippyo_manifest_contest_min(m, c),
		    ippyo_manifest_contest_max(m, c))) == 0 || no == 0)
			return 0;
		/* {"proof":"<b64>","selections":["<b64>",...]} */
		size += strlen("{\"proof\":\"") + b64len(ps) + strlen("\",\"selections\":[") +
		    no * (b64len(IPPYO_SELECTION_BYTES) + 2) + (no - 1) + strlen("]}");
	}
	return size;
}

static int
check_election(const json_t *root, const ippyo_manifest *m, uint8_t election_hash[32])
{
	const char *id;
	size_t len;
	uint8_t want[IPPYO_HASH_BYTES];
	int r;

	if ((r = ippyo_json_get_string(root, "election_id", IPPYO_ID_MAX, &id, &len)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_WRONG_ELECTION : r;
	if ((r = ippyo_json_get_hex(root, "election_hash", election_hash, IPPYO_HASH_BYTES)) != 0)
		return r;
	if ((r = ippyo_manifest_election_hash(m, want)) != 0)
		return r;
	if (strcmp(id, ippyo_manifest_election_id(m)) != 0 ||
	    memcmp(election_hash, want, IPPYO_HASH_BYTES) != 0)
		return IPPYO_ERR_WRONG_ELECTION;
	return 0;
}

static int
check_version(const json_t *root, uint64_t want)
{
	uint64_t v;
	int r;

	if ((r = ippyo_json_get_uint(root, "version", 0, IPPYO_JSON_INT_MAX, &v)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_VERSION : r;
	return v == want ? 0 : IPPYO_ERR_BAD_VERSION;
}

static int
parse_bcontest(struct bcontest *bc, const json_t *jc, const ippyo_manifest *m, size_t c)
{
	json_t *sels, *v;
	uint8_t raw[IPPYO_SELECTION_BYTES];
	uint8_t *praw = NULL;
	size_t o, plen;
	int r;

	bc->min = ippyo_manifest_contest_min(m, c);
	bc->max = ippyo_manifest_contest_max(m, c);
	if ((r = ippyo_json_check_keys(jc, bcontest_keys, bcontest_keys)) != 0)
		return r;
	if (!json_is_array(sels = json_object_get(jc, "selections")))
		return IPPYO_ERR_JSON_SCHEMA;
	if (json_array_size(sels) != ippyo_manifest_options(m, c))
		return IPPYO_ERR_BALLOT_SHAPE;
	if ((bc->ct = OPENSSL_zalloc(json_array_size(sels) * sizeof(*bc->ct))) == NULL ||
	    (bc->proof = OPENSSL_zalloc(json_array_size(sels) * sizeof(*bc->proof))) == NULL)
		return IPPYO_ERR_ALLOC;
	bc->n_options = json_array_size(sels);
	if ((bc->sum = ippyo_ciphertext_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	json_array_foreach(sels, o, v) {
		if ((r = ippyo_json_b64_exact(v, raw, sizeof(raw))) != 0)
			return r;
		if ((bc->ct[o] = ippyo_ciphertext_new()) == NULL ||
		    (bc->proof[o] = ippyo_range_proof_new(0, 1)) == NULL)
			return IPPYO_ERR_ALLOC;
		if ((r = ippyo_ciphertext_parse(bc->ct[o], raw, IPPYO_CIPHERTEXT_BYTES)) != 0 ||
		    (r = ippyo_range_proof_parse(bc->proof[o], raw + IPPYO_CIPHERTEXT_BYTES,
		    IPPYO_SELECTION_PROOF_BYTES)) != 0 ||
		    (r = ippyo_ciphertext_add(bc->sum, bc->sum, bc->ct[o])) != 0)
			return r;
	}
	if ((plen = ippyo_range_proof_size(bc->min, bc->max)) == 0)
		return IPPYO_ERR_INTERNAL;
	if ((bc->contest_proof = ippyo_range_proof_new(bc->min, bc->max)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((praw = OPENSSL_malloc(plen)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_json_get_b64_exact(jc, "proof", praw, plen)) == 0)
		r = ippyo_range_proof_parse(bc->contest_proof, praw, plen);
	OPENSSL_free(praw);
	return r;
}

int
ippyo_ballot_parse(ippyo_ballot **out, const ippyo_manifest *m, const uint8_t *in, size_t len)
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	if (!ippyo_manifest_is_sealed(m))
		return IPPYO_ERR_BAD_MANIFEST;
	if ((r = ippyo_json_load_canonical(&root, in, len, IPPYO_BALLOT_MAX_BYTES)) != 0)
		return r;
	r = ippyo_ballot_parse_tree(out, m, root, in, len);
	json_decref(root);
	return r;
}

int
ippyo_ballot_parse_tree(ippyo_ballot **out, const ippyo_manifest *m, const json_t *root,
    const uint8_t *in, size_t len)
{
	ippyo_ballot *b = NULL;
	json_t *arr, *v;
	size_t c;
	int r;

	*out = NULL;
	if (!ippyo_manifest_is_sealed(m))
		return IPPYO_ERR_BAD_MANIFEST;
	if (root == NULL || in == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (len > IPPYO_BALLOT_MAX_BYTES)
		return IPPYO_ERR_LIMIT;
	if ((r = ippyo_json_check_keys(root, ballot_keys, ballot_keys)) != 0 ||
	    (r = check_version(root, IPPYO_BALLOT_VERSION)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((b = OPENSSL_zalloc(sizeof(*b))) == NULL)
		goto out;
	if ((r = check_election(root, m, b->election_hash)) != 0 ||
	    (r = ippyo_json_get_hex(root, "voter", b->voter, sizeof(b->voter))) != 0)
		goto out;
	r = IPPYO_ERR_JSON_SCHEMA;
	if (!json_is_array(arr = json_object_get(root, "contests")))
		goto out;
	r = IPPYO_ERR_BALLOT_SHAPE;
	if (json_array_size(arr) != ippyo_manifest_contests(m))
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((b->contests = OPENSSL_zalloc(json_array_size(arr) * sizeof(*b->contests))) == NULL)
		goto out;
	b->n_contests = json_array_size(arr);
	json_array_foreach(arr, c, v) {
		if ((r = parse_bcontest(&b->contests[c], v, m, c)) != 0)
			goto out;
	}
	/* Every field has a fixed size: a canonical ballot has exactly this length. */
	r = IPPYO_ERR_INTERNAL;
	if (len != ippyo_manifest_ballot_size(m))
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((b->bytes = OPENSSL_malloc(len + 1)) == NULL)
		goto out;
	memcpy(b->bytes, in, len);
	b->bytes[len] = '\0';
	b->len = len;
	if ((r = ippyo_tracking_code(in, len, b->tracking)) != 0)
		goto out;
	*out = b;
	b = NULL;
	r = 0;
out:
	ippyo_ballot_free(b);
	return r;
}

static void
statement(ippyo_proof_statement *st, const ippyo_election_key *key, const uint8_t *h_e,
    const uint8_t *voter, uint32_t contest, uint32_t option, uint32_t min, uint32_t max,
    const ippyo_ciphertext *ct)
{
	memset(st, 0, sizeof(*st));
	st->key = key;
	memcpy(st->election_hash, h_e, IPPYO_BINDING_BYTES);
	memcpy(st->voter_binding, voter, IPPYO_BINDING_BYTES);
	st->contest = contest;
	st->option = option;
	st->min = min;
	st->max = max;
	st->ct = ct;
}

static int
check_key(const ippyo_manifest *m, const ippyo_election_key *key)
{
	int eq;

	if (!ippyo_manifest_is_sealed(m))
		return IPPYO_ERR_BAD_MANIFEST;
	eq = ippyo_point_eq(ippyo_election_key_point(key), ippyo_manifest_election_key_point(m));
	if (eq < 0)
		return eq;
	return eq ? 0 : IPPYO_ERR_INVALID_ARGUMENT;
}

int
ippyo_ballot_build(ippyo_ballot **out, const ippyo_manifest *m, const ippyo_election_key *key,
    const ippyo_choices *choices, const uint8_t seed[IPPYO_SEED_BYTES],
    const uint8_t voter[IPPYO_BINDING_BYTES])
{
	ippyo_seed_context sc;
	ippyo_proof_statement st;
	ippyo_ciphertext *ct = NULL, *sum = NULL;
	ippyo_range_proof *proof = NULL;
	ippyo_scalar *rnd = NULL, *rsum = NULL;
	json_t *root = NULL, *contests, *jc, *sels;
	uint8_t raw[IPPYO_SELECTION_BYTES], *praw = NULL, *bytes = NULL;
	uint8_t h_e[IPPYO_HASH_BYTES];
	size_t c, o, plen = 0, len = 0;
	uint32_t min, max;
	int r;

	*out = NULL;
	memset(&sc, 0, sizeof(sc));
	if (m == NULL || key == NULL || choices == NULL || seed == NULL || voter == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = ippyo_choices_check(choices, m, NULL)) != 0)
		return r;
	if ((r = check_key(m, key)) != 0 ||
	    (r = ippyo_manifest_election_hash(m, h_e)) != 0)
		return r;
	memcpy(sc.seed, seed, IPPYO_SEED_BYTES);
	memcpy(sc.election_hash, h_e, IPPYO_BINDING_BYTES);
	memcpy(sc.voter_binding, voter, IPPYO_BINDING_BYTES);

	r = IPPYO_ERR_ALLOC;
	if ((root = json_object()) == NULL || (contests = json_array()) == NULL)
		goto out;
	if (json_object_set_new(root, "contests", contests) != 0)
		goto out;
	if ((r = ippyo_json_set_uint(root, "version", IPPYO_BALLOT_VERSION)) != 0 ||
	    (r = ippyo_json_set_string(root, "election_id", ippyo_manifest_election_id(m))) != 0 ||
	    (r = ippyo_json_set_hex(root, "election_hash", h_e, sizeof(h_e))) != 0 ||
	    (r = ippyo_json_set_hex(root, "voter", voter, IPPYO_BINDING_BYTES)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((ct = ippyo_ciphertext_new()) == NULL || (rnd = ippyo_scalar_new()) == NULL ||
	    (rsum = ippyo_scalar_new()) == NULL)
		goto out;
	for (c = 0; c < ippyo_manifest_contests(m); c++) {
		min = ippyo_manifest_contest_min(m, c);
		max = ippyo_manifest_contest_max(m, c);
		r = IPPYO_ERR_ALLOC;
		if ((jc = json_object()) == NULL)
			goto out;
		if (json_array_append_new(contests, jc) != 0 || (sels = json_array()) == NULL)
			goto out;
		if (json_object_set_new(jc, "selections", sels) != 0)
			goto out;
		ippyo_ciphertext_free(sum);
		if ((sum = ippyo_ciphertext_new()) == NULL)
			goto out;
		if ((r = ippyo_scalar_set_u64(rsum, 0)) != 0)
			goto out;
		for (o = 0; o < ippyo_manifest_options(m, c); o++) {
			uint64_t v = (uint64_t)ippyo_choices_get(choices, c, o);

			if ((r = ippyo_seed_derive(rnd, &sc, IPPYO_PURPOSE_ENCRYPT, (uint32_t)c,
			    (uint32_t)o, 0)) != 0 ||
			    (r = ippyo_ciphertext_encrypt(ct, key, v, rnd)) != 0)
				goto out;
			statement(&st, key, h_e, voter, (uint32_t)c, (uint32_t)o, 0, 1, ct);
			ippyo_range_proof_free(proof);
			r = IPPYO_ERR_ALLOC;
			if ((proof = ippyo_range_proof_new(0, 1)) == NULL)
				goto out;
			if ((r = ippyo_range_proof_prove(proof, &st, v, rnd, seed)) != 0 ||
			    (r = ippyo_ciphertext_serialize(ct, raw)) != 0 ||
			    (r = ippyo_range_proof_serialize(proof, raw + IPPYO_CIPHERTEXT_BYTES,
			    IPPYO_SELECTION_PROOF_BYTES)) != 0)
				goto out;
			r = IPPYO_ERR_ALLOC;
			if (json_array_append_new(sels, ippyo_json_b64(raw, sizeof(raw))) != 0)
				goto out;
			if ((r = ippyo_ciphertext_add(sum, sum, ct)) != 0 ||
			    (r = ippyo_scalar_add(rsum, rsum, rnd)) != 0)
				goto out;
		}
		statement(&st, key, h_e, voter, (uint32_t)c, IPPYO_OPTION_CONTEST, min, max, sum);
		ippyo_range_proof_free(proof);
		r = IPPYO_ERR_ALLOC;
		if ((proof = ippyo_range_proof_new(min, max)) == NULL)
			goto out;
		if ((r = ippyo_range_proof_prove(proof, &st, ippyo_choices_count(choices, c), rsum,
		    seed)) != 0)
			goto out;
		plen = ippyo_range_proof_size(min, max);
		r = IPPYO_ERR_ALLOC;
		if ((praw = OPENSSL_malloc(plen)) == NULL)
			goto out;
		if ((r = ippyo_range_proof_serialize(proof, praw, plen)) != 0 ||
		    (r = ippyo_json_set_b64(jc, "proof", praw, plen)) != 0)
			goto out;
		OPENSSL_free(praw);
		praw = NULL;
	}
	if ((r = ippyo_json_dump_canonical(root, &bytes, &len, IPPYO_BALLOT_MAX_BYTES)) != 0 ||
	    (r = ippyo_ballot_parse(out, m, bytes, len)) != 0)
		goto out;
	r = 0;
out:
	ippyo_seed_context_wipe(&sc);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_free(praw);
	OPENSSL_free(bytes);
	json_decref(root);
	ippyo_ciphertext_free(ct);
	ippyo_ciphertext_free(sum);
	ippyo_range_proof_free(proof);
	ippyo_scalar_free(rnd);
	ippyo_scalar_free(rsum);
	return r;
}

static int
check_ballot_for(const ippyo_ballot *b, const ippyo_manifest *m,
    const uint8_t voter[IPPYO_BINDING_BYTES])
{
	uint8_t h_e[IPPYO_HASH_BYTES];
	int r;

	if ((r = ippyo_manifest_election_hash(m, h_e)) != 0)
		return r;
	if (memcmp(h_e, b->election_hash, sizeof(h_e)) != 0)
		return IPPYO_ERR_WRONG_ELECTION;
	if (b->n_contests != ippyo_manifest_contests(m))
		return IPPYO_ERR_BALLOT_SHAPE;
	if (memcmp(voter, b->voter, IPPYO_BINDING_BYTES) != 0)
		return IPPYO_ERR_WRONG_VOTER;
	return 0;
}

int
ippyo_ballot_verify(const ippyo_ballot *b, const ippyo_manifest *m,
    const ippyo_election_key *key, const uint8_t voter[IPPYO_BINDING_BYTES])
{
	ippyo_proof_statement st;
	size_t c, o;
	int r;

	if (b == NULL || m == NULL || key == NULL || voter == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = check_key(m, key)) != 0 || (r = check_ballot_for(b, m, voter)) != 0)
		return r;
	for (c = 0; c < b->n_contests; c++) {
		const struct bcontest *bc = &b->contests[c];

		for (o = 0; o < bc->n_options; o++) {
			statement(&st, key, b->election_hash, b->voter, (uint32_t)c, (uint32_t)o,
			    0, 1, bc->ct[o]);
			if ((r = ippyo_range_proof_verify(bc->proof[o], &st)) != 0)
				return r == IPPYO_ERR_INVALID_ARGUMENT ? IPPYO_ERR_BAD_PROOF : r;
		}
		statement(&st, key, b->election_hash, b->voter, (uint32_t)c, IPPYO_OPTION_CONTEST,
		    bc->min, bc->max, bc->sum);
		if ((r = ippyo_range_proof_verify(bc->contest_proof, &st)) != 0)
			return r == IPPYO_ERR_INVALID_ARGUMENT ? IPPYO_ERR_BAD_PROOF : r;
	}
	return 0;
}

int
ippyo_ballot_batch_verify(const ippyo_manifest *m, const ippyo_election_key *key,
    const ippyo_ballot *const *ballots, const uint8_t (*voters)[IPPYO_BINDING_BYTES],
    size_t n, uint8_t *bad, size_t *n_bad)
{
	ippyo_batch *batch = NULL;
	ippyo_proof_statement st;
	const uint64_t *ids;
	size_t i, c, o, nf, k;
	int r;

	if (bad != NULL)
		memset(bad, 0, n);
	if (n_bad != NULL)
		*n_bad = 0;
	if (m == NULL || key == NULL || (n != 0 && (ballots == NULL || voters == NULL)))
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = check_key(m, key)) != 0)
		return r;
	if ((batch = ippyo_batch_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	for (i = 0; i < n; i++) {
		const ippyo_ballot *b = ballots[i];

		if (b == NULL || check_ballot_for(b, m, voters[i]) != 0) {
			if ((r = ippyo_batch_add_failure(batch, i)) != 0)
				goto out;
			continue;
		}
		for (c = 0; c < b->n_contests; c++) {
			const struct bcontest *bc = &b->contests[c];

			for (o = 0; o < bc->n_options; o++) {
				statement(&st, key, b->election_hash, b->voter, (uint32_t)c,
				    (uint32_t)o, 0, 1, bc->ct[o]);
				if ((r = ippyo_batch_add_range_proof(batch, i, bc->proof[o], &st)) != 0)
					goto out;
			}
			statement(&st, key, b->election_hash, b->voter, (uint32_t)c,
			    IPPYO_OPTION_CONTEST, bc->min, bc->max, bc->sum);
			if ((r = ippyo_batch_add_range_proof(batch, i, bc->contest_proof, &st)) != 0)
				goto out;
		}
	}
	r = ippyo_batch_verify(batch);
	if (r == IPPYO_ERR_BATCH_FAILED) {
		nf = ippyo_batch_failed(batch, &ids);
		for (k = 0; k < nf; k++) {
			if (ids[k] >= n) {
				r = IPPYO_ERR_INTERNAL;
				goto out;
			}
			if (bad != NULL)
				bad[ids[k]] = 1;
		}
		if (n_bad != NULL)
			*n_bad = nf;
	}
out:
	ippyo_batch_free(batch);
	return r;
}

const uint8_t *
ippyo_ballot_bytes(const ippyo_ballot *b, size_t *len)
{
	*len = b->len;
	return b->bytes;
}

const uint8_t *ippyo_ballot_voter(const ippyo_ballot *b) { return b->voter; }
const uint8_t *ippyo_ballot_election_hash(const ippyo_ballot *b) { return b->election_hash; }
const uint8_t *ippyo_ballot_tracking_code(const ippyo_ballot *b) { return b->tracking; }
size_t ippyo_ballot_contests(const ippyo_ballot *b) { return b->n_contests; }

size_t
ippyo_ballot_options(const ippyo_ballot *b, size_t contest)
{
	return contest < b->n_contests ? b->contests[contest].n_options : 0;
}

const ippyo_ciphertext *
ippyo_ballot_selection(const ippyo_ballot *b, size_t contest, size_t option)
{
	if (contest >= b->n_contests || option >= b->contests[contest].n_options)
		return NULL;
	return b->contests[contest].ct[option];
}

const ippyo_ciphertext *
ippyo_ballot_contest_sum(const ippyo_ballot *b, size_t contest)
{
	return contest < b->n_contests ? b->contests[contest].sum : NULL;
}

/* ---- tracking codes ---- */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

int
ippyo_tracking_code(const uint8_t *ballot, size_t len, uint8_t out[IPPYO_TRACKING_CODE_BYTES])
{
	ippyo_transcript *t;
	int r;

	if ((t = ippyo_transcript_new(IPPYO_TAG_TRACKING_CODE)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_transcript_put(t, ballot, len)) == 0)
		r = ippyo_transcript_digest(t, out);
	ippyo_transcript_free(t);
	return r;
}

/* The i-th 5-bit group of code, most significant bits first. */
static unsigned
quint(const uint8_t *code, size_t i)
{
	size_t bit = 5 * i, byte = bit / 8, shift = bit % 8;
	unsigned v = ((unsigned)code[byte] << 8) | code[byte + 1];

	return (v >> (11 - shift)) & 0x1f;
}

void
ippyo_tracking_code_short(const uint8_t code[IPPYO_TRACKING_CODE_BYTES],
    char out[IPPYO_TRACKING_SHORT_LEN + 1])
{
	size_t i, k = 0;

	for (i = 0; i < IPPYO_TRACKING_SHORT_CHARS; i++) {
		if (i > 0 && i % 4 == 0)
			out[k++] = '-';
		out[k++] = crockford[quint(code, i)];
	}
	out[k] = '\0';
}

void
ippyo_tracking_code_hex(const uint8_t code[IPPYO_TRACKING_CODE_BYTES],
    char out[2 * IPPYO_TRACKING_CODE_BYTES + 1])
{
	ippyo_hex_write(code, IPPYO_TRACKING_CODE_BYTES, out);
}

int
ippyo_tracking_code_matches(const char *text, const uint8_t code[IPPYO_TRACKING_CODE_BYTES])
{
	char want[IPPYO_TRACKING_SHORT_LEN + 1];
	size_t i, k = 0;
	char ch;

	if (text == NULL)
		return 0;
	ippyo_tracking_code_short(code, want);
	for (i = 0; text[i] != '\0'; i++) {
		ch = text[i];
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		else if (ch == 'I' || ch == 'L')
			ch = '1';
		/* Skip the hyphens of want. */
		if (k < IPPYO_TRACKING_SHORT_LEN && want[k] == '-')
			k++;
		if (k >= IPPYO_TRACKING_SHORT_LEN || want[k] != ch)
			return 0;
		k++;
	}
	return k == IPPYO_TRACKING_SHORT_LEN;
}
