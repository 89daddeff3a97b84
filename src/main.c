/*
 * main.c: the pqx command line: global options, help, version, and dispatch to
 * the subcommands (run.c, repl.c, test.c). Owns nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"pqx %s: parliamentary questions from web pages, extracted by Lua scripts\n"
	"\n"
	"usage: pqx COMMAND [options] ...\n"
	"\n"
	"commands:\n"
	"  run SCRIPT PAGE...   run a script's extract() on pages (files, directories, web\n"
	"                       archives *.warc[.gz]); records as JSON lines, or into\n"
	"                       SQLite with --db FILE (pqx run --help)\n"
	"  repl [SCRIPT] [PAGE] explore a page interactively with `doc` bound (pqx repl --help)\n"
	"  test SCRIPT...       run scripts on their example pages and compare with the\n"
	"                       expected records (pqx test --help)\n"
	"  new SITE [PAGE]      start a script for a new parliament (pqx new --help)\n"
	"  check SCRIPT         load a script in the sandbox and report its name and version\n"
	"  lua FILE [ARG...]    run a trusted Lua file with the pqx library (developers, tests)\n"
	"\n"
	"  -h, --help           this help;  -V, --version   the version\n"
	"\n"
	"exit codes: 0 success, 1 internal error, 2 usage, 3 input (unreadable or\n"
	"undecodable page or script file), 4 script error, 5 validation, 6 limit exceeded,\n"
	"7 database; when pages fail in different ways the highest code is returned.\n"
	"\n"
	"Documentation: README.md, scripts/README.md (the script writer's guide),\n"
	"docs/selectors.md, docs/record.md, docs/schema.md; man pqx.\n";

struct command {
	const char *name;
	int (*fn)(int, char **);
};

static const struct command commands[] = {
	{"run", pqx_cmd_run},
	{"check", pqx_cmd_check},
	{"lua", pqx_cmd_lua},
	{"repl", pqx_cmd_repl},
	{"test", pqx_cmd_test},
	{"new", pqx_cmd_new},
	{NULL, NULL},
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, usage, PQX_VERSION);
		return PQX_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		printf(usage, PQX_VERSION);
		return PQX_EXIT_OK;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("pqx %s\n", PQX_VERSION);
		return PQX_EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, cmd) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "pqx: unknown command '%s' (see pqx --help)\n", cmd);
	return PQX_EXIT_USAGE;
}
