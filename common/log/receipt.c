/* ippyo — the voter's receipt as a C2SP tlog-proof. */
#include "log/receipt.h"

#include <string.h>

#include <openssl/crypto.h>

#include "encoding.h"
#include "error.h"
#include "log/decimal.h"

void
ippyo_receipt_free(ippyo_receipt *r)
{
	if (r == NULL)
		return;
	OPENSSL_free(r->extra);
	OPENSSL_free(r->checkpoint);
	OPENSSL_free(r);
}

int
ippyo_receipt_new(uint64_t index, const ippyo_merkle_proof *proof,
    const uint8_t *checkpoint_note, size_t checkpoint_len, const uint8_t *extra,
    size_t extra_len, ippyo_receipt **out)
{
	ippyo_receipt *rc = NULL;
	ippyo_note *n = NULL;
	int r;

	*out = NULL;
	if (proof->n > IPPYO_MERKLE_MAX_PROOF || extra_len > IPPYO_RECEIPT_MAX_EXTRA ||
	    (extra == NULL && extra_len != 0))
		return IPPYO_ERR_INVALID_ARGUMENT;
	/* The checkpoint must be a well-formed signed note. */
	if ((r = ippyo_note_parse(checkpoint_note, checkpoint_len, &n)) != 0)
		return r;
	ippyo_note_free(n);
	if ((rc = OPENSSL_zalloc(sizeof(*rc))) == NULL ||
	    (rc->checkpoint = OPENSSL_memdup(checkpoint_note, checkpoint_len)) == NULL ||
	    (extra_len > 0 && (rc->extra = OPENSSL_memdup(extra, extra_len)) == NULL)) {
		ippyo_receipt_free(rc);
		return IPPYO_ERR_ALLOC;
	}
	rc->checkpoint_len = checkpoint_len;
	rc->extra_len = extra_len;
	rc->index = index;
	rc->proof = *proof;
	*out = rc;
	return 0;
}

int
ippyo_receipt_serialize(const ippyo_receipt *rc, ippyo_buf *out)
{
	size_t i;
	int r;

	if ((r = ippyo_buf_put_str(out, IPPYO_RECEIPT_MAGIC "\n")) != 0)
		return r;
	if (rc->extra != NULL && rc->extra_len > 0 &&
	    ((r = ippyo_buf_put_str(out, "extra ")) != 0 ||
	    (r = ippyo_b64_put(out, rc->extra, rc->extra_len)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0))
		return r;
	if ((r = ippyo_buf_put_str(out, "index ")) != 0 ||
	    (r = ippyo_log_put_u64(out, rc->index)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0)
		return r;
	for (i = 0; i < rc->proof.n; i++)
		if ((r = ippyo_b64_put(out, rc->proof.hash[i], IPPYO_HASH_BYTES)) != 0 ||
		    (r = ippyo_buf_put_u8(out, '\n')) != 0)
			return r;
	if ((r = ippyo_buf_put_u8(out, '\n')) != 0)
		return r;
	return ippyo_buf_put(out, rc->checkpoint, rc->checkpoint_len);
}

/* The next line of [*p, end) without its newline; 0 when there is none. */
static int
next_line(const uint8_t **p, const uint8_t *end, const char **line, size_t *len)
{
	const uint8_t *nl;

	if (*p >= end || (nl = memchr(*p, '\n', (size_t)(end - *p))) == NULL)
		return 0;
	*line = (const char *)*p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return 1;
}

int
ippyo_receipt_parse(const uint8_t *text, size_t len, ippyo_receipt **out)
{
	const uint8_t *p = text, *end;
	uint8_t extra[IPPYO_RECEIPT_MAX_EXTRA], h[IPPYO_HASH_BYTES + 1];
	size_t llen, extra_len = 0, hlen;
	ippyo_merkle_proof proof;
	const char *line;
	uint64_t index;
	int have_extra = 0, r;

	*out = NULL;
	ippyo_merkle_proof_init(&proof);
	if (len > IPPYO_RECEIPT_MAX_BYTES)
		return IPPYO_ERR_LIMIT;
	/* An empty body may come as NULL (GBytes): NULL + 0 is undefined. */
	if (text == NULL)
		return IPPYO_ERR_RECEIPT_FORMAT;
	end = text + len;
	if (!next_line(&p, end, &line, &llen) || llen != strlen(IPPYO_RECEIPT_MAGIC) ||
	    memcmp(line, IPPYO_RECEIPT_MAGIC, llen) != 0)
		return IPPYO_ERR_RECEIPT_FORMAT;
	if (!next_line(&p, end, &line, &llen))
		return IPPYO_ERR_RECEIPT_FORMAT;
	if (llen >= 6 && memcmp(line, "extra ", 6) == 0) {
		if (llen == 6 || ippyo_b64_decode(line + 6, llen - 6, extra, sizeof(extra),
		    &extra_len) != 0 || extra_len == 0)
			return IPPYO_ERR_RECEIPT_FORMAT;
		have_extra = 1;
		if (!next_line(&p, end, &line, &llen))
			return IPPYO_ERR_RECEIPT_FORMAT;
	}
	if (llen < 6 || memcmp(line, "index ", 6) != 0 ||
	    ippyo_log_parse_u64(line + 6, llen - 6, &index) != 0)
		return IPPYO_ERR_RECEIPT_FORMAT;
	/* Proof lines up to the empty line. */
	for (;;) {
		if (!next_line(&p, end, &line, &llen))
			return IPPYO_ERR_RECEIPT_FORMAT;
		if (llen == 0)
			break;
		if (ippyo_b64_decode(line, llen, h, sizeof(h), &hlen) != 0 ||
		    ippyo_merkle_proof_add(&proof, h, hlen) != 0)
			return IPPYO_ERR_RECEIPT_FORMAT;
	}
	/* The rest is the checkpoint, verbatim. */
	r = ippyo_receipt_new(index, &proof, p, (size_t)(end - p), have_extra ? extra : NULL,
	    extra_len, out);
	if (r != 0 && r != IPPYO_ERR_ALLOC)
		r = IPPYO_ERR_RECEIPT_FORMAT;
	return r;
}

int
ippyo_receipt_verify_leaf(const ippyo_receipt *rc, const uint8_t leaf_hash[IPPYO_HASH_BYTES],
    const char *origin, const ippyo_note_verifier *log_key, const ippyo_policy *policy,
    ippyo_checkpoint **cp_out)
{
	ippyo_checkpoint *c = NULL;
	ippyo_note *n = NULL;
	int r;

	if (cp_out != NULL)
		*cp_out = NULL;
	if ((r = ippyo_checkpoint_open(rc->checkpoint, rc->checkpoint_len, origin, log_key,
	    &c, &n)) != 0)
		goto out;
	if (policy != NULL && (r = ippyo_policy_check_note(policy, n)) != 0)
		goto out;
	if ((r = ippyo_merkle_verify_inclusion(NULL, rc->index, c->size, leaf_hash,
	    IPPYO_HASH_BYTES, &rc->proof, c->root, IPPYO_HASH_BYTES)) != 0)
		goto out;
	if (cp_out != NULL) {
		*cp_out = c;
		c = NULL;
	}
 out:
	ippyo_checkpoint_free(c);
	ippyo_note_free(n);
	return r;
}

int
ippyo_receipt_verify(const ippyo_receipt *rc, const uint8_t *entry, size_t entry_len,
    const char *origin, const ippyo_note_verifier *log_key, const ippyo_policy *policy,
    ippyo_checkpoint **cp_out)
{
	uint8_t lh[IPPYO_HASH_BYTES];
	int r;

	if (cp_out != NULL)
		*cp_out = NULL;
	if ((r = ippyo_merkle_hash_leaf(NULL, entry, entry_len, lh)) != 0)
		return r;
	return ippyo_receipt_verify_leaf(rc, lh, origin, log_key, policy, cp_out);
}
