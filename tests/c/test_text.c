/*
 * test_text.c: unit tests of src/text.c (innerText-like text, textContent,
 * own text, squish and HTML serialisation) on pages parsed by gumbo.
 * Gumbo allocates from a bump arena local to this file so that no test ever
 * calls gumbo_destroy_output, which recurses and would overflow on the deep page.
 * It must never depend on the Lua side or on files outside src/buf.c, src/text.c.
 */
#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "t.h"
#include "text.h"

/* ---- a throwaway arena for gumbo: everything is freed at exit in one loop */

typedef struct chunk {
	struct chunk *next;
	size_t size, off;
	_Alignas(max_align_t) unsigned char data[];
} chunk;

static chunk *arena;

static void *arena_alloc(void *ud, size_t size)
{
	(void)ud;
	size = (size + _Alignof(max_align_t) - 1) & ~(size_t)(_Alignof(max_align_t) - 1);
	if (!arena || arena->size - arena->off < size) {
		size_t want = size > (1u << 20) ? size : (1u << 20);
		chunk *c = malloc(sizeof *c + want);
		if (!c) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		c->size = want;
		c->off = 0;
		c->next = arena;
		arena = c;
	}
	void *p = arena->data + arena->off;
	arena->off += size;
	return p;
}

static void arena_dealloc(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

static void arena_free_all(void)
{
	while (arena) {
		chunk *next = arena->next;
		free(arena);
		arena = next;
	}
}

static GumboOutput *parse(const char *html)
{
	GumboOptions o = kGumboDefaultOptions;
	o.allocator = arena_alloc;
	o.deallocator = arena_dealloc;
	o.max_errors = 0; /* gumbo copies the open-element stack for every error */
	return gumbo_parse_with_options(&o, html, strlen(html));
}

/* first element with this tag in document order (iterative, like text.c) */
static const GumboNode *find(const GumboNode *root, GumboTag tag)
{
	const GumboNode *n = root;
	for (;;) {
		if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == tag)
			return n;
		const GumboVector *v = NULL;
		if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
			v = &n->v.element.children;
		else if (n->type == GUMBO_NODE_DOCUMENT)
			v = &n->v.document.children;
		if (v && v->length) {
			n = v->data[0];
			continue;
		}
		for (;;) {
			if (n == root)
				return NULL;
			const GumboNode *p = n->parent;
			size_t i = n->index_within_parent;
			const GumboVector *pv = p->type == GUMBO_NODE_DOCUMENT ? &p->v.document.children
			                                                       : &p->v.element.children;
			if (i + 1 < pv->length) {
				n = pv->data[i + 1];
				break;
			}
			n = p;
		}
	}
}

static pqx_buf out = PQX_BUF_INIT;

static const char *text_of(const char *html, GumboTag tag, enum pqx_text_mode mode)
{
	GumboOutput *g = parse(html);
	const GumboNode *n = find(g->document, tag);
	pqx_buf_reset(&out);
	if (!n || pqx_text(n, mode, &out) != 0)
		return NULL;
	return pqx_buf_cstr(&out);
}

static const char *inner(const char *html)
{
	return text_of(html, GUMBO_TAG_BODY, PQX_TEXT_INNER);
}

static const char *html_of(const char *html, GumboTag tag, int outer)
{
	GumboOutput *g = parse(html);
	const GumboNode *n = tag == GUMBO_TAG_LAST ? g->document : find(g->document, tag);
	pqx_buf_reset(&out);
	if (!n || pqx_html(n, outer, &out) != 0)
		return NULL;
	return pqx_buf_cstr(&out);
}

static const char *squish(const char *s)
{
	pqx_buf_reset(&out);
	if (pqx_text_squish(s, strlen(s), &out) != 0)
		return NULL;
	return pqx_buf_cstr(&out);
}

static void test_blocks(void)
{
	CHECK_STR(inner("<div>a</div><div>b</div>"), "a\nb", "div starts and ends lines");
	CHECK_STR(inner("x<div>a</div>y"), "x\na\ny", "inline text around a div");
	CHECK_STR(inner("<div><div><div>a</div></div></div><div>b</div>"), "a\nb",
	          "nested blocks give one line break");
	CHECK_STR(inner("<ul><li>one</li><li>two</li></ul><ol><li>three</li></ol>"), "one\ntwo\nthree",
	          "li and lists");
	CHECK_STR(inner("<dl><dt>Term</dt><dd>Def</dd></dl>"), "Term\nDef", "dt and dd");
	CHECK_STR(inner("<h1>T</h1><h2>U</h2>text"), "T\nU\ntext", "h1-h6 break lines (no blank line)");
	CHECK_STR(inner("<section>a</section><article>b</article><aside>c</aside><nav>d</nav>"),
	          "a\nb\nc\nd", "section article aside nav");
	CHECK_STR(inner("<header>a</header><main>b</main><footer>c</footer><address>d</address>"),
	          "a\nb\nc\nd", "header main footer address");
	CHECK_STR(inner("<blockquote>a</blockquote><center>b</center><figure>c<figcaption>d</figcaption></figure>"),
	          "a\nb\nc\nd", "blockquote center figure figcaption");
	CHECK_STR(inner("<form>a<fieldset><legend>L</legend>b</fieldset></form>"), "a\nL\nb",
	          "form fieldset legend");
	CHECK_STR(inner("<details><summary>S</summary>body</details>"), "S\nbody", "details summary");
	CHECK_STR(inner("a<hr>b"), "a\nb", "hr breaks the line");
	CHECK_STR(inner("<dialog>a</dialog>b"), "a\nb", "dialog (unknown to gumbo) is a block");
	CHECK_STR(inner("<select><option>a</option><option>b</option></select>"), "a\nb", "options on lines");
	CHECK_STR(inner("<hgroup>a</hgroup><menu><li>b</li></menu><dir><li>c</li></dir>"), "a\nb\nc",
	          "hgroup menu dir");
	CHECK_STR(inner("<x-custom>a</x-custom><x-custom>b</x-custom>"), "ab", "custom elements are inline");
}

static void test_br_and_paragraphs(void)
{
	CHECK_STR(inner("a<br>b"), "a\nb", "br is a line break");
	CHECK_STR(inner("a<br/>b<br>c"), "a\nb\nc", "br-separated lines never glue");
	CHECK_STR(inner("a<br><br>b"), "a\n\nb", "two br give a blank line");
	CHECK_STR(inner("a<br><br><br><br>b"), "a\n\nb", "at most one blank line from br runs");
	CHECK_STR(inner("<div>a<br></div><div>b</div>"), "a\nb", "br at the end of a block adds no line");
	CHECK_STR(inner("<br>a<br>"), "a", "leading and trailing br trimmed");
	CHECK_STR(inner("a <br> b"), "a\nb", "no spaces around a br");
	CHECK_STR(inner("<p>a</p><p>b</p>"), "a\n\nb", "paragraphs separated by a blank line");
	CHECK_STR(inner("x<p>a</p>y"), "x\n\na\n\ny", "paragraph separated from inline neighbours");
	CHECK_STR(inner("<p>a</p><div>b</div>"), "a\n\nb", "paragraph then div");
	CHECK_STR(inner("<p>a</p><br><p>b</p>"), "a\n\nb", "br between paragraphs: still one blank line");
	CHECK_STR(inner("<p></p><p>a</p><p></p>"), "a", "empty paragraphs leave nothing");
	CHECK_STR(inner("<div><p>a</p></div><div><p>b</p></div>"), "a\n\nb", "nested paragraphs");
}

static void test_whitespace(void)
{
	CHECK_STR(inner("  a \t\n b  "), "a b", "white space runs collapse and trim");
	CHECK_STR(inner("<b>a</b> <i>b</i>"), "a b", "inline elements keep their space");
	CHECK_STR(inner("<b>a</b><i>b</i>"), "ab", "no space in the source, none in the text");
	CHECK_STR(inner("<span>a </span><span> b</span>"), "a b", "spaces inside inline elements");
	CHECK_STR(inner("<a href=x>Mr</a>\n<a href=y>Smith</a>"), "Mr Smith", "newline between links");
	CHECK_STR(inner("a&nbsp;b"), "a b", "NBSP becomes a space");
	CHECK_STR(inner("a &nbsp; &nbsp;b"), "a b", "NBSP runs collapse");
	CHECK_STR(inner("&nbsp;a&nbsp;"), "a", "NBSP trimmed at the ends");
	CHECK_STR(inner("Bundes&shy;tag"), "Bundestag", "soft hyphen vanishes");
	CHECK_STR(inner("a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d\xe2\x81\xa0" "e\xef\xbb\xbf" "f"),
	          "abcdef", "zero-width characters vanish");
	CHECK_STR(inner("a \xe2\x80\x8b b"), "a b", "zero-width between spaces: one space");
	CHECK_STR(inner("a\r\n\f b"), "a b", "CR LF FF are white space");
	CHECK_STR(inner("<div>  a  </div>  <div>  b  </div>"), "a\nb", "no leading or trailing spaces on lines");
	CHECK_STR(inner("   "), "", "white space only gives the empty string");
	CHECK_STR(inner("a<!-- hidden -->b"), "ab", "comments contribute nothing");
	CHECK_STR(inner("\xc3\xa9t\xc3\xa9 \xe2\x82\xac"), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac",
	          "other UTF-8 passes through");
}

static void test_excluded(void)
{
	CHECK_STR(inner("a<script>var x = 1;</script>b"), "ab", "script excluded");
	CHECK_STR(inner("a<style>p { color: red }</style> b"), "a b", "style excluded");
	CHECK_STR(inner("a<template><p>t</p></template>b"), "ab", "template excluded");
	CHECK_STR(inner("a<noscript>enable js</noscript>b"), "ab", "noscript excluded");
	CHECK_STR(inner("a<iframe>frame</iframe>b"), "ab", "iframe fallback excluded");
	CHECK_STR(text_of("<html><head><title>T</title><meta charset=utf-8><link rel=x></head><body>b</body>",
	                  GUMBO_TAG_HTML, PQX_TEXT_INNER), "b", "head content excluded from the page text");
	CHECK_STR(text_of("<title> The  title </title>", GUMBO_TAG_TITLE, PQX_TEXT_INNER), "The title",
	          "title itself gives its text");
	CHECK_STR(text_of("<script> a  b </script>", GUMBO_TAG_SCRIPT, PQX_TEXT_INNER), "a b",
	          "the start node is never excluded");
	CHECK_STR(inner("a<svg><title>tip</title><text>in svg</text></svg>b"), "ain svgb",
	          "svg title excluded, svg text kept");
}

static void test_pre(void)
{
	CHECK_STR(inner("<pre>a  b\n  c\n\n\nd</pre>"), "a  b\n  c\n\n\nd", "pre keeps spaces and newlines");
	CHECK_STR(inner("x<pre>\ncode</pre>y"), "x\ncode\ny", "pre is a block; parser drops its first newline");
	CHECK_STR(inner("<pre>a   \nb  </pre>"), "a\nb", "no trailing spaces on pre lines");
	CHECK_STR(inner("<pre>a\n</pre><div>b</div>"), "a\nb", "final pre newline adds no blank line");
	CHECK_STR(inner("<pre>a\n\n</pre><div>b</div>"), "a\n\nb", "pre blank line kept before a block");
	CHECK_STR(inner("<pre><b>if</b>  (x)\n\t<i>y</i></pre>"), "if  (x)\n\ty", "pre with inline markup");
	CHECK_STR(inner("<pre>a&nbsp;&nbsp;b</pre>"), "a  b", "NBSP in pre is a space");
	CHECK_STR(inner("a <textarea>  x\n  y</textarea>"), "a   x\n  y", "textarea keeps white space");
	CHECK_STR(inner("<pre>a</pre>  b  c"), "a\nb c", "collapsing resumes after pre");
}

static void test_tables(void)
{
	const char *t = "<table><caption>Cap</caption><tr><th>Name</th><th>Party</th></tr>"
	                "<tr><td> Smith </td><td>Green</td></tr></table>after";
	CHECK_STR(inner(t), "Cap\nName\tParty\nSmith\tGreen\nafter", "cells separated by tab, rows by newline");
	CHECK_STR(inner("<table><tr><td>a</td><td></td><td>b</td></tr></table>"), "a\tb",
	          "empty cells add no tab");
	CHECK_STR(inner("<table><tr><td>a</td><td> </td></tr><tr><td></td><td>b</td></tr></table>"), "a\nb",
	          "no leading or trailing tabs");
	CHECK_STR(inner("<table><tr><td>a b</td>\n<td>c</td></tr></table>"), "a b\tc",
	          "white space between cells becomes the tab");
	CHECK_STR(inner("<table><tr><td><p>a</p></td><td>b</td></tr></table>"), "a\n\nb",
	          "blocks inside cells break lines");
	CHECK_STR(text_of("<table><tr><td>a</td><td>b</td></tr></table>", GUMBO_TAG_TD, PQX_TEXT_INNER), "a",
	          "a cell on its own");
}

static void test_own_raw(void)
{
	const char *p = "<div> Hello <b>bold</b> world <br>line2 <!--c--> </div>";
	CHECK_STR(text_of(p, GUMBO_TAG_DIV, PQX_TEXT_OWN), "Hello world\nline2", "own text: direct text and br");
	CHECK_STR(text_of("<p>a<span>x</span>b</p>", GUMBO_TAG_P, PQX_TEXT_OWN), "ab",
	          "own text joins around child elements");
	CHECK_STR(text_of("<p> a&nbsp;&shy;b </p>", GUMBO_TAG_P, PQX_TEXT_OWN), "a b", "own text normalised");
	CHECK_STR(text_of("<pre> a\n b</pre>", GUMBO_TAG_PRE, PQX_TEXT_OWN), "a\n b", "own text of pre keeps lines");
	CHECK_STR(text_of(p, GUMBO_TAG_DIV, PQX_TEXT_RAW), " Hello bold world line2  ", "raw text untouched");
	CHECK_STR(text_of("<div>a<script>x<y</script>&nbsp;&amp;</div>", GUMBO_TAG_DIV, PQX_TEXT_RAW),
	          "ax<y\xc2\xa0&", "raw text includes script, keeps NBSP");
	CHECK_STR(text_of("<div><p>a</p><p>b</p></div>", GUMBO_TAG_DIV, PQX_TEXT_RAW), "ab",
	          "raw text has no line breaks for blocks");

	GumboOutput *g = parse("<p>  x  y </p>");
	const GumboNode *pn = find(g->document, GUMBO_TAG_P);
	const GumboNode *tn = pn->v.element.children.data[0];
	pqx_buf_reset(&out);
	CHECK(pqx_text(tn, PQX_TEXT_INNER, &out) == 0, "text node accepted");
	CHECK_STR(pqx_buf_cstr(&out), "x y", "text node: inner text");
	pqx_buf_reset(&out);
	pqx_text(tn, PQX_TEXT_RAW, &out);
	CHECK_STR(pqx_buf_cstr(&out), "  x  y ", "text node: raw text");
	pqx_buf_reset(&out);
	pqx_text(g->document, PQX_TEXT_INNER, &out);
	CHECK_STR(pqx_buf_cstr(&out), "x y", "document node: inner text");

	pqx_buf_reset(&out);
	pqx_buf_adds(&out, "keep:");
	pqx_text(pn, PQX_TEXT_INNER, &out);
	CHECK_STR(pqx_buf_cstr(&out), "keep:x y", "text is appended to existing content");
	pqx_buf_reset(&out);
	pqx_buf_adds(&out, "keep\n");
	pqx_text(find(parse("<div>\n\n</div>")->document, GUMBO_TAG_DIV), PQX_TEXT_INNER, &out);
	CHECK_STR(pqx_buf_cstr(&out), "keep\n", "trimming never eats the caller's content");
}

static void test_squish(void)
{
	CHECK_STR(squish("  a \n\t b\xc2\xa0\xc2\xa0" "c  "), "a b c", "squish collapses and trims");
	CHECK_STR(squish("Bundes\xc2\xad" "tag\xe2\x80\x8b"), "Bundestag", "squish drops invisible characters");
	CHECK_STR(squish("a\n\nb"), "a b", "squish treats newlines as spaces");
	CHECK_STR(squish(""), "", "squish of empty");
	pqx_buf_reset(&out);
	pqx_text_squish("a b c", 3, &out);
	CHECK_STR(pqx_buf_cstr(&out), "a b", "squish respects the length");
}

/* regressions found by fuzz/fuzz_text.c (inputs in tests/fixtures/fuzz/text/) */
static void test_fuzz_findings(void)
{
	/* textContent took a <template>'s content, which the DOM keeps apart */
	const char *page = "<div>y<template>x<b>w</b></template>z</div>";
	CHECK_STR(text_of(page, GUMBO_TAG_DIV, PQX_TEXT_RAW), "yz",
	          "raw text leaves out the content of a template below the node");
	GumboOutput *g = parse(page);
	const GumboNode *div = find(g->document, GUMBO_TAG_DIV);
	const GumboNode *tpl = div->v.element.children.data[1];
	pqx_buf_reset(&out);
	pqx_text(tpl, PQX_TEXT_RAW, &out);
	CHECK(tpl->type == GUMBO_NODE_TEMPLATE, "the template node");
	CHECK_STR(pqx_buf_cstr(&out), "xw", "raw text of the template itself is its content");
	pqx_buf_reset(&out);
	pqx_text(g->document, PQX_TEXT_RAW, &out);
	CHECK_STR(pqx_buf_cstr(&out), "yz", "raw text of the document leaves out template content");

	/* squish on bytes that are not UTF-8 glued "\xC2" SHY "\xAD" into a soft hyphen,
	 * which the next squish removed */
	static const char *const stray[] = {"\xC2\xC2\xAD\xAD", "\xE2\x80\xC2\xAD\x8B",
		"\xF0\x9F\xC2\xAD\x98\x80", "\xC2 \xC2\xAD\xAD", "\xC2\xE2\x80\x8B\xA0", NULL};
	for (int i = 0; stray[i]; i++) {
		pqx_buf a = PQX_BUF_INIT, b = PQX_BUF_INIT;
		pqx_text_squish(stray[i], strlen(stray[i]), &a);
		pqx_text_squish(pqx_buf_cstr(&a), a.len, &b);
		char name[80];
		snprintf(name, sizeof name, "squish is idempotent on bytes that are not UTF-8 (case %d)", i + 1);
		CHECK(a.len == b.len && strcmp(pqx_buf_cstr(&a), pqx_buf_cstr(&b)) == 0, name);
		pqx_buf_free(&a);
		pqx_buf_free(&b);
	}
	CHECK_STR(squish("\xC2\xC2\xAD\xAD"), "\xC2\xC2\xAD\xAD",
	          "squish keeps an invisible character that would glue stray bytes into one");
	CHECK_STR(squish("a\xC2\xAD" "b\xC3\xA9\xC2\xAD\xC3\xA9 \xC2\xAD\xAD"), "ab\xC3\xA9\xC3\xA9 \xAD",
	          "squish still drops soft hyphens between characters and after a space");
}

static void test_html(void)
{
	CHECK_STR(html_of("<p class=\"a&amp;b\" title='say \"hi\"'>x</p>", GUMBO_TAG_P, 1),
	          "<p class=\"a&amp;b\" title=\"say &quot;hi&quot;\">x</p>", "attributes escaped");
	CHECK_STR(html_of("<p data-x=\"<b>\">1 &lt; 2 &amp;&amp; 3 &gt; 2&nbsp;ok</p>", GUMBO_TAG_P, 1),
	          "<p data-x=\"<b>\">1 &lt; 2 &amp;&amp; 3 &gt; 2&nbsp;ok</p>", "text escaping and NBSP");
	CHECK_STR(html_of("<div>a<br>b<img src=x.png alt=''><hr><input type=text></div>", GUMBO_TAG_DIV, 1),
	          "<div>a<br>b<img src=\"x.png\" alt=\"\"><hr><input type=\"text\"></div>", "void elements");
	CHECK_STR(html_of("<div><wbr><embed><area><source><track><col></div>", GUMBO_TAG_DIV, 0),
	          "<wbr><embed><area><source><track>", "more void elements (stray col dropped by parser)");
	CHECK_STR(html_of("<table><colgroup><col span=2></colgroup></table>", GUMBO_TAG_TABLE, 1),
	          "<table><colgroup><col span=\"2\"></colgroup></table>", "col is void");
	CHECK_STR(html_of("<div><script>if (a < b && c) x();</script><style>a>b{}</style></div>", GUMBO_TAG_DIV, 0),
	          "<script>if (a < b && c) x();</script><style>a>b{}</style>", "script and style text raw");
	CHECK_STR(html_of("<div><xmp><b>&amp;</xmp></div>", GUMBO_TAG_DIV, 0), "<xmp><b>&amp;</xmp>",
	          "xmp text raw");
	CHECK_STR(html_of("<div>a<!-- note -->b</div>", GUMBO_TAG_DIV, 0), "a<!-- note -->b", "comments");
	CHECK_STR(html_of("<!DOCTYPE html><html><head></head><body>x</body></html>", GUMBO_TAG_LAST, 1),
	          "<!DOCTYPE html><html><head></head><body>x</body></html>", "document with doctype");
	CHECK_STR(html_of("<b>x</b>", GUMBO_TAG_LAST, 0), "<html><head></head><body><b>x</b></body></html>",
	          "document without doctype serialises its children");
	CHECK_STR(html_of("<div id=d><span>a</span> b</div>", GUMBO_TAG_DIV, 0), "<span>a</span> b",
	          "inner html");
	CHECK_STR(html_of("<div id=d><span>a</span> b</div>", GUMBO_TAG_DIV, 1), "<div id=\"d\"><span>a</span> b</div>",
	          "outer html");
	CHECK_STR(html_of("<DIV CLASS=x><My-Tag>y</MY-TAG></DIV>", GUMBO_TAG_DIV, 1),
	          "<div class=\"x\"><my-tag>y</my-tag></div>", "unknown tags lower-cased");
	CHECK_STR(html_of("<div><svg viewBox=\"0 0 1 1\"><foreignObject><p>x</p></foreignObject>"
	                  "<use xlink:href=\"#a\"/></svg></div>", GUMBO_TAG_DIV, 0),
	          "<svg viewBox=\"0 0 1 1\"><foreignObject><p>x</p></foreignObject><use xlink:href=\"#a\"></use></svg>",
	          "svg names keep their case and namespace prefixes");
	CHECK_STR(html_of("<div><pre>\n\nx</pre></div>", GUMBO_TAG_DIV, 0), "<pre>\n\nx</pre>",
	          "leading newline of pre survives a round trip");
	CHECK_STR(html_of("<div><template><p>t</p></template></div>", GUMBO_TAG_DIV, 0),
	          "<template><p>t</p></template>", "template contents serialised");
	CHECK_STR(html_of("<p>a<!--c-->b</p>", GUMBO_TAG_P, 0), "a<!--c-->b", "inner html of p");

	/* round trip: serialising, reparsing and serialising again changes nothing */
	const char *page = "<!DOCTYPE html><html><head><title>a &amp; b</title></head><body>"
	                   "<p class=\"q\" data-v=\"1 &quot;2&quot; &amp; 3\">x&lt;y<br>z&nbsp;</p>"
	                   "<table><tbody><tr><td>1</td></tr></tbody></table></body></html>";
	const char *once = html_of(page, GUMBO_TAG_LAST, 1);
	size_t once_len = once ? strlen(once) : 0;
	char *copy = malloc(once_len + 1);
	if (!copy)
		return;
	memcpy(copy, once ? once : "", once_len + 1);
	CHECK_STR(copy, page, "serialisation of a normalised page is identity");
	CHECK_STR(html_of(copy, GUMBO_TAG_LAST, 1), copy, "round trip is stable");
	free(copy);

	GumboOutput *g = parse("<p>a&amp;b</p>");
	const GumboNode *tn = find(g->document, GUMBO_TAG_P)->v.element.children.data[0];
	pqx_buf_reset(&out);
	pqx_html(tn, 1, &out);
	CHECK_STR(pqx_buf_cstr(&out), "a&amp;b", "outer html of a text node");
}

static void test_deep(void)
{
	enum { DEPTH = 20000 };
	pqx_buf page = PQX_BUF_INIT;
	for (int i = 0; i < DEPTH; i++)
		pqx_buf_adds(&page, i % 2 ? "<div>" : "<div> x");
	pqx_buf_adds(&page, "end");
	/* gumbo points into the input, so the page bytes live as long as the tree */
	GumboOutput *g = parse(pqx_buf_cstr(&page));
	const GumboNode *body = find(g->document, GUMBO_TAG_BODY);

	pqx_buf_reset(&out);
	CHECK(pqx_text(body, PQX_TEXT_INNER, &out) == 0, "deep page: inner text");
	CHECK(out.len > 0 && strcmp(out.s + out.len - 5, "x\nend") == 0, "deep page: inner text ends right");
	pqx_buf_reset(&out);
	CHECK(pqx_text(body, PQX_TEXT_RAW, &out) == 0 && out.len == (size_t)DEPTH / 2 * 2 + 3,
	      "deep page: raw text");
	pqx_buf_reset(&out);
	CHECK(pqx_html(g->document, 1, &out) == 0, "deep page: html");
	CHECK(out.len > (size_t)DEPTH * 11, "deep page: html has every end tag");
	/* no gumbo_destroy_output: it recurses; the arena frees this tree at exit */
	pqx_buf_free(&page);
}

/* 300,000 nested spans: gumbo cannot parse this in reasonable time, so the
 * tree is built by hand, the way gumbo lays it out. */
static void test_very_deep(void)
{
	enum { DEPTH = 300000 };
	GumboNode *nodes = calloc(DEPTH + 1, sizeof *nodes);
	void **slots = calloc(DEPTH, sizeof *slots);
	if (!nodes || !slots) {
		free(nodes);
		free(slots);
		CHECK(0, "very deep tree: allocation");
		return;
	}
	for (size_t i = 0; i < DEPTH; i++) {
		GumboNode *n = &nodes[i];
		n->type = GUMBO_NODE_ELEMENT;
		n->parent = i ? &nodes[i - 1] : NULL;
		n->v.element.tag = GUMBO_TAG_SPAN;
		n->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
		slots[i] = &nodes[i + 1];
		n->v.element.children.data = &slots[i];
		n->v.element.children.length = 1;
		n->v.element.children.capacity = 1;
	}
	GumboNode *leaf = &nodes[DEPTH];
	leaf->type = GUMBO_NODE_TEXT;
	leaf->parent = &nodes[DEPTH - 1];
	leaf->v.text.text = " deep\xc2\xa0text ";

	pqx_buf_reset(&out);
	CHECK(pqx_text(&nodes[0], PQX_TEXT_INNER, &out) == 0, "300k nested spans: inner text");
	CHECK_STR(pqx_buf_cstr(&out), "deep text", "300k nested spans: inner text value");
	pqx_buf_reset(&out);
	pqx_text(&nodes[0], PQX_TEXT_RAW, &out);
	CHECK_STR(pqx_buf_cstr(&out), " deep\xc2\xa0text ", "300k nested spans: raw text");
	pqx_buf_reset(&out);
	pqx_text(leaf, PQX_TEXT_OWN, &out);
	CHECK_STR(pqx_buf_cstr(&out), "deep text", "300k nested spans: text of the leaf");
	pqx_buf_reset(&out);
	CHECK(pqx_html(&nodes[0], 1, &out) == 0, "300k nested spans: html");
	CHECK(out.len == (size_t)DEPTH * 13 + strlen(" deep&nbsp;text ") &&
	      memcmp(out.s + out.len - 7, "</span>", 7) == 0, "300k nested spans: html complete");
	free(nodes);
	free(slots);
}

static void test_oom(void)
{
	pqx_buf b = PQX_BUF_INIT;
	b.oom = 1;
	GumboOutput *g = parse("<p>x</p>");
	CHECK(pqx_text(g->document, PQX_TEXT_INNER, &b) == -1, "oom buffer: text returns -1");
	CHECK(pqx_html(g->document, 1, &b) == -1, "oom buffer: html returns -1");
	CHECK(pqx_text_squish("x", 1, &b) == -1, "oom buffer: squish returns -1");
}

static const char *inner_opts(const char *html, const pqx_text_opts *o)
{
	GumboOutput *g = parse(html);
	const GumboNode *n = find(g->document, GUMBO_TAG_BODY);
	pqx_buf_reset(&out);
	if (!n || pqx_text_ex(n, PQX_TEXT_INNER, o, &out) != 0)
		return NULL;
	return pqx_buf_cstr(&out);
}

static void test_hidden(void)
{
	CHECK_STR(inner("a<span hidden>b</span>c"), "ac", "hidden attribute: left out");
	CHECK_STR(inner("a<div hidden>b</div>c"), "ac", "hidden block: no line breaks either");
	CHECK_STR(inner("a <span style=\"display: none\">b</span> c"), "a c", "display:none left out");
	CHECK_STR(inner("a<span style=\"color:red;DISPLAY : NONE !important\">b</span>c"), "ac",
	          "display:none in any case, with !important");
	CHECK_STR(inner("a<span style=\"display:none;display:inline\">b</span>c"), "abc",
	          "the last display declaration wins");
	CHECK_STR(inner("a<span style=\"background:url('x;display:none')\">b</span>c"), "abc",
	          "a ; inside quotes does not end a declaration");
	CHECK_STR(inner("a<span style=\"displayx:none\">b</span>c"), "abc", "only the display property");
	CHECK_STR(inner("<div style=\"visibility:hidden\">x <span style=\"visibility:visible\">y</span> z</div>w"),
	          "y\nw", "visibility:hidden: text out, a visible descendant in, the block's line break kept");
	CHECK_STR(inner("<p>a<span style=\"visibility:collapse\"><b>b</b></span>c</p>"), "ac", "visibility:collapse");
	/* Bayern's abstract: the short form with "[mehr]", the long form hidden with "[weniger]" */
	const char *by = "<td><span id=\"kurz\">Finanz- und Heimatempf\xc3\xa4nge ... <a href=\"#\">[mehr]</a></span>"
	                 "<span id=\"lang\" style=\"display:none\">Finanz- und Heimatempf\xc3\xa4nge der Staatsregierung "
	                 "<a href=\"#\">[weniger]</a></span></td>";
	CHECK_STR(inner(by), "Finanz- und Heimatempf\xc3\xa4nge ... [mehr]", "Bayern: the abstract comes out once");
	pqx_text_opts all = {1, 0, NULL, NULL};
	CHECK_STR(inner_opts("a<span hidden>b</span><i style=\"visibility:hidden\">c</i>", &all), "abc",
	          "hidden = 1 keeps hidden text");
	GumboOutput *g = parse("<div hidden><p>x</p><span style=\"display:none\">y</span></div>");
	const GumboNode *div = find(g->document, GUMBO_TAG_DIV);
	pqx_buf_reset(&out);
	pqx_text(div, PQX_TEXT_INNER, &out);
	CHECK_STR(pqx_buf_cstr(&out), "x", "the start node is never left out, hidden descendants are");
	CHECK(pqx_text_is_hidden(div) && !pqx_text_is_hidden(find(g->document, GUMBO_TAG_P)), "pqx_text_is_hidden");
	pqx_buf_reset(&out);
	pqx_text(div, PQX_TEXT_RAW, &out);
	CHECK_STR(pqx_buf_cstr(&out), "xy", "raw text keeps everything");
}

static int is_sup(const GumboNode *n, void *ud)
{
	(void)ud;
	return n->v.element.tag == GUMBO_TAG_SUP;
}

static void test_scripts_and_exclude(void)
{
	CHECK_STR(inner("<b>Q-1043<sup>2</sup></b>"), "Q-1043\xc2\xb2", "footnote digit: superscript, not glued");
	CHECK_STR(inner("m<sup>2</sup> 10<sup>-3</sup> H<sub>2</sub>O"), "m\xc2\xb2 10\xe2\x81\xbb\xc2\xb3 H\xe2\x82\x82O",
	          "units, powers and formulas");
	CHECK_STR(inner("Satz<sup><a href=\"#fn12\">12</a></sup>."), "Satz\xc2\xb9\xc2\xb2.", "footnote link inside sup");
	CHECK_STR(inner("1<sup>er</sup> janvier"), "1er janvier", "letters in sup stay");
	CHECK_STR(inner("x<sup>1, 2</sup>"), "x\xc2\xb9, \xc2\xb2", "two marks");
	CHECK_STR(inner("x<sup>1*</sup>"), "x1*", "other characters: sup stays as it is");
	CHECK_STR(inner("x<sup>(1)</sup>"), "x\xe2\x81\xbd\xc2\xb9\xe2\x81\xbe", "parenthesised footnote");
	CHECK_STR(inner("x<sup>12345678901234567890123456</sup>"), "x12345678901234567890123456", "a long sup is not a mark");
	CHECK_STR(inner("x<sup>1<span hidden>9</span></sup>"), "x1", "hidden inside sup: normal text rules");
	pqx_text_opts plain = {0, 1, NULL, NULL};
	CHECK_STR(inner_opts("<b>Q-1043<sup>2</sup></b>", &plain), "Q-10432", "plain_scripts keeps ASCII digits");
	pqx_text_opts ex = {0, 0, is_sup, NULL};
	CHECK_STR(inner_opts("<b>Q-1043<sup>2</sup></b> m<sup>2</sup>", &ex), "Q-1043 m", "exclude: sup left out");
	CHECK_STR(inner_opts("a<div><sup>x</sup></div>b", &ex), "a\nb", "exclude: the parent's breaks stay");
	GumboOutput *g = parse("<sup>7</sup>");
	pqx_buf_reset(&out);
	pqx_text_ex(find(g->document, GUMBO_TAG_SUP), PQX_TEXT_INNER, &ex, &out);
	CHECK_STR(pqx_buf_cstr(&out), "\xe2\x81\xb7", "exclude never removes the start node");
	g = parse("<p>a<sup>1</sup><br><sup>2</sup>b</p>");
	pqx_buf_reset(&out);
	pqx_text_ex(find(g->document, GUMBO_TAG_P), PQX_TEXT_OWN, &ex, &out);
	CHECK_STR(pqx_buf_cstr(&out), "a\nb", "own text with options");
}

int main(void)
{
	test_hidden();
	test_scripts_and_exclude();
	test_blocks();
	test_br_and_paragraphs();
	test_whitespace();
	test_excluded();
	test_pre();
	test_tables();
	test_own_raw();
	test_squish();
	test_fuzz_findings();
	test_html();
	test_deep();
	test_very_deep();
	test_oom();
	pqx_buf_free(&out);
	arena_free_all();
	T_DONE();
}
