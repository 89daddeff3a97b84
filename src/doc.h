/*
 * doc.h: the Lua face of documents and nodes (pqx.Document, pqx.Node,
 * pqx.Selector, pqx.List) and the C core module `pqx.core`.
 */
#ifndef PQX_DOC_H
#define PQX_DOC_H

#include <lua.h>

#include "buf.h"
#include "parse.h"

#define PQX_DOCUMENT_MT "pqx.Document"
#define PQX_NODE_MT "pqx.Node"
#define PQX_SELECTOR_MT "pqx.Selector"
#define PQX_LIST_MT "pqx.List"

/* Stores the value on top of the stack in the cache table at cache_idx under
 * key and pops it. Entries are counted in the table's "#" field; past max the
 * table is emptied first, so caches keyed by strings that scripts build from
 * data (selectors, regular expressions) stay bounded. */
void pqx_cache_put(lua_State *L, int cache_idx, const char *key, size_t keylen, int max);

/* Limits used by pqx.parse() from Lua (the CLI sets them from its options). */
void pqx_doc_set_limits(const pqx_limits *lim);

/* Pushes a Document userdata that takes ownership of *d (the struct is copied;
 * the caller must not free it). path may be NULL. */
void pqx_push_document(lua_State *L, pqx_document *d, const char *path);

/* The page's own URL (doc.url, ctx.url) and the script's `base_url`, used when the
 * page's URL is unknown; either may be NULL (unknown). Both are copied. They and
 * the page's <base href> make doc.base_url, which node:url resolves against.
 * Returns 0, or -1 when the value given is not an absolute URL (nothing changed). */
int pqx_doc_set_url(lua_State *L, int idx, const char *url);
int pqx_doc_set_fallback_base(lua_State *L, int idx, const char *base);

/* Frees the document's tree now; its nodes raise "node of a closed document". */
void pqx_close_document(lua_State *L, int idx);

/* Pushes the node for n of the Document at doc_idx (same value for the same node). */
void pqx_push_node(lua_State *L, int doc_idx, const GumboNode *n);

/* The GumboNode of a Node (or the document node of a Document) at idx, or NULL. */
const GumboNode *pqx_to_node(lua_State *L, int idx);

/* The pqx_document of a Document or Node at idx, or NULL (closed or not one). */
pqx_document *pqx_to_document(lua_State *L, int idx);

/* JSON (json.c): canonical JSON of the value at idx (object keys sorted).
 * pretty = indent with two spaces. Returns 0, or -1 with a message naming the
 * offending field path in err. */
int pqx_json_encode(lua_State *L, int idx, int pretty, pqx_buf *out, pqx_buf *err);

/* Parses JSON text and pushes the value (null -> nil). Returns 0, or -1 with
 * "line L, column C: what" in err and nothing pushed. */
int pqx_json_decode(lua_State *L, const char *s, size_t len, pqx_buf *err);

int pqx_open_core(lua_State *L);

#endif
