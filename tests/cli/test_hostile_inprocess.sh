#!/bin/sh
# test_hostile_inprocess.sh: issue 11 point 10 for the commands that run pages
# in one process. `pqx test` runs each example page in a fresh Lua state, and
# the REPL's .run runs the page it opened in a fresh state too, so a page that
# patches require("pqx.core").node_methods.text, pqx.text.squish or the
# script's own upvalues changes nothing for the next page, the next .run or
# the session. (`pqx run` forks a worker per page: tests/cli/test_hostile.sh.)
. tests/cli/lib.sh
H=tests/fixtures/hostile
run pqx test --examples $H/inprocess $H/inprocess.lua
check_rc "pqx test: the page after the patching one sees the pristine library" 0
check_contains "a_patch sees its own patch" "$OUT" "PASS $H/inprocess/a_patch.html"
check_contains "b_after passes" "$OUT" "PASS $H/inprocess/b_after.html"
run pqx test --tap --examples $H/inprocess $H/inprocess.lua
check_rc "pqx test --tap: the same" 0
check_not_contains "no failed check" "$OUT" "not ok"

run sh -c "printf '%s\n' '.run' 'doc:select1(\"p\"):text()' 'pqx.text.squish(\"  a  b \")' '.run' \
	'.open $H/inprocess/b_after.html' '.run' | $PQX_WRAP $PQX repl $H/inprocess.lua $H/inprocess/a_patch.html"
check_rc "repl: exit 0" 0
check_contains "repl: .run sees the patch it makes" "$OUT" '"s": "PATCHED"'
check_contains "repl: the session's library is untouched" "$OUT" "hello world
a b"
check_not_contains "repl: a second .run starts afresh (the upvalue too)" "$OUT" '"seen": 2'
check_contains "repl: .run on the next page is pristine" "$OUT" '"s": "a b",
    "seen": 1,
    "t": "hello world"'

# the REPL's own userdata keep their metatables to themselves
run sh -c "printf '%s\n' 'getmetatable(doc).__gc' 'getmetatable(doc:select1(\"p\")).__gc' | $PQX_WRAP $PQX repl $H/inprocess/a_patch.html"
check_eq "repl: no __gc reachable from doc or a node" "$OUT" "nil
nil"
done_testing
