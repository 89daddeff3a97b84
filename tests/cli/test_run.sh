#!/bin/sh
# test_run.sh: pqx run from the outside: exit codes, messages, sandbox, budgets,
# output formats, page lists.
. tests/cli/lib.sh
F=tests/fixtures/cli

run pqx --version
check_rc "--version exits 0" 0
check_contains "--version prints the version" "$OUT" "pqx 0."

run pqx --help
check_rc "--help exits 0" 0
check_contains "--help lists run" "$OUT" "run SCRIPT PAGE..."
check_contains "--help documents exit codes" "$OUT" "6 limit exceeded"

run pqx run --help
check_rc "run --help exits 0" 0
check_contains "run --help names --format" "$OUT" "--format jsonl|json|none"
check_contains "run --help names --max-depth" "$OUT" "--max-depth"

run pqx
check_rc "no command is a usage error" 2
run pqx frobnicate
check_rc "unknown command is a usage error" 2
check_contains "unknown command named" "$ERR" "unknown command 'frobnicate'"
run pqx run $F/titles.lua
check_rc "run without pages is a usage error" 2
run pqx run --format yaml $F/titles.lua $F/page-calm.html
check_rc "bad --format is a usage error" 2
run pqx run --bogus $F/titles.lua $F/page-calm.html
check_rc "unknown option is a usage error" 2
run pqx run --encoding klingon $F/titles.lua $F/page-calm.html
check_rc "unknown --encoding label is a usage error" 2
check_contains "unknown label named" "$ERR" "unknown encoding label 'klingon'"
run pqx run --max-depth lots $F/titles.lua $F/page-calm.html
check_rc "bad --max-depth is a usage error" 2

# --- input errors
run pqx run $F/no-such-script.lua $F/page-calm.html
check_rc "missing script: exit 3" 3
check_contains "missing script named" "$ERR" "no-such-script.lua: cannot read script"
run pqx run $F/titles.lua $F/missing.html $F/page-calm.html
check_rc "missing page: exit 3" 3
check_contains "missing page named" "$ERR" "missing.html: cannot read page"
check_contains "run goes on after a missing page" "$OUT" '"title":"calm"'

# --- script errors
run pqx run $F/syntax_error.lua $F/page-calm.html
check_rc "syntax error: exit 4" 4
check_contains "syntax error names file and line" "$ERR" "syntax_error.lua:4:"
run pqx run $F/not_a_table.lua $F/page-calm.html
check_rc "script returning a number: exit 4" 4
check_contains "says what a script must return" "$ERR" "must return a table"
run pqx run $F/runtime_error.lua $F/page-boom.html $F/page-calm.html
check_rc "runtime error on one page: exit 4" 4
check_contains "runtime error names page" "$ERR" "page-boom.html"
check_contains "runtime error names script line" "$ERR" "runtime_error.lua:5:"
check_contains "runtime error has a traceback" "$ERR" "stack traceback:"
check_contains "traceback shows the caller" "$ERR" "in upvalue 'check'"
check_contains "run goes on to the next page" "$OUT" '"title":"calm"'
check_contains "summary counts failures" "$ERR" "): 1 ok, 1 failed"
check_contains "summary counts the pages" "$ERR" "pqx: 2 pages in "
check_contains "summary groups failures by cause, with the first page" "$ERR" \
	"pqx:   1 x script error: runtime_error.lua:5: attempt to index a nil value (local 't') (first: tests/fixtures/cli/page-boom.html)"

# --- sandbox
for probe in io execute remove debug package dofile global; do
	run pqx run $F/sandbox.lua $F/page-$probe.html
	check_rc "sandbox forbids $probe" 4
done
run pqx run $F/sandbox.lua $F/page-io.html
check_contains "unknown global is named" "$ERR" "unknown global 'io'"
run pqx run $F/sandbox.lua $F/page-global.html
check_contains "assignment to a global is refused" "$ERR" "assignment to undeclared global 'undefined_thing'"
run pqx run $F/sandbox.lua $F/page-binary.html
check_rc "binary chunks refused via string.dump" 4
check_contains "binary chunk message" "$ERR" "binary chunk"
run pqx run $F/sandbox.lua $F/page-binmode.html
check_rc "binary mode refused" 4
check_contains "binary mode message" "$ERR" "only text chunks"
run pqx run $F/sandbox.lua $F/page-requirepath.html
check_rc "require of a path refused" 4
run pqx run $F/sandbox.lua $F/page-missingmod.html
check_rc "missing module is a script error" 4
check_contains "missing module names the file tried" "$ERR" "no_such_module.lua"
run pqx run $F/sandbox.lua $F/page-sibling.html
check_rc "module beside the script loads" 0
check_contains "module beside the script works" "$OUT" '"result":"42"'

run pqx run $F/tamper.lua $F/page-calm.html
check_rc "replacing pqx.record.validate_page does not switch validation off" 5
check_contains "the engine still validates" "$ERR" "tamper.lua: record #1: parliament: missing (required)"
check_not_contains "string methods, coroutine.wrap and the string metatable are intact" "$ERR" "assertion failed"

# --- budgets (cannot be swallowed by pcall)
run pqx run --max-instructions 5000000 $F/budget.lua $F/page-loop.html $F/page-fine.html
check_rc "instruction budget: exit 6" 6
check_contains "instruction budget named" "$ERR" "instruction budget"
check_contains "next page still runs after a budget hit" "$OUT" '"ok":true'
run pqx run --max-instructions 5000000 $F/budget.lua $F/page-swallow.html
check_rc "swallowed budget error still fails the page" 6
check_not_contains "swallowed page gives no record" "$OUT" '"ok":true'
run pqx run --max-memory 20M --max-instructions 0 --timeout 0 $F/budget.lua $F/page-memory.html
check_rc "memory budget: exit 6" 6
check_contains "memory budget named" "$ERR" "memory budget"
run pqx run --max-instructions 0 --timeout 0.5 $F/budget.lua $F/page-loop.html
check_rc "time budget: exit 6" 6
check_contains "time budget named" "$ERR" "time budget"

# --- output formats
run pqx run $F/titles.lua $F/page-calm.html $F/page-fine.html
check_rc "jsonl run exits 0" 0
check_eq "jsonl: one line per record" "$(printf '%s\n' "$OUT" | wc -l)" "2"
check_contains "records without schema pass through" "$OUT" '"headings":["Page calm"]'
run pqx run --format json $F/titles.lua $F/page-calm.html
check_rc "json run exits 0" 0
check_contains "json has encoding metadata" "$OUT" '"encoding": "windows-1252"'
check_contains "json has the encoding source" "$OUT" '"encoding_source": "default"'
check_contains "json has the records" "$OUT" '"records": ['
if command -v python3 >/dev/null; then
	printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["status"]=="ok"' 2>/dev/null \
		&& ok "json output is one valid JSON document" || not_ok "json output is one valid JSON document"
fi
run pqx run --format none $F/titles.lua $F/page-calm.html
check_eq "--format none prints no records" "$OUT" ""

# --- page lists
run pqx run -q $F/titles.lua $F
check_rc "a directory of pages" 0
check_eq "directory: every .html page" "$(printf '%s\n' "$OUT" | wc -l)" "$(ls $F/*.html | wc -l)"
run sh -c "printf '%s\n' $F/page-calm.html $F/page-fine.html | $PQX_WRAP $PQX run $F/titles.lua -"
check_rc "page list on stdin" 0
check_eq "stdin list: both pages" "$(printf '%s\n' "$OUT" | wc -l)" "2"

done_testing
