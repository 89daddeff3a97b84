#!/bin/sh
# test_url_cli.sh: --base-url for run, test and repl: ctx.url, doc.url and the
# base of node:url; the script's base_url as the fallback; the errors of a bad
# --base-url, a bad base_url and a relative link with no base at all.
. tests/cli/lib.sh
F=tests/fixtures/url

run pqx run --base-url "https://www.Landtag.example/drs/liste.html" $F/links.lua $F/links.html
check_rc "--base-url: exit 0" 0
check_contains "--base-url: ctx.url is the normalised URL" "$OUT" '"url":"https://www.landtag.example/drs/liste.html"'
check_contains "--base-url: doc.url too" "$OUT" '"doc_url":"https://www.landtag.example/drs/liste.html"'
check_contains "--base-url: relative link resolved and encoded" "$OUT" '"https://www.landtag.example/drs/Drucksache%2018%201.pdf"'
check_contains "--base-url: existing escapes kept, space encoded" "$OUT" '"https://www.landtag.example/suche?q=Gro%C3%9Fe%20Anfrage"'
check_contains "--base-url: absolute link as it is" "$OUT" '"https://www.bundestag.de/x"'

run pqx run --base-url=https://www.landtag.example/drs/ $F/links.lua $F/links.html
check_contains "--base-url=URL form" "$OUT" '"url":"https://www.landtag.example/drs/"'

run pqx run $F/links.lua $F/links.html
check_rc "script base_url: exit 0" 0
check_contains "script base_url: ctx.url unknown" "$OUT" '"url":"(none)"'
check_contains "script base_url: it is doc.base_url" "$OUT" '"base":"https://www.landtag.example/archiv/"'
check_contains "script base_url: links resolved against it" "$OUT" '"https://www.landtag.example/archiv/Drucksache%2018%201.pdf"'

run pqx run $F/links_nobase.lua $F/links.html
check_rc "no base at all: a script error (exit 4)" 4
check_contains "no base at all: the message says what to do" "$ERR" 'node:url: no base URL for a relative link "Drucksache 18 1.pdf" (give --base-url or set base_url in the script)'

run pqx run --base-url "https://www.landtag.example/" $F/links_nobase.lua $F/links.html
check_rc "no script base_url, --base-url given: exit 0" 0

run pqx run --base-url drs/liste.html $F/links.lua $F/links.html
check_rc "relative --base-url is a usage error" 2
check_contains "relative --base-url named" "$ERR" "--base-url: 'drs/liste.html' is not an absolute URL"
run pqx run --base-url $F/links.lua $F/links.html
check_rc "--base-url swallowing the script path is a usage error" 2

run pqx run $F/bad_base.lua $F/links.html
check_rc "relative base_url in the script: load error (exit 4)" 4
check_contains "relative base_url named" "$ERR" "'base_url' must be an absolute URL"
run pqx check $F/bad_base.lua
check_rc "pqx check refuses a relative base_url" 4

run pqx test --help
check_contains "test --help names --base-url" "$OUT" "--base-url URL"
run pqx test --base-url nope scripts/nz.lua
check_rc "pqx test: relative --base-url is a usage error" 2

printf 'doc.url\nctx.url\ndoc:select1("a"):url()\n' >"$TMP/in"
run sh -c "\"$PQX\" repl --base-url https://www.landtag.example/drs/ $F/links.html <\"$TMP/in\""
check_rc "repl --base-url: exit 0" 0
check_eq "repl --base-url: doc.url, ctx.url, node:url" "$OUT" "https://www.landtag.example/drs/
https://www.landtag.example/drs/
https://www.landtag.example/drs/Drucksache%2018%201.pdf"
printf 'doc.base_url\n' >"$TMP/in"
run sh -c "\"$PQX\" repl $F/links.lua $F/links.html <\"$TMP/in\""
check_eq "repl with a script: its base_url is doc.base_url" "$OUT" "https://www.landtag.example/archiv/"

done_testing
