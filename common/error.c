/* ippyo — messages for the error codes of error.h. */
#include "error.h"

const char *
ippyo_strerror(int err)
{
	switch (err) {
	case IPPYO_OK:
		return "success";
	case IPPYO_ERR_INTERNAL:
		return "a bug or an OpenSSL failure";
	case IPPYO_ERR_ALLOC:
		return "out of memory";
	case IPPYO_ERR_INVALID_ARGUMENT:
		return "the caller broke the contract";
	case IPPYO_ERR_LIMIT:
		return "a hard size limit was exceeded";
	case IPPYO_ERR_TRUNCATED:
		return "input ends too early";
	case IPPYO_ERR_TRAILING:
		return "bytes after the end of the input";
	case IPPYO_ERR_RANDOM:
		return "the CSPRNG failed";
	case IPPYO_ERR_IO:
		return "reading or writing a file failed";
	case IPPYO_ERR_NOT_FOUND:
		return "the requested item does not exist";
	case IPPYO_ERR_BAD_ENCODING:
		return "text form (base64url, hex) is malformed";
	case IPPYO_ERR_JSON:
		return "not strict JSON (syntax, duplicate key)";
	case IPPYO_ERR_JSON_SCHEMA:
		return "JSON of the wrong shape, unknown key, missing key";
	case IPPYO_ERR_BAD_VERSION:
		return "an unsupported format version";
	case IPPYO_ERR_NOT_CANONICAL:
		return "a valid but non-canonical form";
	case IPPYO_ERR_OVERFLOW:
		return "an integer would overflow";
	case IPPYO_ERR_POINT_LENGTH:
		return "a point is not 33 bytes";
	case IPPYO_ERR_POINT_FORMAT:
		return "first byte is not 0x02 or 0x03";
	case IPPYO_ERR_POINT_NOT_ON_CURVE:
		return "point is not on the curve";
	case IPPYO_ERR_POINT_INFINITY:
		return "the point at infinity where it is not allowed";
	case IPPYO_ERR_SCALAR_LENGTH:
		return "a scalar is not 32 bytes";
	case IPPYO_ERR_SCALAR_UNREDUCED:
		return "a scalar is not below the group order";
	case IPPYO_ERR_SCALAR_ZERO:
		return "zero where a non-zero scalar is needed";
	case IPPYO_ERR_BAD_PROOF:
		return "a zero-knowledge proof does not verify";
	case IPPYO_ERR_BAD_SELECTION:
		return "an option value is not 0 or 1";
	case IPPYO_ERR_BAD_CONTEST_SUM:
		return "selections outside the contest's [min, max]";
	case IPPYO_ERR_BALLOT_SHAPE:
		return "contests or options do not match the manifest";
	case IPPYO_ERR_WRONG_ELECTION:
		return "built for another election";
	case IPPYO_ERR_WRONG_VOTER:
		return "proofs bound to another voter";
	case IPPYO_ERR_BAD_MANIFEST:
		return "a manifest that breaks a rule of the format";
	case IPPYO_ERR_BATCH_FAILED:
		return "some item of a batch did not verify";
	case IPPYO_ERR_BAD_TRACKING_CODE:
		return "a tracking code does not match the ballot";
	case IPPYO_ERR_OVERVOTE:
		return "more selections than the contest's max";
	case IPPYO_ERR_UNDERVOTE:
		return "fewer selections than the contest's min";
	case IPPYO_ERR_BAD_OPTION:
		return "a contest or option index outside the manifest";
	case IPPYO_ERR_BAD_ROLL:
		return "a voter roll file that breaks its format";
	case IPPYO_ERR_BAD_THRESHOLD:
		return "t, n or a trustee index out of range";
	case IPPYO_ERR_BAD_SHARE:
		return "a share does not match the sender's commitments";
	case IPPYO_ERR_SHARE_DECRYPT:
		return "an encrypted share fails authentication";
	case IPPYO_ERR_BAD_COMMITMENT:
		return "a commitment's proof of knowledge fails";
	case IPPYO_ERR_NOT_ENOUGH_SHARES:
		return "fewer than t partial decryptions";
	case IPPYO_ERR_DUPLICATE_TRUSTEE:
		return "the same trustee appears twice";
	case IPPYO_ERR_DLOG_OUT_OF_RANGE:
		return "a total above the search bound";
	case IPPYO_ERR_BAD_DECRYPTION:
		return "a partial decryption's proof fails";
	case IPPYO_ERR_CEREMONY_MISMATCH:
		return "a ceremony file for another t, n, sender or recipient";
	case IPPYO_ERR_BAD_INCLUSION:
		return "an inclusion proof does not verify";
	case IPPYO_ERR_BAD_CONSISTENCY:
		return "a consistency proof does not verify";
	case IPPYO_ERR_PROOF_LENGTH:
		return "a Merkle proof of the wrong length";
	case IPPYO_ERR_INDEX_RANGE:
		return "index or size out of range";
	case IPPYO_ERR_NOTE_FORMAT:
		return "a malformed signed note";
	case IPPYO_ERR_NOTE_SIGNATURE:
		return "a note signature does not verify";
	case IPPYO_ERR_NOTE_UNKNOWN_KEY:
		return "no signature by the expected key";
	case IPPYO_ERR_CHECKPOINT_FORMAT:
		return "a malformed checkpoint";
	case IPPYO_ERR_WRONG_ORIGIN:
		return "a checkpoint of another log (wrong origin)";
	case IPPYO_ERR_BAD_KEY:
		return "a malformed key or verifier-key string";
	case IPPYO_ERR_TILE_FORMAT:
		return "a malformed tile";
	case IPPYO_ERR_BUNDLE_FORMAT:
		return "a malformed entry bundle";
	case IPPYO_ERR_QUORUM:
		return "the witness policy is not satisfied";
	case IPPYO_ERR_COSIGNATURE:
		return "a witness cosignature does not verify";
	case IPPYO_ERR_ROOT_MISMATCH:
		return "a recomputed root differs from the signed one";
	case IPPYO_ERR_RECEIPT_FORMAT:
		return "a malformed receipt";
	case IPPYO_ERR_FORK:
		return "two signed checkpoints that are not consistent";
	case IPPYO_ERR_POLICY_FORMAT:
		return "malformed witness policy";
	case IPPYO_ERR_PCSC_UNAVAILABLE:
		return "no PC/SC service (pcscd)";
	case IPPYO_ERR_NO_READER:
		return "no card reader";
	case IPPYO_ERR_NO_CARD:
		return "no card in the reader";
	case IPPYO_ERR_NOT_MYNUMBER:
		return "a card without the JPKI application";
	case IPPYO_ERR_PIN_WRONG:
		return "wrong PIN, tries remain";
	case IPPYO_ERR_PIN_LAST_TRY:
		return "wrong PIN, one try remains";
	case IPPYO_ERR_PIN_LOCKED:
		return "the PIN is locked";
	case IPPYO_ERR_PIN_FORMAT:
		return "not 4 digits (or not a valid password)";
	case IPPYO_ERR_CARD_REMOVED:
		return "the card left during the operation";
	case IPPYO_ERR_CERT_EXPIRED:
		return "the certificate has expired";
	case IPPYO_ERR_CERT_NOT_YET_VALID:
		return "the certificate is not yet valid";
	case IPPYO_ERR_PKCS11:
		return "the PKCS#11 module failed";
	case IPPYO_ERR_PKCS11_MODULE:
		return "the PKCS#11 module cannot be loaded";
	case IPPYO_ERR_CANCELLED:
		return "the operation was cancelled";
	case IPPYO_ERR_CERT_FORMAT:
		return "not a parsable X.509 certificate";
	case IPPYO_ERR_CERT_UNTRUSTED:
		return "does not chain to the JPKI CA";
	case IPPYO_ERR_CERT_REVOKED:
		return "the certificate is revoked";
	case IPPYO_ERR_CARD_SIGNATURE:
		return "a card signature does not verify";
	case IPPYO_ERR_NOT_ON_ROLL:
		return "the certificate is not on the voter roll";
	case IPPYO_ERR_CRL_INVALID:
		return "the CRL is stale, not yet valid, badly signed or missing";
	case IPPYO_ERR_CARD_AMBIGUOUS:
		return "several My Number cards are present: choose a reader";
	case IPPYO_ERR_ENTRY_FORMAT:
		return "a malformed chain entry";
	case IPPYO_ERR_ENTRY_TYPE:
		return "an unknown or unexpected chain entry type";
	case IPPYO_ERR_POLL_CLOSED:
		return "the poll is closed";
	case IPPYO_ERR_POLL_NOT_OPEN:
		return "the poll is not open yet";
	case IPPYO_ERR_STORE:
		return "the database failed";
	case IPPYO_ERR_STORE_FULL:
		return "the disk is full";
	case IPPYO_ERR_STORE_MISMATCH:
		return "the database belongs to another election";
	case IPPYO_ERR_BAD_OFFICIAL_SIGNATURE:
		return "the officials' signature does not verify";
	case IPPYO_ERR_STORE_BUSY:
		return "the database is locked by another process";
	}
	return "unknown error";
}
