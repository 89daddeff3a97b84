#!/bin/sh
# test_hostile_input.sh: reads are bounded before memory is spent, and page
# lists and directory walks end: --max-bytes stops reading at the limit, a page
# list on stdin streams, FIFOs and devices are refused, symlink loops are not
# followed, and a path has one canonical form (also in the database).
. tests/cli/lib.sh
F=tests/fixtures/cli
H=tests/fixtures/hostile
printf '<html><head><title>T</title></head><body><p>x</p></body></html>' >"$TMP/a.html"

# --max-bytes: a 10 GB sparse file is refused without reading it
truncate -s 10G "$TMP/huge.html"
run timeout 20 "$PQX" run --max-bytes 1M $F/titles.lua "$TMP/huge.html" "$TMP/a.html"
check_rc "a page over --max-bytes: exit 6" 6
check_contains "message names the limit" "$ERR" "huge.html: page is over the limit of 1048576 bytes (--max-bytes)"
check_contains "the next page runs" "$OUT" '"title":"T"'

# FIFOs and devices are not pages (they would block or never end)
mkfifo "$TMP/fifo.html"
run timeout 20 "$PQX" run $F/titles.lua "$TMP/fifo.html" /dev/zero "$TMP/a.html"
check_rc "a FIFO and /dev/zero: exit 3, no hang" 3
check_contains "the FIFO is named" "$ERR" "fifo.html: cannot read page: not a regular file"
check_contains "/dev/zero is named" "$ERR" "/dev/zero: cannot read page: not a regular file"
check_contains "the good page still runs" "$OUT" '"title":"T"'
mkdir -p "$TMP/withfifo"
mkfifo "$TMP/withfifo/p.html"
run timeout 20 "$PQX" run $F/titles.lua "$TMP/withfifo"
check_rc "a FIFO found by a directory walk is reported, not opened" 3

# a page list on stdin streams: the first record comes out of an endless list
out=$(yes "$TMP/a.html" | timeout 20 "$PQX" run $F/titles.lua - 2>/dev/null | head -1)
check_contains "yes PAGE | pqx run SCRIPT - gives its first record at once" "$out" '"title":"T"'
long=$(python3 -c "print('x' * 10000)")
run sh -c "printf '%s\n%s\n' '$long' '$TMP/a.html' | timeout 20 '$PQX' run $F/titles.lua -"
check_rc "an over-long line in a page list is an input error" 3
check_contains "named by its line" "$ERR" "(standard input, line 1): this line of the page list is longer than 4096 bytes"
check_contains "and the list goes on" "$OUT" '"title":"T"'

# symlink loops: each directory and file once
mkdir -p "$TMP/loop/sub"
cp "$TMP/a.html" "$TMP/loop/p.html"
ln -s . "$TMP/loop/a"
ln -s .. "$TMP/loop/sub/up"
ln -s ../p.html "$TMP/loop/sub/same.html"
run timeout 20 "$PQX" run $F/titles.lua "$TMP/loop"
check_rc "a directory with symlink loops ends" 0
check_eq "and visits its one page once" "$(printf '%s\n' "$OUT" | grep -c '"title"')" "1"

# one canonical path: dir, dir/ and ./dir/ are the same pages (issue 9)
mkdir -p "$TMP/site" "$TMP/senate"
cp "$TMP/a.html" "$TMP/site/q.html"
cp scripts/be-senate.lua "$TMP/"
cp examples/be-senate/5-8916.html "$TMP/senate/"
here=$(pwd)
cd "$TMP" || exit 1
run timeout 60 "$PQX" run -q --format json "$here/$F/titles.lua" site/
check_contains "dir/ gives dir/page, not dir//page" "$OUT" '"page": "site/q.html"'
run timeout 60 "$PQX" run -q --format json "$here/$F/titles.lua" ./site//
check_contains "./dir// gives dir/page" "$OUT" '"page": "site/q.html"'
run timeout 60 "$PQX" run -q --format none --db "$TMP/c.db" "$TMP/be-senate.lua" senate/
run timeout 60 "$PQX" run -q --format none --db "$TMP/c.db" "$TMP/be-senate.lua" ./senate
check_rc "--db: the second run is fine" 0
check_eq "--db: senate/ then ./senate is one page row" \
	"$(sqlite3 "$TMP/c.db" "select count(*) || ' ' || min(path) from page")" "1 senate/5-8916.html"
cd "$here" || exit 1
done_testing
