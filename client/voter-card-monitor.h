/* ippyo — IppyoCardMonitor: the reader and card as the voter sees them, live. */
#pragma once

#include <gio/gio.h>

#include "voter-election.h"

G_BEGIN_DECLS

typedef enum {
	IPPYO_CARD_MONITOR_STARTING,      /* nothing known yet */
	IPPYO_CARD_MONITOR_NO_SERVICE,    /* no PC/SC service (pcscd) */
	IPPYO_CARD_MONITOR_NO_READER,     /* no reader (or not the one named) */
	IPPYO_CARD_MONITOR_NO_CARD,       /* insert your card */
	IPPYO_CARD_MONITOR_READING,       /* a My Number card: reading its certificate */
	IPPYO_CARD_MONITOR_READY,         /* certificate read: see "eligibility" */
	IPPYO_CARD_MONITOR_NOT_MYNUMBER,  /* a card, but not a My Number card */
	IPPYO_CARD_MONITOR_ERROR,         /* a My Number card that could not be read; several cards */
} IppyoCardMonitorState;

#define IPPYO_TYPE_CARD_MONITOR_STATE (ippyo_card_monitor_state_get_type())
GType ippyo_card_monitor_state_get_type(void) G_GNUC_CONST;

/* Whether the card in the reader may vote in the election, checked before the ballot. */
typedef enum {
	IPPYO_ELIGIBILITY_UNKNOWN,        /* no card or no election yet */
	IPPYO_ELIGIBILITY_ELIGIBLE,       /* valid now and on the roll */
	IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN, /* valid now; the roll is not available */
	IPPYO_ELIGIBILITY_EXPIRED,
	IPPYO_ELIGIBILITY_NOT_YET_VALID,
	IPPYO_ELIGIBILITY_NOT_ON_ROLL,
	IPPYO_ELIGIBILITY_REVOKED,        /* on a current CRL of the election's CA */
	IPPYO_ELIGIBILITY_WRONG_ISSUER,   /* not issued by a JPKI CA the election names */
	IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN, /* valid now, on the roll; no usable CRL */
} IppyoEligibility;

#define IPPYO_TYPE_ELIGIBILITY (ippyo_eligibility_get_type())
GType ippyo_eligibility_get_type(void) G_GNUC_CONST;

#define IPPYO_TYPE_CARD_MONITOR (ippyo_card_monitor_get_type())
G_DECLARE_FINAL_TYPE(IppyoCardMonitor, ippyo_card_monitor, IPPYO, CARD_MONITOR, GObject)

/*
 * Watches PC/SC on a worker thread (insert, remove, readers coming and
 * going) and reads the authentication certificate of a My Number card
 * through PKCS#11 (no PIN). Everything is published on the main context of
 * the thread that called ippyo_card_monitor_start(), as properties:
 * "state", "reader", "certificate" (GBytes, DER), "fingerprint" (hex: the
 * roll value), "subject", "not-after" (Unix seconds), "pin-tries-left"
 * (-1 unknown), "eligibility" and "message" (what to do, in words).
 *
 * reader: the PC/SC name of the voter's reader (NULL: any; with several My
 * Number cards and none named the state is _ERROR: choose a reader).
 */
IppyoCardMonitor *ippyo_card_monitor_new(const char *reader, const char *pkcs11_module);
/*
 * The election whose time, JPKI CAs and CRLs (ippyo_election_check_card) and
 * roll the card is checked against, in this order (may be NULL).
 */
void ippyo_card_monitor_set_election(IppyoCardMonitor *self, IppyoElection *election);
void ippyo_card_monitor_start(IppyoCardMonitor *self);
/* Stops and joins the worker (also done on finalize). */
void ippyo_card_monitor_stop(IppyoCardMonitor *self);

IppyoCardMonitorState ippyo_card_monitor_get_state(IppyoCardMonitor *self);
const char *ippyo_card_monitor_get_reader(IppyoCardMonitor *self);
GBytes *ippyo_card_monitor_get_certificate(IppyoCardMonitor *self);
const char *ippyo_card_monitor_get_fingerprint(IppyoCardMonitor *self);
const char *ippyo_card_monitor_get_subject(IppyoCardMonitor *self);
int ippyo_card_monitor_get_pin_tries_left(IppyoCardMonitor *self);
IppyoEligibility ippyo_card_monitor_get_eligibility(IppyoCardMonitor *self);
const char *ippyo_card_monitor_get_message(IppyoCardMonitor *self);
/* The IPPYO_ERR_* behind the state (e.g. IPPYO_ERR_CARD_AMBIGUOUS for _ERROR), or 0. */
int ippyo_card_monitor_get_error_code(IppyoCardMonitor *self);
/* The machine names of the states ("no-reader", "ready"...) and eligibilities. */
const char *ippyo_card_monitor_state_name(IppyoCardMonitorState s);
const char *ippyo_eligibility_name(IppyoEligibility e);

G_END_DECLS
