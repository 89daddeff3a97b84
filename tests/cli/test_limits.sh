#!/bin/sh
# test_limits.sh: hostile pages end as a clear error or a result, never a crash:
# deep nesting, unclosed formatting elements, a 1.8 MB page of nested spans,
# oversize pages, binary junk, NUL bytes, broken HTML. Peak memory is checked
# where /usr/bin/time is available (a resource bound, not a timing test).
. tests/cli/lib.sh
F=tests/fixtures/cli

gen() { # NAME OPEN COUNT
	python3 -c "import sys; sys.stdout.write('<html><body>' + sys.argv[1] * int(sys.argv[2]) + 'x</body></html>')" "$2" "$3" >"$TMP/$1.html"
}
gen divs '<div>' 100000
gen bolds '<b>' 100000
gen spans '<span>' 300000
gen tables '<table><tr><td>' 30000

peak_ok() { # NAME: checks the last /usr/bin/time report
	if [ -s "$TMP/time" ]; then
		kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time")
		if [ -n "$kb" ] && [ "$kb" -lt 262144 ]; then ok "$1 peak RSS ${kb} kB < 256 MB"; else not_ok "$1 peak RSS" "${kb:-?} kB"; fi
	fi
}

TIMECMD=""
[ -x /usr/bin/time ] && [ -z "$PQX_WRAP" ] && TIMECMD="/usr/bin/time -v -o $TMP/time"

for p in divs bolds spans tables; do
	rm -f "$TMP/time"
	run $TIMECMD $PQX_WRAP "$PQX" run $F/titles.lua "$TMP/$p.html"
	check_rc "$p: nesting limit is exit 6, not a crash" 6
	check_contains "$p: error names the page" "$ERR" "$p.html"
	check_contains "$p: error gives line and column" "$ERR" "line 1, column"
	check_contains "$p: error names the option" "$ERR" "--max-depth"
	peak_ok "$p"
done

# the limit is an option: a deep but legal page passes when allowed
gen deep '<div>' 3000
run pqx run $F/titles.lua "$TMP/deep.html"
check_rc "3000 nested divs are within the default limit" 0
run pqx run --max-depth 100 $F/titles.lua "$TMP/deep.html"
check_rc "--max-depth 100 refuses 3000 levels" 6

# many unclosed <p>, <li>, <td> and <font> in cells are normal old HTML, not nesting
python3 -c "
import sys
rows = ''.join('<tr><td><font size=2>cell %d<td><font>x' % i for i in range(20000))
items = ''.join('<li>item %d' % i for i in range(20000))
paras = ''.join('<p>para %d' % i for i in range(20000))
sys.stdout.write('<html><body><table>' + rows + '</table><ul>' + items + '</ul>' + paras + '</body></html>')
" >"$TMP/oldhtml.html"
run pqx run $F/titles.lua "$TMP/oldhtml.html"
check_rc "20,000 unclosed p/li/td/font are not counted as nesting" 0

# size limit
run pqx run --max-bytes 1K $F/titles.lua "$TMP/spans.html"
check_rc "--max-bytes: exit 6" 6
check_contains "--max-bytes: message" "$ERR" "over the limit of 1024"

# parser memory limit
run pqx run --max-parse-memory 2M $F/titles.lua "$TMP/oldhtml.html"
check_rc "--max-parse-memory: exit 6" 6
check_contains "--max-parse-memory: message" "$ERR" "--max-parse-memory"

# binary junk and NUL bytes
head -c 200000 /dev/urandom >"$TMP/junk.html"
run pqx run $F/titles.lua "$TMP/junk.html"
check_rc "binary junk parses to a result" 0
printf '<html><head><title>a\000b</title></head><body>x\000y</body></html>' >"$TMP/nul.html"
run pqx run $F/titles.lua "$TMP/nul.html"
check_rc "NUL bytes: exit 0" 0
check_contains "NUL bytes become U+FFFD" "$OUT" '"title":"a�b"'
check_contains "NUL bytes are reported" "$ERR" "NUL"

# broken HTML
printf '<html><body><div><p>unclosed <b>bold <i>both</div></p></td></tr>text<<<>>>&bogus;</body>' >"$TMP/broken.html"
run pqx run $F/titles.lua "$TMP/broken.html"
check_rc "broken HTML still gives a record" 0

# empty file
: >"$TMP/empty.html"
run pqx run $F/titles.lua "$TMP/empty.html"
check_rc "an empty page gives a record" 0

# a directory given as a page inside a list
run sh -c "echo $TMP | $PQX_WRAP $PQX run $F/titles.lua -"
check_rc "a directory named in a page list is an input error" 3
check_contains "and says so" "$ERR" "Is a directory"

done_testing
