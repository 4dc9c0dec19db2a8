/* ippyo — the My Number card's JPKI keys through PKCS#11 (OpenSC). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "card/cert.h"

/*
 * Everything with keys and PINs goes through OpenSC's PKCS#11 module, which
 * is loaded with dlopen: from an explicit path, else from p11-kit's module
 * registry (the "opensc-pkcs11.module" / "opensc.module" file), else from
 * the multiarch library directory.
 *
 * Tokens are found by label, never by slot number:
 *   "JPKI (User Authentication PIN)"  auth certificate ID 01, auth key ID 01
 *   "JPKI (Digital Signature PIN)"    signature certificate and key ID 02
 * A reader is named by its PC/SC name; OpenSC's slot description is that
 * name cut to 64 bytes.
 *
 * PIN rules: the PIN is never retried here, a locked PIN is never sent to
 * the card (the token flags are read first), the copy handed to C_Login is
 * wiped right after it. Closing a session that logged in logs out and then
 * resets the card through PC/SC, so that no verified PIN outlives the
 * session (OpenSC 0.23 sends nothing on C_Logout).
 */
typedef struct ippyo_jpki ippyo_jpki;
typedef struct ippyo_jpki_session ippyo_jpki_session;

enum ippyo_jpki_token {
	IPPYO_JPKI_AUTH = 0,  /* user authentication: 4-digit PIN, 3 tries */
	IPPYO_JPKI_SIGN = 1,  /* digital signature: 6-16 A-Z0-9, 5 tries */
};

#define IPPYO_JPKI_AUTH_LABEL "JPKI (User Authentication PIN)"
#define IPPYO_JPKI_SIGN_LABEL "JPKI (Digital Signature PIN)"
#define IPPYO_JPKI_AUTH_PIN_TRIES 3
#define IPPYO_JPKI_SIGN_PIN_TRIES 5
#define IPPYO_JPKI_MAX_SIG 512

/*
 * What the token flags say about the PIN. tries_left is exact when it is
 * >= 0 (0: locked); -1 means only "fewer than max_tries" is known.
 */
typedef struct ippyo_pin_status {
	int tries_left;
	int max_tries;
	int count_low;   /* fewer than max_tries left (any of the three flags) */
	int final_try;   /* CKF_USER_PIN_FINAL_TRY: one try left */
	int locked;      /* CKF_USER_PIN_LOCKED */
} ippyo_pin_status;

/*
 * The module path p11-kit's registry names for OpenSC, or the fallback
 * (free()). IPPYO_ERR_PKCS11_MODULE when none exists.
 */
int ippyo_jpki_find_module(char **out) IPPYO_WUR;

/* Loads and initializes the module (NULL: ippyo_jpki_find_module()). */
int ippyo_jpki_open(const char *module_path, ippyo_jpki **out) IPPYO_WUR;
void ippyo_jpki_free(ippyo_jpki *j);

/*
 * Opens a session on token which of the card in reader (NULL: the only My
 * Number card present). IPPYO_ERR_NO_READER (no such reader / no reader at
 * all), IPPYO_ERR_NO_CARD, IPPYO_ERR_NOT_MYNUMBER, IPPYO_ERR_CARD_AMBIGUOUS
 * (several cards and no reader named).
 */
int ippyo_jpki_session_open(ippyo_jpki *j, const char *reader,
    enum ippyo_jpki_token which, ippyo_jpki_session **out) IPPYO_WUR;
/*
 * Logs out, closes the session and, if a PIN was verified, resets the card.
 * Accepts NULL. Returns 0, or the error of the reset (the card state may
 * then be left verified: IPPYO_ERR_PCSC_UNAVAILABLE...); a card that has
 * gone needs no reset and gives 0.
 */
int ippyo_jpki_session_close(ippyo_jpki_session *s);
/* The PC/SC name of the session's reader (as far as the slot tells). */
const char *ippyo_jpki_session_reader(const ippyo_jpki_session *s);

/* The PIN state from the token flags; sends no VERIFY with a PIN. */
int ippyo_jpki_pin_status(ippyo_jpki_session *s, ippyo_pin_status *st) IPPYO_WUR;

/*
 * Checks and normalizes a PIN for token which into out (cap >= 17):
 * the auth PIN must be exactly 4 ASCII digits; the signature password is
 * upper-cased and must then be 6-16 of A-Z0-9. IPPYO_ERR_PIN_FORMAT.
 */
int ippyo_jpki_pin_normalize(enum ippyo_jpki_token which, const char *pin,
    char *out, size_t cap) IPPYO_WUR;

/*
 * Verifies the PIN (C_Login CKU_USER). Never called by ippyo on its own:
 * one call, one try. IPPYO_ERR_PIN_FORMAT (nothing sent),
 * IPPYO_ERR_PIN_LOCKED (the token says locked: nothing sent; or the card
 * locked now), IPPYO_ERR_PIN_WRONG (tries remain), IPPYO_ERR_PIN_LAST_TRY
 * (wrong, one try remains), IPPYO_ERR_CARD_REMOVED.
 * The caller wipes its own copy of pin.
 */
int ippyo_jpki_login(ippyo_jpki_session *s, const char *pin) IPPYO_WUR;

/*
 * The certificate of the session's token: the auth certificate (no PIN
 * needed) or the signature certificate (readable only after login).
 */
int ippyo_jpki_read_cert(ippyo_jpki_session *s, ippyo_cert **out) IPPYO_WUR;

/*
 * Signs SHA-256 of data with the token's key, RSA PKCS#1 v1.5
 * (CKM_SHA256_RSA_PKCS, or CKM_RSA_PKCS over a DigestInfo). Needs login.
 * The signature key needs its password again (context_pin, CKU_CONTEXT_
 * SPECIFIC); pass NULL for the auth key. *sig is malloc'd.
 */
int ippyo_jpki_sign(ippyo_jpki_session *s, const char *context_pin,
    const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len) IPPYO_WUR;

/*
 * The voter's whole card step: open the auth token of reader, read the
 * certificate, log in with pin, sign data, check the signature against the
 * certificate, close (log out, reset). *cert may be NULL if not wanted.
 */
int ippyo_jpki_auth_sign(ippyo_jpki *j, const char *reader, const char *pin,
    const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len,
    ippyo_cert **cert) IPPYO_WUR;

/*
 * The readers (PC/SC names as the slots give them) that hold a token with
 * the auth label, as a NULL-terminated array (free with
 * ippyo_jpki_strv_free). An empty array when there is none.
 */
int ippyo_jpki_list_cards(ippyo_jpki *j, char ***readers) IPPYO_WUR;
void ippyo_jpki_strv_free(char **v);
