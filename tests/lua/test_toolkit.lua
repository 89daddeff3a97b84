-- test_toolkit.lua: pqx.sections and pqx.fields on the layouts they are for.
local T = require("harness")

local doc = pqx.parse([[
<div id="answer">
<p>Het geachte lid vindt hieronder het antwoord.</p>
<p><b><u>Dienst A</u></b></p>
<p>1. Eerste.</p><p>2. Tweede.</p>
<!-- note -->
<p><b><u>Dienst B</u></b></p>
Losse tekst <i>zonder</i> alinea.
<p><b><u>Dienst C</u></b></p>
</div>]])
local blocks = pqx.sections(doc:one("#answer"), "p:has(> b > u)")
T.eq(#blocks, 4, "sections: intro block plus three headed blocks")
T.eq(blocks[1].heading, nil, "sections: first block has no heading")
T.eq(blocks[1].text, "Het geachte lid vindt hieronder het antwoord.", "sections: intro text")
T.eq(blocks[2].title, "Dienst A", "sections: heading title")
T.eq(#blocks[2].nodes, 2, "sections: nodes of a block (comment skipped)")
T.eq(blocks[2].text, "1. Eerste.\n2. Tweede.", "sections: text of a block")
T.eq(blocks[3].text, "Losse tekst zonder alinea.", "sections: loose text between headings")
T.eq(blocks[4].text, "", "sections: empty last block kept because it has a heading")
local by_fn = pqx.sections(doc:one("#answer"):children(), function(n) return n:text():find("^Dienst") ~= nil end)
T.eq(#by_fn, 4, "sections: list of nodes with a function heading")
T.raises(function() pqx.sections(doc, nil) end, "heading selector or function is required", "sections: heading required")
T.raises(function() pqx.sections("x", "p") end, "expected a node or a list of nodes", "sections: bad input")

local meta = pqx.parse([[
<dl><dt>Auteur :</dt><dd>M. Jean Dupont</dd><dt>Date de publication</dt><dd>12 mars 2019</dd></dl>
<table><tr><th>Drucksache</th><td>18/9430</td></tr><tr><td>Datum:</td><td>1. August 2016</td></tr>
<tr><td>a</td><td>b</td><td>c</td></tr></table>
<p><b>Ministère interrogé :</b> Intérieur<br>Rubrique: sécurité routière<br>Note. This: is prose, not a field</p>
]])
local f, list = pqx.fields(meta)
T.eq(f.auteur, "M. Jean Dupont", "fields: dl")
T.eq(f.date_de_publication, "12 mars 2019", "fields: dl label normalised")
T.eq(f.drucksache, "18/9430", "fields: table th/td")
T.eq(f.datum, "1. August 2016", "fields: table label with colon")
T.eq(f.a, nil, "fields: three-cell rows are not pairs")
T.eq(f.ministere_interroge, "Intérieur", "fields: <b>Label :</b> value, accents folded in the key")
T.eq(f.rubrique, "sécurité routière", "fields: Label: value line")
T.eq(f["note_this"], nil, "fields: prose with a colon is not a field")
T.eq(list[1].label, "Auteur", "fields: ordered list keeps the printed label")
T.eq(list[1].source, "dl", "fields: source of each pair")
T.eq(pqx.fields.key("  Datum der Antwort: "), "datum_der_antwort", "fields.key")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
