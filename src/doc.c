/*
 * doc.c: Documents, Nodes, Selectors and Lists in Lua, and the `pqx.core` module.
 *
 * Lifetimes (DESIGN section 2): a Document userdata owns the parsed page (arena
 * tree plus the UTF-8 text gumbo points into). A Node is a small userdata
 * {document, GumboNode*} whose user value is its Document, so no node can outlive
 * the tree it points into; doc:close() frees early and every later use of a node
 * raises "node of a closed document". Nodes are created on access and cached per
 * document in a weak table, so the same node is the same Lua value.
 *
 * Never: walk the tree recursively, or hand out a GumboNode* without its Document.
 */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "casefold.h"
#include "select.h"
#include "text.h"
#include "url.h"

#ifdef PQX_GC_STRESS
/* collect on every binding entry: a missing lifetime link shows up at once */
#define ENTER(L) lua_gc((L), LUA_GCCOLLECT)
#else
#define ENTER(L) ((void)0)
#endif

#define SELECTOR_CACHE_MAX 512

typedef struct ldoc {
	pqx_document d;
	int closed;
	char *path;
	char *url;          /* the page's URL, normalised; NULL = unknown */
	char *fallback;     /* the script's base_url, normalised; NULL = none */
	char *base;         /* doc.base_url once computed (the tree never changes) */
	int base_done;
} ldoc;

typedef struct lnode {
	ldoc *doc;
	const GumboNode *n;
} lnode;

typedef struct lsel {
	pqx_sel *sel;
} lsel;

static pqx_limits g_limits = {
	PQX_DEFAULT_MAX_BYTES, PQX_DEFAULT_MAX_DEPTH, PQX_DEFAULT_MAX_PARSE_MEMORY, PQX_DEFAULT_MAX_ERRORS,
	PQX_DEFAULT_MAX_ATTRIBUTES, PQX_DEFAULT_MAX_ATTRIBUTE_BYTES,
};

static const char SELCACHE_KEY = 's'; /* registry: css string -> Selector */

void pqx_doc_set_limits(const pqx_limits *lim)
{
	g_limits = *lim;
}

/* ---- documents ---------------------------------------------------------- */

void pqx_push_document(lua_State *L, pqx_document *d, const char *path)
{
	ldoc *ud = lua_newuserdatauv(L, sizeof *ud, 1);
	memset(ud, 0, sizeof *ud);
	luaL_setmetatable(L, PQX_DOCUMENT_MT);
	ud->d = *d;
	ud->path = path ? strdup(path) : NULL;
	/* user value: node cache, weak values */
	lua_newtable(L);
	lua_newtable(L);
	lua_pushliteral(L, "v");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_setiuservalue(L, -2, 1);
}

static void doc_release(ldoc *d)
{
	if (!d->closed) {
		pqx_document_free(&d->d);
		d->closed = 1;
	}
}

void pqx_close_document(lua_State *L, int idx)
{
	ldoc *d = luaL_checkudata(L, idx, PQX_DOCUMENT_MT);
	doc_release(d);
}

static int doc_gc(lua_State *L)
{
	ldoc *d = luaL_checkudata(L, 1, PQX_DOCUMENT_MT);
	doc_release(d);
	free(d->path);
	free(d->url);
	free(d->fallback);
	free(d->base);
	d->path = d->url = d->fallback = d->base = NULL;
	return 0;
}

static int doc_close(lua_State *L)
{
	ENTER(L);
	ldoc *d = luaL_checkudata(L, 1, PQX_DOCUMENT_MT);
	doc_release(d);
	return 0;
}

/* ---- nodes ---------------------------------------------------------------- */

void pqx_push_node(lua_State *L, int doc_idx, const GumboNode *n)
{
	if (!n) {
		lua_pushnil(L);
		return;
	}
	doc_idx = lua_absindex(L, doc_idx);
	lua_getiuservalue(L, doc_idx, 1);
	if (lua_rawgetp(L, -1, n) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	lnode *ud = lua_newuserdatauv(L, sizeof *ud, 1);
	ud->doc = lua_touserdata(L, doc_idx);
	ud->n = n;
	luaL_setmetatable(L, PQX_NODE_MT);
	lua_pushvalue(L, doc_idx);
	lua_setiuservalue(L, -2, 1);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, n);
	lua_remove(L, -2);
}

/* Accepts a Node or a Document (its document node); raises otherwise. */
static const GumboNode *check_node(lua_State *L, int idx)
{
	lnode *ud = luaL_testudata(L, idx, PQX_NODE_MT);
	if (ud) {
		if (ud->doc->closed)
			luaL_error(L, "node of a closed document");
		return ud->n;
	}
	ldoc *d = luaL_testudata(L, idx, PQX_DOCUMENT_MT);
	if (d) {
		if (d->closed)
			luaL_error(L, "document is closed");
		return d->d.out->document;
	}
	luaL_typeerror(L, idx, "node");
	return NULL;
}

const GumboNode *pqx_to_node(lua_State *L, int idx)
{
	lnode *ud = luaL_testudata(L, idx, PQX_NODE_MT);
	if (ud)
		return ud->doc->closed ? NULL : ud->n;
	ldoc *d = luaL_testudata(L, idx, PQX_DOCUMENT_MT);
	if (d && !d->closed)
		return d->d.out->document;
	return NULL;
}

pqx_document *pqx_to_document(lua_State *L, int idx)
{
	lnode *ud = luaL_testudata(L, idx, PQX_NODE_MT);
	ldoc *d = ud ? ud->doc : luaL_testudata(L, idx, PQX_DOCUMENT_MT);
	return d && !d->closed ? &d->d : NULL;
}

/* Pushes the Document a Node or Document at idx belongs to. */
static void push_owner(lua_State *L, int idx)
{
	if (luaL_testudata(L, idx, PQX_NODE_MT))
		lua_getiuservalue(L, idx, 1);
	else
		lua_pushvalue(L, idx);
}

static int is_element(const GumboNode *n)
{
	return n && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}

static const GumboVector *child_vector(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	if (is_element(n))
		return &n->v.element.children;
	return NULL;
}

static const char *node_type_name(const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT: return "document";
	case GUMBO_NODE_ELEMENT: return "element";
	case GUMBO_NODE_TEXT: return "text";
	case GUMBO_NODE_CDATA: return "cdata";
	case GUMBO_NODE_COMMENT: return "comment";
	case GUMBO_NODE_WHITESPACE: return "whitespace";
	case GUMBO_NODE_TEMPLATE: return "element";
	}
	return "unknown";
}

/* Lower-case tag name, including unknown (custom) elements. */
static void push_tag(lua_State *L, const GumboNode *n)
{
	const GumboElement *e = &n->v.element;
	if (e->tag != GUMBO_TAG_UNKNOWN) {
		lua_pushstring(L, gumbo_normalized_tagname(e->tag));
		return;
	}
	GumboStringPiece piece = e->original_tag;
	gumbo_tag_from_original_text(&piece);
	luaL_Buffer b;
	char *p = luaL_buffinitsize(L, &b, piece.length);
	for (size_t i = 0; i < piece.length; i++) {
		char c = piece.data[i];
		p[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	luaL_pushresultsize(&b, piece.length);
}

static GumboSourcePosition node_pos(const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		return n->v.element.start_pos;
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_CDATA:
	case GUMBO_NODE_COMMENT:
	case GUMBO_NODE_WHITESPACE:
		return n->v.text.start_pos;
	default:
		return kGumboEmptySourcePosition;
	}
}

static const GumboNode *element_parent(const GumboNode *n)
{
	const GumboNode *p = n->parent;
	return is_element(p) ? p : NULL;
}

static const GumboNode *sibling(const GumboNode *n, int dir, int elements_only)
{
	const GumboNode *p = n->parent;
	if (!p)
		return NULL;
	const GumboVector *v = child_vector(p);
	if (!v)
		return NULL;
	long i = (long)n->index_within_parent + dir;
	for (; i >= 0 && i < (long)v->length; i += dir) {
		const GumboNode *s = v->data[i];
		if (!elements_only || is_element(s))
			return s;
	}
	return NULL;
}

/* ---- lists ---------------------------------------------------------------- */

static void new_list(lua_State *L, int narr)
{
	lua_createtable(L, narr, 0);
	luaL_setmetatable(L, PQX_LIST_MT);
}

/* ---- selectors ------------------------------------------------------------ */

static int sel_gc(lua_State *L)
{
	lsel *s = luaL_checkudata(L, 1, PQX_SELECTOR_MT);
	pqx_sel_free(s->sel);
	s->sel = NULL;
	return 0;
}

/* Compiles (or finds in the cache) the selector given as a string or Selector at
 * idx; leaves nothing on the stack; the Selector stays alive in the cache or at idx. */
static pqx_sel *get_selector(lua_State *L, int idx)
{
	lsel *s = luaL_testudata(L, idx, PQX_SELECTOR_MT);
	if (s)
		return s->sel;
	size_t len;
	const char *css = luaL_checklstring(L, idx, &len);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SELCACHE_KEY);
	if (lua_getfield(L, -1, css) == LUA_TUSERDATA) {
		s = lua_touserdata(L, -1);
		lua_pop(L, 2);
		return s->sel;
	}
	lua_pop(L, 1);
	char err[512];
	pqx_sel *sel = pqx_sel_compile(css, len, err, sizeof err);
	if (!sel) {
		lua_pop(L, 1);
		luaL_error(L, "%s", err);
	}
	s = lua_newuserdatauv(L, sizeof *s, 0);
	s->sel = sel;
	luaL_setmetatable(L, PQX_SELECTOR_MT);
	pqx_cache_put(L, -2, css, len, SELECTOR_CACHE_MAX);
	lua_pop(L, 1);
	return sel;
}

void pqx_cache_put(lua_State *L, int cache_idx, const char *key, size_t keylen, int max)
{
	int cache = lua_absindex(L, cache_idx);
	lua_pushliteral(L, "#");
	lua_rawget(L, cache);
	lua_Integer count = lua_tointeger(L, -1);
	lua_pop(L, 1);
	if (count >= max) {
		/* assigning nil to existing fields is allowed during a traversal */
		lua_pushnil(L);
		while (lua_next(L, cache)) {
			lua_pop(L, 1);
			lua_pushvalue(L, -1);
			lua_pushnil(L);
			lua_rawset(L, cache);
		}
		count = 0;
	}
	lua_pushlstring(L, key, keylen);
	lua_insert(L, -2);
	lua_rawset(L, cache);
	lua_pushliteral(L, "#");
	lua_pushinteger(L, count + 1);
	lua_rawset(L, cache);
}

static int push_text(lua_State *L, const GumboNode *n, enum pqx_text_mode mode)
{
	if (n->type == GUMBO_NODE_COMMENT) {
		/* a comment's text is its content: pages hide records in comments */
		lua_pushstring(L, n->v.text.text);
		return 1;
	}
	pqx_buf b = PQX_BUF_INIT;
	int rc = pqx_text(n, mode, &b);
	if (rc != 0) {
		pqx_buf_free(&b);
		return luaL_error(L, "not enough memory for text");
	}
	lua_pushlstring(L, b.s ? b.s : "", b.len);
	pqx_buf_free(&b);
	return 1;
}

static void push_attr(lua_State *L, const GumboNode *n, const char *name)
{
	if (!is_element(n)) {
		lua_pushnil(L);
		return;
	}
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
	if (a)
		lua_pushstring(L, a->value);
	else
		lua_pushnil(L);
}

/* Runs selector sel below root; pushes a List of nodes, texts or attribute values. */
static void push_selection(lua_State *L, int self, pqx_sel *sel, const GumboNode *root, size_t limit)
{
	pqx_nodevec v = {0};
	if (pqx_sel_select(sel, root, limit, &v) != 0) {
		pqx_nodevec_free(&v);
		luaL_error(L, "not enough memory for the selection");
	}
	const char *attr = NULL;
	enum pqx_sel_output kind = pqx_sel_output(sel, &attr);
	push_owner(L, self);
	int doc = lua_gettop(L);
	new_list(L, (int)v.n);
	lua_Integer k = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (kind == PQX_SEL_TEXT) {
			push_text(L, v.v[i], PQX_TEXT_INNER);
		} else if (kind == PQX_SEL_ATTR) {
			push_attr(L, v.v[i], attr);
			if (lua_isnil(L, -1)) {
				lua_pop(L, 1);
				continue;
			}
		} else {
			pqx_push_node(L, doc, v.v[i]);
		}
		lua_rawseti(L, -2, ++k);
	}
	pqx_nodevec_free(&v);
	lua_remove(L, doc);
}

static const char *css_text(lua_State *L, int idx)
{
	if (lua_type(L, idx) == LUA_TSTRING)
		return lua_tostring(L, idx);
	return "(compiled selector)";
}

/* node:select(css [, {min=, max=}]) */
static int node_select(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = get_selector(L, 2);
	lua_Integer min = -1, max = -1;
	if (lua_istable(L, 3)) {
		if (lua_getfield(L, 3, "min") != LUA_TNIL)
			min = luaL_checkinteger(L, -1);
		if (lua_getfield(L, 3, "max") != LUA_TNIL)
			max = luaL_checkinteger(L, -1);
		lua_pop(L, 2);
	} else if (!lua_isnoneornil(L, 3)) {
		luaL_typeerror(L, 3, "table of options {min=, max=}");
	}
	push_selection(L, 1, sel, n, 0);
	lua_Integer got = (lua_Integer)lua_rawlen(L, -1);
	if (min >= 0 && got < min)
		return luaL_error(L, "selector \"%s\" matched %d element%s, expected at least %d",
		                  css_text(L, 2), (int)got, got == 1 ? "" : "s", (int)min);
	if (max >= 0 && got > max)
		return luaL_error(L, "selector \"%s\" matched %d elements, expected at most %d",
		                  css_text(L, 2), (int)got, (int)max);
	return 1;
}

/* node:select1(css): the first match or nil */
static int node_select1(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = get_selector(L, 2);
	push_selection(L, 1, sel, n, 1);
	lua_rawgeti(L, -1, 1);
	return 1;
}

/* node:one(css): exactly one match, else an error naming the selector and count */
static int node_one(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = get_selector(L, 2);
	push_selection(L, 1, sel, n, 0);
	lua_Integer got = (lua_Integer)lua_rawlen(L, -1);
	if (got != 1)
		return luaL_error(L, "selector \"%s\" matched %d elements, expected exactly 1",
		                  css_text(L, 2), (int)got);
	lua_rawgeti(L, -1, 1);
	return 1;
}

static int node_matches(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = get_selector(L, 2);
	lua_pushboolean(L, is_element(n) && pqx_sel_matches(sel, n, NULL));
	return 1;
}

static int node_closest(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = get_selector(L, 2);
	push_owner(L, 1);
	for (; is_element(n); n = n->parent) {
		if (pqx_sel_matches(sel, n, NULL)) {
			pqx_push_node(L, -1, n);
			return 1;
		}
	}
	lua_pushnil(L);
	return 1;
}

/* next_until / prev_until: siblings in that direction until one matches css
 * (excluded); prev_until lists nearest first. Without css: all of them. */
static int siblings_until(lua_State *L, int dir)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_sel *sel = lua_isnoneornil(L, 2) ? NULL : get_selector(L, 2);
	push_owner(L, 1);
	int doc = lua_gettop(L);
	new_list(L, 0);
	lua_Integer k = 0;
	for (const GumboNode *s = sibling(n, dir, 1); s; s = sibling(s, dir, 1)) {
		if (sel && pqx_sel_matches(sel, s, NULL))
			break;
		pqx_push_node(L, doc, s);
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

static int node_next_until(lua_State *L) { return siblings_until(L, 1); }
static int node_prev_until(lua_State *L) { return siblings_until(L, -1); }

static int sel_new(lua_State *L)
{
	ENTER(L);
	if (luaL_testudata(L, 1, PQX_SELECTOR_MT)) {
		lua_settop(L, 1);
		return 1;
	}
	get_selector(L, 1);
	/* return the cached userdata itself */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SELCACHE_KEY);
	lua_getfield(L, -1, lua_tostring(L, 1));
	return 1;
}

static int sel_select(lua_State *L)
{
	ENTER(L);
	lsel *s = luaL_checkudata(L, 1, PQX_SELECTOR_MT);
	const GumboNode *n = check_node(L, 2);
	push_selection(L, 2, s->sel, n, 0);
	return 1;
}

static int sel_matches(lua_State *L)
{
	ENTER(L);
	lsel *s = luaL_checkudata(L, 1, PQX_SELECTOR_MT);
	const GumboNode *n = check_node(L, 2);
	lua_pushboolean(L, is_element(n) && pqx_sel_matches(s->sel, n, NULL));
	return 1;
}

/* ---- node methods ------------------------------------------------------- */

static int node_attr(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	const char *name = luaL_checkstring(L, 2);
	/* HTML attribute names are lower case after parsing; match the caller's case too */
	luaL_Buffer b;
	size_t len = strlen(name);
	char *p = luaL_buffinitsize(L, &b, len);
	for (size_t i = 0; i < len; i++)
		p[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	luaL_pushresultsize(&b, len);
	push_attr(L, n, lua_tostring(L, -1));
	return 1;
}

static int node_attrs(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	lua_newtable(L);
	if (!is_element(n))
		return 1;
	const GumboVector *v = &n->v.element.attributes;
	for (unsigned i = 0; i < v->length; i++) {
		const GumboAttribute *a = v->data[i];
		lua_pushstring(L, a->value);
		lua_setfield(L, -2, a->name);
	}
	return 1;
}

static int node_has_class(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	size_t want_len;
	const char *want = luaL_checklstring(L, 2, &want_len);
	int found = 0;
	if (is_element(n) && want_len) {
		const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, "class");
		const char *p = a ? a->value : "";
		while (*p && !found) {
			while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
				p++;
			const char *s = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\f')
				p++;
			found = (size_t)(p - s) == want_len && memcmp(s, want, want_len) == 0;
		}
	}
	lua_pushboolean(L, found);
	return 1;
}

static int node_parent(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	pqx_push_node(L, -1, element_parent(n));
	return 1;
}

static int node_parent_node(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	pqx_push_node(L, -1, n->parent);
	return 1;
}

static int list_children(lua_State *L, int elements_only)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	int doc = lua_gettop(L);
	const GumboVector *v = child_vector(n);
	new_list(L, v ? (int)v->length : 0);
	lua_Integer k = 0;
	for (unsigned i = 0; v && i < v->length; i++) {
		const GumboNode *c = v->data[i];
		if (elements_only && !is_element(c))
			continue;
		pqx_push_node(L, doc, c);
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

static int node_children(lua_State *L) { return list_children(L, 1); }
static int node_child_nodes(lua_State *L) { return list_children(L, 0); }

static int push_sibling(lua_State *L, int dir, int elements_only)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	pqx_push_node(L, -1, sibling(n, dir, elements_only));
	return 1;
}

static int node_next(lua_State *L) { return push_sibling(L, 1, 1); }
static int node_prev(lua_State *L) { return push_sibling(L, -1, 1); }
static int node_next_node(lua_State *L) { return push_sibling(L, 1, 0); }
static int node_prev_node(lua_State *L) { return push_sibling(L, -1, 0); }

static int edge_child(lua_State *L, int last)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	const GumboVector *v = child_vector(n);
	const GumboNode *found = NULL;
	for (unsigned i = 0; v && i < v->length && !found; i++) {
		const GumboNode *c = v->data[last ? v->length - 1 - i : i];
		if (is_element(c))
			found = c;
	}
	pqx_push_node(L, -1, found);
	return 1;
}

static int node_first_child(lua_State *L) { return edge_child(L, 0); }
static int node_last_child(lua_State *L) { return edge_child(L, 1); }

static int node_ancestors(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	push_owner(L, 1);
	int doc = lua_gettop(L);
	new_list(L, 0);
	lua_Integer k = 0;
	for (const GumboNode *p = element_parent(n); p; p = element_parent(p)) {
		pqx_push_node(L, doc, p);
		lua_rawseti(L, -2, ++k);
	}
	return 1;
}

/* The node after n's subtree in document order, staying inside root's subtree
 * (NULL when n's subtree ends root's): the iterative walks' climb step. */
static const GumboNode *next_after_subtree(const GumboNode *n, const GumboNode *root)
{
	while (n != root) {
		const GumboVector *pv = child_vector(n->parent);
		if (n->index_within_parent + 1 < pv->length)
			return pv->data[n->index_within_parent + 1];
		n = n->parent;
	}
	return NULL;
}

/* document-order element descendants, iteratively */
static int node_descendants(lua_State *L)
{
	ENTER(L);
	const GumboNode *root = check_node(L, 1);
	push_owner(L, 1);
	int doc = lua_gettop(L);
	new_list(L, 0);
	lua_Integer k = 0;
	const GumboNode *n = root;
	for (;;) {
		const GumboVector *v = child_vector(n);
		if (v && v->length) {
			n = v->data[0];
		} else {
			n = next_after_subtree(n, root);
			if (!n)
				break;
		}
		if (is_element(n)) {
			pqx_push_node(L, doc, n);
			lua_rawseti(L, -2, ++k);
		}
	}
	return 1;
}

static int node_index(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	lua_Integer i = 1;
	for (const GumboNode *s = sibling(n, -1, 1); s; s = sibling(s, -1, 1))
		i++;
	lua_pushinteger(L, i);
	return 1;
}

/* ---- text options: node:text{hidden=, exclude=, superscripts=} ------------ */

typedef struct exclude_ctx {
	pqx_sel *sel;
	const GumboNode *scope;
} exclude_ctx;

static int exclude_match(const GumboNode *n, void *ud)
{
	exclude_ctx *x = ud;
	return pqx_sel_matches(x->sel, n, x->scope);
}

/* Reads the options table at idx into o (the selector is compiled once for the
 * call; it stays alive in the selector cache or in the options table). */
static void text_options(lua_State *L, int idx, const char *fn, const GumboNode *root,
                         pqx_text_opts *o, exclude_ctx *x)
{
	memset(o, 0, sizeof *o);
	if (lua_isnoneornil(L, idx))
		return;
	if (!lua_istable(L, idx))
		luaL_error(L, "%s: options must be a table {hidden=, exclude=, superscripts=}, not a %s", fn,
		           luaL_typename(L, idx));
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		if (k && (strcmp(k, "hidden") == 0 || strcmp(k, "superscripts") == 0)) {
			if (!lua_isboolean(L, -1))
				luaL_error(L, "%s: option '%s' must be true or false, not a %s", fn, k, luaL_typename(L, -1));
			if (k[0] == 'h')
				o->hidden = lua_toboolean(L, -1);
			else
				o->plain_scripts = !lua_toboolean(L, -1);
		} else if (k && strcmp(k, "exclude") == 0) {
			if (lua_type(L, -1) != LUA_TSTRING && !luaL_testudata(L, -1, PQX_SELECTOR_MT))
				luaL_error(L, "%s: option 'exclude' must be a selector, not a %s", fn, luaL_typename(L, -1));
			x->sel = get_selector(L, lua_gettop(L));
			if (pqx_sel_output(x->sel, NULL) != PQX_SEL_NODES)
				luaL_error(L, "%s: option 'exclude' must select elements, not ::text or ::attr()", fn);
			x->scope = root;
			o->exclude = exclude_match;
			o->exclude_ud = x;
		} else {
			luaL_error(L, "%s: unknown option '%s' (known: hidden, exclude, superscripts)", fn,
			           k ? k : luaL_typename(L, -2));
		}
		lua_pop(L, 1);
	}
}

static int text_with_options(lua_State *L, enum pqx_text_mode mode, const char *fn)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_text_opts o;
	exclude_ctx x = {NULL, NULL};
	text_options(L, 2, fn, n, &o, &x);
	if (n->type == GUMBO_NODE_COMMENT)
		return push_text(L, n, mode);
	pqx_buf b = PQX_BUF_INIT;
	if (pqx_text_ex(n, mode, &o, &b) != 0) {
		pqx_buf_free(&b);
		return luaL_error(L, "not enough memory for text");
	}
	lua_pushlstring(L, b.s ? b.s : "", b.len);
	pqx_buf_free(&b);
	return 1;
}

static int node_text(lua_State *L) { return text_with_options(L, PQX_TEXT_INNER, "node:text"); }
static int node_raw_text(lua_State *L) { ENTER(L); return push_text(L, check_node(L, 1), PQX_TEXT_RAW); }
static int node_own_text(lua_State *L) { return text_with_options(L, PQX_TEXT_OWN, "node:own_text"); }

static int push_html(lua_State *L, int outer)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	pqx_buf b = PQX_BUF_INIT;
	if (pqx_html(n, outer, &b) != 0) {
		pqx_buf_free(&b);
		return luaL_error(L, "not enough memory for html");
	}
	lua_pushlstring(L, b.s ? b.s : "", b.len);
	pqx_buf_free(&b);
	return 1;
}

static int node_inner_html(lua_State *L) { return push_html(L, 0); }
static int node_outer_html(lua_State *L) { return push_html(L, 1); }

static int node_document(lua_State *L)
{
	ENTER(L);
	check_node(L, 1);
	push_owner(L, 1);
	return 1;
}

/* properties: tag, type, line, col, offset */
static int node_property(lua_State *L, const GumboNode *n, const char *key)
{
	if (strcmp(key, "tag") == 0) {
		if (is_element(n))
			push_tag(L, n);
		else
			lua_pushnil(L);
		return 1;
	}
	if (strcmp(key, "type") == 0) {
		lua_pushstring(L, node_type_name(n));
		return 1;
	}
	GumboSourcePosition pos = node_pos(n);
	if (strcmp(key, "line") == 0) {
		if (pos.line) lua_pushinteger(L, pos.line); else lua_pushnil(L);
		return 1;
	}
	if (strcmp(key, "col") == 0) {
		if (pos.line) lua_pushinteger(L, pos.column); else lua_pushnil(L);
		return 1;
	}
	if (strcmp(key, "offset") == 0) {
		if (pos.line) lua_pushinteger(L, pos.offset); else lua_pushnil(L);
		return 1;
	}
	return 0;
}

static int node_index_mm(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	if (lua_type(L, 2) == LUA_TSTRING && node_property(L, n, lua_tostring(L, 2)))
		return 1;
	lua_getiuservalue(L, 1, 1);         /* keep doc alive while we look */
	luaL_getmetatable(L, PQX_NODE_MT);
	lua_getfield(L, -1, "methods");
	lua_pushvalue(L, 2);
	lua_rawget(L, -2);
	return 1;
}

static int node_tostring(lua_State *L)
{
	lnode *ud = luaL_checkudata(L, 1, PQX_NODE_MT);
	if (ud->doc->closed) {
		lua_pushliteral(L, "<node of a closed document>");
		return 1;
	}
	const GumboNode *n = ud->n;
	GumboSourcePosition pos = node_pos(n);
	if (is_element(n)) {
		luaL_Buffer b;
		luaL_buffinit(L, &b);
		luaL_addchar(&b, '<');
		push_tag(L, n);
		luaL_addvalue(&b);
		const GumboVector *v = &n->v.element.attributes;
		for (unsigned i = 0; i < v->length && i < 4; i++) {
			const GumboAttribute *a = v->data[i];
			lua_pushfstring(L, " %s=\"%s\"", a->name, a->value);
			luaL_addvalue(&b);
		}
		if (v->length > 4)
			luaL_addstring(&b, " ...");
		luaL_addchar(&b, '>');
		if (pos.line) {
			lua_pushfstring(L, " line %d:%d", (int)pos.line, (int)pos.column);
			luaL_addvalue(&b);
		}
		luaL_pushresult(&b);
	} else if (pos.line) {
		lua_pushfstring(L, "<%s node> line %d:%d", node_type_name(n), (int)pos.line, (int)pos.column);
	} else {
		lua_pushfstring(L, "<%s node>", node_type_name(n));
	}
	return 1;
}

/* ---- URLs ------------------------------------------------------------------- */

/* A browser writes the query of a link in its page's encoding (WHATWG URL
 * parser, "encoding" argument); windows-1252 is the legacy encoding of the sites
 * pqx reads. Other legacy encodings get UTF-8, as their servers mostly accept. */
static unsigned url_flags(const ldoc *d)
{
	return !d->closed && strcmp(d->d.text.encoding, "windows-1252") == 0 ? PQX_URL_QUERY_W1252 : 0;
}

/* The resolved URL as a malloc'd string; NULL with *rc = PQX_URL_NO_BASE or OOM. */
static char *resolve_dup(const char *base, const char *ref, size_t reflen, unsigned flags, int *rc)
{
	pqx_buf b = PQX_BUF_INIT;
	*rc = pqx_url_resolve(base, base ? strlen(base) : 0, ref, reflen, flags, &b);
	if (*rc != PQX_URL_OK) {
		pqx_buf_free(&b);
		return NULL;
	}
	pqx_buf_cstr(&b);
	if (b.oom) {
		*rc = PQX_URL_OOM;
		pqx_buf_free(&b);
		return NULL;
	}
	return b.s; /* the buffer's bytes, NUL-terminated, are the string */
}

static int set_doc_url(lua_State *L, int idx, const char *url, int fallback)
{
	ldoc *d = luaL_checkudata(L, idx, PQX_DOCUMENT_MT);
	char *u = NULL;
	if (url) {
		int rc;
		if (!pqx_url_is_absolute(url, strlen(url)))
			return -1;
		u = resolve_dup(NULL, url, strlen(url), 0, &rc);
		if (!u)
			return -1;
	}
	char **slot = fallback ? &d->fallback : &d->url;
	free(*slot);
	*slot = u;
	free(d->base);
	d->base = NULL;
	d->base_done = 0;
	return 0;
}

int pqx_doc_set_url(lua_State *L, int idx, const char *url) { return set_doc_url(L, idx, url, 0); }
int pqx_doc_set_fallback_base(lua_State *L, int idx, const char *base) { return set_doc_url(L, idx, base, 1); }

/* href of the first <base href> in tree order (HTML: "the document base URL") */
static const char *find_base_href(const GumboNode *root)
{
	const GumboNode *n = root;
	for (;;) {
		if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_BASE) {
			const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, "href");
			if (a)
				return a->value;
		}
		const GumboVector *v = child_vector(n);
		if (v && v->length) {
			n = v->data[0];
			continue;
		}
		n = next_after_subtree(n, root);
		if (!n)
			return NULL;
	}
}

/* doc.base_url: <base href> resolved against the page's URL (or the script's
 * base_url), else the page's URL, else the script's base_url, else NULL.
 * Raises only when out of memory. */
static const char *doc_base(lua_State *L, ldoc *d)
{
	if (d->base_done || d->closed)
		return d->base;
	const char *fallback = d->url ? d->url : d->fallback;
	const char *href = find_base_href(d->d.out->document);
	char *b = NULL;
	int rc = PQX_URL_OK;
	if (href) {
		b = resolve_dup(fallback, href, strlen(href), url_flags(d), &rc);
		if (b && strncmp(b, "javascript:", 11) == 0) {
			free(b);
			b = NULL;
		}
	}
	if (!b && rc != PQX_URL_OOM && fallback && !(b = strdup(fallback)))
		rc = PQX_URL_OOM;
	if (rc == PQX_URL_OOM) {
		luaL_error(L, "not enough memory for the base URL");
		return NULL;
	}
	d->base = b;
	d->base_done = 1;
	return b;
}

/* the attribute node:url reads when none is named */
static const char *url_attr_default(const GumboNode *n)
{
	switch (n->v.element.tag) {
	case GUMBO_TAG_IMG: case GUMBO_TAG_SCRIPT: case GUMBO_TAG_IFRAME: case GUMBO_TAG_FRAME:
	case GUMBO_TAG_SOURCE: case GUMBO_TAG_EMBED: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
	case GUMBO_TAG_TRACK: case GUMBO_TAG_INPUT:
		return "src";
	case GUMBO_TAG_FORM:
		return "action";
	case GUMBO_TAG_OBJECT:
		return "data";
	default:
		return "href";
	}
}

/* node:url([name]): the attribute as an absolute URL, nil when absent or blank */
static int node_url(lua_State *L)
{
	ENTER(L);
	const GumboNode *n = check_node(L, 1);
	lnode *ud = luaL_testudata(L, 1, PQX_NODE_MT);
	ldoc *d = ud ? ud->doc : luaL_checkudata(L, 1, PQX_DOCUMENT_MT);
	if (!is_element(n)) {
		lua_pushnil(L);
		return 1;
	}
	const char *name = lua_isnoneornil(L, 2) ? url_attr_default(n) : luaL_checkstring(L, 2);
	char lname[64];
	size_t len = strlen(name);
	if (len >= sizeof lname)
		return luaL_argerror(L, 2, "attribute name too long");
	for (size_t i = 0; i <= len; i++)
		lname[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, lname);
	const char *v = a ? a->value : "";
	const char *p = v;
	while (*p && (unsigned char)*p <= 0x20)
		p++;
	if (!*p) {
		lua_pushnil(L);
		return 1;
	}
	const char *base = doc_base(L, d);
	pqx_buf b = PQX_BUF_INIT;
	int rc = pqx_url_resolve(base, base ? strlen(base) : 0, v, strlen(v), url_flags(d), &b);
	if (rc == PQX_URL_OK)
		lua_pushlstring(L, pqx_buf_cstr(&b), b.len);
	pqx_buf_free(&b);
	if (rc == PQX_URL_NO_BASE)
		return luaL_error(L, "node:url: no base URL for a relative link \"%s\" (give --base-url or "
		                  "set base_url in the script)", v);
	if (rc != PQX_URL_OK)
		return luaL_error(L, "not enough memory for a URL");
	return 1;
}

/* pqx.url.resolve(base, ref): base may be nil; nil, message when ref is relative
 * and base is not an absolute URL */
static int core_url_resolve(lua_State *L)
{
	ENTER(L);
	if (!lua_isnil(L, 1) && lua_type(L, 1) != LUA_TSTRING)
		return luaL_error(L, "pqx.url.resolve: base must be a string or nil, not a %s", luaL_typename(L, 1));
	if (lua_type(L, 2) != LUA_TSTRING)
		return luaL_error(L, "pqx.url.resolve: ref must be a string, not a %s", luaL_typename(L, 2));
	size_t bl = 0, rl;
	const char *base = lua_isnil(L, 1) ? NULL : lua_tolstring(L, 1, &bl);
	const char *ref = lua_tolstring(L, 2, &rl);
	pqx_buf b = PQX_BUF_INIT;
	int rc = pqx_url_resolve(base, bl, ref, rl, 0, &b);
	if (rc == PQX_URL_OK)
		lua_pushlstring(L, pqx_buf_cstr(&b), b.len);
	pqx_buf_free(&b);
	if (rc == PQX_URL_OK)
		return 1;
	if (rc != PQX_URL_NO_BASE)
		return luaL_error(L, "not enough memory for a URL");
	lua_pushnil(L);
	if (base)
		lua_pushfstring(L, "relative URL \"%s\" needs an absolute base URL, not \"%s\"", ref, base);
	else
		lua_pushfstring(L, "relative URL \"%s\" needs a base URL", ref);
	return 2;
}

/* ---- document properties -------------------------------------------------- */

static const GumboNode *find_child_tag(const GumboNode *n, GumboTag tag)
{
	const GumboVector *v = n ? child_vector(n) : NULL;
	for (unsigned i = 0; v && i < v->length; i++) {
		const GumboNode *c = v->data[i];
		if (c->type == GUMBO_NODE_ELEMENT && c->v.element.tag == tag)
			return c;
	}
	return NULL;
}

static int doc_index_mm(lua_State *L)
{
	ENTER(L);
	ldoc *d = luaL_checkudata(L, 1, PQX_DOCUMENT_MT);
	const char *key = lua_tostring(L, 2);
	if (key && strcmp(key, "closed") == 0) {
		lua_pushboolean(L, d->closed);
		return 1;
	}
	if (key && strcmp(key, "path") == 0) {
		if (d->path) lua_pushstring(L, d->path); else lua_pushnil(L);
		return 1;
	}
	if (key && strcmp(key, "url") == 0) {
		if (d->url) lua_pushstring(L, d->url); else lua_pushnil(L);
		return 1;
	}
	if (key && strcmp(key, "base_url") == 0 && !d->closed) {
		const char *b = doc_base(L, d);
		if (b) lua_pushstring(L, b); else lua_pushnil(L);
		return 1;
	}
	if (key && !d->closed) {
		const GumboOutput *o = d->d.out;
		if (strcmp(key, "root") == 0) {
			pqx_push_node(L, 1, o->root);
			return 1;
		}
		if (strcmp(key, "body") == 0) {
			pqx_push_node(L, 1, find_child_tag(o->root, GUMBO_TAG_BODY));
			return 1;
		}
		if (strcmp(key, "head") == 0) {
			pqx_push_node(L, 1, find_child_tag(o->root, GUMBO_TAG_HEAD));
			return 1;
		}
		if (strcmp(key, "node") == 0) {
			pqx_push_node(L, 1, o->document);
			return 1;
		}
		if (strcmp(key, "encoding") == 0) {
			lua_pushstring(L, d->d.text.encoding);
			return 1;
		}
		if (strcmp(key, "encoding_source") == 0) {
			lua_pushstring(L, d->d.text.source ? d->d.text.source : "");
			return 1;
		}
		if (strcmp(key, "encoding_warning") == 0) {
			if (d->d.text.warning[0]) lua_pushstring(L, d->d.text.warning); else lua_pushnil(L);
			return 1;
		}
		if (strcmp(key, "replaced") == 0) {
			lua_pushinteger(L, (lua_Integer)d->d.text.replaced);
			return 1;
		}
		if (strcmp(key, "fallback_bytes") == 0) {
			lua_pushinteger(L, (lua_Integer)d->d.text.fallback_bytes);
			return 1;
		}
		if (strcmp(key, "double_encoded") == 0) {
			lua_pushinteger(L, (lua_Integer)d->d.text.double_encoded);
			return 1;
		}
		if (strcmp(key, "parse_errors") == 0) {
			lua_pushinteger(L, (lua_Integer)d->d.parse_errors);
			return 1;
		}
		if (strcmp(key, "bytes") == 0) {
			lua_pushinteger(L, (lua_Integer)d->d.raw_bytes);
			return 1;
		}
		if (strcmp(key, "fragment") == 0) {
			if (d->d.fragment) lua_pushstring(L, d->d.fragment); else lua_pushnil(L);
			return 1;
		}
	}
	luaL_getmetatable(L, PQX_DOCUMENT_MT);
	lua_getfield(L, -1, "methods");
	lua_pushvalue(L, 2);
	lua_rawget(L, -2);
	if (lua_isnil(L, -1) && d->closed && key)
		return luaL_error(L, "document is closed");
	return 1;
}

static int doc_tostring(lua_State *L)
{
	ldoc *d = luaL_checkudata(L, 1, PQX_DOCUMENT_MT);
	lua_pushfstring(L, "<document %s%s>", d->path ? d->path : "(string)", d->closed ? " closed" : "");
	return 1;
}

/* pqx.parse(html [, {encoding=, path=, url=, base_url=}]): a Document from a string */
static int core_parse(lua_State *L)
{
	ENTER(L);
	size_t len;
	const char *html = luaL_checklstring(L, 1, &len);
	const char *enc = NULL, *path = NULL, *url = NULL, *base_url = NULL;
	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "encoding");
		enc = lua_tostring(L, -1);
		lua_getfield(L, 2, "path");
		path = lua_tostring(L, -1);
		lua_getfield(L, 2, "url");
		url = lua_tostring(L, -1);
		lua_getfield(L, 2, "base_url");
		base_url = lua_tostring(L, -1);
		if (url && !pqx_url_is_absolute(url, strlen(url)))
			return luaL_error(L, "pqx.parse: url \"%s\" is not an absolute URL", url);
		if (base_url && !pqx_url_is_absolute(base_url, strlen(base_url)))
			return luaL_error(L, "pqx.parse: base_url \"%s\" is not an absolute URL", base_url);
	}
	pqx_document d;
	char err[512];
	enum pqx_parse_status st = pqx_parse(&d, (const unsigned char *)html, len, enc, &g_limits,
	                                     err, sizeof err);
	if (st != PQX_PARSE_OK) {
		pqx_document_free(&d);
		lua_pushnil(L);
		lua_pushstring(L, err);
		return 2;
	}
	pqx_push_document(L, &d, path);
	if (pqx_doc_set_url(L, -1, url) != 0 || pqx_doc_set_fallback_base(L, -1, base_url) != 0)
		return luaL_error(L, "not enough memory for the URL");
	return 1;
}

static int core_json(lua_State *L)
{
	ENTER(L);
	int pretty = lua_toboolean(L, 2);
	pqx_buf out = PQX_BUF_INIT, err = PQX_BUF_INIT;
	if (pqx_json_encode(L, 1, pretty, &out, &err) != 0) {
		lua_pushstring(L, pqx_buf_cstr(&err));
		pqx_buf_free(&out);
		pqx_buf_free(&err);
		return lua_error(L);
	}
	lua_pushlstring(L, out.s ? out.s : "", out.len);
	pqx_buf_free(&out);
	pqx_buf_free(&err);
	return 1;
}

static int core_json_decode(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	pqx_buf err = PQX_BUF_INIT;
	if (pqx_json_decode(L, s, len, &err) != 0) {
		lua_pushnil(L);
		lua_pushstring(L, pqx_buf_cstr(&err));
		pqx_buf_free(&err);
		return 2;
	}
	return 1;
}

static int core_squish(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	pqx_buf b = PQX_BUF_INIT;
	pqx_text_squish(s, len, &b);
	lua_pushlstring(L, b.s ? b.s : "", b.len);
	pqx_buf_free(&b);
	return 1;
}

/* squish_lines(s [, keep_empty]): the lines of s, each squished, in a plain
 * table. "\r\n" and a lone "\r" end a line as "\n" does; a text of n line ends
 * has n + 1 lines. Empty lines (after squishing) are left out unless
 * keep_empty. It is what pqx.text.lines and pqx.parts did with
 * gsub("\r\n?", "\n"), gmatch("([^\n]*)\n") and squish per line, in one pass:
 * Lua's pattern matcher costs tens of instructions per byte there, and every
 * paragraph of every record went through it. */
static int core_squish_lines(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	int keep_empty = lua_toboolean(L, 2);
	lua_newtable(L);
	pqx_buf b = PQX_BUF_INIT;
	lua_Integer k = 0;
	size_t i = 0;
	for (;;) {
		size_t j = i;
		while (j < len && s[j] != '\n' && s[j] != '\r')
			j++;
		b.len = 0;
		if (pqx_text_squish(s + i, j - i, &b) != 0) {
			pqx_buf_free(&b);
			return luaL_error(L, "not enough memory for text");
		}
		if (b.len || keep_empty) {
			lua_pushlstring(L, b.s ? b.s : "", b.len);
			lua_rawseti(L, -2, ++k);
		}
		if (j == len)
			break;
		i = j + 1 + (s[j] == '\r' && j + 1 < len && s[j + 1] == '\n');
	}
	pqx_buf_free(&b);
	return 1;
}

/* list_marker(line): the list marker at the start of line as pqx.parts reads it:
 * shape ("(x)", "x.", "x)" or "x°"), label, and the rest of the line trimmed; or
 * nil. A marker is "(" label ")", label "." or ")", or digits then "°" or "º";
 * the label is one to three digits, or lowercase letters only, or capitals only;
 * the rest is empty or starts with ASCII white space. The same as the three
 * string.match calls and checks it replaces in parts.lua (held equal to them by
 * tests/lua/test_parts.lua), which ran for every line of every list and cost
 * more than the rest of pqx.parts together. */
static int is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int core_list_marker(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const unsigned char *u = (const unsigned char *)s;
	size_t ls, le, rest; /* label [ls, le), rest from rest */
	const char *shape;
	size_t i = 0;
	if (len > 0 && s[0] == '(') {
		for (i = 1; i < len && is_ascii_alnum(u[i]); i++)
			;
		if (i == 1 || i == len || s[i] != ')')
			return 0;
		ls = 1, le = i, rest = i + 1, shape = "(x)";
	} else {
		for (i = 0; i < len && is_ascii_alnum(u[i]); i++)
			;
		if (i == 0)
			return 0;
		if (i < len && (s[i] == '.' || s[i] == ')')) {
			ls = 0, le = i, rest = i + 1, shape = s[i] == '.' ? "x." : "x)";
		} else {
			size_t d = 0;
			while (d < len && u[d] >= '0' && u[d] <= '9')
				d++;
			if (d == 0 || d + 1 >= len || u[d] != 0xC2 || (u[d + 1] != 0xB0 && u[d + 1] != 0xBA))
				return 0;
			ls = 0, le = d, rest = d + 2, shape = "x\xC2\xB0";
		}
	}
	if (rest < len && !(s[rest] == ' ' || (s[rest] >= '\t' && s[rest] <= '\r')))
		return 0;
	size_t n = le - ls, digits = 0, lower = 0, upper = 0;
	for (size_t k = ls; k < le; k++) {
		digits += u[k] >= '0' && u[k] <= '9';
		lower += u[k] >= 'a' && u[k] <= 'z';
		upper += u[k] >= 'A' && u[k] <= 'Z';
	}
	if (!((digits == n && n <= 3) || lower == n || upper == n))
		return 0;
	size_t ts, tn;
	pqx_text_trim(s + rest, len - rest, &ts, &tn);
	lua_pushstring(L, shape);
	lua_pushlstring(L, s + ls, n);
	lua_pushlstring(L, s + rest + ts, tn);
	return 3;
}

static int core_trim(lua_State *L)
{
	size_t len, start, n;
	const char *s = luaL_checklstring(L, 1, &len);
	pqx_text_trim(s, len, &start, &n);
	if (n == len)
		lua_settop(L, 1); /* nothing to cut: the same string, no copy */
	else
		lua_pushlstring(L, s + start, n);
	return 1;
}

/* fold_case(s): Unicode simple case folding (casefold.h), the one folding
 * behind :pqx-contains(... i), the REPL's .find and pqx.text.fold_case. */
static int core_fold_case(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	pqx_buf b = PQX_BUF_INIT;
	if (pqx_casefold(s, len, &b) != 0) {
		pqx_buf_free(&b);
		return luaL_error(L, "fold_case: out of memory");
	}
	lua_pushlstring(L, b.s ? b.s : "", b.len);
	pqx_buf_free(&b);
	return 1;
}

static int core_list(lua_State *L)
{
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	luaL_setmetatable(L, PQX_LIST_MT);
	return 1;
}

static int core_is_node(lua_State *L)
{
	lua_pushboolean(L, luaL_testudata(L, 1, PQX_NODE_MT) != NULL);
	return 1;
}

static int core_is_document(lua_State *L)
{
	lua_pushboolean(L, luaL_testudata(L, 1, PQX_DOCUMENT_MT) != NULL);
	return 1;
}

int pqx_open_re(lua_State *L); /* re.c */

static const luaL_Reg node_methods[] = {
	{"attr", node_attr}, {"attrs", node_attrs}, {"has_class", node_has_class},
	{"parent", node_parent}, {"parent_node", node_parent_node},
	{"children", node_children}, {"child_nodes", node_child_nodes},
	{"next", node_next}, {"prev", node_prev}, {"next_node", node_next_node},
	{"prev_node", node_prev_node}, {"first_child", node_first_child},
	{"last_child", node_last_child}, {"ancestors", node_ancestors},
	{"descendants", node_descendants}, {"index", node_index},
	{"closest", node_closest}, {"next_until", node_next_until}, {"prev_until", node_prev_until},
	{"text", node_text}, {"raw_text", node_raw_text}, {"own_text", node_own_text},
	{"inner_html", node_inner_html}, {"outer_html", node_outer_html},
	{"select", node_select}, {"select1", node_select1}, {"one", node_one},
	{"matches", node_matches}, {"document", node_document}, {"url", node_url},
	{NULL, NULL},
};

static const luaL_Reg doc_methods[] = {
	{"close", doc_close},
	{"select", node_select}, {"select1", node_select1}, {"one", node_one},
	{"text", node_text}, {"raw_text", node_raw_text},
	{"inner_html", node_inner_html}, {"outer_html", node_outer_html},
	{"children", node_children}, {"child_nodes", node_child_nodes},
	{"descendants", node_descendants},
	{NULL, NULL},
};

void pqx_protect_metatable(lua_State *L, const char *tname)
{
	/* getmetatable() on a pqx value returns a description ({__name, and for
	 * Selector, Regex and List a copy of the methods as __index}), never the
	 * metatable itself: a script must not reach __gc (calling it frees the
	 * object under the next use) or change what every other value does. */
	luaL_getmetatable(L, tname);
	int mt = lua_gettop(L);
	lua_createtable(L, 0, 2);
	lua_pushstring(L, tname);
	lua_setfield(L, -2, "__name");
	if (lua_getfield(L, mt, "__index") == LUA_TTABLE) {
		lua_newtable(L);
		lua_pushnil(L);
		while (lua_next(L, -3)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);
		}
		lua_setfield(L, -3, "__index");
	}
	lua_pop(L, 1);
	lua_setfield(L, mt, "__metatable");
	lua_pop(L, 1);
}

int pqx_open_core(lua_State *L)
{
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &SELCACHE_KEY);

	luaL_newmetatable(L, PQX_NODE_MT);
	lua_pushcfunction(L, node_index_mm);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, node_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pushliteral(L, "pqx.Node");
	lua_setfield(L, -2, "__name");
	luaL_newlib(L, node_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	luaL_newmetatable(L, PQX_DOCUMENT_MT);
	lua_pushcfunction(L, doc_index_mm);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, doc_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushcfunction(L, doc_tostring);
	lua_setfield(L, -2, "__tostring");
	luaL_newlib(L, doc_methods);
	lua_setfield(L, -2, "methods");
	lua_pop(L, 1);

	luaL_newmetatable(L, PQX_SELECTOR_MT);
	lua_pushcfunction(L, sel_gc);
	lua_setfield(L, -2, "__gc");
	lua_newtable(L);
	lua_pushcfunction(L, sel_select);
	lua_setfield(L, -2, "select");
	lua_pushcfunction(L, sel_matches);
	lua_setfield(L, -2, "matches");
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	luaL_newmetatable(L, PQX_LIST_MT);
	lua_newtable(L);
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);

	lua_newtable(L);
	static const luaL_Reg fns[] = {
		{"parse", core_parse}, {"selector", sel_new}, {"json", core_json}, {"json_decode", core_json_decode},
		{"squish", core_squish}, {"squish_lines", core_squish_lines}, {"list_marker", core_list_marker}, {"trim", core_trim}, {"fold_case", core_fold_case}, {"list", core_list}, {"is_node", core_is_node}, {"is_document", core_is_document},
		{NULL, NULL},
	};
	luaL_setfuncs(L, fns, 0);
	lua_pushstring(L, PQX_VERSION);
	lua_setfield(L, -2, "VERSION");
	luaL_getmetatable(L, PQX_NODE_MT);
	lua_getfield(L, -1, "methods");
	lua_setfield(L, -3, "node_methods");
	lua_pop(L, 1);
	luaL_getmetatable(L, PQX_DOCUMENT_MT);
	lua_getfield(L, -1, "methods");
	lua_setfield(L, -3, "document_methods");
	lua_pop(L, 1);
	luaL_getmetatable(L, PQX_LIST_MT);
	lua_getfield(L, -1, "__index");
	lua_setfield(L, -3, "list_methods");
	lua_pop(L, 1);
	pqx_open_re(L);
	lua_setfield(L, -2, "re");
	lua_newtable(L);
	lua_pushcfunction(L, core_url_resolve);
	lua_setfield(L, -2, "resolve");
	lua_setfield(L, -2, "url");
	static const char *const mts[] = {PQX_NODE_MT, PQX_DOCUMENT_MT, PQX_SELECTOR_MT, PQX_LIST_MT,
	                                  "pqx.Regex", NULL};
	for (const char *const *m = mts; *m; m++)
		pqx_protect_metatable(L, *m);
	return 1;
}
