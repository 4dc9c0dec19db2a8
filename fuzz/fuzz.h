/*
 * ippyo — shared helpers of the libFuzzer harnesses (docs/fuzzing.md).
 *
 * Each fuzz-<what>.c defines LLVMFuzzerTestOneInput (and, if it needs a
 * fixed context, LLVMFuzzerInitialize). With -Dfuzzing=true they link with
 * libFuzzer; otherwise with replay.c, which runs them over their seed corpus
 * and tests/malformed/<what>/ in the normal test suite.
 *
 * A harness never aborts on its input: an abort is a finding. FUZZ_CHECK is
 * for invariants (round trips): it aborts with the location on failure.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* The same bytes, as a round trip must give back. */
static inline int
fuzz_same(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* A NUL-terminated copy (for parsers of C strings); abort on OOM. */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
