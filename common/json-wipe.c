/* ippyo — Jansson's memory wiped before it is freed (see json-wipe.h). */
#include "json-wipe.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>
#include <openssl/crypto.h>

/* Each block starts with its size, so that the free function knows what to wipe. */
#define HEADER (sizeof(max_align_t))

static void *
wipe_malloc(size_t size)
{
	unsigned char *b;

	if (size > SIZE_MAX - HEADER || (b = OPENSSL_malloc(size + HEADER)) == NULL)
		return NULL;
	*(size_t *)(void *)b = size;
	return b + HEADER;
}

static void
wipe_free(void *p)
{
	unsigned char *b;

	if (p == NULL)
		return;
	b = (unsigned char *)p - HEADER;
	OPENSSL_clear_free(b, *(size_t *)(void *)b + HEADER);
}

void
ippyo_json_wipe_on_free(void)
{
	json_set_alloc_funcs(wipe_malloc, wipe_free);
}

void
ippyo_json_free(void *p)
{
	json_malloc_t m;
	json_free_t f;

	if (p == NULL)
		return;
	json_get_alloc_funcs(&m, &f);
	if (f != NULL)
		f(p);
	else
		free(p);
}
