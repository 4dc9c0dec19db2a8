/* ippyo — Jansson's memory wiped before it is freed. */
#pragma once

/*
 * Makes Jansson wipe (OPENSSL_cleanse) every block before freeing it, so
 * that the secrets it parsed or printed (a trustee's key share, a ballot's
 * audit seed) do not stay in freed memory. Jansson's allocator is global:
 * call this first in main(), before any JSON value exists (a value made
 * before would be freed with the wrong function). Idempotent.
 */
void ippyo_json_wipe_on_free(void);

/*
 * Frees what Jansson handed out (json_dumps' text) with the function it
 * was allocated with: after ippyo_json_wipe_on_free, plain free() on it is
 * undefined. Accepts NULL.
 */
void ippyo_json_free(void *p);
