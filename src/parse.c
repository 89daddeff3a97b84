/*
 * parse.c: decode, guard, parse (see parse.h). Plain C, no Lua.
 *
 * Measured on Debian's gumbo 0.10.1, the tree builder is quadratic in nesting
 * depth, the tokenizer is quadratic in the attributes of one tag, and every
 * parse error records a copy of the open-element stack. So the allocator pqx
 * gives gumbo measures the depth of the tree it really builds and stops the
 * parse past max_depth, counts the attribute records of each tag and the
 * attribute bytes of each element, and charges tags under deep nesting as
 * work; max_errors bounds the error copies. The tree lives in an arena so that
 * freeing never walks it recursively, and the arena limit bounds parse memory.
 */
#include "parse.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pqx_limits_default(pqx_limits *lim)
{
	lim->max_bytes = PQX_DEFAULT_MAX_BYTES;
	lim->max_depth = PQX_DEFAULT_MAX_DEPTH;
	lim->max_parse_memory = PQX_DEFAULT_MAX_PARSE_MEMORY;
	lim->max_errors = PQX_DEFAULT_MAX_ERRORS;
	lim->max_attributes = PQX_DEFAULT_MAX_ATTRIBUTES;
	lim->max_attribute_bytes = PQX_DEFAULT_MAX_ATTRIBUTE_BYTES;
}

/* ---- the guard inside the parse ---------------------------------------- */

/* Gumbo's tree builder scans the stack of open elements for most tags, so its
 * time grows with the square of the real nesting, and its tokenizer compares
 * each new attribute name with all earlier ones on the tag, so n attributes
 * cost n*n/2 comparisons (100,000 took 49 s). How deep gumbo nests and which
 * text it reads as tags is only known to gumbo: unclosed <a> and nested
 * <table> close themselves, <g> in <svg> nests but <g/> does not, <title> and
 * <style> are text in HTML but elements in SVG, a <style> in a <select> is
 * ignored, "<!-->" is a whole comment... An estimate over the raw text can be
 * fooled both ways, so the guard watches what gumbo really builds, through
 * the allocator it gives gumbo:
 *
 * - Every node gets a small header in front. At each new node, the nodes made
 *   since the previous one have been linked to their parent, and their depth
 *   is the parent's plus one: a constant cost per node. An element deeper than
 *   max_depth ends the parse (through the arena's escape) with its position.
 * - Attribute records (GumboAttribute blocks) made since the last node are
 *   counted (a block is looked at when the next one is asked for, by then
 *   gumbo has filled it in); past max_attributes the parse ends. The tokenizer makes them
 *   while it reads a tag, before the tree builder makes the element, so this
 *   bounds the comparisons of one tag.
 * - An element's attribute bytes (names and values, character references
 *   decoded) are added up when it is linked.
 * - Work below the depth limit is charged (GUARD_WORK).
 *
 * Other blocks can have a node's or a record's size (a 16-entry vector, a
 * 127-byte string), so a block is read as a node only if its type says
 * element, as a record only if its namespace field is one, and parents are
 * followed only through blocks registered as node-sized: nothing outside
 * those blocks is ever read. */

enum guard_trip { TRIP_NONE, TRIP_DEPTH, TRIP_ATTRIBUTES, TRIP_ATTRIBUTE_BYTES, TRIP_WORK };

/* Below the depth limit, gumbo still scans the open elements for most tags: a
 * few MB of tags under 3,990 nested elements took 10-20 s. Every allocation
 * (a tag makes three to five) is charged the depth of the last element linked,
 * beyond GUARD_SHALLOW levels; past GUARD_WORK the parse ends. Ordinary pages
 * (a few dozen levels deep) are never charged at all. */
#define GUARD_SHALLOW 256u
#define GUARD_WORK 500000000ull

typedef struct node_hdr {
	unsigned depth;     /* element ancestors including itself; the document is 0 */
	unsigned resolved;
} node_hdr;

#define HDR_SIZE ((sizeof(node_hdr) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))
#define GUARD_PENDING 16
#define GUARD_SUSPECTS 256

typedef struct parse_guard {
	pqx_arena *arena;
	unsigned max_depth;
	unsigned max_attributes;
	size_t max_attribute_bytes;
	int nodes;              /* track nodes at all (depth or attribute bytes) */
	GumboNode *pending[GUARD_PENDING];
	unsigned npending;
	GumboNode *suspects[GUARD_SUSPECTS]; /* passed a walk that an adoption in progress may have cut short */
	unsigned nsuspects;
	uintptr_t *set;         /* node-sized blocks, open addressing */
	size_t set_cap, set_len;
	unsigned attributes;    /* attribute records since the last node */
	GumboAttribute *record; /* the last record-sized block, not yet looked at */
	GumboAttribute *counted;/* the last block counted as a record */
	GumboNode *node;        /* the last node-sized block, not yet looked at */
	enum guard_trip tripped;
	size_t offset;          /* where, as a byte offset into the text; SIZE_MAX if unknown */
	char tag[33];           /* the element, for attribute bytes */
	size_t bytes;           /* its attribute bytes */
	unsigned deepest;
	unsigned current;       /* depth of the last element linked */
	unsigned long long work;
	GumboNode *last;        /* the last element linked, for the position */
} parse_guard;

static node_hdr *hdr_of(GumboNode *n)
{
	return (node_hdr *)(void *)((unsigned char *)n - HDR_SIZE);
}

static void guard_escape(parse_guard *g)
{
	longjmp(*g->arena->escape, 1);
}

static size_t set_slot(uintptr_t key, size_t cap)
{
	uint64_t h = (uint64_t)(key >> 4) * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 20) & (cap - 1);
}

static int set_has(const parse_guard *g, const void *p)
{
	if (!g->set || !p)
		return 0;
	uintptr_t key = (uintptr_t)p;
	for (size_t i = set_slot(key, g->set_cap);; i = (i + 1) & (g->set_cap - 1)) {
		if (g->set[i] == key)
			return 1;
		if (g->set[i] == 0)
			return 0;
	}
}

static void set_add(parse_guard *g, const void *p)
{
	if ((g->set_len + 1) * 2 > g->set_cap) {
		size_t cap = g->set_cap ? g->set_cap * 2 : 1024;
		if (g->arena->limit && cap * sizeof *g->set > g->arena->limit / 4)
			guard_escape(g); /* a quarter of the parse memory in node pointers: over the limit */
		uintptr_t *n = calloc(cap, sizeof *n);
		if (!n)
			guard_escape(g);
		for (size_t i = 0; i < g->set_cap; i++) {
			if (!g->set[i])
				continue;
			size_t j = set_slot(g->set[i], cap);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = g->set[i];
		}
		free(g->set);
		g->set = n;
		g->set_cap = cap;
	}
	uintptr_t key = (uintptr_t)p;
	size_t i = set_slot(key, g->set_cap);
	while (g->set[i])
		i = (i + 1) & (g->set_cap - 1);
	g->set[i] = key;
	g->set_len++;
}

static int is_element(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

/* The depth of a linked element node from the records, or more than max_depth
 * as soon as that is certain. Records the chain below the first known node. */
static unsigned node_depth(parse_guard *g, GumboNode *n)
{
	unsigned k = 0, base = 0;
	int rooted = 0;
	GumboNode *m = n;
	while (m) {
		node_hdr *h = hdr_of(m);
		if (h->resolved) {
			base = h->depth;
			rooted = 1;
			break;
		}
		if (is_element(m) && ++k > g->max_depth)
			return k;
		GumboNode *up = m->parent;
		if (!up) {
			if (m->type == GUMBO_NODE_DOCUMENT) {
				h->depth = 0;
				h->resolved = 1;
				rooted = 1;
			}
			break;
		}
		if (!set_has(g, up))
			return 0; /* not a node gumbo made: cannot be (see above) */
		m = up;
	}
	unsigned d = base + k;
	if (rooted) {
		unsigned e = d;
		for (GumboNode *q = n; q != m; q = q->parent) {
			node_hdr *h = hdr_of(q);
			h->depth = e;
			h->resolved = 1;
			if (is_element(q))
				e--;
		}
	}
	return d;
}

/* A recorded depth can be too high: the adoption agency moves a misnested
 * block up to the formatting element's parent after its children were made.
 * Gumbo never leaves a node deeper than it was made, so a record is never too
 * low. Before refusing, the chain is walked as it stands now (at most
 * max_depth + 1 steps). That walk may happen in the middle of an adoption, when
 * the block has moved up but its children are not yet under the new formatting
 * element, one level down: so a node that passed this way is walked again when
 * the parse is over (the last GUARD_SUSPECTS of them). */
static unsigned exact_depth(parse_guard *g, GumboNode *n)
{
	unsigned k = 0;
	for (GumboNode *m = n; m; m = m->parent) {
		if (is_element(m) && ++k > g->max_depth)
			return k;
		if (m->parent && !set_has(g, m->parent))
			return 0;
	}
	return k;
}

static void guard_trip(parse_guard *g, enum guard_trip why, GumboNode *n)
{
	g->tripped = why;
	g->offset = n->v.element.start_pos.offset;
	guard_escape(g);
}

static void check_attribute_bytes(parse_guard *g, GumboNode *n)
{
	const GumboVector *attrs = &n->v.element.attributes;
	size_t bytes = 0;
	for (unsigned i = 0; i < attrs->length; i++) {
		const GumboAttribute *a = attrs->data[i];
		bytes += strlen(a->name) + strlen(a->value);
	}
	if (bytes <= g->max_attribute_bytes)
		return;
	g->bytes = bytes;
	const GumboStringPiece *t = &n->v.element.original_tag;
	size_t len = 0;
	if (t->length > 1 && t->data[0] == '<') {
		while (len + 1 < t->length && len < sizeof g->tag - 1) {
			unsigned char c = (unsigned char)t->data[len + 1];
			if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == '/' || c == '>')
				break;
			g->tag[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : (c < 0x20 || c >= 0x7f ? '?' : c));
		}
	}
	g->tag[len] = '\0';
	guard_trip(g, TRIP_ATTRIBUTE_BYTES, n);
}

static void guard_resolve(parse_guard *g)
{
	unsigned keep = 0;
	for (unsigned i = 0; i < g->npending; i++) {
		GumboNode *n = g->pending[i];
		if (!is_element(n))
			continue;
		if (!n->parent) {
			g->pending[keep++] = n; /* made, not yet linked */
			continue;
		}
		if (!set_has(g, n->parent))
			continue;
		if (g->max_attribute_bytes)
			check_attribute_bytes(g, n);
		if (!g->max_depth)
			continue;
		unsigned d = node_depth(g, n);
		if (d > g->max_depth) {
			if ((d = exact_depth(g, n)) > g->max_depth)
				guard_trip(g, TRIP_DEPTH, n);
			g->suspects[g->nsuspects++ % GUARD_SUSPECTS] = n;
		}
		if (d > g->deepest)
			g->deepest = d;
		g->current = d;
		g->last = n;
	}
	g->npending = keep;
}

/* The block of record size made before this allocation is complete now: it is
 * an attribute record if its namespace field holds a namespace (a string of
 * that size starts with four non-zero bytes). */
static void count_record(parse_guard *g)
{
	GumboAttribute *a = g->record;
	g->record = NULL;
	if ((unsigned)a->attr_namespace > GUMBO_ATTR_NAMESPACE_XMLNS)
		return;
	if (++g->attributes > g->max_attributes) {
		g->tripped = TRIP_ATTRIBUTES;
		/* the record before this one has its position filled in */
		g->offset = g->counted ? g->counted->name_start.offset : SIZE_MAX;
		guard_escape(g);
	}
	g->counted = a;
}

/* The node-sized block made before this allocation is complete now: if it is
 * a node, the attribute records after it belong to another tag. (A 16-entry
 * vector starts with a pointer, whose low bits are never a node type.) */
static void check_node(parse_guard *g)
{
	GumboNode *n = g->node;
	g->node = NULL;
	if (is_element(n) || n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	    n->type == GUMBO_NODE_COMMENT || n->type == GUMBO_NODE_CDATA)
		g->attributes = 0;
}

static void *guard_alloc(void *userdata, size_t size)
{
	parse_guard *g = userdata;
	if (g->current > GUARD_SHALLOW && (g->work += g->current - GUARD_SHALLOW) > GUARD_WORK &&
	    g->max_depth) {
		g->tripped = TRIP_WORK;
		g->offset = g->last ? g->last->v.element.start_pos.offset : SIZE_MAX;
		guard_escape(g);
	}
	if (g->record)
		count_record(g);
	else if (g->node)
		check_node(g);
	if (size == sizeof(GumboNode)) {
		if (!g->nodes) {
			g->node = pqx_arena_alloc(g->arena, size);
			memset(g->node, 0, size);
			return g->node;
		}
		guard_resolve(g);
		unsigned char *b = pqx_arena_alloc(g->arena, HDR_SIZE + size);
		memset(b, 0, HDR_SIZE + size);
		GumboNode *n = (GumboNode *)(void *)(b + HDR_SIZE);
		set_add(g, n);
		if (g->npending == GUARD_PENDING) {
			memmove(g->pending, g->pending + 1, sizeof g->pending[0] * (GUARD_PENDING - 1));
			g->npending--;
		}
		g->pending[g->npending++] = n;
		g->node = n;
		return n;
	}
	if (size == sizeof(GumboAttribute) && g->max_attributes) {
		void *a = pqx_arena_alloc(g->arena, size);
		memset(a, 0xff, size); /* not a namespace until gumbo writes one */
		g->record = a;
		return a;
	}
	return pqx_arena_alloc(g->arena, size);
}

static void guard_dealloc(void *userdata, void *ptr)
{
	(void)userdata;
	(void)ptr;
}

/* after the parse: the last nodes, and the suspects on the finished tree */
static void guard_finish(parse_guard *g)
{
	if (g->record)
		count_record(g);
	g->node = NULL;
	guard_resolve(g);
	unsigned n = g->nsuspects < GUARD_SUSPECTS ? g->nsuspects : GUARD_SUSPECTS;
	for (unsigned i = 0; i < n; i++) {
		GumboNode *s = g->suspects[i];
		unsigned d = exact_depth(g, s);
		if (d > g->deepest)
			g->deepest = d;
		if (d > g->max_depth)
			guard_trip(g, TRIP_DEPTH, s);
	}
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

static void position_of(const char *html, size_t len, size_t offset, unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;
	if (offset > len)
		offset = len;
	for (const char *p = html, *at = html + offset; p < at; p++) {
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

/* Runs gumbo under the guard; NULL when a limit (depth, attributes, memory)
 * stopped it, with g->tripped saying which (TRIP_NONE for memory). */
static GumboOutput *guarded_parse(parse_guard *g, const GumboOptions *opts, const char *html, size_t len)
{
	jmp_buf escape;
	g->arena->escape = &escape;
	if (setjmp(escape) != 0) {
		g->arena->escape = NULL;
		return NULL;
	}
	GumboOutput *out = gumbo_parse_with_options(opts, html, len);
	guard_finish(g); /* may leave through the escape */
	g->arena->escape = NULL;
	return out;
}

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

	const char *html = doc->text.utf8;
	size_t hlen = doc->text.len;
	parse_guard *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return PQX_PARSE_LIMIT;
	}
	g->arena = &doc->arena;
	g->max_depth = lim->max_depth;
	g->max_attributes = lim->max_attributes;
	g->max_attribute_bytes = lim->max_attribute_bytes;
	g->nodes = lim->max_depth || lim->max_attribute_bytes;
	GumboOptions opts = kGumboDefaultOptions;
	opts.allocator = guard_alloc;
	opts.deallocator = guard_dealloc;
	opts.userdata = g;
	opts.max_errors = lim->max_errors;
	opts.fragment_context = pqx_fragment_context(html, hlen, &doc->fragment);
	opts.fragment_namespace = GUMBO_NAMESPACE_HTML;
	doc->out = guarded_parse(g, &opts, html, hlen);
	enum guard_trip why = g->tripped;
	size_t at = g->offset, abytes = g->bytes;
	unsigned deep = g->current;
	char tag[sizeof g->tag];
	memcpy(tag, g->tag, sizeof tag);
	doc->max_depth_seen = g->deepest;
	free(g->set);
	free(g);
	if (doc->out) {
		doc->parse_errors = doc->out->errors.length;
		return PQX_PARSE_OK;
	}
	pqx_arena_free(&doc->arena);
	char where[64] = "";
	if (why != TRIP_NONE && at <= hlen) {
		unsigned line, col;
		position_of(html, hlen, at, &line, &col);
		snprintf(where, sizeof where, "line %u, column %u: ", line, col);
	}
	if (why == TRIP_DEPTH)
		snprintf(err, errlen, "%selements nest deeper than %u (--max-depth)", where, lim->max_depth);
	else if (why == TRIP_WORK)
		snprintf(err, errlen, "%stoo many tags under elements nested %u deep: parsing them would "
		         "take minutes (lower --max-depth to refuse such nesting sooner)", where, deep);
	else if (why == TRIP_ATTRIBUTES)
		snprintf(err, errlen, "%san element has more than %u attributes (--max-attributes)", where,
		         lim->max_attributes);
	else if (why == TRIP_ATTRIBUTE_BYTES)
		snprintf(err, errlen, "%sthe attributes of <%s> are %zu bytes, over the limit of %zu "
		         "(--max-attribute-bytes)", where, tag, abytes, lim->max_attribute_bytes);
	else
		snprintf(err, errlen, "parsing needs more than %zu bytes of memory (--max-parse-memory)",
		         lim->max_parse_memory);
	return PQX_PARSE_LIMIT;
}

void pqx_document_free(pqx_document *doc)
{
	pqx_arena_free(&doc->arena);
	doc->out = NULL;
	pqx_decoded_free(&doc->text);
}
