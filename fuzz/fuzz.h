/*
 * fuzz.h: what the libFuzzer targets in fuzz/ share: a strict UTF-8 check and a
 * way to stop with a message that libFuzzer records as a finding (abort, so
 * the input is saved as crash-*). Only the fuzz targets include it.
 */
#ifndef PQX_FUZZ_H
#define PQX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gumbo.h>

/* Stops the run: the invariant `what` does not hold for this input. */
#define FUZZ_ASSERT(cond, what) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz invariant failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, (what), #cond); \
		abort(); \
	} \
} while (0)

/* Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or len if all is. */
static inline size_t fuzz_utf8_bad(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (len - i <= need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if (s[i + k] < lo || s[i + k] > hi)
				return i;
			lo = 0x80;
			hi = 0xBF;
		}
		i += need + 1;
	}
	return len;
}

static inline int fuzz_utf8_ok(const char *s, size_t len)
{
	return fuzz_utf8_bad((const unsigned char *)s, len) == len;
}

/* How many times the UTF-8 of U+FFFD occurs in s. */
static inline size_t fuzz_count_fffd(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i + 2 < len; i++)
		if ((unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBF &&
		    (unsigned char)s[i + 2] == 0xBD)
			n++;
	return n;
}

/* The node after n in document order within root (root's own children
 * included even when root is a <template>, a template's content below root
 * skipped, as pqx's selectors and text do), or NULL at the end. */
static inline const GumboNode *fuzz_next(const GumboNode *n, const GumboNode *root)
{
	if ((n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE ||
	     n->type == GUMBO_NODE_DOCUMENT) &&
	    (n == root || n->type != GUMBO_NODE_TEMPLATE)) {
		const GumboVector *k = n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children
		                                                      : &n->v.element.children;
		if (k->length)
			return k->data[0];
	}
	while (n != root && n->parent) {
		const GumboNode *par = n->parent;
		const GumboVector *k = par->type == GUMBO_NODE_DOCUMENT ? &par->v.document.children
		                                                        : &par->v.element.children;
		if (n->index_within_parent + 1 < k->length)
			return k->data[n->index_within_parent + 1];
		n = par;
	}
	return NULL;
}

static inline int fuzz_is_element(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

#endif
