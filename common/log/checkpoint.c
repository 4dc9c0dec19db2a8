/* ippyo — C2SP tlog-checkpoint. */
#include "log/checkpoint.h"

#include <string.h>

#include <openssl/crypto.h>

#include "encoding.h"
#include "error.h"
#include "log/decimal.h"

void
ippyo_checkpoint_free(ippyo_checkpoint *c)
{
	if (c == NULL)
		return;
	OPENSSL_free(c->origin);
	OPENSSL_free(c->extensions);
	OPENSSL_free(c);
}

int
ippyo_checkpoint_new(const char *origin, uint64_t size, const uint8_t root[IPPYO_HASH_BYTES],
    ippyo_checkpoint **out)
{
	ippyo_checkpoint *c;

	*out = NULL;
	/* ippyo's origins are also the log's key name. */
	if (origin == NULL || !ippyo_note_name_valid(origin, strlen(origin)) ||
	    strlen(origin) > IPPYO_CHECKPOINT_MAX_ORIGIN)
		return IPPYO_ERR_CHECKPOINT_FORMAT;
	if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL ||
	    (c->origin = OPENSSL_strdup(origin)) == NULL) {
		ippyo_checkpoint_free(c);
		return IPPYO_ERR_ALLOC;
	}
	c->size = size;
	memcpy(c->root, root, IPPYO_HASH_BYTES);
	*out = c;
	return 0;
}

int
ippyo_checkpoint_parse(const uint8_t *text, size_t len, ippyo_checkpoint **out)
{
	ippyo_checkpoint *c = NULL;
	ippyo_note *valid = NULL;
	const char *p = (const char *)text, *nl[3];
	uint8_t root[IPPYO_HASH_BYTES + 1];
	char *origin = NULL;
	uint64_t size;
	size_t rlen, i, off;
	int r = IPPYO_ERR_CHECKPOINT_FORMAT;

	*out = NULL;
	if (len > IPPYO_CHECKPOINT_MAX_TEXT)
		return IPPYO_ERR_LIMIT;
	/* Valid note text: UTF-8, no control character but "\n", final "\n". */
	if (ippyo_note_new(text, len, &valid) != 0)
		return IPPYO_ERR_CHECKPOINT_FORMAT;
	ippyo_note_free(valid);
	off = 0;
	for (i = 0; i < 3; i++) {
		if ((nl[i] = memchr(p + off, '\n', len - off)) == NULL)
			return IPPYO_ERR_CHECKPOINT_FORMAT;
		off = (size_t)(nl[i] - p) + 1;
	}
	if ((origin = OPENSSL_strndup(p, (size_t)(nl[0] - p))) == NULL)
		return IPPYO_ERR_ALLOC;
	if (strlen(origin) != (size_t)(nl[0] - p))
		goto out;
	if (ippyo_log_parse_u64(nl[0] + 1, (size_t)(nl[1] - nl[0] - 1), &size) != 0)
		goto out;
	if (ippyo_b64_decode(nl[1] + 1, (size_t)(nl[2] - nl[1] - 1), root, sizeof(root),
	    &rlen) != 0 || rlen != IPPYO_HASH_BYTES)
		goto out;
	if ((r = ippyo_checkpoint_new(origin, size, root, &c)) != 0) {
		if (r != IPPYO_ERR_ALLOC)
			r = IPPYO_ERR_CHECKPOINT_FORMAT;
		goto out;
	}
	r = IPPYO_ERR_CHECKPOINT_FORMAT;
	/* Extension lines: each non-empty. */
	if (off < len) {
		const char *q = p + off, *e = p + len;

		while (q < e) {
			const char *n = memchr(q, '\n', (size_t)(e - q));

			if (n == q)
				goto out;
			q = n + 1;
		}
		if ((c->extensions = OPENSSL_strndup(p + off, len - off)) == NULL) {
			r = IPPYO_ERR_ALLOC;
			goto out;
		}
	}
	*out = c;
	c = NULL;
	r = 0;
 out:
	ippyo_checkpoint_free(c);
	OPENSSL_free(origin);
	return r;
}

int
ippyo_checkpoint_format(const ippyo_checkpoint *c, ippyo_buf *out)
{
	int r;

	if ((r = ippyo_buf_put_str(out, c->origin)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0 ||
	    (r = ippyo_log_put_u64(out, c->size)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0 ||
	    (r = ippyo_b64_put(out, c->root, IPPYO_HASH_BYTES)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0)
		return r;
	if (c->extensions != NULL)
		return ippyo_buf_put_str(out, c->extensions);
	return 0;
}

int
ippyo_checkpoint_sign(const ippyo_checkpoint *c, const ippyo_note_signer *log_key,
    char **note_out, size_t *note_len)
{
	ippyo_buf *b = NULL, *nb = NULL;
	ippyo_note *n = NULL;
	uint8_t *p;
	size_t len;
	int r;

	*note_out = NULL;
	*note_len = 0;
	if (strcmp(ippyo_note_signer_name(log_key), c->origin) != 0)
		return IPPYO_ERR_WRONG_ORIGIN;
	if ((b = ippyo_buf_new(IPPYO_CHECKPOINT_MAX_TEXT)) == NULL ||
	    (nb = ippyo_buf_new(IPPYO_NOTE_MAX_BYTES)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((r = ippyo_checkpoint_format(c, b)) != 0 ||
	    (r = ippyo_note_new(ippyo_buf_data(b), ippyo_buf_len(b), &n)) != 0 ||
	    (r = ippyo_note_sign(n, log_key)) != 0 ||
	    (r = ippyo_note_serialize(n, nb)) != 0)
		goto out;
	len = ippyo_buf_len(nb);
	if ((r = ippyo_buf_put_u8(nb, 0)) != 0 || (r = ippyo_buf_steal(nb, &p, &len)) != 0)
		goto out;
	*note_out = (char *)p;
	*note_len = len - 1;
 out:
	ippyo_note_free(n);
	ippyo_buf_free(b);
	ippyo_buf_free(nb);
	return r;
}

int
ippyo_checkpoint_open(const uint8_t *note, size_t len, const char *origin,
    const ippyo_note_verifier *log_key, ippyo_checkpoint **cp_out, ippyo_note **note_out)
{
	ippyo_checkpoint *c = NULL;
	ippyo_note *n = NULL;
	const ippyo_note_verifier *keys[1] = { log_key };
	int r;

	*cp_out = NULL;
	if (note_out != NULL)
		*note_out = NULL;
	if (strcmp(ippyo_note_verifier_name(log_key), origin) != 0 ||
	    ippyo_note_verifier_type(log_key) != IPPYO_NOTE_TYPE_ED25519)
		return IPPYO_ERR_WRONG_ORIGIN;
	if ((r = ippyo_note_parse(note, len, &n)) != 0)
		goto out;
	if ((r = ippyo_note_verify(n, keys, 1, NULL, NULL)) != 0)
		goto out;
	if ((r = ippyo_checkpoint_parse(n->text, n->text_len, &c)) != 0)
		goto out;
	if (strcmp(c->origin, origin) != 0) {
		r = IPPYO_ERR_WRONG_ORIGIN;
		goto out;
	}
	*cp_out = c;
	c = NULL;
	if (note_out != NULL) {
		*note_out = n;
		n = NULL;
	}
 out:
	ippyo_checkpoint_free(c);
	ippyo_note_free(n);
	return r;
}
