/*
 * ippyo-vote card: what the voter's computer sees of the card. PC/SC for
 * readers and card states, PKCS#11 (OpenSC) for the authentication
 * certificate and the PIN tries left. Sends no PIN.
 */
#include "vote-card.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <jansson.h>

#include "card/cert.h"
#include "card/jpki.h"
#include "card/pcsc.h"
#include "encoding.h"
#include "error.h"
#include "i18n.h"

typedef struct {
	char *subject;
	char *serial;
	int64_t not_before;
	int64_t not_after;
	char fingerprint[2 * IPPYO_CERT_FINGERPRINT_BYTES + 1];
	int time_status;   /* 0, IPPYO_ERR_CERT_EXPIRED, IPPYO_ERR_CERT_NOT_YET_VALID */
} card_cert_info;

typedef struct {
	const char *name;
	enum ippyo_card_state state;
	int have_cert;
	card_cert_info cert;
	int have_pin;
	ippyo_pin_status pin;
	int error;         /* reading the My Number card failed */
} reader_report;

/* What to do, in the voter's words, for a card error. */
static const char *
advice(int err)
{
	switch (err) {
	case IPPYO_ERR_PCSC_UNAVAILABLE:
		return _("The smart card service (pcscd) is not running. Start it "
		    "(for example: sudo systemctl start pcscd.socket) and try again.");
	case IPPYO_ERR_NO_READER:
		return _("No card reader was found. Connect your card reader and try again.");
	case IPPYO_ERR_NO_CARD:
		return _("Insert your My Number card into the reader.");
	case IPPYO_ERR_NOT_MYNUMBER:
		return _("This card is not a My Number card. Insert your My Number card.");
	case IPPYO_ERR_CARD_REMOVED:
		return _("The card was taken out while it was being read. Insert it again "
		    "and leave it in the reader.");
	case IPPYO_ERR_PKCS11_MODULE:
		return _("The OpenSC smart card module was not found. Install OpenSC "
		    "(for example: sudo apt install opensc-pkcs11).");
	case IPPYO_ERR_PIN_LOCKED:
		return _("The PIN is locked after three wrong tries. Have it reset at your "
		    "city hall.");
	case IPPYO_ERR_CERT_EXPIRED:
		return _("The certificate on your card has expired. Renew it at your city hall.");
	case IPPYO_ERR_CERT_NOT_YET_VALID:
		return _("The certificate on your card is not valid yet. Check your "
		    "computer's date and time.");
	default:
		return _("The card could not be read. Take it out, insert it again and "
		    "try again.");
	}
}

static const char *
state_text(enum ippyo_card_state s)
{
	switch (s) {
	case IPPYO_CARD_ABSENT:
		return _("No card. Insert your My Number card into the reader.");
	case IPPYO_CARD_MYNUMBER:
		return _("My Number card");
	case IPPYO_CARD_OTHER:
		return _("A card that is not a My Number card. Insert your My Number card.");
	case IPPYO_CARD_MUTE:
		return _("The card does not answer. Take it out and insert it again, chip "
		    "first.");
	case IPPYO_CARD_BUSY:
		return _("Another program is using the card. Close it and try again.");
	}
	return "";
}

static char *
format_time(int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s;

	if (dt == NULL)
		return g_strdup("?");
	s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(dt);
	return s;
}

static const char *
pin_state_name(const ippyo_pin_status *st)
{
	if (st->locked)
		return "locked";
	if (st->final_try)
		return "final-try";
	if (st->count_low)
		return "count-low";
	return "ok";
}

static const char *
cert_status_name(int time_status)
{
	switch (time_status) {
	case 0:
		return "valid";
	case IPPYO_ERR_CERT_EXPIRED:
		return "expired";
	default:
		return "not-yet-valid";
	}
}

static void
cert_info_clear(card_cert_info *ci)
{
	free(ci->subject);
	free(ci->serial);
	memset(ci, 0, sizeof(*ci));
}

static int
describe_cert(const ippyo_cert *c, card_cert_info *ci)
{
	uint8_t fp[IPPYO_CERT_FINGERPRINT_BYTES];
	int r;

	memset(ci, 0, sizeof(*ci));
	if ((r = ippyo_cert_subject(c, &ci->subject)) != 0 ||
	    (r = ippyo_cert_serial_hex(c, &ci->serial)) != 0 ||
	    (r = ippyo_cert_validity(c, &ci->not_before, &ci->not_after)) != 0 ||
	    (r = ippyo_cert_fingerprint(c, fp)) != 0) {
		cert_info_clear(ci);
		return r;
	}
	ippyo_hex_write(fp, sizeof(fp), ci->fingerprint);
	ci->time_status = ippyo_cert_check_time(c, (int64_t)time(NULL));
	return 0;
}

/* Reads the auth certificate and PIN state of the card in rep->name. */
static int
read_card(ippyo_jpki *j, reader_report *rep)
{
	ippyo_jpki_session *s = NULL;
	ippyo_cert *c = NULL;
	int r;

	if ((r = ippyo_jpki_session_open(j, rep->name, IPPYO_JPKI_AUTH, &s)) != 0)
		goto out;
	if ((r = ippyo_jpki_read_cert(s, &c)) != 0)
		goto out;
	if ((r = describe_cert(c, &rep->cert)) != 0)
		goto out;
	rep->have_cert = 1;
	if ((r = ippyo_jpki_pin_status(s, &rep->pin)) != 0)
		goto out;
	rep->have_pin = 1;
 out:
	ippyo_cert_free(c);
	/* Nothing was verified: closing sends nothing and resets nothing. */
	(void)ippyo_jpki_session_close(s);
	return r;
}

static void
print_pin(const ippyo_pin_status *st)
{
	if (st->locked) {
		g_print("  %s\n", _("PIN: locked."));
		g_print("  %s\n", advice(IPPYO_ERR_PIN_LOCKED));
	} else if (st->final_try) {
		g_print("  %s\n", _("PIN: 1 try left."));
		g_print("  %s\n", _("Warning: one more wrong PIN locks the card, and a locked "
		    "card must be reset at your city hall. If you are not sure of your PIN, "
		    "do not try it."));
	} else if (st->tries_left >= 0) {
		g_print("  ");
		g_print(g_dngettext(GETTEXT_PACKAGE, "PIN: %d of %d try left.",
		    "PIN: %d of %d tries left.", (gulong)st->tries_left), st->tries_left,
		    st->max_tries);
		g_print("\n");
	} else {
		g_print("  ");
		g_print(_("PIN: fewer than %d tries left."), st->max_tries);
		g_print("\n");
	}
}

static void
print_text(reader_report *reps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		reader_report *rep = &reps[i];

		g_print(_("Reader: %s"), rep->name);
		g_print("\n  ");
		g_print(_("Card: %s"), state_text(rep->state));
		g_print("\n");
		if (rep->have_cert) {
			char *nb = format_time(rep->cert.not_before);
			char *na = format_time(rep->cert.not_after);

			g_print("  %s\n", _("Authentication certificate:"));
			g_print("    %-13s %s\n", _("Subject:"), rep->cert.subject);
			g_print("    %-13s %s\n", _("Serial:"), rep->cert.serial);
			g_print("    %-13s %s\n", _("Valid from:"), nb);
			g_print("    %-13s %s\n", _("Valid until:"), na);
			g_print("    %-13s %s\n", _("SHA-256:"), rep->cert.fingerprint);
			if (rep->cert.time_status != 0)
				g_print("    %s\n", advice(rep->cert.time_status));
			g_free(nb);
			g_free(na);
		}
		if (rep->have_pin)
			print_pin(&rep->pin);
		if (rep->error != 0)
			g_print("  %s\n", advice(rep->error));
	}
}

static json_t *
error_json(int err)
{
	return json_pack("{s:i, s:s, s:s}", "code", err, "message", ippyo_strerror(err),
	    "advice", advice(err));
}

static json_t *
reader_json(const reader_report *rep)
{
	json_t *o = json_pack("{s:s, s:s}", "name", rep->name, "state",
	    ippyo_card_state_name(rep->state));

	if (o == NULL)
		return NULL;
	if (rep->have_cert) {
		char *nb = format_time(rep->cert.not_before);
		char *na = format_time(rep->cert.not_after);

		json_object_set_new(o, "certificate", json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:s}",
		    "subject", rep->cert.subject,
		    "serial", rep->cert.serial,
		    "not_before", nb,
		    "not_after", na,
		    "sha256", rep->cert.fingerprint,
		    "status", cert_status_name(rep->cert.time_status)));
		g_free(nb);
		g_free(na);
	}
	if (rep->have_pin) {
		json_t *pin = json_pack("{s:i, s:s}", "max_tries", rep->pin.max_tries,
		    "state", pin_state_name(&rep->pin));

		/* null when only "fewer than max_tries" is known */
		json_object_set_new(pin, "tries_left", rep->pin.tries_left >= 0 ?
		    json_integer(rep->pin.tries_left) : json_null());
		json_object_set_new(o, "pin", pin);
	}
	if (rep->error != 0)
		json_object_set_new(o, "error", error_json(rep->error));
	return o;
}

static void
print_json(const reader_report *reps, size_t n, int top_error, int exit_code)
{
	json_t *root = json_object(), *arr = json_array();
	char *s;
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(arr, reader_json(&reps[i]));
	json_object_set_new(root, "readers", arr);
	if (top_error != 0)
		json_object_set_new(root, "error", error_json(top_error));
	json_object_set_new(root, "exit", json_integer(exit_code));
	s = json_dumps(root, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	if (s != NULL) {
		g_print("%s\n", s);
		free(s);
	}
	json_decref(root);
}

static int
exit_for(int err)
{
	switch (err) {
	case IPPYO_ERR_PCSC_UNAVAILABLE:
		return VOTE_CARD_EXIT_NO_PCSC;
	case IPPYO_ERR_NO_READER:
		return VOTE_CARD_EXIT_NO_READER;
	case IPPYO_ERR_NO_CARD:
		return VOTE_CARD_EXIT_NO_CARD;
	case IPPYO_ERR_NOT_MYNUMBER:
		return VOTE_CARD_EXIT_NOT_MYNUMBER;
	default:
		return VOTE_CARD_EXIT_CARD_ERROR;
	}
}

int
vote_card_main(int argc, char **argv)
{
	gboolean json = FALSE;
	char *reader = NULL, *module = NULL;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  N_("Print JSON instead of text"), NULL },
		{ "reader", 'r', 0, G_OPTION_ARG_STRING, &reader,
		  N_("Look only at the reader named NAME"), N_("NAME") },
		{ "pkcs11-module", 0, 0, G_OPTION_ARG_FILENAME, &module,
		  N_("OpenSC's PKCS#11 module (default: $IPPYO_PKCS11_MODULE, then "
		  "p11-kit's registry)"), N_("PATH") },
		{ NULL }
	};
	GOptionContext *ctx;
	GError *error = NULL;
	ippyo_pcsc *p = NULL;
	ippyo_reader_list *l = NULL;
	ippyo_jpki *j = NULL;
	reader_report *reps = NULL;
	size_t n = 0, i;
	int r, top_error = 0, code = VOTE_CARD_EXIT_OK, any_card = 0, any_other = 0,
	    any_read = 0;

	ctx = g_option_context_new(_("— show the card readers and your My Number card"));
	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _(
	    "Lists the card readers and the card in each. For a My Number card it "
	    "shows the user-authentication certificate (subject, serial number, "
	    "validity, SHA-256 fingerprint of the DER: the value on the voter roll) "
	    "and how many PIN tries are left. No PIN is asked or sent."));
	g_option_context_set_description(ctx, _(
	    "Exit status:\n"
	    "  0  a My Number card was read\n"
	    "  1  usage error\n"
	    "  2  the smart card service (pcscd) is not running\n"
	    "  3  no card reader (or no reader with the name given)\n"
	    "  4  no card in the reader(s)\n"
	    "  5  a card that is not a My Number card\n"
	    "  6  a My Number card could not be read (taken out, OpenSC missing...)\n"));
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("ippyo-vote card: %s\n", error->message);
		g_error_free(error);
		g_option_context_free(ctx);
		return VOTE_CARD_EXIT_USAGE;
	}
	g_option_context_free(ctx);
	if (argc > 1) {
		g_printerr(_("ippyo-vote card: unexpected argument “%s”\n"), argv[1]);
		code = VOTE_CARD_EXIT_USAGE;
		goto out;
	}
	if (module == NULL && g_getenv("IPPYO_PKCS11_MODULE") != NULL)
		module = g_strdup(g_getenv("IPPYO_PKCS11_MODULE"));

	if ((r = ippyo_pcsc_open(&p)) != 0 || (r = ippyo_pcsc_list(p, &l)) != 0) {
		top_error = r;
		goto done;
	}
	reps = g_new0(reader_report, l->n);
	for (i = 0; i < l->n; i++) {
		if (reader != NULL && strcmp(reader, l->readers[i].name) != 0)
			continue;
		reps[n].name = l->readers[i].name;
		reps[n].state = l->readers[i].state;
		n++;
	}
	if (n == 0) {
		top_error = IPPYO_ERR_NO_READER;
		goto done;
	}
	for (i = 0; i < n; i++) {
		switch (reps[i].state) {
		case IPPYO_CARD_ABSENT:
			continue;
		case IPPYO_CARD_MYNUMBER:
			break;
		default:
			any_other = 1;
			continue;
		}
		any_card = 1;
		if ((j == NULL && (r = ippyo_jpki_open(module, &j)) != 0) ||
		    (r = read_card(j, &reps[i])) != 0) {
			reps[i].error = r;
			continue;
		}
		any_read = 1;
	}
 done:
	if (top_error != 0)
		code = exit_for(top_error);
	else if (any_read)
		code = VOTE_CARD_EXIT_OK;
	else if (any_card)
		code = VOTE_CARD_EXIT_CARD_ERROR;
	else if (any_other)
		code = VOTE_CARD_EXIT_NOT_MYNUMBER;
	else
		code = VOTE_CARD_EXIT_NO_CARD;
	if (json) {
		print_json(reps, n, top_error, code);
	} else {
		print_text(reps, n);
		if (top_error != 0) {
			if (top_error == IPPYO_ERR_NO_READER && reader != NULL)
				g_printerr(_("ippyo-vote card: no reader named “%s”.\n"), reader);
			else
				g_printerr("ippyo-vote card: %s\n", advice(top_error));
		}
	}
	for (i = 0; i < n; i++)
		cert_info_clear(&reps[i].cert);
 out:
	g_free(reps);
	ippyo_jpki_free(j);
	ippyo_reader_list_free(l);
	ippyo_pcsc_free(p);
	g_free(reader);
	g_free(module);
	return code;
}
