#!/bin/sh
# test_hostile_parse.sh: issue 11 points 4, 5 and 12. Nesting hidden where a
# raw-text estimate does not look (SVG, MathML, comments that end early,
# quoted attributes, templates...) is refused with file, line and column;
# ordinary old HTML whose real depth is small (unclosed links, paragraphs,
# items, cells, nested tables, <nobr>, options, self-closing SVG) parses, and
# gives the tree gumbo builds; 100,000 attributes on one element are refused.
# The pages come from tests/fixtures/hostile/pages.py (0.03-18 MB each, never
# committed). Every run is under timeout(1) and a loose wall-clock bound (the
# unguarded parse took 48-64 s per page), and peak memory is checked.
. tests/cli/lib.sh
H=tests/fixtures/hostile
P=$TMP/pages
python3 $H/pages.py "$P"

TIMECMD=""
[ -x /usr/bin/time ] && [ -z "$PQX_WRAP" ] && TIMECMD="/usr/bin/time -f %e:%M -o $TMP/time"

measure() { # NAME
	if [ -s "$TMP/time" ]; then
		m=$(tail -1 "$TMP/time"); secs=${m%%:*}; kb=${m##*:}
		if [ "$kb" -lt 262144 ]; then ok "$1: peak RSS ${kb} kB < 256 MB"; else not_ok "$1: peak RSS" "$kb kB"; fi
		if [ "${secs%%.*}" -lt 20 ]; then ok "$1: ${secs} s"; else not_ok "$1: took ${secs} s"; fi
	fi
}

go() { # NAME [OPTIONS]
	n=$1; shift
	rm -f "$TMP/time"
	run timeout 60 $TIMECMD $PQX_WRAP "$PQX" run "$@" $H/depth.lua "$P/$n.html"
}

for n in svg svg-slash-value svg-title svg-style svg-script svg-plaintext math math-mtext \
         comment-abrupt comment-dash quoted-attr template table-cells div bold spans; do
	go $n
	check_rc "$n: hidden nesting is refused (exit 6)" 6
	check_contains "$n: with file, line, column and the option" "$ERR" \
		"$P/$n.html: line 1, column"
	check_contains "$n: naming the limit" "$ERR" "elements nest deeper than 4000 (--max-depth)"
	measure "$n"
done

# where exactly: the 4,001st level (html and body are levels 1 and 2)
go div
check_contains "div: the first element past the limit" "$ERR" "line 1, column 20032:"
go svg
check_contains "svg: the 3,998th <g>" "$ERR" "line 1, column 12038:"

# text, not nesting: raw text, RCDATA, script escapes, plaintext, comments,
# attribute values, and self-closing foreign elements
for c in style:5 script:5 script-escaped:5 textarea:5 plaintext:5 attr-value:5 title:4 comment:4; do
	n=${c%:*}
	go $n
	check_rc "$n: <div>s that are text parse" 0
	check_eq "$n: and are not elements" "$OUT" "{\"depth\":3,\"elements\":${c#*:}}"
	measure "$n"
done
go svg-selfclosing
check_rc "100,000 self-closing <g/> in svg parse" 0
check_eq "as siblings" "$OUT" '{"depth":4,"elements":100005}'

# point 12: ordinary old HTML, real depth small
want_links='{"depth":3,"elements":5004}'
go links
check_rc "5,000 unclosed <a href> links parse" 0
check_eq "the adoption agency closes each: depth 3 (html, body, a)" "$OUT" "$want_links"
measure links
go tables
check_rc "5,000 nested <table>s parse" 0
check_eq "each <table> closes the one before: depth 3" "$OUT" '{"depth":3,"elements":5004}'
for n in paragraphs nobr; do
	go $n
	check_rc "$n: 20,000 unclosed parse" 0
	check_eq "$n: depth 3" "$OUT" '{"depth":3,"elements":20004}'
	measure "$n"
done
for n in items options; do
	go $n
	check_rc "$n: 20,000 unclosed parse" 0
	check_eq "$n: depth 4" "$OUT" '{"depth":4,"elements":20005}'
done
go cells
check_rc "20,000 rows of unclosed td and font parse" 0
check_eq "cells: depth 7 (table, tbody, tr, td, font)" "$OUT" '{"depth":7,"elements":100006}'
measure cells

# a lower limit applies to the same measure
go links --max-depth 3
check_rc "links: within --max-depth 3" 0
go links --max-depth 2
check_rc "links: not within 2" 6
go links --max-depth 0
check_rc "--max-depth 0: no limit" 0

# below the limit: many tags under deep nesting are charged as gumbo's work
for n in deep-tags deep-paras; do
	go $n
	check_rc "$n: tags under 3,990 levels are refused (exit 6)" 6
	check_contains "$n: saying why" "$ERR" "too many tags under elements nested"
	check_contains "$n: naming the option" "$ERR" "(lower --max-depth to refuse such nesting sooner)"
	measure "$n"
done
rm -f "$TMP/time"
run timeout 60 $TIMECMD $PQX_WRAP "$PQX" run tests/fixtures/cli/titles.lua "$P/shallow-tags.html"
check_rc "100,000 paragraphs under 200 levels parse (never charged)" 0
measure shallow-tags

# point 5: attributes
go attributes
check_rc "100,000 attributes on one element: exit 6" 6
check_contains "with position and option" "$ERR" \
	"attributes.html: line 1, column 4930: an element has more than 1000 attributes (--max-attributes)"
measure attributes
go attributes-svg-style
check_rc "and hidden in an SVG <style> (an element there, not raw text)" 6
python3 -c "import sys; sys.stdout.write('<p ' + ' '.join('a%d' % i for i in range(2000)) + '>x</p>')" >"$P/attrs2000.html"
go attrs2000
check_rc "2,000 attributes are over the default" 6
go attrs2000 --max-attributes 2000
check_rc "--max-attributes 2000 lets them through" 0
go attrs2000 --max-attributes 0
check_rc "--max-attributes 0: no limit" 0
run pqx run --max-attributes lots $H/depth.lua "$P/links.html"
check_rc "a bad --max-attributes is a usage error" 2
check_contains "naming the option" "$ERR" "--max-attributes: 'lots' is not a valid count"
go attribute-bytes
check_rc "a 17 MB attribute: exit 6" 6
check_contains "naming the element, its bytes, the limit" "$ERR" \
	"line 1, column 42: the attributes of <p> are 17825797 bytes, over the limit of 16777216 (--max-attribute-bytes)"
go attr-value --max-attribute-bytes 100K
check_rc "--max-attribute-bytes 100K refuses a 500 kB title" 6
go attr-value --max-attribute-bytes 0
check_rc "--max-attribute-bytes 0: no limit" 0

# pqx.parse (a string parsed from a script) is under the same guard
cat >"$TMP/inner.lua" <<'LUA'
return {name = "inner", version = "1", description = "parse from a script",
  extract = function()
    local ok, err = pqx.parse("<svg>" .. ("<g>"):rep(5000))
    local names = {}
    for i = 1, 1001 do names[i] = "a" .. i end
    local ok2, err2 = pqx.parse("<p " .. table.concat(names, " ") .. ">")
    local _, err3 = pqx.parse(("<div>"):rep(20000))
    return {depth = err, attrs = err2, divs = err3, links = pqx.parse(("<a href=x>y"):rep(5000)) ~= nil}
  end}
LUA
printf '<p>x</p>' >"$TMP/x.html"
run pqx run "$TMP/inner.lua" "$TMP/x.html"
check_eq "pqx.parse: nil and the message" "$OUT" \
	'{"attrs":"line 1, column 4891: an element has more than 1000 attributes (--max-attributes)","depth":"line 1, column 11997: elements nest deeper than 4000 (--max-depth)","divs":"line 1, column 19991: elements nest deeper than 4000 (--max-depth)","links":true}'

done_testing
