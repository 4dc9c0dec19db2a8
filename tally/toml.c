/* ippyo-tally — a strict parser for a documented subset of TOML 1.0 (toml.h). */
#include "toml.h"

#include <string.h>

#include "tally.h"

#define TOML_MAX_BYTES (4u * 1024 * 1024)
#define TOML_MAX_DEPTH 8           /* segments of a table header */

typedef struct {
	const char *name;
	const char *p;             /* the whole text */
	gsize len;
	gsize pos;
	guint line;
	TallyTomlValue *root;
	TallyTomlValue *current;   /* the table key/values go into */
	GHashTable *explicit;      /* tables defined by a [header] */
} Parser;

static gboolean G_GNUC_PRINTF(3, 4)
fail(Parser *ps, GError **error, const char *format, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, format);
	msg = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s:%u: %s", ps->name, ps->line, msg);
	return FALSE;
}

const char *
tally_toml_type_name(TallyTomlType type)
{
	switch (type) {
	case TALLY_TOML_STRING:
		return "a string";
	case TALLY_TOML_INTEGER:
		return "an integer";
	case TALLY_TOML_BOOLEAN:
		return "a boolean";
	case TALLY_TOML_ARRAY:
		return "an array";
	case TALLY_TOML_TABLE:
		return "a table";
	case TALLY_TOML_TABLE_ARRAY:
		return "an array of tables";
	}
	return "a value";
}

void
tally_toml_free(TallyTomlValue *v)
{
	if (v == NULL)
		return;
	g_free(v->string);
	if (v->items != NULL)
		g_ptr_array_unref(v->items);
	if (v->keys != NULL)
		g_ptr_array_unref(v->keys);
	if (v->members != NULL)
		g_hash_table_unref(v->members);
	g_free(v);
}

static TallyTomlValue *
value_new(TallyTomlType type, guint line)
{
	TallyTomlValue *v = g_new0(TallyTomlValue, 1);

	v->type = type;
	v->line = line;
	if (type == TALLY_TOML_ARRAY || type == TALLY_TOML_TABLE_ARRAY)
		v->items = g_ptr_array_new_with_free_func((GDestroyNotify)tally_toml_free);
	if (type == TALLY_TOML_TABLE) {
		v->keys = g_ptr_array_new_with_free_func(g_free);
		v->members = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
		    (GDestroyNotify)tally_toml_free);
	}
	return v;
}

TallyTomlValue *
tally_toml_get(const TallyTomlValue *table, const char *key)
{
	if (table == NULL || table->type != TALLY_TOML_TABLE)
		return NULL;
	return g_hash_table_lookup(table->members, key);
}

/* Adds key -> v to a table (the key must be new). */
static void
table_add(TallyTomlValue *table, const char *key, TallyTomlValue *v)
{
	char *k = g_strdup(key);

	g_ptr_array_add(table->keys, k);
	g_hash_table_insert(table->members, k, v);
}

static int
peek(const Parser *ps)
{
	return ps->pos < ps->len ? (unsigned char)ps->p[ps->pos] : -1;
}

static void
skip_blank(Parser *ps)
{
	while (peek(ps) == ' ' || peek(ps) == '\t')
		ps->pos++;
}

/* Skips a comment up to (not including) the newline. */
static void
skip_comment(Parser *ps)
{
	if (peek(ps) != '#')
		return;
	while (ps->pos < ps->len && ps->p[ps->pos] != '\n' && ps->p[ps->pos] != '\r')
		ps->pos++;
}

/* At the end of a line: consumes "\n" or "\r\n" (or the end of the text). */
static gboolean
end_of_line(Parser *ps, GError **error, const char *after)
{
	skip_blank(ps);
	skip_comment(ps);
	if (peek(ps) == -1)
		return TRUE;
	if (peek(ps) == '\r' && ps->pos + 1 < ps->len && ps->p[ps->pos + 1] == '\n')
		ps->pos++;
	if (peek(ps) == '\n') {
		ps->pos++;
		ps->line++;
		return TRUE;
	}
	return fail(ps, error, "unexpected text after %s", after);
}

/* Blank space, comments and newlines (inside arrays). */
static void
skip_space_lines(Parser *ps)
{
	for (;;) {
		skip_blank(ps);
		skip_comment(ps);
		if (peek(ps) == '\r' && ps->pos + 1 < ps->len && ps->p[ps->pos + 1] == '\n')
			ps->pos++;
		if (peek(ps) != '\n')
			return;
		ps->pos++;
		ps->line++;
	}
}

static gboolean
is_bare(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '_' || c == '-';
}

static char *
parse_key(Parser *ps, GError **error)
{
	gsize start = ps->pos;

	if (peek(ps) == '"' || peek(ps) == '\'') {
		fail(ps, error, "quoted keys are not supported (use a bare key of A-Z a-z 0-9 _ -)");
		return NULL;
	}
	while (is_bare(peek(ps)))
		ps->pos++;
	if (ps->pos == start) {
		fail(ps, error, "expected a key");
		return NULL;
	}
	return g_strndup(ps->p + start, ps->pos - start);
}

static gboolean
append_utf8(Parser *ps, GString *s, gunichar c, GError **error)
{
	if (!g_unichar_validate(c) || c == 0)
		return fail(ps, error, "the escape \\u%04X is not a valid character", (guint)c);
	g_string_append_unichar(s, c);
	return TRUE;
}

static TallyTomlValue *
parse_string(Parser *ps, GError **error)
{
	g_autoptr(GString) s = g_string_new(NULL);
	guint line = ps->line;

	if (ps->pos + 2 < ps->len && strncmp(ps->p + ps->pos, "\"\"\"", 3) == 0) {
		fail(ps, error, "multi-line strings are not supported");
		return NULL;
	}
	ps->pos++;   /* the opening quote */
	for (;;) {
		int c = peek(ps);

		if (c == -1 || c == '\n' || c == '\r') {
			fail(ps, error, "the string does not end on its line");
			return NULL;
		}
		ps->pos++;
		if (c == '"')
			break;
		if (c == '\\') {
			int e = peek(ps);
			int digits = 0;

			ps->pos++;
			switch (e) {
			case 'b': g_string_append_c(s, '\b'); break;
			case 't': g_string_append_c(s, '\t'); break;
			case 'n': g_string_append_c(s, '\n'); break;
			case 'f': g_string_append_c(s, '\f'); break;
			case 'r': g_string_append_c(s, '\r'); break;
			case '"': g_string_append_c(s, '"'); break;
			case '\\': g_string_append_c(s, '\\'); break;
			case 'u': digits = 4; break;
			case 'U': digits = 8; break;
			default:
				fail(ps, error, "unknown escape sequence in a string");
				return NULL;
			}
			if (digits > 0) {
				gunichar u = 0;

				for (int i = 0; i < digits; i++) {
					int h = g_ascii_xdigit_value((char)peek(ps));

					if (peek(ps) == -1 || h < 0) {
						fail(ps, error, "\\%c needs %d hex digits", e, digits);
						return NULL;
					}
					u = u * 16 + (gunichar)h;
					ps->pos++;
				}
				if (!append_utf8(ps, s, u, error))
					return NULL;
			}
			continue;
		}
		g_string_append_c(s, (char)c);
	}
	{
		TallyTomlValue *v = value_new(TALLY_TOML_STRING, line);

		v->string = g_string_free(g_steal_pointer(&s), FALSE);
		return v;
	}
}

/* An integer, true/false, or a rejected float/date/bare word. */
static TallyTomlValue *
parse_scalar(Parser *ps, GError **error)
{
	gsize start = ps->pos;
	g_autofree char *tok = NULL;
	const char *d;
	TallyTomlValue *v;
	guint64 mag = 0;
	gboolean neg = FALSE;

	while (ps->pos < ps->len) {
		char c = ps->p[ps->pos];

		if (!(g_ascii_isalnum(c) || c == '_' || c == '+' || c == '-' || c == '.' ||
		    c == ':'))
			break;
		ps->pos++;
	}
	tok = g_strndup(ps->p + start, ps->pos - start);
	if (tok[0] == '\0') {
		fail(ps, error, "expected a value (a string in double quotes, an integer, "
		    "true, false or an array)");
		return NULL;
	}
	if (strcmp(tok, "true") == 0 || strcmp(tok, "false") == 0) {
		v = value_new(TALLY_TOML_BOOLEAN, ps->line);
		v->boolean = tok[0] == 't';
		return v;
	}
	if (strchr(tok, ':') != NULL || (g_ascii_isdigit(tok[0]) && strlen(tok) >= 10 &&
	    tok[4] == '-')) {
		fail(ps, error, "dates and times are written as strings in double quotes");
		return NULL;
	}
	d = tok;
	if (*d == '+' || *d == '-') {
		neg = *d == '-';
		d++;
	}
	if (strcmp(d, "inf") == 0 || strcmp(d, "nan") == 0 || strchr(d, '.') != NULL ||
	    (g_ascii_isdigit(d[0]) && (strchr(d, 'e') != NULL || strchr(d, 'E') != NULL) &&
	    d[1] != 'x')) {
		fail(ps, error, "floating-point numbers are not supported");
		return NULL;
	}
	if (!g_ascii_isdigit(d[0])) {
		fail(ps, error, "unexpected '%s' (strings are written in double quotes)", tok);
		return NULL;
	}
	for (const char *q = d; *q != '\0'; q++) {
		if (*q == '_') {
			fail(ps, error, "'_' in integers is not supported");
			return NULL;
		}
		if (!g_ascii_isdigit(*q)) {
			fail(ps, error, "'%s' is not a decimal integer", tok);
			return NULL;
		}
	}
	if (d[0] == '0' && d[1] != '\0') {
		fail(ps, error, "integers have no leading zero");
		return NULL;
	}
	for (const char *q = d; *q != '\0'; q++) {
		if (mag > (G_MAXUINT64 - (guint64)(*q - '0')) / 10) {
			fail(ps, error, "the integer %s is too large", tok);
			return NULL;
		}
		mag = mag * 10 + (guint64)(*q - '0');
	}
	if ((!neg && mag > (guint64)G_MAXINT64) || (neg && mag > (guint64)G_MAXINT64 + 1)) {
		fail(ps, error, "the integer %s is too large", tok);
		return NULL;
	}
	v = value_new(TALLY_TOML_INTEGER, ps->line);
	v->integer = neg ? (gint64)(0 - mag) : (gint64)mag;
	return v;
}

static TallyTomlValue *parse_value(Parser *ps, gboolean in_array, GError **error);

static TallyTomlValue *
parse_array(Parser *ps, GError **error)
{
	g_autoptr(TallyTomlValue) a = value_new(TALLY_TOML_ARRAY, ps->line);

	ps->pos++;   /* '[' */
	for (;;) {
		TallyTomlValue *item;

		skip_space_lines(ps);
		if (peek(ps) == ']') {
			ps->pos++;
			return g_steal_pointer(&a);
		}
		if (peek(ps) == -1) {
			fail(ps, error, "the array that starts on line %u does not end (missing ']')",
			    a->line);
			return NULL;
		}
		item = parse_value(ps, TRUE, error);
		if (item == NULL)
			return NULL;
		g_ptr_array_add(a->items, item);
		if (item->type != TALLY_TOML_STRING && item->type != TALLY_TOML_INTEGER)
			return fail(ps, error, "arrays hold only strings or integers"), NULL;
		if (item->type != ((TallyTomlValue *)a->items->pdata[0])->type)
			return fail(ps, error, "an array mixes strings and integers"), NULL;
		skip_space_lines(ps);
		if (peek(ps) == ',') {
			ps->pos++;
			continue;
		}
		if (peek(ps) == ']')
			continue;
		if (peek(ps) == -1)
			fail(ps, error, "the array that starts on line %u does not end (missing ']')",
			    a->line);
		else
			fail(ps, error, "expected ',' or ']' in an array");
		return NULL;
	}
}

static TallyTomlValue *
parse_value(Parser *ps, gboolean in_array, GError **error)
{
	switch (peek(ps)) {
	case '"':
		return parse_string(ps, error);
	case '\'':
		fail(ps, error, "literal strings ('...') are not supported: use double quotes");
		return NULL;
	case '{':
		fail(ps, error, "inline tables are not supported: use a [table] header");
		return NULL;
	case '[':
		if (in_array) {
			fail(ps, error, "arrays of arrays are not supported");
			return NULL;
		}
		return parse_array(ps, error);
	case -1:
	case '\n':
	case '\r':
	case '#':
		fail(ps, error, "expected a value after '='");
		return NULL;
	default:
		return parse_scalar(ps, error);
	}
}

static gboolean
parse_keyval(Parser *ps, GError **error)
{
	g_autofree char *key = parse_key(ps, error);
	TallyTomlValue *old, *v;
	guint line = ps->line;

	if (key == NULL)
		return FALSE;
	skip_blank(ps);
	if (peek(ps) == '.')
		return fail(ps, error, "dotted keys are not supported: use a [table] header");
	if (peek(ps) != '=')
		return fail(ps, error, "expected '=' after the key '%s'", key);
	ps->pos++;
	skip_blank(ps);
	v = parse_value(ps, FALSE, error);
	if (v == NULL)
		return FALSE;
	v->line = line;
	old = tally_toml_get(ps->current, key);
	if (old != NULL) {
		tally_toml_free(v);
		ps->line = line;
		return fail(ps, error, "the key '%s' is defined twice (first on line %u)", key,
		    old->line);
	}
	table_add(ps->current, key, v);
	return end_of_line(ps, error, "the value");
}

static gboolean
parse_header(Parser *ps, GError **error)
{
	gboolean array = FALSE;
	g_autoptr(GPtrArray) path = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) full = g_string_new(NULL);
	TallyTomlValue *t = ps->root, *v;
	const char *last;

	ps->pos++;
	if (peek(ps) == '[') {
		array = TRUE;
		ps->pos++;
	}
	for (;;) {
		char *seg;

		skip_blank(ps);
		seg = parse_key(ps, error);
		if (seg == NULL)
			return FALSE;
		g_ptr_array_add(path, seg);
		if (path->len > TOML_MAX_DEPTH)
			return fail(ps, error, "the table name is too deep");
		g_string_append_printf(full, "%s%s", full->len > 0 ? "." : "", seg);
		skip_blank(ps);
		if (peek(ps) == '.') {
			ps->pos++;
			continue;
		}
		break;
	}
	if (peek(ps) != ']' || (array && (ps->pos + 1 >= ps->len || ps->p[ps->pos + 1] != ']')))
		return fail(ps, error, "expected '%s' to end the table header", array ? "]]" : "]");
	ps->pos += array ? 2 : 1;
	if (!end_of_line(ps, error, "the table header"))
		return FALSE;
	ps->line--;   /* messages below name the header's line */
	for (guint i = 0; i + 1 < path->len; i++) {
		const char *seg = path->pdata[i];

		v = tally_toml_get(t, seg);
		if (v == NULL) {
			v = value_new(TALLY_TOML_TABLE, ps->line);
			table_add(t, seg, v);
		}
		if (v->type == TALLY_TOML_TABLE_ARRAY)
			v = v->items->pdata[v->items->len - 1];
		else if (v->type != TALLY_TOML_TABLE)
			return fail(ps, error, "'%s' is not a table (it is %s, line %u)", seg,
			    tally_toml_type_name(v->type), v->line);
		t = v;
	}
	last = path->pdata[path->len - 1];
	v = tally_toml_get(t, last);
	if (array) {
		TallyTomlValue *item;

		if (v == NULL) {
			v = value_new(TALLY_TOML_TABLE_ARRAY, ps->line);
			table_add(t, last, v);
		} else if (v->type != TALLY_TOML_TABLE_ARRAY) {
			return fail(ps, error, "[[%s]]: '%s' is already %s (line %u)", full->str,
			    last, tally_toml_type_name(v->type), v->line);
		}
		item = value_new(TALLY_TOML_TABLE, ps->line);
		g_ptr_array_add(v->items, item);
		ps->current = item;
	} else {
		if (v == NULL) {
			v = value_new(TALLY_TOML_TABLE, ps->line);
			table_add(t, last, v);
		} else if (v->type != TALLY_TOML_TABLE) {
			return fail(ps, error, "[%s]: '%s' is already %s (line %u)", full->str, last,
			    tally_toml_type_name(v->type), v->line);
		} else if (g_hash_table_contains(ps->explicit, v)) {
			return fail(ps, error, "the table [%s] is defined twice (first on line %u)",
			    full->str, v->line);
		}
		v->line = ps->line;
		g_hash_table_add(ps->explicit, v);
		ps->current = v;
	}
	ps->line++;
	return TRUE;
}

/* UTF-8 and no control character but tab, newline, and "\r\n". */
static gboolean
check_text(Parser *ps, GError **error)
{
	const char *end = NULL;

	if (ps->len > TOML_MAX_BYTES)
		return fail(ps, error, "the file is larger than %u bytes", TOML_MAX_BYTES);
	if (!g_utf8_validate_len(ps->p, ps->len, &end)) {
		for (const char *q = ps->p; q < end; q++)
			if (*q == '\n')
				ps->line++;
		return fail(ps, error, "the text is not valid UTF-8");
	}
	for (gsize i = 0; i < ps->len; i++) {
		unsigned char c = (unsigned char)ps->p[i];

		if (c == '\n') {
			ps->line++;
			continue;
		}
		if (c == '\r' && i + 1 < ps->len && ps->p[i + 1] == '\n')
			continue;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(ps, error, "control character 0x%02x", c);
	}
	ps->line = 1;
	return TRUE;
}

TallyTomlValue *
tally_toml_parse(const char *name, const char *text, gsize len, GError **error)
{
	Parser ps = { 0 };
	g_autoptr(TallyTomlValue) root = value_new(TALLY_TOML_TABLE, 1);
	g_autoptr(GHashTable) explicit = g_hash_table_new(NULL, NULL);

	ps.name = name;
	ps.p = text;
	ps.len = len;
	ps.line = 1;
	ps.root = root;
	ps.current = root;
	ps.explicit = explicit;
	if (!check_text(&ps, error))
		return NULL;
	while (ps.pos < ps.len) {
		skip_blank(&ps);
		switch (peek(&ps)) {
		case -1:
			break;
		case '#':
		case '\n':
		case '\r':
			if (!end_of_line(&ps, error, "a comment"))
				return NULL;
			break;
		case '[':
			if (!parse_header(&ps, error))
				return NULL;
			break;
		default:
			if (!parse_keyval(&ps, error))
				return NULL;
			break;
		}
	}
	return g_steal_pointer(&root);
}
