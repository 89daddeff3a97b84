#!/bin/sh
# test_hostile_select.sh: issue 11 point 3, the selector half. :has() and
# :pqx-contains() are memoised within one select call, so that the pages that
# made them quadratic (31 s and 76 s before) are answered in well under the
# budget, with the same results (tests/c/test_select.c compares memo on and
# off on random pages). A loose bound of 10 s (--timeout) catches a return of
# the quadratic cost without making the suite timing-sensitive.
. tests/cli/lib.sh
H=tests/fixtures/hostile
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
text = ("x" * 79 + " ") * (1000000 // 80)
pages = {
    "contains": "<div>" * 3990 + text + "</div>" * 3990,
    "siblings": "<p>" + "<i>x</i>" * 100000 + "</p>",
    "far": "<p>" + "<i>x</i>" * 100000 + "<b>y</b></p>",
    "nested": "<div>" * 3990 + "<span>x</span>" + "</div>" * 3990,
    "nestedno": "<div>" * 3990 + "<span>x</span>" + "</div>" * 3990,
}
for name, body in pages.items():
    with open("%s/%s.html" % (d, name), "w") as f:
        f.write("<html><body>" + body + "</body></html>")
PY
for c in "contains:0" "siblings:0" "far:100000" "nested:3990" "nestedno:0"; do
	n=${c%:*}
	run timeout 60 "$PQX" run --timeout 10 $H/selectors.lua "$TMP/$n.html"
	check_rc "$n: answered within --timeout 10" 0
	check_contains "$n: ${c#*:} matches" "$OUT" "\"n\":${c#*:}}"
done
done_testing
