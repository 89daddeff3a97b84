/*
 * store.h: the SQLite database of pqx. Plain C, no Lua: records arrive as JSON text
 * (the canonical, key-sorted JSON the engine writes) and are taken apart with SQLite's
 * JSON functions. One savepoint per page, committed in groups; schema created and migrated here
 * (PRAGMA user_version). Every value is a bound parameter.
 */
#ifndef PQX_STORE_H
#define PQX_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "buf.h"

typedef struct pqx_store pqx_store;
struct sqlite3;

typedef struct pqx_run_info {
	const char *script_name;    /* e.g. "be-senate" (the script's `name`) */
	const char *script_path;
	const char *script_version;
	const char *script_sha256;  /* hex of the script file's bytes */
	const char *pqx_version;
	const char *options_json;   /* JSON object of the run's options, or NULL */
} pqx_run_info;

/* Where a page's bytes came from. A page read from a web archive is named by its
 * URL as a question's source, so a later crawl of the same URL revises it rather
 * than adding a second source. */
typedef struct pqx_page_origin {
	const char *url;            /* the page's URL: WARC-Target-URI, or --base-url; NULL */
	const char *fetched;        /* WARC-Date (ISO 8601 UTC); NULL */
	const char *archive;        /* the web archive's path; NULL for a file */
	int64_t record_offset;      /* byte offset of the record (or of its gzip member) in it */
	int64_t record_offset_in_member; /* its offset inside a gzip member shared with others; -1 */
} pqx_page_origin;

typedef struct pqx_page_info {
	const char *path;           /* as given on the command line */
	const char *sha256;         /* hex of the page's raw bytes */
	size_t bytes;
	const char *encoding;       /* e.g. "windows-1252" */
	const char *encoding_source;/* e.g. "meta" */
	const char *status;         /* "ok" or "error" */
	const char *error;          /* NULL, or the error message when status is "error" */
	const char *warnings_json;  /* NULL, or a JSON array of strings (page-level warnings) */
	const struct pqx_page_origin *origin; /* NULL, or where the bytes came from */
} pqx_page_info;

/* The type of the JSON text s as SQLite's json_valid reads it: '{', '[', '"', 't'
 * (true or false), 'n' (null) or '0' (a number); 0 when it is not valid JSON. */
int pqx_json_check(const char *s, size_t len);

/* Opens or creates the database, applies migrations. NULL + err on failure. */
pqx_store *pqx_store_open(const char *path, char *err, size_t errlen);
void pqx_store_close(pqx_store *st);

/* Records a run; returns its id (> 0) or -1 with err. */
int64_t pqx_store_run_begin(pqx_store *st, const pqx_run_info *run, char *err, size_t errlen);
/* Marks the run finished with its page counts. */
int pqx_store_run_end(pqx_store *st, int64_t run_id, long pages_ok, long pages_failed,
                      char *err, size_t errlen);

/* Group commit: pages are stored inside one transaction until it is `seconds`
 * old, then committed together (each page still whole or absent: a savepoint per
 * page). A killed process loses at most the pages of the open window. 0, the
 * default, commits every page on its own. */
void pqx_store_set_commit_window(pqx_store *st, double seconds);
/* Commits the open transaction, if any. Returns 0, or -1 with err (the pages of
 * the window are then not stored, and err says how many). pqx_store_page commits
 * too when the window has passed; when that commit fails, or a failure makes SQLite
 * roll the whole transaction back, it returns -1 and err names the earlier pages
 * lost with it; pqx_store_commit_due is then -1 (no transaction open), and from
 * then on every page is committed on its own (window 0), so that on a full disk
 * the pages that still fit are kept. */
int pqx_store_commit(pqx_store *st, char *err, size_t errlen);
/* Seconds until the open transaction is due for its commit (0: now), or -1 when
 * none is open: an idle caller commits then, so the window stays bounded. */
double pqx_store_commit_due(pqx_store *st);

/* Stores one page, whole or not at all: the page row (with its status/error), and, when
 * records_json is not NULL, every record of that JSON array (validated pqx.question/1
 * records). Unchanged records only move "last seen"; changed ones replace their child
 * rows and keep the previous version as a revision. Record fields the schema does not
 * know go to the `extra` JSON column, and a line per such field is appended to
 * `warnings` (may be NULL). Returns 0, or -1 with err after rolling back. */
int pqx_store_page(pqx_store *st, int64_t run_id, const pqx_page_info *page,
                   const char *records_json, pqx_buf *warnings, char *err, size_t errlen);

/* The schema version this build creates and migrates to (PRAGMA user_version). */
#define PQX_STORE_SCHEMA_VERSION 8

/* The database's schema version (PRAGMA user_version), or -1 on error. */
int pqx_store_schema_version(pqx_store *st);

/* Fixes the timestamp written to started/finished/first_seen/last_seen/updated
 * (an ISO 8601 string), for reproducible tests; NULL goes back to the clock. */
void pqx_store_set_clock(pqx_store *st, const char *iso);

/* The underlying connection, for read-only inspection (tests, `pqx` dot-commands).
 * Never run a write through it while a page is being stored. */
struct sqlite3 *pqx_store_db(pqx_store *st);

/* ---- long runs: what a page did, incremental re-runs, run figures, merge ---- */

/* What the last successful pqx_store_page did to questions, one count per record:
 * a question that did not exist, one that changed (a new version of a source, a new
 * source, or an older version kept as a revision), one that did not change. */
typedef struct pqx_store_counts {
	long new_questions, changed, unchanged;
} pqx_store_counts;
void pqx_store_last_counts(const pqx_store *st, pqx_store_counts *out);

/* From now on every stored page also updates its page_check row: the last processing
 * of that path by the script named script_name (content, script and pqx version, the
 * options that change records, status, the questions it gave). The strings are copied. */
int pqx_store_set_check(pqx_store *st, const char *script_name, const char *script_sha256,
                        const char *pqx_version, const char *options_key);

/* The coverage figures (a JSON object) the next pqx_store_page keeps in the page's
 * page_check row, for a later run that skips the page; NULL for none. Not copied:
 * the text must live until that call. */
void pqx_store_set_page_stats(pqx_store *st, const char *stats_json);

/* The page_check row of (path, script_name), for the skip decision of a re-run. */
typedef struct pqx_page_check {
	char content_sha256[65];
	char script_sha256[65];
	char pqx_version[32];
	char options[256];
	int ok;                     /* 1 when the last processing succeeded */
} pqx_page_check;
/* 1 and *out filled when there is a row, 0 when the path is new, -1 with err. */
int pqx_store_get_check(pqx_store *st, const char *path, const char *script_name,
                        pqx_page_check *out, char *err, size_t errlen);

/* A page skipped because it is unchanged: in one transaction, its page row, its
 * questions' sources and questions move "last seen" to run_id, as an unchanged re-run
 * would. The page's coverage figures, as stored, are appended to stats (may be NULL). */
int pqx_store_page_seen(pqx_store *st, int64_t run_id, const char *path, const char *script_name,
                        pqx_buf *stats, char *err, size_t errlen);

/* A figure of a run: kind "field" (records that have the field), "failure" (pages
 * failed with this cause), "warning" (warnings of this kind), "rerun" (pages not
 * skipped, by reason); first_path is the first page it happened on, or NULL. */
typedef struct pqx_run_stat {
	const char *kind, *name;
	long count;
	const char *first_path;
} pqx_run_stat;
typedef struct pqx_run_totals {
	long pages_skipped, records, questions_new, questions_changed, questions_unchanged;
	double seconds;
	const char *shard;          /* "I/N", or NULL */
} pqx_run_totals;
int pqx_store_run_stats(pqx_store *st, int64_t run_id, const pqx_run_totals *t,
                        const pqx_run_stat *stats, size_t nstats, char *err, size_t errlen);

/* Merges the databases inputs[0..n-1] into st (pqx merge): their runs (by run uid, so
 * merging the same input twice adds nothing), pages, page checks and warnings, and every
 * version of every source, replayed through the same source and rebuild rules as a
 * run, in the order one run over all their pages would have stored them (run
 * generation, page path, time). The inputs are only read; all of them are merged in
 * one transaction. *versions gets the number of source versions replayed. On failure
 * err names the input when one is to blame. */
int pqx_store_merge(pqx_store *st, const char *const *inputs, int n, long *versions,
                    char *err, size_t errlen);

#endif
