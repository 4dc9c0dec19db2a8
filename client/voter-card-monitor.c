/* ippyo — IppyoCardMonitor: the reader and card as the voter sees them, live. */
#include "voter-card-monitor.h"

#include <string.h>

#include "card/cert.h"
#include "card/jpki.h"
#include "card/pcsc.h"
#include "election/roll.h"
#include "encoding.h"
#include "error.h"
#include "i18n.h"

#define RETRY_MS 1000
#define WAIT_MS 2000

struct _IppyoCardMonitor {
	GObject parent_instance;

	char *want_reader;
	char *module;
	IppyoElection *election;
	GMainContext *context;

	/* the worker */
	GThread *thread;
	GMutex lock;
	GCond cond;
	gboolean stopping;
	ippyo_pcsc *pcsc;                    /* under lock, for ippyo_pcsc_cancel() */

	/* published state (main context) */
	IppyoCardMonitorState state;
	char *reader;
	GBytes *cert;
	char *fingerprint;
	char *subject;
	gint64 not_after;
	int tries_left;
	IppyoEligibility eligibility;
	char *message;
	int error;                           /* IPPYO_ERR_* behind the state, or 0 */
};

enum {
	PROP_0,
	PROP_STATE,
	PROP_READER,
	PROP_CERTIFICATE,
	PROP_FINGERPRINT,
	PROP_SUBJECT,
	PROP_NOT_AFTER,
	PROP_PIN_TRIES_LEFT,
	PROP_ELIGIBILITY,
	PROP_MESSAGE,
	N_PROPS
};
static GParamSpec *props[N_PROPS];

G_DEFINE_TYPE(IppyoCardMonitor, ippyo_card_monitor, G_TYPE_OBJECT)

GType
ippyo_card_monitor_state_get_type(void)
{
	static gsize id = 0;
	static const GEnumValue values[] = {
		{ IPPYO_CARD_MONITOR_STARTING, "IPPYO_CARD_MONITOR_STARTING", "starting" },
		{ IPPYO_CARD_MONITOR_NO_SERVICE, "IPPYO_CARD_MONITOR_NO_SERVICE", "no-service" },
		{ IPPYO_CARD_MONITOR_NO_READER, "IPPYO_CARD_MONITOR_NO_READER", "no-reader" },
		{ IPPYO_CARD_MONITOR_NO_CARD, "IPPYO_CARD_MONITOR_NO_CARD", "no-card" },
		{ IPPYO_CARD_MONITOR_READING, "IPPYO_CARD_MONITOR_READING", "reading" },
		{ IPPYO_CARD_MONITOR_READY, "IPPYO_CARD_MONITOR_READY", "ready" },
		{ IPPYO_CARD_MONITOR_NOT_MYNUMBER, "IPPYO_CARD_MONITOR_NOT_MYNUMBER", "not-mynumber" },
		{ IPPYO_CARD_MONITOR_ERROR, "IPPYO_CARD_MONITOR_ERROR", "error" },
		{ 0, NULL, NULL }
	};

	if (g_once_init_enter(&id))
		g_once_init_leave(&id, g_enum_register_static("IppyoCardMonitorState", values));
	return id;
}

GType
ippyo_eligibility_get_type(void)
{
	static gsize id = 0;
	static const GEnumValue values[] = {
		{ IPPYO_ELIGIBILITY_UNKNOWN, "IPPYO_ELIGIBILITY_UNKNOWN", "unknown" },
		{ IPPYO_ELIGIBILITY_ELIGIBLE, "IPPYO_ELIGIBILITY_ELIGIBLE", "eligible" },
		{ IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN, "IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN",
		  "valid-roll-unknown" },
		{ IPPYO_ELIGIBILITY_EXPIRED, "IPPYO_ELIGIBILITY_EXPIRED", "expired" },
		{ IPPYO_ELIGIBILITY_NOT_YET_VALID, "IPPYO_ELIGIBILITY_NOT_YET_VALID", "not-yet-valid" },
		{ IPPYO_ELIGIBILITY_NOT_ON_ROLL, "IPPYO_ELIGIBILITY_NOT_ON_ROLL", "not-on-roll" },
		{ IPPYO_ELIGIBILITY_REVOKED, "IPPYO_ELIGIBILITY_REVOKED", "revoked" },
		{ IPPYO_ELIGIBILITY_WRONG_ISSUER, "IPPYO_ELIGIBILITY_WRONG_ISSUER", "wrong-issuer" },
		{ IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN,
		  "IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN", "valid-revocation-unknown" },
		{ 0, NULL, NULL }
	};

	if (g_once_init_enter(&id))
		g_once_init_leave(&id, g_enum_register_static("IppyoEligibility", values));
	return id;
}

const char *
ippyo_card_monitor_state_name(IppyoCardMonitorState s)
{
	/* enum classes are static: the reference is never dropped */
	GEnumValue *v = g_enum_get_value(g_type_class_ref(IPPYO_TYPE_CARD_MONITOR_STATE), s);

	return v != NULL ? v->value_nick : "?";
}

const char *
ippyo_eligibility_name(IppyoEligibility e)
{
	GEnumValue *v = g_enum_get_value(g_type_class_ref(IPPYO_TYPE_ELIGIBILITY), e);

	return v != NULL ? v->value_nick : "?";
}

static void
ippyo_card_monitor_dispose(GObject *object)
{
	ippyo_card_monitor_stop(IPPYO_CARD_MONITOR(object));
	G_OBJECT_CLASS(ippyo_card_monitor_parent_class)->dispose(object);
}

static void
ippyo_card_monitor_finalize(GObject *object)
{
	IppyoCardMonitor *self = IPPYO_CARD_MONITOR(object);

	g_free(self->want_reader);
	g_free(self->module);
	g_clear_object(&self->election);
	g_clear_pointer(&self->context, g_main_context_unref);
	g_mutex_clear(&self->lock);
	g_cond_clear(&self->cond);
	g_free(self->reader);
	g_clear_pointer(&self->cert, g_bytes_unref);
	g_free(self->fingerprint);
	g_free(self->subject);
	g_free(self->message);
	G_OBJECT_CLASS(ippyo_card_monitor_parent_class)->finalize(object);
}

static void
ippyo_card_monitor_get_property(GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
	IppyoCardMonitor *self = IPPYO_CARD_MONITOR(object);

	switch (prop_id) {
	case PROP_STATE:
		g_value_set_enum(value, self->state);
		break;
	case PROP_READER:
		g_value_set_string(value, self->reader);
		break;
	case PROP_CERTIFICATE:
		g_value_set_boxed(value, self->cert);
		break;
	case PROP_FINGERPRINT:
		g_value_set_string(value, self->fingerprint);
		break;
	case PROP_SUBJECT:
		g_value_set_string(value, self->subject);
		break;
	case PROP_NOT_AFTER:
		g_value_set_int64(value, self->not_after);
		break;
	case PROP_PIN_TRIES_LEFT:
		g_value_set_int(value, self->tries_left);
		break;
	case PROP_ELIGIBILITY:
		g_value_set_enum(value, self->eligibility);
		break;
	case PROP_MESSAGE:
		g_value_set_string(value, self->message);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
	}
}

static void
ippyo_card_monitor_class_init(IppyoCardMonitorClass *klass)
{
	GObjectClass *oc = G_OBJECT_CLASS(klass);
	GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

	oc->dispose = ippyo_card_monitor_dispose;
	oc->finalize = ippyo_card_monitor_finalize;
	oc->get_property = ippyo_card_monitor_get_property;
	props[PROP_STATE] = g_param_spec_enum("state", NULL, NULL, IPPYO_TYPE_CARD_MONITOR_STATE,
	    IPPYO_CARD_MONITOR_STARTING, f);
	props[PROP_READER] = g_param_spec_string("reader", NULL, NULL, NULL, f);
	props[PROP_CERTIFICATE] = g_param_spec_boxed("certificate", NULL, NULL, G_TYPE_BYTES, f);
	props[PROP_FINGERPRINT] = g_param_spec_string("fingerprint", NULL, NULL, NULL, f);
	props[PROP_SUBJECT] = g_param_spec_string("subject", NULL, NULL, NULL, f);
	props[PROP_NOT_AFTER] = g_param_spec_int64("not-after", NULL, NULL, G_MININT64,
	    G_MAXINT64, 0, f);
	props[PROP_PIN_TRIES_LEFT] = g_param_spec_int("pin-tries-left", NULL, NULL, -1, 16, -1, f);
	props[PROP_ELIGIBILITY] = g_param_spec_enum("eligibility", NULL, NULL,
	    IPPYO_TYPE_ELIGIBILITY, IPPYO_ELIGIBILITY_UNKNOWN, f);
	props[PROP_MESSAGE] = g_param_spec_string("message", NULL, NULL, NULL, f);
	g_object_class_install_properties(oc, N_PROPS, props);
}

static void
ippyo_card_monitor_init(IppyoCardMonitor *self)
{
	g_mutex_init(&self->lock);
	g_cond_init(&self->cond);
	self->tries_left = -1;
}

IppyoCardMonitor *
ippyo_card_monitor_new(const char *reader, const char *pkcs11_module)
{
	IppyoCardMonitor *self = g_object_new(IPPYO_TYPE_CARD_MONITOR, NULL);

	self->want_reader = g_strdup(reader);
	if (pkcs11_module != NULL)
		self->module = g_strdup(pkcs11_module);
	else if (g_getenv("IPPYO_PKCS11_MODULE") != NULL)
		self->module = g_strdup(g_getenv("IPPYO_PKCS11_MODULE"));
	return self;
}

/* ---- what the worker saw ---- */

typedef struct {
	IppyoCardMonitor *self;
	IppyoCardMonitorState state;
	char *reader;
	GBytes *cert;
	int tries_left;
	int error;               /* the IPPYO_ERR_* behind _ERROR, _NO_SERVICE... */
} snapshot;

static void
snapshot_free(gpointer p)
{
	snapshot *s = p;

	g_clear_object(&s->self);
	g_free(s->reader);
	g_clear_pointer(&s->cert, g_bytes_unref);
	g_free(s);
}

static const char *
state_message(IppyoCardMonitorState st, int err)
{
	switch (st) {
	case IPPYO_CARD_MONITOR_STARTING:
		return _("Looking for your card reader…");
	case IPPYO_CARD_MONITOR_NO_SERVICE:
		return _("The smart card service is not running. Start it (for example: sudo "
		    "systemctl start pcscd.socket).");
	case IPPYO_CARD_MONITOR_NO_READER:
		return _("No card reader was found. Connect your card reader.");
	case IPPYO_CARD_MONITOR_NO_CARD:
		return _("Insert your My Number card into the reader.");
	case IPPYO_CARD_MONITOR_READING:
		return _("Reading your card… Leave it in the reader.");
	case IPPYO_CARD_MONITOR_READY:
		return _("Your My Number card is ready.");
	case IPPYO_CARD_MONITOR_NOT_MYNUMBER:
		return _("This card is not a My Number card. Insert your My Number card.");
	case IPPYO_CARD_MONITOR_ERROR:
	default:
		if (err == IPPYO_ERR_CARD_AMBIGUOUS)
			return _("There are several My Number cards. Choose the reader that holds "
			    "yours.");
		if (err == IPPYO_ERR_PKCS11_MODULE)
			return _("The OpenSC smart card module was not found. Install OpenSC (for "
			    "example: sudo apt install opensc-pkcs11).");
		return _("Your card could not be read. Take it out and insert it again.");
	}
}

/* Why revocation could not be checked, in the voter's words. */
static const char *
revocation_problem(IppyoElection *election)
{
	const char *p = ippyo_election_get_revocation_problem(election);

	return p != NULL ? p : _("Whether your card’s certificate was revoked could not be "
	    "checked in advance: the chain publishes no current list of revoked cards of your "
	    "card’s authority. The chain checks it when you cast your ballot.");
}

static char *
eligibility_message(IppyoEligibility e, IppyoElection *election, gboolean revocation_checked)
{
	switch (e) {
	case IPPYO_ELIGIBILITY_ELIGIBLE:
		return g_strdup(_("Your My Number card is ready, and it is on the voter roll of "
		    "this election."));
	case IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN:
		if (!revocation_checked)
			return g_strdup_printf("%s %s %s", _("Your My Number card is ready."),
			    ippyo_election_get_roll_problem(election), revocation_problem(election));
		return g_strdup_printf("%s %s", _("Your My Number card is ready."),
		    ippyo_election_get_roll_problem(election));
	case IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN:
		return g_strdup_printf("%s %s", _("Your My Number card is ready, and it is on the "
		    "voter roll of this election."), revocation_problem(election));
	case IPPYO_ELIGIBILITY_REVOKED:
		return g_strdup(_("The certificate on your card was revoked, for example after "
		    "the card was reported lost or its certificate was renewed, so it cannot vote. "
		    "If you have a newer card or certificate, use it; otherwise ask your city hall "
		    "for a new certificate."));
	case IPPYO_ELIGIBILITY_WRONG_ISSUER:
		return g_strdup(_("This card’s certificate was not issued by the My Number card "
		    "authority this election trusts, so it cannot vote here. Use your own My "
		    "Number card; if this is it, contact the election office."));
	case IPPYO_ELIGIBILITY_EXPIRED:
		return g_strdup(_("The certificate on your card has expired, so it cannot vote. "
		    "Renew it at your city hall."));
	case IPPYO_ELIGIBILITY_NOT_YET_VALID:
		return g_strdup(_("The certificate on your card is not valid yet, so it cannot "
		    "vote now. Check your computer's date and time."));
	case IPPYO_ELIGIBILITY_NOT_ON_ROLL:
		return g_strdup(_("This card is not on the voter roll of this election, so it "
		    "cannot vote here. If you think it should be, contact the election office."));
	case IPPYO_ELIGIBILITY_UNKNOWN:
	default:
		return g_strdup(_("Your My Number card is ready."));
	}
}

/* Recomputes the certificate details and the eligibility; notifies what changed. */
static void
recheck(IppyoCardMonitor *self)
{
	IppyoEligibility e = IPPYO_ELIGIBILITY_UNKNOWN;
	g_autofree char *msg = NULL;
	ippyo_cert *c = NULL;
	guint8 fp[IPPYO_CERT_FINGERPRINT_BYTES];
	char hex[2 * IPPYO_CERT_FINGERPRINT_BYTES + 1];
	char *subject = NULL;
	gint64 nb = 0, na = 0;
	gboolean revocation_checked = TRUE;
	int r;

	g_clear_pointer(&self->fingerprint, g_free);
	g_clear_pointer(&self->subject, g_free);
	self->not_after = 0;
	if (self->state == IPPYO_CARD_MONITOR_READY && self->cert != NULL &&
	    ippyo_cert_parse_der(g_bytes_get_data(self->cert, NULL), g_bytes_get_size(self->cert),
	    &c) == 0 && ippyo_cert_fingerprint(c, fp) == 0) {
		ippyo_hex_write(fp, sizeof(fp), hex);
		self->fingerprint = g_strdup(hex);
		if (ippyo_cert_subject(c, &subject) == 0) {
			self->subject = g_strdup(subject);
			free(subject);
		}
		if (ippyo_cert_validity(c, &nb, &na) == 0)
			self->not_after = na;
		if (self->election != NULL) {
			gint64 now = g_get_real_time() / G_USEC_PER_SEC;

			/* The time, the CA and the CRL (locally), then the roll. */
			if ((r = ippyo_cert_check_time(c, now)) == 0)
				r = ippyo_election_check_card(self->election, c, now);
			/* Anything else (an internal failure): not checked here, the chain checks. */
			if (r != 0 && r != IPPYO_ERR_CERT_EXPIRED && r != IPPYO_ERR_CERT_NOT_YET_VALID &&
			    r != IPPYO_ERR_CERT_REVOKED && r != IPPYO_ERR_CERT_UNTRUSTED)
				r = IPPYO_ERR_CRL_INVALID;
			revocation_checked = r != IPPYO_ERR_CRL_INVALID;
			if (r == IPPYO_ERR_CERT_EXPIRED)
				e = IPPYO_ELIGIBILITY_EXPIRED;
			else if (r == IPPYO_ERR_CERT_NOT_YET_VALID)
				e = IPPYO_ELIGIBILITY_NOT_YET_VALID;
			else if (r == IPPYO_ERR_CERT_REVOKED)
				e = IPPYO_ELIGIBILITY_REVOKED;
			else if (r == IPPYO_ERR_CERT_UNTRUSTED)
				e = IPPYO_ELIGIBILITY_WRONG_ISSUER;
			else if (ippyo_election_get_roll(self->election) == NULL)
				e = IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN;
			else if (!ippyo_roll_contains(ippyo_election_get_roll(self->election), fp))
				e = IPPYO_ELIGIBILITY_NOT_ON_ROLL;
			else if (!revocation_checked)
				e = IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN;
			else
				e = IPPYO_ELIGIBILITY_ELIGIBLE;
		}
	}
	ippyo_cert_free(c);
	self->eligibility = e;
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_FINGERPRINT]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_SUBJECT]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_NOT_AFTER]);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_ELIGIBILITY]);
	if (self->state == IPPYO_CARD_MONITOR_READY)
		msg = eligibility_message(e, self->election, revocation_checked);
	g_free(self->message);
	self->message = g_steal_pointer(&msg);
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_MESSAGE]);
}

static gboolean
apply_cb(gpointer data)
{
	snapshot *s = data;
	IppyoCardMonitor *self = s->self;
	gboolean cert_changed;

	g_object_freeze_notify(G_OBJECT(self));
	if (g_strcmp0(self->reader, s->reader) != 0) {
		g_free(self->reader);
		self->reader = g_strdup(s->reader);
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_READER]);
	}
	cert_changed = !((self->cert == NULL && s->cert == NULL) ||
	    (self->cert != NULL && s->cert != NULL && g_bytes_equal(self->cert, s->cert)));
	if (cert_changed) {
		g_clear_pointer(&self->cert, g_bytes_unref);
		self->cert = s->cert != NULL ? g_bytes_ref(s->cert) : NULL;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_CERTIFICATE]);
	}
	if (self->tries_left != s->tries_left) {
		self->tries_left = s->tries_left;
		g_object_notify_by_pspec(G_OBJECT(self), props[PROP_PIN_TRIES_LEFT]);
	}
	self->state = s->state;
	self->error = s->error;
	recheck(self);
	if (self->state != IPPYO_CARD_MONITOR_READY) {
		g_free(self->message);
		self->message = g_strdup(state_message(s->state, s->error));
	}
	/* "state" last, so that a handler of notify::state sees the rest */
	g_object_notify_by_pspec(G_OBJECT(self), props[PROP_STATE]);
	g_object_thaw_notify(G_OBJECT(self));
	return G_SOURCE_REMOVE;
}

static void
publish(IppyoCardMonitor *self, IppyoCardMonitorState st, const char *reader, GBytes *cert,
    int tries, int err)
{
	snapshot *s = g_new0(snapshot, 1);

	s->self = g_object_ref(self);
	s->state = st;
	s->reader = g_strdup(reader);
	s->cert = cert != NULL ? g_bytes_ref(cert) : NULL;
	s->tries_left = tries;
	s->error = err;
	g_main_context_invoke_full(self->context, G_PRIORITY_DEFAULT, apply_cb, s, snapshot_free);
}

/* ---- the worker ---- */

static gboolean
stopping(IppyoCardMonitor *self)
{
	gboolean s;

	g_mutex_lock(&self->lock);
	s = self->stopping;
	g_mutex_unlock(&self->lock);
	return s;
}

/* Sleeps up to ms unless stopped. */
static void
pause_ms(IppyoCardMonitor *self, int ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;

	g_mutex_lock(&self->lock);
	while (!self->stopping)
		if (!g_cond_wait_until(&self->cond, &self->lock, end))
			break;
	g_mutex_unlock(&self->lock);
}

static int
read_card(IppyoCardMonitor *self, ippyo_jpki **jp, const char *reader, GBytes **cert,
    int *tries)
{
	ippyo_jpki_session *s = NULL;
	ippyo_cert *c = NULL;
	ippyo_pin_status st;
	const uint8_t *der;
	size_t len;
	int r;

	*cert = NULL;
	*tries = -1;
	if (*jp == NULL && (r = ippyo_jpki_open(self->module, jp)) != 0)
		return r;
	if ((r = ippyo_jpki_session_open(*jp, reader, IPPYO_JPKI_AUTH, &s)) != 0 ||
	    (r = ippyo_jpki_read_cert(s, &c)) != 0)
		goto out;
	der = ippyo_cert_der(c, &len);
	*cert = g_bytes_new(der, len);
	if (ippyo_jpki_pin_status(s, &st) == 0)
		*tries = st.locked ? 0 : st.final_try ? 1 : st.tries_left;
 out:
	(void)ippyo_jpki_session_close(s);
	ippyo_cert_free(c);
	return r;
}

static gpointer
worker(gpointer data)
{
	IppyoCardMonitor *self = data;
	ippyo_pcsc *p = NULL;
	ippyo_jpki *jp = NULL;
	ippyo_reader_list *l = NULL;
	int r, changed;
	gboolean need_eval = TRUE;

	while (!stopping(self)) {
		const ippyo_reader_info *ri = NULL;
		size_t n_mynumber = 0;

		if (p == NULL) {
			if ((r = ippyo_pcsc_open(&p)) != 0) {
				publish(self, IPPYO_CARD_MONITOR_NO_SERVICE, NULL, NULL, -1, r);
				pause_ms(self, RETRY_MS);
				continue;
			}
			g_mutex_lock(&self->lock);
			self->pcsc = p;
			g_mutex_unlock(&self->lock);
			need_eval = TRUE;
		}
		if (!need_eval)
			goto wait;
		ippyo_reader_list_free(l);
		l = NULL;
		r = ippyo_pcsc_list(p, &l);
		if (r == IPPYO_ERR_PCSC_UNAVAILABLE) {
			g_mutex_lock(&self->lock);
			self->pcsc = NULL;
			g_mutex_unlock(&self->lock);
			ippyo_pcsc_free(p);
			p = NULL;
			publish(self, IPPYO_CARD_MONITOR_NO_SERVICE, NULL, NULL, -1, r);
			pause_ms(self, RETRY_MS);
			continue;
		}
		if (r == 0) {
			if (self->want_reader != NULL) {
				ri = ippyo_reader_list_find(l, self->want_reader);
			} else {
				for (size_t i = 0; i < l->n; i++)
					if (l->readers[i].state == IPPYO_CARD_MYNUMBER) {
						if (n_mynumber++ == 0)
							ri = &l->readers[i];
					}
				for (size_t i = 0; ri == NULL && i < l->n; i++)
					if (l->readers[i].state != IPPYO_CARD_ABSENT)
						ri = &l->readers[i];
				if (ri == NULL && l->n > 0)
					ri = &l->readers[0];
			}
		}
		if (r != 0 && r != IPPYO_ERR_NO_READER) {
			publish(self, IPPYO_CARD_MONITOR_ERROR, NULL, NULL, -1, r);
		} else if (ri == NULL) {
			publish(self, IPPYO_CARD_MONITOR_NO_READER, NULL, NULL, -1, IPPYO_ERR_NO_READER);
		} else if (n_mynumber > 1) {
			publish(self, IPPYO_CARD_MONITOR_ERROR, NULL, NULL, -1, IPPYO_ERR_CARD_AMBIGUOUS);
		} else if (ri->state == IPPYO_CARD_ABSENT) {
			publish(self, IPPYO_CARD_MONITOR_NO_CARD, ri->name, NULL, -1, 0);
		} else if (ri->state == IPPYO_CARD_MYNUMBER) {
			GBytes *cert = NULL;
			int tries = -1;

			publish(self, IPPYO_CARD_MONITOR_READING, ri->name, NULL, -1, 0);
			r = read_card(self, &jp, ri->name, &cert, &tries);
			if (r == 0)
				publish(self, IPPYO_CARD_MONITOR_READY, ri->name, cert, tries, 0);
			else if (r == IPPYO_ERR_NO_CARD || r == IPPYO_ERR_CARD_REMOVED)
				publish(self, IPPYO_CARD_MONITOR_NO_CARD, ri->name, NULL, -1, r);
			else
				publish(self, IPPYO_CARD_MONITOR_ERROR, ri->name, NULL, -1, r);
			if (cert != NULL)
				g_bytes_unref(cert);
		} else if (ri->state == IPPYO_CARD_BUSY) {
			publish(self, IPPYO_CARD_MONITOR_READING, ri->name, NULL, -1, 0);
		} else {
			publish(self, IPPYO_CARD_MONITOR_NOT_MYNUMBER, ri->name, NULL, -1,
			    IPPYO_ERR_NOT_MYNUMBER);
		}
	wait:
		/* the next change: insert, remove, reader added or gone */
		changed = 0;
		r = ippyo_pcsc_wait(p, WAIT_MS, &changed);
		if (r == IPPYO_ERR_CANCELLED)
			break;
		need_eval = changed || r != 0;
		if (r != 0)
			pause_ms(self, RETRY_MS / 2);
	}
	g_mutex_lock(&self->lock);
	self->pcsc = NULL;
	g_mutex_unlock(&self->lock);
	ippyo_reader_list_free(l);
	ippyo_pcsc_free(p);
	ippyo_jpki_free(jp);
	return NULL;
}

void
ippyo_card_monitor_set_election(IppyoCardMonitor *self, IppyoElection *election)
{
	g_set_object(&self->election, election);
	if (self->context != NULL)
		recheck(self);
}

void
ippyo_card_monitor_start(IppyoCardMonitor *self)
{
	g_return_if_fail(self->thread == NULL);
	if (self->context == NULL)
		self->context = g_main_context_ref_thread_default();
	self->stopping = FALSE;
	self->thread = g_thread_new("ippyo-card-monitor", worker, self);
}

void
ippyo_card_monitor_stop(IppyoCardMonitor *self)
{
	if (self->thread == NULL)
		return;
	g_mutex_lock(&self->lock);
	self->stopping = TRUE;
	if (self->pcsc != NULL)
		(void)ippyo_pcsc_cancel(self->pcsc);
	g_cond_broadcast(&self->cond);
	g_mutex_unlock(&self->lock);
	g_thread_join(self->thread);
	self->thread = NULL;
}

IppyoCardMonitorState
ippyo_card_monitor_get_state(IppyoCardMonitor *self)
{
	return self->state;
}

const char *
ippyo_card_monitor_get_reader(IppyoCardMonitor *self)
{
	return self->reader;
}

GBytes *
ippyo_card_monitor_get_certificate(IppyoCardMonitor *self)
{
	return self->cert;
}

const char *
ippyo_card_monitor_get_fingerprint(IppyoCardMonitor *self)
{
	return self->fingerprint;
}

const char *
ippyo_card_monitor_get_subject(IppyoCardMonitor *self)
{
	return self->subject;
}

int
ippyo_card_monitor_get_pin_tries_left(IppyoCardMonitor *self)
{
	return self->tries_left;
}

IppyoEligibility
ippyo_card_monitor_get_eligibility(IppyoCardMonitor *self)
{
	return self->eligibility;
}

const char *
ippyo_card_monitor_get_message(IppyoCardMonitor *self)
{
	return self->message;
}

int
ippyo_card_monitor_get_error_code(IppyoCardMonitor *self)
{
	g_return_val_if_fail(IPPYO_IS_CARD_MONITOR(self), 0);
	return self->error;
}
