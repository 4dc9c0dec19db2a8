/* ippyo — IppyoBallotDraft: the voter's choices, encrypted, audited or cast. */
#include "voter-ballot-draft.h"

#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "election/ballot.h"
#include "election/signature.h"
#include "error.h"
#include "i18n.h"
#include "voter-error.h"

struct _IppyoBallotDraft {
	GObject parent_instance;

	IppyoElection *election;
	ippyo_choices *choices;
	GBytes *cert;
	guint8 voter[IPPYO_BINDING_BYTES];
	gboolean have_voter;

	/* the current encryption */
	ippyo_ballot *ballot;
	guint8 *seed;                        /* IPPYO_SEED_BYTES, secure heap; NULL when none */
	char tracking[IPPYO_TRACKING_SHORT_LEN + 1];
	char tracking_hex[2 * IPPYO_TRACKING_CODE_BYTES + 1];
	guint audits;
	guint generation;                    /* bumped on every change of the choices */
};

enum {
	PROP_0,
	PROP_COMPLETE,
	PROP_ENCRYPTED,
	PROP_TRACKING_CODE,
	PROP_AUDITS,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE(IppyoBallotDraft, ippyo_ballot_draft, G_TYPE_OBJECT)

static void
wipe_seed(IppyoBallotDraft *self)
{
	if (self->seed != NULL) {
		OPENSSL_secure_clear_free(self->seed, IPPYO_SEED_BYTES);
		self->seed = NULL;
	}
}

/* Drops the current encryption (and its seed). */
static void
discard(IppyoBallotDraft *self)
{
	gboolean had = self->ballot != NULL;

	wipe_seed(self);
	g_clear_pointer(&self->ballot, ippyo_ballot_free);
	self->tracking[0] = '\0';
	self->tracking_hex[0] = '\0';
	if (had) {
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ENCRYPTED]);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_TRACKING_CODE]);
	}
}

static void
ippyo_ballot_draft_finalize(GObject *object)
{
	IppyoBallotDraft *self = IPPYO_BALLOT_DRAFT(object);

	wipe_seed(self);
	g_clear_pointer(&self->ballot, ippyo_ballot_free);
	g_clear_pointer(&self->choices, ippyo_choices_free);
	g_clear_pointer(&self->cert, g_bytes_unref);
	g_clear_object(&self->election);
	G_OBJECT_CLASS(ippyo_ballot_draft_parent_class)->finalize(object);
}

static void
ippyo_ballot_draft_get_property(GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
	IppyoBallotDraft *self = IPPYO_BALLOT_DRAFT(object);

	switch (prop_id) {
	case PROP_COMPLETE:
		g_value_set_boolean(value, ippyo_ballot_draft_get_complete(self));
		break;
	case PROP_ENCRYPTED:
		g_value_set_boolean(value, self->ballot != NULL);
		break;
	case PROP_TRACKING_CODE:
		g_value_set_string(value, self->tracking);
		break;
	case PROP_AUDITS:
		g_value_set_uint(value, self->audits);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_ballot_draft_class_init(IppyoBallotDraftClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);
	GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

	oc->finalize = ippyo_ballot_draft_finalize;
	oc->get_property = ippyo_ballot_draft_get_property;
	props[PROP_COMPLETE] = g_param_spec_boolean("complete", NULL, NULL, FALSE, f);
	props[PROP_ENCRYPTED] = g_param_spec_boolean("encrypted", NULL, NULL, FALSE, f);
	props[PROP_TRACKING_CODE] = g_param_spec_string("tracking-code", NULL, NULL, "", f);
	props[PROP_AUDITS] = g_param_spec_uint("audits", NULL, NULL, 0, G_MAXUINT, 0, f);
	g_object_class_install_properties(oc, N_PROPS, props);
}

static void
ippyo_ballot_draft_init(IppyoBallotDraft *self)
{
}

IppyoBallotDraft *
ippyo_ballot_draft_new(IppyoElection *election)
{
	IppyoBallotDraft *self;

	g_return_val_if_fail(IPPYO_IS_ELECTION(election), NULL);
	self = g_object_new(IPPYO_TYPE_BALLOT_DRAFT, NULL);
	self->election = g_object_ref(election);
	self->choices = ippyo_choices_new(ippyo_election_get_manifest(election));
	g_assert(self->choices != NULL);
	return self;
}

IppyoElection *
ippyo_ballot_draft_get_election(IppyoBallotDraft *self)
{
	return self->election;
}

gboolean
ippyo_ballot_draft_set_certificate(IppyoBallotDraft *self, GBytes *der, GError **error)
{
	guint8 fp[IPPYO_FINGERPRINT_BYTES];
	int r;

	if ((r = ippyo_cert_der_fingerprint(g_bytes_get_data(der, NULL), g_bytes_get_size(der),
	    fp)) != 0) {
		ippyo_voter_set_error(error, r, -1);
		return FALSE;
	}
	if (self->have_voter && memcmp(fp, self->voter, sizeof(fp)) == 0)
		return TRUE;
	discard(self);
	memcpy(self->voter, fp, sizeof(fp));
	self->have_voter = TRUE;
	g_clear_pointer(&self->cert, g_bytes_unref);
	self->cert = g_bytes_ref(der);
	return TRUE;
}

GBytes *
ippyo_ballot_draft_get_certificate(IppyoBallotDraft *self)
{
	return self->cert;
}

static const char *
contest_title(IppyoBallotDraft *self, guint c)
{
	return ippyo_manifest_contest_title(ippyo_election_get_manifest(self->election), c,
	    ippyo_election_lang());
}

gboolean
ippyo_ballot_draft_select(IppyoBallotDraft *self, guint c, guint o, gboolean selected,
    GError **error)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	gboolean was_complete = ippyo_ballot_draft_get_complete(self);
	uint32_t max;
	int r;

	if (c >= ippyo_manifest_contests(m) || o >= ippyo_manifest_options(m, c)) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    _("There is no such choice on this ballot."));
		return FALSE;
	}
	if ((ippyo_choices_get(self->choices, c, o) == 1) == (selected != FALSE))
		return TRUE;
	max = ippyo_manifest_contest_max(m, c);
	if (selected && max == 1) {
		/* radio rows: the new choice replaces the old one */
		for (size_t i = 0; i < ippyo_manifest_options(m, c); i++)
			if ((r = ippyo_choices_set(self->choices, c, i, 0)) != 0) {
				ippyo_voter_set_error(error, r, -1);
				return FALSE;
			}
	} else if (selected && ippyo_choices_count(self->choices, c) >= max) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    g_dngettext(GETTEXT_PACKAGE, "You can choose at most %u in “%s”. Remove a "
		    "choice first.", "You can choose at most %u in “%s”. Remove a choice first.",
		    max), max, contest_title(self, c));
		return FALSE;
	}
	if ((r = ippyo_choices_set(self->choices, c, o, selected ? 1 : 0)) != 0) {
		ippyo_voter_set_error(error, r, -1);
		return FALSE;
	}
	self->generation++;
	discard(self);
	if (was_complete != ippyo_ballot_draft_get_complete(self))
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_COMPLETE]);
	return TRUE;
}

gboolean
ippyo_ballot_draft_select_id(IppyoBallotDraft *self, const char *contest_id,
    const char *option_id, GError **error)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);

	for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
		if (!g_str_equal(ippyo_manifest_contest_id(m, c), contest_id))
			continue;
		for (size_t o = 0; o < ippyo_manifest_options(m, c); o++)
			if (g_str_equal(ippyo_manifest_option_id(m, c, o), option_id))
				return ippyo_ballot_draft_select(self, c, o, TRUE, error);
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    _("“%s” has no option “%s”."), contest_id, option_id);
		return FALSE;
	}
	g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
	    _("This election has no contest “%s”."), contest_id);
	return FALSE;
}

gboolean
ippyo_ballot_draft_get_selected(IppyoBallotDraft *self, guint c, guint o)
{
	return ippyo_choices_get(self->choices, c, o) == 1;
}

guint
ippyo_ballot_draft_count(IppyoBallotDraft *self, guint c)
{
	return ippyo_choices_count(self->choices, c);
}

gboolean
ippyo_ballot_draft_check(IppyoBallotDraft *self, GError **error)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	size_t bad = 0;
	int r;

	if ((r = ippyo_choices_check(self->choices, m, &bad)) == 0)
		return TRUE;
	if (r == IPPYO_ERR_UNDERVOTE) {
		uint32_t min = ippyo_manifest_contest_min(m, bad);

		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    g_dngettext(GETTEXT_PACKAGE, "Choose at least %u in “%s”.",
		    "Choose at least %u in “%s”.", min), min, contest_title(self, bad));
	} else if (r == IPPYO_ERR_OVERVOTE) {
		uint32_t max = ippyo_manifest_contest_max(m, bad);

		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    g_dngettext(GETTEXT_PACKAGE, "Choose at most %u in “%s”.",
		    "Choose at most %u in “%s”.", max), max, contest_title(self, bad));
	} else {
		ippyo_voter_set_error(error, r, -1);
	}
	return FALSE;
}

gboolean
ippyo_ballot_draft_get_complete(IppyoBallotDraft *self)
{
	return ippyo_ballot_draft_check(self, NULL);
}

char *
ippyo_ballot_draft_summary(IppyoBallotDraft *self)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	const char *lang = ippyo_election_lang();
	GString *s = g_string_new(NULL);

	for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
		gboolean any = FALSE;

		g_string_append_printf(s, "%s: ", ippyo_manifest_contest_title(m, c, lang));
		for (size_t o = 0; o < ippyo_manifest_options(m, c); o++) {
			if (ippyo_choices_get(self->choices, c, o) != 1)
				continue;
			g_string_append_printf(s, "%s%s", any ? ", " : "",
			    ippyo_manifest_option_title(m, c, o, lang));
			any = TRUE;
		}
		if (!any)
			g_string_append(s, _("(blank)"));
		g_string_append_c(s, '\n');
	}
	return g_string_free(s, FALSE);
}

/* ---- encryption ---- */

typedef struct {
	ippyo_choices *choices;
	guint8 voter[IPPYO_BINDING_BYTES];
	guint generation;
	ippyo_ballot *ballot;
	guint8 *seed;
} encrypt_job;

static void
encrypt_job_free(gpointer p)
{
	encrypt_job *j = p;

	ippyo_choices_free(j->choices);
	ippyo_ballot_free(j->ballot);
	if (j->seed != NULL)
		OPENSSL_secure_clear_free(j->seed, IPPYO_SEED_BYTES);
	g_free(j);
}

static gboolean
encrypt_run(IppyoElection *election, encrypt_job *j, GError **error)
{
	int r;

	if ((j->seed = OPENSSL_secure_malloc(IPPYO_SEED_BYTES)) == NULL) {
		ippyo_voter_set_error(error, IPPYO_ERR_ALLOC, -1);
		return FALSE;
	}
	if (RAND_priv_bytes(j->seed, IPPYO_SEED_BYTES) != 1) {
		ippyo_voter_set_error(error, IPPYO_ERR_RANDOM, -1);
		return FALSE;
	}
	if ((r = ippyo_ballot_build(&j->ballot, ippyo_election_get_manifest(election),
	    ippyo_election_get_key(election), j->choices, j->seed, j->voter)) != 0) {
		ippyo_voter_set_error(error, r, -1);
		return FALSE;
	}
	return TRUE;
}

static gboolean
encrypt_prepare(IppyoBallotDraft *self, encrypt_job **out, GError **error)
{
	encrypt_job *j;

	*out = NULL;
	if (!self->have_voter) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NO_CARD,
		    _("Insert your My Number card first: the ballot is made for your card."));
		return FALSE;
	}
	if (!ippyo_ballot_draft_check(self, error))
		return FALSE;
	j = g_new0(encrypt_job, 1);
	j->choices = ippyo_choices_dup(self->choices);
	memcpy(j->voter, self->voter, sizeof(j->voter));
	j->generation = self->generation;
	*out = j;
	return TRUE;
}

static gboolean
encrypt_apply(IppyoBallotDraft *self, encrypt_job *j, GError **error)
{
	const uint8_t *code;

	if (j->generation != self->generation) {
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
		    _("The choices changed while the ballot was being encrypted."));
		return FALSE;
	}
	discard(self);
	self->ballot = g_steal_pointer(&j->ballot);
	self->seed = g_steal_pointer(&j->seed);
	code = ippyo_ballot_tracking_code(self->ballot);
	ippyo_tracking_code_short(code, self->tracking);
	ippyo_tracking_code_hex(code, self->tracking_hex);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ENCRYPTED]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_TRACKING_CODE]);
	return TRUE;
}

gboolean
ippyo_ballot_draft_encrypt_sync(IppyoBallotDraft *self, GError **error)
{
	encrypt_job *j = NULL;
	gboolean ok;

	if (!encrypt_prepare(self, &j, error))
		return FALSE;
	ok = encrypt_run(self->election, j, error) && encrypt_apply(self, j, error);
	encrypt_job_free(j);
	return ok;
}

static void
encrypt_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	IppyoBallotDraft *self = source;
	GError *error = NULL;

	if (!encrypt_run(self->election, data, &error))
		g_task_return_error(task, error);
	else
		g_task_return_boolean(task, TRUE);
}

void
ippyo_ballot_draft_encrypt_async(IppyoBallotDraft *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	encrypt_job *j = NULL;
	GError *error = NULL;

	g_task_set_source_tag(task, ippyo_ballot_draft_encrypt_async);
	if (!encrypt_prepare(self, &j, &error)) {
		g_task_return_error(task, error);
		return;
	}
	g_task_set_task_data(task, j, encrypt_job_free);
	g_task_run_in_thread(task, encrypt_thread);
}

gboolean
ippyo_ballot_draft_encrypt_finish(IppyoBallotDraft *self, GAsyncResult *result,
    GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	if (!g_task_propagate_boolean(G_TASK(result), error))
		return FALSE;
	return encrypt_apply(self, g_task_get_task_data(G_TASK(result)), error);
}

gboolean
ippyo_ballot_draft_get_encrypted(IppyoBallotDraft *self)
{
	return self->ballot != NULL;
}

const char *
ippyo_ballot_draft_get_tracking_code(IppyoBallotDraft *self)
{
	return self->tracking;
}

const char *
ippyo_ballot_draft_get_tracking_code_hex(IppyoBallotDraft *self)
{
	return self->tracking_hex;
}

GBytes *
ippyo_ballot_draft_get_ballot(IppyoBallotDraft *self)
{
	const uint8_t *b;
	size_t len;

	if (self->ballot == NULL)
		return NULL;
	b = ippyo_ballot_bytes(self->ballot, &len);
	return g_bytes_new(b, len);
}

guint
ippyo_ballot_draft_get_audits(IppyoBallotDraft *self)
{
	return self->audits;
}

/* ---- audit ---- */

GBytes *
ippyo_ballot_draft_audit(IppyoBallotDraft *self, GError **error)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	ippyo_audit *a = NULL;
	uint8_t *rec = NULL;
	size_t rec_len = 0;
	json_t *root = NULL, *record = NULL;
	json_error_t jerr;
	char *text = NULL;
	GBytes *out = NULL;
	int r;

	if (self->ballot == NULL || self->seed == NULL) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_AUDIT,
		    _("There is no encrypted ballot to check."));
		return NULL;
	}
	if ((r = ippyo_audit_new(&a, m, self->choices, self->seed, self->voter,
	    ippyo_ballot_tracking_code(self->ballot))) != 0 ||
	    (r = ippyo_audit_serialize(a, &rec, &rec_len)) != 0) {
		ippyo_voter_set_error(error, r, -1);
		goto out;
	}
	if ((record = json_loadb((const char *)rec, rec_len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL ||
	    (root = json_pack("{s:s, s:O, s:i}", "chain_url",
	    ippyo_election_get_chain_url(self->election), "record", record, "version", 1)) == NULL ||
	    (text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		ippyo_voter_set_error(error, IPPYO_ERR_INTERNAL, -1);
		goto out;
	}
	out = g_bytes_new(text, strlen(text));
	/* the audited encryption is spoiled: it can never be cast */
	self->audits++;
	discard(self);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_AUDITS]);
 out:
	if (text != NULL) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	json_decref(root);
	json_decref(record);
	if (rec != NULL)
		OPENSSL_clear_free(rec, rec_len);
	ippyo_audit_free(a);
	return out;
}

void
ippyo_ballot_draft_forget_seed(IppyoBallotDraft *self)
{
	wipe_seed(self);
}
