/* Tests of the transcript hash encoding. */
#include <glib.h>
#include <string.h>

#include "crypto/hash.h"
#include "encoding.h"
#include "error.h"

static void
test_encoding(void)
{
	ippyo_transcript *t = ippyo_transcript_new("ippyo/test");
	size_t len;
	const uint8_t *b;

	g_assert_nonnull(t);
	g_assert_cmpint(ippyo_transcript_put(t, "ab", 2), ==, 0);
	g_assert_cmpint(ippyo_transcript_put_u32(t, 7), ==, 0);
	g_assert_cmpint(ippyo_transcript_put(t, "", 0), ==, 0);
	b = ippyo_transcript_bytes(t, &len);
	g_assert_cmpmem(b, len,
	    "\0\0\0\x0aippyo/test" "\0\0\0\x02" "ab" "\0\0\0\x04\0\0\0\x07" "\0\0\0\0", 32);
	ippyo_transcript_free(t);
}

static void
test_unambiguous(void)
{
	/* ("ab", "c") and ("a", "bc") must hash differently. */
	ippyo_transcript *t1 = ippyo_transcript_new("x"), *t2 = ippyo_transcript_new("x");
	uint8_t d1[32], d2[32];

	g_assert_cmpint(ippyo_transcript_put(t1, "ab", 2), ==, 0);
	g_assert_cmpint(ippyo_transcript_put(t1, "c", 1), ==, 0);
	g_assert_cmpint(ippyo_transcript_put(t2, "a", 1), ==, 0);
	g_assert_cmpint(ippyo_transcript_put(t2, "bc", 2), ==, 0);
	g_assert_cmpint(ippyo_transcript_digest(t1, d1), ==, 0);
	g_assert_cmpint(ippyo_transcript_digest(t2, d2), ==, 0);
	g_assert_cmpint(memcmp(d1, d2, 32), !=, 0);
	ippyo_transcript_free(t1);
	ippyo_transcript_free(t2);
}

static void
test_known_answer(void)
{
	/* SHA-256 of u32be(3) "abc": computed independently with
	 * printf '\0\0\0\003abc' | sha256sum */
	ippyo_transcript *t = ippyo_transcript_new("abc");
	uint8_t d[32], want[32];

	g_assert_cmpint(ippyo_transcript_digest(t, d), ==, 0);
	g_assert_cmpint(ippyo_hex_decode_exact(
	    "d04b72a650ce0f8ce4963330a53ee2832733d2baeffff3c1d8e256cca096d120", want, 32), ==, 0);
	g_assert_cmpmem(d, 32, want, 32);
	ippyo_transcript_free(t);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/hash/encoding", test_encoding);
	g_test_add_func("/ippyo/hash/unambiguous", test_unambiguous);
	g_test_add_func("/ippyo/hash/known-answer", test_known_answer);
	return g_test_run();
}
