/*
 * cli.h: the subcommands of the pqx binary and the exit codes they share.
 * Exit codes are documented in `pqx --help`, the man page and the README;
 * when several pages fail for different reasons, the highest code wins.
 */
#ifndef PQX_CLI_H
#define PQX_CLI_H

#include <stddef.h>

#include "buf.h"
#include "parse.h"
#include "vm.h"

enum pqx_exit {
	PQX_EXIT_OK = 0,
	PQX_EXIT_INTERNAL = 1,   /* out of memory, bug */
	PQX_EXIT_USAGE = 2,      /* bad command line */
	PQX_EXIT_INPUT = 3,      /* unreadable page or script file, undecodable page, bad --encoding */
	PQX_EXIT_SCRIPT = 4,     /* the script failed to load, or raised an error on a page */
	PQX_EXIT_VALIDATION = 5, /* a record failed validation */
	PQX_EXIT_LIMIT = 6,      /* a size, depth, memory, instruction or time limit was exceeded */
	PQX_EXIT_DB = 7,         /* the database could not be opened or written */
	PQX_EXIT_FLAGGED = 8,    /* pqx report: a field's share dropped by more than the margin */
};

/* Options shared by run, repl and test. */
typedef struct pqx_common_opts {
	const char *encoding;   /* --encoding */
	const char *base_url;   /* --base-url: the pages' URL (ctx.url, doc.url); NULL = unknown */
	pqx_limits limits;      /* --max-bytes, --max-depth, --max-parse-memory */
	pqx_vm_opts vm;         /* --max-memory, --max-instructions, --timeout, --lua-dev */
	int quiet;
} pqx_common_opts;

void pqx_common_defaults(pqx_common_opts *o);
/* Parses one shared option at argv[*i]; returns 1 if taken, 0 if not ours, -1 on error (printed). */
int pqx_common_option(pqx_common_opts *o, int argc, char **argv, int *i);
extern const char pqx_common_help[];

/* Collects page paths from arguments: files, directories (recursively, .html and .htm files),
 * and "-" (a list of paths on stdin). Unreadable arguments are still listed so that
 * the run reports them. */
int pqx_collect_pages(char **args, int n, char ***out, size_t *count);
void pqx_free_pages(char **pages, size_t count);

int pqx_cmd_run(int argc, char **argv);
int pqx_cmd_check(int argc, char **argv);
int pqx_cmd_lua(int argc, char **argv);
int pqx_cmd_repl(int argc, char **argv);
int pqx_cmd_test(int argc, char **argv);
int pqx_cmd_new(int argc, char **argv);
int pqx_cmd_report(int argc, char **argv);
int pqx_cmd_merge(int argc, char **argv);

#endif
