#!/bin/sh
# test_jobs.sh: pqx run -j N gives exactly what a one-process run gives: the
# same records in the same order, the same messages, the same database.
. tests/cli/lib.sh
F=tests/fixtures/cli
mkdir -p "$TMP/pages"
cp examples/*/*.html "$TMP/pages/"
cp $F/page-boom.html $F/page-calm.html "$TMP/pages/"

# the summary's time and rate differ from run to run: compared without them
untimed() { printf '%s\n' "$1" | sed 's/ in [0-9.:]* s\{0,1\} ([0-9.]* pages\/s)//'; }
for fmt in jsonl json; do
	run pqx run --format $fmt $F/titles.lua "$TMP/pages"
	one_out=$OUT; one_err=$(untimed "$ERR"); one_rc=$RC
	run pqx run -j 3 --format $fmt $F/titles.lua "$TMP/pages"
	check_eq "-j 3 --format $fmt: same exit code" "$RC" "$one_rc"
	check_eq "-j 3 --format $fmt: same records in the same order" "$OUT" "$one_out"
	check_eq "-j 3 --format $fmt: same messages" "$(untimed "$ERR")" "$one_err"
done

run pqx run $F/runtime_error.lua "$TMP/pages"
one_out=$OUT; one_err=$(untimed "$ERR")
run pqx run --jobs=2 $F/runtime_error.lua "$TMP/pages"
check_rc "-j: a script error on one page is still exit 4" 4
check_eq "-j: the failing page reported as in a single run" "$(untimed "$ERR")" "$one_err"
check_eq "-j: the other pages' records" "$OUT" "$one_out"

for s in be-senate fr-an uk-lords nz de-bundestag; do
	pqx run -q --format none --db "$TMP/one.db" scripts/$s.lua examples/$s
	pqx run -q -j 2 --format none --db "$TMP/two.db" scripts/$s.lua examples/$s
done
dump() { sqlite3 "$1" "select id, record_sha256, status from question order by id; select path, content_sha256, status, encoding from page order by path"; }
check_eq "-j 2 --db stores the same questions and pages" "$(dump "$TMP/two.db")" "$(dump "$TMP/one.db")"

# a slow first page: the pages after it run on the free cores and wait, finished,
# for their turn (up to 4 per process in flight); the order is still the page order
mkdir -p "$TMP/slow"
cp $F/page-calm.html "$TMP/slow/a-slow.html"
for k in 1 2 3 4 5 6 7 8 9 10 11 12; do cp $F/page-calm.html "$TMP/slow/b$k.html"; done
run pqx run -q $F/slow_first.lua "$TMP/slow"
one_out=$OUT
run pqx run -q -j 2 $F/slow_first.lua "$TMP/slow"
check_rc "-j 2 with a slow first page: exit 0" 0
check_eq "-j 2 with a slow first page: the records in page order" "$OUT" "$one_out"
check_contains "-j 2 with a slow first page: the slow page first" "$(printf '%s\n' "$OUT" | head -n 1)" '"page":"a-slow.html"'
check_eq "-j 2 with a slow first page: every page" "$(printf '%s\n' "$OUT" | grep -c '"page"')" 13

run pqx run -j 0 $F/titles.lua $F/page-calm.html
check_rc "-j 0 is a usage error" 2
run pqx run -j lots $F/titles.lua $F/page-calm.html
check_rc "-j lots is a usage error" 2
check_contains "and says what -j wants" "$ERR" "from 1 to 64"
run pqx run -j 8 $F/titles.lua $F/page-calm.html
check_rc "more processes than pages is fine" 0
done_testing
