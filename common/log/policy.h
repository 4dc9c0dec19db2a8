/* ippyo — C2SP tlog-policy: trusted logs, witnesses and the quorum. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log/checkpoint.h"
#include "log/note.h"

/*
 * The text format of c2sp.org/tlog-policy:
 *   log <vkey> [<url>]
 *   witness <name> <vkey> [<url>]
 *   group <name> all|any|<k> <name>...
 *   quorum <name>|none
 * Log vkeys are type 0x01, witness vkeys type 0x04. Names are defined
 * before use, a member at most once per group, exactly one quorum line.
 * Parse errors are IPPYO_ERR_POLICY_FORMAT (IPPYO_ERR_BAD_KEY for a key).
 */
#define IPPYO_POLICY_MAX_BYTES (64u * 1024)
#define IPPYO_POLICY_MAX_LOGS 32
#define IPPYO_POLICY_MAX_WITNESSES 64
#define IPPYO_POLICY_MAX_GROUPS 32

typedef struct ippyo_policy ippyo_policy;

int ippyo_policy_parse(const uint8_t *text, size_t len, ippyo_policy **out) IPPYO_WUR;
void ippyo_policy_free(ippyo_policy *p);
size_t ippyo_policy_log_count(const ippyo_policy *p);
const ippyo_note_verifier *ippyo_policy_log(const ippyo_policy *p, size_t i);
size_t ippyo_policy_witness_count(const ippyo_policy *p);
const ippyo_note_verifier *ippyo_policy_witness(const ippyo_policy *p, size_t i);
/* 1 when the quorum is "none". */
int ippyo_policy_quorum_none(const ippyo_policy *p);

/* Does a set of witnesses (cosigned[i] for witness i) satisfy the quorum?
 * 0 or IPPYO_ERR_QUORUM. */
int ippyo_policy_quorum_met(const ippyo_policy *p, const int *cosigned) IPPYO_WUR;
/* Verifies the witnesses' cosignatures on a parsed checkpoint note (every
 * cosignature of a known witness must verify) and evaluates the quorum. */
int ippyo_policy_check_note(const ippyo_policy *p, const ippyo_note *n) IPPYO_WUR;
/* A whole check: the note is signed by one of the policy's logs (whose
 * name is the checkpoint's origin) and the quorum is met. */
int ippyo_policy_verify_checkpoint(const ippyo_policy *p, const uint8_t *note, size_t len,
    ippyo_checkpoint **cp_out) IPPYO_WUR;
