-- test_parts.lua: checks of pqx.parts (numbered sub-questions and answer
-- items), on the Belgian Senate question 5-8916 (paragraphs copied from
-- the seed text) and on constructed cases.
-- luacheck: no max line length
local T = require("harness")
local parts = require("pqx.parts")

local QUESTION = {
  [[Bedrijven en overheden hebben de afgelopen jaren de kracht van de sociale media ontdekt om op een vlotte en toegankelijke manier contact te onderhouden met (potentiŽle) klanten of burgers. Enkele federale overheidsdiensten maken intussen ook gebruik van sociale media, zo kan men via @FOD_Financien nieuws volgen over en contact opnemen met deze federale overheidsdienst via Twitter en worden via @belgiumbe de officiŽle persberichten verspreid via ditzelfde medium.]],
  [[Graag kreeg ik dan ook een antwoord op de volgende vragen:]],
  [[1) Maken de FOD's die onder uw bevoegdheid vallen gebruik van sociale media voor de communicatie met burgers? Zo ja, welke? Indien niet, zijn er plannen om dat in de toekomst te doen?]],
  [[2) Hoe evalueert u het gebruik van sociale media door de FOD's die onder uw bevoegdheid vallen? Welke reacties worden er van burgers ontvangen?]],
  [[3) Hoe wordt de informatie geselecteerd die via de sociale media wordt verspreid bij de FOD's die onder uw bevoegdheid vallen? Is hier een specifiek beleid voor?]],
  [[4) Zijn er bij de FOD's die onder uw bevoegdheid vallen, gevallen van misbruik bekend, waarbij foutieve informatie door derden verspreid wordt die ogenschijnlijk vanuit de federale overheid afkomstig zou zijn? Is er vanuit uw bevoegdheidsdomein hiervoor permanente aandacht ?]],
}

local CGVS = {
  [[Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS)]],
  [[1. Het Commissariaat-Generaal voor de Vluchtelingen en de Staatlozen (CGVS) plaatst berichten op de Facebook-pagina van de Federale Overheidsdienst (FOD) Binnenlandse Zaken (IBZ).]],
  [[2. De Facebook-pagina van de FOD IBZ genereert weinig reacties van burgers. De eventuele herwerking van de pagina wordt dan ook geëvalueerd.]],
  [[3. Het CGVS plaatst slechts occasioneel berichten en ziet dit als een ideaal testplatform om de beslissingen over de eventuele lancering van een eigen platform te evalueren.]],
  [[4. Er zijn geen gevallen van misbruik bekend.]],
}

-- the question, as a list of paragraphs and as one string
local function check_question(r, how)
  T.eq(r.intro, QUESTION[1] .. "\n\n" .. QUESTION[2], how .. ": intro is the two paragraphs")
  T.eq(#r.parts, 4, how .. ": four sub-questions")
  for i = 1, 4 do
    T.same(r.parts[i], {number = tostring(i), text = QUESTION[i + 2]:sub(4)},
      how .. ": sub-question " .. i)
  end
  T.same(r.warnings, {}, how .. ": no warnings")
  T.eq(r.style, "1)", how .. ": style 1)")
  T.eq(r.rest, nil, how .. ": no rest")
end
check_question(parts.split(QUESTION), "question list")
check_question(parts.split(table.concat(QUESTION, "\n\n")), "question string")
check_question(parts.split(table.concat(QUESTION, "\r\n\r\n") .. "\n"), "question CRLF string")
T.eq(parts.split(QUESTION).parts[1].text:sub(1, 40), "Maken de FOD's die onder uw bevoegdheid ",
  "question: marker removed from item text")

-- the answer's CGVS section
local function check_cgvs(r, how)
  T.eq(r.intro, CGVS[1], how .. ": heading is the intro")
  T.eq(#r.parts, 4, how .. ": four items")
  for i = 1, 4 do
    T.same(r.parts[i], {number = tostring(i), text = CGVS[i + 1]:sub(4)}, how .. ": item " .. i)
  end
  T.same(r.warnings, {}, how .. ": no warnings")
  T.eq(r.style, "1.", how .. ": style 1.")
end
check_cgvs(parts.split(CGVS), "CGVS list")
check_cgvs(parts.split(table.concat(CGVS, "\n")), "CGVS lines")
T.eq(parts.split(CGVS).parts[4].text, "Er zijn geen gevallen van misbruik bekend.", "CGVS item 4 text")

-- a section without numbers
local r = parts.split({"Dienst Vreemdelingenzaken (DVZ)", "De Dienst Vreemdelingenzaken maakt geen gebruik van sociale media."})
T.same(r.parts, {}, "unnumbered section: no parts")
T.eq(r.intro, "Dienst Vreemdelingenzaken (DVZ)\n\nDe Dienst Vreemdelingenzaken maakt geen gebruik van sociale media.",
  "unnumbered section: all intro")
T.same(r.warnings, {}, "unnumbered section: no warnings")
T.eq(r.style, nil, "unnumbered section: no style")
r = parts.split("")
T.ok(r.intro == nil and #r.parts == 0, "empty input")

-- every marker scheme
local schemes = {
  {"1) a\n2) b\n3) c", "1)", {"1", "2", "3"}},
  {"1. a\n2. b\n3. c", "1.", {"1", "2", "3"}},
  {"1° a\n2° b\n3° c", "1°", {"1", "2", "3"}},
  {"1º a\n2º b", "1°", {"1", "2"}},
  {"(1) a\n(2) b\n(3) c", "(1)", {"1", "2", "3"}},
  {"a) a\nb) b\nc) c", "a)", {"a", "b", "c"}},
  {"a. a\nb. b\nc. c", "a.", {"a", "b", "c"}},
  {"(a) a\n(b) b\n(c) c", "(a)", {"a", "b", "c"}},
  {"i) a\nii) b\niii) c\niv) d", "i)", {"i", "ii", "iii", "iv"}},
  {"i. a\nii. b", "i.", {"i", "ii"}},
  {"(i) a\n(ii) b\n(iii) c", "(i)", {"i", "ii", "iii"}},
}
for _, s in ipairs(schemes) do
  local res = parts.split(s[1])
  local numbers = {}
  for i, p in ipairs(res.parts) do numbers[i] = p.number end
  T.eq(res.style, s[2], "scheme " .. s[2] .. ": style")
  T.same(numbers, s[3], "scheme " .. s[2] .. ": numbers")
  T.same(res.warnings, {}, "scheme " .. s[2] .. ": no warnings")
  T.eq(res.parts[1].text, "a", "scheme " .. s[2] .. ": text")
end
r = parts.split("a) one\nb) two\nc) three\nd) four\ne) five\nf) six\ng) seven\nh) eight\ni) nine\nj) ten")
T.eq(#r.parts, 10, "letters: i) after h) is a letter")
T.same(r.warnings, {}, "letters a-j: no warnings")
T.eq(r.parts[9].number, "i", "letters: ninth is i")

-- not markers
r = parts.split("1.5 miljoen euro werd besteed.\n\n2013. Een jaar.\n\nA. Peeters zegt.\n\n12345) nee\n\n1)zonder spatie")
T.eq(#r.parts, 0, "decimal numbers, years, initials and glued markers are not items")

-- irregular numbering: parts kept, warnings given
r = parts.split("1) een\n2) twee\n2) drie\n4) vier")
T.eq(#r.parts, 4, "duplicate number: all parts kept")
T.same(r.warnings, {"item 3 is numbered '2', expected '3'", "item 4 is numbered '4', expected '3'"},
  "duplicate number warnings")
r = parts.split("1. een\n3. drie")
T.same(r.warnings, {"item 2 is numbered '3', expected '2'"}, "gap warning")
T.same({r.parts[1].number, r.parts[2].number}, {"1", "3"}, "gap: numbers as printed")
r = parts.split("2) twee\n3) drie")
T.same(r.warnings, {"item 1 is numbered '2', expected '1'"}, "start not at 1 warning")
r = parts.split("b) x\nc) y")
T.same(r.warnings, {"item 1 is numbered 'b', expected 'a'"}, "letters start not at a")
r = parts.split("i) x\niii) y")
T.same(r.warnings, {"item 2 is numbered 'iii', expected 'ii'"}, "roman gap")
r = parts.split("3) drie\n2) twee\n1) een")
T.eq(#r.parts, 3, "reversed numbering kept")
T.eq(r.parts[1].number, "3", "reversed numbering in document order")
T.eq(#r.warnings, 3, "reversed numbering: three warnings")

-- continuation paragraphs and nested sub-items
r = parts.split("Vragen:\n\n1) Eerste vraag.\n\nMet uitleg.\n\na) deel a\nb) deel b\n\n2) Tweede vraag.")
T.eq(r.style, "1)", "nested: outer style wins")
T.eq(#r.parts, 2, "nested: two items")
T.eq(r.parts[1].text, "Eerste vraag.\n\nMet uitleg.\n\na) deel a\nb) deel b", "nested: continuation and sub-items stay in item 1")
T.eq(r.parts[2].text, "Tweede vraag.", "nested: item 2")
T.eq(r.intro, "Vragen:", "nested: intro")
r = parts.split("1) Eerste\nregel twee\n2) Tweede")
T.eq(r.parts[1].text, "Eerste\nregel twee", "line continuation joined with newline")

-- stop_at_unnumbered
r = parts.split("Intro\n\n1) een\n2) twee\n\nSlotwoord.\n\n3) drie", {stop_at_unnumbered = true})
T.eq(#r.parts, 2, "stop_at_unnumbered: two items")
T.eq(r.parts[2].text, "twee", "stop_at_unnumbered: item text")
T.eq(r.rest, "Slotwoord.\n\n3) drie", "stop_at_unnumbered: rest keeps everything after")
T.eq(r.intro, "Intro", "stop_at_unnumbered: intro")
r = parts.split("1)\nTekst van een.\n2)\nTekst van twee.", {stop_at_unnumbered = true})
T.same(r.parts, {{number = "1", text = "Tekst van een."}, {number = "2", text = "Tekst van twee."}},
  "marker alone on its line takes the next line")

-- opts.style
r = parts.split("1. Inleiding met nummer.\n\na) een\nb) twee", {style = "a)"})
T.eq(r.intro, "1. Inleiding met nummer.", "style option: other markers are text")
T.eq(#r.parts, 2, "style option: items of that style")
T.raises(function() parts.split("x", {style = "B)"}) end, "unknown style 'B)'", "bad style raises")

-- every style, one example each (the guide's table)
local STYLE_EXAMPLES = {
  {"1.", "1. een\n2. twee"}, {"1)", "1) een\n2) twee"}, {"1°", "1° een\n2° twee"},
  {"(1)", "(1) een\n(2) twee"}, {"a)", "a) een\nb) twee"}, {"a.", "a. een\nb. twee"},
  {"(a)", "(a) een\n(b) twee"}, {"i)", "i) een\nii) twee"}, {"i.", "i. een\nii. twee"},
  {"(i)", "(i) een\n(ii) twee"}, {"A)", "A) een\nB) twee"}, {"A.", "A. een\nB. twee"},
  {"(A)", "(A) een\n(B) twee"}, {"I)", "I) een\nII) twee"}, {"I.", "I. een\nII. twee"},
  {"(I)", "(I) een\n(II) twee"},
}
for _, ex in ipairs(STYLE_EXAMPLES) do
  local sr = parts.split(ex[2])
  local first, second = ex[2]:match("^(%S-)[.)°]"), ex[2]:match("\n%(?(%w+)")
  first = first:gsub("[()]", "")
  T.eq(sr.style, ex[1], "style " .. ex[1] .. " detected")
  T.same(sr.parts, {{number = first, text = "een"}, {number = second, text = "twee"}},
    "style " .. ex[1] .. ": two items")
  T.same(sr.warnings, {}, "style " .. ex[1] .. ": no warnings")
end
r = parts.split("I. Introduction\nII. Findings\nIII. Method\nIV. Results\nV. Outlook")
T.eq(r.parts[4].number, "IV", "capital roman numerals count on")
T.same(r.warnings, {}, "capital roman numerals I..V in order")
r = parts.split("I. Eins\nII. Zwei\nIV. Vier")
T.same(r.warnings, {"item 3 is numbered 'IV', expected 'III'"}, "capital roman gap warns in capitals")
r = parts.split("A. Peeters zegt.\n\nC. Janssens ook.")
T.same(r.parts, {}, "a capital A without a B after it is an initial")
r = parts.split("A. Erste\nB. Zweite\nD. Vierte")
T.same(r.warnings, {"item 3 is numbered 'D', expected 'C'"}, "capital letter gap warns")
r = parts.split("J. Smith asked the minister.\nK. Jones answered.")
T.same(r.parts, {}, "a capital other than A or I starts no list (an initial)")
T.eq(r.style, nil, "an initial sets no style")
r = parts.split("Intro\n\ni) een\nI. Kapitel", {style = "I."})
T.same(r.parts, {{number = "I", text = "Kapitel"}}, "style I. named: lowercase markers are text")

-- opts.inline: items marked in running text, a Canadian order paper question
local ORDER_PAPER = "Q-2107 — March 20, 2024 — Mrs. Gray (Kelowna—Lake Country) — "
  .. "With regard to the Canada Digital Adoption Program, since its launch: "
  .. "(a) how many applications has the government received, broken down by stream; "
  .. "(b) how many applications have been approved; "
  .. "(c) what is the total value of the grants awarded under the program; "
  .. "(d) how many of the grants in (c) went to businesses in British Columbia; "
  .. "(e) what are the details of all contracts signed with the program's service providers, "
  .. "including, for each, the (i) vendor, (ii) value, (iii) date; "
  .. "(f) how many complaints have been received about the program; "
  .. "(g) how many complaints were resolved; "
  .. "(h) for each complaint mentioned in (g), what was the outcome; and "
  .. "(i) what is the projected cost of the program in 2025?"
r = parts.split(ORDER_PAPER, {inline = true})
T.eq(r.intro, "Q-2107 — March 20, 2024 — Mrs. Gray (Kelowna—Lake Country) — With regard to "
  .. "the Canada Digital Adoption Program, since its launch:", "order paper: intro up to (a)")
T.eq(r.style, "(a)", "order paper: style (a)")
T.eq(#r.parts, 9, "order paper: nine items (a) to (i)")
T.same(r.parts[1], {number = "a", text = "how many applications has the government received, broken down by stream"},
  "order paper: item (a) without its ';'")
T.eq(r.parts[4].text, "how many of the grants in (c) went to businesses in British Columbia",
  "order paper: 'in (c)' is a cross-reference")
T.eq(r.parts[5].text, "what are the details of all contracts signed with the program's service "
  .. "providers, including, for each, the (i) vendor, (ii) value, (iii) date",
  "order paper: (i) (ii) (iii) sub-items stay inside (e)")
T.same(r.parts[8], {number = "h", text = "for each complaint mentioned in (g), what was the outcome"},
  "order paper: 'mentioned in (g)' is a cross-reference; '; and' is list punctuation")
T.same(r.parts[9], {number = "i", text = "what is the projected cost of the program in 2025?"},
  "order paper: the letter (i) after (h) is item (i)")
T.same(r.warnings, {}, "order paper: no warnings")
local seen = {}
for _, p in ipairs(r.parts) do seen[#seen + 1] = p.number end
T.eq(table.concat(seen), "abcdefghi", "order paper: items in order")
T.eq(#parts.split(ORDER_PAPER).parts, 0, "order paper without inline: no line starts with a marker")

r = parts.split("Je demande: a) combien de dossiers; b) dans quels délais, et c) à quel coût ?", {inline = true})
T.same(r.parts, {{number = "a", text = "combien de dossiers"}, {number = "b", text = "dans quels délais"},
  {number = "c", text = "à quel coût ?"}}, "inline a) style, French, 'et' before c)")
r = parts.split("Kan de minister meedelen: 1) hoeveel aanvragen er zijn? 2) hoeveel er zijn goedgekeurd, "
  .. "zoals bedoeld in 1)? 3) wat de kosten zijn?", {inline = true})
T.eq(#r.parts, 3, "inline 1) style, Dutch: three items")
T.eq(r.parts[2].text, "hoeveel er zijn goedgekeurd, zoals bedoeld in 1)?", "inline: 'bedoeld in 1)' stays")
r = parts.split("With regard to X: (a) how many; (b) how many; (d) how much?", {inline = true})
T.same(r.warnings, {"item 3 is numbered 'd', expected 'c'"}, "inline: a skip after ';' is taken, with a warning")
T.eq(r.parts[3].text, "how much?", "inline: the skipped-to item")
r = parts.split("With regard to X: (a) the cost, (c) the date", {inline = true})
T.eq(#r.parts, 1, "inline: after ',' only the next number starts an item")
r = parts.split("As mentioned in (a), the minister (b) said", {inline = true})
T.same(r.parts, {}, "inline: markers after words are references, no items")
T.eq(r.intro, "As mentioned in (a), the minister (b) said", "inline: all text is the intro")
r = parts.split("With regard to X: (b) how many; (c) what", {inline = true})
T.same(r.parts, {}, "inline: a list must start at (a)")
r = parts.split({"With regard to X:", "(a) how many;\nin total; and", "(b) what?"}, {inline = true})
T.same(r.parts, {{number = "a", text = "how many;\nin total"}, {number = "b", text = "what?"}},
  "inline: paragraphs and lines kept inside items")
r = parts.split("Intro: (A) one; (B) two", {inline = true, style = "(A)"})
T.same(r.parts, {{number = "A", text = "one"}, {number = "B", text = "two"}}, "inline with a named style")
r = parts.split("", {inline = true})
T.same(r, {parts = {}, warnings = {}}, "inline: empty text")

-- white space
r = parts.split("1)\xC2\xA0een   twee\n\n\n\n2)  drie  ")
T.same(r.parts, {{number = "1", text = "een twee"}, {number = "2", text = "drie"}}, "white space collapsed")

-- argument errors
T.raises(function() parts.split(nil) end, "bad argument #1 to 'split'", "nil input raises")
T.raises(function() parts.split({"a", 3}) end, "paragraph 2", "non-string paragraph raises")
T.raises(function() parts.split("a", "b") end, "bad argument #2 to 'split'", "bad opts raises")

-- list_marker (C) equals the string.match definition it replaced in parts.lua
local core = require("pqx.core")
local text = require("pqx.text")
local function marker_reference(line)
  local label, rest = line:match("^%((%w+)%)(.*)$")
  local shape = "(x)"
  if not label then
    label, shape, rest = line:match("^(%w+)([.)])(.*)$")
    if label then
      shape = "x" .. shape
    else
      label, rest = line:match("^(%d+)\xC2[\xB0\xBA](.*)$")
      shape = "x°"
    end
  end
  if not label or not (rest == "" or rest:match("^%s")) then return nil end
  if not (label:match("^%d%d?%d?$") or label:match("^[a-z]+$") or label:match("^[A-Z]+$")) then
    return nil
  end
  return shape, label, text.trim(rest)
end
local function same_marker(line)
  local a1, a2, a3 = core.list_marker(line)
  local b1, b2, b3 = marker_reference(line)
  return a1 == b1 and a2 == b2 and a3 == b3
end
local EDGES = {"", "(", "()", "(a)", "(a", "(ab)c", "(1) x", "(1)\tx", "(1)\r", "(IV) x", "(iV) x",
  "1", "1.", "1)", "1.5", "1. x", "1.  x  ", "12a. x", "1234. x", "123. x", "a.", "ab) x", "Ab. x",
  "1°", "1° x", "1º x", "1°x", "1\xC2", "1\xC2\xB1 x", "12°\xC2\xA0x", "a° x", "\xC2\xB0 x",
  " 1. x", "1.\xC2\xA0x", "1.\vx", "1.\fx", "1.\nx", "1)\xC2\xA0", "(1)\xE2\x80\x83x", "é. x",
  "1.\0x", "(\0)", "x)\0", "ii. x", "MMXIV) x", "0. x", "000) x"}
local ebad = 0
for _, e in ipairs(EDGES) do
  if not same_marker(e) then
    ebad = ebad + 1
    T.ok(false, "list_marker on " .. string.format("%q", e))
  end
end
T.ok(ebad == 0, string.format("list_marker equals its definition on %d edge cases", #EDGES))
local ALPHABET = {"(", ")", ".", "1", "2", "0", "9", "a", "z", "i", "v", "A", "Z", "I", " ", "\t",
  "\n", "\r", "\v", "\xC2", "\xB0", "\xBA", "\xA0", "x", "-", ":"}
local gbad, gfirst = 0, nil
math.randomseed(20130430)
for _ = 1, 20000 do
  local n = math.random(0, 8)
  local t = {}
  for k = 1, n do t[k] = ALPHABET[math.random(#ALPHABET)] end
  local line = table.concat(t)
  if not same_marker(line) then
    gbad = gbad + 1
    gfirst = gfirst or line
  end
end
T.ok(gbad == 0, "list_marker equals its definition on 20,000 generated lines",
  gfirst and string.format("first difference on %q", gfirst))
local lchecked, ldiffer = 0, nil
for path in io.popen("ls examples/*/*.html"):lines() do
  local f = assert(io.open(path, "rb"))
  local doc = assert(pqx.parse(f:read("a"), {path = path}))
  f:close()
  for _, n in ipairs(doc:select("p, td, li, div")) do
    for _, line in ipairs(text.lines(n:text())) do
      lchecked = lchecked + 1
      if not same_marker(line) and not ldiffer then ldiffer = {path, line} end
    end
  end
  doc:close()
end
T.ok(lchecked > 1000 and not ldiffer,
  string.format("list_marker equals its definition on %d lines of the example pages", lchecked),
  ldiffer and string.format("%s: %q", ldiffer[1], ldiffer[2]))

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
