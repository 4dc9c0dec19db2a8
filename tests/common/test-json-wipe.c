/*
 * Jansson's blocks are wiped before they are freed: OpenSSL's allocator is
 * hooked, and the free of the block that held a parsed secret string finds
 * it all zero.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "json-wipe.h"

static const unsigned char *watched;	/* the secret string's bytes */
static size_t watched_len;
static int seen_free, seen_zero;

static void *
hook_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return malloc(n);
}

static void *
hook_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return realloc(p, n);
}

static void
hook_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	/* the string's block starts before its bytes and contains them */
	if (watched != NULL && p != NULL && (const unsigned char *)p < watched &&
	    watched < (const unsigned char *)p + 64) {
		size_t zero = 0;

		seen_free = 1;
		for (size_t i = 0; i < watched_len; i++)
			zero += watched[i] == 0;
		seen_zero = zero == watched_len;
		watched = NULL;
	}
	free(p);
}

static void
test_secret_wiped(void)
{
	const char *doc = "{\"share\":\"c2VjcmV0LXNoYXJlLW9mLXRydXN0ZWUtMw\"}";
	json_error_t err;
	json_t *root = json_loads(doc, JSON_REJECT_DUPLICATES, &err);
	const char *v;

	g_assert_nonnull(root);
	v = json_string_value(json_object_get(root, "share"));
	g_assert_cmpstr(v, ==, "c2VjcmV0LXNoYXJlLW9mLXRydXN0ZWUtMw");
	watched = (const unsigned char *)v;
	watched_len = strlen(v);
	json_decref(root);
	g_assert_true(seen_free);
	g_assert_true(seen_zero);
}

/* Large values and printing go through the same functions. */
static void
test_roundtrip(void)
{
	json_t *a = json_array();
	char *s;

	for (int i = 0; i < 2000; i++)
		g_assert_cmpint(json_array_append_new(a, json_integer(i)), ==, 0);
	s = json_dumps(a, JSON_COMPACT);
	g_assert_nonnull(s);
	g_assert_true(g_str_has_prefix(s, "[0,1,2,"));
	json_decref(a);
	{
		json_malloc_t m;
		json_free_t f;

		json_get_alloc_funcs(&m, &f);
		f(s);
	}
}

int
main(int argc, char **argv)
{
	/* before OpenSSL or Jansson allocate anything */
	if (CRYPTO_set_mem_functions(hook_malloc, hook_realloc, hook_free) != 1)
		return 1;
	ippyo_json_wipe_on_free();
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/json-wipe/secret-wiped", test_secret_wiped);
	g_test_add_func("/ippyo/json-wipe/roundtrip", test_roundtrip);
	return g_test_run();
}
