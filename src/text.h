/*
 * text.h: plain-text and HTML views of a gumbo subtree. Plain C, no Lua.
 * All walks are iterative (hostile pages nest deeply).
 */
#ifndef PQX_TEXT_H
#define PQX_TEXT_H

#include <gumbo.h>
#include "buf.h"

enum pqx_text_mode {
	PQX_TEXT_INNER = 0, /* innerText-like: blocks and <br> break lines, <p> separates paragraphs,
	                       white space collapsed, NBSP -> space, soft hyphen and zero-width
	                       characters removed, script/style/template/noscript excluded,
	                       no leading/trailing white space */
	PQX_TEXT_RAW = 1,   /* textContent: all descendant text concatenated, untouched
	                       (script/style text included, as the DOM does) */
	PQX_TEXT_OWN = 2,   /* the node's direct text children only, normalised as INNER
	                       (white space collapsed, trimmed); direct <br> children
	                       still break lines */
};

/* Appends the text of `node` (element, document or text node) to `out`.
 * Returns 0, or -1 when out->oom is set. */
int pqx_text(const GumboNode *node, enum pqx_text_mode mode, pqx_buf *out);

/* Appends `node` serialised as HTML5 (escaped text and attribute values, void
 * elements without end tags, raw text of script/style untouched).
 * outer = 1: the node itself with its tags; outer = 0: its children only.
 * Returns 0, or -1 when out->oom is set. */
int pqx_html(const GumboNode *node, int outer, pqx_buf *out);

/* pqx.text.squish: every run of white space (ASCII, with VT and newlines, NBSP and the
 * other Unicode spaces) becomes one space, soft hyphens and zero-width characters
 * vanish (without breaking a run), and the result is trimmed. Bytes that are not UTF-8
 * pass through. Appends to out; returns 0, or -1 when out->oom is set. */
int pqx_text_squish(const char *s, size_t len, pqx_buf *out);

#endif
