/* ippyo — card presence through PC/SC (pcsc-lite). */
#include "card/pcsc.h"

#include <stdlib.h>
#include <string.h>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include "error.h"

/* SELECT the JPKI application, no FCI (JPKI.md). */
static const BYTE select_jpki[] = {
	0x00, 0xA4, 0x04, 0x0C, 0x0A,
	0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
};

#define MAX_READERS 64
#define MAX_READER_NAMES (64 * 1024)

/* What the last list or wait saw of each reader, for the next wait. */
struct known_state {
	char *name;
	DWORD state;  /* dwEventState without SCARD_STATE_CHANGED */
};

struct ippyo_pcsc {
	SCARDCONTEXT ctx;
	int have_ctx;
	struct known_state known[MAX_READERS];
	size_t n_known;
	DWORD pnp_state;
	int pnp_known;
};

static void
known_clear(ippyo_pcsc *p)
{
	size_t i;

	for (i = 0; i < p->n_known; i++)
		free(p->known[i].name);
	p->n_known = 0;
	p->pnp_known = 0;
	p->pnp_state = 0;
}

static int
establish(ippyo_pcsc *p)
{
	LONG rv;

	if (p->have_ctx) {
		SCardReleaseContext(p->ctx);
		p->have_ctx = 0;
	}
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
	if (rv != SCARD_S_SUCCESS)
		return IPPYO_ERR_PCSC_UNAVAILABLE;
	p->have_ctx = 1;
	return 0;
}

int
ippyo_pcsc_open(ippyo_pcsc **out)
{
	ippyo_pcsc *p;
	int r;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = establish(p)) != 0) {
		free(p);
		return r;
	}
	*out = p;
	return 0;
}

void
ippyo_pcsc_free(ippyo_pcsc *p)
{
	if (p == NULL)
		return;
	known_clear(p);
	if (p->have_ctx)
		SCardReleaseContext(p->ctx);
	free(p);
}

int
ippyo_pcsc_cancel(ippyo_pcsc *p)
{
	if (p == NULL || !p->have_ctx)
		return IPPYO_ERR_INVALID_ARGUMENT;
	return SCardCancel(p->ctx) == SCARD_S_SUCCESS ? 0 : IPPYO_ERR_PCSC_UNAVAILABLE;
}

/*
 * The reader names as a multi-string (free()); *n the number of names.
 * One retry with a fresh context when the service was restarted.
 */
static int
reader_names(ippyo_pcsc *p, char **out, size_t *n)
{
	char *names = NULL, *s;
	DWORD len = 0;
	LONG rv;
	int attempt, r = IPPYO_ERR_PCSC_UNAVAILABLE;

	*out = NULL;
	*n = 0;
	for (attempt = 0; attempt < 4; attempt++) {
		free(names);
		names = NULL;
		len = 0;
		rv = SCardListReaders(p->ctx, NULL, NULL, &len);
		if (rv == (LONG)SCARD_S_SUCCESS) {
			if (len == 0 || len > MAX_READER_NAMES) {
				r = len == 0 ? IPPYO_ERR_NO_READER : IPPYO_ERR_LIMIT;
				goto out;
			}
			if ((names = calloc(1, (size_t)len + 1)) == NULL) {
				r = IPPYO_ERR_ALLOC;
				goto out;
			}
			rv = SCardListReaders(p->ctx, NULL, names, &len);
		}
		if (rv == (LONG)SCARD_S_SUCCESS)
			break;
		if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE) {
			r = IPPYO_ERR_NO_READER;
			goto out;
		}
		if (rv == (LONG)SCARD_E_INSUFFICIENT_BUFFER)
			continue;  /* a reader arrived between the two calls */
		if ((rv == (LONG)SCARD_E_NO_SERVICE || rv == (LONG)SCARD_E_SERVICE_STOPPED ||
		    rv == (LONG)SCARD_E_INVALID_HANDLE) && attempt == 0) {
			/* pcscd was restarted: the old context is dead. */
			known_clear(p);
			if (establish(p) != 0)
				goto out;
			continue;
		}
		r = IPPYO_ERR_PCSC_UNAVAILABLE;
		goto out;
	}
	if (rv != (LONG)SCARD_S_SUCCESS)
		goto out;
	names[len] = '\0';
	for (s = names; *s != '\0' && (size_t)(s - names) < len; s += strlen(s) + 1)
		(*n)++;
	if (*n == 0) {
		r = IPPYO_ERR_NO_READER;
		goto out;
	}
	if (*n > MAX_READERS) {
		r = IPPYO_ERR_LIMIT;
		goto out;
	}
	*out = names;
	names = NULL;
	r = 0;
 out:
	free(names);
	return r;
}

static int
map_rv(LONG rv)
{
	switch (rv) {
	case SCARD_S_SUCCESS:
		return 0;
	case SCARD_E_NO_SERVICE:
	case SCARD_E_SERVICE_STOPPED:
	case SCARD_E_INVALID_HANDLE:
	case SCARD_F_COMM_ERROR:
		return IPPYO_ERR_PCSC_UNAVAILABLE;
	case SCARD_E_UNKNOWN_READER:
	case SCARD_E_READER_UNAVAILABLE:
	case SCARD_E_NO_READERS_AVAILABLE:
		return IPPYO_ERR_NO_READER;
	case SCARD_E_NO_SMARTCARD:
		return IPPYO_ERR_NO_CARD;
	case SCARD_W_REMOVED_CARD:
		return IPPYO_ERR_CARD_REMOVED;
	case SCARD_E_CANCELLED:
		return IPPYO_ERR_CANCELLED;
	default:
		return IPPYO_ERR_INTERNAL;
	}
}

/*
 * Connects to the card in reader and selects the JPKI application. The card
 * is left as it was (no reset), inside a transaction so that no other
 * program's command sequence is cut in two.
 */
static int
probe_card(ippyo_pcsc *p, const char *reader, enum ippyo_card_state *state)
{
	SCARDHANDLE h = 0;
	DWORD proto = 0, rlen;
	BYTE resp[258];
	LONG rv;
	int connected = 0, in_tx = 0, r = 0;

	*state = IPPYO_CARD_ABSENT;
	rv = SCardConnect(p->ctx, reader, SCARD_SHARE_SHARED,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	switch (rv) {
	case SCARD_S_SUCCESS:
		connected = 1;
		break;
	case SCARD_E_NO_SMARTCARD:
	case SCARD_W_REMOVED_CARD:
		*state = IPPYO_CARD_ABSENT;
		goto out;
	case SCARD_W_UNRESPONSIVE_CARD:
	case SCARD_W_UNPOWERED_CARD:
	case SCARD_E_PROTO_MISMATCH:
	case SCARD_W_UNSUPPORTED_CARD:
		*state = IPPYO_CARD_MUTE;
		goto out;
	case SCARD_E_SHARING_VIOLATION:
		*state = IPPYO_CARD_BUSY;
		goto out;
	default:
		r = map_rv(rv);
		if (r == IPPYO_ERR_INTERNAL)
			*state = IPPYO_CARD_MUTE, r = 0;
		goto out;
	}
	rv = SCardBeginTransaction(h);
	if (rv == (LONG)SCARD_W_RESET_CARD) {
		/* Someone reset the card meanwhile: acknowledge and go on. */
		rv = SCardReconnect(h, SCARD_SHARE_SHARED,
		    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_LEAVE_CARD, &proto);
		if (rv == (LONG)SCARD_S_SUCCESS)
			rv = SCardBeginTransaction(h);
	}
	if (rv != (LONG)SCARD_S_SUCCESS) {
		if (rv == (LONG)SCARD_W_REMOVED_CARD || rv == (LONG)SCARD_E_NO_SMARTCARD)
			*state = IPPYO_CARD_ABSENT;
		else if ((r = map_rv(rv)) == IPPYO_ERR_INTERNAL)
			*state = IPPYO_CARD_MUTE, r = 0;
		goto out;
	}
	in_tx = 1;
	rlen = sizeof(resp);
	rv = SCardTransmit(h, proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1,
	    select_jpki, sizeof(select_jpki), NULL, resp, &rlen);
	if (rv != (LONG)SCARD_S_SUCCESS) {
		if (rv == (LONG)SCARD_W_REMOVED_CARD || rv == (LONG)SCARD_E_NO_SMARTCARD)
			*state = IPPYO_CARD_ABSENT;
		else if ((r = map_rv(rv)) == IPPYO_ERR_INTERNAL)
			*state = IPPYO_CARD_MUTE, r = 0;
		goto out;
	}
	if (rlen == 2 && resp[0] == 0x90 && resp[1] == 0x00)
		*state = IPPYO_CARD_MYNUMBER;
	else
		*state = IPPYO_CARD_OTHER;
 out:
	if (in_tx)
		SCardEndTransaction(h, SCARD_LEAVE_CARD);
	if (connected)
		SCardDisconnect(h, SCARD_LEAVE_CARD);
	return r;
}

static void
remember(ippyo_pcsc *p, const SCARD_READERSTATE *rs, size_t n)
{
	size_t i;

	known_clear(p);
	for (i = 0; i < n; i++) {
		if (strcmp(rs[i].szReader, IPPYO_PCSC_PNP_READER) == 0) {
			p->pnp_state = rs[i].dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
			p->pnp_known = 1;
			continue;
		}
		if (p->n_known >= MAX_READERS)
			continue;
		if ((p->known[p->n_known].name = strdup(rs[i].szReader)) == NULL)
			continue;  /* forgotten: the next wait learns it again */
		p->known[p->n_known].state = rs[i].dwEventState &
		    ~(DWORD)SCARD_STATE_CHANGED;
		p->n_known++;
	}
}

static int
lookup_known(const ippyo_pcsc *p, const char *name, DWORD *state)
{
	size_t i;

	for (i = 0; i < p->n_known; i++) {
		if (strcmp(p->known[i].name, name) == 0) {
			*state = p->known[i].state;
			return 1;
		}
	}
	return 0;
}

void
ippyo_reader_list_free(ippyo_reader_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->readers[i].name);
	free(l->readers);
	free(l);
}

const ippyo_reader_info *
ippyo_reader_list_find(const ippyo_reader_list *l, const char *name)
{
	size_t i;

	if (l == NULL || name == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->readers[i].name, name) == 0)
			return &l->readers[i];
	return NULL;
}

int
ippyo_pcsc_list(ippyo_pcsc *p, ippyo_reader_list **out)
{
	ippyo_reader_list *l = NULL;
	SCARD_READERSTATE *rs = NULL;
	char *names = NULL, *s;
	size_t n = 0, i;
	LONG rv;
	DWORD ev;
	int r = IPPYO_ERR_INTERNAL;

	if (p == NULL || out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((r = reader_names(p, &names, &n)) != 0)
		goto out;
	if ((rs = calloc(n, sizeof(*rs))) == NULL ||
	    (l = calloc(1, sizeof(*l))) == NULL ||
	    (l->readers = calloc(n, sizeof(*l->readers))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (s = names, i = 0; i < n; s += strlen(s) + 1, i++) {
		rs[i].szReader = s;
		rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
	}
	rv = SCardGetStatusChange(p->ctx, 0, rs, (DWORD)n);
	if (rv != (LONG)SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT) {
		r = map_rv(rv);
		if (r == 0 || r == IPPYO_ERR_NO_CARD || r == IPPYO_ERR_CARD_REMOVED)
			r = IPPYO_ERR_INTERNAL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		ippyo_reader_info *ri = &l->readers[i];

		if ((ri->name = strdup(rs[i].szReader)) == NULL) {
			r = IPPYO_ERR_ALLOC;
			goto out;
		}
		l->n++;
		ev = rs[i].dwEventState;
		if (rs[i].cbAtr <= IPPYO_ATR_MAX) {
			memcpy(ri->atr, rs[i].rgbAtr, rs[i].cbAtr);
			ri->atr_len = rs[i].cbAtr;
		}
		if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE) ||
		    !(ev & SCARD_STATE_PRESENT)) {
			ri->state = IPPYO_CARD_ABSENT;
			ri->atr_len = 0;
		} else if (ev & SCARD_STATE_MUTE) {
			ri->state = IPPYO_CARD_MUTE;
		} else if (ev & SCARD_STATE_EXCLUSIVE) {
			ri->state = IPPYO_CARD_BUSY;
		} else if ((r = probe_card(p, ri->name, &ri->state)) != 0) {
			goto out;
		}
	}
	remember(p, rs, n);
	*out = l;
	l = NULL;
	r = 0;
 out:
	ippyo_reader_list_free(l);
	free(rs);
	free(names);
	return r;
}

int
ippyo_pcsc_probe(ippyo_pcsc *p, const char *reader, enum ippyo_card_state *state)
{
	ippyo_reader_list *l = NULL;
	const ippyo_reader_info *ri;
	int r;

	if (p == NULL || reader == NULL || state == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*state = IPPYO_CARD_ABSENT;
	if ((r = ippyo_pcsc_list(p, &l)) != 0)
		return r;
	if ((ri = ippyo_reader_list_find(l, reader)) == NULL)
		r = IPPYO_ERR_NO_READER;
	else
		*state = ri->state;
	ippyo_reader_list_free(l);
	return r;
}

int
ippyo_pcsc_wait(ippyo_pcsc *p, int timeout_ms, int *changed)
{
	SCARD_READERSTATE *rs = NULL;
	char *names = NULL, *s;
	size_t n = 0, i;
	DWORD cur;
	LONG rv;
	int r = IPPYO_ERR_INTERNAL, unknown = 0, moved = 0;

	if (p == NULL || changed == NULL || timeout_ms < -1)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*changed = 0;
	r = reader_names(p, &names, &n);
	if (r == IPPYO_ERR_NO_READER)
		n = 0;  /* wait for a reader through the PnP notifications */
	else if (r != 0)
		goto out;
	if ((rs = calloc(n + 1, sizeof(*rs))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (s = names, i = 0; i < n; s += strlen(s) + 1, i++) {
		rs[i].szReader = s;
		if (lookup_known(p, s, &cur)) {
			rs[i].dwCurrentState = cur;
		} else {
			rs[i].dwCurrentState = SCARD_STATE_UNAWARE;
			unknown = 1;
		}
	}
	/* A reader seen before has gone. */
	if (p->n_known > n)
		moved = 1;
	rs[n].szReader = IPPYO_PCSC_PNP_READER;
	if (p->pnp_known) {
		rs[n].dwCurrentState = p->pnp_state;
	} else {
		/* pcsc-lite keeps the reader count in the high word. */
		rs[n].dwCurrentState = (DWORD)n << 16;
	}
	if (unknown && p->n_known > 0)
		moved = 1;  /* a new reader since the last look */
	if (moved) {
		/* Learn the current states, then report the change. */
		rv = SCardGetStatusChange(p->ctx, 0, rs, (DWORD)n + 1);
		if (rv != (LONG)SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT) {
			r = map_rv(rv);
			goto out;
		}
		remember(p, rs, n + 1);
		*changed = 1;
		r = 0;
		goto out;
	}
	if (unknown) {
		/* First look at these readers: learn their states silently. */
		rv = SCardGetStatusChange(p->ctx, 0, rs, (DWORD)n + 1);
		if (rv != (LONG)SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT) {
			r = map_rv(rv);
			goto out;
		}
		for (i = 0; i <= n; i++)
			rs[i].dwCurrentState = rs[i].dwEventState &
			    ~(DWORD)SCARD_STATE_CHANGED;
	}
	rv = SCardGetStatusChange(p->ctx,
	    timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms, rs, (DWORD)n + 1);
	switch (rv) {
	case SCARD_S_SUCCESS:
		remember(p, rs, n + 1);
		*changed = 1;
		r = 0;
		break;
	case SCARD_E_TIMEOUT:
		if (unknown)
			remember(p, rs, n + 1);
		r = 0;
		break;
	case SCARD_E_UNKNOWN_READER:
		/* A reader left while we looked. */
		known_clear(p);
		*changed = 1;
		r = 0;
		break;
	default:
		r = map_rv(rv);
		if (r == 0 || r == IPPYO_ERR_NO_CARD || r == IPPYO_ERR_CARD_REMOVED ||
		    r == IPPYO_ERR_NO_READER)
			r = IPPYO_ERR_INTERNAL;
		break;
	}
 out:
	free(rs);
	free(names);
	return r;
}

/*
 * The PC/SC name of reader: reader itself, or the one name whose first 64
 * bytes (trailing blanks cut) are reader, as a PKCS#11 slot description
 * gives it (free()).
 */
static int
full_reader_name(ippyo_pcsc *p, const char *reader, char **out)
{
	char *names = NULL, *s, *hit = NULL;
	size_t n = 0, i, len, want = strlen(reader);
	int r;

	*out = NULL;
	if ((r = reader_names(p, &names, &n)) != 0)
		return r;
	r = IPPYO_ERR_NO_READER;
	for (s = names, i = 0; i < n; s += strlen(s) + 1, i++) {
		if (strcmp(s, reader) == 0) {
			hit = s;
			break;
		}
		len = strlen(s);
		if (len > 64)
			len = 64;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len == want && memcmp(s, reader, len) == 0) {
			if (hit != NULL) {
				hit = NULL;   /* two readers share the cut name */
				break;
			}
			hit = s;
		}
	}
	if (hit != NULL) {
		if ((*out = strdup(hit)) == NULL)
			r = IPPYO_ERR_ALLOC;
		else
			r = 0;
	}
	free(names);
	return r;
}

int
ippyo_pcsc_reset_card(ippyo_pcsc *p, const char *reader)
{
	SCARDHANDLE h = 0;
	DWORD proto = 0;
	char *name = NULL;
	LONG rv;
	int r;

	if (p == NULL || reader == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = full_reader_name(p, reader, &name)) != 0)
		return r;
	rv = SCardConnect(p->ctx, name, SCARD_SHARE_SHARED,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	free(name);
	if (rv != (LONG)SCARD_S_SUCCESS) {
		r = map_rv(rv);
		if (r == IPPYO_ERR_CARD_REMOVED)
			r = IPPYO_ERR_NO_CARD;
		return r == 0 ? IPPYO_ERR_INTERNAL : r;
	}
	rv = SCardDisconnect(h, SCARD_RESET_CARD);
	if (rv != (LONG)SCARD_S_SUCCESS) {
		r = map_rv(rv);
		return r == IPPYO_ERR_CARD_REMOVED ? IPPYO_ERR_NO_CARD : r;
	}
	return 0;
}

const char *
ippyo_card_state_name(enum ippyo_card_state s)
{
	switch (s) {
	case IPPYO_CARD_ABSENT:
		return "absent";
	case IPPYO_CARD_MYNUMBER:
		return "mynumber";
	case IPPYO_CARD_OTHER:
		return "other";
	case IPPYO_CARD_MUTE:
		return "mute";
	case IPPYO_CARD_BUSY:
		return "busy";
	}
	return "unknown";
}
