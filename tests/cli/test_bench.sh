#!/bin/sh
# test_bench.sh: the benchmark measures the right thing. Its generator is
# deterministic, its pages are what be-senate.lua reads, its record check catches
# a wrong record, and its floor parses the same pages. (No timing is asserted.)
. tests/cli/lib.sh
GEN=$BUILD/bench-gen
FLOOR=$BUILD/bench-floor

"$GEN" "$TMP/a" 40 >/dev/null && "$GEN" "$TMP/b" 40 >/dev/null
check_eq "the same seed gives the same corpus, byte for byte" "$(cd "$TMP/a" && cat * | sha256sum)" "$(cd "$TMP/b" && cat * | sha256sum)"
"$GEN" "$TMP/c" 40 7 >/dev/null
[ "$(cmp -s "$TMP/a/p00003.html" "$TMP/c/p00003.html"; echo $?)" = 1 ] && ok "another seed gives other bytes" || not_ok "another seed gives other bytes"

small=$(find "$TMP/a" -name '*.html' -size -20k | wc -l)
large=$(find "$TMP/a" -name '*.html' -size +61k | wc -l)
check_eq "pages are 20-60 KB" "$small $large" "0 0"
check_eq "pages have CRLF line ends" "$(LC_ALL=C grep -c "$(printf '\r')\$" "$TMP/a/p00000.html")" "$(wc -l <"$TMP/a/p00000.html")"
check_eq "pages hold windows-1252 bytes 0x80-0x9F" "$(LC_ALL=C grep -c "$(printf '[\200-\237]')" "$TMP/a/p00001.html" | awk '{print ($1 > 0)}')" 1
check_eq "pages never hold the five bytes windows-1252 leaves unassigned" \
	"$(cat "$TMP"/a/*.html | LC_ALL=C grep -c "$(printf '[\201\215\217\220\235]')")" 0

run pqx run -q scripts/be-senate.lua "$TMP/a"
check_rc "be-senate.lua reads every generated page" 0
printf '%s\n' "$OUT" >"$TMP/records"
run python3 tools/bench/check.py "$TMP/a/manifest.tsv" <"$TMP/records"
check_rc "the records match the generator's manifest" 0
check_contains "and the check says how many" "$ERR" "40 records checked"
sed 's/"status":"answered"/"status":"unanswered"/' "$TMP/records" >"$TMP/wrong"
run python3 tools/bench/check.py "$TMP/a/manifest.tsv" <"$TMP/wrong"
check_rc "a wrong record fails the check" 1
check_contains "naming the record" "$ERR" "record be-senate:5-100"
head -n 39 "$TMP/records" >"$TMP/short"
run python3 tools/bench/check.py "$TMP/a/manifest.tsv" <"$TMP/short"
check_rc "a missing record fails the check" 1

run "$FLOOR" "$TMP"/a/*.html
check_rc "the floor parses every page" 0
check_contains "and counts them" "$OUT" "40 pages parsed, 0 failed"
printf 'x\201y' >"$TMP/bad.html"
run "$FLOOR" "$TMP/bad.html"
check_rc "the floor reports a page iconv refuses" 1
check_contains "naming it" "$ERR" "bad.html"
done_testing
