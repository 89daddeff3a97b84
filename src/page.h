/*
 * page.h: one page through one script: read, decode, parse, extract under the
 * budgets, gather and validate the records, encode them as canonical JSON.
 * Shared by `pqx run`, `pqx test` and the REPL's `.run`, so that all three give
 * the same records and the same errors for the same page.
 */
#ifndef PQX_PAGE_H
#define PQX_PAGE_H

#include <stddef.h>

#include "buf.h"
#include "cli.h"
#include "vm.h"

typedef struct pqx_page_result {
	int status;              /* enum pqx_exit: PQX_EXIT_OK or the kind of failure */
	pqx_buf error;           /* the failure, one or more lines, without the page path */
	pqx_buf warnings;        /* page-level warnings, one per line */
	pqx_buf records_json;    /* canonical compact JSON array of the records (status OK) */
	pqx_buf stats_json;      /* `pqx run --db`: the records' coverage figures, made by the
	                            worker from its own records (run.c), or empty */
	size_t nrecords;
	int unschemed;           /* records without `schema` (JSON output only, --db refuses) */
	char sha256[65];         /* of the raw bytes */
	size_t bytes;
	char encoding[40];
	const char *encoding_source;
	size_t replaced;
	size_t parse_errors;
	double seconds;          /* wall time for the page */
} pqx_page_result;

void pqx_page_result_init(pqx_page_result *r);
void pqx_page_result_free(pqx_page_result *r);

/* Runs the script table at script_idx on the page at path. Always pushes exactly
 * one value: the list of records (status OK) or nil. The script's basename names
 * it in messages. */
void pqx_process_page(pqx_vm *vm, int script_idx, const char *script_name, const char *path,
                      const pqx_common_opts *opts, pqx_page_result *res);

/* Loads what pqx_process_page needs besides the script (the engine's own
 * pqx.record, for validation) now, so that worker processes forked afterwards
 * find it compiled instead of compiling it again for every page. Returns 0, or
 * -1 with the message in err. */
int pqx_page_preload(pqx_vm *vm, pqx_buf *err);

/* Where a page given as bytes came from: a web archive's response record. */
typedef struct pqx_page_source {
	const char *transport;   /* the HTTP Content-Type charset (encoding step 3), or NULL */
	const char *url;         /* WARC-Target-URI: ctx.url, doc.url (an absolute URL), or NULL;
	                            it takes the place of --base-url, also when NULL */
	const char *fetched;     /* WARC-Date: ctx.fetched, or NULL */
} pqx_page_source;

/* Same, for a page already in memory; name is its path in ctx.path and messages
 * (for a web archive's record, ARCHIVE#OFFSET). The encoding decided from the
 * transport label is reported as "http" ("http-but-utf8"). */
void pqx_process_bytes(pqx_vm *vm, int script_idx, const char *script_name, const char *name,
                       const char *bytes, size_t len, const pqx_page_source *src,
                       const pqx_common_opts *opts, pqx_page_result *res);

/* Same, for a document already on the stack at doc_idx (the REPL's .run); fetched
 * (may be NULL) is ctx.fetched. */
void pqx_process_document(pqx_vm *vm, int script_idx, const char *script_name, int doc_idx,
                          pqx_page_result *res);
void pqx_process_document_fetched(pqx_vm *vm, int script_idx, const char *script_name, int doc_idx,
                                  const char *fetched, pqx_page_result *res);

#endif
