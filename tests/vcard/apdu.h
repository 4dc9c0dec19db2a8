/*
 * The virtual My Number card's APDU engine (docs/card.md, ../shared/JPKI.md).
 *
 * vcard_apdu() is a pure function of the card state and one C-APDU: no I/O.
 * The card's keys never leave this process; signing uses OpenSSL. The PIN
 * counters are the only state that outlives a power cycle: the caller saves
 * them (vcard_state_save()) whenever vcard_state_take_dirty() says so.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/* Short APDUs only: 256 data bytes + SW1 SW2. */
#define VCARD_RAPDU_MAX		258
#define VCARD_AUTH_TRIES	3
#define VCARD_SIGN_TRIES	5

/* The JPKI application and its elementary files. */
#define VCARD_EF_SIGN_CERT	0x0001
#define VCARD_EF_SIGN_CA	0x0002
#define VCARD_EF_AUTH_CERT	0x000A
#define VCARD_EF_AUTH_CA	0x000B
#define VCARD_EF_AUTH_KEY	0x0017
#define VCARD_EF_AUTH_PIN	0x0018
#define VCARD_EF_SIGN_KEY	0x001A
#define VCARD_EF_SIGN_PIN	0x001B

extern const uint8_t vcard_jpki_aid[10];

/* vpcd's control codes, as vcard_power() takes them. */
typedef enum {
	VCARD_POWER_OFF = 0x00,
	VCARD_POWER_ON = 0x01,
	VCARD_RESET = 0x02,
} vcard_power_event;

typedef struct vcard_card vcard_card;
typedef struct vcard_state vcard_state;

/*
 * Loads a card folder of make-test-pki: auth.crt auth.key sign.crt sign.key
 * auth-ca.crt sign-ca.crt pin password. Certificates must be DER SEQUENCEs
 * with a 2-byte length (256..65535 bytes), as OpenSC's jpki driver needs.
 */
vcard_card *vcard_card_load(const char *dir, GError **error);
void vcard_card_free(vcard_card *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vcard_card, vcard_card_free)

/* A powered-off card with full PIN counters; it borrows card. */
vcard_state *vcard_state_new(const vcard_card *card);
void vcard_state_free(vcard_state *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vcard_state, vcard_state_free)

/*
 * The PIN counters file: "auth=N\nsign=M\n" exactly. A missing file means
 * full counters. Saving writes a temporary file and renames it into place.
 */
gboolean vcard_state_load(vcard_state *state, const char *path, GError **error);
gboolean vcard_state_save(const vcard_state *state, const char *path, GError **error);

/* True once after the PIN counters changed. */
bool vcard_state_take_dirty(vcard_state *state);

unsigned int vcard_state_auth_tries(const vcard_state *state);
unsigned int vcard_state_sign_tries(const vcard_state *state);
void vcard_state_set_tries(vcard_state *state, unsigned int auth, unsigned int sign);

/* Power off, on and reset forget the selection and the verified PINs. */
void vcard_power(vcard_state *state, vcard_power_event event);

/*
 * Answers one C-APDU. rapdu must hold VCARD_RAPDU_MAX bytes; *rlen is set to
 * the answer's length (data + SW1 SW2, always at least 2).
 */
void vcard_apdu(vcard_state *state, const uint8_t *capdu, size_t len,
    uint8_t *rapdu, size_t *rlen);
