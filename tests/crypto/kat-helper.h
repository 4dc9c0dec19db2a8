/* Known-answer files: the test regenerates the text and compares it with tests/vectors/<name>. */
#pragma once

#include <glib.h>
#include <string.h>

#include "crypto/group.h"
#include "crypto/hash.h"
#include "encoding.h"

/* A scalar from a label: SHA-512(label) mod q. */
static G_GNUC_UNUSED ippyo_scalar *
kat_scalar(const char *label)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA512);
	uint8_t h[64];
	gsize len = sizeof(h);
	ippyo_scalar *s = ippyo_scalar_new();

	g_checksum_update(c, (const guchar *)label, (gssize)strlen(label));
	g_checksum_get_digest(c, h, &len);
	g_checksum_free(c);
	g_assert_cmpint(ippyo_scalar_from_wide(s, h, sizeof(h)), ==, 0);
	return s;
}

static G_GNUC_UNUSED void
kat_hex(GString *out, const char *key, const uint8_t *b, size_t len)
{
	char *h = NULL;

	g_assert_cmpint(ippyo_hex_encode(b, len, &h), ==, 0);
	g_string_append_printf(out, "%s = %s\n", key, h);
	OPENSSL_free(h);
}

static G_GNUC_UNUSED void
kat_point(GString *out, const char *key, const ippyo_point *p)
{
	uint8_t b[IPPYO_POINT_BYTES];

	g_assert_cmpint(ippyo_point_serialize(p, b), ==, 0);
	kat_hex(out, key, b, sizeof(b));
}

static G_GNUC_UNUSED void
kat_scalar_line(GString *out, const char *key, const ippyo_scalar *s)
{
	uint8_t b[IPPYO_SCALAR_BYTES];

	g_assert_cmpint(ippyo_scalar_serialize(s, b), ==, 0);
	kat_hex(out, key, b, sizeof(b));
}

static G_GNUC_UNUSED void
kat_transcript(GString *out, const char *key, const ippyo_transcript *t)
{
	size_t len;
	const uint8_t *b = ippyo_transcript_bytes(t, &len);

	kat_hex(out, key, b, len);
}

/*
 * Compares the regenerated text with the file; with IPPYO_REGENERATE_VECTORS=1
 * in the environment, writes the file instead (then review the diff).
 */
static G_GNUC_UNUSED void
kat_compare(const char *name, const GString *text)
{
	const char *src = g_getenv("IPPYO_SOURCE_DIR");
	char *path, *file = NULL;
	gsize len = 0;
	GError *err = NULL;

	g_assert_nonnull(src);
	path = g_build_filename(src, "tests", "vectors", name, NULL);
	if (g_strcmp0(g_getenv("IPPYO_REGENERATE_VECTORS"), "1") == 0) {
		g_assert_true(g_file_set_contents(path, text->str, (gssize)text->len, &err));
		g_test_message("wrote %s", path);
	} else {
		g_assert_true(g_file_get_contents(path, &file, &len, &err));
		g_assert_no_error(err);
		g_assert_cmpstr(file, ==, text->str);
	}
	g_free(file);
	g_free(path);
}
