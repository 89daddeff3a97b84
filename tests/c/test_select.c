/*
 * test_select.c: unit tests of the selector engine (src/select.c): every
 * selector, operator and extension, An+B edge cases, error messages with
 * columns, real parliament pages and a 300,000-deep document. It must never
 * depend on Lua; it reads the real pages from examples/ (run it from the
 * project root, or pass the project root as the first argument).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gumbo.h>

#include "buf.h"
#include "select.h"
#include "t.h"

static const char *PAGE =
	"<!DOCTYPE html>\n"
	"<html><head><title>T</title></head><body id=\"body\">\n"
	"<div id=\"d1\" class=\"box main\" lang=\"en-GB\" data-x=\"Hello World\">\n"
	"  <p id=\"p1\" class=\"intro\">First <b id=\"b1\">bold</b> para</p>\n"
	"  <p id=\"p2\">Second para</p>\n"
	"  <span id=\"s1\"></span>\n"
	"  <p id=\"p3\" class=\"Intro outro\">Third</p>\n"
	"  <!-- c -->\n"
	"</div>\n"
	"<ul id=\"list\"><li id=\"l1\">one</li><li id=\"l2\" class=\"odd\">two</li><li id=\"l3\">three</li>"
	"<li id=\"l4\">four</li><li id=\"l5\">five</li><li id=\"l6\">six</li><li id=\"l7\">seven</li></ul>\n"
	"<table id=\"t\"><tr id=\"r1\"><td id=\"c1\">a</td><td id=\"c2\">b</td></tr>"
	"<tr id=\"r2\"><td id=\"c3\">Caf\xC3\xA9 cr\xC3\xA8me</td><td id=\"c4\">CAF\xC3\x89</td></tr></table>\n"
	"<form id=\"f\">\n"
	" <input id=\"i1\" type=\"checkbox\" checked>\n"
	" <input id=\"i2\" type=\"radio\">\n"
	" <input id=\"i3\" type=\"text\" disabled>\n"
	" <select id=\"sel\"><option id=\"o1\">x</option><option id=\"o2\" selected>y</option></select>\n"
	" <fieldset id=\"fs\" disabled><legend id=\"lg\"><input id=\"i4\"></legend><input id=\"i5\"></fieldset>\n"
	" <button id=\"btn\">Go</button>\n"
	"</form>\n"
	"<a id=\"a1\" href=\"/x/y\">link</a><a id=\"a2\" name=\"n\">anchor</a>\n"
	"<div id=\"e1\"></div><div id=\"e2\"> </div><div id=\"e3\"><!-- only comment --></div>\n"
	"<my-el id=\"m1\" Data-Foo=\"bar\">custom</my-el>\n"
	"<div id=\"123\">num</div><div id=\"a.b\">dot</div>\n"
	"</body></html>\n";

static GumboOutput *g_out;
static pqx_buf g_res = PQX_BUF_INIT;
static char g_err[512];

static void name_of(const GumboNode *n, pqx_buf *b)
{
	const GumboAttribute *id = gumbo_get_attribute(&n->v.element.attributes, "id");
	if (id) {
		pqx_buf_adds(b, id->value);
	} else if (n->v.element.tag != GUMBO_TAG_UNKNOWN) {
		pqx_buf_adds(b, gumbo_normalized_tagname(n->v.element.tag));
	} else {
		pqx_buf_adds(b, "?");
	}
}

/* Runs css over root; returns the matches' ids joined by spaces, or "ERR: msg". */
static const char *sel_at(const GumboNode *root, const char *css, size_t limit)
{
	pqx_buf_reset(&g_res);
	pqx_sel *s = pqx_sel_compile(css, strlen(css), g_err, sizeof g_err);
	if (!s) {
		pqx_buf_addf(&g_res, "ERR: %s", g_err);
		return pqx_buf_cstr(&g_res);
	}
	pqx_nodevec v = {0};
	if (pqx_sel_select(s, root, limit, &v) != 0)
		pqx_buf_adds(&g_res, "OOM");
	for (size_t i = 0; i < v.n; i++) {
		if (i)
			pqx_buf_addc(&g_res, ' ');
		name_of(v.v[i], &g_res);
	}
	pqx_nodevec_free(&v);
	pqx_sel_free(s);
	return pqx_buf_cstr(&g_res);
}

static const char *sel(const char *css)
{
	return sel_at(g_out->document, css, 0);
}

#define S(css, want) CHECK_STR(sel(css), want, "select " css)

static const GumboNode *by_id(const char *id)
{
	static char css[64];
	snprintf(css, sizeof css, "[id=\"%s\"]", id);
	pqx_sel *s = pqx_sel_compile(css, strlen(css), g_err, sizeof g_err);
	pqx_nodevec v = {0};
	pqx_sel_select(s, g_out->document, 1, &v);
	const GumboNode *n = v.n ? v.v[0] : NULL;
	pqx_nodevec_free(&v);
	pqx_sel_free(s);
	return n;
}

static int matches(const char *css, const GumboNode *n, const GumboNode *scope)
{
	pqx_sel *s = pqx_sel_compile(css, strlen(css), g_err, sizeof g_err);
	if (!s)
		return -1;
	int r = pqx_sel_matches(s, n, scope);
	pqx_sel_free(s);
	return r;
}

static const char *errmsg(const char *css)
{
	g_err[0] = '\0';
	pqx_sel *s = pqx_sel_compile(css, strlen(css), g_err, sizeof g_err);
	if (s) {
		pqx_sel_free(s);
		return "(compiled)";
	}
	return g_err;
}

#define E(css, want) CHECK_STR(errmsg(css), want, "error " css)

static void test_basic(void)
{
	S("p", "p1 p2 p3");
	S("P", "p1 p2 p3");
	S("#d1 > *", "p1 p2 s1 p3");
	S("#p1", "p1");
	S("#P1", "");
	S(".intro", "p1");
	S(".Intro", "p3");
	S(".box.main", "d1");
	S("div.box#d1", "d1");
	S("my-el", "m1");
	S("MY-EL", "m1");
	S("#\\31 23", "123");
	S("#a\\.b", "a.b");
	S(".\\69 ntro", "p1");
	S("p /* comment */ b", "b1");
}

static void test_attributes(void)
{
	S("[data-x]", "d1");
	S("[DATA-X]", "d1");
	S("[data-foo=bar]", "m1");
	S("[data-x=\"Hello World\"]", "d1");
	S("[data-x='hello world']", "");
	S("[data-x='hello world' i]", "d1");
	S("[data-x='hello world' I]", "d1");
	S("[data-x='hello world' s]", "");
	S("[data-x=Hello\\ World]", "d1");
	S("[type=checkbox]", "i1");
	S("[ type = checkbox ]", "i1");
	S("[class~=outro]", "p3");
	S("[class~=Intro]", "p3");
	S("[class~=intro i]", "p1 p3");
	S("[class~='']", "");
	S("[class~='box main']", "");
	S("[lang|=en]", "d1");
	S("[lang|=en-GB]", "d1");
	S("[lang|=e]", "");
	S("[lang|=EN i]", "d1");
	S("p[id^=p]", "p1 p2 p3");
	S("[id^='']", "");
	S("[href$=\"/y\"]", "a1");
	S("[href$=Y i]", "a1");
	S("[href$='']", "");
	S("[data-x*=\"lo W\"]", "d1");
	S("[data-x*='LO W' i]", "d1");
	S("[data-x*='']", "");
}

static void test_combinators(void)
{
	S("div p", "p1 p2 p3");
	S("div > b", "");
	S("p > b", "b1");
	S("body > div > p b", "b1");
	S("#p1 + p", "p2");
	S("#p2 + p", "");
	S("#p2 + span", "s1");
	S("#p1 ~ p", "p2 p3");
	S("#s1 ~ *", "p3");
	S("p ~ p", "p2 p3");
	S("p + p", "p2");
	S("tbody > tr > td", "c1 c2 c3 c4");
	S("table > tr", "");
	S("table td + td", "c2 c4");
	S("div p ~ span", "s1");
	S("html body div#d1>p.intro>b", "b1");
	S("ul li ~ li ~ li + li", "l4 l5 l6 l7");
}

static void test_nth(void)
{
	S("li:first-child", "l1");
	S("li:last-child", "l7");
	S("b:only-child", "b1");
	S("#d1 > :only-child", "");
	S("li:nth-child(odd)", "l1 l3 l5 l7");
	S("li:nth-child(ODD)", "l1 l3 l5 l7");
	S("li:nth-child(even)", "l2 l4 l6");
	S("li:nth-child(-n+3)", "l1 l2 l3");
	S("li:nth-child(+5)", "l5");
	S("li:nth-child(0n+0)", "");
	S("li:nth-child(n)", "l1 l2 l3 l4 l5 l6 l7");
	S("li:nth-child(-n)", "");
	S("li:nth-child(2n+1)", "l1 l3 l5 l7");
	S("li:nth-child( 2n + 1 )", "l1 l3 l5 l7");
	S("li:nth-child(2N+1)", "l1 l3 l5 l7");
	S("li:nth-child(-2n+5)", "l1 l3 l5");
	S("li:nth-child(3)", "l3");
	S("li:nth-child(3n)", "l3 l6");
	S("li:nth-child(n+6)", "l6 l7");
	S("li:nth-child(2n-1)", "l1 l3 l5 l7");
	S("li:nth-child(-0n+2)", "l2");
	S("li:nth-last-child(2)", "l6");
	S("li:nth-last-child(-n+2)", "l6 l7");
	S("li:nth-last-child(odd)", "l1 l3 l5 l7");
	S("#d1 > p:first-of-type", "p1");
	S("#d1 > :last-of-type", "s1 p3");
	S("#d1 > :only-of-type", "s1");
	S("#d1 > :nth-of-type(2)", "p2");
	S("#d1 > :nth-last-of-type(1)", "s1 p3");
	S("#d1 > :nth-last-of-type(2)", "p2");
	S("li:nth-child(2 of :not(.odd))", "l3");
	S("li:nth-child(odd of li:not(#l1))", "l2 l4 l6");
	S("li:nth-last-child(1 of :not(#l7))", "l6");
	S("li:nth-child(n of .odd)", "l2");
}

static void test_pseudo(void)
{
	S("body > div:empty", "e1 e3");
	S("span:empty", "s1");
	S(":root", "html");
	S("#d1 > :not(p)", "s1");
	S("#d1 > p:not(.intro, #p3)", "p2");
	S("li:not(:nth-child(n+3))", "l1 l2");
	S("p:is(#p1, #p3)", "p1 p3");
	S(":is(#p3, #p1)", "p1 p3");
	S("p:where(#p1, #p3)", "p1 p3");
	S(":is(ul, #d1) > :is(li:first-child, p:last-of-type)", "p3 l1");
	S("p:has(> b)", "p1");
	S("div:has(b)", "d1");
	S("div:has(> b)", "");
	S("p:has(+ span)", "p2");
	S("p:has(~ span)", "p1 p2");
	S("div:has(> p + span)", "d1");
	S("li:has(+ li.odd)", "l1");
	S("div:has(b, #nope)", "d1");
	S("tr:has(td:pqx-contains('b'))", "r1");
	S("p:has(+ span) + span", "s1");
	S(":has(> #p2):has(> #p3)", "d1");
	S("#d1 :has(+ :empty)", "p2");
	S(":checked", "i1 o2");
	S(":disabled", "i3 fs i5");
	S(":enabled", "i1 i2 sel o1 o2 i4 btn");
	S("input:enabled", "i1 i2 i4");
	S(":link", "a1");
	S(":any-link", "a1");
}

static void test_scope_and_lists(void)
{
	const GumboNode *d1 = by_id("d1"), *ul = by_id("list"), *body = by_id("body");
	const GumboNode *html = body ? body->parent : NULL;
	CHECK_STR(sel_at(d1, ":scope > p", 0), "p1 p2 p3", "scope :scope > p");
	CHECK_STR(sel_at(d1, "> p", 0), "p1 p2 p3", "scope leading > p");
	CHECK_STR(sel_at(d1, "> b", 0), "", "scope leading > b");
	CHECK_STR(sel_at(d1, "b", 0), "b1", "scope plain descendant");
	CHECK_STR(sel_at(d1, "p", 2), "p1 p2", "select limit 2");
	CHECK_STR(sel_at(d1, "div p", 0), "p1 p2 p3", "ancestors outside root count");
	CHECK_STR(sel_at(d1, ":scope", 0), "", "root itself excluded");
	CHECK_STR(sel_at(d1, "~ ul", 0), "", "sibling of scope is not a descendant");
	CHECK_STR(sel_at(g_out->document, "> html", 0), "html", "document scope > html");
	CHECK_STR(sel_at(g_out->document, ":scope > html > body > div > #p1", 0), "p1", "document :scope chain");
	CHECK(matches("+ ul", ul, d1) == 1, "matches + ul with scope d1");
	CHECK(matches("~ ul", ul, d1) == 1, "matches ~ ul with scope d1");
	CHECK(matches("> ul", ul, d1) == 0, "matches > ul with scope d1 fails");
	CHECK(matches(":scope", html, NULL) == 1, "matches :scope NULL is root element");
	CHECK(matches("> body", body, NULL) == 1, "matches > body with NULL scope");
	CHECK(matches(":root > body", body, NULL) == 1, "matches :root > body");
	CHECK(matches("p", d1, NULL) == 0, "matches p on div is 0");
	CHECK(matches("div, p", d1, NULL) == 1, "matches list");
	CHECK(matches("p", g_out->document, NULL) == 0, "matches on document node is 0");
	S("p, #p1, b", "p1 b1 p2 p3");
	S("b, p, p, :is(p, b)", "p1 b1 p2 p3");
	S("#l7, #l1 , #l4", "l1 l4 l7");

	/* a count over the whole page: every element once */
	pqx_sel *all = pqx_sel_compile("*", 1, g_err, sizeof g_err);
	pqx_sel *all2 = pqx_sel_compile("*, *, div", 9, g_err, sizeof g_err);
	pqx_nodevec v = {0}, w = {0};
	pqx_sel_select(all, g_out->document, 0, &v);
	pqx_sel_select(all2, g_out->document, 0, &w);
	int same = v.n == w.n;
	for (size_t i = 0; same && i < v.n; i++)
		same = v.v[i] == w.v[i];
	CHECK(v.n == 46, "* counts 46 elements");
	if (v.n != 46)
		printf("#   got %zu\n", v.n);
	CHECK(same, "list with repeats gives each element once, same order");
	int dup = 0;
	for (size_t i = 1; i < v.n; i++)
		for (size_t j = 0; j < i; j++)
			dup |= v.v[i] == v.v[j];
	CHECK(!dup, "no duplicates in *");
	pqx_nodevec_free(&v);
	pqx_nodevec_free(&w);
	pqx_sel_free(all);
	pqx_sel_free(all2);
}

static void test_text_ext(void)
{
	S("p:pqx-contains(\"Second\")", "p2");
	S("p:pqx-contains(\"second\")", "");
	S("p:pqx-contains(\"second\" i)", "p2");
	S("p:pqx-contains('SECOND' I)", "p2");
	S("p:pqx-contains(\"Second\" s)", "p2");
	S("p:pqx-contains(\"bold\")", "p1");
	S("p:pqx-contains(\"\")", "p1 p2 p3");
	S("td:pqx-contains(\"caf\xC3\xA9\" i)", "c3 c4");
	S("td:pqx-contains(\"CAF\xC3\x89\")", "c4");
	S("td:pqx-contains(\"CR\xC3\x88ME\" i)", "c3");
	S("td:pqx-contains(\"caf\\e9\" i)", "c3 c4");
	S("p:pqx-contains-own(\"bold\")", "");
	S("b:pqx-contains-own('bold')", "b1");
	S("p:pqx-contains-own(\"First para\")", "p1");
	S("p:pqx-contains-own(\"FIRST\" i)", "p1");
	S("p:pqx-matches(/^Th/)", "p3");
	S("li:pqx-matches(/^T/i)", "l2 l3");
	S("li:pqx-matches(/e$/)", "l1 l3 l5");
	S("td:pqx-matches(/caf\\x{e9}/i)", "c3 c4");
	S("td:pqx-matches(/^\\w+ \\w+$/)", "c3");
	S("p:pqx-matches(/sec.nd/i)", "p2");
	S("p:pqx-matches(/first\n  bold/xi)", "");
	S("p:pqx-matches(/first\\ bold/xi)", "p1");
	S("div:pqx-matches(/^dot$/m)", "a.b");
	S("a:pqx-matches(/a\\/b|link/)", "a1");

	/* catastrophic backtracking ends at the match limit as "no match" */
	GumboOutput *o = gumbo_parse("<p id=q>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!</p>");
	CHECK_STR(sel_at(o->document, "p:pqx-matches(/^(a|aa)+$/)", 0), "", "regex match limit ends backtracking");
	CHECK_STR(sel_at(o->document, "p:pqx-matches(/^(a|aa)+!$/)", 0), "q", "regex without blowup still matches");
	gumbo_destroy_output(&kGumboDefaultOptions, o);

	/* case-insensitive text by Unicode simple case folding, beyond ASCII and Latin-1 */
	o = gumbo_parse("<p id=de1>Der Begriff pädophil im Gesetz</p>"
	                "<p id=de2>STRASSENVERKEHR</p><p id=de3>Straßenbau</p>"
	                "<p id=fr1>Les élèves du CE2 et la sœur</p>"
	                "<p id=nl1>Het IJsselmeer en de biën</p>"
	                "<p id=el1>Βουλή</p>"
	                "<p id=ru1>ДУМА</p>"
	                "<p id=gr1><b id=gb>GRÖẞ</b> ist groß</p>");
	const GumboNode *r = o->document;
	CHECK_STR(sel_at(r, "p:pqx-contains(\"PÄDOPHIL\" i)", 0), "de1", "German: PÄDOPHIL i finds pädophil");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"pädophil\" i)", 0), "de1", "German: pädophil i finds pädophil");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"PÄDOPHIL\")", 0), "", "German: without i case matters");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"strassen\" i)", 0), "de2", "German: strassen i finds STRASSEN...");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"STRASSE\" i)", 0), "de2",
	          "German: simple folding keeps ß, so STRASSE i does not find Straßenbau");
	CHECK_STR(sel_at(r, "p:pqx-contains-own(\"groß\" i)", 0), "gr1", "German: own text, capital ẞ folds to ß");
	CHECK_STR(sel_at(r, "b:pqx-contains-own(\"größ\" i)", 0), "gb", "German: GRÖẞ own text folds to größ");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"ÉLÈVES\" i)", 0), "fr1", "French: ÉLÈVES i finds élèves");
	CHECK_STR(sel_at(r, "p:pqx-contains-own(\"SŒUR\" i)", 0), "fr1", "French: SŒUR i finds sœur (own text)");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"ijsselmeer\" i)", 0), "nl1", "Dutch: ijsselmeer i finds IJsselmeer");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"BIËN\" i)", 0), "nl1", "Dutch: BIËN i finds biën");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"ΒΟΥΛΉ\" i)", 0), "el1", "Greek: ΒΟΥΛΉ i finds Βουλή");
	CHECK_STR(sel_at(r, "p:pqx-contains(\"дума\" i)", 0), "ru1", "Cyrillic: дума i finds ДУМА");
	gumbo_destroy_output(&kGumboDefaultOptions, o);
}

static void test_output(void)
{
	const char *attr = "x";
	pqx_sel *s = pqx_sel_compile("p", 1, g_err, sizeof g_err);
	CHECK(s && pqx_sel_output(s, &attr) == PQX_SEL_NODES && attr == NULL, "output plain nodes");
	pqx_sel_free(s);
	s = pqx_sel_compile("p::text", 7, g_err, sizeof g_err);
	CHECK(s && pqx_sel_output(s, &attr) == PQX_SEL_TEXT, "output ::text");
	pqx_sel_free(s);
	s = pqx_sel_compile("a::attr(HREF)", 13, g_err, sizeof g_err);
	CHECK(s && pqx_sel_output(s, &attr) == PQX_SEL_ATTR && attr && !strcmp(attr, "href"), "output ::attr(HREF) lower-cased");
	pqx_sel_free(s);
	s = pqx_sel_compile("p::text, b::TEXT", 16, g_err, sizeof g_err);
	CHECK(s && pqx_sel_output(s, NULL) == PQX_SEL_TEXT, "output list agreeing ::text");
	pqx_sel_free(s);
	S("p::text", "p1 p2 p3");
	S("a::attr(href)", "a1 a2");
	S("#d1 > p:last-child::text , b::text", "b1 p3");
	E("p::text, b", "selector list mixes output pseudo-elements at column 10 in \"p::text, b\"");
	E("a::attr(href), b::attr(src)", "selector list mixes output pseudo-elements at column 16 in \"a::attr(href), b::attr(src)\"");
	E("p::text span", "unexpected 's' at column 9 in \"p::text span\"");
	E(":is(p::text)", "pseudo-element '::text' not allowed here at column 6 in \":is(p::text)\"");
	E("p::before", "unknown pseudo-element '::before' at column 4 in \"p::before\"");
	E("p::attr", "unknown pseudo-element '::attr' at column 4 in \"p::attr\"");
	E("p::attr()", "unexpected ')' at column 9 in \"p::attr()\"");
}

static void test_errors(void)
{
	E("div > )p", "unexpected ')' at column 7 in \"div > )p\"");
	E("td:foo", "unknown pseudo-class ':foo' at column 4 in \"td:foo\"");
	E("", "empty selector");
	E("   ", "empty selector");
	E("/* only */", "empty selector");
	E("div >", "unexpected end of selector at column 6 in \"div >\"");
	E("li:nth-child(x)", "invalid nth expression 'x' at column 14 in \"li:nth-child(x)\"");
	E("li:nth-child( 3 n )", "invalid nth expression '3 n' at column 15 in \"li:nth-child( 3 n )\"");
	E("li:nth-child(2n+)", "invalid nth expression '2n+' at column 14 in \"li:nth-child(2n+)\"");
	E("li:nth-child(+ 2n)", "invalid nth expression '+ 2n' at column 14 in \"li:nth-child(+ 2n)\"");
	E("li:nth-child(2n+-1)", "invalid nth expression '2n+-1' at column 14 in \"li:nth-child(2n+-1)\"");
	E("li:nth-child()", "invalid nth expression '' at column 14 in \"li:nth-child()\"");
	E("li:nth-of-type(2 of p)", "invalid nth expression '2 of p' at column 16 in \"li:nth-of-type(2 of p)\"");
	E("li:nth-child(99999999999)", "invalid nth expression '99999999999' at column 14 in \"li:nth-child(99999999999)\"");
	E("p:pqx-contains(\"abc)", "unterminated string at column 16 in \"p:pqx-contains(\"abc)\"");
	E("[a='x]", "unterminated string at column 4 in \"[a='x]\"");
	E("[a=b", "unexpected end of selector at column 5 in \"[a=b\"");
	E("[a!=b]", "unexpected '!' at column 3 in \"[a!=b]\"");
	E("[a=b x]", "unexpected 'x' at column 6 in \"[a=b x]\"");
	E("[]", "unexpected ']' at column 2 in \"[]\"");
	E("a,,b", "unexpected ',' at column 3 in \"a,,b\"");
	E("a,", "unexpected end of selector at column 3 in \"a,\"");
	E(",a", "unexpected ',' at column 1 in \",a\"");
	E(":not()", "unexpected ')' at column 6 in \":not()\"");
	E(":is(> p)", "unexpected '>' at column 5 in \":is(> p)\"");
	E(":not(p", "unexpected end of selector at column 7 in \":not(p\"");
	E("p:hover", "unknown pseudo-class ':hover' at column 3 in \"p:hover\"");
	E(":lang(en)", "unknown pseudo-class ':lang()' at column 2 in \":lang(en)\"");
	E(":first-child(2)", "unexpected '(' at column 13 in \":first-child(2)\"");
	E("p:nth-child", "unexpected end of selector at column 12 in \"p:nth-child\"");
	E("svg|rect", "unexpected '|' at column 4 in \"svg|rect\"");
	E("#", "unexpected end of selector at column 2 in \"#\"");
	E(".1", "unexpected '1' at column 2 in \".1\"");
	E("p:", "unexpected end of selector at column 3 in \"p:\"");
	E("div > > p", "unexpected '>' at column 7 in \"div > > p\"");
	E("p /* x", "unterminated comment at column 3 in \"p /* x\"");
	E("p:pqx-contains(abc)", "unexpected 'a' at column 16 in \"p:pqx-contains(abc)\"");
	E("p:pqx-contains('a' x)", "unexpected 'x' at column 20 in \"p:pqx-contains('a' x)\"");
	E("p:pqx-matches(/a/q)", "unknown regular expression flag 'q' at column 18 in \"p:pqx-matches(/a/q)\"");
	E("p:pqx-matches(/abc)", "unterminated regular expression at column 15 in \"p:pqx-matches(/abc)\"");
	E("p:pqx-matches(\"a\")", "unexpected '\"' at column 15 in \"p:pqx-matches(\"a\")\"");
	CHECK(!strncmp(errmsg("p:pqx-matches(/a(b/)"), "invalid regular expression: ", 28) &&
	      strstr(g_err, "at column ") && strstr(g_err, "in \"p:pqx-matches(/a(b/)\""),
	      "error regex compile error with column");
	E("\xC3\xA9:foo(", "unknown pseudo-class ':foo()' at column 3 in \"\xC3\xA9:foo(\"");
	E("p ! q", "unexpected '!' at column 3 in \"p ! q\"");
	S("\xC3\xA9t\xC3\xA9", "");
	E(":not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(p)))))))))))))))))",
	  "selector nested too deeply at column 81 in \":not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(:not(p)))))))))))))))))\"");

	/* never a silent failure: every rejected selector says why */
	static const char *bad[] = {
		"p >", "p +", "p ~", "> ", "[", "[a", "[a=", "[a=]", "[a|b]", "(", ")", "p)", "p(",
		":nth-child(2n+1 of)", ":nth-child(2n+1 of )", ":has()", ":has(> )", ":is(", "::", ":",
		"p::text::text", "p:pqx-contains(", "p:pqx-matches(", "p:pqx-matches(/x/", "#1a", "a b,",
		"\\", "p\"q\"", "*.", "a:not(::text)", "p::attr(x",
	};
	int all = 1;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		g_err[0] = '\0';
		pqx_sel *s = pqx_sel_compile(bad[i], strlen(bad[i]), g_err, sizeof g_err);
		if (s || !g_err[0] || (!strstr(g_err, "column") && strcmp(g_err, "empty selector"))) {
			printf("#   accepted or no message: %s -> %s\n", bad[i], g_err);
			all = 0;
			pqx_sel_free(s);
		}
	}
	CHECK(all, "every malformed selector gives a message with a column");
	/* embedded NUL is not the end of the selector */
	pqx_sel *s = pqx_sel_compile("p\0q", 3, g_err, sizeof g_err);
	CHECK(!s && strstr(g_err, "at column 2"), "NUL byte is an unexpected character");
	pqx_sel_free(s);
	s = pqx_sel_compile("p)", 2, NULL, 0);
	CHECK(s == NULL, "error without err buffer still NULL");
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	if (s) {
		s[n] = '\0';
		*len = (size_t)n;
	}
	return s;
}

static size_t count(const GumboNode *root, const char *css)
{
	pqx_sel *s = pqx_sel_compile(css, strlen(css), g_err, sizeof g_err);
	if (!s) {
		printf("#   %s\n", g_err);
		return (size_t)-1;
	}
	pqx_nodevec v = {0};
	pqx_sel_select(s, root, 0, &v);
	size_t n = v.n;
	pqx_nodevec_free(&v);
	pqx_sel_free(s);
	return n;
}

#define COUNT(root, css, n) do { size_t c_ = count((root), (css)); \
	CHECK(c_ == (n), "page count " css); if (c_ != (n)) printf("#   got %zu\n", c_); } while (0)

static void test_pages(const char *dir)
{
	size_t len;
	char *html = slurp(dir, "examples/uk-lords/lords-wa-2008-04-23-0001.html", &len);
	CHECK(html != NULL, "fixture lords page readable");
	if (html) {
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
		const GumboNode *d = o->document;
		/* 15 questions: each has a wa_qn_ anchor, a [HLnnnn] number and "asked Her Majesty's Government" */
		COUNT(d, "a[name^=wa_qn_]", 15);
		COUNT(d, "p:has(> a[name^=wa_qn_])", 15);
		COUNT(d, "p:pqx-contains(\"asked Her Majesty's Government\")", 15);
		COUNT(d, "p:pqx-contains(\"ASKED HER MAJESTY'S GOVERNMENT\" i)", 15);
		COUNT(d, "p:pqx-matches(/\\[HL\\d+\\]$/)", 15);
		COUNT(d, "p:has(> a[name^=wa_qnpa_])", 15);
		COUNT(d, "p:has(> a[name^=wa_st_])", 15);
		COUNT(d, "h3", 16);
		COUNT(d, "h3[align=center]:not(:pqx-contains('Written Answers'))", 15);
		COUNT(d, "a[name^=wa_qn_], a[name^=wa_qnpa_], a[name^=wa_st_]", 45);
		COUNT(d, "notus-date[day='23']", 6);
		COUNT(d, "p:has(> a[name^=wa_qn_]) > b > b", 15);
		COUNT(d, "meta[name=Date]", 8);
		COUNT(d, "input[type=hidden][name=PSESS]", 2);
		gumbo_destroy_output(&kGumboDefaultOptions, o);
		free(html);
	}
	html = slurp(dir, "examples/nz/qwa-answered.html", &len);
	CHECK(html != NULL, "fixture nz page readable");
	if (html) {
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, html, len);
		const GumboNode *d = o->document;
		COUNT(d, ".qandaset > div", 2);
		COUNT(d, ".qandaset > .question > span.personname.Member", 1);
		COUNT(d, ".answer > .personname.Minister", 1);
		COUNT(d, ".personname:pqx-contains('Clare Curran')", 1);
		COUNT(d, ".question > strong:pqx-contains-own('Minister for Communications')", 1);
		COUNT(d, "dd.selected", 4);
		COUNT(d, "dd.noSub", 6);
		COUNT(d, "meta[name^='DC.']", 8);
		COUNT(d, "meta[name^='dc.' i]", 8);
		COUNT(d, "meta[name^='dc.']", 0);
		COUNT(d, "div:has(> .question):has(> .answer)", 1);
		COUNT(d, "td.information dt + dd", 2);
		gumbo_destroy_output(&kGumboDefaultOptions, o);
		free(html);
	}
}

/* 300,000 nested spans built by hand: gumbo itself is quadratic in depth and
 * destroys its output recursively, so the tree is made and freed here. */
#define DEPTH 300000

static void test_deep(void)
{
	size_t n = DEPTH + 4;
	GumboNode *nodes = calloc(n, sizeof *nodes);
	void **slots = calloc(n, sizeof *slots);
	if (!nodes || !slots) {
		CHECK(0, "deep allocation");
		free(nodes);
		free(slots);
		return;
	}
	/* nodes[0] document, [1] html, [2] body, [3..] spans, [n-1] text */
	for (size_t i = 0; i < n; i++) {
		GumboNode *x = &nodes[i];
		if (i == 0) {
			x->type = GUMBO_NODE_DOCUMENT;
		} else if (i == n - 1) {
			x->type = GUMBO_NODE_TEXT;
			x->v.text.text = "deep";
		} else {
			x->type = GUMBO_NODE_ELEMENT;
			x->v.element.tag = i == 1 ? GUMBO_TAG_HTML : i == 2 ? GUMBO_TAG_BODY : GUMBO_TAG_SPAN;
		}
		if (i > 0) {
			x->parent = &nodes[i - 1];
			x->index_within_parent = 0;
		}
		if (i + 1 < n) {
			slots[i] = &nodes[i + 1];
			GumboVector kids = {&slots[i], 1, 1};
			if (i == 0)
				nodes[i].v.document.children = kids;
			else
				nodes[i].v.element.children = kids;
		}
	}
	const GumboNode *doc = &nodes[0], *deepest = &nodes[n - 2];
	COUNT(doc, "span span", (size_t)DEPTH - 1);
	COUNT(doc, "body span", (size_t)DEPTH);
	COUNT(doc, "div span", 0);
	COUNT(doc, "span:has(> span)", (size_t)DEPTH - 1);
	COUNT(doc, "span:has(span)", (size_t)DEPTH - 1);
	COUNT(doc, "span:not(:has(span))", 1);
	COUNT(doc, "span:first-child:last-child:only-child", (size_t)DEPTH);
	COUNT(doc, "span:nth-child(1 of span)", (size_t)DEPTH);
	COUNT(doc, "span > span > span", (size_t)DEPTH - 2);
	COUNT(doc, "span + span, span ~ span", 0);
	COUNT(doc, "body > span", 1);
	COUNT(doc, "html > span span", 0);
	COUNT(doc, ":empty", 0);
	CHECK(matches("body span span span", deepest, NULL) == 1, "deep matches descendant chain");
	CHECK(matches("html > span span", deepest, NULL) == 0, "deep fails child-of-html chain");
	CHECK(matches("span:pqx-contains('deep')", deepest, NULL) == 1, "deep contains on innermost");
	CHECK(matches("div *", deepest, NULL) == 0, "deep no div ancestor");
	free(nodes);
	free(slots);
}

/* Cached sibling counts must not leak from one document into another. */
static void test_reuse(void)
{
	pqx_sel *s = pqx_sel_compile("li:nth-child(2), li:nth-last-child(1)", 37, g_err, sizeof g_err);
	const char *a = "<ul><li>1<li>2<li>3</ul>", *b = "<ul><li>1<li>2<li>3<li>4<li>5</ul>";
	size_t got[2];
	for (int k = 0; k < 2; k++) {
		GumboOutput *o = gumbo_parse(k ? b : a);
		pqx_nodevec v = {0};
		pqx_sel_select(s, o->document, 0, &v);
		got[k] = v.n;
		const GumboNode *li = v.n ? v.v[v.n - 1] : NULL;
		if (k == 1)
			CHECK(li && li->index_within_parent == 4, "reuse: last li of second doc");
		pqx_nodevec_free(&v);
		gumbo_destroy_output(&kGumboDefaultOptions, o);
	}
	CHECK(got[0] == 2 && got[1] == 2, "reuse compiled selector across documents");
	pqx_sel_free(s);
}


/* The memos of :has() and :pqx-contains() never change a result: random
 * pages (nesting, siblings, hidden and styled elements, scripts, super-
 * scripts, text spread over elements) against selectors of both, with the
 * memos on and off. */
static unsigned long memo_rng = 0x9E3779B97F4A7C15ul;
static unsigned long memo_rand(void)
{
	memo_rng ^= memo_rng << 13;
	memo_rng ^= memo_rng >> 7;
	memo_rng ^= memo_rng << 17;
	return memo_rng;
}

static void select_names(pqx_sel *sel, const GumboNode *root, pqx_buf *out)
{
	pqx_nodevec v = {0};
	pqx_buf_reset(out);
	if (pqx_sel_select(sel, root, 0, &v) != 0) {
		pqx_buf_adds(out, "oom");
		return;
	}
	for (size_t i = 0; i < v.n; i++) {
		char num[32];
		snprintf(num, sizeof num, "%u,", v.v[i]->v.element.start_pos.offset);
		pqx_buf_adds(out, num);
	}
	pqx_nodevec_free(&v);
}

static void test_memo(void)
{
	static const char *const pieces[] = {
		"<div>", "</div>", "<span>", "</span>", "<i>", "</i>", "<b>", "</b>", "<p>", "</p>",
		"zzz", "zz", "z z", "x", " ", "\n", "<br>", "<div hidden>", "<span style=\"display:none\">",
		"<span style=\"visibility:hidden\">", "<em style=\"visibility:visible\">", "</em>",
		"<script>zzz</script>", "<sup>1</sup>", "<sub>2</sub>", "<pre>", "</pre>", "<table><tr><td>",
		"</td><td>", "</table>", "<ul><li>", "<li>", "</ul>", "ZZZ", "<nope>", "</nope>",
		"<noscript>zzz</noscript>", "<template>zzz</template>", "<svg><title>zzz</title></svg>",
	};
	static const char *const sels[] = {
		"div:pqx-contains('zzz')", "span:pqx-contains('zzz')", "*:pqx-contains('z z')",
		"div:pqx-contains('ZZZ' i)", "p:pqx-contains('zz')", ":pqx-contains('x')",
		"i:has(~ nope)", "i:has(~ b)", "b:has(~ i span)", "div:has(span)", "div:has(i b)",
		"span:has(nope)", "*:has(~ p)", "div:has(> span)", "li:has(+ li)",
		"div:has(span:pqx-contains('zzz'))", "i:not(:has(~ i))", ":is(div, span):has(b)",
		"div:has(:scope > span)", "div:has(~ div:pqx-contains('x'))", "div div:has(span)",
		":pqx-contains('zzz') > :pqx-contains('zzz')", "td:pqx-contains('x')",
		"span:has(span)", "div:has(div)", "i:has(~ i)", "div:pqx-contains('zzz') div",
	};
	size_t np = sizeof pieces / sizeof pieces[0], ns = sizeof sels / sizeof sels[0];
	pqx_sel *compiled[sizeof sels / sizeof sels[0]];
	for (size_t i = 0; i < ns; i++) {
		compiled[i] = pqx_sel_compile(sels[i], strlen(sels[i]), g_err, sizeof g_err);
		if (!compiled[i])
			printf("# %s: %s\n", sels[i], g_err);
	}
	pqx_buf page = PQX_BUF_INIT, on = PQX_BUF_INIT, off = PQX_BUF_INIT;
	int pages = 400, differ = 0, matched = 0;
	for (int k = 0; k < pages; k++) {
		pqx_buf_reset(&page);
		int n = 10 + (int)(memo_rand() % 300);
		for (int j = 0; j < n; j++)
			pqx_buf_adds(&page, pieces[memo_rand() % np]);
		GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, page.s, page.len);
		for (size_t i = 0; i < ns; i++) {
			if (!compiled[i])
				continue;
			pqx_sel_set_memo(1);
			select_names(compiled[i], o->document, &on);
			pqx_sel_set_memo(0);
			select_names(compiled[i], o->document, &off);
			pqx_sel_set_memo(1);
			if (on.len != off.len || (on.len && memcmp(on.s, off.s, on.len) != 0)) {
				if (differ++ < 3)
					printf("# memo changes %s on: %.*s\n", sels[i], (int)page.len, page.s);
			}
			matched += on.len > 0;
		}
		gumbo_destroy_output(&kGumboDefaultOptions, o);
	}
	printf("# memo: %d random pages x %zu selectors, %d with matches, %d differ\n", pages, ns, matched, differ);
	CHECK(differ == 0, "memo: :has() and :pqx-contains() give the same nodes with and without memos");
	for (size_t i = 0; i < ns; i++)
		pqx_sel_free(compiled[i]);
	pqx_buf_free(&page);
	pqx_buf_free(&on);
	pqx_buf_free(&off);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	g_out = gumbo_parse(PAGE);
	test_basic();
	test_attributes();
	test_combinators();
	test_nth();
	test_pseudo();
	test_scope_and_lists();
	test_text_ext();
	test_output();
	test_errors();
	test_pages(dir);
	test_deep();
	test_reuse();
	test_memo();
	gumbo_destroy_output(&kGumboDefaultOptions, g_out);
	pqx_buf_free(&g_res);
	T_DONE();
}
