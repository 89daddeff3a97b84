-- test_fields.lua: pqx.fields layouts from the German Landtag pages: a row of
-- labels above rows of values (layout = "rows"), repeated labels grouped by their
-- heading, empty values kept on request, text options passed on, bad options.
local T = require("harness")

-- a row of labels above rows of values (Sachsen's EDAS result tables print
-- "Drucksache | Datum | Urheber" over one row per paper)
local sn = pqx.parse([[
<div id="liste"><table id="t">
<tr><th colspan="3">Kleine Anfragen</th></tr>
<tr><th>Drucksache</th><th>Datum</th><th>Urheber</th></tr>
<tr><td>6/1231</td><td>23.03.2015</td><td>Uta-Verena Meiwald, Juliane Nagel</td></tr>
<tr><td>6/1232</td><td></td><td>Petra Zais</td></tr>
<tr><td colspan="2">6/1233 (zurückgezogen)</td></tr>
</table></div>]])
local f, list, groups = pqx.fields(sn:one("#t"), {layout = "rows"})
T.eq(f.drucksache, "6/1231", "rows: the first value row fills the map")
T.eq(f.datum, "23.03.2015", "rows: second column")
T.eq(f.urheber, "Uta-Verena Meiwald, Juliane Nagel", "rows: third column")
T.eq(#list, 7, "rows: one entry per value cell (empty ones and missing cells left out)")
T.eq(list[4].value, "6/1232", "rows: the second value row")
T.eq(list[4].row, 2, "rows: entries carry their row number")
T.eq(list[4].source, "rows", "rows: source")
T.eq(list[6].value, "6/1233 (zurückgezogen)", "rows: a spanning value cell under the first label")
T.eq(list[7].key, "datum", "rows: ... and under the second")
T.eq(list[1].heading, "Kleine Anfragen", "rows: the spanning header row is the heading")
T.eq(groups.kleine_anfragen.drucksache, "6/1231", "rows: grouped under the heading")
T.eq(f.kleine_anfragen.urheber, "Uta-Verena Meiwald, Juliane Nagel", "rows: the group in the map")
local all = select(2, pqx.fields(sn:one("#t"), {layout = "rows", keep_empty = true}))
T.eq(#all, 9, "rows + keep_empty: empty and missing cells kept")
T.eq(all[5].value, "", "rows + keep_empty: an empty cell is \"\"")
T.eq(all[9].value, "", "rows + keep_empty: a missing cell is \"\"")
T.eq(pqx.fields(sn:one("#liste"), {layout = "rows"}).drucksache, "6/1231", "rows: the tables below a node")
T.eq(next((pqx.fields(pqx.parse("<table><tr><td>a</td><td>b</td></tr></table>"), {layout = "rows"}))), nil,
     "rows: a table of one row has no values")

-- Hessen's search result: labels broken over two lines, a separator row, values
local he = pqx.parse([[<table><tbody><tr><th valign="top">Druck-<br>sache</th><th valign="top">Dokumenttyp/<br>Vorgangstyp</th>
<th valign="top">Betreff/<br> Initiator</th><th valign="top">PIenar-<br>protokoll</th></tr>
<tr><td bgcolor="#CCCCCC" height="1" colspan="6"></td></tr></tbody><tbody><tr><td>19/1030<br></td>
<td><span>Drucksache/<br>Große Anfrage</span><br> <br></td><td><a href="#?"> Europäische Förderprogramme </a><br>
<span>Waschke, Sabine, SPD u.a. und Fraktion der SPD</span></td><td>19/38</td></tr></tbody></table>]])
local hf, hl = pqx.fields(he, {layout = "rows", keep_empty = true})
T.eq(hf.drucksache, "19/1030", "rows: Hessen: \"Druck-<br>sache\" is the label Drucksache")
T.eq(hl[1].label, "Drucksache", "rows: the joined label as printed")
T.eq(hf.dokumenttyp_vorgangstyp, "Drucksache/\nGroße Anfrage", "rows: a value keeps its line break")
T.eq(hf.pienarprotokoll, "19/38", "rows: last column (label as printed, typo included)")
T.eq(#hl, 4, "rows: the empty separator row is no row of values, even with keep_empty")
T.eq(hl[4].row, 1, "rows: rows are counted without the separator")

-- repeated labels under their headings (Brandenburg and Hamburg print "Datum:"
-- for the question and again for the answer)
local bb = pqx.parse([[
<div id="meta">
<h3>Kleine Anfrage 1 (Fraktion der CDU)</h3>
<table><tr><td>Drucksache:</td><td>6/3264</td></tr><tr><td>Datum:</td><td>16.12.2015</td></tr></table>
<h3>Antwort der Landesregierung</h3>
<table><tr><td>Drucksache:</td><td>6/3541</td></tr><tr><td>Datum:</td><td>30.12.2015</td></tr>
<tr><td>Seiten:</td><td></td></tr></table>
<fieldset><legend>Beratung</legend><dl><dt>Datum</dt><dd>20.01.2016</dd></dl></fieldset>
<h4>Hinweis</h4>
<p>Status: erledigt<br>Bemerkung:</p>
</div>]])
f, list, groups = pqx.fields(bb:one("#meta"))
T.eq(f.datum, "16.12.2015", "headings: the first occurrence stays in out[key]")
T.eq(f.antwort_der_landesregierung.datum, "30.12.2015", "headings: the answer's date under its heading")
T.eq(f.antwort_der_landesregierung.drucksache, "6/3541", "headings: the answer's Drucksache")
T.eq(f.kleine_anfrage_1_fraktion_der_cdu.drucksache, "6/3264", "headings: the question's Drucksache")
T.eq(f.beratung.datum, "20.01.2016", "headings: a fieldset legend heads a dl")
T.eq(f.hinweis.status, "erledigt", "headings: text lines follow the heading lines")
T.eq(groups.antwort_der_landesregierung.seiten, nil, "headings: empty values left out by default")
T.eq(list[3].heading, "Antwort der Landesregierung", "headings: each entry names its heading")
T.eq(list[3].heading_key, "antwort_der_landesregierung", "headings: ... and its key")
f = pqx.fields(bb:one("#meta"), {keep_empty = true})
T.eq(f.antwort_der_landesregierung.seiten, "", "keep_empty: an empty table value is \"\"")
T.eq(f.hinweis.bemerkung, "", "keep_empty: an empty line value is \"\"")
T.eq(f.seiten, "", "keep_empty: ... and in out[key]")

-- a field whose key is a heading's key keeps its place in the map
local clash = pqx.parse([[<dl><dt>Antwort</dt><dd>liegt vor</dd></dl><h2>Antwort</h2><dl><dt>Datum</dt><dd>1.2.2016</dd></dl>]])
local cf, _, cg = pqx.fields(clash)
T.eq(cf.antwort, "liegt vor", "headings: a field wins over a group of the same key")
T.eq(cg.antwort.datum, "1.2.2016", "headings: the group stays reachable in the third value")

-- text options reach every value
local hid = pqx.parse([[<dl><dt>Titel</dt><dd>Kurz <span style="display:none">und lang</span></dd>
<dt>Nummer</dt><dd>Q-1043<sup>2</sup></dd></dl>]])
T.eq(pqx.fields(hid).titel, "Kurz", "text: hidden text left out by default")
T.eq(pqx.fields(hid, {text = {hidden = true}}).titel, "Kurz und lang", "text = {hidden = true}")
T.eq(pqx.fields(hid, {text = {exclude = "sup"}}).nummer, "Q-1043", "text = {exclude = \"sup\"}")

-- bad options
T.raises(function() pqx.fields(bb, {layout = "columns"}) end, 'layout must be "auto" or "rows", got "columns"', "fields: unknown layout")
T.raises(function() pqx.fields(bb, {keep_emtpy = true}) end, "unknown option 'keep_emtpy'", "fields: unknown option")
T.raises(function() pqx.fields(bb, {keep_empty = 1}) end, "option 'keep_empty' must be a boolean, got number", "fields: option type")
T.raises(function() pqx.fields(bb, "rows") end, "options must be a table, got string", "fields: options must be a table")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
