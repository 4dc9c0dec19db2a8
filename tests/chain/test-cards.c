/*
 * The chain's check of card certificates and its cache: a success is
 * answered from the cache only inside the window where it holds (the
 * leaf's, the CA's and the CRL's validity); a rejection is never kept.
 */
#include <glib.h>
#include <string.h>

#include "card/cert.h"
#include "chain-cards.h"
#include "error.h"

static char *pki;

static char *
pki_path(const char *a, const char *b, const char *c)
{
	return g_build_filename(pki, a, b, c, NULL);
}

static ippyo_cert *
card(const char *name)
{
	g_autofree char *p = pki_path("cards", name, "auth.crt");
	ippyo_cert *c = NULL;

	g_assert_cmpint(ippyo_cert_load_file(p, &c), ==, 0);
	return c;
}

static ChainCards *
load(void)
{
	g_autofree char *ca = pki_path("ca", "auth-ca.crt", NULL);
	g_autofree char *crl = pki_path("ca", "auth.crl", NULL);
	char *cas[] = { ca, NULL }, *crls[] = { crl, NULL };
	g_autoptr(GError) error = NULL;
	ChainCards *c = chain_cards_load(cas, crls, &error);

	g_assert_no_error(error);
	g_assert_nonnull(c);
	return c;
}

static int
check(const ChainCards *c, const ippyo_cert *cert, gint64 now)
{
	size_t len;
	const uint8_t *der = ippyo_cert_der(cert, &len);

	return chain_cards_check(c, der, len, now);
}

static void
assert_stats(const ChainCards *c, gint64 hits, gint64 misses)
{
	gint64 h, m;

	chain_cards_cache_stats(c, &h, &m);
	g_assert_cmpint(h, ==, hits);
	g_assert_cmpint(m, ==, misses);
}

static void
test_cache_window(void)
{
	g_autoptr(ChainCards) c = load();
	g_autofree char *crl_path = pki_path("ca", "auth.crl", NULL);
	ippyo_cert *good = card("voter-001");
	ippyo_crl *crl = NULL;
	int64_t nb, na, tu, nu;
	gint64 now;

	g_assert_cmpint(ippyo_cert_validity(good, &nb, &na), ==, 0);
	g_assert_cmpint(ippyo_crl_load_file(crl_path, &crl), ==, 0);
	g_assert_cmpint(ippyo_crl_validity(crl, &tu, &nu), ==, 0);
	now = MAX(nb, tu) + 60;
	g_assert_cmpint(now, <, MIN(na, nu));
	/* checked once, then answered from the cache */
	g_assert_cmpint(check(c, good, now), ==, 0);
	assert_stats(c, 0, 1);
	g_assert_cmpint(check(c, good, now + 1), ==, 0);
	assert_stats(c, 1, 1);
	/* outside the window the full check runs again and its answer stands */
	g_assert_cmpint(check(c, good, na + 1), ==, IPPYO_ERR_CERT_EXPIRED);
	assert_stats(c, 1, 2);
	g_assert_cmpint(check(c, good, nb - 1), ==, IPPYO_ERR_CERT_NOT_YET_VALID);
	assert_stats(c, 1, 3);
	g_test_message("leaf until %" G_GINT64_FORMAT ", CRL next update %" G_GINT64_FORMAT,
	    (gint64)na, (gint64)nu);
	if (nu < na) {
		/* past the CRL's next update: no cached success, the CRL is stale */
		g_assert_cmpint(check(c, good, nu + 1), !=, 0);
		assert_stats(c, 1, 4);
	}
	ippyo_crl_free(crl);
	ippyo_cert_free(good);
}

static void
test_rejections_not_kept(void)
{
	g_autoptr(ChainCards) c = load();
	ippyo_cert *revoked = card("revoked"), *foreign = card("foreign");
	int64_t nb, na;
	gint64 now;

	g_assert_cmpint(ippyo_cert_validity(revoked, &nb, &na), ==, 0);
	now = nb + 120;
	for (int i = 0; i < 3; i++) {
		g_assert_cmpint(check(c, revoked, now), ==, IPPYO_ERR_CERT_REVOKED);
		g_assert_cmpint(check(c, foreign, now), ==, IPPYO_ERR_CERT_UNTRUSTED);
	}
	assert_stats(c, 0, 6);
	/* bytes that are not a certificate */
	g_assert_cmpint(chain_cards_check(c, (const guint8 *)"\x30\x03\x02\x01\x01", 5, now), ==,
	    IPPYO_ERR_CERT_FORMAT);
	ippyo_cert_free(revoked);
	ippyo_cert_free(foreign);
}

int
main(int argc, char **argv)
{
	const char *t = g_getenv("IPPYO_PKI_TEMPLATE");

	g_test_init(&argc, &argv, NULL);
	if (t == NULL) {
		g_printerr("IPPYO_PKI_TEMPLATE is not set\n");
		return 1;
	}
	pki = g_strdup(t);
	g_test_add_func("/ippyo/chain/cards/cache-window", test_cache_window);
	g_test_add_func("/ippyo/chain/cards/rejections-not-kept", test_rejections_not_kept);
	return g_test_run();
}
