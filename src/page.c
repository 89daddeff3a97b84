/*
 * page.c: one page through one script (see page.h).
 * The budgets are armed only around the script's own code; validation is the
 * engine's (lua/pqx/record.lua, run by the host, so a script cannot skip it).
 * Never: drop a record silently. An invalid record makes the whole page an
 * error that names the record and the field.
 */
#define _POSIX_C_SOURCE 200809L
#include "page.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "doc.h"
#include "sha256.h"

void pqx_page_result_init(pqx_page_result *r)
{
	memset(r, 0, sizeof *r);
	r->encoding_source = "";
}

void pqx_page_result_free(pqx_page_result *r)
{
	pqx_buf_free(&r->error);
	pqx_buf_free(&r->warnings);
	pqx_buf_free(&r->records_json);
	pqx_buf_free(&r->stats_json);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ctx.emit(record) and ctx.warn(message) close over ctx's own lists */
static int ctx_emit(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static int ctx_warn(lua_State *L)
{
	const char *msg = luaL_checkstring(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushstring(L, msg);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	return 0;
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

/* Is the table at idx one record (named fields) rather than a list of them? */
static int looks_like_record(lua_State *L, int idx)
{
	if (lua_rawlen(L, idx) > 0)
		return 0;
	lua_pushnil(L);
	if (lua_next(L, idx)) {
		lua_pop(L, 2);
		return 1;
	}
	return 0;
}

/* ---- the records, copied raw ----------------------------------------------- */

/* What the engine validates, canonicalises and stores is a plain copy of what
 * the script gave, read with raw access only: no __index, __pairs or __len of
 * the script's runs after its budgets (what is checked is exactly what is
 * written), no metatable survives (an `extra` whose metatable is protected is
 * still an object), and shared tables stay shared (memo), so a DAG cannot
 * blow up. The copy is made under the page's memory budget. */

#define COPY_MAX_DEPTH 100

static void copy_plain(lua_State *L, int idx, int memo, int depth)
{
	if (lua_type(L, idx) != LUA_TTABLE) {
		lua_pushvalue(L, idx);
		return;
	}
	lua_pushvalue(L, idx);
	if (lua_rawget(L, memo) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	if (depth >= COPY_MAX_DEPTH)
		luaL_error(L, "records: a value nests deeper than %d tables", COPY_MAX_DEPTH);
	luaL_checkstack(L, 8, "records");
	lua_newtable(L);
	int copy = lua_gettop(L);
	lua_pushvalue(L, idx);
	lua_pushvalue(L, copy);
	lua_rawset(L, memo);
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int v = lua_gettop(L);
		lua_pushvalue(L, v - 1);           /* key, as it is */
		copy_plain(L, v, memo, depth + 1); /* value, copied */
		lua_rawset(L, copy);
		lua_pop(L, 1);
	}
}

/* (emitted, returned) -> plain copy of the records: emitted ones first, then
 * what extract returned (one record, or a list of them) */
static int collect_records(lua_State *L)
{
	int emitted = 1, ret = 2;
	if (lua_istable(L, ret)) {
		if (looks_like_record(L, ret)) {
			lua_pushvalue(L, ret);
			lua_rawseti(L, emitted, (lua_Integer)lua_rawlen(L, emitted) + 1);
		} else {
			lua_Integer n = (lua_Integer)lua_rawlen(L, ret);
			for (lua_Integer i = 1; i <= n; i++) {
				lua_rawgeti(L, ret, i);
				lua_rawseti(L, emitted, (lua_Integer)lua_rawlen(L, emitted) + 1);
			}
		}
	}
	lua_newtable(L);
	int memo = lua_gettop(L);
	copy_plain(L, emitted, memo, 0);
	return 1;
}

static void fail(pqx_page_result *res, int status, const char *msg)
{
	if (res->status == PQX_EXIT_OK || status > res->status)
		res->status = status;
	if (res->error.len)
		pqx_buf_addc(&res->error, '\n');
	pqx_buf_adds(&res->error, msg);
}

static void process_document(pqx_vm *vm, int script_idx, const char *script_name, int doc_idx,
                             const char *fetched, pqx_page_result *res)
{
	lua_State *L = pqx_vm_state(vm);
	script_idx = lua_absindex(L, script_idx);
	doc_idx = lua_absindex(L, doc_idx);
	double t0 = now();
	pqx_document *d = pqx_to_document(L, doc_idx);
	if (d) {
		snprintf(res->encoding, sizeof res->encoding, "%s", d->text.encoding);
		res->encoding_source = d->text.source ? d->text.source : "";
		res->replaced = d->text.replaced;
		res->parse_errors = d->parse_errors;
		res->bytes = d->raw_bytes;
		if (d->text.warning[0]) {
			pqx_buf_adds(&res->warnings, d->text.warning);
			pqx_buf_addc(&res->warnings, '\n');
		}
		if (d->fragment)
			pqx_buf_addf(&res->warnings,
			             "the page is a bare table fragment (no <table> around it): parsed "
			             "inside <%s> so that its rows and cells are kept (ctx.fragment)\n",
			             d->fragment);
	}

	/* ctx */
	lua_newtable(L);
	int ctx = lua_gettop(L);
	lua_newtable(L);
	int emitted = lua_gettop(L);
	lua_newtable(L);
	int warnings = lua_gettop(L);
	lua_getfield(L, doc_idx, "path");
	lua_setfield(L, ctx, "path");
	/* the script's base_url (checked when it loaded) serves pages of unknown URL */
	if (d) {
		lua_getfield(L, script_idx, "base_url");
		pqx_doc_set_fallback_base(L, doc_idx, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_getfield(L, doc_idx, "url");
	lua_setfield(L, ctx, "url");
	lua_pushvalue(L, ctx);
	set_str(L, "fetched", fetched);
	set_str(L, "encoding", res->encoding);
	set_str(L, "encoding_source", res->encoding_source);
	if (d && d->text.warning[0])
		set_str(L, "encoding_warning", d->text.warning);
	set_int(L, "replaced", (lua_Integer)res->replaced);
	set_int(L, "fallback_bytes", d ? (lua_Integer)d->text.fallback_bytes : 0);
	set_int(L, "double_encoded", d ? (lua_Integer)d->text.double_encoded : 0);
	if (d && d->fragment)
		set_str(L, "fragment", d->fragment);
	set_int(L, "parse_errors", (lua_Integer)res->parse_errors);
	set_int(L, "bytes", (lua_Integer)res->bytes);
	if (res->sha256[0])
		set_str(L, "sha256", res->sha256);
	set_str(L, "script", script_name);
	lua_pushvalue(L, emitted);
	lua_pushcclosure(L, ctx_emit, 1);
	lua_setfield(L, -2, "emit");
	lua_pushvalue(L, warnings);
	lua_pushcclosure(L, ctx_warn, 1);
	lua_setfield(L, -2, "warn");
	lua_pushvalue(L, warnings);
	lua_setfield(L, -2, "warnings");
	lua_pop(L, 1);

	/* extract(doc, ctx) under the budgets, and the copy of its records too */
	lua_getfield(L, script_idx, "extract");
	lua_pushvalue(L, doc_idx);
	lua_pushvalue(L, ctx);
	pqx_buf err = PQX_BUF_INIT;
	pqx_vm_arm(vm);
	int rc = pqx_vm_pcall(vm, 2, 1, &err);
	int ret = lua_gettop(L);
	int copied = 0;
	if (rc == LUA_OK && (lua_istable(L, ret) || lua_isnil(L, ret))) {
		lua_pushcfunction(L, collect_records);
		lua_pushvalue(L, emitted);
		lua_pushvalue(L, ret);
		rc = pqx_vm_pcall(vm, 2, 1, &err);
		copied = rc == LUA_OK;
		if (!copied)
			lua_pushnil(L); /* keeps ret where it was */
	}
	enum pqx_vm_limit hit = pqx_vm_disarm(vm);
	if (hit != PQX_LIMIT_NONE) {
		fail(res, PQX_EXIT_LIMIT, pqx_vm_limit_text(vm, hit));
		pqx_buf_free(&err);
		lua_settop(L, warnings);
		goto done;
	}
	if (rc != LUA_OK) {
		fail(res, PQX_EXIT_SCRIPT, pqx_buf_cstr(&err));
		pqx_buf_free(&err);
		lua_settop(L, warnings);
		goto done;
	}
	pqx_buf_free(&err);
	if (!copied) {
		char m[200];
		snprintf(m, sizeof m, "%s: extract returned a %s; expected a record, a list of records, or nil",
		         script_name, luaL_typename(L, ret));
		fail(res, PQX_EXIT_SCRIPT, m);
		lua_settop(L, warnings);
		goto done;
	}
	/* from here on the engine works on the copy only */
	lua_replace(L, emitted);
	lua_settop(L, warnings);
	res->nrecords = lua_rawlen(L, emitted);
	for (size_t i = 1; i <= res->nrecords; i++) {
		int t = lua_rawgeti(L, emitted, (lua_Integer)i);
		if (t != LUA_TTABLE) {
			char m[200];
			snprintf(m, sizeof m, "%s: record #%zu is a %s, not a table", script_name, i,
			         lua_typename(L, t));
			fail(res, PQX_EXIT_SCRIPT, m);
		} else if (lua_getfield(L, -1, "schema") == LUA_TNIL) {
			res->unschemed++;
		}
		lua_settop(L, warnings);
	}
	if (res->status != PQX_EXIT_OK)
		goto done;

	/* the engine's validation, with its own instance of pqx.record */
	pqx_vm_require(L, "pqx.record");
	int recmod = lua_gettop(L);
	lua_getfield(L, recmod, "validate_page");
	lua_pushvalue(L, emitted);
	lua_pushstring(L, script_name);
	pqx_buf verr = PQX_BUF_INIT;
	if (pqx_vm_pcall(vm, 2, 1, &verr) != LUA_OK) {
		fail(res, PQX_EXIT_INTERNAL, pqx_buf_cstr(&verr));
		pqx_buf_free(&verr);
		goto done;
	}
	pqx_buf_free(&verr);
	lua_Integer nprob = (lua_Integer)lua_rawlen(L, -1);
	for (lua_Integer i = 1; i <= nprob; i++) {
		lua_rawgeti(L, -1, i);
		fail(res, PQX_EXIT_VALIDATION, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	lua_settop(L, recmod);
	if (res->status != PQX_EXIT_OK) {
		/* the rejected records' own warnings often say why a field is missing */
		for (size_t i = 1; i <= res->nrecords; i++) {
			lua_rawgeti(L, emitted, (lua_Integer)i);
			lua_getfield(L, -1, "id");
			const char *id = lua_tostring(L, -1);
			if (lua_getfield(L, -2, "warnings") == LUA_TTABLE) {
				lua_Integer nw = (lua_Integer)lua_rawlen(L, -1);
				for (lua_Integer k = 1; k <= nw; k++) {
					lua_rawgeti(L, -1, k);
					if (lua_type(L, -1) == LUA_TSTRING)
						pqx_buf_addf(&res->warnings, "record %s: %s\n", id ? id : "?", lua_tostring(L, -1));
					lua_pop(L, 1);
				}
			}
			lua_settop(L, recmod);
		}
		goto done;
	}

	/* canonical JSON: empty object fields stay objects */
	lua_getfield(L, recmod, "canonicalise");
	lua_pushvalue(L, emitted);
	pqx_buf cerr = PQX_BUF_INIT;
	if (pqx_vm_pcall(vm, 1, 0, &cerr) != LUA_OK)
		fail(res, PQX_EXIT_INTERNAL, pqx_buf_cstr(&cerr));
	pqx_buf_free(&cerr);
	lua_settop(L, recmod);
	if (res->status != PQX_EXIT_OK)
		goto done;
	pqx_buf jerr = PQX_BUF_INIT;
	int jrc = pqx_json_encode_max(L, emitted, 0, pqx_vm_memory_left(vm), &res->records_json, &jerr);
	if (jrc == -2) {
		char m[700];
		snprintf(m, sizeof m, "%s (%s: records%s)", pqx_vm_limit_text(vm, PQX_LIMIT_MEMORY),
		         script_name, pqx_buf_cstr(&jerr));
		fail(res, PQX_EXIT_LIMIT, m);
	} else if (jrc != 0) {
		char m[600];
		snprintf(m, sizeof m, "%s: records%s", script_name, pqx_buf_cstr(&jerr));
		fail(res, PQX_EXIT_VALIDATION, m);
	}
	pqx_buf_free(&jerr);

done:
	/* script warnings (ctx.warn) join the page's */
	{
		lua_Integer nw = (lua_Integer)lua_rawlen(L, warnings);
		for (lua_Integer i = 1; i <= nw; i++) {
			/* raw, strings only: ctx.warnings is the script's to scribble on */
			if (lua_rawgeti(L, warnings, i) == LUA_TSTRING) {
				pqx_buf_adds(&res->warnings, lua_tostring(L, -1));
				pqx_buf_addc(&res->warnings, '\n');
			}
			lua_pop(L, 1);
		}
	}
	if (res->status == PQX_EXIT_OK)
		lua_pushvalue(L, emitted);
	else
		lua_pushnil(L);
	lua_replace(L, ctx);
	lua_settop(L, ctx);
	res->seconds = now() - t0;
}

static int preload_record(lua_State *L)
{
	pqx_vm_require(L, "pqx.record");
	return 0;
}

int pqx_page_preload(pqx_vm *vm, pqx_buf *err)
{
	lua_State *L = pqx_vm_state(vm);
	lua_pushcfunction(L, preload_record);
	return pqx_vm_pcall(vm, 0, 0, err) == LUA_OK ? 0 : -1;
}

void pqx_process_document(pqx_vm *vm, int script_idx, const char *script_name, int doc_idx,
                          pqx_page_result *res)
{
	process_document(vm, script_idx, script_name, doc_idx, NULL, res);
}

void pqx_process_document_fetched(pqx_vm *vm, int script_idx, const char *script_name, int doc_idx,
                                  const char *fetched, pqx_page_result *res)
{
	process_document(vm, script_idx, script_name, doc_idx, fetched, res);
}

static void process_bytes(pqx_vm *vm, int script_idx, const char *script_name, const char *path,
                          const char *bytes, size_t len, const pqx_page_source *src,
                          const pqx_common_opts *opts, pqx_page_result *res, double t0);

void pqx_process_page(pqx_vm *vm, int script_idx, const char *script_name, const char *path,
                      const pqx_common_opts *opts, pqx_page_result *res)
{
	lua_State *L = pqx_vm_state(vm);
	script_idx = lua_absindex(L, script_idx);
	double t0 = now();
	pqx_buf bytes = PQX_BUF_INIT;
	int rd = pqx_read_regular_file(path, &bytes, opts->limits.max_bytes);
	if (rd != 0) {
		char m[300];
		if (rd == PQX_READ_TOO_BIG)
			snprintf(m, sizeof m, "page is over the limit of %zu bytes (--max-bytes); "
			         "reading stopped there", opts->limits.max_bytes);
		else if (rd == PQX_READ_NOT_REGULAR && errno != EISDIR)
			snprintf(m, sizeof m, "cannot read page: not a regular file (a FIFO, device or "
			         "socket); pass a list of paths on standard input with -");
		else
			snprintf(m, sizeof m, "cannot read page: %s", strerror(errno ? errno : EIO));
		fail(res, rd == PQX_READ_TOO_BIG ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT, m);
		pqx_buf_free(&bytes);
		lua_pushnil(L);
		return;
	}
	process_bytes(vm, script_idx, script_name, path, bytes.s ? bytes.s : "", bytes.len, NULL, opts, res, t0);
	pqx_buf_free(&bytes);
}

void pqx_process_bytes(pqx_vm *vm, int script_idx, const char *script_name, const char *name,
                       const char *bytes, size_t len, const pqx_page_source *src,
                       const pqx_common_opts *opts, pqx_page_result *res)
{
	process_bytes(vm, lua_absindex(pqx_vm_state(vm), script_idx), script_name, name, bytes, len, src,
	              opts, res, now());
}

static void process_bytes(pqx_vm *vm, int script_idx, const char *script_name, const char *path,
                          const char *bytes, size_t len, const pqx_page_source *src,
                          const pqx_common_opts *opts, pqx_page_result *res, double t0)
{
	lua_State *L = pqx_vm_state(vm);
	if (opts->limits.max_bytes && len > opts->limits.max_bytes) {
		char m[200];
		snprintf(m, sizeof m, "page is over the limit of %zu bytes (--max-bytes); "
		         "reading stopped there", opts->limits.max_bytes);
		fail(res, PQX_EXIT_LIMIT, m);
		lua_pushnil(L);
		return;
	}
	res->bytes = len;
	pqx_sha256_hex(bytes, len, res->sha256);

	const char *enc = opts->encoding;
	if (!enc) {
		lua_getfield(L, script_idx, "encoding");
		enc = lua_tostring(L, -1); /* anchored by the script table */
		lua_pop(L, 1);
	}
	pqx_document d;
	char err[512];
	enum pqx_parse_status st = pqx_parse_transport(&d, (const unsigned char *)bytes, len, enc,
	                                               src ? src->transport : NULL, &opts->limits,
	                                               err, sizeof err);
	if (st != PQX_PARSE_OK) {
		snprintf(res->encoding, sizeof res->encoding, "%s", d.text.encoding);
		res->encoding_source = d.text.source ? d.text.source : "";
		pqx_document_free(&d);
		fail(res, st == PQX_PARSE_LIMIT ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT, err);
		lua_pushnil(L);
		res->seconds = now() - t0;
		return;
	}
	pqx_push_document(L, &d, path);
	int doc = lua_gettop(L);
	/* checked by the option parser and the archive reader: absolute URLs */
	pqx_doc_set_url(L, doc, src ? src->url : opts->base_url);
	process_document(vm, script_idx, script_name, doc, src ? src->fetched : NULL, res);
	/* the page is done: free the tree now, not at the next collection */
	pqx_close_document(L, doc);
	lua_remove(L, doc);
	res->seconds = now() - t0;
}
