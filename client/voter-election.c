/* ippyo — IppyoElection: an election opened from its chain, verified. */
#include "voter-election.h"

#include <string.h>

#include <jansson.h>
#include <libsoup/soup.h>
#include <openssl/crypto.h>

#include "crypto/group.h"
#include "election/entry.h"
#include "encoding.h"
#include "error.h"
#include "i18n.h"
#include "voter-error.h"

#define ELECTION_FILE_MAX (64 * 1024)
#define ROLL_MAX_BYTES ((gsize)IPPYO_ROLL_LINE_BYTES * 20000000u)
/* GET /v1/jpki: a few CAs and their CRLs (each at most 4 MiB of DER), in base64. */
#define JPKI_MAX_BYTES ((gsize)24 * 1024 * 1024)
#define JPKI_MAX_ITEMS 16

struct _IppyoElection {
	GObject parent_instance;

	GBytes *entry0;
	ippyo_entry *entry;              /* parsed entry 0: owns the manifest */
	const ippyo_manifest *manifest;
	ippyo_election_key *key;
	IppyoChainClient *client;
	IppyoSignedCheckpoint *checkpoint;
	char *chain_url;
	ippyo_roll *roll;
	char *roll_problem;
	GPtrArray *jpki_cas;             /* ippyo_cert*: pinned by the manifest */
	GPtrArray *jpki_crls;            /* ippyo_crl*: signed by one of them, current */
	gboolean jpki_all_cas;           /* every CA the manifest pins is in jpki_cas */
	char *revocation_problem;
	gboolean chain_closed;
	IppyoElectionState state;
};

enum {
	PROP_0,
	PROP_ELECTION_ID,
	PROP_TITLE,
	PROP_CHAIN_URL,
	PROP_STATE,
	PROP_POLL_OPENS,
	PROP_POLL_CLOSES,
	PROP_CHECKPOINT_SIZE,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE(IppyoElection, ippyo_election, G_TYPE_OBJECT)

GType
ippyo_election_state_get_type(void)
{
	static gsize id = 0;
	static const GEnumValue values[] = {
		{ IPPYO_ELECTION_STATE_NOT_OPEN, "IPPYO_ELECTION_STATE_NOT_OPEN", "not-open" },
		{ IPPYO_ELECTION_STATE_OPEN, "IPPYO_ELECTION_STATE_OPEN", "open" },
		{ IPPYO_ELECTION_STATE_CLOSED, "IPPYO_ELECTION_STATE_CLOSED", "closed" },
		{ 0, NULL, NULL }
	};

	if (g_once_init_enter(&id))
		g_once_init_leave(&id, g_enum_register_static("IppyoElectionState", values));
	return id;
}

static void
ippyo_election_finalize(GObject *object)
{
	IppyoElection *self = IPPYO_ELECTION(object);

	g_clear_pointer(&self->entry0, g_bytes_unref);
	g_clear_pointer(&self->entry, ippyo_entry_free);
	g_clear_pointer(&self->key, ippyo_election_key_free);
	g_clear_object(&self->client);
	g_clear_pointer(&self->checkpoint, ippyo_signed_checkpoint_unref);
	g_clear_pointer(&self->chain_url, g_free);
	g_clear_pointer(&self->roll, ippyo_roll_free);
	g_clear_pointer(&self->roll_problem, g_free);
	g_clear_pointer(&self->jpki_cas, g_ptr_array_unref);
	g_clear_pointer(&self->jpki_crls, g_ptr_array_unref);
	g_clear_pointer(&self->revocation_problem, g_free);
	G_OBJECT_CLASS(ippyo_election_parent_class)->finalize(object);
}

static void
ippyo_election_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	IppyoElection *self = IPPYO_ELECTION(object);

	switch (prop_id) {
	case PROP_ELECTION_ID:
		g_value_set_string(value, ippyo_election_get_election_id(self));
		break;
	case PROP_TITLE:
		g_value_set_string(value, ippyo_election_get_title(self));
		break;
	case PROP_CHAIN_URL:
		g_value_set_string(value, self->chain_url);
		break;
	case PROP_STATE:
		g_value_set_enum(value, self->state);
		break;
	case PROP_POLL_OPENS:
		g_value_set_string(value, ippyo_election_get_poll_opens(self));
		break;
	case PROP_POLL_CLOSES:
		g_value_set_string(value, ippyo_election_get_poll_closes(self));
		break;
	case PROP_CHECKPOINT_SIZE:
		g_value_set_uint64(value, ippyo_election_get_checkpoint_size(self));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_election_class_init(IppyoElectionClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);
	GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

	oc->finalize = ippyo_election_finalize;
	oc->get_property = ippyo_election_get_property;
	props[PROP_ELECTION_ID] = g_param_spec_string("election-id", NULL, NULL, NULL, f);
	props[PROP_TITLE] = g_param_spec_string("title", NULL, NULL, NULL, f);
	props[PROP_CHAIN_URL] = g_param_spec_string("chain-url", NULL, NULL, NULL, f);
	props[PROP_STATE] = g_param_spec_enum("state", NULL, NULL, IPPYO_TYPE_ELECTION_STATE,
	    IPPYO_ELECTION_STATE_NOT_OPEN, f);
	props[PROP_POLL_OPENS] = g_param_spec_string("poll-opens", NULL, NULL, NULL, f);
	props[PROP_POLL_CLOSES] = g_param_spec_string("poll-closes", NULL, NULL, NULL, f);
	props[PROP_CHECKPOINT_SIZE] = g_param_spec_uint64("checkpoint-size", NULL, NULL, 0,
	    G_MAXUINT64, 0, f);
	g_object_class_install_properties(oc, N_PROPS, props);
}

static void
ippyo_election_init(IppyoElection *self)
{
	self->state = IPPYO_ELECTION_STATE_NOT_OPEN;
	self->jpki_cas = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_cert_free);
	self->jpki_crls = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_crl_free);
}

const char *
ippyo_election_lang(void)
{
	const char *const *langs = g_get_language_names();

	for (; *langs != NULL; langs++) {
		if (g_str_has_prefix(*langs, "ja"))
			return "ja";
		if (g_str_has_prefix(*langs, "en") || g_str_equal(*langs, "C"))
			return "en";
	}
	return "en";
}

/* ---- the election file ---- */

typedef struct {
	char *chain_url;
	char *chain_vkey;
	guint8 officials_key[IPPYO_ED25519_PUBLIC_BYTES];
	char *roll;            /* a path (absolute) or a URL; NULL: none */
	char *policy;          /* a path (absolute); NULL: none */
} election_file;

static void
election_file_clear(election_file *ef)
{
	g_free(ef->chain_url);
	g_free(ef->chain_vkey);
	g_free(ef->roll);
	g_free(ef->policy);
	memset(ef, 0, sizeof(*ef));
}

static gboolean
is_url(const char *s)
{
	return g_str_has_prefix(s, "http://") || g_str_has_prefix(s, "https://");
}

static char *
file_relative(const char *file, const char *value)
{
	g_autofree char *dir = NULL;

	if (is_url(value) || g_path_is_absolute(value))
		return g_strdup(value);
	dir = g_path_get_dirname(file);
	return g_build_filename(dir, value, NULL);
}

static gboolean
string_member(json_t *root, const char *key, gboolean required, char **out, GError **error)
{
	json_t *v = json_object_get(root, key);

	*out = NULL;
	if (v == NULL) {
		if (!required)
			return TRUE;
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election file has no “%s”."), key);
		return FALSE;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 4096 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election file's “%s” is not a text."), key);
		return FALSE;
	}
	*out = g_strdup(json_string_value(v));
	return TRUE;
}

/*
 * {"chain_url":URL,"chain_vkey":VKEY,"officials_key":B64URL,"version":1
 *  [,"roll":PATH|URL][,"witness_policy":PATH]}
 */
static gboolean
election_file_load(const char *path, election_file *ef, GError **error)
{
	static const char *const keys[] = { "chain_url", "chain_vkey", "officials_key", "roll",
	    "version", "witness_policy", NULL };
	g_autofree char *text = NULL;
	g_autofree char *okey = NULL, *roll = NULL, *policy = NULL;
	gsize len;
	json_t *root = NULL, *v;
	json_error_t jerr;
	const char *k;
	gboolean ok = FALSE;

	memset(ef, 0, sizeof(*ef));
	if (!g_file_get_contents(path, &text, &len, error))
		return FALSE;
	if (len > ELECTION_FILE_MAX ||
	    (root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(root)) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("“%s” is not an election file (strict JSON)."), path);
		goto out;
	}
	json_object_foreach(root, k, v) {
		if (!g_strv_contains(keys, k)) {
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
			    _("The election file has an unknown key “%s”."), k);
			goto out;
		}
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election file is of an unknown version."));
		goto out;
	}
	if (!string_member(root, "chain_url", TRUE, &ef->chain_url, error) ||
	    !string_member(root, "chain_vkey", TRUE, &ef->chain_vkey, error) ||
	    !string_member(root, "officials_key", TRUE, &okey, error) ||
	    !string_member(root, "roll", FALSE, &roll, error) ||
	    !string_member(root, "witness_policy", FALSE, &policy, error))
		goto out;
	if (!is_url(ef->chain_url)) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election file's chain_url is not an http or https URL."));
		goto out;
	}
	if (ippyo_b64url_decode_exact(okey, ef->officials_key, sizeof(ef->officials_key)) != 0) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election file's officials_key is not 32 bytes in base64url (as in "
		    "the manifest)."));
		goto out;
	}
	if (roll != NULL)
		ef->roll = file_relative(path, roll);
	if (policy != NULL)
		ef->policy = file_relative(path, policy);
	ok = TRUE;
 out:
	json_decref(root);
	if (!ok)
		election_file_clear(ef);
	return ok;
}

/* ---- fetching without a verifier (bootstrap, roll) ---- */

static GBytes *
http_get(const char *base, const char *rel, gsize max, GCancellable *cancellable,
    GError **error)
{
	g_autoptr(SoupSession) session = soup_session_new_with_options("timeout", 30,
	    "user-agent", "ippyo-vote", NULL);
	g_autoptr(SoupMessage) msg = NULL;
	g_autoptr(GUri) base_uri = NULL, uri = NULL;
	g_autoptr(GBytes) body = NULL;
	g_autoptr(GError) local = NULL;

	if ((base_uri = g_uri_parse(base, G_URI_FLAGS_NONE, &local)) == NULL ||
	    (uri = g_uri_parse_relative(base_uri, rel != NULL ? rel : "", G_URI_FLAGS_NONE,
	    &local)) == NULL) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("“%s” is not a valid URL."), base);
		return NULL;
	}
	msg = soup_message_new_from_uri("GET", uri);
	body = soup_session_send_and_read(session, msg, cancellable, &local);
	if (body == NULL) {
		if (g_error_matches(local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_propagate_error(error, g_steal_pointer(&local));
		else
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NETWORK,
			    _("The ballot chain could not be reached (%s). Check your internet "
			    "connection and try again."), local->message);
		return NULL;
	}
	if (soup_message_get_status(msg) != SOUP_STATUS_OK) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NETWORK,
		    _("The server answered %u for %s."), soup_message_get_status(msg),
		    rel != NULL ? rel : base);
		return NULL;
	}
	if (g_bytes_get_size(body) > max) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The server's answer for %s is too large."), rel != NULL ? rel : base);
		return NULL;
	}
	return g_steal_pointer(&body);
}

/* ---- building ---- */

static gboolean
load_manifest_entry(IppyoElection *self, GBytes *entry0, const guint8 *pinned_key,
    const char *pinned_vkey, GError **error)
{
	const guint8 *key;
	int r;

	if ((r = ippyo_group_init()) != 0) {
		ippyo_voter_set_error(error, r, -1);
		return FALSE;
	}
	if ((r = ippyo_entry_parse(&self->entry, g_bytes_get_data(entry0, NULL),
	    g_bytes_get_size(entry0))) != 0 ||
	    ippyo_entry_get_type(self->entry) != IPPYO_ENTRY_MANIFEST) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election's manifest is malformed (%s)."),
		    ippyo_strerror(r != 0 ? r : IPPYO_ERR_ENTRY_TYPE));
		return FALSE;
	}
	self->entry0 = g_bytes_ref(entry0);
	self->manifest = ippyo_entry_manifest(self->entry);
	key = ippyo_manifest_officials_key(self->manifest);
	if (pinned_key != NULL && CRYPTO_memcmp(pinned_key, key, IPPYO_ED25519_PUBLIC_BYTES) != 0) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election's manifest names other officials than the election file. "
		    "Do not vote here; tell the election office."));
		return FALSE;
	}
	if (pinned_vkey != NULL &&
	    !g_str_equal(pinned_vkey, ippyo_manifest_chain_vkey(self->manifest))) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election's manifest names another chain key than the election file. "
		    "Do not vote here; tell the election office."));
		return FALSE;
	}
	if ((r = ippyo_entry_verify_officials(self->entry, key)) != 0) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The officials' signature of the election's manifest does not verify (%s)."),
		    ippyo_strerror(r));
		return FALSE;
	}
	if ((r = ippyo_manifest_election_key(self->manifest, &self->key)) != 0) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election key of the manifest is unusable (%s)."), ippyo_strerror(r));
		return FALSE;
	}
	return TRUE;
}

static gboolean
make_client(IppyoElection *self, const char *url, GBytes *policy, GError **error)
{
	g_autoptr(GError) local = NULL;

	self->chain_url = g_strdup(url != NULL ? url : ippyo_manifest_chain_url(self->manifest));
	self->client = ippyo_chain_client_new(self->chain_url,
	    ippyo_manifest_chain_origin(self->manifest), ippyo_manifest_chain_vkey(self->manifest),
	    policy, &local);
	if (self->client == NULL) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The chain named by the election cannot be used (%s)."), local->message);
		return FALSE;
	}
	return TRUE;
}

static void
load_roll(IppyoElection *self, const char *source, GCancellable *cancellable)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) local = NULL;
	ippyo_roll *roll = NULL;
	int r;

	if (source == NULL) {
		self->roll_problem = g_strdup(_("The voter roll of this election is not "
		    "available to this program, so it cannot tell in advance whether your card "
		    "may vote; the chain checks it when you cast."));
		return;
	}
	if (is_url(source)) {
		bytes = http_get(source, NULL, ROLL_MAX_BYTES, cancellable, &local);
	} else {
		g_autoptr(GFile) f = g_file_new_for_path(source);

		bytes = g_file_load_bytes(f, cancellable, NULL, &local);
	}
	if (bytes == NULL) {
		self->roll_problem = g_strdup_printf(_("The voter roll could not be fetched "
		    "(%s), so this program cannot tell in advance whether your card may vote; "
		    "the chain checks it when you cast."), local->message);
		return;
	}
	if ((r = ippyo_roll_parse(&roll, g_bytes_get_data(bytes, NULL),
	    g_bytes_get_size(bytes))) != 0 ||
	    (r = ippyo_roll_check_manifest(roll, self->manifest)) != 0) {
		ippyo_roll_free(roll);
		self->roll_problem = g_strdup(_("The voter roll that was fetched is not the one "
		    "the election's manifest names; it was not used. The chain checks the roll "
		    "when you cast."));
		return;
	}
	self->roll = roll;
}

/* ---- the JPKI CAs and CRLs (GET /v1/jpki), for the card check before the ballot ---- */

/* Keeps the first reason why revocation cannot be checked, in the voter's words. */
static void
revocation_unknown(IppyoElection *self, const char *reason)
{
	if (self->revocation_problem != NULL)
		return;
	self->revocation_problem = g_strdup_printf(_("Whether your card’s certificate was "
	    "revoked (for example after the card was reported lost) could not be checked in "
	    "advance: %s The chain checks it when you cast your ballot."), reason);
}

/* One base64 DER string of the document; NULL if it is not one. */
static guint8 *
jpki_der(json_t *v, gsize *len)
{
	const char *str;
	size_t n, cap;
	guint8 *der;

	*len = 0;
	if (!json_is_string(v))
		return NULL;
	str = json_string_value(v);
	n = json_string_length(v);
	cap = ippyo_b64_decoded_max(n);
	if (n == 0 || cap == 0)
		return NULL;
	der = g_malloc(cap);
	if (ippyo_b64_decode(str, n, der, cap, len) != 0) {
		g_free(der);
		return NULL;
	}
	return der;
}

/*
 * Parses {"ca":["<base64 DER>",...],"crl":[...]} strictly (no other key,
 * no duplicate, every string a certificate or CRL) into cas and crls.
 */
static gboolean
jpki_parse(GBytes *bytes, GPtrArray *cas, GPtrArray *crls)
{
	json_t *root, *ca, *crl, *v;
	gboolean ok = FALSE;
	size_t i;

	root = json_loadb(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes),
	    JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(root) || json_object_size(root) != 2 ||
	    !json_is_array(ca = json_object_get(root, "ca")) ||
	    !json_is_array(crl = json_object_get(root, "crl")) ||
	    json_array_size(ca) > JPKI_MAX_ITEMS || json_array_size(crl) > JPKI_MAX_ITEMS)
		goto out;
	json_array_foreach(ca, i, v) {
		g_autofree guint8 *der = NULL;
		ippyo_cert *c = NULL;
		gsize len;

		if ((der = jpki_der(v, &len)) == NULL || ippyo_cert_parse_der(der, len, &c) != 0)
			goto out;
		g_ptr_array_add(cas, c);
	}
	json_array_foreach(crl, i, v) {
		g_autofree guint8 *der = NULL;
		ippyo_crl *c = NULL;
		gsize len;

		if ((der = jpki_der(v, &len)) == NULL || ippyo_crl_parse_der(der, len, &c) != 0)
			goto out;
		g_ptr_array_add(crls, c);
	}
	ok = TRUE;
 out:
	json_decref(root);
	return ok;
}

static gboolean
manifest_pins_ca(const ippyo_manifest *m, const ippyo_cert *ca)
{
	guint8 fp[IPPYO_CERT_FINGERPRINT_BYTES];

	if (ippyo_cert_fingerprint(ca, fp) != 0)
		return FALSE;
	for (size_t i = 0; i < ippyo_manifest_jpki_ca_count(m); i++)
		if (memcmp(ippyo_manifest_jpki_ca(m, i), fp, sizeof(fp)) == 0)
			return TRUE;
	return FALSE;
}

/*
 * Fetches the chain's JPKI CAs and CRLs and keeps what can be trusted: the
 * CAs whose fingerprint the sealed manifest pins, the CRLs signed by one of
 * them and current now. Everything else is not used, and the reason is kept
 * (never fatal: the chain checks the card again at cast).
 */
static void
load_jpki(IppyoElection *self, GCancellable *cancellable)
{
	g_autoptr(GBytes) bytes = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(GPtrArray) cas = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_cert_free);
	g_autoptr(GPtrArray) crls = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_crl_free);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gsize pinned = 0;

	bytes = http_get(self->chain_url, "v1/jpki", JPKI_MAX_BYTES, cancellable, &local);
	if (bytes == NULL) {
		g_autofree char *why = g_strdup_printf(_("the list of revoked cards could not be "
		    "fetched from the chain (%s)."), local->message);

		revocation_unknown(self, why);
		return;
	}
	if (!jpki_parse(bytes, cas, crls)) {
		revocation_unknown(self, _("the chain’s list of card authorities and revoked cards "
		    "could not be read, so it was not used."));
		return;
	}
	for (guint i = 0; i < cas->len; i++) {
		if (manifest_pins_ca(self->manifest, cas->pdata[i])) {
			g_ptr_array_add(self->jpki_cas, g_ptr_array_steal_index(cas, i--));
			pinned++;
		}
	}
	if (cas->len > 0)
		revocation_unknown(self, _("the chain published a card authority that this "
		    "election does not name, so it was not used."));
	/* Every CA the manifest pins is here (a CA listed twice counts once). */
	self->jpki_all_cas = pinned > 0;
	for (gsize i = 0; i < ippyo_manifest_jpki_ca_count(self->manifest); i++) {
		gboolean found = FALSE;

		for (guint j = 0; j < self->jpki_cas->len && !found; j++) {
			guint8 fp[IPPYO_CERT_FINGERPRINT_BYTES];

			found = ippyo_cert_fingerprint(self->jpki_cas->pdata[j], fp) == 0 &&
			    memcmp(fp, ippyo_manifest_jpki_ca(self->manifest, i), sizeof(fp)) == 0;
		}
		if (!found) {
			self->jpki_all_cas = FALSE;
			revocation_unknown(self, _("the chain did not publish every card authority "
			    "this election names."));
		}
	}
	for (guint i = 0; i < crls->len; i++) {
		ippyo_crl *crl = crls->pdata[i];
		gboolean signed_ok = FALSE;
		int64_t tu, nu;

		for (guint j = 0; j < self->jpki_cas->len && !signed_ok; j++)
			signed_ok = ippyo_crl_verify_issuer(crl, self->jpki_cas->pdata[j]) == 0;
		if (!signed_ok) {
			revocation_unknown(self, _("the list of revoked cards that the chain published "
			    "is not signed by this election’s card authority, so it was not used."));
			continue;
		}
		if (ippyo_crl_validity(crl, &tu, &nu) != 0 || !(tu <= now && now < nu)) {
			revocation_unknown(self, _("the list of revoked cards that the chain published "
			    "is out of date, so it was not used."));
			continue;
		}
		g_ptr_array_add(self->jpki_crls, g_ptr_array_steal_index(crls, i--));
	}
	if (self->jpki_crls->len == 0)
		revocation_unknown(self, _("the chain publishes no list of revoked cards."));
}

static IppyoElectionState
compute_state(IppyoElection *self)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autoptr(GDateTime) opens = g_date_time_new_from_iso8601(
	    ippyo_manifest_poll_opens(self->manifest), NULL);
	g_autoptr(GDateTime) closes = g_date_time_new_from_iso8601(
	    ippyo_manifest_poll_closes(self->manifest), NULL);

	if (self->chain_closed)
		return IPPYO_ELECTION_STATE_CLOSED;
	if (opens != NULL && g_date_time_compare(now, opens) < 0)
		return IPPYO_ELECTION_STATE_NOT_OPEN;
	if (closes != NULL && g_date_time_compare(now, closes) >= 0)
		return IPPYO_ELECTION_STATE_CLOSED;
	return IPPYO_ELECTION_STATE_OPEN;
}

/* Newest checkpoint and status; fills *cp and *closed. */
static gboolean
fetch_state(IppyoElection *self, IppyoSignedCheckpoint **cp, gboolean *closed,
    GCancellable *cancellable, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(IppyoChainStatus) status = NULL;

	*cp = ippyo_chain_client_fetch_checkpoint_sync(self->client, &ev, cancellable, &local);
	if (*cp == NULL) {
		ippyo_voter_set_net_error(error, local);
		return FALSE;
	}
	status = ippyo_chain_client_fetch_status_sync(self->client, cancellable, &local);
	if (status == NULL) {
		g_clear_pointer(cp, ippyo_signed_checkpoint_unref);
		ippyo_voter_set_net_error(error, local);
		return FALSE;
	}
	*closed = ippyo_chain_status_get_closed(status);
	return TRUE;
}

IppyoElection *
ippyo_election_open_sync(const char *location, GCancellable *cancellable, GError **error)
{
	g_autoptr(IppyoElection) self = g_object_new(IPPYO_TYPE_ELECTION, NULL);
	g_autoptr(GBytes) entry0 = NULL, verified = NULL, policy = NULL;
	g_autoptr(GError) local = NULL;
	election_file ef = { 0 };
	const char *url;
	IppyoElection *ret = NULL;

	if (is_url(location)) {
		url = location;
	} else if (g_file_test(location, G_FILE_TEST_IS_REGULAR)) {
		if (!election_file_load(location, &ef, error))
			goto out;
		url = ef.chain_url;
		if (ef.policy != NULL) {
			g_autoptr(GFile) f = g_file_new_for_path(ef.policy);

			if ((policy = g_file_load_bytes(f, cancellable, NULL, error)) == NULL)
				goto out;
		}
	} else {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("“%s” is neither a chain URL (http:// or https://) nor an election file."),
		    location);
		goto out;
	}
	/* The manifest names the chain key: fetch it first, then verify it through the chain. */
	if ((entry0 = http_get(url, "v1/manifest", IPPYO_ENTRY_MAX_BYTES, cancellable,
	    error)) == NULL)
		goto out;
	if (!load_manifest_entry(self, entry0, ef.chain_url != NULL ? ef.officials_key : NULL,
	    ef.chain_vkey, error) ||
	    !make_client(self, url, policy, error) ||
	    !fetch_state(self, &self->checkpoint, &self->chain_closed, cancellable, error))
		goto out;
	verified = ippyo_chain_client_fetch_manifest_sync(self->client, self->checkpoint,
	    cancellable, &local);
	if (verified == NULL) {
		ippyo_voter_set_net_error(error, local);
		goto out;
	}
	if (!g_bytes_equal(verified, entry0)) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The chain's manifest is not entry 0 of its own log. Do not vote here; "
		    "tell the election office."));
		goto out;
	}
	load_roll(self, ef.roll, cancellable);
	load_jpki(self, cancellable);
	self->state = compute_state(self);
	ret = g_steal_pointer(&self);
 out:
	election_file_clear(&ef);
	return ret;
}

IppyoElection *
ippyo_election_new_offline(GBytes *manifest_entry, const char *chain_url,
    const guint8 *pinned_officials_key, GError **error)
{
	g_autoptr(IppyoElection) self = g_object_new(IPPYO_TYPE_ELECTION, NULL);

	if (!load_manifest_entry(self, manifest_entry, pinned_officials_key, NULL, error) ||
	    !make_client(self, chain_url, NULL, error))
		return NULL;
	self->roll_problem = g_strdup(_("The voter roll is not available offline."));
	self->revocation_problem = g_strdup(_("The list of revoked cards is not available "
	    "offline, so whether your card’s certificate was revoked cannot be checked in "
	    "advance."));
	self->state = compute_state(self);
	return g_steal_pointer(&self);
}

static void
open_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	GError *error = NULL;
	IppyoElection *e = ippyo_election_open_sync(data, cancellable, &error);

	if (e == NULL)
		g_task_return_error(task, error);
	else
		g_task_return_pointer(task, e, g_object_unref);
}

void
ippyo_election_open_async(const char *location, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(NULL, cancellable, callback, user_data);

	g_task_set_source_tag(task, ippyo_election_open_async);
	g_task_set_task_data(task, g_strdup(location), g_free);
	g_task_run_in_thread(task, open_thread);
}

IppyoElection *
ippyo_election_open_finish(GAsyncResult *result, GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, NULL), NULL);
	return g_task_propagate_pointer(G_TASK(result), error);
}

/* ---- refresh ---- */

typedef struct {
	IppyoSignedCheckpoint *cp;
	gboolean closed;
} refresh_data;

static void
refresh_data_free(gpointer p)
{
	refresh_data *d = p;

	g_clear_pointer(&d->cp, ippyo_signed_checkpoint_unref);
	g_free(d);
}

static void
apply_refresh(IppyoElection *self, IppyoSignedCheckpoint *cp, gboolean closed)
{
	IppyoElectionState st;

	g_clear_pointer(&self->checkpoint, ippyo_signed_checkpoint_unref);
	self->checkpoint = ippyo_signed_checkpoint_ref(cp);
	self->chain_closed = closed;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_CHECKPOINT_SIZE]);
	st = compute_state(self);
	if (st != self->state) {
		self->state = st;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
	}
}

gboolean
ippyo_election_refresh_sync(IppyoElection *self, GCancellable *cancellable, GError **error)
{
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	gboolean closed = FALSE;

	g_return_val_if_fail(IPPYO_IS_ELECTION(self), FALSE);
	if (!fetch_state(self, &cp, &closed, cancellable, error))
		return FALSE;
	apply_refresh(self, cp, closed);
	return TRUE;
}

static void
refresh_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	refresh_data *d = g_new0(refresh_data, 1);
	GError *error = NULL;

	if (!fetch_state(IPPYO_ELECTION(source), &d->cp, &d->closed, cancellable, &error)) {
		refresh_data_free(d);
		g_task_return_error(task, error);
		return;
	}
	g_task_return_pointer(task, d, refresh_data_free);
}

void
ippyo_election_refresh_async(IppyoElection *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, ippyo_election_refresh_async);
	g_task_run_in_thread(task, refresh_thread);
}

gboolean
ippyo_election_refresh_finish(IppyoElection *self, GAsyncResult *result, GError **error)
{
	refresh_data *d;

	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	if ((d = g_task_propagate_pointer(G_TASK(result), error)) == NULL)
		return FALSE;
	apply_refresh(self, d->cp, d->closed);
	refresh_data_free(d);
	return TRUE;
}

/* ---- accessors ---- */

const char *
ippyo_election_get_election_id(IppyoElection *self)
{
	return self->manifest != NULL ? ippyo_manifest_election_id(self->manifest) : NULL;
}

const char *
ippyo_election_get_title(IppyoElection *self)
{
	return self->manifest != NULL ?
	    ippyo_manifest_title(self->manifest, ippyo_election_lang()) : NULL;
}

const char *
ippyo_election_get_chain_url(IppyoElection *self)
{
	return self->chain_url;
}

IppyoElectionState
ippyo_election_get_state(IppyoElection *self)
{
	return self->state;
}

char *
ippyo_election_describe_state(IppyoElection *self)
{
	switch (self->state) {
	case IPPYO_ELECTION_STATE_NOT_OPEN:
		return g_strdup_printf(_("The poll opens at %s (UTC)."),
		    ippyo_manifest_poll_opens(self->manifest));
	case IPPYO_ELECTION_STATE_OPEN:
		return g_strdup_printf(_("The poll is open until %s (UTC). You may vote again "
		    "while it is open: only your last ballot counts."),
		    ippyo_manifest_poll_closes(self->manifest));
	case IPPYO_ELECTION_STATE_CLOSED:
	default:
		return g_strdup(_("The poll is closed."));
	}
}

const char *
ippyo_election_get_poll_opens(IppyoElection *self)
{
	return self->manifest != NULL ? ippyo_manifest_poll_opens(self->manifest) : NULL;
}

const char *
ippyo_election_get_poll_closes(IppyoElection *self)
{
	return self->manifest != NULL ? ippyo_manifest_poll_closes(self->manifest) : NULL;
}

guint64
ippyo_election_get_checkpoint_size(IppyoElection *self)
{
	return self->checkpoint != NULL ? ippyo_signed_checkpoint_get_size(self->checkpoint) : 0;
}

const ippyo_manifest *
ippyo_election_get_manifest(IppyoElection *self)
{
	return self->manifest;
}

const ippyo_election_key *
ippyo_election_get_key(IppyoElection *self)
{
	return self->key;
}

GBytes *
ippyo_election_get_manifest_entry(IppyoElection *self)
{
	return self->entry0;
}

IppyoChainClient *
ippyo_election_get_client(IppyoElection *self)
{
	return self->client;
}

IppyoSignedCheckpoint *
ippyo_election_get_checkpoint(IppyoElection *self)
{
	return self->checkpoint;
}

const ippyo_roll *
ippyo_election_get_roll(IppyoElection *self)
{
	return self->roll;
}

const char *
ippyo_election_get_roll_problem(IppyoElection *self)
{
	return self->roll_problem;
}

const char *
ippyo_election_get_revocation_problem(IppyoElection *self)
{
	return self->revocation_problem;
}

int
ippyo_election_check_card(IppyoElection *self, const ippyo_cert *leaf, gint64 now)
{
	const ippyo_cert *const *cas = (const ippyo_cert *const *)self->jpki_cas->pdata;
	guint n = self->jpki_cas->len;
	int r;

	if (n == 0)
		return IPPYO_ERR_CRL_INVALID;
	r = ippyo_cert_verify_chain(leaf, cas, n, NULL, now);
	/* Not issued by the CAs known here: foreign only if every pinned CA is known. */
	if (r == IPPYO_ERR_CERT_UNTRUSTED && !self->jpki_all_cas)
		return IPPYO_ERR_CRL_INVALID;
	if (r != 0)
		return r;
	/*
	 * As the chain does (chain/chain-cards.c): the CRL of another CA does
	 * not apply (CRL_INVALID); the first definite answer stands.
	 */
	for (guint i = 0; i < self->jpki_crls->len; i++) {
		r = ippyo_cert_verify_chain(leaf, cas, n, self->jpki_crls->pdata[i], now);
		if (r != IPPYO_ERR_CRL_INVALID)
			return r;
	}
	return IPPYO_ERR_CRL_INVALID;
}
