/*
 * select.h: the CSS selector engine of pqx. Plain C over gumbo nodes, no Lua.
 * Selectors are compiled once (pqx_sel_compile) and matched right to left.
 * Matching never allocates per candidate node and never recurses on document
 * depth, so hostile pages cannot blow the C stack.
 */
#ifndef PQX_SELECT_H
#define PQX_SELECT_H

#include <stddef.h>
#include <gumbo.h>

typedef struct pqx_sel pqx_sel;

enum pqx_sel_output {
	PQX_SEL_NODES = 0, /* plain selector: select returns elements */
	PQX_SEL_TEXT = 1,  /* ends in ::text: caller takes each match's text (pqx_text INNER) */
	PQX_SEL_ATTR = 2,  /* ends in ::attr(name): caller takes each match's attribute value */
};

/* Compiles `css` (len bytes, UTF-8). On error returns NULL and writes to err a
 * message that quotes the selector and gives the 1-based column, e.g.
 *   unexpected ')' at column 7 in "div > )p"
 *   unknown pseudo-class ':foo' at column 4 in "td:foo"
 */
pqx_sel *pqx_sel_compile(const char *css, size_t len, char *err, size_t errlen);
void pqx_sel_free(pqx_sel *sel);

/* The output kind; for PQX_SEL_ATTR, *attr receives the (lower-cased) attribute name. */
enum pqx_sel_output pqx_sel_output(const pqx_sel *sel, const char **attr);

/* 1 if element `node` matches; `scope` is what :scope (and a leading combinator,
 * as in "> td") refers to, or NULL for the document root. */
int pqx_sel_matches(pqx_sel *sel, const GumboNode *node, const GumboNode *scope);

typedef struct pqx_nodevec {
	const GumboNode **v;
	size_t n, cap;
} pqx_nodevec;

void pqx_nodevec_free(pqx_nodevec *v);

/* Appends to `out` the element descendants of `root` (root excluded, like
 * querySelectorAll) that match, in document order, each once. Ancestors outside
 * root still count for combinators. root is also the :scope. limit = 0 means all,
 * otherwise stop after `limit` matches. Returns 0, or -1 on out of memory. */
int pqx_sel_select(pqx_sel *sel, const GumboNode *root, size_t limit, pqx_nodevec *out);

/* Memos of :has() and :pqx-contains() (on by default); off only to test that
 * they never change a result. */
void pqx_sel_set_memo(int on);

#endif
