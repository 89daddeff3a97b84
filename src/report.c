/*
 * report.c: `pqx report DB` (coverage per script against its previous run, read
 * from the run and run_stat rows `pqx run --db` writes) and `pqx merge OUT IN...`
 * (databases of shards or of other people combined through the store's own rules).
 * The report only reads: it opens the database read-only and never migrates it.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"

/* ---- pqx report ------------------------------------------------------------ */

static const char report_help[] =
	"usage: pqx report [options] DB\n"
	"\n"
	"For each script that wrote to DB (pqx run --db), the figures of its latest run\n"
	"beside those of the run before: per field of pqx.question/1 the share of records\n"
	"that have it, failures by kind, warnings by kind, pages ok / failed / skipped.\n"
	"Pages skipped as unchanged count with the figures of their last run, so a\n"
	"re-run compares like with like. When the latest run was sharded (--shard I/N),\n"
	"the latest run of each of the N shards together is compared with the run\n"
	"before it of each shard. A field whose share dropped by more than the margin is\n"
	"flagged (\"dates.answered 97%% -> 3%%\"), and so is a run without records after\n"
	"one with records.\n"
	"\n"
	"options:\n"
	"  --script NAME     only this script (its `name`, e.g. be-senate)\n"
	"  --format text|json  text (default) for people, json for programs\n"
	"  --margin PCT      flag a share that dropped by more than PCT percentage\n"
	"                    points (default 10)\n"
	"\n"
	"exit codes: 0 nothing flagged, %d a drop was flagged, 2 usage, 3 DB is not a\n"
	"pqx database or has no run figures, 7 database error.\n";

typedef struct figure {
	char *kind, *name;
	long cur, prev;
} figure;

typedef struct batch {
	int have;
	char ids[256];     /* run ids, comma-separated */
	char started[64];
	long ok, failed, skipped, records;
} batch;

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* The runs of one script compared by the report: the latest batch (k = 1) and the
 * one before (k = 2). A batch is one unsharded run, or the latest run of each shard
 * of an N-way split. */
#define BATCH_CTE \
	"WITH r AS (SELECT id, started, coalesce(shard, '') AS shard, pages_ok, pages_failed," \
	"  pages_skipped, row_number() OVER (PARTITION BY coalesce(shard, '') ORDER BY started DESC, id DESC) AS k" \
	"  FROM run WHERE script_name = ?1 AND finished IS NOT NULL" \
	"  AND EXISTS (SELECT 1 FROM run_stat s WHERE s.run_id = run.id AND s.kind = 'total'))," \
	" top AS (SELECT shard FROM r ORDER BY started DESC, id DESC LIMIT 1)," \
	" b AS (SELECT r.* FROM r, top WHERE r.k <= 2 AND (r.shard = top.shard OR (top.shard <> ''" \
	"  AND r.shard LIKE '%/' || substr(top.shard, instr(top.shard, '/') + 1))))"

static int load_batch(sqlite3 *db, const char *script, int k, batch *out)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(db, BATCH_CTE
	        " SELECT group_concat(id, ','), max(started), sum(pages_ok), sum(pages_failed),"
	        " sum(coalesce(pages_skipped, 0)), (SELECT sum(count) FROM run_stat WHERE kind = 'total'"
	        "  AND run_id IN (SELECT id FROM b WHERE k = ?2)), count(*) FROM b WHERE k = ?2",
	        -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, script, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, k);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_int(s, 6) > 0) {
		out->have = 1;
		snprintf(out->ids, sizeof out->ids, "%s", (const char *)sqlite3_column_text(s, 0));
		snprintf(out->started, sizeof out->started, "%s", (const char *)sqlite3_column_text(s, 1));
		out->ok = (long)sqlite3_column_int64(s, 2);
		out->failed = (long)sqlite3_column_int64(s, 3);
		out->skipped = (long)sqlite3_column_int64(s, 4);
		out->records = (long)sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Every figure of both batches, side by side: fields in the order pqx run stores
 * them (record.md order), failures and warnings by name. */
static int load_figures(sqlite3 *db, const char *script, figure **out, size_t *n)
{
	sqlite3_stmt *s;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, BATCH_CTE
	        " SELECT st.kind, st.name, sum(CASE WHEN b.k = 1 THEN st.count ELSE 0 END),"
	        " sum(CASE WHEN b.k = 2 THEN st.count ELSE 0 END), min(st.rowid)"
	        " FROM run_stat st JOIN b ON b.id = st.run_id"
	        " WHERE st.kind IN ('field', 'failure', 'warning')"
	        " GROUP BY st.kind, st.name"
	        " ORDER BY CASE st.kind WHEN 'field' THEN 0 WHEN 'failure' THEN 1 ELSE 2 END,"
	        " CASE WHEN st.kind = 'field' THEN min(st.rowid) END, st.name",
	        -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, script, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			figure *v = realloc(*out, cap * sizeof *v);
			if (!v)
				break;
			*out = v;
		}
		figure *f = &(*out)[(*n)++];
		f->kind = strdup((const char *)sqlite3_column_text(s, 0));
		f->name = strdup((const char *)sqlite3_column_text(s, 1));
		f->cur = (long)sqlite3_column_int64(s, 2);
		f->prev = (long)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void free_figures(figure *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].name);
	}
	free(v);
}

static double share(long count, long records)
{
	return records > 0 ? (double)count / (double)records : 0;
}

static void pct(char *out, size_t n, long count, long records)
{
	if (records <= 0)
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.0f%%", 100.0 * share(count, records));
}

/* Does the field's share drop by more than margin points? */
static int dropped(const figure *f, const batch *cur, const batch *prev, double margin)
{
	if (!prev->have || prev->records <= 0 || cur->records <= 0)
		return 0;
	return 100.0 * (share(f->prev, prev->records) - share(f->cur, cur->records)) > margin + 1e-9;
}

static void json_batch(FILE *f, const batch *b)
{
	if (!b->have) {
		fputs("null", f);
		return;
	}
	fputs("{\"runs\":[", f);
	fputs(b->ids, f);
	fputs("],\"started\":", f);
	jstr(f, b->started);
	fprintf(f, ",\"pages_ok\":%ld,\"pages_failed\":%ld,\"pages_skipped\":%ld,\"records\":%ld}",
	        b->ok, b->failed, b->skipped, b->records);
}

int pqx_cmd_report(int argc, char **argv)
{
	const char *dbpath = NULL, *only = NULL, *format = "text";
	double margin = 10;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			printf(report_help, PQX_EXIT_FLAGGED);
			return PQX_EXIT_OK;
		}
		if ((strcmp(a, "--script") == 0 || strcmp(a, "--format") == 0 || strcmp(a, "--margin") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pqx report: %s needs a value\n", a);
				return PQX_EXIT_USAGE;
			}
			const char *v = argv[++i];
			if (a[2] == 's') {
				only = v;
			} else if (a[2] == 'f') {
				if (strcmp(v, "text") && strcmp(v, "json")) {
					fprintf(stderr, "pqx report: --format must be text or json, not '%s'\n", v);
					return PQX_EXIT_USAGE;
				}
				format = v;
			} else {
				char *end;
				margin = strtod(v, &end);
				if (end == v || *end || margin < 0 || margin > 100) {
					fprintf(stderr, "pqx report: --margin wants percentage points from 0 to 100, not '%s'\n", v);
					return PQX_EXIT_USAGE;
				}
			}
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pqx report: unknown option '%s' (see pqx report --help)\n", a);
			return PQX_EXIT_USAGE;
		}
		if (dbpath) {
			fprintf(stderr, "usage: pqx report [--script NAME] [--format text|json] [--margin PCT] DB\n");
			return PQX_EXIT_USAGE;
		}
		dbpath = a;
	}
	if (!dbpath) {
		fprintf(stderr, "usage: pqx report [--script NAME] [--format text|json] [--margin PCT] DB\n");
		return PQX_EXIT_USAGE;
	}
	struct stat sb;
	errno = 0;
	if (stat(dbpath, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "pqx report: %s: %s\n", dbpath, errno ? strerror(errno) : "not a regular file");
		return PQX_EXIT_INPUT;
	}
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "pqx report: %s: cannot open database: %s\n", dbpath, db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return PQX_EXIT_DB;
	}
	sqlite3_busy_timeout(db, 5000);
	int code = PQX_EXIT_OK, json = strcmp(format, "json") == 0;
	sqlite3_stmt *names = NULL;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT script_name FROM run WHERE script_name IS NOT NULL"
	                       " AND (?1 IS NULL OR script_name = ?1)"
	                       " AND EXISTS (SELECT 1 FROM run_stat s WHERE s.run_id = run.id AND s.kind = 'total')"
	                       " ORDER BY script_name", -1, &names, NULL) != SQLITE_OK) {
		const char *m = sqlite3_errmsg(db);
		if (strstr(m, "no such table") || strstr(m, "no such column"))
			fprintf(stderr, "pqx report: %s: no run figures in this database (not a pqx database, or one"
			        " written by an older pqx: run pqx run --db on it once)\n", dbpath);
		else
			fprintf(stderr, "pqx report: %s: %s\n", dbpath, m);
		sqlite3_close(db);
		return strstr(m, "no such") ? PQX_EXIT_INPUT : PQX_EXIT_DB;
	}
	if (only)
		sqlite3_bind_text(names, 1, only, -1, SQLITE_STATIC);
	pqx_strv flags = {0};
	int nscripts = 0;
	if (json) {
		printf("{\"database\":");
		jstr(stdout, dbpath);
		printf(",\"margin\":%g,\"scripts\":[", margin);
	}
	int rc;
	while ((rc = sqlite3_step(names)) == SQLITE_ROW) {
		char *script = strdup((const char *)sqlite3_column_text(names, 0));
		batch cur, prev;
		figure *fig = NULL;
		size_t nfig = 0;
		if (!script || load_batch(db, script, 1, &cur) != 0 || load_batch(db, script, 2, &prev) != 0 ||
		    load_figures(db, script, &fig, &nfig) != 0) {
			fprintf(stderr, "pqx report: %s: %s\n", dbpath, sqlite3_errmsg(db));
			free(script);
			code = PQX_EXIT_DB;
			break;
		}
		char line[512], a[16], b[16];
		if (prev.have && prev.records > 0 && cur.records == 0) {
			snprintf(line, sizeof line, "%s: no records (previous run: %ld)", script, prev.records);
			pqx_strv_add(&flags, line, strlen(line));
		}
		if (json) {
			printf("%s{\"script\":", nscripts ? "," : "");
			jstr(stdout, script);
			printf(",\"run\":");
			json_batch(stdout, &cur);
			printf(",\"previous\":");
			json_batch(stdout, &prev);
		} else {
			printf("%s%s: run%s %s (%s)", nscripts ? "\n" : "", script, strchr(cur.ids, ',') ? "s" : "",
			       cur.ids, cur.started);
			if (prev.have)
				printf(" against run%s %s (%s)\n", strchr(prev.ids, ',') ? "s" : "", prev.ids, prev.started);
			else
				printf(", no previous run to compare with\n");
			printf("  %-28s %10s %10s\n", "", prev.have ? "previous" : "", "latest");
			if (prev.have) {
				snprintf(a, sizeof a, "%ld/%ld/%ld", prev.ok, prev.failed, prev.skipped);
			} else {
				a[0] = '\0';
			}
			snprintf(b, sizeof b, "%ld/%ld/%ld", cur.ok, cur.failed, cur.skipped);
			printf("  %-28s %10s %10s\n", "pages ok/failed/skipped", a, b);
			snprintf(a, sizeof a, "%ld", prev.records);
			snprintf(b, sizeof b, "%ld", cur.records);
			printf("  %-28s %10s %10s\n", "records", prev.have ? a : "", b);
		}
		const char *section = "";
		int first_in_section = 1;
		for (size_t i = 0; i < nfig; i++) {
			figure *f = &fig[i];
			int isfield = strcmp(f->kind, "field") == 0;
			int drop = isfield && dropped(f, &cur, &prev, margin);
			if (drop) {
				char pa[16], pb[16];
				pct(pa, sizeof pa, f->prev, prev.records);
				pct(pb, sizeof pb, f->cur, cur.records);
				snprintf(line, sizeof line, "%s %s %s -> %s", script, f->name, pa, pb);
				pqx_strv_add(&flags, line, strlen(line));
			}
			if (strcmp(section, f->kind) != 0) {
				if (json && *section)
					printf("]");
				section = f->kind;
				first_in_section = 1;
				if (json)
					printf(",\"%ss\":[", section);
				else
					printf("  %s\n", isfield ? "fields (share of records)" :
					       strcmp(section, "failure") == 0 ? "failures (pages)" : "warnings");
			}
			if (json) {
				printf("%s{\"name\":", first_in_section ? "" : ",");
				jstr(stdout, f->name);
				printf(",\"count\":%ld,\"previous_count\":", f->cur);
				if (prev.have)
					printf("%ld", f->prev);
				else
					printf("null");
				if (isfield) {
					printf(",\"share\":");
					if (cur.records > 0) printf("%.4f", share(f->cur, cur.records)); else printf("null");
					printf(",\"previous_share\":");
					if (prev.have && prev.records > 0) printf("%.4f", share(f->prev, prev.records)); else printf("null");
					printf(",\"flagged\":%s", drop ? "true" : "false");
				}
				printf("}");
			} else {
				if (isfield) {
					pct(a, sizeof a, f->prev, prev.records);
					pct(b, sizeof b, f->cur, cur.records);
				} else {
					snprintf(a, sizeof a, "%ld", f->prev);
					snprintf(b, sizeof b, "%ld", f->cur);
				}
				printf("    %-26s %10s %10s%s\n", f->name, prev.have ? a : "", b,
				       drop ? "   <- dropped" : "");
			}
			first_in_section = 0;
		}
		if (json) {
			if (*section)
				printf("]");
			printf("}");
		}
		free_figures(fig, nfig);
		free(script);
		nscripts++;
	}
	sqlite3_finalize(names);
	if (code == PQX_EXIT_OK && rc != SQLITE_DONE) {
		fprintf(stderr, "pqx report: %s: %s\n", dbpath, sqlite3_errmsg(db));
		code = PQX_EXIT_DB;
	}
	sqlite3_close(db);
	if (json) {
		printf("],\"flags\":[");
		for (size_t i = 0; i < flags.n; i++) {
			if (i)
				putchar(',');
			jstr(stdout, flags.v[i]);
		}
		printf("]}\n");
	} else if (code == PQX_EXIT_OK) {
		if (nscripts == 0)
			printf("no runs with figures%s%s in %s\n", only ? " of script " : "", only ? only : "", dbpath);
		else if (flags.n == 0)
			printf("\nnothing flagged (margin %g points)\n", margin);
		else {
			printf("\nflagged (dropped by more than %g points):\n", margin);
			for (size_t i = 0; i < flags.n; i++)
				printf("  %s\n", flags.v[i]);
		}
	}
	if (code == PQX_EXIT_OK && only && nscripts == 0) {
		fprintf(stderr, "pqx report: %s: no runs of script '%s' with figures\n", dbpath, only);
		code = PQX_EXIT_INPUT;
	}
	if (code == PQX_EXIT_OK && flags.n)
		code = PQX_EXIT_FLAGGED;
	pqx_strv_free(&flags);
	return code;
}

/* ---- pqx merge -------------------------------------------------------------- */

static const char merge_help[] =
	"usage: pqx merge [-q] OUT.db IN.db...\n"
	"\n"
	"Merges the databases IN.db (written by pqx run --db, e.g. one per --shard) into\n"
	"OUT.db (created if missing; it may already hold questions). Every version of every\n"
	"source of every question is replayed in the order it was stored, through the same\n"
	"rules as a run: sources merge into questions, a changed source keeps its revision,\n"
	"a version already present changes nothing. Runs (matched by their uid, so merging\n"
	"an input twice adds nothing), pages, page warnings and page checks are copied, so\n"
	"every question still points at the run and the page bytes it came from, and a\n"
	"later pqx run --db on OUT.db skips pages that are unchanged. Inputs are only read;\n"
	"an input of an older schema is migrated in a temporary copy. Each input is merged\n"
	"in one transaction: whole or not at all.\n"
	"\n"
	"exit codes: 0 merged, 2 usage, 3 an input is missing or no pqx database,\n"
	"7 database error.\n";

int pqx_cmd_merge(int argc, char **argv)
{
	int quiet = 0, n = 0;
	char **paths = calloc((size_t)argc + 1, sizeof *paths);
	if (!paths)
		return PQX_EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(merge_help, stdout);
			free(paths);
			return PQX_EXIT_OK;
		}
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			quiet = 1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "pqx merge: unknown option '%s' (see pqx merge --help)\n", argv[i]);
			free(paths);
			return PQX_EXIT_USAGE;
		}
		paths[n++] = argv[i];
	}
	if (n < 2) {
		fprintf(stderr, "usage: pqx merge OUT.db IN.db...   (pqx merge --help)\n");
		free(paths);
		return PQX_EXIT_USAGE;
	}
	struct stat os, is;
	int have_out = stat(paths[0], &os) == 0;
	for (int k = 1; k < n; k++) {
		errno = 0;
		if (stat(paths[k], &is) != 0 || !S_ISREG(is.st_mode)) {
			fprintf(stderr, "pqx merge: %s: %s\n", paths[k], errno ? strerror(errno) : "not a regular file");
			free(paths);
			return PQX_EXIT_INPUT;
		}
		if (have_out && is.st_dev == os.st_dev && is.st_ino == os.st_ino) {
			fprintf(stderr, "pqx merge: %s is the output database itself\n", paths[k]);
			free(paths);
			return PQX_EXIT_USAGE;
		}
	}
	char err[512];
	pqx_store *st = pqx_store_open(paths[0], err, sizeof err);
	if (!st) {
		fprintf(stderr, "pqx merge: %s: %s\n", paths[0], err);
		free(paths);
		return PQX_EXIT_DB;
	}
	int code = PQX_EXIT_OK;
	long versions = 0;
	if (pqx_store_merge(st, (const char *const *)paths + 1, n - 1, &versions, err, sizeof err) != 0) {
		fprintf(stderr, "pqx merge: %s (nothing merged)\n", err);
		code = strstr(err, "not a pqx database") || strstr(err, "cannot open") ||
		       strstr(err, "is newer than") ? PQX_EXIT_INPUT : PQX_EXIT_DB;
	} else if (!quiet) {
		fprintf(stderr, "pqx merge: %d database%s, %ld source version%s replayed\n", n - 1,
		        n == 2 ? "" : "s", versions, versions == 1 ? "" : "s");
	}
	if (!quiet && code == PQX_EXIT_OK) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(pqx_store_db(st), "SELECT (SELECT count(*) FROM question),"
		                       " (SELECT count(*) FROM page), (SELECT count(*) FROM run)", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			fprintf(stderr, "pqx merge: %s: %lld questions, %lld page versions, %lld runs\n", paths[0],
			        sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2));
		sqlite3_finalize(s);
	}
	pqx_store_close(st);
	free(paths);
	return code;
}
