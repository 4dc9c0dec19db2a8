/* ippyo — error codes of libippyo: one flat list, as OpenSSH's ssherr.h. */
#pragma once

/*
 * Every function of common/ that can fail returns int: 0 on success or one
 * of the negative codes below. Distinct failures of untrusted input have
 * distinct codes, so that callers and tests can tell them apart.
 * Codes are grouped by concern; a new code goes at the end of its group.
 */
enum {
	IPPYO_OK = 0,

	/* general (-1 .. -29) */
	IPPYO_ERR_INTERNAL = -1,          /* a bug or an OpenSSL failure */
	IPPYO_ERR_ALLOC = -2,             /* out of memory */
	IPPYO_ERR_INVALID_ARGUMENT = -3,  /* the caller broke the contract */
	IPPYO_ERR_LIMIT = -4,             /* a hard size limit was exceeded */
	IPPYO_ERR_TRUNCATED = -5,         /* input ends too early */
	IPPYO_ERR_TRAILING = -6,          /* bytes after the end of the input */
	IPPYO_ERR_RANDOM = -7,            /* the CSPRNG failed */
	IPPYO_ERR_IO = -8,                /* reading or writing a file failed */
	IPPYO_ERR_NOT_FOUND = -9,         /* the requested item does not exist */
	IPPYO_ERR_BAD_ENCODING = -10,     /* text form (base64url, hex) is malformed */
	IPPYO_ERR_JSON = -11,             /* not strict JSON (syntax, duplicate key) */
	IPPYO_ERR_JSON_SCHEMA = -12,      /* JSON of the wrong shape, unknown key, missing key */
	IPPYO_ERR_BAD_VERSION = -13,      /* an unsupported format version */
	IPPYO_ERR_NOT_CANONICAL = -14,    /* a valid but non-canonical form */
	IPPYO_ERR_OVERFLOW = -15,         /* an integer would overflow */

	/* group and encodings (-30 .. -49) */
	IPPYO_ERR_POINT_LENGTH = -30,     /* a point is not 33 bytes */
	IPPYO_ERR_POINT_FORMAT = -31,     /* first byte is not 0x02 or 0x03 */
	IPPYO_ERR_POINT_NOT_ON_CURVE = -32,
	IPPYO_ERR_POINT_INFINITY = -33,   /* the point at infinity where it is not allowed */
	IPPYO_ERR_SCALAR_LENGTH = -34,    /* a scalar is not 32 bytes */
	IPPYO_ERR_SCALAR_UNREDUCED = -35, /* a scalar is not below the group order */
	IPPYO_ERR_SCALAR_ZERO = -36,      /* zero where a non-zero scalar is needed */

	/* proofs, ballots, manifests (-50 .. -89) */
	IPPYO_ERR_BAD_PROOF = -50,        /* a zero-knowledge proof does not verify */
	IPPYO_ERR_BAD_SELECTION = -51,    /* an option value outside {0, 1} */
	IPPYO_ERR_BAD_CONTEST_SUM = -52,  /* selections outside the contest's [min, max] */
	IPPYO_ERR_BALLOT_SHAPE = -53,     /* contests or options do not match the manifest */
	IPPYO_ERR_WRONG_ELECTION = -54,   /* built for another election */
	IPPYO_ERR_WRONG_VOTER = -55,      /* proofs bound to another voter */
	IPPYO_ERR_BAD_MANIFEST = -56,     /* a manifest that breaks a rule of the format */
	IPPYO_ERR_BATCH_FAILED = -57,     /* some item of a batch did not verify */
	IPPYO_ERR_BAD_TRACKING_CODE = -58,
	IPPYO_ERR_OVERVOTE = -59,         /* more selections than the contest's max */
	IPPYO_ERR_UNDERVOTE = -60,        /* fewer selections than the contest's min */
	IPPYO_ERR_BAD_OPTION = -61,       /* a contest or option index outside the manifest */
	IPPYO_ERR_BAD_ROLL = -62,         /* a voter roll file that breaks its format */

	/* key ceremony and decryption (-90 .. -119) */
	IPPYO_ERR_BAD_THRESHOLD = -90,    /* t, n or a trustee index out of range */
	IPPYO_ERR_BAD_SHARE = -91,        /* a share does not match the sender's commitments */
	IPPYO_ERR_SHARE_DECRYPT = -92,    /* an encrypted share fails authentication */
	IPPYO_ERR_BAD_COMMITMENT = -93,   /* a commitment's proof of knowledge fails */
	IPPYO_ERR_NOT_ENOUGH_SHARES = -94,/* fewer than t partial decryptions */
	IPPYO_ERR_DUPLICATE_TRUSTEE = -95,
	IPPYO_ERR_DLOG_OUT_OF_RANGE = -96,/* a total above the search bound */
	IPPYO_ERR_BAD_DECRYPTION = -97,   /* a partial decryption's proof fails */
	IPPYO_ERR_CEREMONY_MISMATCH = -98,/* a ceremony file for another t, n, sender or recipient */

	/* log: Merkle proofs, notes, checkpoints, tiles (-120 .. -159) */
	IPPYO_ERR_BAD_INCLUSION = -120,
	IPPYO_ERR_BAD_CONSISTENCY = -121,
	IPPYO_ERR_PROOF_LENGTH = -122,    /* a Merkle proof of the wrong length */
	IPPYO_ERR_INDEX_RANGE = -123,     /* index or size out of range */
	IPPYO_ERR_NOTE_FORMAT = -124,     /* a malformed signed note */
	IPPYO_ERR_NOTE_SIGNATURE = -125,  /* a note signature does not verify */
	IPPYO_ERR_NOTE_UNKNOWN_KEY = -126,/* no signature by the expected key */
	IPPYO_ERR_CHECKPOINT_FORMAT = -127,
	IPPYO_ERR_WRONG_ORIGIN = -128,
	IPPYO_ERR_BAD_KEY = -129,         /* a malformed key or verifier-key string */
	IPPYO_ERR_TILE_FORMAT = -130,
	IPPYO_ERR_BUNDLE_FORMAT = -131,
	IPPYO_ERR_QUORUM = -132,          /* the witness policy is not satisfied */
	IPPYO_ERR_COSIGNATURE = -133,
	IPPYO_ERR_ROOT_MISMATCH = -134,   /* a recomputed root differs from the signed one */
	IPPYO_ERR_RECEIPT_FORMAT = -135,
	IPPYO_ERR_FORK = -136,            /* two signed checkpoints that are not consistent */
	IPPYO_ERR_POLICY_FORMAT = -137,   /* a malformed tlog-policy text */

	/* card (-160 .. -199) */
	IPPYO_ERR_PCSC_UNAVAILABLE = -160,/* no PC/SC service (pcscd) */
	IPPYO_ERR_NO_READER = -161,
	IPPYO_ERR_NO_CARD = -162,
	IPPYO_ERR_NOT_MYNUMBER = -163,    /* a card without the JPKI application */
	IPPYO_ERR_PIN_WRONG = -164,       /* wrong PIN, tries remain */
	IPPYO_ERR_PIN_LAST_TRY = -165,    /* wrong PIN, one try remains */
	IPPYO_ERR_PIN_LOCKED = -166,
	IPPYO_ERR_PIN_FORMAT = -167,      /* not 4 digits (or not a valid password) */
	IPPYO_ERR_CARD_REMOVED = -168,    /* the card left during the operation */
	IPPYO_ERR_CERT_EXPIRED = -169,
	IPPYO_ERR_CERT_NOT_YET_VALID = -170,
	IPPYO_ERR_PKCS11 = -171,          /* the PKCS#11 module failed */
	IPPYO_ERR_PKCS11_MODULE = -172,   /* the PKCS#11 module cannot be loaded */
	IPPYO_ERR_CANCELLED = -173,
	IPPYO_ERR_CERT_FORMAT = -174,     /* not a parsable X.509 certificate */
	IPPYO_ERR_CERT_UNTRUSTED = -175,  /* does not chain to the JPKI CA */
	IPPYO_ERR_CERT_REVOKED = -176,
	IPPYO_ERR_CARD_SIGNATURE = -177,  /* a card signature does not verify */
	IPPYO_ERR_NOT_ON_ROLL = -178,
	IPPYO_ERR_CRL_INVALID = -179,     /* CRL stale, not yet valid, badly signed or missing */
	IPPYO_ERR_CARD_AMBIGUOUS = -180,  /* several My Number cards: a reader must be chosen */

	/* chain entries and store (-200 .. -239) */
	IPPYO_ERR_ENTRY_FORMAT = -200,
	IPPYO_ERR_ENTRY_TYPE = -201,
	IPPYO_ERR_POLL_CLOSED = -202,
	IPPYO_ERR_POLL_NOT_OPEN = -203,
	IPPYO_ERR_STORE = -204,           /* the database failed */
	IPPYO_ERR_STORE_FULL = -205,      /* the disk is full */
	IPPYO_ERR_STORE_MISMATCH = -206,  /* the database belongs to another election */
	IPPYO_ERR_BAD_OFFICIAL_SIGNATURE = -207,
	IPPYO_ERR_STORE_BUSY = -208,      /* the database is locked by another process */
};

/* A short English sentence for an error code; never NULL. */
const char *ippyo_strerror(int err);
