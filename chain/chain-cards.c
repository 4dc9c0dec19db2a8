/* ippyo-chaind — the voters' card certificates: JPKI auth CAs and CRLs. */
#include "chain-cards.h"

#include <openssl/evp.h>

#include "card/cert.h"
#include "chain-error.h"
#include "error.h"

struct ChainCards {
	GPtrArray *cas;               /* ippyo_cert* */
	GPtrArray *crls;              /* ippyo_crl* */
	GByteArray *fingerprints;     /* 32 bytes per CA */
};

void
chain_cards_free(ChainCards *c)
{
	if (c == NULL)
		return;
	g_ptr_array_unref(c->cas);
	g_ptr_array_unref(c->crls);
	g_byte_array_unref(c->fingerprints);
	g_free(c);
}

ChainCards *
chain_cards_load(char *const *ca_paths, char *const *crl_paths, GError **error)
{
	g_autoptr(ChainCards) c = g_new0(ChainCards, 1);

	c->cas = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_cert_free);
	c->crls = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_crl_free);
	c->fingerprints = g_byte_array_new();
	for (char *const *p = ca_paths; p != NULL && *p != NULL; p++) {
		ippyo_cert *cert = NULL;
		guint8 fp[32];
		const uint8_t *der;
		size_t len;
		int r;

		if ((r = ippyo_cert_load_file(*p, &cert)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		g_ptr_array_add(c->cas, cert);
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
		int r;

		if ((r = ippyo_crl_load_file(*p, &crl)) != 0) {
			chain_set_ippyo_error(error, r, "%s", *p);
			return NULL;
		}
		g_ptr_array_add(c->crls, crl);
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

int
chain_cards_check(const ChainCards *c, const guint8 *der, gsize len, gint64 now)
{
	ippyo_cert *leaf = NULL;
	int r, result = IPPYO_ERR_CRL_INVALID;

	if ((r = ippyo_cert_parse_der(der, len, &leaf)) != 0)
		return IPPYO_ERR_CERT_FORMAT;
	if (c->crls->len == 0) {
		r = ippyo_cert_verify_chain(leaf, (const ippyo_cert *const *)c->cas->pdata,
		    c->cas->len, NULL, now);
		ippyo_cert_free(leaf);
		return r;
	}
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
	ippyo_cert_free(leaf);
	return result;
}
