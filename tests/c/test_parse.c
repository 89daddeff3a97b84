/*
 * test_parse.c: unit tests of src/parse.c: the attribute caps count what gumbo's
 * tokenizer really reads as attributes (quoted values, comments, raw text,
 * script escapes, foreign content, select), and the depth guard measures the
 * tree gumbo really builds: on
 * random pages mixing the elements gumbo closes by itself (a, p, li, td,
 * table, nobr, option), foreign content (svg, math, their integration points,
 * self-closing tags), raw text and templates, a page must never pass a limit
 * below the depth of its finished tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "parse.h"
#include "t.h"

static char msg[256];

/* 1 if the page is refused for its attributes (msg says how), 0 if it parses */
static int scan(const char *html, unsigned max_attrs, size_t max_bytes, void *unused)
{
	(void)unused;
	pqx_limits lim;
	pqx_limits_default(&lim);
	lim.max_attributes = max_attrs;
	lim.max_attribute_bytes = max_bytes;
	pqx_document d;
	enum pqx_parse_status st = pqx_parse(&d, (const unsigned char *)html, strlen(html), "utf-8", &lim, msg, sizeof msg);
	pqx_document_free(&d);
	if (st == PQX_PARSE_OK)
		return 0;
	return strstr(msg, "attribute") ? 1 : -1;
}

static void test_scan(void)
{
	void *r = NULL;
	CHECK(scan("<p a b c>x</p>", 3, 0, r) == 0, "scan: three attributes within a cap of 3");
	CHECK(scan("<p a b c d>x</p>", 3, 0, r) == 1,
	      "scan: the fourth is over");
	CHECK_STR(msg, "line 1, column 8: an element has more than 3 attributes (--max-attributes)",
	          "scan: the message gives the position of the last attribute within the cap");
	CHECK(scan("<p a='x > y z w' b>", 2, 0, r) == 0, "scan: '>' and spaces inside a quoted value");
	CHECK(scan("<p a=\"1\"b=\"2\"c=3 d=4>", 3, 0, r) == 1, "scan: attributes after a quoted value need no space");
	CHECK(scan("<p =a =b =c>", 1, 0, r) == 1 && scan("<p =a =b =c>", 2, 0, r) == 0,
	      "scan: '=' can start a name, and after a name starts its value (two attributes)");
	CHECK(scan("<p a=/ b=/ c=/>", 2, 0, r) == 1, "scan: unquoted '/' is a value");
	CHECK(scan("<p a/b/c/d>", 3, 0, r) == 1, "scan: '/' between names separates them");
	CHECK(scan("</p a b c d>", 3, 0, r) == 1, "scan: end tags are counted too (gumbo compares them)");
	CHECK(scan("<!-- <p a b c d> -->x", 3, 0, r) == 0, "scan: a comment is not a tag");
	CHECK(scan("<!--><p a b c d>", 3, 0, r) == 1, "scan: <!--> is an empty comment");
	CHECK(scan("<!---><p a b c d>", 3, 0, r) == 1, "scan: <!---> is an empty comment");
	CHECK(scan("<!-- --!> <p a b c d>", 3, 0, r) == 1, "scan: --!> ends a comment");
	CHECK(scan("<!-- --! <p a b c d> -->", 3, 0, r) == 0, "scan: --! without > does not");
	CHECK(scan("<!DOCTYPE html><p a b c d>", 3, 0, r) == 1, "scan: after a doctype");
	CHECK(scan("<? x ?><p a b c d>", 3, 0, r) == 1, "scan: a bogus comment runs to the first >");
	CHECK(scan("<style><p a b c d></style>", 3, 0, r) == 0, "scan: style is raw text");
	CHECK(scan("<style></stylex><p a b c d></style>", 3, 0, r) == 0, "scan: </stylex does not end it");
	CHECK(scan("<title><p a b c d></title><p a b c d>", 3, 0, r) == 1,
	      "scan: title is RCDATA up to </title>");
	CHECK(scan("<textarea><p a b c d></textarea>", 3, 0, r) == 0, "scan: textarea is RCDATA");
	CHECK(scan("<script>if (a<b && c || d) x()</script>", 1, 0, r) == 0, "scan: script text is not tags");
	CHECK(scan("<script><!--<script></script><p a b c d></script>", 3, 0, r) == 0,
	      "scan: a double-escaped </script> does not end the script");
	CHECK(scan("<script><!--<script></script>--></script><p a b c d>", 3, 0, r) == 1,
	      "scan: after the escape the script ends");
	CHECK(scan("<plaintext><p a b c d>", 3, 0, r) == 0, "scan: plaintext: the rest is text");
	CHECK(scan("<svg><style><g a b c d></style></svg>", 3, 0, r) == 1,
	      "scan: style inside svg is an element, its content is tags");
	CHECK(scan("<svg><title><style><g a b c d></style></title></svg>", 3, 0, r) == 0,
	      "scan: inside svg title (an HTML integration point) style is raw text again");
	CHECK(scan("<math><mi><style><g a b c d></style></mi></math>", 3, 0, r) == 0,
	      "scan: inside math mi too");
	CHECK(scan("<svg><div><style><g a b c d></style>", 3, 0, r) == 0, "scan: div breaks out of svg");
	CHECK(scan("<svg><font><style><g a b c d></style>", 3, 0, r) == 1, "scan: plain font does not");
	CHECK(scan("<svg><font size=1><style><g a b c d></style>", 3, 0, r) == 0, "scan: font size= does");
	CHECK(scan("<svg/><style><g a b c d></style>", 3, 0, r) == 0, "scan: a self-closing svg holds nothing");
	CHECK(scan("<svg></svg><style><g a b c d></style>", 3, 0, r) == 0, "scan: after </svg>, HTML");
	CHECK(scan("<svg><![CDATA[<g a b c d>]]></svg>", 3, 0, r) == 0, "scan: CDATA in svg is text");
	CHECK(scan("<div><![CDATA[<g a b c d>]]>", 3, 0, r) == 0 && scan("<div><![CDATA[x]]><g a b c d>", 3, 0, r) == 1,
	      "scan: in HTML it is a bogus comment to the first '>'");
	CHECK(scan("<p title=\"0123456789\">", 0, 15, r) == 0, "scan: 15 attribute bytes within 15");
	CHECK(scan("<p title=\"0123456789X\">", 0, 15, r) == 1, "scan: 16 are over");
	CHECK_STR(msg, "line 1, column 1: the attributes of <p> are 16 bytes, over the limit of 15 (--max-attribute-bytes)",
	          "scan: the message names the element and its position");
	CHECK(scan("<p a b c d", 3, 0, r) == 0, "scan: an unfinished tag is dropped by the tokenizer");
	CHECK(scan("<select><xmp></select><p a b c d>", 3, 0, r) == 1, "scan: in a select, xmp is ignored, not raw text");
	CHECK(scan("<select><style></select><p a b c d>", 3, 0, r) == 1, "scan: style too");
	CHECK(scan("<select><script></select><p a b c d></script>", 3, 0, r) == 0, "scan: but script is script");
	CHECK(scan("<select><textarea></select><p a b c d></textarea>", 3, 0, r) == 0,
	      "scan: and textarea closes the select and is RCDATA");
	CHECK(scan("<select></select><style><p a b c d></style>", 3, 0, r) == 0, "scan: after </select>, raw text again");
	CHECK(scan("<frameset><style><p a b c d></style>", 3, 0, r) == 1, "scan: in a frameset style is ignored");
	CHECK(scan("<frameset><noframes><p a b c d></noframes>", 3, 0, r) == 0, "scan: noframes is raw text there");
	CHECK(scan("<P A B C D>", 3, 0, r) == 1, "scan: upper case");
	CHECK(scan("<P TITLE=\"0123456789X\">", 0, 15, r) == 1 && strstr(msg, "<p>"), "scan: named in lower case");
}

/* ---- depth: the guard against the tree ---------------------------------- */

static unsigned tree_depth(GumboNode *root, unsigned *most_attrs)
{
	/* iterative: the trees may be deep */
	unsigned best = 0, d = 0;
	*most_attrs = 0;
	GumboNode *n = root;
	size_t *idx = calloc(1000000, sizeof *idx);
	idx[0] = 0;
	for (;;) {
		GumboVector *kids = (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		                    ? &n->v.element.children
		                    : n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children : NULL;
		if (kids && idx[d] < kids->length) {
			GumboNode *c = kids->data[idx[d]++];
			if (c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) {
				n = c;
				idx[++d] = 0;
				if (c->v.element.attributes.length > *most_attrs)
					*most_attrs = c->v.element.attributes.length;
				if (d > best)
					best = d;
			}
			continue;
		}
		if (d == 0)
			break;
		n = n->parent;
		d--;
	}
	free(idx);
	return best;
}

static const char *const pieces[] = {
	"<div>", "</div>", "<p>", "</p>", "<a href=x>", "</a>", "<b>", "</b>", "<i>", "<font size=2>",
	"<table>", "</table>", "<tr>", "<td>", "</td>", "<li>", "<ul>", "</ul>", "<nobr>", "<select>",
	"<option>", "</select>", "<svg>", "</svg>", "<g>", "<g/>", "</g>", "<title>", "</title>",
	"<style>", "</style>", "<script>", "</script>", "<math>", "<mi>", "</mi>", "<mrow>",
	"<foreignObject>", "</foreignObject>", "<desc>", "<template>", "</template>", "<span>",
	"</span>", "<!-->", "<!--", "-->", "text ", "<textarea>", "</textarea>", "<h1>", "<form>",
	"</form>", "<button>", "<dd>", "<dt>", "<caption>", "<colgroup>", "<frameset>", "<body>",
	"<html>", "<head>", "<noscript>", "<xmp>", "<iframe>", "<p a=='>", "'>", "<em>", "<s>",
	"<center>", "<object>", "<applet>", "<marquee>", "<image>", "<br>", "</br>", "</p>",
	"<plaintext>", "<span a b c d e f>", "<g h i j k l m n>", "<p q r s t u v w x y>",
	"<svg a b c d e f g h i j k>", "<li a b c d e f g h i j k l>",
};

static unsigned long rng = 88172645463325252ul;
static unsigned long next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_depth(void)
{
	pqx_limits lim;
	pqx_limits_default(&lim);
	char err[256];
	int pages = getenv("PQX_TEST_PAGES") ? atoi(getenv("PQX_TEST_PAGES")) : 300;
	int same = 0, refused_below = 0, passed_above = 0, parsed = 0, attrs_hidden = 0;
	size_t npieces = sizeof pieces / sizeof pieces[0];
	for (int i = 0; i < pages; i++) {
		pqx_buf b = {0};
		int n = 50 + (int)(next_rand() % 3000);
		for (int k = 0; k < n; k++) {
			const char *p = pieces[next_rand() % npieces];
			if (strcmp(p, "<plaintext>") == 0 && next_rand() % 8)
				continue;
			pqx_buf_adds(&b, p);
		}
		pqx_document d;
		lim.max_depth = 1000000;
		if (pqx_parse(&d, (const unsigned char *)b.s, b.len, "utf-8", &lim, err, sizeof err) == PQX_PARSE_OK) {
			parsed++;
			unsigned most;
			unsigned real = tree_depth(d.out->document, &most);
			same += real == d.max_depth_seen;
			pqx_document_free(&d);
			if (most > 1) {
				lim.max_attributes = most - 1;
				if (pqx_parse(&d, (const unsigned char *)b.s, b.len, "utf-8", &lim, err, sizeof err) == PQX_PARSE_OK)
					attrs_hidden++;
				pqx_document_free(&d);
				lim.max_attributes = PQX_DEFAULT_MAX_ATTRIBUTES;
			}
			/* a limit of the tree's depth passes, one below is refused */
			lim.max_depth = real;
			if (pqx_parse(&d, (const unsigned char *)b.s, b.len, "utf-8", &lim, err, sizeof err) != PQX_PARSE_OK)
				refused_below++;
			pqx_document_free(&d);
			if (real > 1) {
				lim.max_depth = real - 1;
				if (pqx_parse(&d, (const unsigned char *)b.s, b.len, "utf-8", &lim, err, sizeof err) == PQX_PARSE_OK)
					passed_above++;
				pqx_document_free(&d);
			}
		} else {
			pqx_document_free(&d);
		}
		pqx_buf_free(&b);
	}
	printf("# %d random pages: %d parsed; the depth seen is the tree's on %d; refused at the tree's "
	       "depth: %d; passed one below: %d; passed an attribute cap below: %d\n", pages, parsed, same,
	       refused_below, passed_above, attrs_hidden);
	CHECK(parsed == pages, "depth: every random page parses under a high limit");
	CHECK(attrs_hidden == 0, "scan: no page passes an attribute cap below its elements' attributes");
	CHECK(passed_above == 0, "depth: no page passes a limit below its tree's depth");
	/* a refusal at the final tree's depth is right when the tree was deeper
	 * while it was built: <b><s><i><form></b> makes the form at depth 6, and
	 * the adoption agency then moves it up to the body */
	CHECK(refused_below * 20 <= pages, "depth: a page refused at its final tree's depth is rare (deeper while built)");

	/* and the limit itself, with the position of the first node too deep */
	lim.max_depth = 10;
	const char *deep = "<html><body>\n<div><div><div><div><div><div><div><div><div>x";
	pqx_document d;
	CHECK(pqx_parse(&d, (const unsigned char *)deep, strlen(deep), "utf-8", &lim, err, sizeof err) == PQX_PARSE_LIMIT,
	      "depth: 11 levels over a limit of 10");
	CHECK_STR(err, "line 2, column 41: elements nest deeper than 10 (--max-depth)", "depth: message with position");
	pqx_document_free(&d);
	const char *ten = "<html><body>\n<div><div><div><div><div><div><div><div>x";
	CHECK(pqx_parse(&d, (const unsigned char *)ten, strlen(ten), "utf-8", &lim, err, sizeof err) == PQX_PARSE_OK &&
	      d.max_depth_seen == 10, "depth: 10 levels pass, and are measured as 10");
	pqx_document_free(&d);
}

int main(void)
{
	test_scan();
	test_depth();
	T_DONE();
}
