/*
 * fuzz_select.c: libFuzzer target for the selector compiler and matcher
 * (src/select.c).
 *
 * Input: a selector; or a selector, one NUL byte, and an HTML page. Without a
 * page the selector runs against the small fixed page below, which has a bit
 * of everything selectors look at (ids, classes, attributes of every operator's
 * taste, lang, tables, lists, forms, empty and text-only elements, svg,
 * template, deep nesting).
 *
 * Invariants checked on every input:
 * - compiling either gives a selector or a terminated, non-empty message;
 * - ::attr(name) gives a non-empty lower-case name;
 * - pqx_sel_select from the document equals, element for element and in order,
 *   the elements for which pqx_sel_matches holds with the document as scope;
 *   the same from <body> (descendants only, <body> as scope), and with every
 *   limit it is a prefix of the whole list: memo and fast paths agree with
 *   the one-node question;
 * - matching the same selector again gives the same answers (the memo is per
 *   call, never stale).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "parse.h"
#include "select.h"

static const char fixed_page[] =
	"<!DOCTYPE html><html lang=\"fr\"><head><title>Question écrite n° 5-8916</title>"
	"<meta charset=\"utf-8\"><style>p{}</style></head>"
	"<body class=\"page  question\" id=\"top\">"
	"<div id=\"main\" class=\"content wide\" data-kind=\"written question\" title=\"Q-1 en\">"
	"<h1 class=\"title\">Question <b>n°</b> 5-8916</h1>"
	"<p lang=\"nl-BE\">Eerste <a href=\"/q?x=1&amp;y=2\" rel=\"nofollow next\">link</a> tekst.</p>"
	"<p></p><p> </p><p><!-- only a comment --></p>"
	"<table class=\"meta\"><caption>Data</caption>"
	"<tr><th>Auteur</th><td>Dupont <i>(PS)</i></td></tr>"
	"<tr><th scope=\"row\">Date</th><td data-date=\"2019-03-04\">4 mars 2019</td></tr>"
	"<tr class=\"odd\"><td colspan=\"2\">zzz <span hidden>caché</span></td></tr></table>"
	"<ul><li>un</li><li class=\"x\">deux<ul><li>a</li><li>b</li></ul></li><li>trois</li></ul>"
	"<ol start=\"3\"><li value=\"7\">sept</li></ol>"
	"<form action=\"/s\"><input type=\"checkbox\" name=\"c\" checked disabled>"
	"<input type=\"text\" name=\"q\" value=\"a b\"><select><option selected>1</option>"
	"<option>2</option></select><textarea>t</textarea><button>go</button></form>"
	"<section><h2 id=\"r\">Réponse</h2><div class=\"answer\"><p>Réponse <em>du</em> ministre.</p>"
	"<p>Deuxième<br>ligne</p></div><div class=\"answer\"></div></section>"
	"<div><div><div><div><span class=\"deep\">profond</span></div></div></div></div>"
	"<svg width=\"10\"><circle r=\"4\"/><text>svg</text></svg>"
	"<template><p class=\"tpl\">modèle</p></template>"
	"<dl><dt>k</dt><dd>v</dd></dl><img src=\"a.png\" alt=\"\"><hr>"
	"<p class=\"É\" id=\"ünï\">Ünïcödé ZZZ</p>"
	"</div><footer><a href=\"#top\">haut</a></footer></body></html>";

static pqx_document fixed;
static int fixed_ready;

static const GumboNode *find_body(const GumboNode *root)
{
	for (const GumboNode *n = root; n; n = fuzz_next(n, root))
		if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_BODY)
			return n;
	return NULL;
}

/* select from root against the one-node question for every descendant */
static void check_agree(pqx_sel *sel, const GumboNode *root)
{
	pqx_nodevec all = {0};
	FUZZ_ASSERT(pqx_sel_select(sel, root, 0, &all) == 0, "select does not run out of memory");
	size_t k = 0;
	for (const GumboNode *n = fuzz_next(root, root); n; n = fuzz_next(n, root)) {
		if (!fuzz_is_element(n))
			continue;
		int m = pqx_sel_matches(sel, n, root);
		if (m) {
			FUZZ_ASSERT(k < all.n, "select finds every element that matches");
			FUZZ_ASSERT(all.v[k] == n, "select gives the matching elements in document order");
			k++;
		}
		FUZZ_ASSERT(pqx_sel_matches(sel, n, root) == m, "matching is repeatable");
	}
	FUZZ_ASSERT(k == all.n, "select finds only elements that match");
	/* limits give prefixes */
	size_t limits[] = {1, 2, all.n > 2 ? all.n - 1 : 3};
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		pqx_nodevec some = {0};
		FUZZ_ASSERT(pqx_sel_select(sel, root, limits[i], &some) == 0, "select with a limit runs");
		size_t want = all.n < limits[i] ? all.n : limits[i];
		FUZZ_ASSERT(some.n == want, "a limit caps the number of matches");
		FUZZ_ASSERT(want == 0 || memcmp(some.v, all.v, want * sizeof *some.v) == 0,
		            "a limited select is a prefix of the whole");
		pqx_nodevec_free(&some);
	}
	pqx_nodevec_free(&all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fixed_ready) {
		pqx_limits lim;
		pqx_limits_default(&lim);
		char err[256];
		if (pqx_parse(&fixed, (const unsigned char *)fixed_page, sizeof fixed_page - 1, NULL, &lim,
		              err, sizeof err) != PQX_PARSE_OK) {
			fprintf(stderr, "fuzz_select: the fixed page does not parse: %s\n", err);
			abort();
		}
		fixed_ready = 1;
	}
	const uint8_t *nul = memchr(data, 0, size);
	size_t slen = nul ? (size_t)(nul - data) : size;
	char err[512];
	memset(err, 'x', sizeof err);
	pqx_sel *sel = pqx_sel_compile((const char *)data, slen, err, sizeof err);
	if (!sel) {
		FUZZ_ASSERT(memchr(err, 0, sizeof err) != NULL, "the message is terminated");
		FUZZ_ASSERT(err[0] != '\0', "a refused selector has a message");
		return 0;
	}
	const char *attr = NULL;
	enum pqx_sel_output kind = pqx_sel_output(sel, &attr);
	FUZZ_ASSERT(kind == PQX_SEL_NODES || kind == PQX_SEL_TEXT || kind == PQX_SEL_ATTR,
	            "the output kind is one of three");
	if (kind == PQX_SEL_ATTR) {
		FUZZ_ASSERT(attr && attr[0], "::attr names an attribute");
		for (const char *c = attr; *c; c++)
			FUZZ_ASSERT(!(*c >= 'A' && *c <= 'Z'), "the attribute name is lower case");
	}

	pqx_document page;
	const pqx_document *doc = &fixed;
	int own = 0;
	if (nul) {
		pqx_limits lim;
		pqx_limits_default(&lim);
		if (pqx_parse(&page, nul + 1, size - slen - 1, NULL, &lim, err, sizeof err) != PQX_PARSE_OK) {
			pqx_document_free(&page);
			pqx_sel_free(sel);
			return 0;
		}
		doc = &page;
		own = 1;
	}
	const GumboNode *root = doc->out->document;
	check_agree(sel, root);
	const GumboNode *body = find_body(root);
	if (body)
		check_agree(sel, body);
	if (own)
		pqx_document_free(&page);
	pqx_sel_free(sel);
	return 0;
}
