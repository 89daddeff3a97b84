/*
 * warc.h: web archives (WARC 1.0 and 1.1, ISO 28500) as input. Plain C, no Lua.
 * A streaming reader: a plain .warc, or a .warc.gz read gzip member by member
 * (one member per record, as wget and Common Crawl write them, or one member for
 * the whole file). It hands out the HTTP bodies of the archive's HTML responses
 * (status 200), with transfer and content encodings undone, one at a time;
 * memory is bounded by the page size limit, whatever the archive's size.
 * Every other record is skipped and counted. A record that cannot be read
 * comes back as an error naming the archive and the record's byte offset, and
 * reading goes on at the next record it can find.
 */
#ifndef PQX_WARC_H
#define PQX_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct pqx_warc pqx_warc;

/* What an archive held, by kind (filled as it is read). */
typedef struct pqx_warc_stats {
	long records;        /* WARC records found, readable or not */
	long pages;          /* HTML responses handed out */
	long unreadable;     /* records (or stretches of the file) that could not be read */
	long revisit;        /* skipped: revisit records (a "same as before" note, no body) */
	long request;        /* skipped: request records */
	long metadata;       /* skipped: metadata records */
	long warcinfo;       /* skipped: warcinfo records */
	long other_type;     /* skipped: resource, conversion, continuation, unknown types */
	long not_http;       /* skipped: response records that hold no HTTP response (dns:, ...) */
	long status;         /* skipped: HTTP status other than 200 */
	long not_html;       /* skipped: not HTML by Content-Type (or by sniffing, see warc.c) */
} pqx_warc_stats;

/* One record handed out: a page to run, or (error set) a record that could not
 * be read or decoded. */
typedef struct pqx_warc_record {
	char *name;          /* "ARCHIVE#OFFSET", or "ARCHIVE#OFFSET+INNER" inside a shared gzip member */
	char *archive;       /* ARCHIVE: the archive's path, as given */
	uint64_t offset;     /* byte offset in the archive file of the record, or of its gzip member */
	int64_t inner;       /* offset of the record in its member's uncompressed bytes; -1 when
	                        the record starts its member (or the archive is not compressed) */
	char *url;           /* WARC-Target-URI (NULL if missing or not an absolute URL) */
	char *fetched;       /* WARC-Date, ISO 8601 UTC (NULL if missing or malformed) */
	char *charset;       /* the charset of the HTTP Content-Type (NULL if none): the transport label */
	pqx_buf body;        /* the HTTP body, decoded (chunked, gzip, deflate undone) */
	pqx_buf warnings;    /* notes for the page, one per line (a malformed WARC-Date, ...) */
	char *error;         /* NULL, or why the record is not a page */
	int error_limit;     /* the error is the --max-bytes limit (not damage) */
} pqx_warc_record;

/* Is this path an archive by name (*.warc, *.warc.gz, any case)? */
int pqx_warc_is_archive_name(const char *path);

/* Opens an archive; max_bytes bounds each HTTP body (0 = none). NULL + err on failure. */
pqx_warc *pqx_warc_open(const char *path, size_t max_bytes, char *err, size_t errlen);

/* Splits a record's name as pqx gives it, "ARCHIVE#OFFSET" or "ARCHIVE#MEMBER+OFFSET",
 * where ARCHIVE is an archive by name. Returns 1 with *archive (malloc'd), *offset and
 * *inner (-1 when there is no +OFFSET), or 0. */
int pqx_warc_parse_name(const char *name, char **archive, uint64_t *offset, int64_t *inner);

/* Opens an archive at one record (offset and inner as in pqx_warc_record):
 * pqx_warc_next then gives that record and nothing else. NULL + err. */
pqx_warc *pqx_warc_open_record(const char *path, uint64_t offset, int64_t inner, size_t max_bytes,
                               char *err, size_t errlen);

/* The next page or error of the archive: returns 1 with *rec filled (free it with
 * pqx_warc_record_free), or 0 at the end of the archive. */
int pqx_warc_next(pqx_warc *w, pqx_warc_record *rec);

void pqx_warc_record_free(pqx_warc_record *rec);
const pqx_warc_stats *pqx_warc_get_stats(const pqx_warc *w);
void pqx_warc_close(pqx_warc *w);

/* Adds b's counts to a. */
void pqx_warc_stats_add(pqx_warc_stats *a, const pqx_warc_stats *b);
/* Appends a one-line account of the skipped records ("3 request, 1 warcinfo, ...")
 * to out; returns the number of skipped records. */
long pqx_warc_stats_skipped(const pqx_warc_stats *s, pqx_buf *out);

/* "web archives: N read, N records: N pages, N unreadable, N skipped (...)" */
void pqx_warc_stats_line(const pqx_warc_stats *s, int archives, pqx_buf *out);

#endif
