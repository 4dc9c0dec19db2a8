/* Tests of the chain's SQLite store and in-memory tree. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "chain-error.h"
#include "chain-store.h"
#include "chain-tree.h"
#include "error.h"
#include "log/merkle.h"

static char *
temp_db(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("ippyo-chain-XXXXXX", &error);

	g_assert_no_error(error);
	return g_build_filename(dir, "chain.sqlite", NULL);
}

static void
remove_db(const char *path)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autofree char *shm = g_strconcat(path, "-shm", NULL);

	g_unlink(path);
	g_unlink(wal);
	g_unlink(shm);
	g_rmdir(dir);
}

/* Every root of every size up to 300 equals the library's MTH. */
static void
test_tree_roots(void)
{
	g_autoptr(ChainTree) t = chain_tree_new();
	guint8 leaves[300][32];

	for (guint i = 0; i < 300; i++) {
		char e[16];

		g_snprintf(e, sizeof(e), "%u", i);
		chain_leaf_hash((const guint8 *)e, strlen(e), leaves[i]);
		chain_tree_append(t, leaves[i]);
	}
	for (guint n = 0; n <= 300; n++) {
		guint8 a[32], b[32];

		g_assert_true(chain_tree_root(t, n, a));
		g_assert_cmpint(ippyo_merkle_root(NULL, &leaves[0][0], n, b), ==, 0);
		g_assert_cmpmem(a, 32, b, 32);
	}
	g_assert_false(chain_tree_root(t, 301, leaves[0]));
	/* truncation gives back the earlier tree */
	chain_tree_truncate(t, 77);
	g_assert_cmpuint(chain_tree_size(t), ==, 77);
	for (guint i = 77; i < 300; i++)
		chain_tree_append(t, leaves[i]);
	{
		guint8 a[32], b[32];

		g_assert_true(chain_tree_root(t, 300, a));
		g_assert_cmpint(ippyo_merkle_root(NULL, &leaves[0][0], 300, b), ==, 0);
		g_assert_cmpmem(a, 32, b, 32);
	}
}

static void
test_store_basics(void)
{
	g_autofree char *path = temp_db();
	g_autoptr(GBytes) e0 = g_bytes_new_static("{\"manifest\":1}", 14);
	g_autoptr(GBytes) other = g_bytes_new_static("{\"manifest\":2}", 14);
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	g_autoptr(GByteArray) leaves = g_byte_array_new();
	guint8 root[32], got_root[32];
	g_autofree char *note = NULL;
	guint64 n, idx, size;
	ChainStore *s;

	s = chain_store_open(path, e0, &error);
	g_assert_no_error(error);
	g_assert_true(chain_store_count(s, &n, &error));
	g_assert_cmpuint(n, ==, 1);
	for (guint i = 0; i < 5; i++) {
		g_autofree char *e = g_strdup_printf("entry %u", i);
		guint8 leaf[32];

		chain_leaf_hash((const guint8 *)e, strlen(e), leaf);
		g_byte_array_append(leaves, leaf, 32);
		g_ptr_array_add(entries, g_bytes_new(e, strlen(e)));
	}
	/* only at the end */
	g_assert_false(chain_store_append(s, 2, entries, leaves->data, &error));
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_STORE);
	g_clear_error(&error);
	g_assert_true(chain_store_append(s, 1, entries, leaves->data, &error));
	g_assert_no_error(error);
	/* the same bytes twice: the whole transaction fails, nothing is added */
	g_assert_false(chain_store_append(s, 6, entries, leaves->data, &error));
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_STORE);
	g_clear_error(&error);
	g_assert_true(chain_store_count(s, &n, &error));
	g_assert_cmpuint(n, ==, 6);
	g_assert_true(chain_store_find_leaf(s, leaves->data + 64, &idx, &error));
	g_assert_cmpuint(idx, ==, 3);

	memset(root, 7, 32);
	g_assert_false(chain_store_last_checkpoint(s, &size, got_root, &note, &error));
	g_assert_no_error(error);
	g_assert_true(chain_store_add_checkpoint(s, 6, root, "note six\n", &error));
	/* the same size with another root is refused */
	root[0] ^= 1;
	g_assert_false(chain_store_add_checkpoint(s, 6, root, "other\n", &error));
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_ROOT_MISMATCH);
	g_clear_error(&error);
	root[0] ^= 1;
	g_assert_true(chain_store_last_checkpoint(s, &size, got_root, &note, &error));
	g_assert_cmpuint(size, ==, 6);
	g_assert_cmpmem(root, 32, got_root, 32);
	g_assert_cmpstr(note, ==, "note six\n");
	g_clear_pointer(&note, g_free);
	g_assert_true(chain_store_checkpoint_covering(s, 5, &size, &note, &error));
	g_assert_cmpuint(size, ==, 6);
	g_clear_pointer(&note, g_free);
	g_assert_false(chain_store_checkpoint_covering(s, 6, &size, &note, &error));
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND);
	g_clear_error(&error);
	{
		g_autoptr(GPtrArray) got = chain_store_get_entries(s, 2, 4, &error);

		g_assert_no_error(error);
		g_assert_cmpuint(got->len, ==, 2);
		g_assert_true(g_bytes_equal(got->pdata[0], entries->pdata[1]));
	}
	g_assert_null(chain_store_get_entries(s, 4, 9, &error));
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND);
	g_clear_error(&error);
	chain_store_close(s);

	/* reopening with the same entry 0 works, with another refuses */
	s = chain_store_open(path, e0, &error);
	g_assert_no_error(error);
	chain_store_close(s);
	s = chain_store_open(path, other, &error);
	g_assert_null(s);
	g_assert_error(error, IPPYO_ERROR, IPPYO_ERR_STORE_MISMATCH);
	remove_db(path);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/chain/tree/roots", test_tree_roots);
	g_test_add_func("/ippyo/chain/store/basics", test_store_basics);
	return g_test_run();
}
