/*
 * parse.h: bytes to a bounded gumbo tree. Plain C, no Lua. Owns the decoded
 * UTF-8 copy of the page (gumbo points into it) and the arena that holds the
 * whole tree. Enforces the size limit, the attribute caps, the nesting limit
 * and the parse memory limit before or while gumbo runs, so that hostile pages
 * end as an error.
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
	unsigned max_attributes; /* attributes on one tag, 0 = none */
	size_t max_attribute_bytes; /* names and values of one tag's attributes, 0 = none */
} pqx_limits;

#define PQX_DEFAULT_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define PQX_DEFAULT_MAX_DEPTH 4000u
#define PQX_DEFAULT_MAX_PARSE_MEMORY ((size_t)1024 * 1024 * 1024)
#define PQX_DEFAULT_MAX_ERRORS 100
#define PQX_DEFAULT_MAX_ATTRIBUTES 1000u
#define PQX_DEFAULT_MAX_ATTRIBUTE_BYTES ((size_t)16 * 1024 * 1024)

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
	unsigned max_depth_seen; /* deepest element nesting of the tree (when max_depth is set) */
	size_t raw_bytes;
} pqx_document;

/* Decodes and parses. On failure returns the status and writes a message to err
 * that gives, where it applies, the line and column ("line 3, column 120:
 * elements nest deeper than 4000 (--max-depth)"). The document needs
 * pqx_document_free in every case. */
enum pqx_parse_status pqx_parse(pqx_document *doc, const unsigned char *bytes, size_t len,
                                const char *encoding_override, const pqx_limits *lim,
                                char *err, size_t errlen);

void pqx_document_free(pqx_document *doc);

/* Decodes and parses. On failure returns the status and writes a message to err
 * that gives, where it applies, the line and column ("line 3, column 120:
 * elements nest deeper than 4000 (--max-depth)"). The document needs
 * pqx_document_free in every case. */
enum pqx_parse_status pqx_parse(pqx_document *doc, const unsigned char *bytes, size_t len,
                                const char *encoding_override, const pqx_limits *lim,
                                char *err, size_t errlen);

void pqx_document_free(pqx_document *doc);

/* The attribute pre-scan, exposed for tests: follows the tokenizer over the
 * decoded text and stops at the first tag with more than max_attrs attributes
 * or more than max_attr_bytes bytes of attribute names and values (0 = no
 * limit). Returns 1 and fills res (the tag's '<' as a byte offset, its name,
 * the count reached) if one is found, else 0. The depth limit is not checked
 * here: it is measured on the tree gumbo builds (pqx_parse). */
enum pqx_scan_status {
	PQX_SCAN_OK = 0,
	PQX_SCAN_ATTRIBUTES,
	PQX_SCAN_ATTRIBUTE_BYTES,
	PQX_SCAN_DEPTH,
};

typedef struct pqx_scan_result {
	enum pqx_scan_status status;
	size_t offset;
	size_t count;
	char tag[33];
} pqx_scan_result;

int pqx_attribute_scan(const char *html, size_t len, unsigned max_attrs, size_t max_attr_bytes,
                       pqx_scan_result *res);

#endif
