/*
 * select.c: the CSS selector engine (see select.h and docs/selectors.md).
 * It owns the selector parser, the compiled form and the matcher over gumbo
 * nodes. It never includes Lua, never caches anything globally, never
 * allocates per candidate node (scratch buffers live in the pqx_sel) and never
 * recurses on document depth: tree walks loop over parent pointers and
 * index_within_parent. The only recursion is on selector structure, which
 * the parser bounds (MAX_NEST, MAX_COMPOUNDS).
 */
#include "select.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "casefold.h"
#include "text.h"

/* Bounds on selector structure keep the matcher's recursion (which follows
 * the selector, never the document) within a small, fixed stack budget. */
#define MAX_NEST 16
#define MAX_COMPOUNDS 64
#define MATCH_LIMIT 1000000

enum comb { COMB_NONE, COMB_DESC, COMB_CHILD, COMB_ADJ, COMB_SIB };

enum kind {
	K_ID, K_CLASS, K_ATTR, K_NTH, K_EMPTY, K_ROOT, K_SCOPE, K_NOT, K_IS, K_HAS,
	K_CHECKED, K_DISABLED, K_ENABLED, K_LINK, K_CONTAINS, K_MATCHES,
};

enum attrop { A_EXISTS, A_EQ, A_WORD, A_DASH, A_PREFIX, A_SUFFIX, A_SUBSTR };

/* Matching results, after the well-known failure-propagation scheme: a
 * failure tells the outer combinator loops whether trying further candidates
 * can still succeed, which keeps "a b c" linear instead of exponential. */
enum { M_OK, M_RESTART_SIB, M_RESTART_DESC, M_GLOBAL };

struct list;

/* Sibling counts for :nth-*: document-order scans query consecutive siblings
 * of one parent, so counting on from the last answer makes a whole row of
 * siblings linear. Valid only within one public call (gen). */
struct nthcache {
	unsigned gen;
	const GumboNode *parent, *scope;
	GumboTag tag;
	size_t idx;
	long before, total;
};

/* Memos of :has() and :pqx-contains() within one public call (gen), which
 * make them near linear in the page where the answer for one element implies
 * the answer for the next (see match_has and match_text). NEG entries are
 * anchors known not to match whose descendants cannot match either. */
#define MEMO_NEG 16
struct memo {
	unsigned gen;
	const GumboNode *anchor;   /* :has(): the last anchor a scan answered */
	const GumboNode *witness;  /* ...the sibling or descendant it matched at, or NULL */
	const GumboNode *neg[MEMO_NEG];
	unsigned nneg;
	int ok;                    /* 0 unknown, 1 the relative selector allows a memo, -1 not */
};

struct cond {
	int kind;
	int op, icase, last, oftype;
	char *name; size_t nlen;   /* attribute name (lower case), id, class, text needle */
	char *val; size_t vlen;
	long a, b;
	struct list *sub;
	pcre2_code *re;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	struct nthcache nc;
	struct memo memo;
};

struct compound {
	int any;               /* no type selector (or '*') */
	GumboTag tag;
	char *tname; size_t tnlen;  /* lower-cased, for tags gumbo does not know */
	int scope_only;        /* exactly ":scope": may match a document node */
	struct cond *conds; size_t nconds, ccap;
	int comb;              /* relation to the compound on its left */
	/* Memo of the last descendant-combinator walk: "does some ancestor-or-self
	 * of start match the left part". Makes deep chains linear. */
	unsigned m_gen;
	const GumboNode *m_start, *m_scope;
	int m_res;
};

struct complex {
	struct compound *c;    /* right to left: c[0] is the subject */
	size_t n, cap;
	int output;            /* PQX_SEL_* */
	char *attr;
	size_t col;            /* where it starts, for list-level errors */
};

struct list {
	struct complex *v;
	size_t n, cap;
};

struct pqx_sel {
	struct list *list;
	int output;
	char *attr;
	unsigned gen;
	pqx_buf text, fold;
};

static int memo_on = 1;

void pqx_sel_set_memo(int on)
{
	memo_on = on;
}

/* ------------------------------------------------------------------------ */
/* memory helpers */

static int grow(void **arr, size_t *cap, size_t n, size_t elsz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 4;
	void *p = realloc(*arr, nc * elsz);
	if (!p)
		return -1;
	memset((char *)p + *cap * elsz, 0, (nc - *cap) * elsz);
	*arr = p;
	*cap = nc;
	return 0;
}

static void free_list(struct list *l);

static void free_cond(struct cond *c)
{
	free(c->name);
	free(c->val);
	free_list(c->sub);
	if (c->md)
		pcre2_match_data_free(c->md);
	if (c->mc)
		pcre2_match_context_free(c->mc);
	if (c->re)
		pcre2_code_free(c->re);
}

static void free_list(struct list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		struct complex *cx = &l->v[i];
		for (size_t j = 0; j < cx->n; j++) {
			struct compound *cp = &cx->c[j];
			for (size_t k = 0; k < cp->nconds; k++)
				free_cond(&cp->conds[k]);
			free(cp->conds);
			free(cp->tname);
		}
		free(cx->c);
		free(cx->attr);
	}
	free(l->v);
	free(l);
}

void pqx_sel_free(pqx_sel *sel)
{
	if (!sel)
		return;
	free_list(sel->list);
	free(sel->attr);
	pqx_buf_free(&sel->text);
	pqx_buf_free(&sel->fold);
	free(sel);
}

void pqx_nodevec_free(pqx_nodevec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* ------------------------------------------------------------------------ */
/* parser */

enum ctx { CTX_TOP, CTX_NESTED, CTX_RELATIVE };

typedef struct P {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	int failed, depth;
	pqx_buf tmp;
} P;

static size_t col_of(const P *p, size_t pos)
{
	size_t col = 1;
	for (size_t i = 0; i < pos && i < p->len; i++)
		if (((unsigned char)p->s[i] & 0xC0) != 0x80)
			col++;
	return col;
}

static int perr(P *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Only the first error counts: later ones are consequences. */
static int perr(P *p, size_t pos, const char *fmt, ...)
{
	if (p->failed)
		return -1;
	p->failed = 1;
	if (!p->err || !p->errlen)
		return -1;
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s at column %zu in \"%.*s\"", what, col_of(p, pos),
	         (int)(p->len > 4096 ? 4096 : p->len), p->s);
	return -1;
}

static int oom(P *p)
{
	if (!p->failed && p->err && p->errlen)
		snprintf(p->err, p->errlen, "out of memory compiling selector");
	p->failed = 1;
	return -1;
}

static int cur(const P *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int at(const P *p, size_t pos)
{
	return pos < p->len ? (unsigned char)p->s[pos] : -1;
}

static size_t u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static int unexpected(P *p, size_t pos)
{
	if (pos >= p->len)
		return perr(p, p->len, "unexpected end of selector");
	size_t n = u8len((unsigned char)p->s[pos]);
	if (pos + n > p->len)
		n = p->len - pos;
	return perr(p, pos, "unexpected '%.*s'", (int)n, p->s + pos);
}

static int is_ws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Skips white space and comments; returns 1 if anything was skipped. */
static int skip_ws(P *p)
{
	size_t start = p->pos;
	for (;;) {
		if (is_ws(cur(p))) {
			p->pos++;
		} else if (cur(p) == '/' && at(p, p->pos + 1) == '*') {
			size_t open = p->pos;
			p->pos += 2;
			while (p->pos < p->len && !(cur(p) == '*' && at(p, p->pos + 1) == '/'))
				p->pos++;
			if (p->pos >= p->len) {
				perr(p, open, "unterminated comment");
				return 1;
			}
			p->pos += 2;
		} else {
			break;
		}
	}
	return p->pos != start;
}

static int is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int valid_escape(const P *p, size_t pos)
{
	return at(p, pos) == '\\' && at(p, pos + 1) != '\n' && at(p, pos + 1) != '\r' &&
	       at(p, pos + 1) != '\f' && pos + 1 < p->len;
}

static int starts_ident(const P *p, size_t pos)
{
	int c = at(p, pos);
	if (c == '-') {
		int d = at(p, pos + 1);
		return is_name_start(d) || d == '-' || valid_escape(p, pos + 1);
	}
	return is_name_start(c) || valid_escape(p, pos);
}

static void put_utf8(pqx_buf *b, unsigned long cp)
{
	pqx_buf_add_utf8(b, (uint32_t)cp);
}

/* At the character after a backslash: CSS escape to UTF-8. */
static void read_escape(P *p, pqx_buf *out)
{
	if (p->pos >= p->len) {
		put_utf8(out, 0xFFFD);
		return;
	}
	if (is_hex(cur(p))) {
		unsigned long cp = 0;
		for (int i = 0; i < 6 && is_hex(cur(p)); i++, p->pos++) {
			int c = cur(p);
			cp = cp * 16 + (unsigned long)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		}
		if (cur(p) == '\r' && at(p, p->pos + 1) == '\n')
			p->pos += 2;
		else if (is_ws(cur(p)))
			p->pos++;
		if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			cp = 0xFFFD;
		put_utf8(out, cp);
		return;
	}
	size_t n = u8len((unsigned char)p->s[p->pos]);
	if (p->pos + n > p->len)
		n = p->len - p->pos;
	pqx_buf_add(out, p->s + p->pos, n);
	p->pos += n;
}

/* Reads an identifier (caller checked starts_ident) into out. */
static void read_ident(P *p, pqx_buf *out)
{
	pqx_buf_reset(out);
	for (;;) {
		int c = cur(p);
		if (c == '\\' && valid_escape(p, p->pos)) {
			p->pos++;
			read_escape(p, out);
		} else if (c >= 0 && is_name_char(c)) {
			pqx_buf_addc(out, (char)c);
			p->pos++;
		} else {
			break;
		}
	}
}

static int read_string(P *p, pqx_buf *out)
{
	size_t open = p->pos;
	int q = cur(p);
	p->pos++;
	pqx_buf_reset(out);
	for (;;) {
		int c = cur(p);
		if (c < 0 || c == '\n' || c == '\r' || c == '\f')
			return perr(p, open, "unterminated string");
		p->pos++;
		if (c == q)
			return 0;
		if (c == '\\') {
			int d = cur(p);
			if (d < 0)
				continue;
			if (d == '\r' && at(p, p->pos + 1) == '\n') {
				p->pos += 2;
				continue;
			}
			if (d == '\n' || d == '\r' || d == '\f') {
				p->pos++;
				continue;
			}
			read_escape(p, out);
		} else {
			pqx_buf_addc(out, (char)c);
		}
	}
}

static void ascii_lower(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] + 32);
}

static int ieq(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return 0;
	}
	return 1;
}

static char *dup_buf(const pqx_buf *b, size_t *n)
{
	char *s = malloc(b->len + 1);
	if (!s)
		return NULL;
	if (b->len)
		memcpy(s, b->s, b->len);
	s[b->len] = '\0';
	if (n)
		*n = b->len;
	return s;
}

static struct cond *new_cond(P *p, struct compound *cp, int kind)
{
	if (grow((void **)&cp->conds, &cp->ccap, cp->nconds, sizeof *cp->conds)) {
		oom(p);
		return NULL;
	}
	struct cond *c = &cp->conds[cp->nconds++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	return c;
}

static int parse_list(P *p, int ctx, struct list *l);

/* Finds the end of a functional argument (the matching ')') for messages. */
static size_t arg_end(const P *p, size_t pos)
{
	int depth = 0;
	while (pos < p->len) {
		int c = at(p, pos);
		if (c == '(')
			depth++;
		else if (c == ')' && depth-- == 0)
			break;
		pos++;
	}
	return pos;
}

static int nth_error(P *p, size_t start)
{
	size_t s = start, e = arg_end(p, start);
	while (s < e && is_ws(at(p, s)))
		s++;
	while (e > s && is_ws(at(p, e - 1)))
		e--;
	return perr(p, s, "invalid nth expression '%.*s'", (int)(e - s), p->s + s);
}

static int read_int(P *p, long *v)
{
	if (!(cur(p) >= '0' && cur(p) <= '9'))
		return -1;
	long x = 0;
	while (cur(p) >= '0' && cur(p) <= '9') {
		x = x * 10 + (cur(p) - '0');
		if (x > 1000000000L)
			return -1;
		p->pos++;
	}
	*v = x;
	return 0;
}

/* An+B, after '(' (white space allowed around the B sign, not after A's). */
static int parse_anb(P *p, long *a, long *b)
{
	size_t start = p->pos;
	skip_ws(p);
	if (starts_ident(p, p->pos) && cur(p) != '-' && cur(p) != 'n' && cur(p) != 'N') {
		size_t save = p->pos;
		read_ident(p, &p->tmp);
		if (ieq(p->tmp.s, p->tmp.len, "odd", 3)) {
			*a = 2, *b = 1;
			return 0;
		}
		if (ieq(p->tmp.s, p->tmp.len, "even", 4)) {
			*a = 2, *b = 0;
			return 0;
		}
		p->pos = save;
		return nth_error(p, start);
	}
	long sign = 1, v = 1;
	if (cur(p) == '+' || cur(p) == '-') {
		sign = cur(p) == '-' ? -1 : 1;
		p->pos++;
	}
	int digits = cur(p) >= '0' && cur(p) <= '9';
	if (digits && read_int(p, &v))
		return nth_error(p, start);
	if (cur(p) == 'n' || cur(p) == 'N') {
		p->pos++;
		*a = sign * v;
		*b = 0;
		size_t save = p->pos;
		skip_ws(p);
		if (cur(p) == '+' || cur(p) == '-') {
			long s2 = cur(p) == '-' ? -1 : 1;
			p->pos++;
			skip_ws(p);
			if (read_int(p, &v))
				return nth_error(p, start);
			*b = s2 * v;
		} else {
			p->pos = save;
		}
		if (is_name_char(cur(p)))
			return nth_error(p, start);
		return 0;
	}
	if (!digits || is_name_char(cur(p)))
		return nth_error(p, start);
	*a = 0;
	*b = sign * v;
	return 0;
}

static int expect_close(P *p)
{
	skip_ws(p);
	if (p->failed)
		return -1;
	if (cur(p) != ')')
		return unexpected(p, p->pos);
	p->pos++;
	return 0;
}

static int parse_sublist(P *p, struct cond *c, int ctx, size_t at_pos)
{
	if (p->depth >= MAX_NEST)
		return perr(p, at_pos, "selector nested too deeply");
	c->sub = calloc(1, sizeof *c->sub);
	if (!c->sub)
		return oom(p);
	p->depth++;
	int r = parse_list(p, ctx, c->sub);
	p->depth--;
	return r;
}

static int parse_regex(P *p, struct cond *c)
{
	skip_ws(p);
	if (cur(p) != '/')
		return unexpected(p, p->pos);
	size_t open = p->pos++;
	size_t pat_pos = p->pos;
	pqx_buf_reset(&p->tmp);
	for (;;) {
		int ch = cur(p);
		if (ch < 0)
			return perr(p, open, "unterminated regular expression");
		p->pos++;
		if (ch == '/')
			break;
		if (ch == '\\' && cur(p) == '/') {
			pqx_buf_addc(&p->tmp, '/');
			p->pos++;
		} else if (ch == '\\' && p->pos < p->len) {
			pqx_buf_addc(&p->tmp, '\\');
			pqx_buf_addc(&p->tmp, p->s[p->pos++]);
		} else {
			pqx_buf_addc(&p->tmp, (char)ch);
		}
	}
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;
	while (cur(p) >= 'a' && cur(p) <= 'z') {
		switch (cur(p)) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default:
			return perr(p, p->pos, "unknown regular expression flag '%c'", cur(p));
		}
		p->pos++;
	}
	if (p->tmp.oom)
		return oom(p);
	int ec;
	PCRE2_SIZE eoff;
	c->re = pcre2_compile((PCRE2_SPTR)(p->tmp.s ? p->tmp.s : ""), p->tmp.len, opts, &ec, &eoff, NULL);
	if (!c->re) {
		PCRE2_UCHAR msg[200];
		pcre2_get_error_message(ec, msg, sizeof msg);
		size_t epos = pat_pos + eoff;
		if (epos > p->len)
			epos = p->len;
		return perr(p, epos, "invalid regular expression: %s", (char *)msg);
	}
	c->md = pcre2_match_data_create(1, NULL);
	c->mc = pcre2_match_context_create(NULL);
	if (!c->md || !c->mc)
		return oom(p);
	/* a pathological pattern on a long text must end, not hang the page:
	 * past the limit the element simply does not match */
	pcre2_set_match_limit(c->mc, MATCH_LIMIT);
	return expect_close(p);
}

/* The optional case flag after a string: `i` (fold case) or `s` (as is). */
static int parse_case_flag(P *p, struct cond *c)
{
	skip_ws(p);
	if (!starts_ident(p, p->pos))
		return 0;
	size_t fpos = p->pos;
	read_ident(p, &p->tmp);
	if (ieq(p->tmp.s, p->tmp.len, "i", 1))
		c->icase = 1;
	else if (!ieq(p->tmp.s, p->tmp.len, "s", 1))
		return unexpected(p, fpos);
	return 0;
}

static int parse_contains(P *p, struct cond *c)
{
	skip_ws(p);
	if (cur(p) != '"' && cur(p) != '\'')
		return unexpected(p, p->pos);
	if (read_string(p, &p->tmp))
		return -1;
	size_t n = p->tmp.len;
	char *s = dup_buf(&p->tmp, &n);
	if (!s)
		return oom(p);
	c->val = s;
	c->vlen = n;
	if (parse_case_flag(p, c))
		return -1;
	if (c->icase) {
		pqx_buf_reset(&p->tmp);
		pqx_casefold(c->val, c->vlen, &p->tmp); /* Unicode simple folding */
		free(c->val);
		c->val = dup_buf(&p->tmp, &c->vlen);
		if (!c->val)
			return oom(p);
	}
	return expect_close(p);
}

static int parse_attr(P *p, struct compound *cp)
{
	p->pos++;
	skip_ws(p);
	if (!starts_ident(p, p->pos))
		return unexpected(p, p->pos);
	read_ident(p, &p->tmp);
	struct cond *c = new_cond(p, cp, K_ATTR);
	if (!c)
		return -1;
	c->name = dup_buf(&p->tmp, &c->nlen);
	if (!c->name)
		return oom(p);
	ascii_lower(c->name, c->nlen);
	skip_ws(p);
	int ch = cur(p);
	if (ch == ']') {
		p->pos++;
		c->op = A_EXISTS;
		return 0;
	}
	if (ch == '=') {
		c->op = A_EQ;
		p->pos++;
	} else {
		int op = ch == '~' ? A_WORD : ch == '|' ? A_DASH : ch == '^' ? A_PREFIX :
		         ch == '$' ? A_SUFFIX : ch == '*' ? A_SUBSTR : -1;
		if (op < 0 || at(p, p->pos + 1) != '=')
			return unexpected(p, op < 0 ? p->pos : p->pos + 1);
		c->op = op;
		p->pos += 2;
	}
	skip_ws(p);
	if (cur(p) == '"' || cur(p) == '\'') {
		if (read_string(p, &p->tmp))
			return -1;
	} else if (starts_ident(p, p->pos)) {
		read_ident(p, &p->tmp);
	} else {
		return unexpected(p, p->pos);
	}
	c->val = dup_buf(&p->tmp, &c->vlen);
	if (!c->val)
		return oom(p);
	if (parse_case_flag(p, c))
		return -1;
	skip_ws(p);
	if (cur(p) != ']')
		return unexpected(p, p->pos);
	p->pos++;
	return 0;
}

struct pseudo {
	const char *name;
	int kind, fn, last, oftype;
	long a, b;
};

static const struct pseudo pseudos[] = {
	{"first-child", K_NTH, 0, 0, 0, 0, 1},
	{"last-child", K_NTH, 0, 1, 0, 0, 1},
	{"first-of-type", K_NTH, 0, 0, 1, 0, 1},
	{"last-of-type", K_NTH, 0, 1, 1, 0, 1},
	{"only-child", K_NTH, 0, 0, 0, 0, 1},   /* expanded to first + last */
	{"only-of-type", K_NTH, 0, 0, 1, 0, 1},
	{"empty", K_EMPTY, 0, 0, 0, 0, 0},
	{"root", K_ROOT, 0, 0, 0, 0, 0},
	{"scope", K_SCOPE, 0, 0, 0, 0, 0},
	{"checked", K_CHECKED, 0, 0, 0, 0, 0},
	{"disabled", K_DISABLED, 0, 0, 0, 0, 0},
	{"enabled", K_ENABLED, 0, 0, 0, 0, 0},
	{"link", K_LINK, 0, 0, 0, 0, 0},
	{"any-link", K_LINK, 0, 0, 0, 0, 0},
	{"nth-child", K_NTH, 1, 0, 0, 0, 0},
	{"nth-last-child", K_NTH, 1, 1, 0, 0, 0},
	{"nth-of-type", K_NTH, 1, 0, 1, 0, 0},
	{"nth-last-of-type", K_NTH, 1, 1, 1, 0, 0},
	{"not", K_NOT, 1, 0, 0, 0, 0},
	{"is", K_IS, 1, 0, 0, 0, 0},
	{"where", K_IS, 1, 0, 0, 0, 0},
	{"has", K_HAS, 1, 0, 0, 0, 0},
	{"pqx-contains", K_CONTAINS, 1, 0, 0, 0, 0},
	{"pqx-contains-own", K_CONTAINS, 1, 1, 0, 0, 0},
	{"pqx-matches", K_MATCHES, 1, 0, 0, 0, 0},
};

static int parse_pseudo(P *p, struct compound *cp)
{
	size_t colon = p->pos++;
	if (!starts_ident(p, p->pos))
		return unexpected(p, p->pos);
	read_ident(p, &p->tmp);
	ascii_lower(p->tmp.s, p->tmp.len);
	int fn = cur(p) == '(';
	const struct pseudo *ps = NULL;
	for (size_t i = 0; i < sizeof pseudos / sizeof pseudos[0]; i++)
		if (strlen(pseudos[i].name) == p->tmp.len && memcmp(pseudos[i].name, p->tmp.s, p->tmp.len) == 0)
			ps = &pseudos[i];
	if (!ps)
		return perr(p, colon + 1, "unknown pseudo-class ':%.*s%s'", (int)p->tmp.len, p->tmp.s, fn ? "()" : "");
	if (ps->fn != fn)
		return unexpected(p, p->pos);
	if (fn)
		p->pos++;
	struct cond *c = new_cond(p, cp, ps->kind);
	if (!c)
		return -1;
	c->last = ps->last;
	c->oftype = ps->oftype;
	c->a = ps->a;
	c->b = ps->b;
	if (!fn) {
		if (!strcmp(ps->name, "only-child") || !strcmp(ps->name, "only-of-type")) {
			struct cond *d = new_cond(p, cp, K_NTH);
			if (!d)
				return -1;
			d->last = 1;
			d->oftype = ps->oftype;
			d->a = 0;
			d->b = 1;
		}
		return 0;
	}
	switch (ps->kind) {
	case K_NTH: {
		size_t arg = p->pos;
		if (parse_anb(p, &c->a, &c->b))
			return -1;
		int ws = skip_ws(p);
		if (cur(p) == ')' || cur(p) < 0 || p->failed)
			return expect_close(p);
		size_t opos = p->pos;
		if (c->oftype || !ws || !starts_ident(p, p->pos))
			return nth_error(p, arg);
		read_ident(p, &p->tmp);
		if (!ieq(p->tmp.s, p->tmp.len, "of", 2))
			return nth_error(p, arg);
		if (!skip_ws(p))
			return unexpected(p, p->pos);
		if (parse_sublist(p, c, CTX_NESTED, opos))
			return -1;
		return expect_close(p);
	}
	case K_NOT:
	case K_IS:
		if (parse_sublist(p, c, CTX_NESTED, colon))
			return -1;
		return expect_close(p);
	case K_HAS:
		if (parse_sublist(p, c, CTX_RELATIVE, colon))
			return -1;
		return expect_close(p);
	case K_CONTAINS:
		return parse_contains(p, c);
	case K_MATCHES:
		c->last = 0;
		return parse_regex(p, c);
	}
	return 0;
}

static int parse_pseudo_element(P *p, struct complex *cx, int ctx)
{
	size_t start = p->pos;
	p->pos += 2;
	if (!starts_ident(p, p->pos))
		return unexpected(p, p->pos);
	read_ident(p, &p->tmp);
	ascii_lower(p->tmp.s, p->tmp.len);
	int fn = cur(p) == '(';
	int out = 0;
	if (!fn && ieq(p->tmp.s, p->tmp.len, "text", 4))
		out = PQX_SEL_TEXT;
	else if (fn && ieq(p->tmp.s, p->tmp.len, "attr", 4))
		out = PQX_SEL_ATTR;
	else
		return perr(p, start + 2, "unknown pseudo-element '::%.*s%s'", (int)p->tmp.len, p->tmp.s, fn ? "()" : "");
	if (ctx != CTX_TOP)
		return perr(p, start, "pseudo-element '::%s' not allowed here", out == PQX_SEL_TEXT ? "text" : "attr()");
	cx->output = out;
	if (out == PQX_SEL_ATTR) {
		p->pos++;
		skip_ws(p);
		if (!starts_ident(p, p->pos))
			return unexpected(p, p->pos);
		read_ident(p, &p->tmp);
		cx->attr = dup_buf(&p->tmp, NULL);
		if (!cx->attr)
			return oom(p);
		ascii_lower(cx->attr, strlen(cx->attr));
		if (expect_close(p))
			return -1;
	}
	return 0;
}

static int parse_compound(P *p, struct complex *cx, int ctx, int comb)
{
	if (cx->n >= MAX_COMPOUNDS)
		return perr(p, p->pos, "selector has too many compounds");
	if (grow((void **)&cx->c, &cx->cap, cx->n, sizeof *cx->c))
		return oom(p);
	struct compound *cp = &cx->c[cx->n++];
	memset(cp, 0, sizeof *cp);
	cp->comb = comb;
	cp->any = 1;
	size_t start = p->pos;
	if (cur(p) == '*') {
		p->pos++;
	} else if (starts_ident(p, p->pos)) {
		read_ident(p, &p->tmp);
		ascii_lower(p->tmp.s, p->tmp.len);
		cp->any = 0;
		cp->tag = gumbo_tagn_enum(p->tmp.s, (unsigned)p->tmp.len);
		if (cp->tag == GUMBO_TAG_UNKNOWN) {
			cp->tname = dup_buf(&p->tmp, &cp->tnlen);
			if (!cp->tname)
				return oom(p);
		}
	}
	if (cur(p) == '|')
		return unexpected(p, p->pos);
	for (;;) {
		int c = cur(p);
		if (c == '#' || c == '.') {
			p->pos++;
			if (!starts_ident(p, p->pos))
				return unexpected(p, p->pos);
			read_ident(p, &p->tmp);
			struct cond *d = new_cond(p, cp, c == '#' ? K_ID : K_CLASS);
			if (!d)
				return -1;
			d->name = dup_buf(&p->tmp, &d->nlen);
			if (!d->name)
				return oom(p);
		} else if (c == '[') {
			if (parse_attr(p, cp))
				return -1;
		} else if (c == ':' && at(p, p->pos + 1) == ':') {
			if (parse_pseudo_element(p, cx, ctx))
				return -1;
			/* an output pseudo-element ends the complex selector */
			int n = cur(p);
			if (!(n < 0 || is_ws(n) || n == ',' || n == '/'))
				return unexpected(p, p->pos);
			break;
		} else if (c == ':') {
			if (parse_pseudo(p, cp))
				return -1;
		} else {
			break;
		}
	}
	if (p->pos == start)
		return unexpected(p, p->pos);
	cp->scope_only = cp->any && cp->nconds == 1 && cp->conds[0].kind == K_SCOPE;
	return 0;
}

static int comb_char(int c)
{
	return c == '>' ? COMB_CHILD : c == '+' ? COMB_ADJ : c == '~' ? COMB_SIB : COMB_NONE;
}

static int add_scope_compound(P *p, struct complex *cx)
{
	if (grow((void **)&cx->c, &cx->cap, cx->n, sizeof *cx->c))
		return oom(p);
	struct compound *cp = &cx->c[cx->n++];
	memset(cp, 0, sizeof *cp);
	cp->any = 1;
	cp->comb = COMB_NONE;
	if (!new_cond(p, cp, K_SCOPE))
		return -1;
	cp->scope_only = 1;
	return 0;
}

static int parse_complex(P *p, int ctx, struct complex *cx)
{
	cx->col = p->pos;
	int comb = COMB_NONE;
	int lead = comb_char(cur(p));
	if (lead != COMB_NONE && ctx != CTX_NESTED) {
		if (add_scope_compound(p, cx))
			return -1;
		comb = lead;
		p->pos++;
		skip_ws(p);
	} else if (ctx == CTX_RELATIVE) {
		if (add_scope_compound(p, cx))
			return -1;
		comb = COMB_DESC;
	}
	for (;;) {
		if (p->failed)
			return -1;
		if (parse_compound(p, cx, ctx, comb))
			return -1;
		if (cx->output)
			break;
		int ws = skip_ws(p);
		if (p->failed)
			return -1;
		int c = cur(p);
		comb = comb_char(c);
		if (comb != COMB_NONE) {
			p->pos++;
			skip_ws(p);
		} else if (ws && c >= 0 && c != ',' && c != ')') {
			comb = COMB_DESC;
		} else {
			break;
		}
	}
	/* right to left for matching */
	for (size_t i = 0, j = cx->n - 1; i < j; i++, j--) {
		struct compound t = cx->c[i];
		cx->c[i] = cx->c[j];
		cx->c[j] = t;
	}
	return 0;
}

static int parse_list(P *p, int ctx, struct list *l)
{
	for (;;) {
		skip_ws(p);
		if (p->failed)
			return -1;
		if (grow((void **)&l->v, &l->cap, l->n, sizeof *l->v))
			return oom(p);
		struct complex *cx = &l->v[l->n++];
		memset(cx, 0, sizeof *cx);
		if (parse_complex(p, ctx, cx))
			return -1;
		skip_ws(p);
		if (p->failed)
			return -1;
		if (cur(p) != ',')
			break;
		p->pos++;
	}
	if (ctx == CTX_TOP && p->pos < p->len)
		return unexpected(p, p->pos);
	return 0;
}

pqx_sel *pqx_sel_compile(const char *css, size_t len, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	P p = {css ? css : "", css ? len : 0, 0, err, errlen, 0, 0, PQX_BUF_INIT};
	skip_ws(&p);
	if (!p.failed && p.pos >= p.len) {
		if (err && errlen)
			snprintf(err, errlen, "empty selector");
		return NULL;
	}
	p.pos = 0;
	pqx_sel *sel = calloc(1, sizeof *sel);
	if (!sel || !(sel->list = calloc(1, sizeof *sel->list))) {
		free(sel);
		oom(&p);
		return NULL;
	}
	if (parse_list(&p, CTX_TOP, sel->list) == 0 && !p.tmp.oom) {
		struct list *l = sel->list;
		sel->output = l->v[0].output;
		for (size_t i = 1; i < l->n && !p.failed; i++) {
			const char *a = l->v[0].attr, *b = l->v[i].attr;
			if (l->v[i].output != sel->output || (a && b && strcmp(a, b)))
				perr(&p, l->v[i].col, "selector list mixes output pseudo-elements");
		}
		if (!p.failed && l->v[0].attr) {
			size_t n = strlen(l->v[0].attr) + 1;
			if (!(sel->attr = malloc(n)))
				oom(&p);
			else
				memcpy(sel->attr, l->v[0].attr, n);
		}
	} else if (p.tmp.oom) {
		oom(&p);
	}
	pqx_buf_free(&p.tmp);
	if (p.failed) {
		pqx_sel_free(sel);
		return NULL;
	}
	return sel;
}

enum pqx_sel_output pqx_sel_output(const pqx_sel *sel, const char **attr)
{
	if (attr)
		*attr = sel->attr;
	return (enum pqx_sel_output)sel->output;
}

/* ------------------------------------------------------------------------ */
/* matcher */

typedef struct M {
	pqx_sel *sel;
	const GumboNode *scope;   /* NULL: :scope is the root element */
} M;

static int is_el(const GumboNode *n)
{
	return n && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}

static const GumboVector *kids(const GumboNode *n)
{
	if (!n)
		return NULL;
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	return NULL;
}

/* Next node in document order inside root's subtree. Template contents are
 * not entered below root: like the DOM, they are not part of the document. */
static const GumboNode *next_node(const GumboNode *n, const GumboNode *root)
{
	const GumboVector *k = (n == root || n->type != GUMBO_NODE_TEMPLATE) ? kids(n) : NULL;
	if (k && k->length)
		return k->data[0];
	while (n != root) {
		const GumboNode *par = n->parent;
		if (!par)
			return NULL;
		const GumboVector *pk = kids(par);
		size_t i = n->index_within_parent + 1;
		if (pk && i < pk->length)
			return pk->data[i];
		n = par;
	}
	return NULL;
}

static const GumboNode *prev_el(const GumboNode *n)
{
	const GumboVector *pk = kids(n->parent);
	if (!pk)
		return NULL;
	for (size_t i = n->index_within_parent; i-- > 0;)
		if (is_el(pk->data[i]))
			return pk->data[i];
	return NULL;
}

static const GumboNode *next_el(const GumboNode *n)
{
	const GumboVector *pk = kids(n->parent);
	if (!pk)
		return NULL;
	for (size_t i = n->index_within_parent + 1; i < pk->length; i++)
		if (is_el(pk->data[i]))
			return pk->data[i];
	return NULL;
}

static int is_scope(const M *m, const GumboNode *n)
{
	if (m->scope)
		return n == m->scope;
	return is_el(n) && n->parent && n->parent->type == GUMBO_NODE_DOCUMENT;
}

static const GumboAttribute *find_attr(const GumboNode *n, const char *name, size_t nlen)
{
	const GumboVector *a = &n->v.element.attributes;
	for (unsigned i = 0; i < a->length; i++) {
		const GumboAttribute *at = a->data[i];
		if (ieq(at->name, strlen(at->name), name, nlen))
			return at;
	}
	return NULL;
}

static const char *el_name(const GumboNode *n, size_t *len)
{
	if (n->v.element.tag != GUMBO_TAG_UNKNOWN) {
		const char *s = gumbo_normalized_tagname(n->v.element.tag);
		*len = strlen(s);
		return s;
	}
	GumboStringPiece sp = n->v.element.original_tag;
	if (!sp.data || sp.length < 2) {
		*len = 0;
		return "";
	}
	gumbo_tag_from_original_text(&sp);
	*len = sp.length;
	return sp.data;
}

static int same_type(const GumboNode *a, const GumboNode *b)
{
	if (a->v.element.tag != b->v.element.tag)
		return 0;
	if (a->v.element.tag != GUMBO_TAG_UNKNOWN)
		return 1;
	size_t la, lb;
	const char *na = el_name(a, &la), *nb = el_name(b, &lb);
	return ieq(na, la, nb, lb);
}

static int val_eq(const char *a, size_t an, const char *b, size_t bn, int icase)
{
	if (icase)
		return ieq(a, an, b, bn);
	return an == bn && memcmp(a, b, an) == 0;
}

static int has_token(const char *v, size_t vn, const char *w, size_t wn, int icase)
{
	size_t i = 0;
	while (i < vn) {
		while (i < vn && is_ws((unsigned char)v[i]))
			i++;
		size_t s = i;
		while (i < vn && !is_ws((unsigned char)v[i]))
			i++;
		if (i > s && val_eq(v + s, i - s, w, wn, icase))
			return 1;
	}
	return 0;
}

static int match_attr(const struct cond *c, const GumboNode *n)
{
	const GumboAttribute *at = find_attr(n, c->name, c->nlen);
	if (!at)
		return 0;
	if (c->op == A_EXISTS)
		return 1;
	const char *v = at->value;
	size_t vn = strlen(v), wn = c->vlen;
	const char *w = c->val;
	switch (c->op) {
	case A_EQ:
		return val_eq(v, vn, w, wn, c->icase);
	case A_WORD:
		for (size_t i = 0; i < wn; i++)
			if (is_ws((unsigned char)w[i]))
				return 0;
		return wn && has_token(v, vn, w, wn, c->icase);
	case A_DASH:
		return val_eq(v, vn, w, wn, c->icase) ||
		       (vn > wn && v[wn] == '-' && val_eq(v, wn, w, wn, c->icase));
	case A_PREFIX:
		return wn && vn >= wn && val_eq(v, wn, w, wn, c->icase);
	case A_SUFFIX:
		return wn && vn >= wn && val_eq(v + vn - wn, wn, w, wn, c->icase);
	case A_SUBSTR:
		if (!wn)
			return 0;
		for (size_t i = 0; i + wn <= vn; i++)
			if (val_eq(v + i, wn, w, wn, c->icase))
				return 1;
		return 0;
	}
	return 0;
}

static int match_list(M *m, struct list *l, const GumboNode *n);

static int nth_counts(M *m, const struct cond *c, const GumboNode *node, const GumboNode *sib)
{
	if (!is_el(sib))
		return 0;
	if (c->oftype && !same_type(sib, node))
		return 0;
	if (c->sub && !match_list(m, c->sub, sib))
		return 0;
	return 1;
}

static int match_nth(M *m, struct cond *c, const GumboNode *node)
{
	if (c->sub && !match_list(m, c->sub, node))
		return 0;
	const GumboNode *par = node->parent;
	long pos;
	if (!par || !kids(par)) {
		pos = 1;
	} else {
		const GumboVector *k = kids(par);
		size_t idx = node->index_within_parent;
		struct nthcache *nc = &c->nc;
		long before = 0, total = -1;
		int hit = nc->gen == m->sel->gen && nc->parent == par && nc->scope == m->scope &&
		          idx >= nc->idx && (!c->oftype || (nc->tag == node->v.element.tag &&
		                                            nc->tag != GUMBO_TAG_UNKNOWN));
		size_t from = 0;
		if (hit) {
			before = nc->before;
			total = nc->total;
			from = nc->idx;
		}
		for (size_t i = from; i < idx; i++)
			before += nth_counts(m, c, node, k->data[i]);
		if (c->last && total < 0) {
			total = before;
			for (size_t i = idx; i < k->length; i++)
				total += nth_counts(m, c, node, k->data[i]);
		}
		nc->gen = m->sel->gen;
		nc->parent = par;
		nc->scope = m->scope;
		nc->tag = node->v.element.tag;
		nc->idx = idx;
		nc->before = before;
		nc->total = total;
		pos = c->last ? total - before : before + 1;
	}
	long d = pos - c->b;
	if (c->a == 0)
		return d == 0;
	return d % c->a == 0 && d / c->a >= 0;
}

static int is_empty(const GumboNode *n)
{
	const GumboVector *k = kids(n);
	for (unsigned i = 0; k && i < k->length; i++) {
		const GumboNode *ch = k->data[i];
		if (ch->type != GUMBO_NODE_COMMENT)
			return 0;
	}
	return 1;
}

static int is_form_control(GumboTag t)
{
	return t == GUMBO_TAG_BUTTON || t == GUMBO_TAG_INPUT || t == GUMBO_TAG_SELECT ||
	       t == GUMBO_TAG_TEXTAREA || t == GUMBO_TAG_OPTGROUP || t == GUMBO_TAG_OPTION ||
	       t == GUMBO_TAG_FIELDSET;
}

static int has_attr(const GumboNode *n, const char *name)
{
	return find_attr(n, name, strlen(name)) != NULL;
}

static int is_disabled(const GumboNode *n)
{
	GumboTag t = n->v.element.tag;
	if (!is_form_control(t))
		return 0;
	if (has_attr(n, "disabled"))
		return 1;
	if (t == GUMBO_TAG_OPTION) {
		const GumboNode *par = n->parent;
		return is_el(par) && par->v.element.tag == GUMBO_TAG_OPTGROUP && has_attr(par, "disabled");
	}
	if (t == GUMBO_TAG_OPTGROUP)
		return 0;
	/* a disabled fieldset disables what it contains, except inside its first legend */
	const GumboNode *child = n, *a = n->parent;
	for (; is_el(a); child = a, a = a->parent) {
		if (a->v.element.tag != GUMBO_TAG_FIELDSET || !has_attr(a, "disabled"))
			continue;
		const GumboVector *k = kids(a);
		const GumboNode *legend = NULL;
		for (unsigned i = 0; i < k->length && !legend; i++) {
			const GumboNode *x = k->data[i];
			if (is_el(x) && x->v.element.tag == GUMBO_TAG_LEGEND)
				legend = x;
		}
		if (child != legend)
			return 1;
	}
	return 0;
}

static int match_checked(const GumboNode *n)
{
	GumboTag t = n->v.element.tag;
	if (t == GUMBO_TAG_OPTION)
		return has_attr(n, "selected");
	if (t != GUMBO_TAG_INPUT || !has_attr(n, "checked"))
		return 0;
	const GumboAttribute *ty = find_attr(n, "type", 4);
	return ty && (ieq(ty->value, strlen(ty->value), "checkbox", 8) ||
	              ieq(ty->value, strlen(ty->value), "radio", 5));
}

/* Negative memo of :pqx-contains (inner text): an element whose text lacks the
 * needle and whose descendants all render into it as they render alone (no
 * element that is left out, hidden, styled, a super-/subscript, foreign, or
 * skipped like <script>) answers no for all of them: the text of a descendant is
 * then a piece of the ancestor's, trimmed, and a needle that neither starts nor
 * ends with white space is in the piece only if it is in the whole. */
static int renders_plainly(const GumboNode *root)
{
	for (const GumboNode *d = next_node(root, root); d; d = next_node(d, root)) {
		if (d->type == GUMBO_NODE_TEMPLATE)
			return 0;
		if (d->type != GUMBO_NODE_ELEMENT)
			continue;
		const GumboElement *e = &d->v.element;
		if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
			return 0;
		switch (e->tag) {
		case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NOSCRIPT:
		case GUMBO_TAG_HEAD: case GUMBO_TAG_IFRAME: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
		case GUMBO_TAG_DATALIST: case GUMBO_TAG_META: case GUMBO_TAG_LINK: case GUMBO_TAG_BASE:
		case GUMBO_TAG_SUP: case GUMBO_TAG_SUB:
			return 0;
		default:
			break;
		}
		if (has_attr(d, "hidden") || has_attr(d, "style"))
			return 0;
	}
	return 1;
}

static int is_space_byte(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || (unsigned char)ch >= 0x80;
}

static int text_memo_usable(const struct cond *c)
{
	return memo_on && c->kind == K_CONTAINS && !c->last && c->vlen > 0 &&
	       !is_space_byte(c->val[0]) && !is_space_byte(c->val[c->vlen - 1]);
}

static void memo_add_neg(M *m, struct memo *mo, const GumboNode *n);

/* Is n inside a known negative? Only the nearest MEMO_CLIMB ancestors are
 * looked at, and an element answered this way becomes a negative itself, so
 * that nested elements asked in document order find one a step or two up. */
#define MEMO_CLIMB 32
static int memo_neg_above(M *m, struct memo *mo, const GumboNode *n)
{
	if (mo->gen != m->sel->gen || mo->nneg == 0)
		return 0;
	unsigned steps = 0;
	for (const GumboNode *a = n->parent; a && steps < MEMO_CLIMB; a = a->parent, steps++)
		for (unsigned i = mo->nneg; i-- > 0;)
			if (mo->neg[i] == a) {
				memo_add_neg(m, mo, n);
				return 1;
			}
	return 0;
}

static void memo_add_neg(M *m, struct memo *mo, const GumboNode *n)
{
	if (mo->gen != m->sel->gen) {
		mo->gen = m->sel->gen;
		mo->nneg = 0;
		mo->anchor = mo->witness = NULL;
	}
	if (mo->nneg == MEMO_NEG) {
		memmove(mo->neg, mo->neg + 1, sizeof mo->neg[0] * (MEMO_NEG - 1));
		mo->nneg--;
	}
	mo->neg[mo->nneg++] = n;
}

static int text_has_needle(M *m, struct cond *c, const GumboNode *n);

static int match_text(M *m, struct cond *c, const GumboNode *n)
{
	if (!text_memo_usable(c))
		return text_has_needle(m, c, n);
	if (memo_neg_above(m, &c->memo, n))
		return 0;
	int r = text_has_needle(m, c, n);
	if (!r && renders_plainly(n))
		memo_add_neg(m, &c->memo, n);
	return r;
}

static int text_has_needle(M *m, struct cond *c, const GumboNode *n)
{
	pqx_sel *s = m->sel;
	pqx_buf_reset(&s->text);
	if (pqx_text(n, c->kind == K_CONTAINS && c->last ? PQX_TEXT_OWN : PQX_TEXT_INNER, &s->text) != 0)
		return 0;
	const char *t = s->text.s ? s->text.s : "";
	size_t tn = s->text.len;
	if (c->kind == K_MATCHES)
		return pcre2_match(c->re, (PCRE2_SPTR)t, tn, 0, 0, c->md, c->mc) >= 0;
	if (c->icase) {
		pqx_buf_reset(&s->fold);
		pqx_casefold(t, tn, &s->fold);
		if (s->fold.oom)
			return 0;
		t = s->fold.s ? s->fold.s : "";
		tn = s->fold.len;
	}
	if (c->vlen == 0)
		return 1;
	if (tn < c->vlen)
		return 0;
	const char *end = t + tn - c->vlen;
	for (const char *q = t; q <= end; q++) {
		q = memchr(q, c->val[0], (size_t)(end - q) + 1);
		if (!q)
			return 0;
		if (memcmp(q, c->val, c->vlen) == 0)
			return 1;
	}
	return 0;
}

static int match_has(M *m, struct cond *c, const GumboNode *anchor);

static int match_compound(M *m, struct compound *cp, const GumboNode *n)
{
	if (!is_el(n))
		return cp->scope_only && m->scope && n == m->scope;
	if (!cp->any) {
		GumboTag t = n->v.element.tag;
		if (t != cp->tag)
			return 0;
		if (t == GUMBO_TAG_UNKNOWN) {
			size_t len;
			const char *name = el_name(n, &len);
			if (!ieq(name, len, cp->tname, cp->tnlen))
				return 0;
		}
	}
	for (size_t i = 0; i < cp->nconds; i++) {
		struct cond *c = &cp->conds[i];
		int ok = 0;
		switch (c->kind) {
		case K_ID: {
			const GumboAttribute *a = find_attr(n, "id", 2);
			ok = a && strlen(a->value) == c->nlen && memcmp(a->value, c->name, c->nlen) == 0;
			break;
		}
		case K_CLASS: {
			const GumboAttribute *a = find_attr(n, "class", 5);
			ok = a && has_token(a->value, strlen(a->value), c->name, c->nlen, 0);
			break;
		}
		case K_ATTR: ok = match_attr(c, n); break;
		case K_NTH: ok = match_nth(m, c, n); break;
		case K_EMPTY: ok = is_empty(n); break;
		case K_ROOT: ok = n->parent && n->parent->type == GUMBO_NODE_DOCUMENT; break;
		case K_SCOPE: ok = is_scope(m, n); break;
		case K_NOT: ok = !match_list(m, c->sub, n); break;
		case K_IS: ok = match_list(m, c->sub, n); break;
		case K_HAS: ok = match_has(m, c, n); break;
		case K_CHECKED: ok = match_checked(n); break;
		case K_DISABLED: ok = is_disabled(n); break;
		case K_ENABLED: ok = is_form_control(n->v.element.tag) && !is_disabled(n); break;
		case K_LINK:
			ok = (n->v.element.tag == GUMBO_TAG_A || n->v.element.tag == GUMBO_TAG_AREA) &&
			     has_attr(n, "href");
			break;
		case K_CONTAINS:
		case K_MATCHES: ok = match_text(m, c, n); break;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* The parent a child/descendant combinator may step to: elements, and the
 * scope itself when it is a document node (so "> html" works from the top). */
static const GumboNode *up(const M *m, const GumboNode *n)
{
	const GumboNode *par = n->parent;
	if (!par)
		return NULL;
	if (is_el(par) || (m->scope && par == m->scope))
		return par;
	return NULL;
}

static int match_complex(M *m, struct complex *cx, size_t i, const GumboNode *n)
{
	struct compound *cp = &cx->c[i];
	if (!match_compound(m, cp, n))
		return M_RESTART_SIB;
	if (i + 1 == cx->n)
		return M_OK;
	int r;
	switch (cp->comb) {
	case COMB_CHILD: {
		const GumboNode *par = up(m, n);
		if (!par)
			return M_GLOBAL;
		r = match_complex(m, cx, i + 1, par);
		return (r == M_OK || r == M_GLOBAL) ? r : M_RESTART_DESC;
	}
	case COMB_DESC: {
		const GumboNode *start = up(m, n);
		if (!start)
			return M_GLOBAL;
		if (cp->m_gen == m->sel->gen && cp->m_start == start && cp->m_scope == m->scope)
			return cp->m_res;
		int res = M_GLOBAL;
		for (const GumboNode *a = start; a; a = up(m, a)) {
			if (cp->m_gen == m->sel->gen && cp->m_start == a && cp->m_scope == m->scope) {
				res = cp->m_res;
				break;
			}
			r = match_complex(m, cx, i + 1, a);
			if (r == M_OK || r == M_GLOBAL) {
				res = r;
				break;
			}
		}
		cp->m_gen = m->sel->gen;
		cp->m_start = start;
		cp->m_scope = m->scope;
		cp->m_res = res;
		return res;
	}
	case COMB_ADJ: {
		const GumboNode *s = is_el(n) ? prev_el(n) : NULL;
		if (!s)
			return M_RESTART_DESC;
		return match_complex(m, cx, i + 1, s);
	}
	case COMB_SIB: {
		for (const GumboNode *s = is_el(n) ? prev_el(n) : NULL; s; s = prev_el(s)) {
			r = match_complex(m, cx, i + 1, s);
			if (r == M_OK || r == M_GLOBAL || r == M_RESTART_DESC)
				return r;
		}
		return M_RESTART_DESC;
	}
	}
	return M_GLOBAL;
}

static int match_list(M *m, struct list *l, const GumboNode *n)
{
	for (size_t i = 0; i < l->n; i++)
		if (match_complex(m, &l->v[i], 0, n) == M_OK)
			return 1;
	return 0;
}

/* Does the list use :scope anywhere (the relative selector's own leading
 * :scope aside)? Then an answer depends on the anchor, not just on where it is. */
static int list_uses_scope(const struct list *l, int depth)
{
	if (depth > MAX_NEST)
		return 1;
	for (size_t i = 0; i < l->n; i++) {
		const struct complex *cx = &l->v[i];
		for (size_t j = 0; j < cx->n; j++) {
			const struct compound *cp = &cx->c[j];
			if (cp->scope_only && depth == 0 && j + 1 == cx->n)
				continue; /* the relative selector's own start */
			for (size_t k = 0; k < cp->nconds; k++) {
				const struct cond *d = &cp->conds[k];
				if (d->kind == K_SCOPE || (d->sub && list_uses_scope(d->sub, depth + 1)))
					return 1;
			}
		}
	}
	return 0;
}

static int has_scan(M *m, struct cond *c, const GumboNode *anchor, const GumboNode **witness);

/* :has() with a memo, for one relative selector led by "~" or by a descendant
 * combinator and free of :scope (then matching from one anchor implies matching
 * from an earlier sibling, or from an ancestor):
 * - "~ X": document order asks the siblings of one parent in turn; an anchor
 *   after one that did not match does not match, and an anchor before the
 *   sibling where an earlier one matched matches.
 * - "X" (descendant): an anchor inside one that did not match does not match;
 *   for a single compound, an anchor above the descendant where the last one
 *   matched matches. */
static int match_has(M *m, struct cond *c, const GumboNode *anchor)
{
	struct memo *mo = &c->memo;
	if (!memo_on || c->sub->n != 1)
		return has_scan(m, c, anchor, NULL);
	struct complex *cx = &c->sub->v[0];
	int lead = cx->c[cx->n - 2].comb;
	if (mo->ok == 0)
		mo->ok = (lead == COMB_SIB || lead == COMB_DESC) && !list_uses_scope(c->sub, 0) ? 1 : -1;
	if (mo->ok < 0)
		return has_scan(m, c, anchor, NULL);
	int single = cx->n == 2;
	if (mo->gen == m->sel->gen && mo->anchor) {
		const GumboNode *a = mo->anchor, *w = mo->witness;
		if (lead == COMB_SIB && a->parent == anchor->parent &&
		    a->index_within_parent < anchor->index_within_parent) {
			if (!w)
				return 0;
			if (anchor->index_within_parent < w->index_within_parent)
				return 1;
		}
		if (lead == COMB_DESC && single && w) {
			/* w is inside a: climbing from it meets anchor before a iff it is inside anchor too */
			const GumboNode *x = w->parent;
			while (x && x != anchor && x != a)
				x = x->parent;
			if (x == anchor)
				return 1;
		}
	}
	if (lead == COMB_DESC && memo_neg_above(m, mo, anchor))
		return 0;
	const GumboNode *w = NULL;
	int r = has_scan(m, c, anchor, &w);
	if (lead == COMB_DESC && !r)
		memo_add_neg(m, mo, anchor);
	if (mo->gen != m->sel->gen) {
		mo->gen = m->sel->gen;
		mo->nneg = 0;
	}
	mo->anchor = anchor;
	mo->witness = r ? w : NULL;
	return r;
}

/* :has(): scan only the region a relative selector can reach from the anchor,
 * iteratively, with the anchor as :scope. *witness (if asked) gets the
 * following sibling ("~", "+") or the descendant where it matched. */
static int has_scan(M *m, struct cond *c, const GumboNode *anchor, const GumboNode **witness)
{
	M in = {m->sel, anchor};
	for (size_t li = 0; li < c->sub->n; li++) {
		struct complex *cx = &c->sub->v[li];
		int lead = cx->c[cx->n - 2].comb;
		int single = cx->n == 2;
		if (lead == COMB_CHILD || lead == COMB_DESC) {
			if (single && lead == COMB_CHILD) {
				const GumboVector *k = kids(anchor);
				for (unsigned i = 0; k && i < k->length; i++)
					if (is_el(k->data[i]) && match_complex(&in, cx, 0, k->data[i]) == M_OK) {
						if (witness)
							*witness = k->data[i];
						return 1;
					}
				continue;
			}
			for (const GumboNode *d = next_node(anchor, anchor); d; d = next_node(d, anchor))
				if (is_el(d) && match_complex(&in, cx, 0, d) == M_OK) {
					if (witness)
						*witness = d;
					return 1;
				}
			continue;
		}
		for (const GumboNode *s = next_el(anchor); s; s = next_el(s)) {
			if (single) {
				if (match_complex(&in, cx, 0, s) == M_OK) {
					if (witness)
						*witness = s;
					return 1;
				}
			} else {
				for (const GumboNode *d = s; d; d = next_node(d, s))
					if (is_el(d) && match_complex(&in, cx, 0, d) == M_OK) {
						if (witness)
							*witness = s;
						return 1;
					}
			}
			if (lead == COMB_ADJ)
				break;
		}
	}
	return 0;
}

int pqx_sel_matches(pqx_sel *sel, const GumboNode *node, const GumboNode *scope)
{
	if (!is_el(node))
		return 0;
	sel->gen++;
	M m = {sel, scope};
	return match_list(&m, sel->list, node);
}

int pqx_sel_select(pqx_sel *sel, const GumboNode *root, size_t limit, pqx_nodevec *out)
{
	sel->gen++;
	M m = {sel, root};
	size_t found = 0;
	for (const GumboNode *n = next_node(root, root); n; n = next_node(n, root)) {
		if (!is_el(n) || !match_list(&m, sel->list, n))
			continue;
		if (out->n == out->cap) {
			size_t nc = out->cap ? out->cap * 2 : 16;
			const GumboNode **v = realloc(out->v, nc * sizeof *v);
			if (!v)
				return -1;
			out->v = v;
			out->cap = nc;
		}
		out->v[out->n++] = n;
		if (limit && ++found >= limit)
			break;
	}
	return 0;
}
