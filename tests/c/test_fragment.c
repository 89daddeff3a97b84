/*
 * test_fragment.c: bare table fragments (a saved <tr> without its <table>) are
 * parsed in the table context their first tag needs, so their rows and cells are
 * kept; ordinary pages are parsed as documents.
 */
#include "t.h"
#include "parse.h"

static const char *context(const char *html)
{
	const char *name = NULL;
	GumboTag t = pqx_fragment_context(html, strlen(html), &name);
	return t == GUMBO_TAG_LAST ? "document" : name;
}

/* parses html and counts the elements with tag t */
static size_t count(const GumboNode *n, GumboTag t)
{
	if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT)
		return 0;
	size_t c = n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == t;
	const GumboVector *kids = n->type == GUMBO_NODE_ELEMENT ? &n->v.element.children : &n->v.document.children;
	for (unsigned i = 0; i < kids->length; i++)
		c += count(kids->data[i], t);
	return c;
}

static void parsed(const char *html, GumboTag t, size_t want, const char *frag, const char *name)
{
	pqx_document d;
	pqx_limits lim;
	pqx_limits_default(&lim);
	char err[256] = "";
	enum pqx_parse_status st = pqx_parse(&d, (const unsigned char *)html, strlen(html), "utf-8", &lim, err, sizeof err);
	CHECK(st == PQX_PARSE_OK, name);
	if (st == PQX_PARSE_OK) {
		char what[300];
		snprintf(what, sizeof what, "%s: element count", name);
		CHECK(count(d.out->document, t) == want, what);
		snprintf(what, sizeof what, "%s: fragment context", name);
		CHECK_STR(d.fragment ? d.fragment : "document", frag, what);
	}
	pqx_document_free(&d);
}

int main(void)
{
	CHECK_STR(context("<tr><td>a</td></tr>"), "tbody", "a <tr> is parsed inside <tbody>");
	CHECK_STR(context("  \r\n<TR class=x><td>a"), "tbody", "after white space, any case, attributes");
	CHECK_STR(context("<!-- saved --> <td>a</td><td>b</td>"), "tr", "a <td> after a comment: inside <tr>");
	CHECK_STR(context("<th>h</th>"), "tr", "a <th>: inside <tr>");
	CHECK_STR(context("<tbody><tr><td>a"), "table", "a <tbody>: inside <table>");
	CHECK_STR(context("<thead>"), "table", "a <thead>: inside <table>");
	CHECK_STR(context("<caption>c</caption>"), "table", "a <caption>: inside <table>");
	CHECK_STR(context("<col span=2>"), "colgroup", "a <col>: inside <colgroup>");
	CHECK_STR(context("<!DOCTYPE html><tr><td>a"), "document", "a doctype makes it a document");
	CHECK_STR(context("<html><body><tr><td>a"), "document", "<html> makes it a document");
	CHECK_STR(context("<table><tr><td>a"), "document", "a whole table is a document");
	CHECK_STR(context("<trace>"), "document", "<trace> is not <tr>");
	CHECK_STR(context("<td"), "tr", "a page that ends after '<td'");
	CHECK_STR(context("<!-- never closed <tr>"), "document", "an unclosed comment: a document");
	CHECK_STR(context("text <tr><td>a"), "document", "text before the row: a document");
	CHECK_STR(context(""), "document", "an empty page");

	parsed("<tr><td>a</td><td>b</td></tr><tr><td>c</td></tr>", GUMBO_TAG_TD, 3, "tbody",
	       "two saved rows keep their three cells");
	parsed("<tr><td>a</td><td>b</td></tr><tr><td>c</td></tr>", GUMBO_TAG_TR, 2, "tbody",
	       "two saved rows keep both rows");
	parsed("<td>a</td><td>b</td>", GUMBO_TAG_TD, 2, "tr", "saved cells are kept");
	parsed("<p><tr><td>a</td></tr>", GUMBO_TAG_TD, 0, "document",
	       "a row inside a paragraph is parsed as a document, as a browser would");
	T_DONE();
}
