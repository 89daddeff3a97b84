/*
 * re.c: pqx.re, real regular expressions (PCRE2, UTF and Unicode properties on)
 * for scripts, where Lua patterns lack alternation and grouping.
 * Compiled patterns are cached by (pattern, flags). A match limit bounds
 * backtracking, so a catastrophic pattern ends as an error, not a hang.
 * Never: return offsets in anything but 1-based Lua string positions.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include <lauxlib.h>

#include "doc.h"

#define PQX_REGEX_MT "pqx.Regex"
#define RE_MATCH_LIMIT 10000000
#define RE_CACHE_MAX 256

static const char RECACHE_KEY = 'r';

typedef struct lre {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	uint32_t ncaps;
} lre;

static int re_gc(lua_State *L)
{
	lre *r = luaL_checkudata(L, 1, PQX_REGEX_MT);
	if (r->md) pcre2_match_data_free(r->md);
	if (r->code) pcre2_code_free(r->code);
	if (r->mctx) pcre2_match_context_free(r->mctx);
	r->md = NULL;
	r->code = NULL;
	r->mctx = NULL;
	return 0;
}

static uint32_t parse_flags(lua_State *L, const char *flags)
{
	uint32_t opts = PCRE2_UTF | PCRE2_UCP;
	for (const char *f = flags; *f; f++) {
		switch (*f) {
		case 'i': opts |= PCRE2_CASELESS; break;
		case 'm': opts |= PCRE2_MULTILINE; break;
		case 's': opts |= PCRE2_DOTALL; break;
		case 'x': opts |= PCRE2_EXTENDED; break;
		default: luaL_error(L, "unknown regex flag '%c' (use i, m, s, x)", *f);
		}
	}
	return opts;
}

/* Pushes the compiled regex for pattern/flags (cached). */
static lre *compile(lua_State *L, const char *pat, size_t len, const char *flags)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &RECACHE_KEY);
	lua_pushfstring(L, "%s/%s", flags, pat);
	lua_pushvalue(L, -1);
	if (lua_rawget(L, -3) == LUA_TUSERDATA) {
		lua_replace(L, -3);
		lua_pop(L, 1);
		return lua_touserdata(L, -1);
	}
	lua_pop(L, 1);
	uint32_t opts = parse_flags(L, flags);
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		luaL_error(L, "regex error at column %d in /%s/: %s", (int)erroff + 1, pat, (const char *)msg);
	}
	lre *r = lua_newuserdatauv(L, sizeof *r, 0);
	memset(r, 0, sizeof *r);
	luaL_setmetatable(L, PQX_REGEX_MT);
	r->code = code;
	r->md = pcre2_match_data_create_from_pattern(code, NULL);
	r->mctx = pcre2_match_context_create(NULL);
	if (!r->md || !r->mctx)
		luaL_error(L, "not enough memory for regex");
	pcre2_set_match_limit(r->mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, 100000);
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &r->ncaps);
	/* stack: cache, key, regex */
	size_t klen;
	const char *key = lua_tolstring(L, -2, &klen);
	lua_pushvalue(L, -1);
	pqx_cache_put(L, -4, key, klen, RE_CACHE_MAX);
	lua_replace(L, -3);
	lua_pop(L, 1);
	return r;
}

/* Gets the regex from arg idx: a Regex, or a pattern string with flags at idx+1. */
static lre *get_re(lua_State *L, int idx, int flags_idx)
{
	lre *r = luaL_testudata(L, idx, PQX_REGEX_MT);
	if (r)
		return r;
	size_t len;
	const char *pat = luaL_checklstring(L, idx, &len);
	const char *flags = flags_idx ? luaL_optstring(L, flags_idx, "") : "";
	r = compile(L, pat, len, flags);
	lua_replace(L, idx); /* keep it anchored at idx */
	return r;
}

/* Runs a match at byte offset start; returns 1 if matched, 0 if not; raises on limits. */
static int run(lua_State *L, lre *r, const char *s, size_t len, size_t start)
{
	int rc = pcre2_match(r->code, (PCRE2_SPTR)s, len, start, 0, r->md, r->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof msg);
		return luaL_error(L, "regex match failed: %s", (const char *)msg);
	}
	return 1;
}

/* pushes captures (or the whole match when there are none); returns count */
static int push_captures(lua_State *L, lre *r, const char *s, int whole_if_none)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	if (r->ncaps == 0) {
		if (!whole_if_none)
			return 0;
		lua_pushlstring(L, s + ov[0], ov[1] - ov[0]);
		return 1;
	}
	luaL_checkstack(L, (int)r->ncaps, "too many captures");
	for (uint32_t i = 1; i <= r->ncaps; i++) {
		if (ov[2 * i] == PCRE2_UNSET)
			lua_pushboolean(L, 0); /* did not take part: false, so nil always means no match */
		else
			lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
	}
	return (int)r->ncaps;
}

static size_t start_offset(lua_State *L, int idx, size_t len)
{
	lua_Integer init = luaL_optinteger(L, idx, 1);
	if (init < 0)
		init = (lua_Integer)len + init + 1;
	if (init < 1)
		init = 1;
	if ((size_t)init > len + 1)
		init = (lua_Integer)len + 1;
	return (size_t)init - 1;
}

/* re.match(s, pattern [, flags [, init]]) -> captures or whole match, or nil */
static int re_match(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lre *r = get_re(L, 2, 3);
	size_t st = start_offset(L, 4, len);
	if (!run(L, r, s, len, st)) {
		lua_pushnil(L);
		return 1;
	}
	return push_captures(L, r, s, 1);
}

/* re.find(s, pattern [, flags [, init]]) -> start, end, captures... or nil */
static int re_find(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lre *r = get_re(L, 2, 3);
	size_t st = start_offset(L, 4, len);
	if (!run(L, r, s, len, st)) {
		lua_pushnil(L);
		return 1;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	lua_pushinteger(L, (lua_Integer)ov[0] + 1);
	lua_pushinteger(L, (lua_Integer)ov[1]);
	return 2 + push_captures(L, r, s, 0);
}

/* next position after a match, stepping over an empty match by one UTF-8 char */
static size_t advance(const char *s, size_t len, PCRE2_SIZE *ov)
{
	size_t next = ov[1];
	if (ov[1] == ov[0]) {
		next++;
		while (next < len && ((unsigned char)s[next] & 0xC0) == 0x80)
			next++;
	}
	return next;
}

/* re.all(s, pattern [, flags]) -> list of matches (each: whole match, or a list of captures) */
static int re_all(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lre *r = get_re(L, 2, 3);
	lua_newtable(L);
	lua_Integer k = 0;
	size_t pos = 0;
	while (pos <= len && run(L, r, s, len, pos)) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		if (r->ncaps == 0) {
			lua_pushlstring(L, s + ov[0], ov[1] - ov[0]);
		} else {
			lua_createtable(L, (int)r->ncaps, 0);
			for (uint32_t i = 1; i <= r->ncaps; i++) {
				if (ov[2 * i] == PCRE2_UNSET)
					lua_pushboolean(L, 0);
				else
					lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
				lua_rawseti(L, -2, i);
			}
		}
		lua_rawseti(L, -2, ++k);
		pos = advance(s, len, ov);
	}
	return 1;
}

static int gmatch_next(lua_State *L)
{
	size_t len;
	const char *s = lua_tolstring(L, lua_upvalueindex(1), &len);
	lre *r = lua_touserdata(L, lua_upvalueindex(2));
	size_t pos = (size_t)lua_tointeger(L, lua_upvalueindex(3));
	if (pos > len || !run(L, r, s, len, pos))
		return 0;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	lua_pushinteger(L, (lua_Integer)advance(s, len, ov));
	lua_replace(L, lua_upvalueindex(3));
	return push_captures(L, r, s, 1);
}

/* re.gmatch(s, pattern [, flags]) -> iterator like string.gmatch */
static int re_gmatch(lua_State *L)
{
	luaL_checkstring(L, 1);
	get_re(L, 2, 3);
	lua_settop(L, 2);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* expands $0..$9 and ${name}-less $$ in a replacement string */
static void add_template(luaL_Buffer *b, lre *r, const char *s, const char *tpl, size_t tlen)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
	for (size_t i = 0; i < tlen; i++) {
		if (tpl[i] == '$' && i + 1 < tlen) {
			char c = tpl[i + 1];
			if (c == '$') {
				luaL_addchar(b, '$');
				i++;
				continue;
			}
			if (c >= '0' && c <= '9' && (uint32_t)(c - '0') <= r->ncaps) {
				int g = c - '0';
				if (ov[2 * g] != PCRE2_UNSET)
					luaL_addlstring(b, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
				i++;
				continue;
			}
		}
		luaL_addchar(b, tpl[i]);
	}
}

/* re.gsub(s, pattern, repl [, flags [, max]]) -> string, count
 * repl: string with $0-$9, a table indexed by the whole match, or a function of the captures */
static int re_gsub(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lre *r = get_re(L, 2, 4);
	int rt = lua_type(L, 3);
	luaL_argexpected(L, rt == LUA_TSTRING || rt == LUA_TNUMBER || rt == LUA_TTABLE || rt == LUA_TFUNCTION,
	                 3, "string/function/table");
	lua_Integer max = luaL_optinteger(L, 5, -1);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	size_t pos = 0, copied = 0;
	lua_Integer n = 0;
	while (pos <= len && (max < 0 || n < max) && run(L, r, s, len, pos)) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		size_t ms = ov[0], me = ov[1];
		luaL_addlstring(&b, s + copied, ms - copied);
		n++;
		if (rt == LUA_TSTRING || rt == LUA_TNUMBER) {
			size_t tlen;
			const char *tpl = lua_tolstring(L, 3, &tlen);
			add_template(&b, r, s, tpl, tlen);
		} else {
			if (rt == LUA_TFUNCTION) {
				lua_pushvalue(L, 3);
				int nc = push_captures(L, r, s, 1);
				lua_call(L, nc, 1);
			} else {
				lua_pushlstring(L, s + ms, me - ms);
				lua_gettable(L, 3);
			}
			if (!lua_toboolean(L, -1)) {
				lua_pop(L, 1);
				luaL_addlstring(&b, s + ms, me - ms);
			} else if (lua_isstring(L, -1)) {
				luaL_addvalue(&b);
			} else {
				return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
			}
		}
		copied = me;
		pos = advance(s, len, ov);
		if (pos > me && me < len) {
			/* empty match: copy the stepped-over character */
			luaL_addlstring(&b, s + me, pos - me);
			copied = pos;
		}
	}
	if (copied < len)
		luaL_addlstring(&b, s + copied, len - copied);
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

/* re.split(s, pattern [, flags]) -> list of pieces between matches */
static int re_split(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lre *r = get_re(L, 2, 3);
	lua_newtable(L);
	lua_Integer k = 0;
	size_t pos = 0, piece = 0;
	while (pos <= len && run(L, r, s, len, pos)) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
		if (ov[1] == ov[0] && ov[0] == piece) { /* no empty piece from an empty match */
			pos = advance(s, len, ov);
			continue;
		}
		lua_pushlstring(L, s + piece, ov[0] - piece);
		lua_rawseti(L, -2, ++k);
		piece = ov[1];
		pos = advance(s, len, ov);
	}
	lua_pushlstring(L, s + piece, len - piece);
	lua_rawseti(L, -2, ++k);
	return 1;
}

/* re.compile(pattern [, flags]) -> Regex with :match :find :all :gmatch :gsub :split */
static int re_compile(lua_State *L)
{
	size_t len;
	const char *pat = luaL_checklstring(L, 1, &len);
	compile(L, pat, len, luaL_optstring(L, 2, ""));
	return 1;
}

/* methods: regex:method(s, ...) -> re.method(s, regex, ...) */
static int method_shim(lua_State *L)
{
	lua_CFunction f = lua_tocfunction(L, lua_upvalueindex(1));
	int flags_at = (int)lua_tointeger(L, lua_upvalueindex(2));
	/* args: regex, s, rest... -> s, regex, [flags placeholder], rest... */
	luaL_checkudata(L, 1, PQX_REGEX_MT);
	lua_pushvalue(L, 1);
	lua_remove(L, 1);
	lua_insert(L, 2);
	if (flags_at) {
		lua_pushnil(L);
		lua_insert(L, flags_at);
	}
	return f(L);
}

int pqx_open_re(lua_State *L)
{
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &RECACHE_KEY);
	static const struct { const char *name; lua_CFunction f; int flags_at; } fns[] = {
		{"match", re_match, 3}, {"find", re_find, 3}, {"all", re_all, 3},
		{"gmatch", re_gmatch, 3}, {"gsub", re_gsub, 4}, {"split", re_split, 3},
	};
	luaL_newmetatable(L, PQX_REGEX_MT);
	lua_pushcfunction(L, re_gc);
	lua_setfield(L, -2, "__gc");
	lua_newtable(L);
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		lua_pushcfunction(L, fns[i].f);
		lua_pushinteger(L, fns[i].flags_at);
		lua_pushcclosure(L, method_shim, 2);
		lua_setfield(L, -2, fns[i].name);
	}
	lua_setfield(L, -2, "__index");
	lua_pop(L, 1);
	lua_newtable(L);
	for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		lua_pushcfunction(L, fns[i].f);
		lua_setfield(L, -2, fns[i].name);
	}
	lua_pushcfunction(L, re_compile);
	lua_setfield(L, -2, "compile");
	return 1;
}
