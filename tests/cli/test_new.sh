#!/bin/sh
# test_new.sh: `pqx new` scaffolds a working script, an examples folder and a
# first expected file, which `pqx test` then passes; it never overwrites.
. tests/cli/lib.sh
root=$(pwd)
R="$TMP/proj"
mkdir -p "$R"
run pqx new --dir "$R" xx-test "$root/tests/fixtures/cli/page-calm.html"
check_rc "pqx new exits 0" 0
[ -f "$R/scripts/xx-test.lua" ] && ok "script written" || not_ok "script written"
[ -f "$R/examples/xx-test/page-calm.html" ] && ok "page copied into examples" || not_ok "page copied"
[ -f "$R/examples/xx-test/page-calm.expected.json" ] && ok "first expected file written" || not_ok "expected file"
check_contains "says what to do next" "$OUT" "next: pqx repl"
run pqx check "$R/scripts/xx-test.lua"
check_rc "the new script loads in the sandbox" 0
check_contains "pqx check prints name and version" "$OUT" "xx-test 0.1.0"
run pqx test "$R/scripts/xx-test.lua"
check_rc "pqx test passes on the scaffold" 0
check_contains "pqx test prints time per page" "$OUT" "ms, 1 record"
check_contains "the expected file holds what the page says" "$(cat "$R/examples/xx-test/page-calm.expected.json")" '"title": "calm"'

# a change shows as a field difference; --update accepts it
sed -i 's/<title>calm</<title>changed</' "$R/examples/xx-test/page-calm.html"
run pqx test "$R/scripts/xx-test.lua"
check_rc "a difference fails pqx test" 1
check_contains "the difference names the field path" "$OUT" '[1].title: expected "calm", got "changed"'
run pqx test --tap "$R/scripts/xx-test.lua"
check_contains "--tap: one line per record field" "$OUT" "not ok - $R/examples/xx-test/page-calm.html: record 1 title"
run pqx test --update "$R/scripts/xx-test.lua"
check_contains "--update shows the differences first" "$OUT" 'expected "calm", got "changed"'
check_contains "--update rewrites the expected file" "$OUT" "updated"
run pqx test "$R/scripts/xx-test.lua"
check_rc "pqx test passes after --update" 0

# never overwrites; checks its argument
run pqx new --dir "$R" xx-test "$root/tests/fixtures/cli/page-calm.html"
check_rc "refuses to overwrite a script" 2
check_contains "and says so" "$ERR" "not overwriting"
run pqx new --dir "$R" "Bad Site"
check_rc "refuses a site name that is not a slug" 2
run pqx new --dir "$R" yy "$TMP/missing.html"
check_rc "a missing page is an input error" 3
run pqx test "$R/scripts/nonexistent.lua"
check_contains "names the script it could not read" "$ERR$OUT" "nonexistent.lua"
check_rc "pqx test on a missing script" 4
mkdir -p "$R/scripts" && cp "$R/scripts/xx-test.lua" "$R/scripts/zz.lua"
run pqx test "$R/scripts/zz.lua"
check_rc "pqx test without example pages is an input error" 3
check_contains "and names the folder it looked in" "$ERR" "examples/zz"
done_testing
