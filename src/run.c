/*
 * run.c: `pqx run SCRIPT PAGE...`, `pqx check SCRIPT`, `pqx lua FILE`, and the
 * option and page-list handling the subcommands share.
 * Output discipline: records go to stdout, everything addressed to a person
 * (errors, warnings, the summary) to stderr, each line naming the page.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <lauxlib.h>

#include "doc.h"
#include "page.h"
#include "sha256.h"
#include "store.h"
#include "url.h"

const char pqx_common_help[] =
	"  --encoding LABEL        decode pages as LABEL (WHATWG label, e.g. windows-1252),\n"
	"                          overriding the script's `encoding` and the page's <meta>\n"
	"  --base-url URL          the URL the pages were fetched from: ctx.url and doc.url,\n"
	"                          and the base of relative links (node:url); overrides the\n"
	"                          script's `base_url`\n"
	"  --max-bytes N           refuse pages larger than N bytes (default 64M; K/M/G suffixes)\n"
	"  --max-depth N           refuse pages whose elements nest deeper than N (default 4000)\n"
	"  --max-parse-memory N    memory the HTML parser may use per page (default 1G)\n"
	"  --max-memory N          memory a script may add per page (default 512M; 0 = no limit)\n"
	"  --max-instructions N    Lua instructions per page (default 2000000000; 0 = no limit)\n"
	"  --timeout SECONDS       wall-clock budget of a script per page (default 60; 0 = none)\n"
	"  --lua-dev DIR           load the pqx.* Lua library from DIR (e.g. lua/) instead of\n"
	"                          the copy built into the binary (for developing the library)\n"
	"  -q, --quiet             do not print warnings and the summary\n";

void pqx_common_defaults(pqx_common_opts *o)
{
	memset(o, 0, sizeof *o);
	pqx_limits_default(&o->limits);
	o->vm.max_memory = (size_t)512 * 1024 * 1024;
	o->vm.max_instructions = 2000000000LL;
	o->vm.timeout = 60;
}

/* "64M" -> bytes; returns -1 on junk */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return -1;
	unsigned long long mul = 1;
	if (*end == 'k' || *end == 'K') mul = 1024ULL, end++;
	else if (*end == 'm' || *end == 'M') mul = 1024ULL * 1024, end++;
	else if (*end == 'g' || *end == 'G') mul = 1024ULL * 1024 * 1024, end++;
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	if (strcmp(a, name) != 0)
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "pqx: option %s needs a value\n", name);
		return "";
	}
	return argv[++*i];
}

static int is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);
	return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

int pqx_common_option(pqx_common_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *v;
	size_t sz;
	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		o->quiet = 1;
		return 1;
	}
	static const char *const sizes[] = {"--max-bytes", "--max-parse-memory", "--max-memory", NULL};
	for (const char *const *s = sizes; *s; s++) {
		if (!is_opt(a, *s))
			continue;
		v = option_value(argc, argv, i, *s);
		if (!*v)
			return -1;
		if (parse_size(v, &sz) != 0) {
			fprintf(stderr, "pqx: %s: '%s' is not a size (e.g. 512M)\n", *s, v);
			return -1;
		}
		if (strcmp(*s, "--max-bytes") == 0) o->limits.max_bytes = sz;
		else if (strcmp(*s, "--max-parse-memory") == 0) o->limits.max_parse_memory = sz;
		else o->vm.max_memory = sz;
		return 1;
	}
	if (is_opt(a, "--max-depth") || is_opt(a, "--max-instructions")) {
		int depth = is_opt(a, "--max-depth");
		v = option_value(argc, argv, i, depth ? "--max-depth" : "--max-instructions");
		if (!*v)
			return -1;
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (*end || errno || n < 0 || (depth && n > 1000000)) {
			fprintf(stderr, "pqx: %s: '%s' is not a valid count\n", a, v);
			return -1;
		}
		if (depth) o->limits.max_depth = (unsigned)n;
		else o->vm.max_instructions = n;
		return 1;
	}
	if (is_opt(a, "--timeout")) {
		v = option_value(argc, argv, i, "--timeout");
		if (!*v)
			return -1;
		char *end;
		double t = strtod(v, &end);
		if (*end || t < 0) {
			fprintf(stderr, "pqx: --timeout: '%s' is not a number of seconds\n", v);
			return -1;
		}
		o->vm.timeout = t;
		return 1;
	}
	if (is_opt(a, "--encoding")) {
		v = option_value(argc, argv, i, "--encoding");
		if (!*v)
			return -1;
		if (!pqx_enc_canonical(v, strlen(v))) {
			fprintf(stderr, "pqx: --encoding: unknown encoding label '%s'\n", v);
			return -1;
		}
		o->encoding = v;
		return 1;
	}
	if (is_opt(a, "--base-url")) {
		v = option_value(argc, argv, i, "--base-url");
		if (!*v)
			return -1;
		if (!pqx_url_is_absolute(v, strlen(v))) {
			fprintf(stderr, "pqx: --base-url: '%s' is not an absolute URL (e.g. https://www.bundestag.de/)\n", v);
			return -1;
		}
		o->base_url = v;
		return 1;
	}
	if (is_opt(a, "--lua-dev")) {
		v = option_value(argc, argv, i, "--lua-dev");
		if (!*v)
			return -1;
		o->vm.lua_dev_dir = v;
		return 1;
	}
	return 0;
}

/* ---- page lists ----------------------------------------------------------- */

static void plist_add(pqx_strv *l, const char *s)
{
	pqx_strv_add(l, s, strlen(s));
}

static int has_page_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
	               strcasecmp(dot, ".xhtml") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* directories are walked with an explicit queue, sorted, so runs are repeatable */
static void add_dir(pqx_strv *l, const char *root)
{
	pqx_strv dirs = {0};
	plist_add(&dirs, root);
	for (size_t i = 0; i < dirs.n; i++) {
		DIR *d = opendir(dirs.v[i]);
		if (!d)
			continue;
		pqx_strv here = {0};
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			size_t len = strlen(dirs.v[i]) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!p)
				continue;
			snprintf(p, len, "%s/%s", dirs.v[i], e->d_name);
			plist_add(&here, p);
			free(p);
		}
		closedir(d);
		qsort(here.v, here.n, sizeof *here.v, cmp_str);
		for (size_t k = 0; k < here.n; k++) {
			struct stat st;
			if (stat(here.v[k], &st) == 0 && S_ISDIR(st.st_mode))
				plist_add(&dirs, here.v[k]);
			else if (has_page_ext(here.v[k]))
				plist_add(l, here.v[k]);
			free(here.v[k]);
		}
		free(here.v);
	}
	pqx_free_pages(dirs.v, dirs.n);
}

int pqx_collect_pages(char **args, int n, char ***out, size_t *count)
{
	pqx_strv l = {0};
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(args[i], "-") == 0) {
			char *line = NULL;
			size_t cap = 0;
			ssize_t len;
			while ((len = getline(&line, &cap, stdin)) >= 0) {
				while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
					line[--len] = '\0';
				if (len > 0)
					plist_add(&l, line);
			}
			free(line);
		} else if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			add_dir(&l, args[i]);
		} else {
			plist_add(&l, args[i]);
		}
	}
	*out = l.v;
	*count = l.n;
	return 0;
}

void pqx_free_pages(char **pages, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(pages[i]);
	free(pages);
}

/* ---- pqx run -------------------------------------------------------------- */

static const char run_help[] =
	"usage: pqx run [options] SCRIPT PAGE...\n"
	"\n"
	"Runs SCRIPT's extract(doc, ctx) on each PAGE and writes the records.\n"
	"PAGE is a file, a directory (all *.html, *.htm, *.xhtml below it, sorted),\n"
	"or - to read a list of paths from standard input, one per line.\n"
	"A page that fails is reported on stderr and the run goes on with the next.\n"
	"\n"
	"options:\n"
	"  --format jsonl|json|none  jsonl (default): one record per line, compact;\n"
	"                          json: one pretty JSON array of pages, each with its\n"
	"                          records and metadata (encoding and its source, status);\n"
	"                          none: no records on stdout (with --db)\n"
	"  -j, --jobs N            run the script in N processes (1-64); output, database\n"
	"                          and messages stay in page order, as with one\n"
	"  --db FILE               store pqx.question/1 records in the SQLite database FILE\n"
	"                          (created and migrated as needed; one transaction per page)\n"
	"%s"
	"\n"
	"exit codes: 0 all pages done, 2 usage, 3 input (unreadable/undecodable page or\n"
	"script file), 4 script error, 5 validation, 6 limit exceeded, 7 database,\n"
	"1 internal; when pages fail in different ways the highest code is returned.\n";

static void print_indented(FILE *f, const char *prefix, const char *text)
{
	/* first line after the prefix, further lines indented */
	fputs(prefix, f);
	for (const char *p = text; *p; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1])
			fputs("  ", f);
	}
	fputc('\n', f);
}

/* Pushes a list of the non-empty lines of text. */
static void push_lines(lua_State *L, const char *text)
{
	lua_newtable(L);
	lua_Integer k = 0;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (len > 0) {
			lua_pushlstring(L, text, len);
			lua_rawseti(L, -2, ++k);
		}
		text += len + (nl ? 1 : 0);
	}
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* ---- -j N: worker processes --------------------------------------------------- */

/* Workers are forked after the script is loaded and before the database is
 * opened (an SQLite connection must not cross a fork); worker k handles pages k, k+N,
 * ... and sends each result down its pipe; the parent reads them back in page
 * order, so output, database writes and messages are exactly those of a
 * sequential run. Only the parent writes to stdout, stderr and the database. */

typedef struct worker {
	pid_t pid;
	int fd;
	int dead;
} worker;

typedef struct wire_head {
	int status, unschemed;
	size_t nrecords, bytes, replaced, parse_errors;
	double seconds;
	char sha256[65];
	char encoding[40];
	char encoding_source[24];
} wire_head;

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n > 0) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

static int send_buf(int fd, const pqx_buf *b)
{
	uint64_t n = b->len;
	return write_all(fd, &n, sizeof n) || write_all(fd, b->s ? b->s : "", b->len) ? -1 : 0;
}

static int recv_buf(int fd, pqx_buf *b)
{
	uint64_t n;
	if (read_all(fd, &n, sizeof n) != 0)
		return -1;
	pqx_buf_reset(b);
	char chunk[65536];
	while (n > 0) {
		size_t k = n > sizeof chunk ? sizeof chunk : (size_t)n;
		if (read_all(fd, chunk, k) != 0)
			return -1;
		pqx_buf_add(b, chunk, k);
		n -= k;
	}
	return b->oom ? -1 : 0;
}

static int send_result(int fd, const pqx_page_result *r)
{
	wire_head h;
	memset(&h, 0, sizeof h);
	h.status = r->status;
	h.unschemed = r->unschemed;
	h.nrecords = r->nrecords;
	h.bytes = r->bytes;
	h.replaced = r->replaced;
	h.parse_errors = r->parse_errors;
	h.seconds = r->seconds;
	memcpy(h.sha256, r->sha256, sizeof h.sha256);
	memcpy(h.encoding, r->encoding, sizeof h.encoding);
	snprintf(h.encoding_source, sizeof h.encoding_source, "%s", r->encoding_source);
	if (write_all(fd, &h, sizeof h) != 0)
		return -1;
	return send_buf(fd, &r->error) || send_buf(fd, &r->warnings) || send_buf(fd, &r->records_json) ? -1 : 0;
}

/* Fills r; src receives the encoding source text r->encoding_source points to. */
static int recv_result(int fd, pqx_page_result *r, char src[24])
{
	wire_head h;
	if (read_all(fd, &h, sizeof h) != 0)
		return -1;
	r->status = h.status;
	r->unschemed = h.unschemed;
	r->nrecords = h.nrecords;
	r->bytes = h.bytes;
	r->replaced = h.replaced;
	r->parse_errors = h.parse_errors;
	r->seconds = h.seconds;
	memcpy(r->sha256, h.sha256, sizeof r->sha256);
	r->sha256[64] = '\0';
	memcpy(r->encoding, h.encoding, sizeof r->encoding);
	r->encoding[sizeof r->encoding - 1] = '\0';
	memcpy(src, h.encoding_source, 24);
	src[23] = '\0';
	r->encoding_source = src;
	return recv_buf(fd, &r->error) || recv_buf(fd, &r->warnings) || recv_buf(fd, &r->records_json) ? -1 : 0;
}

/* Returns 0 in the parent, 1 in a worker that has finished its pages, -1 on error. */
static int start_workers(worker *w, int jobs, pqx_vm *vm, int script_idx, const char *sname,
                         char **pages, size_t npages, const pqx_common_opts *o)
{
	fflush(NULL);
	for (int k = 0; k < jobs; k++) {
		int fds[2];
		if (pipe(fds) != 0)
			return -1;
		pid_t pid = fork();
		if (pid < 0) {
			close(fds[0]);
			close(fds[1]);
			return -1;
		}
		if (pid == 0) {
			/* the worker: run its pages, then return 1 so the caller cleans up
			 * and exits (no database is open yet in any process) */
			close(fds[0]);
			for (int j = 0; j < k; j++)
				close(w[j].fd);
			signal(SIGPIPE, SIG_DFL);
			lua_State *L = pqx_vm_state(vm);
			for (size_t i = (size_t)k; i < npages; i += (size_t)jobs) {
				pqx_page_result r;
				pqx_page_result_init(&r);
				pqx_process_page(vm, script_idx, sname, pages[i], o, &r);
				int bad = send_result(fds[1], &r);
				pqx_page_result_free(&r);
				lua_settop(L, script_idx);
				if (bad)
					break;
			}
			close(fds[1]);
			return 1;
		}
		close(fds[1]);
		w[k].pid = pid;
		w[k].fd = fds[0];
		w[k].dead = 0;
	}
	return 0;
}

static void stop_workers(worker *w, int jobs)
{
	for (int k = 0; k < jobs; k++) {
		if (w[k].fd >= 0)
			close(w[k].fd);
		if (w[k].pid > 0)
			waitpid(w[k].pid, NULL, 0);
	}
}

int pqx_cmd_run(int argc, char **argv)
{
	pqx_common_opts o;
	pqx_common_defaults(&o);
	const char *format = "jsonl", *db = NULL;
	int nargs = 0, jobs = 1;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return PQX_EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf(run_help, pqx_common_help);
			free(args);
			return PQX_EXIT_OK;
		}
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				args[nargs++] = argv[i];
			break;
		}
		int c = pqx_common_option(&o, argc, argv, &i);
		if (c < 0) {
			free(args);
			return PQX_EXIT_USAGE;
		}
		if (c > 0)
			continue;
		if (is_opt(a, "--format")) {
			format = option_value(argc, argv, &i, "--format");
			if (strcmp(format, "jsonl") && strcmp(format, "json") && strcmp(format, "none")) {
				fprintf(stderr, "pqx run: --format must be jsonl, json or none, not '%s'\n", format);
				free(args);
				return PQX_EXIT_USAGE;
			}
			continue;
		}
		if (strcmp(a, "-j") == 0 || is_opt(a, "--jobs")) {
			const char *v = strcmp(a, "-j") == 0 ? (i + 1 < argc ? argv[++i] : "")
			                                      : option_value(argc, argv, &i, "--jobs");
			char *end;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 1 || n > 64) {
				fprintf(stderr, "pqx run: -j wants a number of processes from 1 to 64, not '%s'\n", v);
				free(args);
				return PQX_EXIT_USAGE;
			}
			jobs = (int)n;
			continue;
		}
		if (is_opt(a, "--db")) {
			db = option_value(argc, argv, &i, "--db");
			if (!*db) {
				free(args);
				return PQX_EXIT_USAGE;
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pqx run: unknown option '%s' (see pqx run --help)\n", a);
			free(args);
			return PQX_EXIT_USAGE;
		}
		args[nargs++] = argv[i];
	}
	if (nargs < 2) {
		fprintf(stderr, "usage: pqx run [options] SCRIPT PAGE...   (pqx run --help)\n");
		free(args);
		return PQX_EXIT_USAGE;
	}
	const char *script = args[0];
	int json = strcmp(format, "json") == 0, jsonl = strcmp(format, "jsonl") == 0;

	pqx_doc_set_limits(&o.limits);
	char err[512];
	pqx_vm *vm = pqx_vm_new(&o.vm, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "pqx: %s\n", err);
		free(args);
		return PQX_EXIT_INTERNAL;
	}
	lua_State *L = pqx_vm_state(vm);
	pqx_buf lerr = PQX_BUF_INIT, sbytes = PQX_BUF_INIT;
	int code = PQX_EXIT_OK;
	if (pqx_read_file(script, &sbytes) != 0) {
		fprintf(stderr, "pqx: %s: cannot read script: %s\n", script, strerror(errno));
		code = PQX_EXIT_INPUT;
		goto out;
	}
	if (pqx_vm_load_script(vm, script, &lerr) != 0) {
		print_indented(stderr, "pqx: script error: ", pqx_buf_cstr(&lerr));
		code = PQX_EXIT_SCRIPT;
		goto out;
	}
	int script_idx = lua_gettop(L);
	const char *sname = base_name(script);

	char **pages;
	size_t npages;
	pqx_collect_pages(args + 1, nargs - 1, &pages, &npages);
	if (npages == 0) {
		fprintf(stderr, "pqx run: no pages to read (directories are searched for *.html, *.htm)\n");
		code = PQX_EXIT_INPUT;
		pqx_free_pages(pages, npages);
		goto out;
	}

	worker workers[64];
	if ((size_t)jobs > npages)
		jobs = (int)npages;
	if (jobs > 1) {
		int w = start_workers(workers, jobs, vm, script_idx, sname, pages, npages, &o);
		if (w == 1) { /* a worker, done */
			pqx_free_pages(pages, npages);
			goto out;
		}
		if (w < 0) {
			fprintf(stderr, "pqx run: cannot start worker processes (%s); running in one\n", strerror(errno));
			jobs = 1;
		}
	}

	pqx_store *st = NULL;
	int64_t run_id = 0;
	if (db) {
		st = pqx_store_open(db, err, sizeof err);
		if (!st) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
			if (jobs > 1)
				stop_workers(workers, jobs);
			pqx_free_pages(pages, npages);
			goto out;
		}
		char sha[65];
		pqx_sha256_hex(sbytes.s ? sbytes.s : "", sbytes.len, sha);
		lua_getfield(L, script_idx, "name");
		lua_getfield(L, script_idx, "version");
		pqx_buf optj = PQX_BUF_INIT;
		pqx_buf_addf(&optj, "{\"encoding\":%s%s%s,\"max_bytes\":%zu,\"max_depth\":%u,"
		             "\"max_instructions\":%lld,\"max_memory\":%zu,\"timeout\":%g}",
		             o.encoding ? "\"" : "", o.encoding ? o.encoding : "null", o.encoding ? "\"" : "",
		             o.limits.max_bytes, o.limits.max_depth, o.vm.max_instructions,
		             o.vm.max_memory, o.vm.timeout);
		pqx_run_info ri = {lua_tostring(L, -2), script, lua_tostring(L, -1), sha, PQX_VERSION,
		                   pqx_buf_cstr(&optj)};
		run_id = pqx_store_run_begin(st, &ri, err, sizeof err);
		pqx_buf_free(&optj);
		lua_pop(L, 2);
		if (run_id < 0) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
			if (jobs > 1)
				stop_workers(workers, jobs);
			pqx_store_close(st);
			pqx_free_pages(pages, npages);
			goto out;
		}
	}

	if (json)
		fputs("[\n", stdout);
	long ok = 0, failed = 0, records = 0;
	for (size_t i = 0; i < npages; i++) {
		pqx_page_result r;
		pqx_page_result_init(&r);
		char src[24];
		if (jobs == 1) {
			pqx_process_page(vm, script_idx, sname, pages[i], &o, &r);
		} else {
			worker *w = &workers[i % (size_t)jobs];
			if (w->dead || recv_result(w->fd, &r, src) != 0) {
				w->dead = 1;
				pqx_page_result_free(&r);
				pqx_page_result_init(&r);
				r.status = PQX_EXIT_INTERNAL;
				pqx_buf_adds(&r.error, "the worker process for this page ended unexpectedly");
			}
			pqx_buf jerr = PQX_BUF_INIT;
			if (r.status != PQX_EXIT_OK ||
			    pqx_json_decode(L, pqx_buf_cstr(&r.records_json), r.records_json.len, &jerr) != 0)
				lua_pushnil(L);
			pqx_buf_free(&jerr);
		}
		int recs = lua_gettop(L);
		if (r.status == PQX_EXIT_OK && st && r.unschemed) {
			r.status = PQX_EXIT_VALIDATION;
			pqx_buf_addf(&r.error, "%s: %d record(s) have no schema; --db stores only "
			             "pqx.question/1 records (set schema = \"pqx.question/1\")", sname, r.unschemed);
		}
		push_lines(L, pqx_buf_cstr(&r.warnings));
		int wtab = lua_gettop(L);
		lua_Integer nwarn = (lua_Integer)lua_rawlen(L, wtab);
		for (lua_Integer k = 1; !o.quiet && k <= nwarn; k++) {
			lua_rawgeti(L, wtab, k);
			fprintf(stderr, "pqx: %s: warning: %s\n", pages[i], lua_tostring(L, -1));
			lua_pop(L, 1);
		}
		if (r.status != PQX_EXIT_OK) {
			char prefix[600];
			snprintf(prefix, sizeof prefix, "pqx: %s: ", pages[i]);
			print_indented(stderr, prefix, pqx_buf_cstr(&r.error));
		}
		if (st) {
			pqx_page_info pi = {pages[i], r.sha256, r.bytes, r.encoding, r.encoding_source,
			                    r.status == PQX_EXIT_OK ? "ok" : "error",
			                    r.status == PQX_EXIT_OK ? NULL : pqx_buf_cstr(&r.error), NULL};
			pqx_buf wj = PQX_BUF_INIT, sw = PQX_BUF_INIT;
			/* page warnings as a JSON array of strings */
			if (nwarn > 0 && pqx_json_encode(L, wtab, 0, &wj, &sw) == 0)
				pi.warnings_json = pqx_buf_cstr(&wj);
			if (pqx_store_page(st, run_id, &pi, r.status == PQX_EXIT_OK ? pqx_buf_cstr(&r.records_json) : NULL,
			                   &sw, err, sizeof err) != 0) {
				fprintf(stderr, "pqx: %s: database: %s\n", pages[i], err);
				if (r.status == PQX_EXIT_OK || r.status < PQX_EXIT_DB)
					r.status = PQX_EXIT_DB;
				/* the page is still recorded, as an error page with the reason */
				pqx_buf why = PQX_BUF_INIT;
				pqx_buf_addf(&why, "database: %s", err);
				pi.status = "error";
				pi.error = pqx_buf_cstr(&why);
				if (pqx_store_page(st, run_id, &pi, NULL, NULL, err, sizeof err) != 0)
					fprintf(stderr, "pqx: %s: database: %s\n", pages[i], err);
				pqx_buf_free(&why);
			} else if (!o.quiet && sw.len) {
				print_indented(stderr, "pqx: warning: ", pqx_buf_cstr(&sw));
			}
			pqx_buf_free(&wj);
			pqx_buf_free(&sw);
		}
		if (r.status == PQX_EXIT_OK) {
			ok++;
			records += (long)r.nrecords;
			if (jsonl) {
				/* one record per line: encode each element */
				lua_Integer n = (lua_Integer)lua_rawlen(L, recs);
				for (lua_Integer k = 1; k <= n; k++) {
					pqx_buf line = PQX_BUF_INIT, jerr = PQX_BUF_INIT;
					lua_rawgeti(L, recs, k);
					if (pqx_json_encode(L, -1, 0, &line, &jerr) == 0) {
						fwrite(line.s ? line.s : "", 1, line.len, stdout);
						fputc('\n', stdout);
					}
					lua_pop(L, 1);
					pqx_buf_free(&line);
					pqx_buf_free(&jerr);
				}
			}
		} else {
			failed++;
			if (r.status > code)
				code = r.status;
		}
		if (json) {
			lua_newtable(L);
			lua_pushstring(L, pages[i]);
			lua_setfield(L, -2, "page");
			lua_pushstring(L, r.status == PQX_EXIT_OK ? "ok" : "error");
			lua_setfield(L, -2, "status");
			if (r.status != PQX_EXIT_OK) {
				lua_pushstring(L, pqx_buf_cstr(&r.error));
				lua_setfield(L, -2, "error");
			}
			if (r.encoding[0]) {
				lua_pushstring(L, r.encoding);
				lua_setfield(L, -2, "encoding");
				lua_pushstring(L, r.encoding_source);
				lua_setfield(L, -2, "encoding_source");
			}
			lua_pushinteger(L, (lua_Integer)r.bytes);
			lua_setfield(L, -2, "bytes");
			lua_pushinteger(L, (lua_Integer)r.replaced);
			lua_setfield(L, -2, "replaced");
			lua_pushstring(L, r.sha256);
			lua_setfield(L, -2, "sha256");
			lua_pushvalue(L, wtab);
			lua_setfield(L, -2, "warnings");
			if (r.status == PQX_EXIT_OK)
				lua_pushvalue(L, recs);
			else
				lua_newtable(L);
			lua_setfield(L, -2, "records");
			pqx_buf pj = PQX_BUF_INIT, perr = PQX_BUF_INIT;
			pqx_json_encode(L, -1, 1, &pj, &perr);
			fprintf(stdout, "%s%s", i ? ",\n" : "", pqx_buf_cstr(&pj));
			pqx_buf_free(&pj);
			pqx_buf_free(&perr);
			lua_pop(L, 1);
		}
		fflush(stdout);
		lua_settop(L, script_idx);
		pqx_page_result_free(&r);
	}
	if (jobs > 1)
		stop_workers(workers, jobs);
	if (json)
		fputs("\n]\n", stdout);
	if (st) {
		if (pqx_store_run_end(st, run_id, ok, failed, err, sizeof err) != 0) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
		}
		pqx_store_close(st);
	}
	if (!o.quiet && (npages > 1 || failed))
		fprintf(stderr, "pqx: %zu page%s: %ld ok, %ld failed; %ld record%s\n", npages,
		        npages == 1 ? "" : "s", ok, failed, records, records == 1 ? "" : "s");
	pqx_free_pages(pages, npages);
out:
	pqx_buf_free(&lerr);
	pqx_buf_free(&sbytes);
	pqx_vm_free(vm);
	free(args);
	return code;
}

/* ---- pqx check ------------------------------------------------------------ */

int pqx_cmd_check(int argc, char **argv)
{
	pqx_common_opts o;
	pqx_common_defaults(&o);
	const char *script = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: pqx check [--lua-dev DIR] SCRIPT\n\n"
			       "Loads SCRIPT in the sandbox and checks that it returns a table with\n"
			       "name, version, description and extract; prints them. Exit 0 or 4.\n");
			return PQX_EXIT_OK;
		}
		int c = pqx_common_option(&o, argc, argv, &i);
		if (c < 0)
			return PQX_EXIT_USAGE;
		if (c == 0) {
			if (script || argv[i][0] == '-') {
				fprintf(stderr, "usage: pqx check SCRIPT\n");
				return PQX_EXIT_USAGE;
			}
			script = argv[i];
		}
	}
	if (!script) {
		fprintf(stderr, "usage: pqx check SCRIPT\n");
		return PQX_EXIT_USAGE;
	}
	char err[512];
	pqx_vm *vm = pqx_vm_new(&o.vm, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "pqx: %s\n", err);
		return PQX_EXIT_INTERNAL;
	}
	pqx_buf lerr = PQX_BUF_INIT;
	int code = PQX_EXIT_OK;
	FILE *f = fopen(script, "rb");
	if (!f) {
		fprintf(stderr, "pqx: %s: cannot read script: %s\n", script, strerror(errno));
		code = PQX_EXIT_INPUT;
	} else {
		fclose(f);
		if (pqx_vm_load_script(vm, script, &lerr) != 0) {
			print_indented(stderr, "pqx: script error: ", pqx_buf_cstr(&lerr));
			code = PQX_EXIT_SCRIPT;
		} else {
			lua_State *L = pqx_vm_state(vm);
			lua_getfield(L, -1, "name");
			lua_getfield(L, -2, "version");
			lua_getfield(L, -3, "description");
			lua_getfield(L, -4, "encoding");
			printf("%s %s: %s%s%s\n", lua_tostring(L, -4), lua_tostring(L, -3), lua_tostring(L, -2),
			       lua_isstring(L, -1) ? "; encoding " : "", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
		}
	}
	pqx_buf_free(&lerr);
	pqx_vm_free(vm);
	return code;
}

/* ---- pqx lua (developer) -------------------------------------------------- */

int pqx_cmd_lua(int argc, char **argv)
{
	pqx_common_opts o;
	pqx_common_defaults(&o);
	int i = 1;
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: pqx lua [--lua-dev DIR] FILE [ARG...]\n\n"
			       "Runs a trusted Lua file (full standard library, `pqx` global, `arg`);\n"
			       "the project's Lua API tests run this way.\n");
			return PQX_EXIT_OK;
		}
		int c = pqx_common_option(&o, argc, argv, &i);
		if (c < 0)
			return PQX_EXIT_USAGE;
		if (c == 0)
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: pqx lua FILE [ARG...]\n");
		return PQX_EXIT_USAGE;
	}
	o.vm.trusted = 1;
	pqx_doc_set_limits(&o.limits);
	char err[512];
	pqx_vm *vm = pqx_vm_new(&o.vm, err, sizeof err);
	if (!vm) {
		fprintf(stderr, "pqx: %s\n", err);
		return PQX_EXIT_INTERNAL;
	}
	pqx_buf lerr = PQX_BUF_INIT;
	int code = PQX_EXIT_OK;
	if (pqx_vm_dofile(vm, argv[i], argc - i - 1, argv + i + 1, &lerr) != 0) {
		print_indented(stderr, "pqx: ", pqx_buf_cstr(&lerr));
		code = PQX_EXIT_SCRIPT;
	}
	pqx_buf_free(&lerr);
	pqx_vm_free(vm);
	return code;
}
