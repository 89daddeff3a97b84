/*
 * fuzz_text.c: libFuzzer target for the text builder (src/text.c) over pages
 * parsed the way pqx parses them (src/parse.c, default limits).
 *
 * Input: an HTML page. For the document and for up to 16 of its elements and
 * 8 of its text nodes (spread evenly over the page), it builds innerText (with the default options and with
 * hidden content and plain super-/subscripts kept), textContent and own text,
 * and the HTML serialisation, and squishes text and the raw input.
 *
 * Invariants checked:
 * - every text and the serialisation is well-formed UTF-8 without NUL;
 * - innerText and own text never begin or end with white space; innerText
 *   never holds a soft hyphen or a zero-width space; on pages without
 *   pre-formatted elements (pre, textarea, listing, xmp, plaintext) it holds
 *   no doubled, leading or trailing TAB on a line, no doubled space, no NBSP,
 *   no space beside a line break and no more than one blank line in a row;
 * - textContent is exactly the concatenation of the descendant text nodes
 *   (a text node's textContent is its own text);
 * - squish is idempotent, on any bytes, and its result has no leading,
 *   trailing or doubled space and no other white space (on the raw input,
 *   innerText and textContent);
 * - the inner serialisation of an element is part of its outer one.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "parse.h"
#include "text.h"

static int is_ascii_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int has(const pqx_buf *b, const char *needle)
{
	size_t n = strlen(needle);
	if (b->len < n)
		return 0;
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->s + i, needle, n) == 0)
			return 1;
	return 0;
}

static void check_clean(const pqx_buf *b, const char *what)
{
	FUZZ_ASSERT(!b->oom, what);
	FUZZ_ASSERT(b->len == 0 || b->s[b->len] == '\0', what);
	FUZZ_ASSERT(b->len == 0 || memchr(b->s, 0, b->len) == NULL, what);
	FUZZ_ASSERT(b->len == 0 || fuzz_utf8_ok(b->s, b->len), what);
}

static void check_trimmed(const pqx_buf *b, const char *what)
{
	if (b->len == 0)
		return;
	FUZZ_ASSERT(!is_ascii_ws((unsigned char)b->s[0]), what);
	FUZZ_ASSERT(!is_ascii_ws((unsigned char)b->s[b->len - 1]), what);
}

/* squish(s) is squished: idempotent, single spaces only, trimmed */
static void check_squish(const char *s, size_t len, pqx_buf *out)
{
	pqx_buf again = PQX_BUF_INIT;
	pqx_buf_reset(out);
	FUZZ_ASSERT(pqx_text_squish(s, len, out) == 0, "squish runs");
	FUZZ_ASSERT(pqx_text_squish(out->s ? out->s : "", out->len, &again) == 0, "squish runs twice");
	FUZZ_ASSERT(again.len == out->len && (out->len == 0 || memcmp(again.s, out->s, out->len) == 0),
	            "squish is idempotent");
	if (out->len) {
		FUZZ_ASSERT(out->s[0] != ' ' && out->s[out->len - 1] != ' ', "squish trims");
		for (size_t i = 0; i < out->len; i++) {
			unsigned char c = (unsigned char)out->s[i];
			FUZZ_ASSERT(c == ' ' || !is_ascii_ws(c), "squish leaves only spaces");
			FUZZ_ASSERT(!(c == ' ' && i + 1 < out->len && out->s[i + 1] == ' '),
			            "squish leaves no doubled space");
		}
	}
	pqx_buf_free(&again);
}

/* the text nodes below root in document order, concatenated */
static void concat_text(const GumboNode *root, pqx_buf *out)
{
	if (root->type == GUMBO_NODE_TEXT || root->type == GUMBO_NODE_WHITESPACE ||
	    root->type == GUMBO_NODE_CDATA) {
		pqx_buf_adds(out, root->v.text.text);
		return;
	}
	if (root->type != GUMBO_NODE_ELEMENT && root->type != GUMBO_NODE_TEMPLATE &&
	    root->type != GUMBO_NODE_DOCUMENT)
		return;
	for (const GumboNode *n = fuzz_next(root, root); n; n = fuzz_next(n, root))
		if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
		    n->type == GUMBO_NODE_CDATA)
			pqx_buf_adds(out, n->v.text.text);
}

/* Is there a pre-formatted element anywhere, template contents included (the
 * text of a template asked of itself is its content)? */
static int preformatted(const GumboNode *root)
{
	for (const GumboNode *n = root; n; n = fuzz_next(n, root)) {
		if (n->type == GUMBO_NODE_TEMPLATE && n != root && preformatted(n))
			return 1;
		if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE)
			continue;
		switch (n->v.element.tag) {
		case GUMBO_TAG_PRE: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_LISTING:
		case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
			return 1;
		default:
			break;
		}
	}
	return 0;
}

static void check_inner(const pqx_buf *t, int pre, pqx_buf *sq)
{
	check_clean(t, "innerText is clean UTF-8");
	check_trimmed(t, "innerText is trimmed");
	FUZZ_ASSERT(!has(t, "\xC2\xAD") && !has(t, "\xE2\x80\x8B"),
	            "innerText has no soft hyphen or zero-width space");
	if (!pre) {
		/* (pre-formatted text keeps its TABs and spaces as written) */
		FUZZ_ASSERT(!has(t, "\t\t") && !has(t, "\n\t") && !has(t, "\t\n"),
		            "innerText has no doubled, leading or trailing TAB");
		FUZZ_ASSERT(!has(t, "  "), "innerText has no doubled space");
		FUZZ_ASSERT(!has(t, " \n") && !has(t, "\n "), "innerText has no space beside a line break");
		FUZZ_ASSERT(!has(t, "\n\n\n"), "innerText has at most one blank line in a row");
		FUZZ_ASSERT(!has(t, "\xC2\xA0"), "innerText has no NBSP");
		FUZZ_ASSERT(!has(t, "\r") && !has(t, "\f") && !has(t, "\v"), "innerText has no CR, FF or VT");
	}
	check_squish(t->s ? t->s : "", t->len, sq);
}

static void check_node(const GumboNode *n, int pre, const pqx_text_opts *keep)
{
	pqx_buf t = PQX_BUF_INIT, sq = PQX_BUF_INIT, want = PQX_BUF_INIT;

	FUZZ_ASSERT(pqx_text(n, PQX_TEXT_INNER, &t) == 0, "innerText runs");
	check_inner(&t, pre, &sq);
	pqx_buf_reset(&t);
	FUZZ_ASSERT(pqx_text_ex(n, PQX_TEXT_INNER, keep, &t) == 0, "innerText with options runs");
	check_inner(&t, pre, &sq);

	pqx_buf_reset(&t);
	FUZZ_ASSERT(pqx_text(n, PQX_TEXT_RAW, &t) == 0, "textContent runs");
	check_clean(&t, "textContent is clean UTF-8");
	concat_text(n, &want);
	FUZZ_ASSERT(want.len == t.len && (t.len == 0 || memcmp(want.s, t.s, t.len) == 0),
	            "textContent is the descendant text nodes, concatenated");
	check_squish(t.s ? t.s : "", t.len, &sq);

	pqx_buf_reset(&t);
	FUZZ_ASSERT(pqx_text(n, PQX_TEXT_OWN, &t) == 0, "own text runs");
	check_clean(&t, "own text is clean UTF-8");
	check_trimmed(&t, "own text is trimmed");

	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
		pqx_buf outer = PQX_BUF_INIT, inner = PQX_BUF_INIT;
		FUZZ_ASSERT(pqx_html(n, 1, &outer) == 0 && pqx_html(n, 0, &inner) == 0, "serialising runs");
		check_clean(&outer, "outer HTML is clean UTF-8");
		check_clean(&inner, "inner HTML is clean UTF-8");
		FUZZ_ASSERT(inner.len < outer.len, "outer HTML has the tags around inner");
		FUZZ_ASSERT(inner.len == 0 || memmem(outer.s, outer.len, inner.s, inner.len) != NULL,
		            "inner HTML is part of outer HTML");
		(void)pqx_text_is_hidden(n);
		pqx_buf_free(&outer);
		pqx_buf_free(&inner);
	}
	pqx_buf_free(&t);
	pqx_buf_free(&sq);
	pqx_buf_free(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* squish on the raw bytes, UTF-8 or not */
	pqx_buf sq = PQX_BUF_INIT;
	check_squish((const char *)data, size, &sq);
	pqx_buf_free(&sq);

	pqx_document doc;
	pqx_limits lim;
	pqx_limits_default(&lim);
	char err[512];
	if (pqx_parse(&doc, data, size, NULL, &lim, err, sizeof err) != PQX_PARSE_OK) {
		FUZZ_ASSERT(err[0] != '\0', "a refused page has a message");
		pqx_document_free(&doc);
		return 0;
	}
	const GumboNode *root = doc.out->document;
	int pre = preformatted(root);
	pqx_text_opts keep = {1, 1, NULL, NULL};
	check_node(root, pre, &keep);
	/* up to 16 elements and 8 text nodes, spread over the page */
	size_t nel = 0, ntext = 0;
	for (const GumboNode *n = fuzz_next(root, root); n; n = fuzz_next(n, root)) {
		if (fuzz_is_element(n))
			nel++;
		else if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE)
			ntext++;
	}
	size_t estep = nel / 16 + 1, tstep = ntext / 8 + 1, ei = 0, ti = 0;
	for (const GumboNode *n = fuzz_next(root, root); n; n = fuzz_next(n, root)) {
		if (fuzz_is_element(n)) {
			if (ei++ % estep == estep - 1)
				check_node(n, pre, &keep);
		} else if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE) {
			if (ti++ % tstep == tstep - 1)
				check_node(n, pre, &keep);
		}
	}
	pqx_document_free(&doc);
	return 0;
}
