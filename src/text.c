/*
 * text.c: the plain-text views (innerText-like, textContent, own text) and the
 * HTML5 serialisation of a gumbo subtree, appended to a pqx_buf.
 * It owns no memory beyond what it appends to the caller's buffer, never
 * modifies the gumbo tree, never includes lua.h, and never recurses on
 * document depth: every walk follows parent pointers and index_within_parent,
 * so a page nested 300,000 deep costs no stack.
 *
 * Decisions in PQX_TEXT_INNER (browser innerText without CSS):
 * - Table cells on one row are separated by one TAB (as innerText does); empty
 *   cells add nothing, so there is never a leading, trailing or doubled TAB.
 * - Only <p> asks for a blank line around itself (innerText's "required line
 *   count 2"); headings, like every other block, only start and end lines.
 * - <br> adds one line break; at most one blank line ever appears in a row,
 *   except inside pre/textarea/listing/xmp/plaintext, where white space is kept
 *   as written (blank lines included) apart from trailing spaces on lines.
 * - The start node itself is never excluded (script:text() normalises the
 *   script's text); script, style, template, noscript, head, iframe, noembed,
 *   noframes and datalist below it contribute nothing, nor do SVG/MathML
 *   script, style, title and desc.
 * - The result never begins or ends with white space, so the first line of a
 *   <pre> loses its indentation.
 * - What a browser does not render stays out, as innerText leaves it out: an
 *   element with the `hidden` attribute or an inline `display:none` (with its
 *   subtree, and without the line breaks it would make), and the text under an
 *   inline `visibility:hidden`/`collapse` (inherited, undone by a descendant's
 *   `visibility:visible`). Pages keep the long form of an abstract or a
 *   "[weniger]" toggle in such elements. Style sheets are not read.
 *   An invisible element still takes its place on the page, so its line breaks
 *   stay (innerText drops them, which glues the visible text around it).
 * - A <sup> or <sub> whose text is digits (with + - = ( ) , . and spaces) comes out
 *   as Unicode super-/subscript characters: "Q-1043<sup>2</sup>" is "Q-1043²",
 *   not "Q-10432", "m<sup>2</sup>" is "m²" and "10<sup>6</sup>" is "10⁶". A space
 *   instead would break the units and the powers; plain digits silently change
 *   the number. Other <sup>s (French "1<sup>er</sup>") stay as they are.
 * The visibility stack is the only memory of its own: one byte per open element
 * that declares a visibility, freed before returning.
 */
#include "text.h"

#include <string.h>

/* ---- tree walking ------------------------------------------------------- */

static const GumboVector *kids(const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT:
		return &n->v.document.children;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		return &n->v.element.children;
	default:
		return NULL;
	}
}

/* index_within_parent is trusted only after checking it: a wrong index after
 * some tree-builder repair must cost time, never skip or repeat a subtree.
 * dir is +1 for the next sibling, -1 for the previous one. */
static const GumboNode *sibling(const GumboNode *n, int dir)
{
	const GumboNode *p = n->parent;
	const GumboVector *v = p ? kids(p) : NULL;
	if (!v)
		return NULL;
	size_t i = n->index_within_parent;
	if (i >= v->length || v->data[i] != n) {
		for (i = 0; i < v->length && v->data[i] != n; i++)
			;
		if (i == v->length)
			return NULL;
	}
	if (dir > 0)
		return i + 1 < v->length ? v->data[i + 1] : NULL;
	return i > 0 ? v->data[i - 1] : NULL;
}

static const GumboNode *next_sibling(const GumboNode *n) { return sibling(n, 1); }
static const GumboNode *prev_sibling(const GumboNode *n) { return sibling(n, -1); }

static int is_html(const GumboNode *n, GumboTag tag)
{
	return n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag &&
	       n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

static int is_textish(const GumboNode *n)
{
	return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	       n->type == GUMBO_NODE_CDATA;
}

/* ---- element kinds for INNER -------------------------------------------- */

enum { K_INLINE = 0, K_BLOCK, K_PARA, K_BR, K_CELL, K_PRE, K_PREINLINE, K_SKIP };

static const unsigned char html_kind[GUMBO_TAG_LAST + 1] = {
	[GUMBO_TAG_ADDRESS] = K_BLOCK, [GUMBO_TAG_ARTICLE] = K_BLOCK,
	[GUMBO_TAG_ASIDE] = K_BLOCK, [GUMBO_TAG_BLOCKQUOTE] = K_BLOCK,
	[GUMBO_TAG_BODY] = K_BLOCK, [GUMBO_TAG_HTML] = K_BLOCK,
	[GUMBO_TAG_CENTER] = K_BLOCK, [GUMBO_TAG_DD] = K_BLOCK,
	[GUMBO_TAG_DETAILS] = K_BLOCK,
	[GUMBO_TAG_DIR] = K_BLOCK, [GUMBO_TAG_DIV] = K_BLOCK,
	[GUMBO_TAG_DL] = K_BLOCK, [GUMBO_TAG_DT] = K_BLOCK,
	[GUMBO_TAG_FIELDSET] = K_BLOCK, [GUMBO_TAG_FIGCAPTION] = K_BLOCK,
	[GUMBO_TAG_FIGURE] = K_BLOCK, [GUMBO_TAG_FOOTER] = K_BLOCK,
	[GUMBO_TAG_FORM] = K_BLOCK, [GUMBO_TAG_H1] = K_BLOCK,
	[GUMBO_TAG_H2] = K_BLOCK, [GUMBO_TAG_H3] = K_BLOCK,
	[GUMBO_TAG_H4] = K_BLOCK, [GUMBO_TAG_H5] = K_BLOCK,
	[GUMBO_TAG_H6] = K_BLOCK, [GUMBO_TAG_HEADER] = K_BLOCK,
	[GUMBO_TAG_HGROUP] = K_BLOCK, [GUMBO_TAG_HR] = K_BLOCK,
	[GUMBO_TAG_LI] = K_BLOCK, [GUMBO_TAG_MAIN] = K_BLOCK,
	[GUMBO_TAG_MENU] = K_BLOCK, [GUMBO_TAG_NAV] = K_BLOCK,
	[GUMBO_TAG_OL] = K_BLOCK, [GUMBO_TAG_UL] = K_BLOCK,
	[GUMBO_TAG_SECTION] = K_BLOCK, [GUMBO_TAG_SUMMARY] = K_BLOCK,
	[GUMBO_TAG_TABLE] = K_BLOCK, [GUMBO_TAG_CAPTION] = K_BLOCK,
	[GUMBO_TAG_THEAD] = K_BLOCK, [GUMBO_TAG_TBODY] = K_BLOCK,
	[GUMBO_TAG_TFOOT] = K_BLOCK, [GUMBO_TAG_TR] = K_BLOCK,
	[GUMBO_TAG_OPTION] = K_BLOCK, [GUMBO_TAG_OPTGROUP] = K_BLOCK,
	[GUMBO_TAG_LEGEND] = K_BLOCK, [GUMBO_TAG_TITLE] = K_BLOCK,
	[GUMBO_TAG_FRAMESET] = K_BLOCK,
	[GUMBO_TAG_P] = K_PARA,
	[GUMBO_TAG_BR] = K_BR,
	[GUMBO_TAG_TD] = K_CELL, [GUMBO_TAG_TH] = K_CELL,
	[GUMBO_TAG_PRE] = K_PRE, [GUMBO_TAG_LISTING] = K_PRE,
	[GUMBO_TAG_XMP] = K_PRE, [GUMBO_TAG_PLAINTEXT] = K_PRE,
	[GUMBO_TAG_TEXTAREA] = K_PREINLINE,
	[GUMBO_TAG_SCRIPT] = K_SKIP, [GUMBO_TAG_STYLE] = K_SKIP,
	[GUMBO_TAG_TEMPLATE] = K_SKIP, [GUMBO_TAG_NOSCRIPT] = K_SKIP,
	[GUMBO_TAG_HEAD] = K_SKIP, [GUMBO_TAG_IFRAME] = K_SKIP,
	[GUMBO_TAG_NOEMBED] = K_SKIP, [GUMBO_TAG_NOFRAMES] = K_SKIP,
	[GUMBO_TAG_DATALIST] = K_SKIP, [GUMBO_TAG_META] = K_SKIP,
	[GUMBO_TAG_LINK] = K_SKIP, [GUMBO_TAG_BASE] = K_SKIP,
};

/* Block elements newer than gumbo 0.10.1's tag table arrive as GUMBO_TAG_UNKNOWN. */
static int unknown_kind(const GumboNode *n)
{
	static const char *const blocks[] = {"dialog", "search"};
	GumboStringPiece piece = n->v.element.original_tag;
	if (!piece.data || piece.length < 2 || piece.data[0] != '<')
		return K_INLINE;
	gumbo_tag_from_original_text(&piece);
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) {
		size_t len = strlen(blocks[i]);
		if (piece.length != len)
			continue;
		size_t j = 0;
		while (j < len && (piece.data[j] | 0x20) == blocks[i][j])
			j++;
		if (j == len)
			return K_BLOCK;
	}
	return K_INLINE;
}

static int kind_of(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEMPLATE)
		return K_SKIP;
	if (n->type != GUMBO_NODE_ELEMENT)
		return K_INLINE;
	GumboTag t = n->v.element.tag;
	if ((unsigned)t > GUMBO_TAG_LAST)
		return K_INLINE;
	if (n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
		/* foreign content is inline, but its non-rendered parts stay out */
		if (t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TITLE ||
		    t == GUMBO_TAG_DESC)
			return K_SKIP;
		return K_INLINE;
	}
	if (t == GUMBO_TAG_UNKNOWN)
		return unknown_kind(n);
	return html_kind[t];
}

/* ---- the line builder ----------------------------------------------------- */

/*
 * Nothing white is written eagerly except indentation inside preformatted
 * text: spaces, TABs and line breaks are kept pending and only materialise
 * when real content follows, which is what keeps lines and the result trimmed
 * without ever rescanning the output.
 */
typedef struct tx {
	pqx_buf *out;
	const pqx_text_opts *opts;
	pqx_buf vis;   /* '0'/'1' per open element declaring visibility; top decides */
	int started;   /* some content has been written */
	int bol;       /* at the beginning of a line (only pre indentation since) */
	int nl;        /* newlines wanted before the next content (>= tail_nl) */
	int tail_nl;   /* newlines already written at the end (before tail_sp) */
	size_t tail_sp;/* preformatted spaces written after the last content/newline */
	int sp;        /* a collapsed space is pending */
	int tab;       /* a cell separator is pending */
	long pre;      /* number of open preformatted elements */
} tx;

static const pqx_text_opts default_opts = {0, 0, NULL, NULL};

static void tx_init(tx *t, pqx_buf *out, const pqx_text_opts *opts)
{
	memset(t, 0, sizeof *t);
	t->out = out;
	t->opts = opts ? opts : &default_opts;
	t->bol = 1;
}

/* ---- what a browser hides ----------------------------------------------- */

static int ieq_n(const char *a, size_t n, const char *b)
{
	size_t i = 0;
	for (; i < n && b[i]; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return 0;
	}
	return i == n && b[i] == '\0';
}

static int css_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* An inline style attribute, declaration by declaration (the last one of a
 * property wins, "!important" ignored): sets *display_none, returns the
 * visibility declared, -1 none, 0 hidden or collapse, 1 anything else. */
static int parse_style(const char *s, int *display_none)
{
	int vis = -1;
	*display_none = 0;
	while (*s) {
		const char *d = s;
		char quote = 0;
		int paren = 0;
		for (; *s; s++) {
			if (quote) {
				if (*s == quote)
					quote = 0;
			} else if (*s == '"' || *s == '\'') {
				quote = *s;
			} else if (*s == '(') {
				paren++;
			} else if (*s == ')' && paren) {
				paren--;
			} else if (*s == ';' && !paren) {
				break;
			}
		}
		const char *e = s;
		if (*s)
			s++;
		const char *colon = memchr(d, ':', (size_t)(e - d));
		if (!colon)
			continue;
		const char *p = d, *pe = colon, *v = colon + 1, *ve = e;
		while (p < pe && css_space(*p)) p++;
		while (pe > p && css_space(pe[-1])) pe--;
		while (v < ve && css_space(*v)) v++;
		while (ve > v && css_space(ve[-1])) ve--;
		if (ve - v >= 10 && ieq_n(ve - 10, 10, "!important")) {
			ve -= 10;
			while (ve > v && css_space(ve[-1])) ve--;
		}
		size_t pn = (size_t)(pe - p), vn = (size_t)(ve - v);
		if (ieq_n(p, pn, "display"))
			*display_none = ieq_n(v, vn, "none");
		else if (ieq_n(p, pn, "visibility"))
			vis = !(ieq_n(v, vn, "hidden") || ieq_n(v, vn, "collapse"));
	}
	return vis;
}

static const char *style_of(const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT)
		return NULL;
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, "style");
	return a ? a->value : NULL;
}

int pqx_text_is_hidden(const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
		return 0;
	if (gumbo_get_attribute(&n->v.element.attributes, "hidden"))
		return 1;
	const char *st = style_of(n);
	int none = 0;
	if (st)
		parse_style(st, &none);
	return none;
}

/* the visibility n declares, -1 when none */
static int visibility_of(const GumboNode *n)
{
	const char *st = style_of(n);
	int none;
	return st ? parse_style(st, &none) : -1;
}

/* Is the element left out whole: excluded by the caller, or hidden? */
static int left_out(const tx *t, const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
		return 0;
	if (t->opts->exclude && t->opts->exclude(n, t->opts->exclude_ud))
		return 1;
	return !t->opts->hidden && pqx_text_is_hidden(n);
}

static int vis_hidden(const tx *t)
{
	return t->vis.len && t->vis.s[t->vis.len - 1] == '0';
}

/* Does entering/leaving n push/pop the visibility stack? */
static int declares_visibility(const tx *t, const GumboNode *n, int is_root, int *vis)
{
	if (t->opts->hidden || is_root || n->type != GUMBO_NODE_ELEMENT)
		return 0;
	*vis = visibility_of(n);
	return *vis >= 0;
}

static void tx_trim_sp(tx *t)
{
	if (t->tail_sp && !t->out->oom) {
		t->out->len -= t->tail_sp;
		t->out->s[t->out->len] = '\0';
	}
	t->tail_sp = 0;
}

static void tx_newlines(tx *t)
{
	tx_trim_sp(t);
	while (t->tail_nl < t->nl) {
		pqx_buf_addc(t->out, '\n');
		t->tail_nl++;
	}
	t->bol = 1;
	t->sp = t->tab = 0;
}

static void tx_content(tx *t, const char *s, size_t n)
{
	if (!t->started) {
		t->nl = 0;
		t->sp = t->tab = 0;
	} else if (t->nl > t->tail_nl) {
		tx_newlines(t);
	} else if (!t->bol && !t->tail_sp) {
		if (t->tab)
			pqx_buf_addc(t->out, '\t');
		else if (t->sp)
			pqx_buf_addc(t->out, ' ');
	}
	pqx_buf_add(t->out, s, n);
	t->started = 1;
	t->bol = 0;
	t->nl = t->tail_nl = 0;
	t->tail_sp = 0;
	t->sp = t->tab = 0;
}

/* a space or TAB inside preformatted text: indentation is kept, so it is written */
static void tx_pre_space(tx *t, char c)
{
	if (!t->started)
		return;
	if (t->nl > t->tail_nl)
		tx_newlines(t);
	else if (t->tail_sp == 0 && !t->bol && t->sp)
		pqx_buf_addc(t->out, ' ');
	t->sp = t->tab = 0;
	pqx_buf_addc(t->out, c);
	t->tail_sp++;
}

static void tx_block(tx *t, int lines)
{
	if (t->nl < lines)
		t->nl = lines;
	t->sp = t->tab = 0;
}

static void tx_br(tx *t, int capped)
{
	t->nl++;
	if (capped && t->nl > 2)
		t->nl = 2;
	t->sp = t->tab = 0;
}

static void tx_space(tx *t)
{
	if (!t->bol)
		t->sp = 1;
}

static void tx_finish(tx *t)
{
	tx_trim_sp(t);
	if (t->tail_nl && !t->out->oom) {
		t->out->len -= (size_t)t->tail_nl;
		t->out->s[t->out->len] = '\0';
	}
	t->tail_nl = 0;
}

/* Length of the character at s[i] if it is one that vanishes from text
 * (soft hyphen, zero-width space/joiners, word joiner, BOM), else 0. */
static size_t invisible_len(const unsigned char *s, size_t i, size_t len)
{
	if (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0xAD)
		return 2;
	if (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0x8B || s[i + 2] == 0x8C || s[i + 2] == 0x8D))
		return 3;
	if (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x81 && s[i + 2] == 0xA0)
		return 3;
	if (s[i] == 0xEF && i + 2 < len && s[i + 1] == 0xBB && s[i + 2] == 0xBF)
		return 3;
	return 0;
}

/* Length of the white-space character at s[i] (HTML white space or NBSP), else 0. */
static size_t space_len(const unsigned char *s, size_t i, size_t len)
{
	switch (s[i]) {
	case ' ': case '\t': case '\n': case '\r': case '\f':
		return 1;
	case 0xC2:
		return i + 1 < len && s[i + 1] == 0xA0 ? 2 : 0;
	default:
		return 0;
	}
}

/* Bytes that may start white space or an invisible character (see space_len
 * and invisible_len); every other byte is content. */
static const unsigned char tx_special[256] = {
	['\t'] = 1, ['\n'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
	[0xC2] = 1, [0xE2] = 1, [0xEF] = 1,
};

static int is_content(const unsigned char *s, size_t j, size_t len)
{
	return !tx_special[s[j]] || (!space_len(s, j, len) && !invisible_len(s, j, len));
}

static void tx_feed(tx *t, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		size_t k;
		if ((k = invisible_len(s, i, len)) != 0) {
			i += k;
		} else if ((k = space_len(s, i, len)) != 0) {
			if (!t->pre)
				tx_space(t);
			else if (s[i] == '\n')
				tx_br(t, 0);
			else if (s[i] != '\r') /* gumbo has already turned CR LF into LF */
				tx_pre_space(t, s[i] == '\t' ? '\t' : ' ');
			i += k;
		} else {
			/* Content, in one piece with the single spaces between its words
			 * outside preformatted text: "word word" is written exactly as the
			 * word, the pending space and the next word would write it, so a
			 * line of prose is one append instead of one per word. */
			size_t j = i + 1;
			for (;;) {
				while (j < len && !tx_special[s[j]])
					j++;
				if (j >= len)
					break;
				if (!t->pre && s[j] == ' ' && j + 1 < len && is_content(s, j + 1, len)) {
					j += 2;
					continue;
				}
				if (!is_content(s, j, len))
					break;
				j++;
			}
			tx_content(t, str + i, j - i);
			i = j;
		}
	}
}

static void tx_feed_node(tx *t, const GumboNode *n)
{
	const char *s = n->v.text.text;
	if (s)
		tx_feed(t, s, strlen(s));
}

static long pre_ancestors(const GumboNode *n)
{
	long count = 0;
	for (const GumboNode *p = n->parent; p; p = p->parent) {
		int k = kind_of(p);
		if (k == K_PRE || k == K_PREINLINE)
			count++;
	}
	return count;
}

/* ---- super- and subscript digits ------------------------------------------ */

#define SCRIPT_MAX_TEXT 24   /* a footnote mark or an exponent is short */
#define SCRIPT_MAX_NODES 16

/* UTF-8 of the superscript (sub = 0) or subscript form of c, or NULL */
static const char *script_char(char c, int sub)
{
	static const char *const sup_digits[10] = {
		"\xE2\x81\xB0", "\xC2\xB9", "\xC2\xB2", "\xC2\xB3", "\xE2\x81\xB4",
		"\xE2\x81\xB5", "\xE2\x81\xB6", "\xE2\x81\xB7", "\xE2\x81\xB8", "\xE2\x81\xB9",
	};
	static const char *const sub_digits[10] = {
		"\xE2\x82\x80", "\xE2\x82\x81", "\xE2\x82\x82", "\xE2\x82\x83", "\xE2\x82\x84",
		"\xE2\x82\x85", "\xE2\x82\x86", "\xE2\x82\x87", "\xE2\x82\x88", "\xE2\x82\x89",
	};
	static const char signs[] = "+-=()";
	static const char *const sup_signs[5] = {
		"\xE2\x81\xBA", "\xE2\x81\xBB", "\xE2\x81\xBC", "\xE2\x81\xBD", "\xE2\x81\xBE",
	};
	static const char *const sub_signs[5] = {
		"\xE2\x82\x8A", "\xE2\x82\x8B", "\xE2\x82\x8C", "\xE2\x82\x8D", "\xE2\x82\x8E",
	};
	if (c >= '0' && c <= '9')
		return sub ? sub_digits[c - '0'] : sup_digits[c - '0'];
	const char *p = c ? strchr(signs, c) : NULL;
	if (p)
		return sub ? sub_signs[p - signs] : sup_signs[p - signs];
	return NULL;
}

/* The text of a <sup>/<sub> of digits in super-/subscript characters, written
 * to buf (NUL-terminated); 0 when it is not one (other text, too long, or an
 * element inside that is hidden, excluded or styled). */
static int script_text(const tx *t, const GumboNode *root, int sub, char *buf, size_t cap)
{
	size_t o = 0, text = 0;
	int nodes = 0, digits = 0;
	const GumboNode *n = root;
	for (;;) {
		const GumboVector *v = NULL;
		if (++nodes > SCRIPT_MAX_NODES)
			return 0;
		if (is_textish(n)) {
			for (const char *c = n->v.text.text; c && *c; c++) {
				if (++text > SCRIPT_MAX_TEXT)
					return 0;
				const char *u = script_char(*c, sub);
				if (*c >= '0' && *c <= '9')
					digits++;
				if (!u && (*c == ' ' || *c == '\t' || *c == '\n'))
					u = " ";
				else if (!u && (*c == ',' || *c == '.'))
					u = *c == ',' ? "," : "."; /* "1,2": two marks */
				if (!u || o + strlen(u) + 1 > cap)
					return 0;
				memcpy(buf + o, u, strlen(u));
				o += strlen(u);
			}
		} else if (n->type == GUMBO_NODE_ELEMENT) {
			if (n != root && (left_out(t, n) || style_of(n) || kind_of(n) != K_INLINE))
				return 0;
			v = kids(n);
		} else if (n->type != GUMBO_NODE_COMMENT) {
			return 0;
		}
		if (v && v->length) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			if (n == root)
				goto done;
			const GumboNode *s = next_sibling(n);
			if (s) {
				n = s;
				break;
			}
			n = n->parent;
		}
	}
done:
	buf[o] = '\0';
	return digits > 0;
}

/* Returns 1 to descend into n, 0 not to (n's leave still runs), -1 to leave n
 * out altogether (no leave: a hidden element makes no line breaks either). */
static int inner_enter(tx *t, const GumboNode *n, int is_root)
{
	if (is_textish(n)) {
		if (!vis_hidden(t))
			tx_feed_node(t, n);
		return 0;
	}
	if (n->type == GUMBO_NODE_COMMENT)
		return 0;
	if (n->type == GUMBO_NODE_DOCUMENT)
		return 1;
	if (!is_root && left_out(t, n))
		return -1;
	int k = kind_of(n), vis;
	if (k == K_SKIP)
		return is_root;
	if (declares_visibility(t, n, is_root, &vis))
		pqx_buf_addc(&t->vis, vis ? '1' : '0');
	if (!vis_hidden(t) && !t->opts->plain_scripts && (is_html(n, GUMBO_TAG_SUP) || is_html(n, GUMBO_TAG_SUB))) {
		char buf[SCRIPT_MAX_TEXT * 3 + 1];
		if (script_text(t, n, is_html(n, GUMBO_TAG_SUB), buf, sizeof buf)) {
			tx_feed(t, buf, strlen(buf));
			return 0;
		}
	}
	switch (k) {
	case K_BLOCK:
		tx_block(t, 1);
		break;
	case K_PARA:
		tx_block(t, 2);
		break;
	case K_BR:
		tx_br(t, 1);
		break;
	case K_CELL:
		for (const GumboNode *p = prev_sibling(n); p; p = prev_sibling(p)) {
			if (p->type == GUMBO_NODE_ELEMENT) {
				if (kind_of(p) == K_CELL && !is_root)
					t->tab = 1;
				break;
			}
		}
		break;
	case K_PRE:
		tx_block(t, 1);
		t->pre++;
		break;
	case K_PREINLINE:
		t->pre++;
		break;
	default:
		break;
	}
	return 1;
}

static void inner_leave(tx *t, const GumboNode *n, int is_root)
{
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
		return;
	int k = kind_of(n), vis;
	if (k == K_SKIP)
		return;
	switch (k) {
	case K_BLOCK:
		tx_block(t, 1);
		break;
	case K_PARA:
		tx_block(t, 2);
		break;
	case K_PRE:
		t->pre--;
		tx_block(t, 1);
		break;
	case K_PREINLINE:
		t->pre--;
		break;
	default:
		break;
	}
	if (declares_visibility(t, n, is_root, &vis) && t->vis.len)
		t->vis.len--;
}

static void text_inner(const GumboNode *root, const pqx_text_opts *opts, pqx_buf *out)
{
	tx t;
	tx_init(&t, out, opts);
	t.pre = pre_ancestors(root);
	const GumboNode *n = root;
	for (;;) {
		const GumboVector *v;
		int e = inner_enter(&t, n, n == root);
		if (e > 0 && (v = kids(n)) && v->length) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			if (e >= 0)
				inner_leave(&t, n, n == root);
			e = 0;
			if (n == root)
				goto done;
			const GumboNode *s = next_sibling(n);
			if (s) {
				n = s;
				break;
			}
			n = n->parent;
		}
	}
done:
	tx_finish(&t);
	if (t.vis.oom)
		out->oom = 1;
	pqx_buf_free(&t.vis);
}

static void text_own(const GumboNode *node, const pqx_text_opts *opts, pqx_buf *out)
{
	tx t;
	tx_init(&t, out, opts);
	t.pre = pre_ancestors(node);
	if (is_textish(node)) {
		tx_feed_node(&t, node);
	} else {
		int k = kind_of(node);
		if (k == K_PRE || k == K_PREINLINE)
			t.pre++;
		const GumboVector *v = kids(node);
		for (size_t i = 0; v && i < v->length; i++) {
			const GumboNode *c = v->data[i];
			if (is_textish(c))
				tx_feed_node(&t, c);
			else if (is_html(c, GUMBO_TAG_BR) && !left_out(&t, c))
				tx_br(&t, 1);
		}
	}
	tx_finish(&t);
}

/* textContent: as in the DOM, the content of a <template> below the start node
 * is not the page's text (it is a separate fragment there); asked of the
 * template itself, its content is what there is. */
static void text_raw(const GumboNode *root, pqx_buf *out)
{
	const GumboNode *n = root;
	for (;;) {
		const GumboVector *v;
		if (is_textish(n) && n->v.text.text)
			pqx_buf_adds(out, n->v.text.text);
		if ((n == root || n->type != GUMBO_NODE_TEMPLATE) && (v = kids(n)) && v->length) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			if (n == root)
				return;
			const GumboNode *s = next_sibling(n);
			if (s) {
				n = s;
				break;
			}
			n = n->parent;
		}
	}
}

int pqx_text_ex(const GumboNode *node, enum pqx_text_mode mode, const pqx_text_opts *opts,
                pqx_buf *out)
{
	if (out->oom)
		return -1;
	if (node) {
		switch (mode) {
		case PQX_TEXT_RAW:
			text_raw(node, out);
			break;
		case PQX_TEXT_OWN:
			text_own(node, opts, out);
			break;
		case PQX_TEXT_INNER:
		default:
			text_inner(node, opts, out);
			break;
		}
	}
	return out->oom ? -1 : 0;
}

int pqx_text(const GumboNode *node, enum pqx_text_mode mode, pqx_buf *out)
{
	return pqx_text_ex(node, mode, NULL, out);
}

/* Length of the white-space character at s[i] for squish: ASCII white space as Lua's
 * %s knows it (with VT), NBSP and the other Unicode spaces (U+1680, U+2000-U+200A,
 * U+2028, U+2029, U+202F, U+205F, U+3000), else 0. */
static size_t squish_space_len(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i];
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (c == 0xC2)
		return i + 1 < len && s[i + 1] == 0xA0 ? 2 : 0;
	if (i + 2 >= len)
		return 0;
	unsigned char c1 = s[i + 1], c2 = s[i + 2];
	if (c == 0xE1)
		return c1 == 0x9A && c2 == 0x80 ? 3 : 0;
	if (c == 0xE2 && c1 == 0x80)
		return (c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF ? 3 : 0;
	if (c == 0xE2 && c1 == 0x81)
		return c2 == 0x9F ? 3 : 0;
	if (c == 0xE3)
		return c1 == 0x80 && c2 == 0x80 ? 3 : 0;
	return 0;
}

/* Does out[from..] end in the lead of a UTF-8 sequence that misses continuation
 * bytes (a byte of input that is not UTF-8)? */
static int ends_incomplete(const pqx_buf *out, size_t from)
{
	const unsigned char *b = (const unsigned char *)out->s + from;
	size_t n = out->len - from, k = 0;
	while (k < n && k < 3 && (b[n - 1 - k] & 0xC0) == 0x80)
		k++;
	if (k == n)
		return 0;
	unsigned char lead = b[n - 1 - k];
	size_t need = lead >= 0xF0 && lead <= 0xF4 ? 3 : lead >= 0xE0 && lead <= 0xEF ? 2
	            : lead >= 0xC2 && lead <= 0xDF ? 1 : 0;
	return need > k;
}

/* Length of the white space that ends s[0..len), as squish_space_len knows it. */
static size_t trailing_space_len(const unsigned char *s, size_t len)
{
	for (size_t k = 1; k <= 3 && k <= len; k++)
		if (squish_space_len(s, len - k, len) == k)
			return k;
	return 0;
}

void pqx_text_trim(const char *str, size_t len, size_t *start, size_t *n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;
	while (i < len && (k = squish_space_len(s, i, len)) != 0)
		i += k;
	while (len > i && (k = trailing_space_len(s + i, len - i)) != 0)
		len -= k;
	*start = i;
	*n = len - i;
}

/* One pass, no allocation but the output: pqx.text.squish calls this for every field a
 * script reads, so it must not cost more than copying the string. */
int pqx_text_squish(const char *str, size_t len, pqx_buf *out)
{
	if (out->oom)
		return -1;
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, from = out->len;
	int any = 0, space = 0;
	while (i < len) {
		size_t k;
		if (s[i] < 0x80 && s[i] > ' ') { /* the common case: a run of visible ASCII */
			size_t j = i + 1;
			while (j < len && s[j] < 0x80 && s[j] > ' ')
				j++;
			run = j - i;
		} else if ((k = invisible_len(s, i, len)) != 0) {
			/* an invisible character goes, unless it stands between bytes that are
			 * not UTF-8 and would become a character without it ("\xC2" SHY "\xAD"
			 * would become a soft hyphen): squish(squish(s)) == squish(s) */
			if (!(any && !space && i + k < len && (s[i + k] & 0xC0) == 0x80 &&
			      ends_incomplete(out, from))) {
				i += k;
				continue;
			}
			run = k;
		} else if ((k = squish_space_len(s, i, len)) != 0) {
			space = any;
			i += k;
			continue;
		} else {
			run = 1;
		}
		if (space)
			pqx_buf_addc(out, ' ');
		pqx_buf_add(out, str + i, run);
		i += run;
		any = 1;
		space = 0;
	}
	return out->oom ? -1 : 0;
}

/* ---- HTML serialisation --------------------------------------------------- */

static int is_void(const GumboNode *n)
{
	if (n->type != GUMBO_NODE_ELEMENT || n->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
		return 0;
	switch (n->v.element.tag) {
	case GUMBO_TAG_AREA: case GUMBO_TAG_BASE: case GUMBO_TAG_BR: case GUMBO_TAG_COL:
	case GUMBO_TAG_EMBED: case GUMBO_TAG_HR: case GUMBO_TAG_IMG: case GUMBO_TAG_INPUT:
	case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK:
	case GUMBO_TAG_WBR: case GUMBO_TAG_BASEFONT: case GUMBO_TAG_BGSOUND:
	case GUMBO_TAG_FRAME: case GUMBO_TAG_KEYGEN: case GUMBO_TAG_PARAM:
		return 1;
	default:
		return 0;
	}
}

/* Text under these parents was tokenised raw, so escaping it would change it. */
static int raw_text_parent(const GumboNode *p)
{
	if (!p || p->type != GUMBO_NODE_ELEMENT || p->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
		return 0;
	switch (p->v.element.tag) {
	case GUMBO_TAG_STYLE: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_XMP: case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_PLAINTEXT:
		return 1;
	default:
		return 0;
	}
}

static void add_lower(pqx_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		pqx_buf_addc(b, c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
	}
}

static void add_tag_name(pqx_buf *b, const GumboNode *n)
{
	const GumboElement *e = &n->v.element;
	GumboStringPiece piece = e->original_tag;
	int have_piece = 0;
	/* gumbo_tag_from_original_text is only defined on real "<name ...>" text */
	if (piece.data && piece.length >= 2 && piece.data[0] == '<') {
		gumbo_tag_from_original_text(&piece);
		have_piece = piece.data && piece.length > 0;
	}
	if (e->tag_namespace == GUMBO_NAMESPACE_SVG && have_piece) {
		const char *svg = gumbo_normalize_svg_tagname(&piece);
		if (svg) {
			pqx_buf_adds(b, svg);
			return;
		}
	}
	if (e->tag != GUMBO_TAG_UNKNOWN && (unsigned)e->tag < GUMBO_TAG_LAST) {
		pqx_buf_adds(b, gumbo_normalized_tagname(e->tag));
		return;
	}
	if (have_piece)
		add_lower(b, piece.data, piece.length);
	else
		pqx_buf_adds(b, "unknown"); /* never seen: unknown tags come from source text */
}

static void add_escaped(pqx_buf *b, const char *s, int attr)
{
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		size_t skip = 1;
		switch ((unsigned char)*s) {
		case '&': rep = "&amp;"; break;
		case '<': if (!attr) rep = "&lt;"; break;
		case '>': if (!attr) rep = "&gt;"; break;
		case '"': if (attr) rep = "&quot;"; break;
		case 0xC2:
			if ((unsigned char)s[1] == 0xA0) {
				rep = "&nbsp;";
				skip = 2;
			}
			break;
		default: break;
		}
		if (rep) {
			pqx_buf_add(b, run, (size_t)(s - run));
			pqx_buf_adds(b, rep);
			s += skip - 1;
			run = s + 1;
		}
	}
	pqx_buf_add(b, run, (size_t)(s - run));
}

static void add_start_tag(pqx_buf *b, const GumboNode *n)
{
	const GumboVector *attrs = &n->v.element.attributes;
	pqx_buf_addc(b, '<');
	add_tag_name(b, n);
	for (size_t i = 0; i < attrs->length; i++) {
		const GumboAttribute *a = attrs->data[i];
		pqx_buf_addc(b, ' ');
		switch (a->attr_namespace) {
		case GUMBO_ATTR_NAMESPACE_XLINK:
			pqx_buf_adds(b, "xlink:");
			break;
		case GUMBO_ATTR_NAMESPACE_XML:
			pqx_buf_adds(b, "xml:");
			break;
		case GUMBO_ATTR_NAMESPACE_XMLNS:
			if (strcmp(a->name, "xmlns") != 0)
				pqx_buf_adds(b, "xmlns:");
			break;
		default:
			break;
		}
		pqx_buf_adds(b, a->name);
		pqx_buf_adds(b, "=\"");
		add_escaped(b, a->value ? a->value : "", 1);
		pqx_buf_addc(b, '"');
	}
	pqx_buf_addc(b, '>');
	/* The parser drops one newline right after <pre>, <textarea> and <listing>;
	 * writing one back keeps a leading newline of the content alive on reparse. */
	if (is_html(n, GUMBO_TAG_PRE) || is_html(n, GUMBO_TAG_TEXTAREA) ||
	    is_html(n, GUMBO_TAG_LISTING)) {
		const GumboVector *v = &n->v.element.children;
		const GumboNode *first = v->length ? v->data[0] : NULL;
		if (first && is_textish(first) && first->v.text.text && first->v.text.text[0] == '\n')
			pqx_buf_addc(b, '\n');
	}
}

/* Returns whether to descend into n. */
static int html_enter(pqx_buf *b, const GumboNode *n, int write)
{
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT:
		if (n->v.document.has_doctype) {
			pqx_buf_adds(b, "<!DOCTYPE ");
			pqx_buf_adds(b, n->v.document.name ? n->v.document.name : "");
			pqx_buf_addc(b, '>');
		}
		return 1;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		if (write)
			add_start_tag(b, n);
		return !is_void(n);
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		/* CDATA becomes ordinary text in the DOM, and is serialised as such */
		if (write && n->v.text.text) {
			if (raw_text_parent(n->parent))
				pqx_buf_adds(b, n->v.text.text);
			else
				add_escaped(b, n->v.text.text, 0);
		}
		return 0;
	case GUMBO_NODE_COMMENT:
		if (write) {
			pqx_buf_adds(b, "<!--");
			pqx_buf_adds(b, n->v.text.text ? n->v.text.text : "");
			pqx_buf_adds(b, "-->");
		}
		return 0;
	default:
		return 0;
	}
}

static void html_leave(pqx_buf *b, const GumboNode *n, int write)
{
	if (!write || (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) ||
	    is_void(n))
		return;
	pqx_buf_adds(b, "</");
	add_tag_name(b, n);
	pqx_buf_addc(b, '>');
}

int pqx_html(const GumboNode *node, int outer, pqx_buf *out)
{
	if (out->oom)
		return -1;
	if (!node)
		return 0;
	const GumboNode *root = node, *n = node;
	for (;;) {
		const GumboVector *v;
		int write = n != root || outer;
		if (html_enter(out, n, write) && (v = kids(n)) && v->length) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			html_leave(out, n, n != root || outer);
			if (n == root)
				return out->oom ? -1 : 0;
			const GumboNode *s = next_sibling(n);
			if (s) {
				n = s;
				break;
			}
			n = n->parent;
		}
	}
}
