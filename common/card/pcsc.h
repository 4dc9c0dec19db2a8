/* ippyo — card presence through PC/SC: readers, cards, My Number cards, changes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * PC/SC is used only to see readers and cards come and go, to tell a My
 * Number card from other cards (the JPKI application selects), and to reset
 * a card after use. Everything with keys and PINs goes through PKCS#11
 * (card/jpki.h).
 *
 * An ippyo_pcsc is one PC/SC context. It may be used by one thread at a
 * time, except ippyo_pcsc_cancel(), which any thread may call to end a
 * pending ippyo_pcsc_wait().
 */
typedef struct ippyo_pcsc ippyo_pcsc;

enum ippyo_card_state {
	IPPYO_CARD_ABSENT = 0,    /* the reader is empty */
	IPPYO_CARD_MYNUMBER,      /* a card whose JPKI application selects */
	IPPYO_CARD_OTHER,         /* a card without the JPKI application */
	IPPYO_CARD_MUTE,          /* a card that does not answer */
	IPPYO_CARD_BUSY,          /* held exclusively by another program */
};

#define IPPYO_ATR_MAX 33

typedef struct ippyo_reader_info {
	char *name;
	enum ippyo_card_state state;
	uint8_t atr[IPPYO_ATR_MAX];
	size_t atr_len;
} ippyo_reader_info;

typedef struct ippyo_reader_list {
	size_t n;
	ippyo_reader_info *readers;
} ippyo_reader_list;

/* The PC/SC reader name pcscd gives to its plug-and-play notifications. */
#define IPPYO_PCSC_PNP_READER "\\\\?PnP?\\Notification"

/* IPPYO_ERR_PCSC_UNAVAILABLE when no PC/SC service runs. */
int ippyo_pcsc_open(ippyo_pcsc **out) IPPYO_WUR;
void ippyo_pcsc_free(ippyo_pcsc *p);

/*
 * Lists the readers and the state of each (connecting to each present card
 * to SELECT the JPKI application, then leaving it as it was).
 * IPPYO_ERR_NO_READER when there is none, IPPYO_ERR_PCSC_UNAVAILABLE when
 * the service went away.
 */
int ippyo_pcsc_list(ippyo_pcsc *p, ippyo_reader_list **out) IPPYO_WUR;
void ippyo_reader_list_free(ippyo_reader_list *l);
/* The entry for reader name, or NULL. */
const ippyo_reader_info *ippyo_reader_list_find(const ippyo_reader_list *l,
    const char *name);

/* The state of one reader (IPPYO_ERR_NO_READER if it does not exist). */
int ippyo_pcsc_probe(ippyo_pcsc *p, const char *reader,
    enum ippyo_card_state *state) IPPYO_WUR;

/*
 * Waits until a card is inserted or removed in any reader, or a reader
 * appears or disappears, for at most timeout_ms (0: return at once,
 * -1: no limit). *changed is 1 after a change, 0 after the timeout. The
 * first call after ippyo_pcsc_open() compares against the states seen by
 * the last ippyo_pcsc_list() (or the states at the time of the call).
 * IPPYO_ERR_CANCELLED after ippyo_pcsc_cancel().
 */
int ippyo_pcsc_wait(ippyo_pcsc *p, int timeout_ms, int *changed) IPPYO_WUR;
/* Ends a pending ippyo_pcsc_wait() from another thread. */
int ippyo_pcsc_cancel(ippyo_pcsc *p);

/*
 * Resets the card in reader (a warm reset: every verified PIN of the card
 * is forgotten). reader is the PC/SC name or its first 64 bytes (a PKCS#11
 * slot description). IPPYO_ERR_NO_CARD when the reader is empty.
 */
int ippyo_pcsc_reset_card(ippyo_pcsc *p, const char *reader) IPPYO_WUR;

const char *ippyo_card_state_name(enum ippyo_card_state s);  /* "absent"... */
