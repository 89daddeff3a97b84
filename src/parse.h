/*
 * parse.h: bytes to a bounded gumbo tree. Plain C, no Lua. Owns the decoded
 * UTF-8 copy of the page (gumbo points into it) and the arena that holds the
 * whole tree. Enforces the size limit, the nesting guard and the parse memory
 * limit before or while gumbo runs, so that hostile pages end as an error.
 */
#ifndef PQX_PARSE_H
#define PQX_PARSE_H

#include <stddef.h>
#include <gumbo.h>

#include "arena.h"
#include "encoding.h"

typedef struct pqx_limits {
	size_t max_bytes;        /* page size limit (raw bytes), 0 = none */
	unsigned max_depth;      /* element nesting limit, 0 = none */
	size_t max_parse_memory; /* arena limit in bytes, 0 = none */
	int max_errors;          /* parse errors gumbo records (each copies the open-element stack) */
} pqx_limits;

#define PQX_DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define PQX_DEFAULT_MAX_DEPTH 4000u
#define PQX_DEFAULT_MAX_PARSE_MEMORY ((size_t)1024 * 1024 * 1024)
#define PQX_DEFAULT_MAX_ERRORS 100

void pqx_limits_default(pqx_limits *lim);

enum pqx_parse_status {
	PQX_PARSE_OK = 0,
	PQX_PARSE_INPUT = 1, /* undecodable input, bad --encoding */
	PQX_PARSE_LIMIT = 2, /* size, depth or memory limit exceeded */
};

typedef struct pqx_document {
	pqx_arena arena;
	GumboOutput *out;
	pqx_decoded text;        /* the UTF-8 input and how it was decided */
	size_t parse_errors;     /* recorded by gumbo (at most max_errors) */
	size_t raw_bytes;
	const char *fragment;    /* the context a bare table fragment was parsed in
	                          * ("table", "tbody", "tr", "colgroup"), else NULL */
} pqx_document;

/* Decodes and parses. On failure returns the status and writes a message to err
 * that gives, where it applies, the line and column ("nesting deeper than 4000
 * elements at line 3, column 120"). The document needs pqx_document_free in
 * every case. */
enum pqx_parse_status pqx_parse(pqx_document *doc, const unsigned char *bytes, size_t len,
                                const char *encoding_override, const pqx_limits *lim,
                                char *err, size_t errlen);

/* The same with a transport label (the charset of an HTTP Content-Type, from a
 * web archive): step 3 of the encoding decision, after the BOM and the override,
 * before the <meta> prescan. NULL = none. A decision it made is reported as
 * text.source "http" ("http-but-utf8" for a single-byte label on UTF-8 bytes). */
enum pqx_parse_status pqx_parse_transport(pqx_document *doc, const unsigned char *bytes, size_t len,
                                          const char *encoding_override, const char *transport,
                                          const pqx_limits *lim, char *err, size_t errlen);

void pqx_document_free(pqx_document *doc);

/* A page that is a bare piece of a table (it starts, after white space, comments and a
 * doctype-less prologue, with <tr>, <td>, <th>, <tbody>, <thead>, <tfoot>, <caption>,
 * <colgroup> or <col>) loses its rows and cells when parsed as a document: the HTML5
 * tree builder drops those tags outside a table. Such a page is parsed as a fragment
 * in the table context its first tag needs. Returns that context's tag (and its name
 * in *name), or GUMBO_TAG_LAST for an ordinary page. Exposed for tests. */
GumboTag pqx_fragment_context(const char *html, size_t len, const char **name);

/* The nesting guard, exposed for tests: the estimated element depth of the first
 * point where the depth exceeds max_depth; returns 1 and sets *line, *col there,
 * 0 if the page stays within max_depth. */
int pqx_depth_exceeds(const char *html, size_t len, unsigned max_depth,
                      unsigned *line, unsigned *col);

#endif
