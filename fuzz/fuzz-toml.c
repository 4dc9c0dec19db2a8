/* Fuzzes ippyo-tally's election TOML parser: it returns a table or a located error, never both. */
#include "fuzz.h"

#include "toml.h"

static void
walk(const TallyTomlValue *v, unsigned depth)
{
	FUZZ_CHECK(depth < 10000);
	FUZZ_CHECK(tally_toml_type_name(v->type) != NULL);
	switch (v->type) {
	case TALLY_TOML_STRING:
		FUZZ_CHECK(v->string != NULL && g_utf8_validate(v->string, -1, NULL));
		break;
	case TALLY_TOML_ARRAY:
	case TALLY_TOML_TABLE_ARRAY:
		for (guint i = 0; i < v->items->len; i++)
			walk(g_ptr_array_index(v->items, i), depth + 1);
		break;
	case TALLY_TOML_TABLE:
		FUZZ_CHECK(v->keys->len == g_hash_table_size(v->members));
		for (guint i = 0; i < v->keys->len; i++) {
			const TallyTomlValue *m = tally_toml_get(v, g_ptr_array_index(v->keys, i));

			FUZZ_CHECK(m != NULL);
			walk(m, depth + 1);
		}
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;
	TallyTomlValue *root;

	root = tally_toml_parse("fuzz.toml", (const char *)data, size, &error);
	FUZZ_CHECK((root == NULL) == (error != NULL));
	if (root != NULL) {
		FUZZ_CHECK(root->type == TALLY_TOML_TABLE);
		walk(root, 0);
		tally_toml_free(root);
	} else {
		FUZZ_CHECK(g_str_has_prefix(error->message, "fuzz.toml:"));
		g_error_free(error);
	}
	return 0;
}
