/* ippyo — C2SP tlog-tiles: tile paths, tiles, entry bundles. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log/merkle.h"

/*
 * Tile (L, N) holds the hashes of the perfect subtrees at Merkle level 8·L
 * with indices N·256 .. N·256+255, 32 bytes each; a partial tile holds the
 * first W (1..255) of them. In a tree of size s, tile (L, N) is full when
 * (N+1)·256^(L+1) <= s, and partial of width floor(s / 256^L) mod 256 when
 * N = floor(s / 256^(L+1)) (if that width is not 0).
 *
 * Paths: "tile/<L>/<N>[.p/<W>]" and "tile/entries/<N>[.p/<W>]", with N
 * written as 3-digit groups, all but the last prefixed by "x"
 * (1234067 -> "x001/x234/067"). Entry bundles are u16be length-prefixed
 * entries (1..65535 bytes in ippyo; the empty entry is refused).
 */
#define IPPYO_TILE_HEIGHT 8
#define IPPYO_TILE_WIDTH 256
#define IPPYO_TILE_BYTES (IPPYO_TILE_WIDTH * IPPYO_HASH_BYTES)
#define IPPYO_TILE_MAX_LEVEL 63
#define IPPYO_TILE_ENTRIES (-1)        /* the "level" of entry bundles */
#define IPPYO_ENTRY_MAX 65535
#define IPPYO_TILE_MAX_PATH 96

/* Width (1..256) of tile (level, n) in a tree of `size`, or 0 if it does
 * not exist; level IPPYO_TILE_ENTRIES asks for the entry bundle. */
unsigned ippyo_tile_width(uint64_t size, int level, uint64_t n);
/* Number of tiles (full and partial) at `level` for `size`. */
uint64_t ippyo_tile_count(uint64_t size, int level);
/* Highest level with a tile for `size` (-1 for the empty tree). */
int ippyo_tile_top_level(uint64_t size);

/* Writes the path (without prefix) into out (IPPYO_TILE_MAX_PATH bytes);
 * width 256 means a full tile. */
int ippyo_tile_path(int level, uint64_t n, unsigned width, char out[IPPYO_TILE_MAX_PATH]) IPPYO_WUR;
/* Strict parse (IPPYO_ERR_TILE_FORMAT): *width is 256 for a full tile. */
int ippyo_tile_path_parse(const char *path, int *level, uint64_t *n, unsigned *width) IPPYO_WUR;

/* Builds tile (level, n) of width `width` by reading subtree hashes
 * (level 8·level) through fn; appends width · 32 bytes. */
int ippyo_tile_build(ippyo_merkle_hash_fn fn, void *arg, int level, uint64_t n,
    unsigned width, ippyo_buf *out) IPPYO_WUR;
/* Checks a tile's length for its width (IPPYO_ERR_TILE_FORMAT). */
int ippyo_tile_check(const uint8_t *data, size_t len, unsigned width) IPPYO_WUR;

/*
 * Reading a tree through tiles: fetch(arg, level, n, width, out) writes the
 * width · 32 bytes of tile (level, n) to out (the caller fetches, caches and
 * checks the length). ippyo_tile_hash_fn (arg: struct ippyo_tile_source *)
 * is an ippyo_merkle_hash_fn, so roots, proofs and tree states come from
 * tiles with the functions of merkle.h.
 */
typedef int (*ippyo_tile_fetch_fn)(void *arg, int level, uint64_t n, unsigned width,
    uint8_t *out);
struct ippyo_tile_source {
	uint64_t size;
	ippyo_tile_fetch_fn fetch;
	void *arg;
	ippyo_merkle_hasher *h;   /* may be NULL */
};
int ippyo_tile_hash_fn(void *arg, unsigned level, uint64_t index, uint8_t out[IPPYO_HASH_BYTES]);

/* Entry bundles. */
typedef struct ippyo_bundle_entry {
	const uint8_t *data;      /* points into the bundle */
	size_t len;
} ippyo_bundle_entry;

int ippyo_bundle_append(ippyo_buf *out, const uint8_t *entry, size_t len) IPPYO_WUR;
/* Splits a bundle of exactly `width` entries (IPPYO_ERR_BUNDLE_FORMAT);
 * entries has room for width items. */
int ippyo_bundle_parse(const uint8_t *data, size_t len, unsigned width,
    ippyo_bundle_entry *entries) IPPYO_WUR;
/* Leaf hashes of the entries of a bundle (width · 32 bytes to out). */
int ippyo_bundle_leaf_hashes(ippyo_merkle_hasher *h, const uint8_t *data, size_t len,
    unsigned width, uint8_t *out) IPPYO_WUR;
