/*
 * repl.c: `pqx repl [SCRIPT] [PAGE]`, the interactive explorer (DESIGN section 9).
 * It owns the session: reading lines (libedit on a terminal, plain stdin
 * otherwise), telling complete chunks from incomplete ones, printing values as
 * short summaries, tab completion, the dot-commands, history and Ctrl-C.
 *
 * The session's own chunks run with the full Lua library and `_G` as their
 * environment. A loaded script is loaded by vm.c exactly as `pqx run` loads it
 * (sandboxed, strict globals), so what works here works there; `.run` goes
 * through page.c, so it arms the same budgets and gives the same records and
 * messages as `pqx run`. Nothing else in the session is budgeted.
 *
 * Never: exit on a Lua error or on Ctrl-C in a chunk; print prompts or escape
 * codes, or write the history file, when stdin is not a terminal; close a
 * document the user may still hold nodes of (a replaced `doc` is left to the
 * collector).
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <lauxlib.h>
#include <lualib.h>

#include "casefold.h"
#include "doc.h"
#include "page.h"
#include "text.h"
#include "warc.h"

#define PROMPT "pqx> "
#define PROMPT_MORE ">> "
#define HISTORY_FILE ".pqx_history"
#define HISTORY_MAX 1000

#define SHOW_TEXT 60        /* characters of a node's text in its summary */
#define SHOW_ATTRS 3        /* attributes in a node summary */
#define SHOW_ATTR_VALUE 40  /* characters of each attribute value */
#define SHOW_LIST 10        /* items shown of a list */
#define SHOW_ENTRIES 50     /* entries shown of a table */
#define SHOW_DEPTH 6        /* table nesting shown */
#define INLINE_WIDTH 72     /* a table fitting in this many bytes prints on one line */
#define FIND_MAX 20         /* matches .find lists */
#define TEXT_MAX 50         /* matches .text prints */

#define BUF_MT "pqx.repl.buf"

typedef struct repl {
	pqx_vm *vm;
	lua_State *L;
	pqx_common_opts opts;
	const char *script_path;   /* NULL: no script */
	int script_ref;            /* registry reference of the script table */
	int sort_ref;              /* table.sort as it was at start (the user may reassign `table`) */
	int interactive;
	int continuing;            /* inside an incomplete chunk (the completer must know) */
	int failed;                /* something failed: the exit status when not interactive */
	char *history;             /* NULL: no history file */
	char *fetched;             /* ctx.fetched of a page from a web archive, or NULL */
} repl;

static repl *g_repl; /* for the libedit completion callback, which has no user pointer */

/* ---- Ctrl-C ----------------------------------------------------------------- */

static volatile sig_atomic_t g_sigint;
static lua_State *volatile g_running; /* the state running a chunk, or NULL at the prompt */

static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	lua_sethook(L, NULL, 0, 0);
	luaL_error(L, "interrupted");
}

/* lua_sethook is the one Lua call that is safe from a signal handler: it only
 * stores the hook, and the interpreter raises the error at its next instruction. */
static void on_sigint(int sig)
{
	(void)sig;
	g_sigint = 1;
	lua_State *L = g_running;
	if (L)
		lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static void install_sigint(void (*handler)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: a read at the prompt must return so the line can be dropped */
	sa.sa_flags = 0;
	sigaction(SIGINT, &sa, NULL);
}

/* ---- output buffers that a Lua error cannot leak ------------------------------ */

static int buf_gc(lua_State *L)
{
	pqx_buf_free(luaL_checkudata(L, 1, BUF_MT));
	return 0;
}

static pqx_buf *push_buf(lua_State *L)
{
	pqx_buf *b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	luaL_setmetatable(L, BUF_MT);
	return b;
}

static void buf_truncate(pqx_buf *b, size_t len)
{
	b->len = len;
	if (b->s)
		b->s[len] = '\0';
}

static void put_out(pqx_buf *b)
{
	fwrite(b->s ? b->s : "", 1, b->len, stdout);
	fflush(stdout);
}

/* ---- nodes -------------------------------------------------------------------- */

static int is_element(const GumboNode *n)
{
	return n && (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE);
}

static const GumboVector *kids(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	if (is_element(n))
		return &n->v.element.children;
	return NULL;
}

/* The node after n in document order below root, or NULL: pages nest too deep
 * for recursion. */
static const GumboNode *walk_next(const GumboNode *root, const GumboNode *n)
{
	const GumboVector *v = kids(n);
	if (v && v->length)
		return v->data[0];
	while (n != root && n->parent) {
		const GumboVector *pv = kids(n->parent);
		if (pv && n->index_within_parent + 1 < pv->length)
			return pv->data[n->index_within_parent + 1];
		n = n->parent;
	}
	return NULL;
}

static void tag_name(const GumboNode *n, char *out, size_t outlen)
{
	const GumboElement *e = &n->v.element;
	if (e->tag != GUMBO_TAG_UNKNOWN) {
		snprintf(out, outlen, "%s", gumbo_normalized_tagname(e->tag));
		return;
	}
	GumboStringPiece p = e->original_tag;
	gumbo_tag_from_original_text(&p);
	size_t k = 0;
	for (size_t i = 0; i < p.length && k + 1 < outlen; i++) {
		char c = p.data[i];
		out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[k] = '\0';
}

static const char *attr_of(const GumboNode *n, const char *name)
{
	if (!is_element(n))
		return NULL;
	const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
	return a ? a->value : NULL;
}

/* Bytes of the first nchars UTF-8 characters of s. */
static size_t utf8_prefix(const char *s, size_t len, size_t nchars)
{
	size_t i = 0;
	while (i < len && nchars > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		nchars--;
	}
	return i;
}

static void add_clipped(pqx_buf *b, const char *s, size_t len, size_t nchars)
{
	size_t n = utf8_prefix(s, len, nchars);
	pqx_buf_add(b, s, n);
	if (n < len)
		pqx_buf_adds(b, "...");
}

/* <td class="x"> line 120:7 "the start of its text..." */
static void node_summary(const GumboNode *n, pqx_buf *b)
{
	GumboSourcePosition pos = kGumboEmptySourcePosition;
	if (n->type == GUMBO_NODE_DOCUMENT) {
		pqx_buf_adds(b, "<document node>");
	} else if (is_element(n)) {
		char tag[64];
		tag_name(n, tag, sizeof tag);
		pqx_buf_addf(b, "<%s", tag);
		const GumboVector *v = &n->v.element.attributes;
		for (unsigned i = 0; i < v->length && i < SHOW_ATTRS; i++) {
			const GumboAttribute *a = v->data[i];
			pqx_buf_addf(b, " %s=\"", a->name);
			add_clipped(b, a->value, strlen(a->value), SHOW_ATTR_VALUE);
			pqx_buf_addc(b, '"');
		}
		if (v->length > SHOW_ATTRS)
			pqx_buf_adds(b, " ...");
		pqx_buf_addc(b, '>');
		pos = n->v.element.start_pos;
	} else {
		static const char *const names[] = {"document", "element", "text", "cdata",
		                                    "comment", "whitespace", "element"};
		pqx_buf_addf(b, "<%s node>", (unsigned)n->type < 7 ? names[n->type] : "unknown");
		pos = n->v.text.start_pos;
	}
	if (pos.line)
		pqx_buf_addf(b, " line %u:%u", pos.line, pos.column);
	pqx_buf raw = PQX_BUF_INIT, squished = PQX_BUF_INIT;
	if (n->type == GUMBO_NODE_COMMENT || n->type == GUMBO_NODE_WHITESPACE)
		pqx_buf_adds(&raw, n->v.text.text);
	else
		pqx_text(n, PQX_TEXT_INNER, &raw);
	pqx_text_squish(raw.s ? raw.s : "", raw.len, &squished);
	if (squished.len) {
		pqx_buf_adds(b, " \"");
		add_clipped(b, squished.s, squished.len, SHOW_TEXT);
		pqx_buf_addc(b, '"');
	}
	pqx_buf_free(&raw);
	pqx_buf_free(&squished);
}

/* ---- values ------------------------------------------------------------------- */

static int is_keyword(const char *s)
{
	static const char *const kw[] = {
		"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto",
		"if", "in", "local", "nil", "not", "or", "repeat", "return", "then", "true",
		"until", "while", NULL,
	};
	for (const char *const *k = kw; *k; k++)
		if (strcmp(*k, s) == 0)
			return 1;
	return 0;
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_identifier(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_name_char((unsigned char)s[i]))
			return 0;
	return strlen(s) == len && !is_keyword(s);
}

static void put_quoted(pqx_buf *b, const char *s, size_t len)
{
	pqx_buf_addc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': pqx_buf_adds(b, "\\\""); break;
		case '\\': pqx_buf_adds(b, "\\\\"); break;
		case '\n': pqx_buf_adds(b, "\\n"); break;
		case '\r': pqx_buf_adds(b, "\\r"); break;
		case '\t': pqx_buf_adds(b, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				pqx_buf_addf(b, "\\%u", c);
			else
				pqx_buf_addc(b, (char)c);
		}
	}
	pqx_buf_addc(b, '"');
}

static void indent_to(pqx_buf *b, int indent)
{
	for (int i = 0; i < indent; i++)
		pqx_buf_addc(b, ' ');
}

/* table.sort comparator for keys of mixed types: numbers, strings, booleans, the rest */
static int key_rank(int t)
{
	return t == LUA_TNUMBER ? 0 : t == LUA_TSTRING ? 1 : t == LUA_TBOOLEAN ? 2 : 3;
}

static int key_less(lua_State *L)
{
	int ta = lua_type(L, 1), tb = lua_type(L, 2);
	int less;
	if (ta != tb)
		less = key_rank(ta) != key_rank(tb) ? key_rank(ta) < key_rank(tb) : ta < tb;
	else if (ta == LUA_TNUMBER || ta == LUA_TSTRING)
		less = lua_compare(L, 1, 2, LUA_OPLT);
	else if (ta == LUA_TBOOLEAN)
		less = !lua_toboolean(L, 1) && lua_toboolean(L, 2);
	else
		less = (const char *)lua_topointer(L, 1) < (const char *)lua_topointer(L, 2);
	lua_pushboolean(L, less);
	return 1;
}

/* Pushes a sequence of t's keys: 1..n first, then the others sorted. Returns the
 * number of keys; *narr is n. */
static lua_Integer ordered_keys(lua_State *L, int t, lua_Integer *narr)
{
	t = lua_absindex(L, t);
	lua_newtable(L);
	int keys = lua_gettop(L);
	lua_Integer n = 0;
	while (lua_rawgeti(L, t, n + 1) != LUA_TNIL) {
		lua_pop(L, 1);
		n++;
		lua_pushinteger(L, n);
		lua_rawseti(L, keys, n);
	}
	lua_pop(L, 1);
	*narr = n;
	lua_newtable(L);
	int rest = lua_gettop(L);
	lua_Integer k = 0;
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (lua_isinteger(L, -1)) {
			lua_Integer i = lua_tointeger(L, -1);
			if (i >= 1 && i <= n)
				continue;
		}
		lua_pushvalue(L, -1);
		lua_rawseti(L, rest, ++k);
	}
	if (k > 1) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, g_repl->sort_ref);
		lua_pushvalue(L, rest);
		lua_pushcfunction(L, key_less);
		lua_call(L, 2, 0);
	}
	for (lua_Integer i = 1; i <= k; i++) {
		lua_rawgeti(L, rest, i);
		lua_rawseti(L, keys, n + i);
	}
	lua_pop(L, 1);
	return n + k;
}

static int put_value(lua_State *L, int idx, pqx_buf *b, int depth, int indent, size_t stop, int path);

static void put_key(lua_State *L, int idx, pqx_buf *b, int path)
{
	size_t len;
	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *s = lua_tolstring(L, idx, &len);
		if (is_identifier(s, len)) {
			pqx_buf_add(b, s, len);
			return;
		}
	}
	pqx_buf_addc(b, '[');
	put_value(L, idx, b, SHOW_DEPTH, 0, 0, path);
	pqx_buf_addc(b, ']');
}

/* Entries on one line ({1, 2, a = "x"}) when they fit in `stop` bytes, else
 * one entry per line. Returns -1 when an inline attempt overflows. */
static int put_table(lua_State *L, int t, pqx_buf *b, int depth, int indent, size_t stop, int path)
{
	if (luaL_getmetafield(L, t, "__tostring") != LUA_TNIL) {
		lua_pop(L, 1);
		size_t len;
		const char *s = luaL_tolstring(L, t, &len);
		pqx_buf_add(b, s, len);
		lua_pop(L, 1);
		return stop && b->len > stop ? -1 : 0;
	}
	lua_pushvalue(L, t);
	if (lua_rawget(L, path) != LUA_TNIL) {
		lua_pop(L, 1);
		pqx_buf_adds(b, "<cycle>");
		return stop && b->len > stop ? -1 : 0;
	}
	lua_pop(L, 1);
	lua_Integer narr;
	lua_Integer n = ordered_keys(L, t, &narr);
	int keys = lua_gettop(L);
	if (n == 0) {
		lua_pop(L, 1);
		pqx_buf_adds(b, "{}");
		return stop && b->len > stop ? -1 : 0;
	}
	if (depth >= SHOW_DEPTH) {
		lua_pop(L, 1);
		pqx_buf_adds(b, "{...}");
		return stop && b->len > stop ? -1 : 0;
	}
	lua_pushvalue(L, t);
	lua_pushboolean(L, 1);
	lua_rawset(L, path);
	int rc = 0;
	lua_Integer shown = n > SHOW_ENTRIES ? SHOW_ENTRIES : n;

	size_t mark = b->len;
	size_t my_stop = stop ? stop : mark + (INLINE_WIDTH > indent ? (size_t)(INLINE_WIDTH - indent) : 8);
	int fits = n <= SHOW_ENTRIES;
	if (fits) {
		pqx_buf_addc(b, '{');
		for (lua_Integer i = 1; i <= n && fits; i++) {
			if (i > 1)
				pqx_buf_adds(b, ", ");
			lua_rawgeti(L, keys, i);
			if (i > narr) {
				put_key(L, -1, b, path);
				pqx_buf_adds(b, " = ");
			}
			lua_pushvalue(L, -1);
			lua_rawget(L, t);
			fits = put_value(L, -1, b, depth + 1, 0, my_stop, path) == 0 && b->len <= my_stop;
			lua_pop(L, 2);
		}
		pqx_buf_addc(b, '}');
		fits = fits && b->len <= my_stop;
	}
	if (!fits && stop) {
		rc = -1;
	} else if (!fits) {
		buf_truncate(b, mark);
		pqx_buf_adds(b, "{\n");
		for (lua_Integer i = 1; i <= shown; i++) {
			indent_to(b, indent + 2);
			lua_rawgeti(L, keys, i);
			if (i > narr) {
				put_key(L, -1, b, path);
				pqx_buf_adds(b, " = ");
			}
			lua_pushvalue(L, -1);
			lua_rawget(L, t);
			put_value(L, -1, b, depth + 1, indent + 2, 0, path);
			lua_pop(L, 2);
			pqx_buf_adds(b, ",\n");
		}
		if (n > shown) {
			indent_to(b, indent + 2);
			pqx_buf_addf(b, "... (%lld more)\n", (long long)(n - shown));
		}
		indent_to(b, indent);
		pqx_buf_addc(b, '}');
	}
	lua_pushvalue(L, t);
	lua_pushnil(L);
	lua_rawset(L, path);
	lua_pop(L, 1);
	return rc;
}

static int put_value(lua_State *L, int idx, pqx_buf *b, int depth, int indent, size_t stop, int path)
{
	idx = lua_absindex(L, idx);
	size_t len;
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: {
		const char *s = lua_tolstring(L, idx, &len);
		put_quoted(b, s, len);
		break;
	}
	case LUA_TTABLE:
		return put_table(L, idx, b, depth, indent, stop, path);
	case LUA_TFUNCTION: {
		lua_Debug ar;
		lua_pushvalue(L, idx);
		lua_getinfo(L, ">S", &ar);
		if (strcmp(ar.what, "C") == 0)
			pqx_buf_adds(b, "function: builtin");
		else
			pqx_buf_addf(b, "function: %s:%d", ar.short_src, ar.linedefined);
		break;
	}
	case LUA_TUSERDATA:
		if (luaL_testudata(L, idx, PQX_NODE_MT) && pqx_to_node(L, idx)) {
			node_summary(pqx_to_node(L, idx), b);
			break;
		}
		/* fall through */
	default: {
		const char *s = luaL_tolstring(L, idx, &len);
		pqx_buf_add(b, s, len);
		lua_pop(L, 1);
	}
	}
	return stop && b->len > stop ? -1 : 0;
}

static int is_list(lua_State *L, int idx)
{
	if (!lua_istable(L, idx) || !lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, PQX_LIST_MT);
	int yes = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return yes;
}

/* A value as the answer to a chunk: strings raw (as lua.c prints them), lists
 * as a count and their first items, everything else as put_value shows it. */
static void put_result(lua_State *L, int idx, pqx_buf *b, int path)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		pqx_buf_add(b, s, len);
		return;
	}
	if (!is_list(L, idx)) {
		put_value(L, idx, b, 0, 0, 0, path);
		return;
	}
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
	pqx_buf_addf(b, "list of %lld", (long long)n);
	for (lua_Integer i = 1; i <= n && i <= SHOW_LIST; i++) {
		pqx_buf_addf(b, "\n  [%lld] ", (long long)i);
		lua_rawgeti(L, idx, i);
		put_value(L, -1, b, 1, 2, 0, path);
		lua_pop(L, 1);
	}
	if (n > SHOW_LIST)
		pqx_buf_addf(b, "\n  ... %lld more", (long long)(n - SHOW_LIST));
}

/* print_results(...): prints its arguments, tab-separated, on stdout */
static int l_print_results(lua_State *L)
{
	int n = lua_gettop(L);
	lua_newtable(L);
	int path = lua_gettop(L);
	pqx_buf *b = push_buf(L);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			pqx_buf_addc(b, '\t');
		put_result(L, i, b, path);
	}
	pqx_buf_addc(b, '\n');
	put_out(b);
	return 0;
}

/* ---- sessions state: doc, ctx, script ------------------------------------------ */

static void say_error(repl *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say_error(repl *r, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	r->failed = 1;
}

/* Pushes the global `doc` if it is an open Document; else says why and returns 0. */
static int push_doc(repl *r)
{
	lua_State *L = r->L;
	lua_getglobal(L, "doc");
	if (luaL_testudata(L, -1, PQX_DOCUMENT_MT) && pqx_to_document(L, -1))
		return 1;
	lua_pop(L, 1);
	say_error(r, "no document: start with `pqx repl PAGE`, or `.open PAGE`");
	return 0;
}

static int ctx_append(lua_State *L)
{
	if (lua_type(L, 1) != LUA_TSTRING)
		luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static void set_string(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

/* A `ctx` like the one `pqx run` passes to extract: emit() collects into
 * ctx.records and warn() into ctx.warnings, so both can be looked at. */
static void make_ctx(repl *r)
{
	lua_State *L = r->L;
	lua_getglobal(L, "doc");
	pqx_document *d = pqx_to_document(L, -1);
	lua_newtable(L);
	lua_getfield(L, -2, "path");
	lua_setfield(L, -2, "path");
	lua_getfield(L, -2, "url");
	lua_setfield(L, -2, "url");
	if (r->fetched)
		set_string(L, "fetched", r->fetched);
	if (d) {
		set_string(L, "encoding", d->text.encoding);
		set_string(L, "encoding_source", d->text.source);
		if (d->text.warning[0])
			set_string(L, "encoding_warning", d->text.warning);
		lua_pushinteger(L, (lua_Integer)d->text.replaced);
		lua_setfield(L, -2, "replaced");
		lua_pushinteger(L, (lua_Integer)d->text.fallback_bytes);
		lua_setfield(L, -2, "fallback_bytes");
		lua_pushinteger(L, (lua_Integer)d->text.double_encoded);
		lua_setfield(L, -2, "double_encoded");
		lua_pushinteger(L, (lua_Integer)d->parse_errors);
		lua_setfield(L, -2, "parse_errors");
		lua_pushinteger(L, (lua_Integer)d->raw_bytes);
		lua_setfield(L, -2, "bytes");
		if (d->fragment)
			set_string(L, "fragment", d->fragment);
	}
	if (r->script_path) {
		const char *s = strrchr(r->script_path, '/');
		set_string(L, "script", s ? s + 1 : r->script_path);
	}
	static const char *const lists[][2] = {{"records", "emit"}, {"warnings", "warn"}};
	for (int i = 0; i < 2; i++) {
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, lists[i][0]);
		lua_pushcclosure(L, ctx_append, 1);
		lua_setfield(L, -2, lists[i][1]);
	}
	lua_setglobal(L, "ctx");
	lua_pop(L, 1);
}

/* Parses the page at path and binds it to `doc`. Returns an exit code. */
/* A record of a web archive named as pqx names it (ARCHIVE#OFFSET): its body
 * in *rec. Returns 0 when path names no record, 1 when *rec holds the page, or
 * an exit code after saying what is wrong. */
static int open_record(repl *r, const char *path, pqx_warc_record *rec)
{
	char *archive = NULL, err[300];
	uint64_t offset;
	int64_t inner;
	if (access(path, F_OK) == 0 || !pqx_warc_parse_name(path, &archive, &offset, &inner))
		return 0;
	pqx_warc *w = pqx_warc_open_record(archive, offset, inner, r->opts.limits.max_bytes, err, sizeof err);
	free(archive);
	if (!w) {
		say_error(r, "pqx: %s: %s", path, err);
		return PQX_EXIT_INPUT;
	}
	int got = pqx_warc_next(w, rec);
	pqx_warc_close(w);
	if (!got) {
		say_error(r, "pqx: %s: this record is not an HTML page (only response records with "
		          "HTTP status 200 and an HTML body are)", path);
		return PQX_EXIT_INPUT;
	}
	if (rec->error) {
		say_error(r, "pqx: %s: %s", path, rec->error);
		int code = rec->error_limit ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT;
		pqx_warc_record_free(rec);
		return code;
	}
	return 1;
}

static int open_page(repl *r, const char *path, int announce)
{
	lua_State *L = r->L;
	pqx_buf bytes = PQX_BUF_INIT;
	pqx_warc_record rec;
	memset(&rec, 0, sizeof rec);
	int in_archive = open_record(r, path, &rec);
	if (in_archive > 1)
		return in_archive;
	if (in_archive) {
		bytes = rec.body;
		rec.body = (pqx_buf)PQX_BUF_INIT;
	} else if (pqx_read_file(path, &bytes) != 0) {
		say_error(r, "pqx: %s: cannot read page: %s", path, strerror(errno ? errno : EIO));
		pqx_buf_free(&bytes);
		return PQX_EXIT_INPUT;
	}
	const char *enc = r->opts.encoding;
	if (!enc && r->script_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->script_ref);
		lua_getfield(L, -1, "encoding");
		enc = lua_tostring(L, -1); /* anchored by the script table */
		lua_pop(L, 2);
	}
	pqx_document d;
	char err[512];
	enum pqx_parse_status st = pqx_parse_transport(&d, (const unsigned char *)(bytes.s ? bytes.s : ""),
	                                               bytes.len, enc, rec.charset, &r->opts.limits,
	                                               err, sizeof err);
	pqx_buf_free(&bytes);
	if (st != PQX_PARSE_OK) {
		pqx_document_free(&d);
		pqx_warc_record_free(&rec);
		say_error(r, "pqx: %s: %s", path, err);
		return st == PQX_PARSE_LIMIT ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT;
	}
	pqx_push_document(L, &d, path);
	/* checked by the option parser and the archive reader */
	pqx_doc_set_url(L, -1, in_archive ? rec.url : r->opts.base_url);
	free(r->fetched);
	r->fetched = rec.fetched;
	rec.fetched = NULL;
	if (rec.warnings.len)
		fprintf(stderr, "pqx: %s: warning: %.*s\n", path, (int)rec.warnings.len - 1, rec.warnings.s);
	pqx_warc_record_free(&rec);
	if (r->script_ref != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, r->script_ref);
		lua_getfield(L, -1, "base_url");
		pqx_doc_set_fallback_base(L, -3, lua_tostring(L, -1));
		lua_pop(L, 2);
	}
	lua_setglobal(L, "doc");
	make_ctx(r);
	if (announce) {
		lua_getglobal(L, "doc");
		pqx_document *pd = pqx_to_document(L, -1);
		printf("doc = %s (%zu bytes, %s from %s%s)\n", path, pd->raw_bytes, pd->text.encoding,
		       pd->text.source ? pd->text.source : "?", pd->text.warning[0] ? "; see doc.encoding_warning" : "");
		lua_pop(L, 1);
		fflush(stdout);
	}
	return PQX_EXIT_OK;
}

/* Loads (or reloads) the script; on success binds `script` and `extract`. */
static int load_script(repl *r)
{
	lua_State *L = r->L;
	pqx_buf err = PQX_BUF_INIT;
	if (pqx_vm_load_script(r->vm, r->script_path, &err) != 0) {
		say_error(r, "pqx: script error: %s", pqx_buf_cstr(&err));
		pqx_buf_free(&err);
		return PQX_EXIT_SCRIPT;
	}
	pqx_buf_free(&err);
	if (r->script_ref != LUA_NOREF)
		luaL_unref(L, LUA_REGISTRYINDEX, r->script_ref);
	lua_pushvalue(L, -1);
	r->script_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_getfield(L, -1, "extract");
	lua_setglobal(L, "extract");
	lua_setglobal(L, "script");
	return PQX_EXIT_OK;
}

/* ---- running chunks ------------------------------------------------------------- */

/* Error messages keep their traceback only when it shows more than the line typed. */
static void print_lua_error(repl *r, const char *msg)
{
	const char *tb = strstr(msg, "\nstack traceback:");
	int len = (int)strlen(msg);
	if (tb) {
		const char *frames = tb + strlen("\nstack traceback:");
		if (strchr(frames + 1, '\n') == NULL && strstr(frames, "\tstdin:") == frames + 1 &&
		    strstr(frames, "in main chunk"))
			len = (int)(tb - msg);
	}
	say_error(r, "%.*s", len, msg);
}

/* Calls the function on top of the stack with Ctrl-C armed, then prints its results. */
static void run_function(repl *r, int nargs)
{
	lua_State *L = r->L;
	int base = lua_gettop(L) - nargs - 1;
	lua_Hook hook = lua_gethook(L);
	int mask = lua_gethookmask(L), count = lua_gethookcount(L);
	pqx_buf err = PQX_BUF_INIT;
	g_running = L;
	if (g_sigint) /* Ctrl-C came after Enter but before the chunk started */
		lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
	int rc = pqx_vm_pcall(r->vm, nargs, LUA_MULTRET, &err);
	g_running = NULL;
	lua_sethook(L, hook, mask, count); /* whatever Ctrl-C set */
	if (rc != LUA_OK) {
		if (r->interactive && g_sigint)
			fputc('\n', stdout); /* after the echoed ^C */
		print_lua_error(r, pqx_buf_cstr(&err));
	} else if (lua_gettop(L) > base) {
		lua_pushcfunction(L, l_print_results);
		lua_insert(L, base + 1);
		pqx_buf perr = PQX_BUF_INIT;
		if (pqx_vm_pcall(r->vm, lua_gettop(L) - base - 1, 0, &perr) != LUA_OK)
			say_error(r, "(cannot print the result: %s)", pqx_buf_cstr(&perr));
		pqx_buf_free(&perr);
	}
	pqx_buf_free(&err);
	lua_settop(L, base);
	g_sigint = 0; /* this Ctrl-C was for the chunk, not for the next prompt */
}

static int is_incomplete(lua_State *L, int status)
{
	if (status != LUA_ERRSYNTAX)
		return 0;
	size_t len;
	const char *msg = lua_tolstring(L, -1, &len);
	return msg && len >= 5 && strcmp(msg + len - 5, "<eof>") == 0;
}

/* Compiles the chunk typed so far, as an expression first (so `1+1` prints 2),
 * then as statements. Returns 1 with the function pushed, 0 if more input
 * could complete it, -1 with the error message pushed. */
static int compile_chunk(lua_State *L, const char *chunk, size_t len)
{
	pqx_buf ret = PQX_BUF_INIT;
	pqx_buf_adds(&ret, "return ");
	pqx_buf_add(&ret, chunk, len);
	int st = luaL_loadbufferx(L, pqx_buf_cstr(&ret), ret.len, "=stdin", "t");
	pqx_buf_free(&ret);
	if (st == LUA_OK)
		return 1;
	int expr_incomplete = is_incomplete(L, st);
	st = luaL_loadbufferx(L, chunk, len, "=stdin", "t");
	if (st == LUA_OK) {
		lua_remove(L, -2);
		return 1;
	}
	if (is_incomplete(L, st) || expr_incomplete) {
		lua_pop(L, 2);
		return 0;
	}
	/* Neither parses. When the statement parser balked at the first token,
	 * the line was meant as an expression (`1 +* 2`): its error says more. */
	const char *msg = lua_tostring(L, -1);
	const char *near = msg ? strstr(msg, "unexpected symbol near '") : NULL;
	while (len > 0 && (*chunk == ' ' || *chunk == '\t'))
		chunk++, len--;
	if (near) {
		near += strlen("unexpected symbol near '");
		const char *q = strchr(near, '\'');
		if (q && q > near && (size_t)(q - near) <= len && memcmp(near, chunk, (size_t)(q - near)) == 0) {
			lua_pop(L, 1);
			pqx_vm_syntax_hint(L, chunk, len);
			return -1;
		}
	}
	lua_remove(L, -2);
	pqx_vm_syntax_hint(L, chunk, len);
	return -1;
}

/* ---- unique selectors (.find) -------------------------------------------------- */

/* Names that need no CSS escaping (the escapes are where selector engines differ). */
static int plain_css_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (*p == '-')
		p++;
	if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return 0;
	for (; *p; p++)
		if (!is_name_char(*p) && *p != '-')
			return 0;
	return 1;
}

/* 1 if css, run on the document at doc, selects exactly node n. A selector the
 * engine refuses counts as no. */
static int selects_only(lua_State *L, int doc, const GumboNode *n, const char *css)
{
	int top = lua_gettop(L);
	luaL_getmetatable(L, PQX_DOCUMENT_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, "select");
	lua_pushvalue(L, doc);
	lua_pushstring(L, css);
	int ok = lua_pcall(L, 2, 1, 0) == LUA_OK && lua_istable(L, -1) && lua_rawlen(L, -1) == 1;
	if (ok) {
		lua_rawgeti(L, -1, 1);
		ok = pqx_to_node(L, -1) == n;
	}
	lua_settop(L, top);
	return ok;
}

static void add_compound(const GumboNode *e, pqx_buf *b)
{
	char tag[64];
	tag_name(e, tag, sizeof tag);
	pqx_buf_adds(b, tag);
	const char *cls = attr_of(e, "class");
	if (!cls)
		return;
	char *copy = strdup(cls);
	if (!copy)
		return;
	for (char *save = NULL, *t = strtok_r(copy, " \t\n\r\f", &save); t; t = strtok_r(NULL, " \t\n\r\f", &save))
		if (plain_css_name(t))
			pqx_buf_addf(b, ".%s", t);
	free(copy);
}

/* 1-based position of e among its element siblings of the same tag; 0 if it has none */
static unsigned nth_of_type(const GumboNode *e)
{
	const GumboVector *v = e->parent ? kids(e->parent) : NULL;
	if (!v)
		return 0;
	char mine[64], other[64];
	tag_name(e, mine, sizeof mine);
	unsigned pos = 0, same = 0;
	for (unsigned i = 0; i < v->length; i++) {
		const GumboNode *s = v->data[i];
		if (!is_element(s))
			continue;
		tag_name(s, other, sizeof other);
		if (strcmp(mine, other) != 0)
			continue;
		same++;
		if (s == e)
			pos = same;
	}
	return same > 1 ? pos : 0;
}

/* Builds, from n upwards, the shortest selector of the form
 * `anchor > ... > compound` that selects n alone, trying at each level the
 * element's #id, then tag.classes, then tag.classes:nth-of-type(k).
 * Every candidate is checked by running it. */
static int unique_selector(lua_State *L, int doc, const GumboNode *n, pqx_buf *out)
{
	pqx_buf rest = PQX_BUF_INIT, part = PQX_BUF_INIT, cand = PQX_BUF_INIT;
	int found = 0;
	for (const GumboNode *cur = n; is_element(cur) && !found; cur = cur->parent) {
		const char *id = attr_of(cur, "id");
		for (int attempt = 0; attempt < 3 && !found; attempt++) {
			pqx_buf_reset(&part);
			if (attempt == 0) {
				if (!id || !plain_css_name(id))
					continue;
				char tag[64];
				tag_name(cur, tag, sizeof tag);
				pqx_buf_addf(&part, "%s#%s", tag, id);
			} else {
				add_compound(cur, &part);
				unsigned k = attempt == 2 ? nth_of_type(cur) : 0;
				if (attempt == 2 && k == 0)
					continue;
				if (k)
					pqx_buf_addf(&part, ":nth-of-type(%u)", k);
			}
			pqx_buf_reset(&cand);
			pqx_buf_adds(&cand, pqx_buf_cstr(&part));
			if (rest.len) {
				pqx_buf_adds(&cand, " > ");
				pqx_buf_adds(&cand, pqx_buf_cstr(&rest));
			}
			found = selects_only(L, doc, n, pqx_buf_cstr(&cand));
		}
		if (!found) {
			/* go up with the most specific form of this level */
			pqx_buf_reset(&part);
			add_compound(cur, &part);
			unsigned k = nth_of_type(cur);
			if (k)
				pqx_buf_addf(&part, ":nth-of-type(%u)", k);
			if (rest.len) {
				pqx_buf_adds(&part, " > ");
				pqx_buf_adds(&part, pqx_buf_cstr(&rest));
			}
			pqx_buf_reset(&rest);
			pqx_buf_adds(&rest, pqx_buf_cstr(&part));
		}
	}
	if (found) {
		/* going up kept every level's :nth-of-type; drop those the anchor made redundant */
		size_t at = 0;
		const char *p;
		while ((p = strstr(pqx_buf_cstr(&cand) + at, ":nth-of-type(")) != NULL) {
			size_t from = (size_t)(p - cand.s);
			const char *close = strchr(p, ')');
			size_t to = (size_t)(close - cand.s) + 1;
			pqx_buf_reset(&part);
			pqx_buf_add(&part, cand.s, from);
			pqx_buf_adds(&part, cand.s + to);
			if (selects_only(L, doc, n, pqx_buf_cstr(&part))) {
				pqx_buf_reset(&cand);
				pqx_buf_adds(&cand, pqx_buf_cstr(&part));
				at = from;
			} else {
				at = to;
			}
		}
		pqx_buf_adds(out, pqx_buf_cstr(&cand));
	}
	pqx_buf_free(&rest);
	pqx_buf_free(&part);
	pqx_buf_free(&cand);
	return found;
}

/* ---- dot-commands ------------------------------------------------------------- */

static const char help_text[] =
	"Lua: type an expression to see its value, or statements; an unfinished chunk\n"
	"continues on a '>> ' line. Globals: doc (the page), ctx (like pqx run's),\n"
	"script and extract (with a script), pqx (the library). Tab completes names,\n"
	"methods after ':', fields after '.', and inside a selector string the tags,\n"
	"#ids and .classes of the elements the selector so far can reach (td. -> the\n"
	"classes of td elements). Ctrl-C cancels the line or stops a running chunk;\n"
	"Ctrl-D or .quit leaves.\n"
	"\n"
	".help            this help\n"
	".open PAGE       parse PAGE (as pqx run would) and bind it to doc (and a new ctx)\n"
	".sel CSS         how many elements CSS selects in doc, and the first 10\n"
	".text CSS        the text of each match of CSS\n"
	".find TEXT       elements whose own text contains TEXT (ignoring case: Unicode\n"
	"                 simple case folding, as :pqx-contains(\"TEXT\" i)),\n"
	"                 each with a selector that selects it alone\n"
	".complete LINE   what Tab would offer at the end of LINE, one per line\n"
	".run             run the script's extract on doc as pqx run would: the validated\n"
	"                 records as JSON, or the errors\n"
	".reload          read the script file again (after editing it)\n"
	".quit            leave the REPL\n";

static void cmd_sel(repl *r, const char *css, int texts)
{
	lua_State *L = r->L;
	if (!*css) {
		say_error(r, "usage: %s CSS", texts ? ".text" : ".sel");
		return;
	}
	if (!push_doc(r))
		return;
	int doc = lua_gettop(L);
	luaL_getmetatable(L, PQX_DOCUMENT_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, "select");
	lua_pushvalue(L, doc);
	lua_pushstring(L, css);
	pqx_buf err = PQX_BUF_INIT;
	if (pqx_vm_pcall(r->vm, 2, 1, &err) != LUA_OK) {
		print_lua_error(r, pqx_buf_cstr(&err));
		pqx_buf_free(&err);
		lua_settop(L, doc - 1);
		return;
	}
	pqx_buf_free(&err);
	int list = lua_gettop(L);
	lua_Integer n = (lua_Integer)lua_rawlen(L, list);
	pqx_buf b = PQX_BUF_INIT;
	if (!texts)
		pqx_buf_addf(&b, "%lld match%s\n", (long long)n, n == 1 ? "" : "es");
	else if (n == 0)
		pqx_buf_adds(&b, "0 matches\n");
	lua_Integer limit = texts ? TEXT_MAX : SHOW_LIST;
	for (lua_Integer i = 1; i <= n && i <= limit; i++) {
		lua_rawgeti(L, list, i);
		pqx_buf_addf(&b, "[%lld] ", (long long)i);
		const GumboNode *node = pqx_to_node(L, -1);
		if (texts) {
			pqx_buf t = PQX_BUF_INIT;
			if (node)
				pqx_text(node, PQX_TEXT_INNER, &t);
			else
				pqx_buf_adds(&t, lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
			for (size_t k = 0; k < t.len; k++) {
				pqx_buf_addc(&b, t.s[k]);
				if (t.s[k] == '\n')
					pqx_buf_adds(&b, "    ");
			}
			pqx_buf_free(&t);
		} else if (node) {
			node_summary(node, &b);
		} else {
			size_t len;
			const char *s = lua_tolstring(L, -1, &len);
			put_quoted(&b, s ? s : "", s ? len : 0);
		}
		pqx_buf_addc(&b, '\n');
		lua_pop(L, 1);
	}
	if (n > limit)
		pqx_buf_addf(&b, "... %lld more\n", (long long)(n - limit));
	put_out(&b);
	pqx_buf_free(&b);
	lua_settop(L, doc - 1);
}

static void cmd_find(repl *r, const char *text)
{
	lua_State *L = r->L;
	if (!*text) {
		say_error(r, "usage: .find TEXT");
		return;
	}
	if (!push_doc(r))
		return;
	int doc = lua_gettop(L);
	const GumboNode *root = pqx_to_node(L, doc);
	pqx_buf want = PQX_BUF_INIT, own = PQX_BUF_INIT, low = PQX_BUF_INIT, b = PQX_BUF_INIT;
	pqx_casefold(text, strlen(text), &want); /* as :pqx-contains(... i) */
	const GumboNode *hits[FIND_MAX];
	size_t nhits = 0, total = 0;
	for (const GumboNode *n = walk_next(root, root); n; n = walk_next(root, n)) {
		if (!is_element(n))
			continue;
		pqx_buf_reset(&own);
		pqx_buf_reset(&low);
		pqx_text(n, PQX_TEXT_OWN, &own);
		pqx_casefold(own.s ? own.s : "", own.len, &low);
		if (low.len && strstr(pqx_buf_cstr(&low), pqx_buf_cstr(&want))) {
			if (nhits < FIND_MAX)
				hits[nhits++] = n;
			total++;
		}
	}
	pqx_buf_addf(&b, "%zu element%s whose own text contains \"%s\"\n", total,
	             total == 1 ? "" : "s", text);
	for (size_t i = 0; i < nhits; i++) {
		pqx_buf_addf(&b, "[%zu] ", i + 1);
		node_summary(hits[i], &b);
		pqx_buf_adds(&b, "\n    ");
		if (!unique_selector(L, doc, hits[i], &b))
			pqx_buf_adds(&b, "(no selector selects it alone)");
		pqx_buf_addc(&b, '\n');
	}
	if (total > nhits)
		pqx_buf_addf(&b, "... %zu more\n", total - nhits);
	put_out(&b);
	pqx_buf_free(&want);
	pqx_buf_free(&own);
	pqx_buf_free(&low);
	pqx_buf_free(&b);
	lua_settop(L, doc - 1);
}

static const char *status_name(int status)
{
	switch (status) {
	case PQX_EXIT_INPUT: return "input error";
	case PQX_EXIT_SCRIPT: return "script error";
	case PQX_EXIT_VALIDATION: return "validation failed";
	case PQX_EXIT_LIMIT: return "limit exceeded";
	default: return "error";
	}
}

static void cmd_run(repl *r)
{
	lua_State *L = r->L;
	if (r->script_ref == LUA_NOREF) {
		say_error(r, "no script: start with `pqx repl SCRIPT PAGE`");
		return;
	}
	if (!push_doc(r))
		return;
	int doc = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, r->script_ref);
	const char *name = strrchr(r->script_path, '/');
	name = name ? name + 1 : r->script_path;
	pqx_page_result res;
	pqx_page_result_init(&res);
	g_running = L;
	pqx_process_document_fetched(r->vm, doc + 1, name, doc, r->fetched, &res);
	g_running = NULL;
	g_sigint = 0;
	pqx_buf b = PQX_BUF_INIT, jerr = PQX_BUF_INIT;
	if (res.status == PQX_EXIT_OK) {
		pqx_json_encode(L, -1, 1, &b, &jerr);
		pqx_buf_addf(&b, "\n%zu record%s, valid\n", res.nrecords, res.nrecords == 1 ? "" : "s");
		put_out(&b);
	} else {
		/* every line of the failure indented under its heading */
		pqx_buf msg = PQX_BUF_INIT;
		for (const char *p = pqx_buf_cstr(&res.error); *p; p++) {
			if (p == pqx_buf_cstr(&res.error) || p[-1] == '\n')
				pqx_buf_adds(&msg, "  ");
			pqx_buf_addc(&msg, *p);
		}
		say_error(r, "%s:\n%s", status_name(res.status), pqx_buf_cstr(&msg));
		pqx_buf_free(&msg);
	}
	const char *w = pqx_buf_cstr(&res.warnings);
	while (*w) {
		const char *nl = strchr(w, '\n');
		size_t len = nl ? (size_t)(nl - w) : strlen(w);
		fprintf(stderr, "warning: %.*s\n", (int)len, w);
		w += len + (nl ? 1 : 0);
	}
	fflush(stderr);
	pqx_buf_free(&b);
	pqx_buf_free(&jerr);
	pqx_page_result_free(&res);
	lua_settop(L, doc - 1);
}

static const char *const dot_commands[] = {
	".help", ".open", ".sel", ".text", ".find", ".complete", ".run", ".reload", ".quit", NULL,
};

static void cmd_complete(repl *r, const char *line);

/* Runs a dot-command line; returns 1 when the session should end. */
static int dot_command(repl *r, char *line)
{
	if (strncmp(line, ".complete", 9) == 0 && (line[9] == ' ' || line[9] == '\0')) {
		cmd_complete(r, line[9] ? line + 10 : ""); /* untrimmed: a trailing space matters */
		return 0;
	}
	char *arg = line;
	while (*arg && *arg != ' ' && *arg != '\t')
		arg++;
	size_t nlen = (size_t)(arg - line);
	while (*arg == ' ' || *arg == '\t')
		arg++;
	char *end = arg + strlen(arg);
	while (end > arg && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
#define IS(name) (nlen == strlen(name) && strncmp(line, name, nlen) == 0)
	if (IS(".quit") || IS(".exit"))
		return 1;
	if (IS(".help")) {
		fputs(help_text, stdout);
		fflush(stdout);
	} else if (IS(".open")) {
		if (!*arg)
			say_error(r, "usage: .open PAGE");
		else
			open_page(r, arg, 1);
	} else if (IS(".sel")) {
		cmd_sel(r, arg, 0);
	} else if (IS(".text")) {
		cmd_sel(r, arg, 1);
	} else if (IS(".find")) {
		cmd_find(r, arg);
	} else if (IS(".run")) {
		cmd_run(r);
	} else if (IS(".reload")) {
		if (!r->script_path) {
			say_error(r, "no script: start with `pqx repl SCRIPT PAGE`");
		} else if (load_script(r) == PQX_EXIT_OK) {
			lua_State *L = r->L;
			lua_getglobal(L, "script");
			lua_getfield(L, -1, "name");
			lua_getfield(L, -2, "version");
			printf("reloaded %s %s\n", lua_tostring(L, -2), lua_tostring(L, -1));
			fflush(stdout);
			lua_pop(L, 3);
			make_ctx(r);
		}
	} else {
		say_error(r, "unknown command '%.*s' (.help lists them)", (int)nlen, line);
	}
#undef IS
	return 0;
}

/* ---- completion ---------------------------------------------------------------- */

typedef pqx_strv cands; /* completion candidates */

static void cands_add(cands *c, const char *s, size_t len)
{
	pqx_strv_add(c, s, len); /* a candidate lost to memory shortage only shortens the list */
}

/* Adds the string keys of the set table on top that start with prefix, then pops it. */
static void cands_from_set(lua_State *L, cands *c, const char *prefix, size_t plen)
{
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		lua_pop(L, 1);
		size_t len;
		if (lua_type(L, -1) == LUA_TSTRING) {
			const char *k = lua_tolstring(L, -1, &len);
			if (len >= plen && memcmp(k, prefix, plen) == 0)
				cands_add(c, k, len);
		}
	}
	lua_pop(L, 1);
}

static void set_add(lua_State *L, int set, const char *s, size_t len)
{
	lua_pushlstring(L, s, len);
	lua_pushboolean(L, 1);
	lua_rawset(L, set);
}

/* Identifier keys of the table at idx (only those holding functions when
 * methods_only), into the set table at set. */
static void names_of_table(lua_State *L, int idx, int set, int methods_only)
{
	idx = lua_absindex(L, idx);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		size_t len;
		int fn = lua_type(L, -1) == LUA_TFUNCTION;
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && (fn || !methods_only)) {
			const char *k = lua_tolstring(L, -1, &len);
			if (is_identifier(k, len))
				set_add(L, set, k, len);
		}
	}
}

/* The fields (after '.') or methods (after ':') of the value at idx: its own
 * keys, its metatable's `methods` table (pqx.Node, pqx.Document) and the chain
 * of __index tables (pqx.List, strings, objects with classes). */
static void names_of_value(lua_State *L, int idx, int set, int colon)
{
	idx = lua_absindex(L, idx);
	static const char *const node_props[] = {"tag", "type", "line", "col", "offset", NULL};
	static const char *const doc_props[] = {
		"root", "body", "head", "node", "path", "closed", "encoding", "encoding_source",
		"encoding_warning", "replaced", "fallback_bytes", "double_encoded", "parse_errors", "bytes",
		"fragment", NULL,
	};
	if (!colon) {
		const char *const *props = luaL_testudata(L, idx, PQX_NODE_MT) ? node_props
		                         : luaL_testudata(L, idx, PQX_DOCUMENT_MT) ? doc_props : NULL;
		for (; props && *props; props++)
			set_add(L, set, *props, strlen(*props));
	}
	lua_pushvalue(L, idx);
	for (int level = 0; level < 5; level++) {
		if (lua_istable(L, -1))
			names_of_table(L, -1, set, colon);
		if (!lua_getmetatable(L, -1))
			break;
		if (lua_getfield(L, -1, "methods") == LUA_TTABLE)
			names_of_table(L, -1, set, 1);
		lua_pop(L, 1);
		if (lua_getfield(L, -1, "__index") != LUA_TTABLE) {
			lua_pop(L, 2);
			break;
		}
		lua_remove(L, -2);
		lua_remove(L, -2);
	}
	lua_pop(L, 1);
}

/* resolve(path): the value of a name chain like `a.b.c`, reading fields as Lua
 * would (so __index runs); run protected from the completer. */
static int l_resolve(lua_State *L)
{
	const char *p = luaL_checkstring(L, 1);
	lua_pushglobaltable(L);
	while (p && *p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		int t = lua_type(L, -1);
		if (t != LUA_TTABLE && t != LUA_TUSERDATA && t != LUA_TSTRING) {
			lua_pushnil(L);
			return 1;
		}
		lua_pushlstring(L, p, len);
		lua_gettable(L, -2);
		lua_remove(L, -2);
		p = dot ? dot + 1 : NULL;
	}
	return 1;
}

/* Pushes the value of the name chain s[0..len), or returns 0 with nothing pushed. */
static int resolve_chain(lua_State *L, const char *s, size_t len)
{
	if (len == 0 || s[0] == '.' || s[len - 1] == '.' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	lua_pushcfunction(L, l_resolve);
	lua_pushlstring(L, s, len);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	return 1;
}

static const char *const pseudo_classes[] = {
	":first-child", ":last-child", ":only-child", ":first-of-type", ":last-of-type",
	":only-of-type", ":nth-child(", ":nth-last-child(", ":nth-of-type(", ":nth-last-of-type(",
	":empty", ":root", ":not(", ":is(", ":where(", ":has(", ":scope", ":pqx-contains(",
	":pqx-contains-own(", ":pqx-matches(", "::text", "::attr(", NULL,
};

/* Adds the tag, #id and .classes of element n to the set table at set. */
static void names_of_element(lua_State *L, int set, const GumboNode *n, pqx_buf *b)
{
	char tag[64];
	tag_name(n, tag, sizeof tag);
	set_add(L, set, tag, strlen(tag));
	const char *id = attr_of(n, "id");
	if (id && *id && plain_css_name(id)) {
		pqx_buf_reset(b);
		pqx_buf_addf(b, "#%s", id);
		set_add(L, set, b->s, b->len);
	}
	const char *cls = attr_of(n, "class");
	while (cls && *cls) {
		while (*cls && strchr(" \t\n\r\f", *cls))
			cls++;
		const char *st = cls;
		while (*cls && !strchr(" \t\n\r\f", *cls))
			cls++;
		if (cls > st) {
			pqx_buf_reset(b);
			pqx_buf_addc(b, '.');
			pqx_buf_add(b, st, (size_t)(cls - st));
			if (plain_css_name(pqx_buf_cstr(b) + 1))
				set_add(L, set, b->s, b->len);
		}
	}
}

/* The selector that says which elements the token at s[ws] may describe:
 * the text before it when the token continues a compound (`td.` -> "td",
 * `table.meta td#` -> "table.meta td"), that text plus "*" when the token
 * starts a new compound (`table > ` -> "table > *"), "*" at the start.
 * Only the last selector of a list counts (`p, td.` -> "td"). Returns 0 when
 * the token is inside parentheses (:not(, :has(...), where the elements it
 * describes are not the selected ones: then every element counts. */
static int context_selector(const char *s, size_t ws, pqx_buf *out)
{
	size_t seg = 0;
	int depth = 0;
	for (size_t i = 0; i < ws; i++) {
		char ch = s[i];
		if (ch == '"' || ch == '\'') {
			size_t j = i + 1;
			while (j < ws && s[j] != ch)
				j += s[j] == '\\' ? 2 : 1;
			i = j;
		} else if (ch == '\\') {
			i++;
		} else if (ch == '(' || ch == '[') {
			depth++;
		} else if ((ch == ')' || ch == ']') && depth > 0) {
			depth--;
		} else if (ch == ',' && depth == 0) {
			seg = i + 1;
		}
	}
	if (depth > 0)
		return 0;
	while (seg < ws && strchr(" \t\n", s[seg]))
		seg++;
	pqx_buf_add(out, s + seg, ws - seg);
	if (ws == seg || strchr(" \t\n>+~", s[ws - 1]))
		pqx_buf_addc(out, '*');
	return 1;
}

/* Pushes recv:select(css) (recv a Node or Document at index recv), or returns
 * 0 with nothing pushed if the selector is refused. */
static int try_select(lua_State *L, int recv, const char *css)
{
	luaL_getmetatable(L, luaL_testudata(L, recv, PQX_NODE_MT) ? PQX_NODE_MT : PQX_DOCUMENT_MT);
	lua_getfield(L, -1, "methods");
	lua_getfield(L, -1, "select");
	lua_remove(L, -2);
	lua_remove(L, -2);
	lua_pushvalue(L, recv);
	lua_pushstring(L, css);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	return 1;
}

/* Selector completion: the token at the end of the selector text s[0..len),
 * against the tags, #ids and .classes of the elements the token may describe
 * (context_selector) under the Node or Document at index recv (0: none).
 * Returns the token's start. */
static size_t complete_selector(lua_State *L, int recv, const char *s, size_t len, cands *c)
{
	size_t ws = len;
	while (ws > 0 && (is_name_char((unsigned char)s[ws - 1]) || s[ws - 1] == '-' ||
	                  (unsigned char)s[ws - 1] >= 0x80))
		ws--;
	if (ws > 0 && (s[ws - 1] == '.' || s[ws - 1] == '#'))
		ws--;
	else if (ws > 0 && s[ws - 1] == ':')
		ws -= (ws > 1 && s[ws - 2] == ':') ? 2 : 1;
	else if (ws > 0 && !strchr(" \t>+~,(", s[ws - 1]))
		return ws; /* after ']' or ')': nothing sensible to offer */
	const char *tok = s + ws;
	size_t tlen = len - ws;
	if (tlen && tok[0] == ':') {
		for (const char *const *p = pseudo_classes; *p; p++)
			if (strncmp(*p, tok, tlen) == 0)
				cands_add(c, *p, strlen(*p));
		return ws;
	}
	if (!recv)
		return ws;
	lua_newtable(L);
	int set = lua_gettop(L);
	pqx_buf b = PQX_BUF_INIT, ctx = PQX_BUF_INIT;
	if (context_selector(s, ws, &ctx) && try_select(L, recv, pqx_buf_cstr(&ctx))) {
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			const GumboNode *e = pqx_to_node(L, -1);
			if (e && is_element(e))
				names_of_element(L, set, e, &b);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	} else {
		const GumboNode *root = pqx_to_node(L, recv);
		for (const GumboNode *n = root ? walk_next(root, root) : NULL; n; n = walk_next(root, n))
			if (is_element(n))
				names_of_element(L, set, n, &b);
	}
	pqx_buf_free(&b);
	pqx_buf_free(&ctx);
	cands_from_set(L, c, tok, tlen);
	return ws;
}

/* Pushes the Node or Document to complete selectors against: the receiver if
 * it is a name chain that holds one, else `doc`. Returns its index, or 0 with
 * nothing pushed. */
static int push_receiver(lua_State *L, const char *recv, size_t rlen)
{
	if (resolve_chain(L, recv, rlen)) {
		if (pqx_to_node(L, -1)) /* an open Node or Document */
			return lua_gettop(L);
		lua_pop(L, 1);
	}
	lua_getglobal(L, "doc");
	if (pqx_to_node(L, -1))
		return lua_gettop(L);
	lua_pop(L, 1);
	return 0;
}

static int is_selector_method(const char *s, size_t len)
{
	static const char *const m[] = {"select", "select1", "one", "matches", "closest",
	                                "next_until", "prev_until", "select_text", "selector", NULL};
	for (const char *const *p = m; *p; p++)
		if (strlen(*p) == len && memcmp(*p, s, len) == 0)
			return 1;
	return 0;
}

/* Fills c with completions of the end of line s[0..len) and returns where the
 * completed token starts. */
static size_t analyse(repl *r, const char *s, size_t len, cands *c)
{
	lua_State *L = r->L;
	/* dot-commands */
	if (!r->continuing && len && s[0] == '.' && !(len > 1 && s[1] >= '0' && s[1] <= '9')) {
		const char *sp = memchr(s, ' ', len);
		if (!sp) {
			for (const char *const *d = dot_commands; *d; d++)
				if (strncmp(*d, s, len) == 0)
					cands_add(c, *d, strlen(*d));
			return 0;
		}
		size_t nlen = (size_t)(sp - s);
		if ((nlen == 4 && memcmp(s, ".sel", 4) == 0) || (nlen == 5 && memcmp(s, ".text", 5) == 0)) {
			size_t a = nlen;
			while (a < len && s[a] == ' ')
				a++;
			return a + complete_selector(L, push_receiver(L, "doc", 3), s + a, len - a, c);
		}
		if (nlen == 5 && memcmp(s, ".open", 5) == 0) {
			/* the whole argument is the path: libedit's own word would stop at '/' */
			size_t a = nlen;
			while (a < len && s[a] == ' ')
				a++;
			char *path = strndup(s + a, len - a), *m;
			for (int state = 0; path && (m = rl_filename_completion_function(path, state)); state++) {
				cands_add(c, m, strlen(m));
				free(m);
			}
			free(path);
			return a;
		}
		return len;
	}
	/* inside a string? then only a selector argument completes */
	size_t open = (size_t)-1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-' && i + 1 < len && s[i + 1] == '-')
			return len; /* a comment */
		if (s[i] != '"' && s[i] != '\'')
			continue;
		char q = s[i];
		size_t j = i + 1;
		while (j < len && s[j] != q)
			j += s[j] == '\\' ? 2 : 1;
		if (j >= len) {
			open = i;
			break;
		}
		i = j;
	}
	if (open != (size_t)-1) {
		size_t k = open;
		while (k > 0 && s[k - 1] == ' ')
			k--;
		if (k == 0 || s[k - 1] != '(')
			return len;
		k--;
		while (k > 0 && s[k - 1] == ' ')
			k--;
		size_t me = k;
		while (k > 0 && is_name_char((unsigned char)s[k - 1]))
			k--;
		if (k == 0 || (s[k - 1] != ':' && s[k - 1] != '.') || !is_selector_method(s + k, me - k))
			return len;
		size_t re = k - 1, rs = re;
		while (rs > 0 && (is_name_char((unsigned char)s[rs - 1]) || s[rs - 1] == '.'))
			rs--;
		size_t at = open + 1;
		return at + complete_selector(L, push_receiver(L, s + rs, re - rs), s + at, len - at, c);
	}
	/* Lua names */
	size_t ws = len;
	while (ws > 0 && is_name_char((unsigned char)s[ws - 1]))
		ws--;
	if (ws < len && s[ws] >= '0' && s[ws] <= '9')
		return len;
	const char *tok = s + ws;
	size_t tlen = len - ws;
	lua_newtable(L);
	int set = lua_gettop(L);
	if (ws > 0 && (s[ws - 1] == '.' || s[ws - 1] == ':') && !(ws > 1 && s[ws - 2] == '.')) {
		int colon = s[ws - 1] == ':';
		size_t re = ws - 1, rs = re;
		while (rs > 0 && (is_name_char((unsigned char)s[rs - 1]) || s[rs - 1] == '.'))
			rs--;
		if (resolve_chain(L, s + rs, re - rs)) {
			names_of_value(L, -1, set, colon);
			lua_pop(L, 1);
		} else if (colon && re > 0 && s[re - 1] == ')') {
			/* a call's result: likely a node or a list, so offer their methods */
			luaL_getmetatable(L, PQX_NODE_MT);
			lua_getfield(L, -1, "methods");
			names_of_table(L, -1, set, 1);
			luaL_getmetatable(L, PQX_LIST_MT);
			lua_getfield(L, -1, "__index");
			names_of_table(L, -1, set, 1);
			lua_pop(L, 4);
		}
	} else {
		lua_pushglobaltable(L);
		names_of_table(L, -1, set, 0);
		lua_pop(L, 1);
		static const char *const kw[] = {"and", "break", "do", "else", "elseif", "end", "false",
		                                 "for", "function", "local", "nil", "not", "or", "repeat",
		                                 "return", "then", "true", "until", "while", NULL};
		for (const char *const *k = kw; *k; k++)
			set_add(L, set, *k, strlen(*k));
	}
	cands_from_set(L, c, tok, tlen);
	return ws;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Byte offset of the nchars-th character of s (libedit counts characters). */
static size_t char_offset(const char *s, size_t nchars)
{
	size_t i = 0, len = strlen(s);
	while (nchars-- > 0 && i < len) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* libedit's word: what a Tab replaces. ')' ':' '.' and '#' end a word too, so
 * after `(doc:one("a")):at` the word is "at" and the candidates are method
 * names, not ")):attr". analyse() always reads the whole line. */
static const char word_breaks[] = " \t\n\"'`@$><=;|&{(,+-*/%^~[]).:#";

/* The matches for completing the word at line[off..len) (the cursor at the
 * end), as libedit wants them: [0] what a Tab inserts at once (the only
 * match, or the longest common prefix), then each match; NULL for none. */
static char **matches_for(repl *r, const char *line, size_t len, size_t off)
{
	lua_State *L = r->L;
	int top = lua_gettop(L);
	cands c = {0};
	size_t ws = analyse(r, line, len, &c);
	lua_settop(L, top);
	char **out = NULL;
	if (c.n > 0) {
		qsort(c.v, c.n, sizeof *c.v, cmp_str);
		out = calloc(c.n + 2, sizeof *out);
	}
	size_t k = 0;
	for (size_t i = 0; out && i < c.n; i++) {
		if (i > 0 && strcmp(c.v[i], c.v[i - 1]) == 0)
			continue;
		pqx_buf m = PQX_BUF_INIT;
		if (off <= ws) {
			pqx_buf_add(&m, line + off, ws - off);
			pqx_buf_adds(&m, c.v[i]);
		} else if (strlen(c.v[i]) >= off - ws) {
			pqx_buf_adds(&m, c.v[i] + (off - ws));
		}
		char *dup = strdup(pqx_buf_cstr(&m));
		pqx_buf_free(&m);
		if (dup)
			out[++k] = dup;
	}
	if (k == 0) {
		free(out);
		out = NULL;
	} else {
		/* [0]: the longest common prefix, what a Tab can insert at once */
		size_t pl = strlen(out[1]);
		for (size_t i = 2; i <= k; i++) {
			size_t j = 0;
			while (j < pl && out[i][j] == out[1][j])
				j++;
			pl = j;
		}
		if (k == 1) {
			out[0] = out[1];
			out[1] = NULL;
		} else {
			out[0] = strndup(out[1], pl);
		}
	}
	pqx_strv_free(&c);
	return out;
}

/* libedit calls this on Tab with the word before the cursor at [start, end)
 * (character offsets). We work out the context from the whole line and return
 * matches that replace exactly that word. */
static char **repl_complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	repl *r = g_repl;
	if (!r || !rl_line_buffer || start < 0)
		return NULL;
	/* libedit's rl_line_buffer points into a conversion buffer that it may
	 * move once a line outgrows about 1 KB: beyond that, or if the word is not
	 * where libedit says, complete from the word alone. */
	size_t off = 0;
	if (rl_end < 1000) {
		off = char_offset(rl_line_buffer, (size_t)start);
		if (strncmp(rl_line_buffer + off, text, strlen(text)) != 0)
			off = 0;
	}
	pqx_buf line = PQX_BUF_INIT;
	if (off)
		pqx_buf_add(&line, rl_line_buffer, off);
	pqx_buf_adds(&line, text);
	char **out = matches_for(r, pqx_buf_cstr(&line), line.len, off);
	pqx_buf_free(&line);
	return out;
}

/* .complete LINE: what Tab would offer with the cursor at the end of LINE,
 * one match per line (the word splitting is libedit's, by word_breaks), so
 * completion can be tried and tested without a terminal. */
static void cmd_complete(repl *r, const char *line)
{
	size_t len = strlen(line), off = len;
	while (off > 0 && !strchr(word_breaks, line[off - 1]))
		off--;
	char **out = matches_for(r, line, len, off);
	pqx_buf b = PQX_BUF_INIT;
	if (!out) {
		pqx_buf_adds(&b, "no completions\n");
	} else if (!out[1]) {
		pqx_buf_addf(&b, "%s\n", out[0]);
	} else {
		for (size_t i = 1; out[i]; i++)
			pqx_buf_addf(&b, "%s\n", out[i]);
	}
	put_out(&b);
	pqx_buf_free(&b);
	for (size_t i = 0; out && (i == 0 || out[i]); i++)
		free(out[i]);
	free(out);
}

/* ---- the session ----------------------------------------------------------------- */

static char *read_line(repl *r, const char *prompt)
{
	if (r->interactive) {
		fflush(stdout);
		return readline(prompt);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static void setup_editing(repl *r)
{
	setlocale(LC_CTYPE, ""); /* libedit needs it for UTF-8 input */
	rl_readline_name = "pqx"; /* ~/.editrc lines "pqx:bind ..." apply */
	rl_attempted_completion_function = repl_complete;
	rl_completion_append_character = '\0';
	rl_basic_word_break_characters = word_breaks;
	rl_completer_word_break_characters = (char *)rl_basic_word_break_characters;
	rl_initialize();
	using_history();
	stifle_history(HISTORY_MAX);
	const char *home = getenv("HOME");
	if (home && *home) {
		size_t n = strlen(home) + sizeof HISTORY_FILE + 2;
		r->history = malloc(n);
		if (r->history) {
			snprintf(r->history, n, "%s/%s", home, HISTORY_FILE);
			read_history(r->history);
		}
	}
}

static void session(repl *r)
{
	lua_State *L = r->L;
	pqx_buf chunk = PQX_BUF_INIT;
	r->continuing = 0;
	for (;;) {
		if (g_sigint && r->interactive) {
			/* Ctrl-C between two prompts (while a line was compiled, say)
			 * counts as Ctrl-C at the next prompt */
			g_sigint = 0;
			fputc('\n', stdout);
			pqx_buf_reset(&chunk);
			r->continuing = 0;
		}
		char *line = read_line(r, r->continuing ? PROMPT_MORE : PROMPT);
		if (!line) {
			if (r->interactive && g_sigint) {
				/* Ctrl-C at a prompt: drop the line (and any unfinished chunk) */
				g_sigint = 0;
				fputc('\n', stdout);
				pqx_buf_reset(&chunk);
				r->continuing = 0;
				continue;
			}
			if (r->interactive)
				fputc('\n', stdout);
			break;
		}
		if (r->interactive && *line) {
			HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
			if (!last || strcmp(last->line, line) != 0)
				add_history(line);
		}
		if (!r->continuing) {
			char *p = line;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!*p) {
				free(line);
				continue;
			}
			if (p[0] == '.' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))) {
				int quit = dot_command(r, p);
				free(line);
				if (quit)
					break;
				continue;
			}
		} else {
			pqx_buf_addc(&chunk, '\n');
		}
		pqx_buf_adds(&chunk, line);
		free(line);
		int st = compile_chunk(L, chunk.s, chunk.len);
		if (st == 0) {
			r->continuing = 1;
			continue;
		}
		r->continuing = 0;
		pqx_buf_reset(&chunk);
		if (st < 0) {
			print_lua_error(r, lua_tostring(L, -1));
			lua_pop(L, 1);
		} else {
			run_function(r, 0);
		}
	}
	if (r->continuing && !r->interactive) {
		/* end of input inside a chunk: report it as Lua would */
		int st = luaL_loadbufferx(L, pqx_buf_cstr(&chunk), chunk.len, "=stdin", "t");
		if (st != LUA_OK)
			print_lua_error(r, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	pqx_buf_free(&chunk);
}

static const char repl_help[] =
	"usage: pqx repl [options] [SCRIPT.lua] [PAGE]\n"
	"\n"
	"An interactive Lua session to explore PAGE while writing a script: the page\n"
	"is bound to `doc` (decoded and parsed as pqx run would), expressions print\n"
	"their value, and dot-commands help (.help lists them: .sel, .text, .find,\n"
	".complete, .open, .run, .reload, .quit). With SCRIPT, its table is `script`, its\n"
	"extract is `extract(doc, ctx)`, and .run runs it on the page as pqx run\n"
	"would. Line editing and history (~/.pqx_history) use libedit. When stdin is\n"
	"not a terminal, lines are read from it without prompts.\n"
	"\n"
	"options:\n"
	"%s"
	"\n"
	"exit codes: 0; 3 unreadable page or script file; 4 script error (at start,\n"
	"or, reading from a pipe, any error in the session); 6 limit exceeded.\n";

int pqx_cmd_repl(int argc, char **argv)
{
	repl r;
	memset(&r, 0, sizeof r);
	r.script_ref = LUA_NOREF;
	r.sort_ref = LUA_NOREF;
	pqx_common_defaults(&r.opts);
	const char *args[2];
	int nargs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf(repl_help, pqx_common_help);
			return PQX_EXIT_OK;
		}
		int c = pqx_common_option(&r.opts, argc, argv, &i);
		if (c < 0)
			return PQX_EXIT_USAGE;
		if (c > 0)
			continue;
		if ((a[0] == '-' && a[1]) || nargs == 2) {
			fprintf(stderr, "usage: pqx repl [options] [SCRIPT.lua] [PAGE]   (pqx repl --help)\n");
			return PQX_EXIT_USAGE;
		}
		args[nargs++] = a;
	}
	const char *page = NULL;
	if (nargs == 2) {
		r.script_path = args[0];
		page = args[1];
	} else if (nargs == 1) {
		size_t n = strlen(args[0]);
		if (n > 4 && strcmp(args[0] + n - 4, ".lua") == 0)
			r.script_path = args[0];
		else
			page = args[0];
	}

	pqx_doc_set_limits(&r.opts.limits);
	char err[512];
	r.vm = pqx_vm_new(&r.opts.vm, err, sizeof err);
	if (!r.vm) {
		fprintf(stderr, "pqx: %s\n", err);
		return PQX_EXIT_INTERNAL;
	}
	r.L = pqx_vm_state(r.vm);
	lua_State *L = r.L;
	g_repl = &r;
	luaL_newmetatable(L, BUF_MT);
	lua_pushcfunction(L, buf_gc);
	lua_setfield(L, -2, "__gc");
	lua_pop(L, 1);
	lua_getglobal(L, "table");
	lua_getfield(L, -1, "sort");
	r.sort_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);

	int code = PQX_EXIT_OK;
	if (r.script_path) {
		pqx_buf probe = PQX_BUF_INIT;
		if (pqx_read_file(r.script_path, &probe) != 0) {
			fprintf(stderr, "pqx: %s: cannot read script: %s\n", r.script_path, strerror(errno));
			code = PQX_EXIT_INPUT;
		}
		pqx_buf_free(&probe);
		if (code == PQX_EXIT_OK)
			code = load_script(&r);
	}
	if (code == PQX_EXIT_OK && page)
		code = open_page(&r, page, 0);
	if (code != PQX_EXIT_OK) {
		pqx_vm_free(r.vm);
		g_repl = NULL;
		return code;
	}
	r.failed = 0;
	r.interactive = isatty(STDIN_FILENO);
	if (r.interactive) {
		setup_editing(&r);
		printf("pqx %s repl: ", PQX_VERSION);
		if (page) {
			lua_getglobal(L, "doc");
			pqx_document *d = pqx_to_document(L, -1);
			printf("doc = %s (%s from %s)", page, d->text.encoding, d->text.source ? d->text.source : "?");
			lua_pop(L, 1);
		} else {
			printf("no document (.open PAGE)");
		}
		if (r.script_path)
			printf(", script = %s", r.script_path);
		printf("; .help for help\n");
	}
	install_sigint(on_sigint);
	session(&r);
	install_sigint(SIG_DFL);
	if (r.interactive && r.history) {
		if (write_history(r.history) != 0)
			fprintf(stderr, "pqx: cannot write history to %s\n", r.history);
	}
	fflush(stdout);
	free(r.history);
	free(r.fetched);
	pqx_vm_free(r.vm);
	g_repl = NULL;
	return !r.interactive && r.failed ? PQX_EXIT_SCRIPT : PQX_EXIT_OK;
}
