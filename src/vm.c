/*
 * vm.c: the Lua state, sandbox, budgets and module loading (see vm.h).
 *
 * Scripts are untrusted in the sense that they come from other people and run
 * over thousands of pages: they get a strict environment (reading an unknown
 * global raises, so typos surface on the first page), no io, no debug, no
 * os.execute/remove, no binary chunks. Budgets are enforced by the allocator and
 * a count hook; once a budget is hit, the hook fires on every instruction and
 * raises again, so a pcall inside the script cannot swallow it, and disarm
 * reports the hit whatever the script returned.
 *
 * Never: hand a script anything that reaches the file system or the process,
 * except `require` of modules beside the script (read-only, text only).
 */
#define _POSIX_C_SOURCE 200809L
#include "vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "embedded.h"
#include "url.h"

#define HOOK_EVERY 1000
#define MEMORY_SLACK ((size_t)4 * 1024 * 1024) /* lets an error unwind after the limit */

struct pqx_vm {
	lua_State *L;
	pqx_vm_opts opts;
	char *lua_dev_dir;
	char *script_dir;

	/* memory accounting (allocator) */
	size_t mem_used;
	size_t mem_limit;   /* absolute, while armed; 0 = none */

	/* budgets */
	int armed;
	long long instructions;
	struct timespec started;
	enum pqx_vm_limit hit;
	char limit_text[160];
};

static const char VM_KEY = 'v';       /* registry: light userdata -> pqx_vm */
/* Two realms, each {loaded = module cache, base = globals}: scripts get one;
 * the engine's own uses of the library (validation, canonical form, test diffs)
 * get the other, so that nothing a script assigns can switch validation off. */
static const char SCRIPT_REALM_KEY = 's';
static const char ENGINE_REALM_KEY = 'e';

/* ---- allocator ---------------------------------------------------------- */

static void *vm_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	pqx_vm *vm = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		vm->mem_used -= osize;
		return NULL;
	}
	if (nsize > osize && vm->armed && vm->mem_limit) {
		size_t limit = vm->mem_limit + (vm->hit == PQX_LIMIT_MEMORY ? MEMORY_SLACK : 0);
		if (vm->mem_used - osize + nsize > limit) {
			if (vm->hit == PQX_LIMIT_NONE)
				vm->hit = PQX_LIMIT_MEMORY;
			return NULL;
		}
	}
	void *p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	vm->mem_used = vm->mem_used - osize + nsize;
	return p;
}

/* ---- budgets ------------------------------------------------------------ */

static double elapsed(const struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static pqx_vm *vm_of(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &VM_KEY);
	pqx_vm *vm = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return vm;
}

pqx_vm *pqx_vm_from_state(lua_State *L)
{
	return vm_of(L);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	pqx_vm *vm = vm_of(L);
	if (!vm || !vm->armed)
		return;
	if (vm->hit == PQX_LIMIT_NONE) {
		vm->instructions += HOOK_EVERY;
		if (vm->opts.max_instructions && vm->instructions > vm->opts.max_instructions)
			vm->hit = PQX_LIMIT_INSTRUCTIONS;
		else if (vm->opts.timeout > 0 && elapsed(&vm->started) > vm->opts.timeout)
			vm->hit = PQX_LIMIT_TIME;
	}
	if (vm->hit != PQX_LIMIT_NONE) {
		/* from now on fire on every instruction, in whatever frame runs next */
		lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
		luaL_error(L, "%s", pqx_vm_limit_text(vm, vm->hit));
	}
}

const char *pqx_vm_limit_text(pqx_vm *vm, enum pqx_vm_limit lim)
{
	switch (lim) {
	case PQX_LIMIT_INSTRUCTIONS:
		snprintf(vm->limit_text, sizeof vm->limit_text,
		         "limit exceeded: instruction budget of %lld per page (--max-instructions)",
		         vm->opts.max_instructions);
		break;
	case PQX_LIMIT_TIME:
		snprintf(vm->limit_text, sizeof vm->limit_text,
		         "limit exceeded: time budget of %g s per page (--timeout)", vm->opts.timeout);
		break;
	case PQX_LIMIT_MEMORY:
		snprintf(vm->limit_text, sizeof vm->limit_text,
		         "limit exceeded: memory budget of %zu MB per page (--max-memory)",
		         vm->opts.max_memory / (1024 * 1024));
		break;
	default:
		vm->limit_text[0] = '\0';
	}
	return vm->limit_text;
}

void pqx_vm_arm(pqx_vm *vm)
{
	vm->hit = PQX_LIMIT_NONE;
	vm->instructions = 0;
	clock_gettime(CLOCK_MONOTONIC, &vm->started);
	vm->mem_limit = vm->opts.max_memory ? vm->mem_used + vm->opts.max_memory : 0;
	vm->armed = 1;
	lua_sethook(vm->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
}

enum pqx_vm_limit pqx_vm_disarm(pqx_vm *vm)
{
	/* a long C call (a pattern match, a selector) may have used the time
	 * without the hook firing after it: such a page is never reported OK */
	if (vm->armed && vm->hit == PQX_LIMIT_NONE && vm->opts.timeout > 0 &&
	    elapsed(&vm->started) > vm->opts.timeout)
		vm->hit = PQX_LIMIT_TIME;
	vm->armed = 0;
	/* off until the next arm: with any count hook set, Lua calls luaG_traceexec
	 * before every instruction, and what runs disarmed (the engine's validation
	 * and canonical form) is the engine's own code. Coroutines made by scripts
	 * keep their own hook (sandbox_co_create), which does nothing while disarmed. */
	lua_sethook(vm->L, NULL, 0, 0);
	return vm->hit;
}

size_t pqx_vm_memory_left(pqx_vm *vm)
{
	if (!vm->mem_limit)
		return 0;
	return vm->mem_limit > vm->mem_used ? vm->mem_limit - vm->mem_used : 1;
}

/* ---- sandbox ------------------------------------------------------------ */

static int strict_index(lua_State *L)
{
	/* env, key: look in the realm's base first, then fail loudly */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 2);
	if (lua_rawget(L, -2) != LUA_TNIL)
		return 1;
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "unknown global '%s'", lua_tostring(L, 2));
	return luaL_error(L, "unknown global");
}

static int strict_newindex(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "assignment to undeclared global '%s' (declare it local)",
		                  lua_tostring(L, 2));
	return luaL_error(L, "assignment to undeclared global");
}

/* Pushes a fresh strict environment over the base of the realm at realm_idx. */
static void push_env(lua_State *L, int realm_idx)
{
	realm_idx = lua_absindex(L, realm_idx);
	lua_newtable(L);
	lua_newtable(L);
	lua_getfield(L, realm_idx, "base");
	lua_pushcclosure(L, strict_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, strict_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "pqx sandbox");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
}

void pqx_vm_push_env(pqx_vm *vm)
{
	lua_State *L = vm->L;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRIPT_REALM_KEY);
	push_env(L, -1);
	lua_remove(L, -2);
}

/* print in a script goes to stderr: stdout carries the records */
static int sandbox_print(lua_State *L)
{
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		const char *s = luaL_tolstring(L, i, &len);
		if (i > 1)
			fputc('\t', stderr);
		fwrite(s, 1, len, stderr);
		lua_pop(L, 1);
	}
	fputc('\n', stderr);
	return 0;
}

/* load() for scripts: text only, sandbox environment unless one is given */
static int sandbox_load(lua_State *L)
{
	int has_env = !lua_isnone(L, 4);
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_error(L, "load: only text chunks are allowed (mode \"t\")");
	lua_settop(L, 4);
	/* call the real load with mode "t" */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	if (has_env)
		lua_pushvalue(L, 4);
	else
		push_env(L, lua_upvalueindex(2));
	lua_call(L, 4, 2);
	return 2;
}

static int sandbox_collectgarbage(lua_State *L)
{
	const char *opt = luaL_optstring(L, 1, "collect");
	if (strcmp(opt, "count") == 0) {
		lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) +
		                  (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
		return 1;
	}
	if (strcmp(opt, "collect") == 0 || strcmp(opt, "step") == 0) {
		lua_gc(L, LUA_GCCOLLECT);
		lua_pushinteger(L, 0);
		return 1;
	}
	return luaL_error(L, "collectgarbage: option '%s' is not available to scripts", opt);
}

/* coroutines made by scripts carry the budget hook too */
static int sandbox_co_create(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_State *co = lua_newthread(L);
	pqx_vm *vm = vm_of(L);
	/* always: a coroutine made at load time and resumed in extract must count
	 * too (the hook does nothing while the budgets are disarmed) */
	lua_sethook(co, budget_hook, LUA_MASKCOUNT, vm->armed && vm->hit ? 1 : HOOK_EVERY);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	return 1;
}

/* setmetatable for scripts: no __gc. Lua runs finalizers with hooks off, so
 * no budget could stop one that loops, and the object is only marked for
 * finalization if __gc is there when the metatable is set (so refusing it
 * here closes the door; adding __gc later has no effect). */
static int sandbox_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc finalizers are not available to scripts");
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* base[lib] = a new table with the named fields of the global library lib
 * (all of them when names is NULL): a script that assigns into its string or
 * table library changes its own copy, never what the engine runs on. */
static void copy_fields(lua_State *L, const char *lib, const char *const *names)
{
	lua_getglobal(L, lib);
	lua_newtable(L);
	if (names) {
		for (const char *const *n = names; *n; n++) {
			lua_getfield(L, -2, *n);
			lua_setfield(L, -2, *n);
		}
	} else {
		lua_pushnil(L);
		while (lua_next(L, -3)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, -4);
		}
	}
	lua_setfield(L, -3, lib);
	lua_pop(L, 1);
}

static int vm_require(lua_State *L);

/* coroutine.wrap for scripts: a coroutine.create (with the budget hook) behind
 * a function that resumes it and raises its errors */
static int co_wrap_call(lua_State *L)
{
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int n = lua_gettop(L);
	if (!lua_checkstack(co, n))
		return luaL_error(L, "too many arguments to resume");
	lua_xmove(L, co, n);
	int nres;
	int rc = lua_resume(co, L, n, &nres);
	if (rc == LUA_OK || rc == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1))
			return luaL_error(L, "too many results to resume");
		lua_xmove(co, L, nres);
		return nres;
	}
	lua_xmove(co, L, 1); /* the error object */
	return lua_error(L);
}

static int sandbox_co_wrap(lua_State *L)
{
	sandbox_co_create(L);
	lua_pushcclosure(L, co_wrap_call, 1);
	return 1;
}

/* Pushes a new realm: {loaded = {["pqx.core"] = core}, base = {...}}; core at core_idx. */
static void push_realm(pqx_vm *vm, int core_idx)
{
	lua_State *L = vm->L;
	static const char *const globals[] = {
		"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
		"rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable",
		"tonumber", "tostring", "type", "xpcall", "_VERSION", NULL,
	};
	static const char *const os_fields[] = {"time", "date", "clock", "difftime", NULL};
	static const char *const co_fields[] = {"resume", "yield", "status", "isyieldable",
	                                        "running", "close", NULL};
	core_idx = lua_absindex(L, core_idx);
	lua_createtable(L, 0, 2);
	int realm = lua_gettop(L);
	lua_newtable(L);
	lua_pushvalue(L, core_idx);
	lua_setfield(L, -2, "pqx.core");
	lua_setfield(L, realm, "loaded");

	lua_newtable(L);
	for (const char *const *g = globals; *g; g++) {
		lua_getglobal(L, *g);
		lua_setfield(L, -2, *g);
	}
	copy_fields(L, "string", NULL);
	copy_fields(L, "table", NULL);
	copy_fields(L, "math", NULL);
	copy_fields(L, "utf8", NULL);
	copy_fields(L, "os", os_fields);
	copy_fields(L, "coroutine", co_fields);
	lua_getfield(L, -1, "coroutine");
	lua_pushcfunction(L, sandbox_co_create);
	lua_setfield(L, -2, "create");
	lua_pushcfunction(L, sandbox_co_wrap);
	lua_setfield(L, -2, "wrap");
	lua_pop(L, 1);
	lua_pushcfunction(L, sandbox_print);
	lua_setfield(L, -2, "print");
	lua_getglobal(L, "setmetatable");
	lua_pushcclosure(L, sandbox_setmetatable, 1);
	lua_setfield(L, -2, "setmetatable");
	lua_getglobal(L, "load");
	lua_pushvalue(L, realm);
	lua_pushcclosure(L, sandbox_load, 2);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, sandbox_collectgarbage);
	lua_setfield(L, -2, "collectgarbage");
	lua_pushvalue(L, realm);
	lua_pushcclosure(L, vm_require, 1);
	lua_setfield(L, -2, "require");
	lua_setfield(L, realm, "base");
	(void)vm;
}

/* ---- modules ------------------------------------------------------------ */

void pqx_vm_syntax_hint(lua_State *L, const char *src, size_t len)
{
	const char *msg = lua_tostring(L, -1);
	if (!msg || !strstr(msg, "near ']'"))
		return;
	/* the line number follows the chunk name: "name:LINE: ..." */
	const char *p = msg;
	long line = 0;
	while ((p = strchr(p, ':')) != NULL) {
		char *end;
		long n = strtol(p + 1, &end, 10);
		if (end > p + 1 && *end == ':') {
			line = n;
			break;
		}
		p++;
	}
	if (line <= 0)
		return;
	const char *ls = src, *stop = src + len;
	for (long l = 1; l < line && ls < stop; l++) {
		const char *nl = memchr(ls, '\n', (size_t)(stop - ls));
		ls = nl ? nl + 1 : stop;
	}
	const char *le = memchr(ls, '\n', (size_t)(stop - ls));
	size_t ll = (size_t)((le ? le : stop) - ls);
	int suspect = 0;
	for (size_t i = 0; i + 1 < ll && !suspect; i++)
		suspect = ls[i] == '[' && ls[i + 1] == '[';
	if (!suspect)
		return;
	lua_pushfstring(L, "%s (a [[...]] string ends at the first ]], so a regex or selector "
	                   "that ends in ] needs [=[...]=])", msg);
	lua_remove(L, -2);
}

/* Loads a text chunk with a fresh environment of the realm at realm_idx as its _ENV. */
static int load_sandboxed(pqx_vm *vm, int realm_idx, const char *src, size_t len, const char *chunkname)
{
	lua_State *L = vm->L;
	realm_idx = lua_absindex(L, realm_idx);
	if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
		lua_pushfstring(L, "%s: binary chunks are not allowed", chunkname + 1);
		return LUA_ERRSYNTAX;
	}
	int rc = luaL_loadbufferx(L, src, len, chunkname, "t");
	if (rc == LUA_ERRSYNTAX)
		pqx_vm_syntax_hint(L, src, len);
	if (rc != LUA_OK)
		return rc;
	if (!vm->opts.trusted) {
		push_env(L, realm_idx);
		lua_setupvalue(L, -2, 1);
	}
	return LUA_OK;
}

/* A module of the built-in library: its bytecode (trusted, made by tools/embed.c
 * from the same source), or the source text if this Lua refuses the bytecode. */
static int load_embedded(pqx_vm *vm, int realm_idx, const pqx_embedded_module *m, const char *chunkname)
{
	lua_State *L = vm->L;
	realm_idx = lua_absindex(L, realm_idx);
	if (m->bytecode_len > 0 &&
	    luaL_loadbufferx(L, (const char *)m->bytecode, m->bytecode_len, chunkname, "b") == LUA_OK) {
		if (!vm->opts.trusted) {
			push_env(L, realm_idx);
			lua_setupvalue(L, -2, 1);
		}
		return LUA_OK;
	}
	if (m->bytecode_len > 0)
		lua_pop(L, 1); /* the reason it was refused */
	return load_sandboxed(vm, realm_idx, m->source, m->len, chunkname);
}

static int find_embedded(const char *name)
{
	for (int i = 0; pqx_embedded[i].name; i++)
		if (strcmp(pqx_embedded[i].name, name) == 0)
			return i;
	return -1;
}

static void module_path(pqx_buf *b, const char *dir, const char *name, int is_pqx)
{
	pqx_buf_reset(b);
	pqx_buf_adds(b, dir);
	pqx_buf_addc(b, '/');
	for (const char *p = name; *p; p++)
		pqx_buf_addc(b, *p == '.' ? '/' : *p);
	if (is_pqx && strcmp(name, "pqx") == 0)
		pqx_buf_adds(b, "/init");
	pqx_buf_adds(b, ".lua");
}

/* require(name): pqx.* from the binary (or the dev dir), other names beside the
 * script; upvalue 1 is the realm whose cache and base the module gets */
static int vm_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	pqx_vm *vm = vm_of(L);
	int realm = lua_upvalueindex(1);
	lua_getfield(L, realm, "loaded");
	if (lua_getfield(L, -1, name) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	int is_pqx = strcmp(name, "pqx") == 0 || strncmp(name, "pqx.", 4) == 0;
	if (strstr(name, "..") || strchr(name, '/') || strchr(name, '\\'))
		return luaL_error(L, "module '%s' not found: module names are dotted, not paths", name);
	pqx_buf path = PQX_BUF_INIT, src = PQX_BUF_INIT, chunk = PQX_BUF_INIT;
	int rc;
	if (is_pqx && !vm->lua_dev_dir) {
		int i = find_embedded(name);
		if (i < 0) {
			lua_pushfstring(L, "module '%s' not found in the pqx library", name);
			goto fail;
		}
		pqx_buf_addf(&chunk, "@%s.lua", name);
		rc = load_embedded(vm, realm, &pqx_embedded[i], pqx_buf_cstr(&chunk));
	} else {
		const char *dir = is_pqx ? vm->lua_dev_dir : vm->script_dir;
		if (!dir) {
			lua_pushfstring(L, "module '%s' not found (no script directory)", name);
			goto fail;
		}
		module_path(&path, dir, name, is_pqx);
		if (pqx_read_file(pqx_buf_cstr(&path), &src) != 0) {
			lua_pushfstring(L, "module '%s' not found: no file '%s'", name, pqx_buf_cstr(&path));
			goto fail;
		}
		const char *p = pqx_buf_cstr(&path);
		const char *base = strrchr(p, '/');
		pqx_buf_addf(&chunk, "@%s", is_pqx ? p : (base ? base + 1 : p));
		rc = load_sandboxed(vm, realm, src.s ? src.s : "", src.len, pqx_buf_cstr(&chunk));
	}
	if (rc != LUA_OK)
		goto fail;
	pqx_buf_free(&path);
	pqx_buf_free(&src);
	pqx_buf_free(&chunk);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
fail:
	pqx_buf_free(&path);
	pqx_buf_free(&src);
	pqx_buf_free(&chunk);
	return lua_error(L);
}

/* the engine's own instance of a module, out of scripts' reach */
void pqx_vm_require(lua_State *L, const char *name)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &ENGINE_REALM_KEY);
	lua_pushcclosure(L, vm_require, 1);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
}

/* ---- errors ------------------------------------------------------------- */

/* message handler: message plus the script frames of the stack (at most 8) */
static int vm_traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, msg);
	lua_Debug ar;
	int shown = 0, level = 1;
	while (lua_getstack(L, level++, &ar) && shown < 8) {
		lua_getinfo(L, "Sln", &ar);
		if (ar.currentline <= 0 || strcmp(ar.what, "C") == 0)
			continue;
		if (shown == 0)
			luaL_addstring(&b, "\nstack traceback:");
		char line[320];
		if (ar.name)
			snprintf(line, sizeof line, "\n\t%s:%d: in %s '%s'", ar.short_src, ar.currentline,
			         ar.namewhat[0] ? ar.namewhat : "function", ar.name);
		else if (strcmp(ar.what, "main") == 0)
			snprintf(line, sizeof line, "\n\t%s:%d: in main chunk", ar.short_src, ar.currentline);
		else
			snprintf(line, sizeof line, "\n\t%s:%d: in function <%s:%d>", ar.short_src,
			         ar.currentline, ar.short_src, ar.linedefined);
		luaL_addstring(&b, line);
		shown++;
	}
	luaL_pushresult(&b);
	return 1;
}

int pqx_vm_pcall(pqx_vm *vm, int nargs, int nresults, pqx_buf *err)
{
	lua_State *L = vm->L;
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, vm_traceback);
	lua_insert(L, base);
	int rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (rc != LUA_OK) {
		const char *m = lua_tostring(L, -1);
		if (rc == LUA_ERRMEM)
			m = vm->hit == PQX_LIMIT_MEMORY ? pqx_vm_limit_text(vm, PQX_LIMIT_MEMORY)
			                                : "not enough memory";
		pqx_buf_adds(err, m ? m : "(error without message)");
		lua_pop(L, 1);
	}
	return rc;
}

/* ---- scripts ------------------------------------------------------------ */

/* `require` looks beside the script; returns the last '/' of path, or NULL */
static const char *set_script_dir(pqx_vm *vm, const char *path)
{
	free(vm->script_dir);
	const char *slash = strrchr(path, '/');
	vm->script_dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
	return slash;
}

int pqx_vm_load_script(pqx_vm *vm, const char *path, pqx_buf *err)
{
	lua_State *L = vm->L;
	pqx_buf src = PQX_BUF_INIT;
	if (pqx_read_file(path, &src) != 0) {
		pqx_buf_addf(err, "%s: cannot read script: %s", path, strerror(errno));
		pqx_buf_free(&src);
		return -1;
	}
	const char *slash = set_script_dir(vm, path);
	const char *base = slash ? slash + 1 : path;
	pqx_buf chunk = PQX_BUF_INIT;
	pqx_buf_addf(&chunk, "@%s", base);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &SCRIPT_REALM_KEY);
	int rc = load_sandboxed(vm, -1, src.s ? src.s : "", src.len, pqx_buf_cstr(&chunk));
	lua_remove(L, rc == LUA_OK ? -2 : -2); /* the realm, below the chunk or the message */
	pqx_buf_free(&src);
	pqx_buf_free(&chunk);
	if (rc != LUA_OK) {
		pqx_buf_adds(err, lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	/* the script's top level runs under the same budgets as a page */
	pqx_vm_arm(vm);
	int lrc = pqx_vm_pcall(vm, 0, 1, err);
	enum pqx_vm_limit hit = pqx_vm_disarm(vm);
	if (hit != PQX_LIMIT_NONE) {
		if (lrc == LUA_OK)
			lua_pop(L, 1);
		pqx_buf_reset(err);
		pqx_buf_addf(err, "%s: while loading: %s", base, pqx_vm_limit_text(vm, hit));
		return -1;
	}
	if (lrc != LUA_OK)
		return -1;
	if (!lua_istable(L, -1)) {
		pqx_buf_addf(err, "%s: the script must return a table {name, version, description, "
		             "extract = function(doc, ctx) ... end}, not a %s", base, luaL_typename(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	static const struct { const char *field; int type; } need[] = {
		{"name", LUA_TSTRING}, {"version", LUA_TSTRING},
		{"description", LUA_TSTRING}, {"extract", LUA_TFUNCTION},
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		int t = lua_getfield(L, -1, need[i].field);
		lua_pop(L, 1);
		if (t != need[i].type) {
			pqx_buf_addf(err, "%s: the returned table needs '%s' (a %s), found %s", base,
			             need[i].field, lua_typename(L, need[i].type), lua_typename(L, t));
			lua_pop(L, 1);
			return -1;
		}
	}
	int t = lua_getfield(L, -1, "encoding");
	lua_pop(L, 1);
	if (t != LUA_TNIL && t != LUA_TSTRING) {
		pqx_buf_addf(err, "%s: 'encoding' must be a string label such as \"windows-1252\"", base);
		lua_pop(L, 1);
		return -1;
	}
	/* base_url: the site's URL for pages whose own URL is unknown (saved fixtures) */
	t = lua_getfield(L, -1, "base_url");
	size_t ulen = 0;
	const char *u = t == LUA_TSTRING ? lua_tolstring(L, -1, &ulen) : NULL;
	int bad = t != LUA_TNIL && !(u && pqx_url_is_absolute(u, ulen));
	lua_pop(L, 1);
	if (bad) {
		pqx_buf_addf(err, "%s: 'base_url' must be an absolute URL such as \"https://www.landtag.example/\"",
		             base);
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}

int pqx_vm_dofile(pqx_vm *vm, const char *path, int argc, char **argv, pqx_buf *err)
{
	lua_State *L = vm->L;
	set_script_dir(vm, path);
	lua_createtable(L, argc, 1);
	lua_pushstring(L, path);
	lua_rawseti(L, -2, 0);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "arg");
	if (luaL_loadfilex(L, path, "t") != LUA_OK) {
		pqx_buf_adds(err, lua_tostring(L, -1));
		lua_pop(L, 1);
		return -1;
	}
	return pqx_vm_pcall(vm, 0, 0, err) == LUA_OK ? 0 : -1;
}

/* ---- life cycle --------------------------------------------------------- */

int pqx_open_core(lua_State *L); /* doc.c: the C part of the pqx library */

pqx_vm *pqx_vm_new(const pqx_vm_opts *opts, char *err, size_t errlen)
{
	pqx_vm *vm = calloc(1, sizeof *vm);
	if (!vm) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	vm->opts = *opts;
	if (opts->lua_dev_dir)
		vm->lua_dev_dir = strdup(opts->lua_dev_dir);
	vm->L = lua_newstate(vm_alloc, vm);
	if (!vm->L) {
		snprintf(err, errlen, "cannot create a Lua state");
		free(vm->lua_dev_dir);
		free(vm);
		return NULL;
	}
	lua_State *L = vm->L;
	lua_pushlightuserdata(L, vm);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &VM_KEY);
	luaL_openlibs(L);
	if (!opts->trusted) {
		/* scripts must not reach the shared string metatable (getmetatable("")) */
		lua_pushliteral(L, "");
		lua_getmetatable(L, -1);
		lua_pushliteral(L, "string");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 2);
	}
	/* the C core, shared by both realms */
	luaL_requiref(L, "pqx.core", pqx_open_core, 0);
	int core = lua_gettop(L);
	push_realm(vm, core);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ENGINE_REALM_KEY);
	push_realm(vm, core);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &SCRIPT_REALM_KEY);
	int realm = lua_gettop(L);
	lua_getfield(L, realm, "base");
	lua_getfield(L, -1, "require");
	lua_setglobal(L, "require");
	lua_pop(L, 1);
	/* the library: global `pqx` of each realm, and of trusted code */
	static const void *const keys[] = {&ENGINE_REALM_KEY, &SCRIPT_REALM_KEY};
	for (int k = 0; k < 2; k++) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, keys[k]);
		lua_getfield(L, -1, "base");
		lua_getfield(L, -1, "require");
		lua_pushliteral(L, "pqx");
		if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
			snprintf(err, errlen, "the pqx Lua library failed to load: %s", lua_tostring(L, -1));
			lua_close(L);
			free(vm->lua_dev_dir);
			free(vm);
			return NULL;
		}
		if (k == 1) {
			lua_pushvalue(L, -1);
			lua_setglobal(L, "pqx");
		}
		lua_setfield(L, -2, "pqx");
		lua_pop(L, 2);
	}
	lua_settop(L, core - 1);
	lua_gc(L, LUA_GCGEN, 0, 0);
	return vm;
}

void pqx_vm_free(pqx_vm *vm)
{
	if (!vm)
		return;
	lua_close(vm->L);
	free(vm->lua_dev_dir);
	free(vm->script_dir);
	free(vm);
}

lua_State *pqx_vm_state(pqx_vm *vm)
{
	return vm->L;
}
