#!/bin/sh
# test_encoding_fallback.sh: stray windows-1252 bytes on UTF-8 pages, pages
# mislabelled either way, double encoding and the controls the parser
# replaces, as scripts see them (ctx.*), in the page's warnings (stderr,
# --format json, the database) and on a real Brandenburg page.
. tests/cli/lib.sh
F=tests/fixtures/encoding
cat >"$TMP/enc.lua" <<'LUA'
return {
  name = "enc", version = "1", description = "what decoding did to the page",
  extract = function(doc, ctx)
    local _, fffd = (doc.body and doc.body:text() or ""):gsub("\u{FFFD}", "")
    return {
      enc = ctx.encoding, src = ctx.encoding_source, replaced = ctx.replaced,
      fallback = ctx.fallback_bytes, doubles = ctx.double_encoded, fffd = fffd,
      same = doc.fallback_bytes == ctx.fallback_bytes and doc.double_encoded == ctx.double_encoded
             and doc.replaced == ctx.replaced,
      warning = ctx.encoding_warning,
      text = doc.body and doc.body:text() or "",
    }
  end,
}
LUA

# --- stray bytes on a page declared UTF-8
run pqx run "$TMP/enc.lua" $F/stray_w1252.html
check_rc "stray bytes: the page is fine (exit 0)" 0
check_contains "stray bytes: decoded as UTF-8 from the meta" "$OUT" '"enc":"UTF-8"'
check_contains "stray bytes: 4 read as windows-1252" "$OUT" '"fallback":4'
check_contains "stray bytes: 0x81 is U+FFFD, counted in replaced" "$OUT" '"fffd":1'
check_contains "stray bytes: replaced 1" "$OUT" '"replaced":1'
check_contains "stray bytes: doc and ctx agree" "$OUT" '"same":true'
check_contains "stray bytes: 0xE4 is ä, 0x96 is –, 0x93/0x94 are curly quotes" "$OUT" 'Zu Frage 1: 1.200 Plätze – Stand Dezember; siehe “Anlage 2”.'
check_contains "stray bytes: the UTF-8 text is intact" "$OUT" 'Flüchtlingsunterbringung in Märkisch-Oderland'
W='4 bytes not valid UTF-8 read as windows-1252 (the first at line 11, column 24, offset 373: 0xE4)'
check_contains "stray bytes: ctx.encoding_warning names count and place" "$OUT" "$W"
check_contains "stray bytes: the warning is on stderr with the file" "$ERR" "pqx: $F/stray_w1252.html: warning: $W"
check_contains "stray bytes: the undefined byte's own place" "$OUT" '1 byte valid neither in UTF-8 nor in windows-1252 replaced by U+FFFD (the first at line 11, column 64, offset 413: 0x81)'
run pqx run --format json "$TMP/enc.lua" $F/stray_w1252.html
check_contains "stray bytes: the warning is among the page's warnings (json)" "$OUT" "\"warnings\": [
    \"$W"

# --- the override stays strict
run pqx run --encoding utf-8 "$TMP/enc.lua" $F/stray_w1252.html
check_contains "--encoding utf-8: strict, source override" "$OUT" '"src":"override"'
check_contains "--encoding utf-8: nothing read as windows-1252" "$OUT" '"fallback":0'
check_contains "--encoding utf-8: 5 U+FFFD, all counted" "$OUT" '"fffd":5'
check_contains "--encoding utf-8: replaced 5" "$OUT" '"replaced":5'
check_contains "--encoding utf-8: warned with the place" "$ERR" '5 invalid UTF-8 sequences replaced by U+FFFD (the first at line 11, column 24, offset 373)'

# --- sniffed, and mislabelled both ways
run pqx run "$TMP/enc.lua" $F/stray_w1252_nodecl.html
check_contains "undeclared, UTF-8 but for one byte: detected as UTF-8" "$OUT" '"src":"detected"'
check_contains "undeclared: the stray byte read as windows-1252" "$OUT" '"fallback":1'
check_contains "undeclared: text right" "$OUT" 'Zu Frage 1: 1.200 Plätze.'
run pqx run "$TMP/enc.lua" $F/w1252_as_utf8.html
check_contains "declared utf-8 but windows-1252: decoded as windows-1252" "$OUT" '"enc":"windows-1252","fallback":0'
check_contains "declared utf-8 but windows-1252: its own source" "$OUT" '"src":"meta-but-not-utf8"'
check_contains "declared utf-8 but windows-1252: text right" "$OUT" 'hält die Unterkünfte für „groß” genug; Änderungen'
check_contains "declared utf-8 but windows-1252: warned with the counts" "$ERR" 'declared charset "utf-8" but the page is not UTF-8 (11 invalid byte sequences, 1 valid multi-byte one); decoded as windows-1252'
run pqx run "$TMP/enc.lua" $F/latin1_decl_mostly_utf8.html
check_contains "declared iso-8859-1 but UTF-8 with a stray byte: UTF-8" "$OUT" '"src":"meta-but-utf8"'
check_contains "declared iso-8859-1, stray byte: text right" "$OUT" 'Jürgen Müller: Straßenbau in Münster'
check_contains "declared iso-8859-1, stray byte: warned" "$ERR" 'declared charset "iso-8859-1" but the page is UTF-8 apart from 1 byte; decoded as UTF-8; 1 byte not valid UTF-8 read as windows-1252'

# --- double encoding: warned, not repaired
run pqx run "$TMP/enc.lua" $F/double_encoded.html
check_contains "double encoding: counted (9, not the comment, the href or groß“)" "$OUT" '"doubles":9'
check_contains "double encoding: the text is left as it is" "$OUT" 'Die MaÃŸnahmen zur StÃ¤rkung der â€žLÃ¤ndlichen RÃ¤umeâ€œ'
D='the text looks double-encoded (UTF-8 read as windows-1252 and encoded again): 9 sequences like "ÃŸ", the first at line 10, column 39'
check_contains "double encoding: warned on stderr" "$ERR" "$D"
run pqx run --format json "$TMP/enc.lua" $F/double_encoded.html
check_contains "double encoding: among the page's warnings (json)" "$OUT" '9 sequences like \"ÃŸ\", the first at line 10, column 39'
run pqx run "$TMP/enc.lua" $F/utf8_nodecl.html
check_contains "plain German UTF-8: no double encoding" "$OUT" '"doubles":0'

# --- controls: replaced counts what the parser replaced
run pqx run "$TMP/enc.lua" $F/controls.html
check_contains "controls: 4 counted in replaced" "$OUT" '"replaced":4'
check_contains "controls: the body has those 4 and the 1 of the source" "$OUT" '"fffd":5'
check_contains "controls: warned" "$ERR" '4 control characters or noncharacters replaced by U+FFFD (the first, U+0001, at line 8, column 12)'

# --- a real Brandenburg page, and the same page with three stray bytes
run pqx run "$TMP/enc.lua" examples/de-bb/detail_614.html
check_contains "Brandenburg 6/614: windows-1252 from its meta" "$OUT" '"enc":"windows-1252","fallback":0,"fffd":0,"replaced":0'
check_not_contains "Brandenburg 6/614: no encoding warning" "$ERR" "warning"
printf '%s\n' "$OUT" | sed 's/.*"text":\(.*\),"warning.*/\1/; s/.*"text":\(.*\)}$/\1/' >"$TMP/real.txt"
run pqx run "$TMP/enc.lua" $F/bb_detail_614_stray.html
check_contains "Brandenburg 6/614 with stray bytes: UTF-8 from its meta" "$OUT" '"enc":"UTF-8","fallback":3,"fffd":0,"replaced":0'
check_contains "Brandenburg 6/614 with stray bytes: the umlauts come out right" "$OUT" 'Zugang: öffentlich'
check_contains "Brandenburg 6/614 with stray bytes: warning with count and place" "$ERR" '3 bytes not valid UTF-8 read as windows-1252 (the first at line 50, column 204, offset 3455: 0xE4)'
printf '%s\n' "$OUT" | sed 's/.*"text":\(.*\),"warning.*/\1/; s/.*"text":\(.*\)}$/\1/' >"$TMP/stray.txt"
if cmp -s "$TMP/real.txt" "$TMP/stray.txt" && [ -s "$TMP/real.txt" ]; then
	ok "Brandenburg 6/614: the stray-byte page gives the real page's text exactly"
else
	not_ok "Brandenburg 6/614: the stray-byte page gives the real page's text exactly" "$(diff "$TMP/real.txt" "$TMP/stray.txt" | head -5)"
fi

# --- one stray byte on a Landtag NRW page (declared iso-8859-1, really UTF-8):
#     before, the whole page fell back to windows-1252 ("GroÃŸe Anfrage")
sed 's/Intranet-Zugang/Intranet\x96Zugang/' examples/de-nw/detail_7576.html >"$TMP/detail_7576.html"
run pqx run --format jsonl --db "$TMP/nw.db" scripts/de-nw.lua "$TMP/detail_7576.html"
check_rc "NRW page with a stray byte: stored (exit 0)" 0
check_contains "NRW page with a stray byte: the titles stay right" "$OUT" '"title":"Große Anfrage 11"'
check_not_contains "NRW page with a stray byte: no mojibake" "$OUT" 'GroÃ'
NW='1 byte not valid UTF-8 read as windows-1252 (the first at line 360'
check_contains "NRW page with a stray byte: warned" "$ERR" "$NW"
check_contains "NRW page with a stray byte: the warning is in the database" \
	"$(sqlite3 "$TMP/nw.db" "SELECT warnings FROM page")" "$NW"
check_eq "NRW page with a stray byte: the decision is in the database" \
	"$(sqlite3 "$TMP/nw.db" "SELECT encoding || ' ' || encoding_source FROM page")" "UTF-8 meta-but-utf8"

done_testing
