/* ippyo — IppyoSubmitter: PIN, card signature, submission, verified receipt. */
#include "voter-submitter.h"
#include "voter-submitter-private.h"

#include <string.h>

#include <openssl/crypto.h>

#include "card/cert.h"
#include "card/jpki.h"
#include "election/entry.h"
#include "error.h"
#include "i18n.h"
#include "voter-error.h"

#define PIN_CAP 32

struct _IppyoSubmitter {
	GObject parent_instance;

	IppyoElection *election;
	IppyoReceiptStore *store;
	char *reader;
	char *module;
	GMainContext *context;          /* where notifications are emitted */
	GThread *owner;                 /* the thread that made the submitter */

	IppyoSubmitterStage stage;
	int tries_left;
	gboolean final_try;
	gboolean locked;
	GBytes *pending;                /* the signed entry not yet receipted */
	char *rejection_code;
	char *receipt_path;
	guint64 index;
	gboolean busy;

	IppyoSubmitterHook before_sign;
	gpointer before_sign_data;
};

enum {
	PROP_0,
	PROP_READER,
	PROP_STAGE,
	PROP_PIN_TRIES_LEFT,
	PROP_PIN_FINAL_TRY,
	PROP_PIN_LOCKED,
	PROP_HAS_PENDING,
	PROP_REJECTION_CODE,
	PROP_RECEIPT_PATH,
	PROP_INDEX,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE(IppyoSubmitter, ippyo_submitter, G_TYPE_OBJECT)

GType
ippyo_submitter_stage_get_type(void)
{
	static gsize id = 0;
	static const GEnumValue values[] = {
		{ IPPYO_SUBMITTER_IDLE, "IPPYO_SUBMITTER_IDLE", "idle" },
		{ IPPYO_SUBMITTER_SIGNING, "IPPYO_SUBMITTER_SIGNING", "signing" },
		{ IPPYO_SUBMITTER_SENDING, "IPPYO_SUBMITTER_SENDING", "sending" },
		{ IPPYO_SUBMITTER_RECORDED, "IPPYO_SUBMITTER_RECORDED", "recorded" },
		{ IPPYO_SUBMITTER_FAILED, "IPPYO_SUBMITTER_FAILED", "failed" },
		{ 0, NULL, NULL }
	};

	if (g_once_init_enter(&id))
		g_once_init_leave(&id, g_enum_register_static("IppyoSubmitterStage", values));
	return id;
}

static void
ippyo_submitter_finalize(GObject *object)
{
	IppyoSubmitter *self = IPPYO_SUBMITTER(object);

	g_clear_object(&self->election);
	g_clear_object(&self->store);
	g_free(self->reader);
	g_free(self->module);
	g_main_context_unref(self->context);
	g_clear_pointer(&self->pending, g_bytes_unref);
	g_free(self->rejection_code);
	g_free(self->receipt_path);
	G_OBJECT_CLASS(ippyo_submitter_parent_class)->finalize(object);
}

static void
ippyo_submitter_get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	IppyoSubmitter *self = IPPYO_SUBMITTER(object);

	switch (prop_id) {
	case PROP_READER:
		g_value_set_string(value, self->reader);
		break;
	case PROP_STAGE:
		g_value_set_enum(value, self->stage);
		break;
	case PROP_PIN_TRIES_LEFT:
		g_value_set_int(value, self->tries_left);
		break;
	case PROP_PIN_FINAL_TRY:
		g_value_set_boolean(value, self->final_try);
		break;
	case PROP_PIN_LOCKED:
		g_value_set_boolean(value, self->locked);
		break;
	case PROP_HAS_PENDING:
		g_value_set_boolean(value, self->pending != NULL);
		break;
	case PROP_REJECTION_CODE:
		g_value_set_string(value, self->rejection_code);
		break;
	case PROP_RECEIPT_PATH:
		g_value_set_string(value, self->receipt_path);
		break;
	case PROP_INDEX:
		g_value_set_uint64(value, self->index);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_submitter_set_property(GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
	IppyoSubmitter *self = IPPYO_SUBMITTER(object);

	switch (prop_id) {
	case PROP_READER:
		g_free(self->reader);
		self->reader = g_value_dup_string(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_submitter_class_init(IppyoSubmitterClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);
	GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

	oc->finalize = ippyo_submitter_finalize;
	oc->get_property = ippyo_submitter_get_property;
	oc->set_property = ippyo_submitter_set_property;
	props[PROP_READER] = g_param_spec_string("reader", NULL, NULL, NULL,
	    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	props[PROP_STAGE] = g_param_spec_enum("stage", NULL, NULL, IPPYO_TYPE_SUBMITTER_STAGE,
	    IPPYO_SUBMITTER_IDLE, f);
	props[PROP_PIN_TRIES_LEFT] = g_param_spec_int("pin-tries-left", NULL, NULL, -1, 16, -1, f);
	props[PROP_PIN_FINAL_TRY] = g_param_spec_boolean("pin-final-try", NULL, NULL, FALSE, f);
	props[PROP_PIN_LOCKED] = g_param_spec_boolean("pin-locked", NULL, NULL, FALSE, f);
	props[PROP_HAS_PENDING] = g_param_spec_boolean("has-pending", NULL, NULL, FALSE, f);
	props[PROP_REJECTION_CODE] = g_param_spec_string("rejection-code", NULL, NULL, NULL, f);
	props[PROP_RECEIPT_PATH] = g_param_spec_string("receipt-path", NULL, NULL, NULL, f);
	props[PROP_INDEX] = g_param_spec_uint64("index", NULL, NULL, 0, G_MAXUINT64, 0, f);
	g_object_class_install_properties(oc, N_PROPS, props);
}

static void
ippyo_submitter_init(IppyoSubmitter *self)
{
	self->tries_left = -1;
	self->context = g_main_context_ref_thread_default();
	self->owner = g_thread_self();
}

IppyoSubmitter *
ippyo_submitter_new(IppyoElection *election, IppyoReceiptStore *store, const char *reader,
    const char *pkcs11_module)
{
	IppyoSubmitter *self = g_object_new(IPPYO_TYPE_SUBMITTER, "reader", reader, NULL);

	self->election = g_object_ref(election);
	self->store = g_object_ref(store);
	if (pkcs11_module != NULL)
		self->module = g_strdup(pkcs11_module);
	else if (g_getenv("IPPYO_PKCS11_MODULE") != NULL)
		self->module = g_strdup(g_getenv("IPPYO_PKCS11_MODULE"));
	return self;
}

void
ippyo_submitter_set_before_sign_hook(IppyoSubmitter *self, IppyoSubmitterHook hook,
    gpointer data)
{
	self->before_sign = hook;
	self->before_sign_data = data;
}

int
ippyo_submitter_get_pin_tries_left(IppyoSubmitter *self)
{
	return self->tries_left;
}

gboolean
ippyo_submitter_get_pin_final_try(IppyoSubmitter *self)
{
	return self->final_try;
}

gboolean
ippyo_submitter_get_pin_locked(IppyoSubmitter *self)
{
	return self->locked;
}

IppyoSubmitterStage
ippyo_submitter_get_stage(IppyoSubmitter *self)
{
	return self->stage;
}

gboolean
ippyo_submitter_get_has_pending(IppyoSubmitter *self)
{
	return self->pending != NULL;
}

const char *
ippyo_submitter_get_rejection_code(IppyoSubmitter *self)
{
	return self->rejection_code;
}

const char *
ippyo_submitter_get_receipt_path(IppyoSubmitter *self)
{
	return self->receipt_path;
}

/* ---- the stage, notified on the submitter's context ---- */

typedef struct {
	IppyoSubmitter *self;
	IppyoSubmitterStage stage;
} stage_change;

static void
apply_stage(IppyoSubmitter *self, IppyoSubmitterStage stage)
{
	if (self->stage == stage)
		return;
	self->stage = stage;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STAGE]);
}

static gboolean
stage_cb(gpointer data)
{
	stage_change *c = data;

	apply_stage(c->self, c->stage);
	return G_SOURCE_REMOVE;
}

static void
stage_change_free(gpointer data)
{
	stage_change *c = data;

	g_object_unref(c->self);
	g_free(c);
}

static void
set_stage(IppyoSubmitter *self, IppyoSubmitterStage stage)
{
	stage_change *c;

	if (g_thread_self() == self->owner) {
		apply_stage(self, stage);
		return;
	}
	c = g_new0(stage_change, 1);
	c->self = g_object_ref(self);
	c->stage = stage;
	g_main_context_invoke_full(self->context, G_PRIORITY_DEFAULT, stage_cb, c,
	    stage_change_free);
}

/* ---- the card step ---- */

typedef struct {
	IppyoSubmitter *self;
	GBytes *ballot;
	GBytes *cert;
	char *pin;                      /* secure heap, PIN_CAP bytes; NULL once used */
	GBytes *entry;                  /* the signed entry */
	IppyoChainReceipt *receipt;
	char *receipt_path;
	char *rejection;
	ippyo_pin_status pin_status;
	gboolean have_pin_status;
	gboolean kept;                  /* the entry stays pending after a failure */
	IppyoBallotDraft *draft;
} cast_job;

static void
wipe_pin(cast_job *j)
{
	if (j->pin != NULL) {
		OPENSSL_secure_clear_free(j->pin, PIN_CAP);
		j->pin = NULL;
	}
}

static void
cast_job_free(gpointer p)
{
	cast_job *j = p;

	wipe_pin(j);
	g_clear_object(&j->self);
	g_clear_object(&j->draft);
	g_clear_pointer(&j->ballot, g_bytes_unref);
	g_clear_pointer(&j->cert, g_bytes_unref);
	g_clear_pointer(&j->entry, g_bytes_unref);
	g_clear_pointer(&j->receipt, ippyo_chain_receipt_unref);
	g_free(j->receipt_path);
	g_free(j->rejection);
	g_free(j);
}

static int
tries_of(const ippyo_pin_status *st)
{
	if (st->locked)
		return 0;
	if (st->final_try)
		return 1;
	return st->tries_left;
}

static void
apply_pin_status(IppyoSubmitter *self, const ippyo_pin_status *st)
{
	int tries = tries_of(st);

	if (tries != self->tries_left) {
		self->tries_left = tries;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PIN_TRIES_LEFT]);
	}
	if ((st->final_try != 0) != self->final_try) {
		self->final_try = st->final_try != 0;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PIN_FINAL_TRY]);
	}
	if ((st->locked != 0) != self->locked) {
		self->locked = st->locked != 0;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PIN_LOCKED]);
	}
}

static gboolean
read_status(IppyoSubmitter *self, ippyo_pin_status *st, GError **error)
{
	ippyo_jpki *jp = NULL;
	ippyo_jpki_session *s = NULL;
	int r;

	if ((r = ippyo_jpki_open(self->module, &jp)) == 0 &&
	    (r = ippyo_jpki_session_open(jp, self->reader, IPPYO_JPKI_AUTH, &s)) == 0)
		r = ippyo_jpki_pin_status(s, st);
	(void)ippyo_jpki_session_close(s);
	ippyo_jpki_free(jp);
	if (r != 0) {
		ippyo_voter_set_error(error, r, -1);
		return FALSE;
	}
	return TRUE;
}

static gboolean
sign_step(cast_job *j, GError **error)
{
	IppyoSubmitter *self = j->self;
	ippyo_jpki *jp = NULL;
	ippyo_jpki_session *s = NULL;
	ippyo_cert *cert = NULL;
	ippyo_entry *e = NULL;
	uint8_t *sig = NULL;
	size_t sig_len = 0, der_len;
	const uint8_t *der, *bytes;
	size_t len;
	gboolean ok = FALSE;
	int r, tries = -1;

	if ((r = ippyo_jpki_open(self->module, &jp)) != 0 ||
	    (r = ippyo_jpki_session_open(jp, self->reader, IPPYO_JPKI_AUTH, &s)) != 0 ||
	    (r = ippyo_jpki_read_cert(s, &cert)) != 0)
		goto fail;
	der = ippyo_cert_der(cert, &der_len);
	if (der_len != g_bytes_get_size(j->cert) ||
	    memcmp(der, g_bytes_get_data(j->cert, NULL), der_len) != 0) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_WRONG_CARD,
		    _("This is not the card the ballot was made for. Insert that card, or "
		    "start the ballot again with this one. No PIN was sent."));
		goto out;
	}
	if ((r = ippyo_jpki_pin_status(s, &j->pin_status)) != 0)
		goto fail;
	j->have_pin_status = TRUE;
	if (j->pin_status.locked) {
		r = IPPYO_ERR_PIN_LOCKED;           /* never VERIFY a locked card */
		goto fail;
	}
	r = ippyo_jpki_login(s, j->pin);
	wipe_pin(j);                                /* one try, then gone */
	if (r == IPPYO_ERR_PIN_WRONG || r == IPPYO_ERR_PIN_LAST_TRY || r == IPPYO_ERR_PIN_LOCKED) {
		if (ippyo_jpki_pin_status(s, &j->pin_status) == 0)
			tries = tries_of(&j->pin_status);
		goto fail;
	}
	if (r != 0)
		goto fail;
	if (self->before_sign != NULL)
		self->before_sign(self->before_sign_data);
	bytes = g_bytes_get_data(j->ballot, &len);
	if ((r = ippyo_jpki_sign(s, NULL, bytes, len, &sig, &sig_len)) != 0 ||
	    (r = ippyo_cert_verify_sha256_rsa(cert, bytes, len, sig, sig_len)) != 0)
		goto fail;
	/* a successful login resets the counter */
	if (ippyo_jpki_pin_status(s, &j->pin_status) != 0)
		j->have_pin_status = FALSE;
	if ((r = ippyo_entry_new_ballot(&e, bytes, len, der, der_len, sig, sig_len)) != 0)
		goto fail;
	bytes = ippyo_entry_bytes(e, &len);
	j->entry = g_bytes_new(bytes, len);
	ok = TRUE;
	goto out;
 fail:
	ippyo_voter_set_error(error, r, tries);
 out:
	wipe_pin(j);
	if (ippyo_jpki_session_close(s) != 0 && ok)
		g_warning("the card could not be reset after signing");
	ippyo_entry_free(e);
	free(sig);
	ippyo_cert_free(cert);
	ippyo_jpki_free(jp);
	return ok;
}

/* ---- the chain step ---- */

static gboolean
send_step(cast_job *j, GCancellable *cancellable, GError **error)
{
	IppyoSubmitter *self = j->self;
	g_autoptr(GError) local = NULL;

	set_stage(self, IPPYO_SUBMITTER_SENDING);
	j->receipt = ippyo_chain_client_submit_ballot_sync(
	    ippyo_election_get_client(self->election), j->entry, cancellable, &local);
	if (j->receipt == NULL) {
		if (ippyo_net_error_is_rejection(local) &&
		    !ippyo_net_error_is_transient_rejection((IppyoNetError)local->code)) {
			/* definite: this signed ballot will never be taken */
			j->rejection = g_strdup(ippyo_net_error_rejection_name(
			    (IppyoNetError)local->code));
			ippyo_receipt_store_remove_pending(self->store, j->entry);
			j->kept = FALSE;
		} else {
			j->kept = TRUE;
		}
		ippyo_voter_set_net_error(error, local);
		if (j->kept && error != NULL && *error != NULL) {
			g_autofree char *msg = g_strdup_printf("%s %s", (*error)->message,
			    _("Your signed ballot is kept and can be sent again; it will never "
			    "count twice."));

			g_free((*error)->message);
			(*error)->message = g_steal_pointer(&msg);
		}
		return FALSE;
	}
	j->receipt_path = ippyo_receipt_store_save(self->store, self->election, j->entry,
	    j->receipt, error);
	if (j->receipt_path == NULL) {
		j->kept = TRUE;
		return FALSE;
	}
	ippyo_receipt_store_remove_pending(self->store, j->entry);
	return TRUE;
}

static gboolean
cast_run(cast_job *j, GCancellable *cancellable, GError **error)
{
	g_autofree char *pending = NULL;

	if (j->entry == NULL) {
		set_stage(j->self, IPPYO_SUBMITTER_SIGNING);
		if (!sign_step(j, error))
			return FALSE;
		/* kept on disk before it leaves: a signed ballot is never silently lost */
		pending = ippyo_receipt_store_save_pending(j->self->store, j->entry,
		    ippyo_election_get_chain_url(j->self->election), error);
		if (pending == NULL)
			return FALSE;
	}
	return send_step(j, cancellable, error);
}

/* Applies a finished job on the submitter's context. */
static IppyoChainReceipt *
cast_apply(IppyoSubmitter *self, cast_job *j, gboolean ok)
{
	gboolean had_pending = self->pending != NULL;

	self->busy = FALSE;
	if (j->have_pin_status)
		apply_pin_status(self, &j->pin_status);
	g_clear_pointer(&self->rejection_code, g_free);
	self->rejection_code = g_steal_pointer(&j->rejection);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_REJECTION_CODE]);
	g_clear_pointer(&self->pending, g_bytes_unref);
	if (!ok && j->kept && j->entry != NULL)
		self->pending = g_bytes_ref(j->entry);
	if (had_pending != (self->pending != NULL))
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_HAS_PENDING]);
	if (!ok) {
		apply_stage(self, IPPYO_SUBMITTER_FAILED);
		return NULL;
	}
	if (j->draft != NULL)
		ippyo_ballot_draft_forget_seed(j->draft);
	g_free(self->receipt_path);
	self->receipt_path = g_steal_pointer(&j->receipt_path);
	self->index = ippyo_chain_receipt_get_index(j->receipt);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_RECEIPT_PATH]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_INDEX]);
	apply_stage(self, IPPYO_SUBMITTER_RECORDED);
	return g_steal_pointer(&j->receipt);
}

static gboolean
cast_prepare(IppyoSubmitter *self, IppyoBallotDraft *draft, const char *pin, cast_job **out,
    GError **error)
{
	cast_job *j;

	*out = NULL;
	if (self->busy) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
		    _("A ballot is being cast already."));
		return FALSE;
	}
	if (ippyo_election_get_state(self->election) == IPPYO_ELECTION_STATE_CLOSED) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CLOSED,
		    _("The poll is closed: ballots are no longer accepted."));
		return FALSE;
	}
	if (ippyo_election_get_state(self->election) == IPPYO_ELECTION_STATE_NOT_OPEN) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_OPEN,
		    _("The poll has not opened yet."));
		return FALSE;
	}
	if (!ippyo_ballot_draft_get_encrypted(draft)) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
		    _("The ballot is not encrypted yet (or its encryption was audited): "
		    "encrypt it again and check the tracking code."));
		return FALSE;
	}
	if (pin == NULL || strlen(pin) >= PIN_CAP) {
		ippyo_voter_set_error(error, IPPYO_ERR_PIN_FORMAT, -1);
		return FALSE;
	}
	j = g_new0(cast_job, 1);
	j->self = g_object_ref(self);
	j->draft = g_object_ref(draft);
	j->ballot = ippyo_ballot_draft_get_ballot(draft);
	j->cert = g_bytes_ref(ippyo_ballot_draft_get_certificate(draft));
	if ((j->pin = OPENSSL_secure_zalloc(PIN_CAP)) == NULL) {
		cast_job_free(j);
		ippyo_voter_set_error(error, IPPYO_ERR_ALLOC, -1);
		return FALSE;
	}
	memcpy(j->pin, pin, strlen(pin));
	self->busy = TRUE;
	*out = j;
	return TRUE;
}

IppyoChainReceipt *
ippyo_submitter_cast_sync(IppyoSubmitter *self, IppyoBallotDraft *draft, const char *pin,
    GCancellable *cancellable, GError **error)
{
	cast_job *j = NULL;
	IppyoChainReceipt *rc;
	gboolean ok;

	if (!cast_prepare(self, draft, pin, &j, error))
		return NULL;
	ok = cast_run(j, cancellable, error);
	rc = cast_apply(self, j, ok);
	cast_job_free(j);
	return rc;
}

static void
cast_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	GError *error = NULL;

	if (!cast_run(data, cancellable, &error))
		g_task_return_error(task, error);
	else
		g_task_return_boolean(task, TRUE);
}

void
ippyo_submitter_cast_async(IppyoSubmitter *self, IppyoBallotDraft *draft, const char *pin,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	cast_job *j = NULL;
	GError *error = NULL;

	g_task_set_source_tag(task, ippyo_submitter_cast_async);
	if (!cast_prepare(self, draft, pin, &j, &error)) {
		g_task_return_error(task, error);
		return;
	}
	g_task_set_task_data(task, j, cast_job_free);
	g_task_run_in_thread(task, cast_thread);
}

IppyoChainReceipt *
ippyo_submitter_cast_finish(IppyoSubmitter *self, GAsyncResult *result, GError **error)
{
	cast_job *j;
	gboolean ok;

	g_return_val_if_fail(g_task_is_valid(result, self), NULL);
	j = g_task_get_task_data(G_TASK(result));
	ok = g_task_propagate_boolean(G_TASK(result), error);
	if (j == NULL)                      /* refused before it started */
		return NULL;
	return cast_apply(self, j, ok);
}

/* ---- resend ---- */

gboolean
ippyo_submitter_adopt_pending(IppyoSubmitter *self, GBytes *entry)
{
	g_return_val_if_fail(IPPYO_IS_SUBMITTER(self), FALSE);
	g_return_val_if_fail(entry != NULL, FALSE);

	if (self->busy || self->pending != NULL)
		return FALSE;
	self->pending = g_bytes_ref(entry);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_HAS_PENDING]);
	return TRUE;
}

static gboolean
resend_prepare(IppyoSubmitter *self, cast_job **out, GError **error)
{
	cast_job *j;

	*out = NULL;
	if (self->busy || self->pending == NULL) {
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
		    self->busy ? _("A ballot is being cast already.") :
		    _("There is no signed ballot waiting to be sent."));
		return FALSE;
	}
	j = g_new0(cast_job, 1);
	j->self = g_object_ref(self);
	j->entry = g_bytes_ref(self->pending);
	self->busy = TRUE;
	*out = j;
	return TRUE;
}

IppyoChainReceipt *
ippyo_submitter_resend_sync(IppyoSubmitter *self, GCancellable *cancellable, GError **error)
{
	cast_job *j = NULL;
	IppyoChainReceipt *rc;
	gboolean ok;

	if (!resend_prepare(self, &j, error))
		return NULL;
	ok = cast_run(j, cancellable, error);
	rc = cast_apply(self, j, ok);
	cast_job_free(j);
	return rc;
}

void
ippyo_submitter_resend_async(IppyoSubmitter *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	cast_job *j = NULL;
	GError *error = NULL;

	g_task_set_source_tag(task, ippyo_submitter_resend_async);
	if (!resend_prepare(self, &j, &error)) {
		g_task_return_error(task, error);
		return;
	}
	g_task_set_task_data(task, j, cast_job_free);
	g_task_run_in_thread(task, cast_thread);
}

IppyoChainReceipt *
ippyo_submitter_resend_finish(IppyoSubmitter *self, GAsyncResult *result, GError **error)
{
	return ippyo_submitter_cast_finish(self, result, error);
}

/* ---- PIN status ---- */

gboolean
ippyo_submitter_read_pin_status_sync(IppyoSubmitter *self, GError **error)
{
	ippyo_pin_status st;

	if (!read_status(self, &st, error))
		return FALSE;
	apply_pin_status(self, &st);
	return TRUE;
}

static void
status_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	GError *error = NULL;

	if (!read_status(source, data, &error))
		g_task_return_error(task, error);
	else
		g_task_return_boolean(task, TRUE);
}

void
ippyo_submitter_read_pin_status_async(IppyoSubmitter *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);

	g_task_set_source_tag(task, ippyo_submitter_read_pin_status_async);
	g_task_set_task_data(task, g_new0(ippyo_pin_status, 1), g_free);
	g_task_run_in_thread(task, status_thread);
}

gboolean
ippyo_submitter_read_pin_status_finish(IppyoSubmitter *self, GAsyncResult *result,
    GError **error)
{
	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	if (!g_task_propagate_boolean(G_TASK(result), error))
		return FALSE;
	apply_pin_status(self, g_task_get_task_data(G_TASK(result)));
	return TRUE;
}
