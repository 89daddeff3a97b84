/*
 * vm.h: the Lua state of pqx: the sandbox scripts run in, the per-page budgets
 * (instructions, time, memory) that a script cannot swallow with pcall, module
 * loading (embedded pqx.* library, or lua/ with the developer switch, and modules
 * beside the script), and error messages with short tracebacks.
 */
#ifndef PQX_VM_H
#define PQX_VM_H

#include <stddef.h>
#include <lua.h>

#include "buf.h"

typedef struct pqx_vm_opts {
	const char *lua_dev_dir;   /* load pqx.* from this directory instead of the binary */
	size_t max_memory;         /* Lua memory a page may add, bytes; 0 = no limit */
	long long max_instructions;/* VM instructions per page; 0 = no limit */
	double timeout;            /* seconds per page; 0 = no limit */
	int trusted;               /* 1: full standard library (pqx lua FILE, tests) */
} pqx_vm_opts;

enum pqx_vm_limit {
	PQX_LIMIT_NONE = 0,
	PQX_LIMIT_INSTRUCTIONS,
	PQX_LIMIT_TIME,
	PQX_LIMIT_MEMORY,
};

typedef struct pqx_vm pqx_vm;

pqx_vm *pqx_vm_new(const pqx_vm_opts *opts, char *err, size_t errlen);
void pqx_vm_free(pqx_vm *vm);
lua_State *pqx_vm_state(pqx_vm *vm);
pqx_vm *pqx_vm_from_state(lua_State *L);

/* Budgets: arm before running a page's script code, disarm after. disarm returns
 * the limit that was hit even if the script caught the error. */
void pqx_vm_arm(pqx_vm *vm);
enum pqx_vm_limit pqx_vm_disarm(pqx_vm *vm);
/* What is left of the memory budget of the last arm (0 = no budget); the
 * engine's own copies of a page's values (JSON text) must fit in it. */
size_t pqx_vm_memory_left(pqx_vm *vm);
const char *pqx_vm_limit_text(pqx_vm *vm, enum pqx_vm_limit lim); /* "instruction budget of N exceeded (--max-instructions)" */

/* Pushes a fresh sandbox environment: unknown globals raise, no io/debug/os.execute. */
void pqx_vm_push_env(pqx_vm *vm);

/* Loads a script file: text chunks only, runs it in a fresh environment, checks
 * the returned table (name, version, description, extract). On success pushes the
 * table and returns 0; else returns -1 with the message in err. The script's
 * directory becomes the place `require` looks for the script's own modules. */
int pqx_vm_load_script(pqx_vm *vm, const char *path, pqx_buf *err);

/* Calls the function below nargs arguments like lua_pcall, with a message handler
 * that appends a short traceback of script frames. On error, the message (with
 * traceback) is in err and nothing is left on the stack. */
int pqx_vm_pcall(pqx_vm *vm, int nargs, int nresults, pqx_buf *err);

/* Runs a Lua file with the trusted library (developer command `pqx lua`). */
int pqx_vm_dofile(pqx_vm *vm, const char *path, int argc, char **argv, pqx_buf *err);

/* The syntax error message on top of the stack, from loading src[0..len),
 * gets a hint when it is the one a [[...]] string ending in "]]]" causes
 * ("')' expected near ']'" on a line with "[["): such a string ends one
 * character early, and [=[...]=] is the way out. */
void pqx_vm_syntax_hint(lua_State *L, const char *src, size_t len);

/* Pushes the module (as require would). Raises on error. */
void pqx_vm_require(lua_State *L, const char *name);

#endif
