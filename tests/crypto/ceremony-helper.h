/* A whole key ceremony through its JSON files, as trustees on separate machines would run it. */
#pragma once

#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/ceremony.h"
#include "error.h"

typedef struct {
	ippyo_ceremony_params p;
	char *secret_json[IPPYO_CEREMONY_MAX_TRUSTEES + 1];      /* [i], round 1 */
	char *commit_json[IPPYO_CEREMONY_MAX_TRUSTEES + 1];      /* [i], round 1 */
	char *share_json[IPPYO_CEREMONY_MAX_TRUSTEES + 1][IPPYO_CEREMONY_MAX_TRUSTEES + 1]; /* [i][j] */
	char *key_json[IPPYO_CEREMONY_MAX_TRUSTEES + 1];         /* [j], round 3 */
	ippyo_trustee_key *keys[IPPYO_CEREMONY_MAX_TRUSTEES + 1];
	ippyo_ceremony_result *result;
} cer_run;

/* A "file": a GLib copy of the text, the library's buffer wiped and freed. */
static G_GNUC_UNUSED char *
cer_file(char *text, size_t len)
{
	char *f = g_strndup(text, len);

	g_assert_cmpuint(strlen(text), ==, len);
	OPENSSL_clear_free(text, len);
	return f;
}

static G_GNUC_UNUSED void
cer_params(ippyo_ceremony_params *p, uint32_t t, uint32_t n, const char *label)
{
	memset(p, 0, sizeof(*p));
	g_assert_cmpint(ippyo_sha256(label, strlen(label), p->context), ==, 0);
	p->threshold = t;
	p->trustees = n;
}

static G_GNUC_UNUSED ippyo_ceremony_commitments *
cer_load_commitments(const char *json)
{
	ippyo_ceremony_commitments *c = NULL;

	g_assert_cmpint(ippyo_ceremony_commitments_from_json(&c, json, strlen(json)), ==, 0);
	return c;
}

static G_GNUC_UNUSED ippyo_trustee_secret *
cer_load_secret(const char *json)
{
	ippyo_trustee_secret *s = NULL;

	g_assert_cmpint(ippyo_trustee_secret_from_json(&s, json, strlen(json)), ==, 0);
	return s;
}

/* Rounds 1 and 2 for every trustee. */
static G_GNUC_UNUSED void
cer_rounds12(cer_run *r, uint32_t t, uint32_t n, const char *label)
{
	uint32_t i, j;

	memset(r, 0, sizeof(*r));
	cer_params(&r->p, t, n, label);
	for (i = 1; i <= n; i++) {
		ippyo_trustee_secret *s = NULL;
		ippyo_ceremony_commitments *c = NULL;
		char *text;
		size_t len;

		g_assert_cmpint(ippyo_ceremony_round1(&r->p, i, &s, &c), ==, 0);
		g_assert_cmpint(ippyo_trustee_secret_to_json(s, &text, &len), ==, 0);
		r->secret_json[i] = cer_file(text, len);
		g_assert_cmpint(ippyo_ceremony_commitments_to_json(c, &text, &len), ==, 0);
		r->commit_json[i] = cer_file(text, len);
		ippyo_trustee_secret_free(s);
		ippyo_ceremony_commitments_free(c);
	}
	for (i = 1; i <= n; i++) {
		ippyo_trustee_secret *s = cer_load_secret(r->secret_json[i]);

		for (j = 1; j <= n; j++) {
			ippyo_ceremony_commitments *c;
			ippyo_ceremony_share *sh = NULL;
			char *text;
			size_t len;

			if (j == i)
				continue;
			c = cer_load_commitments(r->commit_json[j]);
			g_assert_cmpint(ippyo_ceremony_round2(s, c, &sh), ==, 0);
			g_assert_cmpint(ippyo_ceremony_share_to_json(sh, &text, &len), ==, 0);
			r->share_json[i][j] = cer_file(text, len);
			ippyo_ceremony_share_free(sh);
			ippyo_ceremony_commitments_free(c);
		}
		ippyo_trustee_secret_free(s);
	}
}

/*
 * Round 3 for trustee j from the files: returns the error; on success
 * *key and *result are set.
 */
static G_GNUC_UNUSED int
cer_round3(cer_run *r, uint32_t j, ippyo_trustee_key **key, ippyo_ceremony_result **result,
    uint32_t *bad)
{
	ippyo_ceremony_commitments *all[IPPYO_CEREMONY_MAX_TRUSTEES];
	ippyo_ceremony_share *shares[IPPYO_CEREMONY_MAX_TRUSTEES];
	ippyo_trustee_secret *s = cer_load_secret(r->secret_json[j]);
	size_t ns = 0;
	int e;

	/* Files arrive in any order: take them from the last to the first. */
	for (uint32_t i = r->p.trustees; i >= 1; i--) {
		all[r->p.trustees - i] = cer_load_commitments(r->commit_json[i]);
		if (i != j && r->share_json[i][j] != NULL) {
			const char *txt = r->share_json[i][j];

			e = ippyo_ceremony_share_from_json(&shares[ns], txt, strlen(txt));
			g_assert_cmpint(e, ==, 0);
			ns++;
		}
	}
	e = ippyo_ceremony_round3(s, all, r->p.trustees, shares, ns, key, result, bad);
	for (uint32_t i = 0; i < r->p.trustees; i++)
		ippyo_ceremony_commitments_free(all[i]);
	for (size_t i = 0; i < ns; i++)
		ippyo_ceremony_share_free(shares[i]);
	ippyo_trustee_secret_free(s);
	return e;
}

/* The whole ceremony; every trustee's key share goes through its file too. */
static G_GNUC_UNUSED void
cer_run_files(cer_run *r, uint32_t t, uint32_t n, const char *label)
{
	cer_rounds12(r, t, n, label);
	for (uint32_t j = 1; j <= n; j++) {
		ippyo_trustee_key *k = NULL;
		ippyo_ceremony_result *res = NULL;
		uint32_t bad = 99;
		char *text;
		size_t len;

		g_assert_cmpint(cer_round3(r, j, &k, &res, &bad), ==, 0);
		g_assert_cmpuint(bad, ==, 0);
		g_assert_cmpint(ippyo_trustee_key_to_json(k, &text, &len), ==, 0);
		r->key_json[j] = cer_file(text, len);
		g_assert_cmpint(ippyo_trustee_key_from_json(&r->keys[j], r->key_json[j],
		    strlen(r->key_json[j])), ==, 0);
		ippyo_trustee_key_free(k);
		if (r->result == NULL) {
			g_assert_cmpint(ippyo_ceremony_result_to_json(res, &text, &len), ==, 0);
			text = cer_file(text, len);
			g_assert_cmpint(ippyo_ceremony_result_from_json(&r->result, text,
			    strlen(text)), ==, 0);
			g_free(text);
		}
		/* Every trustee computes the same public result. */
		g_assert_cmpint(ippyo_ceremony_result_eq(res, r->result), ==, 1);
		ippyo_ceremony_result_free(res);
	}
}

static G_GNUC_UNUSED void
cer_run_clear(cer_run *r)
{
	for (uint32_t i = 0; i <= IPPYO_CEREMONY_MAX_TRUSTEES; i++) {
		g_free(r->secret_json[i]);
		g_free(r->commit_json[i]);
		g_free(r->key_json[i]);
		for (uint32_t j = 0; j <= IPPYO_CEREMONY_MAX_TRUSTEES; j++)
			g_free(r->share_json[i][j]);
		ippyo_trustee_key_free(r->keys[i]);
	}
	ippyo_ceremony_result_free(r->result);
	memset(r, 0, sizeof(*r));
}
