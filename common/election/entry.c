/* ippyo — chain entries. */
#include "entry.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../card/cert.h"
#include "../crypto/hash.h"
#include "../error.h"
#include "ballot.h"
#include "json.h"

struct doc {
	char *name;
	uint8_t *data;
	size_t len;
};

struct ippyo_entry {
	ippyo_entry_type type;
	uint8_t *bytes;
	size_t len;
	/* officials' signature and what it covers */
	uint8_t *signed_bytes;
	size_t signed_len;
	uint8_t official_sig[IPPYO_ED25519_SIGNATURE_BYTES];
	char *election_id;
	/* manifest */
	ippyo_manifest *manifest;
	/* ballot */
	uint8_t *ballot;
	size_t ballot_len;
	uint8_t *cert;
	size_t cert_len;
	uint8_t *card_sig;
	size_t card_sig_len;
	uint8_t voter[IPPYO_FINGERPRINT_BYTES];
	ippyo_cert *certificate;      /* the certificate, parsed once */
	json_t *ballot_json;          /* the ballot object, parsed once (canonical) */
	/* ceremony, decryption */
	size_t n_docs;
	struct doc *docs;
	uint32_t trustee;
	/* close */
	uint64_t log_size;
	char *time;
	/* result */
	uint64_t close_index;
	uint64_t counted;
	size_t n_contests;
	size_t *n_options;
	uint64_t **totals;
};

static const struct {
	ippyo_entry_type type;
	const char *name;
	const char *const keys[8];
} types[] = {
	{ IPPYO_ENTRY_MANIFEST, "manifest",
	    { "manifest", "signature", "type", "version", NULL } },
	{ IPPYO_ENTRY_CEREMONY, "ceremony",
	    { "documents", "election_id", "signature", "type", "version", NULL } },
	{ IPPYO_ENTRY_BALLOT, "ballot",
	    { "ballot", "certificate", "signature", "type", "version", NULL } },
	{ IPPYO_ENTRY_CLOSE, "close",
	    { "election_id", "log_size", "signature", "time", "type", "version", NULL } },
	{ IPPYO_ENTRY_DECRYPTION, "decryption",
	    { "document", "election_id", "signature", "trustee", "type", "version", NULL } },
	{ IPPYO_ENTRY_RESULT, "result",
	    { "close_index", "counted", "election_id", "signature", "totals", "type", "version",
	    NULL } },
};
#define N_TYPES (sizeof(types) / sizeof(types[0]))

static const char *const doc_keys[] = { "data", "name", NULL };

const char *
ippyo_entry_type_name(ippyo_entry_type type)
{
	size_t i;

	for (i = 0; i < N_TYPES; i++) {
		if (types[i].type == type)
			return types[i].name;
	}
	return NULL;
}

void
ippyo_entry_free(ippyo_entry *e)
{
	size_t i;

	if (e == NULL)
		return;
	OPENSSL_free(e->bytes);
	OPENSSL_free(e->signed_bytes);
	OPENSSL_free(e->election_id);
	ippyo_manifest_free(e->manifest);
	OPENSSL_free(e->ballot);
	OPENSSL_free(e->cert);
	OPENSSL_free(e->card_sig);
	ippyo_cert_free(e->certificate);
	json_decref(e->ballot_json);
	for (i = 0; i < e->n_docs && e->docs != NULL; i++) {
		OPENSSL_free(e->docs[i].name);
		OPENSSL_free(e->docs[i].data);
	}
	OPENSSL_free(e->docs);
	OPENSSL_free(e->time);
	if (e->totals != NULL) {
		for (i = 0; i < e->n_contests; i++)
			OPENSSL_free(e->totals[i]);
		OPENSSL_free(e->totals);
	}
	OPENSSL_free(e->n_options);
	OPENSSL_free(e);
}

static int
doc_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > IPPYO_ENTRY_MAX_NAME)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int
get_election_id(const json_t *root, char **out)
{
	const char *s;
	size_t len;
	int r;

	*out = NULL;
	if ((r = ippyo_json_get_string(root, "election_id", IPPYO_ID_MAX, &s, &len)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_FORMAT : r;
	if (!ippyo_text_is_id(s, len))
		return IPPYO_ERR_ENTRY_FORMAT;
	if ((*out = OPENSSL_strndup(s, len)) == NULL)
		return IPPYO_ERR_ALLOC;
	return 0;
}

static int
get_doc(const json_t *obj, struct doc *d, int named)
{
	const char *name;
	size_t len;
	int r;

	if (named) {
		if ((r = ippyo_json_check_keys(obj, doc_keys, doc_keys)) != 0)
			return r;
		if ((r = ippyo_json_get_string(obj, "name", IPPYO_ENTRY_MAX_NAME, &name, &len)) != 0)
			return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_FORMAT : r;
		if (!doc_name_ok(name, len))
			return IPPYO_ERR_ENTRY_FORMAT;
		if ((d->name = OPENSSL_strndup(name, len)) == NULL)
			return IPPYO_ERR_ALLOC;
		return ippyo_json_get_b64(obj, "data", IPPYO_ENTRY_MAX_DOCUMENT_BYTES, &d->data,
		    &d->len);
	}
	if ((d->name = OPENSSL_strdup("decryption")) == NULL)
		return IPPYO_ERR_ALLOC;
	return ippyo_json_get_b64(obj, "document", IPPYO_ENTRY_MAX_DOCUMENT_BYTES, &d->data,
	    &d->len);
}

static int
parse_manifest(ippyo_entry *e, const json_t *root)
{
	json_t *v;
	uint8_t *b = NULL;
	size_t len = 0;
	int r;

	if ((r = ippyo_json_get_object(root, "manifest", &v)) != 0)
		return r;
	if ((r = ippyo_json_dump_canonical(v, &b, &len, IPPYO_MANIFEST_MAX_BYTES)) != 0)
		return r;
	r = ippyo_manifest_parse(&e->manifest, b, len, IPPYO_MANIFEST_SEALED);
	OPENSSL_free(b);
	return r;
}

static int
parse_ballot(ippyo_entry *e, const json_t *root)
{
	json_t *v;
	const char *id;
	size_t idlen;
	int r;

	if ((r = ippyo_json_get_object(root, "ballot", &v)) != 0)
		return r;
	if ((r = ippyo_json_get_string(v, "election_id", IPPYO_ID_MAX, &id, &idlen)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_FORMAT : r;
	if (!ippyo_text_is_id(id, idlen))
		return IPPYO_ERR_ENTRY_FORMAT;
	if ((e->election_id = OPENSSL_strndup(id, idlen)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_json_dump_canonical(v, &e->ballot, &e->ballot_len,
	    IPPYO_BALLOT_MAX_BYTES)) != 0)
		return r;
	if ((r = ippyo_json_get_b64(root, "certificate", IPPYO_CERT_MAX_BYTES, &e->cert,
	    &e->cert_len)) != 0 ||
	    (r = ippyo_json_get_b64(root, "signature", IPPYO_CARD_SIGNATURE_MAX_BYTES,
	    &e->card_sig, &e->card_sig_len)) != 0)
		return r;
	/*
	 * The certificate must parse (exactly one DER certificate); it is kept
	 * parsed, and the ballot object too, so that the checks that follow
	 * (chain, card signature, ballot) do not parse them again.
	 */
	if ((r = ippyo_cert_parse_der(e->cert, e->cert_len, &e->certificate)) != 0)
		return (r == IPPYO_ERR_TRAILING || r == IPPYO_ERR_LIMIT) ? IPPYO_ERR_CERT_FORMAT : r;
	e->ballot_json = json_incref(v);
	return ippyo_sha256(e->cert, e->cert_len, e->voter);
}

static int
parse_result(ippyo_entry *e, const json_t *root)
{
	json_t *arr, *jc, *v;
	size_t c, o;
	int r;

	if ((r = ippyo_json_get_uint(root, "close_index", 0, IPPYO_JSON_INT_MAX,
	    &e->close_index)) != 0 ||
	    (r = ippyo_json_get_uint(root, "counted", 0, IPPYO_JSON_INT_MAX, &e->counted)) != 0 ||
	    (r = ippyo_json_get_array(root, "totals", 1, IPPYO_MANIFEST_MAX_CONTESTS, &arr)) != 0)
		return r;
	if ((e->totals = OPENSSL_zalloc(json_array_size(arr) * sizeof(*e->totals))) == NULL ||
	    (e->n_options = OPENSSL_zalloc(json_array_size(arr) * sizeof(size_t))) == NULL)
		return IPPYO_ERR_ALLOC;
	e->n_contests = json_array_size(arr);
	json_array_foreach(arr, c, jc) {
		if (!json_is_array(jc))
			return IPPYO_ERR_JSON_SCHEMA;
		if (json_array_size(jc) < 1 || json_array_size(jc) > IPPYO_MANIFEST_MAX_OPTIONS)
			return IPPYO_ERR_LIMIT;
		if ((e->totals[c] = OPENSSL_zalloc(json_array_size(jc) * sizeof(uint64_t))) == NULL)
			return IPPYO_ERR_ALLOC;
		e->n_options[c] = json_array_size(jc);
		json_array_foreach(jc, o, v) {
			/* A total never exceeds the number of counted ballots. */
			if ((r = ippyo_json_uint(v, 0, e->counted, &e->totals[c][o])) != 0)
				return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_FORMAT : r;
		}
	}
	return 0;
}

static int
parse_fields(ippyo_entry *e, json_t *root)
{
	json_t *arr, *v;
	const char *time;
	size_t i, tlen;
	uint64_t u;
	int r;

	switch (e->type) {
	case IPPYO_ENTRY_MANIFEST:
		if ((r = parse_manifest(e, root)) != 0)
			return r;
		if ((e->election_id = OPENSSL_strdup(ippyo_manifest_election_id(e->manifest))) == NULL)
			return IPPYO_ERR_ALLOC;
		break;
	case IPPYO_ENTRY_CEREMONY:
		if ((r = get_election_id(root, &e->election_id)) != 0 ||
		    (r = ippyo_json_get_array(root, "documents", 1, IPPYO_ENTRY_MAX_DOCUMENTS,
		    &arr)) != 0)
			return r;
		if ((e->docs = OPENSSL_zalloc(json_array_size(arr) * sizeof(*e->docs))) == NULL)
			return IPPYO_ERR_ALLOC;
		e->n_docs = json_array_size(arr);
		json_array_foreach(arr, i, v) {
			if ((r = get_doc(v, &e->docs[i], 1)) != 0)
				return r;
		}
		break;
	case IPPYO_ENTRY_BALLOT:
		return parse_ballot(e, root);
	case IPPYO_ENTRY_CLOSE:
		if ((r = get_election_id(root, &e->election_id)) != 0 ||
		    (r = ippyo_json_get_uint(root, "log_size", 1, IPPYO_JSON_INT_MAX,
		    &e->log_size)) != 0 ||
		    (r = ippyo_json_get_string(root, "time", 20, &time, &tlen)) != 0)
			return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_FORMAT : r;
		if (!ippyo_text_is_utc_time(time, tlen))
			return IPPYO_ERR_ENTRY_FORMAT;
		if ((e->time = OPENSSL_strndup(time, tlen)) == NULL)
			return IPPYO_ERR_ALLOC;
		break;
	case IPPYO_ENTRY_DECRYPTION:
		if ((r = get_election_id(root, &e->election_id)) != 0)
			return r;
		if ((r = ippyo_json_get_uint(root, "trustee", 1, IPPYO_MANIFEST_MAX_TRUSTEES, &u)) != 0)
			return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_THRESHOLD : r;
		e->trustee = (uint32_t)u;
		if ((e->docs = OPENSSL_zalloc(sizeof(*e->docs))) == NULL)
			return IPPYO_ERR_ALLOC;
		e->n_docs = 1;
		if ((r = get_doc(root, &e->docs[0], 0)) != 0)
			return r;
		break;
	case IPPYO_ENTRY_RESULT:
		if ((r = get_election_id(root, &e->election_id)) != 0 ||
		    (r = parse_result(e, root)) != 0)
			return r;
		break;
	}
	/* Officials' signature: over the canonical entry without "signature". */
	if ((r = ippyo_json_get_b64_exact(root, "signature", e->official_sig,
	    sizeof(e->official_sig))) != 0)
		return r;
	if (json_object_del(root, "signature") != 0)
		return IPPYO_ERR_INTERNAL;
	return ippyo_json_dump_canonical(root, &e->signed_bytes, &e->signed_len,
	    IPPYO_ENTRY_MAX_BYTES);
}

int
ippyo_entry_parse(ippyo_entry **out, const uint8_t *in, size_t len)
{
	ippyo_entry *e = NULL;
	json_t *root = NULL;
	const char *tname;
	size_t i, tlen;
	uint64_t ver;
	int r;

	*out = NULL;
	if ((r = ippyo_group_init()) != 0)
		return r;
	if ((r = ippyo_json_load_canonical(&root, in, len, IPPYO_ENTRY_MAX_BYTES)) != 0)
		return r;
	r = IPPYO_ERR_ALLOC;
	if ((e = OPENSSL_zalloc(sizeof(*e))) == NULL)
		goto out;
	if ((r = ippyo_json_get_string(root, "type", 32, &tname, &tlen)) != 0) {
		r = r == IPPYO_ERR_LIMIT ? IPPYO_ERR_ENTRY_TYPE : r;
		goto out;
	}
	r = IPPYO_ERR_ENTRY_TYPE;
	for (i = 0; i < N_TYPES; i++) {
		if (strcmp(tname, types[i].name) == 0)
			break;
	}
	if (i == N_TYPES)
		goto out;
	e->type = types[i].type;
	if ((r = ippyo_json_check_keys(root, types[i].keys, types[i].keys)) != 0)
		goto out;
	if ((r = ippyo_json_get_uint(root, "version", 0, IPPYO_JSON_INT_MAX, &ver)) != 0 ||
	    ver != IPPYO_ENTRY_VERSION) {
		r = (r == 0 || r == IPPYO_ERR_LIMIT) ? IPPYO_ERR_BAD_VERSION : r;
		goto out;
	}
	if ((r = parse_fields(e, root)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((e->bytes = OPENSSL_malloc(len + 1)) == NULL)
		goto out;
	memcpy(e->bytes, in, len);
	e->bytes[len] = '\0';
	e->len = len;
	*out = e;
	e = NULL;
	r = 0;
out:
	json_decref(root);
	ippyo_entry_free(e);
	return r;
}

/* ---- builders ---- */

static int
start(json_t **out, ippyo_entry_type type, const char *election_id)
{
	json_t *root;
	int r;

	*out = NULL;
	if ((root = json_object()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_json_set_string(root, "type", ippyo_entry_type_name(type))) != 0 ||
	    (r = ippyo_json_set_uint(root, "version", IPPYO_ENTRY_VERSION)) != 0 ||
	    (election_id != NULL &&
	    (r = ippyo_json_set_string(root, "election_id", election_id)) != 0)) {
		json_decref(root);
		return r;
	}
	*out = root;
	return 0;
}

/* Signs (sk != NULL), serializes and parses back; consumes root. */
static int
finish(ippyo_entry **out, json_t *root, ippyo_entry_type type, const uint8_t *sk)
{
	uint8_t *b = NULL, sig[IPPYO_ED25519_SIGNATURE_BYTES];
	size_t len = 0;
	int r;

	if (sk != NULL) {
		if ((r = ippyo_json_dump_canonical(root, &b, &len, IPPYO_ENTRY_MAX_BYTES)) != 0 ||
		    (r = ippyo_officials_sign(sk, ippyo_entry_type_name(type), b, len, sig)) != 0 ||
		    (r = ippyo_json_set_b64(root, "signature", sig, sizeof(sig))) != 0)
			goto out;
		OPENSSL_free(b);
		b = NULL;
	}
	if ((r = ippyo_json_dump_canonical(root, &b, &len, IPPYO_ENTRY_MAX_BYTES)) != 0)
		goto out;
	r = ippyo_entry_parse(out, b, len);
out:
	OPENSSL_free(b);
	json_decref(root);
	return r;
}

int
ippyo_entry_new_manifest(ippyo_entry **out, const ippyo_manifest *sealed,
    const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES])
{
	json_t *root = NULL, *mj;
	const uint8_t *mb;
	size_t mlen;
	int r;

	*out = NULL;
	if (sealed == NULL || sk == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (!ippyo_manifest_is_sealed(sealed))
		return IPPYO_ERR_BAD_MANIFEST;
	mb = ippyo_manifest_bytes(sealed, &mlen);
	if ((mj = json_loadb((const char *)mb, mlen, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return IPPYO_ERR_INTERNAL;
	if ((r = start(&root, IPPYO_ENTRY_MANIFEST, NULL)) != 0) {
		json_decref(mj);
		return r;
	}
	if (json_object_set_new(root, "manifest", mj) != 0) {
		json_decref(root);
		return IPPYO_ERR_ALLOC;
	}
	return finish(out, root, IPPYO_ENTRY_MANIFEST, sk);
}

static int
set_doc(json_t *obj, const char *key, const uint8_t *data, size_t len)
{
	if (data == NULL || len == 0 || len > IPPYO_ENTRY_MAX_DOCUMENT_BYTES)
		return IPPYO_ERR_INVALID_ARGUMENT;
	return ippyo_json_set_b64(obj, key, data, len);
}

int
ippyo_entry_new_ceremony(ippyo_entry **out, const char *election_id,
    const ippyo_entry_document *docs, size_t n_docs,
    const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES])
{
	json_t *root = NULL, *arr, *d;
	size_t i;
	int r;

	*out = NULL;
	if (election_id == NULL || sk == NULL || docs == NULL || n_docs == 0 ||
	    n_docs > IPPYO_ENTRY_MAX_DOCUMENTS)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = start(&root, IPPYO_ENTRY_CEREMONY, election_id)) != 0)
		return r;
	r = IPPYO_ERR_ALLOC;
	if ((arr = json_array()) == NULL || json_object_set_new(root, "documents", arr) != 0)
		goto out;
	for (i = 0; i < n_docs; i++) {
		r = IPPYO_ERR_ALLOC;
		if ((d = json_object()) == NULL || json_array_append_new(arr, d) != 0)
			goto out;
		r = IPPYO_ERR_INVALID_ARGUMENT;
		if (docs[i].name == NULL)
			goto out;
		if ((r = ippyo_json_set_string(d, "name", docs[i].name)) != 0 ||
		    (r = set_doc(d, "data", docs[i].data, docs[i].len)) != 0)
			goto out;
	}
	return finish(out, root, IPPYO_ENTRY_CEREMONY, sk);
out:
	json_decref(root);
	return r;
}

int
ippyo_entry_new_ballot(ippyo_entry **out, const uint8_t *ballot, size_t ballot_len,
    const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len)
{
	json_t *root = NULL, *bj = NULL;
	int r;

	*out = NULL;
	if (cert == NULL || cert_len == 0 || cert_len > IPPYO_CERT_MAX_BYTES || sig == NULL ||
	    sig_len == 0 || sig_len > IPPYO_CARD_SIGNATURE_MAX_BYTES)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = ippyo_json_load_canonical(&bj, ballot, ballot_len, IPPYO_BALLOT_MAX_BYTES)) != 0)
		return r;
	if ((r = start(&root, IPPYO_ENTRY_BALLOT, NULL)) != 0) {
		json_decref(bj);
		return r;
	}
	r = IPPYO_ERR_ALLOC;
	if (json_object_set_new(root, "ballot", bj) != 0)
		goto out;
	if ((r = ippyo_json_set_b64(root, "certificate", cert, cert_len)) != 0 ||
	    (r = ippyo_json_set_b64(root, "signature", sig, sig_len)) != 0)
		goto out;
	return finish(out, root, IPPYO_ENTRY_BALLOT, NULL);
out:
	json_decref(root);
	return r;
}

int
ippyo_entry_new_close(ippyo_entry **out, const char *election_id, uint64_t log_size,
    const char *time, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES])
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	if (election_id == NULL || time == NULL || sk == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = start(&root, IPPYO_ENTRY_CLOSE, election_id)) != 0)
		return r;
	if ((r = ippyo_json_set_uint(root, "log_size", log_size)) != 0 ||
	    (r = ippyo_json_set_string(root, "time", time)) != 0) {
		json_decref(root);
		return r;
	}
	return finish(out, root, IPPYO_ENTRY_CLOSE, sk);
}

int
ippyo_entry_new_decryption(ippyo_entry **out, const char *election_id, uint32_t trustee,
    const uint8_t *doc, size_t doc_len, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES])
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	if (election_id == NULL || sk == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = start(&root, IPPYO_ENTRY_DECRYPTION, election_id)) != 0)
		return r;
	if ((r = ippyo_json_set_uint(root, "trustee", trustee)) != 0 ||
	    (r = set_doc(root, "document", doc, doc_len)) != 0) {
		json_decref(root);
		return r;
	}
	return finish(out, root, IPPYO_ENTRY_DECRYPTION, sk);
}

int
ippyo_entry_new_result(ippyo_entry **out, const char *election_id, uint64_t close_index,
    uint64_t counted, size_t n_contests, const size_t *n_options,
    const uint64_t *const *totals, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES])
{
	json_t *root = NULL, *arr, *jc;
	size_t c, o;
	int r;

	*out = NULL;
	if (election_id == NULL || sk == NULL || n_options == NULL || totals == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = start(&root, IPPYO_ENTRY_RESULT, election_id)) != 0)
		return r;
	if ((r = ippyo_json_set_uint(root, "close_index", close_index)) != 0 ||
	    (r = ippyo_json_set_uint(root, "counted", counted)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((arr = json_array()) == NULL || json_object_set_new(root, "totals", arr) != 0)
		goto out;
	for (c = 0; c < n_contests; c++) {
		r = IPPYO_ERR_ALLOC;
		if ((jc = json_array()) == NULL || json_array_append_new(arr, jc) != 0)
			goto out;
		for (o = 0; o < n_options[c]; o++) {
			r = IPPYO_ERR_OVERFLOW;
			if (totals[c][o] > IPPYO_JSON_INT_MAX)
				goto out;
			r = IPPYO_ERR_ALLOC;
			if (json_array_append_new(jc, json_integer((json_int_t)totals[c][o])) != 0)
				goto out;
		}
	}
	return finish(out, root, IPPYO_ENTRY_RESULT, sk);
out:
	json_decref(root);
	return r;
}

/* ---- accessors ---- */

ippyo_entry_type ippyo_entry_get_type(const ippyo_entry *e) { return e->type; }
const char *ippyo_entry_election_id(const ippyo_entry *e) { return e->election_id; }

const uint8_t *
ippyo_entry_bytes(const ippyo_entry *e, size_t *len)
{
	*len = e->len;
	return e->bytes;
}

int
ippyo_entry_verify_officials(const ippyo_entry *e, const uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES])
{
	if (e->type == IPPYO_ENTRY_BALLOT || e->signed_bytes == NULL)
		return IPPYO_ERR_ENTRY_TYPE;
	return ippyo_officials_verify(pk, ippyo_entry_type_name(e->type), e->signed_bytes,
	    e->signed_len, e->official_sig);
}

int
ippyo_entry_verify_card(const ippyo_entry *e)
{
	if (e->type != IPPYO_ENTRY_BALLOT)
		return IPPYO_ERR_ENTRY_TYPE;
	if (e->certificate == NULL)
		return ippyo_card_signature_verify(e->cert, e->cert_len, e->ballot, e->ballot_len,
		    e->card_sig, e->card_sig_len);
	/* The certificate the entry parsed: no second parse. */
	return ippyo_card_signature_verify_cert(e->certificate, e->ballot, e->ballot_len,
	    e->card_sig, e->card_sig_len);
}

const ippyo_manifest *
ippyo_entry_manifest(const ippyo_entry *e)
{
	return e->type == IPPYO_ENTRY_MANIFEST ? e->manifest : NULL;
}

int
ippyo_entry_ballot(const ippyo_entry *e, const uint8_t **ballot, size_t *ballot_len,
    const uint8_t **cert, size_t *cert_len, const uint8_t **sig, size_t *sig_len)
{
	if (e->type != IPPYO_ENTRY_BALLOT)
		return IPPYO_ERR_ENTRY_TYPE;
	if (ballot != NULL)
		*ballot = e->ballot;
	if (ballot_len != NULL)
		*ballot_len = e->ballot_len;
	if (cert != NULL)
		*cert = e->cert;
	if (cert_len != NULL)
		*cert_len = e->cert_len;
	if (sig != NULL)
		*sig = e->card_sig;
	if (sig_len != NULL)
		*sig_len = e->card_sig_len;
	return 0;
}

const uint8_t *
ippyo_entry_voter(const ippyo_entry *e)
{
	return e->type == IPPYO_ENTRY_BALLOT ? e->voter : NULL;
}

const ippyo_cert *
ippyo_entry_certificate(const ippyo_entry *e)
{
	return e->type == IPPYO_ENTRY_BALLOT ? e->certificate : NULL;
}

int
ippyo_entry_parse_ballot(const ippyo_entry *e, const ippyo_manifest *m, ippyo_ballot **out)
{
	*out = NULL;
	if (e->type != IPPYO_ENTRY_BALLOT)
		return IPPYO_ERR_ENTRY_TYPE;
	if (e->ballot_json == NULL)
		return ippyo_ballot_parse(out, m, e->ballot, e->ballot_len);
	return ippyo_ballot_parse_tree(out, m, e->ballot_json, e->ballot, e->ballot_len);
}

size_t
ippyo_entry_documents(const ippyo_entry *e)
{
	return e->n_docs;
}

int
ippyo_entry_get_document(const ippyo_entry *e, size_t i, const char **name, const uint8_t **data,
    size_t *len)
{
	if (e->type != IPPYO_ENTRY_CEREMONY && e->type != IPPYO_ENTRY_DECRYPTION)
		return IPPYO_ERR_ENTRY_TYPE;
	if (i >= e->n_docs)
		return IPPYO_ERR_NOT_FOUND;
	if (name != NULL)
		*name = e->docs[i].name;
	*data = e->docs[i].data;
	*len = e->docs[i].len;
	return 0;
}

int
ippyo_entry_close(const ippyo_entry *e, uint64_t *log_size, const char **time)
{
	if (e->type != IPPYO_ENTRY_CLOSE)
		return IPPYO_ERR_ENTRY_TYPE;
	*log_size = e->log_size;
	*time = e->time;
	return 0;
}

uint32_t
ippyo_entry_trustee(const ippyo_entry *e)
{
	return e->type == IPPYO_ENTRY_DECRYPTION ? e->trustee : 0;
}

int
ippyo_entry_result(const ippyo_entry *e, uint64_t *close_index, uint64_t *counted,
    size_t *n_contests)
{
	if (e->type != IPPYO_ENTRY_RESULT)
		return IPPYO_ERR_ENTRY_TYPE;
	*close_index = e->close_index;
	*counted = e->counted;
	*n_contests = e->n_contests;
	return 0;
}

size_t
ippyo_entry_result_options(const ippyo_entry *e, size_t contest)
{
	if (e->type != IPPYO_ENTRY_RESULT || contest >= e->n_contests)
		return 0;
	return e->n_options[contest];
}

int
ippyo_entry_result_total(const ippyo_entry *e, size_t contest, size_t option, uint64_t *total)
{
	*total = 0;
	if (e->type != IPPYO_ENTRY_RESULT)
		return IPPYO_ERR_ENTRY_TYPE;
	if (contest >= e->n_contests || option >= e->n_options[contest])
		return IPPYO_ERR_NOT_FOUND;
	*total = e->totals[contest][option];
	return 0;
}
