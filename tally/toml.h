/* ippyo-tally — a strict parser for a documented subset of TOML 1.0. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The subset (docs/ippyo-tally.md, "The election file"):
 *
 *   - comments from "#" to the end of a line, blank lines;
 *   - table headers "[a]" and array-of-tables headers "[[a]]", whose names
 *     are bare keys joined by "." ("[[contest.option]]" appends to the
 *     option array of the last contest), as TOML 1.0 defines them;
 *   - "key = value" with a bare key ([A-Za-z0-9_-]+);
 *   - values: basic strings "..." with the escapes \b \t \n \f \r \" \\
 *     \uXXXX \UXXXXXXXX; decimal integers (optional sign, no leading zero,
 *     no "_", within int64); true and false; arrays [ ... ] of strings or
 *     of integers (one type per array), which may span lines and end in a
 *     trailing comma, with comments between elements.
 *
 * Everything else is an error that names the line: literal and multi-line
 * strings, floats, bare dates and times (write them as strings), inline
 * tables, dotted and quoted keys, a key defined twice, a table defined
 * twice, text that is not UTF-8, control characters other than tab.
 */

typedef enum {
	TALLY_TOML_STRING,
	TALLY_TOML_INTEGER,
	TALLY_TOML_BOOLEAN,
	TALLY_TOML_ARRAY,        /* of values (strings or integers) */
	TALLY_TOML_TABLE,
	TALLY_TOML_TABLE_ARRAY,  /* [[x]]: an array of tables */
} TallyTomlType;

typedef struct _TallyTomlValue TallyTomlValue;

struct _TallyTomlValue {
	TallyTomlType type;
	guint line;              /* where it was defined (1-based) */
	char *string;            /* STRING: UTF-8, NUL-terminated (no NUL inside) */
	gint64 integer;          /* INTEGER */
	gboolean boolean;        /* BOOLEAN */
	GPtrArray *items;        /* ARRAY, TABLE_ARRAY: of TallyTomlValue* */
	GPtrArray *keys;         /* TABLE: of char*, in file order */
	GHashTable *members;     /* TABLE: key -> TallyTomlValue* */
};

/* Parses text (of the named file, for messages "NAME:LINE: problem").
 * Returns the root table, or NULL with a TALLY_ERROR_INVALID error. */
TallyTomlValue *tally_toml_parse(const char *name, const char *text, gsize len,
    GError **error);
void tally_toml_free(TallyTomlValue *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TallyTomlValue, tally_toml_free)

/* A table's member (NULL if absent). */
TallyTomlValue *tally_toml_get(const TallyTomlValue *table, const char *key);

/* A human name of a type ("a string", "an integer", ...). */
const char *tally_toml_type_name(TallyTomlType type);

G_END_DECLS
