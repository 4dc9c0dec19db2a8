/* Tests of tlog-tiles paths, tiles built from leaves, and entry bundles. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "error.h"
#include "log/merkle.h"
#include "log/tiles.h"

static void
test_paths(void)
{
	static const struct {
		int level;
		uint64_t n;
		unsigned width;
		const char *path;
	} good[] = {
		{ 0, 0, 256, "tile/0/000" },
		{ 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 1, 1000, 17, "tile/1/x001/000.p/17" },
		{ 63, 7, 1, "tile/63/007.p/1" },
		{ IPPYO_TILE_ENTRIES, 5, 255, "tile/entries/005.p/255" },
		{ IPPYO_TILE_ENTRIES, UINT64_MAX, 256, "tile/entries/x018/x446/x744/x073/x709/x551/615" },
	};
	static const char *const bad[] = {
		"tile/0/1", "tile/0/0000", "tile/00/000", "tile/64/000", "tile/-1/000",
		"tile/0/x000/001", "tile/0/001/x002", "tile/0/x01/002", "tile/0/000.p/0",
		"tile/0/000.p/256", "tile/0/000.p/01", "tile/0/000.p/", "tile/0/000/",
		"tile/0/000.p/1/", "tiles/0/000", "/tile/0/000", "tile/entry/000",
		"tile/entries/x018/x446/x744/x073/x709/x551/616", "tile/0/x1000/000", "",
	};
	char out[IPPYO_TILE_MAX_PATH];
	uint64_t n;
	unsigned w;
	int level;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(good); i++) {
		g_assert_cmpint(ippyo_tile_path(good[i].level, good[i].n, good[i].width, out), ==, 0);
		g_assert_cmpstr(out, ==, good[i].path);
		g_assert_cmpint(ippyo_tile_path_parse(good[i].path, &level, &n, &w), ==, 0);
		g_assert_cmpint(level, ==, good[i].level);
		g_assert_cmpuint(n, ==, good[i].n);
		g_assert_cmpuint(w, ==, good[i].width);
	}
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_test_message("bad %s", bad[i]);
		g_assert_cmpint(ippyo_tile_path_parse(bad[i], &level, &n, &w), ==,
		    IPPYO_ERR_TILE_FORMAT);
	}
	/* Round trips. */
	for (n = 0; n < 3000000; n += 997) {
		g_assert_cmpint(ippyo_tile_path(2, n, (unsigned)(n % 256) + 1, out), ==, 0);
		g_assert_cmpint(ippyo_tile_path_parse(out, &level, &n, &w), ==, 0);
		g_assert_cmpint(level, ==, 2);
		g_assert_cmpuint(w, ==, (unsigned)(n % 256) + 1);
	}
	g_assert_cmpint(ippyo_tile_path(0, 0, 0, out), ==, IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_tile_path(64, 0, 1, out), ==, IPPYO_ERR_INVALID_ARGUMENT);
}

static void
test_widths(void)
{
	/* The spec's examples. */
	g_assert_cmpuint(ippyo_tile_count(70000, 0), ==, 274);
	g_assert_cmpuint(ippyo_tile_width(70000, 0, 272), ==, 256);
	g_assert_cmpuint(ippyo_tile_width(70000, 0, 273), ==, 112);
	g_assert_cmpuint(ippyo_tile_width(70000, 0, 274), ==, 0);
	g_assert_cmpuint(ippyo_tile_count(70000, 1), ==, 2);
	g_assert_cmpuint(ippyo_tile_width(70000, 1, 0), ==, 256);
	g_assert_cmpuint(ippyo_tile_width(70000, 1, 1), ==, 17);
	g_assert_cmpuint(ippyo_tile_count(70000, 2), ==, 1);
	g_assert_cmpuint(ippyo_tile_width(70000, 2, 0), ==, 1);
	g_assert_cmpuint(ippyo_tile_count(70000, 3), ==, 0);
	g_assert_cmpint(ippyo_tile_top_level(70000), ==, 2);
	g_assert_cmpuint(ippyo_tile_width(256, 0, 0), ==, 256);
	g_assert_cmpuint(ippyo_tile_width(256, 0, 1), ==, 0);
	g_assert_cmpuint(ippyo_tile_width(256, 1, 0), ==, 1);
	g_assert_cmpint(ippyo_tile_top_level(256), ==, 1);
	g_assert_cmpint(ippyo_tile_top_level(255), ==, 0);
	g_assert_cmpint(ippyo_tile_top_level(0), ==, -1);
	g_assert_cmpuint(ippyo_tile_width(70000, IPPYO_TILE_ENTRIES, 273), ==, 112);
	g_assert_cmpuint(ippyo_tile_width(UINT64_MAX, 7, 0), ==, 255);
	g_assert_cmpuint(ippyo_tile_width(UINT64_MAX, 63, 0), ==, 0);
}

/* A tile server in memory: path -> bytes, built from the leaves. */
struct store {
	GHashTable *tiles;
	unsigned fetches;
};

static int
fetch(void *arg, int level, uint64_t n, unsigned width, uint8_t *out)
{
	struct store *st = arg;
	char path[IPPYO_TILE_MAX_PATH];
	GBytes *b;

	g_assert_cmpint(ippyo_tile_path(level, n, width, path), ==, 0);
	if ((b = g_hash_table_lookup(st->tiles, path)) == NULL)
		return IPPYO_ERR_NOT_FOUND;
	g_assert_cmpint(ippyo_tile_check(g_bytes_get_data(b, NULL), g_bytes_get_size(b), width), ==, 0);
	memcpy(out, g_bytes_get_data(b, NULL), g_bytes_get_size(b));
	st->fetches++;
	return 0;
}

static void
build_store(struct store *st, const uint8_t *leaves, uint64_t size)
{
	struct ippyo_merkle_leaves lv = { leaves, size, NULL };
	char path[IPPYO_TILE_MAX_PATH];
	int level;
	uint64_t n;

	st->tiles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)g_bytes_unref);
	st->fetches = 0;
	for (level = 0; level <= ippyo_tile_top_level(size); level++) {
		for (n = 0; n < ippyo_tile_count(size, level); n++) {
			unsigned w = ippyo_tile_width(size, level, n);
			ippyo_buf *b = ippyo_buf_new(IPPYO_TILE_BYTES);
			uint8_t *p;
			size_t len;

			g_assert_cmpint(ippyo_tile_build(ippyo_merkle_leaves_hash_fn, &lv, level, n,
			    w, b), ==, 0);
			g_assert_cmpuint(ippyo_buf_len(b), ==, (size_t)w * 32);
			g_assert_cmpint(ippyo_buf_steal(b, &p, &len), ==, 0);
			g_assert_cmpint(ippyo_tile_path(level, n, w, path), ==, 0);
			g_hash_table_insert(st->tiles, g_strdup(path), g_bytes_new(p, len));
			OPENSSL_clear_free(p, len);
			ippyo_buf_free(b);
		}
	}
}

static void
test_tree_from_tiles(void)
{
	const uint64_t sizes[] = { 1, 2, 255, 256, 257, 511, 512, 1000, 65537 };
	uint64_t max = 65537, i;
	uint8_t *leaves = g_malloc(max * 32);
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	size_t k;

	for (i = 0; i < max; i++) {
		uint8_t e[8];
		memcpy(e, &i, 8);
		g_assert_cmpint(ippyo_merkle_hash_leaf(h, e, 8, leaves + i * 32), ==, 0);
	}
	for (k = 0; k < G_N_ELEMENTS(sizes); k++) {
		uint64_t size = sizes[k], idx = size * 3 / 7, m = size / 3 + 1;
		struct store st;
		struct ippyo_tile_source src;
		struct ippyo_merkle_leaves lv = { leaves, size, h };
		ippyo_merkle_proof p1, p2;
		ippyo_merkle_state s1, s2;
		uint8_t r1[32], r2[32];

		build_store(&st, leaves, size);
		src.size = size;
		src.fetch = fetch;
		src.arg = &st;
		src.h = h;
		g_assert_cmpint(ippyo_merkle_root(h, leaves, size, r1), ==, 0);
		g_assert_cmpint(ippyo_merkle_root_from(h, size, ippyo_tile_hash_fn, &src, r2), ==, 0);
		g_assert_cmpmem(r1, 32, r2, 32);
		g_assert_cmpint(ippyo_merkle_inclusion_proof(h, idx, size, ippyo_merkle_leaves_hash_fn,
		    &lv, &p1), ==, 0);
		g_assert_cmpint(ippyo_merkle_inclusion_proof(h, idx, size, ippyo_tile_hash_fn, &src,
		    &p2), ==, 0);
		g_assert_cmpmem(&p1, sizeof(p1), &p2, sizeof(p2));
		if (m < size) {
			g_assert_cmpint(ippyo_merkle_consistency_proof(h, m, size,
			    ippyo_merkle_leaves_hash_fn, &lv, &p1), ==, 0);
			g_assert_cmpint(ippyo_merkle_consistency_proof(h, m, size, ippyo_tile_hash_fn,
			    &src, &p2), ==, 0);
			g_assert_cmpmem(&p1, sizeof(p1), &p2, sizeof(p2));
		}
		g_assert_cmpint(ippyo_merkle_state_from(&s2, size, ippyo_tile_hash_fn, &src), ==, 0);
		ippyo_merkle_state_init(&s1);
		g_assert_cmpint(ippyo_merkle_state_append_many(&s1, h, leaves, size), ==, 0);
		g_assert_cmpint(memcmp(&s1, &s2, sizeof(s1)), ==, 0);
		/* A subtree beyond the tree is refused. */
		g_assert_cmpint(ippyo_tile_hash_fn(&src, 0, size, r2), ==, IPPYO_ERR_INDEX_RANGE);
		g_hash_table_destroy(st.tiles);
	}
	ippyo_merkle_hasher_free(h);
	g_free(leaves);
}

static void
test_bundles(void)
{
	ippyo_buf *b = ippyo_buf_new(1 << 20);
	ippyo_bundle_entry e[256];
	uint8_t big[65536], hashes[3 * 32], want[32];
	const uint8_t *d;
	size_t len;

	memset(big, 'x', sizeof(big));
	g_assert_cmpint(ippyo_bundle_append(b, (const uint8_t *)"a", 1), ==, 0);
	g_assert_cmpint(ippyo_bundle_append(b, big, 65535), ==, 0);
	g_assert_cmpint(ippyo_bundle_append(b, (const uint8_t *)"bc", 2), ==, 0);
	g_assert_cmpint(ippyo_bundle_append(b, big, 65536), ==, IPPYO_ERR_LIMIT);
	g_assert_cmpint(ippyo_bundle_append(b, big, 0), ==, IPPYO_ERR_LIMIT);
	d = ippyo_buf_data(b);
	len = ippyo_buf_len(b);
	g_assert_cmpuint(len, ==, 2 + 1 + 2 + 65535 + 2 + 2);
	g_assert_cmpmem(d, 3, "\x00\x01" "a", 3);
	g_assert_cmpmem(d + 3, 2, "\xff\xff", 2);
	g_assert_cmpint(ippyo_bundle_parse(d, len, 3, e), ==, 0);
	g_assert_cmpmem(e[2].data, e[2].len, "bc", 2);
	g_assert_cmpuint(e[1].len, ==, 65535);
	g_assert_cmpint(ippyo_bundle_parse(d, len, 2, e), ==, IPPYO_ERR_BUNDLE_FORMAT);
	g_assert_cmpint(ippyo_bundle_parse(d, len, 4, e), ==, IPPYO_ERR_BUNDLE_FORMAT);
	g_assert_cmpint(ippyo_bundle_parse(d, len - 1, 3, e), ==, IPPYO_ERR_BUNDLE_FORMAT);
	g_assert_cmpint(ippyo_bundle_parse((const uint8_t *)"\0\0", 2, 1, e), ==,
	    IPPYO_ERR_BUNDLE_FORMAT);
	g_assert_cmpint(ippyo_bundle_leaf_hashes(NULL, d, len, 3, hashes), ==, 0);
	g_assert_cmpint(ippyo_merkle_hash_leaf(NULL, "bc", 2, want), ==, 0);
	g_assert_cmpmem(hashes + 64, 32, want, 32);
	ippyo_buf_free(b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/tiles/paths", test_paths);
	g_test_add_func("/ippyo/tiles/widths", test_widths);
	g_test_add_func("/ippyo/tiles/tree-from-tiles", test_tree_from_tiles);
	g_test_add_func("/ippyo/tiles/bundles", test_bundles);
	return g_test_run();
}
