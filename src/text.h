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
	                       (script/style text included, as the DOM does; the content
	                       of a <template> below the node left out, as the DOM keeps
	                       it apart) */
	PQX_TEXT_OWN = 2,   /* the node's direct text children only, normalised as INNER
	                       (white space collapsed, trimmed); direct <br> children
	                       still break lines */
};

/* Leaves an element (with its subtree) out of the text when it returns nonzero. */
typedef int (*pqx_text_filter)(const GumboNode *element, void *ud);

typedef struct pqx_text_opts {
	int hidden;              /* 1: keep what a browser hides (the `hidden` attribute, inline
	                            display:none, visibility:hidden/collapse); 0: leave it out */
	int plain_scripts;       /* 1: a <sup>/<sub> of digits stays plain digits ("Q-10432");
	                            0: they become Unicode super-/subscripts ("Q-1043²") */
	pqx_text_filter exclude; /* NULL, or elements to leave out (never the start node) */
	void *exclude_ud;
} pqx_text_opts;

/* Appends the text of `node` (element, document or text node) to `out`, with the
 * default options (hidden content left out, super-/subscript digits marked).
 * The start node itself is never left out, hidden or not: asking for its text
 * is asking for it. Returns 0, or -1 when out->oom is set. */
int pqx_text(const GumboNode *node, enum pqx_text_mode mode, pqx_buf *out);
/* The same with options (NULL = the defaults). PQX_TEXT_RAW ignores them:
 * textContent is every descendant text, untouched. */
int pqx_text_ex(const GumboNode *node, enum pqx_text_mode mode, const pqx_text_opts *opts,
                pqx_buf *out);
/* Does the element hide itself from rendering: the `hidden` attribute or an
 * inline `display:none`? (visibility is separate: it is inherited and can be
 * undone below). */
int pqx_text_is_hidden(const GumboNode *element);

/* Appends `node` serialised as HTML5 (escaped text and attribute values, void
 * elements without end tags, raw text of script/style untouched).
 * outer = 1: the node itself with its tags; outer = 0: its children only.
 * Returns 0, or -1 when out->oom is set. */
int pqx_html(const GumboNode *node, int outer, pqx_buf *out);

/* pqx.text.squish: every run of white space (ASCII, with VT and newlines, NBSP and the
 * other Unicode spaces) becomes one space, soft hyphens and zero-width characters
 * vanish (without breaking a run), and the result is trimmed. Bytes that are not UTF-8
 * pass through, and an invisible character between such bytes that would join them
 * into a character stays, so that squish(squish(s)) == squish(s) for any bytes.
 * Appends to out; returns 0, or -1 when out->oom is set. */
int pqx_text_squish(const char *s, size_t len, pqx_buf *out);

/* pqx.text.trim: the span of s[0..len) without the white space squish knows (ASCII,
 * with VT, NBSP and the other Unicode spaces) at either end: s + *start, *n bytes. */
void pqx_text_trim(const char *s, size_t len, size_t *start, size_t *n);

#endif
