/*
 * json.c: Lua values to canonical JSON. Object keys are sorted so that equal
 * records give equal text (the store hashes it to detect changes). A sequence
 * (keys 1..n) is an array, an empty table is an array unless its metatable
 * says __jsontype = "object", any other table an object with string keys. Errors name the field path ("answers[1].date") so a
 * script writer sees which value cannot be stored.
 * Never: emit invalid UTF-8, NaN or infinities, or follow a cycle.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "doc.h"

#define JSON_MAX_DEPTH 64
#define JSON_PATH_MAX 512

/* One step of the path to the value being written: a key, or an index. */
typedef struct jseg {
	const char *key; /* NULL: an index */
	lua_Integer index;
} jseg;

typedef struct jctx {
	lua_State *L;
	pqx_buf *out;
	pqx_buf *err;
	int pretty;
	/* The path ("answers[1].date") is only written out when a message needs it:
	 * building it for every value cost more than writing the value. */
	jseg segs[JSON_MAX_DEPTH + 1];
	int nsegs;
	char path[JSON_PATH_MAX];
	size_t max;   /* output bound in bytes, 0 = none */
	int over;     /* the bound was passed */
} jctx;

/* The path as text, "value" at the top; truncated as a JSON_PATH_MAX buffer
 * written step by step truncates it. */
static const char *path_of(jctx *j)
{
	size_t plen = 0;
	j->path[0] = '\0';
	for (int i = 0; i < j->nsegs; i++) {
		if (j->segs[i].key)
			snprintf(j->path + plen, sizeof j->path - plen, "%s%s", plen ? "." : "", j->segs[i].key);
		else
			snprintf(j->path + plen, sizeof j->path - plen, "[%lld]", (long long)j->segs[i].index);
		plen = strlen(j->path);
	}
	return j->path[0] ? j->path : "value";
}

/* Past the bound the text is abandoned: the memory a page may use covers what
 * the engine builds from its values, and escaping can make JSON 6 times the
 * size of the strings in it. */
static int too_big(jctx *j)
{
	if (!j->max || j->out->len <= j->max)
		return 0;
	if (!j->over)
		pqx_buf_addf(j->err, "%s: the JSON text grows past %zu bytes", path_of(j), j->max);
	j->over = 1;
	return 1;
}

/* one byte, without a call when there is room (the writer adds many) */
static void put_c(pqx_buf *o, char c)
{
	if (!o->oom && o->len + 1 < o->cap) {
		o->s[o->len++] = c;
		o->s[o->len] = '\0';
	} else {
		pqx_buf_addc(o, c);
	}
}

static int utf8_len(const unsigned char *s, size_t n)
{
	/* length of a valid UTF-8 sequence at s, 0 if invalid */
	unsigned c = s[0];
	int len;
	unsigned cp;
	if (c < 0x80)
		return 1;
	else if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
	else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
	else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return len;
}

/* Bytes in a JSON string: 0 as they are, 1 escaped (controls, '"', '\\'),
 * 2 the first byte of a multi-byte UTF-8 sequence (checked, then as it is). */
static const unsigned char json_class[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Runs of bytes that need no escape (printable ASCII, valid UTF-8) are copied in
 * one piece, at most 64 KB at a time so the size bound is checked as the text grows. */
#define PLAIN_RUN_MAX 65536

static int put_string(jctx *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	pqx_buf *o = j->out;
	put_c(o, '"');
	size_t i = 0;
	while (i < n) {
		/* a run that is copied as it is */
		size_t start = i, stop = n - i > PLAIN_RUN_MAX ? i + PLAIN_RUN_MAX : n;
		while (i < stop) {
			unsigned cl = json_class[s[i]];
			if (cl == 0) {
				i++;
			} else if (cl == 2) {
				int len = utf8_len(s + i, n - i);
				if (len == 0) {
					pqx_buf_addf(j->err, "%s: string is not valid UTF-8 (byte 0x%02X at offset %zu)",
					             path_of(j), s[i], i);
					return -1;
				}
				i += (size_t)len;
			} else {
				break;
			}
		}
		pqx_buf_add(o, str + start, i - start);
		if (i - start >= PLAIN_RUN_MAX && too_big(j))
			return -1;
		if (i >= n || json_class[s[i]] != 1)
			continue;
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			pqx_buf_add(o, e, 2);
		} else {
			switch (c) {
			case '\n': pqx_buf_add(o, "\\n", 2); break;
			case '\t': pqx_buf_add(o, "\\t", 2); break;
			case '\r': pqx_buf_add(o, "\\r", 2); break;
			default: {
				/* by hand: snprintf per byte is slow on strings of controls */
				static const char hex[] = "0123456789abcdef";
				char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
				pqx_buf_add(o, e, 6);
			}
			}
		}
		i++;
		if ((i & 0xFFFF) < 8 && too_big(j))
			return -1;
	}
	if (too_big(j))
		return -1;
	put_c(o, '"');
	return 0;
}

static void newline(jctx *j, int depth)
{
	if (!j->pretty)
		return;
	put_c(j->out, '\n');
	for (int i = 0; i < depth; i++)
		pqx_buf_add(j->out, "  ", 2);
}

static int encode(jctx *j, int idx, int depth);

/* A key as C text: keys are compared, written and looked up up to a NUL. */
typedef struct jkey {
	const char *s;
} jkey;

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const jkey *)a)->s, ((const jkey *)b)->s);
}

/* length of the sequence part if the table is a pure sequence, else -1 */
static lua_Integer sequence_length(lua_State *L, int idx)
{
	lua_Integer n = 0, max = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
			lua_pop(L, 1);
			return -1;
		}
		lua_Integer k = lua_tointeger(L, -1);
		if (k > max)
			max = k;
		n++;
	}
	return n == max ? n : -1;
}

#define JSON_KEYS_ON_STACK 32

static int encode_table(jctx *j, int idx, int depth)
{
	lua_State *L = j->L;
	if (depth >= JSON_MAX_DEPTH) {
		pqx_buf_addf(j->err, "%s: nested too deeply (a cycle?)", path_of(j));
		return -1;
	}
	lua_Integer n = sequence_length(L, idx);
	if (n == 0 && luaL_getmetafield(L, idx, "__jsontype") != LUA_TNIL) {
		/* an empty table marked as an object (pqx.record.canonicalise) */
		int object = strcmp(lua_tostring(L, -1) ? lua_tostring(L, -1) : "", "object") == 0;
		lua_pop(L, 1);
		if (object) {
			pqx_buf_add(j->out, "{}", 2);
			return 0;
		}
	}
	jseg *seg = &j->segs[j->nsegs];
	if (n >= 0) {
		put_c(j->out, '[');
		j->nsegs++;
		seg->key = NULL;
		for (lua_Integer i = 1; i <= n; i++) {
			if (i > 1)
				put_c(j->out, ',');
			newline(j, depth + 1);
			seg->index = i;
			lua_rawgeti(L, idx, i);
			int rc = encode(j, lua_gettop(L), depth + 1);
			lua_pop(L, 1);
			if (rc)
				return -1;
		}
		j->nsegs--;
		if (n > 0)
			newline(j, depth);
		put_c(j->out, ']');
		return 0;
	}
	/* object: collect and sort keys (most records' objects have a few, kept on
	 * the C stack) */
	jkey local[JSON_KEYS_ON_STACK];
	jkey *keys = local;
	size_t count = 0, cap = JSON_KEYS_ON_STACK;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			pqx_buf_addf(j->err, "%s: table mixes list items and named fields, or has a %s key",
			             path_of(j), luaL_typename(L, -1));
			lua_pop(L, 1);
			if (keys != local)
				free(keys);
			return -1;
		}
		if (count == cap) {
			jkey *k2 = keys == local ? malloc(2 * cap * sizeof *keys)
			                         : realloc(keys, 2 * cap * sizeof *keys);
			if (!k2) {
				if (keys != local)
					free(keys);
				lua_pop(L, 1);
				return -1;
			}
			if (keys == local)
				memcpy(k2, local, sizeof local);
			keys = k2;
			cap *= 2;
		}
		keys[count].s = lua_tostring(L, -1); /* anchored by the table */
		count++;
	}
	qsort(keys, count, sizeof *keys, key_cmp);
	put_c(j->out, '{');
	int rc = 0;
	j->nsegs++;
	for (size_t i = 0; i < count && rc == 0; i++) {
		if (i > 0)
			put_c(j->out, ',');
		newline(j, depth + 1);
		/* a key that cannot be written is reported at the path of the value
		 * before it (the object's own path for the first key), as it always was */
		if (i == 0)
			j->nsegs--;
		rc = put_string(j, keys[i].s, strlen(keys[i].s));
		if (i == 0)
			j->nsegs++;
		put_c(j->out, ':');
		if (j->pretty)
			put_c(j->out, ' ');
		seg->key = keys[i].s;
		lua_getfield(L, idx, keys[i].s);
		if (rc == 0)
			rc = encode(j, lua_gettop(L), depth + 1);
		lua_pop(L, 1);
	}
	j->nsegs--;
	if (keys != local)
		free(keys);
	if (rc)
		return -1;
	if (count > 0)
		newline(j, depth);
	put_c(j->out, '}');
	return 0;
}

static int encode(jctx *j, int idx, int depth)
{
	lua_State *L = j->L;
	if (too_big(j))
		return -1;
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		pqx_buf_add(j->out, "null", 4);
		return 0;
	case LUA_TBOOLEAN:
		if (lua_toboolean(L, idx))
			pqx_buf_add(j->out, "true", 4);
		else
			pqx_buf_add(j->out, "false", 5);
		return 0;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			pqx_buf_addf(j->out, "%lld", (long long)lua_tointeger(L, idx));
		} else {
			double d = lua_tonumber(L, idx);
			if (!isfinite(d)) {
				pqx_buf_addf(j->err, "%s: %g cannot be stored in JSON", path_of(j), d);
				return -1;
			}
			if (d == floor(d) && fabs(d) < 1e15)
				pqx_buf_addf(j->out, "%.1f", d);
			else
				pqx_buf_addf(j->out, "%.17g", d);
		}
		return 0;
	case LUA_TSTRING: {
		size_t n;
		const char *s = lua_tolstring(L, idx, &n);
		return put_string(j, s, n);
	}
	case LUA_TTABLE:
		return encode_table(j, idx, depth);
	case LUA_TUSERDATA:
		if (luaL_testudata(L, idx, PQX_NODE_MT)) {
			pqx_buf_addf(j->err, "%s: a DOM node cannot be stored; use node:text() or node:attr(name)",
			             path_of(j));
			return -1;
		}
		/* fall through */
	default:
		pqx_buf_addf(j->err, "%s: a %s value cannot be stored in JSON", path_of(j),
		             luaL_typename(L, idx));
		return -1;
	}
}

int pqx_json_encode_max(lua_State *L, int idx, int pretty, size_t max, pqx_buf *out, pqx_buf *err)
{
	jctx j;
	j.L = L;
	j.out = out;
	j.err = err;
	j.pretty = pretty;
	j.nsegs = 0;
	j.path[0] = '\0';
	j.max = max;
	j.over = 0;
	luaL_checkstack(L, JSON_MAX_DEPTH * 2 + 10, "json");
	int rc = encode(&j, lua_absindex(L, idx), 0);
	if (rc == 0 && too_big(&j))
		rc = -1;
	if (j.over) {
		pqx_buf_free(out);
		return -2;
	}
	if (rc == 0 && out->oom) {
		pqx_buf_adds(err, "not enough memory for JSON");
		return -1;
	}
	return rc;
}

int pqx_json_encode(lua_State *L, int idx, int pretty, pqx_buf *out, pqx_buf *err)
{
	return pqx_json_encode_max(L, idx, pretty, 0, out, err);
}

/* ---- decoding (expected files of `pqx test`) ------------------------------ */

typedef struct jdec {
	lua_State *L;
	const char *s, *p, *end;
	pqx_buf *err;
	int depth;
} jdec;

static void dec_ws(jdec *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r'))
		d->p++;
}

static int dec_fail(jdec *d, const char *what)
{
	int line = 1, col = 1;
	for (const char *q = d->s; q < d->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*q & 0xC0) != 0x80) {
			col++;
		}
	}
	pqx_buf_addf(d->err, "line %d, column %d: %s", line, col, what);
	return -1;
}

static void put_utf8(luaL_Buffer *b, unsigned cp)
{
	char u[4];
	luaL_addlstring(b, u, pqx_utf8_put(u, cp));
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static int dec_string(jdec *d)
{
	luaL_Buffer b;
	luaL_buffinit(d->L, &b);
	d->p++; /* opening quote */
	while (d->p < d->end && *d->p != '"') {
		unsigned char c = (unsigned char)*d->p;
		if (c < 0x20)
			return dec_fail(d, "control character in string");
		if (c != '\\') {
			luaL_addchar(&b, (char)c);
			d->p++;
			continue;
		}
		if (d->p + 1 >= d->end)
			return dec_fail(d, "unterminated string");
		char e = d->p[1];
		d->p += 2;
		switch (e) {
		case '"': luaL_addchar(&b, '"'); break;
		case '\\': luaL_addchar(&b, '\\'); break;
		case '/': luaL_addchar(&b, '/'); break;
		case 'b': luaL_addchar(&b, '\b'); break;
		case 'f': luaL_addchar(&b, '\f'); break;
		case 'n': luaL_addchar(&b, '\n'); break;
		case 'r': luaL_addchar(&b, '\r'); break;
		case 't': luaL_addchar(&b, '\t'); break;
		case 'u': {
			unsigned cp;
			if (d->end - d->p < 4 || hex4(d->p, &cp) != 0)
				return dec_fail(d, "bad \\u escape");
			d->p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF && d->end - d->p >= 6 && d->p[0] == '\\' && d->p[1] == 'u') {
				unsigned lo;
				if (hex4(d->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					d->p += 6;
				}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			put_utf8(&b, cp);
			break;
		}
		default:
			return dec_fail(d, "bad escape in string");
		}
	}
	if (d->p >= d->end)
		return dec_fail(d, "unterminated string");
	d->p++;
	luaL_pushresult(&b);
	return 0;
}

static int dec_value(jdec *d)
{
	lua_State *L = d->L;
	dec_ws(d);
	if (d->p >= d->end)
		return dec_fail(d, "unexpected end of JSON");
	if (++d->depth > 200)
		return dec_fail(d, "nested too deeply");
	luaL_checkstack(L, 4, "json");
	char c = *d->p;
	int rc = 0;
	if (c == '{') {
		d->p++;
		lua_newtable(L);
		dec_ws(d);
		if (d->p < d->end && *d->p == '}') {
			/* an empty object stays an object when written again */
			d->p++;
			lua_createtable(L, 0, 1);
			lua_pushliteral(L, "object");
			lua_setfield(L, -2, "__jsontype");
			lua_setmetatable(L, -2);
		} else {
			for (;;) {
				dec_ws(d);
				if (d->p >= d->end || *d->p != '"')
					return dec_fail(d, "expected a string key");
				if (dec_string(d))
					return -1;
				dec_ws(d);
				if (d->p >= d->end || *d->p != ':')
					return dec_fail(d, "expected ':'");
				d->p++;
				if (dec_value(d))
					return -1;
				lua_rawset(L, -3);
				dec_ws(d);
				if (d->p < d->end && *d->p == ',') { d->p++; continue; }
				if (d->p < d->end && *d->p == '}') { d->p++; break; }
				return dec_fail(d, "expected ',' or '}'");
			}
		}
	} else if (c == '[') {
		d->p++;
		lua_newtable(L);
		lua_Integer i = 0;
		dec_ws(d);
		if (d->p < d->end && *d->p == ']') {
			d->p++;
		} else {
			for (;;) {
				if (dec_value(d))
					return -1;
				lua_rawseti(L, -2, ++i);
				dec_ws(d);
				if (d->p < d->end && *d->p == ',') { d->p++; continue; }
				if (d->p < d->end && *d->p == ']') { d->p++; break; }
				return dec_fail(d, "expected ',' or ']'");
			}
		}
	} else if (c == '"') {
		rc = dec_string(d);
	} else if (d->end - d->p >= 4 && memcmp(d->p, "true", 4) == 0) {
		lua_pushboolean(L, 1);
		d->p += 4;
	} else if (d->end - d->p >= 5 && memcmp(d->p, "false", 5) == 0) {
		lua_pushboolean(L, 0);
		d->p += 5;
	} else if (d->end - d->p >= 4 && memcmp(d->p, "null", 4) == 0) {
		lua_pushnil(L);
		d->p += 4;
	} else if (c == '-' || (c >= '0' && c <= '9')) {
		const char *q = d->p;
		int is_float = 0;
		if (*q == '-') q++;
		while (q < d->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
		                      *q == '+' || *q == '-')) {
			if (*q == '.' || *q == 'e' || *q == 'E')
				is_float = 1;
			q++;
		}
		char num[64];
		size_t n = (size_t)(q - d->p);
		if (n >= sizeof num)
			return dec_fail(d, "number too long");
		memcpy(num, d->p, n);
		num[n] = '\0';
		if (!lua_stringtonumber(L, num))
			return dec_fail(d, "bad number");
		if (is_float && lua_isinteger(L, -1)) {
			lua_Number v = (lua_Number)lua_tointeger(L, -1);
			lua_pop(L, 1);
			lua_pushnumber(L, v);
		}
		d->p = q;
	} else {
		return dec_fail(d, "unexpected character");
	}
	d->depth--;
	return rc;
}

int pqx_json_decode(lua_State *L, const char *s, size_t len, pqx_buf *err)
{
	jdec d = {L, s, s, s + len, err, 0};
	int top = lua_gettop(L);
	if (dec_value(&d) != 0) {
		lua_settop(L, top);
		return -1;
	}
	dec_ws(&d);
	if (d.p != d.end) {
		lua_settop(L, top);
		return dec_fail(&d, "text after the JSON value");
	}
	return 0;
}
