/*
 * fuzz_page.c: libFuzzer target for the whole page-to-record pipeline, in
 * process: bytes -> decode -> parse -> a real script's extract() under the
 * budgets -> the engine's raw copy and validation -> canonical JSON. It is the
 * code `pqx run` runs per page (src/page.c), without the file read and the
 * worker process.
 *
 * Input: one byte that picks the script, then the page. Byte b picks script
 * b % N of: 0 fuzz/generic.lua (any page through much of the API), then
 * the .lua files of scripts/ in C (byte) order; fuzz/seeds.sh gives each
 * example page its own script's byte. The repository is PQX_FUZZ_ROOT
 * (compiled in, or from the environment). With PQX_FUZZ_VERBOSE=1 in the
 * environment every input prints its script, status and first error line, to
 * see what a saved input does.
 *
 * Budgets are small so that a slow input does not stall the fuzzer: 3 s,
 * 30 million instructions and 256 MB of Lua memory per page; an input that
 * runs past libFuzzer's -timeout anyway is a finding (a budget that does not
 * hold).
 *
 * Invariants checked:
 * - the page ends with one of the documented statuses, never "internal";
 * - a failed page has a message; every message and warning is well-formed
 *   UTF-8;
 * - a page that succeeds gives well-formed UTF-8 JSON that decodes to a list
 *   of as many records as it reports;
 * - the same page through the same script again gives the same status and
 *   byte-identical JSON (nothing leaks from one page into the next).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "cli.h"
#include "doc.h"
#include "fuzz.h"
#include "page.h"

#ifndef PQX_FUZZ_ROOT
#define PQX_FUZZ_ROOT "."
#endif

#define MAX_SCRIPTS 64

static pqx_vm *vm;
static pqx_common_opts opts;
static int nscripts, verbose;
static int script_idx[MAX_SCRIPTS];
static char *script_name[MAX_SCRIPTS];

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load(lua_State *L, const char *path)
{
	pqx_buf err = PQX_BUF_INIT;
	if (nscripts == MAX_SCRIPTS) {
		fprintf(stderr, "fuzz_page: more than %d scripts\n", MAX_SCRIPTS);
		exit(1);
	}
	if (pqx_vm_load_script(vm, path, &err) != 0) {
		fprintf(stderr, "fuzz_page: %s: %s\n", path, pqx_buf_cstr(&err));
		exit(1);
	}
	pqx_buf_free(&err);
	script_idx[nscripts] = lua_gettop(L);
	const char *slash = strrchr(path, '/');
	script_name[nscripts] = strdup(slash ? slash + 1 : path);
	nscripts++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *root = getenv("PQX_FUZZ_ROOT");
	if (!root || !*root)
		root = PQX_FUZZ_ROOT;
	verbose = getenv("PQX_FUZZ_VERBOSE") && strcmp(getenv("PQX_FUZZ_VERBOSE"), "1") == 0;
	pqx_common_defaults(&opts);
	opts.vm.timeout = 3;
	opts.vm.max_instructions = 30000000;
	opts.vm.max_memory = (size_t)256 * 1024 * 1024;
	opts.limits.max_parse_memory = (size_t)256 * 1024 * 1024;
	pqx_doc_set_limits(&opts.limits);
	char err[512];
	vm = pqx_vm_new(&opts.vm, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "fuzz_page: %s\n", err);
		exit(1);
	}
	lua_State *L = pqx_vm_state(vm);
	char path[4096];
	snprintf(path, sizeof path, "%s/fuzz/generic.lua", root);
	load(L, path);

	snprintf(path, sizeof path, "%s/scripts", root);
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "fuzz_page: cannot open %s (set PQX_FUZZ_ROOT)\n", path);
		exit(1);
	}
	char *names[MAX_SCRIPTS];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < MAX_SCRIPTS) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".lua") == 0 && e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/scripts/%s", root, names[i]);
		load(L, path);
		free(names[i]);
	}
	return 0;
}

/* one run of the page; the JSON (or "" on failure) is left in r */
static void run_once(lua_State *L, int s, const uint8_t *page, size_t len, pqx_page_result *r)
{
	int top = lua_gettop(L);
	pqx_page_result_init(r);
	const char *enc = NULL;
	lua_getfield(L, script_idx[s], "encoding");
	enc = lua_tostring(L, -1); /* anchored by the script table */
	lua_pop(L, 1);
	pqx_document d;
	char err[512];
	err[0] = '\0';
	enum pqx_parse_status st = pqx_parse(&d, page, len, enc, &opts.limits, err, sizeof err);
	if (st != PQX_PARSE_OK) {
		pqx_document_free(&d);
		FUZZ_ASSERT(err[0] != '\0', "a page the parser refuses has a message");
		FUZZ_ASSERT(fuzz_utf8_ok(err, strlen(err)), "the parse message is UTF-8");
		r->status = st == PQX_PARSE_LIMIT ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT;
		return;
	}
	pqx_push_document(L, &d, "fuzz.html");
	int doc = lua_gettop(L);
	pqx_process_document(vm, script_idx[s], script_name[s], doc, r);
	pqx_close_document(L, doc);
	lua_settop(L, top);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || !vm)
		return 0;
	lua_State *L = pqx_vm_state(vm);
	int s = data[0] % nscripts;
	pqx_page_result r, again;
	run_once(L, s, data + 1, size - 1, &r);
	if (verbose) {
		const char *e = pqx_buf_cstr(&r.error);
		fprintf(stderr, "fuzz_page: %s: status %d, %zu record(s), %zu bytes of JSON%s%.*s\n",
		        script_name[s], r.status, r.nrecords, r.records_json.len, *e ? ": " : "",
		        (int)strcspn(e, "\n"), e);
	}

	FUZZ_ASSERT(r.status == PQX_EXIT_OK || r.status == PQX_EXIT_INPUT || r.status == PQX_EXIT_SCRIPT ||
	            r.status == PQX_EXIT_VALIDATION || r.status == PQX_EXIT_LIMIT,
	            "the page ends with a documented status, never internal");
	FUZZ_ASSERT(fuzz_utf8_ok(r.warnings.s ? r.warnings.s : "", r.warnings.len), "warnings are UTF-8");
	if (r.status == PQX_EXIT_OK) {
		FUZZ_ASSERT(r.error.len == 0, "a page that succeeded has no error");
		FUZZ_ASSERT(r.records_json.len > 0, "a page that succeeded has JSON");
		FUZZ_ASSERT(fuzz_utf8_ok(r.records_json.s, r.records_json.len), "the JSON is UTF-8");
		pqx_buf jerr = PQX_BUF_INIT;
		int top = lua_gettop(L);
		FUZZ_ASSERT(pqx_json_decode(L, r.records_json.s, r.records_json.len, &jerr) == 0,
		            "the JSON decodes");
		FUZZ_ASSERT(lua_istable(L, -1) && lua_rawlen(L, -1) == r.nrecords,
		            "the JSON is a list of as many records as reported");
		lua_settop(L, top);
		pqx_buf_free(&jerr);
	} else if (r.error.len || r.status != PQX_EXIT_LIMIT) {
		/* (a parse refusal carries its message in run_once) */
		FUZZ_ASSERT(r.error.len > 0 || r.records_json.len == 0, "a failed page has no JSON");
		FUZZ_ASSERT(fuzz_utf8_ok(r.error.s ? r.error.s : "", r.error.len), "the error is UTF-8");
	}

	/* the same page again: the same result, byte for byte (time budgets aside) */
	run_once(L, s, data + 1, size - 1, &again);
	if (r.status != PQX_EXIT_LIMIT && again.status != PQX_EXIT_LIMIT) {
		FUZZ_ASSERT(again.status == r.status, "a page run twice ends the same way");
		FUZZ_ASSERT(again.records_json.len == r.records_json.len &&
		            (r.records_json.len == 0 ||
		             memcmp(again.records_json.s, r.records_json.s, r.records_json.len) == 0),
		            "a page run twice gives the same JSON");
	}
	pqx_page_result_free(&again);
	pqx_page_result_free(&r);
	return 0;
}
