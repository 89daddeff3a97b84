/*
 * store.h: the SQLite database of pqx. Plain C, no Lua: records arrive as JSON text
 * (the canonical, key-sorted JSON the engine writes) and are taken apart with SQLite's
 * JSON functions. One transaction per page; schema created and migrated here
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

/* Opens or creates the database, applies migrations. NULL + err on failure. */
pqx_store *pqx_store_open(const char *path, char *err, size_t errlen);
void pqx_store_close(pqx_store *st);

/* Records a run; returns its id (> 0) or -1 with err. */
int64_t pqx_store_run_begin(pqx_store *st, const pqx_run_info *run, char *err, size_t errlen);
/* Marks the run finished with its page counts. */
int pqx_store_run_end(pqx_store *st, int64_t run_id, long pages_ok, long pages_failed,
                      char *err, size_t errlen);

/* Stores one page in one transaction: the page row (with its status/error), and, when
 * records_json is not NULL, every record of that JSON array (validated pqx.question/1
 * records). Unchanged records only move "last seen"; changed ones replace their child
 * rows and keep the previous version as a revision. Record fields the schema does not
 * know go to the `extra` JSON column, and a line per such field is appended to
 * `warnings` (may be NULL). Returns 0, or -1 with err after rolling back. */
int pqx_store_page(pqx_store *st, int64_t run_id, const pqx_page_info *page,
                   const char *records_json, pqx_buf *warnings, char *err, size_t errlen);

/* The schema version this build creates and migrates to (PRAGMA user_version). */
#define PQX_STORE_SCHEMA_VERSION 4

/* The database's schema version (PRAGMA user_version), or -1 on error. */
int pqx_store_schema_version(pqx_store *st);

/* Fixes the timestamp written to started/finished/first_seen/last_seen/updated
 * (an ISO 8601 string), for reproducible tests; NULL goes back to the clock. */
void pqx_store_set_clock(pqx_store *st, const char *iso);

/* The underlying connection, for read-only inspection (tests, `pqx` dot-commands).
 * Never run a write through it while a page is being stored. */
struct sqlite3 *pqx_store_db(pqx_store *st);

#endif
