/* ippyo — C2SP tlog-policy: logs, witnesses, groups and the quorum. */
#include "log/policy.h"

#include <string.h>

#include <openssl/crypto.h>

#include "error.h"
#include "log/decimal.h"

#define MAX_NODES (IPPYO_POLICY_MAX_WITNESSES + IPPYO_POLICY_MAX_GROUPS)
#define MAX_TOKENS (MAX_NODES + 4)
#define QUORUM_NONE (-1)
#define QUORUM_UNSET (-2)

/* A witness (witness >= 0) or a group (k members of members[]). */
struct node {
	char *name;
	int witness;                   /* index into witnesses, or -1 for a group */
	unsigned k, nmembers;
	int members[MAX_NODES];
};

struct ippyo_policy {
	ippyo_note_verifier *logs[IPPYO_POLICY_MAX_LOGS];
	size_t nlogs;
	ippyo_note_verifier *witnesses[IPPYO_POLICY_MAX_WITNESSES];
	size_t nwitnesses;
	struct node nodes[MAX_NODES];
	size_t nnodes, ngroups;
	int quorum;
};

void
ippyo_policy_free(ippyo_policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nlogs; i++)
		ippyo_note_verifier_free(p->logs[i]);
	for (i = 0; i < p->nwitnesses; i++)
		ippyo_note_verifier_free(p->witnesses[i]);
	for (i = 0; i < p->nnodes; i++)
		OPENSSL_free(p->nodes[i].name);
	OPENSSL_free(p);
}

static int
find_node(const ippyo_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nnodes; i++)
		if (strcmp(p->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
new_name_ok(const ippyo_policy *p, const char *name)
{
	return strcmp(name, "none") != 0 && find_node(p, name) < 0;
}

static int
dup_key(ippyo_note_verifier *const *list, size_t n, const ippyo_note_verifier *v)
{
	size_t i;

	/* Duplicate: the same public key, whatever the name or type. */
	for (i = 0; i < n; i++)
		if (memcmp(ippyo_note_verifier_public(list[i]), ippyo_note_verifier_public(v),
		    IPPYO_ED25519_PUBLIC_BYTES) == 0)
			return 1;
	return 0;
}

/* Handles one line split into tokens. */
static int
policy_line(ippyo_policy *p, char **tok, size_t nt)
{
	ippyo_note_verifier *v = NULL;
	struct node *nd;
	uint64_t k;
	size_t i, j;
	int m;

	if (strcmp(tok[0], "log") == 0) {
		if (nt < 2 || nt > 3)
			return IPPYO_ERR_POLICY_FORMAT;
		if (p->nlogs >= IPPYO_POLICY_MAX_LOGS)
			return IPPYO_ERR_LIMIT;
		if (ippyo_note_verifier_parse(tok[1], &v) != 0 ||
		    ippyo_note_verifier_type(v) != IPPYO_NOTE_TYPE_ED25519 ||
		    dup_key(p->logs, p->nlogs, v)) {
			ippyo_note_verifier_free(v);
			return IPPYO_ERR_BAD_KEY;
		}
		p->logs[p->nlogs++] = v;
		return 0;
	}
	if (strcmp(tok[0], "witness") == 0) {
		if (nt < 3 || nt > 4)
			return IPPYO_ERR_POLICY_FORMAT;
		if (p->nwitnesses >= IPPYO_POLICY_MAX_WITNESSES || p->nnodes >= MAX_NODES)
			return IPPYO_ERR_LIMIT;
		if (!new_name_ok(p, tok[1]))
			return IPPYO_ERR_POLICY_FORMAT;
		if (ippyo_note_verifier_parse(tok[2], &v) != 0 ||
		    ippyo_note_verifier_type(v) != IPPYO_NOTE_TYPE_COSIGNATURE ||
		    dup_key(p->witnesses, p->nwitnesses, v)) {
			ippyo_note_verifier_free(v);
			return IPPYO_ERR_BAD_KEY;
		}
		nd = &p->nodes[p->nnodes];
		if ((nd->name = OPENSSL_strdup(tok[1])) == NULL) {
			ippyo_note_verifier_free(v);
			return IPPYO_ERR_ALLOC;
		}
		nd->witness = (int)p->nwitnesses;
		p->witnesses[p->nwitnesses++] = v;
		p->nnodes++;
		return 0;
	}
	if (strcmp(tok[0], "group") == 0) {
		if (nt < 4)
			return IPPYO_ERR_POLICY_FORMAT;
		if (p->ngroups >= IPPYO_POLICY_MAX_GROUPS || p->nnodes >= MAX_NODES ||
		    nt - 3 > MAX_NODES)
			return IPPYO_ERR_LIMIT;
		if (!new_name_ok(p, tok[1]))
			return IPPYO_ERR_POLICY_FORMAT;
		nd = &p->nodes[p->nnodes];
		nd->witness = -1;
		nd->nmembers = (unsigned)(nt - 3);
		if (strcmp(tok[2], "all") == 0)
			k = nd->nmembers;
		else if (strcmp(tok[2], "any") == 0)
			k = 1;
		else if (ippyo_log_parse_u64(tok[2], strlen(tok[2]), &k) != 0 || k < 1 ||
		    k > nd->nmembers)
			return IPPYO_ERR_POLICY_FORMAT;
		nd->k = (unsigned)k;
		for (i = 3; i < nt; i++) {
			if ((m = find_node(p, tok[i])) < 0)
				return IPPYO_ERR_POLICY_FORMAT;   /* undefined, or "none" */
			for (j = 3; j < i; j++)
				if (strcmp(tok[j], tok[i]) == 0)
					return IPPYO_ERR_POLICY_FORMAT;
			nd->members[i - 3] = m;
		}
		if ((nd->name = OPENSSL_strdup(tok[1])) == NULL)
			return IPPYO_ERR_ALLOC;
		p->nnodes++;
		p->ngroups++;
		return 0;
	}
	if (strcmp(tok[0], "quorum") == 0) {
		if (nt != 2 || p->quorum != QUORUM_UNSET)
			return IPPYO_ERR_POLICY_FORMAT;
		if (strcmp(tok[1], "none") == 0)
			p->quorum = QUORUM_NONE;
		else if ((p->quorum = find_node(p, tok[1])) < 0)
			return IPPYO_ERR_POLICY_FORMAT;
		return 0;
	}
	return IPPYO_ERR_POLICY_FORMAT;
}

int
ippyo_policy_parse(const uint8_t *text, size_t len, ippyo_policy **out)
{
	ippyo_policy *p = NULL;
	char *copy = NULL, *line, *e, *tok[MAX_TOKENS], *q;
	size_t i, nt;
	int r = IPPYO_ERR_ALLOC;

	*out = NULL;
	if (len > IPPYO_POLICY_MAX_BYTES)
		return IPPYO_ERR_LIMIT;
	/* Octets: tab, newline, 0x20-0x7e, 0x80-0xff; lines end in newline. */
	for (i = 0; i < len; i++)
		if (!(text[i] == '\t' || text[i] == '\n' || (text[i] >= 0x20 && text[i] != 0x7f)))
			return IPPYO_ERR_POLICY_FORMAT;
	if (len > 0 && text[len - 1] != '\n')
		return IPPYO_ERR_POLICY_FORMAT;
	if ((p = OPENSSL_zalloc(sizeof(*p))) == NULL ||
	    (copy = OPENSSL_malloc(len + 1)) == NULL)
		goto out;
	p->quorum = QUORUM_UNSET;
	if (len > 0)
		memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; *line != '\0'; line = e + 1) {
		e = strchr(line, '\n');
		*e = '\0';
		nt = 0;
		q = line;
		for (;;) {
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '\0')
				break;
			if (nt == 0 && *q == '#')
				break;          /* a comment line */
			if (nt >= MAX_TOKENS) {
				r = IPPYO_ERR_LIMIT;
				goto out;
			}
			tok[nt++] = q;
			while (*q != '\0' && *q != ' ' && *q != '\t')
				q++;
			if (*q != '\0')
				*q++ = '\0';
		}
		if (nt == 0)
			continue;
		if ((r = policy_line(p, tok, nt)) != 0)
			goto out;
	}
	if (p->quorum == QUORUM_UNSET) {
		r = IPPYO_ERR_POLICY_FORMAT;
		goto out;
	}
	*out = p;
	p = NULL;
	r = 0;
 out:
	OPENSSL_free(copy);
	ippyo_policy_free(p);
	return r;
}

size_t
ippyo_policy_log_count(const ippyo_policy *p)
{
	return p->nlogs;
}

const ippyo_note_verifier *
ippyo_policy_log(const ippyo_policy *p, size_t i)
{
	return i < p->nlogs ? p->logs[i] : NULL;
}

size_t
ippyo_policy_witness_count(const ippyo_policy *p)
{
	return p->nwitnesses;
}

const ippyo_note_verifier *
ippyo_policy_witness(const ippyo_policy *p, size_t i)
{
	return i < p->nwitnesses ? p->witnesses[i] : NULL;
}

int
ippyo_policy_quorum_none(const ippyo_policy *p)
{
	return p->quorum == QUORUM_NONE;
}

int
ippyo_policy_quorum_met(const ippyo_policy *p, const int *cosigned)
{
	int ok[MAX_NODES];
	size_t i;
	unsigned j, c;

	if (p->quorum == QUORUM_NONE)
		return 0;
	/* Groups only name earlier nodes: one pass in order. */
	for (i = 0; i < p->nnodes; i++) {
		const struct node *nd = &p->nodes[i];

		if (nd->witness >= 0) {
			ok[i] = cosigned[nd->witness] != 0;
			continue;
		}
		for (j = 0, c = 0; j < nd->nmembers; j++)
			c += ok[nd->members[j]] ? 1 : 0;
		ok[i] = c >= nd->k;
	}
	return ok[p->quorum] ? 0 : IPPYO_ERR_QUORUM;
}

int
ippyo_policy_check_note(const ippyo_policy *p, const ippyo_note *n)
{
	int cosigned[IPPYO_POLICY_MAX_WITNESSES];
	int r;

	memset(cosigned, 0, sizeof(cosigned));
	if (p->nwitnesses > 0) {
		r = ippyo_note_verify(n, (const ippyo_note_verifier *const *)p->witnesses,
		    p->nwitnesses, cosigned, NULL);
		if (r == IPPYO_ERR_NOTE_SIGNATURE)
			return IPPYO_ERR_COSIGNATURE;
		if (r != 0 && r != IPPYO_ERR_NOTE_UNKNOWN_KEY)
			return r;
	}
	return ippyo_policy_quorum_met(p, cosigned);
}

int
ippyo_policy_verify_checkpoint(const ippyo_policy *p, const uint8_t *note, size_t len,
    ippyo_checkpoint **cp_out)
{
	const ippyo_note_verifier *keys[IPPYO_POLICY_MAX_LOGS];
	ippyo_checkpoint *c = NULL;
	ippyo_note *n = NULL;
	size_t i, nk = 0;
	int r;

	*cp_out = NULL;
	if ((r = ippyo_note_parse(note, len, &n)) != 0)
		goto out;
	if ((r = ippyo_checkpoint_parse(n->text, n->text_len, &c)) != 0)
		goto out;
	for (i = 0; i < p->nlogs; i++)
		if (strcmp(ippyo_note_verifier_name(p->logs[i]), c->origin) == 0)
			keys[nk++] = p->logs[i];
	if (nk == 0) {
		r = IPPYO_ERR_WRONG_ORIGIN;
		goto out;
	}
	if ((r = ippyo_note_verify(n, keys, nk, NULL, NULL)) != 0)
		goto out;
	if ((r = ippyo_policy_check_note(p, n)) != 0)
		goto out;
	*cp_out = c;
	c = NULL;
 out:
	ippyo_checkpoint_free(c);
	ippyo_note_free(n);
	return r;
}
