/*
 * test.c: `pqx test SCRIPT...` (golden files) and `pqx new SITE [PAGE]` (scaffold).
 *
 * Convention: a script scripts/<site>.lua has its example pages in
 * examples/<site>/ (*.html pages), each with <page>.expected.json beside it: a JSON array
 * of the records the page must give, or {"error": "text"} for a page that must
 * fail with a message containing that text. Expected files are written by a
 * person (or by --update after reading the differences), never trusted blindly.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "cli.h"
#include "doc.h"
#include "page.h"

static const char test_help[] =
	"usage: pqx test [options] SCRIPT...\n"
	"\n"
	"Runs each script on its example pages and compares the records with the\n"
	"expected ones, field by field. For scripts/SITE.lua the pages are\n"
	"examples/SITE/*.html (beside the scripts folder, or --examples DIR), and each\n"
	"PAGE.html has PAGE.expected.json: a JSON array of records, or {\"error\": \"text\"}\n"
	"for a page that must fail with a message containing text.\n"
	"Records are matched by id; each difference prints as\n"
	"  records[be-senate:5-8916].answers[1].sections[3].heading: expected \"Fedasil\", got nil\n"
	"and a record only one side has as  records[ID]: expected this record, the page gives none\n"
	"\n"
	"options:\n"
	"  --update                rewrite the expected files (after showing the differences)\n"
	"  --examples DIR          the site's own folder of pages (DIR/PAGE.html with\n"
	"                          DIR/PAGE.expected.json beside it), not the parent of\n"
	"                          all sites; a DIR holding other sites' pages is refused\n"
	"  --tap                   print one ok/not ok line per page and record field\n"
	"%s"
	"\n"
	"exit codes: 0 all pages as expected, 1 differences or missing expected files,\n"
	"2 usage (also: DIR holds other sites' pages), 3 no example pages, 4 the script\n"
	"failed to load.\n";

/* scripts/SITE.lua -> examples/SITE beside the scripts folder, else ./examples/SITE */
static char *examples_dir_for(const char *script)
{
	const char *slash = strrchr(script, '/');
	const char *base = slash ? slash + 1 : script;
	size_t blen = strlen(base);
	if (blen > 4 && strcmp(base + blen - 4, ".lua") == 0)
		blen -= 4;
	char *dir = malloc(strlen(script) + blen + 32);
	if (!dir)
		return NULL;
	/* the folder that holds the scripts folder */
	size_t dlen = slash ? (size_t)(slash - script) : 0;
	const char *up = NULL;
	for (size_t i = dlen; i > 0; i--)
		if (script[i - 1] == '/') {
			up = script + i - 1;
			break;
		}
	if (slash && up)
		sprintf(dir, "%.*s/examples/%.*s", (int)(up - script), script, (int)blen, base);
	else if (slash)
		sprintf(dir, "examples/%.*s", (int)blen, base);
	else
		sprintf(dir, "../examples/%.*s", (int)blen, base);
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		sprintf(dir, "examples/%.*s", (int)blen, base);
	return dir;
}

static char *expected_path(const char *page)
{
	const char *dot = strrchr(page, '.');
	size_t stem = dot ? (size_t)(dot - page) : strlen(page);
	char *p = malloc(stem + 32);
	if (p)
		sprintf(p, "%.*s.expected.json", (int)stem, page);
	return p;
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t w = fwrite(data, 1, len, f);
	return fclose(f) == 0 && w == len ? 0 : -1;
}

/* pushes the list of differences between the expected (at want) and actual (at got) */
static void push_diff(lua_State *L, int want, int got, const char *path)
{
	want = lua_absindex(L, want);
	got = lua_absindex(L, got);
	pqx_vm_require(L, "pqx.testing");
	lua_getfield(L, -1, "diff");
	lua_remove(L, -2);
	lua_pushvalue(L, want);
	lua_pushvalue(L, got);
	lua_pushstring(L, path);
	lua_call(L, 3, 1);
}

/* 1 if the script folder of script (its directory) holds NAME.lua. */
static int sibling_script(const char *script, const char *name, size_t nlen)
{
	const char *slash = strrchr(script, '/');
	int dlen = slash ? (int)(slash - script) : 1;
	char *p = malloc((size_t)dlen + nlen + 8);
	if (!p)
		return 0;
	sprintf(p, "%.*s/%.*s.lua", dlen, slash ? script : ".", (int)nlen, name);
	struct stat st;
	int yes = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return yes;
}

static void add_unique(pqx_strv *v, const char *s, size_t len)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->v[i]) == len && memcmp(v->v[i], s, len) == 0)
			return;
	pqx_strv_add(v, s, len);
}

static void print_list(FILE *f, const pqx_strv *v, const char *suffix)
{
	for (size_t i = 0; i < v->n && i < 4; i++)
		fprintf(f, "%s%s%s", i ? ", " : "", v->v[i], suffix);
	if (v->n > 4)
		fprintf(f, ", ...");
}

/* An examples folder is one site's own folder: PAGE.html with PAGE.expected.json
 * beside it. A folder that holds other sites' pages (the parent of all sites,
 * or another site's folder) would run the script on pages it was never meant
 * for and, with --update, overwrite their expected files. Refused when
 * - it has subfolders of pages and no page of its own, or a subfolder named
 *   like a script beside this one (examples/ holding be-senate/, fr-an/);
 * - its expected files hold records of several parliaments, or of one that is
 *   another script's (records of "fr-an" while testing be-senate.lua, with
 *   scripts/fr-an.lua beside it).
 * Returns 0 when the folder is fine, else prints why and returns -1. */
static int check_site_dir(lua_State *L, const char *script, const char *exdir, char **pages,
                          size_t npages, int tap)
{
	const char *slash = strrchr(script, '/');
	const char *base = slash ? slash + 1 : script;
	size_t blen = strlen(base);
	if (blen > 4 && strcmp(base + blen - 4, ".lua") == 0)
		blen -= 4;
	size_t xlen = strlen(exdir);
	pqx_strv subs = {0}, parls = {0};
	size_t direct = 0;
	int sub_is_site = 0;
	int top = lua_gettop(L);
	for (size_t i = 0; i < npages; i++) {
		const char *rel = pages[i] + xlen;
		while (*rel == '/')
			rel++;
		const char *sep = strchr(rel, '/');
		if (sep) {
			add_unique(&subs, rel, (size_t)(sep - rel));
			sub_is_site |= sibling_script(script, rel, (size_t)(sep - rel));
			continue;
		}
		direct++;
		char *exp = expected_path(pages[i]);
		pqx_buf eb = PQX_BUF_INIT, perr = PQX_BUF_INIT;
		if (exp && pqx_read_file(exp, &eb) == 0 && pqx_json_decode(L, pqx_buf_cstr(&eb), eb.len, &perr) == 0) {
			/* the parliament of each record: its field, else the prefix of its id */
			for (lua_Integer k = 1; lua_istable(L, -1) && k <= (lua_Integer)lua_rawlen(L, -1); k++) {
				size_t n = 0;
				const char *pv = NULL;
				if (lua_rawgeti(L, -1, k) == LUA_TTABLE) {
					int rec = lua_gettop(L);
					if (lua_getfield(L, rec, "parliament") == LUA_TSTRING) {
						pv = lua_tolstring(L, -1, &n);
					} else if (lua_getfield(L, rec, "id") == LUA_TSTRING) {
						pv = lua_tolstring(L, -1, &n);
						const char *colon = memchr(pv, ':', n);
						n = colon ? (size_t)(colon - pv) : 0;
					}
				}
				if (pv && n)
					add_unique(&parls, pv, n);
				lua_settop(L, top + 1);
			}
		}
		lua_settop(L, top);
		pqx_buf_free(&eb);
		pqx_buf_free(&perr);
		free(exp);
	}
	FILE *f = tap ? stdout : stderr;
	const char *lead = tap ? "not ok - " : "";
	int bad = 0;
	if (subs.n && (direct == 0 || sub_is_site)) {
		fprintf(f, "%spqx test: %s holds other sites' folders (", lead, exdir);
		print_list(f, &subs, "/");
		fprintf(f, "), not one site's pages");
		bad = 1;
	} else if (parls.n > 1) {
		fprintf(f, "%spqx test: %s holds expected records of several parliaments (", lead, exdir);
		print_list(f, &parls, "");
		fprintf(f, "), not one site's pages");
		bad = 1;
	} else if (parls.n == 1 && (strlen(parls.v[0]) != blen || memcmp(parls.v[0], base, blen) != 0) &&
	           sibling_script(script, parls.v[0], strlen(parls.v[0]))) {
		fprintf(f, "%spqx test: %s holds another site's pages: its expected records are %s's "
		        "(%.*s%s%s.lua), not %.*s's", lead, exdir, parls.v[0],
		        slash ? (int)(slash - script) : 0, script, slash ? "/" : "", parls.v[0], (int)blen, base);
		bad = 1;
	}
	if (bad)
		fprintf(f, "; --examples DIR wants the site's own folder, DIR/PAGE.html with "
		        "DIR/PAGE.expected.json beside it (for %.*s: examples/%.*s)\n", (int)(blen + 4), base,
		        (int)blen, base);
	pqx_strv_free(&subs);
	pqx_strv_free(&parls);
	return bad ? -1 : 0;
}

static int run_tests(pqx_vm *vm, const pqx_vm_opts *vo, const char *script, const char *exdir_opt,
                     int update, int tap, const pqx_common_opts *o)
{
	lua_State *L = pqx_vm_state(vm);
	pqx_buf lerr = PQX_BUF_INIT;
	if (pqx_vm_load_script(vm, script, &lerr) != 0) {
		fprintf(tap ? stdout : stderr, "%spqx test: %s\n", tap ? "not ok - load script: " : "",
		        pqx_buf_cstr(&lerr));
		pqx_buf_free(&lerr);
		return PQX_EXIT_SCRIPT;
	}
	pqx_buf_free(&lerr);
	int script_idx = lua_gettop(L);
	const char *slash = strrchr(script, '/');
	const char *sname = slash ? slash + 1 : script;
	char *exdir = exdir_opt ? strdup(exdir_opt) : examples_dir_for(script);
	char **pages = NULL;
	size_t npages = 0;
	struct stat st;
	if (exdir && stat(exdir, &st) == 0 && S_ISDIR(st.st_mode))
		pqx_collect_pages(&exdir, 1, &pages, &npages);
	if (npages == 0) {
		fprintf(tap ? stdout : stderr, "%spqx test: %s: no example pages in %s\n",
		        tap ? "not ok - " : "", sname, exdir);
		free(exdir);
		pqx_free_pages(pages, npages);
		lua_settop(L, script_idx - 1);
		return PQX_EXIT_INPUT;
	}
	if (check_site_dir(L, script, exdir, pages, npages, tap) != 0) {
		free(exdir);
		pqx_free_pages(pages, npages);
		lua_settop(L, script_idx - 1);
		return PQX_EXIT_USAGE;
	}
	int failures = 0;
	/* this state only checked the script; every page gets a fresh one below */
	lua_settop(L, script_idx - 1);
	for (size_t i = 0; i < npages; i++) {
		const char *page = pages[i];
		/* Each page runs in a fresh Lua state with the script loaded anew, as
		 * `pqx run` runs each page in a fresh worker: what a script changes in
		 * the library (pqx.text.squish, require("pqx.core").node_methods) or in
		 * its own upvalues on one page cannot reach the next. */
		char verr[512];
		pqx_vm *pv = pqx_vm_new(vo, verr, sizeof verr);
		if (!pv) {
			printf("%s %s: %s\n", tap ? "not ok -" : "FAIL", page, verr);
			failures++;
			continue;
		}
		if (pqx_vm_load_script(pv, script, &lerr) != 0) {
			printf("%s %s: pqx test: %s\n", tap ? "not ok -" : "FAIL", page, pqx_buf_cstr(&lerr));
			pqx_buf_free(&lerr);
			pqx_vm_free(pv);
			failures++;
			continue;
		}
		L = pqx_vm_state(pv);
		script_idx = lua_gettop(L);
		pqx_page_result r;
		pqx_page_result_init(&r);
		pqx_process_page(pv, script_idx, sname, page, o, &r);
		int recs = lua_gettop(L);
		/* actual value, normalised through JSON like the expected one */
		if (r.status == PQX_EXIT_OK) {
			pqx_buf j = PQX_BUF_INIT, e = PQX_BUF_INIT;
			pqx_json_encode(L, recs, 0, &j, &e);
			pqx_json_decode(L, pqx_buf_cstr(&j), j.len, &e);
			pqx_buf_free(&j);
			pqx_buf_free(&e);
		} else {
			lua_newtable(L);
			lua_pushstring(L, pqx_buf_cstr(&r.error));
			lua_setfield(L, -2, "error");
		}
		int actual = lua_gettop(L);

		char *exp = expected_path(page);
		pqx_buf eb = PQX_BUF_INIT, perr = PQX_BUF_INIT;
		int have_expected = pqx_read_file(exp, &eb) == 0;
		int page_failed = 0;
		int expected_idx = 0;
		if (!have_expected) {
			lua_pushnil(L);
			page_failed = 1;
			printf("%s %s: no expected file %s (pqx test --update writes one from the current output;"
			       " check it by reading the page)\n", tap ? "not ok -" : "FAIL", page, exp);
		} else if (pqx_json_decode(L, pqx_buf_cstr(&eb), eb.len, &perr) != 0) {
			lua_pushnil(L);
			page_failed = 1;
			printf("%s %s: %s: %s\n", tap ? "not ok -" : "FAIL", page, exp, pqx_buf_cstr(&perr));
		} else {
			expected_idx = lua_gettop(L);
		}
		pqx_buf_free(&eb);
		pqx_buf_free(&perr);

		if (expected_idx) {
			int want_error = lua_istable(L, expected_idx) &&
			                 lua_getfield(L, expected_idx, "error") == LUA_TSTRING;
			const char *werr = want_error ? lua_tostring(L, -1) : NULL;
			lua_pop(L, lua_istable(L, expected_idx) ? 1 : 0);
			if (want_error) {
				int okk = r.status != PQX_EXIT_OK && strstr(pqx_buf_cstr(&r.error), werr);
				if (!okk) {
					page_failed = 1;
					printf("%s %s: expected an error containing \"%s\", got %s%s\n",
					       tap ? "not ok -" : "FAIL", page, werr,
					       r.status == PQX_EXIT_OK ? "records" : "error: ",
					       r.status == PQX_EXIT_OK ? "" : pqx_buf_cstr(&r.error));
				} else if (tap) {
					printf("ok - %s fails as expected\n", page);
				}
			} else if (r.status != PQX_EXIT_OK) {
				page_failed = 1;
				printf("%s %s: %s\n", tap ? "not ok -" : "FAIL", page, pqx_buf_cstr(&r.error));
			} else if (tap) {
				/* one check per record field, so that a golden file asserts every field */
				lua_Integer nw = (lua_Integer)lua_rawlen(L, expected_idx);
				lua_Integer na = (lua_Integer)lua_rawlen(L, actual);
				char label[64];
				snprintf(label, sizeof label, "record count");
				if (nw != na) {
					page_failed = 1;
					printf("not ok - %s: %s: expected %lld, got %lld\n", page, label, (long long)nw, (long long)na);
				} else {
					printf("ok - %s: %s %lld\n", page, label, (long long)na);
				}
				/* records are matched by id (pqx.testing.pair), not by position */
				pqx_vm_require(L, "pqx.testing");
				lua_getfield(L, -1, "pair");
				lua_remove(L, -2);
				lua_pushvalue(L, expected_idx);
				lua_pushvalue(L, actual);
				lua_call(L, 2, 1);
				int pairs_idx = lua_gettop(L);
				lua_Integer np = (lua_Integer)lua_rawlen(L, pairs_idx);
				for (lua_Integer k = 1; k <= np; k++) {
					lua_rawgeti(L, pairs_idx, k);
					lua_rawgeti(L, -1, 1);
					/* rlabel "[ID]" starts the field paths; the check names say "record ID" */
					char rlabel[160], rname[160];
					snprintf(rlabel, sizeof rlabel, "%s", lua_tostring(L, -1));
					snprintf(rname, sizeof rname, "%.*s", (int)strlen(rlabel) - 2, rlabel + 1);
					lua_pop(L, 1);
					lua_rawgeti(L, -1, 2);
					lua_rawgeti(L, -2, 3);
					lua_remove(L, -3);
					int w = lua_gettop(L) - 1, g = lua_gettop(L);
					if (lua_isnil(L, w) || lua_isnil(L, g)) {
						page_failed = 1;
						printf("not ok - %s: record %s %s\n", page, rname,
						       lua_isnil(L, g) ? "expected, the page gives none" : "not expected, the page gives it");
						lua_settop(L, w - 1);
						continue;
					}
					if (!lua_istable(L, g)) {
						lua_pop(L, 1);
						lua_newtable(L);
					}
					if (!lua_istable(L, w)) {
						lua_pushvalue(L, g);
						lua_replace(L, w);
					}
					/* keys of both */
					lua_newtable(L);
					int keys = lua_gettop(L);
					for (int side = w; side <= g; side++) {
						lua_pushnil(L);
						while (lua_istable(L, side) && lua_next(L, side)) {
							lua_pop(L, 1);
							lua_pushvalue(L, -1);
							lua_pushboolean(L, 1);
							lua_rawset(L, keys);
						}
					}
					lua_pushnil(L);
					while (lua_next(L, keys)) {
						lua_pop(L, 1);
						const char *key = lua_tostring(L, -1);
						lua_getfield(L, w, key);
						lua_getfield(L, g, key);
						char path[256];
						snprintf(path, sizeof path, "%s.%s", rlabel, key);
						push_diff(L, -2, -1, path);
						lua_Integer nd = (lua_Integer)lua_rawlen(L, -1);
						if (nd == 0) {
							printf("ok - %s: record %s %s\n", page, rname, key);
						} else {
							page_failed = 1;
							printf("not ok - %s: record %s %s\n", page, rname, key);
							for (lua_Integer d = 1; d <= nd && d <= 20; d++) {
								lua_rawgeti(L, -1, d);
								printf("#   %s\n", lua_tostring(L, -1));
								lua_pop(L, 1);
							}
						}
						lua_pop(L, 3);
					}
					lua_settop(L, w - 1);
				}
				lua_settop(L, pairs_idx - 1);
			} else {
				/* records matched by id: records[be-senate:5-8916].title */
				pqx_vm_require(L, "pqx.testing");
				lua_getfield(L, -1, "diff_records");
				lua_remove(L, -2);
				lua_pushvalue(L, expected_idx);
				lua_pushvalue(L, actual);
				lua_call(L, 2, 1);
				lua_Integer nd = (lua_Integer)lua_rawlen(L, -1);
				if (nd > 0) {
					page_failed = 1;
					printf("FAIL %s (%.1f ms): %lld difference%s\n", page, r.seconds * 1000,
					       (long long)nd, nd == 1 ? "" : "s");
					for (lua_Integer d = 1; d <= nd; d++) {
						lua_rawgeti(L, -1, d);
						/* paths start at the record's id: [ID].title -> records[ID].title */
						printf("  records%s\n", lua_tostring(L, -1));
						lua_pop(L, 1);
					}
				}
				lua_pop(L, 1);
			}
		}
		if (!page_failed && !tap && r.status != PQX_EXIT_OK)
			printf("PASS %s (%.1f ms, fails as expected)\n", page, r.seconds * 1000);
		else if (!page_failed && !tap)
			printf("PASS %s (%.1f ms, %zu record%s)\n", page, r.seconds * 1000, r.nrecords,
			       r.nrecords == 1 ? "" : "s");
		if (page_failed && update) {
			pqx_buf out = PQX_BUF_INIT, e = PQX_BUF_INIT;
			if (pqx_json_encode(L, actual, 1, &out, &e) == 0) {
				pqx_buf_addc(&out, '\n');
				if (write_file(exp, out.s, out.len) == 0)
					printf("  updated %s\n", exp);
				else
					printf("  cannot write %s: %s\n", exp, strerror(errno));
			}
			pqx_buf_free(&out);
			pqx_buf_free(&e);
		} else if (page_failed) {
			failures++;
		}
		free(exp);
		pqx_page_result_free(&r);
		pqx_vm_free(pv);
	}
	if (!tap)
		printf("%s: %zu page%s, %d failed\n", sname, npages, npages == 1 ? "" : "s", failures);
	free(exdir);
	pqx_free_pages(pages, npages);
	return failures ? 1 : 0;
}

int pqx_cmd_test(int argc, char **argv)
{
	pqx_common_opts o;
	pqx_common_defaults(&o);
	int update = 0, tap = 0;
	const char *exdir = NULL;
	char **scripts = calloc((size_t)argc + 1, sizeof *scripts);
	int n = 0;
	if (!scripts)
		return PQX_EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf(test_help, pqx_common_help);
			free(scripts);
			return 0;
		}
		if (strcmp(a, "--update") == 0) { update = 1; continue; }
		if (strcmp(a, "--tap") == 0) { tap = 1; continue; }
		if (strcmp(a, "--examples") == 0 && i + 1 < argc) { exdir = argv[++i]; continue; }
		int c = pqx_common_option(&o, argc, argv, &i);
		if (c < 0) {
			free(scripts);
			return PQX_EXIT_USAGE;
		}
		if (c > 0)
			continue;
		if (a[0] == '-') {
			fprintf(stderr, "pqx test: unknown option '%s' (see pqx test --help)\n", a);
			free(scripts);
			return PQX_EXIT_USAGE;
		}
		scripts[n++] = argv[i];
	}
	if (n == 0) {
		fprintf(stderr, "usage: pqx test [--update] SCRIPT...   (pqx test --help)\n");
		free(scripts);
		return PQX_EXIT_USAGE;
	}
	pqx_doc_set_limits(&o.limits);
	char err[512];
	pqx_vm *vm = pqx_vm_new(&o.vm, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "pqx: %s\n", err);
		free(scripts);
		return PQX_EXIT_INTERNAL;
	}
	int code = 0;
	for (int i = 0; i < n; i++) {
		int rc = run_tests(vm, &o.vm, scripts[i], exdir, update, tap, &o);
		if (rc > code)
			code = rc;
	}
	pqx_vm_free(vm);
	free(scripts);
	return code;
}

/* ---- pqx new -------------------------------------------------------------- */

static const char new_help[] =
	"usage: pqx new [--dir ROOT] SITE [PAGE]\n"
	"\n"
	"Starts a script for a new parliament: writes ROOT/scripts/SITE.lua (a working\n"
	"exploratory script with the pqx.question/1 record laid out in comments),\n"
	"copies PAGE to ROOT/examples/SITE/, and writes its first expected file from\n"
	"what the new script extracts. SITE is a short slug such as nl-tk or ch-nr.\n"
	"Existing files are never overwritten. ROOT defaults to the current directory.\n"
	"Then: pqx repl scripts/SITE.lua examples/SITE/PAGE, edit, pqx test --update.\n";

static const char new_template[] =
	"-- %s.lua: written questions of <parliament> (<site>).\n"
	"--\n"
	"-- Explore a page with `pqx repl scripts/%s.lua examples/%s/<page>.html`:\n"
	"-- `.find TEXT` shows a selector for the element holding TEXT, `.sel CSS` tests\n"
	"-- it, `.run` runs extract below and validates what it returns.\n"
	"-- Until the record carries schema = \"pqx.question/1\" it is exploratory: it\n"
	"-- passes through to JSON unvalidated, and --db refuses it.\n"
	"\n"
	"local text, date, names, parts = pqx.text, pqx.date, pqx.names, pqx.parts\n"
	"\n"
	"local function extract(doc, ctx)\n"
	"  local title = doc:select1(\"title\")\n"
	"  local rec = {\n"
	"    -- schema = \"pqx.question/1\",\n"
	"    -- id = \"%s:\" .. number,      -- <parliament>:<native id>, unique across terms\n"
	"    -- parliament = \"%s\",\n"
	"    -- term = ..., number = ..., type = \"written\",\n"
	"    -- lang = \"..\", page_lang = \"..\",\n"
	"    -- authors = {{name = ..., party = ..., raw = ...}},   -- names.name_party(s)\n"
	"    -- addressees = {{title = ...}},\n"
	"    -- dates = {asked = date.parse(s, \"en\"), answered = ...},\n"
	"    -- question = {intro = ..., parts = ..., body = ...},  -- parts.split(paragraphs)\n"
	"    -- answers = {{date = ..., kind = \"answer\", body = ...}},\n"
	"    -- status = \"answered\",\n"
	"    page = ctx.path,\n"
	"    title = title and title:text() or nil,\n"
	"    headings = doc:select(\"h1, h2, h3\"):texts(),\n"
	"    encoding = ctx.encoding,\n"
	"  }\n"
	"  return {rec}\n"
	"end\n"
	"\n"
	"return {\n"
	"  name = \"%s\",\n"
	"  version = \"0.1.0\",\n"
	"  description = \"written questions of <parliament>\",\n"
	"  extract = extract,\n"
	"}\n";

static int valid_site(const char *s)
{
	if (!*s)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int make_dir(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int pqx_cmd_new(int argc, char **argv)
{
	const char *root = ".", *site = NULL, *page = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(new_help, stdout);
			return 0;
		}
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			root = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "pqx new: unknown option '%s'\n", argv[i]);
			return PQX_EXIT_USAGE;
		} else if (!site) {
			site = argv[i];
		} else if (!page) {
			page = argv[i];
		} else {
			fputs(new_help, stderr);
			return PQX_EXIT_USAGE;
		}
	}
	if (!site) {
		fputs(new_help, stderr);
		return PQX_EXIT_USAGE;
	}
	if (!valid_site(site)) {
		fprintf(stderr, "pqx new: site '%s' must be a slug of a-z, 0-9 and '-' (e.g. nl-tk)\n", site);
		return PQX_EXIT_USAGE;
	}
	char script[4096], exdir[4096], dest[8200];
	/* paths relative to the current directory stay unprefixed, as pqx test names them */
	const char *pre = strcmp(root, ".") == 0 ? "" : root;
	const char *sep = *pre ? "/" : "";
	snprintf(script, sizeof script, "%s%sscripts/%s.lua", pre, sep, site);
	snprintf(exdir, sizeof exdir, "%s%sexamples/%s", pre, sep, site);
	if (exists(script)) {
		fprintf(stderr, "pqx new: %s exists; not overwriting it\n", script);
		return PQX_EXIT_USAGE;
	}
	pqx_buf bytes = PQX_BUF_INIT;
	if (page && pqx_read_file(page, &bytes) != 0) {
		fprintf(stderr, "pqx new: %s: cannot read page: %s\n", page, strerror(errno));
		pqx_buf_free(&bytes);
		return PQX_EXIT_INPUT;
	}
	char dir[4096];
	snprintf(dir, sizeof dir, "%s%sscripts", pre, sep);
	int bad = make_dir(dir);
	snprintf(dir, sizeof dir, "%s%sexamples", pre, sep);
	bad |= make_dir(dir) | make_dir(exdir);
	if (bad) {
		fprintf(stderr, "pqx new: cannot create folders under %s: %s\n", root, strerror(errno));
		pqx_buf_free(&bytes);
		return PQX_EXIT_INPUT;
	}
	pqx_buf tpl = PQX_BUF_INIT;
	pqx_buf_addf(&tpl, new_template, site, site, site, site, site, site);
	if (write_file(script, tpl.s, tpl.len) != 0) {
		fprintf(stderr, "pqx new: cannot write %s: %s\n", script, strerror(errno));
		pqx_buf_free(&tpl);
		pqx_buf_free(&bytes);
		return PQX_EXIT_INPUT;
	}
	pqx_buf_free(&tpl);
	printf("wrote %s\n", script);
	int code = 0;
	if (page) {
		const char *base = strrchr(page, '/');
		base = base ? base + 1 : page;
		snprintf(dest, sizeof dest, "%s/%s", exdir, base);
		if (exists(dest)) {
			printf("kept %s (exists)\n", dest);
		} else if (write_file(dest, bytes.s ? bytes.s : "", bytes.len) != 0) {
			fprintf(stderr, "pqx new: cannot write %s: %s\n", dest, strerror(errno));
			code = PQX_EXIT_INPUT;
		} else {
			printf("copied %s to %s\n", page, dest);
		}
		char *exp = expected_path(dest);
		if (code == 0 && exp && !exists(exp)) {
			pqx_common_opts o;
			pqx_common_defaults(&o);
			char err[512];
			pqx_vm *vm = pqx_vm_new(&o.vm, err, sizeof err);
			pqx_buf lerr = PQX_BUF_INIT;
			if (vm && pqx_vm_load_script(vm, script, &lerr) == 0) {
				lua_State *L = pqx_vm_state(vm);
				pqx_page_result r;
				pqx_page_result_init(&r);
				pqx_process_page(vm, lua_gettop(L), base, dest, &o, &r);
				pqx_buf out = PQX_BUF_INIT, e = PQX_BUF_INIT;
				if (r.status == PQX_EXIT_OK && pqx_json_encode(L, -1, 1, &out, &e) == 0) {
					pqx_buf_addc(&out, '\n');
					if (write_file(exp, out.s, out.len) == 0)
						printf("wrote %s (from the new script: read it against the page)\n", exp);
				} else {
					fprintf(stderr, "pqx new: %s: %s\n", dest, pqx_buf_cstr(&r.error));
					code = r.status ? r.status : PQX_EXIT_INTERNAL;
				}
				pqx_buf_free(&out);
				pqx_buf_free(&e);
				pqx_page_result_free(&r);
			} else {
				fprintf(stderr, "pqx new: %s\n", vm ? pqx_buf_cstr(&lerr) : err);
				code = PQX_EXIT_SCRIPT;
			}
			pqx_buf_free(&lerr);
			pqx_vm_free(vm);
		}
		free(exp);
	}
	pqx_buf_free(&bytes);
	printf("next: pqx repl %s %s\n", script, page ? dest : "PAGE");
	return code;
}
