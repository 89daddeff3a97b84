/*
 * parse.c: decode, guard, parse (see parse.h). Plain C, no Lua.
 *
 * Measured on Debian's gumbo 0.10.1, the tree builder is quadratic in nesting
 * depth and records a copy of the open-element stack with every parse error, so
 * two bounds are needed before and during the parse: a cheap nesting estimate
 * over the raw text (pqx_depth_exceeds) that rejects pathological pages before
 * gumbo sees them, and max_errors. The tree lives in an arena so that freeing
 * never walks it recursively, and the arena limit bounds parse memory.
 */
#include "parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pqx_limits_default(pqx_limits *lim)
{
	lim->max_bytes = PQX_DEFAULT_MAX_BYTES;
	lim->max_depth = PQX_DEFAULT_MAX_DEPTH;
	lim->max_parse_memory = PQX_DEFAULT_MAX_PARSE_MEMORY;
	lim->max_errors = PQX_DEFAULT_MAX_ERRORS;
}

/* ---- the nesting guard ------------------------------------------------- */

/* The guard mimics just enough of the tree builder that ordinary pages (unclosed
 * <p>, <li>, <td>, <font> in table cells) are not overcounted: implied end tags
 * close their own kind within a short reach, end tags pop to their start tag,
 * and elements gumbo never nests (void, html/head/body) are not counted. It only
 * has to be right within a factor; the limit is far above real pages (< 100). */

#define GUARD_REACH 64 /* how far down the stack an implied close looks */

typedef struct guard {
	GumboTag *stack;
	unsigned depth, max;
	unsigned counts[GUMBO_TAG_LAST + 1];
	unsigned foreign; /* open svg/math, where "/>" really self-closes */
} guard;

static int tag_is_void(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
	case GUMBO_TAG_EMBED: case GUMBO_TAG_HR: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
	case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK:
	case GUMBO_TAG_WBR: case GUMBO_TAG_BASEFONT: case GUMBO_TAG_BGSOUND: case GUMBO_TAG_FRAME:
	case GUMBO_TAG_KEYGEN: case GUMBO_TAG_PARAM: case GUMBO_TAG_IMAGE:
	case GUMBO_TAG_HTML: case GUMBO_TAG_HEAD: case GUMBO_TAG_BODY:
		return 1;
	default:
		return 0;
	}
}

static int tag_is_rawtext(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TITLE:
	case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
		return 1;
	default:
		return 0;
	}
}

static int tag_closes_p(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_CENTER: case GUMBO_TAG_DETAILS: case GUMBO_TAG_DIR: case GUMBO_TAG_DIV:
	case GUMBO_TAG_DL: case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE:
	case GUMBO_TAG_FOOTER: case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
	case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
	case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU:
	case GUMBO_TAG_NAV: case GUMBO_TAG_OL: case GUMBO_TAG_P: case GUMBO_TAG_PRE:
	case GUMBO_TAG_SECTION: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL:
	case GUMBO_TAG_LI: case GUMBO_TAG_DD: case GUMBO_TAG_DT:
		return 1;
	default:
		return 0;
	}
}

static void guard_pop_to(guard *g, unsigned index)
{
	while (g->depth > index) {
		GumboTag t = g->stack[--g->depth];
		g->counts[t]--;
		if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH)
			g->foreign--;
	}
}

/* Closes the nearest open element of kind a or b above a boundary element. */
static void guard_implied_close(guard *g, GumboTag a, GumboTag b, GumboTag stop1, GumboTag stop2)
{
	if (g->counts[a] == 0 && g->counts[b] == 0)
		return;
	unsigned reach = 0;
	for (unsigned i = g->depth; i > 0 && reach < GUARD_REACH; i--, reach++) {
		GumboTag t = g->stack[i - 1];
		if (t == a || t == b) {
			guard_pop_to(g, i - 1);
			return;
		}
		if (t == stop1 || t == stop2 || t == GUMBO_TAG_TABLE)
			return;
	}
}

static void guard_end_tag(guard *g, GumboTag t)
{
	if (g->counts[t] == 0)
		return;
	for (unsigned i = g->depth; i > 0; i--) {
		if (g->stack[i - 1] == t) {
			guard_pop_to(g, i - 1);
			return;
		}
	}
}

/* Returns 1 when the push exceeds the limit. */
static int guard_start_tag(guard *g, GumboTag t, int self_closing)
{
	if (tag_is_void(t))
		return 0;
	if (self_closing && g->foreign)
		return 0;
	switch (t) {
	case GUMBO_TAG_LI:
		guard_implied_close(g, GUMBO_TAG_LI, GUMBO_TAG_LI, GUMBO_TAG_UL, GUMBO_TAG_OL);
		break;
	case GUMBO_TAG_DT: case GUMBO_TAG_DD:
		guard_implied_close(g, GUMBO_TAG_DT, GUMBO_TAG_DD, GUMBO_TAG_DL, GUMBO_TAG_DL);
		break;
	case GUMBO_TAG_TD: case GUMBO_TAG_TH:
		guard_implied_close(g, GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_TR, GUMBO_TAG_TABLE);
		break;
	case GUMBO_TAG_TR:
		guard_implied_close(g, GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_TR, GUMBO_TAG_TABLE);
		guard_implied_close(g, GUMBO_TAG_TR, GUMBO_TAG_TR, GUMBO_TAG_TABLE, GUMBO_TAG_TABLE);
		break;
	case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
		guard_implied_close(g, GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_TABLE, GUMBO_TAG_TABLE);
		guard_implied_close(g, GUMBO_TAG_TR, GUMBO_TAG_TR, GUMBO_TAG_TABLE, GUMBO_TAG_TABLE);
		guard_implied_close(g, GUMBO_TAG_THEAD, GUMBO_TAG_TBODY, GUMBO_TAG_TABLE, GUMBO_TAG_TABLE);
		guard_implied_close(g, GUMBO_TAG_TFOOT, GUMBO_TAG_TFOOT, GUMBO_TAG_TABLE, GUMBO_TAG_TABLE);
		break;
	case GUMBO_TAG_OPTION:
		guard_implied_close(g, GUMBO_TAG_OPTION, GUMBO_TAG_OPTION, GUMBO_TAG_SELECT, GUMBO_TAG_SELECT);
		break;
	default:
		break;
	}
	if (tag_closes_p(t))
		guard_implied_close(g, GUMBO_TAG_P, GUMBO_TAG_P, GUMBO_TAG_BUTTON, GUMBO_TAG_BUTTON);
	if (g->depth >= g->max)
		return 1;
	g->stack[g->depth++] = t;
	g->counts[t]++;
	if (t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH)
		g->foreign++;
	return 0;
}

static int is_tag_name_char(unsigned char c)
{
	return c && !isspace(c) && c != '/' && c != '>';
}

/* Finds the end of a tag starting at p (just after the name); honours quoted
 * attribute values so that '>' inside them does not end the tag. */
static const char *skip_tag(const char *p, const char *end, int *self_closing)
{
	char last = 0;
	while (p < end && *p != '>') {
		if (*p == '=') {
			p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));
				p = q ? q + 1 : end;
				last = 0;
				continue;
			}
			continue;
		}
		if (!isspace((unsigned char)*p))
			last = *p;
		p++;
	}
	*self_closing = last == '/';
	return p < end ? p + 1 : end;
}

static const char *find_ci(const char *p, const char *end, const char *needle, size_t n)
{
	while (p + n <= end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt || lt + n > end)
			return NULL;
		if (strncasecmp(lt, needle, n) == 0)
			return lt;
		p = lt + 1;
	}
	return NULL;
}

static void position_of(const char *html, const char *at, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	for (const char *p = html; p < at; p++) {
		if (*p == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int pqx_depth_exceeds(const char *html, size_t len, unsigned max_depth,
                      unsigned *line, unsigned *col)
{
	if (max_depth == 0)
		return 0;
	guard *g = calloc(1, sizeof *g);
	if (!g)
		return 0;
	g->max = max_depth;
	g->stack = malloc(sizeof *g->stack * (max_depth + 1u));
	if (!g->stack) {
		free(g);
		return 0;
	}
	const char *p = html, *end = html + len;
	int exceeded = 0;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (!lt || lt + 1 >= end)
			break;
		p = lt + 1;
		if (*p == '!') {
			if (end - p >= 3 && p[1] == '-' && p[2] == '-') {
				const char *q = p + 3;
				while (q + 2 < end && !(q[0] == '-' && q[1] == '-' && (q[2] == '>' || q[2] == '!')))
					q++;
				p = q + 3 <= end ? q + 3 : end;
			} else {
				const char *q = memchr(p, '>', (size_t)(end - p));
				p = q ? q + 1 : end;
			}
			continue;
		}
		if (*p == '?') {
			const char *q = memchr(p, '>', (size_t)(end - p));
			p = q ? q + 1 : end;
			continue;
		}
		int is_end = *p == '/';
		if (is_end)
			p++;
		if (p >= end || !isalpha((unsigned char)*p))
			continue;
		const char *name = p;
		while (p < end && is_tag_name_char((unsigned char)*p))
			p++;
		GumboTag t = gumbo_tagn_enum(name, (unsigned)(p - name));
		int self_closing = 0;
		p = skip_tag(p, end, &self_closing);
		if (is_end) {
			guard_end_tag(g, t);
			continue;
		}
		if (t == GUMBO_TAG_PLAINTEXT)
			break;
		if (tag_is_rawtext(t)) {
			/* content up to the matching end tag is text, not markup */
			char closer[24];
			int n = snprintf(closer, sizeof closer, "</%s", gumbo_normalized_tagname(t));
			const char *q = find_ci(p, end, closer, (size_t)n);
			p = q ? q : end;
			continue;
		}
		if (guard_start_tag(g, t, self_closing)) {
			position_of(html, lt, line, col);
			exceeded = 1;
			break;
		}
	}
	free(g->stack);
	free(g);
	return exceeded;
}

/* ---- bare table fragments ---------------------------------------------- */

static int tag_is(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((p[i] | 0x20) != name[i])
			return 0;
	/* the name ends there: '>', '/', white space or the end */
	return p + n == end || p[n] == '>' || p[n] == '/' || p[n] == ' ' || p[n] == '\t' ||
	       p[n] == '\n' || p[n] == '\r' || p[n] == '\f';
}

GumboTag pqx_fragment_context(const char *html, size_t len, const char **name)
{
	static const struct { const char *tag; GumboTag context; const char *name; } first[] = {
		{"tr", GUMBO_TAG_TBODY, "tbody"},
		{"td", GUMBO_TAG_TR, "tr"},
		{"th", GUMBO_TAG_TR, "tr"},
		{"tbody", GUMBO_TAG_TABLE, "table"},
		{"thead", GUMBO_TAG_TABLE, "table"},
		{"tfoot", GUMBO_TAG_TABLE, "table"},
		{"caption", GUMBO_TAG_TABLE, "table"},
		{"colgroup", GUMBO_TAG_TABLE, "table"},
		{"col", GUMBO_TAG_COLGROUP, "colgroup"},
	};
	const char *p = html, *end = html + len;
	if (name)
		*name = NULL;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
			p++;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const char *close = NULL;
			for (const char *q = p + 4; q + 3 <= end; q++)
				if (q[0] == '-' && q[1] == '-' && q[2] == '>') {
					close = q + 3;
					break;
				}
			if (!close)
				return GUMBO_TAG_LAST;
			p = close;
			continue;
		}
		break;
	}
	if (p >= end || *p != '<')
		return GUMBO_TAG_LAST;
	p++;
	for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
		if (tag_is(p, end, first[i].tag)) {
			if (name)
				*name = first[i].name;
			return first[i].context;
		}
	return GUMBO_TAG_LAST;
}

/* ---- decode + parse ----------------------------------------------------- */

enum pqx_parse_status pqx_parse(pqx_document *doc, const unsigned char *bytes, size_t len,
                                const char *encoding_override, const pqx_limits *lim,
                                char *err, size_t errlen)
{
	return pqx_parse_transport(doc, bytes, len, encoding_override, NULL, lim, err, errlen);
}

enum pqx_parse_status pqx_parse_transport(pqx_document *doc, const unsigned char *bytes, size_t len,
                                          const char *encoding_override, const char *transport,
                                          const pqx_limits *lim, char *err, size_t errlen)
{
	memset(doc, 0, sizeof *doc);
	pqx_arena_init(&doc->arena, lim->max_parse_memory);
	doc->raw_bytes = len;
	if (lim->max_bytes && len > lim->max_bytes) {
		snprintf(err, errlen, "page is %zu bytes, over the limit of %zu (--max-bytes)",
		         len, lim->max_bytes);
		return PQX_PARSE_LIMIT;
	}
	if (pqx_enc_decode(bytes, len, encoding_override, transport, &doc->text, err, errlen) != 0)
		return PQX_PARSE_INPUT;
	/* the only transport there is: HTTP */
	if (doc->text.source && strcmp(doc->text.source, "transport") == 0)
		doc->text.source = "http";
	else if (doc->text.source && strcmp(doc->text.source, "transport-but-utf8") == 0)
		doc->text.source = "http-but-utf8";
	else if (doc->text.source && strcmp(doc->text.source, "transport-but-not-utf8") == 0)
		doc->text.source = "http-but-not-utf8";

	unsigned line = 0, col = 0;
	if (pqx_depth_exceeds(doc->text.utf8, doc->text.len, lim->max_depth, &line, &col)) {
		snprintf(err, errlen,
		         "line %u, column %u: elements nest deeper than %u (--max-depth)",
		         line, col, lim->max_depth);
		return PQX_PARSE_LIMIT;
	}

	GumboOptions opts = kGumboDefaultOptions;
	opts.allocator = pqx_arena_gumbo_alloc;
	opts.deallocator = pqx_arena_gumbo_dealloc;
	opts.userdata = &doc->arena;
	opts.max_errors = lim->max_errors;
	opts.fragment_context = pqx_fragment_context(doc->text.utf8, doc->text.len, &doc->fragment);
	opts.fragment_namespace = GUMBO_NAMESPACE_HTML;
	jmp_buf escape;
	doc->arena.escape = &escape;
	if (setjmp(escape) != 0) {
		doc->arena.escape = NULL;
		pqx_arena_free(&doc->arena);
		doc->out = NULL;
		snprintf(err, errlen, "parsing needs more than %zu bytes of memory (--max-parse-memory)",
		         lim->max_parse_memory);
		return PQX_PARSE_LIMIT;
	}
	doc->out = gumbo_parse_with_options(&opts, doc->text.utf8, doc->text.len);
	doc->arena.escape = NULL;
	doc->parse_errors = doc->out->errors.length;
	return PQX_PARSE_OK;
}

void pqx_document_free(pqx_document *doc)
{
	pqx_arena_free(&doc->arena);
	doc->out = NULL;
	pqx_decoded_free(&doc->text);
}
