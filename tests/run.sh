#!/bin/sh
# run.sh: runs every test layer and ends with one line "N passed, N failed".
# Each test program prints "ok - NAME" / "not ok - NAME" lines; this script
# counts them, and counts a program that dies without finishing as a failure.
# Layers: C unit tests, Lua API tests (run inside pqx), golden tests (pqx test),
# CLI tests (shell). PQX_WRAP (e.g. valgrind) prefixes every pqx invocation.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PQX="$(pwd)/$BUILD/pqx"
export PQX BUILD
export PQX_WRAP="${PQX_WRAP:-}"
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# runs one test program; $1 = label, rest = command
run_prog() {
	label=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label exited with status $rc without a failed check" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		echo "FAIL $label ($p passed, $f failed)"
		grep -A6 '^not ok ' "$log" | head -60 | sed 's/^/    /'
		[ "$rc" -gt 128 ] && tail -20 "$log" | sed 's/^/    /'
	else
		echo "ok   $label ($p passed)"
	fi
}

echo "== C unit tests"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_prog "$(basename "$t")" $PQX_WRAP "$t"
done

echo "== Lua API tests"
for t in tests/lua/test_*.lua; do
	[ -f "$t" ] || continue
	run_prog "$(basename "$t")" $PQX_WRAP "$PQX" lua "$t"
done

echo "== golden tests"
for s in scripts/*.lua; do
	[ -f "$s" ] || continue
	run_prog "pqx test $(basename "$s")" $PQX_WRAP "$PQX" test --tap "$s"
done

echo "== CLI tests"
for t in tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	run_prog "$(basename "$t")" sh "$t"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
