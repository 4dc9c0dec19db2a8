/*
 * The libFuzzer harnesses without libFuzzer: the normal test suite links
 * each fuzz-<what>.c with this main() and replays the seed corpus and the
 * malformed inputs (tests/malformed/<what>/) through it, plus a few fixed
 * truncations and byte flips of each file, and the empty input as NULL
 * (what an empty GBytes gives). A crash, a sanitizer report or a
 * broken invariant (FUZZ_CHECK aborts) fails the test.
 *
 *   replay-<what> DIR|FILE...     (a missing DIR is skipped; no input at all fails)
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* Harnesses without a fixed context do not define it. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_BYTES (4u * 1024 * 1024)
#define REPLAY_VARIANTS 8

static unsigned long inputs;

static uint32_t
next_rand(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data, *copy;
	size_t len;
	uint32_t state = 0x1990u;

	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	data = malloc(REPLAY_MAX_BYTES);
	FUZZ_CHECK(data != NULL);
	len = fread(data, 1, REPLAY_MAX_BYTES, f);
	if (ferror(f) || !feof(f)) {
		fprintf(stderr, "replay: %s: unreadable or over %u bytes\n", path,
		    REPLAY_MAX_BYTES);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	/* Each run gets its own allocation of the exact size, as libFuzzer does. */
	copy = malloc(len > 0 ? len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	inputs++;
	for (int v = 0; v < REPLAY_VARIANTS && len > 0; v++) {
		size_t cut = (size_t)next_rand(&state) % len;

		/* A truncation... */
		copy = malloc(cut > 0 ? cut : 1);
		FUZZ_CHECK(copy != NULL);
		memcpy(copy, data, cut);
		LLVMFuzzerTestOneInput(copy, cut);
		free(copy);
		/* ...and one byte changed. */
		copy = malloc(len);
		FUZZ_CHECK(copy != NULL);
		memcpy(copy, data, len);
		copy[cut] ^= (uint8_t)(1u + next_rand(&state) % 255u);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
		inputs += 2;
	}
	free(data);
	return 0;
}

static int
replay_path(const char *path, unsigned long *files)
{
	struct stat st;
	struct dirent **names;
	int n, ret = 0;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			printf("# %s: none\n", path);
			return 0;
		}
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*files)++;
		return replay_file(path);
	}
	/* Sorted, so that a failing run is the same run every time. */
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *child;
		size_t cap;

		if (names[i]->d_name[0] != '.') {
			cap = strlen(path) + strlen(names[i]->d_name) + 2;
			child = malloc(cap);
			FUZZ_CHECK(child != NULL);
			snprintf(child, cap, "%s/%s", path, names[i]->d_name);
			if (replay_path(child, files) != 0)
				ret = -1;
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int
main(int argc, char **argv)
{
	unsigned long files = 0;
	int ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	/* libFuzzer never passes NULL, but an empty GBytes does. */
	LLVMFuzzerTestOneInput(NULL, 0);
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &files) != 0)
			ret = 1;
	printf("# replayed %lu inputs from %lu files\n", inputs, files);
	if (files == 0) {
		fprintf(stderr, "replay: no input at all: the seed corpus is missing\n");
		return 1;
	}
	return ret;
}
