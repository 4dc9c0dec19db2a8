/* ippyo-chaind — the voters' card certificates: JPKI auth CAs and CRLs. */
#include "chain-cards.h"

#include <openssl/evp.h>
#include <string.h>

#include "card/cert.h"
#include "chain-error.h"
#include "error.h"

/*
 * Certificates that passed the whole check (parse, chain, CA signature,
 * CRL), keyed by SHA-256 of their exact DER bytes, with the time window in
 * which that answer holds. The CAs and CRLs are fixed for the life of a
 * ChainCards (new CRLs mean a new ChainCards, so a new cache), so the only
 * thing that can change the answer for the same bytes is the time: the
 * window is the intersection of the leaf's, every CA's and every CRL's
 * validity (narrower than needed when there are several CAs: then it only
 * re-checks more often). Only successes are kept; a rejection is computed
 * again every time.
 */
#define CARDS_CACHE_MAX (1u << 18)    /* ~20 MB; full: emptied, then refilled */

typedef struct {
	guint8 fp[32];
	gint64 from, until;            /* the answer holds for from < now < until */
} CachedCert;

typedef struct {
	GMutex lock;
	GHashTable *verified;          /* CachedCert* (key: its fp) */
	gint64 hits, misses;
} CardsCache;

struct ChainCards {
	GPtrArray *cas;               /* ippyo_cert* */
	GPtrArray *crls;              /* ippyo_crl* */
	GByteArray *fingerprints;     /* 32 bytes per CA */
	gint64 from, until;           /* intersection of the CAs' and CRLs' validity */
	CardsCache *cache;
};

static guint
fp_hash(gconstpointer k)
{
	guint h;

	memcpy(&h, k, sizeof(h));     /* SHA-256 output: any 4 bytes are uniform */
	return h;
}

static gboolean
fp_equal(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 32) == 0;
}

void
chain_cards_free(ChainCards *c)
{
	if (c == NULL)
		return;
	g_ptr_array_unref(c->cas);
	g_ptr_array_unref(c->crls);
	g_byte_array_unref(c->fingerprints);
	if (c->cache != NULL) {
		g_hash_table_unref(c->cache->verified);
		g_mutex_clear(&c->cache->lock);
		g_free(c->cache);
	}
	g_free(c);
}

ChainCards *
chain_cards_load(char *const *ca_paths, char *const *crl_paths, GError **error)
{
	g_autoptr(ChainCards) c = g_new0(ChainCards, 1);

	c->cas = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_cert_free);
	c->crls = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_crl_free);
	c->fingerprints = g_byte_array_new();
	c->from = G_MININT64;
	c->until = G_MAXINT64;
	c->cache = g_new0(CardsCache, 1);
	g_mutex_init(&c->cache->lock);
	c->cache->verified = g_hash_table_new_full(fp_hash, fp_equal, NULL, g_free);
	for (char *const *p = ca_paths; p != NULL && *p != NULL; p++) {
		ippyo_cert *cert = NULL;
		guint8 fp[32];
		const uint8_t *der;
		size_t len;
		int64_t nb, na;
		int r;

		if ((r = ippyo_cert_load_file(*p, &cert)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		g_ptr_array_add(c->cas, cert);
		if ((r = ippyo_cert_validity(cert, &nb, &na)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		c->from = MAX(c->from, nb);
		c->until = MIN(c->until, na);
		der = ippyo_cert_der(cert, &len);
		if (EVP_Digest(der, len, fp, NULL, EVP_sha256(), NULL) != 1) {
			chain_set_ippyo_error(error, IPPYO_ERR_INTERNAL, "SHA-256");
			return NULL;
		}
		g_byte_array_append(c->fingerprints, fp, sizeof(fp));
	}
	if (c->cas->len == 0) {
		chain_set_ippyo_error(error, IPPYO_ERR_INVALID_ARGUMENT, "no JPKI CA certificate");
		return NULL;
	}
	for (char *const *p = crl_paths; p != NULL && *p != NULL; p++) {
		ippyo_crl *crl = NULL;
		int64_t tu, nu;
		int r;

		if ((r = ippyo_crl_load_file(*p, &crl)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		g_ptr_array_add(c->crls, crl);
		if ((r = ippyo_crl_validity(crl, &tu, &nu)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		c->from = MAX(c->from, tu);
		c->until = MIN(c->until, nu);
	}
	return g_steal_pointer(&c);
}

gsize
chain_cards_ca_count(const ChainCards *c)
{
	return c->cas->len;
}

const guint8 *
chain_cards_ca_fingerprint(const ChainCards *c, gsize i)
{
	if (i >= c->cas->len)
		return NULL;
	return c->fingerprints->data + i * 32;
}

static void
append_der_array(GString *s, const char *name, GPtrArray *items, gboolean crls)
{
	g_string_append_printf(s, "\"%s\":[", name);
	for (guint i = 0; i < items->len; i++) {
		g_autofree char *b64 = NULL;
		const uint8_t *der;
		size_t len;

		if (crls)
			der = ippyo_crl_der(items->pdata[i], &len);
		else
			der = ippyo_cert_der(items->pdata[i], &len);
		b64 = g_base64_encode(der, len);
		g_string_append_printf(s, "%s\"%s\"", i > 0 ? "," : "", b64);
	}
	g_string_append_c(s, ']');
}

GBytes *
chain_cards_jpki_json(const ChainCards *c)
{
	GString *s = g_string_new("{");

	append_der_array(s, "ca", c->cas, FALSE);
	g_string_append_c(s, ',');
	append_der_array(s, "crl", c->crls, TRUE);
	g_string_append_c(s, '}');
	return g_string_free_to_bytes(s);
}

/* The full check of a parsed leaf; *from and *until bound the time a success holds for. */
static int
check_leaf(const ChainCards *c, const ippyo_cert *leaf, gint64 now, gint64 *from, gint64 *until)
{
	int r, result = IPPYO_ERR_CRL_INVALID;
	int64_t nb, na;

	*from = G_MAXINT64;
	*until = G_MININT64;
	if (ippyo_cert_validity(leaf, &nb, &na) == 0) {
		*from = MAX(c->from, nb);
		*until = MIN(c->until, na);
	}
	if (c->crls->len == 0)
		return ippyo_cert_verify_chain(leaf, (const ippyo_cert *const *)c->cas->pdata,
		    c->cas->len, NULL, now);
	/*
	 * One CRL per CA: the CRL of another CA does not apply (CRL_INVALID);
	 * any definite answer (valid, revoked, expired, untrusted) stands.
	 */
	for (guint i = 0; i < c->crls->len; i++) {
		r = ippyo_cert_verify_chain(leaf, (const ippyo_cert *const *)c->cas->pdata,
		    c->cas->len, c->crls->pdata[i], now);
		if (r != IPPYO_ERR_CRL_INVALID) {
			result = r;
			break;
		}
	}
	return result;
}

static gboolean
cache_lookup(const ChainCards *c, const guint8 *fp, gint64 now)
{
	CardsCache *cc = c->cache;
	CachedCert *hit;
	gboolean ok;

	g_mutex_lock(&cc->lock);
	hit = g_hash_table_lookup(cc->verified, fp);
	ok = hit != NULL && hit->from < now && now < hit->until;
	if (ok)
		cc->hits++;
	else
		cc->misses++;
	g_mutex_unlock(&cc->lock);
	return ok;
}

static void
cache_store(const ChainCards *c, const guint8 *fp, gint64 now, gint64 from, gint64 until)
{
	CardsCache *cc = c->cache;
	CachedCert *e;

	if (!(from < now && now < until))
		return;
	e = g_new(CachedCert, 1);
	memcpy(e->fp, fp, sizeof(e->fp));
	e->from = from;
	e->until = until;
	g_mutex_lock(&cc->lock);
	if (g_hash_table_size(cc->verified) >= CARDS_CACHE_MAX)
		g_hash_table_remove_all(cc->verified);
	g_hash_table_replace(cc->verified, e->fp, e);
	g_mutex_unlock(&cc->lock);
}

int
chain_cards_check_cert(const ChainCards *c, const ippyo_cert *leaf, const guint8 *fp, gint64 now)
{
	gint64 from, until;
	int r;

	if (leaf == NULL || fp == NULL)
		return IPPYO_ERR_CERT_FORMAT;
	if (cache_lookup(c, fp, now))
		return 0;
	if ((r = check_leaf(c, leaf, now, &from, &until)) != 0)
		return r;
	cache_store(c, fp, now, from, until);
	return 0;
}

int
chain_cards_check(const ChainCards *c, const guint8 *der, gsize len, gint64 now)
{
	ippyo_cert *leaf = NULL;
	guint8 fp[32];
	int r;

	if (ippyo_cert_parse_der(der, len, &leaf) != 0)
		return IPPYO_ERR_CERT_FORMAT;
	if (EVP_Digest(der, len, fp, NULL, EVP_sha256(), NULL) != 1)
		r = IPPYO_ERR_INTERNAL;
	else
		r = chain_cards_check_cert(c, leaf, fp, now);
	ippyo_cert_free(leaf);
	return r;
}

void
chain_cards_cache_stats(const ChainCards *c, gint64 *hits, gint64 *misses)
{
	g_mutex_lock(&c->cache->lock);
	*hits = c->cache->hits;
	*misses = c->cache->misses;
	g_mutex_unlock(&c->cache->lock);
}
