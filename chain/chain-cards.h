/* ippyo-chaind — the voters' card certificates: JPKI auth CAs and CRLs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct ChainCards ChainCards;

/* Loads the CA certificates (at least one) and the CRLs (any number). */
ChainCards *chain_cards_load(char *const *ca_paths, char *const *crl_paths, GError **error);
void chain_cards_free(ChainCards *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainCards, chain_cards_free)

gsize chain_cards_ca_count(const ChainCards *c);
/* SHA-256 of CA i's DER (32 bytes). */
const guint8 *chain_cards_ca_fingerprint(const ChainCards *c, gsize i);

/*
 * The public documents the cards are checked against, as served by
 * GET /v1/jpki (docs/chain.md): {"ca":["<base64 DER>",...],"crl":[...]},
 * the exact DER bytes loaded, in the order of the config, standard base64
 * (RFC 4648 §4, padded).
 */
GBytes *chain_cards_jpki_json(const ChainCards *c);

/*
 * A card's authentication certificate (DER) at time now: parses
 * (IPPYO_ERR_CERT_FORMAT), chains to one of the CAs, is valid at now (leaf
 * and CA), and is not revoked by the CRL of its CA: 0 or the IPPYO_ERR_*
 * of common/card/cert.h (CERT_UNTRUSTED, CERT_EXPIRED, CERT_NOT_YET_VALID,
 * CERT_REVOKED, CRL_INVALID). With no CRL configured, revocation is not
 * checked.
 *
 * A success is remembered (thread-safe), keyed by SHA-256 of the exact DER
 * bytes, for the time window in which it holds (the leaf's, the CAs' and
 * the CRLs' validity intersected): the same certificate again within it is
 * answered without parsing and verifying it again. The CAs and CRLs of a
 * ChainCards never change, so the cache is the answer the full check would
 * give. Rejections are not remembered.
 */
int chain_cards_check(const ChainCards *c, const guint8 *der, gsize len, gint64 now);
/*
 * The same for a certificate already parsed (from exactly the DER bytes
 * whose SHA-256 is fp, e.g. a ballot entry's certificate and voter binding).
 */
struct ippyo_cert;
int chain_cards_check_cert(const ChainCards *c, const struct ippyo_cert *leaf, const guint8 *fp,
    gint64 now);
/* Cache hits and misses of chain_cards_check so far. */
void chain_cards_cache_stats(const ChainCards *c, gint64 *hits, gint64 *misses);

G_END_DECLS
