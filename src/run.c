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
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <poll.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/sched.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031 /* Linux's, hidden by <fcntl.h> without _GNU_SOURCE */
#endif

#include <lauxlib.h>
#ifdef PQX_CALLGRIND
/* profiling builds (EXTRA_CFLAGS=-DPQX_CALLGRIND): each worker's callgrind
 * profile starts at zero instead of repeating the supervisor's */
#include <valgrind/callgrind.h>
#endif

#include "doc.h"
#include "page.h"
#include "sha256.h"
#include "store.h"
#include "url.h"
#include "warc.h"

const char pqx_common_help[] =
	"  --encoding LABEL        decode pages as LABEL (WHATWG label, e.g. windows-1252),\n"
	"                          overriding the script's `encoding` and the page's <meta>;\n"
	"                          strict: utf-8 makes every invalid byte U+FFFD\n"
	"  --base-url URL          the URL the pages were fetched from: ctx.url and doc.url,\n"
	"                          and the base of relative links (node:url); overrides the\n"
	"                          script's `base_url`\n"
	"  --max-bytes N           refuse pages larger than N bytes (default 64M; K/M/G suffixes)\n"
	"  --max-depth N           refuse pages whose elements nest deeper than N (default 4000;\n"
	"                          measured on the tree the parser builds; 0 = no limit)\n"
	"  --max-attributes N      refuse pages with an element of more than N attributes\n"
	"                          (default 1000; 0 = no limit)\n"
	"  --max-attribute-bytes N refuse pages with an element whose attribute names and\n"
	"                          values add up to more than N bytes (default 16M; 0 = none)\n"
	"  --max-parse-memory N    memory the HTML parser may use per page (default 1G)\n"
	"  --max-memory N          memory a script may add per page (default 512M; 0 = no limit)\n"
	"  --max-instructions N    Lua instructions per page (default 2000000000; 0 = no limit)\n"
	"  --timeout SECONDS       wall-clock budget per page (default 60; 0 = none); under\n"
	"                          pqx run it covers read, parse, script and validation\n"
	"  --lua-dev DIR           load the pqx.* Lua library from DIR (e.g. lua/) instead of\n"
	"                          the copy built into the binary (for developing the library)\n"
	"  -q, --quiet             do not print warnings, the summary or the progress line\n";

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
	static const char *const sizes[] = {"--max-bytes", "--max-parse-memory", "--max-memory",
	                                    "--max-attribute-bytes", NULL};
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
		else if (strcmp(*s, "--max-attribute-bytes") == 0) o->limits.max_attribute_bytes = sz;
		else o->vm.max_memory = sz;
		return 1;
	}
	if (is_opt(a, "--max-depth") || is_opt(a, "--max-instructions") || is_opt(a, "--max-attributes")) {
		int depth = is_opt(a, "--max-depth"), attrs = is_opt(a, "--max-attributes");
		const char *name = depth ? "--max-depth" : attrs ? "--max-attributes" : "--max-instructions";
		v = option_value(argc, argv, i, name);
		if (!*v)
			return -1;
		char *end;
		errno = 0;
		long long n = strtoll(v, &end, 10);
		if (*end || errno || n < 0 || ((depth || attrs) && n > 1000000)) {
			fprintf(stderr, "pqx: %s: '%s' is not a valid count\n", name, v);
			return -1;
		}
		if (depth) o->limits.max_depth = (unsigned)n;
		else if (attrs) o->limits.max_attributes = (unsigned)n;
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

/* Every path is kept in one canonical, lexical form, so that `dir`, `dir/`,
 * `./dir/` and `dir//` name the same pages (and the same `page` rows of a
 * database): repeated slashes and "." components go, and so does a trailing
 * slash. ".." is kept: resolving it lexically is wrong across symlinks. */
static char *canon_path(const char *p)
{
	size_t n = strlen(p);
	char *out = malloc(n + 2);
	if (!out)
		return NULL;
	size_t o = 0;
	int abs = p[0] == '/';
	if (abs)
		out[o++] = '/';
	const char *s = p;
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - s);
		if (len == 0)
			break;
		if (!(len == 1 && s[0] == '.')) {
			if (o > (size_t)abs)
				out[o++] = '/';
			memcpy(out + o, s, len);
			o += len;
		}
		s = e;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

static char *join_path(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);
	if (!p)
		return NULL;
	snprintf(p, len, "%s/%s", dir, name);
	char *c = canon_path(p);
	free(p);
	return c;
}

static int has_page_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return (dot && (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0 ||
	                strcasecmp(dot, ".xhtml") == 0)) || pqx_warc_is_archive_name(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A set of (device, inode) pairs: a directory walk enters each directory and
 * lists each file once, however many symlinks or hard links lead to it (a link
 * `a -> .` would otherwise make the walk endless). */
typedef struct devino {
	dev_t dev;
	ino_t ino;
} devino;

typedef struct devino_set {
	devino *v;
	size_t n, cap; /* cap is a power of two; open addressing */
} devino_set;

static size_t devino_hash(dev_t d, ino_t i)
{
	uint64_t h = (uint64_t)d * 0x9E3779B97F4A7C15ULL ^ (uint64_t)i * 0xC2B2AE3D27D4EB4FULL;
	return (size_t)(h ^ (h >> 29));
}

/* Adds (dev, ino); returns 1 if it was new, 0 if seen before (or out of memory). */
static int devino_add(devino_set *s, dev_t dev, ino_t ino)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		devino *v = calloc(cap, sizeof *v);
		if (!v)
			return 0;
		for (size_t k = 0; k < s->cap; k++) {
			if (s->v[k].ino == 0 && s->v[k].dev == 0)
				continue;
			size_t h = devino_hash(s->v[k].dev, s->v[k].ino) & (cap - 1);
			while (v[h].ino || v[h].dev)
				h = (h + 1) & (cap - 1);
			v[h] = s->v[k];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	if (dev == 0 && ino == 0)
		ino = 1; /* (0, 0) marks an empty slot */
	size_t h = devino_hash(dev, ino) & (s->cap - 1);
	while (s->v[h].ino || s->v[h].dev) {
		if (s->v[h].dev == dev && s->v[h].ino == ino)
			return 0;
		h = (h + 1) & (s->cap - 1);
	}
	s->v[h].dev = dev;
	s->v[h].ino = ino;
	s->n++;
	return 1;
}

/* Directories are walked breadth first with an explicit queue, each one's
 * entries sorted, so runs are repeatable; symlinks are followed, but a
 * directory or file already seen (by device and inode) is not visited again. */
static void add_dir(pqx_strv *l, const char *root, devino_set *seen)
{
	pqx_strv dirs = {0};
	struct stat st;
	if (stat(root, &st) != 0 || !devino_add(seen, st.st_dev, st.st_ino))
		return;
	pqx_strv_add(&dirs, root, strlen(root));
	for (size_t i = 0; i < dirs.n; i++) {
		DIR *d = opendir(dirs.v[i]);
		if (!d)
			continue;
		pqx_strv here = {0};
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char *p = join_path(dirs.v[i], e->d_name);
			if (!p)
				continue;
			pqx_strv_add(&here, p, strlen(p));
			free(p);
		}
		closedir(d);
		qsort(here.v, here.n, sizeof *here.v, cmp_str);
		for (size_t k = 0; k < here.n; k++) {
			int found = stat(here.v[k], &st) == 0;
			if (found && S_ISDIR(st.st_mode)) {
				if (devino_add(seen, st.st_dev, st.st_ino))
					pqx_strv_add(&dirs, here.v[k], strlen(here.v[k]));
			} else if (has_page_ext(here.v[k]) && (!found || devino_add(seen, st.st_dev, st.st_ino))) {
				/* a broken link or a FIFO is listed so that the run reports it */
				pqx_strv_add(l, here.v[k], strlen(here.v[k]));
			}
		}
		pqx_strv_free(&here);
	}
	pqx_strv_free(&dirs);
}

/* The pages of a run, produced one at a time: arguments in order, a directory
 * expanded when it is reached, and `-` read from standard input line by line
 * as pages are needed, so a long list (or an endless one) starts at once and
 * never sits whole in memory. */
#define PAGE_LIST_MAX_LINE 4096

typedef struct pagesrc {
	char **args;
	int nargs, next_arg;
	pqx_strv queue;     /* expanded paths not yet handed out */
	size_t qhead;
	devino_set seen;
	int in_stdin;       /* reading `-` */
	char lbuf[65536];   /* bytes read from stdin, not yet split into lines */
	size_t llen;
	size_t lineno;
	int skipping;       /* inside an over-long line */
	int stdin_eof;
	unsigned shard_i, shard_n; /* --shard I/N (1-based); n = 0: every page */
	long outside;       /* pages left out because they belong to another shard */
	pqx_warc *warc;     /* the web archive being read, or NULL */
	size_t max_bytes;   /* --max-bytes, for archived pages */
	int archives;       /* web archives opened */
	pqx_warc_stats warc_stats; /* of the archives finished */
	int no_archives;    /* list archives as paths, do not open them */
} pagesrc;

/* One page for the run: a path, or (error set) a line of the list that is
 * no page, reported in its place in the output. */
typedef struct pageitem {
	char *path;
	char *error;
	int error_status;       /* exit status of the error (0: input) */
	pqx_warc_record *rec;   /* a page (or broken record) from a web archive */
} pageitem;

static void pagesrc_init(pagesrc *ps, char **args, int nargs)
{
	memset(ps, 0, sizeof *ps);
	ps->args = args;
	ps->nargs = nargs;
}

static void pagesrc_free(pagesrc *ps)
{
	for (size_t i = ps->qhead; i < ps->queue.n; i++)
		free(ps->queue.v[i]);
	free(ps->queue.v);
	free(ps->seen.v);
	if (ps->warc) {
		pqx_warc_stats_add(&ps->warc_stats, pqx_warc_get_stats(ps->warc));
		pqx_warc_close(ps->warc);
		ps->warc = NULL;
	}
}

static void pageitem_free(pageitem *it)
{
	free(it->path);
	free(it->error);
	if (it->rec) {
		pqx_warc_record_free(it->rec);
		free(it->rec);
	}
	memset(it, 0, sizeof *it);
}

/* A path about to be handed out: a web archive (*.warc, *.warc.gz) is opened
 * and its records are handed out instead. Returns 1 when it is the item,
 * 0 when an archive was opened. */
static int take_path(pagesrc *ps, pageitem *it)
{
	it->error_status = 0;
	it->rec = NULL;
	if (it->error || ps->no_archives)
		return 1;
	char err[300], *archive = NULL;
	uint64_t offset;
	int64_t inner;
	pqx_warc *w;
	if (pqx_warc_is_archive_name(it->path)) {
		w = pqx_warc_open(it->path, ps->max_bytes, err, sizeof err);
	} else if (access(it->path, F_OK) != 0 && pqx_warc_parse_name(it->path, &archive, &offset, &inner)) {
		/* one record, named as pqx names it in messages: ARCHIVE#OFFSET */
		w = pqx_warc_open_record(archive, offset, inner, ps->max_bytes, err, sizeof err);
		free(archive);
	} else {
		return 1;
	}
	if (!w) {
		it->error = strdup(err);
		return 1;
	}
	ps->warc = w;
	ps->archives++;
	free(it->path);
	it->path = NULL;
	return 0;
}

/* The next record of the archive being read: 1 with *it, 0 at its end. */
static int take_record(pagesrc *ps, pageitem *it)
{
	memset(it, 0, sizeof *it);
	pqx_warc_record *rec = calloc(1, sizeof *rec);
	if (!rec) {
		it->path = strdup("(web archive)");
		it->error = strdup("out of memory reading the archive; the rest of it was not read");
		it->error_status = PQX_EXIT_INTERNAL;
	} else if (pqx_warc_next(ps->warc, rec)) {
		it->path = rec->name ? rec->name : strdup("(web archive)");
		rec->name = NULL;
		if (rec->error) {
			it->error = rec->error;
			rec->error = NULL;
			it->error_status = rec->error_limit ? PQX_EXIT_LIMIT : PQX_EXIT_INPUT;
		}
		it->rec = rec;
		return 1;
	}
	free(rec);
	pqx_warc_stats_add(&ps->warc_stats, pqx_warc_get_stats(ps->warc));
	pqx_warc_close(ps->warc);
	ps->warc = NULL;
	return it->path != NULL;
}

/* Splits one complete line out of lbuf into *it; returns 1, or 0 if none yet. */
static int take_line(pagesrc *ps, pageitem *it, int at_eof)
{
	for (;;) {
		char *nl = memchr(ps->lbuf, '\n', ps->llen);
		if (ps->skipping) {
			/* the rest of an over-long line, already reported */
			if (!nl) {
				ps->llen = 0;
				return 0;
			}
			size_t used = (size_t)(nl - ps->lbuf) + 1;
			memmove(ps->lbuf, ps->lbuf + used, ps->llen - used);
			ps->llen -= used;
			ps->skipping = 0;
			continue;
		}
		size_t len;
		if (nl)
			len = (size_t)(nl - ps->lbuf);
		else if (ps->llen == sizeof ps->lbuf || (at_eof && ps->llen > 0))
			len = ps->llen;
		else
			return 0;
		ps->lineno++;
		if (len > PAGE_LIST_MAX_LINE) {
			char m[160];
			snprintf(m, sizeof m, "(standard input, line %zu)", ps->lineno);
			if (nl) {
				size_t used = len + 1;
				memmove(ps->lbuf, ps->lbuf + used, ps->llen - used);
				ps->llen -= used;
			} else {
				ps->llen = 0;
				ps->skipping = !at_eof;
			}
			it->path = strdup(m);
			it->error = strdup("this line of the page list is longer than 4096 bytes; it names no page");
			return it->path && it->error;
		}
		char line[PAGE_LIST_MAX_LINE + 1];
		memcpy(line, ps->lbuf, len);
		line[len] = '\0';
		size_t used = nl ? len + 1 : len;
		memmove(ps->lbuf, ps->lbuf + used, ps->llen - used);
		ps->llen -= used;
		while (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0)
			continue;
		it->path = canon_path(line);
		it->error = NULL;
		it->rec = NULL;
		return it->path != NULL;
	}
}

/* Reads once from stdin (blocking if nothing is there). */
static void pagesrc_feed(pagesrc *ps)
{
	for (;;) {
		ssize_t n = read(STDIN_FILENO, ps->lbuf + ps->llen, sizeof ps->lbuf - ps->llen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ps->stdin_eof = 1;
		else
			ps->llen += (size_t)n;
		return;
	}
}

/* The shard (1..n) of a page: the first 8 bytes of the SHA-256 of its canonical
 * path, big-endian, modulo n. Stable across machines, runs and pqx versions. */
static unsigned shard_of(const char *path, unsigned n)
{
	unsigned char d[32];
	pqx_sha256(path, strlen(path), d);
	uint64_t h = 0;
	for (int i = 0; i < 8; i++)
		h = h << 8 | d[i];
	return (unsigned)(h % n) + 1;
}

static int pagesrc_next_any(pagesrc *ps, pageitem *it);

/* Returns 1 with the next page in *it, 0 at the end, -1 when the next page is
 * a line of stdin not read yet (call pagesrc_feed when stdin is readable).
 * With --shard, pages of other shards are left out here (list lines that name
 * no page are reported by every shard's run). */
static int pagesrc_next(pagesrc *ps, pageitem *it)
{
	for (;;) {
		int r = pagesrc_next_any(ps, it);
		if (r <= 0 || !ps->shard_n || it->error)
			return r;
		/* an archived page is placed by its URL, a file by its canonical path */
		const char *key = it->rec && it->rec->url ? it->rec->url : it->path;
		if (shard_of(key, ps->shard_n) == ps->shard_i)
			return r;
		ps->outside++;
		pageitem_free(it);
	}
}

static int pagesrc_next_any(pagesrc *ps, pageitem *it)
{
	for (;;) {
		if (ps->warc) {
			if (take_record(ps, it))
				return 1;
			continue;
		}
		if (ps->qhead < ps->queue.n) {
			it->path = ps->queue.v[ps->qhead];
			it->error = NULL;
			ps->queue.v[ps->qhead++] = NULL;
			if (take_path(ps, it))
				return 1;
			continue;
		}
		if (ps->in_stdin) {
			if (take_line(ps, it, ps->stdin_eof)) {
				if (take_path(ps, it))
					return 1;
				continue;
			}
			if (!ps->stdin_eof)
				return -1;
			ps->in_stdin = 0;
			continue;
		}
		if (ps->next_arg >= ps->nargs)
			return 0;
		const char *a = ps->args[ps->next_arg++];
		struct stat st;
		if (strcmp(a, "-") == 0) {
			ps->in_stdin = 1;
			ps->stdin_eof = 0;
			continue;
		}
		char *c = canon_path(a);
		if (!c)
			continue;
		if (stat(c, &st) == 0 && S_ISDIR(st.st_mode))
			add_dir(&ps->queue, c, &ps->seen);
		else
			pqx_strv_add(&ps->queue, c, strlen(c));
		free(c);
	}
}

int pqx_collect_pages(char **args, int n, char ***out, size_t *count)
{
	pagesrc ps;
	pagesrc_init(&ps, args, n);
	ps.no_archives = 1;
	pqx_strv l = {0};
	pageitem it;
	int r;
	while ((r = pagesrc_next(&ps, &it)) != 0) {
		if (r < 0) {
			pagesrc_feed(&ps);
			continue;
		}
		if (!it.error && !pqx_warc_is_archive_name(it.path))
			pqx_strv_add(&l, it.path, strlen(it.path));
		pageitem_free(&it);
	}
	pagesrc_free(&ps);
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
	"or - to read a list of paths from standard input, one per line (read as the\n"
	"run goes). Symlinks are followed, each directory and file is visited once;\n"
	"FIFOs, devices and other non-regular files are refused.\n"
	"A web archive (*.warc, *.warc.gz, also inside directories and lists) is read\n"
	"as a stream: each response record with HTTP status 200 and an HTML body is a\n"
	"page named ARCHIVE#OFFSET (the byte offset of the record, or of its gzip\n"
	"member; ARCHIVE#MEMBER+OFFSET inside a whole-file gzip), with ctx.url its\n"
	"WARC-Target-URI, ctx.fetched its WARC-Date and the HTTP charset as the\n"
	"page's declared encoding (ctx.encoding_source \"http\"). Other records are\n"
	"skipped and counted; an unreadable record is reported with its offset.\n"
	"PAGE ARCHIVE#OFFSET (as messages name a record) runs that one record.\n"
	"Each page runs in its own worker process under a supervisor that stops a\n"
	"page running longer than --timeout (read, parse, script and validation) and\n"
	"survives a worker that crashes; a page that fails is reported on stderr\n"
	"with the cause and the run goes on with the next. At the end (unless -q) a\n"
	"summary on stderr: pages ok / failed / skipped, records, new / changed /\n"
	"unchanged questions (--db), the time, and the failures grouped by cause with\n"
	"their count and first page; with --db it is also kept in the run table\n"
	"(pqx report compares runs).\n"
	"\n"
	"options:\n"
	"  --format jsonl|json|none  jsonl (default without --db): one record per line,\n"
	"                          compact; json: one pretty JSON array of pages, each with\n"
	"                          its records and metadata (encoding and its source, status,\n"
	"                          \"skipped\" for an unchanged page; url, fetched, archive,\n"
	"                          record_offset from a web archive); none (default with\n"
	"                          --db): no records on stdout\n"
	"  -j, --jobs N            run the script in N processes (1-64); output, database\n"
	"                          and messages stay in page order, as with one\n"
	"  --db FILE               store pqx.question/1 records in the SQLite database FILE\n"
	"                          (created and migrated as needed); each page whole or not\n"
	"                          at all, committed in groups every 0.25 s.\n"
	"                          A page whose bytes, script, pqx version and --encoding/\n"
	"                          --base-url are those of its last successful run by this\n"
	"                          script is skipped before it is parsed (its questions are\n"
	"                          marked seen; never with --lua-dev); the summary says why\n"
	"                          the others ran\n"
	"  --force                 with --db: parse every page, skip none\n"
	"  --shard I/N             only the pages of shard I of N (1 <= I <= N): those whose\n"
	"                          canonical path (an archived page: its URL) hashes (SHA-256)\n"
	"                          to I; N runs with I = 1..N split any page list without\n"
	"                          overlap (pqx merge joins them)\n"
	"  --no-progress           no progress line (shown on a terminal unless -q: pages\n"
	"                          done / total, pages per second, ETA, failures)\n"
	"  --max-worker-memory N   memory limit of each worker process (default: --max-memory\n"
	"                          + --max-parse-memory + 4 x --max-bytes + 256M; 0 = none)\n"
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

/* ---- the supervisor: one worker process per page ------------------------------ */

/* Every page of `pqx run` is processed in a worker process forked from the
 * supervisor after the script has loaded, so each page starts from the same
 * pristine state (nothing one page does to the Lua state reaches another, and
 * -j 1 and -j N are the same computation). The supervisor keeps up to N workers
 * running, gives each a wall-clock deadline covering read, decode, parse,
 * script and validation, kills one that overruns, reports one that dies (by
 * signal, or out of memory) as a failed page with the cause, and goes on.
 * Results come back over a pipe and are written in page order, so output,
 * messages and the database are those of a sequential run. Only the supervisor
 * writes to stdout and the database; a worker never touches the database
 * connection it inherits and leaves with _exit, so neither SQLite nor stdio
 * buffers are run down twice. */

/* Group commit (--db): pages are committed together at most this many seconds
 * after the first of them was stored; a killed run loses at most that window. */
#define PQX_COMMIT_WINDOW 0.25

#define WORKER_EXIT_OOM 86   /* a worker ran out of memory outside any handler */
#define WORKER_EXIT_PANIC 87 /* an unprotected Lua error in the engine */

typedef struct wire_head {
	int status, unschemed;
	size_t nrecords, bytes, replaced, parse_errors;
	double seconds;
	char sha256[65];
	char encoding[40];
	char encoding_source[24];
} wire_head;

/* The whole result goes down the pipe in one writev (the header, then each of
 * the four buffers as its 64-bit length and its bytes), so the supervisor is
 * woken once for a page rather than once per piece. A short write (a full pipe
 * and a signal) goes on from where it stopped. */
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
	const pqx_buf *bufs[4] = {&r->error, &r->warnings, &r->records_json, &r->stats_json};
	uint64_t lens[4];
	struct iovec iov[9];
	int n = 0;
	iov[n].iov_base = &h;
	iov[n++].iov_len = sizeof h;
	for (int k = 0; k < 4; k++) {
		lens[k] = bufs[k]->len;
		iov[n].iov_base = &lens[k];
		iov[n++].iov_len = sizeof lens[k];
		iov[n].iov_base = bufs[k]->s ? bufs[k]->s : "";
		iov[n++].iov_len = bufs[k]->len;
	}
	struct iovec *v = iov;
	while (n > 0) {
		ssize_t w = writev(fd, v, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		size_t left = (size_t)w;
		while (n > 0 && left >= v->iov_len) {
			left -= v->iov_len;
			v++;
			n--;
		}
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + left;
			v->iov_len -= left;
		}
	}
	return 0;
}

static int take_buf(const pqx_buf *in, size_t *pos, pqx_buf *b)
{
	uint64_t n;
	if (in->len - *pos < sizeof n)
		return -1;
	memcpy(&n, in->s + *pos, sizeof n);
	*pos += sizeof n;
	if (n > in->len - *pos)
		return -1;
	pqx_buf_reset(b);
	pqx_buf_add(b, in->s + *pos, (size_t)n);
	*pos += (size_t)n;
	return b->oom ? -1 : 0;
}

/* Fills r from the bytes a worker sent; src holds the encoding source text. */
static int parse_result(const pqx_buf *in, pqx_page_result *r, char src[24])
{
	wire_head h;
	size_t pos = 0;
	if (in->len < sizeof h)
		return -1;
	memcpy(&h, in->s, sizeof h);
	pos = sizeof h;
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
	if (take_buf(in, &pos, &r->error) || take_buf(in, &pos, &r->warnings) ||
	    take_buf(in, &pos, &r->records_json) || take_buf(in, &pos, &r->stats_json) || pos != in->len)
		return -1;
	return 0;
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A page in flight: its worker, or its finished result waiting for its turn. */
enum { SLOT_FREE, SLOT_RUNNING, SLOT_READY };

typedef struct slot {
	int state;
	pid_t pid;
	int fd;
	double deadline;      /* 0 = none */
	pqx_buf in;           /* bytes received from the worker */
	char *path;
	pqx_warc_record *rec;  /* the page's web archive record, or NULL */
	pqx_page_result r;
	char src[24];
	int skipped;          /* unchanged since its last run: no worker, nothing parsed */
} slot;

/* The zygote (see zygote_begin): its pid and the supervisor's end of its socket,
 * both -1 once it is gone or was never started. */
typedef struct zygote {
	pid_t pid;
	int fd;
} zygote;

typedef struct supervisor {
	zygote *z;
	pqx_vm *vm;
	int script_idx;
	const char *sname;
	const pqx_common_opts *o;
	size_t worker_memory;  /* RLIMIT_DATA of each worker, 0 = none */
	double page_limit;     /* wall-clock seconds per page, 0 = none */
	int want_stats;        /* --db: workers send their records' coverage figures */
} supervisor;

static void record_stats(lua_State *L, int recs);

static int worker_panic(lua_State *L)
{
	const char *m = lua_tostring(L, -1);
	_exit(m && strstr(m, "not enough memory") ? WORKER_EXIT_OOM : WORKER_EXIT_PANIC);
}

/* The worker: one page, its result down the pipe, _exit. */
static void worker_main(const supervisor *sv, const char *path, const pqx_warc_record *rec, int fd)
{
	signal(SIGPIPE, SIG_DFL);
#if !defined(__SANITIZE_ADDRESS__) && !defined(PQX_NO_WORKER_RLIMIT)
	/* backs the per-page budgets with a process limit (sanitizer builds map
	 * terabytes of shadow memory and cannot run under one) */
	if (sv->worker_memory) {
		struct rlimit rl = {(rlim_t)sv->worker_memory, (rlim_t)sv->worker_memory};
		setrlimit(RLIMIT_DATA, &rl);
	}
#endif
	lua_State *L = pqx_vm_state(sv->vm);
	lua_atpanic(L, worker_panic);
	pqx_page_result r;
	pqx_page_result_init(&r);
	if (rec) {
		pqx_page_source src = {rec->charset, rec->url, rec->fetched};
		pqx_process_bytes(sv->vm, sv->script_idx, sv->sname, path, rec->body.s ? rec->body.s : "",
		                  rec->body.len, &src, sv->o, &r);
	} else {
		pqx_process_page(sv->vm, sv->script_idx, sv->sname, path, sv->o, &r);
	}
	if (r.status == PQX_EXIT_INTERNAL && strstr(pqx_buf_cstr(&r.error), "not enough memory"))
		_exit(WORKER_EXIT_OOM);
	if (sv->want_stats && r.status == PQX_EXIT_OK && lua_type(L, -1) == LUA_TTABLE) {
		/* the coverage figures from the records as they are here, so that the
		 * supervisor need not decode the records' JSON to count their fields */
		pqx_buf jerr = PQX_BUF_INIT;
		record_stats(L, lua_gettop(L));
		if (pqx_json_encode(L, -1, 0, &r.stats_json, &jerr) != 0)
			pqx_buf_reset(&r.stats_json); /* the supervisor counts them itself */
		pqx_buf_free(&jerr);
	}
	int bad = send_result(fd, &r);
	_exit(bad ? WORKER_EXIT_PANIC : 0);
}

/* ---- the zygote: workers forked from a small pristine process ----------------

 * A fork copies the page tables of the process that forks, and afterwards every
 * page that process writes takes a copy-on-write fault while a child still
 * shares it. With --db the supervisor holds SQLite's cache and the run's buffers
 * and writes to them all the time, so forking each worker from it cost about
 * 1,900 page faults per page, on the critical path of a -j 2 run. So right after
 * the script is loaded, before the database is opened or the page list grows,
 * the supervisor forks one small process, the zygote, which from then on only
 * forks workers: it holds exactly the state a worker needs (the loaded VM, the
 * options) and writes to nothing.
 *
 * For a page the supervisor sends the zygote its path with the write end of the
 * result pipe attached (SCM_RIGHTS) on a SOCK_SEQPACKET socket (one message per
 * request, so no framing), and waits for the one-word reply: the worker's pid,
 * or minus an errno. The zygote creates the worker with clone(CLONE_PARENT), so
 * the worker is the supervisor's own child from its first instant: waitpid,
 * kill, the deadline, the signal and memory reports in slot_finish stay as they
 * are, with no re-parenting race and no subreaper. A web-archive record carries
 * its body in the supervisor's memory and is still forked directly, as is every
 * page once the zygote is gone (killed, or the socket broke): a run never fails
 * because of it. The zygote exits when the socket closes (the supervisor ended);
 * like a worker it keeps the default signal dispositions, so Ctrl-C stops it
 * together with the rest of the process group. */

#define ZYGOTE_MAX_PATH 65536 /* a longer path (hardly ever) is forked directly */

/* A message of one buffer with room for one passed descriptor (the zygote's request
 * both ways: the supervisor sends it, the zygote receives it). */
static void fd_message(struct msghdr *mh, struct iovec *iov, char *control, size_t controllen)
{
	memset(mh, 0, sizeof *mh);
	mh->msg_iov = iov;
	mh->msg_iovlen = 1;
	mh->msg_control = control;
	mh->msg_controllen = controllen;
}

static void zygote_main(const supervisor *sv, int sock)
{
	static char path[ZYGOTE_MAX_PATH + 1];
	/* named so that ps tells it from the workers, which get the old name back */
	char name[17] = "";
	prctl(PR_GET_NAME, name, 0, 0, 0);
	prctl(PR_SET_NAME, "pqx-zygote", 0, 0, 0);
	for (;;) {
		union {
			struct cmsghdr h;
			char b[CMSG_SPACE(sizeof(int))];
		} cm;
		struct iovec iov = {path, ZYGOTE_MAX_PATH};
		struct msghdr mh;
		fd_message(&mh, &iov, cm.b, sizeof cm.b);
		ssize_t n = recvmsg(sock, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0); /* the supervisor is gone */
		int fd = -1;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
		int32_t reply = -EINVAL;
		if (fd >= 0 && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
			path[n] = '\0';
			/* a fork whose child is the supervisor's (the raw call: glibc's
			 * clone() wants a separate stack; with none the child runs on a
			 * copy of this one, as after fork) */
			long pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, 0);
			if (pid == 0) {
#ifdef PQX_CALLGRIND
				CALLGRIND_ZERO_STATS;
#endif
				close(sock);
				prctl(PR_SET_NAME, name, 0, 0, 0);
				worker_main(sv, path, NULL, fd);
			}
			reply = pid < 0 ? -errno : (int32_t)pid;
		}
		if (fd >= 0)
			close(fd);
		while (send(sock, &reply, sizeof reply, MSG_NOSIGNAL) < 0)
			if (errno != EINTR)
				_exit(0);
	}
}

/* Forks the zygote; without one (no socket, no fork) pages are forked directly. */
static void zygote_begin(const supervisor *sv)
{
	zygote *z = sv->z;
	int sp[2];
	z->pid = -1;
	z->fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) != 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		zygote_main(sv, sp[1]);
	}
	close(sp[1]);
	if (pid < 0) {
		close(sp[0]);
		return;
	}
	z->pid = pid;
	z->fd = sp[0];
}

/* Closes the socket (the zygote then exits) and reaps the zygote. */
static void zygote_end(zygote *z)
{
	if (z->fd >= 0)
		close(z->fd);
	if (z->pid > 0)
		while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR)
			;
	z->fd = -1;
	z->pid = -1;
}

/* Asks the zygote for a worker on path writing to wfd. Returns its pid; -1 when
 * the zygote started none and wfd is still this page's alone; -2 when the
 * zygote broke after it had wfd, so a worker of its may hold the pipe. */
static pid_t zygote_spawn(zygote *z, const char *path, int wfd)
{
	size_t len = strlen(path);
	if (z->fd < 0 || len > ZYGOTE_MAX_PATH)
		return -1;
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	memset(&cm, 0, sizeof cm);
	struct iovec iov = {(void *)path, len};
	struct msghdr mh;
	fd_message(&mh, &iov, cm.b, sizeof cm.b);
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &wfd, sizeof wfd);
	ssize_t w;
	while ((w = sendmsg(z->fd, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (w < 0) {
		zygote_end(z);
		return -1;
	}
	int32_t reply;
	ssize_t got;
	while ((got = recv(z->fd, &reply, sizeof reply, 0)) < 0 && errno == EINTR)
		;
	if (got != (ssize_t)sizeof reply) {
		zygote_end(z);
		return -2;
	}
	return reply > 0 ? (pid_t)reply : -1; /* its fork failed: forked here instead */
}

static void slot_fail(slot *s, int status, const char *msg)
{
	pqx_page_result_free(&s->r);
	pqx_page_result_init(&s->r);
	s->r.status = status;
	pqx_buf_adds(&s->r.error, msg);
	s->state = SLOT_READY;
}

static int slot_start(const supervisor *sv, slot *s, slot *all, int nslots)
{
	int fds[2];
	pqx_buf_reset(&s->in);
	pqx_page_result_init(&s->r);
	if (pipe(fds) != 0) {
		char m[200];
		snprintf(m, sizeof m, "cannot start a worker process for this page (pipe: %s)", strerror(errno));
		slot_fail(s, PQX_EXIT_INTERNAL, m);
		return -1;
	}
	/* A pipe holds 64 KB, and a page's result is often more (the benchmark's records
	 * are 2-92 KB a page): the worker then sat in its write, a core idle, until the
	 * supervisor came back from storing the pages before it. With room for 1 MB (the
	 * kernel's default limit; memory is taken only for what is written) most workers
	 * write their result and exit at once. A refusal leaves the pipe as it was. */
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	pid_t pid = s->rec ? -1 : zygote_spawn(sv->z, s->path, fds[1]);
	if (pid > 0)
		goto started;
	if (pid == -2) {
		/* a worker the broken zygote may have started holds this pipe: a new one */
		close(fds[0]);
		close(fds[1]);
		if (pipe(fds) != 0) {
			char m[200];
			snprintf(m, sizeof m, "cannot start a worker process for this page (pipe: %s)", strerror(errno));
			slot_fail(s, PQX_EXIT_INTERNAL, m);
			return -1;
		}
	}
	fflush(NULL);
	pid = -1;
	for (int tries = 0; tries < 5; tries++) {
		pid = fork();
		if (pid >= 0 || errno != EAGAIN)
			break;
		usleep(100000);
	}
	if (pid < 0) {
		char m[200];
		snprintf(m, sizeof m, "cannot start a worker process for this page (fork: %s)", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		slot_fail(s, PQX_EXIT_INTERNAL, m);
		return -1;
	}
	if (pid == 0) {
#ifdef PQX_CALLGRIND
		CALLGRIND_ZERO_STATS;
#endif
		close(fds[0]);
		for (int k = 0; k < nslots; k++)
			if (all[k].state == SLOT_RUNNING)
				close(all[k].fd);
		if (sv->z->fd >= 0)
			close(sv->z->fd);
		worker_main(sv, s->path, s->rec, fds[1]);
	}
started:
	close(fds[1]);
	s->pid = pid;
	s->fd = fds[0];
	s->state = SLOT_RUNNING;
	s->deadline = sv->page_limit > 0 ? mono_now() + sv->page_limit : 0;
	return 0;
}

/* The worker's pipe is at its end (or the page overran): reap it and decide. */
static void slot_finish(const supervisor *sv, slot *s, int timed_out)
{
	int wst = 0;
	if (timed_out)
		kill(s->pid, SIGKILL);
	while (waitpid(s->pid, &wst, 0) < 0 && errno == EINTR)
		;
	close(s->fd);
	s->fd = -1;
	char m[300];
	if (timed_out) {
		snprintf(m, sizeof m, "limit exceeded: timeout: the page took longer than %g s "
		         "(--timeout, for reading, parsing, the script and validation together); "
		         "its worker process was stopped", sv->o->vm.timeout);
		slot_fail(s, PQX_EXIT_LIMIT, m);
	} else if (WIFSIGNALED(wst)) {
		int sig = WTERMSIG(wst);
		snprintf(m, sizeof m, "the worker process for this page died: signal %d (%s)%s", sig,
		         strsignal(sig), sig == SIGKILL ? "; killed from outside, perhaps for memory" : "");
		slot_fail(s, PQX_EXIT_INTERNAL, m);
	} else if (WIFEXITED(wst) && WEXITSTATUS(wst) == WORKER_EXIT_OOM) {
		if (sv->worker_memory)
			snprintf(m, sizeof m, "limit exceeded: memory: the worker process for this page reached "
			         "its limit of %zu MB (--max-worker-memory)", sv->worker_memory >> 20);
		else
			snprintf(m, sizeof m, "limit exceeded: memory: the worker process for this page "
			         "ran out of memory");
		slot_fail(s, PQX_EXIT_LIMIT, m);
	} else if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0 || parse_result(&s->in, &s->r, s->src) != 0) {
		snprintf(m, sizeof m, "the worker process for this page failed (exit status %d) "
		         "without a result", WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
		slot_fail(s, PQX_EXIT_INTERNAL, m);
	} else {
		s->state = SLOT_READY;
	}
	pqx_buf_free(&s->in);
}

/* ---- writing a page's result (in page order) ----------------------------------- */

/* ---- run figures: the summary, the run's coverage, progress -------------------- */

/* Counted names (causes of failure, kinds of warning, reasons to re-run), in the
 * order first met, each with the first page it happened on. */
typedef struct tally_item {
	char *name, *first;
	long count;
} tally_item;

typedef struct tally {
	tally_item *v;
	size_t n, cap;
} tally;

static void tally_add(tally *t, const char *name, long count, const char *first)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].name, name) == 0) {
			t->v[i].count += count;
			return;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		tally_item *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return;
		t->v = v;
		t->cap = cap;
	}
	char *n = strdup(name), *f = first ? strdup(first) : NULL;
	if (!n) {
		free(f);
		return;
	}
	t->v[t->n++] = (tally_item){n, f, count};
}

static void tally_free(tally *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].first);
	}
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* The fields of pqx.question/1 whose presence `pqx report` follows (docs/record.md);
 * the required ones every valid record has are left out. */
static const char *const cov_fields[] = {
	"term", "type", "lang", "page_lang", "title", "summary", "authors", "addressees",
	"dates.asked", "dates.answered", "dates.published", "dates.due", "dates.withdrawn",
	"question", "question.body", "question.parts", "answers", "documents", "keywords",
	"events", "related", "attachments", "status", "source_url", "extra",
};
#define NCOV (sizeof cov_fields / sizeof cov_fields[0])

typedef struct runout {
	lua_State *L;
	const pqx_common_opts *o;
	const char *sname;
	pqx_store *st;
	int64_t run_id;
	int json, jsonl;
	size_t pages;
	long ok, failed, records;
	int code;
	/* incremental re-runs (--db) */
	const char *script_name;   /* the script's `name`: page checks are per script */
	const char *script_sha;
	const char *options_key;   /* the options that change records */
	int force;
	long skipped;
	pqx_store_counts q;        /* new / changed / unchanged questions */
	tally causes;              /* failures grouped by cause, for the summary */
	tally fails, warns, reruns;/* run_stat: failure kinds, warning kinds, re-run reasons */
	long cov_records, cov[NCOV];
	/* progress on a terminal */
	int progress, drawn;
	long total;                /* pages to do, or -1 while unknown */
	double started, last_draw;
	pqx_strv window;  /* pages stored ok since the last commit (group commit) */
} runout;

static double mono_now(void);

static void progress_clear(runout *ro)
{
	if (ro->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		ro->drawn = 0;
	}
}

static void fmt_duration(char *out, size_t n, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/* One line, redrawn in place at most five times a second (force: now). */
static void progress_draw(runout *ro, int force)
{
	if (!ro->progress)
		return;
	double now = mono_now();
	if (!force && now - ro->last_draw < 0.2)
		return;
	ro->last_draw = now;
	double el = now - ro->started;
	double rate = el > 0 ? (double)ro->pages / el : 0;
	char line[200], eta[32] = "";
	int n;
	if (ro->total >= 0)
		n = snprintf(line, sizeof line, "pqx: %zu/%ld pages", ro->pages, ro->total);
	else
		n = snprintf(line, sizeof line, "pqx: %zu pages", ro->pages);
	if (ro->pages > 0 && el >= 0.5)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %.1f/s", rate);
	if (ro->total >= 0 && rate > 0 && ro->pages > 0 && el >= 0.5) {
		fmt_duration(eta, sizeof eta, (double)(ro->total - (long)ro->pages) / rate);
		n += snprintf(line + n, sizeof line - (size_t)n, ", ETA %s", eta);
	}
	if (ro->skipped)
		n += snprintf(line + n, sizeof line - (size_t)n, ", %ld skipped", ro->skipped);
	snprintf(line + n, sizeof line - (size_t)n, ", %ld failed", ro->failed);
	/* a line longer than the terminal would wrap, and \r would redraw only its end */
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && strlen(line) >= ws.ws_col)
		line[ws.ws_col - 1] = '\0';
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	ro->drawn = 1;
}

/* The kind of a warning: its leading field path ("dates.asked: ...", list
 * positions dropped: "answers[1].date" -> "answers[].date"), else "other". */
static void warning_kind(const char *w, char *out, size_t n)
{
	const char *colon = strstr(w, ": ");
	size_t len = colon ? (size_t)(colon - w) : 0;
	int fieldlike = len > 0 && len <= 40 && ((w[0] >= 'a' && w[0] <= 'z') || w[0] == '_');
	for (size_t i = 0; fieldlike && i < len; i++) {
		char c = w[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '[' || c == ']'))
			fieldlike = 0;
	}
	if (!fieldlike) {
		snprintf(out, n, "other");
		return;
	}
	size_t o = 0;
	for (size_t i = 0; i < len && o + 1 < n; i++) {
		out[o++] = w[i];
		if (w[i] == '[')
			while (i + 1 < len && w[i + 1] >= '0' && w[i + 1] <= '9')
				i++;
	}
	out[o] = '\0';
}

/* What kind of failure a page had, from its exit status and message. */
static void failure_kind(int status, const char *error, char *out, size_t n)
{
	const char *k = status == PQX_EXIT_INPUT ? "input" : status == PQX_EXIT_SCRIPT ? "script error" :
	                status == PQX_EXIT_VALIDATION ? "validation" : status == PQX_EXIT_LIMIT ? "limit" :
	                status == PQX_EXIT_DB ? "database" : "internal";
	const char *le = strstr(error, "limit exceeded: ");
	if (status == PQX_EXIT_LIMIT && le) {
		le += strlen("limit exceeded: ");
		size_t w = strcspn(le, ": (\n");
		snprintf(out, n, "limit: %.*s", (int)(w < 40 ? w : 40), le);
		return;
	}
	snprintf(out, n, "%s", k);
}

/* The cause a failure is grouped under in the summary: its kind and the first line
 * of the message, without what differs from page to page for the same cause (the
 * record id of a validation message, the position of a parse error). */
static void failure_cause(int status, const char *error, char *out, size_t n)
{
	char kind[64];
	failure_kind(status, error, kind, sizeof kind);
	const char *m = error;
	size_t len = strcspn(m, "\n");
	if (strncmp(m, "record ", 7) == 0) {
		const char *c = strstr(m, ": ");
		if (c && (size_t)(c - m) < len) {
			len -= (size_t)(c + 2 - m);
			m = c + 2;
		}
	}
	if (strncmp(m, "line ", 5) == 0) {
		const char *c = strstr(m, ": ");
		if (c && (size_t)(c - m) < len && (size_t)(c - m) < 40) {
			len -= (size_t)(c + 2 - m);
			m = c + 2;
		}
	}
	if (len > 160)
		len = 160;
	if (strncmp(m, "limit exceeded: ", 16) == 0)
		snprintf(out, n, "%.*s", (int)len, m);  /* says its kind itself */
	else
		snprintf(out, n, "%s: %.*s", kind, (int)len, m);
}

/* 1 when the value at idx counts as given: not nil, not "", not an empty table. */
static int given(lua_State *L, int idx)
{
	int t = lua_type(L, idx);
	if (t == LUA_TNIL)
		return 0;
	if (t == LUA_TSTRING)
		return lua_rawlen(L, idx) > 0;
	if (t == LUA_TTABLE) {
		lua_pushnil(L);
		if (lua_next(L, idx < 0 ? idx - 1 : idx)) {
			lua_pop(L, 2);
			return 1;
		}
		return 0;
	}
	return 1;
}

/* The coverage figures of a page's records, as a table on the stack:
 * {records = N, fields = {name = count}, warnings = {kind = count}} (the kinds of
 * the records' own warnings). recs is the list of records (or 0 for none). The
 * worker makes it from its records before they become JSON (--db), the supervisor
 * from the decoded JSON when no worker sent it. */
static void record_stats(lua_State *L, int recs)
{
	lua_newtable(L);
	int out = lua_gettop(L);
	lua_newtable(L);
	int fields = lua_gettop(L);
	lua_newtable(L);
	int warns = lua_gettop(L);
	lua_Integer nrec = recs ? (lua_Integer)lua_rawlen(L, recs) : 0;
	char kind[64];
#define BUMP(tab, key) do { lua_getfield(L, tab, key); lua_Integer c_ = lua_tointeger(L, -1); \
		lua_pop(L, 1); lua_pushinteger(L, c_ + 1); lua_setfield(L, tab, key); } while (0)
	for (lua_Integer i = 1; i <= nrec; i++) {
		lua_rawgeti(L, recs, i);
		int rec = lua_gettop(L);
		if (lua_type(L, rec) == LUA_TTABLE) {
			for (size_t f = 0; f < NCOV; f++) {
				const char *dot = strchr(cov_fields[f], '.');
				if (dot) {
					lua_pushlstring(L, cov_fields[f], (size_t)(dot - cov_fields[f]));
					if (lua_rawget(L, rec) == LUA_TTABLE)
						lua_getfield(L, -1, dot + 1);
					else
						lua_pushnil(L);
				} else {
					lua_pushnil(L);
					lua_getfield(L, rec, cov_fields[f]);
				}
				if (given(L, -1))
					BUMP(fields, cov_fields[f]);
				lua_pop(L, 2);
			}
			if (lua_getfield(L, rec, "warnings") == LUA_TTABLE) {
				lua_Integer nw = (lua_Integer)lua_rawlen(L, -1);
				for (lua_Integer k = 1; k <= nw; k++) {
					if (lua_rawgeti(L, -1, k) == LUA_TSTRING) {
						warning_kind(lua_tostring(L, -1), kind, sizeof kind);
						BUMP(warns, kind);
					}
					lua_pop(L, 1);
				}
			}
		}
		lua_settop(L, rec - 1);
	}
	lua_pushinteger(L, nrec);
	lua_setfield(L, out, "records");
	lua_pushvalue(L, fields);
	lua_setfield(L, out, "fields");
	lua_pushvalue(L, warns);
	lua_setfield(L, out, "warnings");
	lua_settop(L, out);
}

/* Adds the kinds of the page's own warnings (wtab, its warning lines) to the figures
 * on top of the stack; a record's warnings (lines "record ...") were counted from the
 * record. */
static void page_warning_stats(lua_State *L, int wtab)
{
	int out = lua_gettop(L);
	char kind[64];
	if (lua_getfield(L, out, "warnings") != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, out, "warnings");
	}
	int warns = lua_gettop(L);
	lua_Integer nw = (lua_Integer)lua_rawlen(L, wtab);
	for (lua_Integer k = 1; k <= nw; k++) {
		lua_rawgeti(L, wtab, k);
		const char *w = lua_tostring(L, -1);
		if (w && strncmp(w, "record ", 7) != 0) {
			warning_kind(w, kind, sizeof kind);
			BUMP(warns, kind);
		}
		lua_pop(L, 1);
	}
#undef BUMP
	lua_settop(L, out);
}

/* Adds a page's figures (the table on top of the stack, popped) to the run's. */
static void add_stats(runout *ro, const char *path)
{
	lua_State *L = ro->L;
	int t = lua_gettop(L);
	if (lua_type(L, t) == LUA_TTABLE) {
		lua_getfield(L, t, "records");
		ro->cov_records += (long)lua_tointeger(L, -1);
		lua_pop(L, 1);
		if (lua_getfield(L, t, "fields") == LUA_TTABLE)
			for (size_t f = 0; f < NCOV; f++) {
				lua_getfield(L, -1, cov_fields[f]);
				ro->cov[f] += (long)lua_tointeger(L, -1);
				lua_pop(L, 1);
			}
		lua_pop(L, 1);
		if (lua_getfield(L, t, "warnings") == LUA_TTABLE) {
			lua_pushnil(L);
			while (lua_next(L, -2)) {
				if (lua_type(L, -2) == LUA_TSTRING)
					tally_add(&ro->warns, lua_tostring(L, -2), (long)lua_tointeger(L, -1), path);
				lua_pop(L, 1);
			}
		}
	}
	lua_settop(L, t - 1);
}

/* Streams the file through SHA-256 without keeping it; -1 if it is not a readable
 * regular file of at most max bytes (the worker then reports what is wrong). */
static int hash_file(const char *path, size_t max, char hex[65])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || (max && (size_t)st.st_size > max)) {
		fclose(f);
		return -1;
	}
	pqx_sha256_ctx c;
	pqx_sha256_init(&c);
	unsigned char buf[65536], d[32];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		pqx_sha256_update(&c, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return -1;
	pqx_sha256_final(&c, d);
	pqx_sha256_tohex(d, hex);
	return 0;
}

/* The incremental re-run: a page whose bytes, script, pqx version and options are
 * those of its last successful run by this script is skipped before anything is
 * parsed. Returns 1 (s is then ready, marked skipped) or 0 with the reason counted. */
static int skip_check(runout *ro, slot *s)
{
	const char *why = NULL;
	pqx_page_check c;
	char err[300], sha[65] = "";
	if (s->rec && !s->rec->error)
		pqx_sha256_hex(s->rec->body.s ? s->rec->body.s : "", s->rec->body.len, sha);
	if (ro->force) {
		why = "--force";
	} else if (ro->o->vm.lua_dev_dir) {
		why = "--lua-dev (the library may have changed)";
	} else {
		int f = pqx_store_get_check(ro->st, s->path, ro->script_name, &c, err, sizeof err);
		if (f < 0) {
			progress_clear(ro);
			fprintf(stderr, "pqx: %s: database: %s; the page is run again\n", s->path, err);
			why = "database error";
		} else if (f == 0) {
			why = "new page";
		} else if (s->rec ? (s->rec->error != NULL) : hash_file(s->path, ro->o->limits.max_bytes, sha) != 0) {
			why = "unreadable";
		} else if (strcmp(sha, c.content_sha256) != 0) {
			why = "content changed";
		} else if (strcmp(c.script_sha256, ro->script_sha) != 0) {
			why = "script changed";
		} else if (strcmp(c.pqx_version, PQX_VERSION) != 0) {
			why = "pqx version changed";
		} else if (strcmp(c.options, ro->options_key) != 0) {
			why = "options changed";
		} else if (!c.ok) {
			why = "last run failed";
		}
	}
	if (why) {
		tally_add(&ro->reruns, why, 1, s->path);
		return 0;
	}
	pqx_page_result_init(&s->r);
	memcpy(s->r.sha256, sha, sizeof sha);
	s->skipped = 1;
	s->state = SLOT_READY;
	return 1;
}


/* The pages stored since the last commit did not reach the database (a failed
 * commit, or a failure that rolled the whole transaction back): each is named,
 * and counts as failed after all. */
static void window_lost(runout *ro, const char *why)
{
	for (size_t k = 0; k < ro->window.n; k++)
		fprintf(stderr, "pqx: %s: database: not stored after all: %s\n", ro->window.v[k], why);
	ro->ok -= (long)ro->window.n;
	ro->failed += (long)ro->window.n;
	if (ro->window.n && ro->code < PQX_EXIT_DB)
		ro->code = PQX_EXIT_DB;
	pqx_strv_free(&ro->window);
	memset(&ro->window, 0, sizeof ro->window);
}

/* After a page was stored: committed (the window is empty again) or still open. */
static void window_note(runout *ro, const char *path, int stored)
{
	if (pqx_store_commit_due(ro->st) < 0) {
		pqx_strv_free(&ro->window);
		memset(&ro->window, 0, sizeof ro->window);
	} else if (stored) {
		pqx_strv_add(&ro->window, path, strlen(path));
	}
}

/* Writes each element of a compact JSON array (the canonical records text) on
 * its own line, without decoding it: the supervisor never holds a second copy
 * of what a worker built. */
static void write_jsonl(const char *s, size_t n)
{
	if (n < 2 || s[0] != '[')
		return;
	size_t start = 1;
	int depth = 0;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			/* strings are most of the bytes: jump from quote to quote with
			 * memchr; a quote after an odd run of backslashes is escaped (the
			 * run cannot reach back past the opening quote) */
			size_t j = i + 1;
			for (;;) {
				const char *q = memchr(s + j, '"', n - j);
				if (!q)
					return; /* unterminated: not the engine's JSON */
				size_t k = (size_t)(q - s), b = 0;
				while (s[k - 1 - b] == '\\')
					b++;
				j = k + 1;
				if (b % 2 == 0)
					break;
			}
			i = j - 1;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if (c == ']' || c == '}') {
			if (depth == 0) {
				if (i > start) {
					fwrite(s + start, 1, i - start, stdout);
					fputc('\n', stdout);
				}
				return;
			}
			depth--;
		} else if (c == ',' && depth == 0) {
			fwrite(s + start, 1, i - start, stdout);
			fputc('\n', stdout);
			start = i + 1;
		}
	}
}

static void emit_page(runout *ro, const char *path, const pqx_warc_record *rec, pqx_page_result *r)
{
	lua_State *L = ro->L;
	const pqx_common_opts *o = ro->o;
	int top = lua_gettop(L);
	size_t i = ro->pages++;
	char err[512];
	progress_clear(ro);
	if (rec && rec->warnings.len) {
		/* what the archive reader noticed comes first */
		pqx_buf w = PQX_BUF_INIT;
		pqx_buf_add(&w, rec->warnings.s, rec->warnings.len);
		pqx_buf_add(&w, r->warnings.s ? r->warnings.s : "", r->warnings.len);
		pqx_buf_free(&r->warnings);
		r->warnings = w;
	}
	if (r->status == PQX_EXIT_OK && ro->st && r->unschemed) {
		r->status = PQX_EXIT_VALIDATION;
		pqx_buf_addf(&r->error, "%s: %d record(s) have no schema; --db stores only "
		             "pqx.question/1 records (set schema = \"pqx.question/1\")", ro->sname, r->unschemed);
	}
	push_lines(L, pqx_buf_cstr(&r->warnings));
	int wtab = lua_gettop(L);
	lua_Integer nwarn = (lua_Integer)lua_rawlen(L, wtab);
	for (lua_Integer k = 1; !o->quiet && k <= nwarn; k++) {
		lua_rawgeti(L, wtab, k);
		fprintf(stderr, "pqx: %s: warning: %s\n", path, lua_tostring(L, -1));
		lua_pop(L, 1);
	}
	if (r->status != PQX_EXIT_OK) {
		char prefix[600];
		snprintf(prefix, sizeof prefix, "pqx: %s: ", path);
		print_indented(stderr, prefix, pqx_buf_cstr(&r->error));
	}
	if (ro->st) {
		pqx_page_info pi = {path, r->sha256, r->bytes, r->encoding, r->encoding_source,
		                    r->status == PQX_EXIT_OK ? "ok" : "error",
		                    r->status == PQX_EXIT_OK ? NULL : pqx_buf_cstr(&r->error), NULL, NULL};
		pqx_page_origin origin = {rec ? rec->url : o->base_url, rec ? rec->fetched : NULL,
		                          rec ? rec->archive : NULL, rec ? (int64_t)rec->offset : -1,
		                          rec ? rec->inner : -1};
		pi.origin = &origin;
		pqx_buf wj = PQX_BUF_INIT, sw = PQX_BUF_INIT;
		/* page warnings as a JSON array of strings */
		if (nwarn > 0 && pqx_json_encode(L, wtab, 0, &wj, &sw) == 0)
			pi.warnings_json = pqx_buf_cstr(&wj);
		/* the page's coverage figures, kept for the report and for runs that skip it */
		pqx_buf sj = PQX_BUF_INIT, jerr = PQX_BUF_INIT;
		int have_stats = 0, counted = 0;
		if (r->status == PQX_EXIT_OK && r->stats_json.len &&
		    pqx_json_decode(L, pqx_buf_cstr(&r->stats_json), r->stats_json.len, &jerr) == 0) {
			/* the worker counted its records' fields */
			counted = lua_type(L, -1) == LUA_TTABLE;
			if (!counted)
				lua_pop(L, 1);
		}
		if (!counted && r->status == PQX_EXIT_OK &&
		    pqx_json_decode(L, pqx_buf_cstr(&r->records_json), r->records_json.len, &jerr) == 0) {
			int recs = lua_gettop(L);
			record_stats(L, lua_type(L, recs) == LUA_TTABLE ? recs : 0);
			lua_remove(L, recs);
			counted = 1;
		}
		if (counted) {
			page_warning_stats(L, wtab);
			have_stats = pqx_json_encode(L, -1, 0, &sj, &jerr) == 0;
			if (have_stats)
				pqx_store_set_page_stats(ro->st, pqx_buf_cstr(&sj));
			else
				lua_pop(L, 1);
		}
		pqx_buf_free(&jerr);
		if (pqx_store_page(ro->st, ro->run_id, &pi,
		                   r->status == PQX_EXIT_OK ? pqx_buf_cstr(&r->records_json) : NULL,
		                   &sw, err, sizeof err) != 0) {
			fprintf(stderr, "pqx: %s: database: %s\n", path, err);
			if (pqx_store_commit_due(ro->st) < 0 && ro->window.n) {
				char why[700];
				snprintf(why, sizeof why, "its group of pages was lost with %s (%s)", path, err);
				window_lost(ro, why);
			}
			if (r->status == PQX_EXIT_OK || r->status < PQX_EXIT_DB)
				r->status = PQX_EXIT_DB;
			/* the page is still recorded, as an error page with the reason */
			pqx_buf why = PQX_BUF_INIT;
			pqx_buf_addf(&why, "database: %s", err);
			pi.status = "error";
			pi.error = pqx_buf_cstr(&why);
			if (pqx_store_page(ro->st, ro->run_id, &pi, NULL, NULL, err, sizeof err) != 0)
				fprintf(stderr, "pqx: %s: database: %s\n", path, err);
			window_note(ro, path, 0);
			pqx_buf_free(&why);
			if (have_stats)
				lua_pop(L, 1);
		} else {
			pqx_store_counts c;
			pqx_store_last_counts(ro->st, &c);
			ro->q.new_questions += c.new_questions;
			ro->q.changed += c.changed;
			ro->q.unchanged += c.unchanged;
			if (have_stats)
				add_stats(ro, path);
			window_note(ro, path, r->status == PQX_EXIT_OK);
			if (!o->quiet && sw.len)
				print_indented(stderr, "pqx: warning: ", pqx_buf_cstr(&sw));
		}
		pqx_store_set_page_stats(ro->st, NULL);
		pqx_buf_free(&sj);
		pqx_buf_free(&wj);
		pqx_buf_free(&sw);
	}
	if (r->status == PQX_EXIT_OK) {
		ro->ok++;
		ro->records += (long)r->nrecords;
		if (ro->jsonl)
			write_jsonl(pqx_buf_cstr(&r->records_json), r->records_json.len);
	} else {
		ro->failed++;
		if (r->status > ro->code)
			ro->code = r->status;
		char cause[256], kind[64];
		failure_cause(r->status, pqx_buf_cstr(&r->error), cause, sizeof cause);
		failure_kind(r->status, pqx_buf_cstr(&r->error), kind, sizeof kind);
		tally_add(&ro->causes, cause, 1, path);
		tally_add(&ro->fails, kind, 1, path);
	}
	if (ro->json) {
		pqx_buf jerr = PQX_BUF_INIT;
		if (r->status != PQX_EXIT_OK ||
		    pqx_json_decode(L, pqx_buf_cstr(&r->records_json), r->records_json.len, &jerr) != 0)
			lua_newtable(L);
		pqx_buf_free(&jerr);
		int recs = lua_gettop(L);
		lua_newtable(L);
		lua_pushstring(L, path);
		lua_setfield(L, -2, "page");
		lua_pushstring(L, r->status == PQX_EXIT_OK ? "ok" : "error");
		lua_setfield(L, -2, "status");
		if (r->status != PQX_EXIT_OK) {
			lua_pushstring(L, pqx_buf_cstr(&r->error));
			lua_setfield(L, -2, "error");
		}
		if (r->encoding[0]) {
			lua_pushstring(L, r->encoding);
			lua_setfield(L, -2, "encoding");
			lua_pushstring(L, r->encoding_source);
			lua_setfield(L, -2, "encoding_source");
		}
		lua_pushinteger(L, (lua_Integer)r->bytes);
		lua_setfield(L, -2, "bytes");
		lua_pushinteger(L, (lua_Integer)r->replaced);
		lua_setfield(L, -2, "replaced");
		lua_pushstring(L, r->sha256);
		lua_setfield(L, -2, "sha256");
		/* where an archived page came from */
		if (rec) {
			lua_pushstring(L, rec->url);
			lua_setfield(L, -2, "url");
			lua_pushstring(L, rec->fetched);
			lua_setfield(L, -2, "fetched");
			lua_pushstring(L, rec->archive);
			lua_setfield(L, -2, "archive");
			lua_pushinteger(L, (lua_Integer)rec->offset);
			lua_setfield(L, -2, "record_offset");
		}
		lua_pushvalue(L, wtab);
		lua_setfield(L, -2, "warnings");
		lua_pushvalue(L, recs);
		lua_setfield(L, -2, "records");
		pqx_buf pj = PQX_BUF_INIT, perr = PQX_BUF_INIT;
		pqx_json_encode(L, -1, 1, &pj, &perr);
		fprintf(stdout, "%s%s", i ? ",\n" : "", pqx_buf_cstr(&pj));
		pqx_buf_free(&pj);
		pqx_buf_free(&perr);
	}
	fflush(stdout);
	lua_settop(L, top);
	progress_draw(ro, 0);
}

/* Commits the pages stored so far; a failure loses them, and says so. */
static void store_commit(runout *ro)
{
	char err[512];
	if (pqx_store_commit(ro->st, err, sizeof err) != 0) {
		fprintf(stderr, "pqx: database: %s\n", err);
		if (ro->code < PQX_EXIT_DB)
			ro->code = PQX_EXIT_DB;
		window_lost(ro, err);
	}
	pqx_strv_free(&ro->window);
	memset(&ro->window, 0, sizeof ro->window);
}

/* A page skipped as unchanged: "seen" in the database, its figures from its last run. */
static void emit_skipped(runout *ro, const char *path, pqx_page_result *r)
{
	lua_State *L = ro->L;
	int top = lua_gettop(L);
	size_t i = ro->pages++;
	char err[512];
	pqx_buf stats = PQX_BUF_INIT, jerr = PQX_BUF_INIT;
	ro->skipped++;
	store_commit(ro); /* a skipped page is its own transaction: the open group goes first */
	if (pqx_store_page_seen(ro->st, ro->run_id, path, ro->script_name, &stats, err, sizeof err) != 0) {
		progress_clear(ro);
		fprintf(stderr, "pqx: %s: database: %s\n", path, err);
		if (ro->code < PQX_EXIT_DB)
			ro->code = PQX_EXIT_DB;
	} else if (stats.len && pqx_json_decode(L, stats.s, stats.len, &jerr) == 0) {
		add_stats(ro, path);
	}
	if (ro->json) {
		lua_newtable(L);
		lua_pushstring(L, path);
		lua_setfield(L, -2, "page");
		lua_pushstring(L, "skipped");
		lua_setfield(L, -2, "status");
		lua_pushstring(L, r->sha256);
		lua_setfield(L, -2, "sha256");
		pqx_buf pj = PQX_BUF_INIT, perr = PQX_BUF_INIT;
		pqx_json_encode(L, -1, 1, &pj, &perr);
		fprintf(stdout, "%s%s", i ? ",\n" : "", pqx_buf_cstr(&pj));
		fflush(stdout);
		pqx_buf_free(&pj);
		pqx_buf_free(&perr);
	}
	pqx_buf_free(&stats);
	pqx_buf_free(&jerr);
	lua_settop(L, top);
	progress_draw(ro, 0);
}

/* Runs every page of ps under supervision, writing results through ro.
 * first is the first page, already taken from ps. */
/* Pages are written in page order, so a finished page waits for the ones before
 * it. With only `jobs` pages in flight, one slow page held every core that had
 * finished its own page idle until the slow one was done (on the benchmark's
 * 20-60 KB pages, -j 2 reached 1.55x of -j 1). So up to SUPERVISE_WINDOW pages
 * per job are in flight: at most `jobs` of them running, the rest finished and
 * held in memory until their turn. */
#define SUPERVISE_WINDOW 4

static void supervise(const supervisor *sv, pagesrc *ps, pageitem first, int jobs, runout *ro)
{
	const size_t window = (size_t)jobs * SUPERVISE_WINDOW;
	int running = 0;
	slot *slots = calloc(window, sizeof *slots);
	if (!slots) {
		fprintf(stderr, "pqx run: out of memory\n");
		ro->code = PQX_EXIT_INTERNAL;
		pageitem_free(&first);
		return;
	}
	for (size_t k = 0; k < window; k++)
		slots[k].fd = -1;
	size_t next_emit = 0, next_start = 0;
	int have = 1, ended = 0;
	pageitem item = first;
	struct pollfd *pfd = calloc(window + 1, sizeof *pfd);
	int *pslot = calloc(window + 1, sizeof *pslot);
	if (!pfd || !pslot) {
		fprintf(stderr, "pqx run: out of memory\n");
		ro->code = PQX_EXIT_INTERNAL;
		ended = 1;
	}
	for (;;) {
		/* start pages while the window of in-flight pages has room */
		int want_stdin = 0;
		running = 0;
		for (size_t k = 0; k < window; k++)
			running += slots[k].state == SLOT_RUNNING;
		while (!ended && next_start - next_emit < window && running < jobs) {
			if (!have) {
				int r = pagesrc_next(ps, &item);
				if (r == 0) {
					ended = 1;
					break;
				}
				if (r < 0) {
					want_stdin = 1;
					break;
				}
				have = 1;
			}
			slot *s = &slots[next_start % window];
			s->path = item.path;
			s->rec = item.rec;
			have = 0;
			s->skipped = 0;
			if (item.error) {
				pqx_page_result_init(&s->r);
				slot_fail(s, item.error_status ? item.error_status : PQX_EXIT_INPUT, item.error);
				free(item.error);
			} else if (!(ro->st && skip_check(ro, s))) {
				slot_start(sv, s, slots, (int)window);
				running += s->state == SLOT_RUNNING;
			}
			next_start++;
		}
		/* write finished pages in order */
		while (next_emit < next_start && slots[next_emit % window].state == SLOT_READY) {
			slot *s = &slots[next_emit % window];
			if (s->skipped)
				emit_skipped(ro, s->path, &s->r);
			else
				emit_page(ro, s->path, s->rec, &s->r);
			pqx_page_result_free(&s->r);
			free(s->path);
			s->path = NULL;
			if (s->rec) {
				pqx_warc_record_free(s->rec);
				free(s->rec);
				s->rec = NULL;
			}
			s->state = SLOT_FREE;
			next_emit++;
		}
		if (next_emit == next_start && (ended || !pfd))
			break;
		/* (writing pages out changes no running count: `running` is still exact) */
		if (next_start - next_emit < window && running < jobs && !want_stdin && !ended)
			continue; /* room was made: start more */
		/* wait for a worker, a deadline or more of the page list */
		int n = 0;
		double now = mono_now(), wait = -1;
		for (size_t k = 0; k < window; k++) {
			if (slots[k].state != SLOT_RUNNING)
				continue;
			pfd[n].fd = slots[k].fd;
			pfd[n].events = POLLIN;
			pslot[n++] = (int)k;
			if (slots[k].deadline > 0) {
				double left = slots[k].deadline - now;
				if (left < 0)
					left = 0;
				if (wait < 0 || left < wait)
					wait = left;
			}
		}
		if (want_stdin) {
			pfd[n].fd = STDIN_FILENO;
			pfd[n].events = POLLIN;
			pslot[n++] = -1;
		}
		/* the database's open transaction is committed on time even while no
		 * page finishes (group commit keeps its window bounded) */
		double due = ro->st ? pqx_store_commit_due(ro->st) : -1;
		if (due >= 0 && (wait < 0 || due < wait))
			wait = due;
		int timeout_ms = wait < 0 ? -1 : (int)(wait * 1000) + 1;
		if (ro->progress && (timeout_ms < 0 || timeout_ms > 200))
			timeout_ms = 200; /* the progress line's clock keeps ticking */
		int pr = poll(pfd, (nfds_t)n, timeout_ms);
		if (pr < 0 && errno != EINTR) {
			fprintf(stderr, "pqx run: poll: %s\n", strerror(errno));
			ro->code = PQX_EXIT_INTERNAL;
			break;
		}
		for (int j = 0; pr > 0 && j < n; j++) {
			if (!pfd[j].revents)
				continue;
			if (pslot[j] < 0) {
				pagesrc_feed(ps);
				continue;
			}
			slot *s = &slots[pslot[j]];
			char chunk[65536];
			ssize_t got = read(s->fd, chunk, sizeof chunk);
			if (got > 0)
				pqx_buf_add(&s->in, chunk, (size_t)got);
			else if (got == 0 || (errno != EINTR && errno != EAGAIN))
				slot_finish(sv, s, 0);
		}
		if (ro->st && pqx_store_commit_due(ro->st) == 0)
			store_commit(ro);
		now = mono_now();
		for (size_t k = 0; k < window; k++)
			if (slots[k].state == SLOT_RUNNING && slots[k].deadline > 0 && now >= slots[k].deadline)
				slot_finish(sv, &slots[k], 1);
		progress_draw(ro, 0);
	}
	/* only after an internal error: stop what still runs */
	for (size_t k = 0; k < window; k++) {
		if (slots[k].state == SLOT_RUNNING) {
			kill(slots[k].pid, SIGKILL);
			waitpid(slots[k].pid, NULL, 0);
			close(slots[k].fd);
			pqx_buf_free(&slots[k].in);
		}
		if (slots[k].state != SLOT_FREE)
			pqx_page_result_free(&slots[k].r);
		free(slots[k].path);
		if (slots[k].rec) {
			pqx_warc_record_free(slots[k].rec);
			free(slots[k].rec);
		}
	}
	if (have)
		pageitem_free(&item);
	free(pfd);
	free(pslot);
	free(slots);
}

/* The run's figures into the run and run_stat rows (what `pqx report` reads). */
static int store_figures(runout *ro, double seconds, const char *shard)
{
	size_t n = NCOV + 1 + ro->fails.n + ro->causes.n + ro->warns.n + ro->reruns.n, k = 0;
	pqx_run_stat *v = calloc(n, sizeof *v);
	if (!v)
		return -1;
	v[k++] = (pqx_run_stat){"total", "records", ro->cov_records, NULL};
	for (size_t f = 0; f < NCOV; f++)
		v[k++] = (pqx_run_stat){"field", cov_fields[f], ro->cov[f], NULL};
	const tally *ts[] = {&ro->fails, &ro->causes, &ro->warns, &ro->reruns};
	const char *kinds[] = {"failure", "cause", "warning", "rerun"};
	for (int t = 0; t < 4; t++)
		for (size_t i = 0; i < ts[t]->n; i++)
			v[k++] = (pqx_run_stat){kinds[t], ts[t]->v[i].name, ts[t]->v[i].count, ts[t]->v[i].first};
	pqx_run_totals tot = {ro->skipped, ro->records, ro->q.new_questions, ro->q.changed,
	                      ro->q.unchanged, seconds, shard};
	char err[512];
	int rc = pqx_store_run_stats(ro->st, ro->run_id, &tot, v, k, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "pqx: %s\n", err);
	free(v);
	return rc;
}

static void print_summary(const runout *ro, double seconds, const char *shard, long outside)
{
	char dur[32];
	if (seconds < 60)
		snprintf(dur, sizeof dur, "%.2f s", seconds);
	else
		fmt_duration(dur, sizeof dur, seconds);
	fprintf(stderr, "pqx: %zu page%s in %s (%.1f pages/s): %ld ok, %ld failed",
	        ro->pages, ro->pages == 1 ? "" : "s", dur,
	        seconds > 0 ? (double)ro->pages / seconds : 0.0, ro->ok, ro->failed);
	if (ro->st)
		fprintf(stderr, ", %ld skipped (unchanged)", ro->skipped);
	fprintf(stderr, "; %ld record%s%s\n", ro->records, ro->records == 1 ? "" : "s",
	        ro->st ? " stored" : "");
	if (ro->st)
		fprintf(stderr, "pqx: questions: %ld new, %ld changed, %ld unchanged%s\n",
		        ro->q.new_questions, ro->q.changed, ro->q.unchanged,
		        ro->skipped ? " (in the pages parsed; skipped pages leave theirs unchanged)" : "");
	if (ro->st && ro->reruns.n) {
		fputs("pqx: not skipped:", stderr);
		for (size_t i = 0; i < ro->reruns.n; i++)
			fprintf(stderr, "%s %s %ld", i ? "," : "", ro->reruns.v[i].name, ro->reruns.v[i].count);
		fputc('\n', stderr);
	}
	if (shard)
		fprintf(stderr, "pqx: shard %s: %ld page%s of other shards left out\n", shard, outside,
		        outside == 1 ? "" : "s");
	if (ro->causes.n) {
		fprintf(stderr, "pqx: failures by cause:\n");
		for (size_t i = 0; i < ro->causes.n; i++)
			fprintf(stderr, "pqx:   %ld x %s (first: %s)\n", ro->causes.v[i].count,
			        ro->causes.v[i].name, ro->causes.v[i].first ? ro->causes.v[i].first : "?");
	}
}

int pqx_cmd_run(int argc, char **argv)
{
	/* The supervisor takes in every page's result (often 100-300 KB): with glibc's
	 * defaults such buffers were mapped and unmapped, or the heap trimmed and grown
	 * again, page after page, and each new page of memory was a fault (about 57 per
	 * page of the benchmark with --db, on the supervisor's serial path). Blocks up to
	 * 4 MB now come from the heap, which keeps up to 8 MB free at its top; peak RSS is
	 * unchanged (freed memory is reused, not added to). */
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	pqx_common_opts o;
	pqx_common_defaults(&o);
	const char *format = NULL, *db = NULL, *shard = NULL;
	int nargs = 0, jobs = 1, worker_memory_set = 0, force = 0, no_progress = 0;
	unsigned shard_i = 0, shard_n = 0;
	size_t worker_memory = 0;
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
		if (is_opt(a, "--max-worker-memory")) {
			const char *v = option_value(argc, argv, &i, "--max-worker-memory");
			if (!*v || parse_size(v, &worker_memory) != 0) {
				fprintf(stderr, "pqx run: --max-worker-memory: '%s' is not a size (e.g. 2G)\n", v);
				free(args);
				return PQX_EXIT_USAGE;
			}
			worker_memory_set = 1;
			continue;
		}
		if (strcmp(a, "--force") == 0) {
			force = 1;
			continue;
		}
		if (strcmp(a, "--no-progress") == 0) {
			no_progress = 1;
			continue;
		}
		if (is_opt(a, "--shard")) {
			shard = option_value(argc, argv, &i, "--shard");
			char *end;
			unsigned long si = strtoul(shard, &end, 10), sn = 0;
			if (end != shard && *end == '/')
				sn = strtoul(end + 1, &end, 10);
			if (!*shard || *end || sn < 1 || sn > 1000000 || si < 1 || si > sn || shard[0] == '-') {
				fprintf(stderr, "pqx run: --shard wants I/N with 1 <= I <= N (e.g. 2/3), not '%s'\n", shard);
				free(args);
				return PQX_EXIT_USAGE;
			}
			shard_i = (unsigned)si;
			shard_n = (unsigned)sn;
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
	/* With --db the records are in the database; stdout gets them only on request. */
	if (!format)
		format = db ? "none" : "jsonl";
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
	zygote zy = {-1, -1};
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
	/* compiled once here, not again in every worker */
	if (pqx_page_preload(vm, &lerr) != 0) {
		print_indented(stderr, "pqx: internal error: ", pqx_buf_cstr(&lerr));
		code = PQX_EXIT_INTERNAL;
		goto out;
	}

	supervisor sv = {&zy, vm, script_idx, sname, &o, worker_memory,
	                 o.vm.timeout > 0 ? o.vm.timeout * 1.1 + 0.25 : 0, db != NULL};
	if (!worker_memory_set && o.vm.max_memory && o.limits.max_parse_memory && o.limits.max_bytes)
		sv.worker_memory = o.vm.max_memory + o.limits.max_parse_memory + 4 * o.limits.max_bytes +
		                   (size_t)256 * 1024 * 1024;
	/* now, while the process is small: nothing after this reaches the workers. A run
	 * of one regular file has no use for it: that file is one page (its worker forked
	 * from here costs what a zygote's fork would, without the zygote's own fork, its
	 * two wake-ups and its exit), or a web archive, whose records are forked from
	 * here in any case. */
	struct stat one;
	if (!(nargs == 2 && strcmp(args[1], "-") != 0 && stat(args[1], &one) == 0 && S_ISREG(one.st_mode)))
		zygote_begin(&sv);

	double started = mono_now();
	pagesrc ps;
	pagesrc_init(&ps, args + 1, nargs - 1);
	ps.shard_i = shard_i;
	ps.shard_n = shard_n;
	ps.max_bytes = o.limits.max_bytes;
	pageitem first = {0};
	int got;
	while ((got = pagesrc_next(&ps, &first)) < 0)
		pagesrc_feed(&ps);
	if (got == 0) {
		if (shard_n && ps.outside) {
			if (!o.quiet)
				fprintf(stderr, "pqx run: no pages in shard %s (%ld page%s to other shards)\n",
				        shard, ps.outside, ps.outside == 1 ? " belongs" : "s belong");
		} else if (ps.archives) {
			pqx_buf line = PQX_BUF_INIT;
			pqx_warc_stats_line(&ps.warc_stats, ps.archives, &line);
			fprintf(stderr, "pqx run: no pages to read: %s\n", pqx_buf_cstr(&line));
			pqx_buf_free(&line);
		} else {
			fprintf(stderr, "pqx run: no pages to read (directories are searched for *.html, *.htm, "
			        "*.xhtml and web archives, *.warc and *.warc.gz)\n");
		}
		code = shard_n && ps.outside ? PQX_EXIT_OK : PQX_EXIT_INPUT;
		pagesrc_free(&ps);
		goto out;
	}

	pqx_store *st = NULL;
	int64_t run_id = 0;
	if (db) {
		st = pqx_store_open(db, err, sizeof err);
		if (!st) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
			pageitem_free(&first);
			pagesrc_free(&ps);
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
		pqx_store_set_commit_window(st, PQX_COMMIT_WINDOW);
		run_id = pqx_store_run_begin(st, &ri, err, sizeof err);
		pqx_buf_free(&optj);
		lua_pop(L, 2);
		if (run_id < 0) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
			pqx_store_close(st);
			pageitem_free(&first);
			pagesrc_free(&ps);
			goto out;
		}
	}

	runout ro;
	memset(&ro, 0, sizeof ro);
	ro.L = L;
	ro.o = &o;
	ro.sname = sname;
	ro.st = st;
	ro.run_id = run_id;
	ro.json = json;
	ro.jsonl = jsonl;
	ro.code = PQX_EXIT_OK;
	ro.force = force;
	ro.started = started;
	ro.total = -1;
	char script_sha[65];
	pqx_buf okey = PQX_BUF_INIT;
	pqx_sha256_hex(sbytes.s ? sbytes.s : "", sbytes.len, script_sha);
	lua_getfield(L, script_idx, "name");
	ro.script_name = lua_tostring(L, -1) ? lua_tostring(L, -1) : sname;  /* stays on the stack */
	int name_idx = lua_gettop(L);
	ro.script_sha = script_sha;
	/* the options that change what a page gives (limits only decide whether it fails) */
	pqx_buf_addf(&okey, "encoding=%s base-url=%s", o.encoding ? o.encoding : "",
	             o.base_url ? o.base_url : "");
	ro.options_key = pqx_buf_cstr(&okey);
	if (st && pqx_store_set_check(st, ro.script_name, script_sha, PQX_VERSION, ro.options_key) != 0) {
		fprintf(stderr, "pqx run: out of memory\n");
		code = PQX_EXIT_INTERNAL;
	}
	ro.progress = !o.quiet && !no_progress && isatty(STDERR_FILENO);
	if (ro.progress) {
		/* the total, when it can be known without reading stdin: the same walk, counted */
		int streamed = 0;
		for (int k = 1; k < nargs; k++)
			streamed |= strcmp(args[k], "-") == 0;
		if (!streamed) {
			pagesrc cs;
			pagesrc_init(&cs, args + 1, nargs - 1);
			cs.shard_i = shard_i;
			cs.shard_n = shard_n;
			cs.no_archives = 1; /* web archives are counted as they are read */
			pageitem ci;
			long n = 0;
			int archived = 0;
			while (pagesrc_next(&cs, &ci) > 0) {
				n++;
				archived |= !ci.error && ci.path && pqx_warc_is_archive_name(ci.path);
				pageitem_free(&ci);
			}
			pagesrc_free(&cs);
			ro.total = archived ? -1 : n;
		}
		progress_draw(&ro, 1);
	}
	if (json)
		fputs("[\n", stdout);
	supervise(&sv, &ps, first, jobs, &ro);
	progress_clear(&ro);
	if (ro.code > code)
		code = ro.code;
	if (json)
		fputs("\n]\n", stdout);
	double seconds = mono_now() - started;
	if (st) {
		store_commit(&ro); /* the last pages, named if they are lost */
		if (ro.code > code)
			code = ro.code;
		if (store_figures(&ro, seconds, shard) != 0 ||
		    pqx_store_run_end(st, run_id, ro.ok, ro.failed, err, sizeof err) != 0) {
			fprintf(stderr, "pqx: %s: %s\n", db, err);
			code = PQX_EXIT_DB;
		}
		pqx_store_close(st);
	}
	if (!o.quiet)
		print_summary(&ro, seconds, shard, ps.outside);
	if (!o.quiet && ps.archives) {
		pqx_buf line = PQX_BUF_INIT;
		pqx_warc_stats_line(&ps.warc_stats, ps.archives, &line);
		fprintf(stderr, "pqx: %s\n", pqx_buf_cstr(&line));
		pqx_buf_free(&line);
	}
	pagesrc_free(&ps);
	lua_remove(L, name_idx);
	pqx_buf_free(&okey);
	tally_free(&ro.causes);
	tally_free(&ro.fails);
	tally_free(&ro.warns);
	tally_free(&ro.reruns);
out:
	zygote_end(&zy);
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
