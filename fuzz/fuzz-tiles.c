/*
 * Fuzzes tlog-tiles: tile paths (the whole input as a path; a parsed path
 * prints back the same), tile lengths, and entry bundles (first byte: the
 * width − 1; the rest: the bundle, rebuilt byte for byte from its entries).
 */
#include "fuzz.h"

#include "buf.h"
#include "log/tiles.h"

static void
fuzz_path(const uint8_t *data, size_t size)
{
	char *path = fuzz_strndup(data, size);
	char back[IPPYO_TILE_MAX_PATH];
	uint64_t n;
	unsigned width;
	int level;

	if (strlen(path) == size && ippyo_tile_path_parse(path, &level, &n, &width) == 0) {
		FUZZ_CHECK(width >= 1 && width <= IPPYO_TILE_WIDTH);
		FUZZ_CHECK(ippyo_tile_path(level, n, width, back) == 0);
		FUZZ_CHECK(strcmp(back, path) == 0);
	}
	free(path);
}

static void
fuzz_bundle(const uint8_t *data, size_t size)
{
	ippyo_bundle_entry entries[IPPYO_TILE_WIDTH];
	ippyo_merkle_hasher *h;
	uint8_t *hashes;
	ippyo_buf *out;
	unsigned width;

	if (size < 1)
		return;
	width = (unsigned)data[0] + 1;
	if (ippyo_bundle_parse(data + 1, size - 1, width, entries) != 0)
		return;
	out = ippyo_buf_new(size);
	FUZZ_CHECK(out != NULL);
	for (unsigned i = 0; i < width; i++)
		FUZZ_CHECK(ippyo_bundle_append(out, entries[i].data, entries[i].len) == 0);
	FUZZ_CHECK(fuzz_same(ippyo_buf_data(out), ippyo_buf_len(out), data + 1, size - 1));
	h = ippyo_merkle_hasher_new();
	hashes = malloc((size_t)width * IPPYO_HASH_BYTES);
	FUZZ_CHECK(h != NULL && hashes != NULL);
	FUZZ_CHECK(ippyo_bundle_leaf_hashes(h, data + 1, size - 1, width, hashes) == 0);
	free(hashes);
	ippyo_merkle_hasher_free(h);
	ippyo_buf_free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_path(data, size);
	fuzz_bundle(data, size);
	if (size % IPPYO_HASH_BYTES == 0 && size / IPPYO_HASH_BYTES >= 1 &&
	    size / IPPYO_HASH_BYTES <= IPPYO_TILE_WIDTH)
		FUZZ_CHECK(ippyo_tile_check(data, size, (unsigned)(size / IPPYO_HASH_BYTES)) == 0);
	return 0;
}
