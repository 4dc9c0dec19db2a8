/* Tests of the bounded byte buffer and reader. */
#include <glib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "error.h"

static void
test_put_limits(void)
{
	ippyo_buf *b = ippyo_buf_new(10);

	g_assert_nonnull(b);
	g_assert_cmpint(ippyo_buf_put(b, "0123456789", 10), ==, 0);
	g_assert_cmpint(ippyo_buf_put_u8(b, 1), ==, IPPYO_ERR_LIMIT);
	g_assert_cmpuint(ippyo_buf_len(b), ==, 10);
	ippyo_buf_reset(b);
	g_assert_cmpuint(ippyo_buf_len(b), ==, 0);
	g_assert_cmpint(ippyo_buf_put_u32(b, 0x01020304), ==, 0);
	g_assert_cmpint(ippyo_buf_put_u64(b, 1), ==, IPPYO_ERR_LIMIT);   /* 4 + 8 > 10 */
	g_assert_cmpuint(ippyo_buf_len(b), ==, 4);                        /* nothing appended */
	g_assert_cmpint(ippyo_buf_put_lp(b, "abc", 3), ==, IPPYO_ERR_LIMIT);
	g_assert_cmpint(ippyo_buf_put_lp(b, "ab", 2), ==, 0);
	g_assert_cmpmem(ippyo_buf_data(b), 10, "\x01\x02\x03\x04\x00\x00\x00\x02" "ab", 10);
	ippyo_buf_free(b);
	ippyo_buf_free(NULL);
}

static void
test_put_grows(void)
{
	ippyo_buf *b = ippyo_buf_new(1 << 20);
	uint8_t *out;
	size_t len;

	for (int i = 0; i < 100000; i++)
		g_assert_cmpint(ippyo_buf_put_u8(b, (uint8_t)i), ==, 0);
	g_assert_cmpuint(ippyo_buf_len(b), ==, 100000);
	for (int i = 0; i < 100000; i += 997)
		g_assert_cmpuint(ippyo_buf_data(b)[i], ==, (uint8_t)i);
	g_assert_cmpint(ippyo_buf_steal(b, &out, &len), ==, 0);
	g_assert_cmpuint(len, ==, 100000);
	g_assert_cmpuint(out[99999], ==, (uint8_t)99999);
	g_assert_cmpuint(ippyo_buf_len(b), ==, 0);
	OPENSSL_clear_free(out, len);
	ippyo_buf_free(b);
}

static void
test_reader(void)
{
	static const uint8_t data[] = { 1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4, 9 };
	ippyo_reader r;
	uint8_t u8, tail[2];
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	ippyo_reader_init(&r, data, sizeof(data));
	g_assert_cmpint(ippyo_reader_get_u8(&r, &u8), ==, 0);
	g_assert_cmpuint(u8, ==, 1);
	g_assert_cmpint(ippyo_reader_get_u16(&r, &u16), ==, 0);
	g_assert_cmpuint(u16, ==, 2);
	g_assert_cmpint(ippyo_reader_get_u32(&r, &u32), ==, 0);
	g_assert_cmpuint(u32, ==, 3);
	g_assert_cmpint(ippyo_reader_get_u64(&r, &u64), ==, 0);
	g_assert_cmpuint(u64, ==, 4);
	g_assert_cmpint(ippyo_reader_end(&r), ==, IPPYO_ERR_TRAILING);
	/* A get that does not fit consumes nothing. */
	g_assert_cmpint(ippyo_reader_get(&r, tail, 2), ==, IPPYO_ERR_TRUNCATED);
	g_assert_cmpuint(ippyo_reader_remaining(&r), ==, 1);
	g_assert_cmpint(ippyo_reader_get_u16(&r, &u16), ==, IPPYO_ERR_TRUNCATED);
	g_assert_cmpint(ippyo_reader_get_u8(&r, &u8), ==, 0);
	g_assert_cmpuint(u8, ==, 9);
	g_assert_cmpint(ippyo_reader_end(&r), ==, 0);
	g_assert_cmpint(ippyo_reader_get_u8(&r, &u8), ==, IPPYO_ERR_TRUNCATED);
}

static void
test_strerror(void)
{
	g_assert_cmpstr(ippyo_strerror(0), ==, "success");
	g_assert_cmpstr(ippyo_strerror(IPPYO_ERR_TRAILING), !=, ippyo_strerror(IPPYO_ERR_TRUNCATED));
	g_assert_cmpstr(ippyo_strerror(-99999), ==, "unknown error");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/buf/put-limits", test_put_limits);
	g_test_add_func("/ippyo/buf/put-grows", test_put_grows);
	g_test_add_func("/ippyo/buf/reader", test_reader);
	g_test_add_func("/ippyo/error/strerror", test_strerror);
	return g_test_run();
}
