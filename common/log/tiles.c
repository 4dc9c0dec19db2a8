/* ippyo — C2SP tlog-tiles: paths, tiles and entry bundles. */
#include "log/tiles.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "log/decimal.h"

/* size >> bits, 0 when bits >= 64. */
static uint64_t
shr(uint64_t size, unsigned bits)
{
	return bits >= 64 ? 0 : size >> bits;
}

unsigned
ippyo_tile_width(uint64_t size, int level, uint64_t n)
{
	uint64_t full;
	unsigned l;

	if (level == IPPYO_TILE_ENTRIES)
		level = 0;
	if (level < 0 || level > IPPYO_TILE_MAX_LEVEL)
		return 0;
	l = (unsigned)level;
	full = shr(size, IPPYO_TILE_HEIGHT * (l + 1));
	if (n < full)
		return IPPYO_TILE_WIDTH;
	if (n == full)
		return (unsigned)(shr(size, IPPYO_TILE_HEIGHT * l) % IPPYO_TILE_WIDTH);
	return 0;
}

uint64_t
ippyo_tile_count(uint64_t size, int level)
{
	uint64_t full;

	if (level == IPPYO_TILE_ENTRIES)
		level = 0;
	if (level < 0 || level > IPPYO_TILE_MAX_LEVEL)
		return 0;
	full = shr(size, IPPYO_TILE_HEIGHT * ((unsigned)level + 1));
	return full + (ippyo_tile_width(size, level, full) != 0 ? 1 : 0);
}

int
ippyo_tile_top_level(uint64_t size)
{
	int l;

	for (l = IPPYO_TILE_MAX_LEVEL; l >= 0; l--)
		if (ippyo_tile_count(size, l) != 0)
			return l;
	return -1;
}

int
ippyo_tile_path(int level, uint64_t n, unsigned width, char out[IPPYO_TILE_MAX_PATH])
{
	unsigned groups[8], ng = 0;
	size_t off;
	int k;

	out[0] = '\0';
	if ((level != IPPYO_TILE_ENTRIES && (level < 0 || level > IPPYO_TILE_MAX_LEVEL)) ||
	    width == 0 || width > IPPYO_TILE_WIDTH)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (level == IPPYO_TILE_ENTRIES)
		k = snprintf(out, IPPYO_TILE_MAX_PATH, "tile/entries/");
	else
		k = snprintf(out, IPPYO_TILE_MAX_PATH, "tile/%d/", level);
	if (k < 0)
		return IPPYO_ERR_INTERNAL;
	off = (size_t)k;
	do {
		groups[ng++] = (unsigned)(n % 1000);
		n /= 1000;
	} while (n != 0);
	while (ng-- > 0) {
		k = snprintf(out + off, IPPYO_TILE_MAX_PATH - off, ng > 0 ? "x%03u/" : "%03u",
		    groups[ng]);
		if (k < 0 || (size_t)k >= IPPYO_TILE_MAX_PATH - off)
			return IPPYO_ERR_INTERNAL;
		off += (size_t)k;
	}
	if (width < IPPYO_TILE_WIDTH) {
		k = snprintf(out + off, IPPYO_TILE_MAX_PATH - off, ".p/%u", width);
		if (k < 0 || (size_t)k >= IPPYO_TILE_MAX_PATH - off)
			return IPPYO_ERR_INTERNAL;
	}
	return 0;
}

static int
digit3(const char *p)
{
	return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' &&
	    p[2] >= '0' && p[2] <= '9';
}

int
ippyo_tile_path_parse(const char *path, int *level, uint64_t *n, unsigned *width)
{
	char again[IPPYO_TILE_MAX_PATH];
	const char *p, *slash;
	uint64_t v = 0, w = IPPYO_TILE_WIDTH, lv, g;
	int lvl;

	*level = 0;
	*n = 0;
	*width = 0;
	if (path == NULL || strlen(path) >= IPPYO_TILE_MAX_PATH ||
	    strncmp(path, "tile/", 5) != 0)
		return IPPYO_ERR_TILE_FORMAT;
	p = path + 5;
	if (strncmp(p, "entries/", 8) == 0) {
		lvl = IPPYO_TILE_ENTRIES;
		p += 8;
	} else {
		if ((slash = strchr(p, '/')) == NULL ||
		    ippyo_log_parse_u64(p, (size_t)(slash - p), &lv) != 0 ||
		    lv > IPPYO_TILE_MAX_LEVEL)
			return IPPYO_ERR_TILE_FORMAT;
		lvl = (int)lv;
		p = slash + 1;
	}
	/* "xDDD/" groups, then "DDD". */
	for (;;) {
		if (*p == 'x') {
			if (!digit3(p + 1) || p[4] != '/')
				return IPPYO_ERR_TILE_FORMAT;
			g = (uint64_t)((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
			if (v > (UINT64_MAX - g) / 1000)
				return IPPYO_ERR_TILE_FORMAT;
			v = v * 1000 + g;
			p += 5;
			continue;
		}
		if (!digit3(p))
			return IPPYO_ERR_TILE_FORMAT;
		g = (uint64_t)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
		if (v > (UINT64_MAX - g) / 1000)
			return IPPYO_ERR_TILE_FORMAT;
		v = v * 1000 + g;
		p += 3;
		break;
	}
	if (*p != '\0') {
		if (strncmp(p, ".p/", 3) != 0 ||
		    ippyo_log_parse_u64(p + 3, strlen(p + 3), &w) != 0 ||
		    w == 0 || w >= IPPYO_TILE_WIDTH)
			return IPPYO_ERR_TILE_FORMAT;
	}
	/* Only the canonical form (no "x000" leading groups) is accepted. */
	if (ippyo_tile_path(lvl, v, (unsigned)w, again) != 0 || strcmp(again, path) != 0)
		return IPPYO_ERR_TILE_FORMAT;
	*level = lvl;
	*n = v;
	*width = (unsigned)w;
	return 0;
}

int
ippyo_tile_build(ippyo_merkle_hash_fn fn, void *arg, int level, uint64_t n, unsigned width,
    ippyo_buf *out)
{
	uint8_t h[IPPYO_HASH_BYTES];
	unsigned i;
	int r;

	if (level < 0 || level > 7 || width == 0 || width > IPPYO_TILE_WIDTH ||
	    n > (UINT64_MAX >> IPPYO_TILE_HEIGHT))
		return IPPYO_ERR_INVALID_ARGUMENT;
	for (i = 0; i < width; i++) {
		if ((r = fn(arg, IPPYO_TILE_HEIGHT * (unsigned)level,
		    n * IPPYO_TILE_WIDTH + i, h)) != 0)
			return r;
		if ((r = ippyo_buf_put(out, h, sizeof(h))) != 0)
			return r;
	}
	return 0;
}

int
ippyo_tile_check(const uint8_t *data, size_t len, unsigned width)
{
	if (data == NULL || width == 0 || width > IPPYO_TILE_WIDTH ||
	    len != (size_t)width * IPPYO_HASH_BYTES)
		return IPPYO_ERR_TILE_FORMAT;
	return 0;
}

int
ippyo_tile_hash_fn(void *arg, unsigned level, uint64_t index, uint8_t out[IPPYO_HASH_BYTES])
{
	const struct ippyo_tile_source *src = arg;
	uint8_t tile[IPPYO_TILE_BYTES];
	ippyo_merkle_state st;
	unsigned tl, sub, width, off, count;
	uint64_t first, tn;
	int r;

	if (level >= 64)
		return IPPYO_ERR_INDEX_RANGE;
	tl = level / IPPYO_TILE_HEIGHT;
	sub = level % IPPYO_TILE_HEIGHT;
	if (index > (UINT64_MAX >> sub))
		return IPPYO_ERR_INDEX_RANGE;
	/* The subtree is 2^sub consecutive hashes of one tile at level tl. */
	first = index << sub;
	count = 1u << sub;
	tn = first / IPPYO_TILE_WIDTH;
	off = (unsigned)(first % IPPYO_TILE_WIDTH);
	width = ippyo_tile_width(src->size, (int)tl, tn);
	if (width == 0 || off + count > width)
		return IPPYO_ERR_INDEX_RANGE;
	if ((r = src->fetch(src->arg, (int)tl, tn, width, tile)) != 0)
		return r;
	if (count == 1) {
		memcpy(out, tile + (size_t)off * IPPYO_HASH_BYTES, IPPYO_HASH_BYTES);
		return 0;
	}
	ippyo_merkle_state_init(&st);
	if ((r = ippyo_merkle_state_append_many(&st, src->h,
	    tile + (size_t)off * IPPYO_HASH_BYTES, count)) != 0)
		return r;
	memcpy(out, st.hash[0], IPPYO_HASH_BYTES);
	return 0;
}

int
ippyo_bundle_append(ippyo_buf *out, const uint8_t *entry, size_t len)
{
	int r;

	if (entry == NULL || len == 0 || len > IPPYO_ENTRY_MAX)
		return IPPYO_ERR_LIMIT;
	if ((r = ippyo_buf_put_u16(out, (uint16_t)len)) != 0)
		return r;
	return ippyo_buf_put(out, entry, len);
}

int
ippyo_bundle_parse(const uint8_t *data, size_t len, unsigned width, ippyo_bundle_entry *entries)
{
	ippyo_reader rd;
	const uint8_t *p;
	uint16_t elen;
	unsigned i;

	if (width == 0 || width > IPPYO_TILE_WIDTH)
		return IPPYO_ERR_INVALID_ARGUMENT;
	ippyo_reader_init(&rd, data, len);
	for (i = 0; i < width; i++) {
		if (ippyo_reader_get_u16(&rd, &elen) != 0 || elen == 0 ||
		    ippyo_reader_get_ptr(&rd, elen, &p) != 0)
			return IPPYO_ERR_BUNDLE_FORMAT;
		entries[i].data = p;
		entries[i].len = elen;
	}
	if (ippyo_reader_end(&rd) != 0)
		return IPPYO_ERR_BUNDLE_FORMAT;
	return 0;
}

int
ippyo_bundle_leaf_hashes(ippyo_merkle_hasher *h, const uint8_t *data, size_t len,
    unsigned width, uint8_t *out)
{
	ippyo_bundle_entry e[IPPYO_TILE_WIDTH];
	ippyo_merkle_hasher *own = NULL;
	unsigned i;
	int r;

	if ((r = ippyo_bundle_parse(data, len, width, e)) != 0)
		return r;
	if (h == NULL && (own = h = ippyo_merkle_hasher_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	for (i = 0; i < width; i++)
		if ((r = ippyo_merkle_hash_leaf(h, e[i].data, e[i].len,
		    out + (size_t)i * IPPYO_HASH_BYTES)) != 0)
			break;
	ippyo_merkle_hasher_free(own);
	return r;
}
