/* ippyo — the voter session's errors, in the voter's words. */
#include "voter-error.h"

#include <gio/gio.h>

#include "error.h"
#include "i18n.h"
#include "net/net-error.h"

G_DEFINE_QUARK(ippyo-voter-error-quark, ippyo_voter_error)

void
ippyo_voter_set_error(GError **error, int err, int tries_left)
{
	switch (err) {
	case IPPYO_ERR_PCSC_UNAVAILABLE:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NO_PCSC,
		    _("The smart card service is not running. Start it (for example: "
		    "sudo systemctl start pcscd.socket) and try again."));
		return;
	case IPPYO_ERR_NO_READER:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NO_READER,
		    _("No card reader was found. Connect your card reader and try again."));
		return;
	case IPPYO_ERR_NO_CARD:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NO_CARD,
		    _("Insert your My Number card into the reader."));
		return;
	case IPPYO_ERR_NOT_MYNUMBER:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_MYNUMBER,
		    _("This card is not a My Number card. Insert your My Number card."));
		return;
	case IPPYO_ERR_CARD_AMBIGUOUS:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CARD_AMBIGUOUS,
		    _("There are several My Number cards. Choose the reader that holds yours."));
		return;
	case IPPYO_ERR_CARD_REMOVED:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CARD_REMOVED,
		    _("The card was taken out before the ballot was signed. Nothing was sent. "
		    "Insert the card again, leave it in the reader, and cast again."));
		return;
	case IPPYO_ERR_PIN_FORMAT:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_FORMAT,
		    _("The PIN is the 4-digit user authentication PIN (利用者証明用電子証明書"
		    "の暗証番号). Nothing was sent to the card."));
		return;
	case IPPYO_ERR_PIN_WRONG:
		if (tries_left > 0)
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_WRONG,
			    g_dngettext(GETTEXT_PACKAGE, "Wrong PIN. %d try left.",
			    "Wrong PIN. %d tries left.", (gulong)tries_left), tries_left);
		else
			g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_WRONG,
			    _("Wrong PIN."));
		return;
	case IPPYO_ERR_PIN_LAST_TRY:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LAST_TRY,
		    _("Wrong PIN. Only one try is left: if the next PIN is wrong too, the card "
		    "locks and only your city hall can unlock it."));
		return;
	case IPPYO_ERR_PIN_LOCKED:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LOCKED,
		    _("The PIN of this card is locked after three wrong tries. Have it reset "
		    "at your city hall; this card cannot vote until then."));
		return;
	case IPPYO_ERR_CERT_EXPIRED:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CERT_EXPIRED,
		    _("The certificate on your card has expired. Renew it at your city hall."));
		return;
	case IPPYO_ERR_CERT_NOT_YET_VALID:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CERT_NOT_YET_VALID,
		    _("The certificate on your card is not valid yet. Check your computer's "
		    "date and time."));
		return;
	case IPPYO_ERR_CERT_REVOKED:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CERT_REVOKED,
		    _("The certificate on your card has been revoked (for example after the "
		    "card was reported lost). Contact your city hall."));
		return;
	case IPPYO_ERR_CERT_UNTRUSTED:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CERT_UNTRUSTED,
		    _("Your card's certificate was not issued by the My Number card authority "
		    "this election trusts. Contact the election office."));
		return;
	case IPPYO_ERR_NOT_ON_ROLL:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_ON_ROLL,
		    _("This card is not on the voter roll of this election. Contact the "
		    "election office."));
		return;
	case IPPYO_ERR_PKCS11_MODULE:
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CARD,
		    _("The OpenSC smart card module was not found. Install OpenSC (for "
		    "example: sudo apt install opensc-pkcs11)."));
		return;
	case IPPYO_ERR_CANCELLED:
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled."));
		return;
	case IPPYO_ERR_OVERVOTE:
	case IPPYO_ERR_UNDERVOTE:
	case IPPYO_ERR_BAD_OPTION:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE,
		    _("The choices do not fit the ballot: %s"), ippyo_strerror(err));
		return;
	case IPPYO_ERR_PKCS11:
	case IPPYO_ERR_CARD_SIGNATURE:
	case IPPYO_ERR_CERT_FORMAT:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CARD,
		    _("The card could not be used (%s). Take it out, insert it again and "
		    "try again."), ippyo_strerror(err));
		return;
	default:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
		    _("Something went wrong: %s"), ippyo_strerror(err));
		return;
	}
}

typedef struct {
	const char *code;
	const char *text;
} rejection_text;

static const rejection_text rejections[] = {
	{ "too_large", N_("The chain refused the ballot as too large. This is a fault of "
	    "this program: please report it.") },
	{ "bad_json", N_("The chain could not read the ballot. This is a fault of this "
	    "program: please report it.") },
	{ "bad_entry", N_("The chain could not read the ballot. This is a fault of this "
	    "program: please report it.") },
	{ "wrong_entry_type", N_("The chain did not take this as a ballot. This is a fault "
	    "of this program: please report it.") },
	{ "wrong_election", N_("The ballot was made for another election than the one this "
	    "chain runs. Open the election again and vote again.") },
	{ "poll_not_open", N_("The poll has not opened yet. Vote again once it is open.") },
	{ "poll_closed", N_("The poll is closed: the ballot was not accepted.") },
	{ "bad_certificate", N_("The chain could not read your card's certificate. Take "
	    "the card out, insert it again and vote again.") },
	{ "cert_untrusted", N_("Your card's certificate was not issued by the My Number "
	    "card authority this election trusts. Contact the election office.") },
	{ "cert_expired", N_("The certificate on your card has expired. Renew it at your "
	    "city hall.") },
	{ "cert_not_yet_valid", N_("The certificate on your card is not valid yet. Check "
	    "your computer's date and time, or try again later.") },
	{ "cert_revoked", N_("The certificate on your card has been revoked (for example "
	    "after the card was reported lost). Contact your city hall.") },
	{ "crl_unavailable", N_("The chain cannot check certificates at the moment. Your "
	    "ballot is kept: try again in a few minutes.") },
	{ "not_on_roll", N_("Your card is not on the voter roll of this election. Contact "
	    "the election office.") },
	{ "bad_card_signature", N_("The card's signature over the ballot did not verify. "
	    "Take the card out, insert it again and vote again.") },
	{ "bad_ballot", N_("The chain found the ballot malformed. This is a fault of this "
	    "program: please report it.") },
	{ "wrong_voter", N_("The ballot was made for another card than the one that "
	    "signed it. Vote again with the same card from the start.") },
	{ "bad_proof", N_("The chain found the ballot's proofs invalid. This is a fault of "
	    "this program: please report it.") },
	{ "bad_official_signature", N_("The chain refused a signature of the officials.") },
	{ "store_full", N_("The chain cannot store more ballots at the moment. Your ballot "
	    "is kept: try again later, and tell the election office.") },
	{ "witness_quorum", N_("The chain's witnesses did not confirm in time. Your ballot "
	    "is kept: try again in a few minutes.") },
	{ "busy", N_("The chain is busy. Your ballot is kept: try again in a few minutes.") },
	{ "stopping", N_("The chain is restarting. Your ballot is kept: try again in a few "
	    "minutes.") },
	{ "internal", N_("The chain had an internal error. Your ballot is kept: try again "
	    "later, and tell the election office if it persists.") },
};

const char *
ippyo_voter_rejection_text(const char *code)
{
	if (code != NULL) {
		for (gsize i = 0; i < G_N_ELEMENTS(rejections); i++)
			if (g_str_equal(code, rejections[i].code))
				return _(rejections[i].text);
	}
	return _("The chain refused the ballot for a reason this program does not know. "
	    "Contact the election office.");
}

void
ippyo_voter_set_net_error(GError **error, const GError *net)
{
	if (net->domain != IPPYO_NET_ERROR) {
		if (g_error_matches(net, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, net->message);
		else
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FAILED,
			    _("Something went wrong: %s"), net->message);
		return;
	}
	if (ippyo_net_error_is_rejection(net)) {
		const char *code = ippyo_net_error_rejection_name((IppyoNetError)net->code);

		if (net->code == IPPYO_NET_ERROR_REJECTED_POLL_CLOSED)
			g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CLOSED,
			    ippyo_voter_rejection_text(code));
		else if (net->code == IPPYO_NET_ERROR_REJECTED_POLL_NOT_OPEN)
			g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_OPEN,
			    ippyo_voter_rejection_text(code));
		else
			g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_REJECTED,
			    ippyo_voter_rejection_text(code));
		return;
	}
	switch ((IppyoNetError)net->code) {
	case IPPYO_NET_ERROR_NETWORK:
	case IPPYO_NET_ERROR_HTTP:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NETWORK,
		    _("The ballot chain could not be reached (%s). Check your internet "
		    "connection and try again."), net->message);
		return;
	case IPPYO_NET_ERROR_FORK:
	case IPPYO_NET_ERROR_ROLLBACK:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FORK,
		    _("The ballot chain changed its history (%s)."), net->message);
		return;
	case IPPYO_NET_ERROR_NOT_INCLUDED:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_DROPPED,
		    _("Your ballot is no longer in the ballot chain (%s)."), net->message);
		return;
	default:
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The ballot chain's answer did not verify (%s). Do not trust it; tell "
		    "the election office."), net->message);
		return;
	}
}

const char *
ippyo_voter_error_name(const GError *error)
{
	static const char *const names[] = {
		"failed", "no-pcsc", "no-reader", "no-card", "not-mynumber", "card-ambiguous",
		"card-removed", "card", "wrong-card", "pin-format", "pin-wrong", "pin-last-try",
		"pin-locked", "cert-expired", "cert-not-yet-valid", "not-on-roll", "election",
		"not-open", "closed", "choice", "network", "rejected", "bad-receipt", "fork",
		"dropped", "audit", "store", "cert-revoked", "cert-untrusted",
	};

	if (error == NULL)
		return "ok";
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return "cancelled";
	if (error->domain != IPPYO_VOTER_ERROR || error->code < 0 ||
	    (gsize)error->code >= G_N_ELEMENTS(names))
		return "failed";
	return names[error->code];
}
