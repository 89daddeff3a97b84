#!/bin/sh
# test_hostile.sh: issue 11's attacks, each a regression test. A hostile page or
# script must not hang the run, crash it, lose the pages after it or change what
# other pages produce. Every run is bounded by timeout(1), so a regression shows
# as a failed check, never as a hung suite.
. tests/cli/lib.sh
H=tests/fixtures/hostile
P=$TMP/p
mkdir -p "$P"
for c in metatables gccall coroutine wrap finalizer hidden indexloop luafind refind bigjson \
         patch after after_2 hang extra plain plain_2 plain_3; do
	printf '<html><head><title>T</title></head><body><p>hello  world</p></body></html>' >"$P/$c.html"
done
B="--timeout 1 --max-instructions 10000000"
t() { run timeout 30 "$@"; }

# 1. metatables are protected: no __gc to call, no setmetatable on pqx values
t "$PQX" run $B $H/hostile.lua "$P/metatables.html"
check_eq "getmetatable of doc, node, selector, regex, list gives no __gc and cannot be replaced" "$OUT" \
	'{"doc":true,"list":true,"node":true,"re":true,"sel":true}'
t "$PQX" run $B $H/hostile.lua "$P/gccall.html" "$P/plain.html"
check_rc "getmetatable(sel).__gc(sel) is a script error, not a crash" 4
check_contains "and says why" "$ERR" "attempt to call a nil value (field '__gc')"
check_contains "the next page still runs" "$OUT" '"page":"plain"'

# 2. budgets hold for all script code
t "$PQX" run $B $H/loadloop.lua "$P/plain.html"
check_rc "a top-level endless loop stops at the instruction budget" 4
check_contains "while loading, naming the budget" "$ERR" "while loading: limit exceeded: instruction budget"
t "$PQX" run --max-memory 16M $H/loadmem.lua "$P/plain.html"
check_contains "the top level has a memory budget too" "$ERR" "memory budget of 16 MB"
t "$PQX" run $B $H/loadgc.lua "$P/plain.html"
check_rc "a __gc finalizer is refused (Lua runs finalizers with hooks off)" 4
check_contains "with a message" "$ERR" "__gc finalizers are not available to scripts"
for c in coroutine wrap; do
	t "$PQX" run $B $H/hostile.lua "$P/$c.html"
	check_rc "a coroutine ($c, made at load time or in extract) is under the budget" 6
	check_contains "$c: the instruction budget" "$ERR" "instruction budget of 10000000"
done
t "$PQX" run $B $H/hostile.lua "$P/finalizer.html"
check_rc "a __gc finalizer in extract is refused" 4

# 6. the engine reads records raw: what is validated is what is stored
t "$PQX" run $B $H/hostile.lua "$P/hidden.html"
check_rc "fields behind __index do not pass validation" 5
check_contains "authors reported missing" "$ERR" "authors: missing"
check_contains "dates reported missing" "$ERR" "dates: missing"
t "$PQX" run $B $H/hostile.lua "$P/indexloop.html"
check_rc "looping __index/__pairs/__len on a record never run by the engine" 0
check_eq "and the record is its raw fields" "$OUT" '{"title":"t"}'

# 3. long C calls end at the supervisor's deadline, reported as timeouts
for c in luafind refind; do
	t "$PQX" run $B $H/hostile.lua "$P/$c.html" "$P/plain.html"
	check_rc "$c: a long C call is stopped (exit 6)" 6
	check_contains "$c: cause timeout, with the path" "$ERR" "$P/$c.html: limit exceeded: timeout"
	check_contains "$c: the next page runs" "$OUT" '"page":"plain"'
done

# 11. the memory budget covers the JSON text the engine builds
t "$PQX" run --max-memory 64M $H/hostile.lua "$P/bigjson.html"
check_rc "JSON text past the memory budget is a limit (exit 6)" 6
check_contains "naming the budget and the field" "$ERR" "memory budget of 64 MB per page (--max-memory) (hostile.lua: records[1].title"

# 10. pages do not leak into each other; -j 1 and -j 2 give the same bytes
t "$PQX" run $B $H/hostile.lua "$P/patch.html" "$P/after.html" "$P/after_2.html"
one=$OUT
check_contains "page 1 sees its own patch" "$OUT" '{"t":"PATCHED"}'
check_contains "page 2 runs on the pristine library" "$OUT" '{"s":"a b","t":"hello world"}'
t "$PQX" run -j 2 $B $H/hostile.lua "$P/patch.html" "$P/after.html" "$P/after_2.html"
check_eq "-j 2 gives byte-identical output" "$OUT" "$one"

# 9. one bad page takes no other with it
t "$PQX" run $B $H/hostile.lua "$P/plain.html" "$P/hang.html" "$P/plain_2.html"
check_rc "a hanging page: exit 6" 6
check_eq "the pages around it are all there" "$(printf '%s' "$OUT" | wc -l)" "1"
check_contains "the hang named" "$ERR" "hang.html: limit exceeded"
t "$PQX" run -j 2 --timeout 1 $H/hostile.lua "$P/hang.html" "$P/luafind.html" "$P/plain.html" "$P/plain_2.html" "$P/plain_3.html"
check_eq "-j 2: the good pages after two stuck workers" "$(printf '%s\n' "$OUT" | grep -c '"page":"plain"')" "3"
check_contains "-j 2: summary" "$ERR" "): 3 ok, 2 failed"
check_contains "-j 2: summary counts 5 pages" "$ERR" "pqx: 5 pages in "

# a worker that dies by a signal: the page fails with the cause, the run goes on
# (under AddressSanitizer the worker must die by the signal, not report it: handle_segv=0)
for j in 1 2; do
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
	timeout 30 "$PQX" run -j $j --timeout 0 $H/hostile.lua "$P/plain.html" "$P/hang.html" "$P/plain_2.html" \
		>"$TMP/sig.out" 2>"$TMP/sig.err" &
	sup=$!
	victim=""
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.25
		pqxpid=$(pgrep -P $sup | head -1)
		[ -n "$pqxpid" ] || continue
		# the one worker still there after the quick first page is the hanging one
		victim=$(pgrep -x pqx -P "$pqxpid" | head -1)
		[ -n "$victim" ] && [ -s "$TMP/sig.out" ] && break
		victim=""
	done
	[ -n "$victim" ] && kill -SEGV "$victim"
	wait $sup
	RC=$?
	check_rc "-j $j: a worker killed by SIGSEGV is exit 1, not the end of the run" 1
	check_contains "-j $j: cause signal 11 with the path" "$(cat "$TMP/sig.err")" "hang.html: the worker process for this page died: signal 11"
	check_eq "-j $j: the other pages" "$(grep -c '"page":"plain' "$TMP/sig.out")" "2"
done

# 13. an extra table with a protected metatable is still an object
t "$PQX" run $B $H/hostile.lua "$P/extra.html"
check_contains "extra with __metatable is written as {}" "$OUT" '"extra":{}'

done_testing
