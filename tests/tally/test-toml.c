/* Tests of ippyo-tally's strict TOML subset parser: what it accepts, and that
 * every refusal names its line. */
#include <glib.h>
#include <string.h>

#include "tally.h"
#include "toml.h"

static TallyTomlValue *
parse(const char *text, GError **error)
{
	return tally_toml_parse("t.toml", text, strlen(text), error);
}

static void
test_accepts(void)
{
	const char *text =
	    "# comment\n"
	    "top = \"x\"  # trailing comment\n"
	    "\n"
	    "[election]\r\n"
	    "id = \"2027-a\"\n"
	    "title = \"\\u4e00\\u7968 \\\"q\\\" \\\\ \\t\"\n"
	    "neg = -42\n"
	    "zero = 0\n"
	    "big = 9223372036854775807\n"
	    "small = -9223372036854775808\n"
	    "flag = true\n"
	    "off = false\n"
	    "list = [ \"a\",\n"
	    "  # inside\n"
	    "  \"b\", ]\n"
	    "nums = [1, 2, 3]\n"
	    "empty = []\n"
	    "[[contest]]\n"
	    "id = \"mayor\"\n"
	    "[[contest.option]]\n"
	    "id = \"a\"\n"
	    "[[contest.option]]\n"
	    "id = \"b\"\n"
	    "[[contest]]\n"
	    "id = \"council\"\n"
	    "[a.b]\n"
	    "c = 1\n"
	    "[a]\n"
	    "d = 2\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(TallyTomlValue) root = parse(text, &error);
	TallyTomlValue *e, *c, *o, *l;

	g_assert_no_error(error);
	g_assert_nonnull(root);
	g_assert_cmpstr(tally_toml_get(root, "top")->string, ==, "x");
	e = tally_toml_get(root, "election");
	g_assert_cmpint(e->type, ==, TALLY_TOML_TABLE);
	g_assert_cmpuint(e->line, ==, 4);
	g_assert_cmpstr(tally_toml_get(e, "title")->string, ==, "一票 \"q\" \\ \t");
	g_assert_cmpint(tally_toml_get(e, "neg")->integer, ==, -42);
	g_assert_cmpint(tally_toml_get(e, "zero")->integer, ==, 0);
	g_assert_cmpint(tally_toml_get(e, "big")->integer, ==, G_MAXINT64);
	g_assert_cmpint(tally_toml_get(e, "small")->integer, ==, G_MININT64);
	g_assert_true(tally_toml_get(e, "flag")->boolean);
	g_assert_false(tally_toml_get(e, "off")->boolean);
	l = tally_toml_get(e, "list");
	g_assert_cmpuint(l->items->len, ==, 2);
	g_assert_cmpstr(((TallyTomlValue *)l->items->pdata[1])->string, ==, "b");
	g_assert_cmpuint(tally_toml_get(e, "nums")->items->len, ==, 3);
	g_assert_cmpuint(tally_toml_get(e, "empty")->items->len, ==, 0);
	g_assert_cmpuint(tally_toml_get(e, "list")->line, ==, 13);
	c = tally_toml_get(root, "contest");
	g_assert_cmpint(c->type, ==, TALLY_TOML_TABLE_ARRAY);
	g_assert_cmpuint(c->items->len, ==, 2);
	o = tally_toml_get(c->items->pdata[0], "option");
	g_assert_cmpuint(o->items->len, ==, 2);
	g_assert_cmpstr(tally_toml_get(o->items->pdata[1], "id")->string, ==, "b");
	g_assert_cmpuint(((TallyTomlValue *)o->items->pdata[1])->line, ==, 22);
	g_assert_null(tally_toml_get(c->items->pdata[1], "option"));
	g_assert_cmpint(tally_toml_get(tally_toml_get(tally_toml_get(root, "a"), "b"), "c")->integer,
	    ==, 1);
	g_assert_cmpint(tally_toml_get(tally_toml_get(root, "a"), "d")->integer, ==, 2);
	/* Keys keep the file's order. */
	g_assert_cmpstr(e->keys->pdata[0], ==, "id");
}

typedef struct {
	const char *text;
	guint line;
	const char *words;   /* a part of the message */
} Bad;

static const Bad bad_cases[] = {
	{ "a = 1.5\n", 1, "floating-point" },
	{ "a = 1\nb = 1e3\n", 2, "floating-point" },
	{ "a = inf\n", 1, "floating-point" },
	{ "\n\na = 2027-04-18T07:00:00Z\n", 3, "dates and times" },
	{ "a = 2027-04-18\n", 1, "dates and times" },
	{ "a = 07:00:00\n", 1, "dates and times" },
	{ "a = 1\na = 2\n", 2, "defined twice (first on line 1)" },
	{ "[x]\n[y]\n[x]\n", 3, "defined twice (first on line 1)" },
	{ "a = 'lit'\n", 1, "literal strings" },
	{ "a = \"\"\"multi\"\"\"\n", 1, "multi-line" },
	{ "a = {b = 1}\n", 1, "inline tables" },
	{ "a.b = 1\n", 1, "dotted keys" },
	{ "\"a\" = 1\n", 1, "quoted keys" },
	{ "a = 1_000\n", 1, "'_'" },
	{ "a = 012\n", 1, "leading zero" },
	{ "a = 0x1f\n", 1, "not a decimal integer" },
	{ "a = 9223372036854775808\n", 1, "too large" },
	{ "a = yes\n", 1, "double quotes" },
	{ "a = \"open\n", 1, "does not end" },
	{ "a = \"\\q\"\n", 1, "unknown escape" },
	{ "a = \"\\u00\"\n", 1, "hex digits" },
	{ "a = \"\\ud800\"\n", 1, "not a valid character" },
	{ "a = \"\\u0000\"\n", 1, "not a valid character" },
	{ "a = [1, \"x\"]\n", 1, "mixes" },
	{ "a = [[1]]\n", 1, "arrays of arrays" },
	{ "a = [true]\n", 1, "only strings or integers" },
	{ "a = [1,\n2\n", 3, "does not end" },
	{ "a = [1 2]\n", 1, "expected ','" },
	{ "a = 1 b\n", 1, "unexpected text" },
	{ "a =\n", 1, "expected a value" },
	{ "a\n", 1, "expected '='" },
	{ "[x\n", 1, "to end the table header" },
	{ "[[x]\n", 1, "to end the table header" },
	{ "a = 1\n[a]\n", 2, "already an integer" },
	{ "[x]\n[[x]]\n", 2, "already a table" },
	{ "a = 1\n[a.b]\n", 2, "not a table" },
	{ "ok = 1\na = \"\x01\"\n", 2, "control character" },
	{ "ok = 1\n\na = \"\xff\"\n", 3, "not valid UTF-8" },
	{ "ok = 1\ra = 2\n", 1, "control character" },
	{ "[]\n", 1, "expected a key" },
};

static void
test_rejects(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
		const Bad *b = &bad_cases[i];
		g_autoptr(GError) error = NULL;
		g_autoptr(TallyTomlValue) root = parse(b->text, &error);
		g_autofree char *prefix = g_strdup_printf("t.toml:%u: ", b->line);

		if (root != NULL || error == NULL)
			g_error("case %zu accepted: %s", i, b->text);
		g_assert_true(g_error_matches(error, TALLY_ERROR, TALLY_EXIT_INVALID));
		if (!g_str_has_prefix(error->message, prefix) ||
		    strstr(error->message, b->words) == NULL)
			g_error("case %zu (%s): message \"%s\" lacks \"%s\" or \"%s\"", i, b->text,
			    error->message, prefix, b->words);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/tally/toml/accepts", test_accepts);
	g_test_add_func("/ippyo/tally/toml/rejects", test_rejects);
	return g_test_run();
}
