/* ippyo — the Benaloh audit record and its recomputation. */
#include "ballot.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../error.h"
#include "json.h"

#define AUDIT_MAX_BYTES 16384

struct ippyo_audit {
	char *election_id;
	uint8_t election_hash[IPPYO_HASH_BYTES];
	uint8_t seed[IPPYO_SEED_BYTES];
	uint8_t voter[IPPYO_BINDING_BYTES];
	uint8_t tracking[IPPYO_TRACKING_CODE_BYTES];
	ippyo_choices *choices;
};

static const char *const audit_keys[] = {
	"choices", "election_hash", "election_id", "seed", "tracking_code", "version", "voter",
	NULL
};

/* The seed's hex form lives in a JSON tree: wipe it before the tree is freed. */
static void
wipe_seed(json_t *root)
{
	json_t *s = json_object_get(root, "seed");

	if (json_is_string(s))
		OPENSSL_cleanse((char *)json_string_value(s), json_string_length(s));
}

void
ippyo_audit_free(ippyo_audit *a)
{
	if (a == NULL)
		return;
	OPENSSL_free(a->election_id);
	ippyo_choices_free(a->choices);
	OPENSSL_clear_free(a, sizeof(*a));
}

int
ippyo_audit_new(ippyo_audit **out, const ippyo_manifest *m, const ippyo_choices *choices,
    const uint8_t seed[IPPYO_SEED_BYTES], const uint8_t voter[IPPYO_BINDING_BYTES],
    const uint8_t tracking_code[IPPYO_TRACKING_CODE_BYTES])
{
	ippyo_audit *a = NULL;
	int r;

	*out = NULL;
	if (m == NULL || choices == NULL || seed == NULL || voter == NULL || tracking_code == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = ippyo_choices_check(choices, m, NULL)) != 0)
		return r;
	if ((a = OPENSSL_zalloc(sizeof(*a))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_manifest_election_hash(m, a->election_hash)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((a->election_id = OPENSSL_strdup(ippyo_manifest_election_id(m))) == NULL ||
	    (a->choices = ippyo_choices_dup(choices)) == NULL)
		goto out;
	memcpy(a->seed, seed, sizeof(a->seed));
	memcpy(a->voter, voter, sizeof(a->voter));
	memcpy(a->tracking, tracking_code, sizeof(a->tracking));
	*out = a;
	a = NULL;
	r = 0;
out:
	ippyo_audit_free(a);
	return r;
}

int
ippyo_audit_parse(ippyo_audit **out, const ippyo_manifest *m, const uint8_t *in, size_t len)
{
	ippyo_audit *a = NULL;
	json_t *root = NULL, *arr, *jc, *v;
	const char *id;
	size_t idlen, c, k;
	uint64_t ver, opt, prev;
	uint8_t want[IPPYO_HASH_BYTES];
	int r;

	*out = NULL;
	if ((r = ippyo_manifest_election_hash(m, want)) != 0)
		return r;
	if ((r = ippyo_json_load_canonical(&root, in, len, AUDIT_MAX_BYTES)) != 0)
		return r;
	if ((r = ippyo_json_check_keys(root, audit_keys, audit_keys)) != 0)
		goto out;
	if ((r = ippyo_json_get_uint(root, "version", 0, IPPYO_JSON_INT_MAX, &ver)) != 0 ||
	    ver != IPPYO_BALLOT_VERSION) {
		r = (r == 0 || r == IPPYO_ERR_LIMIT) ? IPPYO_ERR_BAD_VERSION : r;
		goto out;
	}
	r = IPPYO_ERR_ALLOC;
	if ((a = OPENSSL_zalloc(sizeof(*a))) == NULL || (a->choices = ippyo_choices_new(m)) == NULL)
		goto out;
	if ((r = ippyo_json_get_string(root, "election_id", IPPYO_ID_MAX, &id, &idlen)) != 0) {
		r = r == IPPYO_ERR_LIMIT ? IPPYO_ERR_WRONG_ELECTION : r;
		goto out;
	}
	if ((r = ippyo_json_get_hex(root, "election_hash", a->election_hash,
	    sizeof(a->election_hash))) != 0)
		goto out;
	r = IPPYO_ERR_WRONG_ELECTION;
	if (strcmp(id, ippyo_manifest_election_id(m)) != 0 ||
	    memcmp(want, a->election_hash, sizeof(want)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((a->election_id = OPENSSL_strdup(id)) == NULL)
		goto out;
	if ((r = ippyo_json_get_hex(root, "seed", a->seed, sizeof(a->seed))) != 0 ||
	    (r = ippyo_json_get_hex(root, "voter", a->voter, sizeof(a->voter))) != 0 ||
	    (r = ippyo_json_get_hex(root, "tracking_code", a->tracking, sizeof(a->tracking))) != 0)
		goto out;
	r = IPPYO_ERR_JSON_SCHEMA;
	if (!json_is_array(arr = json_object_get(root, "choices")))
		goto out;
	r = IPPYO_ERR_BALLOT_SHAPE;
	if (json_array_size(arr) != ippyo_manifest_contests(m))
		goto out;
	json_array_foreach(arr, c, jc) {
		r = IPPYO_ERR_JSON_SCHEMA;
		if (!json_is_array(jc))
			goto out;
		prev = 0;
		json_array_foreach(jc, k, v) {
			if ((r = ippyo_json_uint(v, 0, IPPYO_MANIFEST_MAX_OPTIONS, &opt)) != 0) {
				r = r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_OPTION : r;
				goto out;
			}
			/* Strictly ascending: one form per set. */
			r = IPPYO_ERR_NOT_CANONICAL;
			if (k > 0 && opt <= prev)
				goto out;
			prev = opt;
			if ((r = ippyo_choices_set(a->choices, c, (size_t)opt, 1)) != 0)
				goto out;
		}
	}
	if ((r = ippyo_choices_check(a->choices, m, NULL)) != 0)
		goto out;
	*out = a;
	a = NULL;
	r = 0;
out:
	wipe_seed(root);
	json_decref(root);
	ippyo_audit_free(a);
	return r;
}

int
ippyo_audit_serialize(const ippyo_audit *a, uint8_t **out, size_t *out_len)
{
	json_t *root = NULL, *arr, *jc;
	size_t c, o, nc;
	int r;

	*out = NULL;
	*out_len = 0;
	r = IPPYO_ERR_ALLOC;
	if ((root = json_object()) == NULL || (arr = json_array()) == NULL)
		goto out;
	if (json_object_set_new(root, "choices", arr) != 0)
		goto out;
	nc = ippyo_choices_contests(a->choices);
	for (c = 0; c < nc; c++) {
		if ((jc = json_array()) == NULL || json_array_append_new(arr, jc) != 0)
			goto out;
		for (o = 0; o < ippyo_choices_options(a->choices, c); o++) {
			if (ippyo_choices_get(a->choices, c, o) &&
			    json_array_append_new(jc, json_integer((json_int_t)o)) != 0)
				goto out;
		}
	}
	if ((r = ippyo_json_set_uint(root, "version", IPPYO_BALLOT_VERSION)) != 0 ||
	    (r = ippyo_json_set_string(root, "election_id", a->election_id)) != 0 ||
	    (r = ippyo_json_set_hex(root, "election_hash", a->election_hash,
	    sizeof(a->election_hash))) != 0 ||
	    (r = ippyo_json_set_hex(root, "seed", a->seed, sizeof(a->seed))) != 0 ||
	    (r = ippyo_json_set_hex(root, "voter", a->voter, sizeof(a->voter))) != 0 ||
	    (r = ippyo_json_set_hex(root, "tracking_code", a->tracking, sizeof(a->tracking))) != 0)
		goto out;
	r = ippyo_json_dump_canonical(root, out, out_len, AUDIT_MAX_BYTES);
out:
	wipe_seed(root);
	json_decref(root);
	return r;
}

const ippyo_choices *ippyo_audit_choices(const ippyo_audit *a) { return a->choices; }
const uint8_t *ippyo_audit_voter(const ippyo_audit *a) { return a->voter; }
const uint8_t *ippyo_audit_tracking_code(const ippyo_audit *a) { return a->tracking; }

int
ippyo_audit_check(const ippyo_audit *a, const ippyo_manifest *m, const ippyo_election_key *key,
    const uint8_t *ballot, size_t len, ippyo_ballot **rebuilt)
{
	ippyo_ballot *b = NULL;
	const uint8_t *bytes;
	size_t blen;
	int r;

	if (rebuilt != NULL)
		*rebuilt = NULL;
	if (a == NULL || m == NULL || key == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = ippyo_ballot_build(&b, m, key, a->choices, a->seed, a->voter)) != 0)
		return r;
	r = IPPYO_ERR_BAD_TRACKING_CODE;
	if (CRYPTO_memcmp(ippyo_ballot_tracking_code(b), a->tracking, sizeof(a->tracking)) != 0)
		goto out;
	bytes = ippyo_ballot_bytes(b, &blen);
	if (ballot != NULL && (len != blen || CRYPTO_memcmp(ballot, bytes, blen) != 0))
		goto out;
	if (rebuilt != NULL) {
		*rebuilt = b;
		b = NULL;
	}
	r = 0;
out:
	ippyo_ballot_free(b);
	return r;
}
