/* ippyo — the My Number card's JPKI keys through PKCS#11 (OpenSC). */
#include "card/jpki.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <p11-kit/pkcs11.h>

#include "card/card-config.h"
#include "card/pcsc.h"
#include "error.h"

/* DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2, note 1). */
static const uint8_t sha256_digestinfo[] = {
	0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
};

#define HOTPLUG_SLOT "Virtual hotplug slot"   /* OpenSC's slot without reader */
#define MAX_SLOTS 64
#define PIN_CAP 17

/*
 * The module is loaded once per process: C_Initialize may be called only
 * once, so every ippyo_jpki shares it and the last one finalizes it.
 */
static pthread_mutex_t module_lock = PTHREAD_MUTEX_INITIALIZER;
static void *module_handle;
static CK_FUNCTION_LIST_PTR module_fl;
static int module_refs;
static int module_finalize;   /* we initialized it, so we finalize it */

struct ippyo_jpki {
	CK_FUNCTION_LIST_PTR fl;
	ippyo_pcsc *pcsc;   /* for the reset after use; opened when needed */
};

struct ippyo_jpki_session {
	ippyo_jpki *j;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE h;
	enum ippyo_jpki_token which;
	char reader[65];    /* the slot description: the reader's name, cut */
	int logged_in;
	int verified;       /* a PIN was verified: reset the card at close */
};

/* ---- finding the module ---- */

static char *
join_path(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *s;

	if ((s = malloc(a + b + 2)) == NULL)
		return NULL;
	memcpy(s, dir, a);
	s[a] = '/';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

/*
 * Reads the "module:" value of a p11-kit module config file (relative names
 * are relative to p11-kit's module directory). NULL if there is none.
 */
static char *
module_from_config(const char *path)
{
	FILE *f;
	char line[1024], *v, *end, *out = NULL;
	size_t n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while (out == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "module:", 7) != 0)
			continue;
		for (v = line + 7; *v == ' ' || *v == '\t'; v++)
			;
		n = strlen(v);
		for (end = v + n; end > v && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		if (*v == '\0')
			break;
		if (*v == '/')
			out = strdup(v);
		else
			out = join_path(IPPYO_P11_MODULE_PATH, v);
	}
	fclose(f);
	return out;
}

int
ippyo_jpki_find_module(char **out)
{
	static const char *const dirs[] = {
		IPPYO_P11_SYSCONF_MODULES,
		IPPYO_P11_MODULE_CONFIGS,
	};
	static const char *const files[] = {
		"opensc-pkcs11.module",
		"opensc.module",
	};
	static const char *const fallbacks[] = {
		IPPYO_P11_MODULE_PATH "/opensc-pkcs11.so",
		IPPYO_LIBDIR "/opensc-pkcs11.so",
	};
	char *conf, *mod;
	size_t i, k;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			if ((conf = join_path(dirs[i], files[k])) == NULL)
				return IPPYO_ERR_ALLOC;
			mod = module_from_config(conf);
			free(conf);
			if (mod != NULL && access(mod, R_OK) == 0) {
				*out = mod;
				return 0;
			}
			free(mod);
		}
	}
	for (i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++) {
		if (access(fallbacks[i], R_OK) == 0) {
			if ((*out = strdup(fallbacks[i])) == NULL)
				return IPPYO_ERR_ALLOC;
			return 0;
		}
	}
	return IPPYO_ERR_PKCS11_MODULE;
}

/* ---- loading ---- */

static int
module_acquire(const char *path, CK_FUNCTION_LIST_PTR *fl)
{
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args;
	CK_FUNCTION_LIST_PTR list = NULL;
	void *handle = NULL;
	CK_RV rv;
	int r = IPPYO_ERR_PKCS11_MODULE;

	*fl = NULL;
	pthread_mutex_lock(&module_lock);
	if (module_refs > 0) {
		module_refs++;
		*fl = module_fl;
		r = 0;
		goto out;
	}
	if ((handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		goto out;
	if ((get = (CK_C_GetFunctionList)dlsym(handle, "C_GetFunctionList")) == NULL)
		goto out;
	if (get(&list) != CKR_OK || list == NULL || list->version.major != 2)
		goto out;
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = list->C_Initialize(&args);
	if (rv == CKR_OK) {
		module_finalize = 1;
	} else if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		/* Someone else in this process uses it: leave it to them. */
		module_finalize = 0;
	} else {
		r = IPPYO_ERR_PKCS11;
		goto out;
	}
	module_handle = handle;
	module_fl = list;
	module_refs = 1;
	handle = NULL;
	*fl = list;
	r = 0;
 out:
	pthread_mutex_unlock(&module_lock);
	if (handle != NULL)
		dlclose(handle);
	return r;
}

static void
module_release(void)
{
	pthread_mutex_lock(&module_lock);
	if (module_refs > 0 && --module_refs == 0) {
		if (module_finalize)
			module_fl->C_Finalize(NULL);
		/*
		 * OpenSC's module is not dlclose'd: libraries it loads (pcsclite)
		 * may keep threads; unloading under them is not worth the risk.
		 */
		module_fl = NULL;
		module_finalize = 0;
	}
	pthread_mutex_unlock(&module_lock);
}

int
ippyo_jpki_open(const char *module_path, ippyo_jpki **out)
{
	ippyo_jpki *j = NULL;
	char *found = NULL;
	int r;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (module_path == NULL) {
		if ((r = ippyo_jpki_find_module(&found)) != 0)
			return r;
		module_path = found;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((r = module_acquire(module_path, &j->fl)) != 0)
		goto out;
	*out = j;
	j = NULL;
 out:
	free(j);
	free(found);
	return r;
}

void
ippyo_jpki_free(ippyo_jpki *j)
{
	if (j == NULL)
		return;
	ippyo_pcsc_free(j->pcsc);
	module_release();
	free(j);
}

/* ---- slots ---- */

/* Copies a blank-padded PKCS#11 string into out (cap > n), trimmed. */
static void
padded_string(const unsigned char *s, size_t n, char *out)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Does the PC/SC name reader give the slot description desc (cut, trimmed)? */
static int
reader_matches(const char *reader, const char *desc)
{
	size_t n = strlen(reader);

	if (n > 64)
		n = 64;
	while (n > 0 && reader[n - 1] == ' ')
		n--;
	return strlen(desc) == n && memcmp(reader, desc, n) == 0;
}

static int
map_ckr(CK_RV rv)
{
	switch (rv) {
	case CKR_OK:
		return 0;
	case CKR_HOST_MEMORY:
		return IPPYO_ERR_ALLOC;
	case CKR_DEVICE_REMOVED:
	case CKR_TOKEN_NOT_PRESENT:
	case CKR_SESSION_HANDLE_INVALID:
	case CKR_SESSION_CLOSED:
	case CKR_SLOT_ID_INVALID:
	case CKR_TOKEN_NOT_RECOGNIZED:
		return IPPYO_ERR_CARD_REMOVED;
	case CKR_PIN_LOCKED:
		return IPPYO_ERR_PIN_LOCKED;
	case CKR_PIN_LEN_RANGE:
		return IPPYO_ERR_PIN_FORMAT;
	default:
		return IPPYO_ERR_PKCS11;
	}
}

/* Is the session's card still in its reader? */
static int
token_present(ippyo_jpki_session *s)
{
	CK_SLOT_INFO si;

	memset(&si, 0, sizeof(si));
	if (s->j->fl->C_GetSlotInfo(s->slot, &si) != CKR_OK)
		return 0;
	return (si.flags & CKF_TOKEN_PRESENT) != 0;
}

/* The error for a failed call on a session: a card that left says so. */
static int
op_error(ippyo_jpki_session *s, CK_RV rv)
{
	int r = map_ckr(rv);

	if (r == IPPYO_ERR_PIN_LOCKED || r == IPPYO_ERR_PIN_FORMAT ||
	    r == IPPYO_ERR_ALLOC)
		return r;
	if (!token_present(s))
		return IPPYO_ERR_CARD_REMOVED;
	return r;
}

static int
slot_list(CK_FUNCTION_LIST_PTR fl, CK_SLOT_ID *slots, CK_ULONG *n)
{
	CK_ULONG count = 0;
	CK_RV rv;
	int attempt;

	for (attempt = 0; attempt < 3; attempt++) {
		/* The size query makes OpenSC look for readers and cards. */
		if ((rv = fl->C_GetSlotList(CK_FALSE, NULL, &count)) != CKR_OK)
			return map_ckr(rv) == IPPYO_ERR_ALLOC ? IPPYO_ERR_ALLOC : IPPYO_ERR_PKCS11;
		if (count > MAX_SLOTS)
			return IPPYO_ERR_LIMIT;
		*n = count;
		rv = fl->C_GetSlotList(CK_FALSE, slots, n);
		if (rv == CKR_OK)
			return 0;
		if (rv != CKR_BUFFER_TOO_SMALL)
			return IPPYO_ERR_PKCS11;
	}
	return IPPYO_ERR_PKCS11;
}

static int
find_slot(ippyo_jpki *j, const char *reader, const char *label, CK_SLOT_ID *out,
    char desc_out[65])
{
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_ULONG n = 0, i;
	char desc[65], tlabel[33];
	int r, any_slot = 0, any_token = 0, found = 0;

	if ((r = slot_list(j->fl, slots, &n)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		memset(&si, 0, sizeof(si));
		if (j->fl->C_GetSlotInfo(slots[i], &si) != CKR_OK)
			continue;
		padded_string(si.slotDescription, sizeof(si.slotDescription), desc);
		if (reader != NULL ? !reader_matches(reader, desc) :
		    strcmp(desc, HOTPLUG_SLOT) == 0)
			continue;
		any_slot = 1;
		if (!(si.flags & CKF_TOKEN_PRESENT))
			continue;
		any_token = 1;
		memset(&ti, 0, sizeof(ti));
		if (j->fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;   /* a card OpenSC does not know */
		padded_string(ti.label, sizeof(ti.label), tlabel);
		if (strcmp(tlabel, label) != 0)
			continue;
		if (found) {
			if (strcmp(desc, desc_out) != 0)
				return IPPYO_ERR_CARD_AMBIGUOUS;
			continue;
		}
		found = 1;
		*out = slots[i];
		memcpy(desc_out, desc, sizeof(desc));
	}
	if (found)
		return 0;
	if (any_token)
		return IPPYO_ERR_NOT_MYNUMBER;
	if (any_slot)
		return IPPYO_ERR_NO_CARD;
	return IPPYO_ERR_NO_READER;
}

void
ippyo_jpki_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

int
ippyo_jpki_list_cards(ippyo_jpki *j, char ***readers)
{
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_ULONG n = 0, i;
	char desc[65], tlabel[33], **v = NULL;
	size_t k = 0;
	int r;

	if (j == NULL || readers == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*readers = NULL;
	if ((r = slot_list(j->fl, slots, &n)) != 0)
		return r;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return IPPYO_ERR_ALLOC;
	for (i = 0; i < n; i++) {
		memset(&si, 0, sizeof(si));
		memset(&ti, 0, sizeof(ti));
		if (j->fl->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
		    !(si.flags & CKF_TOKEN_PRESENT) ||
		    j->fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		padded_string(ti.label, sizeof(ti.label), tlabel);
		if (strcmp(tlabel, IPPYO_JPKI_AUTH_LABEL) != 0)
			continue;
		padded_string(si.slotDescription, sizeof(si.slotDescription), desc);
		if ((v[k] = strdup(desc)) == NULL) {
			ippyo_jpki_strv_free(v);
			return IPPYO_ERR_ALLOC;
		}
		k++;
	}
	*readers = v;
	return 0;
}

/* ---- sessions ---- */

int
ippyo_jpki_session_open(ippyo_jpki *j, const char *reader, enum ippyo_jpki_token which,
    ippyo_jpki_session **out)
{
	ippyo_jpki_session *s = NULL;
	CK_RV rv;
	int r;

	if (j == NULL || out == NULL ||
	    (which != IPPYO_JPKI_AUTH && which != IPPYO_JPKI_SIGN))
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return IPPYO_ERR_ALLOC;
	s->j = j;
	s->which = which;
	s->h = CK_INVALID_HANDLE;
	r = find_slot(j, reader, which == IPPYO_JPKI_AUTH ? IPPYO_JPKI_AUTH_LABEL :
	    IPPYO_JPKI_SIGN_LABEL, &s->slot, s->reader);
	if (r != 0)
		goto out;
	rv = j->fl->C_OpenSession(s->slot, CKF_SERIAL_SESSION, NULL, NULL, &s->h);
	if (rv != CKR_OK) {
		s->h = CK_INVALID_HANDLE;
		r = op_error(s, rv);
		goto out;
	}
	*out = s;
	s = NULL;
	r = 0;
 out:
	free(s);
	return r;
}

const char *
ippyo_jpki_session_reader(const ippyo_jpki_session *s)
{
	return s->reader;
}

int
ippyo_jpki_session_close(ippyo_jpki_session *s)
{
	int r = 0;

	if (s == NULL)
		return 0;
	if (s->h != CK_INVALID_HANDLE) {
		if (s->logged_in)
			(void)s->j->fl->C_Logout(s->h);
		(void)s->j->fl->C_CloseSession(s->h);
	}
	/*
	 * OpenSC 0.23 sends nothing on C_Logout and leaves the card as it is:
	 * a warm reset through PC/SC is what makes the card forget the PIN.
	 */
	if (s->verified) {
		if (s->j->pcsc == NULL)
			r = ippyo_pcsc_open(&s->j->pcsc);
		if (r == 0)
			r = ippyo_pcsc_reset_card(s->j->pcsc, s->reader);
		if (r == IPPYO_ERR_NO_CARD || r == IPPYO_ERR_CARD_REMOVED)
			r = 0;   /* the card has gone: its PIN state went with it */
	}
	free(s);
	return r;
}

int
ippyo_jpki_pin_status(ippyo_jpki_session *s, ippyo_pin_status *st)
{
	CK_TOKEN_INFO ti;
	CK_RV rv;
	int max;

	if (s == NULL || st == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	memset(st, 0, sizeof(*st));
	max = s->which == IPPYO_JPKI_AUTH ? IPPYO_JPKI_AUTH_PIN_TRIES :
	    IPPYO_JPKI_SIGN_PIN_TRIES;
	st->max_tries = max;
	st->tries_left = -1;
	memset(&ti, 0, sizeof(ti));
	/* OpenSC asks the card (VERIFY without data) for the tries left. */
	if ((rv = s->j->fl->C_GetTokenInfo(s->slot, &ti)) != CKR_OK)
		return op_error(s, rv);
	st->final_try = (ti.flags & CKF_USER_PIN_FINAL_TRY) != 0;
	st->locked = (ti.flags & CKF_USER_PIN_LOCKED) != 0;
	/* OpenSC sets one flag of the three; "fewer than max" covers them all. */
	st->count_low = (ti.flags & CKF_USER_PIN_COUNT_LOW) != 0 || st->final_try ||
	    st->locked;
	if (st->locked)
		st->tries_left = 0;
	else if (st->final_try)
		st->tries_left = 1;
	else if (st->count_low)
		/* Fewer than max but more than one: exact only when max is 3. */
		st->tries_left = max == 3 ? 2 : -1;
	else
		st->tries_left = max;
	return 0;
}

int
ippyo_jpki_pin_normalize(enum ippyo_jpki_token which, const char *pin, char *out,
    size_t cap)
{
	size_t n, i;
	char c;

	if (out == NULL || cap < PIN_CAP)
		return IPPYO_ERR_INVALID_ARGUMENT;
	memset(out, 0, cap);
	if (pin == NULL)
		return IPPYO_ERR_PIN_FORMAT;
	n = strnlen(pin, PIN_CAP);
	if (which == IPPYO_JPKI_AUTH) {
		if (n != 4)
			return IPPYO_ERR_PIN_FORMAT;
		for (i = 0; i < n; i++) {
			if (pin[i] < '0' || pin[i] > '9') {
				OPENSSL_cleanse(out, cap);
				return IPPYO_ERR_PIN_FORMAT;
			}
			out[i] = pin[i];
		}
		return 0;
	}
	if (which != IPPYO_JPKI_SIGN)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (n < 6 || n > 16)
		return IPPYO_ERR_PIN_FORMAT;
	for (i = 0; i < n; i++) {
		c = pin[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			OPENSSL_cleanse(out, cap);
			return IPPYO_ERR_PIN_FORMAT;
		}
		out[i] = c;
	}
	return 0;
}

/* One C_Login; the PIN copy is wiped right after it. */
static int
login_once(ippyo_jpki_session *s, CK_USER_TYPE user, const char *pin)
{
	ippyo_pin_status st;
	char buf[PIN_CAP];
	CK_RV rv;
	int r;

	if ((r = ippyo_jpki_pin_normalize(s->which, pin, buf, sizeof(buf))) != 0)
		goto out;
	/* Never send VERIFY to a locked PIN. */
	if ((r = ippyo_jpki_pin_status(s, &st)) != 0)
		goto out;
	if (st.locked) {
		r = IPPYO_ERR_PIN_LOCKED;
		goto out;
	}
	rv = s->j->fl->C_Login(s->h, user, (CK_UTF8CHAR_PTR)buf, (CK_ULONG)strlen(buf));
	OPENSSL_cleanse(buf, sizeof(buf));
	switch (rv) {
	case CKR_OK:
		s->verified = 1;
		r = 0;
		break;
	case CKR_PIN_INCORRECT:
		if ((r = ippyo_jpki_pin_status(s, &st)) != 0)
			break;
		if (st.locked)
			r = IPPYO_ERR_PIN_LOCKED;
		else if (st.final_try)
			r = IPPYO_ERR_PIN_LAST_TRY;
		else
			r = IPPYO_ERR_PIN_WRONG;
		break;
	default:
		r = op_error(s, rv);
		break;
	}
 out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

int
ippyo_jpki_login(ippyo_jpki_session *s, const char *pin)
{
	int r;

	if (s == NULL || s->h == CK_INVALID_HANDLE)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (s->logged_in)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = login_once(s, CKU_USER, pin)) == 0)
		s->logged_in = 1;
	return r;
}

/* The first object of class cls with CKA_ID id (and label, if given). */
static int
find_object(ippyo_jpki_session *s, CK_OBJECT_CLASS cls, CK_BYTE id, const char *label,
    CK_OBJECT_HANDLE *obj)
{
	CK_ATTRIBUTE tmpl[3];
	CK_ULONG nt = 2, found = 0;
	CK_RV rv;

	*obj = CK_INVALID_HANDLE;
	tmpl[0].type = CKA_CLASS;
	tmpl[0].pValue = &cls;
	tmpl[0].ulValueLen = sizeof(cls);
	tmpl[1].type = CKA_ID;
	tmpl[1].pValue = &id;
	tmpl[1].ulValueLen = 1;
	if (label != NULL) {
		tmpl[2].type = CKA_LABEL;
		tmpl[2].pValue = (void *)label;
		tmpl[2].ulValueLen = strlen(label);
		nt = 3;
	}
	if ((rv = s->j->fl->C_FindObjectsInit(s->h, tmpl, nt)) != CKR_OK)
		return op_error(s, rv);
	rv = s->j->fl->C_FindObjects(s->h, obj, 1, &found);
	(void)s->j->fl->C_FindObjectsFinal(s->h);
	if (rv != CKR_OK) {
		*obj = CK_INVALID_HANDLE;
		return op_error(s, rv);
	}
	if (found != 1) {
		*obj = CK_INVALID_HANDLE;
		return token_present(s) ? IPPYO_ERR_NOT_FOUND : IPPYO_ERR_CARD_REMOVED;
	}
	return 0;
}

int
ippyo_jpki_read_cert(ippyo_jpki_session *s, ippyo_cert **out)
{
	CK_OBJECT_HANDLE obj;
	CK_ATTRIBUTE a;
	uint8_t *der = NULL;
	CK_RV rv;
	int r;

	if (s == NULL || out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (s->which == IPPYO_JPKI_AUTH)
		r = find_object(s, CKO_CERTIFICATE, 0x01, "User Authentication Certificate", &obj);
	else
		r = find_object(s, CKO_CERTIFICATE, 0x02, "Digital Signature Certificate", &obj);
	if (r != 0)
		return r;
	a.type = CKA_VALUE;
	a.pValue = NULL;
	a.ulValueLen = 0;
	if ((rv = s->j->fl->C_GetAttributeValue(s->h, obj, &a, 1)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	if (a.ulValueLen == 0 || a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
		r = IPPYO_ERR_CERT_FORMAT;
		goto out;
	}
	if (a.ulValueLen > IPPYO_CERT_MAX_DER) {
		r = IPPYO_ERR_LIMIT;
		goto out;
	}
	if ((der = malloc(a.ulValueLen)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	a.pValue = der;
	if ((rv = s->j->fl->C_GetAttributeValue(s->h, obj, &a, 1)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	r = ippyo_cert_parse_der(der, a.ulValueLen, out);
 out:
	free(der);
	return r;
}

static int
has_mechanism(ippyo_jpki_session *s, CK_MECHANISM_TYPE want, int *yes)
{
	CK_MECHANISM_TYPE *list = NULL;
	CK_ULONG n = 0, i;
	CK_RV rv;
	int r;

	*yes = 0;
	if ((rv = s->j->fl->C_GetMechanismList(s->slot, NULL, &n)) != CKR_OK)
		return op_error(s, rv);
	if (n == 0)
		return 0;
	if (n > 1024)
		return IPPYO_ERR_LIMIT;
	if ((list = calloc(n, sizeof(*list))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((rv = s->j->fl->C_GetMechanismList(s->slot, list, &n)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (list[i] == want)
			*yes = 1;
	r = 0;
 out:
	free(list);
	return r;
}

int
ippyo_jpki_sign(ippyo_jpki_session *s, const char *context_pin, const uint8_t *data,
    size_t len, uint8_t **sig, size_t *sig_len)
{
	CK_OBJECT_HANDLE key;
	CK_MECHANISM mech;
	CK_ATTRIBUTE a;
	CK_BBOOL always = CK_FALSE;
	CK_ULONG slen = 0;
	uint8_t di[sizeof(sha256_digestinfo) + 32];
	uint8_t *out = NULL;
	const uint8_t *in;
	size_t in_len;
	unsigned int dlen = 0;
	CK_RV rv;
	int r, direct = 0;

	if (sig == NULL || sig_len == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*sig = NULL;
	*sig_len = 0;
	if (s == NULL || (data == NULL && len != 0) || !s->logged_in)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = find_object(s, CKO_PRIVATE_KEY, s->which == IPPYO_JPKI_AUTH ? 0x01 : 0x02,
	    NULL, &key)) != 0)
		return r;
	a.type = CKA_ALWAYS_AUTHENTICATE;
	a.pValue = &always;
	a.ulValueLen = sizeof(always);
	if (s->j->fl->C_GetAttributeValue(s->h, key, &a, 1) != CKR_OK)
		always = CK_FALSE;
	if (always == CK_TRUE && context_pin == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = has_mechanism(s, CKM_SHA256_RSA_PKCS, &direct)) != 0)
		return r;
	memset(&mech, 0, sizeof(mech));
	if (direct) {
		mech.mechanism = CKM_SHA256_RSA_PKCS;
		in = data == NULL ? (const uint8_t *)"" : data;
		in_len = len;
	} else {
		/* The card pads; it is given the DigestInfo of SHA-256(data). */
		mech.mechanism = CKM_RSA_PKCS;
		memcpy(di, sha256_digestinfo, sizeof(sha256_digestinfo));
		if (EVP_Digest(data == NULL ? (const uint8_t *)"" : data, len,
		    di + sizeof(sha256_digestinfo), &dlen, EVP_sha256(), NULL) != 1 ||
		    dlen != 32)
			return IPPYO_ERR_INTERNAL;
		in = di;
		in_len = sizeof(di);
	}
	if ((rv = s->j->fl->C_SignInit(s->h, &mech, key)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	if (always == CK_TRUE && (r = login_once(s, CKU_CONTEXT_SPECIFIC, context_pin)) != 0)
		goto out;
	if ((rv = s->j->fl->C_Sign(s->h, (CK_BYTE_PTR)in, (CK_ULONG)in_len, NULL,
	    &slen)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	if (slen == 0 || slen > IPPYO_JPKI_MAX_SIG) {
		r = IPPYO_ERR_PKCS11;
		goto out;
	}
	if ((out = malloc(slen)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((rv = s->j->fl->C_Sign(s->h, (CK_BYTE_PTR)in, (CK_ULONG)in_len, out,
	    &slen)) != CKR_OK) {
		r = op_error(s, rv);
		goto out;
	}
	*sig = out;
	*sig_len = slen;
	out = NULL;
	r = 0;
 out:
	free(out);
	return r;
}

int
ippyo_jpki_auth_sign(ippyo_jpki *j, const char *reader, const char *pin,
    const uint8_t *data, size_t len, uint8_t **sig, size_t *sig_len, ippyo_cert **cert)
{
	ippyo_jpki_session *s = NULL;
	ippyo_cert *c = NULL;
	uint8_t *sg = NULL;
	size_t sl = 0;
	int r, rc;

	if (sig == NULL || sig_len == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*sig = NULL;
	*sig_len = 0;
	if (cert != NULL)
		*cert = NULL;
	if ((r = ippyo_jpki_session_open(j, reader, IPPYO_JPKI_AUTH, &s)) != 0)
		goto out;
	if ((r = ippyo_jpki_read_cert(s, &c)) != 0)
		goto out;
	if ((r = ippyo_jpki_login(s, pin)) != 0)
		goto out;
	if ((r = ippyo_jpki_sign(s, NULL, data, len, &sg, &sl)) != 0)
		goto out;
	/* A signature the certificate does not verify is not the card's. */
	if ((r = ippyo_cert_verify_sha256_rsa(c, data, len, sg, sl)) != 0)
		goto out;
 out:
	rc = ippyo_jpki_session_close(s);
	if (r == 0 && rc != 0)
		r = rc;   /* the card may still hold the verified PIN */
	if (r == 0) {
		*sig = sg;
		*sig_len = sl;
		sg = NULL;
		if (cert != NULL) {
			*cert = c;
			c = NULL;
		}
	}
	free(sg);
	ippyo_cert_free(c);
	return r;
}
