#!/bin/sh
# test_fragment.sh: a page saved as bare table rows is parsed inside <tbody>, so its
# cells stay apart; the page says so in a warning and in ctx.fragment / doc.fragment.
. tests/cli/lib.sh
cat > "$TMP/f.lua" <<'LUA'
return { name = "f", version = "1", description = "rows", parliament = "x", extract = function(doc, ctx)
  local cells = {}
  for _, td in ipairs(doc:select("tr > td")) do cells[#cells + 1] = td:text() end
  ctx.warn(string.format("fragment=%s/%s rows=%d cells=%s", tostring(doc.fragment),
    tostring(ctx.fragment), #doc:select("tr"), table.concat(cells, "|")))
  return {}
end }
LUA
printf '<tr><td>Aw15_1200</td><td>12.01.2015</td></tr>\r\n<tr><td>15/1200</td><td>Abordnungen</td></tr>\n' > "$TMP/rows.html"
run pqx run "$TMP/f.lua" "$TMP/rows.html"
check_rc "two saved rows: exit 0" 0
check_contains "the page is named a table fragment in a warning" "$ERR" "rows.html: warning: the page is a bare table fragment (no <table> around it): parsed inside <tbody>"
check_contains "rows and cells are kept" "$ERR" "fragment=tbody/tbody rows=2 cells=Aw15_1200|12.01.2015|15/1200|Abordnungen"
printf '<html><body><tr><td>a</td><td>b</td></tr></body></html>' > "$TMP/doc.html"
run pqx run "$TMP/f.lua" "$TMP/doc.html"
check_contains "a page with <html> is a document, parsed as a browser would" "$ERR" "fragment=nil/nil rows=0"
check_not_contains "no fragment warning for a document" "$ERR" "bare table fragment"
run pqx run scripts/de-sl.lua examples/de-sl/single_row.html
check_rc "de-sl reads the Saarland's saved row" 0
check_contains "its record: id, date, asker" "$OUT" '"id":"de-sl:15/1200"'
check_contains "its record: the asker as printed" "$OUT" '"raw":"Neyses (PIRATEN)"'
exit $T_FAILED
