/*
 * ippyo-vote vote URL|FILE --choice CONTEST=OPTION...: the whole voter flow
 * in a terminal: open the election, read the card and check it may vote,
 * fill and encrypt the ballot (optionally audit an encryption first), ask
 * the PIN, sign with the card, submit, verify and keep the receipt.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <fcntl.h>

#include <gio/gio.h>
#include <openssl/crypto.h>

#include "i18n.h"
#include "voter-ballot-draft.h"
#include "voter-card-monitor.h"
#include "voter-cli.h"
#include "voter-election.h"
#include "voter-error.h"
#include "voter-receipt-store.h"
#include "voter-submitter.h"

#define PIN_BUF 64
#define CARD_TIMEOUT_S 30

typedef struct {
	GMainLoop *loop;
	gboolean timed_out;
} card_wait;

static void
card_state_cb(GObject *obj, GParamSpec *pspec, gpointer data)
{
	card_wait *w = data;
	IppyoCardMonitorState st = ippyo_card_monitor_get_state(IPPYO_CARD_MONITOR(obj));

	if (st != IPPYO_CARD_MONITOR_STARTING && st != IPPYO_CARD_MONITOR_READING)
		g_main_loop_quit(w->loop);
}

static gboolean
card_timeout_cb(gpointer data)
{
	card_wait *w = data;

	w->timed_out = TRUE;
	g_main_loop_quit(w->loop);
	return G_SOURCE_REMOVE;
}

/* Waits for the monitor's first settled state. */
static void
wait_card(IppyoCardMonitor *mon)
{
	card_wait w = { g_main_loop_new(NULL, FALSE), FALSE };
	gulong id = g_signal_connect(mon, "notify::state", G_CALLBACK(card_state_cb), &w);
	guint t = g_timeout_add_seconds(CARD_TIMEOUT_S, card_timeout_cb, &w);

	ippyo_card_monitor_start(mon);
	g_main_loop_run(w.loop);
	if (!w.timed_out)
		g_source_remove(t);
	g_signal_handler_disconnect(mon, id);
	g_main_loop_unref(w.loop);
}

static gboolean
card_error(IppyoCardMonitor *mon, GError **error)
{
	IppyoVoterError code;

	switch (ippyo_card_monitor_get_state(mon)) {
	case IPPYO_CARD_MONITOR_READY:
		switch (ippyo_card_monitor_get_eligibility(mon)) {
		case IPPYO_ELIGIBILITY_EXPIRED:
			code = IPPYO_VOTER_ERROR_CERT_EXPIRED;
			break;
		case IPPYO_ELIGIBILITY_NOT_YET_VALID:
			code = IPPYO_VOTER_ERROR_CERT_NOT_YET_VALID;
			break;
		case IPPYO_ELIGIBILITY_NOT_ON_ROLL:
			code = IPPYO_VOTER_ERROR_NOT_ON_ROLL;
			break;
		case IPPYO_ELIGIBILITY_REVOKED:
			code = IPPYO_VOTER_ERROR_CERT_REVOKED;
			break;
		case IPPYO_ELIGIBILITY_WRONG_ISSUER:
			code = IPPYO_VOTER_ERROR_CERT_UNTRUSTED;
			break;
		default:
			return TRUE;
		}
		break;
	case IPPYO_CARD_MONITOR_NO_SERVICE:
		code = IPPYO_VOTER_ERROR_NO_PCSC;
		break;
	case IPPYO_CARD_MONITOR_NO_READER:
		code = IPPYO_VOTER_ERROR_NO_READER;
		break;
	case IPPYO_CARD_MONITOR_NO_CARD:
		code = IPPYO_VOTER_ERROR_NO_CARD;
		break;
	case IPPYO_CARD_MONITOR_NOT_MYNUMBER:
		code = IPPYO_VOTER_ERROR_NOT_MYNUMBER;
		break;
	default:
		code = IPPYO_VOTER_ERROR_CARD;
		break;
	}
	g_set_error_literal(error, IPPYO_VOTER_ERROR, code,
	    ippyo_card_monitor_get_message(mon) != NULL ? ippyo_card_monitor_get_message(mon) :
	    _("The card could not be read in time."));
	return FALSE;
}

/* One line from stdin (--pin-stdin) or the terminal without echo, into buf. */
static gboolean
read_pin(gboolean from_stdin, char *buf, size_t cap)
{
	struct termios old, quiet;
	int fd = -1, have_tty = 0;
	FILE *in = stdin;
	size_t n;

	if (!from_stdin) {
		if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0 ||
		    (in = fdopen(fd, "r+")) == NULL) {
			if (fd >= 0)
				close(fd);
			return FALSE;
		}
		fprintf(in, "%s", _("PIN (4 digits, user authentication): "));
		fflush(in);
		if (tcgetattr(fd, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			have_tty = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
		}
	}
	if (fgets(buf, (int)cap, in) == NULL)
		buf[0] = '\0';
	if (have_tty) {
		(void)tcsetattr(fd, TCSAFLUSH, &old);
		fprintf(in, "\n");
	}
	if (in != stdin)
		fclose(in);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return n > 0;
}

static json_t *
receipt_json(IppyoSubmitter *sub, IppyoBallotDraft *draft, IppyoChainReceipt *rc,
    guint previous)
{
	return json_pack("{s:b, s:s, s:I, s:s, s:s, s:s, s:I, s:b, s:b}",
	    "ok", 1, "result", "recorded",
	    "index", (json_int_t)ippyo_chain_receipt_get_index(rc),
	    "tracking_code", draft != NULL ? ippyo_ballot_draft_get_tracking_code(draft) : "",
	    "tracking_code_hex", draft != NULL ? ippyo_ballot_draft_get_tracking_code_hex(draft) : "",
	    "receipt", ippyo_submitter_get_receipt_path(sub),
	    "checkpoint_size", (json_int_t)ippyo_signed_checkpoint_get_size(
	    ippyo_chain_receipt_get_checkpoint(rc)),
	    "duplicate", ippyo_chain_receipt_get_duplicate(rc),
	    "revote", previous > 0);
}

static void
print_recorded(IppyoSubmitter *sub, IppyoBallotDraft *draft, IppyoChainReceipt *rc,
    guint previous)
{
	printf("%s\n", _("Your ballot is recorded in the ballot chain (receipt verified)."));
	if (draft != NULL)
		printf("  %s %s\n", _("Tracking code:"), ippyo_ballot_draft_get_tracking_code(draft));
	printf("  %s %" G_GUINT64_FORMAT "\n", _("Entry:"), ippyo_chain_receipt_get_index(rc));
	printf("  %s %s\n", _("Receipt:"), ippyo_submitter_get_receipt_path(sub));
	if (previous > 0)
		printf("  %s\n", _("You had voted before: this ballot replaces the earlier one. "
		    "Only your last ballot before the poll closes counts."));
	printf("  %s\n", _("Check later that it is still there: ippyo-vote check RECEIPT"));
}

static gboolean
load_pending(IppyoSubmitter *sub, IppyoReceiptStore *store, GBytes **entry)
{
	g_autoptr(GPtrArray) pending = ippyo_receipt_store_list_pending(store);

	*entry = NULL;
	if (pending->len == 0)
		return FALSE;
	*entry = g_bytes_ref(pending->pdata[0]);
	return TRUE;
}

int
vote_vote_main(int argc, char **argv)
{
	gboolean json = FALSE, pin_stdin = FALSE, allow_last = FALSE, resend = FALSE;
	g_auto(GStrv) choices = NULL;
	g_autofree char *reader = NULL, *module = NULL, *audit_first = NULL;
	gint retry_deadline = -1;
	GOptionEntry entries[] = {
		{ "choice", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &choices,
		  N_("Select OPTION in CONTEST (ids as `ippyo-vote election` shows; repeat)"),
		  N_("CONTEST=OPTION") },
		{ "pin-stdin", 0, 0, G_OPTION_ARG_NONE, &pin_stdin,
		  N_("Read the PIN from the first line of standard input"), NULL },
		{ "allow-last-try", 0, 0, G_OPTION_ARG_NONE, &allow_last,
		  N_("Send the PIN even when only one try is left"), NULL },
		{ "reader", 'r', 0, G_OPTION_ARG_STRING, &reader,
		  N_("Use the card in the reader named NAME"), N_("NAME") },
		{ "audit-first", 0, 0, G_OPTION_ARG_FILENAME, &audit_first,
		  N_("Audit one encryption first: write its audit file (check it with "
		  "`ippyo-vote audit` on another device), then cast a new encryption"), N_("FILE") },
		{ "resend", 0, 0, G_OPTION_ARG_NONE, &resend,
		  N_("Send again the signed ballot kept after a network failure (no card needed)"),
		  NULL },
		{ "retry-deadline", 0, 0, G_OPTION_ARG_INT, &retry_deadline,
		  N_("Keep resending for at most SECONDS when the chain cannot be reached "
		  "(default 300)"), N_("SECONDS") },
		{ "pkcs11-module", 0, 0, G_OPTION_ARG_FILENAME, &module,
		  N_("OpenSC's PKCS#11 module"), N_("PATH") },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    _("URL|FILE --choice CONTEST=OPTION… — vote with your My Number card"));
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoElection) e = NULL;
	g_autoptr(IppyoCardMonitor) mon = NULL;
	g_autoptr(IppyoBallotDraft) draft = NULL;
	g_autoptr(IppyoReceiptStore) store = NULL;
	g_autoptr(IppyoSubmitter) sub = NULL;
	g_autoptr(IppyoChainReceipt) rc = NULL;
	g_autoptr(GPtrArray) before = NULL;
	g_autoptr(GBytes) pending = NULL;
	g_autofree char *summary = NULL, *audit_path = NULL;
	char pin[PIN_BUF];
	json_t *extra;
	guint previous;

	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("Votes in the election at URL (or named by an "
	    "election file): checks your card and the voter roll, encrypts your choices, "
	    "shows the tracking code, signs with your card's user authentication key after "
	    "the 4-digit PIN, sends the ballot and keeps the verified receipt. You may vote "
	    "again while the poll is open: only your last ballot counts."));
	if (!voter_cli_parse(ctx, "vote", &argc, &argv))
		return VOTE_EXIT_USAGE;
	if (argc != 2 || (!resend && (choices == NULL || choices[0] == NULL))) {
		g_printerr("%s\n", _("Usage: ippyo-vote vote URL|FILE --choice CONTEST=OPTION… "
		    "[--pin-stdin] [--reader NAME] [--audit-first FILE]"));
		return VOTE_EXIT_USAGE;
	}

	/* 1. the election */
	if ((e = ippyo_election_open_sync(argv[1], NULL, &error)) == NULL)
		return voter_cli_fail("vote", json, error, NULL);
	if (retry_deadline >= 0)
		g_object_set(ippyo_election_get_client(e), "retry-deadline-ms",
		    (guint)MIN(retry_deadline, 86400) * 1000u, NULL);
	store = ippyo_receipt_store_new(ippyo_election_get_election_id(e));
	sub = ippyo_submitter_new(e, store, reader, module);
	before = ippyo_receipt_store_list(store);
	previous = before->len;

	/* a signed ballot kept from a failed attempt goes first, same bytes */
	if (load_pending(sub, store, &pending)) {
		if (!json)
			printf("%s\n", _("A ballot you signed earlier was not confirmed yet: sending "
			    "it again (the same ballot, it cannot count twice)."));
		rc = ippyo_chain_client_submit_ballot_sync(ippyo_election_get_client(e), pending,
		    NULL, &error);
		if (rc == NULL) {
			g_autoptr(GError) v = NULL;

			ippyo_voter_set_net_error(&v, error);
			if (v->code != IPPYO_VOTER_ERROR_NETWORK)
				ippyo_receipt_store_remove_pending(store, pending);
			return voter_cli_fail("vote", json, v, json_pack("{s:b}", "pending",
			    v->code == IPPYO_VOTER_ERROR_NETWORK));
		}
		{
			g_autofree char *path = ippyo_receipt_store_save(store, e, pending, rc, &error);

			if (path == NULL)
				return voter_cli_fail("vote", json, error, NULL);
			ippyo_receipt_store_remove_pending(store, pending);
			if (json && resend) {
				voter_cli_print_json(json_pack("{s:b, s:s, s:I, s:s, s:b}", "ok", 1,
				    "result", "recorded", "index",
				    (json_int_t)ippyo_chain_receipt_get_index(rc), "receipt", path,
				    "duplicate", ippyo_chain_receipt_get_duplicate(rc)));
			} else if (!json) {
				printf("%s %s\n", _("The earlier ballot is recorded. Receipt:"), path);
			}
		}
		previous++;
		g_clear_pointer(&rc, ippyo_chain_receipt_unref);
	} else if (resend) {
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
		    _("There is no signed ballot waiting to be sent."));
		return voter_cli_fail("vote", json, error, NULL);
	}
	if (resend)
		return VOTE_EXIT_OK;

	switch (ippyo_election_get_state(e)) {
	case IPPYO_ELECTION_STATE_NOT_OPEN: {
		g_autofree char *st = ippyo_election_describe_state(e);

		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_OPEN, st);
		return voter_cli_fail("vote", json, error, NULL);
	}
	case IPPYO_ELECTION_STATE_CLOSED:
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CLOSED,
		    _("The poll is closed: ballots are no longer accepted."));
		return voter_cli_fail("vote", json, error, NULL);
	default:
		break;
	}

	/* 2. the card, and whether it may vote: before the ballot is filled */
	mon = ippyo_card_monitor_new(reader, module);
	ippyo_card_monitor_set_election(mon, e);
	wait_card(mon);
	if (!card_error(mon, &error)) {
		ippyo_card_monitor_stop(mon);
		return voter_cli_fail("vote", json, error, json_pack("{s:s, s:s}", "card_state",
		    ippyo_card_monitor_state_name(ippyo_card_monitor_get_state(mon)),
		    "eligibility",
		    ippyo_eligibility_name(ippyo_card_monitor_get_eligibility(mon))));
	}
	ippyo_card_monitor_stop(mon);
	if (!json) {
		printf("%s\n", ippyo_card_monitor_get_message(mon));
		if (previous > 0)
			printf("%s\n", _("You have voted in this election before. You may vote again "
			    "while the poll is open: only your last ballot counts."));
	}

	/* 3. the ballot */
	draft = ippyo_ballot_draft_new(e);
	if (!ippyo_ballot_draft_set_certificate(draft, ippyo_card_monitor_get_certificate(mon),
	    &error))
		return voter_cli_fail("vote", json, error, NULL);
	for (char **c = choices; *c != NULL; c++) {
		g_auto(GStrv) kv = g_strsplit(*c, "=", 2);

		if (kv[0] == NULL || kv[1] == NULL) {
			g_set_error(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
			    _("“%s” is not CONTEST=OPTION."), *c);
			return voter_cli_fail("vote", json, error, NULL);
		}
		if (!ippyo_ballot_draft_select_id(draft, kv[0], kv[1], &error))
			return voter_cli_fail("vote", json, error, NULL);
	}
	if (!ippyo_ballot_draft_check(draft, &error) ||
	    !ippyo_ballot_draft_encrypt_sync(draft, &error))
		return voter_cli_fail("vote", json, error, NULL);
	summary = ippyo_ballot_draft_summary(draft);

	/* 4. optional audit of one encryption, then a fresh one */
	if (audit_first != NULL) {
		g_autoptr(GBytes) rec = NULL;
		g_autofree char *audited_code = g_strdup(ippyo_ballot_draft_get_tracking_code(draft));

		if ((rec = ippyo_ballot_draft_audit(draft, &error)) == NULL)
			return voter_cli_fail("vote", json, error, NULL);
		if (!g_file_set_contents(audit_first, g_bytes_get_data(rec, NULL),
		    (gssize)g_bytes_get_size(rec), &error))
			return voter_cli_fail("vote", json, error, NULL);
		audit_path = g_strdup(audit_first);
		if (!json)
			printf(_("Audited encryption %s: its seed and choices are in %s. Check it on "
			    "another device with: ippyo-vote audit %s\nThat encryption is discarded; "
			    "your ballot is encrypted again.\n"), audited_code, audit_first,
			    audit_first);
		if (!ippyo_ballot_draft_encrypt_sync(draft, &error))
			return voter_cli_fail("vote", json, error, NULL);
	}
	if (!json)
		printf("%s\n%s%s %s\n", _("Your ballot:"), summary, _("Tracking code:"),
		    ippyo_ballot_draft_get_tracking_code(draft));

	/* 5. the PIN: tries left first, never retried, wiped after use */
	if (!ippyo_submitter_read_pin_status_sync(sub, &error))
		return voter_cli_fail("vote", json, error, NULL);
	if (ippyo_submitter_get_pin_locked(sub)) {
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LOCKED,
		    _("The PIN of this card is locked after three wrong tries. Have it reset at "
		    "your city hall; this card cannot vote until then."));
		return voter_cli_fail("vote", json, error, json_pack("{s:i}", "pin_tries_left", 0));
	}
	if (ippyo_submitter_get_pin_final_try(sub) && !allow_last) {
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LAST_TRY,
		    _("Only one PIN try is left: a wrong PIN now locks the card until your city "
		    "hall resets it. Nothing was sent. If you are sure of the PIN, run again with "
		    "--allow-last-try."));
		return voter_cli_fail("vote", json, error, json_pack("{s:i}", "pin_tries_left", 1));
	}
	if (!json && ippyo_submitter_get_pin_tries_left(sub) > 0)
		printf(g_dngettext(GETTEXT_PACKAGE, "PIN: %d try left.\n", "PIN: %d tries left.\n",
		    (gulong)ippyo_submitter_get_pin_tries_left(sub)),
		    ippyo_submitter_get_pin_tries_left(sub));
	if (!read_pin(pin_stdin, pin, sizeof(pin))) {
		OPENSSL_cleanse(pin, sizeof(pin));
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_FORMAT,
		    _("No PIN was given. Nothing was sent to the card."));
		return voter_cli_fail("vote", json, error, NULL);
	}

	/* 6. sign, send, verify, keep */
	rc = ippyo_submitter_cast_sync(sub, draft, pin, NULL, &error);
	OPENSSL_cleanse(pin, sizeof(pin));
	if (rc == NULL) {
		extra = json_pack("{s:i, s:b}", "pin_tries_left",
		    ippyo_submitter_get_pin_tries_left(sub), "pending",
		    ippyo_submitter_get_has_pending(sub));
		if (ippyo_submitter_get_rejection_code(sub) != NULL)
			json_object_set_new(extra, "rejection",
			    json_string(ippyo_submitter_get_rejection_code(sub)));
		return voter_cli_fail("vote", json, error, extra);
	}
	if (json) {
		json_t *doc = receipt_json(sub, draft, rc, previous);

		if (audit_path != NULL)
			json_object_set_new(doc, "audit", json_string(audit_path));
		voter_cli_print_json(doc);
	} else {
		print_recorded(sub, draft, rc, previous);
	}
	return VOTE_EXIT_OK;
}
