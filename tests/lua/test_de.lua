-- test_de.lua: pqx.de, the German parliaments' helpers (Drucksache references,
-- question types, authors), with strings as the corpus pages print them.
local T = require("harness")
local de = require("pqx.de")

-- drucksache
local d, a, b = de.drucksache("Schriftliche Anfrage Drucksache Nr. 17/4838 vom 09.02.2015")
T.same(d, {number = "17/4838", term = "17", serial = "4838", date = "2015-02-09",
  raw = "Drucksache Nr. 17/4838 vom 09.02.2015"}, "Bayern: Drucksache Nr. with date")
T.eq(a, 22, "start of the reference")
T.eq(b, 58, "end of the reference")
T.same(de.drucksache("Drs 19/113 Kleine Anfrage und Antwort des Senats vom 13.10.2015"),
  {number = "19/113", term = "19", serial = "113", raw = "Drs 19/113"},
  "Bremen: Drs without date (the date belongs to the type)")
T.same(de.drucksache("BT-Drs 18/13575 (Kleine Anfrage)"),
  {number = "18/13575", term = "18", serial = "13575", raw = "BT-Drs 18/13575"}, "BT-Drs prefix")
T.same(de.drucksache("Drucksache 17/15364 S. 1 bis 29 vom 22.01.2015"),
  {number = "17/15364", term = "17", serial = "15364", pages = "S. 1 bis 29", date = "2015-01-22",
    raw = "Drucksache 17/15364 S. 1 bis 29 vom 22.01.2015"}, "Berlin: pages before the date")
T.same(de.drucksache("Antwort (LReg) 30.12.2015 Drucksache 6/3264 (2 S.)"),
  {number = "6/3264", term = "6", serial = "3264", raw = "Drucksache 6/3264"}, "Brandenburg: date before")
T.eq(de.drucksache("Drs. 16/4581").number, "16/4581", "Drs. with a dot")
T.eq(de.drucksache("Drucksache 17 / 1262").number, "17/1262", "spaces around the slash")
T.same({de.drucksache("Plenarprotokoll 17/38 S. 3831 vom 07.11.2013")},
  {nil, "no Drucksache number in 'Plenarprotokoll 17/38 S. 3831 vom 07.11.2013'"},
  "a plenary protocol is not a Drucksache")
T.same({de.drucksache("Drucksache 17/1 vom 31.02.2014")},
  {nil, "Drucksache 17/1: day 31 does not exist in february 2014"}, "impossible date is an error")
T.same(de.drucksache("15. Wahlperiode 15/1284 (15/1217)", {prefix = false}),
  {number = "15/1284", term = "15", serial = "1284", raw = "15/1284"}, "bare number with prefix = false")
T.same({de.drucksache("Seite 12")}, {nil, "no Drucksache number in 'Seite 12'"}, "no number")
T.raises(function() de.drucksache(nil) end, "bad argument #1 to 'drucksache'", "non-string raises")

-- question_type
local function qt(s) return {de.question_type(s)} end
T.same(qt("Kleine Anfrage"), {"written", "Kleine Anfrage"}, "Kleine Anfrage")
T.same(qt("Kleine Anfrage und Antwort des Senats"), {"written", "Kleine Anfrage"}, "with its answer")
T.same(qt("Große Anfrage"), {"interpellation", "Große Anfrage"}, "Große Anfrage")
T.same(qt("GROSSE ANFRAGE"), {"interpellation", "Große Anfrage"}, "upper case, ss")
T.same(qt("Mitteilung des Senats (Antwort auf Große Anfrage)"), {"interpellation", "Große Anfrage"},
  "answer to a Große Anfrage")
T.same(qt("Kleine Anfrage zur schriftlichen Beantwortung mit Antwort"),
  {"written", "Kleine Anfrage zur schriftlichen Beantwortung"}, "longest name wins")
T.same(qt("Schriftliche Anfrage"), {"written", "Schriftliche Anfrage"}, "Schriftliche Anfrage")
T.same(qt("Dringliche Anfrage"), {"topical", "Dringliche Anfrage"}, "Dringliche Anfrage")
T.same(qt("Mündliche Anfrage"), {"oral", "Mündliche Anfrage"}, "Mündliche Anfrage")
T.same(qt("Anfrage des Abgeordneten Michael Neyses"), {"written", "Anfrage"}, "bare Anfrage")
T.same(qt("Antrag der Fraktion der SPD"), {nil, "no German question type in 'Antrag der Fraktion der SPD'"},
  "a motion is no question")
T.same(qt("Nachfrage"), {nil, "no German question type in 'Nachfrage'"}, "whole words only")

-- author
T.same(de.author("Susanne Graf (Piraten)"), {name = "Susanne Graf", party = "Piraten",
  raw = "Susanne Graf (Piraten)"}, "a member with party")
T.same(de.author("Dr. Wolfgang Albers (Die Linke)"), {name = "Dr. Wolfgang Albers", party = "Die Linke",
  raw = "Dr. Wolfgang Albers (Die Linke)"}, "title kept as printed")
T.same(de.author("Fraktion der CDU"), {name = "Fraktion der CDU", kind = "group", party = "CDU",
  raw = "Fraktion der CDU"}, "Fraktion der")
T.same(de.author("Fraktion DIE LINKE"), {name = "Fraktion DIE LINKE", kind = "group", party = "DIE LINKE",
  raw = "Fraktion DIE LINKE"}, "Fraktion without der")
T.same(de.author("SPD-Landtagsfraktion"), {name = "SPD-Landtagsfraktion", kind = "group", party = "SPD",
  raw = "SPD-Landtagsfraktion"}, "X-Landtagsfraktion")
T.same(de.author("Urheber: Bündnis 90/Die Grünen"), {name = "Bündnis 90/Die Grünen", kind = "party",
  party = "Bündnis 90/Die Grünen", raw = "Bündnis 90/Die Grünen"}, "a party alone, Urheber dropped")
T.same(de.author("BÜNDNIS 90/DIE GRÜNEN"), {name = "BÜNDNIS 90/DIE GRÜNEN", kind = "party",
  party = "BÜNDNIS 90/DIE GRÜNEN", raw = "BÜNDNIS 90/DIE GRÜNEN"}, "a party in capitals")
T.same(de.author("Wählervereinigung X", {parties = {"Wählervereinigung X"}}).kind, "party",
  "opts.parties adds party names")
T.eq(de.author("Landesregierung").kind, "government", "Landesregierung")
T.eq(de.author("Senat").kind, "government", "Senat")
T.eq(de.author("Senator Müller").kind, nil, "Senator is a person, not the Senat")
T.eq(de.author("Ministerium des Innern").kind, "government", "a ministry")
T.eq(de.author("Ausschuss für Inneres").kind, "committee", "a committee")
T.eq(de.author("Haushaltsausschuss").kind, "committee", "a compound committee name")
T.same({de.author("  ")}, {nil, "empty author"}, "empty author")
T.same({de.author("Jan (SPD")}, {nil, "unbalanced parentheses in 'Jan (SPD'"}, "unreadable author")
T.ok(de.is_party("die linke"), "is_party ignores case")
T.ok(not de.is_party("Thomas Jung"), "a person is no party")

-- authors
T.same(de.authors("Thomas Jung (AfD), Andreas Kalbitz (AfD)"), {
  {name = "Thomas Jung", party = "AfD", raw = "Thomas Jung (AfD)"},
  {name = "Andreas Kalbitz", party = "AfD", raw = "Andreas Kalbitz (AfD)"}}, "a list of members")
T.same(de.authors("Kleine Anfrage der Abgeordneten Anna A (SPD) und Bernd B (SPD)"), {
  {name = "Anna A", party = "SPD", raw = "Anna A (SPD)"},
  {name = "Bernd B", party = "SPD", raw = "Bernd B (SPD)"}}, "the Anfrage line is dropped")
T.same({de.authors("")}, {nil, "empty list"}, "empty list")
T.same({de.authors("A (SPD), B (CDU")}, {nil, "author 2: unbalanced parentheses in 'B (CDU'"},
  "a bad entry names its position")

-- lines: a starweb data cell cut at <br>, with each line's links
do
  local doc = assert(pqx.parse('<table><tr><td id="c"> <!--XX-->Susanne Graf (Piraten)<br>\n'
    .. '<a href="/s17-14146.pdf">Drucksache 17/14146</a>\n vom 03.07.2014\n<br><br>\n <u>Folge  1</u><br>'
    .. 'Antwort <a href="#?" onclick="x">A</a> <a href="javascript:f()">B</a><br><b><a href="x/y.pdf">'
    .. 'Drs 6/1</a></b></td></tr></table>', {base_url = "http://pardok.example/starweb/AHAB/index.html"}))
  T.same(de.lines(doc:one("#c")), {
    {text = "Susanne Graf (Piraten)", urls = {}},
    {text = "Drucksache 17/14146 vom 03.07.2014", urls = {"http://pardok.example/s17-14146.pdf"}},
    {text = "", urls = {}},
    {text = "Folge 1", urls = {}},
    {text = "Antwort A B", urls = {}},
    {text = "Drs 6/1", urls = {"http://pardok.example/starweb/AHAB/x/y.pdf"}},
  }, "lines: cut at <br>, blank line kept, links resolved, action links left out")
  local d2 = assert(pqx.parse('<table><tr><td id="c">Drs <a href="/a.pdf">6/614</a> (54 S.) <a href="javascript:F()">A</a>nlagen (2)'
    .. '<div>Block one</div>tail</td></tr></table>', {base_url = "http://x.example/"}))
  T.same(de.lines(d2:one("#c")), {
    {text = "Drs 6/614 (54 S.) Anlagen (2)", urls = {"http://x.example/a.pdf"}},
    {text = "Block one", urls = {}}, {text = "tail", urls = {}}},
    "lines: a link's first letter stays glued to its word; a block child is a line of its own")
  T.raises(function() de.lines("x") end, "bad argument #1 to 'lines' (Node expected, got string)",
    "lines needs a node")
  -- opts.base: a PARLDOK page names its server only in its form's action
  T.same(de.lines(d2:one("#c"), {base = "http://www.parldok.brandenburg.de/starweb/LTBB/servlet.starweb"})[1].urls,
    {"http://www.parldok.brandenburg.de/a.pdf"}, "lines: opts.base replaces the document's base URL")
  T.raises(function() de.lines(d2:one("#c"), {base = 1}) end,
    "bad argument #2 to 'lines' (opts.base must be a string, got number)", "lines: opts.base must be a string")
  T.raises(function() de.lines(d2:one("#c"), {bse = "x"}) end, "bad argument #2 to 'lines' (unknown option 'bse'; known: base)", "lines: an unknown option raises")
end

-- the guide's examples from Brandenburg and the Bundestag (scripts/README.md 2.9, 3.2, 3.13a)
T.ok(de.is_party("B90/GRÜNE") and de.is_party("BVB/FW") and not de.is_party("LReg"),
  "is_party: Brandenburg's short group names; LReg is none")
T.same({pqx.re.match("[ID: 18-83903]", [=[\[ID:\s*(\d+)-(\d+)\]]=])}, {"18", "83903"},
  "long brackets: a regex that ends in \\] in [=[...]=]")
T.ok(not load("return [[\\[ID:\\s*(\\d+)-(\\d+)\\]]]"), "long brackets: the same regex in [[...]] does not load")
do
  local f = assert(io.open("examples/de-bb/overview.html", "rb"))
  local doc = assert(pqx.parse(f:read("a"), {base_url = "https://www.parlamentsdokumentation.brandenburg.de/"}))
  f:close()
  T.same(#doc:select([=[span[name="OFR_BASIS2"]]=]), 25, "long brackets: a selector that ends in ]")
  local topic = doc:select("div[name=Repeat_TYP] div.topic")[1]
  T.same(topic:text(), "Straßengüterverkehr\nWindenergieanlagen - Begleitung der Schwertransporte durch die Polizei",
    "text: ELVIS div.topic holds the keyword and the title")
  T.same(topic:text{exclude = "a.theslink"}, "Windenergieanlagen - Begleitung der Schwertransporte durch die Polizei",
    "text{exclude}: the keyword link left out")
end

os.exit(T.failed == 0 and 0 or 1, true)
