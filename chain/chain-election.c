/* ippyo-chaind — the election the chain serves, and the checks on its entries. */
#include "chain-election.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "chain-cards.h"
#include "chain-error.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/manifest.h"
#include "error.h"

#define FP_BYTES 32

struct ChainElection {
	GBytes *entry0;
	ippyo_entry *e0;
	const ippyo_manifest *m;          /* borrowed from e0 */
	ippyo_election_key *key;
	ippyo_note_signer *signer;
	ChainCards *cards;
	GBytes *jpki;                     /* GET /v1/jpki: the DER of cards' CAs and CRLs */
	guint8 *roll;                     /* sorted fingerprints, FP_BYTES each */
	gsize roll_n;
	gint64 poll_opens;
};

struct ChainBallotCheck {
	ippyo_entry *entry;
	ippyo_ballot *ballot;
	GBytes *bytes;
};

void
chain_election_free(ChainElection *el)
{
	if (el == NULL)
		return;
	g_clear_pointer(&el->entry0, g_bytes_unref);
	ippyo_entry_free(el->e0);
	ippyo_election_key_free(el->key);
	ippyo_note_signer_free(el->signer);
	chain_cards_free(el->cards);
	g_clear_pointer(&el->jpki, g_bytes_unref);
	g_free(el->roll);
	g_free(el);
}

static int
fp_cmp(const void *a, const void *b)
{
	return memcmp(a, b, FP_BYTES);
}

/*
 * The roll file: one fingerprint per line, 64 lower-case hex digits and
 * "\n", strictly ascending (so that the file, and its hash, is unique for a
 * set of voters). The manifest holds SHA-256 of the file and the count.
 */
static gboolean
load_roll(ChainElection *el, const char *path, GError **error)
{
	g_autofree char *data = NULL;
	gsize len, lines;
	guint8 digest[32];

	if (!g_file_get_contents(path, &data, &len, error))
		return FALSE;
	if (len % 65 != 0) {
		chain_set_ippyo_error(error, IPPYO_ERR_BAD_ROLL, "%s: lines of 64 hex digits", path);
		return FALSE;
	}
	lines = len / 65;
	el->roll = g_malloc(MAX(lines, 1) * FP_BYTES);
	el->roll_n = lines;
	for (gsize i = 0; i < lines; i++) {
		const char *l = data + i * 65;

		if (l[64] != '\n')
			goto bad;
		for (guint j = 0; j < FP_BYTES; j++) {
			int hi = g_ascii_xdigit_value(l[2 * j]), lo = g_ascii_xdigit_value(l[2 * j + 1]);

			if (hi < 0 || lo < 0 || g_ascii_isupper(l[2 * j]) || g_ascii_isupper(l[2 * j + 1]))
				goto bad;
			el->roll[i * FP_BYTES + j] = (guint8)(hi << 4 | lo);
		}
		if (i > 0 && memcmp(el->roll + (i - 1) * FP_BYTES, el->roll + i * FP_BYTES, FP_BYTES) >= 0)
			goto bad;
	}
	if (EVP_Digest(data, len, digest, NULL, EVP_sha256(), NULL) != 1) {
		chain_set_ippyo_error(error, IPPYO_ERR_INTERNAL, "SHA-256");
		return FALSE;
	}
	if (memcmp(digest, ippyo_manifest_roll_hash(el->m), 32) != 0 ||
	    lines != ippyo_manifest_roll_count(el->m)) {
		chain_set_ippyo_error(error, IPPYO_ERR_BAD_ROLL,
		    "%s: not the roll of the manifest (hash or count differ)", path);
		return FALSE;
	}
	return TRUE;
bad:
	chain_set_ippyo_error(error, IPPYO_ERR_BAD_ROLL,
	    "%s: lines of 64 lower-case hex digits, strictly ascending", path);
	return FALSE;
}

static gboolean
check_cas(ChainElection *el, GError **error)
{
	gsize n = chain_cards_ca_count(el->cards);

	if (n != ippyo_manifest_jpki_ca_count(el->m)) {
		chain_set_ippyo_error(error, IPPYO_ERR_BAD_MANIFEST,
		    "the config names %" G_GSIZE_FORMAT " JPKI CAs, the manifest %" G_GSIZE_FORMAT,
		    n, ippyo_manifest_jpki_ca_count(el->m));
		return FALSE;
	}
	for (gsize i = 0; i < n; i++) {
		gboolean found = FALSE;

		for (gsize j = 0; j < n && !found; j++)
			found = memcmp(chain_cards_ca_fingerprint(el->cards, i),
			    ippyo_manifest_jpki_ca(el->m, j), FP_BYTES) == 0;
		if (!found) {
			chain_set_ippyo_error(error, IPPYO_ERR_BAD_MANIFEST,
			    "JPKI CA %" G_GSIZE_FORMAT " of the config is not in the manifest", i);
			return FALSE;
		}
	}
	return TRUE;
}

static gboolean
load_signer(ChainElection *el, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	char *vkey = NULL;
	gsize len;
	int r;

	if (!g_file_get_contents(path, &text, &len, error))
		return FALSE;
	g_strstrip(text);
	r = ippyo_note_signer_parse(text, &el->signer);
	OPENSSL_cleanse(text, len);
	if (r != 0) {
		chain_set_ippyo_error(error, r, "%s", path);
		return FALSE;
	}
	if (ippyo_note_signer_type(el->signer) != IPPYO_NOTE_TYPE_ED25519 ||
	    g_strcmp0(ippyo_note_signer_name(el->signer), ippyo_manifest_chain_origin(el->m)) != 0) {
		chain_set_ippyo_error(error, IPPYO_ERR_WRONG_ORIGIN,
		    "%s: the key's name must be the chain origin %s", path,
		    ippyo_manifest_chain_origin(el->m));
		return FALSE;
	}
	{
		ippyo_note_verifier *v = NULL;

		if ((r = ippyo_note_signer_verifier(el->signer, &v)) != 0 ||
		    (r = ippyo_note_verifier_string(v, &vkey)) != 0) {
			ippyo_note_verifier_free(v);
			chain_set_ippyo_error(error, r, "%s", path);
			return FALSE;
		}
		ippyo_note_verifier_free(v);
	}
	if (g_strcmp0(vkey, ippyo_manifest_chain_vkey(el->m)) != 0) {
		OPENSSL_free(vkey);
		chain_set_ippyo_error(error, IPPYO_ERR_BAD_KEY,
		    "%s: not the chain key of the manifest", path);
		return FALSE;
	}
	OPENSSL_free(vkey);
	return TRUE;
}

ChainElection *
chain_election_load(const ChainConfig *config, GError **error)
{
	g_autoptr(ChainElection) el = g_new0(ChainElection, 1);
	g_autoptr(GDateTime) opens = NULL;
	g_autofree char *data = NULL;
	gsize len;
	int r;

	if (!g_file_get_contents(config->manifest, &data, &len, error))
		return NULL;
	if ((r = ippyo_entry_parse(&el->e0, (const uint8_t *)data, len)) != 0) {
		chain_set_ippyo_error(error, r, "%s", config->manifest);
		return NULL;
	}
	if (ippyo_entry_get_type(el->e0) != IPPYO_ENTRY_MANIFEST) {
		chain_set_ippyo_error(error, IPPYO_ERR_ENTRY_TYPE, "%s: not a manifest entry",
		    config->manifest);
		return NULL;
	}
	el->m = ippyo_entry_manifest(el->e0);
	if ((r = ippyo_entry_verify_officials(el->e0, ippyo_manifest_officials_key(el->m))) != 0) {
		chain_set_ippyo_error(error, r, "%s", config->manifest);
		return NULL;
	}
	el->entry0 = g_bytes_new_take(g_steal_pointer(&data), len);
	if ((r = ippyo_manifest_election_key(el->m, &el->key)) != 0) {
		chain_set_ippyo_error(error, r, "election key");
		return NULL;
	}
	opens = g_date_time_new_from_iso8601(ippyo_manifest_poll_opens(el->m), NULL);
	if (opens == NULL) {
		chain_set_ippyo_error(error, IPPYO_ERR_BAD_MANIFEST, "poll_opens");
		return NULL;
	}
	el->poll_opens = g_date_time_to_unix(opens);
	if (!load_signer(el, config->signing_key, error))
		return NULL;
	el->cards = chain_cards_load(config->ca_certs, config->crls, error);
	if (el->cards == NULL || !check_cas(el, error))
		return NULL;
	el->jpki = chain_cards_jpki_json(el->cards);
	if (!load_roll(el, config->roll, error))
		return NULL;
	return g_steal_pointer(&el);
}

GBytes *
chain_election_entry0(ChainElection *el)
{
	return el->entry0;
}

GBytes *
chain_election_jpki(ChainElection *el)
{
	return el->jpki;
}

const char *
chain_election_origin(ChainElection *el)
{
	return ippyo_manifest_chain_origin(el->m);
}

const char *
chain_election_id(ChainElection *el)
{
	return ippyo_manifest_election_id(el->m);
}

const ippyo_note_signer *
chain_election_signer(ChainElection *el)
{
	return el->signer;
}

gboolean
chain_election_entry_is_close(ChainElection *el, const guint8 *data, gsize len)
{
	ippyo_entry *e = NULL;
	gboolean close;

	static const char ballot_prefix[] = "{\"ballot\":";

	/*
	 * Only the stored, once-checked bytes come here; a cheap look at the
	 * type. A ballot entry (canonical JSON, keys sorted) alone starts with
	 * its "ballot" member: it is not parsed.
	 */
	if (len >= sizeof(ballot_prefix) - 1 &&
	    memcmp(data, ballot_prefix, sizeof(ballot_prefix) - 1) == 0)
		return FALSE;
	if (ippyo_entry_parse(&e, data, len) != 0)
		return FALSE;
	close = ippyo_entry_get_type(e) == IPPYO_ENTRY_CLOSE;
	ippyo_entry_free(e);
	return close;
}

void
chain_ballot_check_free(ChainBallotCheck *c)
{
	if (c == NULL)
		return;
	ippyo_entry_free(c->entry);
	ippyo_ballot_free(c->ballot);
	g_clear_pointer(&c->bytes, g_bytes_unref);
	g_free(c);
}

GBytes *
chain_ballot_check_entry(ChainBallotCheck *c)
{
	return c->bytes;
}

static gboolean
on_roll(ChainElection *el, const guint8 *fp)
{
	return el->roll_n > 0 && bsearch(fp, el->roll, el->roll_n, FP_BYTES, fp_cmp) != NULL;
}

int
chain_election_check_ballot(ChainElection *el, const guint8 *body, gsize len, gint64 now,
    gboolean closed, ChainBallotCheck **out, char **message)
{
	ChainBallotCheck *c = g_new0(ChainBallotCheck, 1);
	int r;

	*out = NULL;
	*message = NULL;
	/* 2. strict JSON, a well-formed entry, of type ballot */
	if ((r = ippyo_entry_parse(&c->entry, body, len)) != 0)
		goto fail;
	if (ippyo_entry_get_type(c->entry) != IPPYO_ENTRY_BALLOT) {
		r = IPPYO_ERR_ENTRY_TYPE;
		*message = g_strdup("not a ballot entry");
		goto fail;
	}
	/* 3. this election */
	if (g_strcmp0(ippyo_entry_election_id(c->entry), ippyo_manifest_election_id(el->m)) != 0) {
		r = IPPYO_ERR_WRONG_ELECTION;
		*message = g_strdup_printf("this chain is election %s", ippyo_manifest_election_id(el->m));
		goto fail;
	}
	/* 4. poll state */
	if (now < el->poll_opens) {
		r = IPPYO_ERR_POLL_NOT_OPEN;
		*message = g_strdup_printf("the poll opens at %s", ippyo_manifest_poll_opens(el->m));
		goto fail;
	}
	if (closed) {
		r = IPPYO_ERR_POLL_CLOSED;
		goto fail;
	}
	/* 5. the card certificate: chain, time, CRL (parsed once, by the entry) */
	if ((r = chain_cards_check_cert(el->cards, ippyo_entry_certificate(c->entry),
	    ippyo_entry_voter(c->entry), now)) != 0)
		goto fail;
	/* 6. on the roll */
	if (!on_roll(el, ippyo_entry_voter(c->entry))) {
		r = IPPYO_ERR_NOT_ON_ROLL;
		goto fail;
	}
	/* 7. the card's signature over exactly the ballot bytes */
	if ((r = ippyo_entry_verify_card(c->entry)) != 0)
		goto fail;
	/* 8. the ballot against the manifest, bound to this card */
	if ((r = ippyo_entry_parse_ballot(c->entry, el->m, &c->ballot)) != 0)
		goto fail;
	if (memcmp(ippyo_ballot_voter(c->ballot), ippyo_entry_voter(c->entry), FP_BYTES) != 0) {
		r = IPPYO_ERR_WRONG_VOTER;
		goto fail;
	}
	{
		size_t elen;
		const uint8_t *e = ippyo_entry_bytes(c->entry, &elen);

		c->bytes = g_bytes_new(e, elen);
	}
	*out = c;
	return 0;
fail:
	if (*message == NULL)
		*message = g_strdup(ippyo_strerror(r));
	chain_ballot_check_free(c);
	return r;
}

void
chain_election_verify_proofs(ChainElection *el, ChainBallotCheck *const *checks, gsize n,
    int *results)
{
	g_autofree const ippyo_ballot **ballots = g_new0(const ippyo_ballot *, n);
	g_autofree uint8_t (*voters)[IPPYO_BINDING_BYTES] = g_malloc(n * IPPYO_BINDING_BYTES);
	g_autofree uint8_t *bad = g_malloc0(n);
	size_t n_bad = 0;
	int r;

	for (gsize i = 0; i < n; i++) {
		ballots[i] = checks[i]->ballot;
		memcpy(voters[i], ippyo_entry_voter(checks[i]->entry), IPPYO_BINDING_BYTES);
	}
	r = ippyo_ballot_batch_verify(el->m, el->key, ballots, (const uint8_t (*)[IPPYO_BINDING_BYTES])voters,
	    n, bad, &n_bad);
	for (gsize i = 0; i < n; i++) {
		if (r == 0)
			results[i] = 0;
		else if (r == IPPYO_ERR_BATCH_FAILED)
			results[i] = bad[i] ? IPPYO_ERR_BAD_PROOF : 0;
		else
			results[i] = r;
	}
}

int
chain_election_check_close(ChainElection *el, const guint8 *body, gsize len, gboolean closed,
    GBytes **entry, char **message)
{
	ippyo_entry *e = NULL;
	int r;

	*entry = NULL;
	*message = NULL;
	if ((r = ippyo_entry_parse(&e, body, len)) != 0)
		goto out;
	if (ippyo_entry_get_type(e) != IPPYO_ENTRY_CLOSE) {
		r = IPPYO_ERR_ENTRY_TYPE;
		*message = g_strdup("not a close entry");
		goto out;
	}
	if (g_strcmp0(ippyo_entry_election_id(e), ippyo_manifest_election_id(el->m)) != 0) {
		r = IPPYO_ERR_WRONG_ELECTION;
		goto out;
	}
	if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(el->m))) != 0)
		goto out;
	if (closed) {
		r = IPPYO_ERR_POLL_CLOSED;
		goto out;
	}
	{
		size_t elen;
		const uint8_t *b = ippyo_entry_bytes(e, &elen);

		*entry = g_bytes_new(b, elen);
	}
out:
	if (r != 0 && *message == NULL)
		*message = g_strdup(ippyo_strerror(r));
	ippyo_entry_free(e);
	return r;
}

int
chain_election_check_official(ChainElection *el, const guint8 *body, gsize len,
    GBytes **entry, ChainEntryKind *kind, guint *trustee, guint64 *close_index,
    guint *threshold, char **message)
{
	ippyo_entry *e = NULL;
	uint64_t ci = 0, counted = 0;
	size_t nc = 0;
	int r;

	*entry = NULL;
	*message = NULL;
	*trustee = 0;
	*close_index = 0;
	*threshold = 0;
	/* 2. strict JSON, a well-formed entry */
	if ((r = ippyo_entry_parse(&e, body, len)) != 0)
		goto out;
	/* 3. a type taken here */
	switch (ippyo_entry_get_type(e)) {
	case IPPYO_ENTRY_CEREMONY:
		*kind = CHAIN_ENTRY_CEREMONY;
		break;
	case IPPYO_ENTRY_CLOSE:
		*kind = CHAIN_ENTRY_CLOSE;
		break;
	case IPPYO_ENTRY_DECRYPTION:
		*kind = CHAIN_ENTRY_DECRYPTION;
		break;
	case IPPYO_ENTRY_RESULT:
		*kind = CHAIN_ENTRY_RESULT;
		break;
	default:
		r = IPPYO_ERR_ENTRY_TYPE;
		*message = g_strdup_printf("a %s entry is not taken here (ceremony, close, "
		    "decryption and result are; ballots go to /v1/ballots)",
		    ippyo_entry_type_name(ippyo_entry_get_type(e)));
		goto out;
	}
	/* 4. this election */
	if (g_strcmp0(ippyo_entry_election_id(e), ippyo_manifest_election_id(el->m)) != 0) {
		r = IPPYO_ERR_WRONG_ELECTION;
		*message = g_strdup_printf("this chain is election %s", ippyo_manifest_election_id(el->m));
		goto out;
	}
	/* 5. its form against the manifest */
	if (*kind == CHAIN_ENTRY_DECRYPTION) {
		*trustee = ippyo_entry_trustee(e);
		if (*trustee < 1 || *trustee > ippyo_manifest_trustees_n(el->m)) {
			r = CHAIN_ERR_BAD_TRUSTEE;
			*message = g_strdup_printf("trustee %u: the manifest has trustees 1..%u",
			    *trustee, ippyo_manifest_trustees_n(el->m));
			goto out;
		}
	}
	if (*kind == CHAIN_ENTRY_RESULT) {
		if ((r = ippyo_entry_result(e, &ci, &counted, &nc)) != 0)
			goto out;
		if (nc != ippyo_manifest_contests(el->m))
			r = CHAIN_ERR_BAD_TOTALS;
		for (size_t c = 0; r == 0 && c < nc; c++)
			if (ippyo_entry_result_options(e, c) != ippyo_manifest_options(el->m, c))
				r = CHAIN_ERR_BAD_TOTALS;
		if (r != 0) {
			*message = g_strdup("the totals are not one row per contest of the manifest, "
			    "one number per option");
			goto out;
		}
		*close_index = ci;
		*threshold = ippyo_manifest_trustees_t(el->m);
	}
	/* 6. the officials' signature */
	if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(el->m))) != 0)
		goto out;
	{
		size_t elen;
		const uint8_t *b = ippyo_entry_bytes(e, &elen);

		*entry = g_bytes_new(b, elen);
	}
out:
	if (r != 0 && *message == NULL)
		*message = g_strdup(ippyo_strerror(r));
	ippyo_entry_free(e);
	return r;
}
