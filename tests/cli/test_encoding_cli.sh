#!/bin/sh
# test_encoding_cli.sh: the encoding decision reaches scripts (ctx.encoding,
# ctx.encoding_source) and the --format json metadata, for every fixture of
# tests/fixtures/encoding; --encoding and a script's `encoding` override it.
. tests/cli/lib.sh
F=tests/fixtures/encoding
S=tests/fixtures/cli/titles.lua

expect() { # FILE ENCODING SOURCE
	run pqx run $S $F/$1
	check_contains "$1: ctx.encoding is $2" "$OUT" "\"encoding\":\"$2\""
	check_contains "$1: ctx.encoding_source is $3" "$OUT" "\"encoding_source\":\"$3\""
}
expect w1252_meta.html windows-1252 meta
expect latin1_label.html windows-1252 meta
expect utf8_nodecl.html UTF-8 detected
expect utf8_bom.html UTF-8 bom
expect mislabelled_utf8.html UTF-8 meta-but-utf8
expect latin1_nodecl.html windows-1252 default
expect nul_bytes.html UTF-8 meta
expect unsupported_decl.html windows-1252 default
expect utf16le_bom.html UTF-16LE bom
expect http_equiv.html ISO-8859-15 meta
expect meta_after_comment.html windows-1252 meta
expect meta_past_1024.html windows-1252 default
expect invalid_utf8.html UTF-8 meta

run pqx run $S $F/mislabelled_utf8.html
check_contains "mislabelled UTF-8 warns, naming the declared label" "$ERR" "iso-8859-1"
run pqx run $S $F/unsupported_decl.html
check_contains "unsupported declared charset warns" "$ERR" "iso-2022-kr"
run pqx run --encoding utf-8 $S $F/invalid_utf8.html
check_contains "invalid bytes are counted (strict under --encoding utf-8)" "$OUT" '"replaced":5'
run pqx run $S $F/invalid_utf8.html
check_contains "declared UTF-8: invalid bytes read as windows-1252, none replaced" "$OUT" '"replaced":0'
run pqx run --format json $S $F/w1252_meta.html
check_contains "json metadata: encoding" "$OUT" '"encoding": "windows-1252"'
check_contains "json metadata: source" "$OUT" '"encoding_source": "meta"'
cat >"$TMP/body.lua" <<'LUA'
return {
  name = "body", version = "1", description = "the body text",
  extract = function(doc) return {text = doc.body:text()} end,
}
LUA
run pqx run "$TMP/body.lua" $F/w1252_meta.html
check_contains "windows-1252 text decoded (curly quotes, euro)" "$OUT" "€ 12,5 miljoen"
check_contains "windows-1252 curly quotes" "$OUT" "“de financiële positie van gemeenten”"

# overrides: the option beats <meta>; the script's declared encoding too
run pqx run --encoding utf-8 $S $F/w1252_meta.html
check_contains "--encoding overrides <meta>" "$OUT" '"encoding_source":"override"'
check_contains "--encoding: bad bytes counted" "$OUT" '"encoding":"UTF-8"'
cat >"$TMP/declared.lua" <<'LUA'
return {
  name = "declared", version = "1", description = "declares its encoding",
  encoding = "iso-8859-2",
  extract = function(doc, ctx) return {enc = ctx.encoding, src = ctx.encoding_source} end,
}
LUA
run pqx run "$TMP/declared.lua" $F/w1252_meta.html
check_contains "a script's encoding field overrides <meta>" "$OUT" '{"enc":"ISO-8859-2","src":"override"}'
run pqx run --encoding windows-1252 "$TMP/declared.lua" $F/w1252_meta.html
check_contains "--encoding beats the script's encoding" "$OUT" '"enc":"windows-1252"'
cat >"$TMP/baddecl.lua" <<'LUA'
return {
  name = "baddecl", version = "1", description = "declares a bogus encoding",
  encoding = "klingon",
  extract = function() return {} end,
}
LUA
run pqx run "$TMP/baddecl.lua" $F/w1252_meta.html
check_rc "a script declaring an unknown encoding: input error" 3
check_contains "and the label is named" "$ERR" "klingon"

done_testing
